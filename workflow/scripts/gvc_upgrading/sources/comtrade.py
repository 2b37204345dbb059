"""UN Comtrade+ (``getFinalData``): the records, their key and reference lists, and record checks.

The API (``{base}/data/v1/get/C/A/HS``; its queries: :mod:`gvc_upgrading.store.comtrade_api`)
takes the subscription key in the ``Ocp-Apim-Subscription-Key`` header (read from the
``COMTRADE_API_KEY`` environment variable, never logged), and answers
``{"count": n, "data": [...], "error": ""}``. Values are in US dollars (``primaryValue``) and
weights in kilograms (``netWgt``).
Commodity codes follow the revision each reporter used (``classificationCode`` H0-H6).

Stored records are checked before use: at least one record, the columns below, numbers as
``primaryValue`` (not negative, not above :data:`MAX_VALUE_USD`) and ``netWgt`` (not above
:data:`MAX_NET_WEIGHT_KG`), years between the classification's first year
(:data:`REVISION_FIRST_YEARS`) and the current year, HS codes of 2, 4 or 6 digits, known reporters
and revisions, one record per exporter, year and code. A zero net weight means "not reported" and
a negative one is impossible: both leave the quantity missing (negative ones are counted in a
warning). Extracts saved by other tools may hold ``cmdCode`` as a number, which loses the leading
zero of HS chapters 01-09 (``70200`` for 070200): where an ``aggrLevel`` column gives the code's
length, such codes are zero-padded to it, with a warning that counts them.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import InputError, check_range, check_years

log = logging.getLogger(__name__)

KEY_VARIABLE = "COMTRADE_API_KEY"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
WORLD = 0
# Comtrade's classification codes -> the HS revision names used in config/gvcs.yaml.
REVISIONS = {"H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12", "H5": "HS17",
             "H6": "HS22"}
# Reporter codes outside ISO 3166: "Other Asia, nes" is Taiwan; historical entities and the
# Southern African Customs Union (a reporter before 2000) keep Comtrade's code.
REPORTER_OVERRIDES = {"S19": "TWN", "ANT": "ANT", "SCG": "SCG", "ZA1": "ZA1"}
#: Columns of the stored getFinalData records that harmonisation reads.
RECORD_COLUMNS = ["refYear", "reporterISO", "flowCode", "partnerCode", "cmdCode",
                  "classificationCode", "primaryValue", "netWgt"]
#: One export record above 10 trillion USD is impossible (about half of world goods trade).
MAX_VALUE_USD = 1e13
#: One record above 10 billion tonnes is impossible (about all seaborne trade in a year).
MAX_NET_WEIGHT_KG = 1e13
#: The first year each HS revision can be reported in (Comtrade's HS data start in 1988, the
#: later revisions the year they came into force).
REVISION_FIRST_YEARS = {"H0": 1988, "H1": 1996, "H2": 2002, "H3": 2007, "H4": 2012, "H5": 2017,
                        "H6": 2022}
#: The code lengths Comtrade's ``aggrLevel`` gives for HS chapters, headings and subheadings.
HS_LEVELS = (2, 4, 6)
_HS_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")
HARMONISED_COLUMNS = ["year", "exporter", "importer", "hs_revision", "hs_code", "value_usd",
                      "quantity_kg"]


def api_key() -> str:
    """The subscription key from ``COMTRADE_API_KEY``; a clear error when it is not set."""
    key = os.environ.get(KEY_VARIABLE, "").strip()
    if not key:
        raise RuntimeError(f"UN Comtrade needs a subscription key: set the {KEY_VARIABLE} "
                           "environment variable (https://comtradedeveloper.un.org)")
    return key


def six_digit_codes(reference: dict, prefixes: Sequence[str]) -> list[str]:
    """Six-digit HS codes under ``prefixes``, from Comtrade's HS reference list
    (``{"results": [{"id": "610910", "aggrLevel": 6, ...}]}``); a prefix with none is an error."""
    codes = sorted({str(item["id"]) for item in reference["results"]
                    if int(item.get("aggrLevel", 0)) == 6 and len(str(item["id"])) == 6})
    chosen = [code for code in codes if code.startswith(tuple(prefixes))]
    empty = [p for p in prefixes if not any(code.startswith(p) for code in chosen)]
    if empty:
        raise InputError("Comtrade HS reference", f"no six-digit code under {empty}", key="cmdCode")
    return chosen


def reporter_codes(reference: dict) -> list[int]:
    """Reporter codes from Comtrade's reference list (``{"results": [{"reporterCode": ...}]}``)."""
    return sorted(int(r["reporterCode"]) for r in reference["results"])


def read_records(path: str | Path) -> pd.DataFrame:
    """Stored Comtrade results (Parquet, as written by the retrieve step); a file that is not
    readable Parquet is an InputError naming it."""
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(path, f"not a readable Parquet file ({exc}); expected the stored "
                               "Comtrade records (cut short?)") from exc


