"""One series per country x value chain (x sex) from ILOSTAT rows of several survey sources and
ISIC revisions, with its breaks: the shared logic of the labour table
(:mod:`gvc_upgrading.harmonise.labour`) and the ILOSTAT dimensions
(:mod:`gvc_upgrading.harmonise.dimensions`).

:func:`choose_series` keeps one row per series and year: the ISIC Rev.4 value where both
revisions cover the year, then the preferred survey source
(:data:`gvc_upgrading.sources.ilostat.SOURCE_PRIORITY`). :func:`mark_breaks` flags the years
in which the series is not comparable with its previous year: the survey ``source`` changes,
the ISIC revision changes, or ILOSTAT flags the value ``B`` (break in series); ``U``
(unreliable) is carried as ``unreliable``. :func:`splice_breaks` bridges a change of source or
revision where the raw rows hold both sides in one year (an overlap year): the earlier segment
is multiplied by the ratio of the new side to the old in the latest overlap year, so the series
is on the level of its latest segment, and that break is no longer flagged. A break without an
overlap year, or a ``B`` flag alone, cannot be spliced and stays flagged: the classification
says which verdicts rest on it (:mod:`gvc_upgrading.analysis.caveats`).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..sources.ilostat import SOURCE_PRIORITY
from .accounting import Ledger

log = logging.getLogger(__name__)

#: What happens at a break of an ISIC revision (config ``harmonise.isic_break``) and at a change
#: of survey source or a ``B`` flag (config ``harmonise.series_break``). ``drop`` keeps the values
#: flagged here; the classification drops the changes across them.
ISIC_BREAK_POLICIES = ("splice", "flag")
SERIES_BREAK_POLICIES = ("splice", "flag", "drop")
LOWER_PRIORITY = "lower-priority survey source for the same country, year and revision"
REVISION_COVERED = "ISIC Rev.3 value in a year that Rev.4 also covers"
SPLICED = {"revision": "ISIC Rev.3 segment scaled to the Rev.4 level (ratio in the latest "
                       "overlap year)",
           "source": "earlier survey source's segment scaled to the later source's level "
                     "(ratio in the latest overlap year)"}


def check_policies(isic_break: str, series_break: str) -> None:
    """Raise a ValueError naming a policy that is not one of its known values."""
    if isic_break not in ISIC_BREAK_POLICIES:
        raise ValueError(f"ISIC break policy {isic_break!r}; expected one of "
                         f"{ISIC_BREAK_POLICIES}")
    if series_break not in SERIES_BREAK_POLICIES:
        raise ValueError(f"series break policy {series_break!r}; expected one of "
                         f"{SERIES_BREAK_POLICIES}")


def _source_rank(df: pd.DataFrame) -> pd.Series:
    types = df["source_type"] if "source_type" in df else df["source"].str.split(":").str[0]
    return types.map({p: i for i, p in enumerate(SOURCE_PRIORITY)}).astype(
        "float64").fillna(len(SOURCE_PRIORITY))


def choose_series(df: pd.DataFrame, keys: list[str], ledger: Ledger) -> pd.DataFrame:
    """One row per ``keys`` and ``year``: within a revision the preferred source (then the
    first source id), then Rev.4 over Rev.3; the other rows are dropped, counted in ``ledger``."""
    revision = df["isic_revision"].map({"4": 0, "3": 1}).astype("float64").fillna(2)
    ordered = df.assign(_rank=_source_rank(df), _rev=revision).sort_values(
        [*keys, "year", "_rev", "_rank", "source"], kind="stable")
    best_source = ~ordered.duplicated([*keys, "year", "isic_revision"])
    df = ledger.drop(df, ~df.index.isin(ordered.index[best_source]), LOWER_PRIORITY)
    ordered = ordered[best_source]
    first = ~ordered.duplicated([*keys, "year"])
    df = ledger.drop(df, ~df.index.isin(ordered.index[first]), REVISION_COVERED)
    return df.loc[ordered.index[first]].sort_values([*keys, "year"]).reset_index(drop=True)


def mark_breaks(series: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``series`` (one row per ``keys`` and year) with ``series_break`` (the value is not
    comparable with the series' previous one: another source or revision, or the flag ``B``),
    ``unreliable`` (the flag ``U``) and the previous row's ``previous_source`` and
    ``previous_revision``."""
    series = series.sort_values([*keys, "year"]).reset_index(drop=True)
    grouped = series.groupby(keys, sort=False, dropna=False)
    previous_source = grouped["source"].shift()
    previous_revision = grouped["isic_revision"].shift()
    has_previous = grouped.cumcount() > 0
    status = series["obs_status"].astype("string") if "obs_status" in series else pd.Series(
        pd.NA, index=series.index, dtype="string")
    source_change = _changed(previous_source, series["source"])
    revision_change = _changed(previous_revision, series["isic_revision"])
    flagged = (status == "B").fillna(False).to_numpy(dtype=bool) & has_previous.to_numpy()
    return series.assign(previous_source=previous_source, previous_revision=previous_revision,
                         series_break=source_change | revision_change | flagged,
                         unreliable=(status == "U").fillna(False).to_numpy(dtype=bool))


