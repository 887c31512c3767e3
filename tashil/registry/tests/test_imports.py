"""Importing companies and certificates from Excel and CSV: all or nothing, row errors that name
the row and the Persian column, idempotent re-imports, every change through the services."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from tashil.core import spreadsheets
from tashil.core.identifiers import national_id_check_digit
from tashil.factories import (
    ActivityFactory,
    CertificateFactory,
    CompanyFactory,
    CountyFactory,
    EstateFactory,
    ProvinceFactory,
)
from tashil.registry import imports
from tashil.registry.imports import (
    CERTIFICATE_COLUMNS,
    COMPANY_COLUMNS,
    ImportFileError,
    ImportKind,
    import_file,
    template_csv,
    template_workbook,
)
from tashil.registry.models import (
    Certificate,
    CertificateClass,
    Company,
    CompanyEvent,
    CompanyStatus,
    Product,
    StatusChange,
)

pytestmark = pytest.mark.django_db

COMPANY_HEADERS = [c.header for c in COMPANY_COLUMNS]
CERTIFICATE_HEADERS = [c.header for c in CERTIFICATE_COLUMNS]


def nid(n: int) -> str:
    """A valid national ID, different for every `n` and from the factories' IDs."""
    first_ten = f"14{n + 5_000_000:08d}"
    return first_ten + national_id_check_digit(first_ten)


def xlsx(rows, headers=COMPANY_HEADERS) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


def company_row(n=1, **overrides):
    """A full, valid company row in the order of COMPANY_HEADERS."""
    values = {
        "شناسه ملی": nid(n),
        "نام شرکت": f"شرکت نمونه {n}",
        "کد اقتصادی": "",
        "شهرستان": "قزوین",
        "شهرک یا ناحیه صنعتی": "لیا",
        "کد فعالیت": "2023",
        "وضعیت": "فعال",
        "تاریخ وضعیت": "1403/01/15",
        "تعداد کارکنان": "45",
        "نشانی": "قزوین، شهرک صنعتی لیا",
        "کد پستی": "3431111111",
        "محصولات": "صابون؛ مایع ظرفشویی",
    }
    values.update(overrides)
    return [values[h] for h in COMPANY_HEADERS]


def run(province, rows=None, *, file=None, kind=ImportKind.COMPANIES, dry_run=False, **kwargs):
    if file is None:
        headers = COMPANY_HEADERS if kind == ImportKind.COMPANIES else CERTIFICATE_HEADERS
        file = xlsx(rows, headers)
    return import_file(
        actor=kwargs.pop("actor", None),
        province=province,
        kind=kind,
        file=file,
        filename=kwargs.pop("filename", "companies.xlsx"),
        dry_run=dry_run,
        **kwargs,
    )


@pytest.fixture
def reference(county, other_county):
    """Qazvin's counties, the estate لیا and the ISIC class 2023."""
    EstateFactory(province=county.province, county=county, name="لیا")
    ActivityFactory()
    return county


def only_error(report):
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


# --- Companies: a good file ----------------------------------------------------------------------


def test_a_good_file_creates_companies_with_products_status_history_and_events(
    reference, province, secretariat
):
    report = run(
        province,
        [company_row(1), company_row(2, **{"وضعیت": "راکد", "محصولات": ""})],
        actor=secretariat,
    )

    assert report.ok
    assert (report.total, report.created, report.updated, report.unchanged) == (2, 2, 0, 0)
    first = Company.objects.get(national_id=nid(1))
    assert first.legal_name == "شرکت نمونه 1"
    assert first.county == reference
    assert first.estate.name == "لیا"
    assert first.activity.code == "2023"
    assert first.status == CompanyStatus.OPERATING
    assert first.status_since == dt.date(2024, 4, 3)  # 1403/01/15
    assert first.employees == 45
    assert first.postal_code == "3431111111"
    assert sorted(Product.objects.filter(company=first).values_list("name", flat=True)) == [
        "صابون",
        "مایع ظرفشویی",
    ]
    assert StatusChange.objects.get(company=first).since == dt.date(2024, 4, 3)
    assert list(
        CompanyEvent.objects.filter(company=first).order_by("id").values_list("kind", flat=True)
    ) == ["created", "product_added", "product_added"]
    assert set(CompanyEvent.objects.values_list("actor", flat=True)) == {secretariat.pk}
    second = Company.objects.get(national_id=nid(2))
    assert second.status == CompanyStatus.IDLE
    assert not second.products.exists()


