"""OECD SDMX API for TiVA: one file per dataflow and request, asked for in requests short enough,
each answer checked before anything is stored.

A request (:func:`tiva_request`) names the dataflow and its unit, the measures of the dimensions
in use, the chains' activities, the edition's economies, the world as counterpart and the years;
:func:`request_tag` is its short hash, which names the stored file (``{request}`` in the
registry). :func:`fetch_tiva` splits the economies so that no URL is longer than
:data:`gvc_upgrading.sources.sdmx.MAX_URL_LENGTH`, fetches each URL with
:func:`gvc_upgrading.store.fetch.fetch` (retries, ``429`` and ``Retry-After``, content check),
joins the answers under one header and reads them back with
:func:`gvc_upgrading.sources.tiva.parse_tiva` against the edition's code lists; an answer with a
measure, unit or counterpart not asked for, or without rows of a measure asked for, stops it
with an :class:`~gvc_upgrading.errors.InputError`. Only then is the file stored, with a manifest
listing every request.
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
from .fetch import FetchPolicy, fetch
from .manifests import write_manifest

log = logging.getLogger(__name__)

#: What the API is asked to answer in: SDMX-CSV 1.0, codes only (as the recorded answer of
#: shared/data/real/oecd_tiva, section 7a).
TIVA_ACCEPT = "text/csv"
TIVA_HEADER = "csv-header:DATAFLOW"


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
                  max_length: int = sdmx.MAX_URL_LENGTH) -> dict:
    """The answer of the OECD SDMX API to one TiVA request (``download["request"]`` for the
    dataflow at ``download["flow_url"]``), in requests of at most ``max_length`` characters,
    each fetched with :func:`fetch`'s retries and checks, joined under one header, read back
    with :func:`gvc_upgrading.sources.tiva.read_tiva` (the edition's codes, every measure asked
    for present) and only then stored, with a manifest listing every request."""
    request = download["request"]
    first, last = request["years"]
    requests = sdmx.split_requests(
        download["flow_url"], [request["measures"]], request["countries"],
        [request["activities"], request["counterpart"], request["unit"], "A"], first, last,
        max_length=max_length)
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix=".tiva-", dir=dest.parent) as folder:
        parts, fetched = [], []
        for number, (group, url) in enumerate(requests):
            part = Path(folder) / f"part{number}.csv"
            manifest = fetch(url, part, version=download["version"], expect=TIVA_HEADER,
                             headers={"Accept": TIVA_ACCEPT}, policy=policy)
            parts.append(part)
            fetched.append({"countries": group, **{key: manifest[key] for key in (
                "url", "status", "bytes", "sha256", "etag", "last_modified", "attempts")}})
        data = _joined_csv(parts, [entry["url"] for entry in fetched])
        table = tiva.parse_tiva(decode_utf8(data, dest), dest, activities=request["activities"],
                                countries=request["countries"])
        _check_answer(table, request, dest)
        with atomic_path(dest) as joined:
            joined.write_bytes(data)
    log.info("OECD TiVA %s: %d requests, %d observations", request["dataflow"], len(requests),
             len(table))
    return write_manifest(dest, {"url": download["flow_url"], "version": download["version"],
                                  "request": request, "requests": fetched,
                                  "observations": len(table)})


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
