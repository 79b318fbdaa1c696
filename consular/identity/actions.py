"""Every write to persons and identity documents: one named function each, audited with old and new values."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from consular import text
from consular.audit.actions import (
    Action,
    Phrase,
    changes_between,
    describe_change,
    probe_fingerprint,
    recent_probes,
    record,
    record_probe,
)
from consular.identity.models import (
    DUPLICATE_DOCUMENT,
    DuplicateReview,
    IdentityDocument,
    OfficeNameKey,
    Person,
    PersonAccess,
    PersonNameKey,
    Sex,
    normalised_latin_name,
)
from consular.identity.names import PartialDate, blocking_keys
from consular.identity.search import Duplicate, DuplicateCheck, likely_duplicates
from consular.offices.models import Office, Role
from consular.offices.scoping import Actor
from consular.versions import StaleVersion, update_if_current

# What a person's record holds and the actions may change; the rest (office, merge, version) is bookkeeping.
# Change keys of a merge, which are not fields of the person.
describe_change("merged_from", _("merged from record"), model="identity.person")
describe_change("documents", _("documents moved"), model="identity.person")

PERSON_FIELDS = (
    "family_name",
    "given_names",
    "family_name_native",
    "given_names_native",
    "family_name_reading",
    "given_names_reading",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "place_of_birth",
    "nationalities",
    "address_abroad",
    "address_home",
    "email",
    "phone",
    "honseki_prefecture",
)
LATIN_NAME_FIELDS = ("family_name", "given_names")
READING_FIELDS = ("family_name_reading", "given_names_reading")
TEXT_FIELDS = (
    "family_name_native",
    "given_names_native",
    "place_of_birth",
    "address_abroad",
    "address_home",
    "email",
    "honseki_prefecture",
)
MULTILINE_FIELDS = ("address_abroad", "address_home")


def _ensure_may_write(actor: Actor, person: Person | None = None) -> None:
    if actor.is_read_only:
        raise PermissionDenied("Auditors read personal data; they do not change it.")
    if person is not None and not Person.unscoped.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("This person is not visible to your office.")


def normalised_phone(raw: str) -> str:
    """E.164 (`+12125550100`) when `raw` is a valid international number; else `raw`, for the validator to refuse."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    international = "+" + raw[2:] if raw.startswith("00") else raw
    try:
        number = phonenumbers.parse(international, None)
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_valid_number(number):
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """Input as clerks and documents give it, in the one form the record keeps."""
    values = dict(fields)
    for name in LATIN_NAME_FIELDS:
        if name in values:
            values[name] = normalised_latin_name(values[name])
    for name in READING_FIELDS:
        if name in values:
            # NFKC turns half-width katakana (ｵｵﾉ) into full-width (オオノ); readings carry no kanji it could change.
            values[name] = _single_spaced(unicodedata.normalize("NFKC", values[name] or ""))
    for name in TEXT_FIELDS:
        if name in values:
            # Native names get NFC, not NFKC, which would swap variant kanji (e.g. 﨑) that people rightly
            # insist on; `text.clean` also keeps the compatibility ideographs NFC would replace.
            values[name] = text.clean(values[name], multiline=name in MULTILINE_FIELDS)
    if isinstance(values.get("nationalities"), list | tuple):
        codes = [str(code).strip().upper() for code in values["nationalities"]]
        values["nationalities"] = list(dict.fromkeys(codes))
    if "phone" in values:
        values["phone"] = normalised_phone(values["phone"])
    return values


def _single_spaced(value: str) -> str:
    return " ".join(part for part in value.split(" ") if part)


def _for_audit(values: dict[str, Any]) -> dict[str, Any]:
    audited = dict(values)
    if isinstance(audited.get("nationalities"), list):
        audited["nationalities"] = " ".join(audited["nationalities"])
    return audited


