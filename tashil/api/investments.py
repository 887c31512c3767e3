"""Investment projects, export figures, official visits and sector shares over HTTP (DOMAIN.md
§6), and the reference lists (sectors, countries, groups of countries) a client fills its
selects from.

Every read goes through `tashil.investments.selectors`, so a user sees over the API what they
see on the pages; every write goes through `tashil.investments.services`, which keeps the
history and the source of each figure.

Who may do what: the province's secretariat reads and records; the executive reads; a county
secretariat reads its county's projects and export figures and the province's visits; a
company's representative reads its own projects and export figures; anyone with a role in the
province reads its sector shares. A row the user may not see answers 404, exactly like one that
does not exist; a row they see but may not change answers 403. Refused input (a service's
ValidationError, keyed by field) is a 422 with the field's errors, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from tashil.accounts.access import scopes_of
from tashil.accounts.models import User
from tashil.api import investment_schemas as schemas
from tashil.api.auth import acting_user
from tashil.api.errors import ApiError, ErrorCode
from tashil.api.paging import page
from tashil.api.schemas import MAX_ID, ErrorOut
from tashil.core.identifiers import clean_digits
from tashil.core.money import Currency, Money
from tashil.geo.models import Country, CountryGroup, County, IndustrialEstate, Province
from tashil.investments import selectors, services
from tashil.investments.models import (
    ExportFigure,
    ItineraryItem,
    Project,
    ProjectUpdate,
    Sector,
    SectorShare,
    Visit,
)
from tashil.meetings import selectors as meeting_selectors
from tashil.registry import selectors as registry_selectors
from tashil.registry.models import Company

projects_router = Router(tags=["projects"])
exports_router = Router(tags=["exports"])
visits_router = Router(tags=["visits"])
shares_router = Router(tags=["sector shares"])
reference_router = Router(tags=["reference"])

MONEY_KEYS = ("amount", "currency", "rate", "rate_on")


def _errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(statuses, ErrorOut)


def _check_id(value: int) -> None:
    if not 1 <= value <= MAX_ID:
        raise Http404


def _forbidden() -> ApiError:
    return ApiError(
        403,
        ErrorCode.PERMISSION_DENIED,
        _("Only the province's secretariat records investments, exports, visits and shares."),
    )


def _check_edits(user: User, province_id: int) -> None:
    if not selectors.can_edit(user, province_id):
        raise _forbidden()


def _editable(user: User) -> set[int]:
    """The provinces the user records for; none is a 403 before any input is looked at."""
    provinces = selectors.editable_provinces(user)
    if not provinces:
        raise _forbidden()
    return provinces


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


@contextmanager
def _fields_renamed(names: Mapping[str, str]) -> Iterator[None]:
    """A service's ValidationError with its fields named as in this operation's input (the
    service says `opened_on` where the client sent `on`)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc


def _money(values: Mapping[str, Any], current: Any = None) -> Money:
    """The Money of flat input fields, over `current`'s (a project or figure) for a partial
    update. A currency other than the dollar drops the rate that is not sent again, so
    switching a line to rials needs no explicit nulls."""
    base: dict[str, Any] = {name: getattr(current, name, None) for name in MONEY_KEYS}
    if current is None:
        base["currency"] = Currency.RIAL
    if values.get("currency", base["currency"]) != Currency.USD:
        base["rate"] = base["rate_on"] = None
    base.update(values)
    # The services convert it (`to_rials`), and refuse by field what cannot be converted.
    return Money(base["amount"], base["currency"], base["rate"], base["rate_on"])


def _company(user: User, national_id: str, province_ids: set[int]) -> Company:
    """A company the user sees, of one of `province_ids` (those they record for)."""
    company = (
        registry_selectors.companies_for_user(user)
        .filter(national_id=clean_digits(national_id), province_id__in=province_ids)
        .select_related("county", "estate")
        .first()
    )
    if company is None:
        raise _field_error(
            "company", _("No company of your province has this national ID."), "unknown_company"
        )
    return company


def _sector(code: str) -> Sector:
    sector = Sector.objects.filter(code=code.strip()).first()
    if sector is None:
        raise _field_error("sector", _("No sector has this code."), "unknown_sector")
    return sector


