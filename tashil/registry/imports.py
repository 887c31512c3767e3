"""Importing companies and knowledge-based certificates from Excel (.xlsx) or CSV files, on top of
the generic machinery of `core.spreadsheets` (reading, header matching, all-or-nothing, templates).

Every row is applied through the registry services, so each change writes its company event.
Re-importing a file is idempotent: companies are matched on the national ID and certificates on
their number, only changed fields are written, and a row that changes nothing writes no event.

An empty cell leaves the stored value as it is: a column present in the file only overwrites the
fields whose cells are filled, so a sheet with a few columns can update those columns alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tashil.core.identifiers import normalize_economic_code
from tashil.core.jalali import jalali_input_value
from tashil.core.spreadsheets import (
    GUIDE_SHEET,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    CellError,
    Column,
    ErrorFn,
    GuideList,
    Importer,
    ImportFileError,
    ImportReport,
    ProvincePlaces,
    Row,
    RowError,
    check_unique,
    choice_parser,
    chunks,
    clean,
    import_file,
    parse_count,
    parse_date,
    parse_digits,
    parse_identifier,
    parse_list,
    parse_national_id,
    register,
    template_csv,
    template_workbook,
    text_parser,
)
from tashil.core.text import to_ascii_digits
from tashil.geo.models import Province
from tashil.registry.models import (
    CLASS_SET_CHANGED_ON,
    OLD_CLASSES,
    Activity,
    Certificate,
    CertificateClass,
    Company,
    CompanyStatus,
    Product,
)
from tashil.registry.services import (
    PROFILE_FIELDS,
    NewCompany,
    certificate_add,
    certificate_update,
    companies_create,
    company_create,
    company_set_status,
    company_update,
    products_replace,
)

# What a cell may hold, from the columns it ends up in: without these a too-long cell would be
# cut by nothing on SQLite and fail the whole import with a DataError on PostgreSQL.
LEGAL_NAME_LENGTH = Company._meta.get_field("legal_name").max_length or 255
PRODUCT_NAME_LENGTH = Product._meta.get_field("name").max_length or 255
CERTIFICATE_NUMBER_LENGTH = Certificate._meta.get_field("number").max_length or 50
# Addresses and product lists are unbounded text columns; the edit form bounds them the same.
ADDRESS_LENGTH = 1000
APPROVED_PRODUCTS_LENGTH = 4000

# The generic names are re-exported: callers of the registry import keep importing them from here.
__all__ = [
    "CertificateImporter",
    "CompanyImporter",
    "GUIDE_SHEET",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "COLUMNS",
    "CERTIFICATE_COLUMNS",
    "COMPANY_COLUMNS",
    "Column",
    "ImportFileError",
    "ImportKind",
    "ImportReport",
    "RowError",
    "import_file",
    "template_csv",
    "template_workbook",
]


class ImportKind(models.TextChoices):
    COMPANIES = "companies", gettext_lazy("Companies")
    CERTIFICATES = "certificates", gettext_lazy("Knowledge-based certificates")


# --- Columns -------------------------------------------------------------------------------------


COMPANY_COLUMNS: tuple[Column, ...] = (
    Column(
        "national_id",
        "شناسه ملی",
        True,
        16,
        gettext_lazy(
            "11 digits. A row whose national ID is already registered updates that company."
        ),
        "10380284790",
    ),
    Column("legal_name", "نام شرکت", True, 32, gettext_lazy("The registered name."), "شرکت نمونه"),
    Column(
        "economic_code",
        "کد اقتصادی",
        False,
        16,
        gettext_lazy("11 digits (the national ID) or 14 digits."),
        "10380284790",
    ),
    Column(
        "county",
        "شهرستان",
        True,
        16,
        gettext_lazy("A county of the province, by name or by its four-digit code."),
        "قزوین",
    ),
    Column(
        "estate",
        "شهرک یا ناحیه صنعتی",
        False,
        22,
        gettext_lazy("An industrial city, estate or zone of the province, by name."),
        "لیا",
    ),
    Column(
        "activity",
        "کد فعالیت",
        False,
        12,
        gettext_lazy("The four-digit ISIC Rev.4 class of the main activity."),
        "2023",
    ),
    Column("status", "وضعیت", False, 16, gettext_lazy("One of the statuses listed below."), "فعال"),
    Column(
        "status_since",
        "تاریخ وضعیت",
        False,
        14,
        gettext_lazy("The Jalali date the status began, for example 1404/09/24."),
        "1403/01/15",
    ),
    Column("employees", "تعداد کارکنان", False, 14, gettext_lazy("A whole number."), "45"),
    Column(
        "address", "نشانی", False, 40, gettext_lazy("The postal address."), "قزوین، شهرک صنعتی لیا"
    ),
    Column("postal_code", "کد پستی", False, 14, gettext_lazy("10 digits."), "3431111111"),
    Column(
        "products",
        "محصولات",
        False,
        40,
        gettext_lazy(
            "Product names separated by «،», «؛», «;» or line breaks. When filled, it replaces "
            "the company's product list."
        ),
        "صابون؛ مایع ظرفشویی",
    ),
)

CERTIFICATE_COLUMNS: tuple[Column, ...] = (
    Column(
        "national_id",
        "شناسه ملی",
        True,
        16,
        gettext_lazy("The national ID of a company already registered in the province."),
        "10380284790",
    ),
    Column(
        "number",
        "شماره گواهی",
        True,
        18,
        gettext_lazy("A row whose certificate number is already registered updates it."),
        "KB-1403-0001",
    ),
    Column(
        "certificate_class",
        "نوع گواهی",
        True,
        22,
        gettext_lazy(
            "One of the classes listed below. The classes changed on %(date)s: the class must "
            "belong to the set in force on the issue date."
        ),
        "نوآور",
    ),
    Column("issued_on", "تاریخ صدور", True, 14, gettext_lazy("A Jalali date."), "1403/01/01"),
    Column(
        "expires_on",
        "تاریخ انقضا",
        True,
        14,
        gettext_lazy("A Jalali date after the issue date."),
        "1406/01/01",
    ),
    Column(
        "approved_products",
        "محصولات دانش‌بنیان",
        False,
        40,
        gettext_lazy(
            "The approved knowledge-based products, separated by «،», «؛», «;» or line breaks."
        ),
        "شوینده زیستی",
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.COMPANIES: COMPANY_COLUMNS,
    ImportKind.CERTIFICATES: CERTIFICATE_COLUMNS,
}

# The Persian names the HQ uses in its spreadsheets (DOMAIN.md §3). Accepted besides the value, the
# English label and the label of the Persian catalogue; the first name is the one templates list.
STATUS_NAMES_FA: dict[str, tuple[str, ...]] = {
    CompanyStatus.OPERATING: ("فعال", "در حال بهره‌برداری", "دایر"),
    CompanyStatus.PARTLY_OPERATING: ("نیمه‌فعال", "نیمه‌تعطیل"),
    CompanyStatus.IDLE: ("راکد", "غیرفعال"),
    CompanyStatus.CLOSED: ("تعطیل", "تعطیل شده"),
    CompanyStatus.UNDER_CONSTRUCTION: ("در حال ساخت", "در حال احداث", "در دست احداث"),
}
CLASS_NAMES_FA: dict[str, tuple[str, ...]] = {
    CertificateClass.PRODUCTION_1: ("تولیدی نوع ۱", "تولیدی ۱"),
    CertificateClass.PRODUCTION_2: ("تولیدی نوع ۲", "تولیدی ۲"),
    CertificateClass.STARTUP_1: ("نوپا نوع ۱", "نوپا ۱"),
    CertificateClass.STARTUP_2: ("نوپا نوع ۲", "نوپا ۲"),
    CertificateClass.PRODUCTION_3: ("تولیدی نوع ۳ (مستعد)", "تولیدی نوع ۳", "مستعد"),
    CertificateClass.STARTUP: ("نوپا",),
    CertificateClass.INNOVATOR: ("نوآور",),
    CertificateClass.TECHNOLOGIST: ("فناور",),
}

# Fields the services name in their ValidationErrors, mapped to this import's columns.
SERVICE_FIELDS = {"since": "status_since", "company": "national_id", "search_key": "legal_name"}


# --- Cells ---------------------------------------------------------------------------------------


def _parse_economic_code(value: Any) -> str:
    return parse_identifier(normalize_economic_code, value)


def _parse_postal_code(value: Any) -> str:
    code = parse_digits(value)
    if not re.fullmatch(r"\d{10}", code):
        raise CellError(_("A postal code has 10 digits."))
    return code


def _parse_activity_code(value: Any) -> str:
    code = parse_digits(value)
    # An ISIC class has four digits; a spreadsheet turns 0111 into 111.
    return code.zfill(4) if code.isdigit() and len(code) == 3 else code


class _Lookups(ProvincePlaces):
    """The province's reference data, read once per import."""

    def __init__(self, province: Province) -> None:
        super().__init__(province)
        self.activities = {a.code: a for a in Activity.objects.all()}
        self.status = choice_parser(
            CompanyStatus, STATUS_NAMES_FA, _("Unknown status. Use one of: %(names)s.")
        )
        self.certificate_class = choice_parser(
            CertificateClass,
            CLASS_NAMES_FA,
            _("Unknown certificate class. Use one of: %(names)s."),
        )

    def activity(self, value: Any) -> Activity:
        activity = self.activities.get(_parse_activity_code(value))
        if activity is None:
            raise CellError(_("No ISIC Rev.4 class has this code."))
        return activity


