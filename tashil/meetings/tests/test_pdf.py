"""The printed documents of meetings: the minutes, the agenda, the letter to the national HQ.

The cast: session 227 of Qazvin's provincial HQ, on Wednesday 1404/09/26 at 09:30. The tax agency
came (علی رضایی), the customs agency did not, and the industry agency sent a deputy (مریم احمدی).
Two items were discussed: a case of company A, with resolution 227/1 for the tax agency, and a
report, with resolution 227/2 for the customs and industry agencies.
"""

from __future__ import annotations

import datetime as dt
import socket
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from tashil.cases.models import Channel
from tashil.cases.services import case_file
from tashil.core.text import to_persian_digits
from tashil.meetings import pdf
from tashil.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Body,
    Meeting,
    Presence,
    Resolution,
    ResolutionAgency,
)
from tashil.meetings.pdf import LocalFetcher, ResourceRefused
from tashil.meetings.tests.pdftext import glyph_variants, pdf_pages, pdf_text
from tashil.meetings.workflow import MeetingKind, MeetingStatus, ResolutionState

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
HOSTILE = '<img src="http://example.invalid/x.png">'


def read(data: bytes) -> str:
    """The PDF's text on one line, so a phrase wrapped in a table cell still reads whole."""
    return " ".join(pdf_text(data).split())


def printed(text: str) -> str:
    """`text` as it can be read back from a PDF: the zero-width non-joiner shapes the letters
    around it but is no glyph of its own."""
    return text.replace("\u200c", "")


def fa(message: str, context: str | None = None) -> str:
    """A label as the Persian PDF prints it (the English text until it is translated)."""
    with translation.override("fa"):
        return printed(pgettext(context, message) if context else gettext(message))


# --- The cast of this file -------------------------------------------------------------------


@pytest.fixture
def industry_agency(province: Any) -> Any:
    from tashil.factories import AgencyFactory

    return AgencyFactory(province=province, code="industry", name="سازمان صنعت، معدن و تجارت")


@pytest.fixture
def body(province: Any, tax_agency: Any, customs_agency: Any, industry_agency: Any) -> Body:
    body = Body.objects.create(
        province=province,
        kind=MeetingKind.PROVINCIAL,
        name="ستاد تسهیل و رفع موانع تولید استان قزوین",
        place="سالن جلسات استانداری",
        chair="استاندار قزوین",
    )
    body.members.set([tax_agency, customs_agency, industry_agency])
    return body


@pytest.fixture
def case(secretariat: Any, company: Any, category: Any) -> Any:
    return case_file(
        actor=secretariat,
        company=company,
        category=category,
        title="جرائم دیرکرد مالیات بر ارزش افزوده",
        description="شرکت درخواست بخشودگی جرائم دارد.",
        channel=Channel.WALK_IN,
    )


def add_resolution(
    meeting: Meeting,
    item: AgendaItem | None,
    number: int,
    text: str,
    *agencies: Any,
    deadline: dt.date,
    **fields: Any,
) -> Resolution:
    resolution = Resolution.objects.create(
        meeting=meeting,
        item=item,
        province=meeting.body.province,
        number=number,
        text=text,
        deadline=deadline,
        **fields,
    )
    for agency in agencies:
        ResolutionAgency.objects.create(resolution=resolution, agency=agency)
    return resolution


@pytest.fixture
def meeting(
    body: Body, case: Any, tax_agency: Any, customs_agency: Any, industry_agency: Any
) -> Meeting:
    meeting = Meeting.objects.create(
        body=body,
        number=227,
        starts_at=dt.datetime(2025, 12, 17, 9, 30, tzinfo=TEHRAN),  # a Wednesday
        place=body.place,
        chair=body.chair,
        guests="مدیرعامل شرکت گلسار کاسپین",
        notes="جلسه با تلاوت قرآن آغاز شد.",
    )
    Attendance.objects.create(
        meeting=meeting, agency=tax_agency, presence=Presence.PRESENT, person="علی رضایی"
    )
    Attendance.objects.create(meeting=meeting, agency=customs_agency, presence=Presence.ABSENT)
    Attendance.objects.create(
        meeting=meeting, agency=industry_agency, presence=Presence.REPRESENTED, person="مریم احمدی"
    )
    first = AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        kind=AgendaItemKind.CASE,
        case=case,
        title=case.title,
        notes="نماینده امور مالیاتی توضیح داد که پرونده در هیئت حل اختلاف است.",
    )
    second = AgendaItem.objects.create(
        meeting=meeting,
        position=2,
        kind=AgendaItemKind.TOPIC,
        title="گزارش ترخیص مواد اولیه",
    )
    add_resolution(
        meeting,
        first,
        1,
        "بخشودگی جرائم دیرکرد شرکت در کمیسیون ماده ۱۰۱ بررسی شود.",
        tax_agency,
        deadline=dt.date(2026, 1, 14),  # 1404/10/24
        deliverable="رأی کمیسیون",
    )
    add_resolution(
        meeting,
        second,
        2,
        "ترخیص مواد اولیه واحدهای تولیدی در اولویت قرار گیرد.",
        customs_agency,
        industry_agency,
        deadline=dt.date(2026, 2, 4),  # 1404/11/15
    )
    return meeting


