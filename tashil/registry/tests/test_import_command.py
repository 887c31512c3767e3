"""`manage.py import_registry`: a progress bar, the report, and a failing exit on any error."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from tashil.core.identifiers import national_id_check_digit
from tashil.registry.models import Certificate, Company, CompanyEvent

pytestmark = pytest.mark.django_db

HEADERS = ["شناسه ملی", "نام شرکت", "شهرستان", "تعداد کارکنان"]


def nid(n: int) -> str:
    first_ten = f"14{n + 6_000_000:08d}"
    return first_ten + national_id_check_digit(first_ten)


@pytest.fixture
def write_xlsx(tmp_path):
    def write(rows, headers=HEADERS, name="companies.xlsx"):
        workbook = Workbook()
        workbook.active.append(headers)
        for row in rows:
            workbook.active.append(row)
        path = tmp_path / name
        workbook.save(path)
        return path

    return write


def command(*args):
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_registry", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_is_imported_with_a_progress_bar_and_counts(write_xlsx, county, secretariat):
    path = write_xlsx([[nid(1), "شرکت یک", "قزوین", 10], [nid(2), "شرکت دو", "2603", "۲۰"]])

    out, err = command(path, "--kind", "companies", "--province", "26", "--actor", "secretariat")

    assert "2 rows: 2 were created, 0 were updated, 0 unchanged." in out
    assert "100%" in err and "#" in err
    assert Company.objects.get(national_id=nid(2)).employees == 20
    assert set(CompanyEvent.objects.values_list("actor", flat=True)) == {secretariat.pk}


def test_row_errors_are_printed_and_the_command_fails_without_importing(write_xlsx, county):
    path = write_xlsx([[nid(1), "شرکت یک", "قزوین", 10], [nid(2), "شرکت دو", "ناکجا", -3]])
    out = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(
            "import_registry",
            str(path),
            kind="companies",
            province="26",
            stdout=out,
            stderr=io.StringIO(),
        )

    assert "row 3, column شهرستان: No county by this name or code in قزوین." in out.getvalue()
    assert "row 3, column تعداد کارکنان: Enter a whole number of zero or more." in out.getvalue()
    assert "1 of 2 rows have errors: nothing was imported." in str(raised.value)
    assert not Company.objects.exists()


def test_a_dry_run_reports_and_writes_nothing(write_xlsx, county):
    path = write_xlsx([[nid(1), "شرکت یک", "قزوین", 10]])

    out, _err = command(path, "--kind", "companies", "--province", "26", "--dry-run")

    assert "1 rows: 1 would be created" in out
    assert "Dry run: nothing was written." in out
    assert not Company.objects.exists()


def test_certificates_are_imported_by_the_command(write_xlsx, company):
    headers = ["شناسه ملی", "شماره گواهی", "نوع گواهی", "تاریخ صدور", "تاریخ انقضا"]
    path = write_xlsx(
        [[company.national_id, "KB-9", "فناور", "1403/05/01", "1406/05/01"]], headers=headers
    )

    out, _err = command(path, "--kind", "certificates", "--province", "26")

    assert "1 were created" in out
    assert Certificate.objects.get(number="KB-9").company == company


def test_a_bad_file_fails_with_its_message(tmp_path, province):
    path = tmp_path / "companies.xlsx"
    path.write_bytes(b"not a workbook")

    with pytest.raises(CommandError, match=r"not an Excel \(\.xlsx\) or CSV file"):
        command(path, "--kind", "companies", "--province", "26")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "99"], "No province with code '99'"),
        (["--province", "26", "--actor", "nobody"], "No user 'nobody'"),
    ],
)
def test_an_unknown_province_or_actor_fails(write_xlsx, county, args, message):
    path = write_xlsx([[nid(1), "شرکت یک", "قزوین", 10]])

    with pytest.raises(CommandError, match=message):
        command(path, "--kind", "companies", *args)

    assert not Company.objects.exists()


def test_a_missing_file_fails(tmp_path, province):
    with pytest.raises(CommandError, match="Cannot open"):
        command(tmp_path / "missing.xlsx", "--kind", "companies", "--province", "26")
