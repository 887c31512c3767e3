"""Permission-scoped reads of meetings and resolutions, the agenda builder's proposals and the
follow-up figures. Every page and API endpoint starts here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from tashil.accounts.access import has_role, scopes_of, visible_q
from tashil.accounts.roles import Role
from tashil.agencies.models import Agency
from tashil.cases.models import Case
from tashil.cases.selectors import on_local_days
from tashil.cases.workflow import CaseStatus
from tashil.core.text import compact_key, search_key
from tashil.meetings.models import (
    AgendaItem,
    Attendance,
    Body,
    Meeting,
    ProgressReport,
    Resolution,
    ResolutionAgency,
)
from tashil.meetings.services import manages_body, resolution_actor_kinds
from tashil.meetings.workflow import (
    FOLLOW_UP,
    ISSUED,
    WITH_AGENCY,
    MeetingKind,
    MeetingStatus,
    Move,
    ResolutionState,
    moves_from,
)

R = ResolutionState

# --- Bodies and meetings -----------------------------------------------------------------------


def bodies_for_user(user: Any) -> QuerySet[Body]:
    """The bodies whose meetings the user may see."""
    q = visible_q(user, province="province_id", county="county_id", agency="members__id")
    return Body.objects.filter(pk__in=Body.objects.filter(q).values("pk")).order_by(
        "kind", "name", "pk"
    )


def bodies_managed_by(user: Any) -> list[Body]:
    """The bodies the user runs meetings for (secretariat)."""
    q = Q(pk__in=[])
    for scope in scopes_of(user):
        if scope.role == Role.SECRETARIAT:
            q |= Q(province_id=scope.province_id)
        elif scope.role == Role.COUNTY_SECRETARIAT:
            q |= Q(kind=MeetingKind.COUNTY, county_id=scope.county_id)
    return list(
        Body.objects.filter(q, is_active=True)
        .select_related("county", "category")
        .order_by("kind", "name", "pk")
    )


def meetings_for_user(user: Any) -> QuerySet[Meeting]:
    """The secretariat and the executive see their province's meetings, a county secretariat
    its county HQ's, agency staff the meetings of the bodies their agency sits on."""
    q = visible_q(
        user,
        province="body__province_id",
        county="body__county_id",
        agency="body__members__id",
    )
    return Meeting.objects.filter(pk__in=Meeting.objects.filter(q).values("pk")).select_related(
        "body"
    )


def _count_of(model: type[AgendaItem] | type[Resolution]) -> Coalesce:
    """The number of the meeting's rows of `model`, as a subquery of a meeting queryset."""
    rows = (
        model.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def meeting_get_for_user(user: Any, pk: int) -> Meeting:
    try:
        return meetings_for_user(user).get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def meeting_list(
    user: Any,
    *,
    body: Body | None = None,
    status: str = "",
    province: int | None = None,
    kind: str = "",
    county: int | None = None,
    held_from: dt.date | None = None,
    held_to: dt.date | None = None,
) -> QuerySet[Meeting]:
    """The user's meetings, filtered: `kind` and `county` are the body's, `held_from` and
    `held_to` local days of `starts_at` (as the figures count sessions held)."""
    # Counted per meeting by correlated subqueries: with a page's LIMIT the database counts the
    # rows of the page's meetings only, where COUNT(DISTINCT) over the two joins multiplied
    # every meeting's items by its resolutions before sorting them all.
    meetings = meetings_for_user(user).annotate(
        item_count=_count_of(AgendaItem),
        resolution_count=_count_of(Resolution),
    )
    if body is not None:
        meetings = meetings.filter(body=body)
    if status:
        meetings = meetings.filter(status=status)
    if province:
        meetings = meetings.filter(body__province_id=province)
    if kind:
        meetings = meetings.filter(body__kind=kind)
    if county:
        meetings = meetings.filter(body__county_id=county)
    if held_from or held_to:
        meetings = meetings.filter(on_local_days("starts_at", held_from, held_to))
    return meetings.order_by("-starts_at", "-pk")


def meeting_for_page(user: Any, pk: int) -> Meeting:
    """The meeting with everything its page and its minutes show, in a fixed number of
    queries."""
    meeting = meeting_get_for_user(user, pk)
    resolutions = (
        Resolution.objects.select_related("meeting")
        .prefetch_related(
            Prefetch("addressees", queryset=ResolutionAgency.objects.select_related("agency"))
        )
        .order_by("number")
    )
    items = (
        AgendaItem.objects.select_related("case__company", "case__category", "resolution__meeting")
        .prefetch_related(Prefetch("resolutions", queryset=resolutions))
        .order_by("position", "pk")
    )
    return (
        Meeting.objects.select_related("body")
        .prefetch_related(
            Prefetch("items", queryset=items),
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("agency").order_by("agency__name"),
            ),
        )
        .get(pk=meeting.pk)
    )


