"""Classify country x value-chain trajectories into economic and social upgrading.

Bernhardt & Milberg (2011) judge *economic upgrading* in a global value chain by two export
outcomes: a country upgrades when it gains world market share while the unit value of its
exports rises (it sells more, and sells dearer, i.e. moves into higher-value products or
functions); it downgrades when both fall. *Social upgrading* is judged the same way on the
labour side: employment and real wages both rising (more jobs that pay better) or both
falling. Any other combination is "mixed" -- for example gaining share by cutting prices, or
more jobs at lower real pay.

The dimensions are those of the registry (config/dimensions.yaml, loaded by
:func:`gvc_upgrading.dimensions.load_dimensions`): rules name them by id, and the change of
dimension ``<id>`` is the column ``<id>_change``. The module works in two steps that users can
call separately:

* :func:`period_changes` (from :mod:`.changes`) turns a yearly indicator table into changes per
  country x value_chain x period, comparing the first and the last ``endpoint_years`` years;
* :func:`classify_changes` applies a named rule to a table of changes -- the changes may
  also be typed in from a paper.

:func:`classify` chains the two and reports the changes in the measure asked for (log,
percentage or annualised log change, see :func:`express_changes`); the quadrant counts of the
classes are :func:`gvc_upgrading.outputs.tables.quadrant_counts`. Every classified row names
its rule in the column ``rule``.

Rules live in :data:`RULES` (``bernhardt_milberg``, ``kaplinsky_readman``, ``decent_work``,
whose social side is :mod:`.decent_work`, and ``value_capture``, whose economic side is
:mod:`.value_capture`); a further rule is one more :class:`Rule` entry. A rule named
``<rule>+<rule>`` (:func:`get_rule`) takes the economic side of the first and the social side of
the second, e.g. ``value_capture+decent_work``: functional upgrading against decent work, named
in the configuration without code of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import ConfigError
from ..dimensions import Dimension
from .caveats import caveat_columns, flagged_changes
from .changes import (
    CHANGE_MEASURES,
    KEYS,
    LEVEL_CHANGES,
    change_column,
    check_change_measure,
    express_changes,
    period_changes,
    registry_dimensions,
    require_columns,
    with_sex_parts,
)
from .decent_work import DecentWork, judge_social, social_classes
from .value_capture import ECONOMIC as VALUE_CAPTURE_ECONOMIC
from .value_capture import READINGS as VALUE_CAPTURE_READINGS
from .value_capture import value_kept
from .verdicts import (
    CLASSES,
    DIRECTION_WORDS,
    DOWN,
    DOWNGRADING,
    FLAT,
    INSUFFICIENT,
    MAIN_CLASSES,
    MISSING_WORD,
    MIXED,
    UP,
    UPGRADING,
    check_tolerance,
    directions,
    short_name,
)

__all__ = [
    "CHANGE_COLUMNS", "CHANGE_MEASURES", "CLASSES", "DOWN", "DOWNGRADING", "FLAT", "INSUFFICIENT",
    "MAIN_CLASSES", "MIXED", "RULES", "RULE_JOINER", "UNIT_VALUE_CHOICES", "UP", "UPGRADING",
    "DecentWork", "Rule", "check_classification", "classify", "classify_changes",
    "combine_rules", "default_dimensions", "express_changes", "get_rule",
    "period_changes", "rule_dimensions", "verdict_classes",
]

#: What ``unit_value`` in a rule may stand for: the absolute or relative export unit value, or
#: value captured in its place (the domestic value-added share of gross exports, OECD TiVA).
UNIT_VALUE_CHOICES = ("unit_value", "relative_unit_value", "domestic_value_added_share")
#: The dimensions of the 2011 papers and their change columns (the change columns a
#: replication table may name).
CHANGE_COLUMNS: dict[str, str] = {
    name: change_column(name)
    for name in ("market_share", "unit_value", "relative_unit_value", "employment", "real_wage")
}


@dataclass(frozen=True)
class Rule:
    """A named classification rule.

    ``economic`` and ``social`` name the registry dimensions each side looks at (``unit_value``
    stands for the export price chosen by the ``unit_value`` argument); ``combine`` maps an
    (n x k) array of directions (``UP``, ``FLAT``, ``DOWN`` or NaN when the change is
    missing) to n class labels (``combine_by_side`` replaces it for one side). A rule with
    ``judges_decent_work`` judges its social side on the social dimensions in use instead
    (:func:`.decent_work.judge_social`).
    """

    economic: tuple[str, ...]
    social: tuple[str, ...]
    combine: Callable[[np.ndarray], np.ndarray]
    reference: str
    #: Per side, readings of particular direction combinations, appended to the detail text.
    notes: Mapping[str, Mapping[tuple[float, ...], str]] = field(default_factory=dict)
    judges_decent_work: bool = False
    #: Per side, a ``combine`` of its own (``value_capture``: ``{"economic": value_kept}``).
    combine_by_side: Mapping[str, Callable[[np.ndarray], np.ndarray]] = field(
        default_factory=dict)

    def combine_on(self, side: str) -> Callable[[np.ndarray], np.ndarray]:
        """The ``combine`` of ``side``."""
        return self.combine_by_side.get(side, self.combine)


def all_move_together(moves: np.ndarray) -> np.ndarray:
    """Upgrading when every dimension rises, downgrading when every one falls, else mixed.

    A missing direction on any dimension gives "insufficient data"; a flat one gives "mixed".
    """
    missing = np.isnan(moves).any(axis=1)
    up = (moves == UP).all(axis=1)
    down = (moves == DOWN).all(axis=1)
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
#:
#: ``decent_work`` (Barrientos, Gereffi & Rossi 2011): the economic side of Bernhardt & Milberg;
#: the social side judged on every social dimension in use, on measurable standards and on
#: enabling rights separately and together, with a configurable aggregation (:mod:`.decent_work`).
#:
#: ``value_capture`` (functional upgrading, Humphrey & Schmitz 2002, from OECD TiVA): economic
#: upgrading when the domestic value added in the exports of the chain's industry rises and its
#: share of gross exports does not fall, downgrading when it falls and its share does not rise,
#: otherwise mixed with the mixed cells read out (:mod:`.value_capture`); the social side is
#: Bernhardt & Milberg's.
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
    "decent_work": Rule(
        economic=("market_share", "unit_value"),
        social=(),
        combine=all_move_together,
        reference="Barrientos, Gereffi & Rossi (2011), International Labour Review 150(3-4), "
                  "319-340",
        judges_decent_work=True,
    ),
    "value_capture": Rule(
        economic=VALUE_CAPTURE_ECONOMIC,
        social=("employment", "real_wage"),
        combine=all_move_together,
        reference="Humphrey & Schmitz (2002), Regional Studies 36(9), 1017-1027; domestic value "
                  "added in gross exports from OECD TiVA",
        notes={"economic": VALUE_CAPTURE_READINGS},
        combine_by_side={"economic": value_kept},
    ),
}


#: Joins the names of two rules into one: the economic side of the first, the social side of the
#: second (``value_capture+decent_work``).
RULE_JOINER = "+"


def get_rule(name: str) -> Rule:
    """Return the registered rule ``name``, or for ``<economic rule>+<social rule>`` the rule
    made of the first's economic side and the second's social side; a ValueError lists the
    known rules otherwise."""
    if name in RULES:
        return RULES[name]
    economic, joiner, social = name.partition(RULE_JOINER)
    if joiner and economic in RULES and social in RULES:
        return combine_rules(RULES[economic], RULES[social])
    raise ValueError(f"unknown classification rule {name!r}; known rules: {sorted(RULES)}, or "
                     f"two joined by {RULE_JOINER!r} (economic side of the first, social side "
                     "of the second, e.g. 'value_capture+decent_work')")


def combine_rules(economic: Rule, social: Rule) -> Rule:
    """The rule that judges the economic side as ``economic`` does and the social side as
    ``social`` does (its dimensions, combination, readings, and the decent-work judgement)."""
    sides = {"economic": economic, "social": social}
    return Rule(
        economic=economic.economic, social=social.social, combine=economic.combine,
        reference=f"economic side: {economic.reference}; social side: {social.reference}",
        notes={side: rule.notes[side] for side, rule in sides.items() if side in rule.notes},
        judges_decent_work=social.judges_decent_work,
        combine_by_side={side: rule.combine_on(side) for side, rule in sides.items()},
    )


def default_dimensions(rule: str = "bernhardt_milberg") -> dict[str, Dimension]:
    """The registry dimensions a call without ``dimensions`` uses: the market-position ones
    (both export prices, between which ``unit_value`` chooses), the other economic ones the rule
    reads (``value_capture``), and the social ones it reads (for ``decent_work`` every social
    dimension of the registry), in registry order."""
    chosen = get_rule(rule)
    return {name: dim for name, dim in registry_dimensions().items()
            if (dim.side == "economic" and dim.group == "market_position")
            or name in chosen.economic or (dim.side == "social" and chosen.judges_decent_work)
            or name in chosen.social}


def _pick(dimensions: Mapping[str, Dimension], names: Sequence[str], rule: str) -> list:
    """The dimensions ``names`` of ``dimensions``; a ValueError names those not in use."""
    missing = [name for name in names if name not in dimensions]
    if missing:
        raise ValueError(f"rule {rule!r} reads the dimension(s) {missing}, which are not in use "
                         f"(config key dimensions.use; in use: {list(dimensions)})")
    return [dimensions[name] for name in names]


def _dimensions(
    rule: str, unit_value: str, dimensions: Mapping[str, Dimension],
    decent_work: DecentWork | None = None,
) -> dict[str, list[Dimension]]:
    """The economic and social dimensions of ``rule``, with ``unit_value`` resolved."""
    if unit_value not in UNIT_VALUE_CHOICES:
        raise ValueError(
            f"unit_value must be one of {list(UNIT_VALUE_CHOICES)}, got {unit_value!r}"
        )
    chosen = get_rule(rule)
    economic = [unit_value if name == "unit_value" else name for name in chosen.economic]
    if chosen.judges_decent_work:
        social = (decent_work or DecentWork()).chosen(dimensions)
    else:
        social = _pick(dimensions, chosen.social, rule)
    return {"economic": _pick(dimensions, economic, rule), "social": social}


def rule_dimensions(
    rule: str, unit_value: str = "unit_value",
    dimensions: Mapping[str, Dimension] | None = None,
    decent_work: DecentWork | None = None,
) -> dict[str, list[Dimension]]:
    """The registry dimensions that rule ``rule`` reads on its economic and social side."""
    dimensions = default_dimensions(rule) if dimensions is None else dimensions
    return _dimensions(rule, unit_value, dimensions, decent_work)


def _detail(
    dimensions: list[Dimension],
    moves: np.ndarray,
    index: pd.Index,
    notes: Mapping[tuple[float, ...], str],
) -> pd.Series:
    """Readable summary such as "market share up, unit value down", plus the rule's reading.

    ``notes`` maps a combination of directions to a reading appended in parentheses.
    """
    parts = []
    for position, dimension in enumerate(dimensions):
        words = pd.Series(moves[:, position], index=index).map(DIRECTION_WORDS)
        parts.append(short_name(dimension) + " " + words.fillna(MISSING_WORD).astype("str"))
    detail = parts[0].str.cat(parts[1:], sep=", ") if len(parts) > 1 else parts[0]
    for combination, note in notes.items():
        matches = (moves == np.asarray(combination)).all(axis=1)
        detail = detail.where(~matches, detail + f" ({note})")
    return detail


def _moves(changes: pd.DataFrame, dims: list[Dimension], tolerance: float) -> np.ndarray:
    """(n x k) directions of the changes of ``dims`` (UP, FLAT, DOWN or NaN)."""
    values = np.column_stack([
        pd.to_numeric(changes[change_column(dim.id)]).to_numpy(dtype="float64", na_value=np.nan)
        for dim in dims
    ])
    return directions(values, tolerance)


def _side_verdict(
    changes: pd.DataFrame, dims: list[Dimension], chosen: Rule, side: str, tolerance: float
) -> dict[str, pd.Series]:
    """Class and detail of one side under an all-move-together style ``combine``."""
    moves = _moves(changes, dims, tolerance)
    return {
        f"{side}_class": pd.Series(chosen.combine_on(side)(moves), index=changes.index,
                                   dtype="str"),
        f"{side}_detail": _detail(dims, moves, changes.index, chosen.notes.get(side, {})),
    }


def verdict_classes(
    changes: pd.DataFrame,
    rule: str = "bernhardt_milberg",
    tolerance: float = 0.0,
    unit_value: str = "unit_value",
    dimensions: Mapping[str, Dimension] | None = None,
    decent_work: DecentWork | None = None,
) -> dict[str, np.ndarray]:
    """The class labels :func:`classify_changes` gives, without its other columns (for
    reclassifying many times): arrays by verdict, ``economic`` and ``social`` and, for
    ``decent_work``, ``standards`` and ``rights``."""
    chosen = get_rule(rule)
    tolerance = check_tolerance(tolerance)
    dimensions = default_dimensions(rule) if dimensions is None else dimensions
    sides = _dimensions(rule, unit_value, dimensions, decent_work)
    read = sides["economic"] + ([] if chosen.judges_decent_work else sides["social"])
    require_columns(changes, [change_column(dim.id) for dim in read], "change table")
    classes = {"economic": chosen.combine_on("economic")(
        _moves(changes, sides["economic"], tolerance))}
    if chosen.judges_decent_work:
        return classes | social_classes(changes, sides["social"], decent_work or DecentWork(),
                                        tolerance)
    return classes | {"social": chosen.combine_on("social")(
        _moves(changes, sides["social"], tolerance))}


def classify_changes(
    changes: pd.DataFrame,
    rule: str = "bernhardt_milberg",
    tolerance: float = 0.0,
    unit_value: str = "unit_value",
    dimensions: Mapping[str, Dimension] | None = None,
    decent_work: DecentWork | None = None,
) -> pd.DataFrame:
    """Classify a table of changes with a named rule.

    ``changes`` needs the change columns the rule uses (for ``bernhardt_milberg``:
    market_share_change, unit_value_change -- or relative_unit_value_change when
    ``unit_value="relative_unit_value"`` -- employment_change and real_wage_change; for
    ``kaplinsky_readman`` relative_unit_value_change whatever ``unit_value`` says; for
    ``decent_work`` the economic ones of ``bernhardt_milberg``, while a social dimension
    without its column counts as "no data"; for ``value_capture``
    domestic_value_added_change and domestic_value_added_share_change with the social ones of
    ``bernhardt_milberg``); any other columns are kept. A change rises when
    it is above ``tolerance``, falls when it is below ``-tolerance`` and is flat otherwise, so
    ``tolerance`` is the size of change treated as noise, in the unit of the change columns
    (log points for :func:`period_changes` output). ``dimensions`` are the registry
    dimensions in use (default :func:`default_dimensions`); ``decent_work`` the settings of
    that rule's social side. Adds rule, economic_class, social_class, economic_detail and
    social_detail, and for ``decent_work`` the columns of :func:`.decent_work.judge_social`.
    """
    chosen = get_rule(rule)
    tolerance = check_tolerance(tolerance)
    dimensions = default_dimensions(rule) if dimensions is None else dimensions
    sides = _dimensions(rule, unit_value, dimensions, decent_work)
    read = sides["economic"] + ([] if chosen.judges_decent_work else sides["social"])
    require_columns(changes, [change_column(dim.id) for dim in read], "change table")

    economic = _side_verdict(changes, sides["economic"], chosen, "economic", tolerance)
    if chosen.judges_decent_work:
        social = judge_social(changes, sides["social"], decent_work or DecentWork(), tolerance)
        extra = social.drop(columns=["social_class", "social_detail"])
    else:
        social = _side_verdict(changes, sides["social"], chosen, "social", tolerance)
        extra = pd.DataFrame(index=changes.index)
    kept = changes.drop(columns=[column for column in extra.columns if column in changes])
    return kept.assign(
        rule=rule,
        economic_class=economic["economic_class"], social_class=social["social_class"],
        economic_detail=economic["economic_detail"], social_detail=social["social_detail"],
    ).join(extra)


def classify(
    indicators: pd.DataFrame,
    periods: Sequence[Mapping],
    rule: str = "bernhardt_milberg",
    tolerance: float = 0.0,
    endpoint_years: int = 3,
    min_endpoint_observations: int = 1,
    unit_value: str = "unit_value",
    change: str = "log",
    dimensions: Mapping[str, Dimension] | None = None,
    decent_work: DecentWork | None = None,
    level_changes: Sequence[str] = LEVEL_CHANGES,
    series_breaks: str = "flag",
) -> pd.DataFrame:
    """Classify every country x value_chain x period of a yearly indicator table.

    ``indicators`` needs country, value_chain, year and the indicator columns the rule uses
    (for ``decent_work`` the economic ones: a social dimension whose column is absent has no
    data); ``unit_value`` chooses the export price measure: ``"unit_value"`` (USD per kg, as
    Bernhardt & Milberg), ``"relative_unit_value"`` (relative to the world price of the same
    products, which nets out product mix and world price trends) or
    ``"domestic_value_added_share"`` (value captured in place of the price, OECD TiVA). ``dimensions`` are the
    registry dimensions in use (config ``dimensions``; default :func:`default_dimensions`):
    the table gets a change column for each, and for one split by sex also the changes of its
    women's and men's columns (``<id>_female_change``, ``<id>_male_change``). Classes are decided on log changes (changes in
    levels for ``level_changes``), so ``tolerance`` is in log points whatever ``change`` says;
    ``change`` (one of :data:`CHANGE_MEASURES`) only chooses how the change columns are
    reported, and the column ``change_measure`` names it. Otherwise equivalent to
    :func:`period_changes` followed by :func:`classify_changes`; see those for the details.
    ``economic_caveat``, ``social_caveat``: what each verdict rests on of breaks in series and
    unreliable values (:mod:`.caveats`; ``series_breaks="drop"`` drops changes across a break).
    """
    chosen = get_rule(rule)
    check_tolerance(tolerance)
    check_change_measure(change)
    dimensions = default_dimensions(rule) if dimensions is None else dimensions
    sides = _dimensions(rule, unit_value, dimensions, decent_work)
    read = sides["economic"] + ([] if chosen.judges_decent_work else sides["social"])
    require_columns(indicators, [*KEYS, "year", *(dim.column for dim in read)],
                     "indicator table")
    measured, levels = with_sex_parts(dimensions, level_changes)
    changes = period_changes(indicators, periods, endpoint_years, min_endpoint_observations,
                             measured, levels)
    changes, flags = flagged_changes(changes, indicators, periods, endpoint_years, dimensions,
                                     level_changes, series_breaks)
    classified = classify_changes(changes, rule, tolerance, unit_value, dimensions, decent_work)
    expressed = express_changes(classified, change, endpoint_years, measured, levels)
    leading = list(changes.columns) + ["change_measure"]
    result = expressed[leading + [c for c in expressed.columns if c not in leading]]
    return result.join(caveat_columns(result, flags, sides, series_breaks))


def check_classification(
    settings: Mapping, dimensions: Mapping[str, Dimension], registry_ids: Sequence[str]
) -> None:
    """Check the config section ``classification`` against the dimensions in use: the ids of
    ``level_changes`` are registry ids and the decent_work settings name social dimensions in
    use. Raises a :class:`~gvc_upgrading.config.ConfigError` naming the key."""
    unknown = [name for name in settings["level_changes"] if name not in registry_ids]
    if unknown:
        raise ConfigError(f"config key 'classification.level_changes': {unknown} are not "
                          f"dimensions of the registry (known: {sorted(registry_ids)})")
    decent_work = DecentWork.from_config(settings["decent_work"])
    try:
        decent_work.chosen(dimensions)
    except ValueError as error:
        raise ConfigError(f"config key {error}") from error
    try:
        _dimensions(settings["rule"], "unit_value", dimensions, decent_work)
    except ValueError as error:
        raise ConfigError(f"config key 'classification.rule': {error}") from error
