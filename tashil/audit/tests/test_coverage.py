"""Every write to a case, referral, meeting, resolution, company, certificate and user role
leaves an event saying who did it and what changed.

The service functions are enumerated from their modules, so a new one cannot escape: each must
either have a scenario below (fresh data, one call, then the check) or be on the allow-list
with the reason it writes nothing that needs an event.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from django.utils import timezone

from tashil.accounts import services as accounts
from tashil.accounts.models import AccountEvent
from tashil.audit.events import event_models
from tashil.cases import services as cases
from tashil.cases.models import CaseEvent
from tashil.cases.tests.conftest import pdf
from tashil.cases.workflow import CaseStatus
from tashil.meetings import services as meetings
from tashil.meetings.models import MeetingEvent, ResolutionEvent
from tashil.meetings.workflow import ResolutionState
from tashil.registry import services as registry
from tashil.registry.models import CompanyEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S = CaseStatus
R = ResolutionState
REASON = "دلیل ثبت‌شده برای آزمون"

MODULES: dict[ModuleType, tuple[type, ...]] = {
    cases: (CaseEvent,),
    meetings: (MeetingEvent, ResolutionEvent),
    registry: (CompanyEvent,),
    accounts: (AccountEvent,),
}

# Public functions that write nothing whose history matters, and why.
ALLOWED: dict[str, str] = {
    # Reads and helpers.
    "cases.actor_kinds": "reads who the user is on a case",
    "cases.invalid_move": "builds an error",
    "cases.secretariat_of": "reads users to notify",
    "cases.company_reps_of": "reads users to notify",
    "cases.executives_of": "reads users to notify",
    "cases.case_url": "builds a URL",
    "cases.filing_channels": "reads what the user may file through",
    "cases.experts_for": "reads the experts a case may go to",
    "cases.can_act_for_agency": "reads a permission",
    "cases.response_days": "computes working days",
    "meetings.manages_body": "reads a permission",
    "meetings.acting_agencies": "reads a permission",
    "meetings.resolution_actor_kinds": "reads who the user is on a resolution",
    "meetings.meeting_url": "builds a URL",
    "meetings.resolution_url": "builds a URL",
    "meetings.next_session_date": "computes a date",
    "meetings.objection_deadline": "computes a date",
    "meetings.invalid_move": "builds an error",
    "registry.company_search_document": "computes the search text",
    "registry.company_reindex": "refreshes the derived search column; its callers write the event",
    "accounts.role_scope_fields": "checks a role's scope; role_grant writes the event",
    # Reference data, loaded by commands and migrations from files in the repository.
    "cases.categories_load": "reference data (categories) from data/, by a command",
    "registry.activities_load": "reference data (ISIC classes) from data/, by a command",
    # Not a company's record: the province's knowledge-based goal, which keeps every value
    # (each is a new row with `set_by` and `created_at`; none is edited).
    "registry.target_set": "append-only rows that carry who and when themselves",
    # Two-factor devices (issue 9 item 6) landed in parallel with this test: they write
    # AccountEvents, and their scenarios are the two-factor change's to add.
    "accounts.two_factor_start": (
        "creates an unconfirmed device only; the account changes when it is confirmed"
    ),
    "accounts.two_factor_confirm": (
        "writes two_factor_enabled; it needs a live TOTP code, so its event is checked in "
        "accounts/tests/test_two_factor.py"
    ),
    "accounts.two_factor_check": "checks a code; writes nothing",
    "accounts.two_factor_disable": (
        "writes two_factor_disabled; checked in accounts/tests/test_two_factor.py"
    ),
}


def _services() -> list[tuple[str, ModuleType]]:
    found = []
    for module in MODULES:
        short = module.__name__.split(".")[1]
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                found.append((f"{short}.{name}", module))
    return sorted(found, key=lambda pair: pair[0])


class Cast:
    """The fixtures a scenario asks for, by name."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return self._request.getfixturevalue(name)


