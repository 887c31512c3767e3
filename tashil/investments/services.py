"""Every write to projects, export figures, visits and sector shares goes through here, in a
transaction, and leaves its history: a ProjectUpdate (with the figure's source) for projects,
an Event for the rest.

Errors are ValidationErrors keyed by field, in the user's language, so forms, the API and the
spreadsheet import show them on the field at fault.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tashil.accounts.models import User
from tashil.core.money import Money, to_rials
from tashil.core.text import compact_key
from tashil.geo.models import Country, CountryGroup, County, IndustrialEstate, Province
from tashil.investments.models import (
    Event,
    ExportFigure,
    ExportKind,
    ItineraryItem,
    ItineraryKind,
    Project,
    ProjectUpdate,
    Sector,
    SectorShare,
    Visit,
)
from tashil.investments.workflow import ProjectStatus, can_move
from tashil.meetings.models import Meeting
from tashil.registry.models import Activity, Company

logger = logging.getLogger(__name__)

# The figures a project update may change, besides the money (see MONEY_FIELDS).
PROJECT_FIELDS = (
    "title",
    "sector",
    "county",
    "estate",
    "description",
    "jobs_planned",
    "jobs_created",
    "product_types",
    "progress",
    "status",
    "planned_opening_on",
    "opened_on",
)
MONEY_FIELDS = ("amount", "currency", "rate", "rate_on")


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for the history rows."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        # Written out in full ("4000000", not "4E+6"), without trailing zeros.
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    return value


def _only(changes: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"not {what} fields: {sorted(unknown)}")


def _apply(row: models.Model, changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set the values that differ on `row`; returns them as {field: [old, new]}, as the
    history rows keep them."""
    diff = {
        name: [_plain(getattr(row, name)), _plain(value)]
        for name, value in changes.items()
        if getattr(row, name) != value
    }
    for name in diff:
        setattr(row, name, changes[name])
    return diff


