"""Every write to visas: intake, checks, payment, referral and instruction, decision, issuance, revocation.

Each function is atomic, takes `by=` (the acting office and role, or an agency's API client)
with no default, writes its audit entry, and moves the case only through
`consular.workflow.actions.fire`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from consular.audit.actions import Action, Phrase, changes_between, describe_change, record
from consular.documents import mrz, seals, signing
from consular.documents.actions import AlreadyRevoked, revoke_sealed_document
from consular.documents.models import RevokedSeal
from consular.documents.photos import check_photo, clean_photo
from consular.identity.actions import add_document, normalised_document_number
from consular.identity.models import IdentityDocument, Person
from consular.offices.models import Role
from consular.offices.numbering import next_in_series
from consular.offices.scoping import Actor
from consular.payments.rates import NoExchangeRate, format_money, in_local_currency
from consular.payments.receipts import receive_payment
from consular.versions import update_if_current
from consular.workflow.actions import TransitionRefused, fire, open_case, touch
from consular.workflow.models import Case
from visas import screening
from visas.models import (
    ChecklistCode,
    ChecklistItem,
    Entries,
    Fee,
    Group,
    Instruction,
    RefusalReason,
    Status,
    Visa,
    VisaApplication,
    VisaCategory,
    VisaExemption,
)
from visas.referral import referral_codes
from visas.transitions import CASE_TYPE

ISSUING_STATE = "JPN"
VISA_NUMBER_SERIES = "visa-number"
VISA_DOCUMENT_CODE = "V"
EVISA_OPTIONAL_DATA = "EVISA"

APPLICATION = "visas.visaapplication"
describe_change("person", gettext_lazy("person"), model=APPLICATION)
describe_change("fee", gettext_lazy("fee due"), model=APPLICATION)
describe_change("paid", gettext_lazy("fee paid"), model=APPLICATION)
describe_change("receipt", gettext_lazy("receipt number"), model=APPLICATION)
describe_change("checklist.%(code)s", gettext_lazy("document: %(code)s"), model=APPLICATION,
                parts={"code": dict(ChecklistCode.choices)})
describe_change("visa", gettext_lazy("visa number"), model=APPLICATION)
VERIFIED_BY = Phrase(gettext_noop("verified by %(username)s"))


class FeeNotSet(Exception):
    """HQ has set no fee that applies on the day: the application cannot be priced."""


class NoVisaNeeded(ValidationError):
    """The applicant's nationality is exempt for a stay this short: no case is opened."""


# ---------------------------------------------------------------------------------------
# Fees and exemptions (data)
# ---------------------------------------------------------------------------------------


def fee_kind(category: VisaCategory, entries: str) -> str:
    if category.group == Group.TRANSIT:
        return Fee.Kind.TRANSIT
    return Fee.Kind.SINGLE if entries == Entries.SINGLE else Fee.Kind.MULTIPLE


def fee_in_yen(category: VisaCategory, entries: str, nationality: str, day: date) -> int:
    """The schedule line in force on `day`: the nationality's own line (a reciprocal rate) before the general one."""
    if category.gratis:
        return 0
    lines = Fee.objects.in_force(day).filter(kind=fee_kind(category, entries), nationality__in=[nationality, ""])
    line = min(lines, key=lambda fee: (fee.nationality == "", -fee.effective_from.toordinal()), default=None)
    if line is None:
        raise FeeNotSet(_("No visa fee is set for this application on %(day)s.") % {"day": day.isoformat()})
    return line.amount_jpy


def exemption_for(nationality: str, category: VisaCategory, stay_days: int, day: date) -> VisaExemption | None:
    """The exemption that makes a visa unnecessary for this short stay, if any."""
    if category.group not in (Group.SHORT_STAY, Group.TRANSIT):
        return None
    exemption = VisaExemption.objects.in_force(day).filter(nationality=nationality).order_by("-effective_from").first()
    if exemption is None or stay_days > exemption.max_stay_days:
        return None
    return exemption


# ---------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    """What the clerk (or the agency's system) gives for one application."""

    category: VisaCategory
    entries: str
    purpose: str
    arrival_on: date
    stay_days: int
    passport_mrz: str
    passport_issued_on: date
    coe_number: str = ""
    host_name: str = ""
    host_address: str = ""
    host_relationship: str = ""
    host_phone: str = ""
    itinerary: str = ""
    group_reference: str = ""
    photo: bytes | None = None
    note: str = ""


