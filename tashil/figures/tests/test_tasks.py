"""The weekly report job as huey runs it: on Saturday morning in Tehran, last week's report to the
executives of each province that has one, and nothing more when it runs again."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail

from tashil.conftest import _user_with_role
from tashil.factories import ProvinceFactory
from tashil.figures import tasks
from tashil.figures.models import WeeklyReportDelivery
from tashil.figures.tests.conftest import TEHRAN, jalali_day
from tashil.figures.tests.reports_records import build_week

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(request: pytest.FixtureRequest) -> SimpleNamespace:
    return build_week(request)


def test_the_job_runs_on_saturday_morning_in_tehran() -> None:
    instance = tasks.send_weekly_reports.task_class()
    saturday = dt.date(2025, 12, 13)
    runs = [
        (day.strftime("%A"), hour, minute)
        for day in (saturday + dt.timedelta(days=n) for n in range(7))
        for hour in range(24)
        for minute in range(60)
        if instance.validate_datetime(dt.datetime.combine(day, dt.time(hour, minute)))
    ]
    # 03:30 UTC is 07:00 in Tehran (UTC+3:30); the later runs are retries that find it sent.
    assert runs == [("Saturday", hour, 30) for hour in range(3, 8)]


def test_the_job_mails_last_weeks_report_to_each_provinces_executives_once(
    week: SimpleNamespace, tehran_clock: Any
) -> None:
    r = week
    other = ProvinceFactory(code="19", name="لرستان")
    elsewhere = _user_with_role("elsewhere", "executive", province=other)
    # A province whose only executive has left.
    third = ProvinceFactory(code="20", name="کردستان")
    gone = _user_with_role("gone", "executive", province=third)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    # Saturday 1404/09/29 at seven in Tehran: last week is 1404/09/22–28.
    tehran_clock.set(dt.datetime.combine(jalali_day(1404, 9, 29), dt.time(7), tzinfo=TEHRAN))

    tasks.send_weekly_reports()  # huey runs it at once in tests
    tasks.send_weekly_reports()

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [r.executive.email, elsewhere.email]
    )
    assert set(WeeklyReportDelivery.objects.values_list("province__code", "week_start")) == {
        (r.province.code, r.week.start),
        (other.code, r.week.start),
    }


def test_a_province_whose_report_fails_does_not_keep_back_the_others(
    week: SimpleNamespace, tehran_clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = week
    other = ProvinceFactory(code="19", name="لرستان")
    elsewhere = _user_with_role("elsewhere", "executive", province=other)
    tehran_clock.set(dt.datetime.combine(jalali_day(1404, 9, 29), dt.time(7), tzinfo=TEHRAN))
    send = tasks.weekly_report_send

    def failing_for_the_first(*, province: Any, **kwargs: Any) -> int:
        if province == r.province:
            raise ConnectionError("mail server unreachable")
        return send(province=province, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(tasks, "weekly_report_send", failing_for_the_first)
        tasks.send_weekly_reports()
    assert [message.to for message in mail.outbox] == [[elsewhere.email]]

    # An hour later the job runs again and sends the week that failed.
    tehran_clock.advance(hours=1)
    tasks.send_weekly_reports()
    assert [message.to for message in mail.outbox] == [[elsewhere.email], [r.executive.email]]
    assert WeeklyReportDelivery.objects.count() == 2
