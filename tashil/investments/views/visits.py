"""Official visits (سفر استانی, DOMAIN.md §6): the list, the visit's summary page (its programme
by day, the lines opened on it and their export forecast), recording the visit and the stops of
its programme, and the printable programme.

Thin, as the other pages: forms check input, services write, selectors decide who sees what.
A visit the user may not see is a 404, as one that does not exist; one the user sees but may
not change (the executive, a county secretariat) is a 403 on the pages that write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tashil.accounts.access import has_role
from tashil.core.forms import apply_service_errors, remember_initial
from tashil.core.http import AuthenticatedRequest
from tashil.core.jalali import format_jalali, jalali_input_value
from tashil.core.money import Money
from tashil.core.pdf import pdf_response
from tashil.geo.models import Province
from tashil.investments import selectors, services
from tashil.investments.models import ItineraryItem, ItineraryKind, Visit
from tashil.investments.selectors import Amounts, VisitSummary
from tashil.investments.visit_forms import ItemForm, VisitForm, day_label

PAGE_SIZE = 25
MAX_PAGE = 1000


def _visit(request: AuthenticatedRequest, pk: int) -> Visit:
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    if visit is None:
        raise Http404
    return visit


def _editable(request: AuthenticatedRequest, pk: int) -> Visit:
    visit = _visit(request, pk)
    if not selectors.can_edit(request.user, visit.province_id):
        raise PermissionDenied
    return visit


def _item(visit: Visit, pk: int) -> ItineraryItem:
    # The visit's prefetched items: the item is reached through a visit the user may see.
    for item in visit.items.all():
        if item.pk == pk:
            return item
    raise Http404


def _detail_url(visit: Visit, anchor: str = "") -> str:
    url = reverse("investments:visit_detail", kwargs={"pk": visit.pk})
    return f"{url}#{anchor}" if anchor else url


# --- The list ------------------------------------------------------------------------------------


@login_required
@require_GET
def visit_list(request: AuthenticatedRequest) -> HttpResponse:
    if not has_role(request.user, *selectors.VISIT_ROLES):
        raise PermissionDenied
    try:
        page = min(MAX_PAGE, max(1, int(request.GET.get("page", "1"))))
    except ValueError:
        page = 1
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        selectors.visits_for_user(request.user)
        .select_related("province")
        .annotate(
            stops=Count("items"),
            openings=Count("items", filter=Q(items__kind=ItineraryKind.OPENING)),
        )
        .order_by("-starts_on", "-id")[offset : offset + PAGE_SIZE + 1]
    )
    return render(
        request,
        "investments/visit_list.html",
        {
            "visits": rows[:PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > PAGE_SIZE,
            "can_create": bool(selectors.editable_provinces(request.user)),
            "several_provinces": len({visit.province_id for visit in rows}) > 1,
        },
    )


# --- The visit -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: AuthenticatedRequest) -> HttpResponse:
    editable = selectors.editable_provinces(request.user)
    if not editable:
        raise PermissionDenied
    provinces = Province.objects.filter(pk__in=editable).order_by("name")
    form = VisitForm(request.POST or None, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        province = form.cleaned_data.get("province") or provinces.get()
        try:
            visit = services.visit_create(
                actor=request.user, province=province, **form.service_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The visit was recorded. Add the stops of its programme."))
            return redirect("investments:visit_detail", pk=visit.pk)
    return render(request, "investments/visit_form.html", {"form": form, "visit": None})


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _editable(request, pk)
    form = VisitForm(request.POST or None, initial=VisitForm.initial_for(visit))
    remember_initial(form)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.visit_update(
                actor=request.user, visit=visit, **_changed(form, form.service_values())
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The changes were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("investments:visit_detail", pk=visit.pk)
    return render(request, "investments/visit_form.html", {"form": form, "visit": visit})


def _amounts(amounts: Amounts) -> dict[str, Any]:
    """A sum of export figures as the page shows it: each currency as entered, and rials."""
    return {
        "entered": [
            Money(value, currency) for currency, value in sorted(amounts.by_currency.items())
        ],
        "rial": amounts.rial,
    }


def _summary_context(summary: VisitSummary) -> dict[str, Any]:
    forecast = summary.export_forecast
    # An opening's company is its project's (services._check_item), and the items carry it
    # already joined: no query per project line.
    companies = {item.project_id: item.company for item in summary.openings}
    return {
        "days": [(day, day_label(day), items) for day, items in summary.days],
        "summary": summary,
        "opened": [(project, companies.get(project.pk)) for project in summary.opened_projects],
        "forecast": {
            "total": _amounts(forecast.total) if forecast.total.count else None,
            "by_group": [(group, _amounts(sums)) for group, sums in forecast.by_group],
            "by_country": [(country, _amounts(sums)) for country, sums in forecast.by_country],
        },
    }


@login_required
@require_GET
def visit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    context = {
        "visit": visit,
        "can_edit": selectors.can_edit(request.user, visit.province_id),
        **_summary_context(selectors.visit_summary(visit, user=request.user)),
    }
    return render(request, "investments/visit_detail.html", context)


@login_required
@require_GET
def visit_programme(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The printable programme, for whoever sees the visit."""
    visit = _visit(request, pk)
    from tashil.investments.pdf import programme_pdf

    filename = f"visit-programme-{jalali_input_value(visit.starts_on).replace('/', '-')}.pdf"
    return pdf_response(programme_pdf(visit), filename)


