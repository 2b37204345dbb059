"""Value capture: the indicator columns from OECD TiVA, the ``value_capture`` rule on
hand-built examples, and value captured in place of the unit value in the robustness grid."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from gvc_upgrading.analysis.changes import registry_dimensions
from gvc_upgrading.analysis.classify import classify, classify_changes, get_rule
from gvc_upgrading.analysis.indicators import add_value_added
from gvc_upgrading.analysis.robustness import (
    Specification,
    assess_robustness,
    describe_grid,
    specification_grid,
)
from gvc_upgrading.analysis.specifications import normalise_spec, spec_terms
from gvc_upgrading.config import ConfigError, load_yaml, validate
from gvc_upgrading.outputs.tables import quadrant_counts

PERIOD = [{"label": "2000-2010", "start": 2000, "end": 2010}]
UP, DOWN, FLAT = 0.2, -0.2, 0.01


def changes(*rows) -> pd.DataFrame:
    """Hand-built log changes: (country, value kept, share kept, employment, real wage)."""
    return pd.DataFrame(rows, columns=["country", "domestic_value_added_change",
                                       "domestic_value_added_share_change", "employment_change",
                                       "real_wage_change"]).assign(value_chain="apparel")


def test_value_capture_classes_and_their_readings():
    table = classify_changes(changes(
        ("AAA", UP, UP, UP, UP), ("BBB", UP, FLAT, UP, DOWN), ("CCC", UP, DOWN, DOWN, DOWN),
        ("DDD", DOWN, DOWN, UP, UP), ("EEE", DOWN, FLAT, UP, UP), ("FFF", DOWN, UP, UP, UP),
        ("GGG", FLAT, UP, UP, UP), ("HHH", np.nan, UP, UP, UP)),
        rule="value_capture", tolerance=0.05)
    got = dict(zip(table["country"], zip(table["economic_class"], table["social_class"])))
    assert got == {"AAA": ("upgrading", "upgrading"), "BBB": ("upgrading", "mixed"),
                   "CCC": ("mixed", "downgrading"), "DDD": ("downgrading", "upgrading"),
                   "EEE": ("downgrading", "upgrading"), "FFF": ("mixed", "upgrading"),
                   "GGG": ("mixed", "upgrading"), "HHH": ("insufficient data", "upgrading")}
    detail = dict(zip(table["country"], table["economic_detail"]))
    assert detail["BBB"] == "domestic value added up, domestic value added share flat"
    assert detail["CCC"].endswith("(more value kept on a thinner share: exports grow on "
                                  "imported inputs)")
    assert detail["FFF"].endswith("(a larger share of a shrinking value)")
    assert detail["HHH"].startswith("domestic value added n/a")


def yearly(country, kept_growth, share_growth, emp_growth=0.05, wage_growth=0.05):
    """Eleven years whose indicators grow at the given log rates from level 1 (or 40%)."""
    years = np.arange(2000, 2011)
    t = years - 2000
    return pd.DataFrame({
        "country": country, "value_chain": "mobile_phones", "year": years,
        "domestic_value_added_usd_constant": 1e9 * np.exp(kept_growth * t),
        "domestic_value_added_share": 40 * np.exp(share_growth * t),
        "employment_persons": 1e4 * np.exp(emp_growth * t),
        "real_wage_per_employee_lcu": 1e3 * np.exp(wage_growth * t),
    })


def test_value_capture_on_a_yearly_table():
    """Viet Nam's electronics pattern (SOURCES.md 7b: exports boomed while the domestic share
    fell) is mixed; value kept rising at a steady share is upgrading. With 3-year end windows
    the log change is 8 x the yearly rate, computed here by plain arithmetic."""
    indicators = pd.concat([yearly("VNM", 0.15, -0.03), yearly("KOR", 0.05, 0.0),
                            yearly("MEX", -0.04, -0.01)])
    table = classify(indicators, PERIOD, rule="value_capture", endpoint_years=3)
    rows = table.set_index("country")
    assert rows.loc["VNM", "domestic_value_added_change"] == pytest.approx(0.15 * 8)
    assert rows.loc["VNM", "domestic_value_added_share_change"] == pytest.approx(-0.03 * 8)
    assert rows["economic_class"].to_dict() == {"VNM": "mixed", "KOR": "upgrading",
                                                "MEX": "downgrading"}
    counts = quadrant_counts(table).set_index(["economic_class", "social_class"])["count"]
    assert counts["upgrading", "upgrading"] == 1 and counts["mixed", "upgrading"] == 1


def test_value_capture_needs_its_columns():
    with pytest.raises(ValueError, match="domestic_value_added_share"):
        classify(yearly("VNM", 0.1, 0.0).drop(columns="domestic_value_added_share"), PERIOD,
                 rule="value_capture")


def prices(countries) -> pd.DataFrame:
    return pd.DataFrame([(c, y, 1.0) for c in countries for y in range(2000, 2011)],
                        columns=["country", "year", "exchange_rate_lcu_per_usd"])


def test_robustness_can_swap_unit_value_for_value_captured():
    """Bernhardt & Milberg with value captured in place of the price: the economic verdict of a
    country whose unit value falls while its domestic share rises moves with the choice."""
    frame = yearly("VNM", 0.1, 0.02).assign(
        market_share=np.exp(0.05 * np.arange(11)) / 100,
        unit_value_usd_per_kg=np.exp(-0.05 * np.arange(11)),
        relative_unit_value=np.exp(-0.05 * np.arange(11)),
        nominal_wage_per_employee_lcu=1e3)
    grid = {"endpoint_years": [3], "unit_value": ["unit_value", "domestic_value_added_share"],
            "wage": ["real_wage"], "tolerance": [0.0]}
    assert len(specification_grid(grid)) == 2
    in_use = registry_dimensions(["market_share", "unit_value", "relative_unit_value",
                                  "domestic_value_added", "domestic_value_added_share",
                                  "employment", "real_wage"])
    table = assess_robustness(frame, PERIOD, grid, Specification(3), prices=prices(["VNM"]),
                              dimensions=in_use)
    assert table["economic_class"].item() == "mixed"  # share up, unit value down
    assert table["economic_agreement"].item() == 0.5  # upgrading with value captured
    swapped = classify(frame, PERIOD, unit_value="domestic_value_added_share", dimensions=in_use)
    assert swapped["economic_class"].item() == "upgrading"
    assert "domestic value-added share (value captured)" in describe_grid(grid, Specification(3))
    unmoved = assess_robustness(frame, PERIOD, grid, Specification(3), rule="value_capture",
                                prices=prices(["VNM"]), dimensions=in_use)
    assert unmoved["economic_agreement"].item() == 1.0
    assert "does not use the export price choice" in describe_grid(grid, Specification(3),
                                                                   "value_capture")


def test_value_added_columns_deflate_levels_and_keep_shares():
    table = pd.DataFrame({"country": ["VNM", "VNM"], "value_chain": ["apparel", "apparel"],
                          "year": [2010, 2011], "export_value_usd": [50.0, np.nan]})
    value_added = pd.DataFrame({
        "country": ["VNM", "VNM", "THA"], "value_chain": ["apparel"] * 3,
        "year": [2010, 2011, 2011], "tiva_activity": ["C13T15"] * 3,
        "exgr_usd": [200.0, 220.0, 90.0], "exgr_dva_usd": [120.0, 121.0, 30.0],
        "exgr_dva_pt_exgr": [60.0, 55.0, 33.3]})
    dims = [{"column": "domestic_value_added_usd_constant", "indicator": "EXGR_DVA",
             "unit": "USD"},
            {"column": "domestic_value_added_share", "indicator": "EXGR_DVA",
             "unit": "PT_EXGR"}]
    deflator = pd.Series({2010: 100.0, 2011: 110.0})
    out = add_value_added(table, value_added, dims, deflator).set_index(["country", "year"])
    assert len(out) == 2  # THA has TiVA rows but no trade or labour row: a dimension adds none
    assert out.loc[("VNM", 2011), "domestic_value_added_usd_constant"] == pytest.approx(
        121.0 / 110.0 * 100)
    assert out.loc[("VNM", 2010), "domestic_value_added_share"] == 60.0
    assert out.loc[("VNM", 2010), "chain_share_of_industry_exports"] == 50.0 / 200.0
    assert math.isnan(out.loc[("VNM", 2011), "chain_share_of_industry_exports"])
    assert out.loc[("VNM", 2011), "tiva_industry_exports_usd"] == 220.0


def test_value_kept_specifications_of_the_demo_read_as_they_should():
    """The demo's "value kept" columns: market share, the domestic value-added share and their
    interaction, per chain, beside today's market share and relative unit value."""
    import yaml

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    specs = {spec["id"]: normalise_spec(spec) for spec in config["estimation"]["specifications"]}
    for outcome in ("employment", "real_wage"):
        kept, price = specs[f"{outcome}_value_kept"], specs[outcome]
        assert kept["outcome"] == price["outcome"]
        assert kept["fixed_effects"] == price["fixed_effects"] and kept["by_value_chain"]
        terms = {term.role: term.label for term in spec_terms(kept)[1:]}
        assert terms == {"regressor": "log market share",
                         "interaction": "log market share × log domestic value-added share",
                         "moderator": "log domestic value-added share"}


