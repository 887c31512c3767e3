"""Obstacle cases over HTTP: the list and detail, filing, moves, referrals and the agencies'
answers and extensions. Every read goes through `tashil.cases.selectors`, so a user sees over the
API exactly what they see on the pages; every write goes through `tashil.cases.services`, which
checks the workflow table and the actor's role.

A case or referral the user may not see answers 404, exactly like one that does not exist. A
user who sees a case but may not change it (the executive, an agency officer asked to move it)
gets 403. A move the workflow refuses is a 400 with the code `case_rule`; the rule's own code
(`invalid_transition`, `reason_required`, `extended_once`, `conflict`…) is under
`errors["__all__"]`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from tashil.accounts.models import User
from tashil.agencies.models import Agency
from tashil.api import case_schemas as schemas
from tashil.api.auth import acting_user
from tashil.api.errors import ApiError, ErrorCode, in_field
from tashil.api.paging import page
from tashil.api.schemas import MAX_ID, ErrorOut
from tashil.cases import selectors, services
from tashil.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Category,
    Channel,
    Referral,
    ReferralStatus,
)
from tashil.cases.tracking import normalise_tracking
from tashil.cases.workflow import move
from tashil.core.identifiers import clean_digits
from tashil.registry.models import Company

router = Router(tags=["cases"])


def _errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(statuses, ErrorOut)


def _forbidden() -> ApiError:
    return ApiError(
        403, ErrorCode.PERMISSION_DENIED, _("You may not make this change to the case.")
    )


@contextmanager
def _case_rules() -> Iterator[None]:
    """A service's CaseError as an API error. `not_allowed` is about who asks (403); the other
    codes are about the case's state or the input (400). Either way the body says which rule."""
    try:
        yield
    except services.CaseError as exc:
        code = exc.code or "invalid"
        message = " ".join(str(m) for m in exc.messages)
        errors = {"__all__": [{"code": code, "message": message}]}
        if code == "not_allowed":
            raise ApiError(403, ErrorCode.PERMISSION_DENIED, message, errors) from exc
        raise ApiError(400, ErrorCode.CASE_RULE, message, errors) from exc


def _case(user: User, tracking: str) -> Case:
    normalised = normalise_tracking(tracking)
    if normalised is None:
        raise Http404
    return selectors.case_get_for_user(user=user, tracking=normalised)


@dataclass
class _CaseView:
    """A case with what its detail shows besides its own columns. Other attributes are the
    case's, so the schema reads both alike."""

    case: Case
    open_referrals: int
    overdue_referrals: int
    referrals: list[Referral]
    allowed_moves: list[dict[str, Any]]
    can_refer: bool
    attachments: list[Attachment]
    timeline: list[CaseEvent]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.case, name)


def _case_detail(user: User, tracking: str) -> _CaseView:
    case = _case(user, tracking)
    visible = selectors.amount_visible_ids(user, [case])
    selectors.hide_amounts(user, [case], visible)
    timeline = selectors.case_timeline(case)
    if case.pk not in visible:
        selectors.hide_event_amounts(timeline)
    referrals = selectors.case_referrals(case)
    today = timezone.localdate()
    moves = selectors.allowed_moves(user, case)
    open_referrals = [r for r in referrals if r.status == ReferralStatus.OPEN]
    return _CaseView(
        case=case,
        open_referrals=len(open_referrals),
        overdue_referrals=sum(1 for r in open_referrals if r.due_on < today),
        referrals=referrals,
        allowed_moves=[
            {"to": to, "action": found.action, "reason_required": found.reason_required}
            for to, found in moves.items()
        ],
        can_refer=selectors.can_refer_more(user, case)
        or any(found.action == "refer" for found in moves.values()),
        attachments=selectors.case_attachments(case),
        timeline=timeline,
    )


def _check_may_change(user: User, case: Case) -> None:
    """Only those with a part in the case's workflow may change it; everyone else who sees it
    (the executive, agency staff) only reads it."""
    if not services.actor_kinds(user, case):
        raise _forbidden()


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- Cases ---------------------------------------------------------------------------------------


