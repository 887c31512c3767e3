"""The figures API: the dashboard and its sections, the agency scorecards and the county
comparison answer the numbers `tashil.figures.selectors` counts from the records built here;
who reads which figures; the period filters and their refusals; links to the records."""

# The cases', meetings' and investments' fixtures are imported below; a test naming one as a
# parameter "redefines" the import.
# ruff: noqa: F811

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.translation import gettext

from tashil.cases.models import Case, Referral
from tashil.cases.selectors import CASE_BUCKETS
from tashil.cases.services import case_record_results, referral_answer
from tashil.cases.workflow import CaseStatus
from tashil.factories import AgencyFactory, CertificateFactory, ProvinceFactory
from tashil.figures import links, selectors
from tashil.figures.forms import MAX_PERIOD_DAYS
from tashil.figures.period import Period
from tashil.investments.models import ExportKind, ShareBasis
from tashil.investments.services import export_record, project_open, share_add
from tashil.investments.tests.conftest import (  # noqa: F401 (fixtures)
    destinations,
    detergents,
    dollars,
    make_project,
    rials,
    sector,
)
from tashil.meetings.tests.conftest import (  # noqa: F401 (fixtures)
    TEHRAN,
    _media_in_tmp,
    builder,
    case_in,
    clock,
    holiday,
    hq,
    meetings,
    resolution_in,
)
from tashil.meetings.workflow import ResolutionState
from tashil.registry.services import company_set_status, target_set

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S = CaseStatus
SECTIONS = [
    "knowledge_based",
    "cases",
    "resolutions",
    "sessions",
    "revived",
    "results",
    "openings",
    "exports",
    "shares",
]
ENDPOINTS = ["dashboard", *SECTIONS, "scorecard", "counties"]
# The clock stands on Wednesday 1403/10/19 (2025-01-08); the sessions are held a week later.
# Dey 1403 runs from 2024-12-21 to 2025-01-19.
# Dey as two dates: a preset holding today would end today (`period.preset_period`).
DEY = {"start": "2024-12-21", "end": "2025-01-19"}
DEY_PERIOD = Period(dt.date(2024, 12, 21), dt.date(2025, 1, 19))
LAST_OF_AZAR = dt.date(2024, 12, 20)
SOURCE = "اداره کل صنعت، معدن و تجارت"


def url(name):
    return reverse(f"api-v1:figures_{name.replace('-', '_')}")


def page(path):
    return f"http://testserver{path}"


def persian(message):
    """`message` as a Persian user reads it (the request's language)."""
    with translation.override("fa"):
        return gettext(message)


def get(client, name, headers, **params):
    return client.get(url(name), params, headers=headers)


def ok(response):
    assert response.status_code == 200, response.content
    return response.json()


def filed_now(clock, case):
    """The case (and its referrals) filed at the clock's time: the models' `default=timezone.now`
    is bound before the clock fixture replaces `now`, so the services file at the real time."""
    Case.objects.filter(pk=case.pk).update(created_at=clock.now())
    Referral.objects.filter(case=case).update(created_at=clock.now())
    case.refresh_from_db()
    return case


