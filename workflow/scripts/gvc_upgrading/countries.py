"""Country codes of every source mapped to ISO3.

BACI (and Comtrade) use CEPII/UN numeric codes that are not always ISO numeric (842 USA,
251 France, 699 India, 757 Switzerland, 579 Norway); each BACI release ships its own code list,
which is the key for that release. UNIDO uses UN M49 numeric codes, which coincide with ISO 3166
numeric codes for countries and are looked up in pycountry. ILOSTAT and WDI use ISO3 already;
WDI's regional and income aggregates are recognised from its country metadata file.
A code that no key knows is an error naming the code, the source and the file.
"""

from __future__ import annotations

import pandas as pd
import pycountry

from .errors import InputError

# Conventions that a code list alone does not settle: BACI's "Other Asia, nes" is Taiwan.
BACI_OVERRIDES = {"490": "TWN"}
# Codes outside ISO 3166 that a source uses for a country: ILOSTAT writes Kosovo as KOS;
# it maps to XKX, the code the World Bank uses, so that labour and prices join.
ISO3_OVERRIDES = {"ilostat": {"KOS": "XKX"}}


def baci_crosswalk(country_codes: pd.DataFrame) -> dict[str, str]:
    """Map BACI numeric codes (as strings) to ISO3 from a release's country code list."""
    mapping = dict(zip(country_codes["country_code"], country_codes["iso3"], strict=True))
    mapping.update(BACI_OVERRIDES)
    return {code: iso3 for code, iso3 in mapping.items() if isinstance(iso3, str) and len(iso3) == 3}


def map_codes(codes: pd.Series, mapping: dict[str, str], *, source: str, path) -> pd.Series:
    """Map ``codes`` through ``mapping``; an unknown code raises an error naming it."""
    mapped = codes.map(mapping)
    unknown = sorted(set(codes[mapped.isna()].dropna().astype(str)))
    if unknown:
        shown = ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        raise InputError(
            path,
            f"{source} country code(s) {shown} not in the crosswalk "
            "(expected a code listed in the source's country code table)",
            key="country",
        )
    return mapped.astype("string")


def m49_to_iso3(codes: pd.Series, *, source: str, path) -> pd.Series:
    """Map UN M49 numeric country codes (e.g. '050', '840') to ISO3 via pycountry."""
    mapping = {}
    for code in codes.dropna().unique():
        country = pycountry.countries.get(numeric=str(code).zfill(3))
        if country is not None:
            mapping[code] = country.alpha_3
    return map_codes(codes, mapping, source=source, path=path)


def iso3_codes(codes: pd.Series, *, source: str, path) -> pd.Series:
    """Check ISO3 codes against pycountry (plus the source's known exceptions) and return them."""
    overrides = ISO3_OVERRIDES.get(source.lower(), {})
    mapping = {code: overrides.get(code, code) for code in codes.dropna().unique()
               if code in overrides or pycountry.countries.get(alpha_3=code)}
    return map_codes(codes, mapping, source=source, path=path)
