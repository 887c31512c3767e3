"""The REST API, version 1, at /api/v1/ (docs at /api/v1/docs, schema at /api/v1/openapi.json).

Swagger UI is served from ninja's own static files ("ninja" is in INSTALLED_APPS), never from a
CDN: the platform must work on a province's network without the internet.
"""

from __future__ import annotations

from ninja import NinjaAPI

from tashil.api import errors
from tashil.api.auth import SessionAuth, TokenAuth
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

api = NinjaAPI(
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
