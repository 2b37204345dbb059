"""Classify country x value-chain trajectories into economic and social upgrading.

Bernhardt & Milberg (2011) judge *economic upgrading* in a global value chain by two export
outcomes: a country upgrades when it gains world market share while the unit value of its
exports rises (it sells more, and sells dearer, i.e. moves into higher-value products or
functions); it downgrades when both fall. *Social upgrading* is judged the same way on the
labour side: employment and real wages both rising (more jobs that pay better) or both
falling. Any other combination is "mixed" -- for example gaining share by cutting prices, or
more jobs at lower real pay.

The module works in two steps that users can call separately:

* :func:`period_changes` turns a yearly indicator table into log changes per
  country x value_chain x period, comparing the average of the first and the last
  ``endpoint_years`` years of the period (averaging endpoints damps single-year noise);
* :func:`classify_changes` applies a named rule to a table of changes -- the changes may
  also be typed in from a paper.

:func:`classify` chains the two and reports the changes in the measure asked for (log,
percentage or annualised log change, see :func:`express_changes`); :func:`crosstab` counts the
economic x social quadrants.

Rules live in :data:`RULES` (``bernhardt_milberg`` and ``kaplinsky_readman``); a further rule
is one more :class:`Rule` entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

KEYS = ["country", "value_chain"]

UPGRADING = "upgrading"
DOWNGRADING = "downgrading"
MIXED = "mixed"
INSUFFICIENT = "insufficient data"
#: Classes of the Bernhardt-Milberg rule, in display order.
CLASSES = (UPGRADING, MIXED, DOWNGRADING, INSUFFICIENT)
#: Classes that always get a row (possibly a zero count) in :func:`crosstab`.
MAIN_CLASSES = (UPGRADING, MIXED, DOWNGRADING)

#: Direction of one change relative to the tolerance band, and its word in the detail text.
UP, FLAT, DOWN = 1.0, 0.0, -1.0
DIRECTION_WORDS = {UP: "up", FLAT: "flat", DOWN: "down"}
MISSING_WORD = "n/a"


@dataclass(frozen=True)
class Dimension:
    """One measured outcome: its indicator column, its change column and a readable label."""

    indicator: str
    change: str
    label: str


#: The outcomes a rule can use. Rules refer to the export price as ``"unit_value"``; the
#: ``unit_value`` argument of :func:`classify` decides whether that means the absolute unit
#: value or the relative one.
DIMENSIONS: dict[str, Dimension] = {
    "market_share": Dimension("market_share", "market_share_change", "market share"),
    "unit_value": Dimension("unit_value_usd_per_kg", "unit_value_change", "unit value"),
    "relative_unit_value": Dimension(
        "relative_unit_value", "relative_unit_value_change", "relative unit value"
    ),
    "employment": Dimension("employment_persons", "employment_change", "employment"),
    "real_wage": Dimension("real_wage_per_employee_lcu", "real_wage_change", "real wage"),
}
UNIT_VALUE_CHOICES = ("unit_value", "relative_unit_value")
#: Indicator column -> column holding its log change over a period (output order).
CHANGE_COLUMNS: dict[str, str] = {d.indicator: d.change for d in DIMENSIONS.values()}


@dataclass(frozen=True)
class Rule:
    """A named classification rule.

    ``economic`` and ``social`` name the :data:`DIMENSIONS` each side looks at; ``combine``
    maps an (n x k) array of directions (``UP``, ``FLAT``, ``DOWN`` or NaN when the change is
    missing) to n class labels.
    """

    economic: tuple[str, ...]
    social: tuple[str, ...]
    combine: Callable[[np.ndarray], np.ndarray]
    reference: str
    #: Per side, readings of particular direction combinations, appended to the detail text.
    notes: Mapping[str, Mapping[tuple[float, ...], str]] = field(default_factory=dict)


def all_move_together(directions: np.ndarray) -> np.ndarray:
    """Upgrading when every dimension rises, downgrading when every one falls, else mixed.

    A missing direction on any dimension gives "insufficient data"; a flat one gives "mixed".
    """
    missing = np.isnan(directions).any(axis=1)
    up = (directions == UP).all(axis=1)
    down = (directions == DOWN).all(axis=1)
    return np.select([missing, up, down], [INSUFFICIENT, UPGRADING, DOWNGRADING], default=MIXED)


#: Registry of classification rules by name.
#:
#: ``bernhardt_milberg`` (Bernhardt & Milberg 2011): economic upgrading when world market share
#: and export unit value both rise, downgrading when both fall, otherwise mixed; social
#: upgrading likewise on employment and the real wage. The export price is the absolute unit
#: value unless :func:`classify` is asked for the relative one.
#:
#: ``kaplinsky_readman`` (Kaplinsky & Readman 2005): the economic side reads world market share
#: against the **relative** unit value (the country's price over the world price of the same
#: products, so neither product mix nor world price trends pass for upgrading). Both rising is
#: upgrading (dearer products that win share), both falling downgrading. The two mixed cells are
#: told apart in the detail text, as Kaplinsky & Readman do: share won at falling relative
#: prices is competing on price, which risks immiserising growth; rising relative prices with a
#: falling share are dearer products the market does not reward. The classes stay upgrading /
#: mixed / downgrading so that tables and figures read both rules alike; Kaplinsky & Readman
#: have no social side, so it is Bernhardt & Milberg's (employment and real wage).
RULES: dict[str, Rule] = {
    "bernhardt_milberg": Rule(
        economic=("market_share", "unit_value"),
        social=("employment", "real_wage"),
        combine=all_move_together,
        reference="Bernhardt & Milberg (2011), Capturing the Gains working paper 6",
    ),
    "kaplinsky_readman": Rule(
        economic=("market_share", "relative_unit_value"),
        social=("employment", "real_wage"),
        combine=all_move_together,
        reference="Kaplinsky & Readman (2005), Industrial and Corporate Change 14(4), 679-703",
        notes={
            "economic": {
                (UP, DOWN): "gaining share on price: risk of immiserising growth",
                (DOWN, UP): "dearer products losing share",
            }
        },
    ),
}

#: Measures in which :func:`classify` reports changes, with their unit.
CHANGE_MEASURES = {
    "log": "log change (log points)",
    "percent": "percentage change (percent)",
    "annualised_log": "annualised log change (log points per year)",
}


def get_rule(name: str) -> Rule:
    """Return the registered rule ``name``; a ValueError lists the known rules otherwise."""
    if name not in RULES:
        raise ValueError(f"unknown classification rule {name!r}; known rules: {sorted(RULES)}")
    return RULES[name]


def _dimensions(rule: Rule, unit_value: str) -> dict[str, list[Dimension]]:
    """The economic and social dimensions of ``rule``, with ``unit_value`` resolved."""
    if unit_value not in UNIT_VALUE_CHOICES:
        raise ValueError(
            f"unit_value must be one of {list(UNIT_VALUE_CHOICES)}, got {unit_value!r}"
        )
    return {
        side: [DIMENSIONS[unit_value if name == "unit_value" else name] for name in names]
        for side, names in (("economic", rule.economic), ("social", rule.social))
    }


def rule_dimensions(rule: str, unit_value: str = "unit_value") -> dict[str, list[Dimension]]:
    """The :data:`DIMENSIONS` that rule ``rule`` reads on its economic and social side."""
    return _dimensions(get_rule(rule), unit_value)


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise a ValueError naming every column of ``columns`` missing from ``df``."""
    missing = [column for column in columns if column not in df.columns]
    if missing:
        raise ValueError(f"{what} is missing required column(s): {', '.join(missing)}")


