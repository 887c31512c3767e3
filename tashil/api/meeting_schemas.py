"""Input and output shapes of the meetings API (one per operation; shared pieces are nested).

As in the rest of the API, dates and times are ISO 8601 Gregorian on the wire: a resolution's
deadline is `2025-02-15`, never a Jalali date (Jalali is for people, on the pages and in the
minutes). A session's time must carry its UTC offset. A resolution is named for people by its
`code`, "227/3": resolution 3 of session 227.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from tashil.api.case_schemas import MAX_REASON, MAX_TEXT, AgencyRef, TextIn
from tashil.api.schemas import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_ID,
    MAX_OFFSET,
    CompanyRef,
    CountyOut,
    GregorianDate,
    LocalTime,
)
from tashil.cases.workflow import CaseStatus
from tashil.meetings.models import AgendaItemKind, Presence, ReportKind, Weekday
from tashil.meetings.workflow import MeetingKind, MeetingStatus, ResolutionState

# Agencies one resolution may bind, and rows one attendance sheet may hold.
MAX_AGENCIES = 20
MAX_ROWS = 200
# Items one agenda may be ordered with: more than any session gets through.
MAX_ITEMS = 500


def _label(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value != "" and value is not None else ""


def _agencies(obj: Any) -> list[Any]:
    # From the prefetched addressees, in a stable order.
    return sorted((row.agency for row in obj.addressees.all()), key=lambda a: (a.name, a.pk))


# --- Shared pieces -------------------------------------------------------------------------------


class BodyRef(Schema):
    id: int
    kind: MeetingKind
    name: str
    name_en: str


class MeetingRef(Schema):
    id: int
    number: int = Field(description="The session number, e.g. 227.")
    starts_at: dt.datetime
    body: BodyRef


class AgendaCaseRef(Schema):
    tracking: str = Field(description="8 characters, as used in the case API's URLs.")
    display_tracking: str = Field(description="As read over the phone: `XXXX-XXXX`.")
    title: str
    status: CaseStatus
    status_label: str
    company: CompanyRef

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return _label(CaseStatus, obj.status)


class ResolutionRef(Schema):
    id: int
    code: str = Field(description='"227/3": the session number and the resolution\'s number.')
    state: ResolutionState
    state_label: str

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return _label(ResolutionState, obj.state)


class ResolutionBrief(ResolutionRef):
    number: int = Field(description="Its place in the minutes of its session.")
    text: str
    deliverable: str = Field(description="What the agencies are to deliver.")
    deadline: dt.date
    agencies: list[AgencyRef] = Field(description="The responsible agencies.")
    item: int | None = Field(description="The agenda item it was passed on.")

    @staticmethod
    def resolve_agencies(obj: Any) -> list[Any]:
        return _agencies(obj)

    @staticmethod
    def resolve_item(obj: Any) -> int | None:
        return obj.item_id


# --- Bodies --------------------------------------------------------------------------------------


class BodyOut(BodyRef):
    kind_label: str
    county: CountyOut | None = Field(description="A county HQ's county.")
    category: str | None = Field(description="A working group's obstacle category (its code).")
    weekday: int = Field(ge=0, le=6, description="The day it meets: 0 is Monday … 6 is Sunday.")
    weekday_label: str
    time: LocalTime = Field(description="The time it usually meets, Tehran time.")
    place: str = Field(description="The usual place.")
    chair: str = Field(description="The usual chair.")
    is_active: bool
    members: list[AgencyRef] = Field(description="The agencies expected at every session.")
    next_session_on: dt.date = Field(
        description=(
            "The proposed date of the next session: its regular weekday after today and after "
            "its last session, moved past holidays."
        )
    )
    can_plan: bool = Field(description="Whether you may plan its sessions.")

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return _label(MeetingKind, obj.kind)

    @staticmethod
    def resolve_county(obj: Any) -> Any:
        return obj.county if obj.county_id else None

    @staticmethod
    def resolve_category(obj: Any) -> str | None:
        return obj.category.code if obj.category_id else None

    @staticmethod
    def resolve_weekday_label(obj: Any) -> str:
        return _label(Weekday, obj.weekday)

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.members.all())


# --- Meetings ------------------------------------------------------------------------------------


class MeetingFiltersIn(Schema):
    body: int | None = Field(None, ge=1, le=MAX_ID, description="A body's id (see `/bodies`).")
    status: MeetingStatus | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class MeetingOut(MeetingRef):
    place: str
    chair: str
    status: MeetingStatus
    status_label: str
    agenda_sent_at: dt.datetime | None
    closed_at: dt.datetime | None = Field(description="When the minutes were locked.")

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return _label(MeetingStatus, obj.status)


class MeetingItem(MeetingOut):
    item_count: int = Field(description="Items on its agenda.")
    resolution_count: int = Field(description="Resolutions passed (drafts until it closes).")


class MeetingPage(Schema):
    items: list[MeetingItem]
    next_offset: int | None = Field(
        description="The `offset` of the next page; null on the last page. Totals are not counted."
    )


class AgendaItemOut(Schema):
    id: int
    position: int = Field(description="1, 2, … in the order of the agenda.")
    kind: AgendaItemKind
    kind_label: str
    title: str
    case: AgendaCaseRef | None = Field(description="For a `case` item.")
    resolution: ResolutionRef | None = Field(
        description="For a `resolution` item: the earlier resolution back for review."
    )
    reason: str = Field(
        description=(
            "Why it is on the agenda when the platform put it there: `ready`, `objected`, "
            "`overdue`, `review`; empty for a topic."
        )
    )
    notes: str = Field(description="The discussion notes.")
    postponed: bool
    resolutions: list[ResolutionBrief] = Field(description="The resolutions passed on it.")

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return _label(AgendaItemKind, obj.kind)

    @staticmethod
    def resolve_case(obj: Any) -> Any:
        return obj.case if obj.case_id else None

    @staticmethod
    def resolve_resolution(obj: Any) -> Any:
        return obj.resolution if obj.resolution_id else None

    @staticmethod
    def resolve_resolutions(obj: Any) -> list[Any]:
        return list(obj.resolutions.all())


class AttendanceOut(Schema):
    agency: AgencyRef
    presence: Presence
    presence_label: str
    person: str = Field(description="Who came, or the deputy who represented the agency.")

    @staticmethod
    def resolve_presence_label(obj: Any) -> str:
        return _label(Presence, obj.presence)


class MeetingDetail(MeetingOut):
    guests: str = Field(description="Attendees who are not member agencies.")
    notes: str
    can_manage: bool = Field(
        description="Whether you may change its agenda, attendance and resolutions now."
    )
    items: list[AgendaItemOut] = Field(description="The agenda, in order.")
    attendance: list[AttendanceOut]
    resolutions: list[ResolutionBrief] = Field(description="All its resolutions, by number.")


def _aware(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        raise PydanticCustomError(
            "naive_datetime",
            str(_("Give the time with its UTC offset, e.g. 2025-01-15T09:00:00+03:30.")),
        )
    # The same bounds, and the same codes, as `schemas.GregorianDate`.
    if value.year < EARLIEST_YEAR:
        raise PydanticCustomError(
            "date_not_gregorian",
            str(
                _("Dates are Gregorian (ISO 8601, e.g. 2025-12-15); this looks like a Jalali date.")
            ),
        )
    if value.year > LATEST_YEAR:
        raise PydanticCustomError(
            "date_out_of_range",
            str(_("The year must be %(year)s or earlier.") % {"year": LATEST_YEAR}),
        )
    return value


class MeetingCreateIn(TextIn):
    body: int = Field(ge=1, le=MAX_ID, description="The body's id (see `/bodies`).")
    starts_at: dt.datetime = Field(
        description="ISO 8601 with its UTC offset, e.g. `2025-01-15T09:00:00+03:30`."
    )
    place: str = Field("", max_length=200, description="The body's usual place when empty.")
    chair: str = Field("", max_length=200, description="The body's usual chair when empty.")

    @field_validator("starts_at")
    @classmethod
    def _starts_at(cls, value: dt.datetime) -> dt.datetime:
        return _aware(value)


class CancelIn(TextIn):
    reason: str = Field(min_length=1, max_length=MAX_REASON)


# --- The agenda ----------------------------------------------------------------------------------


class ProposedResolutionOut(Schema):
    resolution: ResolutionBrief
    meeting: MeetingRef = Field(description="The session that passed it.")
    why: Literal["objected", "overdue"]


class ProposalsOut(Schema):
    cases: list[AgendaCaseRef] = Field(
        description="Cases ready for this body and on no open agenda, longest waiting first."
    )
    resolutions: list[ProposedResolutionOut] = Field(
        description=(
            "The body's resolutions that roll back by themselves (objected to, or overdue) and "
            "are on no open agenda: objections first, then the longest overdue."
        )
    )


class ItemAddIn(TextIn):
    kind: AgendaItemKind
    case: str | None = Field(
        None, max_length=20, description="For `case`: its tracking number (`XXXX-XXXX` or 8)."
    )
    resolution: int | None = Field(
        None, ge=1, le=MAX_ID, description="For `resolution`: the id of an issued resolution."
    )
    title: str | None = Field(None, max_length=300, description="For `topic`: what it is about.")


class ItemOrderIn(Schema):
    items: list[int] = Field(
        max_length=MAX_ITEMS, description="Every item id of the agenda, once, in the new order."
    )


class ItemRecordIn(TextIn):
    """Send only what changes."""

    notes: str | None = Field(None, max_length=MAX_TEXT, description="The discussion notes.")
    postponed: bool | None = Field(
        None, description="The item is left for a later session (its case stays ready)."
    )

    @field_validator("notes", "postponed")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Validators run only on fields that were sent, so an explicit null lands here.
        if value is None:
            raise ValueError(_("This field cannot be null."))
        return value


class AttendanceRowIn(TextIn):
    agency: int = Field(ge=1, le=MAX_ID, description="The agency's id.")
    presence: Presence
    person: str = Field(
        "", max_length=200, description="Who came; required when `represented` (the deputy)."
    )


class AttendanceIn(Schema):
    rows: list[AttendanceRowIn] = Field(min_length=1, max_length=MAX_ROWS)


class ResolutionDraftIn(TextIn):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    agencies: list[int] = Field(
        min_length=1,
        max_length=MAX_AGENCIES,
        description="The ids of the responsible agencies, of the body's province.",
    )
    deadline: GregorianDate = Field(
        description="Gregorian ISO date (e.g. `2025-02-15`), after the session's day."
    )
    deliverable: str = Field("", max_length=300, description="What the agencies are to deliver.")


# --- Resolutions ---------------------------------------------------------------------------------

# The keys of `selectors.BUCKETS` (a test checks they agree).
Bucket = Literal["executed", "follow_up", "not_executed"]


class ResolutionFiltersIn(TextIn):
    agency: int | None = Field(None, ge=1, le=MAX_ID, description="Addressed to this agency (id).")
    meeting: int | None = Field(None, ge=1, le=MAX_ID, description="Passed at this session (id).")
    state: ResolutionState | None = None
    bucket: Bucket | None = Field(
        None,
        description=(
            "The province's reporting split: `executed`, `follow_up` (notified, objected, in "
            "progress or reported) or `not_executed`."
        ),
    )
    overdue: bool = Field(
        False, description="Only those past their deadline and still with the agency."
    )
    text: str = Field("", max_length=200, description="Words of the resolution's text.")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ResolutionItem(ResolutionRef):
    number: int
    meeting: MeetingRef
    case: str | None = Field(description="The tracking number of the case it decides, if any.")
    text: str
    deliverable: str
    deadline: dt.date
    agencies: list[AgencyRef] = Field(description="The responsible agencies.")
    notified_at: dt.datetime | None = Field(description="When it was issued (ابلاغ).")
    objection_until: dt.date | None = Field(
        description="The last day an agency may object (inclusive); null for a draft."
    )
    overdue: bool = Field(description="Past its deadline and still with the agency.")
    escalated_national_at: dt.datetime | None = Field(
        description="When the secretariat sent it to the national HQ."
    )

    @staticmethod
    def resolve_case(obj: Any) -> str | None:
        return obj.case.tracking if obj.case_id else None

    @staticmethod
    def resolve_agencies(obj: Any) -> list[Any]:
        return _agencies(obj)

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(obj.is_overdue(timezone.localdate()))


class ResolutionPage(Schema):
    items: list[ResolutionItem]
    next_offset: int | None = Field(
        description="The `offset` of the next page; null on the last page. Totals are not counted."
    )


class ResolutionMoveOut(Schema):
    to: ResolutionState
    to_label: str
    action: str = Field(description="The lifecycle's name for the move, e.g. `object`.")
    reason_required: bool

    @staticmethod
    def resolve_to_label(obj: Any) -> str:
        return _label(ResolutionState, obj["to"])


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class ReportOut(Schema):
    id: int
    agency: AgencyRef
    kind: ReportKind
    kind_label: str
    text: str
    author: str
    files: list[EvidenceOut] = Field(
        description="Evidence sent with the report on the pages (the API takes text only)."
    )
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return _label(ReportKind, obj.kind)

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author)

    @staticmethod
    def resolve_files(obj: Any) -> list[Any]:
        return list(obj.files.all())


class ResolutionDetail(ResolutionItem):
    item: int | None = Field(description="The agenda item it was passed on.")
    allowed_moves: list[ResolutionMoveOut] = Field(
        description=(
            "The moves the lifecycle allows you on this resolution now. Make them with "
            "`POST /resolutions/{resolution_id}/transitions`."
        )
    )
    can_report: bool = Field(
        description="Whether you may report progress (`POST /resolutions/{id}/reports`)."
    )
    reports: list[ReportOut] = Field(description="The agencies' reports, oldest first.")

    @staticmethod
    def resolve_item(obj: Any) -> int | None:
        return obj.item_id


class ResolutionTransitionIn(TextIn):
    to: ResolutionState = Field(description="The state to move to; see `allowed_moves`.")
    reason: str = Field(
        "",
        max_length=MAX_REASON,
        description=(
            "Why (required where the move says `reason_required`). For `objected` the "
            "objection, for `reported` the report of execution."
        ),
    )


class ReportIn(TextIn):
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="What was done.")
