"""Bad input is a clear 4xx problem, never a 500 and never an HTML page under /api/.

Deep nesting, huge lists and huge bodies are refused before any serializer sees them;
control characters in a URL never reach the database (PostgreSQL refuses NUL outright,
so on CI's PostgreSQL run these tests are what stands between a crafted URL and a 500).
"""

import json
import uuid
from unittest import mock

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from consular.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from consular.api.parsers import MAX_BODY_BYTES, MAX_DEPTH, MAX_ITEMS
from consular.api.problems import csrf_failure
from consular.identity.models import Person
from consular.offices.models import Holiday, Role
from consular.offices.scoping import Actor
from consular.workflow.actions import open_case
from tests.api.conftest import assert_problem, send_json
from tests.identity.factories import PersonFactory
from tests.passports.factories import fee_schedule, submit

DEEP = "[" * 1500 + "]" * 1500


@pytest.fixture
def osaka_api(api, osaka_client):
    return api(osaka_client[1])


@pytest.fixture
def json_endpoints(osaka, osaka_api, osaka_client, nyc, nyc_supervisor, signed_in, hq) -> list[tuple]:
    """Every route that takes a JSON body, as (client, method, path) for a caller who may use it."""
    fee_schedule()
    osaka_system = Actor(office=osaka, role=Role.OFFICER, api_client=osaka_client[0])
    application = submit(osaka_system, PersonFactory(created_by_office=osaka))
    case = open_case("enquiry", person=PersonFactory(created_by_office=osaka), by=osaka_system)
    holiday = Holiday.unscoped.create(office=nyc, date="2027-07-05", name="Independence Day (observed)")
    supervisor = signed_in(nyc_supervisor)
    passport = f"/api/v1/passports/applications/{application.case.reference}/"
    return [
        (osaka_api, "post", "/api/v1/persons/"),
        (osaka_api, "post", "/api/v1/persons/search/"),
        (supervisor, "post", "/api/v1/offices/NYC/holidays/"),
        (supervisor, "put", f"/api/v1/offices/NYC/holidays/{holiday.pk}/"),
        (supervisor, "patch", f"/api/v1/offices/NYC/holidays/{holiday.pk}/"),
        (osaka_api, "post", f"/api/v1/cases/{case.reference}/transitions/"),
        (osaka_api, "post", "/api/v1/passports/applications/"),
        (osaka_api, "post", f"{passport}documents/"),
        (osaka_api, "post", f"{passport}checklist/photo/verification/"),
        (osaka_api, "post", f"{passport}payment/"),
        (osaka_api, "post", f"{passport}transitions/"),
        (osaka_api, "post", f"{passport}collection/"),
    ]


def send(client, method: str, path: str, body: str | bytes):
    return send_json(client, method, path, body, **{"Idempotency-Key": str(uuid.uuid4()), "If-Match": "*"})


# Nesting, list length, size


def test_json_nested_1500_deep_is_a_400_problem_on_every_json_endpoint(json_endpoints):
    for client, method, path in json_endpoints:
        body = assert_problem(send(client, method, path, DEEP), 400)
        assert body["type"].endswith("/too-deep"), (method, path)


def test_json_nested_past_the_limit_is_a_400_naming_the_field(osaka_api):
    nested: object = "x"
    for _level in range(MAX_DEPTH + 1):
        nested = {"a": nested}

    body = assert_problem(send(osaka_api, "post", "/api/v1/persons/search/", json.dumps({"q": nested})), 400)

    (error,) = body["errors"]
    assert error["code"] == "too_deep" and error["field"].startswith("q.a.a.")


def test_json_within_the_depth_limit_reaches_the_serializer(osaka_api):
    nested: object = "x"
    for _level in range(MAX_DEPTH - 2):
        nested = [nested]

    body = assert_problem(send(osaka_api, "post", "/api/v1/persons/search/", json.dumps({"q": nested})), 400)

    assert [error["field"] for error in body["errors"]] == ["q"]  # the serializer's "not a valid string"


def test_a_list_past_the_limit_is_a_400_naming_the_field_and_saves_nothing(osaka_api, osaka):
    person = {"family_name": "ONO", "sex": "F", "birth_year": 1984, "nationalities": ["JPN"] * (MAX_ITEMS + 1)}

    body = assert_problem(send(osaka_api, "post", "/api/v1/persons/", json.dumps(person)), 400)

    assert [(error["field"], error["code"]) for error in body["errors"]] == [("nationalities", "too_long")]
    assert not Person.unscoped.exists()


def test_a_7_mb_body_is_a_413_before_anything_is_parsed(osaka_api, osaka):
    body = json.dumps({"q": "ONO", "padding": list(range(1_000_000))})
    assert len(body) > 6_000_000

    with mock.patch("consular.api.parsers.load_json", side_effect=AssertionError("parsed")):
        response = send(osaka_api, "post", "/api/v1/persons/search/", body)

    problem = assert_problem(response, 413)
    assert str(MAX_BODY_BYTES) in problem["detail"]


