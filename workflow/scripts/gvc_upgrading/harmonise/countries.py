"""One country crosswalk for every source: source codes to one code per entity.

Every source's country codes are mapped here, and nowhere else, to one code system:

- **Countries** get their ISO 3166-1 alpha-3 code, looked up in pycountry: UN M49 and ISO numeric
  codes (UNIDO INDSTAT, UN Comtrade ``reporterCode``), ISO3 codes (ILOSTAT, WDI), and the codes
  of each BACI release through the release's own country list.
- **Special numeric codes** that are not ISO numeric and that the trade sources use for a country:
  842 USA, 251 France (with Monaco), 699 India, 757 Switzerland (with Liechtenstein), 579 Norway
  (with Svalbard and Jan Mayen), 490 "Other Asia, nes" = Taiwan (ISO3 TWN; Comtrade's ISO code
  ``S19``), 280 Federal Republic of Germany (DEU), 849 US Miscellaneous Pacific Islands (UMI).
- **Historical entities** (:data:`HISTORICAL_ENTITIES`) keep a code of their own so that they
  never merge with a successor: the ISO 3166-3 codes SUN (USSR), YUG (Yugoslavia), CSK
  (Czechoslovakia), DDR (German Democratic Republic), SCG (Serbia and Montenegro) and ANT
  (Netherlands Antilles), and, where ISO has none, BLX (Belgium-Luxembourg, reporting until
  1998), ZA1 (Southern African Customs Union, until 1999; Comtrade's code) and XSD (Sudan before
  the secession of South Sudan in 2011, numeric 736; a code from the ISO range for user-assigned
  codes). Config ``harmonise.historical_entities`` decides whether their rows are dropped or kept
  (see :func:`drop_reasons`).
- **Regional aggregates and areas not elsewhere specified** (World, income groups, "Areas, nes",
  ILOSTAT's ``X01``..., WDI's aggregates) all become :data:`AGGREGATE`; they never enter a country
  sample (a trade partner that is such an area keeps the flow, under that code).
- Codes outside ISO that a source uses for a country: ILOSTAT's KOS and WDI's XKX are Kosovo (XKX,
  the World Bank's code), WDI's CHI the Channel Islands.

A code that the crosswalk does not know is an :class:`~gvc_upgrading.errors.InputError` naming the
code, the source and the file: a silently dropped country is the error this module exists to stop.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry

from ..errors import InputError
from .accounting import Ledger

#: Code of every regional aggregate and every area "not elsewhere specified".
AGGREGATE = "XNS"
#: Historical entities: code -> name (with the last year in which the entity reported).
HISTORICAL_ENTITIES = {
    "SUN": "USSR (until 1991)",
    "YUG": "Socialist Federal Republic of Yugoslavia (until 1991)",
    "CSK": "Czechoslovakia (until 1992)",
    "DDR": "German Democratic Republic (until 1990)",
    "SCG": "Serbia and Montenegro (until 2005)",
    "ANT": "Netherlands Antilles (until 2010)",
    "BLX": "Belgium-Luxembourg (until 1998)",
    "ZA1": "Southern African Customs Union (until 1999)",
    "XSD": "Sudan before the secession of South Sudan (until 2011)",
}
#: Numeric codes (UN M49, UN Comtrade, CEPII BACI) that pycountry's ISO numeric codes do not
#: settle: countries under a non-ISO number, historical entities, and areas and aggregates.
NUMERIC_CODES = {
    "842": "USA", "251": "FRA", "699": "IND", "757": "CHE", "579": "NOR", "490": "TWN",
    "280": "DEU", "849": "UMI",
    "810": "SUN", "890": "YUG", "200": "CSK", "278": "DDR", "891": "SCG", "530": "ANT",
    "58": "BLX", "711": "ZA1", "736": "XSD",
    # World, European Union, and Comtrade's areas "not elsewhere specified"
    **dict.fromkeys(["0", "97", "290", "473", "492", "527", "568", "577", "636", "637", "697",
                     "837", "838", "839", "879", "899"], AGGREGATE),
}
#: ISO3-style codes outside ISO 3166-1 that a source uses, per source (lower-case name).
ISO3_CODES = {
    "ilostat": {"KOS": "XKX"},
    "world bank wdi": {"XKX": "XKX", "CHI": "CHI"},
}
#: ISO 3166-3 codes of the historical entities (pycountry's historic countries), for ISO3 sources.
_HISTORIC_ALPHA3 = {code for code in HISTORICAL_ENTITIES
                    if pycountry.historic_countries.get(alpha_3=code) is not None}
POLICIES = ("drop", "keep")


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


def _numeric(code: str) -> str | None:
    """The code of one numeric country code, or None when neither table knows it."""
    code = code.lstrip("0") or "0"
    if code in NUMERIC_CODES:
        return NUMERIC_CODES[code]
    country = pycountry.countries.get(numeric=code.zfill(3))
    return country.alpha_3 if country is not None else None


def numeric_codes(codes: pd.Series, *, source: str, path) -> pd.Series:
    """Map numeric country codes (UN M49 as in INDSTAT, ``050``; Comtrade ``reporterCode``,
    ``842``) to the crosswalk's codes."""
    mapping = {code: found for code in codes.dropna().astype(str).unique()
               if (found := _numeric(code)) is not None}
    return map_codes(codes.astype("string"), mapping, source=source, path=path)


