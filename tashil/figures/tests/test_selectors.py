"""The figures' building blocks on small, hand-made records: who reads which figures, shares and
percentiles, the scorecard's ranking, overlapping export destinations, the biggest lines, the
sector shares of a day. The random recounts are in test_recount.py."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal
from typing import Any

import pytest

from tashil.agencies.models import Agency
from tashil.cases.models import Case, Referral
from tashil.factories import AgencyFactory, CategoryFactory, ProvinceFactory
from tashil.figures import selectors
from tashil.figures.period import Period
from tashil.figures.selectors import CaseFigures, ResolutionFigures, Scorecard
from tashil.figures.tests.conftest import TEHRAN, jalali_day, tehran_moment
from tashil.investments.models import ExportKind, ShareBasis
from tashil.investments.services import export_record, share_add
from tashil.investments.tests.conftest import dollars, rials
from tashil.registry.models import KnowledgeBasedTarget

pytestmark = pytest.mark.django_db

AZAR = Period.jalali_month(1404, 9)


# --- Who reads what -------------------------------------------------------------------------------


@pytest.fixture
def lorestan(db: Any) -> Any:
    return ProvinceFactory(code="19", name="لرستان")


def test_the_secretariat_and_the_executive_read_their_own_provinces_dashboard(
    province: Any, lorestan: Any, secretariat: Any, executive: Any, admin_user: Any
) -> None:
    assert selectors.dashboard_provinces(secretariat) == [province]
    assert selectors.dashboard_provinces(executive) == [province]
    # The administrator runs users and reference data, not a province (DOMAIN.md §2).
    assert selectors.dashboard_provinces(admin_user) == []


def test_agencies_experts_companies_and_county_secretaries_read_no_dashboard(
    officer: Any, agency_head: Any, expert: Any, owner: Any, county_secretary: Any
) -> None:
    for user in (officer, agency_head, expert, owner, county_secretary):
        assert selectors.dashboard_provinces(user) == []


def test_the_secretariat_and_the_executive_see_every_agencys_card(
    province: Any, secretariat: Any, executive: Any, tax_agency: Any, customs_agency: Any
) -> None:
    for user in (secretariat, executive):
        agencies = selectors.scorecard_agencies(user, province)
        assert agencies is not None
        assert set(agencies) == {tax_agency, customs_agency}


def test_an_agencys_officer_and_head_see_their_own_card_only(
    province: Any,
    officer: Any,
    agency_head: Any,
    other_officer: Any,
    tax_agency: Any,
    customs_agency: Any,
) -> None:
    for user in (officer, agency_head):
        agencies = selectors.scorecard_agencies(user, province)
        assert agencies is not None and list(agencies) == [tax_agency]
    agencies = selectors.scorecard_agencies(other_officer, province)
    assert agencies is not None and list(agencies) == [customs_agency]


def test_a_company_sees_no_card(province: Any, owner: Any) -> None:
    assert selectors.scorecard_agencies(owner, province) is None


def test_an_officer_sees_no_card_in_another_province(lorestan: Any, officer: Any) -> None:
    AgencyFactory(province=lorestan, code="tax")
    assert selectors.scorecard_agencies(officer, lorestan) is None


def test_the_press_office_of_the_governor_and_the_secretariat_edit_the_press_brief(
    province: Any,
    lorestan: Any,
    secretariat: Any,
    executive: Any,
    admin_user: Any,
    officer: Any,
    expert: Any,
) -> None:
    assert selectors.can_edit_press_brief(secretariat, province)
    assert selectors.can_edit_press_brief(executive, province)
    assert not selectors.can_edit_press_brief(secretariat, lorestan)
    for user in (admin_user, officer, expert):
        assert not selectors.can_edit_press_brief(user, province)


# --- Shares ---------------------------------------------------------------------------------------


def test_a_share_of_nothing_is_no_share_and_others_are_whole_percentages() -> None:
    assert CaseFigures().share_resolved is None
    assert CaseFigures(received=3, resolved=1).share_resolved == 33
    assert CaseFigures(received=3, resolved=2).share_resolved == 67


def test_the_executed_share_leaves_withdrawn_resolutions_out() -> None:
    # Five issued: one executed, one in follow-up, three withdrawn.
    figures = ResolutionFigures(total=5, executed=1, follow_up=1, not_executed=0)
    assert figures.executed_share == 50
    assert ResolutionFigures(total=2).executed_share is None


# --- Referrals and the scorecard ------------------------------------------------------------------


@pytest.fixture
def a_case(company: Any, category: Any) -> Case:
    return Case.objects.create(
        tracking="TEST0001",
        province=company.province,
        county=company.county,
        company=company,
        category=category,
        title="پرونده",
        description="شرح",
        channel="portal",
        status="referred",
        search_key="case",
        created_at=tehran_moment(1404, 9, 1),
    )


def answered(case: Case, agency: Agency, days: int, **fields: Any) -> Referral:
    sent = fields.pop("sent", tehran_moment(1404, 9, 2))
    return Referral.objects.create(
        case=case,
        agency=agency,
        request_text="بررسی کنید",
        status="answered",
        due_on=fields.pop("due_on", jalali_day(1404, 9, 20)),
        answered_at=fields.pop("answered_at", sent + dt.timedelta(days=days)),
        answer="پاسخ",
        response_days=days,
        created_at=sent,
        **fields,
    )


@pytest.mark.parametrize("n", [1, 2, 5, 9, 10, 11, 19, 20, 21, 37])
def test_the_90th_percentile_is_the_value_at_the_nearest_rank(
    a_case: Case, tax_agency: Any, customs_agency: Any, n: int
) -> None:
    rng = random.Random(n)  # noqa: S311 - test data
    values = [rng.randint(0, 30) for _ in range(n)]
    for value in values:
        answered(a_case, tax_agency, value)
    # Another agency's slow answers and an open referral change nothing for this one.
    answered(a_case, customs_agency, 99)
    Referral.objects.create(
        case=a_case, agency=tax_agency, request_text="…", due_on=jalali_day(1404, 9, 9)
    )
    found = selectors.p90_response_days(Referral.objects.all())
    rank = math.ceil(9 * n / 10)
    assert found == {tax_agency.pk: sorted(values)[rank - 1], customs_agency.pk: 99}


def test_with_ten_answers_the_90th_percentile_is_the_ninth_smallest(
    a_case: Case, tax_agency: Any
) -> None:
    for value in (10, 1, 9, 2, 8, 3, 7, 4, 6, 5):
        answered(a_case, tax_agency, value)
    assert selectors.p90_response_days(Referral.objects.all()) == {tax_agency.pk: 9}


def test_an_answer_on_the_last_evening_of_the_deadline_is_on_time_and_after_midnight_late(
    a_case: Case, province: Any, tax_agency: Any, customs_agency: Any
) -> None:
    due = jalali_day(1404, 9, 20)
    answered(
        a_case,
        tax_agency,
        5,
        due_on=due,
        answered_at=dt.datetime.combine(due, dt.time(23, 40), tzinfo=TEHRAN),
    )
    answered(
        a_case,
        customs_agency,
        6,
        due_on=due,
        answered_at=dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0, 20), tzinfo=TEHRAN),
    )
    cards = {
        card.agency: card
        for card in selectors.scorecards(
            province=province,
            period=AZAR,
            agencies=Agency.objects.filter(province=province),
            today=AZAR.end,
        )
    }
    assert (cards[tax_agency].answered, cards[tax_agency].on_time) == (1, 1)
    assert (cards[customs_agency].answered, cards[customs_agency].on_time) == (1, 0)


def test_a_referral_waiting_on_the_company_is_not_overdue(
    a_case: Case, province: Any, tax_agency: Any
) -> None:
    Referral.objects.create(
        case=a_case, agency=tax_agency, request_text="…", due_on=jalali_day(1404, 9, 5)
    )
    agencies = Agency.objects.filter(pk=tax_agency.pk)
    (card,) = selectors.scorecards(
        province=province, period=AZAR, agencies=agencies, today=AZAR.end
    )
    assert card.open_overdue == 1
    Case.objects.filter(pk=a_case.pk).update(
        status="returned_for_info", returned_from="referred", paused_at=tehran_moment(1404, 9, 3)
    )
    (card,) = selectors.scorecards(
        province=province, period=AZAR, agencies=agencies, today=AZAR.end
    )
    assert card.open_overdue == 0
    # Overdue is counted today, for referrals sent whenever.
    (card,) = selectors.scorecards(
        province=province, period=Period.jalali_month(1404, 11), agencies=agencies, today=AZAR.end
    )
    assert card.received == 0


def card(name: str, **figures: int) -> Scorecard:
    return Scorecard(agency=Agency(name=name), **figures)


def test_cards_rank_by_share_on_time_then_fewest_overdue_then_share_executed_then_name() -> None:
    cards = [
        card("ج", received=2, on_time=1, open_overdue=0, executed=1, follow_up=1),
        card("ب", received=2, on_time=1, open_overdue=1, executed=2),
        card("الف", received=4, on_time=4, open_overdue=5),
        card("ت", received=2, on_time=1, open_overdue=0, executed=2),
        card("ث", received=2, on_time=1, open_overdue=0, executed=1, follow_up=1),
        # Nothing sent: after every agency that was sent anything, even one late on all.
        card("خ"),
        card("ح", received=3, on_time=0),
    ]
    ranked = [c.agency.name for c in sorted(cards, key=Scorecard.rank_key)]
    assert ranked == ["الف", "ت", "ث", "ج", "ب", "ح", "خ"]


# --- Knowledge-based units ------------------------------------------------------------------------


def test_without_a_target_there_is_no_target_share(province: Any) -> None:
    found = selectors.knowledge_based(province=province, period=AZAR)
    assert (found.count, found.target, found.target_share) == (0, None, None)
    assert selectors.knowledge_based_counts(province=province, days=[]) == {}


def test_the_target_is_the_newest_set_by_the_end_of_the_period(province: Any) -> None:
    def target(count: int, moment: dt.datetime) -> KnowledgeBasedTarget:
        made = KnowledgeBasedTarget.objects.create(province=province, count=count, due_on=AZAR.end)
        KnowledgeBasedTarget.objects.filter(pk=made.pk).update(created_at=moment)
        return made

    later = target(300, tehran_moment(1404, 10, 1, 0, 10))
    kept = target(150, tehran_moment(1404, 9, 30, 23, 30))
    target(100, tehran_moment(1404, 7, 1))
    assert selectors.knowledge_based(province=province, period=AZAR).target == kept
    assert (
        selectors.knowledge_based(province=province, period=Period.jalali_month(1404, 10)).target
        == later
    )


# --- Cases by category --------------------------------------------------------------------------


def test_categories_with_more_cases_come_first_and_merged_duplicates_are_not_counted(
    province: Any, company: Any, category: Any
) -> None:
    banking = CategoryFactory(code="banking", name="بانکی")
    insurance = CategoryFactory(code="insurance", name="بیمه")

    def file(cat: Any, status: str = "submitted", **fields: Any) -> Case:
        serial = Case.objects.count() + 1
        return Case.objects.create(
            tracking=f"TEST{serial:04d}",
            province=province,
            county=company.county,
            company=company,
            category=cat,
            title="پرونده",
            description="شرح",
            channel="portal",
            status=status,
            search_key="case",
            created_at=tehran_moment(1404, 9, 10),
            **fields,
        )

    target = file(category)
    file(category, "merged", merged_into=target)
    file(category, "merged", merged_into=target)
    file(banking)
    file(banking, "closed", outcome="resolved")
    file(insurance, "merged", merged_into=target)
    rows = selectors.case_figures_by(province=province, period=AZAR, by="category")
    # Two each: by name; insurance had only a duplicate.
    assert [(c, f.received, f.resolved) for c, f in rows] == [(banking, 2, 1), (category, 1, 0)]


# --- Openings, exports, shares --------------------------------------------------------------------


def test_a_group_counts_its_members_and_the_total_counts_each_figure_once(
    province: Any,
    company: Any,
    other_company: Any,
    make_project: Any,
    destinations: Any,
    tehran_clock: Any,
) -> None:
    """The reference line: USD 1,000,000 forecast for 1405, 600,000 to the Arab countries and
    400,000 to Russia, which is in the Eurasian union and among Iran's neighbours; all recorded
    on 1404/09/18, the day it opened."""
    tehran_clock.set(tehran_moment(1404, 9, 18, 12))
    line = make_project(company, status="operating", opened_on=jalali_day(1404, 9, 18))

    def forecast(destination: Any, amount: int, **fields: Any) -> None:
        fields.setdefault("kind", ExportKind.FORECAST)
        fields.setdefault("year", 1405)
        export_record(
            actor=None,
            company=fields.pop("company", company),
            destination=destination,
            value=dollars(amount),
            source="سخنگوی دولت",
            **fields,
        )

    forecast(destinations.arab, 600_000, project=line)
    forecast(destinations.russia, 400_000, project=line)
    # Not counted: an actual figure, another year.
    forecast(destinations.russia, 50_000, kind=ExportKind.ACTUAL)
    forecast(destinations.russia, 70_000, year=1406)
    found = selectors.export_figures(province=province, year=1405)
    assert found.total_usd == Decimal(1_000_000)
    shown = [(d.destination, d.usd) for d in found.destinations]
    eaeu_neighbours = sorted([destinations.eaeu, destinations.neighbours], key=str)
    assert shown == [
        (destinations.arab, 600_000),
        (eaeu_neighbours[0], 400_000),
        (eaeu_neighbours[1], 400_000),
        (destinations.russia, 400_000),
    ]
    # The Emirates, in two groups, adds to both, once each.
    forecast(destinations.uae, 10_000, company=other_company)
    found = selectors.export_figures(province=province, year=1405)
    usd = {d.destination: d.usd for d in found.destinations}
    assert usd[destinations.arab] == 610_000
    assert usd[destinations.neighbours] == 410_000
    assert found.total_usd == 1_010_000
    (forecast_of_line,) = selectors.opening_figures(
        province=province, period=AZAR, export_year=1405
    ).forecasts.values()
    assert forecast_of_line.usd == 1_000_000
    assert forecast_of_line.destinations == [destinations.arab, destinations.russia]


def test_a_period_quotes_the_forecasts_recorded_by_its_last_evening_and_not_after(
    province: Any, company: Any, make_project: Any, destinations: Any, tehran_clock: Any
) -> None:
    tehran_clock.set(tehran_moment(1404, 9, 18, 12))
    line = make_project(company, status="operating", opened_on=jalali_day(1404, 9, 18))
    for moment, destination in (
        (tehran_moment(1404, 9, 30, 23, 30), destinations.arab),
        (tehran_moment(1404, 10, 1, 0, 10), destinations.russia),
    ):
        tehran_clock.set(moment)
        export_record(
            actor=None,
            company=company,
            project=line,
            kind=ExportKind.FORECAST,
            year=1405,
            destination=destination,
            value=dollars(500_000),
            source="سخنگوی دولت",
        )
    azar = selectors.dashboard(province=province, period=AZAR)
    assert azar.exports.total_usd == 500_000
    assert [d.destination for d in azar.exports.destinations] == [destinations.arab]
    assert azar.openings.forecasts[line.pk].destinations == [destinations.arab]
    # Dey's figures, and the register's (no date), hold both.
    dey = selectors.dashboard(province=province, period=Period.jalali_month(1404, 10))
    assert dey.exports.total_usd == 1_000_000
    assert selectors.export_figures(province=province, year=1405).total_usd == 1_000_000


def test_the_biggest_lines_opened_come_first_and_only_so_many(
    province: Any, company: Any, make_project: Any
) -> None:
    for n in range(12):
        make_project(
            company,
            title=f"خط {n}",
            investment=rials(1_000_000 * (n + 1)),
            status="operating",
            opened_on=jalali_day(1404, 9, 1 + n),
            jobs_created=n,
        )
    make_project(company, title="در دست ساخت", investment=rials(10**12))
    make_project(
        company,
        title="پیش از آذر",
        investment=rials(10**12),
        status="operating",
        opened_on=jalali_day(1404, 8, 30),
    )
    make_project(
        company,
        title="به دلار",
        investment=dollars(1_000),
        status="operating",
        opened_on=jalali_day(1404, 9, 30),
    )
    found = selectors.opening_figures(province=province, period=AZAR, export_year=1405, lines=3)
    assert found.count == 13
    assert found.jobs == sum(range(12))
    assert [line.title for line in found.lines] == ["به دلار", "خط 11", "خط 10"]
    assert found.by_currency == [
        ("IRR", sum(1_000_000 * (n + 1) for n in range(12))),
        ("USD", 1_000),
    ]


def test_the_shares_of_a_day_are_those_stated_by_then_newest_first(
    province: Any, lorestan: Any, sector: Any, detergents: Any
) -> None:
    def state(on: dt.date, value: int, source: str, where: Any = None, about: Any = None) -> Any:
        return share_add(
            actor=None,
            province=where or province,
            sector=about or detergents,
            basis=ShareBasis.OUTPUT,
            value=Decimal(value),
            source=source,
            stated_on=on,
        )

    older = state(jalali_day(1404, 6, 1), 25, "ایرنا")
    newer = state(AZAR.end, 30, "سخنگوی دولت")
    state(AZAR.end + dt.timedelta(days=1), 35, "اداره کل صمت")
    state(AZAR.end, 40, "ایسنا", where=lorestan)
    cosmetics = state(jalali_day(1404, 9, 2), 12, "ایرنا", about=sector)
    found = selectors.shares_as_of(province=province, on=AZAR.end)
    by_sector = {s: shares for s, shares in found}
    assert by_sector == {detergents: [newer, older], sector: [cosmetics]}
    assert [s for s, _shares in found] == sorted(by_sector, key=str)


def test_the_dashboard_quotes_next_years_exports_unless_told_otherwise(province: Any) -> None:
    assert selectors.dashboard(province=province, period=AZAR).exports.year == 1405
    esfand = Period.jalali_month(1404, 12)
    assert selectors.default_export_year(esfand) == 1405
    nowruz = jalali_day(1405, 1, 1)
    assert selectors.default_export_year(Period(nowruz, nowruz)) == 1406
    board = selectors.dashboard(province=province, period=AZAR, export_year=1404)
    assert board.exports.year == 1404


@pytest.mark.parametrize(
    ("part", "whole", "percent"), [(1, 8, 13), (3, 8, 38), (1, 3, 33), (0, 5, 0)]
)
def test_a_share_rounds_halves_up_as_people_do(part: int, whole: int, percent: int) -> None:
    assert selectors.CaseFigures(received=whole, resolved=part).share_resolved == percent


def test_a_share_of_nothing_is_none_not_zero() -> None:
    assert selectors.CaseFigures().share_resolved is None
