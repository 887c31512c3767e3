"""Records for the query-count tests of the measured views (issue 8): a province on the cast of
`tashil/conftest.py`, and builders that each add `n` more of one kind of record the views show,
made through the services, with their related rows filled in (a case with its referrals and
events, a company with its certificate, product, activity and industrial estate, a session with
its resolutions addressed to agencies…), so that a view reading a related row once per row
costs more queries with more rows.

Every record is visible to the readers of the tests: it is of the cast's province, and the
referrals and resolutions go to the tax agency, whose officer is the cast's `officer`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tashil.accounts.services import role_grant
from tashil.cases.models import Case, Referral
from tashil.cases.services import ReferralRequest, case_attach, case_move, case_refer
from tashil.cases.services import referral_answer as answer_referral
from tashil.cases.workflow import CaseStatus
from tashil.core.money import Currency, Money
from tashil.factories import (
    ActivityFactory,
    AgencyFactory,
    CategoryFactory,
    CompanyFactory,
    CountyFactory,
    EstateFactory,
    UserFactory,
)
from tashil.figures.tests.reports_records import cast
from tashil.geo.models import Country, CountryGroup
from tashil.investments.models import ExportKind, ItineraryKind, Sector, ShareBasis
from tashil.investments.services import (
    export_record,
    item_add,
    project_create,
    share_add,
    visit_create,
)
from tashil.investments.workflow import ProjectStatus
from tashil.meetings.models import Body, Meeting
from tashil.meetings.services import agenda_add_case, meeting_close
from tashil.meetings.workflow import MeetingKind
from tashil.registry.models import CertificateClass, CompanyStatus, LicenceKind
from tashil.registry.services import (
    certificate_add,
    company_set_status,
    contact_add,
    licence_add,
    product_add,
)

S = CaseStatus
RATE = 1_050_000
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# What the Persian company search looks for; the companies spell it each way people type it.
KNOWLEDGE_BASED = "دانش بنیان"
SPELLINGS = ("دانش\u200cبنیان", "دانشبنیان", "دانش بنیان")
# A word of every case title the case list's search finds.
CASE_WORD = "استرداد"
DIGITS36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def build(request: pytest.FixtureRequest) -> SimpleNamespace:
    """The cast, its provincial HQ and the builders of `reports_records.cast`, and what the
    builders below share: an activity, a sector, the day, and a serial for unique codes."""
    r = cast(request, frozen=False)
    r.today = timezone.localdate()
    r.serials = itertools.count(1)
    r.activity = ActivityFactory()
    r.sector = Sector.objects.create(code="cosmetics", name="آرایشی و بهداشتی", name_en="Cosmetics")
    return r


def serial(r: SimpleNamespace) -> int:
    return next(r.serials)


def dollars(amount: int) -> Money:
    return Money(Decimal(amount), Currency.USD, RATE, dt.date(2025, 12, 10))


def pdf(name: str = "نامه.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- Companies ------------------------------------------------------------------------------------


def company(r: SimpleNamespace, *, name: str = "", product: str = "") -> Any:
    """A company in a new county (of 60, then again) and a new industrial estate of the
    province, with an activity, a valid certificate and a product: every row the registry's
    lists join or count."""
    n = serial(r)
    # County codes are four digits, the province's two and the county's; the cast has 02 and 03.
    county = CountyFactory(province=r.province, code=f"{r.province.code}{40 + n % 60}")
    estate = EstateFactory(province=r.province, name=f"شهرک صنعتی {n}")
    found: Any = CompanyFactory(
        county=county,
        estate=estate,
        activity=r.activity,
        legal_name=name or f"شرکت تولیدی شماره {n}",
        employees=10 + n,
    )
    certificate_add(
        actor=r.secretariat,
        company=found,
        number=f"KB-Q{n:05d}",
        certificate_class=CertificateClass.INNOVATOR,
        issued_on=r.today - dt.timedelta(days=30),
        expires_on=r.today + dt.timedelta(days=3 * 365),
        approved_products="رزین صنعتی",
    )
    product_add(actor=r.secretariat, company=found, name=product or f"محصول {n}", hs_code="3402")
    return found


def companies(r: SimpleNamespace, n: int) -> list[Any]:
    return [company(r) for _ in range(n)]


def knowledge_based_companies(r: SimpleNamespace, n: int) -> list[Any]:
    """`n` companies found by a search for "دانش بنیان" under each spelling: in the name, with a
    zero-width non-joiner, or in a product, joined up."""
    found = []
    for i in range(n):
        spelling = SPELLINGS[i % len(SPELLINGS)]
        found.append(company(r, name=f"شرکت {spelling} پالایش {serial(r)}"))
        found.append(company(r, product=f"رزین {spelling} {serial(r)}"))
    return found


def company_parts(r: SimpleNamespace, target: Any, n: int) -> None:
    """`n` more of everything the company page lists: certificates, products, licences,
    contacts, status changes, representatives, projects and their export figures; each is
    also an event of the company's history."""
    for _ in range(n):
        k = serial(r)
        issued = r.today - dt.timedelta(days=400 + k)
        certificate_add(
            actor=r.secretariat,
            company=target,
            number=f"KB-P{k:05d}",
            certificate_class=CertificateClass.STARTUP,
            issued_on=issued,
            expires_on=issued + dt.timedelta(days=365),
        )
        product_add(actor=r.secretariat, company=target, name=f"فرآورده {k}", hs_code="3304")
        licence_add(
            actor=r.secretariat,
            company=target,
            kind=LicenceKind.OPERATING,
            number=f"L-{k}",
            issued_on=issued,
            issuer="اداره کل صمت",
        )
        contact_add(actor=r.secretariat, company=target, name=f"مدیر {k}", phone="02833333333")
        company_set_status(
            actor=r.secretariat,
            company=target,
            status=CompanyStatus.OPERATING,
            since=r.today - dt.timedelta(days=k),
        )
        representative: Any = UserFactory(username=f"rep-{k}")
        role_grant(actor=None, user=representative, role="company_rep", company=target)
        project(r, target)


