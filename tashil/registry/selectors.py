"""Registry reads that depend on who asks. Views and the API read companies only through here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import jdatetime
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from tashil.accounts.access import has_role, provinces_of, scopes_of, visible_q
from tashil.accounts.roles import Role
from tashil.geo.models import County, Province
from tashil.registry.models import (
    Certificate,
    Company,
    CompanyQuerySet,
    CompanyStatus,
    ImportJob,
    KnowledgeBasedTarget,
    StatusChange,
)
from tashil.registry.search import search_companies

# "Expiring soon" on the list page: the first warning goes out this many days before expiry.
EXPIRING_DAYS = 60
WARNING_DAYS = (60, 30)


# The roles that reach companies through cases (`visible_q`'s agency and assignee paths).
THROUGH_CASES = (Role.AGENCY_OFFICER, Role.AGENCY_HEAD, Role.EXPERT)


def companies_for_user(user: Any) -> CompanyQuerySet:
    """The companies a user may see: the secretariat and the executive their province, a county
    secretariat its county, a representative their own company. Agency staff and experts reach
    companies only through cases referred or assigned to them."""
    q = visible_q(
        user,
        province="province_id",
        county="county_id",
        company="pk",
        agency="cases__referrals__agency",
        assignee="cases__assignee",
    )
    if has_role(user, *THROUGH_CASES):
        # The paths through cases join many rows per company; a subquery keeps one row each.
        return Company.objects.filter(pk__in=Company.objects.filter(q).values("pk"))
    # The other paths are columns of the company: filtered directly, so that the planner
    # combines the province's rows with a search's index rather than reading every province's
    # matches to check each against a subquery.
    return Company.objects.filter(q)


def company_get_for_user(*, user: Any, national_id: str) -> Company:
    """The company, or 404 both when it does not exist and when the user may not see it, so
    that the response does not tell which."""
    company = (
        companies_for_user(user)
        .select_related("province", "county", "estate", "activity__section")
        .filter(national_id=national_id)
        .first()
    )
    if company is None:
        raise Http404
    return company


def registry_provinces(user: Any) -> list[Province]:
    """Provinces whose registry the user edits (the provincial secretariat)."""
    ids = {s.province_id for s in scopes_of(user) if s.role == Role.SECRETARIAT}
    return list(Province.objects.filter(pk__in=ids).order_by("code"))


def can_register(user: Any) -> bool:
    """Whether `registry_provinces` holds any province, without reading them."""
    return any(s.role == Role.SECRETARIAT and s.province_id for s in scopes_of(user))


def figure_provinces(user: Any) -> list[Province]:
    """Provinces whose registry figures the user reads: their secretariat and executive."""
    ids = {s.province_id for s in scopes_of(user) if s.role in (Role.SECRETARIAT, Role.EXECUTIVE)}
    return list(Province.objects.filter(pk__in=ids).order_by("code"))


def can_edit_company(user: Any, company: Company) -> bool:
    return any(
        s.role == Role.SECRETARIAT and s.province_id == company.province_id for s in scopes_of(user)
    )


def can_see_financials(user: Any, company: Company) -> bool:
    """DOMAIN.md §2: the secretariat, the executive, the company itself and the agencies one of
    its cases was referred to."""
    from tashil.cases.models import Referral

    agencies = set()
    for scope in scopes_of(user):
        if scope.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD):
            agencies.add(scope.agency_id)
        if (
            scope.role in (Role.SECRETARIAT, Role.EXECUTIVE)
            and scope.province_id == company.province_id
        ):
            return True
        if scope.role == Role.COMPANY_REP and scope.company_id == company.pk:
            return True
    return bool(agencies) and (
        Referral.objects.filter(case__company=company, agency_id__in=agencies).exists()
    )


def import_jobs_for_user(*, user: Any) -> QuerySet[ImportJob]:
    """Import jobs of the provinces whose registry the user edits."""
    return ImportJob.objects.filter(
        province__in=[p.pk for p in registry_provinces(user)]
    ).select_related("created_by")


def can_import(user: Any) -> bool:
    return has_role(user, Role.SECRETARIAT)


@dataclass
class CompanyFilters:
    query: str = ""
    county: int | None = None
    estate: int | None = None
    activity: int | None = None
    section: str = ""
    status: str = ""
    knowledge_based: bool | None = None
    certificate_class: str = ""
    expiring: bool = False
    on: dt.date = field(default_factory=timezone.localdate)
    province: int | None = None
    # Companies revived (idle back to work, `revivals`) in the range, either end open.
    revived_from: dt.date | None = None
    revived_to: dt.date | None = None


SORTS = {
    "name": ("search_key", "pk"),
    "-name": ("-search_key", "-pk"),
    "employees": ("employees", "pk"),
    "-employees": ("-employees", "pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
    "national_id": ("national_id",),
}


def company_list(*, user: Any, filters: CompanyFilters, sort: str = "name") -> QuerySet[Company]:
    """The list page's and the export's rows: visible companies, filtered and sorted, each with
    `is_knowledge_based` on `filters.on`. Related rows are joined, so iterating costs one query."""
    on = filters.on
    qs = companies_for_user(user)
    if filters.province:
        qs = qs.filter(province_id=filters.province)
    if filters.county:
        qs = qs.filter(county_id=filters.county)
    if filters.revived_from or filters.revived_to:
        # As the figure counts them, in the province asked for or each of the user's.
        provinces = [filters.province] if filters.province else sorted(provinces_of(user))
        revived = Q(pk__in=[])
        for province in provinces:
            rows = revivals(
                province=province,
                start=filters.revived_from or dt.date.min,
                end=filters.revived_to or dt.date.max,
            )
            revived |= Q(pk__in=rows.values("company"))
        qs = qs.filter(revived)
    if filters.estate:
        qs = qs.filter(estate_id=filters.estate)
    if filters.activity:
        qs = qs.filter(activity_id=filters.activity)
    if filters.section:
        qs = qs.filter(activity__section__code=filters.section)
    if filters.status:
        qs = qs.filter(status=filters.status)
    valid = Certificate.objects.valid_on(on).filter(company=OuterRef("pk"))
    if filters.certificate_class:
        valid = valid.filter(certificate_class=filters.certificate_class)
        qs = qs.filter(Exists(valid))
    if filters.knowledge_based is True:
        qs = qs.filter(Exists(valid))
    elif filters.knowledge_based is False:
        qs = qs.filter(~Exists(valid))
    if filters.expiring:
        # Valid today, but its last valid certificate runs out within the warning period and no
        # other certificate takes over after it.
        soon = on + dt.timedelta(days=EXPIRING_DAYS)
        qs = qs.filter(Exists(valid.filter(expires_on__lte=soon))).exclude(
            Exists(
                Certificate.objects.filter(
                    company=OuterRef("pk"), expires_on__gt=soon, revoked_on__isnull=True
                )
            )
        )
    qs = search_companies(qs, filters.query)
    qs = qs.with_knowledge_based_flag(on)
    return qs.select_related("county", "estate", "activity").order_by(
        *SORTS.get(sort, SORTS["name"])
    )


def company_history(*, company: Company) -> QuerySet[Any]:
    return company.events.select_related("actor").order_by("-created_at", "-id")


# --- Knowledge-based figures ----------------------------------------------------------------------


def knowledge_based_count(*, province: Province, on: dt.date) -> int:
    return Company.objects.filter(province=province).active_knowledge_based(on).count()


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of each Jalali month from `start`'s month to `end`'s, with `end` itself as the
    last point when it falls inside a month (the figure "today")."""
    points: list[dt.date] = []
    cursor = jdatetime.date.fromgregorian(date=start).replace(day=1)
    while True:
        next_month = (
            cursor.replace(year=cursor.year + 1, month=1)
            if cursor.month == 12
            else cursor.replace(month=cursor.month + 1)
        )
        last_day = next_month.togregorian() - dt.timedelta(days=1)
        if last_day >= end:
            points.append(end)
            return points
        points.append(last_day)
        cursor = next_month