@pytest.fixture
def world(
    clock,
    province,
    county,
    other_county,
    company,
    other_company,
    other_owner,
    secretariat,
    officer,
    tax_agency,
    customs_agency,
    case_in,
    meetings,
    resolution_in,
    make_project,
    destinations,
    detergents,
):
    """A month of the province's records, through the services: cases filed in Dey (one also on
    the last evening of Azar), referrals answered and open, two sessions held with resolutions,
    certificates and a target, a revived unit, results on a case, a line opened with its export
    forecast, and a sector share."""
    clock.set(LAST_OF_AZAR, hour=23)
    clock.advance(minutes=30)
    filed_now(clock, case_in(S.SUBMITTED, title="پرونده‌ای در آخرین شب آذر"))
    clock.set(dt.date(2025, 1, 8))

    resolved = filed_now(clock, case_in(S.RESOLVED))
    filed_now(clock, case_in(S.REJECTED))
    referred = filed_now(clock, case_in(S.REFERRED))
    answered = filed_now(clock, case_in(S.REFERRED))
    referral_answer(
        actor=officer,
        referral=Referral.objects.get(case=answered),
        answer="بدهی در ۱۲ قسط تقسیط شد.",
    )
    filed_now(clock, case_in(S.SCREENING, company=other_company, actor=other_owner))
    case_record_results(
        actor=secretariat,
        case=resolved,
        approved_amount=5_000_000_000,
        jobs_preserved=40,
        results_on=dt.date(2025, 1, 8),
    )

    meetings.held(resolutions=2)
    resolution_in(ResolutionState.EXECUTED)

    CertificateFactory(company=company, issued_on=dt.date(2024, 1, 1))
    CertificateFactory(company=other_company, issued_on=dt.date(2024, 12, 25))
    target_set(actor=secretariat, province=province, count=4, due_on=dt.date(2025, 3, 20))

    company_set_status(actor=None, company=other_company, status="idle", since=dt.date(2024, 6, 1))
    company_set_status(
        actor=None, company=other_company, status="operating", since=dt.date(2025, 1, 2)
    )

    line = make_project(
        company,
        title="خط تولید محصولات آرایشی و بهداشتی",
        investment=dollars(4_000_000),
        jobs_created=100,
        product_types=90,
    )
    project_open(actor=None, project=line, on=dt.date(2025, 1, 6), source=SOURCE)
    small = make_project(other_company, title="خط بسته‌بندی", investment=rials(2_000_000_000))
    project_open(actor=None, project=small, on=dt.date(2025, 1, 7), source=SOURCE)
    for place in (destinations.arab, destinations.russia):
        export_record(
            actor=None,
            company=company,
            kind=ExportKind.FORECAST,
            year=1404,
            destination=place,
            value=dollars(500_000),
            source=SOURCE,
            project=line,
        )
    share_add(
        actor=None,
        province=province,
        sector=detergents,
        basis=ShareBasis.OUTPUT,
        value=Decimal("30"),
        source="وزارت صنعت، معدن و تجارت",
        stated_on=dt.date(2025, 1, 1),
    )
    return {"line": line, "referred": referred, "resolved": resolved}


# --- The dashboard -------------------------------------------------------------------------------


def case_numbers(figures):
    return {**{b: figures[b] for b in CASE_BUCKETS}, "share_resolved": figures["share_resolved"]}


def expected_cases(found):
    return {**dataclasses.asdict(found), "share_resolved": found.share_resolved}


def resolution_numbers(figures):
    keys = ("total", "executed", "follow_up", "not_executed", "executed_share")
    return {key: figures[key] for key in keys}


def expected_resolutions(found):
    return {**dataclasses.asdict(found), "executed_share": found.executed_share}


