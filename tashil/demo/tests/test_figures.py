"""The governor's figures of the demo province (issue 7, DOMAIN.md §7 and §9): on the reference
day the dashboard shows the scenario's facts — 140 knowledge-based units, the cosmetics line's
investment, jobs, products and export forecast, the detergent share with its source — and this
year every figure of the dashboard has records behind it."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from tashil.cases.models import Case, CaseEvent
from tashil.cases.services import EventKind as CaseEventKind
from tashil.core.money import Currency
from tashil.core.selectors import work_calendar
from tashil.demo.cases import LOAN_RANGE, RESULTS_AFTER_DAYS
from tashil.demo.figures import REVIVAL_NOTE, load_figures
from tashil.demo.registry import REFERENCE_DATE, TARGET_COUNT, TARGET_DUE
from tashil.figures.period import Period, jalali_year_of
from tashil.figures.selectors import Dashboard, dashboard, revived_units
from tashil.geo.models import Country, CountryGroup, Province
from tashil.investments.models import ExportFigure, ExportKind, ShareBasis
from tashil.registry.models import Certificate, CompanyStatus, StatusChange

pytestmark = pytest.mark.django_db

GOLSAR = "شرکت بهداشتی آرایشی گلسار کاسپین"
SPOKESPERSON = "سخنگوی دولت در سفر به استان قزوین"


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (it takes seconds), rolled back after it; each test
    runs in a savepoint inside. What load_demo printed."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        with transaction.atomic():
            out = StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def qazvin(printed) -> Province:
    return Province.objects.get(code="26")


@pytest.fixture
def this_year(qazvin) -> Dashboard:
    return dashboard(province=qazvin, period=Period.year_to_date(timezone.localdate()))


@pytest.fixture(params=["year_to_date", "month_of"])
def reference_day(request, qazvin) -> Dashboard:
    """The dashboard of 1404/09/24, since 1 Farvardin and for Azar."""
    return dashboard(province=qazvin, period=getattr(Period, request.param)(REFERENCE_DATE))


# --- The reference day ---------------------------------------------------------------------------


def test_140_knowledge_based_units_are_active_on_the_reference_day_against_the_target(
    qazvin,
):
    board = dashboard(province=qazvin, period=Period.year_to_date(REFERENCE_DATE))

    assert board.knowledge_based.count == 140
    # The target was set before that day, so that day's dashboard shows it.
    target = board.knowledge_based.target
    assert target is not None
    assert (target.count, target.due_on) == (TARGET_COUNT, TARGET_DUE)
    assert timezone.localdate(target.created_at) <= REFERENCE_DATE
    assert board.knowledge_based.target_share == 70
    assert board.knowledge_based.series[-1] == (REFERENCE_DATE, 140)


def test_the_cosmetics_line_opened_that_day_with_its_investment_jobs_products_and_forecast(
    reference_day,
):
    openings = reference_day.openings
    [line] = [line for line in openings.lines if line.company.legal_name == GOLSAR]

    assert line.opened_on == REFERENCE_DATE
    assert (line.amount, line.currency) == (Decimal(4_000_000), Currency.USD)
    assert (line.jobs_created, line.product_types) == (100, 90)
    assert dict(openings.by_currency)[Currency.USD] >= Decimal(4_000_000)
    # The forecast quoted is for 1405, the year after the visit's.
    forecast = openings.forecasts[line.pk]
    assert forecast.year == 1405
    assert forecast.usd == Decimal(1_000_000)
    assert len(forecast.destinations) == 2
    assert set(forecast.destinations) == {
        CountryGroup.objects.get(code="arab_league"),
        Country.objects.get(code="RU"),
    }
    # It counts in the period's openings.
    assert openings.jobs >= 100 and openings.products >= 90


def test_the_detergent_share_of_that_day_is_half_the_country_s_need_with_its_source(
    reference_day,
):
    [(sector, shares)] = [
        (sector, shares) for sector, shares in reference_day.shares if sector.code == "detergents"
    ]
    newest = shares[0]
    assert newest.stated_on == REFERENCE_DATE
    assert (newest.value, newest.basis) == (Decimal(50), ShareBasis.NEED)
    assert newest.source == SPOKESPERSON
    # The other sources' figures stay beside it.
    assert {s.value for s in shares[1:]} == {Decimal(60), Decimal(10)}
    assert all(s.source and s.source != SPOKESPERSON for s in shares[1:])


def test_units_revived_in_1404_before_the_reference_day(qazvin):
    assert revived_units(province=qazvin, period=Period.year_to_date(REFERENCE_DATE)) >= 2


# --- This year -----------------------------------------------------------------------------------


def test_every_figure_of_this_year_s_dashboard_has_records_behind_it(this_year):
    board = this_year
    assert board.knowledge_based.count > 0 and board.knowledge_based.target is not None
    assert board.cases.received and board.cases.in_progress and board.cases.resolved
    assert board.cases.not_resolved
    assert board.cases_by_category and board.cases_by_county
    assert board.resolutions.total and board.resolutions.executed
    assert board.resolutions.follow_up and board.resolutions.not_executed
    assert board.sessions.provincial and board.sessions.working_group and board.sessions.county
    assert board.revived
    assert board.results.cases and board.results.approved_rial and board.results.jobs_preserved
    assert board.results.jobs_created
    assert board.openings.count and board.openings.investment_rial and board.openings.jobs
    assert board.exports.year == jalali_year_of(timezone.localdate()) + 1
    assert board.exports.total_usd and board.exports.destinations
    assert board.shares


def test_the_knowledge_based_count_rises_this_year(this_year):
    series = this_year.knowledge_based.series
    assert series[-1][1] >= series[0][1]


def test_results_are_recorded_by_the_secretariat_on_resolved_cases_between_filing_and_today(
    printed,
):
    today = timezone.localdate()
    recorded = Case.objects.filter(province__code="26", results_on__isnull=False).select_related(
        "category"
    )
    assert recorded.count() >= 5
    for case in recorded:
        assert case.outcome == "resolved" and case.results_on is not None
        assert timezone.localdate(case.created_at) <= case.results_on <= today
        assert case.jobs_preserved and case.jobs_preserved > 0
        if case.category.code == "banking":
            assert case.approved_amount is not None
            assert LOAN_RANGE[0] <= case.approved_amount <= LOAN_RANGE[1]
        else:
            assert case.approved_amount is None
        [event] = CaseEvent.objects.filter(case=case, kind=CaseEventKind.RESULTS)
        assert event.actor is not None
        assert event.data["after"]["results_on"] == case.results_on.isoformat()
        assert timezone.localdate(event.created_at) == case.results_on
    # Every banking case resolved long enough ago has its loan recorded.
    calendar = work_calendar()
    checked = 0
    for case in Case.objects.filter(
        province__code="26",
        category__code="banking",
        outcome="resolved",
        status__in=["resolved", "closed"],
    ):
        resolved = case.events.filter(to_status="resolved").latest("created_at")
        known = calendar.add_working_days(
            timezone.localdate(resolved.created_at), RESULTS_AFTER_DAYS
        )
        if known < today:
            assert case.approved_amount is not None and case.results_on is not None
            checked += 1
    assert checked


def test_revived_units_were_idle_and_their_status_follows_their_history(printed):
    revivals = StatusChange.objects.filter(note=REVIVAL_NOTE).select_related("company")
    assert revivals.count() >= 4
    today = timezone.localdate()
    for change in revivals:
        company = change.company
        assert change.status in (CompanyStatus.OPERATING, CompanyStatus.PARTLY_OPERATING)
        assert change.since <= today
        history = list(company.status_changes.order_by("since", "pk"))
        before = history[history.index(change) - 1]
        assert before.status == CompanyStatus.IDLE and before.since < change.since
        assert (company.status, company.status_since) == (history[-1].status, history[-1].since)
        assert change.actor is not None


def test_next_year_s_forecasts_are_stated_this_year_and_keep_the_cosmetics_destinations(
    printed,
):
    year = jalali_year_of(timezone.localdate()) + 1
    forecasts = ExportFigure.objects.filter(
        company__province__code="26", kind=ExportKind.FORECAST, year=year
    )
    assert forecasts.count() >= 5
    assert all(
        timezone.localdate(f.created_at) <= timezone.localdate() and f.source for f in forecasts
    )
    golsar = forecasts.filter(company__legal_name=GOLSAR)
    if year > 1405:
        assert {f.group.code for f in golsar if f.group} == {"arab_league"}
        assert {f.country.code for f in golsar if f.country} == {"RU"}


def test_loading_the_figures_again_adds_nothing(printed):
    before = (
        StatusChange.objects.count(),
        Certificate.objects.count(),
        ExportFigure.objects.count(),
    )

    result = load_figures()

    assert (result.certified, result.revived, result.forecasts) == (0, 0, 0)
    assert (
        StatusChange.objects.count(),
        Certificate.objects.count(),
        ExportFigure.objects.count(),
    ) == before
    assert "Figures: " in printed and "results recorded on" in printed


# --- The press brief -----------------------------------------------------------------------------


def test_the_press_brief_of_the_reference_day_states_the_scenario_s_figures(qazvin):
    press = pytest.importorskip("tashil.figures.press")

    text = press.brief_text(province=qazvin, on=REFERENCE_DATE, language="fa")

    def says(number: str) -> bool:
        # The number itself, not a part of a longer one (۱۴۰ in ۱۴۰۵).
        return re.search(rf"(?<![۰-۹٬٫]){number}(?![۰-۹٬٫])", text) is not None

    with translation.override("fa"):
        investment = press.money(Decimal(4_000_000), Currency.USD)
        forecast = press.money(Decimal(1_000_000), Currency.USD)
    assert says("۱۴۰")
    assert investment in text and "۴" in investment
    assert says("۱۰۰") and says("۹۰")
    assert forecast in text
    assert CountryGroup.objects.get(code="arab_league").name in text  # کشورهای عربی
    assert "روسیه" in text
    assert says("۵۰") and SPOKESPERSON in text
    # Persian digits throughout.
    assert not re.search(r"[0-9]", text)
