"""Reading back the text of a PDF in tests.

pypdf extracts Persian words in logical order, but it gets the numbers inside right-to-left text
backwards: WeasyPrint writes glyphs in visual order, and pypdf restores logical order by reversing
every right-to-left run. A number inside Persian text is drawn left to right, and pypdf counts
Persian digits (and the `/`, `:`, `-` between them) as neutral characters that belong to the
surrounding right-to-left run, so it reverses them too: "۲۲۷" comes out "۷۲۲" and "۱۴۰۴/۰۹/۲۴"
as "۴۲/۹۰/۴۰۴۱". `pdf_text` reverses each such run back.

A run is what the bidi algorithm draws as one number: digits joined by the common separators
`/ : . ٫ ٬`. A hyphen is not one of them after Persian letters ("۱۴۰۴-۰۵" is drawn as two numbers,
"۰۵-۱۴۰۴"), so pypdf reverses each side on its own and each side is turned back on its own.

ASCII digits need no repair: pypdf treats them as left-to-right characters that end the run, so
"1404/09/24" comes out as written (only its place among the Persian words may move). Reversing
them would break them, so only Persian and Arabic-Indic digits are turned around.
"""

from __future__ import annotations

import io
import re

import pypdf

_DIGIT = "[\u06f0-\u06f9\u0660-\u0669]"
# A number as it is printed: digits, possibly grouped by separators (a date, a time, a code).
_NUMBER = re.compile(f"{_DIGIT}+(?:[/:.\u066b\u066c]{_DIGIT}+)*")


def pdf_text(data: bytes) -> str:
    """The text of every page, one after the other, with Persian numbers the right way round."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return _NUMBER.sub(lambda match: match.group()[::-1], text)


def pdf_pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)
