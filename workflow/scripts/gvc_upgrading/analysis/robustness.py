"""How robust is each upgrading verdict to the analyst's choices?

A verdict -- the economic or social class of a country in a value chain over a period -- rests
on choices that studies make differently. :func:`assess_robustness` reruns the classification
for every combination of the choices in a grid (a *specification*) and reports, per country x
value chain x period, the share of specifications whose verdict agrees with the baseline
verdict, separately for the economic and the social side. The choices:

* ``endpoint_years``: compare single endpoint years (1) or averages over the first and last
  few years of the period (e.g. 3), which damps one-off swings;
* ``unit_value``: the export price as the absolute unit value (USD per kg) or relative to the
  world unit value of the same products (``relative_unit_value``); a rule that always uses the
  relative one (``kaplinsky_readman``) gives the same verdict for both;
* ``wage``: how the wage is made comparable over time -- ``real_wage`` (nominal wage deflated by
  the national CPI) or ``usd_wage`` (nominal wage converted to current US dollars at the official
  exchange rate, the deflator-free yardstick of cross-country comparisons);
* ``tolerance``: the band of log changes counted as flat.

Every specification counts once, so a choice the rule ignores weighs on no verdict; the
baseline need not be one of the grid's specifications.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from ..grid import Grid, render
from .classify import (
    CHANGE_COLUMNS,
    CHANGE_MEASURES,
    CLASSES,
    UNIT_VALUE_CHOICES,
    classify,
    rule_dimensions,
)

#: The choices a robustness grid varies, in the order of :class:`Specification`.
GRID_CHOICES = ("endpoint_years", "unit_value", "wage", "tolerance")
WAGE_CHOICES = ("real_wage", "usd_wage")
#: Readable names of the choices' values, for table notes and captions.
CHOICE_LABELS = {
    "unit_value": "absolute unit value",
    "relative_unit_value": "relative unit value",
    "real_wage": "CPI-deflated real wage",
    "usd_wage": "wage in current US dollars",
}
#: Readable names of the choices themselves.
CHOICE_NAMES = {
    "endpoint_years": "endpoint years",
    "unit_value": "export price",
    "wage": "wage",
    "tolerance": "tolerance (log points)",
}
ROW_KEYS = ["country", "value_chain", "period"]
SIDES = ("economic", "social")
WAGE_COLUMN = "real_wage_per_employee_lcu"
#: Columns of the table returned by :func:`assess_robustness`.
ROBUSTNESS_COLUMNS = [
    *ROW_KEYS, "start_year", "end_year", *CHANGE_COLUMNS.values(), "change_measure",
    "economic_class", "economic_agreement", "social_class", "social_agreement",
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

    def describe(self, price: bool = True) -> str:
        """E.g. "endpoint years 3, absolute unit value, CPI-deflated real wage, tolerance 0".

        ``price=False`` leaves out the export price (for rules that do not use the choice).
        """
        prices = [CHOICE_LABELS[self.unit_value]] if price else []
        parts = [f"endpoint years {self.endpoint_years}", *prices, CHOICE_LABELS[self.wage],
                 f"tolerance {self.tolerance:g}"]
        return ", ".join(parts)


def specification_grid(grid: Mapping[str, Sequence]) -> list[Specification]:
    """Every combination of the values listed under each of :data:`GRID_CHOICES`.

    Unknown or missing choices, empty lists and unknown unit-value or wage values are errors;
    repeated values count once.
    """
    unknown = sorted(set(grid) - set(GRID_CHOICES))
    missing = [choice for choice in GRID_CHOICES if choice not in grid]
    if unknown or missing:
        raise ValueError(
            f"robustness grid needs exactly the choices {list(GRID_CHOICES)}; "
            f"unknown: {unknown}, missing: {missing}"
        )
    for choice, allowed in (("unit_value", UNIT_VALUE_CHOICES), ("wage", WAGE_CHOICES)):
        wrong = [value for value in grid[choice] if value not in allowed]
        if wrong:
            raise ValueError(f"robustness {choice} values {wrong} unknown; allowed: {allowed}")
    values = [list(dict.fromkeys(grid[choice])) for choice in GRID_CHOICES]
    empty = [choice for choice, listed in zip(GRID_CHOICES, values) if not listed]
    if empty:
        raise ValueError(f"robustness grid lists no values for {empty}")
    return [Specification(*combination) for combination in itertools.product(*values)]


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
) -> pd.DataFrame:
    """Agreement of each verdict with the baseline across the specifications of ``grid``.

    Classifies ``indicators`` (see :func:`gvc_upgrading.analysis.classify.classify`) with ``rule`` under
    ``baseline`` and under every specification of :func:`specification_grid`; the minimum number
    of observations per end window is ``min_endpoint_observations``, capped at the
    specification's endpoint years. ``prices`` (with exchange rates) is needed when a
    specification uses the ``usd_wage``.

    Returns one row per country x value_chain x period with the baseline changes (in the
    measure ``change``, see :func:`gvc_upgrading.analysis.classify.express_changes`) and classes,
    ``economic_agreement`` and ``social_agreement`` (share of specifications giving the same
    class as the baseline, "insufficient data" included) and ``n_specifications``; sorted by
    value chain, period start and country.
    """
    specifications = specification_grid(grid)
    wages = {spec.wage for spec in [baseline, *specifications]}
    if "usd_wage" in wages and prices is None:
        raise ValueError("the usd_wage choice needs the prices table (exchange rates)")
    variants = {
        "real_wage": indicators,
        **({"usd_wage": with_usd_wage(indicators, prices)} if "usd_wage" in wages else {}),
    }

    def verdicts(spec: Specification, measure: str = "log") -> pd.DataFrame:
        return classify(
            variants[spec.wage],
            periods,
            rule=rule,
            tolerance=spec.tolerance,
            endpoint_years=spec.endpoint_years,
            min_endpoint_observations=min(min_endpoint_observations, spec.endpoint_years),
            unit_value=spec.unit_value,
            change=measure,
        )

    base = verdicts(baseline, change)
    alternatives = pd.concat([verdicts(spec) for spec in specifications], ignore_index=True)
    paired = alternatives[[*ROW_KEYS, "economic_class", "social_class"]].merge(
        base, on=ROW_KEYS, suffixes=("_alternative", ""), validate="many_to_one"
    )
    shares = [f"{side}_agreement" for side in SIDES]
    for side in SIDES:
        agrees = paired[f"{side}_class_alternative"] == paired[f"{side}_class"]
        paired[f"{side}_agreement"] = agrees.astype("float64")
    agreement = paired.groupby(ROW_KEYS, sort=False, as_index=False)[shares].mean()
    result = base.merge(agreement, on=ROW_KEYS, validate="one_to_one")
    result["n_specifications"] = len(specifications)
    result = result.sort_values(["value_chain", "start_year", "country"], ignore_index=True)
    return result[ROBUSTNESS_COLUMNS]


def describe_grid(
    grid: Mapping[str, Sequence], baseline: Specification, rule: str = "bernhardt_milberg"
) -> str:
    """What the agreement is measured over: the grid's choices and the baseline, in words."""
    parts = []
    for choice in GRID_CHOICES:
        values = [CHOICE_LABELS.get(v, f"{v:g}" if isinstance(v, float) else str(v))
                  for v in dict.fromkeys(grid[choice])]
        parts.append(f"{CHOICE_NAMES[choice]}: {', '.join(values)}")
    n = len(specification_grid(grid))
    unmoved = rule_dimensions(rule, "unit_value") == rule_dimensions(rule, "relative_unit_value")
    return (
        f"Agreement: share of the {n} specifications ({'; '.join(parts)}) whose class equals "
        f"the baseline class ({baseline.describe(price=not unmoved)})."
        + (f" The {rule} rule does not use the export price choice." if unmoved else "")
    )


