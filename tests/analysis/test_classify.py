"""Tests for gvc_upgrading.analysis.classify: endpoint log changes, the Bernhardt-Milberg rule,
and the quadrant counts of its classes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gvc_upgrading.analysis.classify import (
    classify,
    classify_changes,
    express_changes,
    period_changes,
)
from gvc_upgrading.outputs.tables import quadrant_counts

PERIOD = [{"label": "2000-2009", "start": 2000, "end": 2009}]
QUADRANT_KEYS = ["value_chain", "period", "economic_class", "social_class"]


def crosstab(classification: pd.DataFrame) -> pd.DataFrame:
    """The quadrant counts of ``classification`` as the tables show them, keeping the cells
    listed by the expected tables below: every upgrading / mixed / downgrading pair, and the
    pairs with insufficient data where a country has them (the others must count 0)."""
    counts = quadrant_counts(classification)
    assert (counts["rule"] == classification["rule"].iloc[0]).all()
    main = ~(counts["economic_class"].eq("insufficient data")
             | counts["social_class"].eq("insufficient data"))
    kept = counts[main | counts["count"].gt(0)]
    return kept[[*QUADRANT_KEYS, "count", "share"]].reset_index(drop=True)
YEARS = np.arange(2000, 2010)
ALLOWED_CLASSES = {"upgrading", "downgrading", "mixed", "insufficient data"}
CHANGE_NAMES = ["market_share_change", "unit_value_change", "employment_change", "real_wage_change"]


def growth_rows(country: str, value_chain: str, growth: dict[str, float]) -> pd.DataFrame:
    """Indicators growing at a constant log rate per year from 1 in 2000.

    With 3-year endpoints over 2000-2009 the mean log is 1*g at the start (2000-2002) and 8*g at
    the end (2007-2009), so the log change is exactly 7*g.
    """
    t = YEARS - 2000
    return pd.DataFrame(
        {
            "country": country,
            "value_chain": value_chain,
            "year": YEARS,
            **{column: np.exp(rate * t) for column, rate in growth.items()},
        }
    )


def rates(ms: float, uv: float, emp: float, wage: float) -> dict[str, float]:
    return {
        "market_share": ms,
        "unit_value_usd_per_kg": uv,
        "employment_persons": emp,
        "real_wage_per_employee_lcu": wage,
    }


@pytest.fixture
def example() -> pd.DataFrame:
    """One apparel country per class pair, plus one flat automotive country."""
    no_data = growth_rows("NAD", "apparel", rates(0.05, 0.02, 0.0, 0.01))
    no_data.loc[no_data["year"] >= 2007, "unit_value_usd_per_kg"] = np.nan  # end window empty
    no_data["employment_persons"] = np.nan
    return pd.concat(
        [
            growth_rows("UPU", "apparel", rates(0.05, 0.02, 0.03, 0.01)),
            growth_rows("DWN", "apparel", rates(-0.05, -0.02, -0.03, -0.01)),
            growth_rows("MIX", "apparel", rates(0.05, -0.02, -0.03, 0.01)),
            no_data,
            growth_rows("UPD", "apparel", rates(0.05, 0.02, -0.03, -0.01)),
            growth_rows("FLT", "automotive", rates(0.0, 0.0, 0.0, 0.0)),
        ],
        ignore_index=True,
    )


def test_example_classes_and_details(example: pd.DataFrame) -> None:
    result = classify(example, PERIOD).set_index("country")

    expected = {
        "UPU": ("upgrading", "upgrading"),
        "DWN": ("downgrading", "downgrading"),
        "MIX": ("mixed", "mixed"),
        "NAD": ("insufficient data", "insufficient data"),
        "UPD": ("upgrading", "downgrading"),
        "FLT": ("mixed", "mixed"),
    }
    for country, (economic, social) in expected.items():
        assert result.loc[country, "economic_class"] == economic, country
        assert result.loc[country, "social_class"] == social, country

    assert result.loc["MIX", "economic_detail"] == "market share up, unit value down"
    assert result.loc["MIX", "social_detail"] == "employment down, real wage up"
    assert result.loc["NAD", "economic_detail"] == "market share up, unit value n/a"
    assert result.loc["NAD", "social_detail"] == "employment n/a, real wage up"
    assert result.loc["FLT", "economic_detail"] == "market share flat, unit value flat"
    assert result.loc["UPU", "market_share_change"] == pytest.approx(7 * 0.05)
    assert result.loc["DWN", "real_wage_change"] == pytest.approx(7 * -0.01)
    assert result.loc["UPU", "start_year"] == 2000 and result.loc["UPU", "end_year"] == 2009
    assert result["relative_unit_value_change"].isna().all()  # column absent from the input


def test_example_output_columns(example: pd.DataFrame) -> None:
    assert list(classify(example, PERIOD).columns) == [
        "country", "value_chain", "period", "start_year", "end_year",
        "market_share_change", "unit_value_change", "relative_unit_value_change",
        "employment_change", "real_wage_change", "change_measure", "rule",
        "economic_class", "social_class", "economic_detail", "social_detail",
        "economic_caveat", "social_caveat",
    ]  # fmt: skip
    assert (classify(example, PERIOD)["rule"] == "bernhardt_milberg").all()


def test_example_crosstab(example: pd.DataFrame) -> None:
    table = crosstab(classify(example, PERIOD))

    up, mixed, down, na = "upgrading", "mixed", "downgrading", "insufficient data"
    apparel_counts = {
        (up, up): 1, (up, mixed): 0, (up, down): 1,
        (mixed, up): 0, (mixed, mixed): 1, (mixed, down): 0,
        (down, up): 0, (down, mixed): 0, (down, down): 1,
        (na, na): 1,
    }  # fmt: skip
    automotive_counts = {
        (up, up): 0, (up, mixed): 0, (up, down): 0,
        (mixed, up): 0, (mixed, mixed): 1, (mixed, down): 0,
        (down, up): 0, (down, mixed): 0, (down, down): 0,
    }  # fmt: skip
    rows = [
        ("apparel", economic, social, count, count / 5)
        for (economic, social), count in apparel_counts.items()
    ] + [
        ("automotive", economic, social, count, float(count))
        for (economic, social), count in automotive_counts.items()
    ]
    expected = pd.DataFrame(
        rows, columns=["value_chain", "economic_class", "social_class", "count", "share"]
    )
    expected.insert(1, "period", "2000-2009")

    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    assert table["count"].dtype == "int64"


def test_tolerance_band_makes_small_change_flat() -> None:
    changes = pd.DataFrame(
        {
            "market_share_change": [0.01, -0.01, 0.02, 0.03],
            "unit_value_change": [0.5, -0.5, 0.5, 0.5],
            "employment_change": [0.5, 0.5, 0.5, 0.5],
            "real_wage_change": [0.5, 0.5, 0.5, 0.5],
        }
    )
    narrow = classify_changes(changes, tolerance=0.0)
    wide = classify_changes(changes, tolerance=0.02)

    assert list(narrow["economic_class"]) == ["upgrading", "downgrading", "upgrading", "upgrading"]
    # 0.01 and -0.01 are inside the band, 0.02 is on its (inclusive) edge, 0.03 is outside.
    assert list(wide["economic_class"]) == ["mixed", "mixed", "mixed", "upgrading"]
    assert wide.loc[0, "economic_detail"] == "market share flat, unit value up"


def test_endpoint_averaging_uses_geometric_mean_of_the_right_years() -> None:
    years = list(range(1999, 2008))
    values = [1000.0, 1.0, 4.0, 100.0, 100.0, 100.0, 6.0, 6.0, 0.001]
    frames = []
    for country, column_values in {
        "ALL": values,  # start window 2000-2001: {1, 4} -> geometric mean 2; end {6, 6} -> 6
        "ZER": [1000.0, 1.0, 0.0, 100.0, 100.0, 100.0, 6.0, 6.0, 0.001],  # zero ignored
        "LATE": [np.nan, np.nan, 4.0, 100.0, 100.0, 100.0, 6.0, 6.0, np.nan],  # from 2001
    }.items():
        frames.append(
            pd.DataFrame(
                {"country": country, "value_chain": "apparel", "year": years,
                 "market_share": column_values}
            )  # fmt: skip
        )
    indicators = pd.concat(frames, ignore_index=True)
    period = [{"label": "p", "start": 2000, "end": 2006}]

    one = period_changes(indicators, period, endpoint_years=2).set_index("country")
    assert one.loc["ALL", "market_share_change"] == pytest.approx(math.log(3.0))
    assert one.loc["ZER", "market_share_change"] == pytest.approx(math.log(6.0))
    assert one.loc["LATE", "market_share_change"] == pytest.approx(math.log(6.0 / 4.0))
    assert one["employment_change"].isna().all()

    two = period_changes(
        indicators, period, endpoint_years=2, min_endpoint_observations=2
    ).set_index("country")
    assert two.loc["ALL", "market_share_change"] == pytest.approx(math.log(3.0))
    assert np.isnan(two.loc["ZER", "market_share_change"])
    assert np.isnan(two.loc["LATE", "market_share_change"])


def test_relative_unit_value_choice(example: pd.DataFrame) -> None:
    indicators = example.rename(columns={"unit_value_usd_per_kg": "relative_unit_value"})
    result = classify(indicators, PERIOD, unit_value="relative_unit_value").set_index("country")
    assert result.loc["MIX", "economic_detail"] == "market share up, relative unit value down"
    assert result.loc["UPU", "economic_class"] == "upgrading"
    assert result["unit_value_change"].isna().all()


def test_unknown_rule_names_rule_and_known_rules(example: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"'gereffi'.*\['bernhardt_milberg', 'decent_work', 'kaplinsky_readman', 'value_capture'\]"):
        classify(example, PERIOD, rule="gereffi")


def test_missing_column_is_named(example: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="real_wage_per_employee_lcu"):
        classify(example.drop(columns="real_wage_per_employee_lcu"), PERIOD)
    with pytest.raises(ValueError, match="relative_unit_value"):
        classify(example, PERIOD, unit_value="relative_unit_value")
    changes = pd.DataFrame({"market_share_change": [0.1], "unit_value_change": [0.1]})
    with pytest.raises(ValueError, match="employment_change, real_wage_change"):
        classify_changes(changes)


def test_period_shorter_than_two_windows_is_rejected(example: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="short"):
        period_changes(example, [{"label": "x", "start": 2000, "end": 2004}], endpoint_years=3)


def indicator_table(exports, world, quantity, employment, wage) -> pd.DataFrame:
    """Indicators of countries c0, c1, ... over YEARS from raw (country x year) arrays."""
    n_countries = exports.shape[0]
    return pd.DataFrame(
        {
            "country": np.repeat([f"c{i}" for i in range(n_countries)], len(YEARS)),
            "value_chain": "apparel",
            "year": np.tile(YEARS, n_countries),
            "market_share": (exports / world).ravel(),
            "unit_value_usd_per_kg": (exports / quantity).ravel(),
            "employment_persons": employment.ravel(),
            "real_wage_per_employee_lcu": wage.ravel(),
        }
    )


positive = st.floats(min_value=1.0, max_value=1e6)
panel = arrays("float64", (3, len(YEARS)), elements=positive)


@settings(max_examples=60, deadline=None)
@given(
    exports=panel,
    rest_of_world=arrays("float64", len(YEARS), elements=positive),
    quantity=panel,
    employment=panel,
    wage=panel,
    factor=st.floats(min_value=1e-3, max_value=1e3),
    tolerance=st.sampled_from([0.0, 0.05]),
)
def test_scaling_values_leaves_classes_unchanged(
    exports, rest_of_world, quantity, employment, wage, factor, tolerance
) -> None:
    world = exports.sum(axis=0) + rest_of_world
    base = indicator_table(exports, world, quantity, employment, wage)
    scaled = indicator_table(exports * factor, world * factor, quantity, employment, wage)

    changes = period_changes(base, PERIOD)[CHANGE_NAMES].to_numpy()
    # Rounding may move a change sitting exactly on a decision edge; those cases are moot.
    assume(np.all(np.abs(np.abs(changes) - tolerance) > 1e-9))

    before = classify(base, PERIOD, tolerance=tolerance)
    after = classify(scaled, PERIOD, tolerance=tolerance)
    pd.testing.assert_series_equal(before["economic_class"], after["economic_class"])
    pd.testing.assert_series_equal(before["social_class"], after["social_class"])


change_values = st.one_of(
    st.floats(min_value=-1.0, max_value=1.0), st.just(0.0), st.just(float("nan"))
)


@settings(max_examples=200, deadline=None)
@given(
    values=arrays("float64", (8, 4), elements=change_values),
    tolerance=st.floats(min_value=0.0, max_value=0.5),
)
def test_classify_changes_properties(values, tolerance) -> None:
    changes = pd.DataFrame(values, columns=CHANGE_NAMES)
    result = classify_changes(changes, tolerance=tolerance)

    assert set(result["economic_class"]) <= ALLOWED_CLASSES
    assert set(result["social_class"]) <= ALLOWED_CLASSES
    for side, (first, second) in {
        "economic": ("market_share_change", "unit_value_change"),
        "social": ("employment_change", "real_wage_change"),
    }.items():
        a, b = changes[first].to_numpy(), changes[second].to_numpy()
        label = result[f"{side}_class"].to_numpy()
        np.testing.assert_array_equal(label == "upgrading", (a > tolerance) & (b > tolerance))
        np.testing.assert_array_equal(label == "downgrading", (a < -tolerance) & (b < -tolerance))
        np.testing.assert_array_equal(label == "insufficient data", np.isnan(a) | np.isnan(b))


def kr_rates(ms: float, ruv: float, uv: float, emp: float, wage: float) -> dict[str, float]:
    return {
        "market_share": ms,
        "relative_unit_value": ruv,
        "unit_value_usd_per_kg": uv,
        "employment_persons": emp,
        "real_wage_per_employee_lcu": wage,
    }


@pytest.fixture
def kr_example() -> pd.DataFrame:
    """One apparel country per Kaplinsky-Readman cell; the absolute unit value often disagrees."""
    no_data = growth_rows("NAD", "apparel", kr_rates(0.05, 0.02, 0.02, 0.03, 0.01))
    no_data.loc[no_data["year"] <= 2002, "relative_unit_value"] = np.nan  # start window empty
    return pd.concat(
        [
            growth_rows("UPG", "apparel", kr_rates(0.05, 0.02, -0.02, 0.03, 0.01)),
            growth_rows("PRC", "apparel", kr_rates(0.05, -0.02, 0.02, 0.03, -0.01)),
            growth_rows("DRL", "apparel", kr_rates(-0.05, 0.02, 0.02, -0.03, -0.01)),
            growth_rows("DWN", "apparel", kr_rates(-0.05, -0.02, 0.02, -0.03, 0.01)),
            growth_rows("FLT", "apparel", kr_rates(0.0, 0.02, 0.02, 0.0, 0.01)),
            no_data,
        ],
        ignore_index=True,
    )


def test_kaplinsky_readman_example_classes_details_and_crosstab(kr_example) -> None:
    result = classify(kr_example, PERIOD, rule="kaplinsky_readman").set_index("country")

    expected = {
        "UPG": ("upgrading", "market share up, relative unit value up", "upgrading"),
        "PRC": (
            "mixed",
            "market share up, relative unit value down "
            "(gaining share on price: risk of immiserising growth)",
            "mixed",
        ),
        "DRL": (
            "mixed",
            "market share down, relative unit value up (dearer products losing share)",
            "downgrading",
        ),
        "DWN": ("downgrading", "market share down, relative unit value down", "mixed"),
        "FLT": ("mixed", "market share flat, relative unit value up", "mixed"),
        "NAD": ("insufficient data", "market share up, relative unit value n/a", "upgrading"),
    }
    for country, (economic, detail, social) in expected.items():
        assert result.loc[country, "economic_class"] == economic, country
        assert result.loc[country, "economic_detail"] == detail, country
        assert result.loc[country, "social_class"] == social, country
    assert result.loc["DRL", "social_detail"] == "employment down, real wage down"

    up, mixed, down, na = "upgrading", "mixed", "downgrading", "insufficient data"
    counts = {
        (up, up): 1, (up, mixed): 0, (up, down): 0,
        (mixed, up): 0, (mixed, mixed): 2, (mixed, down): 1,
        (down, up): 0, (down, mixed): 1, (down, down): 0,
        (na, up): 1,
    }  # fmt: skip
    expected_table = pd.DataFrame(
        [("apparel", "2000-2009", e, s, n, n / 6) for (e, s), n in counts.items()],
        columns=["value_chain", "period", "economic_class", "social_class", "count", "share"],
    )
    table = crosstab(classify(kr_example, PERIOD, rule="kaplinsky_readman"))
    pd.testing.assert_frame_equal(table, expected_table, check_dtype=False)


def test_kaplinsky_readman_reads_relative_not_absolute_unit_values(kr_example) -> None:
    kr = classify(kr_example, PERIOD, rule="kaplinsky_readman").set_index("country")
    bm = classify(kr_example, PERIOD, rule="bernhardt_milberg").set_index("country")
    # UPG: relative unit value up, absolute unit value down; PRC the reverse.
    assert (kr.loc["UPG", "economic_class"], bm.loc["UPG", "economic_class"]) == (
        "upgrading", "mixed"
    )
    assert (kr.loc["PRC", "economic_class"], bm.loc["PRC", "economic_class"]) == (
        "mixed", "upgrading"
    )
    # the unit_value choice cannot switch Kaplinsky-Readman to absolute unit values
    same = classify(kr_example, PERIOD, rule="kaplinsky_readman", unit_value="relative_unit_value")
    pd.testing.assert_frame_equal(same.set_index("country"), kr)
    # the same rule on a table of changes typed in by hand
    typed = pd.DataFrame(
        {"market_share_change": [0.3, -0.2], "relative_unit_value_change": [-0.1, 0.4],
         "employment_change": [0.1, 0.1], "real_wage_change": [0.1, 0.1]}
    )  # fmt: skip
    typed_classes = classify_changes(typed, rule="kaplinsky_readman")
    assert list(typed_classes["economic_class"]) == ["mixed", "mixed"]
    assert typed_classes.loc[0, "economic_detail"].endswith("risk of immiserising growth)")


@pytest.mark.parametrize(
    ("measure", "endpoint_years", "expected"),
    [
        ("log", 3, 7 * 0.05),
        ("percent", 3, 100 * (math.exp(7 * 0.05) - 1)),
        ("annualised_log", 3, 0.05),  # window centres 2001 and 2008: 7 years apart
        ("annualised_log", 1, 0.05),  # 2000 and 2009: 9 years apart, change 9 x 0.05
        ("percent", 1, 100 * (math.exp(9 * 0.05) - 1)),
    ],
)
def test_change_measures(example, measure, endpoint_years, expected) -> None:
    result = classify(example, PERIOD, endpoint_years=endpoint_years, change=measure)
    upu = result.set_index("country").loc["UPU"]
    assert upu["market_share_change"] == pytest.approx(expected)
    assert upu["change_measure"] == measure
    # classes are decided on log changes: the measure never changes them
    log_result = classify(example, PERIOD, endpoint_years=endpoint_years)
    for column in ["economic_class", "social_class", "economic_detail", "social_detail"]:
        pd.testing.assert_series_equal(result[column], log_result[column])


def test_tolerance_is_in_log_points_whatever_the_measure(example) -> None:
    # UPU's unit value rises 7 x 0.02 = 0.14 log points (15.0%): flat under a 0.145 band even
    # though its percentage change (15.0) is far above 0.145
    result = classify(example, PERIOD, tolerance=0.145, change="percent").set_index("country")
    assert result.loc["UPU", "economic_detail"] == "market share up, unit value flat"
    assert result.loc["UPU", "unit_value_change"] == pytest.approx(100 * (math.exp(0.14) - 1))


def test_unknown_change_measure_is_named(example) -> None:
    with pytest.raises(ValueError, match=r"'percentage'.*'log', 'percent', 'annualised_log'"):
        classify(example, PERIOD, change="percentage")
    with pytest.raises(ValueError, match="'ratio'"):
        express_changes(period_changes(example, PERIOD), "ratio", endpoint_years=3)
