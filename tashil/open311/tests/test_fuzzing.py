"""Schemathesis against the Open311 endpoint's OpenAPI document (/open311/v2/openapi.json), in
both formats, with the API key of every role of DOMAIN.md §2: no method answers with a server
error, and every answer is one the document describes (status, content type, JSON body).

The requests go to the WSGI application in-process, inside the test's transaction, as in the
REST API's fuzzing (tashil/api/tests/test_fuzzing.py, whose helpers this reuses).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.urls import reverse

from tashil.api.tests.test_fuzzing import (  # noqa: F401 (fixture)
    ROLES,
    fuzz_schema,
    in_process_wsgi,
    invalid_rows,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    file_case: Callable[..., Any],
    category: Any,
    company: Any,
    other_company: Any,
    other_owner: Any,
    secretariat: Any,
    tax_agency: Any,
) -> dict[str, Any]:
    """Categories, and cases of both companies: one new, one referred to the tax agency, one
    rejected with a reason (the status notes carry it)."""
    from tashil.cases.models import Case
    from tashil.cases.services import ReferralRequest, case_move
    from tashil.factories import CategoryFactory

    customs = CategoryFactory(code="customs", name="گمرک", name_en="Customs")
    file_case()
    referred = file_case(title="استرداد مالیات", amount=2_500_000_000)
    case_move(actor=secretariat, case=referred, to="screening")
    case_move(
        actor=secretariat,
        case=referred,
        to="referred",
        requests=[ReferralRequest(agency=tax_agency, request_text="بررسی کنید")],
    )
    rejected = file_case(title="خارج از صلاحیت")
    case_move(actor=secretariat, case=rejected, to="screening")
    case_move(actor=secretariat, case=rejected, to="rejected", reason="موضوع در صلاحیت ستاد نیست.")
    file_case(actor=other_owner, company=other_company, category=customs, title="ترخیص")
    cases = Case.objects.all()
    return {
        "paths": [
            *({"service_code": code} for code in (category.code, customs.code)),
            *({"service_request_id": case.tracking} for case in cases),
            *({"token": str(case.api_token)} for case in cases),
        ],
        "fields": {
            "service_code": [category.code, customs.code],
            "attribute[company_national_id]": [company.national_id, other_company.national_id],
        },
    }


@pytest.mark.usefixtures("in_process_wsgi")
@pytest.mark.parametrize("role", ROLES)
def test_no_method_answers_any_role_with_a_server_error_or_off_its_document(
    request: pytest.FixtureRequest,
    role: str,
    world: dict[str, Any],
    key_for: Callable[[Any], str],
) -> None:
    schema = schemathesis.openapi.from_wsgi(reverse("open311:openapi"), get_wsgi_application())

    failures = fuzz_schema(
        schema, world, params={"api_key": key_for(request.getfixturevalue(role))}
    )

    assert not failures, "\n\n".join(failures)
    assert not invalid_rows()


def test_the_document_describes_every_method_in_both_formats(client: Any) -> None:
    response = client.get(reverse("open311:openapi"))

    assert response.status_code == 200
    paths = response.json()["paths"]
    for fmt in ("json", "xml"):
        assert {
            f"/open311/v2/discovery.{fmt}",
            f"/open311/v2/services.{fmt}",
            f"/open311/v2/services/{{service_code}}.{fmt}",
            f"/open311/v2/requests.{fmt}",
            f"/open311/v2/requests/{{service_request_id}}.{fmt}",
            f"/open311/v2/tokens/{{token}}.{fmt}",
        } == {path for path in paths if path.endswith(fmt)}
        assert set(paths[f"/open311/v2/requests.{fmt}"]) == {"get", "post"}


@pytest.mark.parametrize(
    "query", ["service_code=tax%00", "service_request_id=%00", "status=open%00", "%00=1"]
)
def test_a_nul_character_in_a_filter_is_refused_not_a_database_error(
    client: Any, secretariat: Any, key_for: Callable[[Any], str], query: str
) -> None:
    # PostgreSQL refuses NUL in text: before the refusal `service_code` was a server error there.
    response = client.get(f"/open311/v2/requests.json?api_key={key_for(secretariat)}&{query}")

    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400
    assert "NUL" in error["description"]


def test_a_nul_character_in_a_filed_request_is_refused_and_nothing_is_filed(
    client: Any, owner: Any, company: Any, category: Any, key_for: Callable[[Any], str]
) -> None:
    from tashil.cases.models import Case

    response = client.post(
        f"/open311/v2/requests.json?api_key={key_for(owner)}",
        {
            "service_code": category.code,
            "description": "تقسیط\x00 بدهی",
            "attribute[company_national_id]": company.national_id,
        },
    )

    assert response.status_code == 400
    assert not Case.objects.exists()
