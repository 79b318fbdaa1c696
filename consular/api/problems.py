"""Every API error as RFC 9457 problem details (`application/problem+json`)."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = problem(response.status_code, "The request has invalid fields.", "validation_error", _errors(exc.detail))
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        body = problem(response.status_code, str(detail), code)
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


def not_found_response(request) -> JsonResponse:
    """For /api/ URLs that match no route: problem details instead of the HTML 404 page."""
    return JsonResponse(problem(404, "No such resource.", "not_found"), status=404, content_type=PROBLEM_CONTENT_TYPE)
