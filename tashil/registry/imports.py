"""Importing companies and knowledge-based certificates from Excel (.xlsx) or CSV files.

The secretariat keeps its lists in spreadsheets, typed on Persian keyboards: digits arrive in three
scripts, IDs arrive as numbers that lost their leading zeros, dates arrive as Jalali text or as
Gregorian date cells. `import_file` reads such a file, checks every row, and applies it only when
every row is valid, through the registry services, so each change writes its company event.

An import is all or nothing: the rows are applied in one transaction, each in its own savepoint so
that a row the services refuse is reported and the next row still checked; when any row has an
error (or on a dry run) the whole transaction is rolled back. Re-importing a file is idempotent:
companies are matched on the national ID and certificates on their number, only changed fields are
written, and a row that changes nothing writes no event.

An empty cell leaves the stored value as it is: a column present in the file only overwrites the
fields whose cells are filled, so a sheet with a few columns can update those columns alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import jdatetime
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tashil.accounts.models import User
from tashil.core.identifiers import clean_digits, normalize_economic_code, normalize_national_id
from tashil.core.jalali import JalaliDateError, format_number, parse_jalali_date
from tashil.core.text import compact_key, to_ascii_digits
from tashil.geo.models import County, IndustrialEstate, Province
from tashil.registry.models import (
    CLASS_SET_CHANGED_ON,
    OLD_CLASSES,
    Activity,
    Certificate,
    CertificateClass,
    Company,
    CompanyStatus,
)
from tashil.registry.services import (
    PROFILE_FIELDS,
    certificate_add,
    certificate_update,
    company_create,
    company_set_status,
    company_update,
    products_replace,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

GUIDE_SHEET = "راهنما"


class ImportKind(models.TextChoices):
    COMPANIES = "companies", gettext_lazy("Companies")
    CERTIFICATES = "certificates", gettext_lazy("Knowledge-based certificates")


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


# --- Columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the service's field name
    header: str  # the Persian header, as the file and the error messages show it
    required: bool
    width: int
    help: Promise
    example: str


COMPANY_COLUMNS: tuple[Column, ...] = (
    Column(
        "national_id",
        "شناسه ملی",
        True,
        16,
        gettext_lazy(
            "11 digits. A row whose national ID is already registered updates that company."
        ),
        "10380284790",
    ),
    Column("legal_name", "نام شرکت", True, 32, gettext_lazy("The registered name."), "شرکت نمونه"),
    Column(
        "economic_code",
        "کد اقتصادی",
        False,
        16,
        gettext_lazy("11 digits (the national ID) or 14 digits."),
        "10380284790",
    ),
    Column(
        "county",
        "شهرستان",
        True,
        16,
        gettext_lazy("A county of the province, by name or by its four-digit code."),
        "قزوین",
    ),
    Column(
        "estate",
        "شهرک یا ناحیه صنعتی",
        False,
        22,
        gettext_lazy("An industrial city, estate or zone of the province, by name."),
        "لیا",
    ),
    Column(
        "activity",
        "کد فعالیت",
        False,
        12,
        gettext_lazy("The four-digit ISIC Rev.4 class of the main activity."),
        "2023",
    ),
    Column("status", "وضعیت", False, 16, gettext_lazy("One of the statuses listed below."), "فعال"),
    Column(
        "status_since",
        "تاریخ وضعیت",
        False,
        14,
        gettext_lazy("The Jalali date the status began, for example 1404/09/24."),
        "1403/01/15",
    ),
    Column("employees", "تعداد کارکنان", False, 14, gettext_lazy("A whole number."), "45"),
    Column(
        "address", "نشانی", False, 40, gettext_lazy("The postal address."), "قزوین، شهرک صنعتی لیا"
    ),
    Column("postal_code", "کد پستی", False, 14, gettext_lazy("10 digits."), "3431111111"),
    Column(
        "products",
        "محصولات",
        False,
        40,
        gettext_lazy(
            "Product names separated by «،», «؛», «;» or line breaks. When filled, it replaces "
            "the company's product list."
        ),
        "صابون؛ مایع ظرفشویی",
    ),
)

CERTIFICATE_COLUMNS: tuple[Column, ...] = (
    Column(
        "national_id",
        "شناسه ملی",
        True,
        16,
        gettext_lazy("The national ID of a company already registered in the province."),
        "10380284790",
    ),
    Column(
        "number",
        "شماره گواهی",
        True,
        18,
        gettext_lazy("A row whose certificate number is already registered updates it."),
        "KB-1403-0001",
    ),
    Column(
        "certificate_class",
        "نوع گواهی",
        True,
        22,
        gettext_lazy(
            "One of the classes listed below. The classes changed on %(date)s: the class must "
            "belong to the set in force on the issue date."
        ),
        "نوآور",
    ),
    Column("issued_on", "تاریخ صدور", True, 14, gettext_lazy("A Jalali date."), "1403/01/01"),
    Column(
        "expires_on",
        "تاریخ انقضا",
        True,
        14,
        gettext_lazy("A Jalali date after the issue date."),
        "1406/01/01",
    ),
    Column(
        "approved_products",
        "محصولات دانش‌بنیان",
        False,
        40,
        gettext_lazy(
            "The approved knowledge-based products, separated by «،», «؛», «;» or line breaks."
        ),
        "شوینده زیستی",
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.COMPANIES: COMPANY_COLUMNS,
    ImportKind.CERTIFICATES: CERTIFICATE_COLUMNS,
}
SHEET_TITLES: dict[str, str] = {ImportKind.COMPANIES: "شرکت‌ها", ImportKind.CERTIFICATES: "گواهی‌ها"}

# The Persian names the HQ uses in its spreadsheets (DOMAIN.md §3). Accepted besides the value, the
# English label and the label of the Persian catalogue; the first name is the one templates list.
STATUS_NAMES_FA: dict[str, tuple[str, ...]] = {
    CompanyStatus.OPERATING: ("فعال", "در حال بهره‌برداری", "دایر"),
    CompanyStatus.PARTLY_OPERATING: ("نیمه‌فعال", "نیمه‌تعطیل"),
    CompanyStatus.IDLE: ("راکد", "غیرفعال"),
    CompanyStatus.CLOSED: ("تعطیل", "تعطیل شده"),
    CompanyStatus.UNDER_CONSTRUCTION: ("در حال ساخت", "در حال احداث", "در دست احداث"),
}
CLASS_NAMES_FA: dict[str, tuple[str, ...]] = {
    CertificateClass.PRODUCTION_1: ("تولیدی نوع ۱", "تولیدی ۱"),
    CertificateClass.PRODUCTION_2: ("تولیدی نوع ۲", "تولیدی ۲"),
    CertificateClass.STARTUP_1: ("نوپا نوع ۱", "نوپا ۱"),
    CertificateClass.STARTUP_2: ("نوپا نوع ۲", "نوپا ۲"),
    CertificateClass.PRODUCTION_3: ("تولیدی نوع ۳ (مستعد)", "تولیدی نوع ۳", "مستعد"),
    CertificateClass.STARTUP: ("نوپا",),
    CertificateClass.INNOVATOR: ("نوآور",),
    CertificateClass.TECHNOLOGIST: ("فناور",),
}

# Fields the services name in their ValidationErrors, mapped to this import's columns.
SERVICE_FIELDS = {"since": "status_since", "company": "national_id", "search_key": "legal_name"}

LIST_SEPARATORS = re.compile(r"[،؛;\r\n]+")
ESTATE_PREFIXES = tuple(
    compact_key(p) for p in ("شهرک صنعتی", "شهر صنعتی", "ناحیه صنعتی", "منطقه صنعتی", "شهرک")
)
# Marks that survive str.strip(): ZWNJ/ZWJ, bidi marks and the BOM.
_INVISIBLE = (
    "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the pre-2007 .xls format
_CSV_DELIMITERS = (",", ";", "\t", "؛")


# --- Templates -----------------------------------------------------------------------------------


def _columns(kind: str) -> tuple[Column, ...]:
    try:
        return COLUMNS[kind]
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}") from None


def _help_text(column: Column) -> str:
    text = str(column.help)
    if "%(date)s" in text:
        text = text % {"date": _jalali_ascii(CLASS_SET_CHANGED_ON)}
    return text


def _jalali_ascii(day: dt.date) -> str:
    j = jdatetime.date.fromgregorian(date=day)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def template_csv(kind: str) -> bytes:
    """The header row of `kind`, UTF-8 with a BOM so that Excel reads the Persian correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header for column in _columns(kind)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_workbook(kind: str, province: Province | None = None) -> bytes:
    """An .xlsx to fill in: a right-to-left sheet with the headers (required ones bold, each with
    its explanation as a comment), and a second sheet «راهنما» explaining every column with an
    example and listing the allowed statuses, certificate classes and, given a province, its
    counties and industrial estates."""
    columns = _columns(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLES[kind]
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=column.required)
        cell.alignment = Alignment(horizontal="center")
        if column.required:
            cell.fill = required_fill
        cell.comment = Comment(_help_text(column), "Tashil", width=300, height=120)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        # Text format, so that Excel keeps IDs, codes and Jalali dates exactly as typed.
        sheet.column_dimensions[letter].number_format = "@"

    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.sheet_view.rightToLeft = True
    lists = _guide(guide, columns, kind, province)
    for key, cells in lists.items():
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


