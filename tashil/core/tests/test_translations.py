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


def test_every_string_has_a_persian_translation():
    missing = [m.id for m in catalogue("fa") if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_persian_translations_keep_every_placeholder():
    wrong = [
        m.id
        for m in catalogue("fa")
        if m.id and sorted(PLACEHOLDER.findall(str(m.id))) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


def test_the_english_catalogue_exists_beside_the_persian_one():
    assert {m.id for m in catalogue("en") if m.id} == {m.id for m in catalogue("fa") if m.id}
