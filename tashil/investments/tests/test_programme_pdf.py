"""The printed programme of an official visit: Persian, Jalali, Persian digits, the days with their
stops in order and what each concerns, page numbers at the foot.

The cast: the government spokesperson's two-day visit to Qazvin (DOMAIN.md §9), its stops entered
out of order; the second day opens the cosmetics line of company A.
"""

from __future__ import annotations

import datetime as dt
import socket
import zoneinfo
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from tashil.core.jalali import format_jalali
from tashil.core.pdf import LocalFetcher
from tashil.core.text import to_persian_digits
from tashil.investments import services
from tashil.investments.models import ItineraryKind, Project, Visit
from tashil.investments.pdf import programme_pdf
from tashil.investments.selectors import visit_get_for_user
from tashil.investments.tests.conftest import reference_programme
from tashil.meetings.models import Body, Meeting, Weekday
from tashil.meetings.tests.pdftext import pdf_pages, pdf_text
from tashil.meetings.workflow import MeetingKind

pytestmark = pytest.mark.django_db

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
HOSTILE = '<img src="http://example.invalid/x.png">'


def read(data: bytes) -> str:
    """The PDF's text on one line, so a phrase wrapped in a table cell still reads whole."""
    return " ".join(pdf_text(data).split())


def printed(text: str) -> str:
    """`text` as it reads back from a PDF: the zero-width non-joiner shapes the letters around
    it but is no glyph of its own."""
    return text.replace("\u200c", "")


def fa(message: str, context: str | None = None) -> str:
    """A label as the Persian PDF prints it (the English text until it is translated)."""
    with translation.override("fa"):
        return printed(pgettext(context, message) if context else gettext(message))


def day_heading(day: dt.date) -> str:
    with translation.override("fa"):
        return printed(f"{Weekday(day.weekday()).label} {format_jalali(day, style='long')}")


def add(visit: Visit, **fields: Any) -> Any:
    return services.item_add(actor=None, visit=visit, **fields)


def as_read_by(user: Any, visit: Visit) -> Visit:
    """The visit as the view hands it to the PDF: through the selector, items prefetched."""
    found = visit_get_for_user(user=user, pk=visit.pk)
    assert found is not None
    return found


@pytest.fixture
def hq_meeting(province: Any, today: dt.date) -> Any:
    body = Body.objects.create(
        province=province,
        kind=MeetingKind.PROVINCIAL,
        name="ستاد تسهیل و رفع موانع تولید استان قزوین",
    )
    meeting = Meeting.objects.create(
        body=body,
        number=227,
        starts_at=dt.datetime.combine(today, dt.time(9, 30), tzinfo=TEHRAN),
    )
    return meeting


@pytest.fixture
def scenario(
    province: Any, today: dt.date, cosmetics_line: Project, company: Any, hq_meeting: Any
) -> Visit:
    return reference_programme(province, today, cosmetics_line, meeting=hq_meeting)


def test_the_programme_names_the_visit_the_visitor_and_the_days(
    scenario: Visit, secretariat: Any
) -> None:
    text = read(programme_pdf(as_read_by(secretariat, scenario)))

    assert fa("Programme of the visit") in text
    assert "سفر سخنگوی دولت به استان قزوین" in text
    assert "فاطمه مهاجرانی" in text
    assert "سخنگوی دولت" in text
    assert "قزوین" in text
    assert day_heading(scenario.starts_on) in text
    assert day_heading(scenario.ends_on) in text
    assert text.index(day_heading(scenario.starts_on)) < text.index(day_heading(scenario.ends_on))


def test_each_days_stops_are_printed_in_order_with_time_kind_and_place(
    scenario: Visit, secretariat: Any
) -> None:
    text = read(programme_pdf(as_read_by(secretariat, scenario)))

    order = [
        "دیدار با امام جمعه قزوین",
        printed("بازدید از نمایشگاه توانمندی‌های صنعتی استان"),
        "افتتاح خط تولید محصولات آرایشی و بهداشتی",
        "جلسه شورای اداری استان",
        # No time: after the timed stops of its day.
        "مراسم روز زن در دانشگاه فرهنگیان",
    ]
    positions = [text.index(title) for title in order]
    assert positions == sorted(positions)
    second_day = text[text.index(day_heading(scenario.ends_on)) :]
    first_day = text[: text.index(day_heading(scenario.ends_on))]
    assert "۰۸:۳۰" in first_day and "۱۱:۰۰" in first_day
    assert "۱۰:۰۰" in second_day and "۱۷:۰۰" in second_day
    assert fa("meeting", "itinerary") in first_day
    assert fa("exhibition visit") in first_day
    assert fa("opening") in second_day
    assert fa("council session") in second_day
    assert fa("university event") in second_day
    assert "شهر صنعتی کاسپین" in first_day
    assert "استانداری قزوین" in second_day
    # Latin digits nowhere: times, dates and the session number are Persian.
    assert not any(char in "0123456789" for char in text)


