"""The figures people ask for (DOMAIN.md §7), counted in the database from the records themselves.

Every function here takes a province and a `Period` and returns plain dataclasses; the dashboard,
the county comparison, the scorecard, the weekly report, the press brief and the API all read the
same functions, so a number is the same wherever it appears. `docs/figures.md` defines each one;
`links.py` builds the list of records behind each number with the same definition.

Nothing loops over rows in Python: each figure is an aggregate (conditional counts and sums,
grouped by category, county or agency). The only stored summary is `Referral.response_days`,
which the answering service writes, because working days need the holiday calendar.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from tashil.accounts.access import has_role, scopes_of
from tashil.accounts.roles import Role
from tashil.agencies.models import Agency
from tashil.cases.models import Case, Category, Referral, ReferralStatus
from tashil.cases.selectors import CASE_BUCKETS, overdue_q
from tashil.core.money import Currency
from tashil.figures.period import Period, jalali_year_of
from tashil.geo.models import Country, CountryGroup, County, Province
from tashil.investments.models import ExportFigure, ExportKind, Project, SectorShare
from tashil.investments.workflow import ProjectStatus
from tashil.meetings.models import Meeting, Resolution
from tashil.meetings.selectors import BUCKETS as RESOLUTION_BUCKETS
from tashil.meetings.workflow import ISSUED, MeetingKind, MeetingStatus
from tashil.registry.models import Certificate, KnowledgeBasedTarget, valid_on_q
from tashil.registry.selectors import knowledge_based_counts, month_ends, revivals

# --- Who reads what -----------------------------------------------------------------------------


def dashboard_provinces(user: Any) -> list[Province]:
    """Provinces whose dashboard, county comparison, weekly report and press brief the user
    reads: the provincial secretariat and the executive (DOMAIN.md §2). Read once per request:
    a page asks several times (its filters, its agencies, its links), so the answer is kept on
    the user beside the scopes it was worked out from, and worked out again when they change."""
    scopes = scopes_of(user)
    cached: tuple[tuple[Any, ...], list[Province]] | None = getattr(
        user, "_figures_provinces", None
    )
    if cached is None or cached[0] != scopes:
        # Not the administrator: DOMAIN.md §2 gives them users, agencies and reference data,
        # no figures (the permission matrix holds this).
        ids = {s.province_id for s in scopes if s.role in (Role.SECRETARIAT, Role.EXECUTIVE)}
        provinces = list(Province.objects.filter(pk__in=ids).order_by("code"))
        cached = (scopes, provinces)
        if getattr(user, "is_authenticated", False):
            user._figures_provinces = cached
    return list(cached[1])


def scorecard_agencies(user: Any, province: Province) -> QuerySet[Agency] | None:
    """The agencies whose cards the user sees in `province`: all of them for the secretariat
    and the executive; their own agency for its officers and head; None when the user sees no
    card there."""
    agencies = Agency.objects.filter(province=province)
    if province in dashboard_provinces(user):
        return agencies
    own = [
        s.agency_id
        for s in scopes_of(user)
        if s.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD) and s.agency_id
    ]
    own_here = agencies.filter(pk__in=own)
    return own_here if own and own_here.exists() else None


def can_edit_press_brief(user: Any, province: Province) -> bool:
    """The press office works in the governor's office (executive) or the secretariat."""
    return province in dashboard_provinces(user) and has_role(
        user, Role.SECRETARIAT, Role.EXECUTIVE
    )


def _round(value: Decimal) -> int:
    # Half up, as people round by hand (Python's round() would give 12% for 1/8).
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> int | None:
    """A whole percentage, or None when there is nothing to divide by."""
    return _round(Decimal(100 * part) / Decimal(whole)) if whole else None


# --- Knowledge-based units ------------------------------------------------------------------------


@dataclass
class KnowledgeBased:
    on: dt.date
    count: int
    target: KnowledgeBasedTarget | None
    # (month end, count) from the period's first month to its end.
    series: list[tuple[dt.date, int]]

    @property
    def target_share(self) -> int | None:
        return percent(self.count, self.target.count) if self.target else None


