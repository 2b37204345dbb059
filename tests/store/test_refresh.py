"""Scheduled refresh against a local server standing in for the providers' release listings.

Most tests hand the refresh a fake workflow run that writes small results tables (whose values
depend on the trade release); the last test runs the real workflow end to end.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from httpserver import LocalServer, Response
from oecd_api import dataflow_structure, sdmx_data_api
from workflow_helpers import copy_repo

from conftest import REPO
from gvc_upgrading.config import ConfigError
from gvc_upgrading.demo import generate_demo_world
from gvc_upgrading.io import write_table
from gvc_upgrading.store import probes, refresh
from gvc_upgrading.store.fetch import FetchPolicy
from gvc_upgrading.store.locks import exclusive_lock
from gvc_upgrading.store.registry import load_registry, successor_entry, successor_id
from gvc_upgrading.store.vintage_diff import Tolerances, diff_vintages, write_report

FAST = FetchPolicy(max_attempts=2, backoff_initial=0.01, backoff_max=0.01)
WDI_INDICATORS = ["FP.CPI.TOTL", "PA.NUS.FCRF"]
ILOSTAT_INDICATORS = ["EMP_TEMP_AGE_EC2_NB_A", "EAR_4MTH_SEX_ECO_CUR_NB_A"]
TIVA_DATAFLOWS = ["DSD_TIVA_MAINLV@DF_MAINLV", "DSD_TIVA_MAINSH@DF_MAINSH"]
PROBE_PATHS = {"/cepii/baci.html", "/ilostat/table_of_contents_en.csv",
               *(f"/wdi/country/all/indicator/{i}" for i in WDI_INDICATORS),
               *(f"/oecd/dataflow/OECD.STI.PIE/{flow}/all" for flow in TIVA_DATAFLOWS)}


class Providers:
    """The providers' release listings on the local server; a test publishes by changing them."""

    def __init__(self, server: LocalServer):
        self.server = server
        self.baci = ["202401b", "202501"]
        self.ilostat = {"EMP_TEMP_AGE_EC2_NB_A": "2024-11-15 08:01:39",
                        "EAR_4MTH_SEX_ECO_CUR_NB_A": "02/11/2024"}
        self.wdi = dict.fromkeys(WDI_INDICATORS, "2024-11-13")
        server.route("/cepii/baci.html", lambda request: Response(
            body=self.baci_page().encode(), headers={"Content-Type": "text/html"}))
        server.route("/ilostat/table_of_contents_en.csv",
                     lambda request: Response(body=self.ilostat_toc().encode()))
        self.tiva = {flow: [("1.1", 2025)] for flow in TIVA_DATAFLOWS}
        for flow in TIVA_DATAFLOWS:
            server.route(f"/oecd/dataflow/OECD.STI.PIE/{flow}/all", lambda request, flow=flow:
                         Response(body=dataflow_structure(flow, self.tiva[flow]),
                                  headers={"Content-Type": "application/xml"}))
        for indicator in WDI_INDICATORS:
            server.route(f"/wdi/country/all/indicator/{indicator}",
                         functools.partial(self.wdi_page, indicator))

    def serve_tiva(self, demo: Path) -> None:
        """Answer data queries of the TiVA dataflows from the demo world's files at ``demo``."""
        self.server.route_prefix("/oecd/data/", sdmx_data_api({
            flow: (demo / "oecd" / f"TIVA_{flow[9:15]}_demo.csv").read_text()
            for flow in TIVA_DATAFLOWS}))

    def baci_page(self) -> str:
        """CEPII's download page: release zips of HS92 and of another revision (ignored)."""
        links = [f'<li><a href="https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V{v}.zip">'
                 f"HS92 V{v}</a></li>" for v in self.baci]
        links.append('<li><a href="/data/BACI_HS17_V209912.zip">HS17</a></li>')
        return f"<!DOCTYPE html><html><body><h1>BACI</h1><ul>{''.join(links)}</ul></body></html>"

    def ilostat_toc(self) -> str:
        lines = ['"id","indicator","indicator.label","freq","size","last.update"',
                 '"UNE_DEAP_SEX_AGE_RT_A","UNE_DEAP_RT","Unemployment","A","1 MB","2025-01-01"']
        lines += [f'"{i}","{i[:-2]}","label, with a comma","A","9 MB","{date}"'
                  for i, date in self.ilostat.items()]
        return "\n".join(lines) + "\n"

    def wdi_page(self, indicator: str, request) -> Response:
        assert request.query == {"format": "json", "per_page": "1"}
        page = [{"page": 1, "pages": 17024, "per_page": 1, "total": 17024, "sourceid": "2",
                 "lastupdated": self.wdi[indicator]},
                [{"indicator": {"id": indicator}, "country": {"id": "ZH"}, "date": "2023",
                  "value": 1.0}]]
        return Response(body=json.dumps(page).encode(),
                        headers={"Content-Type": "application/json"})

    def overlay(self) -> dict:
        url = self.server.url
        return {"providers": {"baci": f"{url}/baci", "ilostat": f"{url}/ilostat",
                              "wdi": f"{url}/wdi", "comtrade": f"{url}/comtrade",
                              "oecd": f"{url}/oecd",
                              "paths": {"baci_releases": f"{url}/cepii/baci.html"}}}

    def config(self, **more) -> dict:
        """The probes' view of the config: the committed defaults with this overlay over them."""
        defaults = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
        return refresh.merged(defaults, {**self.overlay(), **more})


