"""Retrieving OECD TiVA from a local stand-in of the SDMX API, in the API's URL layout, and the
release probe of TiVA editions."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from httpserver import Response
from oecd_api import NO_RECORDS, csv_rows, dataflow_structure, sdmx_data_api, sdmx_error

from conftest import REPO
from gvc_upgrading.config import load_yaml
from gvc_upgrading.errors import InputError
from gvc_upgrading.sources.tiva import read_tiva
from gvc_upgrading.store.fetch import FetchError, FetchPolicy, manifest_path
from gvc_upgrading.store.probes import ProbeError, probe_release
from gvc_upgrading.store.retrieve import retrieve_tiva
from gvc_upgrading.store.tiva_api import request_tag, tiva_request

FAST = FetchPolicy(backoff_initial=0.01, backoff_max=0.02, max_attempts=3)
MAINSH = "DSD_TIVA_MAINSH@DF_MAINSH"
MAINLV = "DSD_TIVA_MAINLV@DF_MAINLV"
FLOW_PATH = "/oecd/data/OECD.STI.PIE,{flow},1.1"
HEADER = ("DATAFLOW,MEASURE,REF_AREA,ACTIVITY,COUNTERPART_AREA,UNIT_MEASURE,FREQ,TIME_PERIOD,"
          "OBS_VALUE,UNIT_MULT")
COUNTRIES = ["BGD", "CHN", "DEU", "IND", "MEX", "VNM"]


def levels_csv(countries=COUNTRIES, years=range(2019, 2023), activities=("C13T15", "C26", "C29"),
               measures=(("EXGR", 1.0), ("EXGR_DVA", 0.6), ("VALU", 0.5))) -> str:
    """SDMX-CSV rows of a levels flow: by default EXGR and EXGR_DVA for C13T15 and C26, plus a
    measure and an activity the retrieve must not ask for."""
    lines = [HEADER]
    for n, country in enumerate(countries):
        for year in years:
            for activity in activities:
                for measure, factor in measures:
                    value = (n + 1) * 100.5 * factor + year - 2000
                    lines.append(f"OECD.STI.PIE:{MAINLV}(1.1),{measure},{country},{activity},W,"
                                 f"USD,A,{year},{value:.3f},6")
    return "\r\n".join(lines) + "\r\n"


def entry(flow=MAINLV, unit="USD", countries=COUNTRIES) -> dict:
    return {"sdmx": {"dataflow": flow, "unit": unit, "measures": ["EXGR", "EXGR_DVA", "VALU"],
                     "activities": ["C13T15", "C26", "C29"], "countries": countries}}


def download(server, request, flow=MAINLV) -> dict:
    return {"dataset": "tiva_test", "format": "tiva_sdmx_csv", "version": "2025-1.1",
            "flow_url": server.url + FLOW_PATH.format(flow=flow), "request": request,
            "sha256": None}


def test_request_and_its_tag_follow_what_is_asked_for():
    request = tiva_request(entry(), ["EXGR_DVA", "EXGR", "EXGR"], ["C26", "C13T15"],
                           (1995, 2022))
    assert request == {"dataflow": MAINLV, "unit": "USD", "measures": ["EXGR", "EXGR_DVA"],
                       "activities": ["C13T15", "C26"], "countries": sorted(COUNTRIES),
                       "counterpart": "W", "years": [1995, 2022]}
    same = tiva_request(entry(countries=COUNTRIES[::-1]), ["EXGR", "EXGR_DVA"],
                        ["C13T15", "C26"], (1995, 2022))
    assert request_tag(same) == request_tag(request)
    for other in (tiva_request(entry(), ["EXGR"], ["C13T15", "C26"], (1995, 2022)),
                  tiva_request(entry(), ["EXGR", "EXGR_DVA"], ["C26"], (1995, 2022)),
                  tiva_request(entry(), ["EXGR", "EXGR_DVA"], ["C13T15", "C26"], (1995, 2021))):
        assert request_tag(other) != request_tag(request)


def test_retrieve_asks_only_for_the_request_in_the_api_layout(local_server, tmp_path):
    text = levels_csv()
    local_server.route_prefix("/oecd/data/", sdmx_data_api({MAINLV: text}))
    request = tiva_request(entry(), ["EXGR", "EXGR_DVA"], ["C13T15", "C26"], (2020, 2022))
    dest = tmp_path / "raw" / "TIVA_MAINLV.csv"
    manifest = retrieve_tiva(download(local_server, request), dest, policy=FAST, max_length=200)

    asked = local_server.requests
    assert len(asked) > 1  # split under the URL length
    prefix = FLOW_PATH.format(flow=MAINLV) + "/"
    countries = []
    for query in asked:
        assert query.path.startswith(prefix)
        measures, areas, activities, counterpart, unit, freq = query.path[len(prefix):].split(".")
        assert (measures, activities, counterpart, unit, freq) == (
            "EXGR+EXGR_DVA", "C13T15+C26", "W", "USD", "A")
        assert query.query == {"startPeriod": "2020", "endPeriod": "2022",
                               "dimensionAtObservation": "AllDimensions"}
        assert query.headers["Accept"] == "text/csv"
        countries += areas.split("+")
    assert sorted(countries) == sorted(COUNTRIES)

    _, rows = csv_rows(text)
    expected = [r for r in rows if r["MEASURE"] in {"EXGR", "EXGR_DVA"}
                and r["ACTIVITY"] in {"C13T15", "C26"} and int(r["TIME_PERIOD"]) >= 2020]
    table = read_tiva(dest)
    assert len(table) == len(expected)
    assert table["value"].sum() == pytest.approx(
        sum(float(r["OBS_VALUE"]) * 1e6 for r in expected), rel=1e-12)
    assert dest.read_bytes().count(HEADER.encode()) == 1
    stored = json.loads(manifest_path(dest).read_text())
    assert stored == manifest and manifest["observations"] == len(expected)
    assert manifest["request"] == request and len(manifest["requests"]) == len(asked)
    assert [c for part in manifest["requests"] for c in part["countries"]] == countries
    assert all(part["status"] == 200 for part in manifest["requests"])


def test_real_answer_is_stored_as_the_api_sends_it(local_server, tmp_path, real_data):
    """The hash-verified real answer (SOURCES.md 7a), served by the stand-in and asked for with
    the recorded request's codes: one request, the same observations."""
    text = (real_data / "oecd_tiva" /
            "TIVA2025_MAINSH_EXGR_FVA_C26_27_12econ_2017_2022.csv").read_text(encoding="utf-8")
    local_server.route_prefix("/oecd/data/", sdmx_data_api({MAINSH: text}))
    _, rows = csv_rows(text)
    countries = sorted({row["REF_AREA"] for row in rows})
    edition = {"sdmx": {"dataflow": MAINSH, "unit": "PT_EXGR", "countries": countries}}
    request = tiva_request(edition, ["EXGR_FVA"], ["C26_27"], (2017, 2022))
    dest = tmp_path / "TIVA_MAINSH.csv"
    retrieve_tiva(download(local_server, request, MAINSH), dest, policy=FAST)
    assert len(local_server.requests) == 1
    table = read_tiva(dest)
    assert len(table) == len(rows)
    assert table["value"].sum() == pytest.approx(sum(float(r["OBS_VALUE"]) for r in rows))


