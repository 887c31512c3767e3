"""Periodic case jobs. Each is safe to run twice, or twice at once: the services record what
they did on the rows they change and skip what an earlier run already did."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tashil.cases.services import cases_close_unconfirmed, referrals_escalate


@db_periodic_task(crontab(minute="15"))
@lock_task("cases-escalate")
def escalate_overdue_referrals() -> int:
    """Hourly, so a step reached today is notified today, whenever the worker was started."""
    return referrals_escalate(today=timezone.localdate())


@db_periodic_task(crontab(minute="45"))
@lock_task("cases-close-unconfirmed")
def close_unconfirmed_cases() -> int:
    return cases_close_unconfirmed(now=timezone.now())
