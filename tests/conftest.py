"""Shared fixtures: paths of the repository and of the real data extracts."""

from __future__ import annotations

import gzip
import os
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

#: The real extracts beside the repository; GVC_REAL_DATA points elsewhere (a git worktree's
#: parent folder is not the project's).
REAL_DATA = Path(os.environ.get("GVC_REAL_DATA", REPO.parent / "shared" / "data" / "real"))

from httpserver import local_server  # noqa: E402, F401  (fixture: a local HTTP server)
from workflow_helpers import write_zip  # noqa: E402


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The folder of real extracts beside the repository; tests skip where it is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real data extracts not found at {REAL_DATA} (they live beside the repository)")
    return REAL_DATA


@pytest.fixture(scope="module")
def real_baci_zip(real_data, tmp_path_factory):
    """A release zip holding the real BACI 2021 extract and the real V202301 code lists."""
    folder = real_data / "cepii_baci"
    return write_zip(tmp_path_factory.mktemp("baci") / "BACI_HS92_V202301.zip", {
        "BACI_HS92_Y2021_V202301.csv": gzip.decompress(
            (folder / "BACI_HS92_Y2021_V202301_exporters_4_710.csv.gz").read_bytes()),
        "country_codes_V202301.csv": (folder / "country_codes_V202301.csv").read_bytes(),
        "product_codes_HS92_V202301.csv": gzip.decompress(
            (folder / "product_codes_HS92_V202301.csv.gz").read_bytes()),
    })


DEMO_SEED = 20111021  # the seed of config/config.yaml


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory):
    """The demo world's files at the default seed, written once: (folder, {source: [paths]})."""
    from gvc_upgrading import demo

    out = tmp_path_factory.mktemp("demo")
    return out, demo.generate_demo_world(out, seed=DEMO_SEED)


@pytest.fixture(scope="session")
def demo_panel():
    """The latent panel behind :func:`demo_world`."""
    from gvc_upgrading import demo

    return demo.true_panel(DEMO_SEED)


MALFORMED_TALLY = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def malformed_tally(request) -> dict:
    """Outcomes of the malformed-input cases (tests/test_malformed.py), summed over the run and
    printed as one line at its end."""
    return request.config.stash.setdefault(
        MALFORMED_TALLY, {"cases": 0, "errors": 0, "repairs": 0, "partial": 0,
                          "faults": Counter()})


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Print the malformed-input summary when any case ran."""
    tally = config.stash.get(MALFORMED_TALLY, None)
    if tally and tally["cases"]:
        faults = ", ".join(f"{fault} {n}" for fault, n in sorted(tally["faults"].items()))
        terminalreporter.write_line(
            f"malformed-input: {tally['cases']} cases ({faults}), {tally['errors']} clear "
            f"errors, {tally['repairs']} repairs, {tally['partial']} partial outputs")
