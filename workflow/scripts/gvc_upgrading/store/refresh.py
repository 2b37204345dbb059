"""Scheduled refresh: probe for new releases, fetch only what is new, keep every vintage.

A *vintage* is one set of dataset versions (one per role of config ``datasets``) and the results
computed from it. ``gvc-refresh`` (:func:`main`, library entry :func:`refresh`):

1. takes the lock ``resources/vintages/refresh.lock`` without waiting (a second refresh exits
   at once with :data:`EXIT_LOCKED`);
2. per role, starts from the dataset of the current vintage (or the configured one, when there
   is no vintage yet or the config now names another dataset) and asks the provider for its
   current release (:mod:`gvc_upgrading.store.probes`) -- only for the roles the configured
   chains and dimensions read (:func:`gvc_upgrading.valuechains.roles_in_use`; the others are
   carried into the vintage as they are, unprobed); a release tag that differs from the dataset's
   version is a new release, registered in ``resources/registry/discovered.yaml``
   (:mod:`gvc_upgrading.store.registry`) with its own folder ``resources/raw/<source>/<version>/``;
3. with nothing new, stops (:data:`EXIT_NOTHING_NEW`) having downloaded nothing;
4. otherwise writes the vintage's config overlay ``resources/vintages/<id>/overlay.yaml`` and
   record ``vintage.json``, and runs the workflow for it in its own folder
   ``results/vintages/<id>/`` (results in its ``results/``); only files not yet in the raw
   store, i.e. the new releases, are downloaded;
5. writes the diff report against the previous vintage (:mod:`gvc_upgrading.store.vintage_diff`) to
   ``results/vintages/<id>/vintage_diff.{md,html,json}``;
6. only when all of that succeeded, points ``resources/vintages/current.json`` (the record) and
   ``current.yaml`` (the overlay, for ``snakemake --configfile``) at the new vintage
   (:data:`EXIT_REFRESHED`). A failure leaves the previous vintage current and untouched, marks
   the new record ``failed`` with the error, and exits with :data:`EXIT_FAILED`.

SIGTERM and SIGINT stop a refresh cleanly (:mod:`gvc_upgrading.store.workflow_run`): forwarded to
the workflow run, which the refresh waits for; the vintage is marked failed, the lock released
only then, and the process ends by the same signal. Once it holds the lock, every refresh first
closes vintage records left ``running`` and removes partial files left in the raw store by a run
that ended before it finished (:mod:`gvc_upgrading.store.recovery`).

Every run logs to stderr and to ``resources/vintages/logs/refresh_<time>.log``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from ..config import ConfigError, load_yaml, validate
from ..dimensions import load_dimensions
from ..io import setup_logging, write_text
from ..valuechains import override_labour_sources, roles_in_use
from .locks import HeldLock, LockedError, exclusive_lock
from .probes import probe_release
from .recovery import close_stale_records, remove_stale_parts
from .registry import (
    CURATED_FILE,
    DISCOVERED_FILE,
    add_discovered,
    load_registry,
    successor_entry,
    successor_id,
)
from .vintage_diff import Tolerances, diff_vintages, write_report
from .workflow_run import (  # noqa: F401  (VintageRun, WorkflowFailed: part of this API)
    RefreshStopped,
    StopSignals,
    VintageRun,
    WorkflowFailed,
    active_stop_signals,
    run_snakemake,
)

log = logging.getLogger(__name__)

EXIT_NOTHING_NEW = 0
EXIT_REFRESHED = 10
EXIT_FAILED = 1
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later
# stopped by SIGTERM or SIGINT: the process ends by that signal (a shell reports 128 + its number)


@dataclass(frozen=True)
class Paths:
    """Where the refresh keeps its state, under the project root."""

    root: Path

    @property
    def vintages(self) -> Path:
        return self.root / "resources" / "vintages"

    @property
    def lock(self) -> Path:
        return self.vintages / "refresh.lock"

    @property
    def current_json(self) -> Path:
        return self.vintages / "current.json"

    @property
    def current_yaml(self) -> Path:
        return self.vintages / "current.yaml"

    def record_dir(self, vintage: str) -> Path:
        """The vintage's record: ``overlay.yaml`` and ``vintage.json``."""
        return self.vintages / vintage

    def workdir(self, vintage: str) -> Path:
        """The working directory of the vintage's workflow run (results in its ``results/``)."""
        return self.root / "results" / "vintages" / vintage


RunWorkflow = Callable[[VintageRun], None]
Probe = Callable[[dict, dict], str | None]


@dataclass(frozen=True)
class RolePlan:
    """The dataset of one role in the new vintage, and why it differs from the current one."""

    role: str
    configured: str  # dataset id the config names
    dataset: str  # dataset id the new vintage uses
    source: str
    version: str
    reason: str | None  # None: unchanged since the current vintage


