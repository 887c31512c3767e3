"""Holding and closing a session: drafts are written during the meeting; closing needs the
attendance, issues every draft to its agencies (notice, mail, text message) and starts its
objection window, moves the cases discussed on through the case workflow, and locks the minutes
for good. Cancelling drops the drafts and leaves the cases ready. Sending the agenda mails its PDF.

Session 227 of the provincial HQ, held on Wednesday 2025-01-08 (the clock):
- item 1, company A's case, with resolution 227/1 for the tax agency and 227/2 for the tax and
  customs agencies;
- item 2, another case, discussed without a resolution;
- item 3, a third case, postponed;
- item 4, a topic, with resolution 227/3 for the customs agency.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from tashil.cases.models import CaseEvent
from tashil.cases.tests.conftest import S
from tashil.meetings.models import (
    Attendance,
    Meeting,
    MeetingEvent,
    Presence,
    Resolution,
    ResolutionEvent,
)
from tashil.meetings.selectors import proposed_cases
from tashil.meetings.services import (
    AttendanceRow,
    MeetingError,
    ResolutionDraft,
    agenda_add_case,
    agenda_add_resolution,
    agenda_add_topic,
    agenda_move_item,
    agenda_remove,
    agenda_reorder,
    attendance_record,
    item_record,
    meeting_cancel,
    meeting_close,
    meeting_send_agenda,
    meeting_update,
    resolution_delete_draft,
    resolution_draft,
    resolution_edit,
)
from tashil.meetings.tests.conftest import NEXT_WEDNESDAY, TEHRAN
from tashil.meetings.tests.test_lifecycle import snapshot
from tashil.meetings.workflow import MeetingStatus, ResolutionState
from tashil.notifications.models import Notification

pytestmark = pytest.mark.django_db

R = ResolutionState
NOW = dt.datetime(2025, 1, 8, 10, 0, tzinfo=TEHRAN)
PHONES = {"officer": "09120000001", "head": "09120000002", "other_officer": "09120000003"}


@pytest.fixture(autouse=True)
def _frozen(clock: Any, settings: Any) -> Any:
    settings.TASHIL_OBJECTION_DAYS = 15
    settings.TASHIL_OBJECTION_WORKING_DAYS = False
    return clock


@pytest.fixture
def cast(
    secretariat: Any,
    executive: Any,
    officer: Any,
    agency_head: Any,
    other_officer: Any,
    owner: Any,
    county_secretary: Any,
) -> dict[str, Any]:
    for user in (officer, agency_head, other_officer):
        user.phone = PHONES[user.username]
        user.save(update_fields=["phone"])
    return {
        "secretariat": secretariat,
        "executive": executive,
        "officer": officer,
        "head": agency_head,
        "other_officer": other_officer,
        "owner": owner,
        "county_secretary": county_secretary,
    }


class Session:
    def __init__(self, meeting: Meeting, items: list[Any], drafts: list[Resolution]) -> None:
        self.meeting = meeting
        self.items = items
        self.drafts = drafts

    @property
    def resolved_case(self) -> Any:
        return self.items[0].case

    @property
    def discussed_case(self) -> Any:
        return self.items[1].case

    @property
    def postponed_case(self) -> Any:
        return self.items[2].case


@pytest.fixture
def session(
    meetings: Any, cast: Any, secretariat: Any, tax_agency: Any, customs_agency: Any
) -> Session:
    meeting = meetings.plan()
    items = [
        meetings.with_case(meeting),
        meetings.with_case(meeting, title="تأمین نقدینگی در گردش"),
        meetings.with_case(meeting, title="تخصیص زمین در شهرک صنعتی"),
        agenda_add_topic(actor=secretariat, meeting=meeting, title="گزارش دبیرخانه"),
    ]
    drafts = [
        meetings.draft(items[0], agencies=[tax_agency]),
        meetings.draft(
            items[0],
            text="گمرک و مالیات ظرف دو هفته پاسخ دهند",
            agencies=[tax_agency, customs_agency],
        ),
        meetings.draft(items[3], text="گمرک گزارش ترخیص را ارائه کند", agencies=[customs_agency]),
    ]
    item_record(actor=secretariat, item=items[1], notes="بحث شد؛ نیازی به مصوبه نبود")
    item_record(actor=secretariat, item=items[2], notes="فرصت نشد", postponed=True)
    return Session(meeting, items, drafts)


def _close(secretariat: Any, session: Session, capture: Any) -> Meeting:
    with capture(execute=True):
        return meeting_close(actor=secretariat, meeting=session.meeting)


# --- Closing needs the attendance --------------------------------------------------------------


def test_closing_needs_the_attendance(session: Session, secretariat: Any) -> None:
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        meeting_close(actor=secretariat, meeting=session.meeting)

    assert error.value.code == "no_attendance"
    assert snapshot() == before


def test_a_session_where_every_agency_was_absent_cannot_close(
    session: Session, secretariat: Any, tax_agency: Any, customs_agency: Any
) -> None:
    attendance_record(
        actor=secretariat,
        meeting=session.meeting,
        rows=[
            AttendanceRow(agency=tax_agency, presence=Presence.ABSENT),
            AttendanceRow(agency=customs_agency, presence=Presence.ABSENT),
        ],
    )
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        meeting_close(actor=secretariat, meeting=session.meeting)

    assert error.value.code == "no_attendance"
    assert snapshot() == before


def test_a_deputy_counts_as_attendance_and_is_named(
    session: Session, secretariat: Any, tax_agency: Any
) -> None:
    with pytest.raises(MeetingError) as error:
        attendance_record(
            actor=secretariat,
            meeting=session.meeting,
            rows=[AttendanceRow(agency=tax_agency, presence=Presence.REPRESENTED, person=" ")],
        )
    assert error.value.code == "representative_required"

    attendance_record(
        actor=secretariat,
        meeting=session.meeting,
        rows=[
            AttendanceRow(agency=tax_agency, presence=Presence.REPRESENTED, person=" مریم  احمدی ")
        ],
    )
    meeting_close(actor=secretariat, meeting=session.meeting)

    assert Attendance.objects.get(meeting=session.meeting).person == "مریم احمدی"


def test_attendance_is_recorded_only_for_agencies_of_the_province(
    session: Session, secretariat: Any
) -> None:
    from tashil.factories import AgencyFactory, ProvinceFactory

    stranger = AgencyFactory(
        province=ProvinceFactory(code="01", name="تهران"), code="far", name="اداره دوردست"
    )
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        attendance_record(
            actor=secretariat,
            meeting=session.meeting,
            rows=[AttendanceRow(agency=stranger, presence=Presence.PRESENT)],
        )

    assert error.value.code == "other_province"
    assert snapshot() == before


@pytest.mark.parametrize("name", ["county_secretary", "officer", "executive"])
def test_only_the_bodys_secretariat_closes_the_session(
    session: Session, meetings: Any, cast: dict[str, Any], name: str
) -> None:
    meetings.attend(session.meeting)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        meeting_close(actor=cast[name], meeting=session.meeting)

    assert error.value.code == "not_allowed"
    assert snapshot() == before


# --- Closing issues the resolutions ------------------------------------------------------------


@pytest.fixture
def closed(
    session: Session, meetings: Any, secretariat: Any, django_capture_on_commit_callbacks: Any
) -> Session:
    meetings.attend(session.meeting)
    _close(secretariat, session, django_capture_on_commit_callbacks)
    for draft in session.drafts:
        draft.refresh_from_db()
    session.meeting.refresh_from_db()
    return session


def test_closing_locks_the_minutes(closed: Session) -> None:
    meeting = closed.meeting
    assert (meeting.status, meeting.closed_at) == (MeetingStatus.CLOSED, NOW)
    event = MeetingEvent.objects.filter(meeting=meeting).order_by("pk").last()
    assert (event.kind, event.data) == ("closed", {"resolutions": 3})


def test_closing_issues_every_draft_with_its_objection_window(closed: Session) -> None:
    assert [(r.code, r.state, r.notified_at, r.objection_until) for r in closed.drafts] == [
        ("227/1", R.NOTIFIED, NOW, dt.date(2025, 1, 23)),
        ("227/2", R.NOTIFIED, NOW, dt.date(2025, 1, 23)),
        ("227/3", R.NOTIFIED, NOW, dt.date(2025, 1, 23)),
    ]
    for resolution in closed.drafts:
        event = ResolutionEvent.objects.get(resolution=resolution, kind="transition")
        assert (event.from_state, event.to_state, event.data["action"]) == (
            R.DRAFT,
            R.NOTIFIED,
            "issue",
        )
        assert event.data["objection_until"] == "2025-01-23"


def test_resolutions_on_a_case_are_on_the_cases_timeline(closed: Session) -> None:
    on_case = CaseEvent.objects.filter(case=closed.resolved_case, kind="resolution")
    issued = sorted(e.data["code"] for e in on_case if e.data["event"] == "transition")
    assert issued == ["227/1", "227/2"]
    # The topic's resolution belongs to no case.
    assert closed.drafts[2].case_id is None


def test_each_responsible_agencys_officer_and_head_are_told(
    closed: Session, cast: dict[str, Any]
) -> None:
    told = sorted(
        Notification.objects.filter(kind="resolution_notified").values_list(
            "user__username", "subject"
        )
    )
    who = [(user, re.search(r"۲۲۷/[۰-۹]", subject).group()) for user, subject in told]
    assert sorted(who) == [
        ("head", "۲۲۷/۱"),
        ("head", "۲۲۷/۲"),
        ("officer", "۲۲۷/۱"),
        ("officer", "۲۲۷/۲"),
        ("other_officer", "۲۲۷/۲"),
        ("other_officer", "۲۲۷/۳"),
    ]
    assert not Notification.objects.filter(
        kind="resolution_notified", user__in=[cast["owner"], cast["executive"]]
    ).exists()


def test_the_notice_goes_by_mail_and_text_message(
    session: Session,
    meetings: Any,
    secretariat: Any,
    cast: dict[str, Any],
    mailoutbox: Any,
    sms_outbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    meetings.attend(session.meeting)
    mailoutbox.clear()

    _close(secretariat, session, django_capture_on_commit_callbacks)

    notices = [m for m in mailoutbox if "۲۲۷/" in m.subject]
    assert sorted(address for m in notices for address in m.to) == sorted(
        [cast["officer"].email] * 2 + [cast["head"].email] * 2 + [cast["other_officer"].email] * 2
    )
    assert all(len(m.to) == 1 for m in notices)
    first = next(m for m in notices if "۲۲۷/۱" in m.subject)
    assert session.drafts[0].text in first.body
    assert sorted(to for to, _text in sms_outbox) == sorted(
        [PHONES["officer"]] * 2 + [PHONES["head"]] * 2 + [PHONES["other_officer"]] * 2
    )
    assert all("۲۲۷/" in text for _to, text in sms_outbox)


def test_the_cases_discussed_move_on_through_the_case_workflow(closed: Session) -> None:
    resolved, discussed = closed.resolved_case, closed.discussed_case
    resolved.refresh_from_db()
    discussed.refresh_from_db()

    assert resolved.status == S.RESOLUTIONS_ISSUED
    assert discussed.status == S.DISCUSSED
    moves = CaseEvent.objects.filter(case=resolved, kind="transition").order_by("pk")
    assert [(e.from_status, e.to_status) for e in moves][-2:] == [
        (S.ON_AGENDA, S.DISCUSSED),
        (S.DISCUSSED, S.RESOLUTIONS_ISSUED),
    ]


def test_a_postponed_case_stays_ready_for_the_next_session(closed: Session, meetings: Any) -> None:
    case = closed.postponed_case
    case.refresh_from_db()
    assert case.status == S.ON_AGENDA
    postponed = CaseEvent.objects.filter(case=case, kind="agenda").order_by("pk").last()
    assert (postponed.data["action"], postponed.data["number"]) == ("postponed", 227)

    following = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))

    assert list(proposed_cases(meeting=following)) == [case]


def test_a_postponed_item_takes_no_resolution(session: Session, meetings: Any) -> None:
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        meetings.draft(session.items[2])

    assert error.value.code == "postponed"
    assert snapshot() == before


def test_an_item_with_resolutions_cannot_be_postponed(session: Session, secretariat: Any) -> None:
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        item_record(actor=secretariat, item=session.items[0], notes="", postponed=True)

    assert error.value.code == "has_resolutions"
    assert snapshot() == before


# --- Drafts during the session -----------------------------------------------------------------


def test_drafts_are_numbered_in_the_minutes_without_gaps(
    session: Session, secretariat: Any
) -> None:
    resolution_delete_draft(actor=secretariat, resolution=session.drafts[0])

    numbers = list(session.meeting.resolutions.order_by("number").values_list("number", "text"))
    assert [n for n, _text in numbers] == [1, 2]
    assert numbers[0][1] == session.drafts[1].text


def test_a_draft_is_edited_with_its_agencies(
    session: Session, secretariat: Any, customs_agency: Any
) -> None:
    resolution_edit(
        actor=secretariat,
        resolution=session.drafts[0],
        draft=ResolutionDraft(
            text=" گمرک ظرف ده روز ترخیص کند ",
            agencies=[customs_agency, customs_agency],
            deadline=dt.date(2025, 2, 1),
        ),
    )

    draft = Resolution.objects.get(pk=session.drafts[0].pk)
    assert (draft.text, draft.deadline, list(draft.agencies.all())) == (
        "گمرک ظرف ده روز ترخیص کند",
        dt.date(2025, 2, 1),
        [customs_agency],
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"text": "  "}, "required"),
        ({"agencies": []}, "required"),
        ({"deadline": NEXT_WEDNESDAY.date()}, "deadline"),
        ({"agencies": "stranger"}, "other_province"),
    ],
    ids=["no-text", "no-agency", "deadline-on-the-day", "agency-of-another-province"],
)
def test_a_draft_needs_text_an_agency_of_the_province_and_a_later_deadline(
    session: Session, secretariat: Any, tax_agency: Any, change: dict[str, Any], code: str
) -> None:
    from tashil.factories import AgencyFactory, ProvinceFactory

    values: dict[str, Any] = {
        "text": "متن مصوبه",
        "agencies": [tax_agency],
        "deadline": dt.date(2025, 2, 1),
        **change,
    }
    if values["agencies"] == "stranger":
        values["agencies"] = [
            AgencyFactory(province=ProvinceFactory(code="01", name="تهران"), code="far", name="دور")
        ]
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        resolution_draft(actor=secretariat, item=session.items[0], draft=ResolutionDraft(**values))

    assert error.value.code == code
    assert snapshot() == before


def test_a_session_is_moved_with_its_notes(session: Session, secretariat: Any) -> None:
    moved = NEXT_WEDNESDAY + dt.timedelta(days=1)

    meeting_update(
        actor=secretariat,
        meeting=session.meeting,
        starts_at=moved,
        place=" فرمانداری ",
        chair="معاون استاندار",
        guests="مدیرعامل شرکت",
        notes=" جلسه با تأخیر آغاز شد ",
    )

    meeting = Meeting.objects.get(pk=session.meeting.pk)
    assert (meeting.starts_at, meeting.place, meeting.chair, meeting.guests, meeting.notes) == (
        moved,
        "فرمانداری",
        "معاون استاندار",
        "مدیرعامل شرکت",
        "جلسه با تأخیر آغاز شد",
    )


def test_a_session_is_not_moved_to_a_naive_date(session: Session, secretariat: Any) -> None:
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        meeting_update(
            actor=secretariat,
            meeting=session.meeting,
            starts_at=dt.datetime(2025, 1, 16, 9),  # noqa: DTZ001
            place="",
            chair="",
        )

    assert error.value.code == "naive"
    assert snapshot() == before


# --- After closing (or cancelling) nothing changes ---------------------------------------------


def _writes(
    ctx: dict[str, Any],
) -> dict[str, Callable[[], Any]]:
    secretariat, meeting, item = ctx["secretariat"], ctx["meeting"], ctx["item"]
    draft = ResolutionDraft(
        text="مصوبه تازه", agencies=[ctx["agency"]], deadline=dt.date(2025, 3, 1)
    )
    return {
        "agenda_add_case": lambda: agenda_add_case(
            actor=secretariat, meeting=meeting, case=ctx["ready_case"]
        ),
        "agenda_add_topic": lambda: agenda_add_topic(
            actor=secretariat, meeting=meeting, title="موضوع تازه"
        ),
        "agenda_add_resolution": lambda: agenda_add_resolution(
            actor=secretariat, meeting=meeting, resolution=ctx["earlier"]
        ),
        "agenda_remove": lambda: agenda_remove(actor=secretariat, item=item),
        "agenda_reorder": lambda: agenda_reorder(
            actor=secretariat, meeting=meeting, item_ids=ctx["item_ids"][::-1]
        ),
        "agenda_move_item": lambda: agenda_move_item(actor=secretariat, item=item, by=1),
        "item_record": lambda: item_record(actor=secretariat, item=item, notes="یادداشت تازه"),
        "attendance_record": lambda: attendance_record(
            actor=secretariat,
            meeting=meeting,
            rows=[AttendanceRow(agency=ctx["agency"], presence=Presence.ABSENT)],
        ),
        "resolution_draft": lambda: resolution_draft(actor=secretariat, item=item, draft=draft),
        "resolution_edit": lambda: resolution_edit(
            actor=secretariat, resolution=ctx["resolution"], draft=draft
        ),
        "resolution_delete_draft": lambda: resolution_delete_draft(
            actor=secretariat, resolution=ctx["resolution"]
        ),
        "meeting_update": lambda: meeting_update(
            actor=secretariat,
            meeting=meeting,
            starts_at=NEXT_WEDNESDAY + dt.timedelta(days=1),
            place="جای دیگر",
            chair="معاون",
            notes="یادداشت",
        ),
        "meeting_cancel": lambda: meeting_cancel(actor=secretariat, meeting=meeting, reason="لغو"),
        "meeting_send_agenda": lambda: meeting_send_agenda(actor=secretariat, meeting=meeting),
        "meeting_close": lambda: meeting_close(actor=secretariat, meeting=meeting),
    }


# The names of the writes, from the table above itself (nothing is called).
WRITES = list(
    _writes(
        dict.fromkeys(
            (
                "secretariat",
                "meeting",
                "item",
                "agency",
                "ready_case",
                "earlier",
                "item_ids",
                "resolution",
            )
        )
    )
)


@pytest.fixture
def finished(
    request: Any,
    resolution_in: Any,
    case_in: Any,
    meetings: Any,
    secretariat: Any,
    tax_agency: Any,
) -> dict[str, Any]:
    """A session that was closed or cancelled, its in-memory copies taken before (as a page
    left open in another tab would hold them), and what each write would need."""
    earlier = resolution_in(R.IN_PROGRESS)  # session 227
    meeting = meetings.plan()  # 228
    item = meetings.with_case(meeting)
    topic = agenda_add_topic(actor=secretariat, meeting=meeting, title="گزارش")
    resolution = meetings.draft(item)
    meetings.attend(meeting)
    if request.param == "closed":
        meeting_close(actor=secretariat, meeting=meeting)
    else:
        meeting_cancel(actor=secretariat, meeting=meeting, reason="استاندار در سفر است")
    return {
        "secretariat": secretariat,
        "meeting": meeting,
        "item": item,
        "item_ids": [item.pk, topic.pk],
        "agency": tax_agency,
        "ready_case": case_in(S.ON_AGENDA, title="پرونده آماده دیگر"),
        "earlier": earlier,
        "resolution": resolution,
    }


@pytest.mark.parametrize("finished", ["closed", "cancelled"], indirect=True)
@pytest.mark.parametrize("write", WRITES)
def test_a_finished_session_refuses_every_change(finished: dict[str, Any], write: str) -> None:
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        _writes(finished)[write]()

    assert error.value.code == "closed"
    assert snapshot() == before


# --- Cancelling ----------------------------------------------------------------------------


def test_cancelling_drops_the_drafts_and_keeps_the_cases_ready(
    session: Session, meetings: Any, secretariat: Any
) -> None:
    meeting_cancel(actor=secretariat, meeting=session.meeting, reason=" استاندار در سفر است ")

    session.meeting.refresh_from_db()
    assert (session.meeting.status, session.meeting.closed_at) == (MeetingStatus.CANCELLED, None)
    assert not Resolution.objects.filter(meeting=session.meeting).exists()
    for item in session.items[:3]:
        item.case.refresh_from_db()
        assert item.case.status == S.ON_AGENDA
    event = MeetingEvent.objects.filter(meeting=session.meeting).order_by("pk").last()
    assert (event.kind, event.data) == ("cancelled", {"reason": "استاندار در سفر است"})

    following = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))
    assert set(proposed_cases(meeting=following)) == {item.case for item in session.items[:3]}


def test_cancelling_needs_a_reason(session: Session, secretariat: Any) -> None:
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        meeting_cancel(actor=secretariat, meeting=session.meeting, reason="  ")

    assert error.value.code == "reason_required"
    assert snapshot() == before


def test_a_resolution_on_a_cancelled_agenda_rolls_to_the_next_session(
    resolution_in: Any, meetings: Any, secretariat: Any
) -> None:
    objected = resolution_in(R.OBJECTED)
    cancelled = meetings.plan()
    assert cancelled.items.get().resolution == objected
    meeting_cancel(actor=secretariat, meeting=cancelled, reason="لغو شد")

    following = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))

    assert [(i.resolution, i.reason) for i in following.items.all()] == [(objected, "objected")]


# --- Sending the agenda ------------------------------------------------------------------------


def test_the_agenda_goes_to_the_members_the_executive_and_the_secretariat_with_its_pdf(
    session: Session,
    secretariat: Any,
    cast: dict[str, Any],
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        count = meeting_send_agenda(actor=secretariat, meeting=session.meeting)

    expected = {"officer", "head", "other_officer", "executive", "secretariat"}
    assert count == len(expected)
    assert (
        set(Notification.objects.filter(kind="agenda").values_list("user__username", flat=True))
        == expected
    )
    assert sorted(address for m in mailoutbox for address in m.to) == sorted(
        cast[name].email for name in expected
    )
    for message in mailoutbox:
        assert "۲۲۷" in message.subject
        ((name, content, mimetype),) = message.attachments
        assert (name, mimetype) == ("agenda-227.pdf", "application/pdf")
        assert content.startswith(b"%PDF")
    session.meeting.refresh_from_db()
    assert session.meeting.agenda_sent_at == NOW
    assert MeetingEvent.objects.filter(meeting=session.meeting, kind="agenda_sent").count() == 1


def test_an_empty_agenda_is_not_sent(meetings: Any, secretariat: Any, mailoutbox: Any) -> None:
    meeting = meetings.plan()
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        meeting_send_agenda(actor=secretariat, meeting=meeting)

    assert error.value.code == "empty"
    assert snapshot() == before
    assert mailoutbox == []
