"""Rule compare_with_published: the run's classification against a paper's published values."""

from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_text
from gvc_upgrading.outputs.replication import compare, headline, read_published, replication_report

with rule_logging(snakemake) as log:
    params = snakemake.params
    published = read_published(snakemake.input.published, value_chains=params.value_chains,
                               periods=params.periods)
    log.info("read %d published cells from %s", len(published), snakemake.input.published)
    classification = read_table(snakemake.input.classification)
    comparison = compare(classification, published, tolerance=params.tolerance,
                         absolute_tolerance=params.absolute_tolerance)
    log.info("%s", headline(comparison))
    with atomic_path(snakemake.output.csv) as tmp:
        comparison.to_csv(tmp, index=False)
    measures = classification["change_measure"].unique() if len(classification) else []
    for fmt, path in (("markdown", snakemake.output.md), ("html", snakemake.output.html)):
        text = replication_report(
            comparison, fmt, tolerance=params.tolerance,
            absolute_tolerance=params.absolute_tolerance,
            published_path=str(snakemake.input.published),
            change_measure=measures[0] if len(measures) == 1 else None,
            chain_labels=params.labels,
        )
        write_text(text, path)
