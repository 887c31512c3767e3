"""Case pages. Thin: forms check input, services write (and refuse with a CaseError), selectors
decide who sees what (404 for a case the user may not see, as for one that does not exist)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tashil.accounts.access import has_role
from tashil.accounts.roles import Role
from tashil.agencies.models import Agency
from tashil.cases import exports, forms, history, selectors, services
from tashil.cases.models import Case, CaseEvent, DefaultAgency, Referral, ReferralStatus
from tashil.cases.tracking import normalise_tracking
from tashil.cases.workflow import FINAL, Actor, CaseStatus, move
from tashil.core.forms import apply_service_errors
from tashil.core.http import AuthenticatedRequest, is_htmx
from tashil.core.jalali import format_number, format_stored_date, is_persian_ui
from tashil.core.selectors import work_calendar
from tashil.core.text import to_ascii_digits
from tashil.meetings.selectors import case_resolutions

PAGE_SIZE = 25
# Beyond this, narrow the filters: an offset this deep is a mistake or a scraper.
MAX_PAGE = 4000


def _case(request: AuthenticatedRequest, tracking: str) -> Case:
    return selectors.case_get_for_user(user=request.user, tracking=tracking)


def _page(request: AuthenticatedRequest) -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.GET.get("page", "1"))))
    except ValueError:
        return 1


# --- Intake ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthenticatedRequest) -> HttpResponse:
    # The company page links here with ?company=<national ID> to start the form with it.
    initial = {"company": request.GET["company"]} if "company" in request.GET else None
    form = forms.CaseForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    companies = form.fields["company"].queryset  # type: ignore[attr-defined]
    if not form.fields["channel"].choices or not companies.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_file(actor=request.user, **form.service_values())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your case was filed."))
            return redirect("cases:receipt", tracking=case.tracking)
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            # The list beside the company input; a representative's company is fixed instead.
            "companies": [] if form.fixed_company else companies.only("national_id", "legal_name"),
        },
    )


@login_required
@require_GET
def duplicates_hint(request: AuthenticatedRequest) -> HttpResponse:
    """Open cases that may be the same problem, for the intake form (htmx)."""
    title = request.GET.get("title", "")[:200]
    key = to_ascii_digits(request.GET.get("company", "")).replace("-", "").strip()
    company = selectors.filing_companies(request.user).filter(national_id=key).first()
    found: list[Case] = []
    if company is not None and title.strip():
        found = _visible_duplicates(
            request, company_id=company.pk, title=title, province_id=company.province_id
        )
    return render(request, "cases/_duplicates.html", {"duplicates": found, "asked": True})


def _visible_duplicates(
    request: AuthenticatedRequest,
    *,
    company_id: int,
    title: str,
    province_id: int,
    exclude_pk: int | None = None,
) -> list[Case]:
    """`possible_duplicates` cut to the cases the user may see: the candidates include other
    companies' cases, which a company representative must not learn of."""
    candidates = selectors.possible_duplicates(
        company_id=company_id, title=title, province_id=province_id, exclude_pk=exclude_pk
    )
    if not candidates:
        return []
    visible = set(
        selectors.cases_for_user(request.user)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    return [c for c in candidates if c.pk in visible]


@login_required
@require_GET
def case_receipt(request: AuthenticatedRequest, tracking: str) -> HttpResponse:
    case = _case(request, tracking)
    return render(request, "cases/receipt.html", {"case": case})


@login_required
@require_GET
def track(request: AuthenticatedRequest) -> HttpResponse:
    """A tracking number as typed (any digits, case, dashes) → the case. The same answer
    whether the number does not exist or belongs to a case the user may not see."""
    form = forms.TrackForm(request.GET or None)
    if form.is_valid():
        tracking = normalise_tracking(form.cleaned_data["number"])
        if tracking and selectors.cases_for_user(request.user).filter(tracking=tracking).exists():
            return redirect("cases:detail", tracking=tracking)
        form.add_error(
            "number",
            _("No case of yours has this tracking number. Check the number and try again."),
        )
    return render(request, "cases/track.html", {"form": form})


# --- The case page -----------------------------------------------------------------------------


def _duplicates_of(request: AuthenticatedRequest, case: Case) -> list[Case]:
    return _visible_duplicates(
        request,
        company_id=case.company_id,
        title=case.title,
        province_id=case.province_id,
        exclude_pk=case.pk,
    )


def _results_sentence(event: CaseEvent, *, amount_visible: bool) -> str:
    """The timeline's line for results recorded, with the amount only for those who may see
    it (the event keeps it, as the case does)."""
    after = event.data.get("after") or {}
    if not after.get("results_on"):
        return _("The recorded results were cleared.")
    details = []
    if amount_visible and after.get("approved_amount") is not None:
        details.append(
            _("loan or facility approved: %(amount)s rial")
            % {"amount": format_number(after["approved_amount"])}
        )
    if after.get("jobs_preserved") is not None:
        details.append(
            _("jobs preserved: %(jobs)s") % {"jobs": format_number(after["jobs_preserved"])}
        )
    day = format_stored_date(after["results_on"])
    if not details:
        return _("Results recorded, achieved on %(date)s.") % {"date": day}
    return _("Results recorded, achieved on %(date)s: %(details)s.") % {
        "date": day,
        "details": ("، " if is_persian_ui() else "; ").join(details),
    }


def _timeline(case: Case, *, amount_visible: bool) -> list[CaseEvent]:
    events = history.present(selectors.case_timeline(case))
    for event in events:
        if event.kind == services.EventKind.RESULTS:
            event.sentence = _results_sentence(event, amount_visible=amount_visible)  # type: ignore[attr-defined]
    return events


def _detail_context(request: AuthenticatedRequest, case: Case, **bound: Any) -> dict[str, Any]:
    """Everything the case page shows. `bound` holds a form that failed (input kept), keyed by
    its name: `move_<status>`, `answer_<pk>`, `extend_<pk>`, `attach`, `results`."""
    user = request.user
    visible = selectors.amount_visible_ids(user, [case])
    amount_visible = case.pk in visible
    selectors.hide_amounts(user, [case], visible)
    for form in bound.values():
        form.open = True  # the template opens the form that needs correcting
    today = timezone.localdate()
    referrals = selectors.case_referrals(case)
    answerable = selectors.referrals_user_can_answer(user, case, referrals)
    calendar = work_calendar()
    for referral in referrals:
        late = referral.is_overdue(today)
        can_answer = referral.pk in answerable
        # Shown beside each referral: the overdue badge, and the forms for the agency's staff.
        vars(referral).update(
            late=late,
            days_late=calendar.working_days_between(referral.due_on, today) if late else 0,
            can_answer=can_answer,
            answer_form=bound.get(f"answer_{referral.pk}")
            or forms.AnswerForm(prefix=f"answer-{referral.pk}"),
            extend_form=bound.get(f"extend_{referral.pk}")
            or forms.ExtendForm(prefix=f"extend-{referral.pk}"),
        )
    is_secretariat = Actor.SECRETARIAT in services.actor_kinds(user, case)
    results_form = None
    if is_secretariat:
        results_form = bound.get("results") or forms.ResultsForm(
            initial=forms.ResultsForm.initial_for(case, amount_visible=amount_visible),
            amount_visible=amount_visible,
        )
    duplicates: list[Case] = []
    if is_secretariat and case.status not in FINAL:
        duplicates = _duplicates_of(request, case)
    move_forms = []
    allowed = selectors.allowed_moves(user, case)
    for target, found in allowed.items():
        if found.action == "refer":
            continue  # the referral page, linked beside the forms
        same_company = [c for c in duplicates if c.company_id == case.company_id]
        if found.action == "merge" and not same_company:
            continue  # nothing to merge into
        move_forms.append(
            bound.get(f"move_{target}")
            or forms.MoveForm(case=case, target=target, move=found, duplicates=same_company)
        )
    # A move refused because the case changed meanwhile (someone else moved it) may no longer
    # be offered: its errors are shown at the top of the page instead.
    page_errors = [
        error
        for name, form in bound.items()
        if name.startswith("move_") and form not in move_forms
        for error in form.non_field_errors()
    ]
    attachments = [a for a in selectors.case_attachments(case) if a.referral_id is None]
    resolutions = list(case_resolutions(user, case))
    for resolution in resolutions:
        resolution.overdue = resolution.is_overdue(today)  # type: ignore[attr-defined]
    return {
        "resolutions": resolutions,
        "case": case,
        "today": today,
        "referrals": referrals,
        "timeline": _timeline(case, amount_visible=amount_visible),
        "amount_visible": amount_visible,
        "results_form": results_form,
        "attachments": attachments,
        "move_forms": move_forms,
        "can_refer": CaseStatus.REFERRED in allowed or selectors.can_refer_more(user, case),
        "can_attach": selectors.can_attach(user, case),
        "attach_form": bound.get("attach") or forms.AttachForm(prefix="attach"),
        "duplicates": duplicates,
        "is_secretariat": is_secretariat,
        "page_errors": page_errors,
    }


@login_required
@require_GET
def case_detail(request: AuthenticatedRequest, tracking: str) -> HttpResponse:
    case = _case(request, tracking)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


def _refusal(case: Case, to: str) -> str:
    """Why a move the page did not offer cannot be made (the services' own wording)."""
    if move(case.status, to) is None:
        return str(services.invalid_move(case.status, to).message)
    return _("You may not make this change to the case.")


@login_required
@require_POST
def case_move(request: AuthenticatedRequest, tracking: str) -> HttpResponse:
    case = _case(request, tracking)
    if not services.actor_kinds(request.user, case):
        # The executive and agency staff read the case; they do not move it.
        raise PermissionDenied
    to = request.POST.get("to", "")
    if to not in CaseStatus.values:
        messages.error(request, _("Choose one of the actions offered on the page."))
        return redirect("cases:detail", tracking=case.tracking)
    if request.POST.get("seen", case.status) != case.status:
        # The page showed another status: the person chose this move on what is no longer
        # there (a colleague moved the case meanwhile). The service checks the same under its
        # lock, for the moment between this read and the write.
        messages.error(
            request,
            _("Someone else changed this case a moment ago. Reload the page and try again."),
        )
        return redirect("cases:detail", tracking=case.tracking)
    allowed = selectors.allowed_moves(request.user, case)
    found = allowed.get(to)
    if found is None:
        messages.error(request, _refusal(case, to))
        return redirect("cases:detail", tracking=case.tracking)
    if found.action == "refer":
        # Referring needs agencies, requests and deadlines: that is the referral page's form.
        messages.info(request, _("Choose the agencies and write their requests here."))
        return redirect("cases:refer", tracking=case.tracking)
    duplicates = []
    if found.action == "merge":
        duplicates = [c for c in _duplicates_of(request, case) if c.company_id == case.company_id]
    form = forms.MoveForm(
        request.POST, request.FILES, case=case, target=to, move=found, duplicates=duplicates
    )
    if form.is_valid():
        try:
            services.case_move(
                actor=request.user,
                case=case,
                to=to,
                reason=form.cleaned_data.get("reason", ""),
                **form.extras(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Done: the case is now “%(status)s”.")
                % {"status": CaseStatus(case.status).label},
            )
            return redirect("cases:detail", tracking=case.tracking)
    case = _case(request, tracking)
    context = _detail_context(request, case, **{f"move_{to}": form})
    return render(request, "cases/case_detail.html", context)


# The input each refusal of `services.case_record_results` is about, to show it beside it.
RESULT_ERROR_FIELDS = {
    "results_on_required": "results_on",
    "results_in_future": "results_on",
    "results_before_case": "results_on",
    "amount_range": "approved_amount",
    "jobs_range": "jobs_preserved",
}


@login_required
@require_POST
def case_results(request: AuthenticatedRequest, tracking: str) -> HttpResponse:
    """The secretariat records what the HQ's help achieved (the loan approved, the jobs kept and
    the day). A refusal re-renders the page with what was typed, as 422."""
    case = _case(request, tracking)
    if Actor.SECRETARIAT not in services.actor_kinds(request.user, case):
        raise PermissionDenied
    amount_visible = case.pk in selectors.amount_visible_ids(request.user, [case])
    form = forms.ResultsForm(request.POST, amount_visible=amount_visible)
    if form.is_valid():
        try:
            services.case_record_results(
                actor=request.user,
                case=case,
                **form.service_values(recorded_amount=case.approved_amount),
            )
        except ValidationError as error:
            field = RESULT_ERROR_FIELDS.get(str(getattr(error, "code", "")))
            if field is not None:
                form.add_error(field, error)
            else:
                apply_service_errors(form, error)
        else:
            messages.success(request, _("The results were recorded."))
            return redirect("cases:detail", tracking=case.tracking)
    context = _detail_context(request, _case(request, tracking), results=form)
    return render(request, "cases/case_detail.html", context, status=422)


# --- Referrals ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_refer(request: AuthenticatedRequest, tracking: str) -> HttpResponse:
    """Refer to one or more agencies at once, each with its own request and deadline."""
    case = _case(request, tracking)
    allowed = selectors.allowed_moves(request.user, case)
    if CaseStatus.REFERRED not in allowed and not selectors.can_refer_more(request.user, case):
        raise PermissionDenied
    agencies = list(Agency.objects.filter(province_id=case.province_id, is_active=True))
    default = (
        DefaultAgency.objects.filter(province_id=case.province_id, category_id=case.category_id)
        .values_list("agency_id", flat=True)
        .first()
    )
    busy = set(
        case.referrals.filter(status=ReferralStatus.OPEN).values_list("agency_id", flat=True)
    )
    form = forms.ReferForm(
        request.POST or None,
        agencies=agencies,
        default_days=case.category.response_days,
        checked={default} if default else set(),
        busy=busy,
    )
    if request.method == "POST" and form.is_valid():
        try:
            referrals = services.case_refer(actor=request.user, case=case, requests=form.requests())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Referred to %(agencies)s.")
                % {"agencies": "، ".join(r.agency.display_name for r in referrals)},
            )
            return redirect("cases:detail", tracking=case.tracking)
    today = timezone.localdate()
    return render(
        request,
        "cases/refer.html",
        {
            "case": case,
            "form": form,
            "default_due": work_calendar().add_working_days(today, case.category.response_days),
        },
    )


def _referral(request: AuthenticatedRequest, pk: int) -> Referral:
    """A referral on a case the user may see (404 otherwise), which the user's agency may act
    on (403 otherwise)."""
    referral = get_object_or_404(
        Referral.objects.select_related("case", "agency").filter(
            case__in=selectors.cases_for_user(request.user).values("pk")
        ),
        pk=pk,
    )
    if not services.can_act_for_agency(request.user, referral.agency_id):
        raise PermissionDenied
    return referral


def _referral_action(
    request: AuthenticatedRequest, pk: int, kind: str, form_class: type[Any], act: Any
) -> HttpResponse:
    referral = _referral(request, pk)
    form = form_class(request.POST, request.FILES, prefix=f"{kind}-{pk}")
    if form.is_valid():
        try:
            act(referral, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("cases:detail", tracking=referral.case.tracking)
    case = _case(request, referral.case.tracking)
    context = _detail_context(request, case, **{f"{kind}_{pk}": form})
    return render(request, "cases/case_detail.html", context)


@login_required
@require_POST
def referral_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(referral: Referral, data: dict[str, Any]) -> None:
        services.referral_answer(
            actor=request.user, referral=referral, answer=data["answer"], files=data["documents"]
        )
        messages.success(request, _("Your answer was recorded."))

    return _referral_action(request, pk, "answer", forms.AnswerForm, act)


@login_required
@require_POST
def referral_extend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def act(referral: Referral, data: dict[str, Any]) -> None:
        services.referral_extend(
            actor=request.user, referral=referral, days=data["days"], reason=data["reason"]
        )
        messages.success(request, _("The deadline was extended."))

    return _referral_action(request, pk, "extend", forms.ExtendForm, act)


# --- Attachments -------------------------------------------------------------------------------


@login_required
@require_POST
def case_attach(request: AuthenticatedRequest, tracking: str) -> HttpResponse:
    case = _case(request, tracking)
    if not selectors.can_attach(request.user, case):
        raise PermissionDenied
    form = forms.AttachForm(request.POST, request.FILES, prefix="attach")
    if form.is_valid():
        try:
            services.case_attach(
                actor=request.user, case=case, files=form.cleaned_data["documents"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The files were added."))
            return redirect("cases:detail", tracking=case.tracking)
    return render(request, "cases/case_detail.html", _detail_context(request, case, attach=form))


@login_required
@require_GET
def attachment_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The file, to whoever may see its case, always as a download with the type read from its
    bytes at upload: a browser never renders an uploaded file as a page of this site."""
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Lists, queues, inbox ----------------------------------------------------------------------


def _list_heading(request: AuthenticatedRequest) -> str:
    user = request.user
    if has_role(user, Role.SECRETARIAT, Role.EXECUTIVE):
        return _("Cases of the province")
    if has_role(user, Role.COUNTY_SECRETARIAT):
        return _("Cases of the county")
    if has_role(user, Role.AGENCY_OFFICER, Role.AGENCY_HEAD):
        return _("Cases referred to my agency")
    if has_role(user, Role.EXPERT):
        return _("Cases assigned to me")
    return _("My cases")


@login_required
@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.CaseFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    page = _page(request)
    today = timezone.localdate()
    # No COUNT(*) on every request: one row more than a page tells whether there is a next.
    offset = (page - 1) * PAGE_SIZE
    rows = selectors.case_list(
        user=request.user, filters=filters, today=today, offset=offset, limit=PAGE_SIZE + 1
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "cases": rows[:PAGE_SIZE],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "query": query.urlencode(),
        "heading": _list_heading(request),
        "can_file": bool(selectors.filing_channel_choices(request.user)),
    }
    template = "cases/_case_table.html" if is_htmx(request) else "cases/case_list.html"
    return render(request, template, context)


@login_required
@require_GET
def case_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The case list's rows, all of them, with the list's filters, as CSV or Excel."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = forms.CaseFilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    cases = selectors.cases_filtered(user=request.user, filters=form.filters(), today=today)
    if fmt == "csv":
        return exports.export_csv(cases, on=today)
    return exports.export_xlsx(cases, on=today)


@login_required
@require_GET
def secretariat_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    if not selectors.is_secretariat(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    queues = selectors.secretariat_queues(user=request.user, today=today)
    # A county secretariat sees its queues but not the amounts (DOMAIN.md §2).
    for queue in (
        queues.new,
        queues.awaiting_company,
        queues.ready_for_meeting,
        queues.awaiting_confirmation,
    ):
        selectors.hide_amounts(request.user, queue)
    calendar = work_calendar()
    for referral in queues.overdue:
        referral.days_late = calendar.working_days_between(referral.due_on, today)  # type: ignore[attr-defined]
    counts = [
        ("new", _("new cases"), queues.new),
        ("overdue", _("overdue referrals"), queues.overdue),
        ("awaiting-company", _("waiting for the company"), queues.awaiting_company),
        ("ready", _("ready for a meeting"), queues.ready_for_meeting),
        ("confirmation", _("waiting for confirmation"), queues.awaiting_confirmation),
    ]
    return render(
        request,
        "cases/secretariat.html",
        {
            "queues": queues,
            "counts": counts,
            "queue_size": selectors.QUEUE_SIZE,
            "today": today,
        },
    )


INBOX_ANSWERED = 20


@login_required
@require_GET
def agency_inbox(request: AuthenticatedRequest) -> HttpResponse:
    if not selectors.agency_ids(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    calendar = work_calendar()
    open_referrals = list(selectors.agency_inbox(user=request.user)[: selectors.QUEUE_SIZE * 4])
    overdue = 0
    for referral in open_referrals:
        late = referral.is_overdue(today)
        overdue += late
        referral.late = late  # type: ignore[attr-defined]
        referral.days_late = (  # type: ignore[attr-defined]
            calendar.working_days_between(referral.due_on, today) if late else 0
        )
    answered = list(selectors.agency_inbox(user=request.user, answered=True)[:INBOX_ANSWERED])
    return render(
        request,
        "cases/inbox.html",
        {
            "open_referrals": open_referrals,
            "overdue_count": overdue,
            "answered": answered,
            "today": today,
        },
    )
