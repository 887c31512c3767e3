"""The Open311 endpoint described in OpenAPI 3.1, served at /open311/v2/openapi.json.

GeoReport v2 defines its methods in prose; this is the same contract in a form that clients'
tools and the fuzzing tests (tashil/open311/tests/test_fuzzing.py) read. Every method exists in
both formats; the JSON answers are described field by field, the XML ones (the same data, see
render.py) as XML. Field names, their order and the error shape are the spec's; the choices
Tashil makes where the spec leaves one are in views.py.
"""

from __future__ import annotations

from typing import Any

from tashil.open311.forms import ADDRESS_LENGTH, MAX_DESCRIPTION
from tashil.open311.render import FORMATS, JSON

VERSION = "2"
PREFIX = "/open311/v2"

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_DATETIME = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {
            "code": {"type": "integer", "description": "The HTTP status."},
            "description": _STRING,
        },
    },
    "Errors": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}},
    "Discovery": {
        "type": "object",
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": {"type": "string", "format": "date-time"},
            "contact": _STRING,
            "key_service": _STRING,
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["specification", "url", "changeset", "type", "formats"],
                    "properties": {
                        "specification": _STRING,
                        "url": _STRING,
                        "changeset": {"type": "string", "format": "date-time"},
                        "type": {"enum": ["production", "test"]},
                        "formats": {"type": "array", "items": _STRING},
                    },
                },
            },
        },
    },
    "Service": {
        "type": "object",
        "required": [
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        ],
        "properties": {
            "service_code": _STRING,
            "service_name": _STRING,
            "description": _STRING,
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": _STRING,
            "group": _STRING,
        },
    },
    "Services": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}},
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": _STRING,
            "attributes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "variable",
                        "code",
                        "datatype",
                        "required",
                        "datatype_description",
                        "order",
                        "description",
                        "values",
                    ],
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": _STRING,
                        "datatype": {
                            "enum": [
                                "string",
                                "number",
                                "datetime",
                                "text",
                                "singlevaluelist",
                                "multivaluelist",
                            ]
                        },
                        "required": {"type": "boolean"},
                        "datatype_description": _STRING,
                        "order": {"type": "integer", "minimum": 1},
                        "description": _STRING,
                        "values": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"key": _STRING, "name": _STRING},
                            },
                        },
                    },
                },
            },
        },
    },
    "ServiceRequest": {
        "type": "object",
        "required": [
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
        ],
        "properties": {
            "service_request_id": {"type": "string", "description": "The tracking number."},
            "status": {"enum": ["open", "closed"]},
            "status_notes": _STRING,
            "service_name": _STRING,
            "service_code": _STRING,
            "description": _STRING,
            "agency_responsible": _STRING,
            "service_notice": _STRING,
            "requested_datetime": {"type": "string", "format": "date-time"},
            "updated_datetime": {"type": "string", "format": "date-time"},
            "expected_datetime": _DATETIME,
            "address": _STRING,
            "address_id": {"type": "null"},
            "zipcode": {"type": "null"},
            "lat": {"type": "null"},
            "long": {"type": "null"},
            "media_url": {"type": "null"},
        },
    },
    "ServiceRequests": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceRequest"}},
    "Created": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id", "token", "service_notice", "account_id"],
            "properties": {
                "service_request_id": _STRING,
                "token": {"type": "string", "format": "uuid"},
                "service_notice": _STRING,
                "account_id": {"type": "null"},
            },
        },
    },
    "Tokens": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id", "token"],
            "properties": {
                "service_request_id": _STRING,
                "token": {"type": "string", "format": "uuid"},
            },
        },
    },
}

_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "`en` for English texts; Persian otherwise.",
    "schema": {"type": "string"},
}


def _path(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": r"^[-\w]+$"},
    }


def _query(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }


def _content(fmt: str, schema: str) -> dict[str, Any]:
    if fmt == JSON:
        return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {"text/xml": {"schema": {"type": "string"}}}


def _answers(fmt: str, ok: tuple[str, str, str], *errors: tuple[str, str]) -> dict[str, Any]:
    status, description, schema = ok
    answers = {status: {"description": description, "content": _content(fmt, schema)}}
    # Every method refuses a NUL character in any parameter (views._refuse_nul).
    for code, text in (_INVALID, *errors):
        answers[code] = {"description": text, "content": _content(fmt, "Errors")}
    return answers


_NO_KEY = ("403", "The api_key is missing, unknown or revoked, or may not do this.")
_INVALID = ("400", "Some of the input is not valid; one error per problem.")
_NOT_FOUND_SERVICE = ("404", "No service with this code.")
_NOT_FOUND_REQUEST = ("404", "No service request that the key's owner may see has this ID.")
_KEYED: list[dict[str, list[str]]] = [{"api_key": []}]

