"""Every dashboard figure, counted again in plain Python from the raw rows and compared with the
selectors (issue 7: "every figure must be reproducible from the records it counts").

The recounts below read `Model.objects.all()` and follow the definitions in the selectors'
docstrings (docs/figures.md) with nothing from the selectors' own code: no Q objects, no bucket
tables, no period arithmetic. A day is the day on the clock in Tehran. The records come from
`recount_world` (conftest.py): a seeded random province, a second province whose records must not
count, and a quarter of all dates on the days either side of the period's edges, minutes from
midnight. Each seed takes another period (a month, a season, a week, the year to date, the leap
Esfand of 1403).

The Jalali boundaries of the issue ("a case filed on the last day of Azar counts in Azar") are
checked with fixed records at the end of the file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import jdatetime
import pytest

from tashil.agencies.models import Agency
from tashil.cases.models import Case, Channel, Referral
from tashil.cases.services import (
    ReferralRequest,
    case_file,
    case_provide_info,
    case_record_results,
    case_refer,
    case_return_for_info,
    case_start_screening,
    referral_answer,
)
from tashil.core.money import Currency, Money
from tashil.figures import selectors
from tashil.figures.period import Period
from tashil.figures.selectors import (
    CaseFigures,
    CountyFigures,
    Destination,
    ResolutionFigures,
    Results,
    Scorecard,
    SessionFigures,
)
from tashil.figures.tests.conftest import (
    TEHRAN,
    RecountWorld,
    jalali_day,
    local_day,
    tehran_moment,
)
from tashil.geo.models import Country, CountryGroup, County, Province
from tashil.investments.models import ExportFigure, Project, Sector, SectorShare
from tashil.meetings.models import Meeting, Resolution, ResolutionAgency
from tashil.registry.models import Certificate, Company, KnowledgeBasedTarget, StatusChange

SEEDS = [0, 1, 2, 3, 4]

# The case statuses in which the HQ is still working on a case (cases/workflow.py: everything
# but the final states and the outcomes waiting for the company's confirmation).
STILL_OPEN = {
    "submitted",
    "screening",
    "returned_for_info",
    "expert_review",
    "referred",
    "working_group",
    "on_agenda",
    "discussed",
    "resolutions_issued",
}
# Qazvin's split of the resolutions issued.
FOLLOW_UP = {"notified", "objected", "in_progress", "reported"}
WORKING = {"operating", "partly_operating"}


def within(day: dt.date, period: Period) -> bool:
    return period.start <= day <= period.end


def answered_on(referral: Referral) -> dt.date:
    assert referral.answered_at is not None
    return local_day(referral.answered_at)


def opened_on(line: Project) -> dt.date:
    assert line.opened_on is not None
    return line.opened_on


# --- Recounts ------------------------------------------------------------------------------------


def count_cases(cases: Iterable[Case]) -> CaseFigures:
    figures = CaseFigures()
    for case in cases:
        if case.status == "merged":
            continue
        figures.received += 1
        if case.status in STILL_OPEN:
            figures.in_progress += 1
        elif case.outcome == "resolved":
            figures.resolved += 1
        else:
            figures.not_resolved += 1
    return figures


def cases_filed(province: Province, period: Period) -> list[Case]:
    return [
        case
        for case in Case.objects.all()
        if case.province_id == province.pk and within(local_day(case.created_at), period)
    ]


def recount_case_figures_by(
    province: Province, period: Period, by: str
) -> list[tuple[int, CaseFigures]]:
    groups: dict[int, list[Case]] = defaultdict(list)
    for case in cases_filed(province, period):
        groups[case.category_id if by == "category" else case.county_id].append(case)
    model: Any = Case._meta.get_field(by).related_model
    rows = [
        (model.objects.get(pk=pk), count_cases(cases))
        for pk, cases in groups.items()
        if count_cases(cases).received
    ]
    rows.sort(key=lambda row: (-row[1].received, str(row[0])))
    return [(obj.pk, figures) for obj, figures in rows]


def resolutions_issued(province: Province, period: Period) -> list[Resolution]:
    return [
        resolution
        for resolution in Resolution.objects.select_related("meeting")
        if resolution.province_id == province.pk
        and resolution.state != "draft"
        and within(local_day(resolution.meeting.starts_at), period)
    ]


def count_resolutions(resolutions: Iterable[Resolution]) -> ResolutionFigures:
    figures = ResolutionFigures()
    for resolution in resolutions:
        figures.total += 1
        if resolution.state == "executed":
            figures.executed += 1
        elif resolution.state in FOLLOW_UP:
            figures.follow_up += 1
        elif resolution.state == "not_executed":
            figures.not_executed += 1
    return figures


def sessions_held(province: Province, period: Period) -> list[Meeting]:
    return [
        meeting
        for meeting in Meeting.objects.select_related("body")
        if meeting.body.province_id == province.pk
        and meeting.status == "closed"
        and within(local_day(meeting.starts_at), period)
    ]


def recount_sessions(province: Province, period: Period) -> SessionFigures:
    figures = SessionFigures()
    for meeting in sessions_held(province, period):
        kind = meeting.body.kind
        setattr(figures, kind, getattr(figures, kind) + 1)
    return figures


def revived_companies(province: Province, period: Period) -> set[int]:
    """Companies with a change in the period to operating (or partly) from idle, the change
    before it being the one with the latest date before it (of one day, the one recorded
    first)."""
    chains: dict[int, list[StatusChange]] = defaultdict(list)
    for change in StatusChange.objects.select_related("company"):
        if change.company.province_id == province.pk:
            chains[change.company_id].append(change)
    revived = set()
    for company_id, chain in chains.items():
        chain.sort(key=lambda change: (change.since, change.pk))
        for before, change in zip(chain, chain[1:], strict=False):
            if (
                within(change.since, period)
                and change.status in WORKING
                and before.status == "idle"
            ):
                revived.add(company_id)
    return revived


def lines_opened(province: Province, period: Period) -> list[Project]:
    return [
        project
        for project in Project.objects.all()
        if project.province_id == province.pk
        and project.status == "operating"
        and project.opened_on is not None
        and within(project.opened_on, period)
    ]


def cases_with_results(province: Province, period: Period) -> list[Case]:
    return [
        case
        for case in Case.objects.all()
        if case.province_id == province.pk
        and case.results_on is not None
        and within(case.results_on, period)
    ]


def recount_results(province: Province, period: Period) -> Results:
    recorded = cases_with_results(province, period)
    return Results(
        approved_rial=sum(case.approved_amount or 0 for case in recorded),
        jobs_preserved=sum(case.jobs_preserved or 0 for case in recorded),
        jobs_created=sum(line.jobs_created or 0 for line in lines_opened(province, period)),
        cases=len(recorded),
    )


def destination_key(row: ExportFigure) -> tuple[str, int]:
    if row.country_id is not None:
        return ("country", row.country_id)
    assert row.group_id is not None
    return ("group", row.group_id)


def object_key(destination: Country | CountryGroup) -> tuple[str, int]:
    return ("country" if isinstance(destination, Country) else "group", destination.pk)


def recorded_by(row: ExportFigure, as_of: dt.date | None) -> bool:
    return as_of is None or local_day(row.created_at) <= as_of


def recount_line_forecasts(
    lines: list[Project], year: int, as_of: dt.date
) -> dict[int, dict[tuple[str, int], tuple[int, Decimal]]]:
    """Per line, its forecast for `year` as recorded by `as_of`, per destination: (rial,
    dollars)."""
    wanted = {line.pk for line in lines}
    found: dict[int, dict[tuple[str, int], tuple[int, Decimal]]] = defaultdict(dict)
    for row in ExportFigure.objects.all():
        if (
            row.project_id in wanted
            and row.kind == "forecast"
            and row.year == year
            and recorded_by(row, as_of)
        ):
            rial, usd = found[row.project_id].get(destination_key(row), (0, Decimal(0)))
            dollars = row.amount if row.currency == "USD" else Decimal(0)
            found[row.project_id][destination_key(row)] = (rial + row.amount_rial, usd + dollars)
    return found


def recount_exports(
    province: Province, year: int, kind: str, as_of: dt.date | None = None
) -> dict[str, Any]:
    member_of: dict[int, list[int]] = defaultdict(list)
    for link in CountryGroup.members.through.objects.all():
        member_of[link.country_id].append(link.countrygroup_id)
    rows = [
        row
        for row in ExportFigure.objects.select_related("company")
        if row.company.province_id == province.pk
        and (row.year, row.kind) == (year, kind)
        and recorded_by(row, as_of)
    ]
    sums: dict[tuple[str, int], list[Any]] = defaultdict(lambda: [0, Decimal(0)])

    def add(key: tuple[str, int], row: ExportFigure) -> None:
        sums[key][0] += row.amount_rial
        sums[key][1] += row.amount if row.currency == "USD" else Decimal(0)

    for row in rows:
        add(destination_key(row), row)
        for group in member_of.get(row.country_id or 0, []):
            add(("group", group), row)
    names = {("country", c.pk): str(c) for c in Country.objects.all()}
    names.update({("group", g.pk): str(g) for g in CountryGroup.objects.all()})
    destinations = sorted(
        ((key, rial, usd) for key, (rial, usd) in sums.items()),
        key=lambda entry: (entry[0][0] != "group", -entry[1], names[entry[0]]),
    )
    return {
        "total_rial": sum(row.amount_rial for row in rows),
        "total_usd": sum((row.amount for row in rows if row.currency == "USD"), Decimal(0)),
        "destinations": destinations,
    }


def recount_shares(province: Province, on: dt.date) -> list[tuple[int, list[int]]]:
    by_sector: dict[Any, list[SectorShare]] = defaultdict(list)
    for share in SectorShare.objects.select_related("sector"):
        if share.province_id == province.pk and share.stated_on <= on:
            by_sector[share.sector].append(share)
    return [
        (sector.pk, [s.pk for s in sorted(shares, key=lambda s: (s.stated_on, s.pk), reverse=True)])
        for sector, shares in sorted(by_sector.items(), key=lambda entry: str(entry[0]))
    ]


def knowledge_based_on(province: Province, day: dt.date, county: County | None = None) -> int:
    return len(
        {
            certificate.company_id
            for certificate in Certificate.objects.select_related("company")
            if certificate.company.province_id == province.pk
            and (county is None or certificate.company.county_id == county.pk)
            and certificate.issued_on <= day <= certificate.expires_on
            and (certificate.revoked_on is None or certificate.revoked_on > day)
        }
    )


def jalali_month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every Jalali month from the one holding `start` to the one holding `end`,
    the last one cut at `end`."""
    points = []
    j = jdatetime.date.fromgregorian(date=start)
    year, month = j.year, j.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        last = jdatetime.date(year, month, 1).togregorian() - dt.timedelta(days=1)
        points.append(min(last, end))
        if last >= end:
            return points


