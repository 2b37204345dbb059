"""Rule estimate_social_on_economic: regressions of social outcomes on economic indicators."""

from gvc_upgrading.analysis.estimate import estimate_all
from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_table

with rule_logging(snakemake) as log:
    estimates = estimate_all(
        read_table(snakemake.input[0]),
        snakemake.params.specifications,
        periods=snakemake.params.periods,
        endpoint_years=snakemake.params.endpoint_years,
        variables=snakemake.params.variables,
    )
    log.info("estimated %d coefficients", len(estimates))
    write_table(estimates, snakemake.output.table)
    with atomic_path(snakemake.output.csv) as tmp:
        estimates.to_csv(tmp, index=False)
