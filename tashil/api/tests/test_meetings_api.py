"""The meetings API: the bodies, planning and holding a session over HTTP (agenda, attendance,
draft resolutions, closing), the resolutions' register, their moves and the agencies' reports;
who sees and changes what, and refused input that changes nothing."""

# The meetings' fixtures are imported below, as the meetings' conftest imports the cases' own;
# a test naming one as a parameter "redefines" the import.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import json
import typing

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tashil.api import meeting_schemas
from tashil.api.services import token_create
from tashil.cases.models import CaseEvent
from tashil.cases.workflow import CaseStatus
from tashil.meetings import selectors
from tashil.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingEvent,
    ProgressReport,
    Resolution,
    ResolutionEvent,
)
from tashil.meetings.services import meeting_cancel, meeting_close, resolution_start
from tashil.meetings.tests.conftest import (  # noqa: F401 (fixtures)
    NEXT_WEDNESDAY,
    TEHRAN,
    _media_in_tmp,
    builder,
    case_in,
    clock,
    county_hq,
    holiday,
    hq,
    meetings,
    resolution_in,
)
from tashil.meetings.workflow import MeetingStatus, ResolutionState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

R = ResolutionState
JSON = "application/json"
BODIES = reverse("api-v1:body_list")
MEETINGS = reverse("api-v1:meeting_list")
CREATE = reverse("api-v1:meeting_create")
RESOLUTIONS = reverse("api-v1:resolution_list")
OBJECTION = "این مصوبه با بخشنامه جدید سازمان امور مالیاتی در تعارض است."


def url(name, *args):
    return reverse(f"api-v1:{name}", args=args)


def send(client, method, path, data, headers):
    return getattr(client, method)(path, json.dumps(data), content_type=JSON, headers=headers)


def post(client, path, data, headers):
    return send(client, "post", path, data, headers)


def rule(response):
    body = response.json()
    [error] = body["errors"]["__all__"]
    return response.status_code, body["code"], error["code"]


def field_codes(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return {field: [e["code"] for e in errors] for field, errors in body["errors"].items()}


def snapshot():
    """Everything a refused write must leave as it was."""
    return {
        "meetings": list(
            Meeting.objects.order_by("pk").values_list("pk", "number", "status", "closed_at")
        ),
        "items": list(
            AgendaItem.objects.order_by("pk").values_list("pk", "position", "notes", "postponed")
        ),
        "attendance": list(
            Attendance.objects.order_by("pk").values_list("agency_id", "presence", "person")
        ),
        "resolutions": list(
            Resolution.objects.order_by("pk").values_list("pk", "state", "deadline", "text")
        ),
        "reports": ProgressReport.objects.count(),
        "events": (
            MeetingEvent.objects.count(),
            ResolutionEvent.objects.count(),
            CaseEvent.objects.count(),
        ),
    }


@pytest.fixture
def planned(meetings):
    """Session 227 of the provincial HQ, planned for next Wednesday, with a ready case on it."""
    meeting = meetings.plan()
    meetings.with_case(meeting)
    return meeting


@pytest.fixture
def held(meetings, customs_agency):
    """Session 227, closed: resolution 227/1 to the tax agency, 227/2 to customs."""
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    meetings.draft(item)
    meetings.draft(item, text="گمرک ماشین‌آلات وارداتی را ترخیص کند.", agencies=[customs_agency])
    meetings.attend(meeting)
    return meeting_close(actor=meetings.secretariat, meeting=meeting)


def of(meeting, number):
    return meeting.resolutions.get(number=number)


# --- The whole session over the API --------------------------------------------------------------


def test_the_secretariat_plans_a_session_puts_a_ready_case_on_it_and_closes_it(
    client, secretariat, hq, case_in, tax_agency, customs_agency, bearer
):
    ready = case_in(CaseStatus.ON_AGENDA)
    headers = bearer(secretariat)

    created = post(
        client,
        CREATE,
        {"body": hq.pk, "starts_at": "2025-01-15T09:00:00+03:30", "chair": "معاون استاندار"},
        headers,
    )
    assert created.status_code == 201, created.content
    meeting = created.json()
    assert (meeting["number"], meeting["status"], meeting["can_manage"]) == (227, "planned", True)
    assert meeting["place"] == hq.place
    assert meeting["chair"] == "معاون استاندار"
    assert meeting["starts_at"] == "2025-01-15T05:30:00Z"
    assert meeting["items"] == []
    mid = meeting["id"]

    proposals = client.get(url("meeting_proposals", mid), headers=headers).json()
    assert [c["tracking"] for c in proposals["cases"]] == [ready.tracking]

    added = post(
        client,
        url("meeting_item_add", mid),
        {"kind": "case", "case": ready.display_tracking},
        headers,
    )
    assert added.status_code == 201, added.content
    item = added.json()
    assert (item["kind"], item["position"], item["reason"]) == ("case", 1, "ready")
    assert item["case"]["tracking"] == ready.tracking
    assert item["title"] == ready.title

    attendance = send(
        client,
        "put",
        url("meeting_attendance", mid),
        {
            "rows": [
                {"agency": tax_agency.pk, "presence": "present", "person": "مدیرکل"},
                {"agency": customs_agency.pk, "presence": "represented", "person": "معاون"},
            ]
        },
        headers,
    )
    assert attendance.status_code == 200, attendance.content
    assert [(a["agency"]["code"], a["presence"], a["person"]) for a in attendance.json()] == [
        ("tax", "present", "مدیرکل"),
        ("customs", "represented", "معاون"),
    ]

    drafted = post(
        client,
        url("meeting_resolution_draft", mid, item["id"]),
        {
            "text": "اداره کل امور مالیاتی استرداد را ظرف یک ماه پرداخت کند.",
            "agencies": [tax_agency.pk],
            "deadline": "2025-02-15",
            "deliverable": "گزارش پرداخت",
        },
        headers,
    )
    assert drafted.status_code == 201, drafted.content
    draft = drafted.json()
    assert (draft["code"], draft["state"], draft["deadline"]) == ("227/1", "draft", "2025-02-15")
    assert draft["objection_until"] is None
    assert [a["code"] for a in draft["agencies"]] == ["tax"]
    assert draft["meeting"]["id"] == mid
    assert draft["allowed_moves"] == []

    closed = post(client, url("meeting_close", mid), {}, headers)

    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["status"], body["can_manage"]) == ("closed", False)
    assert body["closed_at"] is not None
    assert [r["code"] for r in body["resolutions"]] == ["227/1"]
    assert body["items"][0]["resolutions"][0]["state"] == "notified"
    # The database agrees: the resolution is issued with its window, the case moved on.
    resolution = Resolution.objects.get(pk=draft["id"])
    assert resolution.state == R.NOTIFIED
    assert resolution.objection_until == dt.date(2025, 1, 23)
    assert Meeting.objects.get(pk=mid).status == MeetingStatus.CLOSED
    ready.refresh_from_db()
    assert ready.status == CaseStatus.RESOLUTIONS_ISSUED
    detail = client.get(url("resolution_detail", resolution.pk), headers=headers).json()
    assert detail["objection_until"] == "2025-01-23"
    assert detail["notified_at"] is not None