_POST_FIELDS: dict[str, Any] = {
    "service_code": {"type": "string", "maxLength": 50},
    "description": {"type": "string", "minLength": 1, "maxLength": MAX_DESCRIPTION},
    "attribute[company_national_id]": {
        "type": "string",
        "maxLength": 40,
        "description": "The company's 11-digit national ID.",
    },
    "attribute[amount_rial]": {"type": "string", "maxLength": 40},
    "attribute[requested_outcome]": {"type": "string", "maxLength": MAX_DESCRIPTION},
    "address_string": {"type": "string", "maxLength": ADDRESS_LENGTH},
    "lang": {"type": "string"},
    # Accepted and ignored (views.py says why).
    "lat": {"type": "string"},
    "long": {"type": "string"},
    "address_id": {"type": "string"},
    "email": {"type": "string"},
    "first_name": {"type": "string"},
    "last_name": {"type": "string"},
    "phone": {"type": "string"},
    "device_id": {"type": "string"},
    "account_id": {"type": "string"},
    "media_url": {"type": "string"},
    "jurisdiction_id": {"type": "string"},
}


def _methods(fmt: str) -> dict[str, Any]:
    tag = [fmt.upper()]
    return {
        f"{PREFIX}/discovery.{fmt}": {
            "get": {
                "operationId": f"discovery_{fmt}",
                "summary": "Where the endpoint is and how to get a key",
                "tags": tag,
                "parameters": [_LANG],
                "responses": _answers(fmt, ("200", "The endpoint.", "Discovery")),
            }
        },
        f"{PREFIX}/services.{fmt}": {
            "get": {
                "operationId": f"services_{fmt}",
                "summary": "The services: the obstacle categories",
                "tags": tag,
                "parameters": [_LANG],
                "responses": _answers(fmt, ("200", "Every category.", "Services")),
            }
        },
        f"{PREFIX}/services/{{service_code}}.{fmt}": {
            "get": {
                "operationId": f"service_definition_{fmt}",
                "summary": "The attributes a request of the service takes",
                "tags": tag,
                "parameters": [_path("service_code", "A category's code."), _LANG],
                "responses": _answers(
                    fmt, ("200", "The definition.", "ServiceDefinition"), _NOT_FOUND_SERVICE
                ),
            }
        },
        f"{PREFIX}/requests.{fmt}": {
            "get": {
                "operationId": f"requests_{fmt}",
                "summary": "The service requests (cases) the key's owner may see",
                "tags": tag,
                "security": _KEYED,
                "parameters": [
                    _query("service_request_id", "Tracking numbers, separated by commas."),
                    _query("service_code", "Category codes, separated by commas."),
                    _query("start_date", "ISO 8601 date and time; at most 90 days before end."),
                    _query("end_date", "ISO 8601 date and time."),
                    _query("status", "`open`, `closed` or both, separated by a comma."),
                    _LANG,
                ],
                "responses": _answers(
                    fmt,
                    ("200", "At most 1000, newest first.", "ServiceRequests"),
                    _NO_KEY,
                ),
            },
            "post": {
                "operationId": f"request_create_{fmt}",
                "summary": "File a case for a company",
                "tags": tag,
                "security": _KEYED,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": [
                                    "service_code",
                                    "description",
                                    "attribute[company_national_id]",
                                ],
                                "properties": _POST_FIELDS,
                            }
                        }
                    },
                },
                "responses": _answers(
                    fmt,
                    ("201", "Filed: the tracking number and a token.", "Created"),
                    _NO_KEY,
                    _NOT_FOUND_SERVICE,
                ),
            },
        },
        f"{PREFIX}/requests/{{service_request_id}}.{fmt}": {
            "get": {
                "operationId": f"request_{fmt}",
                "summary": "One service request",
                "tags": tag,
                "security": _KEYED,
                "parameters": [_path("service_request_id", "The tracking number."), _LANG],
                "responses": _answers(
                    fmt, ("200", "A list of one.", "ServiceRequests"), _NO_KEY, _NOT_FOUND_REQUEST
                ),
            }
        },
        f"{PREFIX}/tokens/{{token}}.{fmt}": {
            "get": {
                "operationId": f"token_{fmt}",
                "summary": "The service request a token was given for",
                "tags": tag,
                "security": _KEYED,
                "parameters": [_path("token", "The token POST requests returned."), _LANG],
                "responses": _answers(
                    fmt, ("200", "A list of one.", "Tokens"), _NO_KEY, _NOT_FOUND_REQUEST
                ),
            }
        },
    }


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for fmt in FORMATS:
        paths.update(_methods(fmt))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tashil Open311 GeoReport v2",
            "version": VERSION,
            "description": (
                "Obstacle cases as GeoReport v2 service requests. Reading requests needs an "
                "api_key, as filing does: a personal API token of the account."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"api_key": {"type": "apiKey", "in": "query", "name": "api_key"}},
        },
    }
