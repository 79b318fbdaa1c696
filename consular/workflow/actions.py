"""Every write to a case: opening it and firing its transitions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consular import text
from consular.audit.actions import Action, describe_change, record
from consular.identity.actions import follow_merges, grant_person_access
from consular.identity.models import Person
from consular.offices.models import Membership, Office, Role
from consular.offices.numbering import next_in_series
from consular.offices.scoping import Actor
from consular.offices.staff import staff_name
from consular.versions import StaleVersion, update_if_current
from consular.workflow import sla
from consular.workflow.models import Case, CaseAccess, CaseEvent, OutboxMessage, WorkerHeartbeat
from consular.workflow.transitions import CASE_TYPES, OPEN_STEP, CaseType, Transition, case_type_of, status_label_of_any

# How this module's audit entries read: a case's status is its case type's, an assignee a member of staff.
describe_change("status", gettext_lazy("status"), model="workflow.case", values=status_label_of_any)
describe_change("assignee", gettext_lazy("assigned to"), model="workflow.case", values=staff_name)
describe_change("cases", gettext_lazy("cases moved"))


class TransitionRefused(Exception):
    """The rule does not allow this transition now; `reason` says why, in the user's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Option:
    """A transition as the viewer sees it: fireable, or not with the reason why."""

    transition: Transition
    refused_because: str | None

    @property
    def allowed(self) -> bool:
        return self.refused_because is None


def record_heartbeat(*, worker: str) -> WorkerHeartbeat:
    """Idempotent: one row per worker, moved forward each time."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": timezone.now()})
    return heartbeat


def next_reference(case_type: CaseType, office: Office) -> str:
    """`E-2026-NYC-000123`: unique per series; a rolled-back case may leave a gap, never a duplicate."""
    year = office.local_today().year
    series = f"{case_type.reference_prefix}-{year}-{office.code}"
    return f"{series}-{next_in_series(series):06d}"


class SecondOpenCase(Exception):
    """The person already has an open case of this kind: `existing` is the oldest such case.

    `may_confirm` says whether the actor could still open a second one by giving a reason.
    """

    def __init__(self, existing: Case, *, may_confirm: bool) -> None:
        super().__init__(existing.reference)
        self.existing = existing
        self.may_confirm = may_confirm

    def visible_to(self, actor: Actor) -> bool:
        return Case.unscoped.visible_to(actor).filter(pk=self.existing.pk).exists()

    def explanation(self, actor: Actor) -> str:
        """What the clerk reads: the open case (its reference only if they may read it) and what to do."""
        case_type = case_type_of(self.existing)
        if self.visible_to(actor):
            said = _("This person already has an open %(kind)s of this type: %(reference)s (%(status)s). "
                     "Continue that one, or withdraw it first.") % {
                "kind": str(case_type.label).lower(), "reference": self.existing.reference,
                "status": case_type.status_label(self.existing.status)}
        else:
            said = _("This person already has an open %(kind)s of this type at another office (%(office)s). "
                     "Ask that office before taking in another.") % {
                "kind": str(case_type.label).lower(), "office": self.existing.current_office.code}
        if self.may_confirm:
            return said + " " + _("As a supervisor you may take in a second one: give the reason.")
        return said + " " + _("Only a supervisor may take in a second one, giving the reason.")


# Who may open a second open case of a kind beside the first, with a reason (e.g. an urgent
# official passport while an ordinary application waits): the office's supervisor.
CONFIRMS_SECOND_CASE = frozenset({Role.SUPERVISOR})


def refuse_second_open_case(
    case_type_code: str, *, person: Person, by: Actor, same_kind: Q | None = None, reason: str = ""
) -> Case | None:
    """Refuse (SecondOpenCase) a new case while the person has an open one of the same kind, at any office.

    `same_kind` narrows "the same kind" within the case type (passports: the same passport
    type). A supervisor may go ahead with a reason: then the open case is returned, for the
    caller's audit entry; None when there is no open case. The person's row is locked first,
    so two clerks taking in the same person's application at once cannot both pass the check.
    Call it inside the transaction that opens the case.
    """
    Person.unscoped.select_for_update().filter(pk=person.pk).first()
    # Unscoped on purpose: an open case at another office counts too (the person is visible to the actor).
    open_cases = Case.unscoped.open().filter(case_type=case_type_code, person=person)
    if same_kind is not None:
        open_cases = open_cases.filter(same_kind)
    existing = open_cases.select_related("current_office").order_by("submitted_at", "pk").first()
    if existing is None:
        return None
    may_confirm = by.role in CONFIRMS_SECOND_CASE
    if not (may_confirm and reason.strip()):
        raise SecondOpenCase(existing, may_confirm=may_confirm)
    return existing


@transaction.atomic
def open_case(case_type_code: str, *, person, by: Actor, note: str = "") -> Case:
    """A new case at the actor's office, in the case type's first status, with its first event.

    TransitionRefused for an auditor; ValidationError on `note` for text that cannot be kept (`consular.text`).
    """
    case_type = CASE_TYPES[case_type_code]
    if by.is_read_only:
        raise TransitionRefused(_("Auditors cannot open cases."))
    note = text.clean(note, multiline=True)
    if (problem := text.problem(note, multiline=True)) is not None:
        raise ValidationError({"note": [problem]})
    now = timezone.now()
    case = Case.unscoped.create(
        reference=next_reference(case_type, by.office), case_type=case_type.code, person=person,
        current_office=by.office, originating_office=by.office, status=case_type.initial_status, submitted_at=now,
        due_at=sla.due_at(case_type, case_type.initial_status, by.office, now),
    )
    CaseAccess.objects.create(case=case, office=by.office, submitted_at=case.submitted_at)
    grant_person_access([person.pk], by.office)
    event = CaseEvent.objects.create(
        case=case, transition=OPEN_STEP, from_status="", to_status=case.status, from_office=by.office,
        to_office=by.office, username=by.name, role=by.role, note=note,
    )
    _write_outbox(case, event, ("case_opened",))
    record(by=by, action=Action.CREATE, target=case, changes={"status": [None, case.status]})
    return case


def options_for(case: Case, actor: Actor) -> list[Option]:
    """Every transition of the case's type that starts from its current status, with why not if refused."""
    case_type = case_type_of(case)
    return [
        Option(transition, _refusal(case, transition, actor))
        for transition in case_type.transitions
        if case.status in transition.sources
    ]


