"""The governor's weekly report (page, PDF, XLSX) and the press brief (generate, edit, save,
read back). Both are for the province's secretariat and executive (`dashboard_provinces`); anyone
else gets 404, as on the dashboard. The figures come from `weekly.py` and `press.py`, the writes go
through `services.py`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tashil.core.forms import JalaliDateField, apply_service_errors
from tashil.core.http import AuthenticatedRequest
from tashil.core.jalali import jalali_input_value
from tashil.core.pdf import pdf_response
from tashil.figures import services
from tashil.figures.models import PressBrief
from tashil.figures.period import Period
from tashil.figures.press import LANGUAGES, brief_text
from tashil.figures.selectors import can_edit_press_brief, dashboard_provinces
from tashil.figures.tables import workbook_response
from tashil.figures.weekly import (
    WeeklyReport,
    last_complete_week,
    week_tables,
    weekly_filename,
    weekly_report,
    year_tables,
)
from tashil.geo.models import Province


def _readable_provinces(user: Any) -> list[Province]:
    provinces = dashboard_provinces(user)
    if not provinces:
        raise Http404
    return provinces


class _ProvinceForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)

    def __init__(self, *args: Any, provinces: list[Province], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provinces = provinces
        self.fields["province"].choices = [(p.code, p.display_name) for p in provinces]  # type: ignore[attr-defined]

    def valid_data(self) -> dict[str, Any]:
        """The fields that were read, even when another one could not be."""
        if not self.is_bound:
            return {}
        # Validating keeps in `cleaned_data` every field that could be read.
        self.is_valid()
        return self.cleaned_data

    def chosen_province(self) -> Province:
        """The province asked for, or the user's first."""
        code = self.valid_data().get("province") or ""
        return next((p for p in self.provinces if p.code == code), self.provinces[0])


def _not_after_today(day: dt.date | None) -> dt.date | None:
    if day is not None and day > timezone.localdate():
        raise ValidationError(
            gettext_lazy("The figures are counted up to today: choose today or an earlier day."),
            code="future",
        )
    return day


# --- The weekly report ---------------------------------------------------------------------------


class WeekForm(_ProvinceForm):
    day = JalaliDateField(
        label=gettext_lazy("A day of the week"),
        required=False,
        help_text=gettext_lazy("Any day from Saturday to Friday; by default, last week."),
    )

    def clean_day(self) -> dt.date | None:
        return _not_after_today(self.cleaned_data.get("day"))


@dataclass
class _Week:
    form: WeekForm
    report: WeeklyReport
    several_provinces: bool

    @property
    def query(self) -> str:
        """The chosen week as the downloads read it: they give the page's report."""
        return urlencode(
            {
                "province": self.report.province.code,
                "day": jalali_input_value(self.report.week.start),
            }
        )


def _week(request: AuthenticatedRequest) -> _Week:
    """The province and week asked for; an unreadable or future day falls back to last week,
    with the error left on the form."""
    provinces = _readable_provinces(request.user)
    today = timezone.localdate()
    form = WeekForm(request.GET or None, provinces=provinces)
    day = form.valid_data().get("day")
    week = Period.week_of(day) if day else last_complete_week(today)
    report = weekly_report(province=form.chosen_province(), week=week, today=today)
    return _Week(form=form, report=report, several_provinces=len(provinces) > 1)


@login_required
@require_GET
def weekly(request: AuthenticatedRequest) -> HttpResponse:
    found = _week(request)
    return render(
        request,
        "figures/weekly.html",
        {
            "form": found.form,
            "report": found.report,
            "query": found.query,
            "several_provinces": found.several_provinces,
            "week_tables": week_tables(found.report),
            "year_tables": year_tables(found.report),
        },
    )


@login_required
@require_GET
def weekly_pdf(request: AuthenticatedRequest) -> HttpResponse:
    from tashil.figures.pdf import weekly_pdf as render_weekly

    report = _week(request).report
    return pdf_response(render_weekly(report), weekly_filename(report, "pdf"))


@login_required
@require_GET
def weekly_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    report = _week(request).report
    return workbook_response(
        [*week_tables(report), *year_tables(report)], weekly_filename(report, "xlsx")
    )


# --- The press brief -----------------------------------------------------------------------------

LANGUAGE_CHOICES = [("fa", gettext_lazy("Persian")), ("en", gettext_lazy("English"))]


class PressForm(_ProvinceForm):
    on = JalaliDateField(label=gettext_lazy("Figures as of"), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=LANGUAGE_CHOICES, required=False
    )

    def clean_on(self) -> dt.date | None:
        return _not_after_today(self.cleaned_data.get("on"))

    def chosen(self) -> tuple[Province, dt.date, str]:
        data = self.valid_data()
        language = data.get("language") or "fa"
        return (
            self.chosen_province(),
            data.get("on") or timezone.localdate(),
            language if language in LANGUAGES else "fa",
        )


class PressTextForm(forms.Form):
    # Checked by the service (not empty, not too long), whose errors show on the field.
    text = forms.CharField(
        label=gettext_lazy("Text of the brief"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "dir": "auto"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def press(request: AuthenticatedRequest) -> HttpResponse:
    """GET: the brief generated for the chosen province, day and language, in a box to edit.
    POST: save the edited text (the generated one is kept beside it)."""
    provinces = _readable_provinces(request.user)
    data = request.POST if request.method == "POST" else request.GET
    choice = PressForm(data or None, provinces=provinces)
    province, on, language = choice.chosen()
    editable = can_edit_press_brief(request.user, province)
    generated = brief_text(province=province, on=on, language=language)
    text_form = PressTextForm(
        request.POST if request.method == "POST" else None, initial={"text": generated}
    )
    # A day or province that cannot be read saves nothing, rather than under the defaults.
    if request.method == "POST" and not choice.errors and text_form.is_valid():
        try:
            brief = services.press_brief_save(
                actor=request.user,
                province=province,
                on=on,
                text=text_form.cleaned_data["text"],
                language=language,
            )
        except ValidationError as error:
            apply_service_errors(text_form, error)
        else:
            messages.success(request, _("The brief was saved."))
            return redirect("figures:press_brief", pk=brief.pk)
    saved = (
        PressBrief.objects.filter(province=province)
        .select_related("created_by")
        .order_by("-on", "-id")[:50]
    )
    failed = request.method == "POST" and (choice.errors or text_form.errors)
    return render(
        request,
        "figures/press.html",
        {
            "choice": choice,
            "text_form": text_form,
            "province": province,
            "on": on,
            "on_value": jalali_input_value(on),
            "language": language,
            "generated": generated,
            "editable": editable,
            "several_provinces": len(provinces) > 1,
            "saved": saved,
        },
        status=422 if failed else 200,
    )


@login_required
@require_GET
def press_brief(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    provinces = _readable_provinces(request.user)
    brief = get_object_or_404(
        PressBrief.objects.select_related("province", "created_by", "updated_by"),
        pk=pk,
        province__in=provinces,
    )
    return render(
        request,
        "figures/press_brief.html",
        {"brief": brief, "edited": brief.text != brief.generated},
    )


urlpatterns: list[URLPattern] = [
    path("weekly/", weekly, name="weekly"),
    path("weekly.pdf", weekly_pdf, name="weekly_pdf"),
    path("weekly.xlsx", weekly_xlsx, name="weekly_xlsx"),
    path("press/", press, name="press"),
    path("press/<int:pk>/", press_brief, name="press_brief"),
]