def target_on(province: Province, day: dt.date) -> KnowledgeBasedTarget | None:
    candidates = [
        target
        for target in KnowledgeBasedTarget.objects.all()
        if target.province_id == province.pk and local_day(target.created_at) <= day
    ]
    return max(candidates, key=lambda t: (t.created_at, t.pk), default=None)


def nearest_rank_p90(values: list[int]) -> int | None:
    if not values:
        return None
    rank = -(-9 * len(values) // 10)  # ⌈0.9·n⌉ in integers
    return sorted(values)[rank - 1]


def whole_percent(part: int, whole: int) -> int | None:
    # Halves round up, as people round by hand: 1/8 is 13%; ⌊(200·part + whole) / 2·whole⌋.
    return (200 * part + whole) // (2 * whole) if whole else None


def recount_scorecards(
    province: Province, period: Period, agencies: list[Agency], today: dt.date
) -> list[Scorecard]:
    cards = []
    referrals = list(Referral.objects.select_related("case"))
    issued = resolutions_issued(province, period)
    addressed: dict[int, set[int]] = defaultdict(set)
    for link in ResolutionAgency.objects.all():
        addressed[link.agency_id].add(link.resolution_id)
    for agency in agencies:
        sent = [
            r
            for r in referrals
            if r.agency_id == agency.pk and within(local_day(r.created_at), period)
        ]
        answered = [r for r in sent if r.status == "answered"]
        days = [r.response_days for r in answered if r.response_days is not None]
        assert len(days) == len(answered)
        decided = count_resolutions(r for r in issued if r.pk in addressed[agency.pk])
        cards.append(
            Scorecard(
                agency=agency,
                # Cases, not referrals: a case sent to the agency twice is one case.
                received=len({r.case_id for r in sent}),
                answered=len({r.case_id for r in answered}),
                on_time=len({r.case_id for r in answered if answered_on(r) <= r.due_on}),
                # Tenths, halves up: ⌊(20·sum + n) / 2n⌋ / 10.
                average_days=(20 * sum(days) + len(days)) // (2 * len(days)) / 10 if days else None,
                p90_days=nearest_rank_p90(days),
                open_overdue=len(
                    {
                        r.case_id
                        for r in referrals
                        if r.agency_id == agency.pk
                        and r.status == "open"
                        and r.due_on < today
                        and r.case.status != "returned_for_info"
                    }
                ),
                executed=decided.executed,
                follow_up=decided.follow_up,
                not_executed=decided.not_executed,
            )
        )

    def best_first(card: Scorecard) -> tuple[Any, ...]:
        on_time = whole_percent(card.on_time, card.received)
        decided = card.executed + card.follow_up + card.not_executed
        executed = whole_percent(card.executed, decided)
        return (
            -(on_time if on_time is not None else -1),
            card.open_overdue,
            -(executed if executed is not None else -1),
            str(card.agency),
        )

    return sorted(cards, key=best_first)


def recount_county(province: Province, period: Period, county: County) -> CountyFigures:
    opened = [line for line in lines_opened(province, period) if line.county_id == county.pk]
    results = [c for c in cases_with_results(province, period) if c.county_id == county.pk]
    county_of = dict(Company.objects.values_list("pk", "county_id"))
    revived = [pk for pk in revived_companies(province, period) if county_of[pk] == county.pk]
    return CountyFigures(
        county=county,
        cases=count_cases(c for c in cases_filed(province, period) if c.county_id == county.pk),
        resolutions=count_resolutions(
            r for r in resolutions_issued(province, period) if r.county_id == county.pk
        ),
        county_sessions=sum(
            1
            for m in sessions_held(province, period)
            if m.body.kind == "county" and m.body.county_id == county.pk
        ),
        knowledge_based=knowledge_based_on(province, period.end, county),
        revived=len(revived),
        openings=len(opened),
        investment_rial=sum(line.amount_rial for line in opened),
        jobs_created=sum(line.jobs_created or 0 for line in opened),
        jobs_preserved=sum(c.jobs_preserved or 0 for c in results),
        approved_rial=sum(c.approved_amount or 0 for c in results),
    )


# --- Comparisons ---------------------------------------------------------------------------------


def as_rows(figures: list[tuple[Any, CaseFigures]]) -> list[tuple[int, CaseFigures]]:
    return [(obj.pk, fig) for obj, fig in figures]


def destination_rows(destinations: list[Destination]) -> list[tuple[tuple[str, int], int, Any]]:
    return [(object_key(d.destination), d.rial, d.usd) for d in destinations]


@pytest.fixture(params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
def world(request: pytest.FixtureRequest, recount_world: Any) -> RecountWorld:
    """The world written with the ORM only: fast enough to build for every test."""
    return recount_world(request.param, services=False)


@pytest.fixture(params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
def world_with_services(request: pytest.FixtureRequest, recount_world: Any) -> RecountWorld:
    """The same world plus the records the services write (a merged duplicate, a reopened
    case, an answered referral, an opened line with its forecasts…)."""
    return recount_world(request.param)


def test_the_world_has_records_on_both_sides_of_every_edge(world: RecountWorld) -> None:
    # Without this the comparisons below could pass on a world with nothing near the edges.
    period = world.period
    filed = [case.created_at.astimezone(TEHRAN) for case in Case.objects.all()]
    days = {moment.date() for moment in filed}
    assert {period.start - dt.timedelta(days=1), period.start, period.end} <= days
    assert period.end + dt.timedelta(days=1) in days
    # In UTC the last half hour before midnight in Tehran is still the same day, the first
    # minutes after it the day before: only a count by the day in Tehran gets both right.
    assert any(m.hour == 23 and m.minute >= 30 and m.date() == period.end for m in filed)
    assert any(m.hour == 0 and m.date() == period.start for m in filed)
    statuses = {case.status for case in Case.objects.all()}
    assert {"merged", "closed", "rejected", "returned_for_info"} <= statuses


def test_the_world_has_rows_of_every_kind_the_figures_tell_apart(world: RecountWorld) -> None:
    referrals = list(Referral.objects.select_related("case"))
    answered = [r for r in referrals if r.status == "answered"]
    assert any(answered_on(r) <= r.due_on for r in answered)
    assert any(answered_on(r) > r.due_on for r in answered)
    past_due = [r for r in referrals if r.status == "open" and r.due_on < world.today]
    assert any(r.case.status != "returned_for_info" for r in past_due)
    assert any(r.case.status == "returned_for_info" for r in past_due)
    meetings = list(Meeting.objects.select_related("body"))
    for kind in ("provincial", "working_group", "county"):
        assert {m.status for m in meetings if m.body.kind == kind} == {
            "closed",
            "planned",
            "cancelled",
        }
    assert {r.state for r in Resolution.objects.all()} == {
        "draft",
        "notified",
        "objected",
        "in_progress",
        "reported",
        "executed",
        "not_executed",
        "cancelled",
    }
    certificates = list(Certificate.objects.all())
    assert any(c.revoked_on for c in certificates)
    assert any(c.expires_on < world.period.end for c in certificates)
    lines = [p for p in Project.objects.all() if p.status == "operating"]
    assert {p.currency for p in lines} >= {"USD", "IRR"}
    assert any(within(opened_on(p), world.period) for p in lines)
    assert any(not within(opened_on(p), world.period) for p in lines)
    figures = list(ExportFigure.objects.all())
    assert {f.kind for f in figures} == {"forecast", "actual"}
    assert any(f.group_id for f in figures) and any(f.country_id for f in figures)
    stated = [s.stated_on for s in SectorShare.objects.all()]
    assert min(stated) <= world.period.end < max(stated)


def test_case_figures_recount(world: RecountWorld) -> None:
    expected = count_cases(cases_filed(world.province, world.period))
    assert expected.received
    assert selectors.case_figures(province=world.province, period=world.period) == expected
    for county in world.counties:
        assert selectors.case_figures(
            province=world.province, period=world.period, county=county
        ) == count_cases(
            case
            for case in cases_filed(world.province, world.period)
            if case.county_id == county.pk
        )


def test_case_figures_by_category_and_county_recount(world: RecountWorld) -> None:
    for by in ("category", "county"):
        found = selectors.case_figures_by(province=world.province, period=world.period, by=by)
        assert as_rows(found) == recount_case_figures_by(world.province, world.period, by)
        total = CaseFigures()
        for _obj, figures in found:
            for name in ("received", "in_progress", "resolved", "not_resolved"):
                setattr(total, name, getattr(total, name) + getattr(figures, name))
        assert total == selectors.case_figures(province=world.province, period=world.period)


def test_the_case_breakdown_in_one_query_recounts_as_the_three_figures(
    world: RecountWorld, django_assert_num_queries: Any
) -> None:
    # One grouped query, then the categories and the counties it names.
    with django_assert_num_queries(3):
        total, by_category, by_county = selectors.case_breakdown(
            province=world.province, period=world.period
        )
        [str(category) for category, _f in by_category] + [str(c) for c, _f in by_county]
    assert total == count_cases(cases_filed(world.province, world.period))
    assert as_rows(by_category) == recount_case_figures_by(world.province, world.period, "category")
    assert as_rows(by_county) == recount_case_figures_by(world.province, world.period, "county")


def test_resolution_figures_recount(world: RecountWorld) -> None:
    issued = resolutions_issued(world.province, world.period)
    assert selectors.resolution_figures(
        province=world.province, period=world.period
    ) == count_resolutions(issued)
    for county in world.counties:
        assert selectors.resolution_figures(
            province=world.province, period=world.period, county=county
        ) == count_resolutions(r for r in issued if r.county_id == county.pk)


def test_session_figures_recount(world: RecountWorld) -> None:
    assert selectors.session_figures(
        province=world.province, period=world.period
    ) == recount_sessions(world.province, world.period)


def test_revived_units_recount(world: RecountWorld) -> None:
    expected = revived_companies(world.province, world.period)
    assert selectors.revived_units(province=world.province, period=world.period) == len(expected)
    # The fixed chains: idle → operating counts; closed → operating and idle → idle do not.
    assert world.companies[0].pk in expected
    assert world.companies[1].pk not in expected
    assert world.companies[2].pk not in expected


def test_results_recount(world: RecountWorld) -> None:
    assert selectors.results(province=world.province, period=world.period) == recount_results(
        world.province, world.period
    )


def assert_openings_recount(found: Any, province: Province, period: Period, year: int) -> None:
    opened = lines_opened(province, period)
    assert found.count == len(opened)
    assert found.investment_rial == sum(line.amount_rial for line in opened)
    assert found.jobs == sum(line.jobs_created or 0 for line in opened)
    assert found.products == sum(line.product_types or 0 for line in opened)
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for line in opened:
        by_currency[line.currency] += line.amount
    assert found.by_currency == sorted(by_currency.items())
    biggest = sorted(opened, key=lambda p: (-p.amount_rial, -opened_on(p).toordinal(), p.pk))[:10]
    assert [line.pk for line in found.lines] == [line.pk for line in biggest]
    # A past period quotes the forecasts recorded by its last day.
    forecasts = recount_line_forecasts(biggest, year, as_of=period.end)
    assert set(found.forecasts) == set(forecasts)
    for pk, per_destination in forecasts.items():
        forecast = found.forecasts[pk]
        assert forecast.year == year
        assert forecast.rial == sum(rial for rial, _usd in per_destination.values())
        assert forecast.usd == sum((usd for _rial, usd in per_destination.values()), Decimal(0))
        keys = [object_key(d) for d in forecast.destinations]
        assert sorted(keys) == sorted(per_destination)
        # Largest first.
        rials = [per_destination[key][0] for key in keys]
        assert rials == sorted(rials, reverse=True)


def test_opening_figures_recount(world: RecountWorld) -> None:
    found = selectors.opening_figures(
        province=world.province, period=world.period, export_year=world.export_year
    )
    assert_openings_recount(found, world.province, world.period, world.export_year)
    assert found.count


def test_export_figures_recount(world: RecountWorld) -> None:
    # Everything recorded, and what was recorded by the period's end, its first day, the day
    # before it.
    days = [None, world.period.end, world.period.start, world.period.start - dt.timedelta(days=1)]
    for kind in ("forecast", "actual"):
        for year in (world.export_year - 1, world.export_year, world.export_year + 1):
            for as_of in days:
                found = selectors.export_figures(
                    province=world.province, year=year, kind=kind, as_of=as_of
                )
                expected = recount_exports(world.province, year, kind, as_of)
                assert (found.year, found.kind) == (year, kind)
                assert found.total_rial == expected["total_rial"]
                assert found.total_usd == expected["total_usd"]
                assert destination_rows(found.destinations) == expected["destinations"]


def test_a_past_period_quotes_only_the_forecasts_recorded_by_its_end(world: RecountWorld) -> None:
    board = selectors.dashboard(province=world.province, period=world.period)
    everything = recount_exports(world.province, world.export_year, "forecast")
    by_the_end = recount_exports(world.province, world.export_year, "forecast", world.period.end)
    # The world records forecasts after the period too; the dashboard leaves them out.
    assert by_the_end["total_rial"] < everything["total_rial"]
    assert board.exports.total_rial == by_the_end["total_rial"]


def test_the_countries_and_the_groups_own_figures_add_up_to_the_total(world: RecountWorld) -> None:
    found = selectors.export_figures(province=world.province, year=world.export_year)
    to_groups = sum(
        row.amount_rial
        for row in ExportFigure.objects.select_related("company")
        if row.company.province_id == world.province.pk
        and (row.year, row.kind) == (world.export_year, "forecast")
        and row.group_id is not None
    )
    to_countries = sum(d.rial for d in found.destinations if not d.is_group)
    assert to_countries + to_groups == found.total_rial
    # A group holds at least what its members hold; a country in two groups adds to both.
    rial = {object_key(d.destination): d.rial for d in found.destinations}
    for group in world.groups:
        members = sum(rial.get(("country", c.pk), 0) for c in group.members.all())
        assert rial.get(("group", group.pk), 0) >= members


def test_shares_as_of_recount(world: RecountWorld) -> None:
    for on in (world.period.start - dt.timedelta(days=1), world.period.end, world.today):
        found = selectors.shares_as_of(province=world.province, on=on)
        assert [
            (sector.pk, [share.pk for share in shares]) for sector, shares in found
        ] == recount_shares(world.province, on)


def test_knowledge_based_counts_recount(world: RecountWorld) -> None:
    days = [
        world.period.start - dt.timedelta(days=1),
        world.period.start,
        *jalali_month_ends(world.period.start, world.period.end),
    ]
    found = selectors.knowledge_based_counts(province=world.province, days=days)
    assert found == {day: knowledge_based_on(world.province, day) for day in days}
    assert any(found.values())
    for county in world.counties:
        assert selectors.knowledge_based_counts(
            province=world.province, days=days, county=county
        ) == {day: knowledge_based_on(world.province, day, county) for day in days}


def test_knowledge_based_recount(world: RecountWorld) -> None:
    found = selectors.knowledge_based(province=world.province, period=world.period)
    points = jalali_month_ends(world.period.start, world.period.end)
    assert found.series == [(day, knowledge_based_on(world.province, day)) for day in points]
    assert found.on == world.period.end
    assert found.count == knowledge_based_on(world.province, world.period.end)
    expected = target_on(world.province, world.period.end)
    assert expected is not None
    assert found.target == expected
    assert found.target_share == whole_percent(found.count, expected.count)


@pytest.fixture
def agencies_of(world: RecountWorld) -> Any:
    return Agency.objects.filter(province=world.province)


def test_scorecards_recount(world_with_services: RecountWorld) -> None:
    world = world_with_services
    agencies_of = Agency.objects.filter(province=world.province)
    found = selectors.scorecards(
        province=world.province, period=world.period, agencies=agencies_of, today=world.today
    )
    expected = recount_scorecards(
        world.province, world.period, list(agencies_of.order_by("name")), world.today
    )
    assert found == expected
    assert [card.agency for card in found] == [card.agency for card in expected]
    assert any(card.received for card in found)


def test_one_agencys_card_is_the_same_as_in_the_full_ranking(
    world: RecountWorld, agencies_of: Any
) -> None:
    everyone = selectors.scorecards(
        province=world.province, period=world.period, agencies=agencies_of, today=world.today
    )
    for card in everyone:
        (own,) = selectors.scorecards(
            province=world.province,
            period=world.period,
            agencies=agencies_of.filter(pk=card.agency.pk),
            today=world.today,
        )
        assert own == card


def test_county_comparison_recount(world_with_services: RecountWorld) -> None:
    world = world_with_services
    found = selectors.county_comparison(province=world.province, period=world.period)
    counties = sorted(world.counties, key=lambda county: county.code)
    assert found == [recount_county(world.province, world.period, c) for c in counties]
    # The empty county is listed, with nothing in it.
    empty = next(row for row in found if row.county.code == "2604")
    assert empty.cases.received == 0 and empty.openings == 0


def test_dashboard_recount(world_with_services: RecountWorld) -> None:
    world = world_with_services
    province, period = world.province, world.period
    board = selectors.dashboard(province=province, period=period)
    assert (board.province, board.period) == (province, period)
    assert board.cases == count_cases(cases_filed(province, period))
    assert as_rows(board.cases_by_category) == recount_case_figures_by(province, period, "category")
    assert as_rows(board.cases_by_county) == recount_case_figures_by(province, period, "county")
    assert board.resolutions == count_resolutions(resolutions_issued(province, period))
    assert board.sessions == recount_sessions(province, period)
    assert board.revived == len(revived_companies(province, period))
    assert board.results == recount_results(province, period)
    assert_openings_recount(board.openings, province, period, world.export_year)
    # Forecasts are quoted for the year after the period's.
    assert board.exports.year == world.export_year
    # Forecasts recorded by the period's end.
    expected = recount_exports(province, world.export_year, "forecast", period.end)
    assert destination_rows(board.exports.destinations) == expected["destinations"]
    assert (board.exports.total_rial, board.exports.total_usd) == (
        expected["total_rial"],
        expected["total_usd"],
    )
    assert [
        (sector.pk, [s.pk for s in shares]) for sector, shares in board.shares
    ] == recount_shares(province, period.end)
    points = jalali_month_ends(period.start, period.end)
    assert board.knowledge_based.series == [
        (day, knowledge_based_on(province, day)) for day in points
    ]
    assert board.knowledge_based.count == knowledge_based_on(province, period.end)
    assert board.knowledge_based.target == target_on(province, period.end)


def test_nothing_of_the_other_province_counts_in_it_and_its_own_figures_recount(
    world: RecountWorld,
) -> None:
    other, period = world.other_province, world.period
    board = selectors.dashboard(province=other, period=period)
    assert board.cases == count_cases(cases_filed(other, period))
    assert board.sessions == recount_sessions(other, period)
    assert board.knowledge_based.target == target_on(other, period.end)
    assert board.results == recount_results(other, period)
    assert (
        destination_rows(board.exports.destinations)
        == recount_exports(other, world.export_year, "forecast", period.end)["destinations"]
    )


# --- Jalali boundaries ---------------------------------------------------------------------------

AZAR, DEY = Period.jalali_month(1404, 9), Period.jalali_month(1404, 10)
# 30 Azar 1404, half an hour before midnight in Tehran, and 1 Dey, ten minutes after it. In UTC
# both are the evening of 21 December 2025.
LAST_EVENING_OF_AZAR = tehran_moment(1404, 9, 30, 23, 30)
FIRST_MINUTES_OF_DEY = tehran_moment(1404, 10, 1, 0, 10)


def test_the_two_moments_are_one_utc_day_and_two_jalali_months() -> None:
    assert LAST_EVENING_OF_AZAR.astimezone(dt.UTC).date() == dt.date(2025, 12, 21)
    assert FIRST_MINUTES_OF_DEY.astimezone(dt.UTC).date() == dt.date(2025, 12, 21)
    assert local_day(LAST_EVENING_OF_AZAR) == AZAR.end
    assert local_day(FIRST_MINUTES_OF_DEY) == DEY.start


@pytest.fixture
def filed_either_side_of_midnight(
    tehran_clock: Any, owner: Any, secretariat: Any, company: Any, category: Any, tax_agency: Any
) -> tuple[Case, Case]:
    """A case filed, screened and referred to the tax agency at 23:30 on 30 Azar 1404, and
    another at 00:10 on 1 Dey, through the services."""
    filed = []
    for moment in (LAST_EVENING_OF_AZAR, FIRST_MINUTES_OF_DEY):
        tehran_clock.set(moment)
        case = case_file(
            actor=owner,
            company=company,
            category=category,
            title="تأخیر در استرداد مالیات",
            description="شرح",
            channel=Channel.PORTAL,
        )
        case_start_screening(actor=secretariat, case=case)
        case_refer(
            actor=secretariat,
            case=case,
            requests=[ReferralRequest(agency=tax_agency, request_text="بررسی کنید")],
        )
        filed.append(case)
    return filed[0], filed[1]


def test_a_case_filed_on_the_last_evening_of_azar_counts_in_azar_and_one_just_after_in_dey(
    filed_either_side_of_midnight: tuple[Case, Case], province: Any, county: Any
) -> None:
    azar_case, dey_case = filed_either_side_of_midnight
    azar_case.refresh_from_db()
    dey_case.refresh_from_db()
    assert (azar_case.created_at, dey_case.created_at) == (
        LAST_EVENING_OF_AZAR,
        FIRST_MINUTES_OF_DEY,
    )
    for period in (AZAR, DEY):
        expected = count_cases(cases_filed(province, period))
        assert expected.received == expected.in_progress == 1
        assert selectors.case_figures(province=province, period=period) == expected
        (row,) = selectors.county_comparison(province=province, period=period)
        assert (row.county, row.cases) == (county, expected)
    both = Period(AZAR.start, DEY.end)
    assert selectors.case_figures(province=province, period=both).received == 2


def test_a_referral_sent_on_the_last_evening_of_azar_counts_on_the_azar_scorecard(
    filed_either_side_of_midnight: tuple[Case, Case], province: Any, tax_agency: Any
) -> None:
    sent = sorted(Referral.objects.values_list("created_at", flat=True))
    assert sent == [LAST_EVENING_OF_AZAR, FIRST_MINUTES_OF_DEY]
    for period in (AZAR, DEY):
        (card,) = selectors.scorecards(
            province=province,
            period=period,
            agencies=Agency.objects.filter(pk=tax_agency.pk),
            today=DEY.end,
        )
        assert (card.received, card.answered) == (1, 0)


@pytest.fixture
def provincial_hq(province: Any) -> Any:
    from tashil.meetings.models import Body

    return Body.objects.create(province=province, kind="provincial", name="ستاد استان")


def test_a_session_held_on_the_last_evening_of_azar_counts_in_azar_with_its_resolutions(
    provincial_hq: Any, province: Any, tax_agency: Any
) -> None:
    for number, moment in enumerate((LAST_EVENING_OF_AZAR, FIRST_MINUTES_OF_DEY), start=1):
        meeting = Meeting.objects.create(
            body=provincial_hq,
            number=number,
            starts_at=moment,
            status="closed",
            closed_at=moment + dt.timedelta(hours=2),
        )
        resolution = Resolution.objects.create(
            meeting=meeting,
            province=province,
            number=1,
            text="مصوبه",
            deadline=local_day(moment) + dt.timedelta(days=30),
            state="in_progress",
            notified_at=meeting.closed_at,
            objection_until=local_day(moment) + dt.timedelta(days=15),
        )
        ResolutionAgency.objects.create(resolution=resolution, agency=tax_agency)
    for period in (AZAR, DEY):
        assert selectors.session_figures(province=province, period=period) == SessionFigures(
            provincial=1
        )
        assert selectors.resolution_figures(province=province, period=period) == ResolutionFigures(
            total=1, follow_up=1
        )
        (card,) = selectors.scorecards(
            province=province,
            period=period,
            agencies=Agency.objects.filter(pk=tax_agency.pk),
            today=DEY.end,
        )
        assert (card.executed, card.follow_up, card.not_executed) == (0, 1, 0)


def test_a_certificate_expiring_on_the_last_day_of_azar_counts_at_azar_end_and_not_at_dey_end(
    province: Any, company: Any, other_company: Any
) -> None:
    from tashil.registry.models import CertificateClass
    from tashil.registry.services import certificate_add

    certificate_add(
        actor=None,
        company=company,
        number="KB-1",
        certificate_class=CertificateClass.INNOVATOR,
        issued_on=jalali_day(1403, 1, 15),
        expires_on=AZAR.end,
    )
    # And one issued on the first day of Dey: counted at the end of Dey only.
    certificate_add(
        actor=None,
        company=other_company,
        number="KB-2",
        certificate_class=CertificateClass.INNOVATOR,
        issued_on=DEY.start,
        expires_on=jalali_day(1407, 10, 1),
    )
    both = Period(AZAR.start, DEY.end)
    found = selectors.knowledge_based(province=province, period=both)
    assert found.series == [(AZAR.end, 1), (DEY.end, 1)]
    counts = selectors.knowledge_based_counts(
        province=province, days=[AZAR.end, DEY.start, DEY.end]
    )
    assert counts == {AZAR.end: 1, DEY.start: 1, DEY.end: 1}
    assert counts == {day: knowledge_based_on(province, day) for day in counts}
    assert selectors.knowledge_based(province=province, period=AZAR).count == 1
    assert selectors.knowledge_based_counts(
        province=province, days=[AZAR.end], county=other_company.county
    ) == {AZAR.end: 0}
    (expiring,) = [c for c in Certificate.objects.all() if c.expires_on == AZAR.end]
    assert expiring.is_valid_on(AZAR.end) and not expiring.is_valid_on(DEY.start)


def test_days_on_the_edges_of_azar_count_in_azar_for_every_dated_record(
    tehran_clock: Any,
    province: Any,
    company: Any,
    other_company: Any,
    case_with_results_on: Any,
) -> None:
    from tashil.investments.services import project_create, share_add
    from tashil.registry.services import company_set_status

    tehran_clock.set(tehran_moment(1404, 11, 1))
    sector = Sector.objects.create(code="detergents", name="شوینده")
    for day in (AZAR.end, DEY.start):
        project_create(
            actor=None,
            company=company,
            title=f"خط {day}",
            sector=sector,
            investment=Money(Decimal(1_000_000), Currency.RIAL),
            source="اداره کل صمت",
            status="operating",
            opened_on=day,
            jobs_created=10,
        )
        share_add(
            actor=None,
            province=province,
            sector=sector,
            basis="output",
            value=Decimal(30),
            source=f"منبع {day}",
            stated_on=day,
        )
        case_with_results_on(day)
    # Idle since Mehr, partly working from 30 Azar, idle again, working from 1 Dey.
    company_set_status(actor=None, company=company, status="idle", since=jalali_day(1404, 7, 1))
    company_set_status(actor=None, company=company, status="partly_operating", since=AZAR.end)
    company_set_status(
        actor=None, company=other_company, status="idle", since=jalali_day(1404, 7, 1)
    )
    company_set_status(actor=None, company=other_company, status="operating", since=DEY.start)
    for period in (AZAR, DEY):
        assert (
            selectors.opening_figures(province=province, period=period, export_year=1405).count == 1
        )
        assert selectors.revived_units(province=province, period=period) == 1
        assert selectors.results(province=province, period=period) == recount_results(
            province, period
        )
        assert selectors.results(province=province, period=period).cases == 1
    shares = selectors.shares_as_of(province=province, on=AZAR.end)
    assert [[s.stated_on for s in found] for _sector, found in shares] == [[AZAR.end]]


@pytest.fixture
def case_with_results_on(
    secretariat: Any, owner: Any, company: Any, category: Any, tehran_clock: Any
) -> Any:
    """`case_with_results_on(day)`: a case filed that morning whose results (a loan and jobs
    kept) the secretariat records for that day."""

    def make(day: dt.date) -> Case:
        now = tehran_clock.now
        tehran_clock.set(dt.datetime.combine(day, dt.time(9), tzinfo=TEHRAN))
        case = case_file(
            actor=owner,
            company=company,
            category=category,
            title="تسهیلات سرمایه در گردش",
            description="شرح",
            channel=Channel.PORTAL,
        )
        tehran_clock.set(now)
        case_record_results(
            actor=secretariat,
            case=case,
            approved_amount=5_000_000_000,
            jobs_preserved=40,
            results_on=day,
        )
        return case

    return make


# --- The stored response time agrees with a recount ----------------------------------------------


def test_response_days_written_on_answering_agree_with_a_recount_over_holidays_and_a_pause(
    tehran_clock: Any,
    owner: Any,
    secretariat: Any,
    officer: Any,
    other_officer: Any,
    company: Any,
    category: Any,
    tax_agency: Any,
    customs_agency: Any,
    province: Any,
) -> None:
    from tashil.core.models import Holiday
    from tashil.core.selectors import work_calendar

    # Two holidays inside the referrals' time (1404/09/05 and 09/12, both Wednesdays).
    for day in (jalali_day(1404, 9, 5), jalali_day(1404, 9, 12)):
        Holiday.objects.create(date=day, name="تعطیل رسمی")

    def file_and_refer(*agencies: Any) -> Case:
        case = case_file(
            actor=owner,
            company=company,
            category=category,
            title="پرونده",
            description="شرح",
            channel=Channel.PORTAL,
        )
        case_start_screening(actor=secretariat, case=case)
        case_refer(
            actor=secretariat,
            case=case,
            requests=[ReferralRequest(agency=a, request_text="بررسی کنید") for a in agencies],
        )
        return case

    def answer(user: Any, case: Case, agency: Any) -> None:
        referral = case.referrals.get(agency=agency, status="open")
        referral_answer(actor=user, referral=referral, answer="پاسخ")

    tehran_clock.set(tehran_moment(1404, 9, 1, 10))  # Saturday
    paused = file_and_refer(tax_agency, customs_agency)
    plain = file_and_refer(tax_agency)
    tehran_clock.set(tehran_moment(1404, 9, 3, 14))
    answer(other_officer, paused, customs_agency)
    # The case waits on the company from Tuesday 09/04 to Tuesday 09/11: a holiday and a
    # Friday in between, so five working days.
    tehran_clock.set(tehran_moment(1404, 9, 4, 9))
    case_return_for_info(actor=secretariat, case=paused, reason="مدارک ناقص است")
    tehran_clock.set(tehran_moment(1404, 9, 11, 11))
    case_provide_info(actor=owner, case=paused, text="مدارک پیوست شد")
    # Twenty minutes after midnight: in UTC still the evening before.
    tehran_clock.set(tehran_moment(1404, 9, 13, 0, 20))
    answer(officer, paused, tax_agency)
    tehran_clock.set(tehran_moment(1404, 9, 17, 23, 50))
    answer(officer, plain, tax_agency)
    # Sent late one evening and answered early the next morning.
    tehran_clock.set(tehran_moment(1404, 9, 20, 23, 30))
    late = file_and_refer(customs_agency)
    tehran_clock.set(tehran_moment(1404, 9, 21, 0, 10))
    answer(other_officer, late, customs_agency)

    calendar = work_calendar()
    assert not calendar.is_working_day(jalali_day(1404, 9, 5))
    pause = calendar.working_days_between(jalali_day(1404, 9, 4), jalali_day(1404, 9, 11))
    assert pause == 5
    answered = list(Referral.objects.filter(status="answered").select_related("case"))
    assert len(answered) == 4
    assert sorted(r.paused_days for r in answered) == [0, 0, 0, pause]
    for referral in answered:
        taken = calendar.working_days_between(local_day(referral.created_at), answered_on(referral))
        assert referral.response_days == max(taken - referral.paused_days, 0)
    tax_paused = paused.referrals.get(agency=tax_agency)
    assert tax_paused.paused_days == pause
    # 09/01 → 09/13: twelve days, less a Friday, two holidays and the pause.
    assert tax_paused.response_days == 12 - 1 - 2 - pause
    # The scorecard averages the stored column.
    month = Period.jalali_month(1404, 9)
    cards = selectors.scorecards(
        province=province,
        period=month,
        agencies=Agency.objects.filter(province=province),
        today=month.end,
    )
    assert cards == recount_scorecards(
        province, month, list(Agency.objects.filter(province=province).order_by("name")), month.end
    )


# --- Query counts --------------------------------------------------------------------------------

# What `dashboard()` reads whatever the number of records: one aggregate per figure, the groupings,
# and the objects it names (categories, counties, the biggest lines, the destinations, the shares),
# 17 when every kind of destination is present and the largest lines' destinations are among the
# province's (two more when a line names a country or group no export figure of the province
# does). A bound, not an exact count: fewer rows may name fewer objects; more rows may not add a
# query.
DASHBOARD_QUERIES = 17


@pytest.mark.parametrize("scale", [1, 5])
def test_the_dashboard_reads_a_bounded_number_of_queries_whatever_the_number_of_records(
    recount_world: Any, django_assert_max_num_queries: Any, scale: int
) -> None:
    world = recount_world(0, scale=scale)
    assert Case.objects.count() >= 30 * scale
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        board = selectors.dashboard(province=world.province, period=world.period)
        # Everything the page shows of the objects named, without a query per row.
        for line in board.openings.lines:
            str(line.company), str(line.county)
        for _sector, shares in board.shares:
            [str(share.sector) for share in shares]