def _ensure_staff(by: Actor) -> None:
    if by.is_read_only:
        raise PermissionDenied(_("Auditors have read-only access."))


def read_passport(text: str, *, today: date) -> mrz.ParsedMrz:
    """The applicant's passport from its two MRZ lines; ValidationError with every problem found."""
    parsed = mrz.parse_td3(text, today=today)
    if not parsed.valid:
        raise ValidationError({"passport_mrz": [str(error.message) for error in parsed.errors]})
    return parsed


def _passport_document(person: Person, parsed: mrz.ParsedMrz, issued_on: date, by: Actor) -> IdentityDocument:
    state = parsed.issuing_state.replace("<", "") or parsed.issuing_state
    number = normalised_document_number(parsed.number)
    existing = IdentityDocument.unscoped.filter(kind=IdentityDocument.Kind.PASSPORT, issuing_state=state,
                                                number=number).first()
    if existing is not None:
        if existing.person_id != person.pk:
            raise ValidationError({"passport_mrz": _(
                "This passport is recorded for another person; check the applicant and the passport.")})
        return existing
    return add_document(person, by=by, kind=IdentityDocument.Kind.PASSPORT, number=number, issuing_state=state,
                        issued_on=issued_on, expires_on=parsed.expiry_date)


def _checks(person: Person, intake: Intake, parsed: mrz.ParsedMrz | None, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    category = intake.category
    if not category.active:
        refuse("category", _("This category is no longer open for applications."))
    if ISSUING_STATE in (person.nationalities or []):
        refuse("person", _("Japanese nationals need no visa; check the person's nationalities."))
    if person.merged_into_id is not None:
        refuse("person", _("This record was merged into another; apply for the person it was merged into."))
    if intake.entries not in (category.entries_allowed or []):
        allowed = ", ".join(str(Entries(value).label) for value in category.entries_allowed or [])
        refuse("entries", _("This category allows: %(allowed)s.") % {"allowed": allowed})
    if not intake.purpose.strip():
        refuse("purpose", _("Say what the visit is for."))
    if intake.arrival_on < today:
        refuse("arrival_on", _("The arrival date is in the past."))
    if intake.stay_days < 1:
        refuse("stay_days", _("The stay is at least one day."))
    elif intake.stay_days > category.max_stay_days:
        refuse("stay_days", _("This category allows a stay of at most %(days)s days.") % {
            "days": category.max_stay_days})
    if category.coe_required and not intake.coe_number.strip():
        refuse("coe_number", _("This category needs the Certificate of Eligibility number."))
    if category.group in (Group.SHORT_STAY, Group.FAMILY) and not intake.host_name.strip() and (
            ChecklistCode.INVITATION in category.checklist or ChecklistCode.GUARANTEE in category.checklist):
        refuse("host_name", _("Give the inviter or guarantor in Japan."))
    if parsed is not None:
        if parsed.expiry_date and parsed.expiry_date < intake.arrival_on + timedelta(days=intake.stay_days):
            refuse("passport_mrz", _("The passport expires on %(day)s, before the stay ends.") % {
                "day": parsed.expiry_date.isoformat()})
        nationality = parsed.nationality.replace("<", "")
        if nationality and nationality not in (person.nationalities or []):
            refuse("passport_mrz", _("The passport gives the nationality %(code)s, which the person's record lacks.")
                   % {"code": nationality})
        if intake.passport_issued_on > today:
            refuse("passport_issued_on", _("The passport cannot be issued in the future."))
    if intake.photo is not None:
        for problem in check_photo(intake.photo).problems:
            refuse("photo", str(problem))
    return errors


@transaction.atomic
def submit_application(*, by: Actor, person: Person, intake: Intake) -> VisaApplication:
    """Take in an application: checked field by field (ValidationError saves nothing), priced, opened, screened.

    An applicant whose nationality needs no visa for this short stay gets NoVisaNeeded, not a case.
    """
    _ensure_staff(by)
    today = by.office.local_today()
    parsed = None
    try:
        parsed = read_passport(intake.passport_mrz, today=today)
    except ValidationError as bad:
        errors = bad.message_dict
    else:
        errors = {}
    for field_name, messages in _checks(person, intake, parsed, today).items():
        errors.setdefault(field_name, []).extend(messages)
    nationality = parsed.nationality.replace("<", "") if parsed else (person.nationalities or [""])[0]
    if not errors:
        exemption = exemption_for(nationality, intake.category, intake.stay_days, today)
        if exemption is not None:
            raise NoVisaNeeded({"category": _(
                "Nationals of %(country)s need no visa for a stay of up to %(days)s days: no application is needed."
            ) % {"country": nationality, "days": exemption.max_stay_days}})
    fee_jpy = fee_amount = 0
    currency = by.office.currency or "JPY"
    if not errors:
        try:
            fee_jpy = fee_in_yen(intake.category, intake.entries, nationality, today)
            fee_amount = in_local_currency(fee_jpy, currency, today) if fee_jpy else 0
        except (FeeNotSet, NoExchangeRate) as missing:
            errors.setdefault("entries", []).append(str(missing))
    if errors:
        raise ValidationError(errors)

    passport = _passport_document(person, parsed, intake.passport_issued_on, by)
    case = open_case(CASE_TYPE, person=person, by=by, note=intake.note)
    application = VisaApplication(
        case=case, category=intake.category, passport=passport, purpose=intake.purpose.strip(),
        entries=intake.entries, arrival_on=intake.arrival_on, stay_days=intake.stay_days,
        coe_number=intake.coe_number.strip().upper(), host_name=intake.host_name.strip(),
        host_address=intake.host_address.strip(), host_relationship=intake.host_relationship.strip(),
        host_phone=intake.host_phone.strip(), itinerary=intake.itinerary.strip(),
        group_reference=intake.group_reference.strip().upper(), applied_on=today, fee_jpy=fee_jpy,
        fee_amount=fee_amount, fee_currency=currency, submitted_by_client=by.api_client,
    )
    if intake.photo is not None:
        _store_photo(application, intake.photo)
    application.save()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(application=application, code=code) for code in intake.category.checklist
    )
    record(by=by, action=Action.CREATE, target=application, changes=changes_between({}, {
        "case": case.reference, "person": person.pk, "category": intake.category.code, "entries": intake.entries,
        "arrival_on": intake.arrival_on, "stay_days": intake.stay_days, "fee": format_money(fee_amount, currency),
        "photo": intake.photo is not None,
    }))
    fire(case, "start_screening", by=Actor.system(by.office), expected_version=case.version)
    screening.register(case, passport=passport, by=by)
    return application


