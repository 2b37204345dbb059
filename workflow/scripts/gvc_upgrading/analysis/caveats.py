"""Which verdicts rest on a break in series or on unreliable values.

The indicator table lists per row the columns whose value follows a break in series
(``series_breaks``: ILOSTAT flag B, or a change of survey source or ISIC revision that
harmonisation did not splice) and those flagged unreliable (``unreliable_values``: ILOSTAT flag
U); see :mod:`gvc_upgrading.analysis.indicators`. For each country x value chain x period and
each dimension (its total column):

- a break in year y lies inside the period when the change compares values from both sides of
  it: a value of the start window in a year before y and one of the end window in y or later
  (a break before the first value used, or after the last, changes nothing);
- an unreliable value is one of either end window.

:func:`period_flags` finds them. With ``harmonise.series_break: drop`` (:data:`DROP`),
:func:`drop_breaks` sets the change of a dimension across a break to missing, so the verdicts
that would rest on it have no data for it; otherwise the change stays and
:func:`caveat_columns` says, per verdict (``economic_caveat``, ``social_caveat``), which of the
dimensions it reads rest on a break or on unreliable values, e.g. "series break: employment
2010, real wage 2010; unreliable: real wage 2007" (empty: none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..dimensions import Dimension
from ..harmonise.dimensions import FLAG_LISTS, LIST_SEPARATOR
from ..harmonise.series import SERIES_BREAK_POLICIES
from .changes import KEYS, change_column
from .verdicts import short_name

#: The indicator-table lists of flagged columns and the kind of flag each holds.
FLAG_KINDS = {FLAG_LISTS["series_break"]: "series break",
              FLAG_LISTS["unreliable"]: "unreliable"}
#: The policy under which a change across a break is dropped.
DROP = "drop"
DROPPED = "series break, change dropped"
FLAG_COLUMNS = ["country", "value_chain", "period", "dimension", "kind", "year"]


def check_policy(policy: str) -> str:
    """``policy`` if it is one of the series break policies; a ValueError names them otherwise."""
    if policy not in SERIES_BREAK_POLICIES:
        raise ValueError(f"series break policy {policy!r}; expected one of "
                         f"{SERIES_BREAK_POLICIES} (config key harmonise.series_break)")
    return policy


def caveat_column(side: str) -> str:
    """The column that says what the verdict of ``side`` rests on: ``<side>_caveat``."""
    return f"{side}_caveat"


#: The caveat columns of the economic and social verdicts.
CAVEATS = [caveat_column(side) for side in ("economic", "social")]
#: Marks a class that rests on a break in series or on unreliable values in the tables.
CAVEAT_MARK = "†"
#: Note of a table with marked classes.
CAVEAT_NOTE = (f"{CAVEAT_MARK} The verdict rests on a break in series or on values flagged "
               "unreliable (ILOSTAT flags B and U, changes of survey source or ISIC revision): "
               "see economic_caveat and social_caveat in the CSV.")


def _flagged(indicators: pd.DataFrame, dimensions: Mapping[str, Dimension]) -> pd.DataFrame:
    """(country, value_chain, year, dimension, kind) of every flagged value of a dimension."""
    by_column = {dim.column: name for name, dim in dimensions.items()}
    pieces = []
    for listed, kind in FLAG_KINDS.items():
        if listed not in indicators:
            continue
        texts = indicators[listed].astype("string").fillna("")
        rows = indicators.loc[texts != "", [*KEYS, "year"]].assign(
            column=texts[texts != ""].str.split(LIST_SEPARATOR)).explode("column")
        rows = rows.assign(dimension=rows["column"].map(by_column), kind=kind)
        pieces.append(rows.dropna(subset=["dimension"]).drop(columns="column"))
    if not pieces:
        return pd.DataFrame(columns=[*KEYS, "year", "dimension", "kind"])
    return pd.concat(pieces, ignore_index=True)


def _used_values(indicators: pd.DataFrame, dimensions: Mapping[str, Dimension],
                 names: Sequence[str], level_changes: Sequence[str]) -> pd.DataFrame:
    """(country, value_chain, dimension, year) of every value of the dimensions ``names`` that
    enters a change: a positive value, or any value for a change in levels."""
    pieces = []
    for name in names:
        values = pd.to_numeric(indicators[dimensions[name].column]).astype("float64")
        valid = values.notna() & ((values > 0) | (name in level_changes))
        pieces.append(indicators.loc[valid, [*KEYS, "year"]].assign(dimension=name))
    return pd.concat(pieces, ignore_index=True)


def period_flags(indicators: pd.DataFrame, periods: Sequence[Mapping], endpoint_years: int,
                 dimensions: Mapping[str, Dimension],
                 level_changes: Sequence[str] = ()) -> pd.DataFrame:
    """The breaks inside each period and the unreliable values of its end windows (see the
    module docstring), one row per country, value chain, period, dimension, kind and year."""
    flagged = _flagged(indicators, {n: d for n, d in dimensions.items()
                                    if d.column in indicators})
    if flagged.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    used = _used_values(indicators, dimensions, list(flagged["dimension"].unique()),
                        level_changes)
    series = [*KEYS, "dimension"]
    rows = []
    for period in periods:
        start, end = int(period["start"]), int(period["end"])
        windows = ((start, start + endpoint_years - 1), (end - endpoint_years + 1, end))
        first = used[used["year"].between(*windows[0])].groupby(series)["year"].min()
        last = used[used["year"].between(*windows[1])].groupby(series)["year"].max()
        events = flagged.join(first.rename("first"), on=series).join(last.rename("last"),
                                                                     on=series)
        broken = (events["kind"] == FLAG_KINDS["series_breaks"]) & (
            events["first"] < events["year"]) & (events["year"] <= events["last"])
        in_window = events["year"].between(*windows[0]) | events["year"].between(*windows[1])
        unreliable = (events["kind"] == FLAG_KINDS["unreliable_values"]) & in_window
        rows.append(events[broken | unreliable].assign(period=str(period["label"])))
    result = pd.concat(rows, ignore_index=True)[FLAG_COLUMNS]
    return result.drop_duplicates().sort_values(FLAG_COLUMNS, ignore_index=True)


def flagged_changes(changes: pd.DataFrame, indicators: pd.DataFrame, periods: Sequence[Mapping],
                    endpoint_years: int, dimensions: Mapping[str, Dimension],
                    level_changes: Sequence[str], policy: str
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The :func:`period_flags` of ``indicators``, and ``changes`` with the changes across a
    break dropped when ``policy`` is :data:`DROP` (as they are otherwise)."""
    flags = period_flags(indicators, periods, endpoint_years, dimensions, level_changes)
    if check_policy(policy) == DROP:
        changes, _ = drop_breaks(changes, flags)
    return changes, flags


