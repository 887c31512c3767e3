"""Importing investment projects and export figures from Excel (.xlsx) or CSV files, on top of
`core.spreadsheets` (the same reading, all-or-nothing and row-level errors as the registry
import). Every row goes through the services, so projects keep their update history (with the
row's source and as-of date) and export figures their events.

Re-importing a file is idempotent:
- a project is matched by its company and its title (compared as a compact key, so spaces and
  ZWNJs do not matter); a matched row changes only the figures whose cells are filled, through
  `services.project_update` (one history row), or reports «unchanged»;
- an export figure is matched by the key `services.export_record` upserts on (company, project,
  kind, year, destination).

Money is read from the amount, currency, rate and rate-date cells together: an amount needs its
currency (a figure without its unit is off by ten), and a dollar amount its rate and the rate's
date, as the service requires; a stored rate is never borrowed for a new amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tashil.core.forms import LONG_TEXT_LENGTH
from tashil.core.jalali import is_persian_ui
from tashil.core.money import Currency, Money
from tashil.core.spreadsheets import (
    CellError,
    Column,
    ErrorFn,
    GuideList,
    Importer,
    ProvincePlaces,
    Row,
    check_unique,
    choice_parser,
    chunks,
    clean,
    parse_count,
    parse_date,
    parse_decimal,
    parse_national_id,
    parse_percent,
    register,
    text_parser,
)
from tashil.core.text import compact_key, to_persian_digits
from tashil.geo.models import Country, CountryGroup, Province
from tashil.investments.models import (
    FIRST_YEAR,
    LAST_YEAR,
    ExportFigure,
    ExportKind,
    Project,
    ProjectUpdate,
    Sector,
)
from tashil.investments.services import export_record, project_create, project_update
from tashil.investments.workflow import ProjectStatus
from tashil.registry.models import Company

# The Persian names used in the HQ's spreadsheets, accepted besides the value and the English
# and Persian labels; the first name is the one the template lists.
STATUS_NAMES_FA: dict[str, tuple[str, ...]] = {
    ProjectStatus.PLANNED: ("در برنامه", "برنامه‌ریزی‌شده", "در دست مطالعه"),
    ProjectStatus.UNDER_CONSTRUCTION: (
        "در حال اجرا",
        "در دست اجرا",
        "در حال احداث",
        "در دست احداث",
        "در حال ساخت",
    ),
    ProjectStatus.OPERATING: (
        "در حال بهره‌برداری",
        "بهره‌برداری‌شده",
        "افتتاح‌شده",
        "به بهره‌برداری رسیده",
    ),
    ProjectStatus.STALLED: ("متوقف", "متوقف‌شده", "راکد"),
}
CURRENCY_NAMES_FA: dict[str, tuple[str, ...]] = {
    Currency.RIAL: ("ریال", "rial"),
    Currency.TOMAN: ("تومان", "toman"),
    Currency.USD: ("دلار", "دلار آمریکا", "$", "dollar"),
}
KIND_NAMES_FA: dict[str, tuple[str, ...]] = {
    ExportKind.FORECAST: ("پیش‌بینی", "برآورد", "هدف"),
    ExportKind.ACTUAL: ("واقعی", "محقق‌شده", "عملکرد"),
}

PROJECT_KIND = "projects"
EXPORT_KIND = "exports"
MONEY_KEYS = ("amount", "currency", "rate", "rate_on")
# What the columns hold: a longer cell is refused on its column, not by the database.
TITLE_LENGTH = Project._meta.get_field("title").max_length or 255
SOURCE_LENGTH = ProjectUpdate._meta.get_field("source").max_length or 255


def _money_columns(*, required: bool, amount: str, amount_help: Promise) -> tuple[Column, ...]:
    return (
        Column("amount", amount, required, 18, amount_help, "4000000"),
        Column(
            "currency",
            "واحد پول",
            required,
            12,
            gettext_lazy(
                "ریال، تومان or دلار (or IRR, IRT, USD). Required with an amount: a toman is ten "
                "rials."
            ),
            "دلار",
        ),
        Column(
            "rate",
            "نرخ ارز",
            False,
            14,
            gettext_lazy("Rials per dollar. Required with a dollar amount, and only then."),
            "1050000",
        ),
        Column(
            "rate_on",
            "تاریخ نرخ ارز",
            False,
            14,
            gettext_lazy("The Jalali date of the exchange rate. Required with a dollar amount."),
            "1404/09/19",
        ),
    )


NATIONAL_ID_COLUMN = Column(
    "national_id",
    "شناسه ملی شرکت",
    True,
    16,
    gettext_lazy("The 11-digit national ID of a company registered in the province."),
    "10380284790",
)
SOURCE_COLUMN = Column(
    "source",
    "منبع",
    True,
    24,
    gettext_lazy(
        "Where the figures of the row come from: the company, an agency, a speech, a news report."
    ),
    "اداره کل صمت استان",
)

PROJECT_COLUMNS: tuple[Column, ...] = (
    NATIONAL_ID_COLUMN,
    Column(
        "title",
        "عنوان طرح",
        True,
        36,
        gettext_lazy(
            "The project or production line. A row whose company already has a project of this "
            "title updates that project."
        ),
        "خط تولید محصولات آرایشی و بهداشتی",
    ),
    Column(
        "sector",
        "بخش",
        False,
        22,
        gettext_lazy(
            "One of the sectors listed below, by name or code. Required for a new project."
        ),
        "آرایشی و بهداشتی",
    ),
    Column(
        "county",
        "شهرستان",
        False,
        16,
        gettext_lazy(
            "Where the line is, by name or four-digit code; the company's county when empty."
        ),
        "البرز",
    ),
    Column(
        "estate",
        "شهرک یا ناحیه صنعتی",
        False,
        22,
        gettext_lazy("An industrial city, estate or zone of the province, by name."),
        "کاسپین",
    ),
    *_money_columns(
        required=False,
        amount="مبلغ سرمایه‌گذاری",
        amount_help=gettext_lazy(
            "The investment, in the currency of the next column (dollars may have cents). "
            "Required for a new project."
        ),
    ),
    Column("jobs_planned", "اشتغال پیش‌بینی‌شده", False, 14, gettext_lazy("A whole number."), "100"),
    Column("jobs_created", "اشتغال ایجادشده", False, 14, gettext_lazy("A whole number."), "100"),
    Column(
        "product_types",
        "تعداد انواع محصول",
        False,
        14,
        gettext_lazy("The number of product types, a whole number."),
        "90",
    ),
    Column(
        "progress",
        "درصد پیشرفت فیزیکی",
        False,
        14,
        gettext_lazy("A whole percentage from 0 to 100."),
        "95",
    ),
    Column(
        "status",
        "وضعیت",
        False,
        16,
        gettext_lazy(
            "One of the statuses listed below; a new project without one is planned. An "
            "operating line needs its opening date."
        ),
        "در حال اجرا",
    ),
    Column(
        "planned_opening_on",
        "تاریخ پیش‌بینی افتتاح",
        False,
        14,
        gettext_lazy("A Jalali date."),
        "1404/09/24",
    ),
    Column(
        "opened_on",
        "تاریخ افتتاح",
        False,
        14,
        gettext_lazy("The Jalali date the line opened; only for an operating line."),
        "",
    ),
    SOURCE_COLUMN,
    Column(
        "on",
        "تاریخ آمار",
        False,
        14,
        gettext_lazy("The Jalali date the figures of the row are as of; today when empty."),
        "1404/09/20",
    ),
)

EXPORT_COLUMNS: tuple[Column, ...] = (
    NATIONAL_ID_COLUMN,
    Column(
        "project",
        "عنوان طرح",
        False,
        30,
        gettext_lazy(
            "Optional: the title of a project of that company, already recorded. Empty for a "
            "figure of the whole company."
        ),
        "خط تولید محصولات آرایشی و بهداشتی",
    ),
    Column(
        "kind",
        "نوع رقم",
        True,
        12,
        gettext_lazy("پیش‌بینی (a forecast) or واقعی (an actual figure)."),
        "پیش‌بینی",
    ),
    Column(
        "year",
        "سال",
        True,
        8,
        gettext_lazy("The Jalali year, for example 1404."),
        "1404",
    ),
    Column(
        "destination",
        "مقصد",
        True,
        24,
        gettext_lazy(
            "A country (Persian or English name, or its two- or three-letter ISO code) or a "
            "group of countries (name or code), as listed below."
        ),
        "کشورهای عربی",
    ),
    *_money_columns(
        required=True,
        amount="مبلغ",
        amount_help=gettext_lazy(
            "The export value, in the currency of the next column (dollars may have cents)."
        ),
    ),
    SOURCE_COLUMN,
    Column("note", "توضیحات", False, 30, gettext_lazy("Optional."), ""),
)

# Fields the services name in their ValidationErrors, mapped to these imports' columns.
SERVICE_FIELDS = {
    "company": "national_id",
    "search_key": "title",
    "country": "destination",
    "group": "destination",
    "amount_rial": "amount",
}


def _year_text(year: int) -> str:
    return to_persian_digits(str(year)) if is_persian_ui() else str(year)


def _parse_year(value: Any) -> int:
    message = _("Enter a Jalali year from %(first)s to %(last)s.") % {
        "first": _year_text(FIRST_YEAR),
        "last": _year_text(LAST_YEAR),
    }
    try:
        year = parse_count(value)
    except CellError:
        raise CellError(message) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError(message)
    return year


def _parse_currency() -> Callable[[Any], str]:
    return choice_parser(Currency, CURRENCY_NAMES_FA, _("Unknown currency. Use one of: %(names)s."))


def _money(values: Mapping[str, Any]) -> Money:
    return Money(values["amount"], values["currency"], values.get("rate"), values.get("rate_on"))


def _check_money(row: Row, error: ErrorFn) -> None:
    """The money cells are read together: an amount with its currency, and nothing else
    without the amount."""
    filled = [key for key in MONEY_KEYS if key in row.cells]
    if not filled:
        return
    if "amount" not in row.cells:
        error(row, "amount", _("Enter the amount: the currency and rate are read with it."))
    elif "currency" not in row.cells:
        error(row, "currency", _("Enter the currency of the amount."))


class _Destinations:
    """Countries and groups of countries by every name and code a file may use."""

    def __init__(self) -> None:
        self.found: dict[str, Country | CountryGroup] = {}
        for country in Country.objects.all():
            for name in (country.code, country.alpha3, country.name, country.name_en):
                if name:
                    self.found.setdefault(compact_key(name), country)
        for group in CountryGroup.objects.all():
            for name in (group.code, group.name, group.name_en):
                if name:
                    self.found.setdefault(compact_key(name), group)

    def __call__(self, value: Any) -> Country | CountryGroup:
        destination = self.found.get(compact_key(clean(value)))
        if destination is None:
            raise CellError(_("No country or group of countries by this name or code."))
        return destination


class _InvestmentImporter(Importer):
    """What both kinds share: the companies of the province and their projects."""

    service_fields = SERVICE_FIELDS
    upload_url = "investments:import"

    def __init__(self, *, province: Province, actor: Any) -> None:
        super().__init__(province=province, actor=actor)
        self.currency = _parse_currency()
        self.companies: dict[str, Company] = {}  # by national ID
        # By company and title key; a list, because nothing stops two projects sharing a title.
        self.projects: dict[tuple[int, str], list[Project]] = defaultdict(list)

    def _read_companies(self, rows: list[Row], error: ErrorFn) -> None:
        """The companies the rows name, and their projects; reports a company that is not the
        province's."""
        wanted = sorted({row.values["national_id"] for row in rows if "national_id" in row.values})
        for chunk in chunks(wanted):
            for company in Company.objects.filter(
                national_id__in=chunk, province=self.province
            ).select_related("county", "estate"):
                self.companies[company.national_id] = company
        ids = [company.pk for company in self.companies.values()]
        for chunk in chunks(ids):
            for project in Project.objects.filter(company__in=chunk).order_by("pk"):
                self.projects[(project.company_id, compact_key(project.title))].append(project)
        for row in rows:
            national_id = row.values.get("national_id")
            if national_id and national_id not in self.companies:
                error(row, "national_id", _("No company with this national ID in the province."))

    def _titled(self, row: Row, key: str, error: ErrorFn) -> list[Project]:
        """The stored projects of the row's company with the title in column `key`; more than
        one is reported, since the row cannot say which it means."""
        company = self.companies.get(row.values.get("national_id", ""))
        title = row.values.get(key)
        if company is None or not title:
            return []
        found = self.projects.get((company.pk, compact_key(title)), [])
        if len(found) > 1:
            error(
                row,
                key,
                _(
                    "The company has several projects with this title: rename them on their "
                    "pages first."
                ),
            )
        return found


