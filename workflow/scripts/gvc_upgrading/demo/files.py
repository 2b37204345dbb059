"""Small writers shared by the demo's file modules: atomic bytes, CSV fields, numbers, labour rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..io import atomic_path
from .world import VALUE_CHAINS, DemoWorld


def write_bytes(data: bytes, path: Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def quote_field(text: str) -> str:
    """CSV field: quoted only when it holds a comma or a quote (as BACI's code lists)."""
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def trim_number(x: float) -> str:
    """A number with at most 3 decimals and no trailing zeros (``20``, ``231.24``)."""
    return f"{x:.3f}".rstrip("0").rstrip(".")


def labour_rows(world: DemoWorld, source: str) -> pd.DataFrame:
    """Labour rows of the chains that take labour from ``source``, with ISO3 and M49 codes."""
    chains = [k for k, v in VALUE_CHAINS.items() if v.labour_source == source]
    rows = world.labour[world.labour["value_chain"].isin(chains)].reset_index(drop=True)
    index = rows["country_index"].to_numpy()
    return rows.assign(
        iso3=np.array([c.iso3 for c in world.countries])[index],
        m49=np.array([f"{c.m49:03d}" for c in world.countries])[index],
        isic=rows["value_chain"].map({k: v.isic3 for k, v in VALUE_CHAINS.items()}),
    )
