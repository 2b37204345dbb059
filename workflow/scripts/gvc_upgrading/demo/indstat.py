"""The demo's headless UNIDO INDSTAT2 file (``...`` for missing values)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .files import labour_rows, write_bytes
from .world import ABSENT, LAST_UPDATED, OBSERVED, DemoWorld

#: Table (ctable) -> unit. Counts are ``#``; money is national currency (``LCU``) for wages and
#: US dollars (``$``, as UNIDO publishes it) for value added, in the same file.
UNITS = {"04": "#", "05": "LCU", "20": "$", "31": "#"}
#: Table -> table definition (utable), as in UNIDO's labelled exports: 04 number of employees,
#: 05 wages and salaries paid to employees, 31 number of female employees; value added (20) is
#: 17-20 by valuation (basic prices, factor values, producers' prices, not defined), per country.
UTABLES = {"04": "04", "05": "05", "31": "31"}
VALUE_ADDED_UTABLES = ("17", "18", "19", "20")


def write_indstat(world: DemoWorld, path: Path) -> None:
    """Headerless INDSTAT2 records of the INDSTAT chains' ISIC divisions: employees (table 04),
    wages and salaries (05, national currency), value added (20, US dollars at the year's
    exchange rate) and female employees (31).

    A value the source reports as missing is written ``...``. A few records of division 15
    (food products) are included, which no value chain uses.
    """
    rng = world.streams["indstat"]
    rows = labour_rows(world, "indstat")
    rows = rows[(rows["employment_status"] != ABSENT) | (rows["wage_status"] != ABSENT)]
    employees = rows["employment_persons"].to_numpy()
    wage_bill = np.round(rows["nominal_wage_per_employee_lcu"].to_numpy() * employees)
    extra = _value_added_and_women(world, rows)
    records = pd.DataFrame({
        "ctable": np.repeat(["04", "05", "20", "31"], len(rows)),
        "country": np.tile(rows["m49"].to_numpy(), 4),
        "year": np.tile(rows["year"].to_numpy(), 4),
        "isic": np.tile(rows["isic"].to_numpy(), 4),
        "value": np.concatenate([employees, wage_bill, extra["value_added_usd"],
                                 extra["female_employees"]]),
        "status": np.concatenate([rows["employment_status"], rows["wage_status"],
                                  extra["value_added_status"], extra["female_status"]]),
    })
    records = records[records["status"] != ABSENT]
    food = _indstat_food_records(world, rng)
    records = pd.concat([records, food], ignore_index=True).sort_values(
        ["ctable", "country", "year", "isic"], kind="stable")
    countries = [f"{c.m49:03d}" for c in world.countries]
    source = dict(zip(countries, map(str, rng.integers(1, 6, len(countries)))))
    valuation = dict(zip(countries, rng.choice(VALUE_ADDED_UTABLES, len(countries))))
    lines = [
        f"{ct},{cn},{yr},{isic},{isic},{'...' if st != OBSERVED else f'{val:.0f}'},"
        f"{UTABLES.get(ct, valuation[cn])},{source[cn]},{LAST_UPDATED['indstat']},{UNITS[ct]}"
        for ct, cn, yr, isic, val, st in zip(
            records["ctable"], records["country"], records["year"].tolist(), records["isic"],
            records["value"].tolist(), records["status"].tolist())
    ]
    write_bytes(("\n".join(lines) + "\n").encode("utf-8"), path)


def _value_added_and_women(world: DemoWorld, rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """Value added in US dollars (latent national-currency value over the year's LCU per USD)
    and female employees (employees x women's share), with their status, for ``rows``."""
    t = len(world.years)
    cells = rows["country_index"].to_numpy() * t + (rows["year"].to_numpy() - world.years[0])
    out = {name: np.full(len(rows), np.nan) for name in ("value_added_usd", "female_employees")}
    out.update({name: np.full(len(rows), ABSENT) for name in ("value_added_status",
                                                               "female_status")})
    chains = rows["value_chain"].to_numpy()
    for chain, latent in world.social.chains.items():
        mine = chains == chain
        where = cells[mine]
        out["value_added_usd"][mine] = (latent["value_added_lcu"].ravel()[where]
                                        / rows["lcu_per_usd"].to_numpy()[mine])
        out["female_employees"][mine] = np.round(rows["employment_persons"].to_numpy()[mine]
                                                 * latent["female_share"].ravel()[where] / 100)
        out["value_added_status"][mine] = latent["value_added_status"].ravel()[where]
        out["female_status"][mine] = latent["female_status"].ravel()[where]
    return out


def _indstat_food_records(world: DemoWorld, rng: np.random.Generator) -> pd.DataFrame:
    """Employees, wage bills, value added and female employees of ISIC division 15 for a few
    countries (to be ignored)."""
    picked = rng.choice(len(world.countries), min(5, len(world.countries)), replace=False)
    frames = []
    for c in np.sort(picked):
        country = world.countries[c]
        employees = np.round(np.exp(rng.normal(np.log(2e5), 0.05, len(world.years))))
        wage = employees * country.lcu_per_usd * 3000.0
        for ctable, value in (("04", employees), ("05", np.round(wage)),
                              ("20", np.round(wage * 2.5 / country.lcu_per_usd)),
                              ("31", np.round(employees * 0.4))):
            frames.append(pd.DataFrame({
                "ctable": ctable, "country": f"{country.m49:03d}",
                "year": world.years, "isic": "15", "value": value, "status": OBSERVED,
            }))
    return pd.concat(frames, ignore_index=True)