def test_a_file_with_only_the_required_columns_is_enough(county, province):
    file = xlsx([[nid(1), "شرکت کوچک", "2603"]], headers=["شناسه ملی", "نام شرکت", "شهرستان"])

    report = run(province, file=file)

    assert report.ok and report.created == 1
    company = Company.objects.get(national_id=nid(1))
    assert company.county == county
    assert company.status == CompanyStatus.OPERATING


def test_cells_typed_as_numbers_and_dates_in_excel_are_accepted(reference, province):
    row = company_row(
        1,
        **{
            "شناسه ملی": int(nid(1)),
            "کد فعالیت": 2023,
            "تاریخ وضعیت": dt.datetime(2024, 4, 3),  # a Gregorian date cell
            "تعداد کارکنان": 45.0,
            "کد پستی": 3431111111,
            "شهرستان": 2603,
        },
    )

    report = run(province, [row])

    assert report.ok, report.errors
    company = Company.objects.get(national_id=nid(1))
    assert company.status_since == dt.date(2024, 4, 3)
    assert company.employees == 45
    assert company.postal_code == "3431111111"


def test_a_jalali_date_a_spreadsheet_turned_into_a_date_cell_is_read_as_jalali(reference, province):
    report = run(province, [company_row(1, **{"تاریخ وضعیت": dt.datetime(1403, 1, 15)})])

    assert report.ok, report.errors
    assert Company.objects.get(national_id=nid(1)).status_since == dt.date(2024, 4, 3)


def test_an_isic_code_that_lost_its_leading_zero_is_found(county, province):
    ActivityFactory(code="0111", name="کشت غلات", name_en="Growing of cereals")
    file = xlsx(
        [[nid(1), "شرکت کشت", "قزوین", 111]],
        headers=["شناسه ملی", "نام شرکت", "شهرستان", "کد فعالیت"],
    )

    report = run(province, file=file)

    assert report.ok, report.errors
    assert Company.objects.get(national_id=nid(1)).activity.code == "0111"


@pytest.mark.parametrize(
    "status",
    ["idle", "Idle", "IDLE", "راکد", "  راكد "],
)
def test_a_status_is_read_from_its_value_english_or_persian_name(reference, province, status):
    report = run(province, [company_row(1, **{"وضعیت": status})])

    assert report.ok, report.errors
    assert Company.objects.get(national_id=nid(1)).status == CompanyStatus.IDLE


@pytest.mark.parametrize("estate", ["لیا", "شهرک صنعتی لیا", "شهرك صنعتي ليا"])
def test_an_estate_is_found_with_or_without_its_kind_and_in_arabic_letters(
    reference, province, estate
):
    report = run(province, [company_row(1, **{"شهرک یا ناحیه صنعتی": estate})])

    assert report.ok, report.errors
    assert Company.objects.get(national_id=nid(1)).estate.name == "لیا"


def test_fully_empty_rows_are_ignored_and_rows_keep_their_spreadsheet_numbers(reference, province):
    rows = [company_row(1), [None] * len(COMPANY_HEADERS), ["  "] * len(COMPANY_HEADERS)]
    rows.append(company_row(2, **{"شهرستان": "ناکجا"}))

    report = run(province, rows)

    assert report.total == 2
    error = only_error(report)
    assert error.row == 5


# --- Companies: row errors -----------------------------------------------------------------------


