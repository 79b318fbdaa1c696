"""Persons and documents with readable defaults, and the actor a cast member acts as."""

from datetime import date

import factory

from consular.identity.actions import grant_person_access, refresh_name_keys
from consular.identity.models import IdentityDocument, Person, Sex
from consular.offices.models import Membership
from consular.offices.scoping import Actor
from tests.factories import OfficeFactory


def actor_for(user) -> Actor:
    """The cast member acting in their (only) membership, as a request would make them."""
    membership = Membership.unscoped.select_related("office").get(user=user)
    return Actor(office=membership.office, role=membership.role, user=user, membership=membership)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    family_name = "YAMADA"
    given_names = "HANAKO"
    family_name_native = "山田"
    given_names_native = "花子"
    family_name_reading = "ヤマダ"
    given_names_reading = "ハナコ"
    sex = Sex.FEMALE
    birth_year = 1984
    birth_month = 7
    birth_day = 3
    nationalities = factory.LazyFunction(lambda: ["JPN"])
    created_by_office = factory.SubFactory(OfficeFactory)

    @factory.post_generation
    def name_keys(self, create, extracted, **kwargs):
        """Index the names and let the recording office read them, as create_person does."""
        if create:
            refresh_name_keys(self)
            grant_person_access([self.pk], self.created_by_office)


class IdentityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityDocument

    person = factory.SubFactory(PersonFactory)
    kind = IdentityDocument.Kind.PASSPORT
    number = factory.Sequence(lambda n: f"TK{n:07d}")
    issuing_state = "JPN"
    issued_on = date(2020, 4, 1)
    expires_on = date(2030, 4, 1)
