"""Country names as the UN publishes them → ISO 3166-1 alpha-3."""

import pytest

from consular import countries
from consular.screening import un_sc
from consular.screening.country_names import UN_SPELLINGS, country_codes
from consular.screening.records import single_spaced
from tests.screening.conftest import xml_root

COUNTRY_PATHS = ("NATIONALITY/VALUE", "INDIVIDUAL_DOCUMENT/ISSUING_COUNTRY", "INDIVIDUAL_DOCUMENT/COUNTRY_OF_ISSUE",
                 "INDIVIDUAL_PLACE_OF_BIRTH/COUNTRY")


def test_every_country_name_of_the_full_list_resolves(full_xml):
    root = xml_root(full_xml)
    published = {single_spaced(found.text) for path in COUNTRY_PATHS for person in root.iter("INDIVIDUAL")
                 for found in person.iterfind(path) if single_spaced(found.text)}

    assert len(published) > 80
    assert {name for name in published if country_codes(name) is None} == set()
    assert un_sc.read(full_xml).unresolved_countries == set()


@pytest.mark.parametrize("published, codes", [
    ("Democratic People's Republic of Korea", ("PRK",)),
    ("Iran (Islamic Republic of)", ("IRN",)),
    ("Pakistan", ("PAK",)),
    ("United Kingdom of Great Britain and Northern\n                    Ireland", ("GBR",)),
    ("Russian Federation", ("RUS",)),
    ("Turkey", ("TUR",)),
    ("Pakistani", ("PAK",)),
    ("Indonesia (as at Dec. 2003)", ("IDN",)),
    ("United States. Also believed to hold Syrian nationality", ("USA", "SYR")),
    ("USSR (until 1991)", ()),
    ("Kuwaiti citizenship withdrawn in 2002", ()),
    ("JPN", ("JPN",)),
    ("", ()),
])
def test_un_spellings_resolve_to_what_was_decided(published, codes):
    assert country_codes(published) == codes


def test_an_unknown_name_is_unresolved_not_guessed():
    assert country_codes("Atlantis") is None


def test_every_hand_mapped_code_is_a_record_code():
    assert all(countries.is_record_code(code) for codes in UN_SPELLINGS.values() for code in codes)


def test_an_unresolvable_nationality_is_kept_as_published_and_reported(excerpt_xml):
    content = excerpt_xml.replace(b"<VALUE>Pakistan</VALUE>", b"<VALUE>Atlantis</VALUE>", 1)
    assert content != excerpt_xml

    edition = un_sc.read(content)

    assert edition.unresolved_countries == {"Atlantis"}
    kept = [nationality for record in edition.records for nationality in record.nationalities
            if nationality.as_published == "Atlantis"]
    assert [nationality.country for nationality in kept] == [""]
