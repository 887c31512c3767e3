"""Spreadsheets in and out: importing Excel (.xlsx) and CSV files, and streaming exports.

The secretariat keeps its lists in spreadsheets, typed on Persian keyboards: digits arrive in three
scripts, IDs arrive as numbers that lost their leading zeros, dates arrive as Jalali text or as
Gregorian date cells. This module reads such files safely (size, zip-bomb and row limits), matches
the Persian headers, parses the cells, and runs an import all or nothing; each app describes what
its files hold.

**Importing.** An app describes one kind of file as an `Importer` subclass — its columns, a parser
per column, checks of the rows against each other and the database, and how to apply one row
through the app's services — and registers it with `@register`. `import_file(kind=…)` runs any
registered kind: importers live in each app's `imports` module, found the way the admin finds
`admin` modules, so the job runner and the command need not know the apps.

An import is all or nothing: the rows are applied in one transaction, each in its own savepoint so
that a row the services refuse is reported and the next row still checked; when any row has an
error (or on a dry run) the whole transaction is rolled back. Each error names the spreadsheet row
(the header is row 1) and the Persian header of the column at fault. Importers match rows to
stored records, so importing a file again changes nothing.

**Exporting.** `csv_response` and `xlsx_response` stream rows read in chunks (a right-to-left
workbook in write-only mode, a CSV with a BOM so that Excel reads the Persian), with every text
cell that a spreadsheet would run as a formula neutralised.
"""

from __future__ import annotations

import abc
import csv
import datetime as dt
import functools
import io
import itertools
import re
import tempfile
import zipfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, ClassVar, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import MaxLengthValidator
from django.db import DataError, IntegrityError, models, transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tashil.core.identifiers import clean_digits, normalize_national_id
from tashil.core.jalali import JalaliDateError, format_number, parse_jalali_date
from tashil.core.text import compact_key, to_ascii_digits
from tashil.geo.models import County, IndustrialEstate, Province

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# The command line is the operator's: a whole national registry (docs/performance.md measures a
# 100,000-row file) in one run.
COMMAND_MAX_ROWS = 200_000
# Rows written per bulk insert by importers that have a bulk path (`Importer.apply_batch`).
APPLY_BATCH = 1000
COMMAND_MAX_BYTES = 50 * 1024 * 1024

GUIDE_SHEET = "راهنما"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportFileError(Exception):
    """The file as a whole cannot be imported. `message` is translated for the user."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row number: the header is row 1
    column: str  # the Persian header of the column
    message: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    total: int = 0  # data rows (fully empty rows are not counted)
    # What was done, or on a dry run what would be done; all zero when any row has an error,
    # because then nothing is imported.
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Column:
    key: str  # the field name the importer (and its service) uses
    header: str  # the Persian header, as the file and the error messages show it
    required: bool  # the column must be in the file, and every row must fill it
    width: int  # in the template, in Excel's character widths
    help: Promise
    example: str


@dataclass
class Row:
    number: int
    cells: dict[str, Any]  # column key → the raw (non-empty) cell value
    values: dict[str, Any] = field(default_factory=dict)  # column key → the parsed value


class CellError(Exception):
    """A cell a parser cannot read. `message` is translated for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Reports a problem of a row on the column with the given key.
ErrorFn = Callable[[Row, str, str], None]


@dataclass(frozen=True)
class GuideList:
    """A list of allowed values the template's guide sheet shows, offered in the cells of the
    column `key` as a drop-down. Each row is (the value to type, a note)."""

    key: str
    title: str
    rows: Sequence[tuple[str, str]]


# --- Importers -----------------------------------------------------------------------------------


