"""Writes of meetings and resolutions (DOMAIN.md §5).

Every function here runs in a transaction, locks the row it changes, writes its event row
(`MeetingEvent`, `ResolutionEvent`, and a `CaseEvent` on a linked case so the case's timeline
tells the whole story) and sends its notices after commit. Cases move only through
`cases.services.case_move`, so the case workflow table stays the one authority on cases.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from tashil.accounts.access import scopes_of
from tashil.accounts.models import User
from tashil.accounts.roles import Role
from tashil.agencies.escalation import (
    agency_staff,
    escalation_recipients,
    escalation_steps,
    executives_for,
    secretariat_for,
    steps_reached,
)
from tashil.agencies.models import Agency
from tashil.cases.attachments import EXTENSIONS, check_uploads
from tashil.cases.models import Case, CaseEvent, Outcome
from tashil.cases.services import EventKind as CaseEventKind
from tashil.cases.services import case_conclude, case_move
from tashil.cases.workflow import CaseStatus
from tashil.cases.workflow import move as case_table_move
from tashil.core.selectors import work_calendar
from tashil.core.text import compact_key, to_persian_digits
from tashil.core.workdays import WorkCalendar
from tashil.core.workflow import compare_and_set, refusal
from tashil.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Body,
    Evidence,
    Meeting,
    MeetingEvent,
    Presence,
    ProgressReport,
    ReportKind,
    Resolution,
    ResolutionAgency,
    ResolutionEvent,
)
from tashil.meetings.workflow import (
    FOLLOW_UP,
    WITH_AGENCY,
    Actor,
    MeetingKind,
    MeetingStatus,
    ResolutionState,
    move,
)
from tashil.notifications.services import notify

R = ResolutionState


class MeetingError(ValidationError):
    """A change the rules do not allow; `message` is for the user."""


# --- Who may act -------------------------------------------------------------------------------


def manages_body(user: User | None, body: Body) -> bool:
    """The provincial secretariat runs every body of its province; a county secretariat runs
    its county's HQ."""
    for scope in scopes_of(user):
        if scope.role == Role.SECRETARIAT and scope.province_id == body.province_id:
            return True
        if (
            scope.role == Role.COUNTY_SECRETARIAT
            and body.kind == MeetingKind.COUNTY
            and scope.county_id == body.county_id
        ):
            return True
    return False


def _addressee_ids(resolution: Resolution) -> list[int]:
    return list(
        ResolutionAgency.objects.filter(resolution_id=resolution.pk)
        .order_by("agency_id")
        .values_list("agency_id", flat=True)
    )


def acting_agencies(user: User | None, resolution: Resolution) -> list[int]:
    """The responsible agencies `user` works for (officer or head)."""
    mine = {
        scope.agency_id
        for scope in scopes_of(user)
        if scope.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD)
    }
    return [agency_id for agency_id in _addressee_ids(resolution) if agency_id in mine]


def resolution_actor_kinds(user: User | None, resolution: Resolution) -> set[str]:
    """The lifecycle actors (workflow.Actor) `user` counts as for `resolution`."""
    if user is None:
        return {Actor.SYSTEM}
    kinds: set[str] = set()
    for scope in scopes_of(user):
        if scope.role == Role.SECRETARIAT and scope.province_id == resolution.province_id:
            kinds.add(Actor.SECRETARIAT)
        elif (
            scope.role == Role.COUNTY_SECRETARIAT
            and resolution.county_id is not None
            and scope.county_id == resolution.county_id
            and resolution.meeting.body.kind == MeetingKind.COUNTY
        ):
            kinds.add(Actor.SECRETARIAT)
    if acting_agencies(user, resolution):
        kinds.add(Actor.AGENCY)
    return kinds


def _check_manages(actor: User | None, body: Body) -> None:
    if not manages_body(actor, body):
        raise MeetingError(_("Only the body's secretariat may do this."), code="not_allowed")


# --- Notices -----------------------------------------------------------------------------------


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting", kwargs={"pk": meeting.pk})


def resolution_url(resolution: Resolution) -> str:
    return reverse("meetings:resolution", kwargs={"pk": resolution.pk})


def _notify_resolution(
    *,
    resolution: Resolution,
    users: Iterable[User],
    kind: str,
    subject: str,
    message: str = "",
    body: str = "",
    sms: bool = False,
    exclude: User | None = None,
) -> None:
    """In Persian whatever the actor's language, as the case notices: mail has no language
    switch."""
    recipients = [user for user in users if exclude is None or user.pk != exclude.pk]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        code = to_persian_digits(resolution.code)
        text = Truncator(" ".join(resolution.text.split())).chars(80)
        full_subject = f"{gettext(subject)} — {gettext('resolution')} {code} · {text}"[:255]
        content = "\n\n".join(
            part for part in (gettext(message) if message else "", body, resolution.text) if part
        )
        sms_text = f"{gettext(subject)} — {gettext('resolution')} {code}" if sms else ""
    notify(
        users=recipients,
        kind=kind,
        subject=full_subject,
        body=content,
        url=resolution_url(resolution),
        sms=sms_text,
    )


