"""Readers of each source's real format, on the real extracts and on small hand-made files."""

from __future__ import annotations

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from workflow_helpers import write_zip

from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.countries import iso3_codes
from gvc_upgrading.harmonise.trade import harmonise_trade_year, write_trade_year
from gvc_upgrading.sources import baci, ilostat, indstat, wdi


def test_real_baci_south_africa_apparel_total(real_data, real_baci_zip):
    raw = pd.read_csv(real_data / "cepii_baci" / "BACI_HS92_Y2021_V202301_exporters_4_710.csv.gz",
                      dtype={"k": str})
    apparel = raw[(raw["i"] == 710) & raw["k"].str.zfill(6).str[:2].isin(["61", "62"])]
    expected_usd = apparel["v"].sum() * 1000

    table = harmonise_trade_year(real_baci_zip, 2021)
    assert set(pc.utf8_length(table["hs6"]).to_pylist()) == {6}
    df = table.to_pandas()
    zaf = df[(df["exporter"] == "ZAF") & df["hs6"].str[:2].isin(["61", "62"])]
    assert zaf["value_usd"].sum() == pytest.approx(expected_usd, rel=1e-12)
    assert len(zaf) == len(apparel)
    # five-digit codes in the file are HS chapters 01-09 with their leading zero restored
    assert df["hs6"].str.startswith("0").sum() == (raw["k"].str.len() == 5).sum()


def test_real_baci_quantities_parse_padding_and_na(real_baci_zip):
    table = baci.read_year(real_baci_zip, 2021)
    assert table.num_rows == 71192
    assert table["q"].null_count == 2306  # the rows whose q reads "NA"
    assert table.slice(0, 1).to_pylist()[0] == {
        "t": 2021, "i": "4", "j": "24", "k": "382390", "v": 52.051, "q": 13.235}


def test_old_and_new_country_code_headers(tmp_path):
    old = write_zip(tmp_path / "old.zip", {
        "country_codes_V202301.csv": b"country_code,country_name_abbreviation,country_name_full,"
                                     b"iso_2digit_alpha,iso_3digit_alpha\n842,USA,USA,US,USA\n"})
    new = write_zip(tmp_path / "new.zip", {
        "country_codes_V202401.csv": b"country_code,country_name,country_iso2,country_iso3\n"
                                     b"251,France,FR,FRA\n"})
    assert baci.read_country_codes(old).to_dict("records") == [{"country_code": "842", "iso3": "USA"}]
    assert baci.read_country_codes(new).to_dict("records") == [{"country_code": "251", "iso3": "FRA"}]


def test_mixed_releases_are_refused(tmp_path):
    path = write_zip(tmp_path / "mixed.zip", {
        "BACI_HS92_Y2020_V202301.csv": b'"t","i","j","k","v","q"\n',
        "BACI_HS92_Y2021_V202401.csv": b'"t","i","j","k","v","q"\n'})
    with pytest.raises(InputError, match="mixes BACI releases"):
        baci.year_members(path)


def test_unknown_baci_country_code_is_named(tmp_path):
    path = write_zip(tmp_path / "BACI_HS92_V202401.zip", {
        "BACI_HS92_Y2020_V202401.csv": b'"t","i","j","k","v","q"\n'
                                       b'2020,842,999,70200,1.5,"        0.500"\n',
        "country_codes_V202401.csv": b"country_code,country_name,country_iso2,country_iso3\n"
                                     b"842,USA,US,USA\n"})
    with pytest.raises(InputError, match=r"BACI_HS92_Y2020_V202401\.csv, column j: .*'999'"):
        harmonise_trade_year(path, 2020)


def test_wrong_header_names_file_and_row(tmp_path):
    path = write_zip(tmp_path / "BACI_HS92_V202401.zip", {
        "BACI_HS92_Y2020_V202401.csv": b'"year","i","j","k","v","q"\n2020,4,8,10110,1,"1"\n'})
    with pytest.raises(InputError, match=r"BACI_HS92_Y2020_V202401\.csv, row 1: header"):
        baci.read_year(path, 2020)


def test_indstat_missing_values_and_codes(tmp_path):
    path = tmp_path / "indstat.csv"
    path.write_text("04,050,2001,18,18,4200,01,1,2023-06-30,#\n"
                    "05,050,2001,18,18,...,02,1,2023-06-30,LCU\n")
    df = indstat.read_indstat2(path)
    assert df["country"].tolist() == ["050", "050"]
    assert df["value"].iloc[0] == 4200 and pd.isna(df["value"].iloc[1])


