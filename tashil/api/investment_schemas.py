"""Input and output shapes of the investments API: projects, export figures, official visits,
sector shares, and the reference lists a client fills its selects from (one per operation;
shared pieces are nested).

As in the rest of the API, dates are ISO 8601 Gregorian on the wire. Two numbers are Jalali
years, because the province reports by them: an export figure's `year` (1404 = 21 March 2025 –
20 March 2026) and the projects' `opening_year` filter.

Money is sent flat (`amount`, `currency`, `rate`, `rate_on`), so an error names the field at
fault (`rate` for a dollar amount without its rate), and answered nested (`investment`, `value`)
with `amount_rial`, the rial value every total adds. Amounts are decimal strings on output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import (
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)
from pydantic_core import PydanticCustomError

from tashil.api.case_schemas import MAX_TEXT, TextIn, UserRef
from tashil.api.meeting_schemas import MeetingRef
from tashil.api.schemas import (
    MAX_ID,
    MAX_OFFSET,
    CompanyRef,
    CountyOut,
    EstateOut,
    GregorianDate,
    LocalTime,
    ProvinceOut,
)
from tashil.core.money import Currency
from tashil.investments.models import (
    FIRST_YEAR,
    LAST_YEAR,
    ExportKind,
    ItineraryKind,
    ProjectUpdate,
    ShareBasis,
)
from tashil.investments.workflow import ProjectStatus

# Rials per dollar: today's rate is about a million; a thousand times that is a typo.
MAX_RATE = 10**12
# Jobs and product types of one line.
MAX_COUNT = 10_000_000
# The whole digits the amount and share columns hold (20 and 14 digits, two of them decimals).
AMOUNT_DIGITS = 18
SHARE_DIGITS = 12


def _label(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value not in ("", None) else ""


def _decimal(whole_digits: int) -> Callable[[Any, ValidatorFunctionWrapHandler], Decimal]:
    """A non-negative decimal with at most two decimal places and `whole_digits` digits before
    the point, refused with the API's codes and a message in the user's language (pydantic's
    own are English)."""

    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Decimal:
        if isinstance(value, bool):
            raise PydanticCustomError("decimal_parsing", str(_("Enter a number.")))
        try:
            number: Decimal = handler(value)
        except ValidationError:
            raise PydanticCustomError("decimal_parsing", str(_("Enter a number."))) from None
        if not number.is_finite():
            raise PydanticCustomError("decimal_parsing", str(_("Enter a number.")))
        if number < 0:
            raise PydanticCustomError(
                "greater_than_equal", str(_("Enter a value of at least %(limit)s.") % {"limit": 0})
            )
        # Before the places: quantizing a number beyond the decimal context's 28 digits
        # (3.9e61 from a fuzzer) raises InvalidOperation, a server error.
        if number >= Decimal(10) ** whole_digits:
            raise PydanticCustomError(
                "decimal_whole_digits",
                str(_("Enter at most %(digits)s digits before the decimal point."))
                % {"digits": whole_digits},
            )
        if number != number.quantize(Decimal("0.01")):
            raise PydanticCustomError(
                "decimal_max_places", str(_("Enter at most two decimal places."))
            )
        return number

    return check


Amount = Annotated[Decimal, WrapValidator(_decimal(AMOUNT_DIGITS))]
ShareValue = Annotated[Decimal, WrapValidator(_decimal(SHARE_DIGITS))]
JalaliYear = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]


class _NotNull(TextIn):
    """PATCH input: send only what changes. Fields listed in `NOT_NULL` may be left out but not
    sent as null."""

    NOT_NULL: ClassVar[tuple[str, ...]] = ()

    @field_validator("*")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        # Validators run only on fields that were sent, so an explicit null lands here.
        if value is None and info.field_name in cls.NOT_NULL:
            raise ValueError(_("This field cannot be null."))
        return value


# --- Shared pieces -------------------------------------------------------------------------------


class SectorOut(Schema):
    code: str = Field(description="Stable code, e.g. `detergents`; filters take it.")
    name: str
    name_en: str


class CountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2, e.g. `RU`.")
    name: str
    name_en: str


class CountryGroupRef(Schema):
    code: str = Field(description="Stable code, e.g. `arab_league`.")
    name: str
    name_en: str


class MoneyOut(Schema):
    amount: Decimal = Field(description="As entered, in `currency` (a decimal string).")
    currency: Currency = Field(description="`IRR` rial, `IRT` toman (10 rials), `USD`.")
    currency_label: str
    rate: int | None = Field(description="Rials per dollar the amount is counted at (USD only).")
    rate_on: dt.date | None = Field(description="The day of that rate (USD only).")
    amount_rial: int = Field(description="The amount in rials: what every total adds.")

    @staticmethod
    def resolve_currency_label(obj: Any) -> str:
        return _label(Currency, obj.currency)


class MoneyIn(TextIn):
    amount: Amount = Field(description="In `currency`; at most two decimals (dollars only).")
    currency: Currency = Field(Currency.RIAL, description="`IRR` rial, `IRT` toman, `USD`.")
    rate: int | None = Field(
        None, ge=1, le=MAX_RATE, description="Rials per dollar; required for `USD`, else absent."
    )
    rate_on: GregorianDate | None = Field(
        None, description="The day of the rate; required for `USD`, else absent."
    )


class ProjectRef(Schema):
    id: int
    title: str


class PageOf(Schema):
    next_offset: int | None = Field(
        description="The `offset` of the next page; null on the last page. Totals are not counted."
    )


# --- Projects ------------------------------------------------------------------------------------


class ProjectFiltersIn(TextIn):
    q: str = Field("", max_length=200, description="Words of the title or the company's name.")
    county: str | None = Field(None, max_length=10, description="County code, e.g. 2603.")
    estate: int | None = Field(None, ge=1, le=MAX_ID, description="Industrial estate id.")
    status: ProjectStatus | None = None
    sector: str | None = Field(None, max_length=40, description="Sector code (see `/sectors`).")
    opening_year: JalaliYear | None = Field(
        None,
        description=(
            "A Jalali year, e.g. 1404: lines opened in it, or not yet open and planned to open "
            "in it."
        ),
    )
    company: str | None = Field(None, max_length=40, description="The company's national ID.")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ProjectItem(Schema):
    id: int
    title: str
    company: CompanyRef
    sector: SectorOut
    county: CountyOut
    estate: EstateOut | None
    status: ProjectStatus
    status_label: str
    progress: int = Field(description="Physical progress, 0–100 %.")
    investment: MoneyOut
    jobs_planned: int | None
    jobs_created: int | None
    product_types: int | None = Field(description="Number of product types; null when unknown.")
    planned_opening_on: dt.date | None
    opened_on: dt.date | None = Field(description="Set exactly when the status is `operating`.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return _label(ProjectStatus, obj.status)

    @staticmethod
    def resolve_investment(obj: Any) -> Any:
        return obj

    @staticmethod
    def resolve_estate(obj: Any) -> Any:
        return obj.estate if obj.estate_id else None


class ProjectPage(PageOf):
    items: list[ProjectItem]


class FigureSourceOut(Schema):
    source: str = Field(description="Who gave the figure: the company, an agency, a speech…")
    on: dt.date = Field(description="The day the figure is as of.")
    update: int = Field(description="The history row that set it (see `updates`).")

    @staticmethod
    def resolve_update(obj: Any) -> int:
        return int(obj.pk)


class ProjectUpdateOut(Schema):
    id: int
    kind: str = Field(description="`created`, `updated`, `progress` or `opened`.")
    kind_label: str
    on: dt.date = Field(description="The day the figures are as of.")
    source: str
    note: str
    changes: dict[str, list[Any]] = Field(
        description=(
            "Field → `[old, new]` (old is null on creation). Dates are ISO strings, amounts "
            "decimal strings, linked rows their names."
        )
    )
    item: int | None = Field(description="The itinerary item of a visit that opened the line.")
    visit: int | None = Field(description="The visit of that item.")
    actor: UserRef | None
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return _label(ProjectUpdate.Kind, obj.kind)

    @staticmethod
    def resolve_item(obj: Any) -> int | None:
        return obj.item_id

    @staticmethod
    def resolve_visit(obj: Any) -> int | None:
        return obj.item.visit_id if obj.item_id else None

    @staticmethod
    def resolve_actor(obj: Any) -> Any:
        return obj.actor if obj.actor_id else None


class ExportFigureOut(Schema):
    id: int
    company: CompanyRef
    project: ProjectRef | None
    kind: ExportKind
    kind_label: str
    year: int = Field(description="The Jalali year, e.g. 1404.")
    country: CountryOut | None = Field(description="The destination, when a country.")
    group: CountryGroupRef | None = Field(description="The destination, when a group.")
    value: MoneyOut
    source: str
    note: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return _label(ExportKind, obj.kind)

    @staticmethod
    def resolve_project(obj: Any) -> Any:
        return obj.project if obj.project_id else None

    @staticmethod
    def resolve_country(obj: Any) -> Any:
        return obj.country if obj.country_id else None

    @staticmethod
    def resolve_group(obj: Any) -> Any:
        return obj.group if obj.group_id else None

    @staticmethod
    def resolve_value(obj: Any) -> Any:
        return obj


class ProjectDetail(ProjectItem):
    province: ProvinceOut
    description: str
    created_at: dt.datetime
    can_edit: bool = Field(description="Whether you may change it.")
    sources: dict[str, FigureSourceOut] = Field(
        description=(
            "For each figure (`title`, `jobs_created`, `progress`, `status`…, and `investment` "
            "for the money), the latest update that set it: published figures disagree, so "
            "each says where it comes from."
        )
    )
    export_figures: list[ExportFigureOut] = Field(
        description="The line's export forecasts and actuals you may see, newest year first."
    )
    updates: list[ProjectUpdateOut] = Field(description="The history, newest first.")


PROJECT_FIGURES_HELP = (
    "Each change is recorded with its `source` (required) as of `on` (today if absent)."
)


class ProjectCreateIn(MoneyIn):
    company: str = Field(
        min_length=1, max_length=40, description="The company's national ID (11 digits)."
    )
    title: str = Field(min_length=1, max_length=255)
    sector: str = Field(min_length=1, max_length=40, description="Sector code (see `/sectors`).")
    source: str = Field(min_length=1, max_length=255, description="Where the figures come from.")
    on: GregorianDate | None = Field(None, description="The day the figures are as of.")
    county: str | None = Field(
        None, max_length=10, description="County code; the company's county if absent."
    )
    estate: int | None = Field(
        None, ge=1, le=MAX_ID, description="Estate id; the company's estate if `county` is absent."
    )
    description: str = Field("", max_length=MAX_TEXT)
    jobs_planned: int | None = Field(None, ge=0, le=MAX_COUNT)
    jobs_created: int | None = Field(None, ge=0, le=MAX_COUNT)
    product_types: int | None = Field(None, ge=0, le=MAX_COUNT)
    progress: int = Field(0, ge=0, le=100, description="Physical progress, %.")
    status: ProjectStatus = ProjectStatus.PLANNED
    planned_opening_on: GregorianDate | None = None
    opened_on: GregorianDate | None = Field(
        None, description="Required for an `operating` line, refused otherwise."
    )


class ProjectUpdateIn(_NotNull):
    """Send only what changes, with the `source` of the new figures. Money: send the fields
    that change; a currency other than `USD` drops the rate unless one is sent."""

    NOT_NULL = (
        *("title", "sector", "county", "description", "progress", "status"),
        *("amount", "currency"),
    )

    source: str = Field(
        min_length=1, max_length=255, description="Where the new figures come from."
    )
    on: GregorianDate | None = Field(None, description="The day they are as of; today if absent.")
    note: str = Field("", max_length=MAX_TEXT)
    title: str | None = Field(None, min_length=1, max_length=255)
    sector: str | None = Field(None, max_length=40, description="Sector code.")
    county: str | None = Field(None, max_length=10, description="County code.")
    estate: int | None = Field(None, ge=1, le=MAX_ID, description="Estate id; null clears it.")
    description: str | None = Field(None, max_length=MAX_TEXT)
    jobs_planned: int | None = Field(None, ge=0, le=MAX_COUNT)
    jobs_created: int | None = Field(None, ge=0, le=MAX_COUNT)
    product_types: int | None = Field(None, ge=0, le=MAX_COUNT)
    progress: int | None = Field(None, ge=0, le=100)
    status: ProjectStatus | None = Field(
        None, description="Moves along the project's lifecycle; `operating` needs `opened_on`."
    )
    planned_opening_on: GregorianDate | None = None
    opened_on: GregorianDate | None = None
    amount: Amount | None = None
    currency: Currency | None = None
    rate: int | None = Field(None, ge=1, le=MAX_RATE)
    rate_on: GregorianDate | None = None


class ProgressIn(TextIn):
    source: str = Field(min_length=1, max_length=255)
    on: GregorianDate | None = Field(None, description="The day of the report; today if absent.")
    progress: int | None = Field(None, ge=0, le=100, description="Physical progress, %.")
    jobs_created: int | None = Field(None, ge=0, le=MAX_COUNT)
    status: ProjectStatus | None = Field(None, description="When it changed.")
    note: str = Field("", max_length=MAX_TEXT)


class OpenIn(TextIn):
    on: GregorianDate = Field(description="The day the line opened (not in the future).")
    source: str = Field(min_length=1, max_length=255)


# --- Export figures ------------------------------------------------------------------------------


class ExportFiltersIn(TextIn):
    year: JalaliYear | None = Field(None, description="A Jalali year, e.g. 1404.")
    kind: ExportKind | None = None
    company: str | None = Field(None, max_length=40, description="The company's national ID.")
    project: int | None = Field(None, ge=1, le=MAX_ID, description="A project's id.")


class ExportListIn(ExportFiltersIn):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ExportPage(PageOf):
    items: list[ExportFigureOut]


class ExportRecordIn(MoneyIn):
    company: str = Field(min_length=1, max_length=40, description="The company's national ID.")
    project: int | None = Field(
        None, ge=1, le=MAX_ID, description="One of the company's projects, or none."
    )
    kind: ExportKind
    year: JalaliYear = Field(description="A Jalali year, e.g. 1404.")
    country: str | None = Field(
        None, max_length=2, description="ISO alpha-2 code; give `country` or `group`, not both."
    )
    group: str | None = Field(None, max_length=40, description="Country group code.")
    source: str = Field(min_length=1, max_length=255)
    note: str = Field("", max_length=MAX_TEXT)


class ExportRecordOut(Schema):
    result: Literal["created", "updated", "unchanged"] = Field(
        description=(
            "A figure for the same company, project, kind, year and destination is updated "
            "rather than added."
        )
    )
    figure: ExportFigureOut


class RemovedOut(Schema):
    id: int = Field(description="The id the removed row had.")


class AmountsOut(Schema):
    rial: int = Field(description="The sum in rials.")
    by_currency: dict[str, Decimal] = Field(
        description="The sums as entered, per currency code (decimal strings)."
    )
    count: int = Field(description="Figures counted.")


class CountryTotalOut(Schema):
    country: CountryOut
    amounts: AmountsOut


class GroupTotalOut(Schema):
    group: CountryGroupRef
    amounts: AmountsOut


class ExportTotalsOut(Schema):
    total: AmountsOut = Field(description="Every figure once.")
    by_country: list[CountryTotalOut] = Field(
        description="Figures given for a country, largest first."
    )
    by_group: list[GroupTotalOut] = Field(
        description=(
            "A group's own figures and those of its member countries; a country in two groups "
            "counts in each. Largest first."
        )
    )

    @staticmethod
    def resolve_by_country(obj: Any) -> list[dict[str, Any]]:
        return [{"country": country, "amounts": sums} for country, sums in obj.by_country]

    @staticmethod
    def resolve_by_group(obj: Any) -> list[dict[str, Any]]:
        return [{"group": group, "amounts": sums} for group, sums in obj.by_group]


# --- Visits --------------------------------------------------------------------------------------


class VisitFiltersIn(Schema):
    year: JalaliYear | None = Field(None, description="Visits that start in this Jalali year.")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class VisitItem(Schema):
    id: int
    province: ProvinceOut
    title: str
    visitor_name: str
    visitor_title: str
    starts_on: dt.date
    ends_on: dt.date
    item_count: int = Field(description="Stops on the programme.")


class VisitPage(PageOf):
    items: list[VisitItem]


class ItineraryItemOut(Schema):
    id: int
    day: dt.date
    starts_at: LocalTime | None = Field(description="Local (Tehran) time; null when not fixed.")
    position: int
    kind: ItineraryKind
    kind_label: str
    title: str
    place: str
    note: str
    company: CompanyRef | None
    project: ProjectRef | None = Field(description="An opening's project; any stop may name one.")
    meeting: MeetingRef | None = Field(description="An HQ session held on the visit.")

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return _label(ItineraryKind, obj.kind)

    @staticmethod
    def resolve_company(obj: Any) -> Any:
        return obj.company if obj.company_id else None

    @staticmethod
    def resolve_project(obj: Any) -> Any:
        return obj.project if obj.project_id else None

    @staticmethod
    def resolve_meeting(obj: Any) -> Any:
        return obj.meeting if obj.meeting_id else None


class KindCountOut(Schema):
    kind: ItineraryKind
    label: str
    count: int


class OpeningOut(Schema):
    item: int = Field(description="The itinerary item.")
    day: dt.date
    title: str
    project: int


class OpenedProjectOut(Schema):
    id: int
    title: str
    company: CompanyRef
    sector: SectorOut
    status: ProjectStatus
    opened_on: dt.date | None
    investment: MoneyOut
    jobs_planned: int | None
    jobs_created: int | None
    product_types: int | None

    @staticmethod
    def resolve_investment(obj: Any) -> Any:
        return obj


class VisitFiguresOut(Schema):
    kinds: list[KindCountOut] = Field(description="Stops by kind, in the kinds' order.")
    openings: list[OpeningOut]
    opened_projects: list[OpenedProjectOut] = Field(description="Each opened line once.")
    investment_rial: int = Field(description="The opened lines' investment, in rials.")
    jobs: int = Field(description="Their jobs: created where known, else planned.")
    product_types: int
    forecast_year: int | None = Field(
        description="The Jalali year of `export_forecast`: the first forecast year from the "
        "visit's year on, else the latest one."
    )
    export_forecast: ExportTotalsOut = Field(
        description="The opened lines' export forecast for `forecast_year` (one year, never "
        "several added up), limited to what the caller may see."
    )


class VisitDetail(VisitItem):
    summary: str = Field(description="The secretariat's text about the visit.")
    can_edit: bool = Field(description="Whether you may change the visit and its programme.")
    items: list[ItineraryItemOut] = Field(description="The programme, by day and time.")
    figures: VisitFiguresOut = Field(
        description="What a press brief quotes: the stops by kind and the lines opened."
    )


class VisitCreateIn(TextIn):
    province: str | None = Field(
        None,
        max_length=2,
        description="Province code; needed only by a secretariat of more than one province.",
    )
    title: str = Field(min_length=1, max_length=255)
    visitor_name: str = Field(min_length=1, max_length=255)
    visitor_title: str = Field(
        min_length=1, max_length=255, description="e.g. the government spokesperson."
    )
    starts_on: GregorianDate
    ends_on: GregorianDate | None = Field(None, description="The first day if absent.")
    summary: str = Field("", max_length=MAX_TEXT)


class VisitUpdateIn(_NotNull):
    NOT_NULL = ("title", "visitor_name", "visitor_title", "starts_on", "ends_on", "summary")

    title: str | None = Field(None, min_length=1, max_length=255)
    visitor_name: str | None = Field(None, min_length=1, max_length=255)
    visitor_title: str | None = Field(None, min_length=1, max_length=255)
    starts_on: GregorianDate | None = None
    ends_on: GregorianDate | None = None
    summary: str | None = Field(None, max_length=MAX_TEXT)


LINKS_HELP = (
    "`company` is a national ID, `project` and `meeting` ids, all of the visit's province; a "
    "project brings its company."
)


class ItemIn(TextIn):
    day: GregorianDate = Field(description="One of the visit's days.")
    starts_at: LocalTime | None = Field(None, description="Local (Tehran) time, e.g. `10:30`.")
    kind: ItineraryKind
    title: str = Field(min_length=1, max_length=255)
    place: str = Field("", max_length=255)
    note: str = Field("", max_length=MAX_TEXT)
    company: str | None = Field(None, max_length=40, description="The company's national ID.")
    project: int | None = Field(
        None, ge=1, le=MAX_ID, description="Required for an `opening`: the line it opens."
    )
    meeting: int | None = Field(None, ge=1, le=MAX_ID, description="An HQ session's id.")


class ItemUpdateIn(_NotNull):
    NOT_NULL = ("day", "kind", "title", "place", "note")

    day: GregorianDate | None = None
    starts_at: LocalTime | None = None
    kind: ItineraryKind | None = None
    title: str | None = Field(None, min_length=1, max_length=255)
    place: str | None = Field(None, max_length=255)
    note: str | None = Field(None, max_length=MAX_TEXT)
    company: str | None = Field(None, max_length=40, description="National ID; null clears it.")
    project: int | None = Field(None, ge=1, le=MAX_ID, description="Null clears it.")
    meeting: int | None = Field(None, ge=1, le=MAX_ID, description="Null clears it.")


# --- Sector shares -------------------------------------------------------------------------------


class ShareFiltersIn(TextIn):
    sector: str | None = Field(None, max_length=40, description="Sector code (see `/sectors`).")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ShareOut(Schema):
    id: int
    province: ProvinceOut
    sector: SectorOut
    basis: ShareBasis = Field(description="`output`: of national output; `need`: of the need.")
    basis_label: str
    value: Decimal = Field(description="A decimal string, in `unit`.")
    unit: str = Field(description="`%` unless the source gave another unit.")
    source: str = Field(description="Who stated it.")
    source_url: str
    stated_on: dt.date
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_basis_label(obj: Any) -> str:
        return _label(ShareBasis, obj.basis)


class SharePage(PageOf):
    items: list[ShareOut]


class ShareCreateIn(TextIn):
    province: str | None = Field(
        None,
        max_length=2,
        description="Province code; needed only by a secretariat of more than one province.",
    )
    sector: str = Field(min_length=1, max_length=40, description="Sector code.")
    basis: ShareBasis
    value: ShareValue = Field(description="At most 100 when the unit is `%`.")
    unit: str = Field("%", max_length=40)
    source: str = Field(min_length=1, max_length=255)
    source_url: str = Field("", max_length=200)
    stated_on: GregorianDate = Field(description="When the source stated it; not in the future.")
    note: str = Field("", max_length=MAX_TEXT)


class ShareUpdateIn(_NotNull):
    NOT_NULL = ("sector", "basis", "value", "unit", "source", "source_url", "stated_on", "note")

    sector: str | None = Field(None, max_length=40)
    basis: ShareBasis | None = None
    value: ShareValue | None = None
    unit: str | None = Field(None, max_length=40)
    source: str | None = Field(None, min_length=1, max_length=255)
    source_url: str | None = Field(None, max_length=200)
    stated_on: GregorianDate | None = None
    note: str | None = Field(None, max_length=MAX_TEXT)


# --- Reference lists -----------------------------------------------------------------------------


class CountryItem(CountryOut):
    alpha3: str


class CountryGroupOut(CountryGroupRef):
    members: list[str] = Field(description="The members' alpha-2 codes, sorted.")

    @staticmethod
    def resolve_members(obj: Any) -> list[str]:
        return sorted(country.code for country in obj.members.all())
