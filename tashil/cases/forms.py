"""Case forms: they check the shape of input; the services enforce the rules (who may file for
which company, which move is allowed, which agency may answer)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from tashil.accounts.access import provinces_of, scopes_of
from tashil.accounts.roles import Role
from tashil.agencies.models import Agency
from tashil.cases.attachments import check_uploads
from tashil.cases.models import MAX_AMOUNT, Case, Category
from tashil.cases.selectors import (
    CASE_BUCKETS,
    CaseFilters,
    filing_channel_choices,
    filing_companies,
)
from tashil.cases.services import FILING_CHANNELS, ReferralRequest, experts_for
from tashil.cases.workflow import CaseStatus, Move
from tashil.core.forms import LONG_TEXT_LENGTH, DigitsIntegerField, JalaliDateField
from tashil.core.text import to_ascii_digits
from tashil.geo.models import County, Province
from tashil.registry.models import Company

# Bounds that keep a typing slip out of the column (and out of the province's totals).
MAX_JOBS = 1_000_000

# What the file picker offers; the server still reads every file's bytes (attachments.sniff).
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"

# The button of each move of the workflow table, by its action.
MOVE_LABELS: dict[str, Any] = {
    "start_screening": _("Start screening"),
    "return_for_info": _("Return to the company for information"),
    "provide_info": _("Send the information"),
    "reject": _("Reject as out of scope"),
    "assign_expert": _("Assign an expert"),
    "refer": _("Refer to agencies"),
    "to_working_group": _("Send to a working group"),
    "to_agenda": _("Put on the meeting agenda"),
    "mark_discussed": _("Mark discussed at the meeting"),
    "issue_resolutions": _("Record that resolutions were issued"),
    "resolve": _("Mark resolved"),
    "mark_unresolved": _("Mark unresolved"),
    "escalate_national": _("Escalate to the national HQ"),
    "confirm": _("Confirm the outcome"),
    "reopen": _("Reopen: it is not solved"),
    "merge": _("Merge into another case"),
}

# What the text box of a move is for. Where the company reads it, the label says so.
REASON_LABELS: dict[str, Any] = {
    "return_for_info": _("What the company must send (the company reads this)"),
    "provide_info": _("The information asked for"),
    "reject": _("Why it is out of scope (the company reads this)"),
    "mark_unresolved": _("Why it could not be solved (the company reads this)"),
    "escalate_national": _("Why it goes to the national HQ (the company reads this)"),
    "resolve": _("How it was solved (the company reads this)"),
    "reopen": _("What is still not solved"),
    "merge": _("Why it is a duplicate (the company reads this)"),
}

# How a move's button looks: the usual next step, or one that ends or undoes something.
MAIN = frozenset({"start_screening", "assign_expert", "provide_info", "resolve", "confirm"})
DANGER = frozenset({"reject", "mark_unresolved", "escalate_national", "merge", "reopen"})

# Actions whose move carries no text worth asking for.
NO_REASON = frozenset({"confirm"})


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's "Uploading multiple files" recipe), each checked by
    its content, size and count (attachments.check_uploads) before any service runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        files = [super(MultipleFileField, self).clean(item, initial) for item in uploads]
        check_uploads(files)
        return files


class RialField(DigitsIntegerField):
    """An amount in rial in any digit script, with any of the usual thousands separators."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            for separator in (" ", "\u060c", "\u066c", "\u200c", ",", "_"):
                value = value.replace(separator, "")
        return super().to_python(value)


class CompanyField(forms.ModelChoiceField):
    """A company typed as its national ID (any digit script, dashes allowed) or picked from the
    list beside the input."""

    default_error_messages = {
        "invalid_choice": _(
            "You may not file a case for a company with this national ID, or there is none."
        ),
    }

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = to_ascii_digits(value).replace("-", "").replace(" ", "").strip()
        return super().to_python(value)

    def label_from_instance(self, obj: Company) -> str:
        return f"{obj.legal_name} ({obj.national_id})"


