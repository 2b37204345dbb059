"""The demo's ILOSTAT bulk CSVs: employment and earnings by economic activity."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .files import labour_rows, trim_number, write_bytes
from .world import ABSENT, OBSERVED, DemoWorld


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


def _isic_revisions(meta: IlostatCountry, year: int) -> list[str]:
    """ISIC revisions under which ``year`` is published (two in an overlap year)."""
    if year < meta.switch_year:
        return ["ISIC3"]
    if year == meta.switch_year and meta.overlap:
        return ["ISIC3", "ISIC4"]
    return ["ISIC4"]


def _write_ilostat(records: list[dict], indicator: str, columns: list[str], path: Path) -> None:
    """A bulk CSV as ILOSTAT ships it: UTF-8 with BOM, unquoted, LF line ends, gzip.

    ``records`` hold the classification columns, ``time``, ``obs_value`` and ``obs_status``;
    rows are ordered by country and then by year, latest first.
    """
    table = pd.DataFrame(records).sort_values(["ref_area", "time"], ascending=[True, False],
                                              kind="stable")
    table = table.assign(indicator=indicator, time=table["time"].astype(str), note_classif="",
                         note_indicator="", note_source="R1:3513")
    lines = [",".join(columns), *(",".join(row) for row in table[columns].itertuples(
        index=False, name=None))]
    text = "\ufeff" + "\n".join(lines) + "\n"
    write_bytes(gzip.compress(text.encode("utf-8"), mtime=0), path)


def write_ilostat_employment(world: DemoWorld, meta: dict[str, IlostatCountry],
                              path: Path) -> None:
    """EMP_TEMP_AGE_EC2_NB_A: employment (thousands) in A01 and in total, ages 15+ and 15-24.

    A value reported as missing has an empty ``obs_value`` and ``obs_status`` U.
    """
    rng = world.streams["ilostat"]
    rows = labour_rows(world, "ilostat")
    rows = rows[rows["employment_status"] != ABSENT].reset_index(drop=True)
    n = len(world.countries)
    total = np.exp(rng.normal(np.log(8000.0), 1.0, n)[:, None] + 0.015 * np.arange(
        len(world.years))[None, :])  # employment in all activities, thousands
    youth_share = rng.uniform(0.15, 0.3, n)
    records = []
    for row in rows.itertuples(index=False):
        observed = row.employment_status == OBSERVED
        a01 = row.employment_persons / 1000.0
        all_activities = total[row.country_index, row.year - world.years[0]]
        if observed:
            all_activities = max(all_activities, 1.5 * a01)
        for rev in _isic_revisions(meta[row.iso3], row.year):
            for age, factor in (("YGE15", 1.0), ("Y15-24", youth_share[row.country_index])):
                common = {"ref_area": row.iso3, "source": meta[row.iso3].source,
                          "classif1": f"AGE_YTHADULT_{age}", "time": row.year}
                records.append({**common, "classif2": f"EC2_{rev}_TOTAL",
                                "obs_value": trim_number(all_activities * factor), "obs_status": ""})
                records.append({**common, "classif2": f"EC2_{rev}_A01",
                                "obs_value": trim_number(a01 * factor) if observed else "",
                                "obs_status": "" if observed else "U"})
    columns = ["ref_area", "indicator", "source", "classif1", "classif2", "time", "obs_value",
               "obs_status", "note_classif", "note_indicator", "note_source"]
    _write_ilostat(records, "EMP_TEMP_AGE_EC2_NB", columns, path)


def write_ilostat_earnings(world: DemoWorld, meta: dict[str, IlostatCountry],
                            path: Path) -> None:
    """EAR_4MTH_SEX_ECO_CUR_NB_A: mean nominal monthly earnings, section A and total.

    Written by sex (T, M, F) and currency (local currency and US dollars); the horticulture
    value is ``SEX_T``, ``ECO_ISIC?_A``, ``CUR_TYPE_LCU`` = nominal annual wage / 12.
    """
    rng = world.streams["ilostat"]
    rows = labour_rows(world, "ilostat")
    rows = rows[rows["wage_status"] != ABSENT].reset_index(drop=True)
    total_ratio = rng.uniform(1.4, 2.5, len(world.countries))
    sexes = (("SEX_T", 1.0), ("SEX_M", 1.08), ("SEX_F", 0.86))
    records = []
    for row in rows.itertuples(index=False):
        observed = row.wage_status == OBSERVED
        monthly = row.nominal_wage_per_employee_lcu / 12.0
        # all-activity earnings: from the section-A wage, or a stand-in when that is missing
        reference = monthly if observed else 400.0 * row.lcu_per_usd
        total = reference * total_ratio[row.country_index]
        for rev in _isic_revisions(meta[row.iso3], row.year):
            for sex, factor in sexes:
                for currency, rate in (("LCU", 1.0), ("USD", row.lcu_per_usd)):
                    common = {"ref_area": row.iso3, "source": meta[row.iso3].source, "sex": sex,
                              "classif2": f"CUR_TYPE_{currency}", "time": row.year}
                    records.append({**common, "classif1": f"ECO_{rev}_TOTAL",
                                    "obs_value": trim_number(total * factor / rate), "obs_status": ""})
                    records.append({**common, "classif1": f"ECO_{rev}_A",
                                    "obs_value": trim_number(monthly * factor / rate) if observed else "",
                                    "obs_status": "" if observed else "U"})
    columns = ["ref_area", "indicator", "source", "sex", "classif1", "classif2", "time",
               "obs_value", "obs_status", "note_classif", "note_indicator", "note_source"]
    _write_ilostat(records, "EAR_4MTH_SEX_ECO_CUR_NB", columns, path)
