"""Fixtures of the figures tests.

- `tehran_clock`: what `timezone.now()` returns, for the services *and* the models' defaults
  (`default=timezone.now`, `auto_now_add`), which hold the function itself and so cannot be
  reached by patching it: the clock swaps the `datetime` that `django.utils.timezone` reads.
- `tehran_moment(year, month, day, hour, minute)` / `jalali_day(year, month, day)`: Jalali days
  and aware moments in Asia/Tehran, as the pages name them.
- `recount_world(seed, scale=1)`: a seeded random province full of raw records of every kind the
  figures count, dated all around a Jalali period and often minutes from its edges, with a second
  province whose records no figure of the first may count. The recount tests count them again in
  plain Python and compare with the selectors.
- The investments tests' `sector`, `detergents`, `destinations` (overlapping country groups),
  `estate` and `make_project`, re-exported here.

The world is written mostly with the ORM: it must cover every state a row can be in, anywhere
around the period, hundreds of rows in well under a second. Every row satisfies the models'
constraints (the database checks them). A handful of records are also driven through the
services (a merged duplicate, a reopened case, a rejected one, a closed resolved one, an answered
referral, a revival, an opened line with its forecasts, a sector share), so the figures also
count what the application itself writes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import typing
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

import jdatetime
import pytest
from django.utils import timezone

from tashil.agencies.models import Agency
from tashil.cases.models import Case, Category, Channel, Outcome, Referral, ReferralStatus
from tashil.cases.workflow import CaseStatus
from tashil.core.money import Currency, Money, to_rials
from tashil.factories import AgencyFactory, CategoryFactory, CompanyFactory, CountyFactory
from tashil.figures.period import Period, jalali_year_of
from tashil.geo.models import Country, CountryGroup, County, Province
from tashil.investments.models import (
    ExportFigure,
    ExportKind,
    Project,
    Sector,
    SectorShare,
    ShareBasis,
)
from tashil.investments.tests.conftest import (  # noqa: F401 (fixtures for the figures tests)
    destinations,
    detergents,
    estate,
    make_project,
    sector,
)
from tashil.investments.workflow import ProjectStatus
from tashil.meetings.models import Body, Meeting, Resolution, ResolutionAgency
from tashil.meetings.workflow import MeetingKind, MeetingStatus, ResolutionState
from tashil.registry.models import (
    Certificate,
    CertificateClass,
    Company,
    CompanyStatus,
    KnowledgeBasedTarget,
    StatusChange,
)

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


# --- Jalali days and Tehran moments --------------------------------------------------------------


def jalali_day(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a Jalali day."""
    return jdatetime.date(year, month, day).togregorian()