def close(meeting: Meeting) -> None:
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CLOSED, closed_at=now)
    meeting.resolutions.update(
        state=ResolutionState.NOTIFIED, notified_at=now, objection_until=now.date()
    )
    meeting.refresh_from_db()


# --- The minutes -------------------------------------------------------------------------------


def test_the_minutes_name_the_body_the_session_and_when_and_where(meeting: Meeting) -> None:
    text = read(pdf.minutes_pdf(meeting))

    assert "ستاد تسهیل و رفع موانع تولید استان قزوین" in text
    assert "۲۲۷" in text
    assert "۱۴۰۴/۰۹/۲۶" in text
    assert "۲۶ آذر ۱۴۰۴" in text
    assert "۰۹:۳۰" in text
    assert "سالن جلسات استانداری" in text
    assert "استاندار قزوین" in text


def test_the_minutes_list_who_came_who_sent_a_deputy_and_who_was_absent(
    meeting: Meeting, tax_agency: Any, customs_agency: Any, industry_agency: Any
) -> None:
    lines = pdf_text(pdf.minutes_pdf(meeting)).splitlines()

    assert any(tax_agency.name in line and "علی رضایی" in line for line in lines)
    represented = next(line for line in lines if line.startswith(f"۲ {industry_agency.name}"))
    assert "مریم احمدی" in represented
    assert fa("represented by a deputy") in represented
    absent = next(line for line in lines if line.startswith(fa("Absent")))
    assert customs_agency.name in absent
    assert tax_agency.name not in absent
    assert "مدیرعامل شرکت گلسار کاسپین" in lines


def test_each_item_is_printed_in_order_with_its_notes(meeting: Meeting, case: Any) -> None:
    text = read(pdf.minutes_pdf(meeting))

    assert case.display_tracking in text
    assert "شرکت گلسار کاسپین" in text
    assert "نماینده امور مالیاتی توضیح داد که پرونده در هیئت حل اختلاف است." in text
    assert text.index("جرائم دیرکرد مالیات بر ارزش افزوده") < text.index("گزارش ترخیص مواد اولیه")


def test_each_resolution_is_printed_with_its_code_agencies_and_deadline(
    meeting: Meeting, tax_agency: Any, customs_agency: Any, industry_agency: Any
) -> None:
    text = read(pdf.minutes_pdf(meeting))

    assert "۲۲۷/۱" in text
    assert "۲۲۷/۲" in text
    # The text reads as written, its digits too (pdf_text turns the numbers back).
    assert "بخشودگی جرائم دیرکرد شرکت در کمیسیون ماده ۱۰۱ بررسی شود." in text
    assert "ترخیص مواد اولیه واحدهای تولیدی در اولویت قرار گیرد." in text
    assert "رأی کمیسیون" in text
    assert "۱۴۰۴/۱۰/۲۴" in text
    assert "۱۴۰۴/۱۱/۱۵" in text
    second = text[text.index("۲۲۷/۲") :]
    assert customs_agency.name in second
    assert industry_agency.name in second


def test_a_postponed_item_says_so(meeting: Meeting) -> None:
    AgendaItem.objects.create(
        meeting=meeting,
        position=3,
        kind=AgendaItemKind.TOPIC,
        title="طرح توسعه شهرک صنعتی",
        postponed=True,
    )

    text = read(pdf.minutes_pdf(meeting))

    assert "طرح توسعه شهرک صنعتی" in text
    assert fa("postponed to the next session") in text


def test_the_minutes_end_with_signature_lines_for_the_chair_the_secretary_and_each_agency_present(
    meeting: Meeting, tax_agency: Any, customs_agency: Any, industry_agency: Any
) -> None:
    text = read(pdf.minutes_pdf(meeting))

    heading = fa("Signatures")
    # After the heading: in Persian the heading (امضاها) itself contains the word (امضا).
    signatures = text[text.rindex(heading) + len(heading) :]
    assert fa("Chair of the session") in signatures
    assert fa("Secretary of the HQ") in signatures
    assert signatures.count(fa("signature")) == 4  # chair, secretary, tax, industry (deputy)
    for agency in (tax_agency, industry_agency):
        assert agency.name in signatures
    assert customs_agency.name not in signatures


