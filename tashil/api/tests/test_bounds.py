"""Out-of-range input is a 422 with a Persian message, never a server error."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/companies?offset=100000000000000000000", "offset"),
        ("/api/v1/certificates?offset=100000000000000000000", "offset"),
        ("/api/v1/companies?estate=100000000000000000000", "estate"),
        ("/api/v1/companies?on=9999-12-31&expiring=true", "on"),
        ("/api/v1/certificates?valid_on=9999-12-31&expiring_within=10", "valid_on"),
        ("/api/v1/knowledge-based/series?province=26&to=9999-12-31", "to"),
    ],
)
def test_out_of_range_numbers_and_dates_are_refused(
    client: Any, secretariat: Any, bearer: Any, path: str, field: str
) -> None:
    response = client.get(path, headers=bearer(secretariat))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]


def test_pydantic_messages_reach_a_persian_user_in_persian(
    client: Any, secretariat: Any, bearer: Any
) -> None:
    response = client.get("/api/v1/companies?limit=abc", headers=bearer(secretariat))
    assert response.status_code == 422
    [error] = response.json()["errors"]["limit"]
    assert error["code"] == "int_parsing"
    assert error["message"] == "یک عدد صحیح وارد کنید."
