from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from consular.identity.models import IdentityDocument, Person, Prefecture
from consular.offices.models import Role
from consular.offices.scoping import Actor
from tests.identity.factories import IdentityDocumentFactory, PersonFactory


def _errors(person: Person) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("month", "day", "shown"),
    [
        (None, None, "1984"),
        (7, None, "1984-07"),
        (7, 3, "1984-07-03"),
    ],
)
def test_date_of_birth_shows_only_the_parts_that_are_known(month, day, shown):
    person = Person(birth_year=1984, birth_month=month, birth_day=day)
    assert person.date_of_birth_display == shown
    assert person.date_of_birth == (date(1984, 7, 3) if day else None)


def test_partial_dates_of_birth_are_valid(nyc):
    PersonFactory.build(created_by_office=nyc, birth_month=None, birth_day=None).full_clean()
    PersonFactory.build(created_by_office=nyc, birth_month=7, birth_day=None).full_clean()


def test_a_day_without_a_month_is_refused_by_validation_and_by_the_database(nyc):
    assert "birth_day" in _errors(PersonFactory.build(created_by_office=nyc, birth_month=None, birth_day=3))
    with pytest.raises(IntegrityError):
        PersonFactory(created_by_office=nyc, birth_month=None, birth_day=3)


@pytest.mark.parametrize(("month", "day"), [(13, None), (0, None), (7, 32), (7, 0)])
def test_months_and_days_out_of_range_are_refused_by_the_database(nyc, month, day):
    with pytest.raises(IntegrityError):
        PersonFactory(created_by_office=nyc, birth_month=month, birth_day=day)


def test_a_day_that_does_not_exist_in_its_month_is_refused(nyc):
    assert "birth_day" in _errors(
        PersonFactory.build(created_by_office=nyc, birth_year=2023, birth_month=2, birth_day=29)
    )
    PersonFactory.build(created_by_office=nyc, birth_year=2024, birth_month=2, birth_day=29).full_clean()


def test_a_date_of_birth_in_the_future_is_refused(nyc):
    next_year = date.today().year + 1
    assert "birth_year" in _errors(
        PersonFactory.build(created_by_office=nyc, birth_year=next_year, birth_month=None, birth_day=None)
    )


@pytest.mark.parametrize("name", ["YAMADA", "O'BRIEN", "SMITH-JONES", "VAN DER BERG", "X"])
def test_latin_names_as_passports_print_them_are_accepted(nyc, name):
    PersonFactory.build(created_by_office=nyc, family_name=name, given_names=name).full_clean()


@pytest.mark.parametrize("name", ["Yamada", "ŌNO", "山田", "SMITH2", "-SMITH", "SMITH ", ""])
def test_other_latin_names_are_refused(nyc, name):
    assert "family_name" in _errors(PersonFactory.build(created_by_office=nyc, family_name=name))


def test_readings_must_be_kana(nyc):
    PersonFactory.build(created_by_office=nyc, family_name_reading="おおの", given_names_reading="タロウ").full_clean()
    assert "family_name_reading" in _errors(PersonFactory.build(created_by_office=nyc, family_name_reading="大野"))


@pytest.mark.parametrize("nationalities", [[], "JPN", ["jpn"], ["JP"], ["JPN", "JPN"], [392]])
def test_nationalities_must_be_a_list_of_distinct_alpha3_codes(nyc, nationalities):
    assert "nationalities" in _errors(PersonFactory.build(created_by_office=nyc, nationalities=nationalities))


def test_phone_is_stored_only_in_e164(nyc):
    PersonFactory.build(created_by_office=nyc, phone="+12127365000").full_clean()
    for phone in ["+1 212 736 5000", "2127365000", "+1212", "+999123"]:
        assert "phone" in _errors(PersonFactory.build(created_by_office=nyc, phone=phone))


