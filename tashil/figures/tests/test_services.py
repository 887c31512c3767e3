"""The figures' writes: the weekly report mailed to the executives (once, to them only, with the
PDF and the workbook), and the press briefs saved with the generated text beside the edited one."""

from __future__ import annotations

import datetime as dt
import io
import smtplib
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from tashil.conftest import _user_with_role
from tashil.core.jalali import format_number
from tashil.core.spreadsheets import XLSX_CONTENT_TYPE
from tashil.factories import CertificateFactory, ProvinceFactory, UserFactory
from tashil.figures import services
from tashil.figures.models import PressBrief, WeeklyReportDelivery
from tashil.figures.press import brief_text
from tashil.figures.services import press_brief_save, weekly_report_send
from tashil.figures.tests.reports_records import build_week
from tashil.figures.weekly import weekly_report
from tashil.meetings.tests.pdftext import pdf_text
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(request: pytest.FixtureRequest) -> SimpleNamespace:
    return build_week(request)


def digits(value: int) -> str:
    with translation.override("fa"):
        return format_number(value)


def fa(message: str) -> str:
    with translation.override("fa"):
        return gettext(message).replace("\u200c", "")


# --- The weekly report's mail ---------------------------------------------------------------------


@pytest.fixture
def more_people(week: SimpleNamespace) -> SimpleNamespace:
    """Besides `executive` (the cast's): a second executive, one who left (inactive), one without
    an address, and the executive of another province."""
    second = _user_with_role("deputy", "executive", province=week.province)
    gone = _user_with_role("gone", "executive", province=week.province)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    silent = _user_with_role("silent", "executive", province=week.province)
    silent.email = ""
    silent.save(update_fields=["email"])
    other = ProvinceFactory(code="19", name="لرستان")
    elsewhere = _user_with_role("elsewhere", "executive", province=other)
    return SimpleNamespace(second=second, gone=gone, silent=silent, elsewhere=elsewhere)


def test_the_report_goes_to_each_executive_of_the_province_once(
    week: SimpleNamespace, more_people: SimpleNamespace, owner: Any
) -> None:
    r = week

    sent = weekly_report_send(province=r.province, week=r.week, today=r.today)
    again = weekly_report_send(province=r.province, week=r.week, today=r.today)

    assert (sent, again) == (2, 0)
    assert sorted(message.to for message in mail.outbox) == sorted(
        [[r.executive.email], [more_people.second.email]]
    )
    assert set(WeeklyReportDelivery.objects.values_list("province", "week_start", "user")) == {
        (r.province.pk, r.week.start, r.executive.pk),
        (r.province.pk, r.week.start, more_people.second.pk),
    }
    notified = Notification.objects.filter(kind="weekly_report")
    assert sorted(n.user_id for n in notified) == sorted([r.executive.pk, more_people.second.pk])
    assert all(n.url.startswith("/figures/weekly/?province=") for n in notified)
    # Neither the secretariat, nor the company, nor the other province's executive.
    addresses = {address for message in mail.outbox for address in message.to}
    assert not addresses & {
        r.secretariat.email,
        owner.email,
        more_people.elsewhere.email,
        more_people.gone.email,
    }


def test_the_mail_carries_the_pdf_and_the_workbook_of_the_week(week: SimpleNamespace) -> None:
    r = week
    report = weekly_report(province=r.province, week=r.week, today=r.today)

    weekly_report_send(province=r.province, week=r.week, today=r.today)

    (message,) = mail.outbox
    (pdf_name, pdf, pdf_type), (xlsx_name, xlsx, xlsx_type) = message.attachments
    assert (pdf_name, pdf_type) == ("weekly-report-26-2025-12-13.pdf", "application/pdf")
    assert (xlsx_name, xlsx_type) == ("weekly-report-26-2025-12-13.xlsx", XLSX_CONTENT_TYPE)
    text = " ".join(pdf_text(pdf).split())
    assert f"{fa('Cases received')} {digits(report.week_cases.received)}" in text
    assert f"{fa('Resolutions issued')} {digits(report.week_resolutions.total)}" in text
    for case in report.cases.rows:
        assert case.display_tracking in text
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    with translation.override("fa"):
        subject = gettext(
            "Weekly report of the Production Facilitation HQ of %(province)s: %(start)s to %(end)s"
        ) % {"province": r.province.name, "start": "۲۲ آذر ۱۴۰۴", "end": "۲۸ آذر ۱۴۰۴"}
        counted = gettext("Cases received: %(count)s") % {
            "count": digits(report.week_cases.received)
        }
    assert message.subject == subject
    assert counted in message.body.splitlines()


def test_a_province_without_an_executive_to_write_to_gets_nothing(week: SimpleNamespace) -> None:
    r = week
    r.executive.email = ""
    r.executive.save(update_fields=["email"])

    assert weekly_report_send(province=r.province, week=r.week, today=r.today) == 0
    assert mail.outbox == []
    assert not WeeklyReportDelivery.objects.exists()


