"""What changed between two vintages' results: rows, coverage, values, classes and coefficients.

:func:`diff_vintages` reads the indicators, classification and estimates tables of two results
folders (the previous vintage's and the new one's) and lists, each with its before and after:

- rows gained and lost per table (by the table's key, e.g. country x value chain x year);
- coverage per value chain: countries, first and last year, and non-missing values of each
  indicator column, where they differ;
- indicator values present in both vintages that moved by more than the relative tolerance
  ``|after - before| > tolerance x |before|`` (largest relative moves first);
- countries whose economic or social class changed, per value chain and period;
- coefficients whose estimate moved by more than the absolute tolerance.

:func:`write_report` writes the result as ``vintage_diff.json`` (complete, for machines) and
``vintage_diff.md`` / ``vintage_diff.html`` (for people; each list shows its first
:data:`SHOWN_ROWS` rows and says how many the JSON holds).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..grid import Grid, render
from ..io import read_table, write_text

TABLES = {  # name: (path inside a results folder, key columns)
    "indicators": ("indicators/indicators.parquet", ["country", "value_chain", "year"]),
    "classification": ("classification/classification.parquet",
                       ["country", "value_chain", "period"]),
    "estimates": ("estimates/estimates.parquet", ["spec_id", "value_chain", "term"]),
}
CLASS_COLUMNS = {"economic_class": "economic", "social_class": "social"}
SHOWN_ROWS = 50
REPORT_NAME = "vintage_diff"


@dataclass(frozen=True)
class Tolerances:
    """Relative tolerance of indicator values, absolute tolerance of coefficient estimates."""

    indicator: float
    coefficient: float


@dataclass(frozen=True)
class VintageDiff:
    """The differences between vintage ``before`` and vintage ``after`` (tables described above)."""

    before: str
    after: str
    tolerances: Tolerances
    rows: pd.DataFrame  # table, rows_before, rows_after, rows_gained, rows_lost
    changed_rows: pd.DataFrame  # table, change (gained | lost), key
    coverage: pd.DataFrame  # value_chain, measure, before, after
    moved_values: pd.DataFrame  # country, value_chain, year, column, before, after, relative_change
    class_changes: pd.DataFrame  # country, value_chain, period, dimension, before, after
    moved_coefficients: pd.DataFrame  # spec_id, value_chain, term, estimate_before, ...

    def summary(self) -> dict[str, int]:
        """Counts of each kind of change."""
        return {
            "rows_gained": int(self.rows["rows_gained"].sum()),
            "rows_lost": int(self.rows["rows_lost"].sum()),
            "coverage_changes": len(self.coverage),
            "moved_values": len(self.moved_values),
            "class_changes": len(self.class_changes),
            "moved_coefficients": len(self.moved_coefficients),
        }

    def headline(self) -> str:
        """One sentence for logs: what moved."""
        counts = self.summary()
        return (f"{counts['moved_values']} indicator values moved by more than "
                f"{self.tolerances.indicator:.1%}, {counts['class_changes']} classes changed, "
                f"{counts['moved_coefficients']} coefficients moved by more than "
                f"{self.tolerances.coefficient:g}; rows +{counts['rows_gained']} "
                f"-{counts['rows_lost']}")


def diff_vintages(before_dir: str | Path, after_dir: str | Path, tolerances: Tolerances, *,
                  before: str = "before", after: str = "after") -> VintageDiff:
    """Compare the results folders of two vintages (``results/`` of each run)."""
    old = {name: read_table(Path(before_dir) / path) for name, (path, _) in TABLES.items()}
    new = {name: read_table(Path(after_dir) / path) for name, (path, _) in TABLES.items()}
    row_counts, changed = zip(*(_row_changes(name, old[name], new[name]) for name in TABLES))
    return VintageDiff(
        before=before, after=after, tolerances=tolerances,
        rows=pd.DataFrame(row_counts),
        changed_rows=pd.concat(changed, ignore_index=True),
        coverage=_coverage_changes(old["indicators"], new["indicators"]),
        moved_values=_moved_values(old["indicators"], new["indicators"], tolerances.indicator),
        class_changes=_class_changes(old["classification"], new["classification"]),
        moved_coefficients=_moved_coefficients(old["estimates"], new["estimates"],
                                               tolerances.coefficient),
    )


def _key_text(table: pd.DataFrame, keys: list[str]) -> pd.Series:
    return table[keys].astype(str).agg(" / ".join, axis=1)


def _row_changes(name: str, old: pd.DataFrame, new: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Row counts of one table and the keys gained and lost."""
    keys = TABLES[name][1]
    old_keys, new_keys = set(_key_text(old, keys)), set(_key_text(new, keys))
    gained, lost = sorted(new_keys - old_keys), sorted(old_keys - new_keys)
    counts = {"table": name, "rows_before": len(old), "rows_after": len(new),
              "rows_gained": len(gained), "rows_lost": len(lost)}
    changed = pd.DataFrame({"table": name,
                            "change": ["gained"] * len(gained) + ["lost"] * len(lost),
                            "key": gained + lost})
    return counts, changed