def test_rate_limit_is_waited_out_and_counted(local_server, tmp_path):
    api = sdmx_data_api({MAINLV: levels_csv()})
    calls = []

    def limited(request):
        calls.append(request.path)
        if len(calls) == 1:
            return Response(429, b"Too Many Requests", {"Retry-After": "0"})
        return api(request)

    local_server.route_prefix("/oecd/data/", limited)
    request = tiva_request(entry(), ["EXGR"], ["C26"], (2021, 2022))
    manifest = retrieve_tiva(download(local_server, request), tmp_path / "t.csv", policy=FAST)
    assert [part["attempts"] for part in manifest["requests"]] == [2]


@pytest.mark.parametrize("answer, phrase", [
    (Response(404, b"NoRecordsFound"), "HTTP 404"),
    (Response(200, b"NoRecordsFound"), "expected a CSV file whose header starts with 'DATAFLOW'"),
    (Response(500, b"Internal Server Error"), "after 3 attempts"),
    # SDMX-ML error messages are shown by their text, not their markup
    (Response(404, NO_RECORDS), "HTTP 404 Not Found (an XML document (<message:Error>)): "
                                "NoRecordsFound"),
    (Response(400, sdmx_error(150, "Semantic Error - Dimension code EXGR_X not found")),
     "HTTP 400 Bad Request (an XML document (<message:Error>)): Semantic Error - Dimension "
     "code EXGR_X not found"),
    (Response(503, sdmx_error(503, "Service temporarily unavailable")),
     "after 3 attempts: HTTP 503 Service Unavailable (an XML document (<message:Error>)): "
     "Service temporarily unavailable"),
])
def test_api_errors_leave_no_file(local_server, tmp_path, answer, phrase):
    local_server.route_prefix("/oecd/data/", lambda request: answer)
    dest = tmp_path / "t.csv"
    request = tiva_request(entry(), ["EXGR"], ["C26"], (2021, 2022))
    with pytest.raises(FetchError, match=re.escape(phrase)):
        retrieve_tiva(download(local_server, request), dest, policy=FAST)
    assert [path.name for path in tmp_path.iterdir()] == [".lock"]  # the raw folder's lock