def _store_photo(application: VisaApplication, photo: bytes) -> None:
    result = check_photo(photo)
    extension = "png" if result.content_type == "image/png" else "jpg"
    application.photo.save(f"{application.case.reference}.{extension}", ContentFile(clean_photo(photo)), save=False)
    application.photo_content_type = result.content_type


def screening_finished(case: Case) -> None:
    """The worker has screened the applicant: the case goes to review (once; a re-screen changes nothing here)."""
    stored = Case.unscoped.get(pk=case.pk)
    if stored.status != Status.SCREENING:
        return
    fire(stored, "finish_screening", by=Actor.system(stored.current_office), expected_version=stored.version)


# ---------------------------------------------------------------------------------------
# Checks and payment
# ---------------------------------------------------------------------------------------

OPEN_FOR_CHECKS = (Status.SUBMITTED, Status.SCREENING, Status.UNDER_REVIEW, Status.INSTRUCTED)


def _holding_office_only(application: VisaApplication, by: Actor) -> None:
    _ensure_staff(by)
    if application.case.current_office_id != by.office.pk:
        raise PermissionDenied(_("The case is held by another office."))


def _while_open(application: VisaApplication) -> None:
    if application.case.status not in OPEN_FOR_CHECKS:
        raise TransitionRefused(_("The application is decided or with HQ; its documents cannot change now."))


@transaction.atomic
def verify_item(item: ChecklistItem, *, by: Actor, expected_version: int) -> ChecklistItem:
    """A clerk confirms one document of the checklist."""
    application = item.application
    _holding_office_only(application, by)
    _while_open(application)
    if item.code == ChecklistCode.PHOTO and not application.photo:
        raise ValidationError({"photo": _("There is no photo to check yet.")})
    update_if_current(application, expected_version)
    now = timezone.now()
    ChecklistItem.objects.filter(pk=item.pk).update(verified_at=now, verified_by=by.name)
    item.verified_at, item.verified_by = now, by.name
    touch(application.case)
    record(by=by, action=Action.UPDATE, target=application,
           changes={f"checklist.{item.code}": [None, VERIFIED_BY(username=by.name)]})
    return item


