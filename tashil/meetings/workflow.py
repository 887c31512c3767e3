"""HQ meetings and their resolutions (DOMAIN.md §5): the states and the one table of allowed
moves of each.

A meeting is `planned` while its agenda, attendance, notes and draft resolutions are written;
closing it locks the minutes and issues (ابلاغ) its resolutions. A resolution then follows
`RESOLUTION_TRANSITIONS`. Services in `tashil.meetings.services` are the only writers; the pages
and the API offer exactly the moves the table allows the viewer, and the tests are generated
from it.

Refinements of the domain sketch, kept here so they live in one place:
- A resolution is a `draft` until its meeting closes; drafts are edited or deleted freely.
- The agency may object only until `Resolution.objection_until` (the notification day plus
  `TASHIL_OBJECTION_DAYS`, calendar or working days by `TASHIL_OBJECTION_WORKING_DAYS`); the
  hourly job moves an unobjected resolution to `in_progress` the day after. The agency may also
  accept it at once, or report it executed within the window; one agency's acceptance does not
  close the window for the others (they may still object from `in_progress` or `reported`).
- Upholding an objection adds the days the objection took to the deadline.
- An objected resolution goes on the next agenda of its body by itself; the meeting then
  overrules the objection (`in_progress`) or withdraws the resolution (`cancelled`), usually
  passing a new one.
- The agency reports execution (`reported`); the secretariat accepts it (`executed`) or sends it
  back (`in_progress`). The secretariat may also record execution it verified itself, or that the
  resolution was not executed.
- Overdue is derived: the deadline has passed and the resolution is still with the agency
  (`notified` or `in_progress`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tashil.core.workflow import Move, make_move


class MeetingKind(models.TextChoices):
    # The provincial HQ, chaired by the governor; numbered sessions, weekly in Qazvin.
    PROVINCIAL = "provincial", _("provincial HQ session")
    # A specialist working group (کارگروه تخصصی) of one obstacle category.
    WORKING_GROUP = "working_group", _("specialist working group")
    # A county HQ, chaired by the county governor.
    COUNTY = "county", _("county HQ session")


class MeetingStatus(models.TextChoices):
    # The agenda is being built; during the session attendance, notes and resolutions are added.
    PLANNED = "planned", _("planned")
    # The minutes are locked and the resolutions issued. Final.
    CLOSED = "closed", pgettext_lazy("meeting status", "closed")
    # Called off before it was held; its agenda items roll to the next session. Final.
    CANCELLED = "cancelled", _("cancelled")


# MEETING_TRANSITIONS[from][to] -> the action. Only the secretariat of the body moves a meeting.
MEETING_TRANSITIONS: dict[str, dict[str, str]] = {
    MeetingStatus.PLANNED: {MeetingStatus.CLOSED: "close", MeetingStatus.CANCELLED: "cancel"},
}


class ResolutionState(models.TextChoices):
    # Written during the meeting; not yet binding.
    DRAFT = "draft", _("draft")
    # Issued to the responsible agencies; the objection window runs.
    NOTIFIED = "notified", _("notified")
    # An agency objected within the window; back to the next meeting.
    OBJECTED = "objected", _("objected")
    # Binding and being carried out.
    IN_PROGRESS = "in_progress", _("in progress")
    # The agency reports it done; the secretariat checks.
    REPORTED = "reported", _("execution reported")
    # The secretariat accepted the execution. Final.
    EXECUTED = "executed", _("executed")
    # Not carried out: a failure to act by the agency. Final.
    NOT_EXECUTED = "not_executed", _("not executed")
    # Withdrawn by a later meeting (usually after an objection). Final.
    CANCELLED = "cancelled", _("withdrawn")


R = ResolutionState

# Still with somebody: what Qazvin reports as "in follow-up".
FOLLOW_UP = frozenset({R.NOTIFIED, R.OBJECTED, R.IN_PROGRESS, R.REPORTED})
# The agency has to act; past the deadline these are overdue.
WITH_AGENCY = frozenset({R.NOTIFIED, R.IN_PROGRESS})
# Nothing more happens.
FINAL = frozenset({R.EXECUTED, R.NOT_EXECUTED, R.CANCELLED})
# Issued: counted in the figures (drafts are not resolutions yet).
ISSUED = frozenset(set(R) - {R.DRAFT})


class Actor(models.TextChoices):
    """`SECRETARIAT` is the provincial secretariat (and, for a county HQ's resolutions, that
    county's); `AGENCY` is an officer or the head of one of the responsible agencies;
    `SYSTEM` is the periodic job or the closing of the meeting."""

    SECRETARIAT = "secretariat", _("secretariat")
    AGENCY = "agency", _("responsible agency")
    SYSTEM = "system", _("system")


_move = make_move


SEC = Actor.SECRETARIAT
AG = Actor.AGENCY
SYS = Actor.SYSTEM

# RESOLUTION_TRANSITIONS[from][to] -> the move. The only place the lifecycle is written down.
RESOLUTION_TRANSITIONS: dict[str, dict[str, Move]] = {
    R.DRAFT: {
        # Only by closing the meeting (services.meeting_close).
        R.NOTIFIED: _move("issue", SYS),
    },
    R.NOTIFIED: {
        # Within the objection window only; the service checks the date.
        R.OBJECTED: _move("object", AG, reason=True),
        # The agency accepts at once, or the window passes (the job).
        R.IN_PROGRESS: _move("start", AG, SYS),
        R.REPORTED: _move("report_execution", AG, reason=True),
    },
    R.OBJECTED: {
        R.IN_PROGRESS: _move("overrule", SEC, reason=True),
        R.CANCELLED: _move("withdraw", SEC, reason=True),
    },
    R.IN_PROGRESS: {
        # Another of the responsible agencies may still object within the window, though one
        # of them accepted: the window is each agency's.
        R.OBJECTED: _move("object", AG, reason=True),
        R.REPORTED: _move("report_execution", AG, reason=True),
        R.EXECUTED: _move("accept_execution", SEC),
        R.NOT_EXECUTED: _move("mark_not_executed", SEC, reason=True),
    },
    R.REPORTED: {
        R.OBJECTED: _move("object", AG, reason=True),
        R.EXECUTED: _move("accept_execution", SEC),
        R.IN_PROGRESS: _move("return_report", SEC, reason=True),
        R.NOT_EXECUTED: _move("mark_not_executed", SEC, reason=True),
    },
}


def move(source: str, target: str) -> Move | None:
    return RESOLUTION_TRANSITIONS.get(source, {}).get(target)


def moves_from(source: str) -> dict[str, Move]:
    return RESOLUTION_TRANSITIONS.get(source, {})
