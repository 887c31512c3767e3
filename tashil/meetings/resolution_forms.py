"""Forms of the resolution pages: they check the shape of input; the services enforce the rules
(who may move a resolution, the objection window, who reports for which agency)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tashil.accounts.access import provinces_of
from tashil.agencies.models import Agency
from tashil.cases.forms import MultipleFileField
from tashil.cases.models import Case
from tashil.cases.tracking import normalise_tracking
from tashil.core.forms import JalaliDateField
from tashil.core.templatetags.persian import digits
from tashil.geo.models import County, Province
from tashil.meetings.models import Body, Meeting
from tashil.meetings.selectors import ResolutionFilters, bodies_for_user, meetings_for_user
from tashil.meetings.workflow import MeetingStatus, Move, ResolutionState
from tashil.registry.forms import ListedModelChoiceField

# The button of each move of `RESOLUTION_TRANSITIONS`, by its action ("issue" is the meeting's
# close, never a button).
MOVE_LABELS: dict[str, Any] = {
    "object": _("Object to the resolution"),
    "start": _("Accept and start carrying it out"),
    "report_execution": _("Report it executed"),
    "accept_execution": _("Accept the execution"),
    "return_report": _("Send the report back"),
    "mark_not_executed": _("Record as not executed"),
    "overrule": _("Uphold over the objection"),
    "withdraw": _("Withdraw the resolution"),
}

# What the text box of a move is for.
REASON_LABELS: dict[str, Any] = {
    "object": _("Why your agency cannot carry it out (the meeting reads this)"),
    "report_execution": _("What was done, and how it can be checked"),
    "accept_execution": _("Note (optional)"),
    "return_report": _("What is still missing (the agency reads this)"),
    "mark_not_executed": _("Why it was not executed"),
    "overrule": _("The meeting's decision on the objection"),
    "withdraw": _("The meeting's decision on the objection"),
}

# How a move's button looks: the usual next step, or one that ends or undoes something.
MAIN = frozenset({"start", "report_execution", "accept_execution"})
DANGER = frozenset({"object", "mark_not_executed", "withdraw", "return_report"})

# Moves whose service takes no text.
NO_REASON = frozenset({"start"})

# The register's session select lists this many of the latest closed sessions (and the one
# chosen): enough for the sessions of the past year or two of every body of a province.
RECENT_MEETINGS = 100

BUCKET_CHOICES = [
    ("", _("all")),
    ("executed", _("executed")),
    ("follow_up", _("in follow-up")),
    ("not_executed", _("not executed")),
]


class MeetingChoiceField(ListedModelChoiceField):
    """A session: any session of `queryset` is accepted (a link from an old meeting's page
    lands filtered on it), but the form `show()`s only the latest in the select. A province
    holds years of sessions; a select of all of them grows with every meeting."""

    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.body.display_name} — {digits(obj.number)}"


class BodyChoiceField(ListedModelChoiceField):
    def label_from_instance(self, obj: Body) -> str:
        return obj.display_name


class AgencyChoiceField(ListedModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return obj.display_name


class ResolutionFilterForm(forms.Form):
    """The register's filters, read from the query string (links from the dashboard, the figures
    by agency and a meeting or a case page land here already filtered)."""

    q = forms.CharField(label=_("Search the text"), required=False, max_length=200)
    agency = AgencyChoiceField(
        label=_("Responsible agency"), queryset=Agency.objects.none(), required=False
    )
    body = BodyChoiceField(label=_("Body"), queryset=Body.objects.none(), required=False)
    meeting = MeetingChoiceField(
        label=_("Session"), queryset=Meeting.objects.none(), required=False
    )
    bucket = forms.ChoiceField(label=_("Follow-up"), required=False, choices=BUCKET_CHOICES)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("all")),
            *((value, label) for value, label in ResolutionState.choices if value != "draft"),
        ],
    )
    case = forms.CharField(
        label=_("Case (tracking number)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    province = ListedModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("all"),
    )
    county = ListedModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False, empty_label=_("all")
    )
    issued_from = JalaliDateField(label=_("Issued from"), required=False)
    issued_to = JalaliDateField(label=_("Issued until"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    national = forms.BooleanField(label=_("Sent to the national HQ"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = provinces_of(user)
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            province_id__in=provinces
        ).order_by("name")
        self.fields["province"].queryset = Province.objects.filter(pk__in=provinces)  # type: ignore[attr-defined]
        self.fields["county"].queryset = County.objects.filter(province_id__in=provinces)  # type: ignore[attr-defined]
        self.fields["body"].queryset = bodies_for_user(user)  # type: ignore[attr-defined]
        closed = meetings_for_user(user).filter(status=MeetingStatus.CLOSED)
        meeting = self.fields["meeting"]
        meeting.queryset = closed  # type: ignore[attr-defined]
        # The select offers the latest sessions and the one chosen, in one query whatever the
        # number of sessions held; an older one is still accepted from the query string.
        recent = closed.order_by("-starts_at", "-pk").values("pk")[:RECENT_MEETINGS]
        shown = Q(pk__in=recent)
        chosen = self._chosen_pk("meeting")
        if chosen is not None:
            shown |= Q(pk=chosen)
        meeting.show(closed.filter(shown).order_by("-starts_at", "-pk"))  # type: ignore[attr-defined]

    def _chosen_pk(self, name: str) -> int | None:
        """The id the bound data gives for a model select, if it is one at all."""
        if not self.is_bound:
            return None
        value = self.data.get(self.add_prefix(name))
        try:
            pk = int(str(value))
        except ValueError:
            return None
        # Outside a bigint the database would refuse the query rather than find nothing.
        return pk if 0 < pk < 2**63 else None

    def clean_case(self) -> int | None:
        text = self.cleaned_data["case"].strip()
        if not text:
            return None
        tracking = normalise_tracking(text)
        # Any case's number is looked up (the register is scoped anyway); an unknown one finds
        # nothing rather than everything.
        found = (
            Case.objects.filter(tracking=tracking).values_list("pk", flat=True).first()
            if tracking
            else None
        )
        return found if found is not None else -1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("issued_from"), data.get("issued_to")
        if start and end and start > end:
            self.add_error("issued_to", _("The end of the range is before its start."))
        return data

    def filters(self) -> ResolutionFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ResolutionFilters(
            agency=data["agency"].pk if data.get("agency") else None,
            meeting=data["meeting"].pk if data.get("meeting") else None,
            body=data["body"].pk if data.get("body") else None,
            state=data.get("state") or "",
            bucket=data.get("bucket") or "",
            overdue=bool(data.get("overdue")),
            national=bool(data.get("national")),
            text=(data.get("q") or "").strip(),
            case=data.get("case"),
            province=data["province"].pk if data.get("province") else None,
            county=data["county"].pk if data.get("county") else None,
            issued_from=data.get("issued_from"),
            issued_to=data.get("issued_to"),
        )


class ResolutionMoveForm(forms.Form):
    """One move of the lifecycle table on one resolution: a text box (required when the table
    says so) and, to report execution, the evidence files. Prefixed by the target state, so the
    page holds one per move."""

    reason = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, target: str, move: Move, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", target)
        super().__init__(*args, **kwargs)
        self.target, self.move, self.action = target, move, move.action
        self.label = MOVE_LABELS.get(move.action, move.action)
        self.tone = (
            "outline-danger"
            if move.action in DANGER
            else "primary"
            if move.action in MAIN
            else "outline-primary"
        )
        reason = self.fields["reason"]
        reason.label = REASON_LABELS.get(move.action, _("Note"))
        reason.required = move.reason_required
        if move.action in NO_REASON:
            del self.fields["reason"]
        if move.action == "report_execution":
            self.fields["documents"] = MultipleFileField(
                label=_("Evidence"),
                required=False,
                help_text=_("PDF, JPEG, PNG, Word or Excel; you may choose several files."),
            )

    def extras(self) -> dict[str, Any]:
        if "documents" in self.cleaned_data:
            return {"files": self.cleaned_data["documents"]}
        return {}


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("What was done so far"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = MultipleFileField(
        label=_("Evidence"),
        required=False,
        help_text=_("PDF, JPEG, PNG, Word or Excel; you may choose several files."),
    )


class NationalForm(forms.Form):
    letter = forms.CharField(
        label=_("Letter to the national HQ"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the province cannot solve, and what it asks of the national HQ."),
    )
