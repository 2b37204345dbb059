"""Rule classify_upgrading: economic and social upgrading classes per country, chain, period."""

from gvc_upgrading.analysis.caveats import log_caveats
from gvc_upgrading.analysis.changes import non_positive_values
from gvc_upgrading.analysis.classify import CHANGE_MEASURES, DecentWork, classify, get_rule
from gvc_upgrading.dimensions import load_dimensions
from gvc_upgrading.io import read_table, rule_logging, write_table

with rule_logging(snakemake) as log:
    params = snakemake.params
    indicators = read_table(snakemake.input.indicators)
    dimensions = load_dimensions(params.dimensions)
    decent_work = DecentWork.from_config(params.decent_work)
    for name, count in non_positive_values(indicators, dimensions, params.level_changes).items():
        log.warning("%s: %d zero or negative values in %s count as missing (a log change; list "
                    "it in classification.level_changes for a change in levels)", name, count,
                    dimensions[name].column)
    classes = classify(
        indicators,
        params.periods,
        rule=params.rule,
        tolerance=params.tolerance,
        endpoint_years=params.endpoint_years,
        min_endpoint_observations=params.min_endpoint_observations,
        change=params.change,
        dimensions=dimensions,
        decent_work=decent_work,
        level_changes=params.level_changes,
        series_breaks=params.series_breaks,
    )
    log.info("classified %d country-chain-periods with %s", len(classes), params.rule)
    log_caveats(classes, params.series_breaks, log)
    metadata = {
        "rule": params.rule, "tolerance": params.tolerance, "tolerance_unit": "log points",
        "changes": CHANGE_MEASURES[params.change],
        "changes_in_levels": [name for name in dimensions if name in params.level_changes],
        "series_breaks": params.series_breaks,
    }
    if get_rule(params.rule).judges_decent_work:
        metadata["decent_work"] = params.decent_work
    write_table(classes, snakemake.output[0], metadata=metadata)