def tehran_moment(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware moment on a Jalali day, on the clock in Tehran."""
    return dt.datetime.combine(jalali_day(year, month, day), dt.time(hour, minute), tzinfo=TEHRAN)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TEHRAN).date()


# --- The clock -----------------------------------------------------------------------------------


class _AnyDatetime(type):
    # While the clock is installed `django.utils.timezone.datetime` is the class below; Django's
    # `isinstance(value, datetime)` checks there must still accept ordinary datetimes.
    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, dt.datetime)


class _ClockDatetime(dt.datetime, metaclass=_AnyDatetime):
    at: ClassVar[dt.datetime | None] = None

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
        if cls.at is None:
            return dt.datetime.now(tz)
        moment = cls.at.astimezone(tz)
        return moment if tz is not None else moment.replace(tzinfo=None)


class TehranClock:
    """`set(moment)` makes `timezone.now()` return `moment` until the next `set` or `advance`."""

    def set(self, moment: dt.datetime) -> None:
        if timezone.is_naive(moment):
            raise ValueError("the clock needs an aware moment")
        _ClockDatetime.at = moment

    def advance(self, **delta: float) -> None:
        if _ClockDatetime.at is None:
            raise RuntimeError("set the clock first")
        _ClockDatetime.at += dt.timedelta(**delta)

    @property
    def now(self) -> dt.datetime:
        if _ClockDatetime.at is None:
            raise RuntimeError("set the clock first")
        return _ClockDatetime.at


@pytest.fixture
def tehran_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[TehranClock]:
    monkeypatch.setattr(timezone, "datetime", _ClockDatetime)
    try:
        yield TehranClock()
    finally:
        _ClockDatetime.at = None


# --- The random world ----------------------------------------------------------------------------


# The periods the seeds take turns at: the Azar of the issue, a season, a week running from Azar
# into Dey, the year to date and the leap Esfand of 1403 (30 days).
AZAR_1404 = Period.jalali_month(1404, 9)
WORLD_PERIODS: list[Period] = [
    AZAR_1404,
    Period.jalali_season(1404, 3),
    Period.week_of(jalali_day(1404, 10, 1)),
    Period.year_to_date(jalali_day(1404, 9, 24)),
    Period.jalali_month(1403, 12),
]
# Records are dated this far either side of the period.
MARGIN = dt.timedelta(days=40)
# Near midnight: a few minutes after, or a half hour and a few minutes before.
EDGE_TIMES = [dt.time(0, 5), dt.time(0, 40), dt.time(23, 30), dt.time(23, 55)]


class Dice:
    """Seeded days and moments around a period: a quarter of them on the days either side of its
    edges (often near midnight in Tehran, where a count by UTC date would go wrong), a third
    inside it, the rest anywhere within `MARGIN` of it."""

    def __init__(self, rng: random.Random, period: Period) -> None:
        self.rng = rng
        self.start, self.end = period.start, period.end
        self.first = period.start - MARGIN
        self.last = period.end + MARGIN
        self.edges = [
            period.start - dt.timedelta(days=1),
            period.start,
            period.end,
            period.end + dt.timedelta(days=1),
        ]

    def day(self) -> dt.date:
        draw = self.rng.random()
        if draw < 0.25:
            return self.rng.choice(self.edges)
        first, last = (self.start, self.end) if draw < 0.6 else (self.first, self.last)
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def inside(self) -> dt.datetime:
        """A moment inside the period."""
        day = self.start + dt.timedelta(days=self.rng.randint(0, (self.end - self.start).days))
        return dt.datetime.combine(day, dt.time(self.rng.randint(0, 23)), tzinfo=TEHRAN)

    def moment(self) -> dt.datetime:
        if self.rng.random() < 0.25:
            time = self.rng.choice(EDGE_TIMES)
        else:
            time = dt.time(self.rng.randint(0, 23), self.rng.randint(0, 59))
        return dt.datetime.combine(self.day(), time, tzinfo=TEHRAN)

    def edge_moments(self) -> list[dt.datetime]:
        """Minutes either side of the period's first and last midnight in Tehran."""
        before, start, end, after = self.edges
        return [
            dt.datetime.combine(before, dt.time(23, 55), tzinfo=TEHRAN),
            dt.datetime.combine(start, dt.time(0, 5), tzinfo=TEHRAN),
            dt.datetime.combine(end, dt.time(23, 30), tzinfo=TEHRAN),
            dt.datetime.combine(after, dt.time(0, 10), tzinfo=TEHRAN),
        ]

    def money(self, currency: str | None = None) -> Money:
        currency = currency or self.rng.choice([Currency.RIAL, Currency.TOMAN, Currency.USD])
        if currency == Currency.USD:
            cents = self.rng.randint(0, 99)
            return Money(
                Decimal(f"{self.rng.randint(1_000, 9_000_000)}.{cents:02d}"),
                Currency.USD,
                self.rng.randint(500_000, 1_100_000),
                self.first,
            )
        return Money(Decimal(self.rng.randint(10**6, 10**13)), currency)


def money_fields(money: Money) -> dict[str, Any]:
    return {
        "amount": money.amount,
        "currency": money.currency,
        "rate": money.rate,
        "rate_on": money.rate_on,
        "amount_rial": to_rials(money),
    }


@dataclass
class RecountWorld:
    seed: int
    period: Period
    # The day the scorecards count "open overdue" on; every record is dated before it.
    today: dt.date
    export_year: int
    province: Province
    other_province: Province
    counties: list[County]
    categories: list[Category]
    agencies: list[Agency]
    companies: list[Company]
    sectors: list[Sector]
    countries: list[Country]
    groups: list[CountryGroup]
    other_agency: Agency


@dataclass
class Cast:
    """The shared fixtures the world is built around (tashil/conftest.py)."""

    province: Any
    county: Any
    other_county: Any
    company: Any
    other_company: Any
    tax_agency: Any
    customs_agency: Any
    category: Any
    secretariat: Any
    owner: Any
    officer: Any
    expert: Any


class WorldBuilder:
    def __init__(self, cast: Cast, clock: TehranClock, seed: int, scale: int) -> None:
        self.cast = cast
        self.clock = clock
        self.seed = seed
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - test data, seeded to be repeatable
        self.period = WORLD_PERIODS[seed % len(WORLD_PERIODS)]
        self.dice = Dice(self.rng, self.period)
        self.today = self.period.end + MARGIN + dt.timedelta(days=1)
        self.serial = 0

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    # --- Places, people, agencies ----------------------------------------------------------------

    def places(self) -> None:
        cast = self.cast
        self.province = cast.province
        self.other_province = Province.objects.create(code="19", name="لرستان", name_en="Lorestan")
        third = CountyFactory(province=self.province, code="2601", name="البرز")
        # A county with nothing in it: the comparison still lists it, with zeros.
        empty = CountyFactory(province=self.province, code="2604", name="آوج")
        self.counties = [cast.county, cast.other_county, third, empty]
        self.busy_counties = self.counties[:3]
        self.other_county = CountyFactory(province=self.other_province, code="1901")
        self.categories = [
            cast.category,
            CategoryFactory(code="banking", name="بانکی", name_en="Banking"),
            CategoryFactory(code="insurance", name="تأمین اجتماعی", name_en="Social security"),
        ]
        extra = [
            AgencyFactory(province=self.province, code=f"agency-{n}", name=f"اداره کل {n}")
            for n in range(1 + self.scale)
        ]
        self.agencies = [cast.tax_agency, cast.customs_agency, *extra]
        self.other_agency = typing.cast(
            Agency, AgencyFactory(province=self.other_province, code="tax")
        )
        self.companies = [cast.company, cast.other_company] + [
            CompanyFactory(county=self.rng.choice(self.busy_counties))
            for _ in range(8 * self.scale)
        ]
        self.other_companies = [CompanyFactory(county=self.other_county) for _ in range(2)]
        self.sectors = [
            Sector.objects.create(code="cosmetics", name="آرایشی و بهداشتی", name_en="Cosmetics"),
            Sector.objects.create(code="detergents", name="شوینده", name_en="Detergents"),
            Sector.objects.create(code="auto-parts", name="قطعات خودرو", name_en="Auto parts"),
        ]

    def export_destinations(self) -> None:
        def country(code: str, alpha3: str, name: str) -> Country:
            return Country.objects.create(code=code, alpha3=alpha3, name=name)

        russia = country("RU", "RUS", "روسیه")
        uae = country("AE", "ARE", "امارات متحده عربی")
        iraq = country("IQ", "IRQ", "عراق")
        armenia = country("AM", "ARM", "ارمنستان")
        china = country("CN", "CHN", "چین")  # in no group
        arab = CountryGroup.objects.create(code="arab_league", name="کشورهای عربی")
        arab.members.set([uae, iraq])
        eaeu = CountryGroup.objects.create(code="eaeu", name="اتحادیه اقتصادی اوراسیا")
        eaeu.members.set([russia, armenia])
        # Russia, the Emirates, Iraq and Armenia are each in two groups.
        neighbours = CountryGroup.objects.create(code="neighbours", name="کشورهای همسایه")
        neighbours.members.set([russia, uae, iraq, armenia])
        self.countries = [russia, uae, iraq, armenia, china]
        self.groups = [arab, eaeu, neighbours]

    # --- Cases and referrals ---------------------------------------------------------------------

    def case_row(self, company: Company, status: str, created: dt.datetime) -> Case:
        rng = self.rng
        serial = self.next_serial()
        case = Case(
            tracking=f"W{self.seed % 10}{serial:06d}",
            province_id=company.province_id,
            county_id=company.county_id,
            company=company,
            category=rng.choice(self.categories),
            title=f"پرونده {serial}",
            description="شرح",
            channel=rng.choice(Channel.values),
            status=status,
            search_key=f"case {serial}",
            created_at=created,
            status_changed_at=created,
        )
        if status == CaseStatus.RETURNED_FOR_INFO:
            case.paused_at = created + dt.timedelta(days=1)
            case.returned_from = rng.choice(
                [CaseStatus.SCREENING, CaseStatus.EXPERT_REVIEW, CaseStatus.REFERRED]
            )
        if status in (CaseStatus.RESOLVED, CaseStatus.UNRESOLVED, CaseStatus.ESCALATED_NATIONAL):
            case.outcome = status
            case.confirm_until = created + dt.timedelta(days=14)
        if status == CaseStatus.CLOSED:
            case.outcome = rng.choice(Outcome.values)
        if rng.random() < 0.35:
            # Results are dated on or after the filing, anywhere around the period.
            case.results_on = max(self.dice.day(), local_day(created))
            case.approved_amount = rng.choice([None, rng.randint(1, 10**12)])
            if case.approved_amount is None or rng.random() < 0.5:
                case.jobs_preserved = rng.randint(0, 300)
        return case

    def cases(self) -> None:
        rng = self.rng
        moments = self.dice.edge_moments() + [self.dice.moment() for _ in range(30 * self.scale)]
        # Every status at least once, the rest at random.
        statuses = [s for s in CaseStatus.values if s != CaseStatus.MERGED]
        statuses += [rng.choice(statuses) for _ in range(len(moments) - len(statuses))]
        rng.shuffle(statuses)
        rows = [
            self.case_row(
                rng.choice(self.companies if rng.random() < 0.9 else self.other_companies),
                status,
                moment,
            )
            for status, moment in zip(statuses, moments, strict=True)
        ]
        created = Case.objects.bulk_create(rows)
        duplicates = []
        for _ in range(3 * self.scale):
            target = rng.choice(created)
            duplicate = self.case_row(target.company, CaseStatus.MERGED, self.dice.moment())
            duplicate.merged_into = target
            duplicates.append(duplicate)
        Case.objects.bulk_create(duplicates)

    def referrals(self) -> None:
        rng = self.rng
        cases = list(Case.objects.exclude(status=CaseStatus.MERGED))
        open_pairs: set[tuple[int, int]] = set()
        rows = []
        edges = self.dice.edge_moments()
        for n in range(45 * self.scale):
            case = rng.choice(cases)
            agency = (
                rng.choice(self.agencies)
                if case.province_id == self.province.pk
                else self.other_agency
            )
            if n < len(edges):
                # Sent minutes from the period's edges, whenever the case was filed.
                sent = edges[n]
            else:
                sent = self.dice.moment()
            if sent < case.created_at and n >= len(edges):
                sent = case.created_at + dt.timedelta(minutes=rng.randint(5, 20_000))
            sent_on = local_day(sent)
            due_on = sent_on + dt.timedelta(days=rng.randint(2, 20))
            status = rng.choices(
                [ReferralStatus.OPEN, ReferralStatus.ANSWERED, ReferralStatus.WITHDRAWN],
                weights=[35, 50, 15],
            )[0]
            if status == ReferralStatus.OPEN and (case.pk, agency.pk) in open_pairs:
                status = ReferralStatus.WITHDRAWN
            referral = Referral(
                case=case,
                agency=agency,
                request_text="بررسی کنید",
                status=status,
                due_on=due_on,
                created_at=sent,
                paused_days=rng.choice([0, 0, 0, rng.randint(1, 6)]),
            )
            if status == ReferralStatus.OPEN:
                open_pairs.add((case.pk, agency.pk))
            if status == ReferralStatus.ANSWERED:
                way = rng.random()
                if way < 0.2:
                    # The last minutes of the last on-time day: on time.
                    answered = dt.datetime.combine(due_on, dt.time(23, 40), tzinfo=TEHRAN)
                elif way < 0.4:
                    # The first minutes of the next day: late, though in UTC it is still the
                    # evening of the last on-time day.
                    answered = dt.datetime.combine(
                        due_on + dt.timedelta(days=1), dt.time(0, 20), tzinfo=TEHRAN
                    )
                else:
                    answered = sent + dt.timedelta(minutes=rng.randint(30, 40 * 24 * 60))
                referral.answered_at = answered
                referral.answer = "انجام شد"
                referral.response_days = rng.randint(0, 40)
            rows.append(referral)
        # Every case waiting on the company has an open referral past its deadline: paused, so
        # not overdue.
        for case in cases:
            agency = rng.choice(self.agencies)
            if case.status != CaseStatus.RETURNED_FOR_INFO or (case.pk, agency.pk) in open_pairs:
                continue
            if case.province_id != self.province.pk:
                continue
            sent_on = local_day(case.created_at)
            rows.append(
                Referral(
                    case=case,
                    agency=agency,
                    request_text="بررسی کنید",
                    due_on=min(sent_on + dt.timedelta(days=5), self.today - dt.timedelta(days=1)),
                    created_at=case.created_at + dt.timedelta(hours=1),
                )
            )
        Referral.objects.bulk_create(rows)

    # --- Meetings and resolutions ----------------------------------------------------------------

    def meetings(self) -> None:
        rng = self.rng
        bodies = [
            Body.objects.create(
                province=self.province, kind=MeetingKind.PROVINCIAL, name="ستاد استان"
            ),
            *(
                Body.objects.create(
                    province=self.province,
                    kind=MeetingKind.WORKING_GROUP,
                    category=category,
                    name=f"کارگروه {category.name}",
                )
                for category in self.categories[:2]
            ),
            *(
                Body.objects.create(
                    province=self.province,
                    kind=MeetingKind.COUNTY,
                    county=county,
                    name=f"ستاد شهرستان {county.name}",
                )
                for county in self.busy_counties
            ),
        ]
        other_body = Body.objects.create(
            province=self.other_province, kind=MeetingKind.PROVINCIAL, name="ستاد لرستان"
        )
        numbers: dict[int, int] = {}
        C, P, X = MeetingStatus.CLOSED, MeetingStatus.PLANNED, MeetingStatus.CANCELLED
        # Sessions held minutes from the period's edges; one session of each body held in the
        # period, one planned and one called off; and others anywhere, of either province.
        schedule = [(rng.choice(bodies), moment, C) for moment in self.dice.edge_moments()]
        for body in bodies:
            schedule += [(body, self.dice.inside(), C), (body, self.dice.moment(), P)]
            schedule += [(body, self.dice.moment(), X)]
        for _ in range(10 * self.scale):
            body = rng.choice(bodies) if rng.random() < 0.9 else other_body
            status = rng.choices([C, P, X], weights=[60, 25, 15])[0]
            schedule.append((body, self.dice.moment(), status))
        meetings = []
        for body, starts, status in schedule:
            numbers[body.pk] = numbers.get(body.pk, 0) + 1
            meetings.append(
                Meeting(
                    body=body,
                    number=numbers[body.pk],
                    starts_at=starts,
                    status=status,
                    closed_at=starts + dt.timedelta(hours=2) if status == C else None,
                )
            )
        Meeting.objects.bulk_create(meetings)
        # Every state issued in turn (withdrawn included), in a random order.
        issued = [s for s in ResolutionState.values if s != ResolutionState.DRAFT]
        rng.shuffle(issued)
        states = itertools.cycle(issued)
        resolutions = []
        for meeting in meetings:
            closed = meeting.status == MeetingStatus.CLOSED
            for number in range(1, rng.randint(1, 4) + 1):
                state = next(states) if closed else ResolutionState.DRAFT
                county = meeting.body.county
                if (
                    meeting.body.kind != MeetingKind.COUNTY
                    and meeting.body.province == self.province
                ):
                    county = rng.choice([None, *self.busy_counties])
                resolution = Resolution(
                    meeting=meeting,
                    province=meeting.body.province,
                    county=county,
                    number=number,
                    text="مصوبه",
                    deadline=local_day(meeting.starts_at) + dt.timedelta(days=rng.randint(10, 60)),
                    state=state,
                )
                if closed:
                    assert meeting.closed_at is not None
                    resolution.notified_at = meeting.closed_at
                    resolution.objection_until = local_day(meeting.closed_at) + dt.timedelta(15)
                resolutions.append(resolution)
        Resolution.objects.bulk_create(resolutions)
        addressees = []
        for resolution in resolutions:
            pool = (
                self.agencies if resolution.province_id == self.province.pk else [self.other_agency]
            )
            for agency in rng.sample(pool, k=rng.randint(1, min(3, len(pool)))):
                addressees.append(ResolutionAgency(resolution=resolution, agency=agency))
        ResolutionAgency.objects.bulk_create(addressees)

    # --- Registry --------------------------------------------------------------------------------

    def month_end_probes(self) -> list[dt.date]:
        """Last days of the Jalali months around the period, and the days either side."""
        probes = []
        self.ends: set[dt.date] = set()
        day = self.dice.first
        while day <= self.dice.last:
            j = jdatetime.date.fromgregorian(date=day)
            following = (
                jdatetime.date(j.year + 1, 1, 1)
                if j.month == 12
                else jdatetime.date(j.year, j.month + 1, 1)
            ).togregorian()
            last = following - dt.timedelta(days=1)
            probes += [last - dt.timedelta(days=1), last, following]
            self.ends.add(last)
            day = following
        return probes

    def certificates(self) -> None:
        rng = self.rng
        probes = self.month_end_probes()
        rows = []
        for n in range(14 * self.scale):
            company = rng.choice(self.companies if rng.random() < 0.85 else self.other_companies)
            issued = rng.choice(
                [self.dice.day(), self.period.start - dt.timedelta(days=rng.randint(30, 900))]
            )
            issued = max(issued, dt.date(2023, 8, 1))
            expires = rng.choice(
                [rng.choice(probes), issued + dt.timedelta(days=rng.randint(30, 1100))]
            )
            if expires <= issued:
                expires = issued + dt.timedelta(days=rng.randint(1, 400))
            revoked = None
            if rng.random() < 0.2:
                revoked = rng.choice(
                    [rng.choice(probes), issued + dt.timedelta(days=rng.randint(0, 400))]
                )
                revoked = max(revoked, issued)
            rows.append(
                Certificate(
                    company=company,
                    number=f"KB-{self.seed}-{n:05d}",
                    certificate_class=CertificateClass.INNOVATOR,
                    issued_on=issued,
                    expires_on=expires,
                    revoked_on=revoked,
                )
            )
        # On the edges, each on a company of its own so that no other certificate hides it:
        # one expiring on the last day of the period's first month (counts at that month end,
        # not the next), one revoked on the period's last day (not counted on it), one issued
        # on its first day.
        first_month_end = min(p for p in probes if p >= self.period.start and p in self.ends)
        long_ago = self.period.start - dt.timedelta(days=400)
        for n, (issued, expires, revoked) in enumerate(
            [
                (long_ago, first_month_end, None),
                (long_ago, self.period.end + dt.timedelta(days=300), self.period.end),
                (self.period.start, self.period.end + dt.timedelta(days=300), None),
            ]
        ):
            rows.append(
                Certificate(
                    company=typing.cast(Company, CompanyFactory(county=self.busy_counties[n])),
                    number=f"KB-{self.seed}-edge-{n}",
                    certificate_class=CertificateClass.INNOVATOR,
                    issued_on=max(issued, dt.date(2023, 8, 1)),
                    expires_on=expires,
                    revoked_on=revoked,
                )
            )
        Certificate.objects.bulk_create(rows)

    def targets(self) -> None:
        end = self.period.end
        moments = [
            dt.datetime.combine(end - dt.timedelta(days=90), dt.time(9), tzinfo=TEHRAN),
            # Set on the last evening of the period: its target.
            dt.datetime.combine(end, dt.time(23, 30), tzinfo=TEHRAN),
            # Set the first minutes after it: not yet (in UTC, still the period's last day).
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0, 10), tzinfo=TEHRAN),
        ]
        self.rng.shuffle(moments)
        for moment in moments:
            target = KnowledgeBasedTarget.objects.create(
                province=self.province, count=self.rng.randint(50, 300), due_on=end
            )
            KnowledgeBasedTarget.objects.filter(pk=target.pk).update(created_at=moment)
        other = KnowledgeBasedTarget.objects.create(
            province=self.other_province, count=999, due_on=end
        )
        KnowledgeBasedTarget.objects.filter(pk=other.pk).update(created_at=moments[0])

    def status_changes(self) -> None:
        rng = self.rng
        start, end = self.period.start, self.period.end
        statuses = CompanyStatus.values + [CompanyStatus.IDLE, CompanyStatus.OPERATING] * 3
        chains: list[tuple[Company, list[tuple[str, dt.date]]]] = []
        for company in [*self.companies[4:], *self.other_companies]:
            chain: list[tuple[str, dt.date]] = []
            for _ in range(rng.randint(1, 5)):
                since = chain[-1][1] if chain and rng.random() < 0.15 else self.dice.day()
                chain.append((rng.choice(statuses), since))
            chains.append((company, chain))
        idle, working = CompanyStatus.IDLE, CompanyStatus.OPERATING
        fixed = [
            [(idle, start - dt.timedelta(days=10)), (working, start + dt.timedelta(days=2))],
            [(CompanyStatus.CLOSED, start - dt.timedelta(days=5)), (working, start)],
            [(idle, start - dt.timedelta(days=5)), (idle, end)],
            # Two changes on one day: the one recorded first is the earlier.
            [(idle, end), (CompanyStatus.PARTLY_OPERATING, end)],
        ]
        rows = [
            StatusChange(company=company, status=status, since=since)
            for company, chain in chains
            for status, since in chain
        ]
        # Corrections dated in the past are recorded late: ids need not follow the dates.
        rng.shuffle(rows)
        # The fixed chains keep their order, so that of two changes on one day the idle one
        # is recorded first.
        rows += [
            StatusChange(company=company, status=status, since=since)
            for company, chain in zip(self.companies[:4], fixed, strict=True)
            for status, since in chain
        ]
        StatusChange.objects.bulk_create(rows)

    # --- Investments -----------------------------------------------------------------------------

    def projects(self) -> None:
        rng = self.rng
        rows = []
        operating = ProjectStatus.OPERATING
        # Lines opened in the period in dollars and in rials, one opened before it, one still
        # being built; then any.
        fixed: list[tuple[str, dt.date | None, str | None]] = [
            (operating, self.dice.inside().date(), Currency.USD),
            (operating, self.dice.inside().date(), Currency.RIAL),
            (operating, self.period.start - dt.timedelta(days=1), Currency.TOMAN),
            (ProjectStatus.UNDER_CONSTRUCTION, None, None),
        ]
        for n in range(len(fixed) + 6 * self.scale):
            status, opened, currency = (
                fixed[n]
                if n < len(fixed)
                else (rng.choice([operating] * 3 + ProjectStatus.values), None, None)
            )
            if status == operating and opened is None:
                opened = self.dice.day()
            company = rng.choice(
                self.companies if n < len(fixed) or rng.random() < 0.85 else self.other_companies
            )
            jobs = rng.choice([None, rng.randint(0, 400)])
            county = company.county
            if company.province_id == self.province.pk and rng.random() < 0.3:
                county = rng.choice(self.busy_counties)
            rows.append(
                Project(
                    province_id=company.province_id,
                    company=company,
                    title=f"خط تولید {n}",
                    search_key=f"line {n}",
                    sector=rng.choice(self.sectors),
                    county=county,
                    jobs_planned=None if jobs is None else max(jobs, 1),
                    jobs_created=jobs,
                    product_types=rng.choice([None, rng.randint(1, 120)]),
                    status=status,
                    progress=100 if status == ProjectStatus.OPERATING else 40,
                    opened_on=opened,
                    **money_fields(self.dice.money(currency)),
                )
            )
        Project.objects.bulk_create(rows)

    def exports(self) -> None:
        rng = self.rng
        years = [self.export_year - 1, self.export_year, self.export_year + 1]
        projects = list(Project.objects.all())
        places: list[Country | CountryGroup] = [*self.countries, *self.groups]
        seen: set[tuple[Any, ...]] = set()
        lines_here = [p for p in projects if p.province_id == self.province.pk]
        end = self.period.end
        # The first two: forecasts for the quoted year of two lines of the province, one
        # recorded on the period's last evening and one just after midnight (not quoted).
        recorded = [
            dt.datetime.combine(end, dt.time(23, 30), tzinfo=TEHRAN),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0, 10), tzinfo=TEHRAN),
        ]
        rows = []
        for n in range(16 * self.scale):
            if n < len(recorded):
                project: Project | None = lines_here[n]
                assert project is not None
                company = project.company
                kind, year = ExportKind.FORECAST, self.export_year
            else:
                company = rng.choice(
                    self.companies + self.other_companies
                    if rng.random() < 0.3
                    else [p.company for p in projects]
                )
                own = [p for p in projects if p.company_id == company.pk]
                project = rng.choice(own) if own and rng.random() < 0.7 else None
                kind = rng.choice([ExportKind.FORECAST, ExportKind.FORECAST, ExportKind.ACTUAL])
                year = rng.choice(years)
            destination = rng.choice(places)
            key = (
                company.pk,
                project and project.pk,
                kind,
                year,
                type(destination),
                destination.pk,
            )
            if key in seen:
                continue
            seen.add(key)
            money = self.dice.money()
            if money.currency == Currency.TOMAN:
                money = Money(money.amount, Currency.RIAL)
            rows.append(
                ExportFigure(
                    company=company,
                    project=project,
                    kind=kind,
                    year=year,
                    country=destination if isinstance(destination, Country) else None,
                    group=destination if isinstance(destination, CountryGroup) else None,
                    source="اتاق بازرگانی",
                    **money_fields(money),
                )
            )
        ExportFigure.objects.bulk_create(rows)
        # Recorded before, during and after the period (and minutes either side of its end):
        # a period quotes only what was recorded by its last day.
        for n, row in enumerate(rows):
            row.created_at = recorded[n] if n < len(recorded) else self.dice.moment()
        ExportFigure.objects.bulk_update(rows, ["created_at"])

    def shares(self) -> None:
        rng = self.rng
        # Stated on the period's last day and on the day after it, then any day.
        days = [self.period.end, self.period.end + dt.timedelta(days=1)]
        days += [self.dice.day() for _ in range(5 * self.scale)]
        rows = [
            SectorShare(
                province=self.province if n < 2 or rng.random() < 0.85 else self.other_province,
                sector=rng.choice(self.sectors),
                basis=rng.choice(ShareBasis.values),
                value=Decimal(f"{rng.randint(0, 99)}.{rng.randint(0, 99):02d}"),
                source=rng.choice(["ایرنا", "اداره کل صمت", "سخنگوی دولت"]),
                stated_on=day,
            )
            for n, day in enumerate(days)
        ]
        SectorShare.objects.bulk_create(rows)

    # --- Through the services --------------------------------------------------------------------

    def through_services(self) -> None:
        from tashil.cases.services import case_reopen, referral_answer
        from tashil.cases.tests.conftest import CaseBuilder
        from tashil.investments.services import (
            export_record,
            project_create,
            project_open,
            share_add,
        )
        from tashil.registry.services import company_set_status

        cast, clock, dice = self.cast, self.clock, self.dice
        build = CaseBuilder(
            owner=cast.owner,
            secretariat=cast.secretariat,
            expert=cast.expert,
            agency=cast.tax_agency,
            company=cast.company,
            category=cast.category,
        )
        S = CaseStatus
        for status in (S.MERGED, S.REJECTED, S.CLOSED, S.UNRESOLVED, S.REFERRED):
            clock.set(dice.moment())
            build(status)
        clock.set(dice.moment())
        reopened = build(S.RESOLVED)
        case_reopen(actor=cast.owner, case=reopened, reason="هنوز حل نشده است")
        clock.set(dice.moment())
        referred = build(S.REFERRED)
        clock.advance(days=self.rng.randint(0, 12), minutes=self.rng.randint(0, 600))
        referral_answer(
            actor=cast.officer, referral=referred.referrals.get(), answer="پاسخ داده شد"
        )

        clock.set(dice.moment().replace(hour=12))
        day = clock.now.astimezone(TEHRAN).date()
        company = self.companies[-1]
        company_set_status(
            actor=None, company=company, status=CompanyStatus.IDLE, since=day - dt.timedelta(60)
        )
        company_set_status(
            actor=None, company=company, status=CompanyStatus.PARTLY_OPERATING, since=day
        )

        line = project_create(
            actor=None,
            company=cast.company,
            title="خط تولید محصولات آرایشی و بهداشتی",
            sector=self.sectors[0],
            investment=Money(Decimal(4_000_000), Currency.USD, 1_050_000, day),
            source="سخنگوی دولت",
            jobs_created=100,
            product_types=90,
            status=ProjectStatus.UNDER_CONSTRUCTION,
            progress=95,
        )
        project_open(actor=None, project=line, on=day, source="سخنگوی دولت")
        for destination, amount in ((self.groups[0], 600_000), (self.countries[0], 400_000)):
            export_record(
                actor=None,
                company=cast.company,
                project=line,
                kind=ExportKind.FORECAST,
                year=self.export_year,
                destination=destination,
                value=Money(Decimal(amount), Currency.USD, 1_050_000, day),
                source="سخنگوی دولت",
            )
        share_add(
            actor=None,
            province=self.province,
            sector=self.sectors[1],
            basis=ShareBasis.OUTPUT,
            value=Decimal(30),
            source="ایرنا",
            stated_on=day,
        )

    # --- All of it -------------------------------------------------------------------------------

    def build(self, *, services: bool) -> RecountWorld:
        self.export_year = jalali_year_of(self.period.end) + 1
        self.places()
        self.export_destinations()
        self.cases()
        self.referrals()
        self.meetings()
        self.certificates()
        self.targets()
        self.status_changes()
        self.projects()
        self.exports()
        self.shares()
        if services:
            self.through_services()
        self.clock.set(dt.datetime.combine(self.today, dt.time(12), tzinfo=TEHRAN))
        return RecountWorld(
            seed=self.seed,
            period=self.period,
            today=self.today,
            export_year=self.export_year,
            province=self.province,
            other_province=self.other_province,
            counties=self.counties,
            categories=self.categories,
            agencies=self.agencies,
            companies=self.companies,
            sectors=self.sectors,
            countries=self.countries,
            groups=self.groups,
            other_agency=self.other_agency,
        )


@pytest.fixture
def figures_cast(
    province: Any,
    county: Any,
    other_county: Any,
    company: Any,
    other_company: Any,
    tax_agency: Any,
    customs_agency: Any,
    category: Any,
    secretariat: Any,
    owner: Any,
    officer: Any,
    expert: Any,
) -> Cast:
    return Cast(
        province=province,
        county=county,
        other_county=other_county,
        company=company,
        other_company=other_company,
        tax_agency=tax_agency,
        customs_agency=customs_agency,
        category=category,
        secretariat=secretariat,
        owner=owner,
        officer=officer,
        expert=expert,
    )


@pytest.fixture
def recount_world(
    figures_cast: Cast, tehran_clock: TehranClock, settings: Any, tmp_path: Any
) -> Callable[..., RecountWorld]:
    """`recount_world(seed, scale=1, services=True)` builds the world once per test."""
    settings.MEDIA_ROOT = tmp_path / "media"

    def build(seed: int, scale: int = 1, services: bool = True) -> RecountWorld:
        return WorldBuilder(figures_cast, tehran_clock, seed, scale).build(services=services)

    return build
