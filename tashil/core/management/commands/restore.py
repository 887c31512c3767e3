from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tashil.core.backup import BackupError, restore


def print_nothing(_message: str) -> None:
    pass


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` archive into an EMPTY database migrated to the backup's "
        "migrations, and its files into MEDIA_ROOT; then check every row count and checksum."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        log: Callable[[str], object] = self.stdout.write if verbose else print_nothing
        try:
            result = restore(
                options["archive"],
                alias=options["database"],
                log=log,
            )
        except BackupError as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(
            f"Restored {sum(result.rows.values())} rows of {len(result.rows)} models and "
            f"{result.files} files; counts and checksums match the manifest."
        )
