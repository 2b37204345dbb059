"""Study presets (config/studies/): each builds its workflow offline, and each runs end to end
against a local server standing in for UN Comtrade, ILOSTAT and the World Bank, with a
replication report against a small table of "published" values made for the test.

The expected values come from the made-up world's true values (tests/study_fixtures.py) with the
test's own arithmetic: market shares and unit values from the HS lines (or tourism receipts and
arrivals), employment and real wages from the labour source the chain's fallback list chooses,
and log changes between the mean logs of the end windows of each period.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest
import yaml
from httpserver import LocalServer
from study_fixtures import (
    Chain,
    build_world,
    comtrade_handler,
    comtrade_reference,
    write_indstat,
    write_site,
)
from workflow_helpers import copy_repo, snakemake

from conftest import REPO
from gvc_upgrading.analysis.groups import assign_groups, compare_groups
from gvc_upgrading.config import ConfigError, load_yaml, validate
from gvc_upgrading.harmonise.accounting import Ledger
from gvc_upgrading.harmonise.labour import _sum_divisions, choose_labour_source
from gvc_upgrading.valuechains import check_chains

STUDIES = ["bernhardt_milberg_2011", "bernhardt_pollak_2016"]
KEY = "fake-comtrade-key-for-tests"
YEARS = list(range(2002, 2010))
# long enough for two end windows of three years (the robustness grid tries 1 and 3)
PERIODS = [{"label": "2002-2007", "start": 2002, "end": 2007},
           {"label": "2004-2009", "start": 2004, "end": 2009}]
COUNTRIES = ["BGD", "CHN", "IND", "KEN", "MEX", "VNM", "DEU", "USA"]
INDSTAT_ISIC = {"4": "C", "3": "D"}  # ILOSTAT earnings section of manufacturing


def manufacturing(lines: list[str], later: list[str] | None, isic3: str, rev4: str,
                  indstat: tuple[str, ...], ilostat: tuple[str, ...]) -> Chain:
    return Chain(lines={"H2": lines, "H3": later or lines}, isic3=isic3, indstat=indstat,
                 ilostat=ilostat,
                 ilostat_employment={"3": [f"D{isic3}"], "4": [f"C{rev4}"]},
                 ilostat_section=INDSTAT_ISIC)


# INDSTAT for most countries; VNM and KEN only in ILOSTAT (the fallback); CHN in both
# (INDSTAT is chosen, the ILOSTAT rows are accounted as not used).
APPAREL = manufacturing(["610910", "620342"], None, "18", "14",
                        ("BGD", "CHN", "IND", "MEX", "DEU", "USA"), ("VNM", "KEN", "CHN"))
MOBILE = manufacturing(["852520"], ["851712"], "32", "26",
                       ("CHN", "IND", "MEX", "DEU", "USA"), ("VNM", "KEN", "BGD"))
WORLDS = {
    "bernhardt_milberg_2011": {
        "apparel": APPAREL,
        "mobile_phones": MOBILE,
        "horticulture": Chain(
            lines={"H2": ["070200", "080300", "060310"], "H3": ["070200", "080300", "060311"]},
            ilostat=tuple(COUNTRIES), ilostat_employment={"3": ["A01", "A02"], "4": ["A01", "A02"]},
            ilostat_section={"3": "A", "4": "A"}),
        "tourism": Chain(tourism=True, ilostat=tuple(COUNTRIES),
                         ilostat_employment={"3": ["H55"], "4": ["I55", "I56"]},
                         ilostat_section={"3": "H", "4": "I"}),
    },
    "bernhardt_pollak_2016": {
        "apparel": APPAREL,
        "wood_furniture": manufacturing(["940330", "940340", "940350", "940360", "940161",
                                         "940169"], None, "36", "31",
                                        ("BGD", "CHN", "IND", "MEX", "DEU", "USA", "VNM"),
                                        ("KEN",)),
        "automotive": manufacturing(["870323", "870899"], None, "34", "29",
                                    ("CHN", "IND", "MEX", "DEU", "USA"), ("BGD", "VNM", "KEN")),
        "mobile_phones": MOBILE,
    },
}


# --- offline DAGs ------------------------------------------------------------------------------

@pytest.mark.parametrize("study", STUDIES)
def test_study_builds_its_workflow_offline(study, tmp_path):
    work = copy_repo(tmp_path)
    result = snakemake(work, "-n", "--configfile", f"config/studies/{study}.yaml")
    assert "compute_indicators" in result.stdout and "classify_upgrading" in result.stdout
    if study == "bernhardt_milberg_2011":
        assert "harmonise_tourism" in result.stdout and "retrieve_comtrade" in result.stdout
    else:
        assert "compare_country_groups" in result.stdout


@pytest.mark.parametrize("study", STUDIES)
def test_study_on_open_data_plans_no_indstat(study, tmp_path):
    """Each published analysis with config/open_data.yaml after it: labour from ILOSTAT, and no
    job reads, retrieves or names an INDSTAT file (the study alone does)."""
    work = copy_repo(tmp_path)
    study_file = f"config/studies/{study}.yaml"
    alone = snakemake(work, "-n", "--configfile", study_file).stdout
    assert "indstat" in alone.lower()
    result = snakemake(work, "-n", "--configfile", study_file, "config/open_data.yaml")
    assert "harmonise_labour" in result.stdout and "classify_upgrading" in result.stdout
    assert "indstat" not in result.stdout.lower()


@pytest.mark.parametrize("study", STUDIES)
def test_study_value_chains_are_valid(study):
    overlay = load_yaml(REPO / "config" / "studies" / f"{study}.yaml")
    gvcs = validate(load_yaml(REPO / overlay["value_chains_file"]),
                    REPO / "workflow" / "schemas" / "gvcs.schema.yaml", name="value chains")
    check_chains(gvcs, overlay["value_chains_file"])
    assert set(overlay["value_chains"]) <= set(gvcs)
    registry = load_yaml(REPO / "config" / "datasets.yaml")
    for role, dataset in overlay["datasets"].items():
        assert dataset in registry and "generator" not in registry[dataset], role


def test_value_chain_errors_name_the_key():
    with pytest.raises(ConfigError, match=r"'tourism': give either 'hs'"):
        check_chains({"tourism": {"label": "T", "hs": {"HS92": ["61"]}, "isic": {
            "rev3": "55", "rev4": "55"}, "labour_source": "ilostat",
            "wdi_tourism": {"receipts": "ST.INT.RCPT.CD", "arrivals": "ST.INT.ARVL"}}}, "x.yaml")
    with pytest.raises(ConfigError, match=r"'farm.isic.rev3'.*one section"):
        check_chains({"farm": {"label": "F", "hs": {"HS92": ["07"]}, "isic": {
            "rev3": ["01", "05"], "rev4": "01"}, "labour_source": "ilostat"}}, "x.yaml")
    with pytest.raises(ConfigError,
                       match=r"value chains key 'x.labour_source.1': 'unido' is not one of"):
        validate({"x": {"label": "X", "hs": {"HS92": ["61"]}, "isic": {"rev3": "18",
                  "rev4": "14"}, "labour_source": ["indstat", "unido"]}},
                 REPO / "workflow" / "schemas" / "gvcs.schema.yaml", name="value chains")


def test_country_groups_are_exclusive_and_compared():
    groups = {"developed": ["DEU", "USA"]}
    assert assign_groups(pd.Series(["DEU", "BGD"]), groups, "developing").tolist() == [
        "developed", "developing"]
    with pytest.raises(ValueError, match="DEU is listed in both"):
        assign_groups(pd.Series(["DEU"]), {"a": ["DEU"], "b": ["DEU"]})
    classification = pd.DataFrame({
        "country": ["DEU", "USA", "BGD", "VNM"], "value_chain": "apparel", "period": "p",
        "economic_class": ["upgrading", "mixed", "upgrading", "insufficient data"],
        "social_class": ["upgrading", "downgrading", "mixed", "upgrading"],
        "market_share_change": [0.1, -0.2, 0.3, np.nan]})
    table = compare_groups(classification, groups, "developing").set_index("group")
    assert table.loc["developed", "economic_upgrading"] == 1
    assert table.loc["developed", "both_upgrading"] == 1
    assert table.loc["developing", "economic_upgrading_share"] == 1.0  # 1 of 1 decided
    assert table.loc["developed", "median_market_share_change"] == pytest.approx(-0.05)


def test_labour_fallback_per_country_or_per_year_balances():
    gvcs = {"apparel": {"labour_source": ["indstat", "ilostat"]}}
    rows = pd.DataFrame({
        "country": ["BGD"] * 4 + ["VNM"] * 2, "value_chain": "apparel",
        "year": [2000, 2001, 2000, 2001, 2000, 2001],
        "labour_source": ["indstat", "indstat", "ilostat", "ilostat", "ilostat", "ilostat"],
        "employment_persons": [10.0, np.nan, 12.0, 13.0, 5.0, 6.0]})
    for fallback, kept in (("country", {("BGD", 2000, "indstat"), ("BGD", 2001, "indstat"),
                                        ("VNM", 2000, "ilostat"), ("VNM", 2001, "ilostat")}),
                           ("country_year", {("BGD", 2000, "indstat"), ("BGD", 2001, "ilostat"),
                                             ("VNM", 2000, "ilostat"), ("VNM", 2001, "ilostat")})):
        ledger = Ledger("harmonise_labour", "labour source fallback", "x", ["employment_persons"])
        chosen = choose_labour_source(rows, gvcs, fallback, ledger)
        assert set(zip(chosen["country"], chosen["year"], chosen["labour_source"])) == kept
        ledger.check()
        dropped = ledger.frame().query("entry == 'dropped' and measure == 'rows'")["total"].sum()
        assert dropped == len(rows) - len(kept)


def test_divisions_are_summed_only_when_all_are_reported():
    rows = pd.DataFrame({"country": ["BGD", "BGD", "BGD"], "year": [2000, 2000, 2001],
                         "activity": ["I55", "I56", "I55"], "value": [1.0, 2.0, 3.0]})
    ledger = Ledger("harmonise_labour", "ILOSTAT employment", "x", ["value"])
    summed = _sum_divisions(ledger.read(rows), ["I55", "I56"], "activity", ["country", "year"],
                            ["value"], ledger)
    ledger.write(summed)
    assert summed[["year", "activity", "value"]].values.tolist() == [[2000, "I55+I56", 3.0]]
    reasons = ledger.frame().query("measure == 'rows'").set_index("entry")["reason"]
    assert "not every ISIC division of I55+I56 reported" in reasons["dropped"]


# --- expected values from the true world --------------------------------------------------------

def expected_panel(world, chains: dict, labour_sources: dict) -> pd.DataFrame:
    """country, value_chain, year, market_share, unit_value, employment, real_wage."""
    pieces = []
    for name, chain in chains.items():
        if chain.tourism:
            t = world.tourism.assign(value=world.tourism["receipts_usd"],
                                     quantity=world.tourism["arrivals"])
        else:
            t = world.lines[world.lines["chain"] == name].groupby(
                ["country", "year"], as_index=False).agg(value=("value_usd", "sum"),
                                                         quantity=("weight_kg", "sum"))
        t["market_share"] = t["value"] / t.groupby("year")["value"].transform("sum")
        t["unit_value"] = t["value"] / t["quantity"]
        pieces.append(t.assign(value_chain=name))
    trade = pd.concat(pieces)
    labour = world.labour.rename(columns={"chain": "value_chain"})
    first = {(r.country, r.value_chain): r.source for r in labour.itertuples()
             if labour_sources[r.value_chain].index(r.source) == min(
                 labour_sources[r.value_chain].index(s) for s in labour.loc[
                     (labour["country"] == r.country) & (labour["value_chain"] == r.value_chain),
                     "source"])}
    labour = labour[[first[(c, v)] == s for c, v, s in zip(
        labour["country"], labour["value_chain"], labour["source"])]].copy()
    indstat = labour["source"] == "indstat"
    wage_bill = (labour["nominal_wage_lcu"] * labour["employment"]).round()
    labour["nominal"] = np.where(indstat, wage_bill / labour["employment"],
                                 (labour["nominal_wage_lcu"] / 12).round(3) * 12)
    cpi = world.prices.set_index(["country", "year"])["cpi"]
    base = world.prices[world.prices["year"] == 2010].set_index("country")["cpi"]
    labour["real_wage"] = labour["nominal"] * labour["country"].map(base) / cpi.loc[
        list(zip(labour["country"], labour["year"]))].to_numpy()
    return trade.merge(labour[["country", "value_chain", "year", "employment", "real_wage",
                               "source"]], on=["country", "value_chain", "year"], how="outer")


def log_change(panel: pd.DataFrame, country: str, chain: str, period: dict, column: str,
               window: int) -> float:
    rows = panel[(panel["country"] == country) & (panel["value_chain"] == chain)]
    series = rows.set_index("year")[column]
    first = np.log(series.loc[period["start"]:period["start"] + window - 1]).mean()
    last = np.log(series.loc[period["end"] - window + 1:period["end"]]).mean()
    return float(last - first)


def verdict(a: float, b: float) -> str:
    if a > 0 and b > 0:
        return "upgrading"
    if a < 0 and b < 0:
        return "downgrading"
    return "mixed"


# --- end-to-end runs ------------------------------------------------------------------------------

#: What the study tests read (the whole workflow's outputs are checked on the demo): the
#: replication report, the indicators and the harmonised tables behind them, the classification.
STUDY_TARGETS = ["results/replication/replication.csv", "results/replication/replication.md",
                 "results/indicators/indicators.parquet", "results/harmonised/accounting.csv",
                 "results/harmonised/labour.parquet",
                 "results/classification/classification.parquet"]


def run_study(study: str, root, published_cells, targets=STUDY_TARGETS) -> dict:
    """Run ``study`` against the local server with a test overlay up to ``targets``;
    ``published_cells(world, panel, window)`` gives the published table's rows."""
    chains = WORLDS[study]
    world = build_world(chains, COUNTRIES, YEARS, seed=sum(map(ord, study)))
    write_site(world, root / "site")
    work = copy_repo(root / "work")
    write_indstat(world, work / "resources" / "raw" / "indstat" / "2024" / "INDSTAT2_2024_ISIC3.csv")
    overlay_path = REPO / "config" / "studies" / f"{study}.yaml"
    overlay = yaml.safe_load(overlay_path.read_text())
    gvcs = yaml.safe_load((REPO / overlay["value_chains_file"]).read_text())
    sources = {c: ([g["labour_source"]] if isinstance(g["labour_source"], str)
                   else g["labour_source"]) for c, g in gvcs.items()}
    panel = expected_panel(world, chains, sources)
    window = overlay["classification"]["endpoint_years"]
    published = pd.DataFrame(published_cells(world, panel, window),
                             columns=["country", "value_chain", "period", "indicator", "value",
                                      "source", "truth"])
    published.drop(columns="truth").to_csv(work / "published.csv", index=False)
    with LocalServer() as server:
        server.serve_directory("/ilostat", root / "site" / "ilostat")
        server.serve_directory("/wdi", root / "site" / "wdi")
        server.route("/comtrade/data/v1/get/C/A/HS", comtrade_handler(world, KEY))
        server.serve_bytes("/comtrade/files/v1/app/reference/HS.json", comtrade_reference(world))
        local = {
            "years": {"start": YEARS[0], "end": YEARS[-1]},
            "providers": {"comtrade": f"{server.url}/comtrade", "ilostat": f"{server.url}/ilostat",
                          "wdi": f"{server.url}/wdi", "baci": f"{server.url}/baci"},
            "classification": {"periods": PERIODS},
            "figures": {"path_countries": ["BGD", "CHN", "DEU"]},
            "replication": {"published": "published.csv", "tolerance": 1e-6,
                            "absolute_tolerance": 0.0},
        }
        (work / "local.yaml").write_text(yaml.safe_dump(local))
        env_key = os.environ.get("COMTRADE_API_KEY")
        os.environ["COMTRADE_API_KEY"] = KEY
        try:
            snakemake(work, "--cores", "2", *targets, "--configfile",
                      f"config/studies/{study}.yaml", "local.yaml")
        finally:
            if env_key is None:
                os.environ.pop("COMTRADE_API_KEY")
            else:
                os.environ["COMTRADE_API_KEY"] = env_key
        requested = server.requested_paths()
    return {"work": work, "world": world, "panel": panel, "published": published,
            "requested": requested, "window": window}


