"""Project pages (DOMAIN.md §6): the list with its filters and totals, a project with the
source of each figure and its history, and the secretariat's forms (record, edit, report
progress).

Thin, as the registry's: forms check input, services write (and refuse with a ValidationError
put back on the field), selectors decide who sees what: 404 for a project the user may not see,
as for one that does not exist; 403 for one the user sees but may not change (the executive,
a county secretariat, the company itself).
"""

from __future__ import annotations

import datetime as dt
from math import ceil
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tashil.accounts.access import provinces_of
from tashil.core import identifiers
from tashil.core.forms import apply_service_errors, remember_initial
from tashil.core.http import AuthenticatedRequest, is_htmx
from tashil.core.jalali import format_jalali, format_number, is_persian_ui
from tashil.core.money import Currency
from tashil.core.templatetags.persian import digits
from tashil.core.text import to_ascii_digits
from tashil.investments import forms, selectors, services
from tashil.investments.models import Project, ProjectUpdate
from tashil.investments.workflow import ProjectStatus
from tashil.registry.models import Company

PAGE_SIZE = 25
# Beyond this, narrow the filters or export (as the registry list).
MAX_PAGE = 4000


def _page(request: AuthenticatedRequest) -> int:
    try:
        return min(MAX_PAGE, max(1, int(to_ascii_digits(request.GET.get("page", "1")))))
    except ValueError:
        return 1


def _project(request: AuthenticatedRequest, pk: int) -> Project:
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    if project is None:
        raise Http404
    return project


def _editable(request: AuthenticatedRequest, pk: int) -> Project:
    project = _project(request, pk)
    if not selectors.can_edit(request.user, project.province_id):
        raise PermissionDenied
    return project


def company_by_national_id(raw: str | None, companies: Any) -> Company | None:
    """The company a link names by its national ID (?company=…), or None: a prefill, so a
    wrong or foreign ID simply prefills nothing."""
    if not raw:
        return None
    try:
        national_id = identifiers.normalize_national_id(raw)
    except ValidationError:
        return None
    company: Company | None = companies.filter(national_id=national_id).first()
    return company


# --- The list ------------------------------------------------------------------------------------


@login_required
@require_GET
def project_list(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.ProjectFilterForm(request.GET or None, provinces=provinces_of(request.user))
    projects = selectors.project_list(user=request.user, filters=form.filters())
    totals = selectors.project_totals(projects)
    pages = max(1, ceil(totals.count / PAGE_SIZE))
    page = min(_page(request), pages)
    offset = (page - 1) * PAGE_SIZE
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "projects": list(projects[offset : offset + PAGE_SIZE]),
        "totals": totals,
        "page": page,
        "pages": pages,
        "has_next": page < pages,
        "query": query.urlencode(),
        "can_create": bool(selectors.editable_provinces(request.user)),
    }
    template = (
        "investments/_project_table.html" if is_htmx(request) else "investments/project_list.html"
    )
    return render(request, template, context)


# --- A project -----------------------------------------------------------------------------------

KIND_LABELS = dict(ProjectUpdate.Kind.choices)
EXTRA_LABELS: dict[str, Any] = {
    "amount": gettext_lazy("investment"),
    "rate": gettext_lazy("exchange rate"),
}
CHOICES: dict[str, dict[str, Any]] = {
    "status": dict(ProjectStatus.choices),
    "currency": dict(Currency.choices),
}
NUMBERS = ("jobs_planned", "jobs_created", "product_types", "rate", "amount_rial", "amount")


def _label(name: str) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        field = Project._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def _value(name: str, value: Any) -> str:
    """A value as the history row stored it (codes, ISO dates, numbers as text), for reading."""
    if value is None or value == "":
        return "—"
    if name in CHOICES:
        return str(CHOICES[name].get(value, value))
    if name == "progress":
        return f"{format_number(int(value))}٪" if is_persian_ui() else f"{value}%"
    if name in NUMBERS:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return digits(value)
        return format_number(int(number) if number.is_integer() else number)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_jalali(dt.date.fromisoformat(value))
        except ValueError:
            pass
    return digits(value)


def update_lines(update: ProjectUpdate) -> list[str]:
    """One sentence per changed figure: «jobs created: ۲۰ → ۶۰»."""
    lines = []
    for name, change in update.changes.items():
        if isinstance(change, list) and len(change) == 2:
            old, new = change
            if old is None and update.kind == ProjectUpdate.Kind.CREATED:
                lines.append(f"{_label(name)}: {_value(name, new)}")
            else:
                lines.append(
                    _("%(field)s: %(old)s → %(new)s")
                    % {"field": _label(name), "old": _value(name, old), "new": _value(name, new)}
                )
        else:
            lines.append(f"{_label(name)}: {_value(name, change)}")
    return lines


