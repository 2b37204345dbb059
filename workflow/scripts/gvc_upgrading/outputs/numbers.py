"""The numbers a paper quotes in its text, computed once from the result tables.

:func:`in_text_numbers` returns a JSON-ready dict (missing values as ``None``):

* ``panel``: countries, value chains, first and last year and rows of the indicators table;
* ``value_chains``: per chain, the countries that export it (have a market share), the
  countries with labour data (employment or real wage) and its country-years;
* ``classification``: ``by_value_chain`` (chain -> period) and ``overall`` (every country x
  chain x period verdict), the countries classified and the shares upgrading. A share's
  denominator leaves out "insufficient data":
  ``economic_upgrading`` is the share of countries with an economic class that upgrade
  economically (likewise ``social_upgrading``); ``both_upgrading`` and
  ``economic_upgrading_social_downgrading`` are shares of the countries with both classes;
* ``coefficients``: spec id -> value chain -> term -> its readable ``label`` ("log market
  share × union density", "informal employment rate (women)"), ``role`` (regressor,
  interaction, moderator, control), estimate, std_error, ci_low, ci_high, p_value and n_obs,
  straight from the tidy estimates, and ``note``: null, or why a term has no estimate
  ("absorbed by the fixed effects").
"""

from __future__ import annotations

import math

import pandas as pd

INSUFFICIENT = "insufficient data"
COEFFICIENT_FIELDS = ("estimate", "std_error", "ci_low", "ci_high", "p_value", "n_obs")


def _plain(value):
    """A JSON-ready scalar: numpy numbers to Python numbers, NaN to None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _share(mask: pd.Series) -> float | None:
    """Share of True in ``mask`` (None when empty)."""
    return float(mask.mean()) if len(mask) else None


def _class_shares(rows: pd.DataFrame) -> dict:
    """Counts and upgrading shares of one block of classification rows."""
    economic = rows[rows["economic_class"] != INSUFFICIENT]
    social = rows[rows["social_class"] != INSUFFICIENT]
    both = rows[(rows["economic_class"] != INSUFFICIENT) & (rows["social_class"] != INSUFFICIENT)]
    return {
        "countries": int(rows["country"].nunique()),
        "countries_with_both_classes": int(both["country"].nunique()),
        "economic_upgrading": _share(economic["economic_class"] == "upgrading"),
        "social_upgrading": _share(social["social_class"] == "upgrading"),
        "both_upgrading": _share((both["economic_class"] == "upgrading")
                                 & (both["social_class"] == "upgrading")),
        "economic_upgrading_social_downgrading": _share(
            (both["economic_class"] == "upgrading") & (both["social_class"] == "downgrading")),
    }


def _value_chain_counts(indicators: pd.DataFrame) -> dict:
    """Exporting countries, countries with labour data and country-years per chain."""
    counts = {}
    for chain, rows in indicators.groupby("value_chain", sort=False):
        labour = rows[["employment_persons", "real_wage_per_employee_lcu"]].notna().any(axis=1)
        counts[chain] = {
            "countries_exporting": int(rows.loc[rows["market_share"].notna(), "country"].nunique()),
            "countries_with_labour_data": int(rows.loc[labour, "country"].nunique()),
            "country_years": len(rows),
        }
    return counts


def _coefficients(estimates: pd.DataFrame) -> dict:
    """spec id -> value chain -> term -> label, role, the fields of :data:`COEFFICIENT_FIELDS`
    and note."""
    result: dict = {}
    for row in estimates.itertuples(index=False):
        chains = result.setdefault(row.spec_id, {})
        chains.setdefault(row.value_chain, {})[row.term] = {
            "label": row.term_label,
            "role": row.role,
            **{field: _plain(getattr(row, field)) for field in COEFFICIENT_FIELDS},
            "note": row.note or None,
        }
    return result


def in_text_numbers(
    indicators: pd.DataFrame, classification: pd.DataFrame, estimates: pd.DataFrame
) -> dict:
    """The in-text numbers of a run (see the module docstring for the keys)."""
    by_chain: dict = {}
    for (chain, period), rows in classification.groupby(["value_chain", "period"], sort=False):
        by_chain.setdefault(chain, {})[period] = _class_shares(rows)
    return {
        "panel": {
            "countries": int(indicators["country"].nunique()),
            "value_chains": list(pd.unique(indicators["value_chain"])),
            "first_year": int(indicators["year"].min()),
            "last_year": int(indicators["year"].max()),
            "rows": len(indicators),
        },
        "value_chains": _value_chain_counts(indicators),
        "classification": {"by_value_chain": by_chain,
                           "overall": _class_shares(classification)},
        "coefficients": _coefficients(estimates),
    }