def cell(country, chain, period, indicator, truth, published=None, source=""):
    """A published cell: ``truth`` is what the fixtures give; ``published`` (default: the
    truth) is what the made-up paper prints."""
    value = truth if published is None else published
    return (country, chain, period["label"], indicator, value, source, truth)


def changes(panel, window):
    """Functions (country, chain, period) -> true log change of each indicator."""
    return {name: (lambda c, ch, p, column=column: log_change(panel, c, ch, p, column, window))
            for name, column in (("ms", "market_share"), ("uv", "unit_value"),
                                 ("emp", "employment"), ("wage", "real_wage"))}


def milberg_cells(world, panel, window):
    p1, p2 = PERIODS
    f = changes(panel, window)
    ms, uv, emp, wage = f["ms"], f["uv"], f["emp"], f["wage"]
    india = verdict(ms("IND", "mobile_phones", p1), uv("IND", "mobile_phones", p1))
    return [
        cell("BGD", "apparel", p1, "market_share_change", ms("BGD", "apparel", p1), source="T1"),
        cell("BGD", "apparel", p1, "economic_class",
             verdict(ms("BGD", "apparel", p1), uv("BGD", "apparel", p1)), source="T1"),
        cell("VNM", "apparel", p2, "real_wage_change", wage("VNM", "apparel", p2), source="T2"),
        cell("CHN", "apparel", p1, "employment_change", emp("CHN", "apparel", p1), source="T2"),
        cell("CHN", "mobile_phones", p2, "unit_value_change", uv("CHN", "mobile_phones", p2)),
        cell("KEN", "horticulture", p1, "employment_change", emp("KEN", "horticulture", p1)),
        cell("MEX", "horticulture", p2, "social_class",
             verdict(emp("MEX", "horticulture", p2), wage("MEX", "horticulture", p2))),
        cell("MEX", "tourism", p1, "market_share_change", ms("MEX", "tourism", p1), source="T4"),
        cell("MEX", "tourism", p1, "unit_value_change", uv("MEX", "tourism", p1), source="T4"),
        cell("IND", "tourism", p2, "employment_change", emp("IND", "tourism", p2), source="T4"),
        # deliberately different from what the fixtures give:
        cell("CHN", "apparel", p2, "market_share_change", ms("CHN", "apparel", p2),
             published=ms("CHN", "apparel", p2) + 0.5, source="T1"),
        cell("KEN", "tourism", p2, "real_wage_change", wage("KEN", "tourism", p2),
             published=-2 * wage("KEN", "tourism", p2), source="T4"),
        cell("IND", "mobile_phones", p1, "economic_class", india,
             published="downgrading" if india == "upgrading" else "upgrading", source="T1"),
    ]


