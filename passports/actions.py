"""Every write to passports: applications, checks, payment, production, collection, loss and theft.

Each function is atomic, takes `by=` (the acting office and role) with no default, writes
its audit entry, and moves the case only through `consular.workflow.actions.fire`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

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
from consular.audit.models import AuditEntry
from consular.documents import files, mrz
from consular.documents.photos import check_photo, clean_photo
from consular.identity.models import IdentityDocument, Person
from consular.offices.models import Office, Role
from consular.offices.numbering import hold_series, next_in_series
from consular.offices.scoping import Actor
from consular.payments.rates import NoExchangeRate, format_money, in_local_currency
from consular.payments.receipts import receive_payment
from consular.versions import StaleVersion, update_if_current
from consular.workflow.actions import (
    TransitionRefused,
    fire,
    fire_many,
    open_case,
    refuse_second_open_case,
    touch,
)
from consular.workflow.models import Case
from passports.models import (
    DOCUMENT_CODES,
    ChecklistItem,
    Fee,
    Invalidation,
    Kind,
    LossReport,
    NumberSeries,
    Passport,
    PassportApplication,
    PassportStatusChange,
    PassportType,
    ProductionBatch,
    ReplacementReason,
    Status,
    age_on,
)
from passports.transitions import CASE_TYPE

ISSUING_STATE = "JPN"
AUTHORITY = "MINISTRY OF FOREIGN AFFAIRS"
ADULT_AGE = 18  # ten-year ordinary passports from 18 (Passport Act, art. 5, as amended 2022)
FAMILY_REGISTER_MAX_AGE_DAYS = 183  # "issued within 6 months" before the application
UNCOLLECTED_LAPSE_MONTHS = 6  # Passport Act, art. 18(1)(ii): not received within 6 months of issue


# How this module's audit entries read (stored in English and codes, shown in the reader's language):
# the keys that are not fields of the entry's target, and the words written as values.
APPLICATION = "passports.passportapplication"
describe_change("person", gettext_lazy("person"), model=APPLICATION)
describe_change("fee", gettext_lazy("fee due"), model=APPLICATION)
describe_change("paid", gettext_lazy("fee paid"), model=APPLICATION)
describe_change("receipt", gettext_lazy("receipt number"), model=APPLICATION)
describe_change("checklist.%(code)s", gettext_lazy("document: %(code)s"), model=APPLICATION,
                parts={"code": dict(ChecklistItem.Code.choices)})
describe_change("checklist.%(code)s.upload", gettext_lazy("scan of the document: %(code)s"), model=APPLICATION,
                parts={"code": dict(ChecklistItem.Code.choices)})
describe_change("photo", gettext_lazy("photo of the application"), model="identity.person")
describe_change("passport", gettext_lazy("passport number"), model="identity.identitydocument")
describe_change("lookup", gettext_lazy("look-up by number, family name and date of birth"))
describe_change("range", gettext_lazy("numbers"), model="passports.numberseries")
describe_change("numbers", gettext_lazy("numbers"), model="passports.productionbatch")
describe_change("sha256", gettext_lazy("SHA-256 of the export"), model="passports.productionbatch")
describe_change("reason", gettext_lazy("reason"), model="passports.productionbatch")
describe_change("document", gettext_lazy("passport number"), model="passports.lossreport")
VERIFIED_BY = Phrase(gettext_noop("verified by %(username)s"))
MATCHED = Phrase(gettext_noop("matched"))
describe_change("number_ends", gettext_lazy("number ending in"))


class FeeNotSet(Exception):
    """HQ has not set a fee or an exchange rate that applies: the application cannot be priced."""


# ---------------------------------------------------------------------------------------
# Fees
# ---------------------------------------------------------------------------------------


def fee_in_yen(passport_type: str, validity_years: int, age: int, day: date) -> int:
    """The schedule line in force on `day` for this type, validity and age."""
    lines = (
        Fee.objects.filter(passport_type=passport_type, validity_years=validity_years, min_age__lte=age,
                           effective_from__lte=day)
        .exclude(max_age__lt=age)
        .order_by("-effective_from", "-min_age")
    )
    line = lines.first()
    if line is None:
        raise FeeNotSet(_("No fee is set for this passport on %(day)s.") % {"day": day.isoformat()})
    return line.amount_jpy


# ---------------------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------------------


def checklist_for(kind: str, passport_type: str, office: Office) -> list[str]:
    """What the procedure asks the applicant to bring, by kind of application."""
    C = ChecklistItem.Code
    items = [C.APPLICATION_FORM, C.PHOTO]
    if kind in (Kind.NEW, Kind.CHANGE) or (kind == Kind.REPLACEMENT):
        items.append(C.FAMILY_REGISTER)
    if kind in (Kind.RENEWAL, Kind.CHANGE) or (kind == Kind.REPLACEMENT):
        items.append(C.PREVIOUS_PASSPORT)
    if kind == Kind.REPLACEMENT:
        items.append(C.LOSS_REPORT)
    if office.kind == Office.Kind.MISSION and passport_type == PassportType.ORDINARY:
        items.append(C.PROOF_OF_RESIDENCE)
    if passport_type != PassportType.ORDINARY:
        items.append(C.OFFICIAL_DUTY)
    return items


def _birth(person: Person) -> tuple[int | None, int | None, int | None]:
    return person.birth_year, person.birth_month, person.birth_day


def _ensure_staff(by: Actor) -> None:
    if by.is_read_only:
        raise PermissionDenied(_("Auditors have read-only access."))


def _photo_errors(photo: bytes | None) -> list[str]:
    if photo is None:
        return []
    result = check_photo(photo)
    return [str(problem) for problem in result.problems]


def _store_photo(application: PassportApplication, photo: bytes) -> None:
    result = check_photo(photo)
    extension = "png" if result.content_type == "image/png" else "jpg"
    application.photo.save(f"{application.case.reference}.{extension}", ContentFile(clean_photo(photo)), save=False)
    application.photo_content_type = result.content_type


@transaction.atomic
def submit_application(
    *,
    by: Actor,
    person: Person,
    kind: str,
    validity_years: int,
    collecting_office: Office,
    passport_type: str = PassportType.ORDINARY,
    replacement_reason: str = "",
    previous_passport: IdentityDocument | None = None,
    photo: bytes | None = None,
    note: str = "",
    second_application_reason: str = "",
) -> PassportApplication:
    """Take in an application: checked field by field (ValidationError saves nothing), priced, and opened as a case.

    A second open application of the same passport type for the person is refused
    (SecondOpenCase) unless a supervisor gives `second_application_reason`. The type, not the
    kind: a person may hold an official passport beside their ordinary one, never two ordinary
    ones, so two open ordinary applications (say a renewal and a replacement) are one too many.
    """
    _ensure_staff(by)
    reason = second_application_reason.strip()
    beside = refuse_second_open_case(
        CASE_TYPE, person=person, by=by, same_kind=Q(passport_application__passport_type=passport_type), reason=reason
    )
    today = by.office.local_today()
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if kind not in Kind.values:
        refuse("kind", _("Choose the kind of application."))
    if passport_type not in PassportType.values:
        refuse("passport_type", _("Choose a passport type."))
    elif passport_type != PassportType.ORDINARY and by.office.kind != Office.Kind.HQ:
        refuse("passport_type", _("Official and diplomatic passports are applied for at HQ only."))
    if ISSUING_STATE not in (person.nationalities or []):
        refuse("person", _("Only Japanese nationals hold a Japanese passport; check the person's nationalities."))
    if person.merged_into_id is not None:
        refuse("person", _("This record was merged into another; apply for the person it was merged into."))
    age = age_on(_birth(person), today)
    if age is None:
        refuse("person", _("The applicant's year of birth is needed to set the validity and the fee."))
    if validity_years not in (5, 10):
        refuse("validity_years", _("A passport is valid for 5 or 10 years."))
    elif validity_years == 10 and age is not None and age < ADULT_AGE and passport_type == PassportType.ORDINARY:
        refuse("validity_years", _("A 10-year passport is issued from age %(age)s; the applicant is %(now)s.")
               % {"age": ADULT_AGE, "now": age})
    if kind == Kind.REPLACEMENT:
        if replacement_reason not in ReplacementReason.values:
            refuse("replacement_reason", _("Say whether the passport was lost, stolen or damaged."))
    else:
        replacement_reason = ""
    if kind in (Kind.RENEWAL, Kind.CHANGE, Kind.REPLACEMENT) and previous_passport is None:
        refuse("previous_passport", _("Choose the passport this application replaces."))
    if previous_passport is not None and (
        previous_passport.person_id != person.pk or previous_passport.kind != IdentityDocument.Kind.PASSPORT
    ):
        refuse("previous_passport", _("Choose one of the applicant's own passports."))
    if collecting_office.kind == Office.Kind.HQ and passport_type == PassportType.ORDINARY:
        refuse("collecting_office", _("Ordinary passports are collected at a mission or a prefectural office."))
    for problem in _photo_errors(photo):
        refuse("photo", problem)
    fee_jpy = fee_amount = 0
    currency = by.office.currency or "JPY"
    if not errors:
        try:
            fee_jpy = fee_in_yen(passport_type, validity_years, age, today)
            fee_amount = in_local_currency(fee_jpy, currency, today)
        except (FeeNotSet, NoExchangeRate) as missing:
            refuse("validity_years", str(missing))
    if errors:
        raise ValidationError(errors)

    if beside is not None:
        # Said on the case itself, so whoever reviews either application sees why there are two.
        confirmation = _("Second open application beside %(reference)s, confirmed by %(name)s: %(reason)s") % {
            "reference": beside.reference, "name": by.name, "reason": reason}
        note = f"{note}\n\n{confirmation}" if note else confirmation
    case = open_case(CASE_TYPE, person=person, by=by, note=note)
    application = PassportApplication(
        case=case, kind=kind, passport_type=passport_type, validity_years=validity_years,
        replacement_reason=replacement_reason, previous_passport=previous_passport,
        collecting_office=collecting_office, applied_on=today, age_on_application=age,
        fee_jpy=fee_jpy, fee_amount=fee_amount, fee_currency=currency,
    )
    if photo is not None:
        _store_photo(application, photo)
    application.save()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(application=application, code=code) for code in checklist_for(kind, passport_type, by.office)
    )
    record(by=by, action=Action.CREATE, target=application, changes=changes_between({}, {
        "case": case.reference, "person": person.pk, "kind": kind, "passport_type": passport_type,
        "validity_years": validity_years, "collecting_office": collecting_office.code,
        "fee": format_money(fee_amount, currency), "photo": bool(photo),
        **({"second_open_application": f"{beside.reference}: {reason}"} if beside is not None else {}),
    }))
    return application


def _holding_office_only(application: PassportApplication, by: Actor) -> None:
    _ensure_staff(by)
    if application.case.current_office_id != by.office.pk:
        raise PermissionDenied(_("The case is held by another office."))


def _while_open(application: PassportApplication) -> None:
    if application.case.status not in (Status.SUBMITTED, Status.UNDER_REVIEW):
        raise TransitionRefused(_("The application is decided; its documents can no longer change."))


@transaction.atomic
def attach_photo(application: PassportApplication, *, by: Actor, photo: bytes, expected_version: int) -> None:
    """Replace the photo (checked first); the photo check on the checklist starts again."""
    _holding_office_only(application, by)
    _while_open(application)
    problems = _photo_errors(photo)
    if problems:
        raise ValidationError({"photo": problems})
    old = application.photo.name
    update_if_current(application, expected_version)
    _store_photo(application, photo)
    PassportApplication.unscoped.filter(pk=application.pk).update(
        photo=application.photo.name, photo_content_type=application.photo_content_type
    )
    application.checklist_items.filter(code=ChecklistItem.Code.PHOTO).update(verified_at=None, verified_by="")
    touch(application.case)
    record(by=by, action=Action.UPDATE, target=application, changes={"photo": [old or None, application.photo.name]})


@transaction.atomic
def verify_item(
    item: ChecklistItem, *, by: Actor, expected_version: int, document_dated: date | None = None
) -> ChecklistItem:
    """A clerk confirms one document; a family register extract must be dated within 6 months."""
    application = item.application
    _holding_office_only(application, by)
    _while_open(application)
    if item.code == ChecklistItem.Code.FAMILY_REGISTER:
        if document_dated is None:
            raise ValidationError({"document_dated": _("Give the date printed on the extract.")})
        if document_dated > application.applied_on:
            raise ValidationError({"document_dated": _("The extract cannot be dated after the application.")})
        if (application.applied_on - document_dated).days > FAMILY_REGISTER_MAX_AGE_DAYS:
            raise ValidationError({"document_dated": _(
                "The extract must be issued within 6 months before the application (%(day)s or later)."
            ) % {"day": (application.applied_on - timedelta(days=FAMILY_REGISTER_MAX_AGE_DAYS)).isoformat()}})
    if item.code == ChecklistItem.Code.PHOTO and not application.photo:
        raise ValidationError({"photo": _("There is no photo to check yet.")})
    update_if_current(application, expected_version)
    now = timezone.now()
    ChecklistItem.objects.filter(pk=item.pk).update(verified_at=now, verified_by=by.name,
                                                    document_dated=document_dated)
    item.verified_at, item.verified_by, item.document_dated = now, by.name, document_dated
    touch(application.case)
    record(by=by, action=Action.UPDATE, target=application,
           changes={f"checklist.{item.code}": [None, VERIFIED_BY(username=by.name)]})
    return item


@transaction.atomic
def upload_document(item: ChecklistItem, *, by: Actor, data: bytes, expected_version: int) -> ChecklistItem:
    """A scanned document for a checklist item (a prefectural system sending what was missing)."""
    application = item.application
    _holding_office_only(application, by)
    _while_open(application)
    content_type = files.scan_content_type(data)
    if content_type is None:
        raise ValidationError({"file": _("Send a PDF, JPEG or PNG file.")})
    if len(data) > files.SCAN_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    update_if_current(application, expected_version)
    name = f"{application.case.reference}-{item.code}.{files.EXTENSIONS[content_type]}"
    item.upload.save(name, ContentFile(data), save=False)
    item.upload_content_type = content_type
    ChecklistItem.objects.filter(pk=item.pk).update(upload=item.upload.name, upload_content_type=content_type)
    touch(application.case)
    record(by=by, action=Action.UPDATE, target=application,
           changes={f"checklist.{item.code}.upload": [None, item.upload.name]})
    return item


@transaction.atomic
def record_payment(
    application: PassportApplication, *, by: Actor, amount: int, currency: str, expected_version: int
) -> PassportApplication:
    """The fee is paid in full, in the office's currency; a numbered receipt is issued."""
    _holding_office_only(application, by)
    _while_open(application)
    payment = receive_payment(application, office=by.office, received_by=by.name, amount=amount, currency=currency)
    update_if_current(application, expected_version, **payment)
    touch(application.case)
    record(by=by, action=Action.UPDATE, target=application,
           changes={"paid": [None, format_money(amount, currency)], "receipt": [None, payment["receipt_number"]]})
    return application