class Importer(abc.ABC):
    """One kind of spreadsheet an app imports. An instance lives for one import: it reads the
    reference data it needs once, in `__init__`, and may keep what `check` read for `apply`."""

    kind: ClassVar[str]  # stored on import jobs; at most 20 characters
    label: ClassVar[Promise]  # what the file holds, for the upload form
    sheet_title: ClassVar[str]  # the template's data sheet, in Persian (at most 31 characters)
    columns: ClassVar[tuple[Column, ...]]
    # The column a problem of the whole row is reported on (a conflict, a message no field owns).
    key_column: ClassVar[str]
    # Field names the services use in their ValidationErrors, when they differ from column keys.
    service_fields: ClassVar[Mapping[str, str]] = {}
    # The notes under the guide sheet's column table.
    notes: ClassVar[tuple[Promise, ...]] = (
        gettext_lazy("An empty cell leaves the stored value unchanged."),
        gettext_lazy("Nothing is imported unless every row of the file is valid."),
    )
    # URL names of the upload page and of the list the rows end up in, for the job page.
    upload_url: ClassVar[str]
    list_url: ClassVar[str]

    def __init__(self, *, province: Province, actor: Any) -> None:
        self.province = province
        self.actor = actor

    @abc.abstractmethod
    def parsers(self) -> Mapping[str, Callable[[Any], Any]]:
        """column key → a function from the raw cell to its value, raising CellError."""

    def check(self, rows: list[Row], error: ErrorFn) -> None:  # noqa: B027 - optional step
        """Check the parsed rows against each other and against the database; runs once, after
        every cell was parsed (a cell that failed is missing from `row.values`)."""

    def apply_batch(self, rows: Sequence[Row]) -> list[str] | None:
        """Write many valid rows at once, in one savepoint, through a bulk service; returns one
        outcome per row, or None when this kind has no bulk path (then `apply` runs per row).
        It may raise ValidationError or IntegrityError: the batch is then rolled back and its rows
        applied one by one, so that the error is reported on the row that caused it."""
        return None

    @abc.abstractmethod
    def apply(self, row: Row) -> str:
        """Write one valid row through the services, in a savepoint; returns "created",
        "updated" or "unchanged". A ValidationError is reported on the columns it names."""

    @classmethod
    def help_text(cls, column: Column) -> str:
        return str(column.help)

    @classmethod
    def guide_lists(cls, province: Province | None) -> Iterable[GuideList]:
        """The lists of allowed values the template shows (statuses, counties…)."""
        return ()


_IMPORTERS: dict[str, type[Importer]] = {}
ImporterT = TypeVar("ImporterT", bound=type[Importer])


def register(importer: ImporterT) -> ImporterT:
    """Class decorator: make a kind importable by `import_file`, the job runner and the
    templates."""
    known = _IMPORTERS.get(importer.kind)
    if known is not None and _name(known) != _name(importer):
        raise ImproperlyConfigured(
            f"import kind {importer.kind!r} is taken by {_name(known)} ({_name(importer)})"
        )
    _IMPORTERS[importer.kind] = importer
    return importer


def _name(importer: type[Importer]) -> str:
    return f"{importer.__module__}.{importer.__qualname__}"


@functools.cache
def _discover() -> None:
    autodiscover_modules("imports")


def importers() -> dict[str, type[Importer]]:
    """Every registered kind, by kind."""
    _discover()
    return dict(_IMPORTERS)


def importer_for(kind: str) -> type[Importer]:
    """The importer of `kind`; ValueError for an unknown kind."""
    found = importers().get(kind)
    if found is None:
        raise ValueError(f"unknown import kind {kind!r}")
    return found


# --- Templates -----------------------------------------------------------------------------------


