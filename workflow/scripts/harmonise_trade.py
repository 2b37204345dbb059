"""Rule harmonise_trade: one year of trade flows to tidy Parquet (ISO3, HS6 strings, USD, kg)."""

from gvc_upgrading.harmonise import TRADE_UNITS, harmonise_comtrade_year, harmonise_trade_year
from gvc_upgrading.io import rule_logging, write_table

READERS = {"baci_zip": harmonise_trade_year, "comtrade_api": harmonise_comtrade_year}

with rule_logging(snakemake) as log:
    year = int(snakemake.wildcards.year)
    table = READERS[snakemake.params.format](snakemake.input.raw, year)
    write_table(table, snakemake.output[0], metadata={
        "dataset": snakemake.params.dataset, "source_file": snakemake.input.raw,
        "year": year, "units": TRADE_UNITS,
    })
