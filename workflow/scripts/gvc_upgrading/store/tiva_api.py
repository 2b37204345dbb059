"""OECD SDMX API for TiVA: one file per dataflow and request, asked for in requests short enough,
each answer checked before anything is stored.

A request (:func:`tiva_request`) names the dataflow and its unit, the measures of the dimensions
in use, the chains' activities, the edition's economies, the world as counterpart and the years;
:func:`request_tag` is its short hash, which names the stored file (``{request}`` in the
registry). :func:`fetch_tiva` splits the economies so that no URL is longer than
:data:`gvc_upgrading.sources.sdmx.MAX_URL_LENGTH` and no answer can hold more than
:data:`ROW_LIMIT` observations (measures x economies x activities x years), fetches each URL
with :func:`gvc_upgrading.store.fetch.fetch` (retries, ``429`` and ``Retry-After``, content
check, an SDMX error message shown by its text), joins the answers under one header and reads
them back with :func:`gvc_upgrading.sources.tiva.parse_tiva` against the edition's code lists.

Row limits: an API that finds an answer too large refuses it with ``413`` (Request Entity Too
Large), and the OECD's former API cut answers at one million rows without a word. A request
refused with ``413``, or answered with :data:`ROW_LIMIT` rows or more (so possibly cut), is
split: its economies in two halves, each asked again; one economy alone that is still refused
or cut stops the retrieve naming the request, so a truncated answer is never stored. An answer
with a measure, unit or counterpart not asked for, or without rows of a measure asked for,
stops it with an :class:`~gvc_upgrading.errors.InputError`. Only then is the file stored, with
a manifest listing every request answered and every request split.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from pathlib import Path

import pandas as pd

from ..errors import InputError, decode_utf8
from ..io import atomic_path
from ..sources import sdmx, tiva
from .fetch import FetchError, FetchPolicy, fetch
from .manifests import write_manifest

log = logging.getLogger(__name__)

#: What the API is asked to answer in: SDMX-CSV 1.0, codes only (as the recorded answer of
#: shared/data/real/oecd_tiva, section 7a).
TIVA_ACCEPT = "text/csv"
TIVA_HEADER = "csv-header:DATAFLOW"
#: Most observations one answer may hold: requests are planned within it, and an answer that
#: reaches it counts as cut at the API's row limit (the OECD.Stat API stopped at one million).
ROW_LIMIT = 1_000_000
#: The status of a request an API refuses as too large to answer.
TOO_LARGE = 413


def tiva_request(entry: dict, measures, activities, years: tuple[int, int]) -> dict:
    """What one TiVA file asks the dataset ``entry`` for: its dataflow and unit, the
    ``measures``, the ``activities``, the edition's economies, exports to the world, and the
    ``years`` (first, last)."""
    return {"dataflow": entry["sdmx"]["dataflow"], "unit": entry["sdmx"]["unit"],
            "measures": sorted(set(measures)), "activities": sorted(set(activities)),
            "countries": sorted(set(entry["sdmx"].get("countries", []))),
            "counterpart": tiva.WORLD, "years": [int(years[0]), int(years[1])]}


def request_tag(request: dict) -> str:
    """A short hash of a request, for the file name (``{request}`` in the registry)."""
    text = json.dumps(request, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def fetch_tiva(download: dict, dest: str | Path, *, policy: FetchPolicy = FetchPolicy(),
               max_length: int = sdmx.MAX_URL_LENGTH, row_limit: int = ROW_LIMIT) -> dict:
    """The answer of the OECD SDMX API to one TiVA request (``download["request"]`` for the
    dataflow at ``download["flow_url"]``), in requests of at most ``max_length`` characters and
    ``row_limit`` observations, each fetched with :func:`fetch`'s retries and checks (a request
    refused as too large or answered at the row limit split again), joined under one header,
    read back with :func:`gvc_upgrading.sources.tiva.read_tiva` (the edition's codes, every
    measure asked for present) and only then stored, with a manifest listing every request."""
    request = download["request"]
    dest = Path(dest)
    pending = [group for group, _ in _plan(download, max_length, row_limit)]
    with tempfile.TemporaryDirectory(prefix=".tiva-", dir=dest.parent) as folder:
        parts, fetched, split = [], [], []
        while pending:
            group = pending.pop(0)
            part = Path(folder) / f"part{len(parts) + len(split)}.csv"
            manifest, reason = _answer(download, group, part, policy, row_limit)
            if reason is None:
                parts.append(part)
                fetched.append({"countries": group, **{key: manifest[key] for key in (
                    "url", "status", "bytes", "sha256", "etag", "last_modified", "attempts")}})
                continue
            split.append({"countries": group, "url": _group_url(download, group),
                          "reason": reason})
            pending[:0] = _halves(split[-1])
        data = _joined_csv(parts, [entry["url"] for entry in fetched])
        table = tiva.parse_tiva(decode_utf8(data, dest), dest, activities=request["activities"],
                                countries=request["countries"])
        _check_answer(table, request, dest)
        with atomic_path(dest) as joined:
            joined.write_bytes(data)
    log.info("OECD TiVA %s: %d requests (%d split), %d observations", request["dataflow"],
             len(fetched), len(split), len(table))
    return write_manifest(dest, {"url": download["flow_url"], "version": download["version"],
                                  "request": request, "requests": fetched, "split": split,
                                  "row_limit": row_limit, "observations": len(table)})


def _answer(download: dict, group: list[str], part: Path, policy: FetchPolicy,
            row_limit: int) -> tuple[dict | None, str | None]:
    """Fetch the request for the economies ``group`` into ``part``: its manifest and None, or
    None and why it must be split (refused as too large, or answered at the row limit)."""
    try:
        manifest = fetch(_group_url(download, group), part, version=download["version"],
                         expect=TIVA_HEADER, headers={"Accept": TIVA_ACCEPT}, policy=policy)
    except FetchError as error:
        if error.status != TOO_LARGE:
            raise
        return None, f"refused as too large ({error.problem})"
    rows = _data_rows(part)
    if rows >= row_limit:
        return None, f"{rows} rows, at the row limit {row_limit}: possibly cut"
    return manifest, None


def _halves(refused: dict) -> list[list[str]]:
    """The economies of a refused or cut request in two halves; one economy alone cannot be
    split, and its request stops the retrieve."""
    group = refused["countries"]
    if len(group) < 2:
        raise InputError(refused["url"], f"the answer for {group or 'every economy'} alone was "
                                         f"{refused['reason']}; expected a complete answer (a "
                                         "truncated answer is never stored): ask for fewer "
                                         "measures, activities or years")
    log.info("%s: %s; splitting %d economies in two", refused["url"], refused["reason"],
             len(group))
    half = len(group) // 2
    return [group[:half], group[half:]]


def _plan(download: dict, max_length: int, row_limit: int) -> list[tuple[list[str], str]]:
    """The first requests: economies in groups under the URL length and the row limit (at
    most one observation per measure, economy, activity and year)."""
    request = download["request"]
    first, last = request["years"]
    per_economy = len(request["measures"]) * len(request["activities"]) * (last - first + 1)
    if per_economy > row_limit:
        raise ValueError(f"one economy's answer may hold {per_economy} observations "
                         f"({len(request['measures'])} measures x {len(request['activities'])} "
                         f"activities x {last - first + 1} years), more than the row limit "
                         f"{row_limit}; ask for fewer measures, activities or years")
    before, after = _key_around(request)
    return sdmx.split_requests(download["flow_url"], before, request["countries"], after, first,
                               last, max_length=max_length,
                               max_countries=row_limit // per_economy)


def _key_around(request: dict) -> tuple[list, list]:
    """The key dimensions before and after the economies: MEASURE | ACTIVITY,
    COUNTERPART_AREA, UNIT_MEASURE, FREQ."""
    return ([request["measures"]],
            [request["activities"], request["counterpart"], request["unit"], "A"])


def _group_url(download: dict, group: list[str]) -> str:
    """The data URL asking for the request's codes and the economies ``group``."""
    request = download["request"]
    before, after = _key_around(request)
    first, last = request["years"]
    return sdmx.data_url(download["flow_url"], sdmx.data_key(*before, group, *after), first, last)


