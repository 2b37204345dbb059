"""Errors raised on bad input: each names the file, the row or key, and what was expected."""

from __future__ import annotations

import numpy as np
import pandas as pd


class InputError(ValueError):
    """A source file does not hold what its format promises."""

    def __init__(self, path, problem: str, *, row: int | None = None, key: str | None = None):
        where = str(path)
        if row is not None:
            where += f", row {row}"
        if key is not None:
            where += f", {key}"
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.row = row
        self.key = key


def parse_numbers(text, path, column: str, *, missing: tuple[str, ...] = (), first_row: int = 1,
                  expected: str = "a number"):
    """Parse a column of text into floats; ``missing`` tokens become NaN, anything else that is
    not a number raises an :class:`InputError` naming the file, row and column.
    ``first_row`` is the file row of the column's first element."""
    is_missing = text.isin(missing)
    values = pd.to_numeric(text.where(~is_missing), errors="coerce")
    bad = values.isna() & ~is_missing
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        allowed = f" or {', '.join(repr(m) for m in missing)}" if missing else ""
        raise InputError(path, f"{column} {text.iloc[position]!r} is not {expected}{allowed}",
                         row=position + first_row, key=column)
    return values.astype("float64")
