"""Does this run reproduce a published analysis? A cell-by-cell comparison with a paper's values.

A study that reproduces a paper can name a table of the values the paper publishes
(``replication.published`` in the config): a UTF-8 CSV with one row per published cell,

    country,value_chain,period,indicator,value[,source]

where ``country`` is an ISO3 code as in the results, ``value_chain`` a configured chain id,
``period`` a label of ``classification.periods``, ``indicator`` a column of the classification
table (:data:`NUMERIC_INDICATORS`, the changes, or :data:`CLASS_INDICATORS`, the classes),
``value`` a number or a class label (upgrading, mixed, downgrading; any capitalisation), and
``source`` (optional) where in the paper the value stands, e.g. "Table 3". Cells and column
names are stripped of surrounding blanks; nothing else is repaired. :func:`read_published`
refuses a malformed table with an :class:`~gvc_upgrading.errors.InputError` naming the file, the
row (the header is row 1) and the key.

:func:`compare` looks each published cell up in the classification table and gives it a status:

- ``match``: a number within tolerance, ``|computed - published| <= tolerance x |published|``
  or ``<= absolute_tolerance`` (whichever is wider; both bounds inclusive, with a relative slack
  of :data:`FLOAT_SLACK` for floating-point rounding), or the same class label;
- ``mismatch``: a number outside both bounds, or another class label;
- ``missing``: the run has no row for the country, value chain and period, or has one without
  the value (a change that could not be computed, or the class "insufficient data"). A missing
  cell is neither a match nor a mismatch: the run could not check it. The column ``note`` says
  why.

Published numbers are compared with the change columns as this run reports them, so set
``classification.change`` (log, percent or annualised log change) to the paper's measure.
:func:`replication_report` writes the summary and every disagreement as Markdown or HTML.
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.classify import CHANGE_COLUMNS, CHANGE_MEASURES, INSUFFICIENT, MAIN_CLASSES
from ..errors import InputError, decode_utf8, delimiter_hint
from ..grid import Grid, render

REQUIRED_COLUMNS = ["country", "value_chain", "period", "indicator", "value"]
OPTIONAL_COLUMNS = ["source"]
ROW_KEYS = ["country", "value_chain", "period"]
#: A published cell: one indicator of one country, value chain and period.
CELL_KEYS = [*ROW_KEYS, "indicator"]
#: Change columns of the classification table (numbers, in the ``classification.change`` measure).
NUMERIC_INDICATORS = tuple(CHANGE_COLUMNS.values())
#: Class columns of the classification table.
CLASS_INDICATORS = ("economic_class", "social_class")
INDICATORS = (*NUMERIC_INDICATORS, *CLASS_INDICATORS)
#: Class labels a published table may give ("insufficient data" is no published verdict).
CLASS_LABELS = MAIN_CLASSES
STATUSES = ("match", "mismatch", "missing")
#: Columns of the comparison table (one row per published cell, in the published order).
COMPARISON_COLUMNS = [*CELL_KEYS, "published", "computed", "difference", "status", "note",
                      "source"]
#: Relative slack on the tolerance bounds, so that a value exactly on a bound matches.
FLOAT_SLACK = 1e-9
COUNTRY_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_EXPECTED = {
    "country": "an ISO3 country code in capitals, as in the results (e.g. BGD)",
    "value_chain": "a value chain id",
    "period": "a period label",
    "indicator": "a column of the classification table",
    "value": "a number or a class label",
}
_NOT_IN_RESULTS = "no row for this country, value chain and period in the results"


# --- reading the published table -------------------------------------------------------------


def _records(path, text: str) -> list[tuple[int, list[str]]]:
    """The non-blank CSV records of ``text``, each with the file row it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, start = [], 1
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, f"is not a readable CSV ({exc}); expected comma-separated values "
                               "with balanced double quotes", row=start) from None
    return records


