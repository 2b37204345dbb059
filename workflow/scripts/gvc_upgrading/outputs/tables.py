"""Publication tables: regression tables, upgrading-quadrant cross-tabs, descriptive statistics.

Every table is first laid out once as a format-neutral grid of plain-text cells and then
rendered as a Markdown pipe table, a LaTeX ``tabular`` with booktabs rules, or an HTML
``<table>`` fragment, so that the three formats always show the same numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.caveats import CAVEAT_MARK, CAVEAT_NOTE, CAVEATS
from ..analysis.classify import get_rule
from ..analysis.specifications import ABSORBED, POOLED, ROLES, SEX_WORDS, variable_label
from ..grid import Grid, render

STARS = ((0.01, "***"), (0.05, "**"), (0.10, "*"))
STAR_NOTE = "* p < 0.10, ** p < 0.05, *** p < 0.01."
POOLED_LABEL = "All chains"  # column heading of estimates pooled over the value chains
CLASSES = ("upgrading", "mixed", "downgrading", "insufficient data")
DIMENSION_LABELS = {
    "country": "Country",
    "year": "Year",
    "value_chain": "Value chain",
    "country_value_chain": "Country × value chain",
}


def stars(p_value: float) -> str:
    """Significance stars: *** p < 0.01, ** p < 0.05, * p < 0.10, else none (also for NaN)."""
    for level, mark in STARS:
        if p_value < level:
            return mark
    return ""


def _number(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals and thousands separators, or "" when missing."""
    return "" if pd.isna(value) else f"{value:,.{digits}f}"


def _ordered_unique(values: pd.Series) -> list:
    """Distinct values in order of first appearance."""
    return list(pd.unique(values))


# --- regression table ---------------------------------------------------------------------


def _dimension_list(joined: str) -> list[str]:
    """``"country+year"`` -> ``["country", "year"]`` (empty string -> [])."""
    return [part for part in str(joined).split("+") if part]


DESIGN_LABELS = {
    "annual": "Annual panel",
    "lagged": "Lagged regressors",
    "long_difference": "Long differences",
}


def _term_rows(estimates: pd.DataFrame) -> list[tuple[str, str]]:
    """(term id, label) of every reported term: regressors first, then interactions, the
    moderators' main effects and the controls (each in order of first appearance)."""
    rank = estimates["role"].map({role: i for i, role in enumerate(ROLES)}).fillna(len(ROLES))
    ordered = estimates.assign(_rank=rank).sort_values("_rank", kind="stable")
    return list(dict.fromkeys(zip(ordered["term"], ordered["term_label"])))


def _coefficient_cells(row: pd.Series, digits: int) -> tuple[str, str]:
    """The coefficient (with stars) and the standard error (in parentheses) of one term;
    "absorbed" for a term the fixed effects absorbed."""
    if pd.isna(row["estimate"]) and row.get("note") == ABSORBED:
        return "absorbed", ""
    estimate = _number(row["estimate"], digits)
    se_text = _number(row["std_error"], digits)
    return (estimate + stars(row["p_value"]) if estimate else "",
            f"({se_text})" if se_text else "")


def _notes(estimates: pd.DataFrame, designs: set[str]) -> str:
    """The table note: standard errors and stars, then what the table's terms need said."""
    note = ("Cluster-robust standard errors in parentheses (clustering as listed). "
            f"{STAR_NOTE}")
    if "long_difference" in designs:
        note += (" Long differences: change between the means over the first and the last "
                 "years of each period; year fixed effects and clusters stand for periods.")
    if (estimates["role"] == "interaction").any():
        note += (" Terms a × b are the product of a and b, entered with both main effects, so "
                 "the coefficient of a is its slope where b is 0; in long differences b is its "
                 "level at the start of the period.")
    if (estimates.get("note", pd.Series(dtype=str)) == ABSORBED).any():
        note += (" Absorbed: the term is constant within the fixed effects, so it was dropped "
                 "and has no estimate.")
    return note