@transaction.atomic
def create_person(
    *,
    by: Actor,
    family_name: str,
    given_names: str = "",
    sex: Sex | str,
    birth_year: int,
    birth_month: int | None = None,
    birth_day: int | None = None,
    nationalities: list[str],
    family_name_native: str = "",
    given_names_native: str = "",
    family_name_reading: str = "",
    given_names_reading: str = "",
    place_of_birth: str = "",
    address_abroad: str = "",
    address_home: str = "",
    email: str = "",
    phone: str = "",
    honseki_prefecture: str = "",
) -> Person:
    """A new person, recorded as created by the actor's office; ValidationError (per field) saves nothing."""
    _ensure_may_write(by)
    values = _normalised(
        {
            "family_name": family_name,
            "given_names": given_names,
            "family_name_native": family_name_native,
            "given_names_native": given_names_native,
            "family_name_reading": family_name_reading,
            "given_names_reading": given_names_reading,
            "sex": sex,
            "birth_year": birth_year,
            "birth_month": birth_month,
            "birth_day": birth_day,
            "place_of_birth": place_of_birth,
            "nationalities": nationalities,
            "address_abroad": address_abroad,
            "address_home": address_home,
            "email": email,
            "phone": phone,
            "honseki_prefecture": honseki_prefecture,
        }
    )
    person = Person(**values, created_by_office=by.office)
    person.full_clean()
    person.save()
    PersonAccess.objects.create(person=person, office=by.office)
    refresh_name_keys(person)
    given = {name: value for name, value in values.items() if value not in ("", None, [])}
    record(
        by=by,
        action=Action.CREATE,
        target=person,
        changes=changes_between({}, {**_for_audit(given), "created_by_office": by.office.code}),
    )
    return person


@transaction.atomic
def update_person(person: Person, *, by: Actor, expected_version: int, **changes: Any) -> Person:
    """Change some of a person's fields, if nobody changed the person since `expected_version` was read.

    Only fields whose value really changes are written and audited; a change to nothing
    writes nothing. StaleVersion when the person changed meanwhile; ValidationError saves nothing.
    """
    unknown = sorted(set(changes) - set(PERSON_FIELDS))
    if unknown:
        raise TypeError(f"update_person() cannot change {', '.join(unknown)}")
    _ensure_may_write(by, person)
    # The row as stored, not the instance a form may already have changed.
    stored = Person.unscoped.get(pk=person.pk)
    if stored.version != expected_version:
        raise StaleVersion(stored.version)
    wanted = _normalised(changes)
    before = {name: getattr(stored, name) for name in wanted}
    changed = {name: value for name, value in wanted.items() if value != before[name]}
    if not changed:
        return person
    for name, value in changed.items():
        setattr(stored, name, value)
    stored.full_clean()
    # update_if_current is a queryset update, which skips auto_now: set updated_at ourselves.
    update_if_current(person, expected_version, **changed, updated_at=timezone.now())
    person.refresh_from_db()
    refresh_name_keys(person)
    record(
        by=by,
        action=Action.UPDATE,
        target=person,
        changes=changes_between(_for_audit({name: before[name] for name in changed}), _for_audit(changed)),
    )
    return person


def normalised_document_number(raw: str) -> str:
    """Document numbers are letters and digits (ICAO 9303); spaces and hyphens are only print layout."""
    return "".join(character for character in (raw or "").upper() if character not in " -")


@transaction.atomic
def add_document(
    person: Person,
    *,
    by: Actor,
    kind: IdentityDocument.Kind | str,
    number: str,
    issuing_state: str,
    issued_on: date,
    expires_on: date | None = None,
    status: IdentityDocument.Status | str = IdentityDocument.Status.VALID,
) -> IdentityDocument:
    """Record a document the person holds or held; ValidationError (per field) saves nothing."""
    _ensure_may_write(by, person)
    document = IdentityDocument(
        person=person,
        kind=kind,
        number=normalised_document_number(number),
        issuing_state=(issuing_state or "").strip().upper(),
        issued_on=issued_on,
        expires_on=expires_on,
        status=status,
    )
    # The table's constraints, checked here to put each error on its field (full_clean reports them for the form).
    document.full_clean(validate_constraints=False)
    if document.expires_on and document.issued_on and document.expires_on < document.issued_on:
        raise ValidationError({"expires_on": _("A document cannot expire before it is issued.")})
    if IdentityDocument.unscoped.filter(
        kind=document.kind, issuing_state=document.issuing_state, number=document.number
    ).exists():
        raise ValidationError({"number": DUPLICATE_DOCUMENT})
    try:
        # Checked above; the constraint still decides when two clerks add the same document at once.
        with transaction.atomic():
            document.save()
    except IntegrityError as clash:
        raise ValidationError({"number": DUPLICATE_DOCUMENT}) from clash
    record(
        by=by,
        action=Action.CREATE,
        target=document,
        changes=changes_between(
            {},
            {
                "person": person.pk,
                "kind": document.kind,
                "number": document.number,
                "issuing_state": document.issuing_state,
                "issued_on": issued_on,
                "expires_on": expires_on,
                "status": document.status,
            },
        ),
    )
    return document


