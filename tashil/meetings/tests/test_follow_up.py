"""Following resolutions up: the agencies are reminded before the deadline, the late ones are
escalated step by step (officer → agency head → secretariat → governor's office) exactly as
referrals are, each step once however often the job runs; accepting the last execution on a case
resolves the case; what the province cannot solve is written up for the national HQ, once.

Resolution 227/1 (tax agency) is due on Saturday 2025-02-15; Friday is the weekend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from tashil.cases.models import CaseEvent
from tashil.cases.tests.conftest import S
from tashil.meetings.models import Resolution, ResolutionEvent
from tashil.meetings.services import (
    MeetingError,
    meeting_close,
    resolution_escalate_national,
    resolution_move,
    resolutions_follow_up,
)
from tashil.meetings.tests.conftest import REASON
from tashil.meetings.tests.test_lifecycle import snapshot
from tashil.meetings.workflow import ResolutionState
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db

R = ResolutionState
DEADLINE = dt.date(2025, 2, 15)
STEPS = (("officer", 1), ("agency_head", 2), ("secretariat", 3), ("governor", 5))


@pytest.fixture(autouse=True)
def _settings(settings: Any, clock: Any) -> None:
    settings.TASHIL_ESCALATION_STEPS = STEPS
    settings.TASHIL_RESOLUTION_REMINDER_DAYS = 3
    settings.TASHIL_WEEKEND_DAYS = frozenset({4})


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
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs the job on a day; returns (its counts, {kind: {username}} notified, mail to)."""

    def go(today: dt.date) -> tuple[dict[str, int], dict[str, set[str]], list[str]]:
        mail.outbox.clear()
        first = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with django_capture_on_commit_callbacks(execute=True):
            counts = resolutions_follow_up(today=today)
        notified: dict[str, set[str]] = {}
        for kind, username in Notification.objects.filter(pk__gt=first).values_list(
            "kind", "user__username"
        ):
            notified.setdefault(kind, set()).add(username)
        addresses = sorted(address for message in mail.outbox for address in message.to)
        return counts, notified, addresses

    return go


@pytest.fixture
def accepted(resolution_in: Any, cast: Any) -> Resolution:
    """227/1, accepted by the tax agency and due on 15 February."""
    resolution = resolution_in(R.IN_PROGRESS)
    assert resolution.deadline == DEADLINE
    return resolution


def _counts(**values: int) -> dict[str, int]:
    return {"started": 0, "reminded": 0, "escalated": 0, **values}


# --- Reminders ---------------------------------------------------------------------------------


def test_the_agency_is_reminded_three_working_days_before_the_deadline_once(
    accepted: Resolution, run: Any, cast: dict[str, Any]
) -> None:
    # Monday the 10th: the 15th is four working days away (Friday the 14th does not count).
    assert run(dt.date(2025, 2, 10)) == (_counts(), {}, [])

    counts, notified, addresses = run(dt.date(2025, 2, 11))
    assert counts == _counts(reminded=1)
    assert notified == {"resolution_reminder": {"officer", "head"}}
    assert addresses == sorted([cast["officer"].email, cast["agency_head"].email])
    accepted.refresh_from_db()
    assert accepted.reminded_on == dt.date(2025, 2, 11)
    event = ResolutionEvent.objects.get(resolution=accepted, kind="reminded")
    assert (event.actor, event.data) == (None, {"deadline": "2025-02-15"})

    assert run(dt.date(2025, 2, 11)) == (_counts(), {}, [])
    assert run(dt.date(2025, 2, 13)) == (_counts(), {}, [])


def test_a_holiday_before_the_deadline_brings_the_reminder_forward(
    accepted: Resolution, run: Any, holiday: Any
) -> None:
    holiday(dt.date(2025, 2, 12))

    counts, _notified, _addresses = run(dt.date(2025, 2, 10))

    assert counts == _counts(reminded=1)


@pytest.mark.parametrize("state", [R.REPORTED, R.EXECUTED, R.OBJECTED, R.NOT_EXECUTED])
def test_a_resolution_no_longer_with_the_agency_is_not_reminded(
    resolution_in: Any, run: Any, state: str
) -> None:
    resolution_in(state)

    assert run(dt.date(2025, 2, 12))[0] == _counts()


# --- Escalation --------------------------------------------------------------------------------


def _level(resolution: Resolution) -> int:
    resolution.refresh_from_db()
    return resolution.escalation_level