@dataclass(frozen=True)
class Outcome:
    """Exit code for the scheduler, a one-line message, and the vintage concerned (if any)."""

    code: int
    message: str
    vintage: str | None = None
    signal: int | None = None  # the signal that stopped the refresh


def merged(base: dict, overlay: dict) -> dict:
    """``overlay`` over ``base`` as Snakemake merges config files: mappings key by key."""
    result = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def load_config(root: Path, configfiles: Sequence[Path]) -> dict:
    """The defaults with the overlays applied, validated against the workflow's schema."""
    config = load_yaml(root / "config" / "config.yaml")
    for path in configfiles:
        config = merged(config, load_yaml(path))
    return validate(config, root / "workflow" / "schemas" / "config.schema.yaml")


def configured_roles(root: Path, config: dict) -> dict[str, str]:
    """The roles of config ``datasets`` that the configuration reads, and what reads each
    (:func:`~gvc_upgrading.valuechains.roles_in_use`; files named relative to ``root``)."""
    def at_root(name: str) -> str:
        return str(Path(name) if Path(name).is_absolute() else root / name)

    gvcs = override_labour_sources(load_yaml(at_root(config["value_chains_file"])),
                                   config["harmonise"]["labour_source_override"])
    dimensions = load_dimensions({**config["dimensions"],
                                  "file": at_root(config["dimensions"]["file"])})
    return roles_in_use(gvcs, config["value_chains"], dimensions.values())


def plan_vintage(config: dict, registry: dict, current: dict | None, probe: Probe,
                 today: str, in_use: Mapping[str, str] | None = None
                 ) -> tuple[list[RolePlan], dict[str, dict]]:
    """Each role's dataset in the new vintage, and the registry entries of new releases. Only
    the roles of ``in_use`` (all when None) are probed; the others keep their dataset."""
    plans, new_entries = [], {}
    for role, configured in config["datasets"].items():
        previous = (current or {}).get("datasets", {}).get(role)
        follows = previous is not None and previous["configured"] == configured
        base = previous["dataset"] if follows else configured
        if base not in registry:
            raise ConfigError(f"dataset {base!r} (role {role}) is not in the registry")
        entry = registry[base]
        if in_use is not None and role not in in_use:
            log.info("%s: %s version %s kept, not probed (nothing in the configuration reads "
                     "it)", role, entry["source"], entry["version"])
            plans.append(RolePlan(role, configured, base, entry["source"], entry["version"],
                                  "first vintage" if previous is None else None))
            continue
        try:
            release = probe(entry, config)
        except RefreshStopped:
            raise
        except Exception as exc:
            raise RuntimeError(f"probing the release of {role} ({base}) failed: {exc}") from exc
        dataset = base
        if release is not None and release != entry["version"]:
            dataset = successor_id(base, entry["version"], release)
            known = registry.get(dataset) or new_entries.get(dataset)
            if known is None:
                new_entries[dataset] = successor_entry(base, entry, release, today)
            elif (known["source"], known["version"]) != (entry["source"], release):
                raise ConfigError(f"dataset id {dataset!r} for release {release} of {base} is "
                                  f"already registered as {known['source']} {known['version']}")
            log.info("%s: new release %s of %s (was %s) -> dataset %s", role, release,
                     entry["source"], entry["version"], dataset)
        else:
            log.info("%s: %s version %s is current%s", role, entry["source"], entry["version"],
                     "" if release else " (no probe for this dataset)")
        reason = _change_reason(previous, configured, base, dataset, entry, release)
        chosen = new_entries.get(dataset) or registry[dataset]
        plans.append(RolePlan(role, configured, dataset, chosen["source"], chosen["version"],
                              reason))
    return plans, new_entries


def _change_reason(previous: dict | None, configured: str, base: str, dataset: str, entry: dict,
                   release: str | None) -> str | None:
    if previous is None:
        return "first vintage"
    if previous["configured"] != configured:
        return f"the config now names {configured} (was {previous['configured']})"
    if dataset != base:
        return f"new release {release} (was {entry['version']})"
    return None


