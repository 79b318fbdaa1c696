"""How the OpenAPI schema describes the API's conventions: authentication, the headers every write
takes, and the problem answers every operation can give.

Views declare their own successes and the failures they want to explain; `document_problems`
(a drf-spectacular postprocessing hook) then adds every status the shared machinery can
answer — authentication, permissions, throttling, content negotiation, body limits,
idempotency, If-Match — so that the schema lists each status the server can return, each
with an `application/problem+json` body.
"""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from consular.api.problems import PROBLEM_CONTENT_TYPE

# What the server takes as an Idempotency-Key (consular.api.idempotency checks the same): visible ASCII.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,200}$"
IDEMPOTENCY_KEY_MAX_LENGTH = 200

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH, "pattern": IDEMPOTENCY_KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "A unique value per intended change (e.g. a UUID): 1 to 200 visible ASCII characters. A retry with the "
        "same key returns the first response; the same key with another body is a 422."
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="The ETag from your last read of this resource. Stale: 412; missing: 428.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="The ETag you hold: 304 while the resource is unchanged.",
)

PROBLEM_FIELD_ERROR = {
    "type": "object",
    "properties": {
        "field": {"type": "string", "description": "Dotted path of the field, e.g. `new_person.birth_day`."},
        "message": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["field", "message", "code"],
}
PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemFieldError"},
                   "description": "One per invalid field (400 and 422)."},
    },
    "required": ["type", "title", "status", "detail"],
}

# For a view that gives a problem status its own examples: the same component as PROBLEM above.
PROBLEM_BODY = inline_serializer(
    "Problem",
    {
        "type": serializers.URLField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "errors": inline_serializer(
            "ProblemFieldError",
            {"field": serializers.CharField(), "message": serializers.CharField(), "code": serializers.CharField()},
            many=True,
            required=False,
        ),
    },
)

DUPLICATES_PROBLEM = inline_serializer(
    "LikelyDuplicatesProblem",
    {
        "type": serializers.URLField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "duplicates": inline_serializer(
            "LikelyDuplicate",
            {
                "score": serializers.FloatField(),
                "reasons": serializers.ListField(child=serializers.CharField()),
                "person": serializers.DictField(allow_null=True, help_text="A person as GET /api/v1/persons/{id}/ "
                                                "shows it."),
            },
            many=True,
        ),
    },
)

# Status → what it means wherever the shared machinery answers it.
MEANINGS = {
    400: "The request does not match this schema (`errors` names each field), or its query string has control "
         "characters.",
    401: "No credentials, or a token that is unknown or revoked.",
    403: "Your role or office may not do this (auditors only read).",
    404: "No such resource at your office (another office's is a 404 too), or a cursor that is no longer valid.",
    406: "The Accept header names no type this API writes (it writes JSON).",
    409: "The request conflicts with the current state (`detail` says how), or one with the same Idempotency-Key "
         "is still running.",
    412: "If-Match names an older version: read the resource again.",
    413: "The body is larger than this endpoint takes.",
    415: "The body is not JSON (send Content-Type: application/json).",
    422: "The request is well-formed but cannot be done: a field the rule refuses (`errors`), or an Idempotency-Key "
         "already used for another request.",
    428: "If-Match is missing.",
    429: "Too many requests: retry after the Retry-After header's seconds.",
}


def statuses_for(method: str, path: str, operation: dict) -> set[int]:
    """Every problem status the shared machinery can answer for this operation."""
    parameters = {(parameter["in"], parameter["name"]) for parameter in operation.get("parameters", [])}
    found = {400, 401, 403, 406, 429}
    if "{" in path or ("query", "cursor") in parameters:
        found.add(404)
    if "requestBody" in operation:
        found |= {413, 415, 422}
    if ("header", "Idempotency-Key") in parameters:
        found |= {409, 422}
    if ("header", "If-Match") in parameters:
        found |= {412, 428}
    if method in {"put", "patch"}:
        found.add(409)
    return found


def document_problems(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: every problem status on every operation, each as application/problem+json."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM
    schemas["ProblemFieldError"] = PROBLEM_FIELD_ERROR
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in statuses_for(method, path, operation):
                responses.setdefault(str(status), {"description": MEANINGS[status]})
            for status, response in responses.items():
                if status.startswith("4"):
                    _as_problem(response)
            operation["responses"] = dict(sorted(responses.items()))
    return result


# OpenAPI links (https://spec.openapis.org/oas/v3.0.3#link-object): what a response hands to the next request,
# so that a client generator, and the stateful phase of CI's fuzzing, can follow create → read → change.
# drf-spectacular has no way to declare them on a view; each app lists its own and adds them with link().
ETAG = "$response.header.ETag"


def link(result: dict, source: str, status: int, target: str, parameters: dict[str, str],
         request_body: dict | None = None) -> None:
    """Add a link from operation `source`'s `status` response to operation `target` (both by operationId)."""
    operations = {operation["operationId"]: operation
                  for methods in result["paths"].values() for operation in methods.values()}
    if target not in operations:
        raise KeyError(f"no operation {target!r} to link to")
    definition: dict = {"operationId": target, "parameters": parameters}
    if request_body is not None:
        definition["requestBody"] = request_body
    operations[source]["responses"][str(status)].setdefault("links", {})[target] = definition


def link_core_operations(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: the links between the core's operations (persons, offices, holidays, cases)."""
    link(result, "persons_create", 201, "persons_retrieve", {"path.id": "$response.body#/id"})
    link(result, "persons_search", 200, "persons_retrieve", {"path.id": "$response.body#/results/0/person/id"})
    for source, status in (("persons_create", 201), ("persons_retrieve", 200)):
        for target in ("person_documents_list", "person_documents_create"):
            link(result, source, status, target, {"path.id": "$response.body#/id"})
    for target in ("offices_retrieve", "offices_holidays_list", "offices_holidays_create"):
        link(result, "me_retrieve", 200, target, {"path.code": "$response.body#/office/code"})
    holiday = {"path.code": "$response.body#/office", "path.id": "$response.body#/id"}
    link(result, "offices_holidays_create", 201, "offices_holidays_retrieve", holiday)
    for source, status in (("offices_holidays_create", 201), ("offices_holidays_retrieve", 200)):
        for target in ("offices_holidays_update", "offices_holidays_partial_update", "offices_holidays_destroy"):
            link(result, source, status, target, holiday | {"header.If-Match": ETAG})
    link(result, "cases_list", 200, "cases_retrieve_one", {"path.reference": "$response.body#/results/0/reference"})
    for source in ("cases_retrieve_one", "cases_transitions_create"):
        link(result, source, 200, "cases_transitions_create", {"path.reference": "$response.body#/reference"},
             {"transition": "$response.body#/transitions/0/name", "version": "$response.body#/version"})
    link(result, "cases_transitions_create", 200, "cases_retrieve_one", {"path.reference": "$response.body#/reference"})
    return result


def _as_problem(response: dict) -> None:
    """A 4xx response's body is problem details: its own schema if the view gave one, else Problem."""
    content = response.get("content", {})
    described = content.pop("application/json", None) or content.pop(PROBLEM_CONTENT_TYPE, None) or {}
    described.setdefault("schema", {"$ref": "#/components/schemas/Problem"})
    response["content"] = {PROBLEM_CONTENT_TYPE: described}


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "consular.api.authentication.ApiClientTokenAuthentication"
    name = "officeToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An office system's token from `manage.py create_api_client`.",
        }


class VerifiedSessionScheme(SessionScheme):
    target_class = "consular.api.authentication.VerifiedSessionAuthentication"