@transaction.atomic
def change_document_status(
    document: IdentityDocument, *, status: IdentityDocument.Status | str, by: Actor, expected_version: int
) -> IdentityDocument:
    """Mark a document expired, lost, stolen, revoked …; StaleVersion when it changed since it was read."""
    _ensure_may_write(by, document.person)
    if status not in IdentityDocument.Status.values:
        raise ValidationError({"status": _("Choose one of the document statuses.")})
    stored = IdentityDocument.unscoped.filter(pk=document.pk).values("status", "version").get()
    if stored["version"] != expected_version:
        raise StaleVersion(stored["version"])
    if stored["status"] == status:
        return document
    update_if_current(document, expected_version, status=status, updated_at=timezone.now())
    record(
        by=by,
        action=Action.UPDATE,
        target=document,
        changes=changes_between({"status": stored["status"]}, {"status": str(status)}),
    )
    return document


def grant_person_access(person_ids, office) -> None:
    """The office may read these persons from now on: called by the workflow when a case opens there or is handed over.

    Idempotent (one row per person and office), and a constant number of queries however
    many persons: a production batch hands hundreds of cases over at once.
    """
    person_ids = sorted(set(person_ids))
    PersonAccess.objects.bulk_create(
        [PersonAccess(person_id=pk, office=office) for pk in person_ids], ignore_conflicts=True
    )
    if searches_own_persons(office):
        keys = PersonNameKey.objects.filter(person__in=person_ids).values_list("person_id", "key", "birth_year")
        OfficeNameKey.objects.bulk_create(
            [OfficeNameKey(office=office, person_id=pk, key=key, birth_year=year) for pk, key, year in keys],
            ignore_conflicts=True,
        )


def searches_own_persons(office: Office) -> bool:
    """An office whose searches read its own copy of its persons' keys: every office but HQ, which reads them all."""
    return office.kind != Office.Kind.HQ


# ---------------------------------------------------------------------------------------
# Search keys and merging
# ---------------------------------------------------------------------------------------


def person_name_keys(person: Person) -> set[str]:
    """Blocking keys of the person's passport name and kana reading (kanji carry no sound to key).

    The family name is also keyed alone, as a query of only a family name keys it.
    """
    keys = blocking_keys(person.family_name, person.given_names) | blocking_keys(person.family_name, "")
    if person.family_name_reading or person.given_names_reading:
        keys |= blocking_keys(person.family_name_reading, person.given_names_reading)
        keys |= blocking_keys(person.family_name_reading, "")
    return {key for key in keys if key and len(key) <= PersonNameKey._meta.get_field("key").max_length}


def refresh_name_keys(person: Person) -> None:
    """Rewrite the person's search keys, and each reading office's copy: their own names and those merged into them."""
    keys = person_name_keys(person)
    for merged in Person.unscoped.filter(merged_into=person):
        keys |= person_name_keys(merged)
    stored = set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
    PersonNameKey.objects.filter(person=person, key__in=stored - keys).delete()
    PersonNameKey.objects.filter(person=person).exclude(birth_year=person.birth_year).update(
        birth_year=person.birth_year
    )
    PersonNameKey.objects.bulk_create(
        [PersonNameKey(person=person, key=key, birth_year=person.birth_year) for key in sorted(keys - stored)]
    )
    copies = OfficeNameKey.objects.filter(person=person)
    copies.exclude(key__in=keys).delete()
    copies.exclude(birth_year=person.birth_year).update(birth_year=person.birth_year)
    offices = [access.office for access in PersonAccess.objects.filter(person=person).select_related("office")]
    OfficeNameKey.objects.bulk_create(
        [
            OfficeNameKey(office=office, person=person, key=key, birth_year=person.birth_year)
            for office in offices if searches_own_persons(office) for key in sorted(keys)
        ],
        ignore_conflicts=True,
    )


