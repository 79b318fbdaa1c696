"""factory_boy factories with readable defaults."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from consular.offices.models import ApiClient, Holiday, Membership, Office, Role, hash_token

PASSWORD = "correct-horse-battery-staple"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["code"]

    kind = Office.Kind.MISSION
    code = factory.Sequence(lambda n: f"M{n:02d}")
    name_ja = factory.LazyAttribute(lambda o: f"在{o.code}日本国総領事館")
    name_en = factory.LazyAttribute(lambda o: f"Consulate-General of Japan {o.code}")
    country = "USA"
    timezone = "America/New_York"
    currency = "USD"
    district = factory.LazyAttribute(lambda o: [o.country])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = Role.CLERK
    starts_on = date(2026, 1, 1)


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    office = factory.SubFactory(OfficeFactory)
    date = factory.Sequence(lambda n: date(2027, 1, 1 + n % 28))
    name = "Office holiday"


def make_api_client(office: Office, name: str = "Prefectural system") -> tuple[ApiClient, str]:
    token = f"csk_test_{office.code.lower()}_{name.replace(' ', '_').lower()}"
    client = ApiClient.unscoped.create(office=office, name=name, token_prefix=token[:12], token_hash=hash_token(token))
    return client, token
