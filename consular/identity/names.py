"""Name matching shared by identity search, de-duplication and visa watchlist screening.

One person's name reaches us spelt many ways: with or without diacritics, in Hepburn or
Kunrei romanisation or in kana, transliterated from Cyrillic, Arabic or Hangul by different
conventions, with particles joined or apart, family and given name swapped, mistyped.
`normalise` writes a name in passport letters (ICAO Doc 9303 Part 3, section 6); `name_keys`
folds it under each *reading* (a set of documented spelling rules) so that variants become
equal or near; `score` grades two records on those keys, date of birth and nationality and
says why, so a clerk can judge the suggestion; `blocking_keys` are the short keys a database
index holds, so search looks candidates up instead of scanning every person.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz.distance import OSA

# ---------------------------------------------------------------------------------------
# Passport letters
# ---------------------------------------------------------------------------------------

# ICAO Doc 9303 Part 3, section 6 (transliteration of multinational Latin-based characters):
# the letters that do not simply lose their mark. All others (É, Ñ, Č, Ầ, Ứ …) become their
# base letter, which Unicode decomposition gives us.
ICAO_LETTERS = {
    "Ä": "AE", "Æ": "AE", "Å": "AA", "Ö": "OE", "Ø": "OE", "Œ": "OE", "Ü": "UE", "ẞ": "SS",
    "Þ": "TH", "Ð": "D", "Đ": "D", "Ħ": "H", "Ł": "L", "Ŀ": "L", "Ŋ": "N", "Ŧ": "T", "Ĳ": "IJ",
}  # fmt: skip
APOSTROPHES = re.compile(r"['`ʻʼ’‘]")  # O'BRIEN, SHUN'ICHI: the parts are one word

# Kana to passport Hepburn, as written: long vowels stay spelt out (おおた → OOTA) and are
# folded later like any romanised long vowel.
_KANA_ROWS = {
    "": "あいうえお", "K": "かきくけこ", "G": "がぎぐげご", "S": "さしすせそ", "Z": "ざじずぜぞ",
    "T": "たちつてと", "D": "だぢづでど", "N": "なにぬねの", "H": "はひふへほ", "B": "ばびぶべぼ",
    "P": "ぱぴぷぺぽ", "M": "まみむめも", "R": "らりるれろ",
}  # fmt: skip
KANA = {
    kana: consonant + vowel for consonant, row in _KANA_ROWS.items() for kana, vowel in zip(row, "AIUEO", strict=True)
}
KANA |= {
    "し": "SHI", "ち": "CHI", "つ": "TSU", "ふ": "FU", "じ": "JI", "ぢ": "JI", "づ": "ZU", "や": "YA",
    "ゆ": "YU", "よ": "YO", "わ": "WA", "ゐ": "I", "ゑ": "E", "を": "O", "ん": "N", "ゔ": "VU",
    "ぁ": "A", "ぃ": "I", "ぅ": "U", "ぇ": "E", "ぉ": "O",
}  # fmt: skip
SMALL_YA = {"ゃ": "A", "ゅ": "U", "ょ": "O"}  # きゃ → KYA, しゃ → SHA
SOKUON = "っ"  # doubles the next consonant: はっとり → HATTORI, っち → TCHI
CHOONPU = "ー"  # katakana long-vowel mark: repeats the vowel before it
KATAKANA_TO_HIRAGANA = 0x60


def kana_to_romaji(text: str) -> str:
    """Read hiragana and katakana as Hepburn; anything else passes through unchanged."""
    text = "".join(chr(ord(c) - KATAKANA_TO_HIRAGANA) if "ァ" <= c <= "ヶ" else c for c in text)
    out: list[str] = []
    double_next = False
    for char in text:
        if char in SMALL_YA and out and out[-1].endswith("I"):
            stem = out[-1][:-1]
            out[-1] = stem + ("" if stem.endswith(("SH", "CH", "J")) else "Y") + SMALL_YA[char]
        elif char == CHOONPU:
            vowels = [c for c in "".join(out) if c in "AEIOU"]
            out.append(vowels[-1] if vowels else "")
        elif char == SOKUON:
            double_next = True
        else:
            roman = KANA.get(char, char)
            if double_next and roman[:1] not in ("", "A", "E", "I", "O", "U", "N"):
                roman = ("T" if roman.startswith("CH") else roman[0]) + roman
            double_next = False
            out.append(roman)
    return "".join(out)


# Sized for the distinct name parts of a million persons' search candidates (a few MB per process).
@lru_cache(maxsize=32768)
def normalise(text: str) -> str:
    """Uppercase A-Z words as a passport prints them: kana romanised, ICAO 9303 transliteration."""
    text = kana_to_romaji(unicodedata.normalize("NFKC", text)).upper()
    text = "".join(ICAO_LETTERS.get(char, char) for char in text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^A-Z]+", " ", APOSTROPHES.sub("", text)).split())


# ---------------------------------------------------------------------------------------
# Readings: spelling folds, as data
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One spelling fold, applied to each word; `label` is what a clerk reads."""

    label: str
    pattern: re.Pattern[str]
    replacement: str


# Compared by identity: the readings are the module's constants below, and they key the caches of
# name_keys and compare_names, which would otherwise hash every rule on every call.
@dataclass(frozen=True, eq=False)
class Reading:
    """A way a name may have been romanised; both names are folded under the same reading."""

    name: str
    rules: tuple[Rule, ...]


def _rules(*rows: tuple[str, str, str]) -> tuple[Rule, ...]:
    return tuple(Rule(label, re.compile(pattern), replacement) for label, pattern, replacement in rows)


# Applied last under every reading: spellings no romanisation distinguishes reliably.
COMMON_RULES = _rules(
    ("H after a vowel is silent or marks a long vowel, as in OH, AH", r"(?<=[AEIOU])H(?![AEIOU])", ""),
    ("doubled letter or long vowel written once", r"([A-Z])\1+", r"\1"),
)

SPELLING = Reading("spelling variants", ())

