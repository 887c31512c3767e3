"""The generic spreadsheet machinery, through a small importer of recurring holidays: all or
nothing with savepoints, service errors put on the right column, the registry of kinds, the
cell parsers, and the streamed exports."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import CheckConstraint
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from tashil.core import spreadsheets
from tashil.core.models import RecurringHoliday
from tashil.core.spreadsheets import (
    CellError,
    Column,
    Importer,
    Row,
    csv_response,
    import_file,
    importer_for,
    parse_count,
    parse_date,
    parse_decimal,
    parse_percent,
    register,
    xlsx_response,
)

pytestmark = pytest.mark.django_db


class HolidayImporter(Importer):
    """Holidays by Jalali month and day; `model.full_clean` plays the service."""

    kind = "test-holidays"
    label = gettext_lazy("Holidays")
    sheet_title = "تعطیلات"
    columns = (
        Column("name", "نام", True, 20, gettext_lazy("A name."), "نوروز"),
        Column("month", "ماه", True, 6, gettext_lazy("A whole number."), "1"),
        Column("day", "روز", True, 6, gettext_lazy("A whole number."), "1"),
    )
    key_column = "name"
    upload_url = "core:home"
    list_url = "core:home"

    def parsers(self) -> Mapping[str, Callable[[Any], Any]]:
        return {"name": spreadsheets.clean, "month": parse_count, "day": parse_count}

    def apply(self, row: Row) -> str:
        holiday = RecurringHoliday(**row.values)
        # The fields and the day's check as a service would; a repeated day is left to the
        # database (an IntegrityError).
        holiday.full_clean(validate_unique=False, validate_constraints=False)
        for constraint in RecurringHoliday._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                constraint.validate(RecurringHoliday, holiday)
        holiday.save()
        return "created"


@pytest.fixture
def holidays(monkeypatch: Any) -> type[Importer]:
    monkeypatch.setattr(spreadsheets, "_IMPORTERS", {**spreadsheets.importers()})
    return register(HolidayImporter)


def workbook(*rows: list[Any]) -> io.BytesIO:
    book = Workbook()
    book.active.append(["نام", "ماه", "روز"])
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    return output


def run(file: io.BytesIO, **options: Any) -> Any:
    options.setdefault("dry_run", False)
    return import_file(
        actor=None, province=None, kind="test-holidays", file=file, filename="h.xlsx", **options
    )


def test_a_row_the_service_refuses_rolls_back_the_rows_already_applied(holidays):
    steps: list[tuple[int, int]] = []

    report = run(
        workbook(
            ["نوروز", 1, 1], ["ماه ناموجود", 13, 1], ["روز ناموجود", 12, 31], ["سیزده", 1, 13]
        ),
        progress=lambda done, total: steps.append((done, total)),
    )

    # A field's error on its column; an error of the whole row on the key column.
    assert [(e.row, e.column) for e in report.errors] == [(3, "ماه"), (4, "نام")]
    assert (report.total, report.created) == (4, 0)
    assert not RecurringHoliday.objects.exists()
    assert steps[-1] == (8, 8)  # each row checked once and tried once


def test_a_conflict_with_saved_data_is_reported_on_the_key_column(holidays):
    RecurringHoliday.objects.create(name="نوروز", month=1, day=1)

    report = run(workbook(["چهارشنبه", 1, 2], ["تکرار", 1, 1]))

    assert [(e.row, e.column) for e in report.errors] == [(3, "نام")]
    assert RecurringHoliday.objects.count() == 1


def test_a_good_file_is_applied_and_a_dry_run_is_not(holidays):
    dry = run(workbook(["نوروز", "۱", "۱"]), dry_run=True)
    assert (dry.ok, dry.created) == (True, 1)
    assert not RecurringHoliday.objects.exists()

    report = run(workbook(["نوروز", "۱", "۱"]))
    assert (report.ok, report.created) == (True, 1)
    assert RecurringHoliday.objects.get().day == 1


def test_a_kind_is_registered_once_and_an_unknown_kind_is_refused(holidays):
    class Impostor(HolidayImporter):
        pass

    assert importer_for("test-holidays") is HolidayImporter
    with pytest.raises(ImproperlyConfigured):
        register(Impostor)
    with pytest.raises(ValueError, match="unknown import kind"):
        importer_for("nothing")


def test_the_apps_importers_are_found_without_importing_them():
    assert {"companies", "certificates", "projects", "exports"} <= set(spreadsheets.importers())


def test_the_template_of_a_kind_explains_every_column(holidays):
    book = load_workbook(io.BytesIO(spreadsheets.template_workbook("test-holidays")))

    assert book.sheetnames == ["تعطیلات", "راهنما"]
    guide = [row for row in book["راهنما"].iter_rows(values_only=True)]
    assert [row[0] for row in guide[1:4]] == ["نام", "ماه", "روز"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("۴٬۰۰۰٬۰۰۰", Decimal(4_000_000)), ("1,250.5", Decimal("1250.5")), ("۱۲٫۵", Decimal("12.5"))]
    + [(3, Decimal(3)), (2.25, Decimal("2.25"))],
)
def test_amounts_are_read_in_any_digits_with_separators(value, expected):
    assert parse_decimal(value) == expected


@pytest.mark.parametrize("value", ["-5", "1.2.3", "ده", True, float("nan")])
def test_what_is_not_an_amount_is_refused(value):
    with pytest.raises(CellError):
        parse_decimal(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("۹۵٪", 95), ("95%", 95), (0.95, 95), (100, 100), ("0", 0)]
)
def test_percentages_are_read_with_or_without_the_sign(value, expected):
    assert parse_percent(value) == expected


@pytest.mark.parametrize("value", ["101", "-1", "12.5", "بسیار"])
def test_what_is_not_a_whole_percentage_is_refused(value):
    with pytest.raises(CellError):
        parse_percent(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1404/09/24", dt.date(2025, 12, 15)),
        ("۱۴۰۴-۹-۲۴", dt.date(2025, 12, 15)),
        ("14040924", dt.date(2025, 12, 15)),
        (dt.datetime(2025, 12, 15), dt.date(2025, 12, 15)),
        (dt.date(1404, 9, 24), dt.date(2025, 12, 15)),  # a Jalali date a program took as a date
    ],
)
def test_dates_are_read_as_jalali_text_or_gregorian_cells(value, expected):
    assert parse_date(value) == expected


def test_csv_exports_stream_in_the_askers_language_and_neutralise_formulas():
    def records() -> Any:
        yield [str(gettext_lazy("Yes")), "=HYPERLINK(1)", None, dt.date(2025, 12, 15)]

    with translation.override("en"):
        response = csv_response(headers=["@head"], records=records(), filename="x.csv")
    with translation.override("fa"):
        text = b"".join(response.streaming_content).decode("utf-8")

    assert text.splitlines() == ["\ufeff'@head", "Yes,'=HYPERLINK(1),,2025-12-15"]


def test_xlsx_exports_are_right_to_left_with_typed_cells():
    response = xlsx_response(
        headers=["a", "b"],
        records=iter([[1, dt.date(2025, 12, 15)], ["-1", None]]),
        filename="x.xlsx",
        sheet_title="s",
        widths=(12, 14),
    )

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.sheet_view.rightToLeft
    assert sheet.column_dimensions["B"].width == 14
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        (1, dt.datetime(2025, 12, 15)),
        ("'-1", None),
    ]
