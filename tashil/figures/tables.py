"""The figures as tables: what the pages show under their charts, what each XLSX download holds,
and what the weekly report prints. One builder per table, fed by the selectors' dataclasses, so a
number on the page, in the workbook and in the report is the same number.

A table's cells keep their type: counts are ints, money is an int of rials or a Decimal as
entered, days are `datetime.date`. The page formats them (Persian digits, Jalali dates) and the
workbook writes numbers as number cells and days as Jalali text (`sheet_value`). Headers are
translated when the table is built, in the language active then.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tashil.core.jalali import jalali_input_value
from tashil.core.money import Currency
from tashil.core.spreadsheets import XLSX_CONTENT_TYPE, neutralise
from tashil.figures import links, selectors
from tashil.figures.period import Period
from tashil.figures.selectors import (
    CaseFigures,
    CountyFigures,
    Dashboard,
    Scorecard,
)
from tashil.geo.models import Province
from tashil.meetings.workflow import MeetingKind


@dataclass
class Table:
    """`name` is the slug of the table in its page's download URL and in the page's test ids.
    `links`, when given, has the shape of `rows`: the URL of the list behind each cell, or
    None."""

    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    links: list[list[str | None]] = field(default_factory=list)
    note: str = ""

    def columns(self) -> list[tuple[str, bool]]:
        """Each header, and whether its column holds numbers (the page aligns them at the
        end)."""
        return [
            (
                header,
                any(
                    isinstance(row[index], int | float | Decimal)
                    and not isinstance(row[index], bool)
                    for row in self.rows
                    if index < len(row)
                ),
            )
            for index, header in enumerate(self.headers)
        ]

    def cells(self) -> Iterator[list[tuple[Any, str | None]]]:
        """Each row as (value, link) pairs, for the page."""
        for index, row in enumerate(self.rows):
            row_links = self.links[index] if index < len(self.links) else []
            yield [
                (value, row_links[column] if column < len(row_links) else None)
                for column, value in enumerate(row)
            ]


def _case_cells(figures: CaseFigures) -> list[Any]:
    return [
        figures.received,
        figures.in_progress,
        figures.resolved,
        figures.not_resolved,
        figures.share_resolved,
    ]


def _case_headers() -> list[str]:
    return [
        _("Cases received"),
        _("In progress"),
        _("Resolved"),
        _("Not resolved"),
        _("Share resolved (%)"),
    ]


def _case_links(province: Province, period: Period, **scope: int | None) -> list[str | None]:
    return [
        links.cases(province, period, bucket="received", **scope),
        links.cases(province, period, bucket="in_progress", **scope),
        links.cases(province, period, bucket="resolved", **scope),
        links.cases(province, period, bucket="not_resolved", **scope),
        None,
    ]


# --- The dashboard --------------------------------------------------------------------------------


def knowledge_based_table(d: Dashboard) -> Table:
    kb = d.knowledge_based
    target = kb.target.count if kb.target else None
    rows: list[list[Any]] = []
    cell_links: list[list[str | None]] = []
    for point, count in kb.series:
        rows.append([point, count, target, selectors.percent(count, target) if target else None])
        cell_links.append(
            [None, links.knowledge_based(d.province, Period(d.period.start, point)), None, None]
        )
    return Table(
        name="knowledge-based",
        title=_("Active knowledge-based units against the target"),
        headers=[_("Date"), _("Active units"), _("Target"), _("Share of target (%)")],
        rows=rows,
        links=cell_links,
        note=(
            _("Target set for %(date)s.") % {"date": jalali_input_value(kb.target.due_on)}
            if kb.target
            else _("No target is set.")
        ),
    )


def cases_table(d: Dashboard) -> Table:
    return Table(
        name="cases",
        title=_("Cases"),
        headers=_case_headers(),
        rows=[_case_cells(d.cases)],
        links=[_case_links(d.province, d.period)],
    )


def cases_by_category_table(d: Dashboard) -> Table:
    return Table(
        name="cases-by-category",
        title=_("Cases by category"),
        headers=[_("Category"), *_case_headers()],
        rows=[[str(category), *_case_cells(f)] for category, f in d.cases_by_category],
        links=[
            [None, *_case_links(d.province, d.period, category=category.pk)]
            for category, _f in d.cases_by_category
        ],
    )


def cases_by_county_table(d: Dashboard) -> Table:
    return Table(
        name="cases-by-county",
        title=_("Cases by county"),
        headers=[_("County"), *_case_headers()],
        rows=[[str(county), *_case_cells(f)] for county, f in d.cases_by_county],
        links=[
            [None, *_case_links(d.province, d.period, county=county.pk)]
            for county, _f in d.cases_by_county
        ],
    )


def resolutions_table(d: Dashboard) -> Table:
    r = d.resolutions
    p, period = d.province, d.period
    return Table(
        name="resolutions",
        title=_("Resolutions"),
        headers=[
            _("Resolutions issued"),
            _("Executed"),
            _("In follow-up"),
            _("Not executed"),
            _("Executed share (%)"),
        ],
        rows=[[r.total, r.executed, r.follow_up, r.not_executed, r.executed_share]],
        links=[
            [
                links.resolutions(p, period),
                links.resolutions(p, period, bucket="executed"),
                links.resolutions(p, period, bucket="follow_up"),
                links.resolutions(p, period, bucket="not_executed"),
                None,
            ]
        ],
    )


def sessions_table(d: Dashboard) -> Table:
    s = d.sessions
    p, period = d.province, d.period
    counts = {
        MeetingKind.PROVINCIAL: s.provincial,
        MeetingKind.WORKING_GROUP: s.working_group,
        MeetingKind.COUNTY: s.county,
    }
    return Table(
        name="sessions",
        title=_("Sessions held"),
        headers=[_("Body"), _("Sessions held")],
        rows=[[str(kind.label), count] for kind, count in counts.items()]
        + [[_("All bodies"), s.total]],
        links=[[None, links.sessions(p, period, kind=kind.value)] for kind in counts]
        + [[None, links.sessions(p, period)]],
    )


def results_table(d: Dashboard) -> Table:
    r = d.results
    p, period = d.province, d.period
    return Table(
        name="results",
        title=_("Units revived, jobs and loans"),
        headers=[_("Figure"), _("Value")],
        rows=[
            [_("Idle units revived"), d.revived],
            [_("Jobs preserved"), r.jobs_preserved],
            [_("Jobs created"), r.jobs_created],
            [_("Loans and facilities approved (rial)"), r.approved_rial],
            [_("Cases with results recorded"), r.cases],
        ],
        links=[
            [None, links.revived(p, period)],
            [None, links.case_results(p, period)],
            [None, links.openings(p, period)],
            [None, links.case_results(p, period)],
            [None, links.case_results(p, period)],
        ],
    )


def openings_table(d: Dashboard) -> Table:
    o = d.openings
    opened = links.openings(d.province, d.period)
    rows: list[list[Any]] = [
        [_("Lines opened"), o.count],
        [_("Investment (rial)"), o.investment_rial],
    ]
    rows += [
        [_("Investment as entered (%(currency)s)") % {"currency": Currency(code).label}, amount]
        for code, amount in o.by_currency
    ]
    rows += [[_("Jobs created"), o.jobs], [_("Product types"), o.products]]
    return Table(
        name="openings",
        title=_("Lines opened"),
        headers=[_("Figure"), _("Value")],
        rows=rows,
        links=[[None, opened] for _row in rows],
    )


def opening_lines_table(d: Dashboard) -> Table:
    o = d.openings
    rows: list[list[Any]] = []
    cell_links: list[list[str | None]] = []
    for project in o.lines:
        forecast = o.forecasts.get(project.pk)
        rows.append(
            [
                project.title,
                project.company.legal_name,
                str(project.county),
                project.opened_on,
                project.amount,
                str(Currency(project.currency).label),
                project.amount_rial,
                project.jobs_created,
                project.product_types,
                forecast.usd if forecast else None,
                forecast.rial if forecast else None,
                "، ".join(str(place) for place in forecast.destinations) if forecast else "",
            ]
        )
        cell_links.append([reverse("investments:project_detail", args=[project.pk])])
    return Table(
        name="opening-lines",
        title=_("The largest lines opened"),
        headers=[
            _("Line"),
            _("Company"),
            _("County"),
            _("Opened on"),
            _("Investment as entered"),
            _("Currency"),
            _("Investment (rial)"),
            _("Jobs created"),
            _("Product types"),
            _("Export forecast %(year)s (US dollar)") % {"year": d.exports.year},
            _("Export forecast %(year)s (rial)") % {"year": d.exports.year},
            _("Destinations"),
        ],
        rows=rows,
        links=cell_links,
    )


def exports_table(d: Dashboard) -> Table:
    e = d.exports
    rows: list[list[Any]] = [
        [str(item.destination), _("Group") if item.is_group else _("Country"), item.rial, item.usd]
        for item in e.destinations
    ]
    cell_links: list[list[str | None]] = [
        [None, None, url, url]
        for url in (
            links.exports(
                d.province,
                year=e.year,
                kind=e.kind,
                destination=item.destination,
                recorded_to=d.period.end,
            )
            for item in e.destinations
        )
    ]
    total = links.exports(d.province, year=e.year, kind=e.kind, recorded_to=d.period.end)
    rows.append([_("Total (each figure once)"), "", e.total_rial, e.total_usd])
    cell_links.append([None, None, total, total])
    return Table(
        name="exports",
        title=_("Export forecasts for %(year)s by destination") % {"year": e.year},
        headers=[_("Destination"), _("Kind"), _("Forecast (rial)"), _("Forecast (US dollar)")],
        rows=rows,
        links=cell_links,
        note=_(
            "A group counts its own figures and those to its member countries, so groups overlap"
            " each other and their members; the total counts each figure once."
        ),
    )


def shares_table(d: Dashboard) -> Table:
    rows: list[list[Any]] = []
    cell_links: list[list[str | None]] = []
    for sector, shares in d.shares:
        url = links.shares(d.province, sector=sector.pk, stated_to=d.period.end)
        for share in shares:
            rows.append(
                [
                    str(sector),
                    share.get_basis_display(),
                    share.value,
                    share.unit,
                    share.source,
                    share.stated_on,
                    share.source_url,
                ]
            )
            cell_links.append([url, None, url])
    return Table(
        name="shares",
        title=_("Sector shares"),
        headers=[
            _("Sector"),
            _("Measure"),
            _("Value"),
            _("Unit"),
            _("Source"),
            _("Date stated"),
            _("Source address"),
        ],
        rows=rows,
        links=cell_links,
        note=_("Sources disagree: each one's figure is shown beside the others', newest first."),
    )


def dashboard_tables(d: Dashboard) -> list[Table]:
    """One table per section of the dashboard, in the page's order."""
    return [
        knowledge_based_table(d),
        cases_table(d),
        cases_by_category_table(d),
        cases_by_county_table(d),
        resolutions_table(d),
        sessions_table(d),
        results_table(d),
        openings_table(d),
        opening_lines_table(d),
        exports_table(d),
        shares_table(d),
    ]


