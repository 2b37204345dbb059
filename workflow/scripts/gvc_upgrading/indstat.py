"""UNIDO INDSTAT2 files: headerless CSV records, ``...`` for a missing value.

Fields: ``ctable,country,year,isic,isiccomb,value,utable,source,lastupdated,unit``.
``ctable`` names the variable (04 employees, 05 wages and salaries, 20 value added),
``country`` is a UN M49 numeric code, ``isic`` an ISIC Rev.3 division, and ``unit`` says what the
value counts: ``#`` persons, ``$`` current US dollars, ``LCU`` national currency. INDSTAT is
licensed: the user places the file in the raw store and this reader validates it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import InputError, parse_numbers

FIELDS = ["ctable", "country", "year", "isic", "isiccomb", "value", "utable", "source",
          "lastupdated", "unit"]
TABLES = {"04": "employees", "05": "wages_and_salaries", "20": "value_added"}
UNITS = {"#": "persons", "$": "usd", "LCU": "lcu"}
MISSING = "..."


def read_indstat2(path: str | Path) -> pd.DataFrame:
    """Read an INDSTAT2 file; ``value`` is float with ``...`` as NaN, codes stay strings."""
    try:
        df = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, na_values=[],
                         encoding="utf-8")
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "file is empty; expected INDSTAT2 records") from exc
    except pd.errors.ParserError as exc:
        raise InputError(path, f"not a {len(FIELDS)}-field INDSTAT2 CSV ({exc})") from exc
    if df.shape[1] != len(FIELDS):
        raise InputError(path, f"has {df.shape[1]} fields per record; expected {len(FIELDS)} "
                               f"({','.join(FIELDS)})", row=1)
    df.columns = FIELDS
    df = df.apply(lambda col: col.str.strip())
    df["ctable"] = df["ctable"].str.zfill(2)
    df["country"] = df["country"].str.zfill(3)
    df["value"] = parse_numbers(df["value"], path, "value", missing=(MISSING,))
    df["year"] = parse_numbers(df["year"], path, "year", expected="a year").astype("int64")
    unknown_units = sorted(set(df["unit"]) - set(UNITS))
    if unknown_units:
        raise InputError(path, f"unit(s) {unknown_units} unknown; expected one of {sorted(UNITS)}",
                         key="unit")
    return df
