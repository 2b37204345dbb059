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