# --- value_capture joined with the decent-work social side ------------------------------------

JOINED = "value_capture+decent_work"


def decent_yearly(country, kept_growth, share_growth, hours_growth, union_growth):
    """``yearly`` plus hours worked (better when lower) and union density (an enabling right)."""
    t = np.arange(11)
    return yearly(country, kept_growth, share_growth).assign(
        hours_per_week=45 * np.exp(hours_growth * t), union_density=20 * np.exp(union_growth * t))


def test_value_capture_joins_the_decent_work_social_side_by_name():
    """"value_capture+decent_work": the economic classes of value_capture and the social
    verdicts of decent_work, each equal to what its own rule gives, with no rule of its own."""
    indicators = pd.concat([decent_yearly("VNM", 0.15, -0.03, 0.02, -0.04),
                            decent_yearly("KOR", 0.05, 0.0, -0.02, 0.03),
                            decent_yearly("MEX", -0.04, -0.01, -0.01, -0.02)])
    in_use = registry_dimensions(["domestic_value_added", "domestic_value_added_share",
                                  "market_share", "unit_value", "employment", "real_wage",
                                  "hours_worked", "union_density"])
    indicators = indicators.assign(market_share=0.01, unit_value_usd_per_kg=2.0)
    joined = classify(indicators, PERIOD, rule=JOINED, dimensions=in_use).set_index("country")
    economic = classify(indicators, PERIOD, rule="value_capture", dimensions=in_use)
    social = classify(indicators, PERIOD, rule="decent_work", dimensions=in_use)
    economic, social = economic.set_index("country"), social.set_index("country")
    assert (joined["rule"] == JOINED).all()
    for column in ["economic_class", "economic_detail"]:
        assert joined[column].to_dict() == economic[column].to_dict()
    for column in ["social_class", "standards_class", "rights_class", "social_detail",
                   "hours_worked_direction", "union_density_direction"]:
        assert joined[column].to_dict() == social[column].to_dict()
    # VNM: more value kept on a thinner share; hours up and union density down: worse work
    assert joined.loc["VNM", ["economic_class", "social_class"]].tolist() == ["mixed",
                                                                              "mixed"]
    assert joined.loc["KOR", ["economic_class", "social_class"]].tolist() == ["upgrading",
                                                                              "upgrading"]
    counts = quadrant_counts(joined.reset_index()).set_index(["economic_class", "social_class"])
    assert counts["count"].sum() == 3 and counts.loc[("upgrading", "upgrading"), "count"] == 1
    reference = get_rule(JOINED).reference
    assert reference.startswith("economic side: Humphrey & Schmitz")
    assert "social side: Barrientos, Gereffi & Rossi" in reference


