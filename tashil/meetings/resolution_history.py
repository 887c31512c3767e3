"""How a resolution's timeline reads: one sentence per ResolutionEvent, in the reader's language.

The events store codes, state values, session numbers and ISO dates (`ResolutionEvent.kind`,
`data`), never display text, so the same timeline reads in Persian with Jalali dates and Persian
digits, or in English. What a person wrote (a reason, a report, the letter to the national HQ,
the meeting's notes) is kept apart in `event.note`, under a label saying what it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tashil.agencies.escalation import ESCALATION_WHO
from tashil.core.jalali import format_stored_date, is_persian_ui
from tashil.core.templatetags.persian import digits
from tashil.meetings.models import ResolutionEvent
from tashil.meetings.workflow import ResolutionState

# What the free text of an event is, by kind; transitions by their action.
NOTE_LABELS: dict[str, Any] = {
    "progress": gettext_lazy("Report"),
    "national": gettext_lazy("Letter"),
}
ACTION_NOTE_LABELS: dict[str, Any] = {
    "object": gettext_lazy("Objection"),
    "report_execution": gettext_lazy("Report"),
    "accept_execution": gettext_lazy("Note"),
    "return_report": gettext_lazy("What is missing"),
    "mark_not_executed": gettext_lazy("Reason"),
    "overrule": gettext_lazy("Decision"),
    "withdraw": gettext_lazy("Decision"),
}

# A Bootstrap colour per kind (and per action of a transition), so a long timeline can be
# scanned for objections, executions and escalations.
TONES: dict[str, str] = {
    "drafted": "secondary",
    "progress": "info",
    "evidence": "info",
    "on_agenda": "primary",
    "reviewed": "primary",
    "reminded": "warning",
    "escalated": "danger",
    "national": "dark",
}
ACTION_TONES: dict[str, str] = {
    "issue": "primary",
    "object": "warning",
    "start": "info",
    "report_execution": "info",
    "accept_execution": "success",
    "return_report": "warning",
    "mark_not_executed": "danger",
    "overrule": "primary",
    "withdraw": "secondary",
}

# Why a resolution came back to a meeting (`AgendaItem.reason`, copied into the event).
WHY: dict[str, Any] = {
    "objected": gettext_lazy("an agency objected to it"),
    "overdue": gettext_lazy("its deadline has passed"),
    "review": gettext_lazy("for a review"),
}


def _state(value: str) -> str:
    try:
        return str(ResolutionState(value).label)
    except ValueError:
        return value


def _list(names: Iterable[Any]) -> str:
    return ("، " if is_persian_ui() else ", ").join(str(name) for name in names)


def _transition(event: ResolutionEvent) -> str:
    data = event.data
    action = data.get("action", "")
    if action == "issue":
        return _(
            "Issued to the responsible agencies: they may object until %(until)s; "
            "the deadline is %(deadline)s."
        ) % {
            "until": format_stored_date(data.get("objection_until")),
            "deadline": format_stored_date(data.get("deadline")),
        }
    if action == "object":
        return _("The agency objected; the resolution goes back to the next meeting.")
    if action == "start":
        if data.get("window_passed"):
            return _("The objection window passed without an objection: the resolution binds.")
        return _("The agency accepted the resolution and is carrying it out.")
    if action == "report_execution":
        return _("The agency reported the resolution executed; the secretariat checks.")
    if action == "accept_execution":
        return _("The secretariat accepted the execution: the resolution is executed.")
    if action == "return_report":
        return _("The secretariat did not accept the reported execution; the agency carries on.")
    if action == "mark_not_executed":
        return _("Recorded as not executed.")
    if action == "overrule":
        if data.get("deadline") and data.get("deadline") != data.get("was"):
            return _(
                "The meeting upheld the resolution over the objection; it binds from now, "
                "with the deadline moved to %(date)s for the time the objection took."
            ) % {"date": format_stored_date(data["deadline"])}
        return _("The meeting upheld the resolution over the objection; it binds from now.")
    if action == "withdraw":
        return _("The meeting accepted the objection and withdrew the resolution.")
    return _("State changed from “%(source)s” to “%(target)s”.") % {
        "source": _state(event.from_state),
        "target": _state(event.to_state),
    }


def _files(data: dict[str, Any]) -> str:
    files = data.get("files") or []
    return " " + _("Files: %(files)s.") % {"files": _list(files)} if files else ""


def sentence(event: ResolutionEvent, agencies: dict[str, str] | None = None) -> str:
    """What happened, as one sentence (the actor and the time are shown beside it). `agencies`
    maps the agency names stored in events to their names in the reader's language."""
    names = agencies or {}
    data = event.data
    kind = event.kind
    if kind == "drafted":
        stored = data.get("agencies") or []
        if not stored:
            return _("Drafted at the meeting.")
        return _("Drafted at the meeting for %(agencies)s.") % {
            "agencies": _list(names.get(name, name) for name in stored)
        }
    if kind == "edited":
        return _("The draft was edited at the meeting.")
    if kind == "transition":
        return _transition(event)
    if kind == "progress":
        agency = str(data.get("agency", ""))
        return _("%(agency)s reported progress.") % {"agency": names.get(agency, agency)} + _files(
            data
        )
    if kind == "evidence":
        return _("Evidence attached: %(files)s.") % {"files": _list(data.get("files") or [])}
    if kind == "on_agenda":
        number = digits(data.get("number"))
        why = WHY.get(str(data.get("why", "")))
        if why is None:
            return _("Put on the agenda of session %(number)s.") % {"number": number}
        return _("Put on the agenda of session %(number)s: %(why)s.") % {
            "number": number,
            "why": why,
        }
    if kind == "reviewed":
        return _("Reviewed at session %(number)s.") % {"number": digits(data.get("number"))}
    if kind == "reminded":
        return _("The agencies were reminded that the deadline, %(date)s, is near.") % {
            "date": format_stored_date(data.get("deadline"))
        }
    if kind == "escalated":
        who = ESCALATION_WHO.get(str(data.get("to")), str(data.get("to")))
        return _(
            "The resolution, due %(date)s, is %(late)s working days late: "
            "escalated to the %(who)s (step %(level)s)."
        ) % {
            "date": format_stored_date(data.get("deadline")),
            "late": digits(data.get("late_by")),
            "who": _(who),
            "level": digits(data.get("level")),
        }
    if kind == "national":
        return _("Sent to the national HQ with a letter from the secretariat.")
    return kind


def present(
    events: Iterable[ResolutionEvent], *, agencies: Iterable[Any] = ()
) -> list[ResolutionEvent]:
    """The events with `sentence`, `note`, `note_label` and `tone` set for the template.
    `agencies` (the resolution's agencies) name them in the reader's language."""
    names = {agency.name: agency.display_name for agency in agencies}
    presented = []
    for event in events:
        action = event.data.get("action", "") if event.kind == "transition" else ""
        event.sentence = sentence(event, names)  # type: ignore[attr-defined]
        event.note = event.reason  # type: ignore[attr-defined]
        label = ACTION_NOTE_LABELS.get(action) or NOTE_LABELS.get(event.kind)
        event.note_label = str(label or gettext_lazy("Note"))  # type: ignore[attr-defined]
        event.tone = ACTION_TONES.get(action) or TONES.get(event.kind, "secondary")  # type: ignore[attr-defined]
        presented.append(event)
    return presented
