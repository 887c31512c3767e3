"""Permission-scoped reads of cases and referrals. Every page and API endpoint starts here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tashil.accounts.access import scopes_of, visible_q
from tashil.accounts.roles import Role
from tashil.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Channel,
    Outcome,
    Referral,
    ReferralStatus,
)
from tashil.cases.services import FILING_CHANNELS, actor_kinds, can_act_for_agency
from tashil.cases.workflow import FINAL, OPEN, CaseStatus, Move, moves_from
from tashil.core.text import search_key
from tashil.registry.models import Company


def filing_companies(user: Any) -> QuerySet[Company]:
    """The companies `user` may file a case for: the same rule as `services.filing_channels`,
    as a query (a representative's own company, the secretariat's province's, a county
    secretariat's county's)."""
    q = Q(pk__in=[])
    for scope in scopes_of(user):
        if scope.role == Role.COMPANY_REP:
            q |= Q(pk=scope.company_id)
        elif scope.role == Role.SECRETARIAT:
            q |= Q(province_id=scope.province_id)
        elif scope.role == Role.COUNTY_SECRETARIAT:
            q |= Q(county_id=scope.county_id)
    return Company.objects.filter(q).order_by("legal_name", "pk")


def filing_channel_choices(user: Any) -> list[tuple[str, str]]:
    """Every channel the user files through, whatever the company."""
    channels: list[str] = []
    for scope in scopes_of(user):
        channels.extend(FILING_CHANNELS.get(scope.role, []))
    return [(value, str(Channel(value).label)) for value in dict.fromkeys(channels)]


# The figures' split of the cases filed in a period by where they stand now (figures.selectors,
# docs/figures.md); the case list filters with the same Q so a figure's link lists its rows.
# Duplicates merged into another case are not counted as received.
CASE_BUCKETS: dict[str, Q] = {
    "received": ~Q(status=CaseStatus.MERGED),
    "in_progress": Q(status__in=sorted(OPEN)),
    # Resolved, whether or not the company has confirmed yet (closed keeps the outcome).
    "resolved": Q(outcome=Outcome.RESOLVED)
    & Q(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED]),
    "not_resolved": ~Q(status=CaseStatus.MERGED)
    & ~Q(status__in=sorted(OPEN))
    & ~(Q(outcome=Outcome.RESOLVED) & Q(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])),
}


def _visible(user: Any) -> Q:
    q = visible_q(
        user,
        province="province_id",
        county="county_id",
        company="company_id",
        assignee="assignee_id",
    )
    # Agency staff reach a case through its referrals: asked with EXISTS rather than a join, so
    # that a case referred twice is still one row and the filter stays a plain WHERE (an
    # `id IN (subquery)` made the planner gather the whole province before looking up one case).
    agencies = agency_ids(user)
    if agencies:
        q |= Q(Exists(Referral.objects.filter(case=OuterRef("pk"), agency_id__in=agencies)))
    return q


def cases_for_user(user: Any) -> QuerySet[Case]:
    """Cases the user may see: the secretariat and the executive their province, a county
    secretariat its county, agency staff the cases ever referred to their agency, an expert the
    cases assigned to them, a company representative their company's."""
    return Case.objects.filter(_visible(user))


def case_get_for_user(*, user: Any, tracking: str) -> Case:
    """The case, or 404 both when it does not exist and when the user may not see it."""
    case = (
        cases_for_user(user)
        .select_related("company", "category", "county", "province", "assignee", "merged_into")
        .filter(tracking=tracking)
        .first()
    )
    if case is None:
        raise Http404
    return case


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """An open referral whose last on-time day has passed, on a case whose clock runs (a case
    waiting on the company is not late; its deadlines move when the company answers). The
    same rule as `Referral.is_overdue`; `prefix` reaches referrals from another model."""
    return Q(
        **{
            f"{prefix}status": ReferralStatus.OPEN,
            f"{prefix}due_on__lt": today,
        }
    ) & ~Q(**{f"{prefix}case__status": CaseStatus.RETURNED_FOR_INFO})


