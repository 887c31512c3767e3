"""The registry's pages: who sees what, what each form writes, and what a bad input shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tashil.factories import (
    ActivityFactory,
    CertificateFactory,
    CompanyFactory,
    ProductFactory,
)
from tashil.registry.models import (
    Certificate,
    Company,
    CompanyEvent,
    KnowledgeBasedTarget,
    Product,
)

pytestmark = pytest.mark.django_db


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def detail_url(company: Company) -> str:
    return reverse("registry:company_detail", args=[company.national_id])


# --- List ----------------------------------------------------------------------------------------


def test_the_secretariat_lists_every_company_of_its_province(
    client: Any, secretariat: Any, company: Company, other_company: Company
) -> None:
    response = login(client, secretariat).get(reverse("registry:company_list"))
    assert response.status_code == 200
    assert list(response.context["companies"]) == sorted(
        [company, other_company], key=lambda c: c.search_key
    )


def test_a_representative_lists_only_their_own_company(
    client: Any, owner: Any, company: Company, other_company: Company
) -> None:
    response = login(client, owner).get(reverse("registry:company_list"))
    assert list(response.context["companies"]) == [company]
    assert other_company.legal_name not in response.content.decode()


def test_an_agency_officer_lists_no_company_until_a_case_is_referred(
    client: Any, officer: Any, company: Company
) -> None:
    response = login(client, officer).get(reverse("registry:company_list"))
    assert list(response.context["companies"]) == []


def test_the_list_filters_by_knowledge_based_status_on_a_jalali_date(
    client: Any, secretariat: Any, company: Company, other_company: Company
) -> None:
    CertificateFactory(company=company, issued_on=dt.date(2024, 3, 20))
    response = login(client, secretariat).get(
        reverse("registry:company_list"), {"knowledge_based": "yes", "on": "۱۴۰۴/۰۹/۲۴"}
    )
    assert list(response.context["companies"]) == [company]
    response = client.get(
        reverse("registry:company_list"), {"knowledge_based": "no", "on": "1404/09/24"}
    )
    assert list(response.context["companies"]) == [other_company]


def test_the_list_search_finds_a_product_across_spellings(
    client: Any, secretariat: Any, company: Company, other_company: Company
) -> None:
    ProductFactory(company=company, name="کرم دانش‌بنیان ضدآفتاب")
    response = login(client, secretariat).get(reverse("registry:company_list"), {"q": "دانشبنیان"})
    assert list(response.context["companies"]) == [company]


def test_an_unknown_isic_code_in_the_filter_finds_nothing(
    client: Any, secretariat: Any, company: Company
) -> None:
    response = login(client, secretariat).get(
        reverse("registry:company_list"), {"activity": "9999"}
    )
    assert list(response.context["companies"]) == []


def test_the_list_pages_without_counting_the_table(
    client: Any, secretariat: Any, county: Any
) -> None:
    CompanyFactory.create_batch(30, county=county)
    response = login(client, secretariat).get(reverse("registry:company_list"))
    assert len(response.context["companies"]) == 25
    assert response.context["has_next"] is True
    response = client.get(reverse("registry:company_list"), {"page": "2"})
    assert len(response.context["companies"]) == 5
    assert response.context["has_next"] is False


def test_htmx_gets_only_the_table(client: Any, secretariat: Any, company: Company) -> None:
    response = login(client, secretariat).get(
        reverse("registry:company_list"), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'data-testid="company-table"' in body
    assert "<html" not in body


def test_the_list_query_count_does_not_grow_with_the_rows(
    client: Any, secretariat: Any, county: Any, django_assert_max_num_queries: Any
) -> None:
    activity = ActivityFactory()
    login(client, secretariat)
    for company in CompanyFactory.create_batch(3, county=county, activity=activity):
        CertificateFactory(company=company)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("registry:company_list"))
    for company in CompanyFactory.create_batch(20, county=county, activity=activity):
        CertificateFactory(company=company)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("registry:company_list"))
    assert len(response.context["companies"]) == 23


def test_the_province_filter_lists_the_provinces_already_read_and_keeps_the_choice(
    client: Any, secretariat: Any, province: Any, company: Company
) -> None:
    login(client, secretariat)

    response = client.get(reverse("registry:company_list"), {"province": province.code})

    select = response.context["form"]["province"]
    assert [str(value) for value, _label in select.field.widget.choices] == ["", province.code]
    assert f'<option value="{province.code}" selected>{province.name}</option>' in (
        response.content.decode()
    )
    assert list(response.context["companies"]) == [company]


def test_the_filters_refuse_a_province_the_user_has_no_role_in(
    client: Any, secretariat: Any, company: Company
) -> None:
    from tashil.factories import ProvinceFactory

    elsewhere = ProvinceFactory(code="23")
    login(client, secretariat)

    response = client.get(reverse("registry:company_list"), {"province": elsewhere.code})

    assert "province" in response.context["form"].errors


# --- Detail and permissions ----------------------------------------------------------------------


def test_a_representative_gets_404_on_another_company(
    client: Any, owner: Any, other_company: Company
) -> None:
    response = login(client, owner).get(detail_url(other_company))
    assert response.status_code == 404


def test_a_representative_sees_their_company_and_its_financial_details(
    client: Any, owner: Any, company: Company
) -> None:
    Company.objects.filter(pk=company.pk).update(bank_debt=12_000_000)
    response = login(client, owner).get(detail_url(company))
    assert response.status_code == 200
    assert 'data-testid="financials"' in response.content.decode()
    assert response.context["can_edit"] is False


def test_a_county_secretariat_does_not_see_financial_details(
    client: Any, county_secretary: Any, company: Company
) -> None:
    Company.objects.filter(pk=company.pk).update(bank_debt=12_000_000)
    response = login(client, county_secretary).get(detail_url(company))
    assert response.status_code == 200
    assert 'data-testid="financials"' not in response.content.decode()


def test_the_detail_page_shows_certificates_and_the_knowledge_based_badge(
    client: Any, secretariat: Any, company: Company
) -> None:
    CertificateFactory(
        company=company,
        number="KB-777",
        issued_on=dt.date.today() - dt.timedelta(days=10),
        expires_on=dt.date.today() + dt.timedelta(days=300),
        approved_products="کرم مرطوب‌کننده",
    )
    response = login(client, secretariat).get(detail_url(company))
    body = response.content.decode()
    assert response.context["is_knowledge_based"] is True
    assert "KB-۷۷۷" in body
    assert "کرم مرطوب‌کننده" in body


# --- Create and edit -----------------------------------------------------------------------------


def company_data(county: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "national_id": "۱۰۳۸۰۲۸۴۷۹۰",
        "legal_name": "شرکت نمونه",
        "economic_code": "",
        "county": county.pk,
        "estate": "",
        "activity": "",
        "address": "",
        "postal_code": "",
        "employees": "۱۲۰",
        **overrides,
    }


def test_the_secretariat_registers_a_company(client: Any, secretariat: Any, county: Any) -> None:
    response = login(client, secretariat).post(
        reverse("registry:company_create"), company_data(county)
    )
    company = Company.objects.get(national_id="10380284790")
    assert response.status_code == 302
    assert response["Location"] == detail_url(company)
    assert company.employees == 120
    assert company.status_changes.count() == 1
    event = CompanyEvent.objects.get(company=company)
    assert (event.kind, event.actor) == ("created", secretariat)


def test_a_wrong_national_id_is_refused_in_persian_and_the_input_is_kept(
    client: Any, secretariat: Any, county: Any
) -> None:
    response = login(client, secretariat).post(
        reverse("registry:company_create"), company_data(county, national_id="10380284791")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "شناسه ملی" in body or "رقم کنترل" in body
    assert "شرکت نمونه" in body
    assert not Company.objects.exists()


def test_a_duplicate_national_id_is_refused(
    client: Any, secretariat: Any, company: Company, county: Any
) -> None:
    response = login(client, secretariat).post(
        reverse("registry:company_create"),
        company_data(county, national_id=company.national_id),
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Company.objects.count() == 1


def test_a_representative_may_not_register_or_edit(
    client: Any, owner: Any, company: Company
) -> None:
    login(client, owner)
    assert client.get(reverse("registry:company_create")).status_code == 403
    assert (
        client.get(reverse("registry:company_edit", args=[company.national_id])).status_code == 403
    )


def test_the_executive_reads_but_may_not_edit(
    client: Any, executive: Any, company: Company
) -> None:
    login(client, executive)
    assert client.get(detail_url(company)).status_code == 200
    response = client.post(
        reverse("registry:product_add", args=[company.national_id]), {"name": "x"}
    )
    assert response.status_code == 403
    assert not Product.objects.exists()


def test_editing_records_who_changed_what(
    client: Any, secretariat: Any, company: Company, county: Any
) -> None:
    data = company_data(county, legal_name="شرکت گلسار کاسپین نو", employees="90")
    data.pop("national_id")
    response = login(client, secretariat).post(
        reverse("registry:company_edit", args=[company.national_id]), data
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.legal_name == "شرکت گلسار کاسپین نو"
    event = CompanyEvent.objects.filter(company=company, kind="updated").get()
    assert event.actor == secretariat
    assert event.changes["legal_name"] == ["شرکت گلسار کاسپین", "شرکت گلسار کاسپین نو"]
    history = client.get(reverse("registry:company_history", args=[company.national_id]))
    assert "شرکت گلسار کاسپین نو" in history.content.decode()


def test_a_status_change_keeps_its_history(client: Any, secretariat: Any, company: Company) -> None:
    response = login(client, secretariat).post(
        reverse("registry:company_status", args=[company.national_id]),
        {"status": "idle", "since": "1404/08/01", "note": "کمبود نقدینگی"},
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.status == "idle"
    assert company.status_since == dt.date(2025, 10, 23)


def test_a_bad_date_in_a_small_form_shows_the_page_again_with_the_error(
    client: Any, secretariat: Any, company: Company
) -> None:
    response = login(client, secretariat).post(
        reverse("registry:company_status", args=[company.national_id]),
        {"status": "idle", "since": "1404/12/30", "note": "یادداشت"},
    )
    assert response.status_code == 422
    assert "یادداشت" in response.content.decode()
    company.refresh_from_db()
    assert company.status == "operating"


def test_products_are_added_and_removed_with_events(
    client: Any, secretariat: Any, company: Company
) -> None:
    login(client, secretariat)
    client.post(
        reverse("registry:product_add", args=[company.national_id]),
        {"name": "شامپو", "hs_code": "۳۳۰۵۱۰"},
    )
    product = Product.objects.get(company=company)
    assert product.hs_code == "330510"
    client.post(reverse("registry:part_remove", args=[company.national_id, "product", product.pk]))
    assert not Product.objects.exists()
    kinds = list(CompanyEvent.objects.filter(company=company).values_list("kind", flat=True))
    assert "product_added" in kinds and "product_removed" in kinds


def test_removing_another_companys_product_is_404(
    client: Any, secretariat: Any, company: Company, other_company: Company
) -> None:
    product = ProductFactory(company=other_company)
    response = login(client, secretariat).post(
        reverse("registry:part_remove", args=[company.national_id, "product", product.pk])
    )
    assert response.status_code == 404
    assert Product.objects.filter(pk=product.pk).exists()


def test_a_certificate_with_an_old_class_after_1402_is_refused(
    client: Any, secretariat: Any, company: Company
) -> None:
    response = login(client, secretariat).post(
        reverse("registry:certificate_add", args=[company.national_id]),
        {
            "number": "KB-1",
            "certificate_class": "production_1",
            "issued_on": "1403/02/01",
            "expires_on": "1406/02/01",
        },
    )
    assert response.status_code == 200
    assert "certificate_class" in response.context["form"].errors
    assert not Certificate.objects.exists()


def test_the_secretariat_records_and_revokes_a_certificate(
    client: Any, secretariat: Any, company: Company
) -> None:
    login(client, secretariat)
    client.post(
        reverse("registry:certificate_add", args=[company.national_id]),
        {
            "number": "KB-1",
            "certificate_class": "innovator",
            "issued_on": "1403/02/01",
            "expires_on": "1406/02/01",
            "approved_products": "کرم\nلوسیون",
        },
    )
    certificate = Certificate.objects.get(number="KB-1")
    assert certificate.approved_product_list() == ["کرم", "لوسیون"]
    response = client.post(
        reverse("registry:certificate_revoke", args=[certificate.pk]),
        {"revoked_on": "1404/01/15", "reason": "تخلف"},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_on == dt.date(2025, 4, 4)


# --- Knowledge-based figures ---------------------------------------------------------------------


def test_the_knowledge_based_page_counts_units_on_a_date_against_the_target(
    client: Any, secretariat: Any, company: Company, other_company: Company
) -> None:
    CertificateFactory(company=company, issued_on=dt.date(2024, 3, 20))
    CertificateFactory(
        company=other_company,
        issued_on=dt.date(2022, 1, 1),
        certificate_class="production_1",
        expires_on=dt.date(2025, 1, 1),
    )
    login(client, secretariat)
    response = client.post(
        reverse("registry:target_set"),
        {"province": company.province.code, "count": "۲۰۰", "due_on": "1405/12/29"},
    )
    assert response.status_code == 302
    response = client.get(reverse("registry:knowledge_based"), {"on": "1404/09/24"})
    assert response.context["count"] == 1
    assert response.context["target"].count == 200
    assert response.context["chart"]["target"] == 200
    assert 'id="kb-chart-data"' in response.content.decode()


def test_a_representative_cannot_read_the_provincial_figures(client: Any, owner: Any) -> None:
    assert login(client, owner).get(reverse("registry:knowledge_based")).status_code == 404


def test_the_executive_may_not_set_a_target(client: Any, executive: Any, province: Any) -> None:
    response = login(client, executive).post(
        reverse("registry:target_set"),
        {"province": province.code, "count": "5", "due_on": "1405/12/29"},
    )
    assert response.status_code == 403


def test_a_chart_starting_after_its_date_is_refused_with_a_message(
    client: Any, secretariat: Any
) -> None:
    response = login(client, secretariat).get(
        reverse("registry:knowledge_based"), {"on": "1404/09/24", "start": "1404/10/01"}
    )
    assert response.status_code == 200
    assert "start" in response.context["form"].errors


def test_a_huge_page_number_is_clamped_not_a_server_error(
    client: Any, secretariat: Any, company: Company
) -> None:
    response = login(client, secretariat).get(reverse("registry:company_list"), {"page": "9" * 30})
    assert response.status_code == 200
    assert list(response.context["companies"]) == []


@pytest.mark.parametrize("on", ["0001/01/01", "9377/12/29", "14040/01/01"])
def test_an_implausible_year_on_the_figures_page_is_a_form_error(
    client: Any, secretariat: Any, on: str
) -> None:
    response = login(client, secretariat).get(reverse("registry:knowledge_based"), {"on": on})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_target_must_lie_ahead(client: Any, secretariat: Any, province: Any) -> None:
    response = login(client, secretariat).post(
        reverse("registry:target_set"),
        {"province": province.code, "count": "10", "due_on": "1400/01/01"},
        follow=True,
    )
    assert response.status_code == 200
    assert not KnowledgeBasedTarget.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_a_status_dated_in_the_future_is_refused(
    client: Any, secretariat: Any, company: Company
) -> None:
    response = login(client, secretariat).post(
        reverse("registry:company_status", args=[company.national_id]),
        {"status": "closed", "since": "1499/01/01"},
    )
    assert response.status_code == 422
    assert "since" in response.context["status_form"].errors
    company.refresh_from_db()
    assert company.status == "operating"


def test_a_licence_expiring_before_its_issue_gets_a_persian_field_error(
    client: Any, secretariat: Any, company: Company
) -> None:
    response = login(client, secretariat).post(
        reverse("registry:licence_add", args=[company.national_id]),
        {
            "kind": "operating",
            "number": "12",
            "issued_on": "1403/01/10",
            "expires_on": "1402/01/10",
        },
    )
    assert response.status_code == 422
    errors = response.context["licence_form"].errors["expires_on"]
    assert errors == ["تاریخ انقضا باید پس از تاریخ صدور باشد."]