def test_honseki_is_for_japanese_nationals_only(nyc):
    PersonFactory.build(
        created_by_office=nyc, nationalities=["USA", "JPN"], honseki_prefecture=Prefecture.TOKYO
    ).full_clean()
    errors = _errors(
        PersonFactory.build(created_by_office=nyc, nationalities=["USA"], honseki_prefecture=Prefecture.TOKYO)
    )
    assert "honseki_prefecture" in errors


def test_the_47_prefectures_carry_japanese_and_english_labels():
    assert len(Prefecture.choices) == 47
    assert Prefecture.OKINAWA == "47"
    assert Prefecture.TOKYO.label == "東京都 (Tokyo)"


def test_a_person_shows_only_their_name(nyc):
    person = PersonFactory(created_by_office=nyc, email="hanako@example.org", phone="+12127365000")
    assert str(person) == "YAMADA HANAKO"


def test_a_document_shows_only_the_end_of_its_number(nyc):
    document = IdentityDocumentFactory(person__created_by_office=nyc, number="TK1234567")
    with translation.override("en"):
        assert str(document) == "Passport JPN …4567"


def test_a_document_cannot_expire_before_it_is_issued(nyc):
    with pytest.raises(IntegrityError):
        IdentityDocumentFactory(person__created_by_office=nyc, issued_on=date(2020, 1, 1), expires_on=date(2019, 1, 1))


def test_a_state_issues_each_document_number_once_per_kind(nyc):
    IdentityDocumentFactory(person__created_by_office=nyc, number="TK1234567")
    IdentityDocumentFactory(person__created_by_office=nyc, number="TK1234567", kind=IdentityDocument.Kind.OTHER)
    IdentityDocumentFactory(person__created_by_office=nyc, number="TK1234567", issuing_state="USA")
    with pytest.raises(IntegrityError):
        IdentityDocumentFactory(person__created_by_office=nyc, number="TK1234567")


@pytest.fixture
def people(nyc, london):
    """Hanako was registered in New York, John in London; each has a passport."""
    hanako = PersonFactory(created_by_office=nyc)
    john = PersonFactory(created_by_office=london, family_name="SMITH", given_names="JOHN", nationalities=["GBR"])
    return hanako, john


@pytest.fixture
def passports(people):
    return tuple(IdentityDocumentFactory(person=person) for person in people)


def test_a_mission_sees_the_persons_it_created_and_not_another_missions(people, passports, nyc):
    hanako, _john = people
    with scope(actor=Actor(office=nyc, role=Role.CLERK)):
        assert list(Person.objects.all()) == [hanako]
        assert list(IdentityDocument.objects.all()) == [passports[0]]


def test_the_other_mission_sees_its_own_person_only(people, passports, london):
    _hanako, john = people
    with scope(actor=Actor(office=london, role=Role.CLERK)):
        assert list(Person.objects.all()) == [john]
        assert list(IdentityDocument.objects.all()) == [passports[1]]
        assert not Person.objects.filter(family_name="YAMADA").exists()


@pytest.mark.parametrize("role", [Role.HQ_OFFICER, Role.AUDITOR])
def test_hq_and_auditors_see_every_person_and_document(people, passports, hq, role):
    with scope(actor=Actor(office=hq, role=role)):
        assert set(Person.objects.all()) == set(people)
        assert set(IdentityDocument.objects.all()) == set(passports)


def test_no_actor_sees_no_person(people, passports):
    with scope(actor=None):
        assert not Person.objects.exists()
        assert not IdentityDocument.objects.exists()


def test_a_person_query_outside_any_scope_raises_instead_of_returning_everyone(people, passports):
    with scope(), pytest.raises(ScopeError):
        list(Person.objects.all())
    with scope(), pytest.raises(ScopeError):
        list(IdentityDocument.objects.all())


def test_merged_persons_are_left_out_of_current_ones(people):
    hanako, john = people
    Person.unscoped.filter(pk=john.pk).update(merged_into=hanako)
    assert list(Person.unscoped.current()) == [hanako]
