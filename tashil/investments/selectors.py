"""Reads of projects, export figures, visits and sector shares, scoped to who asks. Views, the
API and the exports read only through here.

Who sees what: the secretariat and the executive their province, a county secretariat the
projects and export figures of its county (and the province's visits), a company's
representative its own projects and export figures. Sector shares are published figures:
anyone with a role in the province reads them. Agency staff and experts reach none of this yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import jdatetime
from django.db.models import F, Prefetch, Q, QuerySet, Sum

from tashil.accounts.access import provinces_of, scopes_of, visible_q
from tashil.accounts.roles import Role
from tashil.core.jalali import to_jalali
from tashil.geo.models import Country, CountryGroup, Province
from tashil.investments.models import (
    ExportFigure,
    ExportKind,
    ItineraryItem,
    ItineraryKind,
    Project,
    ProjectUpdate,
    SectorShare,
    Visit,
)
from tashil.investments.services import MONEY_FIELDS, PROJECT_FIELDS
from tashil.registry.search import query_terms

# --- Permissions ---------------------------------------------------------------------------------


def editable_provinces(user: Any) -> set[int]:
    """Provinces whose projects, exports, visits and shares the user records: the provincial
    secretariat's."""
    return {s.province_id for s in scopes_of(user) if s.role == Role.SECRETARIAT and s.province_id}


def can_edit(user: Any, province_id: int) -> bool:
    return province_id in editable_provinces(user)


# --- Projects ------------------------------------------------------------------------------------


def projects_for_user(user: Any) -> QuerySet[Project]:
    return Project.objects.filter(
        visible_q(user, province="province_id", county="county_id", company="company_id")
    )


def project_get_for_user(*, user: Any, pk: int) -> Project | None:
    return (
        projects_for_user(user)
        .select_related("company", "sector", "county", "estate", "province")
        .filter(pk=pk)
        .first()
    )


