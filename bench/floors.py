"""The two floors a page is compared with, measured in the same run as the page.

- The **SQL floor**: the page's main query (the most expensive one Django recorded while serving
  it), its SQL exactly as Django sent it, replayed through a bare psycopg connection and fetched
  in full. No page can answer faster than its own data arrives.
- The **framework floor**: `bench/hello/`, a login-required view returning a few bytes, requested
  through the same client, middleware and session as the page. No page can answer faster than
  Django authenticates a request.

A page within a small multiple of the sum does little besides fetching its data and rendering it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.test import Client
from psycopg.conninfo import make_conninfo

from bench.timing import Stats, measure

HELLO_URL = "/bench/hello/"
_READ = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Query:
    sql: str
    ms: float  # Django's recorded time, summed over the captured requests


def main_query(captured: Iterable[Iterable[dict[str, Any]]]) -> Query | None:
    """The read that cost the most over the captured runs of one request (each run a list of
    Django's `{"sql", "time"}` records). Times are summed per statement because Django records
    them to the millisecond: one run ties many fast queries at 0.000. Between equal times the
    longer statement wins, as the one doing more of the page's work."""
    totals: dict[str, float] = {}
    for run in captured:
        for record in run:
            sql = record["sql"]
            if sql and _READ.match(sql):
                totals[sql] = totals.get(sql, 0.0) + float(record["time"]) * 1000
    if not totals:
        return None
    sql, ms = max(totals.items(), key=lambda item: (item[1], len(item[0])))
    return Query(sql=sql, ms=ms)


def slowest(run: Iterable[dict[str, Any]], count: int = 3) -> list[dict[str, Any]]:
    """The `count` slowest statements of one captured request, for the report."""
    records = sorted(run, key=lambda r: float(r["time"]), reverse=True)[:count]
    return [{"ms": round(float(r["time"]) * 1000, 1), "sql": r["sql"]} for r in records]


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_LISTS = re.compile(r"\((?:\?, )+\?\)")


def _shape(sql: str) -> str:
    """A statement without its values, so that the same query on other rows compares equal."""
    return _LISTS.sub("(…)", _LITERALS.sub("?", sql))[:160]


def query_difference(
    main: Iterable[dict[str, Any]], other: Iterable[dict[str, Any]]
) -> dict[str, list[str]]:
    """The statements one request ran and the other did not (by shape), to tell an N+1 from a
    part of the page that had nothing to show."""
    ours = Counter(_shape(record["sql"]) for record in main)
    theirs = Counter(_shape(record["sql"]) for record in other)
    return {
        "only_in_main": sorted((ours - theirs).elements()),
        "only_in_variant": sorted((theirs - ours).elements()),
    }


def connect() -> psycopg.Connection[Any]:
    """A plain psycopg connection to Django's database: no Django cursor wrapper, no adapters
    beyond psycopg's own; in UTC as Django's connections are."""
    db = settings.DATABASES["default"]
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    conninfo = make_conninfo(**{key: str(value) for key, value in params.items() if value})
    conn = psycopg.connect(conninfo, autocommit=True)
    conn.execute("SET TIME ZONE 'UTC'")
    return conn


def sql_floor(
    conn: psycopg.Connection[Any], sql: str, *, repeat: int, warmup: int
) -> tuple[Stats, int]:
    """p50/p95 of executing `sql` and fetching every row; also the number of rows."""
    rows = 0

    def run() -> None:
        nonlocal rows
        with conn.cursor() as cursor:
            # No parameters: psycopg sends the text as it is (a `%` in a LIKE stays a `%`).
            cursor.execute(sql.encode())
            rows = len(cursor.fetchall()) if cursor.description else 0

    return measure(run, repeat=repeat, warmup=warmup), rows


def framework_floor(
    client: Client, *, repeat: int, warmup: int, check: Callable[[Any], object]
) -> Stats:
    """p50/p95 of `bench/hello/` through `client` (logged in as the page's user)."""

    def run() -> None:
        check(client.get(HELLO_URL))

    return measure(run, repeat=repeat, warmup=warmup)
