"""POST requests: filing a case through Open311, and every way it is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tashil.cases.models import Case, CaseEvent
from tashil.core.text import to_persian_digits
from tashil.open311.tests.conftest import BASE, json_body, xml_items

DESCRIPTION = "بدهی مالیاتی سال ۱۴۰۲ تقسیط نمی‌شود\nاداره مالیات درخواست را بی‌پاسخ گذاشته است."


def _form(company: Any, key: str | None, **extra: str) -> dict[str, str]:
    data = {
        "service_code": "tax",
        "description": DESCRIPTION,
        "attribute[company_national_id]": company.national_id,
        "attribute[amount_rial]": "25,000,000,000",
        "attribute[requested_outcome]": "تقسیط در ۲۴ قسط",
        "address_string": "شهر صنعتی کاسپین، خیابان دوم",
        "lat": "36.27",
        "long": "50.00",
        "email": "someone@example.com",
        "first_name": "Someone",
        "phone": "09120000000",
    }
    if key is not None:
        data["api_key"] = key
    data.update(extra)
    return data


def test_a_company_representative_files_a_case(
    client: Any,
    owner: Any,
    company: Any,
    category: Any,
    key_for: Callable[..., str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    key = key_for(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BASE + "requests.json", _form(company, key))

    assert response.status_code == 201
    [answer] = json_body(response)
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    case = Case.objects.get()
    assert answer["service_request_id"] == case.tracking
    assert answer["token"] == str(case.api_token)
    assert answer["account_id"] is None
    assert answer["service_notice"]
    assert case.channel == "open311"
    assert case.company == company
    assert case.category == category
    assert case.filed_by == owner
    assert case.status == "submitted"
    assert case.title == "بدهی مالیاتی سال ۱۴۰۲ تقسیط نمی‌شود"
    assert case.description == DESCRIPTION
    assert case.amount == 25_000_000_000
    assert case.requested_outcome == "تقسیط در ۲۴ قسط"
    assert case.address == "شهر صنعتی کاسپین، خیابان دوم"
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.to_status, event.actor) == ("filed", "submitted", owner)
    assert event.data == {"channel": "open311"}


def test_a_client_needs_no_csrf_token(
    owner: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(BASE + "requests.json", _form(company, key_for(owner)))

    assert response.status_code == 201
    assert Case.objects.filter(channel="open311").count() == 1


def test_the_answer_to_a_post_can_be_xml(
    client: Any, owner: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    response = client.post(BASE + "requests.xml", _form(company, key_for(owner)))

    assert response.status_code == 201
    [answer] = xml_items(response, "service_requests", "request")
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    assert answer["service_request_id"] == Case.objects.get().tracking
    assert answer["account_id"] == ""


def test_a_long_first_line_is_cut_to_a_title_and_digits_are_normalised(
    client: Any, owner: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    dashed = company.national_id[:5] + "-" + company.national_id[5:]
    form = _form(
        company,
        key_for(owner),
        description="\n" + "الف" * 150,
        **{
            "attribute[company_national_id]": to_persian_digits(dashed),
            "attribute[amount_rial]": "",
            "attribute[requested_outcome]": "",
            "address_string": "",
        },
    )

    response = client.post(BASE + "requests.json", form)

    assert response.status_code == 201
    case = Case.objects.get()
    assert len(case.title) == 200
    assert case.title.endswith("…")
    assert case.amount is None
    assert case.requested_outcome == ""


def test_the_secretariat_may_file_for_a_company_of_its_province(
    client: Any, secretariat: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    response = client.post(BASE + "requests.json", _form(company, key_for(secretariat)))

    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.filed_by, case.company, case.channel) == (secretariat, company, "open311")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_a_key_nothing_is_filed(client: Any, company: Any, category: Any, fmt: str) -> None:
    response = client.post(BASE + f"requests.{fmt}", _form(company, None))

    assert response.status_code == 403
    if fmt == "json":
        assert json_body(response)[0]["code"] == 403
    else:
        assert xml_items(response, "errors", "error")[0]["code"] == "403"
    assert not Case.objects.exists()


def test_a_wrong_key_is_refused(client: Any, company: Any, category: Any) -> None:
    response = client.post(BASE + "requests.json", _form(company, "tsh_not-a-real-key"))

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_revoked_key_is_refused(
    client: Any, owner: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    from tashil.api.models import ApiToken
    from tashil.api.services import token_revoke

    key = key_for(owner)
    token_revoke(actor=owner, token=ApiToken.objects.get(user=owner))

    response = client.post(BASE + "requests.json", _form(company, key))

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_session_without_a_key_does_not_file(
    client: Any, owner: Any, company: Any, category: Any
) -> None:
    client.force_login(owner)

    response = client.post(BASE + "requests.json", _form(company, None))

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_company_cannot_file_for_another_company(
    client: Any,
    owner: Any,
    other_company: Any,
    category: Any,
    key_for: Callable[..., str],
) -> None:
    response = client.post(BASE + "requests.json", _form(other_company, key_for(owner)))

    assert response.status_code == 403
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()


def test_an_unregistered_company_gets_the_same_answer_as_another_company(
    client: Any, secretariat: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    form = _form(company, key_for(secretariat), **{"attribute[company_national_id]": "10380284790"})

    response = client.post(BASE + "requests.json", form)

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_user_who_sees_the_company_but_may_not_file_is_refused(
    client: Any, executive: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    response = client.post(BASE + "requests.json", _form(company, key_for(executive)))

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_an_unknown_service_code_is_a_404(
    client: Any, owner: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    response = client.post(
        BASE + "requests.json", _form(company, key_for(owner), service_code="potholes")
    )

    assert response.status_code == 404
    assert "potholes" in json_body(response)[0]["description"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("attribute[company_national_id]", "10380284791"),
        ("attribute[company_national_id]", "1038028"),
        ("attribute[company_national_id]", ""),
        ("description", ""),
        ("description", "   "),
        ("description", "x" * 4001),
        ("description", "null\x00byte"),
        ("service_code", ""),
        ("attribute[amount_rial]", "12.5"),
        ("attribute[amount_rial]", "-3"),
        ("attribute[amount_rial]", "1" + "0" * 17),
        # Unicode calls superscripts digits; int() does not.
        ("attribute[amount_rial]", "²"),
        ("attribute[company_national_id]", "¹" * 11),
        ("address_string", "x" * 301),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(
    client: Any,
    owner: Any,
    company: Any,
    category: Any,
    key_for: Callable[..., str],
    field: str,
    value: str,
) -> None:
    response = client.post(BASE + "requests.json", _form(company, key_for(owner), **{field: value}))

    assert response.status_code == 400
    errors = json_body(response)
    assert [e["code"] for e in errors] == [400]
    assert errors[0]["description"].startswith(field + ": ")
    assert not Case.objects.exists()


def test_several_problems_are_reported_together(
    client: Any, owner: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    form = _form(
        company,
        key_for(owner),
        description="",
        **{"attribute[company_national_id]": "123"},
    )

    response = client.post(BASE + "requests.xml", form)

    assert response.status_code == 400
    errors = xml_items(response, "errors", "error")
    assert len(errors) == 2
    assert {e["description"].split(":")[0] for e in errors} == {
        "description",
        "attribute[company_national_id]",
    }


def test_errors_are_in_english_when_asked(
    client: Any, owner: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    response = client.post(
        BASE + "requests.json", _form(company, key_for(owner), description="", lang="en")
    )

    assert json_body(response)[0]["description"] == "description: This field is required."


def test_errors_are_in_persian_by_default(
    client: Any, owner: Any, company: Any, category: Any, key_for: Callable[..., str]
) -> None:
    response = client.post(BASE + "requests.json", _form(company, key_for(owner), description=""))

    description = json_body(response)[0]["description"]
    assert description.startswith("description: ")
    assert description != "description: This field is required."
