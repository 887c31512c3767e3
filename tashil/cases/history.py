"""How a case's timeline reads: one sentence per CaseEvent, in the reader's language.

The events store codes, status values and ISO dates (`CaseEvent.kind`, `from_status`, `data`),
never display text, so that the same timeline reads in Persian with Jalali dates and Persian
digits, or in English. What a person wrote (a reason, a request, an answer) is kept apart in
`event.note`, under a label saying what it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tashil.cases.models import CaseEvent, Channel
from tashil.cases.services import ESCALATION_WHO, EventKind
from tashil.cases.tracking import format_tracking
from tashil.cases.workflow import CaseStatus
from tashil.core.jalali import format_stored_date, is_persian_ui
from tashil.core.templatetags.persian import digits

# What the free text of an event is, by kind (transitions: a reason, or the company's answer).
NOTE_LABELS: dict[str, Any] = {
    EventKind.REFERRED: gettext_lazy("Request"),
    EventKind.ANSWERED: gettext_lazy("Answer"),
    EventKind.EXTENDED: gettext_lazy("Reason"),
    EventKind.MERGED_IN: gettext_lazy("Reason"),
    EventKind.TRANSITION: gettext_lazy("Reason"),
}

# A Bootstrap colour per kind, so a long timeline can be scanned for answers and escalations.
TONES: dict[str, str] = {
    EventKind.FILED: "primary",
    EventKind.REFERRED: "info",
    EventKind.ANSWERED: "success",
    EventKind.EXTENDED: "warning",
    EventKind.ESCALATED: "danger",
    EventKind.WITHDRAWN: "secondary",
    EventKind.AGENDA: "info",
    EventKind.RESOLUTION: "primary",
}


def _status(value: str) -> str:
    try:
        return str(CaseStatus(value).label)
    except ValueError:
        return value


def _agency(event: CaseEvent) -> str:
    """The agency's name in the reader's language; the name stored at the time otherwise."""
    if event.referral_id is not None and event.referral is not None:
        return event.referral.agency.display_name
    return str(event.data.get("agency", ""))


def _list(names: Iterable[Any]) -> str:
    return ("، " if is_persian_ui() else ", ").join(str(name) for name in names)


def _transition(event: CaseEvent) -> str:
    data = event.data
    action = data.get("action", "")
    target = _status(event.to_status)
    agencies = data.get("agencies", [])
    if action == "start_screening":
        return _("Screening started.")
    if action == "return_for_info":
        return _("Returned to the company for more information; the deadlines are paused.")
    if action == "provide_info":
        return _(
            "The company sent the information asked for; the case is back in “%(status)s”."
        ) % {"status": target}
    if action == "reject":
        return _("Rejected as outside the HQ's scope.")
    if action == "assign_expert":
        return _("Assigned to the expert %(expert)s for review.") % {"expert": data.get("expert")}
    if action == "reassign_expert":
        return _("Handed over from the expert %(previous)s to %(expert)s.") % {
            "previous": data.get("previous") or "—",
            "expert": data.get("expert"),
        }
    if action == "refer":
        # The names stored here are in the language of whoever referred; each agency's own
        # "referred" event follows and names it in the reader's language.
        return ngettext(
            "Referred to %(count)s agency.", "Referred to %(count)s agencies.", len(agencies)
        ) % {"count": digits(len(agencies))}
    if action == "to_working_group":
        return _("Sent to a specialist working group.")
    if action == "to_agenda":
        return _("Put on the agenda of the HQ meeting.")
    if action == "mark_discussed":
        return _("Discussed at the HQ meeting.")
    if action == "issue_resolutions":
        return _("The meeting issued its resolutions.")
    if action == "resolve":
        return _("Marked resolved; the company is asked to confirm.")
    if action == "mark_unresolved":
        return _("Marked unresolved; the company is asked to confirm.")
    if action == "escalate_national":
        return _("Escalated to the national HQ; the company is asked to confirm.")
    if action == "confirm":
        if data.get("unconfirmed"):
            return _("Closed: the company did not answer within the confirmation window.")
        if data.get("satisfaction"):
            return _("The company confirmed the outcome (satisfaction %(score)s of 5).") % {
                "score": digits(data["satisfaction"])
            }
        return _("The company confirmed the outcome.")
    if action == "reopen":
        return _("The company reopened the case.")
    if action == "merge":
        return _("Merged into case %(tracking)s as a duplicate.") % {
            "tracking": digits(format_tracking(str(data.get("into", ""))))
        }
    return _("Status changed from “%(source)s” to “%(target)s”.") % {
        "source": _status(event.from_status),
        "target": target,
    }


def _agenda(event: CaseEvent) -> str:
    data = event.data
    values = {"number": digits(data.get("number")), "date": format_stored_date(data.get("on"))}
    action = data.get("action")
    if action == "removed":
        return _("Taken off the agenda of session %(number)s.") % values
    if action == "cancelled":
        return _("Session %(number)s was called off; the case waits for the next one.") % values
    if action == "postponed":
        return _("Session %(number)s postponed the case to a later session.") % values
    if data.get("resolution"):
        values["code"] = digits(str(data["resolution"]))
        return (
            _("Resolution %(code)s is back on the agenda of session %(number)s (%(date)s).")
            % values
        )
    return _("Put on the agenda of session %(number)s (%(date)s).") % values


# What happened to a resolution of the case, by the resolution event's kind or move.
RESOLUTION_SENTENCES: dict[str, Any] = {
    "issue": gettext_lazy("Resolution %(code)s was issued to the responsible agencies."),
    "object": gettext_lazy("An agency objected to resolution %(code)s."),
    "start": gettext_lazy("Resolution %(code)s is being carried out."),
    "report_execution": gettext_lazy("An agency reported resolution %(code)s executed."),
    "accept_execution": gettext_lazy(
        "The secretariat accepted the execution of resolution %(code)s."
    ),
    "return_report": gettext_lazy(
        "The secretariat did not accept the reported execution of resolution %(code)s."
    ),
    "mark_not_executed": gettext_lazy("Resolution %(code)s was recorded as not executed."),
    "overrule": gettext_lazy("The HQ upheld resolution %(code)s over the objection."),
    "withdraw": gettext_lazy("Resolution %(code)s was withdrawn."),
    "progress": gettext_lazy("An agency reported progress on resolution %(code)s."),
    "evidence": gettext_lazy("Evidence was added to resolution %(code)s."),
    "on_agenda": gettext_lazy("Resolution %(code)s went onto a meeting's agenda."),
    "reviewed": gettext_lazy("Session %(number)s reviewed resolution %(code)s."),
    "reminded": gettext_lazy("The agencies were reminded of the deadline of resolution %(code)s."),
    "escalated": gettext_lazy("Resolution %(code)s is overdue: escalated to the %(who)s."),
    "national": gettext_lazy("Resolution %(code)s was sent to the national HQ."),
}


def _resolution(event: CaseEvent) -> str:
    data = event.data
    key = data.get("action") if data.get("event") == "transition" else data.get("event")
    found = RESOLUTION_SENTENCES.get(str(key))
    values = {
        "code": digits(str(data.get("code", ""))),
        "number": digits(data.get("number")),
        "who": _(ESCALATION_WHO.get(str(data.get("to")), str(data.get("to")))),
    }
    if found is None:
        return _("Resolution %(code)s changed.") % values
    return str(found) % values


def sentence(event: CaseEvent) -> str:
    """What happened, as one sentence (the actor and the time are shown beside it)."""
    data = event.data
    kind = event.kind
    if kind == EventKind.FILED:
        channel = data.get("channel", "")
        label = Channel(channel).label if channel in Channel.values else channel
        return _("Case filed (%(channel)s).") % {"channel": label}
    if kind == EventKind.TRANSITION:
        return _transition(event)
    if kind == EventKind.REFERRED:
        return _("Referred to %(agency)s: answer due %(date)s (%(days)s working days).") % {
            "agency": _agency(event),
            "date": format_stored_date(data.get("due_on")),
            "days": digits(data.get("days")),
        }
    if kind == EventKind.ANSWERED:
        if data.get("late"):
            return _("%(agency)s answered, after its deadline.") % {"agency": _agency(event)}
        return _("%(agency)s answered.") % {"agency": _agency(event)}
    if kind == EventKind.EXTENDED:
        return _(
            "%(agency)s extended its deadline by %(days)s working days, from %(old)s to %(new)s."
        ) % {
            "agency": _agency(event),
            "days": digits(data.get("days")),
            "old": format_stored_date(data.get("from")),
            "new": format_stored_date(data.get("to")),
        }
    if kind == EventKind.ESCALATED:
        who = ESCALATION_WHO.get(str(data.get("to")), str(data.get("to")))
        return _(
            "The answer of %(agency)s, due %(date)s, is %(late)s working days late: "
            "escalated to the %(who)s (step %(level)s)."
        ) % {
            "agency": _agency(event),
            "date": format_stored_date(data.get("due_on")),
            "late": digits(data.get("late_by")),
            "who": _(who),
            "level": digits(data.get("level")),
        }
    if kind == EventKind.WITHDRAWN:
        return _("The referral to %(agency)s was withdrawn: the case moved on.") % {
            "agency": _agency(event)
        }
    if kind == EventKind.DEADLINES_MOVED:
        return _(
            "The agencies' deadlines moved %(days)s working days for the time the case waited on "
            "the company."
        ) % {"days": digits(data.get("working_days"))}
    if kind == EventKind.ATTACHED:
        return _("Files attached: %(files)s.") % {"files": _list(data.get("files", []))}
    if kind == EventKind.AGENDA:
        return _agenda(event)
    if kind == EventKind.RESOLUTION:
        return _resolution(event)
    if kind == EventKind.MERGED_IN:
        text = _("Case %(tracking)s was merged into this one.") % {
            "tracking": digits(format_tracking(str(data.get("from", ""))))
        }
        if data.get("files"):
            text += " " + _("Its files moved here: %(files)s.") % {"files": _list(data["files"])}
        return text
    return str(EventKind(kind).label) if kind in EventKind.values else kind


def present(events: Iterable[CaseEvent]) -> list[CaseEvent]:
    """The events with `sentence`, `note`, `note_label` and `tone` set for the template."""
    presented = []
    for event in events:
        event.sentence = sentence(event)  # type: ignore[attr-defined]
        event.note = event.reason  # type: ignore[attr-defined]
        event.note_label = str(NOTE_LABELS.get(event.kind, gettext_lazy("Note")))  # type: ignore[attr-defined]
        if event.kind == EventKind.TRANSITION and event.data.get("action") == "provide_info":
            event.note_label = _("Information sent")  # type: ignore[attr-defined]
        event.tone = TONES.get(event.kind, "secondary")  # type: ignore[attr-defined]
        presented.append(event)
    return presented
