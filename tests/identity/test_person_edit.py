"""The person page shows every detail on record, and the record is changed on its edit page."""

import pytest

from consular.audit.models import AuditEntry
from consular.identity.actions import PERSON_FIELDS, create_person, update_person
from consular.identity.forms import PersonEditForm
from consular.identity.models import Person, Sex
from tests.identity.factories import actor_for

HANAKO = {
    "family_name": "OHNO",
    "given_names": "HANAKO",
    "sex": Sex.FEMALE,
    "birth_year": 1984,
    "birth_month": 7,
    "birth_day": 3,
    "nationalities": ["JPN"],
    "address_abroad": "350 Fifth Avenue\nNew York, NY 10118",
    "email": "hanako.ohno@example.com",
    "phone": "+12125550100",
}


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def hanako(nyc_clerk) -> Person:
    return create_person(by=actor_for(nyc_clerk), **HANAKO)


def edit_url(person: Person) -> str:
    return f"/persons/{person.pk}/edit/"


def posted(person: Person, **changes) -> dict:
    """The edit form as the page fills it in, with `changes` typed over it."""
    initial = PersonEditForm.initial_for(person)
    return {name: "" if value is None else value for name, value in initial.items()} | changes


def test_the_person_page_shows_the_address_phone_and_email(signed_in, nyc_clerk, hanako):
    text = signed_in(nyc_clerk).get(f"/persons/{hanako.pk}/").text
    assert "350 Fifth Avenue<br>New York, NY 10118" in text
    assert 'href="mailto:hanako.ohno@example.com"' in text and 'href="tel:+12125550100"' in text
    assert f'href="/persons/{hanako.pk}/edit/"' in text
    assert f'href="/persons/{hanako.pk}/documents/new/"' in text


def test_the_edit_form_has_every_field_the_record_holds():
    assert set(PersonEditForm.base_fields) - {"version"} == set(PERSON_FIELDS)


def test_an_edit_changes_only_what_was_changed_and_is_audited(signed_in, nyc_clerk, hanako):
    response = signed_in(nyc_clerk).post(
        edit_url(hanako), posted(hanako, phone="+1 646 555 0199", address_home="東京都千代田区霞が関2-2-1")
    )
    assert response.status_code == 302 and response["Location"] == f"/persons/{hanako.pk}/"
    hanako.refresh_from_db()
    assert (hanako.phone, hanako.address_home, hanako.version) == ("+16465550199", "東京都千代田区霞が関2-2-1", 2)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=str(hanako.pk)).get()
    assert entry.changes == {
        "phone": ["+12125550100", "+16465550199"],
        "address_home": ["", "東京都千代田区霞が関2-2-1"],
    }


def test_a_stale_edit_is_a_409_that_keeps_what_was_typed_and_saves_nothing(signed_in, nyc_clerk, hanako):
    form = posted(hanako, email="new@example.com")
    update_person(hanako, by=actor_for(nyc_clerk), expected_version=1, phone="+442079460000")  # a colleague
    response = signed_in(nyc_clerk).post(edit_url(hanako), form)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    assert 'value="new@example.com"' in response.text  # what was typed
    assert "+442079460000" in response.text  # the record as it is now
    assert 'name="version" value="2"' in response.text  # the next submit overwrites what is there now
    hanako.refresh_from_db()
    assert (hanako.email, hanako.version) == ("hanako.ohno@example.com", 2)


def test_bad_input_is_a_400_next_to_the_fields_and_saves_nothing(signed_in, nyc_clerk, hanako):
    response = signed_in(nyc_clerk).post(
        edit_url(hanako), posted(hanako, phone="12", family_name="Ohno1", honseki_prefecture="13", nationalities="USA")
    )
    assert response.status_code == 400
    assert 'href="#id_phone"' in response.text and 'href="#id_family_name"' in response.text
    assert 'href="#id_honseki_prefecture"' in response.text  # a honseki is for Japanese nationals only
    hanako.refresh_from_db()
    assert (hanako.version, hanako.phone) == (1, "+12125550100")


def test_another_offices_person_cannot_be_edited(signed_in, london_clerk, hanako):
    assert signed_in(london_clerk).get(edit_url(hanako)).status_code == 404
    assert signed_in(london_clerk).post(edit_url(hanako), posted(hanako, email="x@example.com")).status_code == 404
    hanako.refresh_from_db()
    assert hanako.version == 1


def test_an_auditor_reads_but_cannot_edit(signed_in, auditor, hanako):
    assert signed_in(auditor).post(edit_url(hanako), posted(hanako, email="x@example.com")).status_code == 403
    assert f'href="/persons/{hanako.pk}/edit/"' not in signed_in(auditor).get(f"/persons/{hanako.pk}/").text


def test_a_merged_record_is_not_edited_the_clerk_is_sent_to_the_current_one(signed_in, nyc_clerk, hanako):
    current = create_person(by=actor_for(nyc_clerk), **{**HANAKO, "given_names": "HANA"})
    Person.unscoped.filter(pk=hanako.pk).update(merged_into=current)
    response = signed_in(nyc_clerk).post(edit_url(hanako), posted(hanako, email="x@example.com"))
    assert response.status_code == 302 and response["Location"] == f"/persons/{current.pk}/"
    hanako.refresh_from_db()
    assert hanako.email == "hanako.ohno@example.com"
