import datetime

import django.db.models.deletion
from django.db import migrations, models
from django.db.models.functions import Coalesce

# consular.paging.NEVER_DUE as it was when this was written: a migration does not follow later edits.
NEVER_DUE = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
        ("workflow", "0007_fill_case_access"),
    ]

    operations = [
        migrations.AlterField(model_name="caseaccess", name="submitted_at", field=models.DateTimeField()),
        migrations.AlterField(
            model_name="caseaccess",
            name="office",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="offices.office"
            ),
        ),
        migrations.AlterField(
            model_name="caseaccess",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="access",
                to="workflow.case",
            ),
        ),
        migrations.AddIndex(
            model_name="caseaccess",
            index=models.Index(fields=["office", "-submitted_at", "-case"], name="case_access_newest"),
        ),
        migrations.AlterField(
            model_name="case",
            name="current_office",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="offices.office",
                verbose_name="current office",
            ),
        ),
        migrations.RemoveIndex(model_name="case", name="case_queue"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["current_office", "status", "-submitted_at", "-id"], name="case_queue"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["current_office", "-submitted_at", "-id"], name="case_office_newest"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                models.F("current_office"),
                Coalesce("due_at", models.Value(NEVER_DUE)),
                models.F("id"),
                name="case_office_due",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["current_office", "-submitted_at", "-id"],
                name="case_office_open_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                models.F("current_office"),
                Coalesce("due_at", models.Value(NEVER_DUE)),
                models.F("id"),
                condition=models.Q(("closed_at__isnull", True)),
                name="case_office_open_due",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["current_office", "reference", "id"],
                name="case_office_open_reference",
            ),
        ),
    ]
