"""Sector share pages (DOMAIN.md §6): the province's share of the country's output or need in a
sector, as each source stated it. Published figures disagree (detergents were quoted at 50%,
60% and 10%), so the page sets them side by side, newest first, each with its source and date,
and none replaces another.

Anyone with a role in the province reads them; the provincial secretariat records, corrects
and removes them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tashil.accounts.access import provinces_of
from tashil.core.forms import apply_service_errors, remember_initial
from tashil.core.http import AuthenticatedRequest
from tashil.investments import forms, selectors, services
from tashil.investments.models import SectorShare, ShareBasis
from tashil.investments.services import SHARE_FIELDS


def _editable(request: AuthenticatedRequest, pk: int) -> SectorShare:
    share = get_object_or_404(
        selectors.shares_for_user(request.user).select_related("sector"), pk=pk
    )
    if not selectors.can_edit(request.user, share.province_id):
        raise PermissionDenied
    return share


def _sector_url(sector_id: int) -> str:
    return f"{reverse('investments:share_list')}?sector={sector_id}"


@login_required
@require_GET
def share_list(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.ShareFilterForm(request.GET or None, provinces=provinces_of(request.user))
    return render(
        request,
        "investments/share_list.html",
        {
            "form": form,
            "sectors": selectors.shares_by_sector(
                user=request.user,
                province=form.province_chosen(),
                sector=form.sector_id(),
                stated_to=form.stated_by(),
            ),
            "editable": selectors.editable_provinces(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def share_create(request: AuthenticatedRequest) -> HttpResponse:
    province = forms.first_province(selectors.editable_provinces(request.user))
    if province is None:
        raise PermissionDenied
    initial = {"basis": ShareBasis.OUTPUT, "unit": "%", "stated_on": timezone.localdate()}
    sector = request.GET.get("sector", "")
    if sector.isdigit():
        initial["sector"] = int(sector)
    form = forms.ShareForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            share = services.share_add(actor=request.user, province=province, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The figure was recorded."))
            return redirect(_sector_url(share.sector_id))
    return render(
        request,
        "investments/share_form.html",
        {"form": form, "province": province},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def share_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    share = _editable(request, pk)
    form = forms.ShareForm(
        request.POST or None, initial={name: getattr(share, name) for name in SHARE_FIELDS}
    )
    remember_initial(form)
    if request.method == "POST" and form.is_valid():
        try:
            # Only the fields changed on the form: a stale form must not undo another edit.
            changed = services.share_update(
                actor=request.user,
                share=share,
                **{k: v for k, v in form.cleaned_data.items() if k in form.changed_data},
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The changes were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(_sector_url(form.cleaned_data["sector"].pk))
    return render(
        request,
        "investments/share_form.html",
        {"form": form, "share": share},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def share_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET asks to confirm (no script needed); POST removes."""
    share = _editable(request, pk)
    if request.method == "POST":
        services.share_remove(actor=request.user, share=share)
        messages.success(request, _("The figure was removed."))
        return redirect(_sector_url(share.sector_id))
    return render(request, "investments/share_remove.html", {"share": share})


urlpatterns = [
    path("shares/", share_list, name="share_list"),
    path("shares/new/", share_create, name="share_create"),
    path("shares/<int:pk>/edit/", share_edit, name="share_edit"),
    path("shares/<int:pk>/remove/", share_remove, name="share_remove"),
]
