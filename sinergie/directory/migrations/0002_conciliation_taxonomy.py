from django.db import migrations


def create_taxonomy(apps, schema_editor):
    from sinergie.directory.taxonomy import taxonomy_sync

    taxonomy_sync(apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create_taxonomy, migrations.RunPython.noop)]
