"""Records for the weekly report's and the press brief's tests, written through the services at the
moment each happened (`tehran_clock`), on the cast of `tashil/conftest.py`.

`build_week`: the week of Saturday 1404/09/22 to Friday 1404/09/28 (13–19 December 2025), looked
at on Saturday 1404/09/29:

- cases filed: at 00:10 on the week's first day (submitted) and at 23:50 on its last (referred
  to the tax agency); a duplicate filed in the week and merged into a case also filed in it;
  one filed at 23:50 the day before the week and one at 00:10 the day after (neither is the
  week's). A case filed on 1404/09/01 and referred to the tax agency is overdue by the 29th;
- session 227 of the provincial HQ, held on Wednesday 1404/09/19 (the week before), with one
  resolution for the customs agency due on 1404/09/25: overdue on the 29th;
- session 228, held on Wednesday 1404/09/26, closed: two agenda items (a case and the
  resolution back because it is late), two resolutions for the tax agency;
- session 229, planned on Thursday 1404/09/27 and never held (not the week's);
- the cosmetics line opened on 1404/09/24, certificates, a target and a sector share, for the
  year's figures.

`build_brief`: what the press brief of 1404/09/24 (15 December 2025) reads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from tashil.cases.services import case_record_results
from tashil.cases.tests.conftest import CaseBuilder
from tashil.cases.workflow import CaseStatus
from tashil.core.money import Currency, Money
from tashil.factories import CertificateFactory, CompanyFactory
from tashil.figures.period import Period
from tashil.figures.tests.conftest import TEHRAN, TehranClock, jalali_day, tehran_moment
from tashil.geo.models import Country, CountryGroup, EstateKind, IndustrialEstate
from tashil.investments.models import ExportKind, Project, Sector, ShareBasis
from tashil.investments.services import export_record, project_create, project_open, share_add
from tashil.investments.workflow import ProjectStatus
from tashil.meetings.models import Body, Meeting, Weekday
from tashil.meetings.services import agenda_add_resolution, meeting_close, resolution_move
from tashil.meetings.tests.conftest import MeetingBuilder
from tashil.meetings.workflow import MeetingKind, ResolutionState
from tashil.registry.services import target_set

S = CaseStatus
R = ResolutionState
RATE = 1_050_000
WEEK = Period.week_of(jalali_day(1404, 9, 26))
TODAY = jalali_day(1404, 9, 29)
BRIEF_DAY = jalali_day(1404, 9, 24)


def dollars(amount: int, on: dt.date) -> Money:
    return Money(Decimal(amount), Currency.USD, RATE, on)


def cast(request: pytest.FixtureRequest, *, frozen: bool = True) -> SimpleNamespace:
    """The cast of `tashil/conftest.py`, a case and a meeting builder and the provincial HQ that
    meets on Wednesdays. With `frozen`, `r.clock` is the Tehran clock the records are made on;
    without it they are made now (the pages' tests)."""
    fixture = request.getfixturevalue
    fixture("settings").MEDIA_ROOT = fixture("tmp_path") / "media"
    r = SimpleNamespace(
        clock=fixture("tehran_clock") if frozen else None,
        province=fixture("province"),
        county=fixture("county"),
        other_county=fixture("other_county"),
        company=fixture("company"),
        other_company=fixture("other_company"),
        owner=fixture("owner"),
        other_owner=fixture("other_owner"),
        secretariat=fixture("secretariat"),
        executive=fixture("executive"),
        officer=fixture("officer"),
        tax=fixture("tax_agency"),
        customs=fixture("customs_agency"),
        category=fixture("category"),
    )
    r.cases = CaseBuilder(
        owner=r.owner,
        secretariat=r.secretariat,
        expert=fixture("expert"),
        agency=r.tax,
        company=r.company,
        category=r.category,
    )
    r.hq = Body.objects.create(
        province=r.province,
        kind=MeetingKind.PROVINCIAL,
        name="ستاد تسهیل و رفع موانع تولید استان قزوین",
        name_en="Qazvin Production Facilitation HQ",
        weekday=Weekday.WEDNESDAY,
        first_number=227,
    )
    r.hq.members.set([r.tax, r.customs])
    r.meetings = MeetingBuilder(
        hq=r.hq, secretariat=r.secretariat, cases=r.cases, agencies=[r.tax, r.customs]
    )
    return r


def at(clock: TehranClock, day: dt.date, hour: int = 10, minute: int = 0) -> None:
    clock.set(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TEHRAN))


