from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tashil.registry.import_jobs import (
    import_jobs_fail_interrupted,
    run_import_job,  # noqa: F401 - the worker finds it here
)
from tashil.registry.reminders import certificate_expiry_warnings_send


# Huey's clock runs in UTC (settings.HUEY["utc"]): 06:00 UTC is 09:30 in Tehran, early in the
# working day. Missing a day costs nothing: the next run sends what is due, once.
@db_periodic_task(crontab(hour="6", minute="0"))
def certificate_expiry_warnings() -> None:
    """Warn the secretariat and the company before a knowledge-based certificate expires."""
    certificate_expiry_warnings_send(today=timezone.localdate())


@db_periodic_task(crontab(minute="35"))
def fail_interrupted_import_jobs() -> int:
    """Hourly: a job whose worker was killed mid-import is marked failed (nothing was imported)."""
    return import_jobs_fail_interrupted(now=timezone.now())
