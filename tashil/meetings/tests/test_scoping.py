"""Who sees which meetings and resolutions, who counts as which actor, and the follow-up figures
(Qazvin reports resolutions as executed / in follow-up / not executed).

The register of this file (all on company A's cases in county 2603 unless said otherwise):
- 227/1 of the provincial HQ, to the tax agency, issued;
- 227/2 of the provincial HQ, to the customs agency, issued;
- 1/1 of the county HQ (county 2603), to the tax agency, issued;
- 228/1 of the provincial HQ, still a draft of the planned session, on company B's case (county
  2602), to the tax agency.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404

from tashil.accounts.models import User
from tashil.cases.tests.conftest import S
from tashil.meetings.models import Resolution
from tashil.meetings.selectors import (
    ResolutionFilters,
    agency_figures,
    agency_resolutions,
    meeting_get_for_user,
    meetings_for_user,
    resolution_get_for_user,
    resolution_list,
    resolution_totals,
    resolutions_for_user,
)
from tashil.meetings.services import (
    agenda_add_case,
    meeting_close,
    meeting_create,
    resolution_actor_kinds,
    resolution_move,
)
from tashil.meetings.tests.conftest import NEXT_WEDNESDAY, ROUTES
from tashil.meetings.workflow import RESOLUTION_TRANSITIONS, Actor, ResolutionState

pytestmark = pytest.mark.django_db

R = ResolutionState
CAST = [
    "secretariat",
    "executive",
    "officer",
    "agency_head",
    "other_officer",
    "owner",
    "other_owner",
    "county_secretary",
    "other_county_secretary",
    "expert",
]


@pytest.fixture(autouse=True)
def _frozen(clock: Any) -> Any:
    return clock


@pytest.fixture
def persona(request: pytest.FixtureRequest) -> Any:
    def get(name: str) -> Any:
        return None if name == "system" else request.getfixturevalue(name)

    return get


class Register:
    def __init__(self) -> None:
        self.by_code: dict[str, Resolution] = {}
        self.meetings: dict[str, Any] = {}

    def codes(self, rows: Any) -> set[str]:
        names = {r.pk: code for code, r in self.by_code.items()}
        return {names[r.pk] for r in rows}


@pytest.fixture
def register(
    meetings: Any,
    county_hq: Any,
    working_group: Any,
    case_in: Any,
    secretariat: Any,
    tax_agency: Any,
    customs_agency: Any,
    other_owner: Any,
    other_company: Any,
) -> Register:
    found = Register()
    held = meetings.plan()
    item = meetings.with_case(held)
    found.by_code["227/1"] = meetings.draft(item, agencies=[tax_agency])
    found.by_code["227/2"] = meetings.draft(item, text="گمرک ترخیص کند", agencies=[customs_agency])
    meetings.attend(held)
    meeting_close(actor=secretariat, meeting=held)

    county = meeting_create(actor=secretariat, body=county_hq, starts_at=NEXT_WEDNESDAY)
    county_item = agenda_add_case(
        actor=secretariat, meeting=county, case=case_in(S.ON_AGENDA, title="آب شهرک")
    )
    found.by_code["1/1"] = meetings.draft(county_item, agencies=[tax_agency])
    meetings.attend(county)
    meeting_close(actor=secretariat, meeting=county)

    planned = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))
    other_case = case_in(S.ON_AGENDA, actor=other_owner, company=other_company)
    planned_item = agenda_add_case(actor=secretariat, meeting=planned, case=other_case)
    found.by_code["228/1"] = meetings.draft(planned_item, agencies=[tax_agency])

    group = meeting_create(actor=secretariat, body=working_group, starts_at=NEXT_WEDNESDAY)
    found.meetings = {"227": held, "county 1": county, "228": planned, "group 1": group}
    for resolution in found.by_code.values():
        resolution.refresh_from_db()
    return found


# --- Resolutions -------------------------------------------------------------------------------

SEES: dict[str, set[str]] = {
    "secretariat": {"227/1", "227/2", "1/1", "228/1"},
    "executive": {"227/1", "227/2", "1/1", "228/1"},
    # Addressed to their agency; the draft too, as the tax agency sits on the provincial HQ.
    "officer": {"227/1", "1/1", "228/1"},
    "agency_head": {"227/1", "1/1", "228/1"},
    "other_officer": {"227/2"},
    # On the company's own cases; a company sees no draft.
    "owner": {"227/1", "227/2", "1/1"},
    "other_owner": set(),
    "county_secretary": {"227/1", "227/2", "1/1"},
    # Company B's case is of county 2602, but the provincial HQ's draft is not theirs to see.
    "other_county_secretary": set(),
    # Not assigned to any of these cases.
    "expert": set(),
}


@pytest.mark.parametrize("name", CAST)
def test_each_persona_sees_the_resolutions_of_their_scope(
    register: Register, persona: Any, name: str
) -> None:
    user = persona(name)

    assert register.codes(resolutions_for_user(user)) == SEES[name]
    for code, resolution in register.by_code.items():
        if code in SEES[name]:
            assert resolution_get_for_user(user, resolution.pk) == resolution
        else:
            with pytest.raises(Http404):
                resolution_get_for_user(user, resolution.pk)


@pytest.mark.parametrize(
    ("name", "after"),
    [
        ("other_owner", {"228/1"}),
        ("other_county_secretary", {"228/1"}),
        ("officer", {"227/1", "1/1", "228/1"}),
        ("other_officer", {"227/2"}),
    ],
)
def test_a_draft_becomes_visible_to_its_case_and_county_when_the_session_closes(
    register: Register, meetings: Any, secretariat: Any, persona: Any, name: str, after: set[str]
) -> None:
    planned = register.meetings["228"]
    meetings.attend(planned)

    meeting_close(actor=secretariat, meeting=planned)

    assert register.codes(resolutions_for_user(persona(name))) == after


def test_a_draft_for_an_agency_not_on_the_body_is_hidden_from_it_until_issued(
    meetings: Any,
    county_hq: Any,
    case_in: Any,
    secretariat: Any,
    customs_agency: Any,
    other_officer: Any,
) -> None:
    # The customs agency does not sit on the county HQ, so it does not see its session.
    meeting = meeting_create(actor=secretariat, body=county_hq, starts_at=NEXT_WEDNESDAY)
    item = agenda_add_case(actor=secretariat, meeting=meeting, case=case_in(S.ON_AGENDA))
    draft = meetings.draft(item, agencies=[customs_agency])
    assert not resolutions_for_user(other_officer).exists()

    meetings.attend(meeting)
    meeting_close(actor=secretariat, meeting=meeting)

    assert list(resolutions_for_user(other_officer)) == [draft]


# --- Meetings ----------------------------------------------------------------------------------

SEES_MEETINGS: dict[str, set[str]] = {
    "secretariat": {"227", "228", "county 1", "group 1"},
    "executive": {"227", "228", "county 1", "group 1"},
    # The tax agency sits on every body of the test province.
    "officer": {"227", "228", "county 1", "group 1"},
    "agency_head": {"227", "228", "county 1", "group 1"},
    # The customs agency sits only on the provincial HQ.
    "other_officer": {"227", "228"},
    "owner": set(),
    "other_owner": set(),
    "county_secretary": {"county 1"},
    "other_county_secretary": set(),
    "expert": set(),
}


@pytest.mark.parametrize("name", CAST)
def test_member_agencies_and_the_secretariat_see_the_bodys_meetings_and_no_one_else(
    register: Register, persona: Any, name: str
) -> None:
    user = persona(name)
    names = {m.pk: n for n, m in register.meetings.items()}

    assert {names[m.pk] for m in meetings_for_user(user)} == SEES_MEETINGS[name]
    for label, meeting in register.meetings.items():
        if label in SEES_MEETINGS[name]:
            assert meeting_get_for_user(user, meeting.pk) == meeting
        else:
            with pytest.raises(Http404):
                meeting_get_for_user(user, meeting.pk)


# --- Who counts as which actor -----------------------------------------------------------------

KINDS: dict[str, dict[str, set[str]]] = {
    # On the provincial HQ's 227/1 (tax agency, a case of county 2603).
    "227/1": {
        "secretariat": {Actor.SECRETARIAT},
        "officer": {Actor.AGENCY},
        "agency_head": {Actor.AGENCY},
        "county_secretary": set(),  # the provincial HQ's decisions are not the county's
        "other_officer": set(),
        "owner": set(),
        "executive": set(),
        "system": {Actor.SYSTEM},
    },
    # On the county HQ's 1/1 (tax agency).
    "1/1": {
        "secretariat": {Actor.SECRETARIAT},
        "county_secretary": {Actor.SECRETARIAT},
        "other_county_secretary": set(),
        "officer": {Actor.AGENCY},
        "other_officer": set(),
        "owner": set(),
        "executive": set(),
        "system": {Actor.SYSTEM},
    },
}


@pytest.mark.parametrize(
    ("code", "name"), [(code, name) for code, names in KINDS.items() for name in names]
)
def test_each_persona_counts_as_the_right_actor(
    register: Register, persona: Any, code: str, name: str
) -> None:
    resolution = register.by_code[code]

    assert resolution_actor_kinds(persona(name), resolution) == KINDS[code][name]


# --- The figures -------------------------------------------------------------------------------

TODAY = dt.date(2025, 2, 19)


@pytest.fixture
def figures(
    meetings: Any,
    secretariat: Any,
    officer: Any,
    other_officer: Any,
    tax_agency: Any,
    customs_agency: Any,
) -> dict[int, Resolution]:
    """Session 227's eight resolutions, one per line: (state, agencies, deadline, text).
    On 19 February only number 3 is overdue (4 and 8 are due at the end of March, 5 was
    reported)."""
    tax, customs, both = [tax_agency], [customs_agency], [tax_agency, customs_agency]
    early, late = dt.date(2025, 2, 1), dt.date(2025, 3, 30)
    plan = {
        1: (R.EXECUTED, tax, early, "پرداخت استرداد مالیات"),
        2: (R.EXECUTED, both, early, "ترخیص ماشین‌آلات"),
        3: (R.IN_PROGRESS, tax, early, "بخشودگی جرائم"),
        4: (R.NOTIFIED, customs, late, "تعیین تعرفه"),
        5: (R.REPORTED, tax, early, "صدور مفاصاحساب"),
        6: (R.NOT_EXECUTED, customs, early, "تمدید کارت بازرگانی"),
        7: (R.CANCELLED, tax, early, "تقسیط بدهی"),
        8: (R.OBJECTED, both, late, "حمایت از شرکت‌های دانش‌بنیان"),
    }
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    found = {
        n: meetings.draft(item, text=text, agencies=agencies, deadline=deadline)
        for n, (_state, agencies, deadline, text) in plan.items()
    }
    meetings.attend(meeting)
    meeting_close(actor=secretariat, meeting=meeting)
    for n, (state, agencies, *_rest) in plan.items():
        # The tax officer acts for the tax agency's resolutions, the customs officer for the rest.
        agency_actor = officer if tax_agency in agencies else other_officer
        found[n].refresh_from_db()
        for target in ROUTES[state]:
            found_move = RESOLUTION_TRANSITIONS[found[n].state][target]
            actor = agency_actor if Actor.AGENCY in found_move.actors else secretariat
            resolution_move(actor=actor, resolution=found[n], to=target, reason="گزارش")
    # A draft of the next session counts nowhere.
    following = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(days=7))
    meetings.draft(meetings.with_case(following, title="پرونده دیگر"), agencies=tax)
    return found


def _numbers(found: dict[int, Resolution], rows: Any) -> list[int]:
    by_pk = {r.pk: n for n, r in found.items()}
    return [by_pk[r.pk] for r in rows]


def test_the_figures_count_each_agencys_resolutions_by_outcome(
    figures: dict[int, Resolution], secretariat: Any
) -> None:
    rows = agency_figures(secretariat, today=TODAY)

    assert [
        (r.agency.code, r.total, r.executed, r.follow_up, r.not_executed, r.overdue) for r in rows
    ] == [
        # The most overdue first.
        ("tax", 6, 2, 3, 0, 1),
        ("customs", 4, 1, 2, 1, 0),
    ]
    # Withdrawn resolutions are neither done nor pending.
    assert [r.executed_share for r in rows] == [40, 25]


def test_the_headline_counts_each_resolution_once_however_many_agencies_it_names(
    figures: dict[int, Resolution], secretariat: Any
) -> None:
    assert resolution_totals(secretariat, today=TODAY) == {
        "total": 8,
        "executed": 2,
        "follow_up": 4,
        "not_executed": 1,
        "overdue": 1,
    }


def test_an_agency_counts_only_what_it_may_see(
    figures: dict[int, Resolution], officer: Any, secretariat: Any
) -> None:
    assert resolution_totals(officer, today=TODAY) == {
        "total": 6,
        "executed": 2,
        "follow_up": 3,
        "not_executed": 0,
        "overdue": 1,
    }
    mine = next(r for r in agency_figures(officer, today=TODAY) if r.agency.code == "tax")
    theirs = next(r for r in agency_figures(secretariat, today=TODAY) if r.agency.code == "tax")
    assert mine == theirs


def test_an_agencys_inbox_holds_what_waits_on_it(
    figures: dict[int, Resolution], officer: Any, other_officer: Any
) -> None:
    assert _numbers(figures, agency_resolutions(officer, today=TODAY)) == [3, 5, 8]
    assert _numbers(figures, agency_resolutions(other_officer, today=TODAY)) == [4, 8]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [1, 2, 3, 5, 6, 7, 4, 8]),
        ({"agency": "customs"}, [2, 6, 4, 8]),
        ({"bucket": "executed"}, [1, 2]),
        ({"bucket": "follow_up"}, [3, 5, 4, 8]),
        ({"bucket": "not_executed"}, [6]),
        ({"overdue": True}, [3]),
        ({"state": R.OBJECTED}, [8]),
        ({"bucket": "follow_up", "agency": "tax"}, [3, 5, 8]),
        ({"text": "دانش‌بنیان"}, [8]),  # with the zero-width non-joiner
        ({"text": "دانشبنیان"}, [8]),  # without it
        ({"text": "دانش\u200cبنيان"}, [8]),  # Arabic yeh, as some keyboards type it
        ({"text": "ماشینآلات"}, [2]),
    ],
    ids=[
        "all",
        "agency",
        "executed",
        "follow-up",
        "not-executed",
        "overdue",
        "state",
        "bucket-and-agency",
        "text-zwnj",
        "text-joined",
        "text-arabic-yeh",
        "text-joined-2",
    ],
)
def test_the_register_filters(
    figures: dict[int, Resolution],
    secretariat: Any,
    tax_agency: Any,
    customs_agency: Any,
    filters: dict[str, Any],
    expected: list[int],
) -> None:
    agencies = {"tax": tax_agency.pk, "customs": customs_agency.pk}
    if "agency" in filters:
        filters = {**filters, "agency": agencies[filters["agency"]]}

    rows = resolution_list(secretariat, ResolutionFilters(**filters), today=TODAY)

    # Oldest deadline first, then the minutes' order; drafts are not in the register.
    assert _numbers(figures, rows) == expected


def test_the_register_is_read_in_a_fixed_number_of_queries(
    figures: dict[int, Resolution], secretariat: Any, django_assert_max_num_queries: Any
) -> None:
    user = User.objects.get(pk=secretariat.pk)  # no roles cached yet

    with django_assert_max_num_queries(3):
        rows = list(resolution_list(user, ResolutionFilters(), today=TODAY))
        shown = [
            (
                r.code,
                r.meeting.body.name,
                r.case.title,
                [a.agency.name for a in r.addressees.all()],
                r.is_overdue(TODAY),
            )
            for r in rows
        ]

    assert len(shown) == 8


def test_the_figures_are_read_in_a_fixed_number_of_queries(
    figures: dict[int, Resolution], secretariat: Any, django_assert_max_num_queries: Any
) -> None:
    user = User.objects.get(pk=secretariat.pk)

    with django_assert_max_num_queries(3):
        rows = agency_figures(user, today=TODAY)
        totals = resolution_totals(user, today=TODAY)
        names = [r.agency.name for r in rows]

    assert len(names) == 2 and totals["total"] == 8


def test_a_long_resolution_keeps_a_search_key_that_fits_its_column(
    meetings: Any, secretariat: Any
) -> None:
    text = " ".join(["اداره کل امور مالیاتی موظف است استرداد را پرداخت کند."] * 12)
    assert len(text) > 400
    meeting = meetings.plan()

    resolution = meetings.draft(meetings.with_case(meeting), text=text + " دانش‌بنیان")

    # The whole text is searchable, its end included.
    assert resolution.search_key.endswith("دانشبنیان")
    meetings.attend(meeting)
    meeting_close(actor=secretariat, meeting=meeting)
    found = resolution_list(secretariat, ResolutionFilters(text="دانشبنیان"))
    assert list(found) == [resolution]