def test_the_meeting_detail_shows_its_agenda_attendance_and_resolutions(
    client, secretariat, held, tax_agency, bearer
):
    response = client.get(url("meeting_detail", held.pk), headers=bearer(secretariat))

    assert response.status_code == 200
    body = response.json()
    assert body["body"]["name_en"] == "Provincial Production Facilitation HQ"
    [item] = body["items"]
    assert item["case"]["company"]["national_id"]
    assert [r["code"] for r in item["resolutions"]] == ["227/1", "227/2"]
    assert [r["code"] for r in body["resolutions"]] == ["227/1", "227/2"]
    first = body["resolutions"][0]
    assert first["agencies"] == [
        {
            "id": tax_agency.pk,
            "code": "tax",
            "name": tax_agency.name,
            "name_en": tax_agency.name_en,
        }
    ]
    assert first["item"] == item["id"]
    assert {a["presence"] for a in body["attendance"]} == {"present"}
    assert body["can_manage"] is False


def test_the_meeting_detail_reads_a_bounded_number_of_queries(
    client, secretariat, meetings, tax_agency, customs_agency, django_assert_max_num_queries
):
    meeting = meetings.plan()
    for _n in range(3):
        item = meetings.with_case(meeting)
        meetings.draft(item, agencies=[tax_agency, customs_agency])
    meetings.attend(meeting)
    _token, key = token_create(actor=secretariat, user=secretariat, name="count")
    headers = {"Authorization": f"Bearer {key}"}
    client.get(url("meeting_detail", meeting.pk), headers=headers)

    # Token and user, roles, the meeting seen, the meeting with its body, the items with their
    # cases, their resolutions, their agencies, the attendance.
    with django_assert_max_num_queries(8):
        response = client.get(url("meeting_detail", meeting.pk), headers=headers)

    assert response.status_code == 200
    assert len(response.json()["resolutions"]) == 3


# --- Bodies --------------------------------------------------------------------------------------


