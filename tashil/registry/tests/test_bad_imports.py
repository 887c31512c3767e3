"""Bad spreadsheets at the upload pages (registry and investments): a file that is too large, not
a workbook whatever its name, a zip bomb or a truncated workbook is refused by the form itself,
with a message naming the problem, and leaves no job, no stored upload and no rows; a readable file
with bad cells (wrong types, formulas, NUL characters, overlong text) fails its job with every
problem named and writes nothing. Every cell parser of every registered import kind answers any
cell value Excel can produce with a value or a CellError, never another exception."""

from __future__ import annotations

import datetime as dt
import io
import math
import struct
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tashil.core import spreadsheets
from tashil.core.identifiers import national_id_check_digit
from tashil.factories import ActivityFactory, EstateFactory
from tashil.investments.models import Project
from tashil.registry.imports import ImportKind, template_workbook
from tashil.registry.models import Company, ImportJob, ImportJobStatus

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = {"شناسه ملی": "10380284790", "نام شرکت": "شرکت الف", "شهرستان": "قزوین"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(client: Any, settings: Any) -> Any:
    # Messages are asserted in English: the Persian catalogue is compiled after this change.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def workbook_bytes(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    """The companies template's sheet with `rows` under `headers` (the template's own headers
    unless given)."""
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(ImportKind.COMPANIES)))
    sheet = book.worksheets[0]
    template_headers = [cell.value for cell in sheet[1]]
    sheet.delete_rows(1, sheet.max_row)
    sheet.append(headers if headers is not None else template_headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def nid(n: int) -> str:
    """A valid national ID, different for every `n`."""
    first_ten = f"14{n + 6_000_000:08d}"
    return first_ten + national_id_check_digit(first_ten)


def company_row(**cells: Any) -> list[Any]:
    headers = [c.header for c in spreadsheets.importer_for(ImportKind.COMPANIES).columns]
    values = {**GOOD, **cells}
    return [values.get(header) for header in headers]


def lying_zip_bomb() -> bytes:
    """A workbook whose sheet unpacks to 50 MB while its headers claim 1 KB (a zip bomb that
    slips past a check of the declared sizes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b"0" * 50_000_000 + b"</row>")
    data = bytearray(buffer.getvalue())
    # The uncompressed size sits at offset 22 of each local header and 24 of each central
    # directory entry.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            struct.pack_into("<I", data, start + offset, 1000)
            start += 4
    return bytes(data)


def truncated_workbook() -> bytes:
    data = workbook_bytes([company_row()])
    return data[: len(data) // 2]


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


# What the form refuses at once, by content, whatever the name says: (name, bytes, message).
REFUSED_BY_THE_FORM = [
    pytest.param(
        "companies.xlsx",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
        "This is not an Excel (.xlsx) or CSV file.",
        id="exe-named-xlsx",
    ),
    pytest.param(
        "companies.xlsx",
        "شناسه ملی,نام شرکت,شهرستان\n10380284790,شرکت الف,قزوین\n".encode(),
        "This is not an Excel (.xlsx) or CSV file.",
        id="csv-named-xlsx",
    ),
    pytest.param(
        "companies.xlsx",
        b"just some notes, not a spreadsheet",
        "This is not an Excel (.xlsx) or CSV file.",
        id="text-named-xlsx",
    ),
    pytest.param(
        "companies.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40,
        "This is not an Excel (.xlsx) or CSV file.",
        id="png-named-csv",
    ),
    pytest.param(
        "companies.xlsx",
        truncated_workbook(),
        "This is not an Excel (.xlsx) or CSV file.",
        id="truncated-xlsx",
    ),
    pytest.param(
        "companies.xlsx",
        docx_bytes(),
        "This is not an Excel (.xlsx) or CSV file.",
        id="word-document-named-xlsx",
    ),
    pytest.param(
        "companies.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        "This is an old Excel file (.xls).",
        id="old-xls",
    ),
    pytest.param("companies.csv", b"   \n\n ", "The file is empty.", id="blank"),
]

UPLOAD_PAGES = [
    pytest.param("registry:company_import", ImportKind.COMPANIES, id="registry"),
    pytest.param("investments:import", "projects", id="investments"),
]


def post(client: Any, url_name: str, kind: str, name: str, content: bytes) -> Any:
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse(url_name), {"kind": kind, "file": upload})