def write_results(folder: Path, trade: str) -> None:
    """Small results tables: Bangladesh's apparel market share rises under the 2025-01 BACI
    release and falls under 2025-07 (so its economic class and a coefficient change)."""
    first, last = {"baci_hs92_v202501": (0.10, 0.12), "baci_hs92_v202507": (0.10, 0.08)}[trade]
    write_table(pd.DataFrame({
        "country": ["BGD", "BGD", "VNM", "VNM"], "value_chain": "apparel",
        "year": [2000, 2012, 2000, 2012], "market_share": [first, last, 0.05, 0.0502],
        "employment_persons": [1e5, 1.1e5, 5e4, np.nan]}), folder / "indicators/indicators.parquet")
    write_table(pd.DataFrame({
        "country": ["BGD", "VNM"], "value_chain": "apparel", "period": "2000-2012",
        "economic_class": ["upgrading" if last > first else "downgrading", "mixed"],
        "social_class": ["upgrading", "insufficient data"]}),
        folder / "classification/classification.parquet")
    write_table(pd.DataFrame({
        "spec_id": "employment", "value_chain": "apparel", "term": "log_market_share",
        "estimate": [0.5 + last - first], "std_error": [0.1], "p_value": [0.001],
        "n_obs": [4]}), folder / "estimates/estimates.parquet")


class FakeWorkflow:
    """Stands in for the Snakemake run: records each run, writes results for its trade dataset,
    and, when ``fail`` is set, raises after writing them (a run failing midway)."""

    def __init__(self, fail: str | None = None):
        self.runs: list[refresh.VintageRun] = []
        self.fail = fail

    def __call__(self, job: refresh.VintageRun) -> None:
        self.runs.append(job)
        datasets = yaml.safe_load(job.configfiles[-1].read_text())["datasets"]
        write_results(job.results, datasets["trade"])
        if self.fail:
            raise refresh.WorkflowFailed(self.fail)


@pytest.fixture
def site(local_server):
    return Providers(local_server)


@pytest.fixture
def project(tmp_path, site):
    """A copy of the workflow with an overlay that points every provider at the local server;
    returns (root, configfiles)."""
    root = copy_repo(tmp_path / "project")
    (root / "local.yaml").write_text(yaml.safe_dump(site.overlay()))
    return root, [root / "config" / "real_sources.yaml", root / "local.yaml"]


def probe_fast(entry, config):
    return probes.probe_release(entry, config, policy=FAST)


def run_refresh(project, workflow):
    root, configfiles = project
    return refresh.refresh(root, configfiles, run=workflow, probe=probe_fast)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def current(root: Path) -> dict:
    return read_json(refresh.Paths(root).current_json)


def snapshot(*folders: Path) -> dict[str, str]:
    """sha256 of every file under ``folders`` (symlinks to other folders are not followed;
    the raw store's lock files, which stay after use by design, are left out)."""
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest()
            for folder in folders for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.is_symlink() and path.name != ".lock"}


def vintage_files(root: Path, vintage: str) -> dict[str, str]:
    """sha256 of every file of a vintage: its record and its run folder with the results."""
    paths = refresh.Paths(root)
    return snapshot(paths.record_dir(vintage), paths.workdir(vintage))