def test_a_measure_the_edition_lacks_is_named(local_server, tmp_path):
    """The API answers the measures it has; one asked for but absent stops the retrieve."""
    local_server.route_prefix("/oecd/data/", sdmx_data_api({MAINLV: levels_csv()}))
    request = tiva_request(entry(), ["EXGR", "EXGR_DVAFX"], ["C26"], (2021, 2022))
    dest = tmp_path / "t.csv"
    with pytest.raises(InputError, match=r"no rows of measure\(s\) \['EXGR_DVAFX'\]"):
        retrieve_tiva(download(local_server, request), dest, policy=FAST)
    assert not dest.exists() and not manifest_path(dest).exists()


def test_an_answer_with_codes_not_asked_for_is_refused(local_server, tmp_path):
    text = levels_csv(countries=["VNM", "WLD"], years=[2021], activities=["C26"],
                      measures=[("EXGR", 1.0)])
    local_server.route_prefix("/oecd/data/", lambda request: Response(body=text.encode()))
    request = tiva_request(entry(countries=["VNM"]), ["EXGR"], ["C26"], (2021, 2022))
    with pytest.raises(InputError, match="REF_AREA code 'WLD' is not in the edition's country"):
        retrieve_tiva(download(local_server, request), tmp_path / "t.csv", policy=FAST)


PATHS = {"oecd_dataflows": "{base_url}/dataflow/OECD.STI.PIE/{dataflow}/all"}


def registry_entry() -> dict:
    return {"source": "oecd", "version": "2025-1.1", "format": "tiva_sdmx_csv",
            "url": "{base_url}/data/OECD.STI.PIE,DSD_TIVA_MAINLV@DF_MAINLV,{dataflow_version}",
            "sdmx": {"dataflow": MAINLV, "unit": "USD"}}


def test_probe_reads_the_newest_edition(local_server):
    releases = [("1.0", 2023), ("1.1", 2025)]
    local_server.serve_bytes("/oecd/dataflow/OECD.STI.PIE/DSD_TIVA_MAINLV@DF_MAINLV/all",
                             dataflow_structure(MAINLV, releases),
                             {"Content-Type": "application/xml"})
    config = {"providers": {"oecd": f"{local_server.url}/oecd", "paths": PATHS}}
    assert probe_release(registry_entry(), config, policy=FAST) == "2025-1.1"
    releases.append(("1.0", 2027))
    local_server.serve_bytes("/oecd/dataflow/OECD.STI.PIE/DSD_TIVA_MAINLV@DF_MAINLV/all",
                             dataflow_structure(MAINLV, releases))
    assert probe_release(registry_entry(), config, policy=FAST) == "2027-1.0"


def test_probe_names_the_url_when_the_answer_is_not_a_structure(local_server):
    local_server.serve_bytes("/oecd/dataflow/OECD.STI.PIE/DSD_TIVA_MAINLV@DF_MAINLV/all",
                             b'{"errors": [{"message": "Could not find Dataflow"}]}')
    config = {"providers": {"oecd": f"{local_server.url}/oecd", "paths": PATHS}}
    with pytest.raises(ProbeError, match=r"release probe http://.*/all: .*Could not find"):
        probe_release(registry_entry(), config, policy=FAST)


