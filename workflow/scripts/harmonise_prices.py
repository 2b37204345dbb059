"""Rule harmonise_prices: WDI CPI and exchange rates for countries (aggregates dropped), with the
row accounting."""

from gvc_upgrading.harmonise.accounting import write_ledgers
from gvc_upgrading.harmonise.prices import harmonise_prices
from gvc_upgrading.harmonise.schema import PRICES, write_checked
from gvc_upgrading.io import rule_logging

with rule_logging(snakemake) as log:
    ledgers = []
    prices = harmonise_prices(snakemake.input.cpi[0], snakemake.input.fx[0],
                              snakemake.params.base_year,
                              historical_entities=snakemake.params.historical_entities,
                              ledgers=ledgers, years=tuple(snakemake.params.years))
    log.info("prices: %d country-years", len(prices))
    write_checked(prices, snakemake.output.table, PRICES,
                  metadata={"cpi_base_year": snakemake.params.base_year})
    write_ledgers(ledgers, snakemake.output.accounting)
