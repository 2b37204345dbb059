"""Rule tabulate_data_availability: the configured years each source has, and the variables
each value chain has or lost."""

import pyarrow.parquet as pq

from gvc_upgrading.io import atomic_path, read_table, rule_logging, write_text
from gvc_upgrading.outputs.availability import (
    availability_tables,
    lost_variables,
    source_years,
    variable_coverage,
)

with rule_logging(snakemake) as log:
    params = snakemake.params
    trade_years = [year for year, path in zip(params.years, snakemake.input.trade)
                   if pq.ParquetFile(path).metadata.num_rows > 0]
    labour = read_table(snakemake.input.labour)
    prices = read_table(snakemake.input.prices)
    wage_or_jobs = labour["employment_persons"].notna() | labour[
        "nominal_wage_per_employee_lcu"].notna()
    found = {("trade", params.datasets["trade"]): trade_years}
    for source, rows in labour[wage_or_jobs].groupby("labour_source"):
        role = "indstat" if source == "indstat" else "ilostat_employment"
        found[(f"labour ({source})", params.datasets.get(role) or "")] = rows["year"]
    for column, role in (("cpi", "wdi_cpi"), ("exchange_rate_lcu_per_usd", "wdi_exchange_rate")):
        found[(f"prices ({column})", params.datasets[role])] = prices.loc[
            prices[column].notna(), "year"]
    years = source_years(found, params.years)
    coverage = variable_coverage(read_table(snakemake.input.indicators), params.variables)
    for row in years[years["years_without_data"] != ""].itertuples():
        log.warning("%s (%s): no data for %s", row.source, row.dataset, row.years_without_data)
    for chain, lost in lost_variables(coverage).items():
        log.warning("%s: no data for %s", chain, ", ".join(lost))
    with atomic_path(snakemake.output.years) as tmp:
        years.to_csv(tmp, index=False)
    with atomic_path(snakemake.output.variables) as tmp:
        coverage.to_csv(tmp, index=False)
    tables = availability_tables(years, coverage, params.labels, params.specs_left_out)
    write_text(tables["markdown"], snakemake.output.md)
    write_text(tables["html"], snakemake.output.html)
