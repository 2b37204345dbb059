"""Rule harmonise_labour: employment and wages per country x value chain x year."""

from gvc_upgrading.harmonise import harmonise_labour
from gvc_upgrading.indicators import UNITS
from gvc_upgrading.io import read_table, rule_logging, write_table

with rule_logging(snakemake) as log:
    labour = harmonise_labour(
        indstat_path=snakemake.input.indstat,
        ilostat_employment_path=snakemake.input.ilostat_employment,
        ilostat_earnings_path=snakemake.input.ilostat_earnings,
        prices=read_table(snakemake.input.prices),
        gvcs=snakemake.params.gvcs,
        chains=snakemake.params.chains,
        years=tuple(snakemake.params.years),
    )
    log.info("labour: %d country-chain-years", len(labour))
    units = {k: v for k, v in UNITS.items() if k in labour.columns}
    write_table(labour, snakemake.output[0], metadata={"units": units})
