"""The national benchmark dataset: 31 provinces, five years, generated in minutes.

    DATABASE_URL=postgres://… python -m bench.datagen --scale 1 [--seed 1404]

The database must be migrated and hold the reference data (`manage.py migrate`,
`manage.py load_reference`) and no companies: the generator refuses to add to a database that
already holds some (recreate it with `make bench-data`). PostgreSQL only.

What it builds (counts at SCALE=1; each scales linearly, with a floor so that a tiny scale still
makes every kind of row):

    companies             100,000  10,000 knowledge-based: certificates expired, renewed, revoked
    cases               1,000,000  filed over the five years up to yesterday
    referrals          ≈1,600,000  1 to 4 agencies at once, some referred again
    case events       ≈12,300,000  the timelines, as the services write them (see below)
    meetings               20,000  weekly provincial HQs, banking working groups, county HQs
    resolutions           300,000  on cases, topped up with resolutions on other topics
    investment projects    20,000  with export forecasts and actuals for some

and what those need to be coherent: agencies for every province (mirroring Qazvin's curated
list, the only one in the reference data), default agencies per category, an industrial estate
per county outside Qazvin, bodies (provincial HQ, banking working group, county HQs) with their
members, users with roles, status histories, licences, products, contacts, certificates,
knowledge-based targets, company events; per meeting its agenda, attendance and log; per
resolution its addressees, reports and timeline (copied onto its case's, as the services do).

The case timeline is longer than the issue's estimate (≈5M events): written as the services
write it, a case referred and resolved already has 1 + 4 transitions + 2 per referral, and
escalations, agenda and resolution events come on top.

The shape follows the services rather than inventing one: every case walks the workflow table
(`cases/workflow.py`) from `submitted` with the services' events, stopping where "now" (the
start of today) falls, so old cases are mostly closed and recent ones open, and a few (5%) are
neglected: they stop at some step and sit in the overdue lists for years. Referral deadlines
are working days on the real business calendar, `response_days` and `paused_days` are what
`referral_answer` would store, escalations follow `TASHIL_ESCALATION_STEPS`; resolutions are
issued when their meeting closes, objected to within the window, started by the agency or the
job, reported, executed or not, reminded and escalated; a case whose resolutions are all
executed is resolved as `_conclude_case_if_done` does. Derived columns are computed by the
application's own functions: `search_key` / `compact_key`, the company search document
(`company_search_document`'s parts and order), tracking numbers with their check character,
national IDs with their check digit, money in rials (`core.money.to_rials`).

Skew:
- provinces by industrial weight (Tehran, Isfahan, Khorasan Razavi, East Azerbaijan, Fars,
  Khuzestan big; Ilam, Kohgiluyeh, the Khorasans small); within a province the capital county
  takes the largest share and the others fall off Zipf-like;
- categories Zipf-like: banking & financing ≈30%, tax ≈12%, social security ≈10%, …;
- cases per company log-normal (a few companies file dozens), more in idle and partly
  operating units; filing grows over the years (the last year ≈2.5× the first), few on
  Fridays and holidays;
- company names in Persian, ≈10% with دانش‌بنیان in one of its three spellings (with ZWNJ,
  joined, with a space), some with Arabic ي/ك, so that search meets every variant.

Benchmark users (password `Tashil@1404`, one hash for all): per province
`bench-<role>-<province code>` for the secretariat, expert, executive, county secretariat (the
capital county), agency officer and agency head (the banks' council, the agency with most
referrals) and company representative (the province's company with most cases), plus
`bench-admin` (global administrator, staff and superuser). The measured province is Qazvin
(code 26): `MEASURED_USERS` names its users; `measured_scope()` reads their scope objects.

How it works: rows are generated in Python from seeded `random.Random` instances (one per
phase; the same seed and scale on the same day give the same database) into text buffers,
streamed by a writer thread into PostgreSQL with COPY inside one transaction while the
generator goes on; a failure rolls everything back. Before loading, the secondary indexes,
unique and foreign-key constraints of the tables written are dropped (as pg_restore does) and
recreated at the end, which also validates every row against them; CHECK constraints hold
during the COPY itself. Then sequences are moved past the ids used, and the tables are
vacuumed and analysed.

Timing on the 2-core benchmark machine, measured while other sessions kept it busy (load 4–7):
SCALE=1 took 16.5 minutes of wall time, of which generation 12.9 min, indexes and constraints
2.9 min, vacuum 0.4 min; 7.0 GB; peak memory 350 MiB. The generator is the bottleneck (it
waited 1.5 s for the COPY in all): it needs 6 minutes of CPU for SCALE=1 and PostgreSQL about
2.5 for the COPY, in parallel, so an idle machine should do it in about 8 minutes.
SCALE=0.1 ≈ 1.5 minutes, SCALE=0.01 ≈ 10 seconds, SCALE=0.001 ≈ 3 seconds.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import math
import os
import queue
import random
import resource
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import django
from django.apps import apps as django_apps

if not django_apps.ready:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tashil.settings")
    django.setup()

import jdatetime  # noqa: E402
import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from django.utils.translation import gettext  # noqa: E402

from tashil.accounts.models import AccountEvent, RoleAssignment, User  # noqa: E402
from tashil.accounts.roles import Role  # noqa: E402
from tashil.agencies.escalation import escalation_steps  # noqa: E402
from tashil.agencies.models import Agency  # noqa: E402
from tashil.cases.models import (  # noqa: E402
    Case,
    CaseEvent,
    Category,
    DefaultAgency,
    Referral,
)
from tashil.cases.services import MAX_RESPONSE_DAYS  # noqa: E402
from tashil.cases.tracking import ALPHABET, check_character  # noqa: E402
from tashil.cases.workflow import CaseStatus  # noqa: E402
from tashil.core.money import Currency, Money, to_rials  # noqa: E402
from tashil.core.selectors import work_calendar  # noqa: E402
from tashil.core.text import compact_key, search_key  # noqa: E402
from tashil.geo.models import Country, CountryGroup, County, IndustrialEstate, Province  # noqa: E402
from tashil.investments.models import (  # noqa: E402
    Event as InvestmentEvent,
)
from tashil.investments.models import (  # noqa: E402
    ExportFigure,
    Project,
    ProjectUpdate,
    Sector,
    SectorShare,
)
from tashil.meetings.models import (  # noqa: E402
    AgendaItem,
    Attendance,
    Body,
    Meeting,
    MeetingEvent,
    ProgressReport,
    Resolution,
    ResolutionAgency,
    ResolutionEvent,
)
from tashil.registry.models import (  # noqa: E402
    CLASS_SET_CHANGED_ON,
    Activity,
    Certificate,
    Company,
    CompanyEvent,
    Contact,
    KnowledgeBasedTarget,
    Licence,
    Product,
    StatusChange,
)

# --- Sizes ----------------------------------------------------------------------------------------

# Rows at SCALE=1, and the floor every scale keeps (a tiny scale still makes every kind of row).
PER_SCALE = {
    "companies": 100_000,
    "certified": 10_000,
    "cases": 1_000_000,
    "meetings": 20_000,
    "resolutions": 300_000,
    "projects": 20_000,
}
FLOOR = {
    "companies": 93,
    "certified": 12,
    "cases": 300,
    "meetings": 12,
    "resolutions": 40,
    "projects": 12,
}
YEARS = 5
DEFAULT_SEED = 1404

# --- The benchmark users --------------------------------------------------------------------------

BENCH_PASSWORD = "Tashil@1404"  # noqa: S105 - the benchmark's published password
MEASURED_PROVINCE = "26"  # Qazvin, the reference province (DOMAIN.md §9)
PROVINCE_ROLES = (
    Role.SECRETARIAT,
    Role.EXPERT,
    Role.EXECUTIVE,
    Role.COUNTY_SECRETARIAT,
    Role.AGENCY_OFFICER,
    Role.AGENCY_HEAD,
    Role.COMPANY_REP,
)
ADMIN_USERNAME = "bench-admin"
# The agency whose officer and head are measured: the one most referrals go to.
MEASURED_AGENCY = "banks"


def bench_username(role: str, province_code: str = MEASURED_PROVINCE) -> str:
    """`bench-<role>-<province code>`; the administrator is `bench-admin`."""
    if role == Role.ADMINISTRATOR:
        return ADMIN_USERNAME
    return f"bench-{role}-{province_code}"


# The measured user of each role, in Qazvin.
MEASURED_USERS: dict[str, str] = {
    **{str(role): bench_username(role) for role in PROVINCE_ROLES},
    str(Role.ADMINISTRATOR): ADMIN_USERNAME,
}


def measured_scope(province_code: str = MEASURED_PROVINCE) -> dict[str, int]:
    """The ids the measured users are scoped to (province, county, agency, company), read from
    their role assignments in the generated database."""
    scope: dict[str, int] = {}
    rows = RoleAssignment.objects.filter(
        user__username__in=[bench_username(role, province_code) for role in PROVINCE_ROLES]
    ).values_list("role", "province_id", "county_id", "agency_id", "company_id")
    for role, province_id, county_id, agency_id, company_id in rows:
        scope.setdefault("province", province_id)
        if role == Role.COUNTY_SECRETARIAT:
            scope["county"] = county_id
        elif role == Role.AGENCY_OFFICER:
            scope["agency"] = agency_id
        elif role == Role.COMPANY_REP:
            scope["company"] = company_id
    return scope


# --- Skew -----------------------------------------------------------------------------------------

# Provinces by the weight of their industry (share of units and cases), by province code.
PROVINCE_WEIGHTS = {
    "23": 14.0,  # Tehran
    "10": 9.0,  # Isfahan
    "09": 7.0,  # Khorasan Razavi
    "03": 6.0,  # East Azerbaijan
    "07": 5.0,  # Fars
    "06": 5.0,  # Khuzestan
    "30": 4.5,  # Alborz
    "00": 4.0,  # Markazi
    "26": 4.0,  # Qazvin
    "02": 3.5,  # Mazandaran
    "21": 3.5,  # Yazd
    "20": 3.0,  # Semnan
    "01": 3.0,  # Gilan
    "08": 3.0,  # Kerman
    "04": 2.5,  # West Azerbaijan
    "19": 2.5,  # Zanjan
    "25": 2.5,  # Qom
    "27": 2.0,  # Golestan
    "13": 2.0,  # Hamedan
    "22": 2.0,  # Hormozgan
    "05": 1.8,  # Kermanshah
    "18": 1.8,  # Bushehr
    "15": 1.5,  # Lorestan
    "24": 1.3,  # Ardabil
    "12": 1.2,  # Kurdistan
    "14": 1.0,  # Chaharmahal and Bakhtiari
    "11": 1.0,  # Sistan and Baluchestan
    "28": 0.8,  # North Khorasan
    "29": 0.8,  # South Khorasan
    "17": 0.6,  # Kohgiluyeh and Boyer-Ahmad
    "16": 0.5,  # Ilam
}
# The county of each province's capital (iran-divisions codes): it takes the largest share.
CAPITAL_COUNTIES = {
    "00": "001", "01": "0105", "02": "0207", "03": "0303", "04": "0401", "05": "0502",
    "06": "0603", "07": "0707", "08": "0808", "09": "0916", "10": "1002", "11": "1105",
    "12": "1204", "13": "1304", "14": "1402", "15": "1503", "16": "1601", "17": "1701",
    "18": "1801", "19": "1904", "20": "2002", "21": "2105", "22": "2202", "23": "2301",
    "24": "2401", "25": "2501", "26": "2603", "27": "2705", "28": "2802", "29": "2901",
    "30": "3001",
}  # fmt: skip
# Obstacle categories, Zipf-like (DOMAIN.md §4: banking is over half of all resolutions).
CATEGORY_WEIGHTS = {
    "banking": 30.0,
    "tax": 12.0,
    "social_security": 10.0,
    "fx": 6.0,
    "customs": 5.0,
    "electricity": 5.0,
    "gas_fuel": 4.5,
    "raw_materials": 4.0,
    "industrial_estates": 4.0,
    "water": 3.0,
    "permits": 3.0,
    "standards": 2.5,
    "regulations": 2.0,
    "export": 2.0,
    "environment": 1.5,
    "municipality": 1.5,
    "endowment": 1.0,
    "judiciary": 1.0,
    "other": 2.0,
}
# Agencies consulted beside a category's default agency.
RELATED_AGENCIES = {
    "banking": ("smt", "governorate", "planning"),
    "tax": ("smt", "governorate"),
    "social_security": ("labour", "smt"),
    "fx": ("smt", "customs"),
    "customs": ("smt", "standards", "fx_none"),
    "electricity": ("estates_co", "smt"),
    "gas_fuel": ("estates_co", "smt"),
    "water": ("estates_co", "environment", "agriculture"),
    "industrial_estates": ("smt", "municipality"),
    "endowment": ("judiciary", "governorate"),
    "standards": ("food_drug", "smt"),
    "raw_materials": ("governorate", "planning"),
    "regulations": ("smt", "planning"),
    "judiciary": ("governorate", "banks"),
    "export": ("customs", "chamber"),
    "permits": ("environment", "municipality"),
    "environment": ("smt", "municipality"),
    "municipality": ("governorate", "estates_co"),
    "other": ("governorate", "labour", "chamber"),
}
# How slow each agency answers, as a factor of the deadline (1 = on the day it is due).
AGENCY_PACE = {
    "banks": 1.15,
    "tax": 0.9,
    "social_security": 1.0,
    "customs": 0.75,
    "electricity": 0.65,
    "gas": 0.65,
    "water": 0.85,
    "estates_co": 0.9,
    "endowment": 1.4,
    "standards": 0.8,
    "food_drug": 0.9,
    "environment": 1.3,
    "planning": 1.1,
    "labour": 0.9,
    "agriculture": 1.0,
    "chamber": 0.7,
    "judiciary": 1.6,
    "municipality": 1.35,
    "smt": 0.7,
    "governorate": 0.9,
}

# --- Persian text ---------------------------------------------------------------------------------

FIRST_NAMES = (
    "علی", "محمد", "حسین", "رضا", "مهدی", "امیر", "سعید", "حمید", "مجید", "جواد", "احمد",
    "مصطفی", "مرتضی", "عباس", "ناصر", "کامران", "بهروز", "فرهاد", "پرویز", "یوسف",
    "مریم", "زهرا", "فاطمه", "سارا", "الهام", "نرگس", "لیلا", "سمیه", "پریسا", "نازنین",
    "مهسا", "شیرین", "آزاده", "فریبا", "مینا", "رویا", "نسرین", "هانیه", "سپیده", "ندا",
)  # fmt: skip
LAST_NAMES = (
    "احمدی", "محمدی", "کریمی", "رستمی", "نادری", "قاسمی", "کاظمی", "صادقی", "نوری", "شریفی",
    "طاهری", "یوسفی", "اکبری", "حیدری", "موسوی", "جعفری", "رضایی", "حسینی", "رحیمی", "عباسی",
    "مرادی", "فرهادی", "سلطانی", "بهرامی", "زمانی", "کرمانی", "تهرانی", "شیرازی", "اصفهانی",
    "قزوینی", "تبریزی", "نجفی", "صالحی", "ملکی", "امینی", "باقری", "افشار", "توکلی", "فراهانی",
    "خسروی",
)  # fmt: skip
NAME_PREFIXES = (
    "شرکت", "شرکت تولیدی", "شرکت صنایع", "مجتمع صنعتی", "کارخانه", "شرکت مهندسی",
    "گروه صنعتی", "شرکت تعاونی تولیدی", "شرکت صنعتی و بازرگانی",
)  # fmt: skip
INDUSTRIES = (
    "غذایی", "شوینده", "بهداشتی", "آرایشی", "پلاستیک", "فولاد", "ریخته‌گری", "قطعه‌سازی",
    "نساجی", "پوشاک", "دارویی", "شیمیایی", "الکترونیک", "کابل", "لوله", "بسته‌بندی", "کاغذ",
    "سیمان", "کاشی", "سرامیک", "شیشه", "لبنی", "کنسرو", "روغن نباتی", "قند", "ماشین‌سازی",
    "تجهیزات پزشکی", "رنگ و رزین", "لاستیک", "چوب", "مبلمان", "آلومینیوم", "مس", "باتری",
    "پلیمر", "کود", "خوراک دام", "آرد", "نوشابه", "ماشین‌آلات کشاورزی",
)  # fmt: skip
BRANDS = (
    "پارس", "آریا", "سپید", "نوین", "پویا", "البرز", "کاسپین", "زاگرس", "دماوند", "سهند",
    "سبلان", "کوثر", "آفتاب", "مهر", "ستاره", "نگین", "امید", "بهار", "آرمان", "پیشگام",
    "نیکان", "رویان", "ایده", "فرآیند", "پرتو", "تابان", "درخشان", "سپهر", "آسمان", "کیمیا",
    "طلوع", "پردیس", "ارغوان", "سرو", "افق", "آینده", "گستر", "سازان", "آوران", "پژوهان",
    "اندیشان", "رسا", "برتر", "ماهان", "شایان", "تکاپو", "پیشرو", "یکتا", "نیک", "کاوه",
)  # fmt: skip
TECH_WORDS = (
    "فناوران", "پژوهان", "هوشمند", "نانو فناوری", "زیست فناوری", "الکترونیک", "سامانه‌های پیشرفته",
    "مهندسی پزشکی", "رباتیک", "انرژی‌های نو", "داده‌پردازی", "مواد پیشرفته",
)  # fmt: skip
NAME_SUFFIXES = ("", "", "", " (سهامی خاص)", " (سهامی خاص)", " (مسئولیت محدود)", " (سهامی عام)")
# DOMAIN.md §8: the three spellings search must bring together.
KNOWLEDGE_BASED_SPELLINGS = ("دانش\u200cبنیان", "دانشبنیان", "دانش بنیان")
PRODUCTS = (
    ("مایع ظرفشویی", "340220"), ("پودر لباسشویی", "340220"), ("شامپو", "330510"),
    ("کرم مرطوب‌کننده", "330499"), ("لوله پلی‌اتیلن", "391721"), ("ورق گالوانیزه", "721049"),
    ("قطعات ترمز خودرو", "870830"), ("کابل برق", "854449"), ("رب گوجه‌فرنگی", "200290"),
    ("روغن خوراکی", "151790"), ("شیر پاستوریزه", "040120"), ("ماکارونی", "190219"),
    ("کاشی دیواری", "690721"), ("سیمان پرتلند", "252329"), ("شیشه جام", "700529"),
    ("قرص استامینوفن", "300490"), ("سرم تزریقی", "300490"), ("رنگ ساختمانی", "320910"),
    ("تایر خودرو", "401110"), ("کارتن بسته‌بندی", "481910"), ("پارچه پنبه‌ای", "520811"),
    ("پوشاک کار", "620349"), ("مبل اداری", "940330"), ("پروفیل آلومینیوم", "760421"),
    ("سیم مسی", "740811"), ("باتری خودرو", "850710"), ("کود شیمیایی", "310210"),
    ("خوراک دام", "230990"), ("آرد گندم", "110100"), ("نوشابه گازدار", "220210"),
    ("پمپ آب", "841370"), ("تراکتور", "870190"), ("ترانسفورماتور", "850423"),
    ("دستگاه تصفیه آب", "842121"), ("بطری پت", "392330"), ("گرانول پلاستیک", "390110"),
    ("کنسرو تن ماهی", "160414"), ("شکلات", "180690"), ("بیسکویت", "190531"),
    ("قطعات صنعتی ریخته‌گری", "732599"),
)  # fmt: skip
KB_PRODUCTS = (
    "سامانه کنترل هوشمند خط تولید", "نانو پوشش ضد خوردگی", "کیت تشخیص سریع", "حسگر صنعتی",
    "نرم‌افزار مدیریت انرژی", "کاتالیست پتروشیمی", "داروی زیست‌فناوری", "ایمپلنت دندانی",
    "باتری لیتیومی", "پنل خورشیدی", "دستگاه آنالیز آزمایشگاهی", "ربات صنعتی",
    "غشای تصفیه آب", "پلیمر زیست‌تخریب‌پذیر", "قطعات الکترونیک قدرت",
)  # fmt: skip
STREETS = ("خیابان اول", "خیابان دوم", "بلوار صنعت", "خیابان فن‌آوری", "بلوار امام", "خیابان بهار")
BANKS = (
    "ملی", "ملت", "صادرات", "تجارت", "سپه", "کشاورزی", "صنعت و معدن", "مسکن", "رفاه کارگران",
    "توسعه صادرات", "پاسارگاد", "پارسیان", "اقتصاد نوین", "سینا", "شهر", "توسعه تعاون",
)  # fmt: skip
PURPOSES = (
    "خرید مواد اولیه", "نوسازی ماشین‌آلات", "تکمیل طرح توسعه", "پرداخت حقوق کارکنان",
    "راه‌اندازی خط تولید جدید", "سرمایه در گردش", "احیای واحد راکد",
)  # fmt: skip
PORTS = ("بندرعباس", "بوشهر", "امام خمینی", "فرودگاه امام", "شهید رجایی", "بازرگان", "سرخس")
MATERIALS = (
    "ورق فولادی", "گرانول پلی‌اتیلن", "شمش آلومینیوم", "مس کاتد", "قیر", "پی‌وی‌سی", "روغن خام",
    "شکر", "آرد", "کنسانتره",
)  # fmt: skip
DESTINATIONS = ("عراق", "افغانستان", "روسیه", "ترکیه", "امارات", "ارمنستان", "قزاقستان")
# Case titles per category; {bank}, {purpose}, {year}… are filled from the lists above.
CASE_TITLES = {
    "banking": (
        "درخواست استمهال بدهی به بانک {bank}",
        "تقسیط معوقات تسهیلات بانک {bank}",
        "دریافت تسهیلات سرمایه در گردش از بانک {bank}",
        "درخواست تسهیلات تبصره ۱۸ برای {purpose}",
        "رفع توقیف حساب‌های شرکت نزد بانک {bank}",
        "بخشودگی جرایم دیرکرد تسهیلات بانک {bank}",
        "آزادسازی وثیقه ملکی نزد بانک {bank}",
        "تمدید ضمانت‌نامه بانکی بانک {bank}",
        "بازگرداندن واحد تملیکی بانک {bank} به چرخه تولید",
        "امهال اقساط تسهیلات ارزی صندوق توسعه ملی",
        "تأمین مالی {purpose} از محل تبصره ۱۸",
    ),
    "tax": (
        "اعتراض به برگ تشخیص مالیات عملکرد سال {year}",
        "بخشودگی جرایم مالیات بر ارزش افزوده سال {year}",
        "تقسیط بدهی مالیاتی سال {year}",
        "استرداد مالیات بر ارزش افزوده صادرات",
        "رفع ممنوع‌الخروجی مدیرعامل به دلیل بدهی مالیاتی",
        "اعمال معافیت مالیاتی مناطق کمتر توسعه‌یافته",
        "رسیدگی به اعتراض در هیئت حل اختلاف مالیاتی",
    ),
    "social_security": (
        "تقسیط بدهی حق بیمه سال‌های {year} تا {year2}",
        "بخشودگی جرایم حق بیمه کارگاه",
        "اعتراض به رأی هیئت بدوی تأمین اجتماعی",
        "رفع توقیف حساب توسط تأمین اجتماعی",
        "صدور مفاصاحساب بیمه قرارداد پیمانکاری",
        "بیمه کارکنان طرح اشتغال سال {year}",
    ),
    "customs": (
        "ترخیص ماشین‌آلات خط تولید از گمرک {port}",
        "ترخیص مواد اولیه وارداتی از گمرک {port}",
        "اعتراض به ارزش گمرکی {material}",
        "رفع توقف کالای دپوشده در گمرک {port}",
        "استرداد حقوق ورودی مواد اولیه صادرات",
    ),
    "electricity": (
        "افزایش دیماند برق کارخانه",
        "تأمین انشعاب برق خط تولید جدید",
        "اعتراض به محدودیت برق صنایع در تابستان {year}",
        "تقسیط بدهی برق واحد تولیدی",
        "احداث پست اختصاصی برق",
    ),
    "gas_fuel": (
        "افزایش ظرفیت انشعاب گاز",
        "تأمین سوخت مایع در زمستان {year}",
        "اعتراض به قطع گاز واحد تولیدی",
        "تقسیط هزینه انشعاب گاز",
        "تخصیص سهمیه گازوئیل ناوگان",
    ),
    "water": (
        "صدور مجوز حفر چاه صنعتی",
        "افزایش سهمیه آب صنعتی",
        "تأمین انشعاب آب و فاضلاب",
        "اعتراض به تعرفه آب صنعتی سال {year}",
    ),
    "industrial_estates": (
        "واگذاری زمین در شهرک صنعتی برای {purpose}",
        "تمدید مهلت احداث در شهرک صنعتی",
        "تکمیل زیرساخت‌های شهرک صنعتی",
        "اعتراض به فسخ قرارداد واگذاری زمین",
        "صدور سند تفکیکی واحد در شهرک صنعتی",
    ),
    "endowment": (
        "تمدید اجاره‌نامه زمین موقوفه کارخانه",
        "اعتراض به افزایش اجاره‌بهای زمین موقوفه",
        "تبدیل اجاره زمین موقوفه به اجاره بلندمدت",
    ),
    "standards": (
        "تمدید پروانه کاربرد نشان استاندارد",
        "صدور پروانه بهداشتی ساخت {product}",
        "رفع توقف تولید به دلیل عدم انطباق با استاندارد",
        "صدور کد IRC برای {product}",
    ),
    "fx": (
        "تخصیص ارز برای واردات {material}",
        "رفع تعهد ارزی صادرات سال {year}",
        "تخصیص ارز برای واردات ماشین‌آلات",
        "تأخیر در تأمین ارز ثبت سفارش",
    ),
    "raw_materials": (
        "تخصیص سهمیه {material} از بورس کالا",
        "افزایش سهمیه مواد اولیه پتروشیمی",
        "تأمین {material} مورد نیاز تولید",
    ),
    "regulations": (
        "اصلاح بخشنامه ممنوعیت صادرات {product}",
        "اجرای مصوبه ستاد درباره قیمت‌گذاری {product}",
        "رفع تعارض مقررات صدور مجوز",
    ),
    "judiciary": (
        "رفع توقیف اموال کارخانه",
        "پیگیری پرونده اختلاف با شریک تجاری",
        "رفع پلمب واحد تولیدی",
    ),
    "export": (
        "رفع موانع صادرات {product} به {destination}",
        "دریافت مشوق‌های صادراتی سال {year}",
        "صدور گواهی مبدأ برای {product}",
    ),
    "permits": (
        "صدور پروانه بهره‌برداری",
        "تمدید جواز تأسیس",
        "افزایش ظرفیت پروانه بهره‌برداری",
        "صدور مجوز توسعه خط تولید {product}",
    ),
    "environment": (
        "رفع توقف فعالیت به دلیل آلایندگی",
        "صدور مجوز زیست‌محیطی طرح توسعه",
        "اعتراض به عوارض آلایندگی سال {year}",
    ),
    "municipality": (
        "اعتراض به عوارض شهرداری",
        "صدور پروانه ساخت سوله",
        "تغییر کاربری زمین کارخانه",
    ),
    "other": (
        "مشکلات حمل و نقل محصولات",
        "کمبود نیروی کار متخصص",
        "تأمین مسکن کارکنان",
        "مشکلات بیمه کارکنان فصلی",
    ),
}
PROBLEM_SINCE = (
    "از {n} ماه پیش",
    "با وجود پیگیری‌های مکرر",
    "به رغم مکاتبات متعدد با دستگاه مربوط",
    "پس از مراجعات حضوری متعدد",
)
IMPACTS = (
    "این مشکل موجب کاهش {n} درصدی تولید شده است.",
    "ادامه این وضعیت اشتغال {n} نفر را تهدید می‌کند.",
    "خط تولید از {n} هفته پیش متوقف شده است.",
    "قراردادهای صادراتی شرکت در معرض لغو قرار گرفته است.",
    "تأمین مواد اولیه با مشکل جدی روبرو شده است.",
    "واحد ناچار به تعدیل بخشی از نیروی کار شده است.",
)
ASKS = (
    "درخواست رسیدگی فوری و هماهنگی با دستگاه‌های مربوط را داریم.",
    "خواهشمند است موضوع در جلسه ستاد مطرح شود.",
    "لطفاً دستور پیگیری صادر فرمایید.",
    "تقاضای مساعدت ستاد برای حل این مشکل را داریم.",
)
REQUESTED_OUTCOMES = (
    "",
    "",
    "موافقت با درخواست و ابلاغ به شعب",
    "تقسیط بدهی در ۳۶ قسط",
    "رفع مشکل ظرف یک ماه",
    "صدور دستور اجرایی",
)
RETURN_REASONS = (
    "لطفاً صورت‌های مالی حسابرسی‌شده سال گذشته را بارگذاری کنید.",
    "تصویر قرارداد تسهیلات و جدول اقساط لازم است.",
    "مدارک ثبتی و آخرین تغییرات روزنامه رسمی را ارسال کنید.",
    "گزارش بیمه کارکنان شش ماه اخیر لازم است.",
)
INFO_TEXTS = (
    "مدارک خواسته‌شده بارگذاری شد.",
    "صورت‌های مالی و قرارداد ارسال شد.",
    "توضیحات تکمیلی و مستندات پیوست شد.",
)
REJECT_REASONS = (
    "موضوع در حیطه وظایف ستاد نیست.",
    "پرونده قضایی در جریان است و ستاد ورود نمی‌کند.",
    "شرکت مدارک لازم را در مهلت مقرر ارسال نکرد.",
    "درخواست مربوط به واحد خدماتی است و مشمول حمایت ستاد نیست.",
)
MERGE_REASON = "تکراری: همین موضوع در پرونده دیگر شرکت پیگیری می‌شود."
UNRESOLVED_REASONS = (
    "دستگاه مربوط با درخواست موافقت نکرد و راه‌حل دیگری در استان وجود ندارد.",
    "موضوع نیازمند اصلاح قانون است.",
    "شرکت تعهدات خود را انجام نداد.",
)
NATIONAL_REASONS = (
    "موضوع در اختیار ستاد ملی تسهیل است؛ مکاتبه انجام شد.",
    "نیازمند تصمیم هیئت وزیران است.",
    "به دبیرخانه ستاد ملی ارجاع شد.",
)
REOPEN_REASONS = (
    "بانک هنوز مصوبه را اجرا نکرده است.",
    "مشکل برطرف نشده و تولید همچنان متوقف است.",
)
REQUEST_TEXTS = (
    "بررسی و اقدام لازم درباره «{title}» و اعلام نتیجه به دبیرخانه ستاد.",
    "خواهشمند است درخواست شرکت درباره «{title}» بررسی و نتیجه اعلام شود.",
    "لطفاً درباره «{title}» اعلام نظر فرمایید.",
    "با توجه به اهمیت موضوع «{title}»، دستور رسیدگی خارج از نوبت صادر فرمایید.",
)
ANSWERS = (
    "با استمهال بدهی به مدت {n} ماه موافقت شد.",
    "موضوع در کمیته مربوط بررسی و با تقسیط {n} ماهه موافقت گردید.",
    "مدارک ناقص است؛ شرکت باید به واحد مربوط مراجعه کند.",
    "درخواست با توجه به ضوابط قابل انجام نیست.",
    "اقدام لازم انجام و نتیجه به شرکت ابلاغ شد.",
    "موضوع به ستاد مرکزی ارجاع شد و پاسخ متعاقباً اعلام می‌شود.",
    "با درخواست شرکت موافقت شد.",
)
EXTENSION_REASONS = (
    "استعلام از ستاد مرکزی در جریان است.",
    "بررسی موضوع در کمیسیون مربوط به زمان بیشتری نیاز دارد.",
    "مدارک تکمیلی از شرکت درخواست شده است.",
)
RESOLUTION_ACTIONS = {
    "banking": (
        "استمهال بدهی شرکت به مدت {n} ماه",
        "پرداخت تسهیلات سرمایه در گردش از محل تبصره ۱۸",
        "تقسیط معوقات شرکت بدون دریافت جرایم",
        "آزادسازی وثیقه برای تأمین مالی ماشین‌آلات",
    ),
    "tax": ("بررسی مجدد پرونده مالیاتی شرکت", "تقسیط بدهی مالیاتی در {n} قسط"),
    "social_security": ("تقسیط بدهی حق بیمه در {n} قسط", "رفع توقیف حساب‌های شرکت"),
    "customs": ("ترخیص خارج از نوبت ماشین‌آلات خط تولید",),
    "electricity": ("تأمین انشعاب برق مورد نیاز واحد",),
    "gas_fuel": ("تأمین سوخت واحد در فصل سرما",),
    "industrial_estates": ("تمدید مهلت احداث واحد در شهرک صنعتی",),
    "fx": ("تخصیص ارز مورد نیاز واردات مواد اولیه",),
}
GENERIC_ACTIONS = (
    "رسیدگی خارج از نوبت به درخواست واحد",
    "ارائه گزارش اقدامات انجام‌شده",
    "هماهنگی با دستگاه‌های ذی‌ربط برای رفع مانع",
)
DELIVERABLES = ("نامه موافقت", "صورتجلسه تقسیط", "گزارش اقدام", "قرارداد امضاشده", "مجوز صادره", "")
TOPICS = (
    "گزارش وضعیت واحدهای راکد استان",
    "بررسی عملکرد بانک‌ها در پرداخت تسهیلات تبصره ۱۸",
    "گزارش پیشرفت طرح‌های نیمه‌تمام صنعتی",
    "برنامه تأمین سوخت صنایع در زمستان",
    "گزارش صادرات غیرنفتی استان",
    "بررسی مشکلات واحدهای دانش‌بنیان",
    "برنامه مدیریت مصرف برق صنایع در تابستان",
    "گزارش پیگیری مصوبات جلسات قبل",
)
REPORT_TEXTS = (
    "مکاتبه با شعبه انجام شد و موضوع در دست اقدام است.",
    "جلسه با مدیرعامل شرکت برگزار شد.",
    "پیش‌نویس قرارداد تهیه شده است.",
)
EXECUTION_TEXTS = (
    "مصوبه اجرا شد؛ نامه ابلاغ پیوست است.",
    "قرارداد تقسیط امضا و به شرکت ابلاغ شد.",
    "اقدام لازم انجام و نتیجه به شرکت اعلام شد.",
)
OBJECTION_TEXTS = (
    "اجرای مصوبه با بخشنامه‌های بانک مرکزی مغایرت دارد.",
    "اختیار اجرای این مصوبه در سطح استان وجود ندارد.",
)
NOT_EXECUTED_REASONS = (
    "دستگاه در مهلت مقرر اقدامی انجام نداد.",
    "شرکت شرایط لازم برای اجرای مصوبه را نداشت.",
)
OVERRULE_REASONS = ("اعتراض بررسی شد؛ مصوبه به قوت خود باقی است.",)
WITHDRAW_REASONS = ("اعتراض وارد است؛ مصوبه لغو و موضوع از طریق دیگر پیگیری می‌شود.",)
NATIONAL_LETTERS = ("موضوع برای تصمیم‌گیری به دبیرخانه ستاد ملی تسهیل ارسال شد.",)
PROJECT_TITLES = (
    "راه‌اندازی خط تولید {product}",
    "طرح توسعه تولید {product}",
    "احداث کارخانه {product}",
    "افزایش ظرفیت خط {product}",
    "نوسازی ماشین‌آلات خط {product}",
)
PROJECT_SOURCES = (
    "اعلام شرکت",
    "سازمان صنعت، معدن و تجارت استان",
    "شرکت شهرک‌های صنعتی",
    "گزارش بازدید کارشناس",
)


# --- COPY plumbing --------------------------------------------------------------------------------

NULL = "\\N"
# One encoder: json.dumps with options builds a new one per call, five times slower.
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_ACTIONS: dict[str, str] = {}


def _action_json(action: str) -> str:
    """`{"action": …}`, the payload of most transitions, encoded once per action."""
    found = _ACTIONS.get(action)
    if found is None:
        found = _ACTIONS[action] = _json({"action": action})
    return found


def _esc(text: str) -> str:
    """Text in COPY's text format. Most values need nothing, and testing for the four
    characters is much cheaper than translating every (Persian) character."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _cell(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    kind = type(value)
    if kind is str:
        return _esc(value)
    if kind is int:
        return str(value)
    if value is None:
        return NULL
    if kind is bool:
        return "t" if value else "f"
    if kind is dict or kind is list:
        return _esc(_json(value))
    return str(value)  # dates, Decimals, UUIDs: their str() is what PostgreSQL reads


