"""What a refresh that ended before it finished leaves behind, cleaned up by the next one.

A refresh stopped by a signal waits for its workflow run and marks its vintage failed, but a
process killed outright (SIGKILL, a power cut) can leave a vintage record that still says
``running`` and half-written files in the raw store (``.<name>.<random>.part``, the temporary
files that :func:`gvc_upgrading.io.atomic_path` renames into place when a file is complete). The
next refresh, once it holds the refresh lock (so no other refresh is running), closes such
records (:func:`close_stale_records`) and removes such files (:func:`remove_stale_parts`) from
every raw folder whose lock it can take at once, i.e. that no other run is writing. Each is
logged.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..io import write_text
from .locks import LockedError, exclusive_lock
from .retrieve import LOCK_NAME

log = logging.getLogger(__name__)

PART_PATTERN = ".*.part"
GENERATED = "demo"  # resources/raw/demo/: written by the demo rule, which takes no lock


def close_stale_records(vintages: Path, closed_at: str) -> list[str]:
    """Mark every vintage record under ``vintages`` that still says ``running`` as failed
    (call with the refresh lock held); return the vintages closed."""
    closed = []
    for path in sorted(vintages.glob("*/vintage.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            log.warning("%s is not a readable vintage record; left as it is", path)
            continue
        if record.get("status") != "running":
            continue
        record.update(status="failed", finished_at=closed_at,
                      error=f"the refresh that started vintage {record['id']} ended before it "
                            f"finished (its record still said running at {closed_at})")
        write_text(json.dumps(record, indent=2) + "\n", path)
        log.warning("closed the stale record of vintage %s: it said running, but no refresh "
                    "runs; marked failed", record["id"])
        closed.append(record["id"])
    return closed


def remove_stale_parts(raw: Path) -> list[Path]:
    """Remove the temporary ``*.part`` files of raw folders that no run is writing (their lock
    is free); return the files removed."""
    removed = []
    folders = sorted({part.parent for part in raw.glob(f"*/*/{PART_PATTERN}")
                      if part.parent.parent.name != GENERATED})
    for folder in folders:
        try:
            with exclusive_lock(folder / LOCK_NAME, timeout=0):
                for part in sorted(folder.glob(PART_PATTERN)):
                    size = part.stat().st_size
                    part.unlink()
                    log.warning("removed %s (%d bytes), a partial file left by a run that was "
                                "stopped", part, size)
                    removed.append(part)
        except LockedError:
            log.info("partial files in %s are left: another run is writing that folder", folder)
    return removed