def pollak_cells(world, panel, window):
    p1, p2 = PERIODS
    f = changes(panel, window)
    ms, uv, emp = f["ms"], f["uv"], f["emp"]
    return [
        cell("DEU", "automotive", p1, "market_share_change", ms("DEU", "automotive", p1)),
        cell("BGD", "automotive", p2, "employment_change", emp("BGD", "automotive", p2)),
        cell("VNM", "wood_furniture", p1, "unit_value_change", uv("VNM", "wood_furniture", p1)),
        cell("KEN", "wood_furniture", p2, "employment_change", emp("KEN", "wood_furniture", p2)),
        cell("USA", "mobile_phones", p2, "economic_class",
             verdict(ms("USA", "mobile_phones", p2), uv("USA", "mobile_phones", p2))),
        # deliberately different:
        cell("MEX", "automotive", p1, "unit_value_change", uv("MEX", "automotive", p1),
             published=uv("MEX", "automotive", p1) * 1.5 + 0.01),
    ]


@pytest.fixture(scope="module")
def milberg_run(tmp_path_factory):
    return run_study("bernhardt_milberg_2011", tmp_path_factory.mktemp("bm"), milberg_cells)


@pytest.fixture(scope="module")
def pollak_run(tmp_path_factory):
    return run_study("bernhardt_pollak_2016", tmp_path_factory.mktemp("bp"), pollak_cells,
                     [*STUDY_TARGETS, "results/tables/group_comparison.csv",
                      "results/tables/group_comparison.html"])


