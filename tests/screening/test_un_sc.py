"""Reading the UN consolidated list's XML: every shape the 2018 edition uses, each with a real example."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from consular.screening import un_sc
from consular.screening.records import BirthDate, WatchlistFileError
from tests.screening.conftest import DATA, SHARED_DATA, xml_root


@pytest.fixture(scope="module")
def edition(full_xml) -> un_sc.Edition:
    return un_sc.read(full_xml)


@pytest.fixture(scope="module")
def by_reference(edition) -> dict:
    return {record.reference: record for record in edition.records}


def test_the_copies_of_the_un_files_match_shared_data_when_it_is_there():
    for name in ("un_sc_consolidated_full.xml", "un_sc_consolidated_excerpt.xml", "un_sc_sanctions.xsd"):
        shared = SHARED_DATA / name
        if shared.exists():  # beside the repository on developers' machines and in CI
            assert (DATA / name).read_bytes() == shared.read_bytes()


def test_the_edition_is_the_date_generated(edition):
    assert edition.generated == datetime(2018, 10, 29, 23, 9, 49, 856000, tzinfo=UTC)
    assert edition.generated.utcoffset() == timedelta(hours=-4)
    assert edition.generated.tzinfo == timezone(timedelta(hours=-4))


def test_the_full_list_reads_703_individuals_and_every_entity(edition, full_xml):
    kinds = Counter(record.kind for record in edition.records)
    assert kinds == {"individual": 703, "entity": len(list(xml_root(full_xml).iter("ENTITY")))}


def test_every_type_of_date_in_the_full_list_is_one_the_reader_knows(full_xml):
    types = {(element.findtext("TYPE_OF_DATE") or "").strip() for element in xml_root(full_xml).iter(
        "INDIVIDUAL_DATE_OF_BIRTH")}
    assert types == {"EXACT", "APPROXIMATELY", "BETWEEN", ""}


@pytest.mark.parametrize("reference, expected", [
    # EXACT with a full DATE
    ("KPi.033", BirthDate("date", date=date(1964, 7, 17), from_year=1964, to_year=1964)),
    # EXACT with a DATE carrying a zone suffix
    ("SSi.005", BirthDate("date", date=date(1960, 1, 1), from_year=1960, to_year=1960)),
    # EXACT with a YEAR only
    ("YEi.001", BirthDate("year", from_year=1984, to_year=1984)),
    # APPROXIMATELY with a YEAR
    ("TAi.024", BirthDate("year", from_year=1968, to_year=1968, approximate=True)),
    # BETWEEN two years
    ("TAi.101", BirthDate("range", from_year=1963, to_year=1968)),
    # BETWEEN two years with a note
    ("TAi.002", BirthDate("range", from_year=1955, to_year=1958, note="Approximately")),
    # EXACT with a DATE and a note
    ("QDi.295", BirthDate("date", date=date(1979, 3, 3), from_year=1979, to_year=1979, note="from false passport")),
    # EXACT with a YEAR and a note (the month)
    ("QDi.395", BirthDate("year", from_year=1958, to_year=1958, note="Sep.")),
    # EXACT with only a note: a date in another calendar
    ("QDi.291", BirthDate("note", note="24/06/1402 (Hijri Calendar)")),
    # APPROXIMATELY with only a note: an age
    ("LYi.022", BirthDate("note", approximate=True, note="30-35 years old")),
])
def test_each_date_of_birth_shape_is_read(by_reference, reference, expected):
    assert expected in by_reference[reference].birth_dates


def test_an_empty_date_of_birth_element_is_skipped(by_reference):
    assert by_reference["QDi.018"].birth_dates == ()


def test_a_person_keeps_several_dates_of_birth(by_reference):
    assert [birth.date for birth in by_reference["QDi.295"].birth_dates] == [
        date(1984, 5, 28), date(1979, 12, 3), date(1979, 3, 3)]


def test_names_are_joined_without_the_padding_of_the_published_parts(by_reference):
    assert by_reference["KPi.033"].name_parts == ("RI", "WON HO")
    assert by_reference["KPi.033"].primary_name == "RI WON HO"
    assert by_reference["KPi.038"].primary_name == "CHO CHUN RYONG"


def test_empty_alias_elements_are_skipped(by_reference):
    assert [name.quality for name in by_reference["KPi.033"].names] == ["primary"]


def test_alias_quality_is_kept(by_reference):
    assert [(name.full_name, name.quality) for name in by_reference["KPi.037"].names] == [
        ("CHANG CHANG HA", "primary"), ("Jang Chang Ha", "good")]


def test_the_original_script_name_is_the_native_name_and_a_primary_name(edition):
    record = next(record for record in edition.records if record.native_name)
    assert (record.native_name, "primary") in [(name.full_name, name.quality) for name in record.names]
    assert next(name for name in record.names if name.full_name == record.native_name).script != "Latn"


@pytest.mark.parametrize("published, names", [
    ("Abdul Rehman; Abd Ur-Rehman; Abdur Rahman", ["Abdul Rehman", "Abd Ur-Rehman", "Abdur Rahman"]),
    ("Mortaza Safari; Morteza Saferi; Murtaza Saferi; Murtaza\n                    Safari",
     ["Mortaza Safari", "Morteza Saferi", "Murtaza Saferi", "Murtaza Safari"]),
    ("عبدالله السندي (Abdullah Sindhi)", ["عبدالله السندي", "Abdullah Sindhi"]),
    ("حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)", ["حسن غول", "Hassan Ghul", "Hassan Gul", "Hasan Gul"]),
    ("Akrin Saleh Akrin (أقرين صالح أقرين)", ["Akrin Saleh Akrin", "أقرين صالح أقرين"]),
    ("Abu Muhammad (original script: \u0410\u0431\u0443 \u041c\u0443\u0445\u0430\u043c\u043c\u0430\u0434)",
     ["Abu Muhammad", "\u0410\u0431\u0443 \u041c\u0443\u0445\u0430\u043c\u043c\u0430\u0434"]),
    ("El Para (combat name)", ["El Para (combat name)"]),
    ("Al-Qaida in Yemen (AQY)", ["Al-Qaida in Yemen (AQY)"]),
    ("Jang Chang Ha", ["Jang Chang Ha"]),
])
def test_one_published_alias_may_hold_several_names(published, names):
    assert un_sc.split_alias(published) == names


def test_entity_aliases_are_read_and_former_names_noted(by_reference, full_xml):
    entity_aliases = [name for record in by_reference.values() if record.kind == "entity" for name in record.names
                      if name.position]
    assert entity_aliases
    assert {name.quality for name in entity_aliases} == {"good"}
    assert any(name.note == "f.k.a." for name in entity_aliases)


@pytest.mark.parametrize("published, number", [
    (" 381310014", "381310014"),
    ("Qatari passport number 00868774", "00868774"),
    ("D 000974", "D000974"),
    ("35404-1577309-9", "3540415773099"),
    ("No. H0044232 (Iraqi)", "H0044232"),
    ("Diplomatic Passport D014433", "D014433"),
])
def test_document_numbers_are_read_out_of_the_published_text(published, number):
    assert un_sc.document_number(published) == number


def test_documents_keep_the_published_number_and_the_issuing_state(by_reference):
    documents = [document for record in by_reference.values() for document in record.documents]
    assert all(document.number.isalnum() and document.number.isascii() and document.number.upper() ==
               document.number for document in documents if document.number)
    tunisian = [document for document in documents if document.issuing_country_as_published == "Tunisia"]
    assert tunisian and {document.issuing_country for document in tunisian} == {"TUN"}


def test_the_excerpt_reads_20_individuals_and_3_entities(excerpt_xml):
    kinds = Counter(record.kind for record in un_sc.read(excerpt_xml).records)
    assert kinds == {"individual": 20, "entity": 3}


@pytest.mark.parametrize("content, message", [
    (b"DATAID,NAME\n1,X\n", "Not XML"),
    (b"", "Not XML"),
    (b"<?xml version='1.0'?><LIST dateGenerated='2018-10-29T19:09:49-04:00'/>", "root element is <LIST>"),
    (b"<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>", "no dateGenerated"),
    (b"<CONSOLIDATED_LIST dateGenerated='yesterday'/>", "not a date and time"),
    (b"<CONSOLIDATED_LIST dateGenerated='2018-10-29T19:09:49-04:00'><INDIVIDUALS><INDIVIDUAL>"
     b"<FIRST_NAME>X</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>", "INDIVIDUAL number 1 has no DATAID"),
    (b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;'>]><CONSOLIDATED_LIST>&b;"
     b"</CONSOLIDATED_LIST>", "Refused XML"),
])
def test_a_file_that_is_not_the_un_list_is_refused_with_a_clear_message(content, message):
    with pytest.raises(WatchlistFileError, match=message):
        un_sc.read(content)