def _agency_people(agency_ids: Sequence[int]) -> list[User]:
    """Officers and heads of the agencies: both answer for a resolution."""
    return list(
        User.objects.filter(
            role_assignments__role__in=[Role.AGENCY_OFFICER, Role.AGENCY_HEAD],
            role_assignments__agency_id__in=list(agency_ids),
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def _secretariat(resolution: Resolution) -> list[User]:
    return secretariat_for(province_id=resolution.province_id, county_id=resolution.county_id)


# --- Events ------------------------------------------------------------------------------------


def _meeting_event(
    *, meeting: Meeting, actor: User | None, kind: str, data: Mapping[str, Any] | None = None
) -> None:
    MeetingEvent.objects.create(meeting=meeting, actor=actor, kind=kind, data=dict(data or {}))


def _case_event(
    *, case_id: int | None, actor: User | None, kind: str, reason: str = "", data: Mapping[str, Any]
) -> None:
    if case_id is not None:
        CaseEvent.objects.create(
            case_id=case_id, actor=actor, kind=kind, reason=reason, data=dict(data)
        )


def _resolution_event(
    *,
    resolution: Resolution,
    actor: User | None,
    kind: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> None:
    """The event on the resolution, and its copy on the linked case's timeline."""
    payload = dict(data or {})
    ResolutionEvent.objects.create(
        resolution=resolution,
        actor=actor,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=payload,
    )
    _case_event(
        case_id=resolution.case_id,
        actor=actor,
        kind=CaseEventKind.RESOLUTION,
        reason=reason,
        data={
            "resolution": resolution.pk,
            "code": resolution.code,
            "event": kind,
            "to": to_state,
            **payload,
        },
    )


# --- Schedule and numbering --------------------------------------------------------------------


def next_session_date(
    body: Body, *, after: dt.date, calendar: WorkCalendar | None = None
) -> dt.date:
    """The body's next regular day strictly after `after`; a holiday moves it to the next
    working day (the HQ does not meet on 22 Bahman). A list of bodies passes one `calendar`,
    which reads the holidays once."""
    calendar = calendar or work_calendar()
    day = after + dt.timedelta(days=1)
    while day.weekday() != body.weekday:
        day += dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _next_number(body: Body) -> int:
    last = Meeting.objects.filter(body=body).aggregate(last=Max("number"))["last"]
    return body.first_number if last is None else last + 1


# --- Meetings ----------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    body: Body,
    starts_at: dt.datetime,
    place: str = "",
    chair: str = "",
) -> Meeting:
    """Plan the next numbered session of `body`. The resolutions that are objected to or
    overdue roll onto its agenda by themselves; ready cases are proposed for the secretariat
    to pick."""
    _check_manages(actor, body)
    if not body.is_active:
        raise MeetingError(_("This body no longer meets."), code="inactive")
    if timezone.is_naive(starts_at):
        raise MeetingError(_("Give the session's date and time."), code="naive")
    # The body's row is the lock for numbering: two secretaries planning at once get 227 and 228.
    Body.objects.select_for_update().get(pk=body.pk)
    meeting = Meeting.objects.create(
        body=body,
        number=_next_number(body),
        starts_at=starts_at,
        place=place.strip() or body.place,
        chair=chair.strip() or body.chair,
        created_by=actor,
    )
    _meeting_event(meeting=meeting, actor=actor, kind="created", data={"number": meeting.number})
    from tashil.meetings.selectors import rolling_resolutions

    # Overdue as of the session's day: what will be late when the HQ sits comes back to it.
    day = timezone.localtime(starts_at).date()
    for resolution, reason in rolling_resolutions(body=body, today=day):
        _add_item(
            actor=None,
            meeting=meeting,
            kind=AgendaItemKind.RESOLUTION,
            resolution=resolution,
            title=_resolution_title(resolution),
            reason=reason,
        )
    return meeting


def _locked_open(meeting: Meeting) -> Meeting:
    # `of=("self",)`: on PostgreSQL a joined row would be locked too (the body, shared by all
    # its sessions), and two writers taking the same rows in different orders deadlock. Locks
    # are taken meeting first, then resolution or case.
    locked = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    )
    if locked.status == MeetingStatus.CANCELLED:
        raise MeetingError(_("This session was cancelled."), code="closed")
    if locked.status != MeetingStatus.PLANNED:
        raise MeetingError(
            _("The minutes of this meeting are closed and cannot be changed."), code="closed"
        )
    return locked


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    starts_at: dt.datetime,
    place: str,
    chair: str,
    guests: str = "",
    notes: str = "",
) -> Meeting:
    locked = _locked_open(meeting)
    _check_manages(actor, locked.body)
    if timezone.is_naive(starts_at):
        raise MeetingError(_("Give the session's date and time."), code="naive")
    day = timezone.localtime(starts_at).date()
    if locked.resolutions.filter(deadline__lte=day).exists():
        raise MeetingError(
            _("A draft resolution's deadline would fall before the session: change it first."),
            code="deadline",
        )
    new = {
        "starts_at": starts_at,
        "place": place.strip(),
        "chair": chair.strip(),
        "guests": guests.strip(),
        "notes": notes.strip(),
    }
    # The audit trail says what changed, old and new, not only that something did.
    changes = {
        name: [_as_text(getattr(locked, name)), _as_text(value)]
        for name, value in new.items()
        if getattr(locked, name) != value
    }
    for name, value in new.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(new))
    _meeting_event(meeting=locked, actor=actor, kind="updated", data={"changes": changes})
    return locked


def _as_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _resolution_title(resolution: Resolution) -> str:
    return Truncator(f"{resolution.code} — {' '.join(resolution.text.split())}").chars(300)


def _open_agenda_of(*, case: Case | None = None, resolution: Resolution | None = None) -> Any:
    items = AgendaItem.objects.filter(meeting__status=MeetingStatus.PLANNED)
    if case is not None:
        items = items.filter(case=case, kind=AgendaItemKind.CASE)
    if resolution is not None:
        items = items.filter(resolution=resolution)
    return items.select_related("meeting").first()


def _add_item(
    *,
    actor: User | None,
    meeting: Meeting,
    kind: str,
    title: str,
    case: Case | None = None,
    resolution: Resolution | None = None,
    reason: str = "",
) -> AgendaItem:
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=last + 1,
        kind=kind,
        case=case,
        resolution=resolution,
        title=title[:300],
        reason=reason,
        added_by=actor,
    )
    _meeting_event(
        meeting=meeting, actor=actor, kind="item_added", data={"item": item.pk, "title": title}
    )
    case_id = case.pk if case is not None else (resolution.case_id if resolution else None)
    _case_event(
        case_id=case_id,
        actor=actor,
        kind=CaseEventKind.AGENDA,
        data={
            "action": "added",
            "meeting": meeting.pk,
            "number": meeting.number,
            "body": meeting.body.name,
            "on": timezone.localtime(meeting.starts_at).date().isoformat(),
            **({"resolution": resolution.code} if resolution is not None else {}),
        },
    )
    if resolution is not None:
        _resolution_event(
            resolution=resolution,
            actor=actor,
            kind="on_agenda",
            data={"meeting": meeting.pk, "number": meeting.number, "why": reason},
        )
    return item


def _case_fits(body: Body, case: Case) -> bool:
    if case.province_id != body.province_id:
        return False
    if body.kind == MeetingKind.COUNTY:
        return case.county_id == body.county_id
    if body.kind == MeetingKind.WORKING_GROUP:
        return case.category_id == body.category_id
    return True


def _resolution_fits(body: Body, resolution: Resolution) -> bool:
    """A county HQ reviews only its county's resolutions; the provincial HQ and the working
    groups any of the province's."""
    if resolution.province_id != body.province_id:
        return False
    return body.kind != MeetingKind.COUNTY or resolution.county_id == body.county_id