# ---------------------------------------------------------------------------------------
# Production at HQ
# ---------------------------------------------------------------------------------------


def _ensure_hq(by: Actor) -> None:
    if by.office.kind != Office.Kind.HQ or by.role != Role.HQ_OFFICER:
        raise PermissionDenied(_("Passport production is run by HQ officers."))


@transaction.atomic
def open_number_series(*, by: Actor, prefix: str, first: int = 1, last: int = 9_999_999) -> NumberSeries:
    """HQ opens a new range; a prefix is never opened twice, so a number is never issued twice."""
    _ensure_hq(by)
    series = NumberSeries(prefix=(prefix or "").upper(), next_number=first, last_number=last)
    series.full_clean()
    series.save()
    record(by=by, action=Action.CREATE, target=series, changes={"range": [None, str(series)]})
    return series


def allocate_numbers(count: int) -> list[str]:
    """`count` new passport numbers, in series order; raises ValidationError when the open series run out.

    One conditional UPDATE per series holds its row lock until the batch commits, so two
    batches created at once get disjoint numbers; a cancelled batch never gives them back.
    """
    numbers: list[str] = []
    for series in NumberSeries.objects.select_for_update().order_by("opened_at", "pk"):
        if len(numbers) == count:
            break
        take = min(series.remaining, count - len(numbers))
        if take <= 0:
            continue
        updated = NumberSeries.objects.filter(pk=series.pk, next_number=series.next_number).update(
            next_number=F("next_number") + take
        )
        if not updated:  # raced on a database without row locks: read again
            raise StaleVersion(None)
        numbers.extend(f"{series.prefix}{n:07d}" for n in range(series.next_number, series.next_number + take))
    if len(numbers) < count:
        raise ValidationError(_("The open number series have %(left)s numbers left; open a new series first.")
                              % {"left": len(numbers)})
    return numbers


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def data_page(application: PassportApplication, number: str, issued_on: date) -> dict:
    """What the printer puts on the data page, and the MRZ computed from it (ICAO 9303 Part 4)."""
    person = application.case.person
    expires_on = add_years(issued_on, application.validity_years)
    data = mrz.PassportData(
        document_code=DOCUMENT_CODES[application.passport_type], issuing_state=ISSUING_STATE,
        surname=person.family_name, given_names=person.given_names, number=number, nationality=ISSUING_STATE,
        birth_year=person.birth_year, birth_month=person.birth_month, birth_day=person.birth_day,
        sex=person.sex, expiry_date=expires_on,
    )
    line1, line2 = mrz.td3_lines(data)
    return {
        "number": number, "type": DOCUMENT_CODES[application.passport_type].rstrip("<"),
        "issuing_state": ISSUING_STATE, "surname": mrz.transliterate(person.family_name).replace("<", " ").strip(),
        "given_names": mrz.transliterate(person.given_names).replace("<", " ").strip(),
        "native_name": f"{person.family_name_native} {person.given_names_native}".strip(),
        "nationality": ISSUING_STATE, "date_of_birth": person.date_of_birth_display, "sex": person.sex,
        "place_of_birth": person.honseki_prefecture or person.place_of_birth,
        "issued_on": issued_on.isoformat(), "expires_on": expires_on.isoformat(), "authority": AUTHORITY,
        "mrz": [line1, line2], "reference": application.case.reference,
        "collecting_office": application.collecting_office.code,
    }


