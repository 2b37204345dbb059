"""Rule describe_provenance: datasets, raw-file checksums, software and config of the run."""

import json

from gvc_upgrading.io import rule_logging, write_text
from gvc_upgrading.outputs.provenance import describe_provenance, provenance_html

with rule_logging(snakemake) as log:
    record = describe_provenance(
        snakemake.params.datasets,
        snakemake.params.files,
        snakemake.params.config,
        snakemake.input.config_files,
        snakemake.scriptdir,
    )
    mismatched = [f["path"] for d in record["datasets"] for f in d["files"]
                  if f["matches_pin"] is False]
    if mismatched:
        log.warning("raw files differ from the checksums pinned in the registry: %s", mismatched)
    write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", snakemake.output.json)
    write_text(provenance_html(record), snakemake.output.html)
