"""Tests for interactions (an economic regressor times a moderator, such as a country-level
right), moderators absorbed by the fixed effects, semi-log outcomes and the registry labels of
women's and men's columns: gvc_upgrading.analysis.specifications and .estimate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_estimate import PERIODS, SPEC, TRUE_BETA, make_panel
from workflow_helpers import matching_pyfixest_options

from conftest import REPO
from gvc_upgrading.analysis.estimate import ABSORBED, estimate_spec, prepare_sample
from gvc_upgrading.analysis.specifications import (
    dimension_variables,
    normalise_spec,
    spec_terms,
    spec_variables,
    term_label,
    variable_label,
)
from gvc_upgrading.dimensions import Dimension, read_registry

INTERACTION = 0.01  # change of the log market share slope per point of union density
MODERATOR = -0.005  # main effect of union density (at a market share of 1)
MODERATED = {**SPEC, "interactions": [["market_share", "union_density"]]}


def moderated_panel(seed: int = 11) -> pd.DataFrame:
    """The panel of test_estimate with two country-level rights, equal in every chain of a
    country: union density (per cent), varying over the years, and a labour-rights index fixed
    per country. Log employment gains INTERACTION x log market share x union density and
    MODERATOR x union density."""
    panel = make_panel()
    rng = np.random.default_rng(seed)
    countries = sorted(panel["country"].unique())
    years = sorted(panel["year"].unique())
    base = dict(zip(countries, rng.uniform(10, 60, len(countries))))
    density = {(c, y): base[c] + 0.5 * (y - years[0]) + rng.normal(0, 3)
               for c in countries for y in years}
    panel["union_density"] = [density[key] for key in zip(panel["country"], panel["year"])]
    panel["labour_rights_index"] = panel["country"].map(
        dict(zip(countries, rng.uniform(0, 10, len(countries)))))
    panel["employment_persons"] *= np.exp(
        INTERACTION * np.log(panel["market_share"]) * panel["union_density"]
        + MODERATOR * panel["union_density"])
    return panel


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return moderated_panel()


def independent_frame(panel: pd.DataFrame, chain: str, moderator: str) -> pd.DataFrame:
    """Logged outcome and regressors and the moderator in levels, one chain, rows with a missing
    or non-positive logged value or a missing moderator dropped -- without the library."""
    logged = ["employment_persons", "market_share", "relative_unit_value"]
    rows = panel[panel["value_chain"] == chain].dropna(subset=[*logged, moderator])
    rows = rows[(rows[logged] > 0).all(axis=1)]
    return pd.DataFrame({"country": rows["country"].astype(str),
                         "year": rows["year"].astype(str),
                         "y": np.log(rows["employment_persons"]),
                         "x1": np.log(rows["market_share"]),
                         "x2": np.log(rows["relative_unit_value"]),
                         "m": rows[moderator]}).reset_index(drop=True)


def assert_matches(ours: pd.DataFrame, fit, names: dict[str, str]) -> None:
    """Our estimated terms equal pyfixest's (renamed by ``names``) to 1e-8 / 1e-6."""
    tidy = fit.tidy().rename(index=names)
    estimated = ours[ours["estimate"].notna()].set_index("term")
    assert sorted(tidy.index) == sorted(estimated.index)
    tidy = tidy.loc[estimated.index]
    np.testing.assert_allclose(estimated["estimate"], tidy["Estimate"], rtol=1e-8)
    np.testing.assert_allclose(estimated["std_error"], tidy["Std. Error"], rtol=1e-6)
    assert (estimated["n_obs"] == fit._N).all()
    np.testing.assert_allclose(estimated["r_squared"], fit._r2, rtol=1e-8)


# --- terms, names and labels ------------------------------------------------------------------


