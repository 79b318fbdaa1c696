import pytest
from django.utils import translation

from consular.documents import signing
from tests.identity.factories import actor_for
from tests.visas.factories import exchange_rates, foreign_applicant


@pytest.fixture(autouse=True)
def _in_english():
    """The messages the tests read, in English (the site's default language is Japanese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def rates(db):
    exchange_rates()


@pytest.fixture
def applicant(nyc, rates):
    return foreign_applicant(nyc)


@pytest.fixture
def clerk(nyc_clerk):
    return actor_for(nyc_clerk)


@pytest.fixture
def officer(nyc_officer):
    return actor_for(nyc_officer)


@pytest.fixture
def hq_actor(hq_officer):
    return actor_for(hq_officer)


@pytest.fixture
def seal_keys(settings, tmp_path) -> signing.Signer:
    settings.SEAL_KEYS_DIR = tmp_path / "seal-keys"
    signing.create_root()
    return signing.issue_signer()
