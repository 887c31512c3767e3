"""The world of the permission matrix (issue 9): two provinces, and in each everything a URL of
the application can point at, made through the services.

Qazvin (26) is the cast's province: its users hold every role of DOMAIN.md §2, each scoped to
the "own" side of Qazvin — county 2603, the tax agency, company A. Every record comes in up to
three copies:

- `own`: in every Qazvin user's scope: company A's case, assigned to the expert and referred to
  the tax agency; a resolution addressed to the tax agency; company A's project…
- `near`: in Qazvin too, so the provincial secretariat and the executive see it, but outside
  every narrower scope: company B of county 2602, its case referred to the customs agency and
  not assigned to the expert, a resolution addressed to customs…
- `other`: in Zanjan (19), outside every scope of the cast: another province's company, case,
  meeting, resolution, project, visit, share, press brief, import job.

Each record carries a marker (a name or a tracking number) that no other record shares, so a
response can be searched for what it must not show; and the companies and cases carry amounts
(debts, amounts involved, a loan approved) spelled in no other way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tashil.accounts.services import role_grant
from tashil.api.services import token_create
from tashil.cases.models import Case
from tashil.cases.services import (
    ReferralRequest,
    case_attach,
    case_file,
    case_move,
    case_record_results,
)
from tashil.cases.workflow import CaseStatus
from tashil.core.money import Currency, Money
from tashil.factories import (
    AgencyFactory,
    CategoryFactory,
    CertificateFactory,
    CompanyFactory,
    CountyFactory,
    ProductFactory,
    ProvinceFactory,
    UserFactory,
)
from tashil.figures.models import PressBrief
from tashil.geo.models import Country
from tashil.investments.models import ExportKind, ItineraryKind, Sector, ShareBasis
from tashil.investments.services import (
    export_record,
    item_add,
    project_create,
    share_add,
    visit_create,
)
from tashil.investments.workflow import ProjectStatus
from tashil.meetings.models import Body, Presence
from tashil.meetings.services import (
    AttendanceRow,
    ResolutionDraft,
    agenda_add_case,
    attendance_record,
    meeting_close,
    meeting_create,
    resolution_draft,
    resolution_report,
)
from tashil.meetings.workflow import MeetingKind
from tashil.notifications.services import notify
from tashil.registry.models import ImportJob

S = CaseStatus
SIDES = ("own", "near", "other")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The roles of DOMAIN.md §2, by the name of the cast's user holding each; "anonymous" is nobody.
ROLES = (
    "secretariat",
    "expert",
    "officer",
    "head",
    "owner",
    "county_secretary",
    "executive",
    "admin",
)
# Amounts no page shows for any other reason: a debt of each kind per company, and each case's
# amount involved and loan approved. Digits repeat no round figure the figures pages could print.
DEBTS = {
    "own": (7_316_482_901, 7_316_482_902, 7_316_482_903),
    "near": (8_427_593_011, 8_427_593_012, 8_427_593_013),
    "other": (9_538_604_121, 9_538_604_122, 9_538_604_123),
}
AMOUNTS = {"own": 6_205_371_891, "near": 6_205_371_892, "other": 6_205_371_893}
APPROVED = {"own": 5_194_260_781, "near": 5_194_260_782, "other": 5_194_260_783}


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _user(username: str, role: str, **scope: Any) -> Any:
    user = UserFactory(username=username, password="correct horse battery")  # noqa: S106
    role_grant(actor=None, user=user, role=role, **scope)
    return user


def build() -> SimpleNamespace:
    """Everything the matrix requests; see the module's docstring."""
    w = SimpleNamespace(today=timezone.localdate())
    w.qazvin = ProvinceFactory(code="26", name="قزوین")
    w.zanjan = ProvinceFactory(code="19", name="زنجان")
    w.county = {
        "own": CountyFactory(province=w.qazvin, code="2603", name="قزوین"),
        "near": CountyFactory(province=w.qazvin, code="2602", name="تاکستان"),
        "other": CountyFactory(province=w.zanjan, code="1901", name="ابهر"),
    }
    w.agency = {
        "own": AgencyFactory(province=w.qazvin, code="tax", name="اداره کل امور مالیاتی قزوین"),
        "near": AgencyFactory(province=w.qazvin, code="customs", name="گمرک قزوین"),
        "other": AgencyFactory(province=w.zanjan, code="tax", name="اداره کل امور مالیاتی زنجان"),
    }
    w.category = CategoryFactory(code="tax", name="مالیات", name_en="Tax", response_days=5)
    names = {"own": "شرکت گلسار کاسپین", "near": "شرکت سپید لیا", "other": "شرکت زرین ابهر"}
    w.company = {}
    for side, (bank, tax, insurance) in DEBTS.items():
        w.company[side] = CompanyFactory(
            county=w.county[side],
            legal_name=names[side],
            bank_debt=bank,
            tax_debt=tax,
            insurance_debt=insurance,
        )

    # The cast of Qazvin, one user per role, each on the "own" side.
    w.users = {
        "secretariat": _user("secretariat", "secretariat", province=w.qazvin),
        "expert": _user("expert", "expert", province=w.qazvin),
        "officer": _user("officer", "agency_officer", agency=w.agency["own"]),
        "head": _user("head", "agency_head", agency=w.agency["own"]),
        "owner": _user("owner", "company_rep", company=w.company["own"]),
        "county_secretary": _user("county_secretary", "county_secretariat", county=w.county["own"]),
        "executive": _user("executive", "executive", province=w.qazvin),
        "admin": _user("admin", "administrator"),
    }
    # Who works the other records: another expert of Qazvin, and Zanjan's own staff.
    w.other_expert = _user("other_expert", "expert", province=w.qazvin)
    w.zanjan_secretariat = _user("zanjan_secretariat", "secretariat", province=w.zanjan)
    w.zanjan_officer = _user("zanjan_officer", "agency_officer", agency=w.agency["other"])
    w.secretariat_of = {
        "own": w.users["secretariat"],
        "near": w.users["secretariat"],
        "other": w.zanjan_secretariat,
    }
    officer_of = {"own": w.users["officer"], "near": None, "other": w.zanjan_officer}
    w.expert_of = {"own": w.users["expert"], "near": w.other_expert, "other": None}

    _registry(w)
    _cases(w)
    _meetings(w, officer_of)
    _investments(w)
    _figures(w)
    _personal(w)
    return w


