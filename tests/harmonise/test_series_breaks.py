"""ILOSTAT's flags in the labour table: a change of survey source or a value flagged B (break in
series) is a break, spliced or flagged as ``harmonise.series_break`` says; U (unreliable) and
each value's survey source travel with it."""

from __future__ import annotations

import csv
import gzip

import pandas as pd
import pytest

from gvc_upgrading.harmonise.accounting import balance_problems, ledger_frame
from gvc_upgrading.harmonise.labour import harmonise_labour

GVCS = {"horticulture": {"label": "Horticulture", "hs": {"HS92": ["07"]},
                         "isic": {"rev3": "01", "rev4": "01"}, "labour_source": "ilostat"}}
# Employment in thousands (country, source, year, value, obs_status). Kenya's establishment
# survey (BB) gives way to a labour force survey (BA) in 2002, a year both report (an overlap
# year, BA / BB = 55 / 44 = 1.25); Ghana's one survey flags 2001 B (break in series) and 2002 U,
# and its first value 1999 B (a break before the series starts); Tanzania switches source in
# 2001 without an overlap year.
EMPLOYMENT = [("KEN", "BB:7", 2000, 40, ""), ("KEN", "BB:7", 2001, 42, ""),
              ("KEN", "BB:7", 2002, 44, ""), ("KEN", "BA:9", 2002, 55, ""),
              ("KEN", "BA:9", 2003, 57, ""), ("KEN", "BA:9", 2004, 60, ""),
              ("GHA", "BA:3", 1999, 9, "B"), ("GHA", "BA:3", 2000, 10, ""),
              ("GHA", "BA:3", 2001, 11, "B"), ("GHA", "BA:3", 2002, 12, "U"),
              ("TZA", "BB:5", 2000, 20, ""), ("TZA", "BA:6", 2001, 30, "")]
EARNINGS = (b"ref_area,indicator,source,sex,classif1,classif2,time,obs_value,obs_status\n"
            b"KEN,EAR_4MTH_SEX_ECO_CUR_NB,BA:9,SEX_T,ECO_ISIC4_A,CUR_TYPE_LCU,2003,100,U\n"
            b"KEN,EAR_4MTH_SEX_ECO_CUR_NB,BA:9,SEX_T,ECO_ISIC4_A,CUR_TYPE_LCU,2004,110,\n")


def _labour(tmp_path, series_break: str):
    emp = tmp_path / "EMP_TEMP_AGE_EC2_NB_A.csv.gz"
    emp.write_bytes(gzip.compress((
        "ref_area,indicator,source,classif1,classif2,time,obs_value,obs_status\n" + "".join(
            f"{c},EMP_TEMP_AGE_EC2_NB,{s},AGE_YTHADULT_YGE15,EC2_ISIC4_A01,{y},{v},{f}\n"
            for c, s, y, v, f in EMPLOYMENT)).encode()))
    ear = tmp_path / "EAR_4MTH_SEX_ECO_CUR_NB_A.csv.gz"
    ear.write_bytes(gzip.compress(EARNINGS))
    prices = pd.DataFrame({"country": ["KEN", "KEN"], "year": [2003, 2004],
                           "cpi_rebased": [100.0, 100.0], "exchange_rate_lcu_per_usd": [80.0] * 2})
    ledgers = []
    labour = harmonise_labour(indstat_path=None, ilostat_employment_path=emp,
                              ilostat_earnings_path=ear, prices=prices, gvcs=GVCS,
                              chains=["horticulture"], years=(1995, 2022),
                              series_break=series_break, ledgers=ledgers)
    assert balance_problems(ledger_frame(ledgers)) == []
    return labour.set_index(["country", "year"]), ledger_frame(ledgers)


def _published(country: str) -> dict[int, float]:
    """The file's employment of a country in persons, the labour force survey where both
    report a year."""
    rows = sorted(EMPLOYMENT, key=lambda r: r[1].startswith("BA"))  # BA last: it wins
    return {y: v * 1000 for c, _, y, v, _ in rows if c == country}


