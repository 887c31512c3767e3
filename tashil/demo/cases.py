"""The demo province's obstacle cases (issue 4, DOMAIN.md §4).

About ninety cases of Qazvin's production units, filed over the last six months, in every county,
every category and every state of the workflow: new cases waiting for triage, cases with an expert,
referrals to one to three agencies at once (some answered on time, some late, one extended, several
overdue today at each escalation step), a case paused while the company gathers documents, cases
ready for the coming session, cases discussed at the HQ's sessions (or its banking working group's,
or the Takestan county HQ's) whose resolutions are followed up or were all carried out, outcomes
waiting for the company's confirmation, closed cases with satisfaction scores or closed by the job
when nobody confirmed, one reopened case, duplicates merged in; on most resolved cases, the results
the secretariat recorded some days later (the loan approved, the jobs kept).

Every case is built through `tashil.cases.services`, so each has the timeline a real one would
have. The stories are dated relative to the real today, because "overdue" is computed against
today: the loader replays all cases together in date order on one `Timeline`, moving the clock (see
`frozen_clock`) and running the escalation, follow-up and closing jobs once a day as the worker
would. The sessions of the bodies and the lives of their resolutions (tashil/demo/meetings.py) are
on the same timeline: a case meant for a session is put on the agenda in the days before its agenda
is sent, and the session's close moves it on. The choices (companies, topics, amounts, hours) come
from a fixed seed; only the dates follow today.

Loading is idempotent: if the demo cases or meetings exist, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from unittest import mock

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tashil.accounts.models import RoleAssignment, User
from tashil.accounts.roles import Role
from tashil.agencies.models import Agency
from tashil.cases import services
from tashil.cases.models import Case, CaseEvent, Category, Channel, Outcome, Referral
from tashil.cases.selectors import overdue_q
from tashil.cases.services import ReferralRequest
from tashil.cases.workflow import CaseStatus
from tashil.core.selectors import work_calendar
from tashil.core.workdays import WorkCalendar
from tashil.demo.meetings import (
    BANKING,
    COUNTY,
    DISCUSSED,
    HQ,
    ISSUED,
    NATIONAL_CASE,
    PROPOSED,
    PROVINCIAL,
    RESOLVED,
    TAKESTAN,
    UNRESOLVED,
    Replay,
    Route,
    Session,
    SessionCalendar,
    demo_meetings_exist,
)
from tashil.demo.province import QAZVIN
from tashil.geo.models import Province
from tashil.meetings import tasks as meeting_tasks
from tashil.meetings.services import resolutions_follow_up
from tashil.notifications import services as notification_services
from tashil.notifications.models import Notification
from tashil.notifications.services import notifications_mark_read
from tashil.registry.models import Company, CompanyStatus

SEED = 14040924_4
BILLION = 10**9
# Demo notices older than this are marked read: the inbox of a demo user shows what is new.
NOTICES_FRESH_DAYS = 3

# --- What the cases are about --------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """One agency's part in a topic: what it is asked and what it answers."""

    agency: str  # agency code (tashil/agencies/data)
    request: str
    answer: str


@dataclass(frozen=True)
class Topic:
    category: str  # category code (tashil/cases/data/categories.csv)
    title: str
    description: str
    requested: str
    amount: tuple[int, int] | None  # billions of rial, lowest and highest
    # The first is the category's default agency (or the agency that handles this topic).
    asks: tuple[Ask, ...] = ()
    reject_reason: str = ""  # for the out-of-scope topics only


