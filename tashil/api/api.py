"""The REST API, version 1, at /api/v1/ (docs at /api/v1/docs, schema at /api/v1/openapi.json).

Swagger UI is served from ninja's own static files ("ninja" is in INSTALLED_APPS), never from a
CDN: the platform must work on a province's network without the internet.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from tashil.api import errors
from tashil.api.auth import SessionAuth, TokenAuth, signed_in_readers
from tashil.api.cases import router as cases_router
from tashil.api.figures import router as figures_router
from tashil.api.investments import (
    exports_router,
    projects_router,
    reference_router,
    shares_router,
    visits_router,
)
from tashil.api.meetings import resolutions_router
from tashil.api.meetings import router as meetings_router
from tashil.api.registry import router as registry_router

NUL = "\x00"
INVALID_RESPONSE = {
    "description": "Some of the input is not valid",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}


class TashilApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        # Any operation may be refused a NUL character in its path or query (`refusing_nul`).
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("422", INVALID_RESPONSE)
        return schema


api = TashilApi(
    title="Tashil API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "The registry of the Production Facilitation HQ. Authenticate with a personal token "
        "(`Authorization: Bearer tsh_…`, created on /api/tokens/) or with a logged-in "
        "browser session (changes then need the CSRF token). Dates are ISO 8601 Gregorian; "
        "errors are `{code, message, errors}` with stable codes."
    ),
    auth=[TokenAuth(), SessionAuth()],
    docs_decorator=signed_in_readers,
)
errors.install(api)
api.add_router("/", registry_router)
api.add_router("/", cases_router)
api.add_router("/", meetings_router)
api.add_router("/", resolutions_router)
api.add_router("/", projects_router)
api.add_router("/", exports_router)
api.add_router("/", visits_router)
api.add_router("/", shares_router)
api.add_router("/", reference_router)
api.add_router("/", figures_router)


def refusing_nul(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A NUL character in the path or the query string is a 422. PostgreSQL refuses NUL in
    text, so a lookup or filter on such a value would fail in the database, a server error;
    bodies are checked by their schemas (`TextIn`)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fields = [name for name, value in kwargs.items() if NUL in str(value)]
        for name, values in request.GET.lists():
            if NUL in name:
                fields.append(NON_FIELD_ERRORS)
            elif any(NUL in value for value in values):
                fields.append(name)
        if NUL in request.path and not fields:
            fields.append(NON_FIELD_ERRORS)
        if not fields:
            return view(request, *args, **kwargs)
        message = _("Text may not contain a NUL character.")
        return api.create_response(
            request,
            errors.body(
                errors.ErrorCode.INVALID,
                _("Some of the input is not valid."),
                {field: [{"code": "nul_character", "message": message}] for field in fields},
            ),
            status=422,
        )

    return wrapper
