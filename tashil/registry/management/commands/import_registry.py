"""`manage.py import_registry PATH --kind companies --province 26 [--dry-run] [--actor USERNAME]`"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tashil.accounts.models import User
from tashil.geo.models import Province
from tashil.registry.imports import ImportFileError, ImportKind, ImportReport, import_file

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import companies or knowledge-based certificates from an Excel (.xlsx) or CSV file. "
        "Nothing is imported unless every row is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the .xlsx or .csv file")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument("--province", required=True, help="the province code, e.g. 26")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, but write nothing"
        )
        parser.add_argument("--actor", help="the username recorded in the companies' history")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        province = Province.objects.filter(code=options["province"]).first()
        if province is None:
            raise CommandError(f"No province with code {options['province']!r}.")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
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
                )
        except ImportFileError as error:
            raise CommandError(error.message) from None
        finally:
            self.stderr.write("")
        self._report(report)

    def _draw(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        percent = 100 * done // total if total else 100
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
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
