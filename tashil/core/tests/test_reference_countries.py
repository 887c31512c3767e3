"""Countries, groups of countries and sectors from the real data files: the groups export totals
are reported by, loaded again without duplicates, and a sector file that names an ISIC class we
do not have fails loudly."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tashil.geo.models import Country, CountryGroup
from tashil.geo.services import DATA_DIR, countries_load, read_csv
from tashil.investments.models import Sector
from tashil.investments.services import sectors_load
from tashil.registry.models import Activity
from tashil.registry.services import activities_load

pytestmark = pytest.mark.django_db

APPS_DIR = Path(__file__).resolve().parents[2]
SECTORS_CSV = APPS_DIR / "investments" / "data" / "sectors.csv"
REGISTRY_DATA = APPS_DIR / "registry" / "data"


def members(code: str) -> set[str]:
    return set(CountryGroup.objects.get(code=code).members.values_list("code", flat=True))


def memberships() -> dict[str, set[str]]:
    return {group.code: members(group.code) for group in CountryGroup.objects.all()}


def load_activities() -> None:
    activities_load(
        sections=read_csv(REGISTRY_DATA / "isic4_sections.csv"),
        classes=read_csv(REGISTRY_DATA / "isic4_classes.csv"),
    )


# --- Countries and groups ------------------------------------------------------------------------


def test_every_country_of_the_file_is_loaded() -> None:
    rows = read_csv(DATA_DIR / "countries" / "countries.csv")

    countries, groups = countries_load()

    assert countries == Country.objects.count() == len(rows) > 240
    assert groups == CountryGroup.objects.count() == 5
    russia = Country.objects.get(code="RU")
    assert (russia.alpha3, russia.name, russia.name_en) == ("RUS", "روسیه", "Russia")


def test_the_arab_league_has_its_twenty_two_members() -> None:
    countries_load()

    arab = members("arab_league")
    assert len(arab) == 22
    assert {"AE", "IQ", "SA", "EG", "PS", "KM", "DJ"} <= arab
    assert not {"IR", "TR", "RU"} & arab


def test_the_eurasian_economic_union_has_five_members() -> None:
    countries_load()
    assert members("eaeu") == {"AM", "BY", "KZ", "KG", "RU"}


def test_russia_is_in_the_eurasian_union_and_among_the_neighbours() -> None:
    countries_load()

    russia = Country.objects.get(code="RU")
    assert set(russia.groups.values_list("code", flat=True)) == {"eaeu", "neighbours"}


def test_loading_the_countries_again_changes_nothing() -> None:
    countries_load()
    before = (Country.objects.count(), memberships(), list(Country.objects.values().order_by("id")))

    countries_load()

    after = (Country.objects.count(), memberships(), list(Country.objects.values().order_by("id")))
    assert after == before


def test_a_country_leaving_a_group_in_the_file_leaves_it_here(tmp_path: Any) -> None:
    countries_load()
    directory = tmp_path / "countries"
    shutil.copytree(DATA_DIR / "countries", directory)
    groups_csv = directory / "country_groups.csv"
    text = groups_csv.read_text(encoding="utf-8")
    groups_csv.write_text(text.replace("AM BY KZ KG RU", "BY KZ KG RU"), encoding="utf-8")

    countries_load(directory=directory)

    assert members("eaeu") == {"BY", "KZ", "KG", "RU"}
    assert "AM" in members("neighbours")


# --- Sectors -------------------------------------------------------------------------------------


def test_the_sectors_are_loaded_with_their_isic_classes() -> None:
    load_activities()
    rows = read_csv(SECTORS_CSV)

    assert sectors_load(rows=rows) == len(rows) == Sector.objects.count()

    detergents = Sector.objects.get(code="detergents")
    assert (detergents.name, detergents.name_en) == ("شوینده", "Detergents")
    assert list(detergents.activities.values_list("code", flat=True)) == ["2023"]
    # A class with a leading zero is read as text, not as a number.
    agriculture = Sector.objects.get(code="agriculture")
    assert "0111" in set(agriculture.activities.values_list("code", flat=True))
    for row in rows:
        sector = Sector.objects.get(code=row["code"])
        assert set(sector.activities.values_list("code", flat=True)) == set(row["isic"].split())


def test_loading_the_sectors_again_changes_nothing() -> None:
    load_activities()
    rows = read_csv(SECTORS_CSV)
    sectors_load(rows=rows)

    def snapshot() -> list[tuple[str, str, set[str]]]:
        return [
            (s.code, s.name, set(s.activities.values_list("code", flat=True)))
            for s in Sector.objects.order_by("code")
        ]

    before = snapshot()
    sectors_load(rows=rows)
    assert snapshot() == before


def test_an_unknown_isic_class_in_a_sector_row_raises_and_loads_nothing() -> None:
    load_activities()
    rows = [
        {"code": "detergents", "name_fa": "شوینده", "name_en": "Detergents", "isic": "2023"},
        {"code": "typo", "name_fa": "غلط", "name_en": "Typo", "isic": "2023 9999"},
    ]

    with pytest.raises(ValueError, match="9999"):
        sectors_load(rows=rows)

    assert not Sector.objects.exists()
    assert Activity.objects.filter(code="2023").exists()
