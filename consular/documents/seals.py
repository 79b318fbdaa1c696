"""Visible digital seals (ICAO Doc 9303 Part 13): a signed bar code anyone can check offline.

A seal is three zones of bytes, read left to right (big-endian):

Header, 18 bytes for our signers (Part 13, version 4):

    offset  bytes  field
    0       1      magic constant 0xDC
    1       1      version: 0x03 stands for version 4
    2       2      issuing state, 3 characters in C40 ("JPN"; "D<<" is written "D  ")
    4       6      signer and certificate reference in C40, 8 characters: the signer's identifier
                   (2 letters of the country, 2 of the signer, e.g. "JPVS"), the length of the
                   certificate reference as 2 hex digits ("02"), the reference itself (the signer
                   certificate's serial number in upper-case hex, e.g. "1A")
    10      3      date the document was issued: the integer MMDDYYYY in 3 bytes
                   (1 January 2020 is 01012020 = 0x0F7134)
    13      3      date the seal was signed, the same way
    16      1      document feature definition reference (0x5D for a visa)
    17      1      document type category (0x01 for a visa)

(A longer certificate reference makes the C40 field longer: 4 + 2 + n characters, padded.)

Message zone: features, each tag (1 byte) | length (DER: one byte below 0x80, else 0x81 nn or
0x82 nn nn) | value. A visa (feature definition 0x5D) carries:

    tag   length    value
    0x01  48        the MRZ of an MRV-A visa in C40: line 1 (44 characters) and the first 28 of
                    line 2 (up to the check digit of "valid until"), 72 characters; < is written
                    as a space and read back as <
    0x02  44        the MRZ of an MRV-B visa in C40: line 1 (36) and the first 28 of line 2
    0x03  1         number of entries; 0 means multiple
    0x04  3         duration of stay: days, months, years (one byte each)
    0x05  6         number of the passport the visa is placed in, 9 characters in C40
    0x06  1 to 4    type of visa, binary, at the issuing state's discretion
    0x07  0 to 254  additional feature, C40

Signature zone: 0xFF | length (DER) | the ECDSA signature over header and message zone, as the
two integers r and s, each 32 bytes for P-256 with SHA-256 (64 bytes, length 0x40).

C40 (Part 13, after ISO/IEC 16022): characters take values (space 3, 0-9 4-13, A-Z 14-39); each
three become the 16-bit integer 1600·U1 + 40·U2 + U3 + 1, written in two bytes. Two left over
are completed with a 0 (shift 1); one left over is written 0xFE and its ASCII code plus 1.

The byte layout was checked against the worked examples of BSI TR-03137 Part 1 (Annexes C, E
and F), which follow Part 13: `tests/documents/test_seals.py` rebuilds their bytes exactly.
Pure Python: signing and key files are `consular.documents.signing`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

MAGIC = 0xDC
VERSION_4 = 0x03
SIGNATURE_MARKER = 0xFF

VISA_FEATURES = 0x5D
VISA_DOCUMENT_TYPE = 0x01
MRZ_MRV_A, MRZ_MRV_B, ENTRIES, DURATION_OF_STAY, PASSPORT_NUMBER, VISA_TYPE, ADDITIONAL = range(1, 8)
MULTIPLE_ENTRIES = 0
MRV_A_LINE_LENGTH = 44
MRV_SECOND_LINE_IN_SEAL = 28  # line 2 up to the check digit of "valid until"

C40_VALUES = {" ": 3} | {char: 4 + n for n, char in enumerate("0123456789")}
C40_VALUES |= {char: 14 + n for n, char in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
C40_CHARACTERS = {value: char for char, value in C40_VALUES.items()}
C40_SINGLE = 0xFE  # one character left over: 0xFE, then its ASCII code plus 1
C40_SHIFT_1 = 0  # completes a triple of which only two characters are left


class SealError(ValueError):
    """Bytes that are not a seal we can read: what is wrong, said plainly (never raised for a bad signature)."""


# ---------------------------------------------------------------------------------------
# C40, dates and lengths
# ---------------------------------------------------------------------------------------


def c40_encode(text: str) -> bytes:
    """Upper-case letters, digits, space and < (written as a space) in C40; an even number of bytes."""
    text = text.replace("<", " ")
    unknown = sorted(set(text) - set(C40_VALUES))
    if unknown:
        raise SealError(f"C40 holds only A-Z, 0-9, space and <, not {' '.join(map(repr, unknown))}.")
    out = bytearray()
    for start in range(0, len(text), 3):
        chunk = text[start : start + 3]
        if len(chunk) == 1:
            out += bytes([C40_SINGLE, ord(chunk) + 1])
            break
        values = [C40_VALUES[char] for char in chunk] + [C40_SHIFT_1] * (3 - len(chunk))
        u1, u2, u3 = values
        out += (1600 * u1 + 40 * u2 + u3 + 1).to_bytes(2, "big")
    return bytes(out)


def c40_decode(data: bytes) -> str:
    """The characters of C40 bytes (spaces stay spaces; an MRZ turns them back into <)."""
    chars: list[str] = []
    for start in range(0, len(data), 2):
        pair = data[start : start + 2]
        if len(pair) != 2:
            raise SealError("C40 comes in pairs of bytes; this field has an odd number.")
        if pair[0] == C40_SINGLE:
            chars.append(chr(pair[1] - 1))
            continue
        value = int.from_bytes(pair, "big") - 1
        for part in (value // 1600, value // 40 % 40, value % 40):
            if part == C40_SHIFT_1:
                continue
            if part not in C40_CHARACTERS:
                raise SealError(f"The C40 bytes {pair.hex()} hold a value ({part}) that is no character.")
            chars.append(C40_CHARACTERS[part])
    return "".join(chars)


def encode_date(day: date) -> bytes:
    """MMDDYYYY as an integer in three bytes (Part 13)."""
    return int(f"{day.month:02d}{day.day:02d}{day.year:04d}").to_bytes(3, "big")


def decode_date(data: bytes) -> date:
    digits = f"{int.from_bytes(data, 'big'):08d}"
    try:
        return date(int(digits[4:]), int(digits[0:2]), int(digits[2:4]))
    except ValueError as not_a_date:
        raise SealError(f"The date bytes {data.hex()} are not a date.") from not_a_date


def encode_length(length: int) -> bytes:
    """A DER length: one byte below 0x80, else 0x81 or 0x82 and the length in one or two bytes."""
    if length < 0x80:
        return bytes([length])
    if length < 0x100:
        return bytes([0x81, length])
    if length < 0x10000:
        return bytes([0x82]) + length.to_bytes(2, "big")
    raise SealError("A feature of 64 KB or more does not fit in a seal.")


def _read_length(data: bytes, position: int) -> tuple[int, int]:
    if position >= len(data):
        raise SealError("The seal ends where a length should be.")
    first = data[position]
    if first < 0x80:
        return first, position + 1
    size = first - 0x80
    if size not in (1, 2) or position + 1 + size > len(data):
        raise SealError(f"The length byte 0x{first:02x} at offset {position} is not one this reader knows.")
    return int.from_bytes(data[position + 1 : position + 1 + size], "big"), position + 1 + size


# ---------------------------------------------------------------------------------------
# Header, features, seal
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Header:
    issuing_state: str  # "JPN"
    signer: str  # 4 characters: 2 letters of the country and 2 of the signer, e.g. "JPVS"
    certificate_reference: str  # the signer certificate's serial number, upper-case hex
    issued_on: date
    signed_on: date
    feature_definition: int = VISA_FEATURES
    document_type: int = VISA_DOCUMENT_TYPE

    def encode(self) -> bytes:
        if len(self.signer) != 4:
            raise SealError("The signer identifier is 4 characters: the country's 2 letters and the signer's 2.")
        reference = self.certificate_reference
        if len(reference) > 0xFF:
            raise SealError("The certificate reference is longer than 255 characters.")
        signer_field = f"{self.signer}{len(reference):02X}{reference}"
        return (
            bytes([MAGIC, VERSION_4])
            + c40_encode(self.issuing_state.ljust(3, "<"))
            + c40_encode(signer_field)
            + encode_date(self.issued_on)
            + encode_date(self.signed_on)
            + bytes([self.feature_definition, self.document_type])
        )


@dataclass(frozen=True)
class Seal:
    """A seal as read: its header, its features by tag, and what its signature covers."""

    header: Header
    features: dict[int, bytes]
    signed: bytes  # header and message zone: the bytes the signature covers
    signature: bytes  # r and s, each half


def encode_features(features: list[tuple[int, bytes]]) -> bytes:
    zone = bytearray()
    for tag, value in features:
        if not 0 <= tag < SIGNATURE_MARKER:
            raise SealError(f"A feature tag is 0 to 254; {tag} is not.")
        zone += bytes([tag]) + encode_length(len(value)) + value
    return bytes(zone)


def seal(header: Header, features: list[tuple[int, bytes]], sign: Callable[[bytes], bytes]) -> bytes:
    """Header, message zone and the signature `sign` makes of both (r and s, concatenated)."""
    if not features:
        raise SealError("A seal carries at least one feature.")
    signed = header.encode() + encode_features(features)
    signature = sign(signed)
    return signed + bytes([SIGNATURE_MARKER]) + encode_length(len(signature)) + signature


def _read_header(data: bytes) -> tuple[Header, int]:
    if len(data) < 18:
        raise SealError("Too short for a seal: the header alone is 18 bytes.")
    if data[0] != MAGIC:
        raise SealError(f"A seal starts with 0xDC; this starts with 0x{data[0]:02x}.")
    if data[1] != VERSION_4:
        raise SealError(f"Only version 4 seals (0x03) are read here; this is 0x{data[1]:02x}.")
    issuing_state = c40_decode(data[2:4]).replace(" ", "<")
    # The signer and the reference's length come first: 6 characters, 4 bytes of C40.
    start = c40_decode(data[4:8])
    signer, length_hex = start[:4], start[4:6]
    try:
        reference_length = int(length_hex, 16)
    except ValueError as not_hex:
        raise SealError("The length of the certificate reference is not two hex digits.") from not_hex
    characters = 6 + reference_length
    field_bytes = 2 * ((characters + 2) // 3)  # pairs of bytes per triple; a final single is one pair too
    end = 4 + field_bytes
    if len(data) < end + 8:
        raise SealError("The seal ends inside its header.")
    signer_field = c40_decode(data[4:end])
    header = Header(
        issuing_state=issuing_state,
        signer=signer,
        certificate_reference=signer_field[6 : 6 + reference_length],
        issued_on=decode_date(data[end : end + 3]),
        signed_on=decode_date(data[end + 3 : end + 6]),
        feature_definition=data[end + 6],
        document_type=data[end + 7],
    )
    return header, end + 8


def read_seal(data: bytes) -> Seal:
    """The zones of a seal; SealError if the bytes are not one. Says nothing yet of the signature."""
    header, position = _read_header(data)
    features: dict[int, bytes] = {}
    while position < len(data) and data[position] != SIGNATURE_MARKER:
        tag = data[position]
        length, position = _read_length(data, position + 1)
        if position + length > len(data):
            raise SealError(f"Feature 0x{tag:02x} runs past the end of the seal.")
        if tag in features:
            raise SealError(f"Feature 0x{tag:02x} appears twice.")
        features[tag] = data[position : position + length]
        position += length
    if position >= len(data):
        raise SealError("The seal has no signature.")
    if not features:
        raise SealError("The seal carries no feature.")
    signed = data[:position]
    length, position = _read_length(data, position + 1)
    signature = data[position : position + length]
    if len(signature) != length or position + length != len(data):
        raise SealError("The signature's length does not match the bytes after it.")
    return Seal(header=header, features=features, signed=signed, signature=signature)


# ---------------------------------------------------------------------------------------
# The visa profile
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VisaFeatures:
    """What a visa's seal carries (feature definition 0x5D)."""

    mrz: tuple[str, str]  # the two MRV-A lines of the sticker
    passport_number: str  # of the passport the visa is for (1 to 9 of A-Z, 0-9)
    entries: int = 1  # MULTIPLE_ENTRIES for multiple
    stay_days: int = 0
    stay_months: int = 0
    stay_years: int = 0
    visa_type: bytes = b""
    additional: str = ""

    def encode(self) -> list[tuple[int, bytes]]:
        line1, line2 = self.mrz
        if len(line1) != MRV_A_LINE_LENGTH or len(line2) != MRV_A_LINE_LENGTH:
            raise SealError("An MRV-A MRZ is two lines of 44 characters.")
        if not 0 <= self.entries <= 0xFF or not all(0 <= n <= 0xFF for n in self.stay):
            raise SealError("Entries and each part of the stay are 0 to 255.")
        if not 1 <= len(self.passport_number) <= 9:
            raise SealError("The passport number is 1 to 9 characters.")
        features = [
            (MRZ_MRV_A, c40_encode(line1 + line2[:MRV_SECOND_LINE_IN_SEAL])),
            (ENTRIES, bytes([self.entries])),
            (DURATION_OF_STAY, bytes(self.stay)),
            (PASSPORT_NUMBER, c40_encode(self.passport_number.ljust(9, "<"))),
        ]
        if self.visa_type:
            if len(self.visa_type) > 4:
                raise SealError("The type of visa is 1 to 4 bytes.")
            features.append((VISA_TYPE, self.visa_type))
        if self.additional:
            features.append((ADDITIONAL, c40_encode(self.additional)))
        return features

    @property
    def stay(self) -> tuple[int, int, int]:
        return self.stay_days, self.stay_months, self.stay_years

    @property
    def mrz_in_seal(self) -> str:
        """The 72 characters the seal holds of the MRZ (line 1 and line 2 up to position 28)."""
        return self.mrz[0] + self.mrz[1][:MRV_SECOND_LINE_IN_SEAL]


