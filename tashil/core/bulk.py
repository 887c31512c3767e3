"""Inserting many rows at once, for the services that import whole registries.

`bulk_create` spends about a tenth of a millisecond per row in Python preparing values (and on
PostgreSQL dumping them into arrays for `UNNEST`): for a 100,000-company import with its statuses,
products and history that is a minute, most of the import (docs/performance.md). On PostgreSQL
these helpers use COPY instead, whose rows psycopg writes in C, and take primary keys from the
table's sequence up front so that the rows that point at the new ones can be written the same way.
Other databases get `bulk_create` and `executemany`.

The values must be what the column holds: primary keys of related rows (`company_id`), dates,
datetimes, text, numbers, and dictionaries for JSON columns. No field's `pre_save` or
`get_db_prep_save` runs, except for `auto_now`/`auto_now_add` fields, which are filled here;
callers validate first (`clean_fields`), as the services do before `save()`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def insert_instances(objs: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model and set their primary keys, as `bulk_create`
    does; the instances are then saved ones."""
    if not objs:
        return
    model = type(objs[0])
    if not _postgresql():
        model._default_manager.bulk_create(objs)
        return
    meta = model._meta
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
    fields = list(meta.concrete_fields)
    # One moment for the whole insert, as one statement's `now()` would be.
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    insert_rows(
        model,
        [field.attname for field in fields],
        ([getattr(obj, field.attname) for field in fields] for obj in objs),
    )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert plain rows: `fields` are attribute names (`company_id`), each row holds their
    values in that order. Primary keys come from the sequence unless `fields` names them."""
    meta = model._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    columns = [by_attname[name].column for name in fields]
    json = [
        index for index, name in enumerate(fields) if isinstance(by_attname[name], models.JSONField)
    ]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if _postgresql():
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608 - names from _meta
                for row in rows:
                    # Choices members are enums: psycopg would write their names.
                    values = [v.value if isinstance(v, enum.Enum) else v for v in row]
                    for index in json:
                        values[index] = Jsonb(values[index])
                    copy.write_row(values)
            return
        marks = ", ".join(["%s"] * len(columns))
        field_list = [by_attname[name] for name in fields]
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - names from _meta
            [
                [
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(field_list, row, strict=True)
                ]
                for row in rows
            ],
        )


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's sequence (PostgreSQL): no other transaction
    will be given them, whether or not this one commits."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]
