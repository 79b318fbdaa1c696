import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The office copy of the keys moved to OfficeNameKey (0006, 0007); keys by person for namesakes; PersonAccess
    keeps only the indexes it reads."""

    dependencies = [
        ("identity", "0009_fill_office_name_keys"),
        ("offices", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="personnamekey", name="person_name_key_office"),
        migrations.RemoveField(model_name="personnamekey", name="created_by_office"),
        migrations.AddIndex(
            model_name="personnamekey",
            index=models.Index(fields=["key", "person"], name="person_name_key_person"),
        ),
        migrations.AlterField(
            model_name="personaccess",
            name="office",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="offices.office",
                verbose_name="office",
            ),
        ),
        migrations.AlterField(
            model_name="personaccess",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="access",
                to="identity.person",
                verbose_name="person",
            ),
        ),
    ]