TOPICS = (
    Topic(
        "banking",
        "استمهال و تقسیط بدهی معوق تسهیلات بانکی",
        "بخشی از تسهیلات سرمایه در گردش واحد به دلیل کاهش فروش و تأخیر در وصول مطالبات از "
        "مشتریان دولتی معوق شده و بانک عامل اخطار وصول از محل وثایق را ابلاغ کرده است. واحد آماده "
        "پرداخت بخشی از بدهی به صورت نقدی است.",
        "استمهال دوازده‌ماهه و تقسیط مانده بدهی بدون جریمه تأخیر",
        (40, 600),
        (
            Ask(
                "banks",
                "بررسی امکان استمهال و تقسیط بدهی معوق واحد طبق مصوبات ستاد تسهیل و اعلام نتیجه "
                "به دبیرخانه.",
                "با استمهال شش‌ماهه و تقسیط مانده بدهی در ۳۶ قسط پس از پرداخت ده درصد نقدی موافقت "
                "شد و موضوع به شعبه عامل ابلاغ گردید.",
            ),
        ),
    ),
    Topic(
        "banking",
        "تسهیلات سرمایه در گردش تبصره ۱۸ قانون بودجه",
        "پرونده تسهیلات تبصره ۱۸ واحد با وجود معرفی سازمان صنعت، معدن و تجارت بیش از سه ماه در "
        "بانک عامل بی‌نتیجه مانده و خرید مواد اولیه فصل آینده به این تسهیلات وابسته است.",
        "تسریع در بررسی و پرداخت تسهیلات سرمایه در گردش",
        (50, 400),
        (
            Ask(
                "banks",
                "پیگیری علت توقف پرونده تسهیلات تبصره ۱۸ در بانک عامل و اعلام زمان پرداخت.",
                "پرونده در کمیته اعتباری شعبه مطرح و با پرداخت هفتاد درصد مبلغ درخواستی موافقت "
                "شد؛ قرارداد تا پایان ماه جاری منعقد می‌شود.",
            ),
            Ask(
                "smt",
                "تأیید مجدد نیاز سرمایه در گردش واحد و ارسال معرفی‌نامه به‌روزشده به بانک عامل.",
                "معرفی‌نامه به‌روزشده با تأیید ظرفیت تولید و نیاز سرمایه در گردش برای بانک عامل "
                "ارسال شد.",
            ),
        ),
    ),
    Topic(
        "banking",
        "احیای واحد راکد تملیکی بانک و واگذاری به سرمایه‌گذار جدید",
        "واحد پس از توقف تولید به تملک بانک درآمده و سرمایه‌گذار جدیدی برای خرید و راه‌اندازی "
        "دوباره خط تولید اعلام آمادگی کرده است، اما مذاکره درباره شرایط واگذاری اقساطی به نتیجه "
        "نرسیده است.",
        "واگذاری اقساطی واحد به سرمایه‌گذار و راه‌اندازی دوباره تولید",
        (80, 900),
        (
            Ask(
                "banks",
                "بررسی شرایط واگذاری اقساطی واحد تملیکی به سرمایه‌گذار معرفی‌شده.",
                "هیئت‌مدیره بانک با واگذاری واحد با پیش‌پرداخت بیست درصد و تقسیط پنج‌ساله مانده "
                "موافقت کرد.",
            ),
            Ask(
                "smt",
                "اعلام نظر درباره توان فنی سرمایه‌گذار و برنامه راه‌اندازی دوباره واحد.",
                "برنامه راه‌اندازی و توان فنی سرمایه‌گذار تأیید شد؛ پروانه بهره‌برداری پس از "
                "انتقال به نام خریدار اصلاح می‌شود.",
            ),
        ),
    ),
    Topic(
        "banking",
        "رفع مسدودی حساب‌های شرکت و آزادسازی وثیقه مازاد",
        "بانک به دلیل یک فقره چک برگشتی همه حساب‌های شرکت را مسدود کرده و وثیقه ملکی مازاد بر "
        "بدهی را آزاد نمی‌کند؛ پرداخت حقوق کارکنان و خرید مواد اولیه متوقف شده است.",
        "رفع مسدودی حساب جاری و آزادسازی وثیقه مازاد",
        (10, 150),
        (
            Ask(
                "banks",
                "بررسی رفع مسدودی حساب‌های جاری واحد با اخذ تعهد تسویه چک برگشتی.",
                "با اخذ تعهد تسویه ظرف یک ماه، مسدودی حساب جاری برداشته شد و آزادسازی وثیقه "
                "مازاد در کمیته وصول مطالبات بررسی می‌شود.",
            ),
        ),
    ),
    Topic(
        "banking",
        "بخشودگی جرایم دیرکرد تسهیلات ارزی صندوق توسعه ملی",
        "ماشین‌آلات واحد با تسهیلات ارزی صندوق توسعه ملی خریداری شده و با جهش نرخ ارز، بازپرداخت "
        "به نرخ روز برای واحد ممکن نیست؛ جرایم دیرکرد از اصل اقساط بیشتر شده است.",
        "بخشودگی جرایم و تسویه به نرخ ارز زمان دریافت",
        (100, 1500),
        (
            Ask(
                "banks",
                "پیگیری بخشودگی جرایم دیرکرد تسهیلات ارزی طبق دستورالعمل صندوق توسعه ملی.",
                "درخواست واحد با مستندات برای صندوق توسعه ملی ارسال شد؛ بانک عامل تا اعلام "
                "نتیجه اقدامی برای وصول جرایم نمی‌کند.",
            ),
        ),
    ),
    Topic(
        "tax",
        "اعتراض به برگ تشخیص مالیات عملکرد سال ۱۴۰۲",
        "مالیات عملکرد واحد به صورت علی‌الرأس و چند برابر سال قبل تعیین شده است، در حالی که "
        "دفاتر قانونی و صورت‌های مالی حسابرسی‌شده در موعد تسلیم شده‌اند.",
        "رسیدگی دوباره در هیئت حل اختلاف مالیاتی بر اساس دفاتر",
        (5, 120),
        (
            Ask(
                "tax",
                "بررسی اعتراض واحد و طرح پرونده در هیئت حل اختلاف مالیاتی با حضور نماینده تشکل.",
                "پرونده در هیئت حل اختلاف بدوی مطرح شد و مالیات بر اساس دفاتر قانونی تعدیل گردید.",
            ),
        ),
    ),
    Topic(
        "tax",
        "تقسیط بدهی مالیات بر ارزش افزوده",
        "واحد به دلیل کمبود نقدینگی نمی‌تواند بدهی مالیات بر ارزش افزوده دوره‌های گذشته را یکجا "
        "بپردازد و صدور گواهی مفاصاحساب برای شرکت در مناقصه‌ها متوقف مانده است.",
        "تقسیط بدهی و صدور گواهی موقت",
        (3, 90),
        (
            Ask(
                "tax",
                "بررسی تقسیط بدهی ارزش افزوده واحد و امکان صدور گواهی موقت.",
                "با تقسیط بدهی در هجده قسط موافقت شد و گواهی موقت برای شرکت در مناقصه صادر شد.",
            ),
        ),
    ),
    Topic(
        "tax",
        "استرداد اعتبار مالیاتی ارزش افزوده صادرات",
        "با وجود صادرات مستمر و ارائه پروانه‌های صادراتی، اعتبار مالیات بر ارزش افزوده واحد بیش "
        "از یک سال است که مسترد نشده و نقدینگی واحد درگیر مانده است.",
        "استرداد اعتبار مالیاتی دوره‌های صادراتی",
        (8, 200),
        (
            Ask(
                "tax",
                "رسیدگی به درخواست استرداد اعتبار مالیاتی صادرات و اعلام زمان پرداخت.",
                "رسیدگی به دوره‌های درخواستی انجام شد و مبلغ قابل استرداد در نوبت پرداخت خزانه "
                "قرار گرفت.",
            ),
            Ask(
                "customs",
                "تأیید اطلاعات پروانه‌های صادراتی واحد در سامانه جامع گمرکی برای اداره مالیات.",
                "اطلاعات پروانه‌های صادراتی واحد در سامانه تأیید و برای اداره کل امور مالیاتی "
                "ارسال شد.",
            ),
        ),
    ),
    Topic(
        "social_security",
        "تقسیط بدهی حق بیمه کارفرمایی و بخشودگی جرایم",
        "بدهی حق بیمه واحد در دوره رکود تولید انباشته شده و تأمین اجتماعی برای وصول آن اموال واحد "
        "را توقیف کرده است.",
        "تقسیط بدهی در شصت قسط و بخشودگی جرایم طبق بخشنامه حمایت از تولید",
        (5, 180),
        (
            Ask(
                "social_security",
                "بررسی تقسیط بدهی حق بیمه و بخشودگی جرایم واحد طبق بخشنامه‌های حمایت از تولید.",
                "با تقسیط اصل بدهی در ۴۸ قسط و بخشودگی جرایم تا سقف مقرر موافقت شد؛ توقیف اموال "
                "پس از پرداخت قسط اول رفع می‌شود.",
            ),
        ),
    ),
    Topic(
        "social_security",
        "رفع توقیف حساب‌های بانکی بابت بدهی بیمه",
        "به دلیل اختلاف در محاسبه حق بیمه پیمانکاران، حساب‌های بانکی واحد به دستور تأمین اجتماعی "
        "توقیف شده و پرداخت حقوق کارکنان به تعویق افتاده است.",
        "رفع توقیف حساب‌ها تا تعیین تکلیف اعتراض",
        (2, 60),
        (
            Ask(
                "social_security",
                "بررسی رفع توقیف حساب‌های واحد تا رسیدگی به اعتراض در هیئت تشخیص مطالبات.",
                "با اخذ ضمانت‌نامه بانکی، توقیف حساب‌ها رفع و پرونده برای رسیدگی به هیئت تشخیص "
                "مطالبات ارسال شد.",
            ),
            Ask(
                "banks",
                "اجرای دستور رفع توقیف پس از ابلاغ تأمین اجتماعی و اعلام نتیجه.",
                "دستور رفع توقیف در شعب عامل اجرا شد.",
            ),
        ),
    ),
    Topic(
        "social_security",
        "اعتراض به مطالبه حق بیمه قراردادهای خرید تجهیزات",
        "بازرسی تأمین اجتماعی برای قراردادهای خرید تجهیزات واحد حق بیمه پیمانکاری مطالبه کرده "
        "است، در حالی که این قراردادها خرید کالا بوده و خدمتی در آن‌ها انجام نشده است.",
        "ابطال مطالبه حق بیمه قراردادهای خرید کالا",
        (1, 40),
        (
            Ask(
                "social_security",
                "بررسی ماهیت قراردادهای خرید تجهیزات واحد و اعلام نظر درباره مطالبه حق بیمه.",
                "قراردادها در هیئت تشخیص مطالبات خرید کالا شناخته شد و مطالبه حق بیمه آن‌ها ابطال "
                "گردید.",
            ),
        ),
    ),
    Topic(
        "customs",
        "ترخیص ماشین‌آلات خط تولید از گمرک",
        "ماشین‌آلات خط تولید جدید واحد بیش از دو ماه است در گمرک مانده و به دلیل نقص در ثبت سفارش "
        "و تخصیص ارز ترخیص نمی‌شود؛ هزینه انبارداری هر روز بیشتر می‌شود.",
        "ترخیص ماشین‌آلات با تعهد تکمیل مدارک",
        (20, 350),
        (
            Ask(
                "customs",
                "بررسی امکان ترخیص ماشین‌آلات خط تولید با اخذ تعهد از واحد.",
                "ماشین‌آلات با تعهد تکمیل مدارک ظرف سه ماه ترخیص شد.",
            ),
            Ask(
                "smt",
                "صدور گواهی عدم ساخت داخل و تأیید نیاز واحد به ماشین‌آلات برای گمرک.",
                "گواهی عدم ساخت داخل و تأیید نیاز واحد صادر و برای گمرک ارسال شد.",
            ),
            Ask(
                "banks",
                "پیگیری تخصیص ارز ثبت سفارش ماشین‌آلات در سامانه جامع تجارت.",
                "ارز ثبت سفارش تخصیص یافت و گواهی تأمین ارز صادر شد.",
            ),
        ),
    ),
    Topic(
        "customs",
        "ترخیص مواد اولیه وارداتی متوقف در گمرک",
        "محموله مواد اولیه وارداتی واحد برای استعلام استاندارد در گمرک متوقف شده و ادامه تولید "
        "بیش از دو هفته ممکن نیست.",
        "ترخیص فوری محموله با نمونه‌برداری همزمان",
        (5, 120),
        (
            Ask(
                "customs",
                "بررسی ترخیص امانی محموله مواد اولیه تا اعلام نتیجه آزمون.",
                "محموله به صورت امانی و با تعهد مصرف نکردن تا اعلام نتیجه آزمون ترخیص شد.",
            ),
            Ask(
                "standards",
                "تسریع در نمونه‌برداری و اعلام نتیجه آزمون مواد اولیه وارداتی.",
                "نمونه‌برداری انجام شد و نتیجه آزمون منطبق با استاندارد اعلام گردید.",
            ),
        ),
    ),
    Topic(
        "electricity",
        "افزایش سهمیه برق و معافیت از محدودیت‌های اوج بار",
        "با محدودیت دو روز در هفته در ساعات اوج بار، واحد ناچار به توقف خط شده است؛ تولید واحد "
        "پیوسته است و هر توقف به مواد در جریان آسیب می‌زند.",
        "معافیت از قطع برق یا جابه‌جایی ساعات محدودیت",
        None,
        (
            Ask(
                "electricity",
                "بررسی افزایش سهمیه برق واحد یا جابه‌جایی ساعات محدودیت با توجه به تولید پیوسته.",
                "واحد در فهرست صنایع با فرایند پیوسته قرار گرفت و محدودیت آن به ساعات شب منتقل شد.",
            ),
        ),
    ),
    Topic(
        "electricity",
        "افزایش دیماند انشعاب برق برای خط تولید جدید",
        "خط تولید جدید واحد نصب شده، اما افزایش دیماند از یک به دو مگاوات به دلیل کمبود ظرفیت پست "
        "برق شهرک انجام نشده است.",
        "افزایش دیماند و برق‌دار کردن خط جدید",
        (3, 45),
        (
            Ask(
                "electricity",
                "بررسی افزایش ظرفیت انشعاب واحد از محل پست برق شهرک.",
                "افزایش دیماند پس از نصب ترانس دوم پست شهرک انجام می‌شود؛ قرارداد واحد منعقد شد.",
            ),
            Ask(
                "estates_co",
                "اعلام برنامه تکمیل پست برق شهرک و سهم واحد از هزینه آن.",
                "نصب ترانس دوم پست شهرک آغاز شده و تا پایان ماه آینده تمام می‌شود.",
            ),
        ),
    ),
    Topic(
        "gas_fuel",
        "افت فشار و قطع گاز واحد در فصل زمستان",
        "در روزهای سرد، فشار گاز ورودی واحد به کمتر از نصف فشار قرارداد می‌رسد و کوره‌ها خاموش "
        "می‌شوند؛ زمستان گذشته سه هفته تولید به طور کامل متوقف شد.",
        "تأمین گاز پایدار یا اعلام برنامه محدودیت از پیش",
        None,
        (
            Ask(
                "gas",
                "بررسی علت افت فشار گاز واحد و اعلام برنامه تأمین پایدار در فصل سرد.",
                "ایستگاه تقلیل فشار شهرک بازسازی شد و واحد در گروه دوم اولویت تأمین قرار گرفت؛ "
                "برنامه محدودیت هر هفته از پیش اعلام می‌شود.",
            ),
        ),
    ),
    Topic(
        "gas_fuel",
        "تأمین سوخت جایگزین در دوره محدودیت گاز صنایع",
        "با قطع گاز صنایع در زمستان، واحد برای ادامه تولید به سهمیه گازوئیل نیاز دارد، اما سهمیه "
        "سوخت جایگزین هنوز ابلاغ نشده است.",
        "تخصیص سهمیه گازوئیل برای دوره محدودیت",
        (2, 30),
        (
            Ask(
                "gas",
                "اعلام دوره‌های محدودیت گاز واحد برای محاسبه سهمیه سوخت جایگزین.",
                "برنامه محدودیت واحد اعلام شد: حداکثر دوازده روز در ماه‌های دی و بهمن.",
            ),
            Ask(
                "governorate",
                "پیگیری تخصیص سهمیه گازوئیل واحد در کارگروه سوخت استان.",
                "سهمیه گازوئیل واحد در کارگروه سوخت استان تصویب و به شرکت پخش فرآورده‌ها ابلاغ شد.",
            ),
        ),
    ),
    Topic(
        "water",
        "تخصیص آب صنعتی و تمدید پروانه چاه",
        "پروانه بهره‌برداری چاه واحد منقضی شده و شرکت آب منطقه‌ای به دلیل ممنوعه بودن دشت، تمدید "
        "آن را به کاهش برداشت منوط کرده است؛ بدون آب، خط شستشو متوقف می‌شود.",
        "تمدید پروانه چاه یا تخصیص آب از شبکه شهرک",
        None,
        (
            Ask(
                "water",
                "بررسی تمدید پروانه بهره‌برداری چاه واحد با نصب کنتور هوشمند.",
                "پروانه چاه با نصب کنتور هوشمند و کاهش بیست درصدی برداشت برای سه سال تمدید شد.",
            ),
        ),
    ),
    Topic(
        "industrial_estates",
        "تحویل زمین طرح توسعه در شهرک صنعتی",
        "قرارداد واگذاری زمین توسعه واحد در شهرک منعقد و اقساط آن پرداخت شده، اما زمین به دلیل "
        "اختلاف با متصرف قبلی تحویل نشده است.",
        "تحویل زمین یا واگذاری قطعه جایگزین",
        (10, 120),
        (
            Ask(
                "estates_co",
                "بررسی علت تحویل نشدن زمین و امکان واگذاری قطعه جایگزین در همان شهرک.",
                "قطعه جایگزین با همان مساحت در فاز دوم شهرک پیشنهاد و صورتجلسه تحویل امضا شد.",
            ),
        ),
    ),
    Topic(
        "industrial_estates",
        "صدور سند مالکیت زمین کارخانه در شهرک صنعتی",
        "با وجود تسویه کامل اقساط زمین، سند مالکیت واحد صادر نشده و بانک زمین بدون سند را به عنوان "
        "وثیقه تسهیلات نمی‌پذیرد.",
        "صدور سند تفکیکی زمین",
        None,
        (
            Ask(
                "estates_co",
                "پیگیری صدور سند تفکیکی زمین واحد.",
                "صورت‌مجلس تفکیکی شهرک اصلاح و پرونده برای صدور سند به اداره ثبت ارسال شد.",
            ),
        ),
    ),
    Topic(
        "industrial_estates",
        "تکمیل شبکه فاضلاب صنعتی شهرک",
        "شبکه فاضلاب فاز دوم شهرک تکمیل نشده و واحد برای تخلیه پساب با اخطار اداره محیط زیست "
        "روبه‌رو است.",
        "تکمیل شبکه فاضلاب و اتصال واحد به تصفیه‌خانه",
        None,
        (
            Ask(
                "estates_co",
                "اعلام برنامه تکمیل شبکه فاضلاب فاز دوم شهرک و زمان اتصال واحد.",
                "پیمانکار شبکه فاضلاب فاز دوم تعیین شد و اتصال واحدها تا چهار ماه دیگر انجام "
                "می‌شود.",
            ),
            Ask(
                "environment",
                "بررسی امکان مهلت دادن به واحد تا اتصال به تصفیه‌خانه شهرک.",
                "با نصب سامانه پیش‌تصفیه موقت، تا اتصال به تصفیه‌خانه شهرک به واحد مهلت داده شد.",
            ),
        ),
    ),
    Topic(
        "endowment",
        "تمدید اجاره‌نامه زمین موقوفه محل کارخانه",
        "کارخانه روی زمین موقوفه بنا شده و اداره اوقاف اجاره‌بهای تمدید را چند برابر کرده است؛ "
        "بدون اجاره‌نامه معتبر، بانک به واحد تسهیلات نمی‌دهد.",
        "تمدید اجاره‌نامه با اجاره‌بهای کارشناسی",
        (1, 25),
        (
            Ask(
                "endowment",
                "بررسی تمدید اجاره‌نامه زمین موقوفه واحد بر اساس نظر کارشناس رسمی.",
                "اجاره‌نامه بر اساس نظر کارشناس رسمی دادگستری برای پنج سال تمدید شد.",
            ),
        ),
    ),
    Topic(
        "standards",
        "صدور پروانه کاربرد علامت استاندارد محصول جدید",
        "درخواست پروانه کاربرد علامت استاندارد اجباری محصول جدید واحد چهار ماه است در انتظار "
        "بازدید و نمونه‌برداری مانده و فروش محصول بدون آن ممکن نیست.",
        "بازدید و نمونه‌برداری و صدور پروانه",
        None,
        (
            Ask(
                "standards",
                "تعیین زمان بازدید و نمونه‌برداری برای صدور پروانه کاربرد علامت استاندارد.",
                "بازدید و نمونه‌برداری انجام شد و پس از آزمون، پروانه کاربرد علامت صادر گردید.",
            ),
        ),
    ),
    Topic(
        "standards",
        "تمدید پروانه بهداشتی ساخت محصولات آرایشی و بهداشتی",
        "پروانه ساخت بهداشتی سه قلم از محصولات واحد در حال انقضاست و درخواست تمدید آن به دلیل "
        "تغییر مسئول فنی متوقف مانده است.",
        "تمدید پروانه‌ها با معرفی مسئول فنی جدید",
        None,
        (
            Ask(
                "food_drug",
                "بررسی تمدید پروانه‌های ساخت واحد با معرفی مسئول فنی جدید.",
                "مسئول فنی جدید تأیید و پروانه‌های ساخت برای پنج سال تمدید شد.",
            ),
        ),
    ),
    Topic(
        "fx",
        "تخصیص ارز واردات قطعات یدکی ماشین‌آلات",
        "ثبت سفارش قطعات یدکی ماشین‌آلات واحد شش ماه است در صف تخصیص ارز مانده و دو خط تولید به "
        "دلیل فرسودگی قطعات با نیمی از ظرفیت کار می‌کنند.",
        "تخصیص ارز در اولویت",
        (10, 250),
        (
            Ask(
                "banks",
                "پیگیری تخصیص ارز ثبت سفارش قطعات یدکی واحد.",
                "ارز ثبت سفارش در اولویت تخصیص قرار گرفت و گواهی تأمین ارز صادر شد.",
            ),
            Ask(
                "smt",
                "تأیید اولویت کالایی و نیاز واحد به قطعات یدکی.",
                "اولویت کالایی ثبت سفارش تأیید و در سامانه جامع تجارت ثبت شد.",
            ),
        ),
    ),
    Topic(
        "fx",
        "رفع تعهد ارزی صادرات سال گذشته",
        "به دلیل فروش اعتباری به مشتری عراقی، بخشی از ارز حاصل از صادرات در موعد به چرخه برنگشته "
        "و کارت بازرگانی واحد تعلیق شده است.",
        "تمدید مهلت رفع تعهد ارزی و رفع تعلیق کارت بازرگانی",
        (15, 300),
        (
            Ask(
                "banks",
                "بررسی تمدید مهلت رفع تعهد ارزی واحد با ارائه اسناد فروش اعتباری.",
                "مهلت رفع تعهد ارزی سه ماه تمدید شد و تعلیق کارت بازرگانی برداشته شد.",
            ),
            Ask(
                "customs",
                "تأیید اظهارنامه‌های صادراتی واحد برای محاسبه تعهد ارزی.",
                "اظهارنامه‌های صادراتی واحد تطبیق و نتیجه برای بانک ارسال شد.",
            ),
        ),
    ),
    Topic(
        "raw_materials",
        "تخصیص سهمیه مواد اولیه پتروشیمی در بورس کالا",
        "سهمیه خرید مواد اولیه پتروشیمی واحد در بورس کالا بر اساس ظرفیت سال‌های گذشته محاسبه شده و "
        "پس از افزایش ظرفیت، واحد ناچار است مواد را از بازار آزاد با قیمت بالاتر بخرد.",
        "به‌روزرسانی سهمیه بر اساس ظرفیت جدید",
        (20, 200),
        (
            Ask(
                "smt",
                "بررسی به‌روزرسانی سهمیه مواد اولیه واحد در سامانه بهین‌یاب بر اساس ظرفیت جدید.",
                "ظرفیت جدید واحد پس از بازدید تأیید و سهمیه آن در سامانه به‌روزرسانی شد.",
            ),
        ),
    ),
    Topic(
        "raw_materials",
        "افزایش سهمیه خرید ورق فولادی",
        "سهمیه ورق فولادی واحد برای ساخت قطعات کمتر از نیمی از نیاز خط تولید است و قراردادهای "
        "فروش واحد در خطر لغو قرار گرفته است.",
        "افزایش سهمیه ورق متناسب با قراردادهای فروش",
        (30, 250),
        (
            Ask(
                "smt",
                "بررسی افزایش سهمیه ورق فولادی واحد با توجه به قراردادهای فروش.",
                "سهمیه ورق واحد با ارائه قراردادهای فروش چهل درصد افزایش یافت.",
            ),
        ),
    ),
    Topic(
        "regulations",
        "اصلاح قیمت‌گذاری دستوری محصول با توجه به افزایش هزینه‌ها",
        "قیمت مصوب محصول واحد یک سال است تغییر نکرده و با افزایش قیمت مواد اولیه و دستمزد، فروش با "
        "قیمت مصوب زیان‌ده است.",
        "بازنگری قیمت مصوب محصول",
        None,
        (
            Ask(
                "governorate",
                "طرح درخواست بازنگری قیمت محصول واحد در کارگروه تنظیم بازار استان.",
                "درخواست در کارگروه تنظیم بازار مطرح و برای اصلاح قیمت به سازمان حمایت ارسال شد.",
            ),
            Ask(
                "smt",
                "بررسی هزینه تمام‌شده محصول واحد و اعلام نظر کارشناسی.",
                "گزارش کارشناسی هزینه تمام‌شده تهیه و افزایش هجده درصدی قیمت پیشنهاد شد.",
            ),
        ),
    ),
    Topic(
        "judiciary",
        "توقف اجرای حکم تخلیه کارخانه تا تعیین تکلیف بدهی بانکی",
        "به دنبال حکم اجرای وثیقه، دستور تخلیه کارخانه صادر شده در حالی که مذاکره واحد با بانک "
        "برای تسویه بدهی در جریان است و دویست کارگر در خطر بیکاری‌اند.",
        "توقف اجرای حکم تا پایان مذاکره با بانک",
        (60, 800),
        (
            Ask(
                "judiciary",
                "بررسی امکان توقف موقت اجرای حکم تخلیه با توجه به حفظ اشتغال واحد.",
                "با موافقت محکوم‌له، اجرای حکم تخلیه سه ماه متوقف شد.",
            ),
            Ask(
                "banks",
                "اعلام شرایط بانک برای تسویه بدهی و توقف عملیات اجرایی.",
                "بانک با توقف عملیات اجرایی در صورت پرداخت پانزده درصد بدهی موافقت کرد.",
            ),
        ),
    ),
    Topic(
        "export",
        "رفع موانع صادرات محصولات به عراق و روسیه",
        "محموله‌های صادراتی واحد به دلیل الزام جدید گواهی بازرسی در مرز متوقف می‌شوند و قرارداد "
        "با خریداران عراقی و روس در خطر است.",
        "تسهیل صدور گواهی بازرسی و ترخیص محموله‌ها",
        (10, 200),
        (
            Ask(
                "smt",
                "پیگیری صدور گواهی بازرسی محموله‌های صادراتی واحد و هماهنگی با شرکت بازرسی.",
                "شرکت بازرسی در محل واحد مستقر شد و گواهی هر محموله پیش از بارگیری صادر می‌شود.",
            ),
            Ask(
                "customs",
                "بررسی تسریع ترخیص صادراتی محموله‌های واحد در گمرک مرزی.",
                "محموله‌های واحد در مسیر سبز گمرکی قرار گرفت.",
            ),
        ),
    ),
    Topic(
        "permits",
        "صدور پروانه بهره‌برداری طرح توسعه",
        "خط توسعه واحد آماده بهره‌برداری است، اما صدور پروانه بهره‌برداری به دلیل نبود تأییدیه "
        "زیست‌محیطی متوقف مانده است.",
        "صدور پروانه بهره‌برداری",
        None,
        (
            Ask(
                "smt",
                "بازدید از خط توسعه و بررسی صدور پروانه بهره‌برداری.",
                "بازدید انجام و پروانه بهره‌برداری خط توسعه صادر شد.",
            ),
            Ask(
                "environment",
                "بررسی و صدور تأییدیه زیست‌محیطی خط توسعه واحد.",
                "سامانه تصفیه هوای خط توسعه بازدید و تأییدیه زیست‌محیطی صادر شد.",
            ),
        ),
    ),
    Topic(
        "permits",
        "تمدید جواز تأسیس طرح نیمه‌تمام",
        "جواز تأسیس طرح واحد منقضی شده و پیشرفت فیزیکی طرح به دلیل تأخیر در دریافت تسهیلات به "
        "هفتاد درصد رسیده است.",
        "تمدید جواز تأسیس به مدت یک سال",
        None,
        (
            Ask(
                "smt",
                "بررسی تمدید جواز تأسیس طرح با توجه به پیشرفت فیزیکی آن.",
                "جواز تأسیس طرح برای یک سال تمدید شد.",
            ),
        ),
    ),
    Topic(
        "environment",
        "رفع پلمب واحد پس از نصب سامانه غبارگیر",
        "واحد به دلیل انتشار غبار پلمب شده و با وجود نصب سامانه غبارگیر جدید، بازدید برای رفع "
        "پلمب انجام نشده است.",
        "بازدید و رفع پلمب",
        None,
        (
            Ask(
                "environment",
                "بازدید از سامانه غبارگیر نصب‌شده و بررسی رفع پلمب واحد.",
                "اندازه‌گیری انتشار غبار در حد مجاز بود و پلمب واحد برداشته شد.",
            ),
        ),
    ),
    Topic(
        "municipality",
        "عوارض صدور پروانه ساختمانی سوله انبار",
        "شهرداری برای صدور پروانه ساختمانی سوله انبار واحد عوارضی چند برابر تعرفه مصوب مطالبه "
        "کرده است.",
        "محاسبه عوارض بر اساس تعرفه مصوب شورای شهر",
        (2, 40),
        (
            Ask(
                "municipality",
                "بررسی محاسبه عوارض پروانه ساختمانی سوله واحد بر اساس تعرفه مصوب.",
                "عوارض بر اساس تعرفه مصوب اصلاح و با تقسیط دوازده‌ماهه موافقت شد.",
            ),
        ),
    ),
    Topic(
        "other",
        "تأمین نیروی متخصص و امریه سربازی برای واحد دانش‌بنیان",
        "واحد برای راه‌اندازی خط تولید جدید به مهندسان متخصص نیاز دارد و درخواست سهمیه امریه "
        "سربازی آن بی‌پاسخ مانده است.",
        "تخصیص سهمیه امریه و معرفی نیروی متخصص",
        None,
        (
            Ask(
                "smt",
                "پیگیری تخصیص سهمیه امریه سربازی واحد.",
                "سهمیه سه نفر امریه برای واحد تخصیص یافت.",
            ),
        ),
    ),
)

