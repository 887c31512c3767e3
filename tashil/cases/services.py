from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction

from tashil.agencies.models import Agency
from tashil.cases.models import Category, DefaultAgency
from tashil.geo.models import Province


@transaction.atomic
def categories_load(*, province: Province, rows: Iterable[Mapping[str, str]]) -> int:
    """Create or update the obstacle categories and, for `province`, their default agencies.

    A default agency an administrator has since changed is kept: the seed only fills gaps.
    """
    agencies = {a.code: a for a in Agency.objects.filter(province=province)}
    count = 0
    for order, row in enumerate(rows, start=1):
        category, _ = Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "order": order,
            },
            create_defaults={
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "order": order,
                "response_days": int(row.get("response_days") or 10),
            },
        )
        agency = agencies.get(row.get("default_agency") or "")
        if agency is not None:
            DefaultAgency.objects.get_or_create(
                province=province, category=category, defaults={"agency": agency}
            )
        count += 1
    return count
