import pytest
from django.core.management import CommandError, call_command

from consular.offices.models import ApiClient, Membership, Office


def test_seed_demo_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet")
    counts = (Office.directory.count(), Membership.unscoped.count(), ApiClient.unscoped.count())
    call_command("seed_demo", "--quiet")
    assert (Office.directory.count(), Membership.unscoped.count(), ApiClient.unscoped.count()) == counts
    assert counts[0] == 5
    assert set(Office.directory.values_list("kind", flat=True)) == {"hq", "mission", "prefecture"}
    roles = set(Membership.unscoped.values_list("role", flat=True))
    assert roles == {"clerk", "officer", "supervisor", "hq_officer", "administrator", "auditor"}


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", "--quiet")
