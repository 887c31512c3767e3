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
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from tashil.accounts.access import scopes_of
from tashil.accounts.models import User
from tashil.accounts.roles import Role
from tashil.agencies.escalation import (
    ESCALATION_WHO,  # noqa: F401 (the timeline reads it from here)
    agency_staff,
    escalation_recipients,
    escalation_steps,
    executives_for,
    secretariat_for,
    steps_reached,
)
from tashil.agencies.models import Agency
from tashil.cases.attachments import EXTENSIONS, CheckedFile, check_uploads
from tashil.cases.models import (
    MAX_AMOUNT,
    Attachment,
    Case,
    CaseEvent,
    Category,
    Channel,
    DefaultAgency,
    Outcome,
    Referral,
    ReferralStatus,
)
from tashil.cases.tracking import new_tracking
from tashil.cases.workflow import FINAL, OUTCOMES, Actor, CaseStatus, Move, move
from tashil.core.selectors import work_calendar
from tashil.core.text import search_key, to_persian_digits
from tashil.core.workdays import WorkCalendar
from tashil.core.workflow import compare_and_set, refusal
from tashil.geo.models import Province
from tashil.notifications.services import notify
from tashil.registry.models import Company


@transaction.atomic
def categories_load(*, province: Province, rows: Iterable[Mapping[str, str]]) -> int:
    """Create or update the obstacle categories and, for `province`, their default agencies.

    A default agency an administrator has since changed is kept: the seed only fills gaps.
    """
    agencies = {a.code: a for a in Agency.objects.filter(province=province)}
    count = 0
    for order, row in enumerate(rows, start=1):
        category, _ = Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "order": order,
            },
            create_defaults={
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "order": order,
                "response_days": int(row.get("response_days") or 10),
            },
        )
        agency = agencies.get(row.get("default_agency") or "")
        if agency is not None:
            DefaultAgency.objects.get_or_create(
                province=province, category=category, defaults={"agency": agency}
            )
        count += 1
    return count


# --- Obstacle cases ----------------------------------------------------------------------------
# Every write below runs in a transaction, locks the case row it changes, and writes a CaseEvent.
# Notices go out through notifications.notify, whose emails and texts leave after commit.


class CaseError(ValidationError):
    """A move the workflow or the actor's role does not allow; `message` is for the user."""


class EventKind(models.TextChoices):
    FILED = "filed", _("filed")
    TRANSITION = "transition", _("status changed")
    REFERRED = "referred", _("referred to an agency")
    ANSWERED = "answered", _("agency answered")
    EXTENDED = "extended", _("deadline extended")
    ESCALATED = "escalated", _("escalated")
    WITHDRAWN = "withdrawn", _("referral withdrawn")
    DEADLINES_MOVED = "deadlines_moved", _("deadlines moved for the pause")
    ATTACHED = "attached", _("files attached")
    MERGED_IN = "merged_in", _("duplicate merged in")
    RESULTS = "results", _("results recorded")
    # Written by the meetings app: put on / taken off an agenda, and each step of a resolution
    # on the case, so the case's timeline tells the whole story.
    AGENDA = "agenda", _("meeting agenda")
    RESOLUTION = "resolution", _("resolution")


def _event(
    *,
    case: Case,
    actor: User | None,
    kind: str,
    referral: Referral | None = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        referral=referral,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=dict(data or {}),
    )


def actor_kinds(user: User | None, case: Case) -> set[str]:
    """The workflow actors (workflow.Actor) `user` counts as for `case`. None is the system."""
    if user is None:
        return {Actor.SYSTEM}
    kinds: set[str] = set()
    for scope in scopes_of(user):
        if scope.role == Role.SECRETARIAT and scope.province_id == case.province_id:
            kinds.add(Actor.SECRETARIAT)
        elif scope.role == Role.COUNTY_SECRETARIAT and scope.county_id == case.county_id:
            kinds.add(Actor.SECRETARIAT)
        elif (
            scope.role == Role.EXPERT
            and scope.province_id == case.province_id
            and case.assignee_id == user.pk
        ):
            kinds.add(Actor.EXPERT)
        elif scope.role == Role.COMPANY_REP and scope.company_id == case.company_id:
            kinds.add(Actor.COMPANY)
    return kinds


def _locked(case: Case) -> Case:
    """The case row, locked until the transaction ends (PostgreSQL; SQLite serialises writers)."""
    return Case.objects.select_for_update().get(pk=case.pk)


def _refresh(target: Case, source: Case) -> None:
    """Copy the locked row's state onto the caller's object, so the caller sees the change."""
    for field in Case._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _label(status: str) -> str:
    return str(CaseStatus(status).label) if status in CaseStatus.values else status


def invalid_move(source: str, target: str) -> CaseError:
    """The refusal of a move the table does not have (also shown by the case page when a form
    posts a move it did not offer)."""
    return CaseError(
        _("A case that is “%(source)s” cannot become “%(target)s”.")
        % {"source": _label(source), "target": _label(target)},
        code="invalid_transition",
    )


def _check_move(*, actor: User | None, case: Case, to: str, reason: str, action: str) -> Move:
    found = move(case.status, to)
    problem = refusal(found, action=action, kinds=actor_kinds(actor, case), reason=reason)
    if problem == "invalid_transition" or found is None:
        raise invalid_move(case.status, to)
    if problem == "not_allowed":
        raise CaseError(_("You may not make this change to the case."), code="not_allowed")
    if problem == "reason_required":
        raise CaseError(_("Please write the reason."), code="reason_required")
    return found