def _county(code: str) -> County:
    county = County.objects.filter(code=clean_digits(code)).first()
    if county is None:
        raise _field_error("county", _("No county has this code."), "unknown_county")
    return county


def _estate(pk: int | None) -> IndustrialEstate | None:
    if pk is None:
        return None
    estate = IndustrialEstate.objects.filter(pk=pk).first()
    if estate is None:
        raise _field_error("estate", _("No industrial estate has this id."), "unknown_estate")
    return estate


def _province(user: User, code: str | None) -> Province:
    """The province a new visit or share is recorded for: the one named, or the only one the
    user records for."""
    editable = _editable(user)
    if code:
        province = Province.objects.filter(code=clean_digits(code)).first()
        if province is None:
            raise _field_error("province", _("No province has this code."), "unknown_province")
        _check_edits(user, province.pk)
        return province
    if len(editable) > 1:
        raise _field_error(
            "province",
            _("Name the province: you record for more than one."),
            "required",
        )
    return Province.objects.get(pk=next(iter(editable)))


# --- Projects ------------------------------------------------------------------------------------


def _project(user: User, project_id: int) -> Project:
    _check_id(project_id)
    project = selectors.project_get_for_user(user=user, pk=project_id)
    if project is None:
        raise Http404
    return project


@dataclass
class _ProjectView:
    """A project with its sources, export figures and history, and whether the caller may
    change it; other attributes are the project's, so the schema reads both alike."""

    project: Project
    can_edit: bool
    sources: dict[str, ProjectUpdate]
    export_figures: list[ExportFigure]
    updates: list[ProjectUpdate]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.project, name)


def _project_detail(user: User, project_id: int) -> _ProjectView:
    project = _project(user, project_id)
    return _ProjectView(
        project=project,
        can_edit=selectors.can_edit(user, project.province_id),
        sources=selectors.figure_sources(project),
        export_figures=list(selectors.export_figures(user=user, project=project.pk)),
        updates=list(project.updates.select_related("actor", "item")),
    )


@projects_router.get(
    "/projects",
    response={200: schemas.ProjectPage, **_errors(401, 422)},
    operation_id="project_list",
    url_name="project_list",
    summary="List the investment projects and production lines you may see",
    description=(
        "Filtered as on the projects page; the latest opened (or planned to open) first. Pages "
        "are read with `limit` and `offset`; `next_offset` is null on the last page."
    ),
)
def project_list(request: HttpRequest, filters: Query[schemas.ProjectFiltersIn]) -> Any:
    qs = selectors.project_list(
        user=acting_user(request),
        filters=selectors.ProjectFilters(
            q=filters.q,
            estate=filters.estate,
            status=filters.status or "",
            opening_year=filters.opening_year,
        ),
    )
    # The selector filters by id; the API speaks in the codes people use.
    if filters.county:
        qs = qs.filter(county__code=clean_digits(filters.county))
    if filters.sector:
        qs = qs.filter(sector__code=filters.sector.strip())
    if filters.company:
        qs = qs.filter(company__national_id=clean_digits(filters.company))
    return page(qs, offset=filters.offset, limit=filters.limit)


@projects_router.get(
    "/projects/{project_id}",
    response={200: schemas.ProjectDetail, **_errors(401, 404)},
    operation_id="project_get",
    url_name="project_detail",
    summary="One project with its investment, the source of each figure, exports and history",
)
def project_get(request: HttpRequest, project_id: int) -> Any:
    return _project_detail(acting_user(request), project_id)


@projects_router.post(
    "/projects",
    response={201: schemas.ProjectDetail, **_errors(401, 403, 422)},
    operation_id="project_create",
    url_name="project_create",
    summary="Record a project or production line of a company (the province's secretariat)",
    description=(
        "The investment is `amount` in `currency`; a dollar amount needs `rate` (rials per "
        "dollar) and `rate_on`, so its rial value can be redone. The line is at the company's "
        "county and estate unless `county` (and `estate`) say otherwise. "
        + schemas.PROJECT_FIGURES_HELP
    ),
)
def project_create(request: HttpRequest, payload: schemas.ProjectCreateIn) -> Any:
    user = acting_user(request)
    company = _company(user, payload.company, _editable(user))
    data = payload.model_dump(exclude={"company", *MONEY_KEYS})
    project = services.project_create(
        actor=user,
        company=company,
        investment=_money(payload.model_dump(include=set(MONEY_KEYS))),
        **{
            **data,
            "sector": _sector(payload.sector),
            "county": _county(payload.county) if payload.county else None,
            "estate": _estate(payload.estate),
        },
    )
    return Status(201, _project_detail(user, project.pk))