# --- Investments ----------------------------------------------------------------------------------


def country(r: SimpleNamespace) -> Country:
    """A country with a code no real one has (a digit first), unique among the test's."""
    k = serial(r)
    code = f"{k // 36 % 10}{DIGITS36[k % 36]}"
    return Country.objects.create(code=code, alpha3=f"X{code}", name=f"کشور {k}")


def project(r: SimpleNamespace, owner: Any) -> Any:
    """A line under construction at the company's site in the cast's sector, with an export
    forecast for next year to a new country."""
    k = serial(r)
    line = project_create(
        actor=None,
        company=owner,
        title=f"خط تولید {k}",
        sector=r.sector,
        investment=dollars(1_000 * k),
        source="سخنگوی دولت",
        jobs_planned=10,
        product_types=2,
        progress=60,
        status=ProjectStatus.UNDER_CONSTRUCTION,
    )
    export_record(
        actor=None,
        company=owner,
        project=line,
        kind=ExportKind.FORECAST,
        year=1405,
        destination=country(r),
        value=dollars(10_000),
        source="برآورد",
    )
    return line


def projects(r: SimpleNamespace, n: int) -> None:
    for _ in range(n):
        project(r, company(r))


def visits(r: SimpleNamespace, n: int) -> None:
    """Official visits of the province, each with a stop at a company."""
    for _ in range(n):
        k = serial(r)
        day = r.today - dt.timedelta(days=k)
        visit = visit_create(
            actor=None,
            province=r.province,
            title=f"سفر استانی {k}",
            visitor_name="فاطمه مهاجرانی",
            visitor_title="سخنگوی دولت",
            starts_on=day,
        )
        item_add(
            actor=None,
            visit=visit,
            day=day,
            kind=ItineraryKind.MEETING,
            title="بازدید از کارخانه",
            company=company(r),
        )


