"""Changes of the upgrading dimensions over a period: the first step of every classification.

Each dimension of the registry (config/dimensions.yaml, :mod:`gvc_upgrading.dimensions`) has a
change column ``<id>_change`` (``market_share_change``, ``real_wage_change``,
``hours_worked_change``, ...). :func:`period_changes` fills them from a yearly indicator table,
comparing the first and the last ``endpoint_years`` years of each period, and
:func:`express_changes` reports them in the measure asked for (log, percentage or annualised
log change).

A dimension split by sex (``by_sex``) also has the changes of its women's and men's columns,
``<id>_female_change`` and ``<id>_male_change``, when :func:`with_sex_parts` adds its parts.

A change is a **log change** (between geometric means of the two end windows) unless the
dimension is listed in ``level_changes``: dimensions whose values may be zero or negative by
definition -- an index with 0 as its best value (SDG 8.8.2), a gap that turns negative when
women earn more, an injury rate of 0 -- cannot be logged, so their change is the difference of
the arithmetic means of the two windows, in the dimension's own unit. Every other dimension
keeps the log: a zero or negative value there (a count or price that cannot be zero) is
treated as missing, and :func:`non_positive_values` counts them for the log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..dimensions import SEXES, Dimension, load_dimensions, read_registry, sex_dimension

KEYS = ["country", "value_chain"]
#: The registry shipped with the workflow: the dimensions a call without ``dimensions`` uses.
REGISTRY_FILE = Path(__file__).resolve().parents[4] / "config" / "dimensions.yaml"
#: Registry ids whose change is taken in levels by default (config key
#: ``classification.level_changes``): values of 0 or below are part of their scale.
LEVEL_CHANGES = ("fatal_injuries", "gender_pay_gap", "labour_rights")
#: Measures in which :func:`express_changes` reports changes, with their unit.
CHANGE_MEASURES = {
    "log": "log change (log points)",
    "percent": "percentage change (percent)",
    "annualised_log": "annualised log change (log points per year)",
}


def change_column(dimension_id: str) -> str:
    """The change column of a dimension: ``<id>_change``."""
    return f"{dimension_id}_change"


@lru_cache(maxsize=1)
def _registry() -> dict[str, Dimension]:
    ids = list(read_registry(REGISTRY_FILE))
    return load_dimensions({"file": REGISTRY_FILE, "use": ids})


def registry_dimensions(ids: Sequence[str] | None = None) -> dict[str, Dimension]:
    """Dimensions of the shipped registry: those of ``ids`` in that order, or every one."""
    registry = _registry()
    if ids is None:
        return dict(registry)
    unknown = [name for name in ids if name not in registry]
    if unknown:
        raise ValueError(f"dimensions {unknown} are not in {REGISTRY_FILE}")
    return {name: registry[name] for name in ids}


def with_sex_parts(dimensions: Mapping[str, Dimension], level_changes: Sequence[str]
                   ) -> tuple[dict[str, Dimension], list[str]]:
    """``dimensions`` with the women's and men's parts of each dimension split by sex right
    after it (:func:`gvc_upgrading.dimensions.sex_dimension`), and ``level_changes`` with the
    parts of the dimensions it lists."""
    measured: dict[str, Dimension] = {}
    for name, dim in dimensions.items():
        measured[name] = dim
        if dim.by_sex:
            measured |= {f"{name}_{sex}": sex_dimension(dim, sex) for sex in SEXES}
    levels = [*level_changes, *(f"{name}_{sex}" for name in level_changes
                                if name in dimensions and dimensions[name].by_sex
                                for sex in SEXES)]
    return measured, levels


def change_columns(dimensions: Mapping[str, Dimension]) -> list[str]:
    """The change columns of ``dimensions``, in their order."""
    return [change_column(name) for name in dimensions]


def require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise a ValueError naming every column of ``columns`` missing from ``df``."""
    missing = [column for column in columns if column not in df.columns]
    if missing:
        raise ValueError(f"{what} is missing required column(s): {', '.join(missing)}")