@projects_router.patch(
    "/projects/{project_id}",
    response={200: schemas.ProjectDetail, **_errors(401, 403, 404, 422)},
    operation_id="project_update",
    url_name="project_update",
    summary="Change a project's figures, saying where they come from (the secretariat)",
    description=(
        "Send only what changes, and its `source`. The status moves along the project's "
        "lifecycle (planned, under construction, stalled, operating); to open a line, prefer "
        "`POST /projects/{project_id}/open`. " + schemas.PROJECT_FIGURES_HELP
    ),
)
def project_update(request: HttpRequest, project_id: int, payload: schemas.ProjectUpdateIn) -> Any:
    user = acting_user(request)
    project = _project(user, project_id)
    _check_edits(user, project.province_id)
    changes = payload.model_dump(exclude_unset=True)
    source, on, note = changes.pop("source"), changes.pop("on", None), changes.pop("note", "")
    money = {name: changes.pop(name) for name in MONEY_KEYS if name in changes}
    if "sector" in changes:
        changes["sector"] = _sector(changes["sector"])
    if "county" in changes:
        changes["county"] = _county(changes["county"])
    if "estate" in changes:
        changes["estate"] = _estate(changes["estate"])
    services.project_update(
        actor=user,
        project=project,
        source=source,
        on=on,
        note=note,
        investment=_money(money, current=project) if money else None,
        **changes,
    )
    return _project_detail(user, project_id)


@projects_router.post(
    "/projects/{project_id}/progress",
    response={200: schemas.ProjectDetail, **_errors(401, 403, 404, 422)},
    operation_id="project_progress",
    url_name="project_progress",
    summary="Report a project's progress: physical %, jobs created, status (the secretariat)",
    description=(
        "At least one of `progress`, `jobs_created`, `status`. The history keeps every report "
        "with its source and day."
    ),
)
def project_progress(request: HttpRequest, project_id: int, payload: schemas.ProgressIn) -> Any:
    user = acting_user(request)
    project = _project(user, project_id)
    _check_edits(user, project.province_id)
    services.project_report_progress(
        actor=user,
        project=project,
        source=payload.source,
        on=payload.on or timezone.localdate(),
        progress=payload.progress,
        jobs_created=payload.jobs_created,
        status=payload.status,
        note=payload.note,
    )
    return _project_detail(user, project_id)


@projects_router.post(
    "/projects/{project_id}/open",
    response={200: schemas.ProjectDetail, **_errors(401, 403, 404, 422)},
    operation_id="project_open",
    url_name="project_open",
    summary="Record that a line opened on a day (the secretariat)",
    description=(
        "The status becomes `operating`, `opened_on` the day and the progress 100%. Recording "
        "it again moves the date; the history keeps both. An opening on an official visit is "
        "recorded by adding an `opening` item to the visit's programme instead."
    ),
)
def project_open(request: HttpRequest, project_id: int, payload: schemas.OpenIn) -> Any:
    user = acting_user(request)
    project = _project(user, project_id)
    _check_edits(user, project.province_id)
    with _fields_renamed({"opened_on": "on"}):
        services.project_open(actor=user, project=project, on=payload.on, source=payload.source)
    return _project_detail(user, project_id)


# --- Export figures ------------------------------------------------------------------------------


def _figures(user: User, filters: schemas.ExportFiltersIn) -> QuerySet[ExportFigure]:
    figures = selectors.export_figures(
        user=user, kind=filters.kind or "", year=filters.year, project=filters.project
    )
    if filters.company:
        figures = figures.filter(company__national_id=clean_digits(filters.company))
    return figures


