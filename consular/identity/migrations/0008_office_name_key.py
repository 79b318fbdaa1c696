import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0007_text_validators"),
        ("offices", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficeNameKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=32, verbose_name="key")),
                ("birth_year", models.PositiveSmallIntegerField(verbose_name="year of birth")),
                (
                    "office",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="offices.office",
                        verbose_name="office",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="identity.person",
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "office name key",
                "verbose_name_plural": "office name keys",
                "indexes": [
                    models.Index(fields=["office", "key", "birth_year", "person"], name="office_name_key"),
                    models.Index(fields=["office", "key", "person"], name="office_name_key_person"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("person", "office", "key"), name="office_name_key_once")
                ],
            },
        ),
    ]
