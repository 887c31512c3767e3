"""Registry pages. Thin: forms check input, services write, selectors decide who sees what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tashil.accounts.models import RoleAssignment
from tashil.accounts.roles import Role
from tashil.core import selectors as core_selectors
from tashil.core import spreadsheets
from tashil.core.forms import apply_service_errors
from tashil.core.http import AuthenticatedRequest, is_htmx
from tashil.core.jalali import format_jalali
from tashil.geo.models import Province
from tashil.investments import selectors as investment_selectors
from tashil.registry import (
    exports,
    forms,
    history,
    import_jobs,
    imports,
    selectors,
    services,
)
from tashil.registry.models import Activity, Certificate, Company, Contact, Licence, Product

PAGE_SIZE = 25
# Beyond this, narrow the filters or export: an offset this deep is a mistake or a scraper.
MAX_PAGE = 4000


def _editable(request: AuthenticatedRequest, national_id: str) -> Company:
    company = selectors.company_get_for_user(user=request.user, national_id=national_id)
    if not selectors.can_edit_company(request.user, company):
        raise PermissionDenied
    return company


def _visible_provinces(request: AuthenticatedRequest) -> list[Province]:
    return list(core_selectors.provinces_for_user(request.user))


# --- List, export --------------------------------------------------------------------------------


@login_required
@require_GET
def company_list(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.CompanyFilterForm(request.GET or None, provinces=_visible_provinces(request))
    filters = form.filters()
    try:
        page = min(MAX_PAGE, max(1, int(request.GET.get("page", "1"))))
    except ValueError:
        page = 1
    # No COUNT(*) over the registry on every request: read one row more than a page to know
    # whether a next page exists.
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        selectors.company_list(user=request.user, filters=filters, sort=form.ordering())[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    has_next = len(rows) > PAGE_SIZE
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "companies": rows[:PAGE_SIZE],
        "page": page,
        "has_next": has_next,
        "query": query.urlencode(),
        "on": filters.on,
        "can_create": selectors.can_register(request.user),
        "can_import": selectors.can_import(request.user),
    }
    template = "registry/_company_table.html" if is_htmx(request) else "registry/company_list.html"
    return render(request, template, context)


@login_required
@require_GET
def company_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = forms.CompanyFilterForm(request.GET or None, provinces=_visible_provinces(request))
    filters = form.filters()
    companies = selectors.company_list(user=request.user, filters=filters, sort=form.ordering())
    if fmt == "csv":
        return exports.export_csv(companies, on=filters.on)
    return exports.export_xlsx(companies, on=filters.on)


# --- Create, edit, detail, history ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request: AuthenticatedRequest) -> HttpResponse:
    provinces = selectors.registry_provinces(request.user)
    if not provinces:
        raise PermissionDenied
    province = provinces[0]
    form = forms.CompanyForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(
                actor=request.user,
                national_id=form.cleaned_data["national_id"],
                **form.field_values(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The company was registered."))
            return redirect("registry:company_detail", national_id=company.national_id)
    return render(
        request,
        "registry/company_form.html",
        {"form": form, "province": province, "activities": _activity_options()},
    )


def _activity_options() -> list[tuple[str, str]]:
    return [(a.code, a.display_name) for a in Activity.objects.only("code", "name", "name_en")]


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: AuthenticatedRequest, national_id: str) -> HttpResponse:
    company = _editable(request, national_id)
    initial = {name: getattr(company, name) for name in services.COMPANY_FIELDS}
    initial["national_id"] = company.national_id
    initial["activity"] = company.activity.code if company.activity else ""
    form = forms.CompanyForm(
        request.POST or None, initial=initial, province=company.province, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.company_update(
                actor=request.user, company=company, **form.field_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The changes were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("registry:company_detail", national_id=company.national_id)
    return render(
        request,
        "registry/company_form.html",
        {
            "form": form,
            "company": company,
            "province": company.province,
            "activities": _activity_options(),
        },
    )


@login_required
@require_GET
def company_detail(request: AuthenticatedRequest, national_id: str) -> HttpResponse:
    company = selectors.company_get_for_user(user=request.user, national_id=national_id)
    return render(request, "registry/company_detail.html", _detail_context(request, company))


def _detail_context(
    request: AuthenticatedRequest, company: Company, **bound: Any
) -> dict[str, Any]:
    today = timezone.localdate()
    certificates = list(company.certificates.all())
    representatives = (
        RoleAssignment.objects.filter(role=Role.COMPANY_REP, company=company)
        .select_related("user")
        .order_by("user__last_name")
    )
    can_edit = selectors.can_edit_company(request.user, company)
    return {
        **_investments_context(request, company),
        "company": company,
        "today": today,
        "is_knowledge_based": any(c.is_valid_on(today) for c in certificates),
        "certificates": [(c, c.is_valid_on(today)) for c in certificates],
        "products": company.products.all(),
        "licences": company.licences.all(),
        "contacts": company.contacts.all(),
        "status_changes": company.status_changes.select_related("actor")[:10],
        "representatives": representatives,
        "events": history.present(selectors.company_history(company=company)[:5]),
        "can_edit": can_edit,
        "can_see_financials": selectors.can_see_financials(request.user, company),
        "status_form": bound.get("status_form") or forms.StatusForm(),
        "product_form": bound.get("product_form") or forms.ProductForm(),
        "licence_form": bound.get("licence_form") or forms.LicenceForm(),
        "contact_form": bound.get("contact_form") or forms.ContactForm(),
    }


def _investments_context(request: AuthenticatedRequest, company: Company) -> dict[str, Any]:
    """The company's projects and export figures (DOMAIN.md §6), as far as the user sees them:
    the investment selectors scope them, so an agency officer who reaches the company through a
    case sees neither."""
    user = request.user
    return {
        "projects": list(
            investment_selectors.projects_for_user(user)
            .filter(company=company)
            .select_related("sector")
        ),
        "export_figures": list(investment_selectors.export_figures(user=user, company=company.pk)),
        "can_record_investments": investment_selectors.can_edit(user, company.province_id),
    }


@login_required
@require_GET
def company_history(request: AuthenticatedRequest, national_id: str) -> HttpResponse:
    company = selectors.company_get_for_user(user=request.user, national_id=national_id)
    return render(
        request,
        "registry/company_history.html",
        {
            "company": company,
            "events": history.present(selectors.company_history(company=company)[:500]),
            "status_changes": company.status_changes.select_related("actor"),
        },
    )


# --- Parts of a company: status, products, licences, contacts ------------------------------------


# The small forms on the detail page: what each is called in the URL, its form, the service that
# saves it (called with actor= and company=) and what to say when it is saved.
ADD_PARTS: dict[str, tuple[type[Any], Callable[..., Any], Any]] = {
    "status": (
        forms.StatusForm,
        services.company_set_status,
        gettext_lazy("The status was recorded."),
    ),
    "product": (forms.ProductForm, services.product_add, gettext_lazy("The product was added.")),
    "licence": (forms.LicenceForm, services.licence_add, gettext_lazy("The licence was added.")),
    "contact": (forms.ContactForm, services.contact_add, gettext_lazy("The contact was added.")),
}


@login_required
@require_POST
def part_add(request: AuthenticatedRequest, national_id: str, part: str) -> HttpResponse:
    """Validate, call the service, come back to the page; on an error show the page again with
    the input kept and that form open."""
    form_class, save, success = ADD_PARTS[part]
    company = _editable(request, national_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(actor=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("registry:company_detail", national_id=company.national_id)
    form_name = f"{part}_form"
    context = _detail_context(request, company, **{form_name: form})
    context["open_form"] = form_name
    return render(request, "registry/company_detail.html", context, status=422)


PARTS: dict[str, tuple[type[Any], Callable[..., None], str]] = {
    "product": (Product, services.product_remove, "product"),
    "licence": (Licence, services.licence_remove, "licence"),
    "contact": (Contact, services.contact_remove, "contact"),
}


@login_required
@require_POST
def part_remove(
    request: AuthenticatedRequest, national_id: str, part: str, pk: int
) -> HttpResponse:
    if part not in PARTS:
        raise Http404
    model, remove, keyword = PARTS[part]
    company = _editable(request, national_id)
    obj = get_object_or_404(model, pk=pk, company=company)
    remove(actor=request.user, **{keyword: obj})
    messages.success(request, _("Removed."))
    return redirect("registry:company_detail", national_id=company.national_id)


# --- Certificates --------------------------------------------------------------------------------


def _certificate_initial(certificate: Certificate) -> dict[str, Any]:
    return {
        name: getattr(certificate, name)
        for name in ("number", "certificate_class", "issued_on", "expires_on", "approved_products")
    }


def _certificate_for_edit(request: AuthenticatedRequest, pk: int) -> Certificate:
    certificate = get_object_or_404(Certificate.objects.select_related("company"), pk=pk)
    _editable(request, certificate.company.national_id)
    return certificate


@login_required
@require_http_methods(["GET", "POST"])
def certificate_add(request: AuthenticatedRequest, national_id: str) -> HttpResponse:
    company = _editable(request, national_id)
    form = forms.CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_add(actor=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The certificate was recorded."))
            return redirect("registry:company_detail", national_id=company.national_id)
    return render(request, "registry/certificate_form.html", {"form": form, "company": company})


@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    certificate = _certificate_for_edit(request, pk)
    company = certificate.company
    form = forms.CertificateForm(request.POST or None, initial=_certificate_initial(certificate))
    form.fields["number"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "number"}
        try:
            services.certificate_update(actor=request.user, certificate=certificate, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The certificate was updated."))
            return redirect("registry:company_detail", national_id=company.national_id)
    revoke_form = forms.RevokeForm()
    return render(
        request,
        "registry/certificate_form.html",
        {"form": form, "company": company, "certificate": certificate, "revoke_form": revoke_form},
    )


@login_required
@require_POST
def certificate_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    certificate = _certificate_for_edit(request, pk)
    company = certificate.company
    revoke_form = forms.RevokeForm(request.POST)
    if revoke_form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user, certificate=certificate, **revoke_form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(revoke_form, error)
        else:
            messages.success(request, _("The certificate was revoked."))
            return redirect("registry:company_detail", national_id=company.national_id)
    form = forms.CertificateForm(initial=_certificate_initial(certificate))
    return render(
        request,
        "registry/certificate_form.html",
        {"form": form, "company": company, "certificate": certificate, "revoke_form": revoke_form},
        status=422,
    )


# --- Knowledge-based units against the target ----------------------------------------------------


def _figure_province(request: AuthenticatedRequest) -> Province:
    provinces = selectors.figure_provinces(request.user)
    if not provinces:
        raise Http404
    code = request.GET.get("province")
    return next((p for p in provinces if p.code == code), provinces[0])


@login_required
@require_GET
def knowledge_based(request: AuthenticatedRequest) -> HttpResponse:
    province = _figure_province(request)
    form = forms.KnowledgeBasedForm(request.GET or None)
    today = timezone.localdate()
    on = today
    start = None
    if form.is_valid():
        on = form.cleaned_data["on"] or today
        start = form.cleaned_data["start"]
    target = selectors.current_target(province=province)
    # The chart runs to the target's date, but no further than ten years on.
    end = min(max(on, target.due_on), on + dt.timedelta(days=3653)) if target else on
    start = start or (on - dt.timedelta(days=365))
    series = selectors.knowledge_based_series(province=province, start=start, end=end)
    chart = {
        "labels": [format_jalali(point) for point, _count in series],
        "counts": [count if point <= on else None for point, count in series],
        "target": target.count if target else None,
        "target_label": _("Target"),
        "count_label": _("Active knowledge-based units"),
    }
    return render(
        request,
        "registry/knowledge_based.html",
        {
            "province": province,
            "form": form,
            "on": on,
            "count": selectors.knowledge_based_count(province=province, on=on),
            "target": target,
            "series": [(point, count) for point, count in series if point <= on],
            "chart": chart,
            "expiring": selectors.expiring_certificates(province=province, on=on)[:50],
            "target_form": forms.TargetForm(),
            "can_set_target": province in selectors.registry_provinces(request.user),
        },
    )


@login_required
@require_POST
def target_set(request: AuthenticatedRequest) -> HttpResponse:
    provinces = selectors.registry_provinces(request.user)
    code = request.POST.get("province")
    province = next((p for p in provinces if p.code == code), None)
    if province is None:
        raise PermissionDenied
    form = forms.TargetForm(request.POST)
    if form.is_valid():
        services.target_set(actor=request.user, province=province, **form.cleaned_data)
        messages.success(request, _("The target was set."))
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
    return redirect(f"{reverse('registry:knowledge_based')}?province={province.code}")


# --- Import --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def company_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a spreadsheet: it is stored and imported by the worker; the job page follows it."""
    provinces = selectors.registry_provinces(request.user)
    if not provinces:
        raise PermissionDenied
    province = provinces[0]
    form = forms.ImportForm(request.POST or None, request.FILES or None)
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
        except imports.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("registry:import_job", pk=job.pk)
    return render(
        request,
        "registry/import.html",
        {
            "form": form,
            "province": province,
            # The registry's own jobs: other apps' imports are listed on their pages.
            "jobs": selectors.import_jobs_for_user(user=request.user).filter(
                kind__in=imports.ImportKind.values
            )[:10],
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def import_job(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.import_jobs_for_user(user=request.user), pk=pk)
    # Jobs run every registered kind: the page links back to the pages of the job's kind.
    importer = spreadsheets.importers().get(job.kind)
    context = {
        "job": job,
        "report": import_jobs.job_report(job),
        "kind_label": importer.label if importer else job.kind,
        "upload_url": reverse(importer.upload_url if importer else "registry:company_import"),
        "list_url": reverse(importer.list_url if importer else "registry:company_list"),
    }
    if is_htmx(request):
        return render(request, "registry/_import_job.html", context)
    return render(request, "registry/import_job.html", context)


@login_required
@require_GET
def import_template(request: AuthenticatedRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in imports.ImportKind.values or fmt not in ("csv", "xlsx"):
        raise Http404
    provinces = selectors.registry_provinces(request.user)
    if not provinces:
        raise PermissionDenied
    return spreadsheets.template_response(kind, fmt, province=provinces[0])
