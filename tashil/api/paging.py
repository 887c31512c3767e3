"""Offset pages without counting: every list endpoint of the API pages the same way."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def page(qs: QuerySet[Any], *, offset: int, limit: int) -> dict[str, Any]:
    """`{"items": …, "next_offset": …}`. One row more than the page is read: its presence says
    there is a next page, without counting the whole table; `next_offset` is None on the last."""
    rows = list(qs[offset : offset + limit + 1])
    return {"items": rows[:limit], "next_offset": offset + limit if len(rows) > limit else None}
