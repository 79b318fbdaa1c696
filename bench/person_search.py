"""Person search latency at scale: generate N realistic persons, run Q searches, print a table.

    createdb -h 127.0.0.1 -U postgres consular_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/consular_bench \
        .venv/bin/python bench/person_search.py --persons 100000 1000000 --queries 500

Several sizes grow one database: persons are added up to each size in turn, then measured.
Persons are seeded (same --seed, same persons and queries): names from Japanese, English,
Spanish/Portuguese, Russian, Korean, Chinese, Arabic, Vietnamese and German pools, drawn
Zipf-like so common names are common, a share written as the usual variants (Ohno/Ono/Oono,
Kunrei spellings, transliterations, typos). Queries are stored persons typed another way
(variant, typo, swapped order, kana, with or without date of birth and nationality).

Persons are recorded at missions as offices' sizes differ: half at one large mission (M001),
one in a thousand at a small one (the last), the rest spread over the others; one in 25 also
has a case at a second mission, which then reads them too (PersonAccess, as the actions write
it). The same queries run as HQ (every person) and as a clerk of the large and of the small
mission, whose cost should follow the persons the mission may read, not the table.

Beside the figures it prints a baseline measured in the same run: a bare indexed
primary-key lookup of one person. Refuses a database whose name lacks "bench".
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consular.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from consular.identity.actions import PERSON_FIELDS, person_name_keys  # noqa: E402
from consular.identity.models import OfficeNameKey, Person, PersonAccess, PersonNameKey  # noqa: E402
from consular.identity.names import PartialDate  # noqa: E402
from consular.identity.search import search_with_stats  # noqa: E402
from consular.offices.models import Office, Role  # noqa: E402
from consular.offices.scoping import Actor  # noqa: E402

# (family names, given names, nationality, share of persons); kana readings for the Japanese pool.
JAPANESE_FAMILY = [
    ("SATO", "さとう"), ("SUZUKI", "すずき"), ("TAKAHASHI", "たかはし"), ("TANAKA", "たなか"), ("ITO", "いとう"),
    ("WATANABE", "わたなべ"), ("YAMAMOTO", "やまもと"), ("NAKAMURA", "なかむら"), ("KOBAYASHI", "こばやし"),
    ("KATO", "かとう"), ("YOSHIDA", "よしだ"), ("YAMADA", "やまだ"), ("SASAKI", "ささき"), ("YAMAGUCHI", "やまぐち"),
    ("MATSUMOTO", "まつもと"), ("INOUE", "いのうえ"), ("KIMURA", "きむら"), ("HAYASHI", "はやし"),
    ("SHIMIZU", "しみず"), ("YAMAZAKI", "やまざき"), ("MORI", "もり"), ("ABE", "あべ"), ("IKEDA", "いけだ"),
    ("HASHIMOTO", "はしもと"), ("YAMASHITA", "やました"), ("ISHIKAWA", "いしかわ"), ("NAKAJIMA", "なかじま"),
    ("MAEDA", "まえだ"), ("FUJITA", "ふじた"), ("OGAWA", "おがわ"), ("GOTO", "ごとう"), ("OKADA", "おかだ"),
    ("HASEGAWA", "はせがわ"), ("MURAKAMI", "むらかみ"), ("KONDO", "こんどう"), ("ISHII", "いしい"),
    ("SAITO", "さいとう"), ("SAKAMOTO", "さかもと"), ("ENDO", "えんどう"), ("AOKI", "あおき"), ("FUJII", "ふじい"),
    ("NISHIMURA", "にしむら"), ("FUKUDA", "ふくだ"), ("OTA", "おおた"), ("MIURA", "みうら"), ("OKAMOTO", "おかもと"),
    ("MATSUDA", "まつだ"), ("NAKAGAWA", "なかがわ"), ("HARADA", "はらだ"), ("ONO", "おの"), ("OHNO", "おおの"),
    ("TAMURA", "たむら"), ("TAKEUCHI", "たけうち"), ("KANEKO", "かねこ"), ("WADA", "わだ"), ("NAKANO", "なかの"),
    ("HARA", "はら"), ("FUJIWARA", "ふじわら"), ("MURATA", "むらた"), ("UEDA", "うえだ"), ("SHIBATA", "しばた"),
    ("HATTORI", "はっとり"), ("CHIBA", "ちば"), ("TSUCHIYA", "つちや"), ("KUBO", "くぼ"), ("KIKUCHI", "きくち"),
]  # fmt: skip
JAPANESE_GIVEN = [
    ("HIROSHI", "ひろし"), ("TAKASHI", "たかし"), ("MINORU", "みのる"), ("AKIRA", "あきら"), ("SHIGERU", "しげる"),
    ("HANAKO", "はなこ"), ("YOKO", "ようこ"), ("KEIKO", "けいこ"), ("YUKO", "ゆうこ"), ("TOMOKO", "ともこ"),
    ("TARO", "たろう"), ("SHUNICHI", "しゅんいち"), ("YUTA", "ゆうた"), ("SHOTA", "しょうた"), ("DAIKI", "だいき"),
    ("HARUTO", "はると"), ("SOTA", "そうた"), ("REN", "れん"), ("YUI", "ゆい"), ("AOI", "あおい"), ("SAKURA", "さくら"),
    ("HINA", "ひな"), ("MIO", "みお"), ("RIN", "りん"), ("KENJI", "けんじ"), ("JUNKO", "じゅんこ"),
    ("SACHIKO", "さちこ"),
    ("KAZUO", "かずお"), ("MASAO", "まさお"), ("NAOKI", "なおき"), ("RYOTA", "りょうた"), ("EMI", "えみ"),
    ("MAI", "まい"), ("AYUMI", "あゆみ"), ("KOJI", "こうじ"), ("SHINJI", "しんじ"), ("TSUTOMU", "つとむ"),
    ("CHIHIRO", "ちひろ"), ("MEGUMI", "めぐみ"), ("YOSHIKO", "よしこ"),
]  # fmt: skip
# Nationality, share of persons, family names, given names; "_" joins a name of several words.
OTHER_POOLS = """
USA 0.10 | SMITH JOHNSON WILLIAMS BROWN JONES MILLER DAVIS WILSON ANDERSON TAYLOR THOMAS MOORE MARTIN JACKSON
    THOMPSON WHITE HARRIS CLARK LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT GREEN BAKER ADAMS NELSON HILL
    CAMPBELL MITCHELL ROBERTS CARTER PHILLIPS EVANS TURNER OBRIEN
  | JAMES MARY JOHN PATRICIA ROBERT JENNIFER MICHAEL LINDA WILLIAM ELIZABETH DAVID BARBARA RICHARD SUSAN JOSEPH
    JESSICA THOMAS SARAH CHARLES KAREN CHRISTOPHER NANCY DANIEL LISA MATTHEW EMILY
