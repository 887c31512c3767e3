"""The Content-Security-Policy in a real Chromium, on the demo province: the main pages render,
run their scripts (htmx, Bootstrap, the date picker, Chart.js) and draw their charts without
the browser refusing a single script, style or image. A refusal is a `securitypolicyviolation`
event in the page and a console error; both are collected from the first byte of each page.
"""

from __future__ import annotations

import os
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tashil.cases.models import Case
from tashil.demo.province import DEMO_PASSWORD
from tashil.investments.models import Project
from tashil.registry.models import Company

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in every page before its own scripts (Playwright injects it outside the page's policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


def log_in(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")


def refusals_on(page: Any, url: str, console: list[str]) -> list[str]:
    console.clear()
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("networkidle")
    return [*page.evaluate("window.__cspViolations"), *console]


def test_the_main_pages_run_under_the_policy_without_a_refusal(page: Any, live_server: Any):
    call_command("load_demo", stdout=StringIO())
    case = Case.objects.order_by("pk").first()
    company = (
        Company.objects.filter(legal_name__contains="گلسار").first() or Company.objects.first()
    )
    project = Project.objects.exclude(progress=0).order_by("pk").first()
    assert case is not None and company is not None and project is not None

    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server, "dabir")

    pages = {
        "home": "/",
        "case list": "/cases/",
        "case": f"/cases/{case.tracking}/",
        "new case form (date pickers, htmx)": "/cases/new/",
        "company": f"/registry/{company.national_id}/",
        "project (progress bar)": f"/investments/projects/{project.pk}/",
        "figures dashboard (Chart.js)": "/figures/",
        "API docs (Swagger UI)": "/api/v1/docs",
    }
    refused = {
        name: refusals_on(page, live_server.url + url, console) for name, url in pages.items()
    }

    assert refused == dict.fromkeys(pages, [])

    # What the policy could have broken is there: the progress bar to scale (no style=""
    # width) and every chart drawn.
    page.goto(f"{live_server.url}/investments/projects/{project.pk}/")
    meter = page.get_by_test_id("progress-meter")
    expect(meter).to_have_attribute("value", str(project.progress))
    box = meter.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 5
    page.goto(f"{live_server.url}/figures/")
    expect(page.locator("canvas").first).to_be_visible()
    assert page.evaluate(
        "Array.from(document.querySelectorAll('canvas')).every(c => c.width > 0 && c.height > 0)"
    )