def template_csv(kind: str) -> bytes:
    """The header row of `kind`, UTF-8 with a BOM so that Excel reads the Persian correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header for column in importer_for(kind).columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_workbook(kind: str, province: Province | None = None) -> bytes:
    """An .xlsx to fill in: a right-to-left sheet with the headers (required ones bold, each with
    its explanation as a comment), and a second sheet «راهنما» explaining every column with an
    example and listing the allowed values (given a province, its counties and estates)."""
    importer = importer_for(kind)
    columns = importer.columns
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importer.sheet_title
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=column.required)
        cell.alignment = Alignment(horizontal="center")
        if column.required:
            cell.fill = required_fill
        cell.comment = Comment(importer.help_text(column), "Tashil", width=300, height=120)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        # Text format, so that Excel keeps IDs, codes and Jalali dates exactly as typed.
        sheet.column_dimensions[letter].number_format = "@"

    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.sheet_view.rightToLeft = True
    ranges = _guide(guide, importer, province)
    for key, cells in ranges.items():
        index = next(i for i, c in enumerate(columns, start=1) if c.key == key)
        letter = get_column_letter(index)
        validation = DataValidation(
            type="list",
            formula1=f"'{GUIDE_SHEET}'!{cells}",
            allow_blank=True,
            # A suggestion list: the import also takes English names, values and codes.
            showErrorMessage=False,
        )
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _guide(sheet: Worksheet, importer: type[Importer], province: Province | None) -> dict[str, str]:
    """Fill the guide sheet; returns the cell ranges of the allowed values per column key."""
    columns = importer.columns
    bold = Font(bold=True)
    yes, no = _("Yes"), _("No")
    sheet.append([_("Column"), _("Required"), _("What to enter"), _("Example")])
    for column in columns:
        sheet.append(
            [
                column.header,
                yes if column.required else no,
                importer.help_text(column),
                column.example,
            ]
        )
    sheet.append([])
    for note in importer.notes:
        sheet.append([str(note)])
    sheet.append([])
    sheet.append([_("An example row")])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([column.header for column in columns])
    sheet.append([column.example for column in columns])
    for cell in sheet[1]:
        cell.font = bold
    for letter, width in (("A", 24), ("B", 30), ("C", 70), ("D", 24)):
        sheet.column_dimensions[letter].width = width

    keys = {column.key for column in columns}
    ranges: dict[str, str] = {}
    for listed in importer.guide_lists(province):
        sheet.append([])
        sheet.append([listed.title])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        first = sheet.max_row + 1
        for name, remark in listed.rows:
            sheet.append(["", name, remark])
        if sheet.max_row >= first and listed.key in keys:
            ranges[listed.key] = f"$B${first}:$B${sheet.max_row}"
    return ranges


# --- Reading the file ----------------------------------------------------------------------------

# Marks that survive str.strip(): ZWNJ/ZWJ, bidi marks and the BOM.
_INVISIBLE = (
    "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the pre-2007 .xls format
_CSV_DELIMITERS = (",", ";", "\t", "؛")


def _read_rows(file: IO[bytes], filename: str, limit: int) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values) of the first sheet or of the CSV, header included; a file of
    more than `limit` bytes is refused."""
    data = file.read(limit + 1)
    if _sniff(data, filename, limit) == "xlsx":
        return _read_xlsx(data)
    return _read_csv(data, data.startswith(_BOM16))


_BOM16 = (b"\xff\xfe", b"\xfe\xff")


def _sniff(data: bytes, filename: str, limit: int) -> str:
    """ "xlsx" or "csv", judged by the bytes (a CSV is whatever is not binary), the name only
    refusing a text file that claims to be a workbook; raises ImportFileError otherwise."""
    if len(data) > limit:
        raise ImportFileError(
            _("The file is larger than %(size)s MB.") % {"size": format_number(limit // 2**20)},
            code="too_large",
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."), code="empty")
    if data.startswith(_ZIP_MAGIC):
        _unpacked_size(data)
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) and "
                "try again."
            ),
            code="old_excel",
        )
    has_bom16 = data.startswith(_BOM16)
    if (b"\x00" in data and not has_bom16) or filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ImportFileError(_not_a_spreadsheet(), code="not_spreadsheet")
    return "csv"


def check_upload(file: IO[bytes], filename: str, limit: int | None = None) -> None:
    """The checks of the file as a whole that need no parsing (size, type by content, a zip
    that is no workbook or would unpack too large), for the upload form to answer at once
    instead of queueing a job that can only fail. Raises ImportFileError; leaves the file at
    its start."""
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    file.seek(0)
    try:
        _sniff(file.read(limit + 1), filename, limit)
    finally:
        file.seek(0)


def _not_a_spreadsheet() -> str:
    return _("This is not an Excel (.xlsx) or CSV file.")