def _guide(
    sheet: Worksheet, columns: Sequence[Column], kind: str, province: Province | None
) -> dict[str, str]:
    """Fill the guide sheet; returns the cell ranges of the allowed values per column key."""
    bold = Font(bold=True)
    yes, no = _("Yes"), _("No")
    sheet.append([_("Column"), _("Required"), _("What to enter"), _("Example")])
    for column in columns:
        sheet.append(
            [column.header, yes if column.required else no, _help_text(column), column.example]
        )
    sheet.append([])
    sheet.append([_("An empty cell leaves the stored value unchanged.")])
    sheet.append([_("Nothing is imported unless every row of the file is valid.")])
    sheet.append([])
    sheet.append([_("An example row")])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([column.header for column in columns])
    sheet.append([column.example for column in columns])
    for cell in sheet[1]:
        cell.font = bold
    for letter, width in (("A", 24), ("B", 30), ("C", 70), ("D", 24)):
        sheet.column_dimensions[letter].width = width

    ranges: dict[str, str] = {}

    def table(key: str, title: str, rows: Iterable[tuple[str, str]]) -> None:
        sheet.append([])
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        first = sheet.max_row + 1
        for name, note in rows:
            sheet.append(["", name, note])
        if sheet.max_row >= first:
            ranges[key] = f"$B${first}:$B${sheet.max_row}"

    if kind == ImportKind.COMPANIES:
        table(
            "status",
            _("Statuses"),
            (
                (names[0], str(CompanyStatus(value).label))
                for value, names in STATUS_NAMES_FA.items()
            ),
        )
        if province is not None:
            counties = County.objects.filter(province=province).order_by("code")
            table("county", _("Counties"), ((c.name, c.code) for c in counties))
            estates = IndustrialEstate.objects.filter(province=province).order_by("name")
            table(
                "estate",
                _("Industrial estates and zones"),
                ((e.name, e.get_kind_display()) for e in estates),
            )
    else:
        changed = _jalali_ascii(CLASS_SET_CHANGED_ON)
        before = _("issued before %(date)s") % {"date": changed}
        since = _("issued on or after %(date)s") % {"date": changed}
        table(
            "certificate_class",
            _("Certificate classes"),
            (
                (names[0], before if value in OLD_CLASSES else since)
                for value, names in CLASS_NAMES_FA.items()
            ),
        )
    return ranges


