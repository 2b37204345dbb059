"""Tests for gvc_upgrading.analysis.estimate: recovery of known coefficients, agreement with pyfixest,
sample construction and error messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_helpers import matching_pyfixest_options

from conftest import REPO
from gvc_upgrading.analysis.estimate import (
    ESTIMATE_COLUMNS,
    estimate_all,
    estimate_spec,
    prepare_sample,
)
from gvc_upgrading.analysis.specifications import (
    SPEC_DEFAULTS,
    describe_sample,
    normalise_spec,
    spec_variables,
    term_label,
    term_name,
)

TRUE_BETA = {"apparel": (0.6, -0.4), "automotive": (0.2, 0.5)}
SPEC = {
    "id": "employment",
    "label": "Employment",
    "outcome": "employment_persons",
    "regressors": ["market_share", "relative_unit_value"],
    "log": True,
    "fixed_effects": ["country", "year"],
    "cluster": ["country"],
    "by_value_chain": True,
}


def make_panel(seed: int = 7, n_countries: int = 40, n_years: int = 20) -> pd.DataFrame:
    """An unbalanced country x year panel per chain with country and year effects.

    log(employment) = a_c + d_t + b1 * log(market_share) + b2 * log(relative_unit_value) + e,
    with errors correlated within countries. A few rows carry gaps or non-positive values, and
    one country per chain is a singleton (observed in one year only).
    """
    rng = np.random.default_rng(seed)
    frames = []
    for chain, (b1, b2) in TRUE_BETA.items():
        countries = [f"C{i:02d}" for i in range(n_countries)]
        years = np.arange(2000, 2000 + n_years)
        grid = pd.MultiIndex.from_product([countries, years], names=["country", "year"])
        df = grid.to_frame(index=False)
        country_effect = dict(zip(countries, rng.normal(0, 1, n_countries)))
        year_effect = dict(zip(years, rng.normal(0, 0.5, n_years)))
        country_shock = dict(zip(countries, rng.normal(0, 0.3, n_countries)))
        a = df["country"].map(country_effect).to_numpy()
        d = df["year"].map(year_effect).to_numpy()
        log_share = -4 + a + rng.normal(0, 1, len(df))
        log_ruv = 0.5 * d + rng.normal(0, 0.5, len(df))
        noise = rng.normal(0, 0.1, len(df)) + df["country"].map(country_shock) * rng.normal(
            0, 1, len(df)
        )
        log_emp = 8 + a + d + b1 * log_share + b2 * log_ruv + noise
        df["value_chain"] = chain
        df["market_share"] = np.exp(log_share)
        df["relative_unit_value"] = np.exp(log_ruv)
        df["employment_persons"] = np.exp(log_emp)
        df = df.sample(frac=0.85, random_state=seed).sort_values(["country", "year"])
        singleton = df.iloc[[0]].assign(country="ZZZ")  # a country observed once
        frames += [df, singleton]
    panel = pd.concat(frames, ignore_index=True)
    panel.loc[panel.index[::37], "employment_persons"] = np.nan
    panel.loc[panel.index[5::41], "relative_unit_value"] = 0.0
    return panel


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return make_panel()


def log_frame(panel: pd.DataFrame, chain: str) -> pd.DataFrame:
    """The logged estimation data of one chain, built independently of prepare_sample."""
    df = panel[panel["value_chain"] == chain].dropna(
        subset=["employment_persons", "market_share", "relative_unit_value"]
    )
    df = df[(df[["employment_persons", "market_share", "relative_unit_value"]] > 0).all(axis=1)]
    return pd.DataFrame(
        {
            "country": df["country"].astype(str),
            "year": df["year"].astype(str),
            "y": np.log(df["employment_persons"]),
            "x1": np.log(df["market_share"]),
            "x2": np.log(df["relative_unit_value"]),
        }
    ).reset_index(drop=True)


def test_estimates_recover_the_true_coefficients(panel):
    est = estimate_spec(panel, SPEC)
    assert list(est.columns) == ESTIMATE_COLUMNS
    assert list(est["value_chain"].unique()) == list(TRUE_BETA)
    for chain, truth in TRUE_BETA.items():
        rows = est[est["value_chain"] == chain]
        assert list(rows["term"]) == ["log_market_share", "log_relative_unit_value"]
        np.testing.assert_allclose(rows["estimate"], truth, atol=0.05)
        assert ((rows["ci_low"] < rows["estimate"]) & (rows["estimate"] < rows["ci_high"])).all()
    assert (est["fixed_effects"] == "country+year").all()
    assert (est["cluster"] == "country").all()
    assert (est["n_clusters"] == 41).all()


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # raised inside pyfixest
@pytest.mark.parametrize("cluster", [["country"], ["country", "year"]])
def test_matches_pyfixest_with_full_fixed_effect_count(panel, cluster):
    """statsmodels' correction G/(G-1) * (N-1)/(N-K), K counting every dummy, is pyfixest's
    ssc(k_fixef="full", G_df="conventional"); pyfixest must keep the singleton to compare."""
    pf = pytest.importorskip("pyfixest")
    spec = {**SPEC, "cluster": cluster}
    ours = estimate_spec(panel, spec)
    ours = ours[ours["value_chain"] == "apparel"]
    fit = pf.feols(
        "y ~ x1 + x2 | country + year",
        log_frame(panel, "apparel"),
        vcov={"CRV1": "+".join(cluster)},
        **matching_pyfixest_options(pf),
    )
    tidy = fit.tidy()
    np.testing.assert_allclose(ours["estimate"], tidy["Estimate"], rtol=1e-8)
    np.testing.assert_allclose(ours["std_error"], tidy["Std. Error"], rtol=1e-6)
    np.testing.assert_allclose(ours["p_value"], tidy["Pr(>|t|)"], rtol=1e-5, atol=1e-14)
    assert (ours["n_obs"] == fit._N).all()
    np.testing.assert_allclose(ours["r_squared"], fit._r2, rtol=1e-8)
    np.testing.assert_allclose(ours["r_squared_within"], fit._r2_within, rtol=1e-8)


def test_two_way_clustering_reports_the_smaller_cluster_count(panel):
    est = estimate_spec(panel, {**SPEC, "cluster": ["country", "year"]})
    assert (est["n_clusters"] == 20).all()
    assert (est["cluster"] == "country+year").all()
    assert est["std_error"].gt(0).all()


def test_redundant_fixed_effects_do_not_change_pooled_results(panel):
    """value_chain is nested in country_value_chain: its dummies must be dropped, leaving the
    point estimates and the small-sample correction (via K) unchanged."""
    base = {**SPEC, "by_value_chain": False, "fixed_effects": ["country_value_chain", "year"]}
    nested = {**base, "fixed_effects": ["country_value_chain", "year", "value_chain"]}
    a, b = estimate_spec(panel, base), estimate_spec(panel, nested)
    assert (a["value_chain"] == "pooled").all()
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-9)
    np.testing.assert_allclose(a["std_error"], b["std_error"], rtol=1e-9)
    assert b["fixed_effects"].iloc[0] == "country_value_chain+year+value_chain"


def test_prepare_sample_logs_and_drops_unusable_rows(panel):
    sample = prepare_sample(panel, SPEC, "apparel")
    expected = log_frame(panel, "apparel")
    assert len(sample) == len(expected)
    assert list(sample.columns[-3:]) == [
        "log_employment_persons", "log_market_share", "log_relative_unit_value",
    ]
    np.testing.assert_allclose(sample["log_market_share"], expected["x1"])
    levels = prepare_sample(panel, {**SPEC, "log": False}, "apparel")
    assert "market_share" in levels.columns and "log_market_share" not in levels.columns
    assert (levels["relative_unit_value"] == 0).any()  # zeros are kept without logs


def test_without_fixed_effects_within_r_squared_is_nan(panel):
    est = estimate_spec(panel, {**SPEC, "fixed_effects": []})
    assert est["r_squared_within"].isna().all()
    assert est["r_squared"].between(0, 1).all()


def test_term_order_follows_the_regressor_order(panel):
    spec = {**SPEC, "regressors": ["relative_unit_value", "market_share"]}
    est = estimate_spec(panel, spec)
    assert list(est["term"][:2]) == ["log_relative_unit_value", "log_market_share"]


def test_estimate_all_stacks_specs_in_order(panel):
    second = {**SPEC, "id": "levels", "label": "Levels", "log": False}
    est = estimate_all(panel, [SPEC, second])
    assert list(est["spec_id"].unique()) == ["employment", "levels"]
    assert len(est) == 2 * len(TRUE_BETA) * 2
    assert set(est.loc[est["spec_id"] == "levels", "term"]) == {
        "market_share", "relative_unit_value",
    }


def test_missing_column_names_spec_and_column(panel):
    spec = {**SPEC, "id": "wages", "outcome": "real_wage_per_employee_lcu"}
    with pytest.raises(ValueError, match=r"'wages'.*'real_wage_per_employee_lcu'"):
        estimate_spec(panel, spec)


def test_empty_sample_names_spec_and_chain(panel):
    gappy = panel.copy()
    gappy.loc[gappy["value_chain"] == "automotive", "employment_persons"] = np.nan
    with pytest.raises(ValueError, match=r"'employment'.*'automotive'.*empty"):
        estimate_spec(gappy, SPEC)


# --- specifications as data: defaults, controls, weights, designs, sample filters -------------


def test_spec_defaults_are_those_of_the_config_schema():
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
    properties = schema["properties"]["estimation"]["properties"]["specifications"]["items"][
        "properties"]
    declared = {key: prop["default"] for key, prop in properties.items() if "default" in prop}
    assert declared == {key: value for key, value in SPEC_DEFAULTS.items() if key != "weights"}
    assert set(properties) == set(SPEC_DEFAULTS) | {"id", "label", "outcome", "regressors"}


def test_normalise_spec_fills_defaults_and_rejects_bad_keys():
    spec = normalise_spec({"id": "a", "outcome": "y", "regressors": ["x"]})
    assert spec["label"] == "a" and spec["design"] == "annual" and spec["lags"] == 0
    assert normalise_spec(spec) == spec
    assert normalise_spec({**spec, "design": "lagged", "lags": 1})["lags"] == 1
    with pytest.raises(ValueError, match="'a'.*'lags' needs design 'lagged'"):
        normalise_spec({**spec, "lags": 2})
    with pytest.raises(ValueError, match="unknown keys \\['weight'\\]"):
        normalise_spec({**spec, "weight": "x"})
    with pytest.raises(ValueError, match="design must be one of"):
        normalise_spec({**spec, "design": "panel"})
    with pytest.raises(ValueError, match="unknown sample filters \\['year'\\]"):
        normalise_spec({**spec, "sample": {"year": {"start": 2000}}})


def test_term_names_and_labels_by_design():
    assert term_name("market_share", True) == "log_market_share"
    assert term_name("market_share", True, "long_difference") == "d_log_market_share"
    assert term_name("market_share", False, "lagged", 2) == "market_share_lag2"
    assert term_label("market_share", True) == "log market share"
    assert term_label("real_wage_per_employee_lcu", True, "long_difference") == "Δ log real wage"
    assert term_label("some_new_column", False, "lagged", 1) == "some new column (t−1)"


def test_controls_are_reported_after_the_regressors(panel):
    data = panel.assign(unit_value_coverage=np.random.default_rng(3).uniform(0.5, 1, len(panel)))
    est = estimate_spec(data, {**SPEC, "controls": ["unit_value_coverage"]})
    rows = est[est["value_chain"] == "apparel"]
    assert list(rows["term"]) == ["log_market_share", "log_relative_unit_value",
                                  "log_unit_value_coverage"]
    assert list(rows["role"]) == ["regressor", "regressor", "control"]
    assert list(rows["term_label"]) == ["log market share", "log relative unit value",
                                        "log unit value coverage"]
    assert list(rows["variable"]) == ["market_share", "relative_unit_value",
                                      "unit_value_coverage"]
    np.testing.assert_allclose(rows["estimate"][:2], TRUE_BETA["apparel"], atol=0.05)


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # raised inside pyfixest
@pytest.mark.parametrize("cluster", [["country"], ["country", "year"]])
def test_weighted_estimates_match_pyfixest(panel, cluster):
    pf = pytest.importorskip("pyfixest")
    data = panel.assign(export_value_usd=np.exp(np.random.default_rng(5).normal(10, 1, len(panel))))
    spec = {**SPEC, "cluster": cluster, "weights": "export_value_usd"}
    ours = estimate_spec(data, spec)
    ours = ours[ours["value_chain"] == "apparel"]
    sample = prepare_sample(data, spec, "apparel")
    assert (sample["_weight"] > 0).all()
    fit = pf.feols(
        "log_employment_persons ~ log_market_share + log_relative_unit_value | country + year",
        sample.assign(year=sample["year"].astype(str)),
        weights="_weight",
        vcov={"CRV1": "+".join(cluster)},
        **matching_pyfixest_options(pf),
    )
    tidy = fit.tidy()
    np.testing.assert_allclose(ours["estimate"], tidy["Estimate"], rtol=1e-8)
    np.testing.assert_allclose(ours["std_error"], tidy["Std. Error"], rtol=1e-6)
    np.testing.assert_allclose(ours["r_squared"], fit._r2, rtol=1e-8)
    np.testing.assert_allclose(ours["r_squared_within"], fit._r2_within, rtol=1e-8)
    assert (ours["weights"] == "export_value_usd").all()
    unweighted = estimate_spec(data, SPEC)
    assert not np.allclose(unweighted.loc[unweighted["value_chain"] == "apparel", "estimate"],
                           ours["estimate"])


def test_unit_weights_give_the_unweighted_estimates(panel):
    weighted = estimate_spec(panel.assign(one=1.0), {**SPEC, "weights": "one"})
    plain = estimate_spec(panel, SPEC)
    for col in ("estimate", "std_error", "r_squared", "r_squared_within"):
        np.testing.assert_allclose(weighted[col], plain[col], rtol=1e-10)


def test_non_positive_weights_drop_the_row(panel):
    data = panel.assign(w=1.0)
    data.loc[data.index[:10], "w"] = 0.0
    data.loc[data.index[10:15], "w"] = np.nan
    n_all = len(prepare_sample(panel, SPEC, None))
    sample = prepare_sample(data, {**SPEC, "weights": "w"}, None)
    usable = prepare_sample(panel.iloc[15:], SPEC, None)
    assert len(sample) == len(usable) < n_all


def test_lagged_regressors_come_from_n_years_earlier(panel):
    spec = {**SPEC, "design": "lagged", "lags": 2}
    sample = prepare_sample(panel, spec, "apparel")
    assert list(sample.columns[-3:]) == ["log_employment_persons", "log_market_share_lag2",
                                         "log_relative_unit_value_lag2"]
    apparel = np.log(panel[panel["value_chain"] == "apparel"].set_index(["country", "year"])[
        ["market_share", "employment_persons"]])
    for row in sample.sample(25, random_state=1).itertuples(index=False):
        assert row.log_market_share_lag2 == pytest.approx(
            apparel.loc[(row.country, row.year - 2), "market_share"])
        assert row.log_employment_persons == pytest.approx(
            apparel.loc[(row.country, row.year), "employment_persons"])
    assert sample["year"].min() >= 2002  # the first two years have no earlier value
    est = estimate_spec(panel, spec)
    assert set(est["term"]) == {"log_market_share_lag2", "log_relative_unit_value_lag2"}
    assert set(est["term_label"]) == {"log market share (t−2)", "log relative unit value (t−2)"}
    assert (est["design"] == "lagged").all()


PERIODS = [{"label": "early", "start": 2000, "end": 2009},
           {"label": "late", "start": 2010, "end": 2019}]


def test_long_differences_compare_the_means_of_the_end_windows(panel):
    spec = {**SPEC, "design": "long_difference", "fixed_effects": ["year"]}
    sample = prepare_sample(panel, spec, "apparel", periods=PERIODS, endpoint_years=2)
    assert set(sample["period"]) == {"early", "late"}
    assert set(sample["year"]) == {2009, 2019}
    rows = panel[(panel["value_chain"] == "apparel") & (panel["country"] == "C03")]
    rows = rows.set_index("year")["market_share"]
    expected = (np.log(rows.reindex([2008, 2009])).mean()
                - np.log(rows.reindex([2000, 2001])).mean())
    got = sample.loc[(sample["country"] == "C03") & (sample["period"] == "early"),
                     "d_log_market_share"]
    assert got.iloc[0] == pytest.approx(expected)
    est = estimate_spec(panel, spec, periods=PERIODS, endpoint_years=2)
    assert set(est["term"]) == {"d_log_market_share", "d_log_relative_unit_value"}
    for chain, truth in TRUE_BETA.items():  # differencing removes the country effects
        rows = est[est["value_chain"] == chain]
        assert (abs(rows["estimate"] - np.array(truth)) < 3 * rows["std_error"]).all(), chain
    with pytest.raises(ValueError, match="needs periods"):
        estimate_spec(panel, spec)


def test_sample_filters(panel):
    data = panel.assign(unit_value_coverage=np.where(panel.index % 3 == 0, 0.2, 0.9))
    full = prepare_sample(data, SPEC, "apparel")
    spec = {**SPEC, "sample": {"countries": ["C01", "C02", "C03"],
                               "years": {"start": 2005, "end": 2014},
                               "min_unit_value_coverage": 0.5}}
    sample = prepare_sample(data, spec, "apparel")
    assert set(sample["country"]) == {"C01", "C02", "C03"}
    assert sample["year"].between(2005, 2014).all()
    kept = data.loc[data["unit_value_coverage"] >= 0.5]
    keys = set(zip(kept["country"], kept["year"], kept["value_chain"]))
    assert all(key in keys for key in zip(sample["country"], sample["year"], sample["value_chain"]))
    assert 0 < len(sample) < len(full)
    est = estimate_spec(data, {**SPEC, "sample": {"value_chains": ["automotive"]}})
    assert list(est["value_chain"].unique()) == ["automotive"]
    pooled = estimate_spec(data, {**SPEC, "by_value_chain": False,
                                  "sample": {"value_chains": ["automotive"]}})
    assert pooled["n_obs"].iloc[0] == est["n_obs"].iloc[0]
    assert describe_sample(spec["sample"]) == (
        "countries: C01, C02, C03; years 2005–2014; unit value coverage ≥ 0.5")
    with pytest.raises(ValueError, match=r"'employment'.*\['textiles'\]"):
        estimate_spec(data, {**SPEC, "sample": {"value_chains": ["textiles"]}})


def test_lagged_years_filter_applies_to_the_observation_year(panel):
    spec = {**SPEC, "design": "lagged", "lags": 1, "sample": {"years": {"start": 2001}}}
    sample = prepare_sample(panel, spec, "apparel")
    assert sample["year"].min() == 2001  # its regressors come from 2000, before the filter


def test_spec_variables_and_duplicate_ids(panel):
    specs = [SPEC, {**SPEC, "id": "w", "outcome": "real_wage", "controls": ["employment_persons"],
                    "weights": "export_value_usd"}]
    assert spec_variables(specs) == ["employment_persons", "market_share", "relative_unit_value",
                                     "real_wage", "export_value_usd"]
    with pytest.raises(ValueError, match="unique.*'employment'"):
        estimate_all(panel, [SPEC, SPEC])
