"""Two clerks fire at the same moment with the same version: exactly one wins."""

import threading

import pytest
from django.db import connection

from consular.versions import StaleVersion
from consular.workflow.actions import fire, open_case
from consular.workflow.models import Case, CaseEvent
from tests.identity.factories import actor_for


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_fires_with_the_same_version_exactly_one_wins(person, nyc_clerk, hq):
    case = open_case("enquiry", person=person, by=actor_for(nyc_clerk))
    actor = actor_for(nyc_clerk)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def clerk(transition: str, note: str) -> None:
        try:
            barrier.wait(timeout=10)
            fire(Case.unscoped.get(pk=case.pk), transition, by=actor, expected_version=1, note=note)
            outcomes.append("won")
        except StaleVersion:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=("start", "")),
               threading.Thread(target=clerk, args=("withdraw", "Withdrawn by phone"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["conflict", "won"], f"{connection.vendor}: {outcomes}"
    case.refresh_from_db()
    assert case.version == 2
    assert CaseEvent.objects.filter(case=case).count() == 2
