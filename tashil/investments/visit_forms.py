"""Forms of the official visits' pages (سفر استانی): the visit and the stops of its programme.

They check the shape of input (a Jalali date, a time in any digit script, a company's national
ID, a choice among the province's projects and meetings); `services.visit_*` and
`services.item_*` enforce the rules (the day within the visit, an opening names its project,
links in the visit's province) and their errors land on these fields by name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tashil.core.forms import JalaliDateField, NationalIdField
from tashil.core.jalali import format_jalali, is_persian_ui, jalali_input_value
from tashil.core.text import to_persian_digits
from tashil.geo.models import Province
from tashil.investments import selectors
from tashil.investments.models import ItineraryItem, ItineraryKind, Project, Visit
from tashil.meetings import selectors as meeting_selectors
from tashil.meetings.forms import TimeOfDayField
from tashil.meetings.models import Meeting, Weekday
from tashil.registry import selectors as registry_selectors
from tashil.registry.models import Company

# Meetings offered for a stop: those within this many days of the visit (an HQ session held
# during the visit, or the one that prepared it), not the province's whole history.
MEETING_WINDOW = dt.timedelta(days=90)


def day_label(day: dt.date) -> str:
    """«دوشنبه ۲۴ آذر ۱۴۰۴»: the weekday and the Jalali date, in the page's language."""
    return f"{Weekday(day.weekday()).label} {format_jalali(day, style='long')}"


# --- The visit -----------------------------------------------------------------------------------


class VisitForm(forms.Form):
    """The visit's own fields. `provinces` is offered as a choice only to a user who records
    visits in more than one province."""

    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    visitor_name = forms.CharField(label=_("Visitor"), max_length=255)
    visitor_title = forms.CharField(
        label=_("Visitor's title"),
        max_length=255,
        help_text=_("e.g. Government spokesperson"),
    )
    starts_on = JalaliDateField(label=_("First day"))
    ends_on = JalaliDateField(
        label=_("Last day"),
        required=False,
        help_text=_("Leave empty for a one-day visit."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, provinces: QuerySet[Province] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if provinces is None or provinces.count() < 2:
            del self.fields["province"]
        else:
            self.fields["province"].queryset = provinces  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, visit: Visit) -> dict[str, Any]:
        return {
            "title": visit.title,
            "visitor_name": visit.visitor_name,
            "visitor_title": visit.visitor_title,
            "starts_on": visit.starts_on,
            "ends_on": visit.ends_on,
            "summary": visit.summary,
        }

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "visitor_name": data["visitor_name"],
            "visitor_title": data["visitor_title"],
            "starts_on": data["starts_on"],
            # A one-day visit ends the day it starts.
            "ends_on": data.get("ends_on") or data["starts_on"],
            "summary": (data.get("summary") or "").strip(),
        }


# --- A stop of the programme ---------------------------------------------------------------------


class VisitDayField(JalaliDateField):
    """One of the visit's days, offered as a select whose values are Jalali dates. It cleans
    any Jalali date: a day outside the visit is the service's to refuse, with its own message."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Select)
        super().__init__(**kwargs)


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — {obj.company.legal_name}"


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(body)s, session %(number)s (%(date)s)") % {
            "body": obj.body.display_name,
            "number": to_persian_digits(str(obj.number)) if is_persian_ui() else obj.number,
            "date": format_jalali(timezone.localtime(obj.starts_at).date()),
        }


class ItemForm(forms.Form):
    """A stop: its day (one of the visit's), time, kind, title and place, and what it concerns:
    a company (by national ID), a project of the province (required for an opening), an HQ
    meeting of the province."""

    day = VisitDayField(label=_("Day"))
    starts_at = TimeOfDayField(label=_("Time"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItineraryKind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    company = NationalIdField(
        label=_("Company (national ID)"),
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Optional. A project's company is filled in from the project."),
    )
    project = ProjectChoiceField(
        label=_("Project or production line"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("none"),
        help_text=_(
            "Required for an opening: saving it sets the project's opening date to this day."
        ),
    )
    meeting = MeetingChoiceField(
        label=_("HQ meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("none"),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, visit: Visit, user: Any, item: ItineraryItem | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.user = user
        self._day_choices(item)
        self.fields["project"].queryset = (  # type: ignore[attr-defined]
            selectors.projects_for_user(user)
            .filter(province_id=visit.province_id)
            .select_related("company")
            .order_by("title", "pk")
        )
        window = (visit.starts_on - MEETING_WINDOW, visit.ends_on + MEETING_WINDOW)
        meetings = meeting_selectors.meetings_for_user(user).filter(
            body__province_id=visit.province_id
        )
        around = meetings.filter(starts_at__date__range=window)
        if item is not None and item.meeting_id:
            around = around | meetings.filter(pk=item.meeting_id)
        around = around.select_related("body").order_by("-starts_at", "-pk")
        self.fields["meeting"].queryset = around  # type: ignore[attr-defined]

    def _day_choices(self, item: ItineraryItem | None) -> None:
        days = []
        day = self.visit.starts_on
        while day <= self.visit.ends_on:
            days.append(day)
            day += dt.timedelta(days=1)
        # The day an item already has, or the one just posted, stays selectable when it is no
        # longer (or never was) one of the visit's days, so the page shows what was chosen
        # beside the reason it was refused.
        extra: list[dt.date] = []
        if item is not None:
            extra.append(item.day)
        if self.is_bound:
            try:
                posted = self.fields["day"].clean(self.data.get(self.add_prefix("day")))
            except forms.ValidationError:
                posted = None
            if posted is not None:
                extra.append(posted)
        for other in extra:
            if other not in days:
                days.append(other)
        self.fields["day"].widget.choices = [
            (jalali_input_value(day), day_label(day)) for day in sorted(days)
        ]

    @classmethod
    def initial_for(cls, item: ItineraryItem) -> dict[str, Any]:
        return {
            "day": jalali_input_value(item.day),
            "starts_at": item.starts_at,
            "kind": item.kind,
            "title": item.title,
            "place": item.place,
            "company": item.company.national_id if item.company else "",
            "project": item.project_id,
            "meeting": item.meeting_id,
            "note": item.note,
        }

    def clean_company(self) -> Company | None:
        national_id = self.cleaned_data.get("company")
        if not national_id:
            return None
        company = (
            registry_selectors.companies_for_user(self.user)
            .filter(province_id=self.visit.province_id, national_id=national_id)
            .first()
        )
        if company is None:
            raise forms.ValidationError(
                _("No company with this national ID is registered in the visit's province.")
            )
        return company

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        company, project = data.get("company"), data.get("project")
        if (
            company is not None
            and project is not None
            and project.company_id != company.pk
            and "company" not in self.changed_data
        ):
            # Another project was chosen and the company left as it was: it follows the
            # project, rather than being refused as "the project belongs to another company".
            company = project.company
        return {
            "day": data["day"],
            "starts_at": data.get("starts_at"),
            "kind": data["kind"],
            "title": data["title"],
            "place": data.get("place") or "",
            "note": data.get("note") or "",
            "company": company,
            "project": project,
            "meeting": data.get("meeting"),
        }
