"""The demo province's investments (issue 6, DOMAIN.md §9): the reference scenario exactly — the
spokesperson's visit of 1404/09/24, the Caspian cosmetics line it opened, its export forecast,
the detergent share with its rival figures — and plausible projects around it in every county,
loaded once however often `make run` starts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tashil.accounts.models import User
from tashil.core.money import Currency
from tashil.demo.investments import (
    _candidates,
    _hq_session,
    load_investments,
    plan_investments,
)
from tashil.geo.models import Province
from tashil.investments.models import (
    Event,
    ExportFigure,
    ExportKind,
    ItineraryItem,
    ItineraryKind,
    Project,
    ProjectUpdate,
    SectorShare,
    ShareBasis,
    Visit,
)
from tashil.investments.selectors import (
    export_totals,
    figure_sources,
    jalali_year,
    shares_by_sector,
    visit_get_for_user,
    visit_summary,
)
from tashil.investments.workflow import ProjectStatus
from tashil.meetings.models import Meeting
from tashil.meetings.workflow import MeetingKind, MeetingStatus

pytestmark = pytest.mark.django_db

SPOKESPERSON_DAY = dt.date(2025, 12, 15)  # 1404/09/24
MODELS = (Project, ProjectUpdate, ExportFigure, Visit, ItineraryItem, SectorShare, Event)


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (it takes seconds), rolled back after it; each test
    runs in a savepoint inside. What load_demo printed."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        with transaction.atomic():
            out = StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def dabir(printed):
    return User.objects.get(username="dabir")


@pytest.fixture
def spokesperson_visit(printed):
    return Visit.objects.get(starts_on=SPOKESPERSON_DAY)


@pytest.fixture
def cosmetics_line(printed):
    return Project.objects.select_related("company", "estate", "county").get(
        company__legal_name="شرکت بهداشتی آرایشی گلسار کاسپین", sector__code="cosmetics"
    )


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def test_the_spokesperson_s_visit_of_1404_09_24_has_its_five_stops_in_order(
    spokesperson_visit,
):
    visit = spokesperson_visit
    assert visit.visitor_title == "سخنگوی دولت"
    assert visit.province.code == "26"
    assert (visit.starts_on, visit.ends_on) == (SPOKESPERSON_DAY, SPOKESPERSON_DAY)

    items = list(visit.items.all())  # the model's order: day, time, position
    assert [item.kind for item in items] == [
        ItineraryKind.MEETING,
        ItineraryKind.EXHIBITION,
        ItineraryKind.OPENING,
        ItineraryKind.CEREMONY,
        ItineraryKind.COUNCIL,
    ]
    assert {item.day for item in items} == {SPOKESPERSON_DAY}
    times = [item.starts_at for item in items]
    assert None not in times and times == sorted(times) and len(set(times)) == 5
    assert [item.position for item in items] == [0, 1, 2, 3, 4]
    meeting, exhibition, opening, ceremony, council = items
    assert "امام جمعه" in meeting.title
    assert "نمایشگاه توانمندی‌های صنعتی" in exhibition.title
    assert "کاسپین" in exhibition.place
    assert opening.project.title == "خط تولید محصولات آرایشی و بهداشتی"
    assert opening.company == opening.project.company
    assert "روز زن" in ceremony.title and ceremony.place == "دانشگاه فرهنگیان"
    assert "شورای اداری" in council.title


def test_the_cosmetics_line_has_the_scenario_s_investment_jobs_and_products(cosmetics_line):
    line = cosmetics_line
    assert line.company.estate.name == "کاسپین" and line.estate.name == "کاسپین"
    assert (line.amount, line.currency) == (Decimal("4000000"), Currency.USD)
    # The rate is dated on or before the visit, and the rial value is reproducible from it.
    assert line.rate and line.rate_on <= SPOKESPERSON_DAY
    assert line.amount_rial == 4_000_000 * line.rate
    assert line.money.rials() == line.amount_rial
    assert (line.jobs_planned, line.jobs_created, line.product_types) == (100, 100, 90)
    assert line.status == ProjectStatus.OPERATING and line.progress == 100


def test_the_visit_s_opening_opened_the_line_on_1404_09_24(cosmetics_line, spokesperson_visit):
    opening = spokesperson_visit.items.get(kind=ItineraryKind.OPENING)
    assert cosmetics_line.opened_on == SPOKESPERSON_DAY
    [opened] = cosmetics_line.updates.filter(kind=ProjectUpdate.Kind.OPENED)
    assert opened.item == opening and opened.on == SPOKESPERSON_DAY
    assert spokesperson_visit.title in opened.source
    # A history before the day, from several sources, each row written on its day.
    updates = list(cosmetics_line.updates.order_by("created_at", "id"))
    assert len(updates) >= 5
    assert len({update.source for update in updates}) >= 4
    assert [u.on for u in updates] == sorted(u.on for u in updates)
    assert all(local_day(u.created_at) == u.on for u in updates)
    assert updates[0].changes["status"] == [None, ProjectStatus.PLANNED]


def test_the_line_s_export_forecast_is_a_million_dollars_a_year_to_arab_countries_and_russia(
    cosmetics_line,
):
    # The year after the visit's; later years' forecasts come from tashil/demo/figures.py.
    forecasts = list(
        ExportFigure.objects.filter(project=cosmetics_line, kind=ExportKind.FORECAST, year=1405)
        .select_related("country", "group")
        .order_by("id")
    )
    assert {f.group.code for f in forecasts if f.group} == {"arab_league"}
    assert {f.country.code for f in forecasts if f.country} == {"RU"}
    assert len(forecasts) == 2
    assert {f.currency for f in forecasts} == {Currency.USD}
    assert sum(f.amount for f in forecasts) == Decimal(1_000_000)
    assert all(f.source and f.company == cosmetics_line.company for f in forecasts)
    totals = export_totals(forecasts)
    assert totals.total.by_currency == {Currency.USD: Decimal(1_000_000)}
    assert totals.total.rial == sum(f.amount * f.rate for f in forecasts)


def test_the_visit_summary_quotes_the_line_s_figures(dabir, spokesperson_visit, cosmetics_line):
    summary = visit_summary(visit_get_for_user(user=dabir, pk=spokesperson_visit.pk), user=dabir)
    assert summary.opened_projects == [cosmetics_line]
    assert summary.investment_rial == cosmetics_line.amount_rial
    assert (summary.jobs, summary.product_types) == (100, 90)
    # The visit is in 1404; the line's forecast is for 1405, the first year forecast from then.
    assert jalali_year(spokesperson_visit.starts_on) == 1404
    assert summary.forecast_year == 1405
    assert summary.export_forecast.total.by_currency == {Currency.USD: Decimal(1_000_000)}


def test_the_detergent_share_is_half_the_country_s_need_as_stated_that_day_beside_others(
    dabir,
):
    [(sector, shares)] = shares_by_sector(
        user=dabir,
        province=Province.objects.get(code="26"),
        sector=SectorShare.objects.filter(sector__code="detergents").first().sector_id,
    )
    assert sector.code == "detergents"
    [that_day] = [s for s in shares if s.stated_on == SPOKESPERSON_DAY]
    assert (that_day.value, that_day.unit, that_day.basis) == (Decimal(50), "%", ShareBasis.NEED)
    assert "سخنگوی دولت" in that_day.source and that_day.note
    others = [s for s in shares if s != that_day]
    assert {s.value for s in others} == {Decimal(60), Decimal(10)}
    assert len({s.source for s in shares}) == 3
    assert len({s.stated_on for s in shares}) == 3
    assert all(s.stated_on < timezone.localdate() and s.note for s in others)
    # Newest first, as the page shows them.
    assert [s.stated_on for s in shares] == sorted((s.stated_on for s in shares), reverse=True)
    assert SectorShare.objects.exclude(sector__code="detergents").count() >= 3


def test_projects_lie_in_every_county_in_every_status_and_currency(printed):
    projects = Project.objects.filter(province__code="26")
    assert dict(Counter(projects.values_list("county__code", flat=True))) == {
        "2601": 3,
        "2602": 3,
        "2603": 7,
        "2604": 4,
        "2605": 6,
        "2606": 2,
    }
    assert set(projects.values_list("status", flat=True)) == set(ProjectStatus.values)
    assert set(projects.values_list("currency", flat=True)) == set(Currency.values)
    assert projects.values("sector").distinct().count() >= 10
    # Dollars at the rate of the day they were stated, the rial value reproducible from it.
    for project in projects.filter(currency=Currency.USD):
        stated = figure_sources(project)["investment"]
        assert project.rate_on <= stated.on
        assert project.amount_rial == project.amount * project.rate
    # Most lines opened in 1403–1404, at ceremonies or on a visit; none in the future.
    opened = projects.filter(status=ProjectStatus.OPERATING)
    years = Counter(jalali_year(p.opened_on) for p in opened)
    assert years[1403] >= 3 and years[1404] >= 4
    assert all(p.opened_on <= timezone.localdate() for p in opened)
    assert projects.filter(status=ProjectStatus.STALLED).count() >= 2
    assert projects.filter(status=ProjectStatus.PLANNED, planned_opening_on__isnull=False).exists()


def test_each_line_has_a_dated_history_from_several_sources(printed):
    projects = Project.objects.filter(province__code="26").prefetch_related("updates")
    sources = set()
    for project in projects:
        updates = list(project.updates.all())
        sources |= {u.source for u in updates}
        assert all(local_day(u.created_at) == u.on <= timezone.localdate() for u in updates)
        if project.status != ProjectStatus.PLANNED:
            assert len(updates) >= 3
            assert updates[-1].kind == ProjectUpdate.Kind.CREATED  # newest first
    assert len(sources) >= 8
    stalled = projects.filter(status=ProjectStatus.STALLED)
    for project in stalled:
        assert project.updates.filter(changes__status__1="stalled").exclude(note="").exists()


def test_export_figures_are_forecast_and_actual_to_countries_and_groups(printed):
    figures = ExportFigure.objects.filter(company__province__code="26")
    assert set(figures.values_list("kind", flat=True)) == set(ExportKind.values)
    assert set(figures.values_list("year", flat=True)) >= {1403, 1404, 1405}
    countries = set(figures.exclude(country=None).values_list("country__code", flat=True))
    groups = set(figures.exclude(group=None).values_list("group__code", flat=True))
    assert len(countries) >= 5 and {"IQ", "RU"} <= countries
    assert len(groups) >= 3 and "arab_league" in groups
    assert all(figure.project_id and figure.source for figure in figures)
    # The Emirates count for each of their groups: the Arab countries, the GCC, the neighbours.
    totals = export_totals(figures.filter(kind=ExportKind.ACTUAL).select_related("country"))
    groups_of_actuals = {group.code for group, _amounts in totals.by_group}
    assert {"arab_league", "gcc", "neighbours"} <= groups_of_actuals


def test_the_other_visits_open_lines_and_one_sits_in_a_session_of_the_provincial_hq(printed):
    others = Visit.objects.exclude(starts_on=SPOKESPERSON_DAY)
    assert others.count() == 2
    for visit in others:
        [opening] = visit.items.filter(kind=ItineraryKind.OPENING)
        assert opening.project.opened_on == opening.day
        assert opening.project.updates.filter(item=opening).exists()
    [hq_item] = ItineraryItem.objects.filter(meeting__isnull=False)
    meeting = Meeting.objects.select_related("body").get(pk=hq_item.meeting_id)
    assert meeting.body.kind == MeetingKind.PROVINCIAL
    assert meeting.status == MeetingStatus.CLOSED
    assert local_day(meeting.starts_at) == hq_item.day == hq_item.visit.starts_on
    assert hq_item.kind == ItineraryKind.MEETING
    assert hq_item.visit.ends_on > hq_item.visit.starts_on
    assert hq_item.visit.items.filter(kind=ItineraryKind.UNIVERSITY).exists()
    # A visit may also look at a line that is not being opened: a stalled one, here.
    assert hq_item.visit.items.filter(
        kind=ItineraryKind.OTHER, project__status=ProjectStatus.STALLED
    ).exists()


def test_load_demo_says_what_it_added(printed):
    assert (
        "Investments: 25 projects added, 25 in the demo (بویین زهرا 3, تاکستان 3, قزوین 7, "
        "آبیک 4, البرز 6, آوج 2), 11 opened; 3 official visits" in printed
    )


def test_loading_again_adds_nothing(printed):
    before = {model.__name__: model.objects.count() for model in MODELS}

    result = load_investments()

    assert result.added == 0 and result.projects == 25
    assert {model.__name__: model.objects.count() for model in MODELS} == before


def test_the_plan_is_the_same_every_time(printed):
    province = Province.objects.get(code="26")
    session = _hq_session(province, timezone.localdate())
    assert session is not None
    day = timezone.localdate(session.starts_at)

    def plan():
        return plan_investments(_candidates(province), minister_day=day, hq_place=session.place)

    first = plan()
    assert plan() == first
    assert len(first.projects) == 25 and len(first.tours) == 3
    assert len({p.national_id for p in first.projects}) == 25