def _refusal(case: Case, transition: Transition, actor: Actor, note: str | None = None) -> str | None:
    if actor.is_read_only:
        return _("Auditors have read-only access.")
    if case.status not in transition.sources:
        status = case_type_of(case).status_label(case.status)
        return _("Not possible from the status “%(status)s”.") % {"status": status}
    if case.current_office_id != actor.office.pk:
        return _("The case is held by another office.")
    if actor.office.kind not in transition.office_kinds:
        return _("Not done at this kind of office.")
    if actor.role not in transition.roles:
        return _("Your role cannot do this.")
    for guard in transition.guards:
        reason = guard(case)
        if reason:
            return str(reason)
    if note is not None and transition.note_required and not note.strip():
        return _("A note is required.")
    # Notes are read by other offices in the timeline: a bidi override there could make it lie.
    if note is not None and (problem := text.problem(note, multiline=True)) is not None:
        return _("The note: %(problem)s") % {"problem": problem}
    return None


@transaction.atomic
def fire(case: Case, transition_name: str, *, by: Actor, expected_version: int, note: str = "") -> CaseEvent:
    """Move a case by one named transition: rule, version, status, event and outbox, all in one transaction.

    Raises TransitionRefused (with the reason) or StaleVersion; on either, nothing is written.
    """
    note = text.clean(note, multiline=True)
    case_type = case_type_of(case)
    transition = case_type.by_name.get(transition_name)
    if transition is None:
        raise TransitionRefused(_("“%(name)s” is not a step of this kind of case.") % {"name": transition_name})
    # Decide on the stored row, not on a copy a form may have read earlier.
    stored = Case.unscoped.select_related("current_office").get(pk=case.pk)
    if stored.version != expected_version:
        raise StaleVersion(stored.version)
    reason = _refusal(stored, transition, by, note)
    if reason:
        raise TransitionRefused(reason)
    from_status, from_office = stored.status, stored.current_office
    to_office = transition.hand_over_to(stored, by) if transition.hand_over_to else from_office
    changes = _moved(case_type, transition, to_office, timezone.now())
    if to_office != from_office:
        changes["assignee"] = None  # the assignee belongs to the office that hands the case over
    update_if_current(case, expected_version, **changes)
    if to_office != from_office:
        CaseAccess.objects.get_or_create(case=case, office=to_office, defaults={"submitted_at": stored.submitted_at})
        grant_person_access([stored.person_id], to_office)
    event = CaseEvent.objects.create(
        case=case, transition=transition.name, from_status=from_status, to_status=transition.target,
        from_office=from_office, to_office=to_office, username=by.name, role=by.role, note=note,
    )
    _write_outbox(case, event, transition.messages)
    return event