# --- Projects ------------------------------------------------------------------------------------


@register
class ProjectImporter(_InvestmentImporter):
    kind = PROJECT_KIND
    label = gettext_lazy("Investment projects")
    sheet_title = "طرح‌ها"
    columns = PROJECT_COLUMNS
    key_column = "title"
    list_url = "investments:project_list"

    def __init__(self, *, province: Province, actor: Any) -> None:
        super().__init__(province=province, actor=actor)
        self.places = ProvincePlaces(province)
        self.sectors: dict[str, Sector] = {}
        for sector in Sector.objects.all():
            for name in (sector.code, sector.name, sector.name_en):
                if name:
                    self.sectors.setdefault(compact_key(name), sector)
        self.matched: dict[int, Project] = {}  # row number → the stored project it updates

    def parsers(self) -> Mapping[str, Callable[[Any], Any]]:
        return {
            "national_id": parse_national_id,
            "title": text_parser(TITLE_LENGTH),
            "sector": self.sector,
            "county": self.places.county,
            "estate": self.places.estate,
            "amount": parse_decimal,
            "currency": self.currency,
            "rate": parse_count,
            "rate_on": parse_date,
            "jobs_planned": parse_count,
            "jobs_created": parse_count,
            "product_types": parse_count,
            "progress": parse_percent,
            "status": choice_parser(
                ProjectStatus, STATUS_NAMES_FA, _("Unknown status. Use one of: %(names)s.")
            ),
            "planned_opening_on": parse_date,
            "opened_on": parse_date,
            "source": text_parser(SOURCE_LENGTH),
            "on": parse_date,
        }

    def sector(self, value: Any) -> Sector:
        sector = self.sectors.get(compact_key(clean(value)))
        if sector is None:
            raise CellError(_("No sector by this name or code; see the list in the guide sheet."))
        return sector

    @classmethod
    def guide_lists(cls, province: Province | None) -> list[GuideList]:
        return [
            GuideList(
                "status",
                _("Statuses"),
                [
                    (names[0], str(ProjectStatus(value).label))
                    for value, names in STATUS_NAMES_FA.items()
                ],
            ),
            _currency_list(),
            GuideList(
                "sector",
                _("Sectors"),
                [(s.name, s.code) for s in Sector.objects.order_by("name")],
            ),
            *ProvincePlaces.guide_lists(province),
        ]

    def check(self, rows: list[Row], error: ErrorFn) -> None:
        check_unique(
            rows,
            "title",
            _("This company's project is also in row %(row)s of the file."),
            error,
            value=lambda row: (
                (row.values["national_id"], compact_key(row.values["title"]))
                if "national_id" in row.values and row.values.get("title")
                else None
            ),
        )
        self._read_companies(rows, error)
        for row in rows:
            _check_money(row, error)
            if row.values.get("national_id") not in self.companies:
                continue
            found = self._titled(row, "title", error)
            if found:
                self.matched[row.number] = found[0]
                continue
            if "sector" not in row.cells:
                error(row, "sector", _("Enter the sector of a new project."))
            if "amount" not in row.cells:
                error(row, "amount", _("Enter the investment of a new project."))

    def apply(self, row: Row) -> str:
        values = row.values
        investment = _money(values) if "amount" in values else None
        fields = {
            key: values[key]
            for key in (
                "county",
                "estate",
                "jobs_planned",
                "jobs_created",
                "product_types",
                "progress",
                "status",
                "planned_opening_on",
                "opened_on",
            )
            if key in values
        }
        project = self.matched.get(row.number)
        if project is None:
            if investment is None:  # checked: a new project has its amount
                raise ValueError("a new project needs its investment")
            project_create(
                actor=self.actor,
                company=self.companies[values["national_id"]],
                title=values["title"],
                sector=values["sector"],
                investment=investment,
                source=values["source"],
                on=values.get("on"),
                **fields,
            )
            return "created"
        if "sector" in values:
            fields["sector"] = values["sector"]
        changed = project_update(
            actor=self.actor,
            project=project,
            source=values["source"],
            on=values.get("on"),
            investment=investment,
            **fields,
        )
        return "updated" if changed else "unchanged"


