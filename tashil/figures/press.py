"""The press brief (issue 7, item 5): a short news item in Persian (or English) written from the
figures of one day, which the press office edits before use.

Every number and name in it is read from the records through `selectors.py`; nothing is typed
in. A sentence whose figure is zero or missing is left out rather than printed with a zero. The
text is written as a news item of the day `on`, in this order:

1. the active knowledge-based units on `on` and the province's target, when its date is still
   ahead;
2. the lines opened on `on` itself; when none opened that day, those of the 30 days up to `on`.
   Each of the largest three is named with its company, place, investment as entered (a dollar
   investment is quoted in dollars: «۴ میلیون دلار»), jobs, product types and export forecast for
   the year after `on`'s with its destinations; when several opened, their totals come first;
3. the HQ's follow-up: its regular weekly meeting (the weekday of the provincial HQ's `Body`), and
   since 1 Farvardin the sessions held, resolutions issued and the share executed, cases received
   and resolved, loans approved and jobs preserved;
4. the sector shares stated on or before `on`: per sector (the sector of the newest figure
   first: a figure stated that day is the news) the newest figure with its source, then,
   because published figures disagree (DOMAIN.md §6), each other source's latest figure in one
   sentence, so the press office sees them and chooses.

The first sentence (but not a share, which names its own source) is attributed to the public
relations of the province's HQ, as provincial news items are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from tashil.core.jalali import format_jalali, format_number, is_persian_ui
from tashil.core.money import Currency
from tashil.core.text import to_persian_digits
from tashil.figures.period import Period, jalali_year_of
from tashil.figures.selectors import (
    LineForecast,
    SessionFigures,
    case_figures,
    default_export_year,
    knowledge_based,
    opening_figures,
    resolution_figures,
    results,
    session_figures,
    shares_as_of,
)
from tashil.geo.models import Province
from tashil.investments.models import Project, SectorShare, ShareBasis
from tashil.meetings.models import Body, Weekday
from tashil.meetings.workflow import MeetingKind

# When no line opened on the day itself, the brief looks back this many days (the day included).
OPENINGS_LOOKBACK_DAYS = 30
# Lines named one by one; the others count in the totals.
NAMED_LINES = 3

LANGUAGES = ("fa", "en")


def brief_text(*, province: Province, on: dt.date, language: str = "fa") -> str:
    """The brief as paragraphs separated by a blank line; empty when the province has no figure
    to report on `on`."""
    if language not in LANGUAGES:
        raise ValueError(f"no press brief in {language!r}")
    with translation.override(language):
        paragraphs = [
            _knowledge_based(province, on),
            _openings(province, on),
            _follow_up(province, on),
            _shares(province, on),
        ]
        # Shares (the last paragraph) name their own source.
        first = next((index for index, paragraph in enumerate(paragraphs[:3]) if paragraph), None)
        if first is not None:
            paragraphs[first][0] = _attributed(province, paragraphs[first][0])
        return "\n\n".join(" ".join(paragraph) for paragraph in paragraphs if paragraph)


# --- Numbers and lists in words ------------------------------------------------------------------


def number(value: int | Decimal | float) -> str:
    """Grouped, in the digits of the language: ۱۴۰، ۱٬۲۰۰، ۱٫۵."""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    return format_number(value)


# Scales a large amount is said in: «۴ میلیون دلار», «۱۲ هزار میلیارد ریال».
_SCALES: tuple[tuple[int, Callable[[str], str]], ...] = (
    (10**12, lambda n: pgettext("press", "%(number)s trillion") % {"number": n}),
    (10**9, lambda n: pgettext("press", "%(number)s billion") % {"number": n}),
    (10**6, lambda n: pgettext("press", "%(number)s million") % {"number": n}),
)


def in_words(value: int | Decimal) -> str:
    """A large number the way a news item says it: «۴ میلیون», «یک میلیون», «۱٫۵ میلیارد»; below
    a million, the number itself («۲۵۰٬۰۰۰»). Rounded to two decimals of its scale."""
    amount = Decimal(value)
    for scale, words in _SCALES:
        if amount >= scale:
            scaled = (amount / scale).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if scaled == 1:
                return words(pgettext("press", "one"))
            return words(number(scaled.normalize()))
    return number(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money(amount: int | Decimal, currency: str) -> str:
    words = in_words(amount)
    if currency == Currency.USD:
        return pgettext("press", "%(amount)s dollars") % {"amount": words}
    if currency == Currency.TOMAN:
        return pgettext("press", "%(amount)s tomans") % {"amount": words}
    return pgettext("press", "%(amount)s rials") % {"amount": words}


def join(items: list[str]) -> str:
    """«الف، ب و ج» / "a, b and c"."""
    if len(items) < 2:
        return "".join(items)
    separator = "، " if is_persian_ui() else ", "
    return pgettext("press", "%(items)s and %(last)s") % {
        "items": separator.join(items[:-1]),
        "last": items[-1],
    }


def year_number(year: int) -> str:
    """A year is not grouped: ۱۴۰۴, not ۱٬۴۰۴."""
    return to_persian_digits(str(year)) if is_persian_ui() else str(year)


def percent(value: int | Decimal) -> str:
    return pgettext("press", "%(number)s percent") % {"number": number(value)}


def _continued(sentence: str) -> str:
    """An English sentence put after an opening clause ("According to …, the line …") starts
    in lower case. An acronym ("ICT") keeps its capitals; no sentence here starts with a name,
    which would not."""
    if not is_persian_ui() and sentence[:1].isupper() and sentence[1:2].islower():
        return sentence[0].lower() + sentence[1:]
    return sentence


def lower_name(name: str) -> str:
    """A sector's name inside an English sentence ("the need for detergents"); Persian has no
    case."""
    return _continued(name)


def _attributed(province: Province, sentence: str) -> str:
    sentence = _continued(sentence)
    return _(
        "According to the public relations office of the Production Facilitation HQ of "
        "%(province)s province, %(sentence)s"
    ) % {"province": province.display_name, "sentence": sentence}


# --- 1. Knowledge-based units --------------------------------------------------------------------


def _knowledge_based(province: Province, on: dt.date) -> list[str]:
    found = knowledge_based(province=province, period=Period(on, on))
    if not found.count:
        return []
    values = {"count": number(found.count), "province": province.display_name}
    target = found.target
    if target is not None and target.due_on >= on:
        return [
            _(
                "%(count)s knowledge-based units are now active in %(province)s province; the "
                "goal is to reach %(target)s units by %(due)s."
            )
            % {
                **values,
                "target": number(target.count),
                "due": format_jalali(target.due_on, "long"),
            }
        ]
    return [_("%(count)s knowledge-based units are now active in %(province)s province.") % values]


# --- 2. Openings ---------------------------------------------------------------------------------


def _openings(province: Province, on: dt.date) -> list[str]:
    export_year = default_export_year(Period.year_to_date(on))
    today_only = True
    found = opening_figures(
        province=province, period=Period(on, on), export_year=export_year, lines=NAMED_LINES
    )
    if not found.count:
        today_only = False
        since = on - dt.timedelta(days=OPENINGS_LOOKBACK_DAYS - 1)
        found = opening_figures(
            province=province, period=Period(since, on), export_year=export_year, lines=NAMED_LINES
        )
    if not found.count:
        return []
    sentences = []
    investment = join([money(amount, currency) for currency, amount in found.by_currency if amount])
    # The totals say what the lines one by one do not: how many, and together how much.
    if found.count > 1 and investment:
        values = {
            "count": number(found.count),
            "investment": investment,
            "jobs": number(found.jobs),
            "days": number(OPENINGS_LOOKBACK_DAYS),
        }
        if today_only:
            sentence = (
                _(
                    "Today %(count)s production lines with an investment of %(investment)s "
                    "were opened in the province, creating %(jobs)s jobs."
                )
                if found.jobs
                else _(
                    "Today %(count)s production lines with an investment of %(investment)s "
                    "were opened in the province."
                )
            )
        else:
            sentence = (
                _(
                    "In the last %(days)s days %(count)s production lines with an investment of "
                    "%(investment)s were opened in the province, creating %(jobs)s jobs."
                )
                if found.jobs
                else _(
                    "In the last %(days)s days %(count)s production lines with an investment of "
                    "%(investment)s were opened in the province."
                )
            )
        sentences.append(sentence % values)
    for line in found.lines:
        sentences.extend(_line(line, found.forecasts.get(line.pk), today_only=today_only))
    return sentences


def _place(line: Project) -> str:
    estate = line.estate
    if estate is not None:
        return pgettext("press", "in the %(estate)s %(kind)s") % {
            "estate": estate.display_name,
            "kind": estate.get_kind_display(),
        }
    return pgettext("press", "in %(county)s county") % {"county": line.county.display_name}


def _line(line: Project, forecast: LineForecast | None, *, today_only: bool) -> list[str]:
    when = (
        pgettext("press", "today")
        if today_only
        else pgettext("press", "on %(date)s") % {"date": format_jalali(line.opened_on, "long")}
    )
    values = {
        "title": line.title,
        "company": line.company.legal_name,
        "place": _place(line),
        "investment": money(line.amount, line.currency),
        "when": when,
    }
    sentences = [
        (
            _(
                "The line “%(title)s” of %(company)s %(place)s, with an investment of "
                "%(investment)s, was opened %(when)s."
            )
            if line.amount
            else _("The line “%(title)s” of %(company)s %(place)s was opened %(when)s.")
        )
        % values
    ]
    jobs, products = line.jobs_created, line.product_types
    if jobs and products:
        sentences.append(
            _("It employs %(jobs)s people and makes %(products)s types of product.")
            % {"jobs": number(jobs), "products": number(products)}
        )
    elif jobs:
        sentences.append(_("It employs %(jobs)s people.") % {"jobs": number(jobs)})
    elif products:
        sentences.append(
            _("It makes %(products)s types of product.") % {"products": number(products)}
        )
    if forecast is not None and forecast.destinations and (forecast.usd or forecast.rial):
        amount = (
            money(forecast.usd, Currency.USD)
            if forecast.usd
            else money(forecast.rial, Currency.RIAL)
        )
        sentences.append(
            _("Its exports are forecast at %(amount)s a year to %(destinations)s.")
            % {
                "amount": amount,
                "destinations": join([place.display_name for place in forecast.destinations]),
            }
        )
    return sentences


# --- 3. The HQ's follow-up -----------------------------------------------------------------------


def _sessions_held(held: SessionFigures) -> str:
    kinds = []
    if held.provincial:
        kinds.append(
            ngettext(
                "%(n)s session of the provincial HQ",
                "%(n)s sessions of the provincial HQ",
                held.provincial,
            )
            % {"n": number(held.provincial)}
        )
    if held.working_group:
        kinds.append(
            ngettext(
                "%(n)s session of specialist working groups",
                "%(n)s sessions of specialist working groups",
                held.working_group,
            )
            % {"n": number(held.working_group)}
        )
    if held.county:
        kinds.append(
            ngettext("%(n)s session of county HQs", "%(n)s sessions of county HQs", held.county)
            % {"n": number(held.county)}
        )
    return join(kinds)


def _follow_up(province: Province, on: dt.date) -> list[str]:
    sentences = []
    body = Body.objects.filter(
        province=province, kind=MeetingKind.PROVINCIAL, is_active=True
    ).first()
    if body is not None:
        sentences.append(
            _(
                "The province's Production Facilitation HQ meets every %(weekday)s to review and "
                "follow up the problems of production units."
            )
            % {"weekday": Weekday(body.weekday).label}
        )
    year = Period.year_to_date(on)
    # Each figure of the year so far is one sentence; the first says since when.
    figures = []
    held = session_figures(province=province, period=year)
    if held.total:
        figures.append(
            ngettext("%(sessions)s has been held.", "%(sessions)s have been held.", held.total)
            % {"sessions": _sessions_held(held)}
        )
    decided = resolution_figures(province=province, period=year)
    if decided.total:
        # Counts, not a share: the executed share leaves withdrawn resolutions out, so "N issued,
        # X% of them executed" would overstate it.
        values = {"total": number(decided.total), "executed": number(decided.executed)}
        if decided.executed:
            figures.append(
                ngettext(
                    "They issued %(total)s resolution, and the agencies have executed "
                    "%(executed)s of it.",
                    "They issued %(total)s resolutions, and the agencies have executed "
                    "%(executed)s of them.",
                    decided.total,
                )
                % values
            )
        else:
            figures.append(
                ngettext(
                    "They issued %(total)s resolution.",
                    "They issued %(total)s resolutions.",
                    decided.total,
                )
                % values
            )
    cases = case_figures(province=province, period=year)
    if cases.received:
        values = {"received": number(cases.received), "resolved": number(cases.resolved)}
        if cases.resolved:
            figures.append(
                ngettext(
                    "The HQ has received %(received)s case from production units and resolved "
                    "%(resolved)s of them.",
                    "The HQ has received %(received)s cases from production units and resolved "
                    "%(resolved)s of them.",
                    cases.received,
                )
                % values
            )
        else:
            figures.append(
                ngettext(
                    "The HQ has received %(received)s case from production units.",
                    "The HQ has received %(received)s cases from production units.",
                    cases.received,
                )
                % values
            )
    achieved = results(province=province, period=year)
    parts = []
    if achieved.approved_rial:
        parts.append(
            _("%(amount)s in loans and facilities approved")
            % {"amount": money(achieved.approved_rial, Currency.RIAL)}
        )
    if achieved.jobs_preserved:
        parts.append(_("%(jobs)s jobs preserved") % {"jobs": number(achieved.jobs_preserved)})
    if parts:
        figures.append(_("The HQ's follow-up has seen %(results)s.") % {"results": join(parts)})
    if figures:
        figures[0] = _("Since the start of %(year)s, %(sentence)s") % {
            "year": year_number(jalali_year_of(on)),
            "sentence": _continued(figures[0]),
        }
    return sentences + figures


# --- 4. Sector shares ----------------------------------------------------------------------------


def _share_value(share: SectorShare) -> str:
    if share.unit == "%":
        return percent(share.value)
    return f"{number(share.value)} {share.unit}"


def _shares(province: Province, on: dt.date) -> list[str]:
    sentences = []
    # The sector whose figure is the newest comes first: a figure stated that day is the news.
    by_sector = sorted(
        shares_as_of(province=province, on=on),
        key=lambda entry: (-entry[1][0].stated_on.toordinal(), str(entry[0])),
    )
    for sector, stated in by_sector:
        newest = stated[0]
        values = {
            "source": newest.source,
            "share": _share_value(newest),
            "sector": lower_name(sector.display_name),
            "province": province.display_name,
        }
        if newest.basis == ShareBasis.NEED:
            sentence = _(
                "According to %(source)s, %(share)s of the country's need for %(sector)s is "
                "produced in %(province)s province."
            )
        else:
            sentence = _(
                "According to %(source)s, %(province)s province's share of the country's "
                "%(sector)s output is %(share)s."
            )
        sentences.append(sentence % values)
        # Each other source once, with its latest figure: `stated` is newest first.
        seen = {newest.source}
        others = []
        for share in stated[1:]:
            if share.source in seen:
                continue
            seen.add(share.source)
            basis = (
                pgettext("press", "of the country's need")
                if share.basis == ShareBasis.NEED
                else pgettext("press", "of national output")
            )
            others.append(
                pgettext("press", "%(share)s %(basis)s according to %(source)s")
                % {"share": _share_value(share), "basis": basis, "source": share.source}
            )
        if others:
            sentences.append(
                _("Other sources give other figures: %(figures)s.")
                % {"figures": ("؛ " if is_persian_ui() else "; ").join(others)}
            )
    return sentences