# --- Scorecards and counties ---------------------------------------------------------------------


def scorecard_table(
    cards: Sequence[Scorecard], *, province: Province | None = None, period: Period | None = None
) -> Table:
    """The cards in their rank order; with `province` and `period`, each count links to its
    referrals or resolutions."""
    rows: list[list[Any]] = []
    cell_links: list[list[str | None]] = []
    for rank, card in enumerate(cards, start=1):
        rows.append(
            [
                rank,
                str(card.agency),
                card.received,
                card.answered,
                card.on_time,
                card.on_time_share,
                card.average_days,
                card.p90_days,
                card.open_overdue,
                card.executed,
                card.follow_up,
                card.not_executed,
                card.executed_share,
            ]
        )
        if province is not None and period is not None:
            agency = card.agency.pk
            sent = links.referrals(province, period, agency=agency)
            cell_links.append(
                [
                    None,
                    None,
                    sent,
                    None,
                    None,
                    None,
                    None,
                    None,
                    links.referrals(province, period, agency=agency, overdue=True),
                    links.resolutions(province, period, bucket="executed", agency=agency),
                    links.resolutions(province, period, bucket="follow_up", agency=agency),
                    links.resolutions(province, period, bucket="not_executed", agency=agency),
                    None,
                ]
            )
    return Table(
        name="scorecard",
        title=_("Agency scorecards"),
        headers=[
            _("Rank"),
            _("Agency"),
            _("Referrals received"),
            _("Answered"),
            _("Answered on time"),
            _("On-time share (%)"),
            _("Average response (working days)"),
            _("90th percentile response (working days)"),
            _("Open overdue"),
            _("Resolutions executed"),
            _("In follow-up"),
            _("Not executed"),
            _("Executed share (%)"),
        ],
        rows=rows,
        links=cell_links,
        note=_(
            "Ranked by the share answered on time, then the fewest open overdue, then the"
            " executed share. Open overdue is counted today."
        ),
    )


