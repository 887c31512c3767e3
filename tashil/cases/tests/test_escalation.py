"""Escalation of overdue referrals: step by step (officer → agency head → secretariat →
governor's office), each step notified once however often the job runs, each on the timeline;
an extension restarts the ladder once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from tashil.cases.models import CaseEvent, Referral
from tashil.cases.selectors import case_timeline
from tashil.cases.services import (
    CaseError,
    ReferralRequest,
    case_conclude,
    case_refer,
    referral_answer,
    referral_extend,
    referrals_escalate,
)
from tashil.cases.tests.conftest import S, snapshot
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2025, 1, 8)
# Referred on Wednesday the 8th with one working day: due Thursday the 9th.
DUE = dt.date(2025, 1, 9)
STEPS = (("officer", 1), ("agency_head", 2), ("secretariat", 3), ("governor", 5))


@pytest.fixture(autouse=True)
def _short_ladder(settings: Any) -> None:
    settings.TASHIL_ESCALATION_STEPS = STEPS


@pytest.fixture
def cast(
    officer: Any,
    other_officer: Any,
    agency_head: Any,
    secretariat: Any,
    county_secretary: Any,
    executive: Any,
    owner: Any,
) -> dict[str, Any]:
    everyone = {
        "officer": officer,
        "other_officer": other_officer,
        "agency_head": agency_head,
        "secretariat": secretariat,
        "county_secretary": county_secretary,
        "executive": executive,
        "owner": owner,
    }
    assert all(user.email for user in everyone.values())
    return everyone


@pytest.fixture
def overdue(clock: Any, case_in: Any, secretariat: Any, tax_agency: Any, cast: Any) -> Referral:
    clock.set(WEDNESDAY)
    case = case_in(S.SCREENING)
    (referral,) = case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="پاسخ دهید", days=1)],
    )
    assert referral.due_on == DUE
    return referral


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs the job on a day and returns (steps sent, {kind: {username}} notified, mail to)."""

    def go(today: dt.date) -> tuple[int, dict[str, set[str]], list[str]]:
        mail.outbox.clear()
        first = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with django_capture_on_commit_callbacks(execute=True):
            sent = referrals_escalate(today=today)
        notified: dict[str, set[str]] = {}
        for kind, username in Notification.objects.filter(pk__gt=first).values_list(
            "kind", "user__username"
        ):
            notified.setdefault(kind, set()).add(username)
        addresses = sorted(address for message in mail.outbox for address in message.to)
        return sent, notified, addresses

    return go


def _level(referral: Referral) -> int:
    referral.refresh_from_db()
    return referral.escalation_level


def test_each_step_is_notified_once_however_often_the_job_runs(
    overdue: Referral, run: Any, cast: dict[str, Any]
) -> None:
    # Friday the 10th is after the deadline but not a working day: nobody is late yet.
    assert run(dt.date(2025, 1, 10)) == (0, {}, [])
    assert _level(overdue) == 0

    # Saturday the 11th: one working day late, the officer hears of it — once.
    sent, notified, addresses = run(dt.date(2025, 1, 11))
    assert (sent, notified) == (1, {"referral_overdue_officer": {"officer"}})
    assert addresses == [cast["officer"].email]
    assert _level(overdue) == 1
    assert run(dt.date(2025, 1, 11)) == (0, {}, [])
    assert _level(overdue) == 1

    # Monday the 13th (the job did not run on Sunday): three days late, two steps at once.
    sent, notified, addresses = run(dt.date(2025, 1, 13))
    assert sent == 2
    assert notified == {
        "referral_overdue_agency_head": {"head"},
        "referral_overdue_secretariat": {"secretariat", "county_secretary"},
    }
    assert addresses == sorted(
        cast[name].email for name in ("agency_head", "secretariat", "county_secretary")
    )
    assert _level(overdue) == 3
    assert run(dt.date(2025, 1, 13)) == (0, {}, [])
    # Tuesday the 14th: four days late, no step at four.
    assert run(dt.date(2025, 1, 14)) == (0, {}, [])

    # Wednesday the 15th: five days late, the governor's office.
    sent, notified, addresses = run(dt.date(2025, 1, 15))
    assert (sent, notified, addresses) == (
        1,
        {"referral_overdue_governor": {"executive"}},
        [cast["executive"].email],
    )
    assert _level(overdue) == 4
    # The ladder has no more steps.
    assert run(dt.date(2025, 2, 28)) == (0, {}, [])

    per_kind = {
        kind: Notification.objects.filter(kind=kind).count()
        for kind in (
            "referral_overdue_officer",
            "referral_overdue_agency_head",
            "referral_overdue_secretariat",
            "referral_overdue_governor",
        )
    }
    assert per_kind == {
        "referral_overdue_officer": 1,
        "referral_overdue_agency_head": 1,
        "referral_overdue_secretariat": 2,
        "referral_overdue_governor": 1,
    }
    assert not Notification.objects.filter(
        user__in=[cast["other_officer"], cast["owner"]], kind__startswith="referral_overdue"
    ).exists()


