"""Outcomes and closure: the secretariat concludes, the company confirms (with a score) or
reopens within the window, and the job closes what is left unconfirmed — once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tashil.cases.models import CaseEvent, ReferralStatus
from tashil.cases.services import (
    CaseError,
    ReferralRequest,
    case_conclude,
    case_confirm,
    case_move,
    case_refer,
    case_reopen,
    cases_close_unconfirmed,
    referral_answer,
)
from tashil.cases.tests.conftest import S, snapshot
from tashil.cases.workflow import CaseStatus
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db

WINDOW = dt.timedelta(days=14)


@pytest.fixture(autouse=True)
def _window(settings: Any) -> None:
    settings.TASHIL_CONFIRMATION_DAYS = 14


@pytest.fixture
def concluded(clock: Any, case_in: Any, secretariat: Any) -> Any:
    """A resolved case, concluded at the clock's "now"."""
    case = case_in(S.WORKING_GROUP)
    case_conclude(actor=secretariat, case=case, outcome="resolved")
    case.refresh_from_db()
    return case


def test_concluding_sets_the_outcome_and_the_window_and_withdraws_open_referrals(
    clock: Any,
    case_in: Any,
    secretariat: Any,
    officer: Any,
    owner: Any,
    customs_agency: Any,
    sms_outbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner.phone = "09121234567"
    owner.save(update_fields=["phone"])
    case = case_in(S.REFERRED)
    tax = case.referrals.get()
    (customs,) = case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=customs_agency, request_text="ترخیص")],
    )
    referral_answer(actor=officer, referral=tax, answer="انجام شد")

    with django_capture_on_commit_callbacks(execute=True):
        case_conclude(actor=secretariat, case=case, outcome="unresolved", reason="خارج از اختیار")

    case.refresh_from_db()
    assert (case.status, case.outcome) == ("unresolved", "unresolved")
    assert case.confirm_until == clock.now() + WINDOW
    tax.refresh_from_db()
    customs.refresh_from_db()
    assert (tax.status, customs.status) == (ReferralStatus.ANSWERED, ReferralStatus.WITHDRAWN)
    withdrawn = CaseEvent.objects.filter(case=case, kind="withdrawn")
    assert [(e.referral_id, e.actor) for e in withdrawn] == [(customs.pk, secretariat)]
    assert Notification.objects.filter(user=owner, kind="case_concluded").count() == 1
    assert [to for to, _text in sms_outbox] == ["09121234567"]


def test_the_company_confirms_with_its_satisfaction(concluded: Any, owner: Any, clock: Any) -> None:
    clock.advance(days=3)

    case_confirm(actor=owner, case=concluded, satisfaction=4)

    concluded.refresh_from_db()
    assert (concluded.status, concluded.outcome, concluded.satisfaction) == (
        "closed",
        "resolved",
        4,
    )
    assert concluded.confirm_until is None
    event = CaseEvent.objects.filter(case=concluded, kind="transition").last()
    assert (event.actor, event.from_status, event.to_status) == (owner, "resolved", "closed")
    assert event.data["satisfaction"] == 4


def test_the_company_may_confirm_without_a_score(concluded: Any, owner: Any) -> None:
    case_confirm(actor=owner, case=concluded)

    concluded.refresh_from_db()
    assert (concluded.status, concluded.satisfaction) == ("closed", None)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_outside_1_to_5_is_refused(concluded: Any, owner: Any, score: int) -> None:
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_confirm(actor=owner, case=concluded, satisfaction=score)

    assert error.value.code == "bad_score"
    assert snapshot() == before


@pytest.mark.parametrize("name", ["other_owner", "secretariat", "officer"])
def test_only_the_company_confirms(concluded: Any, persona: Any, name: str) -> None:
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_confirm(actor=persona(name), case=concluded, satisfaction=5)

    assert error.value.code == "not_allowed"
    assert snapshot() == before


def test_confirming_after_the_window_is_refused(concluded: Any, owner: Any, clock: Any) -> None:
    clock.advance(days=14, seconds=1)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_confirm(actor=owner, case=concluded, satisfaction=5)

    assert error.value.code == "window_passed"
    assert snapshot() == before


