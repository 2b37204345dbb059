"""File locks: a second holder is refused (or waits), and a lock dies with its process."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from conftest import REPO
from gvc_upgrading.store.locks import LockedError, exclusive_lock

HOLD = """
import sys, time
sys.path.insert(0, sys.argv[2])
from gvc_upgrading.store.locks import exclusive_lock
with exclusive_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def hold(path, seconds, scripts):
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(path), scripts, str(seconds)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    return process


def test_second_holder_is_refused_with_the_holders_note(tmp_path):
    lock = tmp_path / "store.lock"
    process = hold(lock, 5, str(REPO / "workflow" / "scripts"))
    try:
        with pytest.raises(LockedError, match=r"store\.lock is locked by another process \(pid \d+"):
            with exclusive_lock(lock, timeout=0):
                pass
    finally:
        process.kill()
        process.wait()
    with exclusive_lock(lock, timeout=0):  # the lock died with its holder
        pass


def test_waiting_holder_gets_the_lock_when_it_is_released(tmp_path):
    lock = tmp_path / "store.lock"
    process = hold(lock, 0.5, str(REPO / "workflow" / "scripts"))
    start = time.monotonic()
    with exclusive_lock(lock, timeout=10):
        waited = time.monotonic() - start
    process.wait()
    assert 0.1 < waited < 10