def sectors(r: SimpleNamespace, n: int) -> list[Sector]:
    found = []
    for _ in range(n):
        k = serial(r)
        found.append(Sector.objects.create(code=f"sector-{k}", name=f"بخش {k}", name_en=f"S{k}"))
    return found


def shares(r: SimpleNamespace, n: int) -> None:
    """A share of national output stated for each of `n` new sectors."""
    for sector in sectors(r, n):
        share_add(
            actor=None,
            province=r.province,
            sector=sector,
            basis=ShareBasis.OUTPUT,
            value=Decimal(12),
            source="سازمان صمت استان",
            stated_on=r.today,
        )


def countries(r: SimpleNamespace, n: int) -> None:
    for _ in range(n):
        country(r)


def country_groups(r: SimpleNamespace, n: int) -> None:
    for _ in range(n):
        k = serial(r)
        group = CountryGroup.objects.create(code=f"group-{k}", name=f"گروه {k}")
        group.members.set([country(r), country(r)])


# --- Cases ----------------------------------------------------------------------------------------


def case(r: SimpleNamespace, status: str, **overrides: Any) -> Case:
    """A case of a new company filed by letter by the secretariat, moved into `status`; a
    referred case is referred to the tax and the customs agencies."""
    if "company" not in overrides:
        overrides["company"] = company(r)
    if "title" not in overrides:
        overrides["title"] = f"{CASE_WORD} مالیات بر ارزش افزوده {serial(r)}"
    found = r.cases(status, actor=r.secretariat, channel="letter", **overrides)
    if status == S.REFERRED:
        case_refer(
            actor=r.secretariat,
            case=found,
            requests=[ReferralRequest(agency=r.customs, request_text="بررسی کنید")],
        )
    return found


def cases(r: SimpleNamespace, n: int, status: str = S.REFERRED, **overrides: Any) -> list[Case]:
    return [case(r, status, **overrides) for _ in range(n)]


def referrals(r: SimpleNamespace, n: int) -> None:
    """`n` referred cases, each with a referral the tax agency answered and one sent to it
    again, still open: the inbox's two lists, and an agency's received and answered counts."""
    for found in cases(r, n):
        answer(r, found.referrals.get(agency=r.tax))
        case_refer(
            actor=r.secretariat,
            case=found,
            requests=[ReferralRequest(agency=r.tax, request_text="پاسخ را تکمیل کنید")],
        )


def answer(r: SimpleNamespace, referral: Referral, officer: Any = None) -> None:
    answer_referral(actor=officer or r.officer, referral=referral, answer="انجام شد.")


def agencies(r: SimpleNamespace, n: int) -> None:
    """`n` new agencies of the province, members of the HQ, each with a staff member, a
    referral it answered and a resolution of one session addressed to it: a card each on the
    scorecard."""
    found = []
    for _ in range(n):
        k = serial(r)
        agency: Any = AgencyFactory(province=r.province, code=f"agency-{k}", name=f"اداره کل {k}")
        r.hq.members.add(agency)
        staff: Any = UserFactory(username=f"officer-{k}")
        role_grant(actor=None, user=staff, role="agency_officer", agency=agency)
        (referral,) = case_refer(
            actor=r.secretariat,
            case=case(r, S.SCREENING),
            requests=[ReferralRequest(agency=agency, request_text="بررسی کنید")],
        )
        answer(r, referral, staff)
        found.append(agency)
    session(r, [[agency] for agency in found])


