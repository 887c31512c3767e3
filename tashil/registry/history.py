"""How a company's event rows read on the history page: a label per kind and one sentence per
change, in the reader's language (the rows store codes and ISO dates, not display text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tashil.core.jalali import format_jalali
from tashil.core.templatetags.persian import digits
from tashil.registry.models import (
    CertificateClass,
    Company,
    CompanyEvent,
    CompanyStatus,
    LicenceKind,
)
from tashil.registry.services import EventKind

LABELS: dict[str, Any] = {
    EventKind.CREATED: gettext_lazy("Registered"),
    EventKind.UPDATED: gettext_lazy("Details changed"),
    EventKind.STATUS_CHANGED: gettext_lazy("Status changed"),
    EventKind.LICENCE_ADDED: gettext_lazy("Licence added"),
    EventKind.LICENCE_REMOVED: gettext_lazy("Licence removed"),
    EventKind.PRODUCT_ADDED: gettext_lazy("Product added"),
    EventKind.PRODUCT_REMOVED: gettext_lazy("Product removed"),
    EventKind.CONTACT_ADDED: gettext_lazy("Contact added"),
    EventKind.CONTACT_REMOVED: gettext_lazy("Contact removed"),
    EventKind.CERTIFICATE_ADDED: gettext_lazy("Knowledge-based certificate added"),
    EventKind.CERTIFICATE_UPDATED: gettext_lazy("Knowledge-based certificate changed"),
    EventKind.CERTIFICATE_REVOKED: gettext_lazy("Knowledge-based certificate revoked"),
}

EXTRA_LABELS: dict[str, Any] = {
    "since": gettext_lazy("since"),
    "note": gettext_lazy("note"),
    "kind": gettext_lazy("kind"),
    "number": gettext_lazy("number"),
    "name": gettext_lazy("name"),
    "hs_code": gettext_lazy("HS code"),
    "class": gettext_lazy("class"),
    "certificate_class": gettext_lazy("class"),
    "issued_on": gettext_lazy("issued on"),
    "expires_on": gettext_lazy("expires on"),
    "revoked_on": gettext_lazy("revoked on"),
    "reason": gettext_lazy("reason"),
    "approved_products": gettext_lazy("approved knowledge-based products"),
}

CHOICES: dict[str, dict[str, Any]] = {
    "status": dict(CompanyStatus.choices),
    "class": dict(CertificateClass.choices),
    "certificate_class": dict(CertificateClass.choices),
    "kind": dict(LicenceKind.choices),
}


def _label(field: str) -> str:
    if field in EXTRA_LABELS:
        return str(EXTRA_LABELS[field])
    try:
        model_field = Company._meta.get_field(field)
    except FieldDoesNotExist:
        return field
    return str(getattr(model_field, "verbose_name", field))


def _value(field: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field in CHOICES:
        return str(CHOICES[field].get(value, value))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_jalali(dt.date.fromisoformat(value))
        except ValueError:
            pass
    return digits(value)


def event_lines(event: CompanyEvent) -> list[str]:
    lines = []
    for field, value in event.changes.items():
        if isinstance(value, list) and len(value) == 2:
            lines.append(
                _("%(field)s: %(old)s → %(new)s")
                % {
                    "field": _label(field),
                    "old": _value(field, value[0]),
                    "new": _value(field, value[1]),
                }
            )
        else:
            lines.append(f"{_label(field)}: {_value(field, value)}")
    return lines


def present(events: Iterable[CompanyEvent]) -> list[CompanyEvent]:
    """The events with `kind_label` and `lines` set for the template."""
    presented = []
    for event in events:
        event.kind_label = str(LABELS.get(event.kind, event.kind))  # type: ignore[attr-defined]
        event.lines = event_lines(event)  # type: ignore[attr-defined]
        presented.append(event)
    return presented
