"""Property tests of the real path from trade flows to classes: trade_indicators, then classify."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gvc_upgrading.analysis.classify import classify, period_changes
from gvc_upgrading.analysis.indicators import trade_indicators

EXPORTERS = ["AAA", "BBB", "CCC"]
PRODUCTS = ["610910", "620342"]
YEARS = np.arange(2000, 2006)
PERIOD = [{"label": "2000-2005", "start": 2000, "end": 2005}]
SHAPE = (len(EXPORTERS), len(PRODUCTS), len(YEARS))
TRADE_CHANGES = ["market_share_change", "unit_value_change", "relative_unit_value_change"]
KEYS = ["country", "value_chain", "period"]

positive = st.floats(min_value=1e-2, max_value=1e6)
values_strategy = arrays("float64", SHAPE, elements=positive)
quantities_strategy = arrays(
    "float64", SHAPE, elements=st.one_of(positive, st.just(np.nan), st.just(0.0))
)
labour_strategy = arrays("float64", (len(EXPORTERS), len(YEARS), 2), elements=positive)
rules = st.sampled_from(["bernhardt_milberg", "kaplinsky_readman"])
tolerances = st.sampled_from([0.0, 0.05])


def flows_from(values: np.ndarray, quantities: np.ndarray, exporters=EXPORTERS) -> pd.DataFrame:
    """One flow per exporter x product x year from (exporter, product, year) arrays."""
    e, p, y = np.meshgrid(
        np.arange(len(exporters)), np.arange(len(PRODUCTS)), np.arange(len(YEARS)),
        indexing="ij",
    )
    return pd.DataFrame(
        {
            "year": YEARS[y.ravel()],
            "exporter": np.asarray(exporters)[e.ravel()],
            "hs6": np.asarray(PRODUCTS)[p.ravel()],
            "value_usd": values.ravel(),
            "quantity_kg": quantities.ravel(),
        }
    )


def labour_from(labour: np.ndarray) -> pd.DataFrame:
    """Employment and real wage per exporter x year from an (exporter, year, 2) array."""
    return pd.DataFrame(
        {
            "country": np.repeat(EXPORTERS, len(YEARS)),
            "year": np.tile(YEARS, len(EXPORTERS)),
            "employment_persons": labour[:, :, 0].ravel(),
            "real_wage_per_employee_lcu": labour[:, :, 1].ravel(),
        }
    )


def indicators_from(flows: pd.DataFrame, labour: pd.DataFrame) -> pd.DataFrame:
    """The indicator table of one chain: trade indicators joined with labour, as the pipeline."""
    trade = trade_indicators(flows).assign(value_chain="apparel")
    return trade.merge(labour, on=["country", "year"], how="left")


def classes_of(indicators: pd.DataFrame, rule: str, tolerance: float) -> pd.DataFrame:
    """Classify the one period with 2-year ends, indexed by country x value_chain x period."""
    return classify(
        indicators, PERIOD, rule=rule, tolerance=tolerance, endpoint_years=2
    ).set_index(KEYS)


def decisive(changes: pd.DataFrame, tolerance: float) -> pd.Series:
    """Rows whose every change lies clearly off the edges of the tolerance band.

    On an edge (e.g. an exactly flat market share) rounding in the last digit may move the
    direction either way, so class comparisons are made on the other rows only.
    """
    distance = (changes.abs() - tolerance).abs()
    return (distance > 1e-9).all(axis=1) | changes.isna().any(axis=1)


@settings(max_examples=40, deadline=None)
@given(values=values_strategy, quantities=quantities_strategy)
def test_market_shares_sum_to_one_in_every_year(values, quantities) -> None:
    result = trade_indicators(flows_from(values, quantities))
    sums = result.groupby("year")["market_share"].sum()
    assert list(sums.index) == list(YEARS)
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    values=values_strategy,
    quantities=quantities_strategy,
    labour=labour_strategy,
    factor=st.floats(min_value=1e-3, max_value=1e3),
    rule=rules,
    tolerance=tolerances,
)
def test_scaling_trade_values_changes_no_share_price_change_or_class(
    values, quantities, labour, factor, rule, tolerance
) -> None:
    workers = labour_from(labour)
    base = indicators_from(flows_from(values, quantities), workers)
    scaled = indicators_from(flows_from(values * factor, quantities), workers)

    for column in ["market_share", "relative_unit_value", "unit_value_coverage"]:
        np.testing.assert_allclose(scaled[column], base[column], rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(
        scaled["unit_value_usd_per_kg"], base["unit_value_usd_per_kg"] * factor, rtol=1e-9,
        equal_nan=True,
    )

    before, after = classes_of(base, rule, tolerance), classes_of(scaled, rule, tolerance)
    np.testing.assert_allclose(
        after[TRADE_CHANGES].to_numpy("float64"), before[TRADE_CHANGES].to_numpy("float64"),
        atol=1e-9, equal_nan=True,
    )
    clear = decisive(before[TRADE_CHANGES], tolerance)
    pd.testing.assert_series_equal(after["economic_class"][clear], before["economic_class"][clear])
    pd.testing.assert_series_equal(after["social_class"], before["social_class"])


@settings(max_examples=40, deadline=None)
@given(
    values=values_strategy,
    quantities=quantities_strategy,
    labour=labour_strategy,
    zero_quantities=arrays(
        "float64", SHAPE[1:], elements=st.one_of(positive, st.just(np.nan), st.just(0.0))
    ),
    rule=rules,
)
def test_adding_a_zero_trade_country_changes_nothing_else(
    values, quantities, labour, zero_quantities, rule
) -> None:
    workers = labour_from(labour)
    flows = flows_from(values, quantities)
    # ZZZ reports lines with no value (its quantities are noise: missing, zero or positive).
    zero = flows_from(np.zeros((1, *SHAPE[1:])), zero_quantities[None], exporters=["ZZZ"])
    base = indicators_from(flows, workers)
    extended = indicators_from(pd.concat([flows, zero], ignore_index=True), workers)

    others = extended[extended["country"] != "ZZZ"].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, base)
    zzz = extended[extended["country"] == "ZZZ"]
    assert (zzz["market_share"] == 0).all() and zzz["unit_value_usd_per_kg"].isna().all()

    before = classes_of(base, rule, 0.0)
    after = classes_of(extended, rule, 0.0)
    pd.testing.assert_frame_equal(after.drop(index="ZZZ", level="country"), before)
    assert after.loc[("ZZZ", "apparel", "2000-2005"), "economic_class"] == "insufficient data"


@settings(max_examples=60, deadline=None)
@given(
    world_prices=arrays("float64", len(PRODUCTS), elements=st.floats(1e-2, 1e5)),
    values=arrays("float64", (len(EXPORTERS), len(PRODUCTS)), elements=positive),
)
def test_relative_unit_value_at_world_prices_is_one_for_any_mix(world_prices, values) -> None:
    quantities = values / world_prices  # every exporter sells each product at its world price
    every_year = np.repeat(values[:, :, None], len(YEARS), axis=2)
    result = trade_indicators(
        flows_from(every_year, np.repeat(quantities[:, :, None], len(YEARS), axis=2))
    )
    assert result["relative_unit_value"].to_numpy() == pytest.approx(1.0, rel=1e-9)
    # the absolute unit value does depend on the mix, which is what the relative one nets out
    mixes = values / values.sum(axis=1, keepdims=True)
    if np.ptp(mixes[:, 0]) > 0.1 and abs(np.log(world_prices[0] / world_prices[1])) > 0.5:
        assert np.ptp(result["unit_value_usd_per_kg"].to_numpy()) > 0


def test_period_changes_of_trade_indicators_match_hand_computation() -> None:
    """A worked example of the same path: AAA doubles its sales of one product at a fixed price."""
    values = np.ones(SHAPE)
    values[0, 0, 3:] = 2.0  # AAA's 610910 sales double from 2003
    quantities = values.copy()  # every line at 1 USD per kg: relative unit value stays 1
    indicators = indicators_from(flows_from(values, quantities), labour_from(np.ones((3, 6, 2))))
    changes = period_changes(indicators, PERIOD, endpoint_years=2).set_index("country")
    # AAA's share goes from 2/6 to 3/7 of world exports; its unit value stays 1.
    assert changes.loc["AAA", "market_share_change"] == pytest.approx(np.log((3 / 7) / (2 / 6)))
    assert changes.loc["BBB", "market_share_change"] == pytest.approx(np.log((2 / 7) / (2 / 6)))
    assert changes.loc["AAA", "unit_value_change"] == pytest.approx(0.0)
    assert changes.loc["AAA", "relative_unit_value_change"] == pytest.approx(0.0)
