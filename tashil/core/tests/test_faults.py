"""The site while the database is down: /healthz says 503, every page is a readable 503 page
(not a stack trace, not a blank 500), and both recover once the database is back.

The outage is real, not a mock: the default connection is closed and pointed at a database that
cannot be opened (an SQLite file in a directory that does not exist; a PostgreSQL port nobody
listens on), so every query of the request, the session's first, fails as it would in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from tashil.core.faults import server_error

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_down(tmp_path: Path) -> Iterator[None]:
    """Closes the default connection and makes every new one fail until the block ends."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "db.sqlite3")
    else:
        connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "9"})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def english_client() -> Client:
    # Client(raise_request_exception=False): an unhandled exception must show as what the user
    # gets (a 500), not be re-raised into the test, which would hide a missing handler.
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_healthz_answers_503_while_the_database_is_down_and_200_once_it_is_back(
    tmp_path: Path,
) -> None:
    client = english_client()
    assert client.get("/healthz").status_code == 200

    with database_down(tmp_path):
        down = client.get("/healthz")

    assert down.status_code == 503
    assert down.json() == {"status": "error", "database": "unavailable"}
    back = client.get("/healthz")
    assert back.status_code == 200
    assert back.json()["database"] == "ok"


def test_a_signed_in_user_sees_a_readable_503_page_while_the_database_is_down(
    tmp_path: Path, secretariat: Any
) -> None:
    client = english_client()
    client.force_login(secretariat)
    assert client.get(reverse("cases:list")).status_code == 200

    with database_down(tmp_path):
        down = client.get(reverse("cases:list"))

    assert down.status_code == 503
    assert down["Retry-After"] == "30"
    assert "no-store" in down["Cache-Control"]
    html = down.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Service temporarily unavailable" in html
    assert "Traceback" not in html
    assert "OperationalError" not in html
    # The same session works again once the database is back.
    assert client.get(reverse("cases:list")).status_code == 200


def test_the_503_page_is_persian_right_to_left_by_default(tmp_path: Path, secretariat: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(secretariat)

    with database_down(tmp_path):
        down = client.get(reverse("core:home"))

    assert down.status_code == 503
    assert '<html lang="fa" dir="rtl">' in down.content.decode()
    assert "bootstrap.rtl.min.css" in down.content.decode()


def test_an_anonymous_visitor_of_the_login_page_sees_the_503_page_too(tmp_path: Path) -> None:
    client = english_client()

    with database_down(tmp_path):
        down = client.get(reverse("accounts:login"))
        # The login form itself needs no query; posting it does (axes, the user table).
        posted = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert down.status_code in (200, 503)
    assert posted.status_code == 503
    assert "Service temporarily unavailable" in posted.content.decode()


def test_the_500_handler_answers_503_for_a_database_outage_met_outside_a_view() -> None:
    request = RequestFactory().get("/")

    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_the_500_handler_shows_a_readable_page_for_any_other_error() -> None:
    request = RequestFactory().get("/")

    try:
        raise IntegrityError("duplicate key")
    except IntegrityError:
        response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "<html" in html
    assert "duplicate key" not in html


class _Deadlock(Exception):
    # What psycopg raises for a deadlock: an OperationalError subclass with an SQLSTATE.
    sqlstate = "40P01"


def test_a_deadlock_is_a_500_to_be_fixed_not_an_outage() -> None:
    request = RequestFactory().get("/")

    try:
        try:
            raise _Deadlock("deadlock detected")
        except _Deadlock as cause:
            raise OperationalError("deadlock detected") from cause
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 500
    assert "Retry-After" not in response