# Out of scope: the secretariat rejects these with the reason the company sees.
OUT_OF_SCOPE = (
    Topic(
        "other",
        "اختلاف شرکا درباره تقسیم سود سال گذشته",
        "میان شرکای شرکت درباره تقسیم سود سال گذشته اختلاف پیش آمده و یکی از شرکا از امضای "
        "چک‌ها خودداری می‌کند.",
        "میانجیگری ستاد میان شرکا",
        None,
        reject_reason="اختلاف میان شرکای شرکت در صلاحیت ستاد تسهیل نیست و باید در مرجع قضایی "
        "پیگیری شود.",
    ),
    Topic(
        "banking",
        "وام خرید خودرو برای مدیرعامل شرکت",
        "مدیرعامل برای رفت‌وآمد به کارخانه به وام خرید خودرو نیاز دارد.",
        "معرفی به بانک برای وام خودرو",
        (1, 3),
        reject_reason="تسهیلات شخصی مدیران به تولید واحد مربوط نیست و در صلاحیت ستاد قرار ندارد.",
    ),
    Topic(
        "municipality",
        "اعتراض به عوارض نوسازی منزل مسکونی مدیرعامل",
        "شهرداری برای منزل مسکونی مدیرعامل عوارض نوسازی سنگینی تعیین کرده است.",
        "کاهش عوارض",
        (1, 2),
        reject_reason="موضوع به ملک مسکونی مربوط است و به فعالیت تولیدی واحد ارتباطی ندارد.",
    ),
)

