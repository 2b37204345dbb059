"""UN Comtrade from the store's side: answers read and checked before they are stored, and
refreshes that query only the reporters whose release date changed (the retrieval alone, and a
whole refresh with the workflow's retrieval and harmonisation against the local server)."""

from __future__ import annotations

import functools
import json

import pandas as pd
import pytest
import yaml
from httpserver import Response
from test_refresh import Providers, probe_fast, write_results
from workflow_helpers import copy_repo, provider_paths

from gvc_upgrading.errors import InputError
from gvc_upgrading.store import comtrade_api, refresh
from gvc_upgrading.store.fetch import FetchPolicy
from gvc_upgrading.store.retrieve import retrieve_comtrade_year

KEY = "comtrade-test-key"
FAST = FetchPolicy(max_attempts=2, backoff_initial=0.01, backoff_max=0.01)
REPORTERS = {50: "BGD", 156: "CHN", 699: "IND", 842: "USA"}
CODES = ["610910", "620342"]
DATA = "/comtrade/data/v1/get/C/A/HS"
AVAILABILITY = "/comtrade/data/v1/getDa/C/A/HS"  # getDataAvailability, as documented


class Comtrade:
    """A stand-in for UN Comtrade+: getFinalData, getDataAvailability and the reference lists.
    A test publishes a release of one reporter and year with :meth:`release`: its release date
    moves and its values change."""

    def __init__(self, server, years):
        self.server = server
        self.released = {(r, y): "2025-01-10T08:00:00" for r in REPORTERS for y in years}
        self.level = dict.fromkeys(self.released, 1.0)
        server.route(DATA, self.data)
        server.route(AVAILABILITY, self.availability)
        server.serve_bytes("/comtrade/files/v1/app/reference/HS.json", json.dumps(
            {"results": [{"id": c, "aggrLevel": len(c)} for c in ["61", "62", *CODES]]}).encode())
        server.serve_bytes("/comtrade/files/v1/app/reference/Reporters.json", json.dumps(
            {"results": [{"reporterCode": r} for r in REPORTERS]}).encode())

    def release(self, reporter: int, year: int, date: str) -> None:
        self.released[(reporter, year)] = date
        self.level[(reporter, year)] *= 1.25

    def record(self, reporter: int, year: int, code: str) -> dict:
        return comtrade_record(reporter, year, code, self.level[(reporter, year)])

    def data(self, request) -> Response:
        if request.headers.get("Ocp-Apim-Subscription-Key") != KEY:
            return Response(401, b'{"statusCode": 401, "message": "Access denied"}')
        year = int(request.query["period"])
        asked = ([int(r) for r in request.query["reporterCode"].split(",")]
                 if "reporterCode" in request.query else list(REPORTERS))
        rows = [self.record(r, year, c) for r in asked for c in request.query["cmdCode"].split(",")
                if c in CODES]
        return _json({"count": len(rows), "data": rows, "error": ""})

    def availability(self, request) -> Response:
        years = request.query["period"].split(",")
        rows = [{"reporterCode": r, "period": y, "classificationCode": "H4", "lastReleased": d}
                for (r, y), d in self.released.items() if str(y) in years]
        return _json({"count": len(rows), "data": rows})

    def data_queries(self) -> list[dict]:
        return [r.query for r in self.server.requests if r.path == DATA]


def comtrade_record(reporter: int, year: int, code: str, level: float = 1.0) -> dict:
    """A getFinalData record of exports to the World."""
    value = round(1000.0 * reporter * (1 + CODES.index(code)) * level, 2)
    return {"refYear": year, "reporterCode": reporter, "reporterISO": REPORTERS[reporter],
            "flowCode": "X", "partnerCode": 0, "partner2Code": 0, "motCode": 0,
            "customsCode": "C00", "classificationCode": "H4", "cmdCode": code,
            "primaryValue": value, "netWgt": round(value / 7, 1)}


def _json(document) -> Response:
    return Response(body=json.dumps(document).encode(), headers={"Content-Type": "application/json"})


def download(server, version: str, year: int = 2020) -> dict:
    base = f"{server.url}/comtrade"
    return {"dataset": f"comtrade_{version}", "format": "comtrade_api", "version": version,
            "year": year, "base_url": base, "url": f"{base}/data/v1/get/C/A/HS", "sha256": None,
            **provider_paths("comtrade_api", comtrade=base)}


