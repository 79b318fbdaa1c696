"""Machine readable zones (ICAO Doc 9303): a passport's data page (Part 4, TD3) and a visa sticker (Part 7, MRV-A).

`td3_lines` writes the two 44-character lines from what is printed on the data page, or raises
`CannotWrite` naming the field and saying why (a Greek name, a code no state has); `parse_td3`
reads two lines back into their fields and says, field by field and in plain words, what is wrong
with them. Both follow Doc 9303 Part 3 (characters, check digits, dates, the codes of section 5,
the transliteration tables of section 6 in `consular.transliteration`) and Part 4 section 4.2 (the
TD3 data structure). `mrva_lines` and `parse_mrva` do the same for a format-A machine readable
visa (Part 7, 4.2.2): the same line 1 and first 28 positions of line 2, then 16 characters of
optional data with no check digit. Pure Python: no models, nothing saved.
"""

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from consular import countries, transliteration
from consular.identity.names import kana_to_romaji

LINE_LENGTH = 44
NAME_LENGTH = 39  # positions 6 to 44 of line 1
NUMBER_LENGTH = 9
OPTIONAL_DATA_LENGTH = 14  # positions 29 to 42 of line 2
VISA_OPTIONAL_DATA_LENGTH = 16  # MRV-A: positions 29 to 44 of line 2
FILLER = "<"
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MRZ_CHARACTERS = frozenset(LETTERS + DIGITS + FILLER)
# Doc 9303 Part 3, 4.9: weights 7, 3, 1 repeating; digits count as themselves, A to Z as 10 to 35, < as 0.
CHECK_DIGIT_WEIGHTS = (7, 3, 1)
CHARACTER_VALUES = {char: value for value, char in enumerate(DIGITS + LETTERS)} | {FILLER: 0}

# Part 4, 4.2.2.1 and 4.4: P, then a letter for the type of passport chosen by the state (PD diplomatic,
# PO official …) or < for none.
DOCUMENT_CODE = re.compile(r"P[A-Z<]")
# Part 7, 4.2.2: V, then a letter for the type of visa chosen by the state, or <.
VISA_DOCUMENT_CODE = re.compile(r"V[A-Z<]")
# Part 3, 4.7 and section 5: three letters, or fewer padded with < (Germany is D, written D<<);
# which codes exist is `consular.countries`.
STATE_CODE = re.compile(r"[A-Z]{3}|[A-Z]{2}<|[A-Z]<<")
# Part 3, 4.6: components separated by one filler, the identifiers by two, then only fillers.
NAME = re.compile(r"(?P<primary>[A-Z]+(?:<[A-Z]+)*)(?:<<(?P<secondary>[A-Z]+(?:<[A-Z]+)*))?<*")
NAME_START = 6  # position of the name field in line 1, counted from 1
NUMBER = re.compile(r"[A-Z0-9]{1,9}")
# Part 4, 4.2.2.2 (positions 29 to 42): spaces and special characters in the personal number become <.
OPTIONAL_DATA_SEPARATORS = re.compile(r"[\s!-/:-@\[-`{-~]")
# Part 4, 4.2.2.2 (position 21): F, M, or < where the state does not identify the sex (X on the data page).
SEX_CODES = {"F": "F", "M": "M", "X": FILLER}
UNKNOWN_DATE_PART = FILLER * 2  # Part 3, 4.8: unknown parts of the date of birth are filled with <
EXPIRY_CENTURY = 2000  # a passport issued now expires this century; the MRZ writes only two digits


# ---------------------------------------------------------------------------------------
# Characters, check digits, names
# ---------------------------------------------------------------------------------------


def check_digit(field: str) -> str:
    """The Doc 9303 Part 3 (4.9) check digit of an MRZ field; ValueError for a character the MRZ cannot hold."""
    total = 0
    for position, char in enumerate(field):
        if char not in CHARACTER_VALUES:
            raise ValueError(f"{char!r} cannot appear in an MRZ (only A-Z, 0-9 and <)")
        total += CHARACTER_VALUES[char] * CHECK_DIGIT_WEIGHTS[position % len(CHECK_DIGIT_WEIGHTS)]
    return str(total % 10)


