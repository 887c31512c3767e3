"""Many people acting on the same resolution at the same moment, each in a thread with its own
database connection as separate web requests would be: where the moves exclude each other one
wins and the others are told the resolution changed; where they follow each other each is made
once; and the resolution's events always retell its state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tashil.cases.models import CaseEvent
from tashil.cases.workflow import CaseStatus
from tashil.conftest import _user_with_role
from tashil.core.tests.concurrency import (
    WORKERS,
    assert_chain,
    error_codes,
    one_winner,
    race,
    race_along,
)
from tashil.meetings.models import AgendaItem, ProgressReport, ReportKind, Resolution
from tashil.meetings.services import MeetingError, resolution_move, resolution_object
from tashil.meetings.tests.conftest import REASON
from tashil.meetings.workflow import ResolutionState

pytestmark = pytest.mark.django_db(transaction=True)
R = ResolutionState


@pytest.fixture
def tax_staff(officer: Any, agency_head: Any, tax_agency: Any) -> list[Any]:
    """Everyone who may act for the tax agency, to which the resolutions are addressed."""
    more = [
        _user_with_role(f"tax_officer_{n}", "agency_officer", agency=tax_agency)
        for n in range(WORKERS - 2)
    ]
    return [officer, agency_head, *more]


@pytest.fixture
def secretaries(secretariat: Any, province: Any) -> list[Any]:
    more = [
        _user_with_role(f"secretary_{n}", "secretariat", province=province)
        for n in range(WORKERS - 1)
    ]
    return [secretariat, *more]


def _fresh(resolution: Resolution) -> Resolution:
    return Resolution.objects.get(pk=resolution.pk)


def _transitions(resolution: Resolution) -> list[tuple[str, str]]:
    return list(
        resolution.events.filter(kind="transition")
        .order_by("pk")
        .values_list("from_state", "to_state")
    )


def _case_resolved_events(resolution: Resolution) -> int:
    return CaseEvent.objects.filter(
        case_id=resolution.case_id, kind="transition", to_status=CaseStatus.RESOLVED
    ).count()


def test_eight_secretaries_judging_the_same_reported_execution_leave_one_verdict(
    clock: Any, resolution_in: Any, secretaries: list[Any]
) -> None:
    """Accept, send back or record as not executed, all decided on the same report: the first
    verdict stands and the others are refused, though accepting or failing a resolution sent
    back would be a move of its own (that decision was made on a report no longer there)."""
    resolution = resolution_in(R.REPORTED)
    verdicts = [R.EXECUTED, R.IN_PROGRESS, R.NOT_EXECUTED] * 3
    # Each decided on the same report: read before the race, or a worker released late (SQLite
    # queues writers) would decide on the winner's state instead.
    copies = [_fresh(resolution) for _ in range(WORKERS)]

    results = race(
        *(
            lambda n=n: resolution_move(
                actor=secretaries[n], resolution=copies[n], to=verdicts[n], reason=REASON
            )
            for n in range(WORKERS)
        )
    )

    winner = verdicts[one_winner(results)]
    assert set(error_codes(results)) <= {"conflict", "invalid_transition"}, results
    resolution.refresh_from_db()
    assert resolution.state == winner
    assert_chain(_transitions(resolution), start=R.DRAFT, final=resolution.state)
    # Accepting the only resolution of the case resolves the case, once.
    assert _case_resolved_events(resolution) == (1 if winner == R.EXECUTED else 0)


def test_eight_officers_objecting_at_once_file_one_objection_and_one_agenda_item(
    clock: Any, resolution_in: Any, meetings: Any, tax_staff: list[Any]
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    upcoming = meetings.plan(starts_at=resolution.meeting.starts_at + dt.timedelta(days=7))

    results = race(
        *(
            lambda n=n: resolution_object(
                actor=tax_staff[n], resolution=_fresh(resolution), reason=f"{REASON} {n}"
            )
            for n in range(WORKERS)
        )
    )

    winner = one_winner(results)
    assert error_codes(results) == {"invalid_transition": WORKERS - 1}, results
    resolution.refresh_from_db()
    assert resolution.state == R.OBJECTED
    objections = ProgressReport.objects.filter(resolution=resolution, kind=ReportKind.OBJECTION)
    assert list(objections.values_list("author", "text")) == [
        (tax_staff[winner].pk, f"{REASON} {winner}")
    ]
    assert AgendaItem.objects.filter(meeting=upcoming, resolution=resolution).count() == 1
    assert _transitions(resolution)[-1] == (R.NOTIFIED, R.OBJECTED)
    assert_chain(_transitions(resolution), start=R.DRAFT, final=resolution.state)


# The way from notified to executed that the walkers follow: (from, to, who moves).
WALK = [
    (R.NOTIFIED, R.IN_PROGRESS, "officer"),
    (R.IN_PROGRESS, R.REPORTED, "officer"),
    (R.REPORTED, R.EXECUTED, "secretariat"),
]


def test_eight_workers_pushing_a_resolution_to_executed_make_every_move_exactly_once(
    clock: Any, resolution_in: Any, officer: Any, secretariat: Any
) -> None:
    """Each worker makes the next move from what it read and reads again when someone was
    faster: the timeline holds each move once and the case is resolved once."""
    resolution = resolution_in(R.NOTIFIED)
    people = {"officer": officer, "secretariat": secretariat}

    results = race_along(
        WALK,
        read=lambda: _fresh(resolution),
        state_of=lambda current: current.state,
        move=lambda current, to, who: resolution_move(
            actor=people[who], resolution=current, to=to, reason=REASON
        ),
        retried=MeetingError,
    )

    assert [kind for kind, _value in results] == ["ok"] * WORKERS, results
    assert sum(value for _kind, value in results) == len(WALK)
    resolution.refresh_from_db()
    assert resolution.state == R.EXECUTED
    assert _transitions(resolution) == [(R.DRAFT, R.NOTIFIED)] + [
        (source, to) for source, to, _who in WALK
    ]
    assert (
        ProgressReport.objects.filter(resolution=resolution, kind=ReportKind.EXECUTION).count() == 1
    )
    assert _case_resolved_events(resolution) == 1
