"""Rule plot_value_added_paths: domestic value-added share paths of the path countries."""

from pathlib import Path

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.value_capture_figures import plot_value_added_paths

with rule_logging(snakemake):
    plot_value_added_paths(read_table(snakemake.input[0]), snakemake.params.countries,
                           Path(snakemake.output[0]).with_suffix(""),
                           formats=snakemake.params.formats, dpi=snakemake.params.dpi,
                           chain_labels=snakemake.params.labels)