class CannotWrite(ValueError):
    """What the data page holds but an MRZ cannot: the `PassportData` field and a sentence for the clerk."""

    def __init__(self, field: str, message: Promise) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


# One whole sentence per field and problem, so that a translator never assembles a sentence from parts.
NAME_MESSAGES = {
    "surname": {
        "script": _(
            "The surname holds “{character}” ({name}), which ICAO Doc 9303 gives no transliteration for: "
            "the MRZ needs the surname in Latin letters."
        ),
        "digit": _("The surname holds the digit “{character}”; a name in an MRZ has no digits (ICAO 9303 Part 3)."),
        "empty": _("The surname has no letters that can be written in an MRZ."),
    },
    "given_names": {
        "script": _(
            "The given names hold “{character}” ({name}), which ICAO Doc 9303 gives no transliteration for: "
            "the MRZ needs the given names in Latin letters."
        ),
        "digit": _("The given names hold the digit “{character}”; a name in an MRZ has no digits (ICAO 9303 Part 3)."),
        "empty": _("The given names have no letters that can be written in an MRZ."),
    },
}


def transliterate(name: str) -> str:
    """A name in MRZ characters, components joined by <: kana in passport Hepburn, then ICAO Doc 9303's tables.

    Raises `transliteration.NotWritable` for a character no table writes; never leaves one out.
    """
    # Kana is romanised first, as a Japanese passport writes it (Hepburn); Doc 9303 has no table for
    # it. NFKC first, so half-width katakana (ｼﾞｮﾝ) is read as kana too.
    return transliteration.mrz_name(kana_to_romaji(unicodedata.normalize("NFKC", name)))


def _components(name: str, field: str) -> list[str]:
    messages = NAME_MESSAGES[field]
    try:
        text = transliterate(name)
    except transliteration.NotWritable as refusal:
        message = messages["digit"] if refusal.is_digit else messages["script"]
        described = f"U+{ord(refusal.char):04X} {unicodedata.name(refusal.char, '')}".strip()
        raise CannotWrite(field, format_lazy(message, character=refusal.char, name=described)) from refusal
    if not text and name.strip():
        # Something was typed but nothing of it is a letter ("-", "..."): writing no name would hide that.
        raise CannotWrite(field, messages["empty"])
    return text.split(FILLER) if text else []


def _shorten(components: list[str], length: int) -> str:
    """Name components joined by <, shortened to `length` characters that end in a letter.

    Doc 9303 Part 4, 4.2.2.1 ("Truncation of the name") and 4.2.3: characters are removed from name
    components, and a truncated name field ends in a letter, which tells a reader that the name may
    have been truncated. Of the methods 4.2.3 leaves to the issuing state we take characters off the
    end of the last component until only its initial is left, then off the one before it, and so on;
    this gives exactly the examples of 4.2.3.2 (… DEJTHAMRONG<K and … PETCH<CHARONGU). If every
    component is down to its initial and the name is still too long, the last components are left
    out; if that frees one position more than needed, the letter removed last is given back, so that
    the field still ends in a letter rather than a filler (4.2.3.3 a: DINGO POTOROO in 2 places is DI).
    Only a name made wholly of initials can still come out one short: there is no letter to give back.
    """
    kept = list(components)
    removed: list[tuple[int, str]] = []  # (component, letter) in the order they were taken off

    def joined() -> str:
        return FILLER.join(kept)

    while len(joined()) > length:
        longer = [index for index, component in enumerate(kept) if len(component) > 1]
        if longer:
            index = longer[-1]
            removed.append((index, kept[index][-1]))
            kept[index] = kept[index][:-1]
        else:
            kept.pop()
            removed = [(index, letter) for index, letter in removed if index < len(kept)]
    if len(joined()) < length and removed:
        index, letter = removed.pop()
        kept[index] += letter
    return joined()