def check_replication(run, mismatched: list[int]):
    """Every published cell matches, except the rows ``mismatched`` (positions in the published
    table), which are listed as mismatches with the published and the true value."""
    report = pd.read_csv(run["work"] / "results" / "replication" / "replication.csv",
                         keep_default_na=False, dtype=str)
    published = run["published"]
    keys = ["country", "value_chain", "period", "indicator"]
    assert len(report) == len(published)
    merged = published.merge(report, on=keys, validate="one_to_one")
    assert len(merged) == len(published)
    for position, row in merged.iterrows():
        expected = "mismatch" if position in mismatched else "match"
        assert row["status"] == expected, row.to_dict()
        if isinstance(row["truth"], str):
            assert row["computed"] == row["truth"] and row["published"] == row["value"]
        else:
            assert float(row["computed"]) == pytest.approx(row["truth"], rel=1e-9, abs=1e-12)
            assert float(row["published"]) == pytest.approx(row["value"], rel=1e-12)
    md = (run["work"] / "results" / "replication" / "replication.md").read_text()
    counts = f"{len(published)} published cells from published.csv: " \
             f"{len(published) - len(mismatched)} match, {len(mismatched)} mismatch, 0 missing"
    assert counts in md
    disagreements = md.split("## Disagreements", 1)[1].split("\n## ", 1)[0]
    listed = [line for line in disagreements.splitlines() if line.startswith("| ")][1:]
    assert len(listed) == len(mismatched)
    for position, line in zip(mismatched, listed):
        assert f"| {published.loc[position, 'country']} |" in line
    return report


