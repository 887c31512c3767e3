"""notify(key=…): a job that runs again after failing midway tells each person once."""

from __future__ import annotations

from typing import Any

import pytest

from tashil.notifications.models import Notification
from tashil.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_a_rerun_with_the_same_key_reaches_only_those_the_first_run_missed(
    officer: Any,
    agency_head: Any,
    secretariat: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[officer], kind="overdue", subject="s", body="b", key="referral:7:1")
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            users=[officer, agency_head, secretariat],
            kind="overdue",
            subject="s",
            body="b",
            key="referral:7:1",
        )

    assert {n.user for n in created} == {agency_head, secretariat}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        u.email for u in (officer, agency_head, secretariat)
    )
    assert Notification.objects.filter(key="referral:7:1").count() == 3


def test_without_a_key_every_call_notifies(
    officer: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(users=[officer], kind="news", subject="s", body="b")

    assert Notification.objects.filter(user=officer).count() == 2
    assert len(mailoutbox) == 2
