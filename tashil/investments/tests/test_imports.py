"""Importing investment projects and export figures from Excel and CSV: the registry's rules (all
or nothing, errors naming the row and the Persian column, idempotent re-imports), every write
through the investment services, money read with its currency and rate."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from tashil.core.jalali import jalali_input_value
from tashil.core.money import Currency, Money, to_rials
from tashil.core.spreadsheets import ImportFileError, import_file, template_workbook
from tashil.factories import CompanyFactory, CountyFactory, ProvinceFactory
from tashil.investments.imports import EXPORT_COLUMNS, PROJECT_COLUMNS
from tashil.investments.models import (
    Event,
    ExportFigure,
    ExportKind,
    Project,
    ProjectUpdate,
)
from tashil.investments.selectors import export_totals
from tashil.investments.tests.conftest import RATE, RATE_ON
from tashil.investments.workflow import ProjectStatus
from tashil.registry.models import ImportJob, ImportJobStatus

pytestmark = pytest.mark.django_db

PROJECT_HEADERS = [c.header for c in PROJECT_COLUMNS]
EXPORT_HEADERS = [c.header for c in EXPORT_COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RATE_ON_JALALI = jalali_input_value(RATE_ON)


def xlsx(rows: list[dict[str, Any]], headers: list[str] = PROJECT_HEADERS) -> io.BytesIO:
    """A workbook with `headers` and one line per row (a dict by header; missing cells empty)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


def run(
    province: Any,
    rows: list[dict[str, Any]],
    *,
    kind: str = "projects",
    dry_run: bool = False,
    actor: Any = None,
) -> Any:
    headers = PROJECT_HEADERS if kind == "projects" else EXPORT_HEADERS
    return import_file(
        actor=actor,
        province=province,
        kind=kind,
        file=xlsx(rows, headers),
        filename=f"{kind}.xlsx",
        dry_run=dry_run,
    )


def errors_of(report: Any) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in report.errors]


def project_row(company: Any, **cells: Any) -> dict[str, Any]:
    """The reference scenario's cosmetics line, as a secretariat would type it."""
    row = {
        "شناسه ملی شرکت": company.national_id,
        "عنوان طرح": "خط تولید محصولات آرایشی و بهداشتی",
        "بخش": "آرایشی و بهداشتی",
        "شهرک یا ناحیه صنعتی": "کاسپین",
        "مبلغ سرمایه‌گذاری": "۴٬۰۰۰٬۰۰۰",
        "واحد پول": "دلار",
        "نرخ ارز": str(RATE),
        "تاریخ نرخ ارز": RATE_ON_JALALI,
        "اشتغال پیش‌بینی‌شده": "100",
        "تعداد انواع محصول": "90",
        "درصد پیشرفت فیزیکی": "۹۵٪",
        "وضعیت": "در حال اجرا",
        "منبع": "سخنگوی دولت",
        "تاریخ آمار": "1404/09/20",
    }
    row.update(cells)
    return row


@pytest.fixture
def reference(sector: Any, detergents: Any, estate: Any, county: Any, other_county: Any) -> Any:
    """The sectors, the Caspian industrial city and two counties the rows name."""
    return estate


# --- Projects ------------------------------------------------------------------------------------


def test_a_good_file_records_projects_through_the_service_with_their_source(
    reference, province, company, other_company, secretariat, sector, detergents, other_county
):
    rows = [
        project_row(company),
        project_row(
            other_company,
            **{
                "عنوان طرح": "توسعه خط شوینده",
                "بخش": "detergents",
                "شهرستان": "2602",
                "شهرک یا ناحیه صنعتی": "",
                "مبلغ سرمایه‌گذاری": 250_000_000_000,
                "واحد پول": "تومان",
                "نرخ ارز": "",
                "تاریخ نرخ ارز": "",
                "وضعیت": "",
                "درصد پیشرفت فیزیکی": "",
            },
        ),
    ]

    report = run(province, rows, actor=secretariat)

    assert report.ok, report.errors
    assert (report.total, report.created, report.updated, report.unchanged) == (2, 2, 0, 0)
    line = Project.objects.get(company=company)
    assert line.title == "خط تولید محصولات آرایشی و بهداشتی"
    assert (line.sector, line.estate, line.county) == (sector, reference, company.county)
    assert line.money == Money(Decimal(4_000_000), Currency.USD, RATE, RATE_ON)
    assert line.amount_rial == 4_000_000 * RATE
    assert (line.jobs_planned, line.product_types, line.progress) == (100, 90, 95)
    assert line.status == ProjectStatus.UNDER_CONSTRUCTION
    created = line.updates.get()
    assert (created.kind, created.source, created.actor) == (
        ProjectUpdate.Kind.CREATED,
        "سخنگوی دولت",
        secretariat,
    )
    assert created.on == dt.date(2025, 12, 11)  # 1404/09/20
    expansion = Project.objects.get(company=other_company)
    assert (expansion.sector, expansion.county, expansion.estate) == (
        detergents,
        other_county,
        None,
    )
    assert expansion.amount_rial == 2_500_000_000_000  # tomans are ten rials
    assert (expansion.status, expansion.progress) == (ProjectStatus.PLANNED, 0)


