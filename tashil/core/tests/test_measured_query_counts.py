"""The views the national benchmark measures (issue 8) cost the same number of SQL queries
whatever the amount of data: each is requested through its real URL, as its reader, on a small
province, then again with six times the records it shows, and may not take more queries.

The benchmark (`bench/`) times these views on a country's data; these tests keep their query
counts flat so that a per-row query (an N+1) fails here, in CI, long before it shows there.
Every view must also show more rows the second time: records the reader cannot see would make
the test pass whatever the view does. The REST API's list endpoints are found in its OpenAPI
schema, so a new one is measured without being named here; a list with a page size also costs
the same for a page of 5 and a page of 50.

Records come from `measured_records` (and `figures.tests.pages_records` for the dashboard).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tashil.api.api import api
from tashil.api.services import token_create
from tashil.cases.workflow import CaseStatus
from tashil.core.tests import measured_records as records
from tashil.figures.tests import pages_records

pytestmark = pytest.mark.django_db

S = CaseStatus
# The records each view starts with, and how many more it is measured with: the second count
# is taken with six times the first's rows (more than a page of 5 for every API list).
FEW = 1
MORE = 5
FILED = (S.REFERRED, S.SCREENING, S.RESOLVED)


@dataclass(frozen=True)
class Fetched:
    """A response and its body, read inside the query count (a stream queries as it is read)."""

    response: Any
    body: bytes


@dataclass(frozen=True)
class View:
    """A measured view: who reads it, where, which records it lists, and how many it shows."""

    reader: str
    url: Callable[[SimpleNamespace], str]
    add: Callable[[SimpleNamespace, int], Any]
    shown: Callable[[Fetched], int]
    query: Callable[[SimpleNamespace], dict[str, Any]] = lambda r: {}
    # The page's own records, made before the first count (the case of a case page).
    setup: Callable[[SimpleNamespace], Any] = lambda r: None
    # The API and Open311 take a personal key; pages a logged-in session.
    key: str = ""
    world: Callable[[pytest.FixtureRequest], SimpleNamespace] = records.build


# --- How many rows each view shows ----------------------------------------------------------------


def context_rows(*names: str) -> Callable[[Fetched], int]:
    return lambda fetched: sum(len(fetched.response.context[name]) for name in names)


def csv_rows(fetched: Fetched) -> int:
    text = fetched.body.decode("utf-8-sig")
    return len(list(csv.reader(io.StringIO(text)))) - 1


def json_rows(fetched: Fetched) -> int:
    found = fetched.response.json()
    return len(found["items"] if isinstance(found, dict) else found)


def dashboard_rows(fetched: Fetched) -> int:
    d = fetched.response.context["d"]
    return (
        len(d.cases_by_county)
        + len(d.cases_by_category)
        + len(d.openings.lines)
        + len(d.shares)
        + len(d.exports.destinations)
    )


def scorecard_cards(fetched: Fetched) -> int:
    return len(fetched.response.context["section"].table.rows)


def scorecard_counts(fetched: Fetched) -> int:
    """The card's referrals received and resolutions executed, in follow-up or not executed."""
    (row,) = fetched.response.context["section"].table.rows
    return int(row[2] + row[9] + row[10] + row[11])


def case_page_rows(fetched: Fetched) -> int:
    return context_rows("timeline", "referrals", "resolutions", "attachments", "duplicates")(
        fetched
    )


def company_page_rows(fetched: Fetched) -> int:
    context = fetched.response.context
    return context_rows("certificates", "projects", "export_figures", "events")(fetched) + sum(
        len(list(context[name]))
        for name in ("products", "licences", "contacts", "status_changes", "representatives")
    )


# --- The records each view lists ------------------------------------------------------------------


def filed_cases(r: SimpleNamespace, n: int) -> None:
    """Cases in turn referred, in screening and resolved: the first of each batch referred, so
    that the few rows already have every related row the many have."""
    for status in itertools.islice(itertools.cycle(FILED), n):
        records.case(r, status)


def the_officers_work(r: SimpleNamespace, n: int) -> None:
    """What an agency's card counts: referrals to it, and resolutions addressed to it."""
    records.referrals(r, n)
    records.resolutions(r, n)


def the_case(r: SimpleNamespace) -> None:
    r.target = r.cases(S.SCREENING)


def figures_world(request: pytest.FixtureRequest) -> SimpleNamespace:
    return pages_records.build(request)