def test_pages_are_numbered_with_persian_digits(meeting: Meeting) -> None:
    for position in range(3, 40):
        AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            kind=AgendaItemKind.TOPIC,
            title=f"موضوع شماره {position}",
            notes="توضیحات مفصل درباره این موضوع در جلسه مطرح شد. " * 6,
        )

    data = pdf.minutes_pdf(meeting)

    pages = pdf_pages(data)
    assert pages > 2
    text = read(data)
    total = to_persian_digits(str(pages))
    footer = fa("Page %(page)s of %(pages)s")
    assert footer % {"page": "۱", "pages": total} in text
    assert footer % {"page": total, "pages": total} in text


def test_persian_words_come_out_joined_and_in_order(meeting: Meeting) -> None:
    data = pdf.minutes_pdf(meeting)

    text = read(data)
    assert "اداره کل امور مالیاتی" in text
    assert "سازمان صنعت، معدن و تجارت" in text
    assert not any("\ufb50" <= char <= "\ufeff" for char in text)  # no presentation forms
    # Shaped: a letter is printed in its joining forms (the glyph of "ی" in "علی" is not the
    # one in "مالیاتی"), where unshaped text would repeat one isolated glyph.
    for letter in "یمهن":
        assert glyph_variants(data, letter) >= 3, letter


def test_a_meeting_not_yet_closed_prints_as_a_draft(meeting: Meeting) -> None:
    text = read(pdf.minutes_pdf(meeting))

    assert fa("Draft", "document watermark") in text


def test_the_minutes_of_a_closed_meeting_are_not_a_draft(meeting: Meeting) -> None:
    close(meeting)

    text = read(pdf.minutes_pdf(meeting))

    assert fa("Draft", "document watermark") not in text
    assert "۲۲۷/۱" in text


def test_the_minutes_are_persian_whatever_the_request_language(meeting: Meeting) -> None:
    with translation.override("en"):
        text = read(pdf.minutes_pdf(meeting))
        assert translation.get_language() == "en"

    assert "۱۴۰۴/۰۹/۲۶" in text
    assert "1404" not in text
    assert "ستاد تسهیل و رفع موانع تولید استان قزوین" in text


def test_the_minutes_take_a_fixed_number_of_queries(
    meeting: Meeting, django_assert_num_queries: Any, tax_agency: Any
) -> None:
    with django_assert_num_queries(5):
        pdf.minutes_pdf(meeting)

    for number in range(3, 8):
        item = AgendaItem.objects.create(
            meeting=meeting, position=number, kind=AgendaItemKind.TOPIC, title=f"موضوع {number}"
        )
        add_resolution(meeting, item, number, "متن", tax_agency, deadline=dt.date(2026, 1, 1))

    with django_assert_num_queries(5):
        pdf.minutes_pdf(meeting)


def test_a_resolution_outside_any_item_is_still_in_the_minutes(
    meeting: Meeting, tax_agency: Any
) -> None:
    add_resolution(
        meeting,
        None,
        3,
        "گزارش پیشرفت مصوبات هر ماه ارائه شود.",
        tax_agency,
        deadline=dt.date(2026, 1, 1),
    )

    text = read(pdf.minutes_pdf(meeting))

    assert "۲۲۷/۳" in text
    assert "گزارش پیشرفت مصوبات هر ماه ارائه شود." in text


# --- Safety -------------------------------------------------------------------------------------


