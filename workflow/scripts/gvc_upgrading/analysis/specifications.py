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
* ``log_outcome``: log the outcome (``None``, the default: as ``log``). ``false`` with ``log``
  true is a semi-log model for outcomes in per cent or that can be negative (the gender pay
  gap): the coefficient is the change of the outcome, in its units, per log point.
* ``interactions``: pairs ``[regressor, moderator]``. Each adds the product of the regressor,
  as it enters (logged with ``log``, lagged in the lagged design), and the moderator, as it
  enters (logged only with ``log_moderators``; default false, since moderators are usually
  rates or indices, such as union density or the SDG 8.8.2 labour-rights index), and the
  moderator's main effect (once per moderator). The regressor must be one of ``regressors``;
  a moderator must not also be the outcome, a regressor or a control. The regressor's own
  coefficient is then its slope where the moderator is 0. Terms are named
  ``log_market_share_x_union_density`` and labelled "log market share × union density";
  the moderator's main effect has role ``moderator``. A moderator that is constant within the
  fixed effects (a country-level right observed once per country, with country fixed effects)
  is absorbed: its main effect is dropped and reported as absorbed, and the interaction is
  still identified from the regressor's variation.
* ``log_moderators``: log the moderators (rows with a non-positive moderator are dropped).
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
  - ``lagged``: the regressors (not the controls or moderators) enter with their value
    ``lags`` years earlier in the same country and value chain; a missing earlier year gives
    no observation. Terms are named ``log_market_share_lag1``. An interaction multiplies the
    lagged regressor by the moderator of the observation's own year (the right in force when
    the outcome is observed): ``log_market_share_lag1_x_union_density``.
  - ``long_difference``: one observation per country x value chain x period (the periods
    passed in: the workflow passes the classification periods and end windows, so that the
    regression explains the changes that are classified). Every variable is the change
    between its mean over the first and its mean over the last ``endpoint_years`` years of the
    period (each variable over the years in which it is observed; both ends are needed);
    weights are their mean over the period. The ``year`` fixed effect and cluster dimension
    then stand for the period (coded by its end year). Terms are named ``d_log_market_share``.
    A moderator is not differenced: it enters as its level at the start of the period (its mean
    over the first end window, ``union_density_start``), and the interaction is the change of
    the regressor times that level (``d_log_market_share_x_union_density_start``): does the
    same change of market share go with a different change of the outcome where the right was
    stronger when the period began? (The change of the product, the difference of an annual
    model with the interaction, would mix in the change of the right and the level of the
    regressor, and needs the right in both windows; rights data are sparse.)

Labels
------
A term's label names its variable by a short readable name: :data:`VARIABLE_LABELS` for the
economic indicators and the two classic social ones, else the label of the dimension registry
(config/dimensions.yaml) that owns the column, passed in as :func:`dimension_variables`; women's
and men's columns of a dimension split by sex (``<column>_female``, ``<column>_male``) read
"… (women)" and "… (men)". Any other column is named by its id with spaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..dimensions import SEXES, Dimension

FIXED_EFFECTS = ("country", "year", "value_chain", "country_value_chain")
CLUSTER_DIMENSIONS = ("country", "year", "value_chain")
DESIGNS = ("annual", "lagged", "long_difference")
SAMPLE_FILTERS = ("value_chains", "countries", "years", "min_unit_value_coverage")
#: Roles of the terms of a specification, in the order tables list them.
ROLES = ("outcome", "regressor", "interaction", "moderator", "control")
#: Defaults of the optional specification keys (the config schema declares the same).
SPEC_DEFAULTS = {
    "log": True,
    "log_outcome": None,
    "controls": [],
    "interactions": [],
    "log_moderators": False,
    "fixed_effects": ["country", "year"],
    "cluster": ["country"],
    "by_value_chain": True,
    "sample": {},
    "weights": None,
    "design": "annual",
    "lags": 1,
}
REQUIRED_KEYS = ("id", "outcome", "regressors")
#: The value_chain of the estimates of a specification pooled over the chains.
POOLED = "pooled"
#: Note of a term whose column the fixed effects absorb (no estimate).
ABSORBED = "absorbed by the fixed effects"
#: Short readable names of indicator columns, for term labels ("log market share"); they take
#: precedence over the registry's longer labels.
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
    "domestic_value_added_usd_constant": "domestic value added",
    "domestic_value_added_share": "domestic value-added share",
    "foreign_value_added_share": "foreign value-added share",
    "forward_participation_share": "forward participation",
}
#: How the labels name the sexes of the by-sex columns.
SEX_WORDS = {"female": "women", "male": "men"}
#: Label suffix and name suffix of a moderator in long differences (its start-of-period level).
START_LABEL, START_SUFFIX = " (start of period)", "_start"


