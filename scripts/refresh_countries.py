"""Regenerate tashil/geo/data/countries/countries.csv from pycountry (the Debian iso-codes data).

Run by hand when ISO 3166-1 changes: `pip install pycountry && python scripts/refresh_countries.py`.
pycountry is not a run-time dependency: the project keeps the generated file and its licence.
The formal Persian names of iso-codes ("روسیه فدرال") are not the ones people write in export
reports, so COMMON_FA overrides the few that differ; the English name is the short common name.
"""

from __future__ import annotations

import csv
import gettext
from pathlib import Path

import pycountry  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parent.parent / "tashil/geo/data/countries/countries.csv"

COMMON_FA = {
    "BO": "بولیوی",
    "IR": "ایران",
    "KP": "کره شمالی",
    "KR": "کره جنوبی",
    "LA": "لائوس",
    "MD": "مولداوی",
    "RU": "روسیه",
    "SY": "سوریه",
    "TR": "ترکیه",
    "TZ": "تانزانیا",
    "VE": "ونزوئلا",
    "VN": "ویتنام",
}
COMMON_EN = {"RU": "Russia", "TR": "Turkey", "KR": "South Korea", "KP": "North Korea"}


def main() -> None:
    fa = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fa"])
    rows = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        rows.append(
            (
                country.alpha_2,
                country.alpha_3,
                country.numeric,
                COMMON_EN.get(country.alpha_2, english),
                COMMON_FA.get(country.alpha_2, fa.gettext(country.name)),
            )
        )
    rows.sort()
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["alpha2", "alpha3", "numeric", "name_en", "name_fa"])
        writer.writerows(rows)
    print(f"{len(rows)} countries written to {OUT}")


if __name__ == "__main__":
    main()
