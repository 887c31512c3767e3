"""The timeline reads as sentences in the reader's language: Jalali dates and Persian digits in
Persian, Gregorian-free English with ASCII digits in English, names in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from tashil.cases import history
from tashil.cases.models import Case, CaseEvent, Referral
from tashil.cases.services import (
    EventKind,
    ReferralRequest,
    case_attach,
    case_refer,
    case_start_screening,
    referral_extend,
    referrals_escalate,
)
from tashil.cases.tests.conftest import pdf
from tashil.cases.workflow import CaseStatus
from tashil.core.jalali import format_jalali

pytestmark = pytest.mark.django_db
S = CaseStatus


def sentences(case: Case, language: str) -> list[str]:
    with translation.override(language):
        events = CaseEvent.objects.filter(case=case).select_related("actor", "referral__agency")
        return [event.sentence for event in history.present(events)]


@pytest.fixture
def referred(case_in: Any, secretariat: Any, tax_agency: Any) -> Case:
    tax_agency.name_en = "Tax Administration"
    tax_agency.save()
    case = case_in(S.SUBMITTED)
    case_start_screening(actor=secretariat, case=case)
    case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="بررسی کنید", days=5)],
    )
    return case


def test_every_step_of_a_referral_reads_as_a_sentence_in_english(
    referred: Case, officer: Any, owner: Any
) -> None:
    referral = Referral.objects.get(case=referred)
    old_due = referral.due_on
    referral_extend(actor=officer, referral=referral, days=3, reason="استعلام")
    case_attach(actor=owner, case=referred, files=[pdf("مدارک.pdf")])
    lines = sentences(referred, "en")
    referral.refresh_from_db()
    with translation.override("en"):
        old_text, new_text = format_jalali(old_due), format_jalali(referral.due_on)
    assert lines[0] == "Case filed (portal (by the company))."
    assert lines[1] == "Screening started."
    assert lines[2] == "Referred to 1 agency."
    assert lines[3] == f"Referred to Tax Administration: answer due {old_text} (5 working days)."
    assert lines[4] == (
        "Tax Administration extended its deadline by 3 working days, "
        f"from {old_text} to {new_text}."
    )
    assert lines[5] == "Files attached: مدارک.pdf."


def test_the_persian_timeline_has_jalali_dates_in_persian_digits(
    referred: Case, tax_agency: Any
) -> None:
    referral = Referral.objects.get(case=referred)
    lines = sentences(referred, "fa")
    with translation.override("fa"):
        due = format_jalali(referral.due_on)
    assert tax_agency.name in lines[3]
    assert due in lines[3]
    assert "۵" in lines[3] and "5" not in lines[3]


def test_an_escalation_says_how_late_and_to_whom(referred: Case) -> None:
    referral = Referral.objects.get(case=referred)
    referrals_escalate(today=referral.due_on + dt.timedelta(days=30))
    escalations = [line for line in sentences(referred, "en") if "escalated to the" in line]
    assert escalations
    assert escalations[0].startswith("The answer of Tax Administration, due ")
    assert "escalated to the agency officer (step 1)" in escalations[0]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.REJECTED, "Rejected as outside the HQ's scope."),
        (S.RETURNED_FOR_INFO, "Returned to the company for more information"),
        (S.EXPERT_REVIEW, "Assigned to the expert"),
        (S.ON_AGENDA, "Put on the agenda of the HQ meeting."),
        (S.RESOLVED, "Marked resolved; the company is asked to confirm."),
        (S.CLOSED, "The company confirmed the outcome."),
        (S.MERGED, "Merged into case "),
    ],
)
def test_each_move_of_the_workflow_has_its_own_sentence(
    case_in: Any, status: str, expected: str
) -> None:
    case = case_in(status)
    last = sentences(case, "en")[-1]
    assert last.startswith(expected)


def test_a_case_closed_by_the_job_says_the_window_passed(case_in: Any) -> None:
    from tashil.cases.services import cases_close_unconfirmed

    case = case_in(S.RESOLVED)
    case.refresh_from_db()
    cases_close_unconfirmed(now=case.confirm_until + dt.timedelta(seconds=1))
    assert sentences(case, "en")[-1] == (
        "Closed: the company did not answer within the confirmation window."
    )


def test_the_free_text_is_labelled_by_what_it_is(referred: Case) -> None:
    with translation.override("en"):
        events = history.present(CaseEvent.objects.filter(case=referred))
    labels = {event.kind: event.note_label for event in events}
    assert labels[EventKind.REFERRED] == "Request"
    assert labels[EventKind.TRANSITION] == "Reason"


def test_an_unknown_kind_is_shown_by_its_code_rather_than_failing(referred: Case) -> None:
    event = CaseEvent(case=referred, kind="something_new", data={})
    assert history.sentence(event) == "something_new"
