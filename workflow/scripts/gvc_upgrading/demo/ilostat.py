"""The demo's ILOSTAT bulk CSVs of the labour data: employment by age and
ISIC division, and mean monthly earnings by sex and economic activity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .files import labour_rows, trim_number
from .ilostat_bulk import write_bulk
from .world import ABSENT, OBSERVED, VALUE_CHAINS, DemoWorld


@dataclass(frozen=True)
class IlostatCountry:
    """Per-country presentation details of the ILOSTAT files."""

    source: str  # survey id, e.g. BA:1234
    switch_year: int  # first year coded in ISIC Rev.4
    overlap: bool  # the switch year is written in both revisions


def ilostat_countries(world: DemoWorld) -> dict[str, IlostatCountry]:
    rng = world.streams["ilostat"]
    n = len(world.countries)
    ids = rng.choice(np.arange(100, 10000), n, replace=False)
    switch = rng.integers(2000, 2013, n)
    overlap = rng.random(n) < 0.4
    return {c.iso3: IlostatCountry(f"BA:{ids[k]}", int(switch[k]), bool(overlap[k]))
            for k, c in enumerate(world.countries)}


NOTES = {"note_classif": "", "note_indicator": "", "note_source": "R1:3513"}


def _isic_revisions(meta: IlostatCountry, year: int) -> list[str]:
    """ISIC revisions under which ``year`` is published (two in an overlap year)."""
    if year < meta.switch_year:
        return ["ISIC3"]
    if year == meta.switch_year and meta.overlap:
        return ["ISIC3", "ISIC4"]
    return ["ISIC4"]


def write_ilostat_employment(world: DemoWorld, meta: dict[str, IlostatCountry],
                              path: Path) -> None:
    """EMP_TEMP_AGE_EC2_NB_A: employment (thousands) in A01 and in total, ages 15+ and 15-24,
    and in the manufacturing divisions of the other chains (whose labour data the default run
    takes from INDSTAT: the same latent employment, so that a run on open data only,
    config/open_data.yaml, has every chain's employment from ILOSTAT).

    A value reported as missing has an empty ``obs_value`` and ``obs_status`` U.
    """
    rng = world.streams["ilostat"]
    rows = labour_rows(world, "ilostat")
    rows = rows[rows["employment_status"] != ABSENT].reset_index(drop=True)
    n = len(world.countries)
    total = world.social.employment["TOTAL"]  # all activities, thousands (as EMP_TEMP_SEX_ECO)
    youth_share = rng.uniform(0.15, 0.3, n)
    records = []
    for row in rows.itertuples(index=False):
        observed = row.employment_status == OBSERVED
        a01 = row.employment_persons / 1000.0
        all_activities = total[row.country_index, row.year - world.years[0]]
        for rev in _isic_revisions(meta[row.iso3], row.year):
            for age, factor in (("YGE15", 1.0), ("Y15-24", youth_share[row.country_index])):
                common = {"ref_area": row.iso3, "source": meta[row.iso3].source,
                          "classif1": f"AGE_YTHADULT_{age}", "time": row.year}
                records.append({**common, "classif2": f"EC2_{rev}_TOTAL",
                                "obs_value": trim_number(all_activities * factor), "obs_status": ""})
                records.append({**common, "classif2": f"EC2_{rev}_A01",
                                "obs_value": trim_number(a01 * factor) if observed else "",
                                "obs_status": "" if observed else "U"})
    for row in labour_rows(world, "indstat").itertuples(index=False):
        if row.employment_status != OBSERVED:
            continue
        chain = VALUE_CHAINS[row.value_chain]
        for rev in _isic_revisions(meta[row.iso3], row.year):
            division = f"D{chain.isic3}" if rev == "ISIC3" else f"C{chain.isic4}"
            for age, factor in (("YGE15", 1.0), ("Y15-24", youth_share[row.country_index])):
                records.append({"ref_area": row.iso3, "source": meta[row.iso3].source,
                                "classif1": f"AGE_YTHADULT_{age}", "time": row.year,
                                "classif2": f"EC2_{rev}_{division}", "obs_status": "",
                                "obs_value": trim_number(row.employment_persons / 1000 * factor)})
    columns = ["ref_area", "indicator", "source", "classif1", "classif2", "time", "obs_value",
               "obs_status", "note_classif", "note_indicator", "note_source"]
    write_bulk([{**r, **NOTES} for r in records], "EMP_TEMP_AGE_EC2_NB", columns, path)


def write_ilostat_earnings(world: DemoWorld, meta: dict[str, IlostatCountry],
                            path: Path) -> None:
    """EAR_4MTH_SEX_ECO_CUR_NB_A: mean nominal monthly earnings, total, section A and
    manufacturing (section D in Rev.3, C in Rev.4), by sex and in local currency and US dollars.

    The horticulture value is ``SEX_T``, ``ECO_ISIC?_A``, ``CUR_TYPE_LCU`` = nominal annual
    wage / 12. Men's and women's earnings follow from the total, the gender pay gap G (per cent)
    and the activity's female employment share f (per cent) of the demo's model: men's =
    total / (1 - f G / 10^4), women's = men's x (1 - G / 100), so that the total is their
    employment-weighted mean and (men's - women's) / men's = G.
    """
    rows = labour_rows(world, "ilostat")
    rows = rows[rows["wage_status"] != ABSENT].reset_index(drop=True)
    social = world.social
    manufacturing = social.published["earnings", "MAN"]
    records = []
    for row in rows.itertuples(index=False):
        c, y = row.country_index, row.year - world.years[0]
        shown = {"TOTAL": True, "AGR": row.wage_status == OBSERVED,
                 "MAN": bool(manufacturing.observed[c, y])}
        for rev in _isic_revisions(meta[row.iso3], row.year):
            codes = {"TOTAL": "TOTAL", "AGR": "A", "MAN": "C" if rev == "ISIC4" else "D"}
            for sex in ("SEX_T", "SEX_M", "SEX_F"):
                for currency, rate in (("LCU", 1.0), ("USD", row.lcu_per_usd)):
                    common = {"ref_area": row.iso3, "source": meta[row.iso3].source, "sex": sex,
                              "classif2": f"CUR_TYPE_{currency}", "time": row.year}
                    for activity, code in codes.items():
                        value = _earnings(social, activity, sex, c, y) / rate
                        records.append({**common, "classif1": f"ECO_{rev}_{code}",
                                        "obs_value": trim_number(value) if shown[activity]
                                        else "", "obs_status": "" if shown[activity] else "U",
                                        **NOTES})
    columns = ["ref_area", "indicator", "source", "sex", "classif1", "classif2", "time",
               "obs_value", "obs_status", "note_classif", "note_indicator", "note_source"]
    write_bulk(records, "EAR_4MTH_SEX_ECO_CUR_NB", columns, path)


def _earnings(social, activity: str, sex: str, c: int, y: int) -> float:
    """Monthly earnings of one sex in one activity, country and year (national currency)."""
    total = social.earnings[activity][c, y]
    if sex == "SEX_T":
        return total
    gap = social.pay_gap[activity][c, y] / 100
    men = total / (1.0 - social.female_share[activity][c, y] / 100 * gap)
    return men if sex == "SEX_M" else men * (1.0 - gap)
