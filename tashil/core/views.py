from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tashil.accounts.access import scopes_of
from tashil.agencies.models import Agency
from tashil.cases.models import Category, DefaultAgency
from tashil.core import selectors
from tashil.core.forms import WorkingDaysForm
from tashil.core.http import AuthenticatedRequest, is_htmx
from tashil.core.models import WorkerHeartbeat
from tashil.geo.models import County, IndustrialEstate
from tashil.registry import selectors as registry_selectors


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    provinces = selectors.provinces_for_user(request.user)
    assignments = request.user.role_assignments.select_related(
        "province", "county", "agency", "company"
    )
    today = timezone.localdate()
    figure_provinces = {p.pk for p in registry_selectors.figure_provinces(request.user)}
    # The figure the governor quotes, for each province whose figures this user reads.
    knowledge_based = [
        (
            province,
            registry_selectors.knowledge_based_count(province=province, on=today),
            registry_selectors.current_target(province=province),
        )
        for province in provinces
        if province.pk in figure_provinces
    ]
    return render(
        request,
        "core/home.html",
        {
            "assignments": assignments,
            "provinces": provinces,
            "scopes": scopes_of(request.user),
            "knowledge_based": knowledge_based,
        },
    )


@login_required
def reference(request: HttpRequest) -> HttpResponse:
    """Who is who in a province: counties, industrial estates, agencies, and which agency
    handles each obstacle category by default."""
    provinces = selectors.provinces_for_user(request.user)
    if not provinces:
        raise Http404
    code = request.GET.get("province")
    province = next((p for p in provinces if p.code == code), provinces[0])
    categories = Category.objects.order_by("order")
    defaults = {
        d.category_id: d.agency
        for d in DefaultAgency.objects.filter(province=province).select_related("agency")
    }
    return render(
        request,
        "core/reference.html",
        {
            "province": province,
            "provinces": provinces,
            "counties": County.objects.filter(province=province),
            "estates": IndustrialEstate.objects.filter(province=province).select_related("county"),
            "agencies": Agency.objects.filter(province=province, is_active=True),
            "categories": [(c, defaults.get(c.pk)) for c in categories],
        },
    )


@login_required
def working_days(request: HttpRequest) -> HttpResponse:
    """The business calendar: N working days from a date, and the holidays ahead."""
    calendar = selectors.work_calendar()
    form = WorkingDaysForm(request.GET or None)
    result = None
    if form.is_valid():
        result = calendar.add_working_days(form.cleaned_data["start"], form.cleaned_data["days"])
    today = timezone.localdate()
    template = "core/_working_days_result.html" if is_htmx(request) else "core/working_days.html"
    return render(
        request,
        template,
        {
            "form": form,
            "result": result,
            "holidays": selectors.upcoming_holidays(start=today),
        },
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not. The worker's last heartbeat is
    reported but does not fail the check: the web can serve while the worker restarts."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        heartbeat = WorkerHeartbeat.objects.filter(name="huey").values_list("beat_at", flat=True)
        beat = heartbeat.first()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "worker_last_seen": beat.isoformat() if beat else None,
        }
    )
