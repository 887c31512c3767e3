"""What a restore must reproduce, computed the same way on the source database (in the test) and
on the restored one (in a subprocess): every model's row count and a hash of all its rows, with
content types and permissions by natural key (their ids depend on the order migrate made them).

Kept apart from the code under test (tashil/core/backup.py) so that a mistake there cannot hide
in both sides of the comparison."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

SKIPPED = {
    "contenttypes.ContentType",
    "auth.Permission",
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "core.WorkerHeartbeat",
}


def _lookups(model: Any) -> list[str]:
    found = []
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is ContentType:
            found += [f"{field.name}__app_label", f"{field.name}__model"]
        elif field.is_relation and field.related_model is Permission:
            found += [f"{field.name}__codename", f"{field.name}__content_type__model"]
        else:
            found.append(field.attname)
    return found


def fingerprint() -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in SKIPPED or not model._meta.managed or model._meta.proxy:
            continue
        rows = list(model._base_manager.order_by("pk").values_list(*_lookups(model)))
        text = json.dumps(rows, default=str, sort_keys=True, ensure_ascii=False)
        tables[label] = {"count": len(rows), "sha256": hashlib.sha256(text.encode()).hexdigest()}
    return tables


def main() -> None:
    """Run in the restored database: the fingerprint, then proof that new rows get new ids."""
    from tashil.cases.models import Case, CaseEvent
    from tashil.notifications.models import Notification

    result: dict[str, Any] = {"tables": fingerprint(), "samples": {}, "new_ids": {}}
    case = Case.objects.order_by("pk").last()
    result["samples"]["last_case"] = [case.tracking, case.title, str(case.created_at)]
    for model in (CaseEvent, Notification):
        last = model.objects.order_by("pk").last()
        old = last.pk
        last.pk = None
        if isinstance(last, Notification):
            last.key = ""  # one notice per user and key
        last._state.adding = True
        last.save(force_insert=True)
        result["new_ids"][model._meta.label] = [old, last.pk]
    print(json.dumps(result, ensure_ascii=False))
