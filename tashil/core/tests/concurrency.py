"""Running the same work in several threads at once, each with its own database connection, as
several web requests or workers would, and judging what came out.

The threads wait at a barrier and are released together, so their transactions overlap. On
PostgreSQL the row locks (`select_for_update`) and the compare-and-set writes decide who wins; on
SQLite (a file database in the tests, see settings) the writers queue behind the database lock,
which serialises them: the same assertions hold, with less overlap.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

Outcome = tuple[str, Any]

# The most threads a test starts: enough to overlap on two cores, few enough for SQLite's queue.
WORKERS = 8


def race(*attempts: Callable[[], Any]) -> list[Outcome]:
    """Run the attempts in threads released together; each result is ("ok", value) or
    ("error", exception), in the order of the attempts."""
    barrier = threading.Barrier(len(attempts))
    results: list[Outcome] = [("missing", None)] * len(attempts)

    def run(index: int, attempt: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", attempt())
        except Exception as error:  # the test judges what went wrong
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung (deadlock?)"
    return results


def race_along(
    walk: Sequence[tuple[str, str, str]],
    *,
    read: Callable[[], Any],
    state_of: Callable[[Any], str],
    move: Callable[[Any, str, str], Any],
    retried: type[Exception],
) -> list[Outcome]:
    """WORKERS threads push one object along `walk` ((source, to, who) steps) together: each
    reads the object, makes the next move from what it read, and reads again when someone was
    faster (a `retried` error coded conflict or invalid_transition). Each returns how many
    moves it made, so a lost or doubled move shows in the sum."""
    following = {source: (to, who) for source, to, who in walk}

    def walker() -> int:
        made = 0
        for _attempt in range(4 * len(walk)):
            current = read()
            if state_of(current) not in following:
                return made
            to, who = following[state_of(current)]
            try:
                move(current, to, who)
                made += 1
            except retried as error:
                if getattr(error, "code", None) not in {"conflict", "invalid_transition"}:
                    raise
        return made

    return race(*([walker] * WORKERS))


def winners(results: Sequence[Outcome]) -> list[int]:
    """The indexes of the attempts that succeeded."""
    return [index for index, (kind, _value) in enumerate(results) if kind == "ok"]


def one_winner(results: Sequence[Outcome]) -> int:
    """The index of the only attempt that succeeded; fails unless exactly one did."""
    found = winners(results)
    assert len(found) == 1, results
    return found[0]


def error_codes(results: Sequence[Outcome]) -> Counter[str]:
    """How many attempts failed with each error code (a ValidationError's `code`, else the
    exception's class name): an unexpected exception shows up here, not as a pass."""
    return Counter(
        str(getattr(value, "code", None) or type(value).__name__)
        for kind, value in results
        if kind == "error"
    )


def assert_chain(moves: Sequence[tuple[str, str]], *, start: str, final: str) -> None:
    """The transition events, oldest first, as (from, to), form one unbroken chain from `start`
    to the object's `final` state: no move was lost, made twice, or made from a state the
    object was no longer in."""
    state = start
    for number, (source, target) in enumerate(moves, start=1):
        assert source == state, f"event {number} moves from {source!r}, the state was {state!r}"
        state = target
    assert state == final, f"the events end in {state!r}, the object is {final!r}"
