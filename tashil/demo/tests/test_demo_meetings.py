"""The demo province's HQ meetings and resolutions (issue 5): weekly numbered sessions, resolutions
in every state with Qazvin-like figures (most executed, a few in follow-up, a few not executed),
each with a genuine timeline, loaded once however often `make run` starts."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tashil.accounts.models import RoleAssignment, User
from tashil.accounts.roles import Role
from tashil.cases.models import Case, CaseEvent
from tashil.cases.workflow import CaseStatus
from tashil.core.selectors import work_calendar
from tashil.demo.meetings import BODIES
from tashil.meetings.models import (
    AgendaItem,
    Attendance,
    Body,
    Meeting,
    Presence,
    Resolution,
    ResolutionEvent,
)
from tashil.meetings.selectors import (
    agency_resolutions,
    proposed_cases,
    resolution_totals,
    resolutions_for_user,
)
from tashil.meetings.workflow import MeetingKind, MeetingStatus, ResolutionState

pytestmark = pytest.mark.django_db
R = ResolutionState


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (it takes seconds), rolled back after it; each test
    runs in a savepoint inside. What load_demo printed."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        with transaction.atomic():
            out = StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def test_sessions_are_numbered_consecutively_and_held_on_the_body_s_day_or_the_next_working_day(
    printed,
):
    calendar = work_calendar()
    now = timezone.now()
    assert Body.objects.count() == len(BODIES) == 3
    for body in Body.objects.all():
        meetings = list(Meeting.objects.filter(body=body).order_by("number"))
        numbers = [meeting.number for meeting in meetings]
        assert numbers == list(range(body.first_number, body.first_number + len(meetings)))
        # Over the last six months; the last one is the coming session, planned, not yet held.
        *held, coming = meetings
        assert all(m.status == MeetingStatus.CLOSED for m in held)
        assert coming.status == MeetingStatus.PLANNED and coming.starts_at > now - dt.timedelta(
            hours=3
        )
        assert len(held) >= (24 if body.kind == MeetingKind.PROVINCIAL else 11)
        # On the body's day, or moved past holidays to the next working day.
        regular_days = []
        for meeting in meetings:
            day = local_day(meeting.starts_at)
            assert calendar.is_working_day(day)
            regular = day
            while regular.weekday() != body.weekday:
                regular -= dt.timedelta(days=1)
                assert not calendar.is_working_day(regular)
            regular_days.append(regular)
        weeks = 1 if body.kind == MeetingKind.PROVINCIAL else 2
        gaps = {(b - a).days for a, b in zip(regular_days, regular_days[1:], strict=False)}
        assert gaps == {7 * weeks}
        if body.kind == MeetingKind.PROVINCIAL:
            # Wednesdays, counted on from its 241st session on 1404/09/19, the Wednesday before
            # the reference scenario.
            assert body.weekday == 2
            assert body.name == "ستاد تسهیل و رفع موانع تولید استان قزوین"
            assert body.place == "سالن شهید رجایی استانداری قزوین"
            for meeting, regular in zip(meetings, regular_days, strict=True):
                assert meeting.number == 241 + (regular - dt.date(2025, 12, 10)).days // 7
    assert Body.objects.filter(kind=MeetingKind.COUNTY, county__code="2602").exists()
    assert Body.objects.filter(kind=MeetingKind.WORKING_GROUP, category__code="banking").exists()


def test_every_resolution_state_appears_most_are_executed_and_some_are_overdue(printed):
    dabir = User.objects.get(username="dabir")
    today = timezone.localdate()
    resolutions = Resolution.objects.all()
    assert set(resolutions.values_list("state", flat=True)) == set(R.values)

    totals = resolution_totals(dabir)
    assert totals["total"] >= 60
    assert 0.6 <= totals["executed"] / totals["total"] <= 0.9
    assert 5 <= totals["follow_up"] <= totals["total"] * 0.3
    assert 2 <= totals["not_executed"] <= totals["total"] * 0.1
    assert totals["overdue"] >= 3
    # Overdue at different steps of the escalation, each step on the timeline once, in order.
    overdue = [r for r in resolutions if r.is_overdue(today)]
    assert len({r.escalation_level for r in overdue}) >= 2
    for resolution in overdue:
        levels = list(
            resolution.events.filter(kind="escalated")
            .order_by("created_at", "pk")
            .values_list("data__level", flat=True)
        )
        assert levels == list(range(1, resolution.escalation_level + 1))
    # One or two objected, on the coming session's agenda; one withdrawn; one sent to the
    # national HQ; one reported, waiting for the secretariat.
    objected = resolutions.filter(state=R.OBJECTED)
    assert 1 <= objected.count() <= 2
    for resolution in objected:
        assert resolution.reviews.filter(meeting__status=MeetingStatus.PLANNED).exists()
    [withdrawn] = resolutions.filter(state=R.CANCELLED)
    assert withdrawn.events.filter(to_state=R.OBJECTED).exists()
    assert withdrawn.reviews.get().resolutions.exists()  # the session passed a new one
    assert resolutions.filter(events__data__action="overrule").exists()
    [national] = resolutions.filter(escalated_national_at__isnull=False)
    assert national.national_letter
    assert resolutions.filter(state=R.REPORTED).exists()
    assert resolutions.filter(events__data__action="return_report").exists()
    # The only draft is the secretariat's proposal for the coming session.
    [draft] = resolutions.filter(state=R.DRAFT)
    assert draft.meeting.status == MeetingStatus.PLANNED


def test_every_closed_meeting_has_attendance_an_agenda_and_its_minutes(printed):
    for meeting in Meeting.objects.filter(status=MeetingStatus.CLOSED).select_related("body"):
        presence = dict(meeting.attendance.values_list("agency_id", "presence"))
        members = set(meeting.body.members.values_list("pk", flat=True))
        assert members <= set(presence)
        assert list(presence.values()).count(Presence.PRESENT) > len(members) / 2
        assert Presence.ABSENT in presence.values()
        assert Presence.REPRESENTED in presence.values()
        assert not meeting.attendance.filter(presence=Presence.REPRESENTED, person="").exists()
        assert meeting.items.exists() and meeting.notes and meeting.agenda_sent_at
        assert meeting.agenda_sent_at < meeting.starts_at < meeting.closed_at
        for item in meeting.items.exclude(kind="resolution"):
            assert item.notes
            assert item.postponed or item.resolutions.exists() or item.kind == "case"
    assert AgendaItem.objects.filter(postponed=True, kind="case").exists()
    assert Attendance.objects.filter(presence=Presence.REPRESENTED).count() >= 20


def test_each_resolution_s_timeline_starts_with_its_issue_when_its_meeting_closed(printed):
    now = timezone.now()
    issued = Resolution.objects.exclude(state=R.DRAFT).select_related("meeting")
    for resolution in issued:
        events = list(resolution.events.order_by("created_at", "pk"))
        # Written in the order it happened: ids and times agree.
        assert [e.pk for e in events] == sorted(e.pk for e in events)
        assert events[0].kind == "drafted"
        assert resolution.meeting.starts_at <= events[0].created_at < resolution.meeting.closed_at
        issue = events[1]
        assert (issue.kind, issue.from_state, issue.to_state) == ("transition", "draft", "notified")
        assert issue.created_at == resolution.notified_at == resolution.meeting.closed_at
        assert events[-1].created_at <= now
        assert resolution.addressees.exists()
        assert resolution.deadline > local_day(resolution.meeting.starts_at)
        states = [e.to_state for e in events if e.kind == "transition"]
        assert states[-1] == resolution.state
    # The linked cases tell the same story.
    assert (
        CaseEvent.objects.filter(kind="resolution").count()
        >= issued.filter(case__isnull=False).count()
    )


def test_cases_go_through_the_sessions_and_the_coming_one_proposes_the_ready_cases(printed):
    for case in Case.objects.filter(
        status__in=[CaseStatus.DISCUSSED, CaseStatus.RESOLUTIONS_ISSUED]
    ):
        assert case.agenda_items.filter(meeting__status=MeetingStatus.CLOSED).exists()
    for case in Case.objects.filter(status=CaseStatus.RESOLUTIONS_ISSUED):
        assert case.resolutions.filter(state__in=["notified", "in_progress", "objected"]).exists()
    # Resolved by the service when the secretariat accepted the last resolution.
    settled = [
        case
        for case in Case.objects.filter(resolutions__isnull=False).distinct()
        if set(case.resolutions.values_list("state", flat=True)) == {R.EXECUTED}
    ]
    assert len(settled) >= 3
    for case in settled:
        assert case.events.filter(to_status=CaseStatus.RESOLVED).exists()
    for meeting in Meeting.objects.filter(status=MeetingStatus.PLANNED).select_related("body"):
        ready = set(proposed_cases(meeting=meeting).values_list("pk", flat=True))
        if meeting.body.kind == MeetingKind.PROVINCIAL:
            assert Case.objects.filter(status=CaseStatus.ON_AGENDA).count() >= 3
            assert set(
                Case.objects.filter(status=CaseStatus.ON_AGENDA).values_list("pk", flat=True)
            ) <= ready | set(meeting.items.values_list("case", flat=True))
        if meeting.body.kind == MeetingKind.WORKING_GROUP:
            assert (
                set(
                    Case.objects.filter(status=CaseStatus.WORKING_GROUP).values_list(
                        "pk", flat=True
                    )
                )
                <= ready
            )


def test_the_demo_users_see_their_resolutions(printed):
    maliat = User.objects.get(username="maliat")
    assert agency_resolutions(maliat).exists()
    takestan = User.objects.get(username="takestan")
    assert resolutions_for_user(takestan).filter(meeting__body__kind=MeetingKind.COUNTY).exists()
    representatives = User.objects.filter(
        pk__in=RoleAssignment.objects.filter(role=Role.COMPANY_REP).values("user")
    )
    assert any(resolutions_for_user(user).exists() for user in representatives)


def test_load_demo_prints_the_figures_the_selectors_compute_and_adds_nothing_the_second_time(
    printed,
):
    dabir = User.objects.get(username="dabir")
    totals = resolution_totals(dabir)
    line = next(line for line in printed.splitlines() if line.startswith("Meetings:"))
    held = Meeting.objects.filter(status=MeetingStatus.CLOSED).count()
    assert f"Meetings: {held} sessions held" in line
    found = re.search(
        r"Resolutions: (\d+) issued, (\d+) executed, (\d+) in follow-up \((\d+) overdue\), "
        r"(\d+) not executed",
        line,
    )
    assert found is not None
    keys = ("total", "executed", "follow_up", "overdue", "not_executed")
    assert dict(zip(keys, map(int, found.groups()), strict=True)) == {
        key: totals[key] for key in keys
    }
    assert "/meetings/resolutions/mine/ as maliat" in line

    models = (Body, Meeting, AgendaItem, Attendance, Resolution, ResolutionEvent, Case)
    before = {model.__name__: model.objects.count() for model in models}
    again = StringIO()
    call_command("load_demo", stdout=again)

    assert {model.__name__: model.objects.count() for model in models} == before
    assert line in again.getvalue()
