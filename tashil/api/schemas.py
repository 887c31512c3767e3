"""Input and output shapes of the API (one per operation; shared pieces are nested).

Dates are ISO 8601 Gregorian (`2025-12-15`) in both directions: Jalali is for people and pages,
never for the wire. Digits are ASCII; identifiers typed in Persian or Arabic-Indic digits are
accepted on input and answered in ASCII.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from tashil.api.errors import ErrorCode
from tashil.registry import selectors
from tashil.registry.models import CertificateClass, Company, CompanyStatus

# The earliest year a date in the registry can have. A Jalali date sent by mistake in ISO form
# (1404-09-24) is a valid Gregorian date six centuries ago; refusing it beats silently
# answering for the year 1404. The latest keeps date arithmetic (a year on, 60 days on) and
# Jalali conversion away from the calendar's end.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
# Bounds that keep numbers inside the database's integer columns.
MAX_ID = 2**31 - 1
MAX_OFFSET = 100_000
MAX_EMPLOYEES = 1_000_000
MAX_RIAL = 10**18


def _gregorian(value: dt.date) -> dt.date:
    if value.year < EARLIEST_YEAR:
        raise PydanticCustomError(
            "date_not_gregorian",
            str(
                _("Dates are Gregorian (ISO 8601, e.g. 2025-12-15); this looks like a Jalali date.")
            ),
        )
    if value.year > LATEST_YEAR:
        raise PydanticCustomError(
            "date_out_of_range",
            str(_("The year must be %(year)s or earlier.") % {"year": LATEST_YEAR}),
        )
    return value


GregorianDate = Annotated[dt.date, AfterValidator(_gregorian)]


def _local_time(value: dt.time) -> dt.time:
    # A time of day in the HQ's own zone: an offset could not be stored (the column has none,
    # and SQLite refuses an aware time outright).
    if value.tzinfo is not None:
        raise PydanticCustomError(
            "time_with_offset",
            str(_("Give the local (Tehran) time without a UTC offset, e.g. 10:30.")),
        )
    return value


# JSON Schema's "time" format is RFC 3339's, which requires an offset: documented as what it
# is, a wall-clock time, so that clients (and schema validators) do not expect one.
LocalTime = Annotated[
    dt.time,
    AfterValidator(_local_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "examples": ["10:30", "09:00:00"],
        }
    ),
]


# --- Errors --------------------------------------------------------------------------------------


class FieldError(Schema):
    code: str = Field(description="Stable code, e.g. `national_id_checksum`, `unique`, `missing`.")
    message: str


class ErrorOut(Schema):
    """Every error the API answers with."""

    code: ErrorCode
    message: str = Field(description="For people, in the language of the request.")
    errors: dict[str, list[FieldError]] = Field(
        default_factory=dict,
        description='Field name → its errors; errors of no single field are under "__all__".',
    )


# --- Reference data ------------------------------------------------------------------------------


class ProvinceOut(Schema):
    code: str
    name: str
    name_en: str


class CountyOut(Schema):
    code: str = Field(description="Four digits: the province code and the county's number.")
    name: str
    name_en: str


class EstateOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str


class ActivityOut(Schema):
    code: str = Field(description="ISIC Rev.4 class (four digits).")
    name: str = Field(description="Persian name where one exists, the English name otherwise.")
    name_en: str


# --- Companies -----------------------------------------------------------------------------------

CompanySort = Literal[
    "name", "-name", "employees", "-employees", "updated", "-updated", "national_id"
]


class CompanyFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Words of the name, IDs, products or activity.")
    county: str | None = Field(None, description="County code, e.g. 2603.")
    estate: int | None = Field(None, ge=1, le=MAX_ID, description="Industrial estate id.")
    activity: str | None = Field(None, description="ISIC Rev.4 class code, e.g. 2023.")
    section: str | None = Field(None, max_length=1, description="ISIC section letter, e.g. C.")
    status: CompanyStatus | None = None
    knowledge_based: bool | None = Field(
        None, description="Holds a knowledge-based certificate valid on `on`."
    )
    certificate_class: CertificateClass | None = Field(
        None, description="Holds a certificate of this class valid on `on`."
    )
    expiring: bool = Field(
        False,
        description=(
            f"Knowledge-based on `on`, but the last certificate runs out within "
            f"{selectors.EXPIRING_DAYS} days."
        ),
    )
    on: GregorianDate | None = Field(
        None, description="The day the certificate filters refer to; today if absent."
    )
    sort: CompanySort = "name"
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CompanyItem(Schema):
    national_id: str
    legal_name: str
    economic_code: str
    county: CountyOut
    estate: EstateOut | None
    activity: ActivityOut | None
    status: CompanyStatus
    status_since: dt.date | None
    employees: int | None
    is_knowledge_based: bool = Field(description="Holds a valid certificate on the day asked.")


class CompanyPage(Schema):
    items: list[CompanyItem]
    next_offset: int | None = Field(
        description="The `offset` of the next page; null on the last page. Totals are not counted."
    )


class ProductOut(Schema):
    name: str
    hs_code: str


class LicenceOut(Schema):
    kind: str
    number: str
    issuer: str
    issued_on: dt.date
    expires_on: dt.date | None


class ContactOut(Schema):
    name: str
    title: str
    phone: str
    email: str


class CompanyRef(Schema):
    national_id: str
    legal_name: str


class CertificateOut(Schema):
    number: str
    company: CompanyRef
    certificate_class: CertificateClass
    issued_on: dt.date
    expires_on: dt.date
    revoked_on: dt.date | None
    approved_products: list[str]

    @staticmethod
    def resolve_approved_products(obj: Any) -> list[str]:
        return list(obj.approved_product_list())


def _financials_visible(obj: Company, context: Any) -> bool:
    request = (context or {}).get("request")
    user = getattr(request, "auth", None)
    return user is not None and selectors.can_see_financials(user, obj)


class CompanyDetail(CompanyItem):
    province: ProvinceOut
    address: str
    postal_code: str
    updated_at: dt.datetime
    financials_visible: bool = Field(
        description=(
            "Whether the caller may see the debts (the province's secretariat and executive, "
            "and the company itself). When false, the three amounts are null whatever they are."
        )
    )
    bank_debt: int | None = Field(description="Rial; null when unknown or not visible.")
    tax_debt: int | None = Field(description="Rial; null when unknown or not visible.")
    insurance_debt: int | None = Field(description="Rial; null when unknown or not visible.")
    products: list[ProductOut]
    licences: list[LicenceOut]
    contacts: list[ContactOut]
    certificates: list[CertificateOut]

    @staticmethod
    def resolve_is_knowledge_based(obj: Company) -> bool:
        # Today, from the prefetched certificates (the detail has no `on` parameter).
        today = timezone.localdate()
        return any(certificate.is_valid_on(today) for certificate in obj.certificates.all())

    @staticmethod
    def resolve_financials_visible(obj: Company, context: Any) -> bool:
        return _financials_visible(obj, context)

    @staticmethod
    def resolve_bank_debt(obj: Company, context: Any) -> int | None:
        return obj.bank_debt if _financials_visible(obj, context) else None

    @staticmethod
    def resolve_tax_debt(obj: Company, context: Any) -> int | None:
        return obj.tax_debt if _financials_visible(obj, context) else None

    @staticmethod
    def resolve_insurance_debt(obj: Company, context: Any) -> int | None:
        return obj.insurance_debt if _financials_visible(obj, context) else None


_IDENTIFIER_HELP = "Persian or Arabic-Indic digits, spaces and dashes are accepted."


class CompanyCreateIn(Schema):
    national_id: str = Field(
        min_length=1, max_length=40, description=f"11 digits. {_IDENTIFIER_HELP}"
    )
    legal_name: str = Field(min_length=1, max_length=255)
    county: str = Field(description="County code, e.g. 2603.")
    estate: int | None = Field(
        None, ge=1, le=MAX_ID, description="Industrial estate id, in the same province."
    )
    economic_code: str = Field(
        "", max_length=40, description=f"11 or 14 digits. {_IDENTIFIER_HELP}"
    )
    activity: str | None = Field(None, description="ISIC Rev.4 class code.")
    address: str = ""
    postal_code: str = Field("", max_length=30, description="10 digits.")
    status: CompanyStatus = CompanyStatus.OPERATING
    status_since: GregorianDate | None = None
    employees: int | None = Field(None, ge=0, le=MAX_EMPLOYEES)
    bank_debt: int | None = Field(None, ge=0, le=MAX_RIAL, description="Rial.")
    tax_debt: int | None = Field(None, ge=0, le=MAX_RIAL, description="Rial.")
    insurance_debt: int | None = Field(None, ge=0, le=MAX_RIAL, description="Rial.")


class CompanyUpdateIn(Schema):
    """Send only the fields to change; `null` clears the nullable ones. The national ID never
    changes, and status changes keep a history of their own (not in this API yet)."""

    legal_name: str | None = Field(None, min_length=1, max_length=255)
    economic_code: str | None = Field(None, max_length=40, description="Empty string clears it.")
    county: str | None = Field(None, description="County code, within the company's province.")
    estate: int | None = Field(None, ge=1, le=MAX_ID)
    activity: str | None = None
    address: str | None = None
    postal_code: str | None = Field(None, max_length=30)
    employees: int | None = Field(None, ge=0, le=MAX_EMPLOYEES)
    bank_debt: int | None = Field(None, ge=0, le=MAX_RIAL)
    tax_debt: int | None = Field(None, ge=0, le=MAX_RIAL)
    insurance_debt: int | None = Field(None, ge=0, le=MAX_RIAL)

    @field_validator("legal_name", "economic_code", "county", "address", "postal_code")
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        # Validators run only on fields that were sent, so an explicit null lands here.
        if value is None:
            raise ValueError(_("This field cannot be null."))
        return value


# --- Certificates --------------------------------------------------------------------------------


class CertificateFiltersIn(Schema):
    company: str | None = Field(None, description="The company's national ID.")
    valid_on: GregorianDate | None = Field(None, description="Certificates valid on this day.")
    expiring_within: int | None = Field(
        None,
        ge=0,
        le=3650,
        description="Valid on `valid_on` (today if absent) and expiring within this many days.",
    )
    certificate_class: CertificateClass | None = Field(None, alias="class")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CertificatePage(Schema):
    items: list[CertificateOut]
    next_offset: int | None


class CertificateCreateIn(Schema):
    number: str = Field(min_length=1, max_length=50)
    certificate_class: CertificateClass = Field(
        description=(
            "Issued before 2023-07-23 (1402/05/01): production_1, production_2, startup_1, "
            "startup_2, production_3; since then: startup, innovator, technologist."
        )
    )
    issued_on: GregorianDate
    expires_on: GregorianDate
    approved_products: list[str] = Field(default_factory=list)


# --- Knowledge-based figures ---------------------------------------------------------------------


class TargetOut(Schema):
    count: int
    due_on: dt.date


class SeriesPoint(Schema):
    date: dt.date = Field(description="The last day of a Jalali month, or `to` for the last point.")
    count: int = Field(description="Companies with a certificate valid on that day.")


class SeriesOut(Schema):
    province: str
    target: TargetOut | None
    points: list[SeriesPoint]
