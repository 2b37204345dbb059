"""Shared fixtures: paths of the repository and of the real data extracts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

REAL_DATA = REPO.parent / "shared" / "data" / "real"

from httpserver import local_server  # noqa: E402, F401  (fixture: a local HTTP server)


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The folder of real extracts beside the repository; tests skip where it is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real data extracts not found at {REAL_DATA} (they live beside the repository)")
    return REAL_DATA


MALFORMED_TALLY = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def malformed_tally(request) -> dict:
    """Outcomes of the malformed-input cases (tests/test_malformed.py), summed over the run and
    printed as one line at its end."""
    return request.config.stash.setdefault(
        MALFORMED_TALLY, {"cases": 0, "errors": 0, "repairs": 0, "partial": 0})


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Print the malformed-input summary when any case ran."""
    tally = config.stash.get(MALFORMED_TALLY, None)
    if tally and tally["cases"]:
        terminalreporter.write_line(
            f"malformed-input: {tally['cases']} cases, {tally['errors']} clear errors, "
            f"{tally['repairs']} repairs, {tally['partial']} partial outputs")