def test_indstat_bad_value_names_row(tmp_path):
    path = tmp_path / "indstat.csv"
    path.write_text("04,050,2001,18,18,4200,01,1,2023-06-30,#\n"
                    "04,050,2002,18,18,n/a,01,1,2023-06-30,#\n")
    with pytest.raises(InputError, match=r"indstat\.csv, row 2, value: value 'n/a'"):
        indstat.read_indstat2(path)


def test_real_ilostat_bulk_file(real_data):
    df = ilostat.read_indicator(real_data / "ilostat" / "EMP_TEMP_AGE_EC2_NB_A.csv.gz",
                                impossible="missing")
    assert len(df) == 202972
    bgd = df[(df["country"] == "BGD") & (df["classif_other"] == "AGE_YTHADULT_YGE15")
             & df["activity"].isin(["EC2_ISIC3_D18", "EC2_ISIC4_C14"])]
    assert len(bgd) > 0 and (bgd["value"].dropna() > 0).all()


def test_ilostat_series_prefers_labour_force_survey():
    from gvc_upgrading.harmonise.accounting import Ledger
    from gvc_upgrading.harmonise.series import choose_series

    df = pd.DataFrame({"country": ["KHM"] * 3, "year": [2010] * 3, "isic_revision": ["4"] * 3,
                       "source": ["AA:1", "BA:9", "BB:2"], "obs_value": [1.0, 2.0, 3.0]})
    ledger = Ledger("test", "ILOSTAT", "file.csv", ["obs_value"])
    chosen = choose_series(ledger.read(df), ["country"], ledger)
    assert chosen["obs_value"].tolist() == [2.0]


def test_real_wdi_bulk_csv(real_data):
    df = wdi.read_wdi_bulk(real_data / "wdi" / "API_FP.CPI.TOTL_DS2_en_csv_v2_284.csv")
    zaf = df[(df["country_code"] == "ZAF") & (df["year"] == 2010)]
    assert zaf["value"].tolist() == [pytest.approx(100.0)]
    assert df["year"].min() == 1960 and df["year"].max() == 2023


def test_every_real_ilostat_country_maps_to_iso3(real_data):
    df = ilostat.read_indicator(real_data / "ilostat" / "EMP_TEMP_AGE_EC2_NB_A.csv.gz",
                                impossible="missing")
    codes = df["country"].astype("string")
    countries = codes[~codes.str.fullmatch(r"X\d\d")]
    mapped = iso3_codes(countries, source="ILOSTAT", path="ilostat.csv")
    assert mapped.notna().all()
    assert set(mapped[countries == "KOS"]) == {"XKX"}


def test_unknown_iso3_code_is_named():
    with pytest.raises(InputError, match=r"ilostat\.csv, country: ILOSTAT country code\(s\) ZZZ"):
        iso3_codes(pd.Series(["BGD", "ZZZ"]), source="ILOSTAT", path="ilostat.csv")


def test_real_comtrade_extract_keeps_every_world_exporter(real_data):
    from gvc_upgrading.harmonise.trade import harmonise_exports

    path = real_data / "un_comtrade" / "uncomtrade_4412.parquet.gzip"
    raw = pd.read_parquet(path)
    world_exports = raw[(raw["flowCode"] == "X") & (raw["partnerCode"] == 0)]
    table = harmonise_exports(raw, path=path)
    assert len(table) == len(world_exports) == 3527
    assert table["exporter"].nunique() == world_exports["reporterISO"].nunique()
    assert set(table.loc[world_exports["reporterISO"].to_numpy() == "S19", "exporter"]) == {"TWN"}
    # values in US dollars, exactly as reported
    assert table["value_usd"].sum() == pytest.approx(world_exports["primaryValue"].sum(), rel=1e-12)
    assert (table["importer"] == "WLD").all() and table["hs_code"].eq("4412").all()
    assert set(table["hs_revision"]) == {"HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"}


def test_real_baci_streamed_to_parquet_equals_the_in_memory_table(real_baci_zip, tmp_path):
    """What rule harmonise_trade writes for the real 2021 extract: every row, as in memory."""
    rows = write_trade_year(real_baci_zip, 2021, tmp_path / "trade_2021.parquet")
    written = pq.read_table(tmp_path / "trade_2021.parquet")
    expected = harmonise_trade_year(real_baci_zip, 2021)
    assert rows == written.num_rows == expected.num_rows == 71_192
    assert written.equals(expected.cast(written.schema))
