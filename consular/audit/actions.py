"""Writing the audit log: the only way entries are made."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone, translation

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
    kept = _reads_to_keep.get()
    if kept is not None and action == Action.READ:
        kept.append(entry)
    return entry


# Reads recorded while a request runs inside a transaction that may roll back (an API POST whose
# answer is a 4xx undoes its writes, idempotency record included), collected to be written again.
_reads_to_keep: ContextVar[list[AuditEntry] | None] = ContextVar("reads_to_keep", default=None)


@contextmanager
def reads_survive_rollback() -> Iterator[None]:
    """Around a transaction that may be rolled back: the READ entries it recorded are kept anyway.

    A read happened even when the request's writes are undone (a duplicate check answered 409,
    a probe refused), and the audit log must say so. Entries of writes are not kept: those
    writes never happened. Re-written entries carry the time they are re-written, a moment later.
    """
    token = _reads_to_keep.set([])
    try:
        yield
    finally:
        entries = _reads_to_keep.get() or []
        _reads_to_keep.reset(token)
        present = set(AuditEntry.unscoped.filter(pk__in=[e.pk for e in entries]).values_list("pk", flat=True))
        for entry in entries:
            if entry.pk not in present:
                entry.pk = None
                entry.save()


def probe_fingerprint(*parts: object) -> str:
    """A short hash of what a probe asked, so repeats of one question can be told apart from new guesses."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:16]


def record_probe(*, by: Actor, kind: str, fingerprint: str, request: HttpRequest | None = None,
                 changes: dict[str, Any] | None = None) -> AuditEntry:
    """An audited read that counts towards `recent_probes` (a lookup that missed, a near-miss duplicate check)."""
    return record(by=by, action=Action.READ, request=request, object_repr=kind,
                  changes={**(changes or {}), "probe": fingerprint})


def recent_probes(*, by: Actor, kind: str, within: timedelta = timedelta(hours=1), distinct: bool = False) -> int:
    """How many `kind` probes this principal made in the last `within` (distinct questions only, if asked).

    Counted from the audit log itself, so the limit holds across every web process and worker
    and cannot be reset by clearing a cache.
    """
    entries = AuditEntry.unscoped.filter(username=by.name, object_repr=kind, at__gte=timezone.now() - within)
    if not distinct:
        return entries.count()
    return len(set(entries.values_list("changes__probe", flat=True)))


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
