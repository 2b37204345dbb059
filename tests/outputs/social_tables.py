"""Hand-built classification and indicator tables with every social dimension of the registry,
missing values and dimensions where lower is better, for the tests of the decent-work figure,
the quadrants and the profile page."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import REPO
from gvc_upgrading.dimensions import Dimension, read_registry

PERIODS = (("1995-2008", 1995, 2008), ("2008-2022", 2008, 2022))
CLASSES = ("upgrading", "mixed", "downgrading", "insufficient data")


def registry() -> dict[str, Dimension]:
    """Every dimension of config/dimensions.yaml (economic and social)."""
    entries = read_registry(REPO / "config" / "dimensions.yaml")
    return {name: Dimension(id=name, **entry) for name, entry in entries.items()}


def social(dimensions: dict[str, Dimension]) -> dict[str, Dimension]:
    return {k: d for k, d in dimensions.items() if d.side == "social"}


def classification_table(dimensions: dict[str, Dimension], n_countries: int = 12,
                         chains=("apparel", "automotive"), seed: int = 0) -> pd.DataFrame:
    """One row per country x chain x period with a change for every dimension (about a fifth
    missing), the verdict columns of the decent-work rule and its lists of dimensions."""
    rng = np.random.default_rng(seed)
    rows = []
    for chain in chains:
        for i in range(n_countries):
            for period, start, end in PERIODS:
                row = {"country": f"C{i:02d}", "value_chain": chain, "period": period,
                       "start_year": start, "end_year": end, "change_measure": "log",
                       "rule": "decent_work"}
                for name in dimensions:
                    value = rng.normal(0, 0.3)
                    row[f"{name}_change"] = np.nan if rng.random() < 0.2 else value
                social_ids = [k for k, d in dimensions.items() if d.side == "social"]
                used = [k for k in social_ids if not np.isnan(row[f"{k}_change"])]
                row["social_dimensions_used"] = ", ".join(used)
                row["social_dimensions_missing"] = ", ".join(
                    k for k in social_ids if k not in used)
                for column in ("economic_class", "standards_class", "rights_class",
                               "social_class"):
                    row[column] = CLASSES[rng.integers(len(CLASSES))]
                row["economic_detail"] = "market share up, unit value down"
                row["social_detail"] = "employment up, real wage n/a"
                rows.append(row)
    return pd.DataFrame(rows)


def indicator_table(dimensions: dict[str, Dimension], classification: pd.DataFrame,
                    seed: int = 1) -> pd.DataFrame:
    """Yearly values of every dimension's columns (women's and men's too) for the country x
    chain pairs of ``classification``; some years missing, and country C01 without any value
    of the first by-sex dimension."""
    rng = np.random.default_rng(seed)
    pairs = classification[["country", "value_chain"]].drop_duplicates()
    frame = pd.DataFrame([(c, g, y) for c, g in pairs.itertuples(index=False)
                          for y in range(1995, 2023)], columns=["country", "value_chain", "year"])
    for dim in dimensions.values():
        for column in dim.columns:
            values = rng.uniform(1, 100, len(frame))
            values[rng.random(len(frame)) < 0.1] = np.nan
            frame[column] = values
    first_by_sex = next(d for d in dimensions.values() if d.by_sex)
    frame.loc[frame["country"] == "C01", first_by_sex.columns] = np.nan
    return frame
