"""Optimistic concurrency: a write names the version it read, and a stale one is refused."""

from typing import Any

from django.db import models
from django.db.models import F


class StaleVersion(Exception):
    """The row changed since the writer read it; their input must not overwrite it."""

    def __init__(self, current_version: int | None) -> None:
        super().__init__(f"stale version; current is {current_version}")
        self.current_version = current_version


def update_if_current(instance: models.Model, expected_version: int, **fields: Any) -> None:
    """Write `fields` only if the row still has `expected_version`, bumping it; else StaleVersion.

    A conditional UPDATE rather than SELECT … FOR UPDATE: one statement, so two
    writers with the same version cannot both win on SQLite or PostgreSQL.
    """
    manager = type(instance)._base_manager
    updated = manager.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1, **fields)
    if not updated:
        current = manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        raise StaleVersion(current)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.version = expected_version + 1
