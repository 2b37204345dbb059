"""The social side of the ``decent_work`` rule: social upgrading as better work.

Barrientos, Gereffi & Rossi (2011) define social upgrading as the improvement of workers'
rights and entitlements and of the quality of their employment, and tell **measurable
standards** (employment, wages, hours, informality, health and safety) from **enabling rights**
(freedom of association, collective bargaining, non-discrimination, voice). The ``decent_work``
rule judges the social side on the social dimensions of the registry in use (or those named in
:attr:`DecentWork.dimensions`), each by the direction its registry entry calls better: a fall in
hours, informality, fatal injuries, the gender pay gap or the SDG 8.8.2 index (0 best) is an
improvement.

Per dimension the *direction-signed change* is s = sign x change, with sign +1 when higher is
better and -1 when lower is better; s above the tolerance is **better**, below minus the
tolerance **worse**, otherwise **flat**; a dimension without a change (no data at one end, or
no column) counts as **no data**. Three verdicts are drawn from the dimensions with data:
``standards_class`` (measurable standards), ``rights_class`` (enabling rights) and
``social_class`` (the set :attr:`DecentWork.social_dimensions`, both groups by default), each
with one of three aggregations:

* ``all``: upgrading when every dimension with data is better, downgrading when every one is
  worse, otherwise mixed (the Bernhardt-Milberg reading, over more dimensions);
* ``majority``: upgrading when more dimensions are better than worse, downgrading when more
  are worse than better, mixed on a tie (flat dimensions count for neither);
* ``composite``: the weighted mean of the direction-signed changes,
  C = sum_d w_d s_d / sum_d w_d over the dimensions d with data (weight w_d from
  :attr:`DecentWork.weights`, 1 when not listed); upgrading when C is above the tolerance,
  downgrading when below minus the tolerance, otherwise mixed.

A group without any dimension with data is "insufficient data".

**Women and men** (:attr:`DecentWork.by_sex`): the dimensions of the social set that the source
splits by sex (registry ``by_sex``: hours, informality) are judged once more on women's and once
on men's changes (``<id>_female_change``, ``<id>_male_change``), with the same aggregation:
``social_class_female`` and ``social_class_male``, each with its detail and the direction of
every part. They answer "better work for whom?" where the data allow it; a dimension without a
sex split (employment, the rights) does not enter them. Log changes and changes in
levels (``classification.level_changes``) enter C in their own units, so weights are per unit
of change: a weight of 0.1 on an index in points puts one index point level with 0.1 log points.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dimensions import SEXES, Dimension, sex_dimension
from .changes import change_column
from .verdicts import (
    DIRECTION_WORDS,
    DOWN,
    DOWNGRADING,
    FLAT,
    INSUFFICIENT,
    MISSING_WORD,
    MIXED,
    UP,
    UPGRADING,
    directions,
    short_name,
)

AGGREGATIONS = ("all", "majority", "composite")
#: The social dimension sets the social verdict can rest on, by the registry groups they hold.
DIMENSION_SETS = {
    "all": ("measurable_standard", "enabling_right"),
    "measurable_standards": ("measurable_standard",),
    "enabling_rights": ("enabling_right",),
}
#: The group verdicts: column prefix -> registry group (and its word in the detail text).
GROUP_VERDICTS = {"standards": "measurable_standard", "rights": "enabling_right"}
#: Word of a direction-signed move in the ``<id>_direction`` columns.
JUDGEMENTS = {UP: "better", DOWN: "worse", FLAT: "flat"}
NO_DATA = "no data"
LIST_SEPARATOR = ", "


@dataclass(frozen=True)
class DecentWork:
    """Settings of the decent_work rule's social side (config ``classification.decent_work``).

    ``dimensions``: registry ids of the social dimensions judged (None: every social dimension
    in use); ``weights``: weight per dimension id for ``composite`` (default 1, must be > 0);
    ``social_dimensions``: the set of :data:`DIMENSION_SETS` that decides ``social_class``;
    ``by_sex``: also judge women's and men's changes where the dimensions are split by sex.
    """

    aggregation: str = "all"
    weights: Mapping[str, float] = field(default_factory=dict)
    dimensions: tuple[str, ...] | None = None
    social_dimensions: str = "all"
    by_sex: bool = True

    @classmethod
    def from_config(cls, settings: Mapping | None) -> DecentWork:
        """From the config section (keys aggregation, weights, dimensions); None: defaults."""
        settings = settings or {}
        listed = settings.get("dimensions")
        return cls(aggregation=settings.get("aggregation", "all"),
                   weights=dict(settings.get("weights") or {}),
                   dimensions=None if listed is None else tuple(listed),
                   by_sex=bool(settings.get("by_sex", True)))

    def but(self, **changes) -> DecentWork:
        """A copy with ``changes`` (e.g. another aggregation or dimension set)."""
        return dataclasses.replace(self, **changes)

    def chosen(self, dimensions: Mapping[str, Dimension]) -> list[Dimension]:
        """The social dimensions judged, in the order of ``dimensions``; a ValueError names a
        wrong setting by its config key."""
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"'classification.decent_work.aggregation' must be one of "
                             f"{list(AGGREGATIONS)}, got {self.aggregation!r}")
        if self.social_dimensions not in DIMENSION_SETS:
            raise ValueError(f"'robustness.social_dimensions' must be one of "
                             f"{list(DIMENSION_SETS)}, got {self.social_dimensions!r}")
        social = [dim for dim in dimensions.values() if dim.side == "social"]
        if self.dimensions is not None:
            known = {dim.id for dim in social}
            wrong = [name for name in self.dimensions if name not in known]
            if wrong:
                raise ValueError(f"'classification.decent_work.dimensions': {wrong} are not "
                                 f"social dimensions in use (in use: {sorted(known)})")
            social = [dim for dim in social if dim.id in self.dimensions]
        if not social:
            raise ValueError("'dimensions.use': the decent_work rule needs at least one social "
                             "dimension in use")
        stray = sorted(set(self.weights) - {dim.id for dim in social})
        if stray:
            raise ValueError(f"'classification.decent_work.weights': {stray} are not among the "
                             f"dimensions judged ({[dim.id for dim in social]})")
        bad = {k: w for k, w in self.weights.items() if not (math.isfinite(w) and w > 0)}
        if bad:
            raise ValueError(f"'classification.decent_work.weights' must be > 0, got {bad}")
        return social


def signed_changes(changes: pd.DataFrame, dims: Sequence[Dimension]) -> np.ndarray:
    """(n x k) direction-signed changes: +change where higher is better, -change where lower
    is; NaN where the change column is absent or missing."""
    columns = []
    for dim in dims:
        column = change_column(dim.id)
        if column in changes.columns:
            values = pd.to_numeric(changes[column]).to_numpy(dtype="float64", na_value=np.nan)
        else:
            values = np.full(len(changes), np.nan)
        columns.append(dim.sign * values)
    return np.column_stack(columns) if columns else np.empty((len(changes), 0))


def composite_score(signed: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean of the signed changes over the dimensions with data (NaN without any)."""
    have = ~np.isnan(signed)
    total = (have * weights).sum(axis=1)
    weighted = np.where(have, signed, 0.0) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, weighted / np.where(total > 0, total, 1.0), np.nan)


