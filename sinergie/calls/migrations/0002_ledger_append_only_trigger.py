"""On PostgreSQL the ledger refuses UPDATE and DELETE in the database itself.

The model refuses them through the ORM; this trigger also stops raw SQL, the admin's bulk
actions and any future code that forgets. TRUNCATE (used by test teardown) is not a row
operation and is not affected. SQLite has no such trigger: there the model's guard is the only one.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION calls_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'calls_ledgerentry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER calls_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON calls_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION calls_ledger_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS calls_ledgerentry_append_only ON calls_ledgerentry;
DROP FUNCTION IF EXISTS calls_ledger_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_calls_vouchers_ledger")]

    operations = [migrations.RunPython(forwards, backwards)]
