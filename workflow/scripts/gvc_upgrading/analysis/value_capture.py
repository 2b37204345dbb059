"""The economic side of the ``value_capture`` classification rule (OECD TiVA).

Functional upgrading, in the sense of Humphrey & Schmitz (2002), is judged on the value a
country keeps from the exports of the chain's TiVA industry: the domestic value added in them
(constant US dollars, registry dimension ``domestic_value_added``) and its share of gross
exports (``domestic_value_added_share``). :func:`value_kept` turns the directions of the two
changes into a class, :data:`READINGS` names the two mixed cells in the detail text.
"""

from __future__ import annotations

import numpy as np

from .verdicts import DOWN, DOWNGRADING, INSUFFICIENT, MIXED, UP, UPGRADING

#: The rule's economic dimensions (registry ids): the value kept, then its share.
ECONOMIC = ("domestic_value_added", "domestic_value_added_share")
#: Readings of the mixed cells, appended to the economic detail.
READINGS = {
    (UP, DOWN): "more value kept on a thinner share: exports grow on imported inputs",
    (DOWN, UP): "a larger share of a shrinking value",
}


def value_kept(moves: np.ndarray) -> np.ndarray:
    """Classes of (value kept, its share) directions: upgrading when the value rises and its
    share does not fall, downgrading when it falls and its share does not rise, otherwise
    mixed; a missing direction gives "insufficient data"."""
    missing = np.isnan(moves).any(axis=1)
    level, share = moves[:, 0], moves[:, 1]
    up = (level == UP) & (share != DOWN)
    down = (level == DOWN) & (share != UP)
    return np.select([missing, up, down], [INSUFFICIENT, UPGRADING, DOWNGRADING], default=MIXED)
