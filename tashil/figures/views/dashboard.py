"""The governor's dashboard, the county comparison and the agency scorecards, and their tables as
XLSX downloads. Every page reads the same filters (`forms.read_filters`); the numbers come from
`selectors`, the tables from `tables`, the links behind each number from `links`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, re_path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tashil.accounts.access import scopes_of
from tashil.accounts.roles import Role
from tashil.core.http import AuthenticatedRequest
from tashil.core.jalali import format_jalali, format_number, jalali_input_value
from tashil.core.money import Currency
from tashil.figures import links, selectors
from tashil.figures.forms import PRESET_CHOICES, Filters, read_filters
from tashil.figures.selectors import Dashboard
from tashil.figures.tables import (
    Table,
    county_table,
    dashboard_tables,
    scorecard_table,
    workbook_response,
)
from tashil.geo.models import Province
from tashil.investments.templatetags.money_tags import amount
from tashil.meetings.workflow import MeetingKind

# One colour per meaning, on every chart.
BLUE, GREEN, AMBER, RED, TEAL = ("#0d6efd", "#198754", "#fd7e14", "#dc3545", "#20c997")

# --- Filters --------------------------------------------------------------------------------------


def _agency_provinces(user: Any) -> list[Province]:
    agencies = {
        s.agency_id
        for s in scopes_of(user)
        if s.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD) and s.agency_id
    }
    return list(Province.objects.filter(agencies__in=agencies).distinct().order_by("code"))


def _scorecard_filters(request: AuthenticatedRequest) -> Filters:
    """The secretariat and the executive choose among their provinces; an agency's staff read
    their agency's province. Anyone else sees no card: 404."""
    if selectors.dashboard_provinces(request.user):
        return read_filters(request.GET, user=request.user)
    provinces = _agency_provinces(request.user)
    if not provinces:
        raise Http404
    return read_filters(request.GET, user=request.user, provinces=provinces)


def _query(filters: Filters) -> str:
    """The filters as the page applied them, with the period as its dates: a download gives
    the page's numbers even when the page fell back to a default."""
    query: dict[str, str | int] = {
        "province": filters.province.code,
        "period": "range",
        "start": jalali_input_value(filters.period.start),
        "end": jalali_input_value(filters.period.end),
        "export_year": filters.export_year,
    }
    return urlencode(query)


def _filename(page: str, name: str, filters: Filters) -> str:
    def day(value: dt.date) -> str:
        return jalali_input_value(value).replace("/", "")

    period = filters.period
    return f"{page}-{name}-{filters.province.code}-{day(period.start)}-{day(period.end)}.xlsx"


def _page_context(filters: Filters, page: str) -> dict[str, Any]:
    return {
        "page": page,
        "filters": filters,
        "form": filters.form,
        "province": filters.province,
        "period": filters.period,
        "preset_label": dict(PRESET_CHOICES).get(filters.preset, ""),
        "several_provinces": len(filters.form.provinces) > 1,
        "query": _query(filters),
    }


# --- Charts ---------------------------------------------------------------------------------------


def _drawable(chart: dict[str, Any] | None) -> dict[str, Any] | None:
    """The chart, unless it has nothing to draw: an empty chart tells less than the table's
    zeros beside it."""
    if chart is None or not any(value for d in chart["datasets"] for value in d["data"]):
        return None
    return chart


def _dataset(label: str, data: list[Any], color: str) -> dict[str, Any]:
    return {"label": label, "data": data, "color": color}


def _kb_chart(d: Dashboard) -> dict[str, Any]:
    kb = d.knowledge_based
    return {
        "type": "line",
        "labels": [format_jalali(point) for point, _count in kb.series],
        "datasets": [_dataset(_("Active units"), [count for _p, count in kb.series], BLUE)],
        "target": (
            {"label": _("Target"), "value": kb.target.count, "color": RED} if kb.target else None
        ),
    }


def _cases_chart(rows: list[tuple[Any, Any]]) -> dict[str, Any]:
    return {
        "type": "bar",
        "horizontal": True,
        "stacked": True,
        "labels": [str(key) for key, _f in rows],
        "datasets": [
            _dataset(_("In progress"), [f.in_progress for _k, f in rows], AMBER),
            _dataset(_("Resolved"), [f.resolved for _k, f in rows], GREEN),
            _dataset(_("Not resolved"), [f.not_resolved for _k, f in rows], RED),
        ],
    }


def _resolutions_chart(d: Dashboard) -> dict[str, Any]:
    r = d.resolutions
    return {
        "type": "doughnut",
        "labels": [_("Executed"), _("In follow-up"), _("Not executed")],
        "datasets": [
            {
                "label": _("Resolutions"),
                "data": [r.executed, r.follow_up, r.not_executed],
                "colors": [GREEN, AMBER, RED],
            }
        ],
    }