def _created(row: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    """The filled fields of a new row, as a history row's changes."""
    return {
        name: [None, _plain(getattr(row, name))]
        for name in fields
        if getattr(row, name) not in (None, "")
    }


def _source(source: str) -> str:
    source = source.strip()
    if not source:
        raise ValidationError({"source": _("Say where this figure comes from.")})
    return source


def _money_values(money: Money) -> dict[str, Any]:
    rials = to_rials(money)
    return {
        "amount": Decimal(money.amount),
        "currency": money.currency,
        "rate": money.rate,
        "rate_on": money.rate_on,
        "amount_rial": rials,
    }


# --- Sectors (reference data) --------------------------------------------------------------------


@transaction.atomic
def sectors_load(*, rows: Iterable[Mapping[str, str]]) -> int:
    """Sectors from data/sectors.csv, matched by code (idempotent). Unknown ISIC codes raise:
    a typo in the file should fail loudly, not map a sector to nothing."""
    activities = {a.code: a for a in Activity.objects.all()}
    count = 0
    for row in rows:
        sector, _created = Sector.objects.update_or_create(
            code=row["code"], defaults={"name": row["name_fa"], "name_en": row["name_en"]}
        )
        codes = row.get("isic", "").split()
        if activities:  # the ISIC classes load first; a bare test database has none
            missing = [code for code in codes if code not in activities]
            if missing:
                raise ValueError(f"sector {row['code']}: unknown ISIC classes {missing}")
            sector.activities.set([activities[code] for code in codes])
        count += 1
    return count


# --- Projects ------------------------------------------------------------------------------------


# The `_check_*` functions test each invariant the models' check constraints hold, with an error
# on the field at fault; `full_clean` then checks the fields alone. Letting it also run every
# constraint would cost one query per constraint per write, for errors it words worse ("Constraint
# … is violated"); the database still enforces them.


def _check_project(project: Project) -> None:
    errors: dict[str, str] = {}
    if project.county.province_id != project.province_id:
        errors["county"] = _("The county must be in the company's province.")
    if project.estate is not None and project.estate.province_id != project.province_id:
        errors["estate"] = _("The industrial estate must be in the company's province.")
    elif (
        project.estate is not None
        and project.estate.county_id is not None
        and project.estate.county_id != project.county_id
    ):
        errors["estate"] = _("The industrial estate is in another county.")
    if (
        project.jobs_created is not None
        and project.jobs_planned is not None
        and project.jobs_created > project.jobs_planned * 10
    ):
        # Not a rule of the domain, a guard against a typo (10000 for 100).
        errors["jobs_created"] = _("Jobs created is more than ten times the jobs planned.")
    if project.status == ProjectStatus.OPERATING and project.opened_on is None:
        errors["opened_on"] = _("An operating line needs its opening date.")
    if project.status != ProjectStatus.OPERATING and project.opened_on is not None:
        errors["opened_on"] = _("Only an operating line has an opening date.")
    if project.opened_on is not None and project.opened_on > timezone.localdate():
        errors["opened_on"] = _("The opening date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    project.full_clean(
        exclude=["search_key", "company", "province", "created_by"], validate_constraints=False
    )


def _project_key(title: str) -> str:
    # Compact, like the registry's search document: "دانش بنیان" meets "دانش‌بنیان". The company's
    # name is searched in the company's own document (selectors.project_list), which the
    # registry keeps current when the company is renamed.
    return compact_key(title)


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    company: Company,
    title: str,
    sector: Sector,
    investment: Money,
    source: str,
    on: dt.date | None = None,
    county: County | None = None,
    estate: IndustrialEstate | None = None,
    description: str = "",
    jobs_planned: int | None = None,
    jobs_created: int | None = None,
    product_types: int | None = None,
    progress: int = 0,
    status: str = ProjectStatus.PLANNED,
    planned_opening_on: dt.date | None = None,
    opened_on: dt.date | None = None,
) -> Project:
    """Record a project of `company`. The line is placed at the company's site unless `county`
    (and `estate`) say otherwise. The first history row holds every figure and the source."""
    source = _source(source)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Enter the project's title.")})
    if county is None:
        # The estate's county when only the estate is named, else the company's site.
        estate = estate or company.estate
        county = estate.county if estate is not None and estate.county else company.county
    project = Project(
        province_id=company.province_id,
        company=company,
        title=title,
        search_key=_project_key(title),
        sector=sector,
        county=county,
        estate=estate,
        description=description.strip(),
        jobs_planned=jobs_planned,
        jobs_created=jobs_created,
        product_types=product_types,
        progress=100 if status == ProjectStatus.OPERATING else progress,
        status=status,
        planned_opening_on=planned_opening_on,
        opened_on=opened_on,
        created_by=actor,
        **_money_values(investment),
    )
    _check_project(project)
    project.save()
    changes = _created(project, (*PROJECT_FIELDS, *MONEY_FIELDS, "amount_rial"))
    ProjectUpdate.objects.create(
        project=project,
        kind=ProjectUpdate.Kind.CREATED,
        on=on or timezone.localdate(),
        source=source,
        changes=changes,
        actor=actor,
    )
    return project


def _locked(project: Project) -> Project:
    """The project row, locked: two updates of one project are applied one after the other,
    each on the other's result."""
    return (
        Project.objects.select_for_update().select_related("company", "county").get(pk=project.pk)
    )