def aggregate(
    signed: np.ndarray, weights: np.ndarray, aggregation: str, tolerance: float
) -> np.ndarray:
    """Class labels of the rows of ``signed`` (n x k) under ``aggregation`` (module docstring)."""
    moves = directions(signed, tolerance)
    have = (~np.isnan(moves)).sum(axis=1)
    better = (moves == UP).sum(axis=1)
    worse = (moves == DOWN).sum(axis=1)
    if aggregation == "all":
        up, down = (have > 0) & (better == have), (have > 0) & (worse == have)
    elif aggregation == "majority":
        up, down = better > worse, worse > better
    elif aggregation == "composite":
        score = directions(composite_score(signed, weights), tolerance)
        up, down = score == UP, score == DOWN
    else:
        raise ValueError(f"unknown aggregation {aggregation!r}; known: {list(AGGREGATIONS)}")
    return np.select([have == 0, up, down], [INSUFFICIENT, UPGRADING, DOWNGRADING],
                     default=MIXED)


def _names(dims: Sequence[Dimension], mask: np.ndarray) -> list[str]:
    """Per row, the ids of ``dims`` where ``mask`` is true, joined by :data:`LIST_SEPARATOR`."""
    ids = np.array([dim.id for dim in dims], dtype=object)
    return [LIST_SEPARATOR.join(ids[row]) for row in mask]


def _move_word(dim: Dimension, move: float) -> str:
    """"up", "down", "flat" or "n/a"; a dimension where lower is better says which way counts."""
    if np.isnan(move):
        return MISSING_WORD
    word = DIRECTION_WORDS[move]
    if dim.better == "lower" and move != FLAT:
        word += " (better)" if move == DOWN else " (worse)"
    return word


def _detail(dims: Sequence[Dimension], moves: np.ndarray) -> list[str]:
    """Per row "standards: employment up, hours worked down (better); rights: union density
    n/a", the groups in registry order, each dimension with its move (``moves``: the
    directions of the changes themselves, not direction-signed)."""
    texts = []
    for row in moves:
        parts = []
        for prefix, group in GROUP_VERDICTS.items():
            words = [f"{short_name(dim)} {_move_word(dim, move)}"
                     for dim, move in zip(dims, row) if dim.group == group]
            if words:
                parts.append(f"{prefix}: {', '.join(words)}")
        texts.append("; ".join(parts))
    return texts


