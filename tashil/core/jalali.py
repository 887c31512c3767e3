"""Jalali (Solar Hijri) dates for presentation.

The database stores Gregorian dates and aware datetimes; only forms and pages speak Jalali. Parsing
is strict: 1404/12/30 does not exist (1404 is not a leap year) and is rejected, not rolled over.
"""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tashil.core.text import to_ascii_digits, to_persian_digits

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip

_DATE_RE = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")


class JalaliDateError(ValueError):
    """Text that is not a real Jalali date. `message` is translated for the user."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def is_persian_ui(language: str | None = None) -> bool:
    return (language or get_language() or "fa").startswith("fa")


def parse_jalali_date(text: str) -> dt.date:
    """'1404/09/24', '۱۴۰۴-۹-۲۴', '١٤٠٤.٠٩.٢٤' → date(2025, 12, 15). Raises JalaliDateError."""
    match = _DATE_RE.match(to_ascii_digits(text or ""))
    if not match:
        raise JalaliDateError(
            str(_("Enter a Jalali date as year/month/day, for example 1404/09/24.")),
            code="date_format",
        )
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise JalaliDateError(str(_("The month must be between 1 and 12.")), code="date_month")
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        message = _("%(year)s/%(month)02d has no day %(day)s.") % {
            "year": year,
            "month": month,
            "day": day,
        }
        raise JalaliDateError(_digits(str(message), None), code="date_day") from None


def to_jalali(value: dt.date | dt.datetime) -> jdatetime.date | jdatetime.datetime:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return jdatetime.datetime.fromgregorian(datetime=value)
    return jdatetime.date.fromgregorian(date=value)


def _digits(text: str, language: str | None) -> str:
    return to_persian_digits(text) if is_persian_ui(language) else text


def format_jalali(
    value: dt.date | dt.datetime | None, style: str = "short", language: str | None = None
) -> str:
    """`short` → ۱۴۰۴/۰۹/۲۴, `long` → ۲۴ آذر ۱۴۰۴; datetimes add the local time (۱۴:۳۰).

    Digits follow the UI language: Persian digits in Persian, ASCII in English.
    """
    if value is None:
        return ""
    j = to_jalali(value)
    if style == "long":
        months = MONTHS_FA if is_persian_ui(language) else MONTHS_EN
        text = f"{j.day} {months[j.month - 1]} {j.year}"
    else:
        text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    if isinstance(j, jdatetime.datetime):
        text += f" {j.hour:02d}:{j.minute:02d}"
    return _digits(text, language)


def format_stored_date(value: object) -> str:
    """An ISO date kept in an event's data, shown in Jalali; anything else as it is (events
    outlive the code that wrote them)."""
    try:
        return format_jalali(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def jalali_input_value(value: dt.date | None) -> str:
    """The value a date input shows: ASCII digits, so the date picker can read it back."""
    if value is None:
        return ""
    j = jdatetime.date.fromgregorian(date=value)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def format_number(value: int | float | None, language: str | None = None) -> str:
    """Thousands grouped: ۱٬۲۳۴٬۵۶۷ in Persian (Arabic thousands separator U+066C and decimal
    separator U+066B), 1,234,567 in English."""
    if value is None:
        return ""
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")
    if not is_persian_ui(language):
        return text
    return to_persian_digits(text.replace(",", "\u066c").replace(".", "\u066b"))