@router.get(
    "/cases",
    response={200: schemas.CasePage, **_errors(401, 422)},
    operation_id="case_list",
    url_name="case_list",
    summary="List the cases you may see",
    description=(
        "Newest first. The secretariat and the executive see their province, a county "
        "secretariat its county, agency staff the cases referred to their agency, an expert "
        "the cases assigned to them, a company representative their company's. Pages are read "
        "with `limit` and `offset`; `next_offset` is null on the last page."
    ),
)
def case_list(request: HttpRequest, filters: Query[schemas.CaseFiltersIn]) -> Any:
    user = acting_user(request)
    if filters.filed_from and filters.filed_to and filters.filed_from > filters.filed_to:
        raise _field_error(
            "filed_from", _("`filed_from` must not be after `filed_to`."), "range_reversed"
        )
    # An agency is named by its code (`tax`) or its id.
    agency = clean_digits(filters.agency or "")
    agency_id = int(agency) if agency.isascii() and agency.isdigit() else None
    if agency_id is not None and agency_id > MAX_ID:
        raise _field_error("agency", _("No agency has this id."), "unknown_agency")
    today = timezone.localdate()
    qs = selectors.cases_filtered(
        user=user,
        filters=selectors.CaseFilters(
            statuses=[status.value for status in filters.status],
            agency=agency_id,
            filed_from=filters.filed_from,
            filed_to=filters.filed_to,
            overdue=filters.overdue,
            q=filters.q.strip(),
        ),
        today=today,
    )
    # The selector filters by id; the API speaks in the codes people use.
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.county:
        qs = qs.filter(county__code=clean_digits(filters.county))
    if filters.company:
        qs = qs.filter(company__national_id=clean_digits(filters.company))
    if agency and agency_id is None:
        qs = qs.filter(Exists(Referral.objects.filter(case=OuterRef("pk"), agency__code=agency)))
    rows = selectors.case_rows(qs, today=today, offset=filters.offset, limit=filters.limit + 1)
    selectors.hide_amounts(user, rows)
    more = len(rows) > filters.limit
    return {
        "items": rows[: filters.limit],
        "next_offset": filters.offset + filters.limit if more else None,
    }


@router.get(
    "/cases/{tracking}",
    response={200: schemas.CaseDetail, **_errors(401, 404)},
    operation_id="case_get",
    url_name="case_detail",
    summary="One case with its referrals, files, the moves open to you, and its timeline",
)
def case_get(request: HttpRequest, tracking: str) -> Any:
    return _case_detail(acting_user(request), tracking)


def _filing_references(user: User, payload: schemas.CaseFileIn) -> tuple[Company, Category]:
    errors: dict[str, ValidationError] = {}
    # Looked up among the companies the caller may file for: a company that is not yours and
    # one that is not registered get the same 403, so the API does not tell which companies
    # are in the registry (neither do the registry pages nor Open311).
    company = (
        selectors.filing_companies(user).filter(national_id=clean_digits(payload.company)).first()
    )
    if company is None:
        raise ApiError(
            403, ErrorCode.PERMISSION_DENIED, _("You may not file a case for this company.")
        )
    category = Category.objects.filter(code=payload.category.strip()).first()
    if category is None:
        errors["category"] = ValidationError(
            _("No obstacle category has this code."), code="unknown_category"
        )
    if errors:
        raise ValidationError(errors)
    assert company is not None and category is not None  # noqa: S101 - narrowed by `errors`
    return company, category


@router.post(
    "/cases",
    response={201: schemas.CaseDetail, **_errors(400, 401, 403, 422)},
    operation_id="case_file",
    url_name="case_file",
    summary="File a case for a company (its representatives, the secretariat)",
    description=(
        "A company representative files for their own company, the province's secretariat for "
        "any company of the province, a county secretariat for the companies of its county. "
        "The case starts as `submitted` in the secretariat's queue; the receipt goes to the "
        "company's representatives."
    ),
)
def case_file(request: HttpRequest, payload: schemas.CaseFileIn) -> Any:
    user = acting_user(request)
    company, category = _filing_references(user, payload)
    with _case_rules():
        case = services.case_file(
            actor=user,
            company=company,
            category=category,
            title=payload.title,
            description=payload.description,
            requested_outcome=payload.requested_outcome,
            amount=payload.amount,
            address=payload.address,
            channel=payload.channel,
            machine_channel=payload.channel == Channel.API,
        )
    return Status(201, _case_detail(user, case.tracking))


