"""The same companies spreadsheet imported several times at the same moment (two people
uploading it, or a job retried while the first run is still going), each import in a thread
with its own database connection as separate workers would be: every company is registered
once, by exactly one of the imports; the others change nothing and say why."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.db.models import Count

from tashil.core.spreadsheets import import_file
from tashil.core.tests.concurrency import race, winners
from tashil.factories import _national_id
from tashil.registry.imports import ImportKind, template_workbook
from tashil.registry.models import Company, CompanyEvent, Product, StatusChange

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 40
IMPORTS = 4


def _companies_xlsx(count: int) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(ImportKind.COMPANIES)))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)
    for n in range(count):
        values = {
            "شناسه ملی": _national_id(500 + n),
            "نام شرکت": f"شرکت آزمون همزمان {n}",
            "شهرستان": "قزوین",
            "محصولات": f"محصول {n}",
        }
        sheet.append([values.get(header, "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(data: bytes, *, actor: Any, province: Any) -> Any:
    return import_file(
        actor=actor,
        province=province,
        kind=ImportKind.COMPANIES,
        file=io.BytesIO(data),
        filename="companies.xlsx",
        dry_run=False,
    )


def test_the_same_file_imported_four_times_at_once_registers_each_company_once(
    secretariat: Any, county: Any
) -> None:
    data = _companies_xlsx(ROWS)
    assert "محصولات" in [c.value for c in openpyxl.load_workbook(io.BytesIO(data)).active[1]]

    results = race(
        *(
            lambda: _import(data, actor=secretariat, province=county.province)
            for _n in range(IMPORTS)
        )
    )

    assert winners(results) == list(range(IMPORTS)), results  # every import ran to its end
    reports = [report for _kind, report in results]
    applied = [report for report in reports if not report.errors]
    # Exactly one import created the companies; any other that finished without errors came
    # after it and found them all registered already.
    assert [report.created for report in applied].count(ROWS) == 1, reports
    assert all(report.created in (0, ROWS) for report in applied), reports
    for report in applied:
        if report.created == 0:
            assert (report.updated, report.unchanged) == (0, ROWS), report
    # An import that ran into the other's rows wrote nothing and names the conflicting rows.
    for report in reports:
        if report.errors:
            assert report.created == report.updated == report.unchanged == 0, report
            assert {error.row for error in report.errors} <= set(range(2, ROWS + 2)), report

    assert Company.objects.count() == ROWS
    duplicated = Company.objects.values("national_id").annotate(n=Count("pk")).filter(n__gt=1)
    assert not duplicated.exists()
    # What each company carries was written once: its first status, its product, its history.
    for model in (StatusChange, Product):
        assert model.objects.values("company").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
        assert model.objects.count() == ROWS
    created = CompanyEvent.objects.filter(kind="created")
    assert created.count() == ROWS
    assert created.values("company").distinct().count() == ROWS