def test_first_refresh_builds_the_first_vintage_and_makes_it_current(project, site):
    root, configfiles = project
    paths = refresh.Paths(root)
    workflow = FakeWorkflow()
    outcome = run_refresh(project, workflow)
    assert outcome.code == refresh.EXIT_REFRESHED == 10
    record = current(root)
    assert record["id"] == outcome.vintage and record["status"] == "complete"
    assert record["previous"] is None and record["diff"] is None
    # BACI's page lists the configured release; ILOSTAT and WDI publish dated releases, which
    # become the versions (and raw-store folders) of new registry entries
    versions = {role: (d["dataset"], d["version"]) for role, d in record["datasets"].items()}
    probed = {
        "trade": ("baci_hs92_v202501", "202501"), "indstat": ("indstat2_2024", "2024"),
        "ilostat_employment": ("ilostat_emp_ec2_2024_11_15", "2024-11-15"),
        "ilostat_earnings": ("ilostat_ear_eco_2024_11_02", "2024-11-02"),
        "wdi_cpi": ("wdi_cpi_2024_11_13", "2024-11-13"),
        "wdi_exchange_rate": ("wdi_fx_2024_11_13", "2024-11-13"),
        # an OECD TiVA release is its edition and dataflow version
        "tiva_levels": ("tiva_mainlv_2025_1_1", "2025-1.1"),
        "tiva_shares": ("tiva_mainsh_2025_1_1", "2025-1.1")}
    assert {role: versions[role] for role in probed} == probed
    # the roles nothing in the configuration reads keep their configured dataset, unprobed:
    # generated demo data and the ILOSTAT files of decent-work dimensions not in use (the
    # stand-in table of contents does not list them, so probing them would fail the refresh)
    config = refresh.load_config(root, configfiles)
    curated = load_registry(root / "config/datasets.yaml", root / "no_discovered.yaml")
    kept = {role: (config["datasets"][role], curated[config["datasets"][role]]["version"])
            for role in versions if role not in probed}
    assert {role: versions[role] for role in kept} == kept
    assert {"ilostat_hours", "ilostat_union_density"} <= set(kept)
    assert "hours_worked" not in config["dimensions"]["use"]
    discovered = read_yaml(root / "resources/registry/discovered.yaml")
    assert discovered["wdi_cpi_2024_11_13"]["url"] == \
        "{base_url}/en/indicator/FP.CPI.TOTL?downloadformat=csv"
    # the workflow ran once, in the vintage's own folder, with the vintage's overlay last
    (job,) = workflow.runs
    assert job.workdir == root / "results" / "vintages" / outcome.vintage
    assert job.configfiles == (*configfiles, paths.record_dir(outcome.vintage) / "overlay.yaml")
    assert (job.workdir / "config").resolve() == root / "config"
    overlay = read_yaml(paths.current_yaml)
    assert overlay == {"datasets": {role: dataset for role, (dataset, _) in versions.items()}}
    # the workflow accepts the overlay: the merged registry holds every dataset it names
    registry = load_registry(root / "config/datasets.yaml",
                             root / "resources/registry/discovered.yaml")
    assert set(overlay["datasets"].values()) <= set(registry)


def test_new_release_of_one_source_makes_a_new_vintage_beside_the_previous(project, site):
    root, _ = project
    paths = refresh.Paths(root)
    first = run_refresh(project, FakeWorkflow())
    before = vintage_files(root, first.vintage)
    site.baci.append("202507")
    workflow = FakeWorkflow()
    outcome = run_refresh(project, workflow)
    assert outcome.code == refresh.EXIT_REFRESHED and outcome.vintage != first.vintage
    record = current(root)
    assert record["id"] == outcome.vintage and record["previous"] == first.vintage
    assert record["changes"] == {"trade": "new release 202507 (was 202501)"}
    # only the trade dataset changed; its files go to a new version folder of the raw store
    new = read_yaml(workflow.runs[0].configfiles[-1])["datasets"]
    old = read_yaml(paths.record_dir(first.vintage) / "overlay.yaml")["datasets"]
    assert {role for role in old if old[role] != new[role]} == {"trade"}
    assert new["trade"] == "baci_hs92_v202507"
    entry = read_yaml(root / "resources/registry/discovered.yaml")["baci_hs92_v202507"]
    assert (entry["version"], entry["files"]) == ("202507", ["BACI_HS92_V202507.zip"])
    assert "sha256" not in entry
    # the previous vintage is intact
    assert vintage_files(root, first.vintage) == before
    # the diff report names the moved values, the changed class and the moved coefficient
    report = read_json(paths.workdir(outcome.vintage) / "vintage_diff.json")
    assert report["before"] == first.vintage and report["after"] == outcome.vintage
    moved = {(m["country"], m["year"], m["column"]): (m["before"], m["after"])
             for m in report["moved_values"]}
    assert moved == {("BGD", 2012, "market_share"): (0.12, 0.08)}  # VNM's +0.4% is within 1%
    assert report["class_changes"] == [{
        "country": "BGD", "value_chain": "apparel", "period": "2000-2012",
        "dimension": "economic", "before": "upgrading", "after": "downgrading"}]
    (coefficient,) = report["moved_coefficients"]
    assert coefficient["estimate_before"] == pytest.approx(0.52)
    assert coefficient["estimate_after"] == pytest.approx(0.48)
    markdown = (root / record["diff"]).read_text()
    assert "| BGD | apparel | 2000-2012 | economic | upgrading | downgrading |" in markdown
    html_page = (paths.workdir(outcome.vintage) / "vintage_diff.html").read_text()
    assert "<td>downgrading</td>" in html_page and "<td>market_share</td>" in html_page


