"""Name matching: the labelled screening set end to end, then each fold on its own."""

import csv
from pathlib import Path

import pytest

from consular.identity.names import (
    JAPANESE,
    KOREAN,
    MATCH_THRESHOLD,
    TRANSLITERATION,
    NameRecord,
    PartialDate,
    blocking_keys,
    compare_birth_dates,
    compare_names,
    compare_nationalities,
    kana_to_romaji,
    name_keys,
    normalise,
    score,
)

# A copy of ../shared/data/screening_dev.csv, so a clone tests the same set without shared/ beside it.
SCREENING_SET = Path(__file__).parent / "data" / "screening_dev.csv"
ROWS = list(csv.DictReader(SCREENING_SET.open(encoding="utf-8")))


def _record(row: dict[str, str], side: str) -> NameRecord:
    birth_date = PartialDate.parse(row[f"{side}_dob"])
    return NameRecord(row[f"{side}_family"], row[f"{side}_given"], birth_date, row[f"{side}_nat"])


def _records(row: dict[str, str]) -> tuple[NameRecord, NameRecord]:
    return _record(row, "list"), _record(row, "query")


def _rows(*expect: str) -> list:
    return [pytest.param(row, id=f"{row['case']}-{row['kind']}") for row in ROWS if row["expect"] in expect]


def _score(row: dict[str, str]) -> float:
    return score(*_records(row)).score


# --- The labelled set ---------------------------------------------------------------------


def test_the_screening_set_has_every_kind_of_row():
    assert len(ROWS) == 36
    assert {row["expect"] for row in ROWS} == {"hit", "miss", "weak"}


@pytest.mark.parametrize("row", _rows("hit"))
def test_every_hit_row_matches(row):
    match = score(*_records(row))
    assert match.is_match, (match.score, match.reasons)


@pytest.mark.parametrize("row", _rows("miss"))
def test_every_miss_row_does_not_match(row):
    match = score(*_records(row))
    assert not match.is_match, (match.score, match.reasons)


@pytest.mark.parametrize("row", _rows("weak"))
def test_every_weak_row_scores_below_every_hit(row):
    lowest_hit = min(_score(hit.values[0]) for hit in _rows("hit"))
    assert _score(row) < lowest_hit


def test_scores_are_symmetric_for_the_whole_set():
    for row in ROWS:
        list_record, query_record = _records(row)
        assert score(list_record, query_record).score == score(query_record, list_record).score, row["case"]


@pytest.mark.parametrize("row", _rows("hit", "miss", "weak"))
def test_every_score_explains_names_date_of_birth_and_nationality(row):
    reasons = score(*_records(row)).reasons
    assert any("name" in reason for reason in reasons)
    assert any(reason.startswith("date of birth") for reason in reasons)
    assert any(reason.startswith("nationality") for reason in reasons)


@pytest.mark.parametrize("row", _rows("hit"))
def test_blocking_keys_of_every_hit_pair_meet(row):
    list_record, query_record = _records(row)
    list_keys = blocking_keys(list_record.family, list_record.given)
    assert list_keys & blocking_keys(query_record.family, query_record.given)


def test_lookup_by_blocking_keys_finds_each_hit_among_all_list_entries_and_few_others():
    index: dict[str, set[str]] = {}
    for row in ROWS:
        for key in blocking_keys(row["list_family"], row["list_given"]):
            index.setdefault(key, set()).add(row["list_family"] + " " + row["list_given"])
    entries = {row["list_family"] + " " + row["list_given"] for row in ROWS}
    for row in ROWS:
        found = set().union(*(index.get(key, set()) for key in blocking_keys(row["query_family"], row["query_given"])))
        if row["expect"] == "hit":
            assert row["list_family"] + " " + row["list_given"] in found, row["case"]
        assert len(found) <= 2, (row["case"], found, len(entries))


# --- Passport letters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "passport"),
    [
        ("Schröder", "SCHROEDER"),
        ("Müller", "MUELLER"),
        ("Bäcker", "BAECKER"),
        ("Ærø", "AEROE"),
        ("Øster", "OESTER"),
        ("Ångström", "AANGSTROEM"),
        ("Straße", "STRASSE"),
        ("Núñez", "NUNEZ"),
        ("Đặng", "DANG"),
        ("Þórsdóttir", "THORSDOTTIR"),
        ("Łukasz", "LUKASZ"),
        ("Čapek", "CAPEK"),
        ("O'Brien", "OBRIEN"),
        ("García-López", "GARCIA LOPEZ"),
        ("  de   la Cruz ", "DE LA CRUZ"),
    ],
)
def test_normalise_writes_icao_passport_letters(written, passport):
    assert normalise(written) == passport


