"""ILOSTAT bulk CSV files (one indicator per file, UTF-8 with a byte-order mark).

Columns: ``ref_area`` (ISO3), ``indicator``, ``source`` (survey type and id, e.g. ``BA:15715``),
optionally ``sex``, ``classif1``, ``classif2``, ``time``, ``obs_value``, ``obs_status`` and notes.
Employment indicators are in thousands. Economic activity codes carry the ISIC revision
(``EC2_ISIC3_D18``, ``EC2_ISIC4_C14`` for divisions; ``ECO_ISIC4_A`` for sections).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError

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
    value = pd.to_numeric(df["obs_value"].where(df["obs_value"] != ""), errors="coerce")
    bad = value.isna() & (df["obs_value"] != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise InputError(path, f"obs_value {df['obs_value'][bad].iloc[0]!r} is not a number",
                         row=row, key="obs_value")
    time = pd.to_numeric(df["time"], errors="coerce")
    if time.isna().any():
        row = int(np.flatnonzero(time.isna().to_numpy())[0]) + 2
        raise InputError(path, f"time {df['time'][time.isna()].iloc[0]!r} is not a year "
                               "(expected an annual indicator)", row=row, key="time")
    df["obs_value"] = value.astype("float64")
    df["time"] = time.astype("int64")
    return df


def pick_source(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Keep one series per ``keys`` group by :data:`SOURCE_PRIORITY` (then source id order)."""
    prefix = df["source"].str.split(":").str[0]
    rank = prefix.map({p: i for i, p in enumerate(SOURCE_PRIORITY)}).fillna(len(SOURCE_PRIORITY))
    ordered = df.assign(_rank=rank).sort_values([*keys, "_rank", "source"], kind="stable")
    return ordered.drop_duplicates(keys, keep="first").drop(columns="_rank")
