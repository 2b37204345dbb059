"""Women's share of employment from UNIDO INDSTAT (table 31 female employees over table 04
employees, both counted ``#`` in a file that holds money in ``$``), and its precedence over
ILOSTAT's section for the chains whose labour data come from INDSTAT.

Expected shares are computed here from the files by plain arithmetic: the demo's INDSTAT2 file
and the real UNIDO excerpt of ../shared/data/real/indstat (an INDSTAT4 labelled export, whose
records are written out in the INDSTAT2 field order).
"""

from __future__ import annotations

import json
import logging

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from gvc_upgrading import demo
from gvc_upgrading.analysis.indicators import compute_indicators
from gvc_upgrading.config import load_yaml
from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.labour import LABOUR_COLUMNS, harmonise_labour
from gvc_upgrading.io import write_table

KEYS = ["country", "value_chain", "year"]
INDSTAT_CHAINS = ["apparel", "mobile_phones", "automotive"]


def no_prices() -> pd.DataFrame:
    """A prices table without any value: the shares need neither exchange rates nor CPIs."""
    return pd.DataFrame({"country": pd.Series(dtype="string"), "year": pd.Series(dtype="int64"),
                         "exchange_rate_lcu_per_usd": pd.Series(dtype="float64"),
                         "cpi_rebased": pd.Series(dtype="float64")})


def indstat_labour(path, gvcs, chains, years=(1995, 2022), ledgers=None) -> pd.DataFrame:
    return harmonise_labour(indstat_path=path, ilostat_employment_path=None,
                            ilostat_earnings_path=None, prices=no_prices(), gvcs=gvcs,
                            chains=chains, years=years, ledgers=ledgers)


def plain_shares(records: pd.DataFrame) -> pd.Series:
    """Per (country, value_chain, year): 100 x table 31 / table 04 where both are numbers and
    table 04 is positive (``records``: ctable, country, value_chain, year, value as text)."""
    numbers = records[records["value"] != "..."].astype({"value": float})
    wide = numbers.pivot_table(index=KEYS, columns="ctable", values="value", aggfunc="sum")
    wide = wide.dropna(subset=["04", "31"])
    wide = wide[wide["04"] > 0]
    return (wide["31"] / wide["04"] * 100).rename("expected")


def test_demo_indstat_share_is_table_31_over_table_04(demo_world):
    _, paths = demo_world
    path = paths["indstat"][0]
    fields = ["ctable", "country", "year", "isic", "isiccomb", "value", "utable", "source",
              "lastupdated", "unit"]
    records = pd.read_csv(path, header=None, names=fields, dtype=str, keep_default_na=False)
    assert set(records.loc[records["ctable"].isin(["04", "31"]), "unit"]) == {"#"}
    assert set(records.loc[records["ctable"] == "20", "unit"]) == {"$"}
    chain_of = {c.isic3: name for name, c in demo.VALUE_CHAINS.items() if name in INDSTAT_CHAINS}
    iso3 = {f"{c.m49:03d}": c.iso3 for c in demo.COUNTRIES}
    records = records[records["isic"].isin(chain_of)].assign(
        value_chain=lambda d: d["isic"].map(chain_of), country=lambda d: d["country"].map(iso3),
        year=lambda d: d["year"].astype(int))
    expected = plain_shares(records)
    gvcs = load_yaml(REPO / "config" / "gvcs.yaml")
    ledgers = []
    labour = indstat_labour(path, gvcs, INDSTAT_CHAINS, ledgers=ledgers)
    found = labour.dropna(subset=["female_employment_share"]).set_index(KEYS)[
        "female_employment_share"]
    assert len(expected) > 1000 and set(found.index) == set(expected.index)
    np.testing.assert_allclose(found.loc[expected.index], expected, rtol=1e-12)
    assert set(labour["value_chain"]) == set(INDSTAT_CHAINS)
    dropped = ledgers[0].frame().query("entry == 'dropped' and measure == 'rows'")
    assert not dropped["reason"].str.contains("table other").any()  # the file has 04-31 only