@login_required
@require_GET
def project_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    updates = list(project.updates.select_related("actor", "item__visit"))
    for update in updates:
        update.lines = update_lines(update)  # type: ignore[attr-defined]
    # The visit on which the line opened: the latest opening recorded on an itinerary. Its
    # page is linked for those who see visits (a company's representative does not).
    # A withdrawn opening (its stop removed or re-pointed) is no longer quoted.
    last = max(
        (u for u in updates if u.item is not None),
        key=lambda u: (u.created_at, u.pk),
        default=None,
    )
    opening = (
        last.item
        if last is not None
        and last.kind == ProjectUpdate.Kind.OPENED
        and project.status == ProjectStatus.OPERATING
        else None
    )
    visit_ids = {u.item.visit_id for u in updates if u.item is not None}
    visible_visits = (
        set(
            selectors.visits_for_user(request.user)
            .filter(pk__in=visit_ids)
            .values_list("pk", flat=True)
        )
        if visit_ids
        else set()
    )
    figures = list(selectors.export_figures(user=request.user, project=project.pk))
    can_edit = selectors.can_edit(request.user, project.province_id)
    return render(
        request,
        "investments/project_detail.html",
        {
            "project": project,
            "sources": selectors.figure_sources(project),
            "updates": updates,
            "opening": opening,
            "visible_visits": visible_visits,
            "figures": figures,
            "export_periods": selectors.export_totals_by_period(figures),
            "can_edit": can_edit,
            "editable": {project.province_id} if can_edit else set(),
        },
    )


# --- Record, edit, report progress ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthenticatedRequest) -> HttpResponse:
    provinces = selectors.editable_provinces(request.user)
    if not provinces:
        raise PermissionDenied
    companies = Company.objects.filter(province_id__in=provinces)
    today = timezone.localdate()
    initial: dict[str, Any] = {
        "status": ProjectStatus.PLANNED,
        "currency": Currency.RIAL,
        "progress": 0,
        "on": today,
    }
    company = company_by_national_id(request.GET.get("company"), companies)
    if company is not None:
        initial.update(company=company.national_id, county=company.county, estate=company.estate)
    form = forms.ProjectForm(
        request.POST or None, initial=initial, province_ids=provinces, companies=companies
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = form.project_values()
        try:
            project = services.project_create(
                actor=request.user,
                company=data["company"],
                investment=form.money(),
                source=data["source"],
                on=data["on"],
                **values,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The project was recorded."))
            return redirect("investments:project_detail", pk=project.pk)
    return render(
        request,
        "investments/project_form.html",
        {"form": form, "company": company},
        status=422 if form.errors else 200,
    )


def _project_initial(project: Project) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(project, name)
        for name in (
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
    }
    initial.update(forms.money_initial(project.money))
    initial["on"] = timezone.localdate()
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _editable(request, pk)
    form = forms.ProjectForm(
        request.POST or None,
        initial=_project_initial(project),
        province_ids={project.province_id},
        project=project,
    )
    remember_initial(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.project_update(
                actor=request.user,
                project=project,
                source=data["source"],
                on=data["on"],
                note=data.get("note") or "",
                # Only what was changed on the form: a figure left as it was is not re-asserted,
                # so a form opened before someone else's change does not undo it (and opening
                # a line brings its progress to 100% unless the progress was changed).
                investment=(
                    form.money()
                    if {"amount", "currency", "rate", "rate_on"} & set(form.changed_data)
                    else None
                ),
                **{
                    name: value
                    for name, value in form.project_values().items()
                    if name in form.changed_data
                },
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The changes were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("investments:project_detail", pk=project.pk)
    return render(
        request,
        "investments/project_form.html",
        {"form": form, "project": project, "company": project.company},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _editable(request, pk)
    form = forms.ProgressForm(
        request.POST or None,
        initial={
            "on": timezone.localdate(),
            "progress": project.progress,
            "jobs_created": project.jobs_created,
        },
        project=project,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.project_report_progress(
                actor=request.user, project=project, **form.report_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The progress report was recorded."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("investments:project_detail", pk=project.pk)
    return render(
        request,
        "investments/project_progress.html",
        {"form": form, "project": project},
        status=422 if form.errors else 200,
    )


urlpatterns = [
    path("projects/", project_list, name="project_list"),
    path("projects/new/", project_create, name="project_create"),
    path("projects/<int:pk>/", project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", project_edit, name="project_edit"),
    path("projects/<int:pk>/progress/", project_progress, name="project_progress"),
]
