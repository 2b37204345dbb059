"""Rule compute_indicators: market shares, unit values, employment and real wages, the columns
of the dimensions read from raw files (hours, informality, rights, ...), and, where dimensions
read OECD TiVA, the value captured in the chain's industry."""

from gvc_upgrading.analysis.indicators import UNITS, VALUE_ADDED_UNITS, compute_indicators
from gvc_upgrading.dimensions import load_dimensions
from gvc_upgrading.harmonise.dimensions import dimension_columns, dimension_flags
from gvc_upgrading.harmonise.prices import usd_deflator
from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_table

with rule_logging(snakemake) as log:
    dimensions = load_dimensions(snakemake.params.dimensions)
    value_added = snakemake.input.value_added
    long = read_table(snakemake.input.dimensions)
    table = compute_indicators(
        snakemake.input.trade,
        read_table(snakemake.input.labour),
        snakemake.params.gvcs,
        snakemake.params.chains,
        tuple(snakemake.params.years),
        usd_deflator=usd_deflator(read_table(snakemake.input.prices),
                                  **snakemake.params.usd_deflator),
        tourism=read_table(snakemake.input.tourism[0]) if snakemake.input.tourism else None,
        dimensions=dimension_columns(long, dimensions),
        dimension_flags=dimension_flags(long, dimensions),
        value_added=read_table(value_added[0]) if value_added else None,
        value_added_dimensions=snakemake.params.value_added,
    )
    units = {**UNITS, **(VALUE_ADDED_UNITS if value_added else {}),
             **{c: d.unit for d in dimensions.values() for c in d.columns if c not in UNITS}}
    log.info("indicators: %d rows, %d countries; %d rows with a value after a break in series, "
             "%d with an unreliable value", len(table), table["country"].nunique(),
             int((table["series_breaks"] != "").sum()),
             int((table["unreliable_values"] != "").sum()))
    write_table(table, snakemake.output.table, metadata={"units": units})
    with atomic_path(snakemake.output.csv) as tmp:
        table.to_csv(tmp, index=False)
