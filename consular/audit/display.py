"""The audit log in the reader's language, translated when it is shown, never when it is stored.

Rows keep English and codes (searchable, append-only). Here each one is put into words:
people by name, roles and actions by their labels, the target by its model's verbose name
(and by its own `__str__` in the reader's language while that still says what was recorded),
each change by the field's verbose name and the value by the field's choices, and what is
not a field by what the writer declared (`consular.audit.actions.Phrase`, `describe_change`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from consular.audit.actions import CHANGE_KEYS, ChangeKey, translate_phrase
from consular.audit.models import AuditEntry
from consular.offices.models import Office
from consular.offices.staff import StaffName, role_label, staff_names

EMPTY = "—"


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class EntryView:
    """One entry as the audit page shows it."""

    entry: AuditEntry
    who: StaffName | None
    office_name: str
    role: str
    action: str
    target_type: str
    target: str
    changes: list[Change] = field(default_factory=list)
    # Keys and descriptions nothing declared: shown as stored. Tests keep this empty for every write.
    undescribed: list[str] = field(default_factory=list)


def present(entries: Sequence[AuditEntry]) -> list[EntryView]:
    """Every entry of a page in words, in a fixed number of queries whatever the page's length."""
    names = staff_names(entry.username for entry in entries)
    offices = dict(
        Office.directory.filter(code__in={entry.office_code for entry in entries if entry.office_code}).values_list(
            "code", "name_ja" if (translation.get_language() or "").startswith("ja") else "name_en"
        )
    )
    targets = _current_targets(entries)
    views = []
    for entry in entries:
        model = _model(entry.object_type)
        view = EntryView(
            entry=entry,
            who=names.get(entry.username),
            office_name=offices.get(entry.office_code, ""),
            role=role_label(entry.role) if entry.role else "",
            action=str(entry.get_action_display()),
            target_type=capfirst(str(model._meta.verbose_name)) if model is not None else "",
            target="",
        )
        view.target = _target_text(entry, model, targets.get((entry.object_type, entry.object_id)), view)
        view.changes = [_change(entry, model, key, value, view) for key, value in (entry.changes or {}).items()]
        views.append(view)
    return views


def _model(object_type: str) -> type[models.Model] | None:
    if not object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None  # a model removed since the entry was written


def _current_targets(entries: Iterable[AuditEntry]) -> dict[tuple[str, str], models.Model]:
    """The entries' targets as they are now, one query per kind of target on the page."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_type and entry.object_id:
            wanted[entry.object_type].add(entry.object_id)
    found = {}
    for object_type, ids in wanted.items():
        model = _model(object_type)
        if model is None:
            continue
        try:
            # Auditors read every office's entries: the base manager, not a scoped one. `__str__`
            # may follow foreign keys (an application names its case): joined, not one query each.
            related = [field.name for field in model._meta.concrete_fields if field.is_relation]
            rows_of_model = model._base_manager.select_related(*related) if related else model._base_manager.all()
            rows = list(rows_of_model.filter(pk__in=ids))
        except (ValueError, ValidationError):
            continue  # an id that is not this model's kind of key
        found.update({(object_type, str(row.pk)): row for row in rows})
    return found


def _target_text(entry: AuditEntry, model, current: models.Model | None, view: EntryView) -> str:
    recorded = entry.object_repr
    if current is not None:
        try:
            with translation.override("en"):
                unchanged = str(current) == recorded
            # Only while the object still reads as recorded: a renamed person is shown as they were then.
            if unchanged:
                return str(current)
        except ObjectDoesNotExist:
            pass
    if not recorded:
        return EMPTY
    translated = translate_phrase(recorded)
    if translated is not None:
        return translated
    if model is None:
        view.undescribed.append(recorded)
    return recorded


def _described(object_type: str, key: str) -> tuple[ChangeKey, dict[str, str]] | None:
    # A declaration for this model wins over one for any entry.
    for described in sorted(CHANGE_KEYS, key=lambda item: not item.model):
        if described.model and described.model != object_type:
            continue
        match = described.pattern.fullmatch(key)
        if match is not None:
            return described, match.groupdict()
    return None


def _model_field(model, key: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _change(entry: AuditEntry, model, key: str, value: Any, view: EntryView) -> Change:
    old, new = (value[0], value[1]) if isinstance(value, list | tuple) and len(value) == 2 else (None, value)
    described = _described(entry.object_type, key)
    model_field = _model_field(model, key)
    if described is not None:
        declaration, parts = described
        label = str(declaration.label)
        if parts:
            label = label % {name: str(declaration.parts.get(name, {}).get(code, code)) for name, code in parts.items()}
        return Change(capfirst(label), _value(old, declaration.values), _value(new, declaration.values))
    if model_field is not None:
        choices = dict(model_field.flatchoices) if model_field.choices else None
        return Change(capfirst(str(model_field.verbose_name)), _value(old, choices), _value(new, choices))
    view.undescribed.append(key)
    return Change(key, _value(old, None), _value(new, None))


def _value(value: Any, values) -> str:
    if value is None or value == "":
        return EMPTY
    if callable(values):
        return str(values(value))
    if isinstance(values, Mapping):
        label = values.get(value, values.get(str(value)))
        if label is None:
            # Choices keyed by numbers (validity 5 or 10) compare as the strings the log stores.
            label = next((text for code, text in values.items() if str(code) == str(value)), None)
        if label is not None:
            return str(label)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_value(item, values) for item in value) or EMPTY
    if isinstance(value, str):
        return translate_phrase(value) or value
    return str(value)
