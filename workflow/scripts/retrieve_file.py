"""Rules retrieve_baci, retrieve_ilostat, retrieve_wdi: download one registered raw file."""

from gvc_upgrading.io import rule_logging
from gvc_upgrading.store.retrieve import retrieve

with rule_logging(snakemake) as log:
    manifest = retrieve(snakemake.params.download, snakemake.output[0])
    log.info("stored %s (%d bytes, sha256 %s)", snakemake.output[0], manifest["bytes"],
             manifest["sha256"])
