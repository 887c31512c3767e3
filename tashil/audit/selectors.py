"""The audit trail: every app's event rows read as one list, for administrators only.

The event tables are read with one UNION ALL query (the rows of a page, newest first, whatever
tables they come from); the names of the actors and of the objects on that page are then read
with one query per kind of object. A page therefore costs the same number of queries however
many events there are and whichever tables they are in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import (
    BigIntegerField,
    CharField,
    F,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from tashil.accounts.access import is_administrator
from tashil.accounts.models import User
from tashil.audit.events import SOURCE_BY_KEY, SOURCES, Source, without_amounts
from tashil.cases.tracking import format_tracking

# The common columns, in the order every table's part of the union selects them.
COLUMNS = (
    "a_source",
    "a_id",
    "a_created",
    "a_actor",
    "a_kind",
    "a_object",
    "a_object_type",
    "a_from",
    "a_to",
    "a_reason",
    "a_payload",
)
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class AuditFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    actor: User | None = None
    source: str = ""  # a key of SOURCE_BY_KEY; empty for all
    text: str = ""
    # Rows written after this moment are left out: an export pages through the trail by offset,
    # and rows written meanwhile would otherwise shift the pages.
    until: dt.datetime | None = None


@dataclass
class AuditRow:
    source: Source
    id: int
    created_at: dt.datetime
    actor_id: int | None
    kind: str
    object_id: int
    object_type: str
    from_value: str
    to_value: str
    reason: str
    payload: dict[str, Any]
    actor: User | None = None
    object_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def payload_text(self) -> str:
        """The change as JSON, amounts hidden (`events.without_amounts`)."""
        if not self.payload:
            return ""
        return json.dumps(without_amounts(self.payload), ensure_ascii=False, sort_keys=True)

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor is not None else ""


def can_view_trail(user: Any) -> bool:
    return is_administrator(user)


def _text_or_empty(name: str | None) -> Any:
    return F(name) if name else Value("", output_field=CharField())


def _part(source: Source, filters: AuditFilters) -> QuerySet[Any]:
    """One event table's rows in the common columns, filtered."""
    # The tables' own default orderings would put ORDER BY inside the union.
    rows = source.model._default_manager.order_by()
    tz = timezone.get_current_timezone()
    if filters.date_from is not None:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz)
        rows = rows.filter(created_at__gte=start)
    if filters.date_to is not None:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        rows = rows.filter(created_at__lt=end)
    if filters.until is not None:
        rows = rows.filter(created_at__lte=filters.until)
    if filters.actor is not None:
        rows = rows.filter(actor=filters.actor)
    text = filters.text.strip()
    if text:
        # Not the payload: searching it digit by digit would tell an administrator the amounts
        # the trail hides (events.without_amounts).
        found = Q(kind__icontains=text)
        for name in (source.reason, *source.search):
            if name:
                found |= Q(**{f"{name}__icontains": text})
        rows = rows.filter(found)
    # Every column is an annotation, added in COLUMNS' order, so that each part of the union
    # selects the same columns in the same order.
    return rows.annotate(
        a_source=Value(source.key, output_field=CharField()),
        a_id=Cast("pk", BigIntegerField()),
        a_created=F("created_at"),
        a_actor=Cast("actor_id", BigIntegerField()),
        a_kind=Cast("kind", CharField()),
        a_object=Cast(source.object_field, BigIntegerField()),
        a_object_type=Cast(_text_or_empty(source.object_type), CharField()),
        a_from=Cast(_text_or_empty(source.from_value), CharField()),
        a_to=Cast(_text_or_empty(source.to_value), CharField()),
        a_reason=Cast(_text_or_empty(source.reason), TextField()),
        a_payload=F(source.payload),
    ).values_list(*COLUMNS)


def trail(*, user: Any, filters: AuditFilters) -> QuerySet[Any]:
    """Every event the user may read that matches the filters, newest first, as tuples in
    COLUMNS' order: all of them for an administrator, none for anyone else."""
    sources = [SOURCE_BY_KEY[filters.source]] if filters.source else list(SOURCES)
    if not can_view_trail(user):
        sources = sources[:1]
        parts = [_part(sources[0], filters).none()]
    else:
        parts = [_part(source, filters) for source in sources]
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-a_created", "-a_source", "-a_id")


