"""Referrals: several agencies at once, each with its own working-day deadline; answers and
extensions by the agency's staff only; the clock stopped while the case waits on the company."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tashil.cases.models import Attachment, CaseEvent, Referral, ReferralStatus
from tashil.cases.services import (
    CaseError,
    ReferralRequest,
    case_provide_info,
    case_refer,
    case_return_for_info,
    case_start_screening,
    referral_answer,
    referral_extend,
    referrals_escalate,
)
from tashil.cases.tests.conftest import S, pdf, saved_files, snapshot
from tashil.cases.workflow import CaseStatus
from tashil.factories import AgencyFactory, ProvinceFactory
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2025, 1, 8)
FRIDAY = dt.date(2025, 1, 10)
SUNDAY = dt.date(2025, 1, 12)


def _refer(actor: Any, case: Any, *pairs: tuple[Any, int | None]) -> list[Referral]:
    return case_refer(
        actor=actor,
        case=case,
        requests=[
            ReferralRequest(agency=agency, request_text=f"لطفاً به {agency} رسیدگی شود", days=days)
            for agency, days in pairs
        ],
    )


@pytest.fixture
def two_referrals(
    clock: Any, holiday: Any, case_in: Any, secretariat: Any, tax_agency: Any, customs_agency: Any
) -> tuple[Any, Referral, Referral]:
    """Referred on Wednesday 8 January 2025 to tax (3 working days) and customs (5), with
    Friday the 10th a weekend and Sunday the 12th a holiday."""
    assert FRIDAY.weekday() == 4
    holiday(SUNDAY)
    clock.set(WEDNESDAY)
    case = case_in(S.SCREENING)
    tax, customs = _refer(secretariat, case, (tax_agency, 3), (customs_agency, 5))
    return case, tax, customs


# --- Deadlines -------------------------------------------------------------------------------


def test_parallel_referrals_each_get_their_own_deadline_past_the_weekend_and_the_holiday(
    two_referrals: Any,
) -> None:
    case, tax, customs = two_referrals

    # Thursday 9 (1), Friday off, Saturday 11 (2), Sunday the holiday, Monday 13 (3).
    assert tax.due_on == dt.date(2025, 1, 13)
    # Tuesday 14 (4), Wednesday 15 (5).
    assert customs.due_on == dt.date(2025, 1, 15)
    stored = {r.agency.code: (r.due_on, r.status) for r in Referral.objects.filter(case=case)}
    assert stored == {
        "tax": (dt.date(2025, 1, 13), ReferralStatus.OPEN),
        "customs": (dt.date(2025, 1, 15), ReferralStatus.OPEN),
    }
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED
    referred = CaseEvent.objects.filter(case=case, kind="referred").order_by("pk")
    assert [(e.referral_id, e.data["days"], e.data["due_on"]) for e in referred] == [
        (tax.pk, 3, "2025-01-13"),
        (customs.pk, 5, "2025-01-15"),
    ]
    assert CaseEvent.objects.filter(case=case, kind="transition", to_status="referred").count() == 1


def test_a_referral_without_days_takes_the_categorys_deadline(
    clock: Any, case_in: Any, secretariat: Any, tax_agency: Any, category: Any
) -> None:
    clock.set(WEDNESDAY)
    case = case_in(S.SCREENING)

    (referral,) = _refer(secretariat, case, (tax_agency, None))

    # category.response_days == 5: Thu 9, Sat 11, Sun 12, Mon 13, Tue 14.
    assert category.response_days == 5
    assert referral.due_on == dt.date(2025, 1, 14)


def test_a_thursday_weekend_setting_moves_the_deadline(
    settings: Any, clock: Any, holiday: Any, case_in: Any, secretariat: Any, tax_agency: Any
) -> None:
    settings.TASHIL_WEEKEND_DAYS = frozenset({3, 4})
    holiday(SUNDAY)
    clock.set(WEDNESDAY)
    case = case_in(S.SCREENING)

    (referral,) = _refer(secretariat, case, (tax_agency, 3))

    # Thursday and Friday off, Saturday 11 (1), Sunday the holiday, Monday 13 (2), Tuesday 14 (3).
    assert referral.due_on == dt.date(2025, 1, 14)


def test_a_referred_case_can_be_referred_to_a_further_agency_without_a_second_transition(
    case_in: Any, secretariat: Any, customs_agency: Any
) -> None:
    case = case_in(S.REFERRED)

    _refer(secretariat, case, (customs_agency, 4))

    assert sorted(case.referrals.values_list("agency__code", "status")) == [
        ("customs", "open"),
        ("tax", "open"),
    ]
    assert CaseEvent.objects.filter(case=case, kind="transition", to_status="referred").count() == 1


def test_the_referred_agencys_staff_are_notified_and_no_one_else(
    case_in: Any,
    secretariat: Any,
    officer: Any,
    agency_head: Any,
    other_officer: Any,
    tax_agency: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: Any,
) -> None:
    case = case_in(S.SCREENING)

    with django_capture_on_commit_callbacks(execute=True):
        _refer(secretariat, case, (tax_agency, 3))

    notified = set(Notification.objects.filter(kind="referral_new").values_list("user", flat=True))
    assert notified == {officer.pk}
    assert [m.to for m in mailoutbox] == [[officer.email]]


@pytest.mark.parametrize(
    ("days", "code"),
    [(0, "bad_days"), (121, "bad_days"), (-1, "bad_days")],
)
def test_a_deadline_outside_1_to_120_working_days_is_refused(
    case_in: Any, secretariat: Any, tax_agency: Any, days: int, code: str
) -> None:
    case = case_in(S.SCREENING)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        _refer(secretariat, case, (tax_agency, days))

    assert error.value.code == code
    assert snapshot() == before


def test_referring_checks_every_request_before_writing_anything(
    case_in: Any, secretariat: Any, tax_agency: Any, customs_agency: Any
) -> None:
    case = case_in(S.SCREENING)
    tehran = AgencyFactory(province=ProvinceFactory(code="23", name="تهران"), code="tax-23")
    before = snapshot()

    refusals = []
    for requests in (
        [],
        [ReferralRequest(tax_agency, "الف"), ReferralRequest(tax_agency, "ب")],
        [ReferralRequest(tax_agency, "الف"), ReferralRequest(tehran, "ب")],
        [ReferralRequest(tax_agency, "الف"), ReferralRequest(customs_agency, "  ")],
    ):
        with pytest.raises(CaseError) as error:
            case_refer(actor=secretariat, case=case, requests=requests)
        refusals.append(error.value.code)

    assert refusals == ["no_agency", "duplicate_agency", "other_province", "request_required"]
    assert snapshot() == before


def test_an_agency_with_an_open_referral_cannot_be_referred_the_case_again(
    case_in: Any, secretariat: Any, tax_agency: Any
) -> None:
    case = case_in(S.REFERRED)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        _refer(secretariat, case, (tax_agency, 3))

    assert error.value.code == "already_referred"
    assert snapshot() == before


def test_after_answering_an_agency_can_be_asked_again(
    case_in: Any, secretariat: Any, officer: Any, tax_agency: Any
) -> None:
    case = case_in(S.REFERRED)
    referral_answer(actor=officer, referral=case.referrals.get(), answer="پاسخ اول")

    _refer(secretariat, case, (tax_agency, 3))

    assert sorted(case.referrals.values_list("status", flat=True)) == ["answered", "open"]


@pytest.mark.parametrize("name", ["owner", "officer", "executive", "other_county_secretary"])
def test_only_the_secretariat_refers_further_agencies(
    case_in: Any, persona: Any, customs_agency: Any, name: str
) -> None:
    case = case_in(S.REFERRED)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        _refer(persona(name), case, (customs_agency, 3))

    assert error.value.code == "not_allowed"
    assert snapshot() == before


# --- Answers ---------------------------------------------------------------------------------


def test_the_officer_answers_with_text_and_a_document(
    clock: Any, two_referrals: Any, officer: Any, settings: Any
) -> None:
    case, tax, customs = two_referrals
    clock.set(dt.date(2025, 1, 11), hour=9)

    referral_answer(actor=officer, referral=tax, answer="  پرونده بررسی شد  ", files=[pdf()])

    tax.refresh_from_db()
    assert (tax.status, tax.answer, tax.answered_by) == ("answered", "پرونده بررسی شد", officer)
    assert tax.answered_at == clock.now()
    event = CaseEvent.objects.get(case=case, kind="answered")
    assert (event.referral, event.actor, event.data["late"]) == (tax, officer, False)
    attachment = Attachment.objects.get(case=case)
    assert (attachment.referral, attachment.content_type) == (tax, "application/pdf")
    assert len(saved_files(settings)) == 1
    # The other agency's referral is untouched, and so is the case's status.
    customs.refresh_from_db()
    case.refresh_from_db()
    assert (customs.status, case.status) == ("open", "referred")


def test_an_answer_after_the_deadline_is_recorded_as_late(
    clock: Any, two_referrals: Any, agency_head: Any
) -> None:
    case, tax, _customs = two_referrals
    clock.set(dt.date(2025, 1, 14))

    referral_answer(actor=agency_head, referral=tax, answer="با تأخیر پاسخ داده شد")

    assert CaseEvent.objects.get(case=case, kind="answered").data["late"] is True


@pytest.mark.parametrize("name", ["other_officer", "secretariat", "owner", "executive"])
def test_only_the_referred_agencys_staff_can_answer(
    two_referrals: Any, persona: Any, name: str
) -> None:
    _case, tax, _customs = two_referrals
    before = snapshot()

    with pytest.raises(CaseError) as error:
        referral_answer(actor=persona(name), referral=tax, answer="پاسخ")

    assert error.value.code == "not_allowed"
    assert snapshot() == before


def test_an_empty_answer_is_refused(two_referrals: Any, officer: Any) -> None:
    _case, tax, _customs = two_referrals
    before = snapshot()

    with pytest.raises(CaseError) as error:
        referral_answer(actor=officer, referral=tax, answer=" \n ")

    assert error.value.code == "answer_required"
    assert snapshot() == before


def test_a_referral_is_answered_once(two_referrals: Any, officer: Any) -> None:
    _case, tax, _customs = two_referrals
    referral_answer(actor=officer, referral=tax, answer="پاسخ اول")
    before = snapshot()

    with pytest.raises(CaseError) as error:
        referral_answer(actor=officer, referral=tax, answer="پاسخ دوم")

    assert error.value.code == "not_open"
    assert snapshot() == before


def test_an_answer_with_a_bad_file_saves_neither_answer_nor_file(
    two_referrals: Any, officer: Any, settings: Any
) -> None:
    from tashil.cases.tests.conftest import EXE, upload

    _case, tax, _customs = two_referrals
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        referral_answer(actor=officer, referral=tax, answer="پاسخ", files=[upload("scan.pdf", EXE)])

    assert error.value.code == "bad_type"
    assert snapshot() == before
    assert saved_files(settings) == []


# --- The pause while the company is asked for information ------------------------------------


def test_returning_a_referred_case_pauses_it_and_the_answer_moves_each_open_deadline(
    clock: Any, two_referrals: Any, secretariat: Any, owner: Any
) -> None:
    case, tax, customs = two_referrals
    clock.set(dt.date(2025, 1, 11))  # Saturday: day D

    case_return_for_info(actor=secretariat, case=case, reason="گواهی مالیاتی را بفرستید")

    case.refresh_from_db()
    assert (case.status, case.returned_from) == ("returned_for_info", "referred")
    assert case.paused_at == clock.now()

    # Tuesday 14: the company took Sunday (holiday: not counted), Monday and Tuesday = 2 days.
    clock.set(dt.date(2025, 1, 14), hour=16)
    case_provide_info(actor=owner, case=case, text="گواهی پیوست شد")

    case.refresh_from_db()
    assert (case.status, case.returned_from, case.paused_at) == ("referred", "", None)
    tax.refresh_from_db()
    customs.refresh_from_db()
    # Tax: Monday 13 + 2 = Tuesday 14, Wednesday 15.
    assert tax.due_on == dt.date(2025, 1, 15)
    # Customs: Wednesday 15 + 2 = Thursday 16, (Friday off) Saturday 18.
    assert customs.due_on == dt.date(2025, 1, 18)
    moved = CaseEvent.objects.get(case=case, kind="deadlines_moved")
    assert moved.data["working_days"] == 2
    assert sorted((r["from"], r["to"]) for r in moved.data["referrals"]) == [
        ("2025-01-13", "2025-01-15"),
        ("2025-01-15", "2025-01-18"),
    ]


def test_an_answered_referrals_deadline_stays_where_it_was(
    clock: Any, two_referrals: Any, secretariat: Any, owner: Any, officer: Any
) -> None:
    case, tax, customs = two_referrals
    referral_answer(actor=officer, referral=tax, answer="انجام شد")
    clock.set(dt.date(2025, 1, 11))
    case_return_for_info(actor=secretariat, case=case, reason="مدرک")
    clock.set(dt.date(2025, 1, 13))

    case_provide_info(actor=owner, case=case, text="مدرک پیوست شد")

    tax.refresh_from_db()
    customs.refresh_from_db()
    assert tax.due_on == dt.date(2025, 1, 13)
    # One working day paused (Monday 13; Sunday is the holiday): Wednesday 15 → Thursday 16.
    assert customs.due_on == dt.date(2025, 1, 16)
    moved = CaseEvent.objects.get(case=case, kind="deadlines_moved")
    assert [r["agency"] for r in moved.data["referrals"]] == [customs.agency_id]


def test_an_answer_on_the_same_day_moves_no_deadline(
    clock: Any, two_referrals: Any, secretariat: Any, owner: Any
) -> None:
    case, tax, _customs = two_referrals
    case_return_for_info(actor=secretariat, case=case, reason="مدرک")
    clock.advance(hours=3)

    case_provide_info(actor=owner, case=case, text="مدرک پیوست شد")

    tax.refresh_from_db()
    assert tax.due_on == dt.date(2025, 1, 13)
    assert not CaseEvent.objects.filter(case=case, kind="deadlines_moved").exists()


def test_while_paused_the_agency_can_neither_answer_nor_extend(
    clock: Any, two_referrals: Any, secretariat: Any, officer: Any
) -> None:
    case, tax, _customs = two_referrals
    case_return_for_info(actor=secretariat, case=case, reason="مدرک")
    before = snapshot()

    codes = []
    for attempt in (
        lambda: referral_answer(actor=officer, referral=tax, answer="پاسخ"),
        lambda: referral_extend(actor=officer, referral=tax, days=2, reason="زمان بیشتر"),
    ):
        with pytest.raises(CaseError) as error:
            attempt()
        codes.append(error.value.code)

    assert codes == ["paused", "paused"]
    assert snapshot() == before


def test_the_escalation_job_ignores_the_referrals_of_a_paused_case(
    clock: Any,
    two_referrals: Any,
    secretariat: Any,
    officer: Any,
    agency_head: Any,
    executive: Any,
) -> None:
    case, tax, customs = two_referrals
    case_return_for_info(actor=secretariat, case=case, reason="مدرک")
    before = snapshot()

    sent = referrals_escalate(today=dt.date(2025, 3, 1))

    assert sent == 0
    assert snapshot() == before
    assert not Notification.objects.filter(kind__startswith="referral_overdue").exists()


def test_the_secretariat_cannot_take_a_returned_case_back_into_screening_itself(
    case_in: Any, secretariat: Any
) -> None:
    # The table's screening move from "returned" is the company's answer, not start_screening.
    case = case_in(S.RETURNED_FOR_INFO)
    before = snapshot()

    with pytest.raises(CaseError) as error:
        case_start_screening(actor=secretariat, case=case)

    assert error.value.code == "invalid_transition"
    assert snapshot() == before


def test_the_agency_hears_when_its_referral_is_paused_and_when_it_is_withdrawn(
    case_in: Any, secretariat: Any, officer: Any
) -> None:
    from tashil.cases.services import case_conclude, case_provide_info, case_return_for_info
    from tashil.notifications.models import Notification

    case = case_in(S.REFERRED)
    case_return_for_info(actor=secretariat, case=case, reason="صورت‌های مالی را بفرستید")
    case_provide_info(actor=secretariat, case=case, text="ارسال شد")
    case_conclude(actor=secretariat, case=case, outcome="resolved")

    kinds = list(
        Notification.objects.filter(user=officer).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds[-2:] == ["referral_paused", "referral_withdrawn"]
    assert kinds.count("referral_withdrawn") == 1
