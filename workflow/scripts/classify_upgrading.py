"""Rule classify_upgrading: economic and social upgrading classes per country, chain, period."""

from gvc_upgrading.analysis.classify import CHANGE_MEASURES, classify
from gvc_upgrading.io import read_table, rule_logging, write_table

with rule_logging(snakemake) as log:
    params = snakemake.params
    classes = classify(
        read_table(snakemake.input[0]),
        params.periods,
        rule=params.rule,
        tolerance=params.tolerance,
        endpoint_years=params.endpoint_years,
        min_endpoint_observations=params.min_endpoint_observations,
        change=params.change,
    )
    log.info("classified %d country-chain-periods", len(classes))
    write_table(classes, snakemake.output[0], metadata={
        "rule": params.rule, "tolerance": params.tolerance, "tolerance_unit": "log points",
        "changes": CHANGE_MEASURES[params.change]})
