"""The labelled screening set as screening runs it: every list row hidden among 10,000 distractors.

Each query looks its candidates up by blocking key (an in-memory dict key → records, as the
database index holds them) and grades them with `names.score`. Every `hit` row must find its
list record, no `miss` or `weak` row may, and the distractors, generated deterministically from
name pools of many cultures with random dates of birth, must stay out of the way.
"""

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest

from consular.identity.names import NameRecord, PartialDate, blocking_keys, score

SCREENING_SET = Path(__file__).parent / "data" / "screening_dev.csv"
ROWS = list(csv.DictReader(SCREENING_SET.open(encoding="utf-8")))
DISTRACTORS = 10_000
SEED = 9  # the number: the same distractors on every run
# Distractors that some query matches although both dates of birth are known: namesakes born a
# typing slip apart would be the only excuse. Measured: 0.
FALSE_MATCHES_AT_MOST = 0
# Namesakes where one of the two dates of birth is unknown (the distractor's, or the query's in
# case 29) are matches by design: nothing tells them apart, and a clerk adjudicates the hit.
# Measured with SEED 9: 7 (KARIMI NASRIN x4 for case 29, HASSAN AHMED, OKAFOR NGOZI, JANG HYE JIN).
UNDATED_NAMESAKES_AT_MOST = 10

# (nationality, family names, given names): common names, so namesakes of the list occur.
POOLS = [
    (
        "JPN",
        "SATO SUZUKI TAKAHASHI TANAKA ITO WATANABE YAMAMOTO NAKAMURA KOBAYASHI KATO YOSHIDA YAMADA SASAKI "
        "MATSUMOTO INOUE KIMURA HAYASHI SHIMIZU KONDO ISHIKAWA OTA OTAKE FUKUDA HASHIMOTO OKADA ONO",
        "HIROSHI TAKESHI MASAO KENJI YUKO KEIKO AKIKO SHUJI CHIAKI JIRO KENTA ICHIRO HANAKO YUKI NAOKI "
        "SHUNICHI MAYUMI TARO DAISUKE EMI",
    ),
    (
        "KOR",
        "KIM LEE PARK CHOI JEONG KANG CHO YOON JANG LIM HAN OH SEO SHIN KWON HWANG AHN SONG",
        "JI WON|MIN SEO|HYE JIN|SEO YEON|MIN JUN|JI HOON|SU BIN|YE JIN|DONG HYUN|JAE HO|EUN JI|SUNG MIN",
    ),
    (
        "CHN",
        "WANG LI ZHANG LIU CHEN YANG HUANG ZHAO WU ZHOU XU SUN MA ZHU HU GUO HE LIN LUO GAO",
        "WEI FANG NA XIULAN MIN JING LI QIANG LEI JUN YANG YONG YAN JIE TAO MING CHAO XIA PING GANG",
    ),
    (
        "EGY",
        "HASSAN MOHAMED AHMED ALI IBRAHIM MAHMOUD MOSTAFA ABDELRAHMAN SAYED KHALIL SALEH FARAG",
        "AHMED MOHAMED MAHMOUD OMAR YOUSSEF KHALED AMR TAREK MONA FATMA NOUR HANA KARIM",
    ),
    (
        "SAU",
        "ALOTAIBI ALQAHTANI ALGHAMDI ALHARBI ALZAHRANI ALSHEHRI ABDULLAH ALRASHID ALDOSARI ALMUTAIRI",
        "ABDULLAH MOHAMMED FAHAD SULTAN KHALID FAISAL SAUD TURKI NASSER NOURA SARA RAKAN",
    ),
    (
        "RUS",
        "IVANOV SMIRNOV KUZNETSOV POPOV VASILIEV PETROV SOKOLOV MIKHAILOV NOVIKOV FEDOROV MOROZOV "
        "VOLKOV ALEKSEEV LEBEDEV SEMENOV ZHUKOV ORLOV",
        "ALEKSANDR DMITRIY MAKSIM SERGEY ANDREY ALEKSEY ARTEM ILYA KIRILL MIKHAIL NIKOLAI YURIY ANNA "
        "MARIA ELENA OLGA TATIANA NATALIA",
    ),
    (
        "BGR",
        "GEORGIEV DIMITROV IVANOV PETROV NIKOLOV HRISTOV STOYANOV TODOROV ILIEV VASILEV",
        "GEORGI IVAN DIMITAR NIKOLAI PETAR HRISTO MARIA IVANKA ELENA YORDANKA",
    ),
    (
        "ESP",
        "GARCIA RODRIGUEZ GONZALEZ FERNANDEZ LOPEZ MARTINEZ SANCHEZ PEREZ GOMEZ MARTIN JIMENEZ RUIZ "
        "HERNANDEZ DIAZ MORENO ALVAREZ GARCIA LOPEZ|MARTINEZ RUIZ|SANCHEZ GOMEZ",
        "ANTONIO MANUEL JOSE FRANCISCO DAVID JUAN JUAN CARLOS|JAVIER|CARMEN|MARIA|LUCIA|ANA ISABEL|PILAR",
    ),
    (
        "PHL",
        "DELA CRUZ|REYES|SANTOS|GARCIA|MENDOZA|BAUTISTA|OCAMPO|DE LA CRUZ|AQUINO|RAMOS|CASTILLO",
        "JOSE|MARIA|JUAN|MARK|MICHAEL|MARIA CRISTINA|ANGELICA|JOHN PAUL|ROSALIE|JERICHO",
    ),
    (
        "USA",
        "SMITH JOHNSON WILLIAMS BROWN JONES MILLER DAVIS WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON "
        "ADAMS THOMPSON ANDERSEN",
        "JAMES ROBERT JOHN MICHAEL DAVID WILLIAM MARY PATRICIA JENNIFER LINDA ELIZABETH RACHEL SARAH",
    ),
    (
        "GBR",
        "SMITH JONES TAYLOR BROWN WILLIAMS WILSON JOHNSON DAVIES ROBINSON WRIGHT THOMSON EVANS",
        "OLIVER GEORGE HARRY JACK OLIVIA AMELIA ISLA EMILY ELISABETH CHARLOTTE",
    ),
    (
        "DEU",
        "MUELLER SCHMIDT SCHNEIDER FISCHER WEBER MEYER WAGNER BECKER SCHULZ HOFFMANN SCHROEDER KOCH",
        "KLAUS PETER MICHAEL THOMAS ANDREAS WOLFGANG URSULA MONIKA SABINE PETRA",
    ),
    (
        "FRA",
        "MARTIN BERNARD DUBOIS THOMAS ROBERT RICHARD PETIT DURAND LEROY MOREAU SIMON LAURENT",
        "JEAN PIERRE MICHEL PHILIPPE MARIE NATHALIE ISABELLE SYLVIE CATHERINE CAMILLE",
    ),
    (
        "VNM",
        "NGUYEN TRAN LE PHAM HOANG HUYNH PHAN VU VO DANG BUI DO",
        "MINH DUC|THI MAI|VAN NAM|THI LAN|QUOC BAO|THANH HUONG|ANH TUAN|HOANG LONG|MINH|LINH",
    ),
    (
        "NGA",
        "OKAFOR ADEYEMI OKONKWO BELLO IBRAHIM MUSA ABUBAKAR EZE NWOSU OLUWASEUN",
        "NGOZI CHINEDU EMEKA AMINA FATIMA OLUWASEUN TUNDE CHIOMA IFEOMA AISHA",
    ),
    (
        "IRN",
        "KARIMI HOSSEINI AHMADI MOHAMMADI REZAEI MOUSAVI JAFARI RAHIMI HASHEMI SADEGHI",
        "NASRIN MARYAM FATEMEH ZAHRA ALI REZA MOHAMMAD HOSSEIN MEHDI AMIR",
    ),
    (
        "IND",
        "SINGH KUMAR SHARMA PATEL GUPTA KHAN SHAH REDDY RAO IYER",
        "RAHUL PRIYA AMIT SUNITA RAJESH ANITA SANJAY DEEPAK POOJA VIKRAM",
    ),
]