@transaction.atomic
def agenda_add_case(*, actor: User, meeting: Meeting, case: Case) -> AgendaItem:
    """Put a case on the agenda. A case not yet `on_agenda` is moved there through the case
    workflow (which says from where that is allowed)."""
    locked = _locked_open(meeting)
    _check_manages(actor, locked.body)
    # Decide on the case's row as it is now, locked: the caller's copy may be a page old, and
    # two secretaries must not put one ready case on two agendas at once.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not _case_fits(locked.body, case):
        raise MeetingError(_("This case is not for this body."), code="other_body")
    elsewhere = _open_agenda_of(case=case)
    if elsewhere is not None:
        raise MeetingError(
            _("The case is already on the agenda of session %(number)s.")
            % {"number": to_persian_digits(str(elsewhere.meeting.number))},
            code="already_on_agenda",
        )
    if case.status != CaseStatus.ON_AGENDA:
        try:
            case_move(actor=actor, case=case, to=CaseStatus.ON_AGENDA)
        except ValidationError as error:
            raise MeetingError(error.messages[0], code="case_not_ready") from error
    return _add_item(
        actor=actor,
        meeting=locked,
        kind=AgendaItemKind.CASE,
        case=case,
        title=case.title,
        reason="ready",
    )


@transaction.atomic
def agenda_add_resolution(
    *, actor: User, meeting: Meeting, resolution: Resolution, reason: str = ""
) -> AgendaItem:
    """Bring an issued resolution back to a meeting (objected to, overdue, or for a review)."""
    locked = _locked_open(meeting)
    _check_manages(actor, locked.body)
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if not _resolution_fits(locked.body, resolution):
        raise MeetingError(_("This resolution is not for this body."), code="other_body")
    if resolution.state not in FOLLOW_UP:
        raise MeetingError(
            _("Only a resolution still in follow-up can come back to a meeting."),
            code="not_in_follow_up",
        )
    if resolution.meeting_id == locked.pk:
        raise MeetingError(_("The resolution was passed at this meeting."), code="same_meeting")
    elsewhere = _open_agenda_of(resolution=resolution)
    if elsewhere is not None:
        raise MeetingError(
            _("The resolution is already on the agenda of session %(number)s.")
            % {"number": to_persian_digits(str(elsewhere.meeting.number))},
            code="already_on_agenda",
        )
    return _add_item(
        actor=actor,
        meeting=locked,
        kind=AgendaItemKind.RESOLUTION,
        resolution=resolution,
        title=_resolution_title(resolution),
        reason=reason or "review",
    )


@transaction.atomic
def agenda_add_topic(*, actor: User, meeting: Meeting, title: str) -> AgendaItem:
    locked = _locked_open(meeting)
    _check_manages(actor, locked.body)
    title = " ".join(title.split())
    if not title:
        raise MeetingError(_("Write the topic."), code="required")
    return _add_item(actor=actor, meeting=locked, kind=AgendaItemKind.TOPIC, title=title)


@transaction.atomic
def agenda_remove(*, actor: User, item: AgendaItem) -> None:
    """Take an item off the agenda. A case stays ready (`on_agenda`) for a later session."""
    locked = _locked_open(item.meeting)
    _check_manages(actor, locked.body)
    item = AgendaItem.objects.select_related("resolution").get(pk=item.pk)
    if item.resolutions.exists():
        raise MeetingError(_("Delete the item's draft resolutions first."), code="has_resolutions")
    case_id = (
        item.case_id if item.case_id else (item.resolution.case_id if item.resolution else None)
    )
    title = item.title
    item.delete()
    _renumber(locked)
    _meeting_event(meeting=locked, actor=actor, kind="item_removed", data={"title": title})
    _case_event(
        case_id=case_id,
        actor=actor,
        kind=CaseEventKind.AGENDA,
        data={"action": "removed", "meeting": locked.pk, "number": locked.number},
    )


def _renumber(meeting: Meeting, order: Sequence[int] | None = None) -> None:
    ids = (
        list(order)
        if order is not None
        else list(meeting.items.order_by("position", "id").values_list("pk", flat=True))
    )
    for position, pk in enumerate(ids, start=1):
        AgendaItem.objects.filter(pk=pk).update(position=position)


@transaction.atomic
def agenda_reorder(*, actor: User, meeting: Meeting, item_ids: Sequence[int]) -> None:
    """Set the order of the agenda: `item_ids` must name every item of the meeting once."""
    locked = _locked_open(meeting)
    _check_manages(actor, locked.body)
    current = set(locked.items.values_list("pk", flat=True))
    if len(item_ids) != len(current) or set(item_ids) != current:
        raise MeetingError(
            _("The agenda changed meanwhile. Reload the page and try again."), code="conflict"
        )
    _renumber(locked, item_ids)
    _meeting_event(meeting=locked, actor=actor, kind="reordered", data={"order": list(item_ids)})


@transaction.atomic
def agenda_move_item(*, actor: User, item: AgendaItem, by: int) -> None:
    """Move an item up (`by` < 0) or down the agenda."""
    order = list(item.meeting.items.order_by("position", "id").values_list("pk", flat=True))
    index = order.index(item.pk)
    target = max(0, min(len(order) - 1, index + by))
    order.insert(target, order.pop(index))
    agenda_reorder(actor=actor, meeting=item.meeting, item_ids=order)


@transaction.atomic
def item_record(
    *, actor: User, item: AgendaItem, notes: str, postponed: bool = False
) -> AgendaItem:
    """The discussion notes of an item, and whether it was postponed to a later session."""
    locked = _locked_open(item.meeting)
    _check_manages(actor, locked.body)
    item = AgendaItem.objects.get(pk=item.pk)  # as it is now, under the meeting's lock
    if postponed and item.resolutions.exists():
        raise MeetingError(
            _("An item with resolutions was not postponed: delete them first."),
            code="has_resolutions",
        )
    item.notes = notes.strip()
    item.postponed = postponed
    item.save(update_fields=["notes", "postponed"])
    _meeting_event(
        meeting=locked,
        actor=actor,
        kind="item_recorded",
        data={"item": item.pk, "postponed": postponed},
    )
    return item


@dataclass(frozen=True)
class AttendanceRow:
    agency: Agency
    presence: str
    person: str = ""