def test_interaction_terms_are_named_and_labelled_in_every_design():
    spec = normalise_spec({**MODERATED, "controls": ["unit_value_coverage"]})
    terms = spec_terms(spec)
    assert [t.role for t in terms] == ["outcome", "regressor", "regressor", "interaction",
                                       "moderator", "control"]
    interaction, moderator = terms[3], terms[4]
    assert (interaction.name, interaction.label) == ("log_market_share_x_union_density",
                                                     "log market share × union density")
    assert (interaction.column, interaction.moderator) == ("market_share", "union_density")
    assert (moderator.name, moderator.label) == ("union_density", "union density")
    lagged = spec_terms(normalise_spec({**MODERATED, "design": "lagged", "lags": 2}))
    assert [t.label for t in lagged if t.role in ("interaction", "moderator")] == [
        "log market share (t−2) × union density", "union density"]
    assert lagged[3].name == "log_market_share_lag2_x_union_density"
    long = spec_terms(normalise_spec({**MODERATED, "design": "long_difference"}))
    assert [(t.name, t.label) for t in long if t.role in ("interaction", "moderator")] == [
        ("d_log_market_share_x_union_density_start",
         "Δ log market share × union density (start of period)"),
        ("union_density_start", "union density (start of period)")]
    logged = spec_terms(normalise_spec({**MODERATED, "log_moderators": True}))
    assert logged[3].label == "log market share × log union density"
    two = normalise_spec({**MODERATED, "interactions": [["market_share", "union_density"],
                                                        ["relative_unit_value", "union_density"]]})
    assert [t.role for t in spec_terms(two)].count("moderator") == 1  # one main effect
    assert spec_variables([two, {**SPEC, "weights": "w"}]) == [
        "employment_persons", "market_share", "relative_unit_value", "union_density", "w"]


def test_normalise_spec_fills_the_new_keys_and_is_idempotent():
    spec = normalise_spec({"id": "a", "outcome": "y", "regressors": ["x"]})
    assert spec["interactions"] == [] and spec["log_moderators"] is False
    assert spec["log_outcome"] is True  # as `log`
    assert normalise_spec({**spec, "log": False, "log_outcome": None})["log_outcome"] is False
    full = normalise_spec({**spec, "interactions": [("x", "m")], "log_outcome": False})
    assert full["interactions"] == [["x", "m"]] and full["log_outcome"] is False
    assert normalise_spec(full) == full


@pytest.mark.parametrize(("interactions", "message"), [
    ([["unit_value_usd_per_kg", "union_density"]],
     r"'employment'.*'unit_value_usd_per_kg' is not one of the regressors"),
    ([["market_share", "relative_unit_value"]],
     r"moderator 'relative_unit_value' enters with its own main effect"),
    ([["market_share", "employment_persons"]], r"must not also be the outcome"),
    ([["market_share"]], r"each interaction is a pair \[regressor, moderator\]"),
    ([["market_share", "union_density"], ["market_share", "union_density"]], r"listed twice"),
    ("market_share", r"interactions must be a list"),
])
def test_malformed_interactions_name_the_spec_and_the_pair(interactions, message):
    with pytest.raises(ValueError, match=message):
        normalise_spec({**SPEC, "interactions": interactions})


def test_a_missing_moderator_column_is_named(panel):
    spec = {**SPEC, "interactions": [["market_share", "bargaining_coverage"]]}
    with pytest.raises(ValueError, match=r"'employment' refers to column 'bargaining_coverage'"):
        estimate_spec(panel, spec)


# --- estimation, checked against pyfixest -----------------------------------------------------


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # raised inside pyfixest
@pytest.mark.parametrize("cluster", [["country"], ["country", "year"]])
def test_interaction_matches_pyfixest_and_recovers_the_truth(panel, cluster):
    pf = pytest.importorskip("pyfixest")
    spec = {**MODERATED, "cluster": cluster}
    est = estimate_spec(panel, spec)
    for chain, (b1, b2) in TRUE_BETA.items():
        ours = est[est["value_chain"] == chain]
        assert list(ours["role"]) == ["regressor", "regressor", "interaction", "moderator"]
        assert (ours["note"] == "").all() and (ours["moderator"].iloc[2] == "union_density")
        fit = pf.feols("y ~ x1 + x2 + x1:m + m | country + year",
                       independent_frame(panel, chain, "union_density"),
                       vcov={"CRV1": "+".join(cluster)}, **matching_pyfixest_options(pf))
        assert_matches(ours, fit, {"x1": "log_market_share", "x2": "log_relative_unit_value",
                                   "x1:m": "log_market_share_x_union_density",
                                   "m": "union_density"})
        truth = np.array([b1, b2, INTERACTION, MODERATOR])
        assert (abs(ours["estimate"].to_numpy() - truth) < 4 * ours["std_error"]).all(), chain


@pytest.mark.filterwarnings("ignore:The inplace keyword",
                            "ignore:(?s).*dropped due to multicollinearity:UserWarning")