def _check_periods(periods: Sequence[Mapping], endpoint_years: int) -> list[tuple[str, int, int]]:
    """Validate the periods and return them as (label, start, end) tuples.

    The two endpoint windows must not overlap, otherwise years would count at both ends and
    the change would shrink towards zero.
    """
    if not periods:
        raise ValueError("at least one period is required")
    checked = []
    for period in periods:
        for key in ("label", "start", "end"):
            if key not in period:
                raise ValueError(f"period {dict(period)} has no {key!r}")
        label, start, end = str(period["label"]), int(period["start"]), int(period["end"])
        if end - start + 1 < 2 * endpoint_years:
            raise ValueError(
                f"period {label!r} ({start}-{end}) is shorter than two endpoint windows of "
                f"{endpoint_years} years"
            )
        checked.append((label, start, end))
    labels = [label for label, _, _ in checked]
    if len(set(labels)) != len(labels):
        raise ValueError(f"period labels must be unique, got {labels}")
    return checked


def _endpoint_means(
    scaled: pd.DataFrame, groups: list[pd.Series], in_window: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean and count of the non-missing values per group, over the rows ``in_window``."""
    grouped = scaled.where(np.broadcast_to(in_window[:, None], scaled.shape)).groupby(groups)
    return grouped.mean(), grouped.count()


def _scaled_values(
    indicators: pd.DataFrame, dimensions: Mapping[str, Dimension], level_changes: Sequence[str]
) -> pd.DataFrame:
    """One column per dimension (named by its change column): the log of the strictly positive
    values, or the values themselves for a dimension of ``level_changes``; NaN where the
    indicator column is absent or the value missing."""
    scaled = {}
    for name, dim in dimensions.items():
        if dim.column not in indicators.columns:
            scaled[change_column(name)] = np.full(len(indicators), np.nan)
            continue
        values = pd.to_numeric(indicators[dim.column]).astype("float64")
        if name not in level_changes:
            values = np.log(values.where(values > 0))
        scaled[change_column(name)] = values.to_numpy()
    return pd.DataFrame(scaled, index=indicators.index)


def period_changes(
    indicators: pd.DataFrame,
    periods: Sequence[Mapping],
    endpoint_years: int = 3,
    min_endpoint_observations: int = 1,
    dimensions: Mapping[str, Dimension] | None = None,
    level_changes: Sequence[str] = LEVEL_CHANGES,
) -> pd.DataFrame:
    """Change of each dimension per country x value_chain x period.

    For a period ``{label, start, end}`` the start window is the calendar years
    ``start .. start + endpoint_years - 1`` and the end window ``end - endpoint_years + 1 ..
    end``. Each end is summarised by the **mean of the logs** (the geometric mean) of the
    available, strictly positive values in its window; the change is the difference of the two,
    i.e. ``log(geometric mean at end / geometric mean at start)``, which is the natural scale
    for shares, prices and wages (a 10% rise and a 10% fall are symmetric). Zero or negative
    values are treated as missing. A dimension of ``level_changes`` is summarised by the
    arithmetic mean of its values instead (zero and negative values included) and its change
    is the difference in levels. The change is NaN when either window holds fewer than
    ``min_endpoint_observations`` values. Fixed calendar windows keep the comparison on the
    same years for every country.

    ``dimensions`` (registry :class:`~gvc_upgrading.dimensions.Dimension` by id; default:
    the whole shipped registry) chooses the change columns. One row is returned for every
    country x value_chain with at least one indicator row inside the period. Columns: country,
    value_chain, period, start_year, end_year (the period's bounds) and ``<id>_change`` per
    dimension; a dimension whose column is absent from ``indicators`` gives an all-NaN change.
    """
    require_columns(indicators, [*KEYS, "year"], "indicator table")
    if endpoint_years < 1:
        raise ValueError(f"endpoint_years must be >= 1, got {endpoint_years}")
    if not 1 <= min_endpoint_observations <= endpoint_years:
        raise ValueError(
            f"min_endpoint_observations must be between 1 and endpoint_years ({endpoint_years}),"
            f" got {min_endpoint_observations}"
        )
    checked_periods = _check_periods(periods, endpoint_years)
    duplicated = indicators.duplicated([*KEYS, "year"])
    if duplicated.any():
        example = indicators.loc[duplicated, [*KEYS, "year"]].iloc[0].to_dict()
        raise ValueError(
            f"indicator table has duplicate country x value_chain x year rows, e.g. {example}"
        )

    dimensions = registry_dimensions() if dimensions is None else dimensions
    indicators = indicators.reset_index(drop=True)
    scaled = _scaled_values(indicators, dimensions, level_changes)
    years = indicators["year"].to_numpy()

    frames = []
    for label, start, end in checked_periods:
        inside = (years >= start) & (years <= end)
        period_values = scaled[inside]
        period_years = years[inside]
        groups = [indicators.loc[inside, key] for key in KEYS]
        first_mean, first_n = _endpoint_means(period_values, groups,
                                              period_years < start + endpoint_years)
        last_mean, last_n = _endpoint_means(period_values, groups,
                                            period_years > end - endpoint_years)
        enough = (first_n >= min_endpoint_observations) & (last_n >= min_endpoint_observations)
        change = (last_mean - first_mean).where(enough)
        frames.append(change.reset_index().assign(period=label, start_year=start, end_year=end))

    result = pd.concat(frames, ignore_index=True)
    result = result.astype({"start_year": "int64", "end_year": "int64", "period": "str"})
    result = result.sort_values(["value_chain", "country"], kind="stable", ignore_index=True)
    return result[[*KEYS, "period", "start_year", "end_year", *change_columns(dimensions)]]


def check_change_measure(measure: str) -> None:
    """Raise a ValueError naming the known measures unless ``measure`` is one of them."""
    if measure not in CHANGE_MEASURES:
        raise ValueError(f"unknown change measure {measure!r}; known: {list(CHANGE_MEASURES)}")


def express_changes(
    changes: pd.DataFrame,
    measure: str,
    endpoint_years: int,
    dimensions: Mapping[str, Dimension] | None = None,
    level_changes: Sequence[str] = LEVEL_CHANGES,
) -> pd.DataFrame:
    """Express the change columns of a :func:`period_changes` table in ``measure``.

    For a log change d: ``"log"`` keeps d; ``"percent"`` gives 100 x (exp(d) - 1), the
    percentage change between the geometric means of the two end windows; ``"annualised_log"``
    gives d per year between the centres of the two windows, i.e. d / (end_year - start_year -
    (endpoint_years - 1)) -- with one-year endpoints simply d / (end_year - start_year). A
    change in levels (``level_changes``) stays in the dimension's unit, per year with
    ``"annualised_log"``. No measure changes the sign of a change. Converts the change columns
    of ``dimensions`` (default: the whole registry) present in ``changes`` and adds the column
    ``change_measure``.
    """
    check_change_measure(measure)
    dimensions = registry_dimensions() if dimensions is None else dimensions
    columns = [change_column(name) for name in dimensions if change_column(name) in changes]
    levels = {change_column(name) for name in level_changes}
    values = changes[columns].apply(pd.to_numeric).astype("float64")
    if measure == "percent":
        logs = [column for column in columns if column not in levels]
        values[logs] = 100.0 * np.expm1(values[logs])
    elif measure == "annualised_log":
        years = changes["end_year"] - changes["start_year"] - (endpoint_years - 1)
        values = values.div(years, axis=0)
    return changes.assign(**values, change_measure=measure)


def non_positive_values(
    indicators: pd.DataFrame,
    dimensions: Mapping[str, Dimension],
    level_changes: Sequence[str] = LEVEL_CHANGES,
) -> dict[str, int]:
    """Per dimension taken in logs, the number of zero or negative values that
    :func:`period_changes` treats as missing (dimensions without any are left out)."""
    counts = {}
    for name, dim in dimensions.items():
        if name in level_changes or dim.column not in indicators.columns:
            continue
        count = int((pd.to_numeric(indicators[dim.column]) <= 0).sum())
        if count:
            counts[name] = count
    return counts
