"""The project pages: who sees and who changes what, the list's filters and totals, the project
page with the source of each figure, and what the forms write (and keep, on a bad input)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import jdatetime
import pytest
from django.urls import reverse
from django.utils import translation

from tashil.core.jalali import format_jalali
from tashil.factories import CompanyFactory, CountyFactory, ProvinceFactory
from tashil.investments.models import Project, ProjectUpdate
from tashil.investments.services import (
    export_record,
    item_add,
    project_report_progress,
)
from tashil.investments.tests.conftest import RATE, RATE_ON, dollars, tomans
from tashil.investments.workflow import ProjectStatus

pytestmark = pytest.mark.django_db

LIST = reverse("investments:project_list")
CREATE = reverse("investments:project_create")


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def detail_url(project: Project) -> str:
    return reverse("investments:project_detail", args=[project.pk])


def edit_url(project: Project) -> str:
    return reverse("investments:project_edit", args=[project.pk])


def progress_url(project: Project) -> str:
    return reverse("investments:project_progress", args=[project.pk])


def fa(message: str) -> str:
    """A message as the Persian page shows it (whatever the catalogue holds today)."""
    with translation.override("fa"):
        return str(translation.gettext(message))


def jalali_year(day: dt.date) -> int:
    return int(jdatetime.date.fromgregorian(date=day).year)


# --- The list ------------------------------------------------------------------------------------


def test_the_secretariat_lists_every_project_of_its_province(
    client: Any,
    secretariat: Any,
    make_project: Callable[..., Any],
    company: Any,
    other_company: Any,
) -> None:
    ours = make_project(company, title="خط شوینده")
    theirs = make_project(other_company, title="خط قطعات")
    response = login(client, secretariat).get(LIST)
    assert response.status_code == 200
    assert set(response.context["projects"]) == {ours, theirs}
    assert "خط شوینده" in response.content.decode()


def test_a_representative_lists_only_their_own_companys_projects(
    client: Any, owner: Any, make_project: Callable[..., Any], company: Any, other_company: Any
) -> None:
    ours = make_project(company, title="خط شوینده")
    make_project(other_company, title="خط قطعات")
    response = login(client, owner).get(LIST)
    assert list(response.context["projects"]) == [ours]
    assert "خط قطعات" not in response.content.decode()


def test_an_agency_officer_lists_no_project(
    client: Any, officer: Any, make_project: Callable[..., Any], company: Any
) -> None:
    make_project(company)
    response = login(client, officer).get(LIST)
    assert response.status_code == 200
    assert list(response.context["projects"]) == []


def test_the_list_filters_by_county_status_sector_and_text(
    client: Any,
    secretariat: Any,
    make_project: Callable[..., Any],
    company: Any,
    other_company: Any,
    detergents: Any,
) -> None:
    soap = make_project(company, title="خط صابون", sector=detergents)
    make_project(other_company, title="خط قطعات", status=ProjectStatus.UNDER_CONSTRUCTION)
    client = login(client, secretariat)
    assert list(client.get(LIST, {"county": company.county_id}).context["projects"]) == [soap]
    assert list(client.get(LIST, {"status": "planned"}).context["projects"]) == [soap]
    assert list(client.get(LIST, {"sector": detergents.pk}).context["projects"]) == [soap]
    assert list(client.get(LIST, {"q": "صابون"}).context["projects"]) == [soap]


def test_the_list_filters_by_the_jalali_year_of_opening_typed_in_persian_digits(
    client: Any,
    secretariat: Any,
    make_project: Callable[..., Any],
    company: Any,
    today: dt.date,
) -> None:
    opened = make_project(company, title="باز شده", status=ProjectStatus.OPERATING, opened_on=today)
    next_year = make_project(
        company, title="سال بعد", planned_opening_on=today + dt.timedelta(days=400)
    )
    year = jalali_year(today)
    persian_year = str(year).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    client = login(client, secretariat)
    assert list(client.get(LIST, {"opening_year": persian_year}).context["projects"]) == [opened]
    later = jalali_year(today + dt.timedelta(days=400))
    assert list(client.get(LIST, {"opening_year": later}).context["projects"]) == [next_year]


def test_a_bad_opening_year_shows_its_error_and_leaves_the_other_filters_on(
    client: Any, secretariat: Any, make_project: Callable[..., Any], company: Any, detergents: Any
) -> None:
    soap = make_project(company, title="خط صابون", sector=detergents)
    make_project(company, title="خط دیگر")
    response = login(client, secretariat).get(
        LIST, {"opening_year": "2025", "sector": detergents.pk}
    )
    assert "opening_year" in response.context["form"].errors
    assert list(response.context["projects"]) == [soap]


def test_the_list_totals_the_investment_in_rials_and_the_jobs(
    client: Any, secretariat: Any, make_project: Callable[..., Any], company: Any
) -> None:
    make_project(
        company, investment=dollars(4_000_000), jobs_planned=100, jobs_created=20, product_types=90
    )
    make_project(company, investment=tomans(500_000_000), jobs_planned=30, product_types=5)
    response = login(client, secretariat).get(LIST)
    totals = response.context["totals"]
    assert totals.count == 2
    assert totals.investment_rial == 4_000_000 * RATE + 5_000_000_000
    assert (totals.jobs_planned, totals.jobs_created, totals.product_types) == (130, 20, 95)
    # 4,205,000,000,000 rials, in Persian digits.
    assert "۴٬۲۰۵٬۰۰۰٬۰۰۰٬۰۰۰" in response.content.decode()


def test_the_list_pages_and_links_the_downloads_with_the_same_filters(
    client: Any, secretariat: Any, make_project: Callable[..., Any], company: Any
) -> None:
    for number in range(26):
        make_project(company, title=f"خط {number}")
    client = login(client, secretariat)
    first = client.get(LIST, {"status": "planned"})
    assert len(first.context["projects"]) == 25
    assert first.context["has_next"]
    second = client.get(LIST, {"status": "planned", "page": "2"})
    assert len(second.context["projects"]) == 1
    assert not second.context["has_next"]
    export = reverse("investments:project_export", args=["xlsx"])
    assert f'href="{export}?status=planned"' in first.content.decode()


def test_the_filters_answer_htmx_with_the_table_alone(
    client: Any, secretariat: Any, make_project: Callable[..., Any], company: Any
) -> None:
    make_project(company, title="خط صابون")
    response = login(client, secretariat).get(LIST, {"q": "صابون"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "خط صابون" in body
    assert "<html" not in body


def test_the_list_costs_the_same_few_queries_for_many_projects(
    client: Any,
    secretariat: Any,
    make_project: Callable[..., Any],
    company: Any,
    estate: Any,
    django_assert_max_num_queries: Any,
) -> None:
    make_project(company, estate=estate, county=company.county)
    client = login(client, secretariat)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for number in range(15):
        other = CompanyFactory(county=company.county)
        make_project(other, title=f"خط {number}", estate=estate, county=company.county)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["projects"]) == 16


# --- A project -----------------------------------------------------------------------------------


def test_the_project_page_shows_the_dollar_investment_its_rials_rate_and_date(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    response = login(client, secretariat).get(detail_url(cosmetics_line))
    body = response.content.decode()
    assert response.status_code == 200
    with translation.override("fa"):
        dollar = fa("US dollar")
    assert f"۴٬۰۰۰٬۰۰۰ {dollar}" in body
    assert "۴٬۲۰۰٬۰۰۰٬۰۰۰٬۰۰۰" in body  # 4,000,000 × 1,050,000 rials
    assert "۱٬۰۵۰٬۰۰۰" in body  # the rate
    assert format_jalali(RATE_ON) in body  # and its date, in Jalali
    assert "۱۰۰" in body and "۹۰" in body  # jobs planned, product types


def test_each_figure_shows_the_source_of_its_latest_change(
    client: Any, secretariat: Any, cosmetics_line: Project, today: dt.date
) -> None:
    project_report_progress(
        actor=secretariat,
        project=cosmetics_line,
        source="شرکت شهرک‌های صنعتی",
        on=today,
        jobs_created=60,
    )
    response = login(client, secretariat).get(detail_url(cosmetics_line))
    sources = response.context["sources"]
    assert sources["jobs_created"].source == "شرکت شهرک‌های صنعتی"
    assert sources["jobs_planned"].source == "سخنگوی دولت"
    body = response.content.decode()
    assert "شرکت شهرک‌های صنعتی" in body
    assert format_jalali(today) in body


def test_the_history_lists_the_updates_newest_first_and_readably(
    client: Any, secretariat: Any, cosmetics_line: Project, today: dt.date
) -> None:
    project_report_progress(
        actor=secretariat,
        project=cosmetics_line,
        source="بازدید میدانی",
        on=today,
        progress=98,
        jobs_created=60,
    )
    response = login(client, secretariat).get(detail_url(cosmetics_line))
    updates = response.context["updates"]
    assert [u.kind for u in updates] == [ProjectUpdate.Kind.PROGRESS, ProjectUpdate.Kind.CREATED]
    with translation.override("fa"):
        # «… ۹۵٪ → ۹۸٪» (the Persian catalogue turns the arrow with the text)
        assert any("۹۵٪" in line and "۹۸٪" in line for line in updates[0].lines)
        assert any("۶۰" in line for line in updates[0].lines)
    assert "بازدید میدانی" in response.content.decode()


def test_a_line_opened_on_a_visit_links_to_the_visit(
    client: Any, secretariat: Any, cosmetics_line: Project, visit: Any
) -> None:
    item = item_add(
        actor=secretariat,
        visit=visit,
        day=visit.starts_on,
        kind="opening",
        title="افتتاح خط تولید",
        project=cosmetics_line,
    )
    response = login(client, secretariat).get(detail_url(cosmetics_line))
    assert response.context["opening"] == item
    body = response.content.decode()
    assert reverse("investments:visit_detail", args=[visit.pk]) in body
    assert visit.title in body
    assert format_jalali(visit.starts_on) in body  # the opening date


def test_a_representative_sees_the_visit_that_opened_their_line_without_a_link(
    client: Any, secretariat: Any, owner: Any, cosmetics_line: Project, visit: Any
) -> None:
    item_add(
        actor=secretariat,
        visit=visit,
        day=visit.starts_on,
        kind="opening",
        title="افتتاح خط تولید",
        project=cosmetics_line,
    )
    body = login(client, owner).get(detail_url(cosmetics_line)).content.decode()
    assert visit.title in body
    assert reverse("investments:visit_detail", args=[visit.pk]) not in body


def test_the_project_page_totals_its_export_forecast_by_group_and_by_country(
    client: Any, secretariat: Any, cosmetics_line: Project, destinations: Any
) -> None:
    for destination, amount in ((destinations.arab, 600_000), (destinations.russia, 400_000)):
        export_record(
            actor=None,
            company=cosmetics_line.company,
            project=cosmetics_line,
            kind="forecast",
            year=1405,
            destination=destination,
            value=dollars(amount),
            source="سخنگوی دولت",
        )
    response = login(client, secretariat).get(detail_url(cosmetics_line))
    [period] = response.context["export_periods"]
    assert (period.year, period.kind) == (1405, "forecast")
    totals = period.totals
    assert totals.total.rial == 1_000_000 * RATE
    assert {g.code: a.rial for g, a in totals.by_group} == {
        "arab_league": 600_000 * RATE,
        "eaeu": 400_000 * RATE,
        "neighbours": 400_000 * RATE,
    }
    assert [(c.code, a.rial) for c, a in totals.by_country] == [("RU", 400_000 * RATE)]
    body = response.content.decode()
    assert "کشورهای عربی" in body and "روسیه" in body


def test_the_secretariat_gets_the_buttons_the_executive_does_not(
    client: Any, secretariat: Any, executive: Any, cosmetics_line: Project
) -> None:
    body = login(client, secretariat).get(detail_url(cosmetics_line)).content.decode()
    assert edit_url(cosmetics_line) in body
    assert progress_url(cosmetics_line) in body
    assert reverse("investments:export_create") in body
    response = login(client, executive).get(detail_url(cosmetics_line))
    assert response.status_code == 200
    body = response.content.decode()
    assert edit_url(cosmetics_line) not in body
    assert progress_url(cosmetics_line) not in body


def test_a_project_out_of_scope_is_not_found(
    client: Any, other_owner: Any, officer: Any, cosmetics_line: Project
) -> None:
    assert login(client, other_owner).get(detail_url(cosmetics_line)).status_code == 404
    assert login(client, officer).get(detail_url(cosmetics_line)).status_code == 404
    assert login(client, other_owner).get(edit_url(cosmetics_line)).status_code == 404


# --- Record ---------------------------------------------------------------------------------------


def project_data(company: Any, sector: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "company": company.national_id,
        "title": "خط تولید شامپو",
        "sector": sector.pk,
        "county": "",
        "estate": "",
        "description": "",
        "amount": "۴٬۰۰۰٬۰۰۰",
        "currency": "USD",
        "rate": "1050000",
        "rate_on": "1404/09/19",
        "jobs_planned": "۱۰۰",
        "jobs_created": "",
        "product_types": "90",
        "progress": "40",
        "status": "under_construction",
        "planned_opening_on": "1405/01/20",
        "opened_on": "",
        "source": "سخنگوی دولت",
        "on": "1404/09/20",
    }
    data.update(overrides)
    return data


def test_the_secretariat_records_a_project_with_its_first_history_row(
    client: Any, secretariat: Any, company: Any, sector: Any
) -> None:
    response = login(client, secretariat).post(CREATE, project_data(company, sector))
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(project)
    assert (project.amount, project.currency, project.rate) == (4_000_000, "USD", RATE)
    assert project.rate_on == RATE_ON
    assert project.amount_rial == 4_000_000 * RATE
    assert (project.jobs_planned, project.product_types, project.progress) == (100, 90, 40)
    assert project.county == company.county  # left empty: the company's
    assert project.planned_opening_on == dt.date(2026, 4, 9)
    update = project.updates.get()
    assert update.kind == ProjectUpdate.Kind.CREATED
    assert update.source == "سخنگوی دولت"
    assert update.on == dt.date(2025, 12, 11)
    assert update.actor == secretariat


def test_a_dollar_amount_without_its_rate_is_refused_and_the_input_kept(
    client: Any, secretariat: Any, company: Any, sector: Any
) -> None:
    response = login(client, secretariat).post(
        CREATE, project_data(company, sector, rate="", rate_on="")
    )
    assert response.status_code == 422
    form = response.context["form"]
    message = fa("A dollar amount needs the exchange rate (rials per dollar) it is counted at.")
    assert form.errors["rate"] == [message]
    body = response.content.decode()
    assert message in body
    assert 'value="خط تولید شامپو"' in body
    assert 'value="۴٬۰۰۰٬۰۰۰"' in body
    assert not Project.objects.exists()


def test_an_unknown_national_id_is_refused_on_the_company_field(
    client: Any, secretariat: Any, company: Any, sector: Any
) -> None:
    tehran = CountyFactory(province=ProvinceFactory(code="23", name="تهران"), code="2301")
    outsider = CompanyFactory(county=tehran)
    response = login(client, secretariat).post(
        CREATE, project_data(outsider, sector, currency="IRR", rate="", rate_on="")
    )
    assert response.status_code == 422
    assert "company" in response.context["form"].errors
    assert not Project.objects.exists()


def test_the_service_refusal_lands_on_its_field(
    client: Any, secretariat: Any, company: Any, sector: Any
) -> None:
    response = login(client, secretariat).post(
        CREATE, project_data(company, sector, status="operating", opened_on="")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["opened_on"] == [
        fa("An operating line needs its opening date.")
    ]


def test_a_link_from_the_company_page_prefills_the_company_and_its_site(
    client: Any, secretariat: Any, company: Any, estate: Any
) -> None:
    company.estate = estate
    company.save()
    response = login(client, secretariat).get(CREATE, {"company": company.national_id})
    form = response.context["form"]
    assert form.initial["company"] == company.national_id
    assert form.initial["county"] == company.county
    assert form.initial["estate"] == estate
    assert company.legal_name in response.content.decode()


def test_the_executive_and_representatives_cannot_record_projects(
    client: Any, executive: Any, owner: Any, county_secretary: Any, company: Any, sector: Any
) -> None:
    for user in (executive, owner, county_secretary):
        client = login(client, user)
        assert client.get(CREATE).status_code == 403
        assert client.post(CREATE, project_data(company, sector)).status_code == 403
    assert not Project.objects.exists()


# --- Edit -----------------------------------------------------------------------------------------


def edit_data(project: Project, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": project.title,
        "sector": project.sector_id,
        "county": project.county_id,
        "estate": project.estate_id or "",
        "description": project.description,
        "amount": str(project.amount),
        "currency": project.currency,
        "rate": project.rate or "",
        "rate_on": format_jalali(project.rate_on) if project.rate_on else "",
        "jobs_planned": project.jobs_planned or "",
        "jobs_created": project.jobs_created or "",
        "product_types": project.product_types or "",
        "progress": project.progress,
        "status": project.status,
        "planned_opening_on": "",
        "opened_on": "",
        "source": "اداره کل صمت",
        "on": "1404/09/22",
        "note": "",
    }
    data.update(overrides)
    return data


def test_the_secretariat_edits_a_project_and_the_history_keeps_the_change(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    response = login(client, secretariat).post(
        edit_url(cosmetics_line),
        edit_data(cosmetics_line, jobs_planned="120", rate="1100000", note="رقم تازه"),
    )
    assert response.status_code == 302
    cosmetics_line.refresh_from_db()
    assert cosmetics_line.jobs_planned == 120
    assert cosmetics_line.amount_rial == 4_000_000 * 1_100_000
    update = cosmetics_line.updates.order_by("-id").first()
    assert update is not None
    assert update.kind == ProjectUpdate.Kind.UPDATED
    assert update.changes["jobs_planned"] == [100, 120]
    assert update.changes["rate"] == [RATE, 1_100_000]
    assert (update.source, update.note, update.on) == (
        "اداره کل صمت",
        "رقم تازه",
        dt.date(2025, 12, 13),
    )


def test_an_edit_that_changes_nothing_writes_no_history(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    response = login(client, secretariat).post(edit_url(cosmetics_line), edit_data(cosmetics_line))
    assert response.status_code == 302
    assert cosmetics_line.updates.count() == 1


def test_the_edit_form_offers_only_the_moves_the_table_allows(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    response = login(client, secretariat).get(edit_url(cosmetics_line))
    offered = [value for value, _label in response.context["form"].fields["status"].widget.choices]
    assert offered == ["under_construction", "operating", "stalled"]


def test_a_move_the_table_refuses_shows_the_service_error_on_the_status(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    response = login(client, secretariat).post(
        edit_url(cosmetics_line), edit_data(cosmetics_line, status="planned", title="عنوان تازه")
    )
    assert response.status_code == 422
    (error,) = response.context["form"].errors["status"]
    with translation.override("fa"):
        expected = fa("A project cannot go from «%(source)s» to «%(target)s».") % {
            "source": fa("under construction"),
            "target": fa("planned"),
        }
    assert error == expected
    assert 'value="عنوان تازه"' in response.content.decode()
    cosmetics_line.refresh_from_db()
    assert cosmetics_line.status == ProjectStatus.UNDER_CONSTRUCTION


def test_opening_through_the_edit_form_needs_the_date_and_records_it(
    client: Any, secretariat: Any, cosmetics_line: Project, today: dt.date
) -> None:
    response = login(client, secretariat).post(
        edit_url(cosmetics_line),
        edit_data(cosmetics_line, status="operating", opened_on=format_jalali(today)),
    )
    assert response.status_code == 302
    cosmetics_line.refresh_from_db()
    assert (cosmetics_line.status, cosmetics_line.opened_on) == (ProjectStatus.OPERATING, today)
    assert cosmetics_line.progress == 100


def test_the_executive_and_the_company_cannot_edit(
    client: Any, executive: Any, owner: Any, cosmetics_line: Project
) -> None:
    for user in (executive, owner):
        client = login(client, user)
        assert client.get(edit_url(cosmetics_line)).status_code == 403
        assert client.post(edit_url(cosmetics_line), edit_data(cosmetics_line)).status_code == 403
        assert client.post(progress_url(cosmetics_line), {}).status_code == 403
    assert cosmetics_line.updates.count() == 1


# --- Progress ------------------------------------------------------------------------------------


def test_a_progress_report_updates_the_project_and_keeps_the_report(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    response = login(client, secretariat).post(
        progress_url(cosmetics_line),
        {
            "on": "۱۴۰۴/۰۹/۲۰",
            "progress": "98",
            "jobs_created": "60",
            "status": "",
            "source": "بازدید کارشناس",
            "note": "نصب ماشین‌آلات تمام شد",
        },
    )
    assert response.status_code == 302
    cosmetics_line.refresh_from_db()
    assert (cosmetics_line.progress, cosmetics_line.jobs_created) == (98, 60)
    report = cosmetics_line.updates.order_by("-id").first()
    assert report is not None
    assert report.kind == ProjectUpdate.Kind.PROGRESS
    assert report.changes == {"progress": [95, 98], "jobs_created": [None, 60]}
    assert (report.source, report.on) == ("بازدید کارشناس", dt.date(2025, 12, 11))
    assert report.note == "نصب ماشین‌آلات تمام شد"


def test_a_progress_report_may_stall_the_project_but_not_open_it(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    client = login(client, secretariat)
    offered = [
        value
        for value, _label in client.get(progress_url(cosmetics_line))
        .context["form"]
        .fields["status"]
        .choices
    ]
    assert offered == ["", "stalled"]
    client.post(
        progress_url(cosmetics_line),
        {"on": "1404/09/20", "status": "stalled", "source": "اداره کل صمت"},
    )
    cosmetics_line.refresh_from_db()
    assert cosmetics_line.status == ProjectStatus.STALLED


def test_an_empty_progress_report_is_refused(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    response = login(client, secretariat).post(
        progress_url(cosmetics_line), {"on": "1404/09/20", "source": "اداره کل صمت"}
    )
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [fa("Report at least one figure.")]
    assert cosmetics_line.updates.count() == 1


# --- Navigation -----------------------------------------------------------------------------------


def test_the_navigation_shows_the_investment_pages_to_those_who_see_them(
    client: Any, secretariat: Any, officer: Any, owner: Any
) -> None:
    home = reverse("core:home")
    body = login(client, secretariat).get(home).content.decode()
    for testid in ("nav-projects", "nav-exports", "nav-visits", "nav-shares"):
        assert f'data-testid="{testid}"' in body
    body = login(client, owner).get(home).content.decode()
    assert 'data-testid="nav-projects"' in body
    assert 'data-testid="nav-visits"' not in body
    body = login(client, officer).get(home).content.decode()
    assert 'data-testid="nav-projects"' not in body
    assert 'data-testid="nav-exports"' not in body


def test_the_project_page_speaks_english_with_ascii_digits_when_chosen(
    client: Any, secretariat: Any, cosmetics_line: Project, settings: Any
) -> None:
    client = login(client, secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(detail_url(cosmetics_line)).content.decode()
    assert "4,000,000 US dollar" in body
    assert "4,200,000,000,000 rial" in body
    assert "۴٬۰۰۰٬۰۰۰" not in body