@exports_router.get(
    "/exports",
    response={200: schemas.ExportPage, **_errors(401, 422)},
    operation_id="export_list",
    url_name="export_list",
    summary="List the export forecasts and actuals you may see",
    description=(
        "Newest year first. `year` is a Jalali year. Pages are read with `limit` and `offset`; "
        "`next_offset` is null on the last page."
    ),
)
def export_list(request: HttpRequest, filters: Query[schemas.ExportListIn]) -> Any:
    qs = _figures(acting_user(request), filters)
    return page(qs, offset=filters.offset, limit=filters.limit)


# Registered before `/exports/{figure_id}`, whose pattern would otherwise take "totals".
@exports_router.get(
    "/exports/totals",
    response={200: schemas.ExportTotalsOut, **_errors(401, 422)},
    operation_id="export_totals",
    url_name="export_totals",
    summary="Export totals by country, by group of countries and overall",
    description=(
        "Over the figures `GET /exports` lists with the same filters (all of them, not a "
        "page); mix forecasts and actuals only on purpose. A figure for a country counts for "
        "the country and once for every group it belongs to; a figure for a group counts for "
        "the group; the total counts every figure once. Sums in rials and per currency."
    ),
)
def export_totals(request: HttpRequest, filters: Query[schemas.ExportFiltersIn]) -> Any:
    return selectors.export_totals(_figures(acting_user(request), filters))


def _destination(payload: schemas.ExportRecordIn) -> Country | CountryGroup:
    if bool(payload.country) == bool(payload.group):
        message = _("Give either a country or a group of countries.")
        raise ValidationError(
            {
                "country": ValidationError(message, code="one_destination"),
                "group": ValidationError(message, code="one_destination"),
            }
        )
    if payload.country:
        country = Country.objects.filter(code=payload.country.strip().upper()).first()
        if country is None:
            raise _field_error("country", _("No country has this code."), "unknown_country")
        return country
    group = CountryGroup.objects.filter(code=(payload.group or "").strip()).first()
    if group is None:
        raise _field_error("group", _("No group of countries has this code."), "unknown_group")
    return group


@exports_router.post(
    "/exports",
    response={
        200: schemas.ExportRecordOut,
        201: schemas.ExportRecordOut,
        **_errors(401, 403, 422),
    },
    operation_id="export_record",
    url_name="export_record",
    summary="Record an export forecast or actual (the province's secretariat)",
    description=(
        "One figure per company, project, kind, Jalali year and destination (a country or a "
        "group of countries): sending it again updates it. Answers 201 when the figure is new, "
        "200 when it was updated or already said the same (`result`)."
    ),
)
def export_record(request: HttpRequest, payload: schemas.ExportRecordIn) -> Any:
    user = acting_user(request)
    provinces = _editable(user)
    company = _company(user, payload.company, provinces)
    project = None
    if payload.project is not None:
        project = (
            selectors.projects_for_user(user)
            .filter(pk=payload.project, province_id__in=provinces)
            .first()
        )
        if project is None:
            raise _field_error(
                "project", _("No project of your province has this id."), "unknown_project"
            )
    figure, result = services.export_record(
        actor=user,
        company=company,
        project=project,
        kind=payload.kind,
        year=payload.year,
        destination=_destination(payload),
        value=_money(payload.model_dump(include=set(MONEY_KEYS))),
        source=payload.source,
        note=payload.note,
    )
    figure = selectors.export_figures(user=user).get(pk=figure.pk)
    return Status(201 if result == "created" else 200, {"result": result, "figure": figure})


@exports_router.delete(
    "/exports/{figure_id}",
    response={200: schemas.RemovedOut, **_errors(401, 403, 404)},
    operation_id="export_remove",
    url_name="export_remove",
    summary="Remove an export figure (the province's secretariat)",
    description="The event log keeps what it said.",
)
def export_remove(request: HttpRequest, figure_id: int) -> Any:
    user = acting_user(request)
    _check_id(figure_id)
    figure = selectors.export_figures(user=user).filter(pk=figure_id).first()
    if figure is None:
        raise Http404
    _check_edits(user, figure.company.province_id)
    services.export_remove(actor=user, figure=figure)
    return {"id": figure_id}


# --- Visits --------------------------------------------------------------------------------------


def _visit(user: User, visit_id: int) -> Visit:
    _check_id(visit_id)
    visit = selectors.visit_get_for_user(user=user, pk=visit_id)
    if visit is None:
        raise Http404
    return visit