@transaction.atomic
def attendance_record(
    *, actor: User, meeting: Meeting, rows: Sequence[AttendanceRow]
) -> list[Attendance]:
    """Record who sat for each agency (present, absent, represented by a deputy). Agencies
    not in `rows` keep what was recorded before."""
    locked = _locked_open(meeting)
    _check_manages(actor, locked.body)
    saved = []
    for row in rows:
        if row.agency.province_id != locked.body.province_id:
            raise MeetingError(_("The agency is not of this province."), code="other_province")
        if row.presence not in Presence.values:
            raise MeetingError(_("Choose present, absent or represented."), code="presence")
        person = " ".join(row.person.split())
        if row.presence == Presence.REPRESENTED and not person:
            raise MeetingError(
                _("Write who represented %(agency)s.") % {"agency": row.agency.display_name},
                code="representative_required",
            )
        attendance, _created = Attendance.objects.update_or_create(
            meeting=locked,
            agency=row.agency,
            defaults={"presence": row.presence, "person": person},
        )
        saved.append(attendance)
    _meeting_event(
        meeting=locked,
        actor=actor,
        kind="attendance",
        data={"rows": [[row.agency.pk, row.presence] for row in rows]},
    )
    return saved


# --- Draft resolutions -------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionDraft:
    text: str
    agencies: Sequence[Agency]
    deadline: dt.date
    deliverable: str = ""


def _check_draft(meeting: Meeting, draft: ResolutionDraft) -> None:
    if not draft.text.strip():
        raise MeetingError(_("Write the resolution's text."), code="required")
    if not draft.agencies:
        raise MeetingError(_("Choose at least one responsible agency."), code="required")
    if any(agency.province_id != meeting.body.province_id for agency in draft.agencies):
        raise MeetingError(_("The agency is not of this province."), code="other_province")
    if draft.deadline <= timezone.localtime(meeting.starts_at).date():
        raise MeetingError(_("The deadline must be after the meeting."), code="deadline")


def _set_agencies(resolution: Resolution, agencies: Sequence[Agency]) -> None:
    ResolutionAgency.objects.filter(resolution=resolution).delete()
    ResolutionAgency.objects.bulk_create(
        ResolutionAgency(resolution=resolution, agency=agency)
        for agency in {agency.pk: agency for agency in agencies}.values()
    )


@transaction.atomic
def resolution_draft(*, actor: User, item: AgendaItem, draft: ResolutionDraft) -> Resolution:
    """Write a resolution on an agenda item. It binds nobody until the meeting closes."""
    locked = _locked_open(item.meeting)
    _check_manages(actor, locked.body)
    item = AgendaItem.objects.select_related("resolution").get(pk=item.pk)
    if item.postponed:
        raise MeetingError(_("The item was postponed."), code="postponed")
    _check_draft(locked, draft)
    last = locked.resolutions.aggregate(last=Max("number"))["last"] or 0
    reviewed = item.resolution
    case_id = item.case_id or (reviewed.case_id if reviewed is not None else None)
    county_id = locked.body.county_id
    if county_id is None and case_id is not None:
        county_id = Case.objects.values_list("county_id", flat=True).get(pk=case_id)
    resolution = Resolution.objects.create(
        meeting=locked,
        item=item,
        province_id=locked.body.province_id,
        county_id=county_id,
        case_id=case_id,
        number=last + 1,
        text=draft.text.strip(),
        deliverable=draft.deliverable.strip(),
        deadline=draft.deadline,
        search_key=compact_key(draft.text),
        created_by=actor,
    )
    _set_agencies(resolution, draft.agencies)
    ResolutionEvent.objects.create(
        resolution=resolution,
        actor=actor,
        kind="drafted",
        to_state=R.DRAFT,
        data={"agencies": [a.name for a in draft.agencies]},
    )
    _meeting_event(meeting=locked, actor=actor, kind="drafted", data={"resolution": resolution.pk})
    return resolution


def _locked_draft(actor: User, resolution: Resolution) -> Resolution:
    _locked_open(resolution.meeting)
    locked = Resolution.objects.select_for_update().get(pk=resolution.pk)
    _check_manages(actor, resolution.meeting.body)
    if locked.state != R.DRAFT:
        raise MeetingError(_("An issued resolution cannot be edited."), code="issued")
    return locked


@transaction.atomic
def resolution_edit(*, actor: User, resolution: Resolution, draft: ResolutionDraft) -> Resolution:
    locked = _locked_draft(actor, resolution)
    _check_draft(resolution.meeting, draft)
    locked.text = draft.text.strip()
    locked.deliverable = draft.deliverable.strip()
    locked.deadline = draft.deadline
    locked.search_key = compact_key(draft.text)
    locked.save(update_fields=["text", "deliverable", "deadline", "search_key"])
    _set_agencies(locked, draft.agencies)
    ResolutionEvent.objects.create(
        resolution=locked,
        actor=actor,
        kind="edited",
        data={"agencies": [a.name for a in draft.agencies]},
    )
    _meeting_event(
        meeting=resolution.meeting, actor=actor, kind="draft_edited", data={"resolution": locked.pk}
    )
    return locked


@transaction.atomic
def resolution_delete_draft(*, actor: User, resolution: Resolution) -> None:
    locked = _locked_draft(actor, resolution)
    meeting = resolution.meeting
    _meeting_event(
        meeting=meeting, actor=actor, kind="draft_deleted", data={"number": locked.number}
    )
    locked.delete()
    # Keep the minutes' numbering without gaps.
    for number, pk in enumerate(
        meeting.resolutions.order_by("number").values_list("pk", flat=True), start=1
    ):
        Resolution.objects.filter(pk=pk).update(number=number)


# --- Closing -----------------------------------------------------------------------------------


