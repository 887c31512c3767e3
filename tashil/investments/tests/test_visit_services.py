"""Official visits and their programme: days, stops, and openings that set the project's
opening date with the visit as the source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from tashil.factories import CompanyFactory, CountyFactory, ProvinceFactory
from tashil.investments.models import (
    Event,
    ExportKind,
    ItineraryItem,
    ItineraryKind,
    Project,
    ProjectUpdate,
    Visit,
)
from tashil.investments.selectors import jalali_year, visit_get_for_user, visit_summary
from tashil.investments.services import (
    export_record,
    item_add,
    item_remove,
    item_update,
    openings_due,
    visit_create,
    visit_update,
)
from tashil.investments.tests.conftest import RATE, dollars
from tashil.investments.workflow import ProjectStatus

pytestmark = pytest.mark.django_db

K = ItineraryKind


def field_errors(raised: Any) -> set[str]:
    return set(raised.value.message_dict)


def add(visit: Visit, **fields: Any) -> ItineraryItem:
    fields.setdefault("actor", None)
    fields.setdefault("day", visit.starts_on)
    fields.setdefault("kind", K.MEETING)
    fields.setdefault("title", "دیدار")
    return item_add(visit=visit, **fields)


def openings_of(project: Project) -> list[ProjectUpdate]:
    return list(project.updates.filter(kind=ProjectUpdate.Kind.OPENED).order_by("created_at", "id"))


@pytest.fixture
def three_day_visit(province: Any, today: dt.date) -> Visit:
    """A visit that ended yesterday, three days long: openings may be recorded on any day."""
    return visit_create(
        actor=None,
        province=province,
        title="سفر وزیر صمت",
        visitor_name="محمد اتابک",
        visitor_title="وزیر صنعت، معدن و تجارت",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today - dt.timedelta(days=1),
    )


@pytest.fixture
def tehran_company(db: Any) -> Any:
    tehran = ProvinceFactory(code="23", name="تهران")
    return CompanyFactory(county=CountyFactory(province=tehran, code="2301", name="شمیرانات"))


# --- Visits --------------------------------------------------------------------------------------


def test_a_one_day_visit_ends_on_its_first_day(province, secretariat):
    visit = visit_create(
        actor=secretariat,
        province=province,
        title=" سفر سخنگوی دولت ",
        visitor_name="فاطمه مهاجرانی",
        visitor_title="سخنگوی دولت",
        starts_on=dt.date(2025, 12, 15),
    )

    stored = Visit.objects.get()
    assert (stored.title, stored.starts_on, stored.ends_on, stored.created_by) == (
        "سفر سخنگوی دولت",
        dt.date(2025, 12, 15),
        dt.date(2025, 12, 15),
        secretariat,
    )
    event = Event.objects.get(target=Event.Target.VISIT, target_id=visit.pk)
    assert (event.kind, event.actor) == ("created", secretariat)


def test_a_visit_that_ends_before_it_starts_is_refused(province):
    with pytest.raises(ValidationError) as raised:
        visit_create(
            actor=None,
            province=province,
            title="سفر",
            visitor_name="x",
            visitor_title="y",
            starts_on=dt.date(2025, 12, 15),
            ends_on=dt.date(2025, 12, 14),
        )
    assert field_errors(raised) == {"ends_on"}
    assert not Visit.objects.exists()


def test_a_visit_without_a_visitor_is_refused(province):
    with pytest.raises(ValidationError) as raised:
        visit_create(
            actor=None,
            province=province,
            title="سفر",
            visitor_name="  ",
            visitor_title="y",
            starts_on=dt.date(2025, 12, 15),
        )
    assert field_errors(raised) == {"visitor_name"}


def test_a_visit_update_records_what_changed(visit, secretariat):
    changed = visit_update(actor=secretariat, visit=visit, title="سفر استانی سخنگو", summary="")

    assert changed == ["title"]
    assert Visit.objects.get(pk=visit.pk).title == "سفر استانی سخنگو"
    event = Event.objects.get(target=Event.Target.VISIT, target_id=visit.pk, kind="updated")
    assert event.changes == {"title": ["سفر سخنگوی دولت به استان", "سفر استانی سخنگو"]}
    assert visit_update(actor=secretariat, visit=visit, title="سفر استانی سخنگو") == []
    assert Event.objects.filter(target=Event.Target.VISIT, kind="updated").count() == 1


def test_moving_the_days_of_a_visit_may_not_strand_its_items(three_day_visit):
    add(three_day_visit, day=three_day_visit.ends_on)
    original = (three_day_visit.starts_on, three_day_visit.ends_on)

    with pytest.raises(ValidationError) as raised:
        visit_update(
            actor=None, visit=three_day_visit, ends_on=three_day_visit.ends_on - dt.timedelta(1)
        )
    assert field_errors(raised) == {"ends_on"}
    with pytest.raises(ValidationError):
        visit_update(
            actor=None,
            visit=three_day_visit,
            starts_on=three_day_visit.ends_on + dt.timedelta(1),
            ends_on=three_day_visit.ends_on + dt.timedelta(2),
        )

    stored = Visit.objects.get(pk=three_day_visit.pk)
    assert (stored.starts_on, stored.ends_on) == original


def test_moving_the_days_around_the_items_is_allowed(three_day_visit):
    add(three_day_visit, day=three_day_visit.ends_on)

    visit_update(actor=None, visit=three_day_visit, starts_on=three_day_visit.ends_on)

    stored = Visit.objects.get(pk=three_day_visit.pk)
    assert stored.starts_on == stored.ends_on == three_day_visit.ends_on


def test_a_visit_may_not_end_before_it_starts_after_an_update(visit):
    with pytest.raises(ValidationError) as raised:
        visit_update(actor=None, visit=visit, ends_on=visit.starts_on - dt.timedelta(days=1))
    assert field_errors(raised) == {"ends_on"}


# --- Itinerary items -----------------------------------------------------------------------------


def test_items_are_numbered_within_their_day(three_day_visit):
    first_day, second_day = three_day_visit.starts_on, three_day_visit.starts_on + dt.timedelta(1)
    items = [
        add(three_day_visit, day=first_day, title="الف"),
        add(three_day_visit, day=second_day, title="ب"),
        add(three_day_visit, day=first_day, title="پ"),
    ]

    assert [(item.day, item.position) for item in items] == [
        (first_day, 0),
        (second_day, 0),
        (first_day, 1),
    ]


def test_an_opening_on_a_visit_opens_the_project(visit, cosmetics_line, secretariat):
    item = add(
        visit,
        actor=secretariat,
        kind=K.OPENING,
        title="افتتاح خط تولید محصولات آرایشی و بهداشتی",
        place="شهر صنعتی کاسپین",
        starts_at=dt.time(11, 30),
        project=cosmetics_line,
    )

    project = Project.objects.get(pk=cosmetics_line.pk)
    assert (project.status, project.opened_on, project.progress) == (
        ProjectStatus.OPERATING,
        visit.starts_on,
        100,
    )
    [opening] = openings_of(project)
    assert (opening.item, opening.on, opening.actor) == (item, visit.starts_on, secretariat)
    assert visit.title in opening.source
    assert opening.changes["opened_on"] == [None, visit.starts_on.isoformat()]
    # The company follows from the project.
    assert ItineraryItem.objects.get(pk=item.pk).company == cosmetics_line.company


def test_an_opening_names_its_project(visit):
    with pytest.raises(ValidationError) as raised:
        add(visit, kind=K.OPENING, title="افتتاح")
    assert field_errors(raised) == {"project"}
    assert not ItineraryItem.objects.exists()


def test_the_database_refuses_an_opening_without_a_project(visit):
    with pytest.raises(IntegrityError), transaction.atomic():
        ItineraryItem.objects.create(visit=visit, day=visit.starts_on, kind=K.OPENING, title="x")


def test_an_opening_on_a_coming_day_goes_on_the_programme_and_waits_for_its_day(
    province, cosmetics_line, today
):
    coming = visit_create(
        actor=None,
        province=province,
        title="سفر آینده",
        visitor_name="x",
        visitor_title="y",
        starts_on=today + dt.timedelta(days=7),
    )

    item = add(coming, kind=K.OPENING, project=cosmetics_line)

    assert ItineraryItem.objects.get(pk=item.pk).day == coming.starts_on
    project = Project.objects.get(pk=cosmetics_line.pk)
    assert (project.status, project.opened_on, project.progress) == (
        ProjectStatus.UNDER_CONSTRUCTION,
        None,
        95,
    )
    assert openings_of(project) == []
    # The daily job leaves it alone until its day.
    assert openings_due(today=today) == 0
    assert Project.objects.get(pk=cosmetics_line.pk).opened_on is None


def test_a_day_outside_the_visit_is_refused(visit):
    for day in (visit.starts_on - dt.timedelta(days=1), visit.ends_on + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as raised:
            add(visit, day=day)
        assert field_errors(raised) == {"day"}
    assert not ItineraryItem.objects.exists()


def test_a_company_or_project_of_another_province_is_refused(visit, tehran_company, make_project):
    far_project = make_project(tehran_company)

    with pytest.raises(ValidationError) as raised:
        add(visit, company=tehran_company)
    assert field_errors(raised) == {"company"}

    with pytest.raises(ValidationError) as raised:
        add(visit, kind=K.OPENING, project=far_project)
    assert "project" in field_errors(raised)

    assert Project.objects.get(pk=far_project.pk).status == ProjectStatus.PLANNED
    assert not ItineraryItem.objects.exists()


def test_a_project_of_another_company_than_the_item_is_refused(
    visit, cosmetics_line, other_company
):
    with pytest.raises(ValidationError) as raised:
        add(visit, company=other_company, project=cosmetics_line)
    assert field_errors(raised) == {"project"}


@pytest.fixture
def hq_meeting(province: Any) -> Any:
    from tashil.meetings.models import Body, Meeting
    from tashil.meetings.workflow import MeetingKind

    body = Body.objects.create(
        province=province, kind=MeetingKind.PROVINCIAL, name="ستاد تسهیل استان", first_number=227
    )
    return Meeting.objects.create(body=body, number=227, starts_at=timezone.now())


def test_an_item_may_name_an_hq_meeting_of_the_province(visit, hq_meeting):
    item = add(visit, kind=K.COUNCIL, title="جلسه ستاد", meeting=hq_meeting)
    assert ItineraryItem.objects.get(pk=item.pk).meeting == hq_meeting


def test_a_meeting_of_another_province_is_refused(visit, tehran_company):
    from tashil.meetings.models import Body, Meeting
    from tashil.meetings.workflow import MeetingKind

    body = Body.objects.create(
        province=tehran_company.province, kind=MeetingKind.PROVINCIAL, name="ستاد تهران"
    )
    meeting = Meeting.objects.create(body=body, number=1, starts_at=timezone.now())

    with pytest.raises(ValidationError) as raised:
        add(visit, meeting=meeting)
    assert field_errors(raised) == {"meeting"}


def test_moving_an_opening_to_another_day_withdraws_it_and_opens_on_the_new_day(
    three_day_visit, cosmetics_line
):
    first_day, last_day = three_day_visit.starts_on, three_day_visit.ends_on
    item = add(three_day_visit, day=first_day, kind=K.OPENING, project=cosmetics_line)

    changed = item_update(actor=None, item=item, day=last_day)

    assert changed == ["day"]
    project = Project.objects.get(pk=cosmetics_line.pk)
    assert (project.status, project.opened_on, project.progress) == (
        ProjectStatus.OPERATING,
        last_day,
        100,
    )
    earlier, later = openings_of(cosmetics_line)
    assert (earlier.on, later.on) == (first_day, last_day)
    assert later.item_id == earlier.item_id == item.pk
    # Withdrawn in between, the line opens afresh on the new day.
    withdrawn = cosmetics_line.updates.get(kind=ProjectUpdate.Kind.WITHDRAWN)
    assert withdrawn.changes["opened_on"] == [first_day.isoformat(), None]
    assert later.changes["opened_on"] == [None, last_day.isoformat()]
    assert later.changes["status"] == [ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.OPERATING]
    assert Event.objects.filter(target=Event.Target.ITEM, target_id=item.pk, kind="updated").get()


def test_renaming_an_opening_does_not_record_it_again(visit, cosmetics_line):
    item = add(visit, kind=K.OPENING, project=cosmetics_line)

    item_update(actor=None, item=item, title="افتتاح رسمی", place="کاسپین")

    assert len(openings_of(cosmetics_line)) == 1


def test_turning_a_stop_into_an_opening_opens_the_project(visit, cosmetics_line):
    item = add(visit, kind=K.EXHIBITION, title="بازدید از نمایشگاه", project=cosmetics_line)
    assert Project.objects.get(pk=cosmetics_line.pk).status == ProjectStatus.UNDER_CONSTRUCTION

    item_update(actor=None, item=item, kind=K.OPENING)

    assert Project.objects.get(pk=cosmetics_line.pk).opened_on == visit.starts_on
    assert openings_of(cosmetics_line)[0].item_id == item.pk


def test_moving_an_opening_outside_the_visit_is_refused(visit, cosmetics_line):
    item = add(visit, kind=K.OPENING, project=cosmetics_line)

    with pytest.raises(ValidationError) as raised:
        item_update(actor=None, item=item, day=visit.starts_on - dt.timedelta(days=1))

    assert field_errors(raised) == {"day"}
    assert ItineraryItem.objects.get(pk=item.pk).day == visit.starts_on
    assert Project.objects.get(pk=cosmetics_line.pk).opened_on == visit.starts_on


def test_removing_an_opening_withdraws_it_from_the_project(visit, cosmetics_line, secretariat):
    item = add(visit, kind=K.OPENING, project=cosmetics_line)
    pk = item.pk

    item_remove(actor=secretariat, item=item)

    assert not ItineraryItem.objects.exists()
    project = Project.objects.get(pk=cosmetics_line.pk)
    assert (project.status, project.opened_on, project.progress) == (
        ProjectStatus.UNDER_CONSTRUCTION,
        None,
        95,
    )
    [opening] = openings_of(project)
    assert opening.item is None
    assert visit.title in opening.source  # the history keeps the opening that was withdrawn
    withdrawn = project.updates.get(kind=ProjectUpdate.Kind.WITHDRAWN)
    assert withdrawn.source == gettext("Opening withdrawn from the visit «%(visit)s»") % {
        "visit": visit.title
    }
    assert withdrawn.changes == {
        "status": [ProjectStatus.OPERATING, ProjectStatus.UNDER_CONSTRUCTION],
        "progress": [100, 95],
        "opened_on": [visit.starts_on.isoformat(), None],
    }
    assert withdrawn.actor == secretariat
    removed = Event.objects.get(target=Event.Target.ITEM, target_id=pk, kind="removed")
    assert removed.actor == secretariat


# --- The visit summary ---------------------------------------------------------------------------


@pytest.fixture
def reference_visit(visit, cosmetics_line, destinations, company):
    """The reference scenario's programme (DOMAIN.md §9) with the line's export forecast for
    the year before the visit's, the visit's year and the year after, each a different sum."""
    year = jalali_year(visit.starts_on)
    for forecast_year, amount in ((year - 1, 300_000), (year, 500_000), (year + 1, 700_000)):
        for destination in (destinations.arab, destinations.russia):
            export_record(
                actor=None,
                company=company,
                project=cosmetics_line,
                kind=ExportKind.FORECAST,
                year=forecast_year,
                destination=destination,
                value=dollars(amount),
                source="سخنگوی دولت",
            )
    # Neither an actual figure nor the company's own forecast is the line's forecast.
    export_record(
        actor=None,
        company=company,
        project=cosmetics_line,
        kind=ExportKind.ACTUAL,
        year=year,
        destination=destinations.iraq,
        value=dollars(10),
        source="گمرک",
    )
    export_record(
        actor=None,
        company=company,
        kind=ExportKind.FORECAST,
        year=year,
        destination=destinations.china,
        value=dollars(10),
        source="شرکت",
    )
    at = dt.time
    add(visit, kind=K.MEETING, title="دیدار با امام جمعه", starts_at=at(8))
    add(visit, kind=K.EXHIBITION, title="نمایشگاه توانمندی‌های صنعتی", starts_at=at(9))
    add(visit, kind=K.OPENING, title="افتتاح خط تولید", starts_at=at(11), project=cosmetics_line)
    add(visit, kind=K.CEREMONY, title="مراسم روز زن", starts_at=at(15))
    add(visit, kind=K.COUNCIL, title="شورای اداری استان", starts_at=at(17))
    return visit


def test_the_summary_quotes_the_openings_and_their_figures(
    reference_visit, secretariat, cosmetics_line
):
    visit = visit_get_for_user(user=secretariat, pk=reference_visit.pk)
    assert visit is not None
    summary = visit_summary(visit, user=secretariat)

    assert [item.title for item in summary.openings] == ["افتتاح خط تولید"]
    assert summary.opened_projects == [cosmetics_line]
    assert summary.investment_rial == 4_000_000 * RATE
    assert (summary.jobs, summary.product_types) == (100, 90)
    # One year's forecast, the visit's: "a million dollars a year", not three years added up.
    assert summary.forecast_year == jalali_year(reference_visit.starts_on)
    forecast = summary.export_forecast
    assert (forecast.total.count, forecast.total.by_currency) == (2, {"USD": Decimal(1_000_000)})
    assert {group.code for group, _ in forecast.by_group} == {"arab_league", "eaeu", "neighbours"}
    assert [country.code for country, _ in forecast.by_country] == ["RU"]
    [(day, items)] = summary.days
    assert day == reference_visit.starts_on
    assert [item.starts_at for item in items] == [dt.time(h) for h in (8, 9, 11, 15, 17)]
    assert summary.kinds == [
        (kind, str(label), 1)
        for kind, label in K.choices
        if kind in {K.MEETING, K.EXHIBITION, K.OPENING, K.CEREMONY, K.COUNCIL}
    ]


def test_the_summary_counts_a_line_opened_twice_once(
    three_day_visit, cosmetics_line, make_project, company, secretariat
):
    second = make_project(
        company, title="خط دوم", jobs_planned=20, jobs_created=25, product_types=3
    )
    add(three_day_visit, kind=K.OPENING, project=cosmetics_line)
    add(three_day_visit, kind=K.OPENING, project=cosmetics_line, day=three_day_visit.ends_on)
    add(three_day_visit, kind=K.OPENING, project=second)

    visit = visit_get_for_user(user=secretariat, pk=three_day_visit.pk)
    assert visit is not None
    summary = visit_summary(visit, user=secretariat)

    assert len(summary.openings) == 3
    assert {p.pk for p in summary.opened_projects} == {cosmetics_line.pk, second.pk}
    assert summary.investment_rial == 4_000_000 * RATE + 1_000_000_000
    # Jobs created where known, else planned: 100 planned for the first line, 25 created.
    assert (summary.jobs, summary.product_types) == (125, 93)


def test_a_visit_without_openings_sums_to_zero(visit, secretariat):
    add(visit, kind=K.MEETING)

    summary = visit_summary(
        visit_get_for_user(user=secretariat, pk=visit.pk),  # type: ignore[arg-type]
        user=secretariat,
    )

    assert (summary.openings, summary.investment_rial, summary.jobs) == ([], 0, 0)
    assert summary.forecast_year is None
    assert summary.export_forecast.total.count == 0


def test_the_summary_of_many_openings_takes_a_fixed_number_of_queries(
    three_day_visit, make_project, company, destinations, secretariat, django_assert_max_num_queries
):
    for number in range(6):
        project = make_project(company, title=f"خط {number}", jobs_planned=10)
        add(three_day_visit, kind=K.OPENING, project=project, title=f"افتتاح {number}")
        export_record(
            actor=None,
            company=company,
            project=project,
            kind=ExportKind.FORECAST,
            year=1404,
            destination=destinations.russia,
            value=dollars(1),
            source="شرکت",
        )

    # The user's roles, the visit, its items with their projects, which of those projects the
    # user sees, the forecasts, their countries' groups and those groups' members.
    with django_assert_max_num_queries(7):
        visit = visit_get_for_user(user=secretariat, pk=three_day_visit.pk)
        assert visit is not None
        summary = visit_summary(visit, user=secretariat)
        titles = [(p.title, p.sector.name) for p in summary.opened_projects]

    assert len(titles) == 6
    assert summary.jobs == 60
    assert summary.export_forecast.total.count == 6