def _sessions_chart(d: Dashboard) -> dict[str, Any]:
    s = d.sessions
    return {
        "type": "bar",
        "labels": [str(kind.label) for kind in MeetingKind],
        "datasets": [_dataset(_("Sessions held"), [s.provincial, s.working_group, s.county], BLUE)],
    }


def _exports_chart(d: Dashboard) -> dict[str, Any]:
    e = d.exports
    return {
        "type": "bar",
        "horizontal": True,
        "compact": True,
        "labels": [str(item.destination) for item in e.destinations],
        "datasets": [
            {
                "label": _("Forecast (rial)"),
                "data": [item.rial for item in e.destinations],
                "colors": [TEAL if item.is_group else BLUE for item in e.destinations],
            }
        ],
    }


# --- Pages ----------------------------------------------------------------------------------------


@dataclass
class Tile:
    """A headline number at the top of the dashboard, with the list behind it."""

    name: str
    label: str
    value: str
    link: str | None
    detail: str = ""


def _percent(value: int | None) -> str:
    return format_number(value) + "٪" if value is not None else "—"


def _tiles(d: Dashboard) -> list[Tile]:
    p, period = d.province, d.period
    kb = d.knowledge_based
    if kb.target:
        kb_detail = _("Target %(count)s by %(date)s: %(share)s of it") % {
            "count": format_number(kb.target.count),
            "date": format_jalali(kb.target.due_on, "long"),
            "share": _percent(kb.target_share),
        }
    else:
        kb_detail = _("No target is set.")
    o = d.openings
    entered = "، ".join(
        f"{amount(value)} {Currency(code).label}"
        for code, value in o.by_currency
        if code != Currency.RIAL
    )
    return [
        Tile(
            "kb",
            _("Active knowledge-based units"),
            format_number(kb.count),
            links.knowledge_based(p, period),
            kb_detail,
        ),
        Tile(
            "cases",
            _("Cases received"),
            format_number(d.cases.received),
            links.cases(p, period),
            _("%(resolved)s resolved (%(share)s), %(open)s in progress")
            % {
                "resolved": format_number(d.cases.resolved),
                "share": _percent(d.cases.share_resolved),
                "open": format_number(d.cases.in_progress),
            },
        ),
        Tile(
            "resolutions",
            _("Resolutions issued"),
            format_number(d.resolutions.total),
            links.resolutions(p, period),
            _("%(executed)s executed (%(share)s), %(follow_up)s in follow-up")
            % {
                "executed": format_number(d.resolutions.executed),
                "share": _percent(d.resolutions.executed_share),
                "follow_up": format_number(d.resolutions.follow_up),
            },
        ),
        Tile(
            "sessions",
            _("Sessions held"),
            format_number(d.sessions.total),
            links.sessions(p, period),
            _("%(provincial)s of the HQ, %(groups)s of working groups, %(county)s in counties")
            % {
                "provincial": format_number(d.sessions.provincial),
                "groups": format_number(d.sessions.working_group),
                "county": format_number(d.sessions.county),
            },
        ),
        Tile(
            "revived",
            _("Idle units revived"),
            format_number(d.revived),
            links.revived(p, period),
        ),
        Tile(
            "jobs-preserved",
            _("Jobs preserved"),
            format_number(d.results.jobs_preserved),
            links.case_results(p, period),
        ),
        Tile(
            "jobs-created",
            _("Jobs created"),
            format_number(d.results.jobs_created),
            links.openings(p, period),
        ),
        Tile(
            "approved",
            _("Loans and facilities approved (rial)"),
            format_number(d.results.approved_rial),
            links.case_results(p, period),
        ),
        Tile(
            "openings",
            _("Lines opened"),
            format_number(o.count),
            links.openings(p, period),
            " · ".join(
                part
                for part in (
                    f"{format_number(o.investment_rial)} {Currency.RIAL.label}",
                    entered,
                )
                if part
            ),
        ),
    ]


@dataclass
class Section:
    table: Table
    chart: dict[str, Any] | None = None
    template: str = "figures/_table.html"


def _sections(d: Dashboard) -> list[Section]:
    tables = {table.name: table for table in dashboard_tables(d)}
    charts: dict[str, Callable[[Dashboard], dict[str, Any]]] = {
        "knowledge-based": _kb_chart,
        "cases-by-category": lambda d: _cases_chart(d.cases_by_category),
        "cases-by-county": lambda d: _cases_chart(d.cases_by_county),
        "resolutions": _resolutions_chart,
        "sessions": _sessions_chart,
        "exports": _exports_chart,
    }
    templates = {
        "opening-lines": "figures/_opening_lines.html",
        "shares": "figures/_shares.html",
    }
    return [
        Section(
            table=table,
            chart=_drawable(charts[name](d)) if name in charts and table.rows else None,
            template=templates.get(name, "figures/_table.html"),
        )
        for name, table in tables.items()
    ]


def _dashboard_for(filters: Filters) -> Dashboard:
    return selectors.dashboard(
        province=filters.province, period=filters.period, export_year=filters.export_year
    )