def _regression_grid(
    estimates: pd.DataFrame, digits: int, chain_labels: Mapping[str, str]
) -> Grid:
    """Lay out the regression table: one column per (spec, value chain)."""
    spec_rank = {s: i for i, s in enumerate(_ordered_unique(estimates["spec_id"]))}
    chain_rank = {c: i for i, c in enumerate(_ordered_unique(estimates["value_chain"]))}
    keys = sorted(
        estimates[["spec_id", "value_chain"]].drop_duplicates().itertuples(index=False, name=None),
        key=lambda key: (spec_rank[key[0]], chain_rank[key[1]]),
    )
    by_key = {
        key: rows.set_index("term")
        for key, rows in estimates.groupby(["spec_id", "value_chain"], sort=False)
    }
    first = {key: by_key[key].iloc[0] for key in keys}

    spec_labels = dict(zip(estimates["spec_id"], estimates["spec_label"].astype(str)))
    groups = [
        (spec_labels[spec_id], len(list(columns)))
        for spec_id, columns in itertools.groupby(keys, key=lambda key: key[0])
    ]
    header = [
        [("", 1), *groups],
        [("", 1)] + [(chain_labels.get(chain, chain), 1) for _, chain in keys],
        [("", 1)] + [(f"({i})", 1) for i in range(1, len(keys) + 1)],
    ]

    body: list[list[str]] = [["Outcome"] + [str(first[k]["outcome_label"]) for k in keys]]
    for term, label in _term_rows(estimates):
        coef, se = [str(label)], [""]
        for key in keys:
            cells = (_coefficient_cells(by_key[key].loc[term], digits)
                     if term in by_key[key].index else ("", ""))
            coef.append(cells[0])
            se.append(cells[1])
        body += [coef, se]

    stats_start = len(body)
    body.append(["N"] + [f"{int(first[k]['n_obs']):,}" for k in keys])
    body.append(["Clusters"] + [f"{int(first[k]['n_clusters']):,}" for k in keys])
    body.append(["R²"] + [_number(first[k]["r_squared"], digits) for k in keys])
    body.append(["R² within"] + [_number(first[k]["r_squared_within"], digits) for k in keys])
    fixed = {k: _dimension_list(first[k]["fixed_effects"]) for k in keys}
    for fe in dict.fromkeys(fe for k in keys for fe in fixed[k]):
        label = DIMENSION_LABELS.get(fe, fe)
        body.append([f"{label} fixed effects"] + ["Yes" if fe in fixed[k] else "No" for k in keys])
    body.append(
        ["Clustered by"]
        + [", ".join(DIMENSION_LABELS.get(d, d) for d in _dimension_list(first[k]["cluster"]))
           for k in keys]
    )
    body += _design_rows([first[k] for k in keys])
    note = _notes(estimates, {first[k]["design"] for k in keys})
    return Grid(header=header, body=body, rules=frozenset({1, stats_start}), note=note)


def _design_rows(columns: list[pd.Series]) -> list[list[str]]:
    """Rows for the design, weights and sample, each shown only when some column departs
    from the default (annual panel, unweighted, full sample)."""
    rows = []
    if any(col["design"] != "annual" for col in columns):
        rows.append(["Design"] + [DESIGN_LABELS.get(col["design"], col["design"])
                                  for col in columns])
    if any(col["weights"] for col in columns):
        rows.append(["Weights"] + [variable_label(col["weights"]).capitalize()
                                   if col["weights"] else "None" for col in columns])
    if any(col["sample"] for col in columns):
        rows.append(["Sample"] + [col["sample"] or "All" for col in columns])
    return rows


def regression_table(
    estimates: pd.DataFrame,
    fmt: str,
    digits: int = 3,
    chain_labels: Mapping[str, str] | None = None,
) -> str:
    """Render tidy ``estimates`` as a multi-column regression table.

    One column per (spec_id, value_chain), specs in order of first appearance and chains in
    their order of first appearance. The first row names each column's outcome
    (``outcome_label``). Each term, by its readable ``term_label`` (regressors first, then
    interactions, moderators and controls), shows the coefficient with significance stars and,
    on the next row, its standard error in parentheses ("absorbed" where the fixed effects
    absorbed the term, with a note); the bottom rows give N, the number of clusters,
    R², within R², the fixed effects, the clustering and, where any column departs from the
    default, the design, weights and sample. ``chain_labels`` maps value-chain ids to display
    names.
    """
    if estimates.empty:
        raise ValueError("no estimates to tabulate")
    labels = {POOLED: POOLED_LABEL, **(chain_labels or {})}
    return render(_regression_grid(estimates, digits, labels), fmt)


# --- upgrading quadrants ------------------------------------------------------------------


