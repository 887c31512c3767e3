"""Input and output shapes of the figures API: the governor's dashboard and each of its sections,
the agency scorecards and the county comparison (DOMAIN.md §7, `docs/figures.md`).

The filters are the pages' own (province, a Jalali period preset around a day or two explicit
days, the export forecasts' year), with dates ISO 8601 Gregorian on the wire as everywhere in
the API; each period is also answered in Jalali, as the province reports by it. Rial amounts
are whole numbers; dollar amounts are decimal strings with two places. Every figure carries, in
`links`, the page listing the records it counts, filtered with the same definition.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from tashil.api.case_schemas import AgencyRef, TextIn
from tashil.api.investment_schemas import JalaliYear, SectorOut
from tashil.api.schemas import CompanyRef, GregorianDate, ProvinceOut, TargetOut
from tashil.core.money import Currency
from tashil.investments.models import ShareBasis

Preset = Literal["ytd", "week", "month", "season", "year", "range"]

LINKS_HELP = (
    "Figure name → the address of the page listing the records it counts, filtered with the "
    "same definition."
)


# --- Filters -------------------------------------------------------------------------------------


class PeriodFiltersIn(TextIn):
    province: str | None = Field(
        None,
        max_length=10,
        description="Province code, e.g. `26`; the first province you read (by code) if absent.",
    )
    period: Preset | None = Field(
        None,
        description=(
            "A Jalali period around `on`: `week` (Saturday–Friday), `month`, `season`, `year`, "
            "or `ytd` (from 1 Farvardin to `on`, the default). `range` (implied by `start` and "
            "`end`) takes the two dates instead."
        ),
    )
    on: GregorianDate | None = Field(None, description="The day of the preset; today if absent.")
    start: GregorianDate | None = Field(
        None, description="First day of an explicit range (with `end`; at most ten years)."
    )
    end: GregorianDate | None = Field(None, description="Last day of an explicit range.")


class DashboardFiltersIn(PeriodFiltersIn):
    export_year: JalaliYear | None = Field(
        None,
        description=(
            "Jalali year of the export forecasts, e.g. 1405; the year after the period's if "
            "absent, as forecasts are quoted."
        ),
    )


# --- Shared pieces -------------------------------------------------------------------------------


class PeriodOut(Schema):
    preset: Preset = Field(description="The preset chosen, or `range` for explicit dates.")
    start: dt.date
    end: dt.date
    start_jalali: str = Field(description="`start` in the Jalali calendar, e.g. `1404/01/01`.")
    end_jalali: str = Field(description="`end` in the Jalali calendar, e.g. `1404/09/24`.")
    days: int


class NamedRef(Schema):
    id: int
    code: str
    name: str
    name_en: str


class CaseFiguresOut(Schema):
    """Cases filed in the period, by where they stand now (merged duplicates not counted)."""

    received: int
    in_progress: int
    resolved: int
    not_resolved: int = Field(description="Rejected, unresolved or escalated to the national HQ.")
    share_resolved: int | None = Field(description="Resolved ÷ received, a whole percentage.")
    links: dict[str, str] = Field(description=LINKS_HELP)


class CaseGroupOut(NamedRef):
    figures: CaseFiguresOut


class ResolutionFiguresOut(Schema):
    """Resolutions issued at sessions held in the period, by where they stand now."""

    total: int = Field(description="Withdrawn resolutions count here only.")
    executed: int
    follow_up: int = Field(description="Notified, objected, in progress or reported.")
    not_executed: int
    executed_share: int | None = Field(
        description="Executed ÷ (executed + follow-up + not executed), a whole percentage."
    )
    links: dict[str, str] = Field(description=LINKS_HELP)


class SessionFiguresOut(Schema):
    """Sessions held (minutes closed) in the period, by kind of body."""

    provincial: int
    working_group: int
    county: int
    total: int
    links: dict[str, str] = Field(description=LINKS_HELP)


class KnowledgeBasedPoint(Schema):
    date: dt.date = Field(description="The last day of a Jalali month, or the period's end.")
    jalali: str = Field(description="`date` in the Jalali calendar.")
    count: int


class KnowledgeBasedOut(Schema):
    on: dt.date = Field(description="The period's last day.")
    count: int = Field(description="Companies with a knowledge-based certificate valid on `on`.")
    target: TargetOut | None = Field(
        description="The province's latest target set by `on`; null if none."
    )
    target_share: int | None = Field(description="Count ÷ target, a whole percentage.")
    series: list[KnowledgeBasedPoint] = Field(description="The count at each Jalali month end.")
    links: dict[str, str] = Field(description=LINKS_HELP)


class RevivedOut(Schema):
    count: int = Field(description="Idle companies that went back to work in the period.")
    links: dict[str, str] = Field(description=LINKS_HELP)


class ResultsOut(Schema):
    approved_rial: int = Field(description="Loans and facilities approved, recorded on cases.")
    jobs_preserved: int = Field(description="Recorded on cases whose results fall in the period.")
    jobs_created: int = Field(description="By the lines opened in the period.")
    cases: int = Field(description="Cases whose results were achieved in the period.")
    links: dict[str, str] = Field(description=LINKS_HELP)


class DestinationRef(Schema):
    kind: Literal["country", "group"]
    code: str = Field(description="ISO 3166-1 alpha-2 for a country, e.g. `RU`; a group's code.")
    name: str
    name_en: str


class LineForecastOut(Schema):
    year: int = Field(description="The Jalali year of the forecast.")
    rial: int
    usd: Decimal = Field(description="The dollar figures, a decimal string.")
    destinations: list[DestinationRef] = Field(description="Largest first.")


class CurrencyAmountOut(Schema):
    currency: Currency
    amount: Decimal = Field(description="As entered, a decimal string.")


class LineOut(Schema):
    id: int
    title: str
    company: CompanyRef
    county: NamedRef
    opened_on: dt.date
    amount: Decimal = Field(description="The investment as entered, a decimal string.")
    currency: Currency
    amount_rial: int
    jobs: int | None = Field(description="Jobs created; null when unknown.")
    products: int | None = Field(description="Product types; null when unknown.")
    forecast: LineForecastOut | None = Field(
        description="The line's export forecast for the export year; null if none is recorded."
    )


class OpeningsOut(Schema):
    count: int = Field(description="Lines opened in the period.")
    investment_rial: int
    jobs: int
    products: int
    by_currency: list[CurrencyAmountOut] = Field(
        description="The investment as entered, per currency (a dollar investment in dollars)."
    )
    lines: list[LineOut] = Field(description="The ten biggest lines by investment.")
    links: dict[str, str] = Field(description=LINKS_HELP)


class DestinationOut(DestinationRef):
    rial: int
    usd: Decimal = Field(description="A decimal string.")
    link: str = Field(description="The export figures counted here.")


class ExportsOut(Schema):
    year: int = Field(description="The Jalali year.")
    kind: str = Field(description="`forecast`.")
    total_rial: int = Field(description="Each figure counted once.")
    total_usd: Decimal = Field(description="A decimal string.")
    destinations: list[DestinationOut] = Field(
        description=(
            "Groups first, then countries. A group counts its own figures and its members', so "
            "groups overlap each other and their members."
        )
    )
    links: dict[str, str] = Field(description=LINKS_HELP)


class ShareFigureOut(Schema):
    value: Decimal = Field(description="A decimal string, in `unit`.")
    unit: str
    basis: ShareBasis = Field(description="`output`: of national output; `need`: of the need.")
    source: str
    source_url: str
    stated_on: dt.date


class SectorSharesOut(Schema):
    sector: SectorOut
    figures: list[ShareFigureOut] = Field(description="Every source's figure, newest first.")
    link: str


class FiguresHead(Schema):
    province: ProvinceOut
    period: PeriodOut


# --- The dashboard and its sections --------------------------------------------------------------


class DashboardOut(FiguresHead):
    export_year: int = Field(description="The Jalali year of the export forecasts.")
    knowledge_based: KnowledgeBasedOut
    cases: CaseFiguresOut
    cases_by_category: list[CaseGroupOut] = Field(description="Most cases first.")
    cases_by_county: list[CaseGroupOut] = Field(description="Most cases first.")
    resolutions: ResolutionFiguresOut
    sessions: SessionFiguresOut
    revived: RevivedOut
    results: ResultsOut
    openings: OpeningsOut
    exports: ExportsOut
    shares: list[SectorSharesOut] = Field(description="Figures stated by the period's end.")


class KnowledgeBasedSectionOut(FiguresHead):
    knowledge_based: KnowledgeBasedOut


class CasesSectionOut(FiguresHead):
    cases: CaseFiguresOut
    cases_by_category: list[CaseGroupOut]
    cases_by_county: list[CaseGroupOut]


class ResolutionsSectionOut(FiguresHead):
    resolutions: ResolutionFiguresOut


class SessionsSectionOut(FiguresHead):
    sessions: SessionFiguresOut


class RevivedSectionOut(FiguresHead):
    revived: RevivedOut


class ResultsSectionOut(FiguresHead):
    results: ResultsOut


class OpeningsSectionOut(FiguresHead):
    export_year: int = Field(description="The Jalali year of the lines' export forecasts.")
    openings: OpeningsOut


class ExportsSectionOut(FiguresHead):
    exports: ExportsOut


class SharesSectionOut(FiguresHead):
    shares: list[SectorSharesOut]


# --- Scorecards and counties ---------------------------------------------------------------------


class ScorecardOut(Schema):
    rank: int = Field(
        description=(
            "1 is best: most answered on time, then fewest open overdue, then most executed."
        )
    )
    agency: AgencyRef
    received: int = Field(description="Referrals sent to the agency in the period.")
    answered: int
    on_time: int = Field(description="Answered by the deadline.")
    on_time_share: int | None = Field(description="On time ÷ received, a whole percentage.")
    average_days: float | None = Field(description="Working days to answer, one decimal.")
    p90_days: int | None = Field(description="90th percentile (nearest rank), in working days.")
    open_overdue: int = Field(description="Open past their deadline today, whenever sent.")
    executed: int = Field(description="Resolutions issued in the period to the agency.")
    follow_up: int
    not_executed: int
    executed_share: int | None
    links: dict[str, str] = Field(description=LINKS_HELP)


class ScorecardsOut(FiguresHead):
    cards: list[ScorecardOut] = Field(description="Best first. Agency staff get their own card.")


class CountyFiguresOut(Schema):
    county: NamedRef
    cases: CaseFiguresOut
    resolutions: ResolutionFiguresOut
    county_sessions: int = Field(description="Sessions of the county's HQ held in the period.")
    knowledge_based: int = Field(description="Active knowledge-based units on the period's end.")
    revived: int
    openings: int
    investment_rial: int
    jobs_created: int
    jobs_preserved: int
    approved_rial: int
    links: dict[str, str] = Field(description=LINKS_HELP)


class CountiesOut(FiguresHead):
    counties: list[CountyFiguresOut] = Field(description="Every county of the province, by code.")
