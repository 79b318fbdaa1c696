"""Every write of screening: registering an applicant, screening them, re-screening after an import, adjudicating.

Hits are written by the system (a task), adjudications by staff. The rules:

- Officers, supervisors and HQ officers adjudicate; clerks and auditors do not.
- Clearing a hit on a sanctions list (`Watchlist.Kind.SANCTIONS`) only proposes the clearance:
  a second person, a supervisor or HQ officer other than the proposer, agrees (`agree_clearance`)
  or sends it back (`reject_clearance`). On other lists a clearance takes effect at once.
- Every adjudication names the hit's version it read (`expected_version`); a stale one raises
  `consular.versions.StaleVersion`, as every optimistic write in the project does.
- A hit found again on a newer entry version takes its version, score and reasons; a cleared or
  proposed hit whose entry's data changed since (another fingerprint) is opened again.
- Delisting: the entry's hits keep their status and are marked `entry_delisted_on`; an open one
  then blocks nothing (the list no longer names anyone), nor does a confirmed one
  (`has_confirmed_hit` counts entries in force). The hit page says the entry was delisted.
- A hit once found stays until adjudicated, even if a later version of the entry no longer matches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from consular import text
from consular.audit.actions import Action, describe_change, record
from consular.offices.models import Office, Role
from consular.offices.scoping import Actor
from consular.screening.models import (
    EntryDocument,
    EntryKey,
    EntryVersion,
    ListEntry,
    ScreeningHit,
    ScreeningSubject,
    SubjectKey,
    WatchlistImport,
)
from consular.screening.screening import (
    DOCUMENT_KEY_PREFIX,
    KEY_LENGTH,
    Applicant,
    Found,
    candidate_details,
    document_number,
    find,
    judge,
    listed_documents,
    rebuild_entry_keys,
    with_entries,
)
from consular.screening.signals import subject_screened
from consular.versions import StaleVersion, update_if_current

for _key, _label in (
    ("hits", gettext_lazy("screening hits")),
    ("documents", gettext_lazy("documents to check")),
    ("subjects_screened", gettext_lazy("applicants screened again")),
    ("hits_found", gettext_lazy("hits found or updated")),
    ("hits_delisted", gettext_lazy("hits on delisted entries")),
):
    describe_change(_key, _label)

__all__ = ["StaleVersion"]  # re-exported: what an adjudication's caller catches

ADJUDICATORS = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.HQ_OFFICER})
SECOND_PERSONS = frozenset({Role.SUPERVISOR, Role.HQ_OFFICER})
Status = ScreeningHit.Status


class AdjudicationRefused(PermissionDenied):
    """This person may not make this adjudication now; the message says why, in their language."""


# ---------------------------------------------------------------------------------------
# Registering and screening
# ---------------------------------------------------------------------------------------


def _clean_documents(documents: Sequence[dict]) -> list[dict]:
    cleaned = []
    for document in documents:
        number = document_number(document.get("number", ""))
        if not number:
            continue
        cleaned.append(
            {
                "kind": str(document.get("kind", ""))[:16],
                "issuing_state": str(document.get("issuing_state", "")).upper()[:3],
                "number": number,
            }
        )
    return cleaned


def _write_subject_keys(subject: ScreeningSubject, applicant: Applicant) -> None:
    keys = applicant.screening_keys()
    stored = set(subject.keys.values_list("key", flat=True))
    if stored == keys:
        return
    subject.keys.exclude(key__in=keys).delete()
    SubjectKey.objects.bulk_create([SubjectKey(subject=subject, key=key) for key in keys - stored])


@transaction.atomic
def register_subject(case, *, documents: Sequence[dict], by: Actor) -> ScreeningSubject:
    """The case's applicant to be screened (again) with these documents; screened by a task once this commits."""
    if not by.handles_cases:
        raise PermissionDenied(_("Auditors cannot ask for screening."))
    documents = _clean_documents(documents)
    now = timezone.now()
    subject, created = ScreeningSubject.objects.select_for_update().get_or_create(
        case=case, defaults={"documents": documents, "requested_at": now}
    )
    old_documents = None if created else subject.documents
    if not created:
        subject.documents, subject.status, subject.requested_at, subject.closed = (
            documents,
            ScreeningSubject.Status.PENDING,
            now,
            False,
        )
        subject.save(update_fields=["documents", "status", "requested_at", "closed"])
    _write_subject_keys(subject, Applicant.of(case.person, documents))
    record(
        by=by,
        action=Action.CREATE if created else Action.UPDATE,
        target=subject,
        changes={"documents": [None if old_documents is None else len(old_documents), len(documents)]},
    )
    from consular.screening import tasks

    transaction.on_commit(lambda pk=subject.pk: tasks.screen_subject.delay(pk))
    return subject


