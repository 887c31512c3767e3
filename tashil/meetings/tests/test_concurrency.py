"""Two people acting on the same meeting or resolution at the same moment, each in a thread
with its own database connection as two web requests would be. The threads are paused at the
point where the order of their locks matters, so the interleaving that went wrong is the one
that runs. On PostgreSQL the row locks decide; on SQLite the writers queue behind the database
lock (the pauses then just time out). Either way nothing deadlocks and nothing is lost."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest

from tashil.cases.workflow import CaseStatus
from tashil.core.tests.concurrency import race
from tashil.meetings import services
from tashil.meetings.models import AgendaItem, Resolution
from tashil.meetings.services import (
    agenda_add_resolution,
    resolution_accept_execution,
    resolution_object,
    resolution_report_execution,
    resolution_start,
)
from tashil.meetings.tests.conftest import REASON
from tashil.meetings.workflow import ResolutionState

pytestmark = pytest.mark.django_db(transaction=True)
R = ResolutionState


def _fresh(resolution: Resolution) -> Resolution:
    return Resolution.objects.get(pk=resolution.pk)


def test_an_objection_and_the_secretariat_adding_the_resolution_to_the_agenda_do_not_deadlock(
    clock: Any, meetings: Any, officer: Any, secretariat: Any, monkeypatch: Any
) -> None:
    """The secretariat has locked the next session and is about to add the resolution when
    the agency objects (which rolls the resolution onto that same session). Both lock the
    session before the resolution, so the objection waits instead of deadlocking."""
    held = meetings.held()
    resolution = held.resolutions.get()
    upcoming = meetings.plan(starts_at=held.starts_at + dt.timedelta(days=7))
    adder_holds_the_session = threading.Event()
    check_manages = services._check_manages

    def pause_after_locking(actor: Any, body: Any) -> None:
        check_manages(actor, body)
        if threading.current_thread().name == "adder":
            adder_holds_the_session.set()
            time.sleep(0.5)  # the objection starts meanwhile

    monkeypatch.setattr(services, "_check_manages", pause_after_locking)

    def add() -> Any:
        threading.current_thread().name = "adder"
        return agenda_add_resolution(
            actor=secretariat, meeting=upcoming, resolution=_fresh(resolution)
        )

    def object_() -> Any:
        adder_holds_the_session.wait(timeout=5)
        return resolution_object(actor=officer, resolution=_fresh(resolution), reason=REASON)

    results = race(add, object_)

    assert [kind for kind, _value in results] == ["ok", "ok"], results
    assert AgendaItem.objects.filter(meeting=upcoming, resolution=resolution).count() == 1
    assert Resolution.objects.get(pk=resolution.pk).state == R.OBJECTED


def test_the_last_two_resolutions_accepted_at_once_still_resolve_the_case(
    clock: Any, meetings: Any, officer: Any, secretariat: Any, monkeypatch: Any
) -> None:
    """Both acceptances reach the "is every resolution done?" question together; each sees
    the other still pending until the case row's lock makes one of them wait."""
    held = meetings.held(resolutions=2)
    first, second = held.resolutions.order_by("number")
    for resolution in (first, second):
        resolution_start(actor=officer, resolution=resolution)
        resolution_report_execution(actor=officer, resolution=resolution, text=REASON)
    both_there = threading.Barrier(2)
    conclude = services._conclude_case_if_done

    def meet_then_conclude(**kwargs: Any) -> None:
        try:
            both_there.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # SQLite: the other writer waits for this one's commit
        conclude(**kwargs)

    monkeypatch.setattr(services, "_conclude_case_if_done", meet_then_conclude)

    results = race(
        lambda: resolution_accept_execution(actor=secretariat, resolution=_fresh(first)),
        lambda: resolution_accept_execution(actor=secretariat, resolution=_fresh(second)),
    )

    assert [kind for kind, _value in results] == ["ok", "ok"], results
    first.case.refresh_from_db()
    assert first.case.status == CaseStatus.RESOLVED
