"""Country names as watchlists publish them → ISO 3166-1 alpha-3 (what our records and the MRZ hold).

The UN writes nationalities and issuing states as names: its own spellings ("Iran (Islamic
Republic of)"), adjectives ("Pakistani"), and notes ("Indonesia (as at Dec. 2003)"). A name is
looked up in `UN_SPELLINGS`, then among pycountry's names, official and common names (a name or
an alpha-2/alpha-3 code, case-insensitive), then again without a trailing "(…)" note. What still
does not resolve is kept as published and reported by the import, never dropped.
"""

import re

import pycountry

from consular import countries
from consular.screening.records import single_spaced

# The UN spellings, adjectives and notes of the 2018 Consolidated List that pycountry does not
# resolve, decided one by one. A value may give two codes; an empty tuple means "deliberately no
# code": the text is kept on the entry, but no state can honestly be named for it.
UN_SPELLINGS: dict[str, tuple[str, ...]] = {
    "afghan": ("AFG",),
    "algerian": ("DZA",),
    "german": ("DEU",),
    "kuwaiti": ("KWT",),
    "moroccan": ("MAR",),
    "pakistani": ("PAK",),
    "saudi arabian": ("SAU",),
    "somali": ("SOM",),
    "tunisian": ("TUN",),
    "yemeni": ("YEM",),
    "palestinian": ("PSE",),
    "palestinian territories": ("PSE",),
    "state of palestine": ("PSE",),
    "democratic republic of the congo": ("COD",),
    "iran (islamic republic of)": ("IRN",),
    "iran / unknown": ("IRN",),
    "libyan arab jamahiriya": ("LBY",),  # Libya's name until 2011
    "rpdc": ("PRK",),  # French: République populaire démocratique de Corée
    "turkey": ("TUR",),  # ISO 3166-1 has named it Türkiye since 2022
    "sudan/south sudan": ("SDN", "SSD"),
    "sudan/or south sudan": ("SDN", "SSD"),
    "sudanese by birth": ("SDN",),
    "possibly ethiopian": ("ETH",),  # screening weighs a nationality; a possible one is still worth matching
    "tunisian passport": ("TUN",),
    "indonesian passport": ("IDN",),
    "united states. also believed to hold syrian nationality": ("USA", "SYR"),
    # Former nationalities: the person no longer holds it, so recording it as a nationality would be wrong.
    "kuwaiti citizenship withdrawn in 2002": (),
    "bahrain (citizenship revoked in jan. 2015)": (),
    "ussr (until 1991)": (),  # no single successor state can be named
    "na": (),  # "not applicable"
}

_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*\Z")


def _pycountry_code(name: str) -> str | None:
    folded = name.casefold()
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            if getattr(country, attribute, "").casefold() == folded:
                return country.alpha_3
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


_cache: dict[str, tuple[str, ...] | None] = {}


def country_codes(published: str) -> tuple[str, ...] | None:
    """The alpha-3 codes a published country name stands for; () when deliberately none; None when unknown."""
    name = single_spaced(published)
    if not name:
        return ()
    if name not in _cache:
        _cache[name] = _resolve(name)
    return _cache[name]


def _resolve(name: str) -> tuple[str, ...] | None:
    candidates = [name]
    without_note = _TRAILING_NOTE.sub("", name)
    if without_note and without_note != name:
        candidates.append(without_note)  # "Bahrain (citizenship revoked in Jan. 2015)" → Bahrain
    for candidate in candidates:
        if candidate.casefold() in UN_SPELLINGS:
            return UN_SPELLINGS[candidate.casefold()]
        code = _pycountry_code(candidate)
        if code is not None and countries.is_record_code(code):
            return (code,)
    return None


class CountryResolver:
    """Country names of one file to codes, remembering the names that resolve to none (for the import's report)."""

    def __init__(self) -> None:
        self.unresolved: set[str] = set()

    def codes(self, published: str) -> tuple[str, ...]:
        codes = country_codes(published)
        if codes is None:
            self.unresolved.add(published)
            return ()
        return codes

    def one(self, published: str) -> str:
        """The one code a name stands for; "" for none or several."""
        codes = self.codes(published)
        return codes[0] if len(codes) == 1 else ""