@transaction.atomic
def close_subject(case, *, by: Actor) -> None:
    """A decided case's applicant is no longer re-screened when a list changes."""
    updated = ScreeningSubject.objects.filter(case=case, closed=False).update(closed=True)
    if updated:
        record(by=by, action=Action.UPDATE, target=case.screening, changes={"closed": [False, True]})


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    reopened: list[ScreeningHit] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated


def _write_hits(subject: ScreeningSubject, found: Iterable[Found]) -> Written:
    """Create or bring up to date the subject's hits on these entries (the subject's row is locked)."""
    found = list(found)
    written = Written()
    existing = {hit.entry_id: hit for hit in subject.hits.filter(entry_id__in=[one.entry.pk for one in found])}
    now = timezone.now()
    new_hits = []
    for one in found:
        entry = one.entry
        values = {
            "entry_version": entry.version,
            "entry_fingerprint": entry.fingerprint,
            "score": one.score,
            "reasons": one.reasons,
            "matched_on": one.matched_on,
            "matched_name": one.matched_name[:500],
        }
        hit = existing.get(entry.pk)
        if hit is None:
            new_hits.append(ScreeningHit(subject=subject, entry=entry, found_at=now, updated_at=now, **values))
            continue
        if all(getattr(hit, name) == value for name, value in values.items()) and hit.entry_delisted_on is None:
            continue  # found again as it was: nothing to write (a repeated task writes nothing)
        old_status, old_version, old_fingerprint = hit.status, hit.entry_version, hit.entry_fingerprint
        for name, value in values.items():
            setattr(hit, name, value)
        hit.entry_delisted_on = None
        update_fields = [*values, "entry_delisted_on", "updated_at", "version"]
        if old_status in (Status.CLEARED, Status.CLEARANCE_PROPOSED) and hit.entry_fingerprint != old_fingerprint:
            hit.status, hit.reopened_after_version = Status.OPEN, old_version
            update_fields += ["status", "reopened_after_version"]
            written.reopened.append(hit)
        hit.updated_at = now
        hit.version += 1
        hit.save(update_fields=update_fields)
        written.updated += 1
    ScreeningHit.objects.bulk_create(new_hits)
    written.created = len(new_hits)
    return written


def _system(subject: ScreeningSubject) -> Actor:
    return Actor.system(subject.case.current_office)


def _audit_reopened(by: Actor, hits: Iterable[ScreeningHit]) -> None:
    for hit in hits:
        record(
            by=by,
            action=Action.UPDATE,
            target=hit,
            changes={
                "status": [Status.CLEARED, Status.OPEN],
                "entry_version": [hit.reopened_after_version, hit.entry_version],
            },
        )


def screen(subject_id: int) -> ScreeningSubject:
    """Screen the subject against every active list: hits written in one transaction, then `subject_screened`.

    Idempotent: run again, it finds the same hits and writes nothing new; the signal is sent
    only when the subject moves from pending to screened.
    """
    with transaction.atomic():
        subject = (
            ScreeningSubject.objects.select_for_update(of=("self",))
            .select_related("case__person", "case__current_office")
            .get(pk=subject_id)
        )
        applicant = Applicant.of(subject.case.person, subject.documents)
        _write_subject_keys(subject, applicant)  # the person's name may have been corrected since
        before = subject.hits.count()
        written = _write_hits(subject, find(applicant).found)
        was_pending = subject.status == ScreeningSubject.Status.PENDING
        subject.status, subject.screened_at = ScreeningSubject.Status.SCREENED, timezone.now()
        subject.save(update_fields=["status", "screened_at"])
        if written.changed or was_pending:
            system = _system(subject)
            record(
                by=system,
                action=Action.UPDATE,
                target=subject,
                changes={
                    "status": [ScreeningSubject.Status.PENDING if was_pending else subject.status, subject.status],
                    "hits": [before, before + written.created],
                },
            )
            _audit_reopened(system, written.reopened)
        if was_pending:
            transaction.on_commit(lambda: subject_screened.send(sender=ScreeningSubject, subject=subject))
    return subject


