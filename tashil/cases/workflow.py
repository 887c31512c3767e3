"""The obstacle-case workflow (DOMAIN.md §4): its states and the one table of allowed moves.

Every status change goes through `tashil.cases.services.case_transition`, which reads this table.
Forms and the case page offer exactly the moves the table allows the viewer; tests are generated
from it (every allowed pair succeeds for its roles, every other pair fails and changes nothing).

Refinements of the domain sketch, kept here so they live in one place:
- `returned_for_info` goes back to the state the case was returned from (screening, expert review
  or referred), not always to `submitted`: when an agency needs a document from the company, the
  referrals stay open and their deadlines move by the working days the company took.
- The secretariat may refer a straightforward case, or send it to a working group or the agenda,
  straight from screening, without an expert review.
- `resolved`, `unresolved` and `escalated_national` are outcomes. The company confirms (or the
  confirmation window passes) and the case is `closed`; the outcome stays on `Case.outcome`.
  Within the window the company may reopen a resolved case: it goes back to screening.
- `merged` closes a duplicate; the case it was merged into carries on.
- The meetings app drives `on_agenda → discussed → resolutions_issued` when a meeting closes; a
  case discussed without a binding resolution waits in `discussed` for the secretariat to record
  an outcome or put it on a later agenda. When every resolution of a case is executed, the
  secretariat's acceptance of the last one moves it to `resolved`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tashil.core.workflow import Move, make_move


class CaseStatus(models.TextChoices):
    # Filed; waiting in the secretariat's queue of new cases.
    SUBMITTED = "submitted", _("submitted")
    # The secretariat is reading it: in scope? complete? who should handle it?
    SCREENING = "screening", _("screening")
    # Waiting for the company to add information; every deadline of the case is paused.
    RETURNED_FOR_INFO = "returned_for_info", _("returned for information")
    # Out of the HQ's scope; the reason is shown to the company. Final.
    REJECTED = "rejected", _("rejected")
    # An expert of the secretariat reviews it (site visit, recommendation).
    EXPERT_REVIEW = "expert_review", _("expert review")
    # One or more agencies must answer, each by its own deadline.
    REFERRED = "referred", _("referred to agencies")
    # A specialist working group of the HQ takes it up.
    WORKING_GROUP = "working_group", _("working group")
    # Ready for the next HQ meeting.
    ON_AGENDA = "on_agenda", _("on the agenda")
    # The meeting discussed it; resolutions are being drafted.
    DISCUSSED = "discussed", _("discussed at a meeting")
    # The meeting passed resolutions; the secretariat follows them up.
    RESOLUTIONS_ISSUED = "resolutions_issued", _("resolutions issued")
    # Outcome: solved. The company is asked to confirm and may reopen within the window.
    RESOLVED = "resolved", _("resolved")
    # Outcome: the province could not solve it.
    UNRESOLVED = "unresolved", _("unresolved")
    # Outcome: sent to the national HQ.
    ESCALATED_NATIONAL = "escalated_national", _("escalated to the national HQ")
    # Final: confirmed by the company or left unconfirmed past the window.
    # (A closed case is مختومه; a closed company is تعطیل: same English word, hence the context.)
    CLOSED = "closed", pgettext_lazy("case status", "closed")
    # Final: a duplicate folded into another case of the same company.
    MERGED = "merged", _("merged into another case")


S = CaseStatus

# States in which nothing more happens.
FINAL = frozenset({S.REJECTED, S.CLOSED, S.MERGED})
# Outcomes waiting for the company's confirmation.
OUTCOMES = frozenset({S.RESOLVED, S.UNRESOLVED, S.ESCALATED_NATIONAL})
# States the company may be asked for information from; the case returns to the same state.
PAUSABLE = frozenset({S.SCREENING, S.EXPERT_REVIEW, S.REFERRED})
# Open: anything not final and not waiting on a closed outcome.
OPEN = frozenset(set(S) - FINAL - OUTCOMES)


class Actor(models.TextChoices):
    """Who may make a move. `SECRETARIAT` covers the provincial secretariat and, for cases of its
    county, the county secretariat; `SYSTEM` is the periodic job."""

    SECRETARIAT = "secretariat", _("secretariat")
    EXPERT = "expert", _("assigned expert")
    COMPANY = "company", _("company")
    SYSTEM = "system", _("system")


# The moves themselves are the shared `core.workflow.Move`.
_move = make_move


SEC = Actor.SECRETARIAT
EXP = Actor.EXPERT
CO = Actor.COMPANY
SYS = Actor.SYSTEM

_outcomes: dict[str, Move] = {
    S.RESOLVED: _move("resolve", SEC),
    S.UNRESOLVED: _move("mark_unresolved", SEC, reason=True),
    S.ESCALATED_NATIONAL: _move("escalate_national", SEC, reason=True),
}
_close: dict[str, Move] = {S.CLOSED: _move("confirm", CO, SYS)}

# TRANSITIONS[from][to] -> the move. The only place the workflow is written down.
TRANSITIONS: dict[str, dict[str, Move]] = {
    S.SUBMITTED: {
        S.SCREENING: _move("start_screening", SEC),
        S.MERGED: _move("merge", SEC, reason=True),
    },
    S.SCREENING: {
        S.RETURNED_FOR_INFO: _move("return_for_info", SEC, reason=True),
        S.REJECTED: _move("reject", SEC, reason=True),
        S.EXPERT_REVIEW: _move("assign_expert", SEC),
        S.REFERRED: _move("refer", SEC),
        S.WORKING_GROUP: _move("to_working_group", SEC),
        S.ON_AGENDA: _move("to_agenda", SEC),
        S.MERGED: _move("merge", SEC, reason=True),
    },
    S.RETURNED_FOR_INFO: {
        # Back to where it was returned from; the service checks which one that is.
        S.SCREENING: _move("provide_info", CO, SEC),
        S.EXPERT_REVIEW: _move("provide_info", CO, SEC),
        S.REFERRED: _move("provide_info", CO, SEC),
        # The company never answered.
        S.REJECTED: _move("reject", SEC, reason=True),
        S.MERGED: _move("merge", SEC, reason=True),
    },
    S.EXPERT_REVIEW: {
        S.RETURNED_FOR_INFO: _move("return_for_info", SEC, EXP, reason=True),
        S.REFERRED: _move("refer", SEC),
        S.WORKING_GROUP: _move("to_working_group", SEC),
        S.ON_AGENDA: _move("to_agenda", SEC, EXP),
        **_outcomes,
    },
    S.REFERRED: {
        S.RETURNED_FOR_INFO: _move("return_for_info", SEC, reason=True),
        S.ON_AGENDA: _move("to_agenda", SEC),
        S.WORKING_GROUP: _move("to_working_group", SEC),
        **_outcomes,
    },
    S.WORKING_GROUP: {
        S.ON_AGENDA: _move("to_agenda", SEC),
        **_outcomes,
    },
    S.ON_AGENDA: {
        S.DISCUSSED: _move("mark_discussed", SEC),
    },
    S.DISCUSSED: {
        S.RESOLUTIONS_ISSUED: _move("issue_resolutions", SEC),
        # Postponed to the next meeting.
        S.ON_AGENDA: _move("to_agenda", SEC),
        # The meeting decided without a binding resolution (e.g. escalated to the national HQ).
        **_outcomes,
    },
    S.RESOLUTIONS_ISSUED: {**_outcomes},
    S.RESOLVED: {
        **_close,
        S.SCREENING: _move("reopen", CO, reason=True),
    },
    S.UNRESOLVED: {**_close},
    S.ESCALATED_NATIONAL: {**_close},
}


def move(source: str, target: str) -> Move | None:
    return TRANSITIONS.get(source, {}).get(target)


def moves_from(source: str) -> dict[str, Move]:
    return TRANSITIONS.get(source, {})