@transaction.atomic
def record_payment(application: VisaApplication, *, by: Actor, amount: int, currency: str,
                   expected_version: int) -> VisaApplication:
    """The fee is paid in full, in the office's currency; a numbered receipt is issued."""
    _holding_office_only(application, by)
    _while_open(application)
    payment = receive_payment(application, office=by.office, received_by=by.name, amount=amount, currency=currency)
    update_if_current(application, expected_version, **payment)
    for name, value in payment.items():
        setattr(application, name, value)
    touch(application.case)
    record(by=by, action=Action.UPDATE, target=application,
           changes={"paid": [None, format_money(amount, currency)], "receipt": [None, payment["receipt_number"]]})
    return application


# ---------------------------------------------------------------------------------------
# Referral to HQ and HQ's instruction
# ---------------------------------------------------------------------------------------


@transaction.atomic
def refer_to_hq(application: VisaApplication, *, by: Actor, recommendation: str, note: str,
                expected_version: int) -> VisaApplication:
    """The officer sends the case to HQ with a recommendation and why; HQ's answer comes back to the mission."""
    if recommendation not in Instruction.values:
        raise ValidationError({"recommendation": _("Choose your recommendation.")})
    _holding_office_only(application, by)
    reasons = referral_codes(application)
    update_if_current(application, expected_version, recommendation=recommendation, referral_reasons=reasons,
                      instruction="", instructed_by="")
    application.recommendation, application.referral_reasons, application.instruction = recommendation, reasons, ""
    fire(application.case, "refer", by=by, expected_version=application.case.version, note=note)
    record(by=by, action=Action.UPDATE, target=application,
           changes={"recommendation": [None, recommendation]})
    return application


@transaction.atomic
def instruct(application: VisaApplication, *, by: Actor, instruction: str, note: str,
             expected_version: int) -> VisaApplication:
    """HQ answers a referral: issue, refuse, or ask for more information; the case returns to the mission."""
    if instruction not in Instruction.values:
        raise ValidationError({"instruction": _("Choose the instruction.")})
    _ensure_staff(by)
    if by.role != Role.HQ_OFFICER:
        raise PermissionDenied(_("HQ officers answer referrals."))
    update_if_current(application, expected_version, instruction=instruction, instructed_by=by.name)
    application.instruction, application.instructed_by = instruction, by.name
    fire(application.case, "instruct", by=by, expected_version=application.case.version, note=note)
    record(by=by, action=Action.UPDATE, target=application, changes={"instruction": [None, instruction]})
    return application


# ---------------------------------------------------------------------------------------
# Decision
# ---------------------------------------------------------------------------------------


@transaction.atomic
def approve(application: VisaApplication, *, by: Actor, expected_version: int, note: str = "") -> VisaApplication:
    fire(application.case, "approve", by=by, expected_version=expected_version, note=note)
    return application


@transaction.atomic
def refuse(application: VisaApplication, *, by: Actor, reason: str, note: str,
           expected_version: int) -> VisaApplication:
    """Refuse, with the reason code kept internally (the letter to the applicant does not state it)."""
    if reason not in RefusalReason.values:
        raise ValidationError({"reason": _("Choose the reason for the refusal (kept on file, not in the letter).")})
    fire(application.case, "refuse", by=by, expected_version=expected_version, note=note)
    VisaApplication.unscoped.filter(pk=application.pk).update(refusal_reason=reason)
    application.refusal_reason = reason
    screening.close(application.case, by=by)
    record(by=by, action=Action.UPDATE, target=application, changes={"refusal_reason": [None, reason]})
    return application


# ---------------------------------------------------------------------------------------
# Issuance
# ---------------------------------------------------------------------------------------


def next_visa_number() -> str:
    """Nine characters, unique forever: V and eight digits from one series that never restarts."""
    return f"V{next_in_series(VISA_NUMBER_SERIES):08d}"


def visa_validity(application: VisaApplication, day: date) -> date:
    """Valid until: three months for single and double entries (or the category's cap), else the category's."""
    days = application.category.max_validity_days
    if application.entries != Entries.MULTIPLE:
        days = min(days, 90)
    return day + timedelta(days=days - 1)