@transaction.atomic
def project_update(
    *,
    actor: User | None,
    project: Project,
    source: str,
    on: dt.date | None = None,
    note: str = "",
    investment: Money | None = None,
    kind: str = ProjectUpdate.Kind.UPDATED,
    item: ItineraryItem | None = None,
    **changes: Any,
) -> list[str]:
    """Change some figures of a project as of `on` (today by default), saying where they come
    from. Returns the names of the fields that changed; nothing changed writes no history.

    The status moves along `workflow.PROJECT_TRANSITIONS`. Opening (status operating) needs
    `opened_on` and brings the progress to 100%."""
    _only(changes, PROJECT_FIELDS, "project")
    source = _source(source)
    current = _locked(project)
    values = dict(changes)
    if investment is not None:
        values.update(_money_values(investment))
    if "title" in values:
        values["title"] = values["title"].strip()
    target = values.get("status", current.status)
    if target not in ProjectStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not can_move(current.status, target):
        raise ValidationError(
            {
                "status": _("A project cannot go from «%(source)s» to «%(target)s».")
                % {
                    "source": ProjectStatus(current.status).label,
                    "target": ProjectStatus(target).label,
                }
            }
        )
    if target == ProjectStatus.OPERATING and current.status != ProjectStatus.OPERATING:
        values.setdefault("progress", 100)
    diff = _apply(current, values)
    if not diff:
        return []
    if "title" in diff:
        current.search_key = _project_key(current.title)
    _check_project(current)
    current.save(update_fields=[*diff, "search_key", "updated_at"])
    ProjectUpdate.objects.create(
        project=current,
        kind=kind,
        on=on or timezone.localdate(),
        source=source,
        note=note.strip(),
        changes=diff,
        item=item,
        actor=actor,
    )
    # The caller's object follows: views and the import keep using it.
    for name in [*diff, "search_key", "updated_at"]:
        setattr(project, name, getattr(current, name))
    return list(diff)


def project_report_progress(
    *,
    actor: User | None,
    project: Project,
    source: str,
    on: dt.date,
    progress: int | None = None,
    jobs_created: int | None = None,
    status: str | None = None,
    note: str = "",
) -> list[str]:
    """A progress report: the physical progress, the jobs created so far and, when it changed,
    the status, as of `on`. The history keeps every report."""
    changes: dict[str, Any] = {}
    if progress is not None:
        changes["progress"] = progress
    if jobs_created is not None:
        changes["jobs_created"] = jobs_created
    if status is not None:
        changes["status"] = status
    if not changes:
        raise ValidationError(_("Report at least one figure."))
    return project_update(
        actor=actor,
        project=project,
        source=source,
        on=on,
        note=note,
        kind=ProjectUpdate.Kind.PROGRESS,
        **changes,
    )


def project_open(
    *,
    actor: User | None,
    project: Project,
    on: dt.date,
    source: str,
    item: ItineraryItem | None = None,
) -> list[str]:
    """The line opened on `on`: status operating, the opening date, progress 100%. An opening
    recorded again (say, officially on a visit after a quiet start) moves the date to it."""
    # The status is asserted, not compared here: `project` may be a copy older than the row
    # project_update locks (a withdrawn opening just moved it back), and an operating line
    # staying operating is no change.
    changes: dict[str, Any] = {"opened_on": on, "status": ProjectStatus.OPERATING}
    return project_update(
        actor=actor,
        project=project,
        source=source,
        on=on,
        kind=ProjectUpdate.Kind.OPENED,
        item=item,
        **changes,
    )


# --- Export figures ------------------------------------------------------------------------------


def _event(
    *,
    actor: User | None,
    province_id: int,
    target: str,
    target_id: int,
    kind: str,
    changes: Mapping[str, Any],
) -> None:
    Event.objects.create(
        province_id=province_id,
        target=target,
        target_id=target_id,
        kind=kind,
        changes=dict(changes),
        actor=actor,
    )


def _destination_fields(destination: Country | CountryGroup) -> dict[str, Any]:
    if isinstance(destination, Country):
        return {"country": destination, "group": None}
    if isinstance(destination, CountryGroup):
        return {"country": None, "group": destination}
    raise TypeError(f"not a destination: {destination!r}")


def _export_lookup(key: Mapping[str, Any]) -> ExportFigure | None:
    return ExportFigure.objects.select_for_update().filter(**key).first()


