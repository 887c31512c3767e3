from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction

from tashil.core.models import RecurringHoliday, WorkerHeartbeat


@transaction.atomic
def recurring_holidays_load(*, rows: Iterable[Mapping[str, str]]) -> int:
    count = 0
    for row in rows:
        RecurringHoliday.objects.get_or_create(
            month=int(row["month"]),
            day=int(row["day"]),
            defaults={"name": row["name"], "name_en": row.get("name_en", "")},
        )
        count += 1
    return count


def worker_heartbeat(*, name: str, at: dt.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": at})