def _unpacked_size(data: bytes) -> int:
    """The size a zip declares it unpacks to, refused over MAX_UNPACKED_BYTES. The upload limit
    counts compressed bytes, and a workbook of repeated cells compresses a thousandfold; a zip
    that lies about its sizes fails its CRC check when openpyxl reads past them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(_not_a_spreadsheet(), code="not_spreadsheet") from None
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        # A .docx, a plain archive, or an .xlsx renamed from something else.
        raise ImportFileError(_not_a_spreadsheet(), code="not_spreadsheet")
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _("The workbook is too large once unpacked. Split it into smaller files."),
            code="too_large",
        )
    return unpacked


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    # Refuse a zip bomb before openpyxl reads it (it keeps the shared strings in memory).
    _unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # A zip that is not a workbook fails in many ways inside openpyxl (BadZipFile, KeyError,
        # InvalidFileException, XML errors): to the user they are all the same.
        raise ImportFileError(_not_a_spreadsheet(), code="not_spreadsheet") from None
    if not workbook.worksheets:
        workbook.close()
        raise ImportFileError(_("The file has no data rows."), code="no_rows")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            sheet = workbook.worksheets[0]
            # Some programs write a wrong used range, which read-only mode would trust.
            sheet.reset_dimensions()
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(values)
        finally:
            workbook.close()

    return rows()


def _read_csv(data: bytes, utf16: bool) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The CSV file is not in UTF-8. In Excel, save it as «CSV UTF-8» and try again."),
            code="encoding",
        ) from None
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(_CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, list(values)
    except csv.Error:
        raise ImportFileError(_not_a_spreadsheet(), code="not_spreadsheet") from None


def _header_key(text: Any) -> str:
    return compact_key(clean(text).rstrip("*").strip())


def _rows(
    raw: Iterator[tuple[int, list[Any]]], columns: Sequence[Column], limit: int
) -> tuple[list[Column], list[Row]]:
    """The columns present and the non-empty data rows; raises ImportFileError for bad headers
    and for more than `limit` rows."""
    header = next(raw, None)
    if header is None:
        raise ImportFileError(_("The file is empty."), code="empty")
    by_key = {compact_key(column.header): column for column in columns}
    positions: dict[int, Column] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for index, text in enumerate(header[1]):
        key = _header_key(text) if text is not None else ""
        if not key:
            continue
        column = by_key.get(key)
        if column is None:
            unknown.append(clean(text))
        elif column in positions.values():
            duplicated.append(column.header)
        else:
            positions[index] = column
    if not positions and not unknown:
        if any(clean(value) for _number, values in raw for value in values):
            raise ImportFileError(
                _("The first row is empty. The first row must hold the headers."),
                code="no_header",
            )
        raise ImportFileError(_("The file is empty."), code="empty")
    missing = [c.header for c in columns if c.required and c not in positions.values()]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s. The first row must hold the headers.")
            % {"columns": "، ".join(missing)},
            code="missing_columns",
        )
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(columns)s. The allowed columns are: %(allowed)s.")
            % {"columns": "، ".join(unknown), "allowed": "، ".join(c.header for c in columns)},
            code="unknown_columns",
        )
    if duplicated:
        raise ImportFileError(
            _("These columns appear more than once: %(columns)s.")
            % {"columns": "، ".join(duplicated)},
            code="duplicate_columns",
        )
    rows: list[Row] = []
    for number, values in raw:
        cells = {
            column.key: values[index]
            for index, column in positions.items()
            if index < len(values) and clean(values[index])
        }
        if not cells:
            continue
        if len(rows) >= limit:
            raise ImportFileError(
                _("The file has more than %(count)s rows; split it into smaller files.")
                % {"count": format_number(limit)},
                code="too_many_rows",
            )
        rows.append(Row(number, cells))
    if not rows:
        raise ImportFileError(_("The file has no data rows."), code="no_rows")
    present = [column for column in columns if column in positions.values()]
    return present, rows


# --- The import ----------------------------------------------------------------------------------


class _Progress:
    """Calls `progress(done, total)` at most about 200 times, and always for the last step."""

    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.done = 0
        self.every = max(1, total // 200)

    def step(self) -> None:
        self.done += 1
        if self.callback and (self.done % self.every == 0 or self.done == self.total):
            self.callback(self.done, self.total)


def import_file(
    *,
    actor: Any,
    province: Province,
    kind: str,
    file: IO[bytes],
    filename: str,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Check every row of the file and, when all are valid and this is not a dry run, apply them
    in one transaction. Raises ImportFileError when the file itself cannot be read; row problems
    are returned in the report. `progress(done, total)` counts steps: each row is checked once
    and applied (or tried, on a dry run) once, so `total` is twice the number of rows.

    The limits guard the web upload, which anyone with the role may send; an operator's command
    (`ImportCommand`) raises them for the province's whole registry at once."""
    importer_class = importer_for(kind)
    columns = importer_class.columns
    # Read at call time, not bound as defaults: the limits are settings of this module.
    raw = _read_rows(file, filename, MAX_UPLOAD_BYTES if max_bytes is None else max_bytes)
    present, rows = _rows(raw, columns, MAX_ROWS if max_rows is None else max_rows)
    report = ImportReport(kind=kind, dry_run=dry_run, total=len(rows))
    steps = _Progress(progress, 2 * len(rows))
    importer = importer_class(province=province, actor=actor)
    parsers = importer.parsers()
    headers = {column.key: column.header for column in columns}
    errors: dict[RowError, None] = {}  # ordered, and a derived field's error is not repeated
    failed: set[int] = set()

    def error(row: Row, key: str, message: str) -> None:
        errors[RowError(row=row.number, column=headers[key], message=message)] = None
        failed.add(row.number)

    # 1. Each cell on its own.
    for row in rows:
        for column in present:
            if column.key not in row.cells:
                if column.required:
                    error(row, column.key, _("This cell is required."))
                continue
            cell = row.cells[column.key]
            if isinstance(cell, str) and "\x00" in cell:
                # PostgreSQL cannot store a NUL character in text; a UTF-16 CSV can hold one.
                error(row, column.key, _("Text may not contain a NUL character."))
                continue
            try:
                row.values[column.key] = parsers[column.key](cell)
            except CellError as problem:
                error(row, column.key, problem.message)
        steps.step()

    # 2. Rows against each other and against the database.
    importer.check(rows, error)

    # 3. Apply, in batches where the importer has a bulk path and otherwise each row in a
    # savepoint; roll everything back on any error or on a dry run. The rows already at fault
    # are skipped, but the others are still tried, so the report lists every problem at once.
    outcomes: list[str] = []
    with transaction.atomic():
        for batch in chunks(rows, APPLY_BATCH):
            valid = [row for row in batch if row.number not in failed]
            outcomes += _apply(importer, valid, error)
            for _row in batch:
                steps.step()
        if errors or dry_run:
            transaction.set_rollback(True)

    report.errors = sorted(errors, key=lambda e: e.row)
    if not errors:
        report.created = outcomes.count("created")
        report.updated = outcomes.count("updated")
        report.unchanged = outcomes.count("unchanged")
    return report


