"""Reporting periods in the Jalali calendar.

A period is a closed range of Gregorian dates [start, end]; the pages name it in Jalali. Records
are counted by their day in the province's time zone (settings.TIME_ZONE): a case filed at 23:30
on the last day of Azar counts in Azar, although in UTC it is still the evening before or already
the next day. `bounds()` turns the period into aware datetimes for indexed range filters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jdatetime
from django.utils import timezone

from tashil.core.jalali import format_jalali

# Saturday begins the Iranian week (Python: Monday = 0 … Saturday = 5).
WEEK_STARTS_ON = 5


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    def __contains__(self, day: object) -> bool:
        # A datetime is a date too, but has no single day without a time zone: not a member.
        return (
            isinstance(day, dt.date)
            and not isinstance(day, dt.datetime)
            and self.start <= day <= self.end
        )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[first instant, first instant after) in the current time zone, for datetime columns."""
        zone = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return first, after

    def label(self, language: str | None = None) -> str:
        first = format_jalali(self.start, language=language)
        return f"{first} – {format_jalali(self.end, language=language)}"

    # --- Named periods -------------------------------------------------------------------------

    @classmethod
    def jalali_month(cls, year: int, month: int) -> Period:
        first = jdatetime.date(year, month, 1)
        following = (
            jdatetime.date(year + 1, 1, 1) if month == 12 else jdatetime.date(year, month + 1, 1)
        )
        return cls(first.togregorian(), following.togregorian() - dt.timedelta(days=1))

    @classmethod
    def jalali_year(cls, year: int) -> Period:
        return cls(
            jdatetime.date(year, 1, 1).togregorian(),
            jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1),
        )

    @classmethod
    def jalali_season(cls, year: int, season: int) -> Period:
        """Season 1 = Farvardin–Khordad … 4 = Dey–Esfand."""
        first_month = 3 * (season - 1) + 1
        return cls(
            cls.jalali_month(year, first_month).start, cls.jalali_month(year, first_month + 2).end
        )

    @classmethod
    def week_of(cls, day: dt.date) -> Period:
        """The Saturday-to-Friday week holding `day`."""
        start = day - dt.timedelta(days=(day.weekday() - WEEK_STARTS_ON) % 7)
        return cls(start, start + dt.timedelta(days=6))

    @classmethod
    def month_of(cls, day: dt.date) -> Period:
        j = jdatetime.date.fromgregorian(date=day)
        return cls.jalali_month(j.year, j.month)

    @classmethod
    def season_of(cls, day: dt.date) -> Period:
        j = jdatetime.date.fromgregorian(date=day)
        return cls.jalali_season(j.year, (j.month - 1) // 3 + 1)

    @classmethod
    def year_of(cls, day: dt.date) -> Period:
        return cls.jalali_year(jdatetime.date.fromgregorian(date=day).year)

    @classmethod
    def year_to_date(cls, day: dt.date) -> Period:
        """From 1 Farvardin to `day`: the governor's usual "since the start of the year"."""
        return cls(cls.year_of(day).start, day)


PRESETS = {
    "week": Period.week_of,
    "month": Period.month_of,
    "season": Period.season_of,
    "year": Period.year_of,
    "ytd": Period.year_to_date,
}


def preset_period(preset: str, *, on: dt.date | None, today: dt.date) -> Period:
    """The named period around `on` (today by default), ending no later than today when it holds
    today: "this year" in Azar is the year so far, not a count of certificates still valid in
    Esfand. A period wholly in the past or the future is kept as it is."""
    period = PRESETS[preset](on or today)
    if period.start <= today < period.end:
        return Period(period.start, today)
    return period


def jalali_year_of(day: dt.date) -> int:
    return int(jdatetime.date.fromgregorian(date=day).year)