def _transition(
    *,
    actor: User | None,
    case: Case,
    to: str,
    action: str,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Case:
    """Lock, check the table and the actor, move, record. `fields` are further columns to set
    in the same write. Returns the locked, updated row."""
    locked = _locked(case)
    seen = (_seen_status.get() or {}).pop(locked.pk, None)
    if seen is not None and seen != locked.status:
        # The person chose this move on the status they saw; someone moved the case since.
        # Making the move from the new status would carry out a decision nobody took (a case
        # just returned for information, rejected by someone who saw it in screening).
        raise CaseError(
            _("Someone else changed this case a moment ago. Reload the page and try again."),
            code="conflict",
        )
    found = _check_move(actor=actor, case=locked, to=to, reason=reason, action=action)
    source = locked.status
    now = timezone.now()
    values = {"status": to, "status_changed_at": now, **fields}
    if source == CaseStatus.RETURNED_FOR_INFO:
        # Leaving the wait on the company in any direction (answered, rejected, merged) stops
        # the pause; `case_provide_info` also moves the deadlines by it.
        values.setdefault("paused_at", None)
        values.setdefault("returned_from", "")
    if not compare_and_set(locked, field="status", expected=source, values=values):
        raise CaseError(
            _("Someone else changed this case a moment ago. Reload the page and try again."),
            code="conflict",
        )
    _event(
        case=locked,
        actor=actor,
        kind=EventKind.TRANSITION,
        from_status=source,
        to_status=to,
        reason=reason.strip(),
        data={"action": found.action, **(data or {})},
    )
    if to in FINAL or to in OUTCOMES:
        _withdraw_open_referrals(actor=actor, case=locked)
    _refresh(case, locked)
    return locked


def _withdraw_open_referrals(*, actor: User | None, case: Case) -> None:
    for referral in case.referrals.filter(status=ReferralStatus.OPEN).select_related("agency"):
        # Compare-and-set: an answer committed a moment ago stays an answer.
        withdrawn = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.OPEN).update(
            status=ReferralStatus.WITHDRAWN
        )
        if withdrawn != 1:
            continue
        _event(case=case, actor=actor, kind=EventKind.WITHDRAWN, referral=referral)
        _notify(
            case=case,
            users=agency_staff(referral.agency_id),
            kind="referral_withdrawn",
            subject=gettext_noop("A referral to your agency was withdrawn"),
            message=gettext_noop("The case moved on; no answer is needed any more."),
        )


# --- Who hears about it ----------------------------------------------------------------------


def secretariat_of(case: Case) -> list[User]:
    """The provincial secretariat and the secretariat of the case's county."""
    return secretariat_for(province_id=case.province_id, county_id=case.county_id)


def company_reps_of(case: Case) -> list[User]:
    return list(
        User.objects.filter(
            role_assignments__role=Role.COMPANY_REP,
            role_assignments__company_id=case.company_id,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def executives_of(case: Case) -> list[User]:
    return executives_for(province_id=case.province_id)


def case_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"tracking": case.tracking})


def _notify(
    *,
    case: Case,
    users: Iterable[User],
    kind: str,
    subject: str,
    body: str | Promise = "",
    message: str = "",
    sms: bool = False,
    email: bool = True,
    exclude: User | None = None,
) -> None:
    """Notices are written in Persian whatever language the actor uses: mail has no language
    switch and the recipients read the Persian UI."""
    recipients = [user for user in users if exclude is None or user.pk != exclude.pk]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        tracking = to_persian_digits(case.display_tracking)
        title = Truncator(" ".join(case.title.split())).chars(80)
        full_subject = f"{gettext(subject)} — {tracking} · {title}"[:255]
        # `message` is one of our sentences (translated here); `body` is what a person wrote.
        text = "\n\n".join(
            part for part in (gettext(message) if message else "", str(body)) if part
        )
        sms_text = f"{gettext(subject)} — {gettext('case')} {tracking}" if sms else ""
    notify(
        users=recipients,
        kind=kind,
        subject=full_subject,
        body=text,
        url=case_url(case),
        sms=sms_text,
        email=email,
    )


# --- Filing ----------------------------------------------------------------------------------


# The channels through which each role files a case. The API channels (api, open311) are open to
# anyone who may file through one of these.
FILING_CHANNELS: dict[str, list[str]] = {
    Role.COMPANY_REP: [Channel.PORTAL],
    Role.SECRETARIAT: [Channel.WALK_IN, Channel.LETTER, Channel.PHONE, Channel.FIELD_VISIT],
    Role.COUNTY_SECRETARIAT: [Channel.COUNTY_HQ],
}


def _files_for(scope: Any, company: Company) -> bool:
    """Whether a role assignment covers filing for `company`."""
    if scope.role == Role.COMPANY_REP:
        return bool(scope.company_id == company.pk)
    if scope.role == Role.SECRETARIAT:
        return bool(scope.province_id == company.province_id)
    if scope.role == Role.COUNTY_SECRETARIAT:
        return bool(scope.county_id == company.county_id)
    return False