# Passport Hepburn is the target. Long vowels: ō is written O, OH, OU or OO and ū U or UU,
# so all collapse to one vowel. EI is kept: passports write it (SANPEI, KEIKO) and folding it
# to E would merge distinct names. Syllabic N before a vowel (SHUN-ICHI, SHUN'ICHI) loses its
# hyphen or apostrophe in `normalise`.
JAPANESE = Reading(
    "Japanese romanisation variants",
    _rules(
        ("Kunrei SYA/SYU/SYO = Hepburn SHA/SHU/SHO", r"SY(?=[AUO])", "SH"),
        ("Kunrei TYA/TYU/TYO = Hepburn CHA/CHU/CHO", r"TY(?=[AUO])", "CH"),
        ("Kunrei ZYA/ZYU/ZYO = Hepburn JA/JU/JO", r"[ZDJ]Y(?=[AUO])", "J"),
        ("Kunrei SI = Hepburn SHI", r"SI", "SHI"),
        ("Kunrei TI = Hepburn CHI", r"TI", "CHI"),
        ("Kunrei TU = Hepburn TSU", r"TU", "TSU"),
        ("Kunrei HU = Hepburn FU", r"(?<![SCT])HU", "FU"),
        ("Kunrei ZI/DI = Hepburn JI", r"[ZD]I", "JI"),
        ("Nihon-shiki DU = Hepburn ZU", r"DU", "ZU"),
        ("M before B, M or P is written N", r"M(?=[BMP])", "N"),
        ("long vowel OU written O", r"OU", "O"),
    ),
)

# Transliterations from Cyrillic and Arabic by English, French, German or ICAO conventions
# (ICAO writes Й as I, Ю as IU, Я as IA, Х as KH, Ж as ZH).
TRANSLITERATION = Reading(
    "transliteration variants",
    _rules(
        ("-IY, -IJ, -II or -YI ending = -I (Cyrillic -ий)", r"(?:I[YJI]|Y[IY])$", "I"),
        ("-Y ending after a consonant = -I (Cyrillic -ий, -ый: YURY, ZAVADSKY)", r"(?<=[^AEIOUY])Y$", "I"),
        ("-OFF, -EFF = -OV, -EV (French and older English: SMIRNOFF)", r"(?<=[OE])F+$", "V"),
        ("SHCH, SCHTSCH, CHTCH or SHTCH = SHCH (Cyrillic Щ: ICAO, German, French)", r"SCHTSCH|CHTCH|SHTCH", "SHCH"),
        ("Y after a vowel = I (-AY/-AI, -EY/-EI)", r"(?<=[AEOU])Y(?![AEIOU])", "I"),
        ("ZH, DZH or DJ = J (Cyrillic Ж, Arabic ج)", r"D?ZH|DJ", "J"),
        ("KH = H (Cyrillic Х, Arabic خ)", r"KH", "H"),
        ("TSCH or TCH = CH", r"TS?CH", "CH"),
        ("SCH = SH", r"SCH", "SH"),
        ("PH = F", r"PH", "F"),
        ("W = V (German transliteration)", r"W", "V"),
        ("OU = U (French transliteration)", r"OU", "U"),
        ("initial I before a vowel = Y (Cyrillic Ю, Я)", r"^I(?=[AEOU])", "Y"),
        ("CK, Q or hard C = K", r"CK|Q|C(?![EIYH])", "K"),
        ("X = KS", r"X", "KS"),
    ),
)

# Revised Romanisation (2000) against McCune-Reischauer and customary passport spellings:
# initial ㄱㄷㅂㅈ are G/K, D/T, B/P, J/CH; ㅓ is EO, Ŏ or U (JEONG, CHUNG); ㅡ is EU, Ŭ or U.
KOREAN = Reading(
    "Korean romanisation variants",
    _rules(
        ("EO = U (Korean ㅓ)", r"EO", "U"),
        ("EU = U (Korean ㅡ)", r"EU", "U"),
        ("initial K = G (Korean ㄱ)", r"^K", "G"),
        ("initial T = D (Korean ㄷ)", r"^T", "D"),
        ("initial P = B (Korean ㅂ)", r"^P", "B"),
        ("initial CH = J (Korean ㅈ)", r"^CH", "J"),
    ),
)
# Japanese folds apply to every name (kana input, Japanese names abroad); Korean folds are
# aggressive (K = G) and apply only when either record is Korean.
READINGS = (SPELLING, JAPANESE, TRANSLITERATION)
KOREAN_NATIONALITIES = frozenset({"KOR", "PRK"})

# Stripped for the core key (DE LA CRUZ → CRUZ) but kept in the full key (DELACRUZ), since
# people join them as often as not. Only stripped before another word: LE, DO, LA alone are
# Vietnamese or Chinese family names.
PARTICLES = frozenset({
    "AL", "EL", "UL", "BIN", "BINT", "BEN", "IBN", "DA", "DAL", "DAS", "DE", "DEL", "DELLA", "DEN",
    "DER", "DES", "DI", "DO", "DOS", "DU", "LA", "LE", "TEN", "TER", "VAN", "VON", "Y", "ZU",
})  # fmt: skip


# ---------------------------------------------------------------------------------------
# Arabic compounds: one name written as one, two or three words
# ---------------------------------------------------------------------------------------

# Rule: "servant of" names are one name however they are spaced or vowelled: ABD AL-RAHMAN,
# ABDUL RAHMAN, ABDURRAHMAN, ABDERRAHMANE and ABD-AL-RAHMAN are all ABDALRAHMAN; ABDULLAH,
# ABDALLAH and ABD ALLAH are ABDALLAH. ABDUL alone (a name in South Asia) is ABDAL.
ABD_FORMS = frozenset({"ABD", "ABDUL", "ABDEL", "ABDOUL", "ABDOL", "ABDAL", "ABDU", "ABDI", "ABDOU", "ABDUR", "ABDUS"})
ABD_JOINED = re.compile(r"^ABD(?:OU|[AEIOU])?(?:L|SH(?=SH)|([RSDTZN])(?=\1))?(?P<rest>[A-Z]{3,})$")
# Rule: the article AL is written as it sounds before a "sun letter" (AR-RASHID, AS-SAYYID,
# AD-DIN, ASH-SHAMI, UR-RAHMAN): AR RASHID = AL RASHID.
ARTICLE_FORMS = frozenset({"AL", "EL", "UL", "OL"})
SUN_ARTICLES = re.compile(r"^[AE](SH|TH|DH|[TDRZSN])$")
# Rule: a linking article between two names joins them (SHAMS UR RAHMAN = SHAMSURRAHMAN,
# ZIA UL HAQ = ZIAULHAQ, ESMAT ULLAH = ESMATULLAH); only the joined spelling is unambiguous.
LINKING = frozenset({"UL", "UR", "US", "UD", "UZ", "UN", "U", "UDDIN", "UDDEEN", "ULLAH", "ULLA", "OLLAH"})


def _abd(rest: str) -> str:
    rest = rest[2:] if rest.startswith(("AL", "EL", "UL")) and rest[2:] in ("LAH", "LLAH") else rest
    return "ABDAL" + rest