def test_real_unido_excerpt_share_is_table_31_over_table_04(real_data, tmp_path):
    """The real UNIDO INDSTAT4 excerpt (ISIC 3710, Ethiopia, India, Turkey, South Africa) as
    INDSTAT2 records: counts in ``#``, money in ``$``; the labelled export has no
    ``lastupdated`` field, so the records get the end of its last year."""
    rows = json.loads((real_data / "indstat" /
                       "UNIDO_INDSTAT4_Rev3_ISIC3710_labelled_excerpt.json").read_text())
    header, rows = rows[0], rows[1:]
    column = {name: header.index(name) for name in ("Table Code", "Country Code", "Year", "ISIC",
                                                    "ISIC Combination", "Value", "Source Code",
                                                    "Unit")}
    utable = header.index("Table Definition Code")
    assert {(r[column["Table Code"]], r[column["Unit"]]) for r in rows
            if r[column["Table Code"]] in ("4", "31")} == {("4", "#"), ("31", "#")}
    last = max(int(r[column["Year"]]) for r in rows)
    lines = [",".join([r[column["Table Code"]], r[column["Country Code"]], r[column["Year"]],
                       r[column["ISIC"]], r[column["ISIC Combination"]], r[column["Value"]],
                       r[utable], r[column["Source Code"]], f"{last}-12-31", r[column["Unit"]]])
             for r in rows]
    path = tmp_path / "INDSTAT4_3710_as_INDSTAT2.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gvcs = {"recycling": {"label": "Recycling", "hs": {"HS92": ["7204"]},
                          "isic": {"rev3": "3710", "rev4": "3830"}, "labour_source": "indstat"}}
    labour = indstat_labour(path, gvcs, ["recycling"], years=(2000, last))
    iso3 = {"231": "ETH", "356": "IND", "792": "TUR", "710": "ZAF"}
    records = pd.DataFrame({
        "ctable": [r[column["Table Code"]].zfill(2) for r in rows],
        "country": [iso3[r[column["Country Code"]]] for r in rows],
        "value_chain": "recycling", "year": [int(r[column["Year"]]) for r in rows],
        "value": [r[column["Value"]] for r in rows]})
    expected = plain_shares(records)
    found = labour.dropna(subset=["female_employment_share"]).set_index(KEYS)[
        "female_employment_share"]
    assert set(found.index) == set(expected.index) and len(found) >= 10
    np.testing.assert_allclose(found.loc[expected.index], expected, rtol=1e-12)
    # Ethiopia reports 0 employees and 0 female employees: no share, not 0 / 0
    ethiopia = labour[labour["country"] == "ETH"]
    assert len(ethiopia) and ethiopia["female_employment_share"].isna().all()


TWO_DIVISIONS = {"textiles": {"label": "Textiles and apparel", "hs": {"HS92": ["50"]},
                              "isic": {"rev3": ["17", "18"], "rev4": ["13", "14"]},
                              "labour_source": "indstat"}}


def test_divisions_are_summed_before_the_share(tmp_path):
    path = tmp_path / "indstat.csv"
    path.write_text("\n".join([
        "04,050,2010,17,17,3000,04,1,2023-06-30,#", "04,050,2010,18,18,1000,04,1,2023-06-30,#",
        "31,050,2010,17,17,900,31,1,2023-06-30,#", "31,050,2010,18,18,700,31,1,2023-06-30,#",
        "20,050,2010,17,17,25000,18,1,2023-06-30,$",
        "04,050,2011,17,17,3100,04,1,2023-06-30,#", "04,050,2011,18,18,1000,04,1,2023-06-30,#",
        "31,050,2011,17,17,950,31,1,2023-06-30,#"]) + "\n")  # 2011: one division has no 31
    labour = indstat_labour(path, TWO_DIVISIONS, ["textiles"]).set_index("year")
    assert labour.loc[2010, "female_employment_share"] == pytest.approx((900 + 700) / 4000 * 100)
    assert np.isnan(labour.loc[2011, "female_employment_share"])
    assert labour.loc[2011, "employment_persons"] == 4100


def test_more_women_than_employees_is_set_missing_and_logged(tmp_path, caplog):
    path = tmp_path / "indstat.csv"
    path.write_text("04,050,2010,18,18,1000,04,1,2023-06-30,#\n"
                    "31,050,2010,18,18,1200,31,1,2023-06-30,#\n"
                    "04,050,2011,18,18,1000,04,1,2023-06-30,#\n"
                    "31,050,2011,18,18,600,31,1,2023-06-30,#\n")
    gvcs = {"apparel": {**TWO_DIVISIONS["textiles"], "isic": {"rev3": "18", "rev4": "14"}}}
    with caplog.at_level(logging.WARNING):
        labour = indstat_labour(path, gvcs, ["apparel"]).set_index("year")
    assert np.isnan(labour.loc[2010, "female_employment_share"])
    assert labour.loc[2011, "female_employment_share"] == pytest.approx(60.0)
    assert ("1 country-chain-year(s) with more female employees (table 31) than employees "
            "(table 04): women's share set to missing: BGD apparel 2010") in caplog.text


