"""ETag on reads, If-Match on writes: a stale write is a 412, a write without If-Match a 428."""

from django.db import models

from consular.api.problems import PreconditionFailed, PreconditionRequired


def etag_for(instance: models.Model) -> str:
    return f'"{instance.pk}-{instance.version}"'


def expected_version(request, instance: models.Model) -> int:
    """The version the client read, from If-Match; it must be the current one."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags:
        return instance.version
    if etag_for(instance) not in tags:
        raise PreconditionFailed()
    return instance.version