RETURN_REASONS = (
    "لطفاً تصویر قرارداد تسهیلات، آخرین صورت‌حساب بدهی و صورت‌های مالی حسابرسی‌شده سال گذشته را "
    "ارسال کنید.",
    "برای بررسی، تصویر اخطاریه یا برگ تشخیص دستگاه و نامه‌هایی که با آن مکاتبه شده لازم است.",
    "پروانه بهره‌برداری معتبر و فهرست کارکنان بیمه‌شده سه ماه اخیر را ارسال کنید.",
)
PAUSE_REASON = (
    "دستگاه برای ادامه رسیدگی به مدارک تکمیلی شرکت (مصوبه هیئت‌مدیره و آخرین صورت‌های مالی) "
    "نیاز دارد؛ لطفاً ارسال کنید."
)
PROVIDED_BY_COMPANY = "مدارک خواسته‌شده پیوست شد. در صورت نیاز به توضیح بیشتر در خدمتیم."
PROVIDED_AT_COUNTER = "مدارک با نامه شرکت به دبیرخانه تحویل و در پرونده ثبت شد."
NOTHING_TO_PROVIDE = "شرکت در تماس تلفنی اعلام کرد که مدارک خواسته‌شده را در اختیار ندارد."
INCOMPLETE_REJECT = (
    "بدون مدارک لازم رسیدگی به درخواست ممکن نیست. با تکمیل مدارک می‌توان پرونده جدیدی ثبت کرد."
)
EXTENSION_REASON = "پاسخ به استعلام از اداره کل در تهران نیاز دارد و پاسخ آن هنوز نرسیده است."
NEGATIVE_ANSWER = (
    "طبق مقررات جاری امکان موافقت با درخواست در استان وجود ندارد؛ تصمیم درباره آن در اختیار "
    "مراجع ملی است."
)
UNRESOLVED_REASON = (
    "دستگاه‌های مربوط با استناد به مقررات ملی موافقت با درخواست واحد را ممکن ندانستند."
)
ESCALATED_REASON = (
    "حل موضوع به اصلاح بخشنامه ملی نیاز دارد؛ طبق مصوبه جلسه، پرونده به ستاد ملی تسهیل ارجاع شد."
)
REOPEN_REASON = "با وجود پاسخ دستگاه، اقدامی که وعده داده شده بود هنوز انجام نشده است."
RE_REFERRAL = "پیگیری اجرای پاسخ قبلی: شرکت اعلام کرده که اقدام وعده‌داده‌شده انجام نشده است. "
MERGE_REASON = "نامه شرکت درباره همان موضوع پرونده {tracking} است؛ پیگیری در آن پرونده ادامه دارد."

# --- The clock -----------------------------------------------------------------------------------


class _AnyDatetime(type):
    # While the clock is frozen, `django.utils.timezone.datetime` is the class below; code that
    # checks `isinstance(value, datetime)` there must still accept ordinary datetimes.
    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, dt.datetime)


class _FrozenDatetime(dt.datetime, metaclass=_AnyDatetime):
    at: dt.datetime | None = None

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
        if cls.at is None:  # installed only by frozen_clock, which sets it; but never lie
            return dt.datetime.now(tz)
        moment = cls.at.astimezone(tz)
        return moment if tz is not None else moment.replace(tzinfo=None)


