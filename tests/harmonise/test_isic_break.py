"""A labour series that crosses the ISIC Rev.3 -> Rev.4 break is spliced or flagged as configured
(config ``harmonise.isic_break``), and the accounting records what the splice changed."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from gvc_upgrading.harmonise.accounting import ledger_frame
from gvc_upgrading.harmonise.labour import harmonise_labour

GVCS = {"horticulture": {"label": "Horticulture", "hs": {"HS92": ["07"]},
                         "isic": {"rev3": "01", "rev4": "01"}, "labour_source": "ilostat"}}
# Employment in thousands. Cambodia publishes 2002 in both revisions (an overlap year, Rev.4 /
# Rev.3 = 150 / 120 = 1.25); Bangladesh switches in 2002 without an overlap year.
EMPLOYMENT = [("KHM", "3", 2000, 100), ("KHM", "3", 2001, 110), ("KHM", "3", 2002, 120),
              ("KHM", "4", 2002, 150), ("KHM", "4", 2003, 160),
              ("BGD", "3", 2000, 50), ("BGD", "3", 2001, 55), ("BGD", "4", 2002, 70)]


def _files(tmp_path):
    emp = tmp_path / "EMP.csv.gz"
    emp.write_bytes(gzip.compress(("ref_area,indicator,source,classif1,classif2,time,obs_value\n"
                                   + "".join(f"{c},EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC{r}_A01,"
                                             f"{y},{v}\n" for c, r, y, v in EMPLOYMENT)).encode()))
    ear = tmp_path / "EAR.csv.gz"
    ear.write_bytes(gzip.compress(
        b"ref_area,indicator,source,sex,classif1,classif2,time,obs_value\n"
        b"KHM,EAR_4MTH_SEX_ECO_CUR_NB,BA:1,SEX_T,ECO_ISIC4_A,CUR_TYPE_LCU,2003,100\n"))
    return emp, ear


def _labour(tmp_path, policy):
    emp, ear = _files(tmp_path)
    prices = pd.DataFrame({"country": ["KHM"], "year": [2003], "cpi_rebased": [100.0],
                           "exchange_rate_lcu_per_usd": [4000.0]})
    ledgers = []
    labour = harmonise_labour(indstat_path=None, ilostat_employment_path=emp,
                              ilostat_earnings_path=ear, prices=prices, gvcs=GVCS,
                              chains=["horticulture"], years=(1995, 2022), isic_break=policy,
                              ledgers=ledgers)
    series = labour.set_index(["country", "year"])
    return series["employment_persons"], series["series_break"], ledger_frame(ledgers)


def test_splice_scales_the_rev3_segment_by_the_overlap_ratio(tmp_path):
    employment, series_break, accounting = _labour(tmp_path, "splice")
    assert employment["KHM"].to_dict() == pytest.approx(
        {2000: 125_000, 2001: 137_500, 2002: 150_000, 2003: 160_000})
    assert not series_break["KHM"].any()
    # no overlap year: Bangladesh cannot be spliced, its break is flagged
    assert employment["BGD"].to_dict() == pytest.approx({2000: 50_000, 2001: 55_000, 2002: 70_000})
    assert series_break["BGD"].to_dict() == {2000: False, 2001: False, 2002: True}
    rescaled = accounting[(accounting["entry"] == "rescaled")
                          & (accounting["measure"] == "employment_persons")]
    assert rescaled["total"].tolist() == pytest.approx([25_000 + 27_500])
    dropped = accounting[(accounting["reason"] == "ISIC Rev.3 value in a year that Rev.4 also "
                                                  "covers") & (accounting["measure"] == "rows")]
    assert dropped["total"].tolist() == [1.0]


def test_flag_keeps_both_segments_and_marks_the_break(tmp_path):
    employment, series_break, accounting = _labour(tmp_path, "flag")
    assert employment["KHM"].to_dict() == pytest.approx(
        {2000: 100_000, 2001: 110_000, 2002: 150_000, 2003: 160_000})
    assert series_break["KHM"].to_dict() == {2000: False, 2001: False, 2002: True, 2003: False}
    assert series_break["BGD"].to_dict() == {2000: False, 2001: False, 2002: True}
    assert "rescaled" not in set(accounting["entry"])


def test_unknown_policy_is_refused(tmp_path):
    with pytest.raises(ValueError, match="ISIC break policy 'interpolate'"):
        _labour(tmp_path, "interpolate")
