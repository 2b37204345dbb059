"""Harmonising OECD TiVA to country x value chain x year: the chain's activity, the crosswalk,
the row accounting, and the errors that name the file, code and column."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import REPO
from gvc_upgrading import demo
from gvc_upgrading.config import load_yaml
from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.accounting import ledger_frame
from gvc_upgrading.harmonise.value_added import (
    Flow,
    harmonise_value_added,
    value_added_schema,
    value_column,
)

REGISTRY = load_yaml(REPO / "config" / "datasets.yaml")
ACTIVITIES = tuple(REGISTRY["tiva_mainlv_demo"]["sdmx"]["activities"])
CHAINS = {"apparel": "C13T15", "mobile_phones": "C26", "horticulture": "A01", "automotive": "C29"}
HEADER = ("DATAFLOW,MEASURE,REF_AREA,ACTIVITY,COUNTERPART_AREA,UNIT_MEASURE,FREQ,TIME_PERIOD,"
          "OBS_VALUE,UNIT_MULT")
LV = "OECD.STI.PIE:DSD_TIVA_MAINLV@DF_MAINLV(1.1)"


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    return demo.generate_demo_world(tmp_path_factory.mktemp("demo"), seed=20111021)["oecd"]


def flows(levels, shares, level_measures=("EXGR", "EXGR_DVA"),
          share_measures=("EXGR_DVA", "EXGR_FVA", "EXGR_DVAFX")):
    return [Flow(str(levels), "DSD_TIVA_MAINLV@DF_MAINLV", "USD", level_measures, ACTIVITIES),
            Flow(str(shares), "DSD_TIVA_MAINSH@DF_MAINSH", "PT_EXGR", share_measures, ACTIVITIES)]


def raw_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_demo_files_become_one_row_per_country_chain_and_year(demo_files):
    ledgers = []
    table = harmonise_value_added(flows(*demo_files), CHAINS, (1995, 2022), ledgers=ledgers)
    value_added_schema(flows(*demo_files)).validate(table)
    assert list(table.columns[:4]) == ["country", "value_chain", "year", "tiva_activity"]
    assert set(table["country"]) == {c.iso3 for c in demo.COUNTRIES[:50]} & demo.EDITION_ECONOMIES
    assert (table["value_chain"].map(CHAINS) == table["tiva_activity"]).all()
    raw = [r for r in raw_rows(demo_files[1]) if r["MEASURE"] == "EXGR_DVA"
           and r["REF_AREA"] == "VNM" and r["ACTIVITY"] == "C26" and r["TIME_PERIOD"] == "2010"]
    row = table[(table["country"] == "VNM") & (table["value_chain"] == "mobile_phones")
                & (table["year"] == 2010)]
    assert row["exgr_dva_pt_exgr"].item() == float(raw[0]["OBS_VALUE"])
    accounting = ledger_frame(ledgers)
    kept = [{"EXGR", "EXGR_DVA"}, {"EXGR_DVA", "EXGR_FVA", "EXGR_DVAFX"}]
    for path, ledger, measures in zip(demo_files, ledgers, kept):
        rows = raw_rows(path)
        world = [r for r in rows if r["REF_AREA"] == "W" and r["MEASURE"] in measures]
        dropped = accounting[(accounting["file"] == str(path)) & (accounting["measure"] == "rows")]
        reasons = dict(zip(dropped["reason"], dropped["total"]))
        assert reasons["country is a regional aggregate or unspecified area"] == len(world)
        assert dropped.loc[dropped["entry"] == "in", "total"].item() == len(rows)
        ledger.check()
    levels = accounting[(accounting["file"] == str(demo_files[0]))
                        & (accounting["measure"] == "rows")]
    fva_rows = sum(1 for r in raw_rows(demo_files[0]) if r["MEASURE"] == "EXGR_FVA")
    assert dict(zip(levels["reason"], levels["total"]))[
        "a measure no dimension in use reads"] == fva_rows


def test_real_viet_nam_electronics(real_data):
    """The real levels and shares files of Viet Nam (SOURCES.md 7b): C26 is mobile phones'
    activity; _T and C leave as activities of no configured chain."""
    folder = real_data / "oecd_tiva"
    levels = folder / "TIVA2025_MAINLV_VNM_T_C_C26_1995_2022.csv"
    shares = folder / "TIVA2025_MAINSH_VNM_T_C_C26_1995_2022.csv"
    ledgers = []
    table = harmonise_value_added(
        flows(levels, shares, share_measures=("EXGR_DVA", "EXGR_FVA")),
        {"mobile_phones": "C26"}, (1995, 2022), ledgers=ledgers)
    assert len(table) == 28 and set(table["country"]) == {"VNM"}
    level_rows = [r for r in raw_rows(levels) if r["ACTIVITY"] == "C26"]
    dva = {int(r["TIME_PERIOD"]): float(r["OBS_VALUE"]) * 1e6 for r in level_rows
           if r["MEASURE"] == "EXGR_DVA"}
    assert table.set_index("year")["exgr_dva_usd"].to_dict() == pytest.approx(dva)
    share_rows = {int(r["TIME_PERIOD"]): float(r["OBS_VALUE"]) for r in raw_rows(shares)
                  if r["ACTIVITY"] == "C26" and r["MEASURE"] == "EXGR_DVA"}
    assert table.set_index("year")["exgr_dva_pt_exgr"].to_dict() == share_rows
    accounting = ledger_frame(ledgers)
    other = accounting[(accounting["reason"] == "an activity of no configured value chain")
                       & (accounting["measure"] == "rows") & (accounting["file"] == str(levels))]
    assert other["total"].item() == sum(1 for r in raw_rows(levels) if r["ACTIVITY"] != "C26"
                                        and r["MEASURE"] in {"EXGR", "EXGR_DVA"})


def test_an_activity_holding_two_chains_is_copied_and_counted(demo_files):
    ledgers = []
    table = harmonise_value_added(flows(*demo_files)[:1], {"mobile_phones": "C26",
                                                           "phone_parts": "C26"},
                                  (2000, 2001), ledgers=ledgers)
    phones = table[table["value_chain"] == "mobile_phones"].drop(columns="value_chain")
    parts = table[table["value_chain"] == "phone_parts"].drop(columns="value_chain")
    pd.testing.assert_frame_equal(phones.reset_index(drop=True), parts.reset_index(drop=True))
    copied = ledger_frame(ledgers).query("entry == 'copied' and measure == 'rows'")
    assert copied["total"].item() == len(parts) * 2  # EXGR and EXGR_DVA of each row


def write(tmp_path, *lines):
    path = tmp_path / "tiva.csv"
    path.write_text("\r\n".join([HEADER, *lines]) + "\r\n", encoding="utf-8")
    return path


def one_flow(path, measures=("EXGR",), countries=None):
    return [Flow(str(path), "DSD_TIVA_MAINLV@DF_MAINLV", "USD", measures, ACTIVITIES, countries)]


PHONES = {"mobile_phones": "C26"}


@pytest.mark.parametrize("line, options, chains, phrase", [
    (f"{LV},EXGR,WLD,C26,W,USD,A,2020,1,6", {}, PHONES,
     "country code(s) WLD not in the crosswalk"),
    (f"{LV},EXGR,VNM,D26,W,USD,A,2020,1,6", {}, PHONES,
     "ACTIVITY code 'D26' is not in the edition"),
    (f"{LV},EXGR,NAM,C26,W,USD,A,2020,1,6", {"countries": ("VNM",)}, PHONES,
     "REF_AREA code 'NAM' is not in the edition's country code list"),
    (f"{LV},EXGR_DVA,VNM,C26,W,USD,A,2020,1,6", {}, PHONES, "no rows of measure(s) ['EXGR']"),
    (f"{LV},EXGR,VNM,C29,W,USD,A,2020,1,6", {}, {**PHONES, "automotive": "C29"},
     "no rows of activity C26 (value chain mobile_phones)"),
])
def test_bad_codes_and_missing_values_are_named(tmp_path, line, options, chains, phrase):
    path = write(tmp_path, line)
    with pytest.raises(InputError) as caught:
        harmonise_value_added(one_flow(path, **options), chains, (1995, 2022))
    assert str(path) in str(caught.value) and phrase in str(caught.value)


def test_columns_name_measure_and_unit():
    assert value_column("EXGR_DVA", "USD") == "exgr_dva_usd"
    assert value_column("EXGR_DVA", "PT_EXGR") == "exgr_dva_pt_exgr"