class CaseForm(forms.Form):
    """Intake. A representative's company and channel are fixed (hidden fields, still checked:
    posting another company's ID is refused); the secretariat types or picks the company."""

    company = CompanyField(
        label=_("Company (national ID)"),
        queryset=Company.objects.none(),
        to_field_name="national_id",
    )
    channel = forms.ChoiceField(label=_("Channel"))
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), empty_label=_("— choose —")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description of the obstacle"),
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    amount = RialField(
        label=_("Amount involved (rial)"),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
        help_text=_("Optional. Persian or English digits; separators are ignored."),
    )
    requested_outcome = forms.CharField(
        label=_("What outcome do you ask for?"),
        required=False,
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG, PNG, Word or Excel; you may choose several files."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        companies = filing_companies(user)
        company_field = self.fields["company"]
        company_field.queryset = companies  # type: ignore[attr-defined]
        channels = filing_channel_choices(user)
        self.fields["channel"].choices = channels  # type: ignore[attr-defined]
        # A representative of one company: it is fixed, shown as text, still posted and checked.
        self.fixed_company: Company | None = None
        filing_roles = {s.role for s in scopes_of(user) if s.role in FILING_CHANNELS}
        only = list(companies[:2]) if filing_roles == {Role.COMPANY_REP} else []
        if len(only) == 1:
            self.fixed_company = only[0]
            company_field.widget = forms.HiddenInput()
            self.initial["company"] = only[0].national_id
        else:
            company_field.widget = forms.TextInput(
                attrs={"list": "case-companies", "inputmode": "numeric", "dir": "ltr"}
            )
        self.fixed_channel = ""
        if len(channels) == 1:
            self.fixed_channel = channels[0][1]
            self.fields["channel"].widget = forms.HiddenInput()
            self.fields["channel"].initial = channels[0][0]
        hint = {
            "hx-get": reverse_lazy("cases:duplicates_hint"),
            "hx-trigger": "change, keyup changed delay:600ms",
            "hx-target": "#duplicates",
            "hx-include": "[name=company],[name=title]",
        }
        self.fields["title"].widget.attrs.update(hint)
        self.fields["company"].widget.attrs.update(hint)

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "company": data["company"],
            "category": data["category"],
            "title": data["title"],
            "description": data["description"],
            "channel": data["channel"],
            "requested_outcome": data.get("requested_outcome") or "",
            "amount": data.get("amount"),
            "files": data.get("attachments") or [],
        }


# The figures' split of the cases filed in a period (selectors.CASE_BUCKETS), as the filter
# names it.
BUCKET_LABELS: dict[str, Any] = {
    "received": _("received (all but merged duplicates)"),
    "in_progress": _("in progress"),
    "resolved": _("resolved"),
    "not_resolved": _("closed without a resolution"),
}

# The date ranges of the filter, each checked for an end before its start.
DATE_RANGES = ("filed", "results", "referred")


def province_field() -> forms.ModelChoiceField:
    """A province by its code (links name it so), among those the form offers."""
    return forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("all"),
    )


def check_ranges(form: forms.Form, data: dict[str, Any], prefixes: Sequence[str]) -> None:
    """`<prefix>_from` after `<prefix>_to` is an error on the end of the range."""
    for prefix in prefixes:
        start, end = data.get(f"{prefix}_from"), data.get(f"{prefix}_to")
        if start and end and start > end:
            form.add_error(f"{prefix}_to", _("The end of the range is before its start."))


