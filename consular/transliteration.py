"""Names in the 26 letters a machine readable zone holds: the tables of ICAO Doc 9303 Part 3, section 6.

A ground module: it imports no app of the project, so every app may use it (passports now; visas,
whose MRV has the same name field, next). Section 6 gives three tables, and only three: A,
multinational Latin-based characters; B, Cyrillic; C, Arabic. A name in any other script (Greek,
Hebrew, Han, Hangul …) has no ICAO transliteration: `mrz_name` refuses it with `NotWritable`
rather than leave letters out, and the issuing state supplies the Latin name itself. Part 3, 4.6
gives the rest: no diacritical marks, no digits, apostrophes and other punctuation left out,
hyphens, spaces and commas between name components written as one filler.
"""

import re
import unicodedata

FILLER = "<"

# Table A, Latin: where it offers a choice (Ä → AE or A, Å → AA or A, Ñ → N or NXX, Ö → OE or O,
# Ü → UE, UXX or U), the first, which the states that use the letter print. The rows that only
# take a letter's mark off (À → A, Č → C …) are not repeated here: every Latin letter that is A–Z
# with marks is written without them (4.6), which gives exactly those rows.
LATIN = {
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ð": "D", "Ñ": "N", "Ö": "OE", "Ø": "OE", "Ü": "UE", "Þ": "TH",
    "Đ": "D", "Ħ": "H", "İ": "I", "ı": "I", "Ĳ": "IJ", "Ŀ": "L", "Ł": "L", "Ŋ": "N", "Œ": "OE", "Ŧ": "T",
    "ẞ": "SS",
}  # fmt: skip

# Table B, Cyrillic, by code point (the table's glyph column misprints U+0402 Ђ as Ћ and U+0474 Ѵ as
# V). The base column: the exceptions the table gives for Belarusian, Bulgarian, Macedonian,
# Serbian and Ukrainian names (Г → H, Щ → SHT, a first Є → YE …) are the issuing state's to
# apply, and a Japanese passport has none. Table B has no row for the soft sign Ь: it is not a
# letter of its own and is left out, as the states that use the table print it (ОЛЬГА → OLGA).
CYRILLIC = {
    "Ё": "E", "Ђ": "D", "Є": "IE", "Ѕ": "DZ", "І": "I", "Ї": "I", "Ј": "J", "Љ": "LJ", "Њ": "NJ", "Ќ": "K",
    "Ў": "U", "Џ": "DZ", "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ж": "ZH", "З": "Z",
    "И": "I", "Й": "I", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S",
    "Т": "T", "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH", "Ъ": "IE",
    "Ы": "Y", "Э": "E", "Ю": "IU", "Я": "IA", "Ѫ": "U", "Ѵ": "Y", "Ґ": "G", "Ғ": "G", "Һ": "C",
}  # fmt: skip
NOT_WRITTEN_CYRILLIC = frozenset("Ь")

# Table C, Arabic script. X marks a letter the Latin alphabet has no letter for (ح XH, ش XSH), so
# the MRZ can be read back into Arabic (Part 3, Appendix B).
ARABIC = {
    "\u0621": "XE", "\u0622": "XAA", "\u0623": "XAE", "\u0624": "U", "\u0625": "I", "\u0626": "XI",
    "\u0627": "A", "\u0628": "B", "\u062a": "T", "\u062b": "XTH", "\u062c": "J", "\u062d": "XH",
    "\u062e": "XKH", "\u062f": "D", "\u0630": "XDH", "\u0631": "R", "\u0632": "Z", "\u0633": "S",
    "\u0634": "XSH", "\u0635": "XSS", "\u0636": "XDZ", "\u0637": "XTT", "\u0638": "XZZ", "\u0639": "E",
    "\u063a": "G", "\u0641": "F", "\u0642": "Q", "\u0643": "K", "\u0644": "L", "\u0645": "M",
    "\u0646": "N", "\u0647": "H", "\u0648": "W", "\u0649": "XAY", "\u064a": "Y", "\u0671": "XXA",
    "\u0679": "XXT", "\u067c": "XRT", "\u067e": "P", "\u0681": "XKE", "\u0685": "XXH", "\u0686": "XC",
    "\u0688": "XXD", "\u0689": "XDR", "\u0691": "XXR", "\u0693": "XRR", "\u0696": "XRX", "\u0698": "XJ",
    "\u069a": "XXS", "\u06a9": "XKK", "\u06ab": "XXK", "\u06ad": "XNG", "\u06af": "XGG", "\u06ba": "XNN",
    "\u06bc": "XXN", "\u06be": "XDO", "\u06c0": "XYH", "\u06c1": "XXG", "\u06c2": "XGE", "\u06c3": "XTG",
    "\u06cc": "XYA", "\u06cd": "XXY", "\u06d0": "Y", "\u06d2": "XYB", "\u06d3": "XBE",
}  # fmt: skip
TEH_MARBUTA = "\u0629"  # XTA, but XAH at the end of a name component (Table C, note 2)
SHADDA = "\u0651"  # doubling: the Latin letters before it are repeated, without the X (EBBAS, FXDZDZXAH)
# Tatweel, the short vowels and sukun, superscript alef: "not encoded" in Table C.
NOT_WRITTEN_ARABIC = frozenset("\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0652\u0670")
# Four letters Table C lists as "not encoded" are letters, not marks: leaving them out would
# change the name, so they are refused like any letter without a row.

