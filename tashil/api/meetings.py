"""HQ meetings and their resolutions over HTTP (DOMAIN.md §5): the bodies, sessions and their
agendas, attendance, draft resolutions, closing; then the resolutions' follow-up, the moves of
their lifecycle and the agencies' progress reports.

Every read goes through `tashil.meetings.selectors`, so a user sees over the API exactly what
they see on the pages; every write goes through `tashil.meetings.services`, which checks the
lifecycle table and who acts.

A meeting or resolution the user may not see answers 404, exactly like one that does not
exist. A user who sees it but may not change it (the executive, a member agency changing the
agenda, the secretariat objecting for an agency) gets 403. A change a rule refuses is a 400 with
the code `meeting_rule` (the rule's own code — `deadline`, `postponed`, `already_on_agenda`,
`invalid_transition`, `reason_required`, `window_passed`… — is under `errors["__all__"]`), or a
409 when the meeting's minutes are already closed (`closed`) or someone changed the same thing
a moment before (`conflict`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from tashil.accounts.models import User
from tashil.agencies.models import Agency
from tashil.api import meeting_schemas as schemas
from tashil.api.auth import acting_user
from tashil.api.errors import ApiError, ErrorCode
from tashil.api.paging import page
from tashil.api.schemas import MAX_ID, ErrorOut
from tashil.cases import selectors as case_selectors
from tashil.cases.services import CaseError
from tashil.cases.tracking import normalise_tracking
from tashil.core.selectors import work_calendar
from tashil.meetings import selectors, services
from tashil.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Body,
    Meeting,
    ProgressReport,
    Resolution,
    ResolutionAgency,
)
from tashil.meetings.workflow import MeetingStatus

router = Router(tags=["meetings"])
resolutions_router = Router(tags=["resolutions"])

# The error code of a refused change. The cases API named it; the meetings' rules answer with
# the same code, so a client has one branch for "a rule refused it, see errors.__all__".
RULE = ErrorCode.MEETING_RULE
# Rule codes that say the meeting or resolution is no longer in the state the client saw.
CONFLICTS = frozenset({"closed", "conflict"})


def _errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(statuses, ErrorOut)


def _rule_error(status: int, code: str, message: str) -> ApiError:
    errors = {"__all__": [{"code": code, "message": message}]}
    if code == "not_allowed":
        return ApiError(403, ErrorCode.PERMISSION_DENIED, message, errors)
    return ApiError(status, RULE, message, errors)


@contextmanager
def _rules() -> Iterator[None]:
    """A service's MeetingError (or the CaseError of a case it moves) as an API error:
    `not_allowed` is about who asks (403), `closed` and `conflict` about a state that changed
    (409), the other codes about the input or the state (400)."""
    try:
        yield
    except (services.MeetingError, CaseError) as exc:
        code = exc.code or "invalid"
        message = " ".join(str(m) for m in exc.messages)
        raise _rule_error(409 if code in CONFLICTS else 400, code, message) from exc


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_id(value: int) -> None:
    if not 1 <= value <= MAX_ID:
        raise Http404


# --- Reads -------------------------------------------------------------------------------------


def _meeting(user: User, meeting_id: int) -> Meeting:
    _check_id(meeting_id)
    return selectors.meeting_get_for_user(user, meeting_id)


def _check_manages(user: User, meeting: Meeting) -> None:
    """Only the body's secretariat changes a meeting; the others who see it (the executive,
    the member agencies) only read it."""
    if not services.manages_body(user, meeting.body):
        raise ApiError(
            403, ErrorCode.PERMISSION_DENIED, _("Only the body's secretariat may do this.")
        )


@dataclass
class _MeetingView:
    """A meeting with its agenda, attendance and resolutions as lists, and what the caller may
    do. Other attributes are the meeting's, so the schema reads both alike."""

    meeting: Meeting
    can_manage: bool
    items: list[AgendaItem]
    attendance: list[Attendance]
    resolutions: list[Resolution]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.meeting, name)


