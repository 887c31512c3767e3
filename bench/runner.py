"""Running the scenarios and the other parts, and judging them against the targets."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import bulk, floors, load, report
from bench.scenarios import (
    MAX_RATIO,
    MIN_ADMIN_SPEEDUP,
    Built,
    Context,
    HarnessError,
    Scenario,
)
from bench.timing import measure

# Captured requests per scenario: Django records times to the millisecond, and the main query is
# the one that cost most over these runs.
CAPTURES = 3


class RequestFailed(Exception):
    """A measured request answered something other than 200: the benchmark is broken, not slow."""


def _body(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def check_ok(response: Any, url: str = "") -> bytes:
    body = _body(response)
    if response.status_code != 200:
        where = response.get("Location", "")
        text = " ".join(body[:2000].decode("utf-8", "replace").split())[:300]
        raise RequestFailed(
            f"GET {url or response.request.get('PATH_INFO', '?')} answered "
            f"{response.status_code}{' → ' + where if where else ''}: {text}"
        )
    return body


class Runner:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.ctx = Context(options.province)
        self._sessions: dict[int, Client] = {}
        self._tokens: dict[int, Any] = {}  # user pk → (ApiToken, key)
        self._psql: Any = None
        self.failures: list[str] = []

    # --- Clients ----------------------------------------------------------------------------

    def session_client(self, user: Any) -> Client:
        if user.pk not in self._sessions:
            client = Client()
            client.force_login(user)
            self._sessions[user.pk] = client
        return self._sessions[user.pk]

    def token_client(self, user: Any) -> Client:
        """A client without a session that sends the user's API token, as a machine client
        does (TokenAuth; Open311 reads the same header)."""
        from tashil.api.services import token_create

        if user.pk not in self._tokens:
            self._tokens[user.pk] = token_create(
                actor=None, user=user, name=f"benchmark harness {timezone.now():%Y-%m-%d %H:%M}"
            )
        _token, key = self._tokens[user.pk]
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def psql(self) -> Any:
        if self._psql is None:
            self._psql = floors.connect()
        return self._psql

    def close(self) -> None:
        """Revoke the tokens made for this run: no working key outlives the benchmark."""
        from tashil.api.services import token_revoke

        for token, _key in self._tokens.values():
            try:
                token_revoke(actor=None, token=token)
            except Exception as error:  # noqa: BLE001 - cleaning up must not hide the results
                print(f"could not revoke the benchmark's token {token.prefix}: {error}")
        self._tokens.clear()
        if self._psql is not None:
            self._psql.close()

    # --- The run ----------------------------------------------------------------------------

    def run(self, scenarios: list[Scenario], parts: list[str]) -> dict[str, Any]:
        options = self.options
        result: dict[str, Any] = {
            "date": dt.date.today().isoformat(),  # noqa: DTZ011 - the machine's date names files
            "started_at": timezone.now().isoformat(),
            "options": {
                "quick": options.quick,
                "repeat": options.repeat,
                "warmup": options.warmup,
                "only": options.only,
                "import_rows": options.import_rows,
                "export_rows": options.export_rows,
                "load_seconds": options.load_seconds,
                "province": options.province,
                "client": "django.test.Client, full middleware, DEBUG off",
            },
            "machine": report.machine(),
            "dataset": report.dataset(),
            "scenarios": [],
        }
        rows: list[dict[str, Any]] = result["scenarios"]
        for number, scenario in enumerate(scenarios, start=1):
            print(f"[{number}/{len(scenarios)}] {scenario.name} …", flush=True)
            row = self._guarded(scenario.name, functools.partial(self.scenario, scenario))
            row.setdefault("name", scenario.name)
            row.setdefault("group", scenario.group)
            rows.append(row)
            if not row.get("error"):
                page = row["page"]
                print(
                    f"    p50 {page['p50_ms']:.1f} ms, p95 {page['p95_ms']:.1f} ms, "
                    f"{row['queries']} queries, ratio {row['ratio']}",
                    flush=True,
                )
        self._compare_with_admin(rows)
        for row in rows:
            row["pass"] = None if row.get("error") else _passed(row)
        province = self.ctx.province.code
        if "import" in parts:
            print("import …", flush=True)
            result["import"] = self._guarded("import", self.import_part)
        if "export" in parts:
            print("export …", flush=True)
            result["export"] = self._guarded("export", self.export_part)
        if "throughput" in parts:
            print("throughput …", flush=True)
            result["throughput"] = self._guarded("throughput", self.throughput_part)
        result["users"] = {role: user.username for role, user in self.ctx.users.items()}
        result["province"] = province
        result["finished_at"] = timezone.now().isoformat()
        result["machine"]["load_average_at_end"] = report.load_average()
        result["failures"] = self.failures
        return result

    def _guarded(self, name: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run one part; an exception is recorded as a failure of the harness and the run goes
        on with the next part."""
        try:
            return fn()
        except (RequestFailed, HarnessError) as error:
            message = f"{name}: {error}"
        except Exception as error:  # noqa: BLE001 - reported, and the exit status says so
            message = f"{name}: {type(error).__name__}: {error}"
            traceback.print_exc()
        print(f"    FAILED: {message}", flush=True)
        self.failures.append(message)
        return {"name": name, "error": message}

    # --- One scenario -------------------------------------------------------------------------

    def scenario(self, scenario: Scenario) -> dict[str, Any]:
        options = self.options
        user = self.ctx.user(scenario.role)
        built: Built = scenario.build(self.ctx)
        session = self.session_client(user)
        client = self.token_client(user) if scenario.auth == "token" else session

        def get(url: str = built.url) -> bytes:
            return check_ok(client.get(url), url)

        for _ in range(options.warmup):
            get()
        captured: list[list[dict[str, Any]]] = []
        body = b""
        for _ in range(CAPTURES):
            with CaptureQueriesContext(connection) as queries:
                body = get()
            captured.append(list(queries.captured_queries))
        # Timed without capturing: Django's debug cursor costs time of its own.
        page = measure(get, repeat=options.repeat, warmup=0)

        counts = {"main": len(captured[-1])}
        judged = [counts["main"]]
        differences: dict[str, Any] = {}
        for variant in built.variants:
            with variant.applied():
                get(variant.url)  # compiles what the variant alone uses
                with CaptureQueriesContext(connection) as queries:
                    get(variant.url)
            counts[variant.label] = len(queries.captured_queries)
            if variant.judged:
                judged.append(counts[variant.label])
            if counts[variant.label] != counts["main"]:
                differences[variant.label] = floors.query_difference(
                    captured[-1], queries.captured_queries
                )

        framework = floors.framework_floor(
            session,
            repeat=options.repeat,
            warmup=options.warmup,
            check=lambda response: check_ok(response, floors.HELLO_URL),
        )
        main = floors.main_query(captured)
        sql_floor: dict[str, Any] | None = None
        if main is not None:
            sql_stats, sql_rows = floors.sql_floor(
                self.psql(), main.sql, repeat=options.repeat, warmup=1
            )
            sql_floor = {**sql_stats.as_dict(), "rows": sql_rows}
        floor_ms = framework.p95_ms + (sql_floor["p95_ms"] if sql_floor else 0.0)
        ratio = page.p95_ms / floor_ms if floor_ms else None
        return {
            "name": scenario.name,
            "group": scenario.group,
            "description": scenario.description,
            "role": scenario.role,
            "user": user.username,
            "auth": scenario.auth,
            "url": built.url,
            "note": built.note,
            "extra": built.extra,
            "status": 200,
            "bytes": len(body),
            "page": page.as_dict(),
            "queries": counts["main"],
            "queries_by_variant": counts,
            "queries_constant": len(set(judged)) == 1,
            "queries_unjudged": [v.label for v in built.variants if not v.judged],
            "queries_difference": differences,
            "main_query": None
            if main is None
            else {"sql": main.sql, "django_ms_over_captures": round(main.ms, 1)},
            "slowest_queries": floors.slowest(captured[-1]),
            "sql_floor": sql_floor,
            "framework_floor": framework.as_dict(),
            "ratio": round(ratio, 2) if ratio is not None else None,
            "target_ms": scenario.target_ms,
            "admin": scenario.admin,
        }

    def _compare_with_admin(self, rows: list[dict[str, Any]]) -> None:
        by_name = {row["name"]: row for row in rows}
        for row in rows:
            admin = by_name.get(row.get("admin") or "")
            if row.get("error") or admin is None or admin.get("error"):
                continue
            row["admin_speedup"] = round(admin["page"]["p95_ms"] / row["page"]["p95_ms"], 1)

    # --- Profile ------------------------------------------------------------------------------

    def profile(self, scenario: Scenario) -> int:
        try:
            from pyinstrument import Profiler
        except ImportError:
            print("pyinstrument is not installed (pip install pyinstrument).")
            return 2
        options = self.options
        user = self.ctx.user(scenario.role)
        built = scenario.build(self.ctx)
        client = self.token_client(user) if scenario.auth == "token" else self.session_client(user)
        for _ in range(max(1, options.warmup)):
            check_ok(client.get(built.url), built.url)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(options.repeat):
            check_ok(client.get(built.url), built.url)
        profiler.stop()
        folder = options.out / "profiles"
        folder.mkdir(parents=True, exist_ok=True)
        # Profiles are for the one who made them: nothing in this folder is committed.
        (folder / ".gitignore").write_text("*\n")
        stem = folder / f"{scenario.name}-{dt.date.today().isoformat()}"  # noqa: DTZ011
        stem.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
        text = profiler.output_text(unicode=True, color=False)
        stem.with_suffix(".txt").write_text(text, encoding="utf-8")
        print(text)
        print(f"{options.repeat} requests of {built.url} as {user.username}")
        print(f"Written: {stem}.html and {stem}.txt")
        return 0

    # --- Import, export, throughput -----------------------------------------------------------

    def import_part(self) -> dict[str, Any]:
        rows = self.options.import_rows
        actor = self.ctx.user("secretariat").username
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            path = Path(tmp) / "companies.xlsx"
            print(f"    building {rows:,} rows …", flush=True)
            built = bulk.build_companies_xlsx(path, rows=rows, province=self.ctx.province)
            print(f"    {built['bytes'] / 2**20:.1f} MB; openpyxl, then the import …", flush=True)
            result = bulk.measure_import(path, province=self.ctx.province.code, actor=actor)
        result["file"] = built
        if result.get("error"):
            raise RuntimeError(result["error"])
        if result.get("blocked"):
            print(f"    BLOCKED: {result['blocked']}", flush=True)
        return result

    def export_part(self) -> dict[str, Any]:
        result = bulk.measure_export(self.options.export_rows)
        if result.get("error"):
            raise RuntimeError(result["error"])
        return result

    def throughput_part(self) -> dict[str, Any]:
        from django.conf import settings

        from bench.scenarios import _case_list

        user = self.ctx.user("secretariat")
        session = self.session_client(user)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={session.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        page = _case_list(self.ctx).url
        result = load.measure_throughput(
            page=page, cookie=cookie, seconds=self.options.load_seconds
        )
        if result.get("skipped"):
            print(f"    SKIPPED: {result['skipped']}", flush=True)
        return result


def _passed(row: dict[str, Any]) -> bool:
    """Every target the row has: p95 under its target, the ratio to its floors, constant query
    counts, and the speed-up over the admin changelist it is compared with."""
    checks: dict[str, bool] = {"queries_constant": row["queries_constant"]}
    target = row.get("target_ms")
    if target is not None:
        checks["p95"] = row["page"]["p95_ms"] < target
        checks["ratio"] = row["ratio"] is not None and row["ratio"] <= MAX_RATIO
    if row.get("admin_speedup") is not None:
        checks["admin"] = row["admin_speedup"] >= MIN_ADMIN_SPEEDUP
    extra = row.get("extra") or {}
    if extra.get("spellings_identical") is not None:
        checks["spellings"] = extra["spellings_identical"]
    row["checks"] = checks
    return all(checks.values())
