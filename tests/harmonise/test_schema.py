"""Declared schemas of the harmonised tables, checked at write time; constant US dollars; the
coverage classes of the data-coverage figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from gvc_upgrading.analysis.indicators import compute_indicators
from gvc_upgrading.harmonise.labour import LABOUR_COLUMNS
from gvc_upgrading.harmonise.prices import usd_deflator
from gvc_upgrading.harmonise.schema import LABOUR, TRADE, SchemaError, write_checked
from gvc_upgrading.io import read_metadata, write_table
from gvc_upgrading.outputs.figures import coverage_classes


def labour() -> pd.DataFrame:
    return pd.DataFrame({
        "country": ["BGD", "BGD", "SUN"], "value_chain": ["apparel"] * 3,
        "year": [2000, 2001, 1990], "employment_persons": [1000.0, np.nan, 5.0],
        "nominal_wage_per_employee_lcu": [5000.0, 5100.0, np.nan],
        "real_wage_per_employee_lcu": [4000.0, 4000.0, np.nan],
        "value_added_lcu": [-10.0, np.nan, np.nan],
        "female_employment_share": [61.5, np.nan, np.nan], "labour_source": ["indstat"] * 3,
        "isic_revision": ["3", "3", None], "series_break": [False, False, True],
        "employment_source": [None] * 3, "wage_source": [None] * 3,
        "employment_break": [False, False, True], "wage_break": [False] * 3,
        "employment_unreliable": [False] * 3, "wage_unreliable": [False] * 3,
    }).astype({"country": "string", "value_chain": "string", "labour_source": "string",
               "isic_revision": "string", "employment_source": "string",
               "wage_source": "string"})


def test_a_valid_table_is_written_with_units_and_schema_name(tmp_path):
    path = write_checked(labour(), tmp_path / "labour.parquet", LABOUR, metadata={"x": 1})
    meta = read_metadata(path)
    assert meta["schema"] == "harmonised labour" and meta["x"] == 1
    assert meta["units"]["employment_persons"] == "persons"
    assert pq.read_schema(path).names == LABOUR_COLUMNS


@pytest.mark.parametrize(("change", "message"), [
    (lambda df: df.astype({"year": "float64"}), "column year: type double, expected int64"),
    (lambda df: df.assign(country=["BGD", "bgd", "SUN"]), r"column country: values not matching"
                                                            r".*'bgd'"),
    (lambda df: df.assign(value_chain=["apparel", None, "apparel"]),
     "column value_chain: 1 missing values"),
    (lambda df: df.assign(employment_persons=[1.0, -2.0, 3.0]), r"values below 0 \(e.g. -2.0\)"),
    (lambda df: df.assign(labour_source=["indstat", "wiod", "indstat"]), r"outside .*'wiod'"),
    (lambda df: df.assign(year=[2000, 2000, 1990]), r"1 key\(s\) .* more than once, e.g. "
                                                    r"\{'country': 'BGD'"),
    (lambda df: df.assign(extra=1), r"not declared \['extra'\]"),
    (lambda df: df.drop(columns="series_break"), r"missing \['series_break'\]"),
])
def test_a_table_off_its_schema_is_not_written(tmp_path, change, message):
    path = tmp_path / "labour.parquet"
    with pytest.raises(SchemaError, match=message):
        write_checked(change(labour()), path, LABOUR)
    assert not path.exists()


def test_hs6_must_keep_its_leading_zero():
    trade = pd.DataFrame({"year": [2000], "exporter": ["BGD"], "importer": ["USA"],
                          "hs_revision": ["HS92"], "hs6": ["70200"], "value_usd": [1.0],
                          "quantity_kg": [np.nan]})
    with pytest.raises(SchemaError, match=r"hs6: values not matching .*'70200'"):
        TRADE.validate(trade)


def test_constant_usd_export_value_hand_computed(tmp_path):
    # US CPI 95 (2009), 100 (2010), 105 (2011); base year 2011: 1,000 USD of 2009 are
    # 1,000 / 95 x 105 = 1,105.26 USD at 2011 prices
    prices = pd.DataFrame({"country": ["USA"] * 3 + ["BGD"], "year": [2009, 2010, 2011, 2011],
                           "cpi": [95.0, 100.0, 105.0, 300.0]})
    deflator = usd_deflator(prices, "USA", 2011)
    assert deflator.to_dict() == pytest.approx({2009: 95 / 1.05, 2010: 100 / 1.05, 2011: 100})
    trade = pd.DataFrame({"year": [2009, 2011], "exporter": ["BGD", "BGD"],
                          "importer": ["USA", "USA"], "hs_revision": ["HS92", "HS92"],
                          "hs6": ["610910", "610910"], "value_usd": [1000.0, 2000.0],
                          "quantity_kg": [10.0, 20.0]})
    write_table(trade, tmp_path / "trade.parquet")
    gvcs = {"apparel": {"hs": {"HS92": ["61"]}}}
    empty = pd.DataFrame(columns=LABOUR_COLUMNS).astype({"year": "int64"})
    table = compute_indicators([tmp_path / "trade.parquet"], empty, gvcs, ["apparel"],
                               (2009, 2011), usd_deflator=deflator).set_index("year")
    assert table.loc[2009, "export_value_usd_constant"] == pytest.approx(1000 / 95 * 105)
    assert table.loc[2011, "export_value_usd_constant"] == pytest.approx(2000.0)


def test_deflator_without_a_base_year_value_is_named():
    prices = pd.DataFrame({"country": ["USA"], "year": [2009], "cpi": [95.0]})
    with pytest.raises(ValueError, match="no CPI of USA in 2010"):
        usd_deflator(prices, "USA", 2010)


def test_coverage_classes():
    rows = pd.DataFrame({"export_value_usd": [1.0, 1.0, np.nan, np.nan],
                         "employment_persons": [1.0, np.nan, np.nan, np.nan],
                         "real_wage_per_employee_lcu": [np.nan, np.nan, 2.0, np.nan]})
    assert coverage_classes(rows).tolist() == ["trade and labour", "trade only", "labour only",
                                               "neither"]
