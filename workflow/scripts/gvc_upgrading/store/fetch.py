"""Downloading raw data so that a failed or odd download never passes for data.

:func:`fetch` streams a URL to a temporary ``*.part`` file beside the destination, retrying
transient failures (connection errors, timeouts, 5xx, 408, 429, a body cut short) a bounded
number of times with exponential backoff or the server's Retry-After. It then checks the file
(the length the server announced, the content: a zip is a zip, a CSV has its header, an HTML
error page is rejected; the sha256 when one is pinned), renames it into place and writes
``<dest>.manifest.json`` (URL, final URL, status, bytes, sha256, ETag, Last-Modified, time,
version, attempts). Any failure raises :class:`FetchError` and leaves ``dest`` and its manifest
as they were. :func:`fetch_json` applies the same rules to a JSON API page, :func:`fetch_body`
to any small document (its caller reads it).

A URL may also name a local mirror: a ``file://`` URL or a plain absolute path (a provider's base
URL in the config pointing at a folder). The file is then copied, not downloaded, with the same
checks (its size while it was read, the content, the sha256) and the same manifest, whose
``status`` is null and ``final_url`` the file's ``file://`` URL; a query string has no meaning
for a file and is ignored (the mirror keeps each file under the URL's path).

Secrets (API keys in the query or headers) are shown as ``***`` in every log line, manifest and
error message, including the debug lines of urllib3.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus, unquote, urlsplit
from urllib.request import url2pathname

import requests

from gvc_upgrading import __version__

from ..io import atomic_path
from .content import (
    HEAD_BYTES,
    checksum_problem,
    content_check,
    content_problem,
    looks_like_html,
    markup_kind,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

MASK = "***"
USER_AGENT = f"gvc-upgrading/{__version__} python-requests/{requests.__version__}"
_CHUNK_BYTES = 64 * 2**10
_RETRY_CLIENT_STATUSES = (408, 429)
# loggers of the HTTP stack that write request lines (with the query) at DEBUG level
_HTTP_LOGGERS = ("urllib3.connectionpool", "urllib3.poolmanager", "urllib3.util.retry")


@dataclass(frozen=True)
class FetchPolicy:
    """Timeouts (seconds), retry budget and progress reporting of a download.

    The wait before retry ``n`` (1-based) is ``backoff_initial * 2**(n-1)``, at most
    ``backoff_max``, unless the server sent Retry-After, which is honoured up to
    ``retry_after_max``.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int = 5
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    retry_after_max: float = 300.0
    progress_every_bytes: int = 50 * 2**20

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        for name in ("connect_timeout", "read_timeout", "progress_every_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        for name in ("backoff_initial", "backoff_max", "retry_after_max"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")


class FetchError(RuntimeError):
    """A download or API call failed for good; the message names the (redacted) URL, the
    problem and the number of attempts made. ``status`` is the HTTP status of the last answer
    when the failure was one (an API that refuses a request as too large answers 413)."""

    def __init__(self, url: str, problem: str, attempts: int, status: int | None = None):
        if attempts:
            when = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        else:
            when = "before any attempt"
        super().__init__(f"fetching {url} failed {when}: {problem}")
        self.url = url
        self.problem = problem
        self.attempts = attempts
        self.status = status


def fetch(url: str, dest: str | Path, *, version: str, expect: str | None = None,
          expected_sha256: str | None = None, params: dict | None = None,
          headers: dict | None = None, secrets: Sequence[str] = (),
          policy: FetchPolicy = FetchPolicy(), sleep: Callable[[float], None] = time.sleep) -> dict:
    """Download ``url`` (with query ``params``) to ``dest`` and return its manifest.

    ``expect`` checks the content: ``"zip"``, ``"gzip"``, ``"json"``, ``"html"``,
    ``"csv-header:<h1,h2,...>"`` (the first line, after a BOM, without quotes, equals or starts
    with that header; a gzip-compressed CSV is decompressed to read it) or None. An HTML page is
    rejected whatever ``expect`` is, unless it is ``"html"``. ``expected_sha256`` pins the file.
    ``version`` is recorded in the manifest. ``sleep`` is called with each wait between attempts.
    """
    what, check = content_check(expect)
    dest = Path(dest)
    redactor = _Redactor(secrets)
    source = local_path(url)
    full_url = url if source else _url_with_params(url, params, redactor)
    shown = redactor.redact(full_url)
    request_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})}

    def attempt(session: requests.Session, part: Path) -> _Download:
        if source:
            download = _copy_local(source, part, policy, shown)
        else:
            download = _download(session, full_url, request_headers, part, policy, shown)
        problem = content_problem(part, expect, what, check) or checksum_problem(
            download.sha256, expected_sha256)
        if problem:
            raise _AttemptFailed(problem, retriable=False)
        return download

    with (redactor.on_loggers(), requests.Session() as session,
          atomic_path(manifest_path(dest)) as manifest_part):
        with atomic_path(dest) as part:
            download, attempts = _with_retries(lambda: attempt(session, part), url=shown,
                                               policy=policy, sleep=sleep, redactor=redactor)
        manifest = redactor.redact_values({
            "url": full_url, "final_url": download.final_url, "status": download.status,
            "bytes": download.size, "sha256": download.sha256, "etag": download.etag,
            "last_modified": download.last_modified,
            "retrieved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "version": version, "attempts": attempts,
        })
        manifest_part.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log.info("saved %s: %d bytes, sha256 %s", dest, download.size, download.sha256)
    return manifest