@pytest.mark.parametrize("who", ["secretariat", "executive"])
def test_the_dashboard_answers_the_selectors_figures(client, world, province, bearer, who, request):
    body = ok(get(client, "dashboard", bearer(request.getfixturevalue(who)), **DEY))
    found = selectors.dashboard(province=province, period=DEY_PERIOD)

    assert body["province"] == {"code": "26", "name": province.name, "name_en": province.name_en}
    assert body["period"] == {
        "preset": "range",
        "start": "2024-12-21",
        "end": "2025-01-19",
        "start_jalali": "1403/10/01",
        "end_jalali": "1403/10/30",
        "days": 30,
    }
    assert body["export_year"] == found.exports.year == 1404

    kb = body["knowledge_based"]
    assert (kb["on"], kb["count"], kb["target_share"]) == (
        "2025-01-19",
        found.knowledge_based.count,
        found.knowledge_based.target_share,
    )
    assert kb["target"] == {"count": 4, "due_on": "2025-03-20"}
    assert [(p["date"], p["count"]) for p in kb["series"]] == [
        (day.isoformat(), count) for day, count in found.knowledge_based.series
    ]
    assert kb["series"][-1]["jalali"] == "1403/10/30"

    assert case_numbers(body["cases"]) == expected_cases(found.cases)
    for key, rows in (("category", found.cases_by_category), ("county", found.cases_by_county)):
        assert [
            (row["id"], row["code"], case_numbers(row["figures"]))
            for row in body[f"cases_by_{key}"]
        ] == [(obj.pk, obj.code, expected_cases(figures)) for obj, figures in rows]

    assert resolution_numbers(body["resolutions"]) == expected_resolutions(found.resolutions)
    sessions = body["sessions"]
    assert {k: sessions[k] for k in ("provincial", "working_group", "county", "total")} == {
        **dataclasses.asdict(found.sessions),
        "total": found.sessions.total,
    }
    assert body["revived"]["count"] == found.revived
    results = body["results"]
    del results["links"]
    assert results == dataclasses.asdict(found.results)

    openings = body["openings"]
    assert {k: openings[k] for k in ("count", "investment_rial", "jobs", "products")} == {
        "count": found.openings.count,
        "investment_rial": found.openings.investment_rial,
        "jobs": found.openings.jobs,
        "products": found.openings.products,
    }
    assert [(row["currency"], Decimal(row["amount"])) for row in openings["by_currency"]] == [
        (currency, amount) for currency, amount in found.openings.by_currency
    ]
    assert [(line["id"], line["amount_rial"]) for line in openings["lines"]] == [
        (line.pk, line.amount_rial) for line in found.openings.lines
    ]

    exports = body["exports"]
    assert (exports["year"], exports["kind"], exports["total_rial"]) == (
        found.exports.year,
        found.exports.kind,
        found.exports.total_rial,
    )
    assert Decimal(exports["total_usd"]) == found.exports.total_usd
    assert [(d["code"], d["rial"], Decimal(d["usd"])) for d in exports["destinations"]] == [
        (d.destination.code, d.rial, d.usd) for d in found.exports.destinations
    ]
    assert [
        (entry["sector"]["code"], [f["source"] for f in entry["figures"]])
        for entry in body["shares"]
    ] == [(sector.code, [s.source for s in shares]) for sector, shares in found.shares]


def test_the_dashboard_counts_what_the_test_built(client, world, secretariat, bearer):
    """The comparison above would pass on an empty province; these are the records themselves."""
    body = ok(get(client, "dashboard", bearer(secretariat), **DEY))

    # Six cases in Dey (the one of the last evening of Azar is not among them).
    assert case_numbers(body["cases"]) == {
        "received": 5,
        "in_progress": 3,
        "resolved": 1,
        "not_resolved": 1,
        "share_resolved": 20,
    }
    # Two sessions of the provincial HQ: two resolutions notified and one executed.
    assert body["sessions"]["provincial"] == 2
    assert resolution_numbers(body["resolutions"]) == {
        "total": 3,
        "executed": 1,
        "follow_up": 2,
        "not_executed": 0,
        "executed_share": 33,
    }
    assert body["knowledge_based"]["count"] == 2
    assert body["knowledge_based"]["target_share"] == 50
    assert body["revived"]["count"] == 1
    assert body["results"]["approved_rial"] == 5_000_000_000
    assert body["results"]["jobs_preserved"] == 40
    assert body["results"]["jobs_created"] == 100