def knowledge_based(*, province: Province, period: Period) -> KnowledgeBased:
    points = month_ends(period.start, period.end)
    counts = knowledge_based_counts(province=province, days=points)
    target = (
        KnowledgeBasedTarget.objects.filter(province=province, created_at__date__lte=period.end)
        .order_by("-created_at", "-id")
        .first()
    )
    return KnowledgeBased(
        on=period.end,
        count=counts[period.end],
        target=target,
        series=[(point, counts[point]) for point in points],
    )


# --- Cases ------------------------------------------------------------------------------------


@dataclass
class CaseFigures:
    """The cases filed in the period, by where they stand now: still in progress, resolved,
    or closed without a resolution (rejected, unresolved, escalated to the national HQ).
    Duplicates merged into another case are not counted."""

    received: int = 0
    in_progress: int = 0
    resolved: int = 0
    not_resolved: int = 0

    @property
    def share_resolved(self) -> int | None:
        return percent(self.resolved, self.received)


def filed_in(period: Period, prefix: str = "") -> Q:
    first, after = period.bounds()
    return Q(**{f"{prefix}created_at__gte": first, f"{prefix}created_at__lt": after})


def _case_counts() -> dict[str, Any]:
    return {name: Count("pk", filter=q) for name, q in CASE_BUCKETS.items()}


def case_figures(
    *, province: Province, period: Period, county: County | None = None
) -> CaseFigures:
    cases = Case.objects.filter(filed_in(period), province=province)
    if county is not None:
        cases = cases.filter(county=county)
    return CaseFigures(**cases.aggregate(**_case_counts()))


def case_figures_by(
    *, province: Province, period: Period, by: str
) -> list[tuple[Any, CaseFigures]]:
    """`by` is "category" or "county": one row per category (or county) with any case filed in
    the period, most cases first."""
    model: type[models.Model] = Category if by == "category" else County
    rows = (
        Case.objects.filter(filed_in(period), province=province)
        .values(by)
        .annotate(**_case_counts())
        .order_by()
    )
    objects: dict[int, Any] = model._default_manager.in_bulk([row[by] for row in rows])
    result = [
        (objects[row[by]], CaseFigures(**{name: row[name] for name in CASE_BUCKETS}))
        for row in rows
        if row["received"]
    ]
    return sorted(result, key=lambda entry: (-entry[1].received, str(entry[0])))


def case_breakdown(
    *, province: Province, period: Period
) -> tuple[CaseFigures, list[tuple[Category, CaseFigures]], list[tuple[County, CaseFigures]]]:
    """`case_figures`, and `case_figures_by` category and by county, from one scan of the
    period's cases: the database counts per (category, county) pair, a few hundred rows at most
    whatever the number of cases, and the pairs are added up here."""
    rows = list(
        Case.objects.filter(filed_in(period), province=province)
        .values("category", "county")
        .annotate(**_case_counts())
        .order_by()
    )
    total = CaseFigures()
    by: dict[str, dict[int, CaseFigures]] = {"category": {}, "county": {}}
    for row in rows:
        for figures in (
            total,
            by["category"].setdefault(row["category"], CaseFigures()),
            by["county"].setdefault(row["county"], CaseFigures()),
        ):
            for name in CASE_BUCKETS:
                setattr(figures, name, getattr(figures, name) + row[name])

    def ranked(model: type[models.Model], counts: dict[int, CaseFigures]) -> list[Any]:
        objects: dict[int, Any] = model._default_manager.in_bulk(list(counts))
        found = [(objects[pk], f) for pk, f in counts.items() if f.received]
        return sorted(found, key=lambda entry: (-entry[1].received, str(entry[0])))

    return total, ranked(Category, by["category"]), ranked(County, by["county"])


# --- Resolutions and sessions -------------------------------------------------------------------


@dataclass
class ResolutionFigures:
    """Resolutions issued at sessions held in the period, by where they stand now (Qazvin's
    split: executed, in follow-up, not executed). Withdrawn ones count in the total only."""

    total: int = 0
    executed: int = 0
    follow_up: int = 0
    not_executed: int = 0

    @property
    def executed_share(self) -> int | None:
        return percent(self.executed, self.executed + self.follow_up + self.not_executed)


def held_in(period: Period, prefix: str = "") -> Q:
    first, after = period.bounds()
    return Q(**{f"{prefix}starts_at__gte": first, f"{prefix}starts_at__lt": after})


