"""The investments API: projects and production lines with their investment in rials and the
source of each figure, export figures and their totals by country and by group, official
visits whose openings open the lines, sector shares from disagreeing sources, and the reference
lists; who reads and who records what, and refused input that changes nothing."""

# The investments' fixtures are imported below; a test naming one as a parameter "redefines"
# the import.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tashil.accounts.services import role_grant
from tashil.api.services import token_create
from tashil.factories import CompanyFactory, CountyFactory, ProvinceFactory, UserFactory
from tashil.investments import services
from tashil.investments.models import (
    Event,
    ExportFigure,
    ItineraryItem,
    ItineraryKind,
    Project,
    ProjectUpdate,
    SectorShare,
    Visit,
)
from tashil.investments.tests.conftest import (  # noqa: F401 (fixtures)
    RATE,
    RATE_ON,
    cosmetics_line,
    destinations,
    detergents,
    dollars,
    estate,
    make_project,
    rials,
    sector,
    today,
    tomans,
    visit,
)
from tashil.investments.workflow import ProjectStatus
from tashil.meetings.models import Body, Meeting
from tashil.meetings.workflow import MeetingKind

pytestmark = pytest.mark.django_db

JSON = "application/json"
PROJECTS = reverse("api-v1:project_list")
EXPORTS = reverse("api-v1:export_list")
TOTALS = reverse("api-v1:export_totals")
VISITS = reverse("api-v1:visit_list")
SHARES = reverse("api-v1:share_list")
SPOKESPERSON = "سخنگوی دولت"
MINISTRY = "اداره کل صنعت، معدن و تجارت"


def url(name, *args):
    return reverse(f"api-v1:{name}", args=args)


def persian(message):
    """`message` as a Persian user reads it (the request's language)."""
    with translation.override("fa"):
        return gettext(message)


