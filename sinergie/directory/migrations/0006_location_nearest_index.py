"""A GiST index for "nearest first" on PostgreSQL (see selectors.LON_SCALE); nothing on SQLite.

The expression must stay the text of selectors._PLANE_POINT for the planner to use the index.
"""

from django.db import migrations

INDEX = "directory_location_plane_gist"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_location USING gist (point(longitude * 0.69966, latitude))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_search_name_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