def test_the_company_reopens_a_resolved_case_within_the_window(
    concluded: Any, owner: Any, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clock.advance(days=13, hours=23)

    with django_capture_on_commit_callbacks(execute=True):
        case_reopen(actor=owner, case=concluded, reason="وام هنوز پرداخت نشده است")

    concluded.refresh_from_db()
    assert (concluded.status, concluded.outcome, concluded.confirm_until) == ("screening", "", None)
    event = CaseEvent.objects.filter(case=concluded, kind="transition").last()
    assert (event.from_status, event.to_status, event.reason) == (
        "resolved",
        "screening",
        "وام هنوز پرداخت نشده است",
    )
    assert Notification.objects.filter(kind="case_reopened").exists()


def test_reopening_after_the_window_is_refused(concluded: Any, owner: Any, clock: Any) -> None:
    clock.advance(days=14, seconds=1)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_reopen(actor=owner, case=concluded, reason="حل نشده")

    assert error.value.code == "window_passed"
    assert snapshot() == before


@pytest.mark.parametrize("outcome", ["unresolved", "escalated_national"])
def test_only_a_resolved_case_can_be_reopened(
    clock: Any, case_in: Any, secretariat: Any, owner: Any, outcome: str
) -> None:
    case = case_in(outcome)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_reopen(actor=owner, case=case, reason="حل نشده")

    assert error.value.code == "invalid_transition"
    assert snapshot() == before


def test_a_reopened_case_can_be_concluded_and_confirmed_again(
    concluded: Any, owner: Any, secretariat: Any, clock: Any
) -> None:
    case_reopen(actor=owner, case=concluded, reason="حل نشده")
    case_move(actor=secretariat, case=concluded, to=S.WORKING_GROUP)
    clock.advance(days=20)
    case_conclude(actor=secretariat, case=concluded, outcome="escalated_national", reason="ملی")
    concluded.refresh_from_db()
    assert concluded.confirm_until == clock.now() + WINDOW

    case_confirm(actor=owner, case=concluded)

    concluded.refresh_from_db()
    assert (concluded.status, concluded.outcome) == ("closed", "escalated_national")


# --- The job that closes unconfirmed outcomes ------------------------------------------------


def test_the_job_closes_only_outcomes_past_their_window_and_only_once(
    clock: Any, case_in: Any, secretariat: Any
) -> None:
    old_resolved = case_in(S.RESOLVED, title="الف")
    old_unresolved = case_in(S.UNRESOLVED, title="ب")
    confirmed = case_in(S.CLOSED, title="ج")
    clock.advance(days=5)
    recent = case_in(S.ESCALATED_NATIONAL, title="د")
    still_open = case_in(S.REFERRED, title="ه")
    # Between the first two windows' end and the third's.
    now = clock.now() + WINDOW - dt.timedelta(days=2)

    closed = cases_close_unconfirmed(now=now)

    statuses = {
        c.title: (c.status, c.outcome)
        for c in type(old_resolved).objects.filter(
            pk__in=[old_resolved.pk, old_unresolved.pk, confirmed.pk, recent.pk, still_open.pk]
        )
    }
    assert closed == 2
    assert statuses == {
        "الف": ("closed", "resolved"),
        "ب": ("closed", "unresolved"),
        "ج": ("closed", "resolved"),
        "د": ("escalated_national", "escalated_national"),
        "ه": ("referred", ""),
    }
    closing = CaseEvent.objects.filter(kind="transition", to_status="closed", actor=None)
    assert sorted(closing.values_list("case__title", flat=True)) == ["الف", "ب"]
    assert all(event.data["unconfirmed"] for event in closing)

    before = snapshot()
    assert cases_close_unconfirmed(now=now) == 0
    assert snapshot() == before


def test_the_job_leaves_an_outcome_at_the_very_end_of_its_window(
    concluded: Any, clock: Any
) -> None:
    assert cases_close_unconfirmed(now=concluded.confirm_until) == 0
    concluded.refresh_from_db()
    assert concluded.status == CaseStatus.RESOLVED
