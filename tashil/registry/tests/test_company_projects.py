"""The company page's investment section: its projects (title, status, investment with the rial
equivalent, jobs, opening date) and its export figures, as far as the reader sees them, with
the links to add them for the secretariat."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tashil.core.jalali import format_jalali
from tashil.core.money import Currency, Money
from tashil.geo.models import Country, CountryGroup
from tashil.investments.models import Project, Sector
from tashil.investments.services import export_record, project_create
from tashil.investments.workflow import ProjectStatus

pytestmark = pytest.mark.django_db

RATE = 1_050_000


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def page(company: Any) -> str:
    return reverse("registry:company_detail", args=[company.national_id])


@pytest.fixture
def opened_line(company: Any) -> Project:
    sector = Sector.objects.create(code="cosmetics", name="آرایشی و بهداشتی")
    return project_create(
        actor=None,
        company=company,
        title="خط تولید محصولات آرایشی",
        sector=sector,
        investment=Money(Decimal(4_000_000), Currency.USD, RATE, dt.date(2025, 12, 10)),
        source="سخنگوی دولت",
        jobs_planned=100,
        jobs_created=80,
        product_types=90,
        status=ProjectStatus.OPERATING,
        opened_on=timezone.localdate() - dt.timedelta(days=1),
    )


@pytest.fixture
def forecasts(company: Any, opened_line: Project) -> None:
    russia = Country.objects.create(code="RU", alpha3="RUS", name="روسیه", name_en="Russia")
    arab = CountryGroup.objects.create(code="arab_league", name="کشورهای عربی")
    for destination, amount in ((arab, 600_000), (russia, 400_000)):
        export_record(
            actor=None,
            company=company,
            project=opened_line,
            kind="forecast",
            year=1405,
            destination=destination,
            value=Money(Decimal(amount), Currency.USD, RATE, dt.date(2025, 12, 10)),
            source="سخنگوی دولت",
        )


def test_the_company_page_lists_its_projects_with_the_rial_equivalent(
    client: Any, secretariat: Any, company: Any, opened_line: Project
) -> None:
    response = login(client, secretariat).get(page(company))
    assert response.status_code == 200
    assert response.context["projects"] == [opened_line]
    body = response.content.decode()
    assert "خط تولید محصولات آرایشی" in body
    assert reverse("investments:project_detail", args=[opened_line.pk]) in body
    assert "۴٬۰۰۰٬۰۰۰" in body  # as entered, in dollars
    assert "۴٬۲۰۰٬۰۰۰٬۰۰۰٬۰۰۰" in body  # in rials
    assert "۸۰ / ۱۰۰" in body  # jobs created / planned
    assert format_jalali(opened_line.opened_on) in body


def test_the_company_page_lists_its_export_figures(
    client: Any, secretariat: Any, company: Any, forecasts: None
) -> None:
    response = login(client, secretariat).get(page(company))
    figures = response.context["export_figures"]
    assert {(f.year, f.kind, str(f.destination)) for f in figures} == {
        (1405, "forecast", "کشورهای عربی"),
        (1405, "forecast", "روسیه"),
    }
    body = response.content.decode()
    assert "کشورهای عربی" in body and "روسیه" in body
    assert "۶۰۰٬۰۰۰" in body and "۴۰۰٬۰۰۰" in body


def test_the_secretariat_gets_the_links_to_add_a_project_and_a_figure(
    client: Any, secretariat: Any, company: Any
) -> None:
    body = login(client, secretariat).get(page(company)).content.decode()
    create = reverse("investments:project_create")
    assert f"{create}?company={company.national_id}" in body
    assert f"{reverse('investments:export_create')}?company={company.national_id}" in body


def test_the_executive_reads_the_section_without_the_links(
    client: Any, executive: Any, company: Any, opened_line: Project, forecasts: None
) -> None:
    response = login(client, executive).get(page(company))
    assert response.context["projects"] == [opened_line]
    assert len(response.context["export_figures"]) == 2
    body = response.content.decode()
    assert reverse("investments:project_create") not in body
    assert reverse("investments:export_create") not in body


def test_the_representative_sees_their_companys_projects(
    client: Any, owner: Any, company: Any, opened_line: Project, forecasts: None
) -> None:
    response = login(client, owner).get(page(company))
    assert response.context["projects"] == [opened_line]
    assert 'data-testid="company-projects"' in response.content.decode()


def test_an_agency_officer_reaching_the_company_through_a_case_sees_no_investment_section(
    client: Any,
    officer: Any,
    owner: Any,
    secretariat: Any,
    company: Any,
    opened_line: Project,
    tax_agency: Any,
    category: Any,
) -> None:
    from tashil.cases.models import Channel
    from tashil.cases.services import (
        ReferralRequest,
        case_file,
        case_refer,
        case_start_screening,
    )

    case = case_file(
        actor=owner,
        company=company,
        category=category,
        title="تأخیر در استرداد مالیات",
        description="استرداد پرداخت نشده است.",
        channel=Channel.PORTAL,
    )
    case_start_screening(actor=secretariat, case=case)
    case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="بررسی کنید", days=5)],
    )
    response = login(client, officer).get(page(company))
    assert response.status_code == 200
    assert response.context["projects"] == []
    assert 'data-testid="company-projects"' not in response.content.decode()


def test_a_company_with_nothing_recorded_shows_the_section_only_to_the_secretariat(
    client: Any, secretariat: Any, executive: Any, company: Any
) -> None:
    assert 'data-testid="company-projects"' in (
        login(client, secretariat).get(page(company)).content.decode()
    )
    assert 'data-testid="company-projects"' not in (
        login(client, executive).get(page(company)).content.decode()
    )


def test_the_section_costs_the_same_queries_for_many_projects(
    client: Any,
    secretariat: Any,
    company: Any,
    opened_line: Project,
    forecasts: None,
    django_assert_max_num_queries: Any,
) -> None:
    client = login(client, secretariat)
    with django_assert_max_num_queries(60) as few:
        client.get(page(company))
    for number in range(5):
        project_create(
            actor=None,
            company=company,
            title=f"خط {number}",
            sector=opened_line.sector,
            investment=Money(Decimal(1_000), Currency.RIAL),
            source="اداره کل صمت",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page(company))
    assert len(response.context["projects"]) == 6
