from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """Compile .po catalogues to .mo with Babel (pure Python).

    Django's `compilemessages` needs GNU gettext's msgfmt, which a fresh machine lacks; this does
    the same job with a package we already install. Fuzzy entries are left out, as msgfmt does.
    """

    help = "Compile the translation catalogues (no GNU gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                with po_path.open("rb") as handle:
                    catalog = read_po(handle, locale=po_path.parts[-3])
                with po_path.with_suffix(".mo").open("wb") as handle:
                    write_mo(handle, catalog, use_fuzzy=False)
                self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