def _check_tolerance(tolerance: float) -> float:
    """Validate the half-width of the "no change" band."""
    tolerance = float(tolerance)
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance}")
    return tolerance


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
    logs: pd.DataFrame, groups: list[pd.Series], in_window: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean and count of the non-missing log values per group, over the rows ``in_window``."""
    grouped = logs.where(np.broadcast_to(in_window[:, None], logs.shape)).groupby(groups)
    return grouped.mean(), grouped.count()


def period_changes(
    indicators: pd.DataFrame,
    periods: Sequence[Mapping],
    endpoint_years: int = 3,
    min_endpoint_observations: int = 1,
) -> pd.DataFrame:
    """Log change of each indicator per country x value_chain x period.

    For a period ``{label, start, end}`` the start window is the calendar years
    ``start .. start + endpoint_years - 1`` and the end window ``end - endpoint_years + 1 ..
    end``. Each end is summarised by the **mean of the logs** (the geometric mean) of the
    available, strictly positive values in its window; the change is the difference of the two,
    i.e. ``log(geometric mean at end / geometric mean at start)``, which is the natural scale
    for shares, prices and wages (a 10% rise and a 10% fall are symmetric). Zero or negative
    values are treated as missing. The change is NaN when either window holds fewer than
    ``min_endpoint_observations`` values. Fixed calendar windows keep the comparison on the
    same years for every country.

    One row is returned for every country x value_chain with at least one indicator row
    inside the period. Columns: country, value_chain, period, start_year, end_year (the
    period's bounds) and the change columns of :data:`CHANGE_COLUMNS`; an indicator column
    absent from ``indicators`` gives an all-NaN change column.
    """
    _require_columns(indicators, [*KEYS, "year"], "indicator table")
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

    indicators = indicators.reset_index(drop=True)
    present = [column for column in CHANGE_COLUMNS if column in indicators.columns]
    values = indicators[present].apply(pd.to_numeric).astype("float64")
    logs = np.log(values.where(values > 0))
    years = indicators["year"].to_numpy()

    frames = []
    for label, start, end in checked_periods:
        inside = (years >= start) & (years <= end)
        period_logs = logs[inside]
        period_years = years[inside]
        groups = [indicators.loc[inside, key] for key in KEYS]
        first_window = period_years < start + endpoint_years
        last_window = period_years > end - endpoint_years
        first_mean, first_n = _endpoint_means(period_logs, groups, first_window)
        last_mean, last_n = _endpoint_means(period_logs, groups, last_window)
        enough = (first_n >= min_endpoint_observations) & (last_n >= min_endpoint_observations)
        change = (last_mean - first_mean).where(enough).rename(columns=CHANGE_COLUMNS)
        frames.append(
            change.reset_index().assign(period=label, start_year=start, end_year=end)
        )

    result = pd.concat(frames, ignore_index=True)
    for column in CHANGE_COLUMNS.values():
        if column not in result.columns:
            result[column] = np.nan
    result = result.astype({"start_year": "int64", "end_year": "int64", "period": "str"})
    result = result.sort_values(["value_chain", "country"], kind="stable", ignore_index=True)
    return result[[*KEYS, "period", "start_year", "end_year", *CHANGE_COLUMNS.values()]]


def _directions(changes: np.ndarray, tolerance: float) -> np.ndarray:
    """UP above the band, DOWN below it, FLAT inside it (inclusive), NaN where missing."""
    directions = np.select([changes > tolerance, changes < -tolerance], [UP, DOWN], default=FLAT)
    return np.where(np.isnan(changes), np.nan, directions)


def _detail(
    dimensions: list[Dimension],
    directions: np.ndarray,
    index: pd.Index,
    notes: Mapping[tuple[float, ...], str],
) -> pd.Series:
    """Readable summary such as "market share up, unit value down", plus the rule's reading.

    ``notes`` maps a combination of directions to a reading appended in parentheses.
    """
    parts = []
    for position, dimension in enumerate(dimensions):
        words = pd.Series(directions[:, position], index=index).map(DIRECTION_WORDS)
        parts.append(dimension.label + " " + words.fillna(MISSING_WORD).astype("str"))
    detail = parts[0].str.cat(parts[1:], sep=", ") if len(parts) > 1 else parts[0]
    for combination, note in notes.items():
        matches = (directions == np.asarray(combination)).all(axis=1)
        detail = detail.where(~matches, detail + f" ({note})")
    return detail


def classify_changes(
    changes: pd.DataFrame,
    rule: str = "bernhardt_milberg",
    tolerance: float = 0.0,
    unit_value: str = "unit_value",
) -> pd.DataFrame:
    """Classify a table of log changes with a named rule.

    ``changes`` needs the change columns the rule uses (for ``bernhardt_milberg``:
    market_share_change, unit_value_change -- or relative_unit_value_change when
    ``unit_value="relative_unit_value"`` -- employment_change and real_wage_change; for
    ``kaplinsky_readman`` relative_unit_value_change whatever ``unit_value`` says); any other
    columns are kept. A change rises when it is above ``tolerance``, falls when it is below
    ``-tolerance`` and is flat otherwise, so ``tolerance`` is the size of change treated as
    noise, in the unit of the change columns (log points for :func:`period_changes` output).
    Adds economic_class, social_class, economic_detail and social_detail.
    """
    chosen = get_rule(rule)
    tolerance = _check_tolerance(tolerance)
    sides = _dimensions(chosen, unit_value)
    _require_columns(
        changes, [dim.change for dims in sides.values() for dim in dims], "change table"
    )

    classes, details = {}, {}
    for side, dims in sides.items():
        values = np.column_stack(
            [
                pd.to_numeric(changes[dim.change]).to_numpy(dtype="float64", na_value=np.nan)
                for dim in dims
            ]
        )
        directions = _directions(values, tolerance)
        labels = chosen.combine(directions)
        classes[f"{side}_class"] = pd.Series(labels, index=changes.index, dtype="str")
        details[f"{side}_detail"] = _detail(
            dims, directions, changes.index, chosen.notes.get(side, {})
        )
    return changes.assign(**classes, **details)


def _check_change_measure(measure: str) -> None:
    """Raise a ValueError naming the known measures unless ``measure`` is one of them."""
    if measure not in CHANGE_MEASURES:
        raise ValueError(f"unknown change measure {measure!r}; known: {list(CHANGE_MEASURES)}")


def express_changes(changes: pd.DataFrame, measure: str, endpoint_years: int) -> pd.DataFrame:
    """Express the log change columns of a :func:`period_changes` table in ``measure``.

    For a log change d: ``"log"`` keeps d; ``"percent"`` gives 100 x (exp(d) - 1), the
    percentage change between the geometric means of the two end windows; ``"annualised_log"``
    gives d per year between the centres of the two windows, i.e. d / (end_year - start_year -
    (endpoint_years - 1)) -- with one-year endpoints simply d / (end_year - start_year). No
    measure changes the sign of d. Adds the column ``change_measure``.
    """
    _check_change_measure(measure)
    columns = [column for column in CHANGE_COLUMNS.values() if column in changes.columns]
    logs = changes[columns].apply(pd.to_numeric).astype("float64")
    if measure == "percent":
        converted = 100.0 * np.expm1(logs)
    elif measure == "annualised_log":
        years = changes["end_year"] - changes["start_year"] - (endpoint_years - 1)
        converted = logs.div(years, axis=0)
    else:
        converted = logs
    return changes.assign(**converted, change_measure=measure)


def classify(
    indicators: pd.DataFrame,
    periods: Sequence[Mapping],
    rule: str = "bernhardt_milberg",
    tolerance: float = 0.0,
    endpoint_years: int = 3,
    min_endpoint_observations: int = 1,
    unit_value: str = "unit_value",
    change: str = "log",
) -> pd.DataFrame:
    """Classify every country x value_chain x period of a yearly indicator table.

    ``indicators`` needs country, value_chain, year and the indicator columns the rule uses;
    ``unit_value`` chooses the export price measure: ``"unit_value"`` (USD per kg, as
    Bernhardt & Milberg) or ``"relative_unit_value"`` (relative to the world price of the same
    products, which nets out product mix and world price trends). Classes are decided on log
    changes, so ``tolerance`` is in log points whatever ``change`` says; ``change`` (one of
    :data:`CHANGE_MEASURES`) only chooses how the change columns are reported, and the column
    ``change_measure`` names it. Otherwise equivalent to :func:`period_changes` followed by
    :func:`classify_changes`; see those for the details.
    """
    chosen = get_rule(rule)
    _check_tolerance(tolerance)
    _check_change_measure(change)
    used = [dim.indicator for dims in _dimensions(chosen, unit_value).values() for dim in dims]
    _require_columns(indicators, [*KEYS, "year", *used], "indicator table")
    changes = period_changes(indicators, periods, endpoint_years, min_endpoint_observations)
    classified = classify_changes(changes, rule, tolerance, unit_value)
    expressed = express_changes(classified, change, endpoint_years)
    leading = list(changes.columns) + ["change_measure"]
    return expressed[leading + [c for c in expressed.columns if c not in leading]]


def _class_order(labels: pd.Series) -> list[str]:
    """The known classes in display order, followed by any other labels alphabetically."""
    others = sorted(set(labels.dropna()) - set(CLASSES))
    return [*CLASSES, *others]


def crosstab(classification: pd.DataFrame) -> pd.DataFrame:
    """Count the economic x social quadrants per value_chain x period.

    Returns value_chain, period, economic_class, social_class, count and share, where share is
    the count over all rows of that value_chain x period (rows with insufficient data
    included). Every observed combination appears, and so does each of the 3 x 3 combinations
    of upgrading / mixed / downgrading, with a zero count when it is not observed, so that empty
    quadrants are visible; combinations involving "insufficient data" appear only when observed.
    """
    keys = ["value_chain", "period"]
    classes = ["economic_class", "social_class"]
    _require_columns(classification, [*keys, *classes], "classification table")

    observed = (
        classification.groupby([*keys, *classes], sort=False)
        .size()
        .rename("count")
        .reset_index()
    )
    main = pd.MultiIndex.from_product([MAIN_CLASSES, MAIN_CLASSES], names=classes)
    main = main.to_frame(index=False)
    grid = classification[keys].drop_duplicates().merge(main, how="cross")
    table = pd.concat([observed[[*keys, *classes]], grid]).drop_duplicates(ignore_index=True)
    table = table.merge(observed, on=[*keys, *classes], how="left")
    table["count"] = table["count"].fillna(0).astype("int64")
    table["share"] = table["count"] / table.groupby(keys)["count"].transform("sum")

    order = {
        "value_chain": list(dict.fromkeys(classification["value_chain"])),
        "period": list(dict.fromkeys(classification["period"])),
        "economic_class": _class_order(classification["economic_class"]),
        "social_class": _class_order(classification["social_class"]),
    }
    sort_keys = pd.DataFrame(
        {column: pd.Categorical(table[column], categories=cats) for column, cats in order.items()}
    )
    positions = sort_keys.sort_values(list(order)).index
    return table.loc[positions].reset_index(drop=True)
