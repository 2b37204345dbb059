"""The decent_work rule on hand-built examples: directions, groups, aggregations, missing data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from gvc_upgrading.analysis.changes import express_changes, non_positive_values, period_changes
from gvc_upgrading.analysis.classify import (
    DecentWork,
    check_classification,
    classify,
    classify_changes,
)
from gvc_upgrading.config import ConfigError
from gvc_upgrading.dimensions import load_dimensions, read_registry

REGISTRY = REPO / "config" / "dimensions.yaml"
YEARS = np.arange(2000, 2010)
T = YEARS - 2000
PERIOD = [{"label": "2000-2009", "start": 2000, "end": 2009}]
ECONOMIC = ["market_share", "unit_value", "relative_unit_value"]
#: Social dimensions of the examples: two standards read from the labour table, one where lower
#: is better, and two enabling rights at country level (one measured in levels, 0 = best).
SOCIAL = ["employment", "real_wage", "hours_worked", "union_density", "labour_rights"]


def dimensions(social=SOCIAL):
    return load_dimensions({"file": str(REGISTRY), "use": [*ECONOMIC, *social], "define": {}})


@pytest.fixture(scope="module")
def dims():
    """The registry entries of the examples, with the properties the examples rely on."""
    chosen = dimensions()
    assert chosen["hours_worked"].better == "lower"
    assert chosen["labour_rights"].better == "lower"
    assert chosen["union_density"].level == chosen["labour_rights"].level == "country"
    assert [chosen[n].group for n in SOCIAL] == ["measurable_standard"] * 3 + ["enabling_right"] * 2
    return chosen


def series(country, chain, dims, log_rates, paths=None):
    """One country x chain over 2000-2009: exp(rate x t) per dimension in ``log_rates`` (with
    3-year endpoints the log change is 7 x rate), or the values of ``paths``."""
    columns = {dims[name].column: np.exp(rate * T) for name, rate in log_rates.items()}
    columns.update({dims[name].column: np.asarray(path, dtype="float64")
                    for name, path in (paths or {}).items()})
    return pd.DataFrame({"country": country, "value_chain": chain, "year": YEARS, **columns})


def level_change(path):
    """Change in levels with 3-year endpoints: mean of the last three minus the first three."""
    return float(np.mean(path[-3:]) - np.mean(path[:3]))


#: SDG 8.8.2 (0 best): falling to full compliance; rising by 0.2 points a year.
RIGHTS_FALLING = [3.0, 3.0, 3.0, 2.0, 2.0, 1.0, 1.0, 0.0, 0.0, 0.0]
RIGHTS_RISING = 2.0 + 0.2 * T


ECONOMY = {"market_share": 0.05, "unit_value": 0.02}


@pytest.fixture(scope="module")
def example(dims):
    """GOOD: every social dimension better (hours and the rights index fall; the index reaches 0).
    HRS: employment and wage up but hours up (worse), rights better.
    CTY: two chains of one country; union density and the rights index are the country's, the
         same in both chains, while employment differs.
    NOR: no data on rights (their columns empty).
    """
    def rows(country, chain, social, paths):
        return series(country, chain, dims, {**ECONOMY, **social}, paths)

    good_rights = {"labour_rights": RIGHTS_FALLING}
    table = pd.concat([
        rows("GOOD", "apparel", {"employment": 0.03, "real_wage": 0.02, "hours_worked": -0.01,
                                 "union_density": 0.04}, good_rights),
        rows("HRS", "apparel", {"employment": 0.03, "real_wage": 0.02, "hours_worked": 0.01,
                                "union_density": 0.04}, good_rights),
        rows("CTY", "apparel", {"employment": 0.03, "real_wage": 0.02, "hours_worked": -0.01,
                                "union_density": -0.04}, {"labour_rights": RIGHTS_RISING}),
        rows("CTY", "automotive", {"employment": -0.03, "real_wage": -0.02, "hours_worked": 0.01,
                                   "union_density": -0.04}, {"labour_rights": RIGHTS_RISING}),
        rows("NOR", "apparel", {"employment": 0.03, "real_wage": 0.02, "hours_worked": -0.01},
             {}),
    ], ignore_index=True)
    return table


def result_of(example, dims, **settings):
    return classify(example, PERIOD, rule="decent_work", dimensions=dims,
                    decent_work=DecentWork(**settings)).set_index(["country", "value_chain"])


def test_changes_in_logs_and_in_levels(example, dims) -> None:
    changes = period_changes(example, PERIOD, dimensions=dims).set_index(["country", "value_chain"])
    good = changes.loc[("GOOD", "apparel")]
    assert good["hours_worked_change"] == pytest.approx(7 * -0.01)
    assert good["union_density_change"] == pytest.approx(7 * 0.04)
    # the index is in levels, its zeros included
    assert good["labour_rights_change"] == pytest.approx(level_change(RIGHTS_FALLING))
    assert np.isnan(changes.loc[("NOR", "apparel"), "labour_rights_change"])
    # taken in logs instead, the zero values of the end window would be missing: no change
    logs = period_changes(example, PERIOD, dimensions=dims, level_changes=())
    assert np.isnan(logs.loc[logs["country"] == "GOOD", "labour_rights_change"]).all()
    zeros = 2 * RIGHTS_FALLING.count(0.0)  # GOOD and HRS
    assert non_positive_values(example, dims, level_changes=()) == {"labour_rights": zeros}
    assert non_positive_values(example, dims) == {}


def test_a_change_in_levels_is_not_turned_into_a_percentage(example, dims) -> None:
    changes = period_changes(example, PERIOD, dimensions=dims)
    percent = express_changes(changes, "percent", endpoint_years=3, dimensions=dims)
    pd.testing.assert_series_equal(percent["labour_rights_change"], changes["labour_rights_change"])
    np.testing.assert_allclose(percent["union_density_change"],
                               100 * np.expm1(changes["union_density_change"]))
    yearly = express_changes(changes, "annualised_log", endpoint_years=3, dimensions=dims)
    np.testing.assert_allclose(yearly["labour_rights_change"], changes["labour_rights_change"] / 7)


def test_all_dimensions_with_data_must_move_the_better_way(example, dims) -> None:
    result = result_of(example, dims)
    good, hrs, nor = (result.loc[(c, "apparel")] for c in ("GOOD", "HRS", "NOR"))
    assert (good["standards_class"], good["rights_class"], good["social_class"]) == (
        "upgrading", "upgrading", "upgrading")
    # hours rise: worse, since fewer hours are better
    assert hrs["hours_worked_direction"] == "worse" and good["hours_worked_direction"] == "better"
    assert (hrs["standards_class"], hrs["rights_class"], hrs["social_class"]) == (
        "mixed", "upgrading", "mixed")
    assert hrs["social_detail"] == (
        "standards: employment up, real wage up, hours worked up (worse); "
        "rights: union density up, labour rights down (better)")
    # no rights data: the rights verdict has none, the social verdict rests on the standards
    assert (nor["standards_class"], nor["rights_class"], nor["social_class"]) == (
        "upgrading", "insufficient data", "upgrading")
    assert nor["social_dimensions_used"] == "employment, real_wage, hours_worked"
    assert nor["social_dimensions_missing"] == "union_density, labour_rights"
    assert nor["union_density_direction"] == "no data"
    assert good["social_dimensions_missing"] == ""
    assert (result["economic_class"] == "upgrading").all()
    assert (result["rule"] == "decent_work").all() and (result["social_aggregation"] == "all").all()


def test_a_country_level_dimension_moves_alike_in_every_chain(example, dims) -> None:
    result = result_of(example, dims).loc["CTY"]
    changes = result[["union_density_change", "labour_rights_change"]]
    assert (changes.nunique() == 1).all()  # the country's rights, the same in both chains
    assert changes["union_density_change"].iloc[0] == pytest.approx(7 * -0.04)
    assert changes["labour_rights_change"].iloc[0] == pytest.approx(level_change(RIGHTS_RISING))
    assert list(result["rights_class"]) == ["downgrading", "downgrading"]
    assert list(result["standards_class"]) == ["upgrading", "downgrading"]
    assert list(result["social_class"]) == ["mixed", "downgrading"]


def test_majority_counts_better_against_worse(example, dims) -> None:
    result = result_of(example, dims, aggregation="majority")
    hrs = result.loc[("HRS", "apparel")]
    # standards: 2 better, 1 worse; rights: 2 better; together 4 better, 1 worse
    assert (hrs["standards_class"], hrs["rights_class"], hrs["social_class"]) == (
        "upgrading", "upgrading", "upgrading")
    cty = result.loc[("CTY", "apparel")]
    # 3 standards better, 2 rights worse
    assert (cty["standards_class"], cty["rights_class"], cty["social_class"]) == (
        "upgrading", "downgrading", "upgrading")


def test_composite_is_the_weighted_mean_of_the_signed_changes(example, dims) -> None:
    weights = {"hours_worked": 4.0, "labour_rights": 0.1}
    result = result_of(example, dims, aggregation="composite", weights=weights)
    hrs = result.loc[("HRS", "apparel")]
    signed = {"employment": 7 * 0.03, "real_wage": 7 * 0.02, "hours_worked": -7 * 0.01,
              "union_density": 7 * 0.04, "labour_rights": -level_change(RIGHTS_FALLING)}
    weight = {name: weights.get(name, 1.0) for name in signed}
    standards = ["employment", "real_wage", "hours_worked"]
    expected = sum(weight[n] * signed[n] for n in standards) / sum(weight[n] for n in standards)
    assert hrs["standards_score"] == pytest.approx(expected)
    overall = sum(weight[n] * signed[n] for n in signed) / sum(weight.values())
    assert hrs["social_score"] == pytest.approx(overall)
    assert hrs["standards_class"] == ("upgrading" if expected > 0 else "downgrading")
    # a heavier weight on hours turns the standards verdict
    heavier = result_of(example, dims, aggregation="composite", weights={"hours_worked": 6.0})
    score = (7 * 0.03 + 7 * 0.02 - 6 * 7 * 0.01) / 8
    assert score < 0
    assert heavier.loc[("HRS", "apparel"), "standards_score"] == pytest.approx(score)
    assert heavier.loc[("HRS", "apparel"), "standards_class"] == "downgrading"
    nor = result.loc[("NOR", "apparel")]
    assert np.isnan(nor["rights_score"]) and nor["rights_class"] == "insufficient data"


TYPED = pd.DataFrame({
    "market_share_change": [0.1] * 6,
    "unit_value_change": [0.1] * 6,
    # rows: all better / better-worse tie / 2 better 1 worse / 1 better 2 worse / nothing / flat
    "employment_change": [0.2, 0.2, 0.2, 0.2, np.nan, 0.0],
    "real_wage_change": [0.1, np.nan, 0.1, -0.3, np.nan, 0.1],
    "hours_worked_change": [-0.1, 0.3, 0.05, 0.1, np.nan, np.nan],
})


@pytest.mark.parametrize("aggregation", ["all", "majority", "composite"])
def test_the_three_aggregations_on_typed_changes(aggregation) -> None:
    dims = dimensions(["employment", "real_wage", "hours_worked"])
    result = classify_changes(TYPED, rule="decent_work", dimensions=dims,
                              decent_work=DecentWork(aggregation=aggregation))
    signed = TYPED[["employment_change", "real_wage_change"]].assign(
        hours=-TYPED["hours_worked_change"]).to_numpy()
    for row, values in enumerate(signed):
        present = values[~np.isnan(values)]
        better, worse = int((present > 0).sum()), int((present < 0).sum())
        if not len(present):
            expected = "insufficient data"
        elif aggregation == "all":
            expected = ("upgrading" if better == len(present) else
                        "downgrading" if worse == len(present) else "mixed")
        elif aggregation == "majority":
            expected = ("upgrading" if better > worse else
                        "downgrading" if worse > better else "mixed")
        else:
            mean = present.mean()
            expected = "upgrading" if mean > 0 else "downgrading" if mean < 0 else "mixed"
        assert result.loc[row, "social_class"] == expected, (aggregation, row)
        assert result.loc[row, "standards_class"] == expected, (aggregation, row)
    assert (result["rights_class"] == "insufficient data").all()  # no right among the dimensions
    assert result.loc[4, "social_dimensions_missing"] == "employment, real_wage, hours_worked"


def test_a_dimension_in_use_without_a_column_has_no_data(example, dims) -> None:
    more = dimensions([*SOCIAL, "bargaining_coverage"])
    assert "bargaining_coverage" not in example.columns
    result = classify(example, PERIOD, rule="decent_work", dimensions=more)
    assert result["bargaining_coverage_change"].isna().all()
    assert (result["bargaining_coverage_direction"] == "no data").all()
    assert result["social_dimensions_missing"].str.contains("bargaining_coverage").all()
    before = result_of(example, dims)
    after = result.set_index(["country", "value_chain"])
    for column in ["standards_class", "rights_class", "social_class"]:
        pd.testing.assert_series_equal(after[column], before[column])


def test_a_chosen_subset_and_the_social_dimension_set(example, dims) -> None:
    only = result_of(example, dims, dimensions=("hours_worked", "labour_rights"))
    assert [c for c in only.columns if c.endswith("_direction")] == [
        "hours_worked_direction", "labour_rights_direction", "hours_worked_female_direction",
        "hours_worked_male_direction"]
    assert only.loc[("HRS", "apparel"), "social_dimensions_used"] == "hours_worked, labour_rights"
    standards = result_of(example, dims, social_dimensions="measurable_standards")
    pd.testing.assert_series_equal(standards["social_class"], standards["standards_class"],
                                   check_names=False)
    assert standards.loc[("NOR", "apparel"), "social_dimensions_missing"] == ""
    rights = result_of(example, dims, social_dimensions="enabling_rights")
    pd.testing.assert_series_equal(rights["social_class"], rights["rights_class"],
                                   check_names=False)
    assert "social_class_female" not in rights.columns  # no right is split by sex


def test_the_other_rules_ignore_the_further_dimensions(example, dims) -> None:
    example = example.assign(**{dims["relative_unit_value"].column: 1.0})
    wide = classify(example, PERIOD, dimensions=dims)
    narrow = classify(example, PERIOD)
    assert [c for c in wide.columns if c not in narrow.columns] == [
        "hours_worked_change", "hours_worked_female_change", "hours_worked_male_change",
        "union_density_change", "labour_rights_change"]
    pd.testing.assert_frame_equal(wide[narrow.columns], narrow)


def test_wrong_settings_name_the_key(dims) -> None:
    with pytest.raises(ValueError, match=r"decent_work.dimensions': \['market_share'\]"):
        DecentWork(dimensions=("market_share",)).chosen(dims)
    with pytest.raises(ValueError, match=r"weights': \['informality'\] are not among"):
        DecentWork(weights={"informality": 2.0}).chosen(dims)
    with pytest.raises(ValueError, match="must be > 0"):
        DecentWork(weights={"employment": 0.0}).chosen(dims)
    with pytest.raises(ValueError, match="'classification.decent_work.aggregation' must be"):
        DecentWork(aggregation="mean").chosen(dims)
    with pytest.raises(ValueError, match="at least one social dimension"):
        DecentWork().chosen({name: dims[name] for name in ECONOMIC})


def test_check_classification_names_the_config_key(dims) -> None:
    registry = list(read_registry(REGISTRY))
    settings = {"rule": "decent_work", "level_changes": ["labour_rights"],
                "decent_work": {"aggregation": "all", "weights": {}, "dimensions": None}}
    check_classification(settings, dims, registry)
    with pytest.raises(ConfigError, match=r"'classification.level_changes': \['labour_right'\]"):
        check_classification({**settings, "level_changes": ["labour_right"]}, dims, registry)
    with pytest.raises(ConfigError,
                       match=r"'classification.decent_work.dimensions': \['informality'\]"):
        check_classification({**settings, "decent_work": {
            "aggregation": "all", "weights": {}, "dimensions": ["informality"]}}, dims, registry)
    with pytest.raises(ConfigError, match=r"'classification.rule'.*\['relative_unit_value'\]"):
        check_classification({**settings, "rule": "kaplinsky_readman"},
                             {n: d for n, d in dims.items() if n != "relative_unit_value"},
                             registry)


def test_women_and_men_are_judged_on_their_own_changes() -> None:
    """Hours and informality are split by sex: women's hours and informality fall (better),
    men's hours rise and their informality falls. Women's verdict is upgrading, men's mixed
    under `all` and a tie (mixed) under `majority`; employment and the rights, which have no
    sex split, do not enter them. A country without women's and men's columns has
    insufficient data for them."""
    dims = dimensions(["employment", "hours_worked", "informality", "union_density"])
    rates = {**ECONOMY, "employment": 0.03, "hours_worked": 0.001, "informality": -0.02,
             "union_density": 0.01}
    split = series("SEX", "apparel", dims, rates).assign(
        hours_per_week_female=40 * np.exp(-0.01 * T), hours_per_week_male=46 * np.exp(0.02 * T),
        informality_rate_female=60 * np.exp(-0.03 * T),
        informality_rate_male=50 * np.exp(-0.01 * T))
    table = pd.concat([split, series("TOT", "apparel", dims, rates)], ignore_index=True)
    result = classify(table, PERIOD, rule="decent_work", dimensions=dims,
                      decent_work=DecentWork()).set_index("country")
    row = result.loc["SEX"]
    assert row["hours_worked_female_change"] == pytest.approx(7 * -0.01)
    assert row["hours_worked_male_change"] == pytest.approx(7 * 0.02)
    assert row["informality_female_change"] == pytest.approx(7 * -0.03)
    assert (row["social_class_female"], row["social_class_male"]) == ("upgrading", "mixed")
    assert row["hours_worked_female_direction"] == "better"
    assert row["hours_worked_male_direction"] == "worse"
    assert row["social_detail_female"] == ("standards: hours worked down (better), informality "
                                           "down (better)")
    assert row["social_detail_male"] == ("standards: hours worked up (worse), informality down "
                                         "(better)")
    assert row["social_class"] == "mixed"  # total hours rise a little: worse
    assert result.loc["TOT", "social_class_female"] == "insufficient data"
    assert result.loc["TOT", "hours_worked_male_direction"] == "no data"
    majority = classify(table, PERIOD, rule="decent_work", dimensions=dims,
                        decent_work=DecentWork(aggregation="majority")).set_index("country")
    assert majority.loc["SEX", "social_class_male"] == "mixed"  # one better, one worse
    composite = classify(table, PERIOD, rule="decent_work", dimensions=dims,
                         decent_work=DecentWork(aggregation="composite")).set_index("country")
    # C = mean(-0.14, +0.07) < 0 for men: downgrading; women: mean(0.07, 0.21) > 0
    assert composite.loc["SEX", "social_class_male"] == "downgrading"
    assert composite.loc["SEX", "social_class_female"] == "upgrading"
    without = classify(table, PERIOD, rule="decent_work", dimensions=dims,
                       decent_work=DecentWork(by_sex=False))
    assert not [c for c in without.columns if c.startswith("social_class_")]
    assert "hours_worked_female_change" in without.columns  # the changes are reported anyway