def _rows(raw: list[tuple[Any, ...]]) -> list[AuditRow]:
    rows = []
    for source, pk, created, actor, kind, obj, obj_type, before, after, reason, payload in raw:
        if isinstance(payload, str):
            # A union's JSON column reaches Python as text on some databases.
            payload = json.loads(payload)
        rows.append(
            AuditRow(
                source=SOURCE_BY_KEY[source],
                id=pk,
                created_at=created,
                actor_id=actor,
                kind=kind,
                object_id=obj,
                object_type=obj_type or "",
                from_value=before or "",
                to_value=after or "",
                reason=reason or "",
                payload=payload or {},
            )
        )
    return rows


def _name_objects(rows: list[AuditRow]) -> None:
    """Set each row's actor and object label: one query for the users, one per other kind of
    object on the page."""
    from tashil.cases.models import Case
    from tashil.investments.models import Event as InvestmentEvent
    from tashil.meetings.models import Meeting, Resolution
    from tashil.registry.models import Company

    wanted: dict[str, set[int]] = defaultdict(set)
    users: set[int] = set()
    for row in rows:
        if row.actor_id is not None:
            users.add(row.actor_id)
        if row.source.key == "account":
            users.add(row.object_id)
        else:
            wanted[row.source.key].add(row.object_id)
    people = User.objects.in_bulk(users) if users else {}
    labels: dict[str, dict[int, str]] = {}
    if wanted["case"]:
        labels["case"] = {
            pk: f"{format_tracking(tracking)} · {title}"
            for pk, tracking, title in Case.objects.filter(pk__in=wanted["case"]).values_list(
                "pk", "tracking", "title"
            )
        }
    if wanted["meeting"]:
        found = Meeting.objects.select_related("body").in_bulk(wanted["meeting"])
        labels["meeting"] = {pk: str(meeting) for pk, meeting in found.items()}
    if wanted["resolution"]:
        labels["resolution"] = {
            pk: f"{number}/{position}"
            for pk, number, position in Resolution.objects.filter(
                pk__in=wanted["resolution"]
            ).values_list("pk", "meeting__number", "number")
        }
    if wanted["company"]:
        labels["company"] = {
            pk: f"{name} ({national_id})"
            for pk, name, national_id in Company.objects.filter(
                pk__in=wanted["company"]
            ).values_list("pk", "legal_name", "national_id")
        }
    targets = dict(InvestmentEvent.Target.choices)
    for row in rows:
        row.actor = people.get(row.actor_id) if row.actor_id is not None else None
        if row.source.key == "account":
            person = people.get(row.object_id)
            row.object_label = str(person) if person is not None else f"#{row.object_id}"
        elif row.source.key == "investment":
            row.object_label = f"{targets.get(row.object_type, row.object_type)} #{row.object_id}"
        else:
            # The object may since have gone (a draft resolution's events go with it).
            row.object_label = labels.get(row.source.key, {}).get(
                row.object_id, f"#{row.object_id}"
            )


def trail_page(*, user: Any, filters: AuditFilters, offset: int, limit: int) -> list[AuditRow]:
    rows = _rows(list(trail(user=user, filters=filters)[offset : offset + limit]))
    _name_objects(rows)
    return rows


def trail_all(*, user: Any, filters: AuditFilters) -> Iterator[AuditRow]:
    """Every matching row, for the export: read a chunk at a time, so that memory stays flat
    and the names cost a few queries per chunk rather than per row."""
    filters = replace(filters, until=filters.until or timezone.now())
    offset = 0
    while True:
        chunk = trail_page(user=user, filters=filters, offset=offset, limit=EXPORT_CHUNK)
        yield from chunk
        if len(chunk) < EXPORT_CHUNK:
            return
        offset += EXPORT_CHUNK