def _selections(dims: Sequence[Dimension], settings: DecentWork) -> dict[str, np.ndarray]:
    """Per verdict (standards, rights, social) the mask of ``dims`` it rests on."""
    groups = np.array([dim.group for dim in dims])
    return {prefix: groups == group for prefix, group in GROUP_VERDICTS.items()} | {
        "social": np.isin(groups, DIMENSION_SETS[settings.social_dimensions])}


def _weights(dims: Sequence[Dimension], settings: DecentWork) -> np.ndarray:
    """The weight of each of ``dims`` (1 where :attr:`DecentWork.weights` names none)."""
    return np.array([float(settings.weights.get(dim.id, 1.0)) for dim in dims])


def social_classes(
    changes: pd.DataFrame, dims: Sequence[Dimension], settings: DecentWork, tolerance: float
) -> dict[str, np.ndarray]:
    """The class labels of the standards, rights and social verdicts (arrays by prefix); the
    classes of :func:`judge_social` without its descriptive columns."""
    signed = signed_changes(changes, dims)
    weights = _weights(dims, settings)
    return {prefix: aggregate(signed[:, selected], weights[selected], settings.aggregation,
                              tolerance)
            for prefix, selected in _selections(dims, settings).items()}


def judge_social(
    changes: pd.DataFrame, dims: Sequence[Dimension], settings: DecentWork, tolerance: float
) -> pd.DataFrame:
    """The decent_work social verdicts of every row of ``changes`` (index kept).

    ``dims`` are the dimensions judged (:meth:`DecentWork.chosen`). Columns: social_class,
    social_detail, standards_class, rights_class, social_aggregation, standards_score,
    rights_score, social_score (the composite C of each group), social_dimensions_used and
    social_dimensions_missing (ids with and without data among those social_class rests on,
    joined by ", ") and ``<id>_direction`` per dimension ("better", "worse", "flat",
    "no data"); with :attr:`DecentWork.by_sex` and a dimension split by sex among those of
    social_class, also the columns of :func:`sex_verdicts`.
    """
    signed = signed_changes(changes, dims)
    moves = directions(signed, tolerance)
    weights = _weights(dims, settings)
    selections = _selections(dims, settings)
    classes = social_classes(changes, dims, settings, tolerance)
    scores = {prefix: composite_score(signed[:, selected], weights[selected])
              for prefix, selected in selections.items()}
    in_set = selections["social"]
    have = ~np.isnan(signed[:, in_set])
    set_dims = [dim for dim, inside in zip(dims, in_set) if inside]
    verdicts = pd.DataFrame({
        "social_class": classes["social"],
        "social_detail": _detail(dims, moves * np.array([dim.sign for dim in dims])),
        "standards_class": classes["standards"],
        "rights_class": classes["rights"],
        "social_aggregation": settings.aggregation,
        "standards_score": scores["standards"],
        "rights_score": scores["rights"],
        "social_score": scores["social"],
        "social_dimensions_used": _names(set_dims, have),
        "social_dimensions_missing": _names(set_dims, ~have),
    }, index=changes.index)
    _add_directions(verdicts, dims, moves)
    if settings.by_sex:
        verdicts = verdicts.join(sex_verdicts(changes, set_dims, settings, tolerance))
    return verdicts.astype({column: "str" for column in verdicts.columns
                            if not column.endswith("_score")})


def _add_directions(verdicts: pd.DataFrame, dims: Sequence[Dimension],
                    moves: np.ndarray) -> None:
    """``<id>_direction`` of each of ``dims`` from the direction-signed ``moves``."""
    for position, dim in enumerate(dims):
        words = pd.Series(moves[:, position], index=verdicts.index).map(JUDGEMENTS)
        verdicts[f"{dim.id}_direction"] = words.fillna(NO_DATA).astype("str")


def sex_verdicts(
    changes: pd.DataFrame, dims: Sequence[Dimension], settings: DecentWork, tolerance: float
) -> pd.DataFrame:
    """Women's and men's verdicts on the dimensions of ``dims`` split by sex: per sex
    ``social_class_<sex>`` (aggregated as ``settings`` says, from the changes of the sex's
    columns), ``social_detail_<sex>`` ("standards: hours worked down (better)") and
    ``<id>_<sex>_direction`` per dimension. No columns when no dimension is split by sex."""
    split = [dim for dim in dims if dim.by_sex]
    verdicts = pd.DataFrame(index=changes.index)
    if not split:
        return verdicts
    weights = _weights(split, settings)
    signs = np.array([dim.sign for dim in split])
    for sex in SEXES:
        parts = [sex_dimension(dim, sex) for dim in split]
        signed = signed_changes(changes, parts)
        verdicts[f"social_class_{sex}"] = aggregate(signed, weights, settings.aggregation,
                                                    tolerance)
        verdicts[f"social_detail_{sex}"] = _detail(split, directions(signed, tolerance) * signs)
        _add_directions(verdicts, parts, directions(signed, tolerance))
    return verdicts