def field_codes(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return {field: [e["code"] for e in errors] for field, errors in body["errors"].items()}


@pytest.fixture
def call(client, bearer):
    """call(user, method, path, data=None): a request as `user` with a bearer token."""

    def make(user, method, path, data=None):
        headers = bearer(user)
        if method == "get":
            return client.get(path, data or {}, headers=headers)
        if data is None:
            return getattr(client, method)(path, headers=headers)
        return getattr(client, method)(path, json.dumps(data), content_type=JSON, headers=headers)

    return make


@pytest.fixture
def who(request):
    """A user of the cast by fixture name."""
    return request.getfixturevalue


@pytest.fixture
def line(cosmetics_line):
    """The reference scenario's cosmetics line of company A: USD 4,000,000 at RATE, 100 jobs
    planned, 90 product types, under construction in the Caspian industrial city."""
    return cosmetics_line


@pytest.fixture
def other_line(make_project, other_company, detergents):
    """Company B's detergent line in the other county, in tomans, planned to open on
    1404/09/10."""
    return make_project(
        other_company,
        title="خط تولید مواد شوینده",
        sector=detergents,
        investment=tomans(50_000_000_000),
        jobs_planned=40,
        planned_opening_on=dt.date(2025, 12, 1),
        source=MINISTRY,
    )


@pytest.fixture
def zanjan(db):
    return ProvinceFactory(code="19", name="زنجان")


@pytest.fixture
def outsider(zanjan):
    """The secretariat of another province: sees and records nothing of this one."""
    user = UserFactory(username="outsider")
    role_grant(actor=None, user=user, role="secretariat", province=zanjan)
    return user


@pytest.fixture
def elsewhere(zanjan):
    """A company of the other province."""
    return CompanyFactory(county=CountyFactory(province=zanjan, code="1901", name="زنجان"))


def bearer_for(user):
    _token, key = token_create(actor=user, user=user, name="count")
    return {"Authorization": f"Bearer {key}"}


def measure(client, path, headers, params=None):
    """(rows answered, queries run) for a list request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {}, headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    return len(body["items"] if isinstance(body, dict) else body), len(queries)


# --- Projects: reading ---------------------------------------------------------------------------


def test_the_secretariat_lists_the_provinces_lines_with_their_investment_in_rials(
    call, secretariat, line, other_line
):
    response = call(secretariat, "get", PROJECTS)

    assert response.status_code == 200
    items = {item["id"]: item for item in response.json()["items"]}
    assert set(items) == {line.pk, other_line.pk}
    assert items[line.pk]["investment"] == {
        "amount": "4000000.00",
        "currency": "USD",
        "currency_label": persian("US dollar"),
        "rate": RATE,
        "rate_on": RATE_ON.isoformat(),
        "amount_rial": 4_000_000 * RATE,
    }
    assert items[other_line.pk]["investment"]["amount_rial"] == 50_000_000_000 * 10
    assert items[line.pk]["estate"]["name"] == "کاسپین"
    assert items[line.pk]["jobs_planned"] == 100
    assert items[line.pk]["product_types"] == 90
    assert items[line.pk]["company"]["national_id"] == line.company.national_id
    assert response.json()["next_offset"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda ns: {"county": "۲۶۰۲"}, {"other"}),
        (lambda ns: {"estate": ns.estate.pk}, {"line"}),
        (lambda ns: {"status": "under_construction"}, {"line"}),
        (lambda ns: {"sector": "detergents"}, {"other"}),
        (lambda ns: {"company": ns.line.company.national_id}, {"line"}),
        (lambda ns: {"q": "آرایشی"}, {"line"}),
        (lambda ns: {"opening_year": 1404}, {"other"}),
        (lambda ns: {"opening_year": 1403}, set()),
        (lambda ns: {}, {"line", "other"}),
    ],
    ids=["county", "estate", "status", "sector", "company", "q", "year", "other-year", "none"],
)
def test_the_list_filters_as_the_projects_page_does(
    call, secretariat, line, other_line, estate, query, expected
):
    class NS:
        pass

    ns = NS()
    ns.line, ns.estate = line, estate
    names = {line.pk: "line", other_line.pk: "other"}

    response = call(secretariat, "get", PROJECTS, query(ns))

    assert response.status_code == 200
    assert {names[item["id"]] for item in response.json()["items"]} == expected


def test_the_list_pages_without_counting(call, secretariat, line, other_line):
    first = call(secretariat, "get", PROJECTS, {"limit": 1}).json()
    second = call(secretariat, "get", PROJECTS, {"limit": 1, "offset": 1}).json()

    assert first["next_offset"] == 1
    assert second["next_offset"] is None
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {line.pk, other_line.pk}


def test_the_list_costs_the_same_queries_for_one_line_and_many(
    client, secretariat, company, make_project
):
    headers = bearer_for(secretariat)
    make_project(company, title="خط نخست")
    client.get(PROJECTS, headers=headers)  # records the token's use

    few = measure(client, PROJECTS, headers)
    for n in range(5):
        make_project(company, title=f"خط {n}")
    many = measure(client, PROJECTS, headers)

    # The token with its user, the user's roles, the page with its joins.
    assert (few[0], many[0]) == (1, 6)
    assert few[1] == many[1] <= 3


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("secretariat", {"line", "other"}),
        ("executive", {"line", "other"}),
        ("county_secretary", {"line"}),
        ("owner", {"line"}),
        ("other_owner", {"other"}),
        ("officer", set()),
        ("outsider", set()),
    ],
)
def test_each_user_lists_the_lines_they_may_see(call, who, line, other_line, user, sees):
    names = {line.pk: "line", other_line.pk: "other"}

    response = call(who(user), "get", PROJECTS)

    assert {names[item["id"]] for item in response.json()["items"]} == sees


def test_a_line_reads_with_the_source_of_each_figure_its_exports_and_history(
    call, secretariat, line, destinations
):
    services.project_update(
        actor=secretariat, project=line, source="شرکت گلسار کاسپین", jobs_created=60
    )
    services.export_record(
        actor=secretariat,
        company=line.company,
        project=line,
        kind="forecast",
        year=1404,
        destination=destinations.russia,
        value=dollars(400_000),
        source=SPOKESPERSON,
    )

    response = call(secretariat, "get", url("project_detail", line.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["investment"]["amount_rial"] == 4_000_000 * RATE
    assert body["sources"]["investment"]["source"] == SPOKESPERSON
    assert body["sources"]["product_types"]["source"] == SPOKESPERSON
    assert body["sources"]["jobs_created"]["source"] == "شرکت گلسار کاسپین"
    assert [u["kind"] for u in body["updates"]] == ["updated", "created"]
    assert body["updates"][0]["changes"] == {"jobs_created": [None, 60]}
    assert body["updates"][0]["actor"]["username"] == "secretariat"
    assert body["sources"]["jobs_created"]["update"] == body["updates"][0]["id"]
    [figure] = body["export_figures"]
    assert figure["country"]["code"] == "RU"
    assert figure["group"] is None
    assert figure["value"]["amount_rial"] == 400_000 * RATE
    assert figure["project"] == {"id": line.pk, "title": line.title}
    assert body["can_edit"] is True
    assert body["status"] == "under_construction"
    assert body["status_label"] == persian("under construction")


def test_the_detail_reads_a_bounded_number_of_queries(
    client, secretariat, line, destinations, django_assert_max_num_queries
):
    for country in (destinations.russia, destinations.uae, destinations.iraq):
        services.export_record(
            actor=None,
            company=line.company,
            project=line,
            kind="forecast",
            year=1404,
            destination=country,
            value=dollars(100_000),
            source=SPOKESPERSON,
        )
    headers = bearer_for(secretariat)
    client.get(PROJECTS, headers=headers)

    # Token, roles, the project, its sources, its export figures, its history.
    with django_assert_max_num_queries(6):
        response = client.get(url("project_detail", line.pk), headers=headers)

    assert len(response.json()["export_figures"]) == 3


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("secretariat", 200),
        ("executive", 200),
        ("county_secretary", 200),
        ("owner", 200),
        ("other_owner", 404),
        ("officer", 404),
        ("outsider", 404),
    ],
)
def test_who_reads_a_line(call, who, line, user, status):
    response = call(who(user), "get", url("project_detail", line.pk))

    assert response.status_code == status
    if status == 200:
        assert response.json()["can_edit"] is (user == "secretariat")
    else:
        assert response.json()["code"] == "not_found"
        assert line.title not in response.content.decode()


def test_an_unknown_or_absurd_project_id_is_404(call, secretariat):
    assert call(secretariat, "get", url("project_detail", 999_999)).status_code == 404
    assert call(secretariat, "get", url("project_detail", 10**20)).status_code == 404


# --- Projects: recording -------------------------------------------------------------------------


def new_line(of, **fields):
    return {
        "company": of.national_id,
        "title": "خط تولید شامپو",
        "sector": "cosmetics",
        "amount": "2500000",
        "currency": "USD",
        "rate": 1_100_000,
        "rate_on": "2025-12-10",
        "source": SPOKESPERSON,
        "jobs_planned": 45,
        "product_types": 12,
        **fields,
    }


def test_the_secretariat_records_a_line_in_dollars_with_its_rial_value(
    call, secretariat, company, sector, estate
):
    company.estate = estate
    company.save(update_fields=["estate"])
    persian_digits = company.national_id.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    response = call(
        secretariat, "post", PROJECTS, new_line(company, company=persian_digits, on="2025-12-14")
    )

    assert response.status_code == 201, response.content
    project = Project.objects.get(pk=response.json()["id"])
    assert project.company == company
    assert (project.currency, project.amount, project.rate) == ("USD", 2_500_000, 1_100_000)
    assert project.rate_on == dt.date(2025, 12, 10)
    assert project.amount_rial == 2_500_000 * 1_100_000
    assert (project.county, project.estate) == (company.county, estate)
    assert project.created_by == secretariat
    [update] = project.updates.all()
    assert (update.kind, update.source, update.on) == (
        ProjectUpdate.Kind.CREATED,
        SPOKESPERSON,
        dt.date(2025, 12, 14),
    )
    assert response.json()["investment"]["amount_rial"] == project.amount_rial
    assert response.json()["sources"]["investment"]["on"] == "2025-12-14"


@pytest.mark.parametrize(
    ("money", "rial"),
    [
        ({"amount": "1000", "currency": "IRR"}, 1000),
        ({"amount": 1000, "currency": "IRT"}, 10_000),
        (
            {"amount": "2.5", "currency": "USD", "rate": 1_000_000, "rate_on": "2025-12-10"},
            2_500_000,
        ),
    ],
    ids=["rial", "toman", "dollar"],
)
def test_every_currency_is_kept_as_entered_and_in_rials(
    call, secretariat, company, sector, money, rial
):
    payload = new_line(company)
    for key in ("rate", "rate_on"):
        payload.pop(key)
    response = call(secretariat, "post", PROJECTS, {**payload, **money})

    assert response.status_code == 201, response.content
    project = Project.objects.get(pk=response.json()["id"])
    assert project.amount_rial == rial
    assert project.currency == money["currency"]


def test_a_dollar_amount_without_its_rate_is_refused_on_rate(call, secretariat, company, sector):
    payload = new_line(company)
    del payload["rate"], payload["rate_on"]

    response = call(secretariat, "post", PROJECTS, payload)

    assert field_codes(response) == {"rate": ["invalid"], "rate_on": ["invalid"]}
    [error] = response.json()["errors"]["rate"]
    assert error["message"] == persian(
        "A dollar amount needs the exchange rate (rials per dollar) it is counted at."
    )
    assert not Project.objects.exists()


def test_a_rate_on_a_rial_amount_is_refused(call, secretariat, company, sector):
    response = call(secretariat, "post", PROJECTS, new_line(company, currency="IRR"))

    assert "rate" in field_codes(response)
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"company": "10380284790"}, "company", "unknown_company"),
        ({"sector": "textiles"}, "sector", "unknown_sector"),
        ({"county": "9999"}, "county", "unknown_county"),
        ({"county": "2603", "estate": 999_999}, "estate", "unknown_estate"),
        ({"amount": "abc"}, "amount", "decimal_parsing"),
        ({"amount": "-5"}, "amount", "greater_than_equal"),
        ({"amount": "2.555"}, "amount", "decimal_max_places"),
        ({"amount": "1" + "0" * 18}, "amount", "decimal_whole_digits"),
        ({"amount": "1" + "0" * 15, "rate": 10**6}, "amount", "too_large"),
        ({"rate": 0}, "rate", "greater_than_equal"),
        ({"currency": "EUR"}, "currency", "enum"),
        ({"progress": 101}, "progress", "less_than_equal"),
        ({"title": ""}, "title", "string_too_short"),
        ({"source": ""}, "source", "string_too_short"),
        ({"status": "operating"}, "opened_on", "invalid"),
        ({"opened_on": "2025-12-01"}, "opened_on", "invalid"),
        ({"rate_on": "1404-09-19"}, "rate_on", "date_not_gregorian"),
    ],
)
def test_refused_input_is_a_field_error_and_records_nothing(
    call, secretariat, company, sector, fields, field, code
):
    response = call(secretariat, "post", PROJECTS, new_line(company, **fields))

    assert field_codes(response) == {field: [code]}
    assert response.json()["errors"][field][0]["message"]
    assert not Project.objects.exists()


def test_a_company_of_another_province_is_unknown_to_the_secretariat(
    call, secretariat, sector, elsewhere
):
    response = call(secretariat, "post", PROJECTS, new_line(elsewhere))

    assert field_codes(response) == {"company": ["unknown_company"]}


def test_a_county_of_another_province_is_refused_by_the_service(
    call, secretariat, company, sector, elsewhere
):
    response = call(secretariat, "post", PROJECTS, new_line(company, county="1901"))

    assert field_codes(response) == {"county": ["invalid"]}


def test_the_secretariat_changes_figures_with_their_source(call, secretariat, line):
    response = call(
        secretariat,
        "patch",
        url("project_update", line.pk),
        {"source": MINISTRY, "on": "2025-12-20", "jobs_created": 60, "product_types": 95},
    )

    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert (line.jobs_created, line.product_types) == (60, 95)
    update = line.updates.get(kind=ProjectUpdate.Kind.UPDATED)
    assert update.changes == {"jobs_created": [None, 60], "product_types": [90, 95]}
    assert (update.source, update.on, update.actor) == (
        MINISTRY,
        dt.date(2025, 12, 20),
        secretariat,
    )
    sources = response.json()["sources"]
    assert sources["product_types"]["source"] == MINISTRY
    assert sources["investment"]["source"] == SPOKESPERSON


def test_a_change_without_its_source_is_refused(call, secretariat, line):
    response = call(secretariat, "patch", url("project_update", line.pk), {"jobs_created": 60})

    assert field_codes(response) == {"source": ["missing"]}
    line.refresh_from_db()
    assert line.jobs_created is None
    assert line.updates.count() == 1


def test_switching_a_line_to_dollars_needs_the_rate(call, secretariat, other_line):
    response = call(
        secretariat,
        "patch",
        url("project_update", other_line.pk),
        {"source": MINISTRY, "currency": "USD"},
    )

    assert field_codes(response) == {"rate": ["invalid"], "rate_on": ["invalid"]}
    other_line.refresh_from_db()
    assert other_line.currency == "IRT"


def test_switching_a_dollar_line_to_rials_drops_its_rate(call, secretariat, line):
    rial_value = line.amount_rial

    response = call(
        secretariat,
        "patch",
        url("project_update", line.pk),
        {"source": MINISTRY, "currency": "IRR", "amount": str(rial_value)},
    )

    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert (line.currency, line.rate, line.rate_on, line.amount_rial) == (
        "IRR",
        None,
        None,
        rial_value,
    )


def test_a_new_rate_alone_recounts_the_rials(call, secretariat, line):
    response = call(
        secretariat,
        "patch",
        url("project_update", line.pk),
        {"source": MINISTRY, "rate": 1_200_000, "rate_on": "2025-12-20"},
    )

    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert line.amount_rial == 4_000_000 * 1_200_000
    assert response.json()["investment"]["amount_rial"] == line.amount_rial


def test_the_lifecycle_refuses_a_move_back_from_operating(call, secretariat, line, today):
    services.project_open(actor=None, project=line, on=today, source=SPOKESPERSON)

    response = call(
        secretariat,
        "patch",
        url("project_update", line.pk),
        {"source": MINISTRY, "status": "planned"},
    )

    assert field_codes(response) == {"status": ["invalid"]}
    line.refresh_from_db()
    assert line.status == ProjectStatus.OPERATING


@pytest.mark.parametrize("field", ["title", "sector", "status", "amount", "progress"])
def test_a_required_figure_cannot_be_sent_as_null(call, secretariat, line, field):
    response = call(
        secretariat, "patch", url("project_update", line.pk), {"source": MINISTRY, field: None}
    )

    assert field_codes(response) == {field: ["value_error"]}


def test_null_clears_an_optional_figure(call, secretariat, line):
    response = call(
        secretariat,
        "patch",
        url("project_update", line.pk),
        {"source": MINISTRY, "estate": None, "product_types": None},
    )

    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert (line.estate, line.product_types) == (None, None)


def test_a_progress_report_keeps_its_history(call, secretariat, line, today):
    day = today - dt.timedelta(days=3)

    response = call(
        secretariat,
        "post",
        url("project_progress", line.pk),
        {"source": MINISTRY, "on": day.isoformat(), "progress": 97, "jobs_created": 80},
    )

    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert (line.progress, line.jobs_created) == (97, 80)
    report = line.updates.get(kind=ProjectUpdate.Kind.PROGRESS)
    assert (report.on, report.source) == (day, MINISTRY)
    assert report.changes == {"progress": [95, 97], "jobs_created": [None, 80]}
    assert response.json()["progress"] == 97


def test_a_progress_report_needs_a_figure(call, secretariat, line):
    response = call(secretariat, "post", url("project_progress", line.pk), {"source": MINISTRY})

    assert field_codes(response) == {"__all__": ["invalid"]}
    assert line.updates.count() == 1


def test_opening_a_line_makes_it_operating_on_that_day(call, secretariat, line, today):
    day = today - dt.timedelta(days=1)

    response = call(
        secretariat,
        "post",
        url("project_open", line.pk),
        {"on": day.isoformat(), "source": SPOKESPERSON},
    )

    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert (line.status, line.opened_on, line.progress) == (ProjectStatus.OPERATING, day, 100)
    assert line.updates.filter(kind=ProjectUpdate.Kind.OPENED, on=day).exists()
    assert response.json()["opened_on"] == day.isoformat()


def test_an_opening_in_the_future_is_refused_on_its_day(call, secretariat, line, today):
    response = call(
        secretariat,
        "post",
        url("project_open", line.pk),
        {"on": (today + dt.timedelta(days=2)).isoformat(), "source": SPOKESPERSON},
    )

    assert field_codes(response) == {"on": ["invalid"]}
    line.refresh_from_db()
    assert line.status == ProjectStatus.UNDER_CONSTRUCTION


WRITES = {
    "update": ("patch", "project_update", {"source": MINISTRY, "jobs_created": 70}),
    "progress": ("post", "project_progress", {"source": MINISTRY, "jobs_created": 70}),
    "open": ("post", "project_open", {"source": MINISTRY, "on": "2025-12-15"}),
}


@pytest.mark.parametrize("operation", sorted(WRITES))
@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("secretariat", 200),
        ("executive", 403),
        ("county_secretary", 403),
        ("owner", 403),
        ("other_owner", 404),
        ("officer", 404),
        ("outsider", 404),
    ],
)
def test_only_the_secretariat_changes_a_line(call, who, line, operation, user, status):
    method, name, data = WRITES[operation]

    response = call(who(user), method, url(name, line.pk), data)

    assert response.status_code == status, response.content
    line.refresh_from_db()
    assert (line.updates.count() == 2) is (status == 200)
    if status != 200:
        assert line.jobs_created is None
        assert line.status == ProjectStatus.UNDER_CONSTRUCTION
        assert response.json()["code"] == ("permission_denied" if status == 403 else "not_found")


@pytest.mark.parametrize(
    "user", ["executive", "county_secretary", "owner", "other_owner", "officer"]
)
def test_only_the_secretariat_records_a_line(call, who, company, sector, user):
    response = call(who(user), "post", PROJECTS, new_line(company))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Project.objects.exists()


def test_another_provinces_secretariat_cannot_name_this_provinces_companies(
    call, outsider, company, sector, destinations
):
    project = call(outsider, "post", PROJECTS, new_line(company))
    export = call(outsider, "post", EXPORTS, figure(company))

    assert field_codes(project) == {"company": ["unknown_company"]}
    assert field_codes(export) == {"company": ["unknown_company"]}
    assert not Project.objects.exists()
    assert not ExportFigure.objects.exists()


# --- Export figures ------------------------------------------------------------------------------


def figure(of, **fields):
    return {
        "company": of.national_id,
        "kind": "forecast",
        "year": 1404,
        "country": "RU",
        "amount": "500000",
        "currency": "USD",
        "rate": RATE,
        "rate_on": RATE_ON.isoformat(),
        "source": SPOKESPERSON,
        **fields,
    }


def test_an_export_figure_is_created_then_updated_then_left_unchanged(
    call, secretariat, line, destinations
):
    created = call(secretariat, "post", EXPORTS, figure(line.company, project=line.pk))
    updated = call(
        secretariat, "post", EXPORTS, figure(line.company, project=line.pk, amount="600000")
    )
    unchanged = call(
        secretariat, "post", EXPORTS, figure(line.company, project=line.pk, amount="600000.00")
    )

    assert (created.status_code, created.json()["result"]) == (201, "created")
    assert (updated.status_code, updated.json()["result"]) == (200, "updated")
    assert (unchanged.status_code, unchanged.json()["result"]) == (200, "unchanged")
    stored = ExportFigure.objects.get()
    assert (stored.project, stored.country, stored.amount) == (line, destinations.russia, 600_000)
    assert stored.amount_rial == 600_000 * RATE
    assert stored.created_by == secretariat
    assert list(
        Event.objects.filter(target=Event.Target.EXPORT)
        .order_by("id")
        .values_list("kind", flat=True)
    ) == ["created", "updated"]
    body = unchanged.json()["figure"]
    assert body["id"] == stored.pk
    assert body["value"]["amount_rial"] == stored.amount_rial
    assert body["country"] == {"code": "RU", "name": "روسیه", "name_en": "Russia"}


def test_a_figure_may_be_for_a_group_of_countries(call, secretariat, company, destinations):
    response = call(
        secretariat, "post", EXPORTS, figure(company, country=None, group="arab_league")
    )

    assert response.status_code == 201, response.content
    assert ExportFigure.objects.get().group == destinations.arab
    assert response.json()["figure"]["group"]["code"] == "arab_league"
    assert response.json()["figure"]["country"] is None


def test_a_country_code_is_read_in_any_case(call, secretariat, company, destinations):
    response = call(secretariat, "post", EXPORTS, figure(company, country="ru"))

    assert response.status_code == 201, response.content
    assert ExportFigure.objects.get().country == destinations.russia


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"group": "arab_league"}, {"country": ["one_destination"], "group": ["one_destination"]}),
        ({"country": None}, {"country": ["one_destination"], "group": ["one_destination"]}),
        ({"country": "ZZ"}, {"country": ["unknown_country"]}),
        ({"country": None, "group": "nowhere"}, {"group": ["unknown_group"]}),
        ({"rate": None, "rate_on": None}, {"rate": ["invalid"], "rate_on": ["invalid"]}),
        ({"year": 2025}, {"year": ["less_than_equal"]}),
        ({"kind": "guess"}, {"kind": ["enum"]}),
        ({"project": 999_999}, {"project": ["unknown_project"]}),
        ({"company": "10380284790"}, {"company": ["unknown_company"]}),
        ({"source": "  "}, {"source": ["invalid"]}),
    ],
)
def test_a_refused_figure_records_nothing(call, secretariat, company, destinations, fields, codes):
    response = call(secretariat, "post", EXPORTS, figure(company, **fields))

    assert field_codes(response) == codes
    assert not ExportFigure.objects.exists()
    assert not Event.objects.exists()


def test_a_figure_cannot_name_another_companys_line(
    call, secretariat, company, other_line, destinations
):
    response = call(secretariat, "post", EXPORTS, figure(company, project=other_line.pk))

    assert field_codes(response) == {"project": ["invalid"]}
    assert response.json()["errors"]["project"][0]["message"] == persian(
        "The project belongs to another company."
    )
    assert not ExportFigure.objects.exists()


@pytest.mark.parametrize(
    "user", ["executive", "county_secretary", "owner", "other_owner", "officer"]
)
def test_only_the_secretariat_records_export_figures(call, who, company, destinations, user):
    response = call(who(user), "post", EXPORTS, figure(company))

    assert response.status_code == 403
    assert not ExportFigure.objects.exists()


@pytest.fixture
def forecasts(line, other_company, destinations):
    """Company A's 1404 forecasts for its line: Russia and the Emirates in dollars, Iraq in
    rials, the Arab countries as a group; an actual for 1403 to China; company B's forecast to
    Armenia."""

    def record(company, destination, value, kind="forecast", year=1404, project=None):
        figure, _result = services.export_record(
            actor=None,
            company=company,
            project=project,
            kind=kind,
            year=year,
            destination=destination,
            value=value,
            source=SPOKESPERSON,
        )
        return figure

    return {
        "russia": record(line.company, destinations.russia, dollars(500_000), project=line),
        "uae": record(line.company, destinations.uae, dollars(300_000), project=line),
        "iraq": record(line.company, destinations.iraq, rials(2_000_000_000), project=line),
        "arab": record(line.company, destinations.arab, dollars(100_000), project=line),
        "china": record(line.company, destinations.china, rials(7_000), kind="actual", year=1403),
        "armenia": record(other_company, destinations.armenia, tomans(90_000_000)),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"russia", "uae", "iraq", "arab", "china", "armenia"}),
        ({"year": 1403}, {"china"}),
        ({"kind": "actual"}, {"china"}),
        ({"company": "other"}, {"armenia"}),
        ({"project": "line"}, {"russia", "uae", "iraq", "arab"}),
    ],
)
def test_the_figures_list_filters_by_year_kind_company_and_project(
    call, secretariat, forecasts, line, other_company, query, expected
):
    names = {figure.pk: name for name, figure in forecasts.items()}
    values = {"other": other_company.national_id, "line": line.pk}
    params = {key: values.get(value, value) for key, value in query.items()}

    response = call(secretariat, "get", EXPORTS, params)

    assert response.status_code == 200
    assert {names[item["id"]] for item in response.json()["items"]} == expected


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("executive", {"russia", "uae", "iraq", "arab", "china", "armenia"}),
        ("county_secretary", {"russia", "uae", "iraq", "arab", "china"}),
        ("owner", {"russia", "uae", "iraq", "arab", "china"}),
        ("other_owner", {"armenia"}),
        ("officer", set()),
    ],
)
def test_each_user_lists_the_figures_they_may_see(call, who, forecasts, user, sees):
    names = {figure.pk: name for name, figure in forecasts.items()}

    response = call(who(user), "get", EXPORTS)

    assert {names[item["id"]] for item in response.json()["items"]} == sees


def test_the_figures_list_costs_the_same_queries_for_few_and_many(
    client, secretariat, forecasts, line, destinations
):
    headers = bearer_for(secretariat)
    client.get(EXPORTS, headers=headers)

    few = measure(client, EXPORTS, headers, {"year": 1403})
    many = measure(client, EXPORTS, headers)

    assert (few[0], many[0]) == (1, 6)
    assert few[1] == many[1] <= 3


def test_totals_count_a_country_in_each_of_its_groups_and_once_overall(
    call, secretariat, forecasts, destinations
):
    response = call(secretariat, "get", TOTALS, {"year": 1404, "kind": "forecast"})

    assert response.status_code == 200, response.content
    body = response.json()
    rial = {name: figure.amount_rial for name, figure in forecasts.items()}
    assert body["total"] == {
        "rial": rial["russia"] + rial["uae"] + rial["iraq"] + rial["arab"] + rial["armenia"],
        "by_currency": {"USD": "900000.00", "IRR": "2000000000.00", "IRT": "90000000.00"},
        "count": 5,
    }
    countries = {row["country"]["code"]: row["amounts"] for row in body["by_country"]}
    assert set(countries) == {"RU", "AE", "IQ", "AM"}
    assert countries["RU"] == {
        "rial": rial["russia"],
        "by_currency": {"USD": "500000.00"},
        "count": 1,
    }
    groups = {row["group"]["code"]: row["amounts"] for row in body["by_group"]}
    # Russia is in the Eurasian Economic Union and among the neighbours: it counts in both.
    assert groups["eaeu"]["rial"] == rial["russia"] + rial["armenia"]
    assert (
        groups["neighbours"]["rial"]
        == rial["russia"] + rial["uae"] + rial["iraq"] + rial["armenia"]
    )
    assert groups["arab_league"]["rial"] == rial["uae"] + rial["iraq"] + rial["arab"]
    assert groups["arab_league"]["count"] == 3
    assert groups["arab_league"]["by_currency"] == {"USD": "400000.00", "IRR": "2000000000.00"}
    # Largest first.
    assert [row["amounts"]["rial"] for row in body["by_group"]] == sorted(
        (row["amounts"]["rial"] for row in body["by_group"]), reverse=True
    )


def test_totals_are_over_the_figures_the_user_may_see(call, other_owner, forecasts):
    body = call(other_owner, "get", TOTALS).json()

    assert body["total"]["count"] == 1
    assert body["total"]["rial"] == forecasts["armenia"].amount_rial
    assert [row["country"]["code"] for row in body["by_country"]] == ["AM"]
    assert {row["group"]["code"] for row in body["by_group"]} == {"eaeu", "neighbours"}


def test_totals_with_nothing_to_count_are_zero(call, officer, forecasts):
    body = call(officer, "get", TOTALS).json()

    assert body == {
        "total": {"rial": 0, "by_currency": {}, "count": 0},
        "by_country": [],
        "by_group": [],
    }


def test_totals_cost_the_same_queries_for_few_figures_and_many(
    client, secretariat, forecasts, django_assert_max_num_queries
):
    headers = bearer_for(secretariat)
    client.get(TOTALS, headers=headers)

    # Token, roles, the figures with their destinations, the groups of their countries and
    # those groups' members among them.
    with django_assert_max_num_queries(5):
        few = client.get(TOTALS, {"year": 1403}, headers=headers)
    with django_assert_max_num_queries(5):
        many = client.get(TOTALS, headers=headers)

    assert (few.json()["total"]["count"], many.json()["total"]["count"]) == (1, 6)


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("secretariat", 200),
        ("executive", 403),
        ("county_secretary", 403),
        ("owner", 403),
        ("other_owner", 404),
        ("officer", 404),
        ("outsider", 404),
    ],
)
def test_only_the_secretariat_removes_a_figure(call, who, forecasts, user, status):
    target = forecasts["russia"]

    response = call(who(user), "delete", url("export_remove", target.pk))

    assert response.status_code == status, response.content
    assert ExportFigure.objects.filter(pk=target.pk).exists() is (status != 200)
    if status == 200:
        assert response.json() == {"id": target.pk}
        assert Event.objects.filter(
            target=Event.Target.EXPORT, target_id=target.pk, kind="removed"
        ).exists()


# --- Visits --------------------------------------------------------------------------------------


@pytest.fixture
def meeting(province):
    body = Body.objects.create(
        province=province,
        kind=MeetingKind.PROVINCIAL,
        name="ستاد تسهیل و رفع موانع تولید استان",
        name_en="Provincial HQ",
    )
    return Meeting.objects.create(body=body, number=227, starts_at=dt.datetime.now(tz=dt.UTC))


@pytest.fixture
def programme(visit, line, destinations):
    """The reference visit's five stops, the opening of the cosmetics line among them, and the
    line's export forecast to the Arab countries and Russia."""
    day = visit.starts_on
    stops = [
        (ItineraryKind.MEETING, "دیدار با امام جمعه", dt.time(8, 0), None),
        (
            ItineraryKind.EXHIBITION,
            "بازدید از نمایشگاه توانمندی‌های صنعتی استان",
            dt.time(9, 30),
            None,
        ),
        (ItineraryKind.OPENING, "افتتاح خط تولید محصولات آرایشی و بهداشتی", dt.time(11, 0), line),
        (ItineraryKind.CEREMONY, "مراسم روز زن در دانشگاه فرهنگیان", dt.time(15, 0), None),
        (ItineraryKind.COUNCIL, "شورای اداری استان", dt.time(17, 0), None),
    ]
    for kind, title, at, project in stops:
        services.item_add(
            actor=None, visit=visit, day=day, kind=kind, title=title, starts_at=at, project=project
        )
    for destination, amount in ((destinations.arab, 600_000), (destinations.russia, 400_000)):
        services.export_record(
            actor=None,
            company=line.company,
            project=line,
            kind="forecast",
            year=1404,
            destination=destination,
            value=dollars(amount),
            source=SPOKESPERSON,
        )
    return visit


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("secretariat", True),
        ("executive", True),
        ("county_secretary", True),
        ("owner", False),
        ("officer", False),
        ("outsider", False),
    ],
)
def test_the_provinces_visits_are_listed_for_its_secretariats_and_executive(
    call, who, programme, user, sees
):
    response = call(who(user), "get", VISITS)

    assert response.status_code == 200
    items = response.json()["items"]
    if sees:
        [item] = items
        assert (item["id"], item["item_count"]) == (programme.pk, 5)
        assert item["visitor_title"] == "سخنگوی دولت"
    else:
        assert items == []