def test_one_bad_row_imports_nothing_and_the_report_names_its_row_column_and_reason(
    reference, province
):
    rows = [company_row(1), company_row(2), company_row(3, **{"شهرستان": "ناکجاآباد"})]

    with translation.override("en"):
        report = run(province, rows)

    assert not report.ok
    error = only_error(report)
    assert error.row == 4  # the header is row 1
    assert error.column == "شهرستان"
    assert error.message == "No county by this name or code in قزوین."
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert not Company.objects.exists()
    assert not CompanyEvent.objects.exists()
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "شناسه ملی",
            "10380284791",
            "This national ID is not valid: its check digit does not match.",
        ),
        ("شناسه ملی", "12345", "A national ID (شناسه ملی) has exactly 11 digits."),
        ("شهرستان", "تهران", "No county by this name or code in قزوین."),
        ("شهرک یا ناحیه صنعتی", "عباس‌آباد", "No industrial estate or zone by this name in قزوین."),
        ("کد فعالیت", "9999", "No ISIC Rev.4 class has this code."),
        ("تاریخ وضعیت", "1404/12/30", "1404/12 has no day 30."),
        ("تاریخ وضعیت", "1404/13/01", "The month must be between 1 and 12."),
        (
            "تاریخ وضعیت",
            "دیروز",
            "Enter a Jalali date as year/month/day, for example 1404/09/24.",
        ),
        ("تعداد کارکنان", "-5", "Enter a whole number of zero or more."),
        ("تعداد کارکنان", "12.5", "Enter a whole number of zero or more."),
        ("تعداد کارکنان", "ده", "Enter a whole number of zero or more."),
        ("کد پستی", "12345", "A postal code has 10 digits."),
        ("کد اقتصادی", "123", None),
        ("وضعیت", "نامعلوم", None),
        ("نام شرکت", "", "This cell is required."),
    ],
)
def test_each_bad_cell_is_reported_with_its_column(reference, province, column, value, message):
    with translation.override("en"):
        report = run(province, [company_row(1), company_row(2, **{column: value})])

    error = only_error(report)
    assert (error.row, error.column) == (3, column)
    if message:
        assert error.message == message
    assert not Company.objects.exists()


def test_a_row_may_have_several_errors_and_every_row_is_checked(reference, province):
    rows = [
        company_row(1, **{"شهرستان": "ناکجا", "کد فعالیت": "9999"}),
        company_row(2),
        company_row(3, **{"تاریخ وضعیت": "1404/12/30"}),
    ]

    report = run(province, rows)

    assert [(e.row, e.column) for e in report.errors] == [
        (2, "شهرستان"),
        (2, "کد فعالیت"),
        (4, "تاریخ وضعیت"),
    ]
    assert not Company.objects.exists()


def test_a_national_id_twice_in_the_file_names_both_rows(reference, province):
    rows = [company_row(1), company_row(2), company_row(1, **{"نام شرکت": "دیگری"})]

    with translation.override("en"):
        report = run(province, rows)

    error = only_error(report)
    assert (error.row, error.column) == (4, "شناسه ملی")
    assert error.message == "This national ID is also in row 2 of the file."


def test_the_same_national_id_in_persian_digits_is_still_a_duplicate(reference, province):
    persian = nid(1).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    report = run(province, [company_row(1), company_row(1, **{"شناسه ملی": persian})])

    assert only_error(report).row == 3


def test_errors_the_services_raise_are_mapped_to_their_column(reference, province):
    too_long = "ش" * 300

    report = run(province, [company_row(1), company_row(2, **{"نام شرکت": too_long})])

    error = only_error(report)
    assert (error.row, error.column) == (3, "نام شرکت")
    assert not Company.objects.exists()


def test_a_company_of_another_province_is_not_taken_over(reference, province):
    tehran = ProvinceFactory(code="23", name="تهران")
    CompanyFactory(
        national_id=nid(1), county=CountyFactory(province=tehran, code="2301", name="تهران")
    )

    with translation.override("en"):
        report = run(province, [company_row(1)])

    error = only_error(report)
    assert error.column == "شناسه ملی"
    assert error.message == "A company with this national ID is registered in another province."


def test_a_status_date_without_a_status_is_refused(reference, province):
    report = run(province, [company_row(1, **{"وضعیت": ""})])

    assert only_error(report).column == "وضعیت"