def with_referral_counts(cases: QuerySet[Case], today: dt.date) -> QuerySet[Case]:
    return cases.annotate(
        open_referrals=Count("referrals", filter=Q(referrals__status=ReferralStatus.OPEN)),
        overdue_referrals=Count(
            "referrals",
            filter=Q(referrals__status=ReferralStatus.OPEN, referrals__due_on__lt=today)
            & ~Q(status=CaseStatus.RETURNED_FOR_INFO),
        ),
    )


def local_day_start(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the current time zone (the province's, settings.TIME_ZONE)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def on_local_days(field: str, start: dt.date | None = None, end: dt.date | None = None) -> Q:
    """A datetime column within the local days [start, end], either end open: a case filed at
    00:30 Tehran time on 1 Dey is in Dey, although in UTC it is still the last evening of Azar.
    A range on the column itself, rather than on its date, also keeps to the index."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": local_day_start(start)})
    if end is not None:
        q &= Q(**{f"{field}__lt": local_day_start(end + dt.timedelta(days=1))})
    return q


@dataclass
class CaseFilters:
    statuses: list[str] = field(default_factory=list)
    province: int | None = None
    category: int | None = None
    county: int | None = None
    agency: int | None = None
    company: int | None = None
    # One of CASE_BUCKETS: the figures' split of the cases filed in a period.
    bucket: str = ""
    filed_from: dt.date | None = None
    filed_to: dt.date | None = None
    results_from: dt.date | None = None
    results_to: dt.date | None = None
    # Cases with a referral sent in the range (to `agency`, when given).
    referred_from: dt.date | None = None
    referred_to: dt.date | None = None
    overdue: bool = False
    open_only: bool = False
    q: str = ""


def case_list(
    *, user: Any, filters: CaseFilters, today: dt.date, offset: int = 0, limit: int
) -> list[Case]:
    """A page of the case list: the filtered cases, newest first, with their companies,
    categories, counties and referral counts."""
    return case_rows(
        cases_filtered(user=user, filters=filters, today=today),
        today=today,
        offset=offset,
        limit=limit,
    )


def case_rows(cases: QuerySet[Case], *, today: dt.date, offset: int, limit: int) -> list[Case]:
    """Rows `offset` to `offset + limit` of `cases`, newest first, ready for a list: two queries
    whatever the number of cases. The page's ids are found first, on the cases table and its
    indexes alone; only those rows are then joined to their company, category and county and
    counted against their referrals. Counting referrals over the whole filtered set and sorting
    it afterwards cost as much as the province had cases (docs/performance.md)."""
    ids = list(
        cases.order_by("-created_at", "-pk").values_list("pk", flat=True)[offset : offset + limit]
    )
    if not ids:
        return []
    rows = with_referral_counts(
        Case.objects.filter(pk__in=ids).select_related("company", "category", "county"), today
    )
    order = {pk: index for index, pk in enumerate(ids)}
    return sorted(rows, key=lambda case: order[case.pk])


def cases_filtered(*, user: Any, filters: CaseFilters, today: dt.date) -> QuerySet[Case]:
    """The cases `user` may see that match `filters`, unordered and unannotated: what the list
    shows and the export streams."""
    cases = cases_for_user(user)
    if filters.statuses:
        cases = cases.filter(status__in=filters.statuses)
    if filters.open_only:
        cases = cases.filter(status__in=[s.value for s in OPEN])
    if filters.province:
        cases = cases.filter(province_id=filters.province)
    if filters.category:
        cases = cases.filter(category_id=filters.category)
    if filters.county:
        cases = cases.filter(county_id=filters.county)
    if filters.company:
        cases = cases.filter(company_id=filters.company)
    if filters.bucket in CASE_BUCKETS:
        cases = cases.filter(CASE_BUCKETS[filters.bucket])
    # The referrals the agency, overdue and referred filters look at: with an agency, its own
    # (its overdue count on the scorecard is of its referrals, not of another agency's).
    referrals = Referral.objects.filter(case=OuterRef("pk"))
    if filters.agency:
        referrals = referrals.filter(agency_id=filters.agency)
        cases = cases.filter(Exists(referrals))
    if filters.filed_from or filters.filed_to:
        cases = cases.filter(on_local_days("created_at", filters.filed_from, filters.filed_to))
    if filters.results_from:
        cases = cases.filter(results_on__gte=filters.results_from)
    if filters.results_to:
        cases = cases.filter(results_on__lte=filters.results_to)
    if filters.referred_from or filters.referred_to:
        sent = on_local_days("created_at", filters.referred_from, filters.referred_to)
        cases = cases.filter(Exists(referrals.filter(sent)))
    if filters.overdue:
        cases = cases.filter(Exists(referrals.filter(overdue_q(today))))
    if filters.q:
        key = search_key(filters.q)
        cases = cases.filter(
            Q(search_key__contains=key)
            | Q(company__search_key__contains=key)
            | Q(tracking=key.upper().replace("-", ""))
        )
    return cases


def _secretariat_q(user: Any) -> Q:
    """Cases the user handles as (provincial or county) secretariat."""
    parts = Q(pk__in=[])
    for scope in scopes_of(user):
        if scope.role == Role.SECRETARIAT:
            parts |= Q(province_id=scope.province_id)
        elif scope.role == Role.COUNTY_SECRETARIAT:
            parts |= Q(county_id=scope.county_id)
    return parts


def is_secretariat(user: Any) -> bool:
    return any(
        scope.role in (Role.SECRETARIAT, Role.COUNTY_SECRETARIAT) for scope in scopes_of(user)
    )


@dataclass
class Queues:
    new: list[Case]
    overdue: list[Referral]
    awaiting_company: list[Case]
    ready_for_meeting: list[Case]
    awaiting_confirmation: list[Case]


QUEUE_SIZE = 50


def secretariat_queues(*, user: Any, today: dt.date) -> Queues:
    """The secretariat's dashboard: new cases (oldest first), overdue referrals (most overdue
    first), cases waiting on the company, cases ready for a meeting, outcomes waiting for the
    company's confirmation."""
    mine = Case.objects.filter(_secretariat_q(user)).select_related("company", "category", "county")
    referrals = (
        Referral.objects.filter(overdue_q(today), case__in=mine.values("pk"))
        .select_related("case__company", "case__category", "agency")
        .order_by("due_on", "pk")
    )
    return Queues(
        new=list(
            mine.filter(status__in=[CaseStatus.SUBMITTED, CaseStatus.SCREENING]).order_by(
                "created_at", "pk"
            )[:QUEUE_SIZE]
        ),
        overdue=list(referrals[:QUEUE_SIZE]),
        awaiting_company=list(
            mine.filter(status=CaseStatus.RETURNED_FOR_INFO).order_by("paused_at")[:QUEUE_SIZE]
        ),
        ready_for_meeting=list(
            mine.filter(status=CaseStatus.ON_AGENDA).order_by("status_changed_at")[:QUEUE_SIZE]
        ),
        awaiting_confirmation=list(
            mine.filter(
                status__in=[
                    CaseStatus.RESOLVED,
                    CaseStatus.UNRESOLVED,
                    CaseStatus.ESCALATED_NATIONAL,
                ]
            ).order_by("confirm_until")[:QUEUE_SIZE]
        ),
    )


def agency_ids(user: Any) -> set[int]:
    return {
        scope.agency_id
        for scope in scopes_of(user)
        if scope.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD) and scope.agency_id
    }