# Part 3, 4.6: a comma between components is one filler, like a space or a hyphen. The ideographic
# comma and the katakana middle dot are how a Japanese name written in katakana separates them (ジョン・スミス).
COMPONENT_SEPARATORS = frozenset(",，、・")


class NotWritable(ValueError):
    """A character that no table of Doc 9303 Part 3, section 6 writes and that is not punctuation."""

    def __init__(self, char: str) -> None:
        self.char = char
        self.is_digit = unicodedata.category(char) == "Nd"
        super().__init__(f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, '')}) cannot be written in an MRZ")


def _without_marks(char: str) -> str:
    """The plain letters of a Latin letter with marks (Ș → S, Ǔ → U), or "" for any other character."""
    if not unicodedata.name(char, "").startswith("LATIN"):
        return ""
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base if base and all("A" <= c <= "Z" for c in base) else ""


def _is_separator(char: str) -> bool:
    category = unicodedata.category(char)
    return category == "Zs" or category == "Pd" or char in COMPONENT_SEPARATORS or char in "\t\n\r"


def mrz_name(name: str) -> str:
    """A name's components in MRZ letters, joined by one filler: "Marie-Élise" is MARIE<ELISE, "Щербаков" SHCHERBAKOV.

    NotWritable for a letter no table writes (Greek, Han …) or a digit (Part 3, 4.6); never a
    name with letters left out. An empty result means the text held only punctuation.
    """
    # NFKC: full-width and half-width forms, ligatures and Arabic presentation forms become the
    # letters the tables list; capitals, because the tables list capitals.
    text = unicodedata.normalize("NFKC", name).upper()
    units: list[str] = []  # one per written letter, FILLER between components
    for char in text:
        if "A" <= char <= "Z":
            units.append(char)
        elif char in LATIN:
            units.append(LATIN[char])
        elif char in CYRILLIC:
            units.append(CYRILLIC[char])
        elif char in ARABIC or char == TEH_MARBUTA:
            units.append(ARABIC.get(char, TEH_MARBUTA))
        elif char == SHADDA and units and units[-1] != FILLER:
            units.append(units[-1].removeprefix("X"))
        elif char in NOT_WRITTEN_ARABIC or char in NOT_WRITTEN_CYRILLIC:
            continue
        elif unicodedata.category(char).startswith("M") and units and units[-1] != FILLER:
            continue  # a mark on the letter before it: "without diacritical marks" (4.6)
        elif _is_separator(char):
            units.append(FILLER)
        elif unicodedata.category(char).startswith("P"):
            continue  # apostrophes and other punctuation are left out, with no filler (4.6)
        elif written := _without_marks(char):
            units.append(written)
        else:
            raise NotWritable(char)
    for index, unit in enumerate(units):
        if unit == TEH_MARBUTA:
            last_of_component = index + 1 == len(units) or units[index + 1] == FILLER
            units[index] = "XAH" if last_of_component else "XTA"
    return re.sub(f"{FILLER}+", FILLER, "".join(units)).strip(FILLER)
