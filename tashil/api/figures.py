"""The figures over HTTP: the governor's dashboard and each of its sections, the agency
scorecards and the county comparison (DOMAIN.md §7). Every number comes from
`tashil.figures.selectors`, the functions the pages, the weekly report and the press brief read,
so a figure is the same wherever it is quoted; `docs/figures.md` defines each one.

Who reads what: the province's secretariat and executive read every figure of their province;
an agency's officers and head read their own agency's scorecard (in their agency's province).
Anyone else, or a province the user does not read, answers 404, as in the knowledge-based series.

The filters are the pages' (`tashil.figures.forms`), with ISO dates: a preset period around a
day, or an explicit range of at most ten years. Input the pages would quietly replace with the
default is refused here with a 422 naming the field, since a program should not receive figures
of a period it did not ask for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from tashil.accounts.access import scopes_of
from tashil.accounts.models import User
from tashil.accounts.roles import Role
from tashil.agencies.models import Agency
from tashil.api import figure_schemas as schemas
from tashil.api.auth import acting_user
from tashil.api.schemas import ErrorOut
from tashil.cases.selectors import CASE_BUCKETS
from tashil.core.identifiers import clean_digits
from tashil.core.jalali import jalali_input_value
from tashil.figures import links, selectors
from tashil.figures.forms import MAX_PERIOD_DAYS
from tashil.figures.period import Period, preset_period
from tashil.geo.models import CountryGroup, Province
from tashil.meetings.selectors import BUCKETS as RESOLUTION_BUCKETS
from tashil.meetings.workflow import MeetingKind

router = Router(tags=["figures"])

CENT = Decimal("0.01")


def _errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(statuses, ErrorOut)


ERRORS = _errors(401, 404, 422)


# --- What is asked -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """The province and period of a request, and the pages behind its numbers."""

    request: HttpRequest
    province: Province
    period: Period
    preset: str

    def url(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


def _pick(provinces: list[Province], code: str | None) -> Province:
    """The province named by `code` among those the user reads (the first if none is named);
    404 for any other, as for one that does not exist."""
    if code is not None:
        wanted = clean_digits(code)
        provinces = [province for province in provinces if province.code == wanted]
    if not provinces:
        raise Http404
    return provinces[0]


def _period(filters: schemas.PeriodFiltersIn, *, today: dt.date) -> tuple[Period, str]:
    """The page form's rules (`FigureFilterForm`), refused by field instead of defaulted."""
    explicit = filters.start is not None or filters.end is not None
    preset = filters.period or ("range" if explicit else "ytd")
    mixed = _("Give either a period preset or start and end dates, not both.")
    errors: dict[str, ValidationError] = {}
    if preset != "range":
        for name in ("start", "end"):
            if getattr(filters, name) is not None:
                errors[name] = ValidationError(mixed, code="range_with_preset")
        if errors:
            raise ValidationError(errors)
        return preset_period(preset, on=filters.on, today=today), preset
    start, end = filters.start, filters.end
    if filters.on is not None:
        errors["on"] = ValidationError(mixed, code="range_with_preset")
    if start is None:
        errors["start"] = ValidationError(_("Enter the first day of the period."), code="missing")
    if end is None:
        errors["end"] = ValidationError(_("Enter the last day of the period."), code="missing")
    if start is not None and end is not None:
        if start > end:
            errors["end"] = ValidationError(
                _("The end of the range is before its start."), code="range_reversed"
            )
        elif (end - start).days >= MAX_PERIOD_DAYS:
            errors["end"] = ValidationError(
                _("A period spans at most ten years."), code="range_too_long"
            )
    if errors or start is None or end is None:
        raise ValidationError(errors)
    return Period(start, end), preset


def _ask(request: HttpRequest, filters: schemas.PeriodFiltersIn) -> Ask:
    """A dashboard figure: the province's secretariat and executive (and administrators)."""
    province = _pick(selectors.dashboard_provinces(acting_user(request)), filters.province)
    period, preset = _period(filters, today=timezone.localdate())
    return Ask(request=request, province=province, period=period, preset=preset)


def _scorecard_provinces(user: User) -> list[Province]:
    """Provinces whose dashboard the user reads, and those of the agencies they work for."""
    agency_ids = [
        scope.agency_id
        for scope in scopes_of(user)
        if scope.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD) and scope.agency_id
    ]
    readable = selectors.dashboard_provinces(user)
    own = Province.objects.filter(
        pk__in=Agency.objects.filter(pk__in=agency_ids).values("province")
    ).exclude(pk__in=[province.pk for province in readable])
    return sorted([*readable, *own], key=lambda province: province.code)