def _companies_by_national_id(rows: Iterable[Row]) -> dict[str, Company]:
    wanted = sorted({row.values["national_id"] for row in rows if "national_id" in row.values})
    found: dict[str, Company] = {}
    for chunk in chunks(wanted):
        for company in Company.objects.filter(national_id__in=chunk).select_related(
            "county", "estate", "activity"
        ):
            found[company.national_id] = company
    return found


class _RegistryImporter(Importer):
    sheet_title = ""
    service_fields = SERVICE_FIELDS
    upload_url = "registry:company_import"
    list_url = "registry:company_list"

    def __init__(self, *, province: Province, actor: Any) -> None:
        super().__init__(province=province, actor=actor)
        self.lookups = _Lookups(province)
        # The rows the file refers to, read in bulk while checking and reused when applying.
        self.companies: dict[str, Company] = {}  # by national ID
        self.certificates: dict[str, Certificate] = {}  # by number


# --- Companies -----------------------------------------------------------------------------------

# The columns an import may update: not the financial figures, which no template carries.
COMPANY_UPDATE_FIELDS = PROFILE_FIELDS


# The columns a new company takes when present (the others have their own handling).
NEW_COMPANY_OPTIONAL = (
    "economic_code",
    "estate",
    "activity",
    "address",
    "postal_code",
    "employees",
)


