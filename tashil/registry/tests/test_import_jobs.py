"""Uploading a spreadsheet: the page queues a job, the worker imports it, the job page reports."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tashil.factories import ProvinceFactory
from tashil.registry import import_jobs
from tashil.registry.imports import ImportKind, template_workbook
from tashil.registry.models import Company, ImportJob, ImportJobStatus

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def companies_file(*rows: dict[str, str]) -> SimpleUploadedFile:
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(ImportKind.COMPANIES)))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)
    for values in rows:
        sheet.append([values.get(header, "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("companies.xlsx", buffer.getvalue(), content_type=XLSX)


GOOD = {"شناسه ملی": "10380284790", "نام شرکت": "شرکت الف", "شهرستان": "قزوین"}
BAD = {"شناسه ملی": "10380284791", "نام شرکت": "شرکت ب", "شهرستان": "قزوین"}


def upload(client: Any, file: Any, *, dry_run: bool = False) -> Any:
    data = {"kind": "companies", "file": file}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("registry:company_import"), data)


def test_a_file_with_one_bad_row_imports_nothing_and_the_job_names_the_row(
    client: Any, secretariat: Any, county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, companies_file(GOOD, BAD))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import_job", args=[job.pk])
    assert job.status == ImportJobStatus.DONE
    assert job.created_by == secretariat
    assert not Company.objects.exists()
    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [(3, "شناسه ملی")]
    # The upload is not kept once read.
    assert not job.file

    page = client.get(response["Location"])
    assert 'data-testid="import-errors"' in page.content.decode()
    assert page.context["report"].errors[0].row == 3


def test_a_good_file_is_imported_by_the_worker(
    client: Any, secretariat: Any, county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, companies_file(GOOD))
    job = ImportJob.objects.get()
    assert job.report["created"] == 1
    company = Company.objects.get(national_id="10380284790")
    assert company.events.get().actor == secretariat


def test_a_dry_run_reports_without_importing(
    client: Any, secretariat: Any, county: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, companies_file(GOOD), dry_run=True)
    job = ImportJob.objects.get()
    assert (job.dry_run, job.report["created"]) == (True, 1)
    assert not Company.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_fails_with_a_clear_message(
    client: Any, secretariat: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The upload form refuses what is plainly not a workbook (test_bad_imports); this one is a
    # zip that looks like one until the worker tries to read it.
    client.force_login(secretariat)
    unreadable = io.BytesIO()
    with zipfile.ZipFile(unreadable, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"not xml")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, SimpleUploadedFile("notes.xlsx", unreadable.getvalue()))
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert job.error
    page = client.get(reverse("registry:import_job", args=[job.pk]))
    assert job.error in page.content.decode()


def test_an_oversized_upload_is_refused_before_it_is_stored(
    client: Any, secretariat: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(import_jobs, "MAX_UPLOAD_BYTES", 10)
    client.force_login(secretariat)
    response = upload(client, companies_file(GOOD))
    assert response.status_code == 422
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_a_waiting_job_page_polls_until_the_worker_is_done(
    client: Any, secretariat: Any, county: Any
) -> None:
    client.force_login(secretariat)
    upload(client, companies_file(GOOD))  # on_commit never fires: the worker has not run
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.QUEUED
    partial = client.get(reverse("registry:import_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert "<html" not in body

    import_jobs.import_job_run(job_id=job.pk)
    assert import_jobs.import_job_run(job_id=job.pk) is None  # a finished job is not re-run
    partial = client.get(reverse("registry:import_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in partial.content.decode()
    assert Company.objects.count() == 1


def test_another_provinces_job_is_404(client: Any, secretariat: Any, county: Any) -> None:
    other = ProvinceFactory(code="01", name="آذربایجان شرقی")
    job = ImportJob.objects.create(province=other, kind="companies", filename="x.xlsx")
    client.force_login(secretariat)
    assert client.get(reverse("registry:import_job", args=[job.pk])).status_code == 404


def test_a_representative_may_not_import(client: Any, owner: Any) -> None:
    client.force_login(owner)
    assert client.get(reverse("registry:company_import")).status_code == 403
