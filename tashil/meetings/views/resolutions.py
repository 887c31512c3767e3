"""Resolution pages: the follow-up register, the figures by agency, an agency's resolutions, and
the resolution itself with its moves, reports and timeline. Thin: forms check input, services
write (and refuse with a MeetingError), selectors decide who sees what (404 for a resolution the
user may not see, as for one that does not exist)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tashil.cases.selectors import agency_ids, cases_for_user
from tashil.core.forms import apply_service_errors
from tashil.core.http import AuthenticatedRequest, is_htmx
from tashil.core.jalali import format_jalali
from tashil.core.selectors import work_calendar
from tashil.core.text import to_persian_digits
from tashil.core.workdays import WorkCalendar
from tashil.meetings import resolution_history, selectors, services
from tashil.meetings.models import Evidence, Resolution
from tashil.meetings.resolution_forms import (
    NationalForm,
    ProgressForm,
    ResolutionFilterForm,
    ResolutionMoveForm,
)
from tashil.meetings.workflow import WITH_AGENCY, Actor, ResolutionState, move

R = ResolutionState

PAGE_SIZE = 25
# Beyond this, narrow the filters: an offset this deep is a mistake or a scraper.
MAX_PAGE = 4000
# An agency's page lists this many resolutions at most (the register has the rest).
INBOX_SIZE = 200

# The colour of each state's badge.
STATE_TONES: dict[str, str] = {
    R.DRAFT: "light",
    R.NOTIFIED: "primary",
    R.OBJECTED: "warning",
    R.IN_PROGRESS: "info",
    R.REPORTED: "info",
    R.EXECUTED: "success",
    R.NOT_EXECUTED: "danger",
    R.CANCELLED: "secondary",
}


def _resolution(request: AuthenticatedRequest, pk: int) -> Resolution:
    return selectors.resolution_get_for_user(request.user, pk)


def _page(request: AuthenticatedRequest) -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.GET.get("page", "1"))))
    except ValueError:
        return 1


def _mark_lateness(
    resolutions: Iterable[Resolution], *, today: dt.date, calendar: WorkCalendar
) -> None:
    """Shown beside each resolution: whether it is overdue and by how many working days (the
    days the escalation steps count), and its agencies' names."""
    for resolution in resolutions:
        late = resolution.is_overdue(today)
        vars(resolution).update(
            late=late,
            days_late=calendar.working_days_between(resolution.deadline, today) if late else 0,
            agency_names=[a.agency.display_name for a in resolution.addressees.all()],
            tone=STATE_TONES.get(resolution.state, "secondary"),
        )


def _visible_case_ids(request: AuthenticatedRequest, resolutions: Iterable[Resolution]) -> set[int]:
    """The linked cases the user may open: an agency bound by a resolution may not see the
    case it was passed on, and the page must not link to a 404."""
    ids = {r.case_id for r in resolutions if r.case_id is not None}
    if not ids:
        return set()
    return set(cases_for_user(request.user).filter(pk__in=ids).values_list("pk", flat=True))


# --- The register ------------------------------------------------------------------------------


@login_required
@require_GET
def register(request: AuthenticatedRequest) -> HttpResponse:
    """The secretariat's follow-up screen: every issued resolution the user may see, filtered,
    oldest deadline first, with the province's headline figures."""
    form = ResolutionFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    page = _page(request)
    today = timezone.localdate()
    # No COUNT(*) on every request: one row more than a page tells whether there is a next.
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        selectors.resolution_list(request.user, filters, today=today)[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    shown = rows[:PAGE_SIZE]
    _mark_lateness(shown, today=today, calendar=work_calendar())
    cases = _visible_case_ids(request, shown)
    for resolution in shown:
        resolution.case_visible = resolution.case_id in cases  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "resolutions": shown,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "query": query.urlencode(),
    }
    if is_htmx(request):
        return render(request, "meetings/_register_table.html", context)
    context["totals"] = selectors.resolution_totals(request.user, today=today)
    return render(request, "meetings/register.html", context)


@login_required
@require_GET
def by_agency(request: AuthenticatedRequest) -> HttpResponse:
    """Qazvin's report by agency: issued, executed, in follow-up, not executed, overdue; every
    figure opens the register filtered to the same rows."""
    today = timezone.localdate()
    return render(
        request,
        "meetings/agencies.html",
        {
            "figures": selectors.agency_figures(request.user, today=today),
            "totals": selectors.resolution_totals(request.user, today=today),
        },
    )


