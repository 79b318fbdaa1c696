"""Revocation is immediate whichever process revokes: a command, the admin or another web worker.

The revoking side runs as a separate process (`manage.py` against the test database), so a
cache private to the serving process (the embedded default's memory cache) could not be told.
"""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from consular.offices.models import ApiClient, Membership
from tests.services.conftest import test_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def manage(*arguments: str) -> subprocess.CompletedProcess:
    """`manage.py …` in another process, on the test database."""
    environment = {**os.environ, "DATABASE_URL": test_database_url()}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_a_client_revoked_by_the_command_is_refused_on_its_very_next_request(osaka_client, api):
    client, token = osaka_client
    assert api(token).get("/api/v1/me/").status_code == 200

    done = manage("revoke_api_client", "--office", "OSA", "--name", client.name)

    assert done.returncode == 0, done.stderr
    assert "Revoked api:OSA:" in done.stdout
    refused = api(token).get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/problem+json")
    assert ApiClient.unscoped.get(pk=client.pk).revoked_at is not None


def test_revoking_twice_or_an_unknown_client_says_so(osaka_client):
    client, _token = osaka_client
    assert manage("revoke_api_client", "--office", "OSA", "--name", client.name).returncode == 0

    again = manage("revoke_api_client", "--office", "OSA", "--name", client.name)
    unknown = manage("revoke_api_client", "--office", "OSA", "--name", "No such system")

    assert again.returncode != 0 and "already revoked" in again.stderr
    assert unknown.returncode != 0 and "has no API client named" in unknown.stderr


def test_a_member_of_staff_whose_account_was_disabled_elsewhere_is_refused_on_the_next_request(
    signed_in, nyc_clerk
):
    browser = signed_in(nyc_clerk)
    assert browser.get("/cases/").status_code == 200
    assert browser.get("/api/v1/me/").status_code == 200

    done = manage("shell", "-c", f"from django.contrib.auth.models import User; "
                                 f"User.objects.filter(pk={nyc_clerk.pk}).update(is_active=False)")

    assert done.returncode == 0, done.stderr
    page = browser.get("/cases/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/sign-in/")
    assert browser.get("/api/v1/me/").status_code in (401, 403)


def test_a_member_of_staff_whose_membership_ended_elsewhere_is_refused_on_the_next_request(signed_in, nyc_clerk):
    membership = Membership.unscoped.get(user=nyc_clerk)
    Membership.unscoped.filter(pk=membership.pk).update(starts_on=timezone.localdate() - timedelta(days=30))
    browser = signed_in(nyc_clerk)
    assert browser.get("/cases/").status_code == 200

    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    done = manage("shell", "-c", f"from consular.offices.models import Membership; "
                                 f"Membership.unscoped.filter(pk={membership.pk}).update(ends_on='{yesterday}')")

    assert done.returncode == 0, done.stderr
    assert browser.get("/cases/").status_code == 403
    assert browser.get("/api/v1/me/").status_code == 403