def the_cosmetics_line(r: SimpleNamespace, *, opened_on: dt.date) -> Project:
    """The reference scenario's line: USD 4,000,000, 100 jobs, 90 product types, in the Caspian
    industrial city, with a forecast for the next Jalali year to the Arab countries (600,000)
    and Russia (400,000)."""
    r.estate = IndustrialEstate.objects.create(
        province=r.province,
        county=r.county,
        name="کاسپین",
        name_en="Caspian",
        kind=EstateKind.INDUSTRIAL_CITY,
    )
    r.cosmetics = Sector.objects.create(
        code="cosmetics", name="آرایشی و بهداشتی", name_en="Cosmetics"
    )
    r.russia = Country.objects.create(code="RU", alpha3="RUS", name="روسیه", name_en="Russia")
    r.iraq = Country.objects.create(code="IQ", alpha3="IRQ", name="عراق", name_en="Iraq")
    r.arab = CountryGroup.objects.create(
        code="arab_league", name="کشورهای عربی", name_en="Arab countries"
    )
    r.arab.members.set([r.iraq])
    at(r.clock, opened_on - dt.timedelta(days=30))
    line = project_create(
        actor=None,
        company=r.company,
        title="خط تولید محصولات آرایشی و بهداشتی",
        sector=r.cosmetics,
        investment=dollars(4_000_000, opened_on - dt.timedelta(days=30)),
        source="سخنگوی دولت",
        county=r.county,
        estate=r.estate,
        jobs_planned=100,
        jobs_created=100,
        product_types=90,
        progress=95,
        status=ProjectStatus.UNDER_CONSTRUCTION,
    )
    at(r.clock, opened_on, 11)
    project_open(actor=None, project=line, on=opened_on, source="سخنگوی دولت")
    r.export_year = 1405
    for destination, usd in ((r.arab, 600_000), (r.russia, 400_000)):
        export_record(
            actor=None,
            company=r.company,
            project=line,
            kind=ExportKind.FORECAST,
            year=r.export_year,
            destination=destination,
            value=dollars(usd, opened_on),
            source="سخنگوی دولت",
        )
    line.refresh_from_db()
    return line


def certificates(r: SimpleNamespace, *, valid: int, on: dt.date) -> None:
    """`valid` companies with a certificate valid on `on`, and one whose certificate expired the
    day before and one revoked on `on` (neither counts)."""
    companies = [r.company, r.other_company] + [
        CompanyFactory(county=r.county) for _ in range(max(valid - 2, 0))
    ]
    for company in companies[:valid]:
        CertificateFactory(
            company=company,
            issued_on=on - dt.timedelta(days=200),
            expires_on=on + dt.timedelta(days=500),
        )
    CertificateFactory(
        company=CompanyFactory(county=r.county),
        issued_on=on - dt.timedelta(days=800),
        expires_on=on - dt.timedelta(days=1),
    )
    CertificateFactory(
        company=CompanyFactory(county=r.county),
        issued_on=on - dt.timedelta(days=100),
        expires_on=on + dt.timedelta(days=500),
        revoked_on=on,
    )


def held(
    r: SimpleNamespace,
    starts_at: dt.datetime,
    *,
    deadlines: list[dt.date],
    agencies: list[Any],
    late: Any = None,
) -> Meeting:
    """A session planned and closed on its day: a case item with a resolution per deadline for
    `agencies`, and the late resolution `late` back on its agenda."""
    r.clock.set(starts_at - dt.timedelta(hours=2))
    meeting = r.meetings.plan(starts_at=starts_at)
    item = r.meetings.with_case(meeting)
    if late is not None and not meeting.items.filter(resolution=late).exists():
        agenda_add_resolution(actor=r.secretariat, meeting=meeting, resolution=late)
    for n, deadline in enumerate(deadlines, start=1):
        r.meetings.draft(
            item,
            text=f"مصوبه {n}: استرداد مالیات بر ارزش افزوده شرکت ظرف یک ماه پرداخت شود.",
            agencies=agencies,
            deadline=deadline,
        )
    r.meetings.attend(meeting)
    r.clock.set(starts_at + dt.timedelta(hours=2))
    return meeting_close(actor=r.secretariat, meeting=meeting)


