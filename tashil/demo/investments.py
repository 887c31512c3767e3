"""The demo province's investment projects, export figures, official visits and sector shares
(issue 6, DOMAIN.md §6 and §9).

- The reference scenario exactly: the government spokesperson's visit of 1404/09/24 (2025-12-15)
  with its five stops in order, among them the opening of the cosmetics and hygiene line of the
  Caspian industrial city's company (USD 4,000,000; 100 jobs; 90 product types; an export
  forecast of USD 1,000,000 a year, split between the Arab countries and Russia), and the
  detergent share of 50% of the country's need stated that day, beside two other sources'
  figures (60% and 10%) with their own dates, measures and notes.
- Around it, 25 lines in all six counties: planned, under construction, operating (opened in
  1403–1404, at the Government Week and Fajr decade ceremonies as openings usually are, or on a
  visit) and stalled; invested in rials, tomans and dollars at the rate of their day; each with
  a history of progress reports from different sources; export figures, forecast and actual, to
  countries and groups of countries; two more visits (one by the head of the Trade Promotion
  Organization in 1404, one by a deputy minister of industry that sits in a session of the
  provincial HQ of the demo's meetings); shares of other sectors.

Every figure is written through `tashil.investments.services`, on the demo's timeline
(`tashil.demo.cases.Timeline`, frozen clock) so each history row is stamped when it happened.
Dates are fixed, in the past, except the deputy minister's visit, which follows the demo's HQ
sessions (they follow today, see tashil/demo/meetings.py). Companies are picked from the demo
registry by county and ISIC class, in national-ID order; the rest comes from a fixed seed.

Loading is idempotent: if the reference visit exists, nothing is added.

The visitors of the two invented visits have invented names, as the demo's agency heads do; the
spokesperson's visit is the public one of DOMAIN.md §9. Exchange rates are illustrative (about
the open market of their day), not an official series.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from typing import Any

import jdatetime
from django.db import transaction
from django.utils import timezone

from tashil.accounts.models import User
from tashil.core.identifiers import national_id_check_digit
from tashil.core.money import Currency, Money
from tashil.demo.cases import Timeline
from tashil.demo.province import COMPANIES, QAZVIN
from tashil.demo.registry import ESTATE_LABELS, REFERENCE_DATE
from tashil.geo.models import Country, CountryGroup, County, Province
from tashil.investments import services
from tashil.investments.models import (
    ExportFigure,
    ExportKind,
    ItineraryKind,
    Project,
    Sector,
    SectorShare,
    ShareBasis,
    Visit,
)
from tashil.investments.workflow import ProjectStatus
from tashil.meetings.models import Body, Meeting
from tashil.meetings.workflow import MeetingKind, MeetingStatus
from tashil.registry.models import Company, CompanyStatus

SEED = 14040924_6
S = ProjectStatus
K = ItineraryKind


def J(year: int, month: int, day: int) -> dt.date:  # noqa: N802 - reads like the Jalali date
    """A Jalali date, as the province speaks of it, in the Gregorian calendar the database keeps."""
    return jdatetime.date(year, month, day).togregorian()


# The three named companies of tashil/demo/province.py.
GOLSAR, POUYESH, SEPID = (demo.key for demo in COMPANIES)

# --- Money ---------------------------------------------------------------------------------------
# Rials per US dollar on a few days: illustrative, about the open market of the day, not an
# official series. A dollar figure is counted at the rate of the day it was stated.
RATES = {
    J(1403, 3, 10): 580_000,
    J(1403, 5, 20): 590_000,
    J(1403, 11, 20): 880_000,
    J(1404, 2, 15): 830_000,
    J(1404, 5, 14): 1_000_000,
    J(1404, 9, 23): 1_200_000,
}


def usd(amount: int, rate_on: dt.date) -> Money:
    return Money(Decimal(amount), Currency.USD, RATES[rate_on], rate_on)


def usd_stated(amount: int, on: dt.date) -> Money:
    """Dollars stated on `on`, at the latest rate of the table on or before that day."""
    rate_on = max(day for day in RATES if day <= on)
    return usd(amount, rate_on)


def rial(amount: int) -> Money:
    return Money(Decimal(amount), Currency.RIAL)


def toman(amount: int) -> Money:
    return Money(Decimal(amount), Currency.TOMAN)


BILLION = 10**9

# --- Sources -------------------------------------------------------------------------------------

SMT = "سازمان صنعت، معدن و تجارت استان قزوین"
SMT_VISIT = "گزارش بازدید کارشناس سازمان صنعت، معدن و تجارت استان"
ESTATES_CO = "شرکت شهرک‌های صنعتی استان قزوین"
COMPANY_REPORT = "گزارش پیشرفت ارسالی شرکت"
SECRETARIAT = "دبیرخانه ستاد تسهیل و رفع موانع تولید استان"
BEHINYAB = "سامانه بهین‌یاب (پروانه تأسیس)"
REPORT_SOURCES = (SMT_VISIT, ESTATES_CO, COMPANY_REPORT, SECRETARIAT)
# Jobs are counted from the insured workforce once a line runs.
INSURED = "اداره کل تأمین اجتماعی استان قزوین (فهرست بیمه‌شدگان)"
GOVERNMENT_WEEK_1403 = "آیین افتتاح طرح‌های هفته دولت ۱۴۰۳ با حضور استاندار"
GOVERNMENT_WEEK_1404 = "آیین افتتاح طرح‌های هفته دولت ۱۴۰۴ با حضور استاندار"
FAJR_1403 = "آیین افتتاح طرح‌های دهه فجر ۱۴۰۳"
FAJR_1404 = "آیین افتتاح طرح‌های دهه فجر ۱۴۰۴"
SPOKESPERSON = "سخنگوی دولت در سفر به استان قزوین (۱۴۰۴/۰۹/۲۴)"
CUSTOMS_ACTUAL = "گمرک استان قزوین (اظهارنامه‌های صادراتی)"
COMPANY_FORECAST = "برنامه صادراتی اعلام‌شده شرکت"
# A year's actual exports are stated once the year is over (the Jalali year ends in March).
ACTUAL_1403 = J(1404, 1, 25)
ACTUAL_1404 = J(1405, 1, 25)
# The companies' export plans for the next year, gathered by the province in Dey.
FORECAST_1405 = J(1404, 10, 15)

# --- The plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """An export figure of a line: `to` is a country's alpha-2 code or a group's code."""

    kind: str
    year: int
    to: str
    amount: int
    on: dt.date  # when it was stated; counted at the latest rate of RATES by then
    source: str


@dataclass(frozen=True)
class Line:
    """A project of the demo, as the province tells it."""

    key: str
    county: str
    classes: tuple[str, ...]  # the ISIC classes of companies that would build it, preferred first
    title: str
    sector: str
    status: str
    investment: Money
    recorded: dt.date
    jobs_planned: int
    product_types: int | None
    planned_opening: dt.date | None = None
    started: dt.date | None = None  # under construction since
    until: dt.date | None = None  # last report, day it stalled, or day it opened
    progress: int = 0  # as last reported (under construction, stalled)
    jobs_created: int | None = None  # in the end
    note: str = ""  # why it stalled, why it was postponed
    opened_by: str = ""  # the opening ceremony; empty: opened on a visit
    postponed_to: dt.date | None = None  # a planned line whose opening moved
    company: str = ""  # a named company's key, else picked by county and class
    exports: tuple[Figure, ...] = ()


# The line of the reference scenario. Its story is told step by step in `_golsar_steps`.
COSMETICS_LINE = Line(
    key="golsar",
    county="2603",
    classes=("2023",),
    title="خط تولید محصولات آرایشی و بهداشتی",
    sector="cosmetics",
    status=S.OPERATING,
    investment=usd(3_500_000, J(1403, 5, 20)),
    recorded=J(1403, 5, 20),
    jobs_planned=80,
    product_types=60,
    planned_opening=J(1404, 6, 1),
    company=GOLSAR,
    exports=(
        Figure(ExportKind.FORECAST, 1405, "arab_league", 600_000, REFERENCE_DATE, SPOKESPERSON),
        Figure(ExportKind.FORECAST, 1405, "RU", 400_000, REFERENCE_DATE, SPOKESPERSON),
    ),
)
COSMETICS_INVESTMENT = usd(4_000_000, J(1404, 9, 23))
COSMETICS_JOBS = 100
COSMETICS_PRODUCTS = 90

# Opened on the deputy minister's visit, whose day follows the demo's HQ sessions: its dates are
# set by `_minister_line` from that day.
SMART_METERS = Line(
    key="pouyesh",
    county="2605",
    classes=("2651",),
    title="خط تولید کنتور هوشمند گاز",
    sector="electrical",
    status=S.OPERATING,
    investment=rial(650 * BILLION),
    recorded=J(1404, 1, 1),
    jobs_planned=40,
    product_types=3,
    jobs_created=32,
    company=POUYESH,
    exports=(),
)

# Opened on the Trade Promotion Organization head's visit of 1404/05/15.
MILK_POWDER = Line(
    key="milk_powder",
    county="2601",
    classes=("1050",),
    title="خط تولید شیر خشک صنعتی",
    sector="food",
    status=S.OPERATING,
    investment=rial(480 * BILLION),
    recorded=J(1403, 2, 18),
    jobs_planned=30,
    product_types=4,
    planned_opening=J(1404, 4, 1),
    started=J(1403, 6, 25),
    until=J(1404, 5, 15),
    jobs_created=34,
    exports=(
        Figure(ExportKind.ACTUAL, 1404, "IQ", 310_000, ACTUAL_1404, CUSTOMS_ACTUAL),
        Figure(ExportKind.FORECAST, 1405, "IQ", 900_000, J(1404, 5, 15), COMPANY_FORECAST),
        Figure(ExportKind.FORECAST, 1405, "AF", 350_000, J(1404, 5, 15), COMPANY_FORECAST),
    ),
)

STALLED_ROLLING_MILL = "rolling_mill"

LINES: tuple[Line, ...] = (
    # Qazvin county (2603): the cosmetics line, and the detergents the province is known for.
    COSMETICS_LINE,
    Line(
        key="sepid",
        county="2603",
        classes=("2023",),
        title="توسعه خط تولید پودر لباسشویی و مایع ظرفشویی",
        sector="detergents",
        status=S.OPERATING,
        investment=rial(1_200 * BILLION),
        recorded=J(1402, 8, 12),
        jobs_planned=60,
        product_types=12,
        planned_opening=J(1403, 6, 1),
        started=J(1402, 11, 5),
        until=J(1403, 6, 5),
        jobs_created=64,
        opened_by=GOVERNMENT_WEEK_1403,
        company=SEPID,
        exports=(
            Figure(ExportKind.ACTUAL, 1403, "IQ", 1_800_000, ACTUAL_1403, CUSTOMS_ACTUAL),
            Figure(ExportKind.ACTUAL, 1403, "AF", 420_000, ACTUAL_1403, CUSTOMS_ACTUAL),
            Figure(ExportKind.ACTUAL, 1404, "IQ", 2_100_000, ACTUAL_1404, CUSTOMS_ACTUAL),
            Figure(ExportKind.ACTUAL, 1404, "AF", 650_000, ACTUAL_1404, CUSTOMS_ACTUAL),
            Figure(
                ExportKind.FORECAST, 1405, "arab_league", 2_500_000, FORECAST_1405, COMPANY_FORECAST
            ),
        ),
    ),
    Line(
        key="pipes",
        county="2603",
        classes=("2220", "2013"),
        title="خط تولید لوله‌های پلی‌اتیلن دوجداره",
        sector="polymers",
        status=S.UNDER_CONSTRUCTION,
        investment=toman(45 * BILLION),
        recorded=J(1403, 9, 3),
        jobs_planned=35,
        product_types=6,
        planned_opening=J(1405, 11, 15),
        started=J(1403, 12, 10),
        until=J(1405, 7, 20),
        progress=65,
        jobs_created=12,
    ),
    Line(
        key="tablets",
        county="2603",
        classes=("2100",),
        title="خط تولید داروهای جامد خوراکی",
        sector="pharmaceuticals",
        status=S.PLANNED,
        investment=usd(2_500_000, J(1403, 11, 20)),
        recorded=J(1403, 11, 20),
        jobs_planned=70,
        product_types=15,
        planned_opening=J(1405, 12, 15),
        postponed_to=J(1406, 6, 1),
        until=J(1405, 3, 10),
        note="در انتظار تخصیص ارز برای واردات ماشین‌آلات",
    ),
    Line(
        key="brake_pads",
        county="2603",
        classes=("2930",),
        title="خط تولید لنت ترمز سرامیکی",
        sector="auto_parts",
        status=S.OPERATING,
        investment=rial(380 * BILLION),
        recorded=J(1403, 4, 2),
        jobs_planned=45,
        product_types=8,
        planned_opening=J(1404, 9, 1),
        started=J(1403, 7, 15),
        until=J(1404, 11, 20),
        jobs_created=41,
        opened_by=FAJR_1404,
        exports=(
            Figure(ExportKind.FORECAST, 1405, "IQ", 450_000, FORECAST_1405, COMPANY_FORECAST),
            Figure(ExportKind.FORECAST, 1405, "TR", 150_000, FORECAST_1405, COMPANY_FORECAST),
        ),
    ),
    Line(
        key=STALLED_ROLLING_MILL,
        county="2603",
        classes=("2410", "2511"),
        title="خط نورد میلگرد آجدار",
        sector="basic_metals",
        status=S.STALLED,
        investment=rial(2_400 * BILLION),
        recorded=J(1402, 10, 1),
        jobs_planned=120,
        product_types=4,
        planned_opening=J(1404, 6, 1),
        started=J(1403, 1, 20),
        until=J(1404, 7, 12),
        progress=55,
        jobs_created=35,
        note="توقف عملیات به دلیل تأمین‌نشدن تسهیلات بانکی و محدودیت برق صنایع",
    ),
    Line(
        key="saffron",
        county="2603",
        classes=("1079",),
        title="خط فرآوری و بسته‌بندی زعفران",
        sector="food",
        status=S.OPERATING,
        investment=toman(28 * BILLION),
        recorded=J(1402, 12, 10),
        jobs_planned=25,
        product_types=10,
        planned_opening=J(1403, 11, 1),
        started=J(1403, 3, 1),
        until=J(1403, 11, 15),
        jobs_created=27,
        opened_by=FAJR_1403,
        exports=(
            Figure(ExportKind.ACTUAL, 1404, "AE", 380_000, ACTUAL_1404, CUSTOMS_ACTUAL),
            Figure(ExportKind.FORECAST, 1405, "gcc", 700_000, FORECAST_1405, COMPANY_FORECAST),
        ),
    ),
    # Alborz county (2605): the Alborz industrial city.
    SMART_METERS,
    Line(
        key="smd",
        county="2605",
        classes=("2610", "2620"),
        title="خط مونتاژ سطحی (SMD) بردهای الکترونیکی",
        sector="electrical",
        status=S.UNDER_CONSTRUCTION,
        investment=usd(1_200_000, J(1404, 2, 15)),
        recorded=J(1404, 2, 15),
        jobs_planned=30,
        product_types=5,
        planned_opening=J(1405, 10, 1),
        started=J(1404, 5, 1),
        until=J(1405, 8, 5),
        progress=80,
        jobs_created=14,
    ),
    Line(
        key="injectables",
        county="2605",
        classes=("2100", "3250", "2660"),
        title="خط تولید داروهای تزریقی",
        sector="pharmaceuticals",
        status=S.OPERATING,
        investment=usd(3_000_000, J(1403, 3, 10)),
        recorded=J(1403, 3, 10),
        jobs_planned=85,
        product_types=22,
        planned_opening=J(1404, 4, 1),
        started=J(1403, 6, 1),
        until=J(1404, 6, 3),
        jobs_created=88,
        opened_by=GOVERNMENT_WEEK_1404,
        exports=(
            Figure(ExportKind.ACTUAL, 1404, "IQ", 520_000, ACTUAL_1404, CUSTOMS_ACTUAL),
            Figure(ExportKind.FORECAST, 1405, "IQ", 900_000, FORECAST_1405, COMPANY_FORECAST),
            Figure(ExportKind.FORECAST, 1405, "AF", 250_000, FORECAST_1405, COMPANY_FORECAST),
            Figure(ExportKind.FORECAST, 1405, "eaeu", 400_000, FORECAST_1405, COMPANY_FORECAST),
        ),
    ),
    Line(
        key="masterbatch",
        county="2605",
        classes=("2220", "2013"),
        title="خط تولید مستربچ و کامپاند پلیمری",
        sector="polymers",
        status=S.PLANNED,
        investment=rial(900 * BILLION),
        recorded=J(1405, 2, 8),
        jobs_planned=40,
        product_types=18,
        planned_opening=J(1406, 9, 1),
    ),
    Line(
        key="washing_machines",
        county="2605",
        classes=("2750", "2710"),
        title="خط تولید ماشین لباسشویی",
        sector="electrical",
        status=S.OPERATING,
        investment=rial(1_500 * BILLION),
        recorded=J(1402, 6, 10),
        jobs_planned=150,
        product_types=5,
        planned_opening=J(1403, 6, 1),
        started=J(1402, 9, 1),
        until=J(1403, 6, 4),
        jobs_created=162,
        opened_by=GOVERNMENT_WEEK_1403,
        exports=(
            Figure(ExportKind.ACTUAL, 1403, "IQ", 1_100_000, ACTUAL_1403, CUSTOMS_ACTUAL),
            Figure(ExportKind.ACTUAL, 1404, "IQ", 1_400_000, ACTUAL_1404, CUSTOMS_ACTUAL),
            Figure(ExportKind.ACTUAL, 1404, "AM", 300_000, ACTUAL_1404, CUSTOMS_ACTUAL),
        ),
    ),
    Line(
        key="concrete_admixtures",
        county="2605",
        classes=("2029", "2022", "2011"),
        title="خط تولید افزودنی‌های فوق‌روان‌کننده بتن",
        sector="chemicals",
        status=S.STALLED,
        investment=usd(800_000, J(1403, 3, 10)),
        recorded=J(1403, 3, 10),
        jobs_planned=25,
        product_types=7,
        planned_opening=J(1404, 3, 1),
        started=J(1403, 6, 15),
        until=J(1404, 2, 20),
        progress=40,
        jobs_created=6,
        note="توقف به دلیل کمبود ارز برای واردات مواد اولیه",
    ),
    # Abyek county (2604).
    Line(
        key="shampoo",
        county="2604",
        classes=("2023",),
        title="خط تولید شامپو و مایع دستشویی",
        sector="cosmetics",
        status=S.UNDER_CONSTRUCTION,
        investment=toman(60 * BILLION),
        recorded=J(1403, 10, 5),
        jobs_planned=40,
        product_types=25,
        planned_opening=J(1405, 10, 15),
        started=J(1404, 1, 25),
        until=J(1405, 6, 30),
        progress=70,
        jobs_created=15,
        exports=(
            Figure(ExportKind.FORECAST, 1405, "IQ", 200_000, FORECAST_1405, COMPANY_FORECAST),
        ),
    ),
    Line(
        key="mineral_water",
        county="2604",
        classes=("1104",),
        title="خط تولید آب معدنی در بطری پت",
        sector="beverages",
        status=S.OPERATING,
        investment=rial(210 * BILLION),
        recorded=J(1402, 11, 1),
        jobs_planned=18,
        product_types=4,
        planned_opening=J(1403, 12, 1),
        started=J(1403, 2, 10),
        until=J(1403, 11, 18),
        jobs_created=20,
        opened_by=FAJR_1403,
    ),
    Line(
        key="glass_bottles",
        county="2604",
        classes=("2310",),
        title="خط تولید بطری شیشه‌ای دارویی",
        sector="building_materials",
        status=S.PLANNED,
        investment=rial(1_100 * BILLION),
        recorded=J(1404, 8, 14),
        jobs_planned=90,
        product_types=6,
        planned_opening=J(1406, 12, 1),
    ),
    Line(
        key="servers",
        county="2604",
        classes=("2620", "2610"),
        title="خط مونتاژ سرور و تجهیزات ذخیره‌سازی",
        sector="electrical",
        status=S.UNDER_CONSTRUCTION,
        investment=rial(320 * BILLION),
        recorded=J(1404, 3, 5),
        jobs_planned=28,
        product_types=4,
        planned_opening=J(1405, 12, 1),
        started=J(1404, 7, 1),
        until=J(1405, 8, 10),
        progress=45,
        jobs_created=8,
    ),
    # Takestan county (2602).
    Line(
        key="frozen_meat",
        county="2602",
        classes=("1010",),
        title="خط تولید فرآورده‌های گوشتی منجمد",
        sector="food",
        status=S.OPERATING,
        investment=rial(260 * BILLION),
        recorded=J(1403, 1, 28),
        jobs_planned=32,
        product_types=9,
        planned_opening=J(1404, 3, 1),
        started=J(1403, 5, 10),
        until=J(1404, 3, 20),
        jobs_created=30,
        opened_by="آیین افتتاح با حضور فرماندار تاکستان",
        exports=(Figure(ExportKind.ACTUAL, 1404, "IQ", 240_000, ACTUAL_1404, CUSTOMS_ACTUAL),),
    ),
    Line(
        key="powder_coatings",
        county="2602",
        classes=("2022",),
        title="خط تولید رنگ‌های پودری الکترواستاتیک",
        sector="chemicals",
        status=S.UNDER_CONSTRUCTION,
        investment=toman(35 * BILLION),
        recorded=J(1404, 1, 20),
        jobs_planned=22,
        product_types=12,
        planned_opening=J(1405, 11, 1),
        started=J(1404, 4, 15),
        until=J(1405, 7, 28),
        progress=55,
        jobs_created=7,
    ),
    Line(
        key="dishwasher_tablets",
        county="2602",
        classes=("2023",),
        title="خط تولید قرص ماشین ظرفشویی",
        sector="detergents",
        status=S.PLANNED,
        investment=rial(150 * BILLION),
        recorded=J(1405, 4, 2),
        jobs_planned=15,
        product_types=3,
        planned_opening=J(1406, 4, 1),
    ),
    # Buin Zahra county (2601).
    MILK_POWDER,
    Line(
        key="syringes",
        county="2601",
        classes=("3250",),
        title="خط تولید سرنگ خودتخریب",
        sector="pharmaceuticals",
        status=S.UNDER_CONSTRUCTION,
        investment=usd(900_000, J(1404, 2, 15)),
        recorded=J(1404, 2, 15),
        jobs_planned=26,
        product_types=3,
        planned_opening=J(1405, 9, 30),
        started=J(1404, 5, 20),
        until=J(1405, 8, 1),
        progress=85,
        jobs_created=18,
    ),
    Line(
        key="pumps",
        county="2601",
        classes=("2813", "2829"),
        title="خط تولید پمپ‌های طبقاتی پربازده",
        sector="machinery",
        status=S.STALLED,
        investment=rial(540 * BILLION),
        recorded=J(1402, 12, 20),
        jobs_planned=20,
        product_types=6,
        planned_opening=J(1404, 1, 15),
        started=J(1403, 3, 1),
        until=J(1404, 4, 25),
        progress=30,
        jobs_created=4,
        note="اختلاف با اداره کل اوقاف بر سر زمین طرح؛ پرونده در ستاد تسهیل",
    ),
    # Avaj county (2606).
    Line(
        key="kraft_paper",
        county="2606",
        classes=("1701",),
        title="خط تولید کاغذ کرافت از کاغذ بازیافتی",
        sector="paper",
        status=S.OPERATING,
        investment=rial(700 * BILLION),
        recorded=J(1402, 7, 15),
        jobs_planned=55,
        product_types=3,
        planned_opening=J(1403, 12, 1),
        started=J(1402, 12, 1),
        until=J(1404, 2, 10),
        jobs_created=58,
        opened_by="آیین افتتاح با حضور معاون اقتصادی استاندار",
        exports=(
            Figure(ExportKind.FORECAST, 1405, "AF", 300_000, FORECAST_1405, COMPANY_FORECAST),
            Figure(ExportKind.FORECAST, 1405, "TM", 120_000, FORECAST_1405, COMPANY_FORECAST),
        ),
    ),
    Line(
        key="polyester_yarn",
        county="2606",
        classes=("1311", "1392"),
        title="خط ریسندگی نخ پلی‌استر",
        sector="textiles",
        status=S.UNDER_CONSTRUCTION,
        investment=rial(430 * BILLION),
        recorded=J(1403, 8, 1),
        jobs_planned=48,
        product_types=5,
        planned_opening=J(1405, 12, 20),
        started=J(1404, 2, 1),
        until=J(1405, 7, 15),
        progress=35,
        jobs_created=10,
    ),
)


@dataclass(frozen=True)
class Share:
    sector: str
    basis: str
    value: Decimal
    source: str
    stated_on: dt.date
    note: str = ""


# Published figures disagree (DOMAIN.md §6): the page shows them side by side. The spokesperson's
# figure is the reference scenario's; the others are illustrative, from the kinds of source that
# quote such shares.
SHARES = (
    Share(
        "detergents",
        ShareBasis.NEED,
        Decimal(50),
        "سخنگوی دولت در سفر به استان قزوین",
        REFERENCE_DATE,
        "«قزوین ۵۰ درصد نیاز کشور به مواد شوینده را تأمین می‌کند»؛ در سفر استانی ۱۴۰۴/۰۹/۲۴.",
    ),
    Share(
        "detergents",
        ShareBasis.OUTPUT,
        Decimal(60),
        "معاونت امور صنایع سازمان صنعت، معدن و تجارت استان قزوین (گفت‌وگو با رسانه‌های استانی)",
        J(1403, 10, 18),
        "سهم از ظرفیت اسمی پروانه‌های بهره‌برداری شوینده کشور، نه از تولید واقعی.",
    ),
    Share(
        "detergents",
        ShareBasis.OUTPUT,
        Decimal(10),
        "گزارش آماری تشکل صنفی صنایع شوینده، بهداشتی و آرایشی",
        J(1404, 3, 12),
        "سهم از ارزش تولید کل صنعت شوینده، بهداشتی و آرایشی کشور؛ "
        "پایه محاسبه با دو رقم دیگر فرق دارد.",
    ),
    Share(
        "cosmetics",
        ShareBasis.OUTPUT,
        Decimal(30),
        f"{SMT} (گزارش عملکرد ۱۴۰۳)",
        J(1404, 2, 20),
        "سهم از تولید محصولات آرایشی و بهداشتی دارای پروانه بهره‌برداری.",
    ),
    Share(
        "cosmetics",
        ShareBasis.OUTPUT,
        Decimal(25),
        "استاندار قزوین در نشست خبری هفته دولت",
        J(1404, 6, 4),
    ),
    Share(
        "auto_parts",
        ShareBasis.OUTPUT,
        Decimal(7),
        f"{SMT} (گزارش عملکرد ۱۴۰۳)",
        J(1404, 2, 20),
        "سهم از ارزش تولید قطعات و مجموعه‌های خودرو.",
    ),
)


@dataclass(frozen=True)
class Step:
    """One write to a project: its creation, a progress report, an update of figures, or its
    opening (not on a visit: a visit's opening is its itinerary item)."""

    on: dt.date
    kind: str  # create, report, update, open
    source: str
    values: Mapping[str, Any] = field(default_factory=dict)
    investment: Money | None = None
    note: str = ""


@dataclass(frozen=True)
class Stop:
    """An itinerary item. `project` is a line's key; `company` a national ID; `hq` links the
    stop to the provincial HQ's session of its day."""

    day: int  # the visit's day, from 0
    at: dt.time
    kind: str
    title: str
    place: str
    project: str = ""
    company: str = ""
    hq: bool = False
    note: str = ""


@dataclass(frozen=True)
class Tour:
    title: str
    visitor_name: str
    visitor_title: str
    starts_on: dt.date
    days: int
    summary: str
    stops: tuple[Stop, ...]
    recorded: dt.date  # the programme is entered before the visit, its stops each evening


@dataclass
class ProjectPlan:
    line: Line
    national_id: str
    steps: list[Step]


@dataclass
class Plan:
    projects: list[ProjectPlan]
    tours: list[Tour]
    shares: tuple[Share, ...] = SHARES


REFERENCE_VISIT_TITLE = "سفر سخنگوی دولت به استان قزوین"
SPOKESPERSON_NAME = "فاطمه مهاجرانی"
SPOKESPERSON_TITLE = "سخنگوی دولت"
CASPIAN = "شهر صنعتی کاسپین"

REFERENCE_VISIT = Tour(
    title=REFERENCE_VISIT_TITLE,
    visitor_name=SPOKESPERSON_NAME,
    visitor_title=SPOKESPERSON_TITLE,
    starts_on=REFERENCE_DATE,
    days=1,
    summary=(
        "سفر یک‌روزه سخنگوی دولت به استان قزوین. در این سفر اعلام شد که ۱۴۰ واحد دانش‌بنیان "
        "در استان فعال است و هدف، افزایش شمار و کیفیت محصولات و خدمات آن‌هاست؛ استان ۵۰ درصد "
        "نیاز کشور به مواد شوینده را تأمین می‌کند؛ و ستاد تسهیل و رفع موانع تولید هر هفته "
        "مشکلات واحدها را بررسی و پیگیری می‌کند. خط تولید محصولات آرایشی و بهداشتی شرکت گلسار "
        "کاسپین با ۴ میلیون دلار سرمایه‌گذاری، ۱۰۰ شغل و ۹۰ نوع محصول افتتاح شد."
    ),
    stops=(
        Stop(0, dt.time(8, 30), K.MEETING, "دیدار با امام جمعه قزوین", "دفتر امام جمعه قزوین"),
        Stop(
            0,
            dt.time(9, 30),
            K.EXHIBITION,
            "بازدید از نمایشگاه توانمندی‌های صنعتی استان قزوین",
            CASPIAN,
        ),
        Stop(
            0,
            dt.time(10, 45),
            K.OPENING,
            "افتتاح خط تولید محصولات آرایشی و بهداشتی شرکت گلسار کاسپین",
            CASPIAN,
            project="golsar",
        ),
        Stop(
            0,
            dt.time(12, 30),
            K.CEREMONY,
            "آیین گرامیداشت روز زن",
            "دانشگاه فرهنگیان",
        ),
        Stop(
            0,
            dt.time(15, 0),
            K.COUNCIL,
            "جلسه شورای اداری استان قزوین",
            "سالن شهید رجایی استانداری قزوین",
        ),
    ),
    recorded=J(1404, 9, 22),
)

TRADE_VISIT = Tour(
    title="سفر رئیس سازمان توسعه تجارت ایران به استان قزوین",
    visitor_name="مسعود فرهادی",
    visitor_title="معاون وزیر صنعت، معدن و تجارت و رئیس سازمان توسعه تجارت ایران",
    starts_on=J(1404, 5, 15),
    days=1,
    summary=(
        "سفر یک‌روزه با محور توسعه صادرات غیرنفتی استان به عراق، افغانستان و کشورهای حوزه خلیج فارس."
    ),
    stops=(
        Stop(
            0,
            dt.time(9, 0),
            K.MEETING,
            "نشست با صادرکنندگان نمونه استان",
            "اتاق بازرگانی، صنایع، معادن و کشاورزی قزوین",
        ),
        Stop(
            0,
            dt.time(11, 0),
            K.OPENING,
            "افتتاح خط تولید شیر خشک صنعتی",
            "",
            project="milk_powder",
        ),
        Stop(
            0,
            dt.time(13, 30),
            K.OTHER,
            "بازدید از واحد تولید شوینده صادرات‌محور",
            "شهرک صنعتی لیا",
            company=SEPID,
        ),
        Stop(
            0,
            dt.time(16, 0),
            K.EXHIBITION,
            "بازدید از نمایشگاه کالاهای صادراتی استان",
            "محل دائمی نمایشگاه‌های بین‌المللی قزوین",
        ),
    ),
    recorded=J(1404, 5, 12),
)


def minister_visit(day: dt.date, *, hq_place: str) -> Tour:
    """The deputy minister's two days, the first being a session day of the provincial HQ."""
    return Tour(
        title="سفر معاون وزیر صنعت، معدن و تجارت به استان قزوین",
        visitor_name="علیرضا کیانی",
        visitor_title="معاون وزیر صنعت، معدن و تجارت در امور صنایع",
        starts_on=day,
        days=2,
        summary=(
            "بررسی موانع طرح‌های نیمه‌تمام استان در ستاد تسهیل، افتتاح یک خط تولید دانش‌بنیان "
            "و نشست صنعت و دانشگاه."
        ),
        stops=(
            Stop(
                0,
                dt.time(9, 0),
                K.MEETING,
                "شرکت در جلسه ستاد تسهیل و رفع موانع تولید استان",
                hq_place,
                hq=True,
            ),
            Stop(
                0,
                dt.time(11, 30),
                K.OPENING,
                "افتتاح خط تولید کنتور هوشمند گاز شرکت پویش فناوران البرز",
                "شهر صنعتی البرز",
                project="pouyesh",
            ),
            Stop(
                0,
                dt.time(14, 0),
                K.OTHER,
                "بازدید از طرح متوقف‌شده نورد میلگرد و بررسی موانع آن",
                "",  # where the line is: see Loader._stop
                project=STALLED_ROLLING_MILL,
                note="مقرر شد موضوع تسهیلات طرح در کارگروه بانکی ستاد بررسی شود.",
            ),
            Stop(
                1,
                dt.time(9, 30),
                K.UNIVERSITY,
                "نشست هم‌اندیشی صنعت و دانشگاه",
                "دانشگاه بین‌المللی امام خمینی (ره)",
            ),
            Stop(1, dt.time(11, 30), K.OTHER, "بازدید از شهرک صنعتی حیدریه", "شهرک صنعتی حیدریه"),
        ),
        recorded=day - dt.timedelta(days=6),
    )


def _spread(rng: random.Random, start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    """`count` days strictly between `start` and `end`, about evenly apart, in order."""
    span = (end - start).days
    days = []
    for i in range(1, count + 1):
        middle = span * i // (count + 1)
        jitter = rng.randint(-span // (4 * (count + 1)), span // (4 * (count + 1)))
        days.append(start + dt.timedelta(days=max(1, min(span - 1, middle + jitter))))
    return sorted(set(days))


def _golsar_steps() -> list[Step]:
    """The reference line: licensed in 1403, built through 1404, opened on the spokesperson's
    visit (the itinerary item does that), where the final figures were announced."""
    return [
        Step(
            J(1403, 5, 20),
            "create",
            BEHINYAB,
            {
                "jobs_planned": 80,
                "product_types": 60,
                "planned_opening_on": J(1404, 6, 1),
            },
            investment=COSMETICS_LINE.investment,
        ),
        Step(
            J(1403, 9, 12),
            "report",
            SMT_VISIT,
            {"status": S.UNDER_CONSTRUCTION, "progress": 15},
            note="عملیات ساختمانی سالن تولید آغاز شده است.",
        ),
        Step(J(1404, 2, 28), "report", ESTATES_CO, {"progress": 50, "jobs_created": 30}),
        Step(
            J(1404, 7, 20),
            "update",
            COMPANY_REPORT,
            {"planned_opening_on": J(1404, 9, 24)},
            note="تأخیر در ترخیص بخشی از ماشین‌آلات پرکن از گمرک.",
        ),
        Step(J(1404, 8, 25), "report", SMT_VISIT, {"progress": 92, "jobs_created": 75}),
    ]


def _golsar_opening_figures() -> Step:
    # Announced at the opening: after the itinerary item has opened the line.
    return Step(
        REFERENCE_DATE,
        "update",
        SPOKESPERSON,
        {
            "jobs_planned": COSMETICS_JOBS,
            "jobs_created": COSMETICS_JOBS,
            "product_types": COSMETICS_PRODUCTS,
        },
        investment=COSMETICS_INVESTMENT,
        note="ارقام اعلام‌شده در آیین افتتاح؛ نرخ دلار، نرخ روز پیش از افتتاح است.",
    )


def _steps(rng: random.Random, line: Line, *, on_visit: dt.date | None = None) -> list[Step]:
    """A line's history from its figures: recorded as planned, then progress reports (status
    under construction) up to the last report, the day it stalled, or the day it opened.
    `on_visit`: the day a visit opens it (that opening is the itinerary item's)."""
    created = Step(
        line.recorded,
        "create",
        BEHINYAB if rng.random() < 0.5 else SMT,
        {
            "jobs_planned": line.jobs_planned,
            "product_types": line.product_types,
            "planned_opening_on": line.planned_opening,
        },
        investment=line.investment,
    )
    steps = [created]
    if line.status == S.PLANNED:
        if line.postponed_to and line.until:
            steps.append(
                Step(
                    line.until,
                    "update",
                    COMPANY_REPORT,
                    {"planned_opening_on": line.postponed_to},
                    note=line.note,
                )
            )
        return steps
    started = line.started or line.recorded + dt.timedelta(days=90)
    end = on_visit or line.until
    if end is None:
        raise ValueError(f"demo line {line.key}: when did it open, stall or last report?")
    opens = line.status == S.OPERATING
    # Where the reports climb to: the last reported figure, or near done before an opening.
    top = 90 + rng.randint(0, 8) if opens else line.progress
    jobs_top = line.jobs_created or 0
    jobs_before = round(jobs_top * 0.7) if opens else jobs_top
    first = rng.randint(5, 15)
    steps.append(
        Step(
            started,
            "report",
            rng.choice(REPORT_SOURCES),
            {"status": S.UNDER_CONSTRUCTION, "progress": first},
        )
    )
    middle = _spread(rng, started, end, rng.randint(1, 3))
    if line.status != S.UNDER_CONSTRUCTION:
        # An opening or a stall follows the last report; an ongoing line ends on it.
        middle = middle or [started + (end - started) / 2]
    else:
        middle = [*middle[:-1], end] if middle else [end]
    for index, day in enumerate(middle, start=1):
        share = index / len(middle)
        values: dict[str, Any] = {"progress": max(first + 1, round(first + (top - first) * share))}
        jobs = round(jobs_before * share)
        if jobs:
            values["jobs_created"] = jobs
        steps.append(Step(day, "report", rng.choice(REPORT_SOURCES), values))
    if line.status == S.STALLED:
        steps.append(Step(end, "report", SECRETARIAT, {"status": S.STALLED}, note=line.note))
    elif opens:
        if on_visit is None:
            steps.append(Step(end, "open", line.opened_by or SMT))
        after = end + dt.timedelta(days=rng.randint(60, 120))
        if jobs_top and after < timezone.localdate():
            # A running line's jobs are counted from the insured workforce a season later.
            steps.append(Step(after, "report", INSURED, {"jobs_created": jobs_top}))
    return steps


def _minister_line(line: Line, day: dt.date) -> Line:
    """The smart-meter line's dates, counted back from the visit that opens it."""
    return replace(
        line,
        recorded=day - dt.timedelta(days=430),
        planned_opening=day - dt.timedelta(days=20),
        started=day - dt.timedelta(days=330),
        until=day,
    )


def pick_companies(
    candidates: Mapping[str, Sequence[tuple[str, str]]],
) -> dict[str, str]:
    """Each line's company (national ID): the named one, else the first company of the county
    (in national-ID order) of the line's preferred ISIC classes, each company used once.
    `candidates` maps a county code to its running companies' (national ID, ISIC class)."""
    named = {demo.key: demo.key + national_id_check_digit(demo.key) for demo in COMPANIES}
    used = set(named.values())
    chosen = {}
    for line in LINES:
        if line.company:
            chosen[line.key] = named[line.company]
            continue
        found = next(
            (
                national_id
                for wanted in line.classes
                for national_id, activity in candidates.get(line.county, ())
                if activity == wanted and national_id not in used
            ),
            None,
        )
        if found is None:
            raise RuntimeError(
                f"demo line {line.key}: no company of class {line.classes} in county {line.county}"
            )
        used.add(found)
        chosen[line.key] = found
    return chosen


def plan_investments(
    candidates: Mapping[str, Sequence[tuple[str, str]]], *, minister_day: dt.date, hq_place: str
) -> Plan:
    """The demo's investments as data, from a fixed seed: the same inputs, the same plan."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
    companies = pick_companies(candidates)
    projects = []
    for line in LINES:
        if line.key == COSMETICS_LINE.key:
            steps = _golsar_steps()
        elif line.key == SMART_METERS.key:
            line = _minister_line(line, minister_day)
            steps = _steps(rng, line, on_visit=minister_day)
        elif line.key == MILK_POWDER.key:
            steps = _steps(rng, line, on_visit=TRADE_VISIT.starts_on)
        else:
            steps = _steps(rng, line)
        projects.append(ProjectPlan(line=line, national_id=companies[line.key], steps=steps))
    tours = [
        TRADE_VISIT,
        REFERENCE_VISIT,
        minister_visit(minister_day, hq_place=hq_place),
    ]
    return Plan(projects=projects, tours=tours)


# --- Loading -------------------------------------------------------------------------------------


@dataclass
class InvestmentsResult:
    added: int = 0  # projects added by this run
    projects: int = 0
    by_county: dict[str, int] = field(default_factory=dict)  # county name → projects
    opened: int = 0
    visits: int = 0
    exports: int = 0
    shares: int = 0


# How far back the deputy minister's visit is: within the demo's six months of HQ sessions.
MINISTER_WEEKS_AGO = 8


def _hq_session(province: Province, today: dt.date) -> Meeting | None:
    """The provincial HQ's session held nearest to MINISTER_WEEKS_AGO weeks ago, if the demo's
    meetings are there."""
    body = Body.objects.filter(province=province, kind=MeetingKind.PROVINCIAL).first()
    if body is None:
        return None
    target = today - dt.timedelta(weeks=MINISTER_WEEKS_AGO)
    sessions = Meeting.objects.filter(body=body, status=MeetingStatus.CLOSED)
    return min(
        sessions,
        key=lambda m: abs((timezone.localdate(m.starts_at) - target).days),
        default=None,
    )


def _candidates(province: Province) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    running = (CompanyStatus.OPERATING, CompanyStatus.PARTLY_OPERATING)
    for national_id, county, activity in (
        Company.objects.filter(province=province, status__in=running, activity__isnull=False)
        .order_by("national_id")
        .values_list("national_id", "county__code", "activity__code")
    ):
        found.setdefault(county, []).append((national_id, activity))
    return found


def reference_visit(province: Province) -> Visit | None:
    return Visit.objects.filter(
        province=province, title=REFERENCE_VISIT_TITLE, starts_on=REFERENCE_DATE
    ).first()


@transaction.atomic
def load_investments() -> InvestmentsResult:
    """Build the demo's projects, export figures, visits and sector shares through the services,
    unless they are there already."""
    province = Province.objects.get(code=QAZVIN)
    if reference_visit(province) is not None:
        return _result(province, added=0)
    now = timezone.now()
    session = _hq_session(province, timezone.localdate(now))
    if session is not None:
        minister_day = timezone.localdate(session.starts_at)
        hq_place = session.place or session.body.place
    else:
        # Without the demo's meetings: a Wednesday (the HQ's day) about as long ago.
        minister_day = timezone.localdate(now) - dt.timedelta(weeks=MINISTER_WEEKS_AGO)
        minister_day -= dt.timedelta(days=(minister_day.weekday() - 2) % 7)
        hq_place = "سالن شهید رجایی استانداری قزوین"
    plan = plan_investments(_candidates(province), minister_day=minister_day, hq_place=hq_place)
    Loader(province, plan, session=session, now=now).run()
    return _result(province, added=len(plan.projects))


class Loader:
    """Puts every write of the plan on one timeline, in the order it happened, and runs it."""

    def __init__(
        self, province: Province, plan: Plan, *, session: Meeting | None, now: dt.datetime
    ) -> None:
        self.province = province
        self.plan = plan
        self.session = session
        self.timeline = Timeline(now)
        self.tz = timezone.get_current_timezone()
        self.actor = User.objects.get(username="dabir")
        self.projects: dict[str, Project] = {}
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.companies = {
            c.national_id: c
            for c in Company.objects.filter(
                national_id__in=[p.national_id for p in plan.projects]
            ).select_related("county", "estate")
        }
        codes = {f.to for p in plan.projects for f in p.line.exports}
        self.destinations: dict[str, Country | CountryGroup] = {
            **{c.code: c for c in Country.objects.filter(code__in=codes)},
            **{g.code: g for g in CountryGroup.objects.filter(code__in=codes)},
        }

    def _at(self, day: dt.date, at: dt.time, action: Callable[[], object], rank: int) -> None:
        moment = dt.datetime.combine(day, at, tzinfo=self.tz)
        if not self.timeline.add(moment, action, rank=(rank,)):
            raise RuntimeError(f"a demo investment step on {day} would happen in the future")

    def run(self) -> None:
        for index, project in enumerate(self.plan.projects):
            for number, step in enumerate(project.steps):
                # Office hours; the opening ceremonies in the morning.
                at = dt.time(10 if step.kind == "open" else 12, number % 60)
                self._at(step.on, at, self._step_action(project, step), rank=index)
        for index, tour in enumerate(self.plan.tours):
            self._tour(tour, rank=100 + index)
        for project in self.plan.projects:
            for figure in project.line.exports:
                self._at(figure.on, dt.time(20, 10), self._export_action(project, figure), 200)
        for share in self.plan.shares:
            self._at(share.stated_on, dt.time(21, 0), self._share_action(share), 300)
        self.timeline.run()

    # Projects ------------------------------------------------------------------------------------

    def _step_action(self, project: ProjectPlan, step: Step) -> Callable[[], object]:
        return lambda: self._step(project, step)

    def _step(self, plan: ProjectPlan, step: Step) -> None:
        line = plan.line
        if step.kind == "create":
            company = self.companies[plan.national_id]
            self.projects[line.key] = services.project_create(
                actor=self.actor,
                company=company,
                title=line.title,
                sector=self.sectors[line.sector],
                investment=step.investment or line.investment,
                source=step.source,
                on=step.on,
                **step.values,
            )
            return
        project = self.projects[line.key]
        if step.kind == "report":
            services.project_report_progress(
                actor=self.actor,
                project=project,
                source=step.source,
                on=step.on,
                note=step.note,
                **step.values,
            )
        elif step.kind == "update":
            services.project_update(
                actor=self.actor,
                project=project,
                source=step.source,
                on=step.on,
                note=step.note,
                investment=step.investment,
                **step.values,
            )
        elif step.kind == "open":
            services.project_open(actor=self.actor, project=project, on=step.on, source=step.source)
        else:
            raise ValueError(f"unknown demo step {step.kind}")

    # Visits --------------------------------------------------------------------------------------

    def _tour(self, tour: Tour, *, rank: int) -> None:
        holder: dict[str, Visit] = {}
        last_day = tour.starts_on + dt.timedelta(days=tour.days - 1)

        def create() -> None:
            holder["visit"] = services.visit_create(
                actor=self.actor,
                province=self.province,
                title=tour.title,
                visitor_name=tour.visitor_name,
                visitor_title=tour.visitor_title,
                starts_on=tour.starts_on,
                ends_on=last_day,
                summary=tour.summary,
            )

        def record(day: int) -> None:
            for stop in tour.stops:
                if stop.day == day:
                    self._stop(holder["visit"], tour, stop)
            if tour is REFERENCE_VISIT and day == tour.days - 1:
                self._step(
                    next(p for p in self.plan.projects if p.line.key == COSMETICS_LINE.key),
                    _golsar_opening_figures(),
                )

        self._at(tour.recorded, dt.time(11, 0), create, rank)
        # Each day's stops in the evening, as they happened: an opening is recorded once it has.
        for day in range(tour.days):
            self._at(
                tour.starts_on + dt.timedelta(days=day),
                dt.time(20, 0),
                partial(record, day),
                rank,
            )

    def _stop(self, visit: Visit, tour: Tour, stop: Stop) -> None:
        meeting = self.session if stop.hq else None
        company = None
        if stop.company:
            national_id = stop.company + national_id_check_digit(stop.company)
            company = Company.objects.get(national_id=national_id)
        project = self.projects[stop.project] if stop.project else None
        place = stop.place
        if not place and project is not None:
            place = _place_of(project)
        services.item_add(
            actor=self.actor,
            visit=visit,
            day=tour.starts_on + dt.timedelta(days=stop.day),
            kind=stop.kind,
            title=stop.title,
            starts_at=stop.at,
            place=place,
            note=stop.note,
            company=company,
            project=project,
            meeting=meeting,
        )

    # Exports and shares --------------------------------------------------------------------------

    def _export_action(self, plan: ProjectPlan, figure: Figure) -> Callable[[], object]:
        def record() -> None:
            project = self.projects[plan.line.key]
            services.export_record(
                actor=self.actor,
                company=project.company,
                project=project,
                kind=figure.kind,
                year=figure.year,
                destination=self.destinations[figure.to],
                value=usd_stated(figure.amount, figure.on),
                source=figure.source,
            )

        return record

    def _share_action(self, share: Share) -> Callable[[], object]:
        def record() -> None:
            services.share_add(
                actor=self.actor,
                province=self.province,
                sector=self.sectors[share.sector],
                basis=share.basis,
                value=share.value,
                source=share.source,
                stated_on=share.stated_on,
                note=share.note,
            )

        return record


def _place_of(project: Project) -> str:
    """Where a line is, as a programme names it: its estate, else its county."""
    if project.estate is not None:
        return f"{ESTATE_LABELS.get(project.estate.kind, '')} {project.estate.name}".strip()
    return f"شهرستان {project.county.name}"


def _result(province: Province, *, added: int) -> InvestmentsResult:
    projects = Project.objects.filter(province=province)
    names = {c.code: c.name_en or c.name for c in County.objects.filter(province=province)}
    by_county = Counter(projects.values_list("county__code", flat=True))
    return InvestmentsResult(
        added=added,
        projects=projects.count(),
        by_county={names[code]: by_county[code] for code in sorted(by_county)},
        opened=projects.filter(status=ProjectStatus.OPERATING).count(),
        visits=Visit.objects.filter(province=province).count(),
        exports=ExportFigure.objects.filter(company__province=province).count(),
        shares=SectorShare.objects.filter(province=province).count(),
    )
