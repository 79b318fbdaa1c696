"""Models that moved down into the core keep their rows: every rate HQ set and every series' last number.

Exchange rates moved from passports to `consular.payments`, the numbering counter from the
workflow to `consular.offices`. The test migrates back to before the move, writes rows as the
old apps had them, migrates forward again and reads them through the new models.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from consular.offices.models import ReferenceCounter
from consular.offices.numbering import next_in_series
from consular.payments.models import ExchangeRate

BEFORE_THE_MOVE = [("offices", "0002_office_postal_address"), ("workflow", "0008_case_office_indexes"),
                   ("passports", "0002_loss_report_reference"), ("payments", None)]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_rates_and_counters_survive_their_move_to_the_core():
    executor = migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state([node for node in BEFORE_THE_MOVE if node[1]]).apps
    try:
        old.get_model("passports", "ExchangeRate").objects.create(
            currency="USD", yen_per_unit=Decimal("151.2500"), effective_from=date(2026, 4, 1))
        old.get_model("workflow", "ReferenceCounter").objects.create(series="R-2026-NYC", last=41)
    finally:
        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        migrate(leaves)

    assert list(ExchangeRate.objects.values_list("currency", "yen_per_unit", "effective_from")) == [
        ("USD", Decimal("151.2500"), date(2026, 4, 1))]
    assert ReferenceCounter.objects.get(series="R-2026-NYC").last == 41
    assert next_in_series("R-2026-NYC") == 42  # the series goes on; no number is given twice
    tables = connection.introspection.table_names()
    assert {"payments_exchangerate", "offices_referencecounter"} <= set(tables)
    assert not {"passports_exchangerate", "workflow_referencecounter"} & set(tables)