def agency_inbox(*, user: Any, answered: bool = False) -> QuerySet[Referral]:
    """Referrals addressed to the user's agencies. Open ones by deadline, so the overdue come
    first; with `answered`, what the agency has already answered, newest first."""
    referrals = Referral.objects.filter(agency_id__in=agency_ids(user)).select_related(
        "case__company", "case__category", "case__county", "agency"
    )
    if answered:
        return referrals.filter(status=ReferralStatus.ANSWERED).order_by("-answered_at", "-pk")
    return referrals.filter(status=ReferralStatus.OPEN).order_by("due_on", "pk")


def amount_visible_ids(user: Any, cases: list[Case]) -> set[int]:
    """Of `cases`, those whose amount `user` may see. An amount is a financial detail (DOMAIN.md
    §2): the secretariat and the executive of the province, the company itself and the agencies
    the case was referred to see it; a county secretariat or an expert, who see the case, do
    not (as `registry.selectors.can_see_financials` for the company's own figures). One query at
    most, for agency staff."""
    visible: set[int] = set()
    for case in cases:
        for scope in scopes_of(user):
            if (
                scope.role in (Role.SECRETARIAT, Role.EXECUTIVE)
                and scope.province_id == case.province_id
            ) or (scope.role == Role.COMPANY_REP and scope.company_id == case.company_id):
                visible.add(case.pk)
    rest = [case.pk for case in cases if case.pk not in visible]
    agencies = agency_ids(user)
    if rest and agencies:
        visible.update(
            Referral.objects.filter(case_id__in=rest, agency_id__in=agencies).values_list(
                "case_id", flat=True
            )
        )
    return visible