def _numbers(records: pd.DataFrame, column: str, path, *, allow_missing: bool) -> pd.Series:
    """A numeric column; text that is not a number (or a missing value, unless allowed) is an
    InputError naming the record."""
    values = pd.to_numeric(records[column], errors="coerce").astype("float64")
    bad = values.isna() & (records[column].notna() | (not allow_missing))
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(path, f"{column} {records[column].iloc[position]!r} is not a number",
                         row=position + 1, key=column)
    return values


def check_records(records: pd.DataFrame, path) -> pd.DataFrame:
    """Columns present, at least one record, numbers where numbers belong, HS codes as digits."""
    missing = [c for c in RECORD_COLUMNS if c not in records]
    if missing:
        raise InputError(path, f"missing Comtrade column(s) {missing}; expected the getFinalData "
                               f"columns {RECORD_COLUMNS}, found {list(records.columns)[:8]}",
                         key="header")
    if records.empty:
        raise InputError(path, "holds no records; expected Comtrade export records")
    records = records.reset_index(drop=True)
    records = records.assign(
        refYear=_numbers(records, "refYear", path, allow_missing=False),
        primaryValue=_numbers(records, "primaryValue", path, allow_missing=False),
        netWgt=_numbers(records, "netWgt", path, allow_missing=True))
    check_range(records["primaryValue"], path, "primaryValue", minimum=0, maximum=MAX_VALUE_USD,
                expected="an export value in US dollars")
    check_range(records["netWgt"].where(records["netWgt"] > 0), path, "netWgt",
                maximum=MAX_NET_WEIGHT_KG, expected="a net weight in kg")
    _check_years(records, path)
    codes = _padded_codes(records, path)
    not_hs = ~codes.str.fullmatch(_HS_CODE).fillna(False)
    if not_hs.any():
        position = int(not_hs.to_numpy().nonzero()[0][0])
        hint = "" if "aggrLevel" in records else " (saved as a number? an aggrLevel column " \
                                                   "would give its length)"
        raise InputError(path, f"cmdCode {codes.iloc[position]!r} is not an HS code; expected 2, "
                               f"4 or 6 digits{hint}", row=position + 1, key="cmdCode")
    return records.assign(cmdCode=codes)


def _check_years(records: pd.DataFrame, path) -> None:
    """Years from the first year of the record's classification to the current year."""
    first = records["classificationCode"].map(REVISION_FIRST_YEARS).fillna(1988)
    early = records["refYear"] < first
    if early.any():
        position = int(early.to_numpy().nonzero()[0][0])
        raise InputError(path, f"refYear {records['refYear'].iloc[position]:.0f} is before "
                               f"{first.iloc[position]:.0f}, when classification "
                               f"{records['classificationCode'].iloc[position]} came into force; "
                               "expected a year the classification can be reported in",
                         row=position + 1, key="refYear")
    check_years(records["refYear"], path, "refYear", first=min(REVISION_FIRST_YEARS.values()),
                last=datetime.date.today().year, expected="a year of Comtrade's HS data, not "
                                                          "in the future")


def _padded_codes(records: pd.DataFrame, path) -> pd.Series:
    """``cmdCode`` as text; digit codes shorter than their ``aggrLevel`` (2, 4 or 6) zero-padded
    to it, with a warning that counts them; a code longer than its level is an InputError."""
    raw = records["cmdCode"]
    if pd.api.types.is_float_dtype(raw) and (raw.dropna() == raw.dropna().round()).all():
        raw = raw.astype("Int64")
    codes = raw.astype("string")
    if "aggrLevel" not in records:
        return codes
    level = pd.to_numeric(records["aggrLevel"], errors="coerce")
    digits = codes.str.fullmatch(r"\d+").fillna(False) & level.isin(HS_LEVELS)
    longer = digits & (codes.str.len() > level)
    if longer.any():
        position = int(longer.to_numpy().nonzero()[0][0])
        raise InputError(path, f"cmdCode {codes.iloc[position]!r} has more digits than its "
                               f"aggrLevel {level.iloc[position]:.0f}; expected a code of that "
                               "length", row=position + 1, key="cmdCode")
    short = digits & (codes.str.len() < level)
    if short.any():
        widths = level[short].astype(int)
        codes = codes.copy()
        codes[short] = [code.zfill(width) for code, width in zip(codes[short], widths)]
        rows = (short.to_numpy().nonzero()[0] + 1).tolist()
        log.warning("%s: %d cmdCode value(s) without their leading zero (saved as numbers by "
                    "another tool?) zero-padded to their aggrLevel: rows %s%s", path, len(rows),
                    rows[:10], " ..." if len(rows) > 10 else "")
    return codes