def _meeting_detail(user: User, meeting_id: int) -> _MeetingView:
    meeting = selectors.meeting_for_page(user, meeting_id)
    items = list(meeting.items.all())
    resolutions = []
    for item in items:
        for resolution in item.resolutions.all():
            # Its code reads the session number: the meeting is the one in hand.
            resolution.meeting = meeting
            resolutions.append(resolution)
    return _MeetingView(
        meeting=meeting,
        can_manage=selectors.can_manage(user, meeting),
        items=items,
        attendance=list(meeting.attendance.all()),
        resolutions=sorted(resolutions, key=lambda r: r.number),
    )


def _agenda_item(view: _MeetingView, item_id: int) -> AgendaItem:
    return next(item for item in view.items if item.pk == item_id)


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    """An item of the meeting (which the user sees), or 404."""
    _check_id(item_id)
    item = (
        AgendaItem.objects.filter(meeting=meeting, pk=item_id)
        .select_related("meeting__body", "case", "resolution")
        .first()
    )
    if item is None:
        raise Http404
    return item


def _resolution(user: User, resolution_id: int) -> Resolution:
    _check_id(resolution_id)
    return selectors.resolution_get_for_user(user, resolution_id)


@dataclass
class _ResolutionView:
    resolution: Resolution
    allowed_moves: list[dict[str, Any]]
    can_report: bool
    reports: list[ProgressReport]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.resolution, name)


def _resolution_detail(user: User, resolution_id: int) -> _ResolutionView:
    resolution = _resolution(user, resolution_id)
    moves = selectors.allowed_resolution_moves(user, resolution)
    return _ResolutionView(
        resolution=resolution,
        allowed_moves=[
            {"to": to, "action": found.action, "reason_required": found.reason_required}
            for to, found in moves.items()
        ],
        can_report=selectors.can_report_progress(user, resolution),
        reports=list(selectors.resolution_reports(resolution)),
    )


def _agencies(meeting: Meeting, ids: list[int], field: str) -> list[Agency]:
    """The active agencies of the meeting's province with these ids, in the same order; an
    unknown id is an error of its own place in the list (`field` names it, e.g.
    "rows.{}.agency")."""
    found = Agency.objects.filter(
        pk__in=ids, province_id=meeting.body.province_id, is_active=True
    ).in_bulk()
    errors: dict[str, ValidationError] = {}
    seen: set[int] = set()
    for index, pk in enumerate(ids):
        if pk not in found:
            errors[field.format(index)] = ValidationError(
                _("No agency of this province has this id."), code="unknown_agency"
            )
        elif pk in seen:
            errors[field.format(index)] = ValidationError(
                _("This agency is given twice."), code="duplicate"
            )
        seen.add(pk)
    if errors:
        raise ValidationError(errors)
    return [found[pk] for pk in ids]


# --- Bodies ------------------------------------------------------------------------------------


@dataclass
class _BodyView:
    body: Body
    next_session_on: dt.date
    can_plan: bool

    def __getattr__(self, name: str) -> Any:
        return getattr(self.body, name)


@router.get(
    "/bodies",
    response={200: list[schemas.BodyOut], **_errors(401, 403)},
    operation_id="body_list",
    url_name="body_list",
    summary="The bodies whose meetings you may see, with the proposed date of the next session",
    description=(
        "The provincial HQ, its specialist working groups and the county HQs: the secretariat "
        "and the executive see their province's, a county secretariat its county HQ, agency "
        "staff the bodies their agency sits on. `next_session_on` is the body's regular "
        "weekday after today and after its last session, moved past holidays."
    ),
)
def body_list(request: HttpRequest) -> Any:
    user = acting_user(request)
    bodies = (
        selectors.bodies_for_user(user)
        .select_related("county", "category")
        .prefetch_related("members")
        .annotate(
            last_session=Max(
                "meetings__starts_at", filter=~Q(meetings__status=MeetingStatus.CANCELLED)
            )
        )
    )
    today = timezone.localdate()
    # The date depends only on the weekday and the day after which to look: computed once per
    # pair, with one calendar, so the holidays are read once however many bodies there are.
    calendar = work_calendar()
    dates: dict[tuple[int, dt.date], dt.date] = {}
    views = []
    for body in bodies:
        after = max(today, timezone.localdate(body.last_session)) if body.last_session else today
        key = (body.weekday, after)
        if key not in dates:
            dates[key] = services.next_session_date(body, after=after, calendar=calendar)
        views.append(
            _BodyView(
                body=body,
                next_session_on=dates[key],
                can_plan=body.is_active and services.manages_body(user, body),
            )
        )
    return views


