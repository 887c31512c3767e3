"""Form fields shared by every app: Jalali dates and Iranian identifiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tashil.core import identifiers
from tashil.core.jalali import JalaliDateError, jalali_input_value, parse_jalali_date
from tashil.core.text import to_ascii_digits

# The longest free text a form takes (a description, a note): the API's limit too. An unbounded
# textarea would take a megabyte per post and hand it to every page and export showing it.
LONG_TEXT_LENGTH = 20_000


class JalaliDateInput(forms.TextInput):
    """A text input wired to the vendored Jalali date picker (data-jdp)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "data-jdp": "",
            "autocomplete": "off",
            "inputmode": "numeric",
            "placeholder": _("e.g. 1404/09/24"),
            "dir": "ltr",
        }
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return jalali_input_value(value)
        return super().format_value(value)


class JalaliHiddenInput(forms.HiddenInput):
    """The hidden copy of a Jalali date (a form's `show_hidden_initial`), in the same Jalali
    form as the visible input, so that the field reads it back."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return jalali_input_value(value)
        return super().format_value(value)


class JalaliDateField(forms.Field):
    """Accepts a Jalali date in any digit script and cleans to a Gregorian `date`.

    Years are limited to a plausible range (1300–1500 by default): a mistyped year such as 14040
    or 0001 is a typing error, and dates that far out also break calendar arithmetic downstream.
    """

    widget = JalaliDateInput
    hidden_widget = JalaliHiddenInput

    def __init__(self, *, min_year: int = 1300, max_year: int = 1500, **kwargs: Any) -> None:
        self.min_year, self.max_year = min_year, max_year
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            day = parse_jalali_date(str(value))
        except JalaliDateError as exc:
            raise ValidationError(exc.message, code=exc.code) from None
        year = jdatetime.date.fromgregorian(date=day).year
        if not self.min_year <= year <= self.max_year:
            raise ValidationError(
                _("Enter a year between %(min)s and %(max)s.")
                % {"min": self.min_year, "max": self.max_year},
                code="year_out_of_range",
            )
        return day


class DigitsIntegerField(forms.IntegerField):
    """An integer typed in Persian, Arabic-Indic or ASCII digits (with ٬ or , separators)."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = to_ascii_digits(value).replace("\u066c", "").replace(",", "").strip()
        return super().to_python(value)


class _NormalizingField(forms.CharField):
    normalize: Any = staticmethod(lambda value: value)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value in self.empty_values:
            return ""
        return self.normalize(value)


class NationalIdField(_NormalizingField):
    normalize = staticmethod(identifiers.normalize_national_id)
    default_error_messages = {"required": _("Enter the national ID.")}


class NationalCodeField(_NormalizingField):
    normalize = staticmethod(identifiers.normalize_national_code)


class EconomicCodeField(_NormalizingField):
    normalize = staticmethod(identifiers.normalize_economic_code)


def remember_initial(form: forms.BaseForm) -> None:
    """Render each field's initial value in a hidden input beside it, so that `changed_data`
    compares what the user posted with what the user *saw*, not with the row as it is now: an
    edit form sends the services only what was changed, and a form opened before someone
    else's edit must not write the old values back."""
    for name, field in form.fields.items():
        # A post without the hidden copies (a script, an old page) compares with the form's
        # initial as before, rather than taking every field as changed.
        if not form.is_bound or form.add_initial_prefix(name) in form.data:
            field.show_hidden_initial = True


class WorkingDaysForm(forms.Form):
    start = JalaliDateField(label=_("From date"))
    days = DigitsIntegerField(
        label=_("Working days"),
        min_value=0,
        max_value=365,
        error_messages={"invalid": _("Enter a whole number of days.")},
    )


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form that fed it: field errors on their fields
    when the form has them, the rest at the top, so the page shows them beside the input."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
