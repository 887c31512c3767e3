"""Helpers for the API tests: bearer keys for the cast users of tashil/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def key_for(db: Any) -> Callable[[Any], str]:
    """A fresh API key belonging to `user`."""
    from tashil.api.services import token_create

    def make(user: Any, name: str = "script") -> str:
        _token, key = token_create(actor=user, user=user, name=name)
        return key

    return make


@pytest.fixture
def bearer(key_for: Callable[[Any], str]) -> Callable[[Any], dict[str, str]]:
    """Request headers authenticating as `user` with a new token."""

    def make(user: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {key_for(user)}"}

    return make
