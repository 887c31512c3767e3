"""Building the agenda (DOMAIN.md §5): the cases ready for each body are proposed, longest
waiting first; resolutions objected to or overdue roll onto the next session by themselves;
a case reaches the agenda only through the case workflow, and sits on one open agenda at a
time; the secretariat orders and trims it; sessions are numbered per body and fall on the
body's weekday, never on a holiday.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tashil.cases.models import Case, CaseEvent
from tashil.cases.services import case_move
from tashil.cases.tests.conftest import S
from tashil.cases.workflow import TRANSITIONS, CaseStatus
from tashil.factories import CategoryFactory
from tashil.meetings.models import AgendaItem, AgendaItemKind, Meeting, ResolutionEvent
from tashil.meetings.selectors import (
    cases_to_add,
    proposed_cases,
    proposed_resolutions,
    rolling_resolutions,
)
from tashil.meetings.services import (
    MeetingError,
    agenda_add_case,
    agenda_add_resolution,
    agenda_add_topic,
    agenda_move_item,
    agenda_remove,
    agenda_reorder,
    meeting_cancel,
    meeting_close,
    meeting_create,
    next_session_date,
)
from tashil.meetings.tests.conftest import NEXT_WEDNESDAY, ROUTES, TEHRAN
from tashil.meetings.tests.test_lifecycle import snapshot
from tashil.meetings.workflow import MeetingStatus, ResolutionState

pytestmark = pytest.mark.django_db

R = ResolutionState


@pytest.fixture(autouse=True)
def _frozen(clock: Any) -> Any:
    return clock


def _items(meeting: Meeting) -> list[tuple[int, str]]:
    return list(meeting.items.order_by("position").values_list("position", "title"))


def _positions(meeting: Meeting) -> list[int]:
    return list(meeting.items.order_by("position").values_list("position", flat=True))


# --- Proposed cases ----------------------------------------------------------------------------


def test_the_provinces_ready_cases_are_proposed_longest_waiting_first(
    meetings: Any, case_in: Any, clock: Any, secretariat: Any, other_owner: Any, other_company: Any
) -> None:
    screened_first = case_in(S.SCREENING)
    clock.advance(days=1)
    ready_first = case_in(S.ON_AGENDA, actor=other_owner, company=other_company)
    clock.advance(days=1)
    # Filed before `ready_first` but ready after it: the wait counts from being ready.
    case_move(actor=secretariat, case=screened_first, to=S.ON_AGENDA)
    case_in(S.REFERRED)
    case_in(S.WORKING_GROUP)
    case_in(S.DISCUSSED)
    meeting = meetings.plan()

    assert list(proposed_cases(meeting=meeting)) == [ready_first, screened_first]


def test_a_case_on_another_open_agenda_is_not_proposed(meetings: Any, case_in: Any) -> None:
    first = meetings.plan()
    taken = meetings.with_case(first).case
    free = case_in(S.ON_AGENDA)
    second = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))

    assert list(proposed_cases(meeting=second)) == [free]
    assert list(proposed_cases(meeting=first)) == [free]
    assert taken not in cases_to_add(meeting=second)


def test_a_case_of_a_cancelled_session_is_proposed_again(meetings: Any, secretariat: Any) -> None:
    first = meetings.plan()
    case = meetings.with_case(first).case
    meeting_cancel(actor=secretariat, meeting=first, reason="استاندار در سفر است")
    second = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))

    assert list(proposed_cases(meeting=second)) == [case]


def test_a_county_hq_is_proposed_only_its_countys_ready_cases(
    county_hq: Any, case_in: Any, secretariat: Any, other_owner: Any, other_company: Any
) -> None:
    mine = case_in(S.ON_AGENDA)
    case_in(S.ON_AGENDA, actor=other_owner, company=other_company)
    case_in(S.WORKING_GROUP)
    meeting = meeting_create(actor=secretariat, body=county_hq, starts_at=NEXT_WEDNESDAY)

    assert list(proposed_cases(meeting=meeting)) == [mine]


def test_a_working_group_is_proposed_its_categorys_cases_sent_to_groups_or_the_agenda(
    working_group: Any,
    case_in: Any,
    clock: Any,
    secretariat: Any,
    other_owner: Any,
    other_company: Any,
) -> None:
    other_category = CategoryFactory(code="customs", name="گمرک", name_en="Customs")
    grouped = case_in(S.WORKING_GROUP)
    clock.advance(hours=1)
    elsewhere = case_in(S.WORKING_GROUP, actor=other_owner, company=other_company)
    clock.advance(hours=1)
    ready = case_in(S.ON_AGENDA)
    case_in(S.WORKING_GROUP, category=other_category)
    case_in(S.REFERRED)
    meeting = meeting_create(actor=secretariat, body=working_group, starts_at=NEXT_WEDNESDAY)

    assert list(proposed_cases(meeting=meeting)) == [grouped, elsewhere, ready]


# --- Resolutions that roll by themselves -------------------------------------------------------

LATER = dt.datetime(2025, 2, 19, 9, 0, tzinfo=TEHRAN)  # a Wednesday after every deadline but one


def _drive(resolution_in: Any, resolution: Any, state: str) -> Any:
    for target in ROUTES[state]:
        resolution_in.step(resolution, target)
    return resolution


@pytest.fixture
def follow_up(meetings: Any, resolution_in: Any, secretariat: Any) -> dict[str, Any]:
    """Session 227 passed eight resolutions on one case; each is now in a different state.
    Deadlines: 1 February, except one in progress due at the end of March."""
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    plan = {
        "objected": (R.OBJECTED, dt.date(2025, 3, 30)),
        "overdue_notified": (R.NOTIFIED, dt.date(2025, 2, 5)),
        "overdue_in_progress": (R.IN_PROGRESS, dt.date(2025, 2, 1)),
        "in_progress": (R.IN_PROGRESS, dt.date(2025, 3, 30)),
        "reported": (R.REPORTED, dt.date(2025, 2, 1)),
        "executed": (R.EXECUTED, dt.date(2025, 2, 1)),
        "not_executed": (R.NOT_EXECUTED, dt.date(2025, 2, 1)),
        "withdrawn": (R.CANCELLED, dt.date(2025, 2, 1)),
    }
    drafts = {
        name: meetings.draft(item, text=f"مصوبه {name}", deadline=deadline)
        for name, (_state, deadline) in plan.items()
    }
    meetings.attend(meeting)
    meeting_close(actor=secretariat, meeting=meeting)
    for name, (state, _deadline) in plan.items():
        drafts[name].refresh_from_db()
        _drive(resolution_in, drafts[name], state)
    return drafts


def _rolled(meeting: Meeting) -> list[tuple[int, str]]:
    return list(
        meeting.items.filter(kind=AgendaItemKind.RESOLUTION)
        .order_by("position")
        .values_list("resolution_id", "reason")
    )


def test_objected_and_overdue_resolutions_roll_onto_a_new_session_by_themselves(
    follow_up: dict[str, Any], meetings: Any
) -> None:
    meeting = meetings.plan(starts_at=LATER)

    # The objection first (the meeting must decide whether it binds), then the longest overdue.
    assert _rolled(meeting) == [
        (follow_up["objected"].pk, "objected"),
        (follow_up["overdue_in_progress"].pk, "overdue"),
        (follow_up["overdue_notified"].pk, "overdue"),
    ]
    assert _positions(meeting) == [1, 2, 3]
    event = ResolutionEvent.objects.get(resolution=follow_up["objected"], kind="on_agenda")
    assert (event.actor, event.data["number"], event.data["why"]) == (None, 228, "objected")
    on_case = CaseEvent.objects.filter(case=follow_up["objected"].case, kind="agenda").last()
    assert (on_case.data["action"], on_case.data["number"]) == ("added", 228)


def test_overdue_is_judged_on_the_day_of_the_session(
    follow_up: dict[str, Any], meetings: Any
) -> None:
    # On 3 February only the one due on the 1st is late.
    meeting = meetings.plan(starts_at=dt.datetime(2025, 2, 3, 9, 0, tzinfo=TEHRAN))

    assert _rolled(meeting) == [
        (follow_up["objected"].pk, "objected"),
        (follow_up["overdue_in_progress"].pk, "overdue"),
    ]


def test_a_rolled_resolution_is_not_rolled_onto_a_second_open_session(
    follow_up: dict[str, Any], meetings: Any
) -> None:
    meetings.plan(starts_at=LATER)
    second = meetings.plan(starts_at=LATER + dt.timedelta(days=7))

    assert _rolled(second) == []
    assert proposed_resolutions(meeting=second, today=LATER.date()) == []


def test_a_resolution_still_late_after_its_review_rolls_again_to_the_session_after(
    follow_up: dict[str, Any], meetings: Any, secretariat: Any
) -> None:
    review = meetings.plan(starts_at=LATER)
    meetings.attend(review)
    meeting_close(actor=secretariat, meeting=review)

    after = meetings.plan(starts_at=LATER + dt.timedelta(days=7))

    assert {pk for pk, _why in _rolled(after)} == {
        follow_up["objected"].pk,
        follow_up["overdue_in_progress"].pk,
        follow_up["overdue_notified"].pk,
    }


def test_another_bodys_session_does_not_take_the_hqs_resolutions(
    follow_up: dict[str, Any], county_hq: Any, secretariat: Any
) -> None:
    meeting = meeting_create(actor=secretariat, body=county_hq, starts_at=LATER)

    assert _rolled(meeting) == []
    assert rolling_resolutions(body=county_hq, today=LATER.date()) == []


def test_a_county_hq_does_not_take_a_resolution_of_another_county(
    meetings: Any,
    county_hq: Any,
    case_in: Any,
    secretariat: Any,
    county_secretary: Any,
    other_officer: Any,
    other_owner: Any,
    other_company: Any,
    customs_agency: Any,
) -> None:
    # 227/1 of the provincial HQ, on company B's case in county 2602, for the customs agency.
    held = meetings.plan()
    item = agenda_add_case(
        actor=secretariat,
        meeting=held,
        case=case_in(S.ON_AGENDA, actor=other_owner, company=other_company),
    )
    theirs = meetings.draft(item, agencies=[customs_agency])
    meetings.attend(held)
    meeting_close(actor=secretariat, meeting=held)
    theirs.refresh_from_db()
    assert theirs.county_id == other_company.county_id
    county = meeting_create(actor=county_secretary, body=county_hq, starts_at=NEXT_WEDNESDAY)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        agenda_add_resolution(actor=county_secretary, meeting=county, resolution=theirs)

    assert error.value.code == "other_body"
    assert snapshot() == before


# --- Putting a case on the agenda --------------------------------------------------------------


def _can_reach_agenda(status: str) -> bool:
    return status == S.ON_AGENDA or S.ON_AGENDA in TRANSITIONS.get(status, {})


@pytest.mark.parametrize(
    "status", [pytest.param(s.value, id=s.value) for s in CaseStatus if _can_reach_agenda(s)]
)
def test_a_case_goes_on_the_agenda_through_the_case_workflow(
    meetings: Any, case_in: Any, secretariat: Any, status: str
) -> None:
    case = case_in(status)
    meeting = meetings.plan()
    assert case in cases_to_add(meeting=meeting)

    item = agenda_add_case(actor=secretariat, meeting=meeting, case=case)

    case.refresh_from_db()
    assert case.status == S.ON_AGENDA
    assert (item.position, item.kind, item.case, item.title, item.reason) == (
        1,
        AgendaItemKind.CASE,
        case,
        case.title,
        "ready",
    )
    moves = CaseEvent.objects.filter(case=case, kind="transition", to_status=S.ON_AGENDA)
    if status == S.ON_AGENDA:
        assert moves.count() == 1  # the builder's own move, none added
    else:
        last = moves.order_by("pk").last()
        assert (last.from_status, last.data["action"], last.actor) == (
            status,
            "to_agenda",
            secretariat,
        )
    added = CaseEvent.objects.filter(case=case, kind="agenda").get()
    assert (added.data["action"], added.data["number"]) == ("added", 227)


@pytest.mark.parametrize(
    "status",
    [pytest.param(s.value, id=s.value) for s in CaseStatus if not _can_reach_agenda(s)],
)
def test_a_case_the_workflow_does_not_let_onto_the_agenda_is_refused(
    meetings: Any, case_in: Any, secretariat: Any, status: str
) -> None:
    case = case_in(status)
    meeting = meetings.plan()
    assert case not in cases_to_add(meeting=meeting)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        agenda_add_case(actor=secretariat, meeting=meeting, case=case)

    assert error.value.code == "case_not_ready"
    assert snapshot() == before


def test_a_county_hq_refuses_a_case_of_another_county(
    county_hq: Any, case_in: Any, county_secretary: Any, other_owner: Any, other_company: Any
) -> None:
    theirs = case_in(S.ON_AGENDA, actor=other_owner, company=other_company)
    meeting = meeting_create(actor=county_secretary, body=county_hq, starts_at=NEXT_WEDNESDAY)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        agenda_add_case(actor=county_secretary, meeting=meeting, case=theirs)

    assert error.value.code == "other_body"
    assert snapshot() == before


def test_a_county_secretary_puts_a_case_of_the_county_on_the_county_hqs_agenda(
    county_hq: Any, case_in: Any, county_secretary: Any
) -> None:
    case = case_in(S.REFERRED)
    meeting = meeting_create(actor=county_secretary, body=county_hq, starts_at=NEXT_WEDNESDAY)

    agenda_add_case(actor=county_secretary, meeting=meeting, case=case)

    case.refresh_from_db()
    assert case.status == S.ON_AGENDA


def test_a_working_group_refuses_a_case_of_another_category(
    working_group: Any, case_in: Any, secretariat: Any
) -> None:
    other_category = CategoryFactory(code="customs", name="گمرک", name_en="Customs")
    case = case_in(S.WORKING_GROUP, category=other_category)
    meeting = meeting_create(actor=secretariat, body=working_group, starts_at=NEXT_WEDNESDAY)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        agenda_add_case(actor=secretariat, meeting=meeting, case=case)

    assert error.value.code == "other_body"
    assert snapshot() == before


@pytest.mark.parametrize("name", ["county_secretary", "officer", "executive", "owner"])
def test_only_the_bodys_secretariat_builds_its_agenda(
    meetings: Any, case_in: Any, request: Any, name: str
) -> None:
    meeting = meetings.plan()
    case = case_in(S.ON_AGENDA)
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        agenda_add_case(actor=request.getfixturevalue(name), meeting=meeting, case=case)

    assert error.value.code == "not_allowed"
    assert snapshot() == before


def test_a_case_sits_on_one_open_agenda_at_a_time(
    meetings: Any, case_in: Any, secretariat: Any
) -> None:
    first = meetings.plan()
    second = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))
    case = case_in(S.ON_AGENDA)
    agenda_add_case(actor=secretariat, meeting=first, case=case)
    before = snapshot()

    for meeting in (second, first):
        with pytest.raises(MeetingError) as error:
            agenda_add_case(actor=secretariat, meeting=meeting, case=case)
        assert error.value.code == "already_on_agenda"
        assert "۲۲۷" in error.value.messages[0]
    assert snapshot() == before

    meeting_cancel(actor=secretariat, meeting=first, reason="جلسه لغو شد")
    agenda_add_case(actor=secretariat, meeting=second, case=case)
    assert second.items.filter(case=case).exists()


def test_a_case_decided_since_the_page_was_loaded_is_not_put_on_the_agenda(
    meetings: Any, case_in: Any, secretariat: Any
) -> None:
    case = case_in(S.ON_AGENDA)
    stale = Case.objects.get(pk=case.pk)  # the secretary's page, loaded while it was ready
    case_move(actor=secretariat, case=case, to=S.DISCUSSED)
    case_move(actor=secretariat, case=case, to=S.RESOLVED)
    meeting = meetings.plan()
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        agenda_add_case(actor=secretariat, meeting=meeting, case=stale)

    assert error.value.code == "case_not_ready"
    assert snapshot() == before


# --- Ordering and trimming ---------------------------------------------------------------------


@pytest.fixture
def agenda(meetings: Any, secretariat: Any) -> tuple[Meeting, dict[str, AgendaItem]]:
    meeting = meetings.plan()
    items = {
        "report": agenda_add_topic(actor=secretariat, meeting=meeting, title="گزارش دبیرخانه"),
        "case": meetings.with_case(meeting),
        "budget": agenda_add_topic(actor=secretariat, meeting=meeting, title="بودجه"),
        "other": agenda_add_topic(actor=secretariat, meeting=meeting, title="  سایر   موارد "),
    }
    return meeting, items


def _order(meeting: Meeting, items: dict[str, AgendaItem]) -> list[str]:
    names = {item.pk: name for name, item in items.items()}
    return [names[pk] for pk in meeting.items.order_by("position").values_list("pk", flat=True)]


def test_items_are_numbered_in_the_order_they_are_added(agenda: Any) -> None:
    meeting, items = agenda

    assert _order(meeting, items) == ["report", "case", "budget", "other"]
    assert _positions(meeting) == [1, 2, 3, 4]
    assert items["other"].title == "سایر موارد"


def test_removing_an_item_closes_the_gap(agenda: Any, secretariat: Any) -> None:
    meeting, items = agenda

    agenda_remove(actor=secretariat, item=items["budget"])

    assert _order(meeting, items) == ["report", "case", "other"]
    assert _positions(meeting) == [1, 2, 3]


def test_a_case_taken_off_the_agenda_stays_ready_and_is_proposed_again(
    agenda: Any, secretariat: Any
) -> None:
    meeting, items = agenda
    case = items["case"].case

    agenda_remove(actor=secretariat, item=items["case"])

    case.refresh_from_db()
    assert case.status == S.ON_AGENDA
    assert _positions(meeting) == [1, 2, 3]
    assert list(proposed_cases(meeting=meeting)) == [case]
    removed = CaseEvent.objects.filter(case=case, kind="agenda").order_by("pk").last()
    assert (removed.data["action"], removed.data["number"]) == ("removed", 227)


def test_moving_an_item_up_and_down_keeps_positions_one_to_n(agenda: Any, secretariat: Any) -> None:
    meeting, items = agenda

    agenda_move_item(actor=secretariat, item=items["other"], by=-2)
    assert _order(meeting, items) == ["report", "other", "case", "budget"]

    agenda_move_item(actor=secretariat, item=items["report"], by=10)
    assert _order(meeting, items) == ["other", "case", "budget", "report"]

    agenda_move_item(actor=secretariat, item=items["other"], by=-1)
    assert _order(meeting, items) == ["other", "case", "budget", "report"]
    assert _positions(meeting) == [1, 2, 3, 4]


def test_the_agenda_is_reordered_as_a_whole(agenda: Any, secretariat: Any) -> None:
    meeting, items = agenda
    wanted = ["case", "other", "report", "budget"]

    agenda_reorder(actor=secretariat, meeting=meeting, item_ids=[items[n].pk for n in wanted])

    assert _order(meeting, items) == wanted
    assert _positions(meeting) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "names",
    [["case", "other", "report"], ["case", "other", "report", "report"], []],
    ids=["one-missing", "one-twice", "empty"],
)
def test_a_reorder_that_does_not_name_every_item_once_is_refused(
    agenda: Any, secretariat: Any, names: list[str]
) -> None:
    meeting, items = agenda
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        agenda_reorder(actor=secretariat, meeting=meeting, item_ids=[items[n].pk for n in names])

    assert error.value.code == "conflict"
    assert snapshot() == before


def test_an_item_with_draft_resolutions_cannot_be_removed(
    agenda: Any, meetings: Any, secretariat: Any
) -> None:
    meeting, items = agenda
    meetings.draft(items["case"])
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        agenda_remove(actor=secretariat, item=items["case"])

    assert error.value.code == "has_resolutions"
    assert snapshot() == before


def test_a_blank_topic_is_refused(agenda: Any, secretariat: Any) -> None:
    meeting, _items = agenda
    before = snapshot()

    with pytest.raises(MeetingError) as error:
        agenda_add_topic(actor=secretariat, meeting=meeting, title=" \n ")

    assert error.value.code == "required"
    assert snapshot() == before


# --- Numbering and the schedule ----------------------------------------------------------------


def test_sessions_are_numbered_per_body_from_its_first_number(
    meetings: Any, hq: Any, county_hq: Any, working_group: Any, secretariat: Any
) -> None:
    county_hq.first_number = 40
    county_hq.save(update_fields=["first_number"])

    def plan(body: Any) -> int:
        return meeting_create(actor=secretariat, body=body, starts_at=NEXT_WEDNESDAY).number

    assert [plan(hq), plan(county_hq), plan(hq), plan(working_group), plan(county_hq)] == [
        227,
        40,
        228,
        1,
        41,
    ]


def test_a_cancelled_session_keeps_its_number(meetings: Any, secretariat: Any) -> None:
    meetings.plan()
    cancelled = meetings.plan()
    meeting_cancel(actor=secretariat, meeting=cancelled, reason="تعطیلی اضطراری")

    assert meetings.plan().number == 229


def test_a_session_takes_the_bodys_usual_place_and_chair_unless_told(
    hq: Any, secretariat: Any
) -> None:
    usual = meeting_create(actor=secretariat, body=hq, starts_at=NEXT_WEDNESDAY)
    moved = meeting_create(
        actor=secretariat, body=hq, starts_at=NEXT_WEDNESDAY, place="فرمانداری", chair="معاون"
    )

    assert (usual.place, usual.chair) == ("سالن جلسات استانداری", "استاندار")
    assert (moved.place, moved.chair) == ("فرمانداری", "معاون")
    assert usual.status == MeetingStatus.PLANNED


@pytest.mark.parametrize("name", ["county_secretary", "officer", "executive"])
def test_only_the_secretariat_plans_a_provincial_session(hq: Any, request: Any, name: str) -> None:
    with pytest.raises(MeetingError) as error:
        meeting_create(actor=request.getfixturevalue(name), body=hq, starts_at=NEXT_WEDNESDAY)

    assert error.value.code == "not_allowed"
    assert not Meeting.objects.exists()


def test_a_session_needs_an_aware_date_and_an_active_body(hq: Any, secretariat: Any) -> None:
    with pytest.raises(MeetingError) as error:
        meeting_create(actor=secretariat, body=hq, starts_at=dt.datetime(2025, 1, 15, 9))  # noqa: DTZ001
    assert error.value.code == "naive"

    hq.is_active = False
    hq.save(update_fields=["is_active"])
    with pytest.raises(MeetingError) as error:
        meeting_create(actor=secretariat, body=hq, starts_at=NEXT_WEDNESDAY)
    assert error.value.code == "inactive"
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (dt.date(2025, 1, 7), dt.date(2025, 1, 8)),  # Tuesday: the next day
        (dt.date(2025, 1, 8), dt.date(2025, 1, 15)),  # Wednesday: strictly after
        (dt.date(2025, 1, 10), dt.date(2025, 1, 15)),  # Friday
    ],
)
def test_the_next_session_falls_on_the_bodys_weekday(
    hq: Any, after: dt.date, expected: dt.date
) -> None:
    assert next_session_date(hq, after=after) == expected


def test_a_holiday_wednesday_moves_the_session_to_the_next_working_day(
    hq: Any, holiday: Any
) -> None:
    holiday(dt.date(2025, 1, 15))
    assert next_session_date(hq, after=dt.date(2025, 1, 8)) == dt.date(2025, 1, 16)

    # Thursday a holiday too, Friday the weekend: Saturday.
    holiday(dt.date(2025, 1, 16))
    assert next_session_date(hq, after=dt.date(2025, 1, 8)) == dt.date(2025, 1, 18)


def test_the_next_session_follows_the_bodys_own_weekday(county_hq: Any) -> None:
    county_hq.weekday = 6  # Sunday
    county_hq.save(update_fields=["weekday"])

    assert next_session_date(county_hq, after=dt.date(2025, 1, 8)) == dt.date(2025, 1, 12)