def test_the_visits_list_filters_by_jalali_year_and_costs_fixed_queries(
    client, secretariat, province, visit
):
    headers = bearer_for(secretariat)
    client.get(VISITS, headers=headers)
    services.visit_create(
        actor=None,
        province=province,
        title="سفر وزیر صمت",
        visitor_name="وزیر",
        visitor_title="وزیر صنعت، معدن و تجارت",
        starts_on=dt.date(2025, 3, 19),  # 1403/12/29
    )

    in_1403 = measure(client, VISITS, headers, {"year": 1403})
    every = measure(client, VISITS, headers)

    assert (in_1403[0], every[0]) == (1, 2)
    assert in_1403[1] == every[1] <= 3


def test_a_visit_reads_with_its_programme_and_what_it_opened(call, secretariat, programme, line):
    response = call(secretariat, "get", url("visit_detail", programme.pk))

    assert response.status_code == 200, response.content
    body = response.json()
    assert [item["kind"] for item in body["items"]] == [
        "meeting",
        "exhibition",
        "opening",
        "ceremony",
        "council",
    ]
    opening = body["items"][2]
    assert opening["project"] == {"id": line.pk, "title": line.title}
    assert opening["company"]["national_id"] == line.company.national_id
    assert opening["kind_label"] == persian("opening")
    figures = body["figures"]
    assert [k["kind"] for k in figures["kinds"]] == [
        "meeting",
        "exhibition",
        "opening",
        "ceremony",
        "council",
    ]
    assert figures["openings"] == [
        {
            "item": opening["id"],
            "day": programme.starts_on.isoformat(),
            "title": opening["title"],
            "project": line.pk,
        }
    ]
    [opened] = figures["opened_projects"]
    assert opened["investment"]["amount"] == "4000000.00"
    assert opened["status"] == "operating"
    assert figures["investment_rial"] == 4_000_000 * RATE
    assert (figures["jobs"], figures["product_types"]) == (100, 90)
    assert figures["forecast_year"] == 1404  # the only year forecast
    forecast = figures["export_forecast"]
    assert forecast["total"]["by_currency"] == {"USD": "1000000.00"}
    assert [row["country"]["code"] for row in forecast["by_country"]] == ["RU"]
    assert {row["group"]["code"] for row in forecast["by_group"]} == {
        "arab_league",
        "eaeu",
        "neighbours",
    }
    assert body["can_edit"] is True


