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
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from queue import Full, Queue

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


def prefetch(items: Iterable, depth: int = 2) -> Iterator:
    """Iterate ``items`` in a background thread, at most ``depth`` items ahead of the consumer.

    Arrow's readers, compute functions and Parquet writer release the GIL, so a stage that
    produces batches (decompress, parse, check) and one that consumes them (encode, write) run
    on two cores at once. An exception of the producer is raised in the consumer; a consumer
    that stops early stops the producer.
    """
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        queue.put((item, None), timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            outcome = (done, None)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer
            outcome = (done, error)
        while not stop.is_set():
            try:
                queue.put(outcome, timeout=0.1)
                return
            except Full:
                continue

    worker = threading.Thread(target=produce, name="prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item, error = queue.get()
            if item is done:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        worker.join()


def write_batches(tables: Iterable[pa.Table], path: str | os.PathLike, schema: pa.Schema,
                  metadata: dict | None = None, row_group_rows: int = 1 << 20) -> int:
    """Write ``tables`` as one zstd Parquet file with ``metadata``, holding about one row group
    of them in memory; returns the number of rows written. Like :func:`write_table`, the file
    appears under ``path`` only once it is complete.

    Small tables are gathered into row groups of ``row_group_rows`` rows: a reader pays per
    row group, and a year read back from 100,000-row groups takes three times as long. String
    and integer columns (codes, years) are dictionary-encoded; measures are not (trying a
    dictionary on eleven million distinct values costs a third of the write).
    """
    schema = schema.with_metadata({METADATA_KEY: json.dumps(metadata or {}, sort_keys=True).encode()})
    codes = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_integer(f.type)]
    rows, pending = 0, schema.empty_table()
    with atomic_path(path) as tmp, pq.ParquetWriter(tmp, schema, compression="zstd",
                                                    use_dictionary=codes) as writer:
        for table in prefetch(tables):  # the next tables are made while this one is written
            pending = pa.concat_tables([pending, table.cast(schema)])  # no copy: chunks
            rows += table.num_rows
            while pending.num_rows >= row_group_rows:
                writer.write_table(pending.slice(0, row_group_rows), row_group_size=row_group_rows)
                pending = pending.slice(row_group_rows)
        if pending.num_rows or rows == 0:
            writer.write_table(pending)
    return rows


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
