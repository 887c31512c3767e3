"""What the governor's dashboard counts (issue 7, DOMAIN.md §7) that the other demo modules do not
write, so that every figure of the demo province has records behind it (the results achieved
on resolved cases are recorded on the cases' own timeline, tashil/demo/cases.py):

- knowledge-based certificates issued since the reference day (renewals of most that ran out,
  and new units), so the count goes on rising towards the target after 1404/09/24 instead of
  falling as the registry's certificates run out; the count on that day stays 140;
- idle units revived: two in 1404 before the reference day, and a few in the current Jalali year;
- next year's export forecasts of the lines that run, stated in the current year: the dashboard
  quotes the forecasts of the year after its period's (`figures.selectors.default_export_year`).

The cases, and the sessions that resolve them, follow today (tashil/demo/cases.py), and the
dashboard opens on the year to date, so the certificates, this year's revivals and
next year's forecasts are dated relative to today too; the 1404 revivals have fixed dates. Every
write is a service call made at the moment it happened (`frozen_clock`), so events and history
rows carry that moment. The choices come from a fixed seed.

Loading is idempotent: each part is skipped when its records are there.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import jdatetime
from django.db import transaction
from django.utils import timezone

from tashil.accounts.models import User
from tashil.demo.cases import frozen_clock
from tashil.demo.investments import COMPANY_FORECAST, LINES, usd_stated
from tashil.demo.province import QAZVIN
from tashil.demo.registry import REFERENCE_DATE, SECTORS
from tashil.geo.models import Country, CountryGroup, Province
from tashil.investments import services as investment_services
from tashil.investments.models import ExportFigure, ExportKind, Project
from tashil.investments.workflow import ProjectStatus
from tashil.registry import services as registry_services
from tashil.registry.models import (
    Certificate,
    CertificateClass,
    Company,
    CompanyStatus,
    Product,
    StatusChange,
)

SEED = 14040924_7
BILLION = 10**9

# --- Knowledge-based units since the reference day -----------------------------------------------

# Of the certificates that ran out since, this share is renewed (those that ran out within 60
# days of the reference day are left as they were: that day's "expiring soon" keeps its rows).
RENEWED = 0.75
EXPIRING_DAYS = 60
# New units certified each month since the reference day.
NEW_PER_MONTH = 2.5
# Certificate numbers from here on (the registry plan's run from 1).
CERTIFICATE_SEQ = 5000
NEW_CLASSES = (CertificateClass.TECHNOLOGIST, CertificateClass.INNOVATOR, CertificateClass.STARTUP)
NEW_CLASS_WEIGHTS = (3, 4, 2)

# --- Revivals ------------------------------------------------------------------------------------

REVIVAL_NOTE = "راه‌اندازی دوباره تولید با پیگیری ستاد تسهیل و رفع موانع تولید استان"
# Revived in 1404 before the reference day (1404/02/01 – 1404/09/14), fixed dates.
REVIVED_1404 = 2
REVIVED_1404_FROM = jdatetime.date(1404, 2, 1).togregorian()
REVIVED_1404_TO = REFERENCE_DATE - dt.timedelta(days=10)
# Revived in the current Jalali year, before today.
REVIVED_THIS_YEAR = 6
# A unit comes back after at least this long idle.
IDLE_AT_LEAST = dt.timedelta(days=150)

# --- Next year's forecasts -----------------------------------------------------------------------

# Per line (tashil/demo/investments.py), next year's forecast by destination (alpha-2 code or
# group code), in dollars: the 1405 plans grown by what the lines said they would add. The
# cosmetics line of the reference scenario keeps its two destinations.
NEXT_YEAR_FORECASTS: dict[str, tuple[tuple[str, int], ...]] = {
    "golsar": (("arab_league", 900_000), ("RU", 600_000)),
    "sepid": (("arab_league", 2_800_000), ("AF", 300_000)),
    "injectables": (("IQ", 1_100_000), ("AF", 300_000), ("eaeu", 450_000)),
    "milk_powder": (("IQ", 1_000_000), ("AF", 400_000)),
    "brake_pads": (("IQ", 500_000), ("TR", 200_000)),
    "saffron": (("gcc", 800_000),),
    "kraft_paper": (("AF", 350_000), ("TM", 150_000)),
    "pouyesh": (("IQ", 200_000),),
}
# The province gathers the companies' plans for next year in mid-Mehr (earlier in the year, a
# week before today).
FORECASTS_GATHERED = (7, 15)


@dataclass
class FiguresResult:
    certified: int = 0  # certificates this run added (renewals and new units)
    revived: int = 0  # units this run revived
    forecasts: int = 0  # export forecast rows this run added
    forecast_year: int = 0


@transaction.atomic
def load_figures() -> FiguresResult:
    province = Province.objects.get(code=QAZVIN)
    now = timezone.now()
    rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
    result = FiguresResult(forecast_year=_jalali_year(timezone.localdate(now)) + 1)
    dabir = User.objects.get(username="dabir")
    result.certified = certify_units(province, rng=rng, now=now)
    result.revived = revive_units(province, rng=rng, now=now, secretariat=dabir)
    result.forecasts = forecast_next_year(
        province, year=result.forecast_year, now=now, secretariat=dabir
    )
    return result


def _jalali_year(day: dt.date) -> int:
    return int(jdatetime.date.fromgregorian(date=day).year)


def _year_start(day: dt.date) -> dt.date:
    return jdatetime.date(_jalali_year(day), 1, 1).togregorian()


def _run_at(moment: dt.datetime, now: dt.datetime, action: Callable[[], object]) -> None:
    """Run `action` on the clock of `moment`, or on today's when `moment` is not past."""
    if moment >= now:
        action()
        return
    with frozen_clock(moment):
        action()


