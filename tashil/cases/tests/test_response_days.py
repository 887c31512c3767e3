"""The stored response time the scorecard averages: working days from the referral's local day to
the answer's local day, weekends and holidays left out, less the working days the case waited on
the company (`Referral.paused_days`, added when the company answers a request for
information)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tashil.cases.models import Referral
from tashil.cases.services import (
    ReferralRequest,
    case_provide_info,
    case_refer,
    case_return_for_info,
    referral_answer,
)
from tashil.cases.tests.conftest import TEHRAN, S

pytestmark = pytest.mark.django_db

# January 2025: Friday the 10th and 17th are the weekend; Sunday the 12th is a holiday.
WEDNESDAY, THURSDAY = dt.date(2025, 1, 8), dt.date(2025, 1, 9)
SATURDAY, SUNDAY = dt.date(2025, 1, 11), dt.date(2025, 1, 12)
TUESDAY, NEXT_THURSDAY = dt.date(2025, 1, 14), dt.date(2025, 1, 16)


@pytest.fixture
def referral_sent(clock: Any, holiday: Any, case_in: Any, secretariat: Any, tax_agency: Any) -> Any:
    """`referral_sent(at)`: a case referred to the tax agency, the referral dated `at`."""
    holiday(SUNDAY)

    def send(at: dt.datetime) -> Referral:
        clock.current = at
        case = case_in(S.SCREENING)
        (referral,) = case_refer(
            actor=secretariat,
            case=case,
            requests=[ReferralRequest(agency=tax_agency, request_text="بررسی شود", days=10)],
        )
        # The column's default reads the real clock; the referral is dated as sent.
        Referral.objects.filter(pk=referral.pk).update(created_at=at)
        referral.refresh_from_db()
        return referral

    return send


def answer_at(clock: Any, officer: Any, referral: Referral, at: dt.datetime) -> Referral:
    clock.current = at
    referral_answer(actor=officer, referral=referral, answer="پاسخ داده شد")
    return Referral.objects.get(pk=referral.pk)


def test_the_days_count_from_the_referrals_local_day_and_skip_the_weekend_and_the_holiday(
    clock: Any, referral_sent: Any, officer: Any
) -> None:
    # Half past midnight on Thursday in Tehran: still Wednesday evening in UTC.
    referral = referral_sent(dt.datetime.combine(THURSDAY, dt.time(0, 30), tzinfo=TEHRAN))

    answered = answer_at(clock, officer, referral, dt.datetime(2025, 1, 14, 10, tzinfo=TEHRAN))

    # Saturday 11 (1), Monday 13 (2), Tuesday 14 (3): Friday and the holiday are not counted,
    # nor Thursday, the day it was sent.
    assert answered.status == "answered"
    assert (answered.paused_days, answered.response_days) == (0, 3)


def test_an_answer_on_the_day_of_the_referral_took_no_working_day(
    clock: Any, referral_sent: Any, officer: Any
) -> None:
    referral = referral_sent(dt.datetime.combine(WEDNESDAY, dt.time(9), tzinfo=TEHRAN))

    answered = answer_at(clock, officer, referral, dt.datetime(2025, 1, 8, 23, 50, tzinfo=TEHRAN))

    assert answered.response_days == 0


def test_the_days_the_case_waited_on_the_company_are_not_the_agencys(
    clock: Any, referral_sent: Any, secretariat: Any, owner: Any, officer: Any
) -> None:
    referral = referral_sent(dt.datetime.combine(WEDNESDAY, dt.time(9), tzinfo=TEHRAN))
    case = referral.case
    clock.set(SATURDAY)
    case_return_for_info(actor=secretariat, case=case, reason="گواهی مالیاتی را بفرستید")
    # The company answers on Tuesday: Monday 13 and Tuesday 14 paused (Sunday is the holiday).
    clock.set(TUESDAY, hour=16)
    case_provide_info(actor=owner, case=case, text="گواهی پیوست شد")
    referral.refresh_from_db()
    assert referral.paused_days == 2

    answered = answer_at(clock, officer, referral, dt.datetime(2025, 1, 16, 11, tzinfo=TEHRAN))

    # Thursday 9, Saturday 11, Monday 13, Tuesday 14, Wednesday 15, Thursday 16 = 6 working
    # days since Wednesday, less the 2 paused.
    assert (answered.paused_days, answered.response_days) == (2, 4)


def test_two_pauses_add_up(
    clock: Any, referral_sent: Any, secretariat: Any, owner: Any, officer: Any
) -> None:
    referral = referral_sent(dt.datetime.combine(WEDNESDAY, dt.time(9), tzinfo=TEHRAN))
    case = referral.case
    for asked, answered_on in ((THURSDAY, SATURDAY), (TUESDAY, NEXT_THURSDAY)):
        clock.set(asked)
        case_return_for_info(actor=secretariat, case=case, reason="مدرک دیگری لازم است")
        clock.set(answered_on)
        case_provide_info(actor=owner, case=case, text="ارسال شد")
    referral.refresh_from_db()
    # Saturday 11 (Friday is the weekend), then Wednesday 15 and Thursday 16.
    assert referral.paused_days == 3

    answered = answer_at(clock, officer, referral, dt.datetime(2025, 1, 18, 9, tzinfo=TEHRAN))

    # Thursday 9, Saturday 11, Monday 13 … Thursday 16, Saturday 18 = 7, less 3.
    assert answered.response_days == 4
