from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tashil.api.models import ApiToken
from tashil.api.services import token_create
from tashil.factories import (
    ActivityFactory,
    CertificateFactory,
    CompanyFactory,
    CountyFactory,
    EstateFactory,
    ProductFactory,
    ProvinceFactory,
)
from tashil.registry import services
from tashil.registry.models import Company, CompanyEvent, Contact, Licence

LIST = reverse("api-v1:company_list")
CREATE = reverse("api-v1:company_create")
ON = "2025-12-15"  # the reference day (1404/09/24); CertificateFactory is valid 2024-03-20..2027


def detail(company):
    return reverse("api-v1:company_detail", args=[company.national_id])


def ids(response):
    return [item["national_id"] for item in response.json()["items"]]


# --- Who sees what -------------------------------------------------------------------------------


def test_the_secretariat_lists_every_company_of_its_province(
    client, secretariat, company, other_company, bearer
):
    response = client.get(LIST, headers=bearer(secretariat))

    assert response.status_code == 200
    assert sorted(ids(response)) == sorted([company.national_id, other_company.national_id])


def test_a_representative_lists_only_their_own_company(
    client, owner, company, other_company, bearer
):
    response = client.get(LIST, headers=bearer(owner))

    assert ids(response) == [company.national_id]


def test_a_representative_of_company_a_gets_404_on_company_b(client, owner, other_company, bearer):
    headers = bearer(owner)

    response = client.get(detail(other_company), headers=headers)
    missing = client.get(reverse("api-v1:company_detail", args=["10380284790"]), headers=headers)

    assert response.status_code == 404
    assert response.json() == missing.json()
    assert response.json()["code"] == "not_found"
    assert other_company.legal_name not in response.content.decode()


def test_an_agency_officer_sees_no_companies_yet(client, officer, company, bearer):
    headers = bearer(officer)

    assert ids(client.get(LIST, headers=headers)) == []
    assert client.get(detail(company), headers=headers).status_code == 404


def test_a_county_secretariat_sees_its_county_only(
    client, county_secretary, company, other_company, bearer
):
    headers = bearer(county_secretary)

    assert ids(client.get(LIST, headers=headers)) == [company.national_id]
    assert client.get(detail(other_company), headers=headers).status_code == 404


def test_the_executive_reads_every_company_of_its_province(
    client, executive, company, other_company, bearer
):
    response = client.get(LIST, headers=bearer(executive))

    assert len(ids(response)) == 2


# --- The list ------------------------------------------------------------------------------------


def test_a_list_item_has_codes_names_and_iso_dates(client, secretariat, county, bearer):
    activity = ActivityFactory()
    estate = EstateFactory(province=county.province, name="شهر صنعتی کاسپین")
    company = CompanyFactory(
        county=county,
        activity=activity,
        estate=estate,
        status="idle",
        status_since=dt.date(2025, 3, 21),
        employees=42,
    )
    CertificateFactory(company=company)

    response = client.get(LIST, {"on": ON}, headers=bearer(secretariat))

    assert response.json() == {
        "items": [
            {
                "national_id": company.national_id,
                "legal_name": company.legal_name,
                "economic_code": "",
                "county": {"code": "2603", "name": "قزوین", "name_en": ""},
                "estate": {
                    "id": estate.pk,
                    "name": "شهر صنعتی کاسپین",
                    "name_en": "",
                    "kind": "estate",
                },
                "activity": {
                    "code": "2023",
                    "name": activity.name,
                    "name_en": "Manufacture of soap and detergents",
                },
                "status": "idle",
                "status_since": "2025-03-21",
                "employees": 42,
                "is_knowledge_based": True,
            }
        ],
        "next_offset": None,
    }


def test_the_list_filters_by_county_activity_status_and_certificates(
    client, secretariat, company, other_company, bearer
):
    activity = ActivityFactory()
    Company.objects.filter(pk=other_company.pk).update(activity=activity, status="idle")
    CertificateFactory(company=company)
    headers = bearer(secretariat)

    def listed(**params):
        return ids(client.get(LIST, {"on": ON, **params}, headers=headers))

    assert listed(county="2602") == [other_company.national_id]
    assert listed(county="۲۶۰۳") == [company.national_id]  # Persian digits are fine
    assert listed(activity="2023") == [other_company.national_id]
    assert listed(status="idle") == [other_company.national_id]
    assert listed(knowledge_based="true") == [company.national_id]
    assert listed(knowledge_based="false") == [other_company.national_id]
    assert listed(certificate_class="innovator") == [company.national_id]
    assert listed(certificate_class="technologist") == []
    # On a day before the certificate was issued, nobody is knowledge-based.
    assert listed(knowledge_based="true", on="2024-01-01") == []


