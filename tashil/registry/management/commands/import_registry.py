"""`manage.py import_registry PATH --kind companies --province 26 [--dry-run] [--actor USERNAME]`"""

from __future__ import annotations

from tashil.core.spreadsheets import ImportCommand
from tashil.registry.imports import ImportKind


class Command(ImportCommand):
    help = (
        "Import companies or knowledge-based certificates from an Excel (.xlsx) or CSV file. "
        "Nothing is imported unless every row is valid."
    )
    kinds = ImportKind.values