def name_field(surname: str, given_names: str) -> str:
    """Positions 6 to 44 of line 1: primary identifier, <<, secondary identifier, fillers (Part 4, 4.2.2.1).

    CannotWrite when a name holds a character no transliteration table writes, or no letter at all.
    """
    primary, secondary = _components(surname, "surname"), _components(given_names, "given_names")
    if not primary:
        raise CannotWrite("surname", NAME_MESSAGES["surname"]["empty"])
    if not secondary:
        # Part 4, 4.2.2.1: a name of only a primary identifier is written alone, filled with <, and
        # when too long, shortened until it ends in a letter.
        return _shorten(primary, NAME_LENGTH).ljust(NAME_LENGTH, FILLER)
    full = FILLER.join(primary) + FILLER * 2 + FILLER.join(secondary)
    if len(full) <= NAME_LENGTH:
        return full.ljust(NAME_LENGTH, FILLER)
    # Part 4, 4.2.2.1: the primary identifier is shortened only as far as needed to fit << and the
    # first letter of the secondary identifier; the secondary identifier takes the rest of the field.
    # 4.2.2.1 would allow shortening the primary further to fit more given names (as the examples of
    # 4.2.3.3 do); we keep as much of the surname as fits, since it is what a reader matches first.
    primary_text = FILLER.join(primary)
    room_for_primary = NAME_LENGTH - 3
    if len(primary_text) > room_for_primary:
        primary_text = _shorten(primary, room_for_primary)
    secondary_text = _shorten(secondary, NAME_LENGTH - len(primary_text) - 2)
    return (primary_text + FILLER * 2 + secondary_text).ljust(NAME_LENGTH, FILLER)


# ---------------------------------------------------------------------------------------
# Writing the MRZ
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class HolderData:
    """What a passport's data page or a visa shows of its holder and itself, as the MRZ needs it.

    The date of birth is either `birth_date` or its known parts: `birth_year` with `birth_month` and
    `birth_day` None where unknown (Part 3, 4.8: an unknown part is written <<). Neither means unknown.
    """

    document_code: str
    issuing_state: str  # ICAO three-letter code, e.g. "JPN"; "D" or "D<<" for Germany
    surname: str  # as printed; transliterated here
    given_names: str  # as printed; may be empty
    number: str  # 1 to 9 of A-Z and 0-9
    nationality: str  # ICAO three-letter code
    sex: str  # "F", "M" or "X"
    expiry_date: date
    birth_date: date | None = None
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None

    @property
    def birth_parts(self) -> tuple[int | None, int | None, int | None]:
        """(year, month, day) of birth, None for an unknown part."""
        parts = (self.birth_year, self.birth_month, self.birth_day)
        if self.birth_date is None:
            return parts
        full = (self.birth_date.year, self.birth_date.month, self.birth_date.day)
        if any(part is not None and part != known for part, known in zip(parts, full, strict=True)):
            raise CannotWrite("birth_date", format_lazy(
                _("The date of birth {date} disagrees with its year, month and day."), date=self.birth_date,
            ))  # fmt: skip
        return full


@dataclass(frozen=True, kw_only=True)
class PassportData(HolderData):
    """A passport data page (TD3): `document_code` "P" or "P<" for an ordinary passport, "PD", "PO" … by type."""

    optional_data: str = ""  # personal number, at most 14 characters


@dataclass(frozen=True, kw_only=True)
class VisaData(HolderData):
    """A machine readable visa of format A (MRV-A, Doc 9303 Part 7), the sticker that fills a passport page.

    `document_code` is "V" or "V<", or V and a letter for the type of visa; `number` is the visa's
    number (Part 7 lets the issuing state write its own number there); `expiry_date` is the last day
    the visa may be used ("valid until").
    """

    optional_data: str = ""  # at the issuing state's discretion, at most 16 characters; no check digit


DOCUMENT_CODE_MESSAGES = {
    "P": _("The document code {code} is not a passport's: P, then a letter for the type of passport or nothing."),
    "V": _("The document code {code} is not a visa's: V, then a letter for the type of visa or nothing."),
}


def _document_code(code: str, pattern: re.Pattern, letter: str) -> str:
    written = code.ljust(2, FILLER)
    if not pattern.fullmatch(written):
        raise CannotWrite("document_code", format_lazy(DOCUMENT_CODE_MESSAGES[letter], code=code))
    return written


