"""The issue's journey in a real Chromium: the secretariat plans the next session of the HQ,
builds its agenda from the ready cases without leaving the page, records who came, writes two
resolutions on a case for two agencies, closes the meeting and downloads its minutes; the tax
agency reports its resolution executed with a document; the secretariat accepts it; and the
case's timeline tells the story.

The services' clock is frozen (Wednesday 19 Dey 1403): the clock replaces
`django.utils.timezone.now`, which the live server's thread, in the same process, reads too.
Buttons are found by their `data-testid` and fields by their ids and names, not by their
(translated) text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tashil.cases.history import sentence
from tashil.cases.models import Case, CaseEvent
from tashil.cases.workflow import CaseStatus
from tashil.conftest import PASSWORD
from tashil.core.jalali import jalali_input_value
from tashil.core.text import to_persian_digits
from tashil.meetings.models import (
    AgendaItem,
    Attendance,
    Evidence,
    Meeting,
    Presence,
    ProgressReport,
    Resolution,
)
from tashil.meetings.tests.conftest import NEXT_WEDNESDAY
from tashil.meetings.tests.pdftext import pdf_text
from tashil.meetings.workflow import MeetingStatus, ResolutionState

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

TAX_TEXT = "اداره کل امور مالیاتی بدهی شرکت را در دوازده قسط تقسیط کند."
CUSTOMS_TEXT = "گمرک قزوین ماشین آلات وارداتی شرکت را ترخیص کند."
DEPUTY = "حسین کریمی"
EXECUTION = "بدهی در دوازده قسط تقسیط شد و قرارداد آن امضا شد."


def log_in(page: Any, live_server: Any, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}{next_url}")


def submit_move(page: Any, target: str) -> None:
    """Open the move's fold on the resolution page and send it."""
    with page.expect_navigation():
        page.get_by_test_id(f"move-{target}").locator("button[type=submit]").click()


def one_line(text: str) -> str:
    """Text as read back from the PDF: on one line, without the zero-width non-joiner (it
    shapes the letters around it but prints no glyph)."""
    return " ".join(text.replace("\u200c", "").split())