# --- Reading the file ----------------------------------------------------------------------------


def _read_rows(file: IO[bytes], filename: str) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values) of the first sheet or of the CSV, header included."""
    limit = MAX_UPLOAD_BYTES
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(
            _("The file is larger than %(size)s MB.") % {"size": format_number(limit // 2**20)},
            code="too_large",
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."), code="empty")
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) and "
                "try again."
            ),
            code="old_excel",
        )
    has_bom16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if (b"\x00" in data and not has_bom16) or filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise ImportFileError(_not_a_spreadsheet(), code="not_spreadsheet")
    return _read_csv(data, has_bom16)


def _not_a_spreadsheet() -> str:
    return _("This is not an Excel (.xlsx) or CSV file.")


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    # The upload limit counts compressed bytes; a workbook of repeated cells compresses a
    # thousandfold. Refuse one that would unpack to more than MAX_UNPACKED_BYTES before openpyxl
    # reads it (it keeps the shared strings in memory).
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(_not_a_spreadsheet(), code="not_spreadsheet") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _("The workbook is too large once unpacked. Split it into smaller files."),
            code="too_large",
        )
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


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip().strip(_INVISIBLE).strip()


def _header_key(text: str) -> str:
    return compact_key(_clean(text).rstrip("*").strip())


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]  # column key → the raw (non-empty) cell value
    values: dict[str, Any] = field(default_factory=dict)  # column key → the parsed value


def _rows(
    raw: Iterator[tuple[int, list[Any]]], columns: Sequence[Column]
) -> tuple[list[Column], list[_Row]]:
    """The columns present and the non-empty data rows; raises ImportFileError for bad headers
    and too many rows."""
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
            unknown.append(_clean(text))
        elif column in positions.values():
            duplicated.append(column.header)
        else:
            positions[index] = column
    if not positions and not unknown:
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
    limit = MAX_ROWS
    rows: list[_Row] = []
    for number, values in raw:
        cells = {
            column.key: values[index]
            for index, column in positions.items()
            if index < len(values) and _clean(values[index])
        }
        if not cells:
            continue
        if len(rows) >= limit:
            raise ImportFileError(
                _("The file has more than %(count)s rows; split it into smaller files.")
                % {"count": format_number(limit)},
                code="too_many_rows",
            )
        rows.append(_Row(number, cells))
    if not rows:
        raise ImportFileError(_("The file has no data rows."), code="no_rows")
    present = [column for column in columns if column in positions.values()]
    return present, rows


# --- Parsing cells -------------------------------------------------------------------------------


class _CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _digits_of_number(value: Any, width: int) -> str | None:
    """A number cell as digits left-padded to `width` (Excel drops leading zeros), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return str(int(value)).zfill(width)