@register
class CompanyImporter(_RegistryImporter):
    kind = ImportKind.COMPANIES.value
    label = ImportKind.COMPANIES.label
    sheet_title = "شرکت‌ها"
    columns = COMPANY_COLUMNS
    key_column = "national_id"

    def parsers(self) -> Mapping[str, Callable[[Any], Any]]:
        lookups = self.lookups
        return {
            "national_id": parse_national_id,
            "legal_name": text_parser(LEGAL_NAME_LENGTH),
            "economic_code": _parse_economic_code,
            "county": lookups.county,
            "estate": lookups.estate,
            "activity": lookups.activity,
            "status": lookups.status,
            "status_since": parse_date,
            "employees": parse_count,
            "address": text_parser(ADDRESS_LENGTH),
            "postal_code": _parse_postal_code,
            "products": _parse_products,
        }

    @classmethod
    def guide_lists(cls, province: Province | None) -> list[GuideList]:
        statuses = GuideList(
            "status",
            _("Statuses"),
            [
                (names[0], str(CompanyStatus(value).label))
                for value, names in STATUS_NAMES_FA.items()
            ],
        )
        return [statuses, *ProvincePlaces.guide_lists(province)]

    def check(self, rows: list[Row], error: ErrorFn) -> None:
        check_unique(
            rows, "national_id", _("This national ID is also in row %(row)s of the file."), error
        )
        self.companies = _companies_by_national_id(rows)
        for row in rows:
            company = self.companies.get(row.values.get("national_id", ""))
            if company is not None and company.province_id != self.province.pk:
                error(
                    row,
                    "national_id",
                    _("A company with this national ID is registered in another province."),
                )
            if "status_since" in row.values and "status" not in row.cells:
                error(row, "status", _("Enter the status that began on this date."))

    def apply_batch(self, rows: Sequence[Row]) -> list[str]:
        # New companies in bulk (a province's first import is all new rows); a row that matches a
        # registered company compares and updates field by field, as `apply` does.
        new = [row for row in rows if row.values["national_id"] not in self.companies]
        outcomes = [self.apply(row) for row in rows if row.values["national_id"] in self.companies]
        companies_create(
            actor=self.actor,
            companies=[
                NewCompany(
                    national_id=values["national_id"],
                    legal_name=values["legal_name"],
                    county=values["county"],
                    status=values.get("status", CompanyStatus.OPERATING),
                    status_since=values.get("status_since"),
                    products=values.get("products") or (),
                    **{key: values[key] for key in NEW_COMPANY_OPTIONAL if key in values},
                )
                for values in (row.values for row in new)
            ],
        )
        return outcomes + ["created"] * len(new)

    def apply(self, row: Row) -> str:
        actor = self.actor
        values = row.values
        company = self.companies.get(values["national_id"])
        if company is None:
            company = company_create(
                actor=actor,
                national_id=values["national_id"],
                legal_name=values["legal_name"],
                county=values["county"],
                status=values.get("status", CompanyStatus.OPERATING),
                status_since=values.get("status_since"),
                **{key: values[key] for key in NEW_COMPANY_OPTIONAL if key in values},
            )
            if values.get("products"):
                products_replace(actor=actor, company=company, names=values["products"])
            return "created"

        changed = bool(
            company_update(
                actor=actor,
                company=company,
                **{key: values[key] for key in COMPANY_UPDATE_FIELDS if key in values},
            )
        )
        status = values.get("status")
        if status is not None and status != company.status:
            since = values.get("status_since") or timezone.localdate()
            # A status dated before the current one joins the history without becoming current;
            # importing the same row again must not add it twice.
            if not company.status_changes.filter(status=status, since=since).exists():
                company_set_status(actor=actor, company=company, status=status, since=since)
                changed = True
        if values.get("products"):
            changed = (
                products_replace(actor=actor, company=company, names=values["products"]) or changed
            )
        return "updated" if changed else "unchanged"