def drop_breaks(changes: pd.DataFrame, flags: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """``changes`` with the change of each dimension across a break set to missing, and how
    many changes that were."""
    breaks = flags[flags["kind"] == FLAG_KINDS["series_breaks"]].drop_duplicates(
        [*KEYS, "period", "dimension"])
    changes = changes.copy()
    dropped = 0
    for name, block in breaks.groupby("dimension"):
        column = change_column(name)
        if column not in changes:
            continue
        hit = _rows_of(changes, block) & changes[column].notna().to_numpy()
        changes.loc[hit, column] = np.nan
        dropped += int(hit.sum())
    return changes, dropped


def _rows_of(changes: pd.DataFrame, block: pd.DataFrame) -> np.ndarray:
    """Where ``changes`` has a row of ``block``'s country, value chain and period."""
    keys = [*KEYS, "period"]
    return pd.MultiIndex.from_frame(changes[keys].astype(str)).isin(
        pd.MultiIndex.from_frame(block[keys].astype(str)))


def caveat_columns(changes: pd.DataFrame, flags: pd.DataFrame,
                   sides: Mapping[str, Sequence[Dimension]], policy: str = "flag"
                   ) -> pd.DataFrame:
    """Per row of ``changes`` and per side of ``sides`` (side -> the dimensions its verdict
    reads), the text of :func:`caveat_column`: the dimensions with a break inside the period
    and with unreliable values, and their years ("" when none)."""
    keys = [*KEYS, "period"]
    words = {FLAG_KINDS["series_breaks"]: DROPPED if policy == DROP else "series break",
             FLAG_KINDS["unreliable_values"]: "unreliable"}
    rows = changes[keys].astype(str)
    result = pd.DataFrame(index=changes.index)
    for side, dims in sides.items():
        order = {dim.id: position for position, dim in enumerate(dims)}
        mine = flags[flags["dimension"].isin(list(order))]
        if mine.empty:
            result[caveat_column(side)] = pd.Series("", index=changes.index, dtype="string")
            continue
        labels = {dim.id: short_name(dim) for dim in dims}
        mine = mine.assign(**{k: mine[k].astype(str) for k in keys},
                           _kind=mine["kind"].map(list(words).index),
                           _dim=mine["dimension"].map(order)).sort_values(
            [*keys, "_kind", "_dim", "year"])
        per_dim = mine.groupby([*keys, "_kind", "_dim", "dimension"], sort=False)["year"].agg(
            lambda years: LIST_SEPARATOR.join(str(y) for y in years)).reset_index()
        per_dim["text"] = per_dim["dimension"].map(labels) + " " + per_dim["year"]
        per_kind = per_dim.groupby([*keys, "_kind"], sort=False)["text"].agg(
            LIST_SEPARATOR.join).reset_index()
        per_kind["text"] = per_kind["_kind"].map(dict(enumerate(words.values()))) + ": " + \
            per_kind["text"]
        texts = per_kind.groupby(keys, sort=False)["text"].agg("; ".join)
        joined = rows.join(texts, on=keys)["text"].fillna("")
        result[caveat_column(side)] = pd.Series(joined.to_numpy(), index=changes.index,
                                                dtype="string")
    return result


def log_caveats(classification: pd.DataFrame, policy: str, log) -> None:
    """Log how many verdicts of a classification rest on a break in series or on unreliable
    values (or, with ``drop``, lost a change across a break)."""
    for side in ("economic", "social"):
        texts = classification.get(caveat_column(side), pd.Series(dtype="string")).fillna("")
        breaks = int(texts.str.contains("series break").sum())
        unreliable = int(texts.str.contains("unreliable").sum())
        if breaks or unreliable:
            log.warning("%s verdicts: %d of %d rest on a break in series%s, %d on unreliable "
                        "values (column %s)", side, breaks, len(classification),
                        " (changes across it dropped: harmonise.series_break drop)"
                        if policy == DROP else "", unreliable, caveat_column(side))
