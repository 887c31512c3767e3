"""Repeated timings and their percentiles."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Stats:
    n: int
    p50_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float

    def as_dict(self) -> dict[str, Any]:
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in asdict(self).items()}


def percentile(samples: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (NumPy's default, Excel's PERCENTILE.INC),
    so that p95 of 30 samples is neither the maximum nor blind to the slowest few."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stats(samples_ms: list[float]) -> Stats:
    return Stats(
        n=len(samples_ms),
        p50_ms=statistics.median(samples_ms),
        p95_ms=percentile(samples_ms, 0.95),
        min_ms=min(samples_ms),
        max_ms=max(samples_ms),
    )


def measure(run: Callable[[], Any], *, repeat: int, warmup: int) -> Stats:
    """Call `run` `warmup` times untimed (caches, connections, compiled templates), then
    `repeat` times, each timed on its own."""
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return stats(samples)