def objection_deadline(notified_on: dt.date) -> dt.date:
    """The last day an agency may object: `TASHIL_OBJECTION_DAYS` after notification, counted
    in calendar days or, with `TASHIL_OBJECTION_WORKING_DAYS`, working days."""
    days = settings.TASHIL_OBJECTION_DAYS
    if settings.TASHIL_OBJECTION_WORKING_DAYS:
        return work_calendar().add_working_days(notified_on, days)
    return notified_on + dt.timedelta(days=days)


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Meeting:
    """Lock the minutes and issue (ابلاغ) the resolutions: each responsible agency is notified
    and its objection window starts. Cases discussed move on through the case workflow; a
    postponed case stays ready for the next session."""
    locked = _locked_open(meeting)
    _check_manages(actor, locked.body)
    if not locked.attendance.filter(presence__in=[Presence.PRESENT, Presence.REPRESENTED]).exists():
        raise MeetingError(
            _("Record the attendance before closing the meeting."), code="no_attendance"
        )
    drafts = list(locked.resolutions.filter(state=R.DRAFT).order_by("number"))
    if any(not r.addressees.exists() for r in drafts):
        raise MeetingError(_("Every resolution needs a responsible agency."), code="no_agency")
    # Minutes closed late must not issue resolutions already overdue (and escalated at once).
    today = timezone.localdate()
    late = [r for r in drafts if r.deadline <= today]
    if late:
        raise MeetingError(
            _("The deadline of resolution %(code)s has passed: give it a new one first.")
            % {"code": to_persian_digits(late[0].code)},
            code="deadline",
        )
    now = timezone.now()
    updated = Meeting.objects.filter(pk=locked.pk, status=MeetingStatus.PLANNED).update(
        status=MeetingStatus.CLOSED, closed_at=now
    )
    if updated != 1:
        raise MeetingError(_("Someone closed this meeting a moment ago."), code="conflict")
    locked.status, locked.closed_at = MeetingStatus.CLOSED, now
    _meeting_event(meeting=locked, actor=actor, kind="closed", data={"resolutions": len(drafts)})
    until = objection_deadline(timezone.localdate(now))
    for resolution in drafts:
        _issue(actor=actor, resolution=resolution, now=now, until=until)
    for item in locked.items.select_related("case", "resolution").order_by("position"):
        if item.kind == AgendaItemKind.CASE and item.case is not None:
            _case_after_meeting(actor=actor, meeting=locked, item=item)
        elif item.kind == AgendaItemKind.RESOLUTION and item.resolution is not None:
            _resolution_event(
                resolution=item.resolution,
                actor=actor,
                kind="reviewed",
                # Not the notes: the meeting's discussion is for those who see the meeting.
                data={"meeting": locked.pk, "number": locked.number},
            )
    return locked


def _issue(*, actor: User, resolution: Resolution, now: dt.datetime, until: dt.date) -> None:
    updated = Resolution.objects.filter(pk=resolution.pk, state=R.DRAFT).update(
        state=R.NOTIFIED, state_changed_at=now, notified_at=now, objection_until=until
    )
    if updated != 1:
        return
    resolution.state, resolution.notified_at, resolution.objection_until = R.NOTIFIED, now, until
    _resolution_event(
        resolution=resolution,
        actor=actor,
        kind="transition",
        from_state=R.DRAFT,
        to_state=R.NOTIFIED,
        data={
            "action": "issue",
            "deadline": resolution.deadline.isoformat(),
            "objection_until": until.isoformat(),
        },
    )
    _notify_resolution(
        resolution=resolution,
        users=_agency_people(_addressee_ids(resolution)),
        kind="resolution_notified",
        subject=gettext_noop("A resolution of the HQ binds your agency"),
        message=gettext_noop(
            "Object within the objection window if your agency cannot carry it out; otherwise "
            "report its progress and execution by the deadline."
        ),
        sms=True,
    )


