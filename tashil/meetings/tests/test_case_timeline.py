"""The case's own page tells what the meetings did with it: the agenda, the resolutions and each
step of their follow-up, in the reader's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from tashil.cases.history import present
from tashil.cases.models import CaseEvent
from tashil.meetings.services import (
    resolution_accept_execution,
    resolution_report_execution,
    resolution_start,
)


def _sentences(case, language):
    with translation.override(language):
        return [e.sentence for e in present(CaseEvent.objects.filter(case=case))]


def test_the_case_timeline_reads_the_meeting_and_the_resolution_in_persian(
    clock, meetings, officer, secretariat
):
    meeting = meetings.held()
    resolution = meeting.resolutions.get()
    resolution_start(actor=officer, resolution=resolution)
    resolution_report_execution(actor=officer, resolution=resolution, text="پرداخت شد")
    resolution_accept_execution(actor=secretariat, resolution=resolution)

    sentences = _sentences(resolution.case, "fa")

    assert "در دستور جلسه ۲۲۷ (۱۴۰۳/۱۰/۲۶) قرار گرفت." in sentences
    assert "مصوبه ۲۲۷/۱ به دستگاه‌های مسئول ابلاغ شد." in sentences
    assert "دبیرخانه اجرای مصوبه ۲۲۷/۱ را پذیرفت." in sentences


def test_the_case_timeline_reads_in_english_too(clock, meetings, officer):
    meeting = meetings.held()
    resolution = meeting.resolutions.get()
    resolution_start(actor=officer, resolution=resolution)

    sentences = _sentences(resolution.case, "en")

    assert "Put on the agenda of session 227 (1403/10/26)." in sentences
    assert "Resolution 227/1 was issued to the responsible agencies." in sentences
    assert "Resolution 227/1 is being carried out." in sentences


def test_the_case_page_lists_its_resolutions_for_the_company(client, clock, meetings, owner):
    meeting = meetings.held(resolutions=2)
    case = meeting.resolutions.first().case
    client.force_login(owner)

    page = client.get(reverse("cases:detail", kwargs={"tracking": case.tracking}))

    assert page.status_code == 200
    listed = page.context["resolutions"]
    assert [r.code for r in listed] == ["227/1", "227/2"]
    assert reverse("meetings:resolution", kwargs={"pk": listed[0].pk}) in page.content.decode()


def test_the_case_page_does_not_list_drafts(client, clock, meetings, owner):
    meeting = meetings.plan()
    item = meetings.with_case(meeting)
    meetings.draft(item)
    client.force_login(owner)

    page = client.get(reverse("cases:detail", kwargs={"tracking": item.case.tracking}))

    assert page.context["resolutions"] == []