def dimension_variables(dimensions: Iterable[Dimension]) -> dict[str, dict]:
    """Label and unit of every indicator column of the registry's ``dimensions``.

    ``{column: {"label", "unit"}}`` for each dimension's column and, for a dimension split by
    sex, ``{"label", "unit", "of", "sex"}`` for ``<column>_female`` and ``<column>_male``
    (``of``: the column they split; ``sex``: ``female`` or ``male``). Plain data, so that a rule
    can pass it as a parameter.
    """
    variables: dict[str, dict] = {}
    for dim in dimensions:
        variables[dim.column] = {"label": dim.label, "unit": dim.unit}
        if dim.by_sex:
            for sex in SEXES:
                variables[f"{dim.column}_{sex}"] = {
                    "label": f"{dim.label} ({SEX_WORDS[sex]})", "unit": dim.unit,
                    "of": dim.column, "sex": sex}
    return variables


def _lower_first(text: str) -> str:
    """"Trade union density" -> "trade union density"; an acronym ("SDG …") stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def variable_label(column: str, variables: Mapping[str, dict] | None = None) -> str:
    """Short readable name of an indicator column (``market_share`` -> "market share").

    ``variables`` (:func:`dimension_variables`) supplies the registry's labels: a women's or
    men's column reads "<label of the column it splits> (women)" / "(men)".
    """
    info = (variables or {}).get(column)
    if info and info.get("sex"):
        return f"{variable_label(info['of'], variables)} ({SEX_WORDS[info['sex']]})"
    if column in VARIABLE_LABELS:
        return VARIABLE_LABELS[column]
    if info:
        return _lower_first(info["label"])
    return column.replace("_", " ")


def term_name(column: str, log: bool, design: str = "annual", lags: int = 0) -> str:
    """Name of the regression term built from indicator ``column``.

    ``log_market_share``; ``d_log_market_share`` in long differences; ``log_market_share_lag1``
    for a regressor lagged one year (``lags`` is 0 for the outcome and the controls).
    """
    name = f"log_{column}" if log else column
    if design == "long_difference":
        return f"d_{name}"
    return f"{name}_lag{lags}" if lags else name


def term_label(column: str, log: bool, design: str = "annual", lags: int = 0,
               variables: Mapping[str, dict] | None = None) -> str:
    """Readable label of :func:`term_name`: "log market share", "Δ log market share",
    "log market share (t−1)"."""
    text = ("log " if log else "") + variable_label(column, variables)
    if design == "long_difference":
        return f"Δ {text}"
    return f"{text} (t−{lags})" if lags else text


def moderator_name(column: str, log: bool, design: str = "annual") -> str:
    """Name of a moderator's main effect: ``union_density``; ``union_density_start`` in long
    differences (its level at the start of the period, not a change)."""
    name = f"log_{column}" if log else column
    return name + START_SUFFIX if design == "long_difference" else name


def moderator_label(column: str, log: bool, design: str = "annual",
                    variables: Mapping[str, dict] | None = None) -> str:
    """Readable label of :func:`moderator_name`: "union density", "union density (start of
    period)"."""
    text = ("log " if log else "") + variable_label(column, variables)
    return text + START_LABEL if design == "long_difference" else text


def _spec_error(spec_id: str, problem: str) -> ValueError:
    return ValueError(f"specification {spec_id!r}: {problem}")


def _check_interactions(full: dict) -> list[list[str]]:
    """The spec's interactions as ``[regressor, moderator]`` lists, after checking them."""
    spec_id, pairs = full["id"], full["interactions"]
    if not isinstance(pairs, (list, tuple)):
        raise _spec_error(spec_id, f"interactions must be a list of [regressor, moderator] "
                                   f"pairs, got {pairs!r}")
    checked: list[list[str]] = []
    for pair in pairs:
        if (not isinstance(pair, (list, tuple)) or len(pair) != 2
                or not all(isinstance(part, str) for part in pair)):
            raise _spec_error(spec_id, f"each interaction is a pair [regressor, moderator] of "
                                       f"indicator columns, got {pair!r}")
        regressor, moderator = pair
        if regressor not in full["regressors"]:
            raise _spec_error(spec_id, f"interaction {list(pair)}: {regressor!r} is not one of "
                                       f"the regressors {list(full['regressors'])}")
        if moderator in [full["outcome"], *full["regressors"], *full["controls"]]:
            raise _spec_error(spec_id, f"interaction {list(pair)}: the moderator {moderator!r} "
                                       "enters with its own main effect, so it must not also "
                                       "be the outcome, a regressor or a control")
        if list(pair) in checked:
            raise _spec_error(spec_id, f"interaction {list(pair)} is listed twice")
        checked.append(list(pair))
    return checked


