"""Rule plot_coefficients: estimates with 95% intervals across specifications."""

from pathlib import Path

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.figures import plot_coefficients

with rule_logging(snakemake):
    stem = Path(snakemake.output[0]).with_suffix("")
    plot_coefficients(read_table(snakemake.input[0]), stem,
                      formats=snakemake.params.formats, dpi=snakemake.params.dpi,
                      chain_labels=snakemake.params.labels)
