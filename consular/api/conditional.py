"""ETag on reads, If-Match on writes: a stale write is a 412, a write without If-Match a 428."""

from django.db import models
from rest_framework import status
from rest_framework.response import Response

from consular.api.problems import PreconditionFailed, PreconditionRequired


def etag_for(instance: models.Model) -> str:
    return f'"{instance.pk}-{instance.version}"'


def require_if_match(request, current_etag: str) -> None:
    """If-Match must be present (else 428) and name the current ETag or `*` (else 412)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    tags = [tag.strip() for tag in header.split(",")]
    if "*" not in tags and current_etag not in tags:
        raise PreconditionFailed()


def expected_version(request, instance: models.Model) -> int:
    """The version the client read, from If-Match; it must be the current one."""
    require_if_match(request, etag_for(instance))
    return instance.version


def not_modified(request, current_etag: str) -> Response | None:
    """304 when If-None-Match names the current ETag, else None (read and answer as usual)."""
    if current_etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": current_etag})
    return None