class CaseFilterForm(forms.Form):
    """The case list's filters, read from the query string. The figures link here with the same
    definitions they count (figures.links): a province, a bucket of CASE_BUCKETS and a range of
    days filed, results achieved or referrals sent."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    province = province_field()
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *CaseStatus.choices]
    )
    bucket = forms.ChoiceField(
        label=_("Where it stands"),
        required=False,
        choices=[("", _("all")), *((key, BUCKET_LABELS[key]) for key in CASE_BUCKETS)],
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(
        label=_("Referred to"), queryset=Agency.objects.none(), required=False
    )
    company = forms.CharField(
        label=_("Company (national ID)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    filed_from = JalaliDateField(label=_("Filed from"), required=False)
    filed_to = JalaliDateField(label=_("Filed until"), required=False)
    referred_from = JalaliDateField(label=_("Referred from"), required=False)
    referred_to = JalaliDateField(label=_("Referred until"), required=False)
    results_from = JalaliDateField(label=_("Results achieved from"), required=False)
    results_to = JalaliDateField(label=_("Results achieved until"), required=False)
    open_only = forms.BooleanField(label=_("Open cases only"), required=False)
    overdue = forms.BooleanField(label=_("With an overdue referral"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = provinces_of(user)
        self.fields["province"].queryset = Province.objects.filter(pk__in=provinces)  # type: ignore[attr-defined]
        self.fields["county"].queryset = County.objects.filter(province_id__in=provinces)  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            province_id__in=provinces, is_active=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_ranges(self, data, DATE_RANGES)
        return data

    def clean_company(self) -> int | None:
        key = to_ascii_digits(self.cleaned_data["company"]).replace("-", "").strip()
        if not key:
            return None
        # Any company's ID is looked up (the list is scoped anyway); an unknown one finds nothing.
        found = Company.objects.filter(national_id=key).values_list("pk", flat=True).first()
        return found if found is not None else -1

    def filters(self) -> CaseFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return CaseFilters(
            company=data.get("company"),
            statuses=[data["status"]] if data.get("status") else [],
            province=data["province"].pk if data.get("province") else None,
            category=data["category"].pk if data.get("category") else None,
            county=data["county"].pk if data.get("county") else None,
            agency=data["agency"].pk if data.get("agency") else None,
            bucket=data.get("bucket") or "",
            filed_from=data.get("filed_from"),
            filed_to=data.get("filed_to"),
            results_from=data.get("results_from"),
            results_to=data.get("results_to"),
            referred_from=data.get("referred_from"),
            referred_to=data.get("referred_to"),
            overdue=bool(data.get("overdue")),
            open_only=bool(data.get("open_only")),
            q=(data.get("q") or "").strip(),
        )


class ResultsForm(forms.Form):
    """What the HQ's help achieved for the unit (the secretariat's record on the case). The
    shape of each value is checked here; the rules (a day when there is a result, not in the
    future, not before the case) are `services.case_record_results`'."""

    approved_amount = RialField(
        label=_("Loan or facility approved (rial)"),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
        help_text=_("Persian or English digits; separators are ignored."),
    )
    jobs_preserved = DigitsIntegerField(
        label=_("Jobs preserved"),
        required=False,
        min_value=0,
        max_value=MAX_JOBS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    results_on = JalaliDateField(label=_("Achieved on"), required=False)

    def __init__(self, *args: Any, amount_visible: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "results")
        super().__init__(*args, **kwargs)
        self.amount_visible = amount_visible
        if not amount_visible:
            # A county secretariat records a loan but does not read the one recorded (DOMAIN.md
            # §2): the field starts empty, and left empty it keeps what is there.
            self.fields["approved_amount"].help_text = _(
                "An amount already recorded is not shown to you; left empty, it is kept."
            )

    @classmethod
    def initial_for(cls, case: Case, *, amount_visible: bool) -> dict[str, Any]:
        return {
            "approved_amount": case.approved_amount if amount_visible else None,
            "jobs_preserved": case.jobs_preserved,
            "results_on": case.results_on,
        }

    def service_values(self, *, recorded_amount: int | None) -> dict[str, Any]:
        data = self.cleaned_data
        amount = data.get("approved_amount")
        if amount is None and not self.amount_visible:
            amount = recorded_amount
        return {
            "approved_amount": amount,
            "jobs_preserved": data.get("jobs_preserved"),
            "results_on": data.get("results_on"),
        }


class MoveForm(forms.Form):
    """One move of the workflow table on one case: a text box (required when the table says
    the reason is), plus what the move's service needs (an expert, a score, a case to merge
    into, files). Prefixed by the target status, so a page can hold one per move."""

    reason = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        case: Case,
        target: str,
        move: Move,
        duplicates: Sequence[Case] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", target)
        super().__init__(*args, **kwargs)
        self.case, self.target, self.move = case, target, move
        self.action = move.action
        self.label = MOVE_LABELS.get(move.action, move.action)
        self.tone = (
            "outline-danger"
            if move.action in DANGER
            else "primary"
            if move.action in MAIN
            else "outline-primary"
        )
        reason = self.fields["reason"]
        # The timeline is the company's too: every note on it is one the company reads.
        reason.label = REASON_LABELS.get(
            move.action, _("Note (optional; the company reads it on the timeline)")
        )
        reason.required = move.reason_required or move.action == "provide_info"
        if move.action in NO_REASON:
            del self.fields["reason"]
        if move.action == "assign_expert":
            self.fields["expert"] = forms.ModelChoiceField(
                label=_("Expert"), queryset=experts_for(case), empty_label=_("— choose —")
            )
        if move.action == "confirm":
            self.fields["satisfaction"] = forms.TypedChoiceField(
                label=_("How satisfied are you? (optional)"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "—"), *((n, str(n)) for n in range(5, 0, -1))],
            )
        self._duplicates = {c.tracking: c for c in duplicates}
        if move.action == "merge":
            self.fields["into"] = forms.ChoiceField(
                label=_("Merge into"),
                choices=[(c.tracking, f"{c.display_tracking} · {c.title}") for c in duplicates],
            )
        if move.action == "provide_info":
            self.fields["documents"] = MultipleFileField(label=_("Documents"), required=False)

    def extras(self) -> dict[str, Any]:
        data = self.cleaned_data
        extras: dict[str, Any] = {}
        if "expert" in data:
            extras["expert"] = data["expert"]
        if "satisfaction" in data:
            extras["satisfaction"] = data["satisfaction"]
        if "into" in data:
            extras["into"] = self._duplicates[data["into"]]
        if "documents" in data:
            extras["files"] = data["documents"]
        return extras