def test_the_visit_detail_reads_a_bounded_number_of_queries(
    client, secretariat, programme, django_assert_max_num_queries
):
    headers = bearer_for(secretariat)
    client.get(VISITS, headers=headers)

    # Token, roles, the visit, its items with their links, which opened lines the caller sees,
    # the forecasts, their groups and the groups' members.
    with django_assert_max_num_queries(8):
        response = client.get(url("visit_detail", programme.pk), headers=headers)

    assert len(response.json()["items"]) == 5


def test_the_secretariat_records_a_visit(call, secretariat, province):
    response = call(
        secretariat,
        "post",
        VISITS,
        {
            "title": "سفر سخنگوی دولت به استان قزوین",
            "visitor_name": "فاطمه مهاجرانی",
            "visitor_title": "سخنگوی دولت",
            "starts_on": "2025-12-15",
        },
    )

    assert response.status_code == 201, response.content
    visit = Visit.objects.get()
    assert (visit.province, visit.starts_on, visit.ends_on) == (
        province,
        dt.date(2025, 12, 15),
        dt.date(2025, 12, 15),
    )
    assert visit.created_by == secretariat
    assert Event.objects.filter(target=Event.Target.VISIT, target_id=visit.pk).exists()
    assert response.json()["items"] == []
    assert response.json()["item_count"] == 0


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"ends_on": "2025-12-14"}, {"ends_on": ["invalid"]}),
        ({"starts_on": "1404-09-24"}, {"starts_on": ["date_not_gregorian"]}),
        ({"title": ""}, {"title": ["string_too_short"]}),
        ({"province": "99"}, {"province": ["unknown_province"]}),
    ],
)
def test_a_refused_visit_records_nothing(call, secretariat, province, fields, codes):
    payload = {
        "title": "سفر",
        "visitor_name": "فاطمه مهاجرانی",
        "visitor_title": "سخنگوی دولت",
        "starts_on": "2025-12-15",
        **fields,
    }

    response = call(secretariat, "post", VISITS, payload)

    assert field_codes(response) == codes
    assert not Visit.objects.exists()


