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
from tashil.notifications.models import Notification
from tashil.notifications.services import notify


# An SMTP server that drops the connection after the third message fails the task midway;
# huey runs it again a minute later, up to three times.
@db_task(retries=3, retry_delay=60)
def send_agenda(meeting_id: int, user_ids: list[int]) -> int:
    """Mail the agenda PDF to each recipient and leave a notice in the portal. Safe to run
    again after failing midway: each recipient's notice (keyed by the meeting and the time the
    agenda was sent) records the mail, and a rerun mails only the notices not yet mailed.
    Returns how many mails this run sent."""
    from tashil.meetings.pdf import agenda_pdf

    meeting = Meeting.objects.select_related("body").get(pk=meeting_id)
    users = list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
    # Sending again (after editing the agenda) is a new key, so everyone gets the new agenda.
    sent_at = meeting.agenda_sent_at or timezone.now()
    key = f"agenda:{meeting.pk}:{sent_at.timestamp():.0f}"
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Agenda of session %(number)s of %(body)s, %(date)s") % {
            "number": to_persian_digits(str(meeting.number)),
            "body": meeting.body.name,
            "date": format_jalali(timezone.localtime(meeting.starts_at)),
        }
        body = gettext("The agenda of the coming session is attached.")
    url = meeting_url(meeting)
    notify(users=users, kind="agenda", subject=subject, body=body, url=url, email=False, key=key)
    unmailed = list(
        Notification.objects.filter(key=key, user__in=users, emailed_at__isnull=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    if not unmailed:
        return 0
    pdf = agenda_pdf(meeting)
    sent = 0
    for notice in unmailed:
        message = EmailMessage(subject=subject, body=body, to=[notice.user.email])
        message.attach(f"agenda-{meeting.number}.pdf", pdf, "application/pdf")
        sent += message.send()
        # Recorded at once, mail by mail: a failure at the next one must not resend this one.
        # (A worker killed between the send and this line resends one mail: at least once.)
        Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
    return sent


@db_periodic_task(crontab(minute="25"))
@lock_task("meetings-follow-up")
def follow_up_resolutions() -> dict[str, int]:
    """Hourly, like the referral escalation, so a step reached today is notified today."""
    return resolutions_follow_up(today=timezone.localdate())