# --- Shapes --------------------------------------------------------------------------------------


def _cents(value: Any) -> Decimal:
    # Sums come back from the database with as many places as it likes; two always go out.
    return Decimal(value).quantize(CENT)


def _named(obj: Any) -> dict[str, Any]:
    return {"id": obj.pk, "code": obj.code, "name": obj.name, "name_en": obj.name_en}


def _head(ask: Ask) -> dict[str, Any]:
    province, period = ask.province, ask.period
    return {
        "province": {"code": province.code, "name": province.name, "name_en": province.name_en},
        "period": {
            "preset": ask.preset,
            "start": period.start,
            "end": period.end,
            "start_jalali": jalali_input_value(period.start),
            "end_jalali": jalali_input_value(period.end),
            "days": period.days,
        },
    }


def _knowledge_based(ask: Ask, found: selectors.KnowledgeBased) -> dict[str, Any]:
    target = found.target
    return {
        "on": found.on,
        "count": found.count,
        "target": {"count": target.count, "due_on": target.due_on} if target else None,
        "target_share": found.target_share,
        "series": [
            {"date": day, "jalali": jalali_input_value(day), "count": count}
            for day, count in found.series
        ],
        "links": {"count": ask.url(links.knowledge_based(ask.province, ask.period))},
    }


def _cases(
    ask: Ask,
    found: selectors.CaseFigures,
    *,
    category: int | None = None,
    county: int | None = None,
) -> dict[str, Any]:
    return {
        **{bucket: getattr(found, bucket) for bucket in CASE_BUCKETS},
        "share_resolved": found.share_resolved,
        "links": {
            bucket: ask.url(
                links.cases(
                    ask.province, ask.period, bucket=bucket, category=category, county=county
                )
            )
            for bucket in CASE_BUCKETS
        },
    }


def _case_groups(ask: Ask, rows: list[tuple[Any, selectors.CaseFigures]], by: str) -> list[Any]:
    return [{**_named(obj), "figures": _cases(ask, found, **{by: obj.pk})} for obj, found in rows]


def _resolutions(
    ask: Ask,
    found: selectors.ResolutionFigures,
    *,
    agency: int | None = None,
    county: int | None = None,
) -> dict[str, Any]:
    buckets = {"total": "", **{bucket: bucket for bucket in RESOLUTION_BUCKETS}}
    return {
        **{name: getattr(found, name) for name in buckets},
        "executed_share": found.executed_share,
        "links": {
            name: ask.url(
                links.resolutions(
                    ask.province, ask.period, bucket=bucket, agency=agency, county=county
                )
            )
            for name, bucket in buckets.items()
        },
    }


def _sessions(ask: Ask, found: selectors.SessionFigures) -> dict[str, Any]:
    kinds = {"total": "", **{kind.value: kind.value for kind in MeetingKind}}
    return {
        **{name: getattr(found, name) for name in kinds},
        "links": {
            name: ask.url(links.sessions(ask.province, ask.period, kind=kind))
            for name, kind in kinds.items()
        },
    }


def _revived(ask: Ask, count: int) -> dict[str, Any]:
    return {"count": count, "links": {"count": ask.url(links.revived(ask.province, ask.period))}}


def _results(ask: Ask, found: selectors.Results) -> dict[str, Any]:
    recorded = ask.url(links.case_results(ask.province, ask.period))
    return {
        "approved_rial": found.approved_rial,
        "jobs_preserved": found.jobs_preserved,
        "jobs_created": found.jobs_created,
        "cases": found.cases,
        "links": {
            "approved_rial": recorded,
            "jobs_preserved": recorded,
            "cases": recorded,
            "jobs_created": ask.url(links.openings(ask.province, ask.period)),
        },
    }


def _destination(place: Any) -> dict[str, Any]:
    return {
        "kind": "group" if isinstance(place, CountryGroup) else "country",
        "code": place.code,
        "name": place.name,
        "name_en": place.name_en,
    }


