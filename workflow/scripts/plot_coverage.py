"""Rule plot_coverage: country x year heat map of trade and labour data per value chain, and
the share of exporters with each dimension in use."""

from pathlib import Path

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.figures import plot_coverage

with rule_logging(snakemake):
    plot_coverage(read_table(snakemake.input[0]), Path(snakemake.output[0]).with_suffix(""),
                  formats=snakemake.params.formats, dpi=snakemake.params.dpi,
                  chain_labels=snakemake.params.labels,
                  dimensions=snakemake.params.dimensions)
