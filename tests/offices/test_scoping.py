import pytest
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from consular.offices.models import Holiday, Membership, Office, Role
from consular.offices.scoping import Actor
from tests.factories import HolidayFactory


@pytest.fixture
def holidays(nyc, london):
    return HolidayFactory(office=nyc), HolidayFactory(office=london)


def test_a_scoped_query_outside_any_scope_raises_instead_of_returning_everything(holidays):
    # The autouse fixture disables scopes for setup; leave that and enter an empty scope.
    with scope(), pytest.raises(ScopeError):
        list(Holiday.objects.all())
    with scope(), pytest.raises(ScopeError):
        Office.objects.filter(code="NYC").first()


def test_a_mission_sees_only_its_own_office(holidays, nyc, london):
    with scope(actor=Actor(office=nyc, role=Role.CLERK)):
        assert list(Holiday.objects.all()) == [holidays[0]]
        assert list(Office.objects.all()) == [nyc]


@pytest.mark.parametrize("role", [Role.HQ_OFFICER, Role.AUDITOR])
def test_hq_and_auditors_see_every_office(holidays, hq, role):
    with scope(actor=Actor(office=hq, role=role)):
        assert set(Holiday.objects.all()) == set(holidays)


def test_no_actor_sees_nothing(holidays):
    with scope(actor=None):
        assert list(Holiday.objects.all()) == []


def test_ended_memberships_no_longer_grant_access(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    with scopes_disabled():
        Membership.unscoped.filter(user=nyc_clerk).update(ends_on="2026-01-31")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