def test_a_write_past_the_limit_is_a_413_before_its_body_is_read_for_the_idempotency_fingerprint(osaka_api, osaka):
    body = json.dumps({"family_name": "ONO", "padding": "x" * MAX_BODY_BYTES})

    with mock.patch("consular.api.idempotency._fingerprint", side_effect=AssertionError("read")):
        response = send(osaka_api, "post", "/api/v1/persons/", body)

    assert_problem(response, 413)
    assert not Person.unscoped.exists()


def test_a_body_just_over_the_limit_is_a_413_on_every_small_endpoint(json_endpoints):
    body = json.dumps({"note": "x" * MAX_BODY_BYTES})
    for client, method, path in json_endpoints:
        if path == "/api/v1/passports/applications/" or path.endswith("/documents/"):
            continue
        assert_problem(send(client, method, path, body), 413)


def test_the_photo_and_scan_endpoints_take_bodies_past_the_small_limit(osaka_api, json_endpoints):
    padding = json.dumps({"kind": "new", "validity_years": 10, "note": "x" * (MAX_BODY_BYTES * 2)})
    document = json.dumps({"item": "family_register", "file": "QUJD" * (MAX_BODY_BYTES // 2)})
    passport = next(path for _client, _method, path in json_endpoints if path.endswith("/documents/"))

    created = send(osaka_api, "post", "/api/v1/passports/applications/", padding)
    uploaded = send(osaka_api, "post", passport, document)

    # Parsed and checked field by field: the note is too long, the scan is not a PDF, JPEG or PNG.
    assert [error["field"] for error in assert_problem(created, 400)["errors"]] == ["note"]
    assert [error["field"] for error in assert_problem(uploaded, 422)["errors"]] == ["file"]


def test_a_million_item_list_on_the_photo_endpoint_is_a_400_naming_the_field(osaka_api, osaka):
    body = json.dumps({"kind": "new", "validity_years": 10, "person": 1, "extra": list(range(1_000_000))})

    problem = assert_problem(send(osaka_api, "post", "/api/v1/passports/applications/", body), 400)

    assert [(error["field"], error["code"]) for error in problem["errors"]] == [("extra", "too_long")]


@pytest.mark.parametrize("text", ['"\\ud800"', '{"\\udfff": 1}', "NaN", '{"limit": Infinity}'])
def test_json_that_no_database_can_store_is_a_400(osaka_api, osaka, text):
    assert_problem(send(osaka_api, "post", "/api/v1/persons/search/", text), 400)


def test_a_passkey_message_nested_1500_deep_is_a_400_not_a_500(nyc_clerk):
    past_the_password = Client()
    past_the_password.force_login(nyc_clerk)
    session = past_the_password.session
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = timezone.now().isoformat()
    session.save()

    response = past_the_password.post("/webauthn/authentication/begin/", data=DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"


# Control characters in the URL


@pytest.mark.parametrize("path", ["/api/v1/cases/%00/", "/api/v1/persons/%00/", "/api/v1/offices/%00/holidays/",
                                  "/api/v1/passports/applications/P%0A1/", "/api/v1/cases/%C2%85/transitions/"])
def test_a_control_character_in_an_api_path_is_a_404_problem(osaka_api, osaka, path):
    assert_problem(osaka_api.get(path), 404)
    assert_problem(send(osaka_api, "post", path, "{}"), 404)


@pytest.mark.parametrize("query", ["cursor=%00", "status=%00", "page_size=1%00", "case_type=a%1Fb"])
def test_a_control_character_in_an_api_query_is_a_400_problem(osaka_api, osaka, query):
    body = assert_problem(osaka_api.get(f"/api/v1/cases/?{query}"), 400)
    assert body["type"].endswith("/invalid-query")


@pytest.mark.parametrize("path", ["/cases/%00/", "/persons/%00/", "/passports/%00/", "/persons/?q=%00"])
def test_a_control_character_in_a_page_url_is_a_plain_400_page(signed_in, nyc_clerk, path):
    response = signed_in(nyc_clerk).get(path)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store, private"


# Unrouted writes and CSRF


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_an_unrouted_api_url_is_a_404_problem_even_with_a_session_and_no_csrf_token(
    method, nyc_clerk, signed_in
):
    session = signed_in(nyc_clerk)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = session.cookies

    for client in (browser, Client(enforce_csrf_checks=True)):
        response = getattr(client, method)("/api/v1/no-such-thing/", data="{}", content_type="application/json")
        assert_problem(response, 404)


def test_a_session_write_without_the_csrf_token_is_a_403_problem(nyc_supervisor, signed_in):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = signed_in(nyc_supervisor).cookies

    response = send_json(browser, "post", "/api/v1/offices/NYC/holidays/", {"date": "2027-01-01", "name": "New Year"},
                         **{"Idempotency-Key": str(uuid.uuid4())})

    assert_problem(response, 403)
    assert not Holiday.unscoped.exists()


def test_a_failed_csrf_check_is_a_403_problem_under_api_and_the_html_page_elsewhere():
    api = csrf_failure(RequestFactory().post("/api/v1/persons/"), reason="CSRF cookie not set.")
    page = csrf_failure(RequestFactory().post("/persons/new/"), reason="CSRF cookie not set.")

    assert api.status_code == page.status_code == 403
    assert api["Content-Type"] == "application/problem+json"
    assert json.loads(api.content)["type"].endswith("/csrf-failed")
    assert page["Content-Type"].startswith("text/html")