def fetch_json(url: str, *, params: dict | None = None, headers: dict | None = None,
               secrets: Sequence[str] = (), policy: FetchPolicy = FetchPolicy(),
               sleep: Callable[[float], None] = time.sleep) -> Any:
    """GET one JSON document (e.g. a page of a paged API) with :func:`fetch`'s retry and
    redaction rules; an HTML page, an XML document or a body that is not JSON is an error, not
    retried."""
    return _fetch_document(url, params, {"Accept": "application/json", **(headers or {})},
                           secrets, policy, sleep, parse=_parse_json)


def fetch_body(url: str, *, params: dict | None = None, headers: dict | None = None,
               secrets: Sequence[str] = (), policy: FetchPolicy = FetchPolicy(),
               sleep: Callable[[float], None] = time.sleep) -> bytes:
    """GET one small document and return its body as received, with :func:`fetch`'s retry and
    redaction rules (status, timeouts, retries); reading the body is left to the caller."""
    return _fetch_document(url, params, headers or {}, secrets, policy, sleep,
                           parse=lambda body: body)


def local_path(url: str) -> Path | None:
    """The file named by a ``file://`` URL or a plain path (a local mirror), or None for a URL
    of another scheme (``http``, ``https``)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise FetchError(url, "a file:// URL must name a local file (file:///path)", 0)
        return Path(url2pathname(unquote(parts.path)))
    if "://" in url:
        return None
    return Path(url.split("?", 1)[0])


def _fetch_document(url: str, params: dict | None, headers: dict, secrets: Sequence[str],
                    policy: FetchPolicy, sleep: Callable[[float], None],
                    parse: Callable[[bytes], T]) -> T:
    """One document, read with ``parse`` inside the retry loop (its _AttemptFailed counts)."""
    redactor = _Redactor(secrets)
    source = local_path(url)
    full_url = url if source else _url_with_params(url, params, redactor)
    shown = redactor.redact(full_url)
    request_headers = {"User-Agent": USER_AGENT, **headers}

    def attempt(session: requests.Session) -> T:
        if source:
            return parse(_read_local(source))
        return parse(_get_body(session, full_url, request_headers, policy))

    with redactor.on_loggers(), requests.Session() as session:
        document, _ = _with_retries(lambda: attempt(session), url=shown, policy=policy,
                                    sleep=sleep, redactor=redactor)
    return document


def manifest_path(dest: str | Path) -> Path:
    """The manifest written beside a fetched file: ``<dest>.manifest.json``."""
    dest = Path(dest)
    return dest.with_name(dest.name + ".manifest.json")


@dataclass(frozen=True)
class _Download:
    status: int | None  # None for a file of a local mirror
    final_url: str
    size: int
    sha256: str
    etag: str | None
    last_modified: str | None


class _AttemptFailed(Exception):
    """One attempt went wrong; ``retriable`` says whether another attempt may succeed."""

    def __init__(self, reason: str, *, retriable: bool, retry_after: float | None = None,
                 status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retriable = retriable
        self.retry_after = retry_after
        self.status = status


class _Redactor(logging.Filter):
    """Replaces each secret, and its URL-encoded forms, by ``***`` in text and log records."""

    def __init__(self, secrets: Sequence[str]):
        super().__init__()
        forms = {form for secret in secrets if secret
                 for form in (secret, quote(secret, safe=""), quote_plus(secret))}
        self._forms = sorted(forms, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, MASK)
        return text

    def redact_values(self, record: dict) -> dict:
        return {key: self.redact(value) if isinstance(value, str) else value
                for key, value in record.items()}

    def filter(self, record: logging.LogRecord) -> bool:
        if self._forms:
            record.msg = self.redact(record.getMessage())
            record.args = ()
        return True

    @contextlib.contextmanager
    def on_loggers(self) -> Iterator[None]:
        """Redact the records of this module's logger and of the HTTP stack's loggers."""
        loggers = [log, *(logging.getLogger(name) for name in _HTTP_LOGGERS)]
        for logger in loggers:
            logger.addFilter(self)
        try:
            yield
        finally:
            for logger in loggers:
                logger.removeFilter(self)


def _url_with_params(url: str, params: dict | None, redactor: _Redactor) -> str:
    """The URL with ``params`` encoded into its query; a malformed URL raises FetchError."""
    try:
        return requests.Request("GET", url, params=params).prepare().url
    except requests.RequestException as exc:
        problem = f"invalid URL ({exc})"
    raise FetchError(redactor.redact(url), redactor.redact(problem), attempts=0)


def _with_retries(attempt: Callable[[], T], *, url: str, policy: FetchPolicy,
                  sleep: Callable[[float], None], redactor: _Redactor) -> tuple[T, int]:
    """Run ``attempt`` until it succeeds, fails for good, or the policy's attempts are used up.

    Returns the result and the number of attempts. The FetchError is raised outside any
    ``except`` block, so it carries no chained exception that could show a secret.
    """
    for number in range(1, policy.max_attempts + 1):
        log.info("GET %s (attempt %d of %d)", url, number, policy.max_attempts)
        try:
            return attempt(), number
        except _AttemptFailed as exc:
            failure = exc
        except requests.RequestException as exc:
            failure = _classify(exc)
        reason = redactor.redact(failure.reason)
        if not failure.retriable or number == policy.max_attempts:
            break
        wait = _wait_before_retry(number, failure.retry_after, policy)
        log.warning("%s: %s; retrying in %.1f s", url, reason, wait)
        sleep(wait)
    raise FetchError(url, reason, attempts=number, status=failure.status)


def _classify(exc: requests.RequestException) -> _AttemptFailed:
    """Describe a failure of the HTTP stack and say whether it is worth another attempt."""
    if isinstance(exc, requests.exceptions.SSLError):
        return _AttemptFailed(f"TLS failed ({_detail(exc)})", retriable=False)
    if isinstance(exc, requests.ConnectTimeout):
        kind = "connection timed out"
    elif isinstance(exc, requests.ReadTimeout):
        kind = "read timed out"
    elif isinstance(exc, requests.exceptions.ChunkedEncodingError):
        kind = "body cut short"
    elif isinstance(exc, requests.exceptions.ContentDecodingError):
        kind = "content decoding failed"
    elif isinstance(exc, requests.ConnectionError):
        kind = "connection failed"
    else:  # invalid URL or header, too many redirects: another attempt cannot help
        return _AttemptFailed(f"request failed ({_detail(exc)})", retriable=False)
    return _AttemptFailed(f"{kind} ({_detail(exc)})", retriable=True)


def _detail(exc: BaseException) -> str:
    """The most specific message of an exception that wraps others (requests wraps urllib3)."""
    while exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    return exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)


def _wait_before_retry(number: int, retry_after: float | None, policy: FetchPolicy) -> float:
    """Seconds to wait after failed attempt ``number``: Retry-After (capped) or backoff."""
    if retry_after is not None:
        return min(retry_after, policy.retry_after_max)
    return min(policy.backoff_initial * 2 ** (number - 1), policy.backoff_max)


def _retry_after(value: str | None) -> float | None:
    """Seconds asked for by a Retry-After header (delay-seconds or HTTP-date), else None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _check_status(response: requests.Response) -> None:
    """Raise _AttemptFailed unless the status is 2xx; 5xx, 408 and 429 may be retried."""
    status = response.status_code
    if 200 <= status < 300:
        return
    reason = f"HTTP {status} {response.reason or ''}".rstrip() + _error_excerpt(response)
    if status >= 500 or status in _RETRY_CLIENT_STATUSES:
        raise _AttemptFailed(reason, retriable=True, status=status,
                             retry_after=_retry_after(response.headers.get("Retry-After")))
    raise _AttemptFailed(reason, retriable=False, status=status)


