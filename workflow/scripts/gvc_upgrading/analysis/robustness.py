"""How robust is each upgrading verdict to the analyst's choices?

A verdict -- the economic or social class of a country in a value chain over a period -- rests
on choices that studies make differently. :func:`assess_robustness` reruns the classification
for every combination of the choices in a grid (a *specification*) and reports, per country x
value chain x period, the share of specifications whose verdict agrees with the baseline
verdict, separately for the economic and the social side. The choices:

* ``endpoint_years``: compare single endpoint years (1) or averages over the first and last
  few years of the period (e.g. 3), which damps one-off swings;
* ``unit_value``: the export price as the absolute unit value (USD per kg) or relative to the
  world unit value of the same products (``relative_unit_value``), or value captured in its
  place (``domestic_value_added_share``, OECD TiVA); a rule that does not read the export price
  (``kaplinsky_readman``, ``value_capture``) gives the same verdict for all;
* ``wage``: how the wage is made comparable over time -- ``real_wage`` (nominal wage deflated by
  the national CPI) or ``usd_wage`` (nominal wage converted to current US dollars at the official
  exchange rate, the deflator-free yardstick of cross-country comparisons);
* ``tolerance``: the band of log changes counted as flat;
* with the ``decent_work`` rule only: ``social_dimensions``, the set the social verdict rests
  on (``measurable_standards``, ``enabling_rights`` or ``all`` of the dimensions judged), and
  ``aggregation`` (``all``, ``majority`` or ``composite``, see :mod:`.decent_work`). The
  ``standards_class`` and ``rights_class`` verdicts get agreement shares of their own.

Every specification counts once, so a choice the rule ignores weighs on no verdict (the other
rules ignore the two decent-work choices altogether: their grid is the product of the first
four); the baseline need not be one of the grid's specifications.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..dimensions import Dimension
from ..grid import Grid, render
from .caveats import CAVEAT_MARK, CAVEAT_NOTE, CAVEATS, DROP, caveat_column, flagged_changes
from .changes import LEVEL_CHANGES, change_column, change_columns, period_changes
from .classify import (
    CHANGE_COLUMNS,
    CHANGE_MEASURES,
    CLASSES,
    UNIT_VALUE_CHOICES,
    DecentWork,
    classify,
    default_dimensions,
    get_rule,
    rule_dimensions,
    verdict_classes,
)
from .decent_work import AGGREGATIONS, DIMENSION_SETS
from .verdicts import short_name

#: The choices every robustness grid varies, in the order of :class:`Specification`.
GRID_CHOICES = ("endpoint_years", "unit_value", "wage", "tolerance")
#: The further choices of the decent_work rule (optional: the baseline's value when absent).
DECENT_WORK_CHOICES = ("social_dimensions", "aggregation")
WAGE_CHOICES = ("real_wage", "usd_wage")
ALLOWED = {"unit_value": UNIT_VALUE_CHOICES, "wage": WAGE_CHOICES,
           "social_dimensions": tuple(DIMENSION_SETS), "aggregation": AGGREGATIONS}
#: Readable names of the choices' values, for table notes and captions.
CHOICE_LABELS = {
    "unit_value": {"unit_value": "absolute unit value",
                   "relative_unit_value": "relative unit value",
                   "domestic_value_added_share": "domestic value-added share (value captured)"},
    "wage": {"real_wage": "CPI-deflated real wage", "usd_wage": "wage in current US dollars"},
    "social_dimensions": {"measurable_standards": "measurable standards",
                          "enabling_rights": "enabling rights", "all": "both groups"},
    "aggregation": {"all": "all dimensions", "majority": "majority",
                    "composite": "composite index"},
}
#: Readable names of the choices themselves.
CHOICE_NAMES = {
    "endpoint_years": "endpoint years",
    "unit_value": "export price",
    "wage": "wage",
    "tolerance": "tolerance (log points)",
    "social_dimensions": "social dimensions",
    "aggregation": "aggregation",
}
ROW_KEYS = ["country", "value_chain", "period"]
SIDES = ("economic", "social")
#: The verdicts whose agreement is measured under the decent_work rule.
DECENT_WORK_SIDES = ("economic", "social", "standards", "rights")
WAGE_COLUMN = "real_wage_per_employee_lcu"


def verdict_sides(rule: str) -> tuple[str, ...]:
    """The verdicts (``<side>_class``) whose agreement is measured under ``rule``."""
    return DECENT_WORK_SIDES if get_rule(rule).judges_decent_work else SIDES


def robustness_columns(rule: str, dimensions: Mapping[str, Dimension]) -> list[str]:
    """Columns of the table returned by :func:`assess_robustness`."""
    verdicts = [column for side in verdict_sides(rule)
                for column in (f"{side}_class", f"{side}_agreement")]
    return [*ROW_KEYS, "start_year", "end_year", *change_columns(dimensions), "change_measure",
            "rule", *verdicts, *CAVEATS, "n_specifications"]


#: Columns of :func:`assess_robustness` for bernhardt_milberg or kaplinsky_readman on the
#: dimensions of the 2011 papers.
ROBUSTNESS_COLUMNS = [
    *ROW_KEYS, "start_year", "end_year", *CHANGE_COLUMNS.values(), "change_measure", "rule",
    "economic_class", "economic_agreement", "social_class", "social_agreement", *CAVEATS,
    "n_specifications",
]
#: Decimals shown for a change in each measure.
CHANGE_DIGITS = {"log": 3, "percent": 1, "annualised_log": 4}


@dataclass(frozen=True)
class Specification:
    """One combination of the analyst's choices."""

    endpoint_years: int
    unit_value: str = "unit_value"
    wage: str = "real_wage"
    tolerance: float = 0.0
    #: decent_work only: the social dimension set and the aggregation (None: the rule's
    #: settings, config ``classification.decent_work.aggregation``).
    social_dimensions: str = "all"
    aggregation: str | None = None

    def describe(self, price: bool = True, decent_work: bool = False) -> str:
        """E.g. "endpoint years 3, absolute unit value, CPI-deflated real wage, tolerance 0".

        ``price=False`` leaves out the export price (for rules that do not use the choice);
        ``decent_work=True`` adds the social dimension set and the aggregation.
        """
        prices = [CHOICE_LABELS["unit_value"][self.unit_value]] if price else []
        parts = [f"endpoint years {self.endpoint_years}", *prices,
                 CHOICE_LABELS["wage"][self.wage], f"tolerance {self.tolerance:g}"]
        if decent_work:
            parts += [f"social dimensions: "
                      f"{CHOICE_LABELS['social_dimensions'][self.social_dimensions]}",
                      f"aggregation: {CHOICE_LABELS['aggregation'][self.aggregation]}"]
        return ", ".join(parts)


