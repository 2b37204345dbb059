"""Row accounting of the harmonisation steps: what came in, what left and why, what came out.

A :class:`Ledger` follows one input file through one step. It is given the table as read (with
its value columns already in the output's units, e.g. BACI's thousand USD times 1,000), and each
filter goes through it, so that every row that leaves is counted under a named reason. Entries:

- ``in``: rows and value totals read;
- ``dropped``: rows removed, by reason;
- ``merged``: rows combined with others (e.g. a country-year's employees and wage records joined
  into one row); values are kept, so only the row count falls;
- ``copied``: rows used twice (a record that serves two value chains);
- ``rescaled``: values changed in place (a series spliced across a classification break);
- ``out``: rows and value totals written.

For every measure (``rows`` and each value column) the ledger balances:
``out = in - dropped - merged + copied + rescaled``; :meth:`Ledger.check` raises when it does not,
so a step cannot lose a row or a dollar silently. :func:`ledger_frame` gives the tidy table
(one row per step, part, entry, reason and measure) written to ``results/harmonised/accounting``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..io import atomic_path

COLUMNS = ["step", "part", "source", "file", "entry", "reason", "measure", "total"]
ENTRIES = ("in", "dropped", "merged", "copied", "rescaled", "out")
#: Sign of each entry in the balance ``out = in - dropped - merged + copied + rescaled``.
_SIGN = {"in": 1, "dropped": -1, "merged": -1, "copied": 1, "rescaled": 1}
Table = pd.DataFrame | pa.Table


def _totals(table: Table, measures: Sequence[str]) -> dict[str, float]:
    """Row count and the sum of each measure column (missing values count as zero)."""
    totals = {"rows": float(table.num_rows if isinstance(table, pa.Table) else len(table))}
    for column in measures:
        if isinstance(table, pa.Table):
            totals[column] = float(pc.sum(table[column]).as_py() or 0.0)
        else:
            totals[column] = float(table[column].sum())
    return totals


def _where(table: Table, mask) -> Table:
    """The rows of ``table`` where ``mask`` (boolean, aligned with the rows) is true."""
    if isinstance(table, pa.Table):
        return table.filter(pc.fill_null(mask, False))
    return table[pd.Series(mask, index=table.index).fillna(False).astype(bool)]


def _invert(mask):
    if isinstance(mask, (pa.Array, pa.ChunkedArray)):
        return pc.invert(pc.fill_null(mask, False))
    return ~pd.Series(mask).fillna(False).astype(bool).to_numpy()


class Ledger:
    """Accounting of one step on one input file (see the module docstring)."""

    def __init__(self, step: str, source: str, file, measures: Sequence[str] = (),
                 part: str = ""):
        self.step, self.source, self.file, self.part = step, source, str(file), part
        self.measures = list(measures)
        self.entries: list[dict] = []

    def _add(self, entry: str, reason: str, totals: dict[str, float]) -> None:
        for measure, total in totals.items():
            self.entries.append({"step": self.step, "part": self.part, "source": self.source,
                                 "file": self.file, "entry": entry, "reason": reason,
                                 "measure": measure, "total": total})

    def read(self, table: Table) -> Table:
        """Record ``table`` as the step's input; return it."""
        self._add("in", "", _totals(table, self.measures))
        return table

    def drop(self, table: Table, mask, reason: str) -> Table:
        """Remove the rows where ``mask`` is true, counted under ``reason``; return the rest."""
        dropped = _where(table, mask)
        if len(dropped) if isinstance(dropped, pd.DataFrame) else dropped.num_rows:
            self._add("dropped", reason, _totals(dropped, self.measures))
        return _where(table, _invert(mask))

    def filtered(self, before: Table, after: Table, reason: str) -> None:
        """Record the rows that a filter outside the ledger removed: ``before`` less ``after``
        (both with the measure columns), counted under ``reason``."""
        old, new = _totals(before, self.measures), _totals(after, self.measures)
        if old["rows"] != new["rows"]:
            self._add("dropped", reason, {m: old[m] - new[m] for m in old})

    def merge(self, rows_before: int, rows_after: int, reason: str) -> None:
        """Record that ``rows_before`` rows were combined into ``rows_after`` (values kept)."""
        if rows_before != rows_after:
            self._add("merged", reason, {"rows": float(rows_before - rows_after),
                                         **dict.fromkeys(self.measures, 0.0)})

    def copy(self, copies: Table, reason: str) -> None:
        """Record rows that enter the output a second time (``copies``: the extra rows)."""
        totals = _totals(copies, self.measures)
        if totals["rows"]:
            self._add("copied", reason, totals)

    def rescale(self, before: Table, after: Table, reason: str) -> None:
        """Record values changed in place: ``before`` and ``after`` hold the same rows."""
        old, new = _totals(before, self.measures), _totals(after, self.measures)
        changes = {m: new[m] - old[m] for m in self.measures}
        if any(changes.values()):
            self._add("rescaled", reason, {"rows": 0.0, **changes})

    def write(self, table: Table, *, check: bool = True) -> Table:
        """Record ``table`` as the step's output, check the balance and return the table.

        A step that writes its output in batches records each with ``check=False`` and calls
        :meth:`check` after the last one."""
        self._add("out", "", _totals(table, self.measures))
        if check:
            self.check()
        return table

    def frame(self) -> pd.DataFrame:
        """The entries as a tidy table (:data:`COLUMNS`), same reasons summed."""
        return ledger_frame([self])

    def check(self, rel: float = 1e-9) -> None:
        """Raise ValueError naming the step and measure where ``out`` does not balance."""
        problems = balance_problems(self.frame(), rel=rel)
        if problems:
            raise ValueError("row accounting does not balance: " + "; ".join(problems))


