"""Value capture: the indicator columns from OECD TiVA, the ``value_capture`` rule on
hand-built examples, and value captured in place of the unit value in the robustness grid."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gvc_upgrading.analysis.changes import registry_dimensions
from gvc_upgrading.analysis.classify import classify, classify_changes, crosstab
from gvc_upgrading.analysis.indicators import add_value_added
from gvc_upgrading.analysis.robustness import (
    Specification,
    assess_robustness,
    describe_grid,
    specification_grid,
)
from gvc_upgrading.analysis.specifications import normalise_spec, spec_terms

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
    counts = crosstab(table).set_index(["economic_class", "social_class"])["count"]
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

    from conftest import REPO

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