def _error_excerpt(response: requests.Response) -> str:
    """The start of an error response's body (it often says what is wrong, e.g. a bad key)."""
    try:
        head = next(response.iter_content(HEAD_BYTES), b"")
    except requests.RequestException:
        return ""
    if not head.strip():
        return ""
    if looks_like_html(head):
        return " (an HTML page)"
    kind = markup_kind(head)
    if kind:  # an XML error message (SDMX APIs): the texts of its elements say what is wrong
        head = re.sub(rb"<\?.*?\?>|<[^>]*>", b" ", head)
    text = " ".join(head.decode("utf-8", errors="replace").split())
    return f" ({kind}): {text[:200]}" if kind else f": {text[:200]}"


def _download(session: requests.Session, url: str, headers: dict, part: Path,
              policy: FetchPolicy, shown: str) -> _Download:
    """One GET streamed to ``part``; raises _AttemptFailed on a bad status or a short body."""
    timeout = (policy.connect_timeout, policy.read_timeout)
    with session.get(url, headers=headers, timeout=timeout, stream=True) as response:
        _check_status(response)
        announced = _announced_length(response)
        progress = _Progress(shown, announced, policy.progress_every_bytes)
        digest = hashlib.sha256()
        size = 0
        try:
            with open(part, "wb") as out:
                for chunk in response.iter_content(_CHUNK_BYTES):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    progress.update(size)
        except requests.ConnectionError as exc:  # a read timeout or reset inside the body
            raise _AttemptFailed(f"connection lost after {size} bytes of the body "
                                 f"({_detail(exc)})",
                                 retriable=True)
        # urllib3 2 already raises on a short body; older urllib3 (allowed by requests) does not
        if announced is not None and size != announced:
            raise _AttemptFailed(f"body cut short: received {size} of the {announced} bytes "
                                 "announced", retriable=True)
        return _Download(response.status_code, response.url, size, digest.hexdigest(),
                         response.headers.get("ETag"), response.headers.get("Last-Modified"))