def timeline(r: SimpleNamespace, target: Case, n: int) -> None:
    """`n` rounds of a case's life, each leaving more on its page: referred to a new agency
    and to the tax agency, answered, a file attached, put on a session's agenda with a
    resolution, resolved, reopened by the company; and a new open case of the same company
    (a possible duplicate). The case starts and ends each round in screening."""
    for _ in range(n):
        k = serial(r)
        agency: Any = AgencyFactory(province=r.province, code=f"agency-{k}", name=f"اداره کل {k}")
        r.hq.members.add(agency)
        referred = case_refer(
            actor=r.secretariat,
            case=target,
            requests=[
                ReferralRequest(agency=r.tax, request_text="استرداد را بررسی کنید"),
                ReferralRequest(agency=agency, request_text="پرونده را بررسی کنید"),
            ],
        )
        answer(r, referred[0])
        case_attach(actor=r.secretariat, case=target, files=[pdf(f"نامه {k}.pdf")])
        meeting = plan(r)
        item = agenda_add_case(actor=r.secretariat, meeting=meeting, case=target)
        r.meetings.draft(
            item,
            text=f"مصوبه {k} درباره استرداد",
            agencies=[r.tax, agency],
            deadline=r.today + dt.timedelta(days=30),
        )
        r.meetings.attend(meeting)
        meeting_close(actor=r.secretariat, meeting=meeting)
        target.refresh_from_db()
        if target.status == S.DISCUSSED:
            case_move(actor=r.secretariat, case=target, to=S.RESOLUTIONS_ISSUED, reason="صادر شد")
        case_move(actor=r.secretariat, case=target, to=S.RESOLVED, reason="حل شد")
        case_move(actor=r.owner, case=target, to=S.SCREENING, reason="هنوز پرداخت نشده")
        target.refresh_from_db()
        r.cases(S.SUBMITTED, title=f"{target.title} {k}")


# --- Meetings -------------------------------------------------------------------------------------


def plan(r: SimpleNamespace) -> Meeting:
    """A session of the HQ that started a few minutes ago (it may be closed), each a minute
    apart."""
    starts_at = timezone.now() - dt.timedelta(minutes=5 + serial(r))
    return r.meetings.plan(starts_at=starts_at)


def session(r: SimpleNamespace, addressees: list[list[Any]]) -> Meeting:
    """A closed session of the HQ on a case of a new company, with a resolution for each list
    of agencies in `addressees`."""
    meeting = plan(r)
    item = r.meetings.with_case(meeting, actor=r.secretariat, company=company(r), channel="letter")
    for i, agencies in enumerate(addressees):
        r.meetings.draft(
            item,
            text=f"مصوبه {serial(r)} درباره استرداد",
            agencies=agencies,
            deadline=r.today + dt.timedelta(days=30 + i),
        )
    r.meetings.attend(meeting)
    return meeting_close(actor=r.secretariat, meeting=meeting)


def sessions(r: SimpleNamespace, n: int) -> None:
    """`n` closed sessions of the HQ, each with a resolution for the tax agency and one for
    the tax and the customs agencies."""
    for _ in range(n):
        session(r, [[r.tax], [r.tax, r.customs]])


def resolutions(r: SimpleNamespace, n: int) -> None:
    """One session with `n` resolutions for the tax agency."""
    session(r, [[r.tax]] * n)


def bodies(r: SimpleNamespace, n: int) -> None:
    """Working groups of the province, one per new category, the tax agency a member."""
    for _ in range(n):
        k = serial(r)
        category: Any = CategoryFactory(code=f"group-{k}")
        body = Body.objects.create(
            province=r.province,
            kind=MeetingKind.WORKING_GROUP,
            category=category,
            name=f"کارگروه تخصصی {k}",
        )
        body.members.set([r.tax])


# --- All of it ------------------------------------------------------------------------------------


def everything(r: SimpleNamespace, n: int) -> None:
    """`n` more of every kind above: for a list whose rows no narrower builder adds."""
    knowledge_based_companies(r, n)
    referrals(r, n)
    sessions(r, n)
    bodies(r, n)
    projects(r, n)
    visits(r, n)
    shares(r, n)
    countries(r, n)
    country_groups(r, n)
    agencies(r, n)
