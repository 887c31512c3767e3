"""Throughput under concurrent load: wrk against gunicorn on loopback, the case list compared with
`bench/hello/` on the same server, both with the same logged-in session.

The fraction case list / hello says how much of the server's capacity a real page leaves: a page
that costs little beyond the framework keeps most of it (target: at least 40%).
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.floors import HELLO_URL

ROOT = Path(__file__).resolve().parent.parent
MIN_FRACTION = 0.40
WORKER_CLASS = "sync"
THREADS = 2  # wrk threads
CONNECTIONS = 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(workers: int, log: Path) -> Iterator[int]:
    """A gunicorn serving Tashil with the benchmark's settings on a free loopback port."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tashil.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                WORKER_CLASS,
                "--log-level",
                "warning",
                # The application is loaded once, before the workers fork, as a production
                # server would; each worker still builds its URLs and templates on first use,
                # which the warm-up below pays for.
                "--preload",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited at start: {log.read_text()[-2000:]}")
                try:
                    status, _ = _get(port, "/healthz", "")
                    if status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer /healthz within 60 s")
                time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def warm_up(port: int, paths: list[str], cookie: str, *, limit: float = 120.0) -> float:
    """Request `paths` concurrently, round after round, until two rounds in a row take about
    as long as each other.

    A worker's first request imports the views, compiles the templates and opens its database
    connection: seconds, on a busy machine. A fixed short warm-up leaves some workers cold, and
    their first requests then stall wrk's connections. A round keeps every worker busy (a sync
    worker takes one connection at a time), so the first round warms them all and the next two
    show it."""
    start = time.monotonic()

    def timed(path: str) -> float:
        began = time.monotonic()
        _get(port, path, cookie)
        return time.monotonic() - began

    previous = None
    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        while time.monotonic() - start < limit:
            slowest = max(pool.map(timed, paths * CONNECTIONS))
            if previous is not None and slowest <= 1.5 * previous:
                break
            previous = slowest
    return round(time.monotonic() - start, 1)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["requests_per_s"] = float(found.group(1)) if found else None
    found = re.search(r"(\d+) requests in", output)
    result["requests"] = int(found.group(1)) if found else None
    for label in ("50", "90", "99"):
        found = re.search(rf"^\s+{label}%\s+([\d.]+(?:us|ms|s))\s*$", output, re.MULTILINE)
        if found:
            result[f"p{label}_ms"] = round(_ms(found.group(1)), 2)
    found = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = int(found.group(1)) if found else 0
    found = re.search(r"Socket errors:.*", output)
    result["socket_errors"] = found.group(0) if found else ""
    return result


def wrk(port: int, path: str, cookie: str, seconds: int) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - wrk found on PATH, fixed arguments
        [
            shutil.which("wrk") or "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            # A slow page is measured, not dropped: wrk's default timeout is 2 s.
            "--timeout",
            "30s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    return parse_wrk(done.stdout)


def measure_throughput(*, page: str, cookie: str, seconds: int) -> dict[str, Any]:
    """Requests per second of `page` and of hello; `cookie` is a logged-in session's."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install wrk): throughput not measured"}
    if importlib.util.find_spec("gunicorn") is None:
        return {"skipped": "gunicorn is not installed (pip install gunicorn): not measured"}
    workers = 2 * (os.cpu_count() or 1)
    result: dict[str, Any] = {
        "server": f"gunicorn, {workers} {WORKER_CLASS} workers (2 × cores), 127.0.0.1",
        "client": f"wrk -t{THREADS} -c{CONNECTIONS} -d{seconds}s",
        "page": page,
    }
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        with gunicorn(workers, log) as port:
            for path in (HELLO_URL, page):
                status, _ = _get(port, path, cookie)
                if status != 200:
                    raise RuntimeError(f"GET {path} with the session answered {status}, not 200")
            result["warm_up_s"] = warm_up(port, [HELLO_URL, page], cookie)
            result["hello"] = wrk(port, HELLO_URL, cookie, seconds)
            result["case_list"] = wrk(port, page, cookie, seconds)
    for key in ("hello", "case_list"):
        if result[key]["non_2xx"]:
            raise RuntimeError(f"{key}: {result[key]['non_2xx']} responses were not 2xx/3xx")
    hello_rps = result["hello"]["requests_per_s"]
    page_rps = result["case_list"]["requests_per_s"]
    result["fraction"] = round(page_rps / hello_rps, 3) if hello_rps and page_rps else None
    result["checks"] = {"fraction": (result["fraction"] or 0) >= MIN_FRACTION}
    return result
