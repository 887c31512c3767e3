from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tashil.accounts.models import User
from tashil.audit.events import SOURCES
from tashil.audit.selectors import AuditFilters
from tashil.core.forms import JalaliDateField


class TrailFilterForm(forms.Form):
    """The audit trail's filters, read from the query string; dates are Jalali."""

    date_from = JalaliDateField(label=_("From date"), required=False)
    date_to = JalaliDateField(label=_("Until date"), required=False)
    actor = forms.CharField(
        label=_("By user (username)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    source = forms.ChoiceField(
        label=_("Kind of object"),
        required=False,
        choices=[("", _("all")), *((source.key, source.label) for source in SOURCES)],
    )
    text = forms.CharField(label=_("Search"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data

    def clean_actor(self) -> User | None:
        username = self.cleaned_data["actor"].strip()
        if not username:
            return None
        found = User.objects.filter(username=username).first()
        if found is None:
            raise forms.ValidationError(_("There is no user with this username."))
        return found

    def filters(self) -> AuditFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return AuditFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor=data.get("actor"),
            source=data.get("source") or "",
            text=(data.get("text") or "").strip(),
        )