def test_each_step_is_notified_once_however_often_the_job_runs(
    accepted: Resolution, run: Any, cast: dict[str, Any]
) -> None:
    assert run(dt.date(2025, 2, 11))[0] == _counts(reminded=1)
    # The deadline day itself: not late yet.
    assert run(DEADLINE) == (_counts(), {}, [])

    # Sunday the 16th: one working day late, the officer hears of it — once.
    counts, notified, addresses = run(dt.date(2025, 2, 16))
    assert (counts, notified) == (
        _counts(escalated=1),
        {"resolution_overdue_officer": {"officer"}},
    )
    assert addresses == [cast["officer"].email]
    assert _level(accepted) == 1
    assert run(dt.date(2025, 2, 16)) == (_counts(), {}, [])

    # Tuesday the 18th (the job did not run on Monday): three days late, two steps at once. The
    # case's county secretariat hears of it with the provincial one.
    counts, notified, addresses = run(dt.date(2025, 2, 18))
    assert counts == _counts(escalated=2)
    assert notified == {
        "resolution_overdue_agency_head": {"head"},
        "resolution_overdue_secretariat": {"secretariat", "county_secretary"},
    }
    assert addresses == sorted(
        cast[name].email for name in ("agency_head", "secretariat", "county_secretary")
    )
    assert _level(accepted) == 3
    assert run(dt.date(2025, 2, 18)) == (_counts(), {}, [])
    # Wednesday the 19th: four days late, no step at four.
    assert run(dt.date(2025, 2, 19)) == (_counts(), {}, [])

    # Thursday the 20th: five days late, the governor's office.
    counts, notified, addresses = run(dt.date(2025, 2, 20))
    assert (counts, notified, addresses) == (
        _counts(escalated=1),
        {"resolution_overdue_governor": {"executive"}},
        [cast["executive"].email],
    )
    assert _level(accepted) == 4
    # The ladder has no more steps.
    assert run(dt.date(2025, 4, 30)) == (_counts(), {}, [])

    assert not Notification.objects.filter(
        user__in=[cast["other_officer"], cast["owner"]], kind__startswith="resolution_overdue"
    ).exists()


def test_every_step_is_on_the_resolutions_and_the_cases_timeline(
    accepted: Resolution, run: Any
) -> None:
    for day in (16, 18, 18, 20, 22):
        run(dt.date(2025, 2, day))

    steps = ResolutionEvent.objects.filter(resolution=accepted, kind="escalated").order_by("pk")
    assert [(e.data["level"], e.data["to"], e.data["late_by"], e.actor) for e in steps] == [
        (1, "officer", 1, None),
        (2, "agency_head", 3, None),
        (3, "secretariat", 3, None),
        (4, "governor", 5, None),
    ]
    on_case = CaseEvent.objects.filter(case=accepted.case, kind="resolution")
    assert [e.data["level"] for e in on_case if e.data["event"] == "escalated"] == [1, 2, 3, 4]


def test_the_steps_come_from_the_settings(accepted: Resolution, run: Any, settings: Any) -> None:
    settings.TASHIL_ESCALATION_STEPS = (("secretariat", 2), ("officer", 1))

    counts, notified, _addresses = run(dt.date(2025, 2, 17))

    assert counts["escalated"] == 2
    assert set(notified) == {"resolution_overdue_officer", "resolution_overdue_secretariat"}
    assert _level(accepted) == 2


