"""Demo offices, staff and second factors for `make run` and the browser tests. Never for production."""

import hashlib
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from consular.offices.models import ApiClient, Holiday, Membership, Office, Role, hash_token

DEMO_PASSWORD = "consular-demo-2026"
DEMO_API_TOKEN = "csk_demo_osaka_prefecture_token_for_local_use_only"

OFFICES = [
    # kind, code, Japanese name, English name, country, zone, currency, district
    ("hq", "HQ", "外務省本省", "Ministry of Foreign Affairs", "JPN", "Asia/Tokyo", "JPY", []),
    ("mission", "NYC", "在ニューヨーク日本国総領事館", "Consulate-General of Japan in New York", "USA",
     "America/New_York", "USD", ["USA"]),
    ("mission", "LON", "在英国日本国大使館", "Embassy of Japan in the UK", "GBR", "Europe/London", "GBP",
     ["GBR", "IRL"]),
    ("mission", "BKK", "在タイ日本国大使館", "Embassy of Japan in Thailand", "THA", "Asia/Bangkok", "THB",
     ["THA", "LAO"]),
    ("prefecture", "OSA", "大阪府旅券事務所", "Osaka Prefectural Passport Office", "JPN", "Asia/Tokyo", "JPY", []),
]

# username, full name, [(office code, role)], is_staff (Django admin)
STAFF = [
    ("nyc_clerk", "Naomi Clark", [("NYC", Role.CLERK), ("BKK", Role.CLERK)], False),
    ("nyc_officer", "Kenji Ota", [("NYC", Role.OFFICER)], False),
    ("nyc_supervisor", "Sarah Mori", [("NYC", Role.SUPERVISOR)], False),
    ("london_clerk", "Liam Hughes", [("LON", Role.CLERK)], False),
    ("bangkok_officer", "Ploy Suzuki", [("BKK", Role.OFFICER)], False),
    ("osaka_clerk", "Haruka Nishida", [("OSA", Role.CLERK)], False),
    ("hq_officer", "Takashi Honda", [("HQ", Role.HQ_OFFICER)], False),
    ("hq_supervisor", "Yoko Kanda", [("HQ", Role.SUPERVISOR)], False),
    ("admin", "Aiko Kanri", [("HQ", Role.ADMINISTRATOR)], True),
    ("auditor", "Mei Kansa", [("HQ", Role.AUDITOR)], False),
]

HOLIDAYS = [
    ("NYC", date(2026, 11, 26), "Thanksgiving Day"),
    ("NYC", date(2026, 12, 25), "Christmas Day"),
    ("LON", date(2026, 12, 25), "Christmas Day"),
    ("BKK", date(2026, 12, 31), "New Year's Eve"),
    ("HQ", date(2027, 1, 1), "元日"),
]


def demo_totp_key(username: str) -> str:
    """A fixed key per demo user, so `manage.py demo_code` can print the current code."""
    return hashlib.sha256(f"consular-demo-totp-{username}".encode()).hexdigest()[:40]


def demo_code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username, name="Demo authenticator")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def seed() -> None:
    offices = {}
    for kind, code, name_ja, name_en, country, zone, currency, district in OFFICES:
        offices[code], _ = Office.directory.update_or_create(
            code=code,
            defaults=dict(kind=kind, name_ja=name_ja, name_en=name_en, country=country, timezone=zone,
                          currency=currency, district=district),
        )
    user_model = get_user_model()
    for username, full_name, memberships, is_staff in STAFF:
        first, last = full_name.split(" ", 1)
        user, created = user_model.objects.get_or_create(
            username=username, defaults=dict(first_name=first, last_name=last, email=f"{username}@example.org")
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = is_staff
        user.is_superuser = is_staff
        user.save()
        for code, role in memberships:
            # A second membership is a later temporary assignment; the first is the home office.
            starts_on = date(2026, 4, 1) if code == memberships[0][0] else date(2026, 10, 1)
            Membership.unscoped.get_or_create(
                user=user, office=offices[code], role=role, defaults={"starts_on": starts_on}
            )
        TOTPDevice.objects.get_or_create(
            user=user, name="Demo authenticator", defaults={"key": demo_totp_key(username), "confirmed": True}
        )
    for code, day, name in HOLIDAYS:
        Holiday.unscoped.get_or_create(office=offices[code], date=day, defaults={"name": name})
    ApiClient.unscoped.get_or_create(
        office=offices["OSA"], name="Osaka prefectural system",
        defaults={"token_prefix": DEMO_API_TOKEN[:12], "token_hash": hash_token(DEMO_API_TOKEN)},
    )
