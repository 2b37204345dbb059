"""Rule map_outputs: which rule, script and library functions make each output."""

from gvc_upgrading.io import rule_logging, write_text
from gvc_upgrading.outputs.provenance import outputs_map

with rule_logging(snakemake):
    write_text(outputs_map(snakemake.params.catalogue, "markdown"), snakemake.output.md)
    write_text(outputs_map(snakemake.params.catalogue, "html"), snakemake.output.html)
