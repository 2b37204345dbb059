"""Errors raised on bad input: each names the file, the row or key, and what was expected."""

from __future__ import annotations


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
