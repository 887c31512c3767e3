"""Loading the country's divisions and a province's industrial estates.

Loaders are idempotent: they update rows matched by their stable code or name, so running them
again (every `make run` does) changes nothing and duplicates nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.db import transaction

from tashil.geo.models import Country, CountryGroup, County, EstateKind, IndustrialEstate, Province

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def divisions_load(*, directory: Path = DATA_DIR / "iran-divisions") -> tuple[int, int]:
    """Provinces and counties from the iran-divisions CSVs (MIT, see LICENSE beside them)."""
    code_by_row_id: dict[str, str] = {}
    for row in read_csv(directory / "provinces.csv"):
        Province.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
        code_by_row_id[row["id"]] = row["code"]
    provinces = {p.code: p for p in Province.objects.all()}
    counties = 0
    for row in read_csv(directory / "counties.csv"):
        province = provinces[code_by_row_id[row["province_id"]]]
        County.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "province": province}
        )
        counties += 1
    return len(provinces), counties


@transaction.atomic
def estates_load(*, province: Province, rows: Iterable[Mapping[str, str]]) -> int:
    counties = {c.code: c for c in County.objects.filter(province=province)}
    count = 0
    for row in rows:
        IndustrialEstate.objects.update_or_create(
            province=province,
            name=row["name"],
            defaults={
                "kind": EstateKind(row["kind"]),
                "county": counties.get(row.get("county_code") or ""),
            },
        )
        count += 1
    return count


@transaction.atomic
def countries_load(*, directory: Path = DATA_DIR / "countries") -> tuple[int, int]:
    """ISO 3166-1 countries and the named groups of countries; a group's members are replaced
    by the file's, so a country leaving a group leaves it here too."""
    for row in read_csv(directory / "countries.csv"):
        Country.objects.update_or_create(
            code=row["alpha2"],
            defaults={"alpha3": row["alpha3"], "name": row["name_fa"], "name_en": row["name_en"]},
        )
    countries = {c.code: c for c in Country.objects.all()}
    groups = 0
    for row in read_csv(directory / "country_groups.csv"):
        group, _created = CountryGroup.objects.update_or_create(
            code=row["code"], defaults={"name": row["name_fa"], "name_en": row["name_en"]}
        )
        group.members.set([countries[code] for code in row["members"].split()])
        groups += 1
    return len(countries), groups
