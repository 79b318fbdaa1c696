# Exchange rates move from passports to the payments floor, so that visas price in local currency
# with the same rates. The rows stay: this step only takes the model into Django's state (its table
# is still passports_exchangerate), passports 0003 forgets it, and 0002 here renames the table.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("passports", "0002_loss_report_reference"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExchangeRate",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("currency", models.CharField(max_length=3, validators=[
                            django.core.validators.RegexValidator("^[A-Z]{3}$", "An ISO 4217 code, e.g. USD.")
                        ], verbose_name="currency")),
                        ("yen_per_unit", models.DecimalField(decimal_places=4, max_digits=12, validators=[
                            django.core.validators.MinValueValidator(0.0001)
                        ], verbose_name="yen per unit")),
                        ("effective_from", models.DateField(verbose_name="effective from")),
                    ],
                    options={
                        "verbose_name": "exchange rate",
                        "verbose_name_plural": "exchange rates",
                        "ordering": ["currency", "-effective_from"],
                        "db_table": "passports_exchangerate",
                        "constraints": [models.UniqueConstraint(fields=("currency", "effective_from"),
                                                                name="exchange_rate_once")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
