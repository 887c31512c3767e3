"""The investment lists behind the dashboard's figures: the link `figures.links` builds for the
openings, the export forecasts by destination and the sector shares lists exactly the rows the
figure counts, and a wrong value in those filters is shown on the form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tashil.accounts.services import role_grant
from tashil.factories import CompanyFactory, CountyFactory, ProvinceFactory
from tashil.figures import links
from tashil.figures.period import Period
from tashil.figures.selectors import (
    county_comparison,
    export_figures,
    opening_figures,
    openings,
    shares_as_of,
)
from tashil.investments.models import ExportFigure
from tashil.investments.services import export_record, share_add
from tashil.investments.tests.conftest import dollars, rials
from tashil.investments.workflow import ProjectStatus

pytestmark = pytest.mark.django_db

AZAR = Period.jalali_month(1403, 9)
DEY = Period.jalali_month(1403, 10)


def pks(rows: dict[str, Any], names: set[str]) -> set[int]:
    return {rows[name].pk for name in names}


# --- Openings -----------------------------------------------------------------------------------


@pytest.fixture
def lines(
    make_project: Callable[..., Any], company: Any, other_company: Any, other_county: Any
) -> dict[str, Any]:
    def opened(on: dt.date, **fields: Any) -> Any:
        return make_project(
            fields.pop("owner", company),
            status=ProjectStatus.OPERATING,
            opened_on=on,
            progress=100,
            jobs_created=fields.pop("jobs", 10),
            **fields,
        )

    return {
        "first_day": opened(AZAR.start, title="خط نخست", jobs=25),
        "last_day": opened(AZAR.end, title="خط دوم", jobs=40),
        "other_county": opened(
            AZAR.start + dt.timedelta(days=9), title="خط تاکستان", owner=other_company
        ),
        "in_dey": opened(DEY.start, title="خط دی"),
        "in_aban": opened(AZAR.start - dt.timedelta(days=1), title="خط آبان"),
        "planned_in_azar": make_project(
            company,
            title="خط در دست ساخت",
            status=ProjectStatus.UNDER_CONSTRUCTION,
            planned_opening_on=AZAR.end,
        ),
    }


def listed_projects(response: Any) -> set[int]:
    assert response.status_code == 200
    assert not response.context["form"].errors
    return {project.pk for project in response.context["projects"]}


def test_the_openings_link_lists_the_lines_the_figure_counts(
    client: Any, secretariat: Any, province: Any, lines: dict[str, Any]
) -> None:
    client.force_login(secretariat)

    shown = listed_projects(client.get(links.openings(province, AZAR)))

    assert shown == pks(lines, {"first_day", "last_day", "other_county"})
    assert shown == set(openings(province=province, period=AZAR).values_list("pk", flat=True))
    figures = opening_figures(province=province, period=AZAR, export_year=1404)
    assert len(shown) == figures.count
    response = client.get(links.openings(province, AZAR))
    assert response.context["totals"].jobs_created == figures.jobs


def test_a_countys_openings_link_lists_what_the_county_comparison_counts(
    client: Any, secretariat: Any, province: Any, other_county: Any, lines: dict[str, Any]
) -> None:
    client.force_login(secretariat)
    row = next(
        r for r in county_comparison(province=province, period=AZAR) if r.county == other_county
    )

    shown = listed_projects(client.get(links.openings(province, AZAR, county=other_county.pk)))

    assert shown == {lines["other_county"].pk}
    assert len(shown) == row.openings


# --- Export forecasts ---------------------------------------------------------------------------


@pytest.fixture
def forecasts(company: Any, destinations: Any) -> dict[str, ExportFigure]:
    def record(destination: Any, value: Any, **fields: Any) -> ExportFigure:
        fields.setdefault("kind", "forecast")
        fields.setdefault("year", 1405)
        figure, _outcome = export_record(
            actor=None,
            company=company,
            destination=destination,
            value=value,
            source="اداره کل صمت",
            **fields,
        )
        return figure

    d = destinations
    return {
        "russia": record(d.russia, dollars(1_000_000)),
        "uae": record(d.uae, rials(7_000_000_000)),
        "arab": record(d.arab, dollars(500_000)),
        "eaeu": record(d.eaeu, rials(3_000_000_000)),
        "china": record(d.china, dollars(200_000)),
        "russia_1404": record(d.russia, dollars(900_000), year=1404),
        "russia_actual": record(d.russia, dollars(800_000), kind="actual"),
    }


def listed_figures(response: Any) -> set[int]:
    assert response.status_code == 200
    assert not response.context["form"].errors
    return {figure.pk for figure in response.context["figures"]}


def test_each_destinations_link_lists_the_figures_its_total_counts(
    client: Any,
    secretariat: Any,
    province: Any,
    destinations: Any,
    forecasts: dict[str, ExportFigure],
) -> None:
    client.force_login(secretariat)
    d = destinations
    expected = {
        d.russia: {"russia"},
        d.uae: {"uae"},
        d.china: {"china"},
        # A group: its own figures and those to its members.
        d.arab: {"arab", "uae"},
        d.eaeu: {"eaeu", "russia"},
        d.neighbours: {"russia", "uae"},
    }
    totals = export_figures(province=province, year=1405)
    assert {entry.destination for entry in totals.destinations} == set(expected)

    for entry in totals.destinations:
        shown = listed_figures(
            client.get(links.exports(province, year=1405, destination=entry.destination))
        )
        assert shown == pks(forecasts, expected[entry.destination]), entry.destination
        rows = ExportFigure.objects.filter(pk__in=shown)
        assert sum(row.amount_rial for row in rows) == entry.rial


def test_the_export_link_without_a_destination_lists_every_forecast_of_the_year_once(
    client: Any, secretariat: Any, province: Any, forecasts: dict[str, ExportFigure]
) -> None:
    client.force_login(secretariat)

    shown = listed_figures(client.get(links.exports(province, year=1405)))

    assert shown == pks(forecasts, {"russia", "uae", "arab", "eaeu", "china"})
    totals = export_figures(province=province, year=1405)
    assert sum(f.amount_rial for f in ExportFigure.objects.filter(pk__in=shown)) == (
        totals.total_rial
    )


def test_a_country_code_is_read_in_either_case(
    client: Any, secretariat: Any, forecasts: dict[str, ExportFigure]
) -> None:
    client.force_login(secretariat)

    shown = listed_figures(
        client.get(reverse("investments:export_list"), {"country": "ru", "year": "۱۴۰۵"})
    )

    assert shown == pks(forecasts, {"russia", "russia_actual"})


# --- Sector shares ------------------------------------------------------------------------------


def test_the_shares_link_lists_the_provinces_figures_the_dashboard_shows(
    client: Any, secretariat: Any, province: Any, detergents: Any, sector: Any
) -> None:
    tehran = ProvinceFactory(code="23", name="تهران")
    role_grant(actor=None, user=secretariat, role="secretariat", province=tehran)
    today = timezone.localdate()

    def said(where: Any, what: Any, value: int, source: str) -> Any:
        return share_add(
            actor=None,
            province=where,
            sector=what,
            basis="output",
            value=Decimal(value),
            source=source,
            stated_on=today - dt.timedelta(days=value),
        )

    ours = {said(province, detergents, 50, "وزیر صمت"), said(province, detergents, 10, "ایرنا")}
    said(province, sector, 12, "اداره کل صمت")
    said(tehran, detergents, 5, "استانداری تهران")
    client.force_login(secretariat)

    response = client.get(links.shares(province, sector=detergents.pk))

    assert response.status_code == 200
    assert not response.context["form"].errors
    shown = {share.pk for _sector, shares in response.context["sectors"] for share in shares}
    assert shown == {share.pk for share in ours}
    dashboard = dict(shares_as_of(province=province, on=today))
    assert shown == {share.pk for share in dashboard[detergents]}


# --- Wrong input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "error"),
    [
        ({"province": "XX"}, "province", "گزینهٔ معتبر"),
        ({"opened_from": "1403/09/31"}, "opened_from", "۳۱"),
        ({"opened_from": "1403/10/01", "opened_to": "1403/09/01"}, "opened_to", "پایان بازه"),
    ],
)
def test_a_wrong_project_filter_is_shown_in_persian_beside_its_field(
    client: Any, secretariat: Any, params: dict[str, str], field: str, error: str
) -> None:
    client.force_login(secretariat)

    response = client.get(reverse("investments:project_list"), params)

    assert response.status_code == 200
    (message,) = response.context["form"].errors[field]
    assert error in message
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"province": "XX"}, "province"),
        ({"country": "ZZ"}, "country"),
        ({"group": "nato"}, "group"),
    ],
)
def test_a_wrong_export_filter_is_shown_in_persian_and_the_others_still_apply(
    client: Any,
    secretariat: Any,
    forecasts: dict[str, ExportFigure],
    params: dict[str, str],
    field: str,
) -> None:
    client.force_login(secretariat)

    response = client.get(reverse("investments:export_list"), {**params, "year": "1404"})

    assert response.status_code == 200
    (message,) = response.context["form"].errors[field]
    assert "گزینهٔ معتبر" in message
    assert message in response.content.decode()
    assert {f.pk for f in response.context["figures"]} == {forecasts["russia_1404"].pk}


def test_a_wrong_province_on_the_shares_page_is_shown_in_persian(
    client: Any, secretariat: Any
) -> None:
    client.force_login(secretariat)

    response = client.get(reverse("investments:share_list"), {"province": "99"})

    assert response.status_code == 200
    (message,) = response.context["form"].errors["province"]
    assert "گزینهٔ معتبر" in message
    assert message in response.content.decode()


def test_another_provinces_lines_are_not_listed_under_its_code(
    client: Any,
    secretariat: Any,
    make_project: Callable[..., Any],
) -> None:
    tehran = ProvinceFactory(code="23", name="تهران")
    theirs = CompanyFactory(county=CountyFactory(province=tehran))
    make_project(theirs, status=ProjectStatus.OPERATING, opened_on=AZAR.end, progress=100)
    client.force_login(secretariat)

    response = client.get(links.openings(tehran, AZAR))

    assert response.status_code == 200
    assert response.context["form"].errors["province"]
    assert list(response.context["projects"]) == []
