"""Meeting pages (DOMAIN.md §5): the sessions of each body, planning the next one, the agenda
builder, the session itself (attendance, discussion notes, draft resolutions), closing it and
its minutes.

Thin, as the case pages: forms check input, services write (and refuse with a MeetingError),
selectors decide who sees what (404 for a meeting the user may not see, as for one that does not
exist; 403 for one the user sees but does not run). The agenda builder answers htmx with the
re-rendered partial, and a plain form post with a redirect, so it also works without script.
An htmx request that fails is answered 422 with the partial showing why (`meetings.js` lets
htmx swap it in).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tashil.accounts.access import has_role, provinces_of
from tashil.accounts.roles import Role
from tashil.agencies.models import Agency
from tashil.cases import selectors as case_selectors
from tashil.core.forms import apply_service_errors
from tashil.core.http import AuthenticatedRequest, is_htmx
from tashil.core.jalali import format_number
from tashil.meetings import forms, selectors, services
from tashil.meetings.models import AgendaItem, Meeting, MeetingEvent, Presence, Resolution
from tashil.meetings.workflow import MeetingStatus, ResolutionState

PAGE_SIZE = 20
# Beyond this, narrow the filters (as the case list).
MAX_PAGE = 1000
# The builder shows this many proposed cases; the search box finds the rest.
PROPOSALS = 30
SEARCH_RESULTS = 15
# Who may open the list at all: those whose roles reach some body's meetings.
MEETING_ROLES = (
    Role.SECRETARIAT,
    Role.COUNTY_SECRETARIAT,
    Role.EXECUTIVE,
    Role.AGENCY_OFFICER,
    Role.AGENCY_HEAD,
)
# The status an htmx request gets when the service refused; the partial says why.
REFUSED = 422


def _page(request: AuthenticatedRequest) -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.GET.get("page", "1"))))
    except ValueError:
        return 1


def _message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _meeting_url(meeting_pk: int, anchor: str = "") -> str:
    url = reverse("meetings:meeting", kwargs={"pk": meeting_pk})
    return f"{url}#{anchor}" if anchor else url


def _meeting(request: AuthenticatedRequest, pk: int) -> Meeting:
    return selectors.meeting_get_for_user(request.user, pk)


def _managed(request: AuthenticatedRequest, pk: int) -> Meeting:
    """A meeting the user sees (404 otherwise) and runs (403 otherwise). Whether it is still
    open is the services' to say, so a closed meeting's refusal reads the same everywhere."""
    meeting = _meeting(request, pk)
    if not services.manages_body(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def _item(request: AuthenticatedRequest, pk: int) -> AgendaItem:
    visible = selectors.meetings_for_user(request.user).values("pk")
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting__body", "case", "resolution").filter(
            meeting__in=visible
        ),
        pk=pk,
    )


def _managed_item(request: AuthenticatedRequest, pk: int) -> AgendaItem:
    item = _item(request, pk)
    if not services.manages_body(request.user, item.meeting.body):
        raise PermissionDenied
    return item


def _draft(request: AuthenticatedRequest, pk: int) -> Resolution:
    resolution = selectors.resolution_get_for_user(request.user, pk)
    if not services.manages_body(request.user, resolution.meeting.body):
        raise PermissionDenied
    return resolution


# --- The list ----------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    """The planned sessions (soonest first), then those held or called off (latest first)."""
    if not has_role(request.user, *MEETING_ROLES):
        raise PermissionDenied
    form = forms.MeetingFilterForm(
        request.GET or None,
        bodies=selectors.bodies_for_user(request.user),
        provinces=provinces_of(request.user),
    )
    rows = selectors.meeting_list(request.user, **form.filters())
    upcoming = list(rows.filter(status=MeetingStatus.PLANNED).order_by("starts_at", "pk"))
    page = _page(request)
    offset = (page - 1) * PAGE_SIZE
    past = list(rows.exclude(status=MeetingStatus.PLANNED)[offset : offset + PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "upcoming": upcoming if page == 1 else [],
        "past": past[:PAGE_SIZE],
        "page": page,
        "has_next": len(past) > PAGE_SIZE,
        "query": query.urlencode(),
        "can_plan": bool(selectors.bodies_managed_by(request.user)),
    }
    template = (
        "meetings/meeting_list_rows.html" if is_htmx(request) else "meetings/meeting_list.html"
    )
    return render(request, template, context)


# --- Planning a session ------------------------------------------------------------------------


def _proposal(body: Any) -> dict[str, Any]:
    """The next regular day of the body after today, at its usual hour, place and chair."""
    return {
        "body": body,
        "date": services.next_session_date(body, after=timezone.localdate()),
        "time": body.time,
        "place": body.place,
        "chair": body.chair,
    }


def _chosen_body(raw: str | None, bodies: list[Any]) -> Any:
    """The body asked for, or the provincial HQ, or the first the user runs."""
    by_pk = {str(body.pk): body for body in bodies}
    if raw in by_pk:
        return by_pk[raw]
    provincial = [body for body in bodies if body.kind == "provincial"]
    return (provincial or bodies)[0]


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    bodies = selectors.bodies_managed_by(request.user)
    if not bodies:
        raise PermissionDenied
    if request.method == "POST":
        form = forms.MeetingCreateForm(request.POST, bodies=bodies)
        if form.is_valid():
            try:
                meeting = services.meeting_create(actor=request.user, **form.service_values())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Session %(number)s was planned. Build its agenda below.")
                    % {"number": format_number(meeting.number)},
                )
                return redirect("meetings:meeting", pk=meeting.pk)
        body = _chosen_body(request.POST.get("body"), bodies)
    else:
        body = _chosen_body(request.GET.get("body"), bodies)
        form = forms.MeetingCreateForm(initial=_proposal(body), bodies=bodies)
    context = {"form": form, "body": body, "planned": selectors.next_open_meeting(body=body)}
    if is_htmx(request) and request.method == "GET":
        # The body was changed: only the date, time, place and chair are proposed again.
        return render(request, "meetings/meeting_create_fields.html", context)
    return render(request, "meetings/meeting_create.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    if request.method == "GET" and not meeting.is_open:
        messages.error(request, _("The minutes of this meeting are closed and cannot be changed."))
        return redirect("meetings:meeting", pk=meeting.pk)
    form = forms.MeetingEditForm(
        request.POST if request.method == "POST" else None,
        initial=forms.MeetingEditForm.initial_for(meeting),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, **form.service_values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The session's details were saved."))
            return redirect("meetings:meeting", pk=meeting.pk)
    return render(request, "meetings/meeting_edit.html", {"meeting": meeting, "form": form})


# --- The session page --------------------------------------------------------------------------


def _events(meeting: Meeting) -> dict[str, MeetingEvent]:
    """The latest "agenda sent" and "cancelled" events: how many the agenda went to, and why
    the session was called off."""
    found: dict[str, MeetingEvent] = {}
    for event in MeetingEvent.objects.filter(
        meeting=meeting, kind__in=["agenda_sent", "cancelled"]
    ).order_by("created_at", "pk"):
        found[event.kind] = event
    return found


def _search(meeting: Meeting, text: str) -> list[Any]:
    if not text.strip():
        return []
    return list(selectors.cases_to_add(meeting=meeting, text=text)[:SEARCH_RESULTS])


def _agenda_context(
    request: AuthenticatedRequest,
    meeting: Meeting,
    *,
    error: str = "",
    q: str = "",
    topic_form: forms.TopicForm | None = None,
) -> dict[str, Any]:
    """The agenda partial: the ordered items and, for its secretariat while it is planned, the
    proposals, the case search and the "other topic" box. `meeting` comes from
    `selectors.meeting_for_page`."""
    manage = selectors.can_manage(request.user, meeting)
    context: dict[str, Any] = {
        "meeting": meeting,
        "items": list(meeting.items.all()),
        "manage": manage,
        "agenda_error": error,
        "agenda_version": selectors.agenda_version(meeting),
    }
    if manage:
        cases = list(selectors.proposed_cases(meeting=meeting)[: PROPOSALS + 1])
        context.update(
            proposed_cases=cases[:PROPOSALS],
            more_proposed=len(cases) > PROPOSALS,
            proposed_resolutions=selectors.proposed_resolutions(
                meeting=meeting, today=timezone.localdate()
            ),
            q=q,
            search_results=_search(meeting, q),
            topic_form=topic_form or forms.TopicForm(),
        )
    return context


def _detail_context(request: AuthenticatedRequest, meeting: Meeting) -> dict[str, Any]:
    context = _agenda_context(request, meeting, q=request.GET.get("q", "")[:100])
    events = _events(meeting)
    attendance = list(meeting.attendance.all())
    manage = context["manage"]
    recorded = {row.agency_id for row in attendance}
    context.update(
        attendance=attendance,
        present=sum(row.presence != Presence.ABSENT for row in attendance),
        unrecorded=[a for a in meeting.body.members.all() if a.pk not in recorded]
        if manage
        else [],
        runs_body=services.manages_body(request.user, meeting.body),
        sent=events.get("agenda_sent"),
        cancelled=events.get("cancelled"),
    )
    return context


@login_required
@require_GET
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """While planned, for its secretariat: the agenda builder and the session. Otherwise (and
    for the executive and the member agencies): the agenda or the minutes, read-only."""
    meeting = selectors.meeting_for_page(request.user, pk)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


# --- The agenda builder ------------------------------------------------------------------------


def _agenda_response(
    request: AuthenticatedRequest,
    meeting_pk: int,
    *,
    error: str = "",
    topic_form: forms.TopicForm | None = None,
) -> HttpResponse:
    """htmx: the agenda partial. A plain post: back to the page, with the refusal as a message."""
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(_meeting_url(meeting_pk, "agenda"))
    meeting = selectors.meeting_for_page(request.user, meeting_pk)
    context = _agenda_context(request, meeting, error=error, topic_form=topic_form)
    # The session part of the page reloads its items when this lands in the agenda's slot
    # (static/js/meetings.js), not on an HX-Trigger: htmx fires that on the element that sent
    # the request, which quick clicks may already have replaced.
    return render(request, "meetings/_agenda.html", context, status=REFUSED if error else 200)


@login_required
@require_GET
def agenda(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_page(request.user, pk)
    return render(request, "meetings/_agenda.html", _agenda_context(request, meeting))


@login_required
@require_GET
def case_search(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Any case of the body's scope that may go on the agenda, by title, company or tracking
    number (htmx, beside the proposals)."""
    meeting = _managed(request, pk)
    q = request.GET.get("q", "")[:100]
    if not is_htmx(request):
        return redirect(f"{_meeting_url(meeting.pk)}?{urlencode({'q': q})}#agenda")
    results = _search(meeting, q) if meeting.is_open else []
    return render(
        request,
        "meetings/_agenda_search.html",
        {"meeting": meeting, "q": q, "search_results": results, "manage": meeting.is_open},
    )


