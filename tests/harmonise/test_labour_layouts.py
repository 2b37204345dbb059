"""ILOSTAT files of other layouts: the column that holds the activity (``classif1`` in by-sex
files, ``classif2`` in by-age files), the age, sex and currency breakdowns are found by name and
by the codes they hold; a file without a needed column is an InputError naming it."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.accounting import ledger_frame
from gvc_upgrading.harmonise.labour import harmonise_labour

GVCS = {"apparel": {"label": "Apparel", "hs": {"HS92": ["61"]},
                    "isic": {"rev3": "18", "rev4": "14"}, "labour_source": "ilostat"}}
# Employment by sex and ISIC division (thousands): the activity in classif1, no classif2.
BY_SEX = [("BGD", "SEX_T", 2010, 3500.5), ("BGD", "SEX_M", 2010, 1400.0),
          ("BGD", "SEX_F", 2010, 2100.5), ("BGD", "SEX_T", 2013, 4000.0),
          ("VNM", "SEX_T", 2013, 1200.0), ("VNM", "SEX_F", 2013, 900.0)]
EARNINGS = (b"ref_area,indicator,source,sex,classif1,classif2,time,obs_value\n"
            b"BGD,EAR_4MTH_SEX_ECO_CUR_NB,BA:1,SEX_T,ECO_ISIC4_C,CUR_TYPE_LCU,2010,5000\n")


def write(path, text: bytes):
    path.write_bytes(gzip.compress(text))
    return path


def by_sex_file(tmp_path):
    rows = "".join(f"{area},EMP_TEMP_SEX_EC2_NB,BA:1,{sex},EC2_ISIC4_C14,{year},{value},\n"
                   for area, sex, year, value in BY_SEX)
    return write(tmp_path / "EMP_TEMP_SEX_EC2_NB_A.csv.gz",
                 ("ref_area,indicator,source,sex,classif1,time,obs_value,obs_status\n"
                  + rows).encode())


def labour(tmp_path, employment, indicators=None):
    prices = pd.DataFrame({"country": ["BGD"], "year": [2010], "cpi_rebased": [100.0],
                           "exchange_rate_lcu_per_usd": [70.0]})
    ledgers = []
    table = harmonise_labour(indstat_path=None, ilostat_employment_path=employment,
                             ilostat_earnings_path=write(tmp_path / "EAR_4MTH_SEX_ECO_CUR_NB_A.csv"
                                                                    ".gz", EARNINGS),
                             prices=prices, gvcs=GVCS, chains=["apparel"], years=(1995, 2022),
                             ilostat_indicators=indicators, ledgers=ledgers)
    return table, ledger_frame(ledgers)


def test_a_by_sex_file_with_the_activity_in_classif1_is_read(tmp_path):
    table, accounting = labour(tmp_path, by_sex_file(tmp_path),
                               {"employment": "EMP_TEMP_SEX_EC2_NB"})
    totals = {(area, year): value * 1000 for area, sex, year, value in BY_SEX if sex == "SEX_T"}
    got = table.set_index(["country", "year"])["employment_persons"].dropna().to_dict()
    assert got == pytest.approx(totals)
    by_sex = accounting[(accounting["reason"] == "by sex (the total is kept)")
                        & (accounting["source"] == "ILOSTAT employment")]
    assert by_sex.loc[by_sex["measure"] == "rows", "total"].tolist() == [
        sum(sex != "SEX_T" for _, sex, _, _ in BY_SEX)]


def test_the_age_file_layout_still_reads(tmp_path):
    path = write(tmp_path / "EMP_TEMP_AGE_EC2_NB_A.csv.gz", (
        "ref_area,indicator,source,classif1,classif2,time,obs_value\n"
        "BGD,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC4_C14,2010,3500.5\n"
        "BGD,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_Y15-24,EC2_ISIC4_C14,2010,900\n").encode())
    table, _ = labour(tmp_path, path)
    assert table["employment_persons"].dropna().tolist() == [pytest.approx(3_500_500)]


def test_a_real_by_sex_file_without_divisions_names_the_file(real_data, tmp_path):
    """ILO's modelled employment by sex has only aggregate sectors (ECO_AGGREGATE_*): no column
    holds ISIC divisions, and the error says so instead of a bare KeyError."""
    path = real_data / "ilostat" / "EMP_2EMP_SEX_ECO_NB_A-filtered-2025-08-16.csv.gz"
    with pytest.raises(InputError) as info:
        labour(tmp_path, path)
    assert str(info.value).startswith(f"{path}, header: no classif column holds EC2_ codes "
                                      "(found ECO_); expected the ILOSTAT employment "
                                      "file to classify EMP_2EMP_SEX_ECO_NB by them")


def test_earnings_in_local_currency_need_no_currency_column(tmp_path):
    """EAR_XEES_... is in local currency by definition: no CUR_ breakdown is needed."""
    earnings = write(tmp_path / "EAR_XEES_SEX_ECO_NB_A.csv.gz", (
        b"ref_area,indicator,source,sex,classif1,time,obs_value\n"
        b"BGD,EAR_XEES_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_C,2010,5200\n"))
    prices = pd.DataFrame({"country": ["BGD"], "year": [2010], "cpi_rebased": [100.0],
                           "exchange_rate_lcu_per_usd": [70.0]})
    table = harmonise_labour(indstat_path=None, ilostat_employment_path=by_sex_file(tmp_path),
                             ilostat_earnings_path=earnings, prices=prices, gvcs=GVCS,
                             chains=["apparel"], years=(1995, 2022))
    wage = table.set_index(["country", "year"])["nominal_wage_per_employee_lcu"]
    assert wage[("BGD", 2010)] == pytest.approx(5200 * 12)
