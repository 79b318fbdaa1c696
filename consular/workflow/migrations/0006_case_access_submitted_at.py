from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0005_fill_person_access"),
        ("workflow", "0005_case_updated_at_case_case_changed"),
    ]

    operations = [
        # Nullable until 0007 has copied each case's time; 0008 makes it required.
        migrations.AddField(model_name="caseaccess", name="submitted_at", field=models.DateTimeField(null=True)),
    ]