def issued_resolutions(*, province: Province, period: Period) -> QuerySet[Resolution]:
    return Resolution.objects.filter(
        held_in(period, "meeting__"), province=province, state__in=sorted(ISSUED)
    )


def _resolution_counts() -> dict[str, Any]:
    # Distinct: grouping by addressee joins one row per responsible agency.
    return {
        "total": Count("pk", distinct=True),
        **{
            name: Count("pk", filter=RESOLUTION_BUCKETS[name], distinct=True)
            for name in ("executed", "follow_up", "not_executed")
        },
    }


def resolution_figures(
    *, province: Province, period: Period, county: County | None = None
) -> ResolutionFigures:
    rows = issued_resolutions(province=province, period=period)
    if county is not None:
        rows = rows.filter(county=county)
    return ResolutionFigures(**rows.aggregate(**_resolution_counts()))


@dataclass
class SessionFigures:
    """Sessions held (minutes closed) in the period, by kind of body."""

    provincial: int = 0
    working_group: int = 0
    county: int = 0

    @property
    def total(self) -> int:
        return self.provincial + self.working_group + self.county


def held_sessions(*, province: Province, period: Period) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        held_in(period), body__province=province, status=MeetingStatus.CLOSED
    )


def session_figures(*, province: Province, period: Period) -> SessionFigures:
    rows = held_sessions(province=province, period=period).aggregate(
        **{kind.value: Count("pk", filter=Q(body__kind=kind.value)) for kind in MeetingKind}
    )
    return SessionFigures(**rows)


# --- Units revived, jobs, loans -------------------------------------------------------------------


def revived_units(*, province: Province, period: Period) -> int:
    return (
        revivals(province=province, start=period.start, end=period.end)
        .values("company")
        .distinct()
        .count()
    )


@dataclass
class Results:
    """What the HQ's help achieved, as the secretariat recorded it on cases (`Case.results_on`
    in the period), and the jobs the lines opened in the period created."""

    approved_rial: int = 0
    jobs_preserved: int = 0
    jobs_created: int = 0
    cases: int = 0


def results(*, province: Province, period: Period, jobs_created: int | None = None) -> Results:
    """`jobs_created`, when given, is `opening_figures(...).jobs` for the same period, which
    the dashboard has already counted."""
    recorded = Case.objects.filter(
        province=province, results_on__range=(period.start, period.end)
    ).aggregate(
        approved_rial=Coalesce(Sum("approved_amount"), 0),
        jobs_preserved=Coalesce(Sum("jobs_preserved"), 0),
        cases=Count("pk"),
    )
    if jobs_created is None:
        jobs_created = openings(province=province, period=period).aggregate(
            jobs=Coalesce(Sum("jobs_created"), 0)
        )["jobs"]
    return Results(jobs_created=jobs_created, **recorded)


# --- Openings, exports, shares -------------------------------------------------------------------


def openings(*, province: Province, period: Period) -> QuerySet[Project]:
    """Lines opened in the period (status operating, opening day in the period)."""
    return Project.objects.filter(
        province=province,
        status=ProjectStatus.OPERATING,
        opened_on__range=(period.start, period.end),
    )


@dataclass
class Places:
    """Countries and groups already read: the dashboard names the same destinations in its
    export table and beside its largest lines, and reads each one once."""

    countries: dict[int, Country] = field(default_factory=dict)
    groups: dict[int, CountryGroup] = field(default_factory=dict)

    def load(self, countries: Iterable[int], groups: Iterable[int]) -> None:
        for known, model, wanted in (
            (self.countries, Country, countries),
            (self.groups, CountryGroup, groups),
        ):
            missing = sorted({pk for pk in wanted if pk not in known})
            if missing:
                known.update(model._default_manager.in_bulk(missing))


@dataclass
class LineForecast:
    """A line's export forecast for one year: totals and the destinations named."""

    year: int
    rial: int = 0
    usd: Decimal = Decimal(0)
    destinations: list[Country | CountryGroup] = field(default_factory=list)


def recorded_by(day: dt.date | None) -> Q:
    """Figures recorded on or before `day` (local), so a past period does not quote a forecast
    made after it. A figure's later corrections are not versioned; its current amount counts."""
    if day is None:
        return Q()
    return Q(created_at__lt=Period(day, day).bounds()[1])


