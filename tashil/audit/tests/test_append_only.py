"""Events are written once: the application can neither change nor delete one, directly, in
bulk, or by deleting what it is about; on PostgreSQL the database refuses it too, even to raw
SQL. The one exception is a draft resolution, whose drafting events go with it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from tashil.audit.events import SOURCES, event_models
from tashil.audit.guards import EventIsPermanent
from tashil.meetings import services as meetings_services
from tashil.meetings.models import MeetingEvent, Resolution, ResolutionEvent

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the triggers are PostgreSQL's; SQLite's flush deletes rows, which they would refuse",
)


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in event_models()
    }


@pytest.fixture
def events(every_kind: dict[str, Any]) -> dict[str, Any]:
    """The newest event of each table."""
    found = {}
    for source in SOURCES:
        event = source.model._default_manager.order_by("-pk").first()
        assert event is not None, source.key
        found[source.key] = event
    return found


@pytest.mark.parametrize("key", [source.key for source in SOURCES])
def test_an_event_cannot_be_saved_again(events: dict[str, Any], key: str) -> None:
    event = events[key]
    before = _snapshot()
    event.kind = "rewritten"

    with pytest.raises(EventIsPermanent):
        event.save()

    assert _snapshot() == before


@pytest.mark.parametrize("key", [source.key for source in SOURCES])
def test_an_event_cannot_be_deleted_one_by_one_or_in_bulk(events: dict[str, Any], key: str) -> None:
    event = events[key]
    before = _snapshot()

    # Each in a savepoint: a refused delete spoils the transaction it ran in, as any error does.
    with pytest.raises(EventIsPermanent), transaction.atomic():
        event.delete()
    with pytest.raises(EventIsPermanent), transaction.atomic():
        type(event)._default_manager.filter(pk=event.pk).delete()

    assert _snapshot() == before


def test_deleting_what_the_events_are_about_is_refused(every_kind: dict[str, Any]) -> None:
    resolution = every_kind["resolution"]
    before = _snapshot()

    for parent in (resolution.case, every_kind["company"], resolution.created_by):
        with pytest.raises(IntegrityError), transaction.atomic():
            parent.delete()

    assert _snapshot() == before


def test_a_draft_resolution_goes_with_its_drafting_events(
    clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    draft = meetings.draft(item)
    other = meetings.draft(item, text="مصوبه‌ای که با لغو جلسه می‌رود")
    assert ResolutionEvent.objects.filter(resolution=draft).exists()

    meetings_services.resolution_delete_draft(actor=secretariat, resolution=draft)
    meetings_services.meeting_cancel(actor=secretariat, meeting=meeting, reason="نبود حد نصاب")

    assert not Resolution.objects.filter(pk__in=[draft.pk, other.pk]).exists()
    assert not ResolutionEvent.objects.filter(resolution_id__in=[draft.pk, other.pk]).exists()
    # The meeting's own log keeps what happened to them.
    kinds = list(MeetingEvent.objects.filter(meeting=meeting).values_list("kind", flat=True))
    assert "draft_deleted" in kinds
    assert "cancelled" in kinds


def test_an_issued_resolution_keeps_its_events(every_kind: dict[str, Any]) -> None:
    resolution = every_kind["resolution"]
    before = _snapshot()

    with pytest.raises(IntegrityError), transaction.atomic():
        resolution.delete()

    assert _snapshot() == before


# --- In the database (PostgreSQL) ----------------------------------------------------------


@on_postgresql
def test_every_event_table_has_its_trigger(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'tashil_audit_append_only' AND t.tgenabled <> 'D'"
        )
        guarded = {row[0] for row in cursor.fetchall()}

    assert guarded == {model._meta.db_table for model in event_models()}


@on_postgresql
@pytest.mark.parametrize("key", [source.key for source in SOURCES])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET kind = 'x'", "DELETE FROM {table}"])
def test_the_database_refuses_raw_updates_and_deletes(
    events: dict[str, Any], key: str, statement: str
) -> None:
    table = type(events[key])._meta.db_table
    before = _snapshot()

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=table))

    assert _snapshot() == before


@on_postgresql
@pytest.mark.parametrize("key", [source.key for source in SOURCES])
def test_the_database_refuses_a_bulk_update(events: dict[str, Any], key: str) -> None:
    model = type(events[key])
    before = _snapshot()

    with pytest.raises(IntegrityError), transaction.atomic():
        model._default_manager.filter(pk=events[key].pk).update(kind="rewritten")

    assert _snapshot() == before