def _move_extras(user: User, case: Case, payload: schemas.TransitionIn) -> dict[str, Any]:
    """What some moves need besides a reason: the expert, the case to merge into, the score."""
    found = move(case.status, payload.to)
    action = found.action if found else ""
    if action == "refer":
        raise ApiError(
            400,
            ErrorCode.CASE_RULE,
            _("Refer a case through its referrals, which name the agencies and their requests."),
            {
                "to": [
                    {"code": "use_referrals", "message": _("Use POST /cases/{tracking}/referrals.")}
                ]
            },
        )
    extra: dict[str, Any] = {}
    if action == "assign_expert":
        if not payload.expert_username:
            raise _field_error(
                "expert_username", _("Name the expert who will review the case."), "required"
            )
        expert = services.experts_for(case).filter(username=payload.expert_username).first()
        if expert is None:
            raise _field_error(
                "expert_username",
                _("No expert of this province has this username."),
                "unknown_expert",
            )
        extra["expert"] = expert
    elif action == "merge":
        if not payload.merge_into:
            raise _field_error(
                "merge_into", _("Give the tracking number of the case to merge into."), "required"
            )
        target = normalise_tracking(payload.merge_into)
        into = selectors.cases_for_user(user).filter(tracking=target).first() if target else None
        if into is None:
            raise _field_error(
                "merge_into", _("No case you can see has this tracking number."), "unknown_case"
            )
        extra["into"] = into
    elif action == "confirm":
        extra["satisfaction"] = payload.satisfaction
    return extra


@router.post(
    "/cases/{tracking}/transitions",
    response={200: schemas.CaseDetail, **_errors(400, 401, 403, 404, 422)},
    operation_id="case_transition",
    url_name="case_transition",
    summary="Move a case to another status",
    description=(
        "The move must be in the case's `allowed_moves`. `assign_expert` needs "
        "`expert_username`, `merge` needs `merge_into`, `confirm` takes an optional "
        "`satisfaction`. Referring is done with `POST /cases/{tracking}/referrals`. A refused "
        "move changes nothing."
    ),
)
def case_transition(request: HttpRequest, tracking: str, payload: schemas.TransitionIn) -> Any:
    user = acting_user(request)
    case = _case(user, tracking)
    _check_may_change(user, case)
    extra = _move_extras(user, case, payload)
    with _case_rules():
        services.case_move(actor=user, case=case, to=payload.to, reason=payload.reason, **extra)
    return _case_detail(user, case.tracking)


@router.post(
    "/cases/{tracking}/referrals",
    response={201: list[schemas.ReferralOut], **_errors(400, 401, 403, 404, 422)},
    operation_id="case_refer",
    url_name="case_refer",
    summary="Refer a case to one or more agencies, each with its request and deadline",
    description=(
        "The province's secretariat (or the county secretariat for its county's cases) refers "
        "a case in screening or expert review, and may add further agencies while it is "
        "referred. Each deadline is counted in working days from today; without `days` the "
        "category's default applies. Answers the referrals made."
    ),
)
def case_refer(request: HttpRequest, tracking: str, payload: schemas.ReferIn) -> Any:
    user = acting_user(request)
    case = _case(user, tracking)
    _check_may_change(user, case)
    codes = [item.agency for item in payload.referrals]
    agencies = {
        agency.code: agency
        for agency in Agency.objects.filter(
            province_id=case.province_id, code__in=codes, is_active=True
        )
    }
    unknown = {
        f"referrals.{index}.agency": ValidationError(
            _("No agency of this province has this code."), code="unknown_agency"
        )
        for index, code in enumerate(codes)
        if code not in agencies
    }
    if unknown:
        raise ValidationError(unknown)
    requests = [
        services.ReferralRequest(
            agency=agencies[item.agency], request_text=item.request_text, days=item.days
        )
        for item in payload.referrals
    ]
    with _case_rules():
        referrals = services.case_refer(actor=user, case=case, requests=requests)
    return Status(201, referrals)