@pytest.mark.parametrize(("url_name", "kind"), UPLOAD_PAGES)
@pytest.mark.parametrize(("name", "content", "message"), REFUSED_BY_THE_FORM)
def test_a_file_that_is_not_a_spreadsheet_is_refused_by_the_form_and_nothing_is_stored(
    client: Any,
    secretariat: Any,
    settings: Any,
    url_name: str,
    kind: str,
    name: str,
    content: bytes,
    message: str,
) -> None:
    client.force_login(secretariat)

    response = post(client, url_name, kind, name, content)

    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors["file"])
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files(settings) == []
    assert not Company.objects.exists()
    assert not Project.objects.exists()


def test_a_zip_bomb_is_refused_by_its_declared_size(
    client: Any, secretariat: Any, settings: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 10_000)
    client.force_login(secretariat)
    bomb = workbook_bytes([company_row(**{"نشانی": "x" * 30_000})])

    response = post(client, "registry:company_import", ImportKind.COMPANIES, "c.xlsx", bomb)

    assert response.status_code == 422
    assert "too large once unpacked" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files(settings) == []


def test_a_zip_bomb_that_lies_about_its_size_fails_without_being_unpacked(
    county: Any, secretariat: Any
) -> None:
    # It passes the declared-size check; reading it stops at the declared size and fails the
    # CRC check, so memory never holds the 50 MB.
    with pytest.raises(spreadsheets.ImportFileError) as raised:
        spreadsheets.import_file(
            actor=secretariat,
            province=county.province,
            kind=ImportKind.COMPANIES,
            file=io.BytesIO(lying_zip_bomb()),
            filename="bomb.xlsx",
            dry_run=False,
        )
    assert raised.value.code == "not_spreadsheet"
    assert not Company.objects.exists()


