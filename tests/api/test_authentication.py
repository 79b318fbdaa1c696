"""Who may call the API: bearer tokens, and staff sessions past the second factor with CSRF."""

import json

import pytest
from django.conf import settings
from django.test import Client

from consular.offices.models import Holiday
from tests.api.conftest import add_holiday, assert_problem
from tests.factories import UserFactory

CSRF_SECRET = "a" * 32
THANKSGIVING = {"date": "2027-11-25", "name": "Thanksgiving"}


@pytest.fixture
def csrf_checked(signed_in):
    """A client signed in as `user` that, like a browser, must pass Django's CSRF check."""

    def as_user(user) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.cookies = signed_in(user).cookies
        return client

    return as_user


def test_session_write_without_a_csrf_token_is_a_403_problem_and_saves_nothing(csrf_checked, nyc_supervisor):
    response = add_holiday(csrf_checked(nyc_supervisor), "NYC", THANKSGIVING)

    body = assert_problem(response, 403)
    assert "CSRF" in body["detail"]
    assert not Holiday.unscoped.exists()


def test_session_write_with_a_wrong_csrf_token_is_a_403_problem(csrf_checked, nyc_supervisor):
    client = csrf_checked(nyc_supervisor)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET

    response = client.post(
        "/api/v1/offices/NYC/holidays/",
        data=json.dumps(THANKSGIVING),
        content_type="application/json",
        headers={"Idempotency-Key": "k", "X-CSRFToken": "b" * 32},
    )

    assert_problem(response, 403)
    assert not Holiday.unscoped.exists()


def test_session_write_with_the_csrf_token_succeeds(csrf_checked, nyc_supervisor):
    client = csrf_checked(nyc_supervisor)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET

    response = client.post(
        "/api/v1/offices/NYC/holidays/",
        data=json.dumps(THANKSGIVING),
        content_type="application/json",
        headers={"Idempotency-Key": "k", "X-CSRFToken": CSRF_SECRET},
    )

    assert response.status_code == 201
    assert Holiday.unscoped.count() == 1


def test_session_read_needs_no_csrf_token(csrf_checked, nyc_supervisor):
    assert csrf_checked(nyc_supervisor).get("/api/v1/offices/NYC/holidays/").status_code == 200


def test_bearer_write_is_not_subject_to_csrf(api, osaka_client, signed_in, hq_admin):
    """The token is not sent by a browser on its own, so CSRF does not apply; the role check still does."""
    _client, token = osaka_client
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})

    response = add_holiday(client, "OSA", THANKSGIVING)

    body = assert_problem(response, 403)
    assert "CSRF" not in body["detail"]
    assert "supervisors" in body["detail"]


def test_session_without_the_second_factor_is_a_401_problem(client, nyc_supervisor):
    client.force_login(nyc_supervisor)

    response = client.get("/api/v1/offices/")

    assert_problem(response, 401)


def test_session_without_the_second_factor_cannot_write(client, nyc_supervisor):
    client.force_login(nyc_supervisor)

    assert_problem(add_holiday(client, "NYC", THANKSGIVING), 401)
    assert not Holiday.unscoped.exists()


def test_signed_in_user_with_no_office_is_a_403_problem(signed_in, db):
    from tests.factories import TOTPDeviceFactory

    user = UserFactory(username="no_office")
    TOTPDeviceFactory(user=user)

    response = signed_in(user).get("/api/v1/offices/")

    body = assert_problem(response, 403)
    assert body["type"].endswith("/permission-denied")


def test_scheme_name_is_case_insensitive(osaka_client):
    _client, token = osaka_client

    response = Client(headers={"Authorization": f"bearer {token}"}).get("/api/v1/me/")

    assert response.status_code == 200


def test_other_authorization_schemes_are_ignored_not_accepted(osaka_client):
    _client, token = osaka_client

    response = Client(headers={"Authorization": f"Token {token}"}).get("/api/v1/me/")

    assert_problem(response, 401)


def test_bearer_token_wins_over_a_staff_session(signed_in, hq_admin, osaka_client, nyc):
    """A request carrying both acts as the API client, never with the session's wider reach."""
    _client, token = osaka_client
    client = signed_in(hq_admin)

    response = client.get("/api/v1/offices/NYC/", headers={"Authorization": f"Bearer {token}"})

    assert_problem(response, 404)
