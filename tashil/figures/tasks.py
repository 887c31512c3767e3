"""The weekly report job: on Saturday morning in Tehran, last week's report goes to the executives
of each province. Safe to run twice, or twice at once: `services.weekly_report_send` sends each
province's week once."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tashil.accounts.models import RoleAssignment
from tashil.accounts.roles import Role
from tashil.figures.services import weekly_report_send
from tashil.figures.weekly import last_complete_week
from tashil.geo.models import Province

logger = logging.getLogger(__name__)


# Huey's clock runs in UTC: 03:30 to 07:30 UTC is 07:00 to 11:00 in Tehran (UTC+3:30), on
# Saturday, the first day of the Iranian week (huey counts Sunday as 0). The later runs find the
# week sent and do nothing, unless the first failed to send or the worker was down at seven.
@db_periodic_task(crontab(day_of_week="6", hour="3-7", minute="30"))
@lock_task("figures-weekly-report")
def send_weekly_reports() -> int:
    """Returns how many messages were sent."""
    today = timezone.localdate()
    week = last_complete_week(today)
    executives = RoleAssignment.objects.filter(role=Role.EXECUTIVE, user__is_active=True)
    sent = 0
    for province in Province.objects.filter(pk__in=executives.values("province")).order_by("code"):
        try:
            sent += weekly_report_send(province=province, week=week, today=today)
        except Exception:
            # One province's failure (the mail server, a report that cannot be drawn) must not
            # keep the others' reports back; its week stays unsent and the next run retries it.
            logger.exception("weekly report of province %s not sent", province.code)
    return sent
