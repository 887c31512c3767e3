"""The whole lineage through the services, start to end: the case every other test varies."""

from __future__ import annotations

from typing import Any

from django.core import mail

from tashil.cases.models import CaseEvent, ReferralStatus
from tashil.cases.services import (
    ReferralRequest,
    case_conclude,
    case_confirm,
    case_file,
    case_refer,
    case_start_screening,
    referral_answer,
)
from tashil.cases.workflow import CaseStatus


def test_a_case_goes_from_filing_to_confirmed_closure(
    owner: Any,
    secretariat: Any,
    officer: Any,
    other_officer: Any,
    company: Any,
    category: Any,
    tax_agency: Any,
    customs_agency: Any,
    sms_outbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner.email = "owner@example.com"
    owner.phone = "09120000000"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_file(
            actor=owner,
            company=company,
            category=category,
            title="تقسیط بدهی مالیاتی",
            description="...",
            channel="portal",
        )
    assert case.status == CaseStatus.SUBMITTED
    assert len(case.tracking) == 8
    assert any("received" in m.subject or "دریافت" in m.subject for m in mail.outbox)
    assert sms_outbox
    case_start_screening(actor=secretariat, case=case)
    referrals = case_refer(
        actor=secretariat,
        case=case,
        requests=[
            ReferralRequest(agency=tax_agency, request_text="بررسی تقسیط"),
            ReferralRequest(agency=customs_agency, request_text="ترخیص", days=3),
        ],
    )
    assert case.status == CaseStatus.REFERRED
    assert referrals[0].due_on != referrals[1].due_on
    referral_answer(actor=officer, referral=referrals[0], answer="انجام شد")
    referrals[0].refresh_from_db()
    assert referrals[0].status == ReferralStatus.ANSWERED
    case_conclude(actor=secretariat, case=case, outcome="resolved")
    referrals[1].refresh_from_db()
    assert referrals[1].status == ReferralStatus.WITHDRAWN
    case_confirm(actor=owner, case=case, satisfaction=5)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == "resolved"
    assert case.satisfaction == 5
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[0] == "filed" and kinds.count("referred") == 2
