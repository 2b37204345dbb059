"""Plausible ranges, own year ranges and labels of each reader, on the real extracts: real files
pass, the faults they really hold are repaired as stated, and the bounds leave room for the
largest real values (expected values computed from the files with plain pandas)."""

from __future__ import annotations

import gzip
import io
import logging

import pandas as pd
import pytest

from gvc_upgrading.errors import InputError
from gvc_upgrading.sources import baci, comtrade, ilostat, wdi


def raw_ilostat(path) -> pd.DataFrame:
    """An ILOSTAT bulk file as plain pandas reads it (codes as text, values as numbers)."""
    frame = pd.read_csv(io.BytesIO(gzip.decompress(path.read_bytes())), dtype=str,
                        keep_default_na=False, encoding="utf-8-sig")
    return frame.assign(obs_value=pd.to_numeric(frame["obs_value"].replace("", None)))


def test_real_weekly_hours_above_a_week_are_set_to_missing(real_data, caplog):
    """The real hours file holds Samoa's 2014 education sector at 414 hours a week: the reader
    sets it (and only it) to missing, with a warning that counts it."""
    path = real_data / "ilostat" / "HOW_TEMP_SEX_ECO_NB_A.csv.gz"
    raw = raw_ilostat(path)
    above = raw["obs_value"] > 168
    assert above.sum() == 1
    with caplog.at_level(logging.WARNING, logger="gvc_upgrading"):
        df = ilostat.read_indicator(path, impossible="missing")
    assert ilostat.check_indicator(df, path) == "HOW_TEMP_SEX_ECO_NB"
    row = int(above.to_numpy().nonzero()[0][0]) + 2
    assert (f"1 value(s) outside hours per week from 0 to 168 set to missing: rows [{row}], "
            "ref_area WSM" in caplog.text)
    assert df["value"][above].isna().all()
    pd.testing.assert_series_equal(df["value"][~above], raw["obs_value"][~above],
                                   check_names=False)


@pytest.mark.parametrize("name, indicator", [
    ("SDG_0831_SEX_ECO_RT_A.csv.gz", "SDG_0831_SEX_ECO_RT"),
    ("EMP_2EMP_SEX_ECO_NB_A-filtered-2025-08-16.csv.gz", "EMP_2EMP_SEX_ECO_NB")])
def test_real_rates_and_modelled_employment_pass_unchanged(real_data, caplog, name, indicator):
    path = real_data / "ilostat" / name
    raw = raw_ilostat(path)
    with caplog.at_level(logging.WARNING, logger="gvc_upgrading"):
        df = ilostat.read_indicator(path, impossible="missing")
    assert "set to missing" not in caplog.text
    assert ilostat.check_indicator(df, path) == indicator
    pd.testing.assert_series_equal(df["value"], raw["obs_value"], check_names=False)
    assert raw["obs_value"].max() <= 100 or indicator.startswith("EMP_")


def test_real_employment_repair_counts_cambodia(real_data, caplog):
    path = real_data / "ilostat" / "EMP_TEMP_AGE_EC2_NB_A.csv.gz"
    raw = raw_ilostat(path)
    impossible = raw["obs_value"] > ilostat.MAX_EMPLOYMENT_THOUSANDS
    with caplog.at_level(logging.WARNING, logger="gvc_upgrading"):
        df = ilostat.read_indicator(path, impossible="missing")
    assert (f"{impossible.sum()} value(s) outside thousands of persons from 0 to 8.2e+06 set "
            "to missing" in caplog.text)
    assert set(raw.loc[impossible, "ref_area"]) == {"KHM"}
    assert df["value"].isna().sum() == raw["obs_value"].isna().sum() + impossible.sum()


def test_ilostat_indicator_must_match_the_file_name_and_registry(real_data):
    path = real_data / "ilostat" / "EMP_TEMP_AGE_EC2_NB_A.csv.gz"
    df = ilostat.read_indicator(path, impossible="missing")
    assert ilostat.check_indicator(df, path, "EMP_TEMP_AGE_EC2_NB") == "EMP_TEMP_AGE_EC2_NB"
    assert ilostat.check_indicator(df, path, "EMP_TEMP_AGE_EC2_NB_A") == "EMP_TEMP_AGE_EC2_NB"
    with pytest.raises(InputError, match=r"indicator column holds EMP_TEMP_AGE_EC2_NB; expected "
                                         r"EMP_TEMP_SEX_EC2_NB, as the registry entry says"):
        ilostat.check_indicator(df, path, "EMP_TEMP_SEX_EC2_NB")
    renamed = path.with_name("EMP_TEMP_SEX_EC2_NB_A.csv.gz")
    with pytest.raises(InputError, match=r"expected EMP_TEMP_SEX_EC2_NB, as the file name says"):
        ilostat.check_indicator(df, renamed)