def build_week(request: pytest.FixtureRequest) -> SimpleNamespace:
    r = cast(request)
    clock = r.clock
    first, last = WEEK.start, WEEK.end

    # Referred on the 1st, answer due five working days later: overdue on the 29th.
    at(clock, jalali_day(1404, 9, 1))
    r.late_case = r.cases(S.REFERRED, title="بازپرداخت تسهیلات سرمایه در گردش")
    r.late_referral = r.late_case.referrals.get()

    # Session 227, the week before: its resolution for customs is due on the 25th.
    r.before = held(
        r,
        tehran_moment(1404, 9, 19, 9),
        deadlines=[jalali_day(1404, 9, 25)],
        agencies=[r.customs],
    )
    r.late_resolution = r.before.resolutions.get()

    clock.set(dt.datetime.combine(first - dt.timedelta(days=1), dt.time(23, 50), tzinfo=TEHRAN))
    r.day_before = r.cases(S.SUBMITTED, title="پرونده روز پیش از هفته")
    clock.set(dt.datetime.combine(first, dt.time(0, 10), tzinfo=TEHRAN))
    r.first_case = r.cases(S.SUBMITTED, title="تأخیر در صدور کارت بازرگانی")
    at(clock, jalali_day(1404, 9, 23))
    r.merged = r.cases(S.MERGED, title="پرونده تکراری")
    r.merged_into = r.merged.merged_into

    # Session 228 on Wednesday the 26th: one agenda case and the late resolution back.
    r.session = held(
        r,
        tehran_moment(1404, 9, 26, 9),
        deadlines=[jalali_day(1404, 10, 26), jalali_day(1404, 11, 10)],
        agencies=[r.tax],
        late=r.late_resolution,
    )
    r.resolutions = list(r.session.resolutions.order_by("number"))
    # Session 229 planned for Thursday and never held.
    clock.set(tehran_moment(1404, 9, 26, 15))
    r.planned = r.meetings.plan(starts_at=tehran_moment(1404, 9, 27, 9))

    clock.set(dt.datetime.combine(last, dt.time(23, 50), tzinfo=TEHRAN))
    r.last_case = r.cases(S.REFERRED, title="توقف ترخیص مواد اولیه در گمرک")
    clock.set(dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 10), tzinfo=TEHRAN))
    r.day_after = r.cases(S.SUBMITTED, title="پرونده روز پس از هفته")

    # The year's figures.
    r.line = the_cosmetics_line(r, opened_on=jalali_day(1404, 9, 24))
    certificates(r, valid=3, on=last)
    at(clock, TODAY, 8)
    r.today = TODAY
    r.week = WEEK
    return r


def build_brief(request: pytest.FixtureRequest) -> SimpleNamespace:
    """Qazvin on 1404/09/24: seven units with a valid certificate and a target of 200 by the end
    of 1405; the cosmetics line opened that day; the detergent share stated that day by the
    spokesperson (50% of the need), beside two older figures of other sources and an older one
    of the spokesperson's own; a session of the HQ with two resolutions, one executed."""
    r = cast(request)
    on = BRIEF_DAY
    r.on = on
    certificates(r, valid=7, on=on)
    at(r.clock, on - dt.timedelta(days=60))
    r.target = target_set(
        actor=r.secretariat, province=r.province, count=200, due_on=jalali_day(1405, 12, 29)
    )
    r.line = the_cosmetics_line(r, opened_on=on)
    r.detergents = Sector.objects.create(code="detergents", name="شوینده", name_en="Detergents")
    at(r.clock, on, 20)
    for source, basis, value, day in (
        ("سخنگوی دولت", ShareBasis.NEED, 45, jalali_day(1404, 3, 1)),
        ("معاونت امور صنایع استان", ShareBasis.OUTPUT, 60, jalali_day(1403, 10, 18)),
        ("تشکل صنفی صنایع شوینده", ShareBasis.OUTPUT, 10, jalali_day(1404, 3, 12)),
        ("سخنگوی دولت", ShareBasis.NEED, 50, on),
        # Stated after the brief's day: not in it.
        ("خبرگزاری ایرنا", ShareBasis.NEED, 55, on + dt.timedelta(days=1)),
    ):
        if day > on:
            at(r.clock, day, 20)
        r.last_share = share_add(
            actor=None,
            province=r.province,
            sector=r.detergents,
            basis=basis,
            value=Decimal(value),
            source=source,
            stated_on=day,
        )
    r.session = held(
        r,
        tehran_moment(1404, 9, 19, 9),
        deadlines=[jalali_day(1404, 10, 30), jalali_day(1404, 11, 30)],
        agencies=[r.tax],
    )
    # One of the two executed, the other still in follow-up.
    at(r.clock, jalali_day(1404, 9, 22))
    executed = r.session.resolutions.order_by("number").first()
    for state in (R.IN_PROGRESS, R.REPORTED, R.EXECUTED):
        actor = r.secretariat if state == R.EXECUTED else r.officer
        resolution_move(actor=actor, resolution=executed, to=state, reason="پیگیری شد")
        executed.refresh_from_db()
    # A banking case resolved, with the loan approved and the jobs it kept.
    at(r.clock, jalali_day(1404, 8, 10))
    resolved = r.cases(S.RESOLVED, title="تمدید مهلت بازپرداخت تسهیلات")
    case_record_results(
        actor=r.secretariat,
        case=resolved,
        approved_amount=120 * 10**9,
        jobs_preserved=35,
        results_on=jalali_day(1404, 8, 10),
    )
    at(r.clock, on, 21)
    return r
