"""The workflow run of a vintage, as a child that the refresh can stop cleanly.

:func:`run_snakemake` starts Snakemake in a process group of its own (its jobs inherit it) and
hands it the descriptor of the refresh lock, so the lock stays held as long as Snakemake runs,
even if the refresh itself is killed. It returns only when no process of that group is left.

:class:`StopSignals`, installed for the lifetime of a refresh, decides what SIGTERM and SIGINT
do (a plain ``kill``, ``timeout`` in a cron line, systemd stopping the unit, Ctrl-C):

- while the workflow runs, the signal is forwarded to its process group and the refresh waits
  until no process of the group is left (a second signal, or :data:`STOP_GRACE_SECONDS` without
  an end, sends SIGKILL to the group); then :class:`RefreshStopped` is raised;
- inside :meth:`StopSignals.interruptible` (probing the providers, which may wait on a slow
  server) :class:`RefreshStopped` is raised at once;
- otherwise (writing a vintage's record, switching the current vintage) the signal is recorded
  and :meth:`StopSignals.check` raises it at the next step, so no record is left half written.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SNAKEMAKE_LOG_TAIL = 20  # lines of the workflow's output quoted when it fails
STOP_GRACE_SECONDS = 30.0  # after a forwarded signal, the workflow's time to end before SIGKILL
STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_POLL_SECONDS = 0.05
_KILL_WAIT_SECONDS = 10.0  # how long processes may take to end after SIGKILL
_FAILED_RULE = re.compile(r"^Error in rule (\w+):")
_FAILED_LOG = re.compile(r"^\s+log: (\S+) \(check log file")
_active: StopSignals | None = None


@dataclass(frozen=True)
class VintageRun:
    """What the workflow run of a new vintage needs; handed to the ``run`` function."""

    root: Path  # project root: Snakefile, config/, resources/
    workdir: Path  # results/vintages/<id>: the run's working directory
    configfiles: tuple[Path, ...]  # overlays in order; the vintage's overlay last
    log: Path  # the run's output
    lock_fd: int | None = None  # descriptor of the refresh lock, held by the run as well

    @property
    def results(self) -> Path:
        return self.workdir / "results"


class WorkflowFailed(RuntimeError):
    """The workflow run of a new vintage failed."""


class RefreshStopped(Exception):
    """The refresh was asked to stop by a signal (``signum``)."""

    def __init__(self, signum: int, when: str):
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name} {when}")

    @property
    def exit_code(self) -> int:
        """128 + the signal number, as a shell reports a process ended by that signal."""
        return 128 + self.signum


class StopSignals:
    """SIGTERM and SIGINT handling of a refresh (see the module docstring); a context manager
    that installs its handlers in the main thread and restores the previous ones on exit."""

    def __init__(self, grace: float = STOP_GRACE_SECONDS):
        self.grace = grace
        self.received: int | None = None  # the first stopping signal received
        self.forwarded_at: float | None = None  # when it was forwarded to the workflow run
        self._child: subprocess.Popen | None = None
        self._interruptible = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        global _active
        if threading.current_thread() is threading.main_thread():
            self._previous = {sig: signal.signal(sig, self._handle) for sig in STOPPING_SIGNALS}
        _active = self
        return self

    def __exit__(self, *exc_info) -> None:
        global _active
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        _active = None

    @contextlib.contextmanager
    def interruptible(self) -> Iterator[None]:
        """A block that a signal interrupts at once (raising :class:`RefreshStopped`)."""
        self.check("before a vintage was started")
        self._interruptible = True
        try:
            yield
        finally:
            self._interruptible = False

    def check(self, when: str) -> None:
        """Raise :class:`RefreshStopped` if a stopping signal has been received."""
        if self.received is not None:
            raise RefreshStopped(self.received, when)

    def watch(self, child: subprocess.Popen) -> None:
        """Forward signals to ``child``'s process group from now on (and one already received)."""
        self._child = child
        if self.received is not None:
            self.forwarded_at = time.monotonic()
            _signal_group(child.pid, self.received)

    def unwatch(self) -> None:
        self._child = None

    def _handle(self, signum: int, frame) -> None:
        first = self.received is None
        if first:
            self.received = signum
        name = signal.Signals(signum).name
        if self._child is not None:
            forwarded = signum if first else signal.SIGKILL
            self.forwarded_at = self.forwarded_at or time.monotonic()
            log.warning("%s received: sending %s to the workflow run (process group %d) and "
                        "waiting for it to end", name, signal.Signals(forwarded).name,
                        self._child.pid)
            _signal_group(self._child.pid, forwarded)
        elif self._interruptible and first:
            self._interruptible = False
            raise RefreshStopped(signum, "while probing the providers")
        else:
            log.warning("%s received: stopping at the next step", name)