@transaction.atomic
def export_record(
    *,
    actor: User | None,
    company: Company,
    kind: str,
    year: int,
    destination: Country | CountryGroup,
    value: Money,
    source: str,
    project: Project | None = None,
    note: str = "",
) -> tuple[ExportFigure, str]:
    """Record the export value of `company` (and `project`) for a Jalali year and destination.
    A figure for the same company, project, kind, year and destination is updated instead: the
    spreadsheet import relies on it to be idempotent. Returns the figure and "created",
    "updated" or "unchanged"."""
    source = _source(source)
    if project is not None and project.company_id != company.pk:
        raise ValidationError({"project": _("The project belongs to another company.")})
    if kind not in ExportKind.values:
        raise ValidationError({"kind": _("Choose forecast or actual.")})
    key = {"company": company, "project": project, "kind": kind, "year": year}
    key.update(_destination_fields(destination))
    values = {**_money_values(value), "source": source, "note": note.strip()}
    figure = _export_lookup(key)
    if figure is None:
        figure = ExportFigure(**key, **values, created_by=actor)
        figure.full_clean(
            exclude=["company", "project", "country", "group", "created_by"],
            validate_constraints=False,
        )
        try:
            # A savepoint: when another writer inserted the same key since the lookup (there
            # was no row to lock), the unique constraint refuses this one and the figure is
            # updated instead, as if this call had come second.
            with transaction.atomic():
                figure.save()
        except IntegrityError:
            figure = ExportFigure.objects.select_for_update().get(**key)
            return _export_update(actor, figure, values, company)
        changes = {name: [None, _plain(v)] for name, v in {**key, **values}.items() if v}
        _event(
            actor=actor,
            province_id=company.province_id,
            target=Event.Target.EXPORT,
            target_id=figure.pk,
            kind="created",
            changes=changes,
        )
        return figure, "created"
    return _export_update(actor, figure, values, company)


def _export_update(
    actor: User | None, figure: ExportFigure, values: Mapping[str, Any], company: Company
) -> tuple[ExportFigure, str]:
    diff = _apply(figure, values)
    if not diff:
        return figure, "unchanged"
    figure.full_clean(
        exclude=["company", "project", "country", "group", "created_by"], validate_constraints=False
    )
    figure.save(update_fields=[*diff, "updated_at"])
    _event(
        actor=actor,
        province_id=company.province_id,
        target=Event.Target.EXPORT,
        target_id=figure.pk,
        kind="updated",
        changes=diff,
    )
    return figure, "updated"


@transaction.atomic
def export_remove(*, actor: User | None, figure: ExportFigure) -> None:
    _event(
        actor=actor,
        province_id=figure.company.province_id,
        target=Event.Target.EXPORT,
        target_id=figure.pk,
        kind="removed",
        changes={
            "kind": figure.kind,
            "year": figure.year,
            "destination": str(figure.destination),
            "amount": _plain(figure.amount),
            "currency": figure.currency,
        },
    )
    figure.delete()


# --- Visits --------------------------------------------------------------------------------------

VISIT_FIELDS = ("title", "visitor_name", "visitor_title", "starts_on", "ends_on", "summary")


def _check_visit(visit: Visit) -> None:
    for name in ("title", "visitor_name", "visitor_title"):
        setattr(visit, name, getattr(visit, name).strip())
    if visit.ends_on < visit.starts_on:
        raise ValidationError({"ends_on": _("The last day cannot be before the first.")})
    visit.full_clean(exclude=["province", "created_by"], validate_constraints=False)


@transaction.atomic
def visit_create(
    *,
    actor: User | None,
    province: Province,
    title: str,
    visitor_name: str,
    visitor_title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    summary: str = "",
) -> Visit:
    visit = Visit(
        province=province,
        title=title,
        visitor_name=visitor_name,
        visitor_title=visitor_title,
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        summary=summary.strip(),
        created_by=actor,
    )
    _check_visit(visit)
    visit.save()
    _event(
        actor=actor,
        province_id=province.pk,
        target=Event.Target.VISIT,
        target_id=visit.pk,
        kind="created",
        changes={name: [None, _plain(getattr(visit, name))] for name in VISIT_FIELDS},
    )
    return visit


