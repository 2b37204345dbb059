"""The vocabulary of upgrading verdicts, shared by every classification rule.

A change moves **up**, **down** or stays **flat** (inside the tolerance band); a side or group
of dimensions is **upgrading**, **downgrading** or **mixed**, or has **insufficient data**. The
words here are what the classification table, the tables and the figures show.
"""

from __future__ import annotations

import numpy as np

from ..dimensions import Dimension

UPGRADING = "upgrading"
DOWNGRADING = "downgrading"
MIXED = "mixed"
INSUFFICIENT = "insufficient data"
#: Classes of every rule, in display order.
CLASSES = (UPGRADING, MIXED, DOWNGRADING, INSUFFICIENT)
#: Classes that always get a row (possibly a zero count) in a cross-tab.
MAIN_CLASSES = (UPGRADING, MIXED, DOWNGRADING)

#: Direction of one change relative to the tolerance band, and its word in the detail text.
UP, FLAT, DOWN = 1.0, 0.0, -1.0
DIRECTION_WORDS = {UP: "up", FLAT: "flat", DOWN: "down"}
MISSING_WORD = "n/a"


def check_tolerance(tolerance: float) -> float:
    """Validate the half-width of the "no change" band."""
    tolerance = float(tolerance)
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance}")
    return tolerance


def directions(changes: np.ndarray, tolerance: float) -> np.ndarray:
    """UP above the band, DOWN below it, FLAT inside it (inclusive), NaN where missing."""
    moved = np.select([changes > tolerance, changes < -tolerance], [UP, DOWN], default=FLAT)
    return np.where(np.isnan(changes), np.nan, moved)


def short_name(dimension: Dimension) -> str:
    """The name of a dimension in detail texts and table headings: its id in words
    ("market share", "real wage", "hours worked")."""
    return dimension.id.replace("_", " ")