def test_nothing_new_downloads_nothing_and_exits_with_the_nothing_new_code(project, site,
                                                                         monkeypatch):
    root, configfiles = project
    first = run_refresh(project, FakeWorkflow())
    logger = logging.getLogger("gvc_upgrading")  # main() sends the log to a file: undo after
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logger.level)
    already = len(site.server.requests)
    state = snapshot(root / "resources", root / "results")
    args = ["--directory", str(root), "--configfile", *map(str, configfiles)]
    assert refresh.main(args) == refresh.EXIT_NOTHING_NEW == 0
    assert {r.path for r in site.server.requests[already:]} == PROBE_PATHS  # probes only
    assert current(root)["id"] == first.vintage
    assert sorted(p.name for p in (root / "results/vintages").iterdir()) == [first.vintage]
    # only the log of this run was added to the state
    added = set(snapshot(root / "resources", root / "results")) - set(state)
    assert [Path(p).parent.name for p in added] == ["logs"]
    assert "nothing new" in Path(added.pop()).read_text()


def test_failed_run_leaves_the_previous_vintage_current_and_unchanged(project, site):
    root, _ = project
    paths = refresh.Paths(root)
    first = run_refresh(project, FakeWorkflow())
    pointer = paths.current_json.read_bytes()
    before = vintage_files(root, first.vintage)
    site.baci.append("202507")
    error = ("Snakemake exited with 1; failed: rule retrieve_baci (FetchError: fetching "
             ".../BACI_HS92_V202507.zip failed after 5 attempts: HTTP 500)")
    outcome = run_refresh(project, FakeWorkflow(fail=error))  # results half written, then fails
    assert outcome.code == refresh.EXIT_FAILED == 1
    assert outcome.message == (f"vintage {outcome.vintage} failed ({error}); "
                               f"vintage {first.vintage} stays current")
    assert paths.current_json.read_bytes() == pointer
    assert vintage_files(root, first.vintage) == before
    failed = read_json(paths.record_dir(outcome.vintage) / "vintage.json")
    assert failed["status"] == "failed" and failed["error"] == error
    # the next refresh tries the same release again and succeeds
    retry = run_refresh(project, FakeWorkflow())
    assert retry.code == refresh.EXIT_REFRESHED and current(root)["previous"] == first.vintage
    assert current(root)["datasets"]["trade"]["dataset"] == "baci_hs92_v202507"


def test_second_refresh_exits_at_once_while_one_holds_the_lock(project, site):
    root, configfiles = project
    command = [sys.executable, "-m", "gvc_upgrading.store.refresh", "--directory", str(root),
               "--configfile", *map(str, configfiles)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "workflow" / "scripts")}
    with exclusive_lock(refresh.Paths(root).lock):
        start = time.monotonic()
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        elapsed = time.monotonic() - start
    assert result.returncode == refresh.EXIT_LOCKED == 75
    assert elapsed < 15  # the interpreter's start; the refresh itself does not wait
    assert re.search(r"another refresh is running \(.*refresh\.lock is locked by another "
                     rf"process \(pid {os.getpid()} since", result.stderr)
    assert site.server.requests == []  # nothing probed, nothing downloaded
    assert not refresh.Paths(root).current_json.exists()


def test_failed_probe_fails_the_refresh_before_any_vintage(project, site):
    root, _ = project
    site.server.route("/ilostat/table_of_contents_en.csv", lambda request: Response(404, b"gone"))
    workflow = FakeWorkflow()
    outcome = run_refresh(project, workflow)
    assert outcome.code == refresh.EXIT_FAILED
    assert outcome.message.startswith("refresh failed: probing the release of ilostat_employment "
                                      "(ilostat_emp_ec2_2024_11) failed: fetching http://")
    assert "table_of_contents_en.csv" in outcome.message and "HTTP 404" in outcome.message
    assert workflow.runs == [] and not refresh.Paths(root).current_json.exists()