@dataclass
class _VisitView:
    """A visit with its programme and figures, as `_ProjectView` is for a project."""

    visit: Visit
    can_edit: bool
    items: list[ItineraryItem]
    figures: dict[str, Any]

    @property
    def item_count(self) -> int:
        return len(self.items)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.visit, name)


def _visit_detail(user: User, visit_id: int) -> _VisitView:
    visit = _visit(user, visit_id)
    summary = selectors.visit_summary(visit, user=user)
    items = list(visit.items.all())
    return _VisitView(
        visit=visit,
        can_edit=selectors.can_edit(user, visit.province_id),
        items=items,
        figures={
            "kinds": [
                {"kind": kind, "label": label, "count": count}
                for kind, label, count in summary.kinds
            ],
            "openings": [
                {"item": item.pk, "day": item.day, "title": item.title, "project": item.project_id}
                for item in summary.openings
            ],
            "opened_projects": summary.opened_projects,
            "investment_rial": summary.investment_rial,
            "jobs": summary.jobs,
            "product_types": summary.product_types,
            "forecast_year": summary.forecast_year,
            "export_forecast": summary.export_forecast,
        },
    )


def _visit_item(visit: Visit, item_id: int) -> ItineraryItem:
    _check_id(item_id)
    item = next((item for item in visit.items.all() if item.pk == item_id), None)
    if item is None:
        raise Http404
    return item


@visits_router.get(
    "/visits",
    response={200: schemas.VisitPage, **_errors(401, 422)},
    operation_id="visit_list",
    url_name="visit_list",
    summary="List the official visits to your province",
    description=(
        "Newest first. For the province's secretariat, executive and county secretariats. "
        "Pages are read with `limit` and `offset`; `next_offset` is null on the last page."
    ),
)
def visit_list(request: HttpRequest, filters: Query[schemas.VisitFiltersIn]) -> Any:
    qs = (
        selectors.visits_for_user(acting_user(request))
        .select_related("province")
        .annotate(item_count=Count("items"))
        .order_by("-starts_on", "-id")
    )
    if filters.year:
        qs = qs.filter(starts_on__range=selectors.jalali_year_bounds(filters.year))
    return page(qs, offset=filters.offset, limit=filters.limit)


@visits_router.get(
    "/visits/{visit_id}",
    response={200: schemas.VisitDetail, **_errors(401, 404)},
    operation_id="visit_get",
    url_name="visit_detail",
    summary="One visit with its programme and what it opened",
)
def visit_get(request: HttpRequest, visit_id: int) -> Any:
    return _visit_detail(acting_user(request), visit_id)


@visits_router.post(
    "/visits",
    response={201: schemas.VisitDetail, **_errors(401, 403, 422)},
    operation_id="visit_create",
    url_name="visit_create",
    summary="Record an official visit to the province (the province's secretariat)",
    description="Add its programme with `POST /visits/{visit_id}/items`.",
)
def visit_create(request: HttpRequest, payload: schemas.VisitCreateIn) -> Any:
    user = acting_user(request)
    province = _province(user, payload.province)
    visit = services.visit_create(
        actor=user, province=province, **payload.model_dump(exclude={"province"})
    )
    return Status(201, _visit_detail(user, visit.pk))


@visits_router.patch(
    "/visits/{visit_id}",
    response={200: schemas.VisitDetail, **_errors(401, 403, 404, 422)},
    operation_id="visit_update",
    url_name="visit_update",
    summary="Change a visit (the province's secretariat)",
    description="Send only what changes. Its days must still hold every item of its programme.",
)
def visit_update(request: HttpRequest, visit_id: int, payload: schemas.VisitUpdateIn) -> Any:
    user = acting_user(request)
    visit = _visit(user, visit_id)
    _check_edits(user, visit.province_id)
    services.visit_update(actor=user, visit=visit, **payload.model_dump(exclude_unset=True))
    return _visit_detail(user, visit_id)


