"""The demo province (DOMAIN.md §9): Qazvin with invented companies and one user per role.

Every function here is idempotent: `make run` calls it on every start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tashil.accounts import services as account_services
from tashil.accounts.models import User
from tashil.accounts.roles import ROLE_SCOPE, Role, ScopeKind
from tashil.agencies.models import Agency
from tashil.core.identifiers import national_id_check_digit
from tashil.geo.models import County, IndustrialEstate, Province
from tashil.registry.models import Activity, Company
from tashil.registry.services import company_create

DEMO_PASSWORD = "Tashil@1404"  # noqa: S105 - the demo's published password
QAZVIN = "26"


@dataclass(frozen=True)
class DemoCompany:
    key: str  # the first ten digits of its (invented) national ID
    name: str
    county_code: str
    estate: str | None
    activity: str = ""  # ISIC class
    employees: int | None = None
    since: dt.date | None = None  # operating since
    address: str = ""


COMPANIES = (
    # The reference scenario's cosmetics and hygiene company (DOMAIN.md §9).
    DemoCompany(
        "1038028479",
        "شرکت بهداشتی آرایشی گلسار کاسپین",
        "2603",
        "کاسپین",
        activity="2023",
        employees=340,
        since=dt.date(2009, 4, 21),
        address="قزوین، شهر صنعتی کاسپین، خیابان ابن سینا، پلاک ۱۴",
    ),
    DemoCompany(
        "1400512345",
        "شرکت دانش‌بنیان پویش فناوران البرز",
        "2605",
        "البرز",
        activity="2651",
        employees=62,
        since=dt.date(2016, 10, 22),
        address="البرز، شهر صنعتی البرز، خیابان فارابی، پلاک ۷",
    ),
    DemoCompany(
        "1400698765",
        "شرکت صنایع شوینده سپید لیا",
        "2603",
        "لیا",
        activity="2023",
        employees=185,
        since=dt.date(2003, 7, 12),
        address="قزوین، شهرک صنعتی لیا، خیابان سوم، پلاک ۲۲",
    ),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    scope: str  # province code, county code, agency code or company key, by the role's scope


USERS = (
    DemoUser("admin", "مدیر", "سامانه", Role.ADMINISTRATOR, ""),
    DemoUser("dabir", "مریم", "احمدی", Role.SECRETARIAT, QAZVIN),
    DemoUser("karshenas", "رضا", "کریمی", Role.EXPERT, QAZVIN),
    DemoUser("maliat", "علی", "رستمی", Role.AGENCY_OFFICER, "tax"),
    DemoUser("maliat_modir", "حسین", "نادری", Role.AGENCY_HEAD, "tax"),
    DemoUser("golsar", "سارا", "محمدی", Role.COMPANY_REP, "1038028479"),
    DemoUser("takestan", "مهدی", "قاسمی", Role.COUNTY_SECRETARIAT, "2602"),
    DemoUser("ostandar", "دفتر", "استاندار", Role.EXECUTIVE, QAZVIN),
    # The demo cases (tashil/demo/cases.py) are answered by these agencies' officers and followed
    # by the other two named companies.
    DemoUser("tamin", "زهرا", "کاظمی", Role.AGENCY_OFFICER, "social_security"),
    DemoUser("bank", "امیر", "صادقی", Role.AGENCY_OFFICER, "banks"),
    DemoUser("gaz", "جواد", "نوری", Role.AGENCY_OFFICER, "gas"),
    DemoUser("barq", "نرگس", "شریفی", Role.AGENCY_OFFICER, "electricity"),
    DemoUser("gomrok", "پریسا", "طاهری", Role.AGENCY_OFFICER, "customs"),
    DemoUser("sanat", "سعید", "یوسفی", Role.AGENCY_OFFICER, "smt"),
    DemoUser("shahrak", "الهام", "اکبری", Role.AGENCY_OFFICER, "estates_co"),
    DemoUser("pouyesh", "مهدی", "کاظمی", Role.COMPANY_REP, "1400512345"),
    DemoUser("sepid", "حمید", "رحیمی", Role.COMPANY_REP, "1400698765"),
)

# The officers who answer the demo cases' referrals for the other agencies. They are not demo
# logins (no password, not listed by `load_demo`): they only give those answers an author.
DESK_OFFICERS = (
    DemoUser("desk_water", "مجید", "حیدری", Role.AGENCY_OFFICER, "water"),
    DemoUser("desk_endowment", "محمد", "موسوی", Role.AGENCY_OFFICER, "endowment"),
    DemoUser("desk_standards", "لیلا", "جعفری", Role.AGENCY_OFFICER, "standards"),
    DemoUser("desk_food_drug", "سمیه", "نوری", Role.AGENCY_OFFICER, "food_drug"),
    DemoUser("desk_governorate", "امیر", "قزوینی", Role.AGENCY_OFFICER, "governorate"),
    DemoUser("desk_judiciary", "حسین", "ابهری", Role.AGENCY_OFFICER, "judiciary"),
    DemoUser("desk_environment", "نازنین", "رضایی", Role.AGENCY_OFFICER, "environment"),
    DemoUser("desk_municipality", "جواد", "تاکستانی", Role.AGENCY_OFFICER, "municipality"),
)


def load_companies() -> dict[str, Company]:
    companies = {}
    for demo in COMPANIES:
        national_id = demo.key + national_id_check_digit(demo.key)
        company = Company.objects.filter(national_id=national_id).first()
        if company is None:
            county = County.objects.get(code=demo.county_code)
            estate = (
                IndustrialEstate.objects.get(province=county.province, name=demo.estate)
                if demo.estate
                else None
            )
            company = company_create(
                actor=None,
                national_id=national_id,
                economic_code=national_id,
                legal_name=demo.name,
                county=county,
                estate=estate,
                activity=Activity.objects.filter(code=demo.activity).first(),
                employees=demo.employees,
                status_since=demo.since,
                address=demo.address,
            )
        companies[demo.key] = company
    return companies


def load_users(companies: dict[str, Company]) -> list[DemoUser]:
    """The demo logins (returned, to be listed) and the desk officers."""
    for demo in DESK_OFFICERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = account_services.user_create(
                actor=None,
                username=demo.username,
                password=None,
                first_name=demo.first_name,
                last_name=demo.last_name,
            )
        _grant(demo, user, companies)
    for demo in USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = account_services.user_create(
                actor=None,
                username=demo.username,
                password=DEMO_PASSWORD,
                first_name=demo.first_name,
                last_name=demo.last_name,
                email=f"{demo.username}@demo.tashil.local",
            )
        else:
            # The printed credentials must work even if someone changed the password in the demo.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        _grant(demo, user, companies)
    return list(USERS)


def _grant(demo: DemoUser, user: User, companies: dict[str, Company]) -> None:
    # ROLE_SCOPE says which kind of object scopes each role; `demo.scope` names that object.
    kind = ROLE_SCOPE[demo.role]
    scope: dict[str, object] = {}
    if kind == ScopeKind.PROVINCE:
        scope["province"] = Province.objects.get(code=demo.scope)
    elif kind == ScopeKind.COUNTY:
        scope["county"] = County.objects.get(code=demo.scope)
    elif kind == ScopeKind.AGENCY:
        scope["agency"] = Agency.objects.get(province__code=QAZVIN, code=demo.scope)
    elif kind == ScopeKind.COMPANY:
        scope["company"] = companies[demo.scope]
    account_services.role_grant(actor=None, user=user, role=demo.role, **scope)  # type: ignore[arg-type]
