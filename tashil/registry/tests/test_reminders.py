"""Expiry warnings: each threshold once per certificate, to the secretariat and the company."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from tashil.conftest import _user_with_role
from tashil.core.jalali import format_jalali
from tashil.factories import CertificateFactory, ProvinceFactory
from tashil.notifications.models import Notification
from tashil.registry import services
from tashil.registry.models import CertificateClass, CertificateReminder
from tashil.registry.reminders import certificate_expiry_warnings_send

pytestmark = pytest.mark.django_db

EXPIRES = dt.date(2026, 2, 10)  # 1404/11/21


def days_before(days: int) -> dt.date:
    return EXPIRES - dt.timedelta(days=days)


@pytest.fixture
def certificate(company):
    return CertificateFactory(
        company=company,
        number="1401-0042",
        certificate_class=CertificateClass.PRODUCTION_2,
        issued_on=dt.date(2023, 2, 10),
        expires_on=EXPIRES,
    )


@pytest.fixture
def cast(secretariat, owner, other_owner, executive, officer, county_secretary):
    """Everyone who could be warned, and a secretariat of another province who must not be."""
    tehran = ProvinceFactory(code="23", name="تهران")
    stranger = _user_with_role("tehran", "secretariat", province=tehran)
    return {"secretariat": secretariat, "owner": owner, "stranger": stranger}


def recorded(certificate) -> list[int]:
    return sorted(
        CertificateReminder.objects.filter(certificate=certificate).values_list(
            "days_before", flat=True
        )
    )


def test_nothing_is_sent_more_than_60_days_before_expiry(certificate, cast):
    assert certificate_expiry_warnings_send(today=days_before(61)) == 0
    assert recorded(certificate) == []
    assert not Notification.objects.exists()


def test_the_60_day_warning_is_sent_once(certificate, cast):
    assert certificate_expiry_warnings_send(today=days_before(60)) == 1
    assert certificate_expiry_warnings_send(today=days_before(60)) == 0
    assert certificate_expiry_warnings_send(today=days_before(45)) == 0

    assert recorded(certificate) == [60]
    assert Notification.objects.filter(user=cast["secretariat"]).count() == 1


def test_the_30_day_warning_follows_the_60_day_one_once(certificate, cast):
    assert certificate_expiry_warnings_send(today=days_before(60)) == 1
    assert certificate_expiry_warnings_send(today=days_before(30)) == 1
    assert certificate_expiry_warnings_send(today=days_before(30)) == 0
    assert certificate_expiry_warnings_send(today=days_before(1)) == 0

    assert recorded(certificate) == [30, 60]
    assert Notification.objects.filter(user=cast["owner"]).count() == 2


def test_a_first_run_inside_30_days_sends_only_the_30_day_warning_and_records_both(
    certificate, cast
):
    assert certificate_expiry_warnings_send(today=days_before(20)) == 1

    assert recorded(certificate) == [30, 60]
    [notice] = Notification.objects.filter(user=cast["secretariat"])
    assert "۲۰" in notice.subject
    assert certificate_expiry_warnings_send(today=days_before(10)) == 0


def test_a_missed_day_is_caught_up_on_the_next_run(certificate, cast):
    # The job did not run on day 60 (the worker was down): day 58 sends the 60-day warning.
    assert certificate_expiry_warnings_send(today=days_before(58)) == 1
    assert recorded(certificate) == [60]


def test_a_warning_already_recorded_by_a_concurrent_run_is_not_sent_again(certificate, cast):
    CertificateReminder.objects.create(certificate=certificate, days_before=30)

    assert certificate_expiry_warnings_send(today=days_before(25)) == 0

    assert recorded(certificate) == [30, 60]
    assert not Notification.objects.exists()


def test_a_renewed_certificate_suppresses_the_warning(certificate, company, cast):
    CertificateFactory(
        company=company,
        certificate_class=CertificateClass.INNOVATOR,
        issued_on=dt.date(2025, 11, 1),
        expires_on=dt.date(2028, 11, 1),
    )

    assert certificate_expiry_warnings_send(today=days_before(30)) == 0
    assert CertificateReminder.objects.count() == 0


def test_a_renewal_that_was_revoked_does_not_suppress_the_warning(certificate, company, cast):
    renewal = CertificateFactory(
        company=company, issued_on=dt.date(2025, 11, 1), expires_on=dt.date(2028, 11, 1)
    )
    services.certificate_revoke(actor=None, certificate=renewal, revoked_on=dt.date(2025, 12, 1))

    assert certificate_expiry_warnings_send(today=days_before(30)) == 1


def test_a_renewal_expiring_first_does_not_suppress_the_warning_of_the_later_one(
    certificate, company, cast
):
    # Two certificates expiring within the window: only the one that expires last is warned of.
    CertificateFactory(company=company, issued_on=dt.date(2024, 1, 1), expires_on=days_before(10))
    assert certificate_expiry_warnings_send(today=days_before(40)) == 1
    assert recorded(certificate) == [60]
    assert CertificateReminder.objects.count() == 1


def test_expired_and_revoked_certificates_get_no_warning(certificate, cast):
    assert certificate_expiry_warnings_send(today=EXPIRES + dt.timedelta(days=1)) == 0
    services.certificate_revoke(actor=None, certificate=certificate, revoked_on=days_before(40))
    assert certificate_expiry_warnings_send(today=days_before(30)) == 0
    assert CertificateReminder.objects.count() == 0


def test_the_warning_reaches_the_secretariat_and_the_representative_only(
    certificate, company, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = certificate_expiry_warnings_send(today=days_before(60))

    assert sent == 1
    assert set(
        Notification.objects.filter(kind="certificate_expiring").values_list(
            "user__username", flat=True
        )
    ) == {"secretariat", "owner"}
    # One message per recipient, so that addresses are not shared between organisations.
    assert sorted(message.to for message in mail.outbox) == [
        ["owner@example.org"],
        ["secretariat@example.org"],
    ]
    notice = Notification.objects.get(user=cast["owner"])
    assert notice.url == f"/registry/{company.national_id}/"
    assert notice.read_at is None
    assert mail.outbox[0].subject == notice.subject
    assert mail.outbox[0].body == notice.body


def test_the_warning_is_in_persian_with_the_jalali_expiry_date(certificate, company, cast):
    certificate_expiry_warnings_send(today=days_before(60))

    notice = Notification.objects.get(user=cast["secretariat"])
    assert company.legal_name in notice.subject
    assert "۶۰" in notice.subject
    assert format_jalali(EXPIRES, "long", "fa") == "۲۱ بهمن ۱۴۰۴"
    assert "۲۱ بهمن ۱۴۰۴" in notice.body
    assert "۱۴۰۱-۰۰۴۲" in notice.body
    assert "60" not in notice.subject + notice.body


def test_an_inactive_user_is_not_warned(certificate, cast):
    cast["owner"].is_active = False
    cast["owner"].save(update_fields=["is_active"])

    assert certificate_expiry_warnings_send(today=days_before(60)) == 1

    assert not Notification.objects.filter(user=cast["owner"]).exists()
    assert Notification.objects.filter(user=cast["secretariat"]).exists()


def test_a_company_without_anyone_to_warn_still_records_the_warning(certificate):
    assert certificate_expiry_warnings_send(today=days_before(60)) == 1
    assert recorded(certificate) == [60]


def test_the_daily_job_warns_with_the_local_date(
    certificate, cast, monkeypatch, django_capture_on_commit_callbacks
):
    from tashil.registry import tasks

    monkeypatch.setattr(tasks.timezone, "localdate", lambda: days_before(30))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.certificate_expiry_warnings()  # huey runs it at once in tests

    assert recorded(certificate) == [30, 60]
    assert len(mail.outbox) == 2


def test_a_very_long_company_name_still_fits_the_notice_subject(certificate, company, cast):
    type(company).objects.filter(pk=company.pk).update(legal_name="شرکت " + "ب" * 250)
    assert certificate_expiry_warnings_send(today=days_before(60)) == 1
    subjects = set(Notification.objects.values_list("subject", flat=True))
    assert subjects and all(len(subject) <= 255 for subject in subjects)