def test_money_is_whole_rials_and_dollars_as_decimal_strings(
    client, world, secretariat, bearer, destinations
):
    body = ok(get(client, "dashboard", bearer(secretariat), **DEY))

    openings = body["openings"]
    line = world["line"]
    assert openings["investment_rial"] == line.amount_rial + 2_000_000_000
    assert openings["by_currency"] == [
        {"currency": "IRR", "amount": "2000000000.00"},
        {"currency": "USD", "amount": "4000000.00"},
    ]
    [cosmetics, _packaging] = openings["lines"]
    assert cosmetics["id"] == line.pk
    assert (cosmetics["amount"], cosmetics["currency"], cosmetics["amount_rial"]) == (
        "4000000.00",
        "USD",
        line.amount_rial,
    )
    assert (cosmetics["jobs"], cosmetics["products"], cosmetics["opened_on"]) == (
        100,
        90,
        "2025-01-06",
    )
    forecast = cosmetics["forecast"]
    assert (forecast["year"], forecast["usd"]) == (1404, "1000000.00")
    assert sorted((d["kind"], d["code"]) for d in forecast["destinations"]) == [
        ("country", "RU"),
        ("group", "arab_league"),
    ]
    assert body["exports"]["total_usd"] == "1000000.00"
    assert isinstance(body["exports"]["total_rial"], int)
    [share] = body["shares"][0]["figures"]
    assert (share["value"], share["unit"], share["basis"]) == ("30.00", "%", "output")


def test_the_period_filters_reach_the_figures(client, world, secretariat, bearer):
    headers = bearer(secretariat)

    azar = ok(get(client, "cases", headers, period="month", on=LAST_OF_AZAR.isoformat()))
    ranged = ok(get(client, "cases", headers, start="2024-12-20", end="2024-12-20"))
    year = ok(get(client, "cases", headers, period="year", on="2025-01-08"))

    assert azar["cases"]["received"] == 1
    assert ranged["period"]["preset"] == "range"
    assert ranged["cases"]["received"] == 1
    assert year["period"]["start_jalali"] == "1403/01/01"
    assert year["cases"]["received"] == 6


def test_without_filters_the_period_runs_from_1_farvardin_to_today(
    client, world, secretariat, bearer
):
    body = ok(get(client, "dashboard", bearer(secretariat)))

    assert body["period"]["preset"] == "ytd"
    assert (body["period"]["start_jalali"], body["period"]["end_jalali"]) == (
        "1403/01/01",
        "1403/10/19",
    )
    assert body["period"]["end"] == "2025-01-08"
    assert body["export_year"] == 1404


def test_the_export_year_chooses_the_forecasts(client, world, secretariat, bearer):
    headers = bearer(secretariat)

    forecast = ok(get(client, "exports", headers, export_year=1404, **DEY))["exports"]
    other = ok(get(client, "exports", headers, export_year=1405, **DEY))["exports"]

    assert (forecast["year"], forecast["total_usd"]) == (1404, "1000000.00")
    assert (other["year"], other["total_usd"], other["destinations"]) == (1405, "0.00", [])


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_answers_as_the_dashboard_does(client, world, secretariat, bearer, section):
    headers = bearer(secretariat)
    dashboard = ok(get(client, "dashboard", headers, **DEY))

    body = ok(get(client, section.replace("_", "-"), headers, **DEY))

    assert body[section] == dashboard[section]
    assert (body["province"], body["period"]) == (dashboard["province"], dashboard["period"])
    if section == "cases":
        assert body["cases_by_category"] == dashboard["cases_by_category"]
        assert body["cases_by_county"] == dashboard["cases_by_county"]