def knowledge_based_counts(
    *, province: Province, days: list[dt.date], county: County | None = None
) -> dict[dt.date, int]:
    """Active knowledge-based units on each day, in one query: the days as a small derived table
    joined to the province's certificates valid on each (`valid_on_q`'s rule, written out), one
    distinct count of companies per day.

    Written in SQL because the dashboard asks for a year's thirteen month ends: as thirteen
    filtered aggregates the ORM spent ten times longer building the statement than the database
    running it. `tashil/figures/tests/test_recount.py` holds it to a recount with `valid_on`."""
    if not days:
        return {}
    certificate, company = Certificate._meta, Company._meta

    def column(meta: Any, name: str) -> str:
        return str(meta.get_field(name).column)

    names = ("company", "issued_on", "expires_on", "revoked_on")
    c = {name: column(certificate, name) for name in names}
    points = " UNION ALL ".join(["SELECT %s AS n, %s AS day"] * len(days))
    params: list[Any] = [value for index, day in enumerate(days) for value in (index, day)]
    where = f"co.{column(company, 'province')} = %s"
    params.append(province.pk)
    if county is not None:
        where += f" AND co.{column(company, 'county')} = %s"
        params.append(county.pk)
    sql = (
        f"SELECT point.n, COUNT(DISTINCT c.{c['company']})"  # noqa: S608 - names from _meta
        f" FROM ({points}) point"
        f" JOIN {certificate.db_table} c ON c.{c['issued_on']} <= point.day"
        f" AND c.{c['expires_on']} >= point.day"
        f" AND (c.{c['revoked_on']} IS NULL OR c.{c['revoked_on']} > point.day)"
        f" JOIN {company.db_table} co ON co.{company.pk.column} = c.{c['company']}"
        f" WHERE {where} GROUP BY point.n"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = dict(cursor.fetchall())
    return {day: counted.get(index, 0) for index, day in enumerate(days)}


def knowledge_based_series(
    *, province: Province, start: dt.date, end: dt.date
) -> list[tuple[dt.date, int]]:
    """The number of active knowledge-based companies at the end of each month, in one query."""
    points = month_ends(start, end)
    counts = knowledge_based_counts(province=province, days=points)
    return [(point, counts[point]) for point in points]


# The statuses of a unit at work (a revived idle unit reaches one of them).
WORKING = [CompanyStatus.OPERATING, CompanyStatus.PARTLY_OPERATING]


def revivals(*, province: Province | int, start: dt.date, end: dt.date) -> QuerySet[StatusChange]:
    """Status changes from `start` to `end` (inclusive) that brought an idle unit back to work:
    the new status is operating (or partly) and the company's status just before it was idle."""
    previous = (
        StatusChange.objects.filter(company=OuterRef("company"))
        .filter(Q(since__lt=OuterRef("since")) | Q(since=OuterRef("since"), pk__lt=OuterRef("pk")))
        .order_by("-since", "-pk")
        .values("status")[:1]
    )
    return (
        StatusChange.objects.filter(
            company__province=province,
            since__range=(start, end),
            status__in=WORKING,
        )
        .annotate(previous=Subquery(previous))
        .filter(previous=CompanyStatus.IDLE)
    )


def current_target(*, province: Province) -> KnowledgeBasedTarget | None:
    return (
        KnowledgeBasedTarget.objects.filter(province=province)
        .order_by("-created_at", "-id")
        .first()
    )


def certificates_expiring(*, on: dt.date, days: int = EXPIRING_DAYS) -> QuerySet[Certificate]:
    """Certificates valid on `on` that run out within `days` and that no later certificate of the
    same company outlasts (a renewal, unless revoked before this one expires, makes them moot).
    The warnings job and the figures page read the same rows."""
    successor = Certificate.objects.filter(
        company=OuterRef("company"), expires_on__gt=OuterRef("expires_on")
    ).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=OuterRef("expires_on")))
    return (
        Certificate.objects.valid_on(on)
        .filter(expires_on__lte=on + dt.timedelta(days=days))
        .exclude(Exists(successor))
    )


def expiring_certificates(
    *, province: Province, on: dt.date, days: int = EXPIRING_DAYS
) -> QuerySet[Certificate]:
    return (
        certificates_expiring(on=on, days=days)
        .filter(company__province=province)
        .select_related("company")
        .order_by("expires_on")
    )