def _export(batch: ProductionBatch, pages: list[dict]) -> None:
    """The printer's file: one JSON document per batch with a SHA-256 the printer checks before printing."""
    body = json.dumps({"batch": batch.reference, "created_at": batch.created_at.isoformat(), "passports": pages},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    batch.export.save(f"{batch.reference}.json", ContentFile(body), save=False)
    batch.export_sha256 = hashlib.sha256(body).hexdigest()
    ProductionBatch.unscoped.filter(pk=batch.pk).update(export=batch.export.name, export_sha256=batch.export_sha256)


def production_queue() -> Iterable[PassportApplication]:
    """Approved applications waiting at HQ for a batch, oldest approval first."""
    return PassportApplication.objects.filter(
        case__status=Status.APPROVED, case__current_office__kind=Office.Kind.HQ, batch__isnull=True
    ).order_by(F("case__due_at").asc(nulls_last=True), "pk")


@transaction.atomic
def create_batch(*, by: Actor, application_ids: list[int] | None = None, limit: int = 1000) -> ProductionBatch:
    """Numbers, data pages and MRZs for approved applications, the printer's file, and each case in production.

    `application_ids` picks applications from the queue; without it the oldest `limit` are taken.
    """
    _ensure_hq(by)
    queue = production_queue().select_related(
        "case", "case__person", "collecting_office"
    ).select_for_update(of=("self",))
    if application_ids is not None:
        queue = queue.filter(pk__in=application_ids)
    applications = list(queue[:limit])
    if not applications:
        raise ValidationError(_("No approved application is waiting for production."))
    numbers = allocate_numbers(len(applications))
    office = by.office
    series = f"B-{office.local_today().year}"
    batch = ProductionBatch.unscoped.create(
        reference=f"{series}-{next_in_series(series):06d}", created_by=by.name, size=len(applications)
    )
    issued_on = office.local_today()
    pages, documents, passports, refusals = [], [], [], []
    for application, number in zip(applications, numbers, strict=True):
        try:
            page = data_page(application, number, issued_on)
        except mrz.CannotWrite as refusal:
            # Never a passport whose MRZ leaves out part of the name or holds a code no state has:
            # the batch is refused as a whole (the numbers go back), naming each application.
            refusals.append(_("%(reference)s: %(problem)s") % {
                "reference": application.case.reference, "problem": refusal.message})
            continue
        pages.append(page)
        documents.append(IdentityDocument(
            person=application.case.person, kind=IdentityDocument.Kind.PASSPORT, number=number,
            issuing_state=ISSUING_STATE, issued_on=issued_on, expires_on=date.fromisoformat(page["expires_on"]),
            status=IdentityDocument.Status.PENDING,
        ))
    if refusals:
        raise ValidationError([
            *refusals,
            _("Correct the applicant's record, or leave the application out of the batch; no batch was created."),
        ])
    IdentityDocument.unscoped.bulk_create(documents)
    for application, page, document in zip(applications, pages, documents, strict=True):
        passports.append(Passport(
            number=page["number"], application=application, batch=batch, document=document,
            passport_type=application.passport_type, surname=page["surname"], given_names=page["given_names"],
            issued_on=issued_on, expires_on=document.expires_on, authority=AUTHORITY,
            mrz_line1=page["mrz"][0], mrz_line2=page["mrz"][1],
        ))
    Passport.unscoped.bulk_create(passports)
    PassportStatusChange.objects.bulk_create(
        PassportStatusChange(passport=passport, to_status=IdentityDocument.Status.PENDING, by=by.name,
                             office_code=office.code, reason=f"produced in {batch.reference}")
        for passport in passports
    )
    PassportApplication.unscoped.filter(pk__in=[a.pk for a in applications]).update(batch=batch)
    fire_many([application.case for application in applications], "start_production", by=by,
              note=batch.reference, related=GUARDED_RELATIONS)
    _export(batch, pages)
    AuditEntry.objects.bulk_create(
        _audit_entry(by, Action.CREATE, document, {"passport": [None, document.number], "status": [None, "pending"]})
        for document in documents
    )
    record(by=by, action=Action.CREATE, target=batch,
           changes={"size": [None, batch.size], "numbers": [None, f"{numbers[0]}–{numbers[-1]}"]})
    return batch


def _audit_entry(by: Actor, action: str, target, changes: dict) -> AuditEntry:
    """An unsaved entry for bulk writes of many rows in one action (record() saves one at a time)."""
    # In English whatever the clerk's language, as record() writes it: a search must find every entry.
    with translation.override("en"):
        object_repr = str(target)[:300]
    return AuditEntry(
        action=action, changes=changes, username=by.name, user_id=by.user.pk if by.user else None,
        office_code=by.office.code, role=by.role, object_type=target._meta.label_lower, object_id=str(target.pk),
        object_repr=object_repr,
    )


# What the passport table's guards and hand-overs read, fetched with the cases in one query.
GUARDED_RELATIONS = ("passport_application__batch", "passport_application__collecting_office")


def _ensure_current(instance, expected_version: int) -> None:
    """A stale form is a conflict before anything else is judged, as in fire()."""
    stored = type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
    if stored != expected_version:
        raise StaleVersion(stored)


def _batch_cases(batch: ProductionBatch) -> list[Case]:
    return list(Case.unscoped.filter(passport_application__batch=batch).select_related("current_office"))


@transaction.atomic
def mark_batch_printed(batch: ProductionBatch, *, by: Actor, expected_version: int) -> ProductionBatch:
    _ensure_hq(by)
    _ensure_current(batch, expected_version)
    if batch.state != ProductionBatch.State.CREATED:
        raise TransitionRefused(_("Only a batch sent to the printer can be marked printed."))
    update_if_current(batch, expected_version, state=ProductionBatch.State.PRINTED, printed_at=timezone.now())
    record(by=by, action=Action.UPDATE, target=batch, changes={"state": ["created", "printed"]})
    return batch


@transaction.atomic
def dispatch_batch(batch: ProductionBatch, *, by: Actor, expected_version: int) -> ProductionBatch:
    """Every passport of a printed batch leaves for its collecting office, which then holds the case."""
    _ensure_hq(by)
    _ensure_current(batch, expected_version)
    if batch.state != ProductionBatch.State.PRINTED:
        raise TransitionRefused(_("A batch is dispatched once it is printed."))
    # The cases move while the batch is still "printed" (their guard asks for it); a stale
    # batch version then rolls every move back with the rest of this transaction.
    fire_many(_batch_cases(batch), "dispatch", by=by, note=batch.reference, related=GUARDED_RELATIONS)
    update_if_current(batch, expected_version, state=ProductionBatch.State.DISPATCHED, dispatched_at=timezone.now())
    record(by=by, action=Action.UPDATE, target=batch, changes={"state": ["printed", "dispatched"]})
    return batch


def _set_document_status(
    document: IdentityDocument, status: str, *, by: Actor, note: str, passport: Passport | None = None
) -> str:
    """Document status, the passport's status history and the audit entry, together; returns the old status.

    Not identity.actions.change_document_status: a loss is reported at any mission, and
    production and lapse act for offices that need not see the holder.
    """
    before = document.status
    IdentityDocument.unscoped.filter(pk=document.pk).update(
        status=status, version=F("version") + 1, updated_at=timezone.now()
    )
    document.status = status
    passport = passport or Passport.unscoped.filter(document=document).first()
    if passport is not None:
        PassportStatusChange.objects.create(passport=passport, from_status=before, to_status=status, by=by.name,
                                            office_code=by.office.code, reason=note[:300])
    record(by=by, action=Action.UPDATE, target=document, changes={"status": [before, status]})
    return before


def _invalidate(
    document: IdentityDocument, status: str, reason: str, *, by: Actor, note: str = "", passport: Passport | None = None
) -> None:
    """A document that must no longer be accepted: its status, and our own passports into the border feed."""
    before = _set_document_status(document, status, by=by, note=note, passport=passport)
    if document.issuing_state == ISSUING_STATE and before in (IdentityDocument.Status.VALID,
                                                               IdentityDocument.Status.PENDING,
                                                               IdentityDocument.Status.EXPIRED):
        # Feed ids must follow commit order, or a client polling `since=` could step over a row a
        # slower transaction inserts later: invalidations queue on one locked counter row.
        hold_series(INVALIDATION_FEED)
        Invalidation.objects.create(number=document.number, issuing_state=document.issuing_state, reason=reason)


@transaction.atomic
def cancel_batch(batch: ProductionBatch, *, by: Actor, expected_version: int, reason: str) -> ProductionBatch:
    """The booklets are void (their numbers are never reused); the applications queue for a new batch."""
    _ensure_hq(by)
    _ensure_current(batch, expected_version)
    if batch.state not in (ProductionBatch.State.CREATED, ProductionBatch.State.PRINTED):
        raise TransitionRefused(_("A dispatched batch cannot be cancelled; cancel single passports instead."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the batch is cancelled.")})
    before = batch.state
    update_if_current(batch, expected_version, state=ProductionBatch.State.CANCELLED)
    for passport in Passport.unscoped.filter(batch=batch).select_related("document"):
        _invalidate(passport.document, IdentityDocument.Status.CANCELLED, Invalidation.Reason.CANCELLED, by=by,
                    note=f"batch {batch.reference} cancelled: {reason}", passport=passport)
    fire_many(_batch_cases(batch), "return_to_queue", by=by, note=reason, related=GUARDED_RELATIONS)
    PassportApplication.unscoped.filter(batch=batch).update(batch=None)
    record(by=by, action=Action.UPDATE, target=batch,
           changes={"state": [before, "cancelled"], "reason": [None, reason]})
    return batch


# ---------------------------------------------------------------------------------------
# Collection
# ---------------------------------------------------------------------------------------


@transaction.atomic
def receive_shipment(cases: Iterable[Case], *, by: Actor) -> int:
    """The collecting office confirms the passports arrived: each is ready for collection."""
    return len(fire_many(list(cases), "receive", by=by))


@transaction.atomic
def collect_passport(
    application: PassportApplication, *, by: Actor, expected_version: int, identity_evidence: str
) -> Passport:
    """Hand-over at the desk: identity checked, the old passport cancelled, the new one valid, the case closed."""
    _holding_office_only(application, by)
    _ensure_current(application.case, expected_version)
    evidence = text.clean(identity_evidence)
    if not evidence:
        raise ValidationError({"identity_evidence": _("Say how the applicant's identity was checked.")})
    if (problem := text.problem(evidence)) is not None:
        raise ValidationError({"identity_evidence": [problem]})
    passport = application.current_passport
    if passport is None or application.case.status != Status.READY:
        raise TransitionRefused(_("There is no passport ready for collection on this application."))
    now = timezone.now()
    PassportApplication.unscoped.filter(pk=application.pk).update(
        identity_checked_by=by.name, identity_checked_at=now, identity_evidence=evidence[:200]
    )
    fire(application.case, "hand_over", by=by, expected_version=expected_version, note=evidence)
    previous = application.previous_passport
    if previous is not None and previous.status in (IdentityDocument.Status.VALID, IdentityDocument.Status.EXPIRED):
        _invalidate(previous, IdentityDocument.Status.CANCELLED, Invalidation.Reason.CANCELLED, by=by,
                    note=f"replaced by {passport.number}")
    _set_document_status(passport.document, IdentityDocument.Status.VALID, by=by, note="handed over",
                         passport=passport)
    return passport


def lapse_uncollected_passports(today: date | None = None) -> int:
    """Passports not collected within 6 months of issue lapse (the case closes, the booklet is void)."""
    lapsed = 0
    for application in (
        PassportApplication.unscoped.filter(case__status=Status.READY)
        .select_related("case", "case__current_office")
        .order_by("pk")
    ):
        passport = application.current_passport
        office = application.case.current_office
        day = today or office.local_today()
        if passport is None or day < add_years_months(passport.issued_on, UNCOLLECTED_LAPSE_MONTHS):
            continue
        with transaction.atomic():
            system = Actor.system(office)
            fire(application.case, "lapse", by=system, expected_version=application.case.version,
                 note=f"{passport.number} not collected by {day.isoformat()}")
            _invalidate(passport.document, IdentityDocument.Status.CANCELLED, Invalidation.Reason.LAPSED, by=system,
                        note="not collected within 6 months of issue", passport=passport)
        lapsed += 1
    return lapsed


def add_years_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has none (31 August + 6 → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


# ---------------------------------------------------------------------------------------
# Loss and theft
# ---------------------------------------------------------------------------------------


LOOKUP_FAILURES_PER_HOUR = 10
# Probe kinds are stored as written and counted by that text (`recent_probes`): never reword them.
LOOKUP_MISSED = Phrase(gettext_noop("passport lookup: no match"))
LOOKUP_REFUSED = Phrase(gettext_noop("passport lookup: no match: refused"))
LOOKUP_MISS = LOOKUP_MISSED()
INVALIDATION_FEED = "invalidation-feed"


class TooManyLookups(Exception):
    """A member of staff missed too many passport lookups in an hour: probing is stopped."""


def _lookup_misses(by: Actor) -> int:
    """Misses by number in the last hour, the loss-report look-up's and the MRZ check's together."""
    return recent_probes(by=by, kind=LOOKUP_MISS) + recent_probes(by=by, kind=MRZ_MISS)


def find_passport_to_report(
    *, by: Actor, number: str, family_name: str, date_of_birth: date
) -> IdentityDocument | None:
    """A Japanese passport whose number, holder's family name and date of birth all match, else None.

    Unscoped on purpose (a citizen may report a loss at any mission, whichever office knows
    them), so every lookup is audited and a member of staff who missed LOOKUP_FAILURES_PER_HOUR
    times in the last hour is stopped until the oldest miss is an hour old.
    """
    if _lookup_misses(by) >= LOOKUP_FAILURES_PER_HOUR:
        record(by=by, action=Action.READ, object_repr=LOOKUP_REFUSED())
        raise TooManyLookups(_("Too many passports not found this hour; ask a supervisor to check the details."))
    number = "".join(number.upper().split())
    document = (
        IdentityDocument.unscoped.filter(
            kind=IdentityDocument.Kind.PASSPORT, issuing_state=ISSUING_STATE, number=number,
            person__family_name=family_name.strip().upper(), person__birth_year=date_of_birth.year,
            person__birth_month=date_of_birth.month, person__birth_day=date_of_birth.day,
        )
        .select_related("person")
        .first()
    )
    if document is None:
        # Counted from the audit log (the core's probe limit), so every process shares the count.
        record_probe(by=by, kind=LOOKUP_MISS, fingerprint=probe_fingerprint(number, family_name, date_of_birth),
                     changes={"number_ends": number[-4:]})
    else:
        record(by=by, action=Action.READ, target=document, changes={"lookup": [None, MATCHED()]})
    return document


# ---------------------------------------------------------------------------------------
# The MRZ check's look-up in the register
# ---------------------------------------------------------------------------------------

UNKNOWN_TO_THE_REGISTER = "unknown"
MRZ_MISSED = Phrase(gettext_noop("MRZ check: not in the register"))
MRZ_MISS = MRZ_MISSED()
# Our register is complete only for Japanese passports: a foreign number it lacks is no probe.
MRZ_FOREIGN_MISSED = Phrase(gettext_noop("MRZ check: foreign passport not in the register"))
MRZ_REFUSED = Phrase(gettext_noop("MRZ check: refused"))
describe_change("register", gettext_lazy("status in the register"),
                values={UNKNOWN_TO_THE_REGISTER: gettext_lazy("Unknown to the register"),
                        **dict(IdentityDocument.Status.choices)})
# Statuses under which the booklet must not be accepted as a travel document.
NOT_ACCEPTABLE = frozenset({
    IdentityDocument.Status.PENDING, IdentityDocument.Status.EXPIRED, IdentityDocument.Status.LOST,
    IdentityDocument.Status.STOLEN, IdentityDocument.Status.REVOKED, IdentityDocument.Status.CANCELLED,
})


@dataclass(frozen=True)
class RegisterCheck:
    """What the register says about the passport an MRZ names, as much as the office may know.

    Every member of staff learns the document's status, because that is what a border check
    learns: a number that is lost, stolen, cancelled or revoked is published to border and
    airline systems in the invalidation feed anyway, and "valid", "not yet handed over" or
    "unknown" is what a border officer needs to refuse a forged, stolen-in-transit or voided
    booklet. Nothing about the holder is compared or shown unless the office may read the
    document (Person scoping): a "the date of birth differs" answer would otherwise tell a
    prober another office's person's date of birth, one guess at a time (issue 8, finding 1).
    """

    status: str  # an IdentityDocument.Status, or UNKNOWN_TO_THE_REGISTER
    label: str
    acceptable: bool
    document: IdentityDocument | None = None  # only when the office may read it
    differences: tuple[tuple[str, str], ...] = ()  # (field label, as the register has it), readable only

    @property
    def unknown(self) -> bool:
        return self.status == UNKNOWN_TO_THE_REGISTER


def _mrz_name(name: str) -> str:
    """A name as the MRZ can write it: letters only, one space between the parts (hyphens become fillers)."""
    return " ".join("".join(character if character.isalpha() else " " for character in name).split())


def _differences(parsed: mrz.ParsedMrz, document: IdentityDocument) -> tuple[tuple[str, str], ...]:
    person = document.person
    differences = []
    if parsed.surname != _mrz_name(person.family_name):
        differences.append((_("Surname"), person.family_name))
    if parsed.given_names and not parsed.name_may_be_truncated and parsed.given_names != _mrz_name(person.given_names):
        differences.append((_("Given names"), person.given_names))
    if parsed.birth_date is not None:
        year, month, day = parsed.birth_date
        recorded = (person.birth_year, person.birth_month, person.birth_day)
        if any(read is not None and read != known for read, known in zip((year, month, day), recorded, strict=True)):
            differences.append((_("Date of birth"), person.date_of_birth_display))
    if parsed.sex and parsed.sex != person.sex:
        differences.append((_("Sex"), str(person.get_sex_display())))
    if parsed.expiry_date and document.expires_on and parsed.expiry_date != document.expires_on:
        differences.append((_("Date of expiry"), document.expires_on.isoformat()))
    return tuple(differences)


def check_in_register(parsed: mrz.ParsedMrz, *, by: Actor) -> RegisterCheck:
    """The passport an MRZ names, looked up by issuing state and number; audited like the loss-report look-up.

    Unscoped on purpose (a border-style check answers for any passport) but never more than the
    status unless the office may read the document; every look-up is audited, and a member of
    staff who names LOOKUP_FAILURES_PER_HOUR Japanese numbers the register does not know is stopped
    (the same count as the loss-report look-up: both are probes by number).
    """
    if _lookup_misses(by) >= LOOKUP_FAILURES_PER_HOUR:
        record(by=by, action=Action.READ, object_repr=MRZ_REFUSED())
        raise TooManyLookups(_("Too many passports not found this hour; ask a supervisor to check the details."))
    document = (
        IdentityDocument.unscoped.filter(
            kind=IdentityDocument.Kind.PASSPORT, issuing_state=parsed.issuing_state, number=parsed.number
        )
        .select_related("person")
        .first()
    )
    if document is None:
        changes = {"number_ends": parsed.number[-4:], "register": [None, UNKNOWN_TO_THE_REGISTER]}
        if parsed.issuing_state == ISSUING_STATE:
            # Only our own register is complete: a Japanese number it does not know is a forgery or a probe.
            record_probe(by=by, kind=MRZ_MISS, fingerprint=probe_fingerprint(parsed.issuing_state, parsed.number),
                         changes=changes)
        else:
            record(by=by, action=Action.READ, object_repr=MRZ_FOREIGN_MISSED(), changes=changes)
        return RegisterCheck(UNKNOWN_TO_THE_REGISTER, _("Unknown to the register"), acceptable=False)
    status = document.status
    expired = document.expires_on is not None and document.expires_on < by.office.local_today()
    if status == IdentityDocument.Status.VALID and expired:
        status = IdentityDocument.Status.EXPIRED
    record(by=by, action=Action.READ, target=document, changes={"register": [None, status]})
    label = str(IdentityDocument.Status(status).label)
    if not IdentityDocument.unscoped.visible_to(by).filter(pk=document.pk).exists():
        return RegisterCheck(status, label, acceptable=status not in NOT_ACCEPTABLE)
    return RegisterCheck(status, label, acceptable=status not in NOT_ACCEPTABLE, document=document,
                         differences=_differences(parsed, document))


@dataclass(frozen=True)
class LossDetails:
    kind: str
    circumstances: str
    police_reference: str = ""
    happened_on: date | None = None


@transaction.atomic
def report_loss(document: IdentityDocument, *, by: Actor, details: LossDetails) -> LossReport:
    """A passport reported lost or stolen is invalid at once: status, history and the border feed together."""
    _ensure_staff(by)
    errors: dict[str, list[str]] = {}
    if details.kind not in LossReport.Kind.values:
        errors["kind"] = [_("Say whether the passport was lost or stolen.")]
    if not details.circumstances.strip():
        errors["circumstances"] = [_("Describe what happened.")]
    # Read by other missions and HQ: nothing invisible in it (`consular.text`).
    for field, multiline in (("circumstances", True), ("police_reference", False)):
        if (problem := text.problem(getattr(details, field), multiline=multiline)) is not None:
            errors.setdefault(field, []).append(problem)
    if details.kind == LossReport.Kind.STOLEN and not details.police_reference.strip():
        errors["police_reference"] = [_("A theft needs the police report reference.")]
    if details.happened_on is not None and details.happened_on > by.office.local_today():
        errors["happened_on"] = [_("The date cannot be in the future.")]
    if document.kind != IdentityDocument.Kind.PASSPORT:
        errors["document"] = [_("Only passports are reported here.")]
    elif document.status not in (IdentityDocument.Status.VALID, IdentityDocument.Status.PENDING,
                                 IdentityDocument.Status.EXPIRED):
        errors["document"] = [_("This passport is already %(status)s.") % {"status": document.get_status_display()}]
    if errors:
        raise ValidationError(errors)
    series = f"L-{by.office.local_today().year}-{by.office.code}"
    report = LossReport.objects.create(
        reference=f"{series}-{next_in_series(series):06d}",
        document=document, kind=details.kind, circumstances=text.clean(details.circumstances, multiline=True),
        police_reference=text.clean(details.police_reference), happened_on=details.happened_on, office=by.office,
        reported_by=by.name,
    )
    status = IdentityDocument.Status.LOST if details.kind == LossReport.Kind.LOST else IdentityDocument.Status.STOLEN
    _invalidate(document, status, details.kind, by=by, note=f"report {report.pk} at {by.office.code}")
    record(by=by, action=Action.CREATE, target=report, changes={"document": [None, document.number],
                                                                 "kind": [None, details.kind]})
    return report
