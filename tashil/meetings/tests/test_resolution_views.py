"""The resolution pages: the follow-up register and its filters, the figures by agency, an
agency's resolutions, and the resolution page with the moves the lifecycle table allows its
viewer, the progress reports with their evidence, the letter to the national HQ."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from tashil.cases.tests.conftest import EXE, PDF, pdf, saved_files, upload
from tashil.cases.tracking import format_tracking
from tashil.cases.workflow import CaseStatus
from tashil.core.jalali import format_jalali
from tashil.core.text import to_persian_digits
from tashil.meetings.models import Evidence, ProgressReport, Resolution, ResolutionEvent
from tashil.meetings.services import resolution_escalate_national, resolution_report
from tashil.meetings.tests.pdftext import pdf_text
from tashil.meetings.workflow import ResolutionState

pytestmark = pytest.mark.django_db
R = ResolutionState
LETTER = "استان نمی‌تواند این مانع را رفع کند؛ تصمیم ستاد ملی لازم است."


@pytest.fixture(autouse=True)
def _frozen(clock: Any) -> Any:
    """Wednesday 2025-01-08 10:00 Tehran: the session closes today, objections run to the 23rd,
    the deadline is 2025-02-15."""
    return clock


@pytest.fixture
def persona(request: pytest.FixtureRequest) -> Any:
    """The user of the cast behind a name."""
    return request.getfixturevalue


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def detail(resolution: Resolution) -> str:
    return reverse("meetings:resolution", args=[resolution.pk])


def move_url(resolution: Resolution) -> str:
    return reverse("meetings:resolution_move", args=[resolution.pk])


def register(**query: Any) -> str:
    from urllib.parse import urlencode

    return reverse("meetings:register") + ("?" + urlencode(query) if query else "")


def page_messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def fa(value: Any) -> str:
    with translation.override("fa"):
        return format_jalali(value) if isinstance(value, dt.date) else to_persian_digits(str(value))


def state_of(resolution: Resolution) -> str:
    resolution.refresh_from_db()
    return resolution.state


def customs_resolution(meetings: Any, customs_agency: Any) -> Resolution:
    """A resolution of another session, addressed to the customs agency only."""
    from tashil.meetings.services import meeting_close

    meeting = meetings.plan()
    item = meetings.with_case(meeting, title="ترخیص ماشین‌آلات")
    resolution = meetings.draft(
        item, text="گمرک ماشین‌آلات خط تولید را ترخیص کند", agencies=[customs_agency]
    )
    meetings.attend(meeting)
    meeting_close(actor=meetings.secretariat, meeting=meeting)
    resolution.refresh_from_db()
    return resolution


# --- The register ---------------------------------------------------------------------------------


def test_the_register_shows_each_resolution_with_its_code_deadline_agencies_and_case(
    client: Any, secretariat: Any, tax_agency: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    response = login(client, secretariat).get(register())
    assert response.status_code == 200
    body = response.content.decode()
    assert list(response.context["resolutions"]) == [resolution]
    assert fa("227/1") in body
    assert fa(dt.date(2025, 2, 15)) in body
    assert tax_agency.name in body
    assert reverse("cases:detail", args=[resolution.case.tracking]) in body
    assert 'data-testid="overdue"' not in body
    assert response.context["totals"] == {
        "total": 1,
        "executed": 0,
        "follow_up": 1,
        "not_executed": 0,
        "overdue": 0,
    }


def test_the_register_filters_by_agency_state_bucket_and_text(
    client: Any,
    secretariat: Any,
    tax_agency: Any,
    customs_agency: Any,
    meetings: Any,
    resolution_in: Any,
) -> None:
    tax = resolution_in(R.IN_PROGRESS)
    customs = customs_resolution(meetings, customs_agency)
    login(client, secretariat)

    def listed(**query: Any) -> set[int]:
        response = client.get(register(**query))
        assert response.status_code == 200
        return {r.pk for r in response.context["resolutions"]}

    assert listed() == {tax.pk, customs.pk}
    assert listed(agency=customs_agency.pk) == {customs.pk}
    assert listed(agency=tax_agency.pk) == {tax.pk}
    assert listed(state=R.IN_PROGRESS) == {tax.pk}
    assert listed(state=R.NOTIFIED) == {customs.pk}
    assert listed(bucket="follow_up") == {tax.pk, customs.pk}
    assert listed(bucket="executed") == set()
    assert listed(q="ترخیص") == {customs.pk}
    assert listed(meeting=customs.meeting_id) == {customs.pk}
    assert listed(case=format_tracking(tax.case.tracking)) == {tax.pk}
    assert listed(case="NOPE-NOPE") == set()


def test_the_register_filters_the_overdue_once_the_deadline_has_passed(
    client: Any, secretariat: Any, clock: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    login(client, secretariat)
    assert list(client.get(register(overdue="on")).context["resolutions"]) == []

    clock.set(dt.date(2025, 2, 19))  # Wednesday: Sun–Wed after the deadline are working days
    response = login(client, secretariat).get(register(overdue="on"))
    assert list(response.context["resolutions"]) == [resolution]
    badge = response.content.decode()
    assert 'data-testid="overdue"' in badge
    assert fa(4) in badge
    assert response.context["totals"]["overdue"] == 1


def test_htmx_gets_only_the_register_table(
    client: Any, secretariat: Any, resolution_in: Any
) -> None:
    resolution_in(R.IN_PROGRESS)
    response = login(client, secretariat).get(register(state=R.IN_PROGRESS), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-testid="register-table"' in body
    assert "<html" not in body


def test_the_register_pages_by_25(client: Any, secretariat: Any, meetings: Any) -> None:
    meetings.held(resolutions=26)
    login(client, secretariat)
    first = client.get(register())
    assert len(first.context["resolutions"]) == 25
    assert first.context["has_next"]
    second = client.get(register(page=2))
    assert len(second.context["resolutions"]) == 1
    assert not second.context["has_next"]


def test_the_register_costs_the_same_queries_with_more_resolutions(
    client: Any, secretariat: Any, meetings: Any, django_assert_max_num_queries: Any
) -> None:
    meetings.held(resolutions=1)
    login(client, secretariat)
    client.get(register())  # warm the session and the calendar's first read
    with django_assert_max_num_queries(15) as few:
        client.get(register())
    meetings.held(resolutions=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(register())
    assert len(response.context["resolutions"]) == 6


def test_an_officer_of_another_agency_neither_lists_nor_opens_a_tax_resolution(
    client: Any, other_officer: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    login(client, other_officer)
    assert list(client.get(register()).context["resolutions"]) == []
    assert client.get(detail(resolution)).status_code == 404
    assert client.post(move_url(resolution), {"to": R.REPORTED}).status_code == 404
    assert state_of(resolution) == R.IN_PROGRESS


# --- Figures by agency and the agency's page ------------------------------------------------------


def test_the_figures_by_agency_link_each_number_to_the_register(
    client: Any,
    secretariat: Any,
    tax_agency: Any,
    customs_agency: Any,
    meetings: Any,
    resolution_in: Any,
) -> None:
    resolution_in(R.EXECUTED)
    resolution_in(R.IN_PROGRESS)
    customs_resolution(meetings, customs_agency)
    response = login(client, secretariat).get(reverse("meetings:agencies"))
    assert response.status_code == 200
    rows = {row.agency: row for row in response.context["figures"]}
    tax = rows[tax_agency]
    assert (tax.total, tax.executed, tax.follow_up, tax.executed_share) == (2, 1, 1, 50)
    assert rows[customs_agency].follow_up == 1
    body = response.content.decode()
    assert f"?agency={tax_agency.pk}&amp;bucket=executed" in body
    # The link lists what the figure counts.
    listed = client.get(register(agency=tax_agency.pk, bucket="executed"))
    assert [r.state for r in listed.context["resolutions"]] == [R.EXECUTED]


def test_the_agency_page_lists_what_waits_on_it_with_the_objection_window(
    client: Any, officer: Any, clock: Any, resolution_in: Any
) -> None:
    notified = resolution_in(R.NOTIFIED)
    reported = resolution_in(R.REPORTED)
    response = login(client, officer).get(reverse("meetings:inbox"))
    assert response.status_code == 200
    assert response.context["waiting"] == [notified]
    assert response.context["elsewhere"] == [reported]
    body = response.content.decode()
    assert 'data-testid="objection-until"' in body
    assert fa(dt.date(2025, 1, 23)) in body


def test_the_agency_page_shows_the_overdue_first(
    client: Any, officer: Any, clock: Any, meetings: Any, tax_agency: Any, resolution_in: Any
) -> None:
    from tashil.meetings.services import meeting_close

    later = resolution_in(R.IN_PROGRESS)
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    sooner = meetings.draft(item, deadline=dt.date(2025, 1, 20))
    meetings.attend(meeting)
    meeting_close(actor=meetings.secretariat, meeting=meeting)
    clock.set(dt.date(2025, 1, 29))
    rows = login(client, officer).get(reverse("meetings:inbox")).context["waiting"]
    assert [r.pk for r in rows] == [sooner.pk, later.pk]
    assert rows[0].late and not rows[1].late


def test_another_agency_has_nothing_waiting_and_others_have_no_agency_page(
    client: Any, other_officer: Any, secretariat: Any, resolution_in: Any
) -> None:
    resolution_in(R.NOTIFIED)
    response = login(client, other_officer).get(reverse("meetings:inbox"))
    assert response.context["waiting"] == [] and response.context["elsewhere"] == []
    assert login(client, secretariat).get(reverse("meetings:inbox")).status_code == 403


# --- The resolution page --------------------------------------------------------------------------


def test_the_resolution_page_shows_the_resolution_and_its_timeline(
    client: Any, secretariat: Any, tax_agency: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    response = login(client, secretariat).get(detail(resolution))
    assert response.status_code == 200
    body = response.content.decode()
    assert resolution.text in body
    assert "گزارش پرداخت" in body  # the deliverable
    assert fa(dt.date(2025, 2, 15)) in body
    assert fa(dt.date(2025, 1, 23)) in body  # the objection window's last day
    assert tax_agency.name in body
    assert reverse("meetings:meeting", args=[resolution.meeting_id]) in body
    assert reverse("cases:detail", args=[resolution.case.tracking]) in body
    assert len(response.context["timeline"]) == 2  # drafted, issued
    # The agency answers a notified resolution; the secretariat has nothing to do yet.
    assert response.context["move_forms"] == []
    assert response.context["can_escalate"]


def test_the_officer_is_offered_the_agencys_moves_while_notified(
    client: Any, officer: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    response = login(client, officer).get(detail(resolution))
    offered = {form.action for form in response.context["move_forms"]}
    assert offered == {"object", "start", "report_execution"}
    assert response.context["can_report"]
    assert not response.context["can_escalate"]
    # The officer's agency was not referred the case: the case is named, not linked.
    assert not response.context["case_visible"]


def test_an_objection_without_a_reason_shows_the_error_and_changes_nothing(
    client: Any, officer: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    events = ResolutionEvent.objects.count()
    response = login(client, officer).post(
        move_url(resolution), {"to": R.OBJECTED, "objected-reason": "  "}
    )
    assert response.status_code == 200
    form = next(f for f in response.context["move_forms"] if f.target == R.OBJECTED)
    assert form.errors["reason"]
    assert form.open
    assert state_of(resolution) == R.NOTIFIED
    assert ResolutionEvent.objects.count() == events
    assert not ProgressReport.objects.exists()


def test_the_officer_objects_within_the_window(
    client: Any, officer: Any, clock: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    clock.set(dt.date(2025, 1, 23))  # the window's last day
    response = login(client, officer).post(
        move_url(resolution), {"to": R.OBJECTED, "objected-reason": "اعتبار لازم تأمین نشده است"}
    )
    assert response.status_code == 302
    assert response.url == detail(resolution)
    assert state_of(resolution) == R.OBJECTED
    report = ProgressReport.objects.get(resolution=resolution)
    assert (report.kind, report.text) == ("objection", "اعتبار لازم تأمین نشده است")


def test_after_the_window_the_objection_is_not_offered_and_a_forced_post_is_refused(
    client: Any, officer: Any, clock: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    clock.set(dt.date(2025, 1, 24))
    login(client, officer)
    page = client.get(detail(resolution))
    assert R.OBJECTED not in {form.target for form in page.context["move_forms"]}
    assert 'data-testid="move-objected"' not in page.content.decode()

    response = client.post(move_url(resolution), {"to": R.OBJECTED, "objected-reason": "دیر"})
    assert response.status_code == 302
    with translation.override("fa"):
        closed = format_jalali(dt.date(2025, 1, 23))
    assert any(closed in message for message in page_messages(response))
    assert state_of(resolution) == R.NOTIFIED
    assert not ProgressReport.objects.exists()


def test_a_move_outside_the_table_or_unknown_is_refused_with_a_message(
    client: Any, officer: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    login(client, officer)
    response = client.post(move_url(resolution), {"to": R.EXECUTED})
    assert response.status_code == 302 and page_messages(response)
    response = client.post(move_url(resolution), {"to": "done"})
    assert response.status_code == 302 and page_messages(response)
    assert state_of(resolution) == R.NOTIFIED


def test_a_move_chosen_on_a_page_that_showed_another_state_is_refused(
    client: Any, officer: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    page = login(client, officer).get(detail(resolution))
    assert f'name="seen" value="{R.NOTIFIED}"' in page.content.decode()

    response = client.post(move_url(resolution), {"to": R.IN_PROGRESS, "seen": R.OBJECTED})

    assert response.status_code == 302 and len(page_messages(response)) == 1
    assert state_of(resolution) == R.NOTIFIED


@pytest.mark.parametrize("who", ["executive", "owner"])
def test_readers_of_a_resolution_cannot_move_it(
    client: Any, persona: Any, resolution_in: Any, who: str
) -> None:
    resolution = resolution_in(R.NOTIFIED)
    login(client, persona(who))
    assert client.get(detail(resolution)).status_code == 200
    response = client.post(move_url(resolution), {"to": R.IN_PROGRESS})
    assert response.status_code == 403
    assert state_of(resolution) == R.NOTIFIED


def test_the_write_pages_take_only_posts(client: Any, officer: Any, resolution_in: Any) -> None:
    resolution = resolution_in(R.NOTIFIED)
    login(client, officer)
    for name in ("resolution_move", "report", "national"):
        assert client.get(reverse(f"meetings:{name}", args=[resolution.pk])).status_code == 405


def test_the_officer_reports_execution_with_a_pdf_and_the_secretariat_accepts_it(
    client: Any, officer: Any, secretariat: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    response = login(client, officer).post(
        move_url(resolution),
        {
            "to": R.REPORTED,
            "reported-reason": "استرداد پرداخت شد",
            "reported-documents": [pdf("رسید پرداخت.pdf")],
        },
    )
    assert response.status_code == 302
    assert state_of(resolution) == R.REPORTED
    evidence = Evidence.objects.get()
    assert (evidence.name, evidence.content_type) == ("رسید پرداخت.pdf", "application/pdf")
    assert evidence.report.kind == "execution"

    login(client, secretariat)
    page = client.get(detail(resolution))
    assert reverse("meetings:evidence", args=[evidence.pk]) in page.content.decode()
    offered = {form.action for form in page.context["move_forms"]}
    assert offered == {"accept_execution", "return_report", "mark_not_executed"}
    response = client.post(move_url(resolution), {"to": R.EXECUTED})
    assert response.status_code == 302
    assert state_of(resolution) == R.EXECUTED
    resolution.case.refresh_from_db()
    assert resolution.case.status == CaseStatus.RESOLVED


def test_a_disguised_evidence_file_is_refused_with_nothing_changed(
    client: Any, officer: Any, settings: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    response = login(client, officer).post(
        move_url(resolution),
        {
            "to": R.REPORTED,
            "reported-reason": "انجام شد",
            "reported-documents": [upload("رسید.pdf", EXE, "application/pdf")],
        },
    )
    assert response.status_code == 200
    form = next(f for f in response.context["move_forms"] if f.target == R.REPORTED)
    assert form.errors
    assert state_of(resolution) == R.IN_PROGRESS
    assert saved_files(settings) == []


def test_the_officer_reports_progress_with_a_file(
    client: Any, officer: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    url = reverse("meetings:report", args=[resolution.pk])
    login(client, officer)
    empty = client.post(url, {"progress-text": ""})
    assert empty.status_code == 200
    assert empty.context["progress_form"].errors["text"]
    assert not ProgressReport.objects.exists()

    response = client.post(
        url, {"progress-text": "نیمی از مبلغ پرداخت شد", "progress-documents": [pdf()]}
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.kind, report.text, report.files.count()) == (
        "progress",
        "نیمی از مبلغ پرداخت شد",
        1,
    )
    page = client.get(detail(resolution)).content.decode()
    assert "نیمی از مبلغ پرداخت شد" in page


def test_only_the_responsible_agency_reports_progress(
    client: Any, secretariat: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    response = login(client, secretariat).post(
        reverse("meetings:report", args=[resolution.pk]), {"progress-text": "..."}
    )
    assert response.status_code == 403


# --- Evidence -------------------------------------------------------------------------------------


@pytest.fixture
def evidence(officer: Any, resolution_in: Any) -> Evidence:
    resolution = resolution_in(R.IN_PROGRESS)
    resolution_report(
        actor=officer, resolution=resolution, text="پیشرفت", files=[pdf("گزارش مالی.pdf")]
    )
    return Evidence.objects.get()


@pytest.mark.parametrize("who", ["secretariat", "officer", "owner", "executive"])
def test_evidence_downloads_as_an_attachment_to_whoever_sees_the_resolution(
    client: Any, persona: Any, evidence: Evidence, who: str
) -> None:
    response = login(client, persona(who)).get(reverse("meetings:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "%DA%AF%D8%B2%D8%A7%D8%B1%D8%B4" in disposition  # گزارش
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["other_owner", "other_officer", "admin_user"])
def test_evidence_is_not_found_for_whoever_cannot_see_the_resolution(
    client: Any, persona: Any, evidence: Evidence, who: str
) -> None:
    response = login(client, persona(who)).get(reverse("meetings:evidence", args=[evidence.pk]))
    assert response.status_code == 404


# --- The national HQ ------------------------------------------------------------------------------


def test_the_secretariat_writes_to_the_national_hq_and_the_letter_downloads(
    client: Any, secretariat: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    url = reverse("meetings:national", args=[resolution.pk])
    login(client, secretariat)
    assert client.get(reverse("meetings:national_letter", args=[resolution.pk])).status_code == 404

    response = client.post(url, {"national-letter": LETTER})
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.national_letter == LETTER
    assert resolution.escalated_national_at is not None
    assert resolution.state == R.IN_PROGRESS

    page = client.get(detail(resolution))
    assert not page.context["can_escalate"]
    assert reverse("meetings:national_letter", args=[resolution.pk]) in page.content.decode()
    assert client.get(register(national="on")).context["resolutions"][0] == resolution

    letter = client.get(reverse("meetings:national_letter", args=[resolution.pk]))
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert letter["Content-Disposition"].startswith("attachment;")
    assert letter.content.startswith(b"%PDF")
    text = pdf_text(letter.content)
    assert "ستاد ملی لازم است" in text
    assert fa("227/1") in text


def test_an_empty_letter_is_refused_and_nothing_is_sent(
    client: Any, secretariat: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    response = login(client, secretariat).post(
        reverse("meetings:national", args=[resolution.pk]), {"national-letter": " "}
    )
    assert response.status_code == 200
    assert response.context["national_form"].errors["letter"]
    resolution.refresh_from_db()
    assert resolution.escalated_national_at is None


def test_a_second_letter_is_refused_on_the_page(
    client: Any, secretariat: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    resolution_escalate_national(actor=secretariat, resolution=resolution, letter=LETTER)
    response = login(client, secretariat).post(
        reverse("meetings:national", args=[resolution.pk]), {"national-letter": "دوباره"}
    )
    assert response.status_code == 200
    assert response.context["page_errors"]
    resolution.refresh_from_db()
    assert resolution.national_letter == LETTER


@pytest.mark.parametrize("who", ["officer", "executive"])
def test_only_the_secretariat_writes_to_the_national_hq(
    client: Any, persona: Any, resolution_in: Any, who: str
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    response = login(client, persona(who)).post(
        reverse("meetings:national", args=[resolution.pk]), {"national-letter": LETTER}
    )
    assert response.status_code == 403
    resolution.refresh_from_db()
    assert resolution.escalated_national_at is None


def test_the_resolution_page_reads_in_english_with_ascii_digits(
    client: Any, secretariat: Any, settings: Any, resolution_in: Any
) -> None:
    resolution = resolution_in(R.IN_PROGRESS)
    login(client, secretariat).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(detail(resolution)).content.decode()
    assert '<html lang="en" dir="ltr">' in body
    assert "227/1" in body
    assert "The agency accepted the resolution and is carrying it out." in body


# --- The session filter ---------------------------------------------------------------------------


def _held_on(meetings: Any, weeks: int) -> Any:
    """A closed session `weeks` weeks after the next Wednesday, with one resolution."""
    from tashil.meetings.services import meeting_close
    from tashil.meetings.tests.conftest import NEXT_WEDNESDAY

    meeting = meetings.plan(starts_at=NEXT_WEDNESDAY + dt.timedelta(weeks=weeks))
    meetings.draft(meetings.with_case(meeting, title=f"پرونده هفته {weeks}"))
    meetings.attend(meeting)
    return meeting_close(actor=meetings.secretariat, meeting=meeting)


def _offered_sessions(response: Any) -> list[int]:
    import re

    select = re.search(r'<select name="meeting".*?</select>', response.content.decode(), re.S)
    assert select is not None
    return [int(pk) for pk in re.findall(r'<option value="(\d+)"', select.group(0))]


def test_the_session_filter_offers_the_latest_sessions_and_the_one_chosen(
    client: Any, secretariat: Any, meetings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tashil.meetings import resolution_forms

    monkeypatch.setattr(resolution_forms, "RECENT_MEETINGS", 2)
    oldest, middle, latest = (_held_on(meetings, weeks) for weeks in range(3))
    login(client, secretariat)

    # Years of sessions do not all go into the select: the latest, newest first.
    assert _offered_sessions(client.get(register())) == [latest.pk, middle.pk]

    # An older one (a link from its meeting's page) is still accepted, and shown chosen.
    chosen = client.get(register(meeting=oldest.pk))
    assert chosen.context["form"].errors == {}
    assert {r.meeting_id for r in chosen.context["resolutions"]} == {oldest.pk}
    assert _offered_sessions(chosen) == [latest.pk, middle.pk, oldest.pk]
    assert f'<option value="{oldest.pk}" selected>' in chosen.content.decode()


def test_the_session_filter_refuses_a_session_the_user_does_not_see(
    client: Any, meetings: Any
) -> None:
    from tashil.conftest import _user_with_role
    from tashil.factories import ProvinceFactory

    held = _held_on(meetings, 0)
    tehran = _user_with_role("tehran", "secretariat", province=ProvinceFactory(code="23"))
    login(client, tehran)

    response = client.get(register(meeting=held.pk))

    assert "meeting" in response.context["form"].errors
    assert held.pk not in _offered_sessions(response)