def _currency_list() -> GuideList:
    return GuideList(
        "currency",
        _("Currencies"),
        [(names[0], value) for value, names in CURRENCY_NAMES_FA.items()],
    )


# --- Export figures ------------------------------------------------------------------------------


FigureKey = tuple[int, int | None, str, int, int | None, int | None]


@register
class ExportImporter(_InvestmentImporter):
    kind = EXPORT_KIND
    label = gettext_lazy("Export figures")
    sheet_title = "صادرات"
    columns = EXPORT_COLUMNS
    key_column = "destination"
    list_url = "investments:export_list"
    notes = (
        gettext_lazy(
            "A row for the same company, project, kind, year and destination as a recorded "
            "figure replaces its amount and source; an empty note keeps the recorded one."
        ),
        gettext_lazy("Nothing is imported unless every row of the file is valid."),
    )

    def __init__(self, *, province: Province, actor: Any) -> None:
        super().__init__(province=province, actor=actor)
        self.destinations = _Destinations()
        self.stored: dict[FigureKey, ExportFigure] = {}
        self.project_of: dict[int, Project] = {}  # row number → the project the row names

    def parsers(self) -> Mapping[str, Callable[[Any], Any]]:
        return {
            "national_id": parse_national_id,
            "project": text_parser(TITLE_LENGTH),
            "kind": choice_parser(
                ExportKind, KIND_NAMES_FA, _("Unknown kind. Use one of: %(names)s.")
            ),
            "year": _parse_year,
            "destination": self.destinations,
            "amount": parse_decimal,
            "currency": self.currency,
            "rate": parse_count,
            "rate_on": parse_date,
            "source": text_parser(SOURCE_LENGTH),
            "note": text_parser(LONG_TEXT_LENGTH),
        }

    @classmethod
    def guide_lists(cls, province: Province | None) -> list[GuideList]:
        groups = [(g.name, g.code) for g in CountryGroup.objects.order_by("name")]
        countries = [(c.name, c.code) for c in Country.objects.order_by("name")]
        return [
            GuideList(
                "kind",
                _("Kinds"),
                [
                    (names[0], str(ExportKind(value).label))
                    for value, names in KIND_NAMES_FA.items()
                ],
            ),
            _currency_list(),
            GuideList("destination", _("Destinations"), [*groups, *countries]),
        ]

    def _key(self, row: Row) -> FigureKey | None:
        values = row.values
        company = self.companies.get(values.get("national_id", ""))
        destination = values.get("destination")
        if company is None or destination is None or "kind" not in values:
            return None
        if "year" not in values or ("project" in row.cells and row.number not in self.project_of):
            return None
        project = self.project_of.get(row.number)
        return (
            company.pk,
            project.pk if project else None,
            values["kind"],
            values["year"],
            destination.pk if isinstance(destination, Country) else None,
            destination.pk if isinstance(destination, CountryGroup) else None,
        )

    def check(self, rows: list[Row], error: ErrorFn) -> None:
        self._read_companies(rows, error)
        for row in rows:
            _check_money(row, error)
            if "project" not in row.values or row.values.get("national_id") not in self.companies:
                continue
            found = self._titled(row, "project", error)
            if not found:
                error(row, "project", _("The company has no project with this title."))
            elif len(found) == 1:
                self.project_of[row.number] = found[0]
        check_unique(
            rows,
            "destination",
            _("The same figure (company, project, kind, year and destination) is in row %(row)s."),
            error,
            value=self._key,
        )
        ids = [company.pk for company in self.companies.values()]
        for chunk in chunks(ids):
            for figure in ExportFigure.objects.filter(company__in=chunk):
                key = (
                    figure.company_id,
                    figure.project_id,
                    figure.kind,
                    figure.year,
                    figure.country_id,
                    figure.group_id,
                )
                self.stored[key] = figure

    def apply(self, row: Row) -> str:
        values = row.values
        key = self._key(row)
        stored = self.stored.get(key) if key is not None else None
        note = values.get("note", stored.note if stored is not None else "")
        _figure, outcome = export_record(
            actor=self.actor,
            company=self.companies[values["national_id"]],
            kind=values["kind"],
            year=values["year"],
            destination=values["destination"],
            value=_money(values),
            source=values["source"],
            project=self.project_of.get(row.number),
            note=note,
        )
        return outcome
