from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tashil.core.services import worker_heartbeat


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Lets /healthz report when the background worker last ran."""
    worker_heartbeat(name="huey", at=timezone.now())
