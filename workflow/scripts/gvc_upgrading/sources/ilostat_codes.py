"""ILOSTAT's conventions: the columns of its files, economic-activity codes taken apart, survey
source types, the unit an indicator id implies, and helpers for the categorical code columns."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import (
    InputError,
)

log = logging.getLogger(__name__)


#: Employment indicators (``EMP_...``) are in thousands; more than the world's population is
#: an impossible magnitude.
MAX_EMPLOYMENT_THOUSANDS = 8.2e6
#: Earnings (a month's or an hour's, in any currency) above this are impossible: the largest
#: national figures are in the order of 1e8 a month (Iranian rial).
MAX_EARNINGS = 1e12


# --- conventions: activity codes, source types, units -------------------------------------------

class ActivityCode(NamedTuple):
    """An economic-activity code taken apart: ISIC ``revision`` (``2``, ``3``, ``4``, or
    ``aggregate`` for ILOSTAT's own groupings), ``level`` (``division``, ``section``, ``total``,
    ``aggregate``) and ``code`` (``14``, ``C``, ``TOTAL``, ``AGR``)."""

    revision: str
    level: str
    code: str


_GROUPINGS = "AGGREGATE|SECTOR|AGNAG|DETAILS"
ACTIVITY_FORMS = [  # (pattern, level); revision and code come from the named groups
    (re.compile(r"EC[O2]_ISIC(?P<revision>[234])_(?P<code>TOTAL)"), "total"),
    (re.compile(r"EC2_ISIC(?P<revision>[34])_[A-Z](?P<code>\d\d)"), "division"),
    (re.compile(r"EC2_ISIC(?P<revision>[34])_(?P<code>X)"), "division"),
    (re.compile(r"ECO_ISIC(?P<revision>[34])_(?P<code>[A-Z])"), "section"),
    (re.compile(r"ECO_ISIC(?P<revision>2)_(?P<code>\d)"), "section"),  # Rev.2 major divisions
    (re.compile(rf"ECO_(?:{_GROUPINGS})_(?P<code>TOTAL)"), "total"),
    (re.compile(rf"ECO_(?:{_GROUPINGS})_(?P<code>[A-Z]+)"), "aggregate"),
]
ACTIVITY_PREFIX = re.compile(r"EC[O2]_")
NOT_ACTIVITY = ("is not an ILOSTAT economic-activity code; expected e.g. EC2_ISIC4_C14, "
                 "ECO_ISIC3_D, ECO_ISIC4_TOTAL or ECO_SECTOR_AGR")


def eco_code_parts(code: str) -> ActivityCode:
    """Take an ILOSTAT economic-activity code apart.

    ``EC2_ISIC4_C14`` -> (``4``, ``division``, ``14``); ``ECO_ISIC3_D`` -> (``3``, ``section``,
    ``D``); ``ECO_ISIC3_TOTAL`` -> (``3``, ``total``, ``TOTAL``); ``ECO_ISIC2_3`` -> (``2``,
    ``section``, ``3``): Rev.2 major divisions stand at the section level. ILOSTAT's groupings
    (``ECO_AGGREGATE_MAN``, ``ECO_SECTOR_AGR``/``NAG``, ``ECO_AGNAG_AGR``, ``ECO_DETAILS_HJ``)
    are (``aggregate``, ``aggregate``, ``MAN``/``AGR``/...) and their totals (``aggregate``,
    ``total``, ``TOTAL``): agriculture is then a group of its own, not a chain's section.
    Raises ValueError for any other code.
    """
    for pattern, level in ACTIVITY_FORMS:
        match = pattern.fullmatch(code)
        if match:
            return ActivityCode(match.groupdict().get("revision") or "aggregate", level,
                                match["code"])
    raise ValueError(f"{code!r} {NOT_ACTIVITY}")


#: Source type (the two letters of a source code) by the abbreviation that opens a source label
#: (``LFS - Labour Force Survey`` is a ``BA`` source), as ILOSTAT's ``source_en.csv`` pairs them.
SOURCE_TYPES = {
    "PC": "AA", "LFS": "BA", "HIES": "BB", "CLS": "BC", "LFS-ADJ": "BE", "HS": "BX", "EC": "CA",
    "ES": "DA", "OE": "EA", "Other": "EB", "ADM-IR": "FA", "ADM-EOR": "FB", "ADM-CA": "FE",
    "ADM-LIR": "FF", "ADM-REO": "FH", "ADM-RWO": "FI", "ADM-PR": "FJ", "ADM-EBR": "FK",
    "ADM-WP": "FL", "ADM-BEE": "FN", "ADM": "FX", "CPS": "GA", "SNA": "JA", "ILO": "XA",
    "OS": "XX",
}
_SOURCE_CODE = re.compile(r"(?P<type>[A-Z]{2}):\S+")


def source_type(source: str) -> str | None:
    """The source type of a source code (``BA:15715`` -> ``BA``) or label (``LFS - Labour Force
    Survey`` -> ``BA``, by :data:`SOURCE_TYPES`); None when neither tells."""
    match = _SOURCE_CODE.fullmatch(source)
    if match:
        return match["type"]
    return SOURCE_TYPES.get(source.split(" - ")[0].strip())


@dataclass(frozen=True)
class Unit:
    """What an indicator's values measure (None: the id does not tell) and the range a value can
    take (None: unbounded on that side)."""

    name: str | None
    minimum: float | None = 0.0
    maximum: float | None = None


_PERCENT = Unit("percent", 0.0, 100.0)
_PERCENT_CHANGE = Unit("percent change", None, None)
_HOURS = Unit("hours per week", 0.0, 168.0)
_THOUSANDS = Unit("thousands of persons", 0.0, MAX_EMPLOYMENT_THOUSANDS)
#: Indicators whose id does not follow the family rules below (ILOSTAT's labels say so).
_UNIT_BY_INDICATOR = {
    "SDG_0821_NOC_RT": _PERCENT_CHANGE,  # growth of output per worker
    "CPI_NCPD_COI_RT": _PERCENT_CHANGE, "CPI_NCYR_COI_RT": _PERCENT_CHANGE,
    "CPI_ACPI_COI_RT": _PERCENT_CHANGE, "CPI_MCPI_COI_RT": _PERCENT_CHANGE,
    "CPI_XCPI_COI_RT": Unit("index"),
    "EAR_GGAP_OCU_RT": Unit("percent", None, 100.0),  # a gap: negative where women earn more
    "LAP_2FTM_NOC_RT": Unit("percent", 0.0, None),  # women's labour income over men's
    "POP_2LDR_NOC_RT": Unit("ratio"),
    "SDG_0882_NOC_RT": Unit("score from 0 to 10", 0.0, 10.0),
    "HOW_2TDP_SEX_RT": Unit("hours per week per person aged 15-64", 0.0, 168.0),
    "HOW_2TOT_SEX_NB": Unit("thousands of hours per week"),  # a total, not a mean
    "GDP_2TOT_NOC_NB": Unit("millions of constant PPP dollars"),
    "GDP_211P_NOC_NB": Unit("constant PPP dollars per worker"),
    "GDP_2HRW_NOC_NB": Unit("constant PPP dollars per hour worked"),
    "GDP_205U_NOC_NB": Unit("constant US dollars per worker"),
}
#: Families of indicator ids and their unit, the first match wins.
_UNIT_BY_PATTERN = [
    (r"(INJ_\w+|SDG_[NF]881_\w+)_RT", Unit("cases per 100,000 workers", 0.0, 100_000.0)),
    (r"WBL_\w+_RT", Unit("per 1,000 persons", 0.0, 1000.0)),
    (r"(HOW|GED_PHOW)_\w+", _HOURS),
    (r"\w+_RT", _PERCENT),
    (r"INJ_DAYS_\w+", Unit("days lost")),
    (r"INJ_\w+", Unit("cases")),
    (r"STR_DAYS_\w+", Unit("days not worked")),
    (r"STR_TSTR_\w+", Unit("strikes and lockouts")),
    (r"LAI_INSP_\w+", Unit("labour inspectors")),
    (r"LAI_VIST_\w+", Unit("labour inspection visits")),
    (r"LAI_WOPL_\w+", Unit("workplaces")),
    (r"(EMP|UNE|EAP|EIP|POP|TRU|LUU|WBL|PSE|MST|EES|CLD|FOW|MFL|MNA|GED|STR)_\w+_NB", _THOUSANDS),
    (r"\w+_NB", Unit(None)),
]
_EARNINGS = re.compile(r"(EAR|LAC|GED_PEAR|MST_EARA|SDG_0851)_\w+_NB")
_HOURLY_EARNINGS = re.compile(r"[A-Z]{3}_(4H|H)\w+|SDG_0851_\w+")
#: Currency of an earnings value by its ``CUR_TYPE_`` classification code.
CURRENCIES = {"CUR_TYPE_LCU": "local currency", "CUR_TYPE_USD": "US dollars",
              "CUR_TYPE_PPP": "PPP dollars"}


def indicator_unit(indicator: str, currency: str | None = None) -> Unit:
    """The unit an ILOSTAT indicator id implies, and the range its values can take.

    ``_RT`` ids are percentages (0-100), except injury rates (cases per 100,000 workers),
    work-based learning rates (per 1,000 persons) and the growth rates, gaps, indices and ratios
    of ``_UNIT_BY_INDICATOR``. ``HOW_`` ids are hours per week (0-168). Earnings ids (``EAR_``,
    ``LAC_``, ...) are amounts per month, or per hour for the hourly ids (``EAR_4HRL_``,
    ``EAR_HARE_``, ``LAC_4HRL_``, ``SDG_0851_``), in the currency named by ``currency`` (a
    ``CUR_TYPE_`` code of the row) for ``_CUR_`` ids and in local currency otherwise, at most
    :data:`MAX_EARNINGS`. Person
    counts (``EMP_``, ``UNE_``, ``EAP_``, ``POP_``, ...) are thousands of persons, at most
    :data:`MAX_EMPLOYMENT_THOUSANDS`. ``INJ_`` counts are cases (``INJ_DAYS_``: days lost).
    Any other ``_NB`` id: unit unknown (None), not negative.
    """
    indicator = without_frequency(indicator)
    if indicator in _UNIT_BY_INDICATOR:
        return _UNIT_BY_INDICATOR[indicator]
    if _EARNINGS.fullmatch(indicator):
        return Unit(_earnings_unit(indicator, currency), 0.0, MAX_EARNINGS)
    for pattern, unit in _UNIT_BY_PATTERN:
        if re.fullmatch(pattern, indicator):
            return unit
    return Unit(None, None, None)


def _earnings_unit(indicator: str, currency: str | None) -> str | None:
    period = "hour" if _HOURLY_EARNINGS.fullmatch(indicator) else "month"
    if "_CUR_" not in indicator:
        return f"local currency per {period}"
    if currency is None:
        return None
    return f"{CURRENCIES.get(currency, currency)} per {period}"


_INDICATOR_ID = r"[A-Z0-9]{3}_[A-Z0-9]{4}(?:_[A-Z0-9]{2,4})*?_(?:NB|RT)"
_ID_IN_NAME = re.compile(rf"(?P<id>{_INDICATOR_ID})_(?P<frequency>[AQM])(?![A-Za-z0-9])")


def without_frequency(indicator: str) -> str:
    """``HOW_TEMP_SEX_ECO_NB_A`` (a file's id, with the frequency) -> ``HOW_TEMP_SEX_ECO_NB``."""
    match = _ID_IN_NAME.fullmatch(indicator)
    return match["id"] if match else indicator


def indicator_in_name(path: str | Path) -> str | None:
    """The indicator id a file name starts with (``EMP_2EMP_SEX_ECO_NB_A-filtered-...csv.gz`` ->
    ``EMP_2EMP_SEX_ECO_NB``), or None."""
    match = _ID_IN_NAME.match(Path(path).name)
    return match["id"] if match else None


# --- the tidy table of any indicator -------------------------------------------------------------

TIDY_COLUMNS = ["country", "indicator", "source", "source_type", "sex", "activity",
                "isic_revision", "isic_level", "isic_code", "classif_other", "year", "value",
                "unit", "obs_status"]
#: Columns :func:`read_indicator` needs; ``source``, ``sex``, ``classif1``, ``classif2`` and
#: ``obs_status`` are read when the file has them.
INDICATOR_REQUIRED = ["ref_area", "indicator", "time", "obs_value"]
INDICATOR_OPTIONAL = ["source", "sex", "classif1", "classif2", "obs_status"]
SERIES_KEY = ["ref_area", "indicator", "source", "sex", "classif1", "classif2", "time"]
#: Joins the codes of two classifications other than the economic activity in ``classif_other``.
CLASSIF_SEPARATOR = "|"
#: Rows read and checked at a time: bounds the memory that text columns take while reading
#: (pandas makes a Python string of each field before a column becomes categorical).
CHUNK_ROWS = 100_000
FIRST_YEAR = 1900
IMPOSSIBLE = ("error", "missing")


# --- categorical helpers -------------------------------------------------------------------------

def file_row(raw: pd.DataFrame, position: int) -> int:
    """The file row of a record: ``file_row`` where given (Excel), else that of a CSV record."""
    return int(raw["file_row"].iloc[position]) if "file_row" in raw else position + 2


def file_rows(raw: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    """The file rows of the records where ``mask`` holds."""
    if "file_row" in raw:
        return raw["file_row"].to_numpy()[mask]
    return np.flatnonzero(mask) + 2


def first_position(mask) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


def map_categories(raw: pd.DataFrame, column: str, path, names: dict[str, str],
                    function: Callable[[str], str | None]) -> pd.Series:
    """``function`` of each category of ``raw[column]`` (not of each row) as a new categorical;
    a ValueError it raises becomes an InputError at the first row holding that category."""
    values = raw[column]
    categories = values.cat.categories
    results = []
    for category in categories:
        try:
            results.append(function(category))
        except ValueError as exc:
            position = first_position(values == category)
            raise InputError(path, f"{names[column]} {category!r} {exc}",
                             row=file_row(raw, position), key=names[column]) from None
    return recode(values.cat.codes.to_numpy(), results, values.index)


def recode(codes: np.ndarray, results: list, index) -> pd.Series:
    """A categorical whose value is ``results[code]`` (missing where code is -1 or the result is
    None)."""
    kept = list(dict.fromkeys(result for result in results if result is not None))
    position = {result: i for i, result in enumerate(kept)}
    new_codes = np.array([-1 if r is None else position[r] for r in results] + [-1], dtype=np.int64)
    categorical = pd.Categorical.from_codes(new_codes[codes],
                                            categories=pd.Index(kept, dtype="str"))
    return pd.Series(categorical, index=index)


def constant_column(value: str | None, length: int) -> pd.Series:
    """A categorical of one value (or all missing)."""
    return recode(np.zeros(length, dtype=np.int64), [value], pd.RangeIndex(length))


def joined(first: pd.Series, second: pd.Series) -> pd.Series:
    """Two categoricals joined row by row with :data:`CLASSIF_SEPARATOR`."""
    size = len(second.cat.categories) + 1
    pairs = (first.cat.codes.to_numpy().astype(np.int64) + 1) * size \
        + second.cat.codes.to_numpy() + 1
    unique, codes = np.unique(pairs, return_inverse=True)

    def label(pair: int) -> str | None:
        parts = [categories[code - 1] for categories, code in
                 ((first.cat.categories, pair // size), (second.cat.categories, pair % size))
                 if code]
        return CLASSIF_SEPARATOR.join(parts) or None

    return recode(codes.reshape(-1), [label(int(pair)) for pair in unique], first.index)
