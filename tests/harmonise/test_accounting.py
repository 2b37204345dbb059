"""Row accounting: value totals before and after each harmonisation step agree except for the
drops the ledger names and counts, on the real extracts (BACI 2021, Comtrade 4412, ILOSTAT
employment, WDI CPI); the demo run is checked in test_workflow.py."""

from __future__ import annotations

import csv
import gzip
import shutil

import pandas as pd
import pycountry
import pytest
from test_harmonise_indicators import _wdi

from gvc_upgrading.harmonise.accounting import Ledger, balance_problems, ledger_frame, summary
from gvc_upgrading.harmonise.labour import IMPLAUSIBLE_OR_EMPTY, harmonise_labour
from gvc_upgrading.harmonise.prices import harmonise_prices
from gvc_upgrading.harmonise.trade import harmonise_comtrade_year, harmonise_trade_year
from gvc_upgrading.sources import ilostat

HISTORICAL = ("exporter is a historical entity (harmonise.historical_entities: drop)")


def totals(ledgers, entry: str, reason: str = "") -> dict[str, float]:
    """Measure -> total of one entry (and reason) of the ledgers."""
    frame = ledger_frame(ledgers)
    rows = frame[(frame["entry"] == entry) & (frame["reason"] == reason)]
    return rows.groupby("measure")["total"].sum().to_dict()


def test_a_silently_lost_row_is_caught():
    table = pd.DataFrame({"value_usd": [1.0, 2.0, 3.0]})
    ledger = Ledger("harmonise_trade", "test", "t.csv", ["value_usd"])
    kept = ledger.drop(ledger.read(table), table["value_usd"] > 2.5, "too large")
    with pytest.raises(ValueError, match=r"value_usd: out 1 but .* = 3"):
        ledger.write(kept.iloc[:1])  # a row lost without a reason
    assert balance_problems(ledger.frame()) != []


def test_entries_balance_with_merges_copies_and_rescaling():
    ledger = Ledger("s", "src", "f", ["v"])
    table = ledger.read(pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0]}))  # 4 rows, total 10
    table = ledger.drop(table, table["v"] == 4.0, "four")            # -1 row, -4
    ledger.copy(table.iloc[:1], "used twice")                        # +1 row, +1
    ledger.merge(4, 2, "joined")                                     # -2 rows
    ledger.rescale(table.iloc[:1], table.iloc[:1] * 10, "spliced")   # +9
    ledger.write(pd.DataFrame({"v": [10.0, 6.0]}))                   # 2 rows, total 16
    frame = ledger.frame().pivot_table(index="entry", columns="measure", values="total",
                                       aggfunc="sum")
    assert frame.loc["rescaled", "v"] == 9.0 and frame.loc["merged", "rows"] == 2.0
    wrong = ledger.frame()
    wrong.loc[(wrong["entry"] == "out") & (wrong["measure"] == "v"), "total"] = 15.0
    assert balance_problems(wrong) == [
        "s /  / src / f / v: out 15 but in - dropped - merged + copied + rescaled = 16"]


def test_real_baci_year_totals(real_data, real_baci_zip):  # noqa: F811
    raw = pd.read_csv(real_data / "cepii_baci" / "BACI_HS92_Y2021_V202301_exporters_4_710.csv.gz",
                      dtype=str, keep_default_na=False)
    value = pd.to_numeric(raw["v"]).sum() * 1000
    quantity = pd.to_numeric(raw["q"].str.strip().replace({"NA": None, "": None})).sum() * 1000
    ledgers = []
    table = harmonise_trade_year(real_baci_zip, 2021, ledgers=ledgers)
    read = totals(ledgers, "in")
    assert read["rows"] == len(raw) == 71192
    assert read["value_usd"] == pytest.approx(value, rel=1e-12)
    assert read["quantity_kg"] == pytest.approx(quantity, rel=1e-12)
    written = totals(ledgers, "out")
    assert written["rows"] == table.num_rows
    assert written["value_usd"] == pytest.approx(table["value_usd"].to_pandas().sum(), rel=1e-12)
    # Afghanistan and South Africa are countries: nothing is dropped
    assert written == pytest.approx(read, rel=1e-12)


@pytest.fixture(scope="module")
def comtrade_years(real_data, tmp_path_factory):
    """The real Comtrade 4412 extract split into one stored result per year."""
    raw = pd.read_parquet(real_data / "un_comtrade" / "uncomtrade_4412.parquet.gzip")
    folder = tmp_path_factory.mktemp("comtrade")
    paths = {}
    for year, records in raw.groupby("refYear"):
        paths[int(year)] = folder / f"comtrade_{year}.parquet"
        records.to_parquet(paths[int(year)])
    return raw, paths


