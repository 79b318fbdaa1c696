"""Country codes: which three-letter codes name a state, a nationality or an issuing authority.

A ground module: it imports no app of the project, so every app may use it. ISO 3166-1 alpha-3
comes from `pycountry` (Debian's iso-codes data, kept current with the ISO 3166 maintenance
agency); ICAO Doc 9303 Part 3, section 5 adds the codes a travel document uses that ISO 3166-1 does
not have: British nationality categories, Germany's one-letter D, Kosovo, the EU and UN, other
issuing organisations, persons without a defined nationality, two withdrawn codes, and the
specimen state Utopia.
"""

from enum import StrEnum

import pycountry

ISO_3166_ALPHA3 = frozenset(country.alpha_3 for country in pycountry.countries)


class Kind(StrEnum):
    """Why Doc 9303 Part 3, section 5 lists a code, which decides where it may be used."""

    NATIONALITY = "nationality"  # Part A: a state or nationality category ISO 3166-1 does not code
    ORGANISATION = "organisation"  # Parts B, C, D: an organisation that issues travel documents
    NO_NATIONALITY = "no_nationality"  # Part E: stateless, refugee, unspecified
    WITHDRAWN = "withdrawn"  # Part F: deprecated in ISO 3166, "for backward compatibility"
    SPECIMEN = "specimen"  # Part G: specimen documents only


# ICAO Doc 9303 Part 3 (8th edition, 2021), section 5, Parts A to G, as printed there. Part H's IAO
# is left out: ICAO uses it only to sign a master list, never in a travel document.
DOC_9303_CODES: dict[str, tuple[Kind, str]] = {
    "GBD": (Kind.NATIONALITY, "British Overseas Territories Citizen"),
    "GBN": (Kind.NATIONALITY, "British National (Overseas)"),
    "GBO": (Kind.NATIONALITY, "British Overseas Citizen"),
    "GBP": (Kind.NATIONALITY, "British Protected Person"),
    "GBS": (Kind.NATIONALITY, "British Subject"),
    "D": (Kind.NATIONALITY, "Germany"),  # the MRZ writes D<<; our records use ISO's DEU
    "RKS": (Kind.NATIONALITY, "Kosovo"),
    "EUE": (Kind.ORGANISATION, "European Union"),
    "UNO": (Kind.ORGANISATION, "United Nations Organization or one of its officials"),
    "UNA": (Kind.ORGANISATION, "United Nations specialized agency or one of its officials"),
    "UNK": (Kind.ORGANISATION, "Resident of Kosovo with a travel document issued by UNMIK"),
    "XBA": (Kind.ORGANISATION, "African Development Bank"),
    "XIM": (Kind.ORGANISATION, "African Export-Import Bank"),
    "XCC": (Kind.ORGANISATION, "Caribbean Community or one of its emissaries"),
    "XCE": (Kind.ORGANISATION, "Council of Europe"),
    "XCO": (Kind.ORGANISATION, "Common Market for Eastern and Southern Africa"),
    "XEC": (Kind.ORGANISATION, "Economic Community of West African States"),
    "XPO": (Kind.ORGANISATION, "International Criminal Police Organization (INTERPOL)"),
    "XES": (Kind.ORGANISATION, "Organization of Eastern Caribbean States"),
    "XMP": (Kind.ORGANISATION, "Parliamentary Assembly of the Mediterranean"),
    "XOM": (Kind.ORGANISATION, "Sovereign Military Order of Malta or one of its emissaries"),
    "XDC": (Kind.ORGANISATION, "Southern African Development Community"),
    "XXA": (Kind.NO_NATIONALITY, "Stateless person (1954 Convention)"),
    "XXB": (Kind.NO_NATIONALITY, "Refugee (1951 Convention and 1967 Protocol)"),
    "XXC": (Kind.NO_NATIONALITY, "Refugee, other"),
    "XXX": (Kind.NO_NATIONALITY, "Person of unspecified nationality"),
    "ANT": (Kind.WITHDRAWN, "Netherlands Antilles"),
    "NTZ": (Kind.WITHDRAWN, "Neutral Zone"),
    "UTO": (Kind.SPECIMEN, "Utopia"),
}

# What a record of ours (a nationality, a document's issuing state, an office's country) may hold:
# three letters, so Germany is DEU, and only codes in use for real persons and documents.
RECORD_CODES = ISO_3166_ALPHA3 | {
    code
    for code, (kind, _entity) in DOC_9303_CODES.items()
    if len(code) == 3 and kind in (Kind.NATIONALITY, Kind.ORGANISATION, Kind.NO_NATIONALITY)
}
# What an MRZ may be written with: the record codes, D, and Utopia for specimens.
MRZ_WRITE_CODES = RECORD_CODES | {
    code for code, (kind, _entity) in DOC_9303_CODES.items() if kind in (Kind.NATIONALITY, Kind.SPECIMEN)
}
# What an MRZ read back may hold: also the withdrawn codes of documents issued before ISO dropped them.
MRZ_READ_CODES = MRZ_WRITE_CODES | {code for code, (kind, _entity) in DOC_9303_CODES.items() if kind == Kind.WITHDRAWN}


def is_record_code(code: str) -> bool:
    """A nationality, issuing state or country we may record: ISO 3166-1 alpha-3 or a Doc 9303 three-letter code."""
    return code in RECORD_CODES


def mrz_code(written: str) -> str:
    """The code an MRZ field holds, fillers removed: "D<<" → "D"."""
    return written.rstrip("<")


def is_mrz_code(written: str, *, reading: bool = False) -> bool:
    """An issuing state or nationality an MRZ may hold, with or without its fillers ("D", "D<<", "JPN").

    Reading accepts the two codes ISO 3166 withdrew, which documents issued before then still carry;
    writing does not.
    """
    return mrz_code(written) in (MRZ_READ_CODES if reading else MRZ_WRITE_CODES)