def line_forecasts(
    *,
    projects: list[Project],
    year: int,
    as_of: dt.date | None = None,
    places: Places | None = None,
) -> dict[int, LineForecast]:
    """Per project, its forecast for `year` as recorded by `as_of`, summed per destination in
    the database."""
    rows = (
        ExportFigure.objects.filter(
            recorded_by(as_of), project__in=projects, kind=ExportKind.FORECAST, year=year
        )
        .values("project", "country", "group")
        .annotate(**_money_sums())
        .order_by("project", "-rial")
    )
    places = places if places is not None else Places()
    places.load(
        [row["country"] for row in rows if row["country"]],
        [row["group"] for row in rows if row["group"]],
    )
    countries, groups = places.countries, places.groups
    forecasts: dict[int, LineForecast] = {}
    for row in rows:
        forecast = forecasts.setdefault(row["project"], LineForecast(year=year))
        forecast.rial += row["rial"]
        forecast.usd += Decimal(row["usd"])
        forecast.destinations.append(
            countries[row["country"]] if row["country"] else groups[row["group"]]
        )
    return forecasts


@dataclass
class Openings:
    count: int = 0
    investment_rial: int = 0
    jobs: int = 0
    products: int = 0
    # (currency, amount as entered): a dollar investment is quoted in dollars.
    by_currency: list[tuple[str, Decimal]] = field(default_factory=list)
    # The largest lines, for the page and the press brief, with their export forecasts.
    lines: list[Project] = field(default_factory=list)
    forecasts: dict[int, LineForecast] = field(default_factory=dict)


def opening_figures(
    *,
    province: Province,
    period: Period,
    export_year: int,
    lines: int = 10,
    places: Places | None = None,
) -> Openings:
    projects = openings(province=province, period=period)
    # One row per currency (a handful), added up here: the totals and the split in one query.
    per_currency = (
        projects.values("currency")
        .annotate(
            count=Count("pk"),
            investment_rial=Coalesce(Sum("amount_rial"), 0),
            jobs=Coalesce(Sum("jobs_created"), 0),
            products=Coalesce(Sum("product_types"), 0),
            amount=Sum("amount"),
        )
        .order_by("currency")
    )
    totals = {"count": 0, "investment_rial": 0, "jobs": 0, "products": 0}
    by_currency = []
    for row in per_currency:
        for name in totals:
            totals[name] += row[name]
        if row["amount"] is not None:
            by_currency.append((row["currency"], row["amount"]))
    biggest = list(
        projects.select_related("company", "county").order_by(
            F("amount_rial").desc(nulls_last=True), "-opened_on", "pk"
        )[:lines]
    )
    return Openings(
        by_currency=by_currency,
        lines=biggest,
        forecasts=line_forecasts(
            projects=biggest, year=export_year, as_of=period.end, places=places
        ),
        **totals,
    )


@dataclass
class Destination:
    """Export forecasts to one country or group. A group's figure counts its own rows and its
    members' rows, so a group and its members overlap; `ExportFigures.total_*` counts each row
    once."""

    destination: Country | CountryGroup
    rial: int
    usd: Decimal

    @property
    def is_group(self) -> bool:
        return isinstance(self.destination, CountryGroup)


@dataclass
class ExportFigures:
    year: int
    kind: str
    total_rial: int = 0
    total_usd: Decimal = Decimal(0)
    destinations: list[Destination] = field(default_factory=list)


def export_rows(
    *, province: Province, year: int, kind: str = ExportKind.FORECAST, as_of: dt.date | None = None
) -> QuerySet[ExportFigure]:
    return ExportFigure.objects.filter(
        recorded_by(as_of), company__province=province, year=year, kind=kind
    )


def _money_sums() -> dict[str, Any]:
    return {
        "rial": Coalesce(Sum("amount_rial"), 0),
        "usd": Coalesce(Sum("amount", filter=Q(currency=Currency.USD)), Value(Decimal(0))),
    }