def _data_rows(part: Path) -> int:
    """Data rows of a stored answer (its lines after the header, a trailing blank ignored)."""
    return part.read_bytes().rstrip(b"\r\n").count(b"\n")


def _joined_csv(parts: list[Path], urls: list[str]) -> bytes:
    """The answers as one CSV: the header once, then every answer's rows."""
    header, bodies = None, []
    for part, url in zip(parts, urls, strict=True):
        first, _, body = part.read_bytes().partition(b"\n")
        if header is not None and first != header:
            raise InputError(url, f"answers with the header {first[:200]!r}, unlike the first "
                                  f"request's {header[:200]!r}; expected one layout", row=1)
        header = first
        if body and not body.endswith(b"\n"):
            body += b"\n"
        bodies.append(body)
    return header + b"\n" + b"".join(bodies)


def _check_answer(table: pd.DataFrame, request: dict, dest: Path) -> None:
    """Every row is of a measure, unit and counterpart asked for, and every measure asked for
    has rows (a measure the edition does not publish is named)."""
    for column, allowed in (("measure", request["measures"]), ("unit", [request["unit"]]),
                            ("counterpart", [request["counterpart"]])):
        other = sorted(set(table[column]) - set(allowed))
        if other:
            raise InputError(dest, f"the answer holds {column} {other} that was not asked for "
                                   f"(asked for {allowed})", key=column.upper())
    absent = sorted(set(request["measures"]) - set(table["measure"]))
    if absent:
        raise InputError(dest, f"the answer holds no rows of measure(s) {absent} in "
                               f"{request['unit']} for the activities {request['activities']}; "
                               "does the edition publish them?", key="MEASURE")