def test_config_naming_another_dataset_starts_a_new_vintage(project, site):
    root, _ = project
    run_refresh(project, FakeWorkflow())
    (root / "local.yaml").write_text(yaml.safe_dump(
        {**site.overlay(), "datasets": {"wdi_cpi": "wdi_cpi_api_2024_11"}}))
    outcome = run_refresh(project, FakeWorkflow())
    assert outcome.code == refresh.EXIT_REFRESHED
    assert current(root)["changes"] == {
        "wdi_cpi": "the config now names wdi_cpi_api_2024_11 (was wdi_cpi_2024_11)"}
    assert current(root)["datasets"]["wdi_cpi"]["dataset"] == "wdi_cpi_api_2024_11_2024_11_13"


# --- probes ------------------------------------------------------------------------------------

def test_baci_probe_reads_the_latest_release_of_the_datasets_revision(site):
    config = site.config()
    entry = {"format": "baci_zip", "url": "{base_url}/{file}",
             "files": ["BACI_HS92_V202401b.zip"]}
    assert probes.probe_release(entry, config, policy=FAST) == "202501"  # not HS17's 209912
    site.baci = ["202401b"]
    assert probes.probe_release(entry, config, policy=FAST) == "202401b"
    site.baci = []
    with pytest.raises(probes.ProbeError, match=r"links no BACI_HS92_V<version>\.zip release"):
        probes.probe_release(entry, config, policy=FAST)


def test_probes_read_ilostat_and_wdi_dates_and_name_what_is_wrong(site):
    config = site.config()
    ilostat = {"format": "ilostat_bulk_csv", "url": "{base_url}/{file}",
               "files": ["EAR_4MTH_SEX_ECO_CUR_NB_A.csv.gz"]}
    wdi_api = {"format": "wdi_api_json", "url": "{base_url}/country/all/indicator/PA.NUS.FCRF",
               "files": ["PA.NUS.FCRF.json"]}
    assert probes.probe_release(ilostat, config, policy=FAST) == "2024-11-02"
    assert probes.probe_release(wdi_api, config, policy=FAST) == "2024-11-13"
    site.ilostat["EAR_4MTH_SEX_ECO_CUR_NB_A"] = "soon"
    with pytest.raises(probes.ProbeError, match="cannot read the date 'soon'"):
        probes.probe_release(ilostat, config, policy=FAST)
    missing = {**ilostat, "files": ["NOT_THERE_A.csv.gz"]}
    with pytest.raises(probes.ProbeError, match="NOT_THERE_A is not in the table of contents"):
        probes.probe_release(missing, config, policy=FAST)
    assert probes.probe_release({"format": "indstat2_csv", "files": ["x.csv"]}, config) is None
    assert probes.probe_release({**ilostat, "generator": "demo"}, config) is None


def test_probes_follow_the_provider_paths_of_the_config(site):
    """A provider that moves its table of contents or API needs a config change, not a code
    change (providers.paths)."""
    site.server.route("/ilostat/toc/contents.csv",
                      lambda request: Response(body=site.ilostat_toc().encode()))
    site.server.route("/wdi/v3/indicators/PA.NUS.FCRF",
                      functools.partial(site.wdi_page, "PA.NUS.FCRF"))
    site.server.route("/cepii/releases.html",
                      lambda request: Response(body=site.baci_page().encode()))
    config = site.config(providers={**site.overlay()["providers"], "paths": {
        "ilostat_table_of_contents": "{base_url}/toc/contents.csv",
        "wdi_indicator": "{base_url}/v3/indicators/{indicator}",
        "baci_releases": f"{site.server.url}/cepii/releases.html"}})
    ilostat = {"format": "ilostat_bulk_csv", "url": "{base_url}/{file}",
               "files": ["EAR_4MTH_SEX_ECO_CUR_NB_A.csv.gz"]}
    wdi_bulk = {"format": "wdi_bulk_csv", "files": ["API_PA.NUS.FCRF_DS2_en_csv_v2.zip"],
                "url": "{base_url}/en/indicator/PA.NUS.FCRF?downloadformat=csv"}
    baci = {"format": "baci_zip", "url": "{base_url}/{file}", "files": ["BACI_HS92_V202501.zip"]}
    assert probes.probe_release(ilostat, config, policy=FAST) == "2024-11-02"
    assert probes.probe_release(wdi_bulk, config, policy=FAST) == "2024-11-13"
    assert probes.probe_release(baci, config, policy=FAST) == "202501"
    assert site.server.requested_paths() == ["/ilostat/toc/contents.csv",
                                             "/wdi/v3/indicators/PA.NUS.FCRF",
                                             "/cepii/releases.html"]


