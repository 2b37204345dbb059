"""ILOSTAT bulk CSV files (one indicator per file, UTF-8 with a byte-order mark).

Columns: ``ref_area`` (ISO3), ``indicator``, ``source`` (survey type and id, e.g. ``BA:15715``),
optionally ``sex``, ``classif1``, ``classif2``, ``time``, ``obs_value``, ``obs_status`` and notes.
Employment indicators are in thousands. Economic activity codes carry the ISIC revision
(``EC2_ISIC3_D18``, ``EC2_ISIC4_C14`` for divisions; ``ECO_ISIC4_A`` for sections).

The reader refuses, naming file, row and what was expected: a file that is empty, cut short
(gzip), not UTF-8, lacks a required column or has no data rows; values that are not numbers or are
negative; periods that are not years; and one series key (country, source, classifications,
year) given twice. One repair is made, and logged as a warning: employment values above
:data:`MAX_EMPLOYMENT_THOUSANDS` (more people than live on Earth) are set to missing. The bulk
files do hold such values (Cambodia's 1999 establishment survey reports 21.7 billion thousand
employees), and refusing the whole file for them would lose every other country.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from pathlib import Path

import pandas as pd

from ..errors import (
    InputError,
    check_range,
    delimiter_hint,
    not_utf8_file,
    parse_numbers,
    parse_years,
)

log = logging.getLogger(__name__)

REQUIRED = ["ref_area", "indicator", "source", "classif1", "time", "obs_value"]
#: Columns that identify one observation; each combination may occur once.
KEY_COLUMNS = ["ref_area", "indicator", "source", "sex", "classif1", "classif2", "time"]
#: Employment indicators (``EMP_...``) are in thousands; more than the world's population is
#: an impossible magnitude.
MAX_EMPLOYMENT_THOUSANDS = 8.2e6
# When several series cover one country-year, prefer labour force surveys (BA), then other
# household surveys (BX), then establishment surveys (BB), then administrative records (AA).
SOURCE_PRIORITY = ["BA", "BX", "BB", "AA"]


def read_ilostat_bulk(path: str | Path) -> pd.DataFrame:
    """Read a bulk CSV (plain or .gz); codes stay strings, ``obs_value`` is float (NaN if empty)."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[],
                         encoding="utf-8-sig")
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "file is empty; expected an ILOSTAT bulk CSV") from exc
    except UnicodeDecodeError:
        raise not_utf8_file(path) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(path, f"compressed file is corrupt or cut short ({exc}); expected a "
                               "complete gzip file") from exc
    except pd.errors.ParserError as exc:
        raise InputError(path, f"not a comma-separated ILOSTAT bulk CSV ({exc})") from exc
    missing = [col for col in REQUIRED if col not in df.columns]
    if missing:
        raise InputError(path, f"missing column(s) {missing}; expected ILOSTAT bulk columns "
                               f"{REQUIRED}, found {list(df.columns)[:8]}"
                               f"{delimiter_hint(df.columns)}", row=1, key="header")
    if df.empty:
        raise InputError(path, "has a header but no data rows; expected ILOSTAT observations",
                         row=2)
    df["obs_value"] = parse_numbers(df["obs_value"], path, "obs_value", missing=("",), first_row=2)
    check_range(df["obs_value"], path, "obs_value", minimum=0, first_row=2,
                expected="a count or an amount, not negative")
    df["time"] = parse_years(df["time"], path, "time", first_row=2)
    _check_unique_keys(df, path)
    _drop_impossible_employment(df, path)
    return df


def _check_unique_keys(df: pd.DataFrame, path) -> None:
    keys = [col for col in KEY_COLUMNS if col in df.columns]
    duplicated = df.duplicated(keys)
    if duplicated.any():
        position = int(duplicated.to_numpy().nonzero()[0][0])
        shown = ", ".join(f"{col}={df[col].iloc[position]}" for col in keys)
        raise InputError(path, f"observation {shown} is given twice; expected one row per "
                               f"{', '.join(keys)}", row=position + 2, key="key")


def _drop_impossible_employment(df: pd.DataFrame, path) -> None:
    """Set employment values above :data:`MAX_EMPLOYMENT_THOUSANDS` to missing, with a warning."""
    impossible = (df["indicator"].str.startswith("EMP_")
                  & (df["obs_value"] > MAX_EMPLOYMENT_THOUSANDS))
    if impossible.any():
        rows = (impossible.to_numpy().nonzero()[0] + 2).tolist()
        areas = sorted(set(df.loc[impossible, "ref_area"]))
        log.warning("%s: %d employment value(s) above %g thousand (more people than live on "
                    "Earth) set to missing: rows %s%s, ref_area %s", path, len(rows),
                    MAX_EMPLOYMENT_THOUSANDS, rows[:10], " ..." if len(rows) > 10 else "",
                    ", ".join(areas))
        df.loc[impossible, "obs_value"] = float("nan")


def pick_source(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Keep one series per ``keys`` group by :data:`SOURCE_PRIORITY` (then source id order)."""
    prefix = df["source"].str.split(":").str[0]
    rank = prefix.map({p: i for i, p in enumerate(SOURCE_PRIORITY)}).fillna(len(SOURCE_PRIORITY))
    ordered = df.assign(_rank=rank).sort_values([*keys, "_rank", "source"], kind="stable")
    return ordered.drop_duplicates(keys, keep="first").drop(columns="_rank")