BRA 0.08 | SILVA SANTOS OLIVEIRA SOUZA RODRIGUES FERREIRA ALVES PEREIRA LIMA GOMES COSTA RIBEIRO MARTINS CARVALHO
    ALMEIDA LOPES SOARES FERNANDES VIEIRA BARBOSA DE_LA_CRUZ DOS_SANTOS DA_SILVA GARCIA MARTINEZ HERNANDEZ LOPEZ
    GONZALEZ PEREZ SANCHEZ RAMIREZ TORRES FLORES
  | MARIA JOSE ANA JOAO ANTONIO FRANCISCO CARLOS PAULO PEDRO LUCAS LUIZ MARCOS GABRIEL RAFAEL DANIEL MARCELO BRUNO
    EDUARDO FELIPE JULIANA FERNANDA PATRICIA ALINE SANDRA CAMILA AMANDA MARIA_JOSE
RUS 0.07 | IVANOV SMIRNOV KUZNETSOV POPOV VASILIEV PETROV SOKOLOV MIKHAILOV NOVIKOV FEDOROV MOROZOV VOLKOV ALEKSEEV
    LEBEDEV SEMENOV EGOROV PAVLOV KOZLOV STEPANOV NIKOLAEV ORLOV ANDREEV
  | ALEXANDER SERGEY DMITRY ANDREY ALEXEY MAXIM EVGENY IVAN MIKHAIL ARTEM NIKOLAI YURI OLGA ELENA TATIANA NATALIA
    IRINA SVETLANA ANNA MARINA YULIA EKATERINA
KOR 0.08 | KIM LEE PARK CHOI JUNG KANG CHO YOON JANG LIM HAN OH SEO SHIN KWON HWANG AHN SONG
  | MIN_JUN SEO_YEON JI_HOON HYUN_WOO SU_BIN JI_WON DONG_HYUN EUN_JI YOUNG_HO SUNG_MIN HYE_JIN JAE_WON