def test_real_comtrade_totals_and_historical_reporters(comtrade_years):
    raw, paths = comtrade_years
    ledgers = []
    for year, path in paths.items():
        harmonise_comtrade_year(path, year, historical_entities="drop", ledgers=ledgers)
    assert balance_problems(ledger_frame(ledgers)) == []
    read = totals(ledgers, "in")
    assert read["rows"] == len(raw) == 176901
    assert read["value_usd"] == pytest.approx(raw["primaryValue"].sum(), rel=1e-12)
    world = raw[(raw["flowCode"] == "X") & (raw["partnerCode"] == 0)]
    not_world = totals(ledgers, "dropped", "not a total export to the World (imports, partner "
                       "countries, breakdowns by second partner, mode of transport or customs "
                       "procedure)")
    assert not_world["rows"] == len(raw) - len(world)
    # Belgium-Luxembourg, SACU, Serbia and Montenegro, Netherlands Antilles, former Sudan
    historical = world[world["reporterCode"].isin([58, 711, 891, 530, 736])]
    dropped = totals(ledgers, "dropped", HISTORICAL)
    assert dropped["rows"] == len(historical) == 18
    assert dropped["value_usd"] == pytest.approx(historical["primaryValue"].sum(), rel=1e-12)
    # 4412 is a heading: every remaining export is a four-digit total, none is written
    headings = totals(ledgers, "dropped", "HS code not at six digits (a heading or chapter total)")
    assert headings["rows"] == len(world) - len(historical)
    assert totals(ledgers, "out") == {"rows": 0.0, "value_usd": 0.0, "quantity_kg": 0.0}


def test_real_comtrade_keeps_historical_reporters_under_their_codes(comtrade_years):
    _, paths = comtrade_years
    ledgers = []
    harmonise_comtrade_year(paths[1998], 1998, historical_entities="keep", ledgers=ledgers)
    assert HISTORICAL not in set(ledger_frame(ledgers)["reason"])
    raw = pd.read_parquet(paths[1998])
    raw["cmdCode"] = "441210"  # make the heading a subheading to see the exporters written
    raw["aggrLevel"] = 6
    raw.to_parquet(paths[1998].with_name("six_digit_1998.parquet"))
    table = harmonise_comtrade_year(paths[1998].with_name("six_digit_1998.parquet"), 1998,
                                    historical_entities="keep").to_pandas()
    assert {"BLX", "ZA1", "SCG"} <= set(table["exporter"])
    assert "BEL" not in set(table["exporter"])  # Belgium reported from 1999


ILOSTAT_GVCS = {
    "apparel": {"label": "Apparel", "hs": {"HS92": ["61", "62"]},
                "isic": {"rev3": "18", "rev4": "14"}, "labour_source": "ilostat"},
    "horticulture": {"label": "Horticulture", "hs": {"HS92": ["07"]},
                     "isic": {"rev3": "01", "rev4": "01"}, "labour_source": "ilostat"},
}


