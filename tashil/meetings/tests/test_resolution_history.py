"""A resolution's timeline reads as sentences in the reader's language: Jalali dates and Persian
digits in Persian, ASCII digits in English, agencies named in the reader's language, and what a
person wrote kept apart under a label saying what it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from tashil.cases.tests.conftest import pdf
from tashil.core.jalali import format_jalali
from tashil.core.text import to_persian_digits
from tashil.meetings import resolution_history
from tashil.meetings.models import Resolution, ResolutionEvent
from tashil.meetings.services import (
    meeting_close,
    resolution_escalate_national,
    resolution_move,
    resolution_report,
    resolutions_follow_up,
)
from tashil.meetings.workflow import ResolutionState

pytestmark = pytest.mark.django_db
R = ResolutionState
DEADLINE = dt.date(2025, 2, 15)


@pytest.fixture(autouse=True)
def _frozen(clock: Any, tax_agency: Any) -> None:
    tax_agency.name_en = "Tax Administration"
    tax_agency.save()


def timeline(resolution: Resolution, language: str) -> list[ResolutionEvent]:
    with translation.override(language):
        events = ResolutionEvent.objects.filter(resolution=resolution).select_related("actor")
        agencies = [a.agency for a in resolution.addressees.select_related("agency")]
        return resolution_history.present(events, agencies=agencies)


def sentences(resolution: Resolution, language: str) -> list[str]:
    return [event.sentence for event in timeline(resolution, language)]


def jalali(day: dt.date, language: str) -> str:
    with translation.override(language):
        return format_jalali(day)


def test_a_drafted_and_issued_resolution_reads_in_english(resolution_in: Any) -> None:
    resolution = resolution_in(R.NOTIFIED)
    lines = sentences(resolution, "en")
    assert lines == [
        "Drafted at the meeting for Tax Administration.",
        "Issued to the responsible agencies: they may object until "
        f"{jalali(dt.date(2025, 1, 23), 'en')}; the deadline is {jalali(DEADLINE, 'en')}.",
    ]
    assert "1403/" in lines[1]


def test_the_persian_timeline_has_jalali_dates_in_persian_digits_and_persian_names(
    resolution_in: Any, tax_agency: Any
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    drafted, issued = sentences(resolution, "fa")
    assert tax_agency.name in drafted
    assert jalali(DEADLINE, "fa") in issued
    assert jalali(dt.date(2025, 1, 23), "fa") in issued
    assert not any(ch.isascii() and ch.isdigit() for ch in issued)


@pytest.mark.parametrize(
    ("state", "expected", "label"),
    [
        (
            R.OBJECTED,
            "The agency objected; the resolution goes back to the next meeting.",
            "Objection",
        ),
        (R.IN_PROGRESS, "The agency accepted the resolution and is carrying it out.", ""),
        (
            R.REPORTED,
            "The agency reported the resolution executed; the secretariat checks.",
            "Report",
        ),
        (R.EXECUTED, "The secretariat accepted the execution: the resolution is executed.", "Note"),
        (R.NOT_EXECUTED, "Recorded as not executed.", "Reason"),
        (
            R.CANCELLED,
            "The meeting accepted the objection and withdrew the resolution.",
            "Decision",
        ),
    ],
)
def test_each_move_of_the_lifecycle_has_its_own_sentence(
    resolution_in: Any, state: str, expected: str, label: str
) -> None:
    resolution = resolution_in(state)
    last = [e for e in timeline(resolution, "en") if e.kind == "transition"][-1]
    assert last.sentence == expected
    if label:
        assert last.note and last.note_label == label


def test_an_overruled_objection_and_a_returned_report_read_as_such(
    resolution_in: Any, secretariat: Any
) -> None:
    objected = resolution_in(R.OBJECTED)
    resolution_move(actor=secretariat, resolution=objected, to=R.IN_PROGRESS, reason="الزامی است")
    assert sentences(objected, "en")[-1] == (
        "The meeting upheld the resolution over the objection; it binds from now."
    )
    reported = resolution_in(R.REPORTED)
    resolution_move(actor=secretariat, resolution=reported, to=R.IN_PROGRESS, reason="رسید نیست")
    last = timeline(reported, "en")[-1]
    assert last.sentence == (
        "The secretariat did not accept the reported execution; the agency carries on."
    )
    assert (last.note, last.note_label) == ("رسید نیست", "What is missing")


def test_progress_and_evidence_name_the_agency_and_the_files(
    resolution_in: Any, officer: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    resolution_report(
        actor=officer, resolution=resolution, text="نیمی پرداخت شد", files=[pdf("رسید.pdf")]
    )
    resolution_move(
        actor=officer,
        resolution=resolution,
        to=R.REPORTED,
        reason="پرداخت شد",
        files=[pdf("سند.pdf")],
    )
    events = timeline(resolution, "en")
    progress = next(e for e in events if e.kind == "progress")
    assert progress.sentence == "Tax Administration reported progress. Files: رسید.pdf."
    assert (progress.note, progress.note_label) == ("نیمی پرداخت شد", "Report")
    evidence = next(e for e in events if e.kind == "evidence")
    assert evidence.sentence == "Evidence attached: سند.pdf."


def test_the_next_agenda_and_the_review_at_the_meeting_are_on_the_timeline(
    resolution_in: Any, meetings: Any, secretariat: Any
) -> None:
    resolution = resolution_in(R.OBJECTED)
    meeting = meetings.plan()  # an objected resolution rolls onto the next agenda by itself
    item = meeting.items.get(resolution=resolution)
    item.notes = "دستگاه توضیح داد"
    item.save()
    meetings.attend(meeting)
    meeting_close(actor=secretariat, meeting=meeting)
    events = timeline(resolution, "en")
    on_agenda = next(e for e in events if e.kind == "on_agenda")
    assert on_agenda.sentence == (
        f"Put on the agenda of session {meeting.number}: an agency objected to it."
    )
    reviewed = next(e for e in events if e.kind == "reviewed")
    assert reviewed.sentence == f"Reviewed at session {meeting.number}."
    # The meeting's discussion stays with those who see the meeting (not the company).
    assert reviewed.note == ""
    persian = [e.sentence for e in timeline(resolution, "fa") if e.kind == "on_agenda"][0]
    assert to_persian_digits(str(meeting.number)) in persian


def test_the_job_starts_reminds_and_escalates_in_sentences(resolution_in: Any) -> None:
    resolution = resolution_in(R.NOTIFIED)
    resolutions_follow_up(today=dt.date(2025, 2, 12))  # the window passed; the deadline is near
    resolutions_follow_up(today=dt.date(2025, 2, 17))  # two working days late
    lines = sentences(resolution, "en")
    assert lines[2] == ("The objection window passed without an objection: the resolution binds.")
    assert lines[3] == (
        f"The agencies were reminded that the deadline, {jalali(DEADLINE, 'en')}, is near."
    )
    assert lines[4] == (
        f"The resolution, due {jalali(DEADLINE, 'en')}, is 2 working days late: "
        "escalated to the agency officer (step 1)."
    )
    persian = sentences(resolution, "fa")[4]
    assert jalali(DEADLINE, "fa") in persian and "۲" in persian and "2" not in persian


def test_the_letter_to_the_national_hq_is_the_events_note(
    resolution_in: Any, secretariat: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    resolution_escalate_national(actor=secretariat, resolution=resolution, letter="متن نامه")
    last = timeline(resolution, "en")[-1]
    assert last.sentence == "Sent to the national HQ with a letter from the secretariat."
    assert (last.note, last.note_label, last.tone) == ("متن نامه", "Letter", "dark")


def test_an_unknown_kind_is_shown_by_its_code_rather_than_failing(resolution_in: Any) -> None:
    resolution = resolution_in(R.NOTIFIED)
    event = ResolutionEvent(resolution=resolution, kind="something_new", data={})
    assert resolution_history.sentence(event) == "something_new"
    odd = ResolutionEvent(
        resolution=resolution, kind="transition", from_state="notified", to_state="executed"
    )
    with translation.override("en"):
        assert resolution_history.sentence(odd) == ("State changed from “notified” to “executed”.")
