"""Spreadsheet imports as background jobs: the web stores the upload and queues it; the worker
runs `core.spreadsheets.import_file` and keeps the report for the page to show (it polls with
htmx). Jobs run any registered kind (companies, certificates, investment projects, export
figures…); the job page links back to the pages of its kind."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from tashil.accounts.models import User
from tashil.core.spreadsheets import (
    MAX_UPLOAD_BYTES,
    ImportFileError,
    ImportReport,
    RowError,
    import_file,
    importer_for,
)
from tashil.geo.models import Province
from tashil.registry.models import ImportJob, ImportJobStatus


@transaction.atomic
def import_job_start(
    *,
    actor: User,
    province: Province,
    kind: str,
    upload: UploadedFile,
    dry_run: bool,
    language: str,
) -> ImportJob:
    """Store the upload and queue its import. Refuses an oversized file at once, before it
    reaches the disk."""
    importer_for(kind)  # ValueError for a kind no app registered
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // 2**20},
            "too_large",
        )
    job = ImportJob.objects.create(
        province=province,
        kind=kind,
        dry_run=dry_run,
        filename=(upload.name or "upload")[:255],
        language=language,
        created_by=actor,
    )
    job.file.save(f"{job.pk}-{kind}", upload, save=True)
    transaction.on_commit(lambda: run_import_job(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued job once. A job another worker already took is left alone."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ImportJobStatus.QUEUED:
            return None
        job.status = ImportJobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    with translation.override(job.language):
        try:
            with job.file.open("rb") as handle:
                report = import_file(
                    actor=job.created_by,
                    province=job.province,
                    kind=job.kind,
                    file=handle,
                    filename=job.filename,
                    dry_run=job.dry_run,
                    progress=progress,
                )
        except ImportFileError as problem:
            _finish(job, status=ImportJobStatus.FAILED, error=problem.message)
        except BaseException:
            # BaseException too: a worker stopped midway (SystemExit on SIGTERM, Ctrl-C) has
            # already rolled the rows back (import_file applies them in one transaction), and a
            # job left "running" would never be run again nor show why.
            _finish(
                job,
                status=ImportJobStatus.FAILED,
                error=_("The import failed unexpectedly. Nothing was imported."),
            )
            raise
        else:
            _finish(job, status=ImportJobStatus.DONE, report=dataclasses.asdict(report))
    return job


# Longer than any import takes (a province's whole registry imports in minutes): a job still
# "running" after this was run by a worker that was killed (SIGKILL, power loss) mid-import.
STALE_AFTER = dt.timedelta(hours=2)


def import_jobs_fail_interrupted(*, now: dt.datetime) -> int:
    """Mark failed the jobs whose worker died mid-import, so that their page stops polling and
    says to upload the file again. Their rows were never committed: the import applies them in
    one transaction, which the database rolled back when the connection dropped. Returns how
    many jobs it marked."""
    stale = ImportJob.objects.filter(
        status=ImportJobStatus.RUNNING, started_at__lt=now - STALE_AFTER
    ).order_by("pk")
    marked = 0
    for job in stale:
        with transaction.atomic():
            # Re-read under lock: a job that finished meanwhile is left alone.
            locked = (
                ImportJob.objects.select_for_update()
                .filter(pk=job.pk, status=ImportJobStatus.RUNNING)
                .first()
            )
            if locked is None:
                continue
            with translation.override(locked.language):
                _finish(
                    locked,
                    status=ImportJobStatus.FAILED,
                    error=_(
                        "The import was interrupted before it finished. Nothing was imported; "
                        "upload the file again."
                    ),
                )
            marked += 1
    return marked


def _finish(
    job: ImportJob, *, status: str, error: str = "", report: dict[str, Any] | None = None
) -> None:
    # The upload may hold financial figures; once read it is not kept.
    if job.file:
        job.file.delete(save=False)
    job.status = status
    job.error = error
    job.report = report
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "report", "finished_at", "file"])


def job_report(job: ImportJob) -> ImportReport | None:
    """The stored report as the object the template knows."""
    if job.report is None:
        return None
    data = dict(job.report)
    data["errors"] = [RowError(**error) for error in data.get("errors", [])]
    return ImportReport(**data)


@db_task()
def run_import_job(job_id: int) -> None:
    import_job_run(job_id=job_id)
