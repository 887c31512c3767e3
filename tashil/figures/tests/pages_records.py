"""A province with some of every record the dashboard counts, made through the services, for the
figures pages' and tables' tests: cases in several states and categories in two counties, a
referral, a held session with its resolutions, results recorded on a case, certificates and a
target, a unit revived, the cosmetics line opened with its export forecast, and sector shares.

The records are dated today (cases are stamped with the real time, whatever the clock), so they
fall in the pages' default period, since 1 Farvardin.

`add_more` adds the same kinds of records again in new categories, counties and sectors: a page
must cost the same number of queries with them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from tashil.cases.services import case_record_results, referral_answer
from tashil.cases.workflow import CaseStatus
from tashil.core.money import Currency, Money
from tashil.factories import CategoryFactory, CertificateFactory, CompanyFactory, CountyFactory
from tashil.figures.period import Period
from tashil.figures.selectors import default_export_year
from tashil.figures.tests.reports_records import cast
from tashil.geo.models import Country, CountryGroup, County
from tashil.investments.models import ExportKind, Sector, ShareBasis
from tashil.investments.services import export_record, project_create, project_open, share_add
from tashil.meetings.services import meeting_close
from tashil.registry.models import CompanyStatus
from tashil.registry.services import company_set_status, target_set

RATE = 1_050_000
S = CaseStatus


def dollars(amount: int) -> Money:
    return Money(Decimal(amount), Currency.USD, RATE, dt.date(2025, 12, 10))


def build(request: pytest.FixtureRequest) -> SimpleNamespace:
    """The records, on the cast of `tashil/conftest.py`."""
    r = cast(request, frozen=False)
    r.today = timezone.localdate()
    r.period = Period.year_to_date(r.today)
    today = r.today
    r.sector = Sector.objects.create(code="cosmetics", name="آرایشی و بهداشتی", name_en="Cosmetics")
    r.detergents = Sector.objects.create(code="detergents", name="شوینده", name_en="Detergents")
    r.russia = Country.objects.create(code="RU", alpha3="RUS", name="روسیه", name_en="Russia")
    r.iraq = Country.objects.create(code="IQ", alpha3="IRQ", name="عراق", name_en="Iraq")
    r.arab = CountryGroup.objects.create(
        code="arab_league", name="کشورهای عربی", name_en="Arab countries"
    )
    r.arab.members.set([r.iraq])

    # Cases: one referred to the tax agency and answered, one resolved (with results), one
    # rejected, one screening in the other county and category.
    customs_category = CategoryFactory(code="customs", name="گمرک", name_en="Customs")
    referred = r.cases(S.REFERRED)
    referral_answer(actor=r.officer, referral=referred.referrals.get(), answer="استرداد پرداخت شد.")
    resolved = r.cases(S.RESOLVED)
    case_record_results(
        actor=r.secretariat,
        case=resolved,
        approved_amount=50_000_000_000,
        jobs_preserved=40,
        results_on=today,
    )
    r.cases(S.REJECTED)
    r.cases(
        S.SCREENING,
        actor=r.other_owner,
        company=r.other_company,
        category=customs_category,
    )
    # A session of the HQ held this morning, with two resolutions for the tax agency.
    held_session(r, resolutions=2)

    # Knowledge-based units and the target; a unit idle since spring, working again in autumn.
    certificate(r.company, today)
    certificate(r.other_company, today)
    target_set(
        actor=r.secretariat,
        province=r.province,
        count=140,
        due_on=r.period.end + dt.timedelta(days=365),
    )
    company_set_status(
        actor=None,
        company=r.other_company,
        status=CompanyStatus.IDLE,
        since=today - dt.timedelta(days=400),
    )
    company_set_status(
        actor=None, company=r.other_company, status=CompanyStatus.OPERATING, since=today
    )

    # The cosmetics line opened today: USD 4,000,000, 100 jobs, 90 product types, and its
    # forecast for next year to the Arab countries and Russia.
    r.export_year = default_export_year(r.period)
    r.line = opened_line(
        r,
        r.company,
        title="خط تولید محصولات آرایشی و بهداشتی",
        investment=dollars(4_000_000),
        jobs=100,
        products=90,
    )
    for destination, usd in ((r.arab, 600_000), (r.russia, 400_000)):
        export_record(
            actor=None,
            company=r.company,
            project=r.line,
            kind=ExportKind.FORECAST,
            year=r.export_year,
            destination=destination,
            value=dollars(usd),
            source="سخنگوی دولت",
        )
    for source, value, day in (
        ("سازمان صمت استان", Decimal(30), today - dt.timedelta(days=30)),
        ("سخنگوی دولت", Decimal(35), today),
    ):
        share_add(
            actor=None,
            province=r.province,
            sector=r.detergents,
            basis=ShareBasis.OUTPUT,
            value=value,
            source=source,
            stated_on=day,
        )
    return r


def certificate(company: Any, today: dt.date) -> Any:
    """Valid from a month ago for three years."""
    issued = today - dt.timedelta(days=30)
    return CertificateFactory(
        company=company, issued_on=issued, expires_on=issued + dt.timedelta(days=3 * 365)
    )


def held_session(r: SimpleNamespace, *, resolutions: int) -> Any:
    """A session of the HQ held this morning, on a case, with `resolutions` resolutions."""
    starts_at = dt.datetime.combine(r.today, dt.time(0, 30), tzinfo=timezone.get_current_timezone())
    meeting = r.meetings.plan(starts_at=starts_at)
    item = r.meetings.with_case(meeting)
    for n in range(resolutions):
        r.meetings.draft(
            item,
            text=f"مصوبه شماره {n + 1} درباره استرداد",
            deadline=r.today + dt.timedelta(days=60),
        )
    r.meetings.attend(meeting)
    return meeting_close(actor=r.secretariat, meeting=meeting)


def opened_line(
    r: SimpleNamespace, company: Any, *, title: str, investment: Money, jobs: int, products: int
) -> Any:
    line = project_create(
        actor=None,
        company=company,
        title=title,
        sector=r.sector,
        investment=investment,
        source="سخنگوی دولت",
        jobs_planned=jobs,
        jobs_created=jobs,
        product_types=products,
        progress=95,
    )
    project_open(actor=None, project=line, on=r.today, source="افتتاح")
    line.refresh_from_db()
    return line


def add_more(r: SimpleNamespace, n: int = 3) -> None:
    """`n` more of each kind of record, each in a new category, county, company, sector or
    destination: every group the dashboard lists gets longer."""
    for _ in range(n):
        # Codes the cast does not use, unique within the test.
        serial = County.objects.filter(province=r.province).count() + 40
        county = CountyFactory(
            province=r.province, code=f"{r.province.code}{serial}", name=f"شهرستان {serial}"
        )
        company: Any = CompanyFactory(county=county)
        category = CategoryFactory(code=f"more-{serial}")
        r.cases(
            S.SCREENING, actor=r.secretariat, company=company, category=category, channel="letter"
        )
        r.cases(
            S.RESOLVED, actor=r.secretariat, company=company, category=category, channel="letter"
        )
        certificate(company, r.today)
        line = opened_line(
            r, company, title=f"خط {serial}", investment=dollars(1_000 * serial), jobs=5, products=2
        )
        country = Country.objects.create(
            code=f"Q{serial % 10}", alpha3=f"QQ{serial % 10}", name=f"کشور {serial}"
        )
        export_record(
            actor=None,
            company=company,
            project=line,
            kind=ExportKind.FORECAST,
            year=r.export_year,
            destination=country,
            value=dollars(10_000),
            source="برآورد",
        )
        sector = Sector.objects.create(code=f"sector-{serial}", name=f"بخش {serial}")
        share_add(
            actor=None,
            province=r.province,
            sector=sector,
            basis=ShareBasis.NEED,
            value=Decimal(10),
            source="برآورد",
            stated_on=r.today,
        )
    held_session(r, resolutions=n)
