from django.db import migrations


def load_template(apps, schema_editor):
    from sinergie.surveys.needs_template import load

    load(apps.get_model("surveys", "Survey"), apps.get_model("surveys", "Section"), apps.get_model("surveys", "Question"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_surveys_models")]

    operations = [migrations.RunPython(load_template, migrations.RunPython.noop)]
