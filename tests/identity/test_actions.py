from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from consular.audit.models import AuditEntry
from consular.identity.actions import (
    add_document,
    change_document_status,
    create_person,
    update_person,
)
from consular.identity.models import IdentityDocument, Person, Prefecture, Sex
from consular.versions import StaleVersion
from tests.identity.factories import IdentityDocumentFactory, PersonFactory, actor_for

HANAKO = {
    "family_name": "yamada",
    "given_names": " hanako ",
    "sex": Sex.FEMALE,
    "birth_year": 1984,
    "birth_month": 7,
    "birth_day": 3,
    "nationalities": ["jpn"],
    "family_name_native": "山田",
    "given_names_native": "花子",
    "family_name_reading": "ﾔﾏﾀﾞ",
    "given_names_reading": "ハナコ",
}


def _entries(target) -> list[AuditEntry]:
    return list(
        AuditEntry.unscoped.filter(object_type=target._meta.label_lower, object_id=str(target.pk)).order_by("id")
    )


def test_creating_a_person_normalises_the_input_and_audits_every_value(nyc, nyc_clerk):
    person = create_person(
        by=actor_for(nyc_clerk),
        **HANAKO,
        phone="+1 (212) 736-5000",
        honseki_prefecture=Prefecture.TOKYO,
        place_of_birth="Tokyo ",
    )
    person.refresh_from_db()
    assert (person.family_name, person.given_names) == ("YAMADA", "HANAKO")
    assert person.family_name_reading == "ヤマダ"  # half-width katakana made full-width
    assert person.nationalities == ["JPN"]
    assert person.phone == "+12127365000"
    assert person.created_by_office == nyc
    assert person.version == 1
    [entry] = _entries(person)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.username == "nyc_clerk"
    assert entry.office_code == "NYC"
    assert entry.object_repr == "YAMADA HANAKO"
    assert entry.changes["family_name"] == [None, "YAMADA"]
    assert entry.changes["phone"] == [None, "+12127365000"]
    assert entry.changes["nationalities"] == [None, "JPN"]
    assert entry.changes["honseki_prefecture"] == [None, "13"]
    assert entry.changes["created_by_office"] == [None, "NYC"]
    assert "email" not in entry.changes  # nothing given, nothing to record


def test_invalid_input_is_refused_field_by_field_and_saves_nothing(nyc_clerk):
    with pytest.raises(ValidationError) as caught:
        create_person(
            by=actor_for(nyc_clerk),
            **{
                **HANAKO,
                "family_name": "Ōno",
                "nationalities": ["JAPAN"],
                "birth_month": 13,
                "sex": "Q",
            },
            phone="12345",
            email="not-an-address",
        )
    assert set(caught.value.message_dict) >= {
        "family_name",
        "nationalities",
        "birth_month",
        "sex",
        "phone",
        "email",
    }
    assert not Person.unscoped.exists()
    assert not AuditEntry.unscoped.exists()


@pytest.mark.parametrize(("month", "day", "shown"), [(None, None, "1984"), (7, None, "1984-07")])
def test_a_person_can_be_created_with_a_partial_date_of_birth(nyc_clerk, month, day, shown):
    person = create_person(by=actor_for(nyc_clerk), **{**HANAKO, "birth_month": month, "birth_day": day})
    assert Person.unscoped.get(pk=person.pk).date_of_birth_display == shown


def test_a_day_without_a_month_is_a_field_error(nyc_clerk):
    with pytest.raises(ValidationError) as caught:
        create_person(by=actor_for(nyc_clerk), **{**HANAKO, "birth_month": None, "birth_day": 3})
    assert "birth_day" in caught.value.message_dict
    assert not Person.unscoped.exists()


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("+1 212 736 5000", "+12127365000"),
        ("0044 20 7946 0958", "+442079460958"),
        ("+81 90-1234-5678", "+819012345678"),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_in_e164(nyc_clerk, given, stored):
    person = create_person(by=actor_for(nyc_clerk), **HANAKO, phone=given)
    assert Person.unscoped.get(pk=person.pk).phone == stored


@pytest.mark.parametrize("phone", ["212 736 5000", "+1 212 555", "call me"])
def test_phone_numbers_without_country_code_or_invalid_are_refused(nyc_clerk, phone):
    with pytest.raises(ValidationError) as caught:
        create_person(by=actor_for(nyc_clerk), **HANAKO, phone=phone)
    assert "phone" in caught.value.message_dict


