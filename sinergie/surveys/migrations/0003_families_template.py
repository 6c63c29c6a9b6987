from django.db import migrations


def load_template(apps, schema_editor):
    from sinergie.surveys.families_template import load

    load(apps.get_model("surveys", "Survey"), apps.get_model("surveys", "Section"), apps.get_model("surveys", "Question"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_needs_template")]

    operations = [migrations.RunPython(load_template, migrations.RunPython.noop)]