def test_each_figure_links_to_the_records_it_counts(client, world, province, secretariat, bearer):
    body = ok(get(client, "dashboard", bearer(secretariat), **DEY))
    category = body["cases_by_category"][0]

    assert body["cases"]["links"]["resolved"] == page(
        links.cases(province, DEY_PERIOD, bucket="resolved")
    )
    assert category["figures"]["links"]["received"] == page(
        links.cases(province, DEY_PERIOD, category=category["id"])
    )
    assert body["resolutions"]["links"]["follow_up"] == page(
        links.resolutions(province, DEY_PERIOD, bucket="follow_up")
    )
    assert body["sessions"]["links"]["provincial"] == page(
        links.sessions(province, DEY_PERIOD, kind="provincial")
    )
    assert body["openings"]["links"]["count"] == page(links.openings(province, DEY_PERIOD))
    assert body["knowledge_based"]["links"]["count"] == page(
        links.knowledge_based(province, DEY_PERIOD)
    )
    every = [
        *body["cases"]["links"].values(),
        *body["resolutions"]["links"].values(),
        *body["sessions"]["links"].values(),
        *body["results"]["links"].values(),
        *body["openings"]["links"].values(),
        *body["exports"]["links"].values(),
        *(d["link"] for d in body["exports"]["destinations"]),
        *(entry["link"] for entry in body["shares"]),
    ]
    for link in every:
        assert resolve(urlsplit(link).path).namespace in {"cases", "meetings", "investments"}


def test_the_dashboard_costs_the_same_queries_for_more_records(
    client, clock, world, secretariat, bearer, case_in, make_project, other_company
):
    headers = bearer(secretariat)
    ok(get(client, "dashboard", headers, **DEY))  # the token's first use is written once
    with CaptureQueriesContext(connection) as few:
        ok(get(client, "dashboard", headers, **DEY))
    for _ in range(3):
        filed_now(clock, case_in(S.SCREENING))
        line = make_project(other_company, title="خط دیگر", investment=rials(1_000_000))
        project_open(actor=None, project=line, on=dt.date(2025, 1, 7), source=SOURCE)

    with CaptureQueriesContext(connection) as many:
        body = ok(get(client, "dashboard", headers, **DEY))

    assert (body["cases"]["received"], body["openings"]["count"]) == (8, 5)
    assert len(many) == len(few)


# --- Scorecards ----------------------------------------------------------------------------------


def card_numbers(card):
    keys = (
        "received",
        "answered",
        "on_time",
        "on_time_share",
        "average_days",
        "p90_days",
        "open_overdue",
        "executed",
        "follow_up",
        "not_executed",
        "executed_share",
    )
    return {key: card[key] for key in keys}


def expected_card(card):
    return {
        **{k: v for k, v in dataclasses.asdict(card).items() if k != "agency"},
        "on_time_share": card.on_time_share,
        "executed_share": card.executed_share,
    }


@pytest.mark.parametrize("who", ["secretariat", "executive"])
def test_the_secretariat_and_the_executive_read_every_agencys_card_ranked(
    client, world, province, tax_agency, customs_agency, bearer, who, request
):
    body = ok(get(client, "scorecard", bearer(request.getfixturevalue(who)), **DEY))
    found = selectors.scorecards(
        province=province,
        period=DEY_PERIOD,
        agencies=selectors.scorecard_agencies(request.getfixturevalue(who), province),
        today=dt.date(2025, 1, 8),
    )

    assert [(c["rank"], c["agency"]["code"]) for c in body["cards"]] == [
        (rank, card.agency.code) for rank, card in enumerate(found, start=1)
    ]
    assert [card_numbers(c) for c in body["cards"]] == [expected_card(card) for card in found]
    tax = next(c for c in body["cards"] if c["agency"]["id"] == tax_agency.pk)
    # Two referrals in Dey, one answered; three resolutions addressed to the tax agency.
    assert (tax["received"], tax["answered"]) == (2, 1)
    assert (tax["executed"], tax["follow_up"]) == (1, 2)
    assert {c["agency"]["id"] for c in body["cards"]} == {tax_agency.pk, customs_agency.pk}


@pytest.mark.parametrize("who", ["officer", "agency_head"])
def test_agency_staff_read_only_their_own_agencys_card(
    client, world, province, tax_agency, bearer, who, request
):
    user = request.getfixturevalue(who)

    body = ok(get(client, "scorecard", bearer(user), **DEY))

    [card] = body["cards"]
    assert (card["rank"], card["agency"]["id"], card["received"]) == (1, tax_agency.pk, 2)
    assert card["links"]["received"] == page(
        links.referrals(province, DEY_PERIOD, agency=tax_agency.pk)
    )
    assert card["links"]["open_overdue"] == page(
        links.referrals(province, DEY_PERIOD, agency=tax_agency.pk, overdue=True)
    )
    assert body["province"]["code"] == "26"