def test_messages_follow_the_active_language_while_columns_stay_persian(reference, province):
    with translation.override("en"):
        english = only_error(run(province, [company_row(1, **{"تعداد کارکنان": "-1"})]))
    with translation.override("fa"):
        persian = only_error(run(province, [company_row(1, **{"تعداد کارکنان": "-1"})]))

    assert english.column == persian.column == "تعداد کارکنان"
    assert english.message == "Enter a whole number of zero or more."
    # The Persian text comes from the catalogue; the row numbers in it use Persian digits.
    with translation.override("fa"):
        report = run(province, [company_row(1), company_row(1)])
    assert "۲" in only_error(report).message


# --- Dry runs and re-imports ---------------------------------------------------------------------


def test_a_dry_run_writes_nothing_but_reports_what_it_would_do(reference, province, company):
    rows = [
        company_row(1),
        company_row(2),
        [company.national_id, "نام تازه", None, "قزوین"] + [None] * 8,
    ]

    report = run(province, rows, dry_run=True)

    assert report.ok and report.dry_run
    assert (report.total, report.created, report.updated, report.unchanged) == (3, 2, 1, 0)
    assert Company.objects.count() == 1
    company.refresh_from_db()
    assert company.legal_name == "شرکت گلسار کاسپین"
    assert not CompanyEvent.objects.exists()


def test_reimporting_the_same_file_changes_nothing(reference, province):
    rows = [company_row(1), company_row(2), company_row(3, **{"وضعیت": "تعطیل"})]
    run(province, rows)
    events = CompanyEvent.objects.count()
    changes = StatusChange.objects.count()
    updated_at = sorted(Company.objects.values_list("updated_at", flat=True))

    report = run(province, rows)

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.unchanged == report.total
    assert CompanyEvent.objects.count() == events
    assert StatusChange.objects.count() == changes
    assert sorted(Company.objects.values_list("updated_at", flat=True)) == updated_at


