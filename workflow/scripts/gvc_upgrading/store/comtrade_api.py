"""UN Comtrade+ API: queries under the row cap, answers checked before anything is stored, and
refreshes that ask only for what was released since.

``getFinalData`` (the registry URL, ``{base}/data/v1/get/C/A/HS``) takes the subscription key in
the ``Ocp-Apim-Subscription-Key`` header (from ``COMTRADE_API_KEY``, never logged) and answers
``{"count": n, "data": [...], "error": ""}`` with at most ``cap`` records. Each answer is read by
:func:`read_answer`, which refuses, with an :class:`~gvc_upgrading.errors.InputError` naming the
query:

- a provider error whatever the HTTP status: an HTML page or an XML document, a JSON ``error``,
  or a JSON body without ``data`` (``{"statusCode": ..., "message": ...}``);
- an envelope whose ``count`` is not a number or is smaller than the records it holds;
- a record that :func:`gvc_upgrading.sources.comtrade.check_records` refuses (the message names
  the record: its row in the answer, reporter and commodity code), or a column holding values of
  two types (which Parquet could not store).

An answer that holds ``cap`` records, or fewer than its ``count`` declares, is incomplete: the
query is split by reporter and asked again (:func:`fetch_year`); a single reporter whose answer
is still incomplete stops the retrieval, so a truncated year is never stored.

The data availability (``getDataAvailability``, config ``providers.paths.comtrade_availability``)
gives each reporter's ``lastReleased`` date per year. :func:`fetch_comtrade_year` records these
dates in the stored year's manifest; when another version of the same year is stored (an earlier
release), it queries only the reporters whose date changed since and takes the records of the
others from that file, which is what the API would answer for them again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from ..errors import InputError
from ..io import write_table
from ..sources import comtrade
from .content import HEAD_BYTES, markup_kind
from .fetch import FetchError, FetchPolicy, fetch_body, local_path
from .manifests import stored_manifest, write_manifest
from .providers import fill

log = logging.getLogger(__name__)

DEFAULT_CAP = 100_000
CODES_PER_QUERY = 50  # commodity codes per request, to keep the query string short
_SHOWN = 6  # reporters or codes named in a query's label
GetBody = Callable[..., bytes]  # get_body(url, params=, headers=, secrets=) -> body


@dataclass(frozen=True)
class Query:
    """One getFinalData request: exports to the World of ``hs_codes`` in ``year`` by
    ``reporters`` (None: every reporter)."""

    url: str
    year: int
    hs_codes: tuple[str, ...]
    reporters: tuple[int, ...] | None = None

    def params(self) -> dict:
        params = {"period": str(self.year), "flowCode": "X", "partnerCode": str(comtrade.WORLD),
                  "partner2Code": "0", "customsCode": "C00", "motCode": "0",
                  "cmdCode": ",".join(self.hs_codes), "includeDesc": "true"}
        if self.reporters:
            params["reporterCode"] = ",".join(str(r) for r in self.reporters)
        return params

    def label(self) -> str:
        """The query in words, as errors name it (no key: the key travels in a header)."""
        who = "all reporters" if self.reporters is None else f"reporter {_few(self.reporters)}"
        return f"UN Comtrade {self.url} (period {self.year}, {who}, cmdCode {_few(self.hs_codes)})"


def _few(items: Sequence) -> str:
    shown = ",".join(map(str, items[:_SHOWN]))
    return shown if len(items) <= _SHOWN else f"{shown},... ({len(items)} in all)"


def fetch_year(get_body: GetBody, url: str, year: int, hs_codes: Sequence[str], *, key: str,
               reporters: Sequence[int] | None = None,
               reporter_list: Callable[[], list[int]] | None = None,
               cap: int = DEFAULT_CAP) -> list[dict]:
    """Every record of ``year`` for ``hs_codes`` (in batches) and ``reporters`` (None: all),
    each query split by reporter while its answer is incomplete."""
    codes, known = list(hs_codes), None

    def all_reporters(query: Query) -> list[int]:
        nonlocal known
        if known is None:
            if reporter_list is None:
                raise InputError(query.label(), "the answer is incomplete and there is no "
                                                "reporter list to split the query by", key="count")
            known = reporter_list()
        return known

    asked = tuple(reporters) if reporters is not None else None
    if asked == ():
        return []  # nobody to ask (an empty reporterCode would ask everyone)
    batches = [tuple(codes[start:start + CODES_PER_QUERY])
               for start in range(0, len(codes), CODES_PER_QUERY)]
    return [record for batch in batches
            for record in _fetch_split(get_body, Query(url, year, batch, asked), key=key,
                                       all_reporters=all_reporters, cap=cap)]


def _fetch_split(get_body: GetBody, query: Query, *, key: str,
                 all_reporters: Callable[[Query], list[int]], cap: int) -> list[dict]:
    body = get_body(query.url, params=query.params(), headers={comtrade.KEY_HEADER: key},
                    secrets=[key])
    records, complete = read_answer(body, query.label(), key=key, cap=cap)
    if complete:
        return records
    reporters = list(query.reporters or all_reporters(query))
    if len(reporters) == 1:
        raise InputError(query.label(), f"the answer of reporter {reporters[0]} alone is "
                                        f"incomplete ({len(records)} records, cap {cap}); "
                                        "expected a complete answer: a truncated year is never "
                                        "stored", key="count")
    half = len(reporters) // 2
    log.info("%s: incomplete answer (%d records); splitting %d reporters in two", query.label(),
             len(records), len(reporters))
    return [record for part in (reporters[:half], reporters[half:])
            for record in _fetch_split(get_body, Query(query.url, query.year, query.hs_codes,
                                                       tuple(part)),
                                       key=key, all_reporters=all_reporters, cap=cap)]


# --- answers ----------------------------------------------------------------------------------

def read_json(body: bytes, label: str, *, key: str = "", expected: str = "JSON") -> dict:
    """The JSON object of an answer; a provider error (an HTML or XML page, a body that is not
    JSON, a JSON ``error``) is an InputError naming ``label``, whatever the status was."""
    if kind := markup_kind(body[:HEAD_BYTES]):
        raise InputError(label, f"the answer is {kind}, a provider error page; expected {expected}",
                         key="body")
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise InputError(label, f"the answer is not JSON ({exc}); expected {expected}",
                         key="body") from None
    if not isinstance(document, dict):
        raise InputError(label, f"the answer is a JSON {type(document).__name__}; expected "
                                f"{expected}", key="body")
    if document.get("error"):
        raise InputError(label, f"Comtrade error: {_redacted(document['error'], key)}; expected "
                                f"{expected} without an error", key="error")
    return document


def read_envelope(body: bytes, label: str, *, key: str = "") -> dict:
    """The JSON object of an answer with ``data`` (see :func:`read_json`); a JSON body without
    ``data`` (``{"statusCode": ..., "message": ...}``) is a provider error too."""
    expected = 'a Comtrade JSON answer {"count": n, "data": [...]}'
    document = read_json(body, label, key=key, expected=expected)
    if "data" not in document:
        said = document.get("message") or document.get("statusCode") or sorted(document)
        raise InputError(label, f"the answer has no 'data' (the API says: "
                                f"{_redacted(said, key)}); expected {expected}", key="data")
    if not isinstance(document["data"], list | type(None)):
        raise InputError(label, f"'data' is a {type(document['data']).__name__}; expected "
                                f"{expected}", key="data")
    return document


def read_answer(body: bytes, label: str, *, key: str = "",
                cap: int = DEFAULT_CAP) -> tuple[list[dict], bool]:
    """The records of one getFinalData answer, checked, and whether the answer is complete (it
    holds fewer than ``cap`` records and as many as its ``count`` declares)."""
    document = read_envelope(body, label, key=key)
    records = document["data"] or []
    count = document.get("count")
    if count is not None and (type(count) is not int or count < 0):
        raise InputError(label, f"count {count!r} is not a number of records; expected the "
                                "count of the records the answer holds", key="count")
    if count is not None and count < len(records):
        raise InputError(label, f"the answer declares count {count} but holds {len(records)} "
                                "records; expected the count of the records it holds",
                         key="count")
    check_answer_records(records, label)
    return records, len(records) < cap and (count is None or count == len(records))


def check_answer_records(records: list, label: str) -> None:
    """Refuse an answer whose records :func:`comtrade.check_records` refuses, or whose columns
    hold values of two types, naming the record."""
    if not records:
        return
    for row, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InputError(label, f"record {row} is a {type(record).__name__}; expected a "
                                    "JSON object per record", row=row)
    try:
        comtrade.check_records(pd.DataFrame.from_records(records), label)
    except InputError as exc:
        problem = str(exc)[len(str(InputError(exc.path, "", row=exc.row, key=exc.key))):]
        raise InputError(label, problem + _record_text(records, exc.row), row=exc.row,
                         key=exc.key) from None
    check_types(pd.DataFrame.from_records(records), label, records)


def check_types(table: pd.DataFrame, where: str, records: list | None = None) -> None:
    """Every column holds values of one type (numbers, text, true/false); a value of another
    type than the column's other values is an InputError naming the record."""
    for column in [c for c in table.columns if pd.api.types.is_object_dtype(table[c])]:
        kinds = table[column].map(_kind)
        present = kinds[kinds != "missing"]
        if present.nunique() <= 1:
            continue
        usual = present.value_counts().index[0]
        position = int((present != usual).to_numpy().nonzero()[0][0])
        row = int(present.index[position]) + 1
        value = table[column].iloc[row - 1]
        raise InputError(where, f"{column} {value!r} is {present.iloc[position]} where the other "
                                f"records hold {usual}; expected one type per column"
                                + _record_text(records, row), row=row, key=str(column))


