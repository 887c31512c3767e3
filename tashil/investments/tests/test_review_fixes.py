"""What the review changed, one section per fix: a figure written twice at once, openings put on
a programme ahead of the visit and withdrawn from it, the Persian percent sign, estates and
their counties, a visit's summary as its reader may see it, export totals per year and kind,
edit forms that were opened before someone else's change, and amounts too large to be real.

The cast is the shared one: Qazvin's secretariat records, its county secretariat (county
قزوین) reads its county's lines; company A's cosmetics line (USD 4,000,000, 100 jobs, under
construction at 95%) is in that county, company B is in تاکستان.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tashil.core.jalali import jalali_input_value
from tashil.core.money import Currency, Money, to_rials
from tashil.geo.models import EstateKind, IndustrialEstate
from tashil.investments import services, tasks
from tashil.investments.models import (
    Event,
    ExportFigure,
    ExportKind,
    ItineraryItem,
    ItineraryKind,
    Project,
    ProjectUpdate,
    SectorShare,
    Visit,
)
from tashil.investments.selectors import (
    export_totals,
    export_totals_by_period,
    jalali_year,
    visit_days,
    visit_get_for_user,
    visit_summary,
)
from tashil.investments.services import (
    export_record,
    item_add,
    item_remove,
    item_update,
    openings_due,
    project_create,
    project_open,
    project_update,
    share_add,
    share_update,
    visit_create,
    visit_update,
)
from tashil.investments.tests.conftest import RATE, dollars, rials
from tashil.investments.workflow import ProjectStatus

pytestmark = pytest.mark.django_db

K = ItineraryKind
SOURCE = "اداره کل صمت"


def opening_rows(project: Project) -> list[ProjectUpdate]:
    return list(project.updates.filter(kind=ProjectUpdate.Kind.OPENED).order_by("created_at", "id"))


def withdrawal_rows(project: Project) -> list[ProjectUpdate]:
    return list(
        project.updates.filter(kind=ProjectUpdate.Kind.WITHDRAWN).order_by("created_at", "id")
    )


def open_stop(visit: Visit, project: Project, **fields: Any) -> ItineraryItem:
    fields.setdefault("day", visit.starts_on)
    fields.setdefault("title", "افتتاح خط تولید")
    return item_add(actor=None, visit=visit, kind=K.OPENING, project=project, **fields)


def state(project: Project) -> tuple[str, dt.date | None, int]:
    stored = Project.objects.get(pk=project.pk)
    return stored.status, stored.opened_on, stored.progress


UNOPENED = (ProjectStatus.UNDER_CONSTRUCTION, None, 95)


def withdrawn_source(visit: Visit) -> str:
    return gettext("Opening withdrawn from the visit «%(visit)s»") % {"visit": visit.title}


def project_page(client: Any, user: Any, project: Project) -> Any:
    client.force_login(user)
    return client.get(reverse("investments:project_detail", args=[project.pk]))


@pytest.fixture
def move_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """move_clock(days): from now on "now" is that many days later, for the services (their
    "today" and the time rows are written at)."""
    real_now = timezone.now

    def move(days: int) -> None:
        later = real_now() + dt.timedelta(days=days)
        monkeypatch.setattr("django.utils.timezone.now", lambda: later)

    return move


@pytest.fixture
def around_today(province: Any, today: dt.date) -> Visit:
    """A three-day visit from yesterday to tomorrow: its last day has not come yet."""
    return visit_create(
        actor=None,
        province=province,
        title="سفر وزیر صمت",
        visitor_name="محمد اتابک",
        visitor_title="وزیر صنعت، معدن و تجارت",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
    )


@pytest.fixture
def three_day_visit(province: Any, today: dt.date) -> Visit:
    """A visit that ended yesterday, three days long."""
    return visit_create(
        actor=None,
        province=province,
        title="سفر معاون رئیس‌جمهور",
        visitor_name="الف",
        visitor_title="ب",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today - dt.timedelta(days=1),
    )


@pytest.fixture
def second_line(make_project: Callable[..., Any], company: Any) -> Project:
    return make_project(
        company,
        title="خط تولید شامپو",
        investment=rials(1_000_000_000),
        jobs_planned=20,
        progress=60,
        status=ProjectStatus.UNDER_CONSTRUCTION,
    )


# --- 1. An export figure written twice at once ---------------------------------------------------


@pytest.mark.parametrize("with_project", [True, False], ids=["line", "company"])
@pytest.mark.parametrize("to_group", [False, True], ids=["country", "group"])
def test_a_figure_another_writer_inserted_after_the_lookup_is_updated_not_refused(
    monkeypatch: pytest.MonkeyPatch,
    company: Any,
    cosmetics_line: Project,
    destinations: Any,
    with_project: bool,
    to_group: bool,
) -> None:
    """Each of the four partial unique constraints refuses the second row; the call then
    updates the row the other writer put there, as if it had come second."""
    project = cosmetics_line if with_project else None
    destination = destinations.arab if to_group else destinations.russia

    def record(amount: int) -> tuple[ExportFigure, str]:
        return export_record(
            actor=None,
            company=company,
            project=project,
            kind=ExportKind.FORECAST,
            year=1405,
            destination=destination,
            value=dollars(amount),
            source="سخنگوی دولت",
        )

    first, _ = record(500_000)
    real_lookup = services._export_lookup
    lookups: list[Any] = []

    def not_there_yet(key: Any) -> ExportFigure | None:
        # The other writer's row was not committed when this writer looked.
        lookups.append(key)
        return None if len(lookups) == 1 else real_lookup(key)

    monkeypatch.setattr(services, "_export_lookup", not_there_yet)

    figure, outcome = record(600_000)

    assert len(lookups) == 1
    assert (outcome, figure.pk) == ("updated", first.pk)
    stored = ExportFigure.objects.get()
    assert (stored.amount, stored.amount_rial) == (600_000, 600_000 * RATE)
    event = Event.objects.get(target=Event.Target.EXPORT, target_id=first.pk, kind="updated")
    assert event.changes["amount"] == ["500000", "600000"]
    # The transaction goes on: the refused insert was rolled back to its savepoint alone.
    assert Event.objects.filter(target=Event.Target.EXPORT).count() == 2


def test_the_same_figure_written_twice_at_once_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, company: Any, destinations: Any
) -> None:
    def record() -> tuple[ExportFigure, str]:
        return export_record(
            actor=None,
            company=company,
            kind=ExportKind.ACTUAL,
            year=1404,
            destination=destinations.iraq,
            value=rials(2_000_000_000),
            source="گمرک",
        )

    first, _ = record()
    monkeypatch.setattr(services, "_export_lookup", lambda key: None)

    figure, outcome = record()

    assert (outcome, figure.pk) == ("unchanged", first.pk)
    assert ExportFigure.objects.count() == 1
    assert Event.objects.filter(target=Event.Target.EXPORT).count() == 1


# --- 2. Openings put on the programme ahead of the visit -----------------------------------------


def test_an_opening_ahead_of_its_day_opens_the_line_when_the_day_comes(
    around_today: Visit, cosmetics_line: Project, today: dt.date, move_clock: Any
) -> None:
    tomorrow = today + dt.timedelta(days=1)
    item = open_stop(around_today, cosmetics_line, day=tomorrow)

    assert state(cosmetics_line) == UNOPENED
    assert openings_due() == 0
    assert state(cosmetics_line) == UNOPENED

    move_clock(1)
    assert openings_due() == 1

    assert state(cosmetics_line) == (ProjectStatus.OPERATING, tomorrow, 100)
    [opened] = opening_rows(cosmetics_line)
    assert (opened.item_id, opened.on, opened.actor) == (item.pk, tomorrow, None)
    assert opened.source == gettext("Opened on the visit «%(visit)s»") % {
        "visit": around_today.title
    }
    # Run again (or by a second worker): nothing more to open, no second history row.
    assert openings_due() == 0
    assert len(opening_rows(cosmetics_line)) == 1


def test_the_daily_job_takes_the_day_it_is_given(
    around_today: Visit, cosmetics_line: Project, today: dt.date, move_clock: Any
) -> None:
    tomorrow = today + dt.timedelta(days=1)
    open_stop(around_today, cosmetics_line, day=tomorrow)
    # The clock moves too: a line's opening date may not be after the services' today.
    move_clock(1)

    assert openings_due(today=today) == 0
    assert state(cosmetics_line) == UNOPENED
    assert openings_due(today=tomorrow) == 1
    assert state(cosmetics_line)[1] == tomorrow


def test_an_opening_already_recorded_is_not_opened_again(
    visit: Visit, cosmetics_line: Project, second_line: Project
) -> None:
    open_stop(visit, cosmetics_line)
    # A stop that is not an opening opens nothing, even naming a line.
    item_add(
        actor=None,
        visit=visit,
        day=visit.starts_on,
        kind=K.EXHIBITION,
        title="بازدید",
        project=second_line,
    )

    assert openings_due() == 0

    assert len(opening_rows(cosmetics_line)) == 1
    assert opening_rows(second_line) == []


def test_the_periodic_task_opens_what_is_due(
    around_today: Visit, cosmetics_line: Project, today: dt.date, move_clock: Any
) -> None:
    open_stop(around_today, cosmetics_line, day=today + dt.timedelta(days=1))
    move_clock(1)

    tasks.open_lines_opened_on_visits()  # huey runs it at once in tests

    assert state(cosmetics_line)[0] == ProjectStatus.OPERATING


def test_the_periodic_task_runs_once_a_day_just_after_midnight_in_tehran() -> None:
    instance = tasks.open_lines_opened_on_visits.task_class()
    runs = [
        (hour, minute)
        for hour in range(24)
        for minute in range(60)
        if instance.validate_datetime(dt.datetime(2025, 12, 14, hour, minute))
    ]
    # 20:35 UTC is 00:05 in Tehran (UTC+3:30).
    assert runs == [(20, 35)]


def test_moving_an_opening_to_a_coming_day_opens_the_line_on_that_day(
    around_today: Visit, cosmetics_line: Project, today: dt.date, move_clock: Any
) -> None:
    """Recorded on yesterday by mistake, the opening moves to tomorrow: withdrawn now, it opens
    the line when tomorrow comes, though an earlier history row names the stop."""
    tomorrow = today + dt.timedelta(days=1)
    item = open_stop(around_today, cosmetics_line, day=around_today.starts_on)

    item_update(actor=None, item=item, day=tomorrow)
    assert state(cosmetics_line) == UNOPENED

    move_clock(1)
    assert openings_due() == 1
    assert state(cosmetics_line) == (ProjectStatus.OPERATING, tomorrow, 100)


def test_moving_a_coming_opening_to_a_day_that_has_come_opens_the_line_at_once(
    around_today: Visit, cosmetics_line: Project, today: dt.date
) -> None:
    item = open_stop(around_today, cosmetics_line, day=today + dt.timedelta(days=1))

    item_update(actor=None, item=item, day=today)

    assert state(cosmetics_line) == (ProjectStatus.OPERATING, today, 100)
    assert [row.item_id for row in opening_rows(cosmetics_line)] == [item.pk]


# --- 3. Every opening on a visit leaves its row --------------------------------------------------


def test_an_opening_of_a_line_already_open_that_day_still_names_the_visit(
    client: Any, secretariat: Any, visit: Visit, cosmetics_line: Project
) -> None:
    # The ministry reported the opening first; the visit's programme is recorded after.
    project_open(actor=None, project=cosmetics_line, on=visit.starts_on, source=SOURCE)

    item = open_stop(visit, cosmetics_line)

    reported, on_visit = opening_rows(cosmetics_line)
    assert (reported.item_id, on_visit.item_id) == (None, item.pk)
    assert (on_visit.on, on_visit.changes) == (visit.starts_on, {})
    assert visit.title in on_visit.source
    page = project_page(client, secretariat, cosmetics_line)
    assert page.context["opening"] == item
    assert 'data-testid="opening-visit-link"' in page.content.decode()


# --- 4. Withdrawing an opening -------------------------------------------------------------------


def test_removing_an_opening_puts_the_line_back_as_it_was(
    visit: Visit, cosmetics_line: Project, secretariat: Any
) -> None:
    item = open_stop(visit, cosmetics_line)

    item_remove(actor=secretariat, item=item)

    assert state(cosmetics_line) == UNOPENED
    [withdrawn] = withdrawal_rows(cosmetics_line)
    assert withdrawn.source == withdrawn_source(visit)
    assert (withdrawn.actor, withdrawn.on) == (secretariat, timezone.localdate())


def test_removing_an_opening_of_a_line_open_before_restores_its_first_date(
    three_day_visit: Visit, cosmetics_line: Project
) -> None:
    first_day = three_day_visit.starts_on
    project_open(actor=None, project=cosmetics_line, on=first_day, source=SOURCE)
    item = open_stop(three_day_visit, cosmetics_line, day=three_day_visit.ends_on)
    assert state(cosmetics_line)[1] == three_day_visit.ends_on

    item_remove(actor=None, item=item)

    assert state(cosmetics_line) == (ProjectStatus.OPERATING, first_day, 100)
    [withdrawn] = withdrawal_rows(cosmetics_line)
    assert withdrawn.changes == {
        "opened_on": [three_day_visit.ends_on.isoformat(), first_day.isoformat()]
    }


def test_removing_an_opening_that_is_not_the_latest_leaves_the_line_alone(
    three_day_visit: Visit, cosmetics_line: Project
) -> None:
    earlier = open_stop(three_day_visit, cosmetics_line, day=three_day_visit.starts_on)
    open_stop(three_day_visit, cosmetics_line, day=three_day_visit.ends_on)

    item_remove(actor=None, item=earlier)

    assert state(cosmetics_line) == (ProjectStatus.OPERATING, three_day_visit.ends_on, 100)
    assert withdrawal_rows(cosmetics_line) == []


def test_removing_an_opening_that_changed_nothing_writes_no_withdrawal(
    visit: Visit, cosmetics_line: Project
) -> None:
    project_open(actor=None, project=cosmetics_line, on=visit.starts_on, source=SOURCE)
    item = open_stop(visit, cosmetics_line)

    item_remove(actor=None, item=item)

    assert state(cosmetics_line) == (ProjectStatus.OPERATING, visit.starts_on, 100)
    assert withdrawal_rows(cosmetics_line) == []


def test_an_opening_turned_into_another_kind_of_stop_is_withdrawn(
    visit: Visit, cosmetics_line: Project
) -> None:
    item = open_stop(visit, cosmetics_line)

    item_update(actor=None, item=item, kind=K.EXHIBITION)

    assert state(cosmetics_line) == UNOPENED
    [withdrawn] = withdrawal_rows(cosmetics_line)
    assert withdrawn.source == withdrawn_source(visit)


def test_an_opening_moved_to_another_line_restores_the_first_and_opens_the_second(
    visit: Visit, cosmetics_line: Project, second_line: Project
) -> None:
    item = open_stop(visit, cosmetics_line)

    changed = item_update(actor=None, item=item, project=second_line)

    assert changed == ["project"]
    assert state(cosmetics_line) == UNOPENED
    assert state(second_line) == (ProjectStatus.OPERATING, visit.starts_on, 100)
    [opened] = opening_rows(second_line)
    assert opened.item_id == item.pk
    assert len(withdrawal_rows(cosmetics_line)) == 1


def test_renaming_an_opening_withdraws_nothing(visit: Visit, cosmetics_line: Project) -> None:
    item = open_stop(visit, cosmetics_line)

    item_update(actor=None, item=item, title="افتتاح رسمی خط", place="شهر صنعتی کاسپین")

    assert state(cosmetics_line) == (ProjectStatus.OPERATING, visit.starts_on, 100)
    assert withdrawal_rows(cosmetics_line) == []


def test_a_withdrawn_opening_is_no_longer_quoted_on_the_project_page(
    client: Any, secretariat: Any, visit: Visit, cosmetics_line: Project, second_line: Project
) -> None:
    item = open_stop(visit, cosmetics_line)
    item_update(actor=None, item=item, project=second_line)

    page = project_page(client, secretariat, cosmetics_line)

    # The line is under construction again: its page must not say a visit opened it.
    assert page.context["opening"] is None
    assert 'data-testid="opening-visit-link"' not in page.content.decode()


# --- 5. The Persian percent sign -----------------------------------------------------------------


def add_share(province: Any, sector: Any, value: str, unit: str) -> SectorShare:
    return share_add(
        actor=None,
        province=province,
        sector=sector,
        basis="need",
        value=Decimal(value),
        unit=unit,
        source="استاندار قزوین",
        stated_on=timezone.localdate(),
    )


def test_a_share_typed_with_the_persian_percent_sign_is_a_percentage(
    province: Any, detergents: Any
) -> None:
    share = add_share(province, detergents, "50", " ٪ ")

    assert SectorShare.objects.get(pk=share.pk).unit == "%"


def test_a_persian_percentage_above_a_hundred_is_refused(province: Any, detergents: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        add_share(province, detergents, "150", "٪")

    assert set(raised.value.message_dict) == {"value"}
    assert not SectorShare.objects.exists()
    share = add_share(province, detergents, "50", "%")
    with pytest.raises(ValidationError) as raised:
        share_update(actor=None, share=share, value=Decimal(150), unit="٪")
    assert set(raised.value.message_dict) == {"value"}
    assert SectorShare.objects.get(pk=share.pk).value == 50


def test_retyping_the_percent_sign_in_persian_changes_nothing(
    province: Any, detergents: Any
) -> None:
    share = add_share(province, detergents, "50", "%")

    assert share_update(actor=None, share=share, unit="٪") == []
    assert not Event.objects.filter(target=Event.Target.SHARE, kind="updated").exists()


# --- 6. An estate lies in its county -------------------------------------------------------------


@pytest.fixture
def takestan_estate(province: Any, other_county: Any) -> IndustrialEstate:
    return IndustrialEstate.objects.create(
        province=province,
        county=other_county,
        name="شهرک صنعتی تاکستان",
        name_en="Takestan",
        kind=EstateKind.INDUSTRIAL_CITY,
    )


def test_an_estate_of_another_county_is_refused(
    make_project: Callable[..., Any],
    company: Any,
    county: Any,
    takestan_estate: IndustrialEstate,
    cosmetics_line: Project,
) -> None:
    with pytest.raises(ValidationError) as raised:
        make_project(company, county=county, estate=takestan_estate)
    assert set(raised.value.message_dict) == {"estate"}
    assert Project.objects.count() == 1  # the line alone

    with pytest.raises(ValidationError) as raised:
        project_update(actor=None, project=cosmetics_line, source=SOURCE, estate=takestan_estate)
    assert set(raised.value.message_dict) == {"estate"}
    assert Project.objects.get(pk=cosmetics_line.pk).estate != takestan_estate


def test_a_project_named_by_its_estate_alone_takes_the_estate_s_county(
    make_project: Callable[..., Any],
    company: Any,
    other_county: Any,
    takestan_estate: IndustrialEstate,
) -> None:
    project = make_project(company, estate=takestan_estate)

    stored = Project.objects.get(pk=project.pk)
    assert (stored.county, stored.estate) == (other_county, takestan_estate)
    assert stored.county != company.county


def test_an_estate_without_a_county_goes_with_any_county_of_its_province(
    make_project: Callable[..., Any], company: Any, province: Any, other_county: Any
) -> None:
    zone = IndustrialEstate.objects.create(
        province=province, name="منطقه ویژه اقتصادی", kind=EstateKind.INDUSTRIAL_CITY
    )

    project = make_project(company, county=other_county, estate=zone)
    plain = make_project(company, title="خط دوم", estate=zone)

    assert (project.county, project.estate) == (other_county, zone)
    assert plain.county == company.county  # no county to take from the estate


# --- 7. A visit's summary as its reader may see it -----------------------------------------------


@pytest.fixture
def two_county_visit(
    visit: Visit,
    cosmetics_line: Project,
    make_project: Callable[..., Any],
    other_company: Any,
    destinations: Any,
) -> Visit:
    """The visit opens the cosmetics line (county قزوین) and company B's line (تاکستان), each
    with its forecast for the visit's year."""
    far_line = make_project(
        other_company,
        title="خط تولید مواد شوینده",
        investment=rials(2_000_000_000),
        jobs_planned=30,
        product_types=5,
    )
    year = jalali_year(visit.starts_on)
    for line, amount in ((cosmetics_line, 400_000), (far_line, 900_000)):
        export_record(
            actor=None,
            company=line.company,
            project=line,
            kind=ExportKind.FORECAST,
            year=year,
            destination=destinations.russia,
            value=dollars(amount),
            source="سخنگوی دولت",
        )
        open_stop(visit, line, title=f"افتتاح {line.title}")
    return visit


