"""The `control` filter writes plain selects itself (core/templatetags/ui.py): the markup must be
what Django's templates would have rendered, option for option."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test.html import parse_html

from tashil.core.templatetags.ui import _select, control

pytestmark = pytest.mark.django_db


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "همه"), ("a", "الف <b>"), ("b", 'ب "دو"')])
    grouped = forms.ChoiceField(
        required=False,
        choices=[("", "—"), ("گروه ۱", [("1", "یک"), ("2", "دو")]), ("گروه ۲", [("3", "سه")])],
        help_text="راهنما",
    )
    maybe = forms.NullBooleanField(required=False)
    many = forms.MultipleChoiceField(required=False, choices=[("x", "x"), ("y", "y")])


@pytest.mark.parametrize(
    "data",
    [None, {"plain": "b", "grouped": "3", "maybe": "true"}, {"plain": "zzz"}],
    ids=["unbound", "chosen", "invalid"],
)
@pytest.mark.parametrize("name", ["plain", "grouped", "maybe"])
def test_a_select_is_written_as_djangos_templates_write_it(data: Any, name: str) -> None:
    field = Choices(data)[name]
    attrs: dict[str, str | bool] = {"class": "form-select"}

    assert parse_html(_select(field, dict(attrs))) == parse_html(field.as_widget(attrs=attrs))


def test_the_chosen_option_is_selected_and_text_is_escaped() -> None:
    html = str(control(Choices({"plain": "b"})["plain"]))

    assert '<option value="b" selected>ب &quot;دو&quot;</option>' in html
    assert "الف &lt;b&gt;" in html
    assert 'class="form-select is-invalid"' not in html


def test_a_multiple_select_keeps_djangos_rendering() -> None:
    field = Choices({"many": ["y"]})["many"]

    assert str(control(field)) == field.as_widget(attrs={"class": "form-select"})