def _announced_length(response: requests.Response) -> int | None:
    """Content-Length as an int, or None when absent or when it counts encoded bytes."""
    if response.headers.get("Content-Encoding", "identity").lower() != "identity":
        return None
    value = response.headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None


def _get_body(session: requests.Session, url: str, headers: dict, policy: FetchPolicy) -> bytes:
    """One GET of a small document: its body, after the status check."""
    timeout = (policy.connect_timeout, policy.read_timeout)
    with session.get(url, headers=headers, timeout=timeout) as response:
        _check_status(response)
        return response.content


def _parse_json(body: bytes) -> Any:
    """A JSON body as Python objects; an error page or a body that does not parse is an
    attempt that failed for good."""
    if kind := markup_kind(body[:HEAD_BYTES]):
        raise _AttemptFailed(f"expected JSON but got {kind}", retriable=False)
    try:
        return json.loads(body)
    except ValueError as exc:
        raise _AttemptFailed(f"expected JSON but the body does not parse ({exc})",
                             retriable=False)


def _copy_local(source: Path, part: Path, policy: FetchPolicy, shown: str) -> _Download:
    """Copy a mirror's file to ``part`` the way :func:`_download` streams a body."""
    try:
        with open(source, "rb") as stream, open(part, "wb") as out:
            status = os.fstat(stream.fileno())
            progress = _Progress(shown, status.st_size, policy.progress_every_bytes)
            digest, size = hashlib.sha256(), 0
            for chunk in iter(lambda: stream.read(_CHUNK_BYTES), b""):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                progress.update(size)
    except OSError as exc:
        raise _local_failure(source, exc) from None
    if size != status.st_size:
        raise _AttemptFailed(f"the file changed while it was read: {size} of the "
                             f"{status.st_size} bytes it had", retriable=True)
    return _Download(None, source.resolve().as_uri(), size, digest.hexdigest(), None,
                     formatdate(status.st_mtime, usegmt=True))


def _read_local(source: Path) -> bytes:
    """The whole content of a mirror's (small) file."""
    try:
        return source.read_bytes()
    except OSError as exc:
        raise _local_failure(source, exc) from None


def _local_failure(source: Path, exc: OSError) -> _AttemptFailed:
    """A file that is missing or unreadable fails for good; other I/O errors may pass."""
    if isinstance(exc, FileNotFoundError):
        return _AttemptFailed(f"no such file in the mirror: {source}", retriable=False)
    if isinstance(exc, (IsADirectoryError, NotADirectoryError, PermissionError)):
        return _AttemptFailed(f"cannot read {source} ({exc.strerror})", retriable=False)
    return _AttemptFailed(f"reading {source} failed ({exc.strerror or exc})", retriable=True)


class _Progress:
    """Logs bytes received, percent of the announced size and speed every ``every`` bytes."""

    def __init__(self, url: str, total: int | None, every: int):
        self._url = url
        self._total = total
        self._every = every
        self._next = every
        self._start = time.monotonic()

    def update(self, size: int) -> None:
        if size < self._next:
            return
        self._next = (size // self._every + 1) * self._every
        rate = size / max(time.monotonic() - self._start, 1e-9) / 1e6
        if self._total:
            log.info("%s: %d of %d bytes (%.0f%%) at %.1f MB/s", self._url, size, self._total,
                     100 * size / self._total, rate)
        else:
            log.info("%s: %d bytes at %.1f MB/s", self._url, size, rate)