def _identifier(normalize: Callable[[str], str], value: Any) -> str:
    """An 11-digit identifier cell through its core normaliser (which checks the check digit)."""
    try:
        return normalize(_digits_of_number(value, 11) or _clean(value))
    except ValidationError as error:
        raise _CellError(" ".join(error.messages)) from None


def _parse_national_id(value: Any) -> str:
    return _identifier(normalize_national_id, value)


def _parse_economic_code(value: Any) -> str:
    return _identifier(normalize_economic_code, value)


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        # A date cell is Gregorian, except when a spreadsheet program read a Jalali date typed as
        # text (1404/09/24) as a date of the year 1404: no Gregorian date here is that old.
        if value.year < 1700:
            return _parse_jalali(f"{value.year}/{value.month}/{value.day}")
        return value
    text = to_ascii_digits(_clean(value))
    if re.fullmatch(r"\d{8}", text):  # 14040924
        text = f"{text[:4]}/{text[4:6]}/{text[6:]}"
    return _parse_jalali(text)


def _parse_jalali(text: str) -> dt.date:
    try:
        return parse_jalali_date(text)
    except JalaliDateError as error:
        raise _CellError(error.message) from None


def _parse_count(value: Any) -> int:
    number = _digits_of_number(value, 0)
    text = number if number is not None else to_ascii_digits(_clean(value))
    text = re.sub(r"[,\u066c\s]", "", text)
    if not re.fullmatch(r"\d+", text):
        raise _CellError(_("Enter a whole number of zero or more."))
    return int(text)