def _header_problem(path, columns: list[str]) -> InputError | None:
    """The error for a header without the required columns or with unknown ones, if any."""
    allowed = ",".join(REQUIRED_COLUMNS) + "[," + ",".join(OPTIONAL_COLUMNS) + "]"
    missing = [col for col in REQUIRED_COLUMNS if col not in columns]
    if missing:
        return InputError(path, f"missing column(s) {missing}; expected the header {allowed}, "
                                f"found {columns}{delimiter_hint(columns)}", row=1, key="header")
    unknown = [col for col in columns if col not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        return InputError(path, f"unknown column {unknown[0]!r}; expected only the columns "
                                f"{allowed}", row=1, key=unknown[0])
    return None


def _check_choice(path, row: int, column: str, value: str, known: Sequence[str] | None,
                  what: str) -> None:
    if known is not None and value not in known:
        raise InputError(path, f"{column} {value!r} is not {what}; expected one of: "
                               f"{', '.join(map(str, known))}", row=row, key=column)


def _parse_value(path, row: int, indicator: str, text: str) -> float | str:
    """A published number (numeric indicators) or class label (class indicators)."""
    if indicator in CLASS_INDICATORS:
        label = text.lower()
        if label not in CLASS_LABELS:
            raise InputError(path, f"value {text!r} is not a class label; expected one of "
                                   f"{', '.join(CLASS_LABELS)} for {indicator} (leave out cells "
                                   "the paper does not classify)", row=row, key="value")
        return label
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InputError(path, f"value {text!r} is not a number; expected a finite number for "
                               f"{indicator} (a change in the classification.change measure: "
                               f"{', '.join(CHANGE_MEASURES)}; no % sign or thousands separator)",
                         row=row, key="value")
    return number


def read_published(path: str | Path, *, value_chains: Sequence[str] | None = None,
                   periods: Sequence[str] | None = None) -> pd.DataFrame:
    """Read and check a table of published values (format in the module docstring).

    ``value_chains`` and ``periods`` (the configured chain ids and period labels), when given,
    are the only values those columns may hold. Returns ``row`` (the file row, header = 1), the
    cell keys, ``published`` (a float, or a lower-case class label) and ``source`` ("" when not
    given), in the file's order. Any fault raises an InputError naming the file, row and key.
    """
    path = Path(path)
    text = decode_utf8(path.read_bytes(), path)
    lines = _records(path, text)
    if not lines:
        raise InputError(path, "file is empty; expected a CSV with the header "
                               + ",".join(REQUIRED_COLUMNS) + "[,source]")
    (_, header), *body = lines
    header = [name.strip() for name in header]
    problem = _header_problem(path, header)
    if problem:
        raise problem
    if not body:
        raise InputError(path, "has a header but no data rows; expected one row per published "
                               "value", row=2)
    records, seen = [], {}
    for row, fields in body:
        if len(fields) != len(header):
            raise InputError(path, f"has {len(fields)} fields; expected {len(header)} like the "
                                   "header (quote values that hold commas)", row=row)
        record = {"source": "", **dict(zip(header, (field.strip() for field in fields)))}
        for column in REQUIRED_COLUMNS:
            if record[column] == "":
                raise InputError(path, f"{column} is empty; expected {_EXPECTED[column]}",
                                 row=row, key=column)
        if not COUNTRY_PATTERN.match(record["country"]):
            raise InputError(path, f"country {record['country']!r} is not a country code; "
                                   f"expected {_EXPECTED['country']}", row=row, key="country")
        _check_choice(path, row, "value_chain", record["value_chain"], value_chains,
                      "a configured value chain (config value_chains)")
        _check_choice(path, row, "period", record["period"], periods,
                      "a period label of classification.periods")
        _check_choice(path, row, "indicator", record["indicator"], INDICATORS,
                      "a column of the classification table that can be compared")
        key = tuple(record[column] for column in CELL_KEYS)
        if key in seen:
            raise InputError(path, f"the cell {' / '.join(key)} is given twice (rows {seen[key]} "
                                   f"and {row}); expected each country, value chain, period and "
                                   "indicator once", row=row, key=" / ".join(key))
        seen[key] = row
        published = _parse_value(path, row, record["indicator"], record["value"])
        records.append({"row": row, **{c: record[c] for c in CELL_KEYS},
                        "published": published, "source": record["source"]})
    result = pd.DataFrame.from_records(records)
    result["published"] = result["published"].astype(object)
    return result


# --- comparing -------------------------------------------------------------------------------


def _check_tolerance(name: str, value: float) -> float:
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def numbers_match(published: float, computed: float, tolerance: float,
                  absolute_tolerance: float) -> bool:
    """Whether ``computed`` is within ``tolerance x |published|`` or ``absolute_tolerance`` of
    ``published`` (inclusive, with a relative slack of :data:`FLOAT_SLACK`)."""
    bound = max(tolerance * abs(published), absolute_tolerance)
    slack = FLOAT_SLACK * max(abs(published), abs(computed))
    return abs(computed - published) <= bound + slack


def _compare_cell(cell: Mapping, row: pd.Series | None, columns: set[str], tolerance: float,
                  absolute_tolerance: float) -> dict:
    """Computed value, difference, status and note of one published cell."""
    indicator, published = cell["indicator"], cell["published"]
    out = {"computed": None, "difference": np.nan, "status": "missing", "note": ""}
    if row is None:
        return {**out, "note": _NOT_IN_RESULTS}
    if indicator not in columns:
        return {**out, "note": f"the classification table has no column {indicator}"}
    value = row[indicator]
    if indicator in CLASS_INDICATORS:
        if pd.isna(value) or value == INSUFFICIENT:
            return {**out, "computed": INSUFFICIENT,
                    "note": "too few observations in the results to classify"}
        status = "match" if value == published else "mismatch"
        return {**out, "computed": str(value), "status": status}
    if pd.isna(value):
        return {**out, "computed": np.nan,
                "note": "too few observations in the results to compute the change"}
    computed = float(value)
    status = ("match" if numbers_match(published, computed, tolerance, absolute_tolerance)
              else "mismatch")
    return {"computed": computed, "difference": computed - published, "status": status,
            "note": ""}


def compare(classification: pd.DataFrame, published: pd.DataFrame, *, tolerance: float = 0.05,
            absolute_tolerance: float = 0.0) -> pd.DataFrame:
    """Compare each published cell (:func:`read_published`) with the classification table.

    Returns :data:`COMPARISON_COLUMNS`, one row per published cell in the published order:
    the cell keys, ``published`` and ``computed`` (numbers or class labels), ``difference``
    (computed - published, numbers only), ``status`` (match, mismatch or missing; see the module
    docstring), ``note`` (why a cell is missing) and ``source``.
    """
    tolerance = _check_tolerance("tolerance", tolerance)
    absolute_tolerance = _check_tolerance("absolute_tolerance", absolute_tolerance)
    absent = [col for col in ROW_KEYS if col not in classification.columns]
    if absent:
        raise ValueError(f"the classification table has no column(s) {absent}")
    keys = classification[ROW_KEYS].astype(str)
    duplicated = keys.duplicated()
    if duplicated.any():
        raise ValueError("the classification table has more than one row for "
                         f"{' / '.join(keys[duplicated].iloc[0])}")
    lookup = {tuple(key): position
              for position, key in enumerate(keys.itertuples(index=False, name=None))}
    columns = set(classification.columns)
    results = []
    for cell in published.to_dict("records"):
        position = lookup.get(tuple(str(cell[k]) for k in ROW_KEYS))
        row = None if position is None else classification.iloc[position]
        results.append({**{k: cell[k] for k in CELL_KEYS}, "published": cell["published"],
                        **_compare_cell(cell, row, columns, tolerance, absolute_tolerance),
                        "source": cell.get("source", "")})
    comparison = pd.DataFrame.from_records(results, columns=COMPARISON_COLUMNS)
    for column in ("published", "computed"):
        comparison[column] = comparison[column].astype(object)
    comparison["difference"] = comparison["difference"].astype("float64")
    return comparison


# --- summary and report ----------------------------------------------------------------------


def summarise(comparison: pd.DataFrame) -> dict[str, int]:
    """Counts: cells and cells per status; number cells and those matching; class cells and
    those agreeing."""
    status = comparison["status"]
    is_class = comparison["indicator"].isin(CLASS_INDICATORS)
    counts = {"cells": len(comparison)}
    counts.update({name: int((status == name).sum()) for name in STATUSES})
    counts.update({
        "numbers": int((~is_class).sum()),
        "numbers_matched": int(((status == "match") & ~is_class).sum()),
        "classes": int(is_class.sum()),
        "classes_agreeing": int(((status == "match") & is_class).sum()),
    })
    return counts


def headline(comparison: pd.DataFrame) -> str:
    """One sentence: cells matched, mismatched and missing; numbers and classes agreeing."""
    s = summarise(comparison)
    return (f"{s['cells']} published cells: {s['match']} match, {s['mismatch']} mismatch, "
            f"{s['missing']} missing; numbers within tolerance {s['numbers_matched']} of "
            f"{s['numbers']}, classes agreeing {s['classes_agreeing']} of {s['classes']}")


def describe_tolerance(tolerance: float, absolute_tolerance: float) -> str:
    """The matching rule for numbers, in words."""
    rule = f"|computed − published| ≤ {tolerance:g} × |published|"
    if absolute_tolerance > 0:
        rule += f" or ≤ {absolute_tolerance:g}"
    return f"A number matches when {rule}."


def _value(value) -> str:
    """A number with 6 significant digits, a class label as it is, empty when missing."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else f"{value:.6g}"
    return str(value)


def _difference(value: float) -> str:
    return "" if pd.isna(value) else f"{value:+.6g}"


def _counts_grid(comparison: pd.DataFrame) -> Grid:
    """Cells per status for each indicator (in the published order) and in all."""
    header = [[("Indicator", 1), ("Cells", 1), ("Match", 1), ("Mismatch", 1), ("Missing", 1)]]
    body = []
    groups = [(indicator, block) for indicator, block
              in comparison.groupby("indicator", sort=False)]
    for label, block in [*groups, ("All", comparison)]:
        body.append([label, str(len(block)),
                     *(str(int((block["status"] == name).sum())) for name in STATUSES)])
    return Grid(header=header, body=body, rules=frozenset({len(groups)}))


def _cell_grid(rows: pd.DataFrame, chain_labels: Mapping[str, str], last: str) -> Grid:
    """One row per cell: keys, published and computed values and ``last`` (difference or why)."""
    header = [[("Country", 1), ("Value chain", 1), ("Period", 1), ("Indicator", 1),
               ("Published", 1), ("Computed", 1),
               ("Difference" if last == "difference" else "Why", 1), ("Source", 1)]]
    body = []
    for cell in rows.to_dict("records"):
        body.append([cell["country"], chain_labels.get(cell["value_chain"], cell["value_chain"]),
                     cell["period"], cell["indicator"], _value(cell["published"]),
                     _value(cell["computed"]),
                     _difference(cell["difference"]) if last == "difference" else cell["note"],
                     cell["source"]])
    return Grid(header=header, body=body, stub=4)


def _sections(comparison: pd.DataFrame, tolerance: float, absolute_tolerance: float,
              published_path: str | None, change_measure: str | None,
              chain_labels: Mapping[str, str]) -> tuple[str, list[tuple[str, str, Grid | None]]]:
    """The opening paragraph and the (title, sentence, grid or None) of each section."""
    s = summarise(comparison)
    source = f" from {published_path}" if published_path else ""
    measure = (f" The run reports changes as {change_measure}: "
               f"{CHANGE_MEASURES.get(change_measure, change_measure)} (config "
               "classification.change); published numbers must be in the same measure."
               if change_measure else "")
    opening = (f"{s['cells']} published cells{source}: {s['match']} match, {s['mismatch']} "
               f"mismatch, {s['missing']} missing. Numbers: {s['numbers_matched']} of "
               f"{s['numbers']} within tolerance. Classes: {s['classes_agreeing']} of "
               f"{s['classes']} agree. {describe_tolerance(tolerance, absolute_tolerance)}"
               f" Classes match when the labels are equal.{measure}")
    disagreements = comparison[comparison["status"] == "mismatch"]
    missing = comparison[comparison["status"] == "missing"]
    sections = [
        ("Cells by indicator", "Published cells per indicator and how they compare.",
         _counts_grid(comparison)),
        ("Disagreements",
         "Every published cell that this run does not reproduce, with both values "
         "(difference = computed − published)." if len(disagreements)
         else "None: every cell the run could check matches.",
         _cell_grid(disagreements, chain_labels, "difference") if len(disagreements) else None),
        ("Missing", "Published cells this run has no value for, and why." if len(missing)
         else "None: the run has a value for every published cell.",
         _cell_grid(missing, chain_labels, "note") if len(missing) else None),
    ]
    return opening, sections


TITLE = "Replication: published values and this run"


def replication_report(comparison: pd.DataFrame, fmt: str, *, tolerance: float,
                       absolute_tolerance: float = 0.0, published_path: str | None = None,
                       change_measure: str | None = None,
                       chain_labels: Mapping[str, str] | None = None) -> str:
    """The replication report as ``"markdown"`` or ``"html"`` (a standalone page): the counts,
    the rule for a match, and tables of every disagreement (published, computed, difference,
    source) and every missing cell (with the reason)."""
    opening, sections = _sections(comparison, tolerance, absolute_tolerance, published_path,
                                  change_measure, chain_labels or {})
    if fmt == "markdown":
        lines = [f"# {TITLE}", "", opening, ""]
        for title, sentence, grid in sections:
            lines += [f"## {title}", "", sentence, ""]
            if grid:
                lines += [render(grid, "markdown")]
        return "\n".join(lines)
    if fmt == "html":
        body = [f"<h1>{html.escape(TITLE)}</h1>", f"<p>{html.escape(opening)}</p>"]
        for title, sentence, grid in sections:
            body += [f"<h2>{html.escape(title)}</h2>", f"<p>{html.escape(sentence)}</p>"]
            if grid:
                body.append(render(grid, "html"))
        style = ("<style>body{font-family:sans-serif;font-size:14px;margin:1em}"
                 "table{border-collapse:collapse;margin-bottom:1.5em}"
                 "td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}</style>")
        return "\n".join(["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
                          f"<title>{html.escape(TITLE)}</title>", style, "</head><body>", *body,
                          "</body></html>", ""])
    raise ValueError(f"unknown report format {fmt!r}; expected 'markdown' or 'html'")