@login_required
@require_GET
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    """An agency's resolutions still in follow-up: first those waiting on the agency (overdue
    first, then by deadline), then those with the secretariat or the next meeting."""
    if not agency_ids(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = list(selectors.agency_resolutions(request.user, today=today)[:INBOX_SIZE])
    _mark_lateness(rows, today=today, calendar=work_calendar())
    for resolution in rows:
        resolution.window_open = (  # type: ignore[attr-defined]
            resolution.state == R.NOTIFIED
            and resolution.objection_until is not None
            and today <= resolution.objection_until
        )
    waiting = sorted(
        (r for r in rows if r.state in WITH_AGENCY),
        key=lambda r: (not r.is_overdue(today), r.deadline),
    )
    elsewhere = [r for r in rows if r.state not in WITH_AGENCY]
    return render(
        request,
        "meetings/inbox.html",
        {
            "waiting": waiting,
            "elsewhere": elsewhere,
            "overdue_count": sum(1 for r in waiting if r.is_overdue(today)),
            "today": today,
        },
    )


# --- The resolution page -----------------------------------------------------------------------


def _detail_context(
    request: AuthenticatedRequest, resolution: Resolution, **bound: Any
) -> dict[str, Any]:
    """Everything the resolution page shows. `bound` holds a form that failed (input kept),
    keyed by its name: `move_<state>`, `progress`, `national`."""
    user = request.user
    for form in bound.values():
        form.open = True  # the template opens the form that needs correcting
    today = timezone.localdate()
    calendar = work_calendar()
    _mark_lateness([resolution], today=today, calendar=calendar)
    allowed = selectors.allowed_resolution_moves(user, resolution)
    move_forms = [
        bound.get(f"move_{target}") or ResolutionMoveForm(target=target, move=found)
        for target, found in allowed.items()
    ]
    # A move refused because the resolution changed meanwhile may no longer be offered: its
    # errors are shown at the top of the page instead.
    page_errors = [
        error
        for name, form in bound.items()
        if (name.startswith("move_") and form not in move_forms)
        for error in form.non_field_errors()
    ]
    kinds = services.resolution_actor_kinds(user, resolution)
    can_report = selectors.can_report_progress(user, resolution)
    can_escalate = selectors.can_escalate_national(user, resolution)
    if "progress" in bound and not can_report:
        page_errors += [str(e) for e in bound["progress"].non_field_errors()]
    if "national" in bound and not can_escalate:
        page_errors += [str(e) for e in bound["national"].non_field_errors()]
    agencies = [a.agency for a in resolution.addressees.all()]
    events = resolution.events.select_related("actor").order_by("created_at", "pk")
    meeting = resolution.meeting
    return {
        "resolution": resolution,
        "meeting": meeting,
        "today": today,
        "meeting_visible": selectors.meetings_for_user(user).filter(pk=meeting.pk).exists(),
        "case_visible": bool(_visible_case_ids(request, [resolution])),
        "window_open": resolution.state == R.NOTIFIED
        and resolution.objection_until is not None
        and today <= resolution.objection_until,
        "move_forms": move_forms,
        "page_errors": page_errors,
        "reports": selectors.resolution_reports(resolution),
        "can_report": can_report,
        "progress_form": bound.get("progress") or ProgressForm(prefix="progress"),
        "can_escalate": can_escalate,
        "national_form": bound.get("national") or NationalForm(prefix="national"),
        "is_secretariat": Actor.SECRETARIAT in kinds,
        "timeline": resolution_history.present(events, agencies=agencies),
    }


@login_required
@require_GET
def resolution_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resolution = _resolution(request, pk)
    return render(request, "meetings/resolution_detail.html", _detail_context(request, resolution))


def _refusal(resolution: Resolution, to: str) -> str:
    """Why a move the page did not offer cannot be made (the services' own wording)."""
    if move(resolution.state, to) is None:
        return str(services.invalid_move(resolution.state, to).message)
    if to == R.OBJECTED and resolution.objection_until is not None:
        return _("The objection window closed on %(date)s.") % {
            "date": format_jalali(resolution.objection_until)
        }
    return _("You may not make this change to the resolution.")


@login_required
@require_POST
def resolution_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resolution = _resolution(request, pk)
    if not services.resolution_actor_kinds(request.user, resolution):
        # The executive, the company and other readers follow the resolution; they do not
        # move it.
        raise PermissionDenied
    to = request.POST.get("to", "")
    if to not in ResolutionState.values:
        messages.error(request, _("Choose one of the actions offered on the page."))
        return redirect("meetings:resolution", pk=resolution.pk)
    if request.POST.get("seen", resolution.state) != resolution.state:
        # Chosen on a page that showed another state (see cases.views.case_move).
        messages.error(
            request,
            _("Someone else changed this resolution a moment ago. Reload the page and try again."),
        )
        return redirect("meetings:resolution", pk=resolution.pk)
    found = selectors.allowed_resolution_moves(request.user, resolution).get(to)
    if found is None:
        messages.error(request, _refusal(resolution, to))
        return redirect("meetings:resolution", pk=resolution.pk)
    form = ResolutionMoveForm(request.POST, request.FILES, target=to, move=found)
    if form.is_valid():
        try:
            services.resolution_move(
                actor=request.user,
                resolution=resolution,
                to=to,
                reason=form.cleaned_data.get("reason", ""),
                **form.extras(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Done: the resolution is now “%(state)s”.")
                % {"state": ResolutionState(resolution.state).label},
            )
            return redirect("meetings:resolution", pk=resolution.pk)
    resolution = _resolution(request, pk)
    context = _detail_context(request, resolution, **{f"move_{to}": form})
    return render(request, "meetings/resolution_detail.html", context)


@login_required
@require_POST
def report_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resolution = _resolution(request, pk)
    if not selectors.can_report_progress(request.user, resolution):
        raise PermissionDenied
    form = ProgressForm(request.POST, request.FILES, prefix="progress")
    if form.is_valid():
        try:
            services.resolution_report(
                actor=request.user,
                resolution=resolution,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["documents"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your progress report was recorded."))
            return redirect("meetings:resolution", pk=resolution.pk)
    resolution = _resolution(request, pk)
    context = _detail_context(request, resolution, progress=form)
    return render(request, "meetings/resolution_detail.html", context)


@login_required
@require_POST
def escalate_national(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resolution = _resolution(request, pk)
    if Actor.SECRETARIAT not in services.resolution_actor_kinds(request.user, resolution):
        raise PermissionDenied
    form = NationalForm(request.POST, prefix="national")
    if form.is_valid():
        try:
            services.resolution_escalate_national(
                actor=request.user, resolution=resolution, letter=form.cleaned_data["letter"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The resolution was marked for the national HQ."))
            return redirect("meetings:resolution", pk=resolution.pk)
    resolution = _resolution(request, pk)
    context = _detail_context(request, resolution, national=form)
    return render(request, "meetings/resolution_detail.html", context)


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def national_letter(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The letter to the national HQ as a PDF, to whoever may see the resolution (its text is
    on the resolution's timeline too)."""
    resolution = _resolution(request, pk)
    if resolution.escalated_national_at is None or not resolution.national_letter:
        raise Http404
    from tashil.meetings.pdf import national_letter_pdf

    meeting = resolution.meeting
    # The letter is an official Persian paper whatever the reader's language (see pdf.py).
    with translation.override("fa"):
        code = to_persian_digits(resolution.code)
        subject = _("Resolution %(code)s of the %(body)s") % {
            "code": code,
            "body": meeting.body.name,
        }
        reference = _("resolution %(code)s") % {"code": code}
    data = national_letter_pdf(
        province=resolution.province,
        subject=subject,
        letter=resolution.national_letter,
        reference=reference,
    )
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"national-letter-{meeting.number}-{resolution.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)


@login_required
@require_GET
def evidence_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The file, to whoever may see its resolution, always as a download with the type read
    from its bytes at upload: a browser never renders an uploaded file as a page of this
    site."""
    evidence = get_object_or_404(Evidence.objects.select_related("report"), pk=pk)
    # The same 404 whether the file does not exist or its resolution is not the user's to see.
    selectors.resolution_get_for_user(request.user, evidence.report.resolution_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    return _no_store(response)