@pytest.fixture
def comtrade(local_server, monkeypatch):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    return Comtrade(local_server, [2019, 2020])


def stored(path) -> dict[tuple[int, str], float]:
    table = pd.read_parquet(path)
    return {(int(r.reporterCode), r.cmdCode): r.primaryValue for r in table.itertuples()}


def test_a_release_of_one_reporter_queries_only_that_reporter(comtrade, tmp_path):
    raw = tmp_path / "resources" / "raw" / "comtrade"
    first = retrieve_comtrade_year(download(comtrade.server, "2025-01-10"),
                                   raw / "2025-01-10" / "comtrade_exports_world_2020.parquet",
                                   ["61", "62"], policy=FAST)
    (query,) = comtrade.data_queries()
    assert "reporterCode" not in query  # the first retrieval asks for every reporter
    assert first["queried_reporters"] == "all" and first["reused"] is None
    assert first["releases"] == {str(r): "2025-01-10T08:00:00" for r in sorted(REPORTERS)}
    before = stored(raw / "2025-01-10" / "comtrade_exports_world_2020.parquet")

    # Bangladesh revises 2020; another reporter's 2019 release does not concern this year
    comtrade.release(50, 2020, "2025-03-02T10:00:00")
    comtrade.release(842, 2019, "2025-03-02T10:00:00")
    asked = len(comtrade.server.requests)
    dest = raw / "2025-03-02" / "comtrade_exports_world_2020.parquet"
    second = retrieve_comtrade_year(download(comtrade.server, "2025-03-02"), dest, ["61", "62"],
                                    policy=FAST)
    queries = [r.query for r in comtrade.server.requests[asked:] if r.path == DATA]
    assert [q["reporterCode"] for q in queries] == ["50"]
    assert second["queried_reporters"] == [50]
    assert second["reused"]["reporters"] == [156, 699, 842]
    assert second["releases"]["50"] == "2025-03-02T10:00:00"
    after = stored(dest)
    assert set(after) == set(before) and second["records"] == len(before)
    for (reporter, code), value in after.items():  # the revised values, the others as before
        expected = comtrade.record(reporter, 2020, code)["primaryValue"]
        assert value == pytest.approx(expected)
        assert (value == before[(reporter, code)]) == (reporter != 50)

    # nothing released since: no query at all, the same records
    asked = len(comtrade.server.requests)
    third = retrieve_comtrade_year(download(comtrade.server, "2025-03-09"),
                                   raw / "2025-03-09" / "comtrade_exports_world_2020.parquet",
                                   ["61", "62"], policy=FAST)
    assert [r.path for r in comtrade.server.requests[asked:] if r.path == DATA] == []
    assert third["queried_reporters"] == [] and stored(
        raw / "2025-03-09" / "comtrade_exports_world_2020.parquet") == after


def test_without_data_availability_every_reporter_is_queried(comtrade, tmp_path, caplog):
    comtrade.server.route(AVAILABILITY, lambda request: Response(503, b"unavailable"))
    raw = tmp_path / "comtrade"
    for version in ("a", "b"):
        manifest = retrieve_comtrade_year(download(comtrade.server, version),
                                          raw / version / "comtrade_exports_world_2020.parquet",
                                          ["61"], policy=FAST)
        assert manifest["queried_reporters"] == "all" and manifest["releases"] == {}
    assert ["reporterCode" in q for q in comtrade.data_queries()] == [False, False]
    assert "data availability not read" in caplog.text


def test_plan_queries_released_and_new_reporters_and_drops_withdrawn_ones():
    before = {"releases": {"50": "d1", "156": "d1", "699": "d1"}}
    plan = comtrade_api.plan_reporters({50: "d2", 156: "d1", 842: "d1"}, before)
    assert plan == comtrade_api.Plan(query=(50, 842), reuse=(156,))  # 699 no longer listed
    assert comtrade_api.plan_reporters({50: "d2"}, before) == comtrade_api.Plan(None)
    assert comtrade_api.plan_reporters({50: "d1"}, None) == comtrade_api.Plan(None)
    assert comtrade_api.plan_reporters({}, before) == comtrade_api.Plan(None)


