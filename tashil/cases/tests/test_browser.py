"""The issue's journey in a real Chromium: a company files a case with a letter attached; the
secretariat takes it and refers it to two agencies; one agency answers; the secretariat resolves
it; the company confirms. Every step is then on the timeline, in Persian, with Jalali times."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from tashil.cases.models import Attachment, Case, Referral, ReferralStatus
from tashil.cases.workflow import CaseStatus
from tashil.conftest import PASSWORD
from tashil.core.text import to_persian_digits

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PERSIAN_DIGIT = re.compile("[۰-۹]")
LATIN_LETTER = re.compile("[A-Za-z]")


def log_in(page: Any, live_server: Any, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url(f"{live_server.url}{next_url}")


def submit_move(page: Any, target: str) -> None:
    """Open the action's fold on the case page and send it."""
    move = page.get_by_test_id(f"move-{target}")
    move.locator("summary").click()
    with page.expect_navigation():
        move.locator("button[type=submit]").click()


def test_a_case_travels_from_the_company_to_two_agencies_and_back_to_a_confirmed_close(
    page: Any,
    live_server: Any,
    owner: Any,
    secretariat: Any,
    officer: Any,
    category: Any,
    tax_agency: Any,
    customs_agency: Any,
    tmp_path: Any,
) -> None:
    letter = tmp_path / "نامه-بانک.pdf"
    letter.write_bytes(PDF)

    # The company's representative files the case with its letter.
    log_in(page, live_server, "owner", "/cases/new/")
    page.fill("#id_title", "تقسیط بدهی مالیاتی سال ۱۴۰۳")
    page.fill("#id_description", "اداره مالیات تقسیط بدهی را نپذیرفته است.")
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_amount", "۲٬۵۰۰٬۰۰۰٬۰۰۰")
    page.set_input_files("#id_attachments", str(letter))
    with page.expect_navigation():
        page.get_by_test_id("file-case").click()
    tracking_shown = page.get_by_test_id("tracking").inner_text()
    case = Case.objects.get()
    # Persian digits in the Persian UI; the lookup accepts either script.
    assert tracking_shown == to_persian_digits(case.display_tracking)
    assert case.amount == 2_500_000_000
    assert Attachment.objects.get(case=case).name == "نامه-بانک.pdf"

    # The secretariat takes it and refers it to the tax office and customs, each its own way.
    case_url = f"/cases/{case.tracking}/"
    log_in(page, live_server, "secretariat", case_url)
    submit_move(page, "screening")
    assert Case.objects.get().status == CaseStatus.SCREENING
    with page.expect_navigation():
        page.get_by_test_id("refer-link").click()
    for agency, text, days in (
        (tax_agency, "لطفاً درباره تقسیط بدهی اظهارنظر کنید.", "5"),
        (customs_agency, "وضعیت ترخیص ماشین‌آلات را اعلام کنید.", "3"),
    ):
        page.check(f"#id_agency_{agency.pk}")
        page.fill(f"#id_request_{agency.pk}", text)
        page.fill(f"#id_days_{agency.pk}", days)
    with page.expect_navigation():
        page.get_by_test_id("refer-form").locator("button[type=submit]").click()
    referrals = {r.agency_id: r for r in Referral.objects.all()}
    assert set(referrals) == {tax_agency.pk, customs_agency.pk}
    assert referrals[customs_agency.pk].due_on < referrals[tax_agency.pk].due_on
    assert Case.objects.get().status == CaseStatus.REFERRED

    # The tax officer finds it in the agency's inbox and answers.
    log_in(page, live_server, "officer", "/cases/inbox/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("تقسیط بدهی مالیاتی")).first.click()
    page.locator("details:has([data-testid=answer-form]) > summary").click()
    answer_form = page.get_by_test_id("answer-form")
    answer_form.locator("textarea").fill("با تقسیط در ۱۲ قسط موافقت شد.")
    with page.expect_navigation():
        answer_form.locator("button[type=submit]").click()
    assert Referral.objects.get(agency=tax_agency).status == ReferralStatus.ANSWERED

    # The secretariat records the case as resolved (customs' request is withdrawn).
    log_in(page, live_server, "secretariat", case_url)
    submit_move(page, "resolved")
    assert Case.objects.get().status == CaseStatus.RESOLVED
    assert Referral.objects.get(agency=customs_agency).status == ReferralStatus.WITHDRAWN

    # The company confirms, scoring its satisfaction.
    log_in(page, live_server, "owner", case_url)
    page.get_by_test_id("move-closed").locator("summary").click()
    page.get_by_test_id("move-closed").locator("select").select_option("5")
    with page.expect_navigation():
        page.get_by_test_id("move-closed").locator("button[type=submit]").click()
    case = Case.objects.get()
    assert (case.status, case.outcome, case.satisfaction) == (CaseStatus.CLOSED, "resolved", 5)

    # Every step is on the timeline, in Persian, each with a Jalali time in Persian digits.
    assert page.get_by_test_id("case-status").inner_text() == "مختومه"
    timeline = page.get_by_test_id("timeline")
    sentences = timeline.get_by_test_id("event-sentence").all_inner_texts()
    times = timeline.locator("time").all_inner_texts()
    events = case.events.count()
    assert len(sentences) == len(times) == events
    # filed, attached, screening, referred (move + two referrals), answered, withdrawn,
    # resolved, confirmed.
    assert events >= 9
    for sentence in sentences:
        # The only Latin letters are in the file's own name.
        assert not LATIN_LETTER.search(sentence.replace(letter.name, "")), sentence
    for shown in times:
        assert PERSIAN_DIGIT.search(shown) and "۱۴۰" in shown, shown
    text = timeline.inner_text()
    for agency in (tax_agency, customs_agency):
        assert agency.name in text
    assert "با تقسیط در ۱۲ قسط موافقت شد." in text
