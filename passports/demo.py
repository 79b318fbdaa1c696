"""Demo fee schedule, exchange rates, a number series and two applications, for `make run`. Never for production."""

import io
from datetime import date
from decimal import Decimal

from django.db import transaction
from PIL import Image, ImageDraw

from consular.identity.actions import create_person
from consular.identity.models import Person
from consular.offices.models import Membership, Office
from consular.offices.scoping import Actor
from passports.actions import submit_application
from passports.models import ExchangeRate, Fee, NumberSeries, PassportApplication, PassportType

SCHEDULE_FROM = date(2025, 4, 1)
# Ordinary passports (Passport Act fees incl. the consular part): 10 years ¥16,000; 5 years ¥11,000,
# under 12 ¥6,000. Official and diplomatic passports carry no fee.
FEES = [
    (PassportType.ORDINARY, 10, 18, None, 16_000),
    (PassportType.ORDINARY, 5, 12, None, 11_000),
    (PassportType.ORDINARY, 5, 0, 11, 6_000),
    (PassportType.OFFICIAL, 5, 0, None, 0),
    (PassportType.DIPLOMATIC, 5, 0, None, 0),
]
RATES = {"USD": Decimal("150.0000"), "GBP": Decimal("190.0000"), "THB": Decimal("4.2000")}

# username, family, given, native family, native given, sex, born, office taking the application
APPLICANTS = [
    ("nyc_clerk", "SATO", "KENJI", "佐藤", "健二", "M", (1990, 5, 17), "NYC"),
    ("osaka_clerk", "NAKAMURA", "YUI", "中村", "結衣", "F", (2001, 2, 9), "OSA"),
]


def demo_photo() -> bytes:
    """A plain 35 x 45 mm placeholder at 300 dpi: light background, a darker oval where the face goes."""
    image = Image.new("RGB", (413, 531), (235, 235, 235))
    ImageDraw.Draw(image).ellipse((120, 110, 293, 360), fill=(150, 110, 90))
    # A little grain, as a camera gives: a flat image compresses below the 10 KB a real photo has.
    image = Image.blend(image, Image.effect_noise(image.size, 40).convert("RGB"), 0.12)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _actor(username: str, office_code: str) -> Actor:
    membership = Membership.unscoped.select_related("office", "user").get(
        user__username=username, office__code=office_code
    )
    return Actor(office=membership.office, role=membership.role, user=membership.user, membership=membership)


@transaction.atomic
def seed() -> None:
    for passport_type, years, min_age, max_age, amount in FEES:
        Fee.objects.get_or_create(passport_type=passport_type, validity_years=years, min_age=min_age,
                                  effective_from=SCHEDULE_FROM, defaults={"max_age": max_age, "amount_jpy": amount})
    for currency, rate in RATES.items():
        ExchangeRate.objects.get_or_create(currency=currency, effective_from=SCHEDULE_FROM,
                                           defaults={"yen_per_unit": rate})
    NumberSeries.objects.get_or_create(prefix="TZ")
    if PassportApplication.unscoped.exists():
        return
    for username, family, given, family_native, given_native, sex, (year, month, day), code in APPLICANTS:
        by = _actor(username, code)
        person = Person.unscoped.filter(family_name=family, given_names=given).first() or create_person(
            by=by, family_name=family, given_names=given, family_name_native=family_native,
            given_names_native=given_native, sex=sex, birth_year=year, birth_month=month, birth_day=day,
            nationalities=["JPN"],
        )
        submit_application(by=by, person=person, kind="new", validity_years=10,
                           collecting_office=Office.directory.get(code=code), photo=demo_photo())