def summary_for(user: Any, visit: Visit) -> Any:
    found = visit_get_for_user(user=user, pk=visit.pk)
    assert found is not None
    return visit_summary(found, user=user)


def test_a_county_secretariat_reads_the_figures_of_its_county_s_lines_only(
    two_county_visit: Visit, cosmetics_line: Project, county_secretary: Any, secretariat: Any
) -> None:
    ours = summary_for(county_secretary, two_county_visit)
    everything = summary_for(secretariat, two_county_visit)

    assert ours.opened_projects == [cosmetics_line]
    assert (ours.investment_rial, ours.jobs, ours.product_types) == (4_000_000 * RATE, 100, 90)
    assert ours.export_forecast.total.by_currency == {"USD": Decimal(400_000)}
    assert len(everything.opened_projects) == 2
    assert everything.investment_rial == 4_000_000 * RATE + 2_000_000_000
    assert everything.export_forecast.total.by_currency == {"USD": Decimal(1_300_000)}
    # The programme itself is the same for both.
    assert ours.kinds == everything.kinds == [(K.OPENING, str(K.OPENING.label), 2)]
    assert len(ours.openings) == len(everything.openings) == 2


def test_the_visit_page_of_a_county_secretariat_lists_its_county_s_line_only(
    client: Any, two_county_visit: Visit, cosmetics_line: Project, county_secretary: Any
) -> None:
    client.force_login(county_secretary)

    response = client.get(reverse("investments:visit_detail", args=[two_county_visit.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="opened-project-row"') == 1
    assert [project for project, _ in response.context["opened"]] == [cosmetics_line]


def forecast(company: Any, line: Project, destination: Any, year: int, amount: int) -> None:
    export_record(
        actor=None,
        company=company,
        project=line,
        kind=ExportKind.FORECAST,
        year=year,
        destination=destination,
        value=dollars(amount),
        source="شرکت",
    )


def test_the_summary_quotes_the_first_year_forecast_from_the_visit_s_year_on(
    visit: Visit, cosmetics_line: Project, company: Any, destinations: Any, secretariat: Any
) -> None:
    year = jalali_year(visit.starts_on)
    for offset, amount in ((-1, 100), (1, 200), (2, 300)):
        forecast(company, cosmetics_line, destinations.russia, year + offset, amount)
    open_stop(visit, cosmetics_line)

    summary = summary_for(secretariat, visit)

    assert summary.forecast_year == year + 1
    assert summary.export_forecast.total.by_currency == {"USD": Decimal(200)}
    assert summary.export_forecast.total.count == 1


def test_the_summary_quotes_the_latest_forecast_when_none_is_for_the_visit_s_year_or_later(
    visit: Visit, cosmetics_line: Project, company: Any, destinations: Any, secretariat: Any
) -> None:
    year = jalali_year(visit.starts_on)
    for offset, amount in ((-3, 100), (-1, 200)):
        forecast(company, cosmetics_line, destinations.russia, year + offset, amount)
        forecast(company, cosmetics_line, destinations.arab, year + offset, amount * 10)
    open_stop(visit, cosmetics_line)

    summary = summary_for(secretariat, visit)

    assert summary.forecast_year == year - 1
    assert summary.export_forecast.total.by_currency == {"USD": Decimal(2_200)}


def test_the_days_of_a_visit_list_its_stops_in_programme_order(
    three_day_visit: Visit, secretariat: Any
) -> None:
    first, last = three_day_visit.starts_on, three_day_visit.ends_on

    def stop(day: dt.date, hour: int, title: str) -> None:
        item_add(
            actor=None,
            visit=three_day_visit,
            day=day,
            kind=K.MEETING,
            title=title,
            starts_at=dt.time(hour),
        )

    stop(last, 9, "پ")
    stop(first, 15, "ب")
    stop(first, 8, "الف")
    found = visit_get_for_user(user=secretariat, pk=three_day_visit.pk)
    assert found is not None

    days = visit_days(found)

    assert [(day, [item.title for item in items]) for day, items in days] == [
        (first, ["الف", "ب"]),
        (last, ["پ"]),
    ]


# --- 8. Export totals per year and kind ----------------------------------------------------------


@pytest.fixture
def figures_of_three_years(
    company: Any, cosmetics_line: Project, destinations: Any
) -> list[ExportFigure]:
    for kind, year, destination, amount in (
        (ExportKind.ACTUAL, 1405, destinations.russia, 900),
        (ExportKind.FORECAST, 1405, destinations.russia, 1_000),
        (ExportKind.FORECAST, 1405, destinations.arab, 500),
        (ExportKind.FORECAST, 1404, destinations.russia, 800),
        (ExportKind.ACTUAL, 1403, destinations.iraq, 100),
    ):
        export_record(
            actor=None,
            company=company,
            project=cosmetics_line,
            kind=kind,
            year=year,
            destination=destination,
            value=dollars(amount),
            source="گمرک",
        )
    return list(ExportFigure.objects.select_related("country", "group").order_by("id"))


def test_the_totals_come_per_year_newest_first_and_forecast_before_actual(
    figures_of_three_years: list[ExportFigure],
) -> None:
    periods = export_totals_by_period(figures_of_three_years)

    assert [
        (p.year, p.kind, p.label, p.totals.total.by_currency["USD"], p.totals.total.count)
        for p in periods
    ] == [
        (1405, "forecast", str(ExportKind.FORECAST.label), 1_500, 2),
        (1405, "actual", str(ExportKind.ACTUAL.label), 900, 1),
        (1404, "forecast", str(ExportKind.FORECAST.label), 800, 1),
        (1403, "actual", str(ExportKind.ACTUAL.label), 100, 1),
    ]
    by_group = {group.code: sums.by_currency["USD"] for group, sums in periods[0].totals.by_group}
    assert by_group == {"arab_league": 500, "eaeu": 1_000, "neighbours": 1_000}


def test_the_totals_of_every_period_read_the_groups_once(
    figures_of_three_years: list[ExportFigure], django_assert_max_num_queries: Any
) -> None:
    # The groups the countries belong to, and those groups' members: not once per period.
    with django_assert_max_num_queries(2):
        periods = export_totals_by_period(figures_of_three_years)

    assert len(periods) == 4


def test_totals_given_the_groups_read_nothing(
    figures_of_three_years: list[ExportFigure], django_assert_num_queries: Any
) -> None:
    no_groups: defaultdict[int, list[Any]] = defaultdict(list)
    with django_assert_num_queries(0):
        totals = export_totals(figures_of_three_years, no_groups)

    # No country is in a group here: only the figure recorded for a group counts for one.
    assert [group.code for group, _ in totals.by_group] == ["arab_league"]
    assert [country.code for country, _ in totals.by_country] == ["RU", "IQ"]
    assert totals.total.count == 5


def test_the_project_page_shows_each_year_and_kind_apart(
    client: Any,
    secretariat: Any,
    cosmetics_line: Project,
    figures_of_three_years: list[ExportFigure],
) -> None:
    response = project_page(client, secretariat, cosmetics_line)

    periods = response.context["export_periods"]
    assert [(p.year, p.kind) for p in periods] == [
        (1405, "forecast"),
        (1405, "actual"),
        (1404, "forecast"),
        (1403, "actual"),
    ]
    assert response.content.decode().count('data-testid="export-period"') == 4


# --- 9. An edit form opened before someone else's change -----------------------------------------


class PageForms(HTMLParser):
    """The fields each form of a page would post, as a browser sends them untouched: the page
    as the user opened it, before anyone else's change."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: dict[str, Any] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self._fields = []
            self.forms.append(((found.get("method") or "get").lower(), self._fields))
            return
        if tag == "option" and self._select is not None:
            value = found.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in found:
                self._select["chosen"] = value
            return
        name = found.get("name")
        if self._fields is None or not name or "disabled" in found:
            return
        if tag == "input":
            kind = (found.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in found:
                    self._fields.append((name, found.get("value") or "on"))
                return
            self._fields.append((name, found.get("value") or ""))
        elif tag == "select":
            self._select = {"name": name, "first": None, "chosen": None}
        elif tag == "textarea":
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            value = self._select["chosen"]
            if value is None:
                value = self._select["first"]
            if value is not None:
                self._fields.append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._fields is not None:
            name, parts = self._textarea
            # A browser drops the newline that follows the opening tag.
            text = "".join(parts)
            self._fields.append((name, text.removeprefix("\n")))
            self._textarea = None


def form_on(page: str, field: str) -> dict[str, str]:
    """What the page's POST form holding `field` would send, left as it is shown."""
    parser = PageForms()
    parser.feed(page)
    [fields] = [
        fields
        for method, fields in parser.forms
        if method == "post" and any(name == field for name, _ in fields)
    ]
    return dict(fields)


def stale_form(client: Any, user: Any, address: str, field: str) -> dict[str, str]:
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200
    return form_on(response.content.decode(), field)


def test_a_stale_project_form_does_not_undo_another_users_figure(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    address = reverse("investments:project_edit", args=[cosmetics_line.pk])
    data = stale_form(client, secretariat, address, "title")
    # Meanwhile another user records the jobs planned.
    project_update(actor=None, project=cosmetics_line, source=SOURCE, jobs_planned=150)

    data.update(title="خط تولید آرایشی کاسپین", source="اداره کل صمت")
    response = client.post(address, data)

    assert response.status_code == 302
    stored = Project.objects.get(pk=cosmetics_line.pk)
    assert (stored.title, stored.jobs_planned) == ("خط تولید آرایشی کاسپین", 150)
    latest = stored.updates.order_by("-created_at", "-id").first()
    assert latest is not None and set(latest.changes) == {"title"}


def test_a_stale_project_form_does_not_undo_another_users_investment(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    address = reverse("investments:project_edit", args=[cosmetics_line.pk])
    data = stale_form(client, secretariat, address, "title")
    project_update(actor=None, project=cosmetics_line, source=SOURCE, investment=dollars(5_000_000))

    data.update(title="خط تولید آرایشی کاسپین", source="اداره کل صمت")
    client.post(address, data)

    stored = Project.objects.get(pk=cosmetics_line.pk)
    assert stored.title == "خط تولید آرایشی کاسپین"
    assert (stored.amount, stored.amount_rial) == (5_000_000, 5_000_000 * RATE)


def test_a_stale_share_form_does_not_undo_another_users_value(
    client: Any, secretariat: Any, province: Any, detergents: Any
) -> None:
    share = add_share(province, detergents, "50", "%")
    address = reverse("investments:share_edit", args=[share.pk])
    data = stale_form(client, secretariat, address, "value")
    share_update(actor=None, share=share, value=Decimal(55))

    data.update(note="گفته‌شده در نشست خبری")
    response = client.post(address, data)

    assert response.status_code == 302
    stored = SectorShare.objects.get(pk=share.pk)
    assert (stored.value, stored.note) == (55, "گفته‌شده در نشست خبری")


def test_a_stale_visit_form_does_not_undo_another_users_summary(
    client: Any, secretariat: Any, visit: Visit
) -> None:
    address = reverse("investments:visit_edit", args=[visit.pk])
    data = stale_form(client, secretariat, address, "visitor_name")
    visit_update(actor=None, visit=visit, summary="افتتاح یک خط تولید و بازدید از نمایشگاه")

    data.update(title="سفر استانی سخنگوی دولت")
    response = client.post(address, data)

    assert response.status_code == 302
    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.title, stored.summary) == (
        "سفر استانی سخنگوی دولت",
        "افتتاح یک خط تولید و بازدید از نمایشگاه",
    )


def test_a_stale_stop_form_does_not_undo_another_users_place(
    client: Any, secretariat: Any, visit: Visit
) -> None:
    stop = item_add(actor=None, visit=visit, day=visit.starts_on, kind=K.MEETING, title="دیدار")
    address = reverse("investments:item_edit", args=[visit.pk, stop.pk])
    data = stale_form(client, secretariat, address, "kind")
    item_update(actor=None, item=stop, place="دفتر امام جمعه")

    data.update(title="دیدار با امام جمعه")
    response = client.post(address, data)

    assert response.status_code == 302
    stored = ItineraryItem.objects.get(pk=stop.pk)
    assert (stored.title, stored.place) == ("دیدار با امام جمعه", "دفتر امام جمعه")


def test_a_stale_form_still_saves_what_it_changed(
    client: Any, secretariat: Any, cosmetics_line: Project
) -> None:
    """The counterpart of the above: the field changed on the form is written, the others are
    not re-asserted (the history row names the title alone)."""
    address = reverse("investments:project_edit", args=[cosmetics_line.pk])
    data = stale_form(client, secretariat, address, "title")

    data.update(jobs_planned="120", source="اداره کل صمت")
    client.post(address, data)

    latest = Project.objects.get(pk=cosmetics_line.pk).updates.order_by("-id").first()
    assert latest is not None and latest.changes == {"jobs_planned": [100, 120]}


def test_a_coming_opening_added_on_the_page_does_not_say_the_line_opened(
    client: Any, secretariat: Any, around_today: Visit, cosmetics_line: Project, today: dt.date
) -> None:
    client.force_login(secretariat)
    tomorrow = today + dt.timedelta(days=1)

    response = client.post(
        reverse("investments:item_add", args=[around_today.pk]),
        {
            "day": jalali_input_value(tomorrow),
            "starts_at": "",
            "kind": K.OPENING,
            "title": "افتتاح خط تولید",
            "place": "",
            "company": "",
            "project": str(cosmetics_line.pk),
            "meeting": "",
            "note": "",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert state(cosmetics_line) == UNOPENED
    assert 'data-testid="opened-project"' not in response.content.decode()


# --- 10. An amount too large to be real ----------------------------------------------------------


def test_an_amount_above_a_quintillion_rials_is_refused_as_too_large() -> None:
    assert to_rials(Money(Decimal(10**18), Currency.RIAL)) == 10**18

    for money in (
        Money(Decimal(10**18 + 1), Currency.RIAL),
        Money(Decimal(10**17 + 1), Currency.TOMAN),
        Money(Decimal(10**12), Currency.USD, 10**6 + 1, dt.date(2025, 12, 10)),
    ):
        with pytest.raises(ValidationError) as raised:
            to_rials(money)
        [error] = raised.value.error_dict["amount"]
        assert error.code == "too_large"


def test_a_project_too_large_to_be_real_is_not_recorded(company: Any, sector: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        project_create(
            actor=None,
            company=company,
            title="خط",
            sector=sector,
            investment=rials(10**19),
            source=SOURCE,
        )

    assert set(raised.value.message_dict) == {"amount"}
    assert not Project.objects.exists()