@lru_cache(maxsize=32768)
def arabic_compounds(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a normalised name with ABD AL- names and linked names each made one word."""
    out: list[str] = []
    position = 0
    while position < len(words):
        word = words[position]
        following = words[position + 1] if position + 1 < len(words) else ""
        if SUN_ARTICLES.match(word) and following.startswith(SUN_ARTICLES.match(word).group(1)):  # type: ignore[union-attr]
            word = "AL"
        if word in ABD_FORMS:
            rest = words[position + 1 : position + 3]
            if len(rest) == 2 and (rest[0] in ARTICLE_FORMS or SUN_ARTICLES.match(rest[0])):
                out.append(_abd(rest[1]))
                position += 3
                continue
            if rest and rest[0] not in ARTICLE_FORMS:
                out.append(_abd(rest[0]))
                position += 2
                continue
            out.append("ABDAL")
            position += 1
            continue
        joined = ABD_JOINED.match(word)
        if joined and word not in ("ABDAL",):
            out.append(_abd(joined.group("rest")))
        elif word in LINKING and out and following and word not in ("ULLAH", "ULLA", "OLLAH", "UDDIN", "UDDEEN"):
            out[-1] += word + following
            position += 1
        elif word in LINKING and out and word in ("ULLAH", "ULLA", "OLLAH", "UDDIN", "UDDEEN"):
            out[-1] += word
        else:
            out.append(word)
        position += 1
    return tuple(out)


# Rule: a title is not a name. Aliases add and drop them (DR IBRAHIM AWWAD = IBRAHIM AWWAD,
# SHEIKH HASSAN = HASSAN); only words that are never given names are dropped (not HAFIZ, SAYED).
HONORIFICS = frozenset({
    "DR", "DOCTOR", "HAJI", "HAJJI", "ALHAJI", "ALHAJ", "MULLAH", "MULLA", "MAULAVI", "MAULAWI", "MAWLAWI", "MAWLAVI",
    "MAULANA", "SHEIKH", "SHAYKH", "SHAIKH", "MUFTI", "ENG", "ENGINEER", "GENERAL", "COLONEL", "USTAD", "USTADH",
})  # fmt: skip


@lru_cache(maxsize=32768)
def name_words(name: str) -> tuple[str, ...]:
    """A name's words in passport letters, titles left out, Arabic compounds joined."""
    words = normalise(name).split()
    named = [word for word in words if word not in HONORIFICS]
    return arabic_compounds(tuple(named or words))


# ---------------------------------------------------------------------------------------
# Variant tables: whole names that conventions spell apart
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NameTable:
    """Equivalence classes of whole words (the first of each class names it), and when they apply.

    A table applies when either record's nationality is in `nationalities`, or either is unknown;
    an empty `nationalities` means always. Folds cannot express these (LEE and RHEE share no
    spelling rule), and applied to everyone they would merge English LEE with Korean YI.
    """

    name: str
    rows: tuple[str, ...]  # "LEE YI RHEE I RI": the words of one class
    nationalities: frozenset[str] = frozenset()

    @property
    def classes(self) -> dict[str, frozenset[str]]:
        return _classes(self)

    def applies(self, nationalities: set[str]) -> bool:
        return not self.nationalities or "" in nationalities or bool(nationalities & self.nationalities)


@lru_cache(maxsize=64)
def _classes(table: NameTable) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for row in table.rows:
        for word in row.split():
            found.setdefault(word, set()).add(row.split()[0])
    return {word: frozenset(names) for word, names in found.items()}


# Korean surnames: Revised Romanisation (2000), McCune-Reischauer and the customary passport
# spellings. Rule: one Hangul surname, any of its spellings. Example: 이 LEE = YI = RHEE = I = RI
# (RI in North Korea, whose records the UN list is full of). Applies to KOR/PRK or unknown.
KOREAN_SURNAMES = NameTable(
    "Korean surname romanisations",
    (
        "LEE YI RHEE I RI RHIE YEE", "PARK PAK BAK BAHK PARCK", "CHOI CHOE CHOY CHWE",
        "JEONG CHUNG JUNG CHEONG CHONG JONG",
        "KIM GIM KIHM", "KANG GANG KAHNG", "CHO JO JOH CHOH", "YOON YUN YOUN", "JANG CHANG JHANG",
        "LIM IM YIM RIM", "HAN HAHN", "OH O", "SEO SUH SO SEOH", "SHIN SIN SHEEN", "KWON GWON KUON",
        "HWANG HOANG WHANG", "AHN AN", "SONG SUNG", "JEON JUN CHUN CHON JUHN", "HONG HUNG", "KO GO KOH",
        "MOON MUN", "YANG RYANG", "SON SOHN", "BAE BAI PAE", "BAEK BAIK PAIK PAEK", "HEO HUH HO",
        "NAM NAHM", "NOH NO RO ROH", "RYU YOO YU RYOO", "YOO YU", "KU KOO GU", "WOO U WU", "JIN CHIN",
        "JI CHI", "YEOM YOM", "CHA CHAH",
    ),
    frozenset({"KOR", "PRK"}),
)  # fmt: skip

# Chinese surnames: Hanyu Pinyin, Wade-Giles (Taiwan, older records) and Cantonese (Hong Kong,
# Macau, the diaspora). Rule: one character, any of its romanisations. Example: 张 ZHANG =
# CHANG = CHEUNG; 许 XU = HSU = HUI; 黄 HUANG = HWANG = WONG (and 王 WANG = WONG: WONG is in both).
CHINESE_SURNAMES = NameTable(
    "Chinese surname romanisations",
    (
        "ZHANG CHANG CHEUNG CHEONG TEO", "XU HSU HUI HSUI CHUI", "ZHOU CHOU CHAU CHOW JOE", "CHEN CHAN CHIN TAN",
        "WANG WONG ONG", "LI LEE LEI LAI", "HUANG HWANG WONG WEE NG", "LIU LIEW LAU LAO LOW",
        "YANG YEUNG YONG IEONG", "ZHAO CHAO CHIU CHEW", "WU WOO NG GOH NGO", "ZHENG CHENG CHENG CHANG TAY",
        "XIE HSIEH TSE CHIA SEAH", "GUO KUO KWOK KOK", "HE HO HOR", "LIN LAM LUM LIM", "LUO LO LAW LOH",
        "GAO KAO KO", "ZHU CHU CHOO", "SUN SUEN SOON", "MA MAH", "HU FU WOO", "LIANG LEUNG LEONG",
        "SONG SUNG", "TANG TONG", "FENG FUNG FONG", "DENG TENG TANG", "CAI TSAI CHOI CHUA", "JIANG CHIANG KEUNG",
        "ZENG TSENG TSANG CHAN", "XIAO HSIAO SIU", "QIAN CHIEN CHIN", "XIANG HSIANG HEUNG", "CAO TSAO CHO",
        "YE YEH YIP IP", "ZHONG CHUNG CHUNG", "QIU CHIU YAU KHOO", "JIN CHIN KAM KIM",
    ),
    frozenset({"CHN", "TWN", "HKG", "MAC", "SGP", "MYS"}),
)  # fmt: skip

# Given names written from Cyrillic by ICAO 2013 (PYOTR → PETR? no: ICAO writes Ё as E: PETR),
# BGN/PCGN (PYOTR), French (PIOTR, IOURI) and German (PJOTR, JURI) conventions. Rule: one
# Cyrillic name, any of its transliterations. Example: Пётр PYOTR = PETR = PIOTR = PJOTR; Юрий
# YURI = YURY = IOURI = JURI. Always applies: these spellings name no one else.
CYRILLIC_GIVEN_NAMES = NameTable(
    "Cyrillic given-name transliterations",
    (
        "PYOTR PETR PIOTR PJOTR PIOTRE", "YURI YURIY YURY YURII IOURI IURII JURI JURIJ",
        "ALEKSANDR ALEXANDR ALEXANDRE ALEKSANDER",
        "SERGEI SERGEY SERGUEI SERGEJ SERGII SERHII SERHIY", "ALEKSEI ALEKSEY ALEXEI ALEXEY ALEXEJ ALEKSEJ ALEXII",
        "ANDREI ANDREY ANDREJ ANDRII", "DMITRI DMITRY DMITRIY DMITRII DMITRIJ", "NIKOLAI NIKOLAY NICOLAI NIKOLAJ",
        "MIKHAIL MICHAIL MIKHAEL MICHAEL", "FYODOR FEDOR FIODOR FJODOR", "SEMYON SEMEN SEMION SEMJON",
        "ARTYOM ARTEM ARTIOM ARTJOM", "YEVGENY YEVGENIY EVGENY EVGENIY EVGENII EVGUENI JEWGENI JEVGENIJ",
        "YELENA ELENA JELENA IELENA", "TATYANA TATIANA TATJANA", "NATALYA NATALIA NATALJA NATALIYA",
        "YULIA YULIYA IOULIA IULIIA JULIJA", "ILYA ILIA ILJA ILIYA", "VYACHESLAV VIACHESLAV WJATSCHESLAW VIATCHESLAV",
        "YAKOV IAKOV JAKOW JAKOV", "YEGOR EGOR IEGOR JEGOR", "MATVEY MATVEI MATWEJ", "KSENIA KSENIYA XENIA OKSANA",
        "ANATOLY ANATOLIY ANATOLII ANATOLI", "GRIGORY GRIGORIY GRIGORII GRIGORI", "VALERY VALERIY VALERII VALERI",
        "YAROSLAV IAROSLAV JAROSLAW", "OLEG OLEH", "VLADIMIR VOLODYMYR WLADIMIR", "IVAN IWAN IVANE",
    ),
)  # fmt: skip

# Arabic given names as English, French and South-Asian or Indonesian usage write them. Rule:
# one Arabic name, any of its spellings. Example: محمد MOHAMMED = MUHAMMAD = MOHAMAD = MOHAMED =
# MOCHAMMAD = MD. Always applies.
ARABIC_GIVEN_NAMES = NameTable(
    "Arabic given-name transliterations",
    (
        "MUHAMMAD MOHAMMED MOHAMMAD MOHAMED MOHAMAD MUHAMMED MUHAMED MUHAMAD MOHAMMAD MOHAMMEDE MOCHAMMAD MOCHAMAD"
        " MOHAMMAD MOHD MD MOHAMMAD MOUHAMMAD MUHAMMET MEHMET MEHMED MOHAMMADU MAHAMMAD MUHAMADOU MOHAMADOU",
        "AHMAD AHMED AHMET AHMADOU", "MAHMOUD MAHMUD MAHMOOD MEHMUD", "HASSAN HASAN HASSANE", "HUSSEIN HUSSAIN HUSEIN"
        " HOSSEIN HUSAYN HUSAIN HOUSSEIN HUSEYIN", "OMAR UMAR OMER UMER", "OSMAN UTHMAN OTHMAN USMAN OSMANE OUSMANE",
        "YUSUF YOUSSEF YOUSEF YUSIF YOUSSOUF YOUSUF YUSOF JUSUF", "IBRAHIM EBRAHIM IBRAHEEM BRAHIM", "MUSTAFA MOSTAFA"
        " MUSTAPHA MOUSTAFA MUSTAPA", "KHALID KHALED KHALIT HALID", "SALIH SALEH SALAH SALEEH", "ALI ALY ALEE",
        "SULAYMAN SULEIMAN SOLIMAN SULAIMAN SOLEIMAN SULEYMAN SLIMANE", "JIBRIL JIBRIEL JIBREEL JIBRIN",
        "YUNUS YOUNIS YOUNES YUNIS", "ISMAIL ESMAIL ISMAEL ESMAEIL", "ABUBAKAR ABUBAKR ABOUBAKAR ABUBAKER ABOUBACAR",
        "SAYED SAYYED SAYYID SAYID SAYEED SAID SEYED SEYYED", "QADIR QADEER KADIR QADER KADER", "NAZIR NAZEER NAZAR",
        "ABDALLAH ABDULLA ABDALA", "HAMID HAMEED HAMED", "RASHID RASHEED RACHID RASHED", "YAHYA YAHIA YEHIA",
        "ISA ISSA EISA AISSA", "MUSA MOUSSA MOUSA MOOSA", "YAQUB YAKUB YACOUB YAQOOB", "ZAKARIYA ZAKARIA ZAKARIYYA",
        "MANSUR MANSOUR MANSOOR", "MAJID MAJEED MAJED", "AZIZ AZEEZ", "RAHIM RAHEEM", "KARIM KAREEM", "NASIR NASSER"
        " NASER NASSIR NASEER", "FAISAL FAYSAL FAYCAL", "TARIQ TAREK TARIK TAREQ",
        # Persian and South-Asian spellings of the same names
        "HUSSEIN HOSEIN HOSAIN HOSSAIN HUSEIN", "MURTAZA MORTEZA MORTAZA MURTADA MURTADHA", "REZA RIDA RIDHA REZAH",
        "MAHDI MEHDI MAHDY", "JAFAR JAAFAR JAFFAR DJAFAR", "BAQIR BAQER BAKR BAKER BAGHER BAQR", "ISLAMI ESLAMI",
        "SALIMI SALEEMI", "DAWOOD DAWUD DAOUD DAUD DOWOOD", "NASRULLAH NASROLLAH", "HABIBULLAH HABIBOLLAH",
    ),
)  # fmt: skip

SURNAME_TABLES = (KOREAN_SURNAMES, CHINESE_SURNAMES)
GIVEN_NAME_TABLES = (CYRILLIC_GIVEN_NAMES, ARABIC_GIVEN_NAMES)
TABLES = SURNAME_TABLES + GIVEN_NAME_TABLES
# Applied to both parts: lists do not say which word is the family name (split_listed_name).


def table_variants(word: str) -> set[str]:
    """The class names (first spellings) of every table class a word is in, for blocking."""
    return {canonical for table in TABLES for canonical in table.classes.get(word, ())}


def _rewritten(a: str, b: str, tables: tuple[NameTable, ...]) -> tuple[str, list[str]]:
    """Name part `a` with each word that a table makes equal to a word of `b` written as in `b`."""
    words_a, words_b = name_words(a), name_words(b)
    out, why = [], []
    for word in words_a:
        for table in tables:
            classes = table.classes.get(word)
            other = next(
                (w for w in words_b if w != word and classes and classes & table.classes.get(w, frozenset())), None
            )
            if other:
                why.append(f"{word} = {other} ({table.name})")
                word = other
                break
        out.append(word)
    return " ".join(out), why


@dataclass(frozen=True)
class NameKeys:
    """One name part (family or given) folded under one reading."""

    full: str  # every word joined, particles included: DELACRUZ
    core: str  # particles left out: CRUZ
    words: tuple[str, ...]  # the core's words, for a name with a part left out
    particles: tuple[str, ...]
    rules: frozenset[str]  # labels of the folds that changed something

    def variants(self) -> set[str]:
        return {self.full, self.core, *self.words} - {""}


def _fold_word(word: str, reading: Reading) -> tuple[str, set[str]]:
    fired = set()
    for rule in reading.rules + COMMON_RULES:
        folded = rule.pattern.sub(rule.replacement, word)
        if folded != word:
            fired.add(rule.label)
            word = folded
    return word, fired


def _join(words: list[str]) -> str:
    return re.sub(r"([A-Z])\1+", r"\1", "".join(words))


@lru_cache(maxsize=32768)
def name_keys(name: str, reading: Reading) -> NameKeys:
    """Comparison keys for one name part under one reading."""
    words = list(name_words(name))
    is_particle = [
        word in PARTICLES and any(w not in PARTICLES for w in words[i + 1 :]) for i, word in enumerate(words)
    ]
    fired: set[str] = set()
    folded = []
    for word in words:
        key, rules = _fold_word(word, reading)
        folded.append(key)
        fired |= rules
    core = [key for key, particle in zip(folded, is_particle, strict=True) if not particle]
    particles = tuple(word for word, particle in zip(words, is_particle, strict=True) if particle)
    return NameKeys(_join(folded), _join(core), tuple(core), particles, frozenset(fired))


# ---------------------------------------------------------------------------------------
# Blocking keys
# ---------------------------------------------------------------------------------------

# Sound classes for the blocking skeleton: letters that romanisations swap share a class
# (Korean K/G, T/D, P/B, CH/J; S/Z; M/N as in SAMPEI/SANPEI). Vowels, H, W, Y are dropped.
PHONETIC_DIGRAPHS = (("CH", "J"), ("SH", "S"), ("PH", "F"), ("X", "KS"))
PHONETIC_CLASSES = str.maketrans("BPFVGKQCDTJZSLRMN", "PPFFKKKKTTJSSLRNN")
SKELETON_LENGTH = 4  # like Soundex: enough to be selective, short enough to survive a late typo
SHORT_SKELETON = 3  # below this the vowels are added: OTA and ITO must not share a bucket


def phonetic_key(folded: str) -> str:
    """Consonant-class skeleton of a folded name: ANDERSON and ANDERSEN → ANTR."""
    text = re.sub(r"C(?=[EIY])", "S", folded)
    for digraph, replacement in PHONETIC_DIGRAPHS:
        text = text.replace(digraph, replacement)
    lead = "A" if text[:1] in ("A", "E", "I", "O", "U", "H", "W", "Y") else ""
    skeleton = re.sub(r"[AEIOUHWY]", "", text).translate(PHONETIC_CLASSES)
    code = lead + re.sub(r"(.)\1+", r"\1", skeleton)
    if len(code) < SHORT_SKELETON:
        return code + "|" + re.sub(r"[^AEIOU]", "", folded)
    return code[:SKELETON_LENGTH]


PAIRED_WORDS = 6  # a whole name's first distinctive words that pair keys are made of (15 pairs at most)


def word_pair_keys(family: str, given: str) -> set[str]:
    """Keys for two distinctive words of the whole name, in either order: SKELETON+SKELETON.

    Lists publish long names whole (ABDUL GHANI BARADAR ABDUL AHMAD TURK) and aliases drop
    names from them (ABDUL GHANI BARADAR), so which word is the "family name" differs between
    the two; a pair of the name's own words survives that, and a dropped middle name.
    """
    words = [word for word in name_words(f"{given} {family}") if word not in PARTICLES and word not in COMMON_WORDS]
    distinct = [word for word in dict.fromkeys(name_keys(word, TRANSLITERATION).full for word in words) if word]
    skeletons = [phonetic_key(word) for word in distinct[:PAIRED_WORDS]]
    return {
        "+".join(sorted((one, other)))
        for position, one in enumerate(skeletons)
        for other in skeletons[position + 1 :]
        if one != other
    }


def blocking_keys(family: str, given: str) -> set[str]:
    """Index keys: a name part's skeleton paired with the other part's first sound class.

    A database table of (person, key) rows answers `key IN blocking_keys(query)` from an index,
    so candidates are looked up, never scanned, and then scored. Keys come from every word and
    from the joined name, under the Japanese and transliteration readings (the sound classes
    already absorb the Korean ones). Pairing each part with the *other* part's initial keeps a
    bucket small and still finds a swapped order or a typo in one of the two parts.
    """
    keys = set()
    for reading in (JAPANESE, TRANSLITERATION):
        family_keys, given_keys = name_keys(family, reading), name_keys(given, reading)
        for own, partner in ((family_keys, given_keys), (given_keys, family_keys)):
            initials = {phonetic_key(variant)[:1] for variant in (partner.full, partner.core) if variant} or {""}
            keys |= {f"{phonetic_key(variant)}:{initial}" for variant in own.variants() for initial in initials}
    keys |= word_pair_keys(family, given)
    # ABDUL BASIR is one word (ABDALBASIR) in one record and two in another, where BASIR keys
    # with the initial of ABDUL: key the compound's name the same way.
    for word in name_words(f"{given} {family}"):
        if word.startswith("ABDAL") and len(word) > len("ABDAL") + 1:
            keys.add(f"{phonetic_key(name_keys(word[len('ABDAL') :], TRANSLITERATION).full)}:A")
    # A word in a variant table also keys its class (RHEE keys as LEE), whatever the nationality:
    # blocking only has to find the candidates, and `score` decides whether the table applies.
    for own, partner in ((family, given), (given, family)):
        partner_initials = {phonetic_key(name_keys(partner, TRANSLITERATION).full)[:1]} if partner.strip() else {""}
        for word in name_words(own):
            for canonical in table_variants(word) - {word}:
                skeleton = phonetic_key(name_keys(canonical, TRANSLITERATION).full)
                keys |= {f"{skeleton}:{initial}" for initial in partner_initials}
    return keys


# ---------------------------------------------------------------------------------------
# Dates of birth
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """A date of birth as recorded: year only, year and month, or a full date, possibly invalid.

    An "invalid" date such as 1984-13-04 is kept with its parts: it is what a clerk types with
    day and month swapped, and the person must still be found.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> "PartialDate | None":
        """YYYY, YYYY-MM or YYYY-MM-DD (00 for an unknown part); empty means unknown (None)."""
        text = (text or "").strip()
        if not text:
            return None
        found = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
        if not found:
            raise ValueError(f"not a date of birth: {text!r}")
        year, month, day = (int(part) if part and int(part) else None for part in found.groups())
        if year is None or (day or 0) > 31 or (month or 0) > 31 or ((month or 0) > 12 and (day or 13) > 12):
            raise ValueError(f"not a date of birth, nor one with day and month swapped: {text!r}")
        return cls(year, month, day)

    @property
    def is_complete(self) -> bool:
        return self.month is not None and self.day is not None

    @property
    def is_valid(self) -> bool:
        if not self.is_complete:
            return (self.month or 0) <= 12
        try:
            date(self.year, self.month, self.day)  # type: ignore[arg-type]
        except ValueError:
            return False
        return True

    def __str__(self) -> str:
        return "-".join([f"{self.year:04d}"] + [f"{part:02d}" for part in (self.month, self.day) if part is not None])


# Points out of 100: name 70, date of birth 20, nationality 10. A date of birth that no known
# typing error explains takes points away: same name, different birthday is a different person.
NAME_POINTS = 70
BIRTH_DATE_POINTS = {
    "same": 20, "swapped": 18, "typo": 17, "year": 16, "consistent": 17, "unknown": 10, "different": -25,
}  # fmt: skip
NATIONALITY_POINTS = {"same": 10, "unknown": 5, "different": 0}
MATCH_THRESHOLD = 85.0  # same name with nothing else known (85) still matches; a clerk confirms
# Name-part similarities for things that are not spelling: a word left out, a swapped order,
# vowels that differ only (Arabic short vowels are not written; -SEN/-SON).
PART_OF_NAME = 0.9
SWAPPED_ORDER = 0.95
VOWELS_ONLY = 0.92
VOWELS_ONLY_FLOOR = 0.7  # ... and only when the spellings are otherwise close
MISSING_PART = 0.9  # a record with no given name (single-name entries)
CLOSE = 0.75  # below this a clerk reads "different", not "close"


BIRTH_DATE_REASONS = {
    "unknown": "date of birth unknown on one record",
    "same": "date of birth the same ({a})",
    "consistent": "date of birth agrees as far as known ({a} ~ {b})",
    "swapped": "date of birth: day and month swapped ({a} ~ {b})",
    "year": "date of birth: year differs by one ({a} ~ {b})",
    "typo": "date of birth: one digit mistyped ({a} ~ {b})",
    "different": "date of birth differs ({a} vs {b})",
}


def birth_date_agreement(a: PartialDate | None, b: PartialDate | None) -> str:
    """Kind of agreement of two dates of birth: a key of BIRTH_DATE_POINTS (and of BIRTH_DATE_REASONS)."""
    if a is None or b is None:
        return "unknown"
    known_agree = all(x is None or y is None or x == y for x, y in ((a.month, b.month), (a.day, b.day)))
    if a == b and a.is_complete:
        return "same"
    if a.year == b.year and known_agree:
        return "consistent"
    if a.is_complete and b.is_complete:
        if (a.year, a.month, a.day) == (b.year, b.day, b.month):
            return "swapped"
        if abs(a.year - b.year) == 1 and (a.month, a.day) == (b.month, b.day):
            return "year"
        if OSA.distance(str(a).replace("-", ""), str(b).replace("-", "")) == 1:
            return "typo"
    elif abs(a.year - b.year) == 1 and known_agree:
        return "year"
    return "different"


def compare_birth_dates(a: PartialDate | None, b: PartialDate | None) -> tuple[str, str]:
    """Kind of agreement (a key of BIRTH_DATE_POINTS) and the clerk's sentence for it."""
    kind = birth_date_agreement(a, b)
    return kind, BIRTH_DATE_REASONS[kind].format(a=a, b=b)


def _nationality(code: str) -> str:
    code = code.strip().upper().replace("<", "")
    return "DEU" if code == "D" else code  # ICAO 9303 Part 3 codes Germany as D


def compare_nationalities(a: str, b: str) -> tuple[str, str]:
    """Kind of agreement (a key of NATIONALITY_POINTS) and the clerk's sentence for it."""
    a, b = _nationality(a), _nationality(b)
    if not a or not b:
        return "unknown", "nationality unknown on one record"
    if a == b:
        return "same", f"nationality the same ({a})"
    return "different", f"nationality differs ({a} vs {b})"


# ---------------------------------------------------------------------------------------
# Names and records
# ---------------------------------------------------------------------------------------


WITHOUT_VOWELS = str.maketrans("", "", "AEIOUY")


ABDAL_WEIGHT = 2  # what the shared ABDAL- of two compound names counts for, in letters


def _consonants(key: str) -> str:
    return key[:1] + key[1:].translate(WITHOUT_VOWELS)


def _graded(a: str, b: str) -> tuple[float, str]:
    """Similarity of two folded keys: typing errors count once each (OSA distance)."""
    distance = OSA.distance(a, b)
    similarity = 1 - distance / max(len(a), len(b), 1)
    if a.startswith("ABDAL") and b.startswith("ABDAL") and min(len(a), len(b)) > len("ABDAL"):
        # Thousands share "servant of": the name is what follows, so its letters count for more.
        similarity = 1 - distance / (max(len(a), len(b)) - len("ABDAL") + ABDAL_WEIGHT)
    if _consonants(a) == _consonants(b) and similarity >= VOWELS_ONLY_FLOOR:
        return max(similarity, VOWELS_ONLY), "differs only in vowels"
    return similarity, f"{distance} letter{'s' if distance > 1 else ''} differ{'' if distance > 1 else 's'}"


@lru_cache(maxsize=16)
def _common_folded(reading: Reading) -> frozenset[str]:
    return frozenset(name_keys(word, reading).full for word in COMMON_WORDS)


def _compare_folded(a: NameKeys, b: NameKeys, reading: Reading, first_kept: bool = False) -> tuple[float, str]:
    rules = sorted(a.rules ^ b.rules)
    after = f" allowing for {reading.name}: {'; '.join(rules)}" if rules else ""
    for x, y in ((a.full, b.full), (a.core, b.core), (a.full, b.core), (a.core, b.full)):
        if x and x == y:
            dropped = a.particles if x != a.full else b.particles
            ignoring = " ignoring particles " + " ".join(dropped) if x != a.full or y != b.full else ""
            return 1.0, f"equal{ignoring}{after}"
    similarity, how = max(_graded(x, y) for x in (a.full, a.core) for y in (b.full, b.core) if x and y)
    best = (similarity, f"{'close' if similarity >= CLOSE else 'different'} ({how}, {similarity:.0%}){after}")
    shorter, longer = sorted((a.words, b.words), key=len)
    # A name left out: not when all that is left is a word too common to tell anyone apart
    # (ABDUL of ABDUL QADEER BASIR ABDUL), and in given names not the first one (people drop
    # middle names, not their own: HASSAN is not BARZAN IBRAHIM HASSAN).
    left_out = shorter and len(shorter) < len(longer) and not set(shorter) <= _common_folded(reading)
    if left_out and first_kept and _graded(shorter[0], longer[0])[0] < WORD_MATCH:
        left_out = False
    if left_out:
        part = sum(max(_graded(word, other)[0] for other in longer) for word in shorter) / len(shorter)
        if part * PART_OF_NAME > best[0]:
            best = (part * PART_OF_NAME, "one is part of the other (a name left out)")
    return best


# A search grades up to 200 candidates against one query, and namesakes repeat each name part.
@lru_cache(maxsize=65536)
def compare_names(
    a: str,
    b: str,
    readings: tuple[Reading, ...] = READINGS,
    tables: tuple[NameTable, ...] = GIVEN_NAME_TABLES,
    first_kept: bool = False,
) -> tuple[float, str]:
    """Similarity 0 to 1 of two name parts and why, trying the simplest explanation first.

    `first_kept`: the parts are given names, of which one left out is never the first.
    """
    shown = f"{a.strip()} ~ {b.strip()}"
    if a.strip().upper() == b.strip().upper():
        return 1.0, f"{a.strip()}: identical"
    na, nb = normalise(a), normalise(b)
    if not (na and nb):
        return 0.0, f"{shown}: cannot be compared (no Latin letters or kana)"
    if na == nb:
        if not (a + b).isascii():
            return 1.0, f"{shown}: equal in passport letters (ICAO 9303 transliteration)"
        return 1.0, f"{shown}: equal ignoring spaces, hyphens and apostrophes"
    if na.replace(" ", "") == nb.replace(" ", ""):
        return 1.0, f"{shown}: equal ignoring spaces, hyphens and apostrophes"
    if "".join(name_words(a)) == "".join(name_words(b)):
        return 1.0, f"{shown}: equal as one Arabic compound name (ABD AL-, UR-, ULLAH written together)"
    na, tabled = _rewritten(a, b, tables)
    if tabled and "".join(name_words(na)) == "".join(name_words(b)):
        return 1.0, f"{shown}: equal: {'; '.join(tabled)}"
    best = max(
        (_compare_folded(name_keys(na, r), name_keys(b, r), r, first_kept) for r in readings),
        key=lambda found: found[0],
    )
    return best[0], f"{shown}: {best[1]}" + (f" after {'; '.join(tabled)}" if tabled else "")


@dataclass(frozen=True)
class NameRecord:
    """What one side of a comparison knows: a list entry, a person on file, or a query."""

    family: str
    given: str = ""
    birth_date: PartialDate | None = None
    nationality: str = ""


@dataclass(frozen=True)
class Match:
    """A graded comparison and the sentences that explain it to a clerk."""

    score: float
    is_match: bool
    reasons: list[str]


# Whole-name comparison, word by word, for names whose split into family and given the records
# may not share (lists publish Arabic and Afghan names whole) and for dropped middle names.
WORD_MATCH = 0.85  # two words at least this similar are the same word of the name
ALL_WORDS_REORDERED = 0.95  # every word on both sides, in another order or split
WORDS_LEFT_OUT = 0.9  # every word of the shorter name is in the longer (middle names dropped)
FEW_DISTINCT_WORDS = 0.8  # ... but fewer than two of them are distinctive
# Words too common to identify anyone on their own: a two-word name made of one of these and one
# other word is weak evidence that it is the same person as a longer name holding both.
COMMON_WORDS = frozenset(
    {"MUHAMMAD", "AHMAD", "ALI", "ABDAL", "ABDALLAH", "HAJI", "MULLAH", "MAULAVI", "SAYED", "KHAN", "AL"}
)


# Titles and honorifics that aliases add or drop (HAJI ABDUL SATAR, SHEIKH HASSAN DAHIR AWEYS).
TITLES = frozenset({
    "HAJI", "HAJJI", "ALHAJI", "MULLAH", "MULLA", "MAULAVI", "MAULAWI", "MAWLAWI", "MAWLAVI", "MAULANA", "SHEIKH",
    "SHAYKH", "SHAIKH", "SHEIKHA", "QARI", "HAFIZ", "AKHUND", "SAYED", "SAYYID", "SYED", "DR", "ENG", "IMAM", "MUFTI",
})  # fmt: skip


def _word_count(words: list[str]) -> int:
    """Words, an ABD AL- compound counting two (ABDUL HABIB is two names written as one)."""
    return sum(2 if word.startswith("ABDAL") and len(word) > len("ABDAL") else 1 for word in words)


def _word_similarity(a: str, b: str, readings: tuple[Reading, ...], tables: tuple[NameTable, ...]) -> float:
    return compare_names(a, b, readings, tables)[0]


def _compare_words(
    a: NameRecord, b: NameRecord, readings: tuple[Reading, ...], tables: tuple[NameTable, ...]
) -> tuple[float, list[str]] | None:
    """Every word of the shorter whole name found in the longer one: similarity and why, else None."""
    words_a = [w for w in name_words(f"{a.given} {a.family}") if w not in PARTICLES and w not in TITLES]
    words_b = [w for w in name_words(f"{b.given} {b.family}") if w not in PARTICLES and w not in TITLES]
    shorter, longer = sorted((words_a, words_b), key=_word_count)
    if _word_count(shorter) < 2 or len(shorter) > len(longer):
        return None
    if len(shorter) < len(longer) and _word_similarity(shorter[0], longer[0], readings, tables) < WORD_MATCH:
        return None  # middle names are dropped, the first name is kept: HASSAN AL-TIKRITI is not BARZAN … HASSAN
    pairs = sorted(
        ((_word_similarity(x, y, readings, tables), i, j) for i, x in enumerate(shorter) for j, y in enumerate(longer)),
        reverse=True,
    )
    used_short, used_long, found = set(), set(), []
    for similarity, i, j in pairs:
        if similarity >= WORD_MATCH and i not in used_short and j not in used_long:
            used_short.add(i)
            used_long.add(j)
            found.append(similarity)
    if len(found) < len(shorter):
        return None
    mean = sum(found) / len(found)
    if len(shorter) == len(longer):
        return mean * ALL_WORDS_REORDERED, ["every word of the name found, in another order or split"]
    distinct = [word for word in shorter if word not in COMMON_WORDS]
    factor = WORDS_LEFT_OUT if _word_count(distinct) >= 2 or len(shorter) >= 3 else FEW_DISTINCT_WORDS
    left_out = len(longer) - len(shorter)
    return mean * factor, [f"every word of the shorter name found in the longer ({left_out} left out)"]


def _name_similarity(
    a: NameRecord, b: NameRecord, readings: tuple[Reading, ...], tables: tuple[NameTable, ...] = GIVEN_NAME_TABLES
) -> tuple[float, list[str], bool]:
    """Similarity, reasons, and whether each name part compared is at least close."""
    family, family_why = compare_names(a.family, b.family, readings, tables)
    words = _compare_words(a, b, readings, tables)
    if not (a.given.strip() and b.given.strip()):
        best = (family * MISSING_PART, [f"family name {family_why}", "given name missing on one record"], True)
    else:
        given, given_why = compare_names(a.given, b.given, readings, tables, True)
        straight = (family + given) / 2
        first_given_close = True
        given_a = [word for word in name_words(a.given) if word not in PARTICLES] or [""]
        given_b = [word for word in name_words(b.given) if word not in PARTICLES] or [""]
        if given < 1 and len(given_a) >= 2 and len(given_b) >= 2:
            # OMAR SABAWI IBRAHIM is not AYMAN SABAWI IBRAHIM: brothers share every name but their own.
            first_a, first_b = given_a[0], given_b[0]
            first_given_close = (
                compare_names(first_a, first_b, readings, tables)[0] >= CLOSE
                or _consonants(first_a) == _consonants(first_b)  # RAED ~ RIAD: only the vowels differ
            )
        across_1, why_1 = compare_names(a.family, b.given, readings, tables)
        across_2, why_2 = compare_names(a.given, b.family, readings, tables)
        swapped = (across_1 + across_2) / 2 * SWAPPED_ORDER
        if swapped > straight:
            best = (
                swapped,
                [
                    "given and family names swapped",
                    f"family name ~ other's given name {why_1}",
                    f"given name ~ other's family name {why_2}",
                ],
                min(across_1, across_2) >= CLOSE,
            )
        else:
            parts_close = min(family, given) >= CLOSE and first_given_close
            best = (straight, [f"family name {family_why}", f"given name {given_why}"], parts_close)
    if words and words[0] > best[0]:
        return words[0], words[1], True
    return best


# The date rule. A hit needs a name that is strong on its own: at least STRONG_NAME similar, and
# each part compared (family, given) at least close. Dates of birth only confirm or refute it:
# - a date that differs beyond a typing slip ("different": not a swap, one digit, a year off by
#   one) never makes a hit, however equal the names (KONDO MASAO born 1964 is not KONDO MASAO
#   born 1939);
# - an equal or close date never lifts a weak name into a hit: OTA YUKO is not OTAKE YUKO, and
#   KIM JI WON is not KIM MIN SEO, though both pairs share a birthday.
STRONG_NAME = 0.85


def score(list_record: NameRecord, query_record: NameRecord) -> Match:
    """Grade how likely two records are one person, out of 100, with reasons."""
    nationalities = {_nationality(list_record.nationality), _nationality(query_record.nationality)}
    readings = READINGS + ((KOREAN,) if nationalities & KOREAN_NATIONALITIES else ())
    tables = GIVEN_NAME_TABLES + tuple(table for table in SURNAME_TABLES if table.applies(nationalities))
    name, reasons, parts_close = _name_similarity(list_record, query_record, readings, tables)
    birth, birth_why = compare_birth_dates(list_record.birth_date, query_record.birth_date)
    nationality, nationality_why = compare_nationalities(list_record.nationality, query_record.nationality)
    points = NAME_POINTS * name + BIRTH_DATE_POINTS[birth] + NATIONALITY_POINTS[nationality]
    total = round(min(100.0, max(0.0, points)), 1)
    reasons = [f"name similarity {name:.0%}", *reasons, birth_why, nationality_why]
    strong = name >= STRONG_NAME and parts_close
    if not strong:
        reasons.append("not a match: the name alone is too weak (a date of birth does not make it one)")
    # The date's own sentence ("date of birth differs …") says why a different date is no match;
    # no further line, so identity search can swap each person's date into one name's reasons.
    is_match = total >= MATCH_THRESHOLD and strong and birth != "different"
    return Match(score=total, is_match=is_match, reasons=reasons)


# ---------------------------------------------------------------------------------------
# Names as lists publish them
# ---------------------------------------------------------------------------------------


def split_listed_name(full_name: str) -> tuple[str, str]:
    """(family, given) of a name a list publishes whole, whose order the list does not say.

    The UN list writes FIRST_NAME … FOURTH_NAME and aliases as one string, usually given names
    first ("ABDUL HAQ WASIQ"): the last word is taken as the family name. `score` also tries the
    swapped order, and `blocking_keys` keys every word, so a wrong guess still finds the person.
    """
    if full_name.count(",") == 1:  # "MAJEED, ABDUL": the list says which is the family name
        family, given = (normalise(part) for part in full_name.split(","))
        if family and given:
            return family, given
    words = normalise(full_name).split()
    if len(words) < 2:
        return (words[0] if words else ""), ""
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:  # AL-TIKRITI, DE LA CRUZ, BIN LADEN: one family name
        start -= 1
    return " ".join(words[start:]), " ".join(words[:start])
