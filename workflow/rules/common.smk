# Helpers only: config validation, registry look-ups and the lists of partitioned outputs.

import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))

from gvc_upgrading.analysis.classify import check_classification
from gvc_upgrading.analysis.specifications import dimension_variables, specs_of_dimensions
from gvc_upgrading.config import ConfigError, check_references, load_yaml, validate, window_warnings
from gvc_upgrading.dimensions import (
    check_datasets,
    check_indicators,
    check_value_added,
    load_dimensions,
    read_registry,
    registry_dimensions,
    value_added_dimensions,
    value_added_measures,
)
from gvc_upgrading.outputs.provenance import rule_catalogue
from gvc_upgrading.store.providers import download_paths
from gvc_upgrading.store.registry import CURATED_FILE, DISCOVERED_FILE, load_registry
from gvc_upgrading.store.tiva_api import request_tag, tiva_request
from gvc_upgrading.valuechains import (
    check_chains,
    is_tourism,
    override_labour_sources,
    roles_in_use,
)

SCHEMAS = Path(workflow.basedir) / "workflow" / "schemas"
REGISTRY_FILE = CURATED_FILE  # plus releases found by gvc-refresh (DISCOVERED_FILE), config `registry`

validate(config, SCHEMAS / "config.schema.yaml", name="config")
GVCS = validate(
    load_yaml(config["value_chains_file"]), SCHEMAS / "gvcs.schema.yaml", name="value chains"
)
REGISTRY = validate(
    load_registry(REGISTRY_FILE, DISCOVERED_FILE, config["registry"]),
    SCHEMAS / "datasets.schema.yaml",
    name="dataset registry",
)
check_references(config, GVCS, REGISTRY)
check_chains(GVCS, config["value_chains_file"])
for _message in window_warnings(config):
    logging.getLogger("gvc_upgrading").warning(_message)
GVCS = override_labour_sources(GVCS, config["harmonise"]["labour_source_override"])
DIMENSIONS = load_dimensions(config["dimensions"])
check_datasets(DIMENSIONS, config["datasets"])
check_indicators(DIMENSIONS, config["datasets"], REGISTRY)
check_classification(
    config["classification"],
    DIMENSIONS,
    list(read_registry(config["dimensions"]["file"], config["dimensions"]["define"])),
)
# Label and unit of each indicator column of the dimensions (women's and men's too), for terms.
VARIABLES = dimension_variables(DIMENSIONS.values())
# The specifications whose columns the dimensions in use fill; the rest are named and left out.
SPECIFICATIONS, SPECS_LEFT_OUT = specs_of_dimensions(
    config["estimation"]["specifications"], DIMENSIONS.values(),
    registry_dimensions(config["dimensions"]).values())
for _spec_id, _lacking in SPECS_LEFT_OUT.items():
    logging.getLogger("gvc_upgrading").warning(
        "specification %s left out: dimensions.use lacks %s, which it uses",
        _spec_id, ", ".join(_lacking))
if not SPECIFICATIONS:
    raise ConfigError("config key 'estimation.specifications': every specification uses a "
                      f"dimension not in dimensions.use ({SPECS_LEFT_OUT}); add those "
                      "dimensions or a specification of the dimensions in use")
check_value_added(DIMENSIONS, config["datasets"], REGISTRY, GVCS, config["value_chains"],
                  config["value_chains_file"])

YEARS = list(range(config["years"]["start"], config["years"]["end"] + 1))
FURTHER_RULES = list(config["classification"]["further_rules"])
# The value-capture figures the dimensions in use allow: share paths (needs the domestic
# value-added share), participation positions (foreign value-added share and value added).
_VALUE_ADDED_COLUMNS = {dim.column for dim in value_added_dimensions(DIMENSIONS)}
VALUE_CAPTURE_FIGURES = [
    name for name, needs in (
        ("value_added_paths", {"domestic_value_added_share"}),
        ("participation", {"foreign_value_added_share", "domestic_value_added_usd_constant"}),
    ) if needs <= _VALUE_ADDED_COLUMNS
]
CHAINS = list(config["value_chains"])
TOURISM_CHAINS = [chain for chain in CHAINS if is_tourism(GVCS[chain])]
# Each input role and the chains or steps that need it: a role nothing needs is not read, so a
# run on open data needs no INDSTAT file (README "Open data only").
NEEDED_ROLES = roles_in_use(GVCS, CHAINS, DIMENSIONS.values())
for _role, _user in NEEDED_ROLES.items():
    if not config["datasets"].get(_role):
        raise ValueError(
            f"config key 'datasets.{_role}' is needed by the {_user}; expected a registry id "
            "(config/datasets.yaml)"
        )
