"""Import of a large companies workbook and streaming export of the cases, each timed in a fresh
process so that its peak memory (`ru_maxrss`) is that task's and nothing else's.

The parent side (`build_companies_xlsx`, `measure_import`, `measure_export`) runs in the harness;
the child side is this module run as a script:

    python -m bench.bulk openpyxl PATH          # openpyxl alone reads every row of PATH
    python -m bench.bulk import PATH PROVINCE ACTOR  # the registry import command, a dry run
    python -m bench.bulk export ROWS            # tashil.cases.exports.export_csv, consumed

Each child prints one JSON object on its last line of output. The module imports Django only
inside the tasks that need it: openpyxl's baseline must not carry Django's memory.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.settings"

# Targets of issue 8.
IMPORT_MAX_RATIO = 3.0  # import time / openpyxl's read time
IMPORT_MAX_MB = 400.0
EXPORT_MIN_ROWS_PER_S = 50_000.0
EXPORT_MAX_MB = 200.0
# Memory is "flat" when exporting ten times the rows raises the peak by less than this.
EXPORT_FLAT_GROWTH = 0.2

NAME_WORDS = (
    "صنایع",
    "تولیدی",
    "فناوران",
    "پویا",
    "سپهر",
    "البرز",
    "نوین",
    "پارس",
    "کیمیا",
    "آریا",
    "صنعت",
    "گستر",
    "فولاد",
    "شیمی",
    "دارو",
    "غذایی",
)
PRODUCTS = ("صابون", "مایع ظرفشویی", "قطعات خودرو", "لوله پلی‌اتیلن", "کنسرو", "رنگ صنعتی")
STATUSES = ("فعال", "نیمه‌فعال", "راکد", "در حال ساخت")


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM rather than `ru_maxrss`: on Linux a child's
    ru_maxrss starts at its parent's size at fork (the harness, with its scenarios' caches, is
    well over 100 MB), while VmHWM belongs to the address space the task itself built."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    # Elsewhere (macOS reports bytes, Linux kilobytes): the best there is.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


# --- Parent side ------------------------------------------------------------------------------


def _national_ids(count: int, rng: random.Random) -> Iterator[str]:
    """Valid national IDs not in the database yet, none twice."""
    from tashil.core.identifiers import national_id_check_digit
    from tashil.registry.models import Company

    seen: set[str] = set()
    while count > 0:
        batch: list[str] = []
        while len(batch) < min(count, 5000):
            first_ten = f"{rng.randrange(10**9, 10**10):010d}"
            if first_ten[3:9] == "000000" or first_ten in seen:
                continue
            try:
                candidate = first_ten + national_id_check_digit(first_ten)
            except ValueError:
                continue
            seen.add(first_ten)
            batch.append(candidate)
        taken = set(
            Company.objects.filter(national_id__in=batch).values_list("national_id", flat=True)
        )
        for national_id in batch:
            if national_id not in taken and count > 0:
                count -= 1
                yield national_id


def build_companies_xlsx(path: Path, *, rows: int, province: Any, seed: int = 8) -> dict[str, Any]:
    """A companies workbook in the format the registry importer reads (its Persian headers, its
    template's sheet), every row valid and new to the database: `rows` companies of `province`
    with most optional columns filled, as the HQ's own lists are."""
    from openpyxl import Workbook

    from tashil.core.jalali import jalali_input_value
    from tashil.geo.models import County, IndustrialEstate
    from tashil.registry.imports import COMPANY_COLUMNS, CompanyImporter
    from tashil.registry.models import Activity

    rng = random.Random(seed)  # noqa: S311 - test data, reproducible on purpose
    counties = list(County.objects.filter(province=province).order_by("code"))
    if not counties:
        raise RuntimeError(f"Province {province.code} has no counties.")
    estates_by_county: dict[int, list[str]] = {}
    for estate in IndustrialEstate.objects.filter(province=province).order_by("pk"):
        if estate.county_id:
            estates_by_county.setdefault(estate.county_id, []).append(estate.name)
    activities = list(Activity.objects.order_by("code").values_list("code", flat=True)[:200])
    headers = [column.header for column in COMPANY_COLUMNS]
    keys = [column.key for column in COMPANY_COLUMNS]

    start = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(CompanyImporter.sheet_title)
    sheet.append(headers)
    for index, national_id in enumerate(_national_ids(rows, rng), start=1):
        county = counties[index % len(counties)]
        estates = estates_by_county.get(county.pk, [])
        since = jalali_input_value(dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650)))
        values = {
            "national_id": national_id,
            "legal_name": "شرکت " + " ".join(rng.sample(NAME_WORDS, 3)) + f" {index}",
            "economic_code": national_id,
            "county": county.name,
            "estate": estates[index % len(estates)] if estates and index % 3 else None,
            "activity": rng.choice(activities) if activities else None,
            "status": rng.choice(STATUSES),
            "status_since": since,
            "employees": rng.randrange(1, 2000),
            "address": f"{county.name}، خیابان {rng.randrange(1, 90)}، "
            f"پلاک {rng.randrange(1, 400)}",
            "postal_code": f"{rng.randrange(10**9, 10**10)}",
            "products": "؛ ".join(rng.sample(PRODUCTS, rng.randrange(1, 4))),
        }
        sheet.append([values.get(key) for key in keys])
    workbook.save(path)
    return {
        "rows": rows,
        "bytes": path.stat().st_size,
        "build_s": round(time.perf_counter() - start, 1),
    }


