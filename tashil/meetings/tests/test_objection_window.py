"""The objection window (DOMAIN.md §5): for `TASHIL_OBJECTION_DAYS` after a resolution is
issued the agency may object; after that it binds, and the hourly job moves it to
`in_progress`. An objection sends the resolution back to the next session of its body by itself.

Session 227 closes on Wednesday 2025-01-08 (day 0): with calendar days the agency may object
until Thursday the 23rd (day 15) and the job starts the resolution on Friday the 24th (day 16).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tashil.meetings.models import AgendaItem, AgendaItemKind, ResolutionEvent
from tashil.meetings.selectors import allowed_resolution_moves
from tashil.meetings.services import (
    MeetingError,
    agenda_add_resolution,
    meeting_create,
    resolution_move,
    resolutions_follow_up,
)
from tashil.meetings.tests.conftest import NEXT_WEDNESDAY, TEHRAN
from tashil.meetings.tests.test_lifecycle import snapshot
from tashil.meetings.workflow import ResolutionState

pytestmark = pytest.mark.django_db

R = ResolutionState

DAY_0 = dt.date(2025, 1, 8)
DAY_15 = dt.date(2025, 1, 23)
DAY_16 = dt.date(2025, 1, 24)
OBJECTION = "اجرای این مصوبه در حدود اختیارات اداره کل نیست."


@pytest.fixture(autouse=True)
def _calendar(settings: Any) -> None:
    settings.TASHIL_OBJECTION_DAYS = 15
    settings.TASHIL_OBJECTION_WORKING_DAYS = False
    settings.TASHIL_WEEKEND_DAYS = frozenset({4})  # Friday


@pytest.fixture
def notified(clock: Any, resolution_in: Any) -> Any:
    """Resolution 227/1, issued to the tax agency on day 0."""
    clock.set(DAY_0)
    resolution = resolution_in(R.NOTIFIED)
    assert resolution.notified_at.astimezone(TEHRAN).date() == DAY_0
    return resolution


def _object(officer: Any, resolution: Any) -> Any:
    return resolution_move(actor=officer, resolution=resolution, to=R.OBJECTED, reason=OBJECTION)


# --- Calendar days (the default) ---------------------------------------------------------------


def test_the_window_ends_fifteen_calendar_days_after_the_notice(notified: Any) -> None:
    assert notified.objection_until == DAY_15


def test_the_agency_may_object_on_the_last_day_of_the_window(
    notified: Any, clock: Any, officer: Any
) -> None:
    clock.set(DAY_15, hour=23)

    _object(officer, notified)

    notified.refresh_from_db()
    assert notified.state == R.OBJECTED
    assert notified.reports.get().kind == "objection"


def test_an_objection_the_day_after_the_window_is_refused_and_changes_nothing(
    notified: Any, clock: Any, officer: Any
) -> None:
    clock.set(DAY_16, hour=8)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        _object(officer, notified)

    assert error.value.code == "window_passed"
    assert snapshot() == before
    notified.refresh_from_db()
    assert notified.state == R.NOTIFIED


def test_the_day_given_to_the_service_counts_rather_than_the_clock(
    notified: Any, clock: Any, officer: Any
) -> None:
    # The API passes the day the request reached it; the service judges by it.
    clock.set(DAY_15)

    with pytest.raises(MeetingError) as error:
        resolution_move(
            actor=officer, resolution=notified, to=R.OBJECTED, reason=OBJECTION, today=DAY_16
        )

    assert error.value.code == "window_passed"


def test_the_page_stops_offering_an_objection_after_the_window(
    notified: Any, clock: Any, officer: Any
) -> None:
    clock.set(DAY_15)
    assert set(allowed_resolution_moves(officer, notified)) == {
        R.OBJECTED,
        R.IN_PROGRESS,
        R.REPORTED,
    }

    clock.set(DAY_16)
    assert set(allowed_resolution_moves(officer, notified)) == {R.IN_PROGRESS, R.REPORTED}


# --- Working days ------------------------------------------------------------------------------


def test_with_working_days_fridays_and_holidays_do_not_count(
    settings: Any, clock: Any, holiday: Any, resolution_in: Any, officer: Any
) -> None:
    settings.TASHIL_OBJECTION_WORKING_DAYS = True
    holiday(dt.date(2025, 1, 20))  # a Monday
    clock.set(DAY_0)
    resolution = resolution_in(R.NOTIFIED)
    # From Thursday the 9th, fifteen working days without the Fridays 10, 17 and 24 and the
    # holiday on the 20th: Monday the 27th.
    assert resolution.objection_until == dt.date(2025, 1, 27)

    clock.set(dt.date(2025, 1, 28))
    with pytest.raises(MeetingError) as error:
        _object(officer, resolution)
    assert error.value.code == "window_passed"

    clock.set(dt.date(2025, 1, 27))
    _object(officer, resolution)
    resolution.refresh_from_db()
    assert resolution.state == R.OBJECTED


def test_with_working_days_the_job_waits_for_the_longer_window(
    settings: Any, clock: Any, holiday: Any, resolution_in: Any
) -> None:
    settings.TASHIL_OBJECTION_WORKING_DAYS = True
    holiday(dt.date(2025, 1, 20))
    clock.set(DAY_0)
    resolution = resolution_in(R.NOTIFIED)

    assert resolutions_follow_up(today=DAY_16)["started"] == 0
    assert resolutions_follow_up(today=dt.date(2025, 1, 27))["started"] == 0
    assert resolutions_follow_up(today=dt.date(2025, 1, 28))["started"] == 1

    resolution.refresh_from_db()
    assert resolution.state == R.IN_PROGRESS


# --- The job after the window ------------------------------------------------------------------


def _starts(resolution: Any) -> list[ResolutionEvent]:
    return list(
        ResolutionEvent.objects.filter(
            resolution=resolution, kind="transition", to_state=R.IN_PROGRESS
        )
    )


def test_the_job_leaves_the_resolution_alone_on_the_last_day_of_the_window(
    notified: Any,
) -> None:
    counts = resolutions_follow_up(today=DAY_15)

    assert counts["started"] == 0
    notified.refresh_from_db()
    assert notified.state == R.NOTIFIED
    assert _starts(notified) == []


def test_the_job_starts_the_resolution_the_day_after_the_window_once(notified: Any) -> None:
    assert resolutions_follow_up(today=DAY_16)["started"] == 1
    assert resolutions_follow_up(today=DAY_16)["started"] == 0
    assert resolutions_follow_up(today=DAY_16 + dt.timedelta(days=1))["started"] == 0

    notified.refresh_from_db()
    assert notified.state == R.IN_PROGRESS
    (event,) = _starts(notified)
    assert (event.actor, event.from_state, event.data) == (
        None,
        R.NOTIFIED,
        {"action": "start", "window_passed": True},
    )


@pytest.mark.parametrize("state", [R.OBJECTED, R.IN_PROGRESS, R.REPORTED])
def test_the_job_does_not_touch_a_resolution_the_agency_already_answered(
    clock: Any, resolution_in: Any, state: str
) -> None:
    clock.set(DAY_0)
    resolution = resolution_in(state)
    events = ResolutionEvent.objects.filter(resolution=resolution).count()

    assert resolutions_follow_up(today=DAY_16)["started"] == 0

    resolution.refresh_from_db()
    assert resolution.state == state
    assert ResolutionEvent.objects.filter(resolution=resolution).count() == events


# --- The objection goes back to the body --------------------------------------------------------


def _review_items(resolution: Any) -> list[tuple[int, str, str]]:
    return list(
        AgendaItem.objects.filter(resolution=resolution)
        .order_by("pk")
        .values_list("meeting__number", "kind", "reason")
    )


def test_an_objected_resolution_goes_onto_the_next_planned_session_of_its_body(
    notified: Any, meetings: Any, officer: Any, county_hq: Any, secretariat: Any
) -> None:
    later = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))  # 228: the 22nd
    sooner = meetings.plan(starts_at=NEXT_WEDNESDAY)  # 229: the 15th
    other_body = meeting_create(actor=secretariat, body=county_hq, starts_at=NEXT_WEDNESDAY)
    assert (later.number, sooner.number) == (228, 229)

    _object(officer, notified)

    assert _review_items(notified) == [(229, AgendaItemKind.RESOLUTION, "objected")]
    item = AgendaItem.objects.get(resolution=notified)
    assert item.position == 1 and item.title.startswith("227/1")
    assert not other_body.items.exists() and not later.items.exists()
    on_agenda = ResolutionEvent.objects.get(resolution=notified, kind="on_agenda")
    assert on_agenda.data == {"meeting": sooner.pk, "number": 229, "why": "objected"}


def test_an_objection_with_no_session_planned_waits_for_the_next_one_to_be_planned(
    notified: Any, meetings: Any, officer: Any
) -> None:
    _object(officer, notified)
    assert _review_items(notified) == []

    meetings.plan()

    assert _review_items(notified) == [(228, AgendaItemKind.RESOLUTION, "objected")]


def test_an_objected_resolution_goes_onto_one_agenda_only(
    notified: Any, meetings: Any, officer: Any
) -> None:
    meetings.plan()
    _object(officer, notified)

    meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))

    assert _review_items(notified) == [(228, AgendaItemKind.RESOLUTION, "objected")]


def test_a_resolution_already_on_an_agenda_is_not_added_again_when_objected(
    notified: Any, meetings: Any, officer: Any, secretariat: Any
) -> None:
    upcoming = meetings.plan()
    agenda_add_resolution(actor=secretariat, meeting=upcoming, resolution=notified)

    _object(officer, notified)

    assert _review_items(notified) == [(228, AgendaItemKind.RESOLUTION, "review")]