VIEWS = [
    pytest.param(
        View(
            reader="secretariat",
            url=lambda r: reverse("cases:list"),
            query=lambda r: {"status": S.REFERRED, "category": r.category.pk},
            add=records.cases,
            shown=context_rows("cases"),
        ),
        id="the case list of the secretariat filtered by status and category",
    ),
    pytest.param(
        View(
            reader="secretariat",
            url=lambda r: reverse("cases:list"),
            query=lambda r: {"q": records.CASE_WORD},
            add=filed_cases,
            shown=context_rows("cases"),
        ),
        id="the case list of the secretariat searched for a word",
    ),
    pytest.param(
        View(
            reader="secretariat",
            url=lambda r: reverse("cases:export", args=["csv"]),
            add=filed_cases,
            shown=csv_rows,
        ),
        id="the case list downloaded as CSV",
    ),
    pytest.param(
        View(
            reader="officer",
            url=lambda r: reverse("cases:inbox"),
            add=records.referrals,
            shown=context_rows("open_referrals", "answered"),
        ),
        id="the inbox of an agency officer",
    ),
    pytest.param(
        View(
            reader="secretariat",
            url=lambda r: reverse("registry:company_list"),
            query=lambda r: {"q": records.KNOWLEDGE_BASED},
            add=records.knowledge_based_companies,
            shown=context_rows("companies"),
        ),
        id="the company search in Persian",
    ),
    pytest.param(
        View(
            reader="secretariat",
            url=lambda r: reverse("registry:company_detail", args=[r.company.national_id]),
            add=lambda r, n: records.company_parts(r, r.company, n),
            shown=company_page_rows,
        ),
        id="a company page",
    ),
    pytest.param(
        View(
            reader="secretariat",
            setup=the_case,
            url=lambda r: reverse("cases:detail", args=[r.target.tracking]),
            add=lambda r, n: records.timeline(r, r.target, n),
            shown=case_page_rows,
        ),
        id="a case page with its timeline",
    ),
    pytest.param(
        View(
            reader="secretariat",
            url=lambda r: reverse("meetings:register"),
            add=records.sessions,
            shown=context_rows("resolutions"),
        ),
        id="the resolution register",
    ),
    pytest.param(
        View(
            reader="executive",
            world=figures_world,
            url=lambda r: reverse("figures:dashboard"),
            query=lambda r: {"province": r.province.code, "period": "year"},
            add=pages_records.add_more,
            shown=dashboard_rows,
        ),
        id="the dashboard of a province for a year as the executive",
    ),
    pytest.param(
        View(
            reader="secretariat",
            url=lambda r: reverse("figures:scorecard"),
            add=records.agencies,
            shown=scorecard_cards,
        ),
        id="the scorecard of every agency as the secretariat",
    ),
    pytest.param(
        View(
            reader="officer",
            url=lambda r: reverse("figures:scorecard"),
            add=the_officers_work,
            shown=scorecard_counts,
        ),
        id="the scorecard of an agency as its officer",
    ),
    pytest.param(
        View(
            reader="secretariat",
            key="api_key",
            url=lambda r: "/open311/v2/requests.json",
            add=filed_cases,
            shown=json_rows,
        ),
        id="the Open311 requests list",
    ),
]


# --- The REST API's lists -------------------------------------------------------------------------

# Who reads each list, when not the secretariat of the province.
API_READERS = {"/api/v1/referrals": "officer"}
# The records each list shows. A list not named here gets more of every kind of record (slower):
# name it here with its own builder when it is added.
API_RECORDS: dict[str, Callable[[SimpleNamespace, int], Any]] = {
    "/api/v1/companies": records.companies,
    "/api/v1/certificates": records.companies,
    "/api/v1/cases": filed_cases,
    "/api/v1/referrals": records.referrals,
    "/api/v1/bodies": records.bodies,
    "/api/v1/meetings": records.sessions,
    "/api/v1/resolutions": records.sessions,
    "/api/v1/projects": records.projects,
    "/api/v1/exports": records.projects,
    "/api/v1/visits": records.visits,
    "/api/v1/sector-shares": records.shares,
    "/api/v1/sectors": records.sectors,
    "/api/v1/countries": records.countries,
    "/api/v1/country-groups": records.country_groups,
}


