"""A first minute with Tashil in a real Chromium: log in, read Persian, switch to English."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tashil.core.jalali import format_jalali

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (the demo load) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=StringIO())


def test_a_demo_user_logs_in_reads_persian_and_switches_to_english(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    # Not logged in: the login page, in Persian, right to left.
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#id_username", "dabir")
    page.fill("#id_password", "Tashil@1404")
    page.get_by_role("button", name="ورود").click()

    page.wait_for_url(f"{live_server.url}/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "fa"
    assert html.get_attribute("dir") == "rtl"
    today = timezone.localdate()
    assert page.get_by_test_id("home-date").inner_text() == format_jalali(today, "long", "fa")
    assert "دبیرخانه ستاد" in page.content()
    # The vendored scripts loaded (no network here: a CDN link would have failed).
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.jalaliDatepicker") == "object"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Vazirmatn" in font

    page.get_by_test_id("switch-language").click()
    page.wait_for_function("document.documentElement.dir === 'ltr'")
    assert html.get_attribute("lang") == "en"
    assert page.get_by_test_id("home-date").inner_text() == format_jalali(today, "long", "en")
    assert "HQ secretariat" in page.content()


def test_the_business_calendar_rejects_an_impossible_date_in_the_browser(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/?next=/calendar/")
    page.fill("#id_username", "dabir")
    page.fill("#id_password", "Tashil@1404")
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url(f"{live_server.url}/calendar/")

    page.fill("#id_start", "1404/12/30")
    page.keyboard.press("Escape")
    page.fill("#id_days", "3")
    page.get_by_role("button", name="محاسبه").click()
    # htmx swaps in the result without reloading the page.
    errors = page.get_by_test_id("working-days-errors")
    errors.wait_for()
    assert "روز ۳۰ ندارد" in errors.inner_text()

    page.fill("#id_start", "۱۴۰۳/۱۲/۳۰")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="محاسبه").click()
    page.get_by_test_id("working-days-result").wait_for()
