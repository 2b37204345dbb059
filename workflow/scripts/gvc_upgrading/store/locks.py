"""Advisory file locks, so that two processes never write one store at the same time.

Used around writes to the raw store and by the scheduled refresh. The lock is held through an
open file descriptor (``fcntl.flock``), so it disappears with the process that held it: a crashed
run never leaves a stale lock behind. A child process that is handed the descriptor
(:attr:`HeldLock.fd`, e.g. ``subprocess.Popen(pass_fds=...)``) holds the lock with it: the lock
is free only once neither holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class LockedError(RuntimeError):
    """Another process holds the lock."""


@dataclass(frozen=True)
class HeldLock:
    """A lock held by this process: the lock file and the descriptor that holds it."""

    path: Path
    fd: int


@contextlib.contextmanager
def exclusive_lock(path: str | Path, *, timeout: float | None = None,
                   poll: float = 0.1) -> Iterator[HeldLock]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block.

    ``timeout=None`` waits as long as it takes; ``timeout=0`` fails at once. A lock not obtained
    in time raises :class:`LockedError` naming the lock file and the holder's note, if any.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
                    raise LockedError(f"{path} is locked by another process"
                                      + (f" ({holder})" if holder else "")) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}".encode(), 0)
        yield HeldLock(path, fd)
    finally:
        os.close(fd)