# --- Meetings ----------------------------------------------------------------------------------


@router.get(
    "/meetings",
    response={200: schemas.MeetingPage, **_errors(401, 422)},
    operation_id="meeting_list",
    url_name="meeting_list",
    summary="List the meetings you may see",
    description=(
        "Newest first. The secretariat and the executive see their province's sessions, a "
        "county secretariat its county HQ's, agency staff those of the bodies their agency "
        "sits on. Pages are read with `limit` and `offset`; `next_offset` is null on the last "
        "page."
    ),
)
def meeting_list(request: HttpRequest, filters: Query[schemas.MeetingFiltersIn]) -> Any:
    qs = selectors.meeting_list(acting_user(request), status=filters.status or "")
    if filters.body is not None:
        qs = qs.filter(body_id=filters.body)
    return page(qs, offset=filters.offset, limit=filters.limit)


@router.get(
    "/meetings/{meeting_id}",
    response={200: schemas.MeetingDetail, **_errors(401, 404)},
    operation_id="meeting_get",
    url_name="meeting_detail",
    summary="One meeting with its agenda, attendance and resolutions",
)
def meeting_get(request: HttpRequest, meeting_id: int) -> Any:
    _check_id(meeting_id)
    return _meeting_detail(acting_user(request), meeting_id)


@router.post(
    "/meetings",
    response={201: schemas.MeetingDetail, **_errors(400, 401, 403, 422)},
    operation_id="meeting_create",
    url_name="meeting_create",
    summary="Plan the next session of a body (its secretariat)",
    description=(
        "The session gets the body's next number. Its resolutions that are objected to or "
        "overdue are put on the agenda by themselves; ready cases are proposed "
        "(`GET /meetings/{meeting_id}/proposals`) for the secretariat to pick. `starts_at` "
        "must carry its UTC offset."
    ),
)
def meeting_create(request: HttpRequest, payload: schemas.MeetingCreateIn) -> Any:
    user = acting_user(request)
    body = selectors.bodies_for_user(user).filter(pk=payload.body).first()
    if body is None:
        raise _field_error("body", _("No body you can see has this id."), "unknown_body")
    with _rules():
        meeting = services.meeting_create(
            actor=user,
            body=body,
            starts_at=payload.starts_at,
            place=payload.place,
            chair=payload.chair,
        )
    return Status(201, _meeting_detail(user, meeting.pk))


@router.post(
    "/meetings/{meeting_id}/close",
    response={200: schemas.MeetingDetail, **_errors(400, 401, 403, 404, 409)},
    operation_id="meeting_close",
    url_name="meeting_close",
    summary="Close the minutes and issue the resolutions (the body's secretariat)",
    description=(
        "Needs the attendance recorded. Each draft resolution is issued (`notified`) to its "
        "agencies and their objection window starts; the cases discussed move on, a postponed "
        "case stays ready for the next session. Nothing of the meeting changes afterwards."
    ),
)
def meeting_close(request: HttpRequest, meeting_id: int) -> Any:
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    _check_manages(user, meeting)
    with _rules():
        services.meeting_close(actor=user, meeting=meeting)
    return _meeting_detail(user, meeting_id)


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: schemas.MeetingDetail, **_errors(400, 401, 403, 404, 409, 422)},
    operation_id="meeting_cancel",
    url_name="meeting_cancel",
    summary="Call a planned session off (the body's secretariat)",
    description=(
        "Its draft resolutions are deleted; its cases and resolutions stay ready and are "
        "proposed for the next session."
    ),
)
def meeting_cancel(request: HttpRequest, meeting_id: int, payload: schemas.CancelIn) -> Any:
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    _check_manages(user, meeting)
    with _rules():
        services.meeting_cancel(actor=user, meeting=meeting, reason=payload.reason)
    return _meeting_detail(user, meeting_id)


# --- The agenda --------------------------------------------------------------------------------


