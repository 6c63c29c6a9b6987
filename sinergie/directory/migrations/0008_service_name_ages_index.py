"""On PostgreSQL, the published services' names with their ages in the index (INCLUDE): searches by
age read the index alone, in name order, instead of the wide service table. Nothing on SQLite,
which has no such indexes (the model's name index serves it)."""

from django.db import migrations

INDEX = "directory_service_pub_name_ages"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_service (name_it, id)"
            " INCLUDE (minimum_age_months, maximum_age_months) WHERE state = 'published'"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_searchterm_in_name_index")]

    operations = [migrations.RunPython(create_index, drop_index)]
