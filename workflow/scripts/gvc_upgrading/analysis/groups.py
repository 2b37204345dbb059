"""Country groups (config ``country_groups``) and the comparison of upgrading between them.

Bernhardt & Pollak (2016) compare developing and developed countries. A group is a named list of
ISO3 codes; ``rest`` names the group of every country not listed (``None``: such countries are
left out). :func:`compare_groups` counts, per value chain, period and group, the countries in
each economic and social class and the shares upgrading, with the median change of each
indicator, from the classification table.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd

from .classify import DOWNGRADING, INSUFFICIENT, MIXED, UPGRADING

CLASS_COLUMNS = {"upgrading": UPGRADING, "mixed": MIXED, "downgrading": DOWNGRADING,
                 "insufficient": INSUFFICIENT}
CHANGES = ["market_share_change", "unit_value_change", "relative_unit_value_change",
           "employment_change", "real_wage_change"]


def assign_groups(countries: pd.Series, groups: Mapping[str, Sequence[str]],
                  rest: str | None = None) -> pd.Series:
    """The group of each country code (missing where it is in no group and ``rest`` is None).

    A code listed in two groups is an error naming it and both groups.
    """
    owner: dict[str, str] = {}
    for name, codes in groups.items():
        for code in codes:
            if code in owner:
                raise ValueError(f"config key 'country_groups.groups': {code} is listed in both "
                                 f"{owner[code]!r} and {name!r}; expected one group per country")
            owner[code] = name
    if rest is not None and rest in groups:
        raise ValueError(f"config key 'country_groups.rest': {rest!r} is also a listed group; "
                         "expected the name of the remaining countries' group")
    return countries.map(lambda c: owner.get(c, rest)).astype("string")


def compare_groups(classification: pd.DataFrame, groups: Mapping[str, Sequence[str]],
                   rest: str | None = None) -> pd.DataFrame:
    """Per value chain, period and group: countries, counts per economic and social class,
    shares upgrading (of the countries with enough data on that side), the count upgrading on
    both sides, and the median of each change column."""
    table = classification.assign(group=assign_groups(classification["country"], groups, rest))
    table = table[table["group"].notna()]
    order = [*groups, *([rest] if rest is not None else [])]
    rows = []
    for (chain, period, group), part in table.groupby(["value_chain", "period", "group"],
                                                      sort=False):
        row = {"value_chain": chain, "period": period, "group": group, "countries": len(part)}
        for side in ("economic", "social"):
            classes = part[f"{side}_class"]
            for name, label in CLASS_COLUMNS.items():
                row[f"{side}_{name}"] = int((classes == label).sum())
            decided = len(part) - row[f"{side}_insufficient"]
            row[f"{side}_upgrading_share"] = (row[f"{side}_upgrading"] / decided if decided
                                              else float("nan"))
        row["both_upgrading"] = int(((part["economic_class"] == UPGRADING)
                                     & (part["social_class"] == UPGRADING)).sum())
        for column in CHANGES:
            if column in part:
                row[f"median_{column}"] = part[column].median()
        rows.append(row)
    result = pd.DataFrame(rows)
    if result.empty:
        return result
    result["group"] = pd.Categorical(result["group"], categories=order, ordered=True)
    chains = list(dict.fromkeys(classification["value_chain"]))
    periods = list(dict.fromkeys(classification["period"]))
    result = result.assign(
        _chain=result["value_chain"].map(chains.index), _period=result["period"].map(periods.index)
    ).sort_values(["_chain", "_period", "group"]).drop(columns=["_chain", "_period"])
    return result.assign(group=result["group"].astype("string")).reset_index(drop=True)


#: Columns of the rendered table and their headings.
SHOWN = {"value_chain": "Value chain", "period": "Period", "group": "Group",
         "countries": "Countries", "economic_upgrading": "Econ. upgrading",
         "economic_mixed": "Econ. mixed", "economic_downgrading": "Econ. downgrading",
         "social_upgrading": "Social upgrading", "social_mixed": "Social mixed",
         "social_downgrading": "Social downgrading", "both_upgrading": "Both upgrading",
         "economic_upgrading_share": "Share econ. upgrading",
         "social_upgrading_share": "Share social upgrading"}


def _cells(comparison: pd.DataFrame, labels: Mapping[str, str]) -> list[list[str]]:
    rows = []
    for record in comparison.to_dict("records"):
        cells = []
        for column in SHOWN:
            value = record[column]
            if column == "value_chain":
                value = labels.get(value, value)
            elif column.endswith("_share"):
                value = "" if pd.isna(value) else f"{value:.2f}"
            cells.append(str(value))
        rows.append(cells)
    return rows


def render_comparison(comparison: pd.DataFrame, fmt: str,
                      labels: Mapping[str, str] | None = None) -> str:
    """The comparison as a Markdown or HTML table (counts of countries per class and group)."""
    labels = labels or {}
    head = list(SHOWN.values())
    rows = _cells(comparison, labels)
    note = ("Countries per economic and social class by country group (config country_groups); "
            "shares are of the countries with enough data on that side.")
    if fmt == "markdown":
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines) + f"\n\n{note}\n"
    if fmt == "html":
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in rows)
        return (f'<table class="group-comparison"><thead><tr>{th}</tr></thead>'
                f"<tbody>{body}</tbody></table>\n<p>{html.escape(note)}</p>\n")
    raise ValueError(f"format {fmt!r}; expected markdown or html")
