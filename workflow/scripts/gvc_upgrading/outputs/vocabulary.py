"""What the outputs call things, shared by the figures and the profile page without drawing
anything: the social groups, the letters and tints of the verdicts, the unit of a change, the
order of the periods, and how to read the registry and the lists of dimensions of the
classification table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Social groups of the framework (Barrientos, Gereffi & Rossi 2011), in display order.
GROUP_TITLES = {"measurable_standard": "Measurable\nstandards",
                "enabling_right": "Enabling\nrights"}
#: Letter printed for each class of a verdict.
VERDICT_MARKS = {"upgrading": "U", "mixed": "M", "downgrading": "D", "insufficient data": "–"}
#: Light tints of the better/worse palette for verdict cells.
VERDICT_COLOURS = {"upgrading": "#B3D3EA", "mixed": "#DDDDDD", "downgrading": "#F3C1A3",
                   "insufficient data": "#FFFFFF"}
#: Unit of a change column by the classification's ``change_measure``.
CHANGE_UNITS = {"log": "log points", "percent": "%", "annualised_log": "log points a year"}


def registry_field(dimension, name: str, default=None):
    """A field of a dimension of the registry: a :class:`gvc_upgrading.dimensions.Dimension`
    or a plain dict of its keys (as rule params pass it)."""
    if isinstance(dimension, Mapping):
        return dimension.get(name, default)
    return getattr(dimension, name, default)


def better_sign(dimension) -> int:
    """+1 when a rise of the dimension is better, -1 when a fall is."""
    return 1 if registry_field(dimension, "better", "higher") == "higher" else -1


def listed_ids(value) -> list[str]:
    """Dimension ids of a cell of ``social_dimensions_used`` / ``_missing``: a list or array,
    or a string separated by commas, semicolons or spaces; none for a missing cell."""
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        return [str(v) for v in value if isinstance(v, str) and v]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [part for part in re.split(r"[,;\s]+", str(value)) if part]


def ordered_periods(classification: pd.DataFrame) -> list[str]:
    """Period labels in chronological order (by start year when available)."""
    if "start_year" in classification.columns:
        ordered = classification.sort_values("start_year", kind="stable")
        return list(pd.unique(ordered["period"]))
    return list(pd.unique(classification["period"]))


def change_unit(classification: pd.DataFrame) -> str:
    """Unit of the table's change columns (from ``change_measure``; log points by default)."""
    if "change_measure" in classification.columns and len(classification):
        return CHANGE_UNITS.get(str(classification["change_measure"].iloc[0]), "log points")
    return "log points"
