from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tashil.investments.services import openings_due


# Huey's clock runs in UTC: 20:35 UTC is just after midnight in Tehran, so a line opened on a
# visit today shows as operating from the morning. Missing a run costs nothing: the next one
# opens what is due.
@db_periodic_task(crontab(hour="20", minute="35"))
def open_lines_opened_on_visits() -> None:
    """Open the projects of opening stops put on a programme before the visit."""
    openings_due()
