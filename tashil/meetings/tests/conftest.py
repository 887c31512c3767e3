"""Meeting fixtures: the bodies of the test province, a builder for meetings and one that drives
a resolution into any state through the services (checked against the lifecycle table at each
step), so a resolution "in state X" is always one the application itself could have produced.

The case fixtures (the clock, `case_in`, uploads) are reused from the cases tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tashil.cases.tests.conftest import (  # noqa: F401 (fixtures)
    REASON,
    TEHRAN,
    CaseBuilder,
    Clock,  # noqa: F401
    _media_in_tmp,
    builder,
    case_in,
    clock,
    holiday,
    other_county_secretary,
    pdf,
    upload,
)
from tashil.cases.workflow import CaseStatus
from tashil.meetings.models import Body, Meeting, Presence, Resolution
from tashil.meetings.services import (
    AttendanceRow,
    ResolutionDraft,
    agenda_add_case,
    attendance_record,
    meeting_close,
    meeting_create,
    resolution_draft,
    resolution_move,
)
from tashil.meetings.workflow import RESOLUTION_TRANSITIONS, Actor, MeetingKind, ResolutionState

R = ResolutionState

# Wednesday 1403/10/26, a week after the clock's default day.
NEXT_WEDNESDAY = dt.datetime(2025, 1, 15, 9, 0, tzinfo=TEHRAN)


@pytest.fixture
def hq(province: Any, tax_agency: Any, customs_agency: Any) -> Body:
    """The provincial HQ: Wednesdays at nine, sessions numbered from 227."""
    body = Body.objects.create(
        province=province,
        kind=MeetingKind.PROVINCIAL,
        name="ستاد تسهیل و رفع موانع تولید استان",
        name_en="Provincial Production Facilitation HQ",
        place="سالن جلسات استانداری",
        chair="استاندار",
        first_number=227,
    )
    body.members.set([tax_agency, customs_agency])
    return body


@pytest.fixture
def county_hq(province: Any, county: Any, tax_agency: Any) -> Body:
    body = Body.objects.create(
        province=province,
        kind=MeetingKind.COUNTY,
        county=county,
        name="ستاد تسهیل شهرستان قزوین",
        chair="فرماندار",
    )
    body.members.set([tax_agency])
    return body


@pytest.fixture
def working_group(province: Any, category: Any, tax_agency: Any) -> Body:
    body = Body.objects.create(
        province=province,
        kind=MeetingKind.WORKING_GROUP,
        category=category,
        name="کارگروه تخصصی مالیات",
    )
    body.members.set([tax_agency])
    return body


class MeetingBuilder:
    """Plans a session of the HQ, and holds it: a case item, attendance, and resolutions."""

    def __init__(self, *, hq: Body, secretariat: Any, cases: CaseBuilder, agencies: list[Any]):
        self.hq = hq
        self.secretariat = secretariat
        self.case_in = cases
        self.agencies = agencies

    def plan(self, *, body: Body | None = None, starts_at: dt.datetime | None = None) -> Meeting:
        return meeting_create(
            actor=self.secretariat, body=body or self.hq, starts_at=starts_at or NEXT_WEDNESDAY
        )

    def with_case(self, meeting: Meeting, **case: Any) -> Any:
        found = self.case_in(CaseStatus.ON_AGENDA, **case)
        return agenda_add_case(actor=self.secretariat, meeting=meeting, case=found)

    def attend(self, meeting: Meeting) -> None:
        attendance_record(
            actor=self.secretariat,
            meeting=meeting,
            rows=[AttendanceRow(agency=a, presence=Presence.PRESENT) for a in self.agencies],
        )

    def draft(
        self,
        item: Any,
        *,
        text: str = "اداره کل امور مالیاتی استرداد را ظرف یک ماه پرداخت کند.",
        agencies: list[Any] | None = None,
        deadline: dt.date | None = None,
    ) -> Resolution:
        return resolution_draft(
            actor=self.secretariat,
            item=item,
            draft=ResolutionDraft(
                text=text,
                agencies=agencies or self.agencies[:1],
                deadline=deadline or dt.date(2025, 2, 15),
                deliverable="گزارش پرداخت",
            ),
        )

    def held(self, *, resolutions: int = 1, **case: Any) -> Meeting:
        """A closed session with one case item and `resolutions` issued resolutions on it."""
        meeting = self.plan()
        item = self.with_case(meeting, **case)
        for n in range(resolutions):
            self.draft(item, text=f"مصوبه شماره {n + 1} درباره استرداد مالیات")
        self.attend(meeting)
        return meeting_close(actor=self.secretariat, meeting=meeting)


@pytest.fixture
def meetings(
    hq: Body,
    secretariat: Any,
    builder: CaseBuilder,  # noqa: F811 (the cases' fixture, imported above)
    tax_agency: Any,
    customs_agency: Any,
) -> MeetingBuilder:
    return MeetingBuilder(
        hq=hq, secretariat=secretariat, cases=builder, agencies=[tax_agency, customs_agency]
    )


# How the builder reaches each state from `notified`.
ROUTES: dict[str, tuple[str, ...]] = {
    R.NOTIFIED: (),
    R.OBJECTED: (R.OBJECTED,),
    R.IN_PROGRESS: (R.IN_PROGRESS,),
    R.REPORTED: (R.IN_PROGRESS, R.REPORTED),
    R.EXECUTED: (R.IN_PROGRESS, R.REPORTED, R.EXECUTED),
    R.NOT_EXECUTED: (R.IN_PROGRESS, R.NOT_EXECUTED),
    R.CANCELLED: (R.OBJECTED, R.CANCELLED),
}


class ResolutionBuilder:
    def __init__(self, *, meetings: MeetingBuilder, officer: Any) -> None:
        self.meetings = meetings
        self.officer = officer

    def step(self, resolution: Resolution, to: str) -> None:
        found = RESOLUTION_TRANSITIONS[resolution.state][to]
        actor = self.officer if Actor.AGENCY in found.actors else self.meetings.secretariat
        resolution_move(actor=actor, resolution=resolution, to=to, reason=REASON)
        resolution.refresh_from_db()
        assert resolution.state == to

    def __call__(self, state: str, **case: Any) -> Resolution:
        if state == R.DRAFT:
            meeting = self.meetings.plan()
            return self.meetings.draft(self.meetings.with_case(meeting, **case))
        meeting = self.meetings.held(**case)
        resolution = meeting.resolutions.get()
        for target in ROUTES[state]:
            self.step(resolution, target)
        return resolution


@pytest.fixture
def resolution_in(meetings: MeetingBuilder, officer: Any) -> ResolutionBuilder:
    """`resolution_in("in_progress")`: a resolution of a held session on a case, addressed to
    the tax agency (whose officer is `officer`), driven to that state."""
    return ResolutionBuilder(meetings=meetings, officer=officer)
