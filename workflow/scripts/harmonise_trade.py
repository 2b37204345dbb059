"""Rule harmonise_trade: one year of trade flows to tidy Parquet (crosswalk codes, HS6 strings,
USD, kg), checked against its declared schema, with the year's row accounting."""

from gvc_upgrading.accounting import write_ledgers
from gvc_upgrading.harmonise import harmonise_comtrade_year, harmonise_trade_year
from gvc_upgrading.io import rule_logging
from gvc_upgrading.schema import TRADE, write_checked

READERS = {"baci_zip": harmonise_trade_year, "comtrade_api": harmonise_comtrade_year}

with rule_logging(snakemake) as log:
    year = int(snakemake.wildcards.year)
    ledgers = []
    table = READERS[snakemake.params.format](
        snakemake.input.raw, year, historical_entities=snakemake.params.historical_entities,
        ledgers=ledgers)
    write_checked(table, snakemake.output.table, TRADE, metadata={
        "dataset": snakemake.params.dataset, "source_file": snakemake.input.raw, "year": year,
    })
    write_ledgers(ledgers, snakemake.output.accounting)
