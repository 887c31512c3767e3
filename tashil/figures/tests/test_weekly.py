"""The weekly report: the week's sessions, cases and resolutions, the overdue items by agency and
the year so far; its page, its PDF and its workbook.

The records are those of `reports_records.build_week` (the week of 1404/09/22–28, looked at on
Saturday 1404/09/29); what each list must hold is recounted here from the raw rows, by their day
in Tehran.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tashil.cases.models import Case, Referral
from tashil.core.jalali import format_number
from tashil.figures.period import Period
from tashil.figures.selectors import dashboard
from tashil.figures.tests.conftest import TEHRAN, jalali_day, tehran_moment
from tashil.figures.tests.reports_records import at, build_week, held
from tashil.figures.weekly import (
    last_complete_week,
    week_tables,
    weekly_report,
    weekly_workbook,
    year_tables,
)
from tashil.meetings.models import AgendaItem, Meeting, Resolution
from tashil.meetings.tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(request: pytest.FixtureRequest) -> SimpleNamespace:
    return build_week(request)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TEHRAN).date()


def fa(message: str) -> str:
    """A label as the Persian PDF prints it: the zero-width non-joiner is no glyph."""
    with translation.override("fa"):
        return gettext(message).replace("\u200c", "")


def digits(value: int) -> str:
    with translation.override("fa"):
        return format_number(value)


def report_of(r: SimpleNamespace, **kwargs: Any) -> Any:
    return weekly_report(province=r.province, week=r.week, today=r.today, **kwargs)


# --- The report ----------------------------------------------------------------------------------


def test_the_week_runs_from_saturday_to_friday_and_last_week_is_the_one_before_today() -> None:
    saturday = jalali_day(1404, 9, 29)

    assert last_complete_week(saturday) == Period(jalali_day(1404, 9, 22), jalali_day(1404, 9, 28))
    assert last_complete_week(saturday - dt.timedelta(days=1)) == Period(
        jalali_day(1404, 9, 15), jalali_day(1404, 9, 21)
    )


def test_the_sessions_are_those_closed_in_the_week_with_their_items_and_resolutions(
    week: SimpleNamespace,
) -> None:
    r = week

    report = report_of(r)

    held_in_week = [
        m
        for m in Meeting.objects.all()
        if m.status == "closed" and local_day(m.starts_at) in r.week
    ]
    assert [m.pk for m in report.sessions.rows] == [m.pk for m in held_in_week] == [r.session.pk]
    session = report.sessions.rows[0]
    assert session.agenda_items == AgendaItem.objects.filter(meeting=r.session).count() == 2
    assert (
        session.resolutions_issued
        == Resolution.objects.filter(meeting=r.session).exclude(state="draft").count()
        == 2
    )
    assert report.sessions.total == report.week_sessions.total == 1
    assert r.planned.pk not in [m.pk for m in report.sessions.rows]


def test_the_cases_are_those_filed_in_the_week_by_the_day_in_tehran(week: SimpleNamespace) -> None:
    r = week

    report = report_of(r)

    filed = sorted(
        (
            c
            for c in Case.objects.all()
            if c.status != "merged" and local_day(c.created_at) in r.week
        ),
        key=lambda c: (c.created_at, c.pk),
    )
    listed = [c.pk for c in report.cases.rows]
    assert listed == [c.pk for c in filed]
    assert r.first_case.pk in listed and r.last_case.pk in listed
    assert r.merged_into.pk in listed
    assert r.merged.pk not in listed
    assert r.day_before.pk not in listed and r.day_after.pk not in listed
    assert report.cases.total == report.week_cases.received == len(filed)
    assert report.cases.more == 0


def test_the_resolutions_are_those_issued_at_the_weeks_sessions(week: SimpleNamespace) -> None:
    r = week

    report = report_of(r)
    with translation.override("en"):
        table = next(t for t in week_tables(report) if t.name == "week-resolutions")
    with translation.override("fa"):
        persian = next(t for t in week_tables(report) if t.name == "week-resolutions")

    assert [x.pk for x in report.resolutions.rows] == [x.pk for x in r.resolutions]
    assert [row[0] for row in table.rows] == [
        f"{x.meeting.number}/{x.number}" for x in r.resolutions
    ]
    assert [row[0] for row in persian.rows] == ["۲۲۸/۱", "۲۲۸/۲"]
    assert [row[3] for row in table.rows] == [r.tax.name] * 2
    assert [row[4] for row in table.rows] == [x.deadline for x in r.resolutions]
    assert report.resolutions.total == report.week_resolutions.total == 2


def test_the_overdue_items_are_counted_by_agency_today(week: SimpleNamespace) -> None:
    r = week

    report = report_of(r)

    expected: dict[int, list[int]] = {}
    for referral in Referral.objects.select_related("case"):
        if (
            referral.status == "open"
            and referral.due_on < r.today
            and referral.case.status != "returned_for_info"
        ):
            expected.setdefault(referral.agency_id, [0, 0])[0] += 1
    for resolution in Resolution.objects.prefetch_related("addressees"):
        if resolution.state in ("notified", "in_progress") and resolution.deadline < r.today:
            for addressee in resolution.addressees.all():
                expected.setdefault(addressee.agency_id, [0, 0])[1] += 1
    assert {row.agency.pk: [row.referrals, row.resolutions] for row in report.overdue} == expected
    assert expected == {r.tax.pk: [1, 0], r.customs.pk: [0, 1]}
    assert report.overdue_cases == 1
    assert report.overdue_resolutions == 1


def test_the_year_so_far_is_the_dashboard_from_farvardin_to_the_weeks_end(
    week: SimpleNamespace,
) -> None:
    r = week

    report = report_of(r)

    assert report.year == dashboard(province=r.province, period=Period.year_to_date(r.week.end))
    assert report.year.openings.lines == [r.line]


def test_a_week_under_way_is_counted_up_to_today(week: SimpleNamespace) -> None:
    r = week
    wednesday = jalali_day(1404, 9, 26)

    report = weekly_report(province=r.province, week=r.week, today=wednesday)

    assert report.as_of == wednesday
    assert report.year.period == Period.year_to_date(wednesday)


def test_a_long_list_is_cut_and_says_how_many_more(week: SimpleNamespace) -> None:
    r = week

    report = report_of(r, rows=1)
    cases = next(t for t in week_tables(report) if t.name == "week-cases")

    assert len(report.cases.rows) == 1
    assert report.cases.more == report.cases.total - 1 > 0
    assert cases.note == ngettext(
        "and %(count)s more, not listed here",
        "and %(count)s more, not listed here",
        report.cases.more,
    ) % {"count": report.cases.more}


# --- The PDF and the workbook --------------------------------------------------------------------


def test_the_pdf_prints_the_weeks_figures_and_lists(week: SimpleNamespace) -> None:
    from tashil.figures.pdf import weekly_pdf

    r = week
    report = report_of(r)

    data = weekly_pdf(report)
    text = " ".join(pdf_text(data).split())

    assert data.startswith(b"%PDF")
    assert r.province.name in text
    assert "۲۲ آذر ۱۴۰۴" in text and "۲۸ آذر ۱۴۰۴" in text
    assert f"{fa('Cases received')} {digits(report.week_cases.received)}" in text
    assert f"{fa('Resolutions issued')} {digits(report.week_resolutions.total)}" in text
    for case in report.cases.rows:
        assert case.display_tracking in text
    assert "۲۲۸/۱" in text and "۲۲۸/۲" in text
    assert r.customs.name in text
    # The year so far: the line opened, with its investment in rials.
    assert digits(r.line.amount_rial) in text


def test_the_workbook_has_a_right_to_left_sheet_per_section(week: SimpleNamespace) -> None:
    r = week
    report = report_of(r)

    book = openpyxl.load_workbook(io.BytesIO(weekly_workbook(report)))

    tables = [*week_tables(report), *year_tables(report)]
    assert len(book.worksheets) == len(tables)
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    cases = book.worksheets[2]
    assert [row[0] for row in cases.iter_rows(min_row=2, values_only=True)] == [
        c.display_tracking for c in report.cases.rows
    ]
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert summary[gettext("Cases received")] == report.week_cases.received


# --- The page and the downloads ------------------------------------------------------------------


def test_the_page_shows_last_week_by_default(client: Any, week: SimpleNamespace) -> None:
    r = week
    client.force_login(r.executive)

    response = client.get("/figures/weekly/")

    assert response.status_code == 200
    assert response.context["report"].week == r.week
    content = response.content.decode()
    for case in response.context["report"].cases.rows:
        assert f'href="/cases/{case.tracking}/"' in content
    assert f'href="/meetings/{r.session.pk}/"' in content
    assert f"/figures/weekly.pdf?province={r.province.code}&amp;day=1404%2F09%2F22" in content


def test_the_page_shows_the_week_of_the_chosen_day(client: Any, week: SimpleNamespace) -> None:
    r = week
    client.force_login(r.secretariat)

    response = client.get("/figures/weekly/", {"day": "۱۴۰۴/۰۹/۱۹"})

    report = response.context["report"]
    assert report.week == Period(jalali_day(1404, 9, 15), jalali_day(1404, 9, 21))
    assert [m.pk for m in report.sessions.rows] == [r.before.pk]


def test_a_day_after_today_falls_back_to_last_week_with_an_error(
    client: Any, week: SimpleNamespace
) -> None:
    r = week
    client.force_login(r.secretariat)

    response = client.get("/figures/weekly/", {"day": "1404/10/01"})

    assert response.status_code == 200
    assert response.context["form"].errors["day"]
    assert response.context["report"].week == r.week


@pytest.mark.parametrize("name", ["owner", "officer", "county_secretary", "agency_head"])
@pytest.mark.parametrize("url", ["/figures/weekly/", "/figures/weekly.pdf", "/figures/weekly.xlsx"])
def test_other_roles_do_not_find_the_report(
    client: Any, request: pytest.FixtureRequest, province: Any, name: str, url: str
) -> None:
    client.force_login(request.getfixturevalue(name))

    assert client.get(url).status_code == 404


def test_the_downloads_are_the_pages_report(client: Any, week: SimpleNamespace) -> None:
    r = week
    client.force_login(r.secretariat)

    pdf = client.get("/figures/weekly.pdf", {"province": r.province.code, "day": "1404/09/22"})
    xlsx = client.get("/figures/weekly.xlsx", {"province": r.province.code, "day": "1404/09/22"})

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="weekly-report-{r.province.code}-2025-12-13.pdf"'
    )
    assert r.last_case.display_tracking in pdf_text(pdf.content)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    tracking = [row[0] for row in book.worksheets[2].iter_rows(min_row=2, values_only=True)]
    assert r.last_case.display_tracking in tracking


def test_the_page_costs_the_same_queries_with_more_records(
    client: Any, week: SimpleNamespace
) -> None:
    r = week
    client.force_login(r.secretariat)
    with CaptureQueriesContext(connection) as before:
        client.get("/figures/weekly/")

    # Another session in the week with three resolutions, and more cases filed.
    held(
        r,
        tehran_moment(1404, 9, 24, 11),
        deadlines=[jalali_day(1404, 11, 1)] * 3,
        agencies=[r.tax, r.customs],
    )
    at(r.clock, jalali_day(1404, 9, 25))
    for _ in range(3):
        r.cases("submitted")
    at(r.clock, r.today, 8)
    with CaptureQueriesContext(connection) as after:
        response = client.get("/figures/weekly/")

    assert response.context["report"].sessions.total == 2
    assert len(after) == len(before)


def test_a_day_that_cannot_be_read_keeps_the_chosen_province(
    client: Any, week: SimpleNamespace, executive: Any
) -> None:
    from tashil.accounts.services import role_grant
    from tashil.factories import ProvinceFactory

    # An executive who reads two provinces chooses the second one.
    other: Any = ProvinceFactory(code="19", name="لرستان")
    role_grant(actor=None, user=executive, role="executive", province=other)
    client.force_login(executive)

    response = client.get("/figures/weekly/", {"province": other.code, "day": "1404/13/01"})

    assert response.context["form"].errors["day"]
    assert response.context["report"].province == other
    assert response.context["report"].week == week.week
