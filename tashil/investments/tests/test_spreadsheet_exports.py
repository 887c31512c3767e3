"""The project list and the export figures as CSV and Excel: the list pages' filters and scope,
money as entered beside its rials, both calendars, totals that match the pages, and nothing of
the companies' financial figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tashil.core.jalali import jalali_input_value
from tashil.investments.models import ExportFigure
from tashil.investments.selectors import (
    ProjectFilters,
    export_figures,
    export_totals,
    project_list,
    project_totals,
)
from tashil.investments.services import export_record, project_open
from tashil.investments.spreadsheet_exports import (
    figures_csv,
    figures_xlsx,
    projects_csv,
    projects_xlsx,
)
from tashil.investments.tests.conftest import RATE, RATE_ON, dollars, rials, tomans

pytestmark = pytest.mark.django_db

DEBT = 987_654_321


def csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def sheet_rows(response: Any) -> tuple[Any, list[tuple[Any, ...]]]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    return sheet, list(sheet.iter_rows(values_only=True))


@pytest.fixture
def projects(
    make_project: Any, cosmetics_line: Any, company: Any, other_company: Any, today: dt.date
) -> Any:
    """The cosmetics line (dollars, opened yesterday), a second line of the same company in
    tomans, and a line of the other company in the other county. The company has debts."""
    company.bank_debt = DEBT
    company.tax_debt = DEBT + 1
    company.save()
    project_open(
        actor=None,
        project=cosmetics_line,
        on=today - dt.timedelta(days=1),
        source="سخنگوی دولت",
    )
    second = make_project(
        company,
        title="خط شوینده",
        investment=tomans(30_000_000_000),
        jobs_planned=20,
        jobs_created=5,
        planned_opening_on=dt.date(2026, 6, 1),
    )
    elsewhere = make_project(other_company, title="=cmd|'/c calc'!A1", jobs_planned=7)
    return cosmetics_line, second, elsewhere


def test_the_projects_csv_has_the_filtered_projects_with_money_as_entered_and_in_rials(
    projects, secretariat, county
):
    line, second, elsewhere = projects
    filtered = project_list(user=secretariat, filters=ProjectFilters(county=county.pk))

    with translation.override("en"):
        header, *body = csv_rows(projects_csv(filtered))

    assert header[:3] == ["Title", "National ID", "Company"]
    by_title = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_title) == {line.title, second.title}  # not the other county's line
    cosmetics = by_title[line.title]
    assert cosmetics["Investment (as entered)"] == "4000000"
    assert cosmetics["Currency"] == "US dollar"
    assert cosmetics["Rate (rials per unit)"] == str(RATE)
    assert cosmetics["Date of the rate (Jalali)"] == jalali_input_value(RATE_ON)
    assert cosmetics["Investment in rials"] == str(4_000_000 * RATE)
    assert cosmetics["Status"] == "operating"
    assert cosmetics["Physical progress (%)"] == "100"
    assert cosmetics["Industrial estate"] == "Caspian"
    line.refresh_from_db()
    assert cosmetics["Opening date (Jalali)"] == jalali_input_value(line.opened_on)
    assert cosmetics["Opening date (Gregorian)"] == line.opened_on.isoformat()
    assert (cosmetics["Jobs planned"], cosmetics["Product types"]) == ("100", "90")
    tomans_line = by_title[second.title]
    assert (tomans_line["Investment (as entered)"], tomans_line["Currency"]) == (
        "30000000000",
        "toman",
    )
    assert tomans_line["Investment in rials"] == "300000000000"
    assert tomans_line["Rate (rials per unit)"] == ""
    assert tomans_line["Planned opening (Gregorian)"] == "2026-06-01"
    assert tomans_line["Opening date (Jalali)"] == ""


def test_the_exported_totals_are_those_of_the_list_page(projects, secretariat):
    listed = project_list(user=secretariat, filters=ProjectFilters())
    totals = project_totals(listed)

    with translation.override("en"):
        header, *body = csv_rows(projects_csv(listed))
        _sheet, (_header, *cells) = sheet_rows(projects_xlsx(listed))

    rial = header.index("Investment in rials")
    assert len(body) == totals.count == 3
    assert sum(int(row[rial]) for row in body) == totals.investment_rial
    assert sum(row[rial] for row in cells) == totals.investment_rial
    planned, created = header.index("Jobs planned"), header.index("Jobs created")
    assert sum(row[planned] or 0 for row in cells) == totals.jobs_planned
    assert sum(row[created] or 0 for row in cells) == totals.jobs_created


def test_the_excel_export_is_right_to_left_with_number_and_date_cells(projects, secretariat):
    line, _second, _elsewhere = projects
    listed = project_list(user=secretariat, filters=ProjectFilters(q="آرایشی"))

    with translation.override("en"):
        response = projects_xlsx(listed)
    sheet, (header, row) = sheet_rows(response)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert sheet.sheet_view.rightToLeft
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert header[0] == "Title"
    assert row[0] == line.title
    assert (row[8], row[10], row[12]) == (4_000_000, RATE, 4_000_000 * RATE)
    line.refresh_from_db()
    assert row[19] == dt.datetime.combine(line.opened_on, dt.time())  # a real date cell


def test_exports_never_contain_the_companies_financial_figures_and_neutralise_formulas(
    projects, secretariat
):
    listed = project_list(user=secretariat, filters=ProjectFilters())

    csv_text = b"".join(projects_csv(listed).streaming_content).decode()
    sheet, rows = sheet_rows(projects_xlsx(listed))
    cells = [str(cell) for row in rows for cell in row]

    for figure in (DEBT, DEBT + 1):
        assert str(figure) not in csv_text
        assert str(figure) not in cells
    assert "'=cmd|'/c calc'!A1" in cells
    assert "\n=cmd" not in csv_text


def test_the_project_export_reads_in_few_queries(
    projects, make_project, company, secretariat, django_assert_max_num_queries
):
    for n in range(5):
        make_project(company, title=f"خط {n}")
    listed = project_list(user=secretariat, filters=ProjectFilters())

    with django_assert_max_num_queries(2):
        rows = csv_rows(projects_csv(listed))

    assert len(rows) == 1 + 8


# --- Export figures ------------------------------------------------------------------------------


@pytest.fixture
def figures(company: Any, other_company: Any, destinations: Any, cosmetics_line: Any) -> Any:
    """The reference scenario's forecast (Arab countries and Russia), an actual figure to the
    Emirates, and the other company's forecast to Iraq in rials."""

    def record(who: Any, kind: str, destination: Any, value: Any, **extra: Any) -> ExportFigure:
        figure, _outcome = export_record(
            actor=None,
            company=who,
            kind=kind,
            year=1404,
            destination=destination,
            value=value,
            source="سخنگوی دولت",
            **extra,
        )
        return figure

    return [
        record(company, "forecast", destinations.arab, dollars(600_000), project=cosmetics_line),
        record(company, "forecast", destinations.russia, dollars(400_000), project=cosmetics_line),
        record(company, "actual", destinations.uae, dollars("1250.50"), note="=1+1"),
        record(other_company, "forecast", destinations.iraq, rials(5_000_000_000)),
    ]