STATE_CODE_MESSAGES = {
    "issuing_state": {
        "form": _("The issuing state {code} is not an MRZ code: three letters A to Z, or D for Germany."),
        "unknown": _("The issuing state {code} is not a country code: neither ISO 3166-1 nor ICAO Doc 9303 has it."),
        "withdrawn": _("The issuing state {code} is a code ISO 3166 has withdrawn; a new document cannot carry it."),
    },
    "nationality": {
        "form": _("The nationality {code} is not an MRZ code: three letters A to Z, or D for Germany."),
        "unknown": _("The nationality {code} is not a country code: neither ISO 3166-1 nor ICAO Doc 9303 has it."),
        "withdrawn": _("The nationality {code} is a code ISO 3166 has withdrawn; a new document cannot carry it."),
    },
}


def _state_code(code: str, field: str) -> str:
    written = code.ljust(3, FILLER)
    if not STATE_CODE.fullmatch(written):
        problem = "form"
    elif countries.is_mrz_code(written):
        return written
    else:
        problem = "withdrawn" if countries.is_mrz_code(written, reading=True) else "unknown"
    raise CannotWrite(field, format_lazy(STATE_CODE_MESSAGES[field][problem], code=code))


def _date_field(value: date) -> str:
    return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"


def _birth_date_field(year: int | None, month: int | None, day: int | None) -> str:
    # With the year unknown, a leap year: 29 February stays possible.
    longest_month = calendar.monthrange(year or 2000, month)[1] if month and 1 <= month <= 12 else 31
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= longest_month):
        shown = "-".join("??" if part is None else str(part) for part in (year, month, day))
        raise CannotWrite("birth_date", format_lazy(_("The date of birth {date} is not a date."), date=shown))
    parts = [None if year is None else year % 100, month, day]
    return "".join(UNKNOWN_DATE_PART if part is None else f"{part:02d}" for part in parts)


def _optional_data_field(optional_data: str, length: int = OPTIONAL_DATA_LENGTH) -> str:
    written = OPTIONAL_DATA_SEPARATORS.sub(FILLER, optional_data)
    if not set(written) <= MRZ_CHARACTERS:
        raise CannotWrite("optional_data", format_lazy(
            _("The personal number {value} may hold only A to Z, 0 to 9, spaces and punctuation."),
            value=optional_data,
        ))  # fmt: skip
    if len(written) > length:
        raise CannotWrite("optional_data", format_lazy(
            _("The personal number {value} is longer than {limit} characters."),
            value=optional_data, limit=length,
        ))  # fmt: skip
    return written.ljust(length, FILLER)


def _optional_data_check_digit(written: str) -> str:
    # Part 4, 4.2.2.2 (position 43): with no personal number the check digit may be 0 or <; we write <.
    return FILLER if set(written) == {FILLER} else check_digit(written)


def _composite_check_digit(line2: str) -> str:
    # Part 4, 4.2.4: positions 1-10, 14-20 and 22-43 of line 2 (nationality and sex left out).
    return check_digit(line2[0:10] + line2[13:20] + line2[21:43])


def _number_field(number: str) -> str:
    if NUMBER.fullmatch(number):
        return number.ljust(NUMBER_LENGTH, FILLER)
    if re.fullmatch(r"[A-Z0-9]+", number):
        message = _("The document number {number} is longer than 9 characters, which this MRZ does not support.")
    else:
        message = _("The document number {number} must be 1 to 9 of A to Z and 0 to 9.")
    raise CannotWrite("number", format_lazy(message, number=number))


def _holder_fields(data: HolderData, document_code: str) -> tuple[str, str]:
    """Line 1 and positions 1 to 28 of line 2, the same in TD3 (Part 4, 4.2.2) and MRV-A (Part 7, 4.2.2)."""
    issuing_state = _state_code(data.issuing_state, "issuing_state")
    nationality = _state_code(data.nationality, "nationality")
    number = _number_field(data.number)
    if data.sex not in SEX_CODES:
        raise CannotWrite("sex", format_lazy(_("The sex {sex} must be F, M or X."), sex=data.sex))
    if not EXPIRY_CENTURY <= data.expiry_date.year < EXPIRY_CENTURY + 100:
        raise CannotWrite("expiry_date", format_lazy(
            _("The date of expiry {date} is outside the years {first} to {last} that an MRZ can write."),
            date=data.expiry_date, first=EXPIRY_CENTURY, last=EXPIRY_CENTURY + 99,
        ))  # fmt: skip

    line1 = document_code + issuing_state + name_field(data.surname, data.given_names)
    birth = _birth_date_field(*data.birth_parts)
    expiry = _date_field(data.expiry_date)
    line2 = (
        number + check_digit(number) + nationality + birth + check_digit(birth) + SEX_CODES[data.sex]
        + expiry + check_digit(expiry)
    )  # fmt: skip
    return line1, line2