def _case_after_meeting(*, actor: User, meeting: Meeting, item: AgendaItem) -> None:
    case = item.case
    if case is None:
        return
    case.refresh_from_db()
    if item.postponed:
        _case_event(
            case_id=case.pk,
            actor=actor,
            kind=CaseEventKind.AGENDA,
            data={"action": "postponed", "meeting": meeting.pk, "number": meeting.number},
        )
        return
    if case.status != CaseStatus.ON_AGENDA:
        return  # decided elsewhere since it was put on the agenda
    case_move(actor=actor, case=case, to=CaseStatus.DISCUSSED)
    if item.resolutions.exists():
        case_move(actor=actor, case=case, to=CaseStatus.RESOLUTIONS_ISSUED)


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Call a session off. Its draft resolutions go; its cases and resolutions stay ready and
    are proposed for the next session."""
    locked = _locked_open(meeting)
    _check_manages(actor, locked.body)
    if not reason.strip():
        raise MeetingError(_("Please write the reason."), code="reason_required")
    Resolution.objects.filter(meeting=locked, state=R.DRAFT).delete()
    Meeting.objects.filter(pk=locked.pk).update(status=MeetingStatus.CANCELLED)
    locked.status = MeetingStatus.CANCELLED
    _meeting_event(meeting=locked, actor=actor, kind="cancelled", data={"reason": reason.strip()})
    # What came back by itself goes on to the next planned session; cases are proposed there.
    upcoming = _lock_next_open(locked.body, after=locked)
    for item in locked.items.select_related("resolution").order_by("position"):
        _case_event(
            case_id=item.case_id or (item.resolution.case_id if item.resolution else None),
            actor=actor,
            kind=CaseEventKind.AGENDA,
            data={"action": "cancelled", "meeting": locked.pk, "number": locked.number},
        )
        if item.resolution is not None and item.resolution.state in FOLLOW_UP:
            _roll_to(upcoming, item.resolution, reason=item.reason or "review")
    return locked


@transaction.atomic
def meeting_send_agenda(*, actor: User, meeting: Meeting) -> int:
    """Mail the agenda (with its PDF) to the member agencies, the executive and the
    secretariat. Returns how many people it goes to."""
    locked = _locked_open(meeting)
    _check_manages(actor, locked.body)
    if not locked.items.exists():
        raise MeetingError(_("The agenda is empty."), code="empty")
    members = list(locked.body.members.values_list("pk", flat=True))
    people: dict[int, User] = {user.pk: user for user in _agency_people(members)}
    for user in executives_for(province_id=locked.body.province_id) + secretariat_for(
        province_id=locked.body.province_id, county_id=locked.body.county_id
    ):
        people[user.pk] = user
    Meeting.objects.filter(pk=locked.pk).update(agenda_sent_at=timezone.now())
    _meeting_event(meeting=locked, actor=actor, kind="agenda_sent", data={"to": len(people)})
    recipients = sorted(people)
    if recipients:
        from tashil.meetings.tasks import send_agenda

        transaction.on_commit(lambda: send_agenda(locked.pk, recipients))
    return len(recipients)


# --- The resolution lifecycle ------------------------------------------------------------------


def _label(state: str) -> str:
    return str(ResolutionState(state).label) if state in ResolutionState.values else state


def invalid_move(source: str, target: str) -> MeetingError:
    return MeetingError(
        _("A resolution that is “%(source)s” cannot become “%(target)s”.")
        % {"source": _label(source), "target": _label(target)},
        code="invalid_transition",
    )


def _transition(
    *,
    actor: User | None,
    resolution: Resolution,
    to: str,
    action: str,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Resolution:
    """Lock, check the table and the actor, move with a compare-and-set, record."""
    locked = (
        Resolution.objects.select_for_update(of=("self",))
        .select_related("meeting__body")
        .get(pk=resolution.pk)
    )
    seen = (_seen_state.get() or {}).pop(locked.pk, None)
    if seen is not None and seen != locked.state:
        # The person chose this move on the state they saw; someone moved the resolution since.
        # Making the move from the new state would carry out a decision taken on another (an
        # execution accepted after a colleague sent the report back).
        raise MeetingError(
            _("Someone else changed this resolution a moment ago. Reload the page and try again."),
            code="conflict",
        )
    kinds = resolution_actor_kinds(actor, locked)
    problem = refusal(move(locked.state, to), action=action, kinds=kinds, reason=reason)
    if problem == "invalid_transition":
        raise invalid_move(locked.state, to)
    if problem == "not_allowed":
        raise MeetingError(_("You may not make this change to the resolution."), code="not_allowed")
    if problem == "reason_required":
        raise MeetingError(_("Please write the reason."), code="reason_required")
    source = locked.state
    values = {"state": to, "state_changed_at": timezone.now(), **fields}
    if not compare_and_set(locked, field="state", expected=source, values=values):
        raise MeetingError(
            _("Someone else changed this resolution a moment ago. Reload the page and try again."),
            code="conflict",
        )
    _resolution_event(
        resolution=locked,
        actor=actor,
        kind="transition",
        from_state=source,
        to_state=to,
        reason=reason.strip(),
        data={"action": action, **(data or {})},
    )
    for field in Resolution._meta.concrete_fields:
        setattr(resolution, field.attname, getattr(locked, field.attname))
    return locked


def _report(
    *, actor: User, resolution: Resolution, kind: str, text: str, files: Sequence[Any] = ()
) -> ProgressReport:
    agencies = acting_agencies(actor, resolution)
    if not agencies:
        raise MeetingError(
            _("Only the responsible agencies report on a resolution."), code="not_allowed"
        )
    checked = check_uploads(list(files)) if files else []
    report = ProgressReport.objects.create(
        resolution=resolution, agency_id=agencies[0], kind=kind, text=text.strip(), author=actor
    )
    for upload, info in zip(files, checked, strict=True):
        upload.seek(0)
        evidence = Evidence(
            report=report, name=info.name, content_type=info.content_type, size=info.size
        )
        # A random stored name, as for case files: the user's file name never reaches the disk.
        stored = f"{uuid.uuid4().hex}.{EXTENSIONS[info.content_type]}"
        evidence.file.save(stored, File(upload), save=False)
        evidence.save()
    return report


def _move_and_tell_agencies(
    *,
    actor: User,
    resolution: Resolution,
    to: str,
    action: str,
    reason: str,
    kind: str,
    subject: str,
    sms: bool = False,
    data: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Resolution:
    """A secretariat's move the responsible agencies are told of, with its reason. `fields`
    are further columns set in the same write."""
    result = _transition(
        actor=actor,
        resolution=resolution,
        to=to,
        action=action,
        reason=reason,
        data=data,
        **fields,
    )
    _notify_resolution(
        resolution=result,
        users=_agency_people(_addressee_ids(result)),
        kind=kind,
        subject=subject,
        body=reason,
        sms=sms,
    )
    return result


@transaction.atomic
def resolution_report(
    *, actor: User, resolution: Resolution, text: str, files: Sequence[Any] = ()
) -> ProgressReport:
    """A responsible agency reports progress, with evidence files."""
    if resolution.state not in (R.NOTIFIED, R.IN_PROGRESS, R.REPORTED):
        raise MeetingError(
            _("Progress is reported on a resolution being carried out."), code="not_in_progress"
        )
    if not text.strip():
        raise MeetingError(_("Write what was done."), code="required")
    report = _report(
        actor=actor, resolution=resolution, kind=ReportKind.PROGRESS, text=text, files=files
    )
    _resolution_event(
        resolution=resolution,
        actor=actor,
        kind="progress",
        reason=report.text,
        data={"agency": report.agency.name, "files": [f.name for f in report.files.all()]},
    )
    _notify_resolution(
        resolution=resolution,
        users=_secretariat(resolution),
        kind="resolution_progress",
        subject=gettext_noop("An agency reported progress on a resolution"),
        body=report.text,
    )
    return report


@transaction.atomic
def resolution_object(
    *, actor: User, resolution: Resolution, reason: str, today: dt.date | None = None
) -> Resolution:
    """A responsible agency objects within the window. The resolution goes on the next
    agenda of its body by itself."""
    today = today or timezone.localdate()
    if resolution.objection_until is not None and today > resolution.objection_until:
        raise MeetingError(
            _("The objection window closed on %(date)s.")
            % {"date": _jalali(resolution.objection_until)},
            code="window_passed",
        )
    # The next session first, then the resolution: the order every writer locks them in.
    upcoming = _lock_next_open(resolution.meeting.body)
    result = _transition(
        actor=actor, resolution=resolution, to=R.OBJECTED, action="object", reason=reason
    )
    _report(actor=actor, resolution=result, kind=ReportKind.OBJECTION, text=reason)
    _roll_to(upcoming, result, reason="objected")
    _notify_resolution(
        resolution=result,
        users=_secretariat(result),
        kind="resolution_objected",
        subject=gettext_noop("An agency objected to a resolution"),
        body=reason,
    )
    return result


def _lock_next_open(body: Body, *, after: Meeting | None = None) -> Meeting | None:
    """The body's next planned session, locked (a session being closed at this moment is
    waited for, and then found closed)."""
    from tashil.meetings.selectors import next_open_meeting

    upcoming = next_open_meeting(body=body, exclude=after)
    if upcoming is None:
        return None
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("body")
    return locked.filter(pk=upcoming.pk, status=MeetingStatus.PLANNED).first()


def _roll_to(meeting: Meeting | None, resolution: Resolution, *, reason: str) -> None:
    """Put a resolution that comes back by itself on `meeting` (locked by the caller), unless
    it is already on an open agenda."""
    if meeting is not None and _open_agenda_of(resolution=resolution) is None:
        _add_item(
            actor=None,
            meeting=meeting,
            kind=AgendaItemKind.RESOLUTION,
            resolution=resolution,
            title=_resolution_title(resolution),
            reason=reason,
        )


def _jalali(day: dt.date) -> str:
    from tashil.core.jalali import format_jalali

    return format_jalali(day)


@transaction.atomic
def resolution_start(*, actor: User | None, resolution: Resolution) -> Resolution:
    """The agency accepts the resolution before its window ends (or the job, after)."""
    return _transition(actor=actor, resolution=resolution, to=R.IN_PROGRESS, action="start")


@transaction.atomic
def resolution_report_execution(
    *, actor: User, resolution: Resolution, text: str, files: Sequence[Any] = ()
) -> Resolution:
    """The agency says it is done; the secretariat checks and accepts."""
    result = _transition(
        actor=actor,
        resolution=resolution,
        to=R.REPORTED,
        action="report_execution",
        reason=text,
    )
    report = _report(
        actor=actor, resolution=result, kind=ReportKind.EXECUTION, text=text, files=files
    )
    if report.files.exists():
        _resolution_event(
            resolution=result,
            actor=actor,
            kind="evidence",
            data={"files": [f.name for f in report.files.all()]},
        )
    _notify_resolution(
        resolution=result,
        users=_secretariat(result),
        kind="resolution_reported",
        subject=gettext_noop("An agency reports a resolution executed"),
        body=text,
    )
    return result


@transaction.atomic
def resolution_accept_execution(
    *, actor: User, resolution: Resolution, reason: str = ""
) -> Resolution:
    """The secretariat accepts the execution. When every resolution of the case is now
    executed (or withdrawn), the case moves to `resolved` and the company is asked to
    confirm."""
    result = _move_and_tell_agencies(
        actor=actor,
        resolution=resolution,
        to=R.EXECUTED,
        action="accept_execution",
        reason=reason,
        kind="resolution_executed",
        subject=gettext_noop("The secretariat accepted the execution of a resolution"),
    )
    _conclude_case_if_done(actor=actor, case_id=result.case_id)
    return result


def _conclude_case_if_done(*, actor: User, case_id: int | None) -> None:
    """Resolve a case whose resolutions are all done, at least one executed. The case row is
    locked before the states are read: two last resolutions accepted at the same moment must
    not each see the other still pending and both leave the case open."""
    if case_id is None:
        return  # a resolution on another topic than a case
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.RESOLUTIONS_ISSUED:
        return  # the case moved on some other way (concluded by hand, reopened…)
    states = set(Resolution.objects.filter(case_id=case_id).values_list("state", flat=True))
    # A draft on a session still being held will bind too: wait for it.
    if not states or not states <= {R.EXECUTED, R.CANCELLED} or R.EXECUTED not in states:
        return
    if case_table_move(case.status, CaseStatus.RESOLVED) is None:
        return
    case_conclude(
        actor=actor,
        case=case,
        outcome=Outcome.RESOLVED,
        reason=gettext("Every resolution on this case was executed."),
    )


@transaction.atomic
def resolution_return_report(*, actor: User, resolution: Resolution, reason: str) -> Resolution:
    """The secretariat does not accept the reported execution; the agency carries on."""
    return _move_and_tell_agencies(
        actor=actor,
        resolution=resolution,
        to=R.IN_PROGRESS,
        action="return_report",
        reason=reason,
        kind="resolution_returned",
        subject=gettext_noop("The secretariat did not accept the reported execution"),
    )


@transaction.atomic
def resolution_mark_not_executed(*, actor: User, resolution: Resolution, reason: str) -> Resolution:
    result = _transition(
        actor=actor,
        resolution=resolution,
        to=R.NOT_EXECUTED,
        action="mark_not_executed",
        reason=reason,
    )
    heads: dict[int, User] = {}
    for agency_id in _addressee_ids(result):
        heads.update((u.pk, u) for u in agency_staff(agency_id, role=Role.AGENCY_HEAD))
    _notify_resolution(
        resolution=result,
        users=[*heads.values(), *executives_for(province_id=result.province_id)],
        kind="resolution_not_executed",
        subject=gettext_noop("A resolution was recorded as not executed"),
        body=reason,
    )
    return result


@transaction.atomic
def resolution_overrule(*, actor: User, resolution: Resolution, reason: str) -> Resolution:
    """The meeting upholds the resolution over the objection: it binds from now. The days
    the objection took are added to the deadline (the agency was not expected to act while
    the HQ considered it), and reminders and escalation start again."""
    objected_on = timezone.localdate(resolution.state_changed_at)
    waited = max(0, (timezone.localdate() - objected_on).days)
    deadline = resolution.deadline + dt.timedelta(days=waited)
    return _move_and_tell_agencies(
        actor=actor,
        resolution=resolution,
        to=R.IN_PROGRESS,
        action="overrule",
        reason=reason,
        kind="resolution_overruled",
        subject=gettext_noop("The HQ upheld a resolution over your objection"),
        sms=True,
        data={"deadline": deadline.isoformat(), "was": resolution.deadline.isoformat()},
        deadline=deadline,
        escalation_level=0,
        reminded_on=None,
    )


@transaction.atomic
def resolution_withdraw(*, actor: User, resolution: Resolution, reason: str) -> Resolution:
    """The meeting accepts the objection and withdraws the resolution."""
    result = _move_and_tell_agencies(
        actor=actor,
        resolution=resolution,
        to=R.CANCELLED,
        action="withdraw",
        reason=reason,
        kind="resolution_withdrawn",
        subject=gettext_noop("A resolution was withdrawn"),
    )
    _conclude_case_if_done(actor=actor, case_id=result.case_id)
    return result


# The state each resolution had when the person chose the move `resolution_move` is making, by
# id: the move is refused as a conflict when the locked row holds another (see `_transition`).
# A context variable, not a lock taken here: the services lock the next session before the
# resolution, and every writer must keep that order.
_seen_state: ContextVar[dict[int, str] | None] = ContextVar("resolution_seen_state", default=None)


def resolution_move(
    *, actor: User | None, resolution: Resolution, to: str, reason: str = "", **extra: Any
) -> Resolution:
    """Make the move from the resolution's state to `to` through the service that owns it.
    The resolution page, the API and the table-generated tests come through here.
    `resolution` holds the state the person saw: if someone moved it since, nothing is done
    and the error's code is "conflict"."""
    token = _seen_state.set({resolution.pk: resolution.state})
    try:
        return _resolution_move(actor=actor, resolution=resolution, to=to, reason=reason, **extra)
    finally:
        _seen_state.reset(token)