def _change_cell(value: float, measure: str) -> str:
    """A signed change with the measure's decimals (and a % sign for percentages)."""
    if pd.isna(value):
        return ""
    return f"{value:+.{CHANGE_DIGITS[measure]}f}" + ("%" if measure == "percent" else "")


def _robustness_grid(
    robustness: pd.DataFrame,
    dimensions: Mapping[str, list],
    chain_labels: Mapping[str, str],
    note: str,
) -> Grid:
    """Rows = value chain x period x country; per side the changes, the class and agreement."""
    sides = [(side, dimensions[side]) for side in SIDES]
    header = [
        [("Value chain", 1), ("Period", 1), ("Country", 1)]
        + [(cell, 1) for side, dims in sides
           for cell in [*(dim.label.capitalize() for dim in dims), f"{side.capitalize()} class",
                        "Agreement"]],
    ]
    body: list[list[str]] = []
    rules: set[int] = set()
    for (chain, period), block in robustness.groupby(["value_chain", "period"], sort=False):
        rules.add(len(body))
        for i, row in enumerate(block.to_dict("records")):
            cells = [chain_labels.get(chain, chain), period] if i == 0 else ["", ""]
            cells.append(row["country"])
            for side, dims in sides:
                cells += [_change_cell(row[dim.change], row["change_measure"]) for dim in dims]
                cells += [row[f"{side}_class"], f"{row[f'{side}_agreement']:.0%}"]
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
    baseline), the baseline class and its agreement share; the note should say what the
    agreement was measured over (see :func:`describe_grid`) and the table adds the change
    measure to it.
    """
    measures = set(robustness["change_measure"])
    measure = f"Changes: {', '.join(CHANGE_MEASURES[m] for m in sorted(measures))}."
    grid = _robustness_grid(robustness, rule_dimensions(rule, unit_value), chain_labels or {},
                            f"{measure} {note}".strip())
    return render(grid, fmt)


def metadata(grid: Mapping[str, Sequence], baseline: Specification, rule: str) -> dict:
    """Provenance for the Parquet metadata: rule, baseline, grid and the class vocabulary."""
    return {
        "rule": rule,
        "baseline": asdict(baseline),
        "grid": {choice: list(grid[choice]) for choice in GRID_CHOICES},
        "classes": list(CLASSES),
        "agreement": "share of specifications whose class equals the baseline class",
    }
