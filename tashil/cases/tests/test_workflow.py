"""The workflow table, tested from the table itself: every allowed move succeeds for each kind of
actor it names and for no other, and every pair of statuses it does not name is refused without
changing anything."""

from __future__ import annotations

from typing import Any

import pytest

from tashil.cases.models import CaseEvent
from tashil.cases.selectors import allowed_moves
from tashil.cases.services import CaseError, case_assign_expert, case_move
from tashil.cases.tests.conftest import KIND_PERSONAS, PERSONA_KIND, REASON, S, snapshot
from tashil.cases.workflow import FINAL, OPEN, OUTCOMES, PAUSABLE, TRANSITIONS, CaseStatus

pytestmark = pytest.mark.django_db


def _expected_reason(action: str, actor: Any) -> str:
    """Referring and the company's confirmation take no reason; everything else records it."""
    if action == "refer" or (action == "confirm" and actor is not None):
        return ""
    return REASON


def _source(source: str, target: str) -> dict[str, Any]:
    """How to build the case a move starts from: a case returned for information goes back
    where it came from, so it must have come from the move's target."""
    if source == S.RETURNED_FOR_INFO and target in PAUSABLE:
        return {"returned_from": target}
    return {}


ALLOWED = [
    pytest.param(
        source,
        target,
        name,
        id=f"{source}->{target}-by-{name}",
    )
    for source, targets in TRANSITIONS.items()
    for target, found in targets.items()
    for kind in sorted(found.actors)
    for name in KIND_PERSONAS[kind]
]

FORBIDDEN_ACTORS = [
    pytest.param(
        source,
        target,
        name,
        id=f"{source}->{target}-by-{name}",
    )
    for source, targets in TRANSITIONS.items()
    for target, found in targets.items()
    for name, kind in PERSONA_KIND.items()
    if kind not in found.actors
]

NOT_IN_TABLE = [
    pytest.param(source.value, target.value, id=f"{source.value}->{target.value}")
    for source in CaseStatus
    for target in CaseStatus
    if target.value not in TRANSITIONS.get(source.value, {})
]

REASON_REQUIRED = [
    pytest.param(
        source,
        target,
        KIND_PERSONAS[sorted(found.actors)[0]][0],
        blank,
        id=f"{source}->{target}-{blank!r}",
    )
    for source, targets in TRANSITIONS.items()
    for target, found in targets.items()
    if found.reason_required
    for blank in ("", "   \n")
]


def test_the_table_is_generated_over_every_status() -> None:
    # Guards the generation itself: a status missing from CaseStatus or from the builder's
    # routes would silently shrink the lists above.
    assert set(TRANSITIONS) | FINAL == set(CaseStatus)
    assert len(ALLOWED) >= sum(len(targets) for targets in TRANSITIONS.values())
    assert len(NOT_IN_TABLE) == len(CaseStatus) ** 2 - sum(map(len, TRANSITIONS.values()))


def test_the_status_sets_split_the_statuses() -> None:
    assert FINAL.isdisjoint(OUTCOMES) and FINAL.isdisjoint(OPEN) and OUTCOMES.isdisjoint(OPEN)
    assert FINAL | OUTCOMES | OPEN == set(CaseStatus)
    assert all(not TRANSITIONS.get(status) for status in FINAL)


@pytest.mark.parametrize(("source", "target", "name"), ALLOWED)
def test_an_allowed_move_succeeds_for_each_actor_the_table_names(
    case_in: Any, persona: Any, source: str, target: str, name: str
) -> None:
    case = case_in(source, **_source(source, target))
    extras = case_in.extras(case, target)
    actor = persona(name)
    before = CaseEvent.objects.filter(case=case, kind="transition").count()

    case_move(actor=actor, case=case, to=target, reason=REASON, **extras)

    case.refresh_from_db()
    assert case.status == target
    events = CaseEvent.objects.filter(case=case, kind="transition").order_by("pk")
    assert events.count() == before + 1
    event = events.last()
    action = TRANSITIONS[source][target].action
    assert (event.actor, event.from_status, event.to_status) == (actor, source, target)
    assert event.reason == _expected_reason(action, actor)
    assert event.data["action"] == action


