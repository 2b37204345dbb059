"""A refresh that is stopped: by SIGTERM in the middle of a download (the real workflow against
the local server), by a signal while it probes, and what a refresh killed outright leaves for
the next one to clean up."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from httpserver import Response
from test_refresh import TABLES, FakeWorkflow, Providers, probe_fast, publish
from workflow_helpers import copy_repo

from conftest import REPO
from gvc_upgrading.demo import generate_demo_world
from gvc_upgrading.store import refresh
from gvc_upgrading.store.locks import LockedError, exclusive_lock
from gvc_upgrading.store.workflow_run import (
    StopSignals,
    group_members,
    wait_for_child,
    wait_for_group,
)

BACI = "/baci/BACI_HS92_V202501.zip"


@pytest.fixture
def site(local_server):
    return Providers(local_server)


def wait_for(condition, what: str, timeout: float = 180.0):
    """Poll ``condition`` until it returns something true; fail naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def processes_mentioning(text: str) -> list[int]:
    """Live processes (not zombies) whose command line holds ``text`` (e.g. a project folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if text in command and state != "Z":
            found.append(int(entry.name))
    return found


def refresh_command(root: Path, configfiles: list[Path]) -> list[str]:
    return [sys.executable, "-m", "gvc_upgrading.store.refresh", "--directory", str(root),
            "--cores", "2", "--configfile", *map(str, configfiles), "--", *TABLES]


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process groups from /proc")
def test_sigterm_mid_download_stops_everything_and_the_next_refresh_cleans_up(tmp_path, site):
    years = (2003, 2012)
    files = generate_demo_world(tmp_path / "demo", seed=7, n_countries=20, years=years,
                                baci_version="202501")
    publish(tmp_path / "demo", tmp_path / "site")
    site.server.serve_directory("/ilostat", tmp_path / "site" / "ilostat")
    site.server.serve_directory("/wdi/en", tmp_path / "site" / "wdi" / "en")
    site.serve_tiva(tmp_path / "demo")
    release = files["baci"][0].read_bytes()
    chunk = max(len(release) // 200, 1)
    speed = {"chunk_delay": 0.5}  # about 100 s for the whole zip: a download to interrupt
    site.server.route(BACI, lambda request: Response(body=release, chunk_bytes=chunk, **speed))
    root = copy_repo(tmp_path / "project")
    indstat = root / "resources/raw/indstat/2024/INDSTAT2_2024_ISIC3.csv"
    indstat.parent.mkdir(parents=True)
    indstat.write_bytes(files["indstat"][0].read_bytes())
    periods = [{"label": "2003-2008", "start": 2003, "end": 2008},
               {"label": "2007-2012", "start": 2007, "end": 2012}]
    (root / "local.yaml").write_text(yaml.safe_dump({
        **site.overlay(), "years": {"start": years[0], "end": years[1]},
        "classification": {"periods": periods}}))
    configfiles = [root / "config/real_sources.yaml", root / "local.yaml"]
    paths = refresh.Paths(root)
    raw_baci = root / "resources/raw/baci/202501"
    env = {**os.environ, "PYTHONPATH": str(REPO / "workflow" / "scripts")}

    with open(tmp_path / "first.err", "w") as err:
        first = subprocess.Popen(refresh_command(root, configfiles), env=env, stderr=err,
                                 stdout=subprocess.DEVNULL)
        try:
            # the zip is arriving: its partial file holds bytes, and the log names the run's group
            wait_for(lambda: any(p.stat().st_size > 0 for p in raw_baci.glob(".*.part")),
                     "the BACI download to start")
            logs = sorted((paths.vintages / "logs").glob("refresh_*.log"))
            group = int(wait_for(lambda: re.search(r"process group (\d+)", logs[-1].read_text()),
                                 "the workflow's process group").group(1))
            assert group_members(group)
            first.send_signal(signal.SIGTERM)
            held_while_stopping = False
            while first.poll() is None:
                try:
                    with exclusive_lock(paths.lock, timeout=0):
                        assert group_members(group) == [], "lock free while the run is going"
                except LockedError:
                    held_while_stopping = True
                time.sleep(0.01)
        finally:
            if first.poll() is None:
                first.kill()
    assert first.wait() == -signal.SIGTERM  # it ended by the signal, as a stopped program does
    assert held_while_stopping
    assert group_members(group) == [] and processes_mentioning(str(root)) == []
    with exclusive_lock(paths.lock, timeout=0):
        pass  # free now
    (vintage,) = [p.parent.name for p in paths.vintages.glob("*/vintage.json")]
    record = json.loads((paths.record_dir(vintage) / "vintage.json").read_text())
    assert record["status"] == "failed" and record["finished_at"]
    assert record["error"].startswith("stopped by SIGTERM while the workflow ran")
    assert not paths.current_json.exists()
    stale = list(raw_baci.glob(".*.part"))
    assert stale and not (raw_baci / "BACI_HS92_V202501.zip").exists()
    log_text = logs[-1].read_text()
    assert "SIGTERM received: sending SIGTERM to the workflow run" in log_text
    assert f"vintage {vintage} stopped by SIGTERM" in log_text

    # the server is fast again: the next refresh removes the partial file and succeeds
    speed.clear()
    second = subprocess.run(refresh_command(root, configfiles), env=env, capture_output=True,
                            text=True, timeout=900)
    assert second.returncode == refresh.EXIT_REFRESHED, second.stderr[-3000:]
    for part in stale:
        assert f"removed {part}" in second.stderr
    assert list(raw_baci.glob(".*.part")) == []
    assert (raw_baci / "BACI_HS92_V202501.zip").read_bytes() == release
    current = json.loads(paths.current_json.read_text())
    assert current["status"] == "complete" and current["id"] != vintage
    assert json.loads((paths.record_dir(vintage) / "vintage.json").read_text())["status"] == \
        "failed"


def test_a_signal_while_probing_stops_before_any_vintage(tmp_path, site):
    root = copy_repo(tmp_path / "project")
    (root / "local.yaml").write_text(yaml.safe_dump(site.overlay()))
    configfiles = [root / "config/real_sources.yaml", root / "local.yaml"]
    probes = []

    def probe_then_interrupted(entry, config):
        probes.append(entry)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while a provider answers slowly
        time.sleep(5)
        pytest.fail("the signal did not interrupt the probe")

    workflow = FakeWorkflow()
    outcome = refresh.refresh(root, configfiles, run=workflow, probe=probe_then_interrupted)
    assert (outcome.code, outcome.signal) == (128 + signal.SIGINT, signal.SIGINT)
    assert outcome.message == ("refresh stopped by SIGINT while probing the providers; "
                               "no vintage was started")
    assert len(probes) == 1 and workflow.runs == []
    assert not list(refresh.Paths(root).vintages.glob("*/vintage.json"))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored
    with exclusive_lock(refresh.Paths(root).lock, timeout=0):
        pass


def test_next_refresh_closes_records_left_running_and_removes_partial_files(tmp_path, site,
                                                                            caplog):
    """What a refresh killed outright (SIGKILL) leaves: a record that says running and partial
    files in the raw store; a partial file in a folder another run is writing stays."""
    caplog.set_level(logging.INFO, logger="gvc_upgrading")
    root = copy_repo(tmp_path / "project")
    (root / "local.yaml").write_text(yaml.safe_dump(site.overlay()))
    paths = refresh.Paths(root)
    stale = {"id": "20250101T000000Z", "status": "running", "finished_at": None, "error": None}
    (paths.record_dir(stale["id"])).mkdir(parents=True)
    (paths.record_dir(stale["id"]) / "vintage.json").write_text(json.dumps(stale))
    raw = root / "resources/raw"
    left = raw / "baci/202501/.BACI_HS92_V202501.zip.k2j4h1.part"
    busy = raw / "wdi/2024-11-13/.API_FP.CPI.TOTL_DS2_en_csv_v2.zip.x8y7.part"
    demo = raw / "demo/baci/.BACI_HS92_V202401.zip.q1w2.part"  # the demo rule's, not a download
    for part in (left, busy, demo):
        part.parent.mkdir(parents=True)
        part.write_bytes(b"PK\x03\x04 half a zip")
    with exclusive_lock(busy.parent / ".lock"):  # another run is writing this folder
        outcome = refresh.refresh(root, [root / "config/real_sources.yaml", root / "local.yaml"],
                                  run=FakeWorkflow(), probe=probe_fast)
    assert outcome.code == refresh.EXIT_REFRESHED, outcome.message
    closed = json.loads((paths.record_dir(stale["id"]) / "vintage.json").read_text())
    assert closed["status"] == "failed" and closed["finished_at"]
    assert "ended before it finished" in closed["error"]
    assert not left.exists() and busy.exists() and demo.exists()
    messages = [record.getMessage() for record in caplog.records]
    assert any(f"closed the stale record of vintage {stale['id']}" in m for m in messages)
    assert any(f"removed {left}" in m for m in messages)
    assert any("another run is writing that folder" in m for m in messages)


def test_a_workflow_run_that_ignores_sigterm_is_killed_after_the_grace():
    """The forwarded signal is not the end of it: a run that does not end within the grace is
    sent SIGKILL, with every process of its group."""
    script = ("import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
              "print('ready', flush=True); time.sleep(60)")
    with StopSignals(grace=0.5) as stop:
        child = subprocess.Popen([sys.executable, "-c", script], process_group=0,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline() == "ready\n"
        stop.watch(child)
        started = time.monotonic()
        os.kill(os.getpid(), signal.SIGTERM)  # the refresh is asked to stop
        code = wait_for_child(child, stop)
        wait_for_group(child.pid, stop.grace)
    assert code == -signal.SIGKILL and time.monotonic() - started < 10
    assert group_members(child.pid) == []
    assert stop.received == signal.SIGTERM