# --- the API's URL layout and its row limits ----------------------------------------------------

REGISTRY = load_yaml(REPO / "config" / "datasets.yaml")
DEFAULT_ROOT = load_yaml(REPO / "config" / "config.yaml")["providers"]["oecd"]


def registered_download(server, dataset_id: str, measures, activities, years) -> dict:
    """The download of a registered TiVA dataset as the workflow builds it (common.smk
    ``tiva_download``), with the OECD's host in the configured API root replaced by the local
    server's: the path is the real API's."""
    entry = REGISTRY[dataset_id]
    root = urlsplit(DEFAULT_ROOT)
    local_root = server.url + root.path
    return {"dataset": dataset_id, "format": entry["format"], "version": entry["version"],
            "flow_url": entry["url"].format(base_url=local_root,
                                            dataflow_version=entry["version"].split("-")[-1]),
            "request": tiva_request(entry, measures, activities, years), "sha256": None}


def test_retrieve_follows_the_real_api_url_layout(local_server, tmp_path):
    """Agency OECD.STI.PIE, dataflow DSD_TIVA_MAINLV@DF_MAINLV version 1.1 under the configured
    root https://sdmx.oecd.org/sti-public/rest: one request for the edition's 80 economies whose
    path is the one the OECD serves."""
    local_server.route_prefix(urlsplit(DEFAULT_ROOT).path + "/data/",
                              sdmx_data_api({MAINLV: levels_csv()}))
    download = registered_download(local_server, "tiva_mainlv_2025_1_1", ["EXGR", "EXGR_DVA"],
                                   ["C26", "C13T15"], (1995, 2022))
    dest = tmp_path / "TIVA_MAINLV_2025-1.1.csv"
    manifest = retrieve_tiva(download, dest, policy=FAST)
    economies = REGISTRY["tiva_mainlv_2025_1_1"]["sdmx"]["countries"]
    [asked] = local_server.requests
    assert asked.path == (
        "/sti-public/rest/data/OECD.STI.PIE,DSD_TIVA_MAINLV@DF_MAINLV,1.1/EXGR+EXGR_DVA."
        + "+".join(sorted(economies)) + ".C13T15+C26.W.USD.A")
    assert asked.query == {"startPeriod": "1995", "endPeriod": "2022",
                           "dimensionAtObservation": "AllDimensions"}
    real_url = manifest["requests"][0]["url"].replace(local_server.url, "https://sdmx.oecd.org")
    assert real_url.startswith("https://sdmx.oecd.org/sti-public/rest/data/OECD.STI.PIE,")
    _, rows = csv_rows(levels_csv())
    expected = [r for r in rows if r["MEASURE"] in {"EXGR", "EXGR_DVA"}
                and r["ACTIVITY"] in {"C13T15", "C26"}]
    assert len(read_tiva(dest)) == manifest["observations"] == len(expected)
    assert manifest["split"] == [] and manifest["row_limit"] == 1_000_000


def expected_rows(text, measures, activities, years):
    _, rows = csv_rows(text)
    return [r for r in rows if r["MEASURE"] in measures and r["ACTIVITY"] in activities
            and years[0] <= int(r["TIME_PERIOD"]) <= years[1]]


def stored_matches(dest, expected):
    """The stored answer holds exactly the expected rows (count and sum of values)."""
    table = read_tiva(dest)
    assert len(table) == len(expected)
    assert table["value"].sum() == pytest.approx(
        sum(float(r["OBS_VALUE"]) * 10 ** int(r["UNIT_MULT"]) for r in expected), rel=1e-12)


def test_requests_are_planned_under_the_row_limit(local_server, tmp_path):
    """2 measures x 2 activities x 3 years = 12 observations per economy: a row limit of 30
    allows 2 economies per request, so the 6 economies take 3 requests."""
    text = levels_csv()
    local_server.route_prefix("/oecd/data/", sdmx_data_api({MAINLV: text}))
    measures, activities, years = ["EXGR", "EXGR_DVA"], ["C13T15", "C26"], (2020, 2022)
    request = tiva_request(entry(), measures, activities, years)
    dest = tmp_path / "t.csv"
    manifest = retrieve_tiva(download(local_server, request), dest, policy=FAST, row_limit=30)
    per_request = [len(part["countries"]) for part in manifest["requests"]]
    assert per_request == [2, 2, 2] and len(local_server.requests) == 3
    assert manifest["split"] == [] and manifest["row_limit"] == 30
    stored_matches(dest, expected_rows(text, measures, activities, years))