def _changed(previous: pd.Series, current: pd.Series) -> np.ndarray:
    return (previous.notna() & current.notna()
            & (previous.astype("string") != current.astype("string"))).fillna(False).to_numpy(
        dtype=bool)


def splice_breaks(series: pd.DataFrame, candidates: pd.DataFrame, keys: list[str], value: str,
                  isic_break: str, series_break: str, ledger: Ledger) -> pd.DataFrame:
    """``series`` (from :func:`mark_breaks`) with each change of revision or source bridged
    where its policy says ``splice`` and ``candidates`` (every row before
    :func:`choose_series`) hold both sides in an overlap year with positive values. A bridged
    break is no longer flagged; the rescaled values are counted in ``ledger``."""
    check_policies(isic_break, series_break)
    series = series.copy()
    breaks = series.index[series["series_break"]]
    for position in breaks:
        row = series.loc[position]
        revision = _differs(row["previous_revision"], row["isic_revision"])
        source = _differs(row["previous_source"], row["source"])
        if not (revision or source) or (revision and isic_break != "splice") or (
                source and series_break != "splice"):
            continue
        ratio, year = _overlap_ratio(row, candidates, keys, value)
        if ratio is None:
            continue
        same = np.logical_and.reduce([(series[k] == row[k]).fillna(False).to_numpy()
                                      for k in keys])
        earlier = same & (series["year"] < row["year"]).to_numpy()
        before = series[earlier]
        series.loc[earlier, value] = series.loc[earlier, value] * ratio
        ledger.rescale(before, series[earlier], SPLICED["revision" if revision else "source"])
        series.loc[position, "series_break"] = False
        log.info("%s %s: %s spliced to %s in %d (ratio %.4f, overlap year %d)",
                 " ".join(str(row[k]) for k in keys), value,
                 _identity(row["previous_revision"], row["previous_source"]),
                 _identity(row["isic_revision"], row["source"]), row["year"], ratio, year)
    return series


def _differs(previous, current) -> bool:
    return bool(pd.notna(previous) and pd.notna(current) and str(previous) != str(current))


def _identity(revision, source) -> str:
    return f"ISIC Rev.{revision} {source}" if pd.notna(revision) else str(source)


def _overlap_ratio(row: pd.Series, candidates: pd.DataFrame, keys: list[str],
                   value: str) -> tuple[float | None, int | None]:
    """New over old value in the latest year in which ``candidates`` hold both the break's
    old side (previous revision and source) and its new one, both positive."""
    mine = np.logical_and.reduce([(candidates[k] == row[k]).fillna(False).to_numpy()
                                  for k in keys]) & (candidates[value] > 0).to_numpy()
    rows = candidates[mine]

    def side(revision, source) -> pd.Series:
        match = (rows["source"] == source).fillna(False)
        if pd.notna(revision):
            match &= (rows["isic_revision"] == revision).fillna(False)
        return rows[match].groupby("year")[value].first()

    old = side(row["previous_revision"], row["previous_source"])
    new = side(row["isic_revision"], row["source"])
    common = sorted(set(old.index) & set(new.index))
    if not common:
        return None, None
    year = common[-1]
    return float(new[year] / old[year]), int(year)


def break_summary(series: pd.DataFrame) -> str:
    """"3 breaks (2 of survey source, 1 of ISIC revision, 1 flagged B), 4 unreliable": the
    flags of :func:`mark_breaks` after any splice, for a log line."""
    flagged = series[series["series_break"]]
    source = int(_changed(flagged["previous_source"], flagged["source"]).sum())
    revision = int(_changed(flagged["previous_revision"], flagged["isic_revision"]).sum())
    b_flag = int((flagged["obs_status"].astype("string") == "B").fillna(False).sum()) \
        if "obs_status" in flagged else 0
    return (f"{len(flagged)} breaks ({source} of survey source, {revision} of ISIC revision, "
            f"{b_flag} flagged B), {int(series['unreliable'].sum())} unreliable")
