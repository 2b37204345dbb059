"""Rule assess_robustness: agreement of each verdict with the baseline across a grid of choices."""

from gvc_upgrading.analysis.classify import DecentWork
from gvc_upgrading.analysis.robustness import (
    Specification,
    assess_robustness,
    describe_grid,
    metadata,
    robustness_table,
    verdict_sides,
)
from gvc_upgrading.dimensions import load_dimensions
from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_table, write_text

with rule_logging(snakemake) as log:
    params = snakemake.params
    baseline = Specification(endpoint_years=params.endpoint_years, tolerance=params.tolerance)
    decent_work = DecentWork.from_config(params.decent_work)
    table = assess_robustness(
        read_table(snakemake.input.indicators),
        params.periods,
        params.grid,
        baseline,
        rule=params.rule,
        min_endpoint_observations=params.min_endpoint_observations,
        prices=read_table(snakemake.input.prices),
        change=params.change,
        dimensions=load_dimensions(params.dimensions),
        decent_work=decent_work,
        level_changes=params.level_changes,
        series_breaks=params.series_breaks,
    )
    for side in verdict_sides(params.rule):
        log.info("%s verdicts: %d of %d agree across all %d specifications", side,
                 int((table[f"{side}_agreement"] == 1).sum()), len(table),
                 table["n_specifications"].iat[0])
    write_table(table, snakemake.output.table,
                metadata=metadata(params.grid, baseline, params.rule, decent_work))
    with atomic_path(snakemake.output.csv) as tmp:
        table.to_csv(tmp, index=False)
    note = describe_grid(params.grid, baseline, params.rule, decent_work)
    for fmt, path in (("markdown", snakemake.output.md), ("html", snakemake.output.html)):
        text = robustness_table(table, fmt, rule=params.rule, unit_value=baseline.unit_value,
                                chain_labels=params.labels, note=note)
        write_text(text, path)
