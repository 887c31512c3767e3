"""`manage.py import_investments`: the registry command's behaviour for projects and export
figures: a progress bar, the report, and a failing exit on any row error."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from tashil.investments.models import ExportFigure, Project, ProjectUpdate

pytestmark = pytest.mark.django_db

PROJECT_HEADERS = ["شناسه ملی شرکت", "عنوان طرح", "بخش", "مبلغ سرمایه‌گذاری", "واحد پول", "منبع"]
EXPORT_HEADERS = ["شناسه ملی شرکت", "نوع رقم", "سال", "مقصد", "مبلغ", "واحد پول", "منبع"]


@pytest.fixture
def write_xlsx(tmp_path: Any) -> Any:
    def write(rows: list[list[Any]], headers: list[str] = PROJECT_HEADERS) -> Any:
        workbook = Workbook()
        workbook.active.append(headers)
        for row in rows:
            workbook.active.append(row)
        path = tmp_path / "investments.xlsx"
        workbook.save(path)
        return path

    return write


def command(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_investments", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_projects_file_is_imported_with_a_progress_bar_and_counts(
    write_xlsx, company, other_company, sector, secretariat
):
    path = write_xlsx(
        [
            [company.national_id, "خط یک", "cosmetics", "1000000000", "ریال", "اداره کل صمت"],
            [other_company.national_id, "خط دو", "آرایشی و بهداشتی", 50_000, "تومان", "شرکت"],
        ]
    )

    out, err = command(path, "--kind", "projects", "--province", "26", "--actor", "secretariat")

    assert "2 rows: 2 were created, 0 were updated, 0 unchanged." in out
    assert "100%" in err and "#" in err
    assert Project.objects.get(title="خط دو").amount_rial == 500_000
    assert set(ProjectUpdate.objects.values_list("actor", flat=True)) == {secretariat.pk}


def test_row_errors_are_printed_and_the_command_fails_without_importing(
    write_xlsx, company, sector
):
    path = write_xlsx(
        [
            [company.national_id, "خط یک", "cosmetics", "1000000000", "ریال", "اداره کل صمت"],
            [company.national_id, "خط دو", "cosmetics", "5000", "دلار", "اداره کل صمت"],
        ]
    )
    out = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(
            "import_investments",
            str(path),
            kind="projects",
            province="26",
            stdout=out,
            stderr=io.StringIO(),
        )

    assert "row 3, column نرخ ارز: A dollar amount needs the exchange rate" in out.getvalue()
    assert "1 of 2 rows have errors: nothing was imported." in str(raised.value)
    assert not Project.objects.exists()


def test_a_dry_run_of_export_figures_reports_and_writes_nothing(write_xlsx, company, destinations):
    path = write_xlsx(
        [[company.national_id, "forecast", 1404, "RU", "2000000000", "IRR", "شرکت"]],
        headers=EXPORT_HEADERS,
    )

    out, _err = command(path, "--kind", "exports", "--province", "26", "--dry-run")
    assert "1 rows: 1 would be created" in out
    assert "Dry run: nothing was written." in out
    assert not ExportFigure.objects.exists()

    out, _err = command(path, "--kind", "exports", "--province", "26")
    assert "1 were created" in out
    assert ExportFigure.objects.get().country == destinations.russia


def test_only_the_investment_kinds_are_accepted(write_xlsx, province):
    path = write_xlsx([])

    with pytest.raises(CommandError, match="invalid choice: 'companies'"):
        command(path, "--kind", "companies", "--province", "26")
