"""Spreadsheets of the investment pages: importing projects and export figures (the registry's
import jobs run them; the registry's job page follows them), the templates to fill in, and the
project list and the export figures as CSV or Excel, with the list pages' filters."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from tashil.accounts.access import provinces_of
from tashil.core import spreadsheets
from tashil.core.http import AuthenticatedRequest
from tashil.geo.models import Province
from tashil.investments import forms, selectors, spreadsheet_exports
from tashil.investments.imports import EXPORT_KIND, PROJECT_KIND
from tashil.registry import import_jobs
from tashil.registry import selectors as registry_selectors
from tashil.registry.forms import ImportForm as RegistryImportForm
from tashil.registry.models import Company

KINDS = (PROJECT_KIND, EXPORT_KIND)
FORMATS = ("csv", "xlsx")


class ImportForm(RegistryImportForm):
    """The registry's upload form, for the kinds of this app."""

    kind = django_forms.ChoiceField(label=_("What the file holds"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        importers = spreadsheets.importers()
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (kind, importers[kind].label) for kind in KINDS
        ]


def _province(request: AuthenticatedRequest) -> Province:
    """The province the user imports into: their secretariat's."""
    ids = selectors.editable_provinces(request.user)
    province = Province.objects.filter(pk__in=ids).order_by("code").first()
    if province is None:
        raise PermissionDenied
    return province


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a spreadsheet of projects or export figures: the worker imports it, and the
    registry's job page follows it."""
    province = _province(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_jobs.import_job_start(
                actor=request.user,
                province=province,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
                language=get_language() or "fa",
            )
        except spreadsheets.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("registry:import_job", pk=job.pk)
    jobs = registry_selectors.import_jobs_for_user(user=request.user).filter(kind__in=KINDS)
    return render(
        request,
        "investments/import.html",
        {"form": form, "province": province, "jobs": jobs[:10]},
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def import_template(request: AuthenticatedRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    return spreadsheets.template_response(kind, fmt, province=_province(request))


@login_required
@require_GET
def project_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The projects the list shows with the same filters, every page of them."""
    if fmt not in FORMATS:
        raise Http404
    form = forms.ProjectFilterForm(request.GET or None, provinces=provinces_of(request.user))
    projects = selectors.project_list(user=request.user, filters=form.filters())
    if fmt == "csv":
        return spreadsheet_exports.projects_csv(projects)
    return spreadsheet_exports.projects_xlsx(projects)


@login_required
@require_GET
def figures_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The export figures the list counts with the same filters."""
    if fmt not in FORMATS:
        raise Http404
    visible = selectors.exports_for_user(request.user)
    companies = Company.objects.filter(pk__in=visible.values("company_id"))
    form = forms.ExportFilterForm(
        request.GET or None, companies=companies, provinces=provinces_of(request.user)
    )
    figures = selectors.export_figures(user=request.user, **form.values())
    if fmt == "csv":
        return spreadsheet_exports.figures_csv(figures)
    return spreadsheet_exports.figures_xlsx(figures)


urlpatterns = [
    path("import/", import_upload, name="import"),
    path("import/template-<str:kind>.<str:fmt>", import_template, name="import_template"),
    path("projects/export.<str:fmt>", project_export, name="project_export"),
    path("exports/export.<str:fmt>", figures_export, name="figures_export"),
]
