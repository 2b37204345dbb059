"""Rule compare_country_groups: upgrading classes per country group (config country_groups)."""

from gvc_upgrading.analysis.groups import compare_groups, render_comparison
from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_text

with rule_logging(snakemake) as log:
    comparison = compare_groups(read_table(snakemake.input[0]), snakemake.params.groups,
                                snakemake.params.rest)
    with atomic_path(snakemake.output.csv) as tmp:
        comparison.to_csv(tmp, index=False)
    labels = snakemake.params.labels
    write_text(render_comparison(comparison, "markdown", labels), snakemake.output.md)
    write_text(render_comparison(comparison, "html", labels), snakemake.output.html)
    log.info("group comparison: %d rows (%s)", len(comparison),
             ", ".join(sorted(set(comparison.get("group", [])))))
