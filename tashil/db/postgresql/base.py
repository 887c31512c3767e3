"""PostgreSQL backend that creates its databases with a UTF-8 collation.

Django's test runner creates the test database with only ENCODING and TEMPLATE; the locale comes
from the cluster's default, which on many servers is `C`. Under `C`, pg_trgm treats Persian letters
as non-word characters and trigram search silently finds nothing, so we always ask for C.UTF-8
(present on every glibc system) when we create a database ourselves.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.creation import DatabaseCreation as BaseCreation


class DatabaseCreation(BaseCreation):
    def _get_database_create_suffix(self, encoding: Any = None, template: Any = None) -> str:
        # A private hook of Django's, absent from django-stubs.
        suffix = super()._get_database_create_suffix(  # type: ignore[misc]
            encoding=encoding, template=template
        )
        return f"{suffix} LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