# --- Knowledge-based units ---------------------------------------------------------------------


def _certificate_class(rng: random.Random) -> str:
    return str(rng.choices(NEW_CLASSES, weights=NEW_CLASS_WEIGHTS)[0])


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def certify_units(province: Province, *, rng: random.Random, now: dt.datetime) -> int:
    """Certificates issued since the reference day, so the count keeps rising towards the target:
    renewals of most that ran out, and new units."""
    certificates = Certificate.objects.filter(company__province=province)
    if certificates.filter(issued_on__gt=REFERENCE_DATE).exists():
        return 0
    today = timezone.localdate(now)
    last = today - dt.timedelta(days=1)
    if last <= REFERENCE_DATE:
        return 0
    # Per company, the last day it is covered by an unrevoked certificate.
    covered: dict[int, dt.date] = {}
    for holder, expires_on in certificates.filter(revoked_on__isnull=True).values_list(
        "company", "expires_on"
    ):
        covered[holder] = max(expires_on, covered.get(holder, expires_on))
    lapsed = sorted(
        holder
        for holder, until in covered.items()
        if REFERENCE_DATE + dt.timedelta(days=EXPIRING_DAYS) < until < last
    )
    issues: list[tuple[int, dt.date]] = []
    for holder in lapsed:
        renewed = rng.random() < RENEWED
        issued = covered[holder] + dt.timedelta(days=rng.randint(-20, 45))
        if renewed and issued <= last:
            issues.append((holder, issued))
    holders = set(certificates.values_list("company", flat=True))
    running = list(
        Company.objects.filter(
            province=province,
            status=CompanyStatus.OPERATING,
            activity__code__in=list(SECTORS),
        )
        .exclude(pk__in=holders)
        .order_by("national_id")
        .values_list("pk", "activity__code")
    )
    count = round(NEW_PER_MONTH * (last - REFERENCE_DATE).days / 30)
    # Likelier in some classes (tashil/demo/registry.py): a weighted draw without replacement.
    order = sorted(
        running, key=lambda row: rng.random() ** (1 / SECTORS[row[1]].knowledge), reverse=True
    )
    days = sorted(
        REFERENCE_DATE + dt.timedelta(days=rng.randint(1, (last - REFERENCE_DATE).days))
        for _ in order[:count]
    )
    issues += [(pk, day) for (pk, _activity), day in zip(order[:count], days, strict=True)]
    issues.sort(key=lambda issue: (issue[1], issue[0]))
    companies = Company.objects.select_related("activity").in_bulk([pk for pk, _day in issues])
    first_products: dict[int, str] = {}
    for owner, name in (
        Product.objects.filter(company__in=companies).order_by("pk").values_list("company", "name")
    ):
        first_products.setdefault(owner, name)
    tz = timezone.get_current_timezone()
    for seq, (pk, issued) in enumerate(issues, start=CERTIFICATE_SEQ):
        company = companies[pk]
        sector = SECTORS[company.activity.code] if company.activity else None
        approved = [first_products.get(pk, "")]
        if sector is not None and sector.approved:
            approved.insert(0, rng.choice(sector.approved))
        _run_at(
            dt.datetime.combine(issued, dt.time(14, 0), tzinfo=tz),
            now,
            partial(
                registry_services.certificate_add,
                actor=None,
                company=company,
                number=f"{_jalali_year(issued)}-26-{seq:04d}",
                certificate_class=_certificate_class(rng),
                issued_on=issued,
                expires_on=_add_years(issued, 3),
                approved_products="\n".join(name for name in dict.fromkeys(approved) if name),
            ),
        )
    return len(issues)