def test_a_request_the_api_finds_too_large_is_split(local_server, tmp_path):
    """The API refuses answers of more than 20 rows with 413 and an SDMX error message: the
    6 economies (12 rows each) are halved until each answer fits, and all are stored."""
    text = levels_csv()
    local_server.route_prefix("/oecd/data/", sdmx_data_api({MAINLV: text}, max_rows=20))
    measures, activities, years = ["EXGR", "EXGR_DVA"], ["C13T15", "C26"], (2020, 2022)
    request = tiva_request(entry(), measures, activities, years)
    dest = tmp_path / "t.csv"
    manifest = retrieve_tiva(download(local_server, request), dest, policy=FAST)
    assert all(len(part["countries"]) == 1 for part in manifest["requests"])
    assert [c for part in manifest["requests"] for c in part["countries"]] == sorted(COUNTRIES)
    refused = [part["countries"] for part in manifest["split"]]
    assert refused == [sorted(COUNTRIES), ["BGD", "CHN", "DEU"], ["CHN", "DEU"],
                       ["IND", "MEX", "VNM"], ["MEX", "VNM"]]
    assert all("HTTP 413" in part["reason"] and "Response size exceeds service limit"
               in part["reason"] for part in manifest["split"])
    assert len(local_server.requests) == len(refused) + len(COUNTRIES)
    stored_matches(dest, expected_rows(text, measures, activities, years))


def test_an_answer_at_the_row_limit_is_asked_for_again_in_parts(local_server, tmp_path):
    """An API that cuts answers at 24 rows without a word (as the OECD's former API did at one
    million): an answer of 24 rows may be cut, so its economies are asked for again in halves
    (12 rows each); no answer at the limit is stored."""
    text = levels_csv()
    local_server.route_prefix("/oecd/data/", sdmx_data_api({MAINLV: text}, cut_at=24))
    measures, activities, years = ["EXGR", "EXGR_DVA"], ["C13T15", "C26"], (2020, 2022)
    request = tiva_request(entry(), measures, activities, years)
    dest = tmp_path / "t.csv"
    manifest = retrieve_tiva(download(local_server, request), dest, policy=FAST, row_limit=24)
    assert [part["countries"] for part in manifest["split"]] == [
        sorted(COUNTRIES)[i:i + 2] for i in range(0, 6, 2)]
    assert all(part["reason"] == "24 rows, at the row limit 24: possibly cut"
               for part in manifest["split"])
    assert [part["countries"] for part in manifest["requests"]] == [[c] for c in
                                                                    sorted(COUNTRIES)]
    stored_matches(dest, expected_rows(text, measures, activities, years))


def test_one_economy_too_large_stops_the_retrieve(local_server, tmp_path):
    local_server.route_prefix("/oecd/data/", sdmx_data_api({MAINLV: levels_csv()}, max_rows=3))
    request = tiva_request(entry(countries=["VNM", "MEX"]), ["EXGR"], ["C26"], (2019, 2022))
    dest = tmp_path / "t.csv"
    with pytest.raises(InputError, match=r"DF_MAINLV,1\.1/EXGR\.MEX\.C26\.W\.USD\.A.*: the "
                                         r"answer for \['MEX'\] alone was refused as too large "
                                         r"\(HTTP 413.*Response size exceeds service limit"):
        retrieve_tiva(download(local_server, request), dest, policy=FAST)
    assert not dest.exists() and not manifest_path(dest).exists()


def test_a_request_that_cannot_fit_the_row_limit_is_refused_before_asking(local_server,
                                                                         tmp_path):
    request = tiva_request(entry(), ["EXGR", "EXGR_DVA"], ["C13T15", "C26"], (1995, 2022))
    with pytest.raises(ValueError, match=r"112 observations \(2 measures x 2 activities x 28 "
                                         r"years\), more than the row limit 100"):
        retrieve_tiva(download(local_server, request), tmp_path / "t.csv", policy=FAST,
                      row_limit=100)
    assert local_server.requests == []
