"""Every write to persons and identity documents: one named function each, audited with old and new values."""

import unicodedata
from datetime import date
from typing import Any

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consular.audit.actions import Action, changes_between, record
from consular.identity.models import DUPLICATE_DOCUMENT, IdentityDocument, Person, Sex
from consular.offices.scoping import Actor
from consular.workflow.versions import StaleVersion, update_if_current

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
    document.full_clean()
    try:
        # full_clean checked uniqueness; the constraint still decides when two clerks add the same document at once.
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