def county_table(
    rows: Sequence[CountyFigures],
    *,
    province: Province | None = None,
    period: Period | None = None,
) -> Table:
    """One row per county; with `province` and `period`, each count links to its records."""
    values: list[list[Any]] = []
    cell_links: list[list[str | None]] = []
    for row in rows:
        values.append(
            [
                str(row.county),
                *_case_cells(row.cases),
                row.resolutions.total,
                row.resolutions.executed,
                row.resolutions.follow_up,
                row.resolutions.not_executed,
                row.county_sessions,
                row.knowledge_based,
                row.revived,
                row.openings,
                row.investment_rial,
                row.jobs_created,
                row.jobs_preserved,
                row.approved_rial,
            ]
        )
        if province is not None and period is not None:
            c = row.county.pk
            opened = links.openings(province, period, county=c)
            results = links.case_results(province, period, county=c)
            cell_links.append(
                [
                    None,
                    *_case_links(province, period, county=c),
                    links.resolutions(province, period, county=c),
                    links.resolutions(province, period, bucket="executed", county=c),
                    links.resolutions(province, period, bucket="follow_up", county=c),
                    links.resolutions(province, period, bucket="not_executed", county=c),
                    links.sessions(province, period, kind=MeetingKind.COUNTY.value, county=c),
                    links.knowledge_based(province, period, county=c),
                    links.revived(province, period, county=c),
                    opened,
                    opened,
                    opened,
                    results,
                    results,
                ]
            )
    return Table(
        name="counties",
        title=_("County comparison"),
        headers=[
            _("County"),
            *_case_headers(),
            _("Resolutions issued"),
            _("Executed"),
            _("In follow-up"),
            _("Not executed"),
            _("County HQ sessions"),
            _("Active knowledge-based units"),
            _("Idle units revived"),
            _("Lines opened"),
            _("Investment (rial)"),
            _("Jobs created"),
            _("Jobs preserved"),
            _("Loans and facilities approved (rial)"),
        ],
        rows=values,
        links=cell_links,
    )


