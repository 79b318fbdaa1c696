"""Every API error is RFC 9457 problem details, and a rejected write saves nothing."""

import json

from consular.audit.models import AuditEntry
from consular.offices.models import Holiday
from tests.api.conftest import add_holiday, assert_problem, send_json


def test_malformed_json_body_is_a_400_problem_and_saves_nothing(signed_in, nyc_supervisor, nyc):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", '{"date": "2027-01-01", "name": ')

    assert_problem(response, 400)
    assert not Holiday.unscoped.exists()
    assert not AuditEntry.unscoped.filter(object_type="offices.holiday").exists()


def test_missing_field_is_a_400_problem_naming_the_field_and_saves_nothing(signed_in, nyc_supervisor, nyc):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", {"date": "2027-01-01"})

    body = assert_problem(response, 400)
    assert [(error["field"], error["code"]) for error in body["errors"]] == [("name", "required")]
    assert body["errors"][0]["message"]
    assert not Holiday.unscoped.exists()


def test_invalid_field_is_a_400_problem_with_its_code_and_saves_nothing(signed_in, nyc_supervisor, nyc):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", {"date": "not a date", "name": "New Year"})

    body = assert_problem(response, 400)
    assert [(error["field"], error["code"]) for error in body["errors"]] == [("date", "invalid")]
    assert body["errors"][0]["message"]
    assert not Holiday.unscoped.exists()


def test_every_invalid_field_is_listed(signed_in, nyc_supervisor, nyc):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", {"date": "2027-13-01", "name": "x" * 201})

    body = assert_problem(response, 400)
    assert sorted(error["field"] for error in body["errors"]) == ["date", "name"]


def test_second_holiday_on_the_same_day_is_a_409_problem_and_saves_nothing(signed_in, nyc_supervisor, nyc_holiday):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", {"date": str(nyc_holiday.date), "name": "Again"})

    body = assert_problem(response, 409)
    assert [error["field"] for error in body["errors"]] == ["date"]
    assert Holiday.unscoped.count() == 1


def test_unknown_token_is_a_401_problem_with_a_bearer_challenge(api, nyc):
    response = api("csk_not_a_real_token").get("/api/v1/offices/")

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bearer_header_without_a_token_is_a_401_problem(nyc):
    from django.test import Client

    response = Client(headers={"Authorization": "Bearer "}).get("/api/v1/offices/")

    assert_problem(response, 401)


def test_no_credentials_is_a_401_problem_with_a_bearer_challenge(client, nyc):
    response = client.get("/api/v1/offices/")

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_credentials_on_a_write_is_a_401_problem_and_saves_nothing(client, nyc):
    response = add_holiday(client, "NYC", {"date": "2027-01-01", "name": "New Year"})

    assert_problem(response, 401)
    assert not Holiday.unscoped.exists()


def test_unknown_api_url_is_a_404_problem_not_an_html_page(api, osaka_client):
    _client, token = osaka_client

    response = api(token).get("/api/v1/nonexistent/")

    body = assert_problem(response, 404)
    assert body["type"].endswith("/not-found")


def test_unknown_api_url_is_a_404_problem_even_without_credentials(client, db):
    response = client.get("/api/v1/nonexistent/deeper/")

    assert_problem(response, 404)


def test_unknown_holiday_is_a_404_problem(api, osaka_client):
    _client, token = osaka_client

    response = api(token).get("/api/v1/offices/OSA/holidays/999999/")

    assert_problem(response, 404)


def test_wrong_method_is_a_405_problem_naming_the_allowed_ones(api, osaka_client):
    _client, token = osaka_client

    response = api(token).delete("/api/v1/offices/OSA/")

    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_problem_type_is_derived_from_the_error_code(signed_in, nyc_supervisor, nyc):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", {"date": "2027-01-01"})

    assert json.loads(response.content)["type"] == "https://consular.example/problems/validation-error"


def test_malformed_json_in_a_change_is_a_400_problem_and_changes_nothing(signed_in, nyc_supervisor, nyc_holiday):
    url = f"/api/v1/offices/NYC/holidays/{nyc_holiday.pk}/"

    response = send_json(signed_in(nyc_supervisor), "patch", url, '{"name": ', **{"If-Match": f'"{nyc_holiday.pk}-1"'})

    assert_problem(response, 400)
    nyc_holiday.refresh_from_db()
    assert (nyc_holiday.name, nyc_holiday.version) == ("Independence Day (observed)", 1)


def test_a_body_over_the_upload_limit_is_a_413_problem_and_saves_nothing(signed_in, nyc_supervisor, nyc, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = add_holiday(signed_in(nyc_supervisor), "NYC", {"date": "2027-01-01", "name": "x" * 2_000})

    assert_problem(response, 413)
    assert not Holiday.unscoped.exists()
