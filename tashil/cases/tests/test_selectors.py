"""Who sees which case, the secretariat's queues, an agency's inbox, possible duplicates, and
the registry's view of a company through the cases referred to an agency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from tashil.cases.models import Case, Referral
from tashil.cases.selectors import (
    CaseFilters,
    agency_inbox,
    case_get_for_user,
    case_list,
    cases_for_user,
    possible_duplicates,
    secretariat_queues,
)
from tashil.cases.services import (
    ReferralRequest,
    case_conclude,
    case_refer,
    case_return_for_info,
    referral_answer,
)
from tashil.cases.tests.conftest import S
from tashil.registry.selectors import can_see_financials, companies_for_user

pytestmark = pytest.mark.django_db

ALL = {"referred", "assigned", "other"}
VISIBLE = {
    "secretariat": ALL,
    "executive": ALL,
    "county_secretary": {"referred", "assigned"},
    "other_county_secretary": {"other"},
    "officer": {"referred"},
    "agency_head": {"referred"},
    "other_officer": set(),
    "owner": {"referred", "assigned"},
    "other_owner": {"other"},
    "expert": {"assigned"},
    "other_expert": set(),
    "admin_user": set(),
}


@pytest.fixture
def cases(case_in: Any, secretariat: Any, other_company: Any) -> dict[str, Case]:
    """Company A's case referred to tax only, company A's case with the expert, and company B's
    case (in the other county) in screening."""
    return {
        "referred": case_in(S.REFERRED, title="referred"),
        "assigned": case_in(S.EXPERT_REVIEW, title="assigned"),
        "other": case_in(
            S.SCREENING, title="other", company=other_company, actor=secretariat, channel="letter"
        ),
    }


def _titles(user: Any) -> set[str]:
    return set(cases_for_user(user).values_list("title", flat=True))


@pytest.mark.parametrize(("name", "visible"), sorted(VISIBLE.items()))
def test_each_role_sees_exactly_its_cases(
    cases: dict[str, Case], persona: Any, name: str, visible: set[str]
) -> None:
    user = persona(name)

    assert _titles(user) == visible
    for title, case in cases.items():
        if title in visible:
            assert case_get_for_user(user=user, tracking=case.tracking) == case
        else:
            with pytest.raises(Http404):
                case_get_for_user(user=user, tracking=case.tracking)


def test_an_unknown_tracking_number_is_a_404_like_a_hidden_one(
    cases: Any, secretariat: Any
) -> None:
    with pytest.raises(Http404):
        case_get_for_user(user=secretariat, tracking="34679ACD")


def test_the_officer_still_sees_the_case_after_answering_and_after_it_is_concluded(
    cases: dict[str, Case], officer: Any, secretariat: Any
) -> None:
    case = cases["referred"]
    referral_answer(actor=officer, referral=case.referrals.get(), answer="انجام شد")
    assert case_get_for_user(user=officer, tracking=case.tracking) == case

    case_conclude(actor=secretariat, case=case, outcome="resolved")

    assert case_get_for_user(user=officer, tracking=case.tracking) == case


def test_a_case_referred_to_an_agency_twice_is_listed_once(
    cases: dict[str, Case], officer: Any, secretariat: Any, tax_agency: Any
) -> None:
    case = cases["referred"]
    referral_answer(actor=officer, referral=case.referrals.get(), answer="پاسخ اول")
    case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="باز")],
    )

    assert list(cases_for_user(officer)) == [case]


def test_a_second_agency_sees_the_case_once_it_is_referred_to_it(
    cases: dict[str, Case], other_officer: Any, secretariat: Any, customs_agency: Any
) -> None:
    case = cases["referred"]
    case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=customs_agency, request_text="ترخیص")],
    )

    assert _titles(other_officer) == {"referred"}


def test_the_secretariat_of_another_province_and_an_inactive_user_see_nothing(
    cases: Any, secretariat: Any
) -> None:
    from tashil.conftest import _user_with_role
    from tashil.factories import ProvinceFactory

    tehran = _user_with_role("tehran", "secretariat", province=ProvinceFactory(code="23"))
    secretariat.is_active = False
    secretariat.save(update_fields=["is_active"])
    secretariat.__dict__.pop("_tashil_scopes", None)

    assert _titles(tehran) == set()
    assert _titles(secretariat) == set()


# --- Lists -----------------------------------------------------------------------------------


def test_the_case_list_filters_by_agency_status_overdue_and_tracking(
    clock: Any, cases: dict[str, Case], secretariat: Any, tax_agency: Any
) -> None:
    today = timezone.localdate()
    due = cases["referred"].referrals.get().due_on

    def titles(**filters: Any) -> set[str]:
        found = case_list(user=secretariat, filters=CaseFilters(**filters), today=today, limit=100)
        return {case.title for case in found}

    assert titles() == ALL
    assert titles(agency=tax_agency.pk) == {"referred"}
    assert titles(statuses=["screening", "expert_review"]) == {"assigned", "other"}
    assert titles(overdue=True) == set()
    assert {
        c.title
        for c in case_list(
            user=secretariat,
            filters=CaseFilters(overdue=True),
            today=due + dt.timedelta(days=1),
            limit=100,
        )
    } == {"referred"}
    tracking = cases["assigned"].display_tracking.lower()
    assert titles(q=tracking) == {"assigned"}


def test_the_case_list_is_a_fixed_number_of_queries(
    cases: Any, case_in: Any, secretariat: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        case_in(S.REFERRED, title=f"more {n}")
    secretariat.__dict__.pop("_tashil_scopes", None)

    # The user's scopes, the page's ids, the page's rows with what they show.
    with django_assert_max_num_queries(3):
        rows = [
            (c.company.legal_name, c.category.name, c.county.name, c.open_referrals)
            for c in case_list(
                user=secretariat, filters=CaseFilters(), today=dt.date(2025, 1, 1), limit=100
            )
        ]

    assert len(rows) == 8


# --- The secretariat's queues ----------------------------------------------------------------


def _age(case: Case, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_the_new_queue_lists_submitted_and_screening_cases_oldest_first(
    case_in: Any, secretariat: Any
) -> None:
    middle = case_in(S.SUBMITTED, title="middle")
    newest = case_in(S.SCREENING, title="newest")
    oldest = case_in(S.SUBMITTED, title="oldest")
    case_in(S.REFERRED, title="not new")
    _age(middle, 5)
    _age(newest, 1)
    _age(oldest, 9)

    queues = secretariat_queues(user=secretariat, today=dt.date.today())

    assert [c.title for c in queues.new] == ["oldest", "middle", "newest"]


def test_the_overdue_queue_lists_late_referrals_most_overdue_first_except_paused_ones(
    clock: Any, case_in: Any, secretariat: Any, tax_agency: Any, customs_agency: Any
) -> None:
    clock.set(dt.date(2025, 1, 8))
    late = case_in(S.SCREENING, title="late")
    tax, customs = case_refer(
        actor=secretariat,
        case=late,
        requests=[
            ReferralRequest(agency=tax_agency, request_text="الف", days=4),
            ReferralRequest(agency=customs_agency, request_text="ب", days=1),
        ],
    )
    paused = case_in(S.SCREENING, title="paused")
    case_refer(
        actor=secretariat,
        case=paused,
        requests=[ReferralRequest(agency=tax_agency, request_text="ج", days=1)],
    )
    case_return_for_info(actor=secretariat, case=paused, reason="مدرک")
    on_time = case_in(S.SCREENING, title="on time")
    case_refer(
        actor=secretariat,
        case=on_time,
        requests=[ReferralRequest(agency=tax_agency, request_text="د", days=30)],
    )

    queues = secretariat_queues(user=secretariat, today=dt.date(2025, 1, 20))

    assert [r.pk for r in queues.overdue] == [customs.pk, tax.pk]
    assert [c.title for c in queues.awaiting_company] == ["paused"]


def test_the_other_queues_hold_cases_for_a_meeting_and_outcomes_to_confirm(
    case_in: Any, secretariat: Any
) -> None:
    case_in(S.ON_AGENDA, title="agenda")
    case_in(S.RESOLVED, title="resolved")
    case_in(S.UNRESOLVED, title="unresolved")
    case_in(S.CLOSED, title="closed")

    queues = secretariat_queues(user=secretariat, today=dt.date.today())

    assert [c.title for c in queues.ready_for_meeting] == ["agenda"]
    assert [c.title for c in queues.awaiting_confirmation] == ["resolved", "unresolved"]
    assert queues.new == [] and queues.awaiting_company == []


def test_a_county_secretariats_queues_hold_only_its_county(
    case_in: Any,
    secretariat: Any,
    county_secretary: Any,
    other_county_secretary: Any,
    other_company: Any,
) -> None:
    case_in(S.SUBMITTED, title="ours")
    case_in(S.SUBMITTED, title="theirs", company=other_company, actor=secretariat, channel="phone")

    today = dt.date.today()
    assert [c.title for c in secretariat_queues(user=county_secretary, today=today).new] == ["ours"]
    assert [c.title for c in secretariat_queues(user=other_county_secretary, today=today).new] == [
        "theirs"
    ]
    assert secretariat_queues(user=county_secretary, today=today).new[0].company.legal_name


# --- The agency's inbox ----------------------------------------------------------------------


def test_the_inbox_lists_the_agencys_open_referrals_overdue_first(
    clock: Any,
    case_in: Any,
    secretariat: Any,
    officer: Any,
    agency_head: Any,
    other_officer: Any,
    tax_agency: Any,
    customs_agency: Any,
) -> None:
    clock.set(dt.date(2025, 1, 8))
    made = {}
    for title, days in (("ten", 10), ("one", 1), ("five", 5)):
        case = case_in(S.SCREENING, title=title)
        made[title] = case_refer(
            actor=secretariat,
            case=case,
            requests=[
                ReferralRequest(agency=tax_agency, request_text="الف", days=days),
                ReferralRequest(agency=customs_agency, request_text="ب", days=2),
            ],
        )
    referral_answer(actor=officer, referral=made["five"][0], answer="پاسخ")

    inbox = list(agency_inbox(user=officer))

    assert [r.case.title for r in inbox] == ["one", "ten"]
    assert all(r.agency == tax_agency for r in inbox)
    assert [r.case.title for r in agency_inbox(user=officer, answered=True)] == ["five"]
    assert [r.pk for r in agency_inbox(user=agency_head)] == [r.pk for r in inbox]
    assert {r.agency for r in agency_inbox(user=other_officer)} == {customs_agency}
    assert len(agency_inbox(user=other_officer)) == 3


@pytest.mark.parametrize("name", ["secretariat", "owner", "expert", "admin_user"])
def test_people_outside_agencies_have_an_empty_inbox(cases: Any, persona: Any, name: str) -> None:
    assert list(agency_inbox(user=persona(name))) == []


# --- Duplicates ------------------------------------------------------------------------------


def test_possible_duplicates_are_the_companys_open_cases_and_similar_titles(
    case_in: Any, secretariat: Any, company: Any, other_company: Any, category: Any
) -> None:
    from tashil.conftest import _user_with_role
    from tashil.factories import CompanyFactory, CountyFactory, ProvinceFactory

    case_in(S.REFERRED, title="قطعی برق کارخانه")
    case_in(S.CLOSED, title="استرداد مالیات سال قبل")
    similar = dict(company=other_company, actor=secretariat, channel="letter")
    case_in(S.SUBMITTED, title="استرداد مالیات صادراتی", **similar)
    case_in(S.SUBMITTED, title="قطعی گاز", **similar)
    case_in(S.REJECTED, title="استرداد مالیات رد شده", **similar)
    tehran = ProvinceFactory(code="23", name="تهران")
    far = CompanyFactory(county=CountyFactory(province=tehran, code="2301"))
    case_in(
        S.SUBMITTED,
        title="استرداد مالیات در تهران",
        company=far,
        actor=_user_with_role("tehran", "secretariat", province=tehran),
        channel="letter",
    )

    found = possible_duplicates(
        company_id=company.pk,
        title="استرداد مالیات بر ارزش افزوده",
        province_id=company.province_id,
    )

    # The company's own open case first, then other companies' cases sharing a word.
    assert [c.title for c in found] == ["قطعی برق کارخانه", "استرداد مالیات صادراتی"]


def test_the_case_itself_is_not_its_own_duplicate(case_in: Any, company: Any) -> None:
    case = case_in(S.SUBMITTED)

    found = possible_duplicates(
        company_id=company.pk,
        title=case.title,
        province_id=company.province_id,
        exclude_pk=case.pk,
    )

    assert found == []


# --- The registry through referrals ----------------------------------------------------------


def test_an_agency_reaches_a_company_and_its_financials_once_a_case_is_referred_to_it(
    case_in: Any,
    secretariat: Any,
    officer: Any,
    agency_head: Any,
    other_officer: Any,
    company: Any,
    other_company: Any,
    tax_agency: Any,
) -> None:
    case = case_in(S.SCREENING)
    assert company not in companies_for_user(officer)
    assert not can_see_financials(officer, company)

    case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="الف")],
    )

    for staff in (officer, agency_head):
        assert list(companies_for_user(staff)) == [company]
        assert can_see_financials(staff, company)
        assert not can_see_financials(staff, other_company)
    assert list(companies_for_user(other_officer)) == []
    assert not can_see_financials(other_officer, company)


def test_the_assigned_expert_reaches_the_company_but_not_its_financials(
    case_in: Any, expert: Any, other_expert: Any, company: Any
) -> None:
    case_in(S.EXPERT_REVIEW)

    assert list(companies_for_user(expert)) == [company]
    assert list(companies_for_user(other_expert)) == []
    assert not can_see_financials(expert, company)


def test_a_referral_answered_long_ago_still_opens_the_financials(
    cases: dict[str, Case], officer: Any, company: Any
) -> None:
    referral_answer(
        actor=officer, referral=Referral.objects.get(case=cases["referred"]), answer="پاسخ"
    )

    assert can_see_financials(officer, company)