def _resolved(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return components[ref.rsplit("/", 1)[-1]] if ref else schema


def api_lists() -> list[tuple[str, bool]]:
    """(path, takes a page size) of every GET of the API that answers with a list and needs no
    argument: a JSON array, or a page whose `items` is one."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        parameters = (get or {}).get("parameters", [])
        if get is None or any(p.get("required") for p in parameters):
            continue
        content = get["responses"].get(200, {}).get("content", {})
        body = _resolved(content.get("application/json", {}).get("schema", {}), components)
        items = _resolved(body.get("properties", {}).get("items", {}), components)
        if body.get("type") == "array" or items.get("type") == "array":
            found.append((path, any(p["name"] == "limit" for p in parameters)))
    return found


API_LISTS = [pytest.param(path, paged, id=f"GET {path}") for path, paged in api_lists()]


# --- Counting -------------------------------------------------------------------------------------


def fetch(client: Client, url: str, query: dict[str, Any], headers: dict[str, str]) -> Fetched:
    response = client.get(url, query, headers=headers)
    # A streamed body (the CSV) is read here, inside the caller's count: it queries as it goes.
    body = response.getvalue()
    assert response.status_code == 200, body[:500]
    return Fetched(response, body)


def counted(get: Callable[[], Fetched]) -> tuple[Fetched, list[str]]:
    """The response and the SQL of a request made after a first one: that first request warms
    what a running server keeps between requests (the session, the calendar, the user's
    roles), so that only the per-request cost is compared."""
    get()
    with CaptureQueriesContext(connection) as queries:
        fetched = get()
    return fetched, [query["sql"] for query in queries.captured_queries]


def shape(sql: str) -> str:
    """A query with its values left out: a per-row query repeats with one shape."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def assert_no_more(before: list[str], after: list[str], what: str) -> None:
    added = Counter(shape(sql) for sql in after) - Counter(shape(sql) for sql in before)
    repeated = "\n".join(f"{times}× {sql[:400]}" for sql, times in added.most_common(5))
    assert len(after) <= len(before), (
        f"{what}: {len(before)} queries, then {len(after)} with more rows. Added:\n{repeated}"
    )


def reader_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_key(user: Any) -> str:
    """A personal key of `user`, as the API's and Open311's clients send it."""
    _token, key = token_create(actor=user, user=user, name="query counts")
    return key


# --- The tests ------------------------------------------------------------------------------------


def test_the_api_lists_are_found_in_its_schema() -> None:
    """Each list named above is found, so a change of the schema's shape cannot leave the API
    unmeasured, and no list is named that the API no longer has."""
    assert set(API_RECORDS) <= {path for path, _paged in api_lists()}


@pytest.mark.parametrize("view", VIEWS)
def test_the_view_costs_no_more_queries_with_six_times_the_rows(
    request: pytest.FixtureRequest, view: View
) -> None:
    r = view.world(request)
    view.setup(r)
    user = request.getfixturevalue(view.reader)
    client = reader_client(user)
    query, headers = view.query(r), dict[str, str]()
    if view.key:
        query = {**query, view.key: api_key(user)}
    view.add(r, FEW)

    few, before = counted(lambda: fetch(client, view.url(r), query, headers))
    view.add(r, MORE)
    more, after = counted(lambda: fetch(client, view.url(r), query, headers))

    assert view.shown(more) > view.shown(few) > 0, "the added records are not on the page"
    assert_no_more(before, after, view.url(r))


@pytest.mark.parametrize(("path", "paged"), API_LISTS)
def test_the_api_list_costs_no_more_queries_with_six_times_the_rows_or_a_longer_page(
    request: pytest.FixtureRequest, path: str, paged: bool
) -> None:
    r = records.build(request)
    user = request.getfixturevalue(API_READERS.get(path, "secretariat"))
    client, headers = Client(), {"Authorization": f"Bearer {api_key(user)}"}
    add = API_RECORDS.get(path, records.everything)
    page = {"limit": 50} if paged else {}
    add(r, FEW)

    few, before = counted(lambda: fetch(client, path, page, headers))
    add(r, MORE)
    more, after = counted(lambda: fetch(client, path, page, headers))

    assert json_rows(more) > json_rows(few) > 0, "the added records are not in the list"
    assert_no_more(before, after, path)
    if paged:
        short, on_five = counted(lambda: fetch(client, path, {"limit": 5}, headers))
        assert json_rows(short) == 5 < json_rows(more)
        assert len(on_five) == len(after), f"{path}: {len(on_five)} queries for 5 rows, " + (
            f"{len(after)} for {json_rows(more)}"
        )
