"""Events are written once and never changed or removed by the application.

The services only ever insert event rows. These receivers make the ORM refuse the rest: saving
an event row that already exists, and deleting one, directly or by cascade from the object it is
about. On PostgreSQL the triggers of `audit/migrations/0001_event_triggers.py` refuse the same in
the database, for `QuerySet.update()` and raw SQL too, which no signal sees.

They are receivers rather than overrides in each app's models so that every event table is
guarded by the one list in `audit.events`, and a new table cannot be forgotten.

One removal is allowed, in both places: the events of a resolution that is still a draft go
with it (`resolution_delete_draft`, `meeting_cancel`). A draft has bound nobody, and the
meeting's own log records that it was deleted.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models
from django.db.models.signals import pre_delete, pre_save

from tashil.audit.events import event_models

DRAFT = "draft"  # meetings.workflow.ResolutionState.DRAFT; the trigger holds the same literal


class EventIsPermanent(IntegrityError):
    """An event row was about to be changed or deleted. An IntegrityError, as the PostgreSQL
    trigger's refusal is, so that callers handle both alike."""


def _refuse_update(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not instance._state.adding:
        raise EventIsPermanent(
            f"{sender._meta.label} rows are append-only: {instance.pk} cannot be changed"
        )


def _refuse_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if _of_a_draft_resolution(instance):
        return
    raise EventIsPermanent(f"{sender._meta.label} rows are append-only: {instance.pk} stays")


def _of_a_draft_resolution(instance: models.Model) -> bool:
    if instance._meta.label != "meetings.ResolutionEvent":
        return False
    from tashil.meetings.models import Resolution

    return Resolution.objects.filter(pk=instance.resolution_id, state=DRAFT).exists()  # type: ignore[attr-defined]


def install() -> None:
    for model in event_models():
        uid = f"audit-append-only-{model._meta.label_lower}"
        pre_save.connect(_refuse_update, sender=model, dispatch_uid=uid)
        pre_delete.connect(_refuse_delete, sender=model, dispatch_uid=uid)
