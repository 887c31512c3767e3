"""Fixtures of the investments tests: sectors, a few countries and overlapping groups, money,
the reference scenario's cosmetics line, and builders for projects and visits.

The clock is not frozen: dates are picked relative to today where the services refuse the
future (openings, shares), and fixed where they do not matter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from tashil.core.money import Currency, Money

RATE = 1_050_000  # rials per dollar
RATE_ON = dt.date(2025, 12, 10)


def dollars(amount: int | str, *, rate: int | None = RATE, on: dt.date | None = RATE_ON) -> Money:
    return Money(Decimal(amount), Currency.USD, rate, on)


def rials(amount: int | str) -> Money:
    return Money(Decimal(amount), Currency.RIAL)


def tomans(amount: int | str) -> Money:
    return Money(Decimal(amount), Currency.TOMAN)


@pytest.fixture
def sector(db: Any) -> Any:
    from tashil.investments.models import Sector

    return Sector.objects.create(code="cosmetics", name="آرایشی و بهداشتی", name_en="Cosmetics")


@pytest.fixture
def detergents(db: Any) -> Any:
    from tashil.investments.models import Sector

    return Sector.objects.create(code="detergents", name="شوینده", name_en="Detergents")


@pytest.fixture
def destinations(db: Any) -> SimpleNamespace:
    """Six countries and three groups that overlap as the real ones do: Russia is in the
    Eurasian Economic Union and among Iran's neighbours; the Emirates and Iraq are Arab and
    neighbours."""
    from tashil.geo.models import Country, CountryGroup

    def country(code: str, alpha3: str, name: str, name_en: str) -> Any:
        return Country.objects.create(code=code, alpha3=alpha3, name=name, name_en=name_en)

    found = SimpleNamespace(
        russia=country("RU", "RUS", "روسیه", "Russia"),
        uae=country("AE", "ARE", "امارات متحده عربی", "United Arab Emirates"),
        iraq=country("IQ", "IRQ", "عراق", "Iraq"),
        saudi=country("SA", "SAU", "عربستان سعودی", "Saudi Arabia"),
        armenia=country("AM", "ARM", "ارمنستان", "Armenia"),
        china=country("CN", "CHN", "چین", "China"),
    )
    found.arab = CountryGroup.objects.create(
        code="arab_league", name="کشورهای عربی", name_en="Arab countries"
    )
    found.arab.members.set([found.uae, found.iraq, found.saudi])
    found.eaeu = CountryGroup.objects.create(
        code="eaeu", name="اتحادیه اقتصادی اوراسیا", name_en="Eurasian Economic Union"
    )
    found.eaeu.members.set([found.russia, found.armenia])
    found.neighbours = CountryGroup.objects.create(
        code="neighbours", name="کشورهای همسایه", name_en="Iran's neighbours"
    )
    found.neighbours.members.set([found.russia, found.uae, found.iraq, found.armenia])
    return found


@pytest.fixture
def estate(province: Any, county: Any) -> Any:
    from tashil.geo.models import EstateKind, IndustrialEstate

    return IndustrialEstate.objects.create(
        province=province,
        county=county,
        name="کاسپین",
        name_en="Caspian",
        kind=EstateKind.INDUSTRIAL_CITY,
    )


@pytest.fixture
def make_project(sector: Any) -> Callable[..., Any]:
    """project = make_project(company, title=…, investment=…, **fields) through the service."""
    from tashil.investments.services import project_create

    def make(company: Any, **fields: Any) -> Any:
        fields.setdefault("title", "خط تولید")
        fields.setdefault("sector", sector)
        fields.setdefault("investment", rials(1_000_000_000))
        fields.setdefault("source", "اداره کل صمت")
        fields.setdefault("actor", None)
        return project_create(company=company, **fields)

    return make


@pytest.fixture
def cosmetics_line(make_project: Callable[..., Any], company: Any, estate: Any) -> Any:
    """The reference scenario's line (DOMAIN.md §9), under construction and not yet open."""
    from tashil.investments.workflow import ProjectStatus

    return make_project(
        company,
        title="خط تولید محصولات آرایشی و بهداشتی",
        investment=dollars(4_000_000),
        county=company.county,
        estate=estate,
        jobs_planned=100,
        product_types=90,
        progress=95,
        status=ProjectStatus.UNDER_CONSTRUCTION,
        source="سخنگوی دولت",
    )


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def visit(province: Any, today: dt.date) -> Any:
    """A one-day visit yesterday: openings may be recorded on it."""
    from tashil.investments.services import visit_create

    day = today - dt.timedelta(days=1)
    return visit_create(
        actor=None,
        province=province,
        title="سفر سخنگوی دولت به استان",
        visitor_name="فاطمه مهاجرانی",
        visitor_title="سخنگوی دولت",
        starts_on=day,
        ends_on=day,
    )


def reference_programme(
    province: Any,
    today: dt.date,
    cosmetics_line: Any,
    *,
    meeting: Any = None,
    university_at: dt.time | None = None,
) -> Any:
    """The reference scenario's programme over the two days before today (DOMAIN.md §9),
    entered out of order, through the services."""
    from tashil.investments.models import ItineraryKind
    from tashil.investments.services import item_add, visit_create

    first, second = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    visit = visit_create(
        actor=None,
        province=province,
        title="سفر سخنگوی دولت به استان قزوین",
        visitor_name="فاطمه مهاجرانی",
        visitor_title="سخنگوی دولت",
        starts_on=first,
        ends_on=second,
    )
    item_add(
        actor=None,
        visit=visit,
        day=second,
        starts_at=dt.time(17, 0),
        kind=ItineraryKind.COUNCIL,
        title="جلسه شورای اداری استان",
        place="استانداری قزوین",
        meeting=meeting,
    )
    item_add(
        actor=None,
        visit=visit,
        day=first,
        starts_at=dt.time(11, 0),
        kind=ItineraryKind.EXHIBITION,
        title="بازدید از نمایشگاه توانمندی‌های صنعتی استان",
        place="شهر صنعتی کاسپین",
    )
    item_add(
        actor=None,
        visit=visit,
        day=first,
        starts_at=dt.time(8, 30),
        kind=ItineraryKind.MEETING,
        title="دیدار با امام جمعه قزوین",
    )
    item_add(
        actor=None,
        visit=visit,
        day=second,
        starts_at=dt.time(10, 0),
        kind=ItineraryKind.OPENING,
        title="افتتاح خط تولید محصولات آرایشی و بهداشتی",
        place="شهر صنعتی کاسپین",
        project=cosmetics_line,
    )
    item_add(
        actor=None,
        visit=visit,
        day=second,
        starts_at=university_at,
        kind=ItineraryKind.UNIVERSITY,
        title="مراسم روز زن در دانشگاه فرهنگیان",
    )
    return visit