def _registry(w: SimpleNamespace) -> None:
    w.certificate = {}
    w.product = {}
    for side, company in w.company.items():
        w.certificate[side] = CertificateFactory(company=company, number=f"KB-{side.upper()}")
        w.product[side] = ProductFactory(company=company, name=f"محصول {company.legal_name}")
    w.import_job = {
        side: ImportJob.objects.create(
            province=w.company[side].province,
            kind="companies",
            filename=f"import-{side}.xlsx",
            created_by=w.secretariat_of[side],
        )
        for side in ("own", "other")
    }


def _file(w: SimpleNamespace, side: str, title: str, amount: int | None = None) -> Case:
    return case_file(
        actor=w.secretariat_of[side],
        company=w.company[side],
        category=w.category,
        title=title,
        description="مبلغ استرداد شش ماه است پرداخت نشده.",
        channel="letter",
        amount=amount,
    )


def _cases(w: SimpleNamespace) -> None:
    """A referred case per side: own assigned to the expert and referred to the tax agency, near
    to another expert and the customs agency, other in Zanjan to Zanjan's tax agency."""
    w.case = {}
    w.referral = {}
    w.attachment = {}
    for side in SIDES:
        secretariat = w.secretariat_of[side]
        found = _file(w, side, f"استرداد مالیات {w.company[side].legal_name}", AMOUNTS[side])
        case_move(actor=secretariat, case=found, to=S.SCREENING, reason="بررسی")
        if w.expert_of[side] is not None:
            case_move(
                actor=secretariat,
                case=found,
                to=S.EXPERT_REVIEW,
                reason="کارشناسی",
                expert=w.expert_of[side],
            )
        case_move(
            actor=secretariat,
            case=found,
            to=S.REFERRED,
            reason="ارجاع",
            requests=[ReferralRequest(agency=w.agency[side], request_text="بررسی کنید")],
        )
        case_record_results(
            actor=secretariat,
            case=found,
            approved_amount=APPROVED[side],
            jobs_preserved=None,
            results_on=w.today,
        )
        found.refresh_from_db()
        (w.attachment[side],) = case_attach(actor=secretariat, case=found, files=[pdf()])
        w.case[side] = found
        w.referral[side] = found.referrals.get()


