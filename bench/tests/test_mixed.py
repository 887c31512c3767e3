"""The mixed load run's own pieces: the wrk script it writes, the reading of wrk's summary and of
gunicorn's log, and the verdict. The run itself needs minutes and a generated database, so it is
not part of the suite (`make load`); these pin what would make it pass when it should not."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.mixed import failures, lua_script, markdown, parse_run, server_errors

WRK_OUTPUT = """Running 3m test @ http://127.0.0.1:8000
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.05ms   14.11ms 361.37ms   81.05%
    Req/Sec    48.12     10.34    92.00     71.50%
  Latency Distribution
     50%   38.49ms
     75%   45.64ms
     90%   55.39ms
     99%    1.20s
  8791 requests in 3.00m, 381.61MB read
  Socket errors: connect 0, read 2, write 0, timeout 5
  Non-2xx or 3xx responses: 3
Requests/sec:     48.75
Transfer/sec:      2.12MB
"""


def _run(**overrides: Any) -> dict[str, Any]:
    run = {
        "description": "inbox",
        "paths": 3,
        "requests": 100,
        "requests_per_s": 10.0,
        "p50_ms": 20.0,
        "p99_ms": 90.0,
        "non_2xx": 0,
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
    }
    run.update(overrides)
    return run


def _result(**runs: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": "2026-11-28",
        "server": "gunicorn",
        "client": "wrk",
        "data": "some",
        "seconds": 180,
        "machine": "2 cores",
        "runs": runs,
        "paths": {name: ["/cases/"] for name in runs},
        "server_errors": [],
    }


def test_wrk_summary_is_read_with_its_socket_errors_and_error_responses() -> None:
    run = parse_run(WRK_OUTPUT)
    assert run["requests"] == 8791
    assert run["requests_per_s"] == 48.75
    assert (run["p50_ms"], run["p99_ms"]) == (38.49, 1200.0)
    assert run["non_2xx"] == 3
    assert run["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 5}


def test_a_clean_wrk_summary_has_no_errors_of_any_kind() -> None:
    clean = WRK_OUTPUT.replace("  Socket errors: connect 0, read 2, write 0, timeout 5\n", "")
    clean = clean.replace("  Non-2xx or 3xx responses: 3\n", "")
    run = parse_run(clean)
    assert run["non_2xx"] == 0
    assert sum(run["socket_errors"].values()) == 0
    assert failures(_result(agency=run)) == []


def test_any_error_response_socket_error_or_server_error_fails_the_run() -> None:
    assert failures(_result(agency=_run(), company=_run())) == []
    assert failures(_result(agency=_run(non_2xx=1))) == ["agency: 1 responses were not 2xx/3xx"]
    timeouts = _run(socket_errors={"connect": 0, "read": 0, "write": 0, "timeout": 4})
    assert failures(_result(agency=timeouts)) == ["agency: socket errors {'timeout': 4}"]
    assert failures(_result(agency=_run(requests=0))) == ["agency: no request completed"]
    assert failures(_result(agency={"description": "x", "paths": 1, "error": "wrk exited 1"}))
    crashed = _result(agency=_run())
    crashed["server_errors"] = ["[ERROR] Exception in worker process"]
    assert failures(crashed) == ["gunicorn: [ERROR] Exception in worker process"]


def test_the_server_log_is_searched_for_failures_not_for_notices() -> None:
    log = "\n".join(
        [
            "[2026-11-28 10:00:00 +0000] [12] [INFO] Booting worker with pid: 12",
            "[2026-11-28 10:01:00 +0000] [10] [CRITICAL] WORKER TIMEOUT (pid:12)",
            "Traceback (most recent call last):",
            "[2026-11-28 10:02:00 +0000] [13] [WARNING] something to read",
        ]
    )
    assert server_errors(log) == [
        "[2026-11-28 10:01:00 +0000] [10] [CRITICAL] WORKER TIMEOUT (pid:12)",
        "Traceback (most recent call last):",
    ]


def test_the_report_has_a_row_per_kind_of_user_and_says_whether_it_failed() -> None:
    good = markdown(_result(agency=_run(), open311=_run(requests=250)))
    assert "| agency | inbox | 3 | 100 | 10.0 | 20.0 | 90.0 | 0 | 0 |" in good
    assert "| **all** | | 6 | 350 | 20.0 |" in good
    assert "Zero errors" in good and "FAILED" not in good
    bad = markdown(_result(agency=_run(non_2xx=2)))
    assert "**FAILED**" in bad and "agency: 2 responses were not 2xx/3xx" in bad


def test_the_script_refuses_values_it_cannot_quote() -> None:
    with pytest.raises(ValueError):
        lua_script(["/کارتابل/"], {})
    with pytest.raises(ValueError):
        lua_script(["/a"], {"Cookie": "x\ny"})
    with pytest.raises(ValueError):
        lua_script([], {})


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: Counter[tuple[str, str, str]] = Counter()

    def do_GET(self) -> None:  # noqa: N802 - the handler's protocol
        key = (self.path, self.headers.get("Cookie", ""), self.headers.get("Authorization", ""))
        _Recorder.seen[key] += 1
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)"
)
def test_wrk_running_the_script_goes_round_every_path_with_the_users_credentials(
    tmp_path: Path,
) -> None:
    paths = ["/cases/", "/cases/?status=referred&category=3", '/q?a="b"\\c]]']
    script = tmp_path / "round.lua"
    script.write_text(
        lua_script(paths, {"Cookie": "sessionid=abc123", "Authorization": "Bearer k"}),
        encoding="utf-8",
    )
    _Recorder.seen = Counter()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        done = subprocess.run(  # noqa: S603 - wrk, fixed arguments
            [
                shutil.which("wrk") or "wrk",
                "-t2",
                "-c2",
                "-d1s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert parse_run(done.stdout)["requests"] > len(paths)
    assert {path for path, _cookie, _auth in _Recorder.seen} == set(paths)
    assert {(cookie, auth) for _path, cookie, auth in _Recorder.seen} == {
        ("sessionid=abc123", "Bearer k")
    }
    # Round and round: no path is left far behind the others.
    counts = Counter(path for path, _c, _a in _Recorder.seen.elements())
    assert max(counts.values()) - min(counts.values()) <= 4, counts
