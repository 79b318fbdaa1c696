"""One request budget per principal: past it, a 429 problem that says when to come back."""

import pytest

from consular.api.throttling import PrincipalRateThrottle
from tests.api.conftest import assert_problem


@pytest.fixture(autouse=True)
def _three_a_minute(monkeypatch):
    # DRF copies the rates onto the throttle class at import time, so overriding settings is not enough.
    monkeypatch.setattr(PrincipalRateThrottle, "THROTTLE_RATES", {"principal": "3/minute"})


def test_fourth_request_in_a_minute_is_a_429_problem_with_retry_after(api, osaka_client):
    _client, token = osaka_client
    client = api(token)

    statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]
    response = client.get("/api/v1/me/")

    assert statuses == [200, 200, 200]
    body = assert_problem(response, 429)
    assert body["type"].endswith("/throttled")
    assert 0 < int(response["Retry-After"]) <= 60


def test_staff_member_has_a_budget_too(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200

    assert_problem(client.get("/api/v1/offices/"), 429)


def test_one_principal_spending_its_budget_leaves_another_unthrottled(api, osaka_client, signed_in, nyc_clerk):
    _client, token = osaka_client
    for _ in range(4):
        api(token).get("/api/v1/me/")

    assert api(token).get("/api/v1/me/").status_code == 429
    assert signed_in(nyc_clerk).get("/api/v1/me/").status_code == 200


def test_two_clients_of_one_office_have_separate_budgets(api, osaka_client, osaka):
    from tests.factories import make_api_client

    _first, first_token = osaka_client
    _second, second_token = make_api_client(osaka, "Osaka backup system")
    for _ in range(4):
        api(first_token).get("/api/v1/me/")

    assert api(second_token).get("/api/v1/me/").status_code == 200
