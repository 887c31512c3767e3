"""Reads of projects, export figures, visits and sector shares: who sees what, the project list's
filters (the opening year is Jalali) and its totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tashil.factories import CompanyFactory, CountyFactory, ProvinceFactory
from tashil.investments.models import ExportKind
from tashil.investments.selectors import (
    ProjectFilters,
    can_edit,
    exports_for_user,
    jalali_year,
    jalali_year_bounds,
    project_get_for_user,
    project_list,
    project_totals,
    projects_for_user,
    shares_for_user,
    visits_for_user,
)
from tashil.investments.services import export_record, share_add, visit_create
from tashil.investments.tests.conftest import RATE, dollars, rials, tomans
from tashil.investments.workflow import ProjectStatus

pytestmark = pytest.mark.django_db

CAST = [
    "secretariat",
    "executive",
    "county_secretary",
    "owner",
    "other_owner",
    "officer",
    "expert",
    "admin_user",
]


@pytest.fixture
def world(
    province, county, other_county, company, other_company, estate, detergents, sector, make_project
) -> SimpleNamespace:
    """Qazvin with three lines — A of company A at its site, B of company B, C of company A built
    in the other county — and Tehran with one line; an export figure of each company, a visit
    and a sector share in each province."""
    tehran = ProvinceFactory(code="23", name="تهران")
    tehran_company = CompanyFactory(
        county=CountyFactory(province=tehran, code="2301", name="شمیرانات"),
        legal_name="شرکت البرز تهران",
    )
    found = SimpleNamespace(tehran=tehran)
    found.a = make_project(company, title="خط A", sector=detergents, estate=estate)
    found.b = make_project(other_company, title="خط B")
    found.c = make_project(company, title="خط C", county=other_county)
    found.far = make_project(tehran_company, title="خط تهران")

    def figure(owner: Any, **fields: Any) -> Any:
        return export_record(
            actor=None,
            company=owner,
            kind=ExportKind.FORECAST,
            year=1404,
            destination=fields.pop("destination"),
            value=dollars(1),
            source="شرکت",
            **fields,
        )[0]

    from tashil.geo.models import Country

    russia = Country.objects.create(code="RU", alpha3="RUS", name="روسیه")
    found.figure_a = figure(company, destination=russia)
    found.figure_c = figure(company, destination=russia, project=found.c)
    found.figure_b = figure(other_company, destination=russia)
    found.figure_far = figure(tehran_company, destination=russia)

    def visit(where: Any) -> Any:
        return visit_create(
            actor=None,
            province=where,
            title=f"سفر به {where.name}",
            visitor_name="x",
            visitor_title="y",
            starts_on=dt.date(2025, 12, 15),
        )

    found.visit, found.far_visit = visit(province), visit(tehran)

    def share(where: Any) -> Any:
        return share_add(
            actor=None,
            province=where,
            sector=detergents,
            basis="need",
            value=Decimal(50),
            source="سخنگوی دولت",
            stated_on=dt.date(2025, 12, 15),
        )

    found.share, found.far_share = share(province), share(tehran)
    return found


# --- Who sees what -------------------------------------------------------------------------------

PROJECTS = {
    "secretariat": {"a", "b", "c"},
    "executive": {"a", "b", "c"},
    # The county is the line's, not the company's: C is built in the other county.
    "county_secretary": {"a"},
    "owner": {"a", "c"},
    "other_owner": {"b"},
    "officer": set(),
    "expert": set(),
    "admin_user": set(),
}

FIGURES = {
    "secretariat": {"figure_a", "figure_b", "figure_c"},
    "executive": {"figure_a", "figure_b", "figure_c"},
    # An export figure is the company's: it follows the company's county.
    "county_secretary": {"figure_a", "figure_c"},
    "owner": {"figure_a", "figure_c"},
    "other_owner": {"figure_b"},
    "officer": set(),
    "expert": set(),
    "admin_user": set(),
}

# A programme is for the HQ's staff before the day; published shares for anyone in the province.
VISITS = {"secretariat", "executive", "county_secretary"}
SHARES = {
    "secretariat",
    "executive",
    "county_secretary",
    "owner",
    "other_owner",
    "officer",
    "expert",
}


def named(world: SimpleNamespace, rows: Any, names: list[str]) -> set[str]:
    by_pk = {getattr(world, name).pk: name for name in names}
    return {by_pk[row.pk] for row in rows}


@pytest.mark.parametrize("persona", CAST)
def test_each_persona_sees_the_projects_of_its_scope(world, request, persona):
    user = request.getfixturevalue(persona)

    seen = named(world, projects_for_user(user), ["a", "b", "c", "far"])

    assert seen == PROJECTS[persona]
    for name in ("a", "b", "c", "far"):
        found = project_get_for_user(user=user, pk=getattr(world, name).pk)
        assert (found is not None) == (name in PROJECTS[persona])


@pytest.mark.parametrize("persona", CAST)
def test_each_persona_sees_the_export_figures_of_its_scope(world, request, persona):
    user = request.getfixturevalue(persona)
    names = ["figure_a", "figure_b", "figure_c", "figure_far"]

    assert named(world, exports_for_user(user), names) == FIGURES[persona]


@pytest.mark.parametrize("persona", CAST)
def test_the_visits_are_for_the_hq_staff_of_the_province(world, request, persona):
    user = request.getfixturevalue(persona)

    seen = named(world, visits_for_user(user), ["visit", "far_visit"])

    assert seen == ({"visit"} if persona in VISITS else set())


@pytest.mark.parametrize("persona", CAST)
def test_the_shares_are_for_anyone_with_a_role_in_the_province(world, request, persona):
    user = request.getfixturevalue(persona)

    seen = named(world, shares_for_user(user), ["share", "far_share"])

    assert seen == ({"share"} if persona in SHARES else set())


@pytest.mark.parametrize("persona", CAST)
def test_only_the_secretariat_records(world, request, persona, province):
    user = request.getfixturevalue(persona)
    assert can_edit(user, province.pk) == (persona == "secretariat")
    assert not can_edit(user, world.tehran.pk)


def test_nobody_outside_sees_anything(world, secretariat):
    stranger = AnonymousUser()
    secretariat.is_active = False
    for user in (stranger, secretariat):
        assert not projects_for_user(user).exists()
        assert not exports_for_user(user).exists()
        assert not visits_for_user(user).exists()
        assert not shares_for_user(user).exists()


def test_the_secretariat_of_another_province_sees_only_its_own(world):
    from tashil.conftest import _user_with_role

    tehran_secretariat = _user_with_role("tehran", "secretariat", province=world.tehran)

    assert named(world, projects_for_user(tehran_secretariat), ["a", "b", "c", "far"]) == {"far"}
    assert named(world, visits_for_user(tehran_secretariat), ["visit", "far_visit"]) == {
        "far_visit"
    }
    assert can_edit(tehran_secretariat, world.tehran.pk)


# --- The project list ----------------------------------------------------------------------------


def titles(projects: Any) -> set[str]:
    return {project.title for project in projects}


def listed(user: Any, **filters: Any) -> set[str]:
    return titles(project_list(user=user, filters=ProjectFilters(**filters)))


def test_the_list_filters_by_county_estate_sector_and_company(
    world, secretariat, county, other_county, estate, detergents, sector, company
):
    assert listed(secretariat) == {"خط A", "خط B", "خط C"}
    assert listed(secretariat, county=county.pk) == {"خط A"}
    assert listed(secretariat, county=other_county.pk) == {"خط B", "خط C"}
    assert listed(secretariat, estate=estate.pk) == {"خط A"}
    assert listed(secretariat, sector=detergents.pk) == {"خط A"}
    assert listed(secretariat, sector=sector.pk) == {"خط B", "خط C"}
    assert listed(secretariat, company=company.pk) == {"خط A", "خط C"}
    assert listed(secretariat, company=company.pk, county=other_county.pk) == {"خط C"}


def test_the_filters_never_reach_beyond_the_user(world, owner, other_county):
    assert listed(owner, county=other_county.pk) == {"خط C"}
    assert listed(owner, company=world.b.company_id) == set()


def test_the_list_filters_by_status(make_project, company, secretariat, today):
    make_project(company, title="در دست ساخت", status=ProjectStatus.UNDER_CONSTRUCTION)
    make_project(company, title="متوقف", status=ProjectStatus.STALLED)
    make_project(company, title="بهره‌برداری", status=ProjectStatus.OPERATING, opened_on=today)

    assert listed(secretariat, status=ProjectStatus.STALLED) == {"متوقف"}
    assert listed(secretariat, status=ProjectStatus.OPERATING) == {"بهره‌برداری"}
    assert listed(secretariat, status=ProjectStatus.PLANNED) == set()


def test_jalali_years_run_from_farvardin_to_esfand():
    assert jalali_year_bounds(1403) == (dt.date(2024, 3, 20), dt.date(2025, 3, 20))  # 30 Esfand
    assert jalali_year_bounds(1404) == (dt.date(2025, 3, 21), dt.date(2026, 3, 20))  # 29 Esfand
    assert jalali_year(dt.date(2026, 3, 20)) == 1404
    assert jalali_year(dt.date(2026, 3, 21)) == 1405


@pytest.fixture
def openings(make_project, company) -> None:
    """Lines opened on each side of Nowruz 1405, and lines still to open."""
    operating = ProjectStatus.OPERATING

    def opened(title: str, on: dt.date, **fields: Any) -> None:
        make_project(company, title=title, status=operating, opened_on=on, **fields)

    opened("۲۹ اسفند ۱۴۰۴", dt.date(2026, 3, 20))
    opened("۱ فروردین ۱۴۰۵", dt.date(2026, 3, 21))
    # Planned for 1404, opened late: it counts in the year it opened.
    opened("دیرتر از برنامه", dt.date(2026, 4, 1), planned_opening_on=dt.date(2026, 3, 1))
    opened("۳۰ اسفند ۱۴۰۳", dt.date(2025, 3, 20))
    make_project(company, title="برنامه ۱۴۰۵", planned_opening_on=dt.date(2026, 3, 21))
    make_project(company, title="برنامه ۱۴۰۴", planned_opening_on=dt.date(2026, 3, 20))
    make_project(company, title="بی‌تاریخ")


def test_the_opening_year_is_the_jalali_year(openings, secretariat):
    assert listed(secretariat, opening_year=1404) == {"۲۹ اسفند ۱۴۰۴", "برنامه ۱۴۰۴"}
    assert listed(secretariat, opening_year=1405) == {
        "۱ فروردین ۱۴۰۵",
        "دیرتر از برنامه",
        "برنامه ۱۴۰۵",
    }
    assert listed(secretariat, opening_year=1403) == {"۳۰ اسفند ۱۴۰۳"}
    assert listed(secretariat, opening_year=1402) == set()


def test_the_list_shows_the_latest_openings_first_on_every_database(openings, secretariat):
    order = [p.title for p in project_list(user=secretariat, filters=ProjectFilters())]

    assert order == [
        "دیرتر از برنامه",
        "۱ فروردین ۱۴۰۵",
        "۲۹ اسفند ۱۴۰۴",
        "۳۰ اسفند ۱۴۰۳",
        "برنامه ۱۴۰۵",
        "برنامه ۱۴۰۴",
        "بی‌تاریخ",
    ]


@pytest.fixture
def knowledge_based_line(make_project, company) -> Any:
    return make_project(company, title="خط تولید مواد شوینده دانش\u200cبنیان")


@pytest.mark.parametrize(
    "query",
    [
        "دانش\u200cبنیان",  # with the ZWNJ
        "دانشبنیان",  # as copied out of a PDF
        "دانش\u200cبنيان",  # Arabic yeh
        "خط توليد",  # Arabic yeh, in the title's first words
        "  مواد   شوینده ",  # extra spaces
        "گلسار",  # the company's name
        "دانش\u200cبنیان\u200f",  # a stray bidi mark
    ],
)
def test_the_search_finds_every_spelling(knowledge_based_line, secretariat, query):
    assert listed(secretariat, q=query) == {"خط تولید مواد شوینده دانش\u200cبنیان"}


def test_the_search_finds_the_spelling_with_a_space(knowledge_based_line, secretariat):
    assert listed(secretariat, q="دانش بنیان") == {"خط تولید مواد شوینده دانش\u200cبنیان"}


def test_the_search_finds_a_renamed_line_by_its_new_name(knowledge_based_line, secretariat):
    from tashil.investments.services import project_update

    project_update(
        actor=None, project=knowledge_based_line, source="شرکت", title="خط تولید ۲ مایع ظرفشویی"
    )

    assert listed(secretariat, q="دانشبنیان") == set()
    assert listed(secretariat, q="خط تولید 2") == {"خط تولید ۲ مایع ظرفشویی"}


def test_the_search_follows_a_renamed_company(knowledge_based_line, company, secretariat):
    from tashil.registry.services import company_update

    company_update(actor=None, company=company, legal_name="شرکت پاکیزه قزوین")

    assert listed(secretariat, q="پاکیزه") == {"خط تولید مواد شوینده دانش\u200cبنیان"}
    assert listed(secretariat, q="گلسار") == set()


def test_the_search_finds_nothing_for_another_word(knowledge_based_line, secretariat):
    assert listed(secretariat, q="خودرو") == set()


def test_the_list_takes_a_fixed_number_of_queries(
    world, make_project, company, secretariat, django_assert_max_num_queries
):
    for number in range(8):
        make_project(company, title=f"خط {number}")

    # The user's roles, then the projects with their company, sector, county and estate.
    with django_assert_max_num_queries(2):
        rows = [
            (p.company.legal_name, p.sector.name, p.county.name, p.estate)
            for p in project_list(user=secretariat, filters=ProjectFilters())
        ]

    assert len(rows) == 11


# --- Totals --------------------------------------------------------------------------------------


def test_the_totals_add_the_listed_projects(make_project, company, other_company, secretariat):
    make_project(
        company,
        title="یک",
        investment=dollars(4_000_000),
        jobs_planned=100,
        jobs_created=40,
        product_types=90,
    )
    make_project(company, title="دو", investment=tomans(5_000), jobs_planned=20)
    make_project(other_company, title="سه", investment=rials(7), product_types=3)

    everything = project_totals(project_list(user=secretariat, filters=ProjectFilters()))
    theirs = project_totals(
        project_list(user=secretariat, filters=ProjectFilters(company=other_company.pk))
    )

    assert everything.count == 3
    assert everything.investment_rial == 4_000_000 * RATE + 50_000 + 7
    # Unknown figures (None) are left out, not counted as zero jobs.
    assert (everything.jobs_planned, everything.jobs_created, everything.product_types) == (
        120,
        40,
        93,
    )
    assert (theirs.count, theirs.investment_rial, theirs.jobs_planned) == (1, 7, 0)


def test_no_projects_make_zero_totals(secretariat):
    totals = project_totals(project_list(user=secretariat, filters=ProjectFilters()))
    assert (totals.count, totals.investment_rial, totals.jobs_planned, totals.product_types) == (
        0,
        0,
        0,
        0,
    )