# --- Revivals ------------------------------------------------------------------------------------


def _spread(rng: random.Random, start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    """`count` days from `start` to `end`, one in each equal stretch, in order."""
    span = (end - start).days + 1
    return [
        start + dt.timedelta(days=(span * i) // count + rng.randrange(max(1, span // count)))
        for i in range(count)
    ]


def revive_units(
    province: Province, *, rng: random.Random, now: dt.datetime, secretariat: User
) -> int:
    """Idle units back at work: status changes idle → operating (or partly), dated."""
    if StatusChange.objects.filter(company__province=province, note=REVIVAL_NOTE).exists():
        return 0
    idle = list(
        Company.objects.filter(province=province, status=CompanyStatus.IDLE).order_by("national_id")
    )
    rng.shuffle(idle)
    today = timezone.localdate(now)
    rounds = [(REVIVED_1404_FROM, REVIVED_1404_TO, REVIVED_1404)]
    this_year = max(_year_start(today), REFERENCE_DATE + dt.timedelta(days=1))
    if this_year < today:
        rounds.append((this_year, today - dt.timedelta(days=1), REVIVED_THIS_YEAR))
    tz = timezone.get_current_timezone()
    revived = 0
    for first, last, count in rounds:
        days = _spread(rng, first, last, count)
        for index, day in enumerate(days):
            company = next(
                (c for c in idle if c.status_since and c.status_since + IDLE_AT_LEAST <= day), None
            )
            if company is None:
                break
            idle.remove(company)
            # Most come back fully; some with part of their lines.
            status = CompanyStatus.PARTLY_OPERATING if index % 3 == 2 else CompanyStatus.OPERATING
            moment = dt.datetime.combine(day, dt.time(11, 0), tzinfo=tz)
            _run_at(
                moment,
                now,
                partial(
                    registry_services.company_set_status,
                    actor=secretariat,
                    company=company,
                    status=status,
                    since=day,
                    note=REVIVAL_NOTE,
                ),
            )
            revived += 1
    return revived


# --- Next year's export forecasts ----------------------------------------------------------------


def forecast_next_year(
    province: Province, *, year: int, now: dt.datetime, secretariat: User
) -> int:
    """The running lines' forecasts for `year`, unless a line has some already (the investments
    demo writes 1405's)."""
    today = timezone.localdate(now)
    gathered = jdatetime.date(year - 1, *FORECASTS_GATHERED).togregorian()
    stated_on = max(min(gathered, today - dt.timedelta(days=7)), _year_start(today))
    moment = dt.datetime.combine(stated_on, dt.time(20, 10), tzinfo=timezone.get_current_timezone())
    codes = {code for plan in NEXT_YEAR_FORECASTS.values() for code, _usd in plan}
    destinations: dict[str, Country | CountryGroup] = {
        **{c.code: c for c in Country.objects.filter(code__in=codes)},
        **{g.code: g for g in CountryGroup.objects.filter(code__in=codes)},
    }
    titles = {line.key: line.title for line in LINES}
    projects = {
        project.title: project
        for project in Project.objects.filter(
            province=province,
            status=ProjectStatus.OPERATING,
            title__in=[titles[key] for key in NEXT_YEAR_FORECASTS],
        ).select_related("company")
    }
    forecast = set(
        ExportFigure.objects.filter(
            project__in=projects.values(), kind=ExportKind.FORECAST, year=year
        ).values_list("project", flat=True)
    )
    added = 0
    for key, plan in NEXT_YEAR_FORECASTS.items():
        project = projects.get(titles[key])
        if project is None or project.pk in forecast:
            continue
        for code, amount in plan:
            _run_at(
                moment,
                now,
                partial(
                    investment_services.export_record,
                    actor=secretariat,
                    company=project.company,
                    project=project,
                    kind=ExportKind.FORECAST,
                    year=year,
                    destination=destinations[code],
                    value=usd_stated(amount, stated_on),
                    source=COMPANY_FORECAST,
                ),
            )
            added += 1
    return added
