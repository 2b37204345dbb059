"""Rule harmonise_dimensions: every dimension of dimensions.use read from an ILOSTAT file, as
one value per country x value chain x year and sex, with the row accounting of each file."""

from dataclasses import replace

import pandas as pd

from gvc_upgrading.dimensions import load_dimensions
from gvc_upgrading.harmonise.accounting import write_ledgers
from gvc_upgrading.harmonise.dimensions import (
    DIMENSION_TABLE,
    empty_dimension_table,
    harmonise_dimension,
)
from gvc_upgrading.harmonise.schema import write_checked
from gvc_upgrading.io import rule_logging

with rule_logging(snakemake) as log:
    params = snakemake.params
    options = {"gvcs": params.gvcs, "chains": params.chains, "years": tuple(params.years),
               "historical_entities": params.historical_entities}
    ledgers, pieces = [], []
    for dim in load_dimensions(params.dimensions).values():
        if not dim.dataset or dim.source["format"] == "tiva_sdmx_csv":
            continue  # built from trade or labour, or OECD TiVA (harmonise_value_added)
        employed = None
        if dim.source["measure"] == "per_100000_employed":
            base = dim.source["denominator"]
            employment = replace(dim, id=f"{dim.id}_employment", by_sex=False, source={
                "dataset": base["dataset"], "format": dim.source["format"],
                "indicator": base["indicator"], "measure": "value"})
            employed = harmonise_dimension(employment, snakemake.input[base["dataset"]],
                                           ledgers=ledgers, **options)
        pieces.append(harmonise_dimension(dim, snakemake.input[dim.dataset],
                                          denominator=employed, ledgers=ledgers, **options))
    table = pd.concat(pieces, ignore_index=True) if pieces else empty_dimension_table()
    log.info("dimensions: %d values of %s", len(table),
             ", ".join(table["dimension"].unique()) or "none (no dimension read from a file)")
    write_checked(table, snakemake.output.table, DIMENSION_TABLE)
    write_ledgers(ledgers, snakemake.output.accounting)