def test_names_without_latin_letters_or_kana_never_compare_equal():
    similarity, why = compare_names("Иванов", "Петров")
    assert similarity == 0
    assert "cannot be compared" in why


# --- Kana ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kana", "romaji"),
    [
        ("こんどう", "KONDOU"),
        ("オオタ", "OOTA"),
        ("しゅんいち", "SHUNICHI"),
        ("きょうこ", "KYOUKO"),
        ("ちゃ", "CHA"),
        ("じゅんこ", "JUNKO"),
        ("はっとり", "HATTORI"),
        ("まっちゃ", "MATCHA"),
        ("ローマ", "ROOMA"),
        ("ﾀﾅｶ", "TANAKA"),  # half-width katakana, as old systems export it
    ],
)
def test_kana_is_read_as_hepburn(kana, romaji):
    assert normalise(kana) == romaji


def test_kana_to_romaji_leaves_other_text_alone():
    assert kana_to_romaji("KONDO こんどう") == "KONDO KONDOU"


def test_a_kana_reading_matches_its_passport_spelling():
    assert compare_names("こんどう", "KONDO")[0] == 1
    assert compare_names("スズキ", "SUZUKI")[0] == 1


# --- Japanese romanisation ----------------------------------------------------------------


@pytest.mark.parametrize("variant", ["ONO", "OHNO", "OONO", "ŌNO", "ONOU"])
def test_long_vowels_fold_to_one_vowel(variant):
    similarity, why = compare_names(variant, "ONO")
    assert similarity == 1, why


def test_ei_is_kept_because_passports_write_it():
    assert name_keys("SANPEI", JAPANESE).full == "SANPEI"
    assert compare_names("KEIKO", "KEKO")[0] < 1


@pytest.mark.parametrize(
    ("kunrei", "hepburn"),
    [("SIMADA", "SHIMADA"), ("TIBA", "CHIBA"), ("MATUDA", "MATSUDA"), ("HUZII", "FUJII"), ("SYOUZI", "SHOJI")],
)
def test_kunrei_spellings_fold_to_hepburn(kunrei, hepburn):
    assert name_keys(kunrei, JAPANESE).full == name_keys(hepburn, JAPANESE).full


@pytest.mark.parametrize(("m", "n"), [("SAMPEI", "SANPEI"), ("HOMMA", "HONMA"), ("NAMBA", "NANBA")])
def test_m_before_b_m_or_p_is_n(m, n):
    similarity, why = compare_names(m, n)
    assert similarity == 1
    assert "M before B, M or P is written N" in why


@pytest.mark.parametrize("written", ["SHUN-ICHI", "SHUN'ICHI", "SHUN ICHI", "SHUNICHI"])
def test_syllabic_n_hyphen_or_apostrophe_is_ignored(written):
    assert compare_names(written, "SHUNICHI")[0] == 1


# --- Other scripts' transliterations ------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [("DMITRIY", "DMITRII"), ("YURIY", "IURII"), ("ZHUKOV", "JOUKOV"), ("NIKOLAY", "NIKOLAI"), ("KHALIL", "HALIL")],
)
def test_cyrillic_and_arabic_transliterations_fold_together(one, other):
    assert name_keys(one, TRANSLITERATION).full == name_keys(other, TRANSLITERATION).full


def test_arabic_vowel_variants_are_close_but_not_equal():
    similarity, why = compare_names("HAKIM", "HAKEM")
    assert 0.9 <= similarity < 1
    assert "differs only in vowels" in why


def test_korean_folds_apply_only_to_korean_records():
    assert name_keys("KIM", KOREAN).full == name_keys("GIM", KOREAN).full
    korean = score(NameRecord("JEONG", "MIN", None, "KOR"), NameRecord("CHUNG", "MIN", None, "KOR"))
    japanese = score(NameRecord("JEONG", "MIN", None, "JPN"), NameRecord("CHUNG", "MIN", None, "JPN"))
    assert korean.is_match
    assert not japanese.is_match


# --- Particles, order, typos --------------------------------------------------------------


def test_particles_are_stripped_for_the_key_but_remembered():
    keys = name_keys("VAN DER BERG", TRANSLITERATION)
    assert (keys.full, keys.core, keys.particles) == ("VANDERBERG", "BERG", ("VAN", "DER"))
    assert compare_names("AL-RASHID", "RASHID") == (1.0, "AL-RASHID ~ RASHID: equal ignoring particles AL")


def test_a_particle_that_is_the_whole_name_is_kept():
    assert name_keys("LE", TRANSLITERATION).core == "LE"