@login_required
@require_GET
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    filters = read_filters(request.GET, user=request.user)
    d = _dashboard_for(filters)
    return render(
        request,
        "figures/dashboard.html",
        {
            **_page_context(filters, "dashboard"),
            "d": d,
            "tiles": _tiles(d),
            "sections": _sections(d),
            "opening_lines": [
                (project, d.openings.forecasts.get(project.pk)) for project in d.openings.lines
            ],
            "share_groups": [
                (
                    sector,
                    shares,
                    links.shares(d.province, sector=sector.pk, stated_to=d.period.end),
                )
                for sector, shares in d.shares
            ],
        },
    )


def _county_chart(table: Table) -> dict[str, Any]:
    headers = table.headers
    wanted = [
        (_("Cases received"), BLUE),
        (_("Resolved"), GREEN),
        (_("Resolutions issued"), AMBER),
        (_("Lines opened"), TEAL),
    ]
    return {
        "type": "bar",
        "labels": [row[0] for row in table.rows],
        "datasets": [
            _dataset(label, [row[headers.index(label)] for row in table.rows], color)
            for label, color in wanted
        ],
    }


@login_required
@require_GET
def counties(request: AuthenticatedRequest) -> HttpResponse:
    filters = read_filters(request.GET, user=request.user)
    table = _county_table(filters)
    return render(
        request,
        "figures/counties.html",
        {
            **_page_context(filters, "counties"),
            "section": Section(
                table=table, chart=_drawable(_county_chart(table)) if table.rows else None
            ),
        },
    )


def _county_table(filters: Filters) -> Table:
    rows = selectors.county_comparison(province=filters.province, period=filters.period)
    return county_table(rows, province=filters.province, period=filters.period)


def _scorecard(request: AuthenticatedRequest) -> tuple[Filters, Table, bool]:
    filters = _scorecard_filters(request)
    agencies = selectors.scorecard_agencies(request.user, filters.province)
    if agencies is None:
        raise Http404
    cards = selectors.scorecards(
        province=filters.province,
        period=filters.period,
        agencies=agencies,
        today=timezone.localdate(),
    )
    table = scorecard_table(cards, province=filters.province, period=filters.period)
    return filters, table, filters.province in selectors.dashboard_provinces(request.user)


def _scorecard_chart(table: Table) -> dict[str, Any]:
    headers = table.headers
    on_time, executed = (
        headers.index(_("On-time share (%)")),
        headers.index(_("Executed share (%)")),
    )
    return {
        "type": "bar",
        "horizontal": True,
        "labels": [row[1] for row in table.rows],
        "datasets": [
            _dataset(headers[on_time], [row[on_time] for row in table.rows], BLUE),
            _dataset(headers[executed], [row[executed] for row in table.rows], GREEN),
        ],
        "max": 100,
    }


@login_required
@require_GET
def scorecard(request: AuthenticatedRequest) -> HttpResponse:
    filters, table, all_agencies = _scorecard(request)
    return render(
        request,
        "figures/scorecard.html",
        {
            **_page_context(filters, "scorecard"),
            "section": Section(
                table=table,
                chart=_drawable(_scorecard_chart(table)) if len(table.rows) > 1 else None,
            ),
            "all_agencies": all_agencies,
        },
    )


# --- Downloads ------------------------------------------------------------------------------------


def _tables_of(request: AuthenticatedRequest, page: str) -> tuple[Filters, list[Table]]:
    if page == "scorecard":
        filters, table, _all = _scorecard(request)
        return filters, [table]
    filters = read_filters(request.GET, user=request.user)
    if page == "counties":
        return filters, [_county_table(filters)]
    return filters, dashboard_tables(_dashboard_for(filters))


@login_required
@require_GET
def table_xlsx(request: AuthenticatedRequest, page: str, table: str) -> HttpResponse:
    """One table of a page, with the page's filters."""
    filters, tables = _tables_of(request, page)
    found = next((t for t in tables if t.name == table), None)
    if found is None:
        raise Http404
    return workbook_response([found], _filename(page, table, filters))


@login_required
@require_GET
def page_xlsx(request: AuthenticatedRequest, page: str) -> HttpResponse:
    """Every table of a page, one sheet each."""
    filters, tables = _tables_of(request, page)
    return workbook_response(tables, _filename(page, "all", filters))


PAGES = r"(?P<page>dashboard|counties|scorecard)"

urlpatterns: list[URLPattern] = [
    path("", dashboard, name="dashboard"),
    path("counties/", counties, name="counties"),
    path("scorecard/", scorecard, name="scorecard"),
    re_path(rf"^{PAGES}/(?P<table>[-a-z0-9]+)\.xlsx$", table_xlsx, name="table_xlsx"),
    re_path(rf"^{PAGES}\.xlsx$", page_xlsx, name="page_xlsx"),
]
