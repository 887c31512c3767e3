from __future__ import annotations

import pytest

from tashil.env import EnvError, env_bool, env_int, env_list, secret_key_from


def test_booleans_accept_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("TRUE", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert env_bool("X_FLAG") is expected


def test_a_misspelt_boolean_fails_loudly_instead_of_becoming_the_default(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(EnvError):
        env_bool("X_FLAG", default=True)


def test_integers_and_lists(monkeypatch):
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", " 3, 4 ,")
    assert env_int("X_INT", 1) == 42
    assert env_int("X_MISSING", 7) == 7
    assert env_list("X_LIST", []) == ["3", "4"]
    monkeypatch.setenv("X_INT", "many")
    with pytest.raises(EnvError):
        env_int("X_INT", 1)


def test_the_secret_key_is_made_once_and_kept(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = secret_key_from(path)

    assert len(first) >= 50
    assert secret_key_from(path) == first
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