def _parse_list(value: Any) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(_clean(value)) if part.strip()]


def _parse_digits(value: Any) -> str:
    return _digits_of_number(value, 0) or clean_digits(_clean(value))


def _parse_postal_code(value: Any) -> str:
    code = _parse_digits(value)
    if not re.fullmatch(r"\d{10}", code):
        raise _CellError(_("A postal code has 10 digits."))
    return code


def _parse_activity_code(value: Any) -> str:
    code = _parse_digits(value)
    # An ISIC class has four digits; a spreadsheet turns 0111 into 111.
    return code.zfill(4) if code.isdigit() and len(code) == 3 else code


def _choices(
    enum: type[models.TextChoices], names_fa: dict[str, tuple[str, ...]]
) -> dict[str, str]:
    """compact key of every accepted spelling → value."""
    accepted: dict[str, str] = {}
    for member in enum:
        accepted.setdefault(compact_key(member.value), member.value)
        for name in names_fa.get(member.value, ()):
            accepted.setdefault(compact_key(name), member.value)
        for language in ("en", "fa"):
            with translation.override(language):
                accepted.setdefault(compact_key(str(member.label)), member.value)
    return accepted


class _Lookups:
    """The province's reference data, read once per import."""

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
            self.estates.setdefault(_strip_estate_prefix(compact_key(estate.name)), estate)
        self.activities = {a.code: a for a in Activity.objects.all()}
        self.statuses = _choices(CompanyStatus, STATUS_NAMES_FA)
        self.classes = _choices(CertificateClass, CLASS_NAMES_FA)

    def county(self, value: Any) -> County:
        county = self.counties.get(_parse_digits(value)) or self.counties.get(
            compact_key(_clean(value))
        )
        if county is None:
            raise _CellError(
                _("No county by this name or code in %(province)s.")
                % {"province": self.province.display_name}
            )
        return county

    def estate(self, value: Any) -> IndustrialEstate:
        key = compact_key(_clean(value))
        estate = self.estates.get(key) or self.estates.get(_strip_estate_prefix(key))
        if estate is None:
            raise _CellError(
                _("No industrial estate or zone by this name in %(province)s.")
                % {"province": self.province.display_name}
            )
        return estate

    def activity(self, value: Any) -> Activity:
        activity = self.activities.get(_parse_activity_code(value))
        if activity is None:
            raise _CellError(_("No ISIC Rev.4 class has this code."))
        return activity

    def status(self, value: Any) -> str:
        status = self.statuses.get(compact_key(_clean(value)))
        if status is None:
            raise _CellError(
                _("Unknown status. Use one of: %(names)s.")
                % {"names": "، ".join(names[0] for names in STATUS_NAMES_FA.values())}
            )
        return status

    def certificate_class(self, value: Any) -> str:
        value = self.classes.get(compact_key(_clean(value)))
        if value is None:
            raise _CellError(
                _("Unknown certificate class. Use one of: %(names)s.")
                % {"names": "، ".join(names[0] for names in CLASS_NAMES_FA.values())}
            )
        return value