def quadrant_counts(classification: pd.DataFrame) -> pd.DataFrame:
    """Count countries per economic x social class for each value chain and period.

    Every combination of the known classes appears (count 0 when absent); ``share`` is the
    count divided by the number of countries classified in that value chain and period. With
    a ``rule`` column (every classification the workflow writes has one) the counts are per
    rule as well, and a first column ``rule`` names the rule that made the classes. With the
    caveat columns of the classification, ``with_caveat`` counts the countries of a cell whose
    economic or social verdict rests on a break in series or on unreliable values.
    """
    blocks_by = [*(["rule"] if "rule" in classification.columns else []), "value_chain", "period"]
    observed = pd.concat([classification["economic_class"], classification["social_class"]])
    classes = list(CLASSES) + [c for c in _ordered_unique(observed) if c not in CLASSES]
    blocks = classification[blocks_by].drop_duplicates()
    grid = pd.MultiIndex.from_tuples(
        [(*block, econ, social)
         for block in blocks.itertuples(index=False, name=None)
         for econ in classes for social in classes],
        names=[*blocks_by, "economic_class", "social_class"],
    )
    counts = (
        classification.groupby(list(grid.names), sort=False).size().reindex(grid, fill_value=0)
    )
    totals = counts.groupby(level=blocks_by, sort=False).transform("sum")
    result = counts.rename("count").reset_index()
    result["count"] = result["count"].astype("int64")
    result["share"] = (counts / totals).to_numpy()
    caveats = [column for column in CAVEATS if column in classification.columns]
    if caveats:
        flagged = np.logical_or.reduce([
            (classification[column].astype("string").fillna("") != "").to_numpy()
            for column in caveats])
        marked = (classification[flagged].groupby(list(grid.names), sort=False).size()
                  .reindex(grid, fill_value=0))
        result["with_caveat"] = marked.to_numpy().astype("int64")
    return result


def _rule_note(counts: pd.DataFrame) -> str:
    """"Classes by the bernhardt_milberg rule (reference)." for each rule of the counts."""
    if "rule" not in counts.columns:
        return ""
    names = _ordered_unique(counts["rule"])
    described = [f"{name} ({_reference(name)})" if _reference(name) else name for name in names]
    return f"Classes by the {' and '.join(described)} rule{'s' if len(names) > 1 else ''}. "


def _reference(rule: str) -> str:
    """The reference of a known rule (two joined rules too), else an empty string."""
    try:
        return get_rule(rule).reference
    except ValueError:
        return ""


def _quadrant_grid(counts: pd.DataFrame, chain_labels: Mapping[str, str]) -> Grid:
    """Lay out the cross-tab: rows = chain x period x economic class, columns = social class
    (with several rules, a first column names the rule of each block)."""
    several = "rule" in counts.columns and counts["rule"].nunique() > 1
    blocks_by = [*(["rule"] if several else []), "value_chain", "period"]
    social = _ordered_unique(counts["social_class"])
    header = [[*([("Rule", 1)] if several else []), ("Value chain", 1), ("Period", 1),
               ("Economic class", 1)] + [(f"Social: {s}", 1) for s in social] + [("Total", 1)]]
    body: list[list[str]] = []
    rules: set[int] = set()
    for block_key, block in counts.groupby(blocks_by, sort=False):
        *rule, chain, period = block_key
        rules.add(len(body))
        table = block.pivot(index="economic_class", columns="social_class", values="count")
        table = table.reindex(index=_ordered_unique(block["economic_class"]), columns=social)
        total = int(block["count"].sum())
        marked = (block.pivot(index="economic_class", columns="social_class",
                              values="with_caveat").reindex(index=table.index, columns=social)
                  if "with_caveat" in block else table * 0)
        for i, (econ, row) in enumerate(table.iterrows()):
            cells = [f"{int(n)} ({n / total:.0%}{_caveat_count(k)})" if total else "0"
                     for n, k in zip(row, marked.loc[econ])]
            label = [*rule, chain_labels.get(chain, chain), period] if i == 0 else [
                ""] * len(blocks_by)
            body.append([*label, econ, *cells, str(int(row.sum()))])
    note = (f"{_rule_note(counts)}Number of countries (share of the value chain and period in "
            "parentheses).")
    if "with_caveat" in counts and counts["with_caveat"].sum():
        note += (f" n{CAVEAT_MARK}: of them, n with a verdict that rests on a break in series or "
                 f"on values flagged unreliable. {CAVEAT_NOTE}")
    return Grid(header=header, body=body, rules=frozenset(rules - {0}), note=note,
                stub=len(blocks_by) + 1)


def _caveat_count(count) -> str:
    """"; 2†" for a cell with two verdicts that rest on a break or unreliable values."""
    return f"; {int(count)}{CAVEAT_MARK}" if pd.notna(count) and count else ""


def quadrant_table(
    counts: pd.DataFrame, fmt: str, chain_labels: Mapping[str, str] | None = None
) -> str:
    """Render :func:`quadrant_counts` as economic x social cross-tabs per chain and period."""
    return render(_quadrant_grid(counts, chain_labels or {}), fmt)


