"""UNIDO INDSTAT2 files: headerless CSV records, ``...`` for a missing value.

Fields: ``ctable,country,year,isic,isiccomb,value,utable,source,lastupdated,unit``.
``ctable`` names the variable (04 employees, 05 wages and salaries, 20 value added, 31 female
employees), ``country`` is a UN M49 numeric code, ``isic`` an ISIC Rev.3 division, and ``unit``
says what the value counts: ``#`` persons, ``$`` current US dollars, ``LCU`` national currency.
UNIDO sets the unit per variable, so one file holds counts (``#``: tables 04 and 31) beside
money (``$``). INDSTAT is licensed: the user places the file in the raw store and this reader
validates it: ten fields per record, UTF-8, numbers or ``...`` as values (not all of them
``...``), whole years from :data:`FIRST_YEAR` to the record's own ``lastupdated`` date, known
units, employees, female employees and wages not negative, no more employees or female
employees than :data:`MAX_PERSONS`, and wages and value added within :data:`MAX_MONEY` of their
unit.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd

from ..errors import (
    InputError,
    check_not_all_missing,
    check_range,
    check_years,
    delimiter_hint,
    not_utf8_file,
    parse_numbers,
    parse_years,
)

FIELDS = ["ctable", "country", "year", "isic", "isiccomb", "value", "utable", "source",
          "lastupdated", "unit"]
TABLES = {"04": "employees", "05": "wages_and_salaries", "20": "value_added",
          "31": "female_employees"}
UNITS = {"#": "persons", "$": "usd", "LCU": "lcu"}
MISSING = "..."
#: Tables whose values cannot be negative (value added, table 20, can).
NON_NEGATIVE_TABLES = ("04", "05", "31")
#: Tables that count persons (unit ``#``), at most :data:`MAX_PERSONS`.
PERSON_TABLES = ("04", "31")
#: More employees than the world's population is an impossible magnitude (a unit slip).
MAX_PERSONS = 8.2e9
#: Wages or value added of one ISIC division in one country above these are impossible: in US
#: dollars, more than the whole world's manufacturing value added (about 1.6e13 USD in 2022); in
#: national currency, more than any economy's GDP in its own currency (the largest, in Iranian
#: rial, is in the order of 1e17).
MAX_MONEY = {"$": 2e13, "LCU": 1e18}
#: The first year of INDSTAT2.
FIRST_YEAR = 1963


def read_indstat2(path: str | Path) -> pd.DataFrame:
    """Read an INDSTAT2 file; ``value`` is float with ``...`` as NaN, codes stay strings."""
    try:
        df = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, na_values=[],
                         encoding="utf-8")
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "file is empty; expected INDSTAT2 records") from exc
    except pd.errors.ParserError as exc:
        raise InputError(path, f"not a {len(FIELDS)}-field INDSTAT2 CSV ({exc})") from exc
    except UnicodeDecodeError:
        raise not_utf8_file(path) from None
    if df.shape[1] != len(FIELDS):
        raise InputError(path, f"has {df.shape[1]} fields per record; expected {len(FIELDS)} "
                               f"({','.join(FIELDS)}){delimiter_hint(df.iloc[0])}", row=1)
    df.columns = FIELDS
    df = df.apply(lambda col: col.str.strip())
    df["ctable"] = df["ctable"].str.zfill(2)
    df["country"] = df["country"].str.zfill(3)
    df["value"] = parse_numbers(df["value"], path, "value", missing=(MISSING,))
    check_not_all_missing(df["value"], path, "value", expected="INDSTAT2 values (not all '...')")
    df["year"] = parse_years(df["year"], path, "year")
    _check_years(df, path)
    unknown_units = sorted(set(df["unit"]) - set(UNITS))
    if unknown_units:
        first = int(df["unit"].isin(unknown_units).to_numpy().nonzero()[0][0])
        raise InputError(path, f"unit(s) {unknown_units} unknown; expected one of {sorted(UNITS)}",
                         row=first + 1, key="unit")
    _check_values(df, path)
    return df


def _check_years(df: pd.DataFrame, path) -> None:
    """Years from :data:`FIRST_YEAR` to the year of the record's ``lastupdated`` date (the
    current year where that field is not a date)."""
    updated = pd.to_datetime(df["lastupdated"], errors="coerce", format="%Y-%m-%d").dt.year
    last = updated.fillna(datetime.date.today().year)
    after = df["year"] > last
    if after.any():
        position = int(after.to_numpy().nonzero()[0][0])
        raise InputError(path, f"year {df['year'].iloc[position]} is after the record's "
                               f"lastupdated {df['lastupdated'].iloc[position]!r}; expected a year "
                               "the data could have been collected for", row=position + 1,
                         key="year")
    check_years(df["year"], path, "year", first=FIRST_YEAR, last=int(last.max()),
                expected=f"an INDSTAT2 year (the database starts in {FIRST_YEAR})")


def _check_values(df: pd.DataFrame, path) -> None:
    """Employees, female employees and wages are not negative; persons are fewer than
    :data:`MAX_PERSONS`;
    wages and value added are within :data:`MAX_MONEY` of their unit."""
    rows = df.index + 1
    for ctable in NON_NEGATIVE_TABLES:
        mask = (df["ctable"] == ctable).to_numpy()
        check_range(df["value"][mask], path, "value", minimum=0, rows=rows[mask],
                    maximum=MAX_PERSONS if ctable in PERSON_TABLES else None,
                    expected=f"{TABLES[ctable].replace('_', ' ')} (table {ctable}), not negative")
    for unit, bound in MAX_MONEY.items():
        mask = (df["ctable"].isin(["05", "20"]) & (df["unit"] == unit)).to_numpy()
        check_range(df["value"][mask], path, "value", minimum=-bound, maximum=bound,
                    rows=rows[mask], expected=f"wages or value added in {UNITS[unit]}, at most "
                                              f"{bound:g} for one ISIC division")
