"""The business calendar (DOMAIN.md §4): deadlines counted in working days.

Weekdays are Python's (Monday = 0), so Thursday = 3 and Friday = 4. 2025-12-15 is a Monday.
Expected dates were counted by hand on a calendar and the Jalali ones checked against jdatetime in a
scratch session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tashil.core.workdays import WorkCalendar, jalali_occurrences

THURSDAY, FRIDAY = 3, 4
MONDAY_15_DEC = dt.date(2025, 12, 15)


def holidays(*days: dt.date) -> Callable[[int], frozenset[dt.date]]:
    """A holidays_in_year callable that answers each year with the given days of that year."""

    def in_year(year: int) -> frozenset[dt.date]:
        return frozenset(day for day in days if day.year == year)

    return in_year


def friday_calendar(*days: dt.date) -> WorkCalendar:
    return WorkCalendar(weekend={FRIDAY}, holidays_in_year=holidays(*days))


# --- add_working_days -----------------------------------------------------------------------------


def test_five_working_days_from_a_monday_skip_the_friday() -> None:
    # Tue 16 (1), Wed 17 (2), Thu 18 (3), Fri 19 skipped, Sat 20 (4), Sun 21 (5).
    assert friday_calendar().add_working_days(MONDAY_15_DEC, 5) == dt.date(2025, 12, 21)


def test_a_thursday_and_friday_weekend_skips_both_days() -> None:
    # Tue 16 (1), Wed 17 (2), Thu 18 and Fri 19 skipped, Sat 20 (3), Sun 21 (4), Mon 22 (5).
    calendar = WorkCalendar(weekend={THURSDAY, FRIDAY}, holidays_in_year=holidays())
    assert calendar.add_working_days(MONDAY_15_DEC, 5) == dt.date(2025, 12, 22)


def test_a_holiday_in_the_range_is_skipped() -> None:
    # Wed 17 a holiday: Tue 16 (1), Thu 18 (2), Sat 20 (3), Sun 21 (4), Mon 22 (5).
    calendar = friday_calendar(dt.date(2025, 12, 17))
    assert calendar.add_working_days(MONDAY_15_DEC, 5) == dt.date(2025, 12, 22)


def test_a_holiday_on_the_weekend_does_not_count_twice() -> None:
    # Friday 19 is already off; declaring it a holiday must not push the deadline further.
    calendar = friday_calendar(dt.date(2025, 12, 19))
    assert calendar.add_working_days(MONDAY_15_DEC, 5) == dt.date(2025, 12, 21)


def test_a_holiday_on_the_start_day_changes_nothing() -> None:
    # The start day is never counted, holiday or not.
    calendar = friday_calendar(MONDAY_15_DEC)
    assert calendar.add_working_days(MONDAY_15_DEC, 5) == dt.date(2025, 12, 21)


def test_a_deadline_never_lands_on_a_holiday() -> None:
    # The 5th working day would be Sun 21; with Sun 21 a holiday it is Mon 22.
    calendar = friday_calendar(dt.date(2025, 12, 21))
    assert calendar.add_working_days(MONDAY_15_DEC, 5) == dt.date(2025, 12, 22)


def test_zero_days_from_a_working_day_is_that_day() -> None:
    assert friday_calendar().add_working_days(MONDAY_15_DEC, 0) == MONDAY_15_DEC


def test_zero_days_from_a_friday_is_the_next_working_day() -> None:
    assert friday_calendar().add_working_days(dt.date(2025, 12, 19), 0) == dt.date(2025, 12, 20)


def test_zero_days_from_a_holiday_before_the_weekend_moves_past_both() -> None:
    # Thu 18 a holiday, Fri 19 weekend → Sat 20.
    calendar = friday_calendar(dt.date(2025, 12, 18))
    assert calendar.add_working_days(dt.date(2025, 12, 18), 0) == dt.date(2025, 12, 20)


@pytest.mark.parametrize("days", [-1, -10])
def test_it_rejects_a_negative_number_of_days(days: int) -> None:
    with pytest.raises(ValueError):
        friday_calendar().add_working_days(MONDAY_15_DEC, days)


def test_a_deadline_crossing_new_year_uses_next_years_holidays() -> None:
    # Mon 2025-12-29 + 5, Friday weekend: Tue 30 (1), Wed 31 (2), Thu 2026-01-01 (3), Fri 2 off,
    # Sat 3 a holiday of 2026, Sun 4 (4), Mon 5 (5). Without the 2026 holiday it would be Sun 4.
    asked: list[int] = []

    def holidays_in_year(year: int) -> frozenset[dt.date]:
        asked.append(year)
        return frozenset({dt.date(2026, 1, 3)}) if year == 2026 else frozenset()

    calendar = WorkCalendar(weekend={FRIDAY}, holidays_in_year=holidays_in_year)
    assert calendar.add_working_days(dt.date(2025, 12, 29), 5) == dt.date(2026, 1, 5)
    assert set(asked) == {2025, 2026}


def test_holidays_of_a_year_are_fetched_once() -> None:
    # holidays_in_year hits the database in production; a long deadline must not query per day.
    asked: list[int] = []

    def holidays_in_year(year: int) -> frozenset[dt.date]:
        asked.append(year)
        return frozenset()

    calendar = WorkCalendar(weekend={FRIDAY}, holidays_in_year=holidays_in_year)
    calendar.add_working_days(dt.date(2025, 1, 1), 200)
    assert sorted(asked) == [2025]


# --- working_days_between -------------------------------------------------------------------------


def test_working_days_between_counts_the_end_but_not_the_start() -> None:
    calendar = friday_calendar()
    # (Mon 15, Sun 21]: Tue, Wed, Thu, Sat, Sun.
    assert calendar.working_days_between(MONDAY_15_DEC, dt.date(2025, 12, 21)) == 5
    # (Mon 15, Tue 16]: the answer came the next day.
    assert calendar.working_days_between(MONDAY_15_DEC, dt.date(2025, 12, 16)) == 1
    # Same day: no working day has passed.
    assert calendar.working_days_between(MONDAY_15_DEC, MONDAY_15_DEC) == 0
    # (Thu 18, Fri 19]: the Friday does not count.
    assert calendar.working_days_between(dt.date(2025, 12, 18), dt.date(2025, 12, 19)) == 0


def test_working_days_between_skips_holidays() -> None:
    calendar = friday_calendar(dt.date(2025, 12, 17), dt.date(2025, 12, 21))
    # (Mon 15, Sun 21]: Tue 16, Thu 18, Sat 20; Wed 17 and Sun 21 are holidays.
    assert calendar.working_days_between(MONDAY_15_DEC, dt.date(2025, 12, 21)) == 3


def test_working_days_between_is_negative_when_reversed() -> None:
    calendar = friday_calendar()
    assert calendar.working_days_between(dt.date(2025, 12, 21), MONDAY_15_DEC) == -5


calendars = st.builds(
    WorkCalendar,
    weekend=st.sampled_from([{FRIDAY}, {THURSDAY, FRIDAY}]),
    holidays_in_year=st.just(
        # Some of the seeded solar holidays of 1403-1405 (Nowruz, 13 Farvardin, 22 Bahman), so the
        # property also walks over holiday runs and year ends.
        holidays(
            dt.date(2024, 3, 20),
            dt.date(2024, 3, 21),
            dt.date(2024, 4, 1),
            dt.date(2025, 2, 10),
            dt.date(2025, 3, 21),
            dt.date(2025, 3, 22),
            dt.date(2025, 4, 2),
            dt.date(2026, 2, 11),
            dt.date(2026, 3, 21),
            dt.date(2026, 3, 22),
        )
    ),
)
starts = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))


@given(calendar=calendars, start=starts, days=st.integers(min_value=1, max_value=60))
def test_working_days_between_inverts_add_working_days(
    calendar: WorkCalendar, start: dt.date, days: int
) -> None:
    end = calendar.add_working_days(start, days)
    assert calendar.working_days_between(start, end) == days
    assert calendar.working_days_between(end, start) == -days


@given(calendar=calendars, start=starts, days=st.integers(min_value=0, max_value=60))
def test_a_deadline_is_always_a_working_day_after_the_start(
    calendar: WorkCalendar, start: dt.date, days: int
) -> None:
    end = calendar.add_working_days(start, days)
    assert calendar.is_working_day(end)
    assert end >= start


@given(
    calendar=calendars,
    start=starts,
    span=st.integers(min_value=-1200, max_value=1200),
)
def test_working_days_between_counts_what_a_walk_over_the_days_counts(
    calendar: WorkCalendar, start: dt.date, span: int
) -> None:
    # The count is arithmetic (weeks, then the rest, less the holidays): it must agree with
    # looking at every day, over spans of years as over a few days.
    end = start + dt.timedelta(days=span)
    low, high = min(start, end), max(start, end)
    walked = sum(
        calendar.is_working_day(low + dt.timedelta(days=n)) for n in range(1, (high - low).days + 1)
    )

    assert calendar.working_days_between(start, end) == (walked if span >= 0 else -walked)


def test_a_week_with_no_working_day_is_rejected() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(weekend=range(7), holidays_in_year=holidays())


# --- recurring solar holidays ---------------------------------------------------------------------


def test_nowruz_1404_falls_on_21_march_2025() -> None:
    assert jalali_occurrences(1, 1, 2025) == [dt.date(2025, 3, 21)]


def test_30_esfand_falls_in_2025_because_1403_is_leap() -> None:
    assert jalali_occurrences(12, 30, 2025) == [dt.date(2025, 3, 20)]


def test_30_esfand_does_not_fall_in_2026_because_1404_is_common() -> None:
    assert jalali_occurrences(12, 30, 2026) == []


def test_29_esfand_falls_in_2026() -> None:
    assert jalali_occurrences(12, 29, 2026) == [dt.date(2026, 3, 20)]


def test_22_bahman_falls_in_february() -> None:
    assert jalali_occurrences(11, 22, 2026) == [dt.date(2026, 2, 11)]


def test_a_jalali_day_can_fall_twice_in_one_gregorian_year() -> None:
    # 11 Dey 1402 = 2024-01-01 and 11 Dey 1403 = 2024-12-31: 2024 has 366 days, 1402 only 365.
    assert jalali_occurrences(10, 11, 2024) == [dt.date(2024, 1, 1), dt.date(2024, 12, 31)]
