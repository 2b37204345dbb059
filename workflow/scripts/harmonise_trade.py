"""Rule harmonise_trade: one year of BACI flows to tidy Parquet (ISO3, HS6 strings, USD, kg)."""

from gvc_upgrading.harmonise import TRADE_UNITS, harmonise_trade_year
from gvc_upgrading.io import rule_logging, write_table

with rule_logging(snakemake) as log:
    year = int(snakemake.wildcards.year)
    table = harmonise_trade_year(snakemake.input.release, year)
    write_table(table, snakemake.output[0], metadata={
        "dataset": snakemake.params.dataset, "source_file": snakemake.input.release,
        "year": year, "units": TRADE_UNITS,
    })
