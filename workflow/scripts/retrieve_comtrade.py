"""Rule retrieve_comtrade: one year of UN Comtrade exports to the World, split under the row cap."""

from gvc_upgrading.io import rule_logging
from gvc_upgrading.store.retrieve import retrieve_comtrade_year

with rule_logging(snakemake) as log:
    manifest = retrieve_comtrade_year(snakemake.params.download, snakemake.output[0],
                                      snakemake.params.hs_prefixes)
    log.info("stored %s (%d records)", snakemake.output[0], manifest["records"])