def _apply(importer: Importer, rows: Sequence[Row], error: ErrorFn) -> list[str]:
    """The outcomes of applying `rows`: all at once when the importer can, and one by one, each
    in its own savepoint, when it cannot or when the batch failed (to find the row at fault)."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            outcomes = importer.apply_batch(rows)
    except (ValidationError, IntegrityError, DataError):
        outcomes = None
    if outcomes is not None:
        return outcomes
    outcomes = []
    for row in rows:
        try:
            with transaction.atomic():
                outcomes.append(importer.apply(row))
        except ValidationError as problem:
            for key, message in _service_messages(problem, type(importer)):
                error(row, key, message)
        except IntegrityError:
            error(row, importer.key_column, _("This row conflicts with data already saved."))
        except DataError:
            # A value the parsers let through but a column cannot hold (a length or a number
            # out of the column's range on PostgreSQL): the row is at fault, not the import.
            error(row, importer.key_column, _("A value of this row does not fit its column."))
    return outcomes


def _service_messages(
    problem: ValidationError, importer: type[Importer]
) -> Iterator[tuple[str, str]]:
    """(column key, message) of a service's ValidationError: a field the file has no column for
    is reported on the row's key column."""
    keys = {column.key for column in importer.columns}
    fallback = importer.key_column
    if hasattr(problem, "error_dict"):
        for name, messages in problem.message_dict.items():
            key = importer.service_fields.get(name, name)
            for message in messages:
                yield (key if key in keys else fallback), message
    else:
        for message in problem.messages:
            yield fallback, message


# --- Checking rows -------------------------------------------------------------------------------


def check_unique(
    rows: Iterable[Row],
    key: str,
    message: str,
    error: ErrorFn,
    value: Callable[[Row], Hashable | None] | None = None,
) -> None:
    """Report, on the column `key` of the later row, a row that an earlier row already has:
    the same parsed value of `key`, or the same `value(row)` when given (None is never a
    duplicate). `message` names the earlier row as %(row)s."""
    seen: dict[Hashable, int] = {}
    for row in rows:
        found = value(row) if value is not None else row.values.get(key)
        if found is None:
            continue
        if found in seen:
            error(row, key, message % {"row": format_number(seen[found])})
        else:
            seen[found] = row.number


