"""Manifests of the raw store: the record beside each stored file, and whether a file is whole.

Every file of ``resources/raw/`` has ``<file>.manifest.json`` beside it (written by
:func:`gvc_upgrading.store.fetch.fetch` for a download, by :func:`write_manifest` for a file
assembled from API answers): where it came from, its size and sha256, when, and for API sources
what was asked. :func:`stored_manifest` tells a complete stored file (its bytes match its
manifest) from a damaged or half-written one.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from ..io import write_text
from .fetch import manifest_path


def stored_manifest(dest: str | Path, expected_sha256: str | None = None) -> dict | None:
    """The manifest of ``dest`` if the file is complete (its size and sha256 match its manifest
    and, when given, ``expected_sha256``), else None."""
    dest = Path(dest)
    manifest_file = manifest_path(dest)
    if not (dest.is_file() and manifest_file.is_file()):
        return None
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except ValueError:
        return None
    digest = hashlib.sha256()
    with open(dest, "rb") as fh:
        for block in iter(functools.partial(fh.read, 2**20), b""):
            digest.update(block)
    actual = digest.hexdigest()
    if dest.stat().st_size != manifest.get("bytes") or actual != manifest.get("sha256"):
        return None
    if expected_sha256 and actual != expected_sha256.strip().lower():
        return None
    return manifest


def write_manifest(dest: str | Path, fields: dict) -> dict:
    """Write the manifest of the file ``dest`` (``fields`` plus its size, sha256 and the time)
    atomically, and return it."""
    data = Path(dest).read_bytes()
    manifest = {**fields, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds")}
    write_text(json.dumps(manifest, indent=2, sort_keys=True), manifest_path(dest))
    return manifest