def _links(user: User, visit: Visit, values: dict[str, Any]) -> dict[str, Any]:
    """The company, project and meeting an item names, looked up in the visit's province
    (anything else is unknown here); null stays null, to clear a link."""
    links: dict[str, Any] = {}
    if values.get("company") is not None:
        links["company"] = _company(user, values["company"], {visit.province_id})
    if values.get("project") is not None:
        project = (
            selectors.projects_for_user(user)
            .filter(pk=values["project"], province_id=visit.province_id)
            .select_related("company")
            .first()
        )
        if project is None:
            raise _field_error(
                "project", _("No project of the visit's province has this id."), "unknown_project"
            )
        links["project"] = project
    if values.get("meeting") is not None:
        meeting = (
            meeting_selectors.meetings_for_user(user)
            .filter(pk=values["meeting"], body__province_id=visit.province_id)
            .select_related("body")
            .first()
        )
        if meeting is None:
            raise _field_error(
                "meeting",
                _("No HQ session of the visit's province has this id."),
                "unknown_meeting",
            )
        links["meeting"] = meeting
    return links


@visits_router.post(
    "/visits/{visit_id}/items",
    response={201: schemas.ItineraryItemOut, **_errors(401, 403, 404, 422)},
    operation_id="visit_item_add",
    url_name="visit_item_add",
    summary="Add a stop to a visit's programme (the province's secretariat)",
    description=(
        "An `opening` names the `project` it opens and has happened (its day is not in the "
        "future): recording it opens the line on that day (status `operating`, progress "
        "100%), with the visit as the source. " + schemas.LINKS_HELP
    ),
)
def visit_item_add(request: HttpRequest, visit_id: int, payload: schemas.ItemIn) -> Any:
    user = acting_user(request)
    visit = _visit(user, visit_id)
    _check_edits(user, visit.province_id)
    values = payload.model_dump()
    values.update(_links(user, visit, values))
    item = services.item_add(actor=user, visit=visit, **values)
    return Status(201, _visit_item(_visit(user, visit_id), item.pk))


@visits_router.patch(
    "/visits/{visit_id}/items/{item_id}",
    response={200: schemas.ItineraryItemOut, **_errors(401, 403, 404, 422)},
    operation_id="visit_item_update",
    url_name="visit_item_update",
    summary="Change a stop of a visit's programme (the province's secretariat)",
    description=(
        "Send only what changes; null clears `starts_at`, `company`, `project` or `meeting`. "
        "Making it an opening, or moving an opening to another day or project, opens the line "
        "again on that day; the project's history keeps the earlier opening. " + schemas.LINKS_HELP
    ),
)
def visit_item_update(
    request: HttpRequest, visit_id: int, item_id: int, payload: schemas.ItemUpdateIn
) -> Any:
    user = acting_user(request)
    visit = _visit(user, visit_id)
    _check_edits(user, visit.province_id)
    item = _visit_item(visit, item_id)
    changes = payload.model_dump(exclude_unset=True)
    changes.update(_links(user, visit, changes))
    services.item_update(actor=user, item=item, **changes)
    return _visit_item(_visit(user, visit_id), item_id)


@visits_router.delete(
    "/visits/{visit_id}/items/{item_id}",
    response={200: list[schemas.ItineraryItemOut], **_errors(401, 403, 404)},
    operation_id="visit_item_remove",
    url_name="visit_item_remove",
    summary="Take a stop off a visit's programme (the province's secretariat)",
    description=(
        "An opening's line stays open: it did open, and its history says where the date came "
        "from. Answers the programme that remains."
    ),
)
def visit_item_remove(request: HttpRequest, visit_id: int, item_id: int) -> Any:
    user = acting_user(request)
    visit = _visit(user, visit_id)
    _check_edits(user, visit.province_id)
    services.item_remove(actor=user, item=_visit_item(visit, item_id))
    return list(_visit(user, visit_id).items.all())


# --- Sector shares -------------------------------------------------------------------------------


def _share(user: User, share_id: int) -> SectorShare:
    _check_id(share_id)
    share = (
        selectors.shares_for_user(user)
        .select_related("province", "sector")
        .filter(pk=share_id)
        .first()
    )
    if share is None:
        raise Http404
    return share