def test_the_bodies_show_their_schedule_and_the_next_session_date(
    client, secretariat, hq, county_hq, meetings, holiday, bearer
):
    headers = bearer(secretariat)

    first = {b["id"]: b for b in client.get(BODIES, headers=headers).json()}
    # Today is Wednesday 2025-01-08; the HQ meets on Wednesdays.
    assert first[hq.pk]["next_session_on"] == "2025-01-15"
    assert first[hq.pk]["weekday"] == 2
    assert first[hq.pk]["time"] == "09:00:00"
    assert first[hq.pk]["can_plan"] is True
    assert {m["code"] for m in first[hq.pk]["members"]} == {"tax", "customs"}
    assert first[county_hq.pk]["county"]["code"] == "2603"
    assert first[county_hq.pk]["kind"] == "county"

    meetings.plan()  # Session 227 on the 15th: the next is proposed a week later…
    holiday(dt.date(2025, 1, 22))  # …unless that day is a holiday.
    second = {b["id"]: b for b in client.get(BODIES, headers=headers).json()}

    assert second[hq.pk]["next_session_on"] == "2025-01-23"


def test_agency_staff_see_the_bodies_their_agency_sits_on_and_plan_none(
    client, other_officer, owner, hq, county_hq, bearer
):
    bodies = client.get(BODIES, headers=bearer(other_officer)).json()

    assert [(b["id"], b["can_plan"]) for b in bodies] == [(hq.pk, False)]
    assert client.get(BODIES, headers=bearer(owner)).json() == []


def test_the_bodies_list_costs_the_same_queries_for_few_bodies_and_many(
    client, secretariat, hq, province, category, django_assert_max_num_queries
):
    from tashil.factories import CategoryFactory
    from tashil.meetings.models import Body

    _token, key = token_create(actor=secretariat, user=secretariat, name="count")
    headers = {"Authorization": f"Bearer {key}"}
    client.get(BODIES, headers=headers)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(BODIES, headers=headers)
        assert response.status_code == 200
        return len(response.json()), len(queries)

    few = measure()
    for n in range(5):
        Body.objects.create(
            province=province,
            kind="working_group",
            category=CategoryFactory(code=f"group{n}"),
            name=f"کارگروه {n}",
        )
    with django_assert_max_num_queries(few[1]):
        many = measure()

    assert (few[0], many[0]) == (1, 6)


# --- Meetings list -------------------------------------------------------------------------------


def test_the_meeting_list_filters_by_body_and_status_and_pages(
    client, secretariat, meetings, county_hq, bearer
):
    first = meetings.plan()
    second = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))
    county = meetings.plan(body=county_hq)
    meeting_cancel(actor=secretariat, meeting=first, reason="تعطیلی")
    headers = bearer(secretariat)

    def ids(query):
        response = client.get(MEETINGS, query, headers=headers)
        assert response.status_code == 200, response.content
        return [m["id"] for m in response.json()["items"]]

    assert ids({}) == [second.pk, county.pk, first.pk]
    assert set(ids({"body": meetings.hq.pk})) == {first.pk, second.pk}
    assert ids({"status": "cancelled"}) == [first.pk]
    assert ids({"body": county_hq.pk, "status": "planned"}) == [county.pk]
    page = client.get(MEETINGS, {"limit": 2}, headers=headers).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    item = client.get(MEETINGS, {"status": "cancelled"}, headers=headers).json()["items"][0]
    assert (item["number"], item["item_count"], item["resolution_count"]) == (227, 0, 0)
    assert field_codes(client.get(MEETINGS, {"status": "held"}, headers=headers)) == {
        "status": ["enum"]
    }


def test_a_company_and_another_agency_see_no_meetings_of_bodies_they_are_not_on(
    client, owner, other_officer, meetings, county_hq, bearer
):
    county = meetings.plan(body=county_hq)

    assert client.get(MEETINGS, headers=bearer(owner)).json()["items"] == []
    assert client.get(MEETINGS, headers=bearer(other_officer)).json()["items"] == []
    assert client.get(url("meeting_detail", county.pk), headers=bearer(owner)).status_code == 404
    missing = client.get(url("meeting_detail", 2**40), headers=bearer(owner))
    assert missing.status_code == 404


def test_the_meeting_list_costs_the_same_queries_for_few_meetings_and_many(
    client, secretariat, meetings, django_assert_max_num_queries
):
    _token, key = token_create(actor=secretariat, user=secretariat, name="count")
    headers = {"Authorization": f"Bearer {key}"}
    client.get(MEETINGS, headers=headers)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(MEETINGS, {"limit": 100}, headers=headers)
        assert response.status_code == 200
        return len(response.json()["items"]), len(queries)

    def add(count):
        for _n in range(count):
            meetings.with_case(meetings.plan())

    add(2)
    # Token and user, roles, the page.
    with django_assert_max_num_queries(3):
        few = measure()
    add(6)
    with django_assert_max_num_queries(3):
        many = measure()

    assert (few[0], many[0]) == (2, 8)
    assert few[1] == many[1]