def ledger_frame(ledgers: Sequence[Ledger]) -> pd.DataFrame:
    """Tidy accounting table of several ledgers; entries of one reason are summed."""
    rows = [entry for ledger in ledgers for entry in ledger.entries]
    frame = pd.DataFrame(rows, columns=COLUMNS).astype({"total": "float64"})
    keys = [c for c in COLUMNS if c != "total"]
    frame = frame.groupby(keys, sort=False, as_index=False, dropna=False)["total"].sum()
    frame["entry"] = pd.Categorical(frame["entry"], categories=ENTRIES, ordered=True)
    frame = frame.sort_values(["step", "part", "source", "file", "measure", "entry"],
                              kind="stable", ignore_index=True)
    return frame.astype({"entry": "string"})


def balance_problems(frame: pd.DataFrame, rel: float = 1e-9) -> list[str]:
    """Every step, part, file and measure whose ``out`` differs from the balance of its entries
    by more than ``rel`` times the sum of the entries' absolute totals."""
    problems = []
    for key, group in frame.groupby(["step", "part", "source", "file", "measure"], sort=False):
        steps = group[group["entry"] != "out"]
        expected = float((steps["total"] * steps["entry"].map(_SIGN)).sum())
        scale = float(group["total"].abs().sum())  # rounding grows with the totals summed
        out = group.loc[group["entry"] == "out", "total"]
        if len(out) != 1:
            problems.append(f"{' / '.join(map(str, key))}: {len(out)} 'out' entries, expected 1")
        elif not math.isclose(float(out.iloc[0]), expected, rel_tol=0, abs_tol=rel * scale):
            problems.append(f"{' / '.join(map(str, key))}: out {float(out.iloc[0]):.6g} but "
                            f"in - dropped - merged + copied + rescaled = {expected:.6g}")
    return problems


def write_ledgers(ledgers: Sequence[Ledger], path) -> None:
    """Write the tidy accounting table of ``ledgers`` to ``path`` (CSV, atomically)."""
    with atomic_path(path) as tmp:
        ledger_frame(ledgers).to_csv(tmp, index=False)


def read_accounting(paths: Sequence) -> pd.DataFrame:
    """The accounting tables at ``paths`` in one; an unbalanced step raises ValueError."""
    frame = pd.concat([pd.read_csv(p, dtype={"part": "string"}, keep_default_na=False,
                                   na_values={"total": [""]}) for p in paths], ignore_index=True)
    problems = balance_problems(frame)
    if problems:
        raise ValueError("row accounting does not balance: " + "; ".join(problems))
    return frame


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per step, source, entry and reason, one column per measure (``rows`` first),
    summed over parts and files (the years of trade), in the order rows flow through a step."""
    keys = ["step", "source", "entry", "reason"]
    table = frame.pivot_table(index=keys, columns="measure", values="total", aggfunc="sum")
    first_seen = frame.drop_duplicates(keys).reset_index(drop=True).reset_index()
    table = table.reset_index().merge(first_seen[[*keys, "index"]], on=keys)
    table["entry"] = pd.Categorical(table["entry"], categories=ENTRIES, ordered=True)
    table = table.sort_values(["step", "source", "entry", "index"]).astype({"entry": "string"})
    measures = ["rows", *sorted(m for m in frame["measure"].unique() if m != "rows")]
    return table[[*keys, *measures]].rename_axis(columns=None).reset_index(drop=True)


def keep_ledger(ledgers: list | None, ledger: Ledger) -> Ledger:
    """Append ``ledger`` to ``ledgers`` (when the caller collects them) and return it."""
    if ledgers is not None:
        ledgers.append(ledger)
    return ledger
