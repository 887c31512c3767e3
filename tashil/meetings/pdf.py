"""The printed documents of meetings (DOMAIN.md §5): the minutes (صورتجلسه), the agenda sent to
the members before a session, and a letter to the national HQ.

Each is a Django template under `meetings/pdf/` rendered by WeasyPrint through `core.pdf`. The
documents are official Persian papers, so they are always rendered in Persian whatever the
language of the request, with Jalali dates and Persian digits. Safety (autoescaping, and
`LocalFetcher` reading nothing but the vendored fonts) is described in `core.pdf`; its names
stay importable from here, where the meetings' tests look for them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tashil.core.jalali import format_jalali
from tashil.core.pdf import FONTS, LocalFetcher, ResourceRefused  # noqa: F401
from tashil.core.pdf import render_pdf as _render
from tashil.core.pdf import static_roots as _static_roots  # noqa: F401
from tashil.core.text import to_persian_digits
from tashil.geo.models import Province
from tashil.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Presence,
    Resolution,
    ResolutionAgency,
    Weekday,
)
from tashil.meetings.workflow import MeetingStatus

# --- Public ------------------------------------------------------------------------------------


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes of `meeting`: attendance, each agenda item with its notes and resolutions,
    and the signature lines. Marked as a draft until the meeting is closed."""
    meeting = _meeting_with_minutes(meeting.pk)
    by_item: dict[int | None, list[Resolution]] = defaultdict(list)
    for resolution in meeting.resolutions.all():
        by_item[resolution.item_id].append(resolution)
    items = list(meeting.items.all())
    for item in items:
        item.minutes_resolutions = by_item.pop(item.pk, [])  # type: ignore[attr-defined]
    # Resolutions passed outside any agenda item (the model allows it) still belong in the
    # minutes: after the items, never silently dropped.
    loose = [resolution for group in by_item.values() for resolution in group]
    attendance = list(meeting.attendance.all())
    with translation.override("fa"):
        return _render(
            "meetings/pdf/minutes.html",
            {
                "title": _("Minutes of session %(number)s") % {"number": meeting.number},
                "meeting": meeting,
                "when": _when(meeting.starts_at),
                "items": items,
                "loose_resolutions": loose,
                "present": [a for a in attendance if a.presence != Presence.ABSENT],
                "absent": [a for a in attendance if a.presence == Presence.ABSENT],
                "is_draft": meeting.status != MeetingStatus.CLOSED,
            },
        )


def agenda_pdf(meeting: Meeting) -> bytes:
    """The agenda sent to the member agencies before the session."""
    meeting = (
        Meeting.objects.select_related("body")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.select_related(
                    "case__company", "case__category", "resolution__meeting"
                ).prefetch_related(_addressees("resolution__addressees")),
            ),
            "body__members",
        )
        .get(pk=meeting.pk)
    )
    items = list(meeting.items.all())
    with translation.override("fa"):
        # Why a resolution is back (`AgendaItem.reason`), as the members should read it.
        reasons = {
            "objected": _("back because an agency objected to it"),
            "overdue": _("back because its deadline has passed"),
        }
        for item in items:
            item.reason_label = reasons.get(item.reason, "")  # type: ignore[attr-defined]
        return _render(
            "meetings/pdf/agenda.html",
            {
                "title": _("Agenda of session %(number)s") % {"number": meeting.number},
                "meeting": meeting,
                "when": _when(meeting.starts_at),
                "items": items,
                "members": meeting.body.members.all(),
                "is_draft": False,
            },
        )


def national_letter_pdf(*, province: Province, subject: str, letter: str, reference: str) -> bytes:
    """A letter from the province's secretariat to the national HQ, with the text the
    secretariat wrote. `reference` says what it is about (a resolution's code, a case's tracking
    number); it is printed as given."""
    with translation.override("fa"):
        return _render(
            "meetings/pdf/national_letter.html",
            {
                "title": subject,
                "province": province,
                "subject": subject,
                "letter": letter,
                "reference": reference,
                "date": format_jalali(timezone.localdate()),
                "is_draft": False,
            },
        )


# --- Loading -----------------------------------------------------------------------------------


def _addressees(lookup: str) -> Prefetch:
    return Prefetch(
        lookup, queryset=ResolutionAgency.objects.select_related("agency").order_by("agency__name")
    )


def _meeting_with_minutes(pk: int) -> Meeting:
    """The meeting and all its minutes in five queries (the meeting, items, resolutions, their
    agencies, attendance), however many items, resolutions and agencies it has."""
    return (
        Meeting.objects.select_related("body")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.select_related(
                    "case__company", "case__category", "resolution__meeting"
                ),
            ),
            Prefetch(
                "resolutions",
                # `code` reads the meeting's number: joined, not one query per resolution.
                queryset=Resolution.objects.select_related("meeting")
                .order_by("number")
                .prefetch_related(_addressees("addressees")),
            ),
            Prefetch("attendance", queryset=Attendance.objects.select_related("agency")),
        )
        .get(pk=pk)
    )


# --- Rendering ---------------------------------------------------------------------------------


def _when(starts_at: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(starts_at)
    return {
        "weekday": str(Weekday(local.weekday()).label),
        "date": format_jalali(local.date()),
        "date_long": format_jalali(local.date(), style="long"),
        "time": to_persian_digits(local.strftime("%H:%M")),
    }
