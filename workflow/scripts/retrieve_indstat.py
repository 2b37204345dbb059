"""Rule retrieve_indstat: INDSTAT is licensed, so there is nothing to download; say what to do."""

from gvc_upgrading.io import rule_logging

with rule_logging(snakemake):
    download = snakemake.params.download
    raise FileNotFoundError(
        f"{snakemake.output[0]} is missing. UNIDO INDSTAT data are licensed and cannot be "
        f"downloaded by the workflow: obtain the file from UNIDO and place it at "
        f"{snakemake.output[0]} (dataset {download['dataset']}: {download['description']})"
    )
