"""Input and output shapes of the case API (one per operation; shared pieces are nested).

As in the registry's schemas, dates and times are ISO 8601 Gregorian on the wire and digits are
ASCII. A case is named by its tracking number: 8 characters in the URL, `XXXX-XXXX` for people;
either form (and Persian digits) is accepted in paths.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ValidationError, ValidatorFunctionWrapHandler, field_validator
from pydantic_core import PydanticCustomError

from tashil.api.schemas import MAX_OFFSET, CompanyRef, CountyOut, GregorianDate
from tashil.cases.models import MAX_AMOUNT, Channel, Outcome, ReferralStatus
from tashil.cases.services import EventKind
from tashil.cases.workflow import CaseStatus

# Long enough for any letter a company or an agency writes, short enough to refuse a dump.
MAX_TEXT = 20_000
MAX_REASON = 5_000
# The bounds of a referral's deadline, as the service checks them (working days).
MIN_DAYS = 1
MAX_DAYS = 120
# Agencies one request may refer a case to.
MAX_REFERRALS = 20


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value else ""


# --- Shared pieces -------------------------------------------------------------------------------


class AgencyRef(Schema):
    id: int
    code: str
    name: str
    name_en: str


class UserRef(Schema):
    username: str
    name: str = Field(description="Full name, or the username when none is recorded.")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class CaseRef(Schema):
    tracking: str = Field(description="8 characters, as used in the URL.")
    display_tracking: str = Field(description="As read over the phone: `XXXX-XXXX`.")
    title: str
    status: CaseStatus
    status_label: str
    category: str = Field(description="The category's code.")
    company: CompanyRef
    county: CountyOut

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return _label(CaseStatus, obj.status)

    @staticmethod
    def resolve_category(obj: Any) -> str:
        return str(obj.category.code)


# --- Lists ---------------------------------------------------------------------------------------


class CaseFiltersIn(Schema):
    status: list[CaseStatus] = Field(
        default_factory=list,
        description="Repeat for several: `?status=submitted&status=screening`.",
    )
    category: str | None = Field(None, max_length=50, description="Category code, e.g. `tax`.")
    county: str | None = Field(None, max_length=10, description="County code, e.g. 2603.")
    agency: str | None = Field(
        None,
        max_length=50,
        description="Agency code (e.g. `tax`) or id: cases ever referred to that agency.",
    )
    company: str | None = Field(None, max_length=40, description="The company's national ID.")
    filed_from: GregorianDate | None = Field(None, description="Filed on or after this day.")
    filed_to: GregorianDate | None = Field(None, description="Filed on or before this day.")
    overdue: bool = Field(False, description="Only cases with an overdue open referral.")
    q: str = Field(
        "", max_length=200, description="Words of the title or company name, or a tracking number."
    )
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    @field_validator("status", mode="wrap")
    @classmethod
    def _known_statuses(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # Ninja names an error of one item of a query list `filters.status.0`; raised for the
        # whole list it is reported under `status`, as every other query parameter.
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(
                "enum",
                str(_("Unknown status; the statuses are: %(choices)s."))
                % {"choices": ", ".join(CaseStatus.values)},
            ) from None


class CaseItem(CaseRef):
    amount: int | None = Field(description="Rial; null when none was given.")
    channel: Channel
    created_at: dt.datetime
    status_changed_at: dt.datetime
    open_referrals: int = Field(description="Referrals still waiting for an agency's answer.")
    overdue_referrals: int = Field(description="Open referrals whose deadline has passed.")


class CasePage(Schema):
    items: list[CaseItem]
    next_offset: int | None = Field(
        description="The `offset` of the next page; null on the last page. Totals are not counted."
    )


# --- One case ------------------------------------------------------------------------------------


class ReferralOut(Schema):
    id: int
    agency: AgencyRef
    request_text: str
    status: ReferralStatus
    status_label: str
    due_on: dt.date = Field(description="The last working day on which an answer is on time.")
    extended_days: int = Field(description="Working days added by the agency's one extension.")
    extension_reason: str
    answer: str
    answered_at: dt.datetime | None
    answered_by: UserRef | None
    escalation_level: int = Field(description="0 on time; 1… the escalation steps notified.")
    overdue: bool = Field(description="Open, and its deadline has passed.")
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return _label(ReferralStatus, obj.status)

    @staticmethod
    def resolve_answered_by(obj: Any) -> Any:
        return obj.answered_by if obj.answered_by_id else None

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(obj.is_overdue(timezone.localdate()))


class MoveOut(Schema):
    to: CaseStatus
    to_label: str
    action: str = Field(description="The workflow's name for the move, e.g. `start_screening`.")
    reason_required: bool

    @staticmethod
    def resolve_to_label(obj: Any) -> str:
        return _label(CaseStatus, obj["to"])


class EventOut(Schema):
    kind: str = Field(
        description="One of: " + ", ".join(f"`{kind}`" for kind in EventKind.values) + "."
    )
    kind_label: str
    from_status: CaseStatus | None
    to_status: CaseStatus | None
    reason: str
    actor: str | None = Field(description="Who did it; null for the system's periodic jobs.")
    referral: int | None = Field(description="The referral the event is about, if any.")
    created_at: dt.datetime
    data: dict[str, Any]

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return _label(EventKind, obj.kind) if obj.kind in EventKind.values else obj.kind

    @staticmethod
    def resolve_from_status(obj: Any) -> str | None:
        return obj.from_status or None

    @staticmethod
    def resolve_to_status(obj: Any) -> str | None:
        return obj.to_status or None

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return str(obj.actor) if obj.actor_id else None

    @staticmethod
    def resolve_referral(obj: Any) -> int | None:
        return obj.referral_id


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str = Field(description="Read from the file's content, not from its name.")
    size: int
    referral: int | None = Field(description="The referral whose answer the file came with.")
    created_at: dt.datetime

    @staticmethod
    def resolve_referral(obj: Any) -> int | None:
        return obj.referral_id


class CaseDetail(CaseItem):
    description: str
    requested_outcome: str
    address: str
    outcome: Outcome | None
    assignee: UserRef | None = Field(description="The expert reviewing the case.")
    confirm_until: dt.datetime | None = Field(
        description="The company may confirm or reopen until then."
    )
    satisfaction: int | None = Field(description="The company's score, 1 to 5.")
    approved_amount: int | None = Field(
        description=(
            "Loan or facility approved (rial), as the secretariat recorded it; null when none "
            "is recorded or you may not see the case's amounts."
        )
    )
    jobs_preserved: int | None = Field(description="Jobs preserved, as recorded.")
    results_on: dt.date | None = Field(description="The day the results were achieved.")
    merged_into: str | None = Field(description="Tracking number of the case this one joined.")
    referrals: list[ReferralOut]
    allowed_moves: list[MoveOut] = Field(
        description=(
            "The moves the workflow allows you on this case now. Make them with "
            "`POST /cases/{tracking}/transitions`, except `refer`, which is made with "
            "`POST /cases/{tracking}/referrals`."
        )
    )
    can_refer: bool = Field(description="Whether you may refer the case to agencies now.")
    attachments: list[AttachmentOut]
    timeline: list[EventOut] = Field(description="Every event of the case, oldest first.")

    @staticmethod
    def resolve_outcome(obj: Any) -> str | None:
        return obj.outcome or None

    @staticmethod
    def resolve_assignee(obj: Any) -> Any:
        return obj.assignee if obj.assignee_id else None

    @staticmethod
    def resolve_merged_into(obj: Any) -> str | None:
        return obj.merged_into.tracking if obj.merged_into_id else None


# --- Writes --------------------------------------------------------------------------------------

# How a case filed through the API reached the HQ: `api` when a program files it; the
# secretariat's scripts may record the channel the case really came by (a letter, a walk-in).
FilingChannel = Literal[
    "api",
    "walk_in",
    "letter",
    "phone",
    "field_visit",
    "county_hq",
]


class TextIn(Schema):
    """Input whose text reaches the database: PostgreSQL refuses a NUL character in text, so it
    is refused here, as a field error, instead of failing the request later."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("nul_character", _("Text may not contain a NUL character."))
        return value