def test_a_moderator_constant_within_countries_is_absorbed_and_reported(panel):
    """With country fixed effects a right fixed per country has no identified main effect: it
    is dropped (pyfixest drops it too) and its row says so; the interaction stays."""
    pf = pytest.importorskip("pyfixest")
    spec = {**SPEC, "interactions": [["market_share", "labour_rights_index"]]}
    est = estimate_spec(panel, spec)
    ours = est[est["value_chain"] == "apparel"]
    absorbed = ours[ours["role"] == "moderator"].iloc[0]
    assert absorbed["note"] == ABSORBED and absorbed["term"] == "labour_rights_index"
    assert np.isnan(absorbed[["estimate", "std_error", "p_value", "ci_low", "ci_high"]]
                    .astype(float)).all()
    assert absorbed["n_obs"] == ours["n_obs"].iloc[0]
    fit = pf.feols("y ~ x1 + x2 + x1:m + m | country + year",
                   independent_frame(panel, "apparel", "labour_rights_index"),
                   vcov={"CRV1": "country"}, **matching_pyfixest_options(pf))
    assert_matches(ours, fit, {"x1": "log_market_share", "x2": "log_relative_unit_value",
                               "x1:m": "log_market_share_x_labour_rights_index"})
    # without country fixed effects the same right is identified
    year_only = estimate_spec(panel, {**spec, "fixed_effects": ["year"]})
    assert year_only["estimate"].notna().all() and (year_only["note"] == "").all()


def test_an_unidentified_interaction_stops_with_the_terms_named(panel):
    constant = panel.assign(union_density=40.0)  # the product is 40 x log market share
    with pytest.raises(ValueError, match=r"'employment', value chain 'apparel'.*collinear.*"
                                         r"not identified: log_market_share"):
        estimate_spec(constant, MODERATED)


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_lagged_interaction_uses_the_lagged_regressor_and_the_current_moderator(panel):
    pf = pytest.importorskip("pyfixest")
    spec = {**MODERATED, "design": "lagged", "lags": 1}
    sample = prepare_sample(panel, spec, "apparel")
    apparel = panel[panel["value_chain"] == "apparel"].set_index(["country", "year"])
    for row in sample.sample(25, random_state=2).itertuples(index=False):
        earlier = np.log(apparel.loc[(row.country, row.year - 1), "market_share"])
        current = apparel.loc[(row.country, row.year), "union_density"]
        assert row.log_market_share_lag1 == pytest.approx(earlier)
        assert row.union_density == pytest.approx(current)
        assert row.log_market_share_lag1_x_union_density == pytest.approx(earlier * current)
    ours = estimate_spec(panel, spec)
    ours = ours[ours["value_chain"] == "apparel"]
    fit = pf.feols("log_employment_persons ~ log_market_share_lag1 + log_relative_unit_value_lag1"
                   " + log_market_share_lag1:union_density + union_density | country + year",
                   sample.assign(year=sample["year"].astype(str)), vcov={"CRV1": "country"},
                   **matching_pyfixest_options(pf))
    assert_matches(ours, fit, {"log_market_share_lag1:union_density":
                               "log_market_share_lag1_x_union_density"})


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_long_difference_interaction_is_the_change_times_the_start_level(panel):
    pf = pytest.importorskip("pyfixest")
    spec = {**MODERATED, "design": "long_difference", "fixed_effects": ["value_chain", "year"],
            "by_value_chain": False}
    sample = prepare_sample(panel, spec, None, periods=PERIODS, endpoint_years=2)
    rows = panel[(panel["value_chain"] == "apparel") & (panel["country"] == "C03")]
    rows = rows.set_index("year")
    change = (np.log(rows["market_share"].reindex([2008, 2009])).mean()
              - np.log(rows["market_share"].reindex([2000, 2001])).mean())
    start = rows["union_density"].reindex([2000, 2001]).mean()
    got = sample[(sample["country"] == "C03") & (sample["value_chain"] == "apparel")
                 & (sample["period"] == "early")].iloc[0]
    assert got["union_density_start"] == pytest.approx(start)
    assert got["d_log_market_share_x_union_density_start"] == pytest.approx(change * start)
    ours = estimate_spec(panel, spec, periods=PERIODS, endpoint_years=2)
    assert list(ours["term"]) == ["d_log_market_share", "d_log_relative_unit_value",
                                  "d_log_market_share_x_union_density_start",
                                  "union_density_start"]
    fit = pf.feols("d_log_employment_persons ~ d_log_market_share + d_log_relative_unit_value"
                   " + d_log_market_share:union_density_start + union_density_start"
                   " | value_chain + year", sample.assign(year=sample["year"].astype(str)),
                   vcov={"CRV1": "country"}, **matching_pyfixest_options(pf))
    assert_matches(ours, fit, {"d_log_market_share:union_density_start":
                               "d_log_market_share_x_union_density_start"})