@pytest.mark.parametrize("policy", ["flag", "drop"])
def test_flag_keeps_the_values_and_marks_every_break(tmp_path, policy):
    labour, accounting = _labour(tmp_path, policy)
    for country in ("KEN", "GHA", "TZA"):
        assert labour.loc[country, "employment_persons"].to_dict() == pytest.approx(
            _published(country))
    breaks = labour["employment_break"]
    assert breaks["KEN"].to_dict() == {2000: False, 2001: False, 2002: True, 2003: False,
                                       2004: False}  # BB -> BA
    assert breaks["GHA"].to_dict() == {1999: False, 2000: False, 2001: True, 2002: False}
    assert breaks["TZA"].to_dict() == {2000: False, 2001: True}
    assert labour.loc["KEN", "employment_source"].to_dict() == {
        2000: "BB:7", 2001: "BB:7", 2002: "BA:9", 2003: "BA:9", 2004: "BA:9"}
    assert labour["employment_unreliable"][labour["employment_unreliable"]].index.tolist() == [
        ("GHA", 2002)]
    assert labour["wage_unreliable"][labour["wage_unreliable"]].index.tolist() == [("KEN", 2003)]
    assert (labour["series_break"] == labour["employment_break"] | labour["wage_break"]).all()
    assert "rescaled" not in set(accounting["entry"])
    dropped = accounting[(accounting["reason"] == "lower-priority survey source for the same "
                                                  "country, year and revision")
                         & (accounting["measure"] == "rows")]
    assert dropped["total"].tolist() == [1.0]  # Kenya's establishment survey in 2002


def test_splice_bridges_a_change_of_source_on_its_overlap_year(tmp_path):
    labour, accounting = _labour(tmp_path, "splice")
    ratio = 55 / 44
    published = _published("KEN")
    expected = {y: v * ratio if y < 2002 else v for y, v in published.items()}
    assert labour.loc["KEN", "employment_persons"].to_dict() == pytest.approx(expected)
    assert not labour.loc["KEN", "employment_break"].any()
    # a B flag, or a change of source without an overlap year, cannot be spliced
    assert labour.loc[("GHA", 2001), "employment_break"]
    assert labour.loc[("TZA", 2001), "employment_break"]
    assert labour.loc["TZA", "employment_persons"].to_dict() == pytest.approx(_published("TZA"))
    rescaled = accounting[(accounting["entry"] == "rescaled")
                          & (accounting["measure"] == "employment_persons")]
    assert rescaled["reason"].tolist() == [
        "earlier survey source's segment scaled to the later source's level (ratio in the "
        "latest overlap year)"]
    assert rescaled["total"].tolist() == pytest.approx(
        [(published[2000] + published[2001]) * (ratio - 1)])


def test_an_unknown_series_break_policy_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"series break policy 'ignore'; expected one of "
                                         r"\('splice', 'flag', 'drop'\)"):
        _labour(tmp_path, "ignore")


ILOSTAT_GVCS = {
    "apparel": {"label": "Apparel", "hs": {"HS92": ["61", "62"]},
                "isic": {"rev3": "18", "rev4": "14"}, "labour_source": "ilostat"},
    "horticulture": GVCS["horticulture"],
}


def test_real_file_survey_changes_and_b_flags_are_breaks(real_data, tmp_path):
    """The real bulk file: every change of the kept survey source between two years of a series
    is a break, and so is every year ILOSTAT flags B after the series' first."""
    path = real_data / "ilostat" / "EMP_TEMP_AGE_EC2_NB_A.csv.gz"
    earnings = tmp_path / "EAR.csv.gz"
    earnings.write_bytes(gzip.compress(EARNINGS))
    prices = pd.DataFrame({"country": ["KEN"], "year": [2003], "cpi_rebased": [100.0],
                           "exchange_rate_lcu_per_usd": [80.0]})
    labour = harmonise_labour(indstat_path=None, ilostat_employment_path=path,
                              ilostat_earnings_path=earnings, prices=prices, gvcs=ILOSTAT_GVCS,
                              chains=["apparel", "horticulture"], years=(1990, 2023))
    labour = labour[labour["employment_persons"].notna()].sort_values(
        ["country", "value_chain", "year"])
    previous = labour.groupby(["country", "value_chain"])["employment_source"].shift()
    switched = previous.notna() & (previous != labour["employment_source"])
    assert switched.sum() > 0, "the real file has series that change survey source"
    assert labour.loc[switched, "employment_break"].all()
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        codes = {"EC2_ISIC4_A01": "horticulture", "EC2_ISIC3_A01": "horticulture",
                 "EC2_ISIC4_C14": "apparel", "EC2_ISIC3_D18": "apparel"}
        flagged = {(r["ref_area"], codes[r["classif2"]], int(r["time"]), r["source"])
                   for r in csv.DictReader(handle) if r["obs_status"] == "B"
                   and r["classif2"] in codes and r["classif1"] == "AGE_YTHADULT_YGE15"}
    first = labour.groupby(["country", "value_chain"])["year"].transform("min")
    keys = zip(labour["country"], labour["value_chain"], labour["year"],
               labour["employment_source"])
    is_b = pd.Series([key in flagged for key in keys], index=labour.index)
    b_years = labour[is_b & (labour["year"] > first)]
    assert len(b_years) > 0 and b_years["employment_break"].all()