def test_reimporting_with_a_changed_name_updates_the_company_matched_by_national_id(
    reference, province, secretariat
):
    run(province, [company_row(1), company_row(2)])
    company = Company.objects.get(national_id=nid(1))

    report = run(
        province,
        [company_row(1, **{"نام شرکت": "شرکت نمونه تازه"}), company_row(2)],
        actor=secretariat,
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    company.refresh_from_db()
    assert company.legal_name == "شرکت نمونه تازه"
    assert Company.objects.count() == 2
    event = CompanyEvent.objects.filter(company=company, kind="updated").get()
    assert event.changes == {"legal_name": ["شرکت نمونه 1", "شرکت نمونه تازه"]}
    assert event.actor == secretariat


def test_a_new_status_is_recorded_in_the_history(reference, province, company):
    file = xlsx(
        [[company.national_id, company.legal_name, "قزوین", "راکد", "۱۴۰۴/۰۲/۰۱"]],
        headers=["شناسه ملی", "نام شرکت", "شهرستان", "وضعیت", "تاریخ وضعیت"],
    )

    report = run(province, file=file)

    assert report.updated == 1
    company.refresh_from_db()
    assert company.status == CompanyStatus.IDLE
    assert company.status_since == dt.date(2025, 4, 21)
    assert CompanyEvent.objects.filter(company=company, kind="status_changed").count() == 1


def test_empty_cells_leave_stored_values_and_products_as_they_are(reference, province):
    run(province, [company_row(1)])
    row = company_row(1, **{"نشانی": "", "کد فعالیت": "", "محصولات": "", "تعداد کارکنان": ""})

    report = run(province, [row])

    assert report.unchanged == 1
    company = Company.objects.get(national_id=nid(1))
    assert company.address == "قزوین، شهرک صنعتی لیا"
    assert company.activity is not None
    assert company.employees == 45
    assert company.products.count() == 2


def test_a_changed_products_cell_replaces_the_product_list(reference, province):
    run(province, [company_row(1)])

    report = run(province, [company_row(1, **{"محصولات": "صابون\nشامپو"})])

    assert report.updated == 1
    company = Company.objects.get(national_id=nid(1))
    assert sorted(company.products.values_list("name", flat=True)) == ["شامپو", "صابون"]
    assert CompanyEvent.objects.filter(company=company, kind="product_removed").count() == 1


def test_progress_is_reported_up_to_the_total(reference, province):
    calls = []

    run(province, [company_row(n) for n in range(1, 6)], progress=lambda d, t: calls.append((d, t)))

    assert calls[-1] == (10, 10)  # each row is checked, then applied
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


# --- CSV -----------------------------------------------------------------------------------------


def test_a_csv_with_a_bom_and_persian_digits_is_imported(reference, province):
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    lines = [
        ",".join(COMPANY_HEADERS),
        ",".join(
            [
                nid(1).translate(persian),
                "شرکت نمونه",
                "",
                "قزوین",
                "لیا",
                "۲۰۲۳",
                "فعال",
                "۱۴۰۳/۰۱/۱۵",
                "۴۵",
                '"قزوین، خیابان یک"',
                "۳۴۳۱۱۱۱۱۱۱",
                '"صابون؛ شامپو"',
            ]
        ),
    ]
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")

    report = run(province, file=io.BytesIO(data), filename="companies.csv")

    assert report.ok, report.errors
    company = Company.objects.get(national_id=nid(1))
    assert company.employees == 45
    assert company.status_since == dt.date(2024, 4, 3)
    assert company.address == "قزوین، خیابان یک"
    assert company.products.count() == 2


def test_a_semicolon_separated_csv_is_read(county, province):
    data = f"شناسه ملی;نام شرکت;شهرستان\n{nid(1)};شرکت;قزوین\n".encode()

    report = run(province, file=io.BytesIO(data), filename="companies.csv")

    assert report.created == 1


# --- Bad files -----------------------------------------------------------------------------------


def file_error(province, data: bytes, filename="companies.xlsx", kind=ImportKind.COMPANIES):
    with pytest.raises(ImportFileError) as raised:
        run(province, file=io.BytesIO(data), filename=filename, kind=kind)
    assert raised.value.message
    return raised.value


def test_a_file_that_is_not_a_spreadsheet_is_refused(province):
    assert file_error(province, b"%PDF-1.4\x00\x01\x02binary").code == "not_spreadsheet"


def test_a_text_file_named_xlsx_is_refused(province):
    assert file_error(province, "شناسه ملی\n".encode()).code == "not_spreadsheet"


def test_a_zip_that_is_not_a_workbook_is_refused(province):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("readme.txt", "hello")

    assert file_error(province, output.getvalue()).code == "not_spreadsheet"


def test_an_old_xls_file_is_refused_with_advice(province):
    error = file_error(province, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls")

    assert error.code == "old_excel"


def test_an_empty_file_is_refused(province):
    assert file_error(province, b"", "companies.csv").code == "empty"


def test_a_file_with_headers_only_has_no_data_rows(province):
    assert file_error(province, xlsx([]).getvalue()).code == "no_rows"


def test_a_file_without_the_required_headers_says_which_are_missing(province):
    with translation.override("en"):
        error = file_error(province, xlsx([["x", "y"]], headers=["national id", "name"]).getvalue())

    assert error.code == "missing_columns"
    assert "شناسه ملی" in error.message and "شهرستان" in error.message


def test_an_unknown_column_is_refused_rather_than_ignored(province):
    headers = ["شناسه ملی", "نام شرکت", "شهرستان", "تلفن"]

    error = file_error(province, xlsx([[nid(1), "ش", "قزوین", "1"]], headers=headers).getvalue())

    assert error.code == "unknown_columns"
    assert "تلفن" in error.message


def test_a_column_given_twice_is_refused(province):
    headers = ["شناسه ملی", "نام شرکت", "شهرستان", "نام شرکت"]

    error = file_error(province, xlsx([[nid(1), "ش", "قزوین", "ش"]], headers=headers).getvalue())

    assert error.code == "duplicate_columns"


def test_a_csv_that_is_not_utf8_is_refused(province):
    data = "شناسه ملي,نام شركت,شهرستان\n".encode("cp1256")  # Excel's "CSV" on Persian Windows

    assert file_error(province, data, "companies.csv").code == "encoding"


def test_too_many_rows_are_refused(reference, province, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 2)

    error = file_error(province, xlsx([company_row(n) for n in range(1, 4)]).getvalue())

    assert error.code == "too_many_rows"
    assert not Company.objects.exists()


def test_a_file_too_large_is_refused(province, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UPLOAD_BYTES", 1000)

    assert file_error(province, b"x" * 1001, "companies.csv").code == "too_large"


# --- Certificates --------------------------------------------------------------------------------


def certificate_row(national_id, number="KB-1", **overrides):
    values = {
        "شناسه ملی": national_id,
        "شماره گواهی": number,
        "نوع گواهی": "نوآور",
        "تاریخ صدور": "1403/01/01",
        "تاریخ انقضا": "1406/01/01",
        "محصولات دانش‌بنیان": "شوینده زیستی؛ نرم‌کننده",
    }
    values.update(overrides)
    return [values[h] for h in CERTIFICATE_HEADERS]


def run_certificates(province, rows, **kwargs):
    return run(province, rows, kind=ImportKind.CERTIFICATES, **kwargs)


def test_certificates_are_added_to_companies_of_the_province(province, company, secretariat):
    rows = [
        certificate_row(company.national_id, "KB-1"),
        certificate_row(
            company.national_id,
            "KB-0",
            **{
                "نوع گواهی": "تولیدی نوع ۱",
                "تاریخ صدور": "1400/01/01",
                "تاریخ انقضا": "1403/01/01",
            },
        ),
    ]

    report = run_certificates(province, rows, actor=secretariat)

    assert report.ok, report.errors
    assert report.created == 2
    certificate = Certificate.objects.get(number="KB-1")
    assert certificate.company == company
    assert certificate.certificate_class == CertificateClass.INNOVATOR
    assert certificate.issued_on == dt.date(2024, 3, 20)
    assert certificate.approved_product_list() == ["شوینده زیستی", "نرم‌کننده"]
    assert Certificate.objects.get(number="KB-0").certificate_class == CertificateClass.PRODUCTION_1
    assert CompanyEvent.objects.filter(company=company, kind="certificate_added").count() == 2


def test_a_class_that_does_not_match_the_issue_date_is_a_row_error(province, company):
    rows = [
        certificate_row(company.national_id, "KB-1"),
        certificate_row(company.national_id, "KB-2", **{"نوع گواهی": "تولیدی نوع ۲"}),
    ]

    with translation.override("en"):
        report = run_certificates(province, rows)

    error = only_error(report)
    assert (error.row, error.column) == (3, "نوع گواهی")
    assert "start-up, innovator or technologist" in error.message
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"شناسه ملی": nid(99)}, "شناسه ملی", "No company with this national ID in the province."),
        (
            {"تاریخ انقضا": "1402/01/01"},
            "تاریخ انقضا",
            "The expiry date must be after the issue date.",
        ),
        ({"تاریخ صدور": "1404/12/30"}, "تاریخ صدور", "1404/12 has no day 30."),
        ({"نوع گواهی": "طلایی"}, "نوع گواهی", None),
        ({"شماره گواهی": ""}, "شماره گواهی", "This cell is required."),
    ],
)
def test_each_bad_certificate_cell_is_reported(province, company, overrides, column, message):
    row = certificate_row(company.national_id, "KB-2", **overrides)

    with translation.override("en"):
        report = run_certificates(province, [certificate_row(company.national_id), row])

    error = only_error(report)
    assert (error.row, error.column) == (3, column)
    if message:
        assert error.message == message
    assert not Certificate.objects.exists()


