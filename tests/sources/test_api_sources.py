"""API adapters against a local server: UN Comtrade+ (cap splitting, key handling) and the World
Bank API v2 (paging, errors with HTTP 200)."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pandas as pd
import pytest
from httpserver import Response
from workflow_helpers import provider_paths

from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.trade import harmonise_exports
from gvc_upgrading.sources.wdi import read_wdi_download
from gvc_upgrading.store.fetch import FetchError, FetchPolicy, manifest_path
from gvc_upgrading.store.retrieve import retrieve_comtrade_year, retrieve_wdi_api

KEY = "s3cr3t-subscription-key"
FAST = FetchPolicy(backoff_initial=0.01, backoff_max=0.02, max_attempts=3)
REPORTERS = [4, 50, 156, 251, 699, 842]


def record(reporter: int, cmd: str) -> dict:
    iso = {4: "AFG", 50: "BGD", 156: "CHN", 251: "FRA", 699: "IND", 842: "USA"}[reporter]
    return {"refYear": 2020, "reporterCode": reporter, "reporterISO": iso, "flowCode": "X",
            "partnerCode": 0, "partner2Code": 0, "motCode": 0, "customsCode": "C00",
            "classificationCode": "H5", "cmdCode": cmd, "primaryValue": 1000.0 * reporter,
            "netWgt": 10.0 * reporter}


def comtrade_api(cap: int):
    """A stand-in for getFinalData: returns at most ``cap`` rows, two per reporter asked."""
    def answer(request):
        if request.headers.get("Ocp-Apim-Subscription-Key") != KEY:
            return Response(401, b'{"statusCode": 401, "message": "Access denied"}')
        asked = ([int(r) for r in request.query["reporterCode"].split(",")]
                 if "reporterCode" in request.query else REPORTERS)
        rows = [record(r, cmd) for r in asked for cmd in request.query["cmdCode"].split(",")]
        body = {"count": min(len(rows), cap), "data": rows[:cap], "error": ""}
        return Response(body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    return answer


@pytest.fixture()
def comtrade_server(local_server, monkeypatch):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    local_server.route("/data/v1/get/C/A/HS", comtrade_api(cap=5))
    local_server.serve_bytes("/files/v1/app/reference/Reporters.json", json.dumps(
        {"results": [{"reporterCode": r, "reporterDesc": str(r)} for r in REPORTERS]}).encode())
    serve_hs_reference(local_server)
    return local_server


def serve_hs_reference(server):
    server.serve_bytes("/files/v1/app/reference/HS.json", json.dumps({"results": [
        {"id": code, "text": code, "parent": code[:-2], "aggrLevel": len(code)}
        for code in ["61", "6109", "610910", "610990", "62", "6203", "620342", "8703", "870323"]
    ]}).encode())


def download(server, year=2020):
    return {"dataset": "comtrade_test", "format": "comtrade_api", "version": "test", "year": year,
            "base_url": server.url, "url": f"{server.url}/data/v1/get/C/A/HS", "sha256": None,
            **provider_paths("comtrade_api", comtrade=server.url)}


def test_truncated_result_is_split_by_reporter_until_complete(comtrade_server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    dest = tmp_path / "comtrade_exports_world_2020.parquet"
    manifest = retrieve_comtrade_year(download(comtrade_server), dest, ["6109", "6203"],
                                      policy=FAST, cap=5)
    table = pd.read_parquet(dest)
    # the prefixes expand to their six-digit codes: 610910, 610990, 620342
    assert sorted(table["cmdCode"].unique()) == ["610910", "610990", "620342"]
    assert len(table) == manifest["records"] == 3 * len(REPORTERS)
    assert sorted(table["reporterCode"].unique()) == REPORTERS
    harmonised = harmonise_exports(table, path=dest)
    assert harmonised["value_usd"].sum() == pytest.approx(3 * 1000.0 * sum(REPORTERS))
    assert set(harmonised["exporter"]) == {"AFG", "BGD", "CHN", "FRA", "IND", "USA"}
    queries = [r.query for r in comtrade_server.requests if r.path == "/data/v1/get/C/A/HS"]
    assert "reporterCode" not in queries[0]  # first all reporters, truncated at the cap
    complete = [q["reporterCode"].split(",") for q in queries[1:]
                if 3 * len(q["reporterCode"].split(",")) < 5]
    assert sorted(int(r) for part in complete for r in part) == REPORTERS  # each exactly once
    # the key travels in the header only and never reaches a log line or the manifest
    assert all(KEY not in json.dumps(q) for q in queries)
    assert KEY not in caplog.text
    assert KEY not in manifest_path(dest).read_text()


def test_wrong_key_error_does_not_reveal_it(local_server, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY + "-wrong")
    local_server.route("/data/v1/get/C/A/HS", comtrade_api(cap=5))
    serve_hs_reference(local_server)
    with pytest.raises(FetchError) as info:
        retrieve_comtrade_year(download(local_server), tmp_path / "x.parquet", ["61"], policy=FAST)
    assert "401" in str(info.value)
    assert KEY not in str(info.value) and KEY not in caplog.text
    assert not (tmp_path / "x.parquet").exists()


def test_missing_key_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    with pytest.raises(RuntimeError, match="set the COMTRADE_API_KEY environment variable"):
        retrieve_comtrade_year(download(SimpleNamespace(url="http://127.0.0.1:9")),
                               tmp_path / "x.parquet", ["61"])


def test_rate_limit_is_honoured(comtrade_server, tmp_path):
    calls = []
    original = comtrade_api(cap=100)

    def limited(request):
        calls.append(request)
        if len(calls) == 1:
            return Response(429, b"Rate limit is exceeded", {"Retry-After": "0"})
        return original(request)

    comtrade_server.route("/data/v1/get/C/A/HS", limited)
    manifest = retrieve_comtrade_year(download(comtrade_server), tmp_path / "y.parquet", ["61"],
                                      policy=FAST)
    assert len(calls) == 2 and manifest["records"] == 2 * len(REPORTERS)


def wdi_page(page: int, pages: int, records: list) -> bytes:
    info = {"page": page, "pages": pages, "per_page": 2, "total": 4, "lastupdated": "2024-11-13"}
    return json.dumps([info, records]).encode()


def wdi_record(iso3, year, value):
    return {"indicator": {"id": "FP.CPI.TOTL", "value": "Consumer price index (2010 = 100)"},
            "country": {"id": iso3[:2], "value": iso3}, "countryiso3code": iso3,
            "date": str(year), "value": value, "unit": "", "obs_status": "", "decimal": 1}


def test_wdi_api_pages_and_aggregates(local_server, tmp_path):
    pages = {"1": [wdi_record("BGD", 2010, 100.0), wdi_record("WLD", 2010, 100.0)],
             "2": [wdi_record("BGD", 2011, 111.5), wdi_record("KHM", 2011, None)]}
    local_server.route("/v2/country/all/indicator/FP.CPI.TOTL", lambda r: Response(
        body=wdi_page(int(r.query["page"]), 2, pages[r.query["page"]])))
    local_server.serve_bytes("/v2/country", wdi_page(1, 1, [
        {"id": "BGD", "region": {"id": "SAS", "value": "South Asia"}},
        {"id": "KHM", "region": {"id": "EAS", "value": "East Asia & Pacific"}},
        {"id": "WLD", "region": {"id": "NA", "value": "Aggregates"}}]))
    dest = tmp_path / "FP.CPI.TOTL.json"
    spec = {"dataset": "wdi_test", "format": "wdi_api_json", "version": "t", "year": None,
            "base_url": f"{local_server.url}/v2",
            "url": f"{local_server.url}/v2/country/all/indicator/FP.CPI.TOTL", "sha256": None,
            **provider_paths("wdi_api_json", wdi=f"{local_server.url}/v2")}
    manifest = retrieve_wdi_api(spec, dest, policy=FAST)
    assert manifest["pages"] == 2
    values, meta = read_wdi_download(dest)
    assert values.sort_values(["country_code", "year"]).values.tolist() == [
        ["BGD", "FP.CPI.TOTL", 2010, 100.0], ["BGD", "FP.CPI.TOTL", 2011, 111.5],
        ["WLD", "FP.CPI.TOTL", 2010, 100.0]]
    assert meta.set_index("country_code")["is_aggregate"].to_dict() == {
        "BGD": False, "KHM": False, "WLD": True}


def test_wdi_api_error_with_status_200_is_an_error(local_server, tmp_path):
    local_server.serve_bytes("/v2/country/all/indicator/NOPE", json.dumps([{"message": [
        {"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}
    ]}]).encode())
    spec = {"dataset": "wdi_test", "format": "wdi_api_json", "version": "t", "year": None,
            "base_url": f"{local_server.url}/v2",
            "url": f"{local_server.url}/v2/country/all/indicator/NOPE", "sha256": None,
            **provider_paths("wdi_api_json", wdi=f"{local_server.url}/v2")}
    with pytest.raises(InputError, match="World Bank API error: Invalid value"):
        retrieve_wdi_api(spec, tmp_path / "NOPE.json", policy=FAST)
    assert not (tmp_path / "NOPE.json").exists()