def test_release_dates_take_the_year_and_the_latest_date():
    records = [{"reporterCode": 50, "period": 2020, "lastReleased": "2025-01-01"},
               {"reporterCode": 50, "period": "2020", "lastReleased": "2025-02-01"},
               {"reporterCode": 50, "period": 2019, "lastReleased": "2025-03-01"},
               {"reporterCode": 156, "period": 2020, "lastReleased": None}]
    assert comtrade_api.release_dates(records, 2020) == {50: "2025-02-01"}


def answer(document) -> bytes:
    return json.dumps(document).encode()


def test_answers_are_complete_only_under_the_cap_and_at_their_count():
    record = comtrade_record(50, 2020, "610910")
    assert comtrade_api.read_answer(answer({"count": 1, "data": [record]}), "q") == (
        [record], True)
    assert comtrade_api.read_answer(answer({"count": 1, "data": [record]}), "q", cap=1)[1] is False
    assert comtrade_api.read_answer(answer({"count": 7, "data": [record]}), "q")[1] is False
    assert comtrade_api.read_answer(answer({"data": None}), "q") == ([], True)
    with pytest.raises(InputError, match=r"q, count: count '1' is not a number of records"):
        comtrade_api.read_answer(answer({"count": "1", "data": [record]}), "q")


def test_an_error_that_quotes_the_key_is_redacted():
    with pytest.raises(InputError) as info:
        comtrade_api.read_answer(answer({"data": [], "error": f"key {KEY} is over quota"}), "q",
                                 key=KEY)
    assert "key *** is over quota" in str(info.value) and KEY not in str(info.value)


# --- a whole refresh: the probe finds a release of one reporter --------------------------------

@pytest.mark.e2e
def test_refresh_after_one_reporters_release_queries_only_that_reporter(tmp_path, comtrade):
    site = Providers(comtrade.server)
    root = copy_repo(tmp_path / "project")
    (root / "local.yaml").write_text(yaml.safe_dump({
        **site.overlay(), "years": {"start": 2019, "end": 2020}, "value_chains": ["apparel"],
        "datasets": {"trade": "comtrade_hs_exports_2025_01"},
        "classification": {"periods": [{"label": "2019-2020", "start": 2019, "end": 2020}]}}))
    configfiles = [root / "config/real_sources.yaml", root / "local.yaml"]
    targets = [f"results/harmonised/trade/trade_{year}.parquet" for year in (2019, 2020)]

    def run(job):  # the workflow's retrieval and harmonisation of trade, then stand-in results
        refresh.run_snakemake(job, cores=1, targets=targets)
        write_results(job.results, "baci_hs92_v202501")

    refresh_once = functools.partial(refresh.refresh, root, configfiles, run=run,
                                     probe=probe_fast)
    first = refresh_once()
    assert first.code == refresh.EXIT_REFRESHED, first.message
    assert refresh.Paths(root).current_json.exists()
    assert len(comtrade.data_queries()) == 2  # one per year, every reporter
    assert all("reporterCode" not in q for q in comtrade.data_queries())

    comtrade.release(699, 2020, "2025-04-01T00:00:00")
    asked = len(comtrade.data_queries())
    second = refresh_once()
    assert second.code == refresh.EXIT_REFRESHED, second.message
    record = json.loads(refresh.Paths(root).current_json.read_text())
    assert record["changes"] == {"trade": "new release 2025-04-01 (was 2025-01-10)"}
    queries = comtrade.data_queries()[asked:]
    assert [(q["period"], q["reporterCode"]) for q in queries] == [("2020", "699")]
    new = root / "resources/raw/comtrade/2025-04-01"
    harmonised = pd.read_parquet(root / "results/vintages" / second.vintage
                                 / "results/harmonised/trade/trade_2020.parquet")
    india = harmonised.loc[harmonised["exporter"] == "IND", "value_usd"].sum()
    assert india == pytest.approx(sum(comtrade.record(699, 2020, c)["primaryValue"]
                                      for c in CODES))
    assert json.loads((new / "comtrade_exports_world_2019.parquet.manifest.json").read_text())[
        "queried_reporters"] == []