def test_a_secretariat_of_two_provinces_names_the_province(call, secretariat, province, zanjan):
    role_grant(actor=None, user=secretariat, role="secretariat", province=zanjan)
    payload = {
        "title": "سفر",
        "visitor_name": "نام",
        "visitor_title": "سمت",
        "starts_on": "2025-12-15",
    }

    unnamed = call(secretariat, "post", VISITS, payload)
    named = call(secretariat, "post", VISITS, {**payload, "province": province.code})

    assert field_codes(unnamed) == {"province": ["required"]}
    assert named.status_code == 201
    assert Visit.objects.get().province == province


def test_the_secretariat_changes_a_visit(call, secretariat, visit):
    response = call(
        secretariat,
        "patch",
        url("visit_update", visit.pk),
        {"summary": "گزارش سفر", "title": "سفر"},
    )

    assert response.status_code == 200, response.content
    visit.refresh_from_db()
    assert (visit.title, visit.summary) == ("سفر", "گزارش سفر")
    assert Event.objects.filter(target=Event.Target.VISIT, kind="updated").exists()


def test_a_visit_cannot_shrink_away_from_its_programme(call, secretariat, programme):
    day = programme.starts_on

    response = call(
        secretariat,
        "patch",
        url("visit_update", programme.pk),
        {
            "starts_on": (day + dt.timedelta(days=1)).isoformat(),
            "ends_on": (day + dt.timedelta(days=1)).isoformat(),
        },
    )

    assert field_codes(response) == {"ends_on": ["invalid"]}
    programme.refresh_from_db()
    assert programme.starts_on == day


