from __future__ import annotations

import datetime as dt

from django.conf import settings

from tashil.core.models import Holiday, RecurringHoliday
from tashil.core.workdays import WorkCalendar, jalali_occurrences
from tashil.geo.models import Province


def work_calendar() -> WorkCalendar:
    """The province's business calendar, reading holidays from the database as it needs them.

    Build one per request or job: it caches the holidays it has read. The recurring holidays are
    read once; the dated ones once per year asked for.
    """
    recurring: list[tuple[int, int]] | None = None

    def holidays_in_year(year: int) -> frozenset[dt.date]:
        nonlocal recurring
        if recurring is None:
            recurring = list(RecurringHoliday.objects.values_list("month", "day"))
        dated = set(Holiday.objects.filter(date__year=year).values_list("date", flat=True))
        for month, day in recurring:
            dated.update(jalali_occurrences(month, day, year))
        return frozenset(dated)

    return WorkCalendar(weekend=settings.TASHIL_WEEKEND_DAYS, holidays_in_year=holidays_in_year)


def provinces_for_user(user: object) -> list[Province]:
    """Provinces whose reference pages the user may open: their own, or all for administrators."""
    from tashil.accounts.access import is_administrator, provinces_of

    if is_administrator(user):
        return list(Province.objects.order_by("name"))
    return list(Province.objects.filter(pk__in=provinces_of(user)).order_by("name"))


def upcoming_holidays(*, start: dt.date, days: int = 120) -> list[tuple[dt.date, str]]:
    """Holidays (dated and recurring) from `start` for `days` days, in date order."""
    end = start + dt.timedelta(days=days)
    found = {
        holiday.date: holiday.display_name
        for holiday in Holiday.objects.filter(date__range=(start, end))
    }
    for holiday in RecurringHoliday.objects.all():
        for year in range(start.year, end.year + 1):
            for date in jalali_occurrences(holiday.month, holiday.day, year):
                if start <= date <= end:
                    found.setdefault(date, holiday.display_name)
    return sorted(found.items())
