"""The Persian catalogue must be complete: an untranslated string shows English in a Persian UI."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)\w|\{\w*\}")


def catalogue(language: str):
    path = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def forms(value) -> list[str]:
    """A message's text, or each plural form's text."""
    return list(value) if isinstance(value, tuple) else [value]


def test_every_string_has_a_persian_translation():
    missing = [
        m.id
        for m in catalogue("fa")
        if m.id and (m.fuzzy or not all(text for text in forms(m.string)))
    ]
    assert missing == []


def test_persian_translations_keep_every_placeholder():
    wrong = []
    for m in catalogue("fa"):
        if not m.id:
            continue
        # Every plural form must keep the placeholders of the singular (the count may be the
        # only one a form drops in English, never in Persian, which has one plural form).
        wanted = sorted(PLACEHOLDER.findall(forms(m.id)[-1]))
        if any(sorted(PLACEHOLDER.findall(text)) != wanted for text in forms(m.string)):
            wrong.append(m.id)
    assert wrong == []


def test_the_english_catalogue_exists_beside_the_persian_one():
    assert {m.id for m in catalogue("en") if m.id} == {m.id for m in catalogue("fa") if m.id}
