"""Reporting periods in the Jalali calendar: months (Esfand of a leap year has 30 days), seasons,
years, Saturday-to-Friday weeks, the year to date, and their bounds as local midnights."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import jdatetime
import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from tashil.figures.period import PRESETS, Period, jalali_year_of, preset_period
from tashil.figures.tests.conftest import jalali_day

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
SATURDAY, FRIDAY = 5, 4

# Days from Farvardin 1370 to Esfand 1430, the years the records may carry.
days = st.dates(min_value=dt.date(1991, 3, 21), max_value=dt.date(2052, 3, 19))


def jalali(day: dt.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=day)


# --- Months, seasons, years ---------------------------------------------------------------------


def test_azar_1404_runs_from_22_november_to_21_december_2025() -> None:
    azar = Period.jalali_month(1404, 9)
    assert (azar.start, azar.end, azar.days) == (dt.date(2025, 11, 22), dt.date(2025, 12, 21), 30)


def test_esfand_of_the_leap_year_1403_has_30_days_and_esfand_1404_has_29() -> None:
    leap, common = Period.jalali_month(1403, 12), Period.jalali_month(1404, 12)
    assert (leap.start, leap.end, leap.days) == (dt.date(2025, 2, 19), dt.date(2025, 3, 20), 30)
    assert (common.start, common.end, common.days) == (
        dt.date(2026, 2, 20),
        dt.date(2026, 3, 20),
        29,
    )
    # The day after each Esfand is Nowruz.
    assert jalali(leap.end + dt.timedelta(days=1)) == jdatetime.date(1404, 1, 1)
    assert jalali(common.end + dt.timedelta(days=1)) == jdatetime.date(1405, 1, 1)


@pytest.mark.parametrize("year", [1402, 1403, 1404, 1405])
@pytest.mark.parametrize("month", range(1, 13))
def test_a_month_runs_from_its_first_jalali_day_to_its_last(year: int, month: int) -> None:
    period = Period.jalali_month(year, month)
    first, last = jalali(period.start), jalali(period.end)
    assert (first.year, first.month, first.day) == (year, month, 1)
    assert (last.year, last.month) == (year, month)
    assert jalali(period.end + dt.timedelta(days=1)).day == 1
    leap = jdatetime.date(year, 1, 1).isleap()
    length = 31 if month <= 6 else 30 if month <= 11 else 30 if leap else 29
    assert period.days == length == last.day


@pytest.mark.parametrize("year", [1403, 1404])
def test_the_seasons_tile_the_year(year: int) -> None:
    seasons = [Period.jalali_season(year, season) for season in (1, 2, 3, 4)]
    whole = Period.jalali_year(year)
    assert seasons[0].start == whole.start
    assert seasons[-1].end == whole.end
    for earlier, later in zip(seasons, seasons[1:], strict=False):
        assert later.start == earlier.end + dt.timedelta(days=1)
    assert [s.days for s in seasons] == [93, 93, 90, 90 if year == 1403 else 89]
    # Autumn is Mehr to Azar.
    assert Period.jalali_season(year, 3) == Period(
        Period.jalali_month(year, 7).start, Period.jalali_month(year, 9).end
    )


def test_1403_has_366_days_and_1404_has_365() -> None:
    assert Period.jalali_year(1403) == Period(dt.date(2024, 3, 20), dt.date(2025, 3, 20))
    assert Period.jalali_year(1403).days == 366
    assert Period.jalali_year(1404) == Period(dt.date(2025, 3, 21), dt.date(2026, 3, 20))
    assert Period.jalali_year(1404).days == 365


def test_the_jalali_year_of_a_day_changes_at_nowruz() -> None:
    assert jalali_year_of(dt.date(2025, 3, 20)) == 1403
    assert jalali_year_of(dt.date(2025, 3, 21)) == 1404


@given(day=days)
def test_the_month_season_and_year_of_a_day_hold_it_and_are_the_named_ones(day: dt.date) -> None:
    j = jalali(day)
    assert Period.month_of(day) == Period.jalali_month(j.year, j.month)
    assert Period.season_of(day) == Period.jalali_season(j.year, (j.month + 2) // 3)
    assert Period.year_of(day) == Period.jalali_year(j.year)
    for period in (Period.month_of(day), Period.season_of(day), Period.year_of(day)):
        assert day in period
        assert period.start <= day <= period.end
    assert jalali_year_of(day) == j.year


# --- Weeks and the year to date -------------------------------------------------------------------


@given(day=days)
def test_a_week_runs_from_saturday_to_friday_and_holds_the_day(day: dt.date) -> None:
    week = Period.week_of(day)
    assert week.start.weekday() == SATURDAY
    assert week.end.weekday() == FRIDAY
    assert week.days == 7
    assert day in week


def test_the_week_of_a_saturday_starts_on_it_and_that_of_a_friday_ends_on_it() -> None:
    saturday = jalali_day(1404, 9, 22)
    assert saturday.weekday() == SATURDAY
    assert Period.week_of(saturday).start == saturday
    friday = saturday + dt.timedelta(days=6)
    assert Period.week_of(friday) == Period(saturday, friday)
    assert Period.week_of(friday + dt.timedelta(days=1)).start == friday + dt.timedelta(days=1)


def test_a_week_may_run_across_two_months_and_two_years() -> None:
    # Saturday 1403/12/25 to Friday 1404/01/01.
    week = Period.week_of(jalali_day(1404, 1, 1))
    assert (jalali(week.start), jalali(week.end)) == (
        jdatetime.date(1403, 12, 25),
        jdatetime.date(1404, 1, 1),
    )


@given(day=days)
def test_the_year_to_date_runs_from_the_first_of_farvardin_to_the_day(day: dt.date) -> None:
    period = Period.year_to_date(day)
    first = jalali(period.start)
    assert (first.year, first.month, first.day) == (jalali(day).year, 1, 1)
    assert period.end == day


def test_the_year_to_date_on_nowruz_is_one_day() -> None:
    nowruz = jalali_day(1404, 1, 1)
    assert Period.year_to_date(nowruz) == Period(nowruz, nowruz)


def test_the_presets_are_the_week_month_season_year_and_year_to_date_of_a_day() -> None:
    day = jalali_day(1404, 9, 24)
    assert set(PRESETS) == {"week", "month", "season", "year", "ytd"}
    assert PRESETS["week"](day) == Period.week_of(day)
    assert PRESETS["month"](day) == Period.jalali_month(1404, 9)
    assert PRESETS["season"](day) == Period.jalali_season(1404, 3)
    assert PRESETS["year"](day) == Period.jalali_year(1404)
    assert PRESETS["ytd"](day) == Period(jalali_day(1404, 1, 1), day)


def test_a_preset_holding_today_ends_today() -> None:
    today = jalali_day(1404, 9, 24)
    # "This year" in Azar is the year so far, not a count of what will still be valid in Esfand.
    assert preset_period("year", on=None, today=today) == Period(jalali_day(1404, 1, 1), today)
    assert preset_period("month", on=None, today=today) == Period(jalali_day(1404, 9, 1), today)
    assert preset_period("season", on=jalali_day(1404, 7, 10), today=today) == Period(
        jalali_day(1404, 7, 1), today
    )
    assert preset_period("ytd", on=None, today=today) == Period.year_to_date(today)


def test_a_preset_wholly_in_the_past_or_the_future_is_kept_whole() -> None:
    today = jalali_day(1404, 9, 24)
    aban, dey = Period.jalali_month(1404, 8), Period.jalali_month(1404, 10)
    assert preset_period("month", on=jalali_day(1404, 8, 10), today=today) == aban
    assert preset_period("month", on=jalali_day(1404, 10, 5), today=today) == dey
    assert preset_period("year", on=jalali_day(1403, 5, 5), today=today) == Period.jalali_year(1403)


def test_a_preset_ending_today_or_starting_today_is_as_named() -> None:
    last_of_azar = jalali_day(1404, 9, 30)
    assert preset_period("month", on=None, today=last_of_azar) == Period.jalali_month(1404, 9)
    first_of_dey = jalali_day(1404, 10, 1)
    assert preset_period("month", on=None, today=first_of_dey) == Period(first_of_dey, first_of_dey)


@given(on=days, today=days)
def test_a_preset_holds_its_day_when_that_is_not_after_today(on: dt.date, today: dt.date) -> None:
    for name in PRESETS:
        period = preset_period(name, on=on, today=today)
        named = PRESETS[name](on)
        assert period.start == named.start
        assert period.end == (today if named.start <= today < named.end else named.end)
        if on <= today:
            assert on in period


# --- Bounds, membership, labels ------------------------------------------------------------------


def test_the_bounds_are_midnights_in_tehran() -> None:
    first, after = Period.jalali_month(1404, 9).bounds()
    assert first == dt.datetime(2025, 11, 22, 0, 0, tzinfo=TEHRAN)
    assert after == dt.datetime(2025, 12, 22, 0, 0, tzinfo=TEHRAN)
    # Tehran is three and a half hours ahead of UTC: the month starts the evening before there.
    assert first.astimezone(dt.UTC) == dt.datetime(2025, 11, 21, 20, 30, tzinfo=dt.UTC)
    assert first.utcoffset() == dt.timedelta(hours=3, minutes=30)


def test_the_bounds_hold_the_last_minute_of_the_period_and_not_the_first_after_it() -> None:
    first, after = Period.jalali_month(1404, 9).bounds()
    last_evening = dt.datetime(2025, 12, 21, 23, 59, tzinfo=TEHRAN)
    next_morning = dt.datetime(2025, 12, 22, 0, 0, tzinfo=TEHRAN)
    assert first <= last_evening < after
    assert not next_morning < after


def test_in_the_summers_before_1402_the_bounds_are_midnights_of_daylight_time() -> None:
    # Tehran kept daylight time (+04:30) from 2 Farvardin to 30 Shahrivar until 1401.
    first, after = Period.jalali_month(1401, 3).bounds()
    assert first.astimezone(dt.UTC) == dt.datetime(2022, 5, 21, 19, 30, tzinfo=dt.UTC)
    assert after.astimezone(dt.UTC) == dt.datetime(2022, 6, 21, 19, 30, tzinfo=dt.UTC)
    # Daylight time ended within Shahrivar: it ends at a midnight of standard time (+03:30).
    _first, after = Period.jalali_month(1401, 6).bounds()
    assert after.astimezone(dt.UTC) == dt.datetime(2022, 9, 22, 20, 30, tzinfo=dt.UTC)


def test_the_bounds_follow_the_current_time_zone() -> None:
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        first, _after = Period.jalali_month(1404, 9).bounds()
    assert first == dt.datetime(2025, 11, 22, tzinfo=dt.UTC)


def test_a_period_holds_the_days_from_its_start_to_its_end() -> None:
    azar = Period.jalali_month(1404, 9)
    assert azar.start in azar and azar.end in azar
    assert azar.start - dt.timedelta(days=1) not in azar
    assert azar.end + dt.timedelta(days=1) not in azar
    assert "1404/09/24" not in azar
    assert None not in azar


def test_a_one_day_period_is_allowed_and_one_ending_before_it_starts_is_not() -> None:
    day = jalali_day(1404, 9, 30)
    assert Period(day, day).days == 1
    with pytest.raises(ValueError, match="ends on or after its start"):
        Period(day, day - dt.timedelta(days=1))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Period.jalali_month(1404, 13),
        lambda: Period.jalali_month(1404, 0),
        lambda: Period.jalali_season(1404, 0),
        lambda: Period.jalali_season(1404, 5),
    ],
    ids=["month 13", "month 0", "season 0", "season 5"],
)
def test_a_month_or_season_that_does_not_exist_is_refused(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_the_label_names_both_ends_in_jalali_with_the_ui_digits() -> None:
    azar = Period.jalali_month(1404, 9)
    assert azar.label(language="fa") == "۱۴۰۴/۰۹/۰۱ – ۱۴۰۴/۰۹/۳۰"
    assert azar.label(language="en") == "1404/09/01 – 1404/09/30"
    with translation.override("fa"):
        assert azar.label() == "۱۴۰۴/۰۹/۰۱ – ۱۴۰۴/۰۹/۳۰"