# --- Who may change a meeting --------------------------------------------------------------------


def test_a_member_agency_and_the_executive_read_a_meeting_but_may_not_change_it(
    client, officer, executive, planned, tax_agency, bearer
):
    before = snapshot()
    for user in (officer, executive):
        headers = bearer(user)
        assert client.get(url("meeting_detail", planned.pk), headers=headers).status_code == 200
        responses = [
            post(client, url("meeting_close", planned.pk), {}, headers),
            post(
                client,
                url("meeting_item_add", planned.pk),
                {"kind": "topic", "title": "گزارش"},
                headers,
            ),
            send(
                client,
                "put",
                url("meeting_attendance", planned.pk),
                {"rows": [{"agency": tax_agency.pk, "presence": "present"}]},
                headers,
            ),
            client.get(url("meeting_proposals", planned.pk), headers=headers),
            post(
                client,
                CREATE,
                {"body": planned.body_id, "starts_at": "2025-01-22T09:00:00+03:30"},
                headers,
            ),
        ]
        for response in responses:
            assert response.status_code == 403, response.content
            assert response.json()["code"] == "permission_denied"

    assert snapshot() == before


# --- The agenda ----------------------------------------------------------------------------------


def test_the_secretariat_adds_topics_orders_notes_and_removes_items(
    client, secretariat, planned, bearer
):
    headers = bearer(secretariat)
    [case_item] = planned.items.all()

    topic = post(
        client,
        url("meeting_item_add", planned.pk),
        {"kind": "topic", "title": "  گزارش   دبیرخانه "},
        headers,
    ).json()
    assert (topic["kind"], topic["title"], topic["position"]) == ("topic", "گزارش دبیرخانه", 2)

    ordered = send(
        client,
        "put",
        url("meeting_items_order", planned.pk),
        {"items": [topic["id"], case_item.pk]},
        headers,
    )
    assert ordered.status_code == 200, ordered.content
    assert [(i["id"], i["position"]) for i in ordered.json()] == [
        (topic["id"], 1),
        (case_item.pk, 2),
    ]

    patched = send(
        client,
        "patch",
        url("meeting_item_update", planned.pk, case_item.pk),
        {"postponed": True},
        headers,
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["postponed"], patched.json()["notes"]) == (True, "")
    noted = send(
        client,
        "patch",
        url("meeting_item_update", planned.pk, case_item.pk),
        {"notes": "نماینده شرکت حاضر نبود."},
        headers,
    ).json()
    assert (noted["postponed"], noted["notes"]) == (True, "نماینده شرکت حاضر نبود.")

    removed = client.delete(url("meeting_item_remove", planned.pk, topic["id"]), headers=headers)

    assert removed.status_code == 200
    assert [(i["id"], i["position"]) for i in removed.json()] == [(case_item.pk, 1)]
    assert list(planned.items.values_list("pk", "position")) == [(case_item.pk, 1)]
    case_item.refresh_from_db()
    assert (case_item.postponed, case_item.notes) == (True, "نماینده شرکت حاضر نبود.")


def test_an_item_of_another_meeting_is_not_found(client, secretariat, planned, meetings, bearer):
    other = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))
    [item] = planned.items.all()

    response = client.delete(
        url("meeting_item_remove", other.pk, item.pk), headers=bearer(secretariat)
    )

    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_a_stale_order_is_a_conflict_and_changes_nothing(client, secretariat, planned, bearer):
    [item] = planned.items.all()
    before = snapshot()

    response = send(
        client,
        "put",
        url("meeting_items_order", planned.pk),
        {"items": [item.pk, item.pk + 1000]},
        bearer(secretariat),
    )

    assert rule(response) == (409, "meeting_rule", "conflict")
    assert snapshot() == before


def test_the_proposals_list_ready_cases_and_objected_resolutions(
    client, secretariat, resolution_in, meetings, case_in, bearer
):
    objected = resolution_in(R.OBJECTED)
    # The objection put it on no agenda: there was no planned session yet.
    upcoming = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))
    ready = case_in(CaseStatus.ON_AGENDA, title="قطعی برق شهرک صنعتی")
    AgendaItem.objects.filter(meeting=upcoming, resolution=objected).delete()

    response = client.get(url("meeting_proposals", upcoming.pk), headers=bearer(secretariat))

    assert response.status_code == 200, response.content
    body = response.json()
    assert [c["tracking"] for c in body["cases"]] == [ready.tracking]
    [proposed] = body["resolutions"]
    assert proposed["why"] == "objected"
    assert proposed["resolution"]["code"] == objected.code
    assert proposed["meeting"]["number"] == 227
    assert [a["code"] for a in proposed["resolution"]["agencies"]] == ["tax"]


