"""The workflow on a real-sources config, with a local server standing in for every provider.

The fixtures are the demo world's files, which are written in the providers' real formats,
served under the providers' real URL layouts.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile

import pandas as pd
import pytest
import yaml
from httpserver import LocalServer
from oecd_api import sdmx_data_api
from workflow_helpers import copy_repo, snakemake

from conftest import REPO
from gvc_upgrading.demo import COUNTRIES, generate_demo_world

pytestmark = pytest.mark.e2e
#: The path of the OECD SDMX API's TiVA space below its host (config providers.oecd).
OECD_ROOT = "/sti-public/rest"


def provider_layout(demo, site):
    """Lay the demo files out as the providers publish them (WDI: one zip per indicator)."""
    (site / "baci").mkdir(parents=True)
    shutil.copy(demo / "baci" / "BACI_HS92_V202501.zip", site / "baci")
    (site / "ilostat").mkdir()
    for name in ["EMP_TEMP_AGE_EC2_NB_A.csv.gz", "EAR_4MTH_SEX_ECO_CUR_NB_A.csv.gz",
                 "ILR_TUMT_NOC_RT_A.csv.gz"]:
        shutil.copy(demo / "ilostat" / name, site / "ilostat")
    (site / "wdi" / "en" / "indicator").mkdir(parents=True)
    for indicator in ["FP.CPI.TOTL", "PA.NUS.FCRF"]:
        data = f"API_{indicator}_DS2_en_csv_v2_demo.csv"
        with zipfile.ZipFile(site / "wdi" / "en" / "indicator" / indicator, "w") as zf:
            zf.write(demo / "wdi" / data, data.replace("_demo", "_4321"))
            zf.write(demo / "wdi" / f"Metadata_Country_{data}",
                     f"Metadata_Country_{data}".replace("_demo", "_4321"))


def serve_providers(server, demo, site) -> dict:
    """Serve the files of :func:`provider_layout` at ``site`` and the demo's OECD TiVA flows
    through a stand-in of the SDMX API; return the config's ``providers`` pointing there."""
    for source in ("baci", "ilostat", "wdi"):
        server.serve_directory(f"/{source}", site / source)
    # the OECD SDMX API under its own path: /sti-public/rest/data/<agency>,<dataflow>,<version>
    server.route_prefix(f"{OECD_ROOT}/data/", sdmx_data_api({
        "DSD_TIVA_MAINLV@DF_MAINLV": (demo / "oecd" / "TIVA_MAINLV_demo.csv").read_text(),
        "DSD_TIVA_MAINSH@DF_MAINSH": (demo / "oecd" / "TIVA_MAINSH_demo.csv").read_text()}))
    return {**{source: f"{server.url}/{source}"
               for source in ("baci", "ilostat", "wdi", "comtrade")},
            "oecd": f"{server.url}{OECD_ROOT}"}


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    demo = root / "demo"
    generate_demo_world(demo, seed=7, n_countries=30, years=(1995, 2022), baci_version="202501")
    provider_layout(demo, root / "site")
    work = copy_repo(root / "work")
    indstat = work / "resources" / "raw" / "indstat" / "2024"
    indstat.mkdir(parents=True)
    shutil.copy(demo / "indstat" / "INDSTAT2_demo_ISIC3.csv", indstat / "INDSTAT2_2024_ISIC3.csv")
    with LocalServer() as server:
        # one decent-work dimension on top of the overlay's core ones: union density, from its
        # registered ILOSTAT bulk file
        core = yaml.safe_load((REPO / "config" / "real_sources.yaml").read_text())
        overlay = {"years": {"start": 1995, "end": 2022}, "figures": {"formats": ["png"]},
                   "dimensions": {"use": [*core["dimensions"]["use"], "union_density"]},
                   "providers": serve_providers(server, demo, root / "site")}
        (work / "local.yaml").write_text(yaml.safe_dump(overlay))
        args = ["--configfile", "config/real_sources.yaml", "local.yaml"]
        snakemake(work, "--cores", "2", *args)
        requested = server.requested_paths()
    return work, args, requested