@dataclass
class Rescreen:
    """What a re-screen after an import looked at: the entries it changed, and the subjects they could affect."""

    entries: set[int] = field(default_factory=set)
    delisted: set[int] = field(default_factory=set)
    subjects: int = 0
    candidates_scored: int = 0
    hits_found: int = 0
    hits_delisted: int = 0


def entries_changed(run: WatchlistImport, entry_ids: Sequence[int]) -> None:
    """Called by the import inside its transaction: keys rewritten now, the re-screen after commit."""
    if not entry_ids:
        return
    rebuild_entry_keys(entry_ids)
    from consular.screening import tasks

    transaction.on_commit(lambda pk=run.pk: tasks.rescreen_after_import.delay(pk))


def _chunks(values: Sequence, size: int = 1000):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def rescreen_after_import(import_id: int) -> Rescreen:
    """Screen the open subjects the import can affect against only the entries it added, changed or listed again.

    The subjects are found by `SubjectKey.key IN (the changed entries' keys and document numbers)`, so
    the work grows with the update, not with the lists or the open applications. Idempotent.
    """
    run = WatchlistImport.objects.get(pk=import_id)
    report = Rescreen()
    for entry_id, change in EntryVersion.objects.filter(made_by=run).values_list("entry_id", "change"):
        (report.delisted if change == EntryVersion.Change.DELISTED else report.entries).add(entry_id)
    entries_by_key: dict[str, set[int]] = defaultdict(set)
    changed = sorted(report.entries)
    for ids in _chunks(changed):
        for entry_id, key in EntryKey.objects.filter(entry_id__in=ids).values_list("entry_id", "key"):
            entries_by_key[key].add(entry_id)
        for entry_id, number in (
            EntryDocument.objects.filter(entry_id__in=ids).exclude(number="").values_list("entry_id", "number")
        ):
            entries_by_key[f"{DOCUMENT_KEY_PREFIX}{number}"[:KEY_LENGTH]].add(entry_id)
    entries_by_subject: dict[int, set[int]] = defaultdict(set)
    for keys in _chunks(sorted(entries_by_key)):
        rows = SubjectKey.objects.filter(key__in=keys, subject__closed=False, subject__case__closed_at__isnull=True)
        rows = rows.values_list("subject_id", "key")
        for subject_id, key in rows:
            entries_by_subject[subject_id] |= entries_by_key[key]
    # The system acting for HQ, which publishes the lists (the importing office, where there is no HQ).
    office = Office.objects.filter(kind=Office.Kind.HQ).order_by("pk").first()
    office = office or Office.objects.filter(code=run.office_code).first() or Office.objects.order_by("pk").first()
    system = Actor.system(office)
    # The changed entries are read once; each applicant is judged against those sharing a key, with no query,
    # and only an applicant with a hit is locked and written.
    in_force = set()
    for ids in _chunks(changed):
        in_force |= set(ListEntry.objects.listed().filter(pk__in=ids).values_list("pk", flat=True))
    candidates = candidate_details(sorted(in_force))
    documents = listed_documents(entry_ids=sorted(in_force))
    subject_ids = sorted(entries_by_subject)
    for ids in _chunks(subject_ids, 500):
        subjects = ScreeningSubject.objects.open().filter(pk__in=ids).select_related("case__person")
        for subject in subjects:
            among = entries_by_subject[subject.pk] & in_force
            applicant = Applicant.of(subject.case.person, subject.documents)
            verdicts = judge(applicant, {pk: candidates[pk] for pk in among}, documents, among)
            report.subjects += 1
            report.candidates_scored += len(among)
            if not verdicts:
                continue
            with transaction.atomic():
                locked = (
                    ScreeningSubject.objects.select_for_update(of=("self",)).filter(pk=subject.pk, closed=False).first()
                )
                if locked is None:
                    continue
                written = _write_hits(locked, with_entries(verdicts))
                _audit_reopened(system, written.reopened)
            report.hits_found += written.changed
    if report.delisted:
        delisted_on = dict(
            EntryVersion.objects.filter(made_by=run, entry_id__in=report.delisted).values_list(
                "entry_id", "delisted_on"
            )
        )
        for entry_id, day in delisted_on.items():
            report.hits_delisted += ScreeningHit.objects.filter(
                entry_id=entry_id, entry_delisted_on__isnull=True
            ).update(entry_delisted_on=day, version=F("version") + 1, updated_at=timezone.now())
    if report.hits_found or report.hits_delisted:
        record(
            by=system,
            action=Action.UPDATE,
            target=run,
            changes={
                "subjects_screened": [None, report.subjects],
                "hits_found": [None, report.hits_found],
                "hits_delisted": [None, report.hits_delisted],
            },
        )
    return report


