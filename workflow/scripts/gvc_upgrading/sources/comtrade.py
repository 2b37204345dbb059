"""UN Comtrade+ (``getFinalData``): API queries that stay under the row cap, and record checks.

The API (``{base}/data/v1/get/C/A/HS``) takes the subscription key in the
``Ocp-Apim-Subscription-Key`` header (read from the ``COMTRADE_API_KEY`` environment variable,
never logged), and answers ``{"count": n, "data": [...], "error": ""}`` with at most ``cap`` rows:
a result of exactly ``cap`` rows may be truncated, so the query is split by reporter and fetched
again. Values are in US dollars (``primaryValue``) and weights in kilograms (``netWgt``).
Commodity codes follow the revision each reporter used (``classificationCode`` H0-H6).

Stored records are checked before use: at least one record, the columns below, numbers as
``primaryValue`` (not negative, not above :data:`MAX_VALUE_USD`) and ``netWgt``, HS codes of 2, 4
or 6 digits, known reporters and revisions, one record per exporter, year and code. A zero net
weight means "not reported" and a negative one is impossible: both leave the quantity missing
(negative ones are counted in a warning).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from ..errors import InputError, check_range

log = logging.getLogger(__name__)

KEY_VARIABLE = "COMTRADE_API_KEY"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
DEFAULT_CAP = 100_000
CODES_PER_QUERY = 50  # commodity codes per request, to keep the query string short
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


def query_params(year: int, hs_codes: Sequence[str], reporters: Sequence[int] | None) -> dict:
    """Query parameters for exports of ``hs_codes`` to the World in ``year``."""
    params = {"period": str(year), "flowCode": "X", "partnerCode": str(WORLD),
              "partner2Code": "0", "customsCode": "C00", "motCode": "0",
              "cmdCode": ",".join(hs_codes), "includeDesc": "true"}
    if reporters:
        params["reporterCode"] = ",".join(str(r) for r in reporters)
    return params


def fetch_year(get_json: Callable[..., dict], url: str, year: int, hs_codes: Sequence[str], *,
               key: str, reporter_list: Callable[[], list[int]] | None = None,
               cap: int = DEFAULT_CAP) -> list[dict]:
    """All records for ``year``: the codes in batches, each split by reporter under the cap."""
    codes = list(hs_codes)
    reporters: list[int] | None = None

    def all_reporters() -> list[int]:
        nonlocal reporters
        if reporters is None:
            if reporter_list is None:
                raise InputError(url, f"{year}: {cap} rows returned (the cap) and no reporter "
                                      "list to split the query by")
            reporters = reporter_list()
        return reporters

    return [record for start in range(0, len(codes), CODES_PER_QUERY)
            for record in _fetch_split(get_json, url, year, codes[start:start + CODES_PER_QUERY],
                                       key=key, reporters=None, all_reporters=all_reporters,
                                       cap=cap)]


def _fetch_split(get_json, url, year, hs_codes, *, key, reporters, all_reporters, cap) -> list[dict]:
    document = get_json(url, params=query_params(year, hs_codes, reporters),
                        headers={KEY_HEADER: key}, secrets=[key])
    if not isinstance(document, dict) or "data" not in document:
        raise InputError(url, f"expected a Comtrade JSON object with 'data' for {year}")
    if document.get("error"):
        message = str(document["error"]).replace(key, "***")  # an error may quote the key
        raise InputError(url, f"Comtrade error for {year}: {message}")
    records = document["data"] or []
    if len(records) < cap:
        return records
    reporters = reporters or all_reporters()
    if len(reporters) == 1:
        raise InputError(url, f"{year}: reporter {reporters[0]} alone returns the cap of {cap} "
                              f"rows for codes {','.join(hs_codes)}")
    half = len(reporters) // 2
    log.info("%d: %d rows hit the cap; splitting %d reporters in two", year, len(records),
             len(reporters))
    return [record for part in (reporters[:half], reporters[half:])
            for record in _fetch_split(get_json, url, year, hs_codes, key=key, reporters=part,
                                       all_reporters=all_reporters, cap=cap)]


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
    codes = records["cmdCode"].astype("string")
    not_hs = ~codes.str.fullmatch(_HS_CODE).fillna(False)
    if not_hs.any():
        position = int(not_hs.to_numpy().nonzero()[0][0])
        raise InputError(path, f"cmdCode {codes.iloc[position]!r} is not an HS code; expected 2, "
                               "4 or 6 digits", row=position + 1, key="cmdCode")
    return records