def test_a_non_japanese_person_cannot_have_a_honseki(nyc_clerk):
    with pytest.raises(ValidationError) as caught:
        create_person(
            by=actor_for(nyc_clerk), **{**HANAKO, "nationalities": ["USA"]}, honseki_prefecture=Prefecture.OSAKA
        )
    assert "honseki_prefecture" in caught.value.message_dict
    assert not Person.unscoped.exists()


def test_losing_japanese_nationality_needs_the_honseki_cleared_too(nyc, nyc_clerk):
    person = PersonFactory(created_by_office=nyc, nationalities=["JPN"], honseki_prefecture=Prefecture.OSAKA)
    with pytest.raises(ValidationError) as caught:
        update_person(person, by=actor_for(nyc_clerk), expected_version=1, nationalities=["USA"])
    assert "honseki_prefecture" in caught.value.message_dict
    update_person(person, by=actor_for(nyc_clerk), expected_version=1, nationalities=["USA"], honseki_prefecture="")
    assert Person.unscoped.get(pk=person.pk).honseki_prefecture == ""


def test_updating_a_person_audits_only_the_changed_fields_with_old_and_new_values(nyc, nyc_clerk):
    person = PersonFactory(created_by_office=nyc, phone="+12127365000")
    update_person(
        person,
        by=actor_for(nyc_clerk),
        expected_version=1,
        family_name="yamada",
        given_names="hanako mai",
        phone="+44 20 7946 0958",
        nationalities=["JPN", "usa"],
    )
    stored = Person.unscoped.get(pk=person.pk)
    assert (stored.given_names, stored.phone, stored.nationalities) == ("HANAKO MAI", "+442079460958", ["JPN", "USA"])
    assert stored.version == person.version == 2
    [entry] = _entries(person)
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes == {
        "given_names": ["HANAKO", "HANAKO MAI"],
        "phone": ["+12127365000", "+442079460958"],
        "nationalities": ["JPN", "JPN USA"],
    }


def test_an_update_that_changes_nothing_writes_nothing(nyc, nyc_clerk):
    person = PersonFactory(created_by_office=nyc)
    update_person(person, by=actor_for(nyc_clerk), expected_version=1, family_name=" Yamada ")
    assert Person.unscoped.get(pk=person.pk).version == 1
    assert _entries(person) == []


def test_a_stale_update_is_a_conflict_and_changes_nothing(nyc, nyc_clerk):
    person = PersonFactory(created_by_office=nyc)
    update_person(person, by=actor_for(nyc_clerk), expected_version=1, given_names="HANA")
    with pytest.raises(StaleVersion) as caught:
        update_person(person, by=actor_for(nyc_clerk), expected_version=1, given_names="HANAKO", place_of_birth="X")
    assert caught.value.current_version == 2
    stored = Person.unscoped.get(pk=person.pk)
    assert (stored.given_names, stored.place_of_birth, stored.version) == ("HANA", "", 2)
    assert len(_entries(person)) == 1


def test_an_invalid_update_changes_nothing(nyc, nyc_clerk):
    person = PersonFactory(created_by_office=nyc)
    with pytest.raises(ValidationError):
        update_person(person, by=actor_for(nyc_clerk), expected_version=1, given_names="MAI", birth_month=None)
    stored = Person.unscoped.get(pk=person.pk)
    assert (stored.given_names, stored.birth_month, stored.version) == ("HANAKO", 7, 1)
    assert _entries(person) == []


def test_bookkeeping_fields_cannot_be_changed_through_update(nyc, london, nyc_clerk):
    person = PersonFactory(created_by_office=nyc)
    with pytest.raises(TypeError):
        update_person(person, by=actor_for(nyc_clerk), expected_version=1, created_by_office=london)


