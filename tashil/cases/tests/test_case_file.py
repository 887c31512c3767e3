"""Filing a case: who may file for which company and through which channel, the receipt, the
tracking number, and input that is refused before anything is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tashil.cases.models import MAX_AMOUNT, Attachment, Case, CaseEvent, Channel
from tashil.cases.services import CaseError, case_file, filing_channels
from tashil.cases.tests.conftest import EXE, pdf, saved_files, snapshot, upload
from tashil.cases.tracking import ALPHABET, LENGTH, check_character, normalise_tracking
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db

SECRETARIAT_CHANNELS = [Channel.WALK_IN, Channel.LETTER, Channel.PHONE, Channel.FIELD_VISIT]


def _file(actor: Any, company: Any, category: Any, **overrides: Any) -> Case:
    values: dict[str, Any] = {
        "title": "عدم تخصیص ارز برای واردات ماشین‌آلات",
        "description": "درخواست ثبت سفارش سه ماه است بی‌پاسخ مانده.",
        "channel": Channel.PORTAL,
    }
    values.update(overrides)
    return case_file(actor=actor, company=company, category=category, **values)


def test_a_company_representative_files_for_their_company_through_the_portal(
    owner: Any, company: Any, category: Any
) -> None:
    case = _file(owner, company, category, amount=25_000_000_000, requested_outcome="  تخصیص ارز ")

    case.refresh_from_db()
    assert (case.status, case.channel, case.filed_by) == ("submitted", "portal", owner)
    assert (case.company, case.province, case.county) == (company, company.province, company.county)
    assert (case.amount, case.requested_outcome) == (25_000_000_000, "تخصیص ارز")
    assert case.search_key
    filed = CaseEvent.objects.get(case=case)
    assert (filed.kind, filed.actor, filed.to_status, filed.data) == (
        "filed",
        owner,
        "submitted",
        {"channel": "portal"},
    )


def test_the_tracking_number_reads_over_the_phone_and_carries_its_check_character(
    owner: Any, company: Any, category: Any
) -> None:
    numbers = {_file(owner, company, category).tracking for _ in range(15)}

    assert len(numbers) == 15
    for number in numbers:
        assert len(number) == LENGTH and set(number) <= set(ALPHABET)
        assert normalise_tracking(number) == number
    case = Case.objects.first()
    assert case.display_tracking == f"{case.tracking[:4]}-{case.tracking[4:]}"


def test_a_tracking_number_already_taken_is_drawn_again(
    owner: Any, company: Any, category: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _file(owner, company, category)
    fresh = "KMQX7CT" + check_character("KMQX7CT")
    draws = iter([first.tracking, first.tracking, fresh])
    monkeypatch.setattr("tashil.cases.services.new_tracking", lambda: next(draws))

    second = _file(owner, company, category)

    assert second.tracking == fresh


def test_filing_gives_up_rather_than_loop_when_no_number_is_free(
    owner: Any, company: Any, category: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _file(owner, company, category)
    monkeypatch.setattr("tashil.cases.services.new_tracking", lambda: first.tracking)
    before = snapshot()

    with pytest.raises(RuntimeError):
        _file(owner, company, category)

    assert snapshot() == before


def test_a_company_cannot_file_for_another_company(
    owner: Any, other_company: Any, category: Any
) -> None:
    with pytest.raises(CaseError) as error:
        _file(owner, other_company, category)

    assert error.value.code == "not_allowed"
    assert not Case.objects.exists()


@pytest.mark.parametrize("channel", [*SECRETARIAT_CHANNELS, Channel.COUNTY_HQ])
def test_a_company_files_only_through_the_portal(
    owner: Any, company: Any, category: Any, channel: str
) -> None:
    with pytest.raises(CaseError) as error:
        _file(owner, company, category, channel=channel)

    assert error.value.code == "not_allowed"
    assert not Case.objects.exists()


@pytest.mark.parametrize("channel", SECRETARIAT_CHANNELS)
def test_the_secretariat_files_for_any_company_of_its_province_through_its_channels(
    secretariat: Any, company: Any, other_company: Any, category: Any, channel: str
) -> None:
    for target in (company, other_company):
        case = _file(secretariat, target, category, channel=channel)
        assert (case.company, case.channel, case.filed_by) == (target, channel, secretariat)


@pytest.mark.parametrize("channel", [Channel.PORTAL, Channel.COUNTY_HQ])
def test_the_secretariat_does_not_file_as_the_company_or_a_county(
    secretariat: Any, company: Any, category: Any, channel: str
) -> None:
    with pytest.raises(CaseError) as error:
        _file(secretariat, company, category, channel=channel)

    assert error.value.code == "not_allowed"


def test_a_county_secretariat_files_for_the_companies_of_its_county_only(
    county_secretary: Any, company: Any, other_company: Any, category: Any
) -> None:
    case = _file(county_secretary, company, category, channel=Channel.COUNTY_HQ)
    assert case.channel == "county_hq"

    with pytest.raises(CaseError) as error:
        _file(county_secretary, other_company, category, channel=Channel.COUNTY_HQ)

    assert error.value.code == "not_allowed"
    assert list(Case.objects.values_list("company", flat=True)) == [company.pk]


@pytest.mark.parametrize(
    "name", ["officer", "agency_head", "executive", "expert", "admin_user", "other_owner"]
)
def test_no_other_role_files_a_case(persona: Any, company: Any, category: Any, name: str) -> None:
    user = persona(name)
    assert filing_channels(user, company) == []

    for channel in (Channel.PORTAL, Channel.LETTER, Channel.COUNTY_HQ):
        with pytest.raises(CaseError) as error:
            _file(user, company, category, channel=channel)
        assert error.value.code == "not_allowed"
    assert not Case.objects.exists()


def test_filing_channels_list_what_each_role_may_use(
    owner: Any, secretariat: Any, county_secretary: Any, company: Any
) -> None:
    assert filing_channels(owner, company) == [Channel.PORTAL]
    assert filing_channels(secretariat, company) == SECRETARIAT_CHANNELS
    assert filing_channels(county_secretary, company) == [Channel.COUNTY_HQ]


@pytest.mark.parametrize("channel", [Channel.API, Channel.OPEN311])
def test_the_api_channels_need_the_same_right_as_the_portal(
    owner: Any, other_owner: Any, company: Any, category: Any, channel: str
) -> None:
    case = _file(owner, company, category, channel=channel, machine_channel=True)
    assert case.channel == channel

    with pytest.raises(CaseError) as error:
        _file(other_owner, company, category, channel=channel, machine_channel=True)
    assert error.value.code == "not_allowed"
    # A person's channel cannot ride on the machine flag, nor a machine channel go without it.
    with pytest.raises(ValueError):
        _file(owner, company, category, channel=Channel.LETTER, machine_channel=True)
    with pytest.raises(CaseError):
        _file(owner, company, category, channel=channel)
    assert Case.objects.count() == 1


def test_the_filer_gets_a_receipt_by_notice_email_and_text(
    owner: Any,
    secretariat: Any,
    company: Any,
    category: Any,
    sms_outbox: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner.phone = "09121112233"
    owner.save(update_fields=["phone"])

    with django_capture_on_commit_callbacks(execute=True):
        case = _file(owner, company, category)

    receipt = Notification.objects.get(user=owner, kind="case_receipt")
    assert receipt.url == reverse("cases:detail", kwargs={"tracking": case.tracking})
    # The tracking number is in the subject, in Persian digits, as the secretariat will ask.
    from tashil.core.text import to_persian_digits

    assert to_persian_digits(case.display_tracking) in receipt.subject
    to_owner = [m for m in mailoutbox if m.to == [owner.email]]
    assert len(to_owner) == 1 and to_persian_digits(case.display_tracking) in to_owner[0].subject
    assert [to for to, _text in sms_outbox] == ["09121112233"]
    assert to_persian_digits(case.display_tracking) in sms_outbox[0][1]
    # The secretariat hears of a new case; the filer does not get that notice about their own.
    assert set(Notification.objects.filter(kind="case_filed").values_list("user", flat=True)) == {
        secretariat.pk
    }


def test_a_case_filed_by_the_secretariat_sends_the_receipt_to_the_company_too(
    owner: Any, secretariat: Any, company: Any, category: Any
) -> None:
    _file(secretariat, company, category, channel=Channel.LETTER)

    receivers = set(
        Notification.objects.filter(kind="case_receipt").values_list("user__username", flat=True)
    )
    assert receivers == {"secretariat", "owner"}
    assert not Notification.objects.filter(kind="case_filed", user=secretariat).exists()


def test_files_filed_with_the_case_are_attached_to_it(
    owner: Any, company: Any, category: Any, settings: Any
) -> None:
    case = _file(owner, company, category, files=[pdf("نامه بانک.pdf")])

    attachment = Attachment.objects.get(case=case)
    assert (attachment.name, attachment.uploaded_by, attachment.referral) == (
        "نامه بانک.pdf",
        owner,
        None,
    )
    assert CaseEvent.objects.filter(case=case, kind="attached").count() == 1
    assert len(saved_files(settings)) == 1


def test_a_bad_file_stops_the_filing_before_anything_is_written(
    owner: Any, company: Any, category: Any, settings: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        _file(owner, company, category, files=[pdf(), upload("نامه.pdf", EXE)])

    assert error.value.code == "bad_type"
    assert not Case.objects.exists()
    assert not Notification.objects.exists()
    assert saved_files(settings) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": "   "},
        {"description": ""},
        {"amount": MAX_AMOUNT + 1},
        {"title": "ب" * 201},
    ],
    ids=["blank-title", "no-description", "amount-too-large", "title-too-long"],
)
def test_bad_input_is_refused_and_nothing_is_written(
    owner: Any, company: Any, category: Any, overrides: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        _file(owner, company, category, **overrides)

    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()


def test_a_title_typed_over_several_lines_is_kept_on_one_so_its_mail_still_leaves(
    owner: Any, company: Any, category: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    owner.email = "owner@example.com"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = _file(owner, company, category, title="کمبود نقدینگی\r\nبرای مواد اولیه")

    assert Case.objects.get(pk=case.pk).title == "کمبود نقدینگی برای مواد اولیه"
    # A mail subject may not hold a line break; the receipt would otherwise never leave.
    assert [message.to for message in mail.outbox] == [["owner@example.com"]]
