"""The event tables of the apps, described once: what the audit trail reads, what the guards
protect, and what the database triggers are created on.

Each app keeps its own append-only event table (its history page reads it, with its own
columns); this module maps each one onto the audit trail's common shape: when, who, which object,
what kind of change, and the change itself. A new event table is added here, and then appears in
the trail and is refused edits and deletes by the ORM; its PostgreSQL trigger comes with a
migration (`test_every_event_table_has_its_trigger` fails until it does).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    key: str  # the object kind in the trail's filter and export
    label: Promise
    model_label: str  # "cases.CaseEvent"
    object_field: str  # the column naming the object the event is about
    # The trail's columns read from the event table: the change (a JSON column), and, where the
    # table has them, the state it moved from and to and the reason given.
    payload: str
    from_value: str | None = None
    to_value: str | None = None
    reason: str | None = None
    # Text columns the trail's search also looks in (the object's name or number).
    search: tuple[str, ...] = ()
    # A table about several kinds of object names the kind in this column.
    object_type: str | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


SOURCES: tuple[Source, ...] = (
    Source(
        key="case",
        label=_("case"),
        model_label="cases.CaseEvent",
        object_field="case_id",
        payload="data",
        from_value="from_status",
        to_value="to_status",
        reason="reason",
        search=("case__tracking", "case__title"),
    ),
    Source(
        key="meeting",
        label=_("meeting"),
        model_label="meetings.MeetingEvent",
        object_field="meeting_id",
        payload="data",
        search=("meeting__body__name",),
    ),
    Source(
        key="resolution",
        label=_("resolution"),
        model_label="meetings.ResolutionEvent",
        object_field="resolution_id",
        payload="data",
        from_value="from_state",
        to_value="to_state",
        reason="reason",
        search=("resolution__text",),
    ),
    Source(
        key="company",
        label=_("company"),
        model_label="registry.CompanyEvent",
        object_field="company_id",
        payload="changes",
        search=("company__legal_name", "company__national_id"),
    ),
    Source(
        key="account",
        label=_("user account"),
        model_label="accounts.AccountEvent",
        object_field="user_id",
        payload="data",
        search=("user__username", "user__first_name", "user__last_name"),
    ),
    Source(
        key="investment",
        label=_("exports, visits and shares"),
        model_label="investments.Event",
        object_field="target_id",
        payload="changes",
        object_type="target",
    ),
)

SOURCE_BY_KEY: Mapping[str, Source] = {source.key: source for source in SOURCES}

# Payload keys holding money: the trail is read by administrators, who may not see a company's
# financial details (DOMAIN.md §2); the event keeps the figure, the trail says it changed.
FINANCIAL_KEYS = frozenset(
    {
        "amount",
        "amount_rial",
        "approved_amount",
        "bank_debt",
        "tax_debt",
        "insurance_debt",
        "investment",
        "rate",
    }
)
HIDDEN = "…"


def event_models() -> list[type[models.Model]]:
    return [source.model for source in SOURCES]


def without_amounts(value: Any) -> Any:
    """The payload with every financial figure replaced by `HIDDEN`, at any depth."""
    if isinstance(value, Mapping):
        return {
            key: HIDDEN
            if key in FINANCIAL_KEYS and item not in (None, "")
            else without_amounts(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [without_amounts(item) for item in value]
    return value
