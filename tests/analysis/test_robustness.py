"""Robustness of the verdicts: agreement shares on a hand-built example, table and figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from gvc_upgrading.analysis.classify import DecentWork, classify
from gvc_upgrading.analysis.robustness import (
    ROBUSTNESS_COLUMNS,
    Specification,
    assess_robustness,
    describe_grid,
    robustness_columns,
    robustness_table,
    specification_grid,
    with_usd_wage,
)
from gvc_upgrading.dimensions import load_dimensions
from gvc_upgrading.outputs.figures import plot_robustness

REGISTRY = REPO / "config" / "dimensions.yaml"

YEARS = np.arange(2000, 2010)
PERIOD = [{"label": "2000-2009", "start": 2000, "end": 2009}]
GRID = {
    "endpoint_years": [1, 3],
    "unit_value": ["unit_value", "relative_unit_value"],
    "wage": ["real_wage", "usd_wage"],
    "tolerance": [0.0, 0.02, 0.05],
}
BASELINE = Specification(endpoint_years=3)


def country(code: str, rates: dict[str, float], **paths: list[float]) -> pd.DataFrame:
    """Indicators of one apparel country: exp(rate x (year - 2000)), or an explicit path."""
    t = YEARS - 2000
    columns = {name: np.exp(rate * t) for name, rate in rates.items()}
    columns.update({name: np.asarray(path, dtype="float64") for name, path in paths.items()})
    return pd.DataFrame({"country": code, "value_chain": "apparel", "year": YEARS, **columns})


STRONG = {
    "market_share": 0.05, "unit_value_usd_per_kg": 0.05, "relative_unit_value": 0.05,
    "employment_persons": 0.03, "real_wage_per_employee_lcu": 0.02,
    "nominal_wage_per_employee_lcu": 0.05,
}  # fmt: skip


@pytest.fixture
def example() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four countries, each sensitive to at most one choice of the grid, and their prices.

    ROB: every change large -> every specification agrees.
    SML: unit value up 0.004 a year (0.028 log points with 3-year ends, 0.036 with single
         years): flat only under the 0.05 tolerance, and only with the absolute unit value
         -> economic disagreement in 2 x 2 x 1 of 24 specifications.
    FXD: the currency loses 0.10 log points a year against the dollar while the nominal wage
         gains 0.05: the USD wage falls -> social disagreement in the 12 usd_wage specs.
    END: market share 1 in 2000 and 4 in 2009, but lower in 2007-2009 than in 2000-2002
         -> economic verdict differs between 1- and 3-year ends (12 of 24).
    """
    indicators = pd.concat(
        [
            country("ROB", STRONG),
            country("SML", {**STRONG, "unit_value_usd_per_kg": 0.004}),
            country("FXD", STRONG),
            country(
                "END",
                {**STRONG, "unit_value_usd_per_kg": -0.05, "relative_unit_value": -0.05},
                market_share=[1, 5, 5, 3, 3, 3, 3, 2, 2, 4],
            ),
        ],
        ignore_index=True,
    )
    prices = pd.DataFrame(
        {
            "country": np.repeat(["END", "FXD", "ROB", "SML"], len(YEARS)),
            "year": np.tile(YEARS, 4),
            "exchange_rate_lcu_per_usd": np.concatenate(
                [np.full(10, 2.0), np.exp(0.10 * (YEARS - 2000)), np.full(10, 2.0),
                 np.full(10, 2.0)]
            ),
        }
    )  # fmt: skip
    return indicators, prices


def test_agreement_shares_of_the_hand_built_example(example) -> None:
    indicators, prices = example
    result = assess_robustness(indicators, PERIOD, GRID, BASELINE, prices=prices)

    assert list(result.columns) == ROBUSTNESS_COLUMNS
    assert list(result["country"]) == ["END", "FXD", "ROB", "SML"]
    table = result.set_index("country")
    expected = {
        "ROB": ("upgrading", 1.0, "upgrading", 1.0),
        "SML": ("upgrading", 20 / 24, "upgrading", 1.0),
        "FXD": ("upgrading", 1.0, "upgrading", 0.5),
        "END": ("downgrading", 0.5, "upgrading", 1.0),
    }
    for code, (economic, economic_share, social, social_share) in expected.items():
        row = table.loc[code]
        assert (row["economic_class"], row["social_class"]) == (economic, social), code
        assert row["economic_agreement"] == pytest.approx(economic_share), code
        assert row["social_agreement"] == pytest.approx(social_share), code
    assert (table["n_specifications"] == 24).all()
    assert (table["start_year"] == 2000).all() and (table["end_year"] == 2009).all()