# A scenario prepares fresh data and returns the call to check and the actor it should name
# (None for the periodic jobs, which act as the system).
Scenario = Callable[[Cast], tuple[Callable[[], Any], Any]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(function: Scenario) -> Scenario:
        SCENARIOS[name] = function
        return function

    return register


# --- Cases and referrals ---------------------------------------------------------------------


@scenario("cases.case_file")
def _(c: Cast) -> Any:
    return (lambda: c.builder.file()), c.owner


@scenario("cases.case_attach")
def _(c: Cast) -> Any:
    case = c.case_in(S.SCREENING)
    return (lambda: cases.case_attach(actor=c.secretariat, case=case, files=[pdf()])), c.secretariat


@scenario("cases.case_start_screening")
def _(c: Cast) -> Any:
    case = c.case_in(S.SUBMITTED)
    return (lambda: cases.case_start_screening(actor=c.secretariat, case=case)), c.secretariat


@scenario("cases.case_return_for_info")
def _(c: Cast) -> Any:
    case = c.case_in(S.SCREENING)
    call = lambda: cases.case_return_for_info(actor=c.secretariat, case=case, reason=REASON)  # noqa: E731
    return call, c.secretariat


@scenario("cases.case_provide_info")
def _(c: Cast) -> Any:
    case = c.case_in(S.RETURNED_FOR_INFO)
    return (lambda: cases.case_provide_info(actor=c.owner, case=case, text=REASON)), c.owner


@scenario("cases.case_reject")
def _(c: Cast) -> Any:
    case = c.case_in(S.SCREENING)
    return (lambda: cases.case_reject(actor=c.secretariat, case=case, reason=REASON)), c.secretariat


@scenario("cases.case_assign_expert")
def _(c: Cast) -> Any:
    case = c.case_in(S.SCREENING)
    call = lambda: cases.case_assign_expert(actor=c.secretariat, case=case, expert=c.expert)  # noqa: E731
    return call, c.secretariat


@scenario("cases.case_refer")
def _(c: Cast) -> Any:
    case = c.case_in(S.SCREENING)
    request = cases.ReferralRequest(agency=c.tax_agency, request_text=REASON)
    call = lambda: cases.case_refer(actor=c.secretariat, case=case, requests=[request])  # noqa: E731
    return call, c.secretariat


@scenario("cases.referral_answer")
def _(c: Cast) -> Any:
    referral = c.case_in(S.REFERRED).referrals.get()
    return (lambda: cases.referral_answer(actor=c.officer, referral=referral, answer=REASON)), (
        c.officer
    )


@scenario("cases.referral_extend")
def _(c: Cast) -> Any:
    referral = c.case_in(S.REFERRED).referrals.get()
    call = lambda: cases.referral_extend(actor=c.officer, referral=referral, days=3, reason=REASON)  # noqa: E731
    return call, c.officer


@scenario("cases.referrals_escalate")
def _(c: Cast) -> Any:
    referral = c.case_in(S.REFERRED).referrals.get()
    today = referral.due_on + dt.timedelta(days=30)
    return (lambda: cases.referrals_escalate(today=today)), None


@scenario("cases.case_conclude")
def _(c: Cast) -> Any:
    case = c.case_in(S.WORKING_GROUP)
    call = lambda: cases.case_conclude(  # noqa: E731
        actor=c.secretariat, case=case, outcome=S.RESOLVED, reason=REASON
    )
    return call, c.secretariat


@scenario("cases.case_confirm")
def _(c: Cast) -> Any:
    case = c.case_in(S.RESOLVED)
    return (lambda: cases.case_confirm(actor=c.owner, case=case, satisfaction=5)), c.owner


@scenario("cases.case_reopen")
def _(c: Cast) -> Any:
    case = c.case_in(S.RESOLVED)
    return (lambda: cases.case_reopen(actor=c.owner, case=case, reason=REASON)), c.owner


@scenario("cases.case_record_results")
def _(c: Cast) -> Any:
    case = c.case_in(S.RESOLVED)
    filed = timezone.localtime(case.created_at).date()
    # The case's creation time is not the frozen clock's (a column default reads the real
    # one): move the clock past it, so the results' day is neither future nor before filing.
    c.clock.set(filed + dt.timedelta(days=1))
    call = lambda: cases.case_record_results(  # noqa: E731
        actor=c.secretariat,
        case=case,
        approved_amount=5_000_000_000,
        jobs_preserved=12,
        results_on=filed,
    )
    return call, c.secretariat


@scenario("cases.cases_close_unconfirmed")
def _(c: Cast) -> Any:
    c.case_in(S.RESOLVED)
    later = timezone.now() + dt.timedelta(days=120)
    return (lambda: cases.cases_close_unconfirmed(now=later)), None


@scenario("cases.case_merge")
def _(c: Cast) -> Any:
    case, into = c.builder.file(), c.builder.file(title="همان مشکل، دوباره")
    call = lambda: cases.case_merge(actor=c.secretariat, case=case, into=into, reason=REASON)  # noqa: E731
    return call, c.secretariat


@scenario("cases.case_move")
def _(c: Cast) -> Any:
    case = c.case_in(S.SUBMITTED)
    return (lambda: cases.case_move(actor=c.secretariat, case=case, to=S.SCREENING)), (
        c.secretariat
    )


# --- Meetings and resolutions -----------------------------------------------------------------


@scenario("meetings.meeting_create")
def _(c: Cast) -> Any:
    return (lambda: c.meetings.plan()), c.secretariat


@scenario("meetings.meeting_update")
def _(c: Cast) -> Any:
    meeting = c.meetings.plan()
    call = lambda: meetings.meeting_update(  # noqa: E731
        actor=c.secretariat,
        meeting=meeting,
        starts_at=meeting.starts_at,
        place="تالار دیگر",
        chair=meeting.chair,
    )
    return call, c.secretariat


@scenario("meetings.agenda_add_case")
def _(c: Cast) -> Any:
    meeting = c.meetings.plan()
    case = c.case_in(S.ON_AGENDA)
    return (lambda: meetings.agenda_add_case(actor=c.secretariat, meeting=meeting, case=case)), (
        c.secretariat
    )


@scenario("meetings.agenda_add_resolution")
def _(c: Cast) -> Any:
    resolution = c.resolution_in(R.IN_PROGRESS)
    later = c.meetings.plan(starts_at=resolution.meeting.starts_at + dt.timedelta(days=7))
    call = lambda: meetings.agenda_add_resolution(  # noqa: E731
        actor=c.secretariat, meeting=later, resolution=resolution
    )
    return call, c.secretariat


@scenario("meetings.agenda_add_topic")
def _(c: Cast) -> Any:
    meeting = c.meetings.plan()
    call = lambda: meetings.agenda_add_topic(actor=c.secretariat, meeting=meeting, title=REASON)  # noqa: E731
    return call, c.secretariat


@scenario("meetings.agenda_remove")
def _(c: Cast) -> Any:
    item = c.meetings.with_case(c.meetings.plan())
    return (lambda: meetings.agenda_remove(actor=c.secretariat, item=item)), c.secretariat


def _two_items(c: Cast) -> tuple[Any, Any, Any]:
    meeting = c.meetings.plan()
    first = c.meetings.with_case(meeting)
    second = meetings.agenda_add_topic(actor=c.secretariat, meeting=meeting, title=REASON)
    return meeting, first, second


@scenario("meetings.agenda_reorder")
def _(c: Cast) -> Any:
    meeting, first, second = _two_items(c)
    call = lambda: meetings.agenda_reorder(  # noqa: E731
        actor=c.secretariat, meeting=meeting, item_ids=[second.pk, first.pk]
    )
    return call, c.secretariat


@scenario("meetings.agenda_move_item")
def _(c: Cast) -> Any:
    _meeting, _first, second = _two_items(c)
    return (lambda: meetings.agenda_move_item(actor=c.secretariat, item=second, by=-1)), (
        c.secretariat
    )


@scenario("meetings.item_record")
def _(c: Cast) -> Any:
    item = c.meetings.with_case(c.meetings.plan())
    return (lambda: meetings.item_record(actor=c.secretariat, item=item, notes=REASON)), (
        c.secretariat
    )


@scenario("meetings.attendance_record")
def _(c: Cast) -> Any:
    meeting = c.meetings.plan()
    return (lambda: c.meetings.attend(meeting)), c.secretariat


@scenario("meetings.resolution_draft")
def _(c: Cast) -> Any:
    item = c.meetings.with_case(c.meetings.plan())
    return (lambda: c.meetings.draft(item)), c.secretariat


@scenario("meetings.resolution_edit")
def _(c: Cast) -> Any:
    draft = c.resolution_in(R.DRAFT)
    new = meetings.ResolutionDraft(
        text="متن اصلاح‌شده", agencies=[c.tax_agency], deadline=draft.deadline
    )
    call = lambda: meetings.resolution_edit(actor=c.secretariat, resolution=draft, draft=new)  # noqa: E731
    return call, c.secretariat


@scenario("meetings.resolution_delete_draft")
def _(c: Cast) -> Any:
    draft = c.resolution_in(R.DRAFT)
    return (lambda: meetings.resolution_delete_draft(actor=c.secretariat, resolution=draft)), (
        c.secretariat
    )


@scenario("meetings.meeting_close")
def _(c: Cast) -> Any:
    meeting = c.meetings.plan()
    c.meetings.draft(c.meetings.with_case(meeting))
    c.meetings.attend(meeting)
    return (lambda: meetings.meeting_close(actor=c.secretariat, meeting=meeting)), c.secretariat


@scenario("meetings.meeting_cancel")
def _(c: Cast) -> Any:
    meeting = c.meetings.plan()
    call = lambda: meetings.meeting_cancel(actor=c.secretariat, meeting=meeting, reason=REASON)  # noqa: E731
    return call, c.secretariat


@scenario("meetings.meeting_send_agenda")
def _(c: Cast) -> Any:
    meeting = c.meetings.plan()
    c.meetings.with_case(meeting)
    return (lambda: meetings.meeting_send_agenda(actor=c.secretariat, meeting=meeting)), (
        c.secretariat
    )


def _resolution_call(state: str, function: Any, actor: str, **kwargs: Any) -> Scenario:
    def build(c: Cast) -> Any:
        resolution = c.resolution_in(state)
        who = getattr(c, actor)
        return (lambda: function(actor=who, resolution=resolution, **kwargs)), who

    return build


for _name, _state, _function, _actor, _kwargs in (
    ("resolution_report", R.IN_PROGRESS, meetings.resolution_report, "officer", {"text": REASON}),
    ("resolution_object", R.NOTIFIED, meetings.resolution_object, "officer", {"reason": REASON}),
    ("resolution_start", R.NOTIFIED, meetings.resolution_start, "officer", {}),
    (
        "resolution_report_execution",
        R.IN_PROGRESS,
        meetings.resolution_report_execution,
        "officer",
        {"text": REASON},
    ),
    ("resolution_accept_execution", R.REPORTED, meetings.resolution_accept_execution,
     "secretariat", {}),
    ("resolution_return_report", R.REPORTED, meetings.resolution_return_report, "secretariat",
     {"reason": REASON}),
    ("resolution_mark_not_executed", R.IN_PROGRESS, meetings.resolution_mark_not_executed,
     "secretariat", {"reason": REASON}),
    ("resolution_overrule", R.OBJECTED, meetings.resolution_overrule, "secretariat",
     {"reason": REASON}),
    ("resolution_withdraw", R.OBJECTED, meetings.resolution_withdraw, "secretariat",
     {"reason": REASON}),
    ("resolution_move", R.IN_PROGRESS, meetings.resolution_move, "secretariat",
     {"to": R.NOT_EXECUTED, "reason": REASON}),
    ("resolution_escalate_national", R.NOT_EXECUTED, meetings.resolution_escalate_national,
     "secretariat", {"letter": REASON}),
):  # fmt: skip
    SCENARIOS[f"meetings.{_name}"] = _resolution_call(_state, _function, _actor, **_kwargs)


@scenario("meetings.resolutions_follow_up")
def _(c: Cast) -> Any:
    resolution = c.resolution_in(R.IN_PROGRESS)
    today = resolution.deadline + dt.timedelta(days=60)
    return (lambda: meetings.resolutions_follow_up(today=today)), None


# --- Companies and certificates ---------------------------------------------------------------


@scenario("registry.company_create")
def _(c: Cast) -> Any:
    call = lambda: registry.company_create(  # noqa: E731
        actor=c.secretariat, national_id="10380284790", legal_name="شرکت نو", county=c.county
    )
    return call, c.secretariat


@scenario("registry.companies_create")
def _(c: Cast) -> Any:
    new = registry.NewCompany(
        national_id="10380284790", legal_name="شرکت نو", county=c.county, products=["صابون"]
    )
    return (lambda: registry.companies_create(actor=c.secretariat, companies=[new])), (
        c.secretariat
    )


@scenario("registry.company_update")
def _(c: Cast) -> Any:
    call = lambda: registry.company_update(actor=c.secretariat, company=c.company, employees=7)  # noqa: E731
    return call, c.secretariat


@scenario("registry.company_set_status")
def _(c: Cast) -> Any:
    call = lambda: registry.company_set_status(  # noqa: E731
        actor=c.secretariat, company=c.company, status="idle", since=timezone.localdate()
    )
    return call, c.secretariat


@scenario("registry.licence_add")
def _(c: Cast) -> Any:
    call = lambda: registry.licence_add(  # noqa: E731
        actor=c.secretariat,
        company=c.company,
        kind="operating",
        number="123",
        issued_on=dt.date(2020, 1, 1),
    )
    return call, c.secretariat


@scenario("registry.licence_remove")
def _(c: Cast) -> Any:
    licence = registry.licence_add(
        actor=None, company=c.company, kind="operating", number="1", issued_on=dt.date(2020, 1, 1)
    )
    return (lambda: registry.licence_remove(actor=c.secretariat, licence=licence)), c.secretariat


@scenario("registry.product_add")
def _(c: Cast) -> Any:
    call = lambda: registry.product_add(actor=c.secretariat, company=c.company, name="صابون")  # noqa: E731
    return call, c.secretariat


@scenario("registry.product_remove")
def _(c: Cast) -> Any:
    product = registry.product_add(actor=None, company=c.company, name="صابون")
    return (lambda: registry.product_remove(actor=c.secretariat, product=product)), c.secretariat


@scenario("registry.products_replace")
def _(c: Cast) -> Any:
    call = lambda: registry.products_replace(  # noqa: E731
        actor=c.secretariat, company=c.company, names=["شامپو"]
    )
    return call, c.secretariat


@scenario("registry.contact_add")
def _(c: Cast) -> Any:
    call = lambda: registry.contact_add(actor=c.secretariat, company=c.company, name="مدیر")  # noqa: E731
    return call, c.secretariat


@scenario("registry.contact_remove")
def _(c: Cast) -> Any:
    contact = registry.contact_add(actor=None, company=c.company, name="مدیر")
    return (lambda: registry.contact_remove(actor=c.secretariat, contact=contact)), c.secretariat


def _certificate(c: Cast, actor: Any = None) -> Any:
    return registry.certificate_add(
        actor=actor,
        company=c.company,
        number="1403-55",
        certificate_class="innovator",
        issued_on=dt.date(2024, 6, 1),
        expires_on=dt.date(2027, 6, 1),
    )


@scenario("registry.certificate_add")
def _(c: Cast) -> Any:
    return (lambda: _certificate(c, c.secretariat)), c.secretariat


@scenario("registry.certificate_update")
def _(c: Cast) -> Any:
    certificate = _certificate(c)
    call = lambda: registry.certificate_update(  # noqa: E731
        actor=c.secretariat, certificate=certificate, expires_on=dt.date(2028, 1, 1)
    )
    return call, c.secretariat


@scenario("registry.certificate_revoke")
def _(c: Cast) -> Any:
    certificate = _certificate(c)
    call = lambda: registry.certificate_revoke(  # noqa: E731
        actor=c.secretariat, certificate=certificate, revoked_on=dt.date(2024, 12, 1)
    )
    return call, c.secretariat


# --- User accounts and roles ----------------------------------------------------------------


@scenario("accounts.user_create")
def _(c: Cast) -> Any:
    call = lambda: accounts.user_create(actor=c.admin_user, username="newcomer", password=None)  # noqa: E731
    return call, c.admin_user


@scenario("accounts.user_update_profile")
def _(c: Cast) -> Any:
    call = lambda: accounts.user_update_profile(  # noqa: E731
        actor=c.admin_user, user=c.owner, email="changed@example.com"
    )
    return call, c.admin_user


@scenario("accounts.user_set_password")
def _(c: Cast) -> Any:
    call = lambda: accounts.user_set_password(  # noqa: E731
        actor=c.owner, user=c.owner, password="a long new pass phrase", via_reset=False
    )
    return call, c.owner


@scenario("accounts.role_grant")
def _(c: Cast) -> Any:
    call = lambda: accounts.role_grant(  # noqa: E731
        actor=c.admin_user, user=c.owner, role="expert", province=c.province
    )
    return call, c.admin_user


@scenario("accounts.role_revoke")
def _(c: Cast) -> Any:
    assignment = c.owner.role_assignments.get()
    return (lambda: accounts.role_revoke(actor=c.admin_user, assignment=assignment)), (c.admin_user)


# --- Known gaps in services other changes own ------------------------------------------------
# Each is an xfail(strict=True): the day the service writes what is missing, the test passes,
# pytest reports it, and the entry is removed.
GAPS: dict[str, str] = {}


# --- The check --------------------------------------------------------------------------------

# Kinds whose name is the whole change: there is nothing more to record (and a password's
# value must not be).
SELF_DESCRIBING = {"password_changed", "password_reset"}


def _what_changed(event: Any) -> Any:
    parts = [
        getattr(event, name, None)
        for name in (
            "data",
            "changes",
            "from_status",
            "to_status",
            "from_state",
            "to_state",
            "reason",
        )
    ]
    return [part for part in parts if part] or event.kind in SELF_DESCRIBING


def _newest_ids() -> dict[type, int]:
    return {
        model: model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in event_models()
    }


def _params() -> list[Any]:
    params = []
    for name, module in _services():
        if name in ALLOWED:
            continue
        marks = []
        if name in GAPS:
            marks.append(pytest.mark.xfail(strict=True, reason=GAPS[name]))
        params.append(pytest.param(name, module, marks=marks, id=name))
    return params


@pytest.mark.parametrize(("name", "module"), _params())
def test_the_service_writes_an_event_naming_the_actor_and_the_change(
    request: pytest.FixtureRequest, name: str, module: ModuleType
) -> None:
    assert name in SCENARIOS, (
        f"{name} has no audit scenario: add one to this module (or, if it writes nothing whose "
        "history matters, add it to ALLOWED with the reason)"
    )
    call, actor = SCENARIOS[name](Cast(request))
    before = _newest_ids()

    call()

    written = [
        event
        for model, newest in before.items()
        for event in model._default_manager.filter(pk__gt=newest)
    ]
    own = [event for event in written if isinstance(event, MODULES[module])]
    assert own, f"{name} wrote no {' or '.join(m.__name__ for m in MODULES[module])}"
    by_actor = [event for event in own if event.actor_id == (actor.pk if actor else None)]
    assert by_actor, f"{name}'s events name {[e.actor for e in own]}, not {actor}"
    for event in by_actor:
        assert event.kind, name
        assert event.created_at is not None, name
        assert _what_changed(event), f"{name}: the {event.kind} event does not say what changed"


def test_every_scenario_is_of_a_service_that_exists() -> None:
    names = {name for name, _module in _services()}
    assert set(SCENARIOS) <= names
    assert set(ALLOWED) <= names
    assert not set(SCENARIOS) & set(ALLOWED)