def _numeric_columns(indicators: pd.DataFrame) -> list[str]:
    return [c for c in indicators.select_dtypes("number").columns if c != "year"]


def _coverage(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per value chain: countries, first and last year, non-missing values of each column."""
    grouped = indicators.groupby("value_chain")
    measures = {"countries": grouped["country"].nunique(), "first year": grouped["year"].min(),
                "last year": grouped["year"].max()}
    for column in _numeric_columns(indicators):
        measures[f"values of {column}"] = grouped[column].count()
    table = pd.DataFrame(measures).rename_axis("value_chain").reset_index()
    return table.melt(id_vars="value_chain", var_name="measure", value_name="count")


def _coverage_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    merged = _coverage(old).merge(_coverage(new), on=["value_chain", "measure"], how="outer",
                                  suffixes=("_before", "_after"))
    merged = merged.rename(columns={"count_before": "before", "count_after": "after"})
    differs = merged["before"].ne(merged["after"]) & ~(merged["before"].isna()
                                                       & merged["after"].isna())
    return merged[differs].sort_values(["value_chain", "measure"]).reset_index(drop=True)


def _moved_values(old: pd.DataFrame, new: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    """Indicator values present in both vintages that moved beyond the relative tolerance."""
    keys = TABLES["indicators"][1]
    columns = sorted(set(_numeric_columns(old)) & set(_numeric_columns(new)))
    both = old[keys + columns].merge(new[keys + columns], on=keys, suffixes=("_before", "_after"))
    moves = []
    for column in columns:
        before, after = both[f"{column}_before"], both[f"{column}_after"]
        change = after - before
        moved = before.notna() & after.notna() & (change.abs() > tolerance * before.abs())
        relative = np.where(before != 0, change / before.abs(), np.nan)
        moves.append(pd.DataFrame({
            **{key: both.loc[moved, key] for key in keys}, "column": column,
            "before": before[moved], "after": after[moved], "relative_change": relative[moved],
        }))
    table = pd.concat(moves, ignore_index=True)
    order = table["relative_change"].abs().sort_values(ascending=False, na_position="first").index
    return table.loc[order].reset_index(drop=True)


def _class_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Country x value chain x period cells whose economic or social class changed."""
    keys = TABLES["classification"][1]
    both = old.merge(new, on=keys, suffixes=("_before", "_after"))
    changes = []
    for column, dimension in CLASS_COLUMNS.items():
        differs = both[f"{column}_before"] != both[f"{column}_after"]
        changes.append(pd.DataFrame({
            **{key: both.loc[differs, key] for key in keys}, "dimension": dimension,
            "before": both.loc[differs, f"{column}_before"],
            "after": both.loc[differs, f"{column}_after"],
        }))
    return pd.concat(changes).sort_values(keys + ["dimension"]).reset_index(drop=True)


def _moved_coefficients(old: pd.DataFrame, new: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    """Coefficients in both vintages whose estimate moved by more than ``tolerance``."""
    keys = TABLES["estimates"][1]
    shown = ["estimate", "std_error", "p_value", "n_obs"]
    both = old[keys + shown].merge(new[keys + shown], on=keys, suffixes=("_before", "_after"))
    both["change"] = both["estimate_after"] - both["estimate_before"]
    moved = both[both["change"].abs() > tolerance]
    columns = keys + ["estimate_before", "estimate_after", "change"] + [
        f"{name}_{when}" for name in shown[1:] for when in ("before", "after")]
    return moved[columns].sort_values(keys).reset_index(drop=True)


# --- the report ----------------------------------------------------------------------------

def write_report(diff: VintageDiff, folder: str | Path) -> dict[str, Path]:
    """Write ``vintage_diff.json``, ``.md`` and ``.html`` into ``folder``; return their paths."""
    folder = Path(folder)
    paths = {fmt: folder / f"{REPORT_NAME}.{fmt}" for fmt in ("json", "md", "html")}
    write_text(json.dumps(to_json(diff), indent=2) + "\n", paths["json"])
    write_text(to_markdown(diff), paths["md"])
    write_text(to_html(diff), paths["html"])
    return paths


def _records(table: pd.DataFrame) -> list[dict]:
    return json.loads(table.to_json(orient="records", double_precision=15))


def to_json(diff: VintageDiff) -> dict:
    """The complete diff as a JSON-ready mapping (missing numbers as null)."""
    return {
        "before": diff.before, "after": diff.after,
        "tolerances": {"indicator_relative": diff.tolerances.indicator,
                       "coefficient_absolute": diff.tolerances.coefficient},
        "summary": diff.summary(),
        **{name: _records(getattr(diff, name)) for name in
           ("rows", "changed_rows", "coverage", "moved_values", "class_changes",
            "moved_coefficients")},
    }


def _cell(value) -> str:
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else f"{value:.6g}"
    return str(value)


def _percent(value: float) -> str:
    return "" if np.isnan(value) else f"{value:+.2%}"


def _grid(table: pd.DataFrame, stub: int, formats: dict | None = None) -> Grid:
    """The first SHOWN_ROWS rows of ``table`` as a Grid (column names as the header)."""
    formats = formats or {}
    body = [[formats.get(column, _cell)(value) for column, value in row.items()]
            for _, row in table.head(SHOWN_ROWS).iterrows()]
    note = (f"First {SHOWN_ROWS} of {len(table)} rows; vintage_diff.json lists all."
            if len(table) > SHOWN_ROWS else "")
    return Grid(header=[[(column, 1) for column in table.columns]], body=body, note=note,
                stub=stub)


def _sections(diff: VintageDiff) -> list[tuple[str, str, Grid | None]]:
    """(title, sentence, grid or None when empty) of each part of the report."""
    t = diff.tolerances
    parts = [
        ("Rows", "Rows per table, and how many keys appeared or disappeared.", diff.rows, 1, {}),
        ("Rows gained and lost", "Keys present in only one of the two vintages.",
         diff.changed_rows, 3, {}),
        ("Coverage", "Per value chain, measures of coverage that changed.", diff.coverage, 2, {}),
        ("Indicator values that moved",
         f"Values present in both vintages that moved by more than {t.indicator:.2%} "
         "(largest relative moves first).", diff.moved_values, 4,
         {"relative_change": _percent}),
        ("Classification changes", "Country, value chain and period cells whose class changed.",
         diff.class_changes, 6, {}),
        ("Coefficients that moved",
         f"Estimates that moved by more than {t.coefficient:g} (absolute).",
         diff.moved_coefficients, 3, {}),
    ]
    return [(title, sentence, _grid(table, stub, formats) if len(table) else None)
            for title, sentence, table, stub, formats in parts]


def _summary_sentence(diff: VintageDiff) -> str:
    return f"From vintage {diff.before} to vintage {diff.after}: {diff.headline()}."


def to_markdown(diff: VintageDiff) -> str:
    """The report for people, as Markdown."""
    lines = [f"# What changed: vintage {diff.before} → {diff.after}", "",
             _summary_sentence(diff), ""]
    for title, sentence, grid in _sections(diff):
        lines += [f"## {title}", "", sentence, ""]
        lines += [render(grid, "markdown") if grid else "No change.", ""]
    return "\n".join(lines)


def to_html(diff: VintageDiff) -> str:
    """The report for people, as a standalone HTML page."""
    title = f"What changed: vintage {diff.before} → {diff.after}"
    body = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(_summary_sentence(diff))}</p>"]
    for name, sentence, grid in _sections(diff):
        body += [f"<h2>{html.escape(name)}</h2>", f"<p>{html.escape(sentence)}</p>",
                 render(grid, "html") if grid else "<p>No change.</p>"]
    style = ("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style>")
    return "\n".join(["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
                      f"<title>{html.escape(title)}</title>", style, "</head><body>", *body,
                      "</body></html>", ""])