def _openings(ask: Ask, found: selectors.Openings) -> dict[str, Any]:
    def forecast(project_id: int) -> dict[str, Any] | None:
        line = found.forecasts.get(project_id)
        if line is None:
            return None
        return {
            "year": line.year,
            "rial": line.rial,
            "usd": _cents(line.usd),
            "destinations": [_destination(place) for place in line.destinations],
        }

    opened = ask.url(links.openings(ask.province, ask.period))
    return {
        "count": found.count,
        "investment_rial": found.investment_rial,
        "jobs": found.jobs,
        "products": found.products,
        "by_currency": [
            {"currency": currency, "amount": _cents(amount)}
            for currency, amount in found.by_currency
        ],
        "lines": [
            {
                "id": line.pk,
                "title": line.title,
                "company": {
                    "national_id": line.company.national_id,
                    "legal_name": line.company.legal_name,
                },
                "county": _named(line.county),
                "opened_on": line.opened_on,
                "amount": _cents(line.amount),
                "currency": line.currency,
                "amount_rial": line.amount_rial,
                "jobs": line.jobs_created,
                "products": line.product_types,
                "forecast": forecast(line.pk),
            }
            for line in found.lines
        ],
        "links": dict.fromkeys(("count", "investment_rial", "jobs", "products"), opened),
    }


def _exports(ask: Ask, found: selectors.ExportFigures) -> dict[str, Any]:
    def listed(place: Any = None) -> str:
        return ask.url(
            links.exports(
                ask.province,
                year=found.year,
                kind=found.kind,
                destination=place,
                recorded_to=ask.period.end,
            )
        )

    return {
        "year": found.year,
        "kind": found.kind,
        "total_rial": found.total_rial,
        "total_usd": _cents(found.total_usd),
        "destinations": [
            {
                **_destination(row.destination),
                "rial": row.rial,
                "usd": _cents(row.usd),
                "link": listed(row.destination),
            }
            for row in found.destinations
        ],
        "links": dict.fromkeys(("total_rial", "total_usd"), listed()),
    }


def _shares(ask: Ask, found: list[tuple[Any, list[Any]]]) -> list[dict[str, Any]]:
    return [
        {
            "sector": {"code": sector.code, "name": sector.name, "name_en": sector.name_en},
            "figures": [
                {
                    "value": share.value,
                    "unit": share.unit,
                    "basis": share.basis,
                    "source": share.source,
                    "source_url": share.source_url,
                    "stated_on": share.stated_on,
                }
                for share in shares
            ],
            "link": ask.url(links.shares(ask.province, sector=sector.pk, stated_to=ask.period.end)),
        }
        for sector, shares in found
    ]


def _export_year(filters: schemas.DashboardFiltersIn, period: Period) -> int:
    return filters.export_year or selectors.default_export_year(period)


# --- The dashboard -------------------------------------------------------------------------------

FILTERS_HELP = (
    "For the province's secretariat and executive. The period is a Jalali preset around `on` "
    "(`ytd` by default) or `start`–`end`; records count on their day in Tehran time."
)


@router.get(
    "/figures/dashboard",
    response={200: schemas.DashboardOut, **ERRORS},
    operation_id="figures_dashboard",
    url_name="figures_dashboard",
    summary="Every figure of the governor's dashboard for a province and a period",
    description=FILTERS_HELP + " Each section is also its own operation.",
)
def figures_dashboard(request: HttpRequest, filters: Query[schemas.DashboardFiltersIn]) -> Any:
    ask = _ask(request, filters)
    found = selectors.dashboard(
        province=ask.province, period=ask.period, export_year=_export_year(filters, ask.period)
    )
    return {
        **_head(ask),
        "export_year": found.exports.year,
        "knowledge_based": _knowledge_based(ask, found.knowledge_based),
        "cases": _cases(ask, found.cases),
        "cases_by_category": _case_groups(ask, found.cases_by_category, "category"),
        "cases_by_county": _case_groups(ask, found.cases_by_county, "county"),
        "resolutions": _resolutions(ask, found.resolutions),
        "sessions": _sessions(ask, found.sessions),
        "revived": _revived(ask, found.revived),
        "results": _results(ask, found.results),
        "openings": _openings(ask, found.openings),
        "exports": _exports(ask, found.exports),
        "shares": _shares(ask, found.shares),
    }


@router.get(
    "/figures/knowledge-based",
    response={200: schemas.KnowledgeBasedSectionOut, **ERRORS},
    operation_id="figures_knowledge_based",
    url_name="figures_knowledge_based",
    summary="Active knowledge-based units against the target, at each Jalali month end",
    description=FILTERS_HELP,
)
def figures_knowledge_based(request: HttpRequest, filters: Query[schemas.PeriodFiltersIn]) -> Any:
    ask = _ask(request, filters)
    found = selectors.knowledge_based(province=ask.province, period=ask.period)
    return {**_head(ask), "knowledge_based": _knowledge_based(ask, found)}