def active_stop_signals() -> StopSignals | None:
    """The :class:`StopSignals` of the refresh running in this process, if any."""
    return _active


def run_snakemake(run: VintageRun, *, cores: str = "all", targets: Sequence[str] = (),
                  extra_args: Sequence[str] = ()) -> None:
    """Run the workflow for a vintage with Snakemake in ``run.workdir``, output to ``run.log``;
    return when no process of the run is left."""
    command = [sys.executable, "-m", "snakemake", *targets, "--snakefile",
               str(run.root / "Snakefile"), "--directory", str(run.workdir), "--cores", str(cores),
               *extra_args, "--configfile", *map(str, run.configfiles)]
    stop = active_stop_signals() or StopSignals()
    stop.check("before the workflow ran")
    with open(run.log, "w", encoding="utf-8") as output:
        child = subprocess.Popen(command, cwd=run.root, stdout=output, stderr=subprocess.STDOUT,
                                 process_group=0,
                                 pass_fds=() if run.lock_fd is None else (run.lock_fd,))
        stop.watch(child)
    log.info("running the workflow in %s: Snakemake pid %d, process group %d (output: %s)",
             run.workdir, child.pid, child.pid, run.log)
    try:
        code = wait_for_child(child, stop)
        wait_for_group(child.pid, stop.grace)
    finally:
        stop.unwatch()
    stop.check(f"while the workflow ran (Snakemake exited with {code}; no process of the run "
               "is left)")
    if code != 0:
        lines = run.log.read_text(encoding="utf-8", errors="replace").splitlines()
        raise WorkflowFailed(f"Snakemake exited with {code}; {_failed_jobs(lines, run.workdir)}; "
                             f"last lines of {run.log}:\n" + "\n".join(lines[-SNAKEMAKE_LOG_TAIL:]))


def wait_for_child(child: subprocess.Popen, stop: StopSignals) -> int:
    """Snakemake's exit code; once a signal was forwarded, the group is sent SIGKILL if
    Snakemake has not ended ``stop.grace`` seconds later."""
    killed = False
    while True:
        try:
            return child.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            waited = time.monotonic() - (stop.forwarded_at or time.monotonic())
            if not killed and stop.forwarded_at is not None and waited > stop.grace:
                log.warning("the workflow run has not ended %.0f s after %s; sending SIGKILL",
                            waited, signal.Signals(stop.received).name)
                _signal_group(child.pid, signal.SIGKILL)
                killed = True


def group_members(pgid: int) -> list[int]:
    """The live processes (not zombies) of process group ``pgid``."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel whether the group has any process
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        except PermissionError:
            pass
        return [pgid]
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def wait_for_group(pgid: int, grace: float) -> None:
    """Wait until no process of group ``pgid`` is left: those still there are sent SIGTERM,
    and SIGKILL after ``grace`` seconds."""
    if not group_members(pgid):
        return
    log.warning("processes %s of the workflow run are still there; sending SIGTERM",
                group_members(pgid))
    _signal_group(pgid, signal.SIGTERM)
    deadline, killed = time.monotonic() + grace, False
    while members := group_members(pgid):
        if time.monotonic() > deadline:
            if killed:
                log.error("processes %s of the workflow run outlived SIGKILL by %.0f s",
                          members, _KILL_WAIT_SECONDS)
                return
            log.warning("processes %s of the workflow run still there after %.0f s; sending "
                        "SIGKILL", members, grace)
            _signal_group(pgid, signal.SIGKILL)
            deadline, killed = time.monotonic() + _KILL_WAIT_SECONDS, True
        time.sleep(_POLL_SECONDS)


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def _failed_jobs(lines: list[str], workdir: Path) -> str:
    """The rules that failed in Snakemake's output, each with the last line of its log file
    (the error the rule's script raised)."""
    failures, awaiting_log = [], False
    for line in lines:
        if started := _FAILED_RULE.match(line):
            failures.append(f"rule {started.group(1)}")
            awaiting_log = True
        elif awaiting_log and (logged := _FAILED_LOG.match(line)):
            log_file = workdir / logged.group(1)
            text = log_file.read_text(errors="replace").strip() if log_file.is_file() else ""
            if text:
                failures[-1] += f" ({text.splitlines()[-1]})"
            awaiting_log = False
    return "failed: " + "; ".join(failures) if failures else "no failed rule named"
