# The moved rates' table takes this app's name; every rate HQ set goes with it.

from django.db import migrations


def content_type_follows(apps, schema_editor):
    """Admin log entries and permissions keep pointing at the model under its new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="passports", model="exchangerate").exclude(
        model__in=ContentType.objects.filter(app_label="payments").values("model")
    ).update(app_label="payments")


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0001_initial"),
        ("passports", "0003_exchange_rate_moves_to_payments"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="exchangerate", table=None),
        migrations.RunPython(content_type_follows, migrations.RunPython.noop),
    ]
