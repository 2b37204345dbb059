"""Retrieval of registered datasets into the raw store, one file per call.

A file download goes through :func:`gvc_upgrading.store.fetch.fetch` with the content check of its
format (from a provider's server or a local mirror folder alike). API sources are assembled from
pages (World Bank API v2) or from queries split under the row cap (UN Comtrade,
:mod:`gvc_upgrading.store.comtrade_api`, answers checked before they are stored) and stored as
received, with a manifest beside them like a download's; OECD TiVA answers come from SDMX data
requests split under a URL length (:mod:`gvc_upgrading.store.tiva_api`).

Two runs may share one raw store (two checkouts, a scheduled refresh beside a user's run). Every
write to a raw folder happens under an exclusive lock on ``<folder>/.lock``
(:func:`gvc_upgrading.store.locks.exclusive_lock`), and a run that obtains the lock first looks whether
the other run has meanwhile stored the file: a complete file (its bytes match its manifest, and the
registry's pinned checksum if there is one) is used as it is, not downloaded again.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from ..io import write_text
from ..sources import wdi
from .comtrade_api import fetch_comtrade_year
from .fetch import FetchPolicy, fetch, fetch_json
from .locks import LockedError, exclusive_lock
from .manifests import stored_manifest, write_manifest
from .tiva_api import fetch_tiva

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
    country_url = download["paths"]["wdi_countries"]
    country_pages = _all_pages(get_json, country_url, {**common, "per_page": "400"})
    document = wdi.api_download_document(indicator_pages, country_pages)
    write_text(json.dumps(document), dest)
    log.info("World Bank API: %d indicator pages, %d country pages", len(indicator_pages),
             len(country_pages))
    return write_manifest(Path(dest), {"url": download["url"], "country_url": country_url,
                                        "version": download["version"],
                                        "pages": len(indicator_pages)})


retrieve_wdi_api = _locked(_wdi_api)


#: One year of Comtrade exports, under the raw folder's lock (see
#: :func:`gvc_upgrading.store.comtrade_api.fetch_comtrade_year`).
retrieve_comtrade_year = _locked(fetch_comtrade_year)


#: One OECD TiVA answer, under the raw folder's lock (see
#: :func:`gvc_upgrading.store.tiva_api.fetch_tiva`).
retrieve_tiva = _locked(fetch_tiva)
