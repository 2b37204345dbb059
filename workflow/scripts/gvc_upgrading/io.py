"""Writing and reading the tidy Parquet tables passed between stages, and rule logging.

Every table is written to a temporary name beside its target and renamed into place only
once it is complete, so an interrupted job never leaves a partial file under a final name.
Units and provenance travel in the Parquet key-value metadata under ``gvc_upgrading``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

METADATA_KEY = b"gvc_upgrading"
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it to ``path`` on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_table(
    data: pd.DataFrame | pa.Table,
    path: str | os.PathLike,
    metadata: dict | None = None,
) -> Path:
    """Write a DataFrame or Arrow table as zstd Parquet with ``metadata`` (units, sources)."""
    table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
    existing = table.schema.metadata or {}
    merged = {**existing, METADATA_KEY: json.dumps(metadata or {}, sort_keys=True).encode()}
    table = table.replace_schema_metadata(merged)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return Path(path)


def read_table(path: str | os.PathLike, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a stage table written by :func:`write_table`."""
    return pq.read_table(path, columns=columns).to_pandas()


def read_metadata(path: str | os.PathLike) -> dict:
    """Return the ``gvc_upgrading`` metadata of a stage table (units, sources, notes)."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(METADATA_KEY)
    return json.loads(raw) if raw else {}


def write_text(text: str, path: str | os.PathLike) -> Path:
    """Write a text file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def setup_logging(log_path: str | os.PathLike | None, name: str = "gvc_upgrading") -> logging.Logger:
    """Send the library's log records to the rule's log file (and to stderr)."""
    logger = logging.getLogger("gvc_upgrading")
    logger.setLevel(logging.INFO)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(fmt)
        logger.addHandler(handler)
    return logging.getLogger(name)


@contextlib.contextmanager
def rule_logging(smk) -> Iterator[logging.Logger]:
    """Log a rule script to its ``log:`` file; an exception is written there before it propagates."""
    log_path = smk.log[0] if len(smk.log) else None
    logger = setup_logging(log_path, name=f"gvc_upgrading.rule.{smk.rule}")
    try:
        yield logger
    except Exception:
        logger.exception("rule %s failed", smk.rule)
        raise
