"""Visa stickers' MRZ, format A (ICAO Doc 9303 Part 7, 4.2.2): written, read back, and every slip caught."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consular.documents.mrz import CannotWrite, VisaData, check_digit, mrva_lines, parse_mrva, parse_td3, transliterate
from tests.documents.test_mrz import (
    MRZ_CODES,
    NAME_ALPHABET,
    SETTINGS,
    TODAY,
    _assert_read_back,
    _messages_in_english,  # noqa: F401 - the module's autouse fixture: messages in English
    _with,
    birth_dates,
)

# Doc 9303 Part 7's specimen holder, on a sticker our state issues.
SPECIMEN = VisaData(
    document_code="V", issuing_state="JPN", surname="Eriksson", given_names="Anna María", number="L8988901C",
    nationality="SWE", birth_date=date(1974, 8, 12), sex="F", expiry_date=date(2027, 4, 15),
)
SPECIMEN_LINE1 = "V<JPNERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
SPECIMEN_LINE2 = "L8988901C4SWE7408122F2704151<<<<<<<<<<<<<<<<"


def test_specimen_is_written_position_by_position():
    line1, line2 = mrva_lines(SPECIMEN)
    assert (line1, line2) == (SPECIMEN_LINE1, SPECIMEN_LINE2)
    # Line 2: number 1-9, its check digit 10, nationality 11-13, birth 14-19 and 20, sex 21,
    # valid until 22-27 and 28, then 16 of optional data with no check digit and no composite one.
    assert line2[9] == check_digit("L8988901C")
    assert line2[19] == check_digit("740812")
    assert line2[27] == check_digit("270415")
    assert line2[28:] == "<" * 16


def test_specimen_reads_back():
    parsed = parse_mrva(f"{SPECIMEN_LINE1}\n{SPECIMEN_LINE2}", today=TODAY)
    assert parsed.valid, parsed.errors
    assert (parsed.document_code, parsed.issuing_state, parsed.surname, parsed.given_names) == (
        "V<", "JPN", "ERIKSSON", "ANNA MARIA")
    assert (parsed.number, parsed.nationality, parsed.birth_date, parsed.sex, parsed.expiry_date) == (
        "L8988901C", "SWE", (1974, 8, 12), "F", date(2027, 4, 15))
    assert parsed.optional_data_check_digit == parsed.composite_check_digit == ""


def test_optional_data_fills_sixteen_positions():
    _line1, line2 = mrva_lines(replace(SPECIMEN, optional_data="ENTRIES 2 TOKYO"))
    assert line2[28:] == "ENTRIES<2<TOKYO<"
    assert parse_mrva(f"{_line1}\n{line2}", today=TODAY).optional_data == "ENTRIES<2<TOKYO"

    with pytest.raises(CannotWrite, match="longer than 16") as refusal:
        mrva_lines(replace(SPECIMEN, optional_data="A" * 17))
    assert refusal.value.field == "optional_data"


def test_a_passport_code_is_not_a_visas():
    with pytest.raises(CannotWrite, match="not a visa's") as refusal:
        mrva_lines(replace(SPECIMEN, document_code="P"))
    assert refusal.value.field == "document_code"

    passport = SPECIMEN_LINE1.replace("V<", "P<", 1)
    assert [error.field for error in parse_mrva(f"{passport}\n{SPECIMEN_LINE2}", today=TODAY).errors] == [
        "document_code"]


def test_a_visa_is_not_read_as_a_passport():
    fields = {error.field for error in parse_td3(f"{SPECIMEN_LINE1}\n{SPECIMEN_LINE2}", today=TODAY).errors}
    assert "document_code" in fields


@pytest.mark.parametrize(("text", "field", "message"), [
    (SPECIMEN_LINE1, "line_count", "A visa MRZ (format A) has 2 lines; this text has 1."),
    (f"{SPECIMEN_LINE1}\n{SPECIMEN_LINE2[:-1]}", "line_length",
     "Line 2 has 43 characters; each line of a visa MRZ (format A) has exactly 44."),
])
def test_the_wrong_shape_is_named_as_a_visas(text, field, message):
    errors = parse_mrva(text, today=TODAY).errors
    assert [(error.field, str(error.message)) for error in errors] == [(field, message)]


@pytest.mark.parametrize(("position", "field"), [(9, "number"), (19, "birth_date"), (27, "expiry_date")])
def test_a_wrong_check_digit_names_its_field(position, field):
    wrong = "0" if SPECIMEN_LINE2[position] != "0" else "1"
    errors = parse_mrva(f"{SPECIMEN_LINE1}\n{_with(SPECIMEN_LINE2, position, wrong)}", today=TODAY).errors
    assert [error.field for error in errors] == [field]


@st.composite
def visa_data(draw) -> VisaData:
    return VisaData(
        document_code=draw(st.sampled_from(["V", "V<", "VA", "VT"])),
        issuing_state=draw(st.sampled_from(MRZ_CODES)),
        surname=draw(st.text(NAME_ALPHABET, min_size=1, max_size=50).filter(transliterate)),
        given_names=draw(st.text(NAME_ALPHABET, max_size=60).filter(lambda g: transliterate(g) or not g.strip())),
        number=draw(st.from_regex(r"[A-Z0-9]{1,9}", fullmatch=True)),
        nationality=draw(st.sampled_from(MRZ_CODES) | st.just("D<<")),
        sex=draw(st.sampled_from("FMX")),
        expiry_date=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))),
        optional_data=draw(st.just("") | st.from_regex(r"[A-Z0-9]([A-Z0-9<]{0,14}[A-Z0-9])?", fullmatch=True)),
        **draw(birth_dates()),
    )


@SETTINGS
@given(visa_data())
def test_every_written_mrz_is_two_lines_of_44_that_read_back_to_the_same_fields(data):
    line1, line2 = mrva_lines(data)
    assert len(line1) == len(line2) == 44
    assert set(line1 + line2) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")

    parsed = parse_mrva(f"{line1}\n{line2}", today=TODAY)
    assert parsed.valid, [str(error.message) for error in parsed.errors]
    assert parsed.document_code == data.document_code.ljust(2, "<")
    assert parsed.issuing_state == data.issuing_state.ljust(3, "<")
    assert parsed.nationality == data.nationality.ljust(3, "<")
    assert parsed.number == data.number
    assert parsed.birth_date == data.birth_parts
    assert parsed.sex == data.sex
    assert parsed.expiry_date == data.expiry_date
    assert parsed.optional_data == data.optional_data
    # Part 3, 4.9: each check digit is the weighted sum 7, 3, 1 of its field, modulo 10.
    assert line2[9] == check_digit(line2[0:9])
    assert line2[19] == check_digit(line2[13:19])
    assert line2[27] == check_digit(line2[21:27])
    full_name = transliterate(data.surname) + (
        "<<" + transliterate(data.given_names) if transliterate(data.given_names) else "")
    if len(full_name) <= 39:
        assert parsed.surname == transliterate(data.surname).replace("<", " ")
        assert parsed.given_names == transliterate(data.given_names).replace("<", " ")
    else:
        _assert_read_back(parsed.surname, data.surname)
        _assert_read_back(parsed.given_names, data.given_names)


@settings(SETTINGS, max_examples=25)
@given(visa_data())
def test_changing_any_checked_digit_is_caught(data):
    line1, line2 = mrva_lines(data)
    for position, char in enumerate(line2[:28]):
        if not char.isdigit():
            continue
        for other in "0123456789".replace(char, ""):
            assert not parse_mrva(f"{line1}\n{_with(line2, position, other)}", today=TODAY).valid, (position, other)


@SETTINGS
@given(st.text(max_size=200))
def test_reading_any_text_never_raises(text):
    parse_mrva(text, today=TODAY)
