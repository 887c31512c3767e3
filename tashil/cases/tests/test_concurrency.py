"""Two people moving the same case at the same moment: exactly one of them succeeds, the other
is told the case changed, and the timeline holds one event. Each thread has its own database
connection, as two web requests would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tashil.cases.models import Case, CaseEvent, Referral
from tashil.cases.services import CaseError, case_move, referrals_escalate
from tashil.cases.tests.conftest import REASON, S
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

Outcome = tuple[str, Any]


def race(*attempts: Callable[[], Any]) -> list[Outcome]:
    """Run the attempts in threads released together; each result is ("ok", value) or
    ("error", exception)."""
    barrier = threading.Barrier(len(attempts))
    results: list[Outcome] = [("missing", None)] * len(attempts)

    def run(index: int, attempt: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", attempt())
        except Exception as error:  # the test judges what went wrong
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _one_wins(results: list[Outcome]) -> Exception:
    """Exactly one success; the loser's error is returned for the caller to judge."""
    kinds = sorted(kind for kind, _value in results)
    errors = [value for kind, value in results if kind == "error"]
    assert kinds == ["error", "ok"], results
    return errors[0]


def _fresh(case: Case) -> Case:
    # Each request loads its own copy, both seeing the state before either move.
    return Case.objects.get(pk=case.pk)


def test_two_secretaries_taking_the_same_case_into_screening_one_wins(
    case_in: Any, secretariat: Any, county_secretary: Any
) -> None:
    case = case_in(S.SUBMITTED)
    copies = [_fresh(case), _fresh(case)]

    results = race(
        lambda: case_move(actor=secretariat, case=copies[0], to=S.SCREENING),
        lambda: case_move(actor=county_secretary, case=copies[1], to=S.SCREENING),
    )

    error = _one_wins(results)
    assert isinstance(error, CaseError), repr(error)
    assert error.code in {"conflict", "invalid_transition"}
    case.refresh_from_db()
    assert case.status == S.SCREENING
    moves = CaseEvent.objects.filter(case=case, kind="transition", to_status=S.SCREENING)
    assert moves.count() == 1


def test_rejecting_and_sending_to_a_working_group_at_once_leaves_one_of_them(
    case_in: Any, secretariat: Any, county_secretary: Any
) -> None:
    case = case_in(S.SCREENING)
    copies = [_fresh(case), _fresh(case)]
    before = CaseEvent.objects.filter(case=case, kind="transition").count()

    results = race(
        lambda: case_move(actor=secretariat, case=copies[0], to=S.REJECTED, reason=REASON),
        lambda: case_move(actor=county_secretary, case=copies[1], to=S.WORKING_GROUP),
    )

    error = _one_wins(results)
    assert isinstance(error, CaseError), repr(error)
    assert error.code in {"conflict", "invalid_transition"}
    case.refresh_from_db()
    winner = S.REJECTED if results[0][0] == "ok" else S.WORKING_GROUP
    assert case.status == winner
    events = CaseEvent.objects.filter(case=case, kind="transition").order_by("pk")
    assert events.count() == before + 1
    assert (events.last().from_status, events.last().to_status) == (S.SCREENING, winner)


def test_the_company_confirming_while_the_job_closes_the_case_closes_it_once(
    case_in: Any, owner: Any
) -> None:
    case = case_in(S.RESOLVED)
    copies = [_fresh(case), _fresh(case)]

    results = race(
        lambda: case_move(actor=owner, case=copies[0], to=S.CLOSED, satisfaction=5),
        lambda: case_move(actor=None, case=copies[1], to=S.CLOSED),
    )

    error = _one_wins(results)
    assert isinstance(error, CaseError), repr(error)
    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert CaseEvent.objects.filter(case=case, to_status=S.CLOSED).count() == 1


def test_two_escalation_runs_at_once_send_each_notice_once(
    case_in: Any, settings: Any, officer: Any, agency_head: Any
) -> None:
    settings.TASHIL_ESCALATION_STEPS = (("officer", 1), ("agency_head", 2))
    case = case_in(S.REFERRED)
    referral = case.referrals.get()
    today = referral.due_on
    # Late by far more than two working days, wherever the weekend falls.
    Referral.objects.filter(pk=referral.pk).update(due_on=today.replace(year=today.year - 1))

    results = race(
        lambda: referrals_escalate(today=today),
        lambda: referrals_escalate(today=today),
    )

    assert [kind for kind, _value in results] == ["ok", "ok"], results
    assert sorted(value for _kind, value in results) == [0, 2]
    referral.refresh_from_db()
    assert referral.escalation_level == 2
    overdue = Notification.objects.filter(kind__startswith="referral_overdue")
    assert sorted(overdue.values_list("kind", "user")) == [
        ("referral_overdue_agency_head", agency_head.pk),
        ("referral_overdue_officer", officer.pk),
    ]
    assert CaseEvent.objects.filter(case=case, kind="escalated").count() == 2