@pytest.mark.e2e
def test_milberg_runs_end_to_end_and_replicates(milberg_run):
    run = milberg_run
    requested = run["requested"]
    assert "/wdi/en/indicator/ST.INT.RCPT.CD" in requested
    assert "/wdi/en/indicator/ST.INT.ARVL" in requested
    assert sum(p == "/comtrade/data/v1/get/C/A/HS" for p in requested) == len(YEARS)
    check_replication(run, mismatched=[10, 11, 12])


@pytest.mark.e2e
def test_milberg_indicators_follow_the_fixtures(milberg_run):
    run = milberg_run
    indicators = pd.read_parquet(run["work"] / "results" / "indicators" / "indicators.parquet")
    panel = run["panel"]
    merged = indicators.merge(panel, on=["country", "value_chain", "year"])
    assert len(merged) == len(COUNTRIES) * len(YEARS) * 4
    np.testing.assert_allclose(merged["market_share_x"], merged["market_share_y"], rtol=1e-9)
    np.testing.assert_allclose(merged["unit_value_usd_per_kg"], merged["unit_value"], rtol=1e-9)
    np.testing.assert_allclose(merged["employment_persons"], merged["employment"], rtol=1e-9)
    np.testing.assert_allclose(merged["real_wage_per_employee_lcu"], merged["real_wage"],
                               rtol=1e-6)
    assert (merged["labour_source"] == merged["source"]).all()
    units = indicators.groupby("value_chain")["unit_value_unit"].unique()
    assert list(units["tourism"]) == ["USD per arrival"]
    assert list(units["apparel"]) == ["USD per kg"]
    # the fallback: VNM and KEN apparel from ILOSTAT, CHN from INDSTAT though ILOSTAT has it
    apparel = indicators[indicators["value_chain"] == "apparel"].groupby("country")[
        "labour_source"].unique()
    assert list(apparel["VNM"]) == ["ilostat"] and list(apparel["CHN"]) == ["indstat"]
    accounting = pd.read_csv(run["work"] / "results" / "harmonised" / "accounting.csv")
    fallback = accounting[(accounting["source"] == "labour source fallback")
                          & (accounting["measure"] == "rows")]
    dropped = fallback[fallback["entry"] == "dropped"]
    assert dropped["reason"].str.startswith("ilostat not used").all()
    # every year: CHN apparel in ILOSTAT, and ILOSTAT's manufacturing earnings (by section)
    # of BGD and CHN, which serve both manufacturing chains, where INDSTAT covers the chain
    assert dropped["total"].sum() == 3 * len(YEARS)
    labour = pd.read_parquet(run["work"] / "results" / "harmonised" / "labour.parquet")
    assert not labour.duplicated(["country", "value_chain", "year"]).any()


