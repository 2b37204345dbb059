# Helpers only: config validation, registry look-ups and the lists of partitioned outputs.

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))

from gvc_upgrading.config import check_references, load_yaml, validate

SCHEMAS = Path(workflow.basedir) / "workflow" / "schemas"
REGISTRY_FILE = "config/datasets.yaml"

validate(config, SCHEMAS / "config.schema.yaml", name="config")
GVCS = validate(
    load_yaml(config["value_chains_file"]), SCHEMAS / "gvcs.schema.yaml", name="value chains"
)
REGISTRY = validate(
    load_yaml(REGISTRY_FILE), SCHEMAS / "datasets.schema.yaml", name="dataset registry"
)
check_references(config, GVCS, REGISTRY)

YEARS = list(range(config["years"]["start"], config["years"]["end"] + 1))
CHAINS = list(config["value_chains"])


wildcard_constraints:
    year=r"\d{4}",


def dataset(role):
    """The registry entry of the dataset that feeds ``role`` (a key of config['datasets'])."""
    return REGISTRY[config["datasets"][role]]


def raw_dir(entry):
    """Where a dataset's raw files live: resources/raw/<source>/<version>/ (demo: raw/demo/<source>)."""
    if entry.get("generator") == "demo":
        return Path("resources/raw/demo") / entry["source"]
    return Path("resources/raw") / entry["source"] / entry["version"]


def raw_files(role):
    """Paths of the raw files of the dataset feeding ``role``."""
    entry = dataset(role)
    return [str(raw_dir(entry) / name) for name in entry["files"]]


def demo_files():
    """Every raw file that the demo world generator writes."""
    return [
        str(raw_dir(entry) / name)
        for entry in REGISTRY.values()
        if entry.get("generator") == "demo"
        for name in entry["files"]
    ]


def demo_baci_version():
    versions = {e["version"] for e in REGISTRY.values() if e.get("generator") == "demo" and e["source"] == "baci"}
    return versions.pop()


def trade_revision():
    """The HS revision of the trade dataset, read from its file name (BACI_HS92_... -> HS92)."""
    name = dataset("trade")["files"][0]
    return name.split("_")[1]


def quadrant_figures():
    return expand(
        "results/figures/quadrants_{chain}.{ext}", chain=CHAINS, ext=config["figures"]["formats"]
    )


def coefficient_figures():
    return expand("results/figures/coefficients.{ext}", ext=config["figures"]["formats"])


def reported(paths, **kwargs):
    """Mark the PNG files among ``paths`` for the report (PDFs stay plain outputs)."""
    return [report(p, **kwargs) if p.endswith(".png") else p for p in paths]
