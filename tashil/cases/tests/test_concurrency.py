"""Two people moving the same case at the same moment: exactly one of them succeeds, the other
is told the case changed, and the timeline holds one event. Each thread has its own database
connection, as two web requests would."""

from __future__ import annotations

from typing import Any

import pytest

from tashil.cases.models import Case, CaseEvent, Referral
from tashil.cases.services import CaseError, case_move, referrals_escalate
from tashil.cases.tests.conftest import REASON, S
from tashil.core.tests.concurrency import (
    WORKERS,
    Outcome,
    assert_chain,
    error_codes,
    one_winner,
    race,
    race_along,
)
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


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


# --- Many workers at once ------------------------------------------------------------------


def _transitions(case: Case) -> list[tuple[str, str]]:
    return list(
        CaseEvent.objects.filter(case=case, kind="transition")
        .order_by("pk")
        .values_list("from_status", "to_status")
    )


def test_eight_secretaries_sending_the_same_case_eight_ways_leave_exactly_one_move(
    case_in: Any, secretariat: Any, county_secretary: Any
) -> None:
    case = case_in(S.SCREENING)
    targets = [
        S.REJECTED,
        S.WORKING_GROUP,
        S.ON_AGENDA,
        S.RETURNED_FOR_INFO,
        S.EXPERT_REVIEW,
        S.REFERRED,
        S.WORKING_GROUP,
        S.ON_AGENDA,
    ]
    assert len(targets) == WORKERS
    # What each move needs besides a reason (an expert, the agencies), chosen before the race.
    extras = [case_in.extras(case, to) for to in targets]
    actors = [secretariat, county_secretary] * (WORKERS // 2)
    # Each decided on the page as it was before anyone moved: read before the race, or a worker
    # released late (SQLite queues writers) would decide on the winner's status instead.
    copies = [_fresh(case) for _ in range(WORKERS)]

    def attempt(index: int) -> Any:
        return lambda: case_move(
            actor=actors[index],
            case=copies[index],
            to=targets[index],
            reason=REASON,
            **extras[index],
        )

    results = race(*(attempt(index) for index in range(WORKERS)))

    winner = targets[one_winner(results)]
    assert set(error_codes(results)) <= {"conflict", "invalid_transition"}, results
    case.refresh_from_db()
    assert case.status == winner
    assert_chain(_transitions(case), start=S.SUBMITTED, final=case.status)
    assert [move for move in _transitions(case) if move[0] == S.SCREENING] == [
        (S.SCREENING, winner)
    ]
    # Only the winner's side effects exist: the referral of a referral, the expert of a review.
    assert case.referrals.exists() == (winner == S.REFERRED)
    assert (case.assignee_id is not None) == (winner == S.EXPERT_REVIEW)


# The way from filing to closing that the walkers below follow: (from, to, who moves).
WALK = [
    (S.SUBMITTED, S.SCREENING, "secretariat"),
    (S.SCREENING, S.WORKING_GROUP, "secretariat"),
    (S.WORKING_GROUP, S.RESOLVED, "secretariat"),
    (S.RESOLVED, S.CLOSED, "owner"),
]


def test_eight_workers_pushing_a_case_along_its_way_make_every_move_exactly_once(
    case_in: Any, secretariat: Any, owner: Any
) -> None:
    """Each worker reads the case, makes the next move of the way from what it read, and
    tries again with a fresh read when someone was faster: a lost or doubled move would show
    as a gap or a repeat in the timeline."""
    case = case_in(S.SUBMITTED)
    people = {"secretariat": secretariat, "owner": owner}

    results = race_along(
        WALK,
        read=lambda: _fresh(case),
        state_of=lambda current: current.status,
        move=lambda current, to, who: case_move(
            actor=people[who], case=current, to=to, reason=REASON
        ),
        retried=CaseError,
    )

    assert [kind for kind, _value in results] == ["ok"] * WORKERS, results
    assert sum(value for _kind, value in results) == len(WALK)
    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert _transitions(case) == [(source, to) for source, to, _who in WALK]