def export_figures(
    *,
    province: Province,
    year: int,
    kind: str = ExportKind.FORECAST,
    as_of: dt.date | None = None,
    places: Places | None = None,
) -> ExportFigures:
    """The figures of `year` recorded by `as_of` (all of them when None)."""
    rows = export_rows(province=province, year=year, kind=kind, as_of=as_of)
    # Each figure goes to a country or a group, never both (`export_one_destination`): one row
    # per destination gives the countries, the groups' own figures and the total.
    totals: dict[str, Any] = {"rial": 0, "usd": Decimal(0)}
    by_country: dict[int, dict[str, Any]] = {}
    by_group: dict[int, dict[str, Any]] = {}

    def add(entry: dict[str, Any], row: dict[str, Any]) -> None:
        entry["rial"] += row["rial"]
        entry["usd"] += Decimal(row["usd"])

    for row in rows.values("country", "group").annotate(**_money_sums()).order_by():
        add(totals, row)
        if row["country"] is not None:
            by_country[row["country"]] = {"rial": row["rial"], "usd": Decimal(row["usd"])}
        else:
            add(by_group.setdefault(row["group"], {"rial": 0, "usd": Decimal(0)}), row)
    # Plus each figure whose country is a member of a group (one join row per group).
    members = rows.filter(country__groups__isnull=False).values(key=F("country__groups"))
    for row in members.annotate(**_money_sums()).order_by():
        add(by_group.setdefault(row["key"], {"rial": 0, "usd": Decimal(0)}), row)
    places = places if places is not None else Places()
    places.load(by_country, by_group)
    countries, groups = places.countries, places.groups
    destinations = [
        Destination(destination=groups[pk], rial=row["rial"], usd=Decimal(row["usd"]))
        for pk, row in by_group.items()
    ] + [
        Destination(destination=countries[pk], rial=row["rial"], usd=Decimal(row["usd"]))
        for pk, row in by_country.items()
    ]
    destinations.sort(key=lambda d: (not d.is_group, -d.rial, str(d.destination)))
    return ExportFigures(
        year=year,
        kind=kind,
        total_rial=totals["rial"],
        total_usd=Decimal(totals["usd"]),
        destinations=destinations,
    )


def shares_as_of(*, province: Province, on: dt.date) -> list[tuple[Any, list[SectorShare]]]:
    """Every figure stated on or before `on`, by sector, each source's newest first."""
    grouped: dict[int, tuple[Any, list[SectorShare]]] = {}
    for share in (
        SectorShare.objects.filter(province=province, stated_on__lte=on)
        .select_related("sector")
        .order_by("-stated_on", "-id")
    ):
        grouped.setdefault(share.sector_id, (share.sector, []))[1].append(share)
    return sorted(grouped.values(), key=lambda entry: str(entry[0]))


# --- The dashboard --------------------------------------------------------------------------------


@dataclass
class Dashboard:
    province: Province
    period: Period
    knowledge_based: KnowledgeBased
    cases: CaseFigures
    cases_by_category: list[tuple[Category, CaseFigures]]
    cases_by_county: list[tuple[County, CaseFigures]]
    resolutions: ResolutionFigures
    sessions: SessionFigures
    revived: int
    results: Results
    openings: Openings
    exports: ExportFigures
    shares: list[tuple[Any, list[SectorShare]]]


def default_export_year(period: Period) -> int:
    """Forecasts are quoted for the year after the period's: in Azar 1404 the governor speaks of
    1405's exports."""
    return jalali_year_of(period.end) + 1


def dashboard(*, province: Province, period: Period, export_year: int | None = None) -> Dashboard:
    export_year = export_year or default_export_year(period)
    cases, by_category, by_county = case_breakdown(province=province, period=period)
    places = Places()
    exports = export_figures(province=province, year=export_year, as_of=period.end, places=places)
    opened = opening_figures(
        province=province, period=period, export_year=export_year, places=places
    )
    return Dashboard(
        province=province,
        period=period,
        knowledge_based=knowledge_based(province=province, period=period),
        cases=cases,
        cases_by_category=by_category,
        cases_by_county=by_county,
        resolutions=resolution_figures(province=province, period=period),
        sessions=session_figures(province=province, period=period),
        revived=revived_units(province=province, period=period),
        results=results(province=province, period=period, jobs_created=opened.jobs),
        openings=opened,
        exports=exports,
        shares=shares_as_of(province=province, on=period.end),
    )


