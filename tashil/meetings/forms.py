"""Meeting forms: they check the shape of input (a Jalali date, a time, a choice from the list
offered); the services in `tashil.meetings.services` enforce the rules (who manages the body,
whether the minutes are still open, whether a deadline falls after the session)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db import models
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tashil.agencies.models import Agency
from tashil.core.forms import JalaliDateField
from tashil.core.text import to_ascii_digits
from tashil.geo.models import County, Province
from tashil.meetings.models import Attendance, Body, Meeting, Presence, Resolution
from tashil.meetings.services import AttendanceRow, ResolutionDraft
from tashil.meetings.workflow import MeetingKind, MeetingStatus

# --- Fields ------------------------------------------------------------------------------------


class TimeOfDayField(forms.TimeField):
    """A time of day as 9:00 or ۰۹:۳۰, in any digit script."""

    input_formats = ["%H:%M", "%H:%M:%S"]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TimeInput(
                format="%H:%M",
                attrs={
                    "dir": "ltr",
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "placeholder": "09:00",
                    "size": 6,
                },
            ),
        )
        kwargs.setdefault("error_messages", {"invalid": _("Enter a time such as 09:30.")})
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.time | None:
        if isinstance(value, str):
            value = to_ascii_digits(value).strip()
        return super().to_python(value)


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


# --- The list ----------------------------------------------------------------------------------


class MeetingFilterForm(forms.Form):
    """The list's filters, read from the query string. The sessions-held figure links here with
    its definition (figures.links.sessions): a province, a kind of body, a county, closed,
    held within a range of days."""

    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("all"),
    )
    body = forms.ModelChoiceField(
        label=_("Body"), queryset=Body.objects.none(), required=False, empty_label=_("all")
    )
    kind = forms.ChoiceField(
        label=_("Kind of body"), required=False, choices=[("", _("all")), *MeetingKind.choices]
    )
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False, empty_label=_("all")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *MeetingStatus.choices]
    )
    held_from = JalaliDateField(label=_("Held from"), required=False)
    held_to = JalaliDateField(label=_("Held until"), required=False)

    def __init__(
        self, *args: Any, bodies: Any, provinces: Iterable[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        provinces = list(provinces)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["province"].queryset = Province.objects.filter(pk__in=provinces)  # type: ignore[attr-defined]
        self.fields["county"].queryset = County.objects.filter(province_id__in=provinces)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("held_from"), data.get("held_to")
        if start and end and start > end:
            self.add_error("held_to", _("The end of the range is before its start."))
        return data

    def values(self) -> tuple[Body | None, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("body"), data.get("status") or ""

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of `selectors.meeting_list`; none when a filter is wrong (the
        form shows why)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "body": data.get("body"),
            "status": data.get("status") or "",
            "province": data["province"].pk if data.get("province") else None,
            "kind": data.get("kind") or "",
            "county": data["county"].pk if data.get("county") else None,
            "held_from": data.get("held_from"),
            "held_to": data.get("held_to"),
        }


# --- Planning and editing a session ------------------------------------------------------------


class _ScheduleForm(forms.Form):
    date = JalaliDateField(label=_("Date"))
    time = TimeOfDayField(label=_("Time"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    chair = forms.CharField(label=_("Chair"), max_length=200, required=False)

    def starts_at(self) -> dt.datetime:
        return _aware(self.cleaned_data["date"], self.cleaned_data["time"])


class MeetingCreateForm(_ScheduleForm):
    """The body (only those the user manages); the date proposed from its schedule, the place
    and chair from its usual ones. Changing the body asks the server for a new proposal."""

    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none(), empty_label=None)
    field_order = ["body", "date", "time", "place", "chair"]

    def __init__(self, *args: Any, bodies: Sequence[Body], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["body"]
        field.queryset = Body.objects.filter(  # type: ignore[attr-defined]
            pk__in=[body.pk for body in bodies]
        ).order_by("kind", "name", "pk")
        field.widget.attrs.update(
            {
                "hx-get": reverse_lazy("meetings:create"),
                "hx-trigger": "change",
                "hx-target": "#schedule-fields",
                "hx-swap": "outerHTML",
                "hx-include": "this",
            }
        )

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "body": data["body"],
            "starts_at": self.starts_at(),
            "place": data.get("place") or "",
            "chair": data.get("chair") or "",
        }


class MeetingEditForm(_ScheduleForm):
    guests = forms.CharField(
        label=_("Other attendees"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Guests who are not member agencies, e.g. the company's managing director."),
    )
    notes = forms.CharField(
        label=_("General notes"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        local = timezone.localtime(meeting.starts_at)
        return {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "place": meeting.place,
            "chair": meeting.chair,
            "guests": meeting.guests,
            "notes": meeting.notes,
        }

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": self.starts_at(),
            "place": data.get("place") or "",
            "chair": data.get("chair") or "",
            "guests": data.get("guests") or "",
            "notes": data.get("notes") or "",
        }


# --- The agenda and its items ------------------------------------------------------------------


class TopicForm(forms.Form):
    title = forms.CharField(
        label=_("Another topic"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. report of the water company")}),
    )


class ItemForm(forms.Form):
    notes = forms.CharField(
        label=_("Discussion notes"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    postponed = forms.BooleanField(
        label=_("Postponed to a later session"),
        required=False,
        help_text=_("A postponed case stays ready for the next session."),
    )


class AgencyChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def label_from_instance(self, obj: Agency) -> str:
        return obj.display_name


class DraftForm(forms.Form):
    """A resolution being written during the session: its text, the agencies it binds (the
    body's members listed first), its deadline and what is expected."""

    text = forms.CharField(
        label=_("Text of the resolution"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    agencies = AgencyChoices(
        label=_("Responsible agencies"),
        queryset=Agency.objects.none(),
        error_messages={"required": _("Choose at least one responsible agency.")},
    )
    deadline = JalaliDateField(label=_("Deadline"))
    deliverable = forms.CharField(
        label=_("Expected deliverable"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the payment receipt")}),
    )

    def __init__(self, *args: Any, body: Body, member_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member_ids = set(member_ids)
        members_first = models.Case(
            models.When(pk__in=sorted(self.member_ids), then=models.Value(0)),
            default=models.Value(1),
            output_field=models.IntegerField(),
        )
        self.fields["agencies"].queryset = (  # type: ignore[attr-defined]
            Agency.objects.filter(province_id=body.province_id, is_active=True)
            .annotate(member_order=members_first)
            .order_by("member_order", "name", "pk")
        )

    @classmethod
    def initial_for(cls, resolution: Resolution) -> dict[str, Any]:
        return {
            "text": resolution.text,
            "agencies": [row.agency_id for row in resolution.addressees.all()],
            "deadline": resolution.deadline,
            "deliverable": resolution.deliverable,
        }

    def agency_groups(self) -> list[tuple[Any, list[Any]]]:
        """The checkboxes split into the body's members and the other agencies."""
        members: list[Any] = []
        others: list[Any] = []
        for choice in self["agencies"].subwidgets:
            pk = int(str(choice.data["value"]))
            (members if pk in self.member_ids else others).append(choice)
        return [
            (label, group)
            for label, group in ((_("Members of the body"), members), (_("Other agencies"), others))
            if group
        ]

    def draft(self) -> ResolutionDraft:
        data = self.cleaned_data
        return ResolutionDraft(
            text=data["text"],
            agencies=list(data["agencies"]),
            deadline=data["deadline"],
            deliverable=data.get("deliverable") or "",
        )


# --- Attendance --------------------------------------------------------------------------------


class AttendanceForm(forms.Form):
    """One row per agency expected at the session (the body's members, then any other agency
    already recorded), plus one row to add another agency. A row left without a presence keeps
    what was recorded before (nothing, or an earlier answer)."""

    def __init__(
        self,
        *args: Any,
        agencies: Sequence[Agency],
        recorded: dict[int, Attendance],
        others: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._agencies = {agency.pk: agency for agency in agencies}
        self.rows: list[dict[str, Any]] = []
        for agency in agencies:
            pk = agency.pk
            before = recorded.get(pk)
            self.fields[f"presence_{pk}"] = forms.ChoiceField(
                label=agency.display_name,
                choices=Presence.choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=before.presence if before else None,
            )
            self.fields[f"person_{pk}"] = forms.CharField(
                label=_("Name of the person who sat for %(agency)s")
                % {"agency": agency.display_name},
                max_length=200,
                required=False,
                initial=before.person if before else "",
            )
            self.rows.append(
                {
                    "agency": agency,
                    "presence": self[f"presence_{pk}"],
                    "person": self[f"person_{pk}"],
                }
            )
        self.fields["other_agency"] = forms.ModelChoiceField(
            label=_("Another agency"),
            queryset=others,
            required=False,
            empty_label=_("— choose —"),
        )
        self.fields["other_presence"] = forms.ChoiceField(
            label=_("Presence"),
            choices=Presence.choices,
            required=False,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        )
        self.fields["other_person"] = forms.CharField(
            label=_("Name"), max_length=200, required=False
        )

    def _check_row(self, data: dict[str, Any], presence: str, person: str, agency: Any) -> None:
        chosen, name = data.get(presence) or "", (data.get(person) or "").strip()
        if chosen == Presence.REPRESENTED and not name:
            self.add_error(
                person,
                _("Write who represented %(agency)s.")
                % {"agency": agency.display_name if agency else _("the agency")},
            )
        elif name and not chosen:
            self.add_error(presence, _("Choose present, absent or represented."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for pk, agency in self._agencies.items():
            self._check_row(data, f"presence_{pk}", f"person_{pk}", agency)
        other = data.get("other_agency")
        if other is not None and not data.get("other_presence"):
            self.add_error("other_presence", _("Choose present, absent or represented."))
        elif other is None and data.get("other_presence"):
            self.add_error("other_agency", _("Choose the agency."))
        else:
            self._check_row(data, "other_presence", "other_person", other)
        if not self.errors and not self.rows_to_record(data):
            raise forms.ValidationError(
                _("Mark at least one agency present, absent or represented."), code="empty"
            )
        return data

    def rows_to_record(self, data: dict[str, Any] | None = None) -> list[AttendanceRow]:
        data = self.cleaned_data if data is None else data
        rows = [
            AttendanceRow(
                agency=agency,
                presence=data[f"presence_{pk}"],
                person=data.get(f"person_{pk}") or "",
            )
            for pk, agency in self._agencies.items()
            if data.get(f"presence_{pk}")
        ]
        if data.get("other_agency") is not None and data.get("other_presence"):
            rows.append(
                AttendanceRow(
                    agency=data["other_agency"],
                    presence=data["other_presence"],
                    person=data.get("other_person") or "",
                )
            )
        return rows


# --- Closing and cancelling --------------------------------------------------------------------


class CloseForm(forms.Form):
    """Nothing to fill in: the confirmation page is the step. It carries the services'
    refusal (no attendance recorded, a resolution without an agency)."""


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the session is called off"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Its cases and resolutions stay ready for the next session."),
    )
