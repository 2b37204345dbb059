"""Rule tabulate_further_quadrants: counts of countries per economic x social quadrant for each
rule of classification.further_rules."""

from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_text
from gvc_upgrading.outputs.tables import quadrant_counts, quadrant_table

with rule_logging(snakemake):
    labels = snakemake.params.labels
    outputs = zip(snakemake.input, snakemake.output.csv, snakemake.output.md,
                  snakemake.output.html, strict=True)
    for classification, csv, md, html in outputs:
        counts = quadrant_counts(read_table(classification))
        with atomic_path(csv) as tmp:
            counts.to_csv(tmp, index=False)
        write_text(quadrant_table(counts, "markdown", chain_labels=labels), md)
        write_text(quadrant_table(counts, "html", chain_labels=labels), html)
