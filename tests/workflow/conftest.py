import pytest

from tests.identity.factories import PersonFactory


@pytest.fixture
def person(nyc):
    return PersonFactory(created_by_office=nyc)