def test_joined_rule_in_the_robustness_grid_varies_the_decent_work_choices():
    indicators = decent_yearly("VNM", 0.1, 0.02, -0.02, 0.03).assign(
        market_share=0.01, unit_value_usd_per_kg=2.0, relative_unit_value=1.0,
        nominal_wage_per_employee_lcu=1e3)
    in_use = registry_dimensions(["domestic_value_added", "domestic_value_added_share",
                                  "market_share", "unit_value", "relative_unit_value",
                                  "employment", "real_wage", "hours_worked", "union_density"])
    grid = {"endpoint_years": [3], "unit_value": ["unit_value"], "wage": ["real_wage"],
            "tolerance": [0.0], "social_dimensions": ["measurable_standards", "all"],
            "aggregation": ["all", "majority"]}
    assert len(specification_grid(grid, JOINED)) == 4
    table = assess_robustness(indicators, PERIOD, grid, Specification(3), rule=JOINED,
                              prices=prices(["VNM"]), dimensions=in_use)
    assert {"standards_agreement", "rights_agreement"} <= set(table.columns)
    assert table["economic_class"].item() == "upgrading"


@pytest.mark.parametrize("name", ["value_capture+decent_work", "decent_work+value_capture",
                                  "bernhardt_milberg+decent_work"])
def test_joined_rule_names_pass_the_config_checks(name):
    config = load_yaml(REPO / "config" / "config.yaml")
    config["classification"]["rule"] = name
    config["classification"]["further_rules"] = [name, "value_capture"]
    validate(config, REPO / "workflow" / "schemas" / "config.schema.yaml", name="config")
    assert get_rule(name).economic == get_rule(name.split("+")[0]).economic


@pytest.mark.parametrize("name", ["value_capture+gereffi", "value_capture+decent_work+x", "+"])
def test_unknown_joined_rule_names_are_refused(name):
    with pytest.raises(ValueError, match="two joined by"):
        get_rule(name)
    config = load_yaml(REPO / "config" / "config.yaml")
    config["classification"]["further_rules"] = [name]
    with pytest.raises(ConfigError, match=r"classification\.further_rules\.0"):
        validate(config, REPO / "workflow" / "schemas" / "config.schema.yaml", name="config")