def td3_lines(data: PassportData) -> tuple[str, str]:
    """The two 44-character MRZ lines of a passport data page (Doc 9303 Part 4, 4.2.2).

    CannotWrite, naming the field, for anything an MRZ cannot hold; a name is never shortened to nothing.
    """
    line1, line2 = _holder_fields(data, _document_code(data.document_code, DOCUMENT_CODE, "P"))
    optional = _optional_data_field(data.optional_data)
    line2 += optional + _optional_data_check_digit(optional)
    line2 += _composite_check_digit(line2)
    return line1, line2


def mrva_lines(data: VisaData) -> tuple[str, str]:
    """The two 44-character MRZ lines of a format-A visa sticker (Doc 9303 Part 7, 4.2.2).

    Line 1 is a passport's (document code, issuing state, name); line 2 is a passport's up to the
    check digit of the "valid until" date (position 28), then 16 characters of optional data with
    neither a check digit of their own nor a composite check digit. CannotWrite as for `td3_lines`.
    """
    line1, line2 = _holder_fields(data, _document_code(data.document_code, VISA_DOCUMENT_CODE, "V"))
    line2 += _optional_data_field(data.optional_data, VISA_OPTIONAL_DATA_LENGTH)
    return line1, line2


# ---------------------------------------------------------------------------------------
# Reading the MRZ
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MrzError:
    """One thing wrong with a read MRZ: the field it concerns and a sentence for the clerk."""

    field: str  # "number", "birth_date", "composite", "line_length" …
    message: Promise