def _meetings(w: SimpleNamespace, officer_of: dict[str, Any]) -> None:
    """Per province: a held session with a resolution per agency (own and near in Qazvin), with
    a progress report and its evidence; and a planned session with an item and a draft."""
    w.hq = {}
    w.meeting = {}
    w.resolution = {}
    w.evidence = {}
    w.open_meeting = {}
    w.item = {}
    w.draft = {}
    for province_side, sides in (("own", ("own", "near")), ("other", ("other",))):
        secretariat = w.secretariat_of[province_side]
        agencies = [w.agency[side] for side in sides]
        hq = Body.objects.create(
            province=w.company[province_side].province,
            kind=MeetingKind.PROVINCIAL,
            name=f"ستاد تسهیل استان {w.company[province_side].province.name}",
            first_number=227,
        )
        hq.members.set(agencies)
        w.hq[province_side] = hq
        starts = timezone.now() - dt.timedelta(hours=2)
        meeting = meeting_create(actor=secretariat, body=hq, starts_at=starts)
        for side in sides:
            # Each side's resolution is on a case of that side's company, addressed to its agency.
            on_agenda = _file(w, side, f"دستور جلسه {side}")
            case_move(actor=secretariat, case=on_agenda, to=S.SCREENING, reason="بررسی")
            case_move(actor=secretariat, case=on_agenda, to=S.ON_AGENDA, reason="دستور")
            item = agenda_add_case(actor=secretariat, meeting=meeting, case=on_agenda)
            w.resolution[side] = resolution_draft(
                actor=secretariat,
                item=item,
                draft=ResolutionDraft(
                    text=f"مصوبه ویژه {side}: {w.agency[side].name} اقدام کند.",
                    agencies=[w.agency[side]],
                    deadline=w.today + dt.timedelta(days=60),
                    deliverable="گزارش",
                ),
            )
        attendance_record(
            actor=secretariat,
            meeting=meeting,
            rows=[AttendanceRow(agency=a, presence=Presence.PRESENT) for a in agencies],
        )
        w.meeting[province_side] = meeting_close(actor=secretariat, meeting=meeting)
        for side in sides:
            w.resolution[side].refresh_from_db()
            if officer_of[side] is not None:
                report = resolution_report(
                    actor=officer_of[side],
                    resolution=w.resolution[side],
                    text="پیشرفت کار",
                    files=[pdf("evidence.pdf")],
                )
                w.evidence[side] = report.files.get()

        planned = meeting_create(
            actor=secretariat, body=hq, starts_at=timezone.now() + dt.timedelta(days=7)
        )
        planned_case = _file(w, province_side, f"دستور آینده {province_side}")
        case_move(actor=secretariat, case=planned_case, to=S.SCREENING, reason="بررسی")
        case_move(actor=secretariat, case=planned_case, to=S.ON_AGENDA, reason="دستور")
        w.open_meeting[province_side] = planned
        w.item[province_side] = agenda_add_case(
            actor=secretariat, meeting=planned, case=planned_case
        )
        w.draft[province_side] = resolution_draft(
            actor=secretariat,
            item=w.item[province_side],
            draft=ResolutionDraft(
                text=f"پیش‌نویس {province_side}",
                agencies=agencies[:1],
                deadline=w.today + dt.timedelta(days=60),
                deliverable="گزارش",
            ),
        )


def _investments(w: SimpleNamespace) -> None:
    sector = Sector.objects.create(code="cosmetics", name="آرایشی و بهداشتی", name_en="Cosmetics")
    country = Country.objects.create(code="9Q", alpha3="X9Q", name="کشور آزمون")
    dollars = Money(Decimal(4_000_000), Currency.USD, 1_050_000, w.today)
    w.project = {}
    w.export = {}
    for side in SIDES:
        w.project[side] = project_create(
            actor=None,
            company=w.company[side],
            title=f"خط تولید {w.company[side].legal_name}",
            sector=sector,
            investment=dollars,
            source="سخنگوی دولت",
            jobs_planned=10,
            progress=40,
            status=ProjectStatus.UNDER_CONSTRUCTION,
        )
        w.export[side], _created = export_record(
            actor=None,
            company=w.company[side],
            project=w.project[side],
            kind=ExportKind.FORECAST,
            year=1405,
            destination=country,
            value=dollars,
            source="برآورد",
        )
    w.visit = {}
    w.visit_item = {}
    w.share = {}
    for side in ("own", "other"):
        province = w.company[side].province
        w.visit[side] = visit_create(
            actor=None,
            province=province,
            title=f"سفر استانی {province.name}",
            visitor_name="فاطمه مهاجرانی",
            visitor_title="سخنگوی دولت",
            starts_on=w.today,
        )
        w.visit_item[side] = item_add(
            actor=None,
            visit=w.visit[side],
            day=w.today,
            kind=ItineraryKind.MEETING,
            title=f"بازدید از {w.company[side].legal_name}",
            company=w.company[side],
        )
        w.share[side] = share_add(
            actor=None,
            province=province,
            sector=sector,
            basis=ShareBasis.OUTPUT,
            value=Decimal(50),
            source=f"سازمان صمت {province.name}",
            stated_on=w.today,
        )


def _figures(w: SimpleNamespace) -> None:
    w.press_brief = {
        side: PressBrief.objects.create(
            province=w.company[side].province,
            on=w.today,
            generated="متن",
            text=f"گزارش خبری {w.company[side].province.name}",
            created_by=w.secretariat_of[side],
            updated_by=w.secretariat_of[side],
        )
        for side in ("own", "other")
    }


def _personal(w: SimpleNamespace) -> None:
    """A notification and an API key for every user of the cast, and Zanjan's secretariat's
    (the "other" user's)."""
    w.notification = {}
    w.token = {}
    w.key = {}
    for name, user in [*w.users.items(), ("other", w.zanjan_secretariat)]:
        (w.notification[name],) = notify(
            users=[user], kind="test", subject=f"پیام {name}", body="", email=False
        )
        w.token[name], w.key[name] = token_create(actor=user, user=user, name="matrix")