def test_real_wdi_values_lie_inside_the_bounds(real_data):
    path = real_data / "wdi" / "API_FP.CPI.TOTL_DS2_en_csv_v2_284.csv"
    df = wdi.read_wdi_bulk(path)
    assert 0 < df["value"].min() and df["value"].max() < wdi.MAX_CPI / 1e6
    # the file's own date (Last Updated Date 2024-11-13) bounds its years: one more is refused
    text = path.read_text(encoding="utf-8-sig").replace('"2023",', '"2026",', 1)
    assert '"Last Updated Date","2024-11-13"' in text
    changed = path.parent / "changed.csv"
    with pytest.raises(InputError, match=r"year 2026 is outside 1960-2024; expected WDI years"):
        wdi._bulk_table(text, changed)


def test_real_exchange_rates_lie_inside_the_bound(real_data):
    """The Excel copy of WDI's exchange rates (not a format the workflow reads) shows the largest
    real rate, Zimbabwe's in 2008, far under MAX_EXCHANGE_RATE."""
    pytest.importorskip("python_calamine")
    frame = pd.read_excel(real_data / "wdi" / "API_PA.NUS.FCRF_DS2_en_excel_v2_2688909.xls",
                          sheet_name="Data", skiprows=3, engine="calamine")
    values = frame.filter(regex=r"^\d{4}$").stack()
    assert 0 < values.min() and values.max() < wdi.MAX_EXCHANGE_RATE / 100
    assert frame.loc[frame.filter(regex=r"^\d{4}$").max(axis=1).idxmax(), "Country Code"] == "ZWE"


def test_real_comtrade_codes_have_their_level_and_integer_copies_read_the_same(real_data, caplog):
    """The real Comtrade+ extract stores cmdCode as text of its aggrLevel's length; the same
    records saved with cmdCode as numbers (as other tools do) read back to the same codes."""
    path = real_data / "un_comtrade" / "uncomtrade_4412.parquet.gzip"
    raw = pd.read_parquet(path)
    assert (raw["cmdCode"].str.len() == raw["aggrLevel"]).all()
    checked = comtrade.check_records(raw, path)
    as_numbers = comtrade.check_records(raw.assign(cmdCode=raw["cmdCode"].astype("int64")), path)
    assert as_numbers["cmdCode"].tolist() == checked["cmdCode"].tolist() == raw["cmdCode"].tolist()
    assert "zero-padded" not in caplog.text


def test_comtrade_integer_codes_are_padded_to_their_level(caplog):
    records = pd.DataFrame({
        "refYear": 2020, "reporterISO": "BGD", "flowCode": "X", "partnerCode": 0,
        "classificationCode": "H5", "primaryValue": 1.0, "netWgt": 1.0,
        "cmdCode": [7, 702, 70200, 610910, 61], "aggrLevel": [2, 4, 6, 6, 2]})
    with caplog.at_level(logging.WARNING, logger="gvc_upgrading"):
        checked = comtrade.check_records(records, "extract.parquet")
    assert checked["cmdCode"].tolist() == ["07", "0702", "070200", "610910", "61"]
    assert "3 cmdCode value(s) without their leading zero" in caplog.text
    floats = records.assign(cmdCode=records["cmdCode"].astype("float64"))
    assert comtrade.check_records(floats, "x")["cmdCode"].tolist() == checked["cmdCode"].tolist()


def test_real_baci_release_must_be_the_registered_one(real_baci_zip):
    assert baci.year_members(real_baci_zip, "202301") == {2021: "BACI_HS92_Y2021_V202301.csv"}
    with pytest.raises(InputError, match=r"year files are release V202301 but the registry "
                                         r"entry is version '202401'"):
        baci.year_members(real_baci_zip, "202401")


def test_real_baci_values_lie_inside_the_bounds(real_data, real_baci_zip):
    flows = baci.read_year(real_baci_zip, 2021, release="202301").to_pandas()
    assert flows["v"].max() < baci.MAX_VALUE / 100
    assert flows["q"].max() < baci.MAX_QUANTITY / 100