def test_a_file_with_one_bad_row_imports_nothing_and_names_each_row_and_column(
    reference, province, company
):
    unknown = CompanyFactory.build().national_id  # valid, but not registered
    rows = [
        project_row(company),
        project_row(company, **{"عنوان طرح": "خط دوم", "درصد پیشرفت فیزیکی": "120"}),
        project_row(company, **{"شناسه ملی شرکت": unknown, "عنوان طرح": "خط سوم"}),
    ]

    report = run(province, rows)

    assert not report.ok
    assert errors_of(report) == [(3, "درصد پیشرفت فیزیکی"), (4, "شناسه ملی شرکت")]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert not Project.objects.exists()
    assert not ProjectUpdate.objects.exists()


def test_a_dry_run_counts_what_would_be_done_and_writes_nothing(reference, province, company):
    report = run(province, [project_row(company)], dry_run=True)

    assert report.ok and report.dry_run
    assert report.created == 1
    assert not Project.objects.exists()
    assert not ProjectUpdate.objects.exists()


def test_importing_the_same_file_again_changes_nothing(reference, province, company):
    rows = [project_row(company)]
    run(province, rows)

    again = run(province, rows)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Project.objects.count() == 1
    assert ProjectUpdate.objects.count() == 1


def test_a_changed_row_updates_its_project_with_one_history_row(reference, province, company):
    run(province, [project_row(company)])
    project = Project.objects.get()
    # The title as typed elsewhere (no ZWNJ, other spaces) still finds the project; the empty
    # cells leave the stored figures alone.
    changed = {header: "" for header in PROJECT_HEADERS}
    changed.update(
        {
            "شناسه ملی شرکت": company.national_id,
            "عنوان طرح": "خط  تولید محصولات آرایشی و  بهداشتی",
            "اشتغال ایجادشده": "۸۰",
            "درصد پیشرفت فیزیکی": "98",
            "منبع": "گزارش شرکت",
            "تاریخ آمار": "1404/09/22",
        }
    )

    report = run(province, [changed])

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    project.refresh_from_db()
    assert (project.jobs_created, project.progress, project.jobs_planned) == (80, 98, 100)
    assert project.title == "خط تولید محصولات آرایشی و بهداشتی"
    assert project.amount_rial == 4_000_000 * RATE
    update = project.updates.order_by("-id").first()
    assert project.updates.count() == 2
    assert (update.kind, update.source, update.on) == (
        ProjectUpdate.Kind.UPDATED,
        "گزارش شرکت",
        dt.date(2025, 12, 13),
    )
    assert set(update.changes) == {"jobs_created", "progress"}


def test_a_dollar_amount_without_its_rate_is_an_error_on_the_rate_column(
    reference, province, company
):
    with translation.override("fa"):
        report = run(province, [project_row(company, **{"نرخ ارز": ""})])
        with pytest.raises(ValidationError) as raised:
            to_rials(Money(Decimal(4_000_000), Currency.USD, None, RATE_ON))
        service_message = raised.value.message_dict["rate"][0]

    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "نرخ ارز", service_message)
    ]
    assert not Project.objects.exists()


def test_a_new_project_needs_its_sector_and_investment_and_an_amount_its_currency(
    reference, province, company
):
    rows = [
        project_row(company, **{"بخش": "", "مبلغ سرمایه‌گذاری": "", "واحد پول": ""}),
        project_row(company, **{"عنوان طرح": "خط دوم", "واحد پول": ""}),
        project_row(company, **{"عنوان طرح": "خط سوم", "بخش": "فولاد"}),
    ]
    rows[0]["نرخ ارز"] = rows[0]["تاریخ نرخ ارز"] = ""

    report = run(province, rows)

    assert errors_of(report) == [
        (2, "بخش"),
        (2, "مبلغ سرمایه‌گذاری"),
        (3, "واحد پول"),
        (4, "بخش"),
    ]
    assert not Project.objects.exists()


def test_a_cell_longer_than_its_column_is_refused_on_that_column(reference, province, company):
    report = run(province, [project_row(company, **{"منبع": "گزارش " * 60})])

    assert errors_of(report) == [(2, "منبع")]
    assert not Project.objects.exists()