def test_baseline_classes_are_those_of_classify(example) -> None:
    indicators, prices = example
    baseline = Specification(endpoint_years=1, tolerance=0.05)
    result = assess_robustness(indicators, PERIOD, GRID, baseline, prices=prices)
    direct = classify(indicators, PERIOD, endpoint_years=1, tolerance=0.05).set_index("country")
    table = result.set_index("country")
    assert table.loc["SML", "economic_class"] == "mixed"  # unit value flat in this baseline
    for column in ["economic_class", "social_class"]:
        pd.testing.assert_series_equal(table[column], direct.loc[table.index, column])
    assert table.loc["SML", "economic_agreement"] == pytest.approx(4 / 24)


def test_a_rule_that_ignores_a_choice_is_not_moved_by_it(example) -> None:
    indicators, prices = example
    result = assess_robustness(
        indicators, PERIOD, GRID, BASELINE, rule="kaplinsky_readman", prices=prices
    ).set_index("country")
    # SML's absolute unit value is what wavers; Kaplinsky-Readman reads the relative one
    assert result.loc["SML", "economic_agreement"] == 1.0
    assert result.loc["END", "economic_agreement"] == 0.5


def test_usd_wage_is_nominal_wage_over_exchange_rate(example) -> None:
    indicators, prices = example
    converted = with_usd_wage(indicators, prices)
    fxd = converted[converted["country"] == "FXD"]
    np.testing.assert_allclose(
        fxd["real_wage_per_employee_lcu"], np.exp(0.05 * (YEARS - 2000) - 0.10 * (YEARS - 2000))
    )
    missing_rate = with_usd_wage(indicators, prices[prices["year"] != 2005])
    assert missing_rate.loc[missing_rate["year"] == 2005, "real_wage_per_employee_lcu"].isna().all()
    # the input table is left as it was
    assert indicators.loc[indicators["country"] == "FXD", "real_wage_per_employee_lcu"].is_monotonic_increasing


def test_usd_wage_needs_prices(example) -> None:
    indicators, _ = example
    with pytest.raises(ValueError, match="usd_wage.*prices"):
        assess_robustness(indicators, PERIOD, GRID, BASELINE)
    real_only = {**GRID, "wage": ["real_wage"]}
    result = assess_robustness(indicators, PERIOD, real_only, BASELINE)
    assert (result["n_specifications"] == 12).all()


def test_specification_grid() -> None:
    specifications = specification_grid({**GRID, "tolerance": [0.0, 0.0, 0.05]})
    assert len(specifications) == 2 * 2 * 2 * 2  # the repeated tolerance counts once
    assert specifications[0] == Specification(1, "unit_value", "real_wage", 0.0)
    assert specifications[-1] == Specification(3, "relative_unit_value", "usd_wage", 0.05)
    with pytest.raises(ValueError, match=r"unknown: \['deflator'\], missing: \['wage'\]"):
        specification_grid({**{k: v for k, v in GRID.items() if k != "wage"}, "deflator": [1]})
    with pytest.raises(ValueError, match=r"wage values \['ppp_wage'\]"):
        specification_grid({**GRID, "wage": ["real_wage", "ppp_wage"]})
    with pytest.raises(ValueError, match=r"no values for \['tolerance'\]"):
        specification_grid({**GRID, "tolerance": []})


