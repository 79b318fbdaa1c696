"""`manage.py create_api_client`: the token is shown once and only its SHA-256 is kept."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consular.audit.models import AuditEntry
from consular.offices.models import ApiClient
from tests.api.conftest import assert_problem


def create(office: str, name: str) -> tuple[str, str]:
    """Run the command; returns (everything it printed, the token line)."""
    out = StringIO()
    call_command("create_api_client", "--office", office, "--name", name, stdout=out)
    output = out.getvalue()
    token = next(line for line in output.splitlines() if line.startswith("csk_"))
    return output, token


def test_it_prints_the_token_exactly_once(osaka):
    output, token = create("OSA", "Osaka system")

    assert output.count(token) == 1
    assert len(token) > 40
    assert "api:OSA:Osaka system" in output


def test_it_stores_only_the_sha256_of_the_token(osaka):
    _output, token = create("OSA", "Osaka system")

    client = ApiClient.unscoped.get()
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    for column, value in ApiClient.unscoped.values().get().items():
        assert token not in str(value), column


def test_the_token_is_not_written_to_the_audit_log(osaka):
    _output, token = create("OSA", "Osaka system")

    entries = AuditEntry.unscoped.filter(object_type="offices.apiclient")
    assert entries.count() == 1
    assert token not in json.dumps(list(entries.values()), default=str)


def test_every_run_makes_a_different_token(osaka):
    _output, first = create("OSA", "Osaka system")
    _output, second = create("OSA", "Osaka backup system")

    assert first != second


def test_the_printed_token_authenticates_as_the_office(osaka, api):
    _output, token = create("osa", "Osaka system")

    response = api(token).get("/api/v1/me/")

    assert response.status_code == 200
    body = json.loads(response.content)
    assert (body["name"], body["office"]["code"], body["role"]) == ("api:OSA:Osaka system", "OSA", "officer")


def test_unknown_office_is_a_command_error_and_creates_nothing(osaka):
    with pytest.raises(CommandError, match="XYZ"):
        create("XYZ", "Nobody's system")

    assert not ApiClient.unscoped.exists()


def test_duplicate_name_in_the_same_office_is_a_command_error(osaka):
    create("OSA", "Osaka system")

    with pytest.raises(CommandError, match="already has a client"):
        create("OSA", "Osaka system")

    assert ApiClient.unscoped.count() == 1


def test_same_name_in_another_office_is_allowed(osaka, nyc):
    create("OSA", "Passport system")
    create("NYC", "Passport system")

    assert sorted(ApiClient.unscoped.values_list("office__code", flat=True)) == ["NYC", "OSA"]


def test_revoked_client_is_a_401_problem(osaka, api):
    _output, token = create("OSA", "Osaka system")
    ApiClient.unscoped.update(revoked_at=timezone.now())

    response = api(token).get("/api/v1/me/")

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoking_a_client_whose_token_was_just_used_stops_it_at_once(osaka, api, django_capture_on_commit_callbacks):
    from consular.offices.actions import revoke_api_client

    _output, token = create("OSA", "Osaka system")
    assert api(token).get("/api/v1/me/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        revoke_api_client(ApiClient.unscoped.get(), by=None)

    assert_problem(api(token).get("/api/v1/me/"), 401)