def test_an_opening_on_a_visit_opens_the_line_on_that_day(call, secretariat, visit, line):
    response = call(
        secretariat,
        "post",
        url("visit_item_add", visit.pk),
        {
            "day": visit.starts_on.isoformat(),
            "starts_at": "11:00",
            "kind": "opening",
            "title": "افتتاح خط تولید",
            "place": "شهر صنعتی کاسپین",
            "project": line.pk,
        },
    )

    assert response.status_code == 201, response.content
    item = ItineraryItem.objects.get()
    assert (item.project, item.company, item.starts_at) == (line, line.company, dt.time(11, 0))
    line.refresh_from_db()
    assert (line.status, line.opened_on, line.progress) == (
        ProjectStatus.OPERATING,
        visit.starts_on,
        100,
    )
    opened = line.updates.get(kind=ProjectUpdate.Kind.OPENED)
    assert opened.item == item
    assert response.json()["id"] == item.pk
    assert response.json()["project"]["id"] == line.pk
    history = call(secretariat, "get", url("project_detail", line.pk)).json()["updates"]
    [row] = [update for update in history if update["kind"] == "opened"]
    assert (row["item"], row["visit"]) == (item.pk, visit.pk)


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"kind": "opening"}, {"project": ["invalid"]}),
        ({"project": 999_999}, {"project": ["unknown_project"]}),
        ({"company": "10380284790"}, {"company": ["unknown_company"]}),
        ({"meeting": 999_999}, {"meeting": ["unknown_meeting"]}),
        ({"day": "2020-01-01"}, {"day": ["invalid"]}),
        ({"kind": "parade"}, {"kind": ["enum"]}),
        ({"starts_at": "25:00"}, {"starts_at": ["time_parsing"]}),
    ],
)
def test_a_refused_stop_records_nothing(call, secretariat, visit, fields, codes):
    payload = {"day": visit.starts_on.isoformat(), "kind": "ceremony", "title": "مراسم", **fields}

    response = call(secretariat, "post", url("visit_item_add", visit.pk), payload)

    assert field_codes(response) == codes
    assert not ItineraryItem.objects.exists()


