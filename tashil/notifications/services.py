from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from tashil.accounts.models import User
from tashil.notifications.models import Notification
from tashil.notifications.tasks import send_email, send_sms


@transaction.atomic
def notify(
    *,
    users: Iterable[User],
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    email: bool = True,
    sms: str = "",
) -> list[Notification]:
    """Leave an in-app notice for each user and, after the transaction commits, email those who
    have an address and, when `sms` holds a text, send it to those with a mobile number.
    Inactive users get nothing."""
    recipients = {user.pk: user for user in users if user.is_active}.values()
    notices = Notification.objects.bulk_create(
        Notification(user=user, kind=kind, subject=subject, body=body, url=url)
        for user in recipients
    )
    if email:
        addresses = sorted({user.email for user in recipients if user.email})
        if addresses:
            # One message per recipient: addresses of other companies' staff must not leak.
            for address in addresses:
                transaction.on_commit(partial(send_email, to=[address], subject=subject, body=body))
    if sms:
        for phone in sorted({user.phone for user in recipients if user.phone}):
            transaction.on_commit(partial(send_sms, to=phone, text=sms))
    return notices


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when `ids` is None). Returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