# --- Workbooks ------------------------------------------------------------------------------------

# Characters a sheet title may not hold.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_COLUMN_WIDTH = 60


def sheet_value(value: Any) -> Any:
    """A cell as the workbook holds it: numbers stay numbers, days become Jalali text with
    ASCII digits (as the import reads them back), text that a spreadsheet would run as a
    formula is neutralised, and empty text is an empty cell."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return jalali_input_value(value)
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    # An empty cell reads back as None, whatever was written.
    return neutralise(str(value)) if value != "" else None


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_TITLE_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" {n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def workbook(tables: Sequence[Table]) -> Workbook:
    """One right-to-left sheet per table, the headers in bold on a frozen first row."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(title=_sheet_title(table.title, taken))
        sheet.sheet_view.rightToLeft = True
        sheet.append([sheet_value(header) for header in table.headers])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([sheet_value(value) for value in row])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            longest = max(
                [len(str(header))]
                + [len(str(row[index - 1])) for row in table.rows if len(row) >= index]
            )
            sheet.column_dimensions[get_column_letter(index)].width = min(
                longest + 2, MAX_COLUMN_WIDTH
            )
    return book


def workbook_bytes(tables: Sequence[Table]) -> bytes:
    output = io.BytesIO()
    workbook(tables).save(output)
    return output.getvalue()


def workbook_response(tables: Sequence[Table], filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(tables), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