def test_the_list_finds_companies_by_words_of_their_name(
    client, secretariat, company, other_company, bearer
):
    response = client.get(LIST, {"q": "گلسار"}, headers=bearer(secretariat))

    assert ids(response) == [company.national_id]


def test_the_list_marks_companies_whose_certificate_runs_out_soon(
    client, secretariat, company, other_company, bearer
):
    CertificateFactory(
        company=company, issued_on=dt.date(2024, 1, 10), expires_on=dt.date(2026, 1, 10)
    )
    CertificateFactory(company=other_company)

    response = client.get(LIST, {"on": ON, "expiring": "true"}, headers=bearer(secretariat))

    assert ids(response) == [company.national_id]


def test_the_list_pages_with_limit_and_offset_without_a_total(client, secretariat, county, bearer):
    CompanyFactory.create_batch(5, county=county)
    headers = bearer(secretariat)

    first = client.get(LIST, {"limit": 2, "sort": "national_id"}, headers=headers).json()
    last = client.get(
        LIST, {"limit": 2, "offset": 4, "sort": "national_id"}, headers=headers
    ).json()

    assert len(first["items"]) == 2
    assert first["next_offset"] == 2
    assert len(last["items"]) == 1
    assert last["next_offset"] is None
    assert "count" not in first
    everything = sorted(Company.objects.values_list("national_id", flat=True))
    assert [item["national_id"] for item in first["items"]] == everything[:2]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "bankrupt"}, "status"),
        ({"limit": 0}, "limit"),
        ({"on": "1404/09/24"}, "on"),
        ({"on": "1404-09-24"}, "on"),  # Jalali in ISO form: refused, not read as year 1404
        ({"sort": "password"}, "sort"),
    ],
)
def test_bad_list_parameters_get_422_naming_the_field(client, secretariat, bearer, params, field):
    response = client.get(LIST, params, headers=bearer(secretariat))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]


def test_the_list_costs_the_same_queries_for_5_and_30_companies(
    client, secretariat, county, django_assert_max_num_queries
):
    activity = ActivityFactory()
    estate = EstateFactory(province=county.province)
    _token, key = token_create(actor=secretariat, user=secretariat, name="count")
    headers = {"Authorization": f"Bearer {key}"}

    def add(count):
        for company in CompanyFactory.create_batch(
            count, county=county, activity=activity, estate=estate
        ):
            CertificateFactory(company=company)

    def measure():
        # Same conditions each time: the token's use is recorded (at most once a minute).
        ApiToken.objects.update(last_used_at=None)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"limit": 100, "on": ON}, headers=headers)
        assert response.status_code == 200
        return len(response.json()["items"]), len(queries)

    # The token with its user, recording its use, the user's roles, the page.
    add(5)
    with django_assert_max_num_queries(5):
        few = measure()
    add(25)
    with django_assert_max_num_queries(5):
        many = measure()

    assert (few[0], many[0]) == (5, 30)
    assert few[1] == many[1] == 4


# --- The detail ----------------------------------------------------------------------------------


def test_the_detail_has_products_licences_contacts_and_certificates(
    client, secretariat, company, bearer
):
    ProductFactory(company=company, name="شوینده مایع", hs_code="340220")
    Licence.objects.create(
        company=company, kind="operating", number="123/45", issued_on=dt.date(2020, 5, 1)
    )
    Contact.objects.create(company=company, name="مریم احمدی", phone="02833334444")
    today = timezone.localdate()
    certificate = CertificateFactory(
        company=company,
        issued_on=today - dt.timedelta(days=10),
        expires_on=today + dt.timedelta(days=300),
        approved_products="شوینده مایع\nپودر",
    )

    response = client.get(detail(company), headers=bearer(secretariat))

    assert response.status_code == 200
    body = response.json()
    assert body["national_id"] == company.national_id
    assert body["province"] == {"code": "26", "name": "قزوین", "name_en": ""}
    assert body["products"] == [{"name": "شوینده مایع", "hs_code": "340220"}]
    assert body["licences"] == [
        {
            "kind": "operating",
            "number": "123/45",
            "issuer": "",
            "issued_on": "2020-05-01",
            "expires_on": None,
        }
    ]
    assert body["contacts"] == [
        {"name": "مریم احمدی", "title": "", "phone": "02833334444", "email": ""}
    ]
    assert body["certificates"] == [
        {
            "number": certificate.number,
            "company": {"national_id": company.national_id, "legal_name": company.legal_name},
            "certificate_class": "innovator",
            "issued_on": certificate.issued_on.isoformat(),
            "expires_on": certificate.expires_on.isoformat(),
            "revoked_on": None,
            "approved_products": ["شوینده مایع", "پودر"],
        }
    ]
    assert body["is_knowledge_based"] is True


