"""The issue's journey in a real Chromium, on the demo province (DOMAIN.md §9): the secretariat
opens the government spokesperson's visit of 1404/09/24, reads its programme in Persian, follows
the opening to the production line it opened, and finds there the scenario's figures: USD
4,000,000 and its value in rials, 100 jobs, 90 product types and the export forecast to the Arab
countries and Russia. The governor's office (executive) reads the same pages without the
secretariat's buttons.

The data is the demo's own (`load_demo`), as `make run` shows it. Elements are found by the
pages' `data-testid`s; what is checked is the visible text, Persian digits included.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from tashil.core.jalali import format_number
from tashil.demo.province import DEMO_PASSWORD
from tashil.investments.models import ExportFigure, ItineraryKind, Project, Visit

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPOKESPERSON_DAY = dt.date(2025, 12, 15)  # 1404/09/24
ASCII_DIGIT = re.compile(r"[0-9]")
PERSIAN_LETTER = re.compile(r"[\u0600-\u06ff]")
LATIN = re.compile(r"[A-Za-z]")
SCENARIO_KINDS = (
    ItineraryKind.MEETING,
    ItineraryKind.EXHIBITION,
    ItineraryKind.OPENING,
    ItineraryKind.CEREMONY,
    ItineraryKind.COUNCIL,
)


def fa(number: int) -> str:
    return format_number(number, language="fa")


def log_in(page: Any, live_server: Any, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}{next_url}")


def test_the_spokesperson_s_visit_leads_to_the_line_it_opened_with_its_figures(
    page: Any, live_server: Any
) -> None:
    errors: list[Any] = []
    page.on("pageerror", lambda error: errors.append(error))
    call_command("load_demo", stdout=StringIO())
    visit = Visit.objects.get(starts_on=SPOKESPERSON_DAY)
    line = Project.objects.get(itinerary_items__visit=visit)
    rate = line.rate
    assert rate is not None and line.amount_rial == 4_000_000 * rate
    # The kinds of stop as the Persian catalogue names them: in Persian letters, not English.
    with translation.override("fa"):
        kinds = [str(ItineraryKind(kind).label) for kind in SCENARIO_KINDS]
    assert all(PERSIAN_LETTER.search(kind) and not LATIN.search(kind) for kind in kinds), kinds

    # The secretariat finds the visit among the province's visits, dated in Jalali.
    log_in(page, live_server, "dabir", "/investments/visits/")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    row = page.get_by_test_id("visit-row").filter(has_text="۲۴ آذر ۱۴۰۴")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("سخنگوی دولت")
    expect(row.get_by_test_id("visit-stops")).to_have_text("۵")
    expect(row.get_by_test_id("visit-openings")).to_have_text("۱")
    with page.expect_navigation():
        row.get_by_role("link", name=visit.title).click()
    page.wait_for_url(f"{live_server.url}/investments/visits/{visit.pk}/")

    # Its programme, in order, in Persian: times in Persian digits, kinds in Persian.
    expect(page.get_by_test_id("visit-title")).to_have_text(visit.title)
    expect(page.get_by_test_id("visit-header")).to_contain_text("۲۴ آذر ۱۴۰۴")
    expect(page.get_by_test_id("programme-day")).to_have_count(1)
    stops = page.get_by_test_id("programme-item")
    expect(stops).to_have_count(5)
    expect(stops.get_by_test_id("item-time")).to_have_text(
        ["۰۸:۳۰", "۰۹:۳۰", "۱۰:۴۵", "۱۲:۳۰", "۱۵:۰۰"]
    )
    expect(stops.get_by_test_id("item-kind")).to_have_text(kinds)
    expect(stops.get_by_test_id("item-title")).to_have_text(
        [
            re.compile("دیدار با امام جمعه"),
            re.compile("نمایشگاه توانمندی‌های صنعتی"),
            re.compile("افتتاح خط تولید محصولات آرایشی و بهداشتی"),
            re.compile("روز زن"),
            re.compile("شورای اداری"),
        ]
    )
    expect(stops.nth(1).get_by_test_id("item-place")).to_contain_text("کاسپین")
    expect(stops.nth(3).get_by_test_id("item-place")).to_have_text("دانشگاه فرهنگیان")
    # The summary beside it quotes the line opened, in Persian digits.
    opened = page.get_by_test_id("opened-project-row")
    expect(opened).to_have_count(1)
    expect(opened.get_by_test_id("investment-entered")).to_contain_text("۴٬۰۰۰٬۰۰۰")
    expect(opened.get_by_test_id("opened-jobs")).to_have_text("۱۰۰")
    expect(opened.get_by_test_id("opened-products")).to_have_text("۹۰")

    # The opening leads to the line's page.
    opening = stops.nth(2)
    expect(opening.get_by_test_id("item-company")).to_have_text(line.company.legal_name)
    with page.expect_navigation():
        opening.get_by_test_id("item-project").click()
    page.wait_for_url(f"{live_server.url}/investments/projects/{line.pk}/")

    expect(page.get_by_test_id("project-title")).to_have_text(line.title)
    expect(page.get_by_test_id("project-company")).to_have_text("شرکت بهداشتی آرایشی گلسار کاسپین")
    expect(page.get_by_test_id("opened-on-visit")).to_contain_text("۲۴ آذر ۱۴۰۴")
    expect(page.get_by_test_id("opening-visit-link")).to_contain_text(visit.title)
    expect(page.get_by_test_id("opened-on")).to_have_text("۱۴۰۴/۰۹/۲۴")
    # USD 4,000,000, its value in rials at the dated rate, 100 jobs, 90 product types.
    entered = page.get_by_test_id("investment-as-entered")
    expect(entered).to_contain_text("۴٬۰۰۰٬۰۰۰")
    expect(entered).to_contain_text("دلار")
    expect(page.get_by_test_id("investment-rials")).to_have_text(f"{fa(line.amount_rial)} ریال")
    expect(page.get_by_test_id("investment-rate")).to_contain_text(fa(rate))
    expect(page.get_by_test_id("jobs-planned")).to_have_text("۱۰۰")
    expect(page.get_by_test_id("jobs-created")).to_have_text("۱۰۰")
    expect(page.get_by_test_id("product-types")).to_have_text("۹۰")
    expect(page.get_by_test_id("source-jobs_created")).to_contain_text("سخنگوی دولت")

    # The export forecast for 1405: a million dollars a year, to the Arab countries and to
    # Russia (the demo also has the next year's forecast).
    figures = page.get_by_test_id("export-row").filter(has_text="۱۴۰۵")
    expect(figures).to_have_count(2)
    arab = figures.filter(has_text="کشورهای عربی")
    russia = figures.filter(has_text="روسیه")
    for row, amount in ((arab, "۶۰۰٬۰۰۰"), (russia, "۴۰۰٬۰۰۰")):
        expect(row).to_have_count(1)
        expect(row).to_contain_text("پیش‌بینی")
        expect(row).to_contain_text("۱۴۰۵")
        expect(row).to_contain_text(f"{amount} دلار")
    total_rials = sum(f.amount_rial for f in ExportFigure.objects.filter(project=line, year=1405))
    total = page.get_by_test_id("grand-total").filter(has_text=fa(total_rials))
    expect(total).to_have_count(1)
    expect(total).to_contain_text("۱٬۰۰۰٬۰۰۰ دلار")
    figures_text = page.get_by_test_id("project-figures").inner_text()
    assert not ASCII_DIGIT.search(figures_text), figures_text

    # The governor's office reads the same pages, without the secretariat's buttons.
    log_in(page, live_server, "ostandar", f"/investments/visits/{visit.pk}/")
    expect(page.get_by_test_id("programme-item")).to_have_count(5)
    expect(page.get_by_test_id("item-add")).to_have_count(0)
    expect(page.get_by_test_id("item-edit")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_test_id("programme-item").nth(2).get_by_test_id("item-project").click()
    expect(page.get_by_test_id("product-types")).to_have_text("۹۰")
    expect(page.get_by_test_id("edit-project")).to_have_count(0)
    assert visit.items.filter(kind=ItineraryKind.OPENING).count() == 1
    assert errors == []