def test_a_session_is_planned_held_and_its_resolution_followed_up_to_execution(
    page: Any,
    live_server: Any,
    clock: Any,
    case_in: Any,
    hq: Any,
    secretariat: Any,
    officer: Any,
    tax_agency: Any,
    customs_agency: Any,
    tmp_path: Path,
) -> None:
    errors: list[Any] = []
    page.on("pageerror", lambda error: errors.append(error))
    receipt = tmp_path / "قرارداد-تقسیط.pdf"
    receipt.write_bytes(PDF)

    # Two cases are ready for the HQ: the company's tax debt, and another of its obstacles.
    debt = case_in(CaseStatus.ON_AGENDA, title="تقسیط بدهی مالیاتی سال ۱۴۰۳")
    machines = case_in(CaseStatus.ON_AGENDA, title="ترخیص ماشین‌آلات خط تولید")

    # The secretariat plans the next session: next Wednesday is proposed.
    log_in(page, live_server, "secretariat", "/meetings/")
    with page.expect_navigation():
        page.get_by_test_id("plan-meeting").click()
    today = clock.current.date()
    proposed = page.input_value("#id_date")
    assert proposed == jalali_input_value(NEXT_WEDNESDAY.date()) == "1403/10/26"
    assert NEXT_WEDNESDAY.date().weekday() == 2 and 0 < (NEXT_WEDNESDAY.date() - today).days <= 7
    assert page.input_value("#id_body") == str(hq.pk)
    with page.expect_navigation():
        page.get_by_test_id("meeting-create").locator("button[type=submit]").click()
    meeting = Meeting.objects.get()
    assert (meeting.number, meeting.status) == (227, MeetingStatus.PLANNED)
    assert meeting.starts_at == NEXT_WEDNESDAY
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")

    # The agenda is built from the proposals without reloading the page: the machinery case
    # first, then the debt, which is then moved up.
    # Each step waits for the page to show the previous one, as a person would: both parts of
    # the page are replaced whole, and a click racing an earlier answer can leave either stale.
    page.evaluate("window.stillTheSamePage = true")
    agenda = page.get_by_test_id("agenda-items")
    cards = page.get_by_test_id("session-items").get_by_test_id("item-card")
    for n, case in enumerate((machines, debt), start=1):
        page.get_by_test_id(f"add-case-{case.pk}").click()
        expect(agenda.get_by_test_id("agenda-item")).to_have_count(n)
        expect(page.get_by_test_id(f"add-case-{case.pk}")).to_have_count(0)
        # The session part of the page follows the agenda.
        expect(cards).to_have_count(n)
    item = AgendaItem.objects.get(meeting=meeting, case=debt)
    other = AgendaItem.objects.get(meeting=meeting, case=machines)
    assert (other.position, item.position) == (1, 2)
    agenda.locator(f'[data-item="{item.pk}"]').get_by_test_id("move-up").click()
    expect(agenda.get_by_test_id("agenda-item").first).to_have_attribute("data-item", str(item.pk))
    assert list(meeting.items.order_by("position").values_list("pk", flat=True)) == [
        item.pk,
        other.pk,
    ]
    expect(cards.first).to_have_id(f"item-{item.pk}")

    # Two resolutions on the debt, one for the tax agency and one for customs, their deadlines
    # typed in the Jalali date box (one in Latin digits, one in Persian).
    card = page.locator(f"#item-{item.pk}")
    prefix = f"draft-{item.pk}"
    for n, (agency, text, deadline) in enumerate(
        (
            (tax_agency, TAX_TEXT, "1403/11/15"),
            (customs_agency, CUSTOMS_TEXT, "۱۴۰۳/۱۲/۱۰"),
        ),
        start=1,
    ):
        card.get_by_test_id("new-draft").click()
        form = card.get_by_test_id("draft-form")
        expect(form).to_be_visible()
        form.locator(f"#id_{prefix}-text").fill(text)
        form.locator(f'input[name="{prefix}-agencies"][value="{agency.pk}"]').check()
        form.locator(f"#id_{prefix}-deadline").fill(deadline)
        form.locator(f"#id_{prefix}-deliverable").fill("نامه اداره")
        form.locator(f"#id_{prefix}-deliverable").press("Enter")
        expect(card.get_by_test_id("resolution")).to_have_count(n)
        expect(card.get_by_test_id("draft-form")).to_have_count(0)
    drafts = list(Resolution.objects.filter(meeting=meeting).order_by("number"))
    assert [(r.number, r.state, r.case_id, r.text) for r in drafts] == [
        (1, ResolutionState.DRAFT, debt.pk, TAX_TEXT),
        (2, ResolutionState.DRAFT, debt.pk, CUSTOMS_TEXT),
    ]
    tax_resolution, customs_resolution = drafts
    assert [a.agency for a in tax_resolution.addressees.all()] == [tax_agency]
    assert [a.agency for a in customs_resolution.addressees.all()] == [customs_agency]
    assert (tax_resolution.deadline.isoformat(), customs_resolution.deadline.isoformat()) == (
        "2025-02-03",
        "2025-02-28",
    )
    card_text = card.inner_text()
    # The code of each resolution, its agency and its Jalali deadline, in Persian digits.
    for shown in (
        "۲۲۷/۱",
        tax_agency.name,
        "۱۴۰۳/۱۱/۱۵",
        "۲۲۷/۲",
        customs_agency.name,
        "۱۴۰۳/۱۲/۱۰",
    ):
        assert shown in card_text, shown
    assert page.evaluate("window.stillTheSamePage") is True

    # Attendance: the tax agency came, customs sent a deputy.
    with page.expect_navigation():
        page.get_by_test_id("record-attendance").click()
    page.check(f'input[name="presence_{tax_agency.pk}"][value="{Presence.PRESENT}"]')
    page.check(f'input[name="presence_{customs_agency.pk}"][value="{Presence.REPRESENTED}"]')
    page.fill(f"#id_person_{customs_agency.pk}", DEPUTY)
    with page.expect_navigation():
        page.get_by_test_id("attendance-form").locator("button[type=submit]").click()
    assert dict(
        Attendance.objects.filter(meeting=meeting).values_list("agency_id", "presence")
    ) == {tax_agency.pk: Presence.PRESENT, customs_agency.pk: Presence.REPRESENTED}
    assert Attendance.objects.get(meeting=meeting, agency=customs_agency).person == DEPUTY
    assert DEPUTY in page.get_by_test_id("attendance").inner_text()

    # Closing: the confirmation page lists what will be issued, then the minutes are locked.
    with page.expect_navigation():
        page.get_by_test_id("close-meeting").click()
    to_issue = page.get_by_test_id("to-issue").inner_text()
    assert "۲۲۷/۱" in to_issue and "۲۲۷/۲" in to_issue
    with page.expect_navigation():
        page.get_by_test_id("close-form").locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.get_by_test_id("closed")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert set(Resolution.objects.values_list("state", flat=True)) == {ResolutionState.NOTIFIED}
    assert Case.objects.get(pk=debt.pk).status == CaseStatus.RESOLUTIONS_ISSUED
    # The machinery case was discussed without a resolution.
    assert Case.objects.get(pk=machines.pk).status == CaseStatus.DISCUSSED

    # The minutes, as the secretariat downloads them.
    with page.expect_download() as download_info:
        page.get_by_test_id("minutes-pdf").click()
    minutes = Path(download_info.value.path()).read_bytes()
    assert minutes.startswith(b"%PDF")
    printed = one_line(pdf_text(minutes))
    for expected in (
        "۲۲۷",
        "۱۴۰۳/۱۰/۲۶",
        tax_agency.name,
        customs_agency.name,
        DEPUTY,
        one_line(TAX_TEXT),
        "۱۴۰۳/۱۱/۱۵",
        one_line(CUSTOMS_TEXT),
        "۱۴۰۳/۱۲/۱۰",
    ):
        assert expected in printed, expected
    # In the agenda's new order: the debt, then the machinery.
    assert printed.index(one_line(debt.title)) < printed.index(one_line(machines.title))

    # The tax officer finds the tax agency's resolution (not customs') and reports it executed,
    # with the signed agreement.
    log_in(page, live_server, "officer", "/meetings/resolutions/mine/")
    expect(page.get_by_test_id(f"row-{customs_resolution.pk}")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_test_id(f"row-{tax_resolution.pk}").locator("a").first.click()
    page.wait_for_url(f"{live_server.url}/meetings/resolutions/{tax_resolution.pk}/")
    assert page.get_by_test_id("resolution-code").inner_text() == "۲۲۷/۱"
    page.get_by_test_id("move-reported").locator("summary").click()
    page.fill("#id_reported-reason", EXECUTION)
    page.set_input_files("#id_reported-documents", str(receipt))
    submit_move(page, "reported")
    tax_resolution.refresh_from_db()
    assert tax_resolution.state == ResolutionState.REPORTED
    report = ProgressReport.objects.get(resolution=tax_resolution)
    assert (report.kind, report.agency, report.text, report.author) == (
        "execution",
        tax_agency,
        EXECUTION,
        officer,
    )
    assert Evidence.objects.get(report=report).name == receipt.name
    assert EXECUTION in page.get_by_test_id("reports").inner_text()

    # The secretariat accepts the execution.
    resolution_url = f"/meetings/resolutions/{tax_resolution.pk}/"
    log_in(page, live_server, "secretariat", resolution_url)
    assert receipt.name in page.get_by_test_id("evidence").inner_text()
    page.get_by_test_id("move-executed").locator("summary").click()
    submit_move(page, "executed")
    tax_resolution.refresh_from_db()
    customs_resolution.refresh_from_db()
    assert tax_resolution.state == ResolutionState.EXECUTED
    assert customs_resolution.state == ResolutionState.NOTIFIED
    # Customs still owes its part: the case waits on it.
    assert Case.objects.get(pk=debt.pk).status == CaseStatus.RESOLUTIONS_ISSUED

    # The case's timeline: on the agenda of session 227, the resolutions issued, the execution
    # reported and accepted.
    page.goto(f"{live_server.url}/cases/{debt.tracking}/")
    shown = page.get_by_test_id("timeline").get_by_test_id("event-sentence").all_inner_texts()
    events = list(CaseEvent.objects.filter(case=debt).order_by("created_at", "pk"))
    agenda_events = [e for e in events if e.kind == "agenda"]
    assert [(e.data["action"], e.data["number"]) for e in agenda_events] == [("added", 227)]
    resolution_events = [
        (e.data["code"], e.data.get("action") or e.data["event"])
        for e in events
        if e.kind == "resolution"
    ]
    for expected in (
        ("227/1", "issue"),
        ("227/2", "issue"),
        ("227/1", "report_execution"),
        ("227/1", "accept_execution"),
    ):
        assert expected in resolution_events, expected
    with translation.override("fa"):
        wanted = [sentence(e) for e in agenda_events] + [
            sentence(e)
            for e in events
            if e.kind == "resolution"
            and e.data.get("action") in ("issue", "report_execution", "accept_execution")
        ]
    assert len(wanted) == 5
    for line in wanted:
        assert line in shown, line
    # Whatever the wording, the session's number and the resolutions' codes are in Persian
    # digits, with no Latin digit.
    on_agenda = next(line for line in shown if line == wanted[0])
    assert to_persian_digits("227") in on_agenda
    assert sum("۲۲۷/۱" in line for line in shown) >= 3
    assert any("۲۲۷/۲" in line for line in shown)
    assert not any(re.search("[0-9]", line) for line in shown), shown

    assert not errors, errors


def test_quick_clicks_on_the_agenda_builder_all_show(
    page: Any, live_server: Any, clock: Any, meetings: Any, case_in: Any, secretariat: Any
) -> None:
    """Three "add" clicks without waiting for the answers: each answer lands in the agenda's
    slot, which stays in place, so the last answer shows all three items."""
    ready = [case_in(CaseStatus.ON_AGENDA, title=f"پرونده آماده {n}") for n in range(3)]
    meeting = meetings.plan()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, "secretariat", f"/meetings/{meeting.pk}/")

    # All three in one tick, before any answer arrives (clicking one by one lets an answer
    # reflow the list between two clicks, and the pointer land on another button).
    selectors = ", ".join(f'[data-testid="add-case-{case.pk}"]' for case in ready)
    page.eval_on_selector_all(selectors, "buttons => buttons.forEach(b => b.click())")

    expect(page.get_by_test_id("agenda-item")).to_have_count(3)
    expect(page.get_by_test_id("session-items").get_by_test_id("item-card")).to_have_count(3)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 3
    assert errors == []
