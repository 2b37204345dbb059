"""Rule plot_robustness: heat map of the verdicts' agreement across the robustness grid."""

from pathlib import Path

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.figures import plot_robustness

with rule_logging(snakemake):
    plot_robustness(read_table(snakemake.input[0]), Path(snakemake.output[0]).with_suffix(""),
                    formats=snakemake.params.formats, dpi=snakemake.params.dpi,
                    chain_labels=snakemake.params.labels)
