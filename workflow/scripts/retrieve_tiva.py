"""Rule retrieve_oecd: one OECD TiVA answer, requested for the configured measures, activities
and economies, split under the URL length, checked and stored with its manifest."""

from gvc_upgrading.io import rule_logging
from gvc_upgrading.store.retrieve import retrieve_tiva

with rule_logging(snakemake) as log:
    manifest = retrieve_tiva(snakemake.params.download, snakemake.output[0])
    log.info("stored %s (%d observations, %d requests, sha256 %s)", snakemake.output[0],
             manifest["observations"], len(manifest["requests"]), manifest["sha256"])