def _child(args: list[str], *, timeout: float = 4 * 3600) -> dict[str, Any]:
    """Run `python -m bench.bulk ARGS` and return its JSON, or the error it died of."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "bench.bulk", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        return {"error": f"exit {done.returncode}: " + "\n".join(tail)}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def measure_import(path: Path, *, province: str, actor: str) -> dict[str, Any]:
    """openpyxl alone, then the registry import of the same file; each in its own process."""
    read = _child(["openpyxl", str(path)])
    imported = _child(["import", str(path), province, actor])
    result: dict[str, Any] = {"openpyxl": read, "import": imported}
    if "error" in read:
        result["error"] = "openpyxl: " + read["error"]
        return result
    if imported.get("blocked"):
        result["blocked"] = imported["blocked"]
        return result
    if "error" in imported:
        result["error"] = "import: " + imported["error"]
        return result
    ratio = imported["seconds"] / read["seconds"] if read["seconds"] else None
    result["ratio"] = round(ratio, 2) if ratio is not None else None
    result["checks"] = {
        "time": ratio is not None and ratio <= IMPORT_MAX_RATIO,
        "memory": imported["peak_mb"] <= IMPORT_MAX_MB,
    }
    return result


def measure_export(rows: int) -> dict[str, Any]:
    """The export of `rows` cases (all, when there are fewer) and of a tenth of them."""
    full = _child(["export", str(rows)])
    if full.get("blocked") or "error" in full:
        return {
            "full": full,
            **({"blocked": full["blocked"]} if full.get("blocked") else {}),
            **({"error": "export: " + full["error"]} if "error" in full else {}),
        }
    tenth = _child(["export", str(max(1, full["rows"] // 10))])
    result: dict[str, Any] = {"full": full, "tenth": tenth}
    if "error" in tenth:
        result["error"] = "export (a tenth): " + tenth["error"]
        return result
    growth = (full["peak_mb"] - tenth["peak_mb"]) / tenth["peak_mb"]
    result["memory_growth"] = round(growth, 3)
    result["checks"] = {
        "rate": full["rows_per_s"] >= EXPORT_MIN_ROWS_PER_S,
        "memory": full["peak_mb"] <= EXPORT_MAX_MB,
        "flat": growth <= EXPORT_FLAT_GROWTH,
    }
    return result


# --- Child side -------------------------------------------------------------------------------


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()


def task_openpyxl(path: str) -> dict[str, Any]:
    from openpyxl import load_workbook

    baseline = _peak_mb()
    start = time.perf_counter()
    # As the importer opens a workbook: read-only, values rather than formulas.
    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = 0
    cells = 0
    for values in sheet.iter_rows(values_only=True):
        rows += 1
        cells += sum(1 for value in values if value is not None)
    workbook.close()
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 3),
        "rows": rows - 1,  # the header
        "cells": cells,
        "peak_mb": round(_peak_mb(), 1),
        "baseline_mb": round(baseline, 1),
    }


def task_import(path: str, province: str, actor: str) -> dict[str, Any]:
    """`manage.py import_registry PATH --kind companies --province P --dry-run`: the command
    the HQ runs for a big file, so every check and every service call of a real import runs,
    rolled back at the end (the bench data stays as it was)."""
    _setup_django()
    from django.core.management import CommandError, call_command

    baseline = _peak_mb()
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    try:
        call_command(
            "import_registry",
            path,
            kind="companies",
            province=province,
            dry_run=True,
            actor=actor,
            stdout=out,
            stderr=err,
        )
    except CommandError as error:
        # The importer refusing the file (size or row caps) is what the lead must lift: a
        # finding to report, not a crash of the harness.
        return {
            "blocked": str(error),
            "seconds": round(time.perf_counter() - start, 3),
            "peak_mb": round(_peak_mb(), 1),
            "output": out.getvalue()[-2000:],
        }
    seconds = time.perf_counter() - start
    summary = out.getvalue().strip().splitlines()
    return {
        "seconds": round(seconds, 3),
        "peak_mb": round(_peak_mb(), 1),
        "baseline_mb": round(baseline, 1),
        "summary": summary[0] if summary else "",
    }


def task_export(rows: int) -> dict[str, Any]:
    _setup_django()
    from django.utils import timezone, translation

    from tashil.cases.models import Case

    try:
        from tashil.cases.exports import export_csv
    except ImportError as error:
        return {"blocked": f"tashil.cases.exports.export_csv is missing ({error})"}

    translation.activate("fa")
    cases = Case.objects.all()
    total = cases.count()
    if rows < total:
        # The newest `rows` cases, as a filter (the export orders them itself; a sliced queryset
        # cannot be reordered).
        threshold = Case.objects.order_by("-created_at", "-pk").values_list(
            "created_at", flat=True
        )[rows - 1]
        cases = Case.objects.filter(created_at__gte=threshold)
    baseline = _peak_mb()
    start = time.perf_counter()
    response = export_csv(cases, on=timezone.localdate())
    lines = 0
    size = 0
    # The streamed response comes in blocks of rows (csv_response); iterating it is what the
    # WSGI server does with it. Rows are counted by their line ends: no exported field holds
    # one (titles and names are single-line).
    for chunk in response:
        lines += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.perf_counter() - start
    exported = lines - 1  # the header
    return {
        "rows": exported,
        "asked": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(exported / seconds) if seconds else None,
        "bytes": size,
        "peak_mb": round(_peak_mb(), 1),
        "baseline_mb": round(baseline, 1),
    }


def main(argv: list[str]) -> int:
    task, *args = argv
    if task == "openpyxl":
        result = task_openpyxl(args[0])
    elif task == "import":
        result = task_import(args[0], args[1], args[2])
    elif task == "export":
        result = task_export(int(args[0]))
    else:
        print(f"unknown task {task!r}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
