"""Rule harmonise_tourism: WDI international tourism receipts and arrivals per country and year
(aggregates dropped), with the row accounting."""

from gvc_upgrading.harmonise.accounting import write_ledgers
from gvc_upgrading.harmonise.schema import write_checked
from gvc_upgrading.harmonise.tourism import TOURISM, harmonise_tourism
from gvc_upgrading.io import rule_logging

with rule_logging(snakemake) as log:
    ledgers = []
    table = harmonise_tourism(snakemake.input.receipts[0], snakemake.input.arrivals[0],
                              historical_entities=snakemake.params.historical_entities,
                              ledgers=ledgers, years=tuple(snakemake.params.years))
    log.info("tourism: %d country-years", len(table))
    write_checked(table, snakemake.output.table, TOURISM)
    write_ledgers(ledgers, snakemake.output.accounting)
