"""The registry in a real Chromium: Persian search across spellings, and an import with an error."""

from __future__ import annotations

import io
import os
from typing import Any

import openpyxl
import pytest

from tashil.conftest import PASSWORD
from tashil.factories import CompanyFactory, ProductFactory
from tashil.registry.imports import ImportKind, template_workbook
from tashil.registry.models import Company

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, live_server: Any, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url(f"{live_server.url}{next_url}")


def test_searching_without_the_zwnj_finds_a_product_written_with_it(
    page: Any, live_server: Any, secretariat: Any, county: Any
) -> None:
    wanted = CompanyFactory(county=county, legal_name="شرکت فرآورده‌های پوستی البرز")
    ProductFactory(company=wanted, name="کرم دانش‌بنیان ترمیم‌کننده")
    CompanyFactory(county=county, legal_name="شرکت صنایع فلزی شال")

    log_in(page, live_server, "secretariat", "/registry/")
    table = page.get_by_test_id("company-table")
    assert "شرکت صنایع فلزی شال" in table.inner_text()

    page.fill("#id_q", "دانشبنیان")
    page.get_by_test_id("search-button").click()
    # htmx swaps the table in place and pushes the query into the address bar.
    page.wait_for_url("**/registry/?*q=*")
    rows = page.get_by_test_id("company-table").locator("tbody tr")
    assert rows.count() == 1
    assert rows.first.inner_text().startswith("شرکت فرآورده‌های پوستی البرز")


def test_an_import_with_a_bad_row_imports_nothing_and_names_the_row(
    page: Any, live_server: Any, secretariat: Any, county: Any, tmp_path: Any
) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(ImportKind.COMPANIES)))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    # Keep only the header row of the template, then add one good row and one bad row.
    sheet.delete_rows(2, sheet.max_row)

    def row(**values: str) -> list[str]:
        return [values.get(header, "") for header in headers]

    sheet.append(row(**{"شناسه ملی": "10380284790", "نام شرکت": "شرکت الف", "شهرستان": "قزوین"}))
    sheet.append(row(**{"شناسه ملی": "10380284791", "نام شرکت": "شرکت ب", "شهرستان": "قزوین"}))
    path = tmp_path / "companies.xlsx"
    workbook.save(path)

    log_in(page, live_server, "secretariat", "/registry/import/")
    page.select_option("#id_kind", "companies")
    page.set_input_files("#id_file", str(path))
    page.uncheck("#id_dry_run")
    page.get_by_test_id("import-submit").click()

    errors = page.get_by_test_id("import-errors")
    errors.wait_for()
    text = errors.inner_text()
    assert "۳" in text  # the bad row is spreadsheet row 3 (the header is row 1)
    assert "شناسه ملی" in text
    assert not Company.objects.exists()