@pytest.mark.parametrize(("url_name", "kind"), UPLOAD_PAGES)
def test_an_oversized_file_is_refused_by_the_form_with_the_limit_named(
    client: Any, secretariat: Any, settings: Any, monkeypatch: Any, url_name: str, kind: str
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_UPLOAD_BYTES", 2 * 2**20)
    client.force_login(secretariat)
    content = workbook_bytes([company_row()]) + b"\x00" * (2 * 2**20)

    response = post(client, url_name, kind, "big.xlsx", content)

    assert response.status_code == 422
    assert "The file is larger than 2 MB." in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files(settings) == []


# --- Readable files with bad content: the job fails or reports, nothing is written ----------


def run_upload(
    client: Any, content: bytes, name: str = "companies.xlsx", capture: Any = None
) -> Any:
    with capture(execute=True):
        response = post(client, "registry:company_import", ImportKind.COMPANIES, name, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get()


def test_a_workbook_without_the_required_header_names_the_missing_columns(
    client: Any, secretariat: Any, county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(secretariat)
    content = workbook_bytes([["10380284790", "قزوین"]], headers=["شناسه ملی", "شهرستان"])

    job = run_upload(client, content, capture=django_capture_on_commit_callbacks)

    assert job.status == ImportJobStatus.FAILED
    assert "Required columns are missing: نام شرکت" in job.error
    assert not Company.objects.exists()
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "Required columns are missing" in page


def test_a_workbook_with_the_data_below_an_empty_first_row_says_where_the_headers_go(
    client: Any, secretariat: Any, county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(secretariat)
    content = workbook_bytes([company_row()], headers=[])

    job = run_upload(client, content, capture=django_capture_on_commit_callbacks)

    assert job.status == ImportJobStatus.FAILED
    assert job.error == "The first row is empty. The first row must hold the headers."
    assert not Company.objects.exists()


def test_cells_of_the_wrong_type_and_formulas_are_row_errors_and_nothing_is_written(
    client: Any, secretariat: Any, county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    EstateFactory(province=county.province, county=county, name="لیا")
    ActivityFactory()
    client.force_login(secretariat)
    rows = [
        company_row(),  # row 2: good, but the file is all or nothing
        company_row(**{"شناسه ملی": nid(3), "تعداد کارکنان": "چهل"}),  # letters
        company_row(**{"شناسه ملی": nid(4), "تعداد کارکنان": dt.date(2024, 1, 1)}),
        # A formula: openpyxl writes no cached value, so the cell reads as empty.
        company_row(**{"شناسه ملی": nid(5), "نام شرکت": '=CONCAT("a","b")'}),
        company_row(**{"شناسه ملی": nid(6), "تاریخ وضعیت": "1403/13/01", "وضعیت": "فعال"}),
        company_row(**{"شناسه ملی": nid(7), "نام شرکت": "x" * 300}),
    ]

    job = run_upload(client, workbook_bytes(rows), capture=django_capture_on_commit_callbacks)

    assert job.status == ImportJobStatus.DONE
    errors = {(e["row"], e["column"]) for e in job.report["errors"]}
    assert {row for row, _column in errors} == {3, 4, 5, 6, 7}
    assert (3, "تعداد کارکنان") in errors
    assert (4, "تعداد کارکنان") in errors
    assert (5, "نام شرکت") in errors
    assert (6, "تاریخ وضعیت") in errors
    assert (7, "نام شرکت") in errors
    assert not any(row == 2 for row, _column in errors)
    assert job.report["created"] == 0
    assert not Company.objects.exists()
    messages = " ".join(e["message"] for e in job.report["errors"])
    assert "The month must be between 1 and 12." in messages
    assert "at most 255 characters" in messages


def test_thousands_of_empty_rows_are_skipped_and_row_numbers_kept(
    client: Any, secretariat: Any, county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(secretariat)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([company_row()])))
    sheet = book.worksheets[0]
    # Formatted but empty rows, as left behind by a deleted block of data.
    for number in range(3, 5003):
        sheet.cell(row=number, column=1).value = ""
    sheet.cell(row=5003, column=1).value = "10380284791"  # a bad check digit, far below
    sheet.cell(row=5003, column=2).value = "شرکت ب"
    sheet.cell(row=5003, column=3).value = "قزوین"
    buffer = io.BytesIO()
    book.save(buffer)

    job = run_upload(client, buffer.getvalue(), capture=django_capture_on_commit_callbacks)

    assert job.report["total"] == 2
    assert {e["row"] for e in job.report["errors"]} == {5003}
    assert not Company.objects.exists()


def test_text_that_looks_like_a_formula_or_markup_is_imported_as_text(
    client: Any, secretariat: Any, county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(secretariat)
    name = '=HYPERLINK("http://evil.example","<script>alert(1)</script>")'
    csv = f'شناسه ملی,نام شرکت,شهرستان\n10380284790,"{name.replace(chr(34), chr(34) * 2)}",قزوین\n'

    job = run_upload(
        client, csv.encode(), name="companies.csv", capture=django_capture_on_commit_callbacks
    )

    assert job.report["created"] == 1, job.report
    assert Company.objects.get().legal_name == name
    page = client.get(reverse("registry:company_list")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    export = b"".join(
        client.get(reverse("registry:company_export", args=["csv"])).streaming_content
    )
    assert "'=HYPERLINK" in export.decode("utf-8-sig")


# --- Every parser of every kind, with every cell value a workbook can hold --------------------

CELL_VALUES = [
    True,
    False,
    0,
    -1,
    -1.5,
    1e30,
    10**30,
    float("nan"),
    float("inf"),
    Decimal("1E+400"),
    dt.datetime(2024, 1, 1, 10, 30),
    dt.date(2024, 1, 1),
    dt.time(10, 30),
    dt.timedelta(days=2),
    "x" * 100_000,
    "=1+1",
    "#REF!",
    "<script>alert(1)</script>",
    "'; DROP TABLE registry_company; --",
    "۱۲۳",
    "١٢٣",
    "1,2,3",
    "٫",
    "\u200c",
]


@pytest.fixture
def reference(county: Any, company: Any) -> Any:
    EstateFactory(province=county.province, county=county, name="لیا")
    ActivityFactory()
    return county


@pytest.mark.parametrize("kind", sorted(spreadsheets.importers()))
def test_every_cell_parser_answers_any_cell_with_a_value_or_a_cell_error(
    reference: Any, secretariat: Any, kind: str
) -> None:
    importer = spreadsheets.importer_for(kind)(province=reference.province, actor=secretariat)
    for key, parse in importer.parsers().items():
        for value in CELL_VALUES:
            try:
                parsed = parse(value)
            except spreadsheets.CellError as error:
                assert error.message, (kind, key, value)
                continue
            if isinstance(parsed, str):
                # No column holds 100,000 characters.
                assert len(parsed) < 100_000, (kind, key)
            if isinstance(parsed, float | Decimal):
                assert math.isfinite(parsed), (kind, key, value)


def test_a_nul_character_in_a_cell_is_a_row_error_before_any_parser_sees_it(
    client: Any, secretariat: Any, county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Only a UTF-16 CSV can carry one (XML forbids it, a UTF-8 file with NUL bytes is binary).
    client.force_login(secretariat)
    text = f"شناسه ملی,نام شرکت,شهرستان\n{nid(1)},شرکت\x00الف,قزوین\n"

    job = run_upload(
        client, text.encode("utf-16"), name="c.csv", capture=django_capture_on_commit_callbacks
    )

    assert job.status == ImportJobStatus.DONE
    [error] = job.report["errors"]
    assert (error["row"], error["column"]) == (2, "نام شرکت")
    assert error["message"] == "Text may not contain a NUL character."
    assert not Company.objects.exists()
