"""Country codes: ISO 3166-1 alpha-3 and what ICAO Doc 9303 Part 3, section 5 adds, in records and MRZs."""

import importlib.util
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from consular import countries
from consular.offices.demo import OFFICES
from consular.offices.models import validate_alpha3

# Doc 9303 Part 3 (8th edition), section 5, Parts A to G, read off the table.
DOC_9303_THREE_LETTER = {
    "GBD", "GBN", "GBO", "GBS", "GBP", "RKS", "EUE", "UNO", "UNA", "UNK", "XBA", "XIM", "XCC", "XCE", "XCO",
    "XEC", "XPO", "XES", "XMP", "XOM", "XDC", "XXA", "XXB", "XXC", "XXX", "ANT", "NTZ", "UTO",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def test_iso_3166_gives_every_state_and_only_its_codes():
    assert len(countries.ISO_3166_ALPHA3) == 249
    assert {"JPN", "USA", "GBR", "DEU", "THA", "LAO", "IRL", "PRK", "SSD", "ALA"} <= countries.ISO_3166_ALPHA3
    # Kosovo has no ISO code: Doc 9303 gives it RKS, and XKX (a user-assigned code some lists add) is no code of either.
    assert "XKX" not in countries.ISO_3166_ALPHA3 and "RKS" in countries.DOC_9303_CODES


def test_the_doc_9303_table_is_section_5_as_printed():
    assert {code for code in countries.DOC_9303_CODES if len(code) == 3} == DOC_9303_THREE_LETTER
    assert "D" in countries.DOC_9303_CODES
    assert "IAO" not in countries.DOC_9303_CODES  # ICAO signs master lists with it, never a travel document


@pytest.mark.parametrize("code", ["JPN", "XXA", "XXB", "XXC", "XXX", "GBD", "GBN", "RKS", "UNO", "EUE", "XOM"])
def test_records_take_iso_codes_and_those_doc_9303_adds(code):
    validate_alpha3(code)


@pytest.mark.parametrize("code", ["KOC", "FFN", "XKX", "IAO", "UTO", "ANT", "NTZ", "ZZZ"])
def test_records_refuse_codes_no_state_has_and_say_so(code):
    with pytest.raises(ValidationError, match=f"{code} is not a country code: neither ISO 3166-1 nor ICAO Doc 9303"):
        validate_alpha3(code)


def test_germany_is_deu_in_records_and_may_be_d_in_an_mrz():
    with pytest.raises(ValidationError, match="three-letter"):
        validate_alpha3("D")
    assert countries.is_mrz_code("D") and countries.is_mrz_code("D<<") and countries.is_mrz_code("DEU")
    assert not countries.is_mrz_code("DE<")


def test_an_mrz_is_read_but_not_written_with_a_code_iso_withdrew():
    assert countries.is_mrz_code("ANT<", reading=True) is True
    assert countries.is_mrz_code("ANT") is False
    assert countries.is_mrz_code("UTO") and not countries.is_mrz_code("IAO", reading=True)


def test_demo_and_test_data_use_only_real_codes():
    from tests.factories import OfficeFactory
    from tests.identity.factories import PersonFactory

    codes = {code for office in OFFICES for code in [office[4], *office[7]]}
    codes |= {OfficeFactory._meta.declarations["country"]}
    codes |= set(PersonFactory._meta.declarations["nationalities"].function())
    bench = Path(__file__).resolve().parent.parent / "bench" / "person_search.py"
    spec = importlib.util.spec_from_file_location("bench_person_search", bench)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    codes |= set(module.POOLS)
    assert codes and all(countries.is_record_code(code) for code in codes), sorted(
        code for code in codes if not countries.is_record_code(code)
    )