@pytest.mark.e2e
def test_pollak_runs_end_to_end_and_compares_groups(pollak_run):
    run = pollak_run
    check_replication(run, mismatched=[5])
    work = run["work"]
    comparison = pd.read_csv(work / "results" / "tables" / "group_comparison.csv")
    assert set(comparison["group"]) == {"developed", "developing"}
    classification = pd.read_parquet(work / "results" / "classification" /
                                     "classification.parquet")
    panel, window = run["panel"], run["window"]
    for chain in WORLDS["bernhardt_pollak_2016"]:
        for period in PERIODS:
            for group, members in (("developed", ["DEU", "USA"]),
                                   ("developing", ["BGD", "CHN", "IND", "KEN", "MEX", "VNM"])):
                expected = sum(
                    verdict(log_change(panel, c, chain, period, "market_share", window),
                            log_change(panel, c, chain, period, "unit_value", window))
                    == "upgrading" for c in members)
                row = comparison[(comparison["value_chain"] == chain)
                                 & (comparison["period"] == period["label"])
                                 & (comparison["group"] == group)].iloc[0]
                assert row["countries"] == len(members)
                assert row["economic_upgrading"] == expected, (chain, period, group)
    assert len(classification) == len(COUNTRIES) * 4 * len(PERIODS)
    assert (work / "results" / "tables" / "group_comparison.html").stat().st_size > 0
    assert not math.isnan(comparison["economic_upgrading_share"].iloc[0])


def test_study_readme_section_lists_both_studies():
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Study presets", 1)[1].split("\n## ", 1)[0]
    for study in STUDIES:
        assert f"config/studies/{study}.yaml" in section
    for needle in ("COMTRADE_API_KEY", "INDSTAT", "Assumption"):
        assert needle in section