def test_log_moderators_logs_them_and_drops_non_positive_values(panel):
    data = panel.copy()
    data.loc[data.index[:30], "union_density"] = 0.0
    levels = prepare_sample(data, MODERATED, "apparel")
    logged = prepare_sample(data, {**MODERATED, "log_moderators": True}, "apparel")
    assert "log_union_density" in logged.columns and "union_density" not in logged.columns
    assert (levels["union_density"] == 0).any() and len(logged) < len(levels)
    merged = logged.merge(data, on=["country", "year", "value_chain"])
    np.testing.assert_allclose(merged["log_union_density"], np.log(merged["union_density"]))
    np.testing.assert_allclose(merged["log_market_share_x_log_union_density"],
                               np.log(merged["market_share"]) * np.log(merged["union_density"]))


def test_log_outcome_false_keeps_the_outcome_in_levels(panel):
    """A semi-log model for outcomes in per cent that can be negative (a gender pay gap)."""
    data = panel.assign(gender_pay_gap=np.random.default_rng(4).normal(15, 10, len(panel)))
    spec = {**SPEC, "outcome": "gender_pay_gap", "log_outcome": False}
    sample = prepare_sample(data, spec, "apparel")
    assert {"gender_pay_gap", "log_market_share"} <= set(sample.columns)
    assert (sample["gender_pay_gap"] < 0).any()  # negative gaps are kept
    est = estimate_spec(data, spec)
    assert (est["outcome_label"] == "gender pay gap").all()
    logged = estimate_spec(data, {**SPEC, "outcome": "gender_pay_gap"})
    assert (logged["outcome_label"] == "log gender pay gap").all()
    assert (logged["n_obs"] < est["n_obs"]).all()  # logging drops the negative gaps


# --- women and men: labels from the dimension registry ----------------------------------------


def registry_variables(define: dict | None = None) -> dict[str, dict]:
    entries = read_registry(REPO / "config" / "dimensions.yaml", define)
    return dimension_variables(Dimension(id=key, **entry) for key, entry in entries.items())


def test_columns_split_by_sex_are_labelled_for_women_and_men():
    variables = registry_variables()
    entries = read_registry(REPO / "config" / "dimensions.yaml")
    by_sex = [entry for entry in entries.values() if entry["by_sex"]]
    assert by_sex  # hours and informality are split by sex in the registry
    for entry in by_sex:
        label = entry["label"][0].lower() + entry["label"][1:]
        assert variable_label(f"{entry['column']}_female", variables) == f"{label} (women)"
        assert variable_label(f"{entry['column']}_male", variables) == f"{label} (men)"
        assert variables[f"{entry['column']}_female"]["unit"] == entry["unit"]
    for entry in entries.values():
        if not entry["by_sex"]:
            assert f"{entry['column']}_female" not in variables
    assert term_label("hours_per_week_male", True, "long_difference", 0, variables) == (
        "Δ log mean weekly hours actually worked (men)")
    assert variable_label("union_density", variables) == "trade union density"
    assert variable_label("labour_rights_index", variables).startswith(
        "compliance with labour rights (SDG 8.8.2")
    assert variable_label("market_share", variables) == "market share"  # short names first
    assert variable_label("hours_per_week_female") == "hours per week female"  # no registry


def test_a_by_sex_split_of_a_short_named_column_keeps_the_short_name():
    variables = registry_variables({"employment": {
        "label": "Employment", "side": "social", "group": "measurable_standard",
        "column": "employment_persons", "unit": "persons", "better": "higher", "by_sex": True,
        "level": "value_chain", "source": {"table": "labour"}}})
    assert variable_label("employment_persons_female", variables) == "employment (women)"


def test_a_womens_outcome_and_its_mens_counterpart_are_labelled_in_the_estimates(panel):
    variables = registry_variables()
    rng = np.random.default_rng(8)
    data = panel.assign(informality_rate_female=rng.uniform(20, 80, len(panel)),
                        informality_rate_male=rng.uniform(20, 80, len(panel)))
    for sex, word in (("female", "women"), ("male", "men")):
        spec = {**MODERATED, "outcome": f"informality_rate_{sex}", "log_outcome": False}
        est = estimate_spec(data, spec, variables=variables)
        assert (est["outcome_label"] == f"informal employment rate ({word})").all()
        assert "log market share × trade union density" in set(est["term_label"])
