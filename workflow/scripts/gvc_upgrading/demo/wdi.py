"""The demo's World Bank WDI bulk CSVs (data and country metadata), aggregates included."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .files import write_bytes
from .world import (
    EURO_AREA,
    LAST_UPDATED,
    WDI_AGGREGATES,
    WDI_YEARS,
    Country,
    DemoWorld,
)


def _wdi_line(fields: list[str]) -> str:
    """A WDI bulk CSV line: every field quoted, trailing comma."""
    return "".join(f'"{f}",' for f in fields)


def write_wdi(world: DemoWorld, data_path: Path, meta_path: Path, code: str, name: str,
               values: np.ndarray) -> None:
    """A WDI bulk data file (countries and aggregates) and its country metadata file."""
    columns = np.arange(WDI_YEARS[0], WDI_YEARS[1] + 1)
    table = np.full((len(world.countries), len(columns)), np.nan)
    into = np.searchsorted(columns, world.macro_years)
    table[:, into] = values
    economies = [(c.iso3, c.name, table[k], c.region, c.income, "")
                 for k, c in enumerate(world.countries)]
    for agg_code, (agg_name, note) in WDI_AGGREGATES.items():
        members = [k for k, c in enumerate(world.countries) if _in_aggregate(c, agg_code)]
        series = _median_where_any(table[members])
        economies.append((agg_code, agg_name, series, "", "", note))
    economies.sort(key=lambda e: e[0])
    lines = [
        "\ufeff" + _wdi_line(["Data Source", "World Development Indicators"]), "",
        _wdi_line(["Last Updated Date", LAST_UPDATED["wdi"]]), "",
        _wdi_line(["Country Name", "Country Code", "Indicator Name", "Indicator Code",
                   *map(str, columns)]),
    ]
    lines += [_wdi_line([econ_name, econ_code, name, code,
                         *("" if np.isnan(x) else f"{x:.15g}" for x in series)])
              for econ_code, econ_name, series, *_ in economies]
    write_bytes(("\n".join(lines) + "\n").encode("utf-8"), data_path)
    meta = ["\ufeff" + _wdi_line(["Country Code", "Region", "IncomeGroup", "SpecialNotes",
                                  "TableName"])]
    meta += [_wdi_line([econ_code, region, income, note, econ_name])
             for econ_code, econ_name, _, region, income, note in economies]
    write_bytes(("\n".join(meta) + "\n").encode("utf-8"), meta_path)


def _median_where_any(rows: np.ndarray) -> np.ndarray:
    """Column medians over non-NaN values; NaN for columns without any value (or no rows)."""
    out = np.full(rows.shape[1], np.nan)
    has = ~np.isnan(rows).all(axis=0) if len(rows) else np.zeros(rows.shape[1], bool)
    out[has] = np.nanmedian(rows[:, has], axis=0)
    return out


def _in_aggregate(country: Country, aggregate: str) -> bool:
    """Whether ``country`` belongs to a WDI aggregate of :data:`WDI_AGGREGATES`."""
    return {
        "WLD": True,
        "HIC": country.income == "High income",
        "SSF": country.region == "Sub-Saharan Africa",
        "EMU": country.iso3 in EURO_AREA,
    }[aggregate]
