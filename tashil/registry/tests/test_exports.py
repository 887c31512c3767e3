"""Exporting the company list: streamed CSV and right-to-left Excel, the filtered rows only, Jalali
and Gregorian dates, the certificate valid on the chosen day, and never a financial figure."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from openpyxl import load_workbook

from tashil.factories import ActivityFactory, CertificateFactory, CompanyFactory, EstateFactory
from tashil.registry.exports import export_csv, export_xlsx
from tashil.registry.models import CertificateClass, CompanyStatus
from tashil.registry.selectors import CompanyFilters, company_list

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 6, 1)  # 1404/03/11
DEBT = 987_654_321


@pytest.fixture
def listed(company, other_company, county):
    """Company A (knowledge-based on ON, in Qazvin county), company C (not, same county, with
    debts), company B in the other county."""
    company.estate = EstateFactory(province=county.province, county=county, name="لیا")
    company.activity = ActivityFactory()
    company.status = CompanyStatus.PARTLY_OPERATING
    company.status_since = dt.date(2024, 4, 3)  # 1403/01/15
    company.employees = 45
    company.bank_debt = DEBT
    company.tax_debt = DEBT + 1
    company.insurance_debt = DEBT + 2
    company.save()
    CertificateFactory(
        company=company,
        number="KB-OLD",
        certificate_class=CertificateClass.STARTUP,
        issued_on=dt.date(2023, 8, 1),
        expires_on=dt.date(2026, 8, 1),
    )
    CertificateFactory(company=company, number="KB-NEW")  # 2024-03-20 … 2027-03-20
    CertificateFactory(
        company=company,
        number="KB-REVOKED",
        issued_on=dt.date(2024, 6, 1),
        revoked_on=dt.date(2024, 7, 1),
    )
    plain = CompanyFactory(county=county, legal_name="شرکت بی‌گواهی", bank_debt=DEBT)
    CertificateFactory(
        company=plain,
        number="KB-EXPIRED",
        certificate_class=CertificateClass.PRODUCTION_1,
        issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2023, 1, 1),
    )
    return company, plain


def rows_of(user, county):
    return company_list(user=user, filters=CompanyFilters(county=county.pk, on=ON))


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_export_streams_the_filtered_companies_with_both_calendars(
    listed, secretariat, county
):
    company, plain = listed

    with translation.override("en"):
        response = export_csv(rows_of(secretariat, county), on=ON)
        assert isinstance(response, StreamingHttpResponse)
        assert response.streaming
        rows = csv_rows(response)

    assert response["Content-Disposition"] == 'attachment; filename="companies-20250601.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *body = rows
    assert header == [
        "National ID",
        "Legal name",
        "Economic code",
        "County",
        "Industrial estate",
        "ISIC code",
        "Activity",
        "Status",
        "Status since (Jalali)",
        "Status since (Gregorian)",
        "Employees",
        "Knowledge-based on 1404/03/11",
        "Certificate number",
        "Certificate class",
        "Certificate expiry (Jalali)",
        "Certificate expiry (Gregorian)",
    ]
    by_id = {row[0]: row for row in body}
    assert set(by_id) == {company.national_id, plain.national_id}  # not the other county's
    assert by_id[company.national_id] == [
        company.national_id,
        "شرکت گلسار کاسپین",
        "",
        "قزوین",
        "لیا",
        "2023",
        "Manufacture of soap and detergents",
        "partly operating",
        "1403/01/15",
        "2024-04-03",
        "45",
        "Yes",
        "KB-NEW",  # the latest certificate valid on ON, not the revoked one
        "innovator",
        "1405/12/29",
        "2027-03-20",
    ]
    assert by_id[plain.national_id][11:] == ["No", "", "", "", ""]


def test_exports_never_contain_financial_figures(listed, secretariat, county):
    csv_text = b"".join(export_csv(rows_of(secretariat, county), on=ON).streaming_content)
    xlsx_bytes = b"".join(export_xlsx(rows_of(secretariat, county), on=ON).streaming_content)
    workbook = load_workbook(io.BytesIO(xlsx_bytes))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row]

    for figure in (DEBT, DEBT + 1, DEBT + 2):
        assert str(figure).encode() not in csv_text
        assert str(figure) not in cells


def test_the_csv_labels_follow_the_language_active_when_the_export_was_asked_for(
    listed, secretariat, county
):
    with translation.override("en"):
        response = export_csv(rows_of(secretariat, county), on=ON)
    with translation.override("fa"):
        rows = csv_rows(response)

    assert rows[0][0] == "National ID"
    assert {row[11] for row in rows[1:]} == {"Yes", "No"}


def test_the_export_reads_the_companies_in_one_query(
    listed, secretariat, county, django_assert_max_num_queries
):
    for n in range(5):
        CertificateFactory(company=CompanyFactory(county=county), number=f"KB-X{n}")
    companies = rows_of(secretariat, county)

    with django_assert_max_num_queries(1):
        rows = csv_rows(export_csv(companies, on=ON))
    with django_assert_max_num_queries(1):
        export_xlsx(companies, on=ON)

    assert len(rows) == 1 + 7


def test_the_excel_export_is_a_right_to_left_sheet_with_date_cells(listed, secretariat, county):
    company, plain = listed

    with translation.override("en"):
        response = export_xlsx(rows_of(secretariat, county), on=ON)

    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"] == 'attachment; filename="companies-20250601.xlsx"'
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.sheet_view.rightToLeft
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 34
    header, *body = list(sheet.iter_rows(values_only=True))
    assert header[0] == "National ID"
    assert sheet["A1"].font.bold
    by_id = {row[0]: row for row in body}
    assert set(by_id) == {company.national_id, plain.national_id}
    row = by_id[company.national_id]
    assert row[8] == "1403/01/15"
    assert row[9] == dt.datetime(2024, 4, 3)  # a real date cell
    assert row[10] == 45
    assert row[11:] == ("Yes", "KB-NEW", "innovator", "1405/12/29", dt.datetime(2027, 3, 20))
    assert by_id[plain.national_id][11] == "No"


def test_a_name_that_looks_like_a_formula_is_exported_as_text(secretariat, county):
    CompanyFactory(county=county, legal_name='=HYPERLINK("http://evil.example","x")')
    rows = csv_rows(export_csv(rows_of(secretariat, county), on=ON))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'
    response = export_xlsx(rows_of(secretariat, county), on=ON)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.cell(row=2, column=2).data_type == "s"
