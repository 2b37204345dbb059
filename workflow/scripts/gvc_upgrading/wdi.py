"""World Bank WDI bulk CSV downloads.

Layout: a byte-order mark, metadata lines (``"Data Source"``, ``"Last Updated Date"``) and blank
lines before the header ``"Country Name","Country Code","Indicator Name","Indicator Code","1960",...``;
every line ends with a comma, which yields an empty trailing column. Values are wide by year.
The companion ``Metadata_Country_*.csv`` leaves ``Region`` empty for aggregates (World, income
groups, regions), which is how aggregates are kept out of country samples.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .errors import InputError

ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]


def _header_offset(path: Path, lines: list[str]) -> int:
    for number, line in enumerate(lines):
        if line.startswith('"Country Name"') or line.startswith("Country Name"):
            return number
    raise InputError(path, 'no "Country Name","Country Code",... header line; expected the WDI '
                           "bulk CSV layout")


def read_wdi_bulk(path: str | Path) -> pd.DataFrame:
    """Read a WDI bulk CSV into long form: country_code, indicator_code, year, value."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    offset = _header_offset(path, lines)
    df = pd.read_csv(io.StringIO("\n".join(lines[offset:])), dtype=str, keep_default_na=False,
                     na_values=[])
    df = df.loc[:, [c for c in df.columns if not c.startswith("Unnamed")]]
    missing = [c for c in ID_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(path, f"missing column(s) {missing}", row=offset + 1, key="header")
    years = [c for c in df.columns if c.isdigit()]
    long = df.melt(id_vars=ID_COLUMNS, value_vars=years, var_name="year", value_name="text")
    long = long[long["text"] != ""]
    value = pd.to_numeric(long["text"], errors="coerce")
    if value.isna().any():
        bad = long[value.isna()].iloc[0]
        raise InputError(path, f"value {bad['text']!r} for {bad['Country Code']} {bad['year']} "
                               "is not a number", key=bad["Country Code"])
    return pd.DataFrame({
        "country_code": long["Country Code"].to_numpy(),
        "indicator_code": long["Indicator Code"].to_numpy(),
        "year": long["year"].astype("int64").to_numpy(),
        "value": value.astype("float64").to_numpy(),
    })


def read_wdi_country_metadata(path: str | Path) -> pd.DataFrame:
    """Country metadata: Country Code, Region, IncomeGroup; ``is_aggregate`` where Region is empty."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig")
    df = df.loc[:, [c for c in df.columns if not c.startswith("Unnamed")]]
    for col in ("Country Code", "Region"):
        if col not in df.columns:
            raise InputError(path, f"missing column {col!r}; expected WDI country metadata",
                             key="header")
    df["is_aggregate"] = df["Region"].str.strip() == ""
    return df
