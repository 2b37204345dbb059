"""What a downloaded file must look like: content checks by expected kind, and error pages.

:func:`content_check` turns an ``expect`` value of :func:`gvc_upgrading.store.fetch.fetch`
(``"zip"``, ``"gzip"``, ``"json"``, ``"html"``, ``"csv-header:<h1,h2,...>"`` or None) into a
check of a file; each check returns a problem in words, or None when the file is fine. An HTML
page is refused whatever is expected (unless it is ``"html"``): it is a provider's error or login
page, not data. :func:`markup_kind` tells an HTML page or an XML document from the first bytes of
a body, so that an API answering an error page with status 200 is recognised as such.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

HEAD_BYTES = 1024
_HTML_STARTS = (b"<!doctype html", b"<html")
_XML_START = b"<?xml"
_GZIP_MAGIC = b"\x1f\x8b"
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_ROOT_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of a body are an HTML page."""
    return _stripped(head).lower().startswith(_HTML_STARTS)


def markup_kind(head: bytes) -> str | None:
    """``"an HTML page"`` or ``"an XML document"`` when the first bytes of a body are markup
    (with the page's title or the document's root element, which often names the error), else
    None."""
    text = _stripped(head)
    if looks_like_html(head):
        title = _TITLE.search(text)
        shown = " ".join(title.group(1).decode("utf-8", "replace").split())[:120] if title else ""
        return "an HTML page" + (f" ({shown!r})" if shown else "")
    if text.startswith(_XML_START) or (text.startswith(b"<") and not text.startswith(b"<!--")):
        after_declaration = text.split(b"?>", 1)[-1] if text.startswith(_XML_START) else text
        root = _ROOT_ELEMENT.search(after_declaration)
        return "an XML document" + (f" (<{root.group(1).decode('ascii', 'replace')}>)"
                                    if root else "")
    return None


def _stripped(head: bytes) -> bytes:
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()


def content_check(expect: str | None) -> tuple[str, Callable[[Path], str | None]]:
    """What ``expect`` asks for, in words, and the check of a file for it."""
    if expect is None:
        return "data", lambda path: None
    if expect == "html":
        return "an HTML page", _html_problem
    if expect == "zip":
        return "a zip archive", _zip_problem
    if expect == "gzip":
        return "a gzip file", _gzip_problem
    if expect == "json":
        return "JSON", _json_problem
    if expect.startswith("csv-header:"):
        header = _normalise_header(expect.removeprefix("csv-header:"))
        if header:
            return (f"a CSV file with header {header!r}",
                    functools.partial(_csv_header_problem, header=header))
    raise ValueError(f"unknown content check {expect!r}; use 'zip', 'gzip', 'json', 'html', "
                     "'csv-header:<comma separated header>' or None")


def content_problem(path: Path, expect: str | None, what: str,
                    check: Callable[[Path], str | None]) -> str | None:
    """The problem of the file at ``path`` for ``content_check(expect)`` (``what``, ``check``)."""
    if expect != "html" and looks_like_html(_head(path)):
        return f"expected {what} but got an HTML page"
    return check(path)


def checksum_problem(actual: str, expected: str | None) -> str | None:
    """A mismatch of the sha256 ``actual`` with the pinned ``expected`` (any case), if any."""
    if expected and actual != expected.strip().lower():
        return f"sha256 mismatch: expected {expected.strip().lower()}, got {actual}"
    return None


def _head(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(HEAD_BYTES)


def _html_problem(path: Path) -> str | None:
    return None if looks_like_html(_head(path)) else "expected an HTML page but got something else"


def _zip_problem(path: Path) -> str | None:
    if not zipfile.is_zipfile(path):
        return "expected a zip archive but the file is not one"
    try:
        with zipfile.ZipFile(path) as archive:
            bad_member = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        return f"the zip archive is corrupt ({exc})"
    if bad_member is not None:
        return f"the zip archive is corrupt: member {bad_member!r} fails its CRC check"
    return None


def _gzip_problem(path: Path) -> str | None:
    if not _head(path).startswith(_GZIP_MAGIC):
        return "expected a gzip file but the file is not one"
    try:
        with gzip.open(path) as stream:
            while stream.read(2**20):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        return f"the gzip file is corrupt ({exc})"
    return None


def _json_problem(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8-sig") as stream:
            json.load(stream)
    except ValueError as exc:
        return f"expected JSON but the body does not parse ({exc})"
    return None


def _csv_header_problem(path: Path, header: str) -> str | None:
    """The first line must equal ``header`` or start with it followed by more columns."""
    compressed = _head(path).startswith(_GZIP_MAGIC)
    if compressed and (problem := _gzip_problem(path)):
        return problem
    opener = gzip.open if compressed else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as stream:
        first = _normalise_header(stream.readline(64 * 2**10))
    if first == header or first.startswith(header + ","):
        return None
    return f"expected a CSV file whose header starts with {header!r} but the first line is " \
           f"{first[:200]!r}"


def _normalise_header(line: str) -> str:
    """A header line without line end, quotes and blanks around the field names."""
    return ",".join(name.strip().strip('"').strip() for name in line.strip().split(","))