def _resolution_move(
    *, actor: User | None, resolution: Resolution, to: str, reason: str, **extra: Any
) -> Resolution:
    found = move(resolution.state, to)
    action = found.action if found else "invalid"
    if action == "issue":
        raise MeetingError(
            _("Resolutions are issued by closing their meeting."), code="issued_by_closing"
        )
    if action == "start":
        return resolution_start(actor=actor, resolution=resolution)
    if actor is None:
        with transaction.atomic():
            return _transition(actor=None, resolution=resolution, to=to, action=action)
    handlers = {
        "object": lambda: resolution_object(
            actor=actor, resolution=resolution, reason=reason, today=extra.get("today")
        ),
        "report_execution": lambda: resolution_report_execution(
            actor=actor, resolution=resolution, text=reason, files=extra.get("files", ())
        ),
        "accept_execution": lambda: resolution_accept_execution(
            actor=actor, resolution=resolution, reason=reason
        ),
        "return_report": lambda: resolution_return_report(
            actor=actor, resolution=resolution, reason=reason
        ),
        "mark_not_executed": lambda: resolution_mark_not_executed(
            actor=actor, resolution=resolution, reason=reason
        ),
        "overrule": lambda: resolution_overrule(actor=actor, resolution=resolution, reason=reason),
        "withdraw": lambda: resolution_withdraw(actor=actor, resolution=resolution, reason=reason),
    }
    handler = handlers.get(action)
    if handler is None:
        raise invalid_move(resolution.state, to)
    return handler()


