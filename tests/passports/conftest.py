import pytest

from tests.identity.factories import PersonFactory, actor_for
from tests.passports.factories import fee_schedule


@pytest.fixture
def fees(db):
    """The fee schedule, HQ's exchange rates and an open number series."""
    fee_schedule()


@pytest.fixture
def applicant(nyc, fees):
    """A Japanese national, adult, known at NYC."""
    return PersonFactory(created_by_office=nyc, family_name="SATO", given_names="KENJI", sex="M",
                         birth_year=1990, birth_month=5, birth_day=17)


@pytest.fixture
def clerk(nyc_clerk):
    return actor_for(nyc_clerk)


@pytest.fixture
def officer(nyc_officer):
    return actor_for(nyc_officer)


@pytest.fixture
def hq_actor(hq_officer):
    return actor_for(hq_officer)
