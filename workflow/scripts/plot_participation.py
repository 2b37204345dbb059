"""Rule plot_participation: backward participation against value-added share, per value chain
and period."""

from pathlib import Path

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.value_capture_figures import plot_participation

with rule_logging(snakemake):
    plot_participation(read_table(snakemake.input[0]), snakemake.params.periods,
                       Path(snakemake.output[0]).with_suffix(""),
                       endpoint_years=snakemake.params.endpoint_years,
                       formats=snakemake.params.formats, dpi=snakemake.params.dpi,
                       chain_labels=snakemake.params.labels)