USED_DATASETS = {role: name for role, name in config["datasets"].items() if role in NEEDED_ROLES}
# A run on real trade data never reads a generated demo file without saying so.
if REGISTRY[USED_DATASETS["trade"]].get("generator") is None:
    _demo = sorted(role for role, name in USED_DATASETS.items() if REGISTRY[name].get("generator"))
    if _demo:
        raise ValueError(
            f"config key 'datasets': {', '.join(_demo)} name generated demo data in a run on real "
            "trade data; register the real files and name them, or leave the dimensions that read "
            "them out of dimensions.use"
        )
# Indicator columns whose coverage per chain the data-availability table reports.
AVAILABILITY_VARIABLES = [c for d in DIMENSIONS.values() for c in d.columns] + [
    "value_added_lcu", "labour_productivity_lcu", "wage_bill_share_of_value_added"
]


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


def dataset_files(entry, dataset_id=None):
    """File names of a dataset, with "{year}" expanded over the configured years and
    "{request}" (SDMX dataflows) to the tag of what this configuration asks the dataset for
    (none when no role of the configuration names it)."""
    names = []
    for name in entry["files"]:
        if "{request}" in name:
            request = tiva_request_of(dataset_id)
            names += [name.format(request=request_tag(request))] if request else []
        else:
            names += [name.format(year=year) for year in YEARS] if "{year}" in name else [name]
    return names


def raw_files(role):
    """Paths of the raw files of the dataset feeding ``role``."""
    entry = dataset(role)
    return [str(raw_dir(entry) / name) for name in dataset_files(entry, config["datasets"][role])]


def value_added_roles():
    """The TiVA roles of config datasets that a dimension in use reads."""
    return sorted({dim.dataset for dim in value_added_dimensions(DIMENSIONS)})


def tiva_activities():
    """The TiVA activities of the configured chains (config/gvcs.yaml ``tiva_activity``)."""
    return sorted({GVCS[chain]["tiva_activity"] for chain in CHAINS if "tiva_activity" in GVCS[chain]})


def tiva_request_of(dataset_id):
    """What this configuration asks the TiVA dataset ``dataset_id`` for (None: no role reads
    it): the measures of the dimensions that read it, the chains' activities, the years."""
    roles = [role for role in value_added_roles() if config["datasets"][role] == dataset_id]
    if not roles:
        return None
    entry = REGISTRY[dataset_id]
    measures = {m for role in roles for m in value_added_measures(DIMENSIONS, role, entry)}
    return tiva_request(entry, measures, tiva_activities(),
                        (config["years"]["start"], config["years"]["end"]))


def value_added_flows():
    """The TiVA files this run reads, for harmonise_value_added: per role reading one, its
    dataflow, unit, the measures to keep and the edition's code lists (paths: its input)."""
    flows = []
    for role in value_added_roles():
        entry = dataset(role)
        flows.append({
            "dataflow": entry["sdmx"]["dataflow"],
            "unit": entry["sdmx"]["unit"],
            "measures": value_added_measures(DIMENSIONS, role, entry),
            "activities": entry["sdmx"]["activities"],
            "countries": entry["sdmx"].get("countries"),
        })
    return flows


def value_added_columns():
    """The indicator columns of the dimensions read from TiVA, with the measure and the unit of
    the dataflow each reads (for compute_indicators)."""
    return [
        {"column": dim.column, "indicator": dim.source["indicator"],
         "unit": dataset(dim.dataset)["sdmx"]["unit"]}
        for dim in value_added_dimensions(DIMENSIONS)
    ]


def value_added_inputs():
    """The harmonised TiVA table when a dimension in use reads TiVA (else none)."""
    return ["results/harmonised/value_added.parquet"] if value_added_roles() else []


def value_added_accounting():
    return ["results/harmonised/accounting/value_added.csv"] if value_added_roles() else []


def tiva_download(version, file):
    """The dataflow URL and request of one TiVA file, for retrieve_oecd."""
    dataset_id, entry = registry_entry("oecd", version, file)
    base = config["providers"]["oecd"].rstrip("/")
    return {
        "dataset": dataset_id,
        "format": entry["format"],
        "version": version,
        "flow_url": entry["url"].format(base_url=base, dataflow_version=version.rsplit("-", 1)[-1]),
        "request": tiva_request_of(dataset_id),
        "sha256": None,
    }


def needed_raw_file(role):
    """The raw file of ``role`` when the configuration needs it (else none: an empty list)."""
    return raw_files(role)[0] if role in NEEDED_ROLES else []