def test_a_run_that_finds_the_week_sent_meanwhile_sends_nothing(
    week: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs at once: both found the executive pending, the other one claimed them first;
    the unique constraint refuses this one's claim."""
    r = week
    WeeklyReportDelivery.objects.create(
        province=r.province, week_start=r.week.start, user=r.executive
    )
    monkeypatch.setattr(services, "weekly_report_pending", lambda **kwargs: [r.executive])

    assert weekly_report_send(province=r.province, week=r.week, today=r.today) == 0
    assert mail.outbox == []
    assert WeeklyReportDelivery.objects.count() == 1
    assert not Notification.objects.filter(kind="weekly_report").exists()


def test_when_sending_fails_nothing_is_recorded_and_the_next_run_sends(
    week: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = week

    def refuse(self: Any, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("connection lost")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        assert weekly_report_send(province=r.province, week=r.week, today=r.today) == 0
    assert not WeeklyReportDelivery.objects.exists()
    assert not Notification.objects.filter(kind="weekly_report").exists()

    assert weekly_report_send(province=r.province, week=r.week, today=r.today) == 1
    assert len(mail.outbox) == 1


# --- Press briefs --------------------------------------------------------------------------------


@pytest.fixture
def unit(province: Any, company: Any) -> dt.date:
    """One knowledge-based unit on 1404/09/24, so the brief has a sentence."""
    on = dt.date(2025, 12, 15)
    CertificateFactory(company=company, issued_on=on - dt.timedelta(days=10))
    return on


def test_saving_a_brief_keeps_the_edited_text_and_the_generated_one(
    province: Any, secretariat: Any, unit: dt.date
) -> None:
    generated = brief_text(province=province, on=unit)

    brief = press_brief_save(
        actor=secretariat, province=province, on=unit, text="  تیتر\r\n\r\nمتن ویرایش‌شده  "
    )

    brief.refresh_from_db()
    assert brief.text == "تیتر\n\nمتن ویرایش‌شده"
    assert brief.generated == generated != ""
    assert (brief.province, brief.on) == (province, unit)
    assert brief.created_by == brief.updated_by == secretariat


def test_the_english_brief_is_kept_in_english(province: Any, executive: Any, unit: dt.date) -> None:
    brief = press_brief_save(
        actor=executive, province=province, on=unit, text="edited", language="en"
    )

    assert brief.generated == brief_text(province=province, on=unit, language="en")
    assert "knowledge-based units" in brief.generated


@pytest.mark.parametrize("text", ["", "   ", "\r\n \r\n"])
def test_an_empty_brief_is_refused(
    province: Any, secretariat: Any, unit: dt.date, text: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        press_brief_save(actor=secretariat, province=province, on=unit, text=text)

    assert list(raised.value.error_dict) == ["text"]
    assert PressBrief.objects.count() == 0


def test_a_brief_too_long_is_refused(province: Any, secretariat: Any, unit: dt.date) -> None:
    with pytest.raises(ValidationError) as raised:
        press_brief_save(
            actor=secretariat,
            province=province,
            on=unit,
            text="ا" * (services.PRESS_BRIEF_MAX_LENGTH + 1),
        )

    assert list(raised.value.error_dict) == ["text"]
    assert PressBrief.objects.count() == 0


def test_a_brief_of_a_day_to_come_is_refused(
    province: Any, secretariat: Any, tehran_clock: Any
) -> None:
    tehran_clock.set(dt.datetime(2025, 12, 15, 12, tzinfo=dt.timezone(dt.timedelta(hours=3.5))))

    with pytest.raises(ValidationError) as raised:
        press_brief_save(actor=secretariat, province=province, on=dt.date(2025, 12, 16), text="متن")

    assert list(raised.value.error_dict) == ["on"]


@pytest.mark.parametrize(
    "name", ["owner", "officer", "agency_head", "county_secretary", "admin_user"]
)
def test_only_the_secretariat_and_the_executive_save_briefs(
    request: pytest.FixtureRequest, province: Any, unit: dt.date, name: str
) -> None:
    with pytest.raises(PermissionDenied):
        press_brief_save(
            actor=request.getfixturevalue(name), province=province, on=unit, text="متن"
        )

    assert PressBrief.objects.count() == 0


def test_the_secretariat_of_another_province_cannot_save_this_ones_brief(
    province: Any, unit: dt.date
) -> None:
    other = ProvinceFactory(code="19", name="لرستان")
    stranger = _user_with_role("stranger", "secretariat", province=other)

    with pytest.raises(PermissionDenied):
        press_brief_save(actor=stranger, province=province, on=unit, text="متن")


def test_the_recipients_are_active_executives_with_an_address(
    province: Any, executive: Any, secretariat: Any
) -> None:
    nobody: Any = UserFactory(username="nobody")

    assert list(services.weekly_recipients(province=province)) == [executive]
    assert nobody not in services.weekly_recipients(province=province)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_the_report_once(province: Any, executive: Any) -> None:
    from tashil.cases.tests.test_concurrency import race
    from tashil.figures.tests.reports_records import TODAY, WEEK

    results = race(
        lambda: weekly_report_send(province=province, week=WEEK, today=TODAY),
        lambda: weekly_report_send(province=province, week=WEEK, today=TODAY),
    )

    assert sorted(results) == [("ok", 0), ("ok", 1)]
    assert [message.to for message in mail.outbox] == [[executive.email]]
    assert WeeklyReportDelivery.objects.count() == 1
