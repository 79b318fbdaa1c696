"""`Idempotency-Key` on POST: a retry gets the first response and creates nothing twice.

The key is claimed by inserting its row in the same transaction as the work, so two
concurrent requests with one key cannot both run: the second waits on the unique
index, then replays what the first stored (or, if it is still running, gets a 409).
The same key with a different request body is a 422.
"""

import hashlib
import json
import re
from datetime import datetime, timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from consular.api.models import IdempotencyRecord
from consular.api.parsers import body_limit
from consular.api.problems import Conflict, PayloadTooLarge, UnprocessableRequest
from consular.audit.actions import reads_survive_rollback
from consular.offices.scoping import request_actor

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
STORED_HEADERS = ("Location", "ETag")


# As the schema publishes it (consular.api.schema.IDEMPOTENCY_KEY): 1 to 200 visible ASCII characters.
KEY = re.compile(r"[!-~]{1,200}")


class MissingIdempotencyKey(UnprocessableRequest):
    status_code = 400
    default_detail = (
        "POST requests need an Idempotency-Key header: a unique value per intended change (e.g. a UUID), "
        "1 to 200 visible ASCII characters."
    )
    default_code = "idempotency_key_missing"


def _principal(request) -> str:
    actor = request_actor(request._request)
    if actor is not None and actor.api_client is not None:
        return f"client:{actor.api_client.pk}"
    return f"user:{request.user.pk}"


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.get_full_path().encode())
    digest.update(request.body)
    return digest.hexdigest()


def idempotent(post):
    """Decorate an APIView's `post`."""

    @wraps(post)
    def wrapper(view, request, *args, **kwargs):
        # Servers drop the spaces around a header value (RFC 9110 §5.5); the test client does not.
        key = request.headers.get(HEADER, "").strip(" \t")
        if not KEY.fullmatch(key):
            raise MissingIdempotencyKey()
        # The fingerprint reads the whole body: refuse one past the view's limit before reading it.
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > body_limit(view):
            raise PayloadTooLarge(f"The request body is larger than this endpoint accepts ({body_limit(view)} bytes).")
        fingerprint = _fingerprint(request)
        principal = _principal(request)
        # A 4xx answer rolls everything back, but what the request read stays read: keep its audit entries.
        with reads_survive_rollback(), transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        principal=principal, key=key, method=request.method,
                        path=request.get_full_path()[:500], request_hash=fingerprint,
                    )
            except IntegrityError:
                return _replay(IdempotencyRecord.objects.get(principal=principal, key=key), fingerprint)
            try:
                response = post(view, request, *args, **kwargs)
            except Exception as exc:
                response = view.handle_exception(exc)
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
            record.response_headers = {h: response[h] for h in STORED_HEADERS if response.has_header(h)}
            record.save(update_fields=["status_code", "response_body", "response_headers"])
            # A failed validation changed nothing: let the client fix the body and reuse the key.
            if 400 <= response.status_code < 500:
                transaction.set_rollback(True)
            return response

    return wrapper


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise UnprocessableRequest(
            "This Idempotency-Key was already used with a different request. Use a new key for a new change.",
            code="idempotency_key_reused",
        )
    if record.status_code is None:
        raise Conflict("A request with this Idempotency-Key is still being processed. Retry shortly.",
                       code="idempotency_key_in_progress")
    headers = dict(record.response_headers)
    headers[REPLAYED_HEADER] = "true"
    return Response(record.response_body, status=record.status_code, headers=headers)


# Clients retry within minutes; a day leaves room for a system that was down overnight.
KEEP_FOR = timedelta(hours=24)


def purge_expired_records(*, now: datetime | None = None) -> int:
    """Forget keys older than KEEP_FOR; a key reused after that is a new request."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
