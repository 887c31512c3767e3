"""Jalali dates and numbers for presentation: strict parsing, formatting by UI language.

Literal dates were checked against jdatetime in a scratch session (1404/09/24 = 2025-12-15,
1403/12/30 = 2025-03-20; 1403 is leap, 1404 is not); the expected values here are literals.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import override

from tashil.core.jalali import (
    JalaliDateError,
    format_jalali,
    format_number,
    format_stored_date,
    jalali_input_value,
    parse_jalali_date,
)

# --- parsing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1404/09/24",
        "۱۴۰۴/۰۹/۲۴",  # Persian digits
        "١٤٠٤/٠٩/٢٤",  # Arabic-Indic digits
        "1404-9-24",  # dashes, no zero padding
        "۱۴۰۴-۹-۲۴",
        "1404.09.24",
        " 1404 / 9 / 24 ",
    ],
)
def test_it_parses_a_jalali_date_in_any_digit_script_and_separator(text: str) -> None:
    assert parse_jalali_date(text) == dt.date(2025, 12, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1403/12/30", dt.date(2025, 3, 20)),  # 1403 is a leap year: 30 Esfand exists
        ("1404/01/01", dt.date(2025, 3, 21)),  # Nowruz follows it
        ("1404/06/31", dt.date(2025, 9, 22)),  # months 1-6 have 31 days
        ("1404/12/29", dt.date(2026, 3, 20)),  # last day of the common year 1404
    ],
)
def test_it_parses_month_ends_correctly(text: str, expected: dt.date) -> None:
    assert parse_jalali_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1404/12/30", "date_day"),  # 1404 is not leap: must not roll over to 1405/01/01
        ("1404/07/31", "date_day"),  # months 7-11 have 30 days
        ("1404/09/00", "date_day"),
        ("1404/09/32", "date_day"),
        ("1404/13/01", "date_month"),
        ("1404/00/10", "date_month"),
        ("abc", "date_format"),
        ("", "date_format"),
        ("1404/09", "date_format"),
        ("1404/09/24/1", "date_format"),
        ("24/09/1404", "date_format"),  # day-first is not accepted
        ("1404/09/24 extra", "date_format"),
    ],
)
def test_it_rejects_a_date_that_does_not_exist_with_a_specific_code(text: str, code: str) -> None:
    with pytest.raises(JalaliDateError) as excinfo:
        parse_jalali_date(text)
    assert excinfo.value.code == code


def test_a_jalali_date_error_is_a_value_error() -> None:
    # Form code catches ValueError from parsers; JalaliDateError must be one.
    with pytest.raises(ValueError):
        parse_jalali_date("1404/12/30")


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("text", ["1404/12/30", "1404/13/01", "abc"])
def test_the_error_message_is_filled_in_for_each_language(language: str, text: str) -> None:
    with override(language), pytest.raises(JalaliDateError) as excinfo:
        parse_jalali_date(text)
    message = excinfo.value.message
    assert isinstance(message, str)
    assert message.strip()
    # An unfilled placeholder would reach the user verbatim.
    assert "%(" not in message
    assert str(excinfo.value) == message


# --- formatting -----------------------------------------------------------------------------------


def test_format_jalali_uses_persian_digits_in_persian() -> None:
    with override("fa"):
        assert format_jalali(dt.date(2025, 12, 15)) == "۱۴۰۴/۰۹/۲۴"
        assert format_jalali(dt.date(2025, 12, 15), style="long") == "۲۴ آذر ۱۴۰۴"


def test_format_jalali_uses_ascii_digits_and_latin_month_names_in_english() -> None:
    with override("en"):
        assert format_jalali(dt.date(2025, 12, 15)) == "1404/09/24"
        assert format_jalali(dt.date(2025, 12, 15), style="long") == "24 Azar 1404"


def test_format_jalali_pads_the_short_style_but_not_the_long_one() -> None:
    # 1404/01/05 = 2025-03-25: single-digit month and day.
    with override("en"):
        assert format_jalali(dt.date(2025, 3, 25)) == "1404/01/05"
        assert format_jalali(dt.date(2025, 3, 25), style="long") == "5 Farvardin 1404"


def test_an_explicit_language_wins_over_the_active_one() -> None:
    with override("fa"):
        assert format_jalali(dt.date(2025, 12, 15), language="en") == "1404/09/24"
    with override("en"):
        assert format_jalali(dt.date(2025, 12, 15), language="fa") == "۱۴۰۴/۰۹/۲۴"


def test_an_aware_datetime_is_shown_in_tehran_time() -> None:
    # 10:00 UTC is 13:30 in Tehran (UTC+03:30, no DST since 2022).
    moment = dt.datetime(2025, 12, 15, 10, 0, tzinfo=dt.UTC)
    with override("fa"):
        assert format_jalali(moment) == "۱۴۰۴/۰۹/۲۴ ۱۳:۳۰"
    with override("en"):
        assert format_jalali(moment) == "1404/09/24 13:30"


def test_an_aware_datetime_late_in_the_utc_day_falls_on_the_next_tehran_day() -> None:
    # 22:00 UTC on 2025-12-15 is 01:30 on 2025-12-16 in Tehran, i.e. 1404/09/25.
    moment = dt.datetime(2025, 12, 15, 22, 0, tzinfo=dt.UTC)
    with override("en"):
        assert format_jalali(moment) == "1404/09/25 01:30"


def test_format_jalali_of_none_is_empty() -> None:
    assert format_jalali(None) == ""


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (1234567, "fa", "۱٬۲۳۴٬۵۶۷"),  # U+066C Arabic thousands separator
        (1234567, "en", "1,234,567"),
        (1234.5, "fa", "۱٬۲۳۴٫۵"),  # U+066B Arabic decimal separator
        (1234.5, "en", "1,234.5"),
        (0, "fa", "۰"),
        (999, "fa", "۹۹۹"),
    ],
)
def test_format_number_groups_thousands_by_language(
    value: int | float, language: str, expected: str
) -> None:
    with override(language):
        assert format_number(value) == expected


def test_format_number_in_persian_uses_the_arabic_separators_not_ascii_ones() -> None:
    with override("fa"):
        text = format_number(1234.5)
    assert "\u066c" in text and "\u066b" in text
    assert "," not in text and "." not in text


def test_format_number_of_none_is_empty() -> None:
    assert format_number(None) == ""


def test_jalali_input_value_uses_ascii_digits_even_in_persian() -> None:
    # The date picker reads the input back, so the value is ASCII whatever the UI language.
    with override("fa"):
        assert jalali_input_value(dt.date(2025, 12, 15)) == "1404/09/24"
    assert jalali_input_value(None) == ""


def test_jalali_input_value_round_trips_through_the_parser() -> None:
    assert parse_jalali_date(jalali_input_value(dt.date(2025, 3, 20))) == dt.date(2025, 3, 20)


def test_a_stored_iso_date_is_shown_in_jalali_and_anything_else_as_it_is() -> None:
    with override("fa"):
        assert format_stored_date("2025-12-15") == "۱۴۰۴/۰۹/۲۴"
        assert format_stored_date(None) == "None"
        assert format_stored_date("not a date") == "not a date"
