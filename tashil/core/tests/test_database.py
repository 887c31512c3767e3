from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_a_postgres_database_is_created_with_a_utf8_locale():
    # Under the C locale pg_trgm treats Persian letters as non-word characters and trigram search
    # silently finds nothing; our backend creates every database (the test one too) as C.UTF-8.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = current_database()"
        )
        assert cursor.fetchone() == ("UTF8", "C.UTF-8", "C.UTF-8")
