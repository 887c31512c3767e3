from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from tashil.agencies.services import agencies_load
from tashil.cases.services import categories_load
from tashil.core.services import recurring_holidays_load
from tashil.geo.models import Province
from tashil.geo.services import countries_load, divisions_load, estates_load, read_csv
from tashil.investments.services import sectors_load
from tashil.registry.services import activities_load

APPS_DIR = Path(__file__).resolve().parents[3]
# Curated per province: the reference province is Qazvin (code 26).
PROVINCE_DATA = {
    "26": {
        "estates": APPS_DIR / "geo" / "data" / "qazvin_estates.csv",
        "agencies": APPS_DIR / "agencies" / "data" / "qazvin_agencies.csv",
    }
}


class Command(BaseCommand):
    help = (
        "Load provinces, counties, estates, agencies, categories, holidays and countries "
        "(idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            provinces, counties = divisions_load()
            countries, country_groups = countries_load()
            holidays = recurring_holidays_load(
                rows=read_csv(APPS_DIR / "core" / "data" / "holidays.csv")
            )
            activities = activities_load(
                sections=read_csv(APPS_DIR / "registry" / "data" / "isic4_sections.csv"),
                classes=read_csv(APPS_DIR / "registry" / "data" / "isic4_classes.csv"),
            )
            sectors = sectors_load(rows=read_csv(APPS_DIR / "investments" / "data" / "sectors.csv"))
            categories_csv = read_csv(APPS_DIR / "cases" / "data" / "categories.csv")
            for code, files in PROVINCE_DATA.items():
                province = Province.objects.get(code=code)
                estates = estates_load(province=province, rows=read_csv(files["estates"]))
                agencies = agencies_load(province=province, rows=read_csv(files["agencies"]))
                categories = categories_load(province=province, rows=categories_csv)
                self.stdout.write(
                    f"{province.name}: {estates} estates, {agencies} agencies, "
                    f"{categories} categories"
                )
        self.stdout.write(
            f"{provinces} provinces, {counties} counties, {holidays} recurring holidays, "
            f"{activities} ISIC activities, {sectors} sectors, "
            f"{countries} countries in {country_groups} groups"
        )
