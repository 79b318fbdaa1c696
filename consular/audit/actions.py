"""Writing the audit log: the only way entries are made."""

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import translation

from consular.accounts.addresses import client_ip
from consular.audit.models import AuditEntry
from consular.offices.scoping import Actor

Action = AuditEntry.Action


def record(
    *,
    by: Actor | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    username: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry. `username` names the principal when there is no actor yet (sign-in)."""
    entry = AuditEntry(
        action=action,
        changes=changes or {},
        ip_address=client_ip(request) if request is not None else "",
        username=username,
        object_repr=object_repr,
    )
    if by is not None:
        entry.username = by.name
        entry.user_id = by.user.pk if by.user is not None else None
        entry.office_code = by.office.code
        entry.role = by.role
    if target is not None:
        entry.object_type = target._meta.label_lower
        entry.object_id = str(target.pk)
        # One language in the log whatever the clerk's UI language, so searches find every entry.
        with translation.override("en"):
            entry.object_repr = object_repr or str(target)[:300]
    entry.save()
    return entry


def record_listing(*, by: Actor, request: HttpRequest, what: str, person_ids) -> None:
    """A list page showed persons' names: one READ entry per page says who saw which persons."""
    person_ids = sorted({str(pk) for pk in person_ids})
    if person_ids:
        record(by=by, action=Action.READ, request=request, object_repr=what, changes={"persons": " ".join(person_ids)})


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed, as JSON-safe strings."""
    fields = list(old) + [field for field in new if field not in old]
    return {
        field: [_plain(old.get(field)), _plain(new.get(field))] for field in fields if old.get(field) != new.get(field)
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
