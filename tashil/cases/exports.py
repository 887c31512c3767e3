"""The case list as CSV or Excel, streamed by `core.spreadsheets`: rows come from the database in
chunks and are written as they come, so a national export of a million cases never sits in memory
(the benchmark checks that memory stays flat, docs/performance.md).

Rows are read as tuples (`values_list`), not model instances, and the few small tables a row names
(categories, counties) are looked up in dictionaries read once: building four model instances per
row would cost more than the rest of the export together. Jalali dates repeat from row to row, so
each day is converted once.

Amounts (involved and approved) are never exported: the list is seen by people who may not see
them (DOMAIN.md §2), and a spreadsheet leaves the application's checks behind.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tashil.cases.models import Case, Category, Channel, Outcome
from tashil.cases.tracking import format_tracking
from tashil.cases.workflow import CaseStatus
from tashil.core.jalali import jalali_input_value
from tashil.core.spreadsheets import csv_response, xlsx_response
from tashil.geo.models import County

# Rows fetched per round trip: the rows are narrow, and fewer trips matter at a million.
EXPORT_CHUNK = 5000

# Excel column widths, in the order of `_headers`.
WIDTHS = (12, 12, 12, 16, 14, 14, 12, 34, 44, 14, 20, 12, 12, 10)

COLUMNS = (
    "tracking",
    "filed_on",
    "status",
    "category_id",
    "county_id",
    "company__national_id",
    "company__legal_name",
    "title",
    "channel",
    "outcome",
    "results_on",
    "jobs_preserved",
)


def _headers() -> list[str]:
    return [
        _("Tracking number"),
        _("Filed (Jalali)"),
        _("Filed (Gregorian)"),
        _("Status"),
        _("Category"),
        _("County"),
        _("National ID"),
        _("Company"),
        _("Title"),
        _("Channel"),
        _("Outcome"),
        _("Results achieved on (Jalali)"),
        _("Results achieved on (Gregorian)"),
        _("Jobs preserved"),
    ]


@functools.lru_cache(maxsize=4096)
def _jalali(day: dt.date) -> str:
    return jalali_input_value(day)


def _records(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    """One list per case, newest first. Labels are read in the language active while iterating
    (`csv_response` keeps the asker's)."""
    # Labels as plain text, translated once: a lazy label costs a lookup each time it is read.
    categories = {pk: name for pk, name in _names(Category.objects.all())}
    counties = {pk: name for pk, name in _names(County.objects.all())}
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    channels = {value: str(label) for value, label in Channel.choices}
    outcomes = {value: str(label) for value, label in Outcome.choices}
    outcomes[""] = ""
    # The local day filed, computed by the database: a date is cheaper to read than an aware
    # datetime to read and convert.
    filed_on = TruncDate("created_at", tzinfo=timezone.get_current_timezone())
    rows = cases.annotate(filed_on=filed_on).order_by("-created_at", "-pk").values_list(*COLUMNS)
    for (
        tracking,
        filed,
        status,
        category_id,
        county_id,
        national_id,
        legal_name,
        title,
        channel,
        outcome,
        results_on,
        jobs_preserved,
    ) in rows.iterator(chunk_size=EXPORT_CHUNK):
        yield [
            format_tracking(tracking),
            _jalali(filed),
            filed,
            statuses.get(status, status),
            categories.get(category_id, ""),
            counties.get(county_id, ""),
            national_id,
            legal_name,
            title,
            channels.get(channel, channel),
            outcomes.get(outcome, outcome),
            _jalali(results_on) if results_on else "",
            results_on,
            jobs_preserved,
        ]


def _names(rows: QuerySet[Any]) -> Iterator[tuple[int, str]]:
    # `display_name` follows the active language (LocalizedName); read while iterating.
    for row in rows:
        yield row.pk, str(row.display_name)


def export_csv(cases: QuerySet[Case], *, on: dt.date) -> StreamingHttpResponse:
    return csv_response(
        headers=_headers(), records=_records(cases), filename=f"cases-{on:%Y%m%d}.csv"
    )


def export_xlsx(cases: QuerySet[Case], *, on: dt.date) -> FileResponse:
    return xlsx_response(
        headers=_headers(),
        records=_records(cases),
        filename=f"cases-{on:%Y%m%d}.xlsx",
        sheet_title=_("Cases"),
        widths=WIDTHS,
    )
