"""Rule harmonise_dimensions: every dimension of dimensions.use read from an ILOSTAT file, as
one value per country x value chain x year and sex, with the row accounting of each file."""

from gvc_upgrading.dimensions import load_dimensions
from gvc_upgrading.harmonise.accounting import write_ledgers
from gvc_upgrading.harmonise.dimensions import DIMENSION_TABLE, harmonise_dimensions
from gvc_upgrading.harmonise.schema import write_checked
from gvc_upgrading.io import rule_logging

with rule_logging(snakemake) as log:
    params = snakemake.params
    ledgers = []
    table = harmonise_dimensions(
        load_dimensions(params.dimensions), snakemake.input, gvcs=params.gvcs,
        chains=params.chains, years=tuple(params.years),
        historical_entities=params.historical_entities, ledgers=ledgers)
    log.info("dimensions: %d values of %s", len(table),
             ", ".join(table["dimension"].unique()) or "none (no dimension read from a file)")
    write_checked(table, snakemake.output.table, DIMENSION_TABLE)
    write_ledgers(ledgers, snakemake.output.accounting)
