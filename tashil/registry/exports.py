"""The company list as CSV or Excel, streamed: rows are read from the database in chunks and
written as they come, so an export of the whole province never sits in memory.

Financial fields (bank, tax and social security debt) are never exported: the list is seen by
people who may not see the figures (DOMAIN.md §2).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tashil.core.jalali import format_jalali, jalali_input_value
from tashil.registry.models import Certificate, CertificateClass, Company

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 1000
# Kept in memory up to this size, then spilled to a temporary file on disk.
SPOOL_BYTES = 16 * 1024 * 1024
# Excel column widths, in the order of `_headers`.
WIDTHS = (14, 34, 14, 14, 20, 10, 40, 16, 14, 14, 10, 14, 18, 22, 14, 14)


def _headers(on: dt.date) -> list[str]:
    return [
        _("National ID"),
        _("Legal name"),
        _("Economic code"),
        _("County"),
        _("Industrial estate"),
        _("ISIC code"),
        _("Activity"),
        _("Status"),
        _("Status since (Jalali)"),
        _("Status since (Gregorian)"),
        _("Employees"),
        _("Knowledge-based on %(date)s") % {"date": format_jalali(on)},
        _("Certificate number"),
        _("Certificate class"),
        _("Certificate expiry (Jalali)"),
        _("Certificate expiry (Gregorian)"),
    ]


def _annotated(companies: QuerySet[Company], on: dt.date) -> QuerySet[Company]:
    """The company's latest certificate valid on `on`, as three subqueries: one query in all."""
    valid = (
        Certificate.objects.valid_on(on)
        .filter(company=OuterRef("pk"))
        .order_by("-issued_on", "-expires_on", "-pk")
    )
    return companies.annotate(
        export_certificate_number=Subquery(valid.values("number")[:1]),
        export_certificate_class=Subquery(valid.values("certificate_class")[:1]),
        export_certificate_expires_on=Subquery(valid.values("expires_on")[:1]),
    ).defer("search_document", "bank_debt", "tax_debt", "insurance_debt")


def _records(companies: QuerySet[Company], on: dt.date, language: str) -> Iterator[list[Any]]:
    """One list per company: text, numbers and dates (`None` for an empty cell)."""
    for company in _annotated(companies, on).iterator(chunk_size=CHUNK_SIZE):
        # A streamed response is consumed after the view has returned: the labels are
        # translated into the language that was active when the export was asked for.
        with translation.override(language):
            yield _record(company)


# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection): a
# company named '=HYPERLINK(…)' must export as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _record(company: Any) -> list[Any]:
    return [_text(value) for value in _raw_record(company)]


def _raw_record(company: Any) -> list[Any]:
    number = company.export_certificate_number
    klass = company.export_certificate_class
    expires_on = company.export_certificate_expires_on
    activity = company.activity
    return [
        company.national_id,
        company.legal_name,
        company.economic_code,
        company.county.display_name,
        company.estate.display_name if company.estate else "",
        activity.code if activity else "",
        activity.display_name if activity else "",
        company.get_status_display(),
        jalali_input_value(company.status_since),
        company.status_since,
        company.employees,
        # Knowledge-based on `on` means holding a certificate valid on `on`: the one shown.
        _("Yes") if number else _("No"),
        number or "",
        str(CertificateClass(klass).label) if klass else "",
        jalali_input_value(expires_on),
        expires_on,
    ]


class _Echo:
    """A file-like object whose `write` returns what it is given, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def export_csv(companies: QuerySet[Company], *, on: dt.date) -> StreamingHttpResponse:
    """UTF-8 with a BOM (so that Excel reads the Persian correctly), streamed row by row."""
    language = translation.get_language() or "fa"
    writer = csv.writer(_Echo())
    headers = _headers(on)  # now, in the asker's language: the body is produced later

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(headers)
        for record in _records(companies, on, language):
            yield writer.writerow([cell(value) for value in record])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="companies-{on:%Y%m%d}.csv"'
    return response


def export_xlsx(companies: QuerySet[Company], *, on: dt.date) -> FileResponse:
    """A right-to-left workbook written in write-only mode (openpyxl keeps no rows in memory)
    into a spooled temporary file, which FileResponse streams and closes."""
    language = translation.get_language() or "fa"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Companies")[:31])
    # Views, panes and column widths are written with the sheet's head, before the first row.
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for title in _headers(on):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for record in _records(companies, on, language):
        sheet.append(record)
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"companies-{on:%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
