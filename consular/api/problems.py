"""Every API error as RFC 9457 problem details (`application/problem+json`).

400 means the request does not match the published schema (a field missing, of the wrong
JSON type, too long, not one of the listed values; `errors` names each); 422 means it does
match but cannot be done (a date that does not exist, a rule that refuses it, an id that
names nothing the caller may see). A request the schema allows is therefore never a 400.
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.csrf import csrf_failure as page_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://consular.example/problems/"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "This write needs an If-Match header with the ETag from your last read."
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it. Read it again and retry."
    default_code = "precondition_failed"


class UnprocessableRequest(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be processed."
    default_code = "unprocessable"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class Unprocessable(exceptions.ValidationError):
    """Field errors on a request the schema allows: what an action or the model refuses (422, with `errors`)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


def field_errors(error: ModelValidationError, rename: dict[str, str] | None = None) -> dict:
    """An action's ValidationError as field errors (`non_field_errors` for the rest), for a 422."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        return {rename.get(field, field): messages for field, messages in error.message_dict.items()}
    return {"non_field_errors": error.messages}


class MalformedBody(exceptions.ParseError):
    """A JSON body past a structural limit (nesting, list length): 400, naming the field when known."""

    def __init__(self, detail: str, code: str, field: str | None = None) -> None:
        super().__init__(detail, code)
        self.errors = [{"field": field, "message": detail, "code": code}] if field is not None else None


def problem(status_code: int, detail: str, code: str, errors: dict | list | None = None) -> dict:
    body = {
        "type": PROBLEM_BASE + code.replace("_", "-"),
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is larger than this API accepts."
    default_code = "payload_too_large"


def exception_handler(exc, context):
    # Imported here: rest_framework.views loads the parser classes from settings, and our parser imports this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Unprocessable):
        body = problem(response.status_code, "The request is well-formed but cannot be processed.",
                       "unprocessable_content", _errors(exc.detail))
    elif isinstance(exc, exceptions.ValidationError):
        body = problem(response.status_code, "The request has invalid fields.", "validation_error", _errors(exc.detail))
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        body = problem(response.status_code, str(detail), code, getattr(exc, "errors", None))
    request = context.get("request")
    if request is not None:
        # A problem is JSON whatever the view renders otherwise (the schema's YAML, the docs' HTML).
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
    return Response(body, status=response.status_code, headers=_kept_headers(response),
                    content_type=PROBLEM_CONTENT_TYPE)


def _kept_headers(response: Response) -> dict:
    return {name: response[name] for name in ("WWW-Authenticate", "Retry-After", "Allow") if response.has_header(name)}


def _errors(detail) -> list[dict]:
    """Flatten DRF's nested error dict to [{"field": "a.b", "message": …, "code": …}]."""
    flat: list[dict] = []

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, path if not isinstance(inner, dict | list) else f"{path}[{index}]")
        else:
            field = path or "non_field_errors"
            flat.append({"field": field, "message": str(value), "code": getattr(value, "code", "invalid")})

    walk(detail, "")
    return flat


def problem_response(status_code: int, detail: str, code: str) -> JsonResponse:
    """A problem answered outside DRF (middleware, the catch-all route, CSRF)."""
    return JsonResponse(problem(status_code, detail, code), status=status_code, content_type=PROBLEM_CONTENT_TYPE)


# Exempt: the CSRF check would otherwise answer a POST to an unknown /api/ URL with Django's HTML 403 page.
# Nothing happens here that a forged request could abuse.
@csrf_exempt
def not_found_response(request: HttpRequest) -> JsonResponse:
    """For /api/ URLs that match no route, whatever the method: problem details instead of the HTML 404 page."""
    return problem_response(404, "No such resource.", "not_found")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    """CSRF_FAILURE_VIEW: a 403 problem under /api/ (a browser session's write without its token); pages as Django."""
    if request.path_info.startswith("/api/"):
        return problem_response(403, "CSRF check failed: send the X-CSRFToken header with the session's token.",
                                "csrf_failed")
    return page_csrf_failure(request, reason=reason)
