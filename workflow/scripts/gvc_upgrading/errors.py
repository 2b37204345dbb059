"""Errors raised on bad input: each names the file, the row or key, and what was expected.

Besides :class:`InputError`, the helpers here turn the usual faults of delimited text into such
errors: bytes that are not UTF-8 (the row is found by counting lines up to the bad byte), a file
split on the wrong delimiter, numbers that do not parse, values outside their plausible range,
years outside a source's own range, and a column with no value at all.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd

#: Years a source may hold; anything else is a typo or a code in the wrong column.
YEAR_RANGE = (1900, 2100)
_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


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


def parse_years(text, path, column: str, *, first_row: int = 1) -> pd.Series:
    """Parse a column of years: whole numbers within :data:`YEAR_RANGE`, else an InputError."""
    values = parse_numbers(text, path, column, first_row=first_row,
                           expected="a year (an annual observation)")
    low, high = YEAR_RANGE
    bad = (values != values.round()) | ~values.between(low, high)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(path, f"{column} {text.iloc[position]!r} is not a year between {low} and "
                               f"{high}", row=position + first_row, key=column)
    return values.astype("int64")


def check_years(years, path, column: str, *, first: int, last: int, expected: str, rows=None,
                first_row: int | None = 1) -> None:
    """Raise an InputError at the first year outside ``first``-``last`` (a source's own range:
    the years it can hold); ``expected`` says where the range comes from. ``rows`` as in
    :func:`check_range`."""
    values = np.asarray(years, dtype="float64")
    bad = (values < first) | (values > last)
    if not bad.any():
        return
    position = int(np.flatnonzero(bad)[0])
    if rows is not None:
        row = int(np.asarray(rows)[position])
    else:
        row = None if first_row is None else position + first_row
    raise InputError(path, f"{column} {values[position]:.0f} is outside {first}-{last}; expected "
                           f"{expected}", row=row, key=column)


def check_not_all_missing(values, path, column: str, *, expected: str) -> None:
    """A file whose ``column`` holds no value at all (every value empty or missing) is an
    InputError: it would harmonise to nothing without a word."""
    if len(values) and pd.isna(np.asarray(values, dtype="float64")).all():
        raise InputError(path, f"every {column} is empty ({len(values):,} rows, no value); "
                               f"expected {expected}", key=column)


def check_range(values, path, column: str, *, expected: str, minimum: float | None = None,
                maximum: float | None = None, above_zero: bool = False, rows=None,
                first_row: int | None = 1, labels=None) -> None:
    """Raise an InputError at the first value that is infinite, below ``minimum`` (or not above
    zero with ``above_zero``) or above ``maximum``; NaN (missing) passes.

    ``rows`` gives the file row of each value (default: ``first_row`` plus its position; no row
    when ``first_row`` is None too); ``labels`` names each value's record in the message.
    """
    numbers = np.asarray(values, dtype="float64")
    reasons = [(np.isinf(numbers), "not finite")]
    if above_zero:
        reasons.append((numbers <= 0, "not above zero"))
    if minimum is not None:
        reasons.append((numbers < minimum, "negative" if minimum == 0 else f"below {minimum:g}"))
    if maximum is not None:
        reasons.append((numbers > maximum, f"above {maximum:g}, an impossible magnitude"))
    bad = np.logical_or.reduce([mask for mask, _ in reasons])
    if not bad.any():
        return
    position = int(np.flatnonzero(bad)[0])
    reason = next(text for mask, text in reasons if mask[position])
    if rows is not None:
        row = int(np.asarray(rows)[position])
    else:
        row = None if first_row is None else position + first_row
    record = f" ({np.asarray(labels)[position]})" if labels is not None else ""
    raise InputError(path, f"{column}{record} {numbers[position]:g} is {reason}; expected "
                           f"{expected}", row=row, key=column)


def not_utf8(path, data: bytes, error: UnicodeDecodeError, *, first_row: int = 1) -> InputError:
    """The InputError for ``data`` failing to decode at ``error.start``; ``first_row`` is the
    file row of the first line of ``data``."""
    row = data.count(b"\n", 0, error.start) + first_row
    return InputError(path, f"byte 0x{data[error.start]:02x} is not UTF-8 text; expected UTF-8 "
                            "(was the file saved as Latin-1 or Windows-1252?)", row=row)


def decode_utf8(data: bytes, path, *, first_row: int = 1) -> str:
    """Decode UTF-8 text (a byte-order mark is dropped); other bytes raise :func:`not_utf8`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_utf8(path, data, error, first_row=first_row) from None


def not_utf8_file(path) -> InputError:
    """The InputError naming the row of a (possibly gzip-compressed) file's first non-UTF-8 byte;
    called after a reader has failed to decode it."""
    data = Path(path).read_bytes()
    if data.startswith(b"\x1f\x8b"):
        data = gzip.decompress(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return not_utf8(path, data, error)
    return InputError(path, "is not UTF-8 text; expected UTF-8")


def delimiter_hint(fields) -> str:
    """A hint when a header read as one field holds another delimiter (e.g. ``t;i;j;k;v;q``)."""
    fields = list(fields)
    if len(fields) == 1:
        for delimiter, name in _OTHER_DELIMITERS.items():
            if delimiter in str(fields[0]):
                return f" (the file looks {name}-separated; expected commas)"
    return ""
