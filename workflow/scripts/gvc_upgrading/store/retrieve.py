"""Retrieval of registered datasets into the raw store, one file per call.

A file download goes through :func:`gvc_upgrading.store.fetch.fetch` with the content check of its
format. API sources are assembled from pages (World Bank API v2) or from queries split under
the row cap (UN Comtrade) and stored as received, with a manifest beside them like a download's.

Two runs may share one raw store (two checkouts, a scheduled refresh beside a user's run). Every
write to a raw folder happens under an exclusive lock on ``<folder>/.lock``
(:func:`gvc_upgrading.store.locks.exclusive_lock`), and a run that obtains the lock first looks whether
the other run has meanwhile stored the file: a complete file (its bytes match its manifest, and the
registry's pinned checksum if there is one) is used as it is, not downloaded again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..io import write_table, write_text
from ..sources import comtrade, wdi
from .fetch import FetchPolicy, fetch, fetch_json, manifest_path
from .locks import LockedError, exclusive_lock

log = logging.getLogger(__name__)

CONTENT_CHECKS = {"baci_zip": "zip", "ilostat_bulk_csv": "gzip", "wdi_bulk_csv": "zip"}
WDI_PER_PAGE = 20000
LOCK_NAME = ".lock"


def lock_path(dest: str | Path) -> Path:
    """The lock file of the raw folder that holds ``dest``."""
    return Path(dest).parent / LOCK_NAME


@contextlib.contextmanager
def raw_store_lock(dest: str | Path) -> Iterator[None]:
    """Hold the lock of ``dest``'s raw folder, logging when another run holds it and this one
    waits."""
    path = lock_path(dest)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(path, timeout=0))
        except LockedError as exc:
            log.info("waiting for another run to finish writing the raw folder (%s)", exc)
            stack.enter_context(exclusive_lock(path))
        yield


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


def _locked(retrieval: Callable[..., dict]) -> Callable[..., dict]:
    """Run ``retrieval(download, dest, ...)`` under the raw folder's lock, unless the file is
    already complete once the lock is held (another run stored it meanwhile)."""
    @functools.wraps(retrieval)
    def locked(download: dict, dest: str | Path, *args, **kwargs) -> dict:
        with raw_store_lock(dest):
            manifest = stored_manifest(dest, download.get("sha256"))
            if manifest is not None:
                log.info("%s is already stored (sha256 %s); not retrieved again", dest,
                         manifest["sha256"])
                return manifest
            return retrieval(download, dest, *args, **kwargs)
    return locked


@_locked
def retrieve(download: dict, dest: str | Path, *, policy: FetchPolicy = FetchPolicy()) -> dict:
    """Fetch one registered file (``download`` as built by the workflow from the registry)."""
    if download["format"] == "wdi_api_json":
        return _wdi_api(download, dest, policy=policy)  # the lock is held already
    if download["format"] not in CONTENT_CHECKS:
        raise ValueError(f"dataset {download['dataset']}: format {download['format']!r} is not "
                         "downloaded as a file")
    return fetch(download["url"], dest, version=download["version"],
                 expect=CONTENT_CHECKS[download["format"]],
                 expected_sha256=download.get("sha256"), policy=policy)


def _write_manifest(dest: Path, fields: dict) -> dict:
    data = Path(dest).read_bytes()
    manifest = {**fields, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds")}
    write_text(json.dumps(manifest, indent=2, sort_keys=True), manifest_path(dest))
    return manifest


def _all_pages(get_json: Callable, url: str, params: dict) -> list:
    pages, page = [], 1
    while True:
        document = get_json(url, params={**params, "page": str(page)})
        info, _ = wdi.check_api_page(document, url)
        pages.append(document)
        if page >= int(info.get("pages") or 1):
            return pages
        page += 1


def _wdi_api(download: dict, dest: str | Path, *, policy: FetchPolicy = FetchPolicy(),
             get_json: Callable | None = None) -> dict:
    """Every page of an API v2 indicator plus the country list, stored as one JSON document."""
    get_json = get_json or (lambda url, params: fetch_json(url, params=params, policy=policy))
    common = {"format": "json", "per_page": str(WDI_PER_PAGE)}
    indicator_pages = _all_pages(get_json, download["url"], common)
    country_url = f"{download['base_url']}/country"
    country_pages = _all_pages(get_json, country_url, {**common, "per_page": "400"})
    document = wdi.api_download_document(indicator_pages, country_pages)
    write_text(json.dumps(document), dest)
    log.info("World Bank API: %d indicator pages, %d country pages", len(indicator_pages),
             len(country_pages))
    return _write_manifest(Path(dest), {"url": download["url"], "country_url": country_url,
                                        "version": download["version"],
                                        "pages": len(indicator_pages)})


retrieve_wdi_api = _locked(_wdi_api)


@_locked
def retrieve_comtrade_year(download: dict, dest: str | Path, hs_prefixes: list[str], *,
                           policy: FetchPolicy = FetchPolicy(),
                           cap: int = comtrade.DEFAULT_CAP) -> dict:
    """One year of Comtrade exports to the World of every six-digit code under ``hs_prefixes``,
    split under the cap, stored as Parquet."""
    key = comtrade.api_key()
    reference = f"{download['base_url']}/files/v1/app/reference"

    def get_json(url, *, params=None, headers=None, secrets=()):
        return fetch_json(url, params=params, headers=headers, secrets=secrets, policy=policy)

    hs_codes = comtrade.six_digit_codes(get_json(f"{reference}/HS.json"), hs_prefixes)
    records = comtrade.fetch_year(
        get_json, download["url"], download["year"], hs_codes, key=key, cap=cap,
        reporter_list=lambda: comtrade.reporter_codes(get_json(f"{reference}/Reporters.json")))
    table = pd.DataFrame.from_records(records)
    write_table(table, dest, metadata={"source": "UN Comtrade getFinalData",
                                       "year": download["year"]})
    return _write_manifest(Path(dest), {"url": download["url"], "version": download["version"],
                                        "year": download["year"], "records": len(records)})


