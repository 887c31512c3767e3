"""The dashboard, the county comparison and the agency scorecards as their readers see them: the
numbers the selectors count, each linked to the list of its records, the filters, who may read
which page, and the XLSX downloads of every table.

The records come from `pages_records` (the clock at 1404/09/24); what each page must show is
computed here with the selectors and the tables, and read back from the HTML by test id.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any
from xml.etree.ElementTree import Element

import openpyxl
import pytest
import tinyhtml5
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tashil.core.jalali import format_jalali, format_number, jalali_input_value
from tashil.figures import links, selectors
from tashil.figures.period import Period
from tashil.figures.tables import (
    Table,
    county_table,
    dashboard_tables,
    scorecard_table,
    sheet_value,
)
from tashil.figures.templatetags.figures_tags import cell
from tashil.figures.tests import pages_records

pytestmark = pytest.mark.django_db

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def records(request: pytest.FixtureRequest) -> SimpleNamespace:
    return pages_records.build(request)


def fa(number: int) -> str:
    return format_number(number, language="fa")


class Html:
    """The page parsed, searched by `data-testid`."""

    def __init__(self, response: Any) -> None:
        self.root = tinyhtml5.parse(response.content.decode())

    def find(self, testid: str) -> Element:
        found = self.all(testid)
        assert len(found) == 1, f"{len(found)} elements with data-testid={testid!r}"
        return found[0]

    def all(self, testid: str) -> list[Element]:
        return [e for e in self.root.iter() if e.get("data-testid") == testid]

    def within(self, testid: str) -> Html:
        part = Html.__new__(Html)
        part.root = self.find(testid)
        return part

    def texts(self, testid: str) -> list[str]:
        return [" ".join("".join(e.itertext()).split()) for e in self.all(testid)]

    def text(self, testid: str) -> str:
        return " ".join("".join(self.find(testid).itertext()).split())

    def href(self, testid: str) -> str:
        found = self.find(testid).get("href")
        assert found is not None, f"{testid!r} links nowhere"
        return found

    def table(self, testid: str) -> list[list[tuple[str, str | None]]]:
        """The body rows, each cell as (text, the link in it)."""
        body = self.find(testid).find(f"{XHTML}tbody")
        assert body is not None
        rows = []
        for tr in body.iter(f"{XHTML}tr"):
            row = []
            for td in tr.iter(f"{XHTML}td"):
                link = td.find(f".//{XHTML}a")
                row.append(
                    (
                        " ".join("".join(td.itertext()).split()),
                        link.get("href") if link is not None else None,
                    )
                )
            rows.append(row)
        return rows


def as_shown(table: Table) -> list[list[tuple[str, str | None]]]:
    """What the page must show for a table: each cell formatted, with its link."""
    with translation.override("fa"):
        return [
            [(" ".join(cell(value).split()), link) for value, link in row] for row in table.cells()
        ]


def period_text(period: Period) -> str:
    """As the page names it; the words come from the catalogue, the dates are Jalali."""
    with translation.override("fa"):
        return gettext("from %(start)s to %(end)s") % {
            "start": format_jalali(period.start, "long"),
            "end": format_jalali(period.end, "long"),
        }


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The dashboard --------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["secretariat", "executive"])
def test_the_dashboard_shows_the_selectors_figures_each_linked_to_its_records(
    records: SimpleNamespace, request: pytest.FixtureRequest, reader: str
) -> None:
    user = request.getfixturevalue(reader)
    response = logged_in(user).get(reverse("figures:dashboard"))
    assert response.status_code == 200
    page = Html(response)
    p, period = records.province, records.period
    with translation.override("fa"):
        d = selectors.dashboard(province=p, period=period)
        expected_tables = dashboard_tables(d)
    # The records made the headline figures non-trivial.
    assert d.knowledge_based.count and d.cases.received and d.resolutions.total
    assert d.sessions.total and d.revived and d.results.jobs_preserved and d.openings.count

    assert page.text("tile-kb-value") == fa(d.knowledge_based.count)
    assert page.href("tile-kb-value") == links.knowledge_based(p, period)
    target = d.knowledge_based.target
    assert target is not None
    assert fa(target.count) in page.text("tile-kb-detail")
    assert page.text("tile-cases-value") == fa(d.cases.received)
    assert page.href("tile-cases-value") == links.cases(p, period)
    assert page.text("tile-resolutions-value") == fa(d.resolutions.total)
    assert page.href("tile-resolutions-value") == links.resolutions(p, period)
    assert page.text("tile-sessions-value") == fa(d.sessions.total)
    assert page.text("tile-revived-value") == fa(d.revived)
    assert page.href("tile-revived-value") == links.revived(p, period)
    assert page.text("tile-jobs-preserved-value") == fa(d.results.jobs_preserved)
    assert page.text("tile-jobs-created-value") == fa(d.results.jobs_created)
    assert page.text("tile-approved-value") == fa(d.results.approved_rial)
    assert page.href("tile-approved-value") == links.case_results(p, period)
    assert page.text("tile-openings-value") == fa(d.openings.count)
    assert page.href("tile-openings-value") == links.openings(p, period)

    # Every generic table shows the selectors' numbers with the links behind them.
    for table in expected_tables:
        if table.name in ("opening-lines", "shares"):
            continue
        assert page.table(f"table-{table.name}") == as_shown(table), table.name
        assert page.href(f"xlsx-{table.name}").startswith(
            reverse("figures:table_xlsx", args=["dashboard", table.name])
        )


def test_the_dashboard_quotes_the_line_opened_as_entered_in_rials_and_its_forecast(
    records: SimpleNamespace, secretariat: Any
) -> None:
    page = Html(logged_in(secretariat).get(reverse("figures:dashboard")))
    line = page.find("opening-line")
    text = " ".join("".join(line.itertext()).split())
    assert records.line.title in text
    assert page.text("line-investment") == "۴٬۰۰۰٬۰۰۰ دلار آمریکا"
    assert page.text("line-investment-rial") == f"{fa(records.line.amount_rial)} ریال"
    assert page.text("line-jobs") == "۱۰۰"
    assert page.text("line-products") == "۹۰"
    assert page.text("line-forecast").startswith("۱٬۰۰۰٬۰۰۰ دلار آمریکا")
    assert page.text("line-destinations") == "کشورهای عربی، روسیه"


def test_the_dashboard_shows_each_source_s_share_side_by_side_with_its_date(
    records: SimpleNamespace, secretariat: Any
) -> None:
    page = Html(logged_in(secretariat).get(reverse("figures:dashboard")))
    shares = page.within("shares-detergents")
    assert shares.texts("share-value") == ["۳۵٪", "۳۰٪"]
    assert shares.texts("share-source") == ["سخنگوی دولت", "سازمان صمت استان"]
    with translation.override("fa"):
        days = [
            format_jalali(records.today, "long"),
            format_jalali(records.today - dt.timedelta(days=30), "long"),
        ]
    assert shares.texts("share-date") == days


def test_the_dashboard_names_its_period_in_jalali(
    records: SimpleNamespace, secretariat: Any
) -> None:
    page = Html(logged_in(secretariat).get(reverse("figures:dashboard")))
    assert period_text(records.period) in page.text("period")


def test_the_dashboard_reads_in_english_with_latin_digits(
    records: SimpleNamespace, executive: Any, settings: Any
) -> None:
    client = logged_in(executive)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = Html(client.get(reverse("figures:dashboard")))
    with translation.override("en"):
        d = selectors.dashboard(province=records.province, period=records.period)
        expected = {t.name: t for t in dashboard_tables(d)}["cases-by-county"]
        shown = [[(" ".join(cell(v).split()), link) for v, link in row] for row in expected.cells()]
    assert page.text("tile-cases-value") == format_number(d.cases.received, language="en")
    assert page.table("table-cases-by-county") == shown
    assert page.root.get("lang") == "en" and page.root.get("dir") == "ltr"


def test_the_charts_data_is_left_for_the_script_without_inline_code(
    records: SimpleNamespace, secretariat: Any
) -> None:
    response = logged_in(secretariat).get(reverse("figures:dashboard"))
    page = Html(response)
    canvases = [e for e in page.root.iter(f"{XHTML}canvas")]
    assert {c.get("data-figure-chart") for c in canvases} >= {
        "chart-knowledge-based",
        "chart-cases-by-category",
        "chart-cases-by-county",
        "chart-resolutions",
        "chart-exports",
    }
    scripts = list(page.root.iter(f"{XHTML}script"))
    for canvas in canvases:
        data = next(s for s in scripts if s.get("id") == canvas.get("data-figure-chart"))
        assert data.get("type") == "application/json"
    # Every other script is a file: nothing inline.
    assert all(s.get("src") for s in scripts if s.get("type") != "application/json")


def test_bad_filters_show_a_persian_error_and_the_default_period(
    records: SimpleNamespace, secretariat: Any
) -> None:
    response = logged_in(secretariat).get(
        reverse("figures:dashboard"),
        {"period": "range", "start": "1404/13/01", "end": "1404/09/24"},
    )
    assert response.status_code == 200
    page = Html(response)
    assert page.all("filter-errors")
    assert "ماه باید بین ۱ و ۱۲ باشد." in response.content.decode()
    # The figures are those of the default period, since 1 Farvardin.
    with translation.override("fa"):
        d = selectors.dashboard(province=records.province, period=records.period)
    assert page.text("tile-cases-value") == fa(d.cases.received)
    assert period_text(records.period) in page.text("period")
    # The download links carry the period the page shows, not the rejected input.
    assert f"start={jalali_input_value(records.period.start)}".replace("/", "%2F") in (
        page.href("xlsx-cases")
    )


@pytest.mark.parametrize("reader", ["owner", "expert", "officer", "county_secretary"])
def test_the_dashboard_and_the_county_comparison_are_not_found_by_others(
    records: SimpleNamespace, request: pytest.FixtureRequest, reader: str
) -> None:
    client = logged_in(request.getfixturevalue(reader))
    for name in ("figures:dashboard", "figures:counties"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("figures:table_xlsx", args=["dashboard", "cases"])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(records: SimpleNamespace) -> None:
    response = Client().get(reverse("figures:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- The county comparison ------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["secretariat", "executive"])
def test_the_county_comparison_shows_each_county_s_figures_linked_to_its_records(
    records: SimpleNamespace, request: pytest.FixtureRequest, reader: str
) -> None:
    response = logged_in(request.getfixturevalue(reader)).get(reverse("figures:counties"))
    assert response.status_code == 200
    page = Html(response)
    with translation.override("fa"):
        rows = selectors.county_comparison(province=records.province, period=records.period)
        expected = county_table(rows, province=records.province, period=records.period)
    assert {row.county for row in rows} == {records.county, records.other_county}
    assert sum(row.cases.received for row in rows) == 5
    assert page.table("table-counties") == as_shown(expected)
    assert [e.get("data-figure-chart") for e in page.root.iter(f"{XHTML}canvas")] == [
        "chart-counties"
    ]
    assert page.href("xlsx-counties").startswith(
        reverse("figures:table_xlsx", args=["counties", "counties"])
    )


# --- The agency scorecards ------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["secretariat", "executive"])
def test_the_secretariat_and_the_executive_see_every_agency_s_card_ranked(
    records: SimpleNamespace, request: pytest.FixtureRequest, reader: str
) -> None:
    response = logged_in(request.getfixturevalue(reader)).get(reverse("figures:scorecard"))
    assert response.status_code == 200
    page = Html(response)
    with translation.override("fa"):
        cards = selectors.scorecards(
            province=records.province,
            period=records.period,
            agencies=records.province.agencies.all(),
            today=records.today,
        )
        expected = scorecard_table(cards, province=records.province, period=records.period)
    assert [card.agency for card in cards] == [records.tax, records.customs]
    assert cards[0].received == cards[0].answered == 1
    assert page.table("table-scorecard") == as_shown(expected)
    assert page.all("figures-pages")


@pytest.mark.parametrize("reader", ["officer", "agency_head"])
def test_an_agency_s_staff_see_their_own_card_only(
    records: SimpleNamespace, request: pytest.FixtureRequest, reader: str
) -> None:
    client = logged_in(request.getfixturevalue(reader))
    response = client.get(reverse("figures:scorecard"))
    assert response.status_code == 200
    page = Html(response)
    rows = page.table("table-scorecard")
    assert len(rows) == 1
    assert rows[0][1][0] == str(records.tax)
    assert str(records.customs) not in response.content.decode()
    # Nor the province's other pages.
    assert not page.all("figures-pages")
    download = client.get(reverse("figures:table_xlsx", args=["scorecard", "scorecard"]))
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [str(records.tax)]


@pytest.mark.parametrize("reader", ["owner", "expert", "county_secretary"])
def test_the_scorecards_are_not_found_by_others(
    records: SimpleNamespace, request: pytest.FixtureRequest, reader: str
) -> None:
    client = logged_in(request.getfixturevalue(reader))
    assert client.get(reverse("figures:scorecard")).status_code == 404
    url = reverse("figures:table_xlsx", args=["scorecard", "scorecard"])
    assert client.get(url).status_code == 404


# --- Downloads ------------------------------------------------------------------------------------


def sheet_rows(response: Any) -> tuple[Any, list[list[Any]]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 1
    sheet = book.worksheets[0]
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def test_every_dashboard_table_downloads_with_the_selectors_numbers(
    records: SimpleNamespace, executive: Any
) -> None:
    client = logged_in(executive)
    with translation.override("fa"):
        d = selectors.dashboard(province=records.province, period=records.period)
        expected = dashboard_tables(d)
    query = {"province": records.province.code, "period": "ytd"}
    for table in expected:
        url = reverse("figures:table_xlsx", args=["dashboard", table.name])
        sheet, rows = sheet_rows(client.get(url, query))
        assert sheet.sheet_view.rightToLeft
        assert rows[0] == table.headers, table.name
        assert rows[1:] == [[sheet_value(v) for v in row] for row in table.rows], table.name
    cases = next(t for t in expected if t.name == "cases")
    assert cases.rows[0][0] == d.cases.received > 0
    lines = next(t for t in expected if t.name == "opening-lines")
    assert lines.rows[0][4] == 4_000_000 and lines.rows[0][6] == records.line.amount_rial


def test_a_download_uses_the_filters_it_is_given(
    records: SimpleNamespace, secretariat: Any
) -> None:
    """A year that ended before the records: nothing was filed then."""
    url = reverse("figures:table_xlsx", args=["dashboard", "cases"])
    last_year = records.period.start.year - 1
    _sheet, rows = sheet_rows(
        logged_in(secretariat).get(url, {"period": "year", "on": f"{last_year - 621}/06/01"})
    )
    assert rows[1][:4] == [0, 0, 0, 0]


def test_the_whole_dashboard_downloads_as_one_workbook(
    records: SimpleNamespace, secretariat: Any
) -> None:
    response = logged_in(secretariat).get(reverse("figures:page_xlsx", args=["dashboard"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    with translation.override("fa"):
        d = selectors.dashboard(province=records.province, period=records.period)
        expected = dashboard_tables(d)
    assert len(book.worksheets) == len(expected)
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    for sheet, table in zip(book.worksheets, expected, strict=True):
        assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
            [sheet_value(v) for v in row] for row in table.rows
        ]


def test_the_county_and_scorecard_tables_download(
    records: SimpleNamespace, secretariat: Any
) -> None:
    client = logged_in(secretariat)
    with translation.override("fa"):
        counties = county_table(
            selectors.county_comparison(province=records.province, period=records.period)
        )
    _sheet, rows = sheet_rows(
        client.get(reverse("figures:table_xlsx", args=["counties", "counties"]))
    )
    assert rows[1:] == [[sheet_value(v) for v in row] for row in counties.rows]
    _sheet, rows = sheet_rows(
        client.get(reverse("figures:table_xlsx", args=["scorecard", "scorecard"]))
    )
    assert [row[1] for row in rows[1:]] == [str(records.tax), str(records.customs)]


def test_an_unknown_table_is_not_found(records: SimpleNamespace, secretariat: Any) -> None:
    client = logged_in(secretariat)
    assert (
        client.get(reverse("figures:table_xlsx", args=["dashboard", "nothing"])).status_code == 404
    )
    assert client.get("/figures/elsewhere/cases.xlsx").status_code == 404


# --- Cost -----------------------------------------------------------------------------------------

# What each page costs today (the dashboard's selectors, the session, the user's roles, the menu),
# with a small margin; the test adds records and checks that the cost does not grow with them.
QUERIES = {"figures:dashboard": 32, "figures:counties": 15, "figures:scorecard": 16}


def test_the_pages_cost_the_same_queries_with_more_records(
    records: SimpleNamespace, secretariat: Any, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(secretariat)
    for name, most in QUERIES.items():
        with django_assert_max_num_queries(most):
            assert client.get(reverse(name)).status_code == 200
    pages_records.add_more(records, n=3)
    with translation.override("fa"):
        d = selectors.dashboard(province=records.province, period=records.period)
    assert len(d.cases_by_county) == 5 and len(d.cases_by_category) == 5
    assert len(d.openings.lines) == 4 and len(d.shares) == 4
    assert len(d.exports.destinations) == 5
    for name, most in QUERIES.items():
        with django_assert_max_num_queries(most):
            assert client.get(reverse(name)).status_code == 200


# --- The menu -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "target"),
    [
        ("secretariat", "figures:dashboard"),
        ("executive", "figures:dashboard"),
        ("admin_user", None),
        ("officer", "figures:scorecard"),
        ("agency_head", "figures:scorecard"),
        ("owner", None),
        ("expert", None),
        ("county_secretary", None),
    ],
)
def test_the_menu_leads_each_reader_to_the_figures_they_may_read(
    request: pytest.FixtureRequest, reader: str, target: str | None, province: Any
) -> None:
    client = logged_in(request.getfixturevalue(reader))
    page = Html(client.get(reverse("core:home")))
    found = page.all("nav-figures")
    if target is None:
        assert found == []
        return
    assert [link.get("href") for link in found] == [reverse(target)]
    # And the page it leads to opens.
    assert client.get(reverse(target)).status_code == 200
