"""Reading back the text of our right-to-left PDFs in tests.

pypdf's own extraction is not enough for Persian PDFs from WeasyPrint. WeasyPrint writes each
line's glyphs in visual order (left to right as printed) and pypdf turns right-to-left runs back
into logical order with a heuristic that carries a "current direction" from one piece of text to
the next and counts Persian digits as neutral: a number comes out reversed ("۲۲۷" as "۷۲۲",
"۱۴۰۴/۰۹/۲۴" as "۴۲/۹۰/۴۰۴۱") after Persian letters, but as written when it starts a line that
follows a Latin word, so no rule can repair its output afterwards. Its layout mode does not
reorder at all, but it returns plain strings, where a lam-alef ligature (one glyph for "لا") can
no longer be told from an alef followed by a lam, and "تلاوت" comes back as "تالوت".

So this helper reads the glyphs itself: for each text-showing operation (one piece of a printed
line, in visual order) it maps every glyph to its text through the font's ToUnicode map, keeping
a ligature's letters together, then undoes the bidi algorithm of a right-to-left paragraph, as
every paragraph of our PDFs is: the glyphs are read from right to left, and each run of Latin
text and each number keeps its left-to-right order inside. A number is digits joined by the
separators that the bidi algorithm keeps inside one number after Persian letters (`/ : . , ٫ ٬`);
a hyphen is not one of them, so "۱۴۰۴-۰۵" is printed as two numbers, "۰۵-۱۴۰۴", and read back
as written.

Good enough for the documents we print, not a general inverse of the bidi algorithm: a number
written just before a Latin word ("۱۲۳ ISO") is read as part of the Latin run.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pypdf
from pypdf.generic import ContentStream

_NUMBER = re.compile(r"\d+(?:[/:.,\u066b\u066c]\d+)*")
_HEX = re.compile(rb"<([0-9a-fA-F]+)>")


def pdf_text(data: bytes) -> str:
    """The text of every page in reading order: one printed line per line (the pieces of a line
    joined by a space), spaces collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    lines: list[list[str]] = []
    for page in reader.pages:
        previous_y = None
        for y, glyphs in _text_pieces(page.get_contents(), page["/Resources"], reader):
            if y != previous_y:
                lines.append([])
                previous_y = y
            lines[-1].append(logical_order(glyphs))
    return "\n".join(text for line in lines if (text := " ".join(" ".join(line).split())))


def pdf_pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def glyph_variants(data: bytes, text: str) -> int:
    """How many different glyphs print `text` (one letter) in the PDF. A shaped Persian letter has
    several (initial, medial, final, isolated forms); text laid out without shaping has one."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    glyphs = set()
    for page in reader.pages:
        for name, font in _dict(page["/Resources"], "/Font"):
            glyphs |= {
                (name, code)
                for code, mapped in _to_unicode(font.get_object()).items()
                if mapped == text
            }
    return len(glyphs)


def logical_order(glyphs: list[str]) -> str:
    """One piece of a printed line of a right-to-left paragraph, from the visual order of its
    glyphs' texts to the logical order of its characters."""
    tokens: list[str] = []
    # Persian letters (and ligatures of them) are single tokens; what lies between them is Latin
    # text, numbers and punctuation, cut into the runs that keep their own order.
    stretch = ""
    for glyph in glyphs:
        if glyph and _is_rtl(glyph[0]):
            tokens.extend(_ltr_runs(stretch))
            tokens.append(glyph)
            stretch = ""
        else:
            stretch += glyph
    tokens.extend(_ltr_runs(stretch))
    return "".join(reversed(tokens))


def _ltr_runs(stretch: str) -> list[str]:
    """The tokens of a stretch without Persian letters: the neutral characters at its ends stand
    alone (they take the paragraph's direction); its core is one run if it has a Latin letter,
    else numbers and the single characters between them."""
    strong = [i for i, char in enumerate(stretch) if _is_ltr(char) or char.isdigit()]
    if not strong:
        return list(stretch)
    start, end = strong[0], strong[-1] + 1
    core = stretch[start:end]
    middle = [core] if any(_is_ltr(char) for char in core) else _split_numbers(core)
    return [*stretch[:start], *middle, *stretch[end:]]


def _split_numbers(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    for match in _NUMBER.finditer(text):
        tokens.extend(text[position : match.start()])
        tokens.append(match.group())
        position = match.end()
    tokens.extend(text[position:])
    return tokens


def _is_rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def _is_ltr(char: str) -> bool:
    return unicodedata.bidirectional(char) == "L"


# --- Reading the glyphs -------------------------------------------------------------------------


def _text_pieces(contents: Any, resources: Any, reader: Any) -> Iterator[tuple[float, list[str]]]:
    """(the line's y, the texts of its glyphs in visual order) for each text-showing operation,
    in the order they are drawn; form XObjects are followed."""
    fonts = {name: _to_unicode(font.get_object()) for name, font in _dict(resources, "/Font")}
    font: dict[int, str] = {}
    y = 0.0
    for operands, operator in ContentStream(contents, reader).operations:
        if operator == b"Tf":
            font = fonts.get(operands[0], {})
        elif operator == b"Tm":
            y = round(float(operands[5]), 1)
        elif operator in (b"TJ", b"Tj"):
            strings = operands[0] if operator == b"TJ" else operands
            codes = b"".join(bytes(s.original_bytes) for s in strings if not _is_number(s))
            yield (
                y,
                [font.get(int.from_bytes(codes[i : i + 2]), "") for i in range(0, len(codes), 2)],
            )
        elif operator == b"Do":
            xobject = dict(_dict(resources, "/XObject")).get(operands[0])
            if xobject is not None and xobject.get_object().get("/Subtype") == "/Form":
                form = xobject.get_object()
                yield from _text_pieces(form, form.get("/Resources", resources), reader)


def _dict(resources: Any, key: str) -> list[tuple[Any, Any]]:
    value = resources.get_object().get(key) if resources is not None else None
    return list(value.get_object().items()) if value is not None else []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float)


def _to_unicode(font: Any) -> dict[int, str]:
    """The glyph → text map of a two-byte (Identity-H) font, as WeasyPrint writes it: `bfchar`
    lines, and `bfrange` for completeness."""
    cmap = font["/ToUnicode"].get_object().get_data()
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        values = _HEX.findall(block)
        for code, text in zip(values[::2], values[1::2], strict=True):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for line in block.strip().splitlines():
            first, last, start = (int(value, 16) for value in _HEX.findall(line)[:3])
            for offset in range(last - first + 1):
                mapping[first + offset] = chr(start + offset)
    return mapping
