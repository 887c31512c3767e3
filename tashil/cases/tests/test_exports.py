"""The case list's download: every matching case, as far as the reader sees them, streamed as CSV
or written to a right-to-left workbook, without amounts."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tashil.cases.models import Case
from tashil.cases.tracking import format_tracking
from tashil.cases.workflow import CaseStatus
from tashil.core.jalali import jalali_input_value

pytestmark = pytest.mark.django_db

S = CaseStatus


def _csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_lists_every_case_the_secretariat_sees_newest_first(
    client: Any, secretariat: Any, case_in: Any
) -> None:
    older = case_in(S.SUBMITTED, title="کمبود نقدینگی", amount=5_000_000_000)
    newer = case_in(S.SCREENING, title="بدهی مالیاتی")
    client.force_login(secretariat)

    response = client.get(reverse("cases:export", args=["csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header[0] == "کد رهگیری"
    assert [row[0] for row in rows] == [
        format_tracking(newer.tracking),
        format_tracking(older.tracking),
    ]
    first = dict(zip(header, rows[0], strict=True))
    assert first["عنوان"] == "بدهی مالیاتی"
    assert first["وضعیت"] == str(S.SCREENING.label)
    assert first["شناسه ملی"] == newer.company.national_id
    # Filed on the local day, in both calendars.
    filed = timezone.localtime(newer.created_at).date()
    assert rows[0][1:3] == [jalali_input_value(filed), filed.isoformat()]
    # Amounts never leave the application in a spreadsheet.
    assert "5000000000" not in "".join(",".join(row) for row in rows)


def test_the_csv_keeps_the_lists_filters(client: Any, secretariat: Any, case_in: Any) -> None:
    case_in(S.SUBMITTED, title="کمبود نقدینگی")
    screening = case_in(S.SCREENING, title="بدهی مالیاتی")
    client.force_login(secretariat)

    response = client.get(reverse("cases:export", args=["csv"]), {"status": S.SCREENING})

    _, *rows = _csv_rows(response)
    assert [row[0] for row in rows] == [format_tracking(screening.tracking)]


def test_the_csv_holds_only_the_cases_the_reader_may_see(
    client: Any, case_in: Any, other_officer: Any
) -> None:
    case_in(S.SUBMITTED, title="کمبود نقدینگی")
    client.force_login(other_officer)

    _, *rows = _csv_rows(client.get(reverse("cases:export", args=["csv"])))

    assert rows == []
    assert Case.objects.count() == 1


def test_the_workbook_is_right_to_left_and_keeps_dates_as_dates(
    client: Any, secretariat: Any, case_in: Any
) -> None:
    case = case_in(S.SUBMITTED, title="کمبود نقدینگی")
    client.force_login(secretariat)

    response = client.get(reverse("cases:export", args=["xlsx"]))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == format_tracking(case.tracking)
    assert rows[1][2].date() == timezone.localtime(case.created_at).date()


def test_an_unknown_format_is_not_found(client: Any, secretariat: Any) -> None:
    client.force_login(secretariat)

    assert client.get(reverse("cases:export", args=["pdf"])).status_code == 404


def test_the_export_needs_a_login(client: Any) -> None:
    response = client.get(reverse("cases:export", args=["csv"]))

    assert response.status_code == 302


def test_the_export_reads_the_same_queries_for_more_cases(
    client: Any, secretariat: Any, case_in: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(secretariat)
    case_in(S.SUBMITTED)
    with django_assert_max_num_queries(20) as few:
        b"".join(client.get(reverse("cases:export", args=["csv"])).streaming_content)
    for _ in range(5):
        case_in(S.SUBMITTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        b"".join(client.get(reverse("cases:export", args=["csv"])).streaming_content)
