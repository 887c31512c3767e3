"""The printed programme of an official visit (سفر استانی): the visitor, the days, and each day's
stops in order with their time, kind, title, place and what they concern.

Rendered by WeasyPrint through `core.pdf`, from `investments/pdf/programme.html`. Like the
meetings' papers it is always Persian, whatever the language of the request: Jalali dates,
Persian digits, Persian labels.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from tashil.core.jalali import format_jalali
from tashil.core.pdf import render_pdf
from tashil.core.text import to_persian_digits
from tashil.investments.models import ItineraryItem, Visit
from tashil.investments.selectors import visit_days
from tashil.meetings.models import Weekday


def programme_pdf(visit: Visit) -> bytes:
    """`visit` as `selectors.visit_get_for_user` returns it: its items prefetched with their
    company, project and meeting, so the document costs no query per stop."""
    with translation.override("fa"):
        days = [
            {
                "weekday": str(Weekday(day.weekday()).label),
                "date": format_jalali(day, style="long"),
                "items": [_stop(item) for item in items],
            }
            for day, items in visit_days(visit)
        ]
        first = format_jalali(visit.starts_on, style="long")
        last = format_jalali(visit.ends_on, style="long")
        dates = first if visit.starts_on == visit.ends_on else f"{first} – {last}"
        return render_pdf(
            "investments/pdf/programme.html",
            {
                "title": _("Programme of the visit"),
                "visit": visit,
                "dates": dates,
                "days": days,
                "stops": to_persian_digits(str(sum(len(day["items"]) for day in days))),
            },
        )


def _stop(item: ItineraryItem) -> dict[str, Any]:
    meeting = None
    if item.meeting is not None:
        meeting = _("%(body)s, session %(number)s") % {
            "body": item.meeting.body.name,
            "number": to_persian_digits(str(item.meeting.number)),
        }
    return {
        "time": to_persian_digits(item.starts_at.strftime("%H:%M")) if item.starts_at else "",
        "kind": item.get_kind_display(),
        "item": item,
        "meeting": meeting,
    }
