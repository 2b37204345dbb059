"""Rule harmonise_value_added: OECD TiVA per country x value chain (its industry) x year, with
the row accounting."""

from gvc_upgrading.harmonise.accounting import write_ledgers
from gvc_upgrading.harmonise.schema import write_checked
from gvc_upgrading.harmonise.value_added import Flow, harmonise_value_added, value_added_schema
from gvc_upgrading.io import rule_logging

with rule_logging(snakemake) as log:
    params = snakemake.params
    flows = [Flow(path, flow["dataflow"], flow["unit"], tuple(flow["measures"]),
                  tuple(flow["activities"]),
                  tuple(flow["countries"]) if flow["countries"] else None)
             for path, flow in zip(snakemake.input.tiva, params.flows, strict=True)]
    ledgers = []
    table = harmonise_value_added(flows, params.chain_activities, tuple(params.years),
                                  historical_entities=params.historical_entities,
                                  ledgers=ledgers)
    log.info("value added: %d country-chain-years, %d countries", len(table),
             table["country"].nunique())
    write_checked(table, snakemake.output.table, value_added_schema(flows))
    write_ledgers(ledgers, snakemake.output.accounting)