@router.get(
    "/figures/cases",
    response={200: schemas.CasesSectionOut, **ERRORS},
    operation_id="figures_cases",
    url_name="figures_cases",
    summary="Cases received, in progress, resolved and not resolved, by category and county",
    description=FILTERS_HELP,
)
def figures_cases(request: HttpRequest, filters: Query[schemas.PeriodFiltersIn]) -> Any:
    ask = _ask(request, filters)
    where: dict[str, Any] = {"province": ask.province, "period": ask.period}
    return {
        **_head(ask),
        "cases": _cases(ask, selectors.case_figures(**where)),
        "cases_by_category": _case_groups(
            ask, selectors.case_figures_by(**where, by="category"), "category"
        ),
        "cases_by_county": _case_groups(
            ask, selectors.case_figures_by(**where, by="county"), "county"
        ),
    }


@router.get(
    "/figures/resolutions",
    response={200: schemas.ResolutionsSectionOut, **ERRORS},
    operation_id="figures_resolutions",
    url_name="figures_resolutions",
    summary="Resolutions issued in the period: executed, in follow-up, not executed",
    description=FILTERS_HELP,
)
def figures_resolutions(request: HttpRequest, filters: Query[schemas.PeriodFiltersIn]) -> Any:
    ask = _ask(request, filters)
    found = selectors.resolution_figures(province=ask.province, period=ask.period)
    return {**_head(ask), "resolutions": _resolutions(ask, found)}


@router.get(
    "/figures/sessions",
    response={200: schemas.SessionsSectionOut, **ERRORS},
    operation_id="figures_sessions",
    url_name="figures_sessions",
    summary="Sessions held in the period, by kind of body",
    description=FILTERS_HELP,
)
def figures_sessions(request: HttpRequest, filters: Query[schemas.PeriodFiltersIn]) -> Any:
    ask = _ask(request, filters)
    found = selectors.session_figures(province=ask.province, period=ask.period)
    return {**_head(ask), "sessions": _sessions(ask, found)}


@router.get(
    "/figures/revived",
    response={200: schemas.RevivedSectionOut, **ERRORS},
    operation_id="figures_revived",
    url_name="figures_revived",
    summary="Idle units revived in the period",
    description=FILTERS_HELP,
)
def figures_revived(request: HttpRequest, filters: Query[schemas.PeriodFiltersIn]) -> Any:
    ask = _ask(request, filters)
    found = selectors.revived_units(province=ask.province, period=ask.period)
    return {**_head(ask), "revived": _revived(ask, found)}


@router.get(
    "/figures/results",
    response={200: schemas.ResultsSectionOut, **ERRORS},
    operation_id="figures_results",
    url_name="figures_results",
    summary="Loans and facilities approved, jobs preserved and jobs created in the period",
    description=FILTERS_HELP,
)
def figures_results(request: HttpRequest, filters: Query[schemas.PeriodFiltersIn]) -> Any:
    ask = _ask(request, filters)
    found = selectors.results(province=ask.province, period=ask.period)
    return {**_head(ask), "results": _results(ask, found)}


@router.get(
    "/figures/openings",
    response={200: schemas.OpeningsSectionOut, **ERRORS},
    operation_id="figures_openings",
    url_name="figures_openings",
    summary="Lines opened in the period: investment, jobs, products and export forecasts",
    description=FILTERS_HELP,
)
def figures_openings(request: HttpRequest, filters: Query[schemas.DashboardFiltersIn]) -> Any:
    ask = _ask(request, filters)
    year = _export_year(filters, ask.period)
    found = selectors.opening_figures(province=ask.province, period=ask.period, export_year=year)
    return {**_head(ask), "export_year": year, "openings": _openings(ask, found)}


@router.get(
    "/figures/exports",
    response={200: schemas.ExportsSectionOut, **ERRORS},
    operation_id="figures_exports",
    url_name="figures_exports",
    summary="Export forecasts of a Jalali year by destination",
    description=FILTERS_HELP + " The period only sets the default `export_year`.",
)
def figures_exports(request: HttpRequest, filters: Query[schemas.DashboardFiltersIn]) -> Any:
    ask = _ask(request, filters)
    found = selectors.export_figures(
        province=ask.province, year=_export_year(filters, ask.period), as_of=ask.period.end
    )
    return {**_head(ask), "exports": _exports(ask, found)}


