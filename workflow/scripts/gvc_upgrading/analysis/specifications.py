"""Regression specifications as data: their keys and defaults, the terms they make and the
readable labels of those terms.

Specifications
--------------
A specification has an ``id``, a ``label``, an ``outcome``, ``regressors`` and the optional
keys below; :func:`normalise_spec` fills in the defaults of :data:`SPEC_DEFAULTS`, the same as
those of the config schema.

* ``controls``: further indicator columns entered like the regressors; their coefficients are
  reported after the regressors' (``role`` "control").
* ``log``: log the outcome, regressors and controls; rows with a non-positive value of any of
  them are dropped.
* ``fixed_effects``: any of ``country``, ``year``, ``value_chain``, ``country_value_chain``.
* ``cluster``: one or two of ``country``, ``year``, ``value_chain``.
* ``by_value_chain``: one regression per value chain, else one pooled over the chains.
* ``sample``: filters applied before anything else -- ``value_chains`` and ``countries``
  (lists), ``years`` (``{start, end}``, inclusive; the years of the observations, and for long
  differences the years that enter them) and ``min_unit_value_coverage`` (rows whose
  ``unit_value_coverage`` is below it, or missing, are dropped).
* ``weights``: an indicator column; weighted least squares with these weights (rows with a
  missing or non-positive weight are dropped).
* ``design``:

  - ``annual``: one observation per country x value chain x year.
  - ``lagged``: the regressors (not the controls) enter with their value ``lags`` years
    earlier in the same country and value chain; a missing earlier year gives no observation.
    Terms are named ``log_market_share_lag1``.
  - ``long_difference``: one observation per country x value chain x period (the periods
    passed in: the workflow passes the classification periods and end windows, so that the
    regression explains the changes that are classified). Every variable is the change
    between its mean over the first and its mean over the last ``endpoint_years`` years of the
    period (each variable over the years in which it is observed; both ends are needed);
    weights are their mean over the period. The ``year`` fixed effect and cluster dimension
    then stand for the period (coded by its end year). Terms are named ``d_log_market_share``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FIXED_EFFECTS = ("country", "year", "value_chain", "country_value_chain")
CLUSTER_DIMENSIONS = ("country", "year", "value_chain")
DESIGNS = ("annual", "lagged", "long_difference")
SAMPLE_FILTERS = ("value_chains", "countries", "years", "min_unit_value_coverage")
#: Defaults of the optional specification keys (the config schema declares the same).
SPEC_DEFAULTS = {
    "log": True,
    "controls": [],
    "fixed_effects": ["country", "year"],
    "cluster": ["country"],
    "by_value_chain": True,
    "sample": {},
    "weights": None,
    "design": "annual",
    "lags": 1,
}
REQUIRED_KEYS = ("id", "outcome", "regressors")
#: Short readable names of indicator columns, for term labels ("log market share").
VARIABLE_LABELS = {
    "market_share": "market share",
    "relative_unit_value": "relative unit value",
    "unit_value_usd_per_kg": "unit value",
    "unit_value_coverage": "unit value coverage",
    "export_value_usd": "export value",
    "world_export_value_usd": "world export value",
    "export_quantity_kg": "export quantity",
    "employment_persons": "employment",
    "real_wage_per_employee_lcu": "real wage",
    "nominal_wage_per_employee_lcu": "nominal wage",
}


def variable_label(column: str) -> str:
    """Short readable name of an indicator column (``market_share`` -> "market share")."""
    return VARIABLE_LABELS.get(column, column.replace("_", " "))


def term_name(column: str, log: bool, design: str = "annual", lags: int = 0) -> str:
    """Name of the regression term built from indicator ``column``.

    ``log_market_share``; ``d_log_market_share`` in long differences; ``log_market_share_lag1``
    for a regressor lagged one year (``lags`` is 0 for the outcome and the controls).
    """
    name = f"log_{column}" if log else column
    if design == "long_difference":
        return f"d_{name}"
    return f"{name}_lag{lags}" if lags else name


def term_label(column: str, log: bool, design: str = "annual", lags: int = 0) -> str:
    """Readable label of :func:`term_name`: "log market share", "Δ log market share",
    "log market share (t−1)"."""
    text = ("log " if log else "") + variable_label(column)
    if design == "long_difference":
        return f"Δ {text}"
    return f"{text} (t−{lags})" if lags else text


def normalise_spec(spec: dict) -> dict:
    """``spec`` with every optional key filled in from :data:`SPEC_DEFAULTS`.

    Raises ValueError naming the spec for a missing required key, an unknown key, an unknown
    design or sample filter, or ``lags`` given without ``design: lagged``. ``lags`` is 0 in
    the result unless the design is ``lagged``; normalising twice changes nothing.
    """
    spec_id = spec.get("id", "?")
    missing = [key for key in REQUIRED_KEYS if key not in spec]
    unknown = set(spec) - set(REQUIRED_KEYS) - set(SPEC_DEFAULTS) - {"label"}
    if missing or unknown:
        raise ValueError(f"specification {spec_id!r}: missing keys {missing}, "
                         f"unknown keys {sorted(unknown)}")
    full = {**SPEC_DEFAULTS, "label": spec["id"], **spec}
    if full["design"] not in DESIGNS:
        raise ValueError(f"specification {spec_id!r}: design must be one of {DESIGNS}, "
                         f"got {full['design']!r}")
    lagged = full["design"] == "lagged"
    if not lagged and spec.get("lags"):
        raise ValueError(f"specification {spec_id!r}: 'lags' needs design 'lagged'")
    if lagged and (not isinstance(full["lags"], int) or full["lags"] < 1):
        raise ValueError(f"specification {spec_id!r}: lags must be a positive integer")
    full["lags"] = full["lags"] if lagged else 0
    unknown_filters = set(full["sample"]) - set(SAMPLE_FILTERS)
    if unknown_filters:
        raise ValueError(f"specification {spec_id!r}: unknown sample filters "
                         f"{sorted(unknown_filters)}; expected some of {SAMPLE_FILTERS}")
    return full


@dataclass(frozen=True)
class Term:
    """One variable of a specification as it enters the regression."""

    column: str  # indicator column
    role: str  # "outcome", "regressor" or "control"
    name: str  # term id, see term_name
    label: str  # readable label, see term_label


def spec_terms(spec: dict) -> list[Term]:
    """The outcome, regressor and control terms of a normalised ``spec``, in that order."""
    log, design = bool(spec["log"]), spec["design"]
    terms = []
    for role, columns in (("outcome", [spec["outcome"]]), ("regressor", spec["regressors"]),
                          ("control", spec["controls"])):
        lags = spec["lags"] if design == "lagged" and role == "regressor" else 0
        terms += [Term(col, role, term_name(col, log, design, lags),
                       term_label(col, log, design, lags)) for col in columns]
    return terms


def spec_variables(specs: Sequence[dict]) -> list[str]:
    """Every indicator column the specifications use -- outcomes, regressors, controls and
    weights -- in order of first use."""
    columns: list[str] = []
    for spec in map(normalise_spec, specs):
        columns += [term.column for term in spec_terms(spec)]
        columns += [spec["weights"]] if spec["weights"] else []
    return list(dict.fromkeys(columns))


def describe_sample(sample: dict) -> str:
    """Readable summary of a spec's sample filters ("" when there are none)."""
    parts = []
    if sample.get("value_chains"):
        parts.append("value chains: " + ", ".join(sample["value_chains"]))
    if sample.get("countries"):
        parts.append("countries: " + ", ".join(sample["countries"]))
    if sample.get("years"):
        years = sample["years"]
        parts.append(f"years {years.get('start', '…')}–{years.get('end', '…')}")
    if sample.get("min_unit_value_coverage") is not None:
        parts.append(f"unit value coverage ≥ {sample['min_unit_value_coverage']:g}")
    return "; ".join(parts)
