"""Cheap probes that tell the provider's current release of a dataset without downloading it.

Each probe returns a release tag, which becomes the dataset's version (and raw-store folder) when
it differs from the version in use. Where each probe looks is configuration
(``providers.paths``, :mod:`gvc_upgrading.store.providers`):

- CEPII BACI: the highest version among the release zips of the dataset's HS revision linked
  from the download page (``providers.paths.baci_releases``), e.g. ``202501`` for
  ``BACI_HS92_V202501.zip``.
- ILOSTAT: the ``last.update`` date of the indicator in the bulk facility's table of contents
  (``providers.paths.ilostat_table_of_contents``), as ``YYYY-MM-DD``.
- World Bank WDI: the ``lastupdated`` field of page 1 of the indicator in API v2
  (``providers.paths.wdi_indicator``, ``?format=json&per_page=1``).
- UN Comtrade: the latest ``lastReleased`` date in the data availability
  (``getDataAvailability``, ``providers.paths.comtrade_availability``, by default
  ``data/v1/getDa/C/A/HS``) for the configured years (needs ``COMTRADE_API_KEY``).
- OECD TiVA: the newest release of the entry's dataflow in the structure query
  (``providers.paths.oecd_dataflows``, by default
  ``<providers.oecd>/dataflow/OECD.STI.PIE/<dataflow>/all``): the highest edition year in the
  dataflow's English name, then the highest dataflow version, as ``<edition>-<version>``
  (``2025-1.1``).

Generated (demo) and hand-placed (UNIDO INDSTAT, licensed) datasets have no probe. A probe that
cannot read its answer raises :class:`ProbeError` naming the URL and what it expected.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..errors import InputError
from ..sources import comtrade, sdmx, tiva, wdi
from .comtrade_api import availability_records
from .fetch import FetchPolicy, fetch, fetch_json
from .providers import provider_url

PROBE_POLICY = FetchPolicy(connect_timeout=10, read_timeout=30, max_attempts=3, backoff_initial=2)
_BACI_FILE = re.compile(r"^BACI_(HS\d\d)_V\w+\.zip$")


class ProbeError(RuntimeError):
    """A probe's answer is not what the provider publishes (names the URL and the problem)."""

    def __init__(self, url: str, problem: str):
        super().__init__(f"release probe {url}: {problem}")


def probe_release(entry: dict, config: dict, *, policy: FetchPolicy = PROBE_POLICY) -> str | None:
    """The provider's current release tag of the dataset ``entry``, or None if it has no probe."""
    if entry.get("generator") or "url" not in entry:
        return None
    probe = PROBES.get(entry["format"])
    if probe is None:
        return None
    return probe(entry, config, policy)


def probe_baci(entry: dict, config: dict, policy: FetchPolicy) -> str:
    """The latest BACI version of the entry's HS revision linked from the download page."""
    url = provider_url(config["providers"], "baci_releases")
    match = _BACI_FILE.match(entry["files"][0])
    if match is None:
        raise ProbeError(url, f"cannot tell the HS revision of {entry['files'][0]!r}; expected "
                              "a file named BACI_<HS revision>_V<version>.zip")
    revision = match.group(1)
    page = _get_text(url, expect="html", policy=policy)
    versions = re.findall(rf"BACI_{revision}_V(\d{{6}}[a-z]?)\.zip", page)
    if not versions:
        raise ProbeError(url, f"the page links no BACI_{revision}_V<version>.zip release")
    return max(versions)


def probe_ilostat(entry: dict, config: dict, policy: FetchPolicy) -> str:
    """The last-update date of the entry's indicator in ILOSTAT's table of contents."""
    url = provider_url(config["providers"], "ilostat_table_of_contents")
    indicator = entry["files"][0].removesuffix(".csv.gz")
    rows = csv.DictReader(io.StringIO(_get_text(url, expect="csv-header:id", policy=policy)))
    if "last.update" not in (rows.fieldnames or []):
        raise ProbeError(url, f"no 'last.update' column (columns: {rows.fieldnames})")
    for row in rows:
        if row["id"] == indicator:
            return _date(row["last.update"], url)
    raise ProbeError(url, f"indicator {indicator} is not in the table of contents")


def probe_wdi(entry: dict, config: dict, policy: FetchPolicy) -> str:
    """The ``lastupdated`` date of the entry's WDI indicator (API v2, one record)."""
    found = re.search(r"/indicator/([^/?]+)", entry["url"])
    if found is None:
        raise ProbeError(entry["url"], "the registry URL names no /indicator/<ID>")
    url = provider_url(config["providers"], "wdi_indicator", indicator=found.group(1))
    info, _ = wdi.check_api_page(
        fetch_json(url, params={"format": "json", "per_page": "1"}, policy=policy), url)
    if not info.get("lastupdated"):
        raise ProbeError(url, "page 1 has no 'lastupdated' field")
    return _date(info["lastupdated"], url)


def probe_comtrade(entry: dict, config: dict, policy: FetchPolicy) -> str:
    """The latest ``lastReleased`` date of Comtrade's annual HS data in the configured years."""
    url = provider_url(config["providers"], "comtrade_availability")
    years = list(range(config["years"]["start"], config["years"]["end"] + 1))
    records = availability_records(url, years, key=comtrade.api_key(), policy=policy)
    released = [r["lastReleased"] for r in records if r.get("lastReleased")]
    if not released:
        raise ProbeError(url, "no data-availability record with 'lastReleased' for years "
                              f"{years[0]}-{years[-1]}")
    return max(_date(value, url) for value in released)


def probe_tiva(entry: dict, config: dict, policy: FetchPolicy) -> str:
    """The newest release of the entry's TiVA dataflow, ``<edition>-<dataflow version>``."""
    dataflow = entry["sdmx"]["dataflow"]
    url = provider_url(config["providers"], "oecd_dataflows", dataflow=dataflow)
    text = _get_text(url, expect=None, policy=policy)
    try:
        return sdmx.latest_release(text, dataflow, tiva.AGENCY, source=url).tag
    except InputError as error:
        raise ProbeError(url, str(error).removeprefix(f"{url}: ")) from None


PROBES: dict[str, Callable[[dict, dict, FetchPolicy], str]] = {
    "baci_zip": probe_baci,
    "ilostat_bulk_csv": probe_ilostat,
    "wdi_bulk_csv": probe_wdi,
    "wdi_api_json": probe_wdi,
    "comtrade_api": probe_comtrade,
    "tiva_sdmx_csv": probe_tiva,
}


def _get_text(url: str, *, expect: str, policy: FetchPolicy) -> str:
    """A small text document, fetched with :func:`fetch`'s retries and content check."""
    with tempfile.TemporaryDirectory(prefix="gvc-probe-") as folder:
        path = Path(folder) / "probe"
        fetch(url, path, version="probe", expect=expect, policy=policy)
        return path.read_text(encoding="utf-8-sig")


def _date(text: str, url: str) -> str:
    """A provider's date (ISO date or timestamp, or day/month/year) as ``YYYY-MM-DD``."""
    value = str(text).strip()
    problem = f"cannot read the date {value!r}; expected YYYY-MM-DD or DD/MM/YYYY"
    if iso := re.match(r"(\d{4})-(\d{2})-(\d{2})", value):
        year, month, day = iso.groups()
    elif day_first := re.match(r"(\d{2})/(\d{2})/(\d{4})", value):
        day, month, year = day_first.groups()
    else:
        raise ProbeError(url, problem)
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise ProbeError(url, problem) from None
