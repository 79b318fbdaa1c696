"""Visa applicants, their passports' MRZ, and applications built through the real actions."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from consular.documents import mrz
from consular.identity.models import Person
from consular.offices.scoping import Actor
from consular.payments.models import ExchangeRate
from tests.identity.factories import PersonFactory
from tests.passports.factories import passport_photo
from visas import actions
from visas.models import VisaApplication, VisaCategory


def exchange_rates() -> None:
    start = date(2025, 4, 1)
    ExchangeRate.objects.bulk_create([
        ExchangeRate(currency="USD", yen_per_unit=Decimal("150.0000"), effective_from=start),
        ExchangeRate(currency="GBP", yen_per_unit=Decimal("190.0000"), effective_from=start),
    ])


def foreign_applicant(office, **fields) -> Person:
    """A Chinese national (visas are needed for a short stay), known at `office`."""
    values = {"family_name": "WANG", "given_names": "LI NA", "sex": "F", "birth_year": 1988, "birth_month": 3,
              "birth_day": 14, "nationalities": ["CHN"]} | fields
    return PersonFactory(created_by_office=office, **values)


def passport_mrz(person: Person, *, number: str = "E12345678", expires: date | None = None, state: str = "") -> str:
    """The two TD3 lines of the person's passport, with correct check digits."""
    data = mrz.PassportData(
        document_code="P", issuing_state=state or person.nationalities[0], surname=person.family_name,
        given_names=person.given_names, number=number, nationality=person.nationalities[0], sex=person.sex or "X",
        expiry_date=expires or date.today() + timedelta(days=3650), birth_year=person.birth_year,
        birth_month=person.birth_month, birth_day=person.birth_day,
    )
    return "\n".join(mrz.td3_lines(data))


def intake(person: Person, *, category: str = "tourism", **overrides) -> actions.Intake:
    base = actions.Intake(
        category=VisaCategory.objects.get(code=category), entries="single", purpose="Sightseeing in Kyoto",
        arrival_on=date.today() + timedelta(days=30), stay_days=14, passport_mrz=passport_mrz(person),
        passport_issued_on=date(2020, 1, 10), host_name="", itinerary="Tokyo 5 nights, Kyoto 9 nights",
        photo=passport_photo(),
    )
    return replace(base, **overrides)


def submit(by: Actor, person: Person, **overrides) -> VisaApplication:
    return actions.submit_application(by=by, person=person, intake=intake(person, **overrides))


def ready_for_decision(application: VisaApplication, by: Actor) -> VisaApplication:
    """Every document verified and the fee paid."""
    for item in application.checklist_items.all():
        application.refresh_from_db()
        actions.verify_item(item, by=by, expected_version=application.version)
    application.refresh_from_db()
    if application.fee_amount:
        actions.record_payment(application, by=by, amount=application.fee_amount, currency=application.fee_currency,
                               expected_version=application.version)
    application.refresh_from_db()
    application.case.refresh_from_db()
    return application


def issued_visa(by: Actor, person: Person, *, form: str | None) -> VisaApplication:
    """An application taken in, checked and paid, then issued as `form` (or refused, when None).

    The decision is written straight to the case (no screening run, no officer): for page tests that need a
    visa of each kind, not for the rules, which tests/visas/test_decision.py goes through.
    """
    from consular.workflow.models import Case
    from visas.models import Status

    application = ready_for_decision(submit(by, person, passport_mrz=passport_mrz(
        person, number=f"E{person.pk:08d}")), by)
    if form is None:
        Case.unscoped.filter(pk=application.case_id).update(status=Status.REFUSED,
                                                            closed_at=application.case.updated_at)
        return application
    Case.unscoped.filter(pk=application.case_id).update(status=Status.APPROVED)
    application.case.refresh_from_db()
    actions.issue_visa(application, by=by, form=form, expected_version=application.case.version)
    return application