@router.get(
    "/figures/shares",
    response={200: schemas.SharesSectionOut, **ERRORS},
    operation_id="figures_shares",
    url_name="figures_shares",
    summary="Sector shares stated by the period's end, every source's figure",
    description=FILTERS_HELP,
)
def figures_shares(request: HttpRequest, filters: Query[schemas.PeriodFiltersIn]) -> Any:
    ask = _ask(request, filters)
    found = selectors.shares_as_of(province=ask.province, on=ask.period.end)
    return {**_head(ask), "shares": _shares(ask, found)}


# --- Scorecards and counties ---------------------------------------------------------------------


@router.get(
    "/figures/scorecard",
    response={200: schemas.ScorecardsOut, **ERRORS},
    operation_id="figures_scorecard",
    url_name="figures_scorecard",
    summary="The agencies' scorecards, ranked",
    description=(
        "The secretariat and the executive get every agency of the province; an agency's "
        "officers and head get their own card, in their agency's province (the default). "
        "Open overdue is counted today; the rest in the period."
    ),
)
def figures_scorecard(request: HttpRequest, filters: Query[schemas.PeriodFiltersIn]) -> Any:
    user = acting_user(request)
    province = _pick(_scorecard_provinces(user), filters.province)
    agencies = selectors.scorecard_agencies(user, province)
    if agencies is None:
        raise Http404
    today = timezone.localdate()
    period, preset = _period(filters, today=today)
    ask = Ask(request=request, province=province, period=period, preset=preset)
    cards = selectors.scorecards(province=province, period=period, agencies=agencies, today=today)
    return {**_head(ask), "cards": [_card(ask, rank, card) for rank, card in enumerate(cards, 1)]}


def _card(ask: Ask, rank: int, card: selectors.Scorecard) -> dict[str, Any]:
    agency = card.agency.pk
    return {
        "rank": rank,
        "agency": _named(card.agency),
        "received": card.received,
        "answered": card.answered,
        "on_time": card.on_time,
        "on_time_share": card.on_time_share,
        "average_days": card.average_days,
        "p90_days": card.p90_days,
        "open_overdue": card.open_overdue,
        "executed": card.executed,
        "follow_up": card.follow_up,
        "not_executed": card.not_executed,
        "executed_share": card.executed_share,
        "links": {
            "received": ask.url(links.referrals(ask.province, ask.period, agency=agency)),
            "open_overdue": ask.url(
                links.referrals(ask.province, ask.period, agency=agency, overdue=True)
            ),
            **{
                bucket: ask.url(
                    links.resolutions(ask.province, ask.period, bucket=bucket, agency=agency)
                )
                for bucket in RESOLUTION_BUCKETS
            },
        },
    }


@router.get(
    "/figures/counties",
    response={200: schemas.CountiesOut, **ERRORS},
    operation_id="figures_counties",
    url_name="figures_counties",
    summary="The same figures for each county of the province",
    description=FILTERS_HELP,
)
def figures_counties(request: HttpRequest, filters: Query[schemas.PeriodFiltersIn]) -> Any:
    ask = _ask(request, filters)
    rows = selectors.county_comparison(province=ask.province, period=ask.period)
    return {**_head(ask), "counties": [_county(ask, row) for row in rows]}


def _county(ask: Ask, row: selectors.CountyFigures) -> dict[str, Any]:
    pk = row.county.pk
    opened = ask.url(links.openings(ask.province, ask.period, county=pk))
    recorded = ask.url(links.case_results(ask.province, ask.period, county=pk))
    return {
        "county": _named(row.county),
        "cases": _cases(ask, row.cases, county=pk),
        "resolutions": _resolutions(ask, row.resolutions, county=pk),
        "county_sessions": row.county_sessions,
        "knowledge_based": row.knowledge_based,
        "revived": row.revived,
        "openings": row.openings,
        "investment_rial": row.investment_rial,
        "jobs_created": row.jobs_created,
        "jobs_preserved": row.jobs_preserved,
        "approved_rial": row.approved_rial,
        "links": {
            "county_sessions": ask.url(
                links.sessions(ask.province, ask.period, kind=MeetingKind.COUNTY, county=pk)
            ),
            "knowledge_based": ask.url(links.knowledge_based(ask.province, ask.period, county=pk)),
            "revived": ask.url(links.revived(ask.province, ask.period, county=pk)),
            "openings": opened,
            "investment_rial": opened,
            "jobs_created": opened,
            "jobs_preserved": recorded,
            "approved_rial": recorded,
        },
    }