# --- descriptive statistics ---------------------------------------------------------------

#: Descriptions with units of indicator columns, for the descriptive statistics table.
VARIABLE_DESCRIPTIONS = {
    "market_share": "World export market share (0–1)",
    "relative_unit_value": "Relative export unit value (1 = world price)",
    "unit_value_usd_per_kg": "Export unit value (USD per kg)",
    "unit_value_coverage": "Unit value coverage (share of export value)",
    "export_value_usd": "Export value (USD)",
    "world_export_value_usd": "World export value (USD)",
    "export_quantity_kg": "Export quantity (kg)",
    "employment_persons": "Employment (persons)",
    "real_wage_per_employee_lcu": "Real wage per employee (national currency, base-year prices)",
    "nominal_wage_per_employee_lcu": "Nominal wage per employee (national currency)",
}
DESCRIPTIVE_COLUMNS = ["value_chain", "variable", "n", "countries", "mean", "sd", "min", "max"]


def describe_variable(column: str, variables: Mapping[str, dict] | None = None) -> str:
    """Description with unit of an indicator column: :data:`VARIABLE_DESCRIPTIONS`, else the
    registry's label and unit from ``variables`` (``specifications.dimension_variables``:
    "Mean weekly hours actually worked, women (hours per week)"), else its short label."""
    if column in VARIABLE_DESCRIPTIONS:
        return VARIABLE_DESCRIPTIONS[column]
    info = (variables or {}).get(column)
    if info is None:
        return variable_label(column).capitalize()
    if info.get("sex"):
        base = (variables or {})[info["of"]]["label"]
        return f"{base}, {SEX_WORDS[info['sex']]} ({info['unit']})"
    return f"{info['label']} ({info['unit']})"


def descriptive_statistics(indicators: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """N (non-missing), countries with a value, mean, standard deviation, minimum and maximum
    of each column per value chain (chains in order of first appearance)."""
    missing = [col for col in [*columns, "country"] if col not in indicators.columns]
    if missing:
        raise ValueError(f"columns not in the indicators table: {missing}")
    rows = []
    for chain, block in indicators.groupby("value_chain", sort=False):
        for col in columns:
            values = pd.to_numeric(block[col]).astype("float64").dropna()
            rows.append({
                "value_chain": chain,
                "variable": col,
                "n": len(values),
                "countries": block.loc[values.index, "country"].nunique(),
                "mean": values.mean(),
                "sd": values.std(ddof=1),
                "min": values.min(),
                "max": values.max(),
            })
    return pd.DataFrame(rows, columns=DESCRIPTIVE_COLUMNS)


def _significant(value: float, digits: int = 3) -> str:
    """``value`` with at least ``digits`` significant digits (at most 6 decimals), thousands
    separated: 52,340 / 1.23 / 0.0123; empty when missing."""
    if pd.isna(value):
        return ""
    if value == 0:
        return "0"
    magnitude = int(np.floor(np.log10(abs(value)))) + 1
    return f"{value:,.{min(max(digits - magnitude, 0), 6)}f}"


def _descriptive_grid(stats: pd.DataFrame, chain_labels: Mapping[str, str],
                      variables: Mapping[str, dict] | None = None) -> Grid:
    """One block of rows per value chain, one row per variable."""
    header = [[("Value chain", 1), ("Variable", 1), ("N", 1), ("Countries", 1), ("Mean", 1),
               ("SD", 1), ("Min", 1), ("Max", 1)]]
    body: list[list[str]] = []
    rules: set[int] = set()
    for chain, block in stats.groupby("value_chain", sort=False):
        rules.add(len(body))
        for i, row in enumerate(block.itertuples(index=False)):
            label = chain_labels.get(chain, chain) if i == 0 else ""
            body.append([label, describe_variable(row.variable, variables), f"{row.n:,}",
                         f"{row.countries:,}",
                         *(_significant(x) for x in (row.mean, row.sd, row.min, row.max))])
    note = ("Indicators in levels over every country-year with a value; "
            "each regression uses the subset with all its variables.")
    return Grid(header=header, body=body, rules=frozenset(rules - {0}), note=note, stub=2)


def descriptive_table(
    stats: pd.DataFrame, fmt: str, chain_labels: Mapping[str, str] | None = None,
    variables: Mapping[str, dict] | None = None,
) -> str:
    """Render :func:`descriptive_statistics` (one block per value chain); ``variables``
    (registry labels and units) describe the columns of the dimension registry."""
    if stats.empty:
        raise ValueError("no descriptive statistics to tabulate")
    return render(_descriptive_grid(stats, chain_labels or {}, variables), fmt)
