"""An import that dies midway (a bug in a service, the worker stopped or killed) leaves no
company behind, marks its job failed with a message, and the same file imports cleanly when it
is uploaded again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tashil.factories import _national_id
from tashil.registry import imports
from tashil.registry.import_jobs import (
    import_job_run,
    import_job_start,
    import_jobs_fail_interrupted,
)
from tashil.registry.models import Company, CompanyEvent, ImportJob, ImportJobStatus
from tashil.registry.tests.test_import_jobs import companies_file

pytestmark = pytest.mark.django_db

ROWS = 6
DIES_AFTER = 4


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def six_companies() -> SimpleUploadedFile:
    return companies_file(
        *(
            {"شناسه ملی": _national_id(5000 + n), "نام شرکت": f"شرکت {n}", "شهرستان": "قزوین"}
            for n in range(ROWS)
        )
    )


def start(secretariat: Any) -> ImportJob:
    return import_job_start(
        actor=secretariat,
        province=secretariat.role_assignments.get().province,
        kind="companies",
        upload=six_companies(),
        dry_run=False,
        language="en",
    )


@pytest.fixture
def dying_after_four_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """companies_create writes four companies (and their events), then the process dies."""
    real = imports.companies_create

    def dying(*, actor: Any, companies: Sequence[Any]) -> list[Any]:
        real(actor=actor, companies=companies[:DIES_AFTER])
        assert Company.objects.count() == DIES_AFTER  # written, not yet committed
        raise SystemExit("worker stopped (SIGTERM)")

    monkeypatch.setattr(imports, "companies_create", dying)


def test_an_import_stopped_midway_leaves_no_company_and_a_failed_job(
    secretariat: Any, county: Any, dying_after_four_rows: None
) -> None:
    job = start(secretariat)

    with pytest.raises(SystemExit):
        import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert job.error == "The import failed unexpectedly. Nothing was imported."
    assert job.finished_at is not None
    assert not job.file
    assert not Company.objects.exists()
    assert not CompanyEvent.objects.exists()


def test_an_import_failing_on_an_unexpected_error_in_the_worker_leaves_nothing(
    secretariat: Any,
    county: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    real = imports.companies_create

    def failing(*, actor: Any, companies: Sequence[Any]) -> list[Any]:
        real(actor=actor, companies=companies[:DIES_AFTER])
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "companies_create", failing)

    # Through huey (immediate mode), as the upload page queues it.
    with django_capture_on_commit_callbacks(execute=True):
        job = start(secretariat)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert not Company.objects.exists()


def test_the_same_file_imports_cleanly_after_a_failed_run(
    secretariat: Any, county: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = imports.companies_create
    with monkeypatch.context() as patch:

        def dying(*, actor: Any, companies: Sequence[Any]) -> list[Any]:
            real(actor=actor, companies=companies[:DIES_AFTER])
            raise KeyboardInterrupt

        patch.setattr(imports, "companies_create", dying)
        with pytest.raises(KeyboardInterrupt):
            import_job_run(job_id=start(secretariat).pk)

    again = import_job_run(job_id=start(secretariat).pk)

    assert again is not None
    assert again.status == ImportJobStatus.DONE
    assert again.report["created"] == ROWS
    assert Company.objects.count() == ROWS
    assert CompanyEvent.objects.count() == ROWS
    assert ImportJob.objects.filter(status=ImportJobStatus.FAILED).count() == 1


def test_a_job_whose_worker_was_killed_is_marked_failed_after_two_hours(
    secretariat: Any, county: Any
) -> None:
    now = timezone.now()
    killed, busy = start(secretariat), start(secretariat)
    # What a SIGKILLed worker leaves: "running", no finish, the upload still on disk.
    ImportJob.objects.filter(pk=killed.pk).update(
        status=ImportJobStatus.RUNNING, started_at=now - dt.timedelta(hours=3)
    )
    ImportJob.objects.filter(pk=busy.pk).update(
        status=ImportJobStatus.RUNNING, started_at=now - dt.timedelta(minutes=10)
    )

    assert import_jobs_fail_interrupted(now=now) == 1
    assert import_jobs_fail_interrupted(now=now) == 0

    killed.refresh_from_db()
    busy.refresh_from_db()
    assert killed.status == ImportJobStatus.FAILED
    assert "interrupted" in killed.error
    assert not killed.file
    assert busy.status == ImportJobStatus.RUNNING