def test_a_status_the_workflow_does_not_allow_is_refused_on_the_status_column(
    reference, province, company
):
    unopened = run(province, [project_row(company, **{"وضعیت": "در حال بهره‌برداری"})])
    assert errors_of(unopened) == [(2, "تاریخ افتتاح")]  # an operating line has opened
    assert not Project.objects.exists()

    run(province, [project_row(company, **{"وضعیت": "متوقف"})])
    back = run(province, [project_row(company, **{"وضعیت": "در حال اجرا"})])
    to_planned = run(province, [project_row(company, **{"وضعیت": "در برنامه"})])
    project = Project.objects.get()

    assert back.updated == 1  # stalled → under construction is allowed
    assert errors_of(to_planned) == [(2, "وضعیت")]
    assert project.status == ProjectStatus.UNDER_CONSTRUCTION
    assert project.updates.count() == 2


def test_companies_outside_the_province_and_repeated_rows_are_refused(reference, province, company):
    elsewhere = CompanyFactory(
        county=CountyFactory(
            province=ProvinceFactory(code="01", name="آذربایجان شرقی"), code="0101"
        )
    )
    rows = [
        project_row(company),
        project_row(elsewhere),
        project_row(company, **{"عنوان طرح": "خط تولید محصولات آرایشی وبهداشتی"}),
    ]

    report = run(province, rows)

    assert errors_of(report) == [(3, "شناسه ملی شرکت"), (4, "عنوان طرح")]
    with translation.override("en"):
        report = run(province, rows)
    assert "row 2" in report.errors[-1].message
    assert not Project.objects.exists()


def test_a_project_template_lists_what_the_cells_accept_and_its_headers_are_accepted(
    reference, province, county
):
    data = template_workbook("projects", province=province)
    workbook = load_workbook(io.BytesIO(data))

    assert [cell.value for cell in workbook.worksheets[0][1]] == PROJECT_HEADERS
    assert workbook.worksheets[0].sheet_view.rightToLeft
    guide = {cell for row in workbook["راهنما"].iter_rows(values_only=True) for cell in row}
    assert {"در حال اجرا", "دلار", "تومان", "آرایشی و بهداشتی", "کاسپین", "قزوین"} <= guide
    with pytest.raises(ImportFileError) as raised:
        import_file(
            actor=None,
            province=province,
            kind="projects",
            file=io.BytesIO(data),
            filename="t.xlsx",
            dry_run=True,
        )
    assert raised.value.code == "no_rows"


def test_a_csv_with_semicolons_and_persian_digits_imports(reference, province, company):
    lines = [
        ";".join(["شناسه ملی شرکت", "عنوان طرح", "بخش", "مبلغ سرمایه‌گذاری", "واحد پول", "منبع"]),
        ";".join([company.national_id, "خط نو", "شوینده", "۱۲۰٬۰۰۰٬۰۰۰", "ریال", "استانداری"]),
    ]
    data = ("\ufeff" + "\n".join(lines)).encode()

    report = import_file(
        actor=None,
        province=province,
        kind="projects",
        file=io.BytesIO(data),
        filename="projects.csv",
        dry_run=False,
    )

    assert report.ok, report.errors
    assert Project.objects.get().amount_rial == 120_000_000


# --- Export figures ------------------------------------------------------------------------------


def figure_row(company: Any, **cells: Any) -> dict[str, Any]:
    row = {
        "شناسه ملی شرکت": company.national_id,
        "نوع رقم": "پیش‌بینی",
        "سال": "۱۴۰۴",
        "مقصد": "کشورهای عربی",
        "مبلغ": "600000",
        "واحد پول": "USD",
        "نرخ ارز": str(RATE),
        "تاریخ نرخ ارز": RATE_ON_JALALI,
        "منبع": "سخنگوی دولت",
    }
    row.update(cells)
    return row


def test_export_figures_are_recorded_by_country_and_group_and_total_consistently(
    province, company, destinations, cosmetics_line, secretariat
):
    title = cosmetics_line.title
    rows = [
        figure_row(company, **{"عنوان طرح": title}),
        figure_row(company, **{"عنوان طرح": title, "مقصد": "RU", "مبلغ": "400000"}),
        figure_row(company, **{"مقصد": "United Arab Emirates", "نوع رقم": "واقعی", "مبلغ": 1000}),
        figure_row(
            company,
            **{"مقصد": "IRQ", "مبلغ": "5000000000", "واحد پول": "ریال", "نرخ ارز": ""},
        ),
    ]
    rows[3]["تاریخ نرخ ارز"] = ""

    report = run(province, rows, kind="exports", actor=secretariat)

    assert report.ok, report.errors
    assert report.created == 4
    figures = ExportFigure.objects.all()
    arab = figures.get(group=destinations.arab)
    assert (arab.project, arab.kind, arab.year) == (cosmetics_line, ExportKind.FORECAST, 1404)
    assert figures.get(country=destinations.russia).project == cosmetics_line
    assert figures.get(country=destinations.uae).kind == ExportKind.ACTUAL
    assert Event.objects.filter(target=Event.Target.EXPORT, kind="created").count() == 4
    totals = export_totals(figures)
    assert totals.total.rial == (600_000 + 400_000 + 1000) * RATE + 5_000_000_000
    by_group = {group.code: amounts.rial for group, amounts in totals.by_group}
    # Iraq and the Emirates are Arab: they count for the group beside its own figure.
    assert by_group["arab_league"] == 600_000 * RATE + 1000 * RATE + 5_000_000_000