def hide_amounts(user: Any, cases: list[Case], visible: set[int] | None = None) -> list[Case]:
    """Blank (in memory only) the amounts `user` may not see, the amount involved and the loan
    or facility approved, for serialisers that print every column they are given. `visible`
    is `amount_visible_ids`' answer when the caller already has it."""
    if visible is None:
        visible = amount_visible_ids(user, cases)
    for case in cases:
        if case.pk not in visible:
            case.amount = None
            case.approved_amount = None
    return cases


def hide_event_amounts(events: list[CaseEvent]) -> list[CaseEvent]:
    """Drop (in memory only) the approved amount from `results` events, for a reader who may not
    see the case's amounts: the event keeps it, as the case does."""
    for event in events:
        if event.kind == "results":
            event.data = {
                key: (
                    {k: v for k, v in value.items() if k != "approved_amount"}
                    if isinstance(value, dict)
                    else value
                )
                for key, value in event.data.items()
            }
    return events


def case_referrals(case: Case) -> list[Referral]:
    return list(
        case.referrals.select_related("agency", "answered_by", "created_by")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def case_timeline(case: Case) -> list[CaseEvent]:
    return list(
        case.events.select_related("actor", "referral__agency").order_by("created_at", "pk")
    )


def case_attachments(case: Case) -> list[Attachment]:
    return list(case.attachments.select_related("uploaded_by", "referral__agency"))


def attachment_get_for_user(*, user: Any, pk: int) -> Attachment:
    attachment = (
        Attachment.objects.select_related("case")
        .filter(pk=pk, case__in=cases_for_user(user).values("pk"))
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def allowed_moves(user: Any, case: Case) -> dict[str, Move]:
    """The moves the table allows this user on this case now, keyed by target status. The
    provide-information move is offered only towards the state the case came from."""
    kinds = actor_kinds(user, case)
    moves = {
        target: found for target, found in moves_from(case.status).items() if found.actors & kinds
    }
    if case.status == CaseStatus.RETURNED_FOR_INFO:
        moves = {
            target: found
            for target, found in moves.items()
            if found.action != "provide_info" or target == (case.returned_from or "screening")
        }
    return moves


def can_refer_more(user: Any, case: Case) -> bool:
    """Further agencies may be added while a case is referred."""
    return case.status == CaseStatus.REFERRED and "secretariat" in actor_kinds(user, case)


def can_attach(user: Any, case: Case) -> bool:
    return case.status not in FINAL and bool(
        actor_kinds(user, case) & {"secretariat", "expert", "company"}
    )


def referrals_user_can_answer(user: Any, case: Case, referrals: list[Referral]) -> set[int]:
    if case.status == CaseStatus.RETURNED_FOR_INFO:
        return set()
    return {
        r.pk
        for r in referrals
        if r.status == ReferralStatus.OPEN and can_act_for_agency(user, r.agency_id)
    }


def possible_duplicates(
    *, company_id: int, title: str, province_id: int, exclude_pk: int | None = None
) -> list[Case]:
    """Open cases that may be the same problem: every open case of the same company, and open
    cases in the province whose title shares a word (on the search key) with this one."""
    words = sorted({w for w in search_key(title).split() if len(w) >= 4}, key=len, reverse=True)[:4]
    similar = Q(company_id=company_id)
    for word in words:
        similar |= Q(search_key__contains=word)
    candidates = (
        Case.objects.filter(similar, province_id=province_id)
        .exclude(status__in=[s.value for s in FINAL])
        .select_related("company", "category")
        .order_by("-created_at")
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    found = list(candidates[:20])
    title_words = set(words)

    def score(case: Case) -> tuple[int, int]:
        shared = len(title_words & set(case.search_key.split()))
        return (int(case.company_id == company_id), shared)

    return sorted(found, key=score, reverse=True)[:10]
