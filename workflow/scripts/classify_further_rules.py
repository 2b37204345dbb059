"""Rule classify_further_rules: the classification of each rule of classification.further_rules,
with the main rule's periods, tolerance, end windows, dimensions and decent-work settings, and
its quadrant counts."""

from gvc_upgrading.analysis.caveats import log_caveats
from gvc_upgrading.analysis.classify import CHANGE_MEASURES, DecentWork, classify, get_rule
from gvc_upgrading.dimensions import load_dimensions
from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_table, write_text
from gvc_upgrading.outputs.tables import quadrant_counts, quadrant_table

with rule_logging(snakemake) as log:
    params, output = snakemake.params, snakemake.output
    indicators = read_table(snakemake.input.indicators)
    dimensions = load_dimensions(params.dimensions)
    decent_work = DecentWork.from_config(params.decent_work)
    outputs = zip(params.rules, output.tables, output.csv, output.md, output.html, strict=True)
    for rule, path, csv, md, html in outputs:
        classes = classify(indicators, params.periods, rule=rule, tolerance=params.tolerance,
                           endpoint_years=params.endpoint_years,
                           min_endpoint_observations=params.min_endpoint_observations,
                           change=params.change, dimensions=dimensions,
                           decent_work=decent_work, level_changes=params.level_changes,
                           series_breaks=params.series_breaks)
        log.info("classified %d country-chain-periods with %s", len(classes), rule)
        log_caveats(classes, params.series_breaks, log)
        metadata = {"rule": rule, "tolerance": params.tolerance, "tolerance_unit": "log points",
                    "changes": CHANGE_MEASURES[params.change],
                    "changes_in_levels": [n for n in dimensions if n in params.level_changes],
                    "series_breaks": params.series_breaks}
        if get_rule(rule).judges_decent_work:
            metadata["decent_work"] = params.decent_work
        write_table(classes, path, metadata=metadata)
        counts = quadrant_counts(classes)
        with atomic_path(csv) as tmp:
            counts.to_csv(tmp, index=False)
        write_text(quadrant_table(counts, "markdown", chain_labels=params.labels), md)
        write_text(quadrant_table(counts, "html", chain_labels=params.labels), html)
