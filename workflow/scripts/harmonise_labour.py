"""Rule harmonise_labour: employment and wages per country x value chain x year, with the row
accounting of each labour file."""

from gvc_upgrading.harmonise.accounting import write_ledgers
from gvc_upgrading.harmonise.labour import harmonise_labour
from gvc_upgrading.harmonise.schema import LABOUR, write_checked
from gvc_upgrading.io import read_table, rule_logging

with rule_logging(snakemake) as log:
    ledgers = []
    labour = harmonise_labour(
        # an input the configuration does not need is an empty list: no file
        indstat_path=snakemake.input.indstat or None,
        ilostat_employment_path=snakemake.input.ilostat_employment or None,
        ilostat_earnings_path=snakemake.input.ilostat_earnings or None,
        prices=read_table(snakemake.input.prices),
        gvcs=snakemake.params.gvcs,
        chains=snakemake.params.chains,
        years=tuple(snakemake.params.years),
        historical_entities=snakemake.params.historical_entities,
        isic_break=snakemake.params.isic_break,
        series_break=snakemake.params.series_break,
        labour_fallback=snakemake.params.labour_fallback,
        ilostat_indicators=snakemake.params.ilostat_indicators,
        ledgers=ledgers,
    )
    log.info("labour: %d country-chain-years", len(labour))
    write_checked(labour, snakemake.output.table, LABOUR,
                  metadata={"isic_break": snakemake.params.isic_break,
                            "series_break": snakemake.params.series_break})
    write_ledgers(ledgers, snakemake.output.accounting)