@transaction.atomic
def visit_update(*, actor: User | None, visit: Visit, **changes: Any) -> list[str]:
    _only(changes, VISIT_FIELDS, "visit")
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    diff = _apply(current, changes)
    if not diff:
        return []
    _check_visit(current)
    outside = current.items.exclude(day__gte=current.starts_on, day__lte=current.ends_on)
    if outside.exists():
        raise ValidationError(
            {"ends_on": _("Some itinerary items fall outside these days; move them first.")}
        )
    current.save(update_fields=[*diff, "updated_at"])
    _event(
        actor=actor,
        province_id=current.province_id,
        target=Event.Target.VISIT,
        target_id=current.pk,
        kind="updated",
        changes=diff,
    )
    for name in [*diff, "updated_at"]:
        setattr(visit, name, getattr(current, name))
    return list(diff)


ITEM_FIELDS = (
    "day",
    "starts_at",
    "kind",
    "title",
    "place",
    "note",
    "company",
    "project",
    "meeting",
)


def _check_item(item: ItineraryItem, visit: Visit) -> None:
    errors: dict[str, str] = {}
    item.title = item.title.strip()
    item.place = item.place.strip()
    if not visit.starts_on <= item.day <= visit.ends_on:
        errors["day"] = _("The day must be one of the visit's days.")
    if item.kind == ItineraryKind.OPENING and item.project is None:
        errors["project"] = _("Name the project this opening opens.")
    linked_provinces = {
        "company": item.company.province_id if item.company else None,
        "project": item.project.province_id if item.project else None,
        # A meeting belongs to its body, which names the province.
        "meeting": item.meeting.body.province_id if item.meeting else None,
    }
    for name, province_id in linked_provinces.items():
        if province_id is not None and province_id != visit.province_id:
            errors[name] = _("It must be in the visit's province.")
    if item.project is not None and item.company is None:
        item.company = item.project.company
    elif item.project is not None and item.company != item.project.company:
        errors["project"] = _("The project belongs to another company.")
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["visit", "company", "project", "meeting"], validate_constraints=False)


def _open_on_visit(actor: User | None, item: ItineraryItem, visit: Visit) -> None:
    """Open the item's project on the item's day, if that day has come; a programme drawn up
    before the visit waits for `openings_due` (the daily job) to open it. Always leaves an
    "opened" history row naming the item, even when the project was already open on that day,
    so the project page can say which visit opened it."""
    project = item.project
    if project is None:  # _check_item refuses an opening without its project
        raise ValueError("an opening names its project")
    if item.day > timezone.localdate():
        return
    source = _("Opened on the visit «%(visit)s»") % {"visit": visit.title}
    changed = project_open(actor=actor, project=project, on=item.day, source=source, item=item)
    if not changed:
        ProjectUpdate.objects.create(
            project=project,
            kind=ProjectUpdate.Kind.OPENED,
            on=item.day,
            source=source,
            item=item,
            actor=actor,
        )


# The figures an opening sets, which withdrawing it restores.
OPENING_FIELDS = ("status", "progress", "opened_on")