# ---------------------------------------------------------------------------------------
# Adjudication
# ---------------------------------------------------------------------------------------


def _ensure_adjudicator(by: Actor) -> None:
    if by.is_read_only or by.role not in ADJUDICATORS:
        raise AdjudicationRefused(_("Only officers, supervisors and HQ officers adjudicate screening hits."))


def _clean_note(note: str, *, required: bool) -> str:
    note = text.clean(note, multiline=True)
    if (problem := text.problem(note, multiline=True)) is not None:
        raise ValidationError({"note": [problem]})
    if required and not note:
        raise ValidationError({"note": [_("Say why in a note.")]})
    return note


def _decide(hit: ScreeningHit, *, by: Actor, expected_version: int, old_status: str, **fields) -> ScreeningHit:
    fields["updated_at"] = timezone.now()
    old_reason = hit.clear_reason
    update_if_current(hit, expected_version, **fields)
    changes = {"status": [old_status, fields.get("status", old_status)]}
    if fields.get("clear_reason", old_reason) != old_reason:
        changes["clear_reason"] = [old_reason or None, fields["clear_reason"] or None]
    record(by=by, action=Action.UPDATE, target=hit, changes=changes)
    return hit


def _user(by: Actor):
    return by.user if by.user is not None and by.user.pk is not None else None


def _may_adjudicate_now(hit: ScreeningHit, allowed: Iterable[str]) -> None:
    if hit.status not in allowed:
        raise AdjudicationRefused(
            _("This hit is %(status)s: it cannot be adjudicated that way now.")
            % {"status": hit.get_status_display().lower()}
        )


@transaction.atomic
def confirm_hit(hit: ScreeningHit, *, by: Actor, note: str = "", expected_version: int) -> ScreeningHit:
    """The applicant is the listed person (or holds the listed document)."""
    _ensure_adjudicator(by)
    _may_adjudicate_now(hit, (Status.OPEN,))
    note = _clean_note(note, required=False)
    return _decide(
        hit,
        by=by,
        expected_version=expected_version,
        old_status=hit.status,
        status=Status.CONFIRMED,
        note=note,
        **_decided(by),
    )


@transaction.atomic
def clear_hit(hit: ScreeningHit, *, by: Actor, reason: str, note: str, expected_version: int) -> ScreeningHit:
    """A false match, with its reason and note; on a sanctions list only proposed, for a second person."""
    _ensure_adjudicator(by)
    _may_adjudicate_now(hit, (Status.OPEN,))
    if reason not in ScreeningHit.ClearReason.values:
        raise ValidationError({"reason": [_("Choose the reason for clearing the hit.")]})
    note = _clean_note(note, required=True)
    now = timezone.now()
    if hit.needs_second_person:
        return _decide(
            hit,
            by=by,
            expected_version=expected_version,
            old_status=hit.status,
            status=Status.CLEARANCE_PROPOSED,
            clear_reason=reason,
            note=note,
            proposed_by=by.name,
            proposed_by_user=_user(by),
            proposed_at=now,
        )
    return _decide(
        hit,
        by=by,
        expected_version=expected_version,
        old_status=hit.status,
        status=Status.CLEARED,
        clear_reason=reason,
        note=note,
        **_decided(by, now),
    )


