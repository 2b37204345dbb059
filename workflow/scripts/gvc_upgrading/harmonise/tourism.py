"""Tourism as a value chain: international tourism receipts and arrivals from World Bank WDI.

Bernhardt & Milberg (2011) treat tourism like a goods chain: the export is what international
visitors spend in the country (``ST.INT.RCPT.CD``, international tourism receipts, current US
dollars) and the "unit value" is what one visitor spends (receipts per arrival, with
``ST.INT.ARVL``, international tourism, number of arrivals). The rows this module makes have the
columns of :func:`gvc_upgrading.analysis.indicators.trade_indicators`, so that a tourism chain goes through
classification and estimation like any other:

- ``export_value_usd``: the country's receipts;
- ``world_export_value_usd``: the sum of the receipts of all countries reporting that year
  (aggregates such as World or income groups are dropped through the country crosswalk);
- ``market_share``: receipts / world receipts;
- ``unit_value_usd_per_kg``: receipts per arrival, in US dollars **per arrival** (the indicator
  table's ``unit_value_unit`` column says so per row; there is no weight);
- ``relative_unit_value``: receipts per arrival over the world's receipts per arrival (all
  receipts over all arrivals of the countries reporting both that year);
- ``unit_value_coverage``: 1 where the country reports arrivals, else 0;
  ``export_quantity_kg`` stays empty.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .prices import wdi_countries
from .schema import Column, TableSchema

log = logging.getLogger(__name__)

RECEIPTS = "ST.INT.RCPT.CD"
ARRIVALS = "ST.INT.ARVL"
#: Unit of ``unit_value_usd_per_kg`` in tourism rows (indicator column ``unit_value_unit``).
UNIT_VALUE_UNIT = "USD per arrival"

TOURISM = TableSchema("harmonised tourism", (
    Column("country", "string", "crosswalk code (ISO3 for countries)", nullable=False,
           pattern=r"^[A-Z][A-Z0-9]{2}$"),
    Column("year", "int64", "calendar year", nullable=False, minimum=1900),
    Column("tourism_receipts_usd", "float64", "current US dollars (WDI ST.INT.RCPT.CD)",
           minimum=0),
    Column("tourism_arrivals", "float64", "arrivals of international visitors (WDI ST.INT.ARVL)",
           minimum=0),
), key=("country", "year"))


def harmonise_tourism(receipts_path, arrivals_path, *, historical_entities: str = "drop",
                      ledgers: list | None = None,
                      years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Receipts (current USD) and arrivals per country and year (:data:`TOURISM`); each file
    must have values in the configured ``years`` (when given)."""
    receipts, receipts_ledger = wdi_countries(receipts_path, RECEIPTS, "tourism_receipts_usd",
                                              historical_entities, ledgers,
                                              step="harmonise_tourism", years=years)
    arrivals, arrivals_ledger = wdi_countries(arrivals_path, ARRIVALS, "tourism_arrivals",
                                              historical_entities, ledgers,
                                              step="harmonise_tourism", years=years)
    table = receipts.merge(arrivals, on=["country", "year"], how="outer")
    receipts_ledger.write(table[table["tourism_receipts_usd"].notna()])
    arrivals_ledger.write(table[table["tourism_arrivals"].notna()])
    table = table.astype({"country": "string", "year": "int64"})
    return table.sort_values(["country", "year"], ignore_index=True)


def tourism_indicators(tourism: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """Market share and receipts per arrival per country and year, in the columns of
    :func:`gvc_upgrading.analysis.indicators.trade_indicators` (see the module docstring)."""
    rows = tourism[tourism["year"].between(*years) & tourism["tourism_receipts_usd"].notna()]
    receipts, arrivals = rows["tourism_receipts_usd"], rows["tourism_arrivals"]
    has_arrivals = arrivals.gt(0).fillna(False)
    both = rows.assign(r=receipts.where(has_arrivals, 0.0), a=arrivals.where(has_arrivals, 0.0))
    world = both.groupby("year").agg(world_export_value_usd=("tourism_receipts_usd", "sum"),
                                     world_r=("r", "sum"), world_a=("a", "sum"))
    world["world_per_arrival"] = world["world_r"] / world["world_a"].where(world["world_a"] > 0)
    table = rows[["country", "year"]].join(world, on="year")
    per_arrival = (receipts / arrivals).where(has_arrivals)
    with np.errstate(divide="ignore", invalid="ignore"):
        table = table.assign(
            export_value_usd=receipts,
            export_quantity_kg=np.nan,
            market_share=receipts / table["world_export_value_usd"],
            unit_value_coverage=has_arrivals.astype("float64"),
            unit_value_usd_per_kg=per_arrival,
            relative_unit_value=per_arrival / table["world_per_arrival"],
        )
    columns = ["year", "country", "export_value_usd", "export_quantity_kg",
               "world_export_value_usd", "market_share", "unit_value_coverage",
               "unit_value_usd_per_kg", "relative_unit_value"]
    return table[columns].reset_index(drop=True)
