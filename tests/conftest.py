"""The cast every page and endpoint test meets.

Offices: HQ (Tokyo), NYC and LON missions, OSA prefectural office.
People: nyc_clerk, nyc_officer, nyc_supervisor, london_clerk (the outsider for NYC),
osaka_clerk, hq_officer, hq_supervisor, hq_admin, auditor; osaka_client is the prefectural office's API system.
`signed_in(user)` gives a Django test client past the password and second factor.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_scopes import scopes_disabled

from consular.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from consular.offices.models import Office, Role
from tests.factories import MembershipFactory, OfficeFactory, TOTPDeviceFactory, UserFactory, make_api_client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_scope_needed_for_setup():
    """Test setup and assertions read across offices; requests still run in their own scope."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Tasks enqueued after commit run here, not in the shared broker (tests/services turns this off)."""
    from consular.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _seal_keys_in_a_temporary_folder(settings, tmp_path):
    """seed_demo and issuance make seal keys when there are none: never in the checkout's var/."""
    settings.SEAL_KEYS_DIR = tmp_path / "seal-keys"


@pytest.fixture(autouse=True)
def _protected_files_in_a_temporary_folder(settings, tmp_path):
    """Photos and exports a test writes go to its own folder, not var/protected."""
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected"


@pytest.fixture(autouse=True)
def _office_codes_forgotten():
    """The API's per-process office-code map assumes ids are never reused; a rolled-back test database reuses them."""
    from consular.workflow.api import _OFFICE_CODES

    _OFFICE_CODES.clear()
    yield
    _OFFICE_CODES.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hq(db) -> Office:
    return OfficeFactory(code="HQ", kind=Office.Kind.HQ, name_en="Ministry of Foreign Affairs", name_ja="外務省",
                         country="JPN", timezone="Asia/Tokyo", currency="JPY", district=[])


@pytest.fixture
def nyc(db) -> Office:
    return OfficeFactory(code="NYC", name_en="Consulate-General of Japan in New York",
                         name_ja="在ニューヨーク日本国総領事館", country="USA", timezone="America/New_York")


@pytest.fixture
def london(db) -> Office:
    return OfficeFactory(code="LON", name_en="Embassy of Japan in the UK", name_ja="在英国日本国大使館",
                         country="GBR", timezone="Europe/London", currency="GBP")


@pytest.fixture
def osaka(db) -> Office:
    return OfficeFactory(code="OSA", kind=Office.Kind.PREFECTURE, name_en="Osaka Prefectural Passport Office",
                         name_ja="大阪府旅券事務所", country="JPN", timezone="Asia/Tokyo", currency="JPY", district=[])


def _staff(username: str, office: Office, role: str):
    membership = MembershipFactory(user=UserFactory(username=username), office=office, role=role)
    TOTPDeviceFactory(user=membership.user)
    return membership.user


@pytest.fixture
def nyc_clerk(nyc):
    return _staff("nyc_clerk", nyc, Role.CLERK)


@pytest.fixture
def nyc_officer(nyc):
    return _staff("nyc_officer", nyc, Role.OFFICER)


@pytest.fixture
def nyc_supervisor(nyc):
    return _staff("nyc_supervisor", nyc, Role.SUPERVISOR)


@pytest.fixture
def london_clerk(london):
    return _staff("london_clerk", london, Role.CLERK)


@pytest.fixture
def london_supervisor(london):
    return _staff("london_supervisor", london, Role.SUPERVISOR)


@pytest.fixture
def osaka_clerk(osaka):
    return _staff("osaka_clerk", osaka, Role.CLERK)


@pytest.fixture
def hq_officer(hq):
    return _staff("hq_officer", hq, Role.HQ_OFFICER)


@pytest.fixture
def hq_supervisor(hq):
    return _staff("hq_supervisor", hq, Role.SUPERVISOR)


@pytest.fixture
def hq_admin(hq):
    user = _staff("hq_admin", hq, Role.ADMINISTRATOR)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def auditor(hq):
    return _staff("auditor", hq, Role.AUDITOR)


@pytest.fixture
def osaka_client(osaka):
    """The Osaka prefectural office's system: (ApiClient, token)."""
    return make_api_client(osaka, "Osaka prefectural system")


@pytest.fixture
def signed_in() -> Callable[[object], Client]:
    """A test client signed in with password and second factor, as `user`."""

    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        session = client.session
        device = user.totpdevice_set.filter(confirmed=True).first()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        now = timezone.now().isoformat()
        session[SIGNED_IN_AT] = now
        session[LAST_SEEN_AT] = now
        session.save()
        return client

    return sign_in


@pytest.fixture
def api() -> Callable[[str], Client]:
    """A test client that sends an API client's bearer token."""

    def with_token(token: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {token}"})

    return with_token
