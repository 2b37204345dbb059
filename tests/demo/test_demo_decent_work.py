"""The demo's decent-work files: the real ILOSTAT and INDSTAT layouts, consistency between files,
and the true relationships (DECENT_WORK_COEFFICIENTS, RIGHTS_TRENDS) recovered from the files.

Layouts are compared with the real extracts in ../shared/data/real/ilostat (read in place): the
bulk files of the same indicator where one is kept (hours, informality, union density), the
ILOSTAT code dictionaries and a sibling bulk file otherwise. Values are read from the written
files with the workflow's ILOSTAT and INDSTAT readers or plain pandas, and every coefficient is
estimated by the workflow's estimator with the latent regressors: the truth must lie inside its
95% interval.
"""

from __future__ import annotations

import gzip
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import REPO
from gvc_upgrading import demo
from gvc_upgrading.analysis.estimate import estimate_spec
from gvc_upgrading.demo import social
from gvc_upgrading.demo.simulate import simulate
from gvc_upgrading.sources.indstat import read_indstat2

KEYS = ["country", "value_chain", "year"]
SECTION_OF = {(revision, letter): section for section, codes in demo.SECTIONS.items()
              for revision, letter in codes.items()}
# indicator file -> (real bulk file kept in ../shared/data/real/ilostat, or None; the real
# bulk file whose columns it shares, with the columns it leaves out or adds)
REAL_LAYOUT = {
    "HOW_TEMP_SEX_ECO_NB_A": "HOW_TEMP_SEX_ECO_NB_A",
    "SDG_0831_SEX_ECO_RT_A": "SDG_0831_SEX_ECO_RT_A",
    "ILR_TUMT_NOC_RT_A": "ILR_TUMT_NOC_RT_A",
    "EMP_TEMP_AGE_EC2_NB_A": "EMP_TEMP_AGE_EC2_NB_A",
}
SIBLING_LAYOUT = {  # no real bulk copy: the layout of the same ILOSTAT family
    "EMP_TEMP_SEX_ECO_NB_A": ("SDG_0831_SEX_ECO_RT_A", [], []),
    "INJ_FATL_ECO_NB_A": ("SDG_0831_SEX_ECO_RT_A", ["sex"], []),
    "ILR_CBCT_NOC_RT_A": ("ILR_TUMT_NOC_RT_A", [], ["obs_status"]),
    "SDG_0882_NOC_RT_A": ("ILR_TUMT_NOC_RT_A", [], []),
}
NEW_FILES = ["HOW_TEMP_SEX_ECO_NB_A", "SDG_0831_SEX_ECO_RT_A", "INJ_FATL_ECO_NB_A",
             "EMP_TEMP_SEX_ECO_NB_A", "ILR_TUMT_NOC_RT_A", "ILR_CBCT_NOC_RT_A",
             "SDG_0882_NOC_RT_A"]


def _ilostat(paths, name: str) -> pd.DataFrame:
    """A written ILOSTAT file as strings, as the bulk facility ships it."""
    path = next(p for p in paths["ilostat"] if p.name == f"{name}.csv.gz")
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _path(paths, name: str):
    return next(p for p in paths["ilostat"] if p.name == f"{name}.csv.gz")


def _real(real_data, name: str) -> pd.DataFrame:
    return pd.read_csv(real_data / "ilostat" / f"{name}.csv.gz", encoding="utf-8-sig",
                       dtype=str, keep_default_na=False)


