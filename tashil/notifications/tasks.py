from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from huey.contrib.djhuey import db_task


@db_task(retries=3, retry_delay=60)
def send_email(*, to: list[str], subject: str, body: str) -> None:
    """Mail leaves through the worker so that an unreachable SMTP server neither slows nor fails
    the request (or the periodic job) that decided to send it; huey retries it."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


@db_task(retries=3, retry_delay=60)
def send_sms(*, to: str, text: str) -> None:
    """Like mail, text messages leave through the worker; the provider may be slow or down."""
    from tashil.notifications.sms import get_backend

    get_backend().send(to, text)
