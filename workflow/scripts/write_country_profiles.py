"""Rule write_country_profiles: the self-contained country profile page."""

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.profiles import write_profiles

with rule_logging(snakemake) as log:
    classification = read_table(snakemake.input.classification)
    write_profiles(read_table(snakemake.input.indicators), classification,
                   snakemake.params.dimensions, snakemake.output[0],
                   chain_labels=snakemake.params.labels,
                   level_changes=snakemake.params.level_changes)
    log.info("wrote %d profiles",
             len(classification[["country", "value_chain"]].drop_duplicates()))
