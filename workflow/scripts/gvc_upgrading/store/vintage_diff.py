"""What changed between two vintages' results: rows, coverage, values, classes and coefficients.

:func:`diff_vintages` reads the indicators, classification and estimates tables of two results
folders (the previous vintage's and the new one's) and lists, each with its before and after:

- rows gained and lost per table (by the table's key, e.g. country x value chain x year);
- coverage per value chain: countries, first and last year, and non-missing values of each
  indicator column, where they differ;
- indicator values present in both vintages that moved by more than the relative tolerance
  ``|after - before| > tolerance x |before|`` (largest relative moves first), and per indicator
  column how many values were compared, how many moved at all and how many of those moved
  within the tolerance (so a report never says "0 values moved" when many moved a little);
- countries whose economic or social class changed, per value chain and period;
- coefficients whose estimate moved by more than the absolute tolerance, and how many moved
  within it.

A value "moved" when it differs by more than :data:`NOISE` relative (the rounding of floating
point arithmetic, not a change of the data).

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
#: Relative differences up to this are floating-point rounding, not a move of a value.
NOISE = 1e-12


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
    value_changes: pd.DataFrame  # column, compared, moved, within_tolerance, beyond_tolerance
    class_changes: pd.DataFrame  # country, value_chain, period, dimension, before, after
    moved_coefficients: pd.DataFrame  # spec_id, value_chain, term, estimate_before, ...
    coefficients_within_tolerance: int  # coefficients in both that moved, but by less

    def summary(self) -> dict[str, int]:
        """Counts of each kind of change."""
        return {
            "rows_gained": int(self.rows["rows_gained"].sum()),
            "rows_lost": int(self.rows["rows_lost"].sum()),
            "coverage_changes": len(self.coverage),
            "values_compared": int(self.value_changes["compared"].sum()),
            "moved_values": len(self.moved_values),
            "values_moved_within_tolerance": int(self.value_changes["within_tolerance"].sum()),
            "class_changes": len(self.class_changes),
            "moved_coefficients": len(self.moved_coefficients),
            "coefficients_moved_within_tolerance": self.coefficients_within_tolerance,
        }

    def headline(self) -> str:
        """One sentence for logs: what moved, beyond the tolerances and within them."""
        counts = self.summary()
        return (f"{counts['moved_values']} indicator values moved by more than "
                f"{self.tolerances.indicator:.1%} and {counts['values_moved_within_tolerance']} "
                f"by less (of {counts['values_compared']} in both vintages), "
                f"{counts['class_changes']} classes changed, "
                f"{counts['moved_coefficients']} coefficients moved by more than "
                f"{self.tolerances.coefficient:g} and "
                f"{counts['coefficients_moved_within_tolerance']} by less; "
                f"rows +{counts['rows_gained']} -{counts['rows_lost']}")


def diff_vintages(before_dir: str | Path, after_dir: str | Path, tolerances: Tolerances, *,
                  before: str = "before", after: str = "after") -> VintageDiff:
    """Compare the results folders of two vintages (``results/`` of each run)."""
    old = {name: read_table(Path(before_dir) / path) for name, (path, _) in TABLES.items()}
    new = {name: read_table(Path(after_dir) / path) for name, (path, _) in TABLES.items()}
    row_counts, changed = zip(*(_row_changes(name, old[name], new[name]) for name in TABLES))
    moved_values, value_changes = _moved_values(old["indicators"], new["indicators"],
                                                tolerances.indicator)
    moved_coefficients, coefficients_within = _moved_coefficients(
        old["estimates"], new["estimates"], tolerances.coefficient)
    return VintageDiff(
        before=before, after=after, tolerances=tolerances,
        rows=pd.DataFrame(row_counts),
        changed_rows=pd.concat(changed, ignore_index=True),
        coverage=_coverage_changes(old["indicators"], new["indicators"]),
        moved_values=moved_values, value_changes=value_changes,
        class_changes=_class_changes(old["classification"], new["classification"]),
        moved_coefficients=moved_coefficients, coefficients_within_tolerance=coefficients_within,
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


def _moved(before: pd.Series, after: pd.Series) -> pd.Series:
    """Values present before and after that differ by more than floating-point noise."""
    scale = np.maximum(before.abs(), after.abs())
    return before.notna() & after.notna() & ((after - before).abs() > NOISE * scale)


def _moved_values(old: pd.DataFrame, new: pd.DataFrame,
                  tolerance: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indicator values present in both vintages that moved beyond the relative tolerance, and
    per column the values compared, moved, moved within and beyond the tolerance."""
    keys = TABLES["indicators"][1]
    columns = sorted(set(_numeric_columns(old)) & set(_numeric_columns(new)))
    both = old[keys + columns].merge(new[keys + columns], on=keys, suffixes=("_before", "_after"))
    moves, counts = [], []
    for column in columns:
        before, after = both[f"{column}_before"], both[f"{column}_after"]
        change = after - before
        moved = _moved(before, after)
        beyond = moved & (change.abs() > tolerance * before.abs())
        counts.append({"column": column, "compared": int((before.notna() & after.notna()).sum()),
                       "moved": int(moved.sum()), "within_tolerance": int((moved & ~beyond).sum()),
                       "beyond_tolerance": int(beyond.sum())})
        relative = np.where(before != 0, change / before.abs(), np.nan)
        moves.append(pd.DataFrame({
            **{key: both.loc[beyond, key] for key in keys}, "column": column,
            "before": before[beyond], "after": after[beyond], "relative_change": relative[beyond],
        }))
    table = pd.concat(moves, ignore_index=True)
    order = table["relative_change"].abs().sort_values(ascending=False, na_position="first").index
    value_changes = pd.DataFrame(counts, columns=["column", "compared", "moved",
                                                  "within_tolerance", "beyond_tolerance"])
    return table.loc[order].reset_index(drop=True), value_changes


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


def _moved_coefficients(old: pd.DataFrame, new: pd.DataFrame,
                        tolerance: float) -> tuple[pd.DataFrame, int]:
    """Coefficients in both vintages whose estimate moved by more than ``tolerance``, and how
    many others moved by less."""
    keys = TABLES["estimates"][1]
    shown = ["estimate", "std_error", "p_value", "n_obs"]
    both = old[keys + shown].merge(new[keys + shown], on=keys, suffixes=("_before", "_after"))
    both["change"] = both["estimate_after"] - both["estimate_before"]
    beyond = both["change"].abs() > tolerance
    within = int((_moved(both["estimate_before"], both["estimate_after"]) & ~beyond).sum())
    columns = keys + ["estimate_before", "estimate_after", "change"] + [
        f"{name}_{when}" for name in shown[1:] for when in ("before", "after")]
    return both.loc[beyond, columns].sort_values(keys).reset_index(drop=True), within


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
           ("rows", "changed_rows", "coverage", "value_changes", "moved_values",
            "class_changes", "moved_coefficients")},
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
        ("Indicator values compared",
         f"Per indicator, values present in both vintages, how many moved, and how many of those "
         f"moved by at most {t.indicator:.2%} (within the tolerance) or by more.",
         diff.value_changes[diff.value_changes["moved"] > 0], 1, {}),
        ("Indicator values that moved",
         f"Values present in both vintages that moved by more than {t.indicator:.2%} "
         "(largest relative moves first).", diff.moved_values, 4,
         {"relative_change": _percent}),
        ("Classification changes", "Country, value chain and period cells whose class changed.",
         diff.class_changes, 6, {}),
        ("Coefficients that moved",
         f"Estimates that moved by more than {t.coefficient:g} (absolute); "
         f"{diff.coefficients_within_tolerance} more moved by less.",
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
