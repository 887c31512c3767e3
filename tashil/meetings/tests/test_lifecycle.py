"""The resolution lifecycle, tested from `RESOLUTION_TRANSITIONS` itself: every allowed move
succeeds through `resolution_move` for each persona of each kind of actor it names, and is
recorded on the resolution and on its case; it is refused to every other persona; every pair of
states the table does not name is refused without changing anything.

The cast on a resolution of the provincial HQ addressed to the tax agency: the provincial
secretariat decides; the tax agency's officer and head carry it out; the customs officer, both
companies' owners, the executive, the county secretary (the provincial HQ is not theirs), the
expert and the administrator only look on. "system" is the follow-up job (no user).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from tashil.cases.models import Case, CaseEvent
from tashil.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingEvent,
    ProgressReport,
    Resolution,
    ResolutionAgency,
    ResolutionEvent,
)
from tashil.meetings.selectors import allowed_resolution_moves
from tashil.meetings.services import MeetingError, resolution_actor_kinds, resolution_move
from tashil.meetings.tests.conftest import REASON
from tashil.meetings.workflow import (
    FINAL,
    FOLLOW_UP,
    ISSUED,
    RESOLUTION_TRANSITIONS,
    WITH_AGENCY,
    Actor,
    ResolutionState,
)
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db

R = ResolutionState

# What each persona counts as on the builder's resolution (provincial HQ, tax agency).
PERSONA_KIND: dict[str, str | None] = {
    "secretariat": Actor.SECRETARIAT,
    "officer": Actor.AGENCY,
    "agency_head": Actor.AGENCY,
    "system": Actor.SYSTEM,
    "other_officer": None,
    "owner": None,
    "other_owner": None,
    "executive": None,
    "county_secretary": None,
    "expert": None,
    "admin_user": None,
}
KIND_PERSONAS: dict[str, list[str]] = {
    kind: [name for name, k in PERSONA_KIND.items() if k == kind] for kind in Actor
}


def snapshot() -> dict[str, Any]:
    """Everything a refused change to a meeting or a resolution must leave as it was."""
    return {
        "meetings": list(
            Meeting.objects.order_by("pk").values_list(
                "pk",
                "number",
                "status",
                "starts_at",
                "place",
                "chair",
                "guests",
                "notes",
                "agenda_sent_at",
                "closed_at",
            )
        ),
        "items": list(
            AgendaItem.objects.order_by("pk").values_list(
                "pk",
                "meeting_id",
                "position",
                "kind",
                "case_id",
                "resolution_id",
                "title",
                "notes",
                "postponed",
            )
        ),
        "resolutions": list(
            Resolution.objects.order_by("pk").values_list(
                "pk",
                "number",
                "text",
                "deadline",
                "state",
                "state_changed_at",
                "notified_at",
                "objection_until",
                "escalation_level",
                "reminded_on",
                "national_letter",
                "escalated_national_at",
            )
        ),
        "addressees": sorted(ResolutionAgency.objects.values_list("resolution_id", "agency_id")),
        "attendance": sorted(
            Attendance.objects.values_list("meeting_id", "agency_id", "presence", "person")
        ),
        "cases": list(Case.objects.order_by("pk").values_list("pk", "status", "outcome")),
        "reports": ProgressReport.objects.count(),
        "resolution_events": ResolutionEvent.objects.count(),
        "meeting_events": MeetingEvent.objects.count(),
        "case_events": CaseEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture(autouse=True)
def _frozen(clock: Any) -> Any:
    """Wednesday 2025-01-08: the builder's sessions close today, so the objection window is
    open throughout this file."""
    return clock


@pytest.fixture
def persona(request: pytest.FixtureRequest) -> Callable[[str], Any]:
    def get(name: str) -> Any:
        return None if name == "system" else request.getfixturevalue(name)

    return get


# --- Generated from the table ------------------------------------------------------------------

MOVES = [
    (source, target, found)
    for source, targets in RESOLUTION_TRANSITIONS.items()
    for target, found in targets.items()
    # Issuing is the meeting's close; tested below and in test_meeting_close.
    if found.action != "issue"
]

ALLOWED = [
    pytest.param(source, target, name, id=f"{source}->{target}-by-{name}")
    for source, target, found in MOVES
    for kind in sorted(found.actors)
    for name in KIND_PERSONAS[kind]
]

FORBIDDEN_ACTORS = [
    pytest.param(source, target, name, id=f"{source}->{target}-by-{name}")
    for source, target, found in MOVES
    for name, kind in PERSONA_KIND.items()
    if kind not in found.actors
]

NOT_IN_TABLE = [
    pytest.param(source.value, target.value, id=f"{source.value}->{target.value}")
    for source in ResolutionState
    for target in ResolutionState
    if target.value not in RESOLUTION_TRANSITIONS.get(source.value, {})
]

REASON_REQUIRED = [
    pytest.param(source, target, name, blank, id=f"{source}->{target}-by-{name}-{blank!r}")
    for source, target, found in MOVES
    if found.reason_required
    for name in [KIND_PERSONAS[sorted(found.actors)[0]][0]]
    for blank in ("", "  \n")
]


def test_the_lists_are_generated_over_every_state_and_move() -> None:
    # Guards the generation: a state missing from the table or a kind of actor without a
    # persona would silently shrink the lists above.
    assert set(RESOLUTION_TRANSITIONS) | FINAL == set(ResolutionState)
    assert all(KIND_PERSONAS[kind] for kind in Actor)
    assert len(ALLOWED) >= len(MOVES)
    assert len(NOT_IN_TABLE) == len(ResolutionState) ** 2 - sum(
        map(len, RESOLUTION_TRANSITIONS.values())
    )


def test_the_state_sets_split_the_states() -> None:
    assert FOLLOW_UP.isdisjoint(FINAL)
    assert FOLLOW_UP | FINAL | {R.DRAFT} == set(ResolutionState)
    assert WITH_AGENCY <= FOLLOW_UP
    assert ISSUED == set(ResolutionState) - {R.DRAFT}
    assert all(not RESOLUTION_TRANSITIONS.get(state) for state in FINAL)


def _expected_reason(action: str) -> str:
    """Accepting (by the agency or the job) records no reason; every other move records it."""
    return "" if action == "start" else REASON


@pytest.mark.parametrize(("source", "target", "name"), ALLOWED)
def test_an_allowed_move_succeeds_for_each_actor_the_table_names(
    resolution_in: Any, persona: Any, source: str, target: str, name: str
) -> None:
    resolution = resolution_in(source)
    actor = persona(name)
    action = RESOLUTION_TRANSITIONS[source][target].action
    before = ResolutionEvent.objects.filter(resolution=resolution, kind="transition").count()

    resolution_move(actor=actor, resolution=resolution, to=target, reason=REASON)

    resolution.refresh_from_db()
    assert resolution.state == target
    events = ResolutionEvent.objects.filter(resolution=resolution, kind="transition")
    assert events.count() == before + 1
    event = events.order_by("pk").last()
    assert (event.actor, event.from_state, event.to_state) == (actor, source, target)
    assert event.reason == _expected_reason(action)
    assert event.data["action"] == action
    # The same step on the case's timeline.
    on_case = CaseEvent.objects.filter(case_id=resolution.case_id, kind="resolution").order_by("pk")
    copy = [e for e in on_case if e.data.get("event") == "transition"][-1]
    assert copy.actor == actor
    assert copy.reason == _expected_reason(action)
    assert (copy.data["resolution"], copy.data["code"], copy.data["to"]) == (
        resolution.pk,
        "227/1",
        target,
    )


@pytest.mark.parametrize(("source", "target", "name"), FORBIDDEN_ACTORS)
def test_a_move_is_refused_to_an_actor_the_table_does_not_name(
    resolution_in: Any, persona: Any, source: str, target: str, name: str
) -> None:
    resolution = resolution_in(source)
    actor = persona(name)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        resolution_move(actor=actor, resolution=resolution, to=target, reason=REASON)

    assert error.value.code == "not_allowed"
    assert snapshot() == before


@pytest.mark.parametrize(("source", "target"), NOT_IN_TABLE)
def test_a_move_the_table_does_not_have_is_refused_and_changes_nothing(
    resolution_in: Any, secretariat: Any, source: str, target: str
) -> None:
    resolution = resolution_in(source)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        resolution_move(actor=secretariat, resolution=resolution, to=target, reason=REASON)

    assert error.value.code == "invalid_transition"
    # The message names the state, so the user learns why.
    assert str(R(source).label) in error.value.messages[0]
    assert snapshot() == before


@pytest.mark.parametrize("name", ["officer", "system"])
def test_the_agency_and_the_job_are_refused_a_move_the_table_lacks_too(
    resolution_in: Any, persona: Any, name: str
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        resolution_move(actor=persona(name), resolution=resolution, to=R.NOTIFIED, reason=REASON)

    assert error.value.code == "invalid_transition"
    assert snapshot() == before


@pytest.mark.parametrize(("source", "target", "name", "blank"), REASON_REQUIRED)
def test_a_move_that_needs_a_reason_is_refused_without_one(
    resolution_in: Any, persona: Any, source: str, target: str, name: str, blank: str
) -> None:
    resolution = resolution_in(source)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        resolution_move(actor=persona(name), resolution=resolution, to=target, reason=blank)

    assert error.value.code == "reason_required"
    assert snapshot() == before


@pytest.mark.parametrize("name", ["secretariat", "system"])
def test_a_draft_is_issued_only_by_closing_its_meeting(
    resolution_in: Any, persona: Any, name: str
) -> None:
    resolution = resolution_in(R.DRAFT)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        resolution_move(actor=persona(name), resolution=resolution, to=R.NOTIFIED)

    assert error.value.code == "issued_by_closing"
    assert snapshot() == before


def test_a_move_from_a_stale_copy_of_the_resolution_is_refused(
    resolution_in: Any, officer: Any
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    stale = Resolution.objects.get(pk=resolution.pk)
    resolution_move(actor=officer, resolution=resolution, to=R.IN_PROGRESS)
    before = snapshot()

    # The stale copy still says "notified", from which accepting is allowed; the service reads
    # the locked row, which has been accepted since.
    with pytest.raises(MeetingError) as error:
        resolution_move(actor=officer, resolution=stale, to=R.IN_PROGRESS, reason=REASON)

    assert error.value.code in {"invalid_transition", "conflict"}
    assert snapshot() == before


def test_a_reason_is_recorded_without_its_surrounding_blanks(
    resolution_in: Any, secretariat: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)

    resolution_move(
        actor=secretariat, resolution=resolution, to=R.NOT_EXECUTED, reason="  مهلت گذشت \n"
    )

    event = ResolutionEvent.objects.filter(resolution=resolution, kind="transition").last()
    assert event.reason == "مهلت گذشت"


# --- Who is told of each move -------------------------------------------------------------------

NOTICES: dict[str, tuple[str, set[str]]] = {
    # action: (notification kind, who gets it). The secretariat of a case's county hears of
    # what the provincial secretariat hears of, as for referrals.
    "object": ("resolution_objected", {"secretariat", "county_secretary"}),
    "report_execution": ("resolution_reported", {"secretariat", "county_secretary"}),
    "accept_execution": ("resolution_executed", {"officer", "head"}),
    "return_report": ("resolution_returned", {"officer", "head"}),
    "mark_not_executed": ("resolution_not_executed", {"head", "executive"}),
    "overrule": ("resolution_overruled", {"officer", "head"}),
    "withdraw": ("resolution_withdrawn", {"officer", "head"}),
}

NOTIFIED_MOVES = [
    pytest.param(source, target, found.action, id=f"{source}->{target}")
    for source, target, found in MOVES
    if found.action in NOTICES
]


@pytest.fixture
def everyone(
    secretariat: Any,
    county_secretary: Any,
    officer: Any,
    agency_head: Any,
    other_officer: Any,
    executive: Any,
    owner: Any,
) -> None:
    """The whole cast exists, so a notice to the wrong person would show."""


@pytest.mark.usefixtures("everyone")
@pytest.mark.parametrize(("source", "target", "action"), NOTIFIED_MOVES)
def test_each_move_tells_the_people_who_must_act_next(
    resolution_in: Any, persona: Any, source: str, target: str, action: str
) -> None:
    resolution = resolution_in(source)
    found = RESOLUTION_TRANSITIONS[source][target]
    actor = persona(KIND_PERSONAS[sorted(found.actors)[0]][0])
    first = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    resolution_move(actor=actor, resolution=resolution, to=target, reason=REASON)

    kind, expected = NOTICES[action]
    told = set(
        Notification.objects.filter(pk__gt=first, kind=kind).values_list(
            "user__username", flat=True
        )
    )
    assert told == expected
    notice = Notification.objects.filter(pk__gt=first, kind=kind).first()
    assert "۲۲۷/۱" in notice.subject
    assert notice.url == reverse("meetings:resolution", kwargs={"pk": resolution.pk})


def test_accepting_a_resolution_tells_nobody(resolution_in: Any, officer: Any) -> None:
    resolution = resolution_in(R.NOTIFIED)
    first = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    resolution_move(actor=officer, resolution=resolution, to=R.IN_PROGRESS)

    assert not Notification.objects.filter(pk__gt=first).exists()


def test_an_objection_and_an_execution_report_are_kept_as_the_agencys_reports(
    resolution_in: Any, officer: Any, tax_agency: Any
) -> None:
    objected = resolution_in(R.NOTIFIED)
    resolution_move(actor=officer, resolution=objected, to=R.OBJECTED, reason="بودجه نداریم")
    reported = resolution_in(R.IN_PROGRESS)
    resolution_move(actor=officer, resolution=reported, to=R.REPORTED, reason="پرداخت شد")

    assert list(objected.reports.values_list("kind", "text", "agency", "author")) == [
        ("objection", "بودجه نداریم", tax_agency.pk, officer.pk)
    ]
    assert list(reported.reports.values_list("kind", "text", "agency", "author")) == [
        ("execution", "پرداخت شد", tax_agency.pk, officer.pk)
    ]


# --- What the page offers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "name", "expected"),
    [
        (R.DRAFT, "secretariat", set()),
        (R.NOTIFIED, "officer", {R.OBJECTED, R.IN_PROGRESS, R.REPORTED}),
        (R.NOTIFIED, "agency_head", {R.OBJECTED, R.IN_PROGRESS, R.REPORTED}),
        (R.NOTIFIED, "secretariat", set()),
        (R.NOTIFIED, "other_officer", set()),
        (R.OBJECTED, "secretariat", {R.IN_PROGRESS, R.CANCELLED}),
        (R.OBJECTED, "officer", set()),
        # Within the window an agency may still object, though one of them accepted.
        (R.IN_PROGRESS, "officer", {R.REPORTED, R.OBJECTED}),
        (R.IN_PROGRESS, "secretariat", {R.EXECUTED, R.NOT_EXECUTED}),
        (R.REPORTED, "secretariat", {R.EXECUTED, R.IN_PROGRESS, R.NOT_EXECUTED}),
        (R.REPORTED, "officer", {R.OBJECTED}),
        (R.IN_PROGRESS, "executive", set()),
        (R.IN_PROGRESS, "owner", set()),
        (R.EXECUTED, "secretariat", set()),
    ],
)
def test_the_moves_offered_are_the_tables_moves_for_the_viewer(
    resolution_in: Any, persona: Any, state: str, name: str, expected: set[str]
) -> None:
    resolution = resolution_in(state)

    assert set(allowed_resolution_moves(persona(name), resolution)) == expected


@pytest.mark.parametrize(("name", "expected"), list(PERSONA_KIND.items()))
def test_each_persona_counts_as_the_actor_the_table_knows(
    resolution_in: Any, persona: Any, name: str, expected: str | None
) -> None:
    resolution = resolution_in(R.NOTIFIED)

    kinds = resolution_actor_kinds(persona(name), resolution)

    assert kinds == ({expected} if expected else set())
