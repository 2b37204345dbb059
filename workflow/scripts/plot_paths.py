"""Rule plot_paths: market-share and real-wage paths of the selected countries."""

from pathlib import Path

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.figures import plot_paths

with rule_logging(snakemake):
    plot_paths(read_table(snakemake.input[0]), snakemake.params.countries,
               Path(snakemake.output[0]).with_suffix(""), formats=snakemake.params.formats,
               dpi=snakemake.params.dpi, chain_labels=snakemake.params.labels)
