"""The demo province's HQ meetings and resolutions (issue 5, DOMAIN.md §5).

Three bodies meet in the demo: Qazvin's provincial HQ every Wednesday, its banking and financing
working group (the category of over half of all resolutions nationally) every other Sunday, and
the Takestan county HQ, which handles its own cases, every other Tuesday. Over the demo's six
months each session is planned the afternoon the previous one closes (the objected and overdue
resolutions roll onto it by themselves), its cases are added and the agenda sent two working days
before, and on the day attendance, notes and one to three resolutions per item are recorded and
the session closed, which issues the resolutions and moves the cases on. The resolutions then
live: agencies accept them or object, report progress and execution, some late once the follow-up
job has escalated them, a few never; the secretariat accepts or returns a report, the next session
rules on each objection, the ones never carried out are recorded as not executed, and one is
written up for the national HQ.

Nothing here writes a row itself: every step is a service call, put on the demo's timeline
(`tashil.demo.cases.Timeline`) and replayed there in date order on the frozen clock together with
the cases and the daily jobs, so timelines, escalations and figures are the application's own.
Session dates follow today, as the cases do; session numbers follow each body's real count: the
provincial HQ held its 241st session on 1404/09/19, the Wednesday before the reference scenario
(DOMAIN.md §9), and one a week since. The choices (topics, attendance, fates) come from a fixed
seed.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils import timezone

from tashil.accounts.models import User
from tashil.agencies.models import Agency
from tashil.cases.models import Case, Category, Outcome
from tashil.cases.services import case_conclude
from tashil.cases.workflow import CaseStatus
from tashil.core.selectors import work_calendar
from tashil.core.workdays import WorkCalendar
from tashil.geo.models import County, Province
from tashil.meetings import services
from tashil.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Body,
    Meeting,
    Presence,
    Resolution,
    Weekday,
)
from tashil.meetings.selectors import next_open_meeting, resolution_totals
from tashil.meetings.services import AttendanceRow, ResolutionDraft
from tashil.meetings.workflow import (
    FINAL,
    WITH_AGENCY,
    MeetingKind,
    MeetingStatus,
    ResolutionState,
)

RS = ResolutionState
SEED = 14040924_5

# --- The bodies ----------------------------------------------------------------------------------

PROVINCIAL = "provincial"
BANKING = "banking"
COUNTY = "county"
# A case goes to "the HQ": the provincial one, or its county's when the county secretariat
# handles it (tashil/demo/cases.py decides, from who filed the case).
HQ = "hq"
# The county whose HQ files and handles its own cases (tashil/demo/province.py: takestan).
TAKESTAN = "2602"


@dataclass(frozen=True)
class BodySpec:
    key: str
    kind: str
    name: str
    name_en: str
    weekday: int
    time: dt.time
    place: str
    chair: str
    members: tuple[str, ...]  # agency codes
    # The body held session `number` on `day` (a day of its schedule); the count goes on from it.
    anchor: tuple[dt.date, int]
    every_weeks: int = 1
    category: str = ""
    county: str = ""
    # Who chairs when the chair cannot come.
    deputy_chair: str = ""


BODIES = (
    BodySpec(
        PROVINCIAL,
        MeetingKind.PROVINCIAL,
        "ستاد تسهیل و رفع موانع تولید استان قزوین",
        "Qazvin Production Facilitation HQ",
        Weekday.WEDNESDAY,
        dt.time(9, 0),
        "سالن شهید رجایی استانداری قزوین",
        "استاندار قزوین",
        (
            "smt",
            "governorate",
            "planning",
            "tax",
            "social_security",
            "banks",
            "customs",
            "electricity",
            "gas",
            "water",
            "estates_co",
            "labour",
            "agriculture",
            "standards",
            "environment",
            "chamber",
            "judiciary",
        ),
        anchor=(dt.date(2025, 12, 10), 241),
        deputy_chair="معاون هماهنگی امور اقتصادی استاندار قزوین",
    ),
    BodySpec(
        BANKING,
        MeetingKind.WORKING_GROUP,
        "کارگروه تخصصی بانکی و تأمین مالی ستاد تسهیل استان قزوین",
        "Banking and financing working group of the Qazvin HQ",
        Weekday.SUNDAY,
        dt.time(10, 0),
        "سالن جلسات سازمان صنعت، معدن و تجارت استان قزوین",
        "معاون هماهنگی امور اقتصادی استاندار قزوین",
        ("banks", "smt", "governorate", "planning", "tax", "social_security", "chamber"),
        anchor=(dt.date(2025, 12, 14), 58),
        every_weeks=2,
        category="banking",
        deputy_chair="رئیس سازمان صنعت، معدن و تجارت استان قزوین",
    ),
    BodySpec(
        COUNTY,
        MeetingKind.COUNTY,
        "ستاد تسهیل و رفع موانع تولید شهرستان تاکستان",
        "Takestan County Production Facilitation HQ",
        Weekday.TUESDAY,
        dt.time(10, 0),
        "سالن جلسات فرمانداری تاکستان",
        "فرماندار تاکستان",
        (
            "smt",
            "tax",
            "social_security",
            "banks",
            "electricity",
            "gas",
            "water",
            "estates_co",
            "agriculture",
            "labour",
            "environment",
        ),
        anchor=(dt.date(2025, 12, 9), 96),
        every_weeks=2,
        county=TAKESTAN,
        deputy_chair="معاون فرماندار تاکستان",
    ),
)
SPECS = {spec.key: spec for spec in BODIES}

# Who sits for each agency: its head, or a deputy named when the head sends one.
HEADS = {
    "smt": "محمدرضا صفری",
    "governorate": "علی‌اکبر موسوی",
    "planning": "حمیدرضا کاظمی",
    "tax": "حسین نادری",
    "social_security": "مجتبی رحمانی",
    "banks": "فرهاد اسدی",
    "customs": "ناصر جلالی",
    "electricity": "رضا مهدوی",
    "gas": "اکبر فتحی",
    "water": "بهروز سلیمانی",
    "estates_co": "داوود قربانی",
    "labour": "مهران خسروی",
    "agriculture": "غلامرضا بهرامی",
    "standards": "فاطمه عباسی",
    "environment": "منصور شجاعی",
    "chamber": "محسن زارعی",
    "judiciary": "سیدحسن هاشمی",
    "endowment": "عباس نوروزی",
    "food_drug": "مریم توکلی",
    "municipality": "کامران یزدانی",
}
DEPUTIES = (
    "سعید امینی",
    "نرگس طاهرخانی",
    "مهدی شاکری",
    "رضا عسگری",
    "زهره ملکی",
    "امید فرجی",
    "بهزاد نیک‌نام",
    "لیلا حسین‌زاده",
)

# --- What the sessions discuss besides cases -----------------------------------------------------


@dataclass(frozen=True)
class Decision:
    text: str  # "{estate}" is the subject's estate
    agencies: tuple[str, ...]  # agency codes, the first answers for it
    deliverable: str
    done: str  # the agency's report of execution


@dataclass(frozen=True)
class Subject:
    key: str
    title: str
    notes: str
    decisions: tuple[Decision, ...]
    # The national-HQ letter, for the one subject the province cannot settle alone.
    letter: str = ""


PROVINCIAL_SUBJECTS = (
    Subject(
        "estate_infrastructure",
        "بررسی مشکلات زیرساختی {estate}",
        "مدیرعامل شرکت شهرک‌های صنعتی گزارشی از وضعیت زیرساخت‌ها ارائه کرد و نمایندگان واحدهای "
        "مستقر، کمبود ظرفیت برق، فرسودگی معابر و نبود ایستگاه آتش‌نشانی را مطرح کردند.",
        (
            Decision(
                "شرکت توزیع نیروی برق استان با همکاری شرکت شهرک‌های صنعتی، برنامه زمان‌بندی تکمیل "
                "پست برق {estate} را تهیه و اجرا کند.",
                ("electricity", "estates_co"),
                "برنامه زمان‌بندی و گزارش پیشرفت",
                "برنامه زمان‌بندی تهیه شد و ترانس دوم پست برق نصب و برق‌دار شد.",
            ),
            Decision(
                "شرکت شهرک‌های صنعتی استان نسبت به ترمیم و آسفالت معابر اصلی {estate} از محل "
                "اعتبارات عمرانی سال جاری اقدام کند.",
                ("estates_co",),
                "گزارش اجرای عملیات",
                "عملیات آسفالت معابر اصلی به پایان رسید و صورت‌وضعیت آن برای دبیرخانه ارسال شد.",
            ),
        ),
    ),
    Subject(
        "note18",
        "گزارش وضعیت پرداخت تسهیلات تبصره ۱۸ قانون بودجه در استان",
        "دبیر ستاد گزارش داد که بخشی از سهمیه تسهیلات تبصره ۱۸ استان هنوز جذب نشده و پرونده‌های "
        "معرفی‌شده در برخی بانک‌ها بیش از یک ماه متوقف مانده است.",
        (
            Decision(
                "شورای هماهنگی بانک‌های استان فهرست پرونده‌های تسهیلات تبصره ۱۸ معرفی‌شده و وضعیت "
                "هر یک را به تفکیک بانک عامل به دبیرخانه ستاد ارائه کند.",
                ("banks",),
                "گزارش به تفکیک بانک عامل",
                "گزارش وضعیت پرونده‌ها به تفکیک بانک عامل به دبیرخانه ارسال شد.",
            ),
            Decision(
                "بانک‌های عامل پرونده‌های تبصره ۱۸ با بیش از یک ماه توقف را با همکاری سازمان صنعت، "
                "معدن و تجارت تعیین تکلیف کنند.",
                ("banks", "smt"),
                "نتیجه تعیین تکلیف پرونده‌ها",
                "پرونده‌های متوقف در کمیته‌های اعتباری مطرح و برای بیشتر آن‌ها قرارداد منعقد شد.",
            ),
        ),
    ),
    Subject(
        "idle_units",
        "احیای واحدهای راکد و نیمه‌فعال {estate}",
        "فهرست واحدهای راکد و علت توقف هر یک بررسی شد؛ بیشترین علت، کمبود سرمایه در گردش و بدهی "
        "معوق بانکی است.",
        (
            Decision(
                "سازمان صنعت، معدن و تجارت فهرست واحدهای راکد {estate} را با علت توقف و نیاز هر "
                "واحد تکمیل و به بانک‌های عامل معرفی کند.",
                ("smt",),
                "فهرست واحدها و معرفی‌نامه‌ها",
                "فهرست واحدهای راکد با علت توقف تکمیل و معرفی‌نامه‌ها برای بانک‌های عامل ارسال شد.",
            ),
            Decision(
                "شورای هماهنگی بانک‌های استان برای واحدهای معرفی‌شده بسته حمایتی استمهال بدهی و "
                "سرمایه در گردش پیشنهاد کند.",
                ("banks",),
                "بسته حمایتی مصوب بانک‌ها",
                "بسته حمایتی برای واحدهای معرفی‌شده تصویب و به شعب عامل ابلاغ شد.",
            ),
        ),
    ),
    Subject(
        "knowledge_based",
        "ارتقای کمی و کیفی واحدهای دانش‌بنیان استان",
        "با توجه به فعالیت ۱۴۰ واحد دانش‌بنیان در استان، راهکارهای افزایش تعداد این واحدها و "
        "ارتقای کیفیت محصولات و خدمات آن‌ها بررسی شد.",
        (
            Decision(
                "سازمان صنعت، معدن و تجارت با همکاری پارک علم و فناوری، واحدهای مستعد دریافت "
                "گواهی دانش‌بنیان را شناسایی و برای ارزیابی معرفی کند.",
                ("smt",),
                "فهرست واحدهای مستعد",
                "فهرست ۲۵ واحد مستعد شناسایی و برای ارزیابی به کارگروه ارزیابی معرفی شد.",
            ),
            Decision(
                "اداره کل امور مالیاتی استان درخواست‌های معافیت مالیاتی واحدهای دانش‌بنیان را خارج "
                "از نوبت رسیدگی کند.",
                ("tax",),
                "گزارش رسیدگی به درخواست‌ها",
                "درخواست‌های معافیت واحدهای دانش‌بنیان خارج از نوبت رسیدگی و نتیجه ابلاغ شد.",
            ),
        ),
    ),
    Subject(
        "tax_assessments",
        "مشکلات مالیاتی واحدهای تولیدی در رسیدگی به پرونده‌های عملکرد سال ۱۴۰۳",
        "نمایندگان تشکل‌ها از تعیین مالیات علی‌الرأس برای واحدهایی که دفاتر قانونی خود را در "
        "موعد تسلیم کرده‌اند و از طولانی شدن رسیدگی به اعتراض‌ها گلایه کردند.",
        (
            Decision(
                "اداره کل امور مالیاتی استان پرونده‌های واحدهای تولیدی دارای دفاتر قانونی را که "
                "مالیات آن‌ها علی‌الرأس تعیین شده، دوباره بررسی و نتیجه را به دبیرخانه اعلام کند.",
                ("tax",),
                "گزارش پرونده‌های بازبینی‌شده",
                "پرونده‌ها بازبینی شد و برای دوازده واحد برگ تشخیص بر اساس دفاتر اصلاح گردید.",
            ),
            Decision(
                "اداره کل امور مالیاتی استان با تقسیط بدهی مالیاتی واحدهای تولیدی دارای مشکل "
                "نقدینگی تا بیست‌وچهار قسط موافقت کند.",
                ("tax",),
                "دستورالعمل داخلی تقسیط",
                "دستورالعمل تقسیط تا بیست‌وچهار قسط به ادارات تابعه ابلاغ شد.",
            ),
        ),
    ),
    Subject(
        "insurance_debts",
        "بدهی‌های بیمه‌ای واحدهای تولیدی و توقیف حساب‌ها",
        "گزارش شد که توقیف حساب‌های چند واحد بابت اختلاف در محاسبه حق بیمه، پرداخت حقوق کارکنان "
        "را متوقف کرده است.",
        (
            Decision(
                "اداره کل تأمین اجتماعی استان تا تعیین تکلیف اعتراض واحدهای تولیدی در هیئت‌های "
                "تشخیص مطالبات، از توقیف حساب‌های جاری آن‌ها خودداری کند.",
                ("social_security",),
                "دستور ابلاغ‌شده به شعب",
                "دستور توقف توقیف حساب‌ها تا تعیین تکلیف اعتراض‌ها به شعب ابلاغ شد.",
            ),
            Decision(
                "اداره کل تأمین اجتماعی استان گزارش تقسیط بدهی واحدهای تولیدی طبق بخشنامه حمایت "
                "از تولید را به دبیرخانه ستاد ارائه کند.",
                ("social_security",),
                "گزارش تقسیط‌ها",
                "گزارش تقسیط بدهی ۴۶ واحد تولیدی به دبیرخانه ارسال شد.",
            ),
        ),
    ),
    Subject(
        "customs_clearance",
        "ترخیص ماشین‌آلات و مواد اولیه واحدهای تولیدی از گمرکات استان",
        "مدیرکل گمرک گزارش داد که بیشتر محموله‌های متوقف، گواهی عدم ساخت داخل یا تخصیص ارز ندارند.",
        (
            Decision(
                "گمرک قزوین ماشین‌آلات خط تولید واحدهای دارای گواهی عدم ساخت داخل را با اخذ تعهد "
                "تکمیل مدارک ترخیص کند.",
                ("customs",),
                "فهرست محموله‌های ترخیص‌شده",
                "ماشین‌آلات نه واحد با اخذ تعهد ترخیص شد.",
            ),
            Decision(
                "سازمان صنعت، معدن و تجارت گواهی‌های عدم ساخت داخل واحدهای منتظر ترخیص را خارج از "
                "نوبت صادر کند.",
                ("smt",),
                "گواهی‌های صادرشده",
                "گواهی‌های عدم ساخت داخل برای همه واحدهای منتظر صادر و به گمرک ارسال شد.",
            ),
        ),
    ),
    Subject(
        "detergent_exports",
        "توسعه صادرات محصولات بهداشتی، آرایشی و شوینده استان",
        "با توجه به سهم پنجاه درصدی استان در تأمین نیاز کشور به مواد شوینده، ظرفیت صادرات این "
        "محصولات به کشورهای عربی و روسیه بررسی شد.",
        (
            Decision(
                "سازمان صنعت، معدن و تجارت با همکاری اتاق بازرگانی، هیئت تجاری واحدهای شوینده و "
                "بهداشتی استان را برای بازدید از بازارهای کشورهای عربی و روسیه سازمان‌دهی کند.",
                ("smt",),
                "برنامه سفر هیئت تجاری",
                "برنامه سفر هیئت تجاری با حضور دوازده واحد تهیه و هماهنگی‌های لازم انجام شد.",
            ),
            Decision(
                "گمرک قزوین برای صادرات محصولات شوینده و بهداشتی واحدهای استان، ترخیص در مسیر سبز "
                "و خارج از نوبت فراهم کند.",
                ("customs",),
                "دستورالعمل ترخیص صادراتی",
                "ترخیص صادراتی این محصولات در مسیر سبز برقرار و به واحدها اطلاع‌رسانی شد.",
            ),
            Decision(
                "اداره کل استاندارد استان گواهی‌های انطباق محصولات صادراتی واحدهای شوینده را ظرف "
                "پنج روز کاری صادر کند.",
                ("standards",),
                "گزارش گواهی‌های صادرشده",
                "گواهی‌های انطباق درخواستی در مهلت پنج‌روزه صادر شد.",
            ),
        ),
    ),
    Subject(
        "operating_licences",
        "تسریع در صدور پروانه بهره‌برداری طرح‌های صنعتی با پیشرفت بیش از ۶۰ درصد",
        "فهرست طرح‌های نیمه‌تمام استان و موانع هر یک در دریافت استعلام‌ها بررسی شد.",
        (
            Decision(
                "سازمان صنعت، معدن و تجارت فهرست طرح‌های بالای ۶۰ درصد پیشرفت را با موانع هر یک "
                "تهیه و پروانه طرح‌های آماده را خارج از نوبت صادر کند.",
                ("smt",),
                "فهرست طرح‌ها و پروانه‌های صادرشده",
                "فهرست طرح‌ها تهیه و برای هفت طرح پروانه بهره‌برداری صادر شد.",
            ),
            Decision(
                "اداره کل حفاظت محیط زیست استان استعلام‌های زیست‌محیطی این طرح‌ها را ظرف ده روز "
                "کاری پاسخ دهد.",
                ("environment",),
                "پاسخ استعلام‌ها",
                "استعلام‌های زیست‌محیطی طرح‌های معرفی‌شده پاسخ داده شد.",
            ),
        ),
    ),
    Subject(
        "estate_water",
        "تأمین آب صنعتی {estate}",
        "کمبود آب صنعتی در ماه‌های گرم سال، توسعه واحدهای مستقر را متوقف کرده است.",
        (
            Decision(
                "شرکت آب منطقه‌ای قزوین سهمیه آب صنعتی {estate} را از محل پساب تصفیه‌شده افزایش دهد.",
                ("water", "estates_co"),
                "قرارداد تخصیص آب",
                "قرارداد تخصیص پساب تصفیه‌شده منعقد و سهمیه آب صنعتی افزایش یافت.",
            ),
        ),
    ),
    Subject(
        "gas_supply",
        "برنامه تأمین گاز پایدار صنایع استان",
        "شرکت گاز برنامه محدودیت‌ها و اولویت‌بندی تأمین گاز واحدهای صنعتی را ارائه کرد.",
        (
            Decision(
                "شرکت گاز استان برنامه محدودیت گاز واحدهای صنعتی را دست‌کم یک هفته پیش از اعمال "
                "به واحدها و دبیرخانه ستاد اعلام کند.",
                ("gas",),
                "برنامه اعلام‌شده",
                "برنامه محدودیت هر هفته از پیش به واحدها و دبیرخانه اعلام می‌شود.",
            ),
            Decision(
                "معاونت هماهنگی امور اقتصادی استانداری سهمیه سوخت جایگزین واحدهای با فرایند پیوسته "
                "را در کارگروه سوخت استان تعیین کند.",
                ("governorate", "gas"),
                "مصوبه کارگروه سوخت",
                "سهمیه سوخت جایگزین در کارگروه سوخت استان تصویب و ابلاغ شد.",
            ),
        ),
    ),
    Subject(
        "endowment_leases",
        "تعیین تکلیف اجاره زمین‌های موقوفه واحدهای صنعتی",
        "چند واحد صنعتی روی زمین موقوفه مستقرند و تمدید اجاره‌نامه آن‌ها با افزایش چندبرابری "
        "اجاره‌بها متوقف شده است.",
        (
            Decision(
                "اداره کل اوقاف و امور خیریه استان اجاره‌نامه واحدهای تولیدی مستقر در زمین "
                "موقوفه را بر اساس نظر کارشناس رسمی تمدید کند.",
                ("endowment",),
                "اجاره‌نامه‌های تمدیدشده",
                "اجاره‌نامه پنج واحد با اجاره‌بهای کارشناسی تمدید شد.",
            ),
        ),
    ),
    Subject(
        "collateral",
        "اجرای قانون رفع موانع تولید در توقیف اموال و وثایق واحدهای تولیدی",
        "گزارش شد که خطوط تولید چند واحد برای وصول مطالبات بانکی توقیف شده، در حالی که قانون "
        "توقیف ماشین‌آلات در حال بهره‌برداری را منع کرده است.",
        (
            Decision(
                "شورای هماهنگی بانک‌های استان پیش از درخواست توقیف ماشین‌آلات واحدهای فعال، موضوع را "
                "در کارگروه بانکی ستاد مطرح کند.",
                ("banks",),
                "بخشنامه ابلاغ‌شده به شعب",
                "بخشنامه لزوم طرح موضوع در کارگروه بانکی پیش از توقیف به همه شعب ابلاغ شد.",
            ),
            Decision(
                "دادگستری کل استان پرونده‌های توقیف ماشین‌آلات واحدهای فعال را خارج از نوبت رسیدگی "
                "کند.",
                ("judiciary",),
                "گزارش رسیدگی",
                "پرونده‌های معرفی‌شده خارج از نوبت رسیدگی و توقیف دو خط تولید رفع شد.",
            ),
        ),
    ),
    Subject(
        "health_licences",
        "صدور و تمدید پروانه‌های بهداشتی واحدهای صنایع غذایی و آرایشی",
        "واحدها از طولانی شدن نوبت آزمایشگاه‌های همکار برای تمدید پروانه بهداشتی گلایه کردند.",
        (
            Decision(
                "معاونت غذا و دارو دانشگاه علوم پزشکی قزوین درخواست‌های تمدید پروانه بهداشتی را ظرف "
                "پانزده روز کاری پاسخ دهد و آزمایشگاه همکار دوم را فعال کند.",
                ("food_drug",),
                "گزارش پروانه‌های تمدیدشده",
                "آزمایشگاه همکار دوم فعال شد و درخواست‌های معوق پاسخ داده شد.",
            ),
        ),
    ),
    Subject(
        "estate_environment",
        "بررسی وضعیت زیست‌محیطی {estate}",
        "گزارش بازدید کارشناسان محیط زیست از تصفیه‌خانه فاضلاب و واحدهای آلاینده ارائه شد.",
        (
            Decision(
                "شرکت شهرک‌های صنعتی استان تعمیرات تصفیه‌خانه فاضلاب {estate} را تکمیل کند.",
                ("estates_co",),
                "گزارش راه‌اندازی تصفیه‌خانه",
                "تعمیرات تصفیه‌خانه تکمیل و آزمون پساب خروجی انجام شد.",
            ),
            Decision(
                "اداره کل حفاظت محیط زیست استان به واحدهای آلاینده {estate} سه ماه مهلت برای نصب "
                "تجهیزات کنترل آلودگی بدهد و تا پایان مهلت از پلمب آن‌ها خودداری کند.",
                ("environment",),
                "فهرست واحدها و مهلت‌ها",
                "مهلت سه‌ماهه به واحدها ابلاغ شد.",
            ),
        ),
    ),
)

# The subject the province cannot settle alone: one of its resolutions goes to the national HQ.
NATIONAL_SUBJECT = Subject(
    "fx_loans",
    "بازپرداخت تسهیلات ارزی صندوق توسعه ملی واحدهای تولیدی استان",
    "بازپرداخت اقساط تسهیلات ارزی به نرخ روز برای بسیاری از واحدها ممکن نیست و تصمیم درباره نرخ "
    "تسویه در اختیار صندوق توسعه ملی است.",
    (
        Decision(
            "شورای هماهنگی بانک‌های استان با همکاری معاونت هماهنگی امور اقتصادی استانداری، فهرست "
            "واحدهای بدهکار تسهیلات ارزی صندوق توسعه ملی و پیشنهاد نرخ تسویه را تهیه کند.",
            ("banks", "governorate"),
            "فهرست واحدها و پیشنهاد نرخ تسویه",
            "فهرست واحدها و پیشنهاد نرخ تسویه تهیه و به دبیرخانه ارسال شد.",
        ),
        Decision(
            "بانک‌های عامل تا تعیین تکلیف نرخ تسویه، اقدامی برای وصول جرایم دیرکرد این تسهیلات "
            "انجام ندهند.",
            ("banks",),
            "بخشنامه ابلاغ‌شده به شعب",
            "توقف وصول جرایم دیرکرد تا تعیین تکلیف به شعب ابلاغ شد.",
        ),
    ),
    letter="نظر به اینکه تعیین نرخ تسویه تسهیلات ارزی صندوق توسعه ملی در اختیار مراجع ملی است و "
    "اجرای کامل این مصوبه بدون تصمیم ستاد ملی ممکن نیست، خواهشمند است موضوع در ستاد ملی تسهیل و "
    "رفع موانع تولید مطرح و نتیجه به استان اعلام شود.",
)

BANKING_SUBJECTS = (
    Subject(
        "overdue_loans",
        "بررسی پرونده‌های بدهی معوق بانکی واحدهای {estate}",
        "نماینده بانک‌های عامل وضعیت پرونده‌ها را گزارش کرد؛ بیشتر واحدها آماده پرداخت بخشی از "
        "بدهی به صورت نقدی هستند.",
        (
            Decision(
                "شورای هماهنگی بانک‌های استان درخواست استمهال واحدهای {estate} را که ده درصد "
                "بدهی را نقدی پرداخت کنند، در کمیته وصول مطالبات بررسی کند.",
                ("banks",),
                "نتیجه کمیته وصول مطالبات",
                "درخواست‌ها در کمیته وصول مطالبات بررسی و با استمهال شش‌ماهه موافقت شد.",
            ),
        ),
    ),
    Subject(
        "bank_owned_units",
        "واگذاری واحدهای تملیکی بانک‌ها به سرمایه‌گذاران بخش خصوصی",
        "فهرست واحدهای تملیکی بانک‌ها در استان و متقاضیان خرید آن‌ها بررسی شد.",
        (
            Decision(
                "شورای هماهنگی بانک‌های استان فهرست واحدهای تملیکی قابل واگذاری را با شرایط اقساطی "
                "اعلام کند.",
                ("banks",),
                "فهرست واحدها و شرایط واگذاری",
                "فهرست یازده واحد تملیکی با شرایط واگذاری اقساطی اعلام شد.",
            ),
            Decision(
                "سازمان صنعت، معدن و تجارت توان فنی متقاضیان خرید واحدهای تملیکی را ارزیابی کند.",
                ("smt",),
                "گزارش ارزیابی متقاضیان",
                "ارزیابی متقاضیان انجام و نتیجه برای بانک‌ها ارسال شد.",
            ),
        ),
    ),
    Subject(
        "working_capital",
        "جذب سهمیه تسهیلات سرمایه در گردش در بانک‌های استان",
        "گزارش جذب سهمیه تسهیلات سرمایه در گردش به تفکیک بانک عامل ارائه شد.",
        (
            Decision(
                "بانک‌های عامل با جذب کمتر از نیمی از سهمیه، علت را به کارگروه گزارش کنند.",
                ("banks",),
                "گزارش علل جذب نشدن سهمیه",
                "گزارش علل جذب نشدن سهمیه از سوی بانک‌ها ارائه شد.",
            ),
        ),
    ),
    Subject(
        "knowledge_based_finance",
        "تأمین مالی واحدهای دانش‌بنیان از محل صندوق نوآوری و شکوفایی",
        "موانع دریافت ضمانت‌نامه و تسهیلات واحدهای دانش‌بنیان استان بررسی شد.",
        (
            Decision(
                "سازمان صنعت، معدن و تجارت با همکاری شورای هماهنگی بانک‌ها، واحدهای دانش‌بنیان "
                "نیازمند ضمانت‌نامه را به صندوق نوآوری و شکوفایی معرفی کند.",
                ("smt", "banks"),
                "معرفی‌نامه‌ها",
                "هشت واحد دانش‌بنیان به صندوق نوآوری و شکوفایی معرفی شد.",
            ),
        ),
    ),
    Subject(
        "tax_clearance_loans",
        "مفاصاحساب مالیاتی و بیمه‌ای برای تمدید تسهیلات بانکی",
        "بانک‌ها تمدید تسهیلات را به ارائه مفاصاحساب مالیاتی و بیمه‌ای مشروط کرده‌اند.",
        (
            Decision(
                "اداره کل امور مالیاتی استان برای واحدهای دارای توافق تقسیط، گواهی موقت جهت ارائه "
                "به بانک صادر کند.",
                ("tax",),
                "گواهی‌های موقت صادرشده",
                "برای واحدهای دارای توافق تقسیط گواهی موقت صادر شد.",
            ),
            Decision(
                "اداره کل تأمین اجتماعی استان برای واحدهای دارای توافق تقسیط، مفاصاحساب موقت صادر "
                "کند.",
                ("social_security",),
                "مفاصاحساب‌های موقت",
                "مفاصاحساب موقت برای واحدهای دارای توافق تقسیط صادر شد.",
            ),
        ),
    ),
)

COUNTY_SUBJECTS = (
    Subject(
        "county_estate",
        "مشکلات واحدهای مستقر در {estate}",
        "فرماندار بر پیگیری مشکلات زیرساختی واحدهای مستقر تأکید کرد؛ نمایندگان واحدها کمبود ظرفیت "
        "برق و آب را مطرح کردند.",
        (
            Decision(
                "شرکت توزیع نیروی برق برای افزایش ظرفیت انشعاب واحدهای {estate} برنامه زمان‌بندی "
                "ارائه کند.",
                ("electricity",),
                "برنامه زمان‌بندی",
                "برنامه زمان‌بندی افزایش ظرفیت انشعاب ارائه و عملیات آغاز شد.",
            ),
            Decision(
                "شرکت شهرک‌های صنعتی شبکه آب {estate} را لوله‌گذاری و تکمیل کند.",
                ("estates_co", "water"),
                "گزارش اجرای شبکه",
                "لوله‌گذاری شبکه آب تکمیل و به واحدها آب‌رسانی شد.",
            ),
        ),
    ),
    Subject(
        "raisin_processing",
        "مشکلات واحدهای فرآوری انگور و کشمش شهرستان",
        "واحدهای فرآوری کشمش از کمبود سرمایه در گردش در فصل خرید محصول گلایه کردند.",
        (
            Decision(
                "شورای هماهنگی بانک‌ها در شهرستان تسهیلات سرمایه در گردش واحدهای فرآوری کشمش را پیش "
                "از فصل خرید محصول پرداخت کند.",
                ("banks",),
                "گزارش پرداخت تسهیلات",
                "تسهیلات سرمایه در گردش شش واحد فرآوری کشمش پرداخت شد.",
            ),
            Decision(
                "اداره صنعت، معدن و تجارت شهرستان واحدهای فرآوری کشمش متقاضی صادرات را برای دریافت "
                "کارت بازرگانی راهنمایی کند.",
                ("smt",),
                "فهرست واحدهای راهنمایی‌شده",
                "چهار واحد برای دریافت کارت بازرگانی راهنمایی و معرفی شدند.",
            ),
        ),
    ),
    Subject(
        "county_insurance",
        "بدهی بیمه‌ای واحدهای تولیدی شهرستان",
        "گزارش شد که چند واحد کوچک به دلیل بدهی بیمه‌ای از تمدید پروانه بازمانده‌اند.",
        (
            Decision(
                "شعبه تأمین اجتماعی شهرستان بدهی واحدهای تولیدی کوچک را تا سی‌وشش قسط تقسیط کند.",
                ("social_security",),
                "گزارش تقسیط‌ها",
                "بدهی نه واحد تولیدی کوچک تقسیط شد.",
            ),
        ),
    ),
    Subject(
        "county_gas",
        "گازرسانی به واحدهای {estate}",
        "واحدهای تازه‌تأسیس هنوز انشعاب گاز ندارند و با سوخت مایع کار می‌کنند.",
        (
            Decision(
                "شرکت گاز استان انشعاب گاز واحدهای تازه‌تأسیس {estate} را نصب کند.",
                ("gas",),
                "گزارش نصب انشعاب‌ها",
                "انشعاب گاز واحدهای تازه‌تأسیس نصب و گازدار شد.",
            ),
        ),
    ),
)

SUBJECTS = {PROVINCIAL: PROVINCIAL_SUBJECTS, BANKING: BANKING_SUBJECTS, COUNTY: COUNTY_SUBJECTS}
ESTATES = {
    PROVINCIAL: (
        "شهر صنعتی البرز",
        "شهرک صنعتی لیا",
        "شهر صنعتی کاسپین",
        "شهرک صنعتی آبیک",
        "شهرک صنعتی حیدریه",
        "شهرک صنعتی رازی",
        "شهرک صنعتی شال",
        "شهرک صنعتی حکیمیه",
        "ناحیه صنعتی محمدیه",
        "شهرک صنعتی خرمدشت",
    ),
    BANKING: ("شهر صنعتی البرز", "شهر صنعتی کاسپین", "شهرک صنعتی لیا", "شهرک صنعتی آبیک"),
    COUNTY: ("شهرک صنعتی خرمدشت", "ناحیه صنعتی ضیاءآباد", "ناحیه صنعتی سیردان"),
}

# How the agency answers a resolution.
DILIGENT = "diligent"  # carries it out by the deadline
LATE = "late"  # carries it out weeks late, once escalated
NEVER = "never"  # never does: recorded as not executed after a review
BEHAVIOURS = ((DILIGENT, 0.78), (LATE, 0.15), (NEVER, 0.07))

# Sessions of the provincial HQ (counted back from today: 1 is the last one held) at which the
# first resolutions on a subject have a part to play, so that today shows every turn whatever the
# day. A stalled one's deadline passed that many working days ago: one at each of several
# escalation steps (TASHIL_ESCALATION_STEPS: 1, 3, 5 and 10 days late).
OBJECTED_TODAY = "objected_today"  # objected since the last session: on the coming agenda
SILENT = "silent"  # the agency has not answered yet: still notified
STALLED = "stalled"  # nothing done, past its deadline: overdue today
AWAITING = "awaiting"  # reported executed yesterday, waiting for the secretariat
NATIONAL = "national"  # written up for the national HQ
WITHDRAWN = "withdrawn"  # objected, and the next session withdrew it
OVERRULED = "overruled"  # objected, and the next session upheld it
RETURNED = "returned"  # the first report of execution was sent back
ROLES: dict[int, tuple[tuple[str, int], ...]] = {
    1: ((OBJECTED_TODAY, 0), (SILENT, 0)),
    2: ((OBJECTED_TODAY, 0),),
    3: ((STALLED, 2),),
    4: ((AWAITING, 0),),
    5: ((STALLED, 4),),
    6: ((STALLED, 12),),
    7: ((NATIONAL, 0),),
    9: ((WITHDRAWN, 0),),
    12: ((OVERRULED, 0),),
    15: ((RETURNED, 0),),
    18: ((NEVER, 0),),
}
# The subject a session of the provincial HQ takes up first: the tax subject at the last one (the
# tax officer's inbox has work today), the national one where its resolution is written up.
PINNED = {1: "tax_assessments", 7: NATIONAL_SUBJECT.key}

# Working days past its deadline after which a session reviewing a forgotten resolution records it
# as not executed.
GIVE_UP_AFTER = 15

GENERAL_NOTES = (
    "جلسه با حضور اکثریت اعضا رسمیت یافت. در ابتدا دبیر ستاد گزارشی از پیگیری مصوبات جلسات قبل "
    "ارائه کرد و سپس موضوعات دستور جلسه به ترتیب بررسی شد."
)
CASE_NOTES = (
    "کارشناس دبیرخانه گزارش پرونده و پاسخ دستگاه‌ها را ارائه کرد، مدیرعامل واحد مشکل را تشریح کرد "
    "و نمایندگان دستگاه‌های مسئول دیدگاه خود را اعلام کردند؛ پس از بحث، مصوبات زیر تصویب شد."
)
DISCUSSED_NOTES = (
    "گزارش کارشناس دبیرخانه و پاسخ دستگاه‌ها ارائه شد. پیش از تصمیم‌گیری، مقرر شد کارشناس "
    "دبیرخانه از واحد بازدید کند و گزارش میدانی را به جلسه بعد ارائه دهد."
)
NATIONAL_NOTES = (
    "حل موضوع به اصلاح بخشنامه‌های ملی نیاز دارد و در اختیارات استان نیست؛ مقرر شد دبیرخانه "
    "پرونده را با گزارش کامل به ستاد ملی تسهیل ارجاع کند."
)
POSTPONED_NOTES = (
    "به دلیل حاضر نبودن نماینده دستگاه مسئول و کمبود وقت، بررسی موضوع به جلسه آینده موکول شد."
)
OBJECTION_TEXTS = (
    "اجرای این مصوبه با دستورالعمل ابلاغی سازمان مرکزی مغایرت دارد و اختیار آن در سطح استان به "
    "دستگاه داده نشده است؛ درخواست بازنگری در مصوبه را داریم.",
    "منابع لازم برای اجرای مصوبه در بودجه سال جاری دستگاه پیش‌بینی نشده است؛ خواهشمند است مهلت یا "
    "روش اجرای مصوبه بازنگری شود.",
)
OVERRULE_REASON = (
    "ستاد با بررسی اعتراض، اجرای مصوبه را در اختیارات دستگاه در استان دانست و بر اجرای آن تأکید "
    "کرد."
)
WITHDRAW_REASON = "ستاد اعتراض دستگاه را وارد دانست؛ مصوبه لغو و مصوبه جایگزین تصویب شد."
REPLACEMENT = (
    "با پذیرش اعتراض {agency} به مصوبه {code}، مقرر شد آن دستگاه راهکار جایگزین را که در "
    "اختیارات استان باشد ظرف سه هفته به دبیرخانه ستاد پیشنهاد کند."
)
REPLACEMENT_DONE = "راهکار جایگزین تهیه و به دبیرخانه ستاد پیشنهاد شد."
OVERDUE_NOTES = (
    "نماینده {agency} علت تأخیر در اجرای مصوبه را توضیح داد؛ ستاد بر اجرای آن حداکثر تا جلسه "
    "آینده تأکید کرد."
)
GIVE_UP_NOTES = (
    "با گذشت مهلت و اقدام نکردن {agency} با وجود پیگیری‌ها، مصوبه اجرانشده تلقی و موضوع به استاندار "
    "گزارش شد."
)
NOT_EXECUTED_REASON = (
    "با وجود یادآوری‌ها و طرح مکرر در جلسات ستاد، دستگاه مسئول در مهلت مقرر اقدامی برای اجرای مصوبه "
    "انجام نداد."
)
REPORTED_NOTES = "گزارش اجرای مصوبه ارائه شد."
CASE_DELIVERABLE = "گزارش اقدام به دبیرخانه ستاد"
# "the unit" in an agency's request, to be replaced by the company's name.
UNIT = re.compile(r"واحد(?=[\s،.]|$)")
OBJECTED_NOTES = {
    "overrule": "اعتراض {agency} بررسی شد؛ ستاد اعتراض را وارد ندانست و بر اجرای مصوبه تأکید کرد.",
    "withdraw": "اعتراض {agency} بررسی و وارد دانسته شد؛ مصوبه لغو و مصوبه جایگزین تصویب شد.",
}
PROGRESS_TEXTS = (
    "موضوع در دستور کار قرار گرفت و مکاتبات لازم با واحدهای تابعه انجام شد؛ گزارش نهایی پس از "
    "تکمیل اقدامات ارسال می‌شود.",
    "جلسه کارشناسی با حضور نماینده دبیرخانه ستاد برگزار و برنامه اجرایی مصوبه تهیه شد.",
    "بخشی از اقدامات انجام شده و باقی آن در انتظار تأیید اداره کل در تهران است.",
)
RETURN_REASON = (
    "گزارش ارسالی مستندات اجرا (نامه ابلاغ و صورت‌جلسه) را ندارد؛ لطفاً مستندات را تکمیل و دوباره "
    "گزارش کنید."
)
DOCUMENTS_ADDED = " تصویر نامه ابلاغ و صورت‌جلسه مربوط برای دبیرخانه ارسال شد."
UNRESOLVED_REASON = (
    "مصوبه ستاد درباره این پرونده اجرا نشد و راه دیگری برای حل موضوع در استان وجود ندارد."
)

# --- The sessions' calendar ----------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """One session of a body, dated relative to today. `index` counts back from today: 0 is the
    coming session (planned, not held), 1 the last one held, and so on."""

    body: str
    index: int
    number: int
    day: dt.date
    created: dt.datetime  # planned, the afternoon the previous session closed
    finalised: dt.datetime  # cases added and the agenda sent, two working days before
    starts: dt.datetime
    closes: dt.datetime


def _working_days_back(calendar: WorkCalendar, day: dt.date, working_days: int) -> dt.date:
    while working_days:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            working_days -= 1
    return day


class SessionCalendar:
    """Every body's sessions from `since` to the coming one. The cases' planner reads it to put
    each case on the agenda in time for the session meant to discuss it."""

    def __init__(
        self, *, now: dt.datetime, since: dt.date, calendar: WorkCalendar, seed: int = SEED
    ) -> None:
        rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
        self.calendar = calendar
        self.by_body = {
            spec.key: self._sessions(spec, now=now, since=since, rng=rng) for spec in BODIES
        }

    def _sessions(
        self, spec: BodySpec, *, now: dt.datetime, since: dt.date, rng: random.Random
    ) -> list[Session]:
        calendar = self.calendar
        tz = timezone.get_current_timezone()
        anchor_day, anchor_number = spec.anchor
        period = 7 * spec.every_weeks
        nominal = anchor_day + dt.timedelta(days=-(-(since - anchor_day).days // period) * period)
        rows: list[tuple[int, dt.date, dt.datetime, dt.datetime]] = []
        while True:
            # A holiday moves the session to the next working day, as services.next_session_date.
            day = calendar.add_working_days(nominal, 0)
            starts = dt.datetime.combine(day, spec.time, tzinfo=tz)
            closes = starts + dt.timedelta(minutes=rng.randint(100, 160))
            number = anchor_number + (nominal - anchor_day).days // period
            rows.append((number, day, starts, closes))
            if closes >= now:
                break
            nominal += dt.timedelta(days=period)
        sessions: list[Session] = []
        previous: dt.datetime | None = None
        for position, (number, day, starts, closes) in enumerate(rows):
            if previous is None:
                created = dt.datetime.combine(
                    _working_days_back(calendar, day, 5), dt.time(10, 0), tzinfo=tz
                )
            else:
                created = previous + dt.timedelta(minutes=rng.randint(60, 120))
                if created >= now:
                    created = previous + (now - previous) / 2
            finalised = dt.datetime.combine(
                _working_days_back(calendar, day, 2), dt.time(12, 0), tzinfo=tz
            ) + dt.timedelta(minutes=rng.randint(0, 90))
            finalised = max(finalised, created + dt.timedelta(minutes=30))
            index = len(rows) - 1 - position
            sessions.append(
                Session(spec.key, index, number, day, created, finalised, starts, closes)
            )
            previous = closes
        sessions.reverse()
        return sessions

    def of(self, body: str) -> list[Session]:
        return self.by_body[body]

    def get(self, body: str, index: int) -> Session | None:
        sessions = self.by_body[body]
        return sessions[index] if 0 <= index < len(sessions) else None

    def nearest(self, body: str, *, weeks: int, today: dt.date) -> Session:
        """The coming session for 0 weeks; otherwise the held session nearest `weeks` ago."""
        sessions = self.by_body[body]
        if weeks == 0:
            return sessions[0]
        target = today - dt.timedelta(weeks=weeks)
        return min(sessions[1:], key=lambda s: (abs((s.day - target).days), s.index))

    def ready_days(self, body: str, index: int, *, today: dt.date) -> list[dt.date]:
        """Working days on which a case can be made ready for session `index` of `body`: after
        the previous session's agenda was sent, before this one's (the coming session: any day
        since the last agenda was sent)."""
        sessions = self.by_body[body]
        if index == 0:
            upper = today
        else:
            upper = sessions[index].finalised.date()
        older = self.get(body, index + 1)
        lower = older.finalised.date() if older is not None else upper - dt.timedelta(days=14)
        days = [
            lower + dt.timedelta(days=offset)
            for offset in range(1, (upper - lower).days)
            if self.calendar.is_working_day(lower + dt.timedelta(days=offset))
        ]
        return days or [_working_days_back(self.calendar, upper, 1)]


# --- What tashil/demo/cases.py hands over --------------------------------------------------------

PROPOSED = "proposed"  # ready, proposed for the coming session
DISCUSSED = "discussed"  # discussed; the session wants a site visit first
ISSUED = "issued"  # resolutions issued, still in follow-up
RESOLVED = "resolved"  # resolutions all executed: the case resolves by itself
UNRESOLVED = "unresolved"  # a resolution not executed: the case ends unresolved
NATIONAL_CASE = "national"  # the session sends the case to the national HQ


@dataclass(frozen=True)
class Route:
    """How a demo case goes through the meetings: to which body (`HQ`: the provincial HQ or the
    case's county HQ), discussed about how many weeks ago (0: waits for the coming session), with
    what result, and whether a first session postponed it."""

    body: str
    weeks: int
    result: str
    postponed: bool = False


class AskLike(Protocol):
    @property
    def agency(self) -> str: ...
    @property
    def request(self) -> str: ...
    @property
    def answer(self) -> str: ...


class TopicLike(Protocol):
    @property
    def requested(self) -> str: ...
    @property
    def asks(self) -> Sequence[AskLike]: ...


class Booking(Protocol):
    """A case plan of tashil/demo/cases.py that goes through a meeting."""

    @property
    def route(self) -> Route | None: ...
    @property
    def session(self) -> Session | None: ...
    @property
    def case(self) -> Case | None: ...
    @property
    def topic(self) -> TopicLike: ...


class People(Protocol):
    @property
    def dabir(self) -> User: ...
    @property
    def takestan(self) -> User: ...
    @property
    def officers(self) -> dict[str, User]: ...
    @property
    def heads(self) -> dict[str, User]: ...


class Timeline(Protocol):
    def add(
        self, at: dt.datetime, action: Callable[[], object], *, rank: tuple[int, ...] = ()
    ) -> bool: ...


# --- Loading -------------------------------------------------------------------------------------


def _scope(province: Province, spec: BodySpec) -> dict[str, Any]:
    scope: dict[str, Any] = {"province": province, "kind": spec.kind}
    if spec.category:
        scope["category"] = Category.objects.get(code=spec.category)
    if spec.county:
        scope["county"] = County.objects.get(code=spec.county)
    return scope


def load_bodies(province: Province, *, sessions: SessionCalendar) -> dict[str, Body]:
    """The demo's bodies, created once with their members; each numbers its sessions on from the
    sessions it held before the demo's first."""
    agencies = {agency.code: agency for agency in Agency.objects.filter(province=province)}
    bodies = {}
    for spec in BODIES:
        scope = _scope(province, spec)
        body = Body.objects.filter(**scope).first()
        if body is None:
            body = Body.objects.create(
                **scope,
                name=spec.name,
                name_en=spec.name_en,
                weekday=spec.weekday,
                time=spec.time,
                place=spec.place,
                chair=spec.chair,
                first_number=sessions.of(spec.key)[-1].number,
            )
            body.members.set([agencies[code] for code in spec.members])
        bodies[spec.key] = body
    return bodies


def demo_meetings_exist(province: Province) -> bool:
    return Meeting.objects.filter(body__province=province).exists()


@dataclass(frozen=True)
class Fate:
    """What becomes of an issued resolution: how its agency behaves, or the part it plays."""

    kind: str
    done: str  # the agency's report of execution


@dataclass(frozen=True)
class Topic:
    """A subject on one session's agenda, its estate filled in."""

    subject: Subject
    estate: str

    @property
    def title(self) -> str:
        return self.subject.title.format(estate=self.estate)

    def decisions(self) -> list[Decision]:
        return [
            Decision(d.text.format(estate=self.estate), d.agencies, d.deliverable, d.done)
            for d in self.subject.decisions
        ]


MEETING_RANK = (1_000_000,)


class Replay:
    """Puts every session of the demo's bodies on the timeline; each step, when it runs, puts
    the next ones there (the items after the attendance, the resolutions' lives after the
    close)."""

    def __init__(
        self,
        *,
        province: Province,
        people: People,
        sessions: SessionCalendar,
        bookings: Sequence[Booking],
        timeline: Timeline,
        now: dt.datetime,
        seed: int = SEED,
    ) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
        self.people = people
        self.sessions = sessions
        self.bookings = [b for b in bookings if b.route is not None and b.session is not None]
        self.timeline = timeline
        self.now = now
        self.today = timezone.localdate(now)
        self.calendar = work_calendar()
        self.bodies = load_bodies(province, sessions=sessions)
        self.agencies = {a.code: a for a in Agency.objects.filter(province=province)}
        self.codes = {a.pk: a.code for a in self.agencies.values()}
        self.meetings: dict[tuple[str, int], Meeting] = {}
        self.topics: dict[int, Topic] = {}  # agenda item → its subject
        self.fates: dict[int, Fate] = {}  # resolution → its fate
        self.verdicts: dict[int, str] = {}  # objected resolution → "overrule" or "withdraw"
        self.give_up: set[int] = set()  # resolutions to record as not executed after the session
        self.addressees: dict[int, list[str]] = {}  # issued resolution → its agencies' codes
        self.turn = dict.fromkeys(SUBJECTS, 0)
        self.estate_turn = dict.fromkeys(SUBJECTS, 0)
        self.roles_left = {index: list(roles) for index, roles in ROLES.items()}

    # -- Scheduling

    def schedule(self) -> None:
        for sessions in self.sessions.by_body.values():
            for session in sessions:
                self._at(session.created, self._create, session)
                self._at(session.finalised, self._finalise, session)
                if session.index > 0:
                    self._at(session.starts, self._open, session)

    def _at(self, at: dt.datetime, action: Callable[..., object], *args: Any) -> bool:
        return self.timeline.add(at, lambda: action(*args), rank=MEETING_RANK)

    def _office(self, day: dt.date, *, after: dt.datetime | None = None) -> dt.datetime:
        """A moment of office hours on `day` (or the next working day), after `after`."""
        day = self.calendar.add_working_days(day, 0)
        tz = timezone.get_current_timezone()
        at = dt.datetime.combine(day, dt.time(8, 0), tzinfo=tz)
        at += dt.timedelta(minutes=self.rng.randint(0, 360))
        if after is not None and at <= after:
            at = after + dt.timedelta(minutes=self.rng.randint(10, 90))
        return at

    # -- Who acts

    def _secretary(self, body: str) -> User:
        return self.people.takestan if body == COUNTY else self.people.dabir

    def _body_key(self, resolution: Resolution) -> str:
        body = resolution.meeting.body
        return next(key for key, value in self.bodies.items() if value.pk == body.pk)

    def _agency_codes(self, resolution: Resolution) -> list[str]:
        """Its responsible agencies, which do not change once it is issued."""
        codes = self.addressees.get(resolution.pk)
        if codes is None:
            ids = resolution.addressees.order_by("pk").values_list("agency_id", flat=True)
            codes = [self.codes[pk] for pk in ids]
            if resolution.state != RS.DRAFT:
                self.addressees[resolution.pk] = codes
        return codes

    def _officer(self, resolution: Resolution, *, late: bool = False) -> User:
        code = self._agency_codes(resolution)[0]
        head = self.people.heads.get(code) if late else None
        return head or self.people.officers[code]

    # -- The session

    def _meeting(self, session: Session) -> Meeting:
        return self.meetings[(session.body, session.number)]

    def _booked(self, session: Session) -> list[Booking]:
        """Cases this session takes up: those meant for it, and the ones it postpones."""
        found = []
        for booking in self.bookings:
            route, target = booking.route, booking.session
            if route is None or target is None or route.result == PROPOSED:
                continue
            if target.body != session.body:
                continue
            if target.index == session.index or (
                route.postponed and target.index + 1 == session.index
            ):
                found.append(booking)
        return found

    def _booking(self, case_id: int | None) -> Booking:
        return next(b for b in self.bookings if b.case is not None and b.case.pk == case_id)

    def _create(self, session: Session) -> None:
        spec = SPECS[session.body]
        actor = self._secretary(session.body)
        chair = spec.deputy_chair if self.rng.random() < 0.2 else ""
        meeting = services.meeting_create(
            actor=actor, body=self.bodies[session.body], starts_at=session.starts, chair=chair
        )
        self.meetings[(session.body, session.number)] = meeting
        count = 1 if session.body != PROVINCIAL or len(self._booked(session)) >= 2 else 2
        for topic in self._topics(session, count):
            item = services.agenda_add_topic(actor=actor, meeting=meeting, title=topic.title)
            self.topics[item.pk] = topic
        if session.index == 0 and session.body == PROVINCIAL:
            # The secretariat drafts its proposal for the coming session's first subject.
            first = meeting.items.filter(kind=AgendaItemKind.TOPIC).order_by("position").first()
            if first is not None:
                decision = self.topics[first.pk].decisions()[0]
                services.resolution_draft(
                    actor=actor,
                    item=first,
                    draft=self._draft(session, decision.text, decision, weeks=4),
                )

    def _topics(self, session: Session, count: int) -> list[Topic]:
        subjects = SUBJECTS[session.body]
        chosen: list[Subject] = []
        pinned = PINNED.get(session.index) if session.body == PROVINCIAL else None
        if pinned == NATIONAL_SUBJECT.key:
            chosen.append(NATIONAL_SUBJECT)
        elif pinned is not None:
            chosen.append(next(s for s in subjects if s.key == pinned))
        while len(chosen) < count:
            subject = subjects[self.turn[session.body] % len(subjects)]
            self.turn[session.body] += 1
            if subject not in chosen:
                chosen.append(subject)
        topics = []
        for subject in chosen:
            estate = ""
            if "{estate}" in subject.title:
                estates = ESTATES[session.body]
                estate = estates[self.estate_turn[session.body] % len(estates)]
                self.estate_turn[session.body] += 1
            topics.append(Topic(subject, estate))
        return topics

    def _finalise(self, session: Session) -> None:
        meeting = self._meeting(session)
        actor = self._secretary(session.body)
        for booking in self._booked(session):
            case = booking.case
            if case is None:
                raise RuntimeError("a demo case goes to a meeting before it is filed")
            try:
                services.agenda_add_case(actor=actor, meeting=meeting, case=case)
            except services.MeetingError as error:
                raise RuntimeError(
                    f"demo case {case.pk} is not ready for session {meeting.number}: {error}"
                ) from error
        services.meeting_send_agenda(actor=actor, meeting=meeting)

    def _open(self, session: Session) -> None:
        meeting = self._meeting(session)
        items = list(meeting.items.select_related("case", "resolution").order_by("position"))
        self._attend(session, meeting, items)
        span = (session.closes - session.starts - dt.timedelta(minutes=25)) / max(1, len(items))
        for number, item in enumerate(items):
            at = session.starts + dt.timedelta(minutes=10) + span * number
            self._at(at, self._discuss, session, item.pk)
        self._at(session.closes, self._close, session)
        self._at(session.closes + dt.timedelta(minutes=2), self._after, session)

    def _attend(self, session: Session, meeting: Meeting, items: list[AgendaItem]) -> None:
        """Most members present, one or two absent, one represented by a deputy; the agencies
        the items concern are invited."""
        members = list(SPECS[session.body].members)
        invited: list[str] = []
        for item in items:
            if item.kind == AgendaItemKind.CASE and item.case_id is not None:
                invited += [ask.agency for ask in self._booking(item.case_id).topic.asks]
            elif item.kind == AgendaItemKind.TOPIC:
                invited += [c for d in self.topics[item.pk].decisions() for c in d.agencies]
            elif item.resolution is not None:
                invited += self._agency_codes(item.resolution)
        concerned = set(invited)
        # The absent are among the members the agenda does not concern (the last ones, should
        # it concern them all); a deputy comes for one of the others.
        others = [code for code in members if code not in concerned] or members[-2:]
        absent = set(self.rng.sample(others, k=min(len(others), self.rng.randint(1, 2))))
        deputy = self.rng.choice([code for code in members if code not in absent])
        rows = []
        for code in [*members, *sorted(concerned - set(members))]:
            agency = self.agencies[code]
            if code in absent:
                rows.append(AttendanceRow(agency=agency, presence=Presence.ABSENT))
            elif code == deputy:
                name = self.rng.choice(DEPUTIES)
                rows.append(AttendanceRow(agency, Presence.REPRESENTED, f"{name} (معاون)"))
            else:
                rows.append(AttendanceRow(agency, Presence.PRESENT, HEADS.get(code, "")))
        services.attendance_record(actor=self._secretary(session.body), meeting=meeting, rows=rows)

    def _discuss(self, session: Session, item_pk: int) -> None:
        item = AgendaItem.objects.select_related("meeting__body", "case", "resolution").get(
            pk=item_pk
        )
        if item.kind == AgendaItemKind.CASE:
            self._discuss_case(session, item)
        elif item.kind == AgendaItemKind.TOPIC:
            self._discuss_topic(session, item)
        else:
            self._review(session, item)

    def _record(self, session: Session, item: AgendaItem, notes: str, *, postponed: bool = False):
        services.item_record(
            actor=self._secretary(session.body), item=item, notes=notes, postponed=postponed
        )

    def _draft(
        self,
        session: Session,
        text: str,
        decision: Decision,
        *,
        weeks: int,
        deadline: dt.date | None = None,
    ) -> ResolutionDraft:
        if deadline is None:
            deadline = self.calendar.add_working_days(session.day + dt.timedelta(weeks=weeks), 0)
        return ResolutionDraft(
            text=text,
            agencies=[self.agencies[code] for code in decision.agencies],
            deadline=deadline,
            deliverable=decision.deliverable,
        )

    def _pass(
        self,
        session: Session,
        item: AgendaItem,
        decision: Decision,
        *,
        kind: str,
        weeks: int,
        deadline: dt.date | None = None,
    ) -> Resolution:
        resolution = services.resolution_draft(
            actor=self._secretary(session.body),
            item=item,
            draft=self._draft(session, decision.text, decision, weeks=weeks, deadline=deadline),
        )
        self.fates[resolution.pk] = Fate(kind, decision.done)
        return resolution

    def _behaviour(self) -> str:
        kinds = [kind for kind, _weight in BEHAVIOURS]
        return self.rng.choices(kinds, weights=[weight for _kind, weight in BEHAVIOURS])[0]

    def _discuss_case(self, session: Session, item: AgendaItem) -> None:
        booking = self._booking(item.case_id)
        route, target = booking.route, booking.session
        if route is None or target is None:
            raise RuntimeError(f"demo case {item.case_id} has no meeting in its story")
        if route.postponed and session.index == target.index + 1:
            self._record(session, item, POSTPONED_NOTES, postponed=True)
            return
        if route.result == DISCUSSED:
            self._record(session, item, DISCUSSED_NOTES)
            return
        if route.result == NATIONAL_CASE:
            self._record(session, item, NATIONAL_NOTES)
            return
        self._record(session, item, CASE_NOTES)
        case = booking.case
        if case is None:
            raise RuntimeError("a demo case is discussed before it is filed")
        requested = booking.topic.requested
        asks = list(booking.topic.asks)[:3]
        decisions = []
        if len(asks) >= 2 and self.rng.random() < 0.3:
            # One resolution for the first two agencies together.
            first, second = asks[0], asks[1]
            decisions.append(
                self._case_decision(
                    first, case, first=True, requested=requested, also=second.agency
                )
            )
            asks = asks[2:]
        for ask in asks:
            decisions.append(
                self._case_decision(ask, case, first=not decisions, requested=requested)
            )
        for number, decision in enumerate(decisions):
            if route.result == RESOLVED:
                kind = DILIGENT
            elif route.result == UNRESOLVED:
                kind = NEVER if number == 0 else DILIGENT
            elif number == 0:
                kind = LATE  # an issued case keeps at least one resolution in follow-up
            else:
                kind = self._behaviour()
            weeks = self.rng.randint(5, 8) if number == 0 else self.rng.randint(2, 8)
            self._pass(session, item, decision, kind=kind, weeks=weeks)

    def _case_decision(
        self, ask: AskLike, case: Case, *, first: bool, requested: str, also: str = ""
    ) -> Decision:
        """The agency's part in the case as a resolution, naming the company: the register lists
        resolutions without their case's title."""
        agency = self.agencies[ask.agency].name
        request = ask.request.strip().rstrip(".")
        company = case.company.legal_name
        named = UNIT.sub(company, request, count=1)
        if named == request:
            named = f"{request} ({company})"
        partner = f" با همکاری {self.agencies[also].name}" if also else ""
        text = f"{agency}{partner} نسبت به {named} اقدام کند."
        agencies = (ask.agency, also) if also else (ask.agency,)
        deliverable = requested if first else CASE_DELIVERABLE
        return Decision(text, agencies, deliverable, ask.answer)

    def _discuss_topic(self, session: Session, item: AgendaItem) -> None:
        topic = self.topics[item.pk]
        roles = self.roles_left.get(session.index, []) if session.body == PROVINCIAL else []
        pinned = session.body == PROVINCIAL and session.index in PINNED
        if not roles and not pinned and self.rng.random() < 0.08 and item.meeting.items.count() > 1:
            self._record(session, item, POSTPONED_NOTES, postponed=True)
            return
        self._record(session, item, topic.subject.notes)
        decisions = topic.decisions()
        count = self.rng.randint(1, len(decisions))
        if roles or topic.subject is NATIONAL_SUBJECT:
            count = len(decisions)
        for decision in decisions[:count]:
            kind, deadline = self._behaviour(), None
            if roles:
                kind, late = roles.pop(0)
                if late:
                    deadline = _working_days_back(self.calendar, self.today, late)
                    if deadline <= session.day:
                        deadline = None
            weeks = self.rng.randint(2, 8)
            self._pass(session, item, decision, kind=kind, weeks=weeks, deadline=deadline)

    def _review(self, session: Session, item: AgendaItem) -> None:
        """An earlier resolution back on the agenda: objected to, or overdue."""
        resolution = self._get(item.resolution_id)
        agency = self.agencies[self._agency_codes(resolution)[0]].name
        if resolution.state == RS.OBJECTED:
            verdict = self.verdicts.setdefault(resolution.pk, "overrule")
            self._record(session, item, OBJECTED_NOTES[verdict].format(agency=agency))
            if verdict == "withdraw":
                text = REPLACEMENT.format(agency=agency, code=resolution.code)
                decision = Decision(
                    text, tuple(self._agency_codes(resolution)), "راهکار جایگزین", REPLACEMENT_DONE
                )
                self._pass(session, item, decision, kind=DILIGENT, weeks=3)
            return
        fate = self.fates.get(resolution.pk)
        late = self.calendar.working_days_between(resolution.deadline, session.day)
        if resolution.state in WITH_AGENCY and fate is not None and fate.kind == NEVER:
            if late >= GIVE_UP_AFTER:
                self.give_up.add(resolution.pk)
                self._record(session, item, GIVE_UP_NOTES.format(agency=agency))
                return
        if resolution.state in WITH_AGENCY:
            self._record(session, item, OVERDUE_NOTES.format(agency=agency))
        else:
            self._record(session, item, REPORTED_NOTES)

    def _close(self, session: Session) -> None:
        """The minutes: the general notes and the guests (the managing directors of the companies
        whose cases were discussed), then the close."""
        meeting = self._meeting(session)
        meeting.refresh_from_db()
        actor = self._secretary(session.body)
        companies = (
            meeting.items.filter(kind=AgendaItemKind.CASE)
            .order_by("position")
            .values_list("case__company__legal_name", flat=True)
        )
        services.meeting_update(
            actor=actor,
            meeting=meeting,
            starts_at=meeting.starts_at,
            place=meeting.place,
            chair=meeting.chair,
            guests="\n".join(f"مدیرعامل {name}" for name in companies),
            notes=GENERAL_NOTES,
        )
        services.meeting_close(actor=actor, meeting=meeting)

    def _after(self, session: Session) -> None:
        """The secretariat records what the session decided on earlier resolutions; the new
        ones start their lives."""
        meeting = self._meeting(session)
        actor = self._secretary(session.body)
        for item in meeting.items.filter(kind=AgendaItemKind.RESOLUTION).order_by("position"):
            resolution = self._get(item.resolution_id)
            if resolution.state == RS.OBJECTED:
                if self.verdicts.get(resolution.pk) == "withdraw":
                    services.resolution_withdraw(
                        actor=actor, resolution=resolution, reason=WITHDRAW_REASON
                    )
                else:
                    services.resolution_overrule(
                        actor=actor, resolution=resolution, reason=OVERRULE_REASON
                    )
                    fate = self.fates.get(resolution.pk, Fate(DILIGENT, REPLACEMENT_DONE))
                    self._live(resolution, Fate(DILIGENT, fate.done), since=timezone.now())
            elif resolution.pk in self.give_up and resolution.state in WITH_AGENCY:
                services.resolution_mark_not_executed(
                    actor=actor, resolution=resolution, reason=NOT_EXECUTED_REASON
                )
                self._settle_case(resolution, actor=actor)
        for resolution in meeting.resolutions.order_by("number"):
            self._live(resolution, self.fates[resolution.pk])

    def _settle_case(self, resolution: Resolution, *, actor: User) -> None:
        """A case whose resolutions are all decided, one of them not executed, ends unresolved."""
        if resolution.case_id is None:
            return
        case = Case.objects.get(pk=resolution.case_id)
        states = set(
            Resolution.objects.filter(case=case)
            .exclude(state=RS.DRAFT)
            .values_list("state", flat=True)
        )
        if case.status == CaseStatus.RESOLUTIONS_ISSUED and states <= FINAL:
            case_conclude(
                actor=actor, case=case, outcome=Outcome.UNRESOLVED, reason=UNRESOLVED_REASON
            )

    # -- A resolution's life

    def _live(
        self, resolution: Resolution, fate: Fate, *, since: dt.datetime | None = None
    ) -> None:
        """Put the resolution's life on the timeline: what its agency and the secretariat do,
        each on its day. What would happen after now has not happened yet and is left out."""
        pk = resolution.pk
        issued = since or resolution.notified_at
        window = resolution.objection_until
        if issued is None or window is None:
            raise RuntimeError(f"resolution {resolution.code} was not issued")
        deadline = resolution.deadline
        kind = fate.kind
        if since is None and kind in (OBJECTED_TODAY, WITHDRAWN, OVERRULED):
            if kind == OBJECTED_TODAY:
                last = self.sessions.of(self._body_key(resolution))[1].closes
                at = self._office(last.date() + dt.timedelta(days=1), after=last)
                if at >= self.now or at.date() > window:
                    at = last + (self.now - last) / 2
            else:
                self.verdicts[pk] = "withdraw" if kind == WITHDRAWN else "overrule"
                at = self._office(issued.date() + dt.timedelta(days=self.rng.randint(2, 6)))
            self._at(at, self._object, pk)
            return
        if since is not None:
            started = since
        elif kind != SILENT and self.rng.random() < 0.7:
            room = max(1, min(10, (window - issued.date()).days - 1))
            started = self._office(issued.date() + dt.timedelta(days=self.rng.randint(1, room)))
            self._at(started, self._start, pk)
        else:
            # Nobody answers: the follow-up job starts it once the objection window has passed.
            tz = timezone.get_current_timezone()
            day = self.calendar.add_working_days(window, 1)
            started = dt.datetime.combine(day, dt.time(0, 25), tzinfo=tz)
        report: dt.datetime | None = None
        if kind in (DILIGENT, RETURNED, SILENT):
            early = deadline - dt.timedelta(days=self.rng.randint(0, 20))
            report = self._office(max(early, started.date() + dt.timedelta(days=2)), after=started)
        elif kind in (LATE, NATIONAL):
            report = self._office(deadline + dt.timedelta(days=self.rng.randint(4, 35)))
        elif kind == AWAITING:
            yesterday = _working_days_back(self.calendar, self.today, 1)
            report = self._office(yesterday, after=started)
        horizon = report or dt.datetime.combine(deadline, dt.time(8, 0), tzinfo=started.tzinfo)
        if horizon - started > dt.timedelta(days=6) and self.rng.random() < 0.5:
            self._at(self._office((started + (horizon - started) / 2).date()), self._progress, pk)
        if kind == NATIONAL:
            day = issued.date() + dt.timedelta(days=self.rng.randint(10, 20))
            self._at(self._office(day), self._national, pk)
        if report is None:
            return
        late = report.date() > self.calendar.add_working_days(deadline, 3)
        self._at(report, self._report_execution, pk, fate.done, late)
        if kind == AWAITING:
            return
        if kind == RETURNED:
            back = self._office(self.calendar.add_working_days(report.date(), 2), after=report)
            again = self._office(self.calendar.add_working_days(back.date(), 5), after=back)
            self._at(back, self._return, pk)
            self._at(again, self._report_execution, pk, fate.done + DOCUMENTS_ADDED, False)
            report = again
        accept = self.calendar.add_working_days(report.date(), self.rng.randint(1, 5))
        self._at(self._office(accept, after=report), self._accept, pk)

    def _get(self, pk: int | None) -> Resolution:
        if pk is None:
            raise RuntimeError("an agenda item of kind resolution names no resolution")
        return Resolution.objects.select_related("meeting__body").get(pk=pk)

    def _start(self, pk: int) -> None:
        resolution = self._get(pk)
        if resolution.state == RS.NOTIFIED:
            services.resolution_start(actor=self._officer(resolution), resolution=resolution)

    def _object(self, pk: int) -> None:
        resolution = self._get(pk)
        if resolution.state == RS.NOTIFIED:
            services.resolution_object(
                actor=self._officer(resolution),
                resolution=resolution,
                reason=self.rng.choice(OBJECTION_TEXTS),
            )

    def _progress(self, pk: int) -> None:
        resolution = self._get(pk)
        if resolution.state in (RS.NOTIFIED, RS.IN_PROGRESS, RS.REPORTED):
            services.resolution_report(
                actor=self._officer(resolution),
                resolution=resolution,
                text=self.rng.choice(PROGRESS_TEXTS),
            )

    def _report_execution(self, pk: int, text: str, late: bool) -> None:
        resolution = self._get(pk)
        if resolution.state in WITH_AGENCY:
            services.resolution_report_execution(
                actor=self._officer(resolution, late=late), resolution=resolution, text=text
            )

    def _return(self, pk: int) -> None:
        resolution = self._get(pk)
        if resolution.state == RS.REPORTED:
            services.resolution_return_report(
                actor=self._secretary(self._body_key(resolution)),
                resolution=resolution,
                reason=RETURN_REASON,
            )

    def _accept(self, pk: int) -> None:
        resolution = self._get(pk)
        if resolution.state == RS.REPORTED:
            services.resolution_accept_execution(
                actor=self._secretary(self._body_key(resolution)), resolution=resolution
            )

    def _national(self, pk: int) -> None:
        resolution = self._get(pk)
        if resolution.escalated_national_at is None:
            services.resolution_escalate_national(
                actor=self.people.dabir, resolution=resolution, letter=NATIONAL_SUBJECT.letter
            )


# --- What load_demo prints -----------------------------------------------------------------------


@dataclass
class MeetingsResult:
    held: dict[str, int]  # closed sessions by body key
    coming: Meeting | None  # the provincial HQ's next session
    totals: dict[str, int]  # selectors.resolution_totals for the secretariat


def meetings_result(province: Province, *, user: User) -> MeetingsResult:
    held = {}
    coming = None
    for spec in BODIES:
        body = Body.objects.filter(**_scope(province, spec)).first()
        held[spec.key] = Meeting.objects.filter(body=body, status=MeetingStatus.CLOSED).count()
        if spec.key == PROVINCIAL and body is not None:
            coming = next_open_meeting(body=body)
    return MeetingsResult(held=held, coming=coming, totals=resolution_totals(user))