# --- The stops of the programme ------------------------------------------------------------------


def _opened_message(request: AuthenticatedRequest, values: dict[str, Any]) -> None:
    """An opening sets its project's opening date, or will on its day: say so, with the way to
    the project."""
    project = values["project"]
    planned = values["day"] > timezone.localdate()
    link = format_html(
        '<a href="{}" class="alert-link" data-testid="{}">{}</a>',
        reverse("investments:project_detail", kwargs={"pk": project.pk}),
        "planned-opening" if planned else "opened-project",
        project.title,
    )
    if planned:
        # services._open_on_visit waits for the day (the daily job opens the line then).
        text = _("The opening of %(project)s is on the programme; the line opens on %(date)s.")
    else:
        text = _("The opening date of %(project)s was set to %(date)s and its status to operating.")
    sentence = conditional_escape(text)
    messages.success(
        request,
        mark_safe(sentence % {"project": link, "date": format_jalali(values["day"])}),  # noqa: S308 - escaped above
    )


def _default_day(visit: Visit) -> dt.date:
    """Today during the visit, else its first day."""
    today = timezone.localdate()
    return today if visit.starts_on <= today <= visit.ends_on else visit.starts_on


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    visit = _editable(request, pk)
    initial = {"day": jalali_input_value(_default_day(visit))}
    form = ItemForm(request.POST or None, initial=initial, visit=visit, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            values = form.service_values()
            item = services.item_add(actor=request.user, visit=visit, **values)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if item.kind == ItineraryKind.OPENING:
                _opened_message(request, values)
            else:
                messages.success(request, _("The stop was added to the programme."))
            return redirect(_detail_url(visit, f"item-{item.pk}"))
    return render(
        request, "investments/visit_item_form.html", {"form": form, "visit": visit, "item": None}
    )


def _changed(form: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The service values of the fields changed on the form: a form opened before another
    user's edit must not write that edit back. A visit's last day follows its first when left
    empty, so it goes with it."""
    changed = set(form.changed_data)
    if "starts_on" in changed:
        changed.add("ends_on")
    return {name: value for name, value in values.items() if name in changed}


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthenticatedRequest, pk: int, item: int) -> HttpResponse:
    visit = _editable(request, pk)
    stop = _item(visit, item)
    form = ItemForm(
        request.POST or None,
        initial=ItemForm.initial_for(stop),
        visit=visit,
        user=request.user,
        item=stop,
    )
    remember_initial(form)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        before = (stop.kind, stop.day, stop.project_id)
        try:
            changed = services.item_update(actor=request.user, item=stop, **_changed(form, values))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            project = values["project"]
            after = (values["kind"], values["day"], project.pk if project else None)
            if values["kind"] == ItineraryKind.OPENING and after != before:
                # The service recorded the opening again (services.item_update).
                _opened_message(request, values)
            elif changed:
                messages.success(request, _("The changes were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(_detail_url(visit, f"item-{stop.pk}"))
    return render(
        request, "investments/visit_item_form.html", {"form": form, "visit": visit, "item": stop}
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_remove(request: AuthenticatedRequest, pk: int, item: int) -> HttpResponse:
    visit = _editable(request, pk)
    stop = _item(visit, item)
    if request.method == "POST":
        services.item_remove(actor=request.user, item=stop)
        messages.success(request, _("The stop was removed from the programme."))
        return redirect(_detail_url(visit, "programme"))
    return render(request, "investments/visit_item_remove.html", {"visit": visit, "item": stop})


urlpatterns = [
    path("visits/", visit_list, name="visit_list"),
    path("visits/new/", visit_create, name="visit_create"),
    path("visits/<int:pk>/", visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", visit_edit, name="visit_edit"),
    path("visits/<int:pk>/items/new/", item_add, name="item_add"),
    path("visits/<int:pk>/items/<int:item>/edit/", item_edit, name="item_edit"),
    path("visits/<int:pk>/items/<int:item>/remove/", item_remove, name="item_remove"),
    path("visits/<int:pk>/programme.pdf", visit_programme, name="visit_programme"),
]