def test_every_step_is_on_the_case_timeline(overdue: Referral, run: Any) -> None:
    run(dt.date(2025, 1, 11))
    run(dt.date(2025, 1, 13))
    run(dt.date(2025, 1, 13))
    run(dt.date(2025, 1, 15))

    escalated = [e for e in case_timeline(overdue.case) if e.kind == "escalated"]
    assert [(e.data["level"], e.data["to"], e.actor) for e in escalated] == [
        (1, "officer", None),
        (2, "agency_head", None),
        (3, "secretariat", None),
        (4, "governor", None),
    ]
    assert all(e.referral_id == overdue.pk for e in escalated)
    assert [e.data["late_by"] for e in escalated] == [1, 3, 3, 5]


def test_the_steps_come_from_the_settings(overdue: Referral, run: Any, settings: Any) -> None:
    settings.TASHIL_ESCALATION_STEPS = (("secretariat", 2), ("officer", 1))

    sent, notified, _addresses = run(dt.date(2025, 1, 12))

    # Sorted by delay: officer at one day, secretariat at two; no head, no governor.
    assert sent == 2
    assert set(notified) == {"referral_overdue_officer", "referral_overdue_secretariat"}
    assert _level(overdue) == 2


def test_an_unknown_step_in_the_settings_is_a_configuration_error(
    overdue: Referral, settings: Any
) -> None:
    settings.TASHIL_ESCALATION_STEPS = (("officer", 1), ("minister", 3))

    with pytest.raises(ImproperlyConfigured):
        referrals_escalate(today=dt.date(2025, 1, 20))


def test_answered_and_withdrawn_referrals_are_not_escalated(
    clock: Any,
    case_in: Any,
    secretariat: Any,
    officer: Any,
    tax_agency: Any,
    customs_agency: Any,
    run: Any,
    cast: Any,
) -> None:
    clock.set(WEDNESDAY)
    answered_case = case_in(S.SCREENING)
    (answered,) = case_refer(
        actor=secretariat,
        case=answered_case,
        requests=[ReferralRequest(agency=tax_agency, request_text="الف", days=1)],
    )
    referral_answer(actor=officer, referral=answered, answer="پاسخ")
    withdrawn_case = case_in(S.SCREENING, title="پرونده دوم")
    case_refer(
        actor=secretariat,
        case=withdrawn_case,
        requests=[ReferralRequest(agency=customs_agency, request_text="ب", days=1)],
    )
    case_conclude(actor=secretariat, case=withdrawn_case, outcome="resolved")
    before = snapshot()

    assert run(dt.date(2025, 2, 1)) == (0, {}, [])
    assert snapshot() == before


def test_referrals_escalate_on_their_own_ladders(
    clock: Any,
    case_in: Any,
    secretariat: Any,
    tax_agency: Any,
    customs_agency: Any,
    run: Any,
    cast: Any,
) -> None:
    clock.set(WEDNESDAY)
    case = case_in(S.SCREENING)
    tax, customs = case_refer(
        actor=secretariat,
        case=case,
        requests=[
            ReferralRequest(agency=tax_agency, request_text="الف", days=1),
            ReferralRequest(agency=customs_agency, request_text="ب", days=3),
        ],
    )

    sent, notified, _addresses = run(dt.date(2025, 1, 13))

    # Tax (due Thursday 9) is three days late; customs (due Sunday 12) one.
    assert sent == 4
    assert (_level(tax), _level(customs)) == (3, 1)
    assert notified["referral_overdue_officer"] == {"officer", "other_officer"}


# --- Extensions ------------------------------------------------------------------------------