def registry_entry(source, version, file):
    """The registry entry (and its id) that stores ``file`` under resources/raw/<source>/<version>/."""
    for dataset_id, entry in REGISTRY.items():
        if (entry["source"], entry["version"]) == (source, version) and entry.get("generator") is None:
            if file in dataset_files(entry, dataset_id):
                return dataset_id, entry
    raise ValueError(
        f"no dataset in {REGISTRY_FILE} stores {file!r} as {source} version {version!r}"
    )


def download(source, version, file):
    """URL, checksum, format and version of one raw file, for the retrieve rules."""
    dataset_id, entry = registry_entry(source, version, file)
    if "url" not in entry:
        return {"dataset": dataset_id, "url": None, "description": entry["description"]}
    year = next(
        (y for y in YEARS for name in entry["files"] if "{year}" in name and name.format(year=y) == file),
        None,
    )
    return {
        "dataset": dataset_id,
        "format": entry["format"],
        "version": version,
        "year": year,
        "base_url": config["providers"][source].rstrip("/"),
        "url": entry["url"].format(base_url=config["providers"][source].rstrip("/"), file=file, year=year),
        "sha256": entry.get("sha256", {}).get(file),
        **download_paths(config["providers"], entry["format"]),
    }


def file_dimensions():
    """The dimensions in use that harmonise_dimensions reads from a raw file (not built from
    trade or labour; OECD TiVA has harmonise_value_added)."""
    return {name: dim for name, dim in DIMENSIONS.items()
            if dim.dataset and dim.source["format"] != "tiva_sdmx_csv"}


def dimension_inputs(wildcards):
    """Raw file of every dataset the file dimensions read, keyed by its config key."""
    return {key: raw_files(key)[0] for dim in file_dimensions().values() for key in dim.datasets}


def comtrade_hs_prefixes():
    """The HS codes of the configured value chains, all revisions (Comtrade's cmdCode list)."""
    return sorted(
        {code for chain in CHAINS for codes in GVCS[chain].get("hs", {}).values() for code in codes}
    )


def tourism_inputs():
    """The harmonised tourism table, when a configured chain is a tourism chain (else none)."""
    return ["results/harmonised/tourism.parquet"] if TOURISM_CHAINS else []


def tourism_accounting():
    return ["results/harmonised/accounting/tourism.csv"] if TOURISM_CHAINS else []


def group_comparison_tables():
    """The country-group comparison tables, when config country_groups names groups."""
    if not config["country_groups"]["groups"]:
        return []
    return expand("results/tables/group_comparison.{ext}", ext=["csv", "md", "html"])


def demo_files():
    """Every raw file that the demo world generator writes."""
    return [
        str(raw_dir(entry) / name)
        for entry in REGISTRY.values()
        if entry.get("generator") == "demo"
        for name in dataset_files(entry)
    ]


def demo_baci_version():
    versions = {e["version"] for e in REGISTRY.values() if e.get("generator") == "demo" and e["source"] == "baci"}
    return versions.pop()


def trade_raw_file(wildcards):
    """The raw file holding one year of trade: the release zip (BACI) or the year's query (Comtrade)."""
    files = raw_files("trade")
    if dataset("trade")["format"] == "baci_zip":
        return files[0]
    return files[YEARS.index(int(wildcards.year))]


def value_capture_figures():
    """The files of the value-capture figures (for rule all)."""
    return expand(
        "results/figures/{name}.{ext}", name=VALUE_CAPTURE_FIGURES, ext=config["figures"]["formats"]
    )


def further_classifications():
    """The classification tables and quadrant counts of classification.further_rules."""
    return expand("results/classification/classification_{rule}.parquet", rule=FURTHER_RULES) + expand(
        "results/tables/quadrant_counts_{rule}.{ext}", rule=FURTHER_RULES, ext=["csv", "md", "html"]
    )


def quadrant_figures():
    return expand(
        "results/figures/quadrants_{chain}.{ext}", chain=CHAINS, ext=config["figures"]["formats"]
    )


def coefficient_figures():
    return expand("results/figures/coefficients.{ext}", ext=config["figures"]["formats"])


def reported(paths, **kwargs):
    """Mark the PNG files among ``paths`` for the report (PDFs stay plain outputs)."""
    return [report(p, **kwargs) if p.endswith(".png") else p for p in paths]


def replication_outputs():
    """The replication report when config replication.published names a table, else nothing."""
    if not config["replication"]["published"]:
        return []
    return expand("results/replication/replication.{ext}", ext=["csv", "md", "html"])


def published_table(wildcards):
    """The table of published values (config replication.published), for compare_with_published."""
    path = config["replication"]["published"]
    if not path:
        raise ValueError(
            "config replication.published is not set; name a CSV of published values "
            "(README, 'Replication report') to make the replication report"
        )
    return path
