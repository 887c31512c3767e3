"""The dashboard in a real Chromium: the secretariat and the governor's office open it, every chart
is drawn (right to left, without a console error), and a number leads to the list of the records
it counts, showing as many rows as the number says."""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tashil.conftest import PASSWORD
from tashil.core.jalali import format_number
from tashil.figures import selectors
from tashil.figures.tests import pages_records

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = (
    "chart-knowledge-based",
    "chart-cases-by-category",
    "chart-cases-by-county",
    "chart-resolutions",
    "chart-sessions",
    "chart-exports",
)


@pytest.fixture
def records(request: pytest.FixtureRequest) -> SimpleNamespace:
    return pages_records.build(request)


def log_in(page: Any, live_server: Any, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}{next_url}")


def watch_errors(page: Any) -> list[str]:
    """Console errors and uncaught exceptions, as they happen. The browser asks for a
    /favicon.ico the product does not have; its 404 is not the page's error."""
    errors: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def wait_for_charts(page: Any) -> list[dict[str, Any]]:
    """Each canvas with the chart drawn on it: its id, size and chart type."""
    page.wait_for_function(
        """() => {
            const canvases = [...document.querySelectorAll("canvas[data-figure-chart]")];
            return canvases.length > 0 && canvases.every(c => c.chart && c.width > 0);
        }"""
    )
    found: list[dict[str, Any]] = page.evaluate(
        """() => [...document.querySelectorAll("canvas[data-figure-chart]")].map(c => ({
            id: c.dataset.figureChart,
            width: c.width,
            height: c.height,
            type: c.chart.config.type,
            rtl: c.chart.options.plugins.legend.rtl,
            font: c.chart.options.font.family,
        }))"""
    )
    return found


@pytest.mark.parametrize("reader", ["secretariat", "executive"])
def test_the_dashboard_draws_its_charts_and_a_number_leads_to_its_records(
    page: Any,
    live_server: Any,
    records: SimpleNamespace,
    request: pytest.FixtureRequest,
    reader: str,
) -> None:
    request.getfixturevalue(reader)
    errors = watch_errors(page)
    with translation.override("fa"):
        d = selectors.dashboard(province=records.province, period=records.period)
    assert d.cases.received > 1

    log_in(page, live_server, reader, "/figures/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    charts = wait_for_charts(page)
    assert {chart["id"] for chart in charts} == set(CHARTS)
    assert all(chart["width"] > 0 and chart["height"] > 0 for chart in charts)
    # Right-to-left legends, in the page's own font (Vazirmatn).
    assert all(chart["rtl"] for chart in charts)
    assert all("Vazirmatn" in chart["font"] for chart in charts)
    assert {chart["type"] for chart in charts} == {"line", "bar", "doughnut"}

    received = page.get_by_test_id("tile-cases-value")
    expect(received).to_have_text(format_number(d.cases.received, language="fa"))
    with page.expect_navigation():
        received.click()
    page.wait_for_url("**/cases/?*")
    rows = page.get_by_test_id("case-table").locator("tbody tr")
    expect(rows).to_have_count(d.cases.received)
    assert errors == []


def test_the_county_comparison_and_the_scorecards_draw_their_charts(
    page: Any, live_server: Any, records: SimpleNamespace
) -> None:
    errors = watch_errors(page)
    log_in(page, live_server, "secretariat", "/figures/counties/")
    assert [chart["id"] for chart in wait_for_charts(page)] == ["chart-counties"]
    page.get_by_test_id("figures-pages").get_by_role("link").nth(2).click()
    page.wait_for_url("**/figures/scorecard/?*")
    assert [chart["id"] for chart in wait_for_charts(page)] == ["chart-scorecard"]
    assert errors == []
