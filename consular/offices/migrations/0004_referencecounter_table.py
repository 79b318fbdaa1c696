# The moved counter's table takes this app's name; its rows (every series' last number) go with it.

from django.db import migrations


def content_type_follows(apps, schema_editor):
    """Admin log entries and permissions keep pointing at the model under its new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="workflow", model="referencecounter").exclude(
        model__in=ContentType.objects.filter(app_label="offices").values("model")
    ).update(app_label="offices")


class Migration(migrations.Migration):

    dependencies = [
        ("offices", "0003_referencecounter"),
        ("workflow", "0009_reference_counter_moves_to_offices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="referencecounter", table=None),
        migrations.RunPython(content_type_follows, migrations.RunPython.noop),
    ]
