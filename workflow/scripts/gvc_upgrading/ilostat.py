"""ILOSTAT bulk CSV files (one indicator per file, UTF-8 with a byte-order mark).

Columns: ``ref_area`` (ISO3), ``indicator``, ``source`` (survey type and id, e.g. ``BA:15715``),
optionally ``sex``, ``classif1``, ``classif2``, ``time``, ``obs_value``, ``obs_status`` and notes.
Employment indicators are in thousands. Economic activity codes carry the ISIC revision
(``EC2_ISIC3_D18``, ``EC2_ISIC4_C14`` for divisions; ``ECO_ISIC4_A`` for sections).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import InputError, parse_numbers

REQUIRED = ["ref_area", "indicator", "source", "classif1", "time", "obs_value"]
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
    missing = [col for col in REQUIRED if col not in df.columns]
    if missing:
        raise InputError(path, f"missing column(s) {missing}; expected ILOSTAT bulk columns "
                               f"{REQUIRED}", key="header")
    df["obs_value"] = parse_numbers(df["obs_value"], path, "obs_value", missing=("",), first_row=2)
    df["time"] = parse_numbers(df["time"], path, "time", first_row=2,
                               expected="a year (an annual indicator)").astype("int64")
    return df


def pick_source(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Keep one series per ``keys`` group by :data:`SOURCE_PRIORITY` (then source id order)."""
    prefix = df["source"].str.split(":").str[0]
    rank = prefix.map({p: i for i, p in enumerate(SOURCE_PRIORITY)}).fillna(len(SOURCE_PRIORITY))
    ordered = df.assign(_rank=rank).sort_values([*keys, "_rank", "source"], kind="stable")
    return ordered.drop_duplicates(keys, keep="first").drop(columns="_rank")