def test_an_officer_of_another_provinces_agency_reads_that_province_only(
    client, world, province, bearer
):
    from tashil.accounts.services import role_grant
    from tashil.factories import UserFactory

    tehran = ProvinceFactory(code="23", name="تهران")
    agency = AgencyFactory(province=tehran, code="tax", name="اداره کل امور مالیاتی تهران")
    user = UserFactory(username="tehran_officer")
    role_grant(actor=None, user=user, role="agency_officer", agency=agency)
    headers = bearer(user)

    own = ok(get(client, "scorecard", headers, **DEY))
    qazvin = get(client, "scorecard", headers, province="26", **DEY)

    assert own["province"]["code"] == "23"
    assert [c["agency"]["id"] for c in own["cards"]] == [agency.pk]
    assert qazvin.status_code == 404


# --- The county comparison -----------------------------------------------------------------------


def test_the_county_comparison_answers_each_countys_figures(
    client, world, province, secretariat, bearer
):
    body = ok(get(client, "counties", bearer(secretariat), **DEY))
    found = selectors.county_comparison(province=province, period=DEY_PERIOD)

    assert [row["county"]["code"] for row in body["counties"]] == ["2602", "2603"]
    scalars = (
        "county_sessions",
        "knowledge_based",
        "revived",
        "openings",
        "investment_rial",
        "jobs_created",
        "jobs_preserved",
        "approved_rial",
    )
    assert [
        (
            row["county"]["id"],
            case_numbers(row["cases"]),
            resolution_numbers(row["resolutions"]),
            {key: row[key] for key in scalars},
        )
        for row in body["counties"]
    ] == [
        (
            entry.county.pk,
            expected_cases(entry.cases),
            expected_resolutions(entry.resolutions),
            {key: getattr(entry, key) for key in scalars},
        )
        for entry in found
    ]
    takestan = body["counties"][0]
    assert (takestan["cases"]["received"], takestan["revived"], takestan["openings"]) == (1, 1, 1)
    assert takestan["cases"]["links"]["received"] == page(
        links.cases(province, DEY_PERIOD, county=takestan["county"]["id"])
    )


# --- Who reads the figures -----------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_company_representative_reads_no_figures(client, owner, bearer, endpoint):
    response = get(client, endpoint, bearer(owner))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("endpoint", ["dashboard", "counties", "cases"])
@pytest.mark.parametrize("who", ["officer", "county_secretary", "expert"])
def test_agency_staff_county_secretaries_and_experts_read_no_dashboard(
    client, bearer, endpoint, who, request
):
    response = get(client, endpoint, bearer(request.getfixturevalue(who)))

    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_anonymous_request_is_not_authenticated(client, province, endpoint):
    response = client.get(url(endpoint))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_logged_in_browser_reads_the_figures_with_its_session(client, world, executive):
    client.force_login(executive)

    body = ok(client.get(url("dashboard"), DEY))

    assert body["cases"]["received"] == 5


def test_another_or_unknown_province_is_404_and_digits_may_be_persian(client, secretariat, bearer):
    ProvinceFactory(code="23", name="تهران")
    headers = bearer(secretariat)

    assert get(client, "dashboard", headers, province="23").status_code == 404
    assert get(client, "scorecard", headers, province="23").status_code == 404
    assert get(client, "dashboard", headers, province="99").status_code == 404
    assert ok(get(client, "dashboard", headers, province="۲۶"))["province"]["code"] == "26"


