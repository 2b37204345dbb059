"""End-to-end: the Snakemake workflow on the demo world, in a temporary copy of the repository."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_helpers import copy_repo, matching_pyfixest_options, snakemake

from gvc_upgrading.analysis.estimate import prepare_sample
from gvc_upgrading.analysis.specifications import normalise_spec, spec_terms
from gvc_upgrading.demo import (
    COEFFICIENT_TOLERANCE,
    DECENT_WORK_COEFFICIENTS,
    TRUE_COEFFICIENTS,
)
from gvc_upgrading.dimensions import load_dimensions

pytestmark = pytest.mark.e2e

@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """Run the whole demo workflow once (about a minute on two cores)."""
    work = copy_repo(tmp_path_factory.mktemp("workflow"))
    snakemake(work, "--cores", "2")
    return work


def test_outputs_of_every_stage(demo_run):
    results = demo_run / "results"
    for relative in ["harmonised/trade/trade_1995.parquet", "harmonised/trade/trade_2022.parquet",
                     "harmonised/labour.parquet", "harmonised/prices.parquet",
                     "indicators/indicators.parquet", "classification/classification.parquet",
                     "estimates/estimates.parquet", "estimates/estimates.csv",
                     "tables/regressions.md", "tables/regressions.tex", "tables/regressions.html",
                     "tables/quadrant_counts.csv", "figures/quadrants_apparel.png",
                     "figures/quadrants_automotive.pdf", "figures/coefficients.png"]:
        assert (results / relative).stat().st_size > 0, relative
    for rule in ["generate_demo_world", "compute_indicators", "harmonise_trade/2001"]:
        assert (results / "logs" / f"{rule}.log").exists()
        assert (results / "benchmarks" / f"{rule}.tsv").exists()
    indicators = pd.read_parquet(results / "indicators" / "indicators.parquet")
    assert set(indicators["value_chain"]) == {"apparel", "mobile_phones", "horticulture", "automotive"}
    shares = indicators.dropna(subset=["market_share"]).groupby(["value_chain", "year"])["market_share"].sum()
    assert shares.to_numpy() == pytest.approx(1.0)
    assert {"labour_productivity_lcu", "wage_bill_share_of_value_added"} <= set(indicators.columns)
    # INDSTAT value added (table 20, in $) gives productivity and the wage-bill share
    with_value_added = indicators.dropna(subset=["value_added_lcu"])
    assert set(with_value_added["value_chain"]) == {"apparel", "mobile_phones", "automotive"}
    assert with_value_added[["labour_productivity_lcu",
                             "wage_bill_share_of_value_added"]].notna().all().all()


def test_robustness_outputs_agree_with_the_classification(demo_run):
    results = demo_run / "results"
    for relative in ["robustness/robustness.csv", "tables/robustness.md", "tables/robustness.html",
                     "figures/robustness.png", "figures/robustness.pdf"]:
        assert (results / relative).stat().st_size > 0, relative
    robustness = pd.read_parquet(results / "robustness" / "robustness.parquet")
    classification = pd.read_parquet(results / "classification" / "classification.parquet")
    keys = ["country", "value_chain", "period"]
    merged = classification.merge(robustness, on=keys, suffixes=("", "_baseline"), validate="one_to_one")
    assert len(merged) == len(classification) == len(robustness)
    for change in ["market_share_change", "unit_value_change", "real_wage_change"]:
        pd.testing.assert_series_equal(merged[change], merged[f"{change}_baseline"], check_names=False)
    for side in ("economic", "social"):
        assert (merged[f"{side}_class"] == merged[f"{side}_class_baseline"]).all(), side
        assert robustness[f"{side}_agreement"].between(1 / 36, 1).all(), side
        assert (robustness[f"{side}_agreement"] < 1).any(), side  # some verdicts hinge on a choice
    assert (robustness["n_specifications"] == 36).all()  # value captured swaps in for the price


def test_verdicts_that_rest_on_a_break_in_series_are_named(demo_run):
    """The demo's ILOSTAT labour series (horticulture) switch from ISIC Rev.3 to Rev.4, most
    without an overlap year: those breaks stay flagged in the labour table, and the verdicts
    whose period holds one say so in the classification, robustness and quadrant tables."""
    results = demo_run / "results"
    labour = pd.read_parquet(results / "harmonised" / "labour.parquet")
    classification = pd.read_parquet(results / "classification" / "classification.parquet")
    flagged = classification[classification["social_caveat"] != ""]
    assert len(flagged) > 0 and set(flagged["value_chain"]) == {"horticulture"}
    assert (classification["economic_caveat"] == "").all()  # trade data carry no flags
    breaks = labour[labour["employment_break"]]
    for row in flagged.itertuples():
        year = int(re.search(r"series break: employment (\d{4})", row.social_caveat)[1])
        assert row.start_year < year <= row.end_year
        assert ((breaks["country"] == row.country) & (breaks["year"] == year)
                & (breaks["value_chain"] == "horticulture")).any(), row
    robustness = pd.read_parquet(results / "robustness" / "robustness.parquet")
    assert (robustness.sort_values(["country", "value_chain", "period"])["social_caveat"]
            .tolist() == classification.sort_values(["country", "value_chain", "period"])[
                "social_caveat"].tolist())
    assert "†" in (results / "tables" / "robustness.md").read_text()
    counts = pd.read_csv(results / "tables" / "quadrant_counts.csv")
    assert counts["with_caveat"].sum() == len(flagged)


def test_regressions_recover_the_true_coefficients(demo_run):
    estimates = pd.read_parquet(demo_run / "results" / "estimates" / "estimates.parquet")
    checked = 0
    for chain, outcomes in TRUE_COEFFICIENTS.items():
        for outcome, terms in outcomes.items():
            for regressor, truth in terms.items():
                row = estimates[(estimates["value_chain"] == chain) & (estimates["outcome"] == outcome)
                                & (estimates["term"] == f"log_{regressor}")
                                & estimates["spec_id"].isin(TRUE_MODEL_SPECS)]
                assert len(row) == 1, (chain, outcome, regressor)
                estimate = row["estimate"].iloc[0]
                assert abs(estimate - truth) <= COEFFICIENT_TOLERANCE, (chain, outcome, regressor, estimate, truth)
                checked += 1
    assert checked == 16


def _two_way_within(frame: pd.DataFrame, column: str) -> pd.Series:
    """``column`` with country and year means removed (alternating projections)."""
    values = frame[column].astype(float)
    for _ in range(100):
        values = values - values.groupby(frame["country"]).transform("mean")
        values = values - values.groupby(frame["year"]).transform("mean")
    return values


def test_value_capture_outputs_and_the_demo_relationship(demo_run):
    """The value-captured indicators, the value_capture classification and the two figures;
    the demo's effect of relative prices on the value kept is recovered from the indicator
    table (logit of the domestic share on the log relative unit value, country and year
    effects), and TiVA's industry holds each chain's exports."""
    from gvc_upgrading.demo import TRUE_VALUE_CAPTURE

    results = demo_run / "results"
    for relative in ["harmonised/value_added.parquet", "harmonised/accounting/value_added.csv",
                     "classification/classification_value_capture.parquet",
                     "tables/quadrant_counts_value_capture.md",
                     "tables/quadrant_counts_value_capture.html",
                     "figures/value_added_paths.png", "figures/value_added_paths.pdf",
                     "figures/participation.png", "figures/participation.pdf"]:
        assert (results / relative).stat().st_size > 0, relative
    indicators = pd.read_parquet(results / "indicators" / "indicators.parquet")
    for column in ["domestic_value_added_usd_constant", "domestic_value_added_share",
                   "foreign_value_added_share", "forward_participation_share"]:
        assert indicators[column].notna().sum() > 1000, column
    share = indicators["chain_share_of_industry_exports"].dropna()
    assert len(share) > 1000 and share.between(0, 1 + 1e-6).all()
    for chain, truth in TRUE_VALUE_CAPTURE.items():
        rows = indicators[(indicators["value_chain"] == chain)].dropna(
            subset=["domestic_value_added_share", "relative_unit_value"])
        data = rows.assign(
            logit=np.log(rows["domestic_value_added_share"]
                         / (100 - rows["domestic_value_added_share"])),
            price=np.log(rows["relative_unit_value"]))
        y, x = _two_way_within(data, "logit"), _two_way_within(data, "price")
        slope = float((x * y).sum() / (x * x).sum())
        assert slope == pytest.approx(truth, abs=0.06), chain
    classes = pd.read_parquet(results / "classification" / "classification_value_capture.parquet")
    assert set(classes["economic_class"]) <= {"upgrading", "mixed", "downgrading",
                                              "insufficient data"}
    assert {"upgrading", "downgrading"} <= set(classes["economic_class"])
    kept = classes.dropna(subset=["domestic_value_added_change",
                                  "domestic_value_added_share_change"])
    expected_up = (kept["domestic_value_added_change"] > 0) & (
        kept["domestic_value_added_share_change"] >= 0)
    assert ((kept["economic_class"] == "upgrading") == expected_up).all()
    # the "value kept" specifications: a column per chain beside "market share and price"
    estimates = pd.read_parquet(results / "estimates" / "estimates.parquet")
    for spec in ("employment_value_kept", "real_wage_value_kept"):
        rows = estimates[estimates["spec_id"] == spec]
        assert set(rows["value_chain"]) == set(indicators["value_chain"]), spec
        roles = rows.groupby("value_chain")["role"].apply(set)
        assert (roles == {"regressor", "interaction", "moderator"}).all(), spec
    table = (results / "tables" / "regressions.md").read_text(encoding="utf-8")
    for label in ("Employment, value kept", "Real wage, value kept",
                  "log market share × log domestic value-added share"):
        assert label in table, label


def test_nothing_to_do_after_a_completed_run(demo_run):
    result = snakemake(demo_run, "-n")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_report_contains_figures_and_tables(demo_run):
    snakemake(demo_run, "--report", "results/report.html")
    html = (demo_run / "results" / "report.html").read_text(encoding="utf-8", errors="replace")
    for name in ["quadrants_apparel.png", "coefficients.png", "regressions.html", "quadrant_counts.html",
                 "robustness.png", "robustness.html", "value_added_paths.png", "participation.png",
                 "quadrant_counts_value_capture.html", "decent_work_apparel.png",
                 "decent_work_horticulture.png", "profiles.html", "coverage.png"]:
        assert name in html, name
    # the value-capture captions say that TiVA's industries are broader than the chains
    assert html.count("broader than the chains") >= 3


def test_demo_fills_every_dimension_and_reports_women_and_men(demo_run):
    """No indicator column is empty in the demo (hooks, value added and every dimension in use,
    women's and men's columns included); women's share of the INDSTAT chains is table 31 over
    table 04 of the labour table; the classification names its rule and has women's and men's
    changes; the decent-work figures and the profile page are written."""
    results = demo_run / "results"
    config = demo_config(demo_run)
    indicators = pd.read_parquet(results / "indicators" / "indicators.parquet")
    dimensions = load_dimensions({**config["dimensions"],
                                  "file": demo_run / config["dimensions"]["file"]})
    columns = [c for d in dimensions.values() for c in d.columns]
    assert set(columns) <= set(indicators.columns)
    empty = [c for c in indicators.columns if indicators[c].isna().all()]
    assert empty == []
    filled = indicators.groupby("value_chain")["female_employment_share"].count()
    assert (filled > 500).all(), filled
    labour = pd.read_parquet(results / "harmonised" / "labour.parquet")
    from_indstat = labour.dropna(subset=["female_employment_share"])
    assert set(from_indstat["labour_source"]) == {"indstat"}
    assert set(from_indstat["value_chain"]) == {"apparel", "mobile_phones", "automotive"}
    joined = indicators.merge(from_indstat[["country", "value_chain", "year",
                                            "female_employment_share"]],
                              on=["country", "value_chain", "year"], suffixes=("", "_labour"))
    assert (joined["female_employment_share"] == joined["female_employment_share_labour"]).all()
    classification = pd.read_parquet(results / "classification" / "classification.parquet")
    assert set(classification["rule"]) == {config["classification"]["rule"]}
    for dim in (d for d in dimensions.values() if d.by_sex):
        for sex in ("female", "male"):
            assert classification[f"{dim.id}_{sex}_change"].notna().sum() > 50, (dim.id, sex)
    counts = pd.read_csv(results / "tables" / "quadrant_counts.csv")
    assert set(counts["rule"]) == {config["classification"]["rule"]}
    for chain in config["value_chains"]:
        assert (results / "figures" / f"decent_work_{chain}.png").stat().st_size > 0
    page = (results / "profiles" / "profiles.html").read_text(encoding="utf-8")
    assert "Mean weekly hours actually worked (women)" in page


def test_lint_is_clean(demo_run):
    result = snakemake(demo_run, "--lint")
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


@pytest.mark.parametrize(("overlay", "message"), [
    ("classification:\n  tolerence: 0.05\n", "classification.tolerence' is not allowed"),
    ("prices:\n  cpi_base_year: twenty-ten\n",
     "prices.cpi_base_year': 'twenty-ten' is not of type 'integer'"),
])
def test_config_overlay_errors_name_the_key(tmp_path, overlay, message):
    work = copy_repo(tmp_path)
    (work / "overlay.yaml").write_text(overlay)
    result = snakemake(work, "-n", "--configfile", "overlay.yaml", check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


# --- regressions, tables, figures and report (issue 6) -----------------------------------------

TRUE_MODEL_SPECS = ("employment", "real_wage")  # the demo's true model: annual, per chain, logs


def demo_config(workdir):
    return yaml.safe_load((workdir / "config" / "config.yaml").read_text())


def test_every_true_coefficient_lies_inside_its_95_interval(demo_run):
    estimates = pd.read_parquet(demo_run / "results" / "estimates" / "estimates.parquet")
    rows = estimates[estimates["spec_id"].isin(TRUE_MODEL_SPECS)]
    assert len(rows) == 16
    for row in rows.itertuples(index=False):
        truth = TRUE_COEFFICIENTS[row.value_chain][row.outcome][row.variable]
        assert row.ci_low <= truth <= row.ci_high, (row.value_chain, row.outcome, row.term,
                                                     row.estimate, row.std_error, truth)


def _independent_sample(indicators, spec, chain):
    """Log outcome and regressors of one chain, rows with a missing or non-positive value
    dropped -- written here without the library, for the annual per-chain specifications."""
    columns = [spec["outcome"], *spec["regressors"]]
    rows = indicators[indicators["value_chain"] == chain].dropna(subset=columns)
    rows = rows[(rows[columns] > 0).all(axis=1)]
    data = np.log(rows[columns]).rename(columns=lambda col: f"log_{col}")
    return data.assign(country=rows["country"].astype(str), year=rows["year"].astype(str))


def pyfixest_formula(spec: dict) -> tuple[str, dict[str, str]]:
    """The pyfixest formula of a normalised spec, with interactions written ``x:m`` so that
    pyfixest forms the product itself, and its names of the interactions -> our term names."""
    outcome, *terms = spec_terms(spec)
    names = {(t.role, t.column): t.name for t in terms}
    pieces, renames = [], {}
    for term in terms:
        piece = term.name
        if term.role == "interaction":
            piece = f"{names['regressor', term.column]}:{names['moderator', term.moderator]}"
            renames[piece] = term.name
        pieces.append(piece)
    fixed = " + ".join(spec["fixed_effects"])
    return f"{outcome.name} ~ {' + '.join(pieces)}" + (f" | {fixed}" if fixed else ""), renames


def compare_with_pyfixest(pf, config: dict, indicators, estimates, spec: dict) -> int:
    """Check every chain of one spec's estimates against pyfixest (coefficients to 1e-8,
    standard errors to 1e-6, relative); return the number of regressions compared."""
    spec = normalise_spec(spec)
    formula, renames = pyfixest_formula(spec)
    compared = 0
    for chain, ours in estimates[estimates["spec_id"] == spec["id"]].groupby("value_chain"):
        if spec["id"] in TRUE_MODEL_SPECS:
            data = _independent_sample(indicators, spec, chain)
        else:
            data = prepare_sample(indicators, spec, None if chain == "pooled" else chain,
                                  periods=config["classification"]["periods"],
                                  endpoint_years=config["classification"]["endpoint_years"])
            data = data.astype({"year": str})
        fit = pf.feols(formula, data, weights="_weight" if spec["weights"] else None,
                       vcov={"CRV1": "+".join(spec["cluster"])},
                       **matching_pyfixest_options(pf))
        tidy = fit.tidy().rename(index=renames)
        estimated = ours[ours["estimate"].notna()].set_index("term")  # absorbed terms: none
        assert sorted(tidy.index) == sorted(estimated.index), (spec["id"], chain)
        tidy = tidy.loc[estimated.index]
        np.testing.assert_allclose(estimated["estimate"], tidy["Estimate"], rtol=1e-8)
        np.testing.assert_allclose(estimated["std_error"], tidy["Std. Error"], rtol=1e-6)
        assert (ours["n_obs"] == fit._N).all()
        compared += 1
    return compared


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # raised inside pyfixest
def test_demo_estimates_match_pyfixest(demo_run):
    """Every specification of the demo config against pyfixest with the same small-sample
    correction (K counts every fixed-effect dummy, G/(G-1), t with G-1 df, no singleton
    removal): coefficients to 1e-8 and standard errors to 1e-6, relative."""
    pf = pytest.importorskip("pyfixest")
    config = demo_config(demo_run)
    indicators = pd.read_parquet(demo_run / "results" / "indicators" / "indicators.parquet")
    estimates = pd.read_parquet(demo_run / "results" / "estimates" / "estimates.parquet")
    specs = list(map(normalise_spec, config["estimation"]["specifications"]))
    compared = sum(compare_with_pyfixest(pf, config, indicators, estimates, spec)
                   for spec in specs)
    # every chain of each per-chain spec, one regression of each pooled spec
    assert compared == sum(len(config["value_chains"]) if spec["by_value_chain"] else 1
                           for spec in specs)
    assert compared == 27  # 6 specs x 4 chains + 3 pooled specs


GENDER_SPECS = ("female_employment_share", "gender_pay_gap")  # id = outcome, per chain, logs


def test_gender_outcomes_recover_the_demo_relationships(demo_run):
    """The default gender specifications: per chain, the demo's true coefficients of women's
    share of employment and the gender pay gap (DECENT_WORK_COEFFICIENTS) lie inside the 95%
    intervals the workflow estimates (zero for the manufacturing chains' section-level gap)."""
    estimates = pd.read_parquet(demo_run / "results" / "estimates" / "estimates.parquet")
    rows = estimates[estimates["spec_id"].isin(GENDER_SPECS)]
    assert len(rows) == len(GENDER_SPECS) * 4 * 2  # 4 chains, 2 regressors
    for row in rows.itertuples(index=False):
        truth = DECENT_WORK_COEFFICIENTS[row.value_chain][row.outcome][row.variable]
        assert row.ci_low <= truth <= row.ci_high, (row.value_chain, row.outcome, row.term,
                                                     row.estimate, row.std_error, truth)
    labels = set(zip(rows["spec_id"], rows["outcome_label"]))
    assert labels == {("female_employment_share", "log women's share of employment"),
                      ("gender_pay_gap", "log gender pay gap")}


def test_decent_work_columns_recover_the_demo_relationships(demo_run):
    """Every outcome of DECENT_WORK_COEFFICIENTS as the workflow measured it (the indicator
    table: ILOSTAT sections and sectors, INDSTAT tables 31/04 and 05/20), women's and men's
    columns included, regressed per chain on the measured log market share and log relative
    unit value with country and year effects: each true coefficient lies inside its 95%
    interval."""
    from gvc_upgrading.analysis.estimate import estimate_spec

    indicators = pd.read_parquet(demo_run / "results" / "indicators" / "indicators.parquet")
    checked = 0
    for chain, outcomes in DECENT_WORK_COEFFICIENTS.items():
        rows = indicators[indicators["value_chain"] == chain]
        for outcome, truth in outcomes.items():
            for column in [c for c in (outcome, f"{outcome}_female", f"{outcome}_male")
                           if c in rows.columns]:
                spec = {"id": column, "outcome": column, "log": True,
                        "regressors": ["market_share", "relative_unit_value"],
                        "fixed_effects": ["country", "year"], "cluster": ["country"]}
                for row in estimate_spec(rows, spec).itertuples(index=False):
                    assert row.n_obs > 300, (chain, column)
                    assert row.ci_low <= truth[row.variable] <= row.ci_high, (
                        chain, column, row.variable, row.estimate, row.std_error)
                    checked += 1
    # 4 chains x 2 regressors: women's share; 3 x 2: wage-bill share; 4 x 2 each: pay gap,
    # injuries, and hours and informality for the total, women and men
    assert checked == 2 * (4 + 3 + 4 + 4 + 3 * 4 + 3 * 4)


def test_the_default_interaction_with_union_density_is_reported(demo_run):
    results = demo_run / "results"
    estimates = pd.read_parquet(results / "estimates" / "estimates.parquet")
    rows = estimates[estimates["spec_id"] == "real_wage_union_density"].set_index("term")
    assert list(rows["role"]) == ["regressor", "regressor", "interaction", "moderator"]
    label = "log market share × trade union density"
    assert rows.loc["log_market_share_x_union_density", "term_label"] == label
    assert rows["estimate"].notna().all()  # density varies within countries: not absorbed
    table = (results / "tables" / "regressions.md").read_text(encoding="utf-8")
    assert f"| {label} |" in table and "| trade union density |" in table
    header = table.splitlines()[0]
    assert "Women's share of employment" in header and "Gender pay gap" in header
    numbers = json.loads((results / "numbers.json").read_text())
    quoted = numbers["coefficients"]["real_wage_union_density"]["pooled"]
    assert quoted["log_market_share_x_union_density"]["label"] == label


def _table_header(path):
    return path.read_text(encoding="utf-8").splitlines()[0]


def test_a_specification_in_an_overlay_adds_a_table_column(demo_run, tmp_path):
    """No code change: an overlay with one more specification reruns only the estimation and
    the regression table, which gains a column."""
    work = tmp_path / "run"
    shutil.copytree(demo_run, work, symlinks=True)
    specs = demo_config(work)["estimation"]["specifications"]
    extra = {"id": "real_wage_levels", "label": "Real wage in levels",
             "outcome": "real_wage_per_employee_lcu", "regressors": ["market_share"],
             "log": False, "fixed_effects": ["country_value_chain", "year"],
             "by_value_chain": False}
    (work / "overlay.yaml").write_text(
        yaml.safe_dump({"estimation": {"specifications": [*specs, extra]}}))
    table = work / "results" / "tables" / "regressions.md"
    before = _table_header(table)
    # the target goes before --configfile, which takes every following word as a config file
    result = snakemake(work, "--cores", "2", "results/tables/regressions.md",
                       "--configfile", "overlay.yaml")
    ran = set(re.findall(r"\(Rule: (\w+)\)", result.stdout + result.stderr))
    assert ran == {"estimate_social_on_economic", "tabulate_regressions"}
    after = _table_header(table)
    assert after.count("|") == before.count("|") + 1
    assert after.endswith("| Real wage in levels |") and "Real wage in levels" not in before
    assert "| market share |" in table.read_text(encoding="utf-8")


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # raised inside pyfixest
def test_an_interaction_in_an_overlay_reaches_every_output(demo_run, tmp_path):
    """No code change: a specification with an interaction (market share x unit-value
    coverage, the demo's only moderator-like column until the rights data land) appears with
    its label in the estimates, the regression table, the coefficient plot, the descriptives
    and numbers.json, and agrees with pyfixest."""
    pf = pytest.importorskip("pyfixest")
    work = tmp_path / "run"
    shutil.copytree(demo_run, work, symlinks=True)
    config = demo_config(work)
    moderated = {"id": "wage_moderated", "label": "Real wage, moderated",
                 "outcome": "real_wage_per_employee_lcu",
                 "regressors": ["market_share", "relative_unit_value"],
                 "interactions": [["market_share", "unit_value_coverage"]],
                 "fixed_effects": ["country_value_chain", "year"], "by_value_chain": False}
    (work / "overlay.yaml").write_text(yaml.safe_dump(
        {"estimation": {"specifications": [*config["estimation"]["specifications"],
                                           moderated]}}))
    targets = ["results/tables/regressions.md", "results/tables/descriptives.csv",
               "results/numbers.json", "results/figures/coefficients.png"]
    snakemake(work, "--cores", "2", *targets, "--configfile", "overlay.yaml")
    results = work / "results"
    label = "log market share × unit value coverage"
    table = (results / "tables" / "regressions.md").read_text(encoding="utf-8")
    assert f"| {label} |" in table and "| unit value coverage |" in table
    assert "Terms a × b are the product of a and b" in table
    estimates = pd.read_parquet(results / "estimates" / "estimates.parquet")
    rows = estimates[estimates["spec_id"] == "wage_moderated"].set_index("term")
    assert list(rows["role"]) == ["regressor", "regressor", "interaction", "moderator"]
    numbers = json.loads((results / "numbers.json").read_text())
    quoted = numbers["coefficients"]["wage_moderated"]["pooled"]
    interaction = quoted["log_market_share_x_unit_value_coverage"]
    assert interaction["label"] == label and interaction["role"] == "interaction"
    assert interaction["estimate"] == rows.loc["log_market_share_x_unit_value_coverage",
                                                "estimate"]
    stats = pd.read_csv(results / "tables" / "descriptives.csv")
    assert "unit_value_coverage" in set(stats["variable"])
    indicators = pd.read_parquet(results / "indicators" / "indicators.parquet")
    assert compare_with_pyfixest(pf, config, indicators, estimates, moderated) == 1


def test_descriptives_paths_numbers_and_outputs_map(demo_run):
    results = demo_run / "results"
    for relative in ["tables/descriptives.md", "tables/descriptives.tex",
                     "tables/descriptives.html", "figures/paths.png", "figures/paths.pdf",
                     "provenance/provenance.html", "outputs_map.md"]:
        assert (results / relative).stat().st_size > 0, relative
    stats = pd.read_csv(results / "tables" / "descriptives.csv")
    assert set(stats["variable"]) == {"employment_persons", "market_share",
                                      "relative_unit_value", "real_wage_per_employee_lcu",
                                      "female_employment_share", "gender_pay_gap",
                                      "union_density", "domestic_value_added_share"}
    numbers = json.loads((results / "numbers.json").read_text())
    indicators = pd.read_parquet(results / "indicators" / "indicators.parquet")
    estimates = pd.read_parquet(results / "estimates" / "estimates.parquet")
    assert numbers["panel"]["countries"] == indicators["country"].nunique() == 50
    row = estimates[(estimates["spec_id"] == "real_wage")
                    & (estimates["value_chain"] == "mobile_phones")].iloc[0]
    quoted = numbers["coefficients"]["real_wage"]["mobile_phones"][row["term"]]
    assert quoted["estimate"] == row["estimate"] and quoted["n_obs"] == row["n_obs"]
    mapped = (results / "outputs_map.md").read_text()
    for path in sorted((results / "tables").iterdir()) + sorted((results / "figures").iterdir()):
        assert f"`results/{path.parent.name}/{path.name}`" in mapped, path.name
    assert "| `results/figures/paths.png` | Data / Country paths | `plot_paths` |" in mapped


def test_provenance_records_the_raw_files_and_the_config(demo_run):
    record = json.loads((demo_run / "results" / "provenance" / "provenance.json").read_text())
    config = demo_config(demo_run)
    # the datasets the run reads: the core inputs and the files of the dimensions in use
    dimensions = load_dimensions({**config["dimensions"],
                                  "file": demo_run / config["dimensions"]["file"]})
    read = {"trade", "indstat", "ilostat_employment", "ilostat_earnings", "wdi_cpi",
            "wdi_exchange_rate"} | {d.dataset for d in dimensions.values() if d.dataset}
    assert [d["id"] for d in record["datasets"]] == [
        dataset for role, dataset in config["datasets"].items() if role in read]
    files = [f for d in record["datasets"] for f in d["files"]]
    assert len(files) >= 6
    for f in files:
        assert f["sha256"] == hashlib.sha256((demo_run / f["path"]).read_bytes()).hexdigest()
    assert record["config"]["estimation"] == config["estimation"]
    assert record["software"]["pandas"] == pd.__version__


def test_report_files_every_figure_and_table_under_a_category(demo_run):
    snakemake(demo_run, "--report", "results/report_issue6.html")
    html = (demo_run / "results" / "report_issue6.html").read_text(encoding="utf-8",
                                                                    errors="replace")
    for name in ["paths.png", "descriptives.html", "provenance.html", "numbers.json",
                 "outputs_map.html", "coefficients.png", "regressions.html"]:
        assert name in html, name
    for category in ["Data", "Regressions", "Upgrading", "Provenance"]:
        assert category in html, category



# --- harmonisation: row accounting, schemas, coverage (issue 4) --------------------------------

def test_demo_value_totals_agree_except_for_the_counted_drops(demo_run):
    """Per step and measure the accounting balances (the rule would have failed otherwise), its
    'in' totals are those of the raw demo files and its 'out' totals those of the tables."""
    import zipfile

    from gvc_upgrading.harmonise.accounting import read_accounting

    results = demo_run / "results" / "harmonised"
    accounting = read_accounting([results / "accounting.csv"])  # raises when unbalanced
    total = accounting.groupby(["source", "entry", "measure"])["total"].sum()
    with zipfile.ZipFile(demo_run / "resources/raw/demo/baci/BACI_HS92_V202401.zip") as zf:
        raw = pd.concat([pd.read_csv(zf.open(name)) for name in zf.namelist()
                         if name.startswith("BACI_HS92_Y")])
    assert total["CEPII BACI", "in", "rows"] == len(raw)
    assert total["CEPII BACI", "in", "value_usd"] == pytest.approx(raw["v"].sum() * 1000, rel=1e-12)
    trade = pd.read_parquet(results / "trade")
    assert total["CEPII BACI", "out", "value_usd"] == pytest.approx(trade["value_usd"].sum(),
                                                                    rel=1e-12)
    labour = pd.read_parquet(results / "labour.parquet")
    for source, label in [("indstat", "UNIDO INDSTAT"), ("ilostat", "ILOSTAT employment")]:
        rows = labour[labour["labour_source"] == source]
        assert total[label, "out", "employment_persons"] == pytest.approx(
            rows["employment_persons"].sum(), rel=1e-12), source
    prices = pd.read_parquet(results / "prices.parquet")
    assert total["World Bank WDI FP.CPI.TOTL", "out", "cpi"] == pytest.approx(prices["cpi"].sum())
    # the WDI aggregates of the demo (World, High income, ...) are counted where they leave
    dropped = accounting[(accounting["entry"] == "dropped") & (accounting["measure"] == "rows")]
    assert "country is a regional aggregate or unspecified area" in set(dropped["reason"])
    assert set(prices["country"]).isdisjoint({"WLD", "HIC", "SSF", "EMU", "XNS"})


def test_demo_tables_declare_schema_and_units_and_coverage_is_reported(demo_run):
    from gvc_upgrading.io import read_metadata

    results = demo_run / "results"
    for name, schema in [("trade/trade_2001.parquet", "harmonised trade"),
                         ("prices.parquet", "harmonised prices"),
                         ("labour.parquet", "harmonised labour")]:
        meta = read_metadata(results / "harmonised" / name)
        assert meta["schema"] == schema and meta["units"], name
    indicators = pd.read_parquet(results / "indicators" / "indicators.parquet")
    usa_cpi = pd.read_parquet(results / "harmonised" / "prices.parquet").query("country == 'USA'")
    cpi = usa_cpi.set_index("year")["cpi"]
    row = indicators.dropna(subset=["export_value_usd"]).iloc[0]
    assert row["export_value_usd_constant"] == pytest.approx(
        row["export_value_usd"] / cpi[row["year"]] * cpi[2010])
    for relative in ["figures/coverage.png", "figures/coverage.pdf", "harmonised/accounting.html"]:
        assert (results / relative).stat().st_size > 0, relative
    snakemake(demo_run, "--report", "results/report_issue4.html")
    html = (results / "report_issue4.html").read_text(encoding="utf-8", errors="replace")
    assert "coverage.png" in html and "accounting.html" in html
