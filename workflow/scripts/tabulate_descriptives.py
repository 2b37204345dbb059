"""Rule tabulate_descriptives: descriptive statistics of every variable the regressions use."""

from gvc_upgrading.analysis.specifications import spec_variables
from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_text
from gvc_upgrading.outputs.tables import descriptive_statistics, descriptive_table

with rule_logging(snakemake) as log:
    variables = spec_variables(snakemake.params.specifications)
    log.info("describing %s", ", ".join(variables))
    stats = descriptive_statistics(read_table(snakemake.input[0]), variables)
    with atomic_path(snakemake.output.csv) as tmp:
        stats.to_csv(tmp, index=False)
    labels = snakemake.params.labels
    for fmt, path in (("markdown", snakemake.output.md), ("latex", snakemake.output.tex),
                      ("html", snakemake.output.html)):
        write_text(descriptive_table(stats, fmt, chain_labels=labels,
                                     variables=snakemake.params.variables), path)
