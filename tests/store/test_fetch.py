"""The fetcher against a local server that misbehaves the way providers do."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import socket
import traceback
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from httpserver import LocalServer, Response
from workflow_helpers import zip_bytes

from gvc_upgrading.store.fetch import (
    FetchError,
    FetchPolicy,
    fetch,
    fetch_body,
    fetch_json,
    local_path,
    manifest_path,
)

FAST = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, max_attempts=3, backoff_initial=0.01,
                   backoff_max=0.05, retry_after_max=30.0)
HTML_PAGE = b"\n  <!DOCTYPE html>\n<html><body><h1>Service temporarily unavailable</h1></body></html>"
SECRET = "s3cr3t-K3y/+="


ZIP = zip_bytes({"BACI_HS92_Y2021_V202401.csv": b"t,i,j,k,v,q\n2021,4,8,610910,1.5,0.2\n" * 50})


def _shows_secret(text: str) -> bool:
    """Whether ``text`` holds SECRET as is or URL-encoded."""
    return any(form in text for form in (SECRET, quote(SECRET, safe=""), quote_plus(SECRET)))


def _files(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_server_error_then_success_is_retried(local_server, tmp_path):
    local_server.script("/baci.zip", [Response(500, b"oops"), Response(body=ZIP)])
    waits = []
    manifest = fetch(local_server.url + "/baci.zip", tmp_path / "baci.zip", version="V202401",
                     expect="zip", policy=FAST, sleep=waits.append)
    assert manifest["attempts"] == 2
    assert waits == [FAST.backoff_initial]
    assert (tmp_path / "baci.zip").read_bytes() == ZIP
    assert local_server.requested_paths() == ["/baci.zip", "/baci.zip"]


def test_retry_after_seconds_are_honoured(local_server, tmp_path):
    local_server.script("/data.zip", [Response(429, headers={"Retry-After": "7"}),
                                      Response(body=ZIP)])
    waits = []
    manifest = fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1",
                     expect="zip", policy=FAST, sleep=waits.append)
    assert waits == [7.0]
    assert manifest["attempts"] == 2


def test_retry_after_http_date_is_honoured(local_server, tmp_path):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=20), usegmt=True)
    local_server.script("/data.zip", [Response(503, headers={"Retry-After": when}),
                                      Response(body=ZIP)])
    waits = []
    fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1", policy=FAST,
          sleep=waits.append)
    assert len(waits) == 1 and 17.0 < waits[0] <= 20.0


def test_retry_after_is_capped(local_server, tmp_path):
    local_server.script("/data.zip", [Response(429, headers={"Retry-After": "86400"}),
                                      Response(body=ZIP)])
    waits = []
    fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1", policy=FAST,
          sleep=waits.append)
    assert waits == [FAST.retry_after_max]


def test_backoff_doubles_up_to_its_cap_then_gives_up(local_server, tmp_path):
    local_server.script("/data.zip", [Response(503, b"down for maintenance")])
    policy = FetchPolicy(max_attempts=4, backoff_initial=0.01, backoff_max=0.03)
    waits = []
    with pytest.raises(FetchError) as error:
        fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1", policy=policy,
              sleep=waits.append)
    assert waits == [0.01, 0.02, 0.03]
    assert error.value.attempts == 4
    assert "after 4 attempts" in str(error.value) and "HTTP 503" in str(error.value)
    assert "down for maintenance" in str(error.value)
    assert len(local_server.requests) == 4
    assert _files(tmp_path) == []


def test_client_error_is_not_retried(local_server, tmp_path):
    local_server.script("/data.zip", [Response(401, b'{"message": "invalid subscription key"}')])
    with pytest.raises(FetchError, match="HTTP 401.*invalid subscription key") as error:
        fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1", policy=FAST,
              sleep=pytest.fail)
    assert error.value.attempts == 1
    assert len(local_server.requests) == 1


def test_body_cut_short_is_retried(local_server, tmp_path):
    local_server.script("/data.zip", [Response(body=ZIP[:100], content_length=len(ZIP)),
                                      Response(body=ZIP)])
    manifest = fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1",
                     expect="zip", policy=FAST, sleep=lambda seconds: None)
    assert manifest["attempts"] == 2
    assert manifest["bytes"] == len(ZIP)
    assert (tmp_path / "data.zip").read_bytes() == ZIP


def test_body_always_cut_short_fails_without_a_file(local_server, tmp_path):
    local_server.script("/data.zip", [Response(body=ZIP[:100], content_length=len(ZIP))])
    with pytest.raises(FetchError, match="cut short") as error:
        fetch(local_server.url + "/data.zip", tmp_path / "raw" / "data.zip", version="1",
              expect="zip", policy=FAST, sleep=lambda seconds: None)
    assert error.value.attempts == FAST.max_attempts
    assert _files(tmp_path / "raw") == []


def test_html_page_instead_of_zip_is_rejected_at_once(local_server, tmp_path):
    local_server.serve_bytes("/data.zip", HTML_PAGE, headers={"Content-Type": "application/zip"})
    with pytest.raises(FetchError, match="expected a zip archive but got an HTML page"):
        fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1", expect="zip",
              policy=FAST, sleep=pytest.fail)
    assert len(local_server.requests) == 1
    assert _files(tmp_path) == []


def test_html_page_is_rejected_without_a_content_check(local_server, tmp_path):
    local_server.serve_bytes("/data.csv", HTML_PAGE)
    with pytest.raises(FetchError, match="expected data but got an HTML page"):
        fetch(local_server.url + "/data.csv", tmp_path / "data.csv", version="1", policy=FAST)


def test_html_page_is_accepted_when_expected(local_server, tmp_path):
    local_server.serve_bytes("/page.html", HTML_PAGE)
    fetch(local_server.url + "/page.html", tmp_path / "page.html", version="1", expect="html",
          policy=FAST)
    assert (tmp_path / "page.html").read_bytes() == HTML_PAGE


def test_checksum_mismatch_names_both_hashes(local_server, tmp_path):
    local_server.serve_bytes("/data.zip", ZIP)
    pinned = hashlib.sha256(b"the release we pinned").hexdigest()
    with pytest.raises(FetchError) as error:
        fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1", expect="zip",
              expected_sha256=pinned.upper(), policy=FAST, sleep=pytest.fail)
    message = str(error.value)
    assert "sha256 mismatch" in message
    assert pinned in message and hashlib.sha256(ZIP).hexdigest() in message
    assert len(local_server.requests) == 1
    assert _files(tmp_path) == []


def test_matching_checksum_is_accepted(local_server, tmp_path):
    local_server.serve_bytes("/data.zip", ZIP)
    manifest = fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1",
                     expected_sha256=hashlib.sha256(ZIP).hexdigest(), policy=FAST)
    assert manifest["sha256"] == hashlib.sha256(ZIP).hexdigest()


def test_read_timeout_is_retried(local_server, tmp_path):
    local_server.script("/data.zip", [Response(body=ZIP, delay=0.6), Response(body=ZIP)])
    policy = FetchPolicy(read_timeout=0.2, max_attempts=2, backoff_initial=0.0)
    manifest = fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1",
                     expect="zip", policy=policy, sleep=lambda seconds: None)
    assert manifest["attempts"] == 2
    assert (tmp_path / "data.zip").read_bytes() == ZIP


def test_stalled_body_times_out_and_fails(local_server, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="gvc_upgrading.store.fetch")
    local_server.script("/data.zip", [Response(body=ZIP, body_delay=0.6)])
    policy = FetchPolicy(read_timeout=0.2, max_attempts=2, backoff_initial=0.0)
    with pytest.raises(FetchError, match="after 2 attempts: connection lost after 0 bytes"):
        fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1", policy=policy,
              sleep=lambda seconds: None)
    assert "Read timed out" in caplog.text
    assert _files(tmp_path) == []


def test_connection_refused_is_retried_then_fails(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits = []
    with pytest.raises(FetchError, match="after 3 attempts: connection failed"):
        fetch(f"http://127.0.0.1:{port}/data.zip", tmp_path / "data.zip", version="1",
              policy=FAST, sleep=waits.append)
    assert waits == [0.01, 0.02]


@pytest.mark.parametrize("failure", [
    Response(500),
    Response(body=HTML_PAGE),
    Response(body=zip_bytes({"other.csv": b"x\n"})),  # a zip, but not the pinned one
], ids=["server-error", "html-page", "checksum-mismatch"])
def test_failed_fetch_leaves_earlier_file_and_manifest_untouched(local_server, tmp_path, failure):
    dest = tmp_path / "baci" / "V202401" / "baci.zip"
    local_server.script("/baci.zip", [Response(body=ZIP), failure])
    fetch(local_server.url + "/baci.zip", dest, version="V202401", expect="zip", policy=FAST)
    before = {name: (dest.parent / name).read_bytes() for name in _files(dest.parent)}
    assert sorted(before) == ["baci.zip", "baci.zip.manifest.json"]
    with pytest.raises(FetchError):
        fetch(local_server.url + "/baci.zip", dest, version="V202401", expect="zip",
              expected_sha256=hashlib.sha256(ZIP).hexdigest(), policy=FAST,
              sleep=lambda seconds: None)
    after = {name: (dest.parent / name).read_bytes() for name in _files(dest.parent)}
    assert after == before


def test_manifest_records_the_download(local_server, tmp_path):
    local_server.script("/latest/baci.zip", [Response(302, headers={"Location": "/v2/baci.zip"})])
    local_server.serve_bytes("/v2/baci.zip", ZIP, headers={
        "ETag": '"abc123"', "Last-Modified": "Wed, 21 Feb 2024 07:28:00 GMT"})
    dest = tmp_path / "baci.zip"
    started = datetime.now(timezone.utc).replace(microsecond=0)
    manifest = fetch(local_server.url + "/latest/baci.zip", dest, version="V202401",
                     expect="zip", params={"hs": "92"}, policy=FAST)
    assert json.loads(manifest_path(dest).read_text()) == manifest
    assert manifest_path(dest).name == "baci.zip.manifest.json"
    retrieved = datetime.fromisoformat(manifest.pop("retrieved_at"))
    assert retrieved.utcoffset() == timedelta(0)
    assert started <= retrieved <= datetime.now(timezone.utc)
    assert manifest == {
        "url": local_server.url + "/latest/baci.zip?hs=92",
        "final_url": local_server.url + "/v2/baci.zip",
        "status": 200,
        "bytes": len(ZIP),
        "sha256": hashlib.sha256(ZIP).hexdigest(),
        "etag": '"abc123"',
        "last_modified": "Wed, 21 Feb 2024 07:28:00 GMT",
        "version": "V202401",
        "attempts": 1,
    }
    assert local_server.requests[0].query == {"hs": "92"}
    assert local_server.requests[0].headers["User-Agent"].startswith("gvc-upgrading/")


def test_secret_never_shown_when_a_request_fails(local_server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)  # includes urllib3's request lines with the query
    local_server.script("/public/v1/getFinalData", [Response(500, b"internal error")])
    url = (f"{local_server.url}/public/v1/getFinalData?period=2021"
           f"&subscription-key={quote(SECRET, safe='')}")
    with pytest.raises(FetchError) as error:
        fetch(url, tmp_path / "comtrade.json", version="2021", secrets=[SECRET], policy=FAST,
              sleep=lambda seconds: None)
    assert local_server.requests[0].query["subscription-key"] == SECRET  # it was sent
    report = "".join(traceback.format_exception(error.value))
    assert "subscription-key=***" in str(error.value)
    assert "getFinalData" in caplog.text
    for text in (str(error.value), report, caplog.text, error.value.url):
        assert not _shows_secret(text)
    assert error.value.__context__ is None and error.value.__cause__ is None


def test_secret_never_shown_when_a_request_succeeds(local_server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    local_server.script("/api/data", [Response(302, headers={
        "Location": f"/cdn/data.json?token={SECRET}"})])
    local_server.serve_bytes("/cdn/data.json", b'{"data": []}')
    manifest = fetch(local_server.url + "/api/data", tmp_path / "data.json", version="1",
                     expect="json", params={"subscription-key": SECRET},
                     headers={"Ocp-Apim-Subscription-Key": SECRET}, secrets=[SECRET],
                     policy=FAST)
    first = local_server.requests[0]
    assert first.query["subscription-key"] == SECRET
    assert first.headers["Ocp-Apim-Subscription-Key"] == SECRET
    assert manifest["url"].endswith("/api/data?subscription-key=***")
    assert manifest["final_url"].endswith("/cdn/data.json?token=***")
    assert "/cdn/data.json" in caplog.text
    for text in (json.dumps(manifest), manifest_path(tmp_path / "data.json").read_text(),
                 caplog.text):
        assert not _shows_secret(text)


def test_progress_is_logged_on_large_downloads(local_server, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="gvc_upgrading.store.fetch")
    body = bytes(range(256)) * 1200  # 307,200 bytes
    local_server.serve_bytes("/big.bin", body)
    policy = FetchPolicy(progress_every_bytes=64 * 2**10)
    fetch(local_server.url + "/big.bin", tmp_path / "big.bin", version="1", policy=policy)
    lines = [record.getMessage() for record in caplog.records if "MB/s" in record.getMessage()]
    assert len(lines) == len(body) // policy.progress_every_bytes
    assert all(f"of {len(body)} bytes" in line for line in lines)
    assert f"{4 * 64 * 2**10} of {len(body)} bytes (85%)" in lines[-1]


def test_attempts_and_retry_reasons_are_logged(local_server, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="gvc_upgrading.store.fetch")
    local_server.script("/data.zip", [Response(502, b"bad gateway"), Response(body=ZIP)])
    fetch(local_server.url + "/data.zip", tmp_path / "data.zip", version="1", policy=FAST,
          sleep=lambda seconds: None)
    messages = [record.getMessage() for record in caplog.records]
    assert sum("(attempt " in message for message in messages) == 2
    assert any("HTTP 502" in message and "retrying in 0.0 s" in message for message in messages)


CSV = b'\xef\xbb\xbf"Country","Year","Value"\r\nZAF,2021,1.5\r\n'


@pytest.mark.parametrize(("expect", "body"), [
    ("csv-header:Country,Year,Value", CSV),
    ("csv-header:Country,Year", CSV),
    ("csv-header:Country, Year", gzip.compress(CSV)),
    ("gzip", gzip.compress(CSV)),
    ("json", b'[{"page": 1}]'),
    ("zip", ZIP),
], ids=["csv-header", "csv-header-prefix", "csv-header-gzip", "gzip", "json", "zip"])
def test_content_checks_accept_good_files(local_server, tmp_path, expect, body):
    local_server.serve_bytes("/file", body)
    fetch(local_server.url + "/file", tmp_path / "file", version="1", expect=expect, policy=FAST)
    assert (tmp_path / "file").read_bytes() == body


def _corrupt_zip() -> bytes:
    data = bytearray(zip_bytes({"a.csv": b"a,b\n" * 1000}))
    data[40] ^= 0xFF  # inside the compressed member
    return bytes(data)


@pytest.mark.parametrize(("expect", "body", "problem"), [
    ("csv-header:Country,Year", b"Year,Country\n2021,ZAF\n", "first line is 'Year,Country'"),
    ("csv-header:Country,Year", b"CountryCode,Year\n", "first line is 'CountryCode,Year'"),
    ("gzip", CSV, "expected a gzip file but the file is not one"),
    ("gzip", gzip.compress(CSV)[:-6], "gzip file is corrupt"),
    ("json", b'{"data": [', "expected JSON but the body does not parse"),
    ("zip", CSV, "expected a zip archive but the file is not one"),
    ("zip", _corrupt_zip(), "zip archive is corrupt"),
], ids=["csv-columns-swapped", "csv-other-column", "gzip-plain-text", "gzip-truncated",
        "json-truncated", "zip-plain-text", "zip-corrupt-member"])
def test_content_checks_reject_bad_files_at_once(local_server, tmp_path, expect, body, problem):
    local_server.serve_bytes("/file", body)
    with pytest.raises(FetchError, match="after 1 attempt: ") as error:
        fetch(local_server.url + "/file", tmp_path / "file", version="1", expect=expect,
              policy=FAST, sleep=pytest.fail)
    assert problem in str(error.value)
    assert _files(tmp_path) == []


@pytest.mark.parametrize("expect", ["xml", "csv-header:", "ZIP"])
def test_unknown_content_check_is_refused_before_fetching(local_server, tmp_path, expect):
    with pytest.raises(ValueError, match="unknown content check"):
        fetch(local_server.url + "/file", tmp_path / "file", version="1", expect=expect)
    assert local_server.requests == []


def test_fetch_json_retries_and_parses(local_server):
    local_server.script("/v2/country/all/indicator/FP.CPI.TOTL", [
        Response(503, headers={"Retry-After": "2"}),
        Response(body=b'[{"page": 2, "pages": 3}, [{"value": 101.5}]]'),
    ])
    waits = []
    document = fetch_json(local_server.url + "/v2/country/all/indicator/FP.CPI.TOTL",
                          params={"format": "json", "page": 2}, policy=FAST, sleep=waits.append)
    assert document == [{"page": 2, "pages": 3}, [{"value": 101.5}]]
    assert waits == [2.0]
    assert local_server.requests[-1].query == {"format": "json", "page": "2"}


@pytest.mark.parametrize(("body", "problem"), [
    (HTML_PAGE, "expected JSON but got an HTML page"),
    (b"<?xml version='1.0'?><error/>", r"expected JSON but got an XML document \(<error>\)"),
    (b'{"data": [', "expected JSON but the body does not parse"),
], ids=["html", "xml", "truncated"])
def test_fetch_json_rejects_other_bodies(local_server, caplog, body, problem):
    caplog.set_level(logging.DEBUG)
    local_server.serve_bytes("/api", body)
    with pytest.raises(FetchError, match=problem) as error:
        fetch_json(local_server.url + "/api", params={"key": SECRET}, secrets=[SECRET],
                   policy=FAST, sleep=pytest.fail)
    assert not _shows_secret(str(error.value) + caplog.text)


def test_local_server_serves_folders_and_logs_requests(local_server, tmp_path):
    (tmp_path / "ilostat").mkdir()
    (tmp_path / "ilostat" / "EMP_TEMP.csv.gz").write_bytes(gzip.compress(CSV))
    local_server.serve_directory("/bulk", tmp_path)
    manifest = fetch(local_server.url + "/bulk/ilostat/EMP_TEMP.csv.gz", tmp_path / "out.gz",
                     version="1", expect="gzip", policy=FAST)
    assert manifest["bytes"] == len(gzip.compress(CSV))
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(local_server.url + "/bulk/ilostat/missing.csv.gz", tmp_path / "x", version="1",
              policy=FAST)
    assert [(r.method, r.path) for r in local_server.requests][0] == (
        "GET", "/bulk/ilostat/EMP_TEMP.csv.gz")


def test_local_server_context_manager_stops_listening():
    with LocalServer() as server:
        server.serve_bytes("/x", b'"x"')
        url = server.url
        assert fetch_json(url + "/x", policy=FAST) == "x"
    with pytest.raises(FetchError, match="connection failed"):
        fetch_json(url + "/x", policy=FetchPolicy(max_attempts=1))


# --- a local mirror: a folder or file:// URL instead of a provider -----------------------------

@pytest.fixture(params=["path", "file-url"])
def mirror(request, tmp_path):
    """A mirror folder holding ZIP at baci/data.zip, and its base as a plain path or file URL."""
    folder = tmp_path / "mirror dir"  # a blank, to be percent-encoded in the file URL
    (folder / "baci").mkdir(parents=True)
    (folder / "baci" / "data.zip").write_bytes(ZIP)
    return folder, str(folder) if request.param == "path" else folder.as_uri()


def test_mirror_file_is_copied_with_the_checks_and_manifest_of_a_download(mirror, tmp_path):
    folder, base = mirror
    dest = tmp_path / "raw" / "data.zip"
    manifest = fetch(f"{base}/baci/data.zip?downloadformat=csv", dest, version="1",
                     expect="zip", expected_sha256=hashlib.sha256(ZIP).hexdigest(), policy=FAST)
    assert dest.read_bytes() == ZIP
    assert json.loads(manifest_path(dest).read_text()) == manifest
    assert manifest["bytes"] == len(ZIP) and manifest["sha256"] == hashlib.sha256(ZIP).hexdigest()
    assert manifest["status"] is None and manifest["attempts"] == 1
    assert manifest["url"] == f"{base}/baci/data.zip?downloadformat=csv"
    assert manifest["final_url"] == (folder / "baci" / "data.zip").resolve().as_uri()
    modified = parsedate_to_datetime(manifest["last_modified"]).timestamp()
    assert modified == int((folder / "baci" / "data.zip").stat().st_mtime)


@pytest.mark.parametrize(("body", "expect", "problem"), [
    (HTML_PAGE, "zip", "expected a zip archive but got an HTML page"),
    (ZIP[:100], "zip", "expected a zip archive but the file is not one"),
    (ZIP, "gzip", "expected a gzip file but the file is not one"),
], ids=["html-page", "cut-short", "wrong-kind"])
def test_mirror_file_fails_the_same_content_checks(mirror, tmp_path, body, expect, problem):
    folder, base = mirror
    (folder / "baci" / "data.zip").write_bytes(body)
    with pytest.raises(FetchError, match="after 1 attempt") as error:
        fetch(f"{base}/baci/data.zip", tmp_path / "raw" / "data.zip", version="1", expect=expect,
              policy=FAST, sleep=pytest.fail)
    assert problem in str(error.value)
    assert _files(tmp_path / "raw") == []


def test_mirror_checksum_mismatch_and_missing_file_are_refused(mirror, tmp_path):
    folder, base = mirror
    pinned = hashlib.sha256(b"another release").hexdigest()
    with pytest.raises(FetchError, match=f"sha256 mismatch: expected {pinned}"):
        fetch(f"{base}/baci/data.zip", tmp_path / "raw" / "data.zip", version="1",
              expected_sha256=pinned, policy=FAST, sleep=pytest.fail)
    with pytest.raises(FetchError, match="after 1 attempt: no such file in the mirror: .*gone.zip"):
        fetch(f"{base}/baci/gone.zip", tmp_path / "raw" / "gone.zip", version="1", policy=FAST,
              sleep=pytest.fail)
    assert _files(tmp_path / "raw") == []


def test_mirror_documents_are_read_like_api_answers(mirror):
    folder, base = mirror
    (folder / "api.json").write_bytes(b'[{"page": 1, "pages": 1}, []]')
    (folder / "error.json").write_bytes(HTML_PAGE)
    assert fetch_json(f"{base}/api.json", params={"page": "1"}, policy=FAST) == [
        {"page": 1, "pages": 1}, []]
    assert fetch_body(f"{base}/baci/data.zip", policy=FAST) == ZIP
    with pytest.raises(FetchError, match="expected JSON but got an HTML page"):
        fetch_json(f"{base}/error.json", policy=FAST, sleep=pytest.fail)


def test_local_path_names_files_only():
    assert local_path("/srv/mirror/x.zip?a=1") == Path("/srv/mirror/x.zip")
    assert local_path("file:///srv/my%20mirror/x.zip") == Path("/srv/my mirror/x.zip")
    assert local_path("https://api.worldbank.org/v2") is None
    with pytest.raises(FetchError, match="must name a local file"):
        local_path("file://server/share/x.zip")
