"""The search index over `Company.search_document` (see tashil/registry/search.py).

SQLite: an external-content FTS5 table with the trigram tokenizer, kept in sync by triggers.
PostgreSQL: the pg_trgm extension and a GIN trigram index, which serves LIKE '%…%'.
Each database gets only its own half; the other half is a no-op.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE registry_company_fts USING fts5(
        search_document, content='registry_company', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER registry_company_fts_insert AFTER INSERT ON registry_company BEGIN
        INSERT INTO registry_company_fts(rowid, search_document)
        VALUES (new.id, new.search_document);
    END""",
    """CREATE TRIGGER registry_company_fts_delete AFTER DELETE ON registry_company BEGIN
        INSERT INTO registry_company_fts(registry_company_fts, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
    END""",
    """CREATE TRIGGER registry_company_fts_update AFTER UPDATE OF search_document
    ON registry_company BEGIN
        INSERT INTO registry_company_fts(registry_company_fts, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
        INSERT INTO registry_company_fts(rowid, search_document)
        VALUES (new.id, new.search_document);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS registry_company_fts_update",
    "DROP TRIGGER IF EXISTS registry_company_fts_delete",
    "DROP TRIGGER IF EXISTS registry_company_fts_insert",
    "DROP TABLE IF EXISTS registry_company_fts",
]
POSTGRES_FORWARD = [
    # Trusted since PostgreSQL 13: the database owner may create it without being a superuser.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX company_search_trgm ON registry_company "
    "USING gin (search_document gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS company_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


def backfill(apps, schema_editor):
    """Companies created before this migration: a search document and a first status row."""
    import datetime as dt

    from tashil.core.text import compact_key

    Company = apps.get_model("registry", "Company")
    StatusChange = apps.get_model("registry", "StatusChange")
    for company in Company.objects.all():
        company.search_document = " ".join(
            compact_key(part) for part in (company.legal_name, company.national_id) if part
        )
        company.save(update_fields=["search_document"])
        if not StatusChange.objects.filter(company=company).exists():
            StatusChange.objects.create(
                company=company, status=company.status, since=dt.date.today()
            )
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "INSERT INTO registry_company_fts(registry_company_fts) VALUES ('rebuild')"
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_registry")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
