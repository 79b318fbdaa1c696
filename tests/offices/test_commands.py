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


def test_the_demo_gives_hq_a_supervisor_and_every_role_work_on_its_home_page(db, settings, signed_in):
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from consular.offices import demo
    from consular.offices.models import Role
    from consular.workflow.models import Case

    settings.DEBUG = True
    call_command("seed_demo", "--quiet")
    assert Membership.unscoped.filter(office__code="HQ", role=Role.SUPERVISOR, user__username="hq_supervisor").exists()
    assert Case.unscoped.filter(case_type="enquiry").count() >= 5
    assert Case.unscoped.filter(case_type="passport").count() >= 5
    users = get_user_model().objects
    for username, _name, _memberships, _is_staff in demo.STAFF:
        with translation.override("en"):
            response = signed_in(users.get(username=username)).get("/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, username
        numbers = [figure.value for panel in response.context["panels"] for figure in panel.figures
                   if figure.url and isinstance(figure.value, int)]
        # Something to do on every desk: a caseworker's cases, the auditor's log, the administrator's system.
        assert any(numbers) or username in ("admin", "london_clerk"), (username, numbers)