@router.get(
    "/meetings/{meeting_id}/proposals",
    response={200: schemas.ProposalsOut, **_errors(401, 403, 404, 409)},
    operation_id="meeting_proposals",
    url_name="meeting_proposals",
    summary="What the agenda builder proposes for a planned session (its secretariat)",
    description=(
        "The cases ready for this body and the resolutions that roll back by themselves, none "
        "of them on an open agenda yet. Add them with `POST /meetings/{meeting_id}/items`."
    ),
)
def meeting_proposals(request: HttpRequest, meeting_id: int) -> Any:
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    _check_manages(user, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise _rule_error(
            409, "closed", _("The minutes of this meeting are closed and cannot be changed.")
        )
    rolling = selectors.proposed_resolutions(meeting=meeting, today=timezone.localdate())
    prefetch_related_objects(
        [resolution for resolution, _why in rolling],
        Prefetch("addressees", queryset=ResolutionAgency.objects.select_related("agency")),
        "meeting__body",
    )
    return {
        "cases": list(selectors.proposed_cases(meeting=meeting)),
        "resolutions": [
            {"resolution": resolution, "meeting": resolution.meeting, "why": why}
            for resolution, why in rolling
        ],
    }


def _case_to_add(user: User, tracking: str | None) -> Any:
    if not tracking:
        raise _field_error("case", _("Give the case's tracking number."), "required")
    normalised = normalise_tracking(tracking)
    case = (
        case_selectors.cases_for_user(user).filter(tracking=normalised).first()
        if normalised
        else None
    )
    if case is None:
        raise _field_error(
            "case", _("No case you can see has this tracking number."), "unknown_case"
        )
    return case


@router.post(
    "/meetings/{meeting_id}/items",
    response={201: schemas.AgendaItemOut, **_errors(400, 401, 403, 404, 409, 422)},
    operation_id="meeting_item_add",
    url_name="meeting_item_add",
    summary="Add an item to the agenda of a planned session (the body's secretariat)",
    description=(
        "`case` with the case's tracking number (a case not yet `on_agenda` is moved there "
        "if its workflow allows), `resolution` with the id of an issued resolution still in "
        "follow-up, or `topic` with a `title`. The item goes to the end of the agenda."
    ),
)
def meeting_item_add(request: HttpRequest, meeting_id: int, payload: schemas.ItemAddIn) -> Any:
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    _check_manages(user, meeting)
    if payload.kind == AgendaItemKind.CASE:
        case = _case_to_add(user, payload.case)
        with _rules():
            item = services.agenda_add_case(actor=user, meeting=meeting, case=case)
    elif payload.kind == AgendaItemKind.RESOLUTION:
        if payload.resolution is None:
            raise _field_error("resolution", _("Give the resolution's id."), "required")
        resolution = selectors.resolutions_for_user(user).filter(pk=payload.resolution).first()
        if resolution is None:
            raise _field_error(
                "resolution", _("No resolution you can see has this id."), "unknown_resolution"
            )
        with _rules():
            item = services.agenda_add_resolution(
                actor=user, meeting=meeting, resolution=resolution
            )
    else:
        if not payload.title:
            raise _field_error("title", _("Write the topic."), "required")
        with _rules():
            item = services.agenda_add_topic(actor=user, meeting=meeting, title=payload.title)
    return Status(201, _agenda_item(_meeting_detail(user, meeting_id), item.pk))


# Registered before `/items/{item_id}`, whose pattern would otherwise take "order".
@router.put(
    "/meetings/{meeting_id}/items/order",
    response={200: list[schemas.AgendaItemOut], **_errors(400, 401, 403, 404, 409, 422)},
    operation_id="meeting_items_order",
    url_name="meeting_items_order",
    summary="Set the order of the agenda (the body's secretariat)",
    description=(
        "`items` names every item of the agenda once, in the new order; if the agenda "
        "changed meanwhile the request is refused with `conflict` (409). Answers the agenda."
    ),
)
def meeting_items_order(request: HttpRequest, meeting_id: int, payload: schemas.ItemOrderIn) -> Any:
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    _check_manages(user, meeting)
    with _rules():
        services.agenda_reorder(actor=user, meeting=meeting, item_ids=payload.items)
    return _meeting_detail(user, meeting_id).items


@router.patch(
    "/meetings/{meeting_id}/items/{item_id}",
    response={200: schemas.AgendaItemOut, **_errors(400, 401, 403, 404, 409, 422)},
    operation_id="meeting_item_update",
    url_name="meeting_item_update",
    summary="Record an item's discussion notes, or postpone it (the body's secretariat)",
    description=(
        "Send only what changes. A postponed case stays ready for a later session; an item "
        "with resolutions cannot be postponed."
    ),
)
def meeting_item_update(
    request: HttpRequest, meeting_id: int, item_id: int, payload: schemas.ItemRecordIn
) -> Any:
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    _check_manages(user, meeting)
    item = _item(meeting, item_id)
    changes = payload.model_dump(exclude_unset=True)
    with _rules():
        services.item_record(
            actor=user,
            item=item,
            notes=changes.get("notes", item.notes),
            postponed=changes.get("postponed", item.postponed),
        )
    return _agenda_item(_meeting_detail(user, meeting_id), item_id)


@router.delete(
    "/meetings/{meeting_id}/items/{item_id}",
    response={200: list[schemas.AgendaItemOut], **_errors(400, 401, 403, 404, 409)},
    operation_id="meeting_item_remove",
    url_name="meeting_item_remove",
    summary="Take an item off the agenda (the body's secretariat)",
    description=(
        "A case stays ready for a later session. An item with draft resolutions is kept until "
        "they are deleted. Answers the agenda that remains, renumbered."
    ),
)
def meeting_item_remove(request: HttpRequest, meeting_id: int, item_id: int) -> Any:
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    _check_manages(user, meeting)
    item = _item(meeting, item_id)
    with _rules():
        services.agenda_remove(actor=user, item=item)
    return _meeting_detail(user, meeting_id).items


# --- Attendance and draft resolutions ----------------------------------------------------------


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: list[schemas.AttendanceOut], **_errors(400, 401, 403, 404, 409, 422)},
    operation_id="meeting_attendance",
    url_name="meeting_attendance",
    summary="Record who sat for each agency (the body's secretariat)",
    description=(
        "One row per agency: `present`, `absent`, or `represented` (then `person` names the "
        "deputy). Agencies left out keep what was recorded for them before. Answers the whole "
        "attendance of the meeting."
    ),
)
def meeting_attendance(request: HttpRequest, meeting_id: int, payload: schemas.AttendanceIn) -> Any:
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    _check_manages(user, meeting)
    agencies = _agencies(meeting, [row.agency for row in payload.rows], "rows.{}.agency")
    rows = [
        services.AttendanceRow(agency=agency, presence=row.presence, person=row.person)
        for agency, row in zip(agencies, payload.rows, strict=True)
    ]
    with _rules():
        services.attendance_record(actor=user, meeting=meeting, rows=rows)
    return _meeting_detail(user, meeting_id).attendance


