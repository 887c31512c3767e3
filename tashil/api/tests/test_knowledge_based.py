from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tashil.factories import CertificateFactory, CompanyFactory, CountyFactory, ProvinceFactory
from tashil.registry.services import target_set

SERIES = reverse("api-v1:knowledge_based_series")
# 1404/01/01 to 1404/03/31: the month ends are 1404/01/31, 1404/02/31 and 1404/03/31.
FROM, TO = "2025-03-21", "2025-06-21"
APRIL_20, MAY_21, JUNE_21 = dt.date(2025, 4, 20), dt.date(2025, 5, 21), dt.date(2025, 6, 21)


def certify(county, **dates):
    return CertificateFactory(company=CompanyFactory(county=county), **dates)


def test_the_series_counts_certificates_around_their_issue_expiry_and_revocation_days(
    client, secretariat, county, bearer
):
    year_ago = dt.date(2024, 1, 1)
    certify(county, issued_on=APRIL_20)  # valid from the first month end on
    certify(county, issued_on=APRIL_20 + dt.timedelta(days=1))  # a day too late for it
    certify(county, issued_on=year_ago, expires_on=MAY_21)  # valid on its expiry day
    certify(county, issued_on=year_ago, revoked_on=MAY_21)  # not valid on its revocation day
    twice = CompanyFactory(county=county)  # two certificates, one company
    CertificateFactory(company=twice, issued_on=year_ago)
    CertificateFactory(company=twice, issued_on=dt.date(2024, 6, 1))
    tehran = CountyFactory(province=ProvinceFactory(code="23", name="تهران"), code="2301")
    certify(tehran, issued_on=year_ago)  # another province

    response = client.get(
        SERIES, {"province": "26", "from": FROM, "to": TO}, headers=bearer(secretariat)
    )

    assert response.status_code == 200
    assert response.json() == {
        "province": "26",
        "target": None,
        "points": [
            {"date": "2025-04-20", "count": 4},
            {"date": "2025-05-21", "count": 4},
            {"date": "2025-06-21", "count": 3},
        ],
    }


def test_the_series_carries_the_current_target(client, executive, secretariat, province, bearer):
    target_set(actor=secretariat, province=province, count=100, due_on=dt.date(2026, 3, 20))
    target_set(actor=secretariat, province=province, count=160, due_on=dt.date(2026, 3, 20))

    response = client.get(
        SERIES, {"province": "26", "from": FROM, "to": TO}, headers=bearer(executive)
    )

    assert response.json()["target"] == {"count": 160, "due_on": "2026-03-20"}


def test_the_series_covers_the_twelve_months_before_to_by_default(
    client, secretariat, province, bearer
):
    response = client.get(
        SERIES, {"province": "26", "to": "2025-12-15"}, headers=bearer(secretariat)
    )

    points = response.json()["points"]
    # From 2024-12-15 (1403/09/25): the end of Azar 1403, then each month to 1404/09/24.
    assert points[0]["date"] == "2024-12-20"
    assert points[-1]["date"] == "2025-12-15"
    assert len(points) == 13


@pytest.mark.parametrize("who", ["owner", "county_secretary", "officer"])
def test_only_the_provinces_secretariat_and_executive_read_the_series(
    client, province, bearer, who, request
):
    response = client.get(SERIES, {"province": "26"}, headers=bearer(request.getfixturevalue(who)))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_another_or_unknown_province_is_404(client, secretariat, bearer):
    ProvinceFactory(code="23", name="تهران")
    headers = bearer(secretariat)

    assert client.get(SERIES, {"province": "23"}, headers=headers).status_code == 404
    assert client.get(SERIES, {"province": "99"}, headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2025-06-01", "to": "2025-01-01"}, "range_reversed"),
        ({"from": "2001-01-01", "to": "2025-01-01"}, "range_too_long"),
        ({"from": "1404-01-01"}, "date_not_gregorian"),
    ],
)
def test_a_bad_range_gets_422(client, secretariat, province, bearer, params, code):
    response = client.get(SERIES, {"province": "26", **params}, headers=bearer(secretariat))

    assert response.status_code == 422
    assert response.json()["errors"]["from"][0]["code"] == code
