from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tashil.core.backup import backup


def print_nothing(_message: str) -> None:
    pass


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into one archive (tar.gz) with a manifest "
        "of row counts and checksums. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            required=True,
            type=Path,
            help="The archive to write, or an existing directory to write a dated one in.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        log: Callable[[str], object] = self.stdout.write if verbose else print_nothing
        path = backup(
            options["output"],
            alias=options["database"],
            log=log,
        )
        self.stdout.write(str(path))
