"""Tashil's records in GeoReport v2's words: categories are services, cases are requests.

Every function returns plain data (dicts, lists, strings, None) for `render`; field names and
their order are the spec's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tashil.cases.models import Case, CaseEvent, Category, Outcome, Referral, ReferralStatus
from tashil.cases.services import EventKind
from tashil.cases.workflow import FINAL, OUTCOMES, CaseStatus, move

OPEN = "open"
CLOSED = "closed"


def iso(value: dt.datetime | None) -> str | None:
    """W3C/ISO 8601 with the offset, in the HQ's time zone (the spec requires the offset)."""
    if value is None:
        return None
    return timezone.localtime(value, timezone.get_default_timezone()).isoformat(timespec="seconds")


# --- Services ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    """A field of the service definition, posted as `attribute[code]`."""

    code: str
    datatype: str
    required: bool
    description: Promise
    datatype_description: Promise


# The same for every category: what a case needs besides its description.
ATTRIBUTES = (
    Attribute(
        code="company_national_id",
        datatype="string",
        required=True,
        description=gettext_lazy("National ID of the company (11 digits)"),
        datatype_description=gettext_lazy(
            "The company's شناسه ملی, 11 digits; Persian digits, spaces and dashes are accepted. "
            "The company must be in the registry and the API key's owner must be allowed to "
            "file cases for it."
        ),
    ),
    Attribute(
        code="amount_rial",
        datatype="number",
        required=False,
        description=gettext_lazy("Amount involved (rial)"),
        datatype_description=gettext_lazy("A whole number of rials, e.g. 25000000000."),
    ),
    Attribute(
        code="requested_outcome",
        datatype="text",
        required=False,
        description=gettext_lazy("Requested outcome"),
        datatype_description=gettext_lazy("What the company asks the HQ to achieve."),
    ),
)


def _keywords(category: Category) -> str:
    words = [category.name, category.name_en, category.code]
    return ", ".join(dict.fromkeys(word for word in words if word))


def service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.display_name,
        "description": _(
            "Report an obstacle to production in the category “%(name)s”. The agencies a case "
            "is referred to answer within %(days)s working days."
        )
        % {"name": category.display_name, "days": category.response_days},
        # Every category asks for the company's national ID: see service_definition.
        "metadata": True,
        # The tracking number exists as soon as the case is filed.
        "type": "realtime",
        "keywords": _keywords(category),
        "group": _("production obstacles"),
    }


def service_definition(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": str(attribute.datatype_description),
                "order": order,
                "description": str(attribute.description),
                # Only list datatypes have values; none of ours is a list.
                "values": [],
            }
            for order, attribute in enumerate(ATTRIBUTES, start=1)
        ],
    }


def service_notice(category: Category) -> str:
    return _(
        "The secretariat of the Production Facilitation HQ reviews new cases and refers them to "
        "the agencies concerned, which answer within %(days)s working days."
    ) % {"days": category.response_days}


# --- Requests ------------------------------------------------------------------------------------


def status(case: Case) -> str:
    """`closed` once the HQ has reached an outcome (even while the company may still confirm
    or reopen it) or the case has ended; `open` while the HQ is still working on it."""
    return CLOSED if case.status in FINAL or case.status in OUTCOMES else OPEN


def with_request_data(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What `request` reads, fetched in a fixed number of queries however many cases."""
    reasoned = CaseEvent.objects.filter(kind=EventKind.TRANSITION).exclude(reason="")
    return (
        cases.select_related("category", "merged_into")
        .prefetch_related(
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("agency").order_by("created_at", "pk"),
            ),
            Prefetch(
                "events",
                queryset=reasoned.order_by("-created_at", "-pk"),
                to_attr="reasoned_transitions",
            ),
        )
        # A correlated subquery, read for the returned rows only: a join grouped by case would
        # aggregate every event of every case in the window before the limit applies.
        .annotate(
            last_event_at=Subquery(
                CaseEvent.objects.filter(case=OuterRef("pk"))
                .order_by("-created_at")
                .values("created_at")[:1]
            )
        )
    )


def _reason(case: Case) -> str:
    """The reason given for the move into the current status (for a closed case, into its
    outcome), when the workflow requires one: those reasons are written for the company."""
    targets = {case.status}
    if case.status == CaseStatus.CLOSED and case.outcome:
        targets.add(case.outcome)
    for event in getattr(case, "reasoned_transitions", []):
        if event.to_status not in targets:
            continue
        found = move(event.from_status, event.to_status)
        return event.reason if found is not None and found.reason_required else ""
    return ""


def status_notes(case: Case) -> str:
    note = str(CaseStatus(case.status).label)
    if case.status == CaseStatus.CLOSED and case.outcome:
        note = f"{note} ({Outcome(case.outcome).label})"
    if case.status == CaseStatus.MERGED and case.merged_into is not None:
        note = f"{note} {case.merged_into.display_tracking}"
    reason = _reason(case)
    return f"{note}: {reason}" if reason else note


def _open_referrals(case: Case) -> list[Referral]:
    return [r for r in case.referrals.all() if r.status == ReferralStatus.OPEN]


def agency_responsible(case: Case) -> str:
    """The agencies that must answer now; when none must, every agency the case went to."""
    referrals = _open_referrals(case) or list(case.referrals.all())
    return ", ".join(dict.fromkeys(r.agency.display_name for r in referrals))


def expected_datetime(case: Case) -> dt.datetime | None:
    """The end of the last day on which the slowest open referral is still on time."""
    dates = [r.due_on for r in _open_referrals(case)]
    if not dates:
        return None
    return timezone.make_aware(
        dt.datetime.combine(max(dates), dt.time(23, 59, 59)), timezone.get_default_timezone()
    )


def updated_datetime(case: Case) -> dt.datetime:
    last_event: dt.datetime | None = getattr(case, "last_event_at", None)
    return max(case.status_changed_at, last_event) if last_event else case.status_changed_at


def request(case: Case) -> dict[str, Any]:
    """One service request, from a case fetched through `with_request_data`."""
    return {
        "service_request_id": case.tracking,
        "status": status(case),
        "status_notes": status_notes(case),
        "service_name": case.category.display_name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": agency_responsible(case),
        "service_notice": service_notice(case.category),
        "requested_datetime": iso(case.created_at),
        "updated_datetime": iso(updated_datetime(case)),
        "expected_datetime": iso(expected_datetime(case)),
        "address": case.address,
        "address_id": None,
        "zipcode": None,
        # Cases are about companies, not places: no coordinates are kept.
        "lat": None,
        "long": None,
        # Attachments are confidential and served only to signed-in users.
        "media_url": None,
    }


def created(case: Case) -> dict[str, Any]:
    """The answer to POST requests."""
    return {
        "service_request_id": case.tracking,
        "token": str(case.api_token),
        "service_notice": service_notice(case.category),
        "account_id": None,
    }


def token(case: Case) -> dict[str, Any]:
    return {"service_request_id": case.tracking, "token": str(case.api_token)}