def _strip_estate_prefix(key: str) -> str:
    for prefix in ESTATE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def _parsers(lookups: _Lookups) -> dict[str, Callable[[Any], Any]]:
    return {
        "national_id": _parse_national_id,
        "legal_name": _clean,
        "economic_code": _parse_economic_code,
        "county": lookups.county,
        "estate": lookups.estate,
        "activity": lookups.activity,
        "status": lookups.status,
        "status_since": _parse_date,
        "employees": _parse_count,
        "address": _clean,
        "postal_code": _parse_postal_code,
        "products": _parse_list,
        "number": lambda value: to_ascii_digits(_clean(value)),
        "certificate_class": lookups.certificate_class,
        "issued_on": _parse_date,
        "expires_on": _parse_date,
        "approved_products": lambda value: "\n".join(_parse_list(value)),
    }


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
    actor: User | None,
    province: Province,
    kind: str,
    file: IO[bytes],
    filename: str,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check every row of the file and, when all are valid and this is not a dry run, apply them
    in one transaction. Raises ImportFileError when the file itself cannot be read; row problems
    are returned in the report. `progress(done, total)` counts steps: each row is checked once
    and applied (or tried, on a dry run) once, so `total` is twice the number of rows."""
    columns = _columns(kind)
    present, rows = _rows(_read_rows(file, filename), columns)
    report = ImportReport(kind=kind, dry_run=dry_run, total=len(rows))
    steps = _Progress(progress, 2 * len(rows))
    lookups = _Lookups(province)
    parsers = _parsers(lookups)
    headers = {column.key: column.header for column in columns}
    errors: dict[RowError, None] = {}  # ordered, and a derived field's error is not repeated
    failed: set[int] = set()

    def error(row: _Row, key: str, message: str) -> None:
        errors[RowError(row=row.number, column=headers[key], message=message)] = None
        failed.add(row.number)

    # 1. Each cell on its own.
    for row in rows:
        for column in present:
            if column.key not in row.cells:
                if column.required:
                    error(row, column.key, _("This cell is required."))
                continue
            try:
                row.values[column.key] = parsers[column.key](row.cells[column.key])
            except _CellError as problem:
                error(row, column.key, problem.message)
        steps.step()

    # 2. Rows against each other and against the database.
    if kind == ImportKind.COMPANIES:
        known = _check_companies(rows, province, error)
    else:
        known = _check_certificates(rows, province, error)

    # 3. Apply, each row in a savepoint; roll everything back on any error or on a dry run.
    outcomes: list[str] = []
    with transaction.atomic():
        for row in rows:
            if row.number not in failed:
                try:
                    with transaction.atomic():
                        if kind == ImportKind.COMPANIES:
                            outcomes.append(_apply_company(actor, known, row))
                        else:
                            outcomes.append(_apply_certificate(actor, known, row))
                except ValidationError as problem:
                    for key, message in _service_messages(problem, kind):
                        error(row, key, message)
                except IntegrityError:
                    key = "national_id" if kind == ImportKind.COMPANIES else "number"
                    error(row, key, _("This row conflicts with data already saved."))
            steps.step()
        if errors or dry_run:
            transaction.set_rollback(True)

    report.errors = sorted(errors, key=lambda e: e.row)
    if not errors:
        report.created = outcomes.count("created")
        report.updated = outcomes.count("updated")
        report.unchanged = outcomes.count("unchanged")
    return report


def _service_messages(problem: ValidationError, kind: str) -> Iterator[tuple[str, str]]:
    keys = {column.key for column in _columns(kind)}
    fallback = "national_id" if kind == ImportKind.COMPANIES else "number"
    if hasattr(problem, "error_dict"):
        for name, messages in problem.message_dict.items():
            key = SERVICE_FIELDS.get(name, name)
            for message in messages:
                yield (key if key in keys else fallback), message
    else:
        for message in problem.messages:
            yield fallback, message


def _check_unique(
    rows: Iterable[_Row], key: str, message: str, error: Callable[[_Row, str, str], None]
) -> None:
    """Report, on the later row, a value of column `key` that an earlier row already has.
    `message` names the earlier row as %(row)s."""
    seen: dict[Any, int] = {}
    for row in rows:
        value = row.values.get(key)
        if value is None:
            continue
        if value in seen:
            error(row, key, message % {"row": format_number(seen[value])})
        else:
            seen[value] = row.number


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class _Known:
    """The rows the file refers to, read in bulk while checking and reused when applying."""

    companies: dict[str, Company] = field(default_factory=dict)  # by national ID
    certificates: dict[str, Certificate] = field(default_factory=dict)  # by number


def _companies_by_national_id(rows: Iterable[_Row]) -> dict[str, Company]:
    wanted = sorted({row.values["national_id"] for row in rows if "national_id" in row.values})
    found: dict[str, Company] = {}
    for chunk in _chunks(wanted):
        for company in Company.objects.filter(national_id__in=chunk).select_related(
            "county", "estate", "activity"
        ):
            found[company.national_id] = company
    return found


def _check_companies(
    rows: list[_Row], province: Province, error: Callable[[_Row, str, str], None]
) -> _Known:
    _check_unique(
        rows, "national_id", _("This national ID is also in row %(row)s of the file."), error
    )
    known = _Known(companies=_companies_by_national_id(rows))
    for row in rows:
        company = known.companies.get(row.values.get("national_id", ""))
        if company is not None and company.province_id != province.pk:
            error(
                row,
                "national_id",
                _("A company with this national ID is registered in another province."),
            )
        if "status_since" in row.values and "status" not in row.cells:
            error(row, "status", _("Enter the status that began on this date."))
    return known


def _check_certificates(
    rows: list[_Row], province: Province, error: Callable[[_Row, str, str], None]
) -> _Known:
    _check_unique(
        rows, "number", _("This certificate number is also in row %(row)s of the file."), error
    )
    known = _Known(companies=_companies_by_national_id(rows))
    numbers = sorted({row.values["number"] for row in rows if row.values.get("number")})
    for chunk in _chunks(numbers):
        for stored in Certificate.objects.filter(number__in=chunk):
            known.certificates[stored.number] = stored
    for row in rows:
        national_id = row.values.get("national_id")
        company = known.companies.get(national_id or "")
        if national_id and (company is None or company.province_id != province.pk):
            error(row, "national_id", _("No company with this national ID in the province."))
        certificate = known.certificates.get(row.values.get("number", ""))
        if company is not None and certificate and certificate.company_id != company.pk:
            error(row, "number", _("This certificate number is registered for another company."))
        issued_on, expires_on = row.values.get("issued_on"), row.values.get("expires_on")
        if issued_on and expires_on and expires_on <= issued_on:
            error(row, "expires_on", _("The expiry date must be after the issue date."))
    return known


# The columns an import may update: not the financial figures, which no template carries.
COMPANY_UPDATE_FIELDS = PROFILE_FIELDS


def _apply_company(actor: User | None, known: _Known, row: _Row) -> str:
    values = row.values
    company = known.companies.get(values["national_id"])
    if company is None:
        optional = ("economic_code", "estate", "activity", "address", "postal_code", "employees")
        company = company_create(
            actor=actor,
            national_id=values["national_id"],
            legal_name=values["legal_name"],
            county=values["county"],
            status=values.get("status", CompanyStatus.OPERATING),
            status_since=values.get("status_since"),
            **{key: values[key] for key in optional if key in values},
        )
        if values.get("products"):
            products_replace(actor=actor, company=company, names=values["products"])
        return "created"

    changed = bool(
        company_update(
            actor=actor,
            company=company,
            **{key: values[key] for key in COMPANY_UPDATE_FIELDS if key in values},
        )
    )
    status = values.get("status")
    if status is not None and status != company.status:
        since = values.get("status_since") or timezone.localdate()
        # A status dated before the current one joins the history without becoming current;
        # importing the same row again must not add it twice.
        if not company.status_changes.filter(status=status, since=since).exists():
            company_set_status(actor=actor, company=company, status=status, since=since)
            changed = True
    if values.get("products"):
        changed = (
            products_replace(actor=actor, company=company, names=values["products"]) or changed
        )
    return "updated" if changed else "unchanged"


def _apply_certificate(actor: User | None, known: _Known, row: _Row) -> str:
    values = row.values
    company = known.companies[values["national_id"]]
    fields = {
        key: values[key]
        for key in ("certificate_class", "issued_on", "expires_on", "approved_products")
        if values.get(key)
    }
    certificate = known.certificates.get(values["number"])
    if certificate is None:
        certificate_add(actor=actor, company=company, number=values["number"], **fields)
        return "created"
    certificate.company = company  # the same company (checked): saves the service a query
    changed = certificate_update(actor=actor, certificate=certificate, **fields)
    return "updated" if changed else "unchanged"
