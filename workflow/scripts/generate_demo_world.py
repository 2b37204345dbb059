"""Rule generate_demo_world: write the demo world's raw files in the sources' real formats."""

from gvc_upgrading.demo import generate_demo_world
from gvc_upgrading.io import rule_logging

with rule_logging(snakemake) as log:
    written = generate_demo_world(
        snakemake.params.out_dir,
        seed=snakemake.params.seed,
        n_countries=snakemake.params.n_countries,
        years=tuple(snakemake.params.years),
        baci_version=snakemake.params.baci_version,
    )
    for source, paths in written.items():
        log.info("%s: %s", source, ", ".join(str(p) for p in paths))