def filing_channels(user: User, company: Company) -> list[str]:
    """The channels through which `user` may file a case for `company` (empty: may not)."""
    channels: list[str] = []
    for scope in scopes_of(user):
        if _files_for(scope, company):
            channels.extend(FILING_CHANNELS[scope.role])
    return list(dict.fromkeys(channels))


def _unique_tracking() -> str:
    for _attempt in range(20):
        tracking = new_tracking()
        if not Case.objects.filter(tracking=tracking).exists():
            return tracking
    raise RuntimeError("could not find a free tracking number")


@transaction.atomic
def case_file(
    *,
    actor: User,
    company: Company,
    category: Category,
    title: str,
    description: str,
    channel: str,
    requested_outcome: str = "",
    amount: int | None = None,
    address: str = "",
    files: Sequence[Any] = (),
    machine_channel: bool = False,
) -> Case:
    """File a case for `company`. A company representative files for their own company through
    the portal, the secretariat for any company of its province (walk-in, letter, phone, field
    visit), a county secretariat for the companies of its county. The API channels (`api`,
    `open311`) pass `machine_channel=True` and need the same right as the portal or the
    secretariat. Files are checked by content before anything is written."""
    allowed = filing_channels(actor, company)
    if machine_channel:
        if channel not in (Channel.API, Channel.OPEN311):
            raise ValueError(f"not a machine channel: {channel!r}")
        if not allowed:
            raise CaseError(_("You may not file a case for this company."), code="not_allowed")
    elif channel not in allowed:
        raise CaseError(
            _("You may not file a case for this company this way.")
            if allowed
            else _("You may not file a case for this company."),
            code="not_allowed",
        )
    checked = check_uploads(list(files))
    case = Case(
        tracking=_unique_tracking(),
        province_id=company.province_id,
        county_id=company.county_id,
        company=company,
        category=category,
        # One line: the title is also a mail subject, where a line break is refused.
        title=" ".join(title.split()),
        description=description.strip(),
        requested_outcome=requested_outcome.strip(),
        amount=amount,
        channel=channel,
        address=address.strip(),
        filed_by=actor,
        search_key=search_key(title),
    )
    case.full_clean(exclude=["tracking", "search_key", "status_changed_at"])
    case.save()
    _event(
        case=case,
        actor=actor,
        kind=EventKind.FILED,
        to_status=case.status,
        data={"channel": channel},
    )
    _attach(actor=actor, case=case, files=files, checked=checked)
    _notify(
        case=case,
        users=secretariat_of(case),
        kind="case_filed",
        subject=gettext_noop("New case filed"),
        exclude=actor,
    )
    # The receipt: to whoever filed and to the company, who may not have filed it themselves.
    receivers = {user.pk: user for user in [actor, *company_reps_of(case)]}.values()
    _notify(
        case=case,
        users=receivers,
        kind="case_receipt",
        subject=gettext_noop("Your case was received"),
        message=gettext_noop(
            "Keep the tracking number in the subject: it is what the secretariat will ask for "
            "when you call about the case."
        ),
        sms=True,
    )
    return case


def _attach(
    *,
    actor: User | None,
    case: Case,
    files: Sequence[Any],
    checked: Sequence[CheckedFile],
    referral: Referral | None = None,
) -> list[Attachment]:
    created = []
    for upload, info in zip(files, checked, strict=True):
        upload.seek(0)
        attachment = Attachment(
            case=case,
            referral=referral,
            name=info.name,
            content_type=info.content_type,
            size=info.size,
            uploaded_by=actor,
        )
        # A random stored name: the user's file name never reaches the file system.
        stored = f"{uuid.uuid4().hex}.{EXTENSIONS[info.content_type]}"
        attachment.file.save(stored, File(upload), save=False)
        attachment.save()
        created.append(attachment)
    if created:
        _event(
            case=case,
            actor=actor,
            kind=EventKind.ATTACHED,
            referral=referral,
            data={"files": [a.name for a in created]},
        )
    return created


def _check_not_final(case: Case) -> None:
    if case.status in FINAL:
        raise CaseError(_("This case is closed."), code="closed")


@transaction.atomic
def case_attach(*, actor: User, case: Case, files: Sequence[Any]) -> list[Attachment]:
    """Add files to an open case: its company, the secretariat and the assigned expert may."""
    checked = check_uploads(list(files))
    locked = _locked(case)
    _check_not_final(locked)
    if not actor_kinds(actor, locked) & {Actor.SECRETARIAT, Actor.EXPERT, Actor.COMPANY}:
        raise CaseError(_("You may not add files to this case."), code="not_allowed")
    return _attach(actor=actor, case=locked, files=files, checked=checked)


# --- Triage ----------------------------------------------------------------------------------


@transaction.atomic
def case_start_screening(*, actor: User, case: Case) -> Case:
    return _transition(actor=actor, case=case, to=CaseStatus.SCREENING, action="start_screening")


