# The numbering series' counter moves down from the workflow to the offices floor, so that floors
# below the workflow (payments' receipts) can number things too. Its rows stay where they are: this
# step only tells Django's state that the table (still workflow_referencecounter) is now ours; the
# workflow forgets it in its 0009, and 0004 here renames the table.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("offices", "0002_office_postal_address"),
        ("workflow", "0008_case_office_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReferenceCounter",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("series", models.CharField(max_length=32, unique=True)),
                        ("last", models.PositiveIntegerField(default=0)),
                    ],
                    options={"db_table": "workflow_referencecounter"},
                ),
            ],
            database_operations=[],
        ),
    ]