def _decided(by: Actor, when=None) -> dict:
    """Who decided the hit, and when: the fields every final adjudication writes."""
    return {"decided_by": by.name, "decided_by_user": _user(by), "decided_at": when or timezone.now()}


def proposed_by(hit: ScreeningHit, actor: Actor) -> bool:
    """Whether `actor` proposed this hit's clearance (and so may not be its second person)."""
    proposer = hit.proposed_by_user_id
    same_user = proposer is not None and actor.user is not None and proposer == actor.user.pk
    return same_user or hit.proposed_by == actor.name


def _ensure_second_person(hit: ScreeningHit, by: Actor) -> None:
    if by.is_read_only or by.role not in SECOND_PERSONS:
        raise AdjudicationRefused(_("Only a supervisor or an HQ officer agrees to clearing a sanctions-list hit."))
    _may_adjudicate_now(hit, (Status.CLEARANCE_PROPOSED,))


@transaction.atomic
def agree_clearance(hit: ScreeningHit, *, by: Actor, note: str = "", expected_version: int) -> ScreeningHit:
    """The second person agrees: the hit is cleared. Not the person who proposed it."""
    _ensure_second_person(hit, by)
    if proposed_by(hit, by):
        raise AdjudicationRefused(_("A second person must agree: you proposed this clearance yourself."))
    note = _clean_note(note, required=False)
    return _decide(
        hit,
        by=by,
        expected_version=expected_version,
        old_status=hit.status,
        status=Status.CLEARED,
        second_note=note,
        **_decided(by),
    )


@transaction.atomic
def reject_clearance(hit: ScreeningHit, *, by: Actor, note: str = "", expected_version: int) -> ScreeningHit:
    """The second person does not agree: the hit is open again, to be confirmed or cleared anew."""
    _ensure_second_person(hit, by)
    note = _clean_note(note, required=True)
    return _decide(
        hit,
        by=by,
        expected_version=expected_version,
        old_status=hit.status,
        status=Status.OPEN,
        second_note=note,
        clear_reason="",
        **_decided(by),
    )


# ---------------------------------------------------------------------------------------
# What a decision needs
# ---------------------------------------------------------------------------------------


def hits_for(case):
    """The case's hits, best first, with what the hit include shows."""
    return ScreeningHit.objects.filter(subject__case=case).select_related("entry__watchlist").order_by("-score", "id")


def decision_blockers(case) -> list[str]:
    """Why the case cannot be decided yet as far as screening goes, in the reader's language; empty when it can."""
    subject = ScreeningSubject.objects.filter(case=case).first()
    if subject is None or subject.status != ScreeningSubject.Status.SCREENED:
        return [_("The applicant has not been screened against the watchlists yet.")]
    blockers = []
    waiting = subject.hits.awaiting_adjudication()
    open_count = waiting.filter(status=Status.OPEN).count()
    proposed = waiting.filter(status=Status.CLEARANCE_PROPOSED).count()
    if open_count:
        blockers.append(
            ngettext(
                "%(count)d screening hit is not adjudicated.",
                "%(count)d screening hits are not adjudicated.",
                open_count,
            )
            % {"count": open_count}
        )
    if proposed:
        blockers.append(
            ngettext(
                "%(count)d clearance of a screening hit awaits a second person.",
                "%(count)d clearances of screening hits await a second person.",
                proposed,
            )
            % {"count": proposed}
        )
    return blockers


def has_confirmed_hit(case) -> bool:
    """A confirmed hit on an entry still in force: it blocks approval unless HQ instructs otherwise."""
    return ScreeningHit.objects.filter(
        subject__case=case, status=Status.CONFIRMED, entry__delisted_on__isnull=True
    ).exists()