@transaction.atomic
def case_return_for_info(*, actor: User, case: Case, reason: str) -> Case:
    """Ask the company for more; every deadline of the case stops until it answers."""
    locked = _locked(case)
    source = locked.status
    result = _transition(
        actor=actor,
        case=case,
        to=CaseStatus.RETURNED_FOR_INFO,
        action="return_for_info",
        reason=reason,
        returned_from=source,
        paused_at=timezone.now(),
    )
    _notify(
        case=result,
        users=company_reps_of(result),
        kind="case_returned",
        subject=gettext_noop("The secretariat needs more information"),
        body=reason,
        sms=True,
    )
    waiting = result.referrals.filter(status=ReferralStatus.OPEN).values_list(
        "agency_id", flat=True
    )
    _notify(
        case=result,
        users=[user for agency_id in waiting for user in agency_staff(agency_id)],
        kind="referral_paused",
        subject=gettext_noop("A case referred to your agency is waiting on the company"),
        message=gettext_noop(
            "Your deadline is paused until the company answers, and then moves by the days it took."
        ),
    )
    return result


@transaction.atomic
def case_provide_info(*, actor: User, case: Case, text: str, files: Sequence[Any] = ()) -> Case:
    """The company answers a request for information; the case goes back to where it was and
    its open referrals' deadlines move by the working days the company took."""
    checked = check_uploads(list(files))
    if not text.strip():
        raise CaseError(_("Please write the information asked for."), code="reason_required")
    locked = _locked(case)
    if locked.status != CaseStatus.RETURNED_FOR_INFO:
        _check_move(
            actor=actor, case=locked, to=CaseStatus.SCREENING, reason=text, action="provide_info"
        )
    target = locked.returned_from or CaseStatus.SCREENING
    paused_at = locked.paused_at
    result = _transition(
        actor=actor,
        case=case,
        to=target,
        action="provide_info",
        reason=text,
        returned_from="",
        paused_at=None,
    )
    if paused_at is not None:
        _move_deadlines(actor=actor, case=result, since=paused_at)
    _attach(actor=actor, case=result, files=files, checked=checked)
    _notify(
        case=result,
        users=secretariat_of(result) + ([result.assignee] if result.assignee else []),
        kind="case_info_provided",
        subject=gettext_noop("The company sent the information asked for"),
        body=text,
        exclude=actor,
    )
    return result


def _move_deadlines(*, actor: User | None, case: Case, since: dt.datetime) -> None:
    calendar = work_calendar()
    paused = calendar.working_days_between(timezone.localdate(since), timezone.localdate())
    if paused <= 0:
        return
    moved: list[dict[str, Any]] = []
    for referral in case.referrals.select_for_update().filter(status=ReferralStatus.OPEN):
        old = referral.due_on
        referral.due_on = calendar.add_working_days(old, paused)
        referral.paused_days = min(referral.paused_days + paused, MAX_RESPONSE_DAYS)
        referral.save(update_fields=["due_on", "paused_days"])
        moved.append(
            {
                "agency": referral.agency_id,
                "from": old.isoformat(),
                "to": referral.due_on.isoformat(),
            }
        )
    if moved:
        moved_agencies = [row["agency"] for row in moved]
        _event(
            case=case,
            actor=actor,
            kind=EventKind.DEADLINES_MOVED,
            data={"working_days": paused, "referrals": moved},
        )
        _notify(
            case=case,
            users=[user for agency_id in moved_agencies for user in agency_staff(agency_id)],
            kind="referral_resumed",
            subject=gettext_noop("The company answered; your deadline moved"),
        )


@transaction.atomic
def case_reject(*, actor: User, case: Case, reason: str) -> Case:
    """Out of the HQ's scope. The company sees the reason."""
    result = _transition(
        actor=actor, case=case, to=CaseStatus.REJECTED, action="reject", reason=reason
    )
    _notify(
        case=result,
        users=company_reps_of(result),
        kind="case_rejected",
        subject=gettext_noop("Your case was not accepted"),
        body=reason,
        sms=True,
    )
    return result