def chunks(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """`values` in slices small enough for an `IN (…)` on every database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Parsing cells -------------------------------------------------------------------------------

LIST_SEPARATORS = re.compile(r"[،؛;\r\n]+")


def clean(value: Any) -> str:
    """A cell as stripped text (a whole-number float loses its «.0», a date is ISO)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip().strip(_INVISIBLE).strip()


def text_parser(max_length: int) -> Callable[[Any], str]:
    """A parser of a text cell that must fit a column of `max_length` characters (Django's
    own message, in the user's language)."""
    validator = MaxLengthValidator(max_length)

    def parse(value: Any) -> str:
        text = clean(value)
        try:
            validator(text)
        except ValidationError as error:
            raise CellError(" ".join(error.messages)) from None
        return text

    return parse


def digits_of_number(value: Any, width: int) -> str | None:
    """A number cell as digits left-padded to `width` (Excel drops leading zeros), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return str(int(value)).zfill(width)


def parse_identifier(normalize: Callable[[str], str], value: Any) -> str:
    """An 11-digit identifier cell through its core normaliser (which checks the check digit)."""
    try:
        return normalize(digits_of_number(value, 11) or clean(value))
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from None


def parse_national_id(value: Any) -> str:
    return parse_identifier(normalize_national_id, value)


def parse_date(value: Any) -> dt.date:
    """A Jalali date typed as text (1404/09/24, ۱۴۰۴-۹-۲۴, 14040924) or a Gregorian date cell."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        # A date cell is Gregorian, except when a spreadsheet program read a Jalali date typed as
        # text (1404/09/24) as a date of the year 1404: no Gregorian date here is that old.
        if value.year < 1700:
            return _parse_jalali(f"{value.year}/{value.month}/{value.day}")
        return value
    text = to_ascii_digits(clean(value))
    if re.fullmatch(r"\d{8}", text):  # 14040924
        text = f"{text[:4]}/{text[4:6]}/{text[6:]}"
    return _parse_jalali(text)


def _parse_jalali(text: str) -> dt.date:
    try:
        return parse_jalali_date(text)
    except JalaliDateError as error:
        raise CellError(error.message) from None


# Thousands separators as typed: comma, the Arabic thousands separator, spaces.
_GROUPING = re.compile(r"[,\u066c\s\u00a0\u202f]")


def parse_count(value: Any) -> int:
    """A whole number of zero or more, in any digits, with or without thousands separators."""
    number = digits_of_number(value, 0)
    text = number if number is not None else to_ascii_digits(clean(value))
    text = _GROUPING.sub("", text)
    if not re.fullmatch(r"\d+", text):
        raise CellError(_("Enter a whole number of zero or more."))
    return int(text)


def parse_decimal(value: Any) -> Decimal:
    """A number of zero or more, possibly with a fraction: «۴٬۰۰۰٬۰۰۰», «1,250.5», «۱۲٫۵»."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = _GROUPING.sub("", to_ascii_digits(clean(value))).replace("\u066b", ".")
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            raise CellError(_("Enter a number of zero or more."))
        number = Decimal(text)
    if not number.is_finite() or number < 0:
        raise CellError(_("Enter a number of zero or more."))
    return number


def parse_percent(value: Any) -> int:
    """A whole percentage from 0 to 100, with or without the sign: «95», «۹۵٪», «95%»."""
    if isinstance(value, float) and 0 < value < 1:
        # A cell formatted as a percentage holds the fraction: 95% is 0.95.
        value = round(value * 100)
    if isinstance(value, str):
        value = value.replace("%", "").replace("\u066a", "")
    try:
        percent = parse_count(value)
    except CellError:
        raise CellError(_("Enter a whole percentage from 0 to 100.")) from None
    if percent > 100:
        raise CellError(_("Enter a whole percentage from 0 to 100."))
    return percent


def parse_list(value: Any) -> list[str]:
    """Names separated by «،», «؛», «;» or line breaks."""
    return [part.strip() for part in LIST_SEPARATORS.split(clean(value)) if part.strip()]


def parse_digits(value: Any) -> str:
    return digits_of_number(value, 0) or clean_digits(clean(value))


def choices(
    enum: type[models.TextChoices], names_fa: Mapping[str, tuple[str, ...]]
) -> dict[str, str]:
    """compact key of every accepted spelling → value: the value itself, the Persian names the
    HQ uses (`names_fa`), and the English and Persian labels."""
    accepted: dict[str, str] = {}
    for member in enum:
        accepted.setdefault(compact_key(member.value), member.value)
        for name in names_fa.get(member.value, ()):
            accepted.setdefault(compact_key(name), member.value)
        for language in ("en", "fa"):
            with translation.override(language):
                accepted.setdefault(compact_key(str(member.label)), member.value)
    return accepted


def choice_parser(
    enum: type[models.TextChoices], names_fa: Mapping[str, tuple[str, ...]], message: str
) -> Callable[[Any], str]:
    """A parser of a choice cell; `message` (with %(names)s, the first Persian names) for any
    other value."""
    accepted = choices(enum, names_fa)

    def parse(value: Any) -> str:
        found = accepted.get(compact_key(clean(value)))
        if found is None:
            raise CellError(message % {"names": "، ".join(n[0] for n in names_fa.values())})
        return found

    return parse


ESTATE_PREFIXES = tuple(
    compact_key(p) for p in ("شهرک صنعتی", "شهر صنعتی", "ناحیه صنعتی", "منطقه صنعتی", "شهرک")
)


def strip_estate_prefix(key: str) -> str:
    for prefix in ESTATE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


class ProvincePlaces:
    """The counties and industrial estates of a province, read once, as cell parsers: a county
    by name or four-digit code, an estate by name with or without «شهرک صنعتی»."""

    def __init__(self, province: Province) -> None:
        self.province = province
        self.counties: dict[str, County] = {}
        for county in County.objects.filter(province=province):
            for key in (county.code, compact_key(county.name), compact_key(county.name_en)):
                if key:
                    self.counties.setdefault(key, county)
        self.estates: dict[str, IndustrialEstate] = {}
        estates = list(IndustrialEstate.objects.filter(province=province))
        for estate in estates:
            for name in (estate.name, estate.name_en):
                if name:
                    self.estates.setdefault(compact_key(name), estate)
        for estate in estates:
            self.estates.setdefault(strip_estate_prefix(compact_key(estate.name)), estate)

    def county(self, value: Any) -> County:
        county = self.counties.get(parse_digits(value)) or self.counties.get(
            compact_key(clean(value))
        )
        if county is None:
            raise CellError(
                _("No county by this name or code in %(province)s.")
                % {"province": self.province.display_name}
            )
        return county

    def estate(self, value: Any) -> IndustrialEstate:
        key = compact_key(clean(value))
        estate = self.estates.get(key) or self.estates.get(strip_estate_prefix(key))
        if estate is None:
            raise CellError(
                _("No industrial estate or zone by this name in %(province)s.")
                % {"province": self.province.display_name}
            )
        return estate

    @staticmethod
    def guide_lists(province: Province | None) -> list[GuideList]:
        """The counties and estates of `province` for a template's guide sheet."""
        if province is None:
            return []
        counties = County.objects.filter(province=province).order_by("code")
        estates = IndustrialEstate.objects.filter(province=province).order_by("name")
        return [
            GuideList("county", _("Counties"), [(c.name, c.code) for c in counties]),
            GuideList(
                "estate",
                _("Industrial estates and zones"),
                [(e.name, e.get_kind_display()) for e in estates],
            ),
        ]


# --- Exports -------------------------------------------------------------------------------------

CHUNK_SIZE = 1000
# An XLSX export is kept in memory up to this size, then spilled to a temporary file on disk.
SPOOL_BYTES = 16 * 1024 * 1024
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection): a
# company named '=HYPERLINK(…)' must export as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