def test_robustness_table_and_note(example) -> None:
    indicators, prices = example
    result = assess_robustness(indicators, PERIOD, GRID, BASELINE, prices=prices)
    note = describe_grid(GRID, BASELINE)
    assert note == (
        "Agreement: share of the 24 specifications (endpoint years: 1, 3; export price: "
        "absolute unit value, relative unit value; wage: CPI-deflated real wage, wage in "
        "current US dollars; tolerance (log points): 0, 0.02, 0.05) whose class equals the "
        "baseline class (endpoint years 3, absolute unit value, CPI-deflated real wage, "
        "tolerance 0)."
    )
    markdown = robustness_table(result, "markdown", chain_labels={"apparel": "Apparel"}, note=note)
    lines = markdown.splitlines()
    assert lines[0] == (
        "| Value chain | Period | Country | Market share | Unit value | Economic class | Agreement "
        "| Employment | Real wage | Social class | Agreement |"
    )
    # END: share 1 -> 4 but (1 x 5 x 5)^(1/3) -> (2 x 2 x 4)^(1/3); unit value down 7 x 0.05
    share = np.log(16 / 25) / 3
    assert lines[2] == (
        f"| Apparel | 2000-2009 | END | {share:+.3f} | -0.350 | downgrading | 50% "
        "| +0.210 | +0.140 | upgrading | 100% |"
    )
    assert lines[5] == (
        "|  |  | SML | +0.350 | +0.028 | upgrading | 83% | +0.210 | +0.140 | upgrading | 100% |"
    )
    assert lines[-1] == f"Changes: log change (log points). {note}"
    html = robustness_table(result, "html", note=note)
    assert html.count("<tr>") == 1 + 4 + 1  # header, four countries, note
    assert "<td>FXD</td><td>+0.350</td><td>+0.350</td><td>upgrading</td><td>100%</td>" in html


def test_robustness_table_in_percent_for_the_relative_rule(example) -> None:
    indicators, prices = example
    result = assess_robustness(indicators, PERIOD, GRID, BASELINE, rule="kaplinsky_readman",
                               prices=prices, change="percent")
    assert (result["change_measure"] == "percent").all()
    markdown = robustness_table(result, "markdown", rule="kaplinsky_readman")
    assert "| Market share | Relative unit value | Economic class |" in markdown.splitlines()[0]
    assert "| SML | +41.9% | +41.9% | upgrading | 100% |" in markdown  # 100 x (e^0.35 - 1)
    assert describe_grid(GRID, BASELINE, "kaplinsky_readman").endswith(
        "baseline class (endpoint years 3, CPI-deflated real wage, tolerance 0). "
        "The kaplinsky_readman rule does not use the export price choice."
    )


def test_robustness_figure(tmp_path, example) -> None:
    indicators, prices = example
    result = assess_robustness(indicators, PERIOD, GRID, BASELINE, prices=prices)
    more = result.assign(value_chain="automotive").iloc[:2]  # a chain where two are missing
    paths = plot_robustness(pd.concat([result, more]), tmp_path / "robustness",
                            formats=["png", "pdf"], dpi=60)
    assert [path.name for path in paths] == ["robustness.png", "robustness.pdf"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError, match="no robustness rows"):
        plot_robustness(result.iloc[:0], tmp_path / "empty")


# --- the decent_work rule: social dimension set and aggregation as further choices ------------

DECENT_GRID = {**GRID, "social_dimensions": ["measurable_standards", "enabling_rights", "all"],
               "aggregation": ["all", "majority", "composite"]}


@pytest.fixture
def decent_example(example):
    """The four countries of ``example`` with hours (lower is better) and union density (a
    right). Hours fall and union density falls in every country, strongly: the standards all
    improve (employment, wage, hours) and the one right worsens, whatever the other choices.
    The composite over all three standards and the right is positive."""
    indicators, prices = example
    t = indicators["year"] - 2000
    dims = load_dimensions({"file": str(REGISTRY), "define": {}, "use": [
        "market_share", "unit_value", "relative_unit_value", "employment", "real_wage",
        "hours_worked", "union_density"]})
    assert dims["hours_worked"].better == "lower" and dims["union_density"].better == "higher"
    assert dims["union_density"].group == "enabling_right"
    indicators = indicators.assign(**{dims["hours_worked"].column: np.exp(-0.03 * t),
                                      dims["union_density"].column: np.exp(-0.04 * t)})
    return indicators, prices, dims


