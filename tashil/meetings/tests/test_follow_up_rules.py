"""Rules of the follow-up that guard against a resolution or a case being left in the wrong
state: the objection window is each agency's, an upheld objection moves the deadline, minutes
closed late cannot issue resolutions already overdue, a case is resolved only when nothing on
it is pending (drafts included), and a called-off session hands on what came back to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tashil.cases.models import CaseEvent
from tashil.cases.workflow import CaseStatus
from tashil.meetings.models import AgendaItem, Resolution
from tashil.meetings.selectors import agency_figures
from tashil.meetings.services import (
    MeetingError,
    agenda_add_resolution,
    item_record,
    meeting_cancel,
    meeting_close,
    meeting_update,
    resolution_accept_execution,
    resolution_move,
    resolution_object,
    resolution_overrule,
    resolution_report_execution,
    resolution_start,
)
from tashil.meetings.tests.conftest import NEXT_WEDNESDAY, REASON, TEHRAN
from tashil.meetings.tests.test_lifecycle import snapshot
from tashil.meetings.workflow import ResolutionState

R = ResolutionState


@pytest.fixture
def for_two(clock: Any, meetings: Any, tax_agency: Any, customs_agency: Any) -> Resolution:
    """A resolution of a held session addressed to the tax agency and customs."""
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    meetings.draft(item, agencies=[tax_agency, customs_agency])
    meetings.attend(meeting)
    meeting_close(actor=meetings.secretariat, meeting=meeting)
    return meeting.resolutions.get()


def test_one_agency_accepting_does_not_close_the_window_for_the_other(
    for_two: Resolution, officer: Any, other_officer: Any, clock: Any
) -> None:
    resolution_start(actor=officer, resolution=for_two)
    clock.advance(days=1)

    resolution_object(actor=other_officer, resolution=for_two, reason="گمرک اختیار ندارد")

    for_two.refresh_from_db()
    assert for_two.state == R.OBJECTED


def test_after_the_window_nobody_objects_any_more(
    for_two: Resolution, officer: Any, other_officer: Any, clock: Any
) -> None:
    resolution_start(actor=officer, resolution=for_two)
    clock.advance(days=16)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        resolution_object(actor=other_officer, resolution=for_two, reason=REASON)

    assert error.value.code == "window_passed"
    assert snapshot() == before


def test_an_upheld_objection_moves_the_deadline_by_the_days_it_took(
    for_two: Resolution, other_officer: Any, secretariat: Any, clock: Any
) -> None:
    deadline = for_two.deadline
    resolution_object(actor=other_officer, resolution=for_two, reason=REASON)
    Resolution.objects.filter(pk=for_two.pk).update(escalation_level=2)
    clock.advance(days=20)

    resolution_overrule(
        actor=secretariat, resolution=Resolution.objects.get(pk=for_two.pk), reason=REASON
    )

    for_two.refresh_from_db()
    assert for_two.state == R.IN_PROGRESS
    assert for_two.deadline == deadline + dt.timedelta(days=20)
    assert for_two.escalation_level == 0


def test_minutes_closed_after_a_deadline_are_refused_until_it_is_changed(
    clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    meetings.draft(meetings.with_case(meeting), deadline=dt.date(2025, 1, 20))
    meetings.attend(meeting)
    clock.set(dt.date(2025, 1, 20))
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        meeting_close(actor=secretariat, meeting=meeting)

    assert error.value.code == "deadline"
    assert snapshot() == before


def test_a_session_cannot_move_past_its_drafts_deadlines(
    clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    meetings.draft(meetings.with_case(meeting), deadline=dt.date(2025, 1, 20))
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        meeting_update(
            actor=secretariat,
            meeting=meeting,
            starts_at=dt.datetime(2025, 1, 22, 9, 0, tzinfo=TEHRAN),
            place="",
            chair="",
        )

    assert error.value.code == "deadline"
    assert snapshot() == before


def test_a_case_with_a_draft_on_the_coming_session_is_not_resolved_yet(
    clock: Any, meetings: Any, officer: Any, secretariat: Any
) -> None:
    held = meetings.held()
    resolution = held.resolutions.get()
    coming = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))
    review = agenda_add_resolution(actor=secretariat, meeting=coming, resolution=resolution)
    meetings.draft(review, text="گزارش تکمیلی ارائه شود")

    resolution_start(actor=officer, resolution=resolution)
    resolution_report_execution(actor=officer, resolution=resolution, text=REASON)
    resolution_accept_execution(actor=secretariat, resolution=resolution)

    resolution.case.refresh_from_db()
    assert resolution.case.status == CaseStatus.RESOLUTIONS_ISSUED


def test_a_case_that_moved_on_is_not_resolved_by_an_old_resolution(
    clock: Any, resolution_in: Any, officer: Any, secretariat: Any
) -> None:
    from tashil.cases.services import case_conclude, case_reopen
    from tashil.cases.workflow import S

    resolution = resolution_in(R.REPORTED)
    case = resolution.case
    case_conclude(actor=secretariat, case=case, outcome="resolved")
    case_reopen(actor=resolution_in.meetings.case_in.owner, case=case, reason=REASON)
    assert case.status == S.SCREENING

    resolution_accept_execution(actor=secretariat, resolution=resolution)

    case.refresh_from_db()
    assert case.status == S.SCREENING


def test_a_draft_on_an_item_postponed_a_moment_ago_is_refused(
    clock: Any, meetings: Any, secretariat: Any, tax_agency: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    stale = AgendaItem.objects.get(pk=item.pk)
    item_record(actor=secretariat, item=item, notes="", postponed=True)

    with pytest.raises(MeetingError) as error:
        meetings.draft(stale)

    assert error.value.code == "postponed"
    assert not Resolution.objects.exists()


def test_a_called_off_session_hands_its_returning_resolutions_to_the_next(
    clock: Any, meetings: Any, officer: Any, secretariat: Any
) -> None:
    held = meetings.held()
    resolution = held.resolutions.get()
    first = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))
    second = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=14))
    resolution_object(actor=officer, resolution=resolution, reason=REASON)
    assert first.items.filter(resolution=resolution).exists()

    meeting_cancel(actor=secretariat, meeting=first, reason="سفر استاندار")

    assert second.items.filter(resolution=resolution, reason="objected").exists()
    actions = [
        event.data["action"]
        for event in CaseEvent.objects.filter(case=resolution.case, kind="agenda").order_by("pk")
    ]
    assert actions[-2:] == ["cancelled", "added"]


def test_an_agency_officer_sees_only_their_agencys_figures(
    for_two: Resolution, officer: Any, secretariat: Any, tax_agency: Any, customs_agency: Any
) -> None:
    assert [row.agency for row in agency_figures(officer)] == [tax_agency]
    assert {row.agency for row in agency_figures(secretariat)} == {tax_agency, customs_agency}


def test_the_api_and_the_pages_share_one_dispatcher_for_the_new_objection_move(
    for_two: Resolution, officer: Any, other_officer: Any
) -> None:
    resolution_move(actor=officer, resolution=for_two, to=R.REPORTED, reason="انجام شد")

    resolution_move(actor=other_officer, resolution=for_two, to=R.OBJECTED, reason=REASON)

    for_two.refresh_from_db()
    assert for_two.state == R.OBJECTED
