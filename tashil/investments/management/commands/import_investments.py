"""`manage.py import_investments PATH --kind projects|exports --province 26 [--dry-run]
[--actor USERNAME]`"""

from __future__ import annotations

from tashil.core.spreadsheets import ImportCommand
from tashil.investments.imports import EXPORT_KIND, PROJECT_KIND


class Command(ImportCommand):
    help = (
        "Import investment projects or export figures from an Excel (.xlsx) or CSV file. "
        "Nothing is imported unless every row is valid."
    )
    kinds = (PROJECT_KIND, EXPORT_KIND)