def _grid_values(
    grid: Mapping[str, Sequence], rule: str, baseline: Specification
) -> dict[str, list]:
    """The checked values of every choice the grid varies for ``rule``."""
    unknown = sorted(set(grid) - set(GRID_CHOICES) - set(DECENT_WORK_CHOICES))
    missing = [choice for choice in GRID_CHOICES if choice not in grid]
    if unknown or missing:
        raise ValueError(
            f"robustness grid needs the choices {list(GRID_CHOICES)} (and may have "
            f"{list(DECENT_WORK_CHOICES)}); unknown: {unknown}, missing: {missing}"
        )
    for choice, allowed in ALLOWED.items():
        wrong = [value for value in grid.get(choice, []) if value not in allowed]
        if wrong:
            raise ValueError(f"robustness {choice} values {wrong} unknown; allowed: {allowed}")
    choices = list(GRID_CHOICES)
    if get_rule(rule).judges_decent_work:
        choices += DECENT_WORK_CHOICES
    values = {choice: list(dict.fromkeys(grid.get(choice, [getattr(baseline, choice)])))
              for choice in choices}
    empty = [choice for choice, listed in values.items() if not listed]
    if empty:
        raise ValueError(f"robustness grid lists no values for {empty}")
    return values


def specification_grid(
    grid: Mapping[str, Sequence], rule: str = "bernhardt_milberg",
    baseline: Specification | None = None,
) -> list[Specification]:
    """Every combination of the values listed under each of :data:`GRID_CHOICES` and, for
    the decent_work rule, of :data:`DECENT_WORK_CHOICES` (a choice the grid leaves out keeps
    the value of ``baseline``).

    Unknown or missing choices, empty lists and unknown values are errors; repeated values
    count once.
    """
    values = _grid_values(grid, rule, baseline or Specification(endpoint_years=1))
    return [Specification(**dict(zip(values, combination)))
            for combination in itertools.product(*values.values())]