class MergeRefused(Exception):
    """A merge the rules do not allow; `message` says why, for the supervisor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# What the floors above keep per person and must follow a merge (e.g. the workflow's cases), as
# functions (keep, merge) -> {"cases": "12 15"} of moved ids for the audit entry. Registered by those floors
# (imported from their AppConfig.ready()), because identity may not import them (the import-linter layers contract).
MERGE_FOLLOWERS: list[Callable[[Person, Person], dict[str, str]]] = []


def follow_merges(mover: Callable[[Person, Person], dict[str, str]]) -> Callable[[Person, Person], dict[str, str]]:
    """Register (as a decorator) what moves a floor's own rows from the merged person to the kept one.

    Each runs inside the merge's transaction; a failure rolls the whole merge back.
    """
    if mover not in MERGE_FOLLOWERS:
        MERGE_FOLLOWERS.append(mover)
    return mover


@transaction.atomic
def merge_persons(*, keep: Person, merge: Person, by: Actor, expected_versions: tuple[int, int]) -> Person:
    """Merge the duplicate `merge` into `keep`: its documents, access and cases move, both records stay.

    `merge` is not deleted: it keeps its own audit history and is marked `merged_into`,
    so old references still resolve and the merge can be read back (DESIGN: "a merge keeps
    both histories"). `expected_versions` are (keep, merge) as the supervisor saw them;
    StaleVersion if either changed. Supervisors only; both persons must be visible to them.
    """
    _ensure_may_write(by)
    if by.role != Role.SUPERVISOR:
        raise PermissionDenied("Only a supervisor merges persons.")
    if keep.pk == merge.pk:
        raise MergeRefused(_("A person cannot be merged into themselves."))
    _ensure_may_write(by, keep)
    _ensure_may_write(by, merge)
    # Lock both rows in a fixed order so two merges of the same pair cannot interleave.
    stored = {p.pk: p for p in Person.unscoped.select_for_update().filter(pk__in=[keep.pk, merge.pk]).order_by("pk")}
    for person, expected in zip((keep, merge), expected_versions, strict=True):
        if stored[person.pk].version != expected:
            raise StaleVersion(stored[person.pk].version)
        if stored[person.pk].merged_into_id is not None:
            raise MergeRefused(_("%(person)s has already been merged into another record.") % {"person": person})
    document_ids = sorted(IdentityDocument.unscoped.filter(person=merge).values_list("pk", flat=True))
    # Documents are re-pointed in bulk; the audit entries below list every moved id.
    IdentityDocument.unscoped.filter(pk__in=document_ids).update(person=keep, updated_at=timezone.now())
    # Every office that could read either record reads the kept one.
    offices = list(PersonAccess.objects.filter(person=merge).values_list("office_id", flat=True))
    PersonAccess.objects.bulk_create([PersonAccess(person=keep, office_id=pk) for pk in offices],
                                     ignore_conflicts=True)
    moved = {"documents": " ".join(map(str, document_ids))}
    for follower in MERGE_FOLLOWERS:
        moved |= follower(keep, merge)
    now = timezone.now()
    update_if_current(merge, expected_versions[1], merged_into=keep, updated_at=now)
    update_if_current(keep, expected_versions[0], updated_at=now)
    refresh_name_keys(keep)
    PersonNameKey.objects.filter(person=merge).delete()  # found through `keep` from now on
    OfficeNameKey.objects.filter(person=merge).delete()
    record(
        by=by,
        action=Action.UPDATE,
        target=merge,
        changes=changes_between({"merged_into": None}, {"merged_into": keep.pk}),
    )
    record(
        by=by,
        action=Action.UPDATE,
        target=keep,
        changes=changes_between({}, {"merged_from": merge.pk, **moved}),
    )
    return keep


# ---------------------------------------------------------------------------------------
# The duplicate check and HQ's duplicate reviews
# ---------------------------------------------------------------------------------------

# A check that matched someone the caller may not read is a "near miss": a clerk recording a
# citizen known elsewhere meets a few a day; a dozen distinct ones in an hour is someone probing.
NEAR_MISSES_PER_HOUR = 10
# Stored as written, and `recent_probes` counts near misses by this text: never reword them.
CHECKED = Phrase(gettext_noop("duplicate check"))
NEAR_MISSED = Phrase(gettext_noop("duplicate check: matched a record of another office"))
CHECK_REFUSED = Phrase(gettext_noop("duplicate check: refused"))
DUPLICATE_CHECK = CHECKED()
NEAR_MISS = NEAR_MISSED()
REVIEW_QUEUED = Phrase(gettext_noop("duplicate review of %(person)s"))
describe_change("date_of_birth", _("date of birth asked"))
describe_change("hidden", _("matching records of other offices"))
describe_change("duplicate_review", _("duplicate review at HQ against records"), model="identity.person")


class TooManyProbes(Exception):
    """The caller made too many checks that matched records they may not read: checking is stopped for the hour."""

    message = _(
        "Too many new persons this hour matched records of other offices. Checking is paused for an hour; "
        "ask HQ if you need to record more persons now."
    )


def check_for_duplicates(
    *,
    by: Actor,
    family_name: str,
    given_names: str = "",
    family_name_reading: str = "",
    given_names_reading: str = "",
    date_of_birth: PartialDate | None = None,
    nationality: str = "",
    request: HttpRequest | None = None,
) -> DuplicateCheck:
    """`search.likely_duplicates`, audited as a read and rate-limited; TooManyProbes once probing is stopped.

    The audit entry names every candidate, readable or not (auditors read everything). A check
    that met records the caller may not read counts as a near miss, once per distinct question,
    and after NEAR_MISSES_PER_HOUR of them in an hour every check is refused, whatever it would
    find, so the refusal itself tells nothing.
    """
    question = (family_name, given_names, family_name_reading, given_names_reading, date_of_birth, nationality)
    asked = {"query": f"{family_name} {given_names}".strip(), "date_of_birth": str(date_of_birth or "")}
    if recent_probes(by=by, kind=NEAR_MISS, distinct=True) >= NEAR_MISSES_PER_HOUR:
        record(by=by, action=Action.READ, request=request, object_repr=CHECK_REFUSED(), changes=asked)
        raise TooManyProbes(TooManyProbes.message)
    check = likely_duplicates(
        actor=by, family_name=family_name, given_names=given_names, family_name_reading=family_name_reading,
        given_names_reading=given_names_reading, date_of_birth=date_of_birth, nationality=nationality,
    )
    found = {
        **asked,
        "persons": " ".join(str(duplicate.person.pk) for duplicate in check.visible),
        "hidden": " ".join(str(pk) for pk, _score in check.hidden),
    }
    if check.hidden:
        record_probe(by=by, kind=NEAR_MISS, fingerprint=probe_fingerprint(*question), request=request, changes=found)
    else:
        record(by=by, action=Action.READ, request=request, object_repr=DUPLICATE_CHECK, changes=found)
    return check


@transaction.atomic
def queue_duplicate_reviews(person: Person, hidden: list[tuple[int, float]], *, by: Actor) -> list[DuplicateReview]:
    """Ask HQ whether `person`, just recorded, is one of the `hidden` candidates (DuplicateCheck.hidden)."""
    if not hidden:
        return []
    reviews = DuplicateReview.unscoped.bulk_create(
        [
            DuplicateReview(person=person, candidate_id=pk, score=score, raised_by_office=by.office, raised_by=by.name)
            for pk, score in hidden
            if pk != person.pk
        ],
        ignore_conflicts=True,
    )
    record(by=by, action=Action.CREATE, target=person, object_repr=REVIEW_QUEUED(person=person)[:300],
           changes={"duplicate_review": [None, " ".join(str(pk) for pk, _score in hidden)]})
    return reviews


@dataclass(frozen=True)
class Recorded:
    """What `record_new_person` did: the new person, or the readable duplicates waiting for the caller's decision."""

    person: Person | None
    duplicates: list[Duplicate]
    review_pending: bool = False


def record_new_person(
    *, by: Actor, fields: dict[str, Any], confirm_new: bool, request: HttpRequest | None = None
) -> Recorded:
    """Record a person after the duplicate check, as every page and API that records a person does.

    Readable likely duplicates come back first (person None) unless the caller confirms a new
    record; possible duplicates the caller may not read are queued for HQ's review in the same
    transaction as the new record. `fields` are `create_person`'s; ValidationError saves
    nothing; TooManyProbes when the caller's checks are paused.
    """
    # The record must be valid first: a name with a look-alike letter or a hidden control character is
    # refused before it is compared with anyone (and before it lands in the audit entry of the check).
    _ensure_may_write(by)
    values = _normalised(fields)
    Person(**values, created_by_office=by.office).full_clean()
    check = check_for_duplicates(
        by=by,
        family_name=values["family_name"],
        given_names=values.get("given_names", ""),
        family_name_reading=values.get("family_name_reading", ""),
        given_names_reading=values.get("given_names_reading", ""),
        date_of_birth=PartialDate(values["birth_year"], values.get("birth_month"), values.get("birth_day")),
        nationality=str((values.get("nationalities") or [""])[0]),
        request=request,
    )
    if check.visible and not confirm_new:
        return Recorded(None, check.visible)
    with transaction.atomic():
        person = create_person(by=by, **fields)
        queue_duplicate_reviews(person, check.hidden, by=by)
    return Recorded(person, check.visible, review_pending=bool(check.hidden))


def has_pending_review(person: Person) -> bool:
    """What the raising office may know: that HQ still has to look at this record (never with whom)."""
    return DuplicateReview.unscoped.pending().filter(person=person).exists()


class ReviewRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def decide_duplicate_review(
    review: DuplicateReview, *, same_person: bool, note: str, by: Actor, expected_version: int,
    expected_person_versions: tuple[int, int] | None = None,
) -> DuplicateReview:
    """HQ's decision on one review: the same person (the new record is merged into the existing one) or distinct.

    StaleVersion when the review (or, for a merge, either record) changed since the reviewer
    read it. Only HQ decides; merging follows `merge_persons`' rules (supervisors only).
    """
    _ensure_may_write(by)
    if not by.sees_all_offices:
        raise PermissionDenied("Duplicate reviews are decided at HQ.")
    stored = DuplicateReview.unscoped.select_for_update().select_related("person", "candidate").get(pk=review.pk)
    if stored.version != expected_version:
        raise StaleVersion(stored.version)
    if stored.status != DuplicateReview.Status.PENDING:
        raise ReviewRefused(_("This review has already been decided."))
    if not note.strip() and not same_person:
        raise ReviewRefused(_("Say why these are different persons."))
    status = DuplicateReview.Status.SAME_PERSON if same_person else DuplicateReview.Status.DISTINCT
    if same_person:
        if expected_person_versions is None:
            raise ReviewRefused(_("Confirm both records as you saw them."))
        candidate_version, person_version = expected_person_versions
        merge_persons(keep=stored.candidate, merge=stored.person, by=by,
                      expected_versions=(candidate_version, person_version))
        # The merged record's other open questions are now the kept record's.
        (
            DuplicateReview.unscoped.pending().filter(person=stored.person).exclude(pk=stored.pk)
            .exclude(candidate=stored.candidate).update(person=stored.candidate)
        )
    update_if_current(review, expected_version, status=status, note=note.strip(), decided_by=by.name,
                      decided_at=timezone.now())
    before = {"status": DuplicateReview.Status.PENDING}
    record(by=by, action=Action.UPDATE, target=review,
           changes=changes_between(before, {"status": status, "note": note.strip()}))
    return review
