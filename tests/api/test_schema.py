"""The OpenAPI document and its browsable docs, served without any CDN."""

import json
import re

import pytest

SCHEMA_ACCEPT = "application/vnd.oai.openapi+json"


@pytest.fixture
def schema(api, osaka_client) -> dict:
    _client, token = osaka_client
    response = api(token).get("/api/v1/schema/", headers={"Accept": SCHEMA_ACCEPT})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(SCHEMA_ACCEPT)
    return json.loads(response.content)


def header_parameters(operation: dict) -> set[str]:
    return {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "header"}


def test_schema_is_an_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "consular API"


def test_schema_is_also_served_as_json_by_query_parameter(signed_in, nyc_clerk):
    response = signed_in(nyc_clerk).get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_schema_lists_the_holiday_paths(schema):
    assert {"/api/v1/offices/{code}/holidays/", "/api/v1/offices/{code}/holidays/{id}/"} <= set(schema["paths"])


def test_schema_does_not_list_the_catch_all_not_found_route(schema):
    assert all(not path.startswith("/api/v1/{") and ".*" not in path for path in schema["paths"])


def test_adding_a_holiday_documents_a_required_idempotency_key(schema):
    post = schema["paths"]["/api/v1/offices/{code}/holidays/"]["post"]

    assert "Idempotency-Key" in header_parameters(post)
    assert next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")["required"] is True


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_holiday_writes_document_a_required_if_match(schema, method):
    operation = schema["paths"]["/api/v1/offices/{code}/holidays/{id}/"][method]

    assert "If-Match" in header_parameters(operation)


def test_docs_page_is_html_for_a_signed_in_staff_member(signed_in, nyc_clerk):
    response = signed_in(nyc_clerk).get("/api/v1/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger" in response.content.lower()


def test_docs_page_loads_its_assets_from_static_not_a_cdn(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    page = client.get("/api/v1/docs/").content.decode()
    script = client.get("/api/v1/docs/?script").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    for text in (page, script):
        hosts = set(re.findall(r"(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})", text, flags=re.IGNORECASE))
        assert hosts <= {"testserver"}, hosts
    for name in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com"):
        assert name not in page + script


def test_schema_without_credentials_is_a_401_problem_in_json_not_yaml(client, db):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert json.loads(response.content)["status"] == 401


def test_docs_without_credentials_is_a_401_problem_in_json_not_html(client, db):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert json.loads(response.content)["status"] == 401


def test_schema_documents_both_ways_to_authenticate(signed_in, hq_admin):
    schema = signed_in(hq_admin).get("/api/v1/schema/", {"format": "json"}).json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["officeToken"] == {"type": "http", "scheme": "bearer", "description": schemes["officeToken"][
        "description"]}
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_docs_page_has_no_inline_style_or_script_the_csp_would_refuse(signed_in, hq_admin):
    response = signed_in(hq_admin).get("/api/v1/docs/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<style" not in body
    assert "<script>" not in body, "scripts come from files (the split view), never inline"


# The schema describes what the server does (issue 8, finding 7)


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_problem_status_is_problem_json_with_the_shared_problem_shape(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert problem["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/ProblemFieldError"}
    for path, method, operation in operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                assert list(response["content"]) == ["application/problem+json"], (path, method, status)


def test_every_operation_lists_the_statuses_the_shared_machinery_answers(schema):
    for path, method, operation in operations(schema):
        statuses = set(operation["responses"])
        assert {"400", "401", "403", "406", "429"} <= statuses, (path, method)
        if "requestBody" in operation:
            assert {"413", "415", "422"} <= statuses, (path, method)
        headers = header_parameters(operation)
        if "Idempotency-Key" in headers:
            assert {"409", "422"} <= statuses, (path, method)
        if "If-Match" in headers:
            assert {"412", "428"} <= statuses, (path, method)
        if "{" in path:
            assert "404" in statuses, (path, method)


def test_the_idempotency_key_is_documented_with_the_bounds_the_server_enforces(schema):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "Idempotency-Key":
                assert parameter["schema"]["minLength"] == 1 and parameter["schema"]["maxLength"] == 200
                assert parameter["schema"]["pattern"] == "^[!-~]{1,200}$", (path, method)


def test_page_size_bounds_in_the_schema_are_the_servers(schema):
    bounds = {}
    for path, _method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "page_size":
                bounds[path] = (parameter["schema"]["minimum"], parameter["schema"]["maximum"])
    assert bounds == {
        "/api/v1/cases/": (1, 200),
        "/api/v1/offices/": (1, 200),
        "/api/v1/offices/{code}/holidays/": (1, 200),
        "/api/v1/passports/applications/": (1, 200),
        "/api/v1/passports/invalidated/": (1, 1000),
        "/api/v1/visas/applications/": (1, 200),
    }


def test_the_person_search_is_a_post_without_idempotency_key_and_persons_has_no_get(schema):
    search = schema["paths"]["/api/v1/persons/search/"]
    assert set(search) == {"post"}
    assert "Idempotency-Key" not in header_parameters(search["post"])
    assert set(schema["paths"]["/api/v1/persons/"]) == {"post"}


def test_a_likely_duplicate_answer_is_documented_as_a_problem_listing_them(schema):
    conflict = schema["paths"]["/api/v1/persons/"]["post"]["responses"]["409"]["content"]["application/problem+json"]
    assert conflict["schema"] == {"$ref": "#/components/schemas/LikelyDuplicatesProblem"}
    duplicate = schema["components"]["schemas"]["LikelyDuplicate"]
    assert {"score", "reasons", "person"} <= set(duplicate["properties"])


def test_request_bodies_publish_what_the_server_refuses_in_text(schema):
    person = schema["components"]["schemas"]["NewPersonRequest"]["properties"]
    assert person["family_name"]["pattern"].startswith("^[^\\u0000]*[^\\u0000")
    assert person["nationalities"]["maxItems"] == 10
    assert person["birth_year"]["type"] == "integer"


def test_links_hand_an_applications_reference_and_etag_to_every_write(schema):
    created = schema["paths"]["/api/v1/passports/applications/"]["post"]["responses"]["201"]["links"]
    payment = created["passport_application_payment_create"]
    assert payment["parameters"] == {
        "path.reference": "$response.body#/reference",
        "header.If-Match": "$response.header.ETag",
    }
    recorded = schema["paths"]["/api/v1/persons/"]["post"]["responses"]["201"]["links"]
    assert recorded["passport_applications_create"]["requestBody"] == {"person": "$response.body#/id"}
    assert recorded["persons_retrieve"]["parameters"] == {"path.id": "$response.body#/id"}
