"""The meeting pages: who sees and runs a session, the agenda builder's htmx answers, attendance,
draft resolutions, closing into the minutes, and the documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tashil.cases.workflow import CaseStatus
from tashil.core.jalali import jalali_input_value
from tashil.core.text import to_persian_digits
from tashil.meetings.models import AgendaItem, Attendance, Meeting, Presence, Resolution, Weekday
from tashil.meetings.services import agenda_add_topic
from tashil.meetings.tests.conftest import TEHRAN
from tashil.meetings.workflow import MeetingStatus, ResolutionState

pytestmark = pytest.mark.django_db

S = CaseStatus
HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"meetings:{name}", args=args)


def page_messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def templates(response: Any) -> list[str]:
    return [t.name for t in response.templates]


def positions(meeting: Meeting) -> list[str]:
    return list(meeting.items.order_by("position").values_list("title", flat=True))


@pytest.fixture
def tehran_secretariat(db: Any) -> Any:
    from tashil.conftest import _user_with_role
    from tashil.factories import ProvinceFactory

    return _user_with_role("tehran", "secretariat", province=ProvinceFactory(code="23"))


# --- The list ----------------------------------------------------------------------------------


def test_the_secretariat_sees_planned_sessions_first_then_the_held_ones(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    held = meetings.held()
    planned = meetings.plan()
    login(client, secretariat)

    response = client.get(url("list"))

    assert response.status_code == 200
    assert response.context["upcoming"] == [planned]
    assert response.context["past"] == [held]
    assert response.context["can_plan"] is True
    body = response.content.decode()
    assert body.index(to_persian_digits(str(planned.number))) < body.index(
        to_persian_digits(str(held.number))
    )
    assert 'data-testid="plan-meeting"' in body


def test_the_list_filters_by_body_and_status(
    client: Any, clock: Any, meetings: Any, county_hq: Any, secretariat: Any
) -> None:
    held = meetings.held()
    county_session = meetings.plan(body=county_hq)
    login(client, secretariat)

    by_body = client.get(url("list"), {"body": county_hq.pk})
    by_status = client.get(url("list"), {"status": MeetingStatus.CLOSED}, **HTMX)

    assert (by_body.context["upcoming"], by_body.context["past"]) == ([county_session], [])
    assert (by_status.context["upcoming"], by_status.context["past"]) == ([], [held])
    assert templates(by_status)[0] == "meetings/meeting_list_rows.html"


def test_the_list_costs_the_same_queries_however_many_sessions(
    client: Any, clock: Any, meetings: Any, secretariat: Any, django_assert_max_num_queries: Any
) -> None:
    meetings.held()
    meetings.plan()
    login(client, secretariat)
    with django_assert_max_num_queries(12) as few:
        client.get(url("list"))
    for _ in range(3):
        meetings.held(resolutions=2)
        meetings.plan()

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("list"))

    assert len(response.context["upcoming"]) + len(response.context["past"]) == 8


def test_an_agency_officer_sees_the_list_without_the_plan_button(
    client: Any, clock: Any, meetings: Any, officer: Any
) -> None:
    meeting = meetings.plan()
    login(client, officer)

    response = client.get(url("list"))

    assert response.context["upcoming"] == [meeting]
    assert response.context["can_plan"] is False
    assert 'data-testid="plan-meeting"' not in response.content.decode()


def test_a_company_owner_may_not_open_the_meetings(client: Any, owner: Any) -> None:
    login(client, owner)
    assert client.get(url("list")).status_code == 403
    assert client.get(url("create")).status_code == 403


# --- Who sees a session ------------------------------------------------------------------------


def test_an_officer_of_a_member_agency_reads_the_session_without_the_builder(
    client: Any, clock: Any, meetings: Any, officer: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    login(client, officer)

    response = client.get(url("meeting", meeting.pk))
    body = response.content.decode()

    assert response.status_code == 200
    assert response.context["manage"] is False
    assert "proposed_cases" not in response.context
    assert item.title in body
    assert 'data-testid="read-only"' in body
    assert 'data-testid="topic-form"' not in body
    assert 'data-testid="close-meeting"' not in body
    refused = client.post(url("add_topic", meeting.pk), {"title": "گزارش"}, **HTMX)
    assert refused.status_code == 403
    assert client.post(url("close", meeting.pk)).status_code == 403
    assert meeting.items.count() == 1


def test_the_secretariat_of_another_province_gets_404(
    client: Any, clock: Any, meetings: Any, tehran_secretariat: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    login(client, tehran_secretariat)

    assert client.get(url("meeting", meeting.pk)).status_code == 404
    assert client.post(url("add_topic", meeting.pk), {"title": "گزارش"}).status_code == 404
    assert client.post(url("remove_item", item.pk)).status_code == 404
    assert client.get(url("minutes_pdf", meeting.pk)).status_code == 404
    assert meeting.items.count() == 1


def test_an_officer_of_an_agency_outside_the_body_gets_404(
    client: Any, clock: Any, meetings: Any, county_hq: Any, other_officer: Any
) -> None:
    meeting = meetings.plan(body=county_hq)  # the county HQ's only member is the tax agency
    login(client, other_officer)
    assert client.get(url("meeting", meeting.pk)).status_code == 404


def test_the_session_page_costs_the_same_queries_however_long_the_agenda(
    client: Any, clock: Any, meetings: Any, secretariat: Any, django_assert_max_num_queries: Any
) -> None:
    meeting = meetings.plan()
    meetings.draft(meetings.with_case(meeting))
    meetings.attend(meeting)
    login(client, secretariat)
    with django_assert_max_num_queries(16) as few:
        client.get(url("meeting", meeting.pk))
    for _ in range(3):
        item = meetings.with_case(meeting)
        meetings.draft(item)
        meetings.draft(item)
        agenda_add_topic(actor=secretariat, meeting=meeting, title="گزارش")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("meeting", meeting.pk))

    assert len(response.context["items"]) == 7


# --- Planning ----------------------------------------------------------------------------------


def test_planning_proposes_next_wednesday_at_the_bodys_hour_and_place(
    client: Any, clock: Any, hq: Any, secretariat: Any
) -> None:
    login(client, secretariat)

    form = client.get(url("create")).context["form"]

    assert form.initial["body"] == hq
    assert form.initial["date"] == dt.date(2025, 1, 15)
    assert form.initial["time"] == dt.time(9, 0)
    assert (form.initial["place"], form.initial["chair"]) == (hq.place, hq.chair)


def test_changing_the_body_proposes_its_own_day_again(
    client: Any, clock: Any, hq: Any, county_hq: Any, secretariat: Any
) -> None:
    county_hq.weekday = Weekday.SUNDAY
    county_hq.save()
    login(client, secretariat)

    response = client.get(url("create"), {"body": county_hq.pk}, **HTMX)

    assert templates(response)[0] == "meetings/meeting_create_fields.html"
    assert response.context["form"].initial["date"] == dt.date(2025, 1, 12)
    assert 'value="1403/10/23"' in response.content.decode()


def test_planning_creates_the_numbered_session_and_opens_it(
    client: Any, clock: Any, hq: Any, secretariat: Any
) -> None:
    login(client, secretariat)

    response = client.post(
        url("create"),
        {"body": hq.pk, "date": "۱۴۰۳/۱۰/۲۶", "time": "۰۹:۳۰", "place": "", "chair": ""},
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == url("meeting", meeting.pk)
    assert meeting.number == 227
    assert meeting.starts_at == dt.datetime(2025, 1, 15, 9, 30, tzinfo=TEHRAN)
    assert (meeting.place, meeting.chair) == (hq.place, hq.chair)


def test_planning_with_a_bad_date_keeps_what_was_typed(
    client: Any, clock: Any, hq: Any, secretariat: Any
) -> None:
    login(client, secretariat)

    response = client.post(
        url("create"), {"body": hq.pk, "date": "1403/13/40", "time": "25:00", "place": "تالار"}
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"date", "time"}
    assert 'value="تالار"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_county_secretary_plans_only_its_county_hq(
    client: Any, clock: Any, hq: Any, county_hq: Any, county_secretary: Any
) -> None:
    login(client, county_secretary)

    form = client.get(url("create")).context["form"]
    refused = client.post(url("create"), {"body": hq.pk, "date": "1403/10/26", "time": "09:00"})

    assert list(form.fields["body"].queryset) == [county_hq]
    assert "body" in refused.context["form"].errors
    assert not Meeting.objects.exists()


# --- The agenda builder ------------------------------------------------------------------------


def test_adding_a_proposed_case_returns_the_agenda_with_the_case_on_it(
    client: Any, clock: Any, meetings: Any, case_in: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    case = case_in(S.ON_AGENDA)
    login(client, secretariat)
    assert list(client.get(url("meeting", meeting.pk)).context["proposed_cases"]) == [case]

    response = client.post(url("add_case", meeting.pk), {"case": case.pk}, **HTMX)

    assert response.status_code == 200
    assert templates(response)[0] == "meetings/_agenda.html"
    assert response.context["proposed_cases"] == []
    item = meeting.items.get()
    assert (item.case, item.position, item.reason) == (case, 1, "ready")
    case.refresh_from_db()
    assert case.status == S.ON_AGENDA
    assert case.title in response.content.decode()


def test_a_case_found_by_search_is_moved_onto_the_agenda(
    client: Any, clock: Any, meetings: Any, case_in: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    case = case_in(S.SCREENING)
    login(client, secretariat)

    found = client.get(url("case_search", meeting.pk), {"q": case.tracking}, **HTMX)
    response = client.post(url("add_case", meeting.pk), {"case": case.pk}, **HTMX)

    assert templates(found)[0] == "meetings/_agenda_search.html"
    assert found.context["search_results"] == [case]
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == S.ON_AGENDA
    assert meeting.items.get().case == case


def test_a_case_already_on_the_agenda_is_refused_with_the_reason(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    login(client, secretariat)

    response = client.post(url("add_case", meeting.pk), {"case": item.case_id}, **HTMX)

    assert response.status_code == 422
    assert "HX-Trigger" not in response
    assert to_persian_digits("227") in response.context["agenda_error"]
    assert meeting.items.count() == 1


def test_moving_an_item_up_swaps_it_with_the_one_before(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    agenda_add_topic(actor=secretariat, meeting=meeting, title="گزارش آب")
    second = agenda_add_topic(actor=secretariat, meeting=meeting, title="گزارش برق")
    login(client, secretariat)

    response = client.post(url("move_item", second.pk), {"direction": "up"}, **HTMX)

    assert response.status_code == 200
    assert positions(meeting) == ["گزارش برق", "گزارش آب"]
    assert [i.title for i in response.context["items"]] == ["گزارش برق", "گزارش آب"]


def test_without_script_a_move_redirects_back_to_the_agenda(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    first = agenda_add_topic(actor=secretariat, meeting=meeting, title="گزارش آب")
    agenda_add_topic(actor=secretariat, meeting=meeting, title="گزارش برق")
    login(client, secretariat)

    response = client.post(url("move_item", first.pk), {"direction": "down"})

    assert response.status_code == 302
    assert response.url == url("meeting", meeting.pk) + "#agenda"
    assert positions(meeting) == ["گزارش برق", "گزارش آب"]


def test_reordering_sets_the_whole_order_and_refuses_a_stale_one(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    a, b, c = (
        agenda_add_topic(actor=secretariat, meeting=meeting, title=title)
        for title in ("الف", "ب", "ج")
    )
    login(client, secretariat)

    done = client.post(url("reorder", meeting.pk), {"item": [c.pk, a.pk, b.pk]}, **HTMX)
    stale = client.post(url("reorder", meeting.pk), {"item": [a.pk, b.pk]}, **HTMX)

    assert done.status_code == 200
    assert stale.status_code == 422
    assert positions(meeting) == ["ج", "الف", "ب"]


def test_removing_an_item_takes_it_off_and_the_case_stays_ready(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    topic = agenda_add_topic(actor=secretariat, meeting=meeting, title="گزارش")
    login(client, secretariat)

    response = client.post(url("remove_item", item.pk), **HTMX)

    assert response.status_code == 200
    assert list(meeting.items.all()) == [topic]
    topic.refresh_from_db()
    assert topic.position == 1
    item.case.refresh_from_db()
    assert item.case.status == S.ON_AGENDA
    assert response.context["proposed_cases"] == [item.case]


def test_an_item_with_a_draft_resolution_is_not_removed(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    meetings.draft(item)
    login(client, secretariat)

    response = client.post(url("remove_item", item.pk), **HTMX)

    assert response.status_code == 422
    assert 'data-testid="agenda-error"' in response.content.decode()
    assert meeting.items.count() == 1


def test_adding_another_topic(client: Any, clock: Any, meetings: Any, secretariat: Any) -> None:
    meeting = meetings.plan()
    login(client, secretariat)

    empty = client.post(url("add_topic", meeting.pk), {"title": "  "}, **HTMX)
    done = client.post(url("add_topic", meeting.pk), {"title": "گزارش شرکت آب"}, **HTMX)

    assert empty.status_code == 422
    assert done.status_code == 200
    assert positions(meeting) == ["گزارش شرکت آب"]


def test_an_objected_resolution_is_proposed_and_added_with_its_reason(
    client: Any, clock: Any, meetings: Any, resolution_in: Any, secretariat: Any
) -> None:
    objected = resolution_in(ResolutionState.OBJECTED)
    # The objection rolled it onto no agenda (no session was planned): the next one proposes it,
    # unless planning already put it there.
    meeting = meetings.plan()
    AgendaItem.objects.filter(meeting=meeting, resolution=objected).delete()
    login(client, secretariat)
    assert client.get(url("meeting", meeting.pk)).context["proposed_resolutions"] == [
        (objected, "objected")
    ]

    response = client.post(
        url("add_resolution", meeting.pk),
        {"resolution": objected.pk, "reason": "objected"},
        **HTMX,
    )

    assert response.status_code == 200
    item = meeting.items.get(resolution=objected)
    assert (item.kind, item.reason) == ("resolution", "objected")


def test_a_closed_meeting_refuses_changes_to_its_agenda(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.held()
    item = meeting.items.get()
    login(client, secretariat)

    response = client.post(url("add_topic", meeting.pk), {"title": "گزارش دیرهنگام"}, **HTMX)
    plain = client.post(url("remove_item", item.pk))

    assert response.status_code == 422
    assert (
        "closed" in response.context["agenda_error"] or "بسته" in response.context["agenda_error"]
    )
    assert plain.status_code == 302
    assert page_messages(plain)
    assert list(meeting.items.all()) == [item]


def test_get_never_changes_the_agenda(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    login(client, secretariat)

    assert client.get(url("add_topic", meeting.pk), {"title": "x"}).status_code == 405
    assert client.get(url("remove_item", item.pk)).status_code == 405
    assert client.get(url("send_agenda", meeting.pk)).status_code == 405
    assert client.get(url("close", meeting.pk)).status_code == 200  # the confirmation step
    meeting.refresh_from_db()
    assert (meeting.status, meeting.agenda_sent_at) == (MeetingStatus.PLANNED, None)
    assert meeting.items.count() == 1


# --- Items, notes and draft resolutions --------------------------------------------------------


def test_the_secretariat_writes_the_discussion_notes_of_an_item(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    login(client, secretariat)

    form = client.get(url("item", item.pk), **HTMX)
    response = client.post(
        url("item", item.pk), {f"item-{item.pk}-notes": "مدیرکل گزارش داد."}, **HTMX
    )

    assert templates(form)[0] == "meetings/_item_form.html"
    assert response.status_code == 200
    assert templates(response)[0] == "meetings/_item.html"
    item.refresh_from_db()
    assert (item.notes, item.postponed) == ("مدیرکل گزارش داد.", False)


def test_drafting_a_resolution_for_two_agencies(
    client: Any,
    clock: Any,
    meetings: Any,
    secretariat: Any,
    tax_agency: Any,
    customs_agency: Any,
    province: Any,
) -> None:
    from tashil.factories import AgencyFactory

    water = AgencyFactory(province=province, code="water", name="آب منطقه‌ای")
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    login(client, secretariat)
    prefix = f"draft-{item.pk}"

    form = client.get(url("draft", item.pk), **HTMX).context["form"]
    response = client.post(
        url("draft", item.pk),
        {
            f"{prefix}-text": "استرداد ظرف یک ماه پرداخت و کالا ترخیص شود.",
            f"{prefix}-agencies": [tax_agency.pk, customs_agency.pk],
            f"{prefix}-deadline": jalali_input_value(dt.date(2025, 2, 15)),
            f"{prefix}-deliverable": "رسید پرداخت",
        },
        **HTMX,
    )

    # The body's members first, then the other agencies of the province.
    assert list(form.fields["agencies"].queryset) == [tax_agency, customs_agency, water]
    assert response.status_code == 200
    resolution = Resolution.objects.get()
    assert (resolution.item, resolution.state, resolution.number) == (item, "draft", 1)
    assert resolution.deadline == dt.date(2025, 2, 15)
    assert set(resolution.agencies.all()) == {tax_agency, customs_agency}
    assert "استرداد ظرف یک ماه" in response.content.decode()


def test_a_draft_without_an_agency_or_with_an_early_deadline_keeps_what_was_typed(
    client: Any, clock: Any, meetings: Any, secretariat: Any, tax_agency: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    login(client, secretariat)
    prefix = f"draft-{item.pk}"

    no_agency = client.post(
        url("draft", item.pk),
        {f"{prefix}-text": "متن مصوبه", f"{prefix}-deadline": "1403/11/27"},
        **HTMX,
    )
    early = client.post(
        url("draft", item.pk),
        {
            f"{prefix}-text": "متن مصوبه",
            f"{prefix}-agencies": [tax_agency.pk],
            f"{prefix}-deadline": "1403/10/20",
        },
        **HTMX,
    )

    assert no_agency.status_code == 422
    assert no_agency["HX-Retarget"] == f"#item-{item.pk}-slot"
    assert "agencies" in no_agency.context["form"].errors
    assert early.status_code == 422
    assert early.context["form"].non_field_errors()
    assert "متن مصوبه" in early.content.decode()
    assert not Resolution.objects.exists()


def test_editing_and_deleting_a_draft(
    client: Any, clock: Any, meetings: Any, secretariat: Any, customs_agency: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    first = meetings.draft(item, text="نخست")
    second = meetings.draft(item, text="دوم")
    login(client, secretariat)
    prefix = f"edit-{second.pk}"

    form = client.get(url("edit_draft", second.pk), **HTMX).context["form"]
    edited = client.post(
        url("edit_draft", second.pk),
        {
            f"{prefix}-text": "دوم، اصلاح شده",
            f"{prefix}-agencies": [customs_agency.pk],
            f"{prefix}-deadline": "1403/12/01",
        },
        **HTMX,
    )
    deleted = client.post(url("delete_draft", first.pk), **HTMX)

    assert form.initial["text"] == "دوم"
    assert edited.status_code == 200
    assert deleted.status_code == 200
    assert deleted["HX-Trigger"] == "agenda-changed"
    second.refresh_from_db()
    assert (second.text, second.number) == ("دوم، اصلاح شده", 1)
    assert list(second.agencies.all()) == [customs_agency]
    assert not Resolution.objects.filter(pk=first.pk).exists()


def test_an_officer_may_not_draft_resolutions(
    client: Any, clock: Any, meetings: Any, officer: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    login(client, officer)

    assert client.get(url("draft", item.pk)).status_code == 403
    assert client.post(url("item", item.pk), {f"item-{item.pk}-notes": "x"}).status_code == 403
    assert client.get(url("item", item.pk)).status_code == 200  # read-only page


# --- Attendance --------------------------------------------------------------------------------


def test_attendance_lists_the_members_and_records_a_representative(
    client: Any, clock: Any, meetings: Any, secretariat: Any, tax_agency: Any, customs_agency: Any
) -> None:
    meeting = meetings.plan()
    login(client, secretariat)

    form = client.get(url("attendance", meeting.pk)).context["form"]
    response = client.post(
        url("attendance", meeting.pk),
        {
            f"presence_{tax_agency.pk}": Presence.REPRESENTED,
            f"person_{tax_agency.pk}": "معاون مالیاتی",
            f"presence_{customs_agency.pk}": Presence.ABSENT,
        },
    )

    assert [row["agency"] for row in form.rows] == [tax_agency, customs_agency]
    assert response.status_code == 302
    assert response.url == url("meeting", meeting.pk) + "#attendance"
    recorded = {a.agency: (a.presence, a.person) for a in Attendance.objects.all()}
    assert recorded == {
        tax_agency: (Presence.REPRESENTED, "معاون مالیاتی"),
        customs_agency: (Presence.ABSENT, ""),
    }


def test_represented_without_a_name_shows_the_error_and_saves_nothing(
    client: Any, clock: Any, meetings: Any, secretariat: Any, tax_agency: Any, customs_agency: Any
) -> None:
    meeting = meetings.plan()
    login(client, secretariat)

    response = client.post(
        url("attendance", meeting.pk),
        {
            f"presence_{tax_agency.pk}": Presence.REPRESENTED,
            f"person_{tax_agency.pk}": "",
            f"presence_{customs_agency.pk}": Presence.PRESENT,
            f"person_{customs_agency.pk}": "مدیرکل گمرک",
        },
    )

    assert response.status_code == 200
    assert f"person_{tax_agency.pk}" in response.context["form"].errors
    form = response.context["form"]
    assert form[f"presence_{tax_agency.pk}"].value() == Presence.REPRESENTED
    assert 'value="مدیرکل گمرک"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_another_agency_can_be_recorded_and_stays_on_the_list(
    client: Any, clock: Any, meetings: Any, secretariat: Any, province: Any
) -> None:
    from tashil.factories import AgencyFactory

    bank = AgencyFactory(province=province, code="bank", name="بانک ملی")
    meeting = meetings.plan()
    login(client, secretariat)

    client.post(
        url("attendance", meeting.pk),
        {"other_agency": bank.pk, "other_presence": Presence.PRESENT, "other_person": "رئیس"},
    )
    form = client.get(url("attendance", meeting.pk)).context["form"]

    assert Attendance.objects.get().agency == bank
    assert bank in [row["agency"] for row in form.rows]


# --- Sending, closing, cancelling --------------------------------------------------------------


def test_sending_the_agenda_says_to_how_many_and_when(
    client: Any, clock: Any, meetings: Any, secretariat: Any, officer: Any, other_officer: Any
) -> None:
    meeting = meetings.plan()
    meetings.with_case(meeting)
    login(client, secretariat)

    response = client.post(url("send_agenda", meeting.pk), follow=True)

    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is not None
    # The two member agencies' officers and the secretariat.
    assert any(to_persian_digits("3") in m for m in page_messages(response))
    assert 'data-testid="agenda-sent"' in response.content.decode()


def test_closing_issues_the_resolutions_and_the_page_becomes_the_minutes(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    resolution = meetings.draft(item)
    meetings.attend(meeting)
    login(client, secretariat)

    confirm = client.get(url("close", meeting.pk))
    response = client.post(url("close", meeting.pk))
    minutes = client.get(url("meeting", meeting.pk))

    assert confirm.status_code == 200
    assert confirm.context["resolutions"] == [resolution]
    assert response.status_code == 302
    meeting.refresh_from_db()
    resolution.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert resolution.state == ResolutionState.NOTIFIED
    assert minutes.context["manage"] is False
    body = minutes.content.decode()
    assert 'data-testid="closed"' in body
    assert 'data-testid="minutes-pdf"' in body
    assert url("resolution", resolution.pk) in body
    assert 'data-testid="topic-form"' not in body


def test_closing_without_attendance_is_refused_on_the_confirmation_page(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    meetings.draft(meetings.with_case(meeting))
    login(client, secretariat)

    response = client.post(url("close", meeting.pk))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_cancelling_needs_a_reason(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    login(client, secretariat)

    empty = client.post(url("cancel", meeting.pk), {"reason": " "})
    done = client.post(url("cancel", meeting.pk), {"reason": "سفر استاندار"})
    page = client.get(url("meeting", meeting.pk))

    assert "reason" in empty.context["form"].errors
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert "سفر استاندار" in page.content.decode()


def test_editing_the_sessions_details(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    login(client, secretariat)

    form = client.get(url("edit", meeting.pk)).context["form"]
    response = client.post(
        url("edit", meeting.pk),
        {
            "date": "1403/10/27",
            "time": "10:00",
            "place": "تالار شهید رجایی",
            "chair": "معاون اقتصادی",
            "guests": "مدیرعامل شرکت",
            "notes": "",
        },
    )

    assert form.initial["date"] == dt.date(2025, 1, 15)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == dt.datetime(2025, 1, 16, 10, 0, tzinfo=TEHRAN)
    assert (meeting.place, meeting.guests) == ("تالار شهید رجایی", "مدیرعامل شرکت")


def test_a_closed_meetings_details_cannot_be_edited(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.held()
    login(client, secretariat)

    response = client.post(
        url("edit", meeting.pk), {"date": "1403/10/27", "time": "10:00", "place": "جای دیگر"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    meeting.refresh_from_db()
    assert meeting.place != "جای دیگر"


# --- Documents ---------------------------------------------------------------------------------


def test_the_minutes_download_as_pdf_for_a_member_agency_officer(
    client: Any, clock: Any, meetings: Any, officer: Any
) -> None:
    meeting = meetings.held()
    login(client, officer)

    response = client.get(url("minutes_pdf", meeting.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes-227.pdf"'
    assert response.content.startswith(b"%PDF")


def test_the_agenda_downloads_as_pdf(
    client: Any, clock: Any, meetings: Any, secretariat: Any
) -> None:
    meeting = meetings.plan()
    meetings.with_case(meeting)
    login(client, secretariat)

    response = client.get(url("agenda_pdf", meeting.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")


def test_the_minutes_are_not_found_for_a_company_owner(
    client: Any, clock: Any, meetings: Any, owner: Any
) -> None:
    meeting = meetings.held()
    login(client, owner)

    assert client.get(url("minutes_pdf", meeting.pk)).status_code == 404
    assert client.get(url("meeting", meeting.pk)).status_code == 404


def test_each_session_counts_its_own_items_and_resolutions(
    clock: Any, meetings: Any, secretariat: Any
) -> None:
    from tashil.meetings.selectors import meeting_list

    two_items = meetings.plan()
    for title in ("گمرک", "مالیات"):
        meetings.with_case(two_items, title=title)
    three_resolutions = meetings.held(resolutions=3)
    empty = meetings.plan()

    counted = {
        m.pk: (m.item_count, m.resolution_count)  # type: ignore[attr-defined]
        for m in meeting_list(secretariat)
    }

    # Counted per meeting, not over a join of items and resolutions that multiplies them.
    assert counted == {two_items.pk: (2, 0), three_resolutions.pk: (1, 3), empty.pk: (0, 0)}