def with_usd_wage(indicators: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``indicators`` whose wage column holds the nominal wage in current US dollars.

    The wage column (``real_wage_per_employee_lcu``, the one the rules read) becomes
    ``nominal_wage_per_employee_lcu`` divided by the year's ``exchange_rate_lcu_per_usd`` from
    ``prices`` (the harmonised prices table); NaN where either is missing.
    """
    rates = prices[["country", "year", "exchange_rate_lcu_per_usd"]]
    joined = indicators[["country", "year"]].merge(
        rates, on=["country", "year"], how="left", validate="many_to_one"
    )
    nominal = pd.to_numeric(indicators["nominal_wage_per_employee_lcu"]).to_numpy("float64")
    rate = joined["exchange_rate_lcu_per_usd"].to_numpy("float64", na_value=float("nan"))
    return indicators.assign(**{WAGE_COLUMN: nominal / rate})


def assess_robustness(
    indicators: pd.DataFrame,
    periods: Sequence[Mapping],
    grid: Mapping[str, Sequence],
    baseline: Specification,
    rule: str = "bernhardt_milberg",
    min_endpoint_observations: int = 1,
    prices: pd.DataFrame | None = None,
    change: str = "log",
    dimensions: Mapping[str, Dimension] | None = None,
    decent_work: DecentWork | None = None,
    level_changes: Sequence[str] = LEVEL_CHANGES,
    series_breaks: str = "flag",
) -> pd.DataFrame:
    """Agreement of each verdict with the baseline across the specifications of ``grid``.

    Classifies ``indicators`` (see :func:`gvc_upgrading.analysis.classify.classify`) with ``rule`` under
    ``baseline`` and under every specification of :func:`specification_grid`; the minimum number
    of observations per end window is ``min_endpoint_observations``, capped at the
    specification's endpoint years. ``prices`` (with exchange rates) is needed when a
    specification uses the ``usd_wage``.

    ``dimensions`` are the registry dimensions in use and ``decent_work`` the settings of that
    rule (see :func:`~gvc_upgrading.analysis.classify.classify`); a specification's
    ``social_dimensions`` and ``aggregation`` replace those of the settings.

    Returns one row per country x value_chain x period with the baseline changes (in the
    measure ``change``, see :func:`gvc_upgrading.analysis.classify.express_changes`), the rule
    and classes, ``economic_agreement`` and ``social_agreement`` (share of specifications
    giving the same class as the baseline, "insufficient data" included; with decent_work also
    ``standards_agreement`` and ``rights_agreement``) and ``n_specifications``; sorted by
    value chain, period start and country. ``economic_caveat`` and ``social_caveat`` say what
    the baseline verdicts rest on (:mod:`.caveats`); with ``series_breaks="drop"`` every
    specification drops the changes across a break in series.
    """
    dimensions = default_dimensions(rule) if dimensions is None else dimensions
    settings = decent_work or DecentWork()
    baseline = resolve_baseline(baseline, settings)
    specifications = specification_grid(grid, rule, baseline)
    wages = {spec.wage for spec in [baseline, *specifications]}
    if "usd_wage" in wages and prices is None:
        raise ValueError("the usd_wage choice needs the prices table (exchange rates)")
    variants = {
        "real_wage": indicators,
        **({"usd_wage": with_usd_wage(indicators, prices)} if "usd_wage" in wages else {}),
    }

    def settings_of(spec: Specification) -> DecentWork:
        return settings.but(social_dimensions=spec.social_dimensions,
                            aggregation=spec.aggregation or settings.aggregation)

    changes: dict[tuple[str, int], tuple[pd.DataFrame, np.ndarray]] = {}

    def changes_of(spec: Specification) -> tuple[pd.DataFrame, np.ndarray]:
        """The log changes, which depend on the wage and endpoint years only (computed once
        each), and the positions of the baseline's rows in them."""
        key = (spec.wage, spec.endpoint_years)
        if key not in changes:
            table = period_changes(
                variants[spec.wage], periods, spec.endpoint_years,
                min(min_endpoint_observations, spec.endpoint_years), dimensions, level_changes)
            if series_breaks == DROP:  # checked by the baseline's classify
                table, _ = flagged_changes(table, variants[spec.wage], periods,
                                           spec.endpoint_years, dimensions, level_changes, DROP)
            changes[key] = table, _row_order(table, base)
        return changes[key]

    base = classify(
        variants[baseline.wage], periods, rule=rule, tolerance=baseline.tolerance,
        endpoint_years=baseline.endpoint_years,
        min_endpoint_observations=min(min_endpoint_observations, baseline.endpoint_years),
        unit_value=baseline.unit_value, change=change, dimensions=dimensions,
        decent_work=settings_of(baseline), level_changes=level_changes,
        series_breaks=series_breaks,
    )
    sides = verdict_sides(rule)
    agreeing = {side: np.zeros(len(base)) for side in sides}
    for spec in specifications:
        table, order = changes_of(spec)
        classes = verdict_classes(table, rule, spec.tolerance, spec.unit_value, dimensions,
                                  settings_of(spec))
        for side in sides:
            agreeing[side] += classes[side][order] == base[f"{side}_class"].to_numpy()
    result = base.assign(**{f"{side}_agreement": agreeing[side] / len(specifications)
                            for side in sides}, n_specifications=len(specifications))
    result = result.sort_values(["value_chain", "start_year", "country"], ignore_index=True)
    return result[robustness_columns(rule, dimensions)]


def _row_order(table: pd.DataFrame, base: pd.DataFrame) -> np.ndarray:
    """Positions in ``table`` of the rows of ``base`` (by country, value chain and period)."""
    order = pd.MultiIndex.from_frame(table[ROW_KEYS]).get_indexer(
        pd.MultiIndex.from_frame(base[ROW_KEYS]))
    if (order < 0).any():
        raise ValueError("a specification lost rows of the baseline classification")
    return order


def resolve_baseline(baseline: Specification, decent_work: DecentWork) -> Specification:
    """``baseline`` with the aggregation of the decent_work settings when it names none."""
    return dataclasses.replace(baseline, aggregation=baseline.aggregation or
                               decent_work.aggregation)


def _value_label(choice: str, value) -> str:
    """A choice's value in words (numbers as numbers)."""
    if isinstance(value, float):
        return f"{value:g}"
    return CHOICE_LABELS.get(choice, {}).get(value, str(value))


def describe_grid(
    grid: Mapping[str, Sequence], baseline: Specification, rule: str = "bernhardt_milberg",
    decent_work: DecentWork | None = None,
) -> str:
    """What the agreement is measured over: the grid's choices and the baseline, in words."""
    baseline = resolve_baseline(baseline, decent_work or DecentWork())
    values = _grid_values(grid, rule, baseline)
    parts = [f"{CHOICE_NAMES[choice]}: {', '.join(_value_label(choice, v) for v in listed)}"
             for choice, listed in values.items()]
    n = len(specification_grid(grid, rule, baseline))
    unmoved = rule_dimensions(rule, "unit_value") == rule_dimensions(rule, "relative_unit_value")
    described = baseline.describe(price=not unmoved,
                                  decent_work=get_rule(rule).judges_decent_work)
    return (
        f"Agreement: share of the {n} specifications ({'; '.join(parts)}) whose class equals "
        f"the baseline class ({described})."
        + (f" The {rule} rule does not use the export price choice." if unmoved else "")
    )


def _change_cell(value: float, measure: str) -> str:
    """A signed change with the measure's decimals (and a % sign for percentages)."""
    if pd.isna(value):
        return ""
    return f"{value:+.{CHANGE_DIGITS[measure]}f}" + ("%" if measure == "percent" else "")


def _marked(row: Mapping, side: str) -> str:
    """The class of ``side``, marked when the verdict rests on a break or unreliable values
    (the social caveat marks the decent_work group verdicts too)."""
    caveat = row.get(caveat_column(side if side in SIDES else "social"))
    marked = isinstance(caveat, str) and caveat != ""
    return f"{row[f'{side}_class']}{CAVEAT_MARK if marked else ''}"


def _robustness_grid(
    robustness: pd.DataFrame,
    dimensions: Mapping[str, list],
    chain_labels: Mapping[str, str],
    note: str,
) -> Grid:
    """Rows = value chain x period x country; per side the changes, the class and agreement
    (the decent_work social side: the standards, rights and social classes and agreements)."""
    sides = [(side, dimensions.get(side, [])) for side in dimensions]
    header = [
        [("Value chain", 1), ("Period", 1), ("Country", 1)]
        + [(cell, 1) for side, dims in sides
           for cell in [*(short_name(dim).capitalize() for dim in dims),
                        f"{side.capitalize()} class", "Agreement"]],
    ]
    body: list[list[str]] = []
    rules: set[int] = set()
    for (chain, period), block in robustness.groupby(["value_chain", "period"], sort=False):
        rules.add(len(body))
        for i, row in enumerate(block.to_dict("records")):
            cells = [chain_labels.get(chain, chain), period] if i == 0 else ["", ""]
            cells.append(row["country"])
            for side, dims in sides:
                cells += [_change_cell(row[change_column(dim.id)], row["change_measure"])
                          for dim in dims]
                cells += [_marked(row, side), f"{row[f'{side}_agreement']:.0%}"]
            body.append(cells)
    return Grid(header=header, body=body, rules=frozenset(rules - {0}), note=note, stub=3)


def robustness_table(
    robustness: pd.DataFrame,
    fmt: str,
    rule: str = "bernhardt_milberg",
    unit_value: str = "unit_value",
    chain_labels: Mapping[str, str] | None = None,
    note: str = "",
) -> str:
    """Render :func:`assess_robustness` output as ``"markdown"``, ``"latex"`` or ``"html"``.

    Each side shows the changes the rule reads (with ``unit_value`` resolved as in the
    baseline), the baseline class and its agreement share; under decent_work the social side
    shows the standards, rights and social classes with their agreement instead (its changes
    are in the CSV). The note should say what the agreement was measured over (see
    :func:`describe_grid`) and the table adds the change measure to it.
    """
    measures = set(robustness["change_measure"])
    measure = f"Changes: {', '.join(CHANGE_MEASURES[m] for m in sorted(measures))}."
    dims = rule_dimensions(rule, unit_value)
    if get_rule(rule).judges_decent_work:
        dims = {"economic": dims["economic"], "standards": [], "rights": [], "social": []}
    marked = any((robustness.get(column, pd.Series(dtype="string")).fillna("") != "").any()
                 for column in CAVEATS)
    text = f"{measure} {note}".strip() + (f" {CAVEAT_NOTE}" if marked else "")
    grid = _robustness_grid(robustness, dims, chain_labels or {}, text)
    return render(grid, fmt)


def metadata(
    grid: Mapping[str, Sequence], baseline: Specification, rule: str,
    decent_work: DecentWork | None = None,
) -> dict:
    """Provenance for the Parquet metadata: rule, baseline, grid and the class vocabulary
    (with decent_work also its settings and the two further choices)."""
    baseline = resolve_baseline(baseline, decent_work or DecentWork())
    judged = get_rule(rule).judges_decent_work
    described = asdict(baseline)
    if not judged:
        for choice in DECENT_WORK_CHOICES:
            described.pop(choice)
    result = {
        "rule": rule,
        "baseline": described,
        "grid": _grid_values(grid, rule, baseline),
        "classes": list(CLASSES),
        "agreement": "share of specifications whose class equals the baseline class",
    }
    if judged:
        result["decent_work"] = {**asdict(decent_work or DecentWork()),
                                 "weights": dict((decent_work or DecentWork()).weights)}
    return result
