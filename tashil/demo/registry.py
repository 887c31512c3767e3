"""The demo province's registry (DOMAIN.md §9): a few hundred invented production units in Qazvin
around the facts of 1404/09/24 (2025-12-15), the day of the spokesperson's visit.

- 350 units across the six counties and the province's industrial estates, with ISIC classes,
  statuses (some with a history: idle units revived, units winding down), employees, products
  (some with HS codes), licences and a contact;
- exactly 140 of them hold a knowledge-based certificate valid on the reference date, a handful of
  which expire within 60 days (so "expiring soon" has rows); about 25 more hold only expired
  certificates and a few had theirs revoked; old classes appear only on certificates issued before
  1402/05/01; issue dates spread over the previous years so the monthly count rises;
- the secretariat's target: 200 units by 1405/12/29, set in Ordibehesht 1404.

Everything is generated from a fixed seed with the word lists below (Faker is a development
dependency only) and written through the registry services, so events and search documents exist.
Loading is idempotent: units are matched on their national ID, certificates on their number, and a
unit that already has products, licences or contacts gets none added.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import jdatetime
from django.db import transaction
from django.utils import timezone

from tashil.core.identifiers import national_id_check_digit
from tashil.core.text import to_persian_digits
from tashil.demo.cases import frozen_clock
from tashil.geo.models import County, EstateKind, IndustrialEstate, Province
from tashil.registry import services
from tashil.registry.models import (
    CLASS_SET_CHANGED_ON,
    Activity,
    Certificate,
    CertificateClass,
    Company,
    CompanyStatus,
    Contact,
    KnowledgeBasedTarget,
    Licence,
    LicenceKind,
    Product,
)

QAZVIN = "26"
REFERENCE_DATE = dt.date(2025, 12, 15)  # 1404/09/24
SEED = 14040924
UNITS = 350  # including the three named companies of tashil/demo/province.py
KNOWLEDGE_BASED = 140  # valid on REFERENCE_DATE (DOMAIN.md §9)
EXPIRED_ONLY = 25
REVOKED_ONLY = 3
TARGET_COUNT = 200
TARGET_DUE = dt.date(2027, 3, 20)  # 1405/12/29
TARGET_SET_ON = dt.date(2025, 4, 28)  # 1404/02/08

# --- Word lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sector:
    """What a unit of one ISIC class is called and makes."""

    forms: tuple[str, ...]  # how the class shows in a company name ("صنایع شوینده …")
    products: tuple[tuple[str, str], ...]  # (name, HS code or "")
    weight: int  # how common the class is among the province's units
    knowledge: int  # how likely a unit of the class is knowledge-based (relative)
    approved: tuple[str, ...] = ()  # knowledge-based products typical of the class


# Only classes that have a Persian name in the reference data. Some product names keep the Arabic
# ي/ك of the spreadsheets they came from: search must find them either way (DOMAIN.md §8).
SECTORS: dict[str, Sector] = {
    "1010": Sector(
        ("صنایع گوشتی", "فرآورده‌های گوشتی"),
        (("سوسیس و کالباس", "1601"), ("همبرگر منجمد", "1602"), ("گوشت بسته‌بندی", "0201")),
        3,
        1,
    ),
    "1050": Sector(
        ("صنایع لبنی", "شیر و فرآورده‌های لبنی"),
        (
            ("شیر پاستوریزه", "0401"),
            ("ماست", "0403"),
            ("پنیر", "0406"),
            ("دوغ", ""),
            ("کره", "0405"),
        ),
        4,
        1,
        ("شیر خشک پروبیوتیک",),
    ),
    "1071": Sector(
        ("صنایع نان", "صنایع غذایی"),
        (("نان حجیم", "1905"), ("بیسکویت", "1905"), ("كيك يزدي", "1905"), ("نان تست", "")),
        3,
        1,
    ),
    "1079": Sector(
        ("صنایع غذایی", "فرآورده‌های غذایی"),
        (("رب گوجه‌فرنگی", "2002"), ("زعفران بسته‌بندی", "0910"), ("چای کیسه‌ای", "0902")),
        4,
        1,
        ("پودر زعفران استانداردشده",),
    ),
    "1104": Sector(
        ("نوشابه‌سازی", "آب معدنی"),
        (("آب معدنی", "2201"), ("نوشابه گازدار", "2202"), ("ماءالشعیر", "2202")),
        2,
        1,
    ),
    "1311": Sector(("ریسندگی", "نساجی"), (("نخ پلی‌استر", "5509"), ("نخ پنبه‌ای", "5205")), 2, 1),
    "1392": Sector(
        ("نساجی", "منسوجات"), (("پتو", "6301"), ("ملحفه", "6302"), ("حوله", "6302")), 2, 1
    ),
    "1410": Sector(("پوشاک", "تولیدی پوشاک"), (("لباس کار", "6203"), ("پوشاک ورزشی", "")), 2, 1),
    "1701": Sector(
        ("کاغذسازی", "صنایع کاغذ"),
        (("کاغذ کرافت", "4804"), ("مقوای بسته‌بندی", "4810"), ("دستمال کاغذی", "4818")),
        2,
        1,
    ),
    "2011": Sector(
        ("صنایع شیمیایی", "پتروشیمی"),
        (("سود سوزآور", "2815"), ("اسید سولفوریک", "2807"), ("کربنات کلسیم", "2836")),
        2,
        3,
        ("کربنات کلسیم نانو", "کاتالیست پالایش"),
    ),
    "2013": Sector(
        ("پلیمر", "صنایع پلیمر"),
        (("گرانول پلی‌اتیلن", "3901"), ("مستربچ", "3206")),
        2,
        3,
        ("مستربچ آنتی‌باکتریال",),
    ),
    "2021": Sector(
        ("سموم کشاورزی", "کشاورزی شیمیایی"),
        (("حشره‌کش", "3808"), ("علف‌کش", "3808"), ("قارچ‌کش", "")),
        2,
        4,
        ("آفت‌کش زیستی",),
    ),
    "2022": Sector(
        ("رنگ و رزین", "صنایع رنگ"),
        (
            ("رنگ ساختمانی", "3209"),
            ("رنگ ترافیکی", "3208"),
            ("رزین اپوکسی", "3907"),
            ("جوهر چاپ", "3215"),
        ),
        3,
        3,
        ("پوشش نانو ضدخوردگی",),
    ),
    # The province makes half of the country's detergents (DOMAIN.md §9): the most common class.
    "2023": Sector(
        ("صنایع شوینده", "بهداشتی آرایشی", "شوینده و پاک‌کننده"),
        (
            ("پودر لباسشویی", "3402"),
            ("مایع ظرفشویی", "3402"),
            ("شامپو", "3305"),
            ("صابون", "3401"),
            ("کرم مرطوب‌کننده", "3304"),
            ("خمیر دندان", "3306"),
            ("مایع دستشویی", "3401"),
            ("سفیدکننده", ""),
        ),
        8,
        3,
        ("شوینده آنزیمی دمای پایین", "کرم ضدآفتاب با فیلتر نانو"),
    ),
    "2029": Sector(
        ("صنایع شیمیایی", "مواد شیمیایی"),
        (("چسب صنعتی", "3506"), ("افزودنی بتن", "3824"), ("روغن موتور سنتتيك", "2710")),
        3,
        4,
        ("افزودنی فوق‌روان‌کننده بتن",),
    ),
    "2100": Sector(
        ("داروسازی", "دارویی"),
        (("قرص", "3004"), ("شربت", "3004"), ("پماد", ""), ("مکمل غذایی", "2106")),
        3,
        8,
        ("داروی زیست‌فناوری", "مکمل پروبیوتیک"),
    ),
    "2211": Sector(("تایرسازی", "صنایع لاستیک"), (("تایر سواری", "4011"), ("تیوب", "4013")), 1, 2),
    "2220": Sector(
        ("صنایع پلاستیک", "پلاستیک"),
        (
            ("لوله پلی‌اتیلن", "3917"),
            ("كيسه پلاستيكي", "3923"),
            ("ظروف يكبار مصرف", "3924"),
            ("فیلم بسته‌بندی", "3920"),
            ("قطعات پلاستیکی خودرو", ""),
        ),
        6,
        2,
        ("فیلم بسته‌بندی زیست‌تخریب‌پذیر",),
    ),
    "2310": Sector(("شیشه", "صنایع شیشه"), (("شیشه جام", "7005"), ("بطری شیشه‌ای", "7010")), 1, 1),
    "2394": Sector(
        ("سیمان", "گچ و آهک"), (("سیمان پرتلند", "2523"), ("گچ ساختمانی", "2520")), 2, 1
    ),
    "2410": Sector(
        ("فولاد", "ذوب آهن"),
        (("میلگرد", "7214"), ("شمش فولادی", "7207"), ("تیرآهن", "7216")),
        3,
        1,
    ),
    "2511": Sector(
        ("سازه فلزی", "صنایع فلزی"),
        (("سوله پیش‌ساخته", "9406"), ("اسکلت فلزی", "7308")),
        3,
        1,
    ),
    "2610": Sector(
        ("الکترونیک", "صنایع الکترونیک"),
        (("برد الکترونیکی", "8534"), ("ماژول کنترلی", "8537")),
        2,
        8,
        ("برد کنترل صنعتی", "ماژول اینترنت اشیا"),
    ),
    "2620": Sector(
        ("رایانه", "فناوری اطلاعات"),
        (("سرور", "8471"), ("کیس رایانه", "8473")),
        1,
        8,
        ("سرور ذخیره‌ساز",),
    ),
    "2651": Sector(
        ("ابزار دقیق", "تجهیزات اندازه‌گیری"),
        (("فلومتر", "9026"), ("دیتالاگر", "9026"), ("کنتور هوشمند گاز", "9028")),
        2,
        8,
        ("فلومتر التراسونیک", "کنتور هوشمند گاز"),
    ),
    "2660": Sector(
        ("تجهیزات پزشکی", "الکتروپزشکی"),
        (("دستگاه فیزیوتراپی", "9019"), ("دستگاه رادیولوژی دیجیتال", "9022")),
        1,
        8,
        ("دستگاه رادیولوژی دیجیتال",),
    ),
    "2710": Sector(
        ("الکتروموتور", "صنایع برق"),
        (("الکتروموتور", "8501"), ("ترانسفورماتور", "8504"), ("تابلو برق", "8537")),
        3,
        3,
        ("درایو کنترل دور موتور",),
    ),
    "2750": Sector(
        ("لوازم خانگی", "صنایع لوازم خانگی"),
        (("یخچال", "8418"), ("ماشین لباسشویی", "8450"), ("جاروبرقی", "8508"), ("اجاق گاز", "")),
        3,
        2,
        ("کمپرسور اینورتر یخچال",),
    ),
    "2813": Sector(
        ("پمپ و شیرآلات", "صنایع پمپ"),
        (("پمپ آب", "8413"), ("شیر صنعتی", "8481"), ("کمپرسور", "8414")),
        2,
        3,
        ("پمپ طبقاتی پربازده",),
    ),
    "2829": Sector(
        ("ماشین‌سازی", "ماشین‌آلات صنعتی"),
        (("ماشین بسته‌بندی", "8422"), ("دستگاه تزریق پلاستیک", "8477")),
        2,
        4,
        ("ماشین بسته‌بندی هوشمند",),
    ),
    "2910": Sector(
        ("خودروسازی", "صنایع خودرو"), (("وانت", "8704"), ("خودروی سواری", "8703")), 1, 1
    ),
    "2930": Sector(
        ("قطعه‌سازی", "قطعات خودرو"),
        (
            ("لنت ترمز", "6813"),
            ("رادیاتور", "8708"),
            ("صندلی خودرو", "9401"),
            ("دسته سیم", "8544"),
        ),
        5,
        3,
        ("لنت ترمز سرامیکی",),
    ),
    "3100": Sector(
        ("مبلمان", "صنایع چوب"), (("مبل", "9401"), ("میز اداری", "9403"), ("کابینت", "")), 2, 1
    ),
    "3250": Sector(
        ("تجهیزات پزشکی", "لوازم پزشکی"),
        (("سرنگ", "9018"), ("دستکش جراحی", "4015"), ("ست سرم", "9018")),
        2,
        6,
        ("سرنگ خودتخریب",),
    ),
}

# Three spellings of "knowledge-based" on purpose: with the ZWNJ, joined, and with a space. The
# search must treat them as one word (DOMAIN.md §8); the demo lets anyone try.
KNOWLEDGE_PRODUCTS = (
    ("نانوکامپوزیت دانش\u200cبنیان ضدخوردگی", "3824"),
    ("دیتالاگر صنعتی دانشبنیان", "9026"),
    ("بیوفیلم دانش بنیان بسته‌بندی", "3920"),
    ("کود زیستی دانش\u200cبنیان", "3101"),
    ("حسگر دانشبنیان نشت گاز", "9027"),
    ("مکمل دانش بنیان دام و طیور", "2309"),
)

BRANDS = (
    "آریا", "سپهر", "نگین", "پارسا", "کوثر", "مهرگان", "ارغوان", "تابان", "آذرخش", "سپیدار",
    "بهاران", "زاگرس", "دماوند", "الوند", "کیمیا", "پرتو", "روشا", "آوا", "ماهان", "آرین",
    "سامان", "پویا", "رایان", "آتیه", "شایان", "فراز", "درنا", "سیمرغ", "هیرکان", "ستاره",
    "یکتا", "آسا", "نوین", "پیام", "بامداد", "افق", "ساینا", "آرمان", "مانا", "آوند",
    "نیلوفر", "ژیوار", "صبا", "گلرنگ", "برنا", "هامون", "ترنج", "سرو", "آفتاب", "پگاه",
    "رویان", "کاوه", "بهنام", "اطلس", "تیرداد", "مهیار", "نسیم", "آبتین", "ایلیا", "سینا",
)  # fmt: skip
PREFIXES = ("", "", "", "", "فناوران", "پیشگامان", "نوآوران", "گروه")
SUFFIXES = ("", "", "", " (سهامی خاص)", " (مسئولیت محدود)")
FIRST_NAMES = (
    "علی", "محمد", "حسین", "رضا", "مهدی", "امیر", "سعید", "حمید", "مجید", "جواد",
    "زهرا", "فاطمه", "مریم", "سارا", "نرگس", "لیلا", "الهام", "سمیه", "نازنین", "پریسا",
)  # fmt: skip
LAST_NAMES = (
    "احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "قاسمی", "موسوی", "جعفری", "رحیمی", "صادقی",
    "کاظمی", "نوری", "شریفی", "طاهری", "اکبری", "یوسفی", "قزوینی", "تاکستانی", "ابهری", "حیدری",
)  # fmt: skip
TITLES = ("مدیرعامل", "مدیرعامل", "مدیر کارخانه", "مدیر بازرگانی", "مدیر مالی")
STREETS = (
    "ابن سینا", "فارابی", "خوارزمی", "رازی", "بوعلی", "صنعت", "نوآوری", "بهار", "گلستان",
    "یاس", "اول", "دوم", "سوم", "چهارم", "پنجم", "شهید بهشتی", "امام خمینی", "معلم",
)  # fmt: skip
LICENCE_ISSUER = "سازمان صنعت، معدن و تجارت استان قزوین"
ESTATE_ISSUER = "شرکت شهرک‌های صنعتی استان قزوین"

# Most units sit in an estate; the big industrial cities hold the most.
ESTATE_WEIGHTS = {"البرز": 12, "کاسپین": 9, "لیا": 6, "آبیک": 4, "حکیمیه": 4, "رازی": 3}
COUNTY_WEIGHTS = {"2603": 40, "2605": 20, "2602": 12, "2604": 12, "2601": 10, "2606": 6}
ESTATE_LABELS: dict[str, str] = {
    EstateKind.INDUSTRIAL_CITY: "شهر صنعتی",
    EstateKind.INDUSTRIAL_ESTATE: "شهرک صنعتی",
    EstateKind.INDUSTRIAL_ZONE: "ناحیه صنعتی",
}

# --- The plan ------------------------------------------------------------------------------------


@dataclass
class CertificatePlan:
    number: str
    certificate_class: str
    issued_on: dt.date
    expires_on: dt.date
    approved_products: str = ""
    revoked_on: dt.date | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        # The rule of Certificate.is_valid_on, for the plan before anything is saved.
        return self.issued_on <= day <= self.expires_on and (
            self.revoked_on is None or self.revoked_on > day
        )


@dataclass
class UnitPlan:
    national_id: str
    legal_name: str
    county_code: str
    estate: str | None
    activity: str
    established_on: dt.date
    employees: int
    address: str
    postal_code: str
    products: list[tuple[str, str]]
    contact: tuple[str, str, str, str]  # name, title, phone, email
    statuses: list[tuple[str, dt.date]] = field(default_factory=list)  # oldest first
    licences: list[tuple[str, str, dt.date, str]] = field(default_factory=list)
    debts: tuple[int | None, int | None, int | None] = (None, None, None)
    certificates: list[CertificatePlan] = field(default_factory=list)
    named: bool = False  # one of tashil/demo/province.py's companies, created there


@dataclass(frozen=True)
class Geography:
    """The province's counties and estates, as the plan needs them (sorted, so the plan does not
    depend on database order)."""

    county_names: dict[str, str]  # code → name
    estates: tuple[tuple[str, str, str], ...]  # (name, county code, kind)


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _jalali_year(day: dt.date) -> int:
    return int(jdatetime.date.fromgregorian(date=day).year)


def _national_id(n: int) -> str:
    first_ten = f"10860{n:05d}"
    return first_ten + national_id_check_digit(first_ten)


class Planner:
    """Builds the whole registry as plain data from a fixed seed: same seed, same province."""

    def __init__(self, geography: Geography, named: Sequence[UnitPlan]) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
        self.geography = geography
        self.named = list(named)
        self.names: set[str] = {plan.legal_name for plan in named}
        self.certificate_seq = 10  # 1–3 are the named companies'

    # Units --------------------------------------------------------------------------------------

    def units(self) -> list[UnitPlan]:
        generated = [self._unit(n) for n in range(1, UNITS - len(self.named) + 1)]
        self._assign_certificates(generated)
        for plan in generated:
            self._assign_status(plan)
            self._assign_licences(plan)
        return self.named + generated

    def _unit(self, n: int) -> UnitPlan:
        rng = self.rng
        codes = sorted(SECTORS)
        activity = rng.choices(codes, weights=[SECTORS[c].weight for c in codes])[0]
        sector = SECTORS[activity]
        estates = self.geography.estates
        estate: str | None = None
        if rng.random() < 0.78:
            estate, county_code, kind = rng.choices(
                estates, weights=[ESTATE_WEIGHTS.get(e[0], 1) for e in estates]
            )[0]
            place = f"{ESTATE_LABELS.get(kind, '')} {estate}".strip()
        else:
            counties = sorted(COUNTY_WEIGHTS)
            county_code = rng.choices(counties, weights=[COUNTY_WEIGHTS[c] for c in counties])[0]
            place = f"جاده {rng.choice(('قزوین', 'تاکستان', 'آبیک', 'بوئین زهرا'))}"
        county_name = self.geography.county_names[county_code]
        products = rng.sample(sector.products, k=rng.randint(1, min(4, len(sector.products))))
        products = [(name, hs if rng.random() < 0.7 else "") for name, hs in products]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        return UnitPlan(
            national_id=_national_id(n),
            legal_name=self._name(sector, estate or county_name),
            county_code=county_code,
            estate=estate,
            activity=activity,
            established_on=_between(rng, dt.date(1996, 3, 20), dt.date(2022, 3, 20)),
            employees=max(5, min(1500, int(rng.lognormvariate(3.4, 0.9)))),
            address=(
                f"{county_name}، {place}، خیابان {rng.choice(STREETS)}، "
                f"پلاک {to_persian_digits(str(rng.randint(1, 180)))}"
            ),
            postal_code=f"34{rng.randint(10_000_000, 99_999_999)}",
            products=products,
            contact=(
                f"{first} {last}",
                rng.choice(TITLES),
                f"028-3{rng.randint(2_000_000, 9_999_999)}",
                f"unit{n:03d}@example.com" if rng.random() < 0.6 else "",
            ),
        )

    def _name(self, sector: Sector, place: str) -> str:
        rng = self.rng
        while True:
            parts = [
                "شرکت",
                rng.choice(PREFIXES),
                rng.choice(sector.forms),
                rng.choice(BRANDS),
                place if rng.random() < 0.35 else "",
            ]
            name = " ".join(part for part in parts if part) + rng.choice(SUFFIXES)
            if name not in self.names:
                self.names.add(name)
                return name

    # Status -------------------------------------------------------------------------------------

    def _assign_status(self, plan: UnitPlan) -> None:
        """A current status and how the unit got there. Knowledge-based units produce."""
        rng = self.rng
        if plan.certificates:
            # Founded a while before its first certificate.
            first_issue = min(c.issued_on for c in plan.certificates)
            earliest = first_issue - dt.timedelta(days=rng.randint(200, 1500))
            plan.established_on = min(plan.established_on, earliest)
        start = plan.established_on

        def after(low: dt.date, high: dt.date, gap: int = 180) -> dt.date:
            low = max(low, start + dt.timedelta(days=gap))
            return high if low >= high else _between(rng, low, high)

        knowledge_based = any(c.is_valid_on(REFERENCE_DATE) for c in plan.certificates)
        if knowledge_based:
            story = rng.choices(("operating", "partly", "revived"), weights=(80, 13, 7))[0]
        elif plan.certificates:
            story = rng.choices(
                ("operating", "partly", "idle", "revived", "closed"), weights=(60, 14, 12, 8, 6)
            )[0]
        else:
            story = rng.choices(
                ("operating", "partly", "idle", "revived", "closed", "building", "commissioned"),
                weights=(58, 10, 9, 7, 4, 7, 5),
            )[0]
        operating = (CompanyStatus.OPERATING, start)
        if story == "operating":
            plan.statuses = [operating]
        elif story == "partly":
            if rng.random() < 0.5:
                since = after(dt.date(2021, 3, 21), REFERENCE_DATE)
                plan.statuses = [operating, (CompanyStatus.PARTLY_OPERATING, since)]
            else:
                plan.statuses = [(CompanyStatus.PARTLY_OPERATING, start)]
        elif story == "idle":
            since = after(dt.date(2021, 3, 21), dt.date(2025, 9, 1))
            plan.statuses = [operating, (CompanyStatus.IDLE, since)]
        elif story == "revived":
            # Idle units the HQ brought back into production (DOMAIN.md §7, "idle units revived").
            idled = after(dt.date(2021, 3, 21), dt.date(2024, 3, 1))
            revived = _between(rng, idled + dt.timedelta(days=120), REFERENCE_DATE)
            plan.statuses = [
                operating,
                (CompanyStatus.IDLE, idled),
                (CompanyStatus.OPERATING, revived),
            ]
        elif story == "closed":
            idled = after(dt.date(2019, 3, 21), dt.date(2023, 3, 21))
            closed = _between(rng, idled + dt.timedelta(days=180), REFERENCE_DATE)
            plan.statuses = [operating, (CompanyStatus.IDLE, idled), (CompanyStatus.CLOSED, closed)]
        elif story == "building":
            plan.established_on = _between(rng, dt.date(2022, 3, 21), dt.date(2025, 6, 1))
            plan.statuses = [(CompanyStatus.UNDER_CONSTRUCTION, plan.established_on)]
            plan.employees = max(5, plan.employees // 5)
        else:  # commissioned: built recently, producing since
            plan.established_on = _between(rng, dt.date(2020, 3, 20), dt.date(2023, 3, 21))
            opened = _between(rng, dt.date(2024, 3, 20), REFERENCE_DATE)
            plan.statuses = [
                (CompanyStatus.UNDER_CONSTRUCTION, plan.established_on),
                (CompanyStatus.OPERATING, opened),
            ]
        current = plan.statuses[-1][0]
        if current in (CompanyStatus.IDLE, CompanyStatus.PARTLY_OPERATING, CompanyStatus.CLOSED):
            plan.employees = max(3, plan.employees // 3)
        if (current != CompanyStatus.OPERATING and rng.random() < 0.6) or rng.random() < 0.1:
            # Amounts in rial, in round hundreds of millions.
            plan.debts = (
                rng.randint(20, 8000) * 100_000_000,
                rng.randint(1, 300) * 100_000_000 if rng.random() < 0.6 else None,
                rng.randint(1, 150) * 100_000_000 if rng.random() < 0.5 else None,
            )

    def _assign_licences(self, plan: UnitPlan) -> None:
        """The establishment permit before building; the operating licence when production
        began (a unit still under construction has only the permit)."""
        rng = self.rng
        first_status, first_since = plan.statuses[0]
        if first_status == CompanyStatus.UNDER_CONSTRUCTION:
            permit = first_since
        else:
            permit = first_since - dt.timedelta(days=rng.randint(300, 900))
        issuer = ESTATE_ISSUER if plan.estate else LICENCE_ISSUER
        plan.licences = [
            (
                LicenceKind.ESTABLISHMENT,
                f"{_jalali_year(permit)}-26-{rng.randint(1000, 9999)}",
                permit,
                issuer,
            )
        ]
        producing = [since for status, since in plan.statuses if status != first_status]
        opened = first_since if first_status != CompanyStatus.UNDER_CONSTRUCTION else None
        if first_status == CompanyStatus.UNDER_CONSTRUCTION and producing:
            opened = producing[0]
        if opened is not None:
            plan.licences.append(
                (
                    LicenceKind.OPERATING,
                    f"{_jalali_year(opened)}-26-{rng.randint(10000, 99999)}",
                    opened,
                    LICENCE_ISSUER,
                )
            )

    # Certificates -------------------------------------------------------------------------------

    def _certificate(
        self,
        plan: UnitPlan,
        issued_on: dt.date,
        expires_on: dt.date,
        revoked_on: dt.date | None = None,
    ) -> CertificatePlan:
        rng = self.rng
        if issued_on < CLASS_SET_CHANGED_ON:
            classes: tuple[str, ...] = (
                CertificateClass.PRODUCTION_1,
                CertificateClass.PRODUCTION_2,
                CertificateClass.PRODUCTION_3,
                CertificateClass.STARTUP_1,
                CertificateClass.STARTUP_2,
            )
            weights: tuple[int, ...] = (4, 4, 2, 1, 1)
        else:
            classes = (
                CertificateClass.TECHNOLOGIST,
                CertificateClass.INNOVATOR,
                CertificateClass.STARTUP,
            )
            weights = (3, 4, 2)
        self.certificate_seq += 1
        sector = SECTORS[plan.activity]
        approved = [name for name, _hs in plan.products[:1]]
        if sector.approved:
            approved.insert(0, rng.choice(sector.approved))
        certificate = CertificatePlan(
            number=f"{_jalali_year(issued_on)}-26-{self.certificate_seq:04d}",
            certificate_class=rng.choices(classes, weights=weights)[0],
            issued_on=issued_on,
            expires_on=expires_on,
            approved_products="\n".join(dict.fromkeys(approved)),
            revoked_on=revoked_on,
        )
        plan.certificates.append(certificate)
        return certificate

    def _assign_certificates(self, generated: list[UnitPlan]) -> None:
        rng = self.rng
        named_valid = sum(
            1 for plan in self.named for c in plan.certificates if c.is_valid_on(REFERENCE_DATE)
        )
        named_expired = sum(
            1
            for plan in self.named
            if plan.certificates
            and not any(c.is_valid_on(REFERENCE_DATE) for c in plan.certificates)
        )
        # Knowledge-based units are likelier in some classes (pharmaceuticals, electronics…):
        # a weighted draw without replacement (key = u ** (1 / weight), largest first).
        order = sorted(
            generated,
            key=lambda p: rng.random() ** (1 / SECTORS[p.activity].knowledge),
            reverse=True,
        )
        valid_count = KNOWLEDGE_BASED - named_valid
        valid, rest = order[:valid_count], order[valid_count:]
        expired = rest[: EXPIRED_ONLY - named_expired]
        revoked = rest[len(expired) : len(expired) + REVOKED_ONLY]
        self._valid_certificates(valid)
        for plan in expired:
            if rng.random() < 0.8:
                issued = _between(rng, dt.date(2019, 3, 21), dt.date(2022, 6, 30))
                expires = _add_years(issued, rng.choice((2, 3)))
            else:  # a one-year certificate of the new regulation, not renewed
                issued = _between(rng, CLASS_SET_CHANGED_ON, dt.date(2024, 10, 1))
                expires = _add_years(issued, 1)
            self._certificate(plan, issued, expires)
        for plan, (issued, revoked_on) in zip(
            revoked,
            (
                (dt.date(2021, 5, 12), dt.date(2022, 11, 2)),
                (dt.date(2024, 1, 24), dt.date(2025, 3, 10)),
                (dt.date(2024, 6, 5), dt.date(2025, 9, 17)),
            ),
            strict=True,
        ):
            self._certificate(plan, issued, _add_years(issued, 3), revoked_on)
        # Products spelled the three ways of "knowledge-based", on units that hold a certificate.
        for plan, product in zip(valid[::9], KNOWLEDGE_PRODUCTS * 3, strict=False):
            plan.products.append(product)
            plan.certificates[-1].approved_products = "\n".join(
                [product[0], *plan.certificates[-1].approved_products.splitlines()]
            )

    def _valid_certificates(self, plans: list[UnitPlan]) -> None:
        """Certificates valid on the reference date, with histories that make the monthly count
        rise: most were issued in the last two years, and more of them recently."""
        rng = self.rng
        day = REFERENCE_DATE
        soon = day + dt.timedelta(days=60)
        stories = (
            ["old_expiring"] * 7
            + ["old"] * 11
            + ["renewed"] * 10
            + ["renewed_early"] * 2
            + ["revoked_then_new"]
            + ["one_year_expiring"] * 4
        )
        stories += ["new"] * (len(plans) - len(stories))
        rng.shuffle(stories)
        recent_start = dt.date(2023, 8, 1)
        span = (day - dt.timedelta(days=3) - recent_start).days
        for plan, story in zip(plans, stories, strict=True):
            if story == "old_expiring":
                # Issued under the old regulation for three years: runs out within 60 days.
                issued = _between(rng, dt.date(2022, 12, 20), dt.date(2023, 2, 10))
                self._certificate(plan, issued, _add_years(issued, 3))
            elif story == "old":
                issued = _between(rng, dt.date(2023, 2, 20), dt.date(2023, 7, 20))
                self._certificate(plan, issued, _add_years(issued, 3))
            elif story == "renewed":
                first = _between(rng, dt.date(2020, 9, 1), dt.date(2022, 10, 1))
                ended = _add_years(first, 3)
                self._certificate(plan, first, ended)
                again = ended + dt.timedelta(days=rng.randint(-20, 90))
                again = min(max(again, CLASS_SET_CHANGED_ON), day - dt.timedelta(days=3))
                self._certificate(plan, again, _add_years(again, 3))
            elif story == "renewed_early":
                # Runs out within 60 days, but the renewal is already issued: no warning.
                first = _between(rng, dt.date(2023, 1, 1), dt.date(2023, 2, 5))
                self._certificate(plan, first, _add_years(first, 3))
                again = _between(rng, dt.date(2025, 11, 15), day - dt.timedelta(days=3))
                self._certificate(plan, again, _add_years(again, 3))
            elif story == "revoked_then_new":
                self._certificate(
                    plan, dt.date(2023, 9, 10), dt.date(2026, 9, 10), dt.date(2024, 8, 1)
                )
                self._certificate(plan, dt.date(2025, 2, 15), dt.date(2028, 2, 15))
            elif story == "one_year_expiring":
                issued = _between(rng, dt.date(2024, 12, 20), dt.date(2025, 2, 10))
                self._certificate(plan, issued, _add_years(issued, 1))
            else:
                # Triangular with its mode at the reference date: more certificates every month.
                issued = recent_start + dt.timedelta(days=int(rng.triangular(0, span, span)))
                expires = _add_years(issued, rng.choices((3, 2, 1), weights=(7, 2, 1))[0])
                if expires <= soon:
                    expires = _add_years(issued, 3)
                self._certificate(plan, issued, expires)


@dataclass(frozen=True)
class NamedDetails:
    products: tuple[tuple[str, str], ...]
    contact: tuple[str, str, str, str]
    certificates: tuple[CertificatePlan, ...]


# The three named companies of tashil/demo/province.py are created there; their products, licence,
# contact and certificates come from here.
NAMED = {
    # The cosmetics and hygiene company of the Caspian industrial city (DOMAIN.md §9).
    "1038028479": NamedDetails(
        products=(
            ("کرم ضدآفتاب با فیلتر نانو", "3304"),
            ("شامپوی گیاهی", "3305"),
            ("کرم مرطوب‌کننده", "3304"),
            ("ژل شستشوی صورت", "3401"),
            ("مایع دستشویی", "3401"),
            ("خمیر دندان", "3306"),
            ("سرم ترمیم‌کننده پوست دانش\u200cبنیان", "3304"),
        ),
        contact=("سارا محمدی", "مدیرعامل", "028-32223344", "info@golsar.example.com"),
        certificates=(
            CertificatePlan(
                "1403-26-0001",
                CertificateClass.TECHNOLOGIST,
                dt.date(2024, 5, 21),  # 1403/03/01
                dt.date(2027, 5, 21),
                "سرم ترمیم‌کننده پوست دانش\u200cبنیان\nکرم ضدآفتاب با فیلتر نانو",
            ),
        ),
    ),
    "1400512345": NamedDetails(
        products=(
            ("دیتالاگر صنعتی دانشبنیان", "9026"),
            ("فلومتر التراسونیک", "9026"),
            ("کنتور هوشمند گاز", "9028"),
        ),
        contact=("مهدی کاظمی", "مدیرعامل", "028-34225566", "info@pouyesh.example.com"),
        certificates=(
            CertificatePlan(
                "1402-26-0002",
                CertificateClass.INNOVATOR,
                dt.date(2023, 10, 18),  # 1402/07/26
                dt.date(2026, 10, 18),
                "دیتالاگر صنعتی دانشبنیان\nفلومتر التراسونیک",
            ),
        ),
    ),
    "1400698765": NamedDetails(
        products=(
            ("پودر لباسشویی", "3402"),
            ("مایع ظرفشویی", "3402"),
            ("شوینده صنعتی", "3402"),
            ("مایع سفیدکننده", ""),
        ),
        contact=("حمید رحیمی", "مدیر کارخانه", "028-33336677", ""),
        # Knowledge-based under the old regulation and not renewed: lost the status in 1402.
        certificates=(
            CertificatePlan(
                "1399-26-0003",
                CertificateClass.PRODUCTION_2,
                dt.date(2020, 11, 10),
                dt.date(2023, 11, 10),
                "شوینده آنزیمی دمای پایین",
            ),
        ),
    ),
}


def named_plans() -> list[UnitPlan]:
    from tashil.demo.province import COMPANIES

    plans = []
    for demo in COMPANIES:
        details = NAMED[demo.key]
        since = demo.since or REFERENCE_DATE
        plans.append(
            UnitPlan(
                national_id=demo.key + national_id_check_digit(demo.key),
                legal_name=demo.name,
                county_code=demo.county_code,
                estate=demo.estate,
                activity=demo.activity,
                established_on=since,
                employees=demo.employees or 0,
                address=demo.address,
                postal_code="",
                products=list(details.products),
                contact=details.contact,
                statuses=[(CompanyStatus.OPERATING, since)],
                licences=[
                    (
                        LicenceKind.OPERATING,
                        f"{_jalali_year(since)}-26-{demo.key[-4:]}",
                        since,
                        LICENCE_ISSUER,
                    )
                ],
                certificates=list(details.certificates),
                named=True,
            )
        )
    return plans


def geography(province: Province) -> Geography:
    return Geography(
        county_names={c.code: c.name for c in County.objects.filter(province=province)},
        estates=tuple(
            (e.name, e.county.code if e.county else "2603", e.kind)
            for e in IndustrialEstate.objects.filter(province=province)
            .select_related("county")
            .order_by("name")
        ),
    )


def plan_registry(province: Province) -> list[UnitPlan]:
    """The whole demo registry as data. Deterministic for given reference data."""
    return Planner(geography(province), named_plans()).units()


# --- Loading -------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    companies: int = 0
    certificates: int = 0
    knowledge_based: int = 0


@transaction.atomic
def load_registry() -> LoadResult:
    """Create what is missing of the plan, through the services. One transaction: on SQLite the
    thousands of service calls then cost one commit (seconds instead of minutes)."""
    province = Province.objects.get(code=QAZVIN)
    plans = plan_registry(province)
    counties = {c.code: c for c in County.objects.filter(province=province)}
    estates = {e.name: e for e in IndustrialEstate.objects.filter(province=province)}
    activities = {a.code: a for a in Activity.objects.filter(code__in=list(SECTORS))}
    existing = {
        c.national_id: c
        for c in Company.objects.filter(national_id__in=[p.national_id for p in plans])
    }
    ids = [c.pk for c in existing.values()]
    with_products = set(Product.objects.filter(company__in=ids).values_list("company", flat=True))
    with_licences = set(Licence.objects.filter(company__in=ids).values_list("company", flat=True))
    with_contacts = set(Contact.objects.filter(company__in=ids).values_list("company", flat=True))
    numbers = set(
        Certificate.objects.filter(
            number__in=[c.number for p in plans for c in p.certificates]
        ).values_list("number", flat=True)
    )
    result = LoadResult()
    for plan in plans:
        company = existing.get(plan.national_id)
        if company is None:
            if plan.named:
                continue  # tashil/demo/province.py creates these
            company = _create(plan, counties=counties, estates=estates, activities=activities)
            result.companies += 1
        if company.pk not in with_products:
            for name, hs_code in plan.products:
                services.product_add(actor=None, company=company, name=name, hs_code=hs_code)
        if company.pk not in with_licences:
            for kind, number, issued_on, issuer in plan.licences:
                services.licence_add(
                    actor=None,
                    company=company,
                    kind=kind,
                    number=number,
                    issued_on=issued_on,
                    issuer=issuer,
                )
        if company.pk not in with_contacts:
            name, title, phone, email = plan.contact
            services.contact_add(
                actor=None, company=company, name=name, title=title, phone=phone, email=email
            )
        for planned in plan.certificates:
            if planned.number in numbers:
                continue
            certificate = services.certificate_add(
                actor=None,
                company=company,
                number=planned.number,
                certificate_class=planned.certificate_class,
                issued_on=planned.issued_on,
                expires_on=planned.expires_on,
                approved_products=planned.approved_products,
            )
            if planned.revoked_on:
                services.certificate_revoke(
                    actor=None,
                    certificate=certificate,
                    revoked_on=planned.revoked_on,
                    reason="عدم احراز شرایط در ارزیابی دوره‌ای",
                )
            result.certificates += 1
    set_at = dt.datetime.combine(
        TARGET_SET_ON, dt.time(10, 30), tzinfo=timezone.get_current_timezone()
    )
    if not KnowledgeBasedTarget.objects.filter(
        province=province, count=TARGET_COUNT, due_on=TARGET_DUE, created_at__lte=set_at
    ).exists():
        # Set when it was: a dashboard of a past day shows the target in force that day.
        with frozen_clock(set_at):
            services.target_set(
                actor=None,
                province=province,
                count=TARGET_COUNT,
                due_on=TARGET_DUE,
                note="هدف ستاد: ۲۰۰ واحد دانش‌بنیان فعال تا پایان ۱۴۰۵",
            )
    result.knowledge_based = (
        Company.objects.filter(province=province).active_knowledge_based(REFERENCE_DATE).count()
    )
    return result


def _create(
    plan: UnitPlan,
    *,
    counties: dict[str, County],
    estates: dict[str, IndustrialEstate],
    activities: dict[str, Activity],
) -> Company:
    (first_status, first_since), *later = plan.statuses
    bank_debt, tax_debt, insurance_debt = plan.debts
    company = services.company_create(
        actor=None,
        national_id=plan.national_id,
        economic_code=plan.national_id,
        legal_name=plan.legal_name,
        county=counties[plan.county_code],
        estate=estates[plan.estate] if plan.estate else None,
        activity=activities.get(plan.activity),
        address=plan.address,
        postal_code=plan.postal_code,
        status=first_status,
        status_since=first_since,
        employees=plan.employees,
        bank_debt=bank_debt,
        tax_debt=tax_debt,
        insurance_debt=insurance_debt,
    )
    for status, since in later:
        services.company_set_status(actor=None, company=company, status=status, since=since)
    return company