def test_swapped_given_and_family_names_still_match_and_say_so():
    born = PartialDate.parse("1980-05-06")
    match = score(NameRecord("TANAKA", "HANAKO", born, "JPN"), NameRecord("HANAKO", "TANAKA", born, "JPN"))
    assert match.is_match
    assert "given and family names swapped" in match.reasons


@pytest.mark.parametrize(("typed", "passport"), [("MARTIENZ", "MARTINEZ"), ("FERANDEZ", "FERNANDEZ")])
def test_one_typing_error_counts_once_even_when_letters_are_transposed(typed, passport):
    assert compare_names(typed, passport)[0] >= 0.85


def test_two_typing_errors_still_match_when_date_of_birth_and_nationality_agree():
    born = PartialDate.parse("1970-01-02")
    match = score(NameRecord("FERNANDEZ", "CAROLINA", born, "MEX"), NameRecord("FERANDES", "CAROLINA", born, "MEX"))
    assert match.is_match


def test_a_left_out_name_is_close_but_not_equal():
    similarity, why = compare_names("GARCIA LOPEZ", "GARCIA")
    assert similarity == 0.9
    assert "left out" in why


# --- Dates of birth and nationality -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [("1962", (1962, None, None)), ("1962-08", (1962, 8, None)), ("1962-08-19", (1962, 8, 19))],
)
def test_partial_dates_keep_what_is_known(text, parts):
    parsed = PartialDate.parse(text)
    assert (parsed.year, parsed.month, parsed.day) == parts
    assert str(parsed) == text


def test_an_empty_date_of_birth_is_unknown():
    assert PartialDate.parse("") is None
    assert PartialDate.parse(None) is None
    assert compare_birth_dates(None, PartialDate.parse("1962"))[0] == "unknown"


def test_a_date_typed_day_first_is_kept_and_recognised_as_swapped():
    typed = PartialDate.parse("1984-13-04")
    assert (typed.month, typed.day, typed.is_valid) == (13, 4, False)
    assert compare_birth_dates(PartialDate.parse("1984-04-13"), typed)[0] == "swapped"


@pytest.mark.parametrize("text", ["1984-13-14", "1984-13", "19840413", "13/04/1984", "1984-04-32"])
def test_dates_that_no_swap_explains_are_refused(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)


@pytest.mark.parametrize(
    ("one", "other", "kind"),
    [
        ("1962-08-19", "1962-08-19", "same"),
        ("1962-08-19", "1962-08-16", "typo"),
        ("1962-08-19", "1926-08-19", "typo"),
        ("1990-03-21", "1991-03-21", "year"),
        ("1962", "1962-08-19", "consistent"),
        ("1962", "1963-08-19", "year"),
        ("1964-02-10", "1939-06-01", "different"),
    ],
)
def test_date_of_birth_evidence(one, other, kind):
    assert compare_birth_dates(PartialDate.parse(one), PartialDate.parse(other))[0] == kind


def test_a_far_date_of_birth_outweighs_an_identical_name():
    match = score(
        NameRecord("KONDO", "MASAO", PartialDate.parse("1964-02-10"), "JPN"),
        NameRecord("KONDO", "MASAO", PartialDate.parse("1939-06-01"), "JPN"),
    )
    assert not match.is_match
    assert match.score < MATCH_THRESHOLD


def test_nationality_is_compared_as_icao_codes():
    assert compare_nationalities("D", "DEU")[0] == "same"
    assert compare_nationalities("JPN", "")[0] == "unknown"
    assert compare_nationalities("JPN", "USA") == ("different", "nationality differs (JPN vs USA)")


# --- Blocking -----------------------------------------------------------------------------


def test_blocking_keys_are_few():
    for row in ROWS:
        for side in ("list", "query"):
            assert 1 <= len(blocking_keys(row[f"{side}_family"], row[f"{side}_given"])) <= 12


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("ANDERSON", "ROBERT"), ("ADAMS", "RACHEL")),
        (("PETROV", "NIKOLAI"), ("GEORGIEV", "IVAN")),
        (("OTA", "YUKO"), ("ITO", "YUKA")),
        (("SATO", "TARO"), ("SUZUKI", "ICHIRO")),
    ],
)
def test_unrelated_names_share_no_blocking_key(one, other):
    assert not blocking_keys(*one) & blocking_keys(*other)


def test_the_copy_of_the_screening_set_matches_shared_data_when_it_is_there():
    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "screening_dev.csv"
    if shared.exists():  # beside the repository on developers' machines and in CI
        assert shared.read_bytes() == SCREENING_SET.read_bytes(), "refresh tests/identity/data from shared/"
    assert len(ROWS) >= 36