def normalise_spec(spec: dict) -> dict:
    """``spec`` with every optional key filled in from :data:`SPEC_DEFAULTS`.

    Raises ValueError naming the spec for a missing required key, an unknown key, an unknown
    design or sample filter, ``lags`` given without ``design: lagged``, or a malformed
    interaction. ``lags`` is 0 in the result unless the design is ``lagged``; ``log_outcome``
    is true or false (``None`` becomes ``log``); normalising twice changes nothing.
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
    full["log_outcome"] = bool(full["log"] if full["log_outcome"] is None
                               else full["log_outcome"])
    full["interactions"] = _check_interactions(full)
    unknown_filters = set(full["sample"]) - set(SAMPLE_FILTERS)
    if unknown_filters:
        raise ValueError(f"specification {spec_id!r}: unknown sample filters "
                         f"{sorted(unknown_filters)}; expected some of {SAMPLE_FILTERS}")
    return full


@dataclass(frozen=True)
class Term:
    """One variable of a specification as it enters the regression."""

    column: str  # indicator column (of an interaction: the regressor)
    role: str  # one of ROLES
    name: str  # term id, see term_name and moderator_name
    label: str  # readable label, see term_label and moderator_label
    moderator: str = ""  # of an interaction: the moderator's indicator column


def spec_moderators(spec: dict) -> list[str]:
    """The moderators of a normalised ``spec``, each once, in order of first use."""
    return list(dict.fromkeys(moderator for _, moderator in spec["interactions"]))


def entered_columns(spec: dict) -> dict[str, bool]:
    """Every indicator column a normalised ``spec`` enters (outcome, regressors, moderators,
    controls) -> whether it is logged."""
    entered = {spec["outcome"]: bool(spec["log_outcome"])}
    entered |= {col: bool(spec["log"]) for col in spec["regressors"]}
    entered |= {col: bool(spec["log_moderators"]) for col in spec_moderators(spec)}
    entered |= {col: bool(spec["log"]) for col in spec["controls"]}
    return entered


def spec_terms(spec: dict, variables: Mapping[str, dict] | None = None) -> list[Term]:
    """The terms of a normalised ``spec`` in the order of :data:`ROLES`: the outcome, the
    regressors, the interactions (in the order listed), the moderators' main effects and the
    controls. ``variables`` (:func:`dimension_variables`) supplies registry labels."""
    log, design = bool(spec["log"]), spec["design"]
    lags = spec["lags"] if design == "lagged" else 0
    outcome = spec["outcome"]
    terms = [Term(outcome, "outcome", term_name(outcome, spec["log_outcome"], design),
                  term_label(outcome, spec["log_outcome"], design, 0, variables))]
    regressors = {col: Term(col, "regressor", term_name(col, log, design, lags),
                            term_label(col, log, design, lags, variables))
                  for col in spec["regressors"]}
    log_moderators = bool(spec["log_moderators"])
    moderators = {col: Term(col, "moderator", moderator_name(col, log_moderators, design),
                            moderator_label(col, log_moderators, design, variables))
                  for col in spec_moderators(spec)}
    interactions = [
        Term(regressor, "interaction",
             f"{regressors[regressor].name}_x_{moderators[moderator].name}",
             f"{regressors[regressor].label} × {moderators[moderator].label}", moderator)
        for regressor, moderator in spec["interactions"]
    ]
    controls = [Term(col, "control", term_name(col, log, design),
                     term_label(col, log, design, 0, variables)) for col in spec["controls"]]
    return [*terms, *regressors.values(), *interactions, *moderators.values(), *controls]


def spec_variables(specs: Sequence[dict]) -> list[str]:
    """Every indicator column the specifications use -- outcomes, regressors, moderators,
    controls and weights -- in order of first use."""
    columns: list[str] = []
    for spec in map(normalise_spec, specs):
        columns += list(entered_columns(spec))
        columns += [spec["weights"]] if spec["weights"] else []
    return list(dict.fromkeys(columns))


def specs_of_dimensions(specs: Sequence[dict], used: Iterable[Dimension],
                        known: Iterable[Dimension]) -> tuple[list[dict], dict[str, list[str]]]:
    """The specifications whose columns the dimensions in ``used`` fill, and, for those left
    out, the ids of the registry dimensions (``known``) they need but that are not in use.

    A run that leaves a dimension out (an open-data run without the ILOSTAT decent-work files)
    thus keeps the default specifications it can estimate. A column no registry dimension
    writes (a built indicator such as labour productivity) is not checked here."""
    owner = {column: dim.id for dim in known for column in dim.columns}
    in_use = {column for dim in used for column in dim.columns}
    kept, skipped = [], {}
    for spec in specs:
        lacking = [owner[c] for c in spec_variables([spec]) if c in owner and c not in in_use]
        if lacking:
            skipped[spec["id"]] = list(dict.fromkeys(lacking))
        else:
            kept.append(spec)
    return kept, skipped


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