@router.post(
    "/meetings/{meeting_id}/items/{item_id}/resolutions",
    response={201: schemas.ResolutionDetail, **_errors(400, 401, 403, 404, 409, 422)},
    operation_id="meeting_resolution_draft",
    url_name="meeting_resolution_draft",
    summary="Write a draft resolution on an agenda item (the body's secretariat)",
    description=(
        "It binds nobody until the meeting closes. The deadline is a Gregorian ISO date after "
        "the session's day; the agencies are ids of the body's province."
    ),
)
def meeting_resolution_draft(
    request: HttpRequest, meeting_id: int, item_id: int, payload: schemas.ResolutionDraftIn
) -> Any:
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    _check_manages(user, meeting)
    item = _item(meeting, item_id)
    draft = services.ResolutionDraft(
        text=payload.text,
        agencies=_agencies(meeting, payload.agencies, "agencies.{}"),
        deadline=payload.deadline,
        deliverable=payload.deliverable,
    )
    with _rules():
        resolution = services.resolution_draft(actor=user, item=item, draft=draft)
    return Status(201, _resolution_detail(user, resolution.pk))


# --- Resolutions -------------------------------------------------------------------------------


@resolutions_router.get(
    "/resolutions",
    response={200: schemas.ResolutionPage, **_errors(401, 422)},
    operation_id="resolution_list",
    url_name="resolution_list",
    summary="The follow-up register: issued resolutions you may see",
    description=(
        "Oldest deadline first. The secretariat and the executive see their province's, a "
        "county secretariat its county's, agency staff those addressed to their agency, a "
        "company the ones on its cases. Drafts are not listed. Pages are read with `limit` "
        "and `offset`; `next_offset` is null on the last page."
    ),
)
def resolution_list(request: HttpRequest, filters: Query[schemas.ResolutionFiltersIn]) -> Any:
    qs = selectors.resolution_list(
        acting_user(request),
        selectors.ResolutionFilters(
            agency=filters.agency,
            meeting=filters.meeting,
            state=filters.state or "",
            bucket=filters.bucket or "",
            overdue=filters.overdue,
            text=filters.text,
        ),
        today=timezone.localdate(),
    )
    return page(qs, offset=filters.offset, limit=filters.limit)