def test_a_late_resolution_still_in_its_objection_window_is_escalated_too(
    meetings: Any, officer: Any, run: Any, cast: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    meetings.draft(meetings.with_case(meeting), deadline=dt.date(2025, 1, 18))
    meetings.attend(meeting)
    meeting_close(actor=secretariat, meeting=meeting)

    counts, notified, _addresses = run(dt.date(2025, 1, 19))

    # Still "notified" (the window runs to the 23rd), but with the agency and late.
    assert counts == _counts(escalated=1)
    assert notified == {"resolution_overdue_officer": {"officer"}}


@pytest.mark.parametrize("state", [R.REPORTED, R.EXECUTED, R.NOT_EXECUTED, R.OBJECTED])
def test_a_resolution_no_longer_with_the_agency_is_not_escalated(
    resolution_in: Any, run: Any, cast: Any, state: str
) -> None:
    resolution = resolution_in(state)

    assert run(dt.date(2025, 2, 22)) == (_counts(), {}, [])
    assert _level(resolution) == 0


def test_reporting_execution_stops_the_ladder(accepted: Resolution, run: Any, officer: Any) -> None:
    run(dt.date(2025, 2, 16))
    resolution_move(actor=officer, resolution=accepted, to=R.REPORTED, reason="پرداخت شد")

    assert run(dt.date(2025, 2, 22)) == (_counts(), {}, [])
    assert _level(accepted) == 1


# --- Concluding the case -----------------------------------------------------------------------


@pytest.fixture
def two_on_a_case(
    meetings: Any, secretariat: Any, tax_agency: Any, customs_agency: Any, cast: Any
) -> tuple[Resolution, Resolution]:
    """227/1 for the tax agency and 227/2 for the customs agency, on company A's case, just
    issued."""
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    first = meetings.draft(item, agencies=[tax_agency])
    second = meetings.draft(item, text="گمرک ماشین‌آلات را ترخیص کند", agencies=[customs_agency])
    meetings.attend(meeting)
    meeting_close(actor=secretariat, meeting=meeting)
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def _execute(resolution: Resolution, agency_user: Any, secretariat: Any) -> None:
    resolution_move(actor=agency_user, resolution=resolution, to=R.IN_PROGRESS)
    resolution_move(actor=agency_user, resolution=resolution, to=R.REPORTED, reason="انجام شد")
    resolution_move(actor=secretariat, resolution=resolution, to=R.EXECUTED)


def test_accepting_the_last_execution_resolves_the_case(
    two_on_a_case: Any, secretariat: Any, cast: dict[str, Any]
) -> None:
    first, second = two_on_a_case
    case = first.case

    _execute(first, cast["officer"], secretariat)
    case.refresh_from_db()
    assert case.status == S.RESOLUTIONS_ISSUED
    assert not Notification.objects.filter(user=cast["owner"], kind="case_concluded").exists()

    _execute(second, cast["other_officer"], secretariat)
    case.refresh_from_db()
    assert (case.status, case.outcome) == (S.RESOLVED, "resolved")
    assert case.confirm_until is not None
    concluded = CaseEvent.objects.filter(case=case, kind="transition").order_by("pk").last()
    assert (concluded.to_status, concluded.actor) == (S.RESOLVED, secretariat)
    assert Notification.objects.filter(user=cast["owner"], kind="case_concluded").count() == 1


def test_a_resolution_not_executed_leaves_the_case_to_the_secretariat(
    two_on_a_case: Any, secretariat: Any, cast: dict[str, Any]
) -> None:
    first, second = two_on_a_case
    _execute(first, cast["officer"], secretariat)
    resolution_move(actor=cast["other_officer"], resolution=second, to=R.IN_PROGRESS)

    resolution_move(actor=secretariat, resolution=second, to=R.NOT_EXECUTED, reason=REASON)

    case = first.case
    case.refresh_from_db()
    assert case.status == S.RESOLUTIONS_ISSUED
    assert not Notification.objects.filter(user=cast["owner"], kind="case_concluded").exists()


def test_withdrawing_the_only_other_open_resolution_resolves_the_case(
    two_on_a_case: Any, meetings: Any, secretariat: Any, cast: dict[str, Any]
) -> None:
    first, second = two_on_a_case
    # The customs agency objects instead of carrying 227/2 out.
    resolution_move(actor=cast["other_officer"], resolution=second, to=R.OBJECTED, reason=REASON)
    _execute(first, cast["officer"], secretariat)
    first.case.refresh_from_db()
    assert first.case.status == S.RESOLUTIONS_ISSUED

    resolution_move(actor=secretariat, resolution=second, to=R.CANCELLED, reason=REASON)

    case = first.case
    case.refresh_from_db()
    assert case.status == S.RESOLVED
    assert Notification.objects.filter(user=cast["owner"], kind="case_concluded").count() == 1


def test_withdrawing_every_resolution_does_not_resolve_the_case(
    resolution_in: Any, cast: dict[str, Any]
) -> None:
    resolution = resolution_in(R.CANCELLED)

    case = resolution.case
    case.refresh_from_db()
    assert case.status == S.RESOLUTIONS_ISSUED


# --- The national HQ ---------------------------------------------------------------------------

LETTER = "موضوع نیازمند اصلاح آیین‌نامه در سطح ملی است."


def test_the_secretariat_writes_to_the_national_hq_once(
    resolution_in: Any, secretariat: Any, cast: dict[str, Any], clock: Any
) -> None:
    resolution = resolution_in(R.NOT_EXECUTED)

    resolution_escalate_national(actor=secretariat, resolution=resolution, letter=f"  {LETTER} ")

    resolution.refresh_from_db()
    assert resolution.national_letter == LETTER
    assert resolution.escalated_national_at == clock.now()
    assert resolution.state == R.NOT_EXECUTED  # the province still follows it up
    event = ResolutionEvent.objects.get(resolution=resolution, kind="national")
    assert (event.actor, event.reason) == (secretariat, LETTER)
    assert set(
        Notification.objects.filter(kind="resolution_national").values_list(
            "user__username", flat=True
        )
    ) == {"executive"}

    before = snapshot()
    with pytest.raises(MeetingError) as error:
        resolution_escalate_national(actor=secretariat, resolution=resolution, letter="دوباره")
    assert error.value.code == "already_sent"
    assert snapshot() == before


@pytest.mark.parametrize("name", ["officer", "agency_head", "executive", "owner"])
def test_only_the_secretariat_writes_to_the_national_hq(
    resolution_in: Any, cast: dict[str, Any], name: str
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        resolution_escalate_national(actor=cast[name], resolution=resolution, letter=LETTER)

    assert error.value.code == "not_allowed"
    assert snapshot() == before


def test_a_letter_is_needed_and_a_draft_cannot_go_to_the_national_hq(
    resolution_in: Any, secretariat: Any
) -> None:
    issued = resolution_in(R.IN_PROGRESS)
    draft = resolution_in(R.DRAFT)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        resolution_escalate_national(actor=secretariat, resolution=issued, letter=" \n")
    assert error.value.code == "required"
    with pytest.raises(MeetingError) as error:
        resolution_escalate_national(actor=secretariat, resolution=draft, letter=LETTER)
    assert error.value.code == "draft"
    assert snapshot() == before