@contextmanager
def frozen_clock(at: dt.datetime) -> Iterator[None]:
    """Make `timezone.now()` (and so `timezone.localdate()`) return `at` inside the block.

    The services stamp every event, referral and deadline with `timezone.now()`, and overdue is
    computed against the real today, so a demo timeline must be written at past moments. Patching
    `timezone.now` alone would not do: the models' `default=timezone.now` hold the original
    function. That function reads the module's `datetime` name on every call, so this swaps that
    name instead, which reaches the defaults too. Only for loading demo data, single-threaded:
    the swap is process-wide while it lasts, and undone on the way out, error or not.
    """
    if timezone.is_naive(at):
        raise ValueError("frozen_clock needs an aware datetime")
    previous = _FrozenDatetime.at
    _FrozenDatetime.at = at
    try:
        with mock.patch.object(timezone, "datetime", _FrozenDatetime):
            yield
    finally:
        _FrozenDatetime.at = previous


def _drop_message(*_args: Any, **_kwargs: Any) -> None:
    return None


@contextmanager
def quiet_notifications() -> Iterator[None]:
    """In-app notices are written (dated by the frozen clock, as they would have been), but no
    email or text message leaves: these events are months old, the addresses are invented, and a
    laptop has no SMTP server. `notify` queues mail and texts after commit through the two tasks
    it imported, and `meeting_send_agenda` the agenda mail (whose PDF is slow to render) through
    the meetings' task; swapping them for the length of the load keeps them off the queue (the
    services look the agenda task up when called, and the callbacks keep what they looked up)."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(notification_services, "send_email", _drop_message))
        stack.enter_context(mock.patch.object(notification_services, "send_sms", _drop_message))
        stack.enter_context(mock.patch.object(meeting_tasks, "send_agenda", _drop_message))
        yield


class Timeline:
    """Everything that happens in the demo, in the order it happened. An action may add later
    ones (a session's close adds its resolutions' lives); what would happen at or after `now`
    has not happened yet and is left out."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self._queue: list[tuple[dt.datetime, tuple[int, ...], int, Callable[[], object]]] = []
        self._order = itertools.count()
        self._current: dt.datetime | None = None

    def add(
        self, at: dt.datetime, action: Callable[[], object], *, rank: tuple[int, ...] = ()
    ) -> bool:
        """Add `action` at `at` (`rank` orders actions at the same moment). False when `at` is
        not in the past."""
        if at >= self.now:
            return False
        if self._current is not None and at < self._current:
            raise RuntimeError(f"a demo step at {at} is added after {self._current} ran")
        heapq.heappush(self._queue, (at, rank, next(self._order), action))
        return True

    def run(self) -> None:
        while self._queue:
            at, _rank, _order, action = heapq.heappop(self._queue)
            self._current = at
            with frozen_clock(at):
                action()


# --- Stories -------------------------------------------------------------------------------------
# A story is a case's steps, each a number of working days after filing. One step (the anchor) is
# placed relative to today; the rest follow on the business calendar.


@dataclass(frozen=True)
class Step:
    day: int
    action: str
    arg: Any = None


@dataclass(frozen=True)
class Story:
    name: str
    steps: tuple[Step, ...]
    anchor: int
    # The anchor step falls this many working days before today…
    working_days_ago: int = 0
    # …or on the last working day at least this many calendar days before today.
    calendar_days_ago: int = 0
    refers: bool = True
    # Through a meeting: the anchor step makes the case ready for the session the route names,
    # in the days before its agenda is sent (tashil/demo/meetings.py plays the session)…
    meeting: Route | None = None
    # …and these steps follow, in working days after that session.
    after: tuple[Step, ...] = ()


Builder = Callable[[random.Random, int, int, bool], Story]


def _answers(rng: random.Random, start: int, asks: range, latest: int) -> list[Step]:
    """Answers to the referral of `start`, each on its own day up to `latest`."""
    return [Step(rng.randint(start + 1, max(start + 1, latest)), "answer", (i,)) for i in asks]


def _sorted(steps: list[Step]) -> tuple[Step, ...]:
    return tuple(sorted(steps, key=lambda step: step.day))


def _confirm(rng: random.Random, day: int, portal: bool) -> list[Step]:
    if not portal:
        return []  # nobody from the company on the portal: the job closes it after the window
    score = rng.choices((5, 4, 3, 2), weights=(5, 4, 2, 1))[0]
    return [Step(day + rng.randint(1, 4), "confirm", score)]