@pytest.mark.parametrize(("source", "target", "name"), FORBIDDEN_ACTORS)
def test_a_move_is_refused_to_an_actor_the_table_does_not_name(
    case_in: Any, persona: Any, source: str, target: str, name: str
) -> None:
    case = case_in(source, **_source(source, target))
    extras = case_in.extras(case, target)
    actor = persona(name)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_move(actor=actor, case=case, to=target, reason=REASON, **extras)

    assert error.value.code == "not_allowed"
    assert snapshot() == before
    case.refresh_from_db()
    assert case.status == source


@pytest.mark.parametrize(("source", "target"), NOT_IN_TABLE)
def test_a_move_the_table_does_not_have_is_refused_and_changes_nothing(
    case_in: Any, secretariat: Any, source: str, target: str
) -> None:
    case = case_in(source)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_move(actor=secretariat, case=case, to=target, reason=REASON)

    assert error.value.code == "invalid_transition"
    # The message names both states, so the user learns why.
    message = error.value.messages[0]
    assert str(CaseStatus(source).label) in message or source in message
    assert snapshot() == before


@pytest.mark.parametrize(("source", "target", "name", "blank"), REASON_REQUIRED)
def test_a_move_that_needs_a_reason_is_refused_without_one(
    case_in: Any, persona: Any, source: str, target: str, name: str, blank: str
) -> None:
    case = case_in(source, **_source(source, target))
    extras = case_in.extras(case, target)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_move(actor=persona(name), case=case, to=target, reason=blank, **extras)

    assert error.value.code == "reason_required"
    assert snapshot() == before


@pytest.mark.parametrize("name", ["owner", "secretariat"])
def test_providing_information_needs_the_information(case_in: Any, persona: Any, name: str) -> None:
    case = case_in(S.RETURNED_FOR_INFO)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_move(actor=persona(name), case=case, to=S.SCREENING, reason=" ")

    assert error.value.code == "reason_required"
    assert snapshot() == before


@pytest.mark.parametrize("returned_from", sorted(PAUSABLE))
def test_the_company_answering_sends_the_case_back_where_it_came_from(
    case_in: Any, owner: Any, returned_from: str
) -> None:
    case = case_in(S.RETURNED_FOR_INFO, returned_from=returned_from)
    assert (case.returned_from, case.paused_at is not None) == (returned_from, True)

    case_move(actor=owner, case=case, to=returned_from, reason="مدارک پیوست شد")

    case.refresh_from_db()
    assert (case.status, case.returned_from, case.paused_at) == (returned_from, "", None)


WRONG_RETURN = [
    pytest.param(came_from, target, id=f"from-{came_from}-to-{target}")
    for came_from in sorted(PAUSABLE)
    for target in sorted(PAUSABLE - {came_from})
]


@pytest.mark.parametrize(("returned_from", "target"), WRONG_RETURN)
def test_providing_information_cannot_send_the_case_anywhere_else(
    case_in: Any, owner: Any, returned_from: str, target: str
) -> None:
    case = case_in(S.RETURNED_FOR_INFO, returned_from=returned_from)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_move(actor=owner, case=case, to=target, reason="مدارک پیوست شد")

    assert error.value.code == "invalid_transition"
    assert snapshot() == before


@pytest.mark.parametrize(("returned_from", "target"), WRONG_RETURN)
def test_the_page_offers_providing_information_only_towards_where_the_case_came_from(
    case_in: Any, owner: Any, returned_from: str, target: str
) -> None:
    case = case_in(S.RETURNED_FOR_INFO, returned_from=returned_from)

    offered = allowed_moves(owner, case)

    assert returned_from in offered and target not in offered


def test_a_reason_is_recorded_without_its_surrounding_blanks(
    case_in: Any, secretariat: Any
) -> None:
    case = case_in(S.SCREENING)

    case_move(actor=secretariat, case=case, to=S.REJECTED, reason="  خارج از حوزه ستاد \n")

    event = CaseEvent.objects.filter(case=case, kind="transition").last()
    assert event.reason == "خارج از حوزه ستاد"


