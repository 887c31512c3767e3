"""Discovery, the service list and service definitions: public, in both formats, with the spec's
field names."""

from __future__ import annotations

from typing import Any

import pytest

from tashil.factories import CategoryFactory
from tashil.open311.tests.conftest import BASE, json_body, xml_items, xml_root

SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
ENDPOINT_FIELDS = {"specification", "url", "changeset", "type", "formats"}


def test_discovery_lists_this_endpoint_in_json(client: Any, db: Any) -> None:
    response = client.get(BASE + "discovery.json")

    assert response.status_code == 200
    data = json_body(response)
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = data["endpoints"]
    assert set(endpoint) == ENDPOINT_FIELDS
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert "http://testserver/api/tokens/" in data["key_service"]


def test_discovery_in_xml_nests_endpoints_and_formats(client: Any, db: Any) -> None:
    response = client.get(BASE + "discovery.xml")

    assert response.status_code == 200
    root = xml_root(response)
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = root.find("endpoints")  # type: ignore[union-attr]
    assert endpoint.tag == "endpoint"
    assert {child.tag for child in endpoint} == ENDPOINT_FIELDS
    formats = [f.text for f in endpoint.find("formats")]  # type: ignore[union-attr]
    assert formats == ["text/xml", "application/json"]


def test_the_root_of_the_endpoint_serves_discovery(client: Any, db: Any) -> None:
    response = client.get(BASE)

    assert response.status_code == 200
    assert json_body(response)["endpoints"][0]["url"] == "http://testserver/open311/v2"


def test_services_are_the_categories_in_their_order(client: Any, category: Any) -> None:
    CategoryFactory(code="customs", name="گمرک", name_en="Customs", order=0)

    response = client.get(BASE + "services.json")

    assert response.status_code == 200
    data = json_body(response)
    assert [s["service_code"] for s in data] == ["customs", "tax"]
    assert all(set(s) == SERVICE_FIELDS for s in data)
    tax = data[1]
    assert tax["service_name"] == "مالیات"
    assert tax["metadata"] is True
    assert tax["type"] == "realtime"
    assert tax["keywords"] == "مالیات, Tax, tax"
    assert "5" in tax["description"]


def test_services_in_xml_have_the_same_fields(client: Any, category: Any) -> None:
    response = client.get(BASE + "services.xml")

    assert response.status_code == 200
    [service] = xml_items(response, "services", "service")
    assert set(service) == SERVICE_FIELDS
    assert service["service_code"] == "tax"
    assert service["metadata"] == "true"


def test_lang_en_gives_the_english_names(client: Any, category: Any) -> None:
    response = client.get(BASE + "services.json", {"lang": "en"})

    [service] = json_body(response)
    assert service["service_name"] == "Tax"
    assert response["Content-Language"] == "en"


def test_accept_language_alone_does_not_switch_to_english(client: Any, category: Any) -> None:
    response = client.get(BASE + "services.json", headers={"Accept-Language": "en"})

    assert json_body(response)[0]["service_name"] == "مالیات"


def test_a_service_definition_asks_for_the_company_and_the_amount(
    client: Any, category: Any
) -> None:
    response = client.get(BASE + "services/tax.json")

    assert response.status_code == 200
    data = json_body(response)
    assert set(data) == {"service_code", "attributes"}
    assert data["service_code"] == "tax"
    assert all(set(a) == ATTRIBUTE_FIELDS for a in data["attributes"])
    by_code = {a["code"]: a for a in data["attributes"]}
    assert list(by_code) == ["company_national_id", "amount_rial", "requested_outcome"]
    national_id = by_code["company_national_id"]
    assert (national_id["datatype"], national_id["required"], national_id["order"]) == (
        "string",
        True,
        1,
    )
    assert national_id["variable"] is True
    assert (by_code["amount_rial"]["datatype"], by_code["amount_rial"]["required"]) == (
        "number",
        False,
    )
    assert (by_code["requested_outcome"]["datatype"], by_code["requested_outcome"]["order"]) == (
        "text",
        3,
    )


def test_a_service_definition_in_xml_nests_attributes(client: Any, category: Any) -> None:
    response = client.get(BASE + "services/tax.xml", {"lang": "en"})

    root = xml_root(response)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "tax"
    attributes = root.find("attributes")
    assert attributes is not None
    assert [a.tag for a in attributes] == ["attribute"] * 3
    first = {child.tag: child.text for child in attributes[0]}
    assert set(first) == ATTRIBUTE_FIELDS
    assert first["required"] == "true"
    assert first["description"] == "National ID of the company (11 digits)"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_404_in_the_error_shape(client: Any, db: Any, fmt: str) -> None:
    response = client.get(BASE + f"services/nothing.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        [error] = json_body(response)
        assert set(error) == {"code", "description"}
        assert error["code"] == 404
    else:
        [error] = xml_items(response, "errors", "error")
        assert set(error) == {"code", "description"}
        assert error["code"] == "404"


def test_an_unknown_method_is_a_404_in_the_asked_format(client: Any, db: Any) -> None:
    response = client.get(BASE + "things.xml")

    assert response.status_code == 404
    [error] = xml_items(response, "errors", "error")
    assert error["code"] == "404"


def test_a_post_to_the_service_list_is_refused_with_405(client: Any, db: Any) -> None:
    response = client.post(BASE + "services.json")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert json_body(response)[0]["code"] == 405
