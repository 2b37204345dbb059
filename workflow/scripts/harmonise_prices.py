"""Rule harmonise_prices: WDI CPI and exchange rates for countries (aggregates dropped)."""

from gvc_upgrading.harmonise import harmonise_prices
from gvc_upgrading.io import rule_logging, write_table

with rule_logging(snakemake) as log:
    prices = harmonise_prices(snakemake.input.cpi[0], snakemake.input.fx[0],
                              snakemake.params.base_year)
    log.info("prices: %d country-years", len(prices))
    write_table(prices, snakemake.output[0], metadata={
        "units": {"cpi": "index as published", "cpi_rebased": f"{snakemake.params.base_year} = 100",
                  "exchange_rate_lcu_per_usd": "national currency per US dollar, period average"},
    })