CHN 0.10 | WANG LI ZHANG LIU CHEN YANG HUANG ZHAO WU ZHOU XU SUN MA ZHU HU GUO HE GAO LIN LUO ZHENG LIANG
  | WEI FANG NA XIUYING MIN JING LI QIANG LEI JUN YANG YONG YAN JIE JUAN TAO XIULAN XIA PING GANG
EGY 0.05 | MOHAMED AHMED HASSAN ALI IBRAHIM MAHMOUD MOSTAFA ABDELRAHMAN SAYED KHALIL AL_HASHIMI EL_SAYED
  | MOHAMED AHMED OMAR YOUSSEF KHALED AMR MAHMOUD FATMA MARIAM NOUR AYA SARA HANA
VNM 0.04 | NGUYEN TRAN LE PHAM HOANG HUYNH PHAN VU VO DANG BUI DO HO NGO DUONG LY
  | VAN_ANH THI_HUONG MINH_TUAN THANH_HA DUC_MINH THU_TRANG QUANG_HUY NGOC_LAN HOANG_NAM
DEU 0.03 | MUELLER SCHMIDT SCHNEIDER FISCHER WEBER MEYER WAGNER BECKER SCHULZ HOFFMANN SCHAEFER KOCH BAUER RICHTER
    KLEIN WOLF
  | HANS PETER KLAUS WOLFGANG JUERGEN MICHAEL THOMAS ANDREAS STEFAN URSULA MONIKA SABINE PETRA
"""


def _pools() -> dict[str, tuple[float, list[str], list[str]]]:
    pools = {"JPN": (0.45, [f for f, _kana in JAPANESE_FAMILY], [g for g, _kana in JAPANESE_GIVEN])}
    for entry in re.split(r"\n(?=[A-Z]{3} )", OTHER_POOLS.strip()):
        head, families, givens = entry.split("|")
        code, share = head.split()
        pools[code] = (
            float(share),
            [n.replace("_", " ") for n in families.split()],
            [n.replace("_", " ") for n in givens.split()],
        )
    return pools


POOLS = _pools()
READINGS = {name: kana for name, kana in JAPANESE_FAMILY + JAPANESE_GIVEN}

# Spelling variants a clerk or a foreign document produces (DESIGN, Identity).
VARIANTS = [
    ("OH", "O"), ("OU", "O"), ("OO", "O"), ("SHI", "SI"), ("TSU", "TU"), ("CHI", "TI"), ("JI", "ZI"), ("FU", "HU"),
    ("SHU", "SYU"), ("SHO", "SYO"), ("O", "OH"), ("V", "W"), ("KS", "X"), ("Y", "I"), ("EI", "EY"), ("SEO", "SUH"),
    ("J", "ZH"), ("KH", "H"), ("UE", "U"), ("CK", "K"), ("PH", "F"), ("EE", "I"), ("KIM", "GIM"), ("LEE", "YI"),
]  # fmt: skip
LETTERS = "ABCDEFGHIJKLMNOPRSTUVWYZ"


def zipf_choice(rng: random.Random, items: list[str]) -> str:
    """Common names are common: rank r drawn with weight 1/r."""
    weights = [1 / (rank + 1) for rank in range(len(items))]
    return rng.choices(items, weights)[0]


def variant(rng: random.Random, name: str) -> str:
    options = [(old, new) for old, new in VARIANTS if old in name]
    if options:
        old, new = rng.choice(options)
        return name.replace(old, new, 1)
    return typo(rng, name)


def typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    at = rng.randrange(1, len(name) - 1)
    kind = rng.random()
    if kind < 0.4:
        return name[:at] + rng.choice(LETTERS) + name[at + 1 :]
    if kind < 0.7:
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    return name[:at] + name[at + 1 :]


class Generator:
    """Seeded persons: a pool by nationality, Zipf-like names, some written as a variant."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.nationalities = list(POOLS)
        self.shares = [POOLS[code][0] for code in self.nationalities]

    def person(self) -> dict:
        rng = self.rng
        nationality = rng.choices(self.nationalities, self.shares)[0]
        _share, families, givens = POOLS[nationality]
        family, given = zipf_choice(rng, families), zipf_choice(rng, givens)
        if nationality == "JPN" and rng.random() < 0.3:
            given = f"{given}"  # Japanese given names are single: keep them
        family_reading = READINGS.get(family, "") if nationality == "JPN" else ""
        given_reading = READINGS.get(given, "") if nationality == "JPN" else ""
        roll = rng.random()
        if roll < 0.15:
            family = variant(rng, family)
        elif roll < 0.20:
            given = variant(rng, given)
        year = rng.randint(1930, 2020)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        if rng.random() < 0.03:
            month = day = None
        return {
            "family_name": family,
            "given_names": given,
            "family_name_reading": family_reading,
            "given_names_reading": given_reading,
            "sex": rng.choice("FM"),
            "birth_year": year,
            "birth_month": month,
            "birth_day": day,
            "nationalities": [nationality],
        }

    def query(self, person: dict) -> tuple[str, PartialDate | None, str]:
        """A stored person as a clerk might type them."""
        rng = self.rng
        family, given = person["family_name"], person["given_names"]
        roll = rng.random()
        if roll < 0.3:
            family = variant(rng, family)
        elif roll < 0.45:
            given = typo(rng, given)
        elif roll < 0.55 and person["family_name_reading"]:
            family, given = person["family_name_reading"], person["given_names_reading"]
        if rng.random() < 0.1:
            text = f"{given} {family}"  # swapped order
        else:
            text = f"{family}, {given}" if " " in family else f"{family} {given}"
        birth = None
        if rng.random() < 0.6:
            birth = PartialDate(person["birth_year"], person["birth_month"], person["birth_day"])
        nationality = person["nationalities"][0] if rng.random() < 0.3 else ""
        return text, birth, nationality