@dataclass(frozen=True)
class ParsedMrz:
    """The fields of a TD3 MRZ as read, and what is wrong with them. Empty fields when the lines are unusable."""

    document_code: str = ""  # as written: "P<", "PD" …
    issuing_state: str = ""  # as written, fillers kept: "JPN", "D<<"
    surname: str = ""  # components separated by spaces
    given_names: str = ""
    name_may_be_truncated: bool = False  # Part 4, 4.2.3: a letter in position 44 means it may have been
    number: str = ""  # fillers at the end removed
    number_check_digit: str = ""
    nationality: str = ""
    birth_date: tuple[int | None, int | None, int | None] | None = None  # None for an unknown part
    birth_date_check_digit: str = ""
    sex: str = ""  # "F", "M" or "X" (< in the MRZ)
    expiry_date: date | None = None
    expiry_date_check_digit: str = ""
    optional_data: str = ""  # fillers at the end removed
    optional_data_check_digit: str = ""
    composite_check_digit: str = ""
    errors: list[MrzError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def _check_digit_or_none(field: str) -> str | None:
    """The check digit, or None when the field holds characters already reported as wrong."""
    return check_digit(field) if set(field) <= MRZ_CHARACTERS else None


def _read_birth_date(text: str, today: date) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) from YYMMDD with << for unknown parts; None when it is not a date."""
    parts: list[int | None] = []
    for start in (0, 2, 4):
        part = text[start : start + 2]
        if part == UNKNOWN_DATE_PART:
            parts.append(None)
        elif len(part) == 2 and set(part) <= set(DIGITS):
            parts.append(int(part))
        else:
            return None
    two_digit_year, month, day = parts
    if month is not None and not 1 <= month <= 12:
        return None
    year = None
    if two_digit_year is not None:
        # The MRZ writes two digits of the year: a birth date cannot be in the future, so one that would
        # be is from the century before (Part 3, 4.8 leaves the century to the reader).
        year = 2000 + two_digit_year
        if (year, month or 1, day or 1) > (today.year, today.month, today.day):
            year -= 100
    if day is not None:
        calendar_year = 2000 if year is None else year  # a leap year when the year is unknown
        longest = calendar.monthrange(calendar_year, month)[1] if month is not None else 31
        if not 1 <= day <= longest:
            return None
    return year, month, day


def _read_expiry_date(text: str) -> date | None:
    if not (len(text) == 6 and set(text) <= set(DIGITS)):
        return None
    try:
        return date(EXPIRY_CENTURY + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None


# One whole sentence per field, so that a translator never assembles a sentence from parts.
CHECK_DIGIT_MESSAGES = {
    "number": _("The check digit of the document number is {given} but the number gives {computed}."),
    "birth_date": _("The check digit of the date of birth is {given} but the date gives {computed}."),
    "expiry_date": _("The check digit of the date of expiry is {given} but the date gives {computed}."),
    "optional_data": _("The check digit of the personal number is {given} but the number gives {computed}."),
    "composite": _(
        "The composite check digit (the last character) is {given} but the data it covers gives {computed}."
    ),
}


def _check_digit_errors(checks: list[tuple[str, str, str | None]]) -> list[MrzError]:
    """Errors for (field, check digit as written, check digit computed) where they differ."""
    return [
        MrzError(field, format_lazy(CHECK_DIGIT_MESSAGES[field], given=given, computed=computed))
        for field, given, computed in checks
        if computed is not None and given != computed
    ]


def _read_names(name: str) -> tuple[str, str, list[MrzError]]:
    found = NAME.match(name)
    if found is None:
        primary, _separator, secondary = name.rstrip(FILLER).partition(FILLER * 2)
        shape = MrzError("name", _("The name must start with the surname and hold only letters and <."))
        return _spaced(primary), _spaced(secondary), [shape]
    primary, secondary = found["primary"], found["secondary"] or ""
    rest = name[found.end() :]
    if not rest:
        return _spaced(primary), _spaced(secondary), []
    if rest[0] in LETTERS:
        # Part 3, 4.6 and Part 4, 4.2.2.1: after the name only fillers; a letter there is another name
        # component no reader would take for one, or something written over the filler.
        message = format_lazy(
            _("The name has letters after the fillers that end it, from position {position} of line 1."),
            position=NAME_START + found.end(),
        )
    else:
        message = _("The name must start with the surname and hold only letters and <.")
    return _spaced(primary), _spaced(secondary), [MrzError("name", message)]


def _spaced(identifier: str) -> str:
    return " ".join(part for part in identifier.split(FILLER) if part)


def _code_errors(field: str, code: str) -> list[MrzError]:
    """Whether `code` as read is one a state or organisation uses (Part 3, section 5)."""
    if not STATE_CODE.fullmatch(code):
        message = READ_CODE_MESSAGES[field]
    elif countries.is_mrz_code(code, reading=True):
        return []
    else:
        message = STATE_CODE_MESSAGES[field]["unknown"]
    return [MrzError(field, format_lazy(message, code=code))]


READ_CODE_MESSAGES = {
    "issuing_state": _("The issuing state {code} is not a three-letter country code."),
    "nationality": _("The nationality {code} is not a three-letter country code."),
}


@dataclass(frozen=True)
class _Format:
    """What differs between reading a passport's MRZ and a visa's: the document code and the messages."""

    document_code: re.Pattern
    line_count: Promise
    line_length: Promise
    wrong_document_code: Promise
    passport: bool  # TD3: positions 29 to 44 are the personal number, its check digit and the composite one


TD3 = _Format(
    DOCUMENT_CODE,
    _("A passport MRZ has 2 lines; this text has {count}."),
    _("Line {line} has {length} characters; each line of a passport MRZ has exactly 44."),
    _("The document code is {code}; a passport's is P followed by a letter or <."),
    passport=True,
)
MRV_A = _Format(
    VISA_DOCUMENT_CODE,
    _("A visa MRZ (format A) has 2 lines; this text has {count}."),
    _("Line {line} has {length} characters; each line of a visa MRZ (format A) has exactly 44."),
    _("The document code is {code}; a visa's is V followed by a letter or <."),
    passport=False,
)


def parse_td3(text: str, *, today: date | None = None) -> ParsedMrz:
    """Read a passport MRZ (two lines of 44); never raises: every problem is an `MrzError` in `errors`.

    `today` decides the century of the year of birth (default: the current date).
    """
    return _parse(text, TD3, today or date.today())


def parse_mrva(text: str, *, today: date | None = None) -> ParsedMrz:
    """Read a format-A visa's MRZ (two lines of 44) as `parse_td3` reads a passport's.

    Positions 29 to 44 of line 2 are optional data without a check digit: `optional_data_check_digit`
    and `composite_check_digit` stay empty.
    """
    return _parse(text, MRV_A, today or date.today())


def _parse(text: str, form: _Format, today: date) -> ParsedMrz:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) != 2:
        return ParsedMrz(errors=[MrzError("line_count", format_lazy(form.line_count, count=len(lines)))])
    wrong_lengths = [
        MrzError("line_length", format_lazy(form.line_length, line=number, length=len(line)))
        for number, line in enumerate(lines, start=1)
        if len(line) != LINE_LENGTH
    ]
    if wrong_lengths:
        return ParsedMrz(errors=wrong_lengths)

    line1, line2 = lines
    errors: list[MrzError] = []
    wrong_characters = sorted(set(line1 + line2) - MRZ_CHARACTERS)
    if wrong_characters:
        errors.append(MrzError("characters", format_lazy(
            _("An MRZ holds only capital letters A to Z, digits 0 to 9 and <; this one also has {characters}."),
            characters=" ".join(wrong_characters),
        )))  # fmt: skip

    document_code, issuing_state, name = line1[0:2], line1[2:5], line1[5:44]
    number_field, number_check = line2[0:9], line2[9]
    nationality = line2[10:13]
    birth_field, birth_check = line2[13:19], line2[19]
    sex = line2[20]
    expiry_field, expiry_check = line2[21:27], line2[27]
    if form.passport:
        optional_field, optional_check, composite_check = line2[28:42], line2[42], line2[43]
    else:
        optional_field, optional_check, composite_check = line2[28:44], "", ""

    if not form.document_code.fullmatch(document_code):
        errors.append(MrzError("document_code", format_lazy(form.wrong_document_code, code=document_code)))
    errors += _code_errors("issuing_state", issuing_state)
    errors += _code_errors("nationality", nationality)
    surname, given_names, name_errors = _read_names(name)
    errors += name_errors

    birth_date = _read_birth_date(birth_field, today)
    if birth_date is None:
        errors.append(MrzError("birth_date", format_lazy(
            _("The date of birth {text} is not a date (YYMMDD, with << for an unknown part)."), text=birth_field,
        )))  # fmt: skip
    if sex not in "FM<":
        errors.append(MrzError("sex", format_lazy(_("The sex is {sex}; it must be F, M or <."), sex=sex)))
    expiry_date = _read_expiry_date(expiry_field)
    if expiry_date is None:
        errors.append(MrzError("expiry_date", format_lazy(
            _("The date of expiry {text} is not a date (YYMMDD)."), text=expiry_field,
        )))  # fmt: skip

    checks = [
        ("number", number_check, _check_digit_or_none(number_field)),
        ("birth_date", birth_check, _check_digit_or_none(birth_field)),
        ("expiry_date", expiry_check, _check_digit_or_none(expiry_field)),
    ]
    if form.passport:
        if set(optional_field) != {FILLER}:
            checks.append(("optional_data", optional_check, _check_digit_or_none(optional_field)))
        elif optional_check not in (FILLER, "0"):
            # Part 4, 4.2.2.2 (position 43): an unused personal number field has 0 or < as its check digit.
            errors.append(MrzError("optional_data", format_lazy(
                _("The personal number is empty, so its check digit must be < or 0, not {given}."),
                given=optional_check,
            )))  # fmt: skip
        # Part 4, 4.2.4: positions 1-10, 14-20 and 22-43 of line 2.
        checks.append(("composite", composite_check, _check_digit_or_none(line2[0:10] + line2[13:20] + line2[21:43])))
    errors += _check_digit_errors(checks)

    return ParsedMrz(
        document_code=document_code,
        issuing_state=issuing_state,
        surname=surname,
        given_names=given_names,
        name_may_be_truncated=name[-1] != FILLER,
        number=number_field.rstrip(FILLER),
        number_check_digit=number_check,
        nationality=nationality,
        birth_date=birth_date,
        birth_date_check_digit=birth_check,
        sex="X" if sex == FILLER else sex,
        expiry_date=expiry_date,
        expiry_date_check_digit=expiry_check,
        optional_data=optional_field.rstrip(FILLER),
        optional_data_check_digit=optional_check,
        composite_check_digit=composite_check,
        errors=errors,
    )