def refresh(root: str | Path, configfiles: Sequence[str | Path] = (), *,
            run: RunWorkflow = run_snakemake, probe: Probe = probe_release,
            now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Outcome:
    """Refresh the project at ``root`` (see the module docstring); never raises."""
    paths = Paths(Path(root).resolve())
    files = tuple(Path(f).resolve() for f in configfiles)
    with StopSignals() as stop, contextlib.ExitStack() as stack:
        try:
            lock = stack.enter_context(exclusive_lock(paths.lock, timeout=0))
            return _finish(_refresh_locked(paths, files, run, probe, now, stop, lock))
        except LockedError as exc:
            return _finish(Outcome(EXIT_LOCKED, f"another refresh is running ({exc}); "
                                                "nothing done"))
        except RefreshStopped as exc:
            return _finish(Outcome(exc.exit_code, f"refresh {exc}; no vintage was started",
                                   signal=exc.signum))
        except Exception as exc:
            log.exception("refresh failed")
            return _finish(Outcome(EXIT_FAILED, f"refresh failed: {exc}"))


def _finish(outcome: Outcome) -> Outcome:
    level = logging.INFO
    if outcome.code in (EXIT_FAILED, EXIT_LOCKED) or outcome.signal:
        level = logging.ERROR if outcome.code == EXIT_FAILED else logging.WARNING
    log.log(level, "%s (exit code %d)", outcome.message, outcome.code)
    return outcome


def _refresh_locked(paths: Paths, configfiles: tuple[Path, ...], run: RunWorkflow, probe: Probe,
                    now: Callable[[], datetime], stop: StopSignals, lock: HeldLock) -> Outcome:
    started = now()
    close_stale_records(paths.vintages, _time(started))
    remove_stale_parts(paths.root / "resources" / "raw")
    current = _read_json(paths.current_json)
    config = load_config(paths.root, configfiles)
    registry = load_registry(paths.root / CURATED_FILE, paths.root / DISCOVERED_FILE,
                             config["registry"])
    log.info("current vintage: %s", current["id"] if current else "none yet")
    with stop.interruptible():
        plans, new_entries = plan_vintage(config, registry, current, probe,
                                          started.date().isoformat(),
                                          configured_roles(paths.root, config))
    changed = [plan for plan in plans if plan.reason]
    if current and not changed:
        return Outcome(EXIT_NOTHING_NEW, f"nothing new: vintage {current['id']} stays current",
                       current["id"])
    stop.check("before a vintage was started")
    if new_entries:
        add_discovered(paths.root / DISCOVERED_FILE, new_entries)
    vintage = _new_vintage_id(paths, started)
    record = _start_record(paths, vintage, plans, current, configfiles, started)
    log.info("vintage %s: %s", vintage, "; ".join(f"{p.role}: {p.reason}" for p in changed))
    try:
        _build(paths, record, configfiles, run, config, current, lock)
        stop.check("after the workflow ran, before the vintage was made current")
    except Exception as exc:
        record.update(status="failed", finished_at=_time(now()), error=str(exc))
        _write_record(paths, record)
        log.error("vintage %s failed: %s", vintage, exc)
        kept = f"vintage {current['id']} stays current" if current else "no vintage is current"
        cause = record["error"].splitlines()[0]
        if isinstance(exc, RefreshStopped):
            return Outcome(exc.exit_code, f"vintage {vintage} {cause}; marked failed; {kept}",
                           vintage, signal=exc.signum)
        return Outcome(EXIT_FAILED, f"vintage {vintage} failed ({cause}); {kept}", vintage)
    record.update(status="complete", finished_at=_time(now()))
    _write_record(paths, record)
    _make_current(paths, record)
    if stop.received:
        log.warning("%s came while vintage %s was made current; the refresh had finished",
                    signal.Signals(stop.received).name, vintage)
    return Outcome(EXIT_REFRESHED, f"refreshed: vintage {vintage} is current ("
                                   + "; ".join(f"{p.role}: {p.reason}" for p in changed) + ")",
                   vintage)


def _build(paths: Paths, record: dict, configfiles: tuple[Path, ...], run: RunWorkflow,
           config: dict, current: dict | None, lock: HeldLock) -> None:
    """Run the workflow for the vintage of ``record`` and write its diff report."""
    workdir = _prepare_workdir(paths, record["id"])
    overlay = paths.root / record["overlay"]
    job = VintageRun(paths.root, workdir, (*configfiles, overlay), workdir / "snakemake.log",
                     lock.fd)
    stop = active_stop_signals()
    if stop:
        stop.check("before the workflow ran")
    run(job)
    if current is None:
        log.info("first vintage: no previous results to compare with")
        return
    previous = paths.workdir(current["id"]) / "results"
    if not previous.is_dir():
        log.warning("results of vintage %s are gone (%s): no diff report", current["id"],
                    previous)
        return
    tolerances = Tolerances(config["refresh"]["indicator_tolerance"],
                            config["refresh"]["coefficient_tolerance"])
    diff = diff_vintages(previous, job.results, tolerances, before=current["id"],
                         after=record["id"])
    report = write_report(diff, workdir)
    record["diff"] = str(report["md"].relative_to(paths.root))
    log.info("diff against vintage %s: %s (report: %s)", current["id"], diff.headline(),
             report["md"])


def _start_record(paths: Paths, vintage: str, plans: list[RolePlan], current: dict | None,
                  configfiles: tuple[Path, ...], started: datetime) -> dict:
    """Write the new vintage's overlay and its record (status running); return the record."""
    folder = paths.record_dir(vintage)
    overlay = folder / "overlay.yaml"
    datasets = {plan.role: plan.dataset for plan in plans}
    write_text(f"# Config overlay of vintage {vintage}, written by gvc-refresh.\n"
               + yaml.safe_dump({"datasets": datasets}, sort_keys=False), overlay)
    record = {
        "id": vintage, "status": "running", "started_at": _time(started), "finished_at": None,
        "previous": current["id"] if current else None,
        "configfiles": [str(path) for path in configfiles],
        "overlay": str(overlay.relative_to(paths.root)),
        "results": str((paths.workdir(vintage) / "results").relative_to(paths.root)),
        "datasets": {plan.role: {"configured": plan.configured, "dataset": plan.dataset,
                                 "source": plan.source, "version": plan.version}
                     for plan in plans},
        "changes": {plan.role: plan.reason for plan in plans if plan.reason},
        "diff": None, "error": None,
    }
    _write_record(paths, record)
    return record


def _write_record(paths: Paths, record: dict) -> None:
    path = paths.record_dir(record["id"]) / "vintage.json"
    write_text(json.dumps(record, indent=2) + "\n", path)


def _prepare_workdir(paths: Paths, vintage: str) -> Path:
    """The vintage's run folder, seeing the project's config/ and resources/ through symlinks."""
    workdir = paths.workdir(vintage)
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("config", "resources"):
        link = workdir / name
        if not link.is_symlink():
            link.symlink_to(os.path.relpath(paths.root / name, workdir))
    return workdir


def _make_current(paths: Paths, record: dict) -> None:
    """Point current.yaml, then current.json (which the refresh reads), at the vintage."""
    write_text((paths.root / record["overlay"]).read_text(encoding="utf-8"), paths.current_yaml)
    write_text(json.dumps(record, indent=2) + "\n", paths.current_json)


def _new_vintage_id(paths: Paths, started: datetime) -> str:
    """The start time in UTC (``20250314T020000Z``), with a suffix if that id is taken."""
    stem = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    vintage, n = stem, 1
    while paths.record_dir(vintage).exists() or paths.workdir(vintage).exists():
        n += 1
        vintage = f"{stem}-{n}"
    return vintage


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _read_json(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


# --- command line ----------------------------------------------------------------------------

EPILOG = f"""exit codes: {EXIT_NOTHING_NEW} nothing new (nothing downloaded), {EXIT_REFRESHED} \
refreshed (a new vintage is current), {EXIT_FAILED} failed (the previous vintage stays current), \
{EXIT_LOCKED} another refresh holds the lock (nothing done). SIGTERM or SIGINT stop the workflow \
run and the refresh, which then ends by that signal (143 or 130 in a shell)."""


def main(argv: Sequence[str] | None = None) -> int:
    """``gvc-refresh``: refresh the project in the current (or given) directory."""
    parser = argparse.ArgumentParser(
        prog="gvc-refresh", epilog=EPILOG,
        description="Probe the data providers for new releases; download only what is new "
                    "into new version folders, rerun the workflow for the new vintage in "
                    "results/vintages/<id>/, report what changed, and make it current only "
                    "when everything succeeded. Arguments after -- go to Snakemake.")
    parser.add_argument("--directory", "-d", default=".", type=Path,
                        help="project root (default: the current directory)")
    parser.add_argument("--configfile", nargs="+", default=[], type=Path,
                        help="config overlays, as for snakemake, relative to the current "
                             "directory (e.g. config/real_sources.yaml)")
    parser.add_argument("--cores", default="all", help="cores for the workflow run (default: all)")
    parser.add_argument("snakemake_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.directory.resolve()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    setup_logging(root / "resources" / "vintages" / "logs" / f"refresh_{stamp}.log")

    def run(job: VintageRun) -> None:
        run_snakemake(job, cores=args.cores, extra_args=args.snakemake_args)

    outcome = refresh(root, args.configfile, run=run)
    if outcome.signal is not None:
        _end_by_signal(outcome.signal)
    return outcome.code


def _end_by_signal(signum: int) -> None:
    """End this process by ``signum`` (its default action), as a stopped program should, so that
    whoever started it (a shell, ``timeout``, systemd) sees that it was stopped."""
    logging.shutdown()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


if __name__ == "__main__":  # python -m: run the imported module, whose logger has its name
    from gvc_upgrading.store import refresh as _imported

    sys.exit(_imported.main())