@pytest.fixture
def fetched(monkeypatch: Any) -> list[str]:
    """Every URL WeasyPrint asks for; and no socket may connect meanwhile."""
    urls: list[str] = []
    original = LocalFetcher.fetch

    def spy(self: LocalFetcher, url: str, headers: Any = None) -> Any:
        urls.append(url)
        return original(self, url, headers)

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr(LocalFetcher, "fetch", spy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    return urls


def test_user_text_with_html_is_printed_as_text_and_nothing_is_fetched(
    meeting: Meeting, fetched: list[str]
) -> None:
    meeting.guests = HOSTILE
    meeting.notes = f"<script>alert(1)</script>{HOSTILE}"
    meeting.save()
    meeting.items.filter(position=2).update(
        title=HOSTILE, notes='<link rel="stylesheet" href="http://example.invalid/x.css">'
    )
    meeting.resolutions.filter(number=1).update(text=HOSTILE, deliverable=HOSTILE)

    text = read(pdf.minutes_pdf(meeting))

    # Printed, not interpreted: the markup is there as text (brackets aside, see pdftext).
    assert text.count("example.invalid/x.png") == 5
    assert "script" in text and "alert" in text
    assert "x.css" in text
    assert fetched  # the fonts
    assert all(url.startswith("file://") and "vazirmatn" in url for url in fetched)


def test_the_fetcher_reads_only_files_of_the_static_folders(tmp_path: Path) -> None:
    font = Path(finders.find("vendor/vazirmatn/fonts/Vazirmatn-Regular.ttf"))
    fetcher = LocalFetcher(pdf._static_roots())

    assert fetcher.fetch(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in (
        "http://example.invalid/x.png",
        "https://example.invalid/x.css",
        "data:text/plain,hello",
        "ftp://example.invalid/x",
        secret.as_uri(),
        "file:///etc/passwd",
        # Out of the static folder by `..`.
        font.as_uri().replace("Vazirmatn-Regular.ttf", "../../../../../settings.py"),
        "file://example.invalid/" + str(font),
    ):
        with pytest.raises(ResourceRefused):
            fetcher.fetch(url)


# --- The agenda ---------------------------------------------------------------------------------


def test_the_agenda_lists_the_items_with_case_company_and_category(
    meeting: Meeting, case: Any, customs_agency: Any
) -> None:
    text = read(pdf.agenda_pdf(meeting))

    assert "ستاد تسهیل و رفع موانع تولید استان قزوین" in text
    assert "۲۲۷" in text
    assert "۱۴۰۴/۰۹/۲۶" in text
    assert "۰۹:۳۰" in text
    assert case.display_tracking in text
    assert "جرائم دیرکرد مالیات بر ارزش افزوده" in text
    assert "شرکت گلسار کاسپین" in text
    assert "مالیات" in text  # the category
    assert "گزارش ترخیص مواد اولیه" in text
    assert customs_agency.name in text  # a member, to whom it is sent


def test_the_agenda_says_why_a_resolution_is_back(
    meeting: Meeting, body: Body, customs_agency: Any
) -> None:
    earlier = Meeting.objects.create(
        body=body,
        number=226,
        starts_at=dt.datetime(2025, 12, 10, 9, 30, tzinfo=TEHRAN),
        status=MeetingStatus.CLOSED,
        closed_at=timezone.now(),
    )
    objected = add_resolution(
        earlier,
        None,
        4,
        "تخصیص ارز واردات ماشین‌آلات",
        customs_agency,
        deadline=dt.date(2026, 1, 1),
        state=ResolutionState.OBJECTED,
        notified_at=timezone.now(),
        objection_until=dt.date(2025, 12, 25),
    )
    AgendaItem.objects.create(
        meeting=meeting,
        position=3,
        kind=AgendaItemKind.RESOLUTION,
        resolution=objected,
        title="تخصیص ارز واردات ماشین‌آلات",
        reason="objected",
    )

    text = read(pdf.agenda_pdf(meeting))

    assert "۲۲۶/۴" in text
    assert printed("تخصیص ارز واردات ماشین‌آلات") in text
    assert fa("back because an agency objected to it") in text


# --- The letter to the national HQ -------------------------------------------------------------


def test_the_national_letter_carries_the_subject_reference_and_text(province: Any) -> None:
    data = pdf.national_letter_pdf(
        province=province,
        subject="رفع مانع تأمین ارز شرکت گلسار کاسپین",
        letter=f"با سلام\nمصوبه ۲۲۷/۱ در استان قابل اجرا نیست.\n{HOSTILE}",
        reference="مصوبه ۲۲۷/۱",
    )

    text = read(data)
    assert "رفع مانع تأمین ارز شرکت گلسار کاسپین" in text
    assert "مصوبه ۲۲۷/۱ در استان قابل اجرا نیست." in text
    assert province.name in text
    assert HOSTILE.replace('"', "") in text.replace('"', "")
    assert fa("Secretary of the HQ") in text


# --- The text helper ----------------------------------------------------------------------------


def test_pdf_text_reads_numbers_and_ligatures_back_as_they_were_written(province: Any) -> None:
    written = [
        "جلسه ۲۲۷ روز ۱۴۰۴/۰۹/۲۶ ساعت ۰۹:۳۰",
        "۱۴۰۴/۰۹/۲۶ در آغاز سطر و مصوبه ۲۲۷/۳ و شماره ۱۴۰۴-۰۵",
        "مبلغ ۱٬۲۳۴٬۵۶۷ ریال (هزینه)",
        "تلاوت قرآن، اختلاف، الزام و بالا",  # lam-alef ligatures and plain alef-lam
        "Standard ISO 9001 of 2015",
        "گواهی ISO 9001 صادر شد",
    ]
    data = pdf.national_letter_pdf(
        province=province, subject="آزمون", letter="\n\n".join(written), reference="-"
    )

    lines = pdf_text(data).splitlines()
    for line in written:
        assert line in lines
    assert pdf_pages(data) == 1