def new(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    return Story("new", (Step(0, "file"),), 0, working_days_ago=rng.randint(1, 4), refers=False)


def screening(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    steps = (Step(0, "file"), Step(1, "screen"))
    return Story("screening", steps, 1, working_days_ago=rng.randint(1, 4), refers=False)


def returned(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    steps = (Step(0, "file"), Step(1, "screen"), Step(2, "return", rng.choice(RETURN_REASONS)))
    return Story("returned", steps, 2, working_days_ago=rng.randint(2, 6), refers=False)


def paused_referral(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    """Referred, one agency answered, the other needs a document: waiting on the company."""
    steps = [Step(0, "file"), Step(1, "screen"), Step(2, "refer", tuple(range(n)))]
    steps += [Step(4, "answer", (i,)) for i in range(1, n)]
    steps.append(Step(5, "return", PAUSE_REASON))
    return Story("paused_referral", _sorted(steps), len(steps) - 1, working_days_ago=3)


def rejected(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    steps = (Step(0, "file"), Step(1, "screen"), Step(2, "reject"))
    return Story("rejected", steps, 2, calendar_days_ago=rng.randint(10, 150), refers=False)


def rejected_incomplete(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    """Returned for documents the company turned out not to have; then rejected. (Rejected from
    screening: rejecting a case still waiting on the company leaves `paused_at` set, which the
    database refuses; see the report on services.case_reject.)"""
    steps = (
        Step(0, "file"),
        Step(1, "screen"),
        Step(2, "return", rng.choice(RETURN_REASONS)),
        Step(9, "provide", NOTHING_TO_PROVIDE),
        Step(10, "reject", INCOMPLETE_REJECT),
    )
    return Story(
        "rejected_incomplete", steps, 4, calendar_days_ago=rng.randint(10, 120), refers=False
    )


def expert(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    steps = (Step(0, "file"), Step(1, "screen"), Step(2, "expert"))
    return Story("expert", steps, 2, working_days_ago=rng.randint(1, 8), refers=False)


def expert_returned(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    """The expert asked the company for documents; they came and the review goes on."""
    steps = (
        Step(0, "file"),
        Step(1, "screen"),
        Step(2, "expert"),
        Step(5, "return", rng.choice(RETURN_REASONS)),
        Step(8, "provide"),
    )
    return Story("expert_returned", steps, 4, working_days_ago=rng.randint(1, 3), refers=False)


def referred_pending(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    """Referred, not due yet; with several agencies, one has already answered."""
    steps = [Step(0, "file"), Step(1, "screen")]
    start = 2
    if rng.random() < 0.3:
        steps.append(Step(2, "expert"))
        start = 5
    steps.append(Step(start, "refer", tuple(range(n))))
    if n > 1:
        steps.append(Step(start + 2, "answer", (1,)))
    anchor = len(steps) - (2 if n > 1 else 1)
    return Story("referred_pending", tuple(steps), anchor, working_days_ago=rng.randint(3, d - 2))


def overdue(late: int) -> Builder:
    """Referred and `late` working days past the deadline today; the other agencies answered."""

    def build(rng: random.Random, d: int, n: int, portal: bool) -> Story:
        steps = [Step(0, "file"), Step(1, "screen"), Step(2, "refer", tuple(range(n)))]
        steps += [Step(2 + rng.randint(1, min(3, d - 1)), "answer", (i,)) for i in range(1, n)]
        return Story(f"overdue_{late}", _sorted(steps), 2, working_days_ago=d + late)

    return build


def late_answer(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    """The first agency answered days after the deadline, once escalated; then resolved."""
    late = rng.choice((2, 4))
    answered = 2 + d + late
    steps = [
        Step(0, "file"),
        Step(1, "screen"),
        Step(2, "refer", tuple(range(n))),
        Step(answered, "answer", (0, "late")),
        *_answers(rng, 2, range(1, n), 2 + d - 1),
        Step(answered + 2, "conclude", Outcome.RESOLVED),
    ]
    steps += _confirm(rng, answered + 2, portal)
    steps = list(_sorted(steps))
    conclude = next(i for i, s in enumerate(steps) if s.action == "conclude")
    return Story("late_answer", tuple(steps), conclude, calendar_days_ago=rng.randint(20, 120))


def extended(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    """The agency asked for five more working days, answered within them; confirmed."""
    steps = [
        Step(0, "file"),
        Step(1, "screen"),
        Step(2, "refer", (0,)),
        Step(2 + d - 1, "extend", (0, 5)),
        Step(2 + d + 3, "answer", (0,)),
        Step(2 + d + 5, "conclude", Outcome.RESOLVED),
    ]
    steps += _confirm(rng, 2 + d + 5, portal)
    return Story("extended", tuple(steps), 5, calendar_days_ago=rng.randint(20, 100))


def provided(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    """Paused while referred (deadlines moved by the pause), then answered and resolved."""
    steps = [
        Step(0, "file"),
        Step(1, "screen"),
        Step(2, "refer", tuple(range(n))),
        Step(4, "return", PAUSE_REASON),
        Step(9, "provide"),
        *[Step(11 + i, "answer", (i,)) for i in range(n)],
        Step(12 + n, "conclude", Outcome.RESOLVED),
    ]
    steps += _confirm(rng, 12 + n, portal)
    return Story("provided", tuple(steps), 5 + n, calendar_days_ago=rng.randint(20, 120))


def working_group(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    """Sent to the banking working group since its last agenda went out: proposed for its
    coming session."""
    return _to_working_group(rng, "working_group", Route(BANKING, 0, PROPOSED))


def in_working_group(result: str, weeks: tuple[int, int]) -> Builder:
    """Sent to the banking working group, which discussed it about `weeks` ago."""

    def build(rng: random.Random, d: int, n: int, portal: bool) -> Story:
        route = Route(BANKING, rng.randint(*weeks), result)
        return _to_working_group(rng, f"working_group_{result}", route)

    return build


def _to_working_group(rng: random.Random, name: str, route: Route) -> Story:
    steps = [Step(0, "file"), Step(1, "screen"), Step(2, "expert"), Step(7, "to", "working_group")]
    if rng.random() < 0.4:
        steps = [Step(0, "file"), Step(1, "screen"), Step(2, "to", "working_group")]
    return Story(name, tuple(steps), len(steps) - 1, refers=False, meeting=route)


def _referred_and_answered(rng: random.Random, d: int, n: int) -> tuple[list[Step], int]:
    steps = [Step(0, "file"), Step(1, "screen"), Step(2, "refer", tuple(range(n)))]
    steps += _answers(rng, 2, range(n), 2 + d)
    return steps, max(step.day for step in steps)


def _put_on_agenda(rng: random.Random, d: int, n: int) -> tuple[tuple[Step, ...], int]:
    """Referred, answered, then put on the agenda: the last step, the story's anchor."""
    steps, last = _referred_and_answered(rng, d, n)
    steps = [*_sorted(steps), Step(last + 1, "to", "on_agenda")]
    return tuple(steps), len(steps) - 1


MEETING_STORIES = {
    PROPOSED: "on_agenda",
    DISCUSSED: "discussed",
    ISSUED: "resolutions_issued",
    RESOLVED: "resolved_at_meeting",
    UNRESOLVED: "unresolved_at_meeting",
}


def at_meeting(result: str, weeks: tuple[int, int], *, postponed: float = 0.0) -> Builder:
    """Put on the agenda of the HQ that handles it (its county's, for a case the county
    secretariat handles) and discussed there about `weeks` ago, with `result`; 0 weeks: ready
    for the coming session. `postponed`: the chance that the session before postponed it."""

    def build(rng: random.Random, d: int, n: int, portal: bool) -> Story:
        steps, anchor = _put_on_agenda(rng, d, n)
        route = Route(HQ, rng.randint(*weeks), result, postponed=rng.random() < postponed)
        return Story(MEETING_STORIES[result], steps, anchor, meeting=route)

    return build


on_agenda = at_meeting(PROPOSED, (0, 0))


def concluded(outcome: str, *, waiting: bool) -> Builder:
    """An outcome: still waiting for the company (concluded in the last week, so within the
    confirmation window even after a run of holidays), or long past (confirmed by a company on
    the portal, otherwise closed by the job)."""

    name = Outcome(outcome).value

    def build(rng: random.Random, d: int, n: int, portal: bool) -> Story:
        if outcome == Outcome.ESCALATED_NATIONAL:
            return _sent_to_national_hq(rng, d, n, portal, waiting=waiting)
        steps, last = _referred_and_answered(rng, d, n)
        steps = list(_sorted(steps))
        if outcome == Outcome.UNRESOLVED:
            steps = [
                Step(s.day, s.action, (s.arg[0], "negative")) if s.action == "answer" else s
                for s in steps
            ]
        conclude = last + rng.randint(1, 2)
        steps.append(Step(conclude, "conclude", outcome))
        anchor = len(steps) - 1
        if waiting:
            return Story(
                f"{name}_waiting", tuple(steps), anchor, calendar_days_ago=rng.randint(1, 7)
            )
        steps += _confirm(rng, conclude, portal)
        return Story(f"{name}_closed", tuple(steps), anchor, calendar_days_ago=rng.randint(20, 150))

    return build


def _sent_to_national_hq(
    rng: random.Random, d: int, n: int, portal: bool, *, waiting: bool
) -> Story:
    """The HQ's session finds the case beyond the province and the secretariat sends it to the
    national HQ a day or two later: in the last week (waiting for the company), or long ago."""
    steps, anchor = _put_on_agenda(rng, d, n)
    conclude = rng.randint(1, 2)
    after = [Step(conclude, "conclude", Outcome.ESCALATED_NATIONAL)]
    if not waiting:
        after += _confirm(rng, conclude, portal)
    route = Route(HQ, 1 if waiting else rng.randint(3, 20), NATIONAL_CASE)
    name = "escalated_national_waiting" if waiting else "escalated_national_closed"
    return Story(name, steps, anchor, meeting=route, after=tuple(after))


def reopened(rng: random.Random, d: int, n: int, portal: bool) -> Story:
    """Resolved, reopened by the company within the window, referred again, resolved again."""
    steps = (
        Step(0, "file"),
        Step(1, "screen"),
        Step(2, "refer", (0,)),
        Step(6, "answer", (0,)),
        Step(7, "conclude", Outcome.RESOLVED),
        Step(9, "reopen"),
        Step(
            10,
            "refer",
            (0,),
        ),
        Step(13, "answer", (0,)),
        Step(14, "conclude", Outcome.RESOLVED),
    )
    return Story("reopened", steps, 8, calendar_days_ago=rng.randint(2, 7))


# (builder, how many, filed by the company on the portal)
STORIES: tuple[tuple[Builder, int, bool], ...] = (
    # With referrals first: they take the topics in turn, so every topic reaches its agencies.
    (paused_referral, 1, False),
    (referred_pending, 5, False),
    (referred_pending, 1, True),
    *((overdue(late), 1, False) for late in (1, 2, 3, 4, 6, 8, 12, 15)),
    (late_answer, 3, False),
    (late_answer, 1, True),
    (extended, 1, True),
    (provided, 1, False),
    (provided, 1, True),
    (on_agenda, 4, False),
    (at_meeting(DISCUSSED, (1, 3)), 2, False),
    (at_meeting(ISSUED, (1, 4), postponed=0.5), 1, False),
    (at_meeting(ISSUED, (1, 4)), 1, True),
    (concluded(Outcome.RESOLVED, waiting=True), 3, False),
    (concluded(Outcome.RESOLVED, waiting=True), 1, True),
    (concluded(Outcome.UNRESOLVED, waiting=True), 1, False),
    (concluded(Outcome.ESCALATED_NATIONAL, waiting=True), 2, False),
    (concluded(Outcome.RESOLVED, waiting=False), 6, True),
    (concluded(Outcome.ESCALATED_NATIONAL, waiting=False), 1, True),
    (concluded(Outcome.UNRESOLVED, waiting=False), 1, True),
    (at_meeting(RESOLVED, (9, 22), postponed=0.3), 4, False),
    (concluded(Outcome.RESOLVED, waiting=False), 2, False),
    (at_meeting(UNRESOLVED, (15, 22)), 1, False),
    (concluded(Outcome.UNRESOLVED, waiting=False), 1, False),
    (concluded(Outcome.ESCALATED_NATIONAL, waiting=False), 2, False),
    (reopened, 1, True),
    # Without referrals.
    (new, 4, False),
    (new, 2, True),
    (screening, 5, False),
    (returned, 1, False),
    (returned, 1, True),
    (rejected, 3, False),
    (rejected_incomplete, 1, False),
    (expert, 4, False),
    (expert_returned, 1, False),
)
# Banking cases for the banking working group (they take the banking topics in turn).
WORKING_GROUP_STORIES: tuple[tuple[Builder, int, bool], ...] = (
    (working_group, 3, False),
    (in_working_group(RESOLVED, (8, 18)), 2, False),
    (in_working_group(ISSUED, (1, 4)), 1, False),
)
# Duplicates merged into the closed-and-confirmed cases of this many portal companies' cases.
MERGED = 2

# Non-portal cases go round the counties in this order (the capital's county most often).
COUNTY_ROUND = ("2603", "2605", "2602", "2604", "2603", "2601", "2606", "2605", "2603", "2602")
# The county whose HQ files and handles its own cases (tashil/demo/province.py: takestan).
COUNTY_HQ = TAKESTAN
SECRETARIAT_CHANNELS = (
    Channel.WALK_IN,
    Channel.LETTER,
    Channel.LETTER,
    Channel.PHONE,
    Channel.FIELD_VISIT,
)

# --- The plan ------------------------------------------------------------------------------------


@dataclass
class CasePlan:
    topic: Topic
    story: Story
    company: Company
    filer: User
    channel: str
    secretariat: User
    representative: User | None
    amount: int | None
    days: list[dt.date] = field(default_factory=list)
    times: list[dt.datetime] = field(default_factory=list)
    merge_into: CasePlan | None = None
    # Through a meeting: the route (its body settled) and the session that discusses the case.
    route: Route | None = None
    session: Session | None = None
    # Filled while the plan runs.
    case: Case | None = None
    referrals: dict[int, Referral] = field(default_factory=dict)

    @property
    def steps(self) -> tuple[Step, ...]:
        return (*self.story.steps, *self.story.after)


@dataclass(frozen=True)
class Cast:
    dabir: User
    takestan: User
    expert: User
    officers: dict[str, User]  # agency code → officer
    heads: dict[str, User]  # agency code → head
    representatives: dict[int, User]  # company pk → representative
    agencies: dict[str, Agency]
    categories: dict[str, Category]


def _cast(province: Province) -> Cast:
    def user(username: str) -> User:
        return User.objects.get(username=username)

    officers: dict[str, User] = {}
    heads: dict[str, User] = {}
    representatives: dict[int, User] = {}
    # The first (oldest) account of each role: the demo's own, whatever was added later.
    for scope in (
        RoleAssignment.objects.filter(
            role__in=[Role.AGENCY_OFFICER, Role.AGENCY_HEAD, Role.COMPANY_REP],
            user__is_active=True,
        )
        .select_related("user", "agency")
        .order_by("user_id", "pk")
    ):
        if scope.role == Role.AGENCY_OFFICER and scope.agency is not None:
            officers.setdefault(scope.agency.code, scope.user)
        elif scope.role == Role.AGENCY_HEAD and scope.agency is not None:
            heads.setdefault(scope.agency.code, scope.user)
        elif scope.role == Role.COMPANY_REP and scope.company_id is not None:
            representatives.setdefault(scope.company_id, scope.user)
    return Cast(
        dabir=user("dabir"),
        takestan=user("takestan"),
        expert=user("karshenas"),
        officers=officers,
        heads=heads,
        representatives=representatives,
        agencies={a.code: a for a in Agency.objects.filter(province=province)},
        categories={c.code: c for c in Category.objects.all()},
    )


def _back(calendar: WorkCalendar, day: dt.date, working_days: int) -> dt.date:
    """The `working_days`-th working day before `day` (`day` itself for 0)."""
    while working_days:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            working_days -= 1
    return day


def _on_or_before(calendar: WorkCalendar, day: dt.date) -> dt.date:
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


class Planner:
    def __init__(
        self, *, cast: Cast, companies: list[Company], today: dt.date, sessions: SessionCalendar
    ) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
        self.cast = cast
        self.today = today
        self.sessions = sessions
        self.calendar = sessions.calendar
        self.tz = timezone.get_current_timezone()
        portal = [c for c in companies if c.pk in cast.representatives]
        self.portal = sorted(portal, key=lambda c: c.national_id)
        others = [c for c in companies if c.pk not in cast.representatives]
        self.by_county: dict[str, list[Company]] = defaultdict(list)
        for company in sorted(others, key=lambda c: c.national_id):
            self.by_county[company.county.code].append(company)
        self.county_turn = 0

    def plans(self) -> list[CasePlan]:
        rng = self.rng
        topics = list(TOPICS)
        rng.shuffle(topics)
        turn = 0
        banking = [topic for topic in topics if topic.category == "banking"]
        stories = [(*batch, False) for batch in STORIES]
        stories += [(*batch, True) for batch in WORKING_GROUP_STORIES]
        plans: list[CasePlan] = []
        for builder, count, portal, in_banking in stories:
            for _ in range(count):
                if builder is rejected:
                    topic = OUT_OF_SCOPE[len([p for p in plans if p.topic in OUT_OF_SCOPE])]
                elif in_banking:
                    topic = banking[len([p for p in plans if p.topic in banking]) % len(banking)]
                else:
                    topic = topics[turn % len(topics)]
                    turn += 1
                category = self.cast.categories[topic.category]
                story = builder(rng, category.response_days, len(topic.asks), portal)
                if not topic.asks and story.refers:
                    raise ValueError(f"{story.name} needs a topic with agencies")
                plan = self._plan(topic, story, portal)
                self._schedule(plan)
                plans.append(plan)
        targets = [
            p for p in plans if p.story.name.endswith("_closed") and p.representative is not None
        ]
        for target in targets[:MERGED]:
            plans.append(self._duplicate(target))
        return plans

    def _plan(self, topic: Topic, story: Story, portal: bool) -> CasePlan:
        rng = self.rng
        amount = rng.randint(*topic.amount) * BILLION if topic.amount else None
        if portal:
            company = rng.choice(self.portal)
            rep = self.cast.representatives[company.pk]
            plan = CasePlan(
                topic, story, company, rep, Channel.PORTAL, self.cast.dabir, rep, amount
            )
            return self._route(plan)
        county = COUNTY_ROUND[self.county_turn % len(COUNTY_ROUND)]
        self.county_turn += 1
        if not self.by_county[county]:
            raise RuntimeError(f"no demo company in county {county}: load the registry first")
        company = rng.choice(self.by_county[county])
        if county == COUNTY_HQ and rng.random() < 0.7:
            filer, channel = self.cast.takestan, Channel.COUNTY_HQ
        else:
            filer, channel = self.cast.dabir, rng.choice(SECRETARIAT_CHANNELS)
        plan = CasePlan(topic, story, company, filer, channel, filer, None, amount)
        return self._route(plan)

    def _route(self, plan: CasePlan) -> CasePlan:
        """A case for "the HQ" goes to its county's HQ when the county secretariat handles it."""
        route = plan.story.meeting
        if route is not None and route.body == HQ:
            body = COUNTY if plan.secretariat == self.cast.takestan else PROVINCIAL
            route = replace(route, body=body)
        plan.route = route
        return plan

    def _ready_on(self, plan: CasePlan) -> dt.date:
        """The day the case is made ready for the session that discusses it (or postpones it
        first); the steps after the session must all be behind us."""
        route = plan.route
        if route is None:
            raise RuntimeError(f"{plan.story.name} goes to no meeting")
        session = self.sessions.nearest(route.body, weeks=route.weeks, today=self.today)
        while any(
            self.calendar.add_working_days(session.day, step.day) >= self.today
            for step in plan.story.after
        ):
            older = self.sessions.get(route.body, session.index + 1)
            if older is None:
                raise RuntimeError(f"{plan.story.name}: no session early enough")
            session = older
        if route.postponed and self.sessions.get(route.body, session.index + 2) is None:
            route = plan.route = replace(route, postponed=False)
        plan.session = session
        first = session.index + 1 if route.postponed else session.index
        return self.rng.choice(self.sessions.ready_days(route.body, first, today=self.today))

    def _schedule(self, plan: CasePlan) -> None:
        story = plan.story
        if plan.route is not None:
            anchor = self._ready_on(plan)
        elif story.working_days_ago:
            anchor = _back(self.calendar, self.today, story.working_days_ago)
        else:
            anchor = _on_or_before(
                self.calendar, self.today - dt.timedelta(days=story.calendar_days_ago)
            )
        filed = _back(self.calendar, anchor, story.steps[story.anchor].day)
        plan.days = [
            self.calendar.add_working_days(filed, step.day) if step.day else filed
            for step in story.steps
        ]
        if story.after and plan.session is not None:
            session_day = plan.session.day
            plan.days += [
                self.calendar.add_working_days(session_day, step.day) for step in story.after
            ]
        self._times(plan)

    def _times(self, plan: CasePlan) -> None:
        """Office hours, later steps of a day later in it."""
        plan.times = []
        for day in plan.days:
            if plan.times and plan.times[-1].date() == day:
                at = plan.times[-1] + dt.timedelta(minutes=self.rng.randint(10, 80))
            else:
                at = dt.datetime.combine(day, dt.time(8, 0), tzinfo=self.tz)
                at += dt.timedelta(minutes=self.rng.randint(0, 300))
            plan.times.append(at)

    def _duplicate(self, target: CasePlan) -> CasePlan:
        """The same company's letter about the same problem, a day later, merged in by the
        secretariat the day after."""
        story = Story("merged", (Step(0, "file"), Step(1, "merge")), 0, refers=False)
        first = self.calendar.add_working_days(target.days[0], 1)
        plan = CasePlan(
            target.topic,
            story,
            target.company,
            self.cast.dabir,
            Channel.LETTER,
            self.cast.dabir,
            None,
            target.amount,
            days=[first, self.calendar.add_working_days(first, 1)],
            merge_into=target,
        )
        self._times(plan)
        return plan


# --- Running the plan ----------------------------------------------------------------------------


class Runner:
    def __init__(self, cast: Cast) -> None:
        self.cast = cast

    def run(self, plan: CasePlan, step: Step) -> None:
        getattr(self, f"_{step.action}")(plan, step.arg)

    def _case(self, plan: CasePlan) -> Case:
        if plan.case is None:
            raise RuntimeError("a demo story must start by filing its case")
        return plan.case

    def _representative(self, plan: CasePlan) -> User:
        if plan.representative is None:
            raise RuntimeError(f"{plan.story.name}: only a company on the portal does this")
        return plan.representative

    def _file(self, plan: CasePlan, arg: Any) -> None:
        topic = plan.topic
        plan.case = services.case_file(
            actor=plan.filer,
            company=plan.company,
            category=self.cast.categories[topic.category],
            title=topic.title,
            description=topic.description,
            requested_outcome=topic.requested,
            amount=plan.amount,
            channel=plan.channel,
        )

    def _screen(self, plan: CasePlan, arg: Any) -> None:
        services.case_start_screening(actor=plan.secretariat, case=self._case(plan))

    def _expert(self, plan: CasePlan, arg: Any) -> None:
        services.case_assign_expert(
            actor=plan.secretariat, case=self._case(plan), expert=self.cast.expert
        )

    def _refer(self, plan: CasePlan, asks: tuple[int, ...]) -> None:
        again = bool(plan.referrals)
        requests = [
            ReferralRequest(
                agency=self.cast.agencies[plan.topic.asks[i].agency],
                request_text=(RE_REFERRAL if again else "") + plan.topic.asks[i].request,
            )
            for i in asks
        ]
        referrals = services.case_refer(
            actor=plan.secretariat, case=self._case(plan), requests=requests
        )
        plan.referrals.update(zip(asks, referrals, strict=True))

    def _answer(self, plan: CasePlan, arg: tuple[Any, ...]) -> None:
        index, *how = arg
        ask = plan.topic.asks[index]
        # Answered after an escalation reached the head: the head answers when there is one.
        actor = self.cast.heads.get(ask.agency) if "late" in how else None
        services.referral_answer(
            actor=actor or self.cast.officers[ask.agency],
            referral=plan.referrals[index],
            answer=NEGATIVE_ANSWER if "negative" in how else ask.answer,
        )

    def _extend(self, plan: CasePlan, arg: tuple[int, int]) -> None:
        index, days = arg
        services.referral_extend(
            actor=self.cast.officers[plan.topic.asks[index].agency],
            referral=plan.referrals[index],
            days=days,
            reason=EXTENSION_REASON,
        )

    def _return(self, plan: CasePlan, reason: str) -> None:
        case = self._case(plan)
        actor = self.cast.expert if case.status == CaseStatus.EXPERT_REVIEW else plan.secretariat
        services.case_return_for_info(actor=actor, case=case, reason=reason)

    def _provide(self, plan: CasePlan, text: str | None) -> None:
        if plan.representative is not None and text is None:
            actor, text = plan.representative, PROVIDED_BY_COMPANY
        else:
            actor, text = plan.secretariat, text or PROVIDED_AT_COUNTER
        services.case_provide_info(actor=actor, case=self._case(plan), text=text)

    def _reject(self, plan: CasePlan, reason: str | None) -> None:
        services.case_reject(
            actor=plan.secretariat,
            case=self._case(plan),
            reason=reason or plan.topic.reject_reason,
        )

    def _to(self, plan: CasePlan, status: str) -> None:
        services.case_move(actor=plan.secretariat, case=self._case(plan), to=status)

    def _conclude(self, plan: CasePlan, outcome: str) -> None:
        reasons: dict[str, str] = {
            Outcome.UNRESOLVED: UNRESOLVED_REASON,
            Outcome.ESCALATED_NATIONAL: ESCALATED_REASON,
        }
        reason = reasons.get(outcome, "")
        services.case_conclude(
            actor=plan.secretariat, case=self._case(plan), outcome=outcome, reason=reason
        )

    def _confirm(self, plan: CasePlan, score: int) -> None:
        services.case_confirm(
            actor=self._representative(plan), case=self._case(plan), satisfaction=score
        )

    def _reopen(self, plan: CasePlan, arg: Any) -> None:
        services.case_reopen(
            actor=self._representative(plan), case=self._case(plan), reason=REOPEN_REASON
        )

    def _merge(self, plan: CasePlan, arg: Any) -> None:
        if plan.merge_into is None:
            raise RuntimeError("only a duplicate is merged")
        into = self._case(plan.merge_into)
        services.case_merge(
            actor=plan.secretariat,
            case=self._case(plan),
            into=into,
            reason=MERGE_REASON.format(tracking=into.display_tracking),
        )


# --- Results --------------------------------------------------------------------------------------
# What the HQ's help achieved (DOMAIN.md §7, issue 7's dashboard): some working days after a case is
# resolved, the secretariat records the loan or facility the bank approved (every resolved banking
# case) and the jobs the unit kept (most resolved cases). A daily round on the timeline, so each
# case's results come in order after its resolution.

# A loan or facility approved for a resolved banking case: part of what the unit asked for, in
# round tens of billions of rial, within what a provincial bank branch approves.
LOAN_RANGE = (20 * BILLION, 500 * BILLION)
# The share of the other resolved cases whose results the secretariat records.
JOBS_RECORDED = 0.6
# Results are known up to this many working days after the case was resolved.
RESULTS_AFTER_DAYS = 8
RESULTS_SEED = 14040924_7


@dataclass(frozen=True)
class Achieved:
    recorded: bool
    after_days: int
    approved: int | None
    jobs: int


class ResultsRound:
    """Each working day at noon, the secretariat records the results that are known by then."""

    def __init__(self, province: Province, *, cast: Cast, calendar: WorkCalendar) -> None:
        self.province = province
        self.cast = cast
        self.calendar = calendar
        self.rng = random.Random(RESULTS_SEED)  # noqa: S311 - demo data, reproducible on purpose
        # Drawn once per case, the first time the round finds it resolved.
        self.achieved: dict[int, Achieved] = {}

    def _draw(self, case: Case) -> Achieved:
        rng = self.rng
        record, share, fraction, after_days = (
            rng.random(),
            rng.uniform(0.4, 0.9),
            rng.uniform(0.5, 1.0),
            rng.randint(0, RESULTS_AFTER_DAYS),
        )
        approved = None
        banking = case.category.code == "banking"
        if banking:
            asked = case.amount or LOAN_RANGE[1]
            approved = round(asked * fraction / (10 * BILLION)) * 10 * BILLION
            approved = min(max(approved, LOAN_RANGE[0]), LOAN_RANGE[1])
        return Achieved(
            recorded=banking or record < JOBS_RECORDED,
            after_days=after_days,
            approved=approved,
            jobs=max(3, round((case.company.employees or 10) * share)),
        )

    def run(self, day: dt.date) -> None:
        waiting = list(
            _demo_cases(self.province)
            .filter(
                outcome=Outcome.RESOLVED,
                status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED],
                results_on__isnull=True,
            )
            .select_related("company", "category")
            .order_by("pk")
        )
        if not waiting:
            return
        # When each was (last) resolved, and by whom: the secretariat that concluded it, or that
        # accepted its last executed resolution.
        resolved: dict[int, tuple[dt.date, User | None]] = {}
        for event in (
            CaseEvent.objects.filter(
                case__in=waiting, kind=services.EventKind.TRANSITION, to_status=CaseStatus.RESOLVED
            )
            .select_related("actor")
            .order_by("created_at", "pk")
        ):
            resolved[event.case_id] = (timezone.localdate(event.created_at), event.actor)
        for case in waiting:
            if case.pk not in resolved:
                continue
            if case.pk not in self.achieved:
                self.achieved[case.pk] = self._draw(case)
            achieved = self.achieved[case.pk]
            resolved_on, actor = resolved[case.pk]
            known = (
                self.calendar.add_working_days(resolved_on, achieved.after_days)
                if achieved.after_days
                else resolved_on
            )
            if not achieved.recorded or known > day:
                continue
            services.case_record_results(
                actor=actor or self.cast.dabir,
                case=case,
                approved_amount=achieved.approved,
                jobs_preserved=achieved.jobs,
                results_on=day,
            )


# --- Loading -------------------------------------------------------------------------------------


@dataclass
class CasesResult:
    added: int = 0
    total: int = 0
    overdue: int = 0  # open referrals of the demo cases past their deadline today
    results: int = 0  # demo cases with results recorded


def _demo_cases(province: Province) -> QuerySet[Case]:
    titles = [topic.title for topic in (*TOPICS, *OUT_OF_SCOPE)]
    return Case.objects.filter(province=province, title__in=titles)


def _companies(province: Province) -> list[Company]:
    return list(
        Company.objects.filter(province=province)
        .exclude(status=CompanyStatus.CLOSED)
        .select_related("county")
    )


# How far back the bodies' sessions go: before the first case was filed.
SESSIONS_SINCE_DAYS = 185


@transaction.atomic
def load_cases() -> CasesResult:
    """Build the demo cases, and the sessions and resolutions of the demo's bodies, through the
    services, unless they are there already."""
    province = Province.objects.get(code=QAZVIN)
    if _demo_cases(province).exists() or demo_meetings_exist(province):
        return _result(province, added=0)
    now = timezone.now()
    today = timezone.localdate(now)
    cast = _cast(province)
    missing = {ask.agency for topic in TOPICS for ask in topic.asks} - set(cast.officers)
    if missing:
        raise RuntimeError(f"demo agencies without an officer: {sorted(missing)}")
    calendar = work_calendar()
    sessions = SessionCalendar(
        now=now, since=today - dt.timedelta(days=SESSIONS_SINCE_DAYS), calendar=calendar
    )
    planner = Planner(cast=cast, companies=_companies(province), today=today, sessions=sessions)
    plans = planner.plans()

    # Every step of every case, the sessions and the daily runs of the jobs, in order.
    timeline = Timeline(now)
    runner = Runner(cast)
    for number, plan in enumerate(plans):
        for index, (at, step) in enumerate(zip(plan.times, plan.steps, strict=True)):
            if not timeline.add(at, _bind(runner, plan, step), rank=(number, index)):
                raise RuntimeError(f"demo case {plan.story.name} would happen in the future")
    Replay(
        province=province,
        people=cast,
        sessions=sessions,
        bookings=plans,
        timeline=timeline,
        now=now,
    ).schedule()
    tz = timezone.get_current_timezone()
    results_round = ResultsRound(province, cast=cast, calendar=calendar)
    day = min(plan.days[0] for plan in plans) + dt.timedelta(days=1)
    while day < today:
        # Like the hourly jobs of tashil/cases/tasks.py and tashil/meetings/tasks.py, first run
        # after midnight. Lateness counts working days, so no step is reached on a day off.
        if calendar.is_working_day(day):
            escalate_at = dt.datetime.combine(day, dt.time(0, 15), tzinfo=tz)
            timeline.add(escalate_at, _job(services.referrals_escalate, today=day), rank=(-1, 0))
            follow_at = dt.datetime.combine(day, dt.time(0, 25), tzinfo=tz)
            timeline.add(follow_at, _job(resolutions_follow_up, today=day), rank=(-1, 1))
            noon = dt.datetime.combine(day, dt.time(12, 30), tzinfo=tz)
            timeline.add(noon, _job(results_round.run, day=day), rank=(-1, 3))
        close_at = dt.datetime.combine(day, dt.time(0, 45), tzinfo=tz)
        timeline.add(close_at, _job(services.cases_close_unconfirmed, now=close_at), rank=(-1, 2))
        day += dt.timedelta(days=1)

    last_notice = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with quiet_notifications():
        timeline.run()
        # Today's runs happen now, unfrozen.
        services.referrals_escalate(today=today)
        resolutions_follow_up(today=today)
        services.cases_close_unconfirmed(now=now)
    _mark_old_notices_read(after=last_notice, before=now - dt.timedelta(days=NOTICES_FRESH_DAYS))
    return _result(province, added=len(plans))


def _bind(runner: Runner, plan: CasePlan, step: Step) -> Callable[[], None]:
    return lambda: runner.run(plan, step)


def _job(function: Callable[..., Any], **kwargs: Any) -> Callable[[], Any]:
    return lambda: function(**kwargs)


def _mark_old_notices_read(*, after: int, before: dt.datetime) -> None:
    old: dict[int, list[int]] = defaultdict(list)
    for user_id, pk in Notification.objects.filter(
        pk__gt=after, created_at__lt=before, read_at__isnull=True
    ).values_list("user_id", "pk"):
        old[user_id].append(pk)
    for user in User.objects.filter(pk__in=list(old)):
        notifications_mark_read(user=user, ids=old[user.pk])


def _result(province: Province, *, added: int) -> CasesResult:
    cases = _demo_cases(province)
    return CasesResult(
        added=added,
        total=cases.count(),
        overdue=Referral.objects.filter(
            overdue_q(timezone.localdate()), case__in=cases.values("pk")
        ).count(),
        results=cases.filter(results_on__isnull=False).count(),
    )