class ReferForm(forms.Form):
    """One row per agency of the province: a checkbox, the request to it and its deadline in
    working days (the category's by default). The category's default agency is pre-checked;
    an agency with an open referral on the case cannot be chosen again."""

    def __init__(
        self,
        *args: Any,
        agencies: Sequence[Agency],
        default_days: int,
        checked: set[int],
        busy: set[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[dict[str, Any]] = []
        for agency in agencies:
            pk = agency.pk
            self.fields[f"agency_{pk}"] = forms.BooleanField(
                label=agency.display_name,
                required=False,
                initial=pk in checked and pk not in busy,
                disabled=pk in busy,
            )
            self.fields[f"request_{pk}"] = forms.CharField(
                label=_("What %(agency)s is asked to do") % {"agency": agency.display_name},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"days_{pk}"] = DigitsIntegerField(
                label=_("Working days to answer"),
                required=False,
                min_value=1,
                max_value=120,
                initial=default_days,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "size": 4}),
            )
            self.rows.append(
                {
                    "agency": agency,
                    "busy": pk in busy,
                    "check": self[f"agency_{pk}"],
                    "request": self[f"request_{pk}"],
                    "days": self[f"days_{pk}"],
                }
            )
        self._agencies = {agency.pk: agency for agency in agencies}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [pk for pk in self._agencies if data.get(f"agency_{pk}")]
        if not chosen:
            raise ValidationError(_("Choose at least one agency."), code="no_agency")
        for pk in chosen:
            if not (data.get(f"request_{pk}") or "").strip():
                self.add_error(
                    f"request_{pk}",
                    _("Write what %(agency)s is asked to do.")
                    % {"agency": self._agencies[pk].display_name},
                )
        return data

    def requests(self) -> list[ReferralRequest]:
        data = self.cleaned_data
        return [
            ReferralRequest(
                agency=agency,
                request_text=data[f"request_{pk}"],
                days=data.get(f"days_{pk}"),
            )
            for pk, agency in self._agencies.items()
            if data.get(f"agency_{pk}")
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("The agency's answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    documents = MultipleFileField(label=_("Documents"), required=False)


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why more time is needed"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built here rather than on the class: the limit is a setting and tests change it.
        limit = settings.TASHIL_MAX_EXTENSION_DAYS
        self.fields = {
            "days": DigitsIntegerField(
                label=_("Further working days"),
                min_value=1,
                max_value=limit,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
                help_text=_("At most %(limit)s working days, once per referral.")
                % {"limit": limit},
            ),
            **self.fields,
        }


class AttachForm(forms.Form):
    documents = MultipleFileField(label=_("Files to add"))


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"dir": "ltr", "autocomplete": "off", "placeholder": "K7M4-QX9C"}
        ),
    )
