"""Persian text normalisation: the search key of DOMAIN.md §8.

Persian is typed on many keyboards and copied out of PDFs and news sites: the same word arrives with
Arabic ي/ك, with or without the zero-width non-joiner (دانش‌بنیان / دانشبنیان), with tatweel or
harakat, in three digit scripts. Search compares *keys*, never display text, so every spelling of a
word must produce the same key while different words keep different keys.
"""

from __future__ import annotations

import re
import unicodedata

# Persian (U+06F0…) and Arabic-Indic (U+0660…) digits to ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})

_LETTERS = {
    ord("ي"): "ی",  # Arabic yeh
    ord("ى"): "ی",  # Arabic alef maksura
    ord("ك"): "ک",  # Arabic kaf
    ord("ة"): "ه",  # teh marbuta
    ord("ۀ"): "ه",  # heh with yeh above (ezafe)
    ord("أ"): "ا",
    ord("إ"): "ا",
    ord("ٱ"): "ا",  # alef wasla
}

_DROPPED = (
    "\u200c\u200d"  # ZWNJ, ZWJ
    "\u0640"  # tatweel
    "\u064b-\u065f\u0670"  # harakat, hamza marks, superscript alef
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks and embeddings
    "\ufeff"  # byte-order mark / zero-width no-break space
)
_DROP_RE = re.compile(f"[{_DROPPED}]")
_SPACE_RE = re.compile(r"\s+")

_TO_PERSIAN_DIGITS = {ord(str(i)): c for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}


def to_ascii_digits(text: str) -> str:
    """Replace Persian and Arabic-Indic digits with ASCII digits; nothing else changes."""
    return text.translate(_DIGITS)


def to_persian_digits(text: str) -> str:
    """Replace ASCII digits with Persian digits (for display in the Persian UI)."""
    return text.translate(_TO_PERSIAN_DIGITS)


def search_key(text: str) -> str:
    """The normalised form stored beside searchable text (DOMAIN.md §8).

    NFKC first (it folds Arabic presentation forms and full-width characters), then Persian letter
    and digit unification, removal of invisible and diacritic marks, case folding and collapsed
    spaces. Idempotent: search_key(search_key(x)) == search_key(x).
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_LETTERS).translate(_DIGITS)
    text = _DROP_RE.sub("", text)
    text = text.casefold()
    # casefold and NFKC can each expose what the other would change (e.g. 'ǅ'), so run NFKC again.
    text = unicodedata.normalize("NFKC", text)
    return _SPACE_RE.sub(" ", text).strip()


def compact_key(text: str) -> str:
    """The search key without spaces, so that 'دانش بنیان' also meets 'دانشبنیان'.

    Writers split and join Persian compounds freely (a ZWNJ, a space, or nothing), so matching on
    the compact key is how a space-separated query finds a joined word and vice versa.
    """
    return search_key(text).replace(" ", "")
