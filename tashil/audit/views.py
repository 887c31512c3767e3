"""The audit trail's pages: the list and its export, for administrators only (403 for anyone
else signed in; the login page for the anonymous)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tashil.audit import forms, selectors
from tashil.audit.selectors import AuditRow
from tashil.core.http import AuthenticatedRequest, is_htmx
from tashil.core.jalali import format_jalali
from tashil.core.spreadsheets import csv_response, xlsx_response

PAGE_SIZE = 50
# Beyond this, narrow the filters (or export): an offset this deep is a mistake or a scraper.
MAX_PAGE = 2000
WIDTHS = (18, 22, 12, 16, 40, 14, 14, 18, 30, 60)


def _check_allowed(request: AuthenticatedRequest) -> None:
    if not selectors.can_view_trail(request.user):
        raise PermissionDenied


def _page(request: AuthenticatedRequest) -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.GET.get("page", "1"))))
    except ValueError:
        return 1


@login_required
@require_GET
def trail_list(request: AuthenticatedRequest) -> HttpResponse:
    _check_allowed(request)
    form = forms.TrailFilterForm(request.GET or None)
    page = _page(request)
    # No COUNT(*) over six tables: one row more than a page tells whether there is a next.
    rows = selectors.trail_page(
        user=request.user,
        filters=form.filters(),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE + 1,
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "rows": rows[:PAGE_SIZE],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "query": query.urlencode(),
    }
    template = "audit/_trail_table.html" if is_htmx(request) else "audit/trail_list.html"
    return render(request, template, context)


def _headers() -> list[str]:
    return [
        _("When (Jalali)"),
        _("When (ISO)"),
        _("Kind of object"),
        _("Object number"),
        _("Object"),
        _("Change"),
        _("From"),
        _("To"),
        _("By"),
        _("Details"),
    ]


def _records(rows: Iterator[AuditRow]) -> Iterator[list[Any]]:
    for row in rows:
        created = timezone.localtime(row.created_at)
        yield [
            format_jalali(created),
            created.replace(tzinfo=None).isoformat(timespec="seconds"),
            str(row.source.label),
            row.object_id,
            row.object_label,
            row.kind,
            row.from_value,
            row.to_value,
            row.actor_label,
            "\n".join(part for part in (row.reason, row.payload_text) if part),
        ]


@login_required
@require_GET
def trail_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """Every row matching the list's filters, as CSV or Excel."""
    _check_allowed(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = forms.TrailFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A mistyped filter would otherwise export the whole trail: show the list with the
        # form's errors instead.
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    rows = selectors.trail_all(user=request.user, filters=form.filters())
    filename = f"audit-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return csv_response(headers=_headers(), records=_records(rows), filename=filename)
    return xlsx_response(
        headers=_headers(),
        records=_records(rows),
        filename=filename,
        sheet_title=_("Audit trail"),
        widths=WIDTHS,
    )