def test_an_auditor_cannot_write(nyc, auditor):
    person = PersonFactory(created_by_office=nyc)
    document = IdentityDocumentFactory(person=person)
    by = actor_for(auditor)
    with pytest.raises(PermissionDenied):
        create_person(by=by, **HANAKO)
    with pytest.raises(PermissionDenied):
        update_person(person, by=by, expected_version=1, given_names="MAI")
    with pytest.raises(PermissionDenied):
        add_document(
            person,
            by=by,
            kind=IdentityDocument.Kind.PASSPORT,
            number="TK7654321",
            issuing_state="JPN",
            issued_on=date(2024, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        change_document_status(document, by=by, status=IdentityDocument.Status.LOST, expected_version=1)
    assert Person.unscoped.count() == 1
    assert Person.unscoped.get().version == 1
    assert IdentityDocument.unscoped.get().status == IdentityDocument.Status.VALID
    assert not AuditEntry.unscoped.exists()


def test_another_mission_cannot_change_a_person_it_does_not_see(nyc, london_clerk):
    person = PersonFactory(created_by_office=nyc)
    with pytest.raises(PermissionDenied):
        update_person(person, by=actor_for(london_clerk), expected_version=1, given_names="MAI")
    with pytest.raises(PermissionDenied):
        add_document(
            person,
            by=actor_for(london_clerk),
            kind=IdentityDocument.Kind.PASSPORT,
            number="TK7654321",
            issuing_state="JPN",
            issued_on=date(2024, 1, 1),
        )
    assert Person.unscoped.get().given_names == "HANAKO"
    assert not IdentityDocument.unscoped.exists()


def test_hq_may_change_a_person_any_mission_created(nyc, hq_officer):
    person = PersonFactory(created_by_office=nyc)
    update_person(person, by=actor_for(hq_officer), expected_version=1, email="hanako@example.org")
    assert Person.unscoped.get().email == "hanako@example.org"


def test_adding_a_document_normalises_its_number_and_is_audited(nyc, nyc_clerk):
    person = PersonFactory(created_by_office=nyc)
    document = add_document(
        person,
        by=actor_for(nyc_clerk),
        kind=IdentityDocument.Kind.PASSPORT,
        number="tk 123-4567",
        issuing_state="jpn",
        issued_on=date(2024, 1, 1),
        expires_on=date(2034, 1, 1),
    )
    document.refresh_from_db()
    assert (document.number, document.issuing_state, document.status) == ("TK1234567", "JPN", "valid")
    assert list(person.documents.all()) == [document]
    [entry] = _entries(document)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.object_repr == "Passport JPN …4567"
    assert entry.changes["number"] == [None, "TK1234567"]
    assert entry.changes["expires_on"] == [None, "2034-01-01"]
    assert entry.changes["person"] == [None, person.pk]


def test_a_duplicate_or_impossible_document_is_refused_and_saves_nothing(nyc, nyc_clerk):
    person = PersonFactory(created_by_office=nyc)
    IdentityDocumentFactory(person=person, number="TK1234567")
    by = actor_for(nyc_clerk)
    with pytest.raises(ValidationError):
        add_document(
            person,
            by=by,
            kind=IdentityDocument.Kind.PASSPORT,
            number="TK 1234567",
            issuing_state="JPN",
            issued_on=date(2024, 1, 1),
        )
    with pytest.raises(ValidationError) as caught:
        add_document(
            person,
            by=by,
            kind=IdentityDocument.Kind.PASSPORT,
            number="TK7654321",
            issuing_state="JAPAN",
            issued_on=date(2024, 1, 1),
            expires_on=date(2023, 1, 1),
        )
    assert "issuing_state" in caught.value.message_dict
    assert IdentityDocument.unscoped.count() == 1
    assert not AuditEntry.unscoped.exists()


def test_changing_a_document_status_is_versioned_and_audited(nyc, nyc_clerk):
    document = IdentityDocumentFactory(person__created_by_office=nyc)
    change_document_status(document, by=actor_for(nyc_clerk), status=IdentityDocument.Status.LOST, expected_version=1)
    assert IdentityDocument.unscoped.get().status == IdentityDocument.Status.LOST
    assert document.version == 2
    [entry] = _entries(document)
    assert entry.changes == {"status": ["valid", "lost"]}
    with pytest.raises(StaleVersion):
        change_document_status(
            document, by=actor_for(nyc_clerk), status=IdentityDocument.Status.STOLEN, expected_version=1
        )
    assert IdentityDocument.unscoped.get().status == IdentityDocument.Status.LOST
    assert len(_entries(document)) == 1


def test_an_unknown_document_status_is_refused(nyc, nyc_clerk):
    document = IdentityDocumentFactory(person__created_by_office=nyc)
    with pytest.raises(ValidationError):
        change_document_status(document, by=actor_for(nyc_clerk), status="shredded", expected_version=1)
    assert IdentityDocument.unscoped.get().version == 1


# --- free text: one form, nothing invisible (consular.text) ---------------------------


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("family_name_native", "山田\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("given_names_native", "花\u200b子", "U+200B ZERO WIDTH SPACE"),
        ("place_of_birth", "Tokyo\x07", "U+0007 BELL"),
        ("place_of_birth", "Tokyo\r\nJapan", "U+000D CARRIAGE RETURN"),
        ("address_abroad", "1 Main St\n\u2067New York", "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ("address_home", "東京都\t千代田区", "U+0009 CHARACTER TABULATION"),
        ("email", "hanako@exa\u202emple.com", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("family_name", "YAMA\tDA", "U+0009 CHARACTER TABULATION"),
        ("given_names", "HANA\u00adKO", "U+00AD SOFT HYPHEN"),
        ("family_name_reading", "やまだ\u200f", "U+200F RIGHT-TO-LEFT MARK"),
    ],
)
def test_invisible_and_control_characters_are_refused_by_name_and_save_nothing(nyc_clerk, field, value, named):
    with pytest.raises(ValidationError) as raised:
        create_person(by=actor_for(nyc_clerk), **{**HANAKO, field: value})
    [message] = [str(message) for message in raised.value.message_dict[field]]
    assert named in message
    assert Person.unscoped.count() == 0


def test_an_update_with_a_bidi_override_is_refused_and_changes_nothing(nyc, nyc_clerk):
    person = create_person(by=actor_for(nyc_clerk), **HANAKO)
    with pytest.raises(ValidationError) as raised:
        update_person(person, by=actor_for(nyc_clerk), expected_version=1, place_of_birth="Osaka\u202eokyoT")
    assert "place_of_birth" in raised.value.message_dict
    person.refresh_from_db()
    assert (person.place_of_birth, person.version) == ("", 1)


def test_text_is_kept_in_nfc_with_line_breaks_as_lf(nyc_clerk):
    person = create_person(
        by=actor_for(nyc_clerk),
        **{**HANAKO, "family_name_native": "\ufa19谷"},
        place_of_birth="Re\u0301union",
        address_abroad="1 Main St\r\nApt 2\rNew York\r\n",
    )
    person.refresh_from_db()
    assert person.place_of_birth == "Réunion"
    assert person.address_abroad == "1 Main St\nApt 2\nNew York"
    assert person.family_name_native == "\ufa19谷"  # 神谷 with the variant 神 (U+FA19), as the person writes it


def test_joiners_a_script_needs_are_kept(nyc_clerk):
    person = create_person(by=actor_for(nyc_clerk), **{**HANAKO, "given_names_native": "می\u200cخواهم"})
    assert person.given_names_native == "می\u200cخواهم"


def test_a_cyrillic_letter_in_a_latin_name_says_what_it_is_and_looks_like(nyc_clerk):
    with pytest.raises(ValidationError) as raised:
        create_person(by=actor_for(nyc_clerk), **{**HANAKO, "family_name": "YАMADA"})  # Cyrillic А
    with translation.override("en"):
        assert [str(message) for message in raised.value.message_dict["family_name"]] == [
            "“А” (U+0410 CYRILLIC CAPITAL LETTER A) is not the Latin letter A it looks like; type the Latin A."
        ]
    assert Person.unscoped.count() == 0


def test_full_width_latin_letters_are_kept_as_plain_capitals(nyc_clerk):
    person = create_person(by=actor_for(nyc_clerk), **{**HANAKO, "family_name": "ＹＡＭＡＤＡ"})
    assert (person.family_name, person.given_names) == ("YAMADA", "HANAKO")


@pytest.mark.parametrize("code", ["KOC", "FFN", "XKX"])
def test_a_nationality_no_state_has_is_refused(nyc_clerk, code):
    with translation.override("en"), pytest.raises(ValidationError, match=f"{code} is not a country code"):
        create_person(by=actor_for(nyc_clerk), **{**HANAKO, "nationalities": [code]})


def test_stateless_and_refugee_codes_of_doc_9303_are_nationalities(nyc_clerk):
    person = create_person(by=actor_for(nyc_clerk), **{**HANAKO, "nationalities": ["XXA"]})
    assert person.nationalities == ["XXA"]
