"""Several people of the referred agency acting on the same referral at the same moment, each
in a thread with its own database connection as separate web requests would be: one answer
is kept, one extension is granted, and the timeline says exactly what the referral shows."""

from __future__ import annotations

from typing import Any

import pytest

from tashil.cases.models import CaseEvent, Referral, ReferralStatus
from tashil.cases.services import EventKind, case_move, referral_answer, referral_extend
from tashil.cases.tests.conftest import REASON, S
from tashil.conftest import _user_with_role
from tashil.core.tests.concurrency import WORKERS, error_codes, one_winner, race
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tax_staff(officer: Any, agency_head: Any, tax_agency: Any) -> list[Any]:
    """Everyone who may act for the tax agency: the cast's officer and head, and more officers."""
    more = [
        _user_with_role(f"tax_officer_{n}", "agency_officer", agency=tax_agency)
        for n in range(WORKERS - 2)
    ]
    return [officer, agency_head, *more]


def _fresh(referral: Referral) -> Referral:
    return Referral.objects.get(pk=referral.pk)


def _events(referral: Referral, kind: str) -> Any:
    return CaseEvent.objects.filter(referral=referral, kind=kind)


def test_eight_officers_answering_the_same_referral_keep_exactly_one_answer(
    case_in: Any, tax_staff: list[Any]
) -> None:
    case = case_in(S.REFERRED)
    referral = case.referrals.get()
    answers = [f"پاسخ شماره {n} دستگاه" for n in range(WORKERS)]

    results = race(
        *(
            lambda n=n: referral_answer(
                actor=tax_staff[n], referral=_fresh(referral), answer=answers[n]
            )
            for n in range(WORKERS)
        )
    )

    winner = one_winner(results)
    assert error_codes(results) == {"not_open": WORKERS - 1}, results
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ANSWERED
    assert (referral.answer, referral.answered_by) == (answers[winner], tax_staff[winner])
    events = _events(referral, EventKind.ANSWERED)
    assert list(events.values_list("actor", "reason")) == [(tax_staff[winner].pk, answers[winner])]
    # The people told of the answer are told once, not once per attempt.
    assert Notification.objects.filter(kind="referral_answered").count() == len(
        set(Notification.objects.filter(kind="referral_answered").values_list("user", flat=True))
    )


def test_eight_officers_asking_for_more_time_at_once_get_one_extension(
    case_in: Any, tax_staff: list[Any]
) -> None:
    case = case_in(S.REFERRED)
    referral = case.referrals.get()
    due_before = referral.due_on

    results = race(
        *(
            lambda n=n: referral_extend(
                actor=tax_staff[n], referral=_fresh(referral), days=1 + n % 3, reason=REASON
            )
            for n in range(WORKERS)
        )
    )

    winner = one_winner(results)
    assert error_codes(results) == {"extended_once": WORKERS - 1}, results
    referral.refresh_from_db()
    assert referral.extended_days == 1 + winner % 3
    extensions = _events(referral, EventKind.EXTENDED)
    assert extensions.count() == 1
    recorded = extensions.get().data
    assert (recorded["from"], recorded["to"]) == (
        due_before.isoformat(),
        referral.due_on.isoformat(),
    )
    assert recorded["days"] == referral.extended_days


def test_answers_racing_the_secretariat_concluding_the_case_leave_a_consistent_referral(
    case_in: Any, tax_staff: list[Any], secretariat: Any
) -> None:
    """The secretariat resolves the case (withdrawing open referrals) while the officers
    answer: either an answer came first and stays, or the referral was withdrawn and every
    answer is refused. Never both, never neither, and nothing deadlocks."""
    case = case_in(S.REFERRED)
    referral = case.referrals.get()
    officers = tax_staff[: WORKERS - 1]

    results = race(
        lambda: case_move(actor=secretariat, case=case_in_fresh(case), to=S.RESOLVED),
        *(
            lambda n=n: referral_answer(
                actor=officers[n], referral=_fresh(referral), answer=f"پاسخ {n}"
            )
            for n in range(len(officers))
        ),
    )

    assert results[0][0] == "ok", results[0]
    answered = [index for index, (kind, _value) in enumerate(results[1:]) if kind == "ok"]
    assert len(answered) <= 1, results
    assert set(error_codes(results)) <= {"not_open"}, results
    referral.refresh_from_db()
    case.refresh_from_db()
    assert case.status == S.RESOLVED
    answers = _events(referral, EventKind.ANSWERED).count()
    withdrawals = _events(referral, EventKind.WITHDRAWN).count()
    if answered:
        assert referral.status == ReferralStatus.ANSWERED
        assert (answers, withdrawals) == (1, 0)
    else:
        assert referral.status == ReferralStatus.WITHDRAWN
        assert (answers, withdrawals) == (0, 1)


def case_in_fresh(case: Any) -> Any:
    return type(case).objects.get(pk=case.pk)
