from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notice to one user (the bell in the navigation bar). The same text usually also
    goes out by email; the row is what the user can come back to."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    # A stable code (e.g. "certificate_expiring") so code and tests need not read the text.
    kind = models.CharField(max_length=40)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set by a job that may run again (a huey retry after it failed midway): the same key for
    # the same user is one notice, so the rerun skips who already has it. Empty: no such job.
    key = models.CharField(max_length=120, blank=True, default="")
    # When the notice (or the mail that carries it, e.g. the agenda PDF) was mailed to the user
    # by such a job, which mails only the notices that have none yet.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread count on every page.
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.subject
