"""Rule tabulate_quadrants: counts of countries per economic x social quadrant."""

from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_text
from gvc_upgrading.outputs.tables import quadrant_counts, quadrant_table

with rule_logging(snakemake):
    counts = quadrant_counts(read_table(snakemake.input[0]))
    with atomic_path(snakemake.output.csv) as tmp:
        counts.to_csv(tmp, index=False)
    labels = snakemake.params.labels
    write_text(quadrant_table(counts, "markdown", chain_labels=labels), snakemake.output.md)
    write_text(quadrant_table(counts, "html", chain_labels=labels), snakemake.output.html)