@pytest.mark.parametrize(
    ("status", "name", "expected"),
    [
        (S.SCREENING, "secretariat", set(TRANSITIONS[S.SCREENING])),
        (S.SCREENING, "county_secretary", set(TRANSITIONS[S.SCREENING])),
        (S.SCREENING, "owner", set()),
        (S.SCREENING, "executive", set()),
        (S.EXPERT_REVIEW, "expert", {S.RETURNED_FOR_INFO, S.ON_AGENDA}),
        (S.EXPERT_REVIEW, "other_expert", set()),
        (S.RESOLVED, "owner", {S.CLOSED, S.SCREENING}),
        (S.RESOLVED, "secretariat", set()),
        (S.UNRESOLVED, "owner", {S.CLOSED}),
        (S.CLOSED, "secretariat", set()),
    ],
)
def test_the_moves_offered_are_the_tables_moves_for_the_viewer(
    case_in: Any, persona: Any, status: str, name: str, expected: set[str]
) -> None:
    case = case_in(status)

    assert set(allowed_moves(persona(name), case)) == expected


def test_a_move_from_a_stale_copy_of_the_case_is_refused(case_in: Any, secretariat: Any) -> None:
    case = case_in(S.SUBMITTED)
    stale = type(case).objects.get(pk=case.pk)
    case_move(actor=secretariat, case=case, to=S.SCREENING)
    before = snapshot()

    # The stale copy still says "submitted"; the service reads the locked row, not the copy.
    with pytest.raises(CaseError) as error:
        case_move(actor=secretariat, case=stale, to=S.SCREENING)

    assert error.value.code in {"invalid_transition", "conflict"}
    assert snapshot() == before


# --- Moves with more to them than the table ---------------------------------------------------


def test_the_secretariat_hands_an_expert_review_to_another_expert(
    case_in: Any, secretariat: Any, expert: Any, other_expert: Any
) -> None:
    case = case_in(S.EXPERT_REVIEW)

    case_assign_expert(actor=secretariat, case=case, expert=other_expert, reason="مرخصی")

    case.refresh_from_db()
    assert (case.status, case.assignee) == (S.EXPERT_REVIEW, other_expert)
    event = CaseEvent.objects.filter(case=case, kind="transition").last()
    assert (event.from_status, event.to_status, event.data["action"]) == (
        S.EXPERT_REVIEW,
        S.EXPERT_REVIEW,
        "reassign_expert",
    )
    assert other_expert.notifications.filter(kind="case_assigned").count() == 1


@pytest.mark.parametrize("name", ["expert", "owner"])
def test_an_expert_cannot_hand_the_review_on_themselves(
    case_in: Any, persona: Any, other_expert: Any, name: str
) -> None:
    case = case_in(S.EXPERT_REVIEW)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_assign_expert(actor=persona(name), case=case, expert=other_expert)

    assert error.value.code == "not_allowed"
    assert snapshot() == before


@pytest.mark.parametrize("name", ["officer", "secretariat", "owner"])
def test_only_an_expert_of_the_province_can_be_assigned(
    case_in: Any, secretariat: Any, persona: Any, name: str
) -> None:
    case = case_in(S.SCREENING)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_assign_expert(actor=secretariat, case=case, expert=persona(name))

    assert error.value.code == "not_an_expert"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("source", "target", "kind"),
    [
        (S.SCREENING, S.REJECTED, "case_rejected"),
        (S.SCREENING, S.RETURNED_FOR_INFO, "case_returned"),
    ],
)
def test_the_company_is_told_the_reason_by_notice_and_text(
    case_in: Any,
    owner: Any,
    secretariat: Any,
    sms_outbox: Any,
    django_capture_on_commit_callbacks: Any,
    source: str,
    target: str,
    kind: str,
) -> None:
    owner.phone = "09120001122"
    owner.save(update_fields=["phone"])
    case = case_in(source)

    with django_capture_on_commit_callbacks(execute=True):
        case_move(actor=secretariat, case=case, to=target, reason="موضوع در حوزه ستاد نیست")

    notice = owner.notifications.get(kind=kind)
    assert "موضوع در حوزه ستاد نیست" in notice.body
    assert [to for to, _text in sms_outbox] == ["09120001122"]


def test_the_company_sees_progress_in_the_portal_without_a_mail_for_each_step(
    case_in: Any, secretariat: Any, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail
    from django.utils import translation

    from tashil.notifications.models import Notification

    owner.email = "owner@example.com"
    owner.save()
    case = case_in(S.SCREENING)
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        case_move(actor=secretariat, case=case, to=S.WORKING_GROUP)

    notice = Notification.objects.filter(user=owner, kind="case_progress").latest("pk")
    assert notice.body == "کارگروه تخصصی"
    assert mail.outbox == []
