"""The printed documents of meetings (DOMAIN.md §5): the minutes (صورتجلسه), the agenda sent to
the members before a session, and a letter to the national HQ.

Each is a Django template under `meetings/pdf/` rendered by WeasyPrint. The documents are
official Persian papers, so they are always rendered in Persian whatever the language of the
request, with Jalali dates and Persian digits. Safety: user text reaches the HTML only through
the templates' autoescaping, and `LocalFetcher` lets WeasyPrint read nothing but the vendored
font files, so a pasted `<img src=http://…>` is printed as text and nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tashil.core.jalali import format_jalali
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

FONTS = {
    "regular": "vendor/vazirmatn/fonts/Vazirmatn-Regular.ttf",
    "bold": "vendor/vazirmatn/fonts/Vazirmatn-Bold.ttf",
}


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


def _render(template: str, context: dict[str, Any]) -> bytes:
    """Called inside `translation.override("fa")`: the labels, the choice names and the digits
    of the dates are Persian whatever the request's language."""
    html = render_to_string(template, {**context, **_page_assets()})
    return HTML(string=html, url_fetcher=LocalFetcher(_static_roots())).write_pdf(
        font_config=FontConfiguration()
    )


def _page_assets() -> dict[str, Any]:
    return {
        "font_urls": {weight: Path(_find(path)).as_uri() for weight, path in FONTS.items()},
        "page_footer": _page_footer(),
    }


def _find(relative: str) -> str:
    found = finders.find(relative)
    if not found:
        raise FileNotFoundError(f"static file {relative} not found (is the vendor folder there?)")
    return str(found[0] if isinstance(found, list) else found)


def _static_roots() -> tuple[Path, ...]:
    """The static folders that hold the fonts: the only place WeasyPrint may read from."""
    roots = set()
    for relative in FONTS.values():
        found = Path(_find(relative)).resolve()
        roots.add(found.parents[len(Path(relative).parts) - 1])
    return tuple(roots)


_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


def _page_footer() -> SafeString:
    """The CSS `content` of the page footer, "صفحه ۱ از ۳": the translated sentence with its
    placeholders replaced by WeasyPrint's page counters in the `persian` counter style. It goes
    inside <style>, where HTML autoescaping would not be undone, so the literal parts are
    escaped as CSS strings here instead."""
    sentence = _("Page %(page)s of %(pages)s")
    parts = []
    for index, piece in enumerate(_PLACEHOLDER.split(sentence)):
        if index % 2:
            parts.append(f"counter({piece}, persian)")
        elif piece:
            parts.append(_css_string(piece))
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece is escaped above


def _css_string(text: str) -> str:
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&\n' or ord(char) < 0x20 else char for char in text
    )
    return f'"{escaped}"'


class LocalFetcher(URLFetcher):
    """Lets WeasyPrint read files under `roots` and nothing else: no http(s), no data: URLs, no
    other local file (`file:///etc/passwd`). A refused URL raises, WeasyPrint logs a warning and
    leaves the resource out."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("file",))
        self.roots = roots

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(url)
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise ResourceRefused(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


class ResourceRefused(ValueError):
    def __init__(self, url: str) -> None:
        super().__init__(f"PDF resource refused: {url[:200]}")
