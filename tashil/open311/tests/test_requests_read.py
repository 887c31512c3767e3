"""GET requests, requests/{id} and tokens/{token}: the spec's fields, its filters, and only the
cases the key's owner may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tashil.cases.models import Case
from tashil.factories import CategoryFactory
from tashil.open311.tests.conftest import BASE, REQUEST_FIELDS, json_body, xml_items


def _get(client: Any, path: str, key: str | None, **params: str) -> Any:
    if key is not None:
        params["api_key"] = key
    return client.get(BASE + path, params)


def _ago(case: Any, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


# --- Fields and formats --------------------------------------------------------------------------


def test_the_list_has_exactly_the_spec_fields(
    client: Any, owner: Any, file_case: Callable[..., Any], key_for: Callable[..., str]
) -> None:
    case = file_case()

    response = _get(client, "requests.json", key_for(owner))

    assert response.status_code == 200
    [row] = json_body(response)
    assert set(row) == REQUEST_FIELDS
    assert row["service_request_id"] == case.tracking
    assert row["status"] == "open"
    assert row["service_code"] == "tax"
    assert row["service_name"] == "مالیات"
    assert row["description"] == case.description
    assert row["agency_responsible"] == ""
    assert row["expected_datetime"] is None
    assert row["requested_datetime"] == timezone.localtime(case.created_at).isoformat(
        timespec="seconds"
    )
    assert row["requested_datetime"].endswith("+03:30")
    assert (row["lat"], row["long"], row["media_url"]) == (None, None, None)


def test_the_list_in_xml_has_the_same_fields(
    client: Any, owner: Any, file_case: Callable[..., Any], key_for: Callable[..., str]
) -> None:
    case = file_case(address="خیابان دوم")

    response = _get(client, "requests.xml", key_for(owner))

    assert response.status_code == 200
    [row] = xml_items(response, "service_requests", "request")
    assert set(row) == REQUEST_FIELDS
    assert row["service_request_id"] == case.tracking
    assert row["status"] == "open"
    assert row["address"] == "خیابان دوم"
    assert row["expected_datetime"] == ""


def test_characters_xml_cannot_carry_are_left_out_of_the_xml(
    client: Any, owner: Any, file_case: Callable[..., Any], key_for: Callable[..., str]
) -> None:
    file_case(description="pasted\x0b from\x1f a PDF")

    response = _get(client, "requests.xml", key_for(owner))

    [row] = xml_items(response, "service_requests", "request")
    assert row["description"] == "pasted from a PDF"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_by_its_tracking_number(
    client: Any,
    owner: Any,
    file_case: Callable[..., Any],
    key_for: Callable[..., str],
    fmt: str,
) -> None:
    case = file_case()
    typed = case.display_tracking.lower()

    response = _get(client, f"requests/{typed}.{fmt}", key_for(owner))

    assert response.status_code == 200
    if fmt == "json":
        [row] = json_body(response)
    else:
        [row] = xml_items(response, "service_requests", "request")
    assert set(row) == REQUEST_FIELDS
    assert row["service_request_id"] == case.tracking


# --- The key and the scope -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["requests.json", "requests/K7M4-QX9C.json", "tokens/0.json", "requests.xml"]
)
def test_reading_requests_needs_a_key(
    client: Any, owner: Any, file_case: Callable[..., Any], path: str
) -> None:
    file_case()

    response = _get(client, path, None)

    assert response.status_code == 403


def test_a_wrong_key_cannot_read(client: Any, file_case: Callable[..., Any]) -> None:
    file_case()

    response = _get(client, "requests.json", "tsh_wrong")

    assert response.status_code == 403
    [error] = json_body(response)
    assert error["code"] == 403


def test_the_key_may_come_as_a_bearer_header(
    client: Any, owner: Any, file_case: Callable[..., Any], key_for: Callable[..., str]
) -> None:
    case = file_case()

    response = client.get(
        BASE + "requests.json", headers={"Authorization": f"Bearer {key_for(owner)}"}
    )

    assert [row["service_request_id"] for row in json_body(response)] == [case.tracking]


def test_another_company_does_not_see_the_case(
    client: Any,
    owner: Any,
    other_owner: Any,
    file_case: Callable[..., Any],
    key_for: Callable[..., str],
) -> None:
    case = file_case()
    key = key_for(other_owner)

    listed = _get(client, "requests.json", key)
    listed_by_id = _get(client, "requests.json", key, service_request_id=case.tracking)
    one = _get(client, f"requests/{case.tracking}.json", key)
    one_xml = _get(client, f"requests/{case.tracking}.xml", key)
    by_token = _get(client, f"tokens/{case.api_token}.json", key)

    assert json_body(listed) == []
    assert json_body(listed_by_id) == []
    assert one.status_code == 404
    assert [e["code"] for e in json_body(one)] == [404]
    assert one_xml.status_code == 404
    assert xml_items(one_xml, "errors", "error")[0]["code"] == "404"
    assert by_token.status_code == 404


def test_an_officer_sees_only_cases_referred_to_the_agency(
    client: Any,
    secretariat: Any,
    officer: Any,
    other_officer: Any,
    file_case: Callable[..., Any],
    tax_agency: Any,
    key_for: Callable[..., str],
) -> None:
    from tashil.cases.services import ReferralRequest, case_refer, case_start_screening

    referred = file_case()
    file_case(title="another")
    case_start_screening(actor=secretariat, case=referred)
    case_refer(
        actor=secretariat,
        case=referred,
        requests=[ReferralRequest(agency=tax_agency, request_text="بررسی")],
    )

    mine = json_body(_get(client, "requests.json", key_for(officer)))
    theirs = json_body(_get(client, "requests.json", key_for(other_officer)))

    assert [row["service_request_id"] for row in mine] == [referred.tracking]
    assert theirs == []


def test_the_secretariat_sees_every_case_of_its_province(
    client: Any,
    secretariat: Any,
    other_owner: Any,
    other_company: Any,
    file_case: Callable[..., Any],
    key_for: Callable[..., str],
) -> None:
    first = file_case()
    second = file_case(actor=other_owner, company=other_company)

    rows = json_body(_get(client, "requests.json", key_for(secretariat)))

    assert [row["service_request_id"] for row in rows] == [second.tracking, first.tracking]


def test_an_unreadable_id_is_a_404(
    client: Any, owner: Any, file_case: Callable[..., Any], key_for: Callable[..., str]
) -> None:
    file_case()

    response = _get(client, "requests/0000-0000.json", key_for(owner))

    assert response.status_code == 404


# --- Filters -------------------------------------------------------------------------------------


def test_service_request_id_takes_a_list_and_overrides_the_other_filters(
    client: Any, owner: Any, file_case: Callable[..., Any], key_for: Callable[..., str]
) -> None:
    old = file_case(title="old")
    _ago(old, 200)
    recent = file_case(title="recent")
    file_case(title="not asked for")
    ids = f"{old.display_tracking.lower()}, {recent.tracking},NOT-A-NUMBER"

    response = _get(
        client, "requests.json", key_for(owner), service_request_id=ids, status="closed"
    )

    assert response.status_code == 200
    assert {row["service_request_id"] for row in json_body(response)} == {
        old.tracking,
        recent.tracking,
    }


def test_service_code_filters_by_category(
    client: Any,
    owner: Any,
    file_case: Callable[..., Any],
    key_for: Callable[..., str],
) -> None:
    customs = CategoryFactory(code="customs", name="گمرک")
    water = CategoryFactory(code="water", name="آب")
    file_case()
    customs_case = file_case(category=customs)
    water_case = file_case(category=water)
    key = key_for(owner)

    one = json_body(_get(client, "requests.json", key, service_code="customs"))
    two = json_body(_get(client, "requests.json", key, service_code="customs,water"))

    assert [row["service_request_id"] for row in one] == [customs_case.tracking]
    assert {row["service_request_id"] for row in two} == {
        customs_case.tracking,
        water_case.tracking,
    }


def test_status_filters_open_and_closed(
    client: Any,
    owner: Any,
    secretariat: Any,
    file_case: Callable[..., Any],
    key_for: Callable[..., str],
) -> None:
    from tashil.cases.services import case_reject, case_start_screening

    open_case = file_case()
    rejected = file_case(title="out of scope")
    case_start_screening(actor=secretariat, case=rejected)
    case_reject(actor=secretariat, case=rejected, reason="خارج از حیطه ستاد")
    key = key_for(owner)

    opened = json_body(_get(client, "requests.json", key, status="open"))
    closed = json_body(_get(client, "requests.json", key, status="closed"))
    both = json_body(_get(client, "requests.json", key, status="open,closed"))

    assert [row["service_request_id"] for row in opened] == [open_case.tracking]
    assert [row["service_request_id"] for row in closed] == [rejected.tracking]
    assert len(both) == 2


def test_a_status_other_than_open_or_closed_is_a_400(
    client: Any, owner: Any, key_for: Callable[..., str]
) -> None:
    response = _get(client, "requests.json", key_for(owner), status="referred")

    assert response.status_code == 400
    assert json_body(response)[0]["code"] == 400


def test_by_default_only_the_last_90_days_are_listed(
    client: Any, owner: Any, file_case: Callable[..., Any], key_for: Callable[..., str]
) -> None:
    old = file_case(title="old")
    _ago(old, 91)
    recent = file_case(title="recent")
    _ago(recent, 89)

    rows = json_body(_get(client, "requests.json", key_for(owner)))

    assert [row["service_request_id"] for row in rows] == [recent.tracking]


def test_start_and_end_date_select_by_filing_time(
    client: Any, owner: Any, file_case: Callable[..., Any], key_for: Callable[..., str]
) -> None:
    inside = file_case(title="inside")
    Case.objects.filter(pk=inside.pk).update(
        created_at=dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)
    )
    before = file_case(title="before")
    Case.objects.filter(pk=before.pk).update(
        created_at=dt.datetime(2025, 2, 28, 20, 29, tzinfo=dt.UTC)
    )
    file_case(title="now")
    key = key_for(owner)

    # 2025-03-01T00:00+03:30 is 2025-02-28T20:30Z: one minute after "before".
    rows = json_body(
        _get(
            client,
            "requests.json",
            key,
            start_date="2025-03-01T00:00:00+03:30",
            end_date="2025-04-01T00:00:00Z",
        )
    )
    # A "+" sent unencoded arrives as a space; the date is still read.
    rows_plus_lost = json_body(
        _get(client, "requests.json", key, start_date="2025-02-28T00:00:00 03:30")
    )

    assert [row["service_request_id"] for row in rows] == [inside.tracking]
    assert {row["service_request_id"] for row in rows_plus_lost} == {
        inside.tracking,
        before.tracking,
    }


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-04-02T00:00:00Z"},
        {"start_date": "2025-04-01T00:00:00Z", "end_date": "2025-03-01T00:00:00Z"},
        {"start_date": "yesterday"},
        {"end_date": "2025-13-01T00:00:00Z"},
    ],
)
def test_a_bad_date_window_is_a_400(
    client: Any, owner: Any, key_for: Callable[..., str], params: dict[str, str]
) -> None:
    response = _get(client, "requests.json", key_for(owner), **params)

    assert response.status_code == 400
    assert [e["code"] for e in json_body(response)] == [400]


def test_the_list_takes_a_fixed_number_of_queries(
    client: Any,
    owner: Any,
    secretariat: Any,
    file_case: Callable[..., Any],
    tax_agency: Any,
    customs_agency: Any,
    key_for: Callable[..., str],
    django_assert_max_num_queries: Any,
) -> None:
    from tashil.cases.services import ReferralRequest, case_refer, case_start_screening

    for n in range(6):
        case = file_case(title=f"case {n}")
        case_start_screening(actor=secretariat, case=case)
        case_refer(
            actor=secretariat,
            case=case,
            requests=[
                ReferralRequest(agency=tax_agency, request_text="بررسی"),
                ReferralRequest(agency=customs_agency, request_text="ترخیص"),
            ],
        )
    key = key_for(owner)

    with django_assert_max_num_queries(6):
        response = _get(client, "requests.json", key)

    assert len(json_body(response)) == 6


# --- Tokens --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_gives_the_service_request_id(
    client: Any,
    owner: Any,
    file_case: Callable[..., Any],
    key_for: Callable[..., str],
    fmt: str,
) -> None:
    case = file_case()

    response = _get(client, f"tokens/{case.api_token}.{fmt}", key_for(owner))

    assert response.status_code == 200
    if fmt == "json":
        [row] = json_body(response)
    else:
        [row] = xml_items(response, "service_requests", "request")
    assert row == {"service_request_id": case.tracking, "token": str(case.api_token)}


def test_an_unknown_or_malformed_token_is_a_404(
    client: Any, owner: Any, file_case: Callable[..., Any], key_for: Callable[..., str]
) -> None:
    file_case()
    key = key_for(owner)

    unknown = _get(client, "tokens/7d444840-9dc0-11d1-b245-5ffdce74fad2.json", key)
    malformed = _get(client, "tokens/12345.json", key)

    assert (unknown.status_code, malformed.status_code) == (404, 404)
    assert json_body(malformed)[0]["code"] == 404


@pytest.mark.parametrize(
    "query",
    [
        "start_date=9999-12-31",
        "end_date=0001-01-01",
        "start_date=0001-01-01T00:00:00%2B14:00",
        "end_date=9999-12-31T23:59:59-12:00",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_a_clear_400(client, owner, key_for, query):
    response = client.get(f"/open311/v2/requests.json?api_key={key_for(owner)}&{query}")

    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