def test_the_detail_accepts_a_national_id_in_persian_digits(client, secretariat, company, bearer):
    persian = company.national_id.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    response = client.get(
        reverse("api-v1:company_detail", args=[persian]), headers=bearer(secretariat)
    )

    assert response.status_code == 200
    assert response.json()["national_id"] == company.national_id


@pytest.fixture
def indebted(company):
    Company.objects.filter(pk=company.pk).update(
        bank_debt=5_000_000_000, tax_debt=120_000_000, insurance_debt=0
    )
    return company


@pytest.mark.parametrize("who", ["secretariat", "executive", "owner"])
def test_the_debts_are_shown_to_the_secretariat_executive_and_the_company(
    client, indebted, bearer, who, request
):
    response = client.get(detail(indebted), headers=bearer(request.getfixturevalue(who)))

    body = response.json()
    assert body["financials_visible"] is True
    assert (body["bank_debt"], body["tax_debt"], body["insurance_debt"]) == (
        5_000_000_000,
        120_000_000,
        0,
    )


def test_the_debts_are_hidden_from_a_county_secretariat(client, indebted, county_secretary, bearer):
    response = client.get(detail(indebted), headers=bearer(county_secretary))

    assert response.status_code == 200
    body = response.json()
    assert body["financials_visible"] is False
    assert (body["bank_debt"], body["tax_debt"], body["insurance_debt"]) == (None, None, None)


def test_the_debts_are_hidden_from_a_representative_of_another_company(
    client, indebted, other_owner, bearer
):
    response = client.get(detail(indebted), headers=bearer(other_owner))

    assert response.status_code == 404
    assert "5000000000" not in response.content.decode()


# --- Create --------------------------------------------------------------------------------------

VALID_ID = "10380284790"


def payload(**overrides):
    return {"national_id": VALID_ID, "legal_name": "شرکت آلومینیوم البرز", "county": "2603"} | (
        overrides
    )


