"""Projects through the services: where a line is placed, the history of its figures and their
sources, the status table, openings, and rial totals anyone can redo."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tashil.core.money import Currency
from tashil.factories import CountyFactory, EstateFactory, ProvinceFactory
from tashil.investments.models import Project, ProjectUpdate
from tashil.investments.selectors import figure_sources, project_totals
from tashil.investments.services import (
    MONEY_FIELDS,
    PROJECT_FIELDS,
    project_open,
    project_report_progress,
    project_update,
)
from tashil.investments.tests.conftest import RATE, RATE_ON, dollars, rials, tomans
from tashil.investments.workflow import PROJECT_TRANSITIONS, ProjectStatus

pytestmark = pytest.mark.django_db

S = ProjectStatus


def field_errors(raised: Any) -> set[str]:
    return set(raised.value.message_dict)


def history(project: Project) -> list[ProjectUpdate]:
    return list(project.updates.order_by("created_at", "id"))


@pytest.fixture
def yesterday(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=1)


@pytest.fixture
def company_in_caspian(company: Any, estate: Any) -> Any:
    company.estate = estate
    company.save(update_fields=["estate"])
    return company


# --- project_create ------------------------------------------------------------------------------


def test_a_project_is_placed_at_the_company_site_by_default(
    make_project, company_in_caspian, county, estate
):
    project = make_project(company_in_caspian)

    project.refresh_from_db()
    assert (project.province_id, project.county, project.estate) == (
        company_in_caspian.province_id,
        county,
        estate,
    )


def test_a_line_built_in_another_county_does_not_take_the_company_estate(
    make_project, company_in_caspian, other_county
):
    project = make_project(company_in_caspian, county=other_county)

    project.refresh_from_db()
    assert (project.county, project.estate) == (other_county, None)


def test_a_county_or_estate_of_another_province_is_refused(make_project, company):
    tehran = ProvinceFactory(code="23", name="تهران")
    far_county = CountyFactory(province=tehran, code="2301", name="شمیرانات")
    far_estate = EstateFactory(province=tehran, name="شهرک صنعتی عباس‌آباد")

    with pytest.raises(ValidationError) as raised:
        make_project(company, county=far_county, estate=far_estate)

    assert field_errors(raised) == {"county", "estate"}
    assert not Project.objects.exists()


def test_the_first_update_holds_every_figure_and_its_source(cosmetics_line, company, estate, today):
    [first] = history(cosmetics_line)

    assert (first.kind, first.source, first.on, first.item) == (
        ProjectUpdate.Kind.CREATED,
        "سخنگوی دولت",
        today,
        None,
    )
    assert first.changes == {
        "title": [None, "خط تولید محصولات آرایشی و بهداشتی"],
        "sector": [None, str(cosmetics_line.sector)],
        "county": [None, str(company.county)],
        "estate": [None, str(estate)],
        "jobs_planned": [None, 100],
        "product_types": [None, 90],
        "progress": [None, 95],
        "status": [None, S.UNDER_CONSTRUCTION],
        "amount": [None, "4000000"],
        "currency": [None, Currency.USD],
        "rate": [None, RATE],
        "rate_on": [None, RATE_ON.isoformat()],
        "amount_rial": [None, 4_000_000 * RATE],
    }


def test_the_history_writes_amounts_out_in_full(cosmetics_line):
    # Not "4E+6": people read the history.
    project_update(actor=None, project=cosmetics_line, source="x", investment=dollars("1500.5"))
    project_update(actor=None, project=cosmetics_line, source="x", investment=rials(100))

    _, cents, round_rials = history(cosmetics_line)
    assert cents.changes["amount"] == ["4000000", "1500.5"]
    old, new = round_rials.changes["amount"]
    assert (Decimal(old), new) == (Decimal("1500.5"), "100")
    assert "E" not in old


def test_the_first_update_is_as_of_today_unless_told(make_project, company, today):
    recorded = make_project(company, title="الف")
    dated = make_project(company, title="ب", on=dt.date(2025, 6, 1))

    assert recorded.updates.get().on == today
    assert dated.updates.get().on == dt.date(2025, 6, 1)


@pytest.mark.parametrize("source", ["", "   "])
def test_a_project_without_a_source_is_refused(make_project, company, source):
    with pytest.raises(ValidationError) as raised:
        make_project(company, source=source)

    assert field_errors(raised) == {"source"}
    assert not Project.objects.exists()
    assert not ProjectUpdate.objects.exists()


def test_a_project_without_a_title_is_refused(make_project, company):
    with pytest.raises(ValidationError) as raised:
        make_project(company, title="  ")
    assert field_errors(raised) == {"title"}


def test_a_dollar_investment_without_its_rate_is_refused_and_nothing_is_written(
    make_project, company
):
    with pytest.raises(ValidationError) as raised:
        make_project(company, investment=dollars(4_000_000, rate=None))

    assert field_errors(raised) == {"rate"}
    assert not Project.objects.exists()


def test_an_operating_line_needs_its_opening_date(make_project, company):
    with pytest.raises(ValidationError) as raised:
        make_project(company, status=S.OPERATING)
    assert field_errors(raised) == {"opened_on"}


def test_a_line_recorded_as_operating_is_complete(make_project, company, yesterday):
    project = make_project(company, status=S.OPERATING, opened_on=yesterday, progress=30)

    project.refresh_from_db()
    assert (project.status, project.opened_on, project.progress) == (S.OPERATING, yesterday, 100)


def test_an_opening_in_the_future_is_refused(make_project, company, today):
    with pytest.raises(ValidationError) as raised:
        make_project(company, status=S.OPERATING, opened_on=today + dt.timedelta(days=1))
    assert field_errors(raised) == {"opened_on"}


def test_a_line_opened_today_is_accepted(make_project, company, today):
    assert make_project(company, status=S.OPERATING, opened_on=today).opened_on == today


@pytest.mark.parametrize("status", [S.PLANNED, S.UNDER_CONSTRUCTION, S.STALLED])
def test_a_line_that_has_not_opened_has_no_opening_date(make_project, company, yesterday, status):
    with pytest.raises(ValidationError) as raised:
        make_project(company, status=status, opened_on=yesterday)
    assert field_errors(raised) == {"opened_on"}


def test_a_typo_in_the_jobs_created_is_caught(make_project, company):
    with pytest.raises(ValidationError) as raised:
        make_project(company, jobs_planned=100, jobs_created=10_000)
    assert field_errors(raised) == {"jobs_created"}


def test_progress_above_a_hundred_percent_is_refused(make_project, company):
    with pytest.raises(ValidationError) as raised:
        make_project(company, progress=101)
    assert field_errors(raised) == {"progress"}


# --- project_update ------------------------------------------------------------------------------


def test_an_update_records_old_and_new_values_with_its_source(cosmetics_line, secretariat):
    changed = project_update(
        actor=secretariat,
        project=cosmetics_line,
        source="مدیرعامل شرکت",
        on=dt.date(2025, 11, 1),
        note="  بازدید میدانی  ",
        jobs_planned=120,
        title="خط تولید شامپو",
    )

    assert sorted(changed) == ["jobs_planned", "title"]
    update = history(cosmetics_line)[-1]
    assert (update.kind, update.source, update.on, update.note, update.actor) == (
        ProjectUpdate.Kind.UPDATED,
        "مدیرعامل شرکت",
        dt.date(2025, 11, 1),
        "بازدید میدانی",
        secretariat,
    )
    assert update.changes == {
        "jobs_planned": [100, 120],
        "title": ["خط تولید محصولات آرایشی و بهداشتی", "خط تولید شامپو"],
    }
    stored = Project.objects.get(pk=cosmetics_line.pk)
    assert (stored.jobs_planned, stored.title) == (120, "خط تولید شامپو")
    assert "شامپو" in stored.search_key
    # The caller's object follows the database.
    assert (cosmetics_line.jobs_planned, cosmetics_line.title) == (120, "خط تولید شامپو")


def test_an_update_that_changes_nothing_writes_nothing(cosmetics_line, estate):
    before = Project.objects.values().get(pk=cosmetics_line.pk)

    changed = project_update(
        actor=None,
        project=cosmetics_line,
        source="مدیرعامل شرکت",
        investment=dollars(4_000_000),
        jobs_planned=100,
        estate=estate,
        status=S.UNDER_CONSTRUCTION,
        title="خط تولید محصولات آرایشی و بهداشتی",
    )

    assert changed == []
    assert len(history(cosmetics_line)) == 1
    assert Project.objects.values().get(pk=cosmetics_line.pk) == before


def test_a_new_investment_records_every_money_column(cosmetics_line):
    changed = project_update(
        actor=None, project=cosmetics_line, source="سازمان صمت", investment=tomans(300_000_000_000)
    )

    assert set(changed) == {"amount", "currency", "rate", "rate_on", "amount_rial"}
    assert history(cosmetics_line)[-1].changes == {
        "amount": ["4000000", "300000000000"],
        "currency": [Currency.USD, Currency.TOMAN],
        "rate": [RATE, None],
        "rate_on": [RATE_ON.isoformat(), None],
        "amount_rial": [4_000_000 * RATE, 3_000_000_000_000],
    }
    stored = Project.objects.get(pk=cosmetics_line.pk)
    assert (stored.currency, stored.rate, stored.rate_on, stored.amount_rial) == (
        Currency.TOMAN,
        None,
        None,
        3_000_000_000_000,
    )


def test_a_new_rate_alone_moves_the_rial_value(cosmetics_line):
    changed = project_update(
        actor=None,
        project=cosmetics_line,
        source="بانک مرکزی",
        investment=dollars(4_000_000, rate=1_100_000, on=dt.date(2025, 12, 14)),
    )

    assert set(changed) == {"rate", "rate_on", "amount_rial"}
    assert Project.objects.get(pk=cosmetics_line.pk).amount_rial == 4_400_000_000_000


def test_an_update_without_a_source_is_refused(cosmetics_line):
    with pytest.raises(ValidationError) as raised:
        project_update(actor=None, project=cosmetics_line, source=" ", jobs_planned=120)
    assert field_errors(raised) == {"source"}
    assert Project.objects.get(pk=cosmetics_line.pk).jobs_planned == 100


def test_an_update_of_an_unknown_field_is_a_programming_error(cosmetics_line):
    with pytest.raises(TypeError):
        project_update(actor=None, project=cosmetics_line, source="x", company=None)


def test_a_refused_update_changes_neither_the_project_nor_its_history(cosmetics_line):
    with pytest.raises(ValidationError):
        project_update(
            actor=None,
            project=cosmetics_line,
            source="مدیرعامل",
            jobs_planned=5,
            jobs_created=500,
        )
    stored = Project.objects.get(pk=cosmetics_line.pk)
    assert (stored.jobs_planned, stored.jobs_created) == (100, None)
    assert len(history(cosmetics_line)) == 1


# The status table, move by move: every pair of distinct statuses, allowed or not per the table.
MOVES = [
    pytest.param(source, target, target in PROJECT_TRANSITIONS[source], id=f"{source}-{target}")
    for source in S
    for target in S
    if source != target
]


def test_the_table_covers_every_status():
    assert set(PROJECT_TRANSITIONS) == set(S)
    assert all(targets <= set(S) for targets in PROJECT_TRANSITIONS.values())


@pytest.mark.parametrize(("source", "target", "allowed"), MOVES)
def test_a_status_moves_only_along_the_table(
    make_project, company, yesterday, source, target, allowed
):
    opened = {"opened_on": yesterday} if source == S.OPERATING else {}
    project = make_project(company, status=source, progress=40, **opened)
    opening = {"opened_on": yesterday} if target == S.OPERATING else {}

    if allowed:
        changed = project_update(
            actor=None, project=project, source="سازمان صمت", status=target, **opening
        )
        stored = Project.objects.get(pk=project.pk)
        assert stored.status == target
        assert history(project)[-1].changes["status"] == [source, target]
        assert "status" in changed
    else:
        with translation.override("en"), pytest.raises(ValidationError) as raised:
            project_update(
                actor=None, project=project, source="سازمان صمت", status=target, **opening
            )
        with translation.override("en"):
            assert raised.value.message_dict == {
                "status": [f"A project cannot go from «{S(source).label}» to «{S(target).label}»."]
            }
        assert Project.objects.get(pk=project.pk).status == source
        assert len(history(project)) == 1


@pytest.mark.parametrize("source", [S.PLANNED, S.UNDER_CONSTRUCTION, S.STALLED])
def test_opening_brings_the_progress_to_a_hundred(make_project, company, yesterday, source):
    project = make_project(company, status=source, progress=40)

    project_update(
        actor=None, project=project, source="سازمان صمت", status=S.OPERATING, opened_on=yesterday
    )

    stored = Project.objects.get(pk=project.pk)
    assert (stored.status, stored.opened_on, stored.progress) == (S.OPERATING, yesterday, 100)
    assert history(project)[-1].changes["progress"] == [40, 100]


def test_opening_without_a_date_is_refused(cosmetics_line):
    with pytest.raises(ValidationError) as raised:
        project_update(actor=None, project=cosmetics_line, source="x", status=S.OPERATING)
    assert field_errors(raised) == {"opened_on"}
    assert Project.objects.get(pk=cosmetics_line.pk).status == S.UNDER_CONSTRUCTION


def test_an_unknown_status_is_refused_on_the_status_field(cosmetics_line):
    with pytest.raises(ValidationError) as raised:
        project_update(actor=None, project=cosmetics_line, source="x", status="demolished")
    assert field_errors(raised) == {"status"}


# --- project_report_progress and project_open ----------------------------------------------------


def test_each_progress_report_is_kept(cosmetics_line, secretariat):
    project_report_progress(
        actor=secretariat,
        project=cosmetics_line,
        source="گزارش شرکت",
        on=dt.date(2025, 10, 1),
        progress=97,
        jobs_created=60,
    )
    project_report_progress(
        actor=secretariat,
        project=cosmetics_line,
        source="بازدید کارشناس",
        on=dt.date(2025, 11, 1),
        progress=99,
    )

    reports = [u for u in history(cosmetics_line) if u.kind == ProjectUpdate.Kind.PROGRESS]
    assert [(u.on, u.source, u.changes) for u in reports] == [
        (dt.date(2025, 10, 1), "گزارش شرکت", {"progress": [95, 97], "jobs_created": [None, 60]}),
        (dt.date(2025, 11, 1), "بازدید کارشناس", {"progress": [97, 99]}),
    ]
    stored = Project.objects.get(pk=cosmetics_line.pk)
    assert (stored.progress, stored.jobs_created) == (99, 60)


def test_a_progress_report_may_stall_a_project(cosmetics_line):
    project_report_progress(
        actor=None, project=cosmetics_line, source="x", on=dt.date(2025, 10, 1), status=S.STALLED
    )
    assert Project.objects.get(pk=cosmetics_line.pk).status == S.STALLED


def test_an_empty_progress_report_is_refused(cosmetics_line):
    with pytest.raises(ValidationError):
        project_report_progress(
            actor=None, project=cosmetics_line, source="x", on=dt.date(2025, 10, 1)
        )
    assert len(history(cosmetics_line)) == 1


def test_a_progress_above_a_hundred_is_refused_on_the_progress(cosmetics_line):
    with pytest.raises(ValidationError) as raised:
        project_report_progress(
            actor=None, project=cosmetics_line, source="x", on=dt.date(2025, 10, 1), progress=120
        )
    assert field_errors(raised) == {"progress"}
    assert Project.objects.get(pk=cosmetics_line.pk).progress == 95


def test_opening_a_line_completes_it(cosmetics_line, yesterday, secretariat):
    changed = project_open(
        actor=secretariat, project=cosmetics_line, on=yesterday, source="استانداری"
    )

    assert set(changed) == {"opened_on", "status", "progress"}
    stored = Project.objects.get(pk=cosmetics_line.pk)
    assert (stored.status, stored.opened_on, stored.progress) == (S.OPERATING, yesterday, 100)
    update = history(cosmetics_line)[-1]
    assert (update.kind, update.on, update.source, update.actor) == (
        ProjectUpdate.Kind.OPENED,
        yesterday,
        "استانداری",
        secretariat,
    )


def test_an_opening_recorded_again_moves_the_date_only(cosmetics_line, today):
    first, official = today - dt.timedelta(days=10), today - dt.timedelta(days=2)
    project_open(actor=None, project=cosmetics_line, on=first, source="شرکت")

    changed = project_open(actor=None, project=cosmetics_line, on=official, source="استانداری")

    assert changed == ["opened_on"]
    assert Project.objects.get(pk=cosmetics_line.pk).opened_on == official
    assert history(cosmetics_line)[-1].changes == {
        "opened_on": [first.isoformat(), official.isoformat()]
    }


def test_an_opening_tomorrow_is_refused(cosmetics_line, today):
    with pytest.raises(ValidationError) as raised:
        project_open(
            actor=None, project=cosmetics_line, on=today + dt.timedelta(days=1), source="x"
        )
    assert field_errors(raised) == {"opened_on"}
    assert Project.objects.get(pk=cosmetics_line.pk).status == S.UNDER_CONSTRUCTION


# --- The source of each figure -------------------------------------------------------------------


def test_each_figure_shows_the_source_that_set_it_last(cosmetics_line):
    project_update(actor=None, project=cosmetics_line, source="مدیرعامل", jobs_planned=120)
    project_update(
        actor=None, project=cosmetics_line, source="بانک مرکزی", investment=dollars(4_500_000)
    )

    sources = {name: update.source for name, update in figure_sources(cosmetics_line).items()}

    assert sources["jobs_planned"] == "مدیرعامل"
    assert sources["investment"] == "بانک مرکزی"
    assert sources["title"] == sources["product_types"] == "سخنگوی دولت"
    assert "jobs_created" not in sources  # never given
    assert set(sources) <= {*PROJECT_FIELDS, "investment"}
    assert not set(sources) & {*MONEY_FIELDS, "amount_rial"}


def test_the_latest_applied_update_wins_over_a_later_as_of_date(cosmetics_line):
    project_update(
        actor=None,
        project=cosmetics_line,
        source="گزارش آذر",
        on=dt.date(2025, 12, 1),
        jobs_planned=110,
    )
    # A correction entered afterwards, as of an earlier date: it is the value now shown.
    project_update(
        actor=None,
        project=cosmetics_line,
        source="اصلاحیه مهر",
        on=dt.date(2025, 10, 1),
        jobs_planned=105,
    )

    assert figure_sources(cosmetics_line)["jobs_planned"].source == "اصلاحیه مهر"
    assert Project.objects.get(pk=cosmetics_line.pk).jobs_planned == 105


# --- Rial totals anyone can redo -----------------------------------------------------------------


def test_the_rial_total_is_the_sum_of_amounts_times_their_rates(make_project, company):
    investments = [
        dollars("4000000"),
        dollars("1234.56", rate=1_049_999, on=dt.date(2025, 11, 2)),
        dollars("0.5", rate=3, on=dt.date(2025, 11, 3)),  # 1.5 rials: rounds up to 2
        rials("987654321"),
        tomans("12345"),
    ]
    for number, investment in enumerate(investments):
        make_project(company, title=f"خط {number}", investment=investment)

    fixed: dict[str, int] = {Currency.RIAL: 1, Currency.TOMAN: 10}
    recomputed = 0
    for amount, currency, rate in Project.objects.values_list("amount", "currency", "rate"):
        factor = fixed.get(currency) or rate or 0
        recomputed += int((amount * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    totals = project_totals(Project.objects.all())
    assert totals.count == len(investments)
    assert totals.investment_rial == recomputed
    assert totals.investment_rial == sum(Project.objects.values_list("amount_rial", flat=True))
    assert all(p.money.rials() == p.amount_rial for p in Project.objects.all())
