"""The filters every figures page reads: province, Jalali period (a preset or a range), and the
year of the export forecasts. Pages, downloads and the API use `read_filters`, so a link or a
bookmark gives the same numbers on every page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tashil.core.forms import JalaliDateField
from tashil.figures.period import Period, preset_period
from tashil.figures.selectors import dashboard_provinces, default_export_year
from tashil.geo.models import Province

PRESET_CHOICES = [
    ("ytd", _("since the start of the year")),
    ("week", _("this week")),
    ("month", _("this month")),
    ("season", _("this season")),
    ("year", _("the whole year")),
    ("range", _("dates below")),
]

# A dashboard spans at most this many days: the knowledge-based series has a point per month and
# each point is a conditional count, so an unbounded range is an unbounded query.
MAX_PERIOD_DAYS = 3660


class FigureFilterForm(forms.Form):
    province = forms.ChoiceField(label=_("Province"), required=False)
    period = forms.ChoiceField(
        label=_("Period"), choices=PRESET_CHOICES, required=False, initial="ytd"
    )
    on = JalaliDateField(label=_("As of"), required=False)
    start = JalaliDateField(label=_("From"), required=False)
    end = JalaliDateField(label=_("To"), required=False)
    export_year = forms.IntegerField(
        label=_("Export forecast year"), required=False, min_value=1370, max_value=1430
    )

    def __init__(self, *args: Any, provinces: list[Province], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provinces = provinces
        self.fields["province"].choices = [(p.code, p.display_name) for p in provinces]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "range":
            start, end = data.get("start"), data.get("end")
            if not start:
                self.add_error("start", _("Enter the first day of the period."))
            if not end:
                self.add_error("end", _("Enter the last day of the period."))
            if start and end and start > end:
                self.add_error("end", _("The end of the range is before its start."))
            elif start and end and (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", _("A period spans at most ten years."))
        return data


@dataclass
class Filters:
    form: FigureFilterForm
    province: Province
    period: Period
    export_year: int
    # The chosen preset ("range" for explicit dates); the pages name the period with it.
    preset: str


def read_filters(
    data: Any,
    *,
    user: Any,
    today: dt.date | None = None,
    provinces: list[Province] | None = None,
) -> Filters:
    """The province (the first of `provinces` — by default the user's dashboard provinces — when
    none or an unknown one is asked for) and the period (since 1 Farvardin by default; a preset
    ends no later than today, `period.preset_period`). Invalid input falls back to the default
    and leaves the errors on the form for the page to show. Raises Http404 when there is no
    province to read."""
    provinces = dashboard_provinces(user) if provinces is None else provinces
    if not provinces:
        raise Http404
    today = today or timezone.localdate()
    form = FigureFilterForm(data or None, provinces=provinces)
    cleaned = form.cleaned_data if form.is_valid() else {}
    code = cleaned.get("province") or ""
    province = next((p for p in provinces if p.code == code), provinces[0])
    preset = cleaned.get("period") or "ytd"
    if preset == "range":
        period = Period(cleaned["start"], cleaned["end"])
    else:
        period = preset_period(preset, on=cleaned.get("on"), today=today)
    return Filters(
        form=form,
        province=province,
        period=period,
        export_year=cleaned.get("export_year") or default_export_year(period),
        preset=preset,
    )