def _moved(case_type: CaseType, transition: Transition, to_office: Office, now) -> dict:
    """The case fields a transition sets, for fire() and fire_many() alike."""
    changes = {
        "status": transition.target, "current_office": to_office, "updated_at": now,
        "due_at": sla.due_for(case_type, transition.target, to_office, closes=transition.closes),
    }
    if transition.closes:
        changes["closed_at"] = now
    return changes


@transaction.atomic
def fire_many(
    cases: Sequence[Case], transition_name: str, *, by: Actor, note: str = "", related: tuple[str, ...] = ()
) -> list[CaseEvent]:
    """Move many cases by one transition at once (a production batch), with fire()'s rules and records.

    All or nothing: a case the rule refuses raises TransitionRefused naming it, a case changed
    since it was read raises StaleVersion, and then no case moves. The cost is a fixed number
    of queries whatever the number of cases, so `related` names the relations the table's
    guards and hand-overs read (e.g. "passport_application__batch"), fetched with the cases.
    """
    if not cases:
        return []
    note = text.clean(note, multiline=True)
    expected = {case.pk: case.version for case in cases}
    stored = list(
        Case.unscoped.select_for_update(of=("self",)).select_related("current_office", *related)
        .filter(pk__in=expected).order_by("pk")
    )
    groups: dict[tuple[int, int], list[Case]] = {}
    destinations: dict[int, Office] = {}
    for case in stored:
        if case.version != expected[case.pk]:
            raise StaleVersion(case.version)
        if case.case_type != stored[0].case_type:
            raise TransitionRefused(_("Cases of different kinds move one kind at a time."))
        transition = case_type_of(case).by_name.get(transition_name)
        if transition is None:
            raise TransitionRefused(_("“%(name)s” is not a step of this kind of case.") % {"name": transition_name})
        reason = _refusal(case, transition, by, note)
        if reason:
            raise TransitionRefused(f"{case.reference}: {reason}")
        to_office = transition.hand_over_to(case, by) if transition.hand_over_to else case.current_office
        destinations[to_office.pk] = to_office
        groups.setdefault((case.current_office_id, to_office.pk), []).append(case)
    now = timezone.now()
    case_type = case_type_of(stored[0])
    events: list[CaseEvent] = []
    for (from_pk, to_pk), members in groups.items():
        to_office = destinations[to_pk]
        changes = _moved(case_type, transition, to_office, now) | {"version": F("version") + 1}
        if from_pk != to_pk:
            changes["assignee"] = None
            CaseAccess.objects.bulk_create(
                [CaseAccess(case=case, office=to_office, submitted_at=case.submitted_at) for case in members],
                ignore_conflicts=True,
            )
            grant_person_access([case.person_id for case in members], to_office)
        Case.unscoped.filter(pk__in=[case.pk for case in members]).update(**changes)
        events += [
            CaseEvent(case=case, transition=transition.name, from_status=case.status, to_status=transition.target,
                      from_office=case.current_office, to_office=to_office, username=by.name, role=by.role, note=note)
            for case in members
        ]
    CaseEvent.objects.bulk_create(events)
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(case_id=event.case_id, event=event, kind=kind, next_attempt_at=now,
                      payload={"case": event.case_id, "event": event.pk, "reference": event.case.reference})
        for event in events for kind in transition.messages
    )
    from consular.workflow.relay import enqueue_many

    transaction.on_commit(lambda ids=[message.pk for message in messages]: enqueue_many(ids))
    for case in cases:  # the callers' copies, as fire() leaves them
        case.version = expected[case.pk] + 1
        case.status = transition.target
    return events


def _write_outbox(case: Case, event: CaseEvent, kinds: tuple[str, ...]) -> None:
    from consular.workflow.relay import enqueue

    now = timezone.now()
    for kind in kinds:
        message = OutboxMessage.objects.create(
            case=case, event=event, kind=kind, next_attempt_at=now,
            payload={"case": case.pk, "event": event.pk, "reference": case.reference},
        )
        # After commit only: a rolled-back transition sends nothing; the sweep covers a lost enqueue.
        transaction.on_commit(lambda pk=message.pk: enqueue(pk))


