"""The run's context (machine, versions, dataset) and its markdown table."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Any

# The tables counted for the report, by model label: the shape of the dataset measured.
DATASET = (
    "geo.Province",
    "geo.County",
    "registry.Company",
    "registry.Certificate",
    "cases.Case",
    "cases.Referral",
    "cases.CaseEvent",
    "meetings.Meeting",
    "meetings.Resolution",
    "investments.Project",
    "accounts.User",
)


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _wrk_version() -> str | None:
    try:
        # `wrk -v` prints its version and exits with 1.
        done = subprocess.run(  # noqa: S603 - a fixed command
            ["wrk", "-v"],  # noqa: S607 - wrk is wherever PATH has it, as for the load test
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except OSError:
        return None
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0] if first else None


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages: timings taken on a busy machine say so."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def machine() -> dict[str, Any]:
    from django.db import connection

    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.MULTILINE)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.MULTILINE)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(int(memory.group(1)) / 1024**2, 1) if memory else None,
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": _version("django"),
        "psycopg": _version("psycopg"),
        "postgresql": server,
        "gunicorn": _version("gunicorn"),
        "wrk": _wrk_version(),
        "load_average_at_start": load_average(),
    }


def dataset() -> dict[str, Any]:
    from django.apps import apps
    from django.db import connection

    counts = {label: apps.get_model(label)._default_manager.count() for label in DATASET}
    return {"database": connection.settings_dict["NAME"], "rows": counts}


# --- Markdown ---------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _load(values: list[float] | None) -> str:
    return "/".join(f"{v:.1f}" for v in values) if values else "–"


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else ("✅" if ok else "❌")


def _queries(row: dict[str, Any]) -> str:
    counts = row.get("queries_by_variant") or {}
    unjudged = set(row.get("queries_unjudged") or ())
    text = str(row.get("queries", "–"))
    others = [
        f"{n}{'†' if label in unjudged else ''}" for label, n in counts.items() if label != "main"
    ]
    if others:
        text += " (" + "/".join(others) + ")"
    return text


def scenario_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| Scenario | As | p50 ms | p95 ms | Target | Queries (variants) | SQL floor p95 | "
        "Framework p95 | Ratio | vs admin | KB | Pass |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|:-:|",
    ]
    for row in rows:
        if row.get("error"):
            lines.append(
                f"| {row['name']} | {row.get('user', '')} | ERROR: {row['error']} "
                "| | | | | | | | | ❌ |"
            )
            continue
        page = row["page"]
        target = row.get("target_ms")
        speedup = row.get("admin_speedup")
        lines.append(
            "| {name} | {user} | {p50} | {p95} | {target} | {queries} | {sql} | {fw} | {ratio} "
            "| {admin} | {kb} | {ok} |".format(
                name=row["name"],
                user=row["user"],
                p50=_ms(page["p50_ms"]),
                p95=_ms(page["p95_ms"]),
                target=f"<{target:.0f}" if target else "–",
                queries=_queries(row),
                sql=_ms((row.get("sql_floor") or {}).get("p95_ms")),
                fw=_ms((row.get("framework_floor") or {}).get("p95_ms")),
                ratio="–" if row.get("ratio") is None else f"{row['ratio']:.1f}",
                admin="–" if speedup is None else f"{speedup:.1f}×",
                kb=f"{row['bytes'] / 1024:.0f}",
                ok=_mark(row.get("pass")),
            )
        )
    return lines


def _bulk_lines(result: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    imp = result.get("import")
    if imp:
        lines += ["", "**Import** of a companies XLSX (dry run, rolled back):", ""]
        if imp.get("skipped"):
            lines.append(f"- skipped: {imp['skipped']}")
        else:
            built = imp.get("file", {})
            read = imp.get("openpyxl", {})
            done = imp.get("import", {})
            lines.append(
                f"- file: {built.get('rows', 0):,} rows, {built.get('bytes', 0) / 2**20:.2f} MB"
            )
            lines.append(
                f"- openpyxl alone: {read.get('seconds', '–')} s, "
                f"peak {read.get('peak_mb', '–')} MB"
            )
            if imp.get("blocked"):
                lines.append(f"- import: ❌ BLOCKED — {imp['blocked']}")
            elif imp.get("error"):
                lines.append(f"- import: ERROR — {imp['error']}")
            else:
                checks = imp.get("checks", {})
                lines.append(
                    f"- import: {done.get('seconds')} s = {imp.get('ratio')}× openpyxl "
                    f"(target ≤ 3×) {_mark(checks.get('time'))}; peak {done.get('peak_mb')} MB "
                    f"(target < 400) {_mark(checks.get('memory'))}; {done.get('summary', '')}"
                )
    exp = result.get("export")
    if exp:
        lines += ["", "**Export** of cases to CSV (streamed):", ""]
        if exp.get("skipped") or exp.get("blocked") or exp.get("error"):
            reason = exp.get("skipped") or exp.get("blocked") or exp.get("error")
            lines.append(f"- not measured: {reason}")
        else:
            full, tenth, checks = exp["full"], exp["tenth"], exp["checks"]
            lines.append(
                f"- {full['rows']:,} rows in {full['seconds']} s = {full['rows_per_s']:,} rows/s "
                f"(target ≥ 50,000) {_mark(checks['rate'])}; peak {full['peak_mb']} MB "
                f"(target < 200) {_mark(checks['memory'])}"
            )
            lines.append(
                f"- {tenth['rows']:,} rows: peak {tenth['peak_mb']} MB — memory "
                f"{'flat' if checks['flat'] else 'grows'} "
                f"({round(exp['memory_growth'] * 100):+d}% for 10× the rows) "
                f"{_mark(checks['flat'])}"
            )
    load = result.get("throughput")
    if load:
        lines += ["", "**Throughput** under load:", ""]
        if load.get("skipped") or load.get("error"):
            lines.append(f"- not measured: {load.get('skipped') or load.get('error')}")
        else:
            hello, page = load["hello"], load["case_list"]
            lines.append(f"- {load['server']}; {load['client']}")
            lines.append(
                f"- hello: {hello['requests_per_s']:.0f} req/s; case list: "
                f"{page['requests_per_s']:.0f} req/s = {load['fraction'] * 100:.0f}% of hello "
                f"(target ≥ 40%) {_mark(load['checks']['fraction'])}"
            )
    return lines


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    data = result["dataset"]["rows"]
    lines = [
        f"### Benchmark {result['date']}" + (" (quick)" if result["options"]["quick"] else ""),
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gb']} GB RAM; Python {m['python']}, "
        f"Django {m['django']}, PostgreSQL {m['postgresql']}. Load average (1/5/15 min) at the "
        f"start {_load(m.get('load_average_at_start'))}, at the end "
        f"{_load(m.get('load_average_at_end'))}.",
        "Dataset: "
        + ", ".join(f"{label.split('.')[1]} {count:,}" for label, count in data.items())
        + ".",
        f"Each page: {result['options']['repeat']} requests after "
        f"{result['options']['warmup']} warm-up, through Django's test client with the full "
        "middleware (DEBUG off), as the named user of Qazvin (26). Floors measured in the same "
        "run. Ratio = page p95 / (SQL floor p95 + framework floor p95), target ≤ 3; "
        "vs admin = admin changelist p95 / page p95, target ≥ 5×. Queries: the page's count "
        "(in brackets: the counts at other page sizes or on a smaller object like it, which must "
        "be equal; † another year's figures, shown but not judged).",
        "",
    ]
    lines += scenario_table(result["scenarios"])
    search = next(
        (s for s in result["scenarios"] if s.get("extra", {}).get("spelling_counts")), None
    )
    if search:
        extra = search["extra"]
        counts = ", ".join(f"{k}: {v}" for k, v in extra["spelling_counts"].items())
        lines += [
            "",
            f"Persian search, companies found per spelling: {counts} "
            f"{_mark(extra['spellings_identical'])}",
        ]
    lines += _bulk_lines(result)
    lines.append("")
    return "\n".join(lines)
