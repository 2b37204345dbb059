"""Rule harmonise_trade: one year of trade flows to tidy Parquet (crosswalk codes, HS6 strings,
USD, kg), checked against its declared schema, with the year's row accounting (a year the
release lacks: an error, or with years.missing skip an empty table marked missing). A BACI year is
streamed from the release zip to Parquet batch by batch; a Comtrade year is small and read whole."""

from gvc_upgrading.harmonise.accounting import write_ledgers
from gvc_upgrading.harmonise.schema import TRADE, write_checked
from gvc_upgrading.harmonise.trade import (
    harmonise_comtrade_year,
    write_missing_year,
    write_trade_year,
    year_available,
)
from gvc_upgrading.io import rule_logging

with rule_logging(snakemake) as log:
    year = int(snakemake.wildcards.year)
    ledgers = []
    metadata = {"dataset": snakemake.params.dataset, "source_file": snakemake.input.raw,
                "year": year}
    options = {"historical_entities": snakemake.params.historical_entities, "ledgers": ledgers}
    if not year_available(snakemake.input.raw, year, snakemake.params.format,
                          snakemake.params.missing):
        write_missing_year(snakemake.output.table, year, metadata=metadata)
    elif snakemake.params.format == "baci_zip":
        write_trade_year(snakemake.input.raw, year, snakemake.output.table, metadata=metadata,
                         release=snakemake.params.release, **options)
    else:
        table = harmonise_comtrade_year(snakemake.input.raw, year, **options)
        write_checked(table, snakemake.output.table, TRADE, metadata=metadata)
    write_ledgers(ledgers, snakemake.output.accounting)