def test_a_certificate_number_twice_in_the_file_names_both_rows(province, company):
    rows = [certificate_row(company.national_id, "KB-1")] * 2

    with translation.override("en"):
        report = run_certificates(province, rows)

    error = only_error(report)
    assert (error.row, error.column) == (3, "شماره گواهی")
    assert error.message == "This certificate number is also in row 2 of the file."


def test_a_certificate_of_a_company_in_another_province_is_refused(province, company):
    tehran = ProvinceFactory(code="23", name="تهران")
    stranger = CompanyFactory(county=CountyFactory(province=tehran, code="2301", name="تهران"))

    report = run_certificates(province, [certificate_row(stranger.national_id)])

    assert only_error(report).column == "شناسه ملی"


def test_a_certificate_number_of_another_company_is_refused(province, company, other_company):
    CertificateFactory(company=other_company, number="KB-1")

    report = run_certificates(province, [certificate_row(company.national_id, "KB-1")])

    assert only_error(report).column == "شماره گواهی"
    assert Certificate.objects.get(number="KB-1").company == other_company


def test_reimporting_certificates_is_idempotent_and_updates_by_number(province, company):
    rows = [certificate_row(company.national_id, "KB-1")]
    run_certificates(province, rows)
    events = CompanyEvent.objects.count()

    again = run_certificates(province, rows)
    changed = run_certificates(
        province, [certificate_row(company.national_id, "KB-1", **{"تاریخ انقضا": "1407/01/01"})]
    )

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    assert Certificate.objects.get(number="KB-1").expires_on == dt.date(2028, 3, 20)
    assert CompanyEvent.objects.count() == events + 1
    assert CompanyEvent.objects.latest("id").kind == "certificate_updated"