def test_comtrade_probe_reads_the_latest_release_in_the_configured_years(local_server,
                                                                         monkeypatch):
    monkeypatch.setenv("COMTRADE_API_KEY", "k3y")

    def availability(request):
        if request.headers.get("Ocp-Apim-Subscription-Key") != "k3y":
            return Response(401, b'{"message": "Access denied"}')
        years = request.query["period"].split(",")
        data = [{"reporterCode": 50, "period": int(year), "classificationCode": "H4",
                 "lastReleased": f"{year}-0{n + 1}-15T09:30:00"} for n, year in enumerate(years)]
        return Response(body=json.dumps({"count": len(data), "data": data}).encode())

    local_server.route("/comtrade/data/v1/getDa/C/A/HS", availability)  # getDataAvailability
    config = Providers(local_server).config(years={"start": 2019, "end": 2021})
    entry = {"format": "comtrade_api", "url": "{base_url}/data/v1/get/C/A/HS",
             "files": ["comtrade_exports_world_{year}.parquet"]}
    assert probes.probe_release(entry, config, policy=FAST) == "2021-03-15"
    assert local_server.requests[-1].query == {"period": "2019,2020,2021"}
    monkeypatch.delenv("COMTRADE_API_KEY")
    with pytest.raises(RuntimeError, match="COMTRADE_API_KEY"):
        probes.probe_release(entry, config, policy=FAST)


# --- registry ----------------------------------------------------------------------------------

def test_successor_ids_and_entries_follow_the_release():
    assert successor_id("baci_hs92_v202501", "202501", "202507") == "baci_hs92_v202507"
    assert successor_id("wdi_cpi_2024_11", "2024-11", "2025-03-28") == "wdi_cpi_2025_03_28"
    assert successor_id("wdi_cpi_api_2024_11", "2024-11-api", "2025-03-28") == \
        "wdi_cpi_api_2024_11_2025_03_28"
    entry = {"source": "baci", "version": "202501", "format": "baci_zip",
             "url": "{base_url}/{file}", "files": ["BACI_HS92_V202501.zip"],
             "sha256": {"BACI_HS92_V202501.zip": "0" * 64},
             "licence": "Etalab", "redistributable": True, "description": "BACI."}
    new = successor_entry("baci_hs92_v202501", entry, "202507", "2025-07-20")
    assert new["files"] == ["BACI_HS92_V202507.zip"] and "sha256" not in new
    assert new["description"].startswith("Release 202507, found by the refresh probe on 2025-07-20")
    same = {"source", "format", "url", "licence", "redistributable"}
    assert set(new) == same | {"version", "files", "description"}
    assert {key: new[key] for key in same} == {key: entry[key] for key in same}


def test_discovered_id_clashing_with_a_curated_one_is_an_error(tmp_path):
    (tmp_path / "curated.yaml").write_text("a: {source: baci}\n")
    (tmp_path / "found.yaml").write_text("a: {source: wdi}\n")
    with pytest.raises(ConfigError, match=r"dataset id\(s\) \['a'\] are also in"):
        load_registry(tmp_path / "curated.yaml", tmp_path / "found.yaml")
    curated_only = load_registry(tmp_path / "curated.yaml", tmp_path / "absent.yaml")
    assert curated_only == {"a": {"source": "baci"}}


# --- diff --------------------------------------------------------------------------------------