def ensure_offices(count: int) -> list[Office]:
    offices = []
    for number in range(count):
        code = "HQ" if number == 0 else f"M{number:03d}"
        office, _created = Office.objects.get_or_create(
            code=code,
            defaults={
                "kind": Office.Kind.HQ if number == 0 else Office.Kind.MISSION,
                "name_en": f"Bench office {code}",
                "name_ja": f"ベンチ {code}",
                "country": "JPN",
                "timezone": "Asia/Tokyo",
                "currency": "JPY",
                "district": [],
            },
        )
        offices.append(office)
    return offices


SECOND_OFFICE_EVERY = 25  # persons with a case at a second mission: one in this many
SMALL_EVERY = 1000  # persons recorded at the small mission: one in this many
WARM_UP_QUERIES = 200


def recording_office(person_id: int, offices: list[Office]) -> Office:
    """Half the persons at the large mission (offices[1]), one in SMALL_EVERY at the small one (the last)."""
    if person_id % SMALL_EVERY == 0:
        return offices[-1]
    if person_id % 2 == 0:
        return offices[1]
    return offices[2 + (person_id // 2) % (len(offices) - 3)]

KEY_CACHE: dict[tuple[str, str, str, str], set[str]] = {}


def keys_of(row: dict) -> set[str]:
    """`person_name_keys` of a generated row; the same name pair is keyed once."""
    cache_key = (row["family_name"], row["given_names"], row["family_name_reading"], row["given_names_reading"])
    if cache_key not in KEY_CACHE:
        KEY_CACHE[cache_key] = person_name_keys(
            Person(**{k: row[k] for k in ("family_name", "given_names", "family_name_reading", "given_names_reading")})
        )
    return KEY_CACHE[cache_key]


# The table's columns in COPY order: the record fields the actions write, plus bookkeeping.
PERSON_COLUMNS = ("id", *PERSON_FIELDS, "created_at", "updated_at", "created_by_office_id", "merged_into_id", "version")


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY rows in (PostgreSQL): ten times faster than INSERT for millions of rows."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def grow(target: int, generator: Generator, offices: list[Office], sample: list[dict], batch: int = 20000) -> None:
    """Add persons (and their keys) until there are `target`; keeps a sample to query."""
    existing = Person.unscoped.count()
    next_id = (Person.unscoped.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    postgres = connection.vendor == "postgresql"
    started = time.perf_counter()
    while existing < target:
        size = min(batch, target - existing)
        persons, keys, access, office_keys = [], [], [], []
        for offset in range(size):
            row = generator.person()
            person_id = next_id + offset
            office = recording_office(person_id, offices)
            # The recording office reads the person, as create_person writes it; one in SECOND_OFFICE_EVERY
            # also has a case at another mission (grant_person_access), so a mission reads persons it did not record.
            readers = [office.pk]
            other = offices[1 + (person_id // SECOND_OFFICE_EVERY) % (len(offices) - 1)]
            if person_id % SECOND_OFFICE_EVERY == 0 and other != office:
                readers.append(other.pk)
            if len(sample) < 20000 and generator.rng.random() < 0.05:
                sample.append({**row, "id": person_id, "office": office.pk})
            persons.append((person_id, row, office.pk))
            access.extend((person_id, reader) for reader in readers)
            # The keys, and each reading mission's copy of them (OfficeNameKey), as the identity actions write them.
            for key in keys_of(row):
                keys.append((person_id, key, row["birth_year"]))
                office_keys.extend((reader, person_id, key, row["birth_year"]) for reader in readers)
        with transaction.atomic():
            if postgres:
                _copy(
                    "identity_person",
                    PERSON_COLUMNS,
                    [
                        (
                            pid,
                            r["family_name"],
                            r["given_names"],
                            "",
                            "",
                            r["family_name_reading"],
                            r["given_names_reading"],
                            r["sex"],
                            r["birth_year"],
                            r["birth_month"],
                            r["birth_day"],
                            "",
                            json.dumps(r["nationalities"]),
                            "",
                            "",
                            "",
                            "",
                            "",
                            now,
                            now,
                            office_id,
                            None,
                            1,
                        )
                        for pid, r, office_id in persons
                    ],
                )
                _copy("identity_personnamekey", ("person_id", "key", "birth_year"), keys)
                _copy("identity_personaccess", ("person_id", "office_id"), access)
                _copy("identity_officenamekey", ("office_id", "person_id", "key", "birth_year"), office_keys)
            else:
                Person.unscoped.bulk_create(
                    [Person(id=pid, created_by_office_id=office_id, **r) for pid, r, office_id in persons]
                )
                PersonNameKey.objects.bulk_create(
                    [PersonNameKey(person_id=pid, key=key, birth_year=year) for pid, key, year in keys]
                )
                PersonAccess.objects.bulk_create(
                    [PersonAccess(person_id=pid, office_id=office_id) for pid, office_id in access]
                )
                OfficeNameKey.objects.bulk_create(
                    [OfficeNameKey(office_id=o, person_id=pid, key=key, birth_year=year)
                     for o, pid, key, year in office_keys]
                )
        existing += size
        next_id += size
        rate = existing / max(time.perf_counter() - started, 1e-9)
        print(f"  {existing:>10,} persons ({rate:,.0f}/s)", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('identity_person', 'id'), (SELECT max(id) FROM identity_person))"
            )
            # A steady-state table: autovacuum has set the visibility map, so index-only scans work.
            cursor.execute("VACUUM ANALYZE identity_person")
            cursor.execute("VACUUM ANALYZE identity_personnamekey")
            cursor.execute("VACUUM ANALYZE identity_personaccess")
            cursor.execute("VACUUM ANALYZE identity_officenamekey")


def stored_sample(rng: random.Random, count: int) -> list[dict]:
    """Persons already in the database (a re-run that adds none), picked by random id."""
    top = Person.unscoped.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = [rng.randint(1, top) for _ in range(count)]
    fields = (
        "id",
        "family_name",
        "given_names",
        "family_name_reading",
        "given_names_reading",
        "birth_year",
        "birth_month",
        "birth_day",
        "nationalities",
    )
    return [
        {**row, "office": row.pop("created_by_office_id")}
        for row in Person.unscoped.filter(pk__in=ids).values(*fields, "created_by_office_id")
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(actor: Actor, queries: list[tuple[str, PartialDate | None, str]], found_ids: list[int] | None = None):
    """Latencies (ms), candidates scored, and the share of dated queries whose person is in the top 10.

    Only queries with a date of birth count for the share: without one, the many persons with
    exactly the same common name tie, and no search can tell them apart.
    """
    latencies, scored, hits, dated = [], [], 0, 0
    for index, (text, birth, nationality) in enumerate(queries):
        started = time.perf_counter()
        results, candidates = search_with_stats(actor=actor, q=text, date_of_birth=birth, nationality=nationality)
        latencies.append((time.perf_counter() - started) * 1000)
        scored.append(candidates)
        if found_ids is not None and birth is not None:
            dated += 1
            hits += any(r.person.pk == found_ids[index] for r in results[:10])
    return latencies, scored, hits / max(dated, 1)


def baseline(ids: list[int]) -> list[float]:
    """A bare indexed primary-key lookup of one person: the floor any query pays."""
    latencies = []
    for person_id in ids:
        started = time.perf_counter()
        Person.unscoped.filter(pk=person_id).values_list("family_name", flat=True).first()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, nargs="+", required=True, help="sizes to measure, ascending")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--offices", type=int, default=50, help="missions the persons are spread over (≥ 3)")
    parser.add_argument("--reset", action="store_true", help="delete the bench persons first")
    arguments = parser.parse_args()

    name = connection.settings_dict["NAME"]
    if "bench" not in str(name):
        sys.exit(f"refusing to fill database {name!r}: use a dedicated one whose name contains 'bench'")
    call_command("migrate", verbosity=0)
    with scopes_disabled():
        if arguments.reset:
            PersonNameKey.objects.all().delete()
            OfficeNameKey.objects.all().delete()
            PersonAccess.objects.all().delete()
            Person.unscoped.all().delete()
        offices = ensure_offices(arguments.offices + 1)
        hq = Actor(office=offices[0], role=Role.HQ_OFFICER)
        generator = Generator(arguments.seed)
        sample: list[dict] = []
        rows = []
        for size in sorted(arguments.persons):
            grow(size, generator, offices, sample)
            if len(sample) < 100:
                sample.extend(stored_sample(generator.rng, 2000))
            picks = [generator.rng.choice(sample) for _ in range(arguments.queries)]
            queries = [generator.query(person) for person in picks]
            # Warm up as a server that has been answering searches: other queries (not these, whose name
            # comparisons would then be cached), so the tables' pages are in memory as in steady use.
            warm_up = [generator.query(generator.rng.choice(sample)) for _ in range(WARM_UP_QUERIES)]
            for actor in (hq, Actor(office=offices[1], role=Role.CLERK), Actor(office=offices[-1], role=Role.CLERK)):
                measure(actor, warm_up)
            base = baseline([person["id"] for person in picks])
            hq_latency, hq_scored, hq_hits = measure(hq, queries, [person["id"] for person in picks])
            keys = PersonNameKey.objects.count()
            rows.append((size, keys, "baseline: PK lookup", base, None, None))
            rows.append((size, keys, "search as HQ (all offices)", hq_latency, hq_scored, hq_hits))
            # The same queries as a clerk of the large and of the small mission: each reads only its own persons.
            for mission in (offices[1], offices[-1]):
                readable = PersonAccess.objects.filter(office=mission).count()
                latency, scored, _found = measure(Actor(office=mission, role=Role.CLERK), queries)
                rows.append((size, keys, f"search as mission {mission.code} ({readable:,} persons)", latency, scored,
                             None))
        report(rows, arguments)


def report(rows, arguments) -> None:
    print(
        f"\nperson search on {connection.vendor} ({connection.settings_dict['NAME']}), "
        f"{arguments.queries} queries per size, seed {arguments.seed}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}\n"
    )
    print(
        "| persons | name keys | what | queries | p50 ms | p95 ms | max ms | scored p50 | scored p95 | "
        "scored max | dated queries: person in top 10 |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, keys, what, latencies, scored, found in rows:
        scored_cells = "– | – | –"
        if scored:
            scored_cells = f"{statistics.median(scored):.0f} | {percentile(scored, 0.95):.0f} | {max(scored)}"
        print(
            f"| {size:,} | {keys:,} | {what} | {len(latencies)} | {statistics.median(latencies):.2f} | "
            f"{percentile(latencies, 0.95):.2f} | {max(latencies):.2f} | {scored_cells} | "
            f"{f'{found:.0%}' if found is not None else '–'} |"
        )
    print()
    for size in dict.fromkeys(row[0] for row in rows):
        of_size = {what: latencies for row_size, _keys, what, latencies, _s, _f in rows if row_size == size}
        base, hq, large, small = of_size.values()
        print(f"{size:,} persons: HQ p95 {percentile(hq, 0.95):.2f} ms (target < 50), "
              f"{percentile(hq, 0.95) / percentile(base, 0.95):.0f}× the PK lookup's; "
              f"small mission / large mission p50 {statistics.median(small) / statistics.median(large):.2f}, "
              f"p95 {percentile(small, 0.95) / percentile(large, 0.95):.2f} (target ≤ 2)")


if __name__ == "__main__":
    main()