@dataclass(frozen=True, kw_only=True)
class ReadVisa:
    """A visa as its seal states it: compare with the sticker or the grant notice it is printed on."""

    mrz: str  # 72 characters: line 1, then line 2 up to position 28
    passport_number: str
    entries: int | None
    stay: tuple[int, int, int] | None
    visa_type: bytes
    additional: str

    @property
    def mrz_lines(self) -> tuple[str, str]:
        """Line 1 and the first 28 characters of line 2 (the seal leaves out the optional data)."""
        return self.mrz[:MRV_A_LINE_LENGTH], self.mrz[MRV_A_LINE_LENGTH:]


def read_visa(read: Seal) -> ReadVisa:
    """The visa features of a seal; SealError if it is not a visa's or lacks the MRZ or passport number."""
    if read.header.feature_definition != VISA_FEATURES:
        raise SealError(f"This seal is not a visa's (feature definition 0x{read.header.feature_definition:02x}).")
    features = read.features
    if MRZ_MRV_A not in features or PASSPORT_NUMBER not in features:
        raise SealError("A visa's seal carries its MRZ and the passport number; this one lacks one of them.")
    mrz = c40_decode(features[MRZ_MRV_A]).replace(" ", "<")
    if len(mrz) != MRV_A_LINE_LENGTH + MRV_SECOND_LINE_IN_SEAL:
        raise SealError("The MRZ in this seal is not an MRV-A's (72 characters).")
    entries = features.get(ENTRIES)
    stay = features.get(DURATION_OF_STAY)
    return ReadVisa(
        mrz=mrz,
        passport_number=c40_decode(features[PASSPORT_NUMBER]).replace(" ", "<").rstrip("<"),
        entries=entries[0] if entries is not None and len(entries) == 1 else None,
        stay=tuple(stay) if stay is not None and len(stay) == 3 else None,
        visa_type=features.get(VISA_TYPE, b""),
        additional=c40_decode(features[ADDITIONAL]) if ADDITIONAL in features else "",
    )
