"""The meeting list and the resolution register behind the dashboard's figures: the link
`figures.links` builds for sessions held or resolutions issued lists exactly the rows the figure
counts (province, kind of body, county, bucket, agency, the local day of the session), and a
wrong value in those filters is shown on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tashil.agencies.models import Agency
from tashil.figures import links
from tashil.figures.period import Period
from tashil.figures.selectors import (
    county_comparison,
    resolution_figures,
    scorecards,
    session_figures,
)
from tashil.meetings.models import Body, Meeting, Presence, Resolution
from tashil.meetings.services import AttendanceRow, attendance_record, meeting_close
from tashil.meetings.tests.conftest import NEXT_WEDNESDAY, TEHRAN, MeetingBuilder
from tashil.meetings.workflow import MeetingKind, ResolutionState

pytestmark = pytest.mark.django_db

R = ResolutionState
AZAR = Period.jalali_month(1403, 9)
DEY = Period.jalali_month(1403, 10)


def tehran(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TEHRAN)


MID_AZAR = tehran(AZAR.start + dt.timedelta(days=10), 9)
LAST_EVENING = tehran(AZAR.end, 23, 30)
# Dey's, although in UTC it is still the last evening of Azar.
FIRST_NIGHT_OF_DEY = tehran(DEY.start, 0, 30)
LAST_NIGHT_OF_ABAN = tehran(AZAR.start - dt.timedelta(days=1), 23, 59)


def held_at(meeting: Meeting, moment: dt.datetime) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=moment)
    meeting.refresh_from_db()
    return meeting


class Sessions:
    def __init__(self, meetings: MeetingBuilder, secretariat: Any) -> None:
        self.meetings = meetings
        self.secretariat = secretariat
        self.days = 0

    def plan(self, body: Body) -> Meeting:
        # A day apart, as a body meets at most once at a time.
        self.days += 1
        return self.meetings.plan(
            body=body, starts_at=NEXT_WEDNESDAY + dt.timedelta(days=self.days)
        )

    def hold(self, body: Body, moment: dt.datetime) -> Meeting:
        meeting = self.plan(body)
        attendance_record(
            actor=self.secretariat,
            meeting=meeting,
            rows=[
                AttendanceRow(agency=agency, presence=Presence.PRESENT)
                for agency in body.members.all()
            ],
        )
        return held_at(meeting_close(actor=self.secretariat, meeting=meeting), moment)


@pytest.fixture
def sessions(
    clock: Any,
    meetings: MeetingBuilder,
    secretariat: Any,
    hq: Body,
    county_hq: Body,
    working_group: Body,
    other_county: Any,
    tax_agency: Any,
) -> dict[str, Meeting]:
    other_county_hq = Body.objects.create(
        province=hq.province, kind=MeetingKind.COUNTY, county=other_county, name="ستاد تاکستان"
    )
    other_county_hq.members.set([tax_agency])
    held = Sessions(meetings, secretariat)
    return {
        "hq": held.hold(hq, LAST_EVENING),
        "hq_in_dey": held.hold(hq, FIRST_NIGHT_OF_DEY),
        "hq_in_aban": held.hold(hq, LAST_NIGHT_OF_ABAN),
        "hq_planned": held_at(held.plan(hq), MID_AZAR),
        "county": held.hold(county_hq, MID_AZAR),
        "other_county": held.hold(other_county_hq, tehran(AZAR.start, 0, 10)),
        "working_group": held.hold(working_group, MID_AZAR),
    }


def listed_sessions(response: Any) -> set[int]:
    assert response.status_code == 200
    assert not response.context["form"].errors
    return {m.pk for m in [*response.context["upcoming"], *response.context["past"]]}


def pks(rows: dict[str, Any], names: set[str]) -> set[int]:
    return {rows[name].pk for name in names}


HELD_IN_AZAR = {
    MeetingKind.PROVINCIAL: {"hq"},
    MeetingKind.COUNTY: {"county", "other_county"},
    MeetingKind.WORKING_GROUP: {"working_group"},
}


@pytest.mark.parametrize("kind", list(MeetingKind.values))
def test_each_kinds_sessions_link_lists_the_sessions_its_figure_counts(
    client: Any, secretariat: Any, province: Any, sessions: dict[str, Meeting], kind: str
) -> None:
    client.force_login(secretariat)

    shown = listed_sessions(client.get(links.sessions(province, AZAR, kind=kind)))

    assert shown == pks(sessions, HELD_IN_AZAR[kind])
    assert len(shown) == getattr(session_figures(province=province, period=AZAR), kind)


def test_the_sessions_link_without_a_kind_lists_every_session_held_in_the_period(
    client: Any, secretariat: Any, province: Any, sessions: dict[str, Meeting]
) -> None:
    client.force_login(secretariat)

    in_azar = listed_sessions(client.get(links.sessions(province, AZAR)))
    in_dey = listed_sessions(client.get(links.sessions(province, DEY)))

    assert in_azar == pks(sessions, set().union(*HELD_IN_AZAR.values()))
    assert len(in_azar) == session_figures(province=province, period=AZAR).total
    assert sessions["hq_in_dey"].pk in in_dey
    assert len(in_dey) == session_figures(province=province, period=DEY).total


def test_a_countys_sessions_link_lists_what_the_county_comparison_counts(
    client: Any,
    secretariat: Any,
    province: Any,
    county: Any,
    sessions: dict[str, Meeting],
) -> None:
    client.force_login(secretariat)
    row = next(r for r in county_comparison(province=province, period=AZAR) if r.county == county)

    shown = listed_sessions(
        client.get(links.sessions(province, AZAR, kind=MeetingKind.COUNTY, county=county.pk))
    )

    assert shown == {sessions["county"].pk}
    assert len(shown) == row.county_sessions


# --- The register -------------------------------------------------------------------------------


@pytest.fixture
def issued(
    clock: Any,
    resolution_in: Any,
    meetings: MeetingBuilder,
    customs_agency: Any,
    other_county: Any,
) -> dict[str, Resolution]:
    """Resolutions of sessions held in Azar in each state, one addressed to customs, one on a
    case of another county; and two of sessions held just outside Azar. (A provincial
    session's resolution is of its case's county.)"""
    found = {
        "executed": resolution_in(R.EXECUTED),
        "in_progress": resolution_in(R.IN_PROGRESS),
        "objected": resolution_in(R.OBJECTED),
        "not_executed": resolution_in(R.NOT_EXECUTED),
        "cancelled": resolution_in(R.CANCELLED),
        "in_dey": resolution_in(R.EXECUTED),
        "in_aban": resolution_in(R.NOT_EXECUTED),
    }
    meeting = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=1))
    meetings.draft(meetings.with_case(meeting), agencies=[customs_agency])
    meetings.attend(meeting)
    meeting_close(actor=meetings.secretariat, meeting=meeting)
    found["customs"] = meeting.resolutions.get()
    moments = {name: MID_AZAR for name in found}
    moments.update(executed=LAST_EVENING, in_dey=FIRST_NIGHT_OF_DEY, in_aban=LAST_NIGHT_OF_ABAN)
    for name, resolution in found.items():
        held_at(resolution.meeting, moments[name])
    Resolution.objects.filter(pk=found["in_progress"].pk).update(county=other_county)
    return found


ISSUED_IN_AZAR = {
    "": {"executed", "in_progress", "objected", "not_executed", "cancelled", "customs"},
    "executed": {"executed"},
    "follow_up": {"in_progress", "objected", "customs"},
    "not_executed": {"not_executed"},
}
FIGURE = {
    "": "total",
    "executed": "executed",
    "follow_up": "follow_up",
    "not_executed": "not_executed",
}


def listed_resolutions(response: Any) -> set[int]:
    assert response.status_code == 200
    assert not response.context["form"].errors
    return {r.pk for r in response.context["resolutions"]}


@pytest.mark.parametrize("bucket", sorted(ISSUED_IN_AZAR))
def test_each_buckets_resolutions_link_lists_what_its_figure_counts(
    client: Any, secretariat: Any, province: Any, issued: dict[str, Resolution], bucket: str
) -> None:
    client.force_login(secretariat)

    shown = listed_resolutions(client.get(links.resolutions(province, AZAR, bucket=bucket)))

    assert shown == pks(issued, ISSUED_IN_AZAR[bucket])
    figures = resolution_figures(province=province, period=AZAR)
    assert len(shown) == getattr(figures, FIGURE[bucket])


def test_an_agencys_resolution_links_list_what_its_scorecard_counts(
    client: Any,
    secretariat: Any,
    province: Any,
    tax_agency: Any,
    customs_agency: Any,
    issued: dict[str, Resolution],
) -> None:
    client.force_login(secretariat)
    cards = {
        card.agency: card
        for card in scorecards(
            province=province,
            period=AZAR,
            agencies=Agency.objects.filter(pk__in=[tax_agency.pk, customs_agency.pk]),
            today=timezone.localdate(),
        )
    }

    for agency, bucket, names in (
        (tax_agency, "executed", {"executed"}),
        (tax_agency, "follow_up", {"in_progress", "objected"}),
        (tax_agency, "not_executed", {"not_executed"}),
        (customs_agency, "follow_up", {"customs"}),
    ):
        shown = listed_resolutions(
            client.get(links.resolutions(province, AZAR, bucket=bucket, agency=agency.pk))
        )
        assert shown == pks(issued, names)
        assert len(shown) == getattr(cards[agency], bucket)


def test_each_countys_resolutions_link_lists_what_the_county_comparison_counts(
    client: Any,
    secretariat: Any,
    province: Any,
    county: Any,
    other_county: Any,
    issued: dict[str, Resolution],
) -> None:
    client.force_login(secretariat)
    rows = {row.county: row for row in county_comparison(province=province, period=AZAR)}

    for place, names in (
        (county, ISSUED_IN_AZAR[""] - {"in_progress"}),
        (other_county, {"in_progress"}),
    ):
        shown = listed_resolutions(client.get(links.resolutions(province, AZAR, county=place.pk)))
        assert shown == pks(issued, names)
        assert len(shown) == rows[place].resolutions.total


# --- Wrong input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "error"),
    [
        ({"province": "XX"}, "province", "گزینهٔ معتبر"),
        ({"kind": "national"}, "kind", "گزینهٔ معتبر"),
        ({"county": "abc"}, "county", "گزینهٔ معتبر"),
        ({"held_from": "1403/02/32"}, "held_from", "۳۲"),
        ({"held_from": "1403/10/01", "held_to": "1403/09/01"}, "held_to", "پایان بازه"),
    ],
)
def test_a_wrong_meeting_filter_is_shown_in_persian_beside_its_field(
    client: Any, secretariat: Any, params: dict[str, str], field: str, error: str
) -> None:
    client.force_login(secretariat)

    response = client.get(reverse("meetings:list"), params)

    assert response.status_code == 200
    (message,) = response.context["form"].errors[field]
    assert error in message
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "error"),
    [
        ({"province": "XX"}, "province", "گزینهٔ معتبر"),
        ({"county": "999999"}, "county", "گزینهٔ معتبر"),
        ({"issued_to": "1403-13-01"}, "issued_to", "ماه"),
        ({"issued_from": "1403/10/01", "issued_to": "1403/09/01"}, "issued_to", "پایان بازه"),
    ],
)
def test_a_wrong_register_filter_is_shown_in_persian_beside_its_field(
    client: Any, secretariat: Any, params: dict[str, str], field: str, error: str
) -> None:
    client.force_login(secretariat)

    response = client.get(reverse("meetings:register"), params)

    assert response.status_code == 200
    (message,) = response.context["form"].errors[field]
    assert error in message
    assert message in response.content.decode()
