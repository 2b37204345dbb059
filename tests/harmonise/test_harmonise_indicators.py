"""Harmonisation of prices and labour, and the trade indicators, on hand-computed examples."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from gvc_upgrading.analysis.indicators import trade_indicators
from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.labour import harmonise_labour
from gvc_upgrading.harmonise.prices import harmonise_prices

GVCS = {
    "apparel": {"label": "Apparel", "hs": {"HS92": ["61", "62"]},
                "isic": {"rev3": "18", "rev4": "14"}, "labour_source": "indstat"},
    "horticulture": {"label": "Horticulture", "hs": {"HS92": ["07"]},
                     "isic": {"rev3": "01", "rev4": "01"}, "labour_source": "ilostat"},
}


def _wdi(path, code, name, rows):
    years = list(range(1960, 2024))
    lines = ['\ufeff"Data Source","World Development Indicators",', "",
             '"Last Updated Date","2024-11-13",', "",
             ",".join(f'"{c}"' for c in ["Country Name", "Country Code", "Indicator Name",
                                           "Indicator Code", *map(str, years)]) + ","]
    for country, values in rows.items():
        cells = [f'"{values.get(y, "")}"' for y in years]
        lines.append(",".join([f'"{country}"', f'"{country}"', f'"{name}"', f'"{code}"', *cells]) + ",")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = path.with_name("Metadata_Country_" + path.name)
    meta.write_text('"Country Code","Region","IncomeGroup","SpecialNotes","TableName",\n'
                    + "".join(f'"{c}","{"" if c == "WLD" else "Somewhere"}","","","{c}",\n' for c in rows),
                    encoding="utf-8")
    return path, meta


@pytest.fixture()
def prices(tmp_path):
    cpi, cpi_meta = _wdi(tmp_path / "API_FP.CPI.TOTL.csv", "FP.CPI.TOTL", "CPI",
                         {"BGD": {2010: 120, 2015: 150}, "KHM": {2010: 100, 2015: 110},
                          "WLD": {2010: 100, 2015: 130}})
    fx, fx_meta = _wdi(tmp_path / "API_PA.NUS.FCRF.csv", "PA.NUS.FCRF", "FX",
                       {"BGD": {2010: 69.6, 2015: 77.9}, "KHM": {2010: 4185, 2015: 4067},
                        "WLD": {2015: 1}})
    return harmonise_prices(cpi, fx, base_year=2010)


def test_prices_drop_aggregates_and_rebase(prices):
    assert set(prices["country"]) == {"BGD", "KHM"}
    bgd = prices[(prices["country"] == "BGD") & (prices["year"] == 2015)].iloc[0]
    assert bgd["cpi_rebased"] == pytest.approx(125.0)
    assert bgd["exchange_rate_lcu_per_usd"] == pytest.approx(77.9)


def test_real_wage_hand_computed(tmp_path, prices):
    # Bangladesh apparel 2015: 1,000 employees, wage bill 5,000,000 taka -> 5,000 per employee.
    # Real wage = nominal / CPI x CPI(2010) = 5,000 / 150 x 120 = 4,000.
    indstat = tmp_path / "indstat.csv"
    indstat.write_text("04,050,2015,18,18,1000,01,1,2023-06-30,#\n"
                       "05,050,2015,18,18,5000000,02,1,2023-06-30,LCU\n"
                       "04,050,2015,15,15,777,01,1,2023-06-30,#\n")
    emp = tmp_path / "emp.csv.gz"
    emp.write_bytes(gzip.compress(
        "\ufeffref_area,indicator,source,classif1,classif2,time,obs_value,obs_status,note_classif,"
        "note_indicator,note_source\n"
        "KHM,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC3_A01,2015,2500.5,,,,\n"
        "KHM,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC4_A01,2015,2600,,,,\n"
        "KHM,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_Y15-24,EC2_ISIC4_A01,2015,900,,,,\n"
        "X01,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC4_A01,2015,99999,,,,\n".encode()))
    ear = tmp_path / "ear.csv.gz"
    ear.write_bytes(gzip.compress(
        "\ufeffref_area,indicator,source,sex,classif1,classif2,time,obs_value,obs_status,"
        "note_classif,note_indicator,note_source\n"
        "KHM,EAR_4MTH_SEX_ECO_CUR_NB,BA:1,SEX_T,ECO_ISIC4_A,CUR_TYPE_LCU,2015,440000,,,,\n"
        "KHM,EAR_4MTH_SEX_ECO_CUR_NB,BA:1,SEX_F,ECO_ISIC4_A,CUR_TYPE_LCU,2015,1,,,,\n"
        "KHM,EAR_4MTH_SEX_ECO_CUR_NB,BA:1,SEX_T,ECO_ISIC4_A,CUR_TYPE_USD,2015,2,,,,\n".encode()))
    labour = harmonise_labour(indstat_path=indstat, ilostat_employment_path=emp,
                              ilostat_earnings_path=ear, prices=prices, gvcs=GVCS,
                              chains=["apparel", "horticulture"], years=(1995, 2022))
    bgd = labour[labour["country"] == "BGD"].iloc[0]
    assert (bgd["value_chain"], bgd["employment_persons"]) == ("apparel", 1000)
    assert bgd["nominal_wage_per_employee_lcu"] == pytest.approx(5000.0)
    assert bgd["real_wage_per_employee_lcu"] == pytest.approx(5000 / 150 * 120)
    khm = labour[labour["country"] == "KHM"].iloc[0]
    # Rev.4 wins where both revisions cover a year; thousands become persons; monthly x 12
    assert khm["employment_persons"] == pytest.approx(2_600_000)
    assert khm["isic_revision"] == "4"
    assert khm["real_wage_per_employee_lcu"] == pytest.approx(440000 * 12 / 110 * 100)
    assert len(labour) == 2  # the aggregate X01 and the other division are not in the sample


def _flows(rows):
    return pd.DataFrame(rows, columns=["year", "exporter", "hs6", "value_usd", "quantity_kg"])


def test_market_shares_sum_to_one_and_unit_values():
    flows = _flows([(2000, "AAA", "610910", 100.0, 10.0), (2000, "AAA", "620342", 50.0, np.nan),
                    (2000, "BBB", "610910", 300.0, 20.0), (2001, "BBB", "610910", 10.0, 1.0)])
    result = trade_indicators(flows).set_index(["year", "country"])
    assert result.groupby("year")["market_share"].sum().tolist() == pytest.approx([1.0, 1.0])
    aaa = result.loc[(2000, "AAA")]
    assert aaa["market_share"] == pytest.approx(150 / 450)
    assert aaa["unit_value_coverage"] == pytest.approx(100 / 150)
    assert aaa["unit_value_usd_per_kg"] == pytest.approx(10.0)
    # world unit value of 610910 in 2000: 400 / 30; AAA sells at 10 -> ratio 0.75
    assert aaa["relative_unit_value"] == pytest.approx(10 / (400 / 30))


def test_relative_unit_value_is_one_at_world_prices_for_any_mix():
    rng = np.random.default_rng(1)
    world_price = {"610910": 5.0, "620342": 20.0, "870323": 9000.0}
    rows = []
    for exporter in ["AAA", "BBB", "CCC"]:
        for hs6, price in world_price.items():
            value = float(rng.uniform(1, 1000))
            rows.append((2005, exporter, hs6, value, value / price))
    result = trade_indicators(_flows(rows))
    assert result["relative_unit_value"].tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_duplicate_indstat_records_are_named(tmp_path, prices):
    indstat = tmp_path / "indstat.csv"
    indstat.write_text("04,050,2015,18,18,1000,01,1,2023-06-30,#\n"
                       "04,050,2015,18,18,1100,01,1,2023-06-30,#\n")
    with pytest.raises(InputError, match=r"indstat\.csv, row 1, isic: table 04 .* country 050, year 2015"):
        harmonise_labour(indstat_path=indstat, ilostat_employment_path=None,
                         ilostat_earnings_path=None, prices=prices, gvcs=GVCS,
                         chains=["apparel"], years=(1995, 2022))


def test_prefixes_carry_over_until_a_revision_changes_them():
    from gvc_upgrading.valuechains import prefixes_by_revision

    gvcs = {"mobile_phones": {"hs": {"HS92": ["852520"], "HS07": ["851712"],
                                     "HS22": ["851713", "851714"]}}}
    prefixes = prefixes_by_revision(gvcs, "mobile_phones")
    assert prefixes["HS96"] == ["852520"] and prefixes["HS12"] == ["851712"]
    assert prefixes["HS22"] == ["851713", "851714"]


def test_comtrade_year_feeds_the_indicators_per_revision(tmp_path):
    from gvc_upgrading.analysis.indicators import compute_indicators
    from gvc_upgrading.harmonise.labour import LABOUR_COLUMNS
    from gvc_upgrading.harmonise.trade import harmonise_comtrade_year
    from gvc_upgrading.io import write_table

    def row(iso, revision, code, value, weight):
        return {"refYear": 2012, "reporterCode": {"CHN": 156, "VNM": 704, "KOR": 410}[iso],
                "reporterISO": iso, "flowCode": "X", "partnerCode": 0,
                "classificationCode": revision, "cmdCode": code, "primaryValue": value,
                "netWgt": weight}

    raw = pd.DataFrame([row("CHN", "H3", "851712", 900.0, 9.0),   # HS2007: phones
                        row("VNM", "H4", "851712", 100.0, 2.0),   # HS2012: phones
                        row("VNM", "H4", "852520", 50.0, 1.0),    # HS2012: not phones any more
                        row("KOR", "H0", "852520", 300.0, 3.0),   # HS1992: phones
                        row("KOR", "H0", "8525", 300.0, 3.0)])    # not six digits: dropped
    raw.to_parquet(tmp_path / "comtrade_2012.parquet")
    trade = harmonise_comtrade_year(tmp_path / "comtrade_2012.parquet", 2012)
    assert trade.num_rows == 4 and set(trade["importer"].to_pylist()) == {"WLD"}
    write_table(trade, tmp_path / "trade_2012.parquet")
    gvcs = {"mobile_phones": {"hs": {"HS92": ["852520"], "HS07": ["851712"]},
                              "isic": {"rev3": "32", "rev4": "26"}, "labour_source": "indstat"}}
    labour = pd.DataFrame(columns=LABOUR_COLUMNS).astype({"year": "int64"})
    table = compute_indicators([tmp_path / "trade_2012.parquet"], labour, gvcs, ["mobile_phones"],
                               (2012, 2012)).set_index("country")
    assert table["export_value_usd"].to_dict() == {"CHN": 900.0, "KOR": 300.0, "VNM": 100.0}
    assert table["market_share"].sum() == pytest.approx(1.0)
    # each revision's product is compared with the world price of that product alone
    assert table.loc["KOR", "relative_unit_value"] == pytest.approx(1.0)


def test_two_chains_of_one_division_copy_its_records_and_keep_file_rows(tmp_path, prices):
    # a second chain on ISIC 18: both get Bangladesh's record, counted as a copy; a duplicated
    # record is still named by its row in the file
    indstat = tmp_path / "indstat.csv"
    indstat.write_text("04,050,2015,15,15,7,01,1,2023-06-30,#\n"
                       "04,050,2015,18,18,1000,01,1,2023-06-30,#\n")
    gvcs = {**GVCS, "knitwear": {**GVCS["apparel"], "label": "Knitwear"}}
    ledgers = []
    labour = harmonise_labour(indstat_path=indstat, ilostat_employment_path=None,
                              ilostat_earnings_path=None, prices=prices, gvcs=gvcs,
                              chains=["apparel", "knitwear"], years=(1995, 2022), ledgers=ledgers)
    assert labour.set_index("value_chain")["employment_persons"].to_dict() == {
        "apparel": 1000.0, "knitwear": 1000.0}
    copied = ledgers[0].frame().query("entry == 'copied'").set_index("measure")["total"]
    assert copied.to_dict() == {"employment_persons": 1000.0, "rows": 1.0}
    indstat.write_text(indstat.read_text() + "04,050,2015,18,18,1100,01,1,2023-06-30,#\n")
    with pytest.raises(InputError, match=r"indstat\.csv, row 2, isic: table 04"):
        harmonise_labour(indstat_path=indstat, ilostat_employment_path=None,
                         ilostat_earnings_path=None, prices=prices, gvcs=gvcs,
                         chains=["apparel"], years=(1995, 2022))