def test_real_ilostat_employment_totals(real_data, tmp_path):
    path = real_data / "ilostat" / "EMP_TEMP_AGE_EC2_NB_A.csv.gz"
    earnings = tmp_path / "EAR.csv.gz"  # no real earnings file: one record
    earnings.write_bytes(gzip.compress(
        b"ref_area,indicator,source,sex,classif1,classif2,time,obs_value\n"
        b"BGD,EAR_4MTH_SEX_ECO_CUR_NB,BA:1,SEX_T,ECO_ISIC4_C,CUR_TYPE_LCU,2010,5000\n"))
    prices = pd.DataFrame({"country": ["BGD"], "year": [2010], "cpi_rebased": [100.0],
                           "exchange_rate_lcu_per_usd": [70.0]})
    ledgers = []
    labour = harmonise_labour(indstat_path=None, ilostat_employment_path=path,
                              ilostat_earnings_path=earnings, prices=prices, gvcs=ILOSTAT_GVCS,
                              chains=["apparel", "horticulture"], years=(1990, 2023),
                              ledgers=ledgers)
    employment = [ledger for ledger in ledgers if ledger.source == "ILOSTAT employment"]
    raw = ilostat.read_indicator(path, impossible="missing")
    read = totals(employment, "in")
    assert read["rows"] == len(raw) == 202972
    assert read["employment_persons"] == pytest.approx(raw["value"].sum() * 1000, rel=1e-12)
    written = totals(employment, "out")
    assert written["employment_persons"] == pytest.approx(labour["employment_persons"].sum(),
                                                          rel=1e-12)
    assert written["rows"] == labour["employment_persons"].notna().sum()
    frame = ledger_frame(employment)
    reasons = set(frame.loc[frame["entry"] == "dropped", "reason"])
    assert {"age group other than 15+", "economic activity of no configured value chain",
            IMPLAUSIBLE_OR_EMPTY} <= reasons
    # Bangladesh apparel: ISIC Rev.3 D18 in 2006, Rev.4 C14 from 2010, no overlap year: the
    # break cannot be spliced and is flagged in 2010; ILOSTAT also flags 2006, 2010 and 2013 B
    # (break in series): 2013 is a break, 2006 (the series' first value) breaks nothing
    bgd = labour[(labour["country"] == "BGD") & (labour["value_chain"] == "apparel")]
    flagged_b = {int(r["time"]) for r in _csv_rows(path) if r["ref_area"] == "BGD"
                 and r["classif2"] == "EC2_ISIC4_C14" and r["obs_status"] == "B"}
    assert flagged_b == {2010, 2013}
    assert bgd.set_index("year")["employment_break"].to_dict() == {
        2006: False, 2010: True, 2013: True, 2017: False}
    assert set(bgd["employment_source"]) == {"BA:673"}
    assert bgd.set_index("year").loc[2006, "employment_persons"] == pytest.approx(1193399)


def _csv_rows(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_real_wdi_cpi_totals(real_data, tmp_path):
    """The real WDI CPI file with a country metadata file written beside it: an economy is an
    aggregate when neither pycountry nor the WDI's non-ISO country codes know its code."""
    cpi = tmp_path / "API_FP.CPI.TOTL_DS2_en_csv_v2_284.csv"
    shutil.copy(real_data / "wdi" / cpi.name, cpi)
    raw = pd.read_csv(cpi, skiprows=4)
    aggregate = [pycountry.countries.get(alpha_3=c) is None and c not in ("CHI", "XKX")
                 for c in raw["Country Code"]]
    assert sum(aggregate) == 49
    (tmp_path / f"Metadata_Country_{cpi.name}").write_text(
        '"Country Code","Region",\n' + "".join(
            f'"{c}","{"" if agg else "Somewhere"}",\n'
            for c, agg in zip(raw["Country Code"], aggregate)))
    fx, _ = _wdi(tmp_path / "API_PA.NUS.FCRF.csv", "PA.NUS.FCRF", "FX", {"ZAF": {2010: 7.3}})
    ledgers = []
    prices = harmonise_prices(cpi, fx, 2010, ledgers=ledgers)
    cpi_ledger = [ledger for ledger in ledgers if ledger.source.endswith("FP.CPI.TOTL")]
    values = raw.filter(regex=r"^\d{4}$")
    read = totals(cpi_ledger, "in")
    assert read["rows"] == values.notna().sum().sum() == 8869
    assert read["cpi"] == pytest.approx(values.sum().sum(), rel=1e-12)
    # the bank publishes no CPI for its aggregates, so nothing is dropped and nothing is lost
    assert values[aggregate].notna().sum().sum() == 0
    assert "dropped" not in set(ledger_frame(cpi_ledger)["entry"])
    assert totals(cpi_ledger, "out") == pytest.approx(read, rel=1e-12)
    assert prices["cpi"].sum() == pytest.approx(read["cpi"], rel=1e-12)
    assert prices["country"].nunique() == 192 and "XKX" in set(prices["country"])
    zaf = prices[(prices["country"] == "ZAF") & (prices["year"] == 2010)]
    assert zaf["cpi_rebased"].tolist() == [pytest.approx(100.0)]


def test_summary_puts_measures_in_columns():
    ledger = Ledger("harmonise_trade", "CEPII BACI", "f", ["value_usd"], part="2020")
    table = pd.DataFrame({"value_usd": [1.0, 2.0]})
    ledger.write(ledger.drop(ledger.read(table), table["value_usd"] > 1.5, "big"))
    table = summary(ledger.frame())
    assert table.columns.tolist() == ["step", "source", "entry", "reason", "rows", "value_usd"]
    assert table["entry"].tolist() == ["in", "dropped", "out"]
    assert table["value_usd"].tolist() == [3.0, 2.0, 1.0]