class CaseFileIn(TextIn):
    company: str = Field(
        min_length=1,
        max_length=40,
        description="The company's national ID (11 digits; Persian digits, spaces, dashes ok).",
    )
    category: str = Field(min_length=1, max_length=50, description="Category code, e.g. `tax`.")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=MAX_TEXT)
    requested_outcome: str = Field("", max_length=MAX_TEXT)
    amount: int | None = Field(None, ge=0, le=MAX_AMOUNT, description="Rial.")
    address: str = Field("", max_length=300)
    channel: FilingChannel = Field(
        "api",
        description=(
            "`api` (the default) for a program filing on the company's behalf; the "
            "secretariat may record `walk_in`, `letter`, `phone` or `field_visit`, a county "
            "secretariat `county_hq`."
        ),
    )


class TransitionIn(TextIn):
    to: CaseStatus = Field(description="The status to move to; see `allowed_moves`.")
    reason: str = Field(
        "",
        max_length=MAX_REASON,
        description=(
            "Why (required where the move says `reason_required`; the company sees it). When "
            "the company answers a request for information, the information itself."
        ),
    )
    expert_username: str | None = Field(
        None, max_length=150, description="For `assign_expert`: the expert's username."
    )
    merge_into: str | None = Field(
        None, max_length=20, description="For `merge`: the tracking number of the case to join."
    )
    satisfaction: int | None = Field(
        None, ge=1, le=5, description="For `confirm`: the company's score, 1 to 5."
    )


class ReferralIn(TextIn):
    agency: str = Field(min_length=1, max_length=50, description="Agency code, e.g. `tax`.")
    request_text: str = Field(min_length=1, max_length=MAX_TEXT)
    days: int | None = Field(
        None,
        ge=MIN_DAYS,
        le=MAX_DAYS,
        description="Working days to answer; the category's default when absent.",
    )


class ReferIn(Schema):
    referrals: list[ReferralIn] = Field(min_length=1, max_length=MAX_REFERRALS)


class ReferralWithCaseOut(ReferralOut):
    case: CaseRef


class InboxFiltersIn(Schema):
    answered: bool = Field(
        False, description="The referrals already answered (newest first) instead of open ones."
    )
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ReferralPage(Schema):
    items: list[ReferralWithCaseOut]
    next_offset: int | None


class AnswerIn(TextIn):
    answer: str = Field(min_length=1, max_length=MAX_TEXT)


class ExtensionIn(TextIn):
    days: int = Field(ge=MIN_DAYS, le=MAX_DAYS, description="Working days to add.")
    reason: str = Field(min_length=1, max_length=MAX_REASON)
