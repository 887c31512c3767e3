"""Meeting jobs: the agenda mail (rendering a PDF is slow, so not in the request) and the hourly
follow-up of resolutions. Each is safe to run twice, or twice at once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from tashil.accounts.models import User
from tashil.core.jalali import format_jalali
from tashil.core.text import to_persian_digits
from tashil.meetings.models import Meeting
from tashil.meetings.services import meeting_url, resolutions_follow_up
from tashil.notifications.services import notify


@db_task()
def send_agenda(meeting_id: int, user_ids: list[int]) -> int:
    """Mail the agenda PDF to each recipient and leave a notice in the portal."""
    from tashil.meetings.pdf import agenda_pdf

    meeting = Meeting.objects.select_related("body").get(pk=meeting_id)
    users = list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Agenda of session %(number)s of %(body)s, %(date)s") % {
            "number": to_persian_digits(str(meeting.number)),
            "body": meeting.body.name,
            "date": format_jalali(timezone.localtime(meeting.starts_at)),
        }
        body = gettext("The agenda of the coming session is attached.")
    url = meeting_url(meeting)
    notify(users=users, kind="agenda", subject=subject, body=body, url=url, email=False)
    pdf = agenda_pdf(meeting)
    sent = 0
    for user in users:
        if not user.email:
            continue
        message = EmailMessage(subject=subject, body=body, to=[user.email])
        message.attach(f"agenda-{meeting.number}.pdf", pdf, "application/pdf")
        sent += message.send()
    return sent


@db_periodic_task(crontab(minute="25"))
@lock_task("meetings-follow-up")
def follow_up_resolutions() -> dict[str, int]:
    """Hourly, like the referral escalation, so a step reached today is notified today."""
    return resolutions_follow_up(today=timezone.localdate())
