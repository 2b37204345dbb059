"""Rule compute_indicators: market shares, unit values, employment and real wages."""

from gvc_upgrading.analysis.indicators import UNITS, compute_indicators
from gvc_upgrading.harmonise.prices import usd_deflator
from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_table

with rule_logging(snakemake) as log:
    table = compute_indicators(
        snakemake.input.trade,
        read_table(snakemake.input.labour),
        snakemake.params.gvcs,
        snakemake.params.chains,
        tuple(snakemake.params.years),
        usd_deflator=usd_deflator(read_table(snakemake.input.prices),
                                  **snakemake.params.usd_deflator),
        tourism=read_table(snakemake.input.tourism[0]) if snakemake.input.tourism else None,
    )
    log.info("indicators: %d rows, %d countries", len(table), table["country"].nunique())
    write_table(table, snakemake.output.table, metadata={"units": UNITS})
    with atomic_path(snakemake.output.csv) as tmp:
        table.to_csv(tmp, index=False)