def jalali_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first and last Gregorian days of a Jalali year."""
    first = jdatetime.date(year, 1, 1).togregorian()
    last = jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1)
    return first, last


@dataclass
class ProjectFilters:
    q: str = ""
    county: int | None = None
    estate: int | None = None
    status: str = ""
    sector: int | None = None
    # The Jalali year the line opened or, not yet open, is planned to open.
    opening_year: int | None = None
    company: int | None = None
    province: int | None = None
    # The day the line opened (the openings figure counts operating lines by it).
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None


def project_list(*, user: Any, filters: ProjectFilters) -> QuerySet[Project]:
    projects = projects_for_user(user).select_related("company", "sector", "county", "estate")
    for term in query_terms(filters.q):
        # A word of the title, or of the company's search document (name, national ID,
        # products), as the registry matches it.
        projects = projects.filter(
            Q(search_key__contains=term) | Q(company__search_document__contains=term)
        )
    if filters.county:
        projects = projects.filter(county_id=filters.county)
    if filters.estate:
        projects = projects.filter(estate_id=filters.estate)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.sector:
        projects = projects.filter(sector_id=filters.sector)
    if filters.company:
        projects = projects.filter(company_id=filters.company)
    if filters.province:
        projects = projects.filter(province_id=filters.province)
    if filters.opened_from:
        projects = projects.filter(opened_on__gte=filters.opened_from)
    if filters.opened_to:
        projects = projects.filter(opened_on__lte=filters.opened_to)
    if filters.opening_year:
        first, last = jalali_year_bounds(filters.opening_year)
        projects = projects.filter(
            Q(opened_on__range=(first, last))
            | Q(opened_on__isnull=True, planned_opening_on__range=(first, last))
        )
    # NULLs last on both databases (PostgreSQL puts them first in a descending order).
    return projects.order_by(
        F("opened_on").desc(nulls_last=True),
        F("planned_opening_on").desc(nulls_last=True),
        "-id",
    )


@dataclass(frozen=True)
class ProjectTotals:
    count: int
    investment_rial: int
    jobs_planned: int
    jobs_created: int
    product_types: int


def project_totals(projects: QuerySet[Project]) -> ProjectTotals:
    """The sums a list page or a report quotes: reproducible from the rows it counts."""
    sums = projects.order_by().aggregate(
        investment=Sum("amount_rial"),
        planned=Sum("jobs_planned"),
        created=Sum("jobs_created"),
        products=Sum("product_types"),
    )
    return ProjectTotals(
        count=projects.order_by().count(),
        investment_rial=sums["investment"] or 0,
        jobs_planned=sums["planned"] or 0,
        jobs_created=sums["created"] or 0,
        product_types=sums["products"] or 0,
    )


def figure_sources(project: Project) -> dict[str, ProjectUpdate]:
    """For each figure of the project, the latest update that set it: the page shows the
    source beside the figure. The money fields share one source under "investment"."""
    sources: dict[str, ProjectUpdate] = {}
    # The latest applied, not the latest "as of": the current value is the last one written.
    for update in project.updates.order_by("-created_at", "-id"):
        for name in update.changes:
            key = "investment" if name in (*MONEY_FIELDS, "amount_rial") else name
            if key in (*PROJECT_FIELDS, "investment"):
                sources.setdefault(key, update)
    return sources


# --- Export figures ------------------------------------------------------------------------------


def exports_for_user(user: Any) -> QuerySet[ExportFigure]:
    return ExportFigure.objects.filter(
        visible_q(
            user,
            province="company__province_id",
            county="company__county_id",
            company="company_id",
        )
    )


@dataclass
class Amounts:
    """A sum of export figures: rials, and the amounts per currency as entered."""

    rial: int = 0
    by_currency: dict[str, Decimal] = field(default_factory=dict)
    count: int = 0

    def add(self, figure: ExportFigure) -> None:
        self.rial += figure.amount_rial
        self.by_currency[figure.currency] = (
            self.by_currency.get(figure.currency, Decimal(0)) + figure.amount
        )
        self.count += 1


@dataclass
class ExportTotals:
    """Totals by country, by group and overall. A figure for a country counts for the country
    and for every group the country belongs to (once per group); a figure for a group counts
    for the group only. The grand total counts every figure once."""

    total: Amounts
    by_country: list[tuple[Country, Amounts]]
    by_group: list[tuple[CountryGroup, Amounts]]


def _groups_of(countries: Iterable[int]) -> dict[int, list[CountryGroup]]:
    """country id → the groups it belongs to, in one query."""
    country_ids = set(countries)
    membership: dict[int, list[CountryGroup]] = defaultdict(list)
    for group in (
        CountryGroup.objects.filter(members__in=country_ids)
        .distinct()
        .prefetch_related(Prefetch("members", queryset=Country.objects.filter(pk__in=country_ids)))
    ):
        for member in group.members.all():
            membership[member.pk].append(group)
    return membership


def export_totals(
    figures: Iterable[ExportFigure], membership: dict[int, list[CountryGroup]] | None = None
) -> ExportTotals:
    rows = list(figures)
    if membership is None:
        membership = _groups_of(f.country_id for f in rows if f.country_id)
    total = Amounts()
    countries: dict[int, tuple[Country, Amounts]] = {}
    groups: dict[int, tuple[CountryGroup, Amounts]] = {}
    for figure in rows:
        total.add(figure)
        country, destination_group = figure.country, figure.group
        if country is not None:
            countries.setdefault(country.pk, (country, Amounts()))[1].add(figure)
            for group in membership.get(country.pk, ()):
                groups.setdefault(group.pk, (group, Amounts()))[1].add(figure)
        elif destination_group is not None:  # the constraint: one or the other
            groups.setdefault(destination_group.pk, (destination_group, Amounts()))[1].add(figure)

    def by_rial(entry: tuple[Any, Amounts]) -> tuple[int, str]:
        return (-entry[1].rial, str(entry[0]))

    return ExportTotals(
        total=total,
        by_country=sorted(countries.values(), key=by_rial),
        by_group=sorted(groups.values(), key=by_rial),
    )


@dataclass
class ExportPeriod:
    year: int
    kind: str
    label: str
    totals: ExportTotals


def export_totals_by_period(figures: Iterable[ExportFigure]) -> list[ExportPeriod]:
    """Totals per Jalali year and kind, newest year first, forecast before actual: a forecast
    is never added to an actual, nor one year's figure to another's."""
    rows = list(figures)
    membership = _groups_of(f.country_id for f in rows if f.country_id)
    groups: dict[tuple[int, str], list[ExportFigure]] = defaultdict(list)
    for figure in rows:
        groups[(figure.year, figure.kind)].append(figure)
    order = {kind: index for index, kind in enumerate(ExportKind.values)}
    return [
        ExportPeriod(
            year,
            kind,
            str(ExportKind(kind).label),
            export_totals(groups[(year, kind)], membership),
        )
        for year, kind in sorted(groups, key=lambda key: (-key[0], order[key[1]]))
    ]


def export_figures(
    *,
    user: Any,
    kind: str = "",
    year: int | None = None,
    company: int | None = None,
    project: int | None = None,
    province: int | None = None,
    country: int | None = None,
    group: int | None = None,
    recorded_to: dt.date | None = None,
) -> QuerySet[ExportFigure]:
    """The figures the user sees, filtered. `country` keeps the figures to that country; `group`
    the group's own figures and those to its members, as a group's total counts them;
    `recorded_to` those recorded on or before that (local) day, as a dashboard of a past day
    counts them."""
    figures = exports_for_user(user).select_related("company", "project", "country", "group")
    if kind:
        figures = figures.filter(kind=kind)
    if year:
        figures = figures.filter(year=year)
    if company:
        figures = figures.filter(company_id=company)
    if project:
        figures = figures.filter(project_id=project)
    if province:
        figures = figures.filter(company__province_id=province)
    if country:
        figures = figures.filter(country_id=country)
    if group:
        # A subquery rather than a join through the membership: one row per figure.
        members = CountryGroup.members.through.objects.filter(countrygroup_id=group).values(
            "country_id"
        )
        figures = figures.filter(Q(group_id=group) | Q(country_id__in=members))
    if recorded_to:
        figures = figures.filter(created_at__date__lte=recorded_to)
    return figures.order_by("-year", "kind", "id")


# --- Visits --------------------------------------------------------------------------------------

VISIT_ROLES = (Role.SECRETARIAT, Role.EXECUTIVE, Role.COUNTY_SECRETARIAT)


def visits_for_user(user: Any) -> QuerySet[Visit]:
    """The province's official visits, for its secretariat, executive and county secretariats:
    a programme is not for everyone before the day."""
    ids = {s.province_id for s in scopes_of(user) if s.role in VISIT_ROLES and s.province_id}
    return Visit.objects.filter(province_id__in=ids)


def visit_get_for_user(*, user: Any, pk: int) -> Visit | None:
    items = ItineraryItem.objects.select_related(
        "company", "project__sector", "project__company", "meeting__body"
    ).order_by("day", F("starts_at").asc(nulls_last=True), "position", "id")
    return (
        visits_for_user(user)
        .select_related("province")
        .prefetch_related(Prefetch("items", queryset=items))
        .filter(pk=pk)
        .first()
    )


@dataclass
class VisitSummary:
    """What the press brief of a visit quotes: the stops by kind, and the lines opened with
    their investment, jobs, products and export forecast for one year."""

    days: list[tuple[dt.date, list[ItineraryItem]]]
    kinds: list[tuple[str, str, int]]  # (kind, label, number of stops)
    openings: list[ItineraryItem]
    opened_projects: list[Project]  # those the reader may see
    investment_rial: int
    jobs: int
    product_types: int
    # "USD 1,000,000 a year": one year's forecast, never several years added up. The first
    # year forecast from the visit's year on, else the latest forecast year.
    forecast_year: int | None
    export_forecast: ExportTotals


def visit_days(visit: Visit) -> list[tuple[dt.date, list[ItineraryItem]]]:
    """The stops by day, in programme order. `visit` as `visit_get_for_user` returns it."""
    days: dict[dt.date, list[ItineraryItem]] = defaultdict(list)
    for item in visit.items.all():
        days[item.day].append(item)
    return sorted(days.items())


def visit_summary(visit: Visit, *, user: Any) -> VisitSummary:
    """`visit` as returned by `visit_get_for_user` (items prefetched). The programme is the
    same for everyone who sees the visit; the figures of the lines opened are only those the
    reader may see (a county secretariat sees its county's lines)."""
    items = list(visit.items.all())
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item.kind] += 1
    openings = [item for item in items if item.kind == ItineraryKind.OPENING]
    visible = set(
        projects_for_user(user)
        .filter(pk__in={item.project_id for item in openings})
        .values_list("pk", flat=True)
    )
    projects = list(
        {
            item.project_id: item.project
            for item in openings
            if item.project and item.project_id in visible
        }.values()
    )
    forecasts = list(
        exports_for_user(user)
        .filter(project__in=projects, kind=ExportKind.FORECAST)
        .select_related("country", "group")
        .order_by("year", "id")
    )
    years = sorted({figure.year for figure in forecasts})
    visit_year = jalali_year(visit.starts_on)
    year = next((y for y in years if y >= visit_year), years[-1] if years else None)
    return VisitSummary(
        days=visit_days(visit),
        kinds=[
            (value, str(label), counts[value])
            for value, label in ItineraryKind.choices
            if counts.get(value)
        ],
        openings=openings,
        opened_projects=projects,
        investment_rial=sum(p.amount_rial for p in projects),
        # Jobs created once known (zero included), the plan until then.
        jobs=sum(
            p.jobs_created if p.jobs_created is not None else (p.jobs_planned or 0)
            for p in projects
        ),
        product_types=sum(p.product_types or 0 for p in projects),
        forecast_year=year,
        export_forecast=export_totals(f for f in forecasts if f.year == year),
    )


# --- Sector shares -------------------------------------------------------------------------------


def shares_for_user(user: Any) -> QuerySet[SectorShare]:
    return SectorShare.objects.filter(province_id__in=provinces_of(user))


def shares_by_sector(
    *,
    user: Any,
    province: Province | None = None,
    sector: int | None = None,
    stated_to: dt.date | None = None,
) -> list[tuple[Any, list[SectorShare]]]:
    """(sector, its figures newest first), sectors by name: the page sets each source's figure
    beside the others'."""
    shares = shares_for_user(user).select_related("sector")
    if province is not None:
        shares = shares.filter(province=province)
    if sector:
        shares = shares.filter(sector_id=sector)
    if stated_to:
        shares = shares.filter(stated_on__lte=stated_to)
    grouped: dict[int, tuple[Any, list[SectorShare]]] = {}
    for share in shares.order_by("-stated_on", "-id"):
        grouped.setdefault(share.sector_id, (share.sector, []))[1].append(share)
    return sorted(grouped.values(), key=lambda entry: str(entry[0]))


def jalali_year(day: dt.date) -> int:
    return int(to_jalali(day).year)