def _words(text: str) -> list[str]:
    return text.split("|") if "|" in text else text.split()


def _record(row: dict[str, str], side: str) -> NameRecord:
    birth_date = PartialDate.parse(row[f"{side}_dob"])
    return NameRecord(row[f"{side}_family"], row[f"{side}_given"], birth_date, row[f"{side}_nat"])


@dataclass(frozen=True)
class Screening:
    records: list[NameRecord]  # the list rows first (record i is row i), then the distractors
    index: dict[str, list[int]]

    def matches(self, query: NameRecord) -> set[int]:
        candidates = {i for key in blocking_keys(query.family, query.given) for i in self.index.get(key, ())}
        return {i for i in candidates if score(self.records[i], query).is_match}


def distractors(count: int, seed: int = SEED) -> list[NameRecord]:
    """Persons from the pools, born between 1935 and 2006, one in ten with year only or no date."""
    rng = random.Random(seed)
    start, days = date(1935, 1, 1), (date(2006, 12, 31) - date(1935, 1, 1)).days
    people = []
    for _ in range(count):
        nationality, families, givens = rng.choice(POOLS)
        born = start + timedelta(days=rng.randrange(days))
        chance = rng.random()
        birth_date = (
            None
            if chance < 0.05
            else PartialDate(born.year)
            if chance < 0.1
            else PartialDate(born.year, born.month, born.day)
        )
        people.append(NameRecord(rng.choice(_words(families)), rng.choice(_words(givens)), birth_date, nationality))
    return people


@cache
def screening() -> Screening:
    records = [_record(row, "list") for row in ROWS] + distractors(DISTRACTORS)
    index: dict[str, list[int]] = {}
    for position, record in enumerate(records):
        for key in blocking_keys(record.family, record.given):
            index.setdefault(key, []).append(position)
    return Screening(records, index)


def _rows(*expect: str) -> list:
    return [
        pytest.param(position, id=f"{row['case']}-{row['kind']}")
        for position, row in enumerate(ROWS)
        if row["expect"] in expect
    ]


def test_the_distractors_are_the_same_on_every_run():
    assert distractors(50) == distractors(50)
    assert len({(p.family, p.given) for p in distractors(DISTRACTORS)}) > 1000


@pytest.mark.parametrize("position", _rows("hit"))
def test_every_hit_is_found_among_the_distractors(position):
    assert position in screening().matches(_record(ROWS[position], "query"))


@pytest.mark.parametrize("position", _rows("miss", "weak"))
def test_no_miss_or_weak_row_is_a_match(position):
    assert position not in screening().matches(_record(ROWS[position], "query"))


def _distractors_matched(dated: bool) -> list[tuple[str, str, str, str]]:
    found = screening()
    matched = []
    for row in ROWS:
        query = _record(row, "query")
        for i in sorted(found.matches(query)):
            record = found.records[i]
            if i >= len(ROWS) and (record.birth_date is not None and query.birth_date is not None) == dated:
                matched.append((row["case"], record.family, record.given, str(record.birth_date)))
    return matched


def test_no_distractor_with_a_known_date_of_birth_is_matched():
    false = _distractors_matched(dated=True)
    assert len(false) <= FALSE_MATCHES_AT_MOST, false


def test_undated_namesakes_among_the_distractors_are_few():
    namesakes = _distractors_matched(dated=False)
    assert len(namesakes) <= UNDATED_NAMESAKES_AT_MOST, namesakes