# --- Certificates --------------------------------------------------------------------------------


def _class_changed_on() -> str:
    return jalali_input_value(CLASS_SET_CHANGED_ON)


@register
class CertificateImporter(_RegistryImporter):
    kind = ImportKind.CERTIFICATES.value
    label = ImportKind.CERTIFICATES.label
    sheet_title = "گواهی‌ها"
    columns = CERTIFICATE_COLUMNS
    key_column = "number"

    def parsers(self) -> Mapping[str, Callable[[Any], Any]]:
        return {
            "national_id": parse_national_id,
            "number": lambda value: _certificate_number(to_ascii_digits(clean(value))),
            "certificate_class": self.lookups.certificate_class,
            "issued_on": parse_date,
            "expires_on": parse_date,
            "approved_products": lambda value: _approved_products("\n".join(parse_list(value))),
        }

    @classmethod
    def help_text(cls, column: Column) -> str:
        text = str(column.help)
        if "%(date)s" in text:
            text = text % {"date": _class_changed_on()}
        return text

    @classmethod
    def guide_lists(cls, province: Province | None) -> list[GuideList]:
        changed = _class_changed_on()
        before = _("issued before %(date)s") % {"date": changed}
        since = _("issued on or after %(date)s") % {"date": changed}
        return [
            GuideList(
                "certificate_class",
                _("Certificate classes"),
                [
                    (names[0], before if value in OLD_CLASSES else since)
                    for value, names in CLASS_NAMES_FA.items()
                ],
            )
        ]

    def check(self, rows: list[Row], error: ErrorFn) -> None:
        check_unique(
            rows, "number", _("This certificate number is also in row %(row)s of the file."), error
        )
        self.companies = _companies_by_national_id(rows)
        numbers = sorted({row.values["number"] for row in rows if row.values.get("number")})
        for chunk in chunks(numbers):
            for stored in Certificate.objects.filter(number__in=chunk):
                self.certificates[stored.number] = stored
        for row in rows:
            national_id = row.values.get("national_id")
            company = self.companies.get(national_id or "")
            if national_id and (company is None or company.province_id != self.province.pk):
                error(row, "national_id", _("No company with this national ID in the province."))
            certificate = self.certificates.get(row.values.get("number", ""))
            if company is not None and certificate and certificate.company_id != company.pk:
                error(
                    row, "number", _("This certificate number is registered for another company.")
                )
            issued_on, expires_on = row.values.get("issued_on"), row.values.get("expires_on")
            if issued_on and expires_on and expires_on <= issued_on:
                error(row, "expires_on", _("The expiry date must be after the issue date."))

    def apply(self, row: Row) -> str:
        values = row.values
        company = self.companies[values["national_id"]]
        fields: dict[str, Any] = {
            key: values[key]
            for key in ("certificate_class", "issued_on", "expires_on", "approved_products")
            if values.get(key)
        }
        certificate = self.certificates.get(values["number"])
        if certificate is None:
            certificate_add(actor=self.actor, company=company, number=values["number"], **fields)
            return "created"
        certificate.company = company  # the same company (checked): saves the service a query
        changed = certificate_update(actor=self.actor, certificate=certificate, **fields)
        return "updated" if changed else "unchanged"


_certificate_number = text_parser(CERTIFICATE_NUMBER_LENGTH)
_approved_products = text_parser(APPROVED_PRODUCTS_LENGTH)
_product_name = text_parser(PRODUCT_NAME_LENGTH)


def _parse_products(value: Any) -> list[str]:
    return [_product_name(name) for name in parse_list(value)]
