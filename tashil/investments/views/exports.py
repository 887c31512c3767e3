"""Export figure pages (DOMAIN.md §6): the figures with their totals by country, by group and
overall, and the secretariat's forms to record, correct and remove a figure.

A figure is a company's (and optionally one of its projects') forecast or actual value for a
Jalali year and one destination, a country or a named group. Recording a figure that exists
for the same company, project, kind, year and destination updates it (`services.export_record`),
so the edit form fixes those and changes the value, its source and note.
"""

from __future__ import annotations

from math import ceil
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tashil.accounts.access import provinces_of
from tashil.core.forms import apply_service_errors
from tashil.core.http import AuthenticatedRequest
from tashil.core.money import Currency
from tashil.investments import forms, selectors, services
from tashil.investments.models import ExportFigure, ExportKind, Project
from tashil.investments.views.projects import PAGE_SIZE, _page, company_by_national_id
from tashil.registry.models import Company


def _figure(request: AuthenticatedRequest, pk: int) -> ExportFigure:
    figures = selectors.exports_for_user(request.user).select_related(
        "company", "project", "country", "group"
    )
    return get_object_or_404(figures, pk=pk)


def _editable(request: AuthenticatedRequest, pk: int) -> ExportFigure:
    figure = _figure(request, pk)
    if not selectors.can_edit(request.user, figure.company.province_id):
        raise PermissionDenied
    return figure


def _list_url(figure: ExportFigure) -> str:
    query = urlencode({"company": figure.company_id, "year": figure.year})
    return f"{reverse('investments:export_list')}?{query}"


def _after_save(figure: ExportFigure) -> HttpResponse:
    """Back to the project the figure belongs to, or to the company's figures of that year."""
    if figure.project_id:
        return redirect("investments:project_detail", pk=figure.project_id)
    return redirect(_list_url(figure))


# --- The list ------------------------------------------------------------------------------------


@login_required
@require_GET
def export_list(request: AuthenticatedRequest) -> HttpResponse:
    visible = selectors.exports_for_user(request.user)
    companies = Company.objects.filter(pk__in=visible.values("company_id")).order_by("legal_name")
    form = forms.ExportFilterForm(
        request.GET or None, companies=companies, provinces=provinces_of(request.user)
    )
    # The totals count every figure the filters keep; the table shows them a page at a time.
    figures = list(selectors.export_figures(user=request.user, **form.values()))
    pages = max(1, ceil(len(figures) / PAGE_SIZE))
    page = min(_page(request), pages)
    offset = (page - 1) * PAGE_SIZE
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "investments/export_list.html",
        {
            "form": form,
            "figures": figures[offset : offset + PAGE_SIZE],
            "periods": selectors.export_totals_by_period(figures),
            "page": page,
            "pages": pages,
            "has_next": page < pages,
            "query": query.urlencode(),
            "editable": selectors.editable_provinces(request.user),
        },
    )


# --- Record, correct, remove ---------------------------------------------------------------------


def _projects(provinces: set[int], company: Company | None) -> QuerySet[Project]:
    """The projects the figure may belong to: the company's, once the company is known."""
    projects = Project.objects.filter(province_id__in=provinces).order_by("title", "pk")
    return projects.filter(company=company) if company is not None else projects


@login_required
@require_http_methods(["GET", "POST"])
def export_create(request: AuthenticatedRequest) -> HttpResponse:
    provinces = selectors.editable_provinces(request.user)
    if not provinces:
        raise PermissionDenied
    companies = Company.objects.filter(province_id__in=provinces)
    company = company_by_national_id(request.GET.get("company"), companies)
    initial: dict[str, Any] = {
        "kind": ExportKind.FORECAST,
        "year": forms.current_jalali_year(),
        "currency": Currency.RIAL,
    }
    if company is not None:
        initial["company"] = company.national_id
        project_pk = request.GET.get("project", "")
        if project_pk.isdigit() and company.projects.filter(pk=project_pk).exists():
            initial["project"] = int(project_pk)
    form = forms.ExportFigureForm(
        request.POST or None,
        initial=initial,
        companies=companies,
        # The select offers the company's projects once the link names the company; a post
        # is checked against the province's, so a project of another company is refused
        # with the reason rather than as an unknown choice.
        projects=_projects(provinces, None if request.method == "POST" else company),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            figure, outcome = services.export_record(
                actor=request.user,
                company=data["company"],
                project=data.get("project"),
                kind=data["kind"],
                year=data["year"],
                destination=data["destination"],
                value=form.money(),
                source=data["source"],
                note=data.get("note") or "",
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if outcome == "created":
                messages.success(request, _("The export figure was recorded."))
            elif outcome == "updated":
                messages.info(
                    request,
                    _(
                        "This company already had a figure for that year, kind and destination; "
                        "it was updated."
                    ),
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return _after_save(figure)
    return render(
        request,
        "investments/export_form.html",
        {"form": form, "company": company},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def export_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    figure = _editable(request, pk)
    initial = {
        "company": figure.company.national_id,
        "project": figure.project_id,
        "kind": figure.kind,
        "year": figure.year,
        "destination": forms.destination_value(figure.destination),  # type: ignore[arg-type]
        "source": figure.source,
        "note": figure.note,
        **forms.money_initial(figure.money),
    }
    form = forms.ExportFigureForm(
        request.POST or None,
        initial=initial,
        companies=Company.objects.filter(pk=figure.company_id),
        projects=Project.objects.filter(company=figure.company_id),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The figure's own company, project, kind, year and destination: export_record
            # finds it by them and changes the value, source and note.
            _figure_saved, outcome = services.export_record(
                actor=request.user,
                company=figure.company,
                project=figure.project,
                kind=figure.kind,
                year=figure.year,
                destination=figure.destination,  # type: ignore[arg-type]
                value=form.money(),
                source=data["source"],
                note=data.get("note") or "",
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if outcome == "unchanged":
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("The changes were saved."))
            return _after_save(figure)
    return render(
        request,
        "investments/export_form.html",
        {"form": form, "figure": figure, "company": figure.company},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def export_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET asks to confirm (no script needed); POST removes."""
    figure = _editable(request, pk)
    if request.method == "POST":
        services.export_remove(actor=request.user, figure=figure)
        messages.success(request, _("The export figure was removed."))
        if figure.project_id:
            return redirect("investments:project_detail", pk=figure.project_id)
        return redirect(_list_url(figure))
    return render(request, "investments/export_remove.html", {"figure": figure})


urlpatterns = [
    path("exports/", export_list, name="export_list"),
    path("exports/new/", export_create, name="export_create"),
    path("exports/<int:pk>/edit/", export_edit, name="export_edit"),
    path("exports/<int:pk>/remove/", export_remove, name="export_remove"),
]