def test_a_stop_names_a_line_of_another_province_as_unknown(
    call, secretariat, visit, sector, elsewhere
):
    project = services.project_create(
        actor=None,
        company=elsewhere,
        title="خط",
        sector=sector,
        investment=rials(1000),
        source=MINISTRY,
    )
    payload = {"day": visit.starts_on.isoformat(), "kind": "opening", "title": "افتتاح"}

    response = call(
        secretariat, "post", url("visit_item_add", visit.pk), {**payload, "project": project.pk}
    )

    assert field_codes(response) == {"project": ["unknown_project"]}


def test_a_stop_may_be_an_hq_session(call, secretariat, visit, meeting):
    response = call(
        secretariat,
        "post",
        url("visit_item_add", visit.pk),
        {
            "day": visit.starts_on.isoformat(),
            "kind": "council",
            "title": "جلسه ستاد تسهیل",
            "meeting": meeting.pk,
        },
    )

    assert response.status_code == 201, response.content
    assert ItineraryItem.objects.get().meeting == meeting
    assert response.json()["meeting"]["number"] == 227


def test_turning_a_stop_into_an_opening_opens_the_line(call, secretariat, programme, other_line):
    ceremony = programme.items.get(kind=ItineraryKind.CEREMONY)

    response = call(
        secretariat,
        "patch",
        url("visit_item_update", programme.pk, ceremony.pk),
        {"kind": "opening", "project": other_line.pk, "title": "افتتاح خط شوینده"},
    )

    assert response.status_code == 200, response.content
    ceremony.refresh_from_db()
    assert (ceremony.kind, ceremony.project, ceremony.company) == (
        ItineraryKind.OPENING,
        other_line,
        other_line.company,
    )
    other_line.refresh_from_db()
    assert (other_line.status, other_line.opened_on) == (
        ProjectStatus.OPERATING,
        programme.starts_on,
    )
    assert response.json()["kind"] == "opening"


def test_null_clears_a_stops_time_and_links(call, secretariat, programme):
    meeting_stop = programme.items.get(kind=ItineraryKind.MEETING)

    response = call(
        secretariat,
        "patch",
        url("visit_item_update", programme.pk, meeting_stop.pk),
        {"starts_at": None, "company": None},
    )

    assert response.status_code == 200, response.content
    meeting_stop.refresh_from_db()
    assert meeting_stop.starts_at is None
    assert response.json()["starts_at"] is None


def test_a_stop_moved_off_the_visits_days_is_refused(call, secretariat, programme):
    stop = programme.items.get(kind=ItineraryKind.COUNCIL)

    response = call(
        secretariat,
        "patch",
        url("visit_item_update", programme.pk, stop.pk),
        {"day": "2020-01-01"},
    )

    assert field_codes(response) == {"day": ["invalid"]}
    stop.refresh_from_db()
    assert stop.day == programme.starts_on


def test_removing_an_opening_withdraws_it_from_the_line(call, secretariat, programme, line):
    opening = programme.items.get(kind=ItineraryKind.OPENING)

    response = call(secretariat, "delete", url("visit_item_remove", programme.pk, opening.pk))

    assert response.status_code == 200, response.content
    assert [item["kind"] for item in response.json()] == [
        "meeting",
        "exhibition",
        "ceremony",
        "council",
    ]
    assert not ItineraryItem.objects.filter(pk=opening.pk).exists()
    line.refresh_from_db()
    assert (line.status, line.opened_on, line.progress) == (
        ProjectStatus.UNDER_CONSTRUCTION,
        None,
        95,
    )
    withdrawn = line.updates.get(kind=ProjectUpdate.Kind.WITHDRAWN)
    assert withdrawn.source == persian("Opening withdrawn from the visit «%(visit)s»") % {
        "visit": programme.title
    }
    assert withdrawn.actor == secretariat


def test_a_stop_of_another_visit_is_404(call, secretariat, programme, province, today):
    other = services.visit_create(
        actor=None,
        province=province,
        title="سفر دیگر",
        visitor_name="نام",
        visitor_title="سمت",
        starts_on=today,
    )
    stop = programme.items.first()

    response = call(secretariat, "delete", url("visit_item_remove", other.pk, stop.pk))

    assert response.status_code == 404
    assert ItineraryItem.objects.filter(pk=stop.pk).exists()


VISIT_WRITES = {
    "update": ("patch", "visit_update", False, {"summary": "تغییر"}),
    "item_add": ("post", "visit_item_add", False, {"kind": "other", "title": "دیدار"}),
    "item_update": ("patch", "visit_item_update", True, {"title": "دیدار"}),
    "item_remove": ("delete", "visit_item_remove", True, None),
}


@pytest.mark.parametrize("operation", sorted(VISIT_WRITES))
@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("secretariat", 200),
        ("executive", 403),
        ("county_secretary", 403),
        ("owner", 404),
        ("officer", 404),
        ("outsider", 404),
    ],
)
def test_only_the_secretariat_changes_a_visit(call, who, programme, operation, user, status):
    method, name, on_item, data = VISIT_WRITES[operation]
    stop = programme.items.get(kind=ItineraryKind.MEETING)
    args = (programme.pk, stop.pk) if on_item else (programme.pk,)
    if data is not None and "kind" in data:
        data = {**data, "day": programme.starts_on.isoformat()}
    before = (
        list(Visit.objects.values_list("title", "summary")),
        list(ItineraryItem.objects.order_by("pk").values_list("pk", "title")),
    )

    response = call(who(user), method, url(name, *args), data)

    assert response.status_code in ((200, 201) if status == 200 else (status,)), response.content
    after = (
        list(Visit.objects.values_list("title", "summary")),
        list(ItineraryItem.objects.order_by("pk").values_list("pk", "title")),
    )
    assert (after == before) is (status != 200)


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("secretariat", 200),
        ("executive", 200),
        ("county_secretary", 200),
        ("owner", 404),
        ("other_owner", 404),
        ("officer", 404),
        ("outsider", 404),
    ],
)
def test_who_reads_a_visit(call, who, programme, user, status):
    response = call(who(user), "get", url("visit_detail", programme.pk))

    assert response.status_code == status
    if status == 200:
        assert response.json()["can_edit"] is (user == "secretariat")


@pytest.mark.parametrize("user", ["executive", "county_secretary", "owner", "officer"])
def test_only_the_secretariat_records_a_visit(call, who, province, user):
    payload = {
        "title": "سفر",
        "visitor_name": "نام",
        "visitor_title": "سمت",
        "starts_on": "2025-12-15",
    }

    response = call(who(user), "post", VISITS, payload)

    assert response.status_code == 403
    assert not Visit.objects.exists()


# --- Sector shares -------------------------------------------------------------------------------


@pytest.fixture
def shares(province, detergents, sector, today):
    """What two sources said of the detergents (50% recently, 60% earlier) and one figure for
    cosmetics."""

    def add(sector, value, source, days_ago):
        return services.share_add(
            actor=None,
            province=province,
            sector=sector,
            basis="need",
            value=Decimal(value),
            source=source,
            stated_on=today - dt.timedelta(days=days_ago),
        )

    return {
        "fifty": add(detergents, "50", SPOKESPERSON, 1),
        "sixty": add(detergents, "60", "خبرگزاری ایرنا", 200),
        "cosmetics": add(sector, "12.5", MINISTRY, 30),
    }


