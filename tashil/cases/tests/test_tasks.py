"""The periodic case jobs as huey runs them: on today's date, and harmless when run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tashil.cases import tasks
from tashil.cases.models import Case, Referral
from tashil.cases.services import ReferralRequest, case_refer
from tashil.cases.tests.conftest import TEHRAN, S
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_escalation_job_escalates_on_todays_date_and_once(
    clock: Any, settings: Any, case_in: Any, secretariat: Any, officer: Any, tax_agency: Any
) -> None:
    settings.TASHIL_ESCALATION_STEPS = (("officer", 1), ("agency_head", 3))
    clock.set(dt.date(2025, 1, 8))
    case = case_in(S.SCREENING)
    (referral,) = case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="الف", days=1)],
    )
    # Saturday the 11th, one working day after Thursday's deadline. At 01:00 Tehran it is
    # still the 10th in UTC: the job must count in the local date.
    clock.current = dt.datetime(2025, 1, 11, 1, 0, tzinfo=TEHRAN)

    tasks.escalate_overdue_referrals()  # huey runs it at once in tests
    tasks.escalate_overdue_referrals()

    referral.refresh_from_db()
    assert referral.escalation_level == 1
    assert list(
        Notification.objects.filter(kind__startswith="referral_overdue").values_list("kind", "user")
    ) == [("referral_overdue_officer", officer.pk)]


def test_the_closing_job_closes_outcomes_whose_window_passed(
    clock: Any, settings: Any, case_in: Any
) -> None:
    settings.TASHIL_CONFIRMATION_DAYS = 14
    clock.set(dt.date(2025, 1, 8))
    late = case_in(S.RESOLVED, title="late")
    clock.set(dt.date(2025, 1, 15))
    in_time = case_in(S.UNRESOLVED, title="in time")
    clock.set(dt.date(2025, 1, 23))

    tasks.close_unconfirmed_cases()
    tasks.close_unconfirmed_cases()

    statuses = dict(
        Case.objects.filter(pk__in=[late.pk, in_time.pk]).values_list("title", "status")
    )
    assert statuses == {"late": "closed", "in time": "unresolved"}
    assert Referral.objects.filter(status="open").count() == 0


@pytest.mark.parametrize(
    ("task", "minute"),
    [(tasks.escalate_overdue_referrals, 15), (tasks.close_unconfirmed_cases, 45)],
)
def test_the_jobs_run_every_hour(task: Any, minute: int) -> None:
    instance = task.task_class()
    runs = [
        (hour, m)
        for hour in range(24)
        for m in range(60)
        if instance.validate_datetime(dt.datetime(2025, 1, 8, hour, m))
    ]
    assert runs == [(hour, minute) for hour in range(24)]
