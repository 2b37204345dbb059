"""Prices: national CPI (as published and rebased to the configured base year) and the official
exchange rate (LCU per USD) from World Bank WDI downloads, countries only; and the US-dollar
deflator that turns current into constant USD.
"""

from __future__ import annotations

import logging

import pandas as pd

from ..errors import InputError
from ..sources import wdi
from .accounting import Ledger, keep_ledger
from .countries import (
    drop_non_countries,
    iso3_codes,
)

log = logging.getLogger(__name__)


def wdi_countries(path, indicator: str, column: str, policy: str, ledgers: list | None, *,
                  step: str = "harmonise_prices",
                  years: tuple[int, int] | None = None) -> tuple[pd.DataFrame, Ledger]:
    """One WDI download as country, year, ``column``: rows of ``indicator`` only, aggregates and
    (``policy``) historical entities dropped, each counted in the ledger of ``step`` (returned
    for the caller to write). The reader has checked each value against its indicator's range
    (:data:`gvc_upgrading.sources.wdi.VALUE_RANGES`). ``years``: the configured years; a
    download with no value in them is an error (all its years are kept: a base year or deflator
    may lie outside)."""
    values, meta = wdi.read_wdi_download(path)
    ledger = keep_ledger(ledgers, Ledger(step, f"World Bank WDI {indicator}", path, [column]))
    values = ledger.read(values.rename(columns={"value": column}))
    values = ledger.drop(values, values["indicator_code"] != indicator, "another indicator")
    if values.empty:
        raise InputError(path, f"no rows for indicator {indicator}", key="Indicator Code")
    unknown = sorted(set(values["country_code"]) - set(meta["country_code"]))
    if unknown:
        raise InputError(path, f"country code(s) {unknown[:10]} missing from the country metadata",
                         key="Country Code")
    _check_configured_years(values, path, indicator, years)
    aggregates = set(meta.loc[meta["is_aggregate"], "country_code"])
    values["country"] = iso3_codes(values["country_code"], source="World Bank WDI", path=path,
                                   aggregates=aggregates)
    values = drop_non_countries(values, "country", policy, ledger)
    log.info("%s: %d country values kept", indicator, len(values))
    return values[["country", "year", column]], ledger


def _check_configured_years(values: pd.DataFrame, path, indicator: str,
                            years: tuple[int, int] | None) -> None:
    """A download without one value in the configured ``years`` is an InputError."""
    if years is not None and not values["year"].between(*years).any():
        raise InputError(path, f"{indicator} has values for {values['year'].min()}-"
                               f"{values['year'].max()} only; expected values in the configured "
                               f"years {years[0]}-{years[1]} (config key years)", key="year")


def harmonise_prices(cpi_path, fx_path, base_year: int, *, historical_entities: str = "drop",
                     ledgers: list | None = None,
                     years: tuple[int, int] | None = None) -> pd.DataFrame:
    """CPI (published and rebased to ``base_year`` = 100) and LCU per USD by country and year.

    Each path is a WDI download as :func:`gvc_upgrading.sources.wdi.read_wdi_download` reads it;
    each must have values in the configured ``years`` (when given).
    """
    cpi, cpi_ledger = wdi_countries(cpi_path, "FP.CPI.TOTL", "cpi", historical_entities, ledgers,
                                    years=years)
    fx, fx_ledger = wdi_countries(fx_path, "PA.NUS.FCRF", "exchange_rate_lcu_per_usd",
                                   historical_entities, ledgers, years=years)
    prices = cpi.merge(fx, on=["country", "year"], how="outer")
    base = prices.loc[prices["year"] == base_year, ["country", "cpi"]].dropna()
    base = base.rename(columns={"cpi": "cpi_in_base_year"})
    prices = prices.merge(base, on="country", how="left")
    prices["cpi_rebased"] = prices["cpi"] / prices["cpi_in_base_year"] * 100.0
    no_base = prices.loc[prices["cpi"].notna() & prices["cpi_in_base_year"].isna(), "country"]
    if len(no_base):
        log.warning("CPI without a %d value (no real wages) for: %s", base_year,
                    ", ".join(sorted(set(no_base))))
    prices = prices.drop(columns="cpi_in_base_year").astype({"country": "string"})
    cpi_ledger.write(prices[prices["cpi"].notna()])
    fx_ledger.write(prices[prices["exchange_rate_lcu_per_usd"].notna()])
    return prices.sort_values(["country", "year"], ignore_index=True)


def usd_deflator(prices: pd.DataFrame, country: str, base_year: int) -> pd.Series:
    """The CPI of ``country`` by year, ``base_year`` = 100: the deflator of US-dollar values
    (config ``prices.usd_deflator``; the United States' CPI turns current into constant USD)."""
    rows = prices[(prices["country"] == country) & prices["cpi"].notna()]
    cpi = rows.set_index("year")["cpi"]
    if base_year not in cpi.index:
        raise ValueError(f"prices.usd_deflator: no CPI of {country} in {base_year} in the prices "
                         f"table (it has {', '.join(map(str, cpi.index[:3]))}"
                         f"{' ...' if len(cpi) > 3 else ''})")
    return (cpi / cpi[base_year] * 100.0).rename("usd_deflator")
