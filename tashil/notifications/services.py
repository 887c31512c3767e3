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
    key: str = "",
) -> list[Notification]:
    """Leave an in-app notice for each user and, after the transaction commits, email those who
    have an address and, when `sms` holds a text, send it to those with a mobile number.
    Inactive users get nothing.

    A job that may run again (a huey retry) passes a `key` naming what it notifies: users who
    already hold a notice with that key are skipped, by mail and text too, so a rerun tells only
    those the failed run did not reach. Returns the notices created."""
    recipients = {user.pk: user for user in users if user.is_active}
    if key:
        # A concurrent run that slips between this read and the insert fails on the unique
        # constraint and rolls back; its retry then finds the notices here.
        for user_id in Notification.objects.filter(
            key=key, user_id__in=list(recipients)
        ).values_list("user_id", flat=True):
            del recipients[user_id]
    notices = Notification.objects.bulk_create(
        Notification(user=user, kind=kind, subject=subject, body=body, url=url, key=key)
        for user in recipients.values()
    )
    if email:
        addresses = sorted({user.email for user in recipients.values() if user.email})
        if addresses:
            # One message per recipient: addresses of other companies' staff must not leak.
            for address in addresses:
                transaction.on_commit(partial(send_email, to=[address], subject=subject, body=body))
    if sms:
        for phone in sorted({user.phone for user in recipients.values() if user.phone}):
            transaction.on_commit(partial(send_sms, to=phone, text=sms))
    return notices


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when `ids` is None). Returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
