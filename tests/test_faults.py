"""Faults beyond a single bad file: zip bombs, API keys that must not leak, two runs sharing one
raw store, and a workflow run that fails on bad input without losing earlier results."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import traceback
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest
from httpserver import Response
from workflow_helpers import REPO, copy_repo, provider_paths, snakemake, zip_bytes

from gvc_upgrading.config import load_yaml
from gvc_upgrading.errors import InputError
from gvc_upgrading.io import rule_logging
from gvc_upgrading.sources import baci
from gvc_upgrading.store.fetch import FetchError, FetchPolicy, manifest_path
from gvc_upgrading.store.retrieve import LOCK_NAME, retrieve, retrieve_comtrade_year

FAST = FetchPolicy(connect_timeout=5.0, read_timeout=10.0, max_attempts=2, backoff_initial=0.01,
                   backoff_max=0.02)
KEY = "k3y-Th@t/Must+Never=Leak"


# --- archive safety: decompressed-size limits ----------------------------------------------------

def test_zip_bomb_is_refused_before_anything_is_decompressed(tmp_path, monkeypatch):
    """32 MiB of repetitive rows compress to a few KiB; with a 1 MiB limit the archive is refused
    from its directory alone: no member is ever opened."""
    rows = b'"t","i","j","k","v","q"\n' + b'2020,4,8,10110,1,"1"\n' * (32 * 2**20 // 21)
    path = tmp_path / "BACI_HS92_V202401.zip"
    path.write_bytes(zip_bytes({"BACI_HS92_Y2020_V202401.csv": rows}))
    assert path.stat().st_size < 2**20 // 8
    monkeypatch.setattr(baci, "MAX_MEMBER_BYTES", 2**20)
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("member opened"))
    with pytest.raises(InputError, match=r"member would decompress to 33,554,\d+ bytes; expected "
                                         r"at most 1,048,576 \(a zip bomb\?\); refused"):
        baci.read_year(path, 2020)


def test_many_members_that_together_exceed_the_archive_limit_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "BACI_HS92_V202401.zip"
    path.write_bytes(zip_bytes({f"BACI_HS92_Y{year}_V202401.csv": b"x" * 4000
                             for year in range(2000, 2010)}))
    monkeypatch.setattr(baci, "MAX_ARCHIVE_BYTES", 30_000)
    with pytest.raises(InputError, match=r"members would decompress to 40,000 bytes in all; "
                                         r"expected at most 30,000"):
        baci.year_members(path)


def test_limits_leave_room_for_the_largest_real_files():
    """A year file of the largest BACI release is about 0.6 GB, a whole release about 10 GB."""
    assert baci.MAX_MEMBER_BYTES >= 2 * 10**9 and baci.MAX_ARCHIVE_BYTES >= 40 * 10**9


# --- secrets: API keys from the environment only, never shown -----------------------------------

def comtrade_download(server) -> dict:
    return {"dataset": "comtrade_test", "format": "comtrade_api", "version": "test",
            "year": 2020, "base_url": server.url, "url": f"{server.url}/data/v1/get/C/A/HS",
            "sha256": None, **provider_paths("comtrade_api", comtrade=server.url)}


def serve_references(server) -> None:
    server.serve_bytes("/files/v1/app/reference/HS.json", json.dumps({"results": [
        {"id": code, "aggrLevel": len(code)} for code in ["61", "6109", "610910"]]}).encode())
    server.serve_bytes("/files/v1/app/reference/Reporters.json",
                       json.dumps({"results": [{"reporterCode": 50}]}).encode())


@pytest.fixture()
def rule_log(tmp_path):
    """A rule's ``snakemake`` stand-in whose log goes to a file; the handlers are removed after."""
    log_file = tmp_path / "logs" / "retrieve_comtrade.log"
    yield SimpleNamespace(log=[str(log_file)], rule="retrieve_comtrade"), log_file
    logger = logging.getLogger("gvc_upgrading")
    for handler in list(logger.handlers):
        handler.close()
        logger.removeHandler(handler)


def test_key_quoted_in_an_api_error_is_redacted_from_error_and_log(local_server, tmp_path,
                                                                   monkeypatch, rule_log):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    serve_references(local_server)
    local_server.serve_bytes("/data/v1/get/C/A/HS", json.dumps(
        {"count": 0, "data": [], "error": f"subscription key {KEY} has exceeded its quota"}).encode())
    rule, log_file = rule_log
    dest = tmp_path / "raw" / "comtrade" / "test" / "comtrade_exports_world_2020.parquet"
    with pytest.raises(InputError) as info, rule_logging(rule):
        retrieve_comtrade_year(comtrade_download(local_server), dest, ["61"], policy=FAST)
    assert local_server.requests[-1].headers["Ocp-Apim-Subscription-Key"] == KEY  # it was sent
    assert "subscription key *** has exceeded its quota" in str(info.value)
    report = "".join(traceback.format_exception(info.value))
    assert "has exceeded its quota" in log_file.read_text()
    for text in (str(info.value), report, log_file.read_text()):
        assert KEY not in text
    assert sorted(p.name for p in dest.parent.iterdir()) == [LOCK_NAME]  # nothing stored


