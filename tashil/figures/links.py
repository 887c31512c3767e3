"""Where each figure's records are listed: the list page of the app that owns them, filtered with
the same definition the figure counts (`selectors.py`). Every number on the dashboard, the county
comparison and the scorecard links here, so a reader can open the rows behind it.

The query parameters are the list pages' own filters (see each app's filter form); dates go in
Jalali with ASCII digits, as the date inputs read them back.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode

from tashil.core.jalali import jalali_input_value
from tashil.figures.period import Period
from tashil.geo.models import Country, CountryGroup, Province


# A page links each of its hundreds of numbers: the list pages' paths and the period's Jalali
# dates are the same for all of them, so each is worked out once. The path depends on the
# request's script prefix and URLconf, which are part of the key.
@lru_cache(maxsize=256)
def _path(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, urlconf=urlconf)


@lru_cache(maxsize=1024)
def _day(value: dt.date) -> str:
    return jalali_input_value(value)


def _url(name: str, **params: Any) -> str:
    query = {key: value for key, value in params.items() if value not in (None, "", False)}
    path = _path(name, get_script_prefix(), get_urlconf())
    return f"{path}?{urlencode(query)}" if query else path


def _range(prefix: str, period: Period) -> dict[str, str]:
    return {
        f"{prefix}_from": _day(period.start),
        f"{prefix}_to": _day(period.end),
    }


def cases(
    province: Province,
    period: Period,
    *,
    bucket: str = "received",
    category: int | None = None,
    county: int | None = None,
) -> str:
    """Cases filed in the period, in one of `selectors.CASE_BUCKETS`."""
    return _url(
        "cases:list",
        province=province.code,
        bucket=bucket,
        category=category,
        county=county,
        **_range("filed", period),
    )


def case_results(province: Province, period: Period, *, county: int | None = None) -> str:
    """Cases whose results (loan approved, jobs preserved) were achieved in the period."""
    return _url("cases:list", province=province.code, county=county, **_range("results", period))


def referrals(province: Province, period: Period, *, agency: int, overdue: bool = False) -> str:
    """Cases referred to the agency in the period; with `overdue`, its cases overdue today
    (whenever referred)."""
    if overdue:
        return _url("cases:list", province=province.code, agency=agency, overdue="on")
    return _url("cases:list", province=province.code, agency=agency, **_range("referred", period))


def sessions(
    province: Province, period: Period, *, kind: str = "", county: int | None = None
) -> str:
    """Sessions held (closed) in the period, of one kind of body."""
    return _url(
        "meetings:list",
        province=province.code,
        kind=kind,
        county=county,
        status="closed",
        **_range("held", period),
    )


def resolutions(
    province: Province,
    period: Period,
    *,
    bucket: str = "",
    agency: int | None = None,
    county: int | None = None,
) -> str:
    """Resolutions issued at sessions held in the period; `bucket` is executed, follow_up or
    not_executed."""
    return _url(
        "meetings:register",
        province=province.code,
        bucket=bucket,
        agency=agency,
        county=county,
        **_range("issued", period),
    )


def knowledge_based(province: Province, period: Period, *, county: int | None = None) -> str:
    """Companies holding a certificate valid on the period's last day."""
    return _url(
        "registry:company_list",
        province=province.code,
        knowledge_based="yes",
        county=county,
        on=_day(period.end),
    )


def revived(province: Province, period: Period, *, county: int | None = None) -> str:
    """Companies that went from idle back to work in the period."""
    return _url(
        "registry:company_list", province=province.code, county=county, **_range("revived", period)
    )


def openings(province: Province, period: Period, *, county: int | None = None) -> str:
    """Lines opened in the period."""
    return _url(
        "investments:project_list",
        province=province.code,
        status="operating",
        county=county,
        **_range("opened", period),
    )


def exports(
    province: Province,
    *,
    year: int,
    kind: str = "forecast",
    destination: Country | CountryGroup | None = None,
    recorded_to: dt.date | None = None,
) -> str:
    """Export figures of a year recorded by `recorded_to` (the period's last day, as the
    dashboard counts them); for a group, its own rows and its members' rows."""
    return _url(
        "investments:export_list",
        province=province.code,
        year=year,
        kind=kind,
        recorded_to=_day(recorded_to) if recorded_to else None,
        country=destination.code if isinstance(destination, Country) else None,
        group=destination.code if isinstance(destination, CountryGroup) else None,
    )


def shares(
    province: Province, *, sector: int | None = None, stated_to: dt.date | None = None
) -> str:
    """The sector's share figures stated by `stated_to` (the period's last day)."""
    return _url(
        "investments:share_list",
        province=province.code,
        sector=sector,
        stated_to=_day(stated_to) if stated_to else None,
    )
