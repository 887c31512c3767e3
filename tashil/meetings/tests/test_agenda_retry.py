"""The agenda mail is a huey task that mails recipients one by one. When the SMTP server fails
midway, huey runs the task again: the recipients mailed before the failure must not get the
agenda (or its notice) twice, and those after it must still get it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.mail.backends.locmem import EmailBackend
from huey.contrib.djhuey import HUEY

from tashil.meetings.services import meeting_send_agenda
from tashil.meetings.tests.test_meeting_close import Session, cast, session  # noqa: F401
from tashil.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("clock")


class FailingOnce(EmailBackend):
    """Delivers like locmem, but the connection drops at the third message, once."""

    calls = 0

    def send_messages(self, email_messages: Any) -> int:
        type(self).calls += 1
        if type(self).calls == 3:
            raise ConnectionResetError("SMTP server closed the connection")
        return super().send_messages(email_messages)


def run_retries() -> int:
    """What the consumer's scheduler does once the retry delay has passed."""
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=5)
    due = HUEY.read_schedule(later)
    for task in due:
        HUEY.execute(task, timestamp=later)
    return len(due)


def test_an_agenda_task_failing_midway_is_retried_without_mailing_anyone_twice(
    session: Session,  # noqa: F811
    secretariat: Any,
    cast: dict[str, Any],  # noqa: F811
    mailoutbox: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FailingOnce"
    FailingOnce.calls = 0
    mailoutbox.clear()
    expected = {"officer", "head", "other_officer", "executive", "secretariat"}

    with django_capture_on_commit_callbacks(execute=True):
        meeting_send_agenda(actor=secretariat, meeting=session.meeting)

    # The first run mailed two people, then failed; huey scheduled it again.
    assert len(mailoutbox) == 2
    assert run_retries() == 1
    assert sorted(address for m in mailoutbox for address in m.to) == sorted(
        cast[name].email for name in expected
    )
    notices = Notification.objects.filter(kind="agenda")
    assert sorted(notices.values_list("user__username", flat=True)) == sorted(expected)
    assert not notices.filter(emailed_at__isnull=True).exists()
    # A third run (a duplicate delivery of the task) sends nothing more.
    assert run_retries() == 0
    from tashil.meetings.tasks import send_agenda

    assert send_agenda.call_local(session.meeting.pk, [cast[n].pk for n in expected]) == 0
    assert len(mailoutbox) == len(expected)
    assert notices.count() == len(expected)


def test_sending_the_agenda_again_after_editing_it_reaches_everyone_again(
    session: Session,  # noqa: F811
    secretariat: Any,
    cast: dict[str, Any],  # noqa: F811
    mailoutbox: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        count = meeting_send_agenda(actor=secretariat, meeting=session.meeting)
    mailoutbox.clear()
    clock.advance(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_send_agenda(actor=secretariat, meeting=session.meeting)

    assert len(mailoutbox) == count
    assert Notification.objects.filter(kind="agenda").count() == 2 * count
