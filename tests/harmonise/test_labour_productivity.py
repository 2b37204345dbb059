"""Value added from INDSTAT table 20, labour productivity and the wage-bill share of value added."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gvc_upgrading.analysis.indicators import INDICATOR_COLUMNS, compute_indicators, labour_ratios
from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.labour import harmonise_labour

GVCS = {
    "apparel": {"label": "Apparel", "hs": {"HS92": ["61", "62"]},
                "isic": {"rev3": "18", "rev4": "14"}, "labour_source": "indstat"},
}
# Bangladesh (050) reports in taka, Cambodia (116) in US dollars.
INDSTAT = (
    "04,050,2015,18,18,1000,01,1,2023-06-30,#\n"
    "05,050,2015,18,18,5000000,02,1,2023-06-30,LCU\n"
    "20,050,2015,18,18,20000000,20,1,2023-06-30,LCU\n"
    "04,050,2016,18,18,1100,01,1,2023-06-30,#\n"
    "05,050,2016,18,18,6000000,02,1,2023-06-30,LCU\n"
    "20,050,2016,18,18,...,20,1,2023-06-30,LCU\n"
    "04,116,2015,18,18,500,01,1,2023-06-30,#\n"
    "05,116,2015,18,18,100000,02,1,2023-06-30,$\n"
    "20,116,2015,18,18,400000,20,1,2023-06-30,$\n"
    "20,116,2015,15,15,999999,20,1,2023-06-30,$\n"
)


@pytest.fixture
def prices() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["BGD", "BGD", "KHM"],
            "year": [2015, 2016, 2015],
            "exchange_rate_lcu_per_usd": [77.9, 78.5, 4000.0],
            "cpi_rebased": [125.0, 132.0, 110.0],
        }
    )


def labour_from(tmp_path, text: str, prices: pd.DataFrame) -> pd.DataFrame:
    path = tmp_path / "indstat.csv"
    path.write_text(text)
    return harmonise_labour(indstat_path=path, ilostat_employment_path=None,
                            ilostat_earnings_path=None, prices=prices, gvcs=GVCS,
                            chains=["apparel"], years=(1995, 2022))


def test_value_added_in_national_currency(tmp_path, prices) -> None:
    labour = labour_from(tmp_path, INDSTAT, prices).set_index(["country", "year"])
    assert labour.loc[("BGD", 2015), "value_added_lcu"] == pytest.approx(20_000_000)
    assert np.isnan(labour.loc[("BGD", 2016), "value_added_lcu"])  # '...' in the file
    # USD values are converted at the year's rate: 400,000 $ x 4,000 riel per $
    assert labour.loc[("KHM", 2015), "value_added_lcu"] == pytest.approx(1.6e9)
    assert labour.loc[("KHM", 2015), "nominal_wage_per_employee_lcu"] == pytest.approx(800_000)


def test_value_added_counted_in_persons_is_an_error(tmp_path, prices) -> None:
    text = INDSTAT.replace("20,050,2015,18,18,20000000,20,1,2023-06-30,LCU",
                           "20,050,2015,18,18,20000000,20,1,2023-06-30,#")
    with pytest.raises(InputError, match=r"value_added \(table 20\) must be in '\$' or 'LCU'"):
        labour_from(tmp_path, text, prices)


def test_productivity_and_wage_bill_share(tmp_path, prices) -> None:
    labour = labour_from(tmp_path, INDSTAT, prices)
    ratios = labour_ratios(labour).set_index(["country", "year"])
    # Bangladesh 2015: 20m taka over 1,000 employees; wage bill 5m of 20m
    assert ratios.loc[("BGD", 2015), "labour_productivity_lcu"] == pytest.approx(20_000)
    assert ratios.loc[("BGD", 2015), "wage_bill_share_of_value_added"] == pytest.approx(0.25)
    assert ratios.loc[("KHM", 2015), "labour_productivity_lcu"] == pytest.approx(3.2e6)
    assert ratios.loc[("KHM", 2015), "wage_bill_share_of_value_added"] == pytest.approx(0.25)
    # no value added in 2016: both ratios missing, the wage is still there
    assert ratios.loc[("BGD", 2016), ["labour_productivity_lcu",
                                      "wage_bill_share_of_value_added"]].isna().all()
    assert ratios.loc[("BGD", 2016), "nominal_wage_per_employee_lcu"] == pytest.approx(6000 / 1.1)


def test_ratios_are_missing_for_non_positive_denominators() -> None:
    table = pd.DataFrame({
        "value_added_lcu": [100.0, 0.0, 100.0, np.nan],
        "employment_persons": [0.0, 10.0, 10.0, 10.0],
        "nominal_wage_per_employee_lcu": [1.0, 1.0, 2.0, 1.0],
    })
    ratios = labour_ratios(table)
    assert ratios["labour_productivity_lcu"].isna().tolist() == [True, True, False, True]
    assert ratios["wage_bill_share_of_value_added"].isna().tolist() == [True, True, False, True]
    assert ratios.loc[2, "wage_bill_share_of_value_added"] == pytest.approx(0.2)


def test_indicator_table_carries_productivity_and_hooks(tmp_path, prices) -> None:
    labour = labour_from(tmp_path, INDSTAT, prices)
    trade = tmp_path / "trade_2015.parquet"
    pq.write_table(pa.table({
        "year": pa.array([2015, 2015], pa.int64()), "exporter": ["BGD", "KHM"],
        "importer": ["USA", "USA"], "hs_revision": ["HS92", "HS92"], "hs6": ["610910", "620342"],
        "value_usd": [300.0, 100.0], "quantity_kg": [30.0, 5.0],
    }), trade)
    table = compute_indicators([trade], labour, GVCS, ["apparel"], (2015, 2016))

    assert list(table.columns) == INDICATOR_COLUMNS
    bgd = table.set_index(["country", "year"]).loc[("BGD", 2015)]
    assert bgd["market_share"] == pytest.approx(0.75)
    assert bgd["labour_productivity_lcu"] == pytest.approx(20_000)
    assert bgd["wage_bill_share_of_value_added"] == pytest.approx(0.25)
    # hooks: no source supplies them yet, so they are present and empty
    assert table[["female_employment_share", "labour_rights_index"]].isna().all().all()
    # a labour table that does supply a hook passes it through
    with_hook = labour.assign(female_employment_share=0.8)
    hooked = compute_indicators([trade], with_hook, GVCS, ["apparel"], (2015, 2016))
    assert hooked["female_employment_share"].tolist() == [0.8, 0.8, 0.8]