def _dictionary(real_data, name: str) -> set[str]:
    """Codes of one ILOSTAT bulk dictionary (dic/<name>_en.csv.gz; header with a space)."""
    table = pd.read_csv(real_data / "ilostat" / "dic" / f"{name}_en.csv.gz",
                        encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return set(table.iloc[:, 0])


def _decimals(values: pd.Series) -> int:
    parts = values[values != ""].str.split(".").str[1].fillna("")
    return int(parts.str.len().max())


# --- layouts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NEW_FILES + ["EMP_TEMP_AGE_EC2_NB_A"])
def test_layout_is_that_of_the_real_bulk_file(demo_world, real_data, name):
    """Columns (set and order), BOM, gzip, codes and decimals as in the real bulk file of the
    indicator, or of its family where no real bulk copy exists; every code in the ILOSTAT
    dictionaries."""
    _, paths = demo_world
    raw = gzip.decompress(_path(paths, name).read_bytes())
    assert raw.startswith(b"\xef\xbb\xbfref_area,indicator,source,") and b"\r" not in raw
    ours = _ilostat(paths, name)
    if name in REAL_LAYOUT:
        real = _real(real_data, REAL_LAYOUT[name])
        assert list(ours.columns) == list(real.columns)
        assert _decimals(ours["obs_value"]) <= _decimals(real["obs_value"])
        for column in ("classif1", "classif2", "sex", "obs_status", "note_indicator"):
            if column in real.columns:
                assert set(ours[column]) <= set(real[column]), column
        assert set(ours["source"].str[:2]) <= set(real["source"].str[:2])
    else:
        sibling, dropped, added = SIBLING_LAYOUT[name]
        columns = [c for c in _real(real_data, sibling).columns if c not in dropped]
        at = columns.index("obs_value") + 1
        assert list(ours.columns) == columns[:at] + added + columns[at:]
    assert set(ours["indicator"]) == {name.removesuffix("_A")}
    assert {name.removesuffix("_A")} <= _dictionary(real_data, "indicator")
    assert set(ours["source"].str[:2]) <= {s[:2] for s in _dictionary(real_data, "source")}
    for column, dictionary in (("classif1", "classif1"), ("sex", "sex"),
                               ("obs_status", "obs_status")):
        if column in ours.columns:
            assert set(ours[column]) - {""} <= _dictionary(real_data, dictionary), column
    for column in [c for c in ours.columns if c.startswith("note_")]:
        codes = {code for notes in ours[column] for code in notes.split("_") if code}
        assert codes <= _dictionary(real_data, column), column
    assert ours["time"].str.fullmatch(r"\d{4}").all()
    assert ((ours["obs_value"] == "") <= (ours.get("obs_status", "") == "U")).all()


def test_injury_sections_are_those_of_the_real_injury_extract(demo_world, real_data):
    """The real INJ_FATL_ECO_NB_A extract (a data-explorer xlsx) labels ISIC Rev.4 sections;
    the demo's Rev.4 codes are among them, and its values are whole cases."""
    _, paths = demo_world
    real = pd.read_excel(real_data / "ilostat" / "INJ_FATL_ECO_NB_A_EN.xlsx", skiprows=5,
                         engine="calamine")
    letters = {m.group(1) for c in real.columns if (m := re.match(r"^([A-Z])\. ", str(c)))}
    ours = _ilostat(paths, "INJ_FATL_ECO_NB_A")
    rev4 = ours["classif1"].str.extract(r"^ECO_ISIC4_([A-Z])$")[0].dropna()
    assert set(rev4) <= letters and "Total" in real.columns
    assert ours.loc[ours["obs_value"] != "", "obs_value"].str.fullmatch(r"\d+").all()


@pytest.mark.parametrize("name", NEW_FILES)
def test_quirks_of_the_real_files(demo_world, name):
    """One source and one ISIC revision per country-year (as in every real bulk file), series
    that change source with a break (B) in the new source's first year, unreliable values (U),
    suppressed cells (empty, U), ISIC Rev.3 and Rev.4 codes, and rows ordered by country,
    source and year (latest first; earliest first in the NOC files)."""
    _, paths = demo_world
    ours = _ilostat(paths, name)
    assert (ours.groupby(["ref_area", "time"])["source"].nunique() == 1).all()
    changed = ours.groupby("ref_area")["source"].nunique() > 1
    if name != "SDG_0882_NOC_RT_A":
        assert changed.any()
    if "obs_status" in ours.columns:
        assert {"B", "U"} <= set(ours["obs_status"]) or name == "ILR_CBCT_NOC_RT_A"
        for area in changed[changed].index:
            rows = ours[ours["ref_area"] == area]
            later = rows.groupby("source")["time"].min().max()
            assert (rows.loc[rows["time"] == later, "obs_status"].isin(["B", "U"])).all()
    if "classif1" in ours.columns and name != "SDG_0831_SEX_ECO_RT_A":
        revisions = ours["classif1"].str.extract(r"^ECO_ISIC([34])_")[0]
        assert set(revisions.dropna()) == {"3", "4"}
        assert (revisions.groupby([ours["ref_area"], ours["time"]]).nunique() <= 1).all()
    blocks = ours[["ref_area", "source", "time"]].drop_duplicates()
    time = blocks["time"].astype(int) * (1 if "NOC" in name else -1)
    order = blocks.assign(time=time).sort_values(["ref_area", "source", "time"], kind="stable")
    assert order.index.tolist() == blocks.index.tolist()


def test_informality_has_broad_sectors_and_ilo_aggregates(demo_world):
    _, paths = demo_world
    informality = _ilostat(paths, "SDG_0831_SEX_ECO_RT_A")
    assert not informality["classif1"].str.startswith("ECO_ISIC").any()
    assert {"ECO_AGNAG_AGR", "ECO_AGNAG_NAG", "ECO_AGNAG_TOTAL"} <= set(informality["classif1"])
    aggregates = informality[informality["ref_area"].str.fullmatch(r"X\d\d")]
    assert set(aggregates["source"].str[:3]) == {"XA:"} and len(aggregates) > 0
    labour_rights = _ilostat(paths, "SDG_0882_NOC_RT_A")
    assert set(labour_rights["time"].astype(int)) <= set(social.RIGHTS_YEARS["labour_rights_index"])


# --- the files agree with each other and with the latent values -------------------------------

def _sections(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of ISIC sections, with the demo's section name (agriculture, manufacturing, ...)."""
    code = df["classif1"].str.extract(r"^ECO_ISIC(?P<revision>[34])_(?P<letter>[A-Z]+)$")
    section = [SECTION_OF.get(key) for key in zip(code["revision"], code["letter"])]
    return df.assign(section=section).dropna(subset=["section"])


def _by_chain(df: pd.DataFrame) -> pd.DataFrame:
    """Section values (country, section, year) as values of each chain in the section."""
    return pd.concat([df[df["section"] == chain.section].assign(value_chain=name)
                      for name, chain in demo.VALUE_CHAINS.items()], ignore_index=True)


def _read(paths, name: str) -> pd.DataFrame:
    """A written file as plain pandas reads it (codes as text, values and years as numbers),
    keyed like the panel."""
    frame = pd.read_csv(_path(paths, name), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    return frame.assign(obs_value=pd.to_numeric(frame["obs_value"].replace("", None)),
                        time=frame["time"].astype("int64")).rename(
        columns={"ref_area": "country", "time": "year"})


def _wide_by_sex(df: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    return df.pivot_table(index=index, columns="sex", values="obs_value").reset_index()


@pytest.fixture(scope="module")
def outcomes(demo_world) -> dict[str, pd.DataFrame]:
    """Each decent-work outcome measured from the written files, per country x chain x year
    (column ``value``; hours and informality also ``female`` and ``male``)."""
    _, paths = demo_world
    result = {}
    hours = _wide_by_sex(_sections(_read(paths, "HOW_TEMP_SEX_ECO_NB_A")),
                         ["country", "section", "year"])
    result["hours_per_week"] = _by_chain(hours)
    informality = _read(paths, "SDG_0831_SEX_ECO_RT_A")
    informality = informality.assign(section=informality["classif1"].map(
        {"ECO_AGNAG_AGR": "agriculture", "ECO_AGNAG_NAG": "manufacturing"})).dropna(
        subset=["section"])
    result["informality_rate"] = _by_chain(_wide_by_sex(informality,
                                                        ["country", "section", "year"]))
    employment = _wide_by_sex(_sections(_read(paths, "EMP_TEMP_SEX_ECO_NB_A")),
                              ["country", "section", "year"])
    injuries = _sections(_read(paths, "INJ_FATL_ECO_NB_A")).merge(
        employment, on=["country", "section", "year"])
    injuries["bound"] = 0.5 * 100 / injuries["SEX_T"]  # half a case per 100,000 employed
    injuries["SEX_T"] = injuries["obs_value"] / (injuries["SEX_T"] * 1000) * 1e5
    result["fatal_injuries_per_100000"] = _by_chain(injuries)
    earnings = _read(paths, "EAR_4MTH_SEX_ECO_CUR_NB_A")
    earnings = _sections(earnings[earnings["classif2"] == "CUR_TYPE_LCU"]).drop_duplicates(
        ["country", "year", "section", "sex"])  # an overlap year repeats the values
    earnings = _wide_by_sex(earnings, ["country", "section", "year"])
    earnings["SEX_T"] = (earnings["SEX_M"] - earnings["SEX_F"]) / earnings["SEX_M"] * 100
    # earnings to 3 decimals move women's / men's by at most 0.0005 (1 + F/M) / M
    earnings["bound"] = 1.01 * 0.05 * (1 + earnings["SEX_F"] / earnings["SEX_M"]) / earnings[
        "SEX_M"]
    result["gender_pay_gap"] = _by_chain(earnings)
    women = employment.assign(SEX_T=employment["SEX_F"] / employment["SEX_T"] * 100,
                              bound=0.1 / employment["SEX_T"])  # thousands to 3 decimals
    result["section_female_employment_share"] = _by_chain(women)
    indstat = _indstat(paths)
    result["female_employment_share"] = pd.concat([
        _by_chain(women).query("value_chain == 'horticulture'"),
        indstat.assign(SEX_T=indstat["31"] / indstat["04"] * 100,
                       bound=50 / indstat["04"])])  # half a female employee
    result["wage_bill_share_of_value_added"] = indstat.assign(
        SEX_T=indstat["05"] / (indstat["20"] * indstat["lcu_per_usd"]))
    return {name: frame.rename(columns={"SEX_T": "value", "SEX_F": "female", "SEX_M": "male"})
            .dropna(subset=["value"]) for name, frame in result.items()}


def _indstat(paths) -> pd.DataFrame:
    """INDSTAT tables per country x chain x year, with the WDI exchange rate of the year."""
    raw = read_indstat2(paths["indstat"][0]).dropna(subset=["value"])
    m49 = {f"{c.m49:03d}": c.iso3 for c in demo.COUNTRIES}
    isic = {chain.isic3: name for name, chain in demo.VALUE_CHAINS.items()}
    raw = raw[raw["isic"].isin(isic)].assign(country=lambda d: d["country"].map(m49),
                                            value_chain=lambda d: d["isic"].map(isic))
    wide = raw.pivot_table(index=KEYS, columns="ctable", values="value").reset_index()
    fx = pd.read_csv(paths["wdi"][2], skiprows=4, encoding="utf-8-sig", index_col=1)
    wide["lcu_per_usd"] = [fx.loc[c, str(y)] for c, y in zip(wide["country"], wide["year"])]
    return wide


# Largest gap between a value measured from the files and its latent value, from the rounding
# of the file: absolute (hours 2 decimals, informality 3), relative (value added to whole
# dollars), or per row (column ``bound``: whole cases, whole female employees, thousands and
# earnings to 3 decimals).
MEASUREMENT = {"hours_per_week": {"atol": 0.005}, "informality_rate": {"atol": 0.0005},
               "gender_pay_gap": {}, "wage_bill_share_of_value_added": {"rtol": 1e-6},
               "female_employment_share": {}, "fatal_injuries_per_100000": {},
               "section_female_employment_share": {}}


def _truth(chain: str, outcome: str) -> dict[str, float]:
    """The true coefficients of ``outcome`` for ``chain``: DECENT_WORK_COEFFICIENTS, or for the
    section's women's share SECTION_FEMALE_SHARE (horticulture: its own section's)."""
    if outcome == "section_female_employment_share":
        return demo.SECTION_FEMALE_SHARE.get(demo.VALUE_CHAINS[chain].section, {}).get(
            chain, demo.DECENT_WORK_COEFFICIENTS[chain]["female_employment_share"])
    return demo.DECENT_WORK_COEFFICIENTS[chain][outcome]


@pytest.mark.parametrize("outcome", list(MEASUREMENT))
def test_files_carry_the_latent_decent_work_values(outcomes, demo_panel, outcome):
    merged = outcomes[outcome].merge(demo_panel[[*KEYS, outcome]].dropna(), on=KEYS)
    assert len(merged) > 1000
    assert len(merged) == len(demo_panel[outcome].dropna())  # every published value is found
    gap = (merged["value"] - merged[outcome]).abs()
    if "bound" in merged.columns:
        assert (gap <= merged["bound"] + 1e-9).all()
    else:
        tolerance = MEASUREMENT[outcome]
        np.testing.assert_allclose(merged["value"], merged[outcome], rtol=tolerance.get(
            "rtol", 0.0), atol=tolerance.get("atol", 0.0) + 1e-9)


def test_employment_by_sex_adds_up_and_matches_the_other_employment_file(demo_world):
    _, paths = demo_world
    employment = _read(paths, "EMP_TEMP_SEX_ECO_NB_A").dropna(subset=["obs_value"])
    wide = employment.pivot_table(index=["country", "year", "classif1"], columns="sex",
                                  values="obs_value").dropna()
    np.testing.assert_allclose(wide["SEX_M"] + wide["SEX_F"], wide["SEX_T"], atol=0.0011)
    total = employment[employment["sex"] == "SEX_T"].pivot_table(
        index=["country", "year"], columns="classif1", values="obs_value")
    parts = total[["ECO_SECTOR_AGR", "ECO_SECTOR_IND", "ECO_SECTOR_SER"]].dropna().sum(axis=1)
    np.testing.assert_allclose(parts, total.loc[parts.index, "ECO_SECTOR_TOTAL"], atol=0.002)
    by_age = _read(paths, "EMP_TEMP_AGE_EC2_NB_A")
    by_age = by_age[(by_age["classif1"] == "AGE_YTHADULT_YGE15")
                    & by_age["classif2"].str.endswith("_TOTAL")].drop_duplicates(
        ["country", "year"]).set_index(["country", "year"])["obs_value"]
    both = total["ECO_SECTOR_TOTAL"].dropna().index.intersection(by_age.index)
    assert len(both) > 500
    np.testing.assert_allclose(by_age[both], total.loc[both, "ECO_SECTOR_TOTAL"], atol=0.0011)


def test_a_value_is_the_same_under_every_scheme(demo_world):
    """Agriculture is ECO_AGNAG_AGR = ECO_SECTOR_AGR = ECO_AGGREGATE_AGR = ISIC section A, and
    manufacturing ECO_AGGREGATE_MAN = section D (Rev.3) or C (Rev.4), as in the real files."""
    _, paths = demo_world
    hours = _read(paths, "HOW_TEMP_SEX_ECO_NB_A").dropna(subset=["obs_value"])
    hours = hours.assign(code=hours["classif1"].str.replace(r"^ECO_ISIC[34]_", "ISIC_",
                                                            regex=True))
    wide = hours.pivot_table(index=["country", "year", "sex"], columns="code",
                             values="obs_value")
    for same in (["ECO_AGNAG_AGR", "ECO_SECTOR_AGR", "ECO_AGGREGATE_AGR", "ISIC_A"],
                 ["ECO_AGNAG_TOTAL", "ECO_SECTOR_TOTAL", "ISIC_TOTAL"]):
        rows = wide[same].dropna()
        assert len(rows) > 500 and (rows.nunique(axis=1) == 1).all(), same
    manufacturing = _sections(hours)
    manufacturing = manufacturing[manufacturing["section"] == "manufacturing"].set_index(
        ["country", "year", "sex"])["obs_value"]
    np.testing.assert_array_equal(manufacturing, wide.loc[manufacturing.index,
                                                          "ECO_AGGREGATE_MAN"])


def test_earnings_of_women_and_men_average_to_the_total(demo_world):
    """The total is the mean of men's and women's earnings weighted by the female share of the
    activity's employment (EMP_TEMP_SEX_ECO_NB_A), as an employment-weighted average is."""
    _, paths = demo_world
    earnings = _read(paths, "EAR_4MTH_SEX_ECO_CUR_NB_A")
    earnings = _sections(earnings[earnings["classif2"] == "CUR_TYPE_LCU"]).drop_duplicates(
        ["country", "year", "section", "sex"])
    employment = _sections(_read(paths, "EMP_TEMP_SEX_ECO_NB_A"))
    index = ["country", "year", "section"]
    share = _wide_by_sex(employment, index).eval("share = SEX_F / SEX_T")
    merged = _wide_by_sex(earnings, index).merge(share[[*index, "share"]], on=index).dropna()
    assert len(merged) > 1000
    mean = (1 - merged["share"]) * merged["SEX_M"] + merged["share"] * merged["SEX_F"]
    np.testing.assert_allclose(mean, merged["SEX_T"], rtol=1e-4)
    assert (merged["SEX_F"] < merged["SEX_M"]).all()


# --- the true relationships --------------------------------------------------------------------

def _estimate(data: pd.DataFrame, column: str) -> pd.DataFrame:
    """The workflow's per-chain regression of log ``column`` on log market share and log
    relative unit value, country and year effects, errors clustered by country."""
    spec = {"id": column, "outcome": column, "regressors": ["market_share",
                                                            "relative_unit_value"],
            "log": True, "fixed_effects": ["country", "year"], "cluster": ["country"]}
    return estimate_spec(data, spec)


def _cases():
    return [(outcome, column) for outcome in MEASUREMENT
            for column in (["value", "female", "male"]
                           if outcome in ("hours_per_week", "informality_rate") else ["value"])]


@pytest.mark.parametrize(("outcome", "column"), _cases())
def test_files_recover_the_decent_work_coefficients(outcomes, demo_panel, outcome, column):
    """Outcomes measured from the written files (sections, thousands, counts and rounding in
    between), regressed on the latent regressors: every true coefficient inside its 95%
    interval, for every chain with the outcome (women's and men's series included)."""
    regressors = demo_panel.loc[demo_panel["exporting"], [*KEYS, "market_share",
                                                          "relative_price"]]
    data = regressors.rename(columns={"relative_price": "relative_unit_value"}).merge(
        outcomes[outcome][[*KEYS, column]].dropna(), on=KEYS)
    estimates = _estimate(data, column)
    chains = [c for c, outs in demo.DECENT_WORK_COEFFICIENTS.items() if outcome in outs
              or outcome == "section_female_employment_share"]
    assert sorted(estimates["value_chain"].unique()) == sorted(chains)
    for row in estimates.itertuples():
        truth = _truth(row.value_chain, outcome)[row.variable]
        assert row.ci_low <= truth <= row.ci_high, (row.value_chain, row.variable,
                                                    row.estimate, row.std_error, truth)
        assert row.n_obs > 300


def test_latent_values_return_the_coefficients_exactly(demo_panel):
    """On the latent panel the least-squares slopes are the true coefficients (the noise is
    orthogonal within each chain's sample, jointly for a section shared by three chains)."""
    checked = 0
    for chain, outcomes_of_chain in demo.DECENT_WORK_COEFFICIENTS.items():
        rows = demo_panel[(demo_panel["value_chain"] == chain) & demo_panel["exporting"]]
        rows = rows.rename(columns={"relative_price": "relative_unit_value"})
        for outcome in [*outcomes_of_chain, "section_female_employment_share"]:
            truth = _truth(chain, outcome)
            for column in [c for c in (outcome, f"{outcome}_female", f"{outcome}_male")
                           if c in rows.columns]:
                estimates = _estimate(rows[[*KEYS, "market_share", "relative_unit_value",
                                            column]].dropna(), column).set_index("variable")
                for regressor, value in truth.items():
                    assert estimates.loc[regressor, "estimate"] == pytest.approx(
                        value, abs=1e-9), (chain, column, regressor)
                    checked += 1
    assert checked == 2 * (6 * 4 + 3 + 2 * 2 * 4)  # outcomes x chains, by-sex columns


def test_a_shared_section_cannot_be_given_one_chains_coefficient(monkeypatch):
    """Apparel, mobile phones and automotive share manufacturing: a non-zero coefficient of one
    of them on a section-level outcome is refused, since its regression could not recover it."""
    monkeypatch.setitem(demo.DECENT_WORK_COEFFICIENTS["apparel"], "hours_per_week",
                        {"market_share": 0.2, "relative_unit_value": 0.0})
    with pytest.raises(ValueError, match=r"hours_per_week: a series shared by \['apparel', "
                                         r"'mobile_phones', 'automotive'\]"):
        simulate(7, 10, (2000, 2010))


def test_rights_follow_their_income_groups_trends(demo_world, demo_panel):
    """Union density, bargaining coverage and SDG 8.8.2 read from the files: a regression of
    the log value on country effects and one trend per group of income groups returns the trends
    of RIGHTS_TRENDS within their 95% intervals; the files hold the latent values, and a right is
    the same for every chain of a country."""
    _, paths = demo_world
    group_of = {c.iso3: demo.RIGHTS_GROUPS[c.income] for c in demo.COUNTRIES}
    files = {"union_density": "ILR_TUMT_NOC_RT_A", "bargaining_coverage": "ILR_CBCT_NOC_RT_A",
             "labour_rights_index": "SDG_0882_NOC_RT_A"}
    for right, name in files.items():
        rows = _ilostat(paths, name).rename(columns={"ref_area": "country", "time": "year"})
        rows = rows.assign(year=rows["year"].astype(int), value=rows["obs_value"].astype(float))
        latent = demo_panel[["country", "year", right]].dropna().drop_duplicates()
        assert latent.groupby(["country", "year"]).size().max() == 1  # one value per country
        merged = rows.merge(latent, on=["country", "year"])
        assert len(merged) == len(latent) > 0.9 * len(rows)  # the panel: exporters' years
        np.testing.assert_allclose(merged["value"], merged[right], atol=0.005 + 1e-9)
        groups = rows["country"].map(group_of)
        trends = {f"trend_{k}": np.where(groups == g, rows["year"] - 2010, 0.0)
                  for k, g in enumerate(demo.RIGHTS_TRENDS[right])}
        data = rows.assign(value_chain="all", log_value=np.log(rows["value"]), **trends)
        present = [t for t in trends if data[t].abs().sum() > 0]
        spec = {"id": right, "outcome": "log_value", "regressors": present, "log": False,
                "fixed_effects": ["country"], "cluster": ["country"], "by_value_chain": False}
        estimates = estimate_spec(data, spec).set_index("variable")
        for k, (group, truth) in enumerate(demo.RIGHTS_TRENDS[right].items()):
            if f"trend_{k}" in estimates.index:
                row = estimates.loc[f"trend_{k}"]
                assert row["ci_low"] <= truth <= row["ci_high"], (right, group, row["estimate"])
        assert len(present) == 3


# --- registry and config -------------------------------------------------------------------------

def test_every_dimension_file_is_a_registered_demo_file_of_its_indicator(demo_world):
    """Each dimension of config/dimensions.yaml that reads a raw ILOSTAT file names a `datasets`
    key of config/config.yaml whose registry entry is a generated demo file of that indicator,
    and the file's rows carry that indicator (TiVA dimensions: tests/demo/test_demo_tiva.py)."""
    _, paths = demo_world
    dimensions = yaml.safe_load((REPO / "config" / "dimensions.yaml").read_text())
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    registry = yaml.safe_load((REPO / "config" / "datasets.yaml").read_text())
    read = {d["source"]["dataset"]: d["source"]["indicator"] for d in dimensions.values()
            if d["source"].get("format") == "ilostat_bulk_csv"}
    assert len(read) == 8
    assert set(read) <= set(config["datasets"])
    for key, indicator in read.items():
        entry = registry[config["datasets"][key]]
        assert (entry["generator"], entry["format"], entry["files"]) == (
            "demo", "ilostat_bulk_csv", [f"{indicator}.csv.gz"]), key
        assert set(_ilostat(paths, indicator)["indicator"]) == {indicator.removesuffix("_A")}
    assert registry[config["datasets"]["ilostat_employment_by_sex"]]["files"] == [
        "EMP_TEMP_SEX_ECO_NB_A.csv.gz"]