@transaction.atomic
def retry_message(message: OutboxMessage, *, by: Actor) -> None:
    """Staff send a failed message round again, from its first attempt."""
    from consular.workflow.relay import enqueue

    updated = OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.FAILED).update(
        state=OutboxMessage.State.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_until=None
    )
    if updated:
        record(by=by, action=Action.UPDATE, target=message, changes={"state": ["failed", "pending"]})
        transaction.on_commit(lambda: enqueue(message.pk))


@transaction.atomic
def take_case(case: Case, *, by: Actor, expected_version: int) -> None:
    """The acting staff member takes the case, so it shows under their "my cases"."""
    stored = Case.unscoped.select_related("assignee").get(pk=case.pk)
    if by.is_read_only or by.user is None:
        raise TransitionRefused(_("Only staff of the office holding the case can take it."))
    if stored.current_office_id != by.office.pk:
        raise TransitionRefused(_("The case is held by another office."))
    if stored.closed_at is not None:
        raise TransitionRefused(_("The case is closed; nobody needs to take it."))
    before = stored.assignee.get_username() if stored.assignee else None
    update_if_current(case, expected_version, assignee=by.user, updated_at=timezone.now())
    record(by=by, action=Action.UPDATE, target=case, changes={"assignee": [before, by.name]})


# Supervisors share out their office's work; everyone else takes a case for themselves.
ASSIGNERS = frozenset({Role.SUPERVISOR})


@transaction.atomic
def assign_case(case: Case, *, to, by: Actor, expected_version: int) -> None:
    """A supervisor gives one case of their office to a member of it (see assign_cases)."""
    if assign_cases({case.pk: expected_version}, to=to, by=by):
        case.assignee, case.version = to, expected_version + 1


@transaction.atomic
def assign_cases(versions: Mapping[int, int], *, to, by: Actor) -> int:
    """A supervisor gives the chosen cases ({case id: version read}) to a member of their office.

    All or nothing: a case changed since it was read raises StaleVersion, a case the rule
    refuses raises TransitionRefused naming it, and then no case changes. The assignee must
    be a current member of the office holding the cases who works on cases. Each change is
    audited; a case already with the assignee is left as it is. Returns how many changed.
    """
    if by.role not in ASSIGNERS or by.user is None:
        raise TransitionRefused(_("Only supervisors assign cases."))
    if not versions:
        raise TransitionRefused(_("Choose at least one case."))
    stored = list(
        Case.unscoped.select_for_update(of=("self",)).select_related("assignee")
        .filter(pk__in=versions).order_by("pk")
    )
    if len(stored) != len(versions):
        raise TransitionRefused(_("One of the chosen cases does not exist."))
    for case in stored:
        if case.version != versions[case.pk]:
            raise StaleVersion(case.version)
        if case.current_office_id != by.office.pk:
            raise TransitionRefused(_("%(reference)s: the case is held by another office.")
                                    % {"reference": case.reference})
        if case.closed_at is not None:
            raise TransitionRefused(_("%(reference)s: the case is closed; nobody needs to work on it.")
                                    % {"reference": case.reference})
    if to is None or not Membership.unscoped.caseworkers().filter(user=to, office=by.office).exists():
        raise TransitionRefused(_("Cases are assigned to a current member of the office who works on cases."))
    changing = [case for case in stored if case.assignee_id != to.pk]
    Case.unscoped.filter(pk__in=[case.pk for case in changing]).update(
        assignee=to, updated_at=timezone.now(), version=F("version") + 1
    )
    for case in changing:
        before = case.assignee.get_username() if case.assignee else None
        record(by=by, action=Action.UPDATE, target=case, changes={"assignee": [before, to.get_username()]})
    return len(changing)


def touch(case: Case) -> None:
    """A domain action changed something of the case's own (a payment, a document): it counts as a change."""
    Case.unscoped.filter(pk=case.pk).update(updated_at=timezone.now())


@follow_merges
def move_cases_on_merge(keep: Person, merge: Person) -> dict[str, str]:
    """A person merge (identity.actions.merge_persons) moves the duplicate's cases to the kept record."""
    case_ids = sorted(Case.unscoped.filter(person=merge).values_list("pk", flat=True))
    Case.unscoped.filter(pk__in=case_ids).update(person=keep, updated_at=timezone.now())
    return {"cases": " ".join(map(str, case_ids))}