def experts_for(case: Case) -> QuerySet[User]:
    return (
        User.objects.filter(
            role_assignments__role=Role.EXPERT,
            role_assignments__province_id=case.province_id,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def case_assign_expert(*, actor: User, case: Case, expert: User, reason: str = "") -> Case:
    """Give the case to an expert of the province. From screening this moves it to expert
    review; during expert review it hands it to another expert."""
    if not experts_for(case).filter(pk=expert.pk).exists():
        raise CaseError(
            _("%(name)s is not an expert of this province.") % {"name": expert},
            code="not_an_expert",
        )
    locked = _locked(case)
    if locked.status == CaseStatus.EXPERT_REVIEW:
        if Actor.SECRETARIAT not in actor_kinds(actor, locked):
            raise CaseError(_("You may not make this change to the case."), code="not_allowed")
        previous = locked.assignee
        Case.objects.filter(pk=locked.pk).update(assignee=expert)
        locked.assignee = expert
        _event(
            case=locked,
            actor=actor,
            kind=EventKind.TRANSITION,
            from_status=locked.status,
            to_status=locked.status,
            reason=reason,
            data={
                "action": "reassign_expert",
                "expert": str(expert),
                "previous": str(previous) if previous else "",
            },
        )
        _refresh(case, locked)
        result = locked
    else:
        result = _transition(
            actor=actor,
            case=case,
            to=CaseStatus.EXPERT_REVIEW,
            action="assign_expert",
            reason=reason,
            data={"expert": str(expert)},
            assignee=expert,
        )
    _notify(
        case=result,
        users=[expert],
        kind="case_assigned",
        subject=gettext_noop("A case was assigned to you"),
        exclude=actor,
    )
    return result


# --- Referrals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralRequest:
    agency: Agency
    request_text: str
    # Working days to answer; None takes the category's default.
    days: int | None = None


@transaction.atomic
def case_refer(*, actor: User, case: Case, requests: Sequence[ReferralRequest]) -> list[Referral]:
    """Refer the case to one or more agencies at once, each with its own request and deadline
    (working days from today on the business calendar). A case already referred may be
    referred to further agencies."""
    if not requests:
        raise CaseError(_("Choose at least one agency."), code="no_agency")
    locked = _locked(case)
    agencies = [r.agency.pk for r in requests]
    if len(set(agencies)) != len(agencies):
        raise CaseError(_("Each agency can be chosen only once."), code="duplicate_agency")
    for request in requests:
        if request.agency.province_id != locked.province_id or not request.agency.is_active:
            raise CaseError(
                _("%(agency)s is not an active agency of this province.")
                % {"agency": request.agency},
                code="other_province",
            )
        if not request.request_text.strip():
            raise CaseError(
                _("Write what %(agency)s is asked to do.") % {"agency": request.agency},
                code="request_required",
            )
        if request.days is not None and not 1 <= request.days <= 120:
            raise CaseError(_("A deadline is between 1 and 120 working days."), code="bad_days")
    already = set(
        locked.referrals.filter(status=ReferralStatus.OPEN, agency_id__in=agencies).values_list(
            "agency__name", flat=True
        )
    )
    if already:
        raise CaseError(
            _("%(agencies)s already has this case open.")
            % {"agencies": "، ".join(sorted(already))},
            code="already_referred",
        )
    if locked.status == CaseStatus.REFERRED:
        if Actor.SECRETARIAT not in actor_kinds(actor, locked):
            raise CaseError(_("You may not make this change to the case."), code="not_allowed")
    else:
        names = [str(r.agency) for r in requests]
        locked = _transition(
            actor=actor,
            case=case,
            to=CaseStatus.REFERRED,
            action="refer",
            data={"agencies": names},
        )
    calendar = work_calendar()
    today = timezone.localdate()
    referrals = []
    for request in requests:
        days = request.days if request.days is not None else locked.category.response_days
        referral = Referral.objects.create(
            case=locked,
            agency=request.agency,
            request_text=request.request_text.strip(),
            due_on=calendar.add_working_days(today, days),
            created_by=actor,
        )
        _event(
            case=locked,
            actor=actor,
            kind=EventKind.REFERRED,
            referral=referral,
            reason=referral.request_text,
            data={
                "agency": str(request.agency),
                "days": days,
                "due_on": referral.due_on.isoformat(),
            },
        )
        referrals.append(referral)
        _notify(
            case=locked,
            users=agency_staff(request.agency.pk),
            kind="referral_new",
            subject=gettext_noop("A case was referred to your agency"),
            body=referral.request_text,
        )
    _refresh(case, locked)
    return referrals


def can_act_for_agency(user: User | None, agency_id: int) -> bool:
    return any(
        scope.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD) and scope.agency_id == agency_id
        for scope in scopes_of(user)
    )


def _locked_open_referral(actor: User, referral: Referral) -> Referral:
    locked = (
        Referral.objects.select_for_update().select_related("case", "agency").get(pk=referral.pk)
    )
    if not can_act_for_agency(actor, locked.agency_id):
        raise CaseError(
            _("Only the staff of %(agency)s can act on this referral.") % {"agency": locked.agency},
            code="not_allowed",
        )
    if locked.status != ReferralStatus.OPEN:
        raise CaseError(_("This referral is no longer waiting for an answer."), code="not_open")
    if locked.case.status == CaseStatus.RETURNED_FOR_INFO:
        raise CaseError(
            _("The case is waiting for the company's information; answer when it arrives."),
            code="paused",
        )
    return locked


# The column is a small integer; no answer takes longer than a working lifetime.
MAX_RESPONSE_DAYS = 32_000


def response_days(
    referral: Referral, *, answered_on: dt.date, calendar: WorkCalendar | None = None
) -> int:
    """Working days from the referral to its answer, without the days the case waited on the
    company (the agency's clock was stopped then). The scorecard averages this stored value."""
    calendar = calendar or work_calendar()
    sent_on = timezone.localdate(referral.created_at)
    taken = calendar.working_days_between(sent_on, answered_on) - referral.paused_days
    return min(max(taken, 0), MAX_RESPONSE_DAYS)


@transaction.atomic
def referral_answer(
    *, actor: User, referral: Referral, answer: str, files: Sequence[Any] = ()
) -> Referral:
    """The agency's answer (text, and optionally documents)."""
    checked = check_uploads(list(files))
    if not answer.strip():
        raise CaseError(_("Please write the answer."), code="answer_required")
    locked = _locked_open_referral(actor, referral)
    now = timezone.now()
    updated = Referral.objects.filter(pk=locked.pk, status=ReferralStatus.OPEN).update(
        status=ReferralStatus.ANSWERED,
        answer=answer.strip(),
        answered_at=now,
        answered_by=actor,
        response_days=response_days(locked, answered_on=timezone.localdate(now)),
    )
    if updated != 1:
        raise CaseError(_("This referral is no longer waiting for an answer."), code="not_open")
    locked.refresh_from_db()
    case = locked.case
    late = timezone.localdate(now) > locked.due_on
    _event(
        case=case,
        actor=actor,
        kind=EventKind.ANSWERED,
        referral=locked,
        reason=locked.answer,
        data={"agency": str(locked.agency), "late": late},
    )
    _attach(actor=actor, case=case, files=files, checked=checked, referral=locked)
    _notify(
        case=case,
        users=secretariat_of(case)
        + ([case.assignee] if case.assignee else [])
        + company_reps_of(case),
        kind="referral_answered",
        subject=gettext_noop("An agency answered"),
        body=locked.answer,
        exclude=actor,
    )
    referral.refresh_from_db()
    return locked


@transaction.atomic
def referral_extend(*, actor: User, referral: Referral, days: int, reason: str) -> Referral:
    """An agency asks for more time. Granted at once, once per referral and up to
    settings.TASHIL_MAX_EXTENSION_DAYS working days; the secretariat is told and the reason is
    on the timeline. A second delay is what escalation is for."""
    limit = settings.TASHIL_MAX_EXTENSION_DAYS
    if not 1 <= days <= limit:
        raise CaseError(
            _("An extension is between 1 and %(limit)d working days.") % {"limit": limit},
            code="bad_days",
        )
    if not reason.strip():
        raise CaseError(_("Please write the reason."), code="reason_required")
    locked = _locked_open_referral(actor, referral)
    if locked.extended_days:
        raise CaseError(
            _("This referral's deadline has already been extended once."), code="extended_once"
        )
    old = locked.due_on
    calendar = work_calendar()
    # From the later of the old deadline and today: an extension asked for after the deadline
    # still gives the agency the days it asked for.
    locked.due_on = calendar.add_working_days(max(old, timezone.localdate()), days)
    locked.extended_days = days
    locked.extension_reason = reason.strip()
    locked.escalation_level = 0
    locked.save(update_fields=["due_on", "extended_days", "extension_reason", "escalation_level"])
    _event(
        case=locked.case,
        actor=actor,
        kind=EventKind.EXTENDED,
        referral=locked,
        reason=locked.extension_reason,
        data={
            "agency": str(locked.agency),
            "days": days,
            "from": old.isoformat(),
            "to": locked.due_on.isoformat(),
        },
    )
    _notify(
        case=locked.case,
        users=secretariat_of(locked.case),
        kind="referral_extended",
        subject=gettext_noop("An agency extended its deadline"),
        body=locked.extension_reason,
    )
    referral.refresh_from_db()
    return locked


# --- Escalation ------------------------------------------------------------------------------


def referrals_escalate(*, today: dt.date) -> int:
    """Escalate the open referrals that are overdue on `today`, step by step. Each step is
    notified once: the referral's escalation level records the steps done, and a run that
    finds the level already raised (by an earlier or a concurrent run) sends nothing.
    Referrals of cases waiting on the company are skipped: their clock is stopped. Returns
    the number of notices (steps) sent."""
    steps = escalation_steps()
    calendar = work_calendar()
    sent = 0
    overdue = (
        Referral.objects.filter(status=ReferralStatus.OPEN, due_on__lt=today)
        .exclude(case__status=CaseStatus.RETURNED_FOR_INFO)
        .values_list("pk", "due_on", "escalation_level")
        .order_by("due_on", "pk")
    )
    for pk, due_on, level in overdue:
        reached, late_by = steps_reached(due_on=due_on, today=today, steps=steps, calendar=calendar)
        if reached > level:
            sent += _escalate(
                pk=pk, due_on=due_on, level=level, reached=reached, steps=steps, late_by=late_by
            )
    return sent


@transaction.atomic
def _escalate(
    *,
    pk: int,
    due_on: dt.date,
    level: int,
    reached: int,
    steps: list[tuple[str, int]],
    late_by: int,
) -> int:
    if Case.objects.filter(referrals__pk=pk, status=CaseStatus.RETURNED_FOR_INFO).exists():
        return 0  # paused since it was read
    # Compare-and-set on everything the decision was made from: an extension or an answer since
    # the referral was read leaves the row unmatched and sends nothing. Only columns of the row
    # itself: PostgreSQL re-checks those after waiting for a concurrent run's lock, but not a
    # join's (an UPDATE … WHERE id IN (SELECT … JOIN …) let two runs both succeed).
    updated = Referral.objects.filter(
        pk=pk, status=ReferralStatus.OPEN, escalation_level=level, due_on=due_on
    ).update(escalation_level=reached)
    if updated != 1:
        return 0
    referral = Referral.objects.select_related("case", "agency").get(pk=pk)
    for number in range(level + 1, reached + 1):
        who, _days = steps[number - 1]
        _event(
            case=referral.case,
            actor=None,
            kind=EventKind.ESCALATED,
            referral=referral,
            data={
                "level": number,
                "to": who,
                "agency": str(referral.agency),
                "late_by": late_by,
                "due_on": referral.due_on.isoformat(),
            },
        )
        _notify(
            case=referral.case,
            users=escalation_recipients(
                who,
                agency_ids=[referral.agency_id],
                province_id=referral.case.province_id,
                county_id=referral.case.county_id,
            ),
            kind=f"referral_overdue_{who}",
            subject=gettext_noop("A referral is overdue"),
            body=str(referral.agency),
        )
    return reached - level


# --- Outcome and closure ---------------------------------------------------------------------


OUTCOME_ACTIONS = {
    Outcome.RESOLVED: "resolve",
    Outcome.UNRESOLVED: "mark_unresolved",
    Outcome.ESCALATED_NATIONAL: "escalate_national",
}


@transaction.atomic
def case_conclude(*, actor: User, case: Case, outcome: str, reason: str = "") -> Case:
    """The secretariat records the outcome: resolved, unresolved or escalated to the national
    HQ. Open referrals are withdrawn; the company is asked to confirm within the window."""
    outcome = Outcome(outcome)
    until = timezone.now() + dt.timedelta(days=settings.TASHIL_CONFIRMATION_DAYS)
    result = _transition(
        actor=actor,
        case=case,
        to=outcome.value,
        action=OUTCOME_ACTIONS[outcome],
        reason=reason,
        outcome=outcome.value,
        confirm_until=until,
    )
    _notify(
        case=result,
        users=company_reps_of(result),
        kind="case_concluded",
        subject=gettext_noop("Please confirm the outcome of your case"),
        body=reason,
        sms=True,
    )
    return result


@transaction.atomic
def case_confirm(*, actor: User, case: Case, satisfaction: int | None = None) -> Case:
    """The company confirms the outcome, optionally scoring its satisfaction (1–5)."""
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise CaseError(_("Satisfaction is a score from 1 to 5."), code="bad_score")
    locked = _locked(case)
    if locked.confirm_until and timezone.now() > locked.confirm_until and locked.status in OUTCOMES:
        raise CaseError(_("The time to confirm this case has passed."), code="window_passed")
    result = _transition(
        actor=actor,
        case=case,
        to=CaseStatus.CLOSED,
        action="confirm",
        data={"satisfaction": satisfaction} if satisfaction else {},
        satisfaction=satisfaction,
        confirm_until=None,
    )
    _notify(
        case=result,
        users=secretariat_of(result),
        kind="case_confirmed",
        subject=gettext_noop("The company confirmed the outcome"),
    )
    return result


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    """The company says a resolved case is not solved; possible until the window passes."""
    locked = _locked(case)
    if locked.confirm_until and timezone.now() > locked.confirm_until:
        raise CaseError(_("The time to reopen this case has passed."), code="window_passed")
    result = _transition(
        actor=actor,
        case=case,
        to=CaseStatus.SCREENING,
        action="reopen",
        reason=reason,
        outcome="",
        confirm_until=None,
    )
    _notify(
        case=result,
        users=secretariat_of(result),
        kind="case_reopened",
        subject=gettext_noop("The company reopened its case"),
        body=reason,
    )
    return result


@transaction.atomic
def case_record_results(
    *,
    actor: User,
    case: Case,
    approved_amount: int | None,
    jobs_preserved: int | None,
    results_on: dt.date | None,
) -> Case:
    """The secretariat records what the HQ's help achieved for the unit: the loan or facility
    approved (rial) and the jobs preserved, with the day it was achieved. Both empty clears the
    record. The dashboard counts them on `results_on`."""
    if Actor.SECRETARIAT not in actor_kinds(actor, case):
        raise CaseError(_("Only the secretariat records a case's results."), code="not_allowed")
    if approved_amount is None and jobs_preserved is None:
        results_on = None
    elif results_on is None:
        raise CaseError(_("Enter the day the results were achieved."), code="results_on_required")
    elif results_on > timezone.localdate():
        raise CaseError(_("Results cannot be dated in the future."), code="results_in_future")
    elif results_on < timezone.localdate(case.created_at):
        raise CaseError(
            _("Results cannot be dated before the case was filed."), code="results_before_case"
        )
    if approved_amount is not None and not 0 <= approved_amount <= MAX_AMOUNT:
        raise CaseError(_("The approved amount is out of range."), code="amount_range")
    if jobs_preserved is not None and jobs_preserved < 0:
        raise CaseError(_("Jobs cannot be negative."), code="jobs_range")
    locked = _locked(case)
    before = {
        "approved_amount": locked.approved_amount,
        "jobs_preserved": locked.jobs_preserved,
        "results_on": locked.results_on.isoformat() if locked.results_on else None,
    }
    locked.approved_amount = approved_amount
    locked.jobs_preserved = jobs_preserved
    locked.results_on = results_on
    after = {
        "approved_amount": approved_amount,
        "jobs_preserved": jobs_preserved,
        "results_on": results_on.isoformat() if results_on else None,
    }
    if after == before:
        _refresh(case, locked)
        return case
    locked.save(update_fields=["approved_amount", "jobs_preserved", "results_on"])
    _event(
        case=locked,
        actor=actor,
        kind=EventKind.RESULTS,
        data={"before": before, "after": after},
    )
    _refresh(case, locked)
    return case


def cases_close_unconfirmed(*, now: dt.datetime) -> int:
    """Close the outcomes whose confirmation window has passed. Returns how many."""
    closed = 0
    due = Case.objects.filter(
        status__in=[s.value for s in OUTCOMES], confirm_until__lt=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            case = Case.objects.get(pk=pk)
            try:
                _transition(
                    actor=None,
                    case=case,
                    to=CaseStatus.CLOSED,
                    action="confirm",
                    data={"unconfirmed": True},
                    confirm_until=None,
                )
            except CaseError:
                continue  # confirmed or reopened a moment ago
            closed += 1
    return closed


# --- Duplicates ------------------------------------------------------------------------------


@transaction.atomic
def case_merge(*, actor: User, case: Case, into: Case, reason: str) -> Case:
    """Fold a duplicate into another open case of the same company. Its files move over; the
    company is told which number to follow."""
    if into.pk == case.pk:
        raise CaseError(_("A case cannot be merged into itself."), code="same_case")
    # Both rows locked in key order: two people merging A into B and B into A at once must
    # not wait on each other for ever.
    locked = {
        row.pk: row
        for row in Case.objects.select_for_update().filter(pk__in=[case.pk, into.pk]).order_by("pk")
    }
    target = locked[into.pk]
    if target.company_id != case.company_id:
        raise CaseError(_("Only cases of the same company can be merged."), code="other_company")
    if target.status in FINAL:
        raise CaseError(_("The case to merge into is closed."), code="closed")
    if target.merged_into_id is not None:
        raise CaseError(_("The case to merge into is itself merged."), code="closed")
    result = _transition(
        actor=actor,
        case=case,
        to=CaseStatus.MERGED,
        action="merge",
        reason=reason,
        data={"into": target.tracking},
        merged_into=target,
    )
    moved = list(Attachment.objects.filter(case=result).values_list("name", flat=True))
    # Answer files of the duplicate's old referrals move as plain case files: the target's page
    # lists files by referral, and those referrals stay with the duplicate.
    Attachment.objects.filter(case=result).update(case=target, referral=None)
    _event(
        case=target,
        actor=actor,
        kind=EventKind.MERGED_IN,
        reason=reason,
        data={"from": result.tracking, "files": moved},
    )
    _notify(
        case=result,
        users=company_reps_of(result),
        kind="case_merged",
        subject=gettext_noop("Your case was merged into another one"),
        body=target.display_tracking,
    )
    return result


# --- One entry point for the workflow table --------------------------------------------------


# The status each case had when the person chose the move `case_move` is making, by case id:
# the move is refused as a conflict when the locked row holds another (see `_transition`). Only
# the people's entry point sets it; services called directly act on the row as they find it.
_seen_status: ContextVar[dict[int, str] | None] = ContextVar("case_seen_status", default=None)


def case_move(*, actor: User | None, case: Case, to: str, reason: str = "", **extra: Any) -> Any:
    """Make the move from the case's status to `to` through the service that owns it. The
    case page's forms, the API and the table-generated tests all come through here. `case`
    holds the status the person saw: if someone moved the case since, nothing is done and
    the error's code is "conflict"."""
    token = _seen_status.set({case.pk: case.status})
    try:
        return _case_move(actor=actor, case=case, to=to, reason=reason, **extra)
    finally:
        _seen_status.reset(token)


def _case_move(*, actor: User | None, case: Case, to: str, reason: str, **extra: Any) -> Any:
    found = move(case.status, to)
    action = found.action if found else "invalid"
    if actor is None:
        # The system makes one move only, closing an outcome left unconfirmed; the table says
        # so (Actor.SYSTEM), and `_transition` refuses it any other move as not allowed.
        with transaction.atomic():
            return _transition(
                actor=None, case=case, to=to, action=action, reason=reason, confirm_until=None
            )
    needs = {"assign_expert": "expert", "refer": "requests", "merge": "into"}.get(action)
    if needs and not extra.get(needs):
        raise CaseError(
            {
                "expert": _("Choose the expert."),
                "requests": _("Choose at least one agency."),
                "into": _("Choose the case to merge into."),
            }[needs],
            code="required",
        )
    if action == "assign_expert":
        return case_assign_expert(actor=actor, case=case, expert=extra["expert"], reason=reason)
    if action == "refer":
        return case_refer(actor=actor, case=case, requests=extra["requests"])
    if action == "return_for_info":
        return case_return_for_info(actor=actor, case=case, reason=reason)
    if action == "provide_info":
        if to != (case.returned_from or CaseStatus.SCREENING):
            # The table lists every state a returned case can go back to; this one goes back
            # only to where it came from.
            raise invalid_move(case.status, to)
        return case_provide_info(actor=actor, case=case, text=reason, files=extra.get("files", ()))
    if action == "reject":
        return case_reject(actor=actor, case=case, reason=reason)
    if action in ("resolve", "mark_unresolved", "escalate_national"):
        return case_conclude(actor=actor, case=case, outcome=to, reason=reason)
    if action == "confirm":
        return case_confirm(actor=actor, case=case, satisfaction=extra.get("satisfaction"))
    if action == "reopen":
        return case_reopen(actor=actor, case=case, reason=reason)
    if action == "merge":
        return case_merge(actor=actor, case=case, into=extra["into"], reason=reason)
    with transaction.atomic():
        result = _transition(actor=actor, case=case, to=to, action=action, reason=reason)
        # Progress the company need not act on: a notice in the portal, no mail.
        _notify(
            case=result,
            users=company_reps_of(result),
            kind="case_progress",
            subject=gettext_noop("Your case moved on"),
            body=CaseStatus(to).label,  # lazy: rendered in Persian by _notify
            email=False,
        )
    return result
