"""The dataset registry: curated entries (``config/datasets.yaml``), releases found later, and
entries added or overridden in the config (key ``registry``).

The scheduled refresh (:mod:`gvc_upgrading.store.refresh`) records every new release its probes find
as a registry entry in a machine-written file, ``resources/registry/discovered.yaml``, with the
same fields as a curated entry. The workflow reads both files as one registry
(:func:`load_registry`), so a vintage's config overlay can name a discovered release like any
other dataset. A new release's entry is derived from the entry it succeeds
(:func:`successor_entry`): same source, format, URL and licence; the new version (and with it a
new folder ``resources/raw/<source>/<version>/``), file names carrying the version renamed,
and no pinned checksum (the download's manifest records it).

A config overlay can change the registry without editing ``config/datasets.yaml``: config key
``registry`` maps dataset ids to entries. A new id is added (it needs a complete entry); the
fields given for an id already registered replace that entry's own (e.g. ``files`` after a
provider renamed an indicator's file, or ``url`` for another layout of a mirror).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..config import ConfigError, load_yaml
from ..io import write_text

CURATED_FILE = "config/datasets.yaml"
DISCOVERED_FILE = "resources/registry/discovered.yaml"
_HEADER = ("# Machine-written by gvc-refresh (gvc_upgrading.store.refresh): registry entries of new\n"
           "# releases found by its probes. The workflow merges them with config/datasets.yaml.\n"
           "# Do not edit by hand; copy an entry to config/datasets.yaml to curate it.\n")


def load_registry(curated: str | Path, discovered: str | Path,
                  overlay: dict | None = None) -> dict:
    """The curated registry merged with the discovered one (if that file exists), then with
    ``overlay`` (config key ``registry``: id -> entry or fields replacing the entry's own).

    An id present in both files is an error: the refresh never writes a curated id.
    """
    registry = load_yaml(curated)
    if Path(discovered).exists():
        found = load_yaml(discovered)
        clashes = sorted(set(registry) & set(found))
        if clashes:
            raise ConfigError(f"{discovered}: dataset id(s) {clashes} are also in {curated}; "
                              f"remove them from {discovered}")
        registry = {**registry, **found}
    return with_overlay(registry, overlay or {})


def with_overlay(registry: dict, overlay: dict) -> dict:
    """``registry`` with the entries of ``overlay`` added, or merged field by field over the
    entry of the same id."""
    merged = dict(registry)
    for dataset_id, fields in overlay.items():
        if not isinstance(fields, dict):
            raise ConfigError(f"config key 'registry.{dataset_id}': expected a mapping of "
                              f"registry fields, got {fields!r}")
        merged[dataset_id] = {**registry.get(dataset_id, {}), **fields}
    return merged


def add_discovered(path: str | Path, entries: dict[str, dict]) -> None:
    """Add ``entries`` (id -> entry) to the discovered registry at ``path``, written atomically."""
    path = Path(path)
    existing = load_yaml(path) if path.exists() else {}
    text = yaml.safe_dump({**existing, **entries}, sort_keys=False, allow_unicode=True)
    write_text(_HEADER + text, path)


def version_slug(version: str) -> str:
    """A version as it appears in dataset ids: lower case, runs of other characters as ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", version.lower()).strip("_")


def successor_id(dataset_id: str, version: str, new_version: str) -> str:
    """The id of release ``new_version`` of the series of ``dataset_id`` (release ``version``).

    The trailing version in the id is replaced (``baci_hs92_v202501`` -> ``baci_hs92_v202507``,
    ``wdi_cpi_2024_11`` -> ``wdi_cpi_2025_03_28``); an id that does not end with its version
    gets the new one appended (``wdi_cpi_api_2024_11`` with version ``2024-11-api`` ->
    ``wdi_cpi_api_2024_11_2025_03_28``).
    """
    old, new = version_slug(version), version_slug(new_version)
    if old and dataset_id.endswith(old):
        return dataset_id[: -len(old)] + new
    return f"{dataset_id}_{new}"


def successor_entry(dataset_id: str, entry: dict, new_version: str, found_on: str) -> dict:
    """The registry entry of release ``new_version`` of the series of ``entry``."""
    old = entry["version"]
    successor = {key: value for key, value in entry.items() if key != "sha256"}
    successor["version"] = new_version
    successor["files"] = [name.replace(old, new_version) for name in entry["files"]]
    successor["description"] = (f"Release {new_version}, found by the refresh probe on {found_on}; "
                                f"otherwise as {dataset_id}: {entry['description']}")
    return successor