def test_the_stops_name_the_company_project_and_meeting_they_concern(
    scenario: Visit, secretariat: Any, cosmetics_line: Project, company: Any
) -> None:
    text = read(programme_pdf(as_read_by(secretariat, scenario)))

    opening = text[text.index("افتتاح خط تولید محصولات آرایشی و بهداشتی") :]
    assert company.legal_name in opening
    assert cosmetics_line.title in opening
    council = text[text.index("جلسه شورای اداری استان") :]
    assert "ستاد تسهیل و رفع موانع تولید استان قزوین" in council
    assert "۲۲۷" in council


def test_the_programme_is_persian_whatever_the_request_language(
    scenario: Visit, secretariat: Any
) -> None:
    with translation.override("en"):
        text = read(programme_pdf(as_read_by(secretariat, scenario)))
        assert translation.get_language() == "en"

    assert day_heading(scenario.starts_on) in text
    assert fa("opening") in text
    assert "1404" not in text and "1405" not in text


def test_pages_are_numbered_with_persian_digits(
    province: Any, today: dt.date, secretariat: Any
) -> None:
    visit = services.visit_create(
        actor=None,
        province=province,
        title="سفر طولانی",
        visitor_name="الف",
        visitor_title="ب",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today,
    )
    for number in range(60):
        add(
            visit,
            day=visit.starts_on + dt.timedelta(days=number % 4),
            starts_at=dt.time(8 + number % 12, 0),
            kind=ItineraryKind.OTHER,
            title=f"برنامه شماره {number}",
            note="توضیحات مفصل درباره این برنامه و همراهان. " * 3,
        )

    data = programme_pdf(as_read_by(secretariat, visit))

    pages = pdf_pages(data)
    assert pages > 2
    text = read(data)
    total = to_persian_digits(str(pages))
    footer = fa("Page %(page)s of %(pages)s")
    assert footer % {"page": "۱", "pages": total} in text
    assert footer % {"page": total, "pages": total} in text


def test_an_empty_programme_says_so(visit: Visit, secretariat: Any) -> None:
    text = read(programme_pdf(as_read_by(secretariat, visit)))

    assert fa("The programme has no stops yet.") in text


def test_the_programme_takes_the_same_queries_however_many_stops(
    scenario: Visit,
    secretariat: Any,
    cosmetics_line: Project,
    django_assert_max_num_queries: Any,
) -> None:
    loaded = as_read_by(secretariat, scenario)
    with django_assert_max_num_queries(5) as few:
        programme_pdf(loaded)

    for number in range(6):
        add(
            scenario,
            day=scenario.starts_on,
            kind=ItineraryKind.EXHIBITION,
            title=f"بازدید {number}",
            project=cosmetics_line,
        )
    loaded = as_read_by(secretariat, scenario)
    with django_assert_max_num_queries(len(few.captured_queries)):
        programme_pdf(loaded)


def test_typed_html_is_printed_as_text_and_nothing_is_fetched(
    visit: Visit, secretariat: Any, monkeypatch: Any
) -> None:
    fetched: list[str] = []
    original = LocalFetcher.fetch

    def spy(self: LocalFetcher, url: str, headers: Any = None) -> Any:
        fetched.append(url)
        return original(self, url, headers)

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr(LocalFetcher, "fetch", spy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    add(visit, day=visit.starts_on, kind=ItineraryKind.OTHER, title=HOSTILE, place=HOSTILE)

    text = read(programme_pdf(as_read_by(secretariat, visit)))

    assert text.count("example.invalid/x.png") == 2
    assert fetched and all("vazirmatn" in url for url in fetched)