@pytest.mark.parametrize(
    "user", ["secretariat", "executive", "county_secretary", "owner", "officer"]
)
def test_anyone_with_a_role_in_the_province_reads_every_sources_share(call, who, shares, user):
    response = call(who(user), "get", SHARES, {"sector": "detergents"})

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(item["value"], item["source"]) for item in items] == [
        ("50.00", SPOKESPERSON),
        ("60.00", "خبرگزاری ایرنا"),
    ]
    assert items[0]["basis_label"] == persian("share of the national need")
    assert items[0]["sector"]["code"] == "detergents"


def test_another_provinces_secretariat_reads_none_of_its_shares(call, outsider, shares):
    assert call(outsider, "get", SHARES).json()["items"] == []
    assert (
        call(outsider, "patch", url("share_update", shares["fifty"].pk), {"note": "x"}).status_code
        == 404
    )


def test_the_shares_list_costs_the_same_queries_for_few_and_many(client, secretariat, shares):
    headers = bearer_for(secretariat)
    client.get(SHARES, headers=headers)

    few = measure(client, SHARES, headers, {"sector": "cosmetics"})
    many = measure(client, SHARES, headers)

    assert (few[0], many[0]) == (1, 3)
    assert few[1] == many[1] <= 3


def test_the_secretariat_records_what_a_source_said(call, secretariat, province, detergents, today):
    day = today - dt.timedelta(days=2)

    response = call(
        secretariat,
        "post",
        SHARES,
        {
            "sector": "detergents",
            "basis": "need",
            "value": "50",
            "source": SPOKESPERSON,
            "source_url": "https://example.org/news/1",
            "stated_on": day.isoformat(),
        },
    )

    assert response.status_code == 201, response.content
    share = SectorShare.objects.get()
    assert (share.province, share.sector, share.value, share.unit, share.stated_on) == (
        province,
        detergents,
        50,
        "%",
        day,
    )
    assert share.created_by == secretariat
    assert response.json()["value"] == "50.00"


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"value": "120"}, {"value": ["invalid"]}),
        ({"value": "-1"}, {"value": ["greater_than_equal"]}),
        ({"stated_on": "future"}, {"stated_on": ["invalid"]}),
        ({"sector": "textiles"}, {"sector": ["unknown_sector"]}),
        ({"basis": "mood"}, {"basis": ["enum"]}),
        ({"source_url": "not a url"}, {"source_url": ["invalid"]}),
    ],
)
def test_a_refused_share_records_nothing(call, secretariat, detergents, today, fields, codes):
    if fields.get("stated_on") == "future":
        fields = {"stated_on": (today + dt.timedelta(days=3)).isoformat()}
    payload = {
        "sector": "detergents",
        "basis": "output",
        "value": "50",
        "source": SPOKESPERSON,
        "stated_on": today.isoformat(),
        **fields,
    }

    response = call(secretariat, "post", SHARES, payload)

    assert field_codes(response) == codes
    assert not SectorShare.objects.exists()


def test_a_share_in_another_unit_may_pass_100(call, secretariat, detergents, today):
    response = call(
        secretariat,
        "post",
        SHARES,
        {
            "sector": "detergents",
            "basis": "output",
            "value": "450000",
            "unit": "تن",
            "source": MINISTRY,
            "stated_on": today.isoformat(),
        },
    )

    assert response.status_code == 201, response.content
    assert SectorShare.objects.get().unit == "تن"


def test_the_secretariat_corrects_and_removes_a_share(call, secretariat, shares, sector):
    fifty = shares["fifty"]

    corrected = call(
        secretariat,
        "patch",
        url("share_update", fifty.pk),
        {"note": "در سفر استانی", "sector": "cosmetics"},
    )
    removed = call(secretariat, "delete", url("share_remove", shares["sixty"].pk))

    assert corrected.status_code == 200, corrected.content
    fifty.refresh_from_db()
    assert (fifty.note, fifty.sector) == ("در سفر استانی", sector)
    assert corrected.json()["sector"]["code"] == "cosmetics"
    assert removed.status_code == 200
    assert removed.json() == {"id": shares["sixty"].pk}
    assert not SectorShare.objects.filter(pk=shares["sixty"].pk).exists()
    assert list(
        Event.objects.filter(target=Event.Target.SHARE, kind__in=["updated", "removed"])
        .order_by("id")
        .values_list("kind", flat=True)
    ) == ["updated", "removed"]


@pytest.mark.parametrize("operation", ["update", "remove"])
@pytest.mark.parametrize(
    "user", ["executive", "county_secretary", "owner", "other_owner", "officer"]
)
def test_readers_of_shares_may_not_change_them(call, who, shares, operation, user):
    share = shares["fifty"]
    if operation == "update":
        response = call(who(user), "patch", url("share_update", share.pk), {"value": "70"})
    else:
        response = call(who(user), "delete", url("share_remove", share.pk))

    assert response.status_code == 403
    share.refresh_from_db()
    assert share.value == 50


@pytest.mark.parametrize("user", ["executive", "owner", "officer"])
def test_only_the_secretariat_records_a_share(call, who, detergents, today, user):
    payload = {
        "sector": "detergents",
        "basis": "need",
        "value": "50",
        "source": SPOKESPERSON,
        "stated_on": today.isoformat(),
    }

    response = call(who(user), "post", SHARES, payload)

    assert response.status_code == 403
    assert not SectorShare.objects.exists()


# --- Reference lists -----------------------------------------------------------------------------


def test_the_reference_lists_fill_a_clients_selects(call, owner, sector, detergents, destinations):
    sectors = call(owner, "get", url("sector_list")).json()
    countries = call(owner, "get", url("country_list")).json()
    groups = call(owner, "get", url("country_group_list")).json()

    assert {row["code"] for row in sectors} == {"cosmetics", "detergents"}
    assert {"code": "RU", "alpha3": "RUS", "name": "روسیه", "name_en": "Russia"} in countries
    assert len(countries) == 6
    members = {row["code"]: row["members"] for row in groups}
    assert members == {
        "arab_league": ["AE", "IQ", "SA"],
        "eaeu": ["AM", "RU"],
        "neighbours": ["AE", "AM", "IQ", "RU"],
    }


def test_the_groups_list_costs_the_same_queries_however_many_groups(
    client, secretariat, destinations, django_assert_max_num_queries
):
    headers = bearer_for(secretariat)
    client.get(url("country_group_list"), headers=headers)

    # Token, roles, the groups, their members.
    with django_assert_max_num_queries(4):
        response = client.get(url("country_group_list"), headers=headers)

    assert len(response.json()) == 3


@pytest.mark.parametrize("name", ["sector_list", "country_list", "country_group_list"])
def test_the_reference_lists_need_a_role(call, name, sector, destinations):
    nobody = UserFactory(username="nobody")

    response = call(nobody, "get", url(name))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    "path",
    [PROJECTS, EXPORTS, TOTALS, VISITS, SHARES, reverse("api-v1:sector_list")],
)
def test_every_list_needs_credentials(client, path):
    response = client.get(path)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
