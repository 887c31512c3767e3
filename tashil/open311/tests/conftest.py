"""Helpers for the Open311 tests: API keys for the cast, cases to read, and the two formats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

import pytest

BASE = "/open311/v2/"

# The spec's field names, exactly (GeoReport v2, "GET Service Requests").
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


@pytest.fixture
def key_for(db: Any) -> Callable[..., str]:
    """A fresh API key belonging to `user`."""
    from tashil.api.services import token_create

    def make(user: Any, name: str = "open311 client") -> str:
        _token, key = token_create(actor=user, user=user, name=name)
        return key

    return make


@pytest.fixture
def file_case(company: Any, category: Any, owner: Any) -> Callable[..., Any]:
    """A case filed through the portal by `owner` (defaults: company A, the tax category)."""
    from tashil.cases.services import case_file

    def make(**overrides: Any) -> Any:
        values = {
            "actor": owner,
            "company": company,
            "category": category,
            "title": "تقسیط بدهی مالیاتی",
            "description": "درخواست تقسیط بدهی مالیاتی سال ۱۴۰۲",
            "channel": "portal",
        }
        values.update(overrides)
        return case_file(**values)

    return make


def xml_root(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def xml_items(response: Any, root: str, item: str) -> list[dict[str, str]]:
    """The children of a list answer as {tag: text}; checks the root and item element names."""
    element = xml_root(response)
    assert element.tag == root
    assert all(child.tag == item for child in element)
    return [{field.tag: field.text or "" for field in child} for child in element]


def json_body(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()
