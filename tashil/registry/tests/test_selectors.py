"""Registry reads: who sees which company, the list's filters and the knowledge-based figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tashil.factories import (
    ActivityFactory,
    ActivitySectionFactory,
    CertificateFactory,
    CompanyFactory,
    EstateFactory,
    ProductFactory,
    ProvinceFactory,
)
from tashil.registry import services
from tashil.registry.models import CertificateClass, CompanyStatus
from tashil.registry.selectors import (
    CompanyFilters,
    can_edit_company,
    can_see_financials,
    companies_for_user,
    company_get_for_user,
    company_list,
    expiring_certificates,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 12, 15)  # 1404/09/24


def names(queryset):
    return {company.legal_name for company in queryset}


# --- Who sees what -------------------------------------------------------------------------------


def test_the_secretariat_sees_every_company_of_its_province(secretariat, company, other_company):
    assert names(companies_for_user(secretariat)) == {"شرکت گلسار کاسپین", "شرکت سپید لیا"}


def test_the_secretariat_of_another_province_sees_none_of_them(company, other_company):
    from tashil.conftest import _user_with_role

    tehran = ProvinceFactory(code="23", name="تهران")
    stranger = _user_with_role("tehran", "secretariat", province=tehran)
    assert names(companies_for_user(stranger)) == set()


def test_a_county_secretariat_sees_the_companies_of_its_county(
    county_secretary, company, other_company
):
    assert names(companies_for_user(county_secretary)) == {"شرکت گلسار کاسپین"}


def test_a_representative_sees_only_their_own_company(owner, company, other_company):
    assert names(companies_for_user(owner)) == {"شرکت گلسار کاسپین"}


def test_an_agency_officer_sees_no_company_without_a_case(officer, company, other_company):
    assert names(companies_for_user(officer)) == set()


def test_the_executive_reads_every_company_of_its_province(executive, company, other_company):
    assert names(companies_for_user(executive)) == {"شرکت گلسار کاسپین", "شرکت سپید لیا"}


def test_a_representative_opens_their_own_company(owner, company):
    assert company_get_for_user(user=owner, national_id=company.national_id) == company


def test_another_company_is_not_found_for_a_representative(owner, other_company):
    with pytest.raises(Http404):
        company_get_for_user(user=owner, national_id=other_company.national_id)


def test_a_company_that_does_not_exist_is_not_found_either(secretariat):
    with pytest.raises(Http404):
        company_get_for_user(user=secretariat, national_id="10380284790")


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("secretariat", True),
        ("executive", True),
        ("owner", True),
        ("other_owner", False),
        ("county_secretary", False),
        ("officer", False),
        ("admin_user", False),
    ],
)
def test_financial_details_are_shown_only_to_those_entitled(request, company, user, sees):
    assert can_see_financials(request.getfixturevalue(user), company) is sees


def test_the_secretariat_of_another_province_does_not_see_the_financials(company):
    from tashil.conftest import _user_with_role

    stranger = _user_with_role(
        "tehran", "secretariat", province=ProvinceFactory(code="23", name="تهران")
    )
    assert not can_see_financials(stranger, company)


def test_only_the_provincial_secretariat_edits_a_company(secretariat, executive, owner, company):
    assert can_edit_company(secretariat, company)
    assert not can_edit_company(executive, company)
    assert not can_edit_company(owner, company)


# --- The list page's filters ---------------------------------------------------------------------


@pytest.fixture
def registry(province, county, other_county, company, other_company):
    """A small province: the cast's two companies and three more, with certificates as of ON.

    - گلسار (county قزوین, estate کاسپین, soap): innovator, valid until 2027.
    - سپید لیا (county تاکستان, pharmaceuticals, idle): no certificate.
    - البرز (county قزوین, estate لیا, wholesale): production type 1, expires 2026-01-10.
    - کوثر (county تاکستان): an expired certificate only.
    - آریا (county تاکستان): expires 2026-01-05, but renewed in advance.
    """
    soap = ActivityFactory()
    pharma = ActivityFactory(code="2100", name="ساخت داروها", name_en="Pharmaceuticals")
    wholesale = ActivityFactory(
        code="4620",
        section=ActivitySectionFactory(code="G", name="عمده‌فروشی", name_en="Wholesale"),
        name="عمده‌فروشی مواد خام کشاورزی",
        name_en="Wholesale of agricultural raw materials",
    )
    caspian = EstateFactory(province=province, county=county, name="کاسپین")
    lia = EstateFactory(province=province, county=county, name="لیا")
    services.company_update(actor=None, company=company, estate=caspian, activity=soap)
    services.company_update(actor=None, company=other_company, activity=pharma)
    services.company_set_status(
        actor=None, company=other_company, status=CompanyStatus.IDLE, since=dt.date(2024, 1, 1)
    )
    alborz = CompanyFactory(county=county, legal_name="شرکت البرز", estate=lia, activity=wholesale)
    kowsar = CompanyFactory(county=other_county, legal_name="شرکت کوثر")
    arya = CompanyFactory(county=other_county, legal_name="شرکت آریا")
    CertificateFactory(company=company)
    CertificateFactory(
        company=alborz,
        certificate_class=CertificateClass.PRODUCTION_1,
        issued_on=dt.date(2023, 1, 10),
        expires_on=dt.date(2026, 1, 10),
    )
    CertificateFactory(
        company=kowsar,
        certificate_class=CertificateClass.PRODUCTION_2,
        issued_on=dt.date(2021, 5, 1),
        expires_on=dt.date(2024, 5, 1),
    )
    CertificateFactory(
        company=arya,
        certificate_class=CertificateClass.PRODUCTION_2,
        issued_on=dt.date(2023, 1, 5),
        expires_on=dt.date(2026, 1, 5),
    )
    CertificateFactory(
        company=arya,
        certificate_class=CertificateClass.STARTUP,
        issued_on=dt.date(2025, 12, 1),
        expires_on=dt.date(2028, 12, 1),
    )
    return {"soap": soap, "pharma": pharma, "caspian": caspian, "lia": lia}


def listed(user, **filters):
    return names(company_list(user=user, filters=CompanyFilters(on=ON, **filters)))


def test_without_filters_the_list_holds_every_visible_company(secretariat, registry):
    assert listed(secretariat) == {
        "شرکت گلسار کاسپین",
        "شرکت سپید لیا",
        "شرکت البرز",
        "شرکت کوثر",
        "شرکت آریا",
    }


def test_the_list_filters_by_county(secretariat, registry, county):
    assert listed(secretariat, county=county.pk) == {"شرکت گلسار کاسپین", "شرکت البرز"}


def test_the_list_filters_by_estate(secretariat, registry):
    assert listed(secretariat, estate=registry["caspian"].pk) == {"شرکت گلسار کاسپین"}
    assert listed(secretariat, estate=registry["lia"].pk) == {"شرکت البرز"}


def test_the_list_filters_by_activity_and_by_section(secretariat, registry):
    assert listed(secretariat, activity=registry["pharma"].pk) == {"شرکت سپید لیا"}
    assert listed(secretariat, section="C") == {"شرکت گلسار کاسپین", "شرکت سپید لیا"}
    assert listed(secretariat, section="G") == {"شرکت البرز"}


def test_the_list_filters_by_status(secretariat, registry):
    assert listed(secretariat, status=CompanyStatus.IDLE) == {"شرکت سپید لیا"}


def test_the_list_filters_knowledge_based_companies_in_and_out(secretariat, registry):
    assert listed(secretariat, knowledge_based=True) == {
        "شرکت گلسار کاسپین",
        "شرکت البرز",
        "شرکت آریا",
    }
    assert listed(secretariat, knowledge_based=False) == {"شرکت سپید لیا", "شرکت کوثر"}


def test_the_list_filters_by_the_class_of_a_valid_certificate(secretariat, registry):
    assert listed(secretariat, certificate_class=CertificateClass.PRODUCTION_1) == {"شرکت البرز"}
    # کوثر's production type 2 certificate has expired; آریا's is still valid.
    assert listed(secretariat, certificate_class=CertificateClass.PRODUCTION_2) == {"شرکت آریا"}


def test_expiring_lists_companies_whose_status_runs_out_soon_without_a_renewal(
    secretariat, registry
):
    assert listed(secretariat, expiring=True) == {"شرکت البرز"}


def test_the_expiring_certificates_of_the_province_leave_out_those_already_renewed(
    registry, province
):
    names = [c.company.legal_name for c in expiring_certificates(province=province, on=ON)]
    assert names == ["شرکت البرز"]  # آریا's expiring certificate has a successor


def test_each_row_says_whether_the_company_is_knowledge_based_on_the_day(secretariat, registry):
    rows = company_list(user=secretariat, filters=CompanyFilters(on=ON))
    flags = {row.legal_name: row.is_knowledge_based for row in rows}
    assert flags["شرکت گلسار کاسپین"] is True
    assert flags["شرکت کوثر"] is False
    on_2022 = company_list(user=secretariat, filters=CompanyFilters(on=dt.date(2022, 1, 1)))
    assert {row.legal_name for row in on_2022 if row.is_knowledge_based} == {"شرکت کوثر"}


def test_filters_combine_with_search_and_the_users_scope(county_secretary, registry):
    assert listed(county_secretary) == {"شرکت گلسار کاسپین", "شرکت البرز"}
    assert listed(county_secretary, query="البرز", knowledge_based=True) == {"شرکت البرز"}


def test_the_list_sorts_by_name_both_ways(secretariat, registry):
    rows = company_list(user=secretariat, filters=CompanyFilters(on=ON), sort="-name")
    keys = [row.search_key for row in rows]
    assert keys == sorted(keys, reverse=True)


def test_iterating_the_list_costs_the_same_queries_however_many_companies(
    secretariat, county, registry, django_assert_max_num_queries
):
    def iterate() -> int:
        user = type(secretariat).objects.get(pk=secretariat.pk)  # no cached roles
        seen: list[tuple] = []
        with CaptureQueriesContext(connection) as captured:
            for row in company_list(user=user, filters=CompanyFilters(on=ON)):
                seen.append((row.county.name, row.estate, row.activity, row.is_knowledge_based))
        return len(captured)

    before = iterate()
    estate = registry["caspian"]
    for _ in range(12):
        more = CompanyFactory(county=county, estate=estate, activity=registry["soap"])
        ProductFactory(company=more)
        CertificateFactory(company=more)
    assert iterate() == before
    with django_assert_max_num_queries(2):  # the user's roles, then the rows
        list(company_list(user=secretariat, filters=CompanyFilters(on=ON, query="شرکت")))
