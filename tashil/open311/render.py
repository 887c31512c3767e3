"""JSON or XML, as the URL's suffix asks, in the shapes GeoReport v2 prescribes.

The spec defines the XML and derives the JSON from it by the "Spark convention": an XML element
holding repeated children becomes a JSON list of them. So every answer is built once as Python
data (dicts and lists) and written out either way; `ITEMS` names the repeated child element of
each list.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - we only write XML, never parse it

from django.http import HttpResponse

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    XML: "text/xml; charset=utf-8",
}

# The element that each item of a list is wrapped in, by the list's name.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all, not even escaped; people paste them from other systems.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item = ITEMS[element.tag]
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(data: Any, root: str) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return _DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def render(data: Any, *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """`root` is the XML root element: the list's name for a list (`services`), the object's
    for an object (`service_definition`). JSON has no root."""
    content = to_xml(data, root) if fmt == XML else to_json(data)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(errors: list[tuple[int, str]], *, fmt: str, status: int) -> HttpResponse:
    """The spec's error body: a list of {code, description}; `code` is the HTTP status, which
    is what the spec recommends when there is no more specific code."""
    data = [{"code": code, "description": description} for code, description in errors]
    return render(data, fmt=fmt, root="errors", status=status)