def test_real_sources_run_end_to_end(real_run):
    work, args, requested = real_run
    tiva = [path for path in requested if path.startswith(f"{OECD_ROOT}/")]
    requested = [path for path in requested if not path.startswith(f"{OECD_ROOT}/")]
    assert sorted(requested) == sorted([
        "/baci/BACI_HS92_V202501.zip", "/ilostat/EMP_TEMP_AGE_EC2_NB_A.csv.gz",
        "/ilostat/EAR_4MTH_SEX_ECO_CUR_NB_A.csv.gz", "/ilostat/ILR_TUMT_NOC_RT_A.csv.gz",
        "/wdi/en/indicator/FP.CPI.TOTL", "/wdi/en/indicator/PA.NUS.FCRF"])
    for table in ["indicators/indicators.parquet", "estimates/estimates.parquet",
                  "tables/regressions.html", "figures/quadrants_apparel.png"]:
        assert (work / "results" / table).stat().st_size > 0
    assert not (work / "resources" / "raw" / "demo").exists()
    assert "Nothing to be done" in snakemake(work, "-n", *args).stdout
    # OECD TiVA: one request per dataflow in the API's layout, for the dimensions' measures,
    # the chains' activities and the edition's economies
    prefix = f"{OECD_ROOT}/data/OECD.STI.PIE,"
    assert sorted(path.split("/")[4] for path in tiva) == [
        "OECD.STI.PIE,DSD_TIVA_MAINLV@DF_MAINLV,1.1", "OECD.STI.PIE,DSD_TIVA_MAINSH@DF_MAINSH,1.1"]
    keys = {path[len(prefix):].split("/")[0]: path.split("/")[-1].split(".") for path in tiva}
    levels, shares = keys["DSD_TIVA_MAINLV@DF_MAINLV,1.1"], keys["DSD_TIVA_MAINSH@DF_MAINSH,1.1"]
    registry = yaml.safe_load((REPO / "config" / "datasets.yaml").read_text())
    assert levels[0] == "EXGR+EXGR_DVA" and shares[0] == "EXGR_DVA+EXGR_FVA"
    assert sorted(levels[1].split("+")) == sorted(
        registry["tiva_mainlv_2025_1_1"]["sdmx"]["countries"])
    assert levels[2:] == ["A01+C13T15+C26+C29", "W", "USD", "A"]
    assert shares[2:] == ["A01+C13T15+C26+C29", "W", "PT_EXGR", "A"]
    indicators = pd.read_parquet(work / "results" / "indicators" / "indicators.parquet")
    assert indicators["domestic_value_added_share"].notna().sum() > 500
    assert "forward_participation_share" not in indicators.columns
    # union density: the served file's values, the same in every chain of a country
    density = pd.read_csv(work / "resources" / "raw" / "ilostat" / "2024-11" /
                          "ILR_TUMT_NOC_RT_A.csv.gz", encoding="utf-8-sig")
    served = density.rename(columns={"ref_area": "country", "time": "year"})
    joined = indicators.dropna(subset=["union_density"]).merge(served, on=["country", "year"])
    assert len(joined) > 100 and set(joined["value_chain"]) == {
        "apparel", "mobile_phones", "horticulture", "automotive"}
    assert (joined["union_density"] == joined["obs_value"]).all()
    assert "hours_per_week" not in indicators.columns  # not in use: never downloaded


def test_raw_store_is_versioned_checksummed_and_protected(real_run):
    work, _, _ = real_run
    release = work / "resources" / "raw" / "baci" / "202501" / "BACI_HS92_V202501.zip"
    manifest = json.loads(release.with_name(release.name + ".manifest.json").read_text())
    assert manifest["version"] == "202501" and manifest["status"] == 200
    assert manifest["bytes"] == release.stat().st_size
    assert manifest["url"].endswith("/baci/BACI_HS92_V202501.zip")
    assert not release.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    wdi = work / "resources" / "raw" / "wdi" / "2024-11" / "API_FP.CPI.TOTL_DS2_en_csv_v2.zip"
    assert zipfile.is_zipfile(wdi)
    tiva = sorted((work / "resources" / "raw" / "oecd" / "2025-1.1").glob("TIVA_*.csv"))
    assert [path.name[:11] for path in tiva] == ["TIVA_MAINLV", "TIVA_MAINSH"]
    manifest = json.loads(tiva[0].with_name(tiva[0].name + ".manifest.json").read_text())
    assert manifest["request"]["measures"] == ["EXGR", "EXGR_DVA"]
    assert len(manifest["requests"]) == 1 and manifest["requests"][0]["status"] == 200
    assert manifest["split"] == [] and manifest["observations"] < manifest["row_limit"]
    assert "/sti-public/rest/data/OECD.STI.PIE,DSD_TIVA_MAINLV@DF_MAINLV,1.1/EXGR+EXGR_DVA." in (
        manifest["requests"][0]["url"])
    assert not tiva[0].stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


