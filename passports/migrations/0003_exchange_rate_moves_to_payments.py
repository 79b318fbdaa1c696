# Exchange rates are the payments floor's now (payments 0001): forget the model without dropping its table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("passports", "0002_loss_report_reference"),
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ExchangeRate")],
            database_operations=[],
        ),
    ]
