"""Passport applications built through the real actions, and the fee schedule they are priced by."""

import io
from datetime import date
from decimal import Decimal
from functools import cache

from PIL import Image

from consular.identity.models import Person
from consular.offices.models import Office
from consular.offices.scoping import Actor
from consular.payments.models import ExchangeRate
from passports import actions
from passports.models import ChecklistItem, Fee, NumberSeries, PassportApplication, PassportType
from tests.identity.factories import PersonFactory

FAMILY_REGISTER_DATED_DAYS_BEFORE = 30


@cache  # the same bytes every time: made once per process, the noise is slow
def passport_photo(width: int = 413, height: int = 531, image_format: str = "JPEG") -> bytes:
    """A plain 35 x 45 mm photo at 300 dpi that passes the checks: light background, a darker face."""
    image = Image.new("RGB", (width, height), (235, 235, 235))
    for x in range(width // 3, 2 * width // 3):
        for y in range(height // 4, 3 * height // 4, 2):
            image.putpixel((x, y), (150, 110, 90))
    # Grain as a camera gives: a flat image compresses below the 10 KB any real photo has.
    image = Image.blend(image, Image.effect_noise(image.size, 40).convert("RGB"), 0.12)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, quality=90)
    return buffer.getvalue()


def fee_schedule() -> None:
    """The 2026 schedule (ordinary: 10 years ¥16,000; 5 years ¥11,000, under 12 ¥6,000) and HQ's rates."""
    start = date(2025, 4, 1)
    Fee.objects.bulk_create([
        Fee(passport_type=PassportType.ORDINARY, validity_years=10, min_age=18, amount_jpy=16_000,
            effective_from=start),
        Fee(passport_type=PassportType.ORDINARY, validity_years=5, min_age=12, amount_jpy=11_000,
            effective_from=start),
        Fee(passport_type=PassportType.ORDINARY, validity_years=5, min_age=0, max_age=11, amount_jpy=6_000,
            effective_from=start),
        Fee(passport_type=PassportType.OFFICIAL, validity_years=5, min_age=0, amount_jpy=0, effective_from=start),
        Fee(passport_type=PassportType.DIPLOMATIC, validity_years=5, min_age=0, amount_jpy=0, effective_from=start),
    ])
    ExchangeRate.objects.bulk_create([
        ExchangeRate(currency="USD", yen_per_unit=Decimal("150.0000"), effective_from=start),
        ExchangeRate(currency="GBP", yen_per_unit=Decimal("190.0000"), effective_from=start),
    ])
    NumberSeries.objects.create(prefix="TZ", next_number=1)


def another_applicant(like: Person) -> Person:
    """Another person at the same office, like `like`: one person has one open application of a type at a time."""
    return PersonFactory(
        created_by_office=like.created_by_office, family_name=like.family_name, given_names="OTHER",
        birth_year=like.birth_year, birth_month=like.birth_month, birth_day=like.birth_day,
        nationalities=like.nationalities,
    )


def submit(by: Actor, person, **overrides) -> PassportApplication:
    """A new 10-year ordinary passport, collected at the taking office, with a photo."""
    fields = {
        "kind": "new", "validity_years": 10, "collecting_office": by.office, "photo": passport_photo(),
    } | overrides
    return actions.submit_application(by=by, person=person, **fields)


def complete_checklist(application: PassportApplication, by: Actor) -> None:
    """Every item verified and the fee paid: what approval needs."""
    for item in application.checklist_items.all():
        application.refresh_from_db()
        dated = None
        if item.code == ChecklistItem.Code.FAMILY_REGISTER:
            dated = date.fromordinal(application.applied_on.toordinal() - FAMILY_REGISTER_DATED_DAYS_BEFORE)
        actions.verify_item(item, by=by, expected_version=application.version, document_dated=dated)
    application.refresh_from_db()
    actions.record_payment(application, by=by, amount=application.fee_amount, currency=application.fee_currency,
                           expected_version=application.version)
    application.refresh_from_db()


def approve(application: PassportApplication, clerk: Actor, officer: Actor) -> PassportApplication:
    """Reviewed, checked, paid and approved: the case is at HQ, waiting for production."""
    from consular.workflow.actions import fire

    case = application.case
    fire(case, "start_review", by=clerk, expected_version=case.version)
    complete_checklist(application, clerk)
    case.refresh_from_db()
    fire(case, "approve", by=officer, expected_version=case.version)
    application.refresh_from_db()
    application.case.refresh_from_db()
    return application


def hq_of() -> Office:
    return Office.directory.get(kind=Office.Kind.HQ)
