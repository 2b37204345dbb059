"""Data availability of a run: which configured years each source has, and which variables each
value chain has or lost (e.g. value added on open data, where ILOSTAT supplies the labour data).

:func:`source_years` lists, per source, the configured years with data and those without;
:func:`variable_coverage` counts, per value chain and indicator column, the country-years with a
value. :func:`availability_tables` renders both (CSV, Markdown, HTML) for the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from ..grid import Grid, render

SOURCE_COLUMNS = ["source", "dataset", "years_with_data", "years_without_data", "n_with_data",
                  "n_configured"]
COVERAGE_COLUMNS = ["value_chain", "variable", "country_years_with_data", "country_years",
                    "share_with_data", "lost"]


def year_ranges(years: Iterable[int]) -> str:
    """``[1995, 1996, 1997, 2001]`` -> ``"1995-1997, 2001"`` ("" for none)."""
    years = sorted(set(int(y) for y in years))
    parts: list[str] = []
    start = prev = None
    for year in years + [None]:
        if start is not None and (year is None or year != prev + 1):
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = None
        if year is not None and start is None:
            start = year
        prev = year
    return ", ".join(parts)


def source_years(years_by_source: Mapping[tuple[str, str], Iterable[int]],
                 configured: Sequence[int]) -> pd.DataFrame:
    """One row per (source, dataset): the configured years it has data for, and those it lacks."""
    rows = []
    for (source, dataset), have in years_by_source.items():
        have = set(int(y) for y in have) & set(configured)
        lacking = [y for y in configured if y not in have]
        rows.append({"source": source, "dataset": dataset, "years_with_data": year_ranges(have),
                     "years_without_data": year_ranges(lacking), "n_with_data": len(have),
                     "n_configured": len(configured)})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def variable_coverage(indicators: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """Per value chain and variable: country-years with a value, of all the chain's rows; a
    variable missing from the table or empty for a chain is ``lost`` for that chain."""
    rows = []
    for chain, block in indicators.groupby("value_chain", sort=False):
        for variable in variables:
            present = int(block[variable].notna().sum()) if variable in block else 0
            rows.append({"value_chain": chain, "variable": variable,
                         "country_years_with_data": present, "country_years": len(block),
                         "share_with_data": present / len(block) if len(block) else 0.0,
                         "lost": present == 0})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def lost_variables(coverage: pd.DataFrame) -> dict[str, list[str]]:
    """Value chain -> the variables it has no value of."""
    lost = coverage[coverage["lost"]]
    return {chain: list(block["variable"]) for chain, block in lost.groupby("value_chain",
                                                                            sort=False)}


def _grid(years: pd.DataFrame, coverage: pd.DataFrame, labels: Mapping[str, str],
          specs_left_out: Mapping[str, Sequence[str]]) -> Grid:
    body = [[r.source, r.dataset, r.years_with_data or "none", r.years_without_data or "none",
             f"{r.n_with_data} of {r.n_configured}"] for r in years.itertuples()]
    rules = {len(body)}
    lost = lost_variables(coverage)
    for chain in coverage["value_chain"].unique():
        names = ", ".join(lost.get(chain, [])) or "none"
        body.append([labels.get(chain, chain), "variables without data", names, "", ""])
    rules.add(len(body))
    for spec_id, dimensions in specs_left_out.items():
        body.append([spec_id, "specification left out", "", ", ".join(dimensions), ""])
    note = ("Years: configured years with and without data per source. Variables: the "
            "indicator columns a value chain has no value of in this run (for example value "
            "added where the labour data come from ILOSTAT).")
    if specs_left_out:
        note += (" Specifications left out: those that use a dimension the run does not "
                 "measure (not in dimensions.use), with those dimensions.")
    return Grid(header=[[("Source / value chain", 1), ("Dataset", 1), ("With data", 1),
                         ("Without data", 1), ("Years", 1)]], body=body,
                rules=frozenset(rules - {0, len(body)}), note=note, stub=2)


def availability_tables(years: pd.DataFrame, coverage: pd.DataFrame,
                        labels: Mapping[str, str],
                        specs_left_out: Mapping[str, Sequence[str]] | None = None
                        ) -> dict[str, str]:
    """The availability table as ``{"markdown": ..., "html": ...}``; ``specs_left_out`` (a
    specification id -> the dimensions it lacks) adds a row per specification left out."""
    grid = _grid(years, coverage, labels, specs_left_out or {})
    return {fmt: render(grid, fmt) for fmt in ("markdown", "html")}