def test_diff_lists_rows_coverage_values_beyond_tolerance_and_shortens_long_lists(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    write_results(old, "baci_hs92_v202501")
    write_results(new, "baci_hs92_v202501")
    years = range(1990, 2050)  # 60 new rows of a new country: more than the report shows
    extra = pd.DataFrame({"country": "ETH", "value_chain": "apparel", "year": list(years),
                          "market_share": 0.01, "employment_persons": np.nan})
    indicators = pd.read_parquet(new / "indicators/indicators.parquet")
    indicators.loc[indicators["country"] == "VNM", "market_share"] *= 1.02
    write_table(pd.concat([indicators, extra]), new / "indicators/indicators.parquet")
    diff = diff_vintages(old, new, Tolerances(indicator=0.03, coefficient=0.01))
    assert diff.moved_values.empty  # VNM moved 2%, within 3% ...
    # ... which the diff counts instead of reporting that nothing moved
    vnm = int((indicators["country"] == "VNM").sum())
    before = pd.read_parquet(old / "indicators/indicators.parquet")
    compared = int(before[["market_share", "employment_persons"]].notna().sum().sum())
    counts = diff.value_changes.set_index("column")
    assert counts.loc["market_share"].tolist() == [len(before), vnm, vnm, 0]
    assert counts.loc["employment_persons", ["moved", "within_tolerance"]].tolist() == [0, 0]
    summary = diff.summary()
    assert (summary["values_compared"], summary["moved_values"],
            summary["values_moved_within_tolerance"]) == (compared, 0, vnm)
    assert diff.headline().startswith(f"0 indicator values moved by more than 3.0% and {vnm} "
                                      f"by less (of {compared} in both vintages)")
    tighter = diff_vintages(old, new, Tolerances(0.01, 0.01))
    assert len(tighter.moved_values) == vnm
    assert tighter.summary()["values_moved_within_tolerance"] == 0
    rows = diff.rows.set_index("table")
    counts = ["rows_before", "rows_after", "rows_gained", "rows_lost"]
    assert rows.loc["indicators", counts].tolist() == [4, 64, 60, 0]
    assert diff.changed_rows["key"].iloc[0] == "ETH / apparel / 1990"
    coverage = diff.coverage.set_index("measure")
    assert coverage.loc["countries", ["before", "after"]].tolist() == [2, 3]
    assert coverage.loc["first year", ["before", "after"]].tolist() == [2000, 1990]
    assert "values of employment_persons" not in coverage.index  # ETH adds no employment
    assert diff.class_changes.empty and diff.moved_coefficients.empty
    assert diff.summary()["coefficients_moved_within_tolerance"] == 0
    estimates = pd.read_parquet(new / "estimates/estimates.parquet")
    write_table(estimates.assign(estimate=estimates["estimate"] + 0.004),
                new / "estimates/estimates.parquet")  # within the coefficient tolerance 0.01
    nudged = diff_vintages(old, new, Tolerances(indicator=0.03, coefficient=0.01))
    assert nudged.moved_coefficients.empty
    assert nudged.summary()["coefficients_moved_within_tolerance"] == len(estimates)
    paths = write_report(diff, tmp_path / "report")
    markdown = paths["md"].read_text()
    assert "First 50 of 60 rows; vintage_diff.json lists all." in markdown
    assert f"| market_share | {len(before)} | {vnm} | {vnm} | 0 |" in markdown
    assert len(json.loads(paths["json"].read_text())["changed_rows"]) == 60


# --- the real workflow -------------------------------------------------------------------------

TABLES = ["results/indicators/indicators.parquet", "results/estimates/estimates.parquet",
          "results/classification/classification.parquet"]


def publish(demo: Path, site: Path) -> None:
    """The demo world's ILOSTAT and WDI files in the providers' URL layout."""
    (site / "ilostat").mkdir(parents=True)
    for name in ILOSTAT_INDICATORS:
        (site / "ilostat" / f"{name}.csv.gz").write_bytes(
            (demo / "ilostat" / f"{name}.csv.gz").read_bytes())
    (site / "wdi" / "en" / "indicator").mkdir(parents=True)
    for indicator in WDI_INDICATORS:
        data = f"API_{indicator}_DS2_en_csv_v2_demo.csv"
        with zipfile.ZipFile(site / "wdi" / "en" / "indicator" / indicator, "w") as zf:
            zf.write(demo / "wdi" / data, data)
            zf.write(demo / "wdi" / f"Metadata_Country_{data}", f"Metadata_Country_{data}")


@pytest.mark.e2e
def test_refresh_runs_the_workflow_for_a_new_release_against_the_local_server(tmp_path, site):
    """A first vintage; CEPII publishes a new BACI release whose download first fails with a
    server error, then succeeds; then nothing new. Snakemake runs for real."""
    years = (2003, 2012)
    world = {version: generate_demo_world(tmp_path / version, seed=seed, n_countries=20,
                                          years=years, baci_version=version)
             for version, seed in (("202501", 7), ("202507", 8))}
    publish(tmp_path / "202501", tmp_path / "site")
    site.server.serve_directory("/ilostat", tmp_path / "site" / "ilostat")
    site.server.serve_directory("/wdi/en", tmp_path / "site" / "wdi" / "en")
    site.server.serve_file("/baci/BACI_HS92_V202501.zip", world["202501"]["baci"][0])
    site.serve_tiva(tmp_path / "202501")
    root = copy_repo(tmp_path / "project")
    paths = refresh.Paths(root)
    indstat = root / "resources/raw/indstat/2024/INDSTAT2_2024_ISIC3.csv"
    indstat.parent.mkdir(parents=True)
    indstat.write_bytes(world["202501"]["indstat"][0].read_bytes())
    periods = [{"label": "2003-2008", "start": 2003, "end": 2008},
               {"label": "2007-2012", "start": 2007, "end": 2012}]
    (root / "local.yaml").write_text(yaml.safe_dump({
        **site.overlay(), "years": {"start": years[0], "end": years[1]},
        "classification": {"periods": periods}}))
    configfiles = [root / "config/real_sources.yaml", root / "local.yaml"]
    run = functools.partial(refresh.run_snakemake, cores=2, targets=TABLES)

    def refresh_once() -> tuple[refresh.Outcome, list[str]]:
        """Refresh; return the outcome and the paths requested other than the probes'."""
        start = len(site.server.requests)
        outcome = refresh.refresh(root, configfiles, run=run, probe=probe_fast)
        return outcome, [r.path for r in site.server.requests[start:]
                         if r.path not in PROBE_PATHS]

    first, downloads = refresh_once()
    assert first.code == refresh.EXIT_REFRESHED, first.message
    # BACI, two ILOSTAT and two WDI files, one request per TiVA dataflow
    assert len(downloads) == 7 and "/baci/BACI_HS92_V202501.zip" in downloads
    before, raw_before = vintage_files(root, first.vintage), snapshot(root / "resources/raw")
    pointer = paths.current_json.read_bytes()

    # CEPII lists V202507, but its download fails with a server error (retried at once)
    site.baci.append("202507")
    site.server.route("/baci/BACI_HS92_V202507.zip", lambda request: Response(
        500, b"Internal Server Error", {"Retry-After": "0"}))
    failed, downloads = refresh_once()
    assert failed.code == refresh.EXIT_FAILED, failed.message
    assert set(downloads) == {"/baci/BACI_HS92_V202507.zip"}
    error = read_json(paths.record_dir(failed.vintage) / "vintage.json")["error"]
    assert re.match(r"Snakemake exited with 1; failed: rule retrieve_baci "
                    r"\(gvc_upgrading\.store\.fetch\."
                    r"FetchError: fetching http://127\.0\.0\.1:\d+/baci/BACI_HS92_V202507\.zip "
                    r"failed after 5 attempts: HTTP 500", error)
    assert error.splitlines()[0] in failed.message
    assert paths.current_json.read_bytes() == pointer
    assert vintage_files(root, first.vintage) == before
    raw = snapshot(root / "resources/raw")
    assert {path: raw[path] for path in raw_before} == raw_before
    release = root / "resources/raw/baci/202507"
    assert not [p.name for p in release.glob("*") if p.name != ".lock"]  # nothing half written

    # the server is fixed: the next refresh downloads that one file and reports what moved
    site.server.serve_file("/baci/BACI_HS92_V202507.zip", world["202507"]["baci"][0])
    second, downloads = refresh_once()
    assert second.code == refresh.EXIT_REFRESHED, second.message
    assert downloads == ["/baci/BACI_HS92_V202507.zip"]
    assert current(root)["id"] == second.vintage and current(root)["previous"] == first.vintage
    assert vintage_files(root, first.vintage) == before
    raw = snapshot(root / "resources/raw")
    assert {path: raw[path] for path in raw_before} == raw_before
    assert sorted(p.name for p in release.glob("*.zip*")) == [
        "BACI_HS92_V202507.zip", "BACI_HS92_V202507.zip.manifest.json"]
    report = read_json(paths.workdir(second.vintage) / "vintage_diff.json")
    assert report["summary"]["class_changes"] > 0 and report["summary"]["moved_values"] > 0
    moved_columns = {m["column"] for m in report["moved_values"]}
    assert {"market_share", "export_value_usd"} <= moved_columns
    assert not moved_columns & {"employment_persons", "real_wage_per_employee_lcu"}  # not trade
    change = report["class_changes"][0]
    markdown = (paths.workdir(second.vintage) / "vintage_diff.md").read_text()
    assert f"| {change['country']} | {change['value_chain']} | {change['period']} |" in markdown

    # nothing published since: the probes alone, no download, no workflow run
    third, downloads = refresh_once()
    assert (third.code, third.vintage, downloads) == (refresh.EXIT_NOTHING_NEW, second.vintage, [])
    assert sorted(p.name for p in (root / "results/vintages").iterdir()) == sorted(
        [first.vintage, failed.vintage, second.vintage])