_END: Any = object()


def _in_language(records: Iterable[Sequence[Any]], language: str) -> Iterator[Sequence[Any]]:
    """The records, produced (labels translated) in `language`: a streamed response is consumed
    after the view has returned, when the asker's language is no longer active. They are read
    CHUNK_SIZE at a time under one activation, so the language is not switched per row."""
    iterator = iter(records)
    while True:
        with translation.override(language):
            batch = list(itertools.islice(iterator, CHUNK_SIZE))
        if not batch:
            return
        yield from batch


def _csv_block(buffer: io.StringIO, writer: Any, rows: list[list[Any]]) -> str:
    """`rows` as CSV text; empties `rows` and the buffer for the next block."""
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(rows)
    rows.clear()
    return buffer.getvalue()


def csv_response(
    *, headers: Sequence[str], records: Iterable[Sequence[Any]], filename: str
) -> StreamingHttpResponse:
    """UTF-8 with a BOM (so that Excel reads the Persian correctly), streamed row by row.
    `records` is iterated lazily, in the language active now; None is an empty cell and dates
    are ISO."""
    language = translation.get_language() or "fa"
    header = [str(title) for title in headers]

    def lines() -> Iterator[str]:
        # Rows are written CHUNK_SIZE at a time into a buffer and sent as one block: one write
        # per row would be a system call per row under a real server.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([neutralise(title) for title in header])
        yield "\ufeff" + buffer.getvalue()
        block: list[list[Any]] = []
        for record in _in_language(records, language):
            # Each cell: None empty, text neutralised (`neutralise`), dates ISO. Written out
            # rather than called: a call per cell was a third of a large export's time.
            block.append(
                [
                    ""
                    if value is None
                    else ("'" + value if value.startswith(FORMULA_STARTS) else value)
                    if isinstance(value, str)
                    else value.isoformat()
                    if isinstance(value, dt.date)
                    else value
                    for value in record
                ]
            )
            if len(block) == CHUNK_SIZE:
                yield _csv_block(buffer, writer, block)
        if block:
            yield _csv_block(buffer, writer, block)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    *,
    headers: Sequence[str],
    records: Iterable[Sequence[Any]],
    filename: str,
    sheet_title: str,
    widths: Sequence[int] = (),
) -> FileResponse:
    """A right-to-left workbook written in write-only mode (openpyxl keeps no rows in memory)
    into a spooled temporary file, which FileResponse streams and closes. Dates stay date
    cells, numbers number cells."""
    language = translation.get_language() or "fa"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    # Views, panes and column widths are written with the sheet's head, before the first row.
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=neutralise(str(title)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for record in _in_language(records, language):
        sheet.append([neutralise(value) for value in record])
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def template_response(kind: str, fmt: str, province: Province | None = None) -> HttpResponse:
    """The template of `kind` to download, as "csv" or "xlsx" (ValueError otherwise)."""
    if fmt == "csv":
        response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            template_workbook(kind, province=province), content_type=XLSX_CONTENT_TYPE
        )
    else:
        raise ValueError(f"unknown template format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="tashil-{kind}-template.{fmt}"'
    return response


# --- The command line ----------------------------------------------------------------------------


class ImportCommand(BaseCommand):
    """`manage.py <command> PATH --kind KIND --province 26 [--dry-run] [--actor USERNAME]`: an
    import from the command line, with a progress bar on stderr and the report on stdout; any
    row error fails the command. Subclasses name the kinds they import."""

    kinds: ClassVar[Sequence[str]]
    bar_width = 30

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the .xlsx or .csv file")
        parser.add_argument("--kind", required=True, choices=list(self.kinds))
        parser.add_argument("--province", required=True, help="the province code, e.g. 26")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, but write nothing"
        )
        parser.add_argument("--actor", help="the username recorded in the history")
        parser.add_argument(
            "--max-rows",
            type=int,
            default=COMMAND_MAX_ROWS,
            help=f"refuse a file of more rows (default {COMMAND_MAX_ROWS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        province = Province.objects.filter(code=options["province"]).first()
        if province is None:
            raise CommandError(f"No province with code {options['province']!r}.")
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user {options['actor']!r}.")
        try:
            handle = path.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot open {path}: {error.strerror}.") from None
        try:
            with handle:
                report = import_file(
                    actor=actor,
                    province=province,
                    kind=options["kind"],
                    file=handle,
                    filename=path.name,
                    dry_run=options["dry_run"],
                    progress=self._draw,
                    max_rows=options["max_rows"],
                    max_bytes=COMMAND_MAX_BYTES,
                )
        except ImportFileError as error:
            raise CommandError(error.message) from None
        finally:
            self.stderr.write("")
        self._report(report)

    def _draw(self, done: int, total: int) -> None:
        width = self.bar_width
        filled = width * done // total if total else width
        percent = 100 * done // total if total else 100
        bar = "#" * filled + "." * (width - filled)
        self.stderr.write(f"\r[{bar}] {percent:3d}%", ending="")
        self.stderr.flush()

    def _report(self, report: ImportReport) -> None:
        if not report.ok:
            for error in report.errors:
                self.stdout.write(f"row {error.row}, column {error.column}: {error.message}")
            rows = len({error.row for error in report.errors})
            raise CommandError(f"{rows} of {report.total} rows have errors: nothing was imported.")
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            f"{report.total} rows: {report.created} {verb} created, {report.updated} {verb} "
            f"updated, {report.unchanged} unchanged."
        )
        if report.dry_run:
            self.stdout.write("Dry run: nothing was written.")
