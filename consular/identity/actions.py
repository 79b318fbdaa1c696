"""Every write to persons and identity documents: one named function each, audited with old and new values."""

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consular.audit.actions import Action, changes_between, record
from consular.identity.models import DUPLICATE_DOCUMENT, IdentityDocument, Person, PersonAccess, PersonNameKey, Sex
from consular.identity.names import blocking_keys
from consular.offices.models import Role
from consular.offices.scoping import Actor
from consular.versions import StaleVersion, update_if_current

# What a person's record holds and the actions may change; the rest (office, merge, version) is bookkeeping.
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
            # ICAO 9303 prints names in capitals; runs of spaces are a typing accident.
            values[name] = " ".join((values[name] or "").split()).upper()
    for name in READING_FIELDS:
        if name in values:
            # NFKC turns half-width katakana (ｵｵﾉ) into full-width (オオノ); readings carry no kanji it could change.
            values[name] = " ".join(unicodedata.normalize("NFKC", values[name] or "").split())
    for name in TEXT_FIELDS:
        if name in values:
            # Native names are only trimmed: NFKC would swap variant kanji (e.g. 﨑) that people rightly insist on.
            values[name] = (values[name] or "").strip()
    if isinstance(values.get("nationalities"), list | tuple):
        codes = [str(code).strip().upper() for code in values["nationalities"]]
        values["nationalities"] = list(dict.fromkeys(codes))
    if "phone" in values:
        values["phone"] = normalised_phone(values["phone"])
    return values


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
    PersonAccess.objects.bulk_create(
        [PersonAccess(person_id=pk, office=office) for pk in sorted(set(person_ids))], ignore_conflicts=True
    )


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
    """Rewrite the person's search keys: their own names and those of the records merged into them."""
    keys = person_name_keys(person)
    for merged in Person.unscoped.filter(merged_into=person):
        keys |= person_name_keys(merged)
    stored = set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
    PersonNameKey.objects.filter(person=person, key__in=stored - keys).delete()
    PersonNameKey.objects.filter(person=person).exclude(birth_year=person.birth_year).update(
        birth_year=person.birth_year
    )
    PersonNameKey.objects.bulk_create(
        [
            PersonNameKey(
                person=person, key=key, birth_year=person.birth_year, created_by_office_id=person.created_by_office_id
            )
            for key in sorted(keys - stored)
        ]
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