def agenda_version(meeting: Meeting) -> int:
    """Rises with every change of the meeting (each writes a MeetingEvent). The page stamps it
    on what it shows, so an answer overtaken by a newer one is not swapped in over it."""
    from tashil.meetings.models import MeetingEvent

    latest = MeetingEvent.objects.filter(meeting=meeting).order_by("-pk").values_list("pk")[:1]
    return next(iter(latest), (0,))[0]


def next_open_meeting(*, body: Body, exclude: Meeting | None = None) -> Meeting | None:
    """The body's next planned session, where work that comes back rolls to. A session whose
    time has passed has been held (its minutes are being written): too late to add to."""
    sessions = Meeting.objects.filter(
        body=body, status=MeetingStatus.PLANNED, starts_at__gte=timezone.now()
    )
    if exclude is not None:
        sessions = sessions.exclude(pk=exclude.pk)
    return sessions.order_by("starts_at", "pk").first()


def can_manage(user: Any, meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.PLANNED and manages_body(user, meeting.body)


# --- The agenda builder ------------------------------------------------------------------------


def _not_on_an_open_agenda(field: str) -> Q:
    """Not already an item of a planned session (`field` is "case" or "resolution"). Nulls
    are left out of the subquery: `NOT IN` a list holding NULL matches nothing."""
    on_agenda = AgendaItem.objects.filter(
        meeting__status=MeetingStatus.PLANNED, **{f"{field}__isnull": False}
    ).values(field)
    return ~Q(pk__in=on_agenda)


def rolling_resolutions(*, body: Body, today: dt.date) -> list[tuple[Resolution, str]]:
    """The body's resolutions that come back by themselves: objected to, or overdue with the
    agency; those already on an open agenda are left where they are. Objections first (the
    meeting must decide whether the resolution binds), then the longest overdue."""
    mine = Resolution.objects.filter(meeting__body=body).filter(
        _not_on_an_open_agenda("resolution")
    )
    objected = mine.filter(state=R.OBJECTED).select_related("meeting").order_by("state_changed_at")
    overdue = (
        mine.filter(resolution_overdue_q(today)).select_related("meeting").order_by("deadline")
    )
    return [(r, "objected") for r in objected] + [(r, "overdue") for r in overdue]


def proposed_cases(*, meeting: Meeting) -> QuerySet[Case]:
    """Cases ready for this body and on no open agenda yet, longest waiting first: the
    provincial HQ takes the province's cases put on the agenda, a county HQ its county's, a
    working group its category's cases sent to working groups or to the agenda."""
    body = meeting.body
    cases = Case.objects.filter(province_id=body.province_id).filter(_not_on_an_open_agenda("case"))
    if body.kind == MeetingKind.COUNTY:
        cases = cases.filter(Q(county_id=body.county_id), status=CaseStatus.ON_AGENDA)
    elif body.kind == MeetingKind.WORKING_GROUP:
        cases = cases.filter(
            Q(category_id=body.category_id),
            status__in=[CaseStatus.WORKING_GROUP, CaseStatus.ON_AGENDA],
        )
    else:
        cases = cases.filter(status=CaseStatus.ON_AGENDA)
    return cases.select_related("company", "category", "county").order_by("status_changed_at", "pk")


def proposed_resolutions(*, meeting: Meeting, today: dt.date) -> list[tuple[Resolution, str]]:
    return [
        (resolution, why)
        for resolution, why in rolling_resolutions(body=meeting.body, today=today)
        if resolution.meeting_id != meeting.pk
    ]


def cases_to_add(*, meeting: Meeting, text: str = "") -> QuerySet[Case]:
    """Any case of the body's scope that the case workflow lets the secretariat put on the
    agenda (a search box beside the proposals)."""
    from tashil.cases.workflow import TRANSITIONS

    can_go = [source for source, targets in TRANSITIONS.items() if CaseStatus.ON_AGENDA in targets]
    body = meeting.body
    cases = Case.objects.filter(
        province_id=body.province_id, status__in=[*can_go, CaseStatus.ON_AGENDA]
    ).filter(_not_on_an_open_agenda("case"))
    if body.kind == MeetingKind.COUNTY:
        cases = cases.filter(Q(county_id=body.county_id))
    elif body.kind == MeetingKind.WORKING_GROUP:
        cases = cases.filter(Q(category_id=body.category_id))
    if text.strip():
        key = search_key(text)
        compact = key.replace("-", "").upper()
        cases = cases.filter(Q(search_key__contains=key) | Q(tracking=compact[:8]))
    return cases.select_related("company", "category").order_by("status_changed_at", "pk")


# --- Resolutions -------------------------------------------------------------------------------


def resolution_overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Past its deadline and still with the agency. The same rule as
    `Resolution.is_overdue`."""
    return Q(**{f"{prefix}state__in": sorted(WITH_AGENCY), f"{prefix}deadline__lt": today})


def _visible_resolutions(user: Any) -> Q:
    return visible_q(
        user,
        province="province_id",
        county="county_id",
        agency="addressees__agency_id",
        company="case__company_id",
        assignee="case__assignee_id",
    )


def resolutions_for_user(user: Any) -> QuerySet[Resolution]:
    """The secretariat and the executive see their province's resolutions, a county
    secretariat its county's, agency staff those addressed to their agency, a company the
    ones on its cases, an expert the ones on cases assigned to them. Drafts are seen only by
    those who see the meeting being held."""
    visible = _visible_resolutions(user)
    drafts_hidden = ~Q(state=R.DRAFT) | Q(meeting__in=meetings_for_user(user).values("pk"))
    if has_role(user, Role.AGENCY_OFFICER, Role.AGENCY_HEAD):
        # The agency path is the one that joins many rows per resolution (its addressees): a
        # subquery keeps one row each.
        rows = Resolution.objects.filter(pk__in=Resolution.objects.filter(visible).values("pk"))
    else:
        # The other paths (province, county, the case's company or expert) are single-valued:
        # filtered directly, so that the planner reads the province's rows by its index rather
        # than every province's resolutions to match them against a subquery.
        rows = Resolution.objects.filter(visible)
    return rows.filter(drafts_hidden)


def resolution_get_for_user(user: Any, pk: int) -> Resolution:
    try:
        return (
            resolutions_for_user(user)
            .select_related("meeting__body", "case__company", "item")
            .prefetch_related(
                Prefetch("addressees", queryset=ResolutionAgency.objects.select_related("agency"))
            )
            .get(pk=pk)
        )
    except Resolution.DoesNotExist:
        raise Http404 from None


def case_resolutions(user: Any, case: Case) -> QuerySet[Resolution]:
    """The issued resolutions on a case that the user may see, for the case page."""
    return (
        resolutions_for_user(user)
        .filter(case=case, state__in=sorted(ISSUED))
        .select_related("meeting")
        .prefetch_related(
            Prefetch("addressees", queryset=ResolutionAgency.objects.select_related("agency"))
        )
        .order_by("meeting__starts_at", "number")
    )


@dataclass
class ResolutionFilters:
    """The register's filters. `bucket` is Qazvin's reporting split: executed, in follow-up,
    not executed."""

    agency: int | None = None
    meeting: int | None = None
    body: int | None = None
    state: str = ""
    bucket: str = ""
    overdue: bool = False
    national: bool = False
    text: str = ""
    case: int | None = None
    province: int | None = None
    county: int | None = None
    # Local days of the session that issued it (as the figures count resolutions issued).
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None


BUCKETS: dict[str, Q] = {
    "executed": Q(state=R.EXECUTED),
    "follow_up": Q(state__in=sorted(FOLLOW_UP)),
    "not_executed": Q(state=R.NOT_EXECUTED),
}


def resolution_list(
    user: Any, filters: ResolutionFilters, *, today: dt.date | None = None
) -> QuerySet[Resolution]:
    """The follow-up register: issued resolutions the user may see, oldest deadline first."""
    today = today or timezone.localdate()
    rows = resolutions_for_user(user).filter(state__in=sorted(ISSUED))
    if filters.agency:
        rows = rows.filter(addressees__agency_id=filters.agency)
    if filters.meeting:
        rows = rows.filter(meeting_id=filters.meeting)
    if filters.body:
        rows = rows.filter(meeting__body_id=filters.body)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.bucket in BUCKETS:
        rows = rows.filter(BUCKETS[filters.bucket])
    if filters.overdue:
        rows = rows.filter(resolution_overdue_q(today))
    if filters.national:
        rows = rows.filter(escalated_national_at__isnull=False)
    if filters.case:
        rows = rows.filter(case_id=filters.case)
    if filters.province:
        rows = rows.filter(province_id=filters.province)
    if filters.county:
        rows = rows.filter(county_id=filters.county)
    if filters.issued_from or filters.issued_to:
        rows = rows.filter(
            on_local_days("meeting__starts_at", filters.issued_from, filters.issued_to)
        )
    if filters.text.strip():
        rows = rows.filter(search_key__contains=compact_key(filters.text))
    return (
        rows.select_related("meeting__body", "case")
        .prefetch_related(
            Prefetch("addressees", queryset=ResolutionAgency.objects.select_related("agency"))
        )
        .order_by("deadline", "meeting__number", "number", "pk")
    )


def allowed_resolution_moves(user: Any, resolution: Resolution) -> dict[str, Move]:
    """The moves the table allows this user on this resolution now, keyed by target state.
    Issuing is the meeting's close, never a button; an objection only within the window."""
    kinds = resolution_actor_kinds(user, resolution)
    moves = {
        target: found
        for target, found in moves_from(resolution.state).items()
        if found.actors & kinds and found.action != "issue"
    }
    today = timezone.localdate()
    if resolution.objection_until is not None and today > resolution.objection_until:
        moves.pop(R.OBJECTED, None)
    return moves


def can_report_progress(user: Any, resolution: Resolution) -> bool:
    return resolution.state in (R.NOTIFIED, R.IN_PROGRESS, R.REPORTED) and bool(
        resolution_actor_kinds(user, resolution) & {"agency"}
    )


def can_escalate_national(user: Any, resolution: Resolution) -> bool:
    return (
        resolution.state != R.DRAFT
        and resolution.escalated_national_at is None
        and "secretariat" in resolution_actor_kinds(user, resolution)
    )


def resolution_reports(resolution: Resolution) -> QuerySet[ProgressReport]:
    return (
        resolution.reports.select_related("agency", "author")
        .prefetch_related("files")
        .order_by("created_at", "pk")
    )


# --- Follow-up by agency -----------------------------------------------------------------------


@dataclass
class AgencyFigures:
    agency: Agency
    total: int
    executed: int
    follow_up: int
    not_executed: int
    overdue: int

    @property
    def executed_share(self) -> int | None:
        """Executed, as a whole percentage of the resolutions decided or pending (withdrawn
        ones do not count)."""
        counted = self.executed + self.follow_up + self.not_executed
        return round(100 * self.executed / counted) if counted else None


def agency_figures(user: Any, *, today: dt.date | None = None) -> list[AgencyFigures]:
    """Per agency: resolutions issued to it, executed, in follow-up, not executed, overdue.
    Counted from the same rows the register lists, so every figure can be clicked through."""
    today = today or timezone.localdate()
    visible = resolutions_for_user(user).filter(state__in=sorted(ISSUED)).values("pk")
    # filter() before annotate(): the counts run over the same join, so only visible, issued
    # resolutions are counted.
    prefix = "resolutions__"
    agencies = Agency.objects.all()
    if not has_role(user, Role.SECRETARIAT, Role.COUNTY_SECRETARIAT, Role.EXECUTIVE):
        # Agency staff see their own agency's row, not partial rows of agencies they share a
        # resolution with.
        agencies = agencies.filter(
            pk__in=[scope.agency_id for scope in scopes_of(user) if scope.agency_id]
        )
    rows = (
        agencies.filter(resolutions__in=visible)
        .annotate(
            total=Count(f"{prefix}pk", distinct=True),
            executed=Count(
                f"{prefix}pk", filter=Q(**{f"{prefix}state": R.EXECUTED}), distinct=True
            ),
            follow_up=Count(
                f"{prefix}pk",
                filter=Q(**{f"{prefix}state__in": sorted(FOLLOW_UP)}),
                distinct=True,
            ),
            not_executed=Count(
                f"{prefix}pk", filter=Q(**{f"{prefix}state": R.NOT_EXECUTED}), distinct=True
            ),
            overdue=Count(f"{prefix}pk", filter=resolution_overdue_q(today, prefix), distinct=True),
        )
        .order_by("-overdue", "-follow_up", "name")
    )
    return [
        AgencyFigures(
            agency=agency,
            total=agency.total,
            executed=agency.executed,
            follow_up=agency.follow_up,
            not_executed=agency.not_executed,
            overdue=agency.overdue,
        )
        for agency in rows
    ]


def agency_resolutions(user: Any, *, today: dt.date | None = None) -> QuerySet[Resolution]:
    """An agency officer's or head's resolutions still in follow-up, by deadline: those waiting
    on the agency and those waiting on the secretariat or the next meeting (objected,
    reported); the inbox page splits them."""
    agencies = [
        scope.agency_id
        for scope in scopes_of(user)
        if scope.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD)
    ]
    return (
        resolution_list(user, ResolutionFilters(), today=today)
        .filter(addressees__agency_id__in=agencies, state__in=sorted(FOLLOW_UP))
        .distinct()
    )


def resolution_totals(user: Any, *, today: dt.date | None = None) -> dict[str, int]:
    """Qazvin's headline: issued, executed, in follow-up, not executed, overdue."""
    today = today or timezone.localdate()
    rows = resolutions_for_user(user).filter(state__in=sorted(ISSUED))
    # `resolutions_for_user` joins nothing that repeats a resolution: plain counts, one pass
    # over the rows, where COUNT(DISTINCT) would sort them once per figure.
    return rows.aggregate(
        total=Count("pk"),
        executed=Count("pk", filter=BUCKETS["executed"]),
        follow_up=Count("pk", filter=BUCKETS["follow_up"]),
        not_executed=Count("pk", filter=BUCKETS["not_executed"]),
        overdue=Count("pk", filter=resolution_overdue_q(today)),
    )