@pytest.fixture(scope="module")
def open_data_run(tmp_path_factory):
    """The real-sources overlay plus config/open_data.yaml, with no INDSTAT file anywhere."""
    root = tmp_path_factory.mktemp("open")
    demo = root / "demo"
    generate_demo_world(demo, seed=11, n_countries=15, years=(1995, 2022), baci_version="202501")
    (demo / "indstat" / "INDSTAT2_demo_ISIC3.csv").unlink()
    provider_layout(demo, root / "site")
    work = copy_repo(root / "work")
    with LocalServer() as server:
        # the overlay asks for 1995-2023, the release has 1995-2022: 2023 is skipped
        overlay = {"years": {"missing": "skip"},
                   "figures": {"path_countries": [c.iso3 for c in COUNTRIES[:3]],
                               "formats": ["png"]},  # PDFs: the demo run
                   "providers": serve_providers(server, demo, root / "site")}
        (work / "local.yaml").write_text(yaml.safe_dump(overlay))
        args = ["--configfile", "config/real_sources.yaml", "config/open_data.yaml", "local.yaml"]
        snakemake(work, "--cores", "2", *args)
        requested = server.requested_paths()
    return work, args, requested


def test_open_data_run_needs_no_indstat_and_says_what_each_chain_lost(open_data_run):
    work, args, requested = open_data_run
    assert not [path for path in requested if "indstat" in path.lower()]
    assert not list(work.rglob("*INDSTAT*"))
    labour = pd.read_parquet(work / "results" / "harmonised" / "labour.parquet")
    assert set(labour["labour_source"]) == {"ilostat"}
    assert set(labour["value_chain"]) == {"apparel", "mobile_phones", "horticulture",
                                          "automotive"}
    provenance = json.loads((work / "results" / "provenance" / "provenance.json").read_text())
    assert "indstat" not in json.dumps(provenance["datasets"]).lower()
    coverage = pd.read_csv(work / "results" / "tables" / "variable_coverage.csv")
    lost = coverage[coverage["lost"]]
    for chain in labour["value_chain"].unique():
        assert {"value_added_lcu", "labour_productivity_lcu"} <= set(
            lost.loc[lost["value_chain"] == chain, "variable"])
    assert not coverage.loc[coverage["variable"] == "employment_persons", "lost"].any()
    availability = (work / "results" / "tables" / "data_availability.md").read_text()
    assert "value_added_lcu" in availability
    # the women's and rights specifications need ILOSTAT files the overlay does not name
    assert "| gender_pay_gap | specification left out |  | gender_pay_gap |" in availability
    years = pd.read_csv(work / "results" / "tables" / "data_availability_years.csv", dtype=str)
    trade = years[years["source"] == "trade"].iloc[0]
    assert (trade["years_with_data"], trade["years_without_data"]) == ("1995-2022", "2023")
    assert "Nothing to be done" in snakemake(work, "-n", *args).stdout


def test_missing_indstat_file_says_what_to_do(tmp_path):
    work = copy_repo(tmp_path)
    result = snakemake(work, "resources/raw/indstat/2024/INDSTAT2_2024_ISIC3.csv", "--cores", "1",
                       "--configfile", "config/real_sources.yaml", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "UNIDO INDSTAT data are licensed" in output and "place it at" in output


def test_overlay_names_registered_datasets():
    overlay = yaml.safe_load((REPO / "config" / "real_sources.yaml").read_text())
    registry = yaml.safe_load((REPO / "config" / "datasets.yaml").read_text())
    for role, dataset_id in overlay["datasets"].items():
        assert dataset_id in registry and "generator" not in registry[dataset_id], role
