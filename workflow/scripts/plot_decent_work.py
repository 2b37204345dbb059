"""Rule plot_decent_work: the decent-work heat map of each value chain."""

from pathlib import Path

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.decent_work import plot_decent_work

with rule_logging(snakemake):
    classification = read_table(snakemake.input[0])
    for chain in snakemake.params.chains:
        output = next(Path(p) for p in snakemake.output if Path(p).stem == f"decent_work_{chain}")
        plot_decent_work(classification, chain, snakemake.params.dimensions,
                         output.with_suffix(""), formats=snakemake.params.formats,
                         dpi=snakemake.params.dpi, chain_label=snakemake.params.labels[chain],
                         level_changes=snakemake.params.level_changes)