def _kind(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "missing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


def _record_text(records: list | None, row: int | None) -> str:
    if not records or row is None or not 0 < row <= len(records):
        return ""
    record = records[row - 1]
    reporter = " ".join(str(record[k]) for k in ("reporterCode", "reporterISO") if k in record)
    return (f" (record {row} of the answer: reporter {reporter or '?'}, "
            f"cmdCode {record.get('cmdCode', '?')})")


def _redacted(value, key: str) -> str:
    text = str(value)
    return text.replace(key, "***") if key else text  # an error may quote the key


# --- data availability: release dates per reporter and year -----------------------------------

def availability_records(url: str, years: Sequence[int], *, key: str,
                         policy: FetchPolicy = FetchPolicy()) -> list[dict]:
    """The data-availability records (one per reporter and year, with ``lastReleased``) of
    ``years``, from the ``getDataAvailability`` URL ``url``."""
    period = ",".join(map(str, years))
    body = fetch_body(url, params={"period": period}, headers={comtrade.KEY_HEADER: key},
                      secrets=[key], policy=policy)
    document = read_envelope(body, f"UN Comtrade data availability {url} (period {period})",
                             key=key)
    return [record for record in document["data"] or [] if isinstance(record, dict)]


def release_dates(records: list[dict], year: int) -> dict[int, str]:
    """Each reporter's latest ``lastReleased`` in ``year`` (records without one are left out)."""
    dates: dict[int, str] = {}
    for record in records:
        if str(record.get("period")) != str(year) or not record.get("lastReleased"):
            continue
        reporter, released = int(record["reporterCode"]), str(record["lastReleased"])
        dates[reporter] = max(dates.get(reporter, released), released)
    return dates


@dataclass(frozen=True)
class Plan:
    """Which reporters of a year to query (None: every reporter) and whose records to take
    from the stored file of an earlier release."""

    query: tuple[int, ...] | None
    reuse: tuple[int, ...] = ()


def plan_reporters(releases: dict[int, str], previous: dict | None) -> Plan:
    """Query the reporters released since ``previous`` (the manifest of the year as stored
    before, with its ``releases``), reuse the others; without both, query everyone."""
    before = {int(r): d for r, d in (previous or {}).get("releases", {}).items()}
    if not releases or not before:
        return Plan(None)
    unchanged = tuple(sorted(r for r, date in releases.items() if before.get(r) == date))
    changed = tuple(sorted(r for r in releases if r not in unchanged))
    if not unchanged:
        return Plan(None)
    return Plan(changed, unchanged)


def previous_year(dest: Path, url: str, year: int, hs_codes: list[str]) -> tuple[Path, dict] | None:
    """The latest complete file of the same year and query stored for another version of the
    dataset (``resources/raw/comtrade/<version>/<same name>``), with its manifest."""
    found = []
    for other in dest.parent.parent.glob(f"*/{dest.name}"):
        if other.parent == dest.parent:
            continue
        manifest = stored_manifest(other)
        if (manifest and "releases" in manifest and manifest.get("year") == year
                and manifest.get("cmd_codes") == hs_codes
                and urlsplit(manifest.get("url", "")).path == urlsplit(url).path):
            found.append((manifest["retrieved_at"], other, manifest))
    return max(found)[1:] if found else None


def fetch_comtrade_year(download: dict, dest: str | Path, hs_prefixes: list[str], *,
                        policy: FetchPolicy = FetchPolicy(), cap: int = DEFAULT_CAP) -> dict:
    """One year of Comtrade exports to the World of every six-digit code under ``hs_prefixes``,
    stored as Parquet with its manifest (without the raw folder's lock: see
    :func:`gvc_upgrading.store.retrieve.retrieve_comtrade_year`)."""
    dest = Path(dest)
    if local_path(download["url"]) is not None:
        raise ValueError(f"dataset {download['dataset']}: UN Comtrade is an API that answers "
                         f"queries, so providers.comtrade must be an http(s) URL, not the folder "
                         f"{download['base_url']}; to work offline, copy resources/raw/comtrade/ "
                         "from a machine that has the files")
    key, year, paths = comtrade.api_key(), int(download["year"]), download["paths"]

    def get_body(url, *, params=None, headers=None, secrets=()):
        return fetch_body(url, params=params, headers=headers, secrets=secrets, policy=policy)

    def reference(name: str) -> dict:
        url = fill(paths["comtrade_reference"], name=name)
        return read_json(get_body(url), f"UN Comtrade reference {url}",
                         expected='a reference list {"results": [...]}')

    hs_codes = comtrade.six_digit_codes(_reference_list(reference, "HS"), hs_prefixes)
    releases = _year_releases(paths["comtrade_availability"], year, key, policy)
    previous = previous_year(dest, download["url"], year, hs_codes)
    plan = plan_reporters(releases, previous[1] if previous else None)
    records = []
    if plan.query is None or plan.query:
        records = fetch_year(get_body, download["url"], year, hs_codes, key=key,
                             reporters=plan.query, cap=cap,
                             reporter_list=lambda: comtrade.reporter_codes(
                                 _reference_list(reference, "Reporters")))
    table = pd.DataFrame.from_records(records)
    reused = None
    if plan.reuse:
        table, reused = _with_reused(table, previous[0], plan)
    check_types(table, dest)
    write_table(table, dest, metadata={"source": "UN Comtrade getFinalData", "year": year})
    return write_manifest(dest, {
        "url": download["url"], "version": download["version"], "year": year,
        "records": len(table), "cmd_codes": hs_codes,
        "releases": {str(r): d for r, d in sorted(releases.items())},
        "queried_reporters": "all" if plan.query is None else list(plan.query),
        "reused": reused})


def _reference_list(reference: Callable[[str], dict], name: str) -> dict:
    """A reference file (``{"results": [...]}``), with a clear error when it is not one."""
    document = reference(name)
    if not isinstance(document.get("results"), list):
        raise InputError(f"UN Comtrade reference {name}", "no 'results' list; expected "
                                                          '{"results": [...]}', key="results")
    return document


def _year_releases(url: str, year: int, key: str, policy: FetchPolicy) -> dict[int, str]:
    """Release dates per reporter of ``year``; {} (so everything is queried) when the data
    availability cannot be read."""
    try:
        return release_dates(availability_records(url, [year], key=key, policy=policy), year)
    except (FetchError, InputError) as exc:
        log.warning("data availability not read (%s); querying every reporter of %d", exc, year)
        return {}


def _with_reused(table: pd.DataFrame, previous: Path, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """``table`` (the records queried) with those of the unchanged reporters from ``previous``."""
    stored = comtrade.read_records(previous)
    if "reporterCode" not in stored:
        raise InputError(previous, "no reporterCode column; expected the stored getFinalData "
                                   "records", key="header")
    keep = pd.to_numeric(stored["reporterCode"], errors="coerce").isin(plan.reuse)
    log.info("%d records of %d reporters without a release since are taken from %s (%d of its "
             "records, of reporters released since or no longer listed, are not); queried "
             "reporters: %s", int(keep.sum()), len(plan.reuse), previous, int((~keep).sum()),
             ",".join(map(str, plan.query)) or "none")
    parts = [part for part in (stored[keep], table) if len(part)]
    combined = pd.concat(parts, ignore_index=True) if parts else table
    return combined, {"from": str(previous), "reporters": list(plan.reuse),
                      "records": int(keep.sum())}
