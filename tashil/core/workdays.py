"""The business calendar: working days between dates and deadlines N working days away.

Deadlines for agencies are counted in working days (DOMAIN.md §4). A day is not a working day when
its weekday is in the weekend (settings.TASHIL_WEEKEND_DAYS, Friday by default) or it is an official
holiday: a recurring solar holiday (1 Farvardin, 22 Bahman…) or a dated one (lunar holidays, which
move every year and are entered by administrators).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import cache

import jdatetime

ONE_DAY = dt.timedelta(days=1)


class WorkCalendar:
    """Pure calendar logic; `holidays_in_year(gregorian_year)` supplies the holidays lazily, so a
    deadline that crosses into next year still sees next year's holidays."""

    def __init__(
        self,
        *,
        weekend: Iterable[int],
        holidays_in_year: Callable[[int], frozenset[dt.date]],
    ) -> None:
        self.weekend = frozenset(weekend)
        if len(self.weekend) >= 7:
            raise ValueError("A week needs at least one working day.")
        self._holidays_in_year = cache(holidays_in_year)

    def is_holiday(self, day: dt.date) -> bool:
        return day in self._holidays_in_year(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() not in self.weekend and not self.is_holiday(day)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date on which the `days`-th working day after `start` falls (start not counted).

        With days=0 it is `start` itself when that is a working day, else the next working day:
        a deadline never falls on a holiday.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        if days == 0:
            while not self.is_working_day(current):
                current += ONE_DAY
            return current
        remaining = days
        while remaining:
            current += ONE_DAY
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days an answer took. Negative when end
        is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        # Counted, not walked: an inbox shows how late each of its referrals is, and a referral
        # years overdue would otherwise cost a loop over every day since (docs/performance.md).
        weeks, rest = divmod((end - start).days, 7)
        count = weeks * (7 - len(self.weekend))
        current = start + dt.timedelta(days=7 * weeks)
        for _ in range(rest):
            current += ONE_DAY
            if current.weekday() not in self.weekend:
                count += 1
        for year in range(start.year, end.year + 1):
            count -= sum(
                1
                for holiday in self._holidays_in_year(year)
                if start < holiday <= end and holiday.weekday() not in self.weekend
            )
        return count


def jalali_occurrences(month: int, day: int, gregorian_year: int) -> list[dt.date]:
    """Gregorian dates in `gregorian_year` on which the Jalali month/day falls (one, or none for
    30 Esfand in a common year)."""
    found = []
    for jy in (gregorian_year - 622, gregorian_year - 621):
        try:
            date = jdatetime.date(jy, month, day).togregorian()
        except ValueError:
            continue
        if date.year == gregorian_year:
            found.append(date)
    return found