def test_the_decent_work_grid_adds_the_dimension_set_and_the_aggregation() -> None:
    specs = specification_grid(DECENT_GRID, rule="decent_work")
    assert len(specs) == 24 * 3 * 3
    assert {(s.social_dimensions, s.aggregation) for s in specs} == {
        (d, a) for d in DECENT_GRID["social_dimensions"] for a in DECENT_GRID["aggregation"]}
    # the other rules ignore both choices: the same 24 specifications as before
    assert specification_grid(DECENT_GRID) == specification_grid(GRID)
    # left out, a choice keeps the baseline's value
    baseline = Specification(3, aggregation="majority")
    kept = specification_grid(GRID, rule="decent_work", baseline=baseline)
    assert {(s.social_dimensions, s.aggregation) for s in kept} == {("all", "majority")}
    with pytest.raises(ValueError, match=r"aggregation values \['mean'\]"):
        specification_grid({**DECENT_GRID, "aggregation": ["mean"]}, rule="decent_work")
    with pytest.raises(ValueError, match=r"social_dimensions values \['rights'\]"):
        specification_grid({**DECENT_GRID, "social_dimensions": ["rights"]}, rule="decent_work")


@pytest.mark.parametrize("aggregation", ["all", "majority"])
def test_decent_work_agreement_over_sets_and_aggregations(decent_example, aggregation) -> None:
    indicators, prices, dims = decent_example
    result = assess_robustness(indicators, PERIOD, DECENT_GRID, BASELINE, rule="decent_work",
                               prices=prices, dimensions=dims,
                               decent_work=DecentWork(aggregation=aggregation))
    assert list(result.columns) == robustness_columns("decent_work", dims)
    n = len(specification_grid(DECENT_GRID, rule="decent_work"))
    assert (result["n_specifications"] == n).all() and n == 216
    rob = result.set_index("country").loc["ROB"]  # no other choice moves ROB's verdicts
    # the social verdict per (set, aggregation): standards only -> upgrading, the right only ->
    # downgrading; both groups -> mixed under all, upgrading under majority (3 better, 1 worse)
    # and composite (positive)
    social = {("measurable_standards", a): "upgrading" for a in DECENT_GRID["aggregation"]}
    social |= {("enabling_rights", a): "downgrading" for a in DECENT_GRID["aggregation"]}
    social |= {("all", "all"): "mixed", ("all", "majority"): "upgrading",
               ("all", "composite"): "upgrading"}
    baseline_class = social[("all", aggregation)]
    assert (rob["standards_class"], rob["rights_class"], rob["social_class"]) == (
        "upgrading", "downgrading", baseline_class)
    agreeing = sum(verdict == baseline_class for verdict in social.values())
    assert rob["social_agreement"] == pytest.approx(agreeing / len(social))
    assert rob["standards_agreement"] == rob["rights_agreement"] == 1.0
    assert rob["rule"] == "decent_work"
    # the economic side is that of bernhardt_milberg, with the same agreement
    bm = assess_robustness(indicators, PERIOD, GRID, BASELINE, prices=prices)
    pd.testing.assert_series_equal(result["economic_agreement"], bm["economic_agreement"])


def test_decent_work_note_and_table(decent_example) -> None:
    indicators, prices, dims = decent_example
    settings = DecentWork(aggregation="majority")
    result = assess_robustness(indicators, PERIOD, DECENT_GRID, BASELINE, rule="decent_work",
                               prices=prices, dimensions=dims, decent_work=settings)
    note = describe_grid(DECENT_GRID, BASELINE, "decent_work", settings)
    assert note.startswith("Agreement: share of the 216 specifications (")
    assert ("; social dimensions: measurable standards, enabling rights, both groups; "
            "aggregation: all dimensions, majority, composite index)") in note
    assert note.endswith("tolerance 0, social dimensions: both groups, aggregation: majority).")
    lines = robustness_table(result, "markdown", rule="decent_work", note=note).splitlines()
    assert lines[0] == (
        "| Value chain | Period | Country | Market share | Unit value | Economic class | Agreement "
        "| Standards class | Agreement | Rights class | Agreement | Social class | Agreement |")
    assert describe_grid(DECENT_GRID, BASELINE) == describe_grid(GRID, BASELINE)