def iso3_codes(codes: pd.Series, *, source: str, path, aggregates=frozenset()) -> pd.Series:
    """Check ISO3 codes against pycountry and return them: ``aggregates`` (the source's own
    aggregate codes) become :data:`AGGREGATE`, the ISO 3166-3 codes of historical entities stay,
    and the source's non-ISO codes (:data:`ISO3_CODES`) are translated."""
    overrides = ISO3_CODES.get(source.lower(), {})
    mapping = {}
    for code in codes.dropna().unique():
        if code in aggregates:
            mapping[code] = AGGREGATE
        elif code in overrides:
            mapping[code] = overrides[code]
        elif code in _HISTORIC_ALPHA3 or pycountry.countries.get(alpha_3=code) is not None:
            mapping[code] = code
    return map_codes(codes, mapping, source=source, path=path)


def baci_crosswalk(country_codes: pd.DataFrame) -> dict[str, str]:
    """BACI numeric code (string) -> code, from a release's country list (``country_code``,
    ``iso3``). The special and historical codes of :data:`NUMERIC_CODES` take precedence over
    the list (which files Belgium-Luxembourg under BEL and former Sudan under SDN); codes without
    an ISO3 in the list (``N/A``) are known only through :data:`NUMERIC_CODES`. Aggregates are
    left out: BACI's flows are between countries."""
    mapping = {}
    for code, iso3 in zip(country_codes["country_code"], country_codes["iso3"], strict=True):
        special = NUMERIC_CODES.get(code.lstrip("0") or "0")
        if special is not None:
            mapping[code] = special
        elif isinstance(iso3, str) and len(iso3) == 3 and iso3.isalpha() and iso3.isupper():
            mapping[code] = iso3
    return {code: found for code, found in mapping.items() if found != AGGREGATE}


def kinds(codes: pd.Series) -> pd.Series:
    """``country``, ``historical`` or ``aggregate`` for codes of this crosswalk."""
    kind = pd.Series("country", index=codes.index, dtype="string")
    kind[codes.isin(list(HISTORICAL_ENTITIES))] = "historical"
    kind[codes == AGGREGATE] = "aggregate"
    return kind


def drop_reasons(codes: pd.Series, policy: str, role: str = "country") -> pd.Series:
    """Why a row leaves a country sample: its ``role`` (e.g. ``exporter``) is an aggregate
    (always) or a historical entity (with ``policy`` ``drop``); missing where the row stays."""
    if policy not in POLICIES:
        raise ValueError(f"historical-entity policy {policy!r}; expected one of {POLICIES}")
    kind = kinds(codes)
    reason = pd.Series(pd.NA, index=codes.index, dtype="string")
    reason[kind == "aggregate"] = f"{role} is a regional aggregate or unspecified area"
    if policy == "drop":
        reason[kind == "historical"] = (f"{role} is a historical entity "
                                        "(harmonise.historical_entities: drop)")
    return reason


def drop_non_countries(table, column: str, policy: str, ledger: Ledger, role: str | None = None,
                       *, reasons: dict[str, list[str]] | None = None):
    """Drop the rows whose ``column`` is a regional aggregate or (``policy`` ``drop``) a
    historical entity, each reason counted in ``ledger``. ``table``: pandas or Arrow.
    ``reasons`` (from :func:`non_country_codes`) saves working them out for every batch."""
    arrow = isinstance(table, pa.Table)
    if reasons is None:
        codes = pc.unique(table[column]).to_pylist() if arrow else table[column].unique()
        reasons = non_country_codes(codes, policy, role or column)
    for reason, codes in reasons.items():
        mask = (pc.is_in(table[column], value_set=pa.array(codes, pa.string())) if arrow
                else table[column].isin(codes))
        if mask.any() if not arrow else pc.any(mask).as_py():
            table = ledger.drop(table, mask, reason)
    return table


def non_country_codes(codes, policy: str, role: str) -> dict[str, list[str]]:
    """Reason -> the ``codes`` that leave a country sample for it (see :func:`drop_reasons`)."""
    codes = pd.Series(list(codes), dtype="string")
    return {reason: group.tolist()
            for reason, group in codes.groupby(drop_reasons(codes, policy, role))}