def test_an_extension_moves_the_deadline_and_restarts_the_ladder(
    clock: Any, overdue: Referral, run: Any, officer: Any
) -> None:
    run(dt.date(2025, 1, 12))
    assert _level(overdue) == 2
    clock.set(dt.date(2025, 1, 12))  # Sunday, three days after the deadline

    referral_extend(actor=officer, referral=overdue, days=2, reason="  استعلام از تهران  ")

    overdue.refresh_from_db()
    # Counted from today, not from the passed deadline: Monday 13, Tuesday 14.
    assert overdue.due_on == dt.date(2025, 1, 14)
    assert (overdue.escalation_level, overdue.extended_days) == (0, 2)
    assert overdue.extension_reason == "استعلام از تهران"
    event = CaseEvent.objects.get(referral=overdue, kind="extended")
    assert (event.actor, event.reason) == (officer, "استعلام از تهران")
    assert (event.data["from"], event.data["to"], event.data["days"]) == (
        "2025-01-09",
        "2025-01-14",
        2,
    )
    # Not overdue any more; late again from Wednesday the 15th, and the officer hears of it again.
    assert run(dt.date(2025, 1, 14)) == (0, {}, [])
    sent, notified, _addresses = run(dt.date(2025, 1, 15))
    assert (sent, notified) == (1, {"referral_overdue_officer": {"officer"}})


def test_an_extension_before_the_deadline_counts_from_the_deadline(
    clock: Any, overdue: Referral, agency_head: Any
) -> None:
    referral_extend(actor=agency_head, referral=overdue, days=3, reason="بررسی میدانی")

    overdue.refresh_from_db()
    # From Thursday 9: Saturday 11, Sunday 12, Monday 13.
    assert overdue.due_on == dt.date(2025, 1, 13)


def test_a_deadline_is_extended_once_only(clock: Any, overdue: Referral, officer: Any) -> None:
    referral_extend(actor=officer, referral=overdue, days=2, reason="بار اول")
    before = snapshot()

    with pytest.raises(CaseError) as error:
        referral_extend(actor=officer, referral=overdue, days=2, reason="بار دوم")

    assert error.value.code == "extended_once"
    assert snapshot() == before


@pytest.mark.parametrize(("days", "accepted"), [(0, False), (1, True), (7, True), (8, False)])
def test_an_extension_is_bounded_by_the_setting(
    clock: Any, overdue: Referral, officer: Any, settings: Any, days: int, accepted: bool
) -> None:
    settings.TASHIL_MAX_EXTENSION_DAYS = 7
    before = snapshot()

    if accepted:
        referral_extend(actor=officer, referral=overdue, days=days, reason="دلیل")
        overdue.refresh_from_db()
        assert overdue.extended_days == days
    else:
        with pytest.raises(CaseError) as error:
            referral_extend(actor=officer, referral=overdue, days=days, reason="دلیل")
        assert error.value.code == "bad_days"
        assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "reason", "code"),
    [
        ("officer", "  ", "reason_required"),
        ("other_officer", "دلیل", "not_allowed"),
        ("secretariat", "دلیل", "not_allowed"),
        ("owner", "دلیل", "not_allowed"),
    ],
)
def test_an_extension_needs_a_reason_and_the_agencys_staff(
    clock: Any, overdue: Referral, persona: Any, name: str, reason: str, code: str
) -> None:
    before = snapshot()

    with pytest.raises(CaseError) as error:
        referral_extend(actor=persona(name), referral=overdue, days=2, reason=reason)

    assert error.value.code == code
    assert snapshot() == before


def test_an_answered_referral_cannot_be_extended(
    clock: Any, overdue: Referral, officer: Any
) -> None:
    referral_answer(actor=officer, referral=overdue, answer="پاسخ")
    before = snapshot()

    with pytest.raises(CaseError) as error:
        referral_extend(actor=officer, referral=overdue, days=2, reason="دلیل")

    assert error.value.code == "not_open"
    assert snapshot() == before


def test_the_secretariat_is_told_of_an_extension(
    clock: Any, overdue: Referral, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        referral_extend(actor=officer, referral=overdue, days=2, reason="استعلام")

    notified = set(
        Notification.objects.filter(kind="referral_extended").values_list(
            "user__username", flat=True
        )
    )
    assert notified == {"secretariat", "county_secretary"}