@resolutions_router.get(
    "/resolutions/{resolution_id}",
    response={200: schemas.ResolutionDetail, **_errors(401, 404)},
    operation_id="resolution_get",
    url_name="resolution_detail",
    summary="One resolution with the moves open to you and the agencies' reports",
)
def resolution_get(request: HttpRequest, resolution_id: int) -> Any:
    return _resolution_detail(acting_user(request), resolution_id)


@resolutions_router.post(
    "/resolutions/{resolution_id}/transitions",
    response={200: schemas.ResolutionDetail, **_errors(400, 401, 403, 404, 409, 422)},
    operation_id="resolution_transition",
    url_name="resolution_transition",
    summary="Move a resolution to another state",
    description=(
        "The move must be in the resolution's `allowed_moves`. A responsible agency objects "
        "(`objected`) within the objection window, accepts it (`in_progress`) or reports it "
        "executed (`reported`, the report in `reason`); the secretariat accepts the execution, "
        "sends it back, records it not executed, and overrules or withdraws an objected one. "
        "Resolutions are issued by closing their meeting, never by a move. Evidence files are "
        "sent on the pages; the API takes text only. A refused move changes nothing."
    ),
)
def resolution_transition(
    request: HttpRequest, resolution_id: int, payload: schemas.ResolutionTransitionIn
) -> Any:
    user = acting_user(request)
    resolution = _resolution(user, resolution_id)
    if not services.resolution_actor_kinds(user, resolution):
        raise ApiError(
            403, ErrorCode.PERMISSION_DENIED, _("You may not make this change to the resolution.")
        )
    with _rules():
        services.resolution_move(
            actor=user, resolution=resolution, to=payload.to, reason=payload.reason
        )
    return _resolution_detail(user, resolution_id)


@resolutions_router.get(
    "/resolutions/{resolution_id}/reports",
    response={200: list[schemas.ReportOut], **_errors(401, 404)},
    operation_id="resolution_report_list",
    url_name="resolution_report_list",
    summary="The agencies' reports on a resolution: progress, objections, execution",
    description="Oldest first.",
)
def resolution_report_list(request: HttpRequest, resolution_id: int) -> Any:
    return selectors.resolution_reports(_resolution(acting_user(request), resolution_id))


@resolutions_router.post(
    "/resolutions/{resolution_id}/reports",
    response={201: schemas.ReportOut, **_errors(400, 401, 403, 404, 422)},
    operation_id="resolution_report",
    url_name="resolution_report",
    summary="Report progress on a resolution (the responsible agencies' officers and head)",
    description=(
        "While the resolution is notified, in progress or reported. Text only: evidence files "
        "are not accepted over the API (as with the answers to case referrals); attach them "
        "on the resolution's page. The secretariat is told."
    ),
)
def resolution_report(request: HttpRequest, resolution_id: int, payload: schemas.ReportIn) -> Any:
    user = acting_user(request)
    resolution = _resolution(user, resolution_id)
    with _rules():
        report = services.resolution_report(actor=user, resolution=resolution, text=payload.text)
    return Status(201, selectors.resolution_reports(resolution).get(pk=report.pk))
