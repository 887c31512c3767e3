"""The figures as tables and workbooks: the numbers are the selectors', kept as numbers; days are
written in Jalali; each sheet reads right to left; each count knows the list behind it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from tashil.core.jalali import jalali_input_value
from tashil.figures import links, selectors
from tashil.figures.tables import (
    Table,
    county_table,
    dashboard_tables,
    scorecard_table,
    sheet_value,
    workbook_bytes,
)
from tashil.figures.templatetags.figures_tags import cell
from tashil.figures.tests import pages_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(request: pytest.FixtureRequest) -> SimpleNamespace:
    return pages_records.build(request)


def by_name(tables: list[Table]) -> dict[str, Table]:
    return {table.name: table for table in tables}


def test_every_dashboard_table_has_its_own_name_and_rows_as_wide_as_its_headers(
    records: SimpleNamespace,
) -> None:
    d = selectors.dashboard(province=records.province, period=records.period)
    tables = dashboard_tables(d)
    assert len(by_name(tables)) == len(tables) == 11
    for table in tables:
        assert table.rows, table.name
        assert all(len(row) == len(table.headers) for row in table.rows), table.name
        assert len(table.links) in (0, len(table.rows)), table.name
        assert all(len(row) <= len(table.headers) for row in table.links), table.name


def test_the_tables_hold_the_selectors_numbers_as_numbers(records: SimpleNamespace) -> None:
    d = selectors.dashboard(province=records.province, period=records.period)
    tables = by_name(dashboard_tables(d))
    c = d.cases
    assert tables["cases"].rows == [
        [c.received, c.in_progress, c.resolved, c.not_resolved, c.share_resolved]
    ]
    assert [row[1:] for row in tables["cases-by-county"].rows] == [
        [f.received, f.in_progress, f.resolved, f.not_resolved, f.share_resolved]
        for _county, f in d.cases_by_county
    ]
    r = d.resolutions
    assert tables["resolutions"].rows == [
        [r.total, r.executed, r.follow_up, r.not_executed, r.executed_share]
    ]
    assert tables["sessions"].rows[-1][1] == d.sessions.total > 0
    results = [row[1] for row in tables["results"].rows]
    assert results == [
        d.revived,
        d.results.jobs_preserved,
        d.results.jobs_created,
        d.results.approved_rial,
        d.results.cases,
    ]
    kb = tables["knowledge-based"]
    assert [(row[0], row[1]) for row in kb.rows] == d.knowledge_based.series
    assert kb.rows[-1][2] == 140
    assert kb.rows[-1][3] == d.knowledge_based.target_share
    # The line as entered (dollars) and in rials, its jobs, products and forecast.
    line = tables["opening-lines"].rows[0]
    assert line[0] == records.line.title
    assert line[3] == records.line.opened_on
    assert line[4] == Decimal(4_000_000) and isinstance(line[4], Decimal)
    assert line[6] == records.line.amount_rial
    assert line[7:9] == [100, 90]
    assert line[9] == Decimal(1_000_000)
    assert line[11] == f"{records.arab}، {records.russia}"
    exports = tables["exports"]
    assert exports.rows[-1][2:] == [d.exports.total_rial, d.exports.total_usd]
    shares = tables["shares"]
    assert [(row[2], row[4]) for row in shares.rows] == [
        (Decimal(35), "سخنگوی دولت"),
        (Decimal(30), "سازمان صمت استان"),
    ]


def test_each_count_links_to_the_list_of_its_records(records: SimpleNamespace) -> None:
    p, period = records.province, records.period
    d = selectors.dashboard(province=p, period=period)
    tables = by_name(dashboard_tables(d))
    assert tables["cases"].links[0][:4] == [
        links.cases(p, period, bucket=bucket)
        for bucket in ("received", "in_progress", "resolved", "not_resolved")
    ]
    county, _figures = d.cases_by_county[0]
    assert tables["cases-by-county"].links[0][1] == links.cases(
        p, period, bucket="received", county=county.pk
    )
    category, _figures = d.cases_by_category[0]
    assert tables["cases-by-category"].links[0][3] == links.cases(
        p, period, bucket="resolved", category=category.pk
    )
    assert tables["resolutions"].links[0][1] == links.resolutions(p, period, bucket="executed")
    group = d.exports.destinations[0].destination
    assert tables["exports"].links[0][2] == links.exports(
        p, year=d.exports.year, destination=group, recorded_to=period.end
    )
    assert tables["opening-lines"].links[0][0] == f"/investments/projects/{records.line.pk}/"
    # Each point of the series lists the units active on its day.
    point = d.knowledge_based.series[0][0]
    assert f"on={jalali_input_value(point)}".replace("/", "%2F") in (
        tables["knowledge-based"].links[0][1] or ""
    )


def test_headers_are_in_the_language_active_when_the_table_is_built(
    records: SimpleNamespace,
) -> None:
    d = selectors.dashboard(province=records.province, period=records.period)
    with translation.override("fa"):
        persian = by_name(dashboard_tables(d))["cases-by-county"].headers[0]
        county = gettext("County")
    with translation.override("en"):
        english = by_name(dashboard_tables(d))["cases-by-county"].headers[0]
    assert (persian, english) == (county, "County")
    assert persian != english


def test_the_scorecard_table_ranks_the_cards_and_links_them_when_told_the_period(
    records: SimpleNamespace,
) -> None:
    p, period = records.province, records.period
    cards = selectors.scorecards(
        province=p, period=period, agencies=p.agencies.all(), today=records.today
    )
    plain = scorecard_table(cards)
    assert [row[:3] for row in plain.rows] == [
        [rank, str(card.agency), card.received] for rank, card in enumerate(cards, start=1)
    ]
    assert plain.links == []
    linked = scorecard_table(cards, province=p, period=period)
    assert linked.rows == plain.rows
    assert linked.links[0][2] == links.referrals(p, period, agency=records.tax.pk)
    assert linked.links[0][8] == links.referrals(p, period, agency=records.tax.pk, overdue=True)


def test_the_county_table_has_a_row_per_county_of_the_province(
    records: SimpleNamespace,
) -> None:
    p, period = records.province, records.period
    rows = selectors.county_comparison(province=p, period=period)
    table = county_table(rows, province=p, period=period)
    assert [row[0] for row in table.rows] == [str(row.county) for row in rows]
    assert [row[1] for row in table.rows] == [row.cases.received for row in rows]
    assert table.links[0][1] == links.cases(p, period, bucket="received", county=rows[0].county.pk)


# --- Workbooks (no database needed) ---------------------------------------------------------------


def read(tables: list[Table]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(tables)))


@pytest.mark.django_db(False)
def test_a_workbook_keeps_numbers_as_numbers_and_writes_days_in_jalali() -> None:
    table = Table(
        name="sample",
        title="نمونه",
        headers=["روز", "تعداد", "مبلغ", "نام", "خالی"],
        rows=[[dt.date(2025, 12, 15), 140, Decimal("4000000.50"), "=HYPERLINK(1)", None]],
    )
    sheet = read([table]).worksheets[0]
    assert sheet.title == "نمونه"
    assert sheet.sheet_view.rightToLeft
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == table.headers
    assert all(c.font.b for c in sheet[1])
    day, count, money, name, empty = sheet[2]
    assert day.value == "1404/09/24" and day.data_type == "s"
    assert count.value == 140 and count.data_type == "n"
    assert money.value == pytest.approx(4_000_000.5) and money.data_type == "n"
    # A name a spreadsheet would run as a formula is written as text.
    assert name.value == "'=HYPERLINK(1)" and name.data_type == "s"
    assert empty.value is None


@pytest.mark.django_db(False)
def test_sheets_of_one_workbook_have_distinct_titles_a_spreadsheet_accepts() -> None:
    title = "پیش‌بینی صادرات سال ۱۴۰۵ به تفکیک مقصد: کشورها/گروه‌ها [همه]"
    tables = [Table(name=f"t{n}", title=title, headers=["a"], rows=[[n]]) for n in range(3)]
    sheets = read(tables).worksheets
    titles = [sheet.title for sheet in sheets]
    assert len(set(titles)) == 3
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)
    assert [sheet["A2"].value for sheet in sheets] == [0, 1, 2]


@pytest.mark.django_db(False)
def test_sheet_values() -> None:
    assert sheet_value(dt.date(2026, 3, 21)) == "1405/01/01"
    assert sheet_value(Decimal("1.5")) == Decimal("1.5")
    assert sheet_value("") is None
    assert sheet_value("+98 21") == "'+98 21"


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_grid_formats_escapes_and_links_each_cell_as_the_cell_filter_does(
    language: str,
) -> None:
    day = dt.date(2025, 12, 15)
    values: list[object] = ["<b>x</b>", 1234567, None, Decimal("1.50"), Decimal("12"), day, ""]
    table = Table(
        name="t",
        title="T",
        headers=[str(n) for n in range(len(values))],
        rows=[values],
        links=[["/a?x=1&y=<2>", None, None, "/d", None, None, None]],
    )
    end = ' class="text-end"'
    with translation.override(language):
        html = render_to_string("figures/_grid.html", {"table": table})
        shown = [
            '<a href="/a?x=1&amp;y=&lt;2&gt;">&lt;b&gt;x&lt;/b&gt;</a>',
            cell(1234567),
            cell(None),
            f'<a href="/d">{cell(Decimal("1.50"))}</a>',
            cell(Decimal("12")),
            cell(day),
            cell(""),
        ]
        expected = "".join(
            f"<td{end if isinstance(v, int | Decimal) else ''}>{text}</td>"
            for v, text in zip(values, shown, strict=True)
        )
    assert f"<tr>{expected}</tr>" in html
    assert ("۱٬۲۳۴٬۵۶۷" if language == "fa" else "1,234,567") in html
    assert ("۱٫۵" if language == "fa" else "1.5") in html