class Table:
    """Rows of one model's table, buffered and handed to the writer in chunks. Columns are named
    from the model's `_meta`, so a renamed field fails loudly here rather than loading wrong."""

    CHUNK = 2_000_000  # characters per COPY chunk

    def __init__(self, writer: Writer, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        self.name = meta.db_table
        self.model = model
        columns = [str(meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        self.sql = f"COPY {connection.ops.quote_name(self.name)} ({quoted}) FROM STDIN"
        self.width = len(columns)
        self.writer = writer
        self.lines: list[str] = []
        self.size = 0
        self.rows = 0
        self.next_id = 1

    def take(self) -> int:
        """A new primary key."""
        pk = self.next_id
        self.next_id += 1
        return pk

    def add(self, *values: Any) -> None:
        self.raw("\t".join([_cell(value) for value in values]))

    def raw(self, line: str) -> None:
        """A row already in COPY format (the hot tables build theirs directly)."""
        self.lines.append(line)
        self.size += len(line)
        self.rows += 1
        if self.size >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.lines.append("")
            self.writer.put(self, "\n".join(self.lines))
            self.lines = []
            self.size = 0


class Writer:
    """Streams COPY chunks into PostgreSQL from a thread, so that the database parses and
    stores while Python generates (two cores: one each). One connection, one transaction."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.queue: queue.Queue[tuple[Table, str] | None] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.seconds: dict[str, float] = defaultdict(float)
        # How long the generator waited for the database: 0 when Python is the bottleneck.
        self.waited = 0.0
        self.thread = threading.Thread(target=self._run, name="copy-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is not None:
                continue  # drain: the main thread raises the error on its next put
            table, data = item
            started = time.perf_counter()
            try:
                with self.conn.cursor() as cursor, cursor.copy(table.sql) as copy:
                    copy.write(data)
            except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
                self.error = error
            self.seconds[table.name] += time.perf_counter() - started

    def put(self, table: Table, data: str) -> None:
        if self.error is not None:
            raise RuntimeError(f"COPY into {table.name} failed") from self.error
        if self.queue.full():
            started = time.perf_counter()
            self.queue.put((table, data))
            self.waited += time.perf_counter() - started
        else:
            self.queue.put((table, data))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise RuntimeError("a COPY failed") from self.error

    def abort(self) -> None:
        """Stop after the chunk being written (the queued ones are skipped), so that the
        transaction can be rolled back."""
        if self.error is None:
            self.error = RuntimeError("aborted")
        self.queue.put(None)
        self.thread.join()


def _ddl_of(
    cursor: psycopg.Cursor[Any], table: str
) -> tuple[list[str], list[str], list[str], list[str]]:
    """(foreign-key drops, other drops, index and unique statements, foreign-key statements) for
    the secondary
    indexes and constraints of `table`. The primary key stays (ids are appended in order);
    CHECK constraints stay (they hold row by row during the COPY); a unique index another
    table's foreign key depends on stays."""
    q = connection.ops.quote_name
    fk_drops: list[str] = []
    drops: list[str] = []
    uniques: list[str] = []
    foreign: list[str] = []
    cursor.execute(
        """
        SELECT c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.conrelid = %s::regclass AND c.contype IN ('f', 'u')
          AND NOT EXISTS (
            SELECT 1 FROM pg_constraint f
            WHERE f.contype = 'f' AND f.conindid = c.conindid AND c.contype = 'u'
          )
        ORDER BY c.contype, c.conname
        """,
        [table],
    )
    for name, definition, kind in cursor.fetchall():
        (fk_drops if kind == "f" else drops).append(
            f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}"
        )
        statement = f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}"
        (foreign if kind == "f" else uniques).append(statement)
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [table],
    )
    for name, definition in cursor.fetchall():
        drops.append(f"DROP INDEX {name}")
        uniques.append(definition)
    return fk_drops, drops, uniques, foreign