def test_the_secretariat_registers_a_company(client, secretariat, county, bearer):
    activity = ActivityFactory()

    response = client.post(
        CREATE,
        payload(
            national_id="۱۰۳-۸۰۲۸۴۷۹۰",
            activity="2023",
            employees=80,
            bank_debt=10,
            status="under_construction",
            postal_code="۳۴۱۹۸۷۶۵۴۳",
        ),
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 201, response.json()
    assert response.json()["national_id"] == VALID_ID
    assert response.json()["bank_debt"] == 10
    company = Company.objects.get(national_id=VALID_ID)
    assert company.legal_name == "شرکت آلومینیوم البرز"
    assert company.county == county
    assert company.province_id == county.province_id
    assert company.activity == activity
    assert company.status == "under_construction"
    assert company.postal_code == "3419876543"
    assert CompanyEvent.objects.get(company=company).actor == secretariat


@pytest.mark.parametrize("who", ["executive", "owner", "officer", "county_secretary", "admin_user"])
def test_only_the_secretariat_registers_companies(client, county, bearer, who, request):
    response = client.post(
        CREATE,
        payload(),
        content_type="application/json",
        headers=bearer(request.getfixturevalue(who)),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Company.objects.filter(national_id=VALID_ID).exists()


def test_an_anonymous_client_cannot_register_a_company(client, county):
    response = client.post(CREATE, payload(), content_type="application/json")

    assert response.status_code == 401
    assert not Company.objects.exists()


def test_the_secretariat_cannot_register_a_company_in_another_province(client, secretariat, bearer):
    tehran = CountyFactory(province=ProvinceFactory(code="23", name="تهران"), code="2301")

    response = client.post(
        CREATE, payload(county=tehran.code), content_type="application/json",
        headers=bearer(secretariat),
    )  # fmt: skip

    assert response.status_code == 403
    assert not Company.objects.exists()


@pytest.mark.parametrize(
    ("national_id", "code"),
    [("10380284791", "national_id_checksum"), ("123", "national_id_length")],
)
def test_an_invalid_national_id_gets_422_with_its_code(
    client, secretariat, county, bearer, national_id, code
):
    response = client.post(
        CREATE,
        payload(national_id=national_id),
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert [error["code"] for error in body["errors"]["national_id"]] == [code]
    assert not Company.objects.exists()


def test_a_registered_national_id_gets_422_unique(client, secretariat, company, bearer):
    response = client.post(
        CREATE,
        payload(national_id=company.national_id),
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 422
    assert response.json()["errors"]["national_id"][0]["code"] == "unique"
    assert Company.objects.count() == 1


def test_unknown_codes_and_missing_fields_get_422_per_field(client, secretariat, county, bearer):
    headers = bearer(secretariat)

    unknown = client.post(
        CREATE, payload(county="2699", activity="9999"), content_type="application/json",
        headers=headers,
    )  # fmt: skip
    missing = client.post(
        CREATE, {"national_id": VALID_ID}, content_type="application/json", headers=headers
    )

    assert unknown.status_code == 422
    assert unknown.json()["errors"]["county"][0]["code"] == "unknown_county"
    assert unknown.json()["errors"]["activity"][0]["code"] == "unknown_activity"
    assert missing.status_code == 422
    assert {field: errors[0]["code"] for field, errors in missing.json()["errors"].items()} == {
        "legal_name": "missing",
        "county": "missing",
    }


def test_an_estate_of_another_province_gets_422(client, secretariat, county, bearer):
    elsewhere = EstateFactory(province=ProvinceFactory(code="23", name="تهران"))

    response = client.post(
        CREATE, payload(estate=elsewhere.pk), content_type="application/json",
        headers=bearer(secretariat),
    )  # fmt: skip

    assert response.status_code == 422
    assert "estate" in response.json()["errors"]


# --- Update --------------------------------------------------------------------------------------


def update(company):
    return reverse("api-v1:company_update", args=[company.national_id])


def test_the_secretariat_changes_a_company(client, secretariat, company, other_county, bearer):
    response = client.patch(
        update(company),
        {"legal_name": "شرکت گلسار", "county": other_county.code, "tax_debt": 99},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 200
    assert response.json()["legal_name"] == "شرکت گلسار"
    assert response.json()["county"]["code"] == "2602"
    company.refresh_from_db()
    assert (company.legal_name, company.county, company.tax_debt) == (
        "شرکت گلسار",
        other_county,
        99,
    )
    event = CompanyEvent.objects.get(company=company, kind=services.EventKind.UPDATED)
    assert event.actor == secretariat
    assert event.changes["tax_debt"] == ["…", "…"]


def test_a_field_left_out_of_a_patch_is_left_alone(client, secretariat, company, bearer):
    Company.objects.filter(pk=company.pk).update(employees=30, address="قزوین")

    client.patch(
        update(company), {"employees": None}, content_type="application/json",
        headers=bearer(secretariat),
    )  # fmt: skip

    company.refresh_from_db()
    assert (company.employees, company.address) == (None, "قزوین")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("executive", 403),
        ("owner", 403),
        ("county_secretary", 403),
        ("other_owner", 404),
        ("officer", 404),
    ],
)
def test_only_the_secretariat_changes_companies(client, company, bearer, who, status, request):
    response = client.patch(
        update(company),
        {"legal_name": "نام دیگر"},
        content_type="application/json",
        headers=bearer(request.getfixturevalue(who)),
    )

    assert response.status_code == status
    company.refresh_from_db()
    assert company.legal_name == "شرکت گلسار کاسپین"


def test_a_patch_with_bad_values_gets_422_per_field(client, secretariat, company, bearer):
    headers = bearer(secretariat)

    null_name = client.patch(
        update(company), {"legal_name": None}, content_type="application/json", headers=headers
    )
    bad_code = client.patch(
        update(company), {"economic_code": "123"}, content_type="application/json",
        headers=headers,
    )  # fmt: skip

    assert null_name.status_code == 422
    assert list(null_name.json()["errors"]) == ["legal_name"]
    assert bad_code.status_code == 422
    assert bad_code.json()["errors"]["economic_code"][0]["code"] == "economic_code_length"
    company.refresh_from_db()
    assert company.economic_code == ""
