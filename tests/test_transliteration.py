"""The tables of ICAO Doc 9303 Part 3, section 6, as `consular.transliteration` holds them."""

import unicodedata

import pytest

from consular.transliteration import ARABIC, CYRILLIC, LATIN, TEH_MARBUTA, NotWritable, mrz_name


def test_every_table_writes_only_the_letters_an_mrz_holds():
    for value in [*LATIN.values(), *CYRILLIC.values(), *ARABIC.values()]:
        assert value and set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), value


def test_table_b_has_its_48_rows_and_no_soft_sign():
    # 0401-040F (12 rows), 0410-042F without 042C Ь (31), and 046A, 0474, 0490, 0492, 04BA.
    assert len(CYRILLIC) == 48
    assert "\u042c" not in CYRILLIC
    assert all(unicodedata.name(char).startswith("CYRILLIC CAPITAL LETTER") for char in CYRILLIC)


def test_table_c_lists_its_letters_and_teh_marbuta_by_position():
    assert all(unicodedata.name(char).startswith("ARABIC LETTER") for char in ARABIC)
    # 70 rows of letters, less the four "not encoded" ones, teh marbuta (written by its position) apart.
    assert len(ARABIC) == 70 - 4 - 1
    assert mrz_name("ة") == "XAH" and mrz_name("ةب") == "XTAB"


def test_table_a_rows_with_a_letter_of_their_own_and_the_rest_lose_their_marks():
    assert mrz_name("ÆØÅÞŒĲẞ") == "AEOEAATHOEIJSS"
    assert mrz_name("ÀÁÂÃÇÈÉÊËÌÍÎÏÒÓÔÕÙÚÛÝĀĂĄĆĈĊČĎĒĔĖĘĚĜĞĠĢĤĨĪĬĮĴĶĹĻĽŃŅŇŌŎŐŔŖŘŚŜŞŠŢŤŨŪŬŮŰŲŴŶŸŹŻŽ") == (
        "AAAACEEEEIIIIOOOOUUUYAAACCCCDEEEEEGGGGHIIIIJKLLLNNNOOORRRSSSSTTUUUUUUWYYZZZ"
    )
    assert mrz_name("ıİ") == "II"


@pytest.mark.parametrize("name", ["Ελένη", "שרה", "김민준", "李小龙", "สมชาย", "Ərəb", "R2"])
def test_a_script_without_a_table_is_refused_naming_the_character(name):
    with pytest.raises(NotWritable) as refused:
        mrz_name(name)
    assert refused.value.char in name


def test_punctuation_is_left_out_and_separators_become_one_filler():
    assert mrz_name("  D'Artagnan -- de  la,Fère. ") == "DARTAGNAN<DE<LA<FERE"
    assert mrz_name("'-.") == ""
    assert TEH_MARBUTA not in ARABIC
