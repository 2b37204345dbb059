"""Verdicts that rest on a break in series or on unreliable values: the classification, the
robustness grid and the quadrant counts say so, and ``series_break: drop`` drops the changes
across a break; the indicator table lists the flagged columns of the labour table and the
dimensions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gvc_upgrading.analysis.caveats import period_flags
from gvc_upgrading.analysis.changes import registry_dimensions
from gvc_upgrading.analysis.classify import classify
from gvc_upgrading.analysis.indicators import compute_indicators
from gvc_upgrading.analysis.robustness import Specification, assess_robustness, robustness_table
from gvc_upgrading.harmonise.dimensions import dimension_flags, empty_dimension_table
from gvc_upgrading.outputs.tables import quadrant_counts, quadrant_table

YEARS = np.arange(2000, 2010)
PERIOD = [{"label": "2000-2009", "start": 2000, "end": 2009}]
EMPLOYMENT, WAGE = "employment_persons", "real_wage_per_employee_lcu"


def country(code: str, breaks: dict[int, str] | None = None,
            unreliable: dict[int, str] | None = None) -> pd.DataFrame:
    """An apparel country upgrading on both sides over 2000-2009, with the flagged columns of
    ``breaks`` and ``unreliable`` (year -> columns joined by ", ")."""
    t = YEARS - 2000
    return pd.DataFrame({
        "country": code, "value_chain": "apparel", "year": YEARS,
        "market_share": np.exp(0.05 * t), "unit_value_usd_per_kg": np.exp(0.05 * t),
        "relative_unit_value": np.exp(0.05 * t), EMPLOYMENT: 1000 * np.exp(0.03 * t),
        "nominal_wage_per_employee_lcu": np.exp(0.06 * t), WAGE: np.exp(0.02 * t),
        "series_breaks": [(breaks or {}).get(int(y), "") for y in YEARS],
        "unreliable_values": [(unreliable or {}).get(int(y), "") for y in YEARS]})


@pytest.fixture
def indicators() -> pd.DataFrame:
    return pd.concat([
        country("CLN"),
        # a survey switch in 2005 inside the period; an unreliable wage in the start window
        country("BRK", {2005: EMPLOYMENT}, {2001: f"{WAGE}, nominal_wage_per_employee_lcu"}),
        # a break at the first year, and one in a year outside every window: only the latter,
        # between the windows, separates values compared
        country("EDG", {2000: EMPLOYMENT, 2004: WAGE}),
        # an unreliable value in a year between the windows enters no change
        country("MID", unreliable={2005: EMPLOYMENT}),
    ], ignore_index=True)


def test_caveats_name_the_dimensions_and_years_each_verdict_rests_on(indicators):
    result = classify(indicators, PERIOD, endpoint_years=3).set_index("country")
    assert (result["economic_caveat"] == "").all()
    assert result["social_caveat"].to_dict() == {
        "CLN": "", "BRK": "series break: employment 2005; unreliable: real wage 2001",
        "EDG": "series break: real wage 2004", "MID": ""}
    assert (result["social_class"] == "upgrading").all()  # flag: the changes are kept


def test_a_break_counts_only_where_the_change_compares_values_across_it(indicators):
    later = indicators.copy()
    # Tanzania-like gap: no employment in the start window before 2002 -> a break in 2002 sits
    # before every start-window value used, and changes nothing
    gap = later["country"].eq("EDG") & later["year"].isin([2000, 2001])
    later.loc[gap, EMPLOYMENT] = np.nan
    later.loc[later["country"].eq("EDG") & later["year"].eq(2002), "series_breaks"] = EMPLOYMENT
    flags = period_flags(later, PERIOD, 3, registry_dimensions(["employment", "real_wage"]))
    edg = flags[flags["country"] == "EDG"]
    assert edg[["dimension", "kind", "year"]].values.tolist() == [["real_wage", "series break",
                                                                   2004]]


def test_drop_leaves_a_verdict_without_the_change_across_a_break(indicators):
    result = classify(indicators, PERIOD, endpoint_years=3, series_breaks="drop")
    result = result.set_index("country")
    assert np.isnan(result.loc["BRK", "employment_change"])
    assert np.isnan(result.loc["EDG", "real_wage_change"])
    assert result.loc["BRK", "social_class"] == "insufficient data"
    assert result.loc["CLN", "social_class"] == "upgrading"
    assert result.loc["BRK", "social_caveat"] == (
        "series break, change dropped: employment 2005; unreliable: real wage 2001")
    # the economic side reads no flagged dimension: untouched
    assert (result["economic_class"] == "upgrading").all()


def test_an_unknown_policy_names_the_config_key(indicators):
    with pytest.raises(ValueError, match=r"harmonise\.series_break"):
        classify(indicators, PERIOD, series_breaks="ignore")


def test_robustness_and_quadrant_tables_mark_the_verdicts(indicators):
    prices = indicators[["country", "year"]].assign(exchange_rate_lcu_per_usd=1.0)
    grid = {"endpoint_years": [1, 3], "unit_value": ["unit_value"], "wage": ["real_wage"],
            "tolerance": [0.0]}
    table = assess_robustness(indicators, PERIOD, grid, Specification(endpoint_years=3),
                              prices=prices).set_index("country")
    assert table.loc["BRK", "social_caveat"].startswith("series break: employment 2005")
    text = robustness_table(table.reset_index(), "markdown")
    brk = next(line for line in text.splitlines() if "| BRK |" in line)
    assert "upgrading†" in brk and "| upgrading |" in brk  # social marked, economic not
    assert "† The verdict rests on a break in series" in text
    dropped = assess_robustness(indicators, PERIOD, grid, Specification(endpoint_years=3),
                                prices=prices, series_breaks="drop").set_index("country")
    assert dropped.loc["BRK", "social_class"] == "insufficient data"
    assert dropped.loc["BRK", "social_agreement"] == 1.0  # every specification drops it too

    counts = quadrant_counts(classify(indicators, PERIOD, endpoint_years=3))
    cell = counts[(counts["economic_class"] == "upgrading")
                  & (counts["social_class"] == "upgrading")]
    assert cell[["count", "with_caveat"]].values.tolist() == [[4, 2]]  # BRK and EDG
    assert counts["with_caveat"].sum() == 2
    assert "4 (100%; 2†)" in quadrant_table(counts, "markdown")


def test_indicator_table_lists_flagged_columns_of_labour_and_dimensions(tmp_path):
    gvcs = {"apparel": {"label": "Apparel", "hs": {"HS92": ["61"]},
                        "isic": {"rev3": "18", "rev4": "14"}, "labour_source": "ilostat"}}
    trade = tmp_path / "trade_2015.parquet"
    pq.write_table(pa.table({
        "year": pa.array([2015, 2016], pa.int64()), "exporter": ["BGD", "BGD"],
        "importer": ["USA", "USA"], "hs_revision": ["HS92", "HS92"],
        "hs6": ["610910", "610910"], "value_usd": [300.0, 330.0], "quantity_kg": [30.0, 31.0]}),
        trade)
    labour = pd.DataFrame({
        "country": ["BGD", "BGD"], "value_chain": "apparel", "year": [2015, 2016],
        "employment_persons": [1000.0, 1100.0], "nominal_wage_per_employee_lcu": [5.0, 6.0],
        "real_wage_per_employee_lcu": [5.0, 5.5], "value_added_lcu": np.nan,
        "labour_source": "ilostat", "isic_revision": "4",
        "employment_break": [False, True], "wage_break": [False, False],
        "employment_unreliable": [False, False], "wage_unreliable": [True, False]})
    dims = registry_dimensions(["hours_worked"])
    long = pd.DataFrame({
        "country": "BGD", "value_chain": "apparel", "year": [2016, 2016], "dimension":
        "hours_worked", "sex": ["total", "female"], "value": [48.0, 47.0],
        "series_break": [True, False], "unreliable": [False, True]})
    table = compute_indicators([trade], labour, gvcs, ["apparel"], (2015, 2016),
                               dimension_flags=dimension_flags(long, dims)).set_index("year")
    assert table["series_breaks"].to_dict() == {
        2015: "", 2016: "employment_persons, hours_per_week"}
    assert table["unreliable_values"].to_dict() == {
        2015: "nominal_wage_per_employee_lcu, real_wage_per_employee_lcu",
        2016: "hours_per_week_female"}


def test_no_dimension_read_from_a_file_flags_nothing():
    flags = dimension_flags(empty_dimension_table(), registry_dimensions(["hours_worked"]))
    assert flags.empty and list(flags.columns) == [
        "country", "value_chain", "year", "series_breaks", "unreliable_values"]
