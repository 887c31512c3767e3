"""What every workflow table is made of (cases, resolutions): a move with the action that names
it, the actors allowed to make it and whether they must say why; and the one check of a move
against the table, the actor and the reason."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Move:
    """One allowed change of state. `action` names the button and the event; `reason_required`
    says the actor must write why (the people concerned see it)."""

    action: str
    actors: frozenset[str]
    reason_required: bool = False


def make_move(action: str, *actors: str, reason: bool = False) -> Move:
    return Move(action=action, actors=frozenset(actors), reason_required=reason)


def refusal(found: Move | None, *, action: str, kinds: Set[str], reason: str) -> str | None:
    """Why `found` (the table's move between two states, if any) may not be made as `action`
    by an actor counting as `kinds` with `reason`: a stable code, or None when it may.

    The action must match too: several moves share a target (a case reaches screening by
    `start_screening`, `provide_info` and `reopen`), and a service for one must not make
    another."""
    if found is None or found.action != action:
        return "invalid_transition"
    if not (set(kinds) & found.actors):
        return "not_allowed"
    if found.reason_required and not reason.strip():
        return "reason_required"
    return None


def compare_and_set(
    row: models.Model, *, field: str, expected: str, values: Mapping[str, Any]
) -> bool:
    """Write `values` to `row` only if its `field` still holds `expected`, and copy them onto
    the object. False when another writer moved the row first.

    Used on top of `select_for_update`: on SQLite, where that lock is a no-op, the condition
    is what makes the second of two concurrent writers change nothing. Only the row's own
    columns in the condition: PostgreSQL re-checks those after a lock wait, not a join's."""
    updated = type(row)._default_manager.filter(pk=row.pk, **{field: expected}).update(**values)
    if updated != 1:
        return False
    for name, value in values.items():
        setattr(row, name, value)
    return True
