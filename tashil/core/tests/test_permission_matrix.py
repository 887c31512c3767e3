"""The permission matrix (issue 9): every URL pattern of the URLconf and every operation of the
REST API's OpenAPI schema, requested by every role of DOMAIN.md §2 and by an anonymous visitor,
on a record in the role's scope ("own"), one of the same province outside every narrower scope
("near": the provincial secretariat and the executive see it) and one of another province
("other"); see `matrix_records`.

Routes are found, not listed: a URL pattern or API operation the table below does not classify
fails `test_every_url_pattern_is_classified` or `test_every_api_operation_is_classified`
("unclassified routes: …"), so a new view cannot go unchecked. Each cell asserts:

- the status: the page (200) for those allowed, 403 or 404 for a signed-in user who is not, the
  login page (302) for an anonymous visitor, 401 from the API;
- a write refused (POST-only pages, the API's POST/PUT/PATCH/DELETE) changes nothing at all.
  Writes are sent empty: a page checks who asks before reading the form, but the API validates
  the body first, so a refused API write is a 422 as often as a 403/404 and its cell proves only
  that nothing changed (the fuzzing tests send valid bodies);
- what a page or API answer shows holds no marker of a record outside the reader's scope (a
  company's name, a case's tracking number, a resolution's text…), nor the debts and amounts of a
  company whose financial details the reader may not see (DOMAIN.md §2: the secretariat, the
  executive, the company itself and the agencies a case was referred to).

The world is built once for the module inside a transaction that is rolled back at its end;
each cell runs in a savepoint of its own (pytest-django's `db`), so a write let through by
mistake cannot leak into the next cell.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tashil.api.api import api
from tashil.core.jalali import format_number
from tashil.core.tests import matrix_records
from tashil.core.tests.matrix_records import AMOUNTS, APPROVED, DEBTS, ROLES

ANONYMOUS = "anonymous"
PEOPLE = (*ROLES, ANONYMOUS)
W = SimpleNamespace

# --- Who may do what (DOMAIN.md §2) -------------------------------------------------------------

ALL = frozenset(ROLES)
SEC = frozenset({"secretariat"})
PROVINCE = frozenset({"secretariat", "executive"})
AGENCY = frozenset({"officer", "head"})
# Who sees a case, and through it its company: the province, its county, the expert it is
# assigned to, the agencies it was referred to, the company itself.
CASE_READERS = PROVINCE | AGENCY | {"expert", "owner", "county_secretary"}
# The HQ's staff who read the case lists and the figures (not the company, nor an agency
# outside its own inbox); the administrator sees none of it.
FILERS = frozenset({"secretariat", "owner", "county_secretary"})
# Whose scope reaches a resolution addressed to the tax agency on company A's case: the
# province, the agency, and the company and county of the case it resolves.
RESOLUTION_READERS = PROVINCE | AGENCY | {"owner", "county_secretary"}
# Whose financial details of a record on each side each role may see.
FINANCIAL_SIDES: dict[str, set[str]] = {
    "secretariat": {"own", "near"},
    "executive": {"own", "near"},
    "owner": {"own"},
    "officer": {"own"},
    "head": {"own"},
}
# Whose records of each side each role may see at all (lists are searched for the rest).
VISIBLE_SIDES: dict[str, set[str]] = {
    "secretariat": {"own", "near"},
    "executive": {"own", "near"},
    "expert": {"own"},
    "officer": {"own"},
    "head": {"own"},
    "owner": {"own"},
    "county_secretary": {"own"},
}

REFUSED = (403, 404)
SIDES = matrix_records.SIDES
PROVINCES = ("own", "other")


@dataclass(frozen=True)
class Route:
    """What the table says of one URL pattern or API operation.

    `own`: who gets through on the record in their scope (or on the page, when the route takes
    no record). `near`: who gets through on the same province's record outside every narrower
    scope; by default those of `own` who read the whole province. Nobody gets through on the
    other province's record. `method` POST: the route only takes a POST; the cells check that a
    refused POST changes nothing (an allowed POST is only checked to get past the permission).
    A route that is not `scoped` answers every side alike, and is requested on each side only
    to search what it shows (`query` asks it about that side's records).
    """

    own: frozenset[str]
    params: Callable[[W, str, str], dict[str, Any]] | None = None
    near: frozenset[str] | None = None
    method: str = "GET"
    public: bool = False
    ok: int = 200
    sides: tuple[str, ...] = ("own",)
    scoped: bool = False
    query: Callable[[W, str], dict[str, Any]] | None = None
    # Read for foreign markers: off for files whose text cannot be searched (PDF).
    searched: bool = True
    # Markers this page may show whoever reads it (a session's page shows all its resolutions
    # to the member agencies, who attend it).
    shows: frozenset[str] = frozenset()
    # What a refused user gets.
    refusals: tuple[int, ...] = (403, 404)
    # What an anonymous visitor gets when not `public`; None: the login page (the API: 401).
    anonymous: tuple[int, ...] | None = None
    # What an anonymous visitor gets from a public page, when not `ok`.
    anonymous_ok: int | None = None
    # For a pattern without a name: the URL requested.
    literal: str = ""
    xfail: dict[tuple[str, str], str] = field(default_factory=dict)

    def allowed(self, role: str, side: str) -> bool:
        if role == ANONYMOUS:
            return self.public
        if not self.scoped or side == "own":
            return role in self.own
        if side == "near":
            near = self.near if self.near is not None else self.own & PROVINCE
            return role in near
        return False


def public(ok: int = 200, method: str = "GET", **kw: Any) -> Route:
    return Route(own=ALL, public=True, ok=ok, method=method, **kw)


# --- How each route's parameters are filled -----------------------------------------------------


def by_side(attribute: str, key: str = "pk", value: str = "pk") -> Callable[[W, str, str], dict]:
    def fill(w: W, side: str, role: str) -> dict[str, Any]:
        return {key: getattr(getattr(w, attribute)[side], value)}

    return fill


def personal(attribute: str) -> Callable[[W, str, str], dict[str, Any]]:
    """The requester's own row on the "own" side, Zanjan's secretariat's on the other."""

    def fill(w: W, side: str, role: str) -> dict[str, Any]:
        rows = getattr(w, attribute)
        return {"pk": rows[role if side == "own" and role in rows else "other"].pk}

    return fill


def fixed(**kwargs: Any) -> Callable[[W, str, str], dict[str, Any]]:
    """The same arguments whoever asks about whichever side."""

    def fill(w: W, side: str, role: str) -> dict[str, Any]:
        return kwargs

    fill.fixed = True  # type: ignore[attr-defined]
    return fill


company = by_side("company", "national_id", "national_id")
tracking = by_side("case", "tracking", "tracking")


def company_part(w: W, side: str, role: str) -> dict[str, Any]:
    return {
        "national_id": w.company[side].national_id,
        "part": "product",
        "pk": w.product[side].pk,
    }


def visit_item(w: W, side: str, role: str) -> dict[str, Any]:
    return {"pk": w.visit[side].pk, "item": w.visit_item[side].pk}


def meeting_item(w: W, side: str, role: str) -> dict[str, Any]:
    return {"item": w.item[side].pk}


def open311_request(w: W, side: str, role: str) -> dict[str, Any]:
    return {"service_request_id": w.case[side].tracking, "fmt": "json"}


def open311_token(w: W, side: str, role: str) -> dict[str, Any]:
    return {"token": str(w.case[side].api_token), "fmt": "json"}


ROUTES: dict[str, Route] = {}


def html(
    own: frozenset[str],
    params: Callable[[W, str, str], dict[str, Any]] | None = None,
    *,
    sides: tuple[str, ...] = SIDES,
    **kw: Any,
) -> Route:
    """A page; when it takes a record of a side, it is requested on each of `sides`."""
    scoped = params is not None and not getattr(params, "fixed", False)
    return Route(
        own=frozenset(own),
        params=params,
        sides=sides if scoped or "query" in kw else ("own",),
        scoped=scoped,
        **kw,
    )


def post(
    own: frozenset[str],
    params: Callable[[W, str, str], dict[str, Any]] | None = None,
    **kw: Any,
) -> Route:
    return html(own, params, method="POST", **kw)


# Figures are the province's: its secretariat and executive; an agency reads its own card of
# the scorecard. Not the administrator (DOMAIN.md §2: "—").
FIGURE_READERS = PROVINCE
# An agenda is sent to the member agencies before the session.
AGENDA_READERS = PROVINCE | AGENCY
SESSION = frozenset({"resolution", "company"})
ADMIN = frozenset({"admin"})
EVERY_RECORD = frozenset(
    {
        "company",
        "case",
        "case title",
        "resolution",
        "project",
        "visit",
        "share source",
        "press brief",
    }
)
NO_LETTER = 404  # the national letter exists once a resolution is escalated; none is here


def duplicates_of(w: W, side: str) -> dict[str, Any]:
    return {"company": w.company[side].national_id, "title": w.case[side].title}


ROUTES.update(
    {
        # --- Public pages --------------------------------------------------------------------
        "healthz": public(),
        "set_language": public(ok=302, method="POST"),
        "javascript-catalog": public(),
        # A signed-in user is sent on from the login page.
        "accounts:login": public(ok=302, anonymous_ok=200),
        "accounts:password_reset": public(),
        "accounts:password_reset_done": public(),
        "accounts:password_reset_confirm": public(params=fixed(uidb64="MQ", token="set-password")),
        "accounts:password_reset_complete": public(),
        "accounts:logout": public(ok=302, method="POST"),
        "open311:root": public(),
        "open311:discovery": public(params=fixed(fmt="json")),
        "open311:services": public(params=fixed(fmt="json")),
        "open311:service": public(params=lambda w, s, r: {"code": w.category.code, "fmt": "json"}),
        # The document describing the Open311 endpoint, as discovery does.
        "open311:openapi": public(),
        "open311:^(?P<path>.*)$": public(ok=404, literal="/open311/v2/nothing.json"),
        "api-v1:api-root": public(ok=404),
        # --- Accounts and keys ---------------------------------------------------------------
        "accounts:profile": html(ALL),
        "accounts:password_change": html(ALL),
        "accounts:password_change_done": html(ALL),
        "accounts:two_factor_setup": html(ALL),
        # Without a device of their own, both send the user back (to the page or the profile).
        "accounts:two_factor_verify": html(ALL, ok=302),
        "accounts:two_factor_disable": html(ALL, ok=302),
        "api:tokens": html(ALL),
        "api:token_revoke": post(ALL, personal("token"), sides=PROVINCES),
        "api-v1:openapi-json": html(ALL),
        "api-v1:openapi-view": html(ALL),
        # --- The audit trail: the administrator's, who reads who changed what on every record
        # (issue 9); still no amounts (DOMAIN.md §2).
        "audit:list": html(ADMIN, shows=EVERY_RECORD),
        "audit:export": html(ADMIN, fixed(fmt="csv"), shows=EVERY_RECORD),
        # --- Home, reference data, notifications --------------------------------------------
        "core:home": html(ALL),
        "core:reference": html(ALL),
        "core:working_days": html(ALL),
        "notifications:list": html(ALL),
        # Another's notice is not found: the reader is sent to their own list.
        "notifications:open": post(ALL, personal("notification"), sides=PROVINCES, refusals=(302,)),
        "notifications:read_all": post(ALL),
        # --- Registry: lists are everyone's, cut to what each may see ------------------------
        "registry:company_list": html(ALL),
        "registry:company_export": html(ALL, fixed(fmt="csv")),
        "registry:company_create": html(SEC),
        "registry:company_import": html(SEC),
        "registry:import_job": html(SEC, by_side("import_job"), sides=PROVINCES),
        "registry:import_template": html(SEC, fixed(kind="companies", fmt="csv")),
        "registry:knowledge_based": html(PROVINCE),
        "registry:target_set": post(SEC, query=lambda w, side: {"province": w.qazvin.code}),
        "registry:certificate_edit": html(SEC, by_side("certificate")),
        "registry:certificate_revoke": post(SEC, by_side("certificate")),
        "registry:company_detail": html(CASE_READERS, company),
        "registry:company_edit": html(SEC, company),
        "registry:company_history": html(CASE_READERS, company),
        "registry:company_status": post(SEC, company),
        "registry:product_add": post(SEC, company),
        "registry:licence_add": post(SEC, company),
        "registry:contact_add": post(SEC, company),
        "registry:certificate_add": html(SEC, company),
        "registry:part_remove": post(SEC, company_part),
        # --- Cases ---------------------------------------------------------------------------
        "cases:list": html(ALL),
        "cases:create": html(FILERS),
        "cases:export": html(ALL, fixed(fmt="csv")),
        "cases:duplicates_hint": html(ALL, query=duplicates_of),
        "cases:track": html(ALL),
        "cases:secretariat": html(SEC | {"county_secretary"}),
        "cases:inbox": html(AGENCY),
        "cases:attachment": html(CASE_READERS, by_side("attachment")),
        "cases:referral_answer": post(AGENCY, by_side("referral")),
        "cases:referral_extend": post(AGENCY, by_side("referral")),
        "cases:detail": html(CASE_READERS, tracking),
        "cases:receipt": html(CASE_READERS, tracking),
        # Each moves the case as the workflow lets them (the expert and the company too).
        "cases:move": post(FILERS | {"expert"}, tracking),
        "cases:refer": post(SEC | {"county_secretary"}, tracking),
        "cases:attach": post(FILERS | {"expert"}, tracking),
        "cases:results": post(SEC | {"county_secretary"}, tracking),
        # --- Meetings and resolutions --------------------------------------------------------
        "meetings:list": html(PROVINCE | AGENCY | {"county_secretary"}),
        "meetings:create": html(SEC),
        "meetings:meeting": html(
            PROVINCE | AGENCY, by_side("meeting"), sides=PROVINCES, shows=SESSION
        ),
        "meetings:edit": html(SEC, by_side("open_meeting"), sides=PROVINCES),
        "meetings:agenda": html(AGENDA_READERS, by_side("open_meeting"), sides=PROVINCES),
        # Outside htmx, it sends the secretariat to the meeting's page.
        "meetings:case_search": html(SEC, by_side("open_meeting"), sides=PROVINCES, ok=302),
        "meetings:add_case": post(SEC, by_side("open_meeting"), sides=PROVINCES, ok=404),
        "meetings:add_resolution": post(SEC, by_side("open_meeting"), sides=PROVINCES, ok=404),
        "meetings:add_topic": post(SEC, by_side("open_meeting"), sides=PROVINCES),
        "meetings:reorder": post(SEC, by_side("open_meeting"), sides=PROVINCES),
        "meetings:item": html(AGENDA_READERS, meeting_item, sides=PROVINCES),
        "meetings:move_item": post(SEC, meeting_item, sides=PROVINCES),
        "meetings:remove_item": post(SEC, meeting_item, sides=PROVINCES),
        "meetings:draft": html(SEC, meeting_item, sides=PROVINCES),
        "meetings:edit_draft": html(SEC, by_side("draft"), sides=PROVINCES),
        "meetings:delete_draft": post(SEC, by_side("draft"), sides=PROVINCES),
        "meetings:attendance": html(SEC, by_side("open_meeting"), sides=PROVINCES),
        "meetings:send_agenda": post(SEC, by_side("open_meeting"), sides=PROVINCES),
        "meetings:close": post(SEC, by_side("open_meeting"), sides=PROVINCES),
        "meetings:cancel": post(SEC, by_side("open_meeting"), sides=PROVINCES),
        "meetings:minutes_pdf": html(
            PROVINCE | AGENCY, by_side("meeting"), sides=PROVINCES, searched=False
        ),
        "meetings:agenda_pdf": html(
            AGENDA_READERS, by_side("open_meeting"), sides=PROVINCES, searched=False
        ),
        "meetings:register": html(ALL),
        "meetings:agencies": html(ALL),
        "meetings:inbox": html(AGENCY),
        "meetings:resolution": html(RESOLUTION_READERS, by_side("resolution")),
        "meetings:resolution_move": post(SEC | AGENCY, by_side("resolution")),
        "meetings:report": post(AGENCY, by_side("resolution")),
        "meetings:national": post(SEC, by_side("resolution")),
        "meetings:national_letter": html(SEC, by_side("resolution"), ok=NO_LETTER, searched=False),
        "meetings:evidence": html(RESOLUTION_READERS, by_side("evidence"), sides=PROVINCES),
        # --- Investments ---------------------------------------------------------------------
        "investments:project_list": html(ALL),
        "investments:project_create": html(SEC),
        "investments:project_detail": html(
            PROVINCE | {"owner", "county_secretary"}, by_side("project")
        ),
        "investments:project_edit": html(SEC, by_side("project")),
        "investments:project_progress": html(SEC, by_side("project")),
        "investments:export_list": html(ALL),
        "investments:export_create": html(SEC),
        "investments:export_edit": html(SEC, by_side("export")),
        "investments:export_remove": post(SEC, by_side("export")),
        "investments:import": html(SEC),
        "investments:import_template": html(SEC, fixed(kind="projects", fmt="csv")),
        "investments:project_export": html(ALL, fixed(fmt="csv")),
        "investments:figures_export": html(ALL, fixed(fmt="csv")),
        "investments:visit_list": html(PROVINCE | {"county_secretary"}),
        "investments:visit_create": html(SEC),
        "investments:visit_detail": html(
            PROVINCE | {"county_secretary"}, by_side("visit"), sides=PROVINCES
        ),
        "investments:visit_edit": html(SEC, by_side("visit"), sides=PROVINCES),
        "investments:item_add": html(SEC, by_side("visit"), sides=PROVINCES),
        "investments:item_edit": html(SEC, visit_item, sides=PROVINCES),
        "investments:item_remove": post(SEC, visit_item, sides=PROVINCES),
        "investments:visit_programme": html(
            PROVINCE | {"county_secretary"}, by_side("visit"), sides=PROVINCES, searched=False
        ),
        "investments:share_list": html(ALL),
        "investments:share_create": html(SEC),
        "investments:share_edit": html(SEC, by_side("share"), sides=PROVINCES),
        "investments:share_remove": post(SEC, by_side("share"), sides=PROVINCES),
        # --- Figures -------------------------------------------------------------------------
        "figures:dashboard": html(FIGURE_READERS),
        "figures:counties": html(FIGURE_READERS),
        "figures:scorecard": html(FIGURE_READERS | AGENCY),
        "figures:table_xlsx": html(FIGURE_READERS, fixed(page="dashboard", table="cases")),
        "figures:page_xlsx": html(FIGURE_READERS, fixed(page="dashboard")),
        "figures:weekly": html(FIGURE_READERS),
        "figures:weekly_pdf": html(FIGURE_READERS, searched=False),
        "figures:weekly_xlsx": html(FIGURE_READERS),
        "figures:press": html(FIGURE_READERS),
        "figures:press_brief": html(FIGURE_READERS, by_side("press_brief"), sides=PROVINCES),
        # --- Open311 reads with a key (the spec's public reads need one here: case data is
        # confidential, see open311/views.py) --------------------------------------------------
        "open311:requests": html(ALL, fixed(fmt="json"), anonymous=(403,)),
        "open311:request": html(CASE_READERS, open311_request, anonymous=(403,)),
        "open311:token": html(CASE_READERS, open311_token, anonymous=(403,)),
    }
)


# --- The REST API ------------------------------------------------------------------------------


def api_fill(w: W, side: str, names: list[str], operation: str) -> dict[str, Any]:
    """A path parameter of the API from its name; a meeting's items and changes are those of
    the planned session, its reading that of the held one."""
    held = operation in ("GET /api/v1/meetings/{meeting_id}",)
    visit = "/visits/" in operation
    values = {
        "national_id": lambda: w.company[side].national_id,
        "tracking": lambda: w.case[side].tracking,
        "attachment_id": lambda: w.attachment[side].pk,
        "referral_id": lambda: w.referral[side].pk,
        "meeting_id": lambda: (w.meeting if held else w.open_meeting)[side].pk,
        "item_id": lambda: (w.visit_item if visit else w.item)[side].pk,
        "resolution_id": lambda: w.resolution[side].pk,
        "project_id": lambda: w.project[side].pk,
        "figure_id": lambda: w.export[side].pk,
        "visit_id": lambda: w.visit[side].pk,
        "share_id": lambda: w.share[side].pk,
    }
    return {name: values[name]() for name in names}


@functools.cache
def api_operations() -> dict[str, list[str]]:
    """Every operation of the schema, "METHOD /path", with the names of its path parameters."""
    schema = api.get_openapi_schema()
    found = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            found[f"{method.upper()} {path}"] = names
    return found


def sides_of(names: list[str]) -> tuple[str, ...]:
    province_wide = {"meeting_id", "visit_id", "share_id", "item_id"}
    if not names:
        return ("own",)
    return PROVINCES if province_wide & set(names) else SIDES


API: dict[str, Route] = {
    # Reference data any signed-in user reads.
    "GET /api/v1/sectors": Route(own=ALL),
    "GET /api/v1/countries": Route(own=ALL),
    "GET /api/v1/country-groups": Route(own=ALL),
    # Registry.
    "GET /api/v1/companies": Route(own=ALL),
    "POST /api/v1/companies": Route(own=SEC, method="POST"),
    "GET /api/v1/companies/{national_id}": Route(own=CASE_READERS),
    "PATCH /api/v1/companies/{national_id}": Route(own=SEC, method="PATCH"),
    "GET /api/v1/certificates": Route(own=ALL),
    "GET /api/v1/companies/{national_id}/certificates": Route(own=CASE_READERS),
    "POST /api/v1/companies/{national_id}/certificates": Route(own=SEC, method="POST"),
    # Asked for a province the user does not read, the series answers that the province is
    # not one of the choices (422).
    "GET /api/v1/knowledge-based/series": Route(
        own=PROVINCE,
        refusals=(403, 404, 422),
        query=lambda w, side: {"province": w.qazvin.code},
    ),
    # Cases.
    "GET /api/v1/cases": Route(own=ALL),
    "POST /api/v1/cases": Route(own=FILERS, method="POST"),
    "GET /api/v1/cases/{tracking}": Route(own=CASE_READERS),
    "POST /api/v1/cases/{tracking}/transitions": Route(own=FILERS | {"expert"}, method="POST"),
    "POST /api/v1/cases/{tracking}/referrals": Route(own=SEC | {"county_secretary"}, method="POST"),
    "POST /api/v1/cases/{tracking}/attachments": Route(own=FILERS | {"expert"}, method="POST"),
    "GET /api/v1/attachments/{attachment_id}": Route(own=CASE_READERS),
    "GET /api/v1/referrals": Route(own=ALL),
    "POST /api/v1/referrals/{referral_id}/answer": Route(own=AGENCY, method="POST"),
    "POST /api/v1/referrals/{referral_id}/extension": Route(own=AGENCY, method="POST"),
    # Meetings and resolutions.
    "GET /api/v1/bodies": Route(own=ALL),
    "GET /api/v1/meetings": Route(own=ALL),
    "POST /api/v1/meetings": Route(own=SEC, method="POST"),
    "GET /api/v1/meetings/{meeting_id}": Route(own=PROVINCE | AGENCY, shows=SESSION),
    "POST /api/v1/meetings/{meeting_id}/close": Route(own=SEC, method="POST"),
    "POST /api/v1/meetings/{meeting_id}/cancel": Route(own=SEC, method="POST"),
    "GET /api/v1/meetings/{meeting_id}/proposals": Route(own=SEC),
    "POST /api/v1/meetings/{meeting_id}/items": Route(own=SEC, method="POST"),
    "PUT /api/v1/meetings/{meeting_id}/items/order": Route(own=SEC, method="PUT"),
    "PATCH /api/v1/meetings/{meeting_id}/items/{item_id}": Route(own=SEC, method="PATCH"),
    "DELETE /api/v1/meetings/{meeting_id}/items/{item_id}": Route(own=SEC, method="DELETE"),
    "PUT /api/v1/meetings/{meeting_id}/attendance": Route(own=SEC, method="PUT"),
    "POST /api/v1/meetings/{meeting_id}/items/{item_id}/resolutions": Route(own=SEC, method="POST"),
    "GET /api/v1/resolutions": Route(own=ALL),
    "GET /api/v1/resolutions/{resolution_id}": Route(own=RESOLUTION_READERS),
    "POST /api/v1/resolutions/{resolution_id}/transitions": Route(own=SEC | AGENCY, method="POST"),
    "GET /api/v1/resolutions/{resolution_id}/reports": Route(own=RESOLUTION_READERS),
    "POST /api/v1/resolutions/{resolution_id}/reports": Route(own=AGENCY, method="POST"),
    # Investments.
    "GET /api/v1/projects": Route(own=ALL),
    "POST /api/v1/projects": Route(own=SEC, method="POST"),
    "GET /api/v1/projects/{project_id}": Route(own=PROVINCE | {"owner", "county_secretary"}),
    "PATCH /api/v1/projects/{project_id}": Route(own=SEC, method="PATCH"),
    "POST /api/v1/projects/{project_id}/progress": Route(own=SEC, method="POST"),
    "POST /api/v1/projects/{project_id}/open": Route(own=SEC, method="POST"),
    "GET /api/v1/exports": Route(own=ALL),
    "POST /api/v1/exports": Route(own=SEC, method="POST"),
    "GET /api/v1/exports/totals": Route(own=ALL),
    "DELETE /api/v1/exports/{figure_id}": Route(own=SEC, method="DELETE"),
    "GET /api/v1/visits": Route(own=ALL),
    "POST /api/v1/visits": Route(own=SEC, method="POST"),
    "GET /api/v1/visits/{visit_id}": Route(own=PROVINCE | {"county_secretary"}),
    "PATCH /api/v1/visits/{visit_id}": Route(own=SEC, method="PATCH"),
    "POST /api/v1/visits/{visit_id}/items": Route(own=SEC, method="POST"),
    "PATCH /api/v1/visits/{visit_id}/items/{item_id}": Route(own=SEC, method="PATCH"),
    "DELETE /api/v1/visits/{visit_id}/items/{item_id}": Route(own=SEC, method="DELETE"),
    "GET /api/v1/sector-shares": Route(own=ALL),
    "POST /api/v1/sector-shares": Route(own=SEC, method="POST"),
    "PATCH /api/v1/sector-shares/{share_id}": Route(own=SEC, method="PATCH"),
    "DELETE /api/v1/sector-shares/{share_id}": Route(own=SEC, method="DELETE"),
    # Figures.
    **{
        f"GET /api/v1/figures/{name}": Route(own=FIGURE_READERS)
        for name in (
            "dashboard",
            "knowledge-based",
            "cases",
            "resolutions",
            "sessions",
            "revived",
            "results",
            "openings",
            "exports",
            "shares",
            "counties",
        )
    },
    "GET /api/v1/figures/scorecard": Route(own=FIGURE_READERS | AGENCY),
}


# --- Finding every route -------------------------------------------------------------------------

# The Django admin is the administrators' (is_staff): checked as one group below.
ADMIN_NAMESPACE = "admin"
# The REST API's operations are classified by the schema (`API`), not by their URL patterns.
API_NAMESPACE = "api-v1"
API_PAGES = {"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root"}


def url_patterns() -> dict[str, str]:
    """Every URL pattern of the URLconf, by "namespace:name" (or "namespace:regex" when it has no
    name), with its full pattern."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                assert isinstance(pattern, URLPattern)
                key = namespace + (pattern.name or str(pattern.pattern))
                found[key] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns, "", "")
    return found


def classified_patterns() -> dict[str, str]:
    """The patterns the HTML table must classify: all but the admin's and the API's operations."""
    return {
        key: pattern
        for key, pattern in url_patterns().items()
        if not key.startswith(f"{ADMIN_NAMESPACE}:")
        and (not key.startswith(f"{API_NAMESPACE}:") or key in API_PAGES)
    }


# --- The world, the readers, the requests --------------------------------------------------------


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[W]:
    """Built once, in a transaction rolled back after the module's last cell; the settings the
    cast's autouse fixtures set per test are set here for the module."""
    from huey.contrib.djhuey import HUEY

    immediate = HUEY.immediate
    HUEY.immediate = True
    with (
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            TASHIL_SMS_BACKEND="tashil.notifications.sms.MemorySmsBackend",
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        w = matrix_records.build()
        w.sessions = {}
        for role, user in w.users.items():
            client = Client()
            client.force_login(user)
            w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield w
        transaction.set_rollback(True)
    HUEY.immediate = immediate


def client_of(w: W, role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    return client


def url_of(key: str, route: Route, w: W, side: str, role: str) -> str:
    if route.literal:
        return route.literal
    kwargs = route.params(w, side, role) if route.params else {}
    return reverse(key, kwargs=kwargs)


def text_of(response: Any) -> str:
    """What the response shows, as text that can be searched: JSON without escapes, the cells of
    a workbook; a PDF is not searched."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "json" in kind:
        return json.dumps(json.loads(body or b"null"), ensure_ascii=False)
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "pdf" in kind:
        return ""
    return body.decode("utf-8-sig", errors="replace")


def spellings(number: int) -> set[str]:
    """A number as a page or an answer may print it."""
    found = {str(number), f"{number:,}"}
    for language in ("fa", "en"):
        with translation.override(language):
            found.add(format_number(number))
    return found


def markers(w: W, side: str) -> dict[str, str]:
    """What only the records of `side` show, by what it is."""
    found = {
        "company": w.company[side].legal_name,
        "case": w.case[side].tracking,
        "case title": w.case[side].title,
        "resolution": w.resolution[side].text,
        "project": w.project[side].title,
    }
    if side in w.visit:
        found["visit"] = w.visit[side].title
        found["share source"] = w.share[side].source
        found["press brief"] = w.press_brief[side].text
    return found


@functools.cache
def financial_markers(side: str) -> dict[str, str]:
    amounts = {
        "bank debt": DEBTS[side][0],
        "tax debt": DEBTS[side][1],
        "insurance debt": DEBTS[side][2],
        "amount involved": AMOUNTS[side],
        "loan approved": APPROVED[side],
    }
    return {
        f"{what} {spelling}": spelling
        for what, amount in amounts.items()
        for spelling in spellings(amount)
    }


# Rows that a refused write must leave as they were: every table of Tashil's apps. The API
# records when a key was last used, and a login when a user last logged in; neither is a write
# by the request's author.
IGNORED_COLUMNS = {("api", "apitoken"): {"last_used_at"}, ("accounts", "user"): {"last_login"}}


def snapshot() -> dict[str, str]:
    found = {}
    for model in apps.get_models():
        meta = model._meta
        if not meta.app_label or not model.__module__.startswith("tashil."):
            continue
        ignored = IGNORED_COLUMNS.get((meta.app_label, meta.model_name), set())
        columns = [f.attname for f in meta.concrete_fields if f.attname not in ignored]
        rows = list(model._default_manager.order_by("pk").values_list(*columns))
        found[meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return found


@dataclass
class Cell:
    key: str
    route: Route
    role: str
    side: str
    api: bool = False

    @property
    def expected_through(self) -> bool:
        return self.route.allowed(self.role, self.side)


def request_cell(w: W, cell: Cell) -> Any:
    route = cell.route
    client = client_of(w, cell.role)
    headers: dict[str, str] = {}
    data: dict[str, Any] = {}
    if cell.api:
        method, path = cell.key.split(" ", 1)
        names = api_operations()[cell.key]
        url = path.format(**api_fill(w, cell.side, names, cell.key))
        client = Client()
        if cell.role != ANONYMOUS:
            headers["Authorization"] = f"Bearer {w.key[cell.role]}"
        if method == "GET":
            return client.get(
                url, route.query(w, cell.side) if route.query else {}, headers=headers
            )
        return client.generic(method, url, "{}", content_type="application/json", headers=headers)
    url = url_of(cell.key, route, w, cell.side, cell.role)
    if route.query is not None:
        data.update(route.query(w, cell.side))
    if cell.key.startswith("open311:") and cell.role != ANONYMOUS:
        data["api_key"] = w.key[cell.role]
    if route.method == "POST":
        return client.post(url, data)
    return client.get(url, data)


def foreign_data(w: W, role: str, text: str, shows: frozenset[str] = frozenset()) -> list[str]:
    """The markers in `text` of records `role` may not see (but those the page `shows` anyone
    who reads it), and of amounts it may not read."""
    seen = VISIBLE_SIDES.get(role, set())
    financial = FINANCIAL_SIDES.get(role, set())
    found = []
    for side in SIDES:
        if side not in seen:
            found += [
                f"{side} {what}"
                for what, mark in markers(w, side).items()
                if mark in text and what not in shows
            ]
        if side not in financial:
            found += [
                f"{side} {what}" for what, mark in financial_markers(side).items() if mark in text
            ]
    return found


def check(w: W, cell: Cell) -> None:
    route = cell.route
    write = route.method != "GET"
    guarded = write and not cell.expected_through
    before = snapshot() if guarded else None
    response = request_cell(w, cell)
    status = response.status_code
    where = f"{cell.key} as {cell.role} on the {cell.side} record"
    if cell.role == ANONYMOUS and not route.public:
        if route.anonymous:
            assert status in route.anonymous, f"{where}: {status}"
        elif cell.api:
            assert status == 401, f"{where}: {status}"
        else:
            assert status == 302, f"{where}: {status}"
            assert response["Location"].startswith(reverse("accounts:login")), where
    elif cell.expected_through and write:
        # Past the permission: whatever the empty form makes of it, but a refusal.
        refused = {401, 403, 404} - {route.ok}
        assert status not in refused, f"{where}: refused ({status})"
    elif cell.expected_through:
        ok = route.anonymous_ok if cell.role == ANONYMOUS and route.anonymous_ok else route.ok
        assert status == ok, f"{where}: {status}, expected {ok}"
    else:
        assert status in route.refusals, f"{where}: {status}, expected a refusal"
    if before is not None:
        after = snapshot()
        changed = [table for table in before if before[table] != after[table]]
        assert not changed, f"{where}: a refused write changed {changed}"
    if status == 200 and route.searched and not write:
        leaked = foreign_data(w, cell.role, text_of(response), route.shows)
        assert not leaked, f"{where} shows {leaked}"


def marks(route: Route, role: str, side: str) -> list[Any]:
    reason = route.xfail.get((role, side)) or route.xfail.get((role, "*"))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def cells(key: str, route: Route) -> list[Any]:
    # An anonymous visitor is turned away before any record is read: one side is enough.
    return [
        pytest.param(key, role, side, id=f"{key}|{role}|{side}", marks=marks(route, role, side))
        for side in route.sides
        for role in PEOPLE
        if role != ANONYMOUS or side == route.sides[0]
    ]


def api_route(key: str, names: list[str]) -> Route:
    """The table's line for an operation, scoped when its path names a record. A write's body is
    checked before its permission: the empty body of a refused write is a 422, and the cell
    then only shows that nothing changed."""
    route = API[key]
    refusals = route.refusals if route.method == "GET" else (*route.refusals, 422)
    return dataclasses.replace(route, scoped=bool(names), sides=sides_of(names), refusals=refusals)


def html_cells() -> list[Any]:
    return [cell for key, route in ROUTES.items() for cell in cells(key, route)]


def api_cells() -> list[Any]:
    operations = api_operations()
    return [
        cell
        for key in API
        if key in operations
        for cell in cells(key, api_route(key, operations[key]))
    ]


# --- The tests -----------------------------------------------------------------------------------


def test_every_url_pattern_is_classified() -> None:
    """A view added without a line in the table fails here: unclassified routes."""
    patterns = classified_patterns()
    unclassified = sorted(set(patterns) - set(ROUTES))
    assert not unclassified, f"unclassified routes: {unclassified}"
    assert not set(ROUTES) - set(patterns), "the table names routes the URLconf no longer has"


def test_every_api_operation_is_classified() -> None:
    operations = api_operations()
    unclassified = sorted(set(operations) - set(API))
    assert not unclassified, f"unclassified API operations: {unclassified}"
    assert not set(API) - set(operations), "the table names operations the API no longer has"


@pytest.mark.parametrize(("key", "role", "side"), html_cells())
def test_the_page_lets_in_only_whom_the_table_says(
    world: W, db: Any, key: str, role: str, side: str
) -> None:
    check(world, Cell(key, ROUTES[key], role, side))


@pytest.mark.parametrize(("key", "role", "side"), api_cells())
def test_the_api_lets_in_only_whom_the_table_says(
    world: W, db: Any, key: str, role: str, side: str
) -> None:
    check(world, Cell(key, api_route(key, api_operations()[key]), role, side, api=True))


def admin_urls() -> list[str]:
    """The admin's index and every registered model's list."""
    return [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


@pytest.mark.parametrize("role", [r for r in PEOPLE if r != "admin"])
def test_only_the_administrator_reaches_the_django_admin(world: W, db: Any, role: str) -> None:
    client = client_of(world, role)
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_the_secretariat_sees_the_financial_markers_the_others_must_not(world: W, db: Any) -> None:
    """The markers are printed where they may be: otherwise their absence proves nothing."""
    client = client_of(world, "secretariat")
    for side in ("own", "near"):
        company_page = text_of(
            client.get(reverse("registry:company_detail", args=[world.company[side].national_id]))
        )
        case_page = text_of(client.get(reverse("cases:detail", args=[world.case[side].tracking])))
        shown = foreign_data(world, ANONYMOUS, company_page + case_page)
        for what in ("bank debt", "tax debt", "insurance debt", "amount involved", "loan approved"):
            assert any(f"{side} {what}" in found for found in shown), (side, what)
        for what in ("company", "case", "case title"):
            assert f"{side} {what}" in shown, (side, what)
