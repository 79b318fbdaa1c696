"""Writing the audit log: the only way entries are made, and the words entries are made of.

Entries are stored in English and codes whatever the writer's language, so a search finds
every entry and no row ever changes (it is append-only). What an entry says is shown in
the reader's language at display time (`consular.audit.display`): fields and values from
the model's own metadata (verbose names, choices), and everything else from what the writing
code declares next to its write: a `Phrase` for a description without a target ("person
search") and `describe_change` for a change key that is not a field of the target.
"""

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from consular.accounts.addresses import client_ip
from consular.audit.models import AuditEntry
from consular.offices.scoping import Actor

Action = AuditEntry.Action

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern:
    """`case queue: %(queue)s` → a regex that reads `queue` back out of the stored text."""
    parts, position = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


PHRASES: list["Phrase"] = []


class Phrase:
    """An English description the log stores, its placeholders filled; shown translated.

    Declare it where it is written, with the template marked for the catalogue:
    `PERSON_SEARCH = Phrase(gettext_noop("person search"))`, then `object_repr=PERSON_SEARCH()`.
    """

    def __init__(self, template: str, *, parts: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.template = template
        self.pattern = _pattern(template)
        # Placeholder → {code: label}, for a placeholder that holds a code ("case queue: %(queue)s").
        self.parts = parts or {}
        PHRASES.append(self)

    def __call__(self, **values: Any) -> str:
        return self.template % values if values else self.template

    def __repr__(self) -> str:
        return f"Phrase({self.template!r})"

    def read(self, text: str) -> str | None:
        """`text` in the active language if this phrase wrote it, else None."""
        match = self.pattern.fullmatch(text)
        if match is None:
            return None
        translated = translation.gettext(self.template)
        values = {name: str(self.parts.get(name, {}).get(value, value)) for name, value in match.groupdict().items()}
        return translated % values if values else translated


def translate_phrase(text: str) -> str | None:
    """A stored description in the active language, or None when no declared phrase wrote it."""
    # Fixed phrases first: "passkey" must not be read as "passkey %(number)s" with an empty number.
    for phrase in sorted(PHRASES, key=lambda phrase: "%(" in phrase.template):
        translated = phrase.read(text)
        if translated is not None:
            return translated
    return None


@dataclass(frozen=True)
class ChangeKey:
    """A key of an entry's changes that is not a field of its target: its label, and how its values read."""

    key: str
    label: str | Promise
    model: str = ""  # "passports.passportapplication"; "" for any entry
    # Placeholder → {code: label}: "checklist.%(code)s" shows the checklist item's own label.
    parts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    values: Callable[[Any], str] | Mapping[str, Any] | None = None

    @property
    def pattern(self) -> re.Pattern:
        return _pattern(self.key)


CHANGE_KEYS: list[ChangeKey] = []


def describe_change(
    key: str,
    label: str | Promise,
    *,
    model: str = "",
    parts: Mapping[str, Mapping[str, Any]] | None = None,
    values: Callable[[Any], str] | Mapping[str, Any] | None = None,
) -> ChangeKey:
    """Declare a change key the writer uses (next to the write); fields of the target need nothing."""
    described = ChangeKey(key, label, model, parts or {}, values)
    CHANGE_KEYS.append(described)
    return described


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


PROBE = describe_change("probe", _("fingerprint of the question"))


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


PERSONS_SHOWN = describe_change("persons", _("persons shown"))


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