def test_a_resolution_in_follow_up_comes_back_on_an_agenda_over_the_api(
    client, secretariat, resolution_in, meetings, bearer
):
    resolution = resolution_in(R.IN_PROGRESS)
    upcoming = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))

    response = post(
        client,
        url("meeting_item_add", upcoming.pk),
        {"kind": "resolution", "resolution": resolution.pk},
        bearer(secretariat),
    )

    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["kind"], item["reason"]) == ("resolution", "review")
    ref = item["resolution"]
    assert (ref["id"], ref["code"], ref["state"]) == (resolution.pk, "227/1", "in_progress")
    assert upcoming.items.filter(resolution=resolution).exists()


# --- Refused input -------------------------------------------------------------------------------


def _draft(agencies, deadline="2025-02-15", text="ترخیص کالا ظرف دو هفته"):
    return {"text": text, "agencies": agencies, "deadline": deadline}


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown_agency", (422, {"agencies.0": ["unknown_agency"]})),
        ("agency_twice", (422, {"agencies.1": ["duplicate"]})),
        ("deadline_before_the_meeting", (400, "deadline")),
        ("deadline_on_the_meeting_day", (400, "deadline")),
        ("jalali_deadline", (422, {"deadline": ["date_not_gregorian"]})),
        ("no_agency", (422, {"agencies": ["too_short"]})),
        ("nul_in_text", (422, {"text": ["nul_character"]})),
    ],
)
def test_a_bad_draft_is_refused_with_its_code_and_changes_nothing(
    client, secretariat, planned, tax_agency, bearer, case, expected
):
    [item] = planned.items.all()
    payload = {
        "unknown_agency": _draft([tax_agency.pk + 1000]),
        "agency_twice": _draft([tax_agency.pk, tax_agency.pk]),
        "deadline_before_the_meeting": _draft([tax_agency.pk], deadline="2025-01-10"),
        "deadline_on_the_meeting_day": _draft([tax_agency.pk], deadline="2025-01-15"),
        "jalali_deadline": _draft([tax_agency.pk], deadline="1403-11-27"),
        "no_agency": _draft([]),
        "nul_in_text": _draft([tax_agency.pk], text="ترخیص\x00"),
    }[case]
    before = snapshot()

    response = post(
        client, url("meeting_resolution_draft", planned.pk, item.pk), payload, bearer(secretariat)
    )

    status, detail = expected
    if status == 422:
        assert field_codes(response) == detail
    else:
        assert rule(response) == (status, "meeting_rule", detail)
    assert snapshot() == before


def test_an_agency_of_another_province_is_unknown(client, secretariat, planned, bearer):
    from tashil.factories import AgencyFactory, ProvinceFactory

    elsewhere = AgencyFactory(province=ProvinceFactory(code="99"), code="tax")
    [item] = planned.items.all()
    before = snapshot()

    draft = post(
        client,
        url("meeting_resolution_draft", planned.pk, item.pk),
        _draft([elsewhere.pk]),
        bearer(secretariat),
    )
    attendance = send(
        client,
        "put",
        url("meeting_attendance", planned.pk),
        {"rows": [{"agency": elsewhere.pk, "presence": "present"}]},
        bearer(secretariat),
    )

    assert field_codes(draft) == {"agencies.0": ["unknown_agency"]}
    assert field_codes(attendance) == {"rows.0.agency": ["unknown_agency"]}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("starts_at", "code"),
    [
        ("2025-01-15T09:00:00", "naive_datetime"),
        ("2025-01-15", "naive_datetime"),
        ("1403-10-26T09:00:00+03:30", "date_not_gregorian"),
        ("9999-01-01T00:00:00Z", "date_out_of_range"),
        ("فردا", "datetime_from_date_parsing"),
    ],
)
def test_a_session_time_must_be_gregorian_with_its_utc_offset(
    client, secretariat, hq, bearer, starts_at, code
):
    response = post(client, CREATE, {"body": hq.pk, "starts_at": starts_at}, bearer(secretariat))

    assert field_codes(response) == {"starts_at": [code]}
    assert not Meeting.objects.exists()


def test_a_county_secretariat_plans_its_county_hqs_sessions(
    client, county_secretary, county_hq, bearer
):
    response = post(
        client,
        CREATE,
        {"body": county_hq.pk, "starts_at": "2025-01-14T10:00:00+03:30"},
        bearer(county_secretary),
    )

    assert response.status_code == 201, response.content
    assert (response.json()["body"]["kind"], response.json()["chair"]) == ("county", "فرماندار")
    assert Meeting.objects.get().body == county_hq


