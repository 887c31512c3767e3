from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tashil.factories import CertificateFactory
from tashil.registry.models import Certificate, CompanyEvent

LIST = reverse("api-v1:certificate_list")


def numbers(response):
    return [item["number"] for item in response.json()["items"]]


def of_company(company):
    return reverse("api-v1:company_certificate_list", args=[company.national_id])


@pytest.fixture
def certificates(company, other_company):
    """Company A: one valid through 2027, one that ran out in 2025. Company B: one expiring
    early in 2026 and one revoked."""
    return {
        "a_valid": CertificateFactory(company=company, number="A-1"),
        "a_expired": CertificateFactory(
            company=company,
            number="A-0",
            certificate_class="production_1",
            issued_on=dt.date(2021, 6, 1),
            expires_on=dt.date(2025, 6, 1),
        ),
        "b_expiring": CertificateFactory(
            company=other_company,
            number="B-1",
            certificate_class="technologist",
            issued_on=dt.date(2024, 1, 20),
            expires_on=dt.date(2026, 1, 20),
        ),
        "b_revoked": CertificateFactory(
            company=other_company, number="B-2", revoked_on=dt.date(2025, 1, 1)
        ),
    }


def test_the_secretariat_lists_every_certificate_soonest_expiry_first(
    client, secretariat, certificates, bearer
):
    response = client.get(LIST, headers=bearer(secretariat))

    assert response.status_code == 200
    assert numbers(response) == ["A-0", "B-1", "A-1", "B-2"]
    first = response.json()["items"][0]
    assert first["certificate_class"] == "production_1"
    assert first["issued_on"] == "2021-06-01"
    assert first["company"]["national_id"] == certificates["a_expired"].company.national_id


def test_a_representative_lists_only_their_companys_certificates(
    client, owner, certificates, bearer
):
    assert numbers(client.get(LIST, headers=bearer(owner))) == ["A-0", "A-1"]


def test_an_agency_officer_lists_no_certificates(client, officer, certificates, bearer):
    assert numbers(client.get(LIST, headers=bearer(officer))) == []


def test_certificates_filter_by_validity_expiry_class_and_company(
    client, secretariat, company, certificates, bearer
):
    headers = bearer(secretariat)

    def listed(**params):
        return numbers(client.get(LIST, params, headers=headers))

    assert listed(valid_on="2025-12-15") == ["B-1", "A-1"]
    assert listed(valid_on="2025-12-15", expiring_within=60) == ["B-1"]
    assert listed(valid_on="2024-06-01") == ["A-0", "B-1", "A-1", "B-2"]
    assert listed(valid_on="2025-01-01") == ["A-0", "B-1", "A-1"]  # revoked that day
    assert listed(**{"class": "technologist"}) == ["B-1"]
    assert listed(company=company.national_id) == ["A-0", "A-1"]


def test_certificates_page_without_counting(client, secretariat, certificates, bearer):
    headers = bearer(secretariat)

    first = client.get(LIST, {"limit": 3}, headers=headers).json()
    rest = client.get(LIST, {"limit": 3, "offset": 3}, headers=headers).json()

    assert (len(first["items"]), first["next_offset"]) == (3, 3)
    assert ([item["number"] for item in rest["items"]], rest["next_offset"]) == (["B-2"], None)


def test_a_companys_certificates_are_listed_newest_expiry_first(
    client, owner, company, certificates, bearer
):
    response = client.get(of_company(company), headers=bearer(owner))

    assert response.status_code == 200
    assert [item["number"] for item in response.json()] == ["A-1", "A-0"]


def test_another_companys_certificates_are_404(client, owner, other_company, certificates, bearer):
    response = client.get(of_company(other_company), headers=bearer(owner))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def add(company):
    return reverse("api-v1:company_certificate_create", args=[company.national_id])


NEW = {
    "number": "۱۴۰۴-۱۲۳",
    "certificate_class": "startup",
    "issued_on": "2025-10-01",
    "expires_on": "2027-10-01",
    "approved_products": ["شوینده صنعتی", "  ", "نرم‌کننده"],
}


def test_the_secretariat_records_a_certificate(client, secretariat, company, bearer):
    response = client.post(
        add(company), NEW, content_type="application/json", headers=bearer(secretariat)
    )

    assert response.status_code == 201
    assert response.json()["number"] == "1404-123"
    assert response.json()["approved_products"] == ["شوینده صنعتی", "نرم‌کننده"]
    certificate = Certificate.objects.get(number="1404-123")
    assert certificate.company == company
    assert certificate.issued_on == dt.date(2025, 10, 1)
    assert certificate.approved_products == "شوینده صنعتی\nنرم‌کننده"
    assert CompanyEvent.objects.filter(company=company, kind="certificate_added").exists()


@pytest.mark.parametrize(
    ("who", "status"), [("executive", 403), ("owner", 403), ("other_owner", 404)]
)
def test_only_the_secretariat_records_certificates(client, company, bearer, who, status, request):
    response = client.post(
        add(company),
        NEW,
        content_type="application/json",
        headers=bearer(request.getfixturevalue(who)),
    )

    assert response.status_code == status
    assert not Certificate.objects.exists()


def test_a_class_that_does_not_match_the_issue_date_gets_422(client, secretariat, company, bearer):
    response = client.post(
        add(company),
        NEW | {"certificate_class": "production_2"},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["certificate_class"]
    assert not Certificate.objects.exists()


def test_a_duplicate_certificate_number_gets_422_unique(
    client, secretariat, company, certificates, bearer
):
    response = client.post(
        add(company),
        NEW | {"number": "A-1"},
        content_type="application/json",
        headers=bearer(secretariat),
    )

    assert response.status_code == 422
    assert response.json()["errors"]["number"][0]["code"] == "unique"
    assert Certificate.objects.filter(number="A-1").count() == 1
