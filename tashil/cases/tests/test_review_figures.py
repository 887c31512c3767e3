"""Referral figures count cases, as the case lists behind them show them (a review of issue 7
found the figures counting referrals)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tashil.agencies.models import Agency
from tashil.cases.models import Referral
from tashil.cases.services import ReferralRequest, case_refer, referral_answer
from tashil.cases.tests.conftest import S
from tashil.figures import links
from tashil.figures.period import Period
from tashil.figures.selectors import scorecards
from tashil.figures.weekly import summary_table, weekly_report

pytestmark = pytest.mark.django_db


def listed(response: Any) -> list[int]:
    assert response.status_code == 200
    assert not response.context["form"].errors
    return [case.pk for case in response.context["cases"]]


def test_the_weekly_reports_overdue_referrals_link_lists_as_many_rows_as_it_counts(
    client: Any,
    clock: Any,
    case_in: Any,
    secretariat: Any,
    province: Any,
    tax_agency: Any,
    customs_agency: Any,
) -> None:
    """One case referred to two agencies, both late: one case overdue, listed once; each agency
    counts its own."""
    case = case_in(S.SCREENING)
    case_refer(
        actor=secretariat,
        case=case,
        requests=[
            ReferralRequest(agency=tax_agency, request_text="بررسی شود"),
            ReferralRequest(agency=customs_agency, request_text="بررسی شود"),
        ],
    )
    today = timezone.localdate()
    Referral.objects.filter(case=case).update(due_on=today.replace(day=1))
    report = weekly_report(province=province, week=Period.week_of(today), today=today)
    table = summary_table(report)
    row = next(
        i
        for i, cells in enumerate(table.links)
        if "/cases/" in (cells[1] or "") and "overdue" in (cells[1] or "")
    )
    client.force_login(secretariat)

    shown = listed(client.get(table.links[row][1]))

    assert report.overdue_cases == len(shown) == 1
    assert [row.referrals for row in report.overdue] == [1, 1]  # each agency's own


def test_the_scorecards_referrals_received_link_lists_as_many_rows_as_the_card_counts(
    client: Any,
    clock: Any,
    case_in: Any,
    secretariat: Any,
    officer: Any,
    province: Any,
    tax_agency: Any,
) -> None:
    """Tax answers, the secretariat asks it again (allowed: only an open referral blocks it):
    one case received, as the link lists it."""
    case = case_in(S.REFERRED)
    first = Referral.objects.get(case=case, agency=tax_agency)
    referral_answer(actor=officer, referral=first, answer="پاسخ داده شد")
    case.refresh_from_db()
    case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="دوباره بررسی شود")],
    )
    today = timezone.localdate()
    # `created_at` defaults to the real clock, not the test's: the period spans both.
    days = sorted(timezone.localdate(r.created_at) for r in Referral.objects.filter(case=case))
    period = Period(min(today, days[0]), max(today, days[-1]))
    (card,) = scorecards(
        province=province,
        period=period,
        agencies=Agency.objects.filter(pk=tax_agency.pk),
        today=today,
    )
    client.force_login(secretariat)

    shown = listed(client.get(links.referrals(province, period, agency=tax_agency.pk)))

    assert card.received == len(shown) == 1
    assert (card.answered, card.on_time) == (1, 1)