def test_female_employees_in_money_are_refused(tmp_path):
    path = tmp_path / "indstat.csv"
    path.write_text("04,050,2010,18,18,1000,04,1,2023-06-30,#\n"
                    "31,050,2010,18,18,600,31,1,2023-06-30,$\n")
    gvcs = {"apparel": {**TWO_DIVISIONS["textiles"], "isic": {"rev3": "18", "rev4": "14"}}}
    with pytest.raises(InputError, match=r"indstat\.csv, row 2, unit: female employees \(table "
                                         r"31\) must be counted in persons \(unit '#'\), not '\$'"):
        indstat_labour(path, gvcs, ["apparel"])


# --- precedence in the indicator table ---------------------------------------------------------

GVCS = {
    "apparel": {"hs": {"HS92": ["61"]}, "isic": {"rev3": "18", "rev4": "14"},
                "labour_source": "indstat"},
    "horticulture": {"hs": {"HS92": ["07"]}, "isic": {"rev3": "01", "rev4": "01"},
                     "labour_source": "ilostat"},
    "automotive": {"hs": {"HS92": ["87"]}, "isic": {"rev3": "34", "rev4": "29"},
                   "labour_source": ["indstat", "ilostat"]},
}


def test_indstat_series_take_table_31_and_never_the_ilostat_section(tmp_path):
    """Apparel (INDSTAT): BGD's share is table 31's in 2010, missing in 2011 although ILOSTAT's
    section has a value; KHM has no INDSTAT row at all and stays without a share. Horticulture
    (ILOSTAT) takes the section's share; automotive (INDSTAT, ILOSTAT as fallback) follows the
    source the labour table took for the country."""
    trade = pd.DataFrame([
        {"year": y, "exporter": c, "importer": "USA", "hs_revision": "HS92", "hs6": hs,
         "value_usd": 10.0, "quantity_kg": 1.0}
        for y in (2010, 2011) for c in ("BGD", "KHM") for hs in ("610910", "070200", "870323")])
    for year in (2010, 2011):
        write_table(trade[trade["year"] == year], tmp_path / f"trade_{year}.parquet")
    labour = pd.DataFrame([
        ("BGD", "apparel", 2010, 50.0, "indstat"), ("BGD", "apparel", 2011, np.nan, "indstat"),
        ("BGD", "horticulture", 2010, np.nan, "ilostat"),
        ("BGD", "automotive", 2010, 12.0, "indstat"),
        ("KHM", "automotive", 2010, np.nan, "ilostat")],
        columns=[*KEYS, "female_employment_share", "labour_source"]).assign(
        employment_persons=1000.0).reindex(columns=LABOUR_COLUMNS).astype(
        {"year": "int64", "country": "string", "value_chain": "string"})
    section = pd.DataFrame([(c, v, y, 40.0 + i) for i, (c, v, y) in enumerate(
        (c, v, y) for c in ("BGD", "KHM") for v in GVCS for y in (2010, 2011))],
        columns=[*KEYS, "female_employment_share"])
    table = compute_indicators([tmp_path / f"trade_{y}.parquet" for y in (2010, 2011)], labour,
                               GVCS, list(GVCS), (2010, 2011), dimensions=section)
    share = table.set_index(KEYS)["female_employment_share"].sort_index()
    from_section = section.set_index(KEYS)["female_employment_share"]
    assert share[("BGD", "apparel", 2010)] == 50.0
    assert np.isnan(share[("BGD", "apparel", 2011)])
    assert share.loc["KHM", "apparel"].isna().all()
    for key in [("BGD", "horticulture", 2010), ("BGD", "horticulture", 2011),
                ("KHM", "horticulture", 2010), ("KHM", "automotive", 2010),
                ("KHM", "automotive", 2011)]:
        assert share[key] == from_section[key], key
    assert share[("BGD", "automotive", 2010)] == 12.0
    assert np.isnan(share[("BGD", "automotive", 2011)])