def visa_mrz(application: VisaApplication, number: str, valid_until: date, *, evisa: bool) -> tuple[str, str]:
    person, passport = application.case.person, application.passport
    data = mrz.VisaData(
        document_code=VISA_DOCUMENT_CODE, issuing_state=ISSUING_STATE, surname=person.family_name,
        given_names=person.given_names, number=number, nationality=passport.issuing_state
        if passport.issuing_state in (person.nationalities or []) else (person.nationalities or ["XXX"])[0],
        sex=person.sex or "X", expiry_date=valid_until, birth_year=person.birth_year, birth_month=person.birth_month,
        birth_day=person.birth_day, optional_data=EVISA_OPTIONAL_DATA if evisa else "",
    )
    return mrz.mrva_lines(data)


def _entries_code(entries: str) -> int:
    return {Entries.SINGLE: 1, Entries.DOUBLE: 2}.get(entries, seals.MULTIPLE_ENTRIES)


def _duration_of_stay(days: int) -> dict[str, int]:
    """The seal's duration of stay is one byte each for days, months and years: days up to 255, else months."""
    if days <= 0xFF:
        return {"stay_days": days}
    return {"stay_months": min(round(days / 30), 0xFF)}


def seal_for(visa: Visa, passport_number: str) -> bytes:
    """The visible digital seal of an e-visa (ICAO 9303 Part 13; layout in consular.documents.seals)."""
    signer = signing.current_signer()
    features = seals.VisaFeatures(
        mrz=(visa.mrz_line1, visa.mrz_line2), passport_number=passport_number[:9],
        entries=_entries_code(visa.entries), **_duration_of_stay(visa.stay_days),
    )
    header = seals.Header(issuing_state=ISSUING_STATE, signer=signer.identifier,
                          certificate_reference=signer.reference, issued_on=visa.valid_from,
                          signed_on=timezone.now().date())
    return seals.seal(header, features.encode(), signer.sign)


@transaction.atomic
def issue_visa(application: VisaApplication, *, by: Actor, form: str, expected_version: int) -> Visa:
    """Number the visa, write its MRZ (and seal an e-visa), and close the case as issued."""
    if form not in Visa.Form.values:
        raise ValidationError({"form": _("Choose a sticker or an e-visa.")})
    _holding_office_only(application, by)
    case = application.case
    if case.status != Status.APPROVED:
        raise TransitionRefused(_("Only an approved application is issued."))
    if form == Visa.Form.EVISA:
        try:
            signing.current_signer()
        except signing.SigningKeysMissing:
            raise ValidationError({"form": _(
                "e-visas cannot be sealed: no signing key is installed (manage.py seal_keys create).")}) from None
    today = by.office.local_today()
    valid_from = max(today, application.applied_on)
    valid_until = visa_validity(application, valid_from)
    number = next_visa_number()
    try:
        line1, line2 = visa_mrz(application, number, valid_until, evisa=form == Visa.Form.EVISA)
    except mrz.CannotWrite as cannot:
        raise ValidationError({"form": str(cannot)}) from cannot
    visa = Visa(application=application, number=number, form=form, valid_from=valid_from, valid_until=valid_until,
                entries=application.entries, stay_days=application.stay_days, mrz_line1=line1, mrz_line2=line2,
                issued_at=timezone.now(), issued_by=by.name)
    if form == Visa.Form.EVISA:
        visa.seal = seal_for(visa, application.passport.number)
    visa.save()
    application.visa = visa
    fire(case, "issue", by=by, expected_version=expected_version)
    screening.close(case, by=by)
    record(by=by, action=Action.UPDATE, target=application, changes={"visa": [None, number]})
    return visa


@transaction.atomic
def end_visa(visa: Visa, *, by: Actor, how: str, note: str, expected_version: int) -> Visa:
    """Revoke or cancel an issued visa; verification of its seal says so from this moment."""
    transition = {"revoke": "revoke", "cancel": "cancel"}.get(how)
    if transition is None:
        raise ValidationError({"how": _("Choose revoke or cancel.")})
    application = visa.application
    fire(application.case, transition, by=by, expected_version=expected_version, note=note)
    state = Visa.State.REVOKED if how == "revoke" else Visa.State.CANCELLED
    Visa.unscoped.filter(pk=visa.pk).update(state=state, ended_at=timezone.now())
    visa.state = state
    reason = RevokedSeal.Reason.REVOKED if how == "revoke" else RevokedSeal.Reason.CANCELLED
    with contextlib.suppress(AlreadyRevoked):
        revoke_sealed_document(issuing_state=ISSUING_STATE, number=visa.number, reason=reason, by=by)
    record(by=by, action=Action.UPDATE, target=visa, changes={"state": [Visa.State.VALID, state]})
    return visa

