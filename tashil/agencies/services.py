from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction

from tashil.agencies.models import Agency
from tashil.geo.models import Province


@transaction.atomic
def agencies_load(*, province: Province, rows: Iterable[Mapping[str, str]]) -> int:
    """Create or update a province's agencies by their code (idempotent)."""
    count = 0
    for row in rows:
        Agency.objects.update_or_create(
            province=province,
            code=row["code"],
            defaults={"name": row["name"], "name_en": row.get("name_en", "")},
        )
        count += 1
    return count
