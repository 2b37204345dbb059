"""Providers as configuration: the workflow on the real-sources config with every provider a
local mirror folder (plain path or file:// URL, no server at all), and registry entries added
and overridden in a config overlay."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
import yaml
from test_real_sources import provider_layout
from workflow_helpers import copy_repo, snakemake

from conftest import REPO
from gvc_upgrading.config import ConfigError, validate
from gvc_upgrading.demo import generate_demo_world
from gvc_upgrading.store.registry import load_registry

TARGETS = ["results/indicators/indicators.parquet", "results/estimates/estimates.parquet",
           "results/provenance/provenance.json"]
CPI_FILE = "API_FP.CPI.TOTL_DS2_en_csv_v2.zip"
EARNINGS = "EAR_4MTH_SEX_ECO_CUR_NB_A.csv.gz"
#: The dimensions read from OECD TiVA.
VALUE_ADDED = {name for name, dim in
               yaml.safe_load((REPO / "config" / "dimensions.yaml").read_text()).items()
               if dim["source"].get("format") == "tiva_sdmx_csv"}


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def mirror_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("mirror")
    demo, site = root / "demo", root / "institutional store"  # a blank in the folder name
    generate_demo_world(demo, seed=7, n_countries=30, years=(2003, 2012), baci_version="202501")
    provider_layout(demo, site)
    # the mirror keeps ILOSTAT's earnings in a folder of their own: an overridden registry URL
    (site / "ilostat" / "earnings").mkdir()
    shutil.move(site / "ilostat" / EARNINGS, site / "ilostat" / "earnings" / EARNINGS)
    work = copy_repo(root / "work")
    indstat = work / "resources" / "raw" / "indstat" / "2024"
    indstat.mkdir(parents=True)
    shutil.copy(demo / "indstat" / "INDSTAT2_demo_ISIC3.csv", indstat / "INDSTAT2_2024_ISIC3.csv")
    registry = yaml.safe_load((REPO / "config" / "datasets.yaml").read_text())
    real = yaml.safe_load((REPO / "config" / "real_sources.yaml").read_text())
    overlay = {
        "years": {"start": 2003, "end": 2012},
        "classification": {"periods": [{"label": "2003-2008", "start": 2003, "end": 2008},
                                       {"label": "2007-2012", "start": 2007, "end": 2012}]},
        "providers": {"baci": str(site / "baci"), "ilostat": (site / "ilostat").as_uri(),
                      "wdi": f"{site / 'wdi'}/", "comtrade": str(site / "comtrade")},
        "registry": {
            "ilostat_ear_eco_2024_11": {"url": "{base_url}/earnings/{file}"},
            "wdi_cpi_mirror": {**registry["wdi_cpi_2024_11"], "version": "2024-12-mirror",
                               "description": "The CPI as the institution's store keeps it."},
        },
        "datasets": {"wdi_cpi": "wdi_cpi_mirror"},
        # OECD TiVA is queried from the SDMX API, which a folder cannot answer: left out here
        "dimensions": {"use": [dim for dim in real["dimensions"]["use"]
                               if dim not in VALUE_ADDED]},
    }
    (work / "mirror.yaml").write_text(yaml.safe_dump(overlay))
    args = ["--configfile", "config/real_sources.yaml", "mirror.yaml"]
    snakemake(work, *TARGETS, "--cores", "2", *args)
    return work, site, args


@pytest.mark.e2e
def test_every_provider_read_from_a_mirror_folder(mirror_run):
    work, site, args = mirror_run
    raw = work / "resources" / "raw"
    stored = {
        raw / "baci/202501/BACI_HS92_V202501.zip": site / "baci/BACI_HS92_V202501.zip",
        raw / "ilostat/2024-11/EMP_TEMP_AGE_EC2_NB_A.csv.gz":
            site / "ilostat/EMP_TEMP_AGE_EC2_NB_A.csv.gz",
        raw / f"ilostat/2024-11/{EARNINGS}": site / "ilostat/earnings" / EARNINGS,
        raw / "wdi/2024-11/API_PA.NUS.FCRF_DS2_en_csv_v2.zip": site / "wdi/en/indicator/PA.NUS.FCRF",
        raw / f"wdi/2024-12-mirror/{CPI_FILE}": site / "wdi/en/indicator/FP.CPI.TOTL",
    }
    for copy, original in stored.items():
        manifest = json.loads(copy.with_name(copy.name + ".manifest.json").read_text())
        assert copy.read_bytes() == original.read_bytes()
        assert manifest["sha256"] == sha256(original) and manifest["bytes"] == original.stat().st_size
        assert manifest["status"] is None and manifest["final_url"] == original.resolve().as_uri()
    baci = json.loads((raw / "baci/202501/BACI_HS92_V202501.zip.manifest.json").read_text())
    assert baci["url"] == f"{site}/baci/BACI_HS92_V202501.zip"  # a plain path
    assert (work / "results/indicators/indicators.parquet").stat().st_size > 0
    assert (work / "results/estimates/estimates.parquet").stat().st_size > 0
    assert "Nothing to be done" in snakemake(work, *TARGETS, "-n", *args).stdout


@pytest.mark.e2e
def test_registry_entries_overridden_and_added_in_the_overlay(mirror_run):
    work, site, _ = mirror_run
    raw = work / "resources" / "raw"
    earnings = json.loads((raw / f"ilostat/2024-11/{EARNINGS}.manifest.json").read_text())
    assert earnings["url"] == f"{(site / 'ilostat').as_uri()}/earnings/{EARNINGS}"
    assert not (raw / "wdi/2024-11" / CPI_FILE).exists()  # the added entry replaced it
    provenance = {d["role"]: d for d in json.loads(
        (work / "results/provenance/provenance.json").read_text())["datasets"]}
    assert (provenance["wdi_cpi"]["id"], provenance["wdi_cpi"]["version"]) == (
        "wdi_cpi_mirror", "2024-12-mirror")
    assert provenance["ilostat_earnings"]["url"] == "{base_url}/earnings/{file}"
    assert provenance["ilostat_earnings"]["licence"] == "CC BY 4.0 (ILO)"  # kept from the entry


def test_registry_overlay_merges_over_curated_and_discovered_entries(tmp_path):
    (tmp_path / "curated.yaml").write_text(yaml.safe_dump({
        "a": {"source": "ilostat", "version": "1", "files": ["A.csv.gz"], "licence": "CC"}}))
    (tmp_path / "found.yaml").write_text(yaml.safe_dump({
        "b": {"source": "wdi", "version": "2", "files": ["B.zip"], "licence": "CC"}}))
    merged = load_registry(tmp_path / "curated.yaml", tmp_path / "found.yaml", {
        "a": {"files": ["A_RENAMED.csv.gz"]}, "b": {"version": "3"}, "c": {"source": "baci"}})
    assert merged == {
        "a": {"source": "ilostat", "version": "1", "files": ["A_RENAMED.csv.gz"], "licence": "CC"},
        "b": {"source": "wdi", "version": "3", "files": ["B.zip"], "licence": "CC"},
        "c": {"source": "baci"}}
    with pytest.raises(ConfigError, match=r"config key 'registry\.a': expected a mapping"):
        load_registry(tmp_path / "curated.yaml", tmp_path / "found.yaml", {"a": "A.csv.gz"})


def test_an_incomplete_or_wrong_overlay_entry_is_refused_naming_its_key():
    registry = load_registry(REPO / "config/datasets.yaml", REPO / "absent.yaml", {
        "my_cpi": {"source": "wdi", "version": "x", "files": ["cpi.zip"]},
        "wdi_fx_2024_11": {"url": "https://elsewhere.example/fx.zip"}})
    with pytest.raises(ConfigError) as info:
        validate(registry, REPO / "workflow/schemas/datasets.schema.yaml",
                 name="dataset registry")
    message = str(info.value)
    assert "dataset registry key 'my_cpi': 'format' is a required property" in message
    assert "dataset registry key 'wdi_fx_2024_11.url': 'https://elsewhere.example/fx.zip' " \
           "does not match" in message


def test_a_new_dataset_added_in_an_overlay_is_planned_by_the_workflow(tmp_path):
    work = copy_repo(tmp_path)
    registry = yaml.safe_load((REPO / "config" / "datasets.yaml").read_text())
    (work / "overlay.yaml").write_text(yaml.safe_dump({
        "registry": {"baci_hs92_v202601": {**registry["baci_hs92_v202501"], "version": "202601",
                                           "files": ["BACI_HS92_V202601.zip"]}},
        "datasets": {"trade": "baci_hs92_v202601"}}))
    result = snakemake(work, "-n", "resources/raw/baci/202601/BACI_HS92_V202601.zip",
                       "--configfile", "config/real_sources.yaml", "overlay.yaml")
    assert "retrieve_baci" in result.stdout and "202601" in result.stdout