def test_key_echoed_by_a_failing_server_is_redacted(local_server, tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    serve_references(local_server)
    local_server.script("/data/v1/get/C/A/HS", [Response(403, f"Invalid key {KEY}".encode())])
    with pytest.raises(FetchError) as info:
        retrieve_comtrade_year(comtrade_download(local_server), tmp_path / "x.parquet", ["61"],
                               policy=FAST)
    assert "HTTP 403" in str(info.value) and "Invalid key ***" in str(info.value)
    assert KEY not in str(info.value) and KEY not in caplog.text
    assert not (tmp_path / "x.parquet").exists()


def test_stored_results_and_manifest_hold_no_key(local_server, tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("COMTRADE_API_KEY", f"  {KEY}\n")  # pasted with blanks: they are dropped
    serve_references(local_server)
    record = {"refYear": 2020, "reporterCode": 50, "reporterISO": "BGD", "flowCode": "X",
              "partnerCode": 0, "cmdCode": "610910", "classificationCode": "H5",
              "primaryValue": 1.5e6, "netWgt": 2e4}
    local_server.serve_bytes("/data/v1/get/C/A/HS", json.dumps(
        {"count": 1, "data": [record], "error": ""}).encode())
    dest = tmp_path / "comtrade_exports_world_2020.parquet"
    retrieve_comtrade_year(comtrade_download(local_server), dest, ["61"], policy=FAST)
    assert local_server.requests[-1].headers["Ocp-Apim-Subscription-Key"] == KEY
    stored = [dest.read_bytes().decode("latin-1"), str(pq.read_metadata(dest).metadata),
              manifest_path(dest).read_text(), caplog.text]
    assert not any(KEY in text for text in stored)


def _property_names(schema) -> set[str]:
    """Every property name declared anywhere in a JSON Schema."""
    if isinstance(schema, list):
        return set().union(*map(_property_names, schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("properties", {}))
    return names.union(*(_property_names(value) for value in schema.values()))


def test_no_configuration_file_can_carry_a_key():
    """Keys come from the environment only: no schema declares a place for one, and every
    schema refuses unknown keys at the top level."""
    for name in ("config", "datasets", "gvcs"):
        schema = load_yaml(REPO / "workflow" / "schemas" / f"{name}.schema.yaml")
        secret_like = {p for p in _property_names(schema)
                       if any(word in p.lower() for word in ("key", "token", "secret", "password"))}
        assert secret_like == set(), name
    assert load_yaml(REPO / "workflow" / "schemas" / "config.schema.yaml")[
        "additionalProperties"] is False


# --- concurrency: two runs sharing one raw store -------------------------------------------------

BACI_ZIP = zip_bytes({"BACI_HS92_Y2021_V202401.csv": b't,i,j,k,v,q\n2021,4,8,610910,1.5,"0.2"\n' * 200})
RETRIEVE_SCRIPT = """
import json, logging, sys
from gvc_upgrading.store.fetch import FetchPolicy
from gvc_upgrading.store.retrieve import retrieve
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
manifest = retrieve(json.loads(sys.argv[1]), sys.argv[2], policy=FetchPolicy(max_attempts=1))
print(json.dumps(manifest))
"""


def baci_download(server) -> dict:
    return {"dataset": "baci_test", "format": "baci_zip", "version": "V202401",
            "url": f"{server.url}/baci/BACI_HS92_V202401.zip", "sha256": None}


def test_two_runs_retrieving_one_file_download_it_once(local_server, tmp_path):
    """Two processes (two workflow runs) ask for the same raw file: one downloads it while the
    other waits for the raw folder's lock, then finds the complete file and uses it."""
    local_server.script("/baci/BACI_HS92_V202401.zip", [Response(body=BACI_ZIP, body_delay=2.0)])
    dest = tmp_path / "resources" / "raw" / "baci" / "V202401" / "BACI_HS92_V202401.zip"
    env = {**os.environ, "PYTHONPATH": str(REPO / "workflow" / "scripts")}
    runs = [subprocess.Popen([sys.executable, "-c", RETRIEVE_SCRIPT,
                              json.dumps(baci_download(local_server)), str(dest)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for _ in range(2)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert local_server.requested_paths() == ["/baci/BACI_HS92_V202401.zip"]  # one download
    manifests = [json.loads(out) for out, _ in outputs]
    assert {m["sha256"] for m in manifests} == {hashlib.sha256(BACI_ZIP).hexdigest()}
    logs = "".join(err for _, err in outputs)
    assert "waiting for another run to finish writing the raw folder" in logs
    assert "is already stored" in logs
    assert dest.read_bytes() == BACI_ZIP
    assert sorted(p.name for p in dest.parent.iterdir()) == [
        LOCK_NAME, dest.name, manifest_path(dest).name]


def test_a_waiting_run_downloads_when_the_first_one_failed(local_server, tmp_path):
    """The first run's download fails (nothing is stored); the run that waited downloads."""
    local_server.script("/baci/BACI_HS92_V202401.zip", [
        Response(404, b"not yet published", body_delay=0.5), Response(body=BACI_ZIP)])
    dest = tmp_path / "baci" / "V202401" / "BACI_HS92_V202401.zip"
    results: list = []

    def run() -> None:
        try:
            results.append(retrieve(baci_download(local_server), dest, policy=FAST))
        except FetchError as exc:
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(r).__name__ for r in results) == ["FetchError", "dict"]
    assert "HTTP 404" in str(next(r for r in results if isinstance(r, FetchError)))
    assert len(local_server.requested_paths()) == 2
    assert dest.read_bytes() == BACI_ZIP


def test_a_damaged_stored_file_is_retrieved_again(local_server, tmp_path):
    """A file whose bytes no longer match its manifest is not taken for complete."""
    local_server.serve_bytes("/baci/BACI_HS92_V202401.zip", BACI_ZIP)
    dest = tmp_path / "BACI_HS92_V202401.zip"
    retrieve(baci_download(local_server), dest, policy=FAST)
    dest.write_bytes(BACI_ZIP[:100])
    manifest = retrieve(baci_download(local_server), dest, policy=FAST)
    assert manifest["sha256"] == hashlib.sha256(BACI_ZIP).hexdigest()
    assert dest.read_bytes() == BACI_ZIP and len(local_server.requested_paths()) == 2


# --- a workflow run that fails on bad input ------------------------------------------------------

def _snapshot(paths) -> dict[str, tuple[int, bytes]]:
    return {str(path): (path.stat().st_mtime_ns, path.read_bytes()) for path in paths}


#: A short panel keeps the run small: one trade job per year.
SHORT_YEARS = (2008, 2012)


def _short_overlay(work: Path) -> Path:
    """A config overlay for a short demo panel (periods inside it)."""
    first, last = SHORT_YEARS
    overlay = {"years": {"start": first, "end": last},
               "classification": {**load_yaml(REPO / "config" / "config.yaml")["classification"],
                                  "periods": [{"label": f"{first}-{last}", "start": first,
                                               "end": last}]}}
    path = work / "config" / "short.yaml"
    path.write_text(json.dumps(overlay), encoding="utf-8")  # JSON is YAML
    return path


@pytest.mark.e2e
def test_failed_run_keeps_the_results_of_unaffected_rules(tmp_path):
    """Harmonise a short demo panel, corrupt the INDSTAT file, rerun with --keep-going: the run
    fails with the reader's error in the rule's log, and the trade and price tables of the first
    run are untouched (same bytes, same time stamps); no partial file is left in results/."""
    work = copy_repo(tmp_path / "workflow")
    results = work / "results"
    kept = [results / "harmonised" / "trade" / f"trade_{year}.parquet"
            for year in range(SHORT_YEARS[0], SHORT_YEARS[1] + 1)]
    kept.append(results / "harmonised" / "prices.parquet")
    targets = [str(path.relative_to(work)) for path in kept] + ["results/harmonised/labour.parquet"]
    overlay = str(_short_overlay(work).relative_to(work))
    snakemake(work, "--cores", "2", *targets, "--configfile", overlay)
    before = _snapshot(kept)

    indstat_file = work / "resources" / "raw" / "demo" / "indstat" / "INDSTAT2_demo_ISIC3.csv"
    rows = indstat_file.read_text(encoding="utf-8").splitlines()
    fields = rows[6].split(",")
    fields[5] = "n/a"
    rows[6] = ",".join(fields)
    indstat_file.write_text("\n".join(rows) + "\n", encoding="utf-8")  # newer than its outputs

    rerun = snakemake(work, "--cores", "2", "--keep-going", *targets, "--configfile", overlay,
                      check=False)
    assert rerun.returncode != 0
    assert "harmonise_labour" in rerun.stdout + rerun.stderr
    log_text = (results / "logs" / "harmonise_labour.log").read_text()
    assert "InputError" in log_text
    assert "INDSTAT2_demo_ISIC3.csv, row 7, value: value 'n/a' is not a number" in log_text
    assert _snapshot(kept) == before
    assert not (results / "harmonised" / "labour.parquet").exists()
    assert [p for p in results.rglob("*") if p.name.endswith(".part")] == []