# --- Templates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ImportKind.values)
def test_the_template_workbook_is_right_to_left_and_its_headers_are_accepted(
    province, county, kind
):
    data = template_workbook(kind, province=province)
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]

    assert sheet.sheet_view.rightToLeft
    assert workbook.sheetnames[1] == "راهنما"
    assert workbook["راهنما"].sheet_view.rightToLeft
    headers = [cell.value for cell in sheet[1]]
    assert headers == [c.header for c in imports.COLUMNS[kind]]
    assert all(sheet.column_dimensions[chr(65 + i)].width for i in range(len(headers)))
    # The headers alone are accepted: the file is refused only for having no rows.
    with pytest.raises(ImportFileError) as raised:
        run(province, file=io.BytesIO(data), kind=kind)
    assert raised.value.code == "no_rows"


def test_a_filled_in_template_imports(reference, province):
    workbook = load_workbook(io.BytesIO(template_workbook(ImportKind.COMPANIES, province)))
    workbook.worksheets[0].append(company_row(1))
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)

    report = run(province, file=output)

    assert report.ok and report.created == 1


def test_the_template_guide_lists_statuses_classes_and_the_provinces_counties(
    province, county, other_county
):
    companies = load_workbook(io.BytesIO(template_workbook(ImportKind.COMPANIES, province)))
    certificates = load_workbook(io.BytesIO(template_workbook(ImportKind.CERTIFICATES)))

    company_guide = {c for row in companies["راهنما"].iter_rows(values_only=True) for c in row}
    certificate_guide = {
        c for row in certificates["راهنما"].iter_rows(values_only=True) for c in row
    }
    assert {"فعال", "راکد", "تعطیل", "قزوین", "تاکستان", "2603"} <= company_guide
    assert {"نوآور", "فناور", "نوپا", "تولیدی نوع ۱", "1403/01/01"} <= certificate_guide


def test_the_csv_template_has_a_bom_and_only_the_header_row(province):
    data = template_csv(ImportKind.COMPANIES)

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip() == ",".join(COMPANY_HEADERS)
    with pytest.raises(ImportFileError) as raised:
        run(province, file=io.BytesIO(data), filename="template.csv")
    assert raised.value.code == "no_rows"


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_read(
    monkeypatch, secretariat, province
):
    imports_module = imports
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1000)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["x" * 50] * 50)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with pytest.raises(imports_module.ImportFileError) as raised:
        imports_module.import_file(
            actor=secretariat,
            province=province,
            kind="companies",
            file=buffer,
            filename="big.xlsx",
            dry_run=True,
        )
    assert raised.value.code == "too_large"