def test_importing_export_figures_again_is_idempotent_and_a_change_updates_the_figure(
    province, company, destinations
):
    rows = [figure_row(company, **{"توضیحات": "اعلام در سفر استانی"})]
    run(province, rows, kind="exports")

    again = run(province, rows, kind="exports")
    changed = run(province, [figure_row(company, **{"مبلغ": "700000"})], kind="exports")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    figure = ExportFigure.objects.get()
    assert figure.amount == 700_000
    assert figure.note == "اعلام در سفر استانی"  # an empty note keeps the recorded one
    assert Event.objects.filter(target_id=figure.pk).count() == 2


def test_bad_export_rows_are_reported_on_their_columns_and_nothing_is_recorded(
    province, company, destinations, cosmetics_line
):
    rows = [
        figure_row(company),
        figure_row(company, **{"مقصد": "آتلانتیس"}),
        figure_row(company, **{"سال": "2025"}),
        figure_row(company, **{"عنوان طرح": "طرحی که نیست"}),
        figure_row(company, **{"نوع رقم": "آرزو"}),
        figure_row(company, **{"مقصد": "RU", "نرخ ارز": ""}),
        figure_row(company),
    ]

    report = run(province, rows, kind="exports")

    assert errors_of(report) == [
        (3, "مقصد"),
        (4, "سال"),
        (5, "عنوان طرح"),
        (6, "نوع رقم"),
        (7, "نرخ ارز"),
        (8, "مقصد"),  # the same figure as row 2
    ]
    assert not ExportFigure.objects.exists()
    assert not Event.objects.exists()


# --- Upload page and jobs ------------------------------------------------------------------------


@pytest.fixture
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_secretariat_uploads_a_projects_file_and_the_job_page_leads_back_to_projects(
    _media, client, secretariat, reference, company, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    upload = SimpleUploadedFile(
        "projects.xlsx", xlsx([project_row(company)]).getvalue(), content_type=XLSX
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("investments:import"), {"kind": "projects", "file": upload})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import_job", args=[job.pk])
    assert (job.kind, job.status, job.report["created"]) == ("projects", ImportJobStatus.DONE, 1)
    assert Project.objects.get().updates.get().actor == secretariat
    page = client.get(response["Location"]).content.decode()
    assert f'href="{reverse("investments:import")}"' in page
    assert f'href="{reverse("investments:project_list")}"' in page
    listing = client.get(reverse("investments:import"))
    assert listing.context["jobs"][0] == job
    # The registry's page lists the registry's imports only.
    assert not client.get(reverse("registry:company_import")).context["jobs"]


def test_a_bad_exports_upload_reports_the_row_on_the_job_page(
    _media, client, secretariat, company, destinations, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    data = xlsx([figure_row(company, **{"مقصد": "آتلانتیس"})], EXPORT_HEADERS).getvalue()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("investments:import"),
            {"kind": "exports", "file": SimpleUploadedFile("x.xlsx", data, content_type=XLSX)},
        )

    page = client.get(response["Location"])
    assert 'data-testid="import-errors"' in page.content.decode()
    assert [(e.row, e.column) for e in page.context["report"].errors] == [(2, "مقصد")]
    assert f'href="{reverse("investments:export_list")}"' in page.content.decode()
    assert not ExportFigure.objects.exists()


def test_templates_download_and_only_the_secretariat_may_import(
    client, secretariat, executive, reference
):
    client.force_login(secretariat)
    workbook = client.get(reverse("investments:import_template", args=["exports", "xlsx"]))
    csv_file = client.get(reverse("investments:import_template", args=["projects", "csv"]))
    unknown = client.get(reverse("investments:import_template", args=["companies", "xlsx"]))

    assert workbook["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == EXPORT_HEADERS
    assert csv_file.content.decode("utf-8-sig").strip() == ",".join(PROJECT_HEADERS)
    assert unknown.status_code == 404
    client.force_login(executive)
    assert client.get(reverse("investments:import")).status_code == 403
    assert (
        client.get(reverse("investments:import_template", args=["projects", "xlsx"])).status_code
        == 403
    )