def _withdraw_opening(
    actor: User | None, item: ItineraryItem, project_id: int, visit: Visit
) -> None:
    """Undo what the opening `item` did to its project, when it is still the project's latest
    opening: a stop recorded on the wrong project, or removed from the programme, must not
    leave a line open that never opened. The workflow's "operating is final" is about real
    openings; this corrects a record, and the history keeps both rows."""
    project = Project.objects.select_for_update().get(pk=project_id)
    latest = (
        project.updates.filter(kind__in=[ProjectUpdate.Kind.OPENED, ProjectUpdate.Kind.WITHDRAWN])
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.kind != ProjectUpdate.Kind.OPENED or latest.item_id != item.pk:
        return
    restore: dict[str, Any] = {}
    for name in OPENING_FIELDS:
        if name in latest.changes:
            old = latest.changes[name][0]
            restore[name] = dt.date.fromisoformat(old) if name == "opened_on" and old else old
    diff = _apply(project, restore)
    if not diff:
        return
    _check_project(project)
    project.save(update_fields=[*diff, "updated_at"])
    ProjectUpdate.objects.create(
        project=project,
        kind=ProjectUpdate.Kind.WITHDRAWN,
        on=timezone.localdate(),
        source=_("Opening withdrawn from the visit «%(visit)s»") % {"visit": visit.title},
        changes=diff,
        item=item,
        actor=actor,
    )


def openings_due(*, today: dt.date | None = None) -> int:
    """Open the projects of opening stops whose day has come and whose opening is not on
    record (stops put on a programme before the visit, or moved to a later day). A stop's
    opening is on record when its latest history row is "opened", not "withdrawn". Returns how
    many were opened; a stop the services refuse is logged and left for a person."""
    today = today or timezone.localdate()
    due = list(
        ItineraryItem.objects.filter(kind=ItineraryKind.OPENING, day__lte=today)
        .select_related("visit", "project")
        .order_by("day", "id")
    )
    latest: dict[int, str] = {}
    for item_id, kind in (
        ProjectUpdate.objects.filter(item__in=due)
        .order_by("created_at", "id")
        .values_list("item_id", "kind")
    ):
        latest[item_id] = kind
    count = 0
    for item in due:
        if latest.get(item.pk) == ProjectUpdate.Kind.OPENED:
            continue
        try:
            with transaction.atomic():
                _open_on_visit(None, item, item.visit)
        except ValidationError:
            logger.warning("opening stop %s could not open its project", item.pk, exc_info=True)
            continue
        count += 1
    return count


@transaction.atomic
def item_add(
    *,
    actor: User | None,
    visit: Visit,
    day: dt.date,
    kind: str,
    title: str,
    starts_at: dt.time | None = None,
    place: str = "",
    note: str = "",
    company: Company | None = None,
    project: Project | None = None,
    meeting: Meeting | None = None,
) -> ItineraryItem:
    """Add a stop to the programme. An opening sets its project's opening date to the day
    (status operating, progress 100%), with the visit as the source."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    position = visit.items.filter(day=day).count()
    item = ItineraryItem(
        visit=visit,
        day=day,
        starts_at=starts_at,
        position=position,
        kind=kind,
        title=title,
        place=place,
        note=note.strip(),
        company=company,
        project=project,
        meeting=meeting,
    )
    _check_item(item, visit)
    item.save()
    _event(
        actor=actor,
        province_id=visit.province_id,
        target=Event.Target.ITEM,
        target_id=item.pk,
        kind="created",
        changes={
            "visit": [None, visit.pk],
            **_created(item, ITEM_FIELDS),
        },
    )
    if item.kind == ItineraryKind.OPENING:
        _open_on_visit(actor, item, visit)
    return item


@transaction.atomic
def item_update(*, actor: User | None, item: ItineraryItem, **changes: Any) -> list[str]:
    """Change a stop. Turning it into an opening, or moving an opening to another day or
    project, records the opening again; the project's history keeps the earlier one."""
    _only(changes, ITEM_FIELDS, "itinerary")
    new_project = changes.get("project")
    if new_project is not None and "company" not in changes:
        # The company follows the project it names, as on adding.
        changes["company"] = new_project.company
    visit = Visit.objects.select_for_update().get(pk=item.visit_id)
    item = ItineraryItem.objects.select_related("project", "company", "meeting__body").get(
        pk=item.pk
    )
    was_opening = item.kind == ItineraryKind.OPENING
    old_project_id = item.project_id
    diff = _apply(item, changes)
    if not diff:
        return []
    _check_item(item, visit)
    item.save(update_fields=list({*diff, "company"}))
    _event(
        actor=actor,
        province_id=visit.province_id,
        target=Event.Target.ITEM,
        target_id=item.pk,
        kind="updated",
        changes=diff,
    )
    if was_opening and old_project_id and {"kind", "day", "project"} & set(diff):
        _withdraw_opening(actor, item, old_project_id, visit)
    if item.kind == ItineraryKind.OPENING and {"kind", "day", "project"} & set(diff):
        _open_on_visit(actor, item, visit)
    return list(diff)


@transaction.atomic
def item_remove(*, actor: User | None, item: ItineraryItem) -> None:
    """Remove a stop. Removing an opening withdraws it from its project when it is the
    project's latest opening (`_withdraw_opening`); the history keeps both rows."""
    if item.kind == ItineraryKind.OPENING and item.project_id:
        _withdraw_opening(actor, item, item.project_id, item.visit)
    _event(
        actor=actor,
        province_id=item.visit.province_id,
        target=Event.Target.ITEM,
        target_id=item.pk,
        kind="removed",
        changes={"visit": item.visit_id, "title": item.title, "day": _plain(item.day)},
    )
    item.delete()


# --- Sector shares -------------------------------------------------------------------------------

SHARE_FIELDS = ("sector", "basis", "value", "unit", "source", "source_url", "stated_on", "note")


def _unit(text: str) -> str:
    # A Persian keyboard types «٪» (U+066A): the same unit, and the same 100 cap.
    return text.strip().replace("\u066a", "%") or "%"


def _check_share(share: SectorShare) -> None:
    share.source = _source(share.source)
    share.unit = _unit(share.unit)
    if share.value < 0:
        raise ValidationError({"value": _("The value cannot be negative.")})
    if share.unit == "%" and share.value > 100:
        raise ValidationError({"value": _("A percentage cannot be more than 100.")})
    if share.stated_on > timezone.localdate():
        raise ValidationError({"stated_on": _("The date cannot be in the future.")})
    share.full_clean(exclude=["province", "sector", "created_by"], validate_constraints=False)


@transaction.atomic
def share_add(
    *,
    actor: User | None,
    province: Province,
    sector: Sector,
    basis: str,
    value: Decimal,
    source: str,
    stated_on: dt.date,
    unit: str = "%",
    source_url: str = "",
    note: str = "",
) -> SectorShare:
    """Record a figure one source gave for the province's share in a sector. Figures of other
    sources stay: published figures disagree, and the page shows them side by side."""
    share = SectorShare(
        province=province,
        sector=sector,
        basis=basis,
        value=value,
        unit=unit,
        source=source,
        source_url=source_url.strip(),
        stated_on=stated_on,
        note=note.strip(),
        created_by=actor,
    )
    _check_share(share)
    share.save()
    _event(
        actor=actor,
        province_id=province.pk,
        target=Event.Target.SHARE,
        target_id=share.pk,
        kind="created",
        changes=_created(share, SHARE_FIELDS),
    )
    return share


@transaction.atomic
def share_update(*, actor: User | None, share: SectorShare, **changes: Any) -> list[str]:
    _only(changes, SHARE_FIELDS, "sector share")
    if "unit" in changes:
        changes["unit"] = _unit(changes["unit"])
    share = SectorShare.objects.select_for_update().get(pk=share.pk)
    diff = _apply(share, changes)
    if not diff:
        return []
    _check_share(share)
    share.save(update_fields=list(diff))
    _event(
        actor=actor,
        province_id=share.province_id,
        target=Event.Target.SHARE,
        target_id=share.pk,
        kind="updated",
        changes=diff,
    )
    return list(diff)


@transaction.atomic
def share_remove(*, actor: User | None, share: SectorShare) -> None:
    _event(
        actor=actor,
        province_id=share.province_id,
        target=Event.Target.SHARE,
        target_id=share.pk,
        kind="removed",
        changes={name: _plain(getattr(share, name)) for name in SHARE_FIELDS},
    )
    share.delete()
