"""The national-scale benchmark (issue 8): every screen and endpoint timed on the benchmark
database, next to its floors, plus import, export and throughput.

    DATABASE_URL=postgres://…/tashil_bench python -m bench.harness [--quick] [--only NAMES]
        [--repeat N] [--profile NAME] [--out DIR] [--import-rows N] [--export-rows N]
        [--load-seconds N] [--list]

Writes `<out>/<YYYY-MM-DD>.json` and `.md` (with `-quick` / `-only` in the name for partial runs,
so that a quick check never overwrites the day's full results) and prints the table.

The exit status says whether the harness *worked*: 1 when a request answered anything but 200 or
a part raised, 0 otherwise — a missed timing target is reported, never an exit status, so that CI
can run the harness at a tiny scale on a shared machine without asserting timings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
PARTS = ("import", "export", "throughput")


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.harness", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few repetitions, small sizes (CI)")
    parser.add_argument("--repeat", type=int, help="timed requests per scenario (default 30)")
    parser.add_argument("--warmup", type=int, help="untimed requests first (default 3)")
    parser.add_argument(
        "--only",
        help=f"comma-separated scenario names and parts ({', '.join(PARTS)}); default: all",
    )
    parser.add_argument("--profile", metavar="NAME", help="profile one scenario (pyinstrument)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where results are written")
    parser.add_argument("--import-rows", type=int, help="rows of the companies XLSX (100,000)")
    parser.add_argument("--export-rows", type=int, help="cases exported (1,000,000)")
    parser.add_argument("--load-seconds", type=int, help="duration of each wrk run (10)")
    parser.add_argument("--province", default="26", help="the measured province's code")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    options = parser.parse_args(argv)
    quick = options.quick
    defaults = {
        "repeat": 5 if quick else 30,
        "warmup": 1 if quick else 3,
        "import_rows": 300 if quick else 100_000,
        "export_rows": 3_000 if quick else 1_000_000,
        "load_seconds": 2 if quick else 10,
    }
    for key, value in defaults.items():
        if getattr(options, key) is None:
            setattr(options, key, value)
    return options


def _setup() -> None:
    # The framework-floor view lives in bench.urls, which only bench.settings selects.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    _setup()
    from bench.runner import Runner
    from bench.scenarios import all_scenarios

    scenarios = all_scenarios()
    if options.list:
        for scenario in scenarios:
            print(f"{scenario.name:28} {scenario.role:16} {scenario.description}")
        print("parts: " + ", ".join(PARTS))
        return 0
    wanted = {name.strip() for name in (options.only or "").split(",") if name.strip()}
    known = {s.name for s in scenarios} | set(PARTS)
    unknown = wanted - known
    if unknown:
        print(f"Unknown scenario or part: {', '.join(sorted(unknown))} (see --list)")
        return 2
    if options.profile:
        profiled = next((s for s in scenarios if s.name == options.profile), None)
        if profiled is None:
            print(f"Unknown scenario {options.profile!r} (see --list)")
            return 2
        runner = Runner(options)
        try:
            return runner.profile(profiled)
        finally:
            runner.close()

    selected = [s for s in scenarios if not wanted or s.name in wanted]
    parts = [p for p in PARTS if not wanted or p in wanted]
    started = time.monotonic()
    runner = Runner(options)
    try:
        result = runner.run(selected, parts)
    finally:
        runner.close()
    result["duration_s"] = round(time.monotonic() - started, 1)
    json_path, md_path = _write(result, options)
    from bench.report import markdown

    print()
    print(markdown(result))
    print(f"Written: {json_path} and {md_path}")
    if result["failures"]:
        print()
        print("=" * 78)
        print(f"THE HARNESS FAILED ({len(result['failures'])}):")
        for failure in result["failures"]:
            print(f"  - {failure}")
        print("=" * 78)
        return 1
    return 0


def _write(result: dict[str, Any], options: argparse.Namespace) -> tuple[Path, Path]:
    from bench.report import markdown

    options.out.mkdir(parents=True, exist_ok=True)
    stem = result["date"] + ("-quick" if options.quick else "") + ("-only" if options.only else "")
    json_path = options.out / f"{stem}.json"
    md_path = options.out / f"{stem}.md"
    # Written next to the final name and renamed: an interrupted run leaves the old file whole.
    for path, text in (
        (json_path, json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n"),
        (md_path, markdown(result)),
    ):
        with tempfile.NamedTemporaryFile(
            "w", dir=options.out, delete=False, suffix=".tmp", encoding="utf-8"
        ) as handle:
            handle.write(text)
        Path(handle.name).replace(path)
    return json_path, md_path


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:
        traceback.print_exc()
        sys.exit(1)