# --- The calendar ---------------------------------------------------------------------------------


class Days:
    """Days as indices from `base` (local dates), with the business calendar precomputed, and
    moments as local seconds since `base` 00:00, formatted with the zone's offset of that day."""

    def __init__(self, base: dt.date, last: dt.date) -> None:
        calendar = work_calendar()
        zone = ZoneInfo(settings.TIME_ZONE)
        self.base = base
        count = (last - base).days + 1
        self.dates = [base + dt.timedelta(days=i) for i in range(count)]
        self.iso = [day.isoformat() for day in self.dates]
        self.working = [calendar.is_working_day(day) for day in self.dates]
        self.cum: list[int] = []
        self.wlist: list[int] = []
        total = 0
        for index, working in enumerate(self.working):
            if working:
                total += 1
                self.wlist.append(index)
            self.cum.append(total)
        self.offset = []
        for day in self.dates:
            noon = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
            offset = noon.utcoffset() or dt.timedelta(0)
            minutes = int(offset.total_seconds()) // 60
            sign = "+" if minutes >= 0 else "-"
            self.offset.append(f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")
        self.tod = [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in range(86400)]

    def index(self, day: dt.date) -> int:
        return (day - self.base).days

    def add_wd(self, day: int, n: int) -> int:
        """`WorkCalendar.add_working_days` on indices."""
        if n <= 0:
            return day if self.working[day] else self.wlist[self.cum[day]]
        return self.wlist[self.cum[day] + n - 1]

    def before_wd(self, day: int, n: int) -> int:
        """The working day `n` working days before `day` (a working day)."""
        return self.wlist[max(0, self.cum[day] - 1 - n)]

    def wdb(self, start: int, end: int) -> int:
        """`WorkCalendar.working_days_between` on indices."""
        return self.cum[end] - self.cum[start]

    def stamp(self, sec: int) -> str:
        day, rest = divmod(sec, 86400)
        return f"{self.iso[day]} {self.tod[rest]}{self.offset[day]}"


# --- In-memory records ----------------------------------------------------------------------------


# Plain records with slots: hundreds of thousands of them live at once. The annotations are
# for the type checker; the slots keep them small.


class Prov:
    __slots__ = (
        "id", "code", "name", "weight", "counties", "capital", "county_cum", "agencies",
        "by_code", "default", "sec", "experts", "expert_cum", "executive", "officers", "heads",
        "hq", "wg", "companies", "company_cum",
    )  # fmt: skip
    weight: float
    capital: Cty
    county_cum: list[float]
    sec: list[Usr]  # the province's secretariat (the measured user first)
    experts: list[Usr]
    expert_cum: list[float]
    executive: Usr
    company_cum: list[float]

    def __init__(self, pk: int, code: str, name: str) -> None:
        self.id, self.code, self.name = pk, code, name
        self.counties: list[Cty] = []
        self.agencies: list[Ag] = []
        self.by_code: dict[str, Ag] = {}
        self.default: dict[int, Ag] = {}  # category id → agency
        self.officers: dict[int, list[Usr]] = {}  # agency id → officers
        self.heads: dict[int, Usr] = {}
        self.companies: list[Co] = []
        self.hq: Bod | None = None
        self.wg: Bod | None = None


class Cty:
    __slots__ = ("id", "code", "name", "province", "weight", "estates", "sec", "body")
    weight: float

    def __init__(self, pk: int, code: str, name: str, province: Prov) -> None:
        self.id, self.code, self.name, self.province = pk, code, name, province
        self.estates: list[tuple[int, str]] = []
        self.sec: Usr | None = None
        self.body: Bod | None = None


class Ag:
    __slots__ = ("id", "code", "name", "province", "pace", "jname")

    def __init__(self, pk: int, code: str, name: str, province: Prov) -> None:
        self.id, self.code, self.name, self.province = pk, code, name, province
        self.pace = AGENCY_PACE.get(code, 1.0)
        self.jname = _json(name)  # the name as a JSON string, for the events' payloads


class Cat:
    __slots__ = ("id", "code", "name", "days", "weight")

    def __init__(self, pk: int, code: str, name: str, days: int) -> None:
        self.id, self.code, self.name, self.days = pk, code, name, days
        self.weight = CATEGORY_WEIGHTS.get(code, 1.0)


class Usr:
    __slots__ = ("id", "name")

    def __init__(self, pk: int, name: str) -> None:
        self.id, self.name = pk, name


class Co:
    __slots__ = (
        "id", "province", "county", "estate", "name", "national_id", "status", "rep", "weight",
        "employees", "address", "last_case", "activity",
    )  # fmt: skip
    id: int
    province: Prov
    county: Cty
    estate: tuple[int, str] | None
    name: str
    national_id: str
    status: str
    rep: Usr | None  # who files on the portal
    weight: float  # its share of the province's cases
    employees: int
    address: str
    # (id, tracking, filed, final at) of its last case not merged: what a duplicate merges into.
    last_case: tuple[int, str, int, int | None] | None
    activity: int


class Bod:
    __slots__ = (
        "id", "province", "kind", "county", "name", "members", "meetings", "starts", "jname",
    )  # fmt: skip

    def __init__(self, pk: int, province: Prov, kind: str, name: str) -> None:
        self.id, self.province, self.kind, self.name = pk, province, kind, name
        self.jname = _json(name)
        self.county: Cty | None = None
        self.members: list[Ag] = []
        self.meetings: list[Mtg] = []
        self.starts: list[int] = []  # the meetings' starts, for bisect


class Mtg:
    __slots__ = (
        "id", "body", "number", "start", "close", "created", "sent", "status", "positions",
        "resolutions", "secretary",
    )  # fmt: skip
    id: int
    body: Bod
    number: int
    start: int
    close: int | None
    created: int
    sent: int | None
    status: str
    secretary: Usr

    def __init__(self) -> None:
        self.positions = 0  # agenda items so far
        self.resolutions = 0  # resolutions so far


class Ref:
    """A referral being simulated."""

    __slots__ = (
        "id", "agency", "created", "due", "status", "answered", "answered_by", "answer",
        "extended", "ext_reason", "paused", "level", "request", "created_by", "late",
    )  # fmt: skip
    id: int
    agency: Ag
    created: int
    due: int  # day index
    status: str
    answered: int | None
    answered_by: Usr | None
    answer: str
    extended: int
    ext_reason: str
    paused: int
    level: int
    request: str
    created_by: Usr
    late: bool


class CaseSim:
    """A case being walked through the workflow."""

    __slots__ = (
        "id", "tracking", "t", "status", "province", "county", "company", "category", "channel",
        "filer", "title", "assignee", "outcome", "confirm_until", "satisfaction", "paused_at",
        "returned_from", "merged_into", "results", "refs", "changed", "returned", "reopened",
        "referred_more", "postponed", "agenda_tries", "final_at", "filed", "pace", "stuck",
    )  # fmt: skip
    id: int
    tracking: str
    t: int  # the moment reached
    status: str
    province: Prov
    county: Cty
    company: Co
    category: Cat
    channel: str
    filer: Usr | None
    title: str
    assignee: Usr | None
    outcome: str
    confirm_until: int | None
    satisfaction: int | None
    paused_at: int | None
    returned_from: str
    merged_into: int | None
    results: tuple[int | None, int, str] | None
    refs: list[Ref]
    changed: int
    returned: bool
    reopened: bool
    referred_more: bool
    postponed: int
    agenda_tries: int
    final_at: int | None
    filed: int
    pace: float
    stuck: int


class Res:
    """A resolution being simulated."""

    __slots__ = (
        "id", "meeting", "item", "case_id", "county_id", "number", "code", "text",
        "deliverable", "deadline", "agencies", "created", "reviewed_in", "key",
    )  # fmt: skip
    id: int
    meeting: Mtg
    item: int
    case_id: int | None
    county_id: int | None
    number: int
    code: str
    text: str
    key: str
    deliverable: str
    deadline: int  # day index
    agencies: list[Ag]
    created: int
    reviewed_in: set[int]  # meetings it is on the agenda of


# --- The generator --------------------------------------------------------------------------------


def _psycopg_params() -> dict[str, Any]:
    """Django's connection parameters, for psycopg connections of our own."""
    params = connection.get_connection_params()
    wanted = ("dbname", "user", "password", "host", "port", "sslmode", "options")
    return {key: value for key, value in params.items() if key in wanted}


def _uuid4(rng: random.Random) -> str:
    """A version-4 UUID from `rng` (deterministic), formatted as uuid.UUID would."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
    value = (value & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _counts(scale: float) -> dict[str, int]:
    return {key: max(FLOOR[key], round(value * scale)) for key, value in PER_SCALE.items()}


def _largest_remainder(weights: Sequence[float], total: int) -> list[int]:
    """Integers proportional to `weights` summing to `total`."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    shares = [w * total / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    cum = []
    for weight in weights:
        total += weight
        cum.append(total)
    return cum


class Generator:
    def __init__(self, *, scale: float, seed: int, out: Callable[[str], None] = print) -> None:
        self.scale = scale
        self.seed = seed
        self.sizes = _counts(scale)
        self.out = out
        self.began = time.perf_counter()
        self.phase_seconds: dict[str, float] = {}
        self.today_date = timezone.localdate()
        start = self.today_date - dt.timedelta(days=365 * YEARS + 1)
        # Day 0 is before the oldest founding date; deadlines and planned sessions run past
        # today.
        base = dt.date(1985, 1, 1)
        self.days = Days(base, self.today_date + dt.timedelta(days=4 * 365))
        self.start = self.days.index(start)
        self.today = self.days.index(self.today_date)
        # "Now" is the start of today: the data stops at midnight, so that two runs on the same
        # day (same seed, same scale) write the same rows whatever the hour.
        self.now = self.today * 86400
        self.steps = escalation_steps()
        self.objection_days = settings.TASHIL_OBJECTION_DAYS
        self.objection_working = settings.TASHIL_OBJECTION_WORKING_DAYS
        self.confirm_seconds = settings.TASHIL_CONFIRMATION_DAYS * 86400
        self.max_extension = settings.TASHIL_MAX_EXTENSION_DAYS
        self.reminder_days = settings.TASHIL_RESOLUTION_REMINDER_DAYS
        with translation.override("fa"):
            self.all_executed = gettext("Every resolution on this case was executed.")
        self.tables: list[Table] = []
        self._body_info: dict[int, tuple[int, dt.time, str, str, int]] = {}
        self._title_keys: dict[str, str] = {}
        self._compact_keys: dict[str, str] = {}
        self._role_labels: dict[str, str] = {}

    # -- helpers -----------------------------------------------------------------------------------

    def log(self, message: str) -> None:
        self.out(f"[{time.perf_counter() - self.began:7.1f}s] {message}")

    def rng(self, phase: str) -> random.Random:
        # One generator per phase: changing one phase does not shift the others' draws.
        return random.Random(f"{self.seed}:{phase}")  # noqa: S311 - data, not secrets

    def office(self, rng: random.Random, day: int) -> int:
        """A moment in office hours (08:00–15:30) of `day`."""
        # random() rather than randint(): a third of the cost, in the generator's hottest spot.
        return day * 86400 + 28_800 + int(rng.random() * 27_000)

    def wait(self, rng: random.Random, c: CaseSim, low: int, high: int) -> int:
        """The moment the case's next step is taken: `low`–`high` working days at its pace."""
        return self.after(rng, c.t, round((low + rng.random() * (high - low)) * c.pace))

    def after(self, rng: random.Random, t: int, working_days: int) -> int:
        """A moment `working_days` working days after `t`, in office hours; 0 is later the
        same day."""
        if working_days <= 0:
            return t + 300 + int(rng.random() * 5_100)
        return self.office(rng, self.days.add_wd(t // 86400, working_days))

    # -- the run -----------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        if Company.objects.exists():
            raise SystemExit(
                "This database already holds companies: the benchmark data goes into a fresh "
                "database. Recreate it with `make bench-data`."
            )
        if not Province.objects.filter(code=MEASURED_PROVINCE).exists():
            raise SystemExit("No reference data: run `manage.py load_reference` first.")
        taken = User.objects.filter(username__startswith="bench-").values_list(
            "username", flat=True
        )
        if taken:
            raise SystemExit(f"Benchmark users exist already ({taken[0]}…): use a fresh database.")
        self.log(
            f"scale {self.scale:g}, seed {self.seed}: {self.sizes['companies']:,} companies, "
            f"{self.sizes['cases']:,} cases, {self.sizes['meetings']:,} meetings, "
            f"{self.sizes['resolutions']:,} resolutions, {self.sizes['projects']:,} projects; "
            f"cases filed {self.days.iso[self.start]} … {self.days.iso[self.today - 1]}"
        )
        # Every read through Django's connection happens before the writer's transaction
        # takes its locks (the dropped constraints): after that, it would wait for ever.
        self._read_reference()
        conn = psycopg.connect(**_psycopg_params())
        self.writer = Writer(conn)
        try:
            self._open_tables()
            self._ids()
            self._drop_secondary(conn)
            self._phase("reference", self._gen_reference)
            self._phase("users", self._gen_users)
            self._phase("companies", self._gen_companies)
            self._phase("bodies and meetings", self._gen_bodies)
            self._phase("cases", self._gen_cases)
            self._phase("meetings (agendas, minutes)", self._gen_meeting_rest)
            self._phase("investments", self._gen_investments)
            for table in self.tables:
                table.flush()
            self.writer.close()
            self.log("rows loaded; rebuilding indexes and constraints")
            index_seconds = self._rebuild(conn)
            conn.commit()
        except BaseException:
            # Everything, the dropped indexes and constraints included, goes back as it was.
            self.writer.abort()
            conn.rollback()
            raise
        finally:
            conn.close()
        vacuum_seconds = self._vacuum()
        return self._report(index_seconds, vacuum_seconds)

    def _drop_secondary(self, conn: psycopg.Connection[Any]) -> None:
        """Drop the secondary indexes and constraints of the tables written (in the load's
        transaction), keeping what `_rebuild` needs to put them back."""
        self.restore: dict[str, tuple[list[str], list[str]]] = {}
        fk_drops: list[str] = []
        drops: list[str] = []
        with conn.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            for table in self.tables:
                table_fk_drops, table_drops, uniques, foreign = _ddl_of(cursor, table.name)
                self.restore[table.name] = (uniques, foreign)
                fk_drops += table_fk_drops
                drops += table_drops
            # Foreign keys first: a unique constraint may be what one of them checks.
            for statement in fk_drops + drops:
                cursor.execute(statement)

    def _phase(self, name: str, function: Callable[[], None]) -> None:
        started = time.perf_counter()
        cpu = time.thread_time()
        self.log(f"{name}…")
        function()
        self.phase_seconds[name] = time.perf_counter() - started
        self.log(
            f"{name}: {self.phase_seconds[name]:.1f}s "
            f"({time.thread_time() - cpu:.1f}s of this thread's CPU)"
        )

    # -- tables ------------------------------------------------------------------------------------

    def _table(self, model: type[models.Model], *fields: str) -> Table:
        table = Table(self.writer, model, ("id", *fields))
        self.tables.append(table)
        return table

    def _open_tables(self) -> None:
        t = self._table
        self.t_agency = t(Agency, "name", "name_en", "province", "code", "is_active")
        self.t_default = t(DefaultAgency, "province", "category", "agency")
        self.t_estate = t(IndustrialEstate, "name", "name_en", "province", "county", "kind")
        self.t_user = t(
            User,
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "national_code",
            "phone",
        )
        self.t_role = t(
            RoleAssignment,
            "user",
            "role",
            "province",
            "county",
            "agency",
            "company",
            "granted_by",
            "granted_at",
        )
        self.t_account_event = t(AccountEvent, "user", "actor", "kind", "data", "created_at")
        self.t_company = t(
            Company,
            "national_id",
            "economic_code",
            "legal_name",
            "search_key",
            "search_document",
            "province",
            "county",
            "estate",
            "activity",
            "address",
            "postal_code",
            "status",
            "status_since",
            "employees",
            "bank_debt",
            "tax_debt",
            "insurance_debt",
            "created_at",
            "updated_at",
        )
        self.t_status = t(StatusChange, "company", "status", "since", "note", "actor", "created_at")
        self.t_licence = t(
            Licence, "company", "kind", "number", "issuer", "issued_on", "expires_on"
        )
        self.t_product = t(Product, "company", "name", "hs_code")
        self.t_contact = t(Contact, "company", "name", "title", "phone", "email")
        self.t_certificate = t(
            Certificate,
            "company",
            "number",
            "certificate_class",
            "issued_on",
            "expires_on",
            "revoked_on",
            "approved_products",
            "created_at",
        )
        self.t_target = t(
            KnowledgeBasedTarget, "province", "count", "due_on", "note", "set_by", "created_at"
        )
        self.t_company_event = t(CompanyEvent, "company", "actor", "kind", "changes", "created_at")
        self.t_case = t(
            Case,
            "tracking",
            "api_token",
            "province",
            "county",
            "company",
            "category",
            "title",
            "description",
            "requested_outcome",
            "amount",
            "channel",
            "address",
            "status",
            "status_changed_at",
            "returned_from",
            "paused_at",
            "assignee",
            "outcome",
            "confirm_until",
            "satisfaction",
            "approved_amount",
            "jobs_preserved",
            "results_on",
            "merged_into",
            "filed_by",
            "search_key",
            "created_at",
        )
        self.t_referral = t(
            Referral,
            "case",
            "agency",
            "request_text",
            "status",
            "due_on",
            "extended_days",
            "extension_reason",
            "answer",
            "answered_at",
            "answered_by",
            "paused_days",
            "response_days",
            "escalation_level",
            "created_by",
            "created_at",
        )
        self.t_case_event = t(
            CaseEvent,
            "case",
            "referral",
            "actor",
            "kind",
            "from_status",
            "to_status",
            "reason",
            "data",
            "created_at",
        )
        self.t_body = t(
            Body,
            "province",
            "kind",
            "county",
            "category",
            "name",
            "name_en",
            "weekday",
            "time",
            "place",
            "chair",
            "first_number",
            "is_active",
        )
        self.t_member = t(Body.members.through, "body", "agency")
        self.t_meeting = t(
            Meeting,
            "body",
            "number",
            "starts_at",
            "place",
            "chair",
            "status",
            "guests",
            "notes",
            "agenda_sent_at",
            "closed_at",
            "created_by",
            "created_at",
        )
        self.t_item = t(
            AgendaItem,
            "meeting",
            "position",
            "kind",
            "case",
            "resolution",
            "title",
            "notes",
            "postponed",
            "reason",
            "added_by",
        )
        self.t_attendance = t(Attendance, "meeting", "agency", "presence", "person")
        self.t_resolution = t(
            Resolution,
            "meeting",
            "item",
            "province",
            "county",
            "case",
            "number",
            "text",
            "deliverable",
            "deadline",
            "state",
            "state_changed_at",
            "notified_at",
            "objection_until",
            "escalation_level",
            "reminded_on",
            "national_letter",
            "escalated_national_at",
            "search_key",
            "created_by",
            "created_at",
        )
        self.t_addressee = t(ResolutionAgency, "resolution", "agency")
        self.t_report = t(
            ProgressReport, "resolution", "agency", "kind", "text", "author", "created_at"
        )
        self.t_meeting_event = t(MeetingEvent, "meeting", "actor", "kind", "data", "created_at")
        self.t_resolution_event = t(
            ResolutionEvent,
            "resolution",
            "actor",
            "kind",
            "from_state",
            "to_state",
            "reason",
            "data",
            "created_at",
        )
        money = ("amount", "currency", "rate", "rate_on", "amount_rial")
        self.t_project = t(
            Project,
            *money,
            "province",
            "company",
            "title",
            "search_key",
            "sector",
            "county",
            "estate",
            "description",
            "jobs_planned",
            "jobs_created",
            "product_types",
            "progress",
            "status",
            "planned_opening_on",
            "opened_on",
            "created_by",
            "created_at",
            "updated_at",
        )
        self.t_update = t(
            ProjectUpdate,
            "project",
            "kind",
            "on",
            "source",
            "note",
            "changes",
            "item",
            "actor",
            "created_at",
        )
        self.t_export = t(
            ExportFigure,
            *money,
            "company",
            "project",
            "kind",
            "year",
            "country",
            "group",
            "source",
            "note",
            "created_by",
            "created_at",
            "updated_at",
        )
        self.t_investment_event = t(
            InvestmentEvent,
            "province",
            "target",
            "target_id",
            "kind",
            "changes",
            "actor",
            "created_at",
        )
        self.t_share = t(
            SectorShare,
            "province",
            "sector",
            "basis",
            "value",
            "unit",
            "source",
            "source_url",
            "stated_on",
            "note",
            "created_by",
            "created_at",
        )

    def _ids(self) -> None:
        """Ids continue after the rows already there (reference data, Qazvin's agencies)."""
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(
                    f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table.name)}"  # noqa: S608 - a table name from _meta
                )
                table.next_id = cursor.fetchone()[0] + 1

    def _rebuild(self, conn: psycopg.Connection[Any]) -> dict[str, float]:
        seconds: dict[str, float] = defaultdict(float)
        with conn.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SET max_parallel_maintenance_workers = 2")
            for table in self.tables:
                started = time.perf_counter()
                for statement in self.restore[table.name][0]:
                    cursor.execute(statement)
                seconds[table.name] += time.perf_counter() - started
            for table in self.tables:
                started = time.perf_counter()
                for statement in self.restore[table.name][1]:
                    cursor.execute(statement)
                seconds[table.name] += time.perf_counter() - started
            for table in self.tables:
                name = connection.ops.quote_name(table.name)
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608 - _meta name
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}",
                    [table.name],
                )
        return seconds

    def _vacuum(self) -> float:
        """VACUUM ANALYZE: statistics for the planner and the visibility map that index-only
        scans need (a freshly loaded table has none)."""
        started = time.perf_counter()
        with psycopg.connect(autocommit=True, **_psycopg_params()) as conn:
            for table in self.tables:
                conn.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table.name)}")
        return time.perf_counter() - started

    def _report(self, index_seconds: dict[str, float], vacuum_seconds: float) -> dict[str, int]:
        counts = {table.name: table.rows for table in self.tables}
        self.out("")
        self.out(f"{'table':34} {'rows':>12} {'COPY s':>8} {'index s':>8}")
        for table in sorted(self.tables, key=lambda t: -t.rows):
            self.out(
                f"{table.name:34} {table.rows:12,} {self.writer.seconds.get(table.name, 0):8.1f} "
                f"{index_seconds.get(table.name, 0):8.1f}"
            )
        self.out(f"{'total':34} {sum(counts.values()):12,}")
        for name, seconds in self.phase_seconds.items():
            self.out(f"  generate {name:30} {seconds:8.1f}s")
        self.out(f"  (of which waiting for the COPY {self.writer.waited:14.1f}s)")
        self.out(f"  indexes and constraints {sum(index_seconds.values()):22.1f}s")
        self.out(f"  vacuum analyse {vacuum_seconds:31.1f}s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
        self.out(
            f"database size {size}; peak memory {peak} MiB; "
            f"total {time.perf_counter() - self.began:.1f}s"
        )
        return counts

    # -- reference data ----------------------------------------------------------------------------

    def _read_reference(self) -> None:
        self.provinces: list[Prov] = []
        by_id: dict[int, Prov] = {}
        for pk, code, name in Province.objects.order_by("code").values_list("pk", "code", "name"):
            province = Prov(pk, code, name)
            province.weight = PROVINCE_WEIGHTS.get(code, 1.0)
            self.provinces.append(province)
            by_id[pk] = province
        self.counties: dict[int, Cty] = {}
        for pk, code, name, province_id in County.objects.order_by("code").values_list(
            "pk", "code", "name", "province_id"
        ):
            county = Cty(pk, code, name, by_id[province_id])
            by_id[province_id].counties.append(county)
            self.counties[pk] = county
        for province in self.provinces:
            capital_code = CAPITAL_COUNTIES.get(province.code)
            capital = next(
                (c for c in province.counties if c.code == capital_code), province.counties[0]
            )
            province.capital = capital
            others = [c for c in province.counties if c is not capital]
            # The capital takes the largest share; the rest fall off Zipf-like.
            capital.weight = 2.5 + 0.15 * len(others)
            for rank, county in enumerate(others, start=1):
                county.weight = 1.0 / rank**0.7
            province.county_cum = _cumulative([c.weight for c in province.counties])
        for pk, county_id, name in IndustrialEstate.objects.values_list("pk", "county_id", "name"):
            estate_county = self.counties.get(county_id) if county_id else None
            if estate_county is not None:
                estate_county.estates.append((pk, name))
        self.qazvin = next(p for p in self.provinces if p.code == MEASURED_PROVINCE)
        self.categories = [
            Cat(pk, code, name, days)
            for pk, code, name, days in Category.objects.order_by("order", "code").values_list(
                "pk", "code", "name", "response_days"
            )
        ]
        if not self.categories:
            raise SystemExit("No obstacle categories: run `manage.py load_reference` first.")
        self.category_cum = _cumulative([c.weight for c in self.categories])
        self.cat_by_id = {c.id: c for c in self.categories}
        self.banking = next((c for c in self.categories if c.code == "banking"), self.categories[0])
        self.template_agencies = list(
            Agency.objects.filter(province=self.qazvin.id)
            .order_by("pk")
            .values_list("pk", "code", "name", "name_en")
        )
        self.existing_agencies = {
            (province_id, code): (pk, name)
            for pk, province_id, code, name in Agency.objects.values_list(
                "pk", "province_id", "code", "name"
            )
        }
        self.existing_defaults = set(
            DefaultAgency.objects.values_list("province_id", "category_id")
        )
        self.template_defaults = {
            category_id: code
            for category_id, code in DefaultAgency.objects.filter(
                province=self.qazvin.id
            ).values_list("category_id", "agency__code")
        }
        activities = list(
            Activity.objects.select_related("section").values_list(
                "pk", "code", "name", "name_en", "section__code"
            )
        )
        self.activities = {pk: (code, name, name_en) for pk, code, name, name_en, _s in activities}
        self.manufacturing = [pk for pk, _c, _n, _e, section in activities if section == "C"]
        self.other_activities = [pk for pk, _c, _n, _e, section in activities if section != "C"]
        self.sectors = list(Sector.objects.order_by("pk").values_list("pk", "name"))
        self.sector_of_activity: dict[int, int] = {}
        for sector_id, activity_id in Sector.activities.through.objects.values_list(
            "sector_id", "activity_id"
        ):
            self.sector_of_activity.setdefault(activity_id, sector_id)
        self.countries = list(Country.objects.order_by("code").values_list("pk", "code"))
        self.groups = list(CountryGroup.objects.order_by("code").values_list("pk", "code"))

    def _gen_reference(self) -> None:
        """Agencies and default agencies for the provinces without curated ones (mirroring
        Qazvin's), and an industrial estate per county outside Qazvin."""
        rng = self.rng("reference")
        qazvin_name = self.qazvin.name
        existing = self.existing_agencies
        for province in self.provinces:
            for _pk, code, name, name_en in self.template_agencies:
                found = existing.get((province.id, code))
                if found is None:
                    pk = self.t_agency.take()
                    local = name.replace(f"استان {qazvin_name}", f"استان {province.name}").replace(
                        qazvin_name, province.capital.name
                    )
                    english = " ".join(w for w in name_en.split() if w != "Qazvin")
                    self.t_agency.add(pk, local, english, province.id, code, True)
                    found = (pk, local)
                agency = Ag(found[0], code, found[1], province)
                province.agencies.append(agency)
                province.by_code[code] = agency
            for category in self.categories:
                code = self.template_defaults.get(category.id, "smt")
                agency = province.by_code.get(code) or province.agencies[0]
                province.default[category.id] = agency
                if (province.id, category.id) not in self.existing_defaults:
                    self.t_default.add(self.t_default.take(), province.id, category.id, agency.id)
            if province is self.qazvin:
                continue
            for county in province.counties:
                if county.estates:
                    continue
                kind = "industrial_city" if county is province.capital else "industrial_estate"
                label = "شهر صنعتی" if kind == "industrial_city" else "شهرک صنعتی"
                pk = self.t_estate.take()
                name = f"{label} {county.name}"
                self.t_estate.add(pk, name, "", province.id, county.id, kind)
                county.estates.append((pk, name))
                if county is province.capital and rng.random() < 0.8:
                    pk = self.t_estate.take()
                    name = f"ناحیه صنعتی {county.name}"
                    self.t_estate.add(pk, name, "", province.id, county.id, "industrial_zone")
                    county.estates.append((pk, name))

    # -- users -------------------------------------------------------------------------------------

    def _gen_users(self) -> None:
        rng = self.rng("users")
        # A fixed salt keeps the database reproducible; the password is published anyway.
        self.password = make_password(BENCH_PASSWORD, salt="benchmarktashil1404")
        self.joined = self.office(rng, self.start - 400)
        self.admin = self._user(rng, ADMIN_USERNAME, staff=True)
        self._grant(self.admin, Role.ADMINISTRATOR)
        for province in self.provinces:
            code = province.code
            province.sec = [self._user(rng, bench_username(Role.SECRETARIAT, code))]
            province.sec.append(self._user(rng, f"gen-secretariat-{code}-2"))
            for user in province.sec:
                self._grant(user, Role.SECRETARIAT, province=province.id)
            province.experts = [self._user(rng, bench_username(Role.EXPERT, code))]
            province.experts += [self._user(rng, f"gen-expert-{code}-{n}") for n in (2, 3)]
            for user in province.experts:
                self._grant(user, Role.EXPERT, province=province.id)
            # The measured expert reviews half the province's cases.
            province.expert_cum = _cumulative([2.0, 1.0, 1.0])
            province.executive = self._user(rng, bench_username(Role.EXECUTIVE, code))
            self._grant(province.executive, Role.EXECUTIVE, province=province.id)
            for county in province.counties:
                name = (
                    bench_username(Role.COUNTY_SECRETARIAT, code)
                    if county is province.capital
                    else f"gen-county-{county.code}"
                )
                county.sec = self._user(rng, name)
                self._grant(
                    county.sec, Role.COUNTY_SECRETARIAT, county=county.id, province=province.id
                )
            for agency in province.agencies:
                measured = agency.code == MEASURED_AGENCY
                officers = []
                if measured:
                    officers.append(self._user(rng, bench_username(Role.AGENCY_OFFICER, code)))
                officers.append(self._user(rng, f"gen-officer-{code}-{agency.code}"))
                for user in officers:
                    self._grant(user, Role.AGENCY_OFFICER, agency=agency.id, province=province.id)
                province.officers[agency.id] = officers
                head_name = (
                    bench_username(Role.AGENCY_HEAD, code)
                    if measured
                    else f"gen-head-{code}-{agency.code}"
                )
                head = self._user(rng, head_name)
                self._grant(head, Role.AGENCY_HEAD, agency=agency.id, province=province.id)
                province.heads[agency.id] = head

    def _user(self, rng: random.Random, username: str, *, staff: bool = False) -> Usr:
        pk = self.t_user.take()
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        joined = self.days.stamp(self.joined + rng.randint(0, 3600))
        self.t_user.add(
            pk,
            self.password,
            None,
            staff,
            username,
            first,
            last,
            f"{username}@bench.tashil.local",
            staff,
            True,
            joined,
            "",
            "",
        )
        self.t_account_event.add(self.t_account_event.take(), pk, None, "created", {}, joined)
        return Usr(pk, f"{first} {last}")

    def _grant(
        self,
        user: Usr,
        role: str,
        *,
        province: int | None = None,
        county: int | None = None,
        agency: int | None = None,
        company: int | None = None,
        at: int | None = None,
    ) -> None:
        moment = self.days.stamp(at if at is not None else self.joined + 3600)
        self.t_role.add(
            self.t_role.take(), user.id, role, province, county, agency, company, None, moment
        )
        label = self._role_labels.get(role)
        if label is None:
            label = self._role_labels[role] = str(Role(role).label)
        self.t_account_event.add(
            self.t_account_event.take(),
            user.id,
            None,
            "role_granted",
            {"role": role, "scope": label},
            moment,
        )

    # -- companies ---------------------------------------------------------------------------------

    def _national_ids(self) -> Any:
        """Valid, unique 11-digit national IDs: a permutation of a counter, then the check
        digit (core.identifiers)."""
        weights = (29, 27, 23, 19, 17)
        k = 0
        while True:
            k += 1
            ten = "1" + f"{(k * 7_654_321 + 1_234_567) % 1_000_000_000:09d}"
            if ten[3:9] == "000000":
                continue
            digits = [int(c) for c in ten]
            t = digits[9] + 2
            s = sum((digits[i] + t) * weights[i % 5] for i in range(10)) % 11
            if s == 10:
                s = 0
            yield ten + str(s)

    def _company_name(self, rng: random.Random, county: Cty, knowledge_based: bool) -> str:
        brand = rng.choice(BRANDS)
        if knowledge_based:
            spelling = rng.choice(KNOWLEDGE_BASED_SPELLINGS)
            name = f"شرکت {spelling} {brand} {rng.choice(TECH_WORDS)}"
        else:
            prefix = rng.choice(NAME_PREFIXES)
            industry = rng.choice(INDUSTRIES)
            second = rng.choice(BRANDS)
            if rng.random() < 0.25:
                second = county.name
            name = (
                f"{prefix} {industry} {brand} {second}"
                if second != brand
                else f"{prefix} {industry} {brand}"
            )
        name += rng.choice(NAME_SUFFIXES)
        if rng.random() < 0.07:
            # Typed on an Arabic keyboard: search must still meet it.
            name = name.replace("ی", "ي").replace("ک", "ك")
        return name

    def _gen_companies(self) -> None:
        rng = self.rng("companies")
        days = self.days
        stamp = days.stamp
        n = self.sizes["companies"]
        per_province = _largest_remainder([p.weight for p in self.provinces], n)
        # Every province gets a company at least, taken from the largest.
        for i, count in enumerate(per_province):
            if count == 0:
                j = max(range(len(per_province)), key=lambda k: per_province[k])
                per_province[j] -= 1
                per_province[i] = 1
        certified_total = self.sizes["certified"]
        certified_share = certified_total / n
        ids = self._national_ids()
        self.companies: list[Co] = []
        licence_seq = 0
        certificate_seq = 0
        change_day = days.index(CLASS_SET_CHANGED_ON)
        first_cert_day = days.index(dt.date(2017, 3, 21))
        registered_from = self.start - 400
        for province, count in zip(self.provinces, per_province, strict=True):
            smt = province.by_code.get("smt")
            issuer = smt.name if smt else ""
            for _ in range(count):
                county = province.counties[
                    bisect.bisect_left(province.county_cum, rng.random() * province.county_cum[-1])
                ]
                co = Co()
                co.id = self.t_company.take()
                co.province = province
                co.county = county
                co.estate = None
                if county.estates and rng.random() < 0.6:
                    co.estate = rng.choice(county.estates)
                certified = rng.random() < certified_share
                kb_name = (certified and rng.random() < 0.6) or (
                    not certified and rng.random() < 0.045
                )
                co.name = self._company_name(rng, county, kb_name)
                co.national_id = next(ids)
                economic = co.national_id if rng.random() < 0.8 else ""
                co.activity = (
                    rng.choice(self.manufacturing)
                    if rng.random() < 0.85 or not self.other_activities
                    else rng.choice(self.other_activities)
                )
                co.employees = max(3, min(5000, int(rng.lognormvariate(3.3, 1.0))))
                place = co.estate[1] if co.estate else rng.choice(STREETS)
                co.address = f"{province.name}، {county.name}، {place}، پلاک {rng.randint(1, 250)}"
                registered = self.office(rng, rng.randint(registered_from, self.start - 1))
                founded = days.index(dt.date(rng.randint(1985, 2019), 1, 1)) + rng.randint(0, 364)
                founded = max(0, min(founded, registered // 86400))
                # The status history: the newest row is the current status.
                history = self._status_history(rng, founded)
                co.status = history[-1][0]
                weight = rng.lognormvariate(0.0, 0.75)
                weight *= {"idle": 1.6, "partly_operating": 1.4, "closed": 0.3}.get(co.status, 1.0)
                co.weight = weight
                co.rep = None
                co.last_case = None
                # The representatives who file and follow cases on the portal.
                if rng.random() < 0.35:
                    co.rep = self._user(rng, f"gen-rep-{co.national_id}")
                    self._grant(
                        co.rep,
                        Role.COMPANY_REP,
                        company=co.id,
                        province=province.id,
                        at=registered + 600,
                    )
                products = rng.sample(PRODUCTS, rng.randint(1, 4))
                product_rows = []
                for name, hs in products:
                    pk = self.t_product.take()
                    product_rows.append((name, pk, hs if rng.random() < 0.8 else ""))
                # Certificates (issued, maybe renewed, some revoked).
                certificates: list[tuple[int, str, str, int, int, int | None, str, int]] = []
                if certified:
                    issued = rng.randint(first_cert_day, self.today - 30)
                    for _round in range(3):
                        term = rng.choice((3 * 365, 3 * 365, 2 * 365))
                        expires = issued + term
                        revoked = None
                        if rng.random() < 0.03:
                            revoked = rng.randint(issued, min(expires, self.today))
                        certificate_seq += 1
                        if issued < change_day:
                            klass = rng.choice(
                                (
                                    "production_1",
                                    "production_2",
                                    "startup_1",
                                    "startup_2",
                                    "production_3",
                                )
                            )
                        else:
                            klass = rng.choice(("startup", "innovator", "technologist"))
                        jy = jdatetime.date.fromgregorian(date=days.dates[issued]).year
                        lines = "\n".join(rng.sample(KB_PRODUCTS, rng.randint(1, 3)))
                        pk = self.t_certificate.take()
                        at = max(self.office(rng, issued), registered + 1200)
                        certificates.append(
                            (
                                pk,
                                f"{jy}{certificate_seq:06d}",
                                klass,
                                issued,
                                expires,
                                revoked,
                                lines,
                                at,
                            )
                        )
                        # Renewed before or soon after it ran out, unless revoked.
                        if revoked is not None or expires >= self.today - 20 or rng.random() > 0.55:
                            break
                        issued = min(self.today - 1, expires + rng.randint(-60, 20))
                document = " ".join(
                    key
                    for key in (
                        self._ck(part)
                        for part in self._document_parts(co, economic, product_rows, certificates)
                        if part
                    )
                    if key
                )
                events: list[tuple[int, str, dict[str, Any]]] = [
                    (
                        registered,
                        "created",
                        {
                            "legal_name": co.name,
                            "national_id": co.national_id,
                            "county": county.name,
                            "status": history[0][0],
                        },
                    )
                ]
                actor = province.sec[0].id
                previous = None
                for status, since in history:
                    recorded = (
                        registered
                        if previous is None
                        else max(registered + 60, self.office(rng, since))
                    )
                    self.t_status.add(
                        self.t_status.take(),
                        co.id,
                        status,
                        days.iso[since],
                        "",
                        None if previous is None else actor,
                        stamp(recorded),
                    )
                    if previous is not None:
                        events.append(
                            (
                                recorded,
                                "status_changed",
                                {
                                    "status": [previous, status],
                                    "since": days.iso[since],
                                    "note": "",
                                },
                            )
                        )
                    previous = status
                licence_kind = "establishment" if co.status == "under_construction" else "operating"
                licence_seq += 1
                issued_on = founded
                self.t_licence.add(
                    self.t_licence.take(),
                    co.id,
                    licence_kind,
                    f"{province.code}{licence_seq:07d}",
                    issuer,
                    days.iso[issued_on],
                    days.iso[issued_on + 5 * 365] if rng.random() < 0.5 else None,
                )
                events.append(
                    (
                        registered + 120,
                        "licence_added",
                        {
                            "kind": licence_kind,
                            "number": f"{province.code}{licence_seq:07d}",
                            "issued_on": days.iso[issued_on],
                        },
                    )
                )
                for name, pk, hs in product_rows:
                    self.t_product.add(pk, co.id, name, hs)
                    events.append(
                        (registered + 180, "product_added", {"name": name, "hs_code": hs})
                    )
                self.t_contact.add(
                    self.t_contact.take(),
                    co.id,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "مدیرعامل",
                    f"0912{rng.randint(1_000_000, 9_999_999)}",
                    "",
                )
                for pk, number, klass, issued, expires, revoked, lines, at in certificates:
                    self.t_certificate.add(
                        pk,
                        co.id,
                        number,
                        klass,
                        days.iso[issued],
                        days.iso[expires],
                        days.iso[revoked] if revoked is not None else None,
                        lines,
                        stamp(at),
                    )
                    events.append(
                        (
                            at,
                            "certificate_added",
                            {
                                "number": number,
                                "class": klass,
                                "issued_on": days.iso[issued],
                                "expires_on": days.iso[expires],
                            },
                        )
                    )
                    if revoked is not None:
                        moment = max(at + 60, self.office(rng, revoked))
                        events.append(
                            (
                                moment,
                                "certificate_revoked",
                                {"number": number, "revoked_on": days.iso[revoked], "reason": ""},
                            )
                        )
                last_event = registered
                for moment, kind, changes in events:
                    self.t_company_event.add(
                        self.t_company_event.take(),
                        co.id,
                        None if kind == "created" else actor,
                        kind,
                        changes,
                        stamp(moment),
                    )
                    last_event = max(last_event, moment)
                status_since = days.iso[history[-1][1]]
                self.t_company.add(
                    co.id,
                    co.national_id,
                    economic,
                    co.name,
                    search_key(co.name),
                    document,
                    province.id,
                    county.id,
                    co.estate[0] if co.estate else None,
                    co.activity,
                    co.address,
                    str(rng.randint(1_000_000_000, 9_999_999_999)),
                    co.status,
                    status_since,
                    co.employees,
                    rng.randint(1, 2000) * 10**9 if rng.random() < 0.35 else None,
                    rng.randint(1, 300) * 10**8 if rng.random() < 0.2 else None,
                    rng.randint(1, 300) * 10**8 if rng.random() < 0.2 else None,
                    stamp(registered),
                    stamp(last_event),
                )
                province.companies.append(co)
                self.companies.append(co)
        self._choose_measured_companies(rng)
        self._gen_targets(rng)

    def _document_parts(
        self,
        co: Co,
        economic: str,
        products: list[tuple[str, int, str]],
        certificates: list[tuple[int, str, str, int, int, int | None, str, int]],
    ) -> list[str]:
        """`registry.services.company_search_document`'s parts, in its order: products by
        (name, id), certificates by (-expires_on, -id)."""
        parts = [co.name, co.national_id, economic]
        code, name, name_en = self.activities[co.activity]
        parts += [code, name, name_en]
        for product_name, _pk, hs in sorted(products, key=lambda p: (p[0], p[1])):
            parts += [product_name, hs]
        for certificate in sorted(certificates, key=lambda c: (-c[4], -c[0])):
            parts += certificate[6].splitlines()
        return parts

    def _status_history(self, rng: random.Random, founded: int) -> list[tuple[str, int]]:
        """(status, since) oldest first; changes fall in the five years."""

        def within() -> int:
            return rng.randint(self.start, self.today - 1)

        r = rng.random()
        if r < 0.55:
            return [("operating", founded)]
        if r < 0.65:
            return [("operating", founded), ("partly_operating", within())]
        if r < 0.73:
            return [("operating", founded), ("idle", within())]
        if r < 0.80:
            first, second = sorted((within(), within()))
            # Revived: idle, then back at work (the figure "idle units revived").
            return [
                ("operating", founded),
                ("idle", first),
                (rng.choice(("operating", "partly_operating")), max(first + 1, second)),
            ]
        if r < 0.84:
            first, second = sorted((within(), within()))
            return [("operating", founded), ("idle", first), ("closed", max(first + 1, second))]
        recent = max(founded, self.start - 700)
        if r < 0.92:
            return [("under_construction", recent)]
        return [("under_construction", recent), ("operating", max(recent + 1, within()))]

    def _choose_measured_companies(self, rng: random.Random) -> None:
        """Each province's benchmark representative follows its company with most cases; in
        Qazvin it is made to file dozens (at SCALE=1) so the measured pages have rows."""
        for province in self.provinces:
            candidates = [
                c for c in province.companies if c.county is province.capital
            ] or province.companies
            best = max(candidates, key=lambda c: (c.weight, -c.id))
            if province is self.qazvin:
                # Dozens of cases at SCALE=1 (a few at a tiny scale): the weight that gives the
                # company that share of the province's expected cases.
                expected = (
                    self.sizes["cases"] * province.weight / sum(p.weight for p in self.provinces)
                )
                wanted = min(max(5.0, 60.0 * self.scale), expected / 3)
                others = sum(c.weight for c in province.companies) - best.weight
                if expected > wanted and others > 0:
                    best.weight = wanted * others / (expected - wanted)
            rep = self._user(rng, bench_username(Role.COMPANY_REP, province.code))
            self._grant(rep, Role.COMPANY_REP, company=best.id, province=province.id)
            # The benchmark user files the company's portal cases (a generated one may hold the
            # role too).
            best.rep = rep
        for province in self.provinces:
            province.company_cum = _cumulative([c.weight for c in province.companies])
        self.province_cum = _cumulative([p.weight for p in self.provinces])

    def _gen_targets(self, rng: random.Random) -> None:
        days = self.days
        jy = jdatetime.date.fromgregorian(date=self.today_date).year
        year_end = days.index(jdatetime.date(jy, 12, 29).togregorian())
        for province in self.provinces:
            active = max(
                1,
                round(
                    len(province.companies)
                    * self.sizes["certified"]
                    / self.sizes["companies"]
                    * 0.7
                ),
            )
            for back, factor in ((400, 1.1), (30, 1.3)):
                self.t_target.add(
                    self.t_target.take(),
                    province.id,
                    max(1, round(active * factor)),
                    days.iso[year_end - back + 30],
                    "",
                    province.sec[0].id,
                    days.stamp(self.office(rng, self.today - back)),
                )

    # -- bodies and meetings -----------------------------------------------------------------------

    def _gen_bodies(self) -> None:
        rng = self.rng("meetings")
        bodies: list[Bod] = []
        weights: list[float] = []
        county_share_total = 7_910.0
        total_weight = sum(p.weight for p in self.provinces)
        for province in self.provinces:
            members_all = province.agencies
            hq = self._body(
                rng,
                province,
                "provincial",
                None,
                None,
                f"ستاد تسهیل و رفع موانع تولید استان {province.name}",
                "Production Facilitation HQ",
                2 if province is self.qazvin else rng.choice((5, 6, 0, 1, 2)),
                dt.time(9, 0),
                f"سالن جلسات استانداری {province.name}",
                f"استاندار {province.name}",
                rng.randint(100, 200),
                members_all,
            )
            province.hq = hq
            bodies.append(hq)
            weights.append(52.0 * YEARS)
            wg_members = [
                province.by_code[c]
                for c in ("banks", "smt", "governorate", "planning", "tax", "social_security")
                if c in province.by_code
            ]
            wg = self._body(
                rng,
                province,
                "working_group",
                None,
                self.banking,
                f"کارگروه تخصصی {self.banking.name} استان {province.name}",
                "Banking and financing working group",
                6,
                dt.time(10, 0),
                f"سازمان صنعت، معدن و تجارت استان {province.name}",
                "معاون اقتصادی استاندار",
                rng.randint(1, 40),
                wg_members,
            )
            province.wg = wg
            bodies.append(wg)
            weights.append(26.0 * YEARS)
            county_total = sum(c.weight for c in province.counties)
            county_members = [
                province.by_code[c]
                for c in (
                    "smt",
                    "governorate",
                    "tax",
                    "social_security",
                    "banks",
                    "electricity",
                    "gas",
                    "water",
                    "municipality",
                )
                if c in province.by_code
            ]
            for county in province.counties:
                body = self._body(
                    rng,
                    province,
                    "county",
                    county,
                    None,
                    f"ستاد تسهیل و رفع موانع تولید شهرستان {county.name}",
                    "County Production Facilitation HQ",
                    rng.choice((5, 6, 0, 1, 2)),
                    dt.time(10, 0),
                    f"فرمانداری {county.name}",
                    f"فرماندار {county.name}",
                    rng.randint(1, 80),
                    county_members,
                )
                county.body = body
                bodies.append(body)
                weights.append(
                    county_share_total
                    * province.weight
                    / total_weight
                    * county.weight
                    / county_total
                )
        counts = _largest_remainder(weights, self.sizes["meetings"])
        for body, count in zip(bodies, counts, strict=True):
            if body is self.qazvin.hq:
                count = max(count, 4)
            self._schedule(rng, body, count)
        self.bodies = bodies

    def _body(
        self,
        rng: random.Random,
        province: Prov,
        kind: str,
        county: Cty | None,
        category: Cat | None,
        name: str,
        name_en: str,
        weekday: int,
        at: dt.time,
        place: str,
        chair: str,
        first_number: int,
        members: Sequence[Ag],
    ) -> Bod:
        pk = self.t_body.take()
        self.t_body.add(
            pk,
            province.id,
            kind,
            county.id if county else None,
            category.id if category else None,
            name,
            name_en,
            weekday,
            at.isoformat(),
            place,
            chair,
            first_number,
            True,
        )
        body = Bod(pk, province, kind, name)
        body.county = county
        body.members = list(members)
        for agency in members:
            self.t_member.add(self.t_member.take(), pk, agency.id)
        body.meetings = []
        body.starts = []
        # Kept for the meetings' rows.
        body_info = (weekday, at, place, chair, first_number)
        self._body_info[pk] = body_info
        return body

    def _schedule(self, rng: random.Random, body: Bod, count: int) -> None:
        """`count` numbered sessions of `body` on its weekday, spread over the five years; with
        four or more, the last is the next one, planned after today."""
        if count <= 0:
            return
        days = self.days
        weekday, at, place, chair, first_number = self._body_info[body.id]
        secretary = (body.county.sec if body.county else body.province.sec[0]) or body.province.sec[
            0
        ]
        first = self.start + 7
        past = count - 1 if count >= 4 else count
        span = (self.today - 1) - first
        day_list: list[int] = []
        for i in range(past):
            day = first + int((i + 0.5) * span / past)
            while days.dates[day].weekday() != weekday or not days.working[day]:
                day += 1
            if day_list and day <= day_list[-1]:
                day = day_list[-1] + 1
                while days.dates[day].weekday() != weekday or not days.working[day]:
                    day += 1
            if day >= self.today:
                break
            day_list.append(day)
        if count >= 4 or not day_list:
            day = self.today + 1
            while days.dates[day].weekday() != weekday or not days.working[day]:
                day += 1
            day_list.append(day)
        seconds = at.hour * 3600 + at.minute * 60
        previous_close: int | None = None
        for i, day in enumerate(day_list):
            m = Mtg()
            m.id = self.t_meeting.take()
            m.body = body
            m.number = first_number + i
            m.start = day * 86400 + seconds
            m.secretary = secretary
            created = (
                (previous_close + rng.randint(1_800, 7_200))
                if previous_close
                else m.start - 7 * 86400
            )
            m.created = min(created, m.start - 3_600)
            close = m.start + rng.randint(7_200, 12_600)
            cancelled = 0 < i < len(day_list) - 1 and m.start < self.now and rng.random() < 0.02
            if cancelled:
                m.status = "cancelled"
                m.close = None
            elif close <= self.now:
                m.status = "closed"
                m.close = close
            else:
                m.status = "planned"
                m.close = None
            sent_day = days.before_wd(day, 2)
            sent = max(m.created + 600, self.office(rng, sent_day))
            m.sent = (
                sent if sent < m.start and sent <= self.now and m.status != "cancelled" else None
            )
            previous_close = m.close or m.start
            if m.created > self.now:
                continue  # not planned yet
            body.meetings.append(m)
            body.starts.append(m.start)
            self.t_meeting.add(
                m.id,
                body.id,
                m.number,
                self.days.stamp(m.start),
                place,
                chair,
                m.status,
                "",
                "",
                self.days.stamp(m.sent) if m.sent else None,
                self.days.stamp(m.close) if m.close else None,
                secretary.id,
                self.days.stamp(m.created),
            )

    def next_meeting(self, body: Bod | None, after: int) -> Mtg | None:
        """The body's first session not cancelled starting at least a day after `after`."""
        if body is None:
            return None
        i = bisect.bisect_left(body.starts, after + 86400)
        while i < len(body.meetings):
            m = body.meetings[i]
            if m.status != "cancelled":
                return m
            i += 1
        return None

    # -- cases -------------------------------------------------------------------------------------

    def _case_days(self, rng: random.Random) -> list[int]:
        """Cases filed per day: growing over the years, few on weekends and holidays."""
        days = self.days
        span = self.today - self.start
        weights = []
        for i in range(span):
            day = self.start + i
            growth = 1.0 + 1.5 * i / span
            if not days.working[day]:
                growth *= 0.12
            elif days.dates[day].weekday() == 3:  # Thursday: half the offices
                growth *= 0.55
            weights.append(growth * rng.uniform(0.8, 1.2))
        return _largest_remainder(weights, self.sizes["cases"])

    def _gen_cases(self) -> None:
        rng = self.rng("cases")
        self.rng_text = self.rng("texts")
        self.resolutions_made = 0
        self.res_seq = 0
        per_day = self._case_days(rng)
        n = self.sizes["cases"]
        index = 0
        report_every = max(1, n // 10)
        for offset, count in enumerate(per_day):
            day = self.start + offset
            moments = sorted(day * 86400 + rng.randint(25_200, 63_000) for _ in range(count))
            for t in moments:
                if t > self.now:
                    t = self.now - rng.randint(60, 3_600)
                self._case(rng, index, t)
                index += 1
                if index % report_every == 0:
                    self.log(
                        f"cases {index:,}/{n:,}: {self.t_referral.rows:,} referrals, "
                        f"{self.t_case_event.rows:,} events, {self.resolutions_made:,} resolutions"
                    )

    def _tracking(self, index: int) -> str:
        """A unique, random-looking tracking number with its check character
        (cases.tracking): a permutation of the case's index over the 23⁷ bodies."""
        value = (index * 1_000_003 + 7_777_777) % 23**7
        chars = []
        for _ in range(7):
            value, digit = divmod(value, 23)
            chars.append(ALPHABET[digit])
        body = "".join(chars)
        return body + check_character(body)

    def _ck(self, text: str) -> str:
        """`compact_key`, memoised: names, products and phrases repeat."""
        key = self._compact_keys.get(text)
        if key is None:
            key = self._compact_keys[text] = compact_key(text)
        return key

    def _title_key(self, title: str) -> str:
        # Titles come from templates: a few thousand distinct ones, each keyed once.
        key = self._title_keys.get(title)
        if key is None:
            key = self._title_keys[title] = search_key(title)
        return key

    def _title(self, rng: random.Random, category: Cat) -> str:
        template = rng.choice(CASE_TITLES.get(category.code, CASE_TITLES["other"]))
        year = rng.randint(1398, 1403)
        return template.format(
            bank=rng.choice(BANKS),
            purpose=rng.choice(PURPOSES),
            year=year,
            year2=year + 1,
            port=rng.choice(PORTS),
            material=rng.choice(MATERIALS),
            product=rng.choice(PRODUCTS)[0],
            destination=rng.choice(DESTINATIONS),
        )

    def _case(self, rng: random.Random, index: int, t: int) -> None:
        province = self.provinces[
            bisect.bisect_left(self.province_cum, rng.random() * self.province_cum[-1])
        ]
        co = province.companies[
            bisect.bisect_left(province.company_cum, rng.random() * province.company_cum[-1])
        ]
        category = self.categories[
            bisect.bisect_left(self.category_cum, rng.random() * self.category_cum[-1])
        ]
        c = CaseSim()
        c.id = self.t_case.take()
        c.tracking = self._tracking(index)
        c.t = t
        c.status = CaseStatus.SUBMITTED
        c.province = province
        c.county = co.county
        c.company = co
        c.category = category
        r = rng.random()
        if co.rep is not None and r < 0.6:
            c.channel, c.filer = "portal", co.rep
        elif r < 0.72:
            c.channel, c.filer = "county_hq", co.county.sec
        elif r < 0.75:
            c.channel, c.filer = rng.choice(("open311", "api")), co.rep or province.sec[0]
        else:
            c.channel = rng.choice(("walk_in", "letter", "letter", "phone", "field_visit"))
            c.filer = rng.choice(province.sec)
        c.title = self._title(rng, category)
        c.assignee = None
        c.outcome = ""
        c.confirm_until = None
        c.satisfaction = None
        c.paused_at = None
        c.returned_from = ""
        c.merged_into = None
        c.results = None
        c.refs = []
        c.changed = t
        c.returned = c.reopened = c.referred_more = False
        c.postponed = 0
        c.agenda_tries = 0
        c.final_at = None
        c.filed = t
        # How fast this case moves (every wait of the secretariat and the company scales by
        # it), and, for a few, the step after which nobody moves it any more: the neglected
        # cases that sit in the overdue lists for years.
        c.pace = rng.lognormvariate(0.0, 0.5)
        c.stuck = rng.randint(2, 6) if rng.random() < 0.05 else 0
        self.ev(c, t, "filed", c.filer, to="submitted", payload=f'{{"channel":"{c.channel}"}}')
        route: str | None = "start"
        steps = 0
        while route is not None:
            steps += 1
            if c.stuck and steps >= c.stuck and route != "closing":
                break
            route = getattr(self, f"_r_{route}")(rng, c)
        self._finish_case(rng, c)

    # A case's events. `actor` is a Usr or None (the system).
    def ev(
        self,
        c: CaseSim,
        t: int,
        kind: str,
        actor: Usr | None,
        *,
        frm: str = "",
        to: str = "",
        reason: str = "",
        data: dict[str, Any] | None = None,
        referral: int | None = None,
        case_id: int | None = None,
        payload: str | None = None,
    ) -> None:
        """A CaseEvent row; `payload` is `data` already as JSON (the hot events build it by
        hand: one encoder call per event would be a third of the generator's time)."""
        if payload is None:
            payload = _esc(_json(data)) if data else "{}"
        table = self.t_case_event
        table.raw(
            f"{table.take()}\t{case_id or c.id}\t{NULL if referral is None else referral}\t"
            f"{NULL if actor is None else actor.id}\t{kind}\t{frm}\t{to}\t{_esc(reason)}\t"
            f"{payload}\t{self.days.stamp(t)}"
        )

    def move(
        self,
        c: CaseSim,
        t: int,
        to: str,
        action: str,
        actor: Usr | None,
        *,
        reason: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        """`services._transition`: the event, the status, the pause cleared when leaving
        `returned_for_info`, open referrals withdrawn on an outcome or a final state."""
        source = c.status
        payload = _action_json(action) if not data else _esc(_json({"action": action, **data}))
        self.ev(c, t, "transition", actor, frm=source, to=to, reason=reason, payload=payload)
        c.status = to
        c.changed = t
        if source == CaseStatus.RETURNED_FOR_INFO:
            c.paused_at = None
            c.returned_from = ""
        if to in ("rejected", "closed", "merged", "resolved", "unresolved", "escalated_national"):
            for ref in c.refs:
                if ref.status == "open":
                    self._close_referral(c, ref, t, "withdrawn", actor)
        if to in ("rejected", "closed", "merged"):
            c.final_at = t

    def sec(self, rng: random.Random, c: CaseSim) -> Usr:
        """Who acts for the secretariat: mostly the county's for a case its county HQ filed,
        else the province's (the measured user three times in four)."""
        if c.channel == "county_hq" and c.county.sec is not None and rng.random() < 0.7:
            return c.county.sec
        return c.province.sec[0] if rng.random() < 0.75 else c.province.sec[1]

    # The routes: each advances the case from its status and returns the next route, or None
    # when "now" has been reached or the case is final.

    def _r_start(self, rng: random.Random, c: CaseSim) -> str | None:
        t = self.wait(rng, c, 0, 4)
        if t > self.now:
            return None
        c.t = t
        if rng.random() < 0.02 and self._merge(rng, c):
            return None
        self.move(c, t, "screening", "start_screening", self.sec(rng, c))
        return "screen"

    def _merge(self, rng: random.Random, c: CaseSim) -> bool:
        """Fold the case into the company's previous case, if that one is still open."""
        target = c.company.last_case
        if target is None:
            return False
        target_id, target_tracking, target_created, target_final = target
        if c.t - target_created > 120 * 86400 or (target_final is not None and target_final <= c.t):
            return False
        actor = self.sec(rng, c)
        c.merged_into = target_id
        self.move(
            c, c.t, "merged", "merge", actor, reason=MERGE_REASON, data={"into": target_tracking}
        )
        self.ev(
            c,
            c.t + 1,
            "merged_in",
            actor,
            reason=MERGE_REASON,
            data={"from": c.tracking, "files": []},
            case_id=target_id,
        )
        return True

    def _r_screen(self, rng: random.Random, c: CaseSim) -> str | None:
        t = self.wait(rng, c, 1, 8)
        if t > self.now:
            return None
        c.t = t
        r = rng.random()
        if r < 0.08 and not c.returned:
            return "pause"
        if r < 0.13:
            self.move(
                c, t, "rejected", "reject", self.sec(rng, c), reason=rng.choice(REJECT_REASONS)
            )
            return None
        if r < 0.145 and self._merge(rng, c):
            return None
        if r < 0.37:
            expert = c.province.experts[
                bisect.bisect_left(c.province.expert_cum, rng.random() * c.province.expert_cum[-1])
            ]
            c.assignee = expert
            self.move(
                c,
                t,
                "expert_review",
                "assign_expert",
                self.sec(rng, c),
                data={"expert": expert.name},
            )
            return "expert"
        if r < 0.41:
            self.move(c, t, "working_group", "to_working_group", self.sec(rng, c))
            return "working_group"
        if r < 0.455:
            return "agenda"
        return "refer"

    def _r_pause(self, rng: random.Random, c: CaseSim) -> str | None:
        """Returned for information: every deadline waits for the company."""
        source = c.status
        actor = c.assignee if source == "expert_review" and c.assignee else self.sec(rng, c)
        c.returned = True
        self.move(
            c, c.t, "returned_for_info", "return_for_info", actor, reason=rng.choice(RETURN_REASONS)
        )
        c.paused_at = c.t
        c.returned_from = source
        paused = c.t
        if rng.random() < 0.82:
            t = self.wait(rng, c, 2, 20)
            if t > self.now:
                return None
            c.t = t
            rep = c.company.rep
            self.move(
                c, t, source, "provide_info", rep or self.sec(rng, c), reason=rng.choice(INFO_TEXTS)
            )
            moved = self.days.wdb(paused // 86400, t // 86400)
            if moved > 0 and any(ref.status == "open" for ref in c.refs):
                rows = []
                for ref in c.refs:
                    if ref.status == "open":
                        old = ref.due
                        ref.due = self.days.add_wd(old, moved)
                        ref.paused = min(ref.paused + moved, MAX_RESPONSE_DAYS)
                        rows.append(
                            {
                                "agency": ref.agency.id,
                                "from": self.days.iso[old],
                                "to": self.days.iso[ref.due],
                            }
                        )
                self.ev(
                    c,
                    t + 1,
                    "deadlines_moved",
                    rep or self.sec(rng, c),
                    data={"working_days": moved, "referrals": rows},
                )
            return {"screening": "screen", "expert_review": "expert", "referred": "answers"}[source]
        t = self.after(rng, c.t, rng.randint(25, 40))
        if t > self.now:
            return None
        c.t = t
        self.move(c, t, "rejected", "reject", self.sec(rng, c), reason=REJECT_REASONS[2])
        return None

    def _r_expert(self, rng: random.Random, c: CaseSim) -> str | None:
        t = self.wait(rng, c, 5, 30)
        if t > self.now:
            return None
        c.t = t
        r = rng.random()
        if r < 0.05 and not c.returned:
            return "pause"
        if r < 0.55:
            return "refer"
        if r < 0.61:
            self.move(c, t, "working_group", "to_working_group", self.sec(rng, c))
            return "working_group"
        if r < 0.75:
            return "agenda"
        return "outcome"

    def _r_refer(self, rng: random.Random, c: CaseSim) -> str | None:
        """Refer to one or more agencies at once, each with its own deadline."""
        province = c.province
        first = province.default.get(c.category.id) or province.agencies[0]
        open_now = {ref.agency.id for ref in c.refs if ref.status == "open"}
        wanted = (
            rng.choice((1, 1, 2))
            if c.referred_more
            else rng.choices((1, 2, 3, 4), weights=(28, 36, 24, 12))[0]
        )
        pool = [first] + [
            province.by_code[code]
            for code in RELATED_AGENCIES.get(c.category.code, ())
            if code in province.by_code
        ]
        chosen: list[Ag] = []
        for agency in pool:
            if len(chosen) >= wanted:
                break
            if (
                agency.id not in open_now
                and agency not in chosen
                and (agency is first or rng.random() < 0.7)
            ):
                chosen.append(agency)
        while len(chosen) < wanted:
            agency = rng.choice(province.agencies)
            if agency.id not in open_now and agency not in chosen:
                chosen.append(agency)
        if not chosen:
            return "answers"
        actor = self.sec(rng, c)
        if c.status != "referred":
            self.move(
                c, c.t, "referred", "refer", actor, data={"agencies": [a.name for a in chosen]}
            )
        day = c.t // 86400
        text = self.rng_text
        for k, agency in enumerate(chosen):
            ref = Ref()
            ref.id = self.t_referral.take()
            ref.agency = agency
            ref.created = c.t + k
            days_allowed = c.category.days if rng.random() < 0.85 else rng.randint(5, 20)
            ref.due = self.days.add_wd(day, days_allowed)
            ref.status = "open"
            ref.answered = None
            ref.answered_by = None
            ref.answer = ""
            ref.extended = 0
            ref.ext_reason = ""
            ref.paused = 0
            ref.level = 0
            ref.late = False
            ref.request = text.choice(REQUEST_TEXTS).format(title=c.title)
            ref.created_by = actor
            c.refs.append(ref)
            self.ev(
                c,
                ref.created,
                "referred",
                actor,
                reason=ref.request,
                referral=ref.id,
                payload=(
                    f'{{"agency":{agency.jname},"days":{days_allowed},'
                    f'"due_on":"{self.days.iso[ref.due]}"}}'
                ),
            )
        return "pause_referred" if not c.returned and rng.random() < 0.04 else "answers"

    def _r_pause_referred(self, rng: random.Random, c: CaseSim) -> str | None:
        t = self.after(rng, c.t, rng.randint(1, 3))
        if t > self.now:
            return None
        c.t = t
        return "pause"

    def _r_answers(self, rng: random.Random, c: CaseSim) -> str | None:
        """The open referrals are answered (or not), late or on time, some after an extension
        and escalations; then the secretariat decides."""
        days = self.days
        latest = c.t
        waiting = False
        for ref in c.refs:
            if ref.status != "open" or ref.answered is not None:
                continue
            if rng.random() < 0.03:
                waiting = True
                continue  # never answers: escalated until the case moves on
            allowed = days.wdb(ref.created // 86400, ref.due)
            delay = max(0, round(allowed * ref.agency.pace * rng.lognormvariate(-0.35, 0.5)))
            sent_day = ref.created // 86400
            answer_day = (
                days.add_wd(sent_day, delay + ref.paused) if delay + ref.paused > 0 else sent_day
            )
            if answer_day > ref.due and rng.random() < 0.3:
                ask_day = days.before_wd(ref.due, 1)
                if ask_day > sent_day:
                    asked = self.office(rng, ask_day)
                    if asked <= self.now:
                        extra = rng.randint(2, self.max_extension)
                        old = ref.due
                        ref.due = days.add_wd(max(old, ask_day), extra)
                        ref.extended = extra
                        ref.ext_reason = rng.choice(EXTENSION_REASONS)
                        self.ev(
                            c,
                            asked,
                            "extended",
                            self._officer(rng, c, ref),
                            reason=ref.ext_reason,
                            referral=ref.id,
                            data={
                                "agency": ref.agency.name,
                                "days": extra,
                                "from": days.iso[old],
                                "to": days.iso[ref.due],
                            },
                        )
            answered = (
                self.office(rng, answer_day)
                if answer_day > sent_day
                else ref.created + rng.randint(1_800, 14_400)
            )
            answered = max(answered, c.t + 60)
            if answered > self.now:
                waiting = True
                continue
            self._close_referral(c, ref, answered, "answered", self._officer(rng, c, ref))
            latest = max(latest, answered)
        if waiting and all(ref.status == "open" for ref in c.refs):
            # Nothing answered: the secretariat acts once the deadlines are long past.
            latest = max(
                latest,
                self.office(rng, max(ref.due for ref in c.refs)) + rng.randint(10, 25) * 86400,
            )
        c.t = latest
        t = self.wait(rng, c, 2, 12)
        if t > self.now:
            return None
        c.t = t
        r = rng.random()
        if r < 0.12 and not c.referred_more:
            c.referred_more = True
            return "refer"
        if r < 0.57:
            return "outcome"
        if r < 0.80:
            return "agenda"
        if r < 0.85:
            self.move(c, t, "working_group", "to_working_group", self.sec(rng, c))
            return "working_group"
        return "outcome"

    def _officer(self, rng: random.Random, c: CaseSim, ref: Ref) -> Usr:
        officers = c.province.officers[ref.agency.id]
        return officers[0] if len(officers) == 1 or rng.random() < 0.65 else officers[1]

    def _close_referral(self, c: CaseSim, ref: Ref, t: int, status: str, actor: Usr | None) -> None:
        """Answer or withdraw; the escalations it reached while open come first."""
        self._escalations(c, ref, t)
        ref.status = status
        if status == "answered":
            rng = self.rng_text
            ref.answered = t
            ref.answered_by = actor
            ref.answer = rng.choice(ANSWERS).format(n=rng.randint(3, 36))
            ref.late = t // 86400 > ref.due
            late = "true" if ref.late else "false"
            self.ev(
                c,
                t,
                "answered",
                actor,
                reason=ref.answer,
                referral=ref.id,
                payload=f'{{"agency":{ref.agency.jname},"late":{late}}}',
            )
        else:
            self.ev(c, t, "withdrawn", actor, referral=ref.id)

    def _escalations(self, c: CaseSim, ref: Ref, end: int) -> None:
        """`referrals_escalate`: each step once, when its working days past the deadline are
        reached, while the referral is open (and the case's clock runs)."""
        for number, (who, days_late) in enumerate(self.steps, start=1):
            if number <= ref.level:
                continue
            day = self.days.add_wd(ref.due, days_late)
            moment = day * 86400 + 23_400 + number * 60
            if moment >= end:
                break
            ref.level = number
            self.ev(
                c,
                moment,
                "escalated",
                None,
                referral=ref.id,
                payload=(
                    f'{{"level":{number},"to":"{who}","agency":{ref.agency.jname},'
                    f'"late_by":{self.days.wdb(ref.due, day)},"due_on":"{self.days.iso[ref.due]}"}}'
                ),
            )

    def _r_working_group(self, rng: random.Random, c: CaseSim) -> str | None:
        t = self.wait(rng, c, 10, 40)
        if t > self.now:
            return None
        c.t = t
        body = c.province.wg if c.category is self.banking else None
        if body is not None and body.meetings and rng.random() < 0.6:
            return "agenda"
        return "outcome"

    def _agenda_body(self, rng: random.Random, c: CaseSim) -> Bod | None:
        if (
            c.status == "working_group"
            and c.category is self.banking
            and c.province.wg
            and c.province.wg.meetings
        ):
            return c.province.wg
        if c.channel == "county_hq" and c.county.body is not None and c.county.body.meetings:
            return c.county.body
        if (
            c.category is self.banking
            and c.province.wg
            and c.province.wg.meetings
            and rng.random() < 0.25
        ):
            return c.province.wg
        if c.province.hq is not None and c.province.hq.meetings:
            return c.province.hq
        if c.county.body is not None and c.county.body.meetings:
            return c.county.body
        return None

    def _r_agenda(self, rng: random.Random, c: CaseSim) -> str | None:
        """On the agenda of the next session of its body: discussed when the session closes,
        with resolutions issued on it (or postponed, or decided without one)."""
        body = self._agenda_body(rng, c)
        meeting = self.next_meeting(body, c.t)
        if meeting is None or c.agenda_tries > 3:
            # No session to go to: decided another way, as the table allows from here.
            if c.status == "screening":
                return "refer"
            return None if c.status == "on_agenda" else "outcome"
        c.agenda_tries += 1
        actor = meeting.secretary
        if c.status != "on_agenda":
            self.move(c, c.t, "on_agenda", "to_agenda", self.sec(rng, c))
        earliest = max(c.t + 300, meeting.created + 60)
        added = max(earliest, self.office(rng, meeting.start // 86400 - rng.randint(1, 6)))
        if added >= meeting.start - 600:
            added = earliest
        if added >= meeting.start or added > self.now:
            return None  # waits on the agenda for a session not planned yet
        item = self._item(
            meeting, added, "case", actor, case_id=c.id, title=c.title, reason="ready"
        )
        if meeting.status != "closed" or meeting.close is None:
            self._item_row(item, "", postponed=False)
            return None
        close = meeting.close
        notes = (
            "" if rng.random() < 0.4 else f"موضوع با حضور نماینده شرکت بررسی شد. {rng.choice(ASKS)}"
        )
        if rng.random() < 0.05 and c.postponed < 1:
            c.postponed += 1
            self._item_row(item, notes, postponed=True)
            self._meeting_event(
                meeting, close - 600, "item_recorded", actor, {"item": item[0], "postponed": True}
            )
            self.ev(
                c,
                close + 5,
                "agenda",
                actor,
                data={"action": "postponed", "meeting": meeting.id, "number": meeting.number},
            )
            c.t = close + 60
            return "agenda"
        self._item_row(item, notes, postponed=False)
        if notes:
            self._meeting_event(
                meeting, close - 600, "item_recorded", actor, {"item": item[0], "postponed": False}
            )
        count = rng.choices((0, 1, 2, 3), weights=(22, 55, 18, 5))[0]
        agencies = self._resolution_agencies(rng, c)
        drafts = [
            self._draft(
                rng, meeting, item[0], c.id, c.county.id, agencies, c.company.name, c.category
            )
            for _ in range(count)
        ]
        # Closing issues the drafts first, then moves the case (meetings.services.meeting_close).
        results = [
            self._resolution_life(rng, draft, close + 2 + k) for k, draft in enumerate(drafts)
        ]
        c.t = close + 10
        self.move(c, c.t, "discussed", "mark_discussed", actor)
        if not results:
            return "discussed"
        c.t += 1
        self.move(c, c.t, "resolutions_issued", "issue_resolutions", actor)
        states = {state for state, _at in results}
        if not states <= {"executed", "not_executed", "cancelled"}:
            return None  # still being carried out
        done = max(at for _state, at in results if at is not None)
        if states <= {"executed", "cancelled"} and "executed" in states:
            # `_conclude_case_if_done`, right after the last acceptance.
            c.t = done + 5
            self._conclude(rng, c, "resolved", self.all_executed, actor)
            return "closing"
        t = self.after(rng, done, rng.randint(3, 15))
        if t > self.now:
            return None
        c.t = t
        outcome = "unresolved" if rng.random() < 0.7 else "escalated_national"
        reason = rng.choice(UNRESOLVED_REASONS if outcome == "unresolved" else NATIONAL_REASONS)
        self._conclude(rng, c, outcome, reason, self.sec(rng, c))
        return "closing"

    def _r_discussed(self, rng: random.Random, c: CaseSim) -> str | None:
        t = self.wait(rng, c, 2, 20)
        if t > self.now:
            return None
        c.t = t
        if rng.random() < 0.1:
            self.move(c, t, "on_agenda", "to_agenda", self.sec(rng, c))
            return "agenda"
        return "outcome"

    def _r_outcome(self, rng: random.Random, c: CaseSim) -> str | None:
        r = rng.random()
        if r < 0.68:
            outcome, reason = "resolved", ""
        elif r < 0.9:
            outcome, reason = "unresolved", rng.choice(UNRESOLVED_REASONS)
        else:
            outcome, reason = "escalated_national", rng.choice(NATIONAL_REASONS)
        self._conclude(rng, c, outcome, reason, self.sec(rng, c))
        return "closing"

    def _conclude(
        self, rng: random.Random, c: CaseSim, outcome: str, reason: str, actor: Usr
    ) -> None:
        """`case_conclude`: the outcome, the confirmation window, results for some."""
        self.move(
            c,
            c.t,
            outcome,
            {
                "resolved": "resolve",
                "unresolved": "mark_unresolved",
                "escalated_national": "escalate_national",
            }[outcome],
            actor,
            reason=reason,
        )
        c.outcome = outcome
        c.confirm_until = c.t + self.confirm_seconds
        if (
            outcome == "resolved"
            and c.results is None
            and c.category.code in ("banking", "fx", "tax", "social_security", "raw_materials")
            and rng.random() < 0.4
        ):
            at = c.t + rng.randint(3_600, 20 * 86400)
            if at <= self.now:
                approved = (
                    rng.randint(5, 5_000) * 10**8 if c.category.code in ("banking", "fx") else None
                )
                jobs = max(1, int(c.company.employees * rng.uniform(0.2, 1.0)))
                on = self.days.iso[at // 86400]
                c.results = (approved, jobs, on)
                self.ev(
                    c,
                    at,
                    "results",
                    self.sec(rng, c),
                    data={
                        "before": {
                            "approved_amount": None,
                            "jobs_preserved": None,
                            "results_on": None,
                        },
                        "after": {
                            "approved_amount": approved,
                            "jobs_preserved": jobs,
                            "results_on": on,
                        },
                    },
                )

    def _r_closing(self, rng: random.Random, c: CaseSim) -> str | None:
        """The company confirms (or reopens) within the window, or the job closes it after."""
        until = c.confirm_until or (c.t + self.confirm_seconds)
        rep = c.company.rep
        r = rng.random()
        if rep is not None and r < (0.6 if c.outcome == "resolved" else 0.3):
            t = c.t + rng.randint(3_600, until - c.t - 3_600)
            if t > self.now:
                return None
            if c.outcome == "resolved" and not c.reopened and rng.random() < 0.05:
                c.reopened = True
                c.t = t
                self.move(c, t, "screening", "reopen", rep, reason=rng.choice(REOPEN_REASONS))
                c.outcome = ""
                c.confirm_until = None
                return "screen"
            satisfaction = None
            if rng.random() < 0.7:
                satisfaction = rng.choices(
                    (1, 2, 3, 4, 5),
                    weights=(1, 1, 2, 4, 4) if c.outcome == "resolved" else (4, 3, 2, 1, 1),
                )[0]
            c.t = t
            c.satisfaction = satisfaction
            c.confirm_until = None
            self.move(
                c,
                t,
                "closed",
                "confirm",
                rep,
                data={"satisfaction": satisfaction} if satisfaction else {},
            )
            return None
        t = until + rng.randint(120, 3_500)
        if t > self.now:
            return None
        c.t = t
        c.confirm_until = None
        self.move(c, t, "closed", "confirm", None, data={"unconfirmed": True})
        return None

    def _finish_case(self, rng: random.Random, c: CaseSim) -> None:
        """Write the case and its referrals as they stand now."""
        days = self.days
        stamp = days.stamp
        text = self.rng_text
        for ref in c.refs:
            if ref.status == "open":
                end = (
                    self.now
                    if c.status != "returned_for_info" or c.paused_at is None
                    else c.paused_at
                )
                self._escalations(c, ref, end)
            response = None
            if ref.status == "answered" and ref.answered is not None:
                taken = days.wdb(ref.created // 86400, ref.answered // 86400) - ref.paused
                response = min(max(taken, 0), MAX_RESPONSE_DAYS)
            self.t_referral.raw(
                f"{ref.id}\t{c.id}\t{ref.agency.id}\t{_esc(ref.request)}\t{ref.status}\t"
                f"{days.iso[ref.due]}\t{ref.extended}\t{_esc(ref.ext_reason)}\t"
                f"{_esc(ref.answer)}\t{stamp(ref.answered) if ref.answered else NULL}\t"
                f"{ref.answered_by.id if ref.answered_by else NULL}\t{ref.paused}\t"
                f"{NULL if response is None else response}\t{ref.level}\t{ref.created_by.id}\t"
                f"{stamp(ref.created)}"
            )
        co = c.company
        since = text.choice(PROBLEM_SINCE).format(n=2 + int(text.random() * 16))
        description = (
            f"{co.name} با {co.employees} نفر کارکنان در {c.county.name} فعال است. "
            f"{c.title} {since} حل نشده است. "
            f"{text.choice(IMPACTS).format(n=10 + int(text.random() * 70))} {text.choice(ASKS)}"
        )
        amount = None
        if (
            c.category.code in ("banking", "tax", "social_security", "fx", "customs")
            or text.random() < 0.2
        ):
            amount = text.randint(1, 10_000) * 10**8
        approved, jobs, results_on = c.results or (None, None, None)
        self.t_case.raw(
            f"{c.id}\t{c.tracking}\t{_uuid4(text)}\t"
            f"{c.province.id}\t{c.county.id}\t{co.id}\t{c.category.id}\t{_esc(c.title)}\t"
            f"{_esc(description)}\t{text.choice(REQUESTED_OUTCOMES)}\t"
            f"{NULL if amount is None else amount}\t{c.channel}\t"
            f"{_esc(co.address) if c.channel == 'field_visit' else ''}\t{c.status}\t"
            f"{stamp(c.changed)}\t{c.returned_from}\t"
            f"{NULL if c.paused_at is None else stamp(c.paused_at)}\t"
            f"{c.assignee.id if c.assignee else NULL}\t{c.outcome}\t"
            f"{NULL if c.confirm_until is None else stamp(c.confirm_until)}\t"
            f"{NULL if c.satisfaction is None else c.satisfaction}\t"
            f"{NULL if approved is None else approved}\t{NULL if jobs is None else jobs}\t"
            f"{NULL if results_on is None else results_on}\t"
            f"{NULL if c.merged_into is None else c.merged_into}\t"
            f"{c.filer.id if c.filer else NULL}\t{_esc(self._title_key(c.title))}\t"
            f"{stamp(c.filed)}"
        )
        if c.status != "merged":
            co.last_case = (c.id, c.tracking, c.filed, c.final_at)

    # -- agenda items and resolutions --------------------------------------------------------------

    def _meeting_event(
        self, meeting: Mtg, t: int, kind: str, actor: Usr | None, data: dict[str, Any]
    ) -> None:
        self.t_meeting_event.add(
            self.t_meeting_event.take(),
            meeting.id,
            actor.id if actor else None,
            kind,
            data,
            self.days.stamp(t),
        )

    def _item(
        self,
        meeting: Mtg,
        t: int,
        kind: str,
        actor: Usr | None,
        *,
        title: str,
        reason: str = "",
        case_id: int | None = None,
        resolution: Res | None = None,
    ) -> list[Any]:
        """`meetings.services._add_item`: the item (its row is written once its notes are
        known), the meeting's log, the case's timeline, the resolution's."""
        pk = self.t_item.take()
        meeting.positions += 1
        title = title[:300]
        moment = self.days.stamp(t)
        actor_id = NULL if actor is None else actor.id
        table = self.t_meeting_event
        table.raw(
            f"{table.take()}\t{meeting.id}\t{actor_id}\titem_added\t"
            f'{{"item":{pk},"title":{_esc(_json(title))}}}\t{moment}'
        )
        target_case = (
            case_id if case_id is not None else (resolution.case_id if resolution else None)
        )
        if target_case is not None:
            extra = f',"resolution":"{resolution.code}"' if resolution is not None else ""
            table = self.t_case_event
            table.raw(
                f"{table.take()}\t{target_case}\t{NULL}\t{actor_id}\tagenda\t\t\t\t"
                f'{{"action":"added","meeting":{meeting.id},"number":{meeting.number},'
                f'"body":{_esc(meeting.body.jname)},'
                f'"on":"{self.days.iso[meeting.start // 86400]}"{extra}}}\t{moment}'
            )
        if resolution is not None:
            self.res_ev(
                resolution,
                t + 1,
                "on_agenda",
                actor,
                payload=f'{{"meeting":{meeting.id},"number":{meeting.number},"why":"{reason}"}}',
            )
        return [
            pk,
            meeting.id,
            meeting.positions,
            kind,
            case_id,
            resolution.id if resolution else None,
            title,
            reason,
            actor.id if actor else None,
        ]

    def _item_row(self, item: list[Any], notes: str, *, postponed: bool) -> None:
        pk, meeting, position, kind, case_id, resolution, title, reason, actor = item
        self.t_item.add(
            pk, meeting, position, kind, case_id, resolution, title, notes, postponed, reason, actor
        )

    def _resolution_agencies(self, rng: random.Random, c: CaseSim) -> list[Ag]:
        """The agencies the case was referred to, else its category's default agency."""
        chosen: list[Ag] = []
        for ref in c.refs:
            if ref.agency not in chosen:
                chosen.append(ref.agency)
        if not chosen:
            chosen = [c.province.default.get(c.category.id) or c.province.agencies[0]]
        return chosen[: rng.choice((1, 1, 2, 3))]

    def _draft(
        self,
        rng: random.Random,
        meeting: Mtg,
        item_id: int,
        case_id: int | None,
        county_id: int | None,
        agencies: Sequence[Ag],
        subject: str,
        category: Cat | None,
    ) -> Res:
        """`resolution_draft`: written during the session, binding nobody until it closes."""
        res = Res()
        res.id = self.t_resolution.take()
        meeting.resolutions += 1
        self.resolutions_made += 1
        res.meeting = meeting
        res.item = item_id
        res.case_id = case_id
        res.county_id = meeting.body.county.id if meeting.body.county else county_id
        res.number = meeting.resolutions
        res.code = f"{meeting.number}/{res.number}"
        res.agencies = list(agencies)
        length = (meeting.close or meeting.start + 7_200) - meeting.start
        res.created = meeting.start + rng.randint(1_800, max(1_801, length - 900))
        res.deadline = meeting.start // 86400 + rng.randint(15, 90)
        res.reviewed_in = {meeting.id}
        actions = (
            RESOLUTION_ACTIONS.get(category.code, GENERIC_ACTIONS) if category else GENERIC_ACTIONS
        )
        action = rng.choice(actions).format(n=rng.randint(6, 36))
        names = "، ".join(agency.name for agency in res.agencies)
        days_text = rng.choice((15, 30, 45, 60))
        pieces = (
            names,
            f"موظف است ظرف {days_text} روز نسبت به",
            action,
            "درباره",
            f"«{subject}»",
            "اقدام و نتیجه را به دبیرخانه ستاد گزارش کند.",
        )
        res.text = " ".join(pieces)
        # compact_key works character by character and drops the spaces, so the key of the
        # text is the keys of its pieces joined: each piece is keyed once.
        res.key = "".join([self._ck(piece) for piece in pieces])
        res.deliverable = rng.choice(DELIVERABLES)
        for agency in res.agencies:
            self.t_addressee.add(self.t_addressee.take(), res.id, agency.id)
        table = self.t_resolution_event
        agencies_json = ",".join(agency.jname for agency in res.agencies)
        table.raw(
            f"{table.take()}\t{res.id}\t{meeting.secretary.id}\tdrafted\t\tdraft\t\t"
            f'{{"agencies":[{_esc(agencies_json)}]}}\t{self.days.stamp(res.created)}'
        )
        self._meeting_event(
            meeting, res.created, "drafted", meeting.secretary, {"resolution": res.id}
        )
        return res

    def res_ev(
        self,
        res: Res,
        t: int,
        kind: str,
        actor: Usr | None,
        *,
        frm: str = "",
        to: str = "",
        reason: str = "",
        data: dict[str, Any] | None = None,
        payload: str | None = None,
    ) -> None:
        """`meetings.services._resolution_event`: on the resolution and, when it is on a case,
        copied onto the case's timeline."""
        if payload is None:
            payload = _esc(_json(data)) if data else "{}"
        moment = self.days.stamp(t)
        actor_id = NULL if actor is None else actor.id
        reason = _esc(reason)
        table = self.t_resolution_event
        table.raw(
            f"{table.take()}\t{res.id}\t{actor_id}\t{kind}\t{frm}\t{to}\t{reason}\t"
            f"{payload}\t{moment}"
        )
        if res.case_id is not None:
            # {"resolution", "code", "event", "to", **data}, spliced from the encoded data.
            copy = f'{{"resolution":{res.id},"code":"{res.code}","event":"{kind}","to":"{to}"'
            copy += "}" if payload == "{}" else "," + payload[1:]
            table = self.t_case_event
            table.raw(
                f"{table.take()}\t{res.case_id}\t{NULL}\t{actor_id}\tresolution\t\t\t"
                f"{reason}\t{copy}\t{moment}"
            )

    def _progress_report(self, res: Res, t: int, kind: str, text: str, author: Usr) -> None:
        self.t_report.add(
            self.t_report.take(),
            res.id,
            res.agencies[0].id,
            kind,
            text,
            author.id,
            self.days.stamp(t),
        )

    def _resolution_life(
        self, rng: random.Random, res: Res, notified: int
    ) -> tuple[str, int | None]:
        """Issued when its meeting closes, then the agencies and the secretariat move it along
        `RESOLUTION_TRANSITIONS` until "now". Returns its state and when it became final."""
        days = self.days
        now = self.now
        meeting = res.meeting
        body = meeting.body
        secretary = meeting.secretary
        province = body.province
        officers = province.officers[res.agencies[0].id]
        officer = officers[0] if len(officers) == 1 or rng.random() < 0.65 else officers[1]
        day = notified // 86400
        until = (
            days.add_wd(day, self.objection_days)
            if self.objection_working
            else day + self.objection_days
        )
        state = "notified"
        changed = notified
        level = 0
        reminded: int | None = None
        national_at: int | None = None
        final_at: int | None = None
        deadline = res.deadline

        def go(
            t: int, to: str, action: str, actor: Usr | None, reason: str = "", **data: Any
        ) -> None:
            nonlocal state, changed
            self.res_ev(
                res,
                t,
                "transition",
                actor,
                frm=state,
                to=to,
                reason=reason,
                payload=_action_json(action) if not data else None,
                data={"action": action, **data},
            )
            state, changed = to, t

        self.res_ev(
            res,
            notified,
            "transition",
            secretary,
            frm="draft",
            to="notified",
            payload=(
                f'{{"action":"issue","deadline":"{days.iso[deadline]}",'
                f'"objection_until":"{days.iso[until]}"}}'
            ),
        )
        started: int | None = None
        if rng.random() < 0.05:
            t = self.office(rng, rng.randint(day + 1, max(day + 1, until)))
            if t <= now:
                text = rng.choice(OBJECTION_TEXTS)
                go(t, "objected", "object", officer, reason=text)
                self._progress_report(res, t, "objection", text, officer)
                started = self._objection_review(rng, res, t, go)
                if started is not None and state == "in_progress":
                    deadline = res.deadline
                elif state == "cancelled":
                    final_at = changed
        elif rng.random() < 0.35:
            # The agency accepts within the window.
            t = notified + rng.randint(3_600, max(3_601, (until - day) * 86400))
            if t <= now:
                go(t, "in_progress", "start", officer)
                started = t
        else:
            # The hourly job, the day after the window closes.
            t = (until + 1) * 86400 + rng.randint(300, 3_300)
            if t <= now:
                go(t, "in_progress", "start", None, window_passed=True)
                started = t
        if started is not None and state == "in_progress":
            level, reminded, final_at = self._carry_out(rng, res, started, deadline, officer, go)
        if state != "draft" and rng.random() < 0.02:
            t = notified + rng.randint(20, 90) * 86400
            if t <= now:
                national_at = t
                self.res_ev(res, t, "national", secretary, reason=NATIONAL_LETTERS[0])
        self.t_resolution.add(
            res.id,
            meeting.id,
            res.item,
            province.id,
            res.county_id,
            res.case_id,
            res.number,
            res.text,
            res.deliverable,
            days.iso[res.deadline],
            state,
            days.stamp(changed),
            days.stamp(notified),
            days.iso[until],
            level,
            days.iso[reminded] if reminded is not None else None,
            NATIONAL_LETTERS[0] if national_at is not None else "",
            days.stamp(national_at) if national_at is not None else None,
            res.key,
            secretary.id,
            days.stamp(res.created),
        )
        return state, final_at

    def _objection_review(
        self, rng: random.Random, res: Res, objected: int, go: Callable[..., None]
    ) -> int | None:
        """The objected resolution rolls onto its body's next session, which overrules the
        objection (in progress, the deadline moved by the days it took) or withdraws it."""
        meeting = self.next_meeting(res.meeting.body, objected)
        if meeting is None or meeting.id in res.reviewed_in:
            return None
        added = max(objected + 60, meeting.created + 60)
        if added > self.now or added >= meeting.start:
            return None
        res.reviewed_in.add(meeting.id)
        item = self._item(
            meeting,
            added,
            "resolution",
            None,
            title=f"{res.code} — {res.text}",
            reason="objected",
            resolution=res,
        )
        self._item_row(item, "", postponed=False)
        if meeting.status != "closed" or meeting.close is None:
            return None
        self.res_ev(
            res,
            meeting.close + 30,
            "reviewed",
            meeting.secretary,
            data={"meeting": meeting.id, "number": meeting.number},
        )
        t = meeting.close + 600
        if rng.random() < 0.6:
            waited = max(0, t // 86400 - objected // 86400)
            old = res.deadline
            res.deadline = old + waited
            go(
                t,
                "in_progress",
                "overrule",
                meeting.secretary,
                reason=OVERRULE_REASONS[0],
                deadline=self.days.iso[res.deadline],
                was=self.days.iso[old],
            )
            return t
        go(t, "cancelled", "withdraw", meeting.secretary, reason=WITHDRAW_REASONS[0])
        return None

    def _carry_out(
        self,
        rng: random.Random,
        res: Res,
        started: int,
        deadline: int,
        officer: Usr,
        go: Callable[..., None],
    ) -> tuple[int, int | None, int | None]:
        """In progress: reminded before the deadline, escalated after it, reviewed by the next
        session once overdue; reported and accepted, marked not executed, or left running.
        Returns (escalation level, day reminded, when final)."""
        days = self.days
        now = self.now
        meeting = res.meeting
        f = rng.random()
        start_day = started // 86400
        if f < 0.58:
            last = max(start_day + 1, deadline - 1)
            leave = self.office(rng, rng.randint(start_day + 1, last))
            fate = "executed"
        elif f < 0.73:
            leave = self.office(rng, max(start_day + 1, deadline + rng.randint(5, 60)))
            fate = "executed"
        elif f < 0.90:
            leave = self.office(rng, max(start_day + 1, deadline + rng.randint(20, 70)))
            fate = "not_executed"
        else:
            leave = 1 << 62
            fate = "running"
        with_agency_until = min(leave, now)
        reminded = None
        reminder_day = days.wlist[max(0, days.cum[deadline] - 1 - self.reminder_days)]
        reminder_day = max(reminder_day, start_day + 1)
        moment = reminder_day * 86400 + 25_200 + rng.randint(0, 600)
        if reminder_day <= deadline and moment < with_agency_until:
            reminded = reminder_day
            self.res_ev(
                res, moment, "reminded", None, payload=f'{{"deadline":"{days.iso[deadline]}"}}'
            )
        if leave < now and leave - started > 10 * 86400 and rng.random() < 0.3:
            t = started + (leave - started) // 2
            text = rng.choice(REPORT_TEXTS)
            self._progress_report(res, t, "progress", text, officer)
            self.res_ev(
                res,
                t,
                "progress",
                officer,
                reason=text,
                data={"agency": res.agencies[0].name, "files": []},
            )
        level = 0
        for number, (who, late) in enumerate(self.steps, start=1):
            day = days.add_wd(deadline, late)
            moment = day * 86400 + 23_400 + number * 60
            if moment >= with_agency_until:
                break
            level = number
            self.res_ev(
                res,
                moment,
                "escalated",
                None,
                payload=(
                    f'{{"level":{number},"to":"{who}","late_by":{days.wdb(deadline, day)},'
                    f'"deadline":"{days.iso[deadline]}"}}'
                ),
            )
        # Overdue: the body's next session planned after the deadline reviews it.
        body = meeting.body
        i = bisect.bisect_left(body.starts, (deadline + 1) * 86400)
        while i < len(body.meetings):
            review = body.meetings[i]
            i += 1
            if review.status == "cancelled" or review.created <= (deadline + 1) * 86400:
                continue
            added = review.created + 120
            if added < with_agency_until and review.id not in res.reviewed_in:
                res.reviewed_in.add(review.id)
                item = self._item(
                    review,
                    added,
                    "resolution",
                    None,
                    title=f"{res.code} — {res.text}",
                    reason="overdue",
                    resolution=res,
                )
                self._item_row(item, "", postponed=False)
                if review.close is not None and review.close < with_agency_until:
                    self.res_ev(
                        res,
                        review.close + 30,
                        "reviewed",
                        review.secretary,
                        data={"meeting": review.id, "number": review.number},
                    )
            break
        final_at = None
        if leave <= now:
            if fate == "executed":
                text = rng.choice(EXECUTION_TEXTS)
                go(leave, "reported", "report_execution", officer, reason=text)
                self._progress_report(res, leave, "execution", text, officer)
                accepted = self.after(rng, leave, rng.randint(1, 10))
                if accepted <= now:
                    go(accepted, "executed", "accept_execution", meeting.secretary)
                    final_at = accepted
            else:
                go(
                    leave,
                    "not_executed",
                    "mark_not_executed",
                    meeting.secretary,
                    reason=rng.choice(NOT_EXECUTED_REASONS),
                )
                final_at = leave
        return level, reminded, final_at

    # -- the rest of the minutes: logs, attendance, other topics -----------------------------------

    def _gen_meeting_rest(self) -> None:
        rng = self.rng("minutes")
        closed = [m for body in self.bodies for m in body.meetings if m.status == "closed"]
        deficit = max(0, self.sizes["resolutions"] - self.resolutions_made)
        per = deficit / len(closed) if closed else 0.0
        self.log(f"{self.resolutions_made:,} resolutions on cases; {deficit:,} on other topics")
        for body in self.bodies:
            for m in body.meetings:
                secretary = m.secretary
                self._meeting_event(m, m.created, "created", secretary, {"number": m.number})
                if m.status == "cancelled":
                    self._meeting_event(
                        m,
                        max(m.created + 60, m.start - 86400),
                        "cancelled",
                        secretary,
                        {"reason": "عدم امکان حضور رئیس جلسه"},
                    )
                    continue
                if m.status == "closed" and m.close is not None:
                    want = int(per) + (1 if rng.random() < per - int(per) else 0)
                    while want > 0:
                        count = min(want, rng.randint(1, 3))
                        topic = rng.choice(TOPICS)
                        item = self._item(m, m.created + 300, "topic", secretary, title=topic)
                        self._item_row(item, "گزارش ارائه و بحث شد.", postponed=False)
                        members = body.members or body.province.agencies
                        for k in range(count):
                            agencies = rng.sample(members, min(len(members), rng.randint(1, 2)))
                            draft = self._draft(
                                rng,
                                m,
                                item[0],
                                None,
                                None,
                                agencies,
                                topic,
                                rng.choice(self.categories) if rng.random() < 0.5 else None,
                            )
                            self._resolution_life(rng, draft, m.close + 2 + k)
                        want -= count
                    if rng.random() < 0.2:
                        item = self._item(
                            m, m.created + 400, "topic", secretary, title=rng.choice(TOPICS)
                        )
                        self._item_row(item, "", postponed=False)
                if m.sent is not None:
                    self._meeting_event(
                        m, m.sent, "agenda_sent", secretary, {"to": len(body.members) + 3}
                    )
                if m.status != "closed" or m.close is None:
                    continue
                rows = []
                for agency in body.members:
                    r = rng.random()
                    presence = "present" if r < 0.8 else ("represented" if r < 0.9 else "absent")
                    person = (
                        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                        if presence != "absent"
                        else ""
                    )
                    rows.append((agency.id, presence, person))
                if rows and all(presence == "absent" for _a, presence, _p in rows):
                    rows[0] = (
                        rows[0][0],
                        "present",
                        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    )
                for agency_id, presence, person in rows:
                    self.t_attendance.add(
                        self.t_attendance.take(), m.id, agency_id, presence, person
                    )
                self._meeting_event(
                    m,
                    m.start + 300,
                    "attendance",
                    secretary,
                    {"rows": [[agency_id, presence] for agency_id, presence, _p in rows]},
                )
                self._meeting_event(m, m.close, "closed", secretary, {"resolutions": m.resolutions})

    # -- investments -------------------------------------------------------------------------------

    def _gen_investments(self) -> None:
        rng = self.rng("investments")
        days = self.days
        stamp = days.stamp
        jy_now = jdatetime.date.fromgregorian(date=self.today_date).year
        per_province = _largest_remainder(
            [p.weight for p in self.provinces], self.sizes["projects"]
        )
        sector_names = dict(self.sectors)
        for province, count in zip(self.provinces, per_province, strict=True):
            candidates = [
                c for c in province.companies if c.status != "closed"
            ] or province.companies
            cum = _cumulative([math.sqrt(c.employees) for c in candidates])
            actor = province.sec[0]
            for _ in range(count):
                co = candidates[bisect.bisect_left(cum, rng.random() * cum[-1])]
                pk = self.t_project.take()
                product = rng.choice(PRODUCTS)[0]
                title = rng.choice(PROJECT_TITLES).format(product=product)
                sector = self.sector_of_activity.get(co.activity) or rng.choice(self.sectors)[0]
                created_day = rng.randint(self.start, self.today - 1)
                created = self.office(rng, created_day)
                r = rng.random()
                status = (
                    "operating"
                    if r < 0.35
                    else "under_construction"
                    if r < 0.7
                    else "planned"
                    if r < 0.9
                    else "stalled"
                )
                jobs_planned = max(3, min(2_000, int(rng.lognormvariate(3.5, 0.9))))
                product_types = rng.randint(1, 60) if rng.random() < 0.7 else None
                first_status = "under_construction" if status == "operating" else status
                first_progress = {"planned": rng.randint(0, 10), "stalled": rng.randint(5, 70)}.get(
                    first_status, rng.randint(10, 95)
                )
                currency_roll = rng.random()
                rate = rate_on = None
                if currency_roll < 0.55:
                    currency, amount = Currency.RIAL, Decimal(rng.randint(10, 5_000) * 10**9)
                elif currency_roll < 0.8:
                    currency, amount = Currency.TOMAN, Decimal(rng.randint(1, 500) * 10**9)
                else:
                    currency, amount = Currency.USD, Decimal(rng.randint(1, 400) * 10**4)
                    year = days.dates[created_day].year
                    rate = 250_000 + (year - 2020) * 130_000 + rng.randint(0, 20_000)
                    rate_on = days.dates[created_day]
                rials = to_rials(Money(amount, currency, rate, rate_on))
                planned_opening = created_day + rng.randint(180, 900)
                estate_id, estate_name = co.estate if co.estate else (None, "")
                changes: dict[str, list[Any]] = {
                    "title": [None, title],
                    "sector": [None, sector_names.get(sector, "")],
                    "county": [None, co.county.name],
                    **({"estate": [None, estate_name]} if estate_id else {}),
                    "jobs_planned": [None, jobs_planned],
                    **({"product_types": [None, product_types]} if product_types else {}),
                    "progress": [None, first_progress],
                    "status": [None, first_status],
                    "planned_opening_on": [None, days.iso[planned_opening]],
                    "amount": [None, str(int(amount))],
                    "currency": [None, str(currency)],
                    **(
                        {"rate": [None, rate], "rate_on": [None, rate_on.isoformat()]}
                        if rate is not None and rate_on is not None
                        else {}
                    ),
                    "amount_rial": [None, rials],
                }
                source = rng.choice(PROJECT_SOURCES)
                self.t_update.add(
                    self.t_update.take(),
                    pk,
                    "created",
                    days.iso[created_day],
                    source,
                    "",
                    changes,
                    None,
                    actor.id,
                    stamp(created),
                )
                updated = created
                progress = first_progress
                opened_on = None
                jobs_created = None
                if status == "operating":
                    opened = min(self.today, created_day + rng.randint(30, 700))
                    opened_on = days.iso[opened]
                    jobs_created = max(1, int(jobs_planned * rng.uniform(0.5, 1.3)))
                    updated = max(created + 60, self.office(rng, opened))
                    self.t_update.add(
                        self.t_update.take(),
                        pk,
                        "opened",
                        opened_on,
                        rng.choice(PROJECT_SOURCES),
                        "",
                        {
                            "status": [first_status, "operating"],
                            "opened_on": [None, opened_on],
                            "progress": [first_progress, 100],
                            "jobs_created": [None, jobs_created],
                        },
                        None,
                        actor.id,
                        stamp(updated),
                    )
                    progress = 100
                elif status == "under_construction" and rng.random() < 0.5:
                    later = min(self.today, created_day + rng.randint(30, 400))
                    new_progress = min(99, first_progress + rng.randint(1, 30))
                    updated = max(created + 60, self.office(rng, later))
                    self.t_update.add(
                        self.t_update.take(),
                        pk,
                        "progress",
                        days.iso[later],
                        source,
                        "",
                        {"progress": [first_progress, new_progress]},
                        None,
                        actor.id,
                        stamp(updated),
                    )
                    progress = new_progress
                updated = min(updated, self.now)
                self.t_project.add(
                    pk,
                    amount,
                    str(currency),
                    rate,
                    rate_on,
                    rials,
                    province.id,
                    co.id,
                    title,
                    compact_key(title),
                    sector,
                    co.county.id,
                    estate_id,
                    "",
                    jobs_planned,
                    jobs_created,
                    product_types,
                    progress,
                    status,
                    None if status == "operating" else days.iso[planned_opening],
                    opened_on,
                    actor.id,
                    stamp(created),
                    stamp(updated),
                )
                if status == "operating" and rng.random() < 0.4:
                    self._exports(rng, province, co, pk, jy_now, updated, actor)
        self._shares(rng)

    def _exports(
        self, rng: random.Random, province: Prov, co: Co, project: int, jy_now: int, after: int,
        actor: Usr,
    ) -> None:  # fmt: skip
        """Forecasts for this year and the next, and last year's actuals, by destination."""
        days = self.days
        plans = [("forecast", jy_now), ("forecast", jy_now + 1)]
        if rng.random() < 0.4:
            plans.append(("actual", jy_now - 1))
        for kind, year in plans:
            destinations: list[tuple[str, int]] = []
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.3 and self.groups:
                    destination = ("group", rng.choice(self.groups)[0])
                else:
                    destination = ("country", rng.choice(self.countries)[0])
                if destination not in destinations:
                    destinations.append(destination)
            for target, target_id in destinations:
                pk = self.t_export.take()
                amount = Decimal(rng.randint(5, 300) * 10**4)
                rate = 500_000 + rng.randint(0, 200_000)
                rate_on = days.dates[min(self.today, after // 86400)]
                rials = to_rials(Money(amount, Currency.USD, rate, rate_on))
                at = min(self.now, after + rng.randint(60, 30 * 86400))
                source = rng.choice(PROJECT_SOURCES)
                self.t_export.add(
                    pk,
                    amount,
                    "USD",
                    rate,
                    rate_on,
                    rials,
                    co.id,
                    project,
                    kind,
                    year,
                    target_id if target == "country" else None,
                    target_id if target == "group" else None,
                    source,
                    "",
                    actor.id,
                    days.stamp(at),
                    days.stamp(at),
                )
                self.t_investment_event.add(
                    self.t_investment_event.take(),
                    province.id,
                    "export",
                    pk,
                    "created",
                    {
                        "kind": [None, kind],
                        "year": [None, year],
                        "amount": [None, str(int(amount))],
                        "currency": [None, "USD"],
                        "source": [None, source],
                    },
                    actor.id,
                    days.stamp(at),
                )

    def _shares(self, rng: random.Random) -> None:
        """A few stated shares of national output or need per province, from different
        sources (DOMAIN.md §6: they disagree)."""
        days = self.days
        for province in self.provinces:
            for _ in range(rng.randint(1, 3)):
                pk = self.t_share.take()
                sector = rng.choice(self.sectors)[0]
                basis = rng.choice(("output", "need"))
                value = Decimal(rng.randint(100, 6_000)) / 100
                source = rng.choice(("سخنگوی دولت", "سازمان صنعت، معدن و تجارت", "خبرگزاری ایرنا"))
                stated = rng.randint(self.start, self.today)
                at = self.office(rng, stated)
                self.t_share.add(
                    pk,
                    province.id,
                    sector,
                    basis,
                    value,
                    "%",
                    source,
                    "",
                    days.iso[stated],
                    "",
                    province.sec[0].id,
                    days.stamp(at),
                )
                self.t_investment_event.add(
                    self.t_investment_event.take(),
                    province.id,
                    "share",
                    pk,
                    "created",
                    {"basis": [None, basis], "value": [None, str(value)], "source": [None, source]},
                    province.sec[0].id,
                    days.stamp(at),
                )


# --- Entry points ---------------------------------------------------------------------------------


def generate(
    scale: float, seed: int = DEFAULT_SEED, out: Callable[[str], None] = print
) -> dict[str, int]:
    """Fill the current (migrated, reference-loaded, company-less) PostgreSQL database with the
    national dataset at `scale`. Returns the rows written per table."""
    if scale <= 0:
        raise ValueError("the scale must be positive")
    if connection.vendor != "postgresql":
        raise SystemExit(
            "bench.datagen generates for PostgreSQL only: set DATABASE_URL to a "
            "postgres:// database (migrated, with `manage.py load_reference`)."
        )
    return Generator(scale=scale, seed=seed, out=out).run()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.datagen", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the national dataset")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    generate(args.scale, args.seed, out=lambda line: print(line, flush=True))


if __name__ == "__main__":
    main(sys.argv[1:])