# --- Agency scorecard ----------------------------------------------------------------------------


@dataclass
class Scorecard:
    """One agency's card for the period. `received`, `answered` and `on_time` count cases: the
    cases referred to the agency in the period, those of them it answered, and those it answered
    by the deadline (`due_on`, which already allows for pauses and the extension) — a case the
    secretariat sent to the agency twice is one case, as the case list behind the number shows
    it. Response times are over the answers themselves, in working days without the pauses
    (`Referral.response_days`), the 90th percentile by nearest rank. Open overdue is counted
    today (one open referral per case and agency). Resolutions are those issued in the period
    and addressed to the agency, by where they stand now."""

    agency: Agency
    received: int = 0
    answered: int = 0
    on_time: int = 0
    average_days: float | None = None
    p90_days: int | None = None
    open_overdue: int = 0
    executed: int = 0
    follow_up: int = 0
    not_executed: int = 0

    @property
    def on_time_share(self) -> int | None:
        return percent(self.on_time, self.received)

    @property
    def executed_share(self) -> int | None:
        return percent(self.executed, self.executed + self.follow_up + self.not_executed)

    def rank_key(self) -> tuple[Any, ...]:
        """Best first: most answered on time, fewest overdue, most executed, then by name."""
        return (
            -(self.on_time_share if self.on_time_share is not None else -1),
            self.open_overdue,
            -(self.executed_share if self.executed_share is not None else -1),
            str(self.agency),
        )


def sent_in(period: Period) -> Q:
    return filed_in(period)


def on_time_q() -> Q:
    return Q(status=ReferralStatus.ANSWERED, answered_at__date__lte=F("due_on"))


def p90_response_days(referrals: QuerySet[Referral]) -> dict[int, int]:
    """Per agency, the nearest-rank 90th percentile of `response_days` over the answered
    referrals: the value at rank ⌈0.9·n⌉ in ascending order. Response days are a few distinct
    small numbers, so the database returns each agency's histogram (one row per agency and
    value, however many answers there are) and the rank is walked here, in one query."""
    histogram = (
        referrals.filter(status=ReferralStatus.ANSWERED, response_days__isnull=False)
        .values_list("agency_id", "response_days")
        .annotate(n=Count("pk"))
        .order_by("agency_id", "response_days")
    )
    counts: dict[int, list[tuple[int, int]]] = {}
    for agency, days, n in histogram:
        counts.setdefault(agency, []).append((days, n))
    p90: dict[int, int] = {}
    for agency, values in counts.items():
        wanted, seen = math.ceil(0.9 * sum(n for _days, n in values)), 0
        for days, n in values:
            seen += n
            if seen >= wanted:
                p90[agency] = days
                break
    return p90


def scorecards(
    *, province: Province, period: Period, agencies: QuerySet[Agency], today: dt.date
) -> list[Scorecard]:
    """The cards of `agencies`, ranked best first."""
    # The agencies as a list of ids: the planner then reads each one's referrals of the period
    # through the (agency, created_at) index instead of scanning every referral of the country.
    listed = list(agencies.order_by("name"))
    ids = [agency.pk for agency in listed]
    referrals = Referral.objects.filter(sent_in(period), agency__in=ids)
    counted = {
        row["agency"]: row
        for row in referrals.values("agency")
        .annotate(
            received=Count("case", distinct=True),
            answered=Count("case", distinct=True, filter=Q(status=ReferralStatus.ANSWERED)),
            on_time=Count("case", distinct=True, filter=on_time_q()),
            answers=Count("pk", filter=Q(status=ReferralStatus.ANSWERED)),
            total_days=Sum("response_days", filter=Q(status=ReferralStatus.ANSWERED)),
        )
        .order_by()
    }
    p90 = p90_response_days(referrals)
    overdue = dict(
        Referral.objects.filter(overdue_q(today), agency__in=ids)
        .values("agency")
        .annotate(n=Count("case", distinct=True))
        .order_by()
        .values_list("agency", "n")
    )
    resolutions = {
        row["agency"]: row
        for row in issued_resolutions(province=province, period=period)
        .filter(addressees__agency__in=ids)
        .values(agency=F("addressees__agency"))
        .annotate(**{k: v for k, v in _resolution_counts().items() if k != "total"})
        .order_by()
    }
    cards = []
    for agency in listed:
        row = counted.get(agency.pk, {})
        answers = row.get("answers", 0)
        decided = resolutions.get(agency.pk, {})
        cards.append(
            Scorecard(
                agency=agency,
                received=row.get("received", 0),
                answered=row.get("answered", 0),
                on_time=row.get("on_time", 0),
                average_days=(
                    float(
                        (Decimal(row["total_days"]) / Decimal(answers)).quantize(
                            Decimal("0.1"), rounding=ROUND_HALF_UP
                        )
                    )
                    if answers and row.get("total_days") is not None
                    else None
                ),
                p90_days=p90.get(agency.pk),
                open_overdue=overdue.get(agency.pk, 0),
                executed=decided.get("executed", 0),
                follow_up=decided.get("follow_up", 0),
                not_executed=decided.get("not_executed", 0),
            )
        )
    return sorted(cards, key=Scorecard.rank_key)


