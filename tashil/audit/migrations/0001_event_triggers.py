"""On PostgreSQL, refuse UPDATE and DELETE on every event table in the database itself, so that
neither a `QuerySet.update()`, nor raw SQL, nor a bug elsewhere can rewrite the history
(audit/guards.py refuses the same in the ORM, on every database).

Row-level triggers do not fire on TRUNCATE, which the test runner's flush and a deliberate
restore use. The one DELETE allowed is that of the events of a resolution still in draft, which
go with the draft (see audit/guards.py).

Other databases (SQLite in development and tests) get no trigger: their flush deletes rows one
table at a time, which a trigger would refuse.
"""

from django.db import migrations

FUNCTION = "tashil_audit_append_only"

# Written out rather than read from the models: a migration says what it did on the day.
TABLES = (
    "cases_caseevent",
    "meetings_meetingevent",
    "meetings_resolutionevent",
    "registry_companyevent",
    "accounts_accountevent",
    "investments_event",
)

# The draft check sits in a nested IF: PL/pgSQL prepares an expression when it first runs, and
# OLD.resolution_id exists only on the resolution events.
CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'meetings_resolutionevent' THEN
        IF EXISTS (
            SELECT 1 FROM meetings_resolution WHERE id = OLD.resolution_id AND state = 'draft'
        ) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'the rows of % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: the RAISE format's % signs are PL/pgSQL's, not placeholders.
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {FUNCTION} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_inbox_index"),
        ("meetings", "0002_figure_indexes"),
        ("registry", "0005_messages_and_verbose_names"),
        ("accounts", "0003_api_token_event_kinds"),
        ("investments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