def _posted_pk(request: AuthenticatedRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404 from None


@login_required
@require_POST
def add_case(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    case = (
        case_selectors.cases_for_user(request.user).filter(pk=_posted_pk(request, "case")).first()
    )
    if case is None:
        raise Http404
    try:
        services.agenda_add_case(actor=request.user, meeting=meeting, case=case)
    except ValidationError as error:
        return _agenda_response(request, meeting.pk, error=_message(error))
    return _agenda_response(request, meeting.pk)


@login_required
@require_POST
def add_resolution(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    resolution = (
        selectors.resolutions_for_user(request.user)
        .filter(pk=_posted_pk(request, "resolution"))
        .select_related("meeting")
        .first()
    )
    if resolution is None:
        raise Http404
    reason = request.POST.get("reason", "")
    try:
        services.agenda_add_resolution(
            actor=request.user,
            meeting=meeting,
            resolution=resolution,
            reason=reason if reason in ("objected", "overdue") else "review",
        )
    except ValidationError as error:
        return _agenda_response(request, meeting.pk, error=_message(error))
    return _agenda_response(request, meeting.pk)


@login_required
@require_POST
def add_topic(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    form = forms.TopicForm(request.POST)
    if not form.is_valid():
        return _agenda_response(request, meeting.pk, error=_("Write the topic."), topic_form=form)
    try:
        services.agenda_add_topic(
            actor=request.user, meeting=meeting, title=form.cleaned_data["title"]
        )
    except ValidationError as error:
        return _agenda_response(request, meeting.pk, error=_message(error), topic_form=form)
    return _agenda_response(request, meeting.pk)


@login_required
@require_POST
def reorder(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The whole order at once, as item ids (`item`, repeated): for drag and drop."""
    meeting = _managed(request, pk)
    try:
        order = [int(value) for value in request.POST.getlist("item")]
    except ValueError:
        order = []
    try:
        services.agenda_reorder(actor=request.user, meeting=meeting, item_ids=order)
    except ValidationError as error:
        return _agenda_response(request, meeting.pk, error=_message(error))
    return _agenda_response(request, meeting.pk)


@login_required
@require_POST
def move_item(request: AuthenticatedRequest, item: int) -> HttpResponse:
    found = _managed_item(request, item)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return _agenda_response(request, found.meeting_id, error=_("Choose up or down."))
    try:
        services.agenda_move_item(actor=request.user, item=found, by=-1 if direction == "up" else 1)
    except ValidationError as error:
        return _agenda_response(request, found.meeting_id, error=_message(error))
    return _agenda_response(request, found.meeting_id)


@login_required
@require_POST
def remove_item(request: AuthenticatedRequest, item: int) -> HttpResponse:
    found = _managed_item(request, item)
    try:
        services.agenda_remove(actor=request.user, item=found)
    except ValidationError as error:
        return _agenda_response(request, found.meeting_id, error=_message(error))
    return _agenda_response(request, found.meeting_id)


# --- Items and their draft resolutions ---------------------------------------------------------


def _card_context(request: AuthenticatedRequest, item: AgendaItem, **extra: Any) -> dict[str, Any]:
    """The item as the session part of the page shows it, loaded with the meeting's page
    selector (its resolutions and their agencies in a fixed number of queries)."""
    meeting = selectors.meeting_for_page(request.user, item.meeting_id)
    found = next(i for i in meeting.items.all() if i.pk == item.pk)
    return {
        "meeting": meeting,
        "item": found,
        "manage": selectors.can_manage(request.user, meeting),
        **extra,
    }


def _item_done(
    request: AuthenticatedRequest, item: AgendaItem, message: str, *, renumbered: bool = False
) -> HttpResponse:
    if not is_htmx(request):
        messages.success(request, message)
        return redirect(_meeting_url(item.meeting_id, f"item-{item.pk}"))
    response = render(request, "meetings/_item.html", _card_context(request, item))
    if renumbered:
        # Deleting a draft renumbers the meeting's other resolutions: reload every item.
        response["HX-Trigger"] = "agenda-changed"
    return response


def _form_refused(
    request: AuthenticatedRequest,
    item: AgendaItem,
    *,
    partial: str,
    page: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A form that failed: htmx gets it back in the item's slot (422), a plain post the page."""
    if is_htmx(request):
        response = render(request, partial, {"item": item, **context}, status=REFUSED)
        response["HX-Retarget"] = f"#item-{item.pk}-slot"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, page, _card_context(request, item, **context))


@login_required
@require_http_methods(["GET", "POST"])
def item_detail(request: AuthenticatedRequest, item: int) -> HttpResponse:
    """The item's discussion notes and whether it was postponed. Its page shows the item to
    anyone who sees the meeting; the form is its secretariat's."""
    if request.method == "GET":
        found = _item(request, item)
        runs = services.manages_body(request.user, found.meeting.body)
        form = forms.ItemForm(
            prefix=f"item-{found.pk}",
            initial={"notes": found.notes, "postponed": found.postponed},
        )
        if is_htmx(request) and runs:
            return render(request, "meetings/_item_form.html", {"item": found, "form": form})
        return render(
            request,
            "meetings/meeting_item.html",
            _card_context(request, found, form=form if runs else None),
        )
    found = _managed_item(request, item)
    form = forms.ItemForm(request.POST, prefix=f"item-{found.pk}")
    if form.is_valid():
        try:
            services.item_record(
                actor=request.user,
                item=found,
                notes=form.cleaned_data["notes"],
                postponed=form.cleaned_data["postponed"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _item_done(request, found, _("The notes were saved."))
    return _form_refused(
        request,
        found,
        partial="meetings/_item_form.html",
        page="meetings/meeting_item.html",
        context={"form": form},
    )


def _draft_form(
    item: AgendaItem, data: Any = None, *, resolution: Resolution | None = None
) -> forms.DraftForm:
    body = item.meeting.body
    return forms.DraftForm(
        data,
        body=body,
        member_ids=body.members.values_list("pk", flat=True),
        prefix=f"edit-{resolution.pk}" if resolution else f"draft-{item.pk}",
        initial=forms.DraftForm.initial_for(resolution) if resolution else None,
    )


def _draft_page(
    request: AuthenticatedRequest,
    item: AgendaItem,
    form: forms.DraftForm,
    resolution: Resolution | None = None,
) -> HttpResponse:
    context = {"form": form, "resolution": resolution}
    if request.method == "POST":
        return _form_refused(
            request,
            item,
            partial="meetings/_item_draft_form.html",
            page="meetings/meeting_draft.html",
            context=context,
        )
    if is_htmx(request):
        return render(request, "meetings/_item_draft_form.html", {"item": item, **context})
    return render(request, "meetings/meeting_draft.html", _card_context(request, item, **context))


@login_required
@require_http_methods(["GET", "POST"])
def draft_resolution(request: AuthenticatedRequest, item: int) -> HttpResponse:
    """Write a resolution on an item. It binds nobody until the meeting closes."""
    found = _managed_item(request, item)
    form = _draft_form(found, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution_draft(actor=request.user, item=found, draft=form.draft())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _item_done(request, found, _("The draft resolution was added."))
    return _draft_page(request, found, form)


def _item_of(resolution: Resolution) -> AgendaItem:
    if resolution.item is None:
        raise Http404  # every draft written through the pages has its item
    item = resolution.item
    item.meeting = resolution.meeting
    return item


@login_required
@require_http_methods(["GET", "POST"])
def edit_draft(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resolution = _draft(request, pk)
    item = _item_of(resolution)
    if request.method == "GET" and resolution.state != ResolutionState.DRAFT:
        messages.info(request, _("An issued resolution cannot be edited."))
        return redirect("meetings:resolution", pk=resolution.pk)
    form = _draft_form(
        item, request.POST if request.method == "POST" else None, resolution=resolution
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution_edit(actor=request.user, resolution=resolution, draft=form.draft())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _item_done(request, item, _("The draft resolution was saved."))
    return _draft_page(request, item, form, resolution)


@login_required
@require_POST
def delete_draft(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resolution = _draft(request, pk)
    item = _item_of(resolution)
    try:
        services.resolution_delete_draft(actor=request.user, resolution=resolution)
    except ValidationError as error:
        if not is_htmx(request):
            messages.error(request, _message(error))
            return redirect(_meeting_url(item.meeting_id, f"item-{item.pk}"))
        context = _card_context(request, item, item_error=_message(error))
        return render(request, "meetings/_item.html", context, status=REFUSED)
    return _item_done(request, item, _("The draft resolution was deleted."), renumbered=True)


# --- Attendance --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One row per member agency, then any other agency already recorded, and a row to add
    another: present, absent or represented (by whom)."""
    meeting = _managed(request, pk)
    if request.method == "GET" and not meeting.is_open:
        messages.error(request, _("The minutes of this meeting are closed and cannot be changed."))
        return redirect("meetings:meeting", pk=meeting.pk)
    page = selectors.meeting_for_page(request.user, pk)
    recorded = {row.agency_id: row for row in page.attendance.all()}
    members = sorted(page.body.members.all(), key=lambda agency: agency.name)
    member_ids = {agency.pk for agency in members}
    guests = sorted(
        (row.agency for pk_, row in recorded.items() if pk_ not in member_ids),
        key=lambda agency: agency.name,
    )
    agencies = members + guests
    others = Agency.objects.filter(province_id=page.body.province_id, is_active=True).exclude(
        pk__in=[agency.pk for agency in agencies]
    )
    form = forms.AttendanceForm(
        request.POST if request.method == "POST" else None,
        agencies=agencies,
        recorded=recorded,
        others=others,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                actor=request.user, meeting=meeting, rows=form.rows_to_record()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The attendance was recorded."))
            return redirect(_meeting_url(meeting.pk, "attendance"))
    return render(
        request,
        "meetings/meeting_attendance.html",
        {"meeting": page, "form": form, "member_ids": member_ids},
    )


# --- Sending, closing, cancelling --------------------------------------------------------------


@login_required
@require_POST
def send_agenda(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    try:
        count = services.meeting_send_agenda(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            ngettext(
                "The agenda was sent to %(count)s person.",
                "The agenda was sent to %(count)s people.",
                count,
            )
            % {"count": format_number(count)},
        )
    return redirect(_meeting_url(meeting.pk, "send"))


@login_required
@require_http_methods(["GET", "POST"])
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A confirmation page first: what will be issued to whom, and what is still missing."""
    meeting = _managed(request, pk)
    if not meeting.is_open:
        messages.info(request, _("This meeting is no longer planned."))
        return redirect("meetings:meeting", pk=meeting.pk)
    # Bound on any post: it has no fields, so an empty post is a valid one.
    form = forms.CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            closed = services.meeting_close(actor=request.user, meeting=meeting)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            issued = closed.resolutions.count()
            messages.success(
                request,
                ngettext(
                    "The meeting was closed and %(count)s resolution was issued.",
                    "The meeting was closed and %(count)s resolutions were issued.",
                    issued,
                )
                % {"count": format_number(issued)},
            )
            return redirect("meetings:meeting", pk=meeting.pk)
    page = selectors.meeting_for_page(request.user, pk)
    items = list(page.items.all())
    attendance = list(page.attendance.all())
    return render(
        request,
        "meetings/meeting_close.html",
        {
            "meeting": page,
            "form": form,
            "items": items,
            "resolutions": [r for item in items for r in item.resolutions.all()],
            "present": sum(row.presence != Presence.ABSENT for row in attendance),
            "without_notes": [i for i in items if not i.notes.strip() and not i.postponed],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    if request.method == "GET" and not meeting.is_open:
        messages.info(request, _("This meeting is no longer planned."))
        return redirect("meetings:meeting", pk=meeting.pk)
    form = forms.CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The session was called off."))
            return redirect("meetings:meeting", pk=meeting.pk)
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting, "form": form})


# --- Documents ---------------------------------------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def minutes_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The minutes (marked a draft until the meeting closes); a cancelled session has none."""
    meeting = _meeting(request, pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Http404
    from tashil.meetings.pdf import minutes_pdf as render_minutes

    return _pdf(render_minutes(meeting), f"minutes-{meeting.number}.pdf")


@login_required
@require_GET
def agenda_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    from tashil.meetings.pdf import agenda_pdf as render_agenda

    return _pdf(render_agenda(meeting), f"agenda-{meeting.number}.pdf")
