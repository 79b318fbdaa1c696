"""Transition tables as data, and the registry of case types that declare them.

Each domain declares its statuses and a list of `Transition`s (see STYLE.md) and registers
a `CaseType` in its AppConfig.ready(); `consular.workflow.actions.fire` enforces every
table the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from consular.offices.models import Office
    from consular.offices.scoping import Actor
    from consular.workflow.models import Case

# A guard returns None when the transition may go ahead, or the reason it may not.
Guard = Callable[["Case"], "str | Promise | None"]
# Where a hand-over sends the case: the office that will hold it next.
Destination = Callable[["Case", "Actor"], "Office"]
# The first event of every case (consular.workflow.actions.open_case): not a transition of any table.
OPEN_STEP = "open"
OPEN_STEP_LABEL = _("Opened")


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
    # Open statuses with no target on purpose, because the case waits on someone outside the
    # offices (an applicant who has yet to collect): every other open status needs an SLA target.
    untimed: frozenset[str] = frozenset()
    # The URL name of the domain's own page for one case (it takes `reference`). A case of a type
    # with a page opens there, and /cases/<reference>/ redirects to it; without one, the generic
    # case page is the case's page.
    page: str = ""
    # Statuses in which the case waits on HQ's answer to a referral, and those it returns to the
    # mission in once HQ has answered: the "referred to us" and "answered by HQ" queues read them.
    referral_statuses: frozenset[str] = frozenset()
    answered_statuses: frozenset[str] = frozenset()
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
            # History and the steps a clerk may take show the label: a code must never reach a page.
            if not str(transition.label).strip():
                raise ValueError(f"{self.code}.{transition.name}: a transition needs a label")
            if transition.name == OPEN_STEP:
                raise ValueError(f"{self.code}: {OPEN_STEP!r} is the first event of every case, not a transition")
            unknown = ({*transition.sources, transition.target} - valid)
            if unknown:
                raise ValueError(f"{self.code}.{transition.name}: unknown statuses {sorted(unknown)}")
        unknown_targets = set(self.sla) - valid
        if unknown_targets:
            raise ValueError(f"{self.code}: SLA for unknown statuses {sorted(unknown_targets)}")
        if any(days < 1 for days in self.sla.values()):
            raise ValueError(f"{self.code}: an SLA target is at least one business day")
        unknown = ({*self.untimed, *self.referral_statuses, *self.answered_statuses} - valid)
        if unknown:
            raise ValueError(f"{self.code}: unknown statuses {sorted(unknown)}")
        untargeted = self.open_statuses() - set(self.sla) - set(self.untimed)
        if untargeted:
            # A case left in such a status would never be due, never overdue, and so never chased.
            raise ValueError(f"{self.code}: open statuses need an SLA target or to be declared untimed: "
                             f"{sorted(untargeted)}")
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

    def step_label(self, name: str) -> str:
        """A step of the case's history (a transition, or its opening) in the active language."""
        if name == OPEN_STEP:
            return str(OPEN_STEP_LABEL)
        transition = self.by_name.get(name)
        return str(transition.label) if transition is not None else name

    def open_statuses(self) -> set[str]:
        """Every status but those only a closing transition enters."""
        closed = {t.target for t in self.transitions if t.closes}
        reopened = {t.target for t in self.transitions if not t.closes}
        return set(self.statuses.values) - (closed - reopened)

    def page_url(self, reference: str) -> str:
        """Where one case of this type is read and worked on."""
        return reverse(self.page or "workflow:case_detail", kwargs={"reference": reference})


CASE_TYPES: dict[str, CaseType] = {}


def register(case_type: CaseType) -> CaseType:
    existing = CASE_TYPES.get(case_type.code)
    if existing is not None and existing is not case_type:
        raise ValueError(f"Case type {case_type.code!r} is registered twice.")
    CASE_TYPES[case_type.code] = case_type
    return case_type


def case_type_of(case: Case) -> CaseType:
    return CASE_TYPES[case.case_type]


def status_label_of_any(status: str) -> str:
    """A status code in the active language, for records that name no case type (the audit log's case rows)."""
    for case_type in CASE_TYPES.values():
        labels = case_type.status_labels()
        if status in labels:
            return labels[status]
    return status


def case_url(case_type: str, reference: str) -> str:
    """The page of a case, from its type code and reference (list rows carry both)."""
    known = CASE_TYPES.get(case_type)
    return known.page_url(reference) if known else reverse("workflow:case_detail", kwargs={"reference": reference})