@shares_router.get(
    "/sector-shares",
    response={200: schemas.SharePage, **_errors(401, 422)},
    operation_id="share_list",
    url_name="share_list",
    summary="The province's shares of national output or need, by source",
    description=(
        "Published figures disagree: every source's figure is kept and listed, newest first, "
        "for anyone with a role in the province. Pages are read with `limit` and `offset`; "
        "`next_offset` is null on the last page."
    ),
)
def share_list(request: HttpRequest, filters: Query[schemas.ShareFiltersIn]) -> Any:
    qs = (
        selectors.shares_for_user(acting_user(request))
        .select_related("province", "sector")
        .order_by("-stated_on", "-id")
    )
    if filters.sector:
        qs = qs.filter(sector__code=filters.sector.strip())
    return page(qs, offset=filters.offset, limit=filters.limit)


@shares_router.post(
    "/sector-shares",
    response={201: schemas.ShareOut, **_errors(401, 403, 422)},
    operation_id="share_create",
    url_name="share_create",
    summary="Record a source's figure for a sector share (the province's secretariat)",
    description="Other sources' figures for the sector stay: none overwrites another.",
)
def share_create(request: HttpRequest, payload: schemas.ShareCreateIn) -> Any:
    user = acting_user(request)
    province = _province(user, payload.province)
    values = payload.model_dump(exclude={"province"})
    values["sector"] = _sector(payload.sector)
    share = services.share_add(actor=user, province=province, **values)
    return Status(201, _share(user, share.pk))


@shares_router.patch(
    "/sector-shares/{share_id}",
    response={200: schemas.ShareOut, **_errors(401, 403, 404, 422)},
    operation_id="share_update",
    url_name="share_update",
    summary="Correct a recorded sector share (the province's secretariat)",
    description=(
        "Send only what changes. To record what another source says, add a share instead."
    ),
)
def share_update(request: HttpRequest, share_id: int, payload: schemas.ShareUpdateIn) -> Any:
    user = acting_user(request)
    share = _share(user, share_id)
    _check_edits(user, share.province_id)
    changes = payload.model_dump(exclude_unset=True)
    if "sector" in changes:
        changes["sector"] = _sector(changes["sector"])
    services.share_update(actor=user, share=share, **changes)
    return _share(user, share_id)


@shares_router.delete(
    "/sector-shares/{share_id}",
    response={200: schemas.RemovedOut, **_errors(401, 403, 404)},
    operation_id="share_remove",
    url_name="share_remove",
    summary="Remove a recorded sector share (the province's secretariat)",
    description="The event log keeps what it said.",
)
def share_remove(request: HttpRequest, share_id: int) -> Any:
    user = acting_user(request)
    share = _share(user, share_id)
    _check_edits(user, share.province_id)
    services.share_remove(actor=user, share=share)
    return {"id": share_id}


# --- Reference lists -----------------------------------------------------------------------------


def _check_has_role(user: User) -> None:
    # Reference data is public knowledge, but the API is for people with a role in it.
    if not scopes_of(user):
        raise ApiError(403, ErrorCode.PERMISSION_DENIED, _("You have no role on the platform."))


@reference_router.get(
    "/sectors",
    response={200: list[schemas.SectorOut], **_errors(401, 403)},
    operation_id="sector_list",
    url_name="sector_list",
    summary="The sectors projects and sector shares are recorded in",
)
def sector_list(request: HttpRequest) -> Any:
    _check_has_role(acting_user(request))
    return Sector.objects.order_by("name", "code")


@reference_router.get(
    "/countries",
    response={200: list[schemas.CountryItem], **_errors(401, 403)},
    operation_id="country_list",
    url_name="country_list",
    summary="The countries export figures are recorded for (ISO 3166-1)",
)
def country_list(request: HttpRequest) -> Any:
    _check_has_role(acting_user(request))
    return Country.objects.order_by("name", "code")


@reference_router.get(
    "/country-groups",
    response={200: list[schemas.CountryGroupOut], **_errors(401, 403)},
    operation_id="country_group_list",
    url_name="country_group_list",
    summary="The named groups of countries, with their members' codes",
    description="Groups overlap: a country may belong to several, and counts in each.",
)
def country_group_list(request: HttpRequest) -> Any:
    _check_has_role(acting_user(request))
    return CountryGroup.objects.order_by("name", "code").prefetch_related(
        Prefetch("members", queryset=Country.objects.only("id", "code"))
    )