def test_a_body_one_cannot_see_is_an_unknown_body(client, county_secretary, hq, bearer):
    response = post(
        client,
        CREATE,
        {"body": hq.pk, "starts_at": "2025-01-15T09:00:00+03:30"},
        bearer(county_secretary),
    )

    assert field_codes(response) == {"body": ["unknown_body"]}
    assert not Meeting.objects.exists()


def test_a_closed_meeting_refuses_every_change_with_409(
    client, secretariat, held, tax_agency, bearer
):
    headers = bearer(secretariat)
    [item] = held.items.all()
    before = snapshot()

    responses = {
        "close": post(client, url("meeting_close", held.pk), {}, headers),
        "cancel": post(client, url("meeting_cancel", held.pk), {"reason": "اشتباه"}, headers),
        "topic": post(
            client, url("meeting_item_add", held.pk), {"kind": "topic", "title": "x"}, headers
        ),
        "notes": send(
            client, "patch", url("meeting_item_update", held.pk, item.pk), {"notes": "x"}, headers
        ),
        "remove": client.delete(url("meeting_item_remove", held.pk, item.pk), headers=headers),
        "order": send(
            client, "put", url("meeting_items_order", held.pk), {"items": [item.pk]}, headers
        ),
        "attendance": send(
            client,
            "put",
            url("meeting_attendance", held.pk),
            {"rows": [{"agency": tax_agency.pk, "presence": "absent"}]},
            headers,
        ),
        "draft": post(
            client,
            url("meeting_resolution_draft", held.pk, item.pk),
            _draft([tax_agency.pk]),
            headers,
        ),
        "proposals": client.get(url("meeting_proposals", held.pk), headers=headers),
    }

    for name, response in responses.items():
        assert rule(response) == (409, "meeting_rule", "closed"), name
    assert snapshot() == before


def test_closing_without_attendance_is_refused_with_its_code(client, secretariat, planned, bearer):
    before = snapshot()

    response = post(client, url("meeting_close", planned.pk), {}, bearer(secretariat))

    assert rule(response) == (400, "meeting_rule", "no_attendance")
    assert snapshot() == before


def test_a_representative_without_a_name_is_refused(
    client, secretariat, planned, tax_agency, bearer
):
    before = snapshot()

    response = send(
        client,
        "put",
        url("meeting_attendance", planned.pk),
        {"rows": [{"agency": tax_agency.pk, "presence": "represented"}]},
        bearer(secretariat),
    )

    assert rule(response) == (400, "meeting_rule", "representative_required")
    assert snapshot() == before


def test_adding_items_needs_what_their_kind_names(client, secretariat, planned, bearer):
    headers = bearer(secretariat)
    path = url("meeting_item_add", planned.pk)
    [item] = planned.items.all()
    before = snapshot()

    assert field_codes(post(client, path, {"kind": "case"}, headers)) == {"case": ["required"]}
    assert field_codes(post(client, path, {"kind": "case", "case": "ABCD-EFGH"}, headers)) == {
        "case": ["unknown_case"]
    }
    assert field_codes(post(client, path, {"kind": "resolution"}, headers)) == {
        "resolution": ["required"]
    }
    assert field_codes(post(client, path, {"kind": "resolution", "resolution": 99}, headers)) == {
        "resolution": ["unknown_resolution"]
    }
    assert field_codes(post(client, path, {"kind": "topic"}, headers)) == {"title": ["required"]}
    assert field_codes(post(client, path, {"kind": "motion"}, headers)) == {"kind": ["enum"]}
    again = post(client, path, {"kind": "case", "case": item.case.tracking}, headers)
    assert rule(again) == (400, "meeting_rule", "already_on_agenda")
    assert snapshot() == before


def test_the_secretariat_cancels_a_session_with_a_reason(client, secretariat, planned, bearer):
    headers = bearer(secretariat)

    assert field_codes(post(client, url("meeting_cancel", planned.pk), {}, headers)) == {
        "reason": ["missing"]
    }
    response = post(client, url("meeting_cancel", planned.pk), {"reason": "سفر استاندار"}, headers)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    planned.refresh_from_db()
    assert planned.status == MeetingStatus.CANCELLED


# --- Resolutions ---------------------------------------------------------------------------------