def test_an_administrator_reads_no_provinces_figures(client, admin_user, province, bearer):
    # DOMAIN.md §2: the administrator runs users, agencies and reference data, not a province.
    response = get(client, "counties", bearer(admin_user), province="26")

    assert response.status_code == 404


# --- Refused filters -----------------------------------------------------------------------------


def refused(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return body


@pytest.mark.parametrize(
    ("params", "field", "code", "message"),
    [
        (
            {"start": "2025-01-10", "end": "2025-01-01"},
            "end",
            "range_reversed",
            "The end of the range is before its start.",
        ),
        (
            {"start": "2014-12-01", "end": "2025-01-01"},
            "end",
            "range_too_long",
            "A period spans at most ten years.",
        ),
        ({"period": "decade"}, "period", "literal_error", "Select a valid choice."),
        ({"on": "2025-13-40"}, "on", "date_from_datetime_parsing", None),
        (
            {"start": "1403-10-01", "end": "2025-01-01"},
            "start",
            "date_not_gregorian",
            "Dates are Gregorian (ISO 8601, e.g. 2025-12-15); this looks like a Jalali date.",
        ),
        (
            {"period": "month", "start": "2025-01-01"},
            "start",
            "range_with_preset",
            "Give either a period preset or start and end dates, not both.",
        ),
        ({"start": "2025-01-01"}, "end", "missing", "Enter the last day of the period."),
        (
            {"start": "2025-01-01", "end": "2025-01-02", "on": "2025-01-01"},
            "on",
            "range_with_preset",
            None,
        ),
        ({"period": "range", "end": "2025-01-01"}, "start", "missing", None),
    ],
)
@pytest.mark.parametrize("endpoint", ["dashboard", "scorecard", "counties"])
def test_a_bad_filter_gets_422_naming_the_field_in_persian(
    client, secretariat, bearer, params, field, code, message, endpoint
):
    body = refused(get(client, endpoint, bearer(secretariat), **params))

    [error] = body["errors"][field]
    assert error["code"] == code
    if message is not None:
        assert error["message"] == persian(message)
    assert body["message"] == persian("Some of the input is not valid.")


@pytest.mark.parametrize("endpoint", ["dashboard", "openings", "exports"])
def test_an_export_year_out_of_the_calendars_range_is_refused(
    client, secretariat, bearer, endpoint
):
    body = refused(get(client, endpoint, bearer(secretariat), export_year=1200))

    assert body["errors"]["export_year"][0]["code"] == "greater_than_equal"


def test_a_range_of_ten_years_is_read_and_a_day_more_is_refused(client, secretariat, bearer):
    headers = bearer(secretariat)
    start = dt.date(2015, 1, 1)
    longest = start + dt.timedelta(days=MAX_PERIOD_DAYS - 1)

    body = ok(get(client, "dashboard", headers, start=start, end=longest))
    too_long = get(client, "dashboard", headers, start=start, end=longest + dt.timedelta(days=1))

    assert body["period"]["days"] == MAX_PERIOD_DAYS
    assert refused(too_long)["errors"]["end"][0]["code"] == "range_too_long"


def test_a_malformed_date_is_explained(client, secretariat, bearer):
    body = refused(get(client, "dashboard", bearer(secretariat), on="24/09/1404"))

    assert body["errors"]["on"][0]["message"] == persian("Enter a date as YYYY-MM-DD (Gregorian).")


def test_errors_are_persian_by_default_and_english_with_the_language_cookie(
    client, secretariat, bearer
):
    headers = bearer(secretariat)
    reversed_range = {"start": "2025-01-10", "end": "2025-01-01"}

    persian_body = refused(get(client, "dashboard", headers, **reversed_range))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english_body = refused(get(client, "dashboard", headers, **reversed_range))

    assert persian_body["errors"]["end"][0]["message"] == "پایان بازه پیش از آغاز آن است."
    assert english_body["errors"]["end"][0]["message"] == (
        "The end of the range is before its start."
    )
    assert english_body["message"] == "Some of the input is not valid."
