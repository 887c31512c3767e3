"""The whole loop once, end to end through the services: a ready case goes on the agenda of the
next session, the meeting passes resolutions for two agencies and closes, the agencies carry
them out, the secretariat accepts, and the case is resolved."""

from __future__ import annotations

import datetime as dt

from tashil.cases.models import CaseEvent
from tashil.cases.workflow import CaseStatus
from tashil.meetings.models import ResolutionEvent
from tashil.meetings.services import (
    resolution_accept_execution,
    resolution_report_execution,
    resolution_start,
)
from tashil.meetings.workflow import MeetingStatus, ResolutionState


def test_the_loop_from_agenda_to_a_resolved_case(
    clock, meetings, tax_agency, customs_agency, officer, other_officer, secretariat
):
    meeting = meetings.plan()
    assert meeting.number == 227
    item = meetings.with_case(meeting)
    case = item.case
    first = meetings.draft(item, agencies=[tax_agency])
    second = meetings.draft(item, text="گمرک ماشین‌آلات را ترخیص کند", agencies=[customs_agency])
    meetings.attend(meeting)
    from tashil.meetings.services import meeting_close

    meeting_close(actor=secretariat, meeting=meeting)
    meeting.refresh_from_db()
    case.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert case.status == CaseStatus.RESOLUTIONS_ISSUED
    first.refresh_from_db()
    assert first.state == ResolutionState.NOTIFIED
    assert first.objection_until == dt.date(2025, 1, 8) + dt.timedelta(days=15)

    for resolution, person in ((first, officer), (second, other_officer)):
        resolution_start(actor=person, resolution=resolution)
        resolution_report_execution(actor=person, resolution=resolution, text="انجام شد")
        resolution_accept_execution(actor=secretariat, resolution=resolution)

    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "agenda" in kinds and "resolution" in kinds
    assert ResolutionEvent.objects.filter(resolution=first).count() >= 5