def codes(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_an_agency_officer_lists_only_resolutions_addressed_to_their_agency_and_objects(
    client, officer, held, bearer
):
    headers = bearer(officer)
    tax = of(held, 1)

    assert codes(client.get(RESOLUTIONS, headers=headers)) == ["227/1"]
    detail = client.get(url("resolution_detail", tax.pk), headers=headers).json()
    assert detail["objection_until"] == "2025-01-23"
    assert {m["to"]: m["action"] for m in detail["allowed_moves"]} == {
        "objected": "object",
        "in_progress": "start",
        "reported": "report_execution",
    }
    assert detail["can_report"] is True

    response = post(
        client,
        url("resolution_transition", tax.pk),
        {"to": "objected", "reason": OBJECTION},
        headers,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "objected"
    assert body["allowed_moves"] == []
    [report] = body["reports"]
    assert (report["kind"], report["text"], report["agency"]["code"]) == (
        "objection",
        OBJECTION,
        "tax",
    )
    tax.refresh_from_db()
    assert tax.state == R.OBJECTED
    assert ResolutionEvent.objects.filter(resolution=tax, to_state=R.OBJECTED).count() == 1


def test_an_officer_of_another_agency_gets_404_on_a_resolution_not_addressed_to_it(
    client, other_officer, held, bearer
):
    headers = bearer(other_officer)
    tax = of(held, 1)
    before = snapshot()

    assert codes(client.get(RESOLUTIONS, headers=headers)) == ["227/2"]
    responses = [
        client.get(url("resolution_detail", tax.pk), headers=headers),
        client.get(url("resolution_report_list", tax.pk), headers=headers),
        post(
            client, url("resolution_transition", tax.pk), {"to": "objected", "reason": "x"}, headers
        ),
        post(client, url("resolution_report", tax.pk), {"text": "انجام شد"}, headers),
    ]

    for response in responses:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert tax.text not in response.content.decode()
    assert snapshot() == before


def test_the_secretariat_may_not_object_for_an_agency(client, secretariat, executive, held, bearer):
    tax = of(held, 1)
    before = snapshot()

    for user in (secretariat, executive):
        response = post(
            client,
            url("resolution_transition", tax.pk),
            {"to": "objected", "reason": OBJECTION},
            bearer(user),
        )
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert snapshot() == before


def test_a_refused_move_has_the_rules_code_and_changes_nothing(
    client, officer, held, clock, bearer
):
    tax = of(held, 1)
    headers = bearer(officer)
    before = snapshot()

    no_reason = post(client, url("resolution_transition", tax.pk), {"to": "objected"}, headers)
    not_in_table = post(client, url("resolution_transition", tax.pk), {"to": "executed"}, headers)
    clock.set(dt.date(2025, 1, 24))
    too_late = post(
        client,
        url("resolution_transition", tax.pk),
        {"to": "objected", "reason": OBJECTION},
        headers,
    )

    assert rule(no_reason) == (400, "meeting_rule", "reason_required")
    assert rule(not_in_table) == (400, "meeting_rule", "invalid_transition")
    assert rule(too_late) == (400, "meeting_rule", "window_passed")
    assert field_codes(
        post(client, url("resolution_transition", tax.pk), {"to": "done"}, headers)
    ) == {"to": ["enum"]}
    assert snapshot() == before


def test_the_secretariat_accepts_a_reported_execution(client, secretariat, resolution_in, bearer):
    resolution = resolution_in(R.REPORTED)

    detail = client.get(url("resolution_detail", resolution.pk), headers=bearer(secretariat)).json()
    assert {m["to"] for m in detail["allowed_moves"]} == {"executed", "in_progress", "not_executed"}
    response = post(
        client, url("resolution_transition", resolution.pk), {"to": "executed"}, bearer(secretariat)
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "executed"
    resolution.refresh_from_db()
    assert resolution.state == R.EXECUTED


def test_an_agency_reports_progress_in_text_only(client, officer, secretariat, held, bearer):
    tax = of(held, 1)

    response = post(
        client,
        url("resolution_report", tax.pk),
        {"text": "  نیمی از مبلغ پرداخت شد. "},
        bearer(officer),
    )

    assert response.status_code == 201, response.content
    report = response.json()
    assert (report["kind"], report["text"], report["files"]) == (
        "progress",
        "نیمی از مبلغ پرداخت شد.",
        [],
    )
    assert report["author"] == str(officer)
    listed = client.get(url("resolution_report_list", tax.pk), headers=bearer(secretariat))
    assert [r["id"] for r in listed.json()] == [report["id"]]
    assert ProgressReport.objects.get().resolution == tax
    # The secretariat reports nothing; a blank text is no report.
    by_secretariat = post(
        client, url("resolution_report", tax.pk), {"text": "x"}, bearer(secretariat)
    )
    assert rule(by_secretariat)[:2] == (403, "permission_denied")
    assert field_codes(
        post(client, url("resolution_report", tax.pk), {"text": ""}, bearer(officer))
    ) == {"text": ["string_too_short"]}
    assert ProgressReport.objects.count() == 1


def test_the_register_filters_by_agency_meeting_state_bucket_overdue_and_text(
    client, secretariat, held, resolution_in, customs_agency, clock, bearer
):
    headers = bearer(secretariat)
    tax, customs = of(held, 1), of(held, 2)
    resolution_start(actor=None, resolution=customs)

    def found(**query):
        return codes(client.get(RESOLUTIONS, query, headers=headers))

    assert found() == ["227/1", "227/2"]
    assert found(agency=customs_agency.pk) == ["227/2"]
    assert found(meeting=held.pk, state="in_progress") == ["227/2"]
    assert found(bucket="follow_up") == ["227/1", "227/2"]
    assert found(bucket="executed") == []
    assert found(text="گمرک") == ["227/2"]
    assert found(overdue="true") == []
    clock.set(dt.date(2025, 2, 20))
    assert found(overdue="true") == ["227/1", "227/2"]
    item = client.get(RESOLUTIONS, {"agency": customs_agency.pk}, headers=headers).json()["items"][
        0
    ]
    assert item["overdue"] is True
    assert item["case"] == held.items.get().case.tracking
    assert item["meeting"]["number"] == 227
    assert field_codes(client.get(RESOLUTIONS, {"bucket": "late"}, headers=headers)) == {
        "bucket": ["literal_error"]
    }
    assert field_codes(client.get(RESOLUTIONS, {"text": "گمرک\x00"}, headers=headers)) == {
        "text": ["nul_character"]
    }
    assert tax.state == R.NOTIFIED


def test_drafts_are_not_in_the_register_and_only_the_addressed_who_see_the_meeting_see_them(
    client, secretariat, officer, other_officer, owner, resolution_in, bearer
):
    draft = resolution_in(R.DRAFT)

    def status(user):
        return client.get(url("resolution_detail", draft.pk), headers=bearer(user)).status_code

    assert codes(client.get(RESOLUTIONS, headers=bearer(secretariat))) == []
    assert codes(client.get(RESOLUTIONS, headers=bearer(officer))) == []
    assert (status(secretariat), status(officer)) == (200, 200)
    # Customs is not addressed; the company does not see the session being held.
    assert (status(other_officer), status(owner)) == (404, 404)


def test_the_register_costs_the_same_queries_for_few_resolutions_and_many(
    client, secretariat, meetings, tax_agency, customs_agency, django_assert_max_num_queries
):
    _token, key = token_create(actor=secretariat, user=secretariat, name="count")
    headers = {"Authorization": f"Bearer {key}"}
    client.get(RESOLUTIONS, headers=headers)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(RESOLUTIONS, {"limit": 100}, headers=headers)
        assert response.status_code == 200
        return len(response.json()["items"]), len(queries)

    meetings.held(resolutions=2)
    # Token and user, roles, the page, the addressees with their agencies.
    with django_assert_max_num_queries(4):
        few = measure()
    for _n in range(3):
        meeting = meetings.held(resolutions=3)
        Resolution.objects.filter(meeting=meeting).first().addressees.create(agency=customs_agency)
    with django_assert_max_num_queries(4):
        many = measure()

    assert (few[0], many[0]) == (2, 11)
    assert few[1] == many[1]


def test_the_resolution_detail_reads_a_bounded_number_of_queries(
    client, secretariat, officer, held, bearer, django_assert_max_num_queries
):
    tax = of(held, 1)
    for n in range(3):
        post(
            client,
            url("resolution_report", tax.pk),
            {"text": f"گزارش پیشرفت {n}"},
            bearer(officer),
        )
    _token, key = token_create(actor=secretariat, user=secretariat, name="count")
    headers = {"Authorization": f"Bearer {key}"}
    client.get(url("resolution_detail", tax.pk), headers=headers)

    # Token and user, roles, the resolution, its agencies, the caller's part in it (twice:
    # moves and reporting), the reports, their files.
    with django_assert_max_num_queries(8):
        response = client.get(url("resolution_detail", tax.pk), headers=headers)

    assert response.status_code == 200
    assert len(response.json()["reports"]) == 3


def test_the_bucket_choices_match_the_register(db):
    assert set(typing.get_args(meeting_schemas.Bucket)) == set(selectors.BUCKETS)


def test_unknown_ids_are_not_found(client, secretariat, bearer):
    headers = bearer(secretariat)

    for path in (
        url("resolution_detail", 99),
        url("resolution_detail", 2**40),
        url("meeting_detail", 99),
        url("meeting_proposals", 0),
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_the_api_is_closed_without_a_token(client, held):
    assert client.get(MEETINGS).status_code == 401
    assert client.get(RESOLUTIONS).status_code == 401
    assert client.get(BODIES).status_code == 401


def test_starts_at_in_tehran_time_is_kept_as_given(client, secretariat, hq, bearer):
    response = post(
        client,
        CREATE,
        {"body": hq.pk, "starts_at": "2025-01-15T09:00:00+03:30"},
        bearer(secretariat),
    )

    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.starts_at == dt.datetime(2025, 1, 15, 9, 0, tzinfo=TEHRAN)
