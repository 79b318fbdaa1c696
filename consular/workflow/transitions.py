"""Transition tables as data, and the registry of case types that declare them.

Each domain declares its statuses and a list of `Transition`s (see STYLE.md) and registers
a `CaseType` in its AppConfig.ready(); `consular.workflow.actions.fire` enforces every
table the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import get_language

if TYPE_CHECKING:
    from consular.offices.models import Office
    from consular.offices.scoping import Actor
    from consular.workflow.models import Case

# A guard returns None when the transition may go ahead, or the reason it may not.
Guard = Callable[["Case"], "str | Promise | None"]
# Where a hand-over sends the case: the office that will hold it next.
Destination = Callable[["Case", "Actor"], "Office"]


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    office_kinds: frozenset[str] = frozenset({"hq", "mission", "prefecture"})
    guards: tuple[Guard, ...] = ()
    note_required: bool = False
    hand_over_to: Destination | None = None
    closes: bool = False
    # Ends the case against what was asked for (refuse, withdraw, cancel, lapse): pages show it as a
    # dangerous step, after the others, and ask to confirm it.
    destructive: bool = False
    label: str | Promise = ""
    # Outbox message kinds written with the event; each has a handler in consular.workflow.relay.
    messages: tuple[str, ...] = ("case_moved",)

    @property
    def irreversible(self) -> bool:
        """Cannot be undone: a closed case never moves again. Pages ask to confirm it first (FireForm)."""
        return self.closes or self.destructive


@dataclass(frozen=True)
class CaseType:
    code: str
    reference_prefix: str
    label: str | Promise
    statuses: type  # a TextChoices
    initial_status: str
    transitions: tuple[Transition, ...]
    # Target time in a status, in business days of the office holding the case (see consular.workflow.sla).
    sla: dict[str, int] = field(default_factory=dict, compare=False)
    by_name: dict[str, Transition] = field(init=False, repr=False, compare=False)
    labels: dict = field(init=False, repr=False, compare=False)
    translated_labels: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"{self.code}: transition names must be unique, repeated: {sorted(duplicates)}")
        valid = set(self.statuses.values)
        for transition in self.transitions:
            unknown = ({*transition.sources, transition.target} - valid)
            if unknown:
                raise ValueError(f"{self.code}.{transition.name}: unknown statuses {sorted(unknown)}")
        unknown_targets = set(self.sla) - valid
        if unknown_targets:
            raise ValueError(f"{self.code}: SLA for unknown statuses {sorted(unknown_targets)}")
        if any(days < 1 for days in self.sla.values()):
            raise ValueError(f"{self.code}: an SLA target is at least one business day")
        object.__setattr__(self, "by_name", {t.name: t for t in self.transitions})
        # Lazy labels, translated when shown; built once because list pages ask for every row.
        object.__setattr__(self, "labels", dict(self.statuses.choices))
        object.__setattr__(self, "translated_labels", {})

    def status_labels(self) -> dict[str, str]:
        """Status → label in the active language, translated once per language (list pages ask for every row)."""
        language = get_language()
        labels = self.translated_labels.get(language)
        if labels is None:
            labels = {value: str(label) for value, label in self.labels.items()}
            self.translated_labels[language] = labels
        return labels

    def status_label(self, status: str) -> str:
        return self.status_labels().get(status, status)


CASE_TYPES: dict[str, CaseType] = {}


def register(case_type: CaseType) -> CaseType:
    existing = CASE_TYPES.get(case_type.code)
    if existing is not None and existing is not case_type:
        raise ValueError(f"Case type {case_type.code!r} is registered twice.")
    CASE_TYPES[case_type.code] = case_type
    return case_type


def case_type_of(case: Case) -> CaseType:
    return CASE_TYPES[case.case_type]
