"""The demo's headless UNIDO INDSTAT2 file (``...`` for missing values)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .files import labour_rows, write_bytes
from .world import ABSENT, LAST_UPDATED, OBSERVED, DemoWorld


def write_indstat(world: DemoWorld, path: Path) -> None:
    """Headerless INDSTAT2 records: table 04 employees (#) and 05 wages and salaries (LCU).

    ``utable`` (table definition) is ``01`` for employees and ``02`` for wages and salaries;
    a value the source reports as missing is written ``...``. A few records of division 15
    (food products) are included, which no value chain uses.
    """
    rng = world.streams["indstat"]
    rows = labour_rows(world, "indstat")
    rows = rows[(rows["employment_status"] != ABSENT) | (rows["wage_status"] != ABSENT)]
    employees = rows["employment_persons"].to_numpy()
    wage_bill = np.round(rows["nominal_wage_per_employee_lcu"].to_numpy() * employees)
    records = pd.DataFrame({
        "ctable": np.repeat(["04", "05"], len(rows)),
        "country": np.tile(rows["m49"].to_numpy(), 2),
        "year": np.tile(rows["year"].to_numpy(), 2),
        "isic": np.tile(rows["isic"].to_numpy(), 2),
        "value": np.concatenate([employees, wage_bill]),
        "status": np.concatenate([rows["employment_status"], rows["wage_status"]]),
    })
    records = records[records["status"] != ABSENT]
    food = _indstat_food_records(world, rng)
    records = pd.concat([records, food], ignore_index=True).sort_values(
        ["ctable", "country", "year", "isic"], kind="stable")
    source = {f"{c.m49:03d}": str(s) for c, s in zip(world.countries,
                                                     rng.integers(1, 6, len(world.countries)))}
    utable = {"04": "01", "05": "02"}
    unit = {"04": "#", "05": "LCU"}
    lines = [
        f"{ct},{cn},{yr},{isic},{isic},{'...' if st != OBSERVED else f'{val:.0f}'},"
        f"{utable[ct]},{source[cn]},{LAST_UPDATED['indstat']},{unit[ct]}"
        for ct, cn, yr, isic, val, st in zip(
            records["ctable"], records["country"], records["year"].tolist(), records["isic"],
            records["value"].tolist(), records["status"].tolist())
    ]
    write_bytes(("\n".join(lines) + "\n").encode("utf-8"), path)


def _indstat_food_records(world: DemoWorld, rng: np.random.Generator) -> pd.DataFrame:
    """Employees and wage bills of ISIC division 15 for a few countries (to be ignored)."""
    picked = rng.choice(len(world.countries), min(5, len(world.countries)), replace=False)
    frames = []
    for c in np.sort(picked):
        employees = np.round(np.exp(rng.normal(np.log(2e5), 0.05, len(world.years))))
        wage = employees * world.countries[c].lcu_per_usd * 3000.0
        for ctable, value in (("04", employees), ("05", np.round(wage))):
            frames.append(pd.DataFrame({
                "ctable": ctable, "country": f"{world.countries[c].m49:03d}",
                "year": world.years, "isic": "15", "value": value, "status": OBSERVED,
            }))
    return pd.concat(frames, ignore_index=True)