# --- County comparison ---------------------------------------------------------------------------


@dataclass
class CountyFigures:
    county: County
    cases: CaseFigures
    resolutions: ResolutionFigures
    county_sessions: int = 0
    knowledge_based: int = 0
    revived: int = 0
    openings: int = 0
    investment_rial: int = 0
    jobs_created: int = 0
    jobs_preserved: int = 0
    approved_rial: int = 0


def _by_county(rows: QuerySet[Any], key: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
    return {
        row["county_key"]: row
        for row in rows.values(county_key=F(key)).annotate(**aggregates).order_by()
    }


def county_comparison(*, province: Province, period: Period) -> list[CountyFigures]:
    """The same figures for each county of the province, one grouped query per figure. Cases and
    resolutions count in the county they were filed or issued in; openings in the line's county;
    units in the company's county."""
    counties = list(County.objects.filter(province=province).order_by("code"))
    cases = _by_county(
        Case.objects.filter(filed_in(period), province=province), "county", **_case_counts()
    )
    resolutions = _by_county(
        issued_resolutions(province=province, period=period).filter(county__isnull=False),
        "county",
        **_resolution_counts(),
    )
    sessions = _by_county(
        held_sessions(province=province, period=period).filter(body__kind=MeetingKind.COUNTY),
        "body__county",
        n=Count("pk"),
    )
    kb = _by_county(
        Certificate.objects.filter(company__province=province).filter(valid_on_q(period.end)),
        "company__county",
        n=Count("company", distinct=True),
    )
    revived = _by_county(
        revivals(province=province, start=period.start, end=period.end),
        "company__county",
        n=Count("company", distinct=True),
    )
    opened = _by_county(
        openings(province=province, period=period),
        "county",
        n=Count("pk"),
        rial=Coalesce(Sum("amount_rial"), 0),
        jobs=Coalesce(Sum("jobs_created"), 0),
    )
    recorded = _by_county(
        Case.objects.filter(province=province, results_on__range=(period.start, period.end)),
        "county",
        jobs=Coalesce(Sum("jobs_preserved"), 0),
        rial=Coalesce(Sum("approved_amount"), 0),
    )
    empty: dict[str, Any] = {}
    return [
        CountyFigures(
            county=county,
            cases=CaseFigures(
                **{name: cases.get(county.pk, empty).get(name, 0) for name in CASE_BUCKETS}
            ),
            resolutions=ResolutionFigures(
                **{
                    name: resolutions.get(county.pk, empty).get(name, 0)
                    for name in ("total", "executed", "follow_up", "not_executed")
                }
            ),
            county_sessions=sessions.get(county.pk, empty).get("n", 0),
            knowledge_based=kb.get(county.pk, empty).get("n", 0),
            revived=revived.get(county.pk, empty).get("n", 0),
            openings=opened.get(county.pk, empty).get("n", 0),
            investment_rial=opened.get(county.pk, empty).get("rial", 0),
            jobs_created=opened.get(county.pk, empty).get("jobs", 0),
            jobs_preserved=recorded.get(county.pk, empty).get("jobs", 0),
            approved_rial=recorded.get(county.pk, empty).get("rial", 0),
        )
        for county in counties
    ]
