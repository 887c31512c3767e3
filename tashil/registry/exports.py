"""The company list as CSV or Excel, streamed by `core.spreadsheets`: rows are read from the
database in chunks and written as they come, so an export of the whole province never sits in
memory.

Financial fields (bank, tax and social security debt) are never exported: the list is seen by
people who may not see the figures (DOMAIN.md §2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from tashil.core.jalali import format_jalali, jalali_input_value
from tashil.core.spreadsheets import CHUNK_SIZE, csv_response, xlsx_response
from tashil.registry.models import Certificate, CertificateClass, Company

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


def _records(companies: QuerySet[Company], on: dt.date) -> Iterator[list[Any]]:
    """One list per company: text, numbers and dates (`None` for an empty cell)."""
    for company in _annotated(companies, on).iterator(chunk_size=CHUNK_SIZE):
        yield _record(company)


def _record(company: Any) -> list[Any]:
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


def export_csv(companies: QuerySet[Company], *, on: dt.date) -> StreamingHttpResponse:
    return csv_response(
        headers=_headers(on),
        records=_records(companies, on),
        filename=f"companies-{on:%Y%m%d}.csv",
    )


def export_xlsx(companies: QuerySet[Company], *, on: dt.date) -> FileResponse:
    return xlsx_response(
        headers=_headers(on),
        records=_records(companies, on),
        filename=f"companies-{on:%Y%m%d}.xlsx",
        sheet_title=_("Companies"),
        widths=WIDTHS,
    )
