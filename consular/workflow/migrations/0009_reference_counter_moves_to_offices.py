# The counter is the offices floor's now (offices 0003): forget it here without dropping its table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0008_case_office_indexes"),
        ("offices", "0003_referencecounter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReferenceCounter")],
            database_operations=[],
        ),
    ]