@router.post(
    "/cases/{tracking}/attachments",
    response={201: list[schemas.AttachmentOut], **_errors(400, 401, 403, 404, 422)},
    operation_id="case_attach",
    url_name="case_attach",
    summary="Add files to an open case (its company, the secretariat, the assigned expert)",
    description=(
        "`multipart/form-data` with one or more `files`. PDF, JPEG, PNG, Word and Excel files "
        "are accepted, judged by their content; the size and count are limited."
    ),
)
def case_attach(
    request: HttpRequest,
    tracking: str,
    files: File[list[UploadedFile]],
) -> Any:
    user = acting_user(request)
    case = _case(user, tracking)
    _check_may_change(user, case)
    try:
        with _case_rules():
            attachments = services.case_attach(actor=user, case=case, files=files)
    except ValidationError as exc:
        # The content checks know no field; the files are the only one here.
        raise in_field("files", exc) from exc
    return Status(201, attachments)


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, **_errors(401, 404)},
    operation_id="attachment_get",
    url_name="attachment_get",
    summary="Download a file of a case you may see",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with its sniffed content type.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def attachment_get(request: HttpRequest, attachment_id: int) -> Any:
    if not 1 <= attachment_id <= MAX_ID:
        raise Http404
    attachment = selectors.attachment_get_for_user(user=acting_user(request), pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (a restore without var/media): say so, do not crash.
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Referrals -----------------------------------------------------------------------------------


def _referral(user: User, referral_id: int) -> Referral:
    """A referral of a case the user sees, or 404 (as for one that does not exist)."""
    if not 1 <= referral_id <= MAX_ID:
        raise Http404
    referral = (
        Referral.objects.filter(
            pk=referral_id, case__in=selectors.cases_for_user(user).values("pk")
        )
        .select_related("case__company", "case__category", "case__county", "agency", "answered_by")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


@router.get(
    "/referrals",
    response={200: schemas.ReferralPage, **_errors(401, 422)},
    operation_id="referral_inbox",
    url_name="referral_inbox",
    summary="Your agency's inbox of referrals",
    description=(
        "Open referrals addressed to your agencies, by deadline so the overdue come first; "
        "with `answered=true`, those already answered, newest first. Empty for anyone who is "
        "not an agency's officer or head."
    ),
)
def referral_inbox(request: HttpRequest, filters: Query[schemas.InboxFiltersIn]) -> Any:
    qs = selectors.agency_inbox(user=acting_user(request), answered=filters.answered)
    qs = qs.select_related("answered_by")
    return page(qs, offset=filters.offset, limit=filters.limit)


@router.post(
    "/referrals/{referral_id}/answer",
    response={200: schemas.ReferralWithCaseOut, **_errors(400, 401, 403, 404, 422)},
    operation_id="referral_answer",
    url_name="referral_answer",
    summary="Answer a referral (the agency's officers and head)",
    description="Once per referral; the secretariat, the expert and the company are told.",
)
def referral_answer(request: HttpRequest, referral_id: int, payload: schemas.AnswerIn) -> Any:
    user = acting_user(request)
    referral = _referral(user, referral_id)
    with _case_rules():
        services.referral_answer(actor=user, referral=referral, answer=payload.answer)
    return _referral(user, referral_id)


@router.post(
    "/referrals/{referral_id}/extension",
    response={200: schemas.ReferralWithCaseOut, **_errors(400, 401, 403, 404, 422)},
    operation_id="referral_extend",
    url_name="referral_extend",
    summary="Ask for more time on a referral (the agency's officers and head)",
    description=(
        "Granted at once, once per referral, up to the platform's limit of working days (10 "
        "unless configured otherwise); the deadline moves from the later of the old deadline "
        "and today, and the secretariat is told."
    ),
)
def referral_extend(request: HttpRequest, referral_id: int, payload: schemas.ExtensionIn) -> Any:
    user = acting_user(request)
    referral = _referral(user, referral_id)
    with _case_rules():
        services.referral_extend(
            actor=user, referral=referral, days=payload.days, reason=payload.reason
        )
    return _referral(user, referral_id)