# --- National escalation -----------------------------------------------------------------------


@transaction.atomic
def resolution_escalate_national(*, actor: User, resolution: Resolution, letter: str) -> Resolution:
    """Mark a resolution for the national HQ, with the letter the secretariat sends. The
    resolution keeps its state: the province still follows it up."""
    locked = (
        Resolution.objects.select_for_update(of=("self",))
        .select_related("meeting__body")
        .get(pk=resolution.pk)
    )
    if Actor.SECRETARIAT not in resolution_actor_kinds(actor, locked):
        raise MeetingError(_("Only the secretariat writes to the national HQ."), code="not_allowed")
    if locked.state == R.DRAFT:
        raise MeetingError(_("The resolution has not been issued yet."), code="draft")
    if locked.escalated_national_at is not None:
        raise MeetingError(
            _("This resolution was already sent to the national HQ."), code="already_sent"
        )
    letter = letter.strip()
    if not letter:
        raise MeetingError(_("Write the letter to the national HQ."), code="required")
    now = timezone.now()
    Resolution.objects.filter(pk=locked.pk).update(
        national_letter=letter, escalated_national_at=now
    )
    resolution.national_letter, resolution.escalated_national_at = letter, now
    _resolution_event(resolution=locked, actor=actor, kind="national", reason=letter)
    _notify_resolution(
        resolution=locked,
        users=executives_for(province_id=locked.province_id),
        kind="resolution_national",
        subject=gettext_noop("A resolution was sent to the national HQ"),
        body=letter,
    )
    return resolution


# --- The follow-up job -------------------------------------------------------------------------


def resolutions_follow_up(*, today: dt.date) -> dict[str, int]:
    """Hourly: start the resolutions whose objection window has passed, remind the agencies
    of deadlines coming up, escalate the overdue step by step (the same steps and the same
    compare-and-set as case referrals). Safe to run twice, or twice at once. Returns counts."""
    counts = {"started": 0, "reminded": 0, "escalated": 0}
    lapsed = Resolution.objects.filter(state=R.NOTIFIED, objection_until__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(lapsed):
        with transaction.atomic():
            try:
                _transition(
                    actor=None,
                    resolution=Resolution.objects.get(pk=pk),
                    to=R.IN_PROGRESS,
                    action="start",
                    data={"window_passed": True},
                )
            except MeetingError:
                continue  # objected or accepted a moment ago
            counts["started"] += 1
    counts["reminded"] = _remind(today=today)
    counts["escalated"] = _escalate_overdue(today=today)
    return counts


def _remind(*, today: dt.date) -> int:
    calendar = work_calendar()
    days = settings.TASHIL_RESOLUTION_REMINDER_DAYS
    horizon = calendar.add_working_days(today, days)
    due = Resolution.objects.filter(
        state__in=sorted(WITH_AGENCY),
        reminded_on__isnull=True,
        deadline__gte=today,
        deadline__lte=horizon,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            if (
                Resolution.objects.filter(pk=pk, reminded_on__isnull=True).update(reminded_on=today)
                != 1
            ):
                continue
            resolution = Resolution.objects.select_related("meeting").get(pk=pk)
            _resolution_event(
                resolution=resolution,
                actor=None,
                kind="reminded",
                data={"deadline": resolution.deadline.isoformat()},
            )
            _notify_resolution(
                resolution=resolution,
                users=_agency_people(_addressee_ids(resolution)),
                kind="resolution_reminder",
                subject=gettext_noop("A resolution's deadline is near"),
            )
            sent += 1
    return sent


def _escalate_overdue(*, today: dt.date) -> int:
    steps = escalation_steps()
    calendar = work_calendar()
    sent = 0
    overdue = (
        Resolution.objects.filter(state__in=sorted(WITH_AGENCY), deadline__lt=today)
        .values_list("pk", "deadline", "escalation_level")
        .order_by("deadline", "pk")
    )
    for pk, deadline, level in overdue:
        reached, late_by = steps_reached(
            due_on=deadline, today=today, steps=steps, calendar=calendar
        )
        if reached <= level:
            continue
        with transaction.atomic():
            # Compare-and-set on the row's own columns, as for referrals (see cases.services).
            updated = Resolution.objects.filter(
                pk=pk,
                state__in=sorted(WITH_AGENCY),
                escalation_level=level,
                deadline=deadline,
            ).update(escalation_level=reached)
            if updated != 1:
                continue
            resolution = Resolution.objects.select_related("meeting").get(pk=pk)
            agency_ids = _addressee_ids(resolution)
            for number in range(level + 1, reached + 1):
                who, _days = steps[number - 1]
                _resolution_event(
                    resolution=resolution,
                    actor=None,
                    kind="escalated",
                    data={
                        "level": number,
                        "to": who,
                        "late_by": late_by,
                        "deadline": deadline.isoformat(),
                    },
                )
                _notify_resolution(
                    resolution=resolution,
                    users=escalation_recipients(
                        who,
                        agency_ids=agency_ids,
                        province_id=resolution.province_id,
                        county_id=resolution.county_id,
                    ),
                    kind=f"resolution_overdue_{who}",
                    subject=gettext_noop("A resolution is overdue"),
                )
                sent += 1
    return sent
