"""Rule plot_quadrants: the quadrant scatter of each value chain."""

from pathlib import Path

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.quadrants import plot_quadrants

with rule_logging(snakemake):
    classification = read_table(snakemake.input[0])
    for chain in snakemake.params.chains:
        output = next(Path(p) for p in snakemake.output if Path(p).stem == f"quadrants_{chain}")
        plot_quadrants(classification, chain, output.with_suffix(""),
                       formats=snakemake.params.formats, dpi=snakemake.params.dpi,
                       chain_label=snakemake.params.labels[chain],
                       tolerance=snakemake.params.tolerance,
                       dimension_labels=snakemake.params.dimension_labels)