def test_the_figures_csv_has_each_figure_with_its_destination_and_rials(
    figures, secretariat, destinations, cosmetics_line
):
    listed = export_figures(user=secretariat, kind="forecast")

    with translation.override("en"):
        header, *body = csv_rows(figures_csv(listed))

    rows = [dict(zip(header, row, strict=True)) for row in body]
    assert len(rows) == 3  # the actual figure is filtered out
    arab = next(row for row in rows if row["Destination code"] == "arab_league")
    assert arab["Destination"] == "Arab countries"
    assert arab["Project"] == cosmetics_line.title
    assert (arab["Kind"], arab["Year"]) == ("forecast", "1404")
    assert (arab["Amount (as entered)"], arab["Currency"]) == ("600000", "US dollar")
    assert arab["Amount in rials"] == str(600_000 * RATE)
    assert arab["Source"] == "سخنگوی دولت"
    iraq = next(row for row in rows if row["Destination code"] == "IQ")
    assert (iraq["Project"], iraq["Rate (rials per unit)"]) == ("", "")


def test_the_exported_figures_add_up_to_the_list_pages_grand_total(figures, secretariat):
    listed = export_figures(user=secretariat)
    totals = export_totals(listed)

    with translation.override("en"):
        _sheet, (header, *cells) = sheet_rows(figures_xlsx(listed))
        body = csv_rows(figures_csv(listed))[1:]

    rial = header.index("Amount in rials")
    assert len(cells) == len(body) == totals.total.count == 4
    assert sum(row[rial] for row in cells) == totals.total.rial
    assert sum(int(row[rial]) for row in body) == totals.total.rial
    dollars_entered = sum(Decimal(str(row[7])) for row in cells if row[8] == "US dollar")
    assert dollars_entered == totals.total.by_currency["USD"]
    assert "'=1+1" in [row[13] for row in cells]


# --- Views ---------------------------------------------------------------------------------------


def test_the_project_export_view_takes_the_list_filters(client, secretariat, projects, county):
    line, second, _elsewhere = projects
    client.force_login(secretariat)

    response = client.get(
        reverse("investments:project_export", args=["csv"]), {"county": county.pk}
    )
    xlsx = client.get(reverse("investments:project_export", args=["xlsx"]), {"status": "operating"})

    assert response["Content-Disposition"].startswith('attachment; filename="projects-')
    assert {row[0] for row in csv_rows(response)[1:]} == {line.title, second.title}
    _sheet, (_header, *cells) = sheet_rows(xlsx)
    assert [row[0] for row in cells] == [line.title]
    assert client.get(reverse("investments:project_export", args=["pdf"])).status_code == 404


def test_a_company_representative_exports_only_its_own_projects_and_figures(
    client, owner, projects, figures, company
):
    client.force_login(owner)

    project_rows = csv_rows(client.get(reverse("investments:project_export", args=["csv"])))
    figure_rows = csv_rows(client.get(reverse("investments:figures_export", args=["csv"])))

    assert {row[1] for row in project_rows[1:]} == {company.national_id}
    assert len(project_rows) == 1 + 2
    assert {row[0] for row in figure_rows[1:]} == {company.national_id}
    assert len(figure_rows) == 1 + 3


def test_the_figures_export_view_takes_the_list_filters(client, secretariat, figures):
    client.force_login(secretariat)

    response = client.get(
        reverse("investments:figures_export", args=["xlsx"]), {"kind": "actual", "year": "۱۴۰۴"}
    )

    assert response["Content-Disposition"].startswith('attachment; filename="export-figures-')
    _sheet, (_header, *cells) = sheet_rows(response)
    assert [row[6] for row in cells] == ["AE"]
