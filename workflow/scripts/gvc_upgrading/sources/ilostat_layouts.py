"""Reading an ILOSTAT CSV: the bulk, data-explorer and SDMX-CSV layouts told apart by their
header, columns read by name in bounded memory, the code dictionaries, and labels or SDMX codes
turned into bulk codes."""

from __future__ import annotations

import csv
import datetime
import gzip
import logging
import re
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ..errors import (
    InputError,
    decode_utf8,
    delimiter_hint,
    not_utf8_file,
    parse_numbers,
    parse_years,
)
from .ilostat_codes import (
    CHUNK_ROWS,
    FIRST_YEAR,
    INDICATOR_OPTIONAL,
    INDICATOR_REQUIRED,
    file_row,
    map_categories,
)

log = logging.getLogger(__name__)


def explorer_layout(header: list[str], path) -> tuple[dict[str, str], tuple[str, ...]]:
    """Columns of a bulk or data-explorer file (file name -> standard name) and those that hold
    codes (the others hold labels)."""
    columns = {}
    for standard in [*INDICATOR_REQUIRED, *INDICATOR_OPTIONAL]:
        for name in (standard, f"{standard}.label"):
            if name in header:
                columns[name] = standard
                break
    missing = [name for name in INDICATOR_REQUIRED if name not in columns.values()]
    if missing:
        raise InputError(path, f"missing column(s) {missing}; expected ILOSTAT columns "
                               f"{INDICATOR_REQUIRED} (optionally {INDICATOR_OPTIONAL}), found "
                               f"{header[:8]}{delimiter_hint(header)}", row=1, key="header")
    return columns, tuple(standard for name, standard in columns.items() if name == standard)


_SDMX_COLUMNS = {"DATAFLOW": "indicator", "REF_AREA": "ref_area", "TIME_PERIOD": "time",
                 "OBS_VALUE": "obs_value", "OBS_STATUS": "obs_status", "SOURCE": "source",
                 "SEX": "sex", "FREQ": "frequency"}
_SDMX_REQUIRED = ["DATAFLOW", "REF_AREA", "TIME_PERIOD", "OBS_VALUE"]
#: SDMX-CSV columns that are neither a dimension nor read.
_SDMX_OTHER = {"MEASURE", "UNIT_MEASURE_TYPE", "UNIT_MEASURE", "UNIT_MULT", "NOTE_SOURCE",
               "NOTE_INDICATOR", "NOTE_CLASSIF", "DECIMALS", "UPPER_BOUND", "LOWER_BOUND",
               "COMMENT_OBS", "STRUCTURE", "STRUCTURE_ID", "ACTION"}


def sdmx_layout(header: list[str], path) -> tuple[dict[str, str], tuple[str, ...]]:
    """Columns of an SDMX-CSV file: the known ones, and the dimensions (upper-case columns
    that are not attributes) as ``classif1`` and ``classif2``."""
    missing = [name for name in _SDMX_REQUIRED if name not in header]
    if missing:
        raise InputError(path, f"missing column(s) {missing}; expected SDMX-CSV columns "
                               f"{_SDMX_REQUIRED}", row=1, key="header")
    columns = {name: standard for name, standard in _SDMX_COLUMNS.items() if name in header}
    dimensions = [name for name in header if re.fullmatch(r"[A-Z][A-Z0-9_]*", name)
                  and name not in _SDMX_COLUMNS and name not in _SDMX_OTHER]
    if len(dimensions) > 2:
        raise InputError(path, f"classification columns {dimensions}; expected at most two "
                               "besides SEX", row=1, key="header")
    columns.update(zip(dimensions, ("classif1", "classif2"), strict=False))
    return columns, tuple(standard for standard in columns.values() if standard != "source")


# --- reading ---------------------------------------------------------------------------------------

@contextmanager
def reading_errors(path, what: str = "ILOSTAT bulk CSV") -> Iterator[None]:
    """Turn the errors of reading a (gzipped) CSV of format ``what`` into InputErrors naming the
    file."""
    try:
        yield
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, f"file is empty; expected an {what}") from exc
    except UnicodeDecodeError:
        raise not_utf8_file(path) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(path, f"compressed file is corrupt or cut short ({exc}); expected a "
                               "complete gzip file") from exc
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(path, f"not a comma-separated {what} ({exc})",
                         row=int(line[1]) if line else None) from exc


def _is_gzip(path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == b"\x1f\x8b"


def _compression(path) -> str | None:
    return "gzip" if _is_gzip(path) else None


def read_header(path, what: str) -> list[str]:
    """The column names of a (gzipped) CSV of format ``what``; the byte-order mark is dropped."""
    with reading_errors(path, what):
        opener = gzip.open if _is_gzip(path) else open
        with opener(path, "rb") as stream:
            line = stream.readline()
    text = decode_utf8(line, path).strip("\r\n")
    if not text.strip():
        raise InputError(path, f"file is empty; expected an {what}")
    return next(csv.reader([text]))


def read_columns(path, columns: dict[str, str]) -> pd.DataFrame:
    """The ``columns`` of a CSV (file name -> standard name) in chunks of :data:`CHUNK_ROWS`:
    codes as categoricals ("" is missing), ``time`` as int16 and ``obs_value`` as float checked
    row by row. Record ``i`` is on file row ``i + 2`` (see :func:`file_row`)."""
    chunks, first_row = [], 2
    with reading_errors(path, "ILOSTAT CSV"):
        reader = pd.read_csv(path, usecols=list(columns), dtype=str, keep_default_na=False,
                             na_values=[], encoding="utf-8-sig", compression=_compression(path),
                             chunksize=CHUNK_ROWS)
        with reader:
            for chunk in reader:
                chunks.append(_parse_chunk(chunk, path, columns, first_row))
                first_row += len(chunk)
    if first_row == 2:  # no record read
        raise InputError(path, "has a header but no data rows; expected ILOSTAT observations",
                         row=2)
    return pd.DataFrame({column: _concat([chunk.pop(column) for chunk in chunks])
                         for column in list(chunks[0])}, copy=False)


def _parse_chunk(chunk: pd.DataFrame, path, columns: dict[str, str],
                 first_row: int) -> dict[str, pd.Series | np.ndarray]:
    parsed = {}
    for name, standard in columns.items():
        text = chunk[name]
        if standard == "obs_value":
            parsed[standard] = parse_numbers(text, path, name, missing=("",), first_row=first_row)
        elif standard == "time":
            years = parse_years(text, path, name, first_row=first_row)
            check_years(years.to_numpy(), np.arange(len(text)) + first_row, path, name)
            parsed[standard] = years.to_numpy(dtype=np.int16)
        else:
            parsed[standard] = as_categories(text)
    return parsed


def as_categories(text: pd.Series) -> pd.Series:
    """Text as a categorical of strings; empty text is missing."""
    values = text.astype("category")
    if "" in values.cat.categories:
        values = values.cat.remove_categories([""])
    return values


def _concat(pieces: list) -> pd.Series:
    if isinstance(pieces[0], pd.Series) and isinstance(pieces[0].dtype, pd.CategoricalDtype):
        return pd.Series(union_categoricals(pieces, sort_categories=True))
    return pd.Series(np.concatenate([np.asarray(piece) for piece in pieces]))


def check_years(years: np.ndarray, rows: np.ndarray, path, column: str) -> None:
    """Refuse a year before 1900 or after next year: no observation is dated there."""
    last = datetime.date.today().year + 1
    bad = (years < FIRST_YEAR) | (years > last)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise InputError(path, f"{column} {years[position]} is not a year between {FIRST_YEAR} "
                               f"and {last}; expected the year of an observation",
                         row=int(rows[position]), key=column)


# --- code dictionaries ---------------------------------------------------------------------------

def read_dictionary(path: str | Path) -> dict[str, str]:
    """An ILOSTAT code dictionary (``classif1_en.csv[.gz]``): code -> label.

    The header is ``<column>, <column>.label`` (a space may follow the comma; ``source_en`` has a
    third column, ignored). Labels are kept as published (one ends in a no-break space). Refuses
    an empty code and a code given twice with two labels.
    """
    header = [name.strip() for name in read_header(path, "ILOSTAT code dictionary")]
    if len(header) < 2 or header[1] != f"{header[0]}.label":
        raise InputError(path, f"header {header[:3]}; expected an ILOSTAT code dictionary "
                               "header '<column>, <column>.label'", row=1, key="header")
    with reading_errors(path, "ILOSTAT code dictionary"):
        table = pd.read_csv(path, usecols=[0, 1], dtype=str, keep_default_na=False,
                            na_values=[], encoding="utf-8-sig", compression=_compression(path))
    codes, labels = table.iloc[:, 0].str.strip(), table.iloc[:, 1]  # labels as published
    _check_dictionary_codes(codes, labels, path, header[0])
    return dict(zip(codes, labels, strict=True))


def _check_dictionary_codes(codes: pd.Series, labels: pd.Series, path, column: str) -> None:
    empty = (codes == "").to_numpy()
    if empty.any():
        raise InputError(path, f"{column} is empty; expected a code", key=column,
                         row=int(empty.nonzero()[0][0]) + 2)
    pairs = pd.DataFrame({"code": codes, "label": labels}).drop_duplicates()
    twice = pairs.duplicated("code", keep=False)
    if twice.any():
        code = pairs.loc[twice, "code"].iloc[0]
        rows = (np.flatnonzero((codes == code).to_numpy()) + 2).tolist()
        raise InputError(path, f"{column} {code!r} has two labels (rows {rows}); expected one "
                               "label per code", row=rows[-1], key=column)


def read_dictionaries(folder: str | Path) -> dict[str, dict[str, str]]:
    """Every ILOSTAT dictionary in ``folder`` (``<column>_en.csv[.gz]``), by column name:
    ``{"classif1": {...}, "sex": {...}, ...}``, as :func:`read_indicator` takes them."""
    paths = sorted(Path(folder).glob("*_en.csv*"))
    if not paths:
        raise InputError(folder, "holds no ILOSTAT code dictionary; expected files named "
                                 "<column>_en.csv or <column>_en.csv.gz")
    return {path.name.split("_en.csv")[0]: read_dictionary(path) for path in paths}


def dictionary_for(column: str, dictionaries: Mapping[str, Mapping[str, str]]):
    """The codes a column may hold: its own dictionary; for a classification column both
    classification dictionaries (a code sits in either column: EC2 codes are ``classif2`` in
    ``EMP_TEMP_AGE_EC2`` but ``classif1`` in ``EMP_TEMP_SEX_EC2``). None without one."""
    if column in ("classif1", "classif2"):
        found = [dictionaries[name] for name in ("classif1", "classif2") if name in dictionaries]
        return {code: label for known in found for code, label in known.items()} if found else None
    return dictionaries.get(column)


# --- labels and SDMX codes to bulk codes ---------------------------------------------------------

#: Columns whose labels are turned back into codes (area and source labels stay as written).
_DECODED_LABELS = ("indicator", "sex", "classif1", "classif2", "obs_status")
_DATAFLOW = re.compile(r"[A-Za-z0-9_.]+:DF_(?P<id>[A-Z0-9_]+)\([^)]*\)")


def decode_labels(raw: pd.DataFrame, path, names: dict[str, str],
            dictionaries: Mapping[str, Mapping[str, str]] | None) -> pd.DataFrame:
    """Codes for the label columns of a data-explorer file and the dataflow of an SDMX file;
    the SDMX frequency must be annual."""
    for standard, name in names.items():
        if name.endswith(".label") and standard in _DECODED_LABELS:
            raw[standard] = _codes_of_labels(raw, standard, path, name, dictionaries)
    if names["indicator"] == "DATAFLOW":
        raw["indicator"] = map_categories(raw, "indicator", path, names, _dataflow_indicator)
    if "frequency" in raw:
        _check_annual(raw, path, names["frequency"])
        raw = raw.drop(columns="frequency")
    return raw


def _codes_of_labels(raw, standard: str, path, name: str, dictionaries) -> pd.Series:
    known = dictionary_for(standard, dictionaries or {})
    if known is None:
        raise InputError(path, f"column {name} holds labels; pass dictionaries="
                               "read_dictionaries(<ILOSTAT dic folder>) with the "
                               f"{standard!r} dictionary to turn them into codes",
                         row=1, key=name)
    code_of = {}  # labels compared without surrounding white space (a label may end in U+00A0)
    for code, label in known.items():
        code_of.setdefault(label.strip(), set()).add(code)

    def code_of_label(label: str) -> str:
        codes = code_of.get(label.strip(), set())
        if len(codes) != 1:
            problem = "is not a label" if not codes else f"names several codes {sorted(codes)}"
            raise ValueError(f"{problem} in the ILOSTAT {standard} dictionary")
        return next(iter(codes))

    return map_categories(raw, standard, path, {standard: name}, code_of_label)


def _dataflow_indicator(dataflow: str) -> str:
    match = _DATAFLOW.fullmatch(dataflow)
    if not match:
        raise ValueError("is not an ILO dataflow like 'ILO:DF_ILR_TUMT_NOC_RT(1.0)'")
    return match["id"]


def _check_annual(raw: pd.DataFrame, path, name: str) -> None:
    other = raw["frequency"].notna() & (raw["frequency"] != "A")
    if other.any():
        position = int(np.flatnonzero(other.to_numpy())[0])
        raise InputError(path, f"{name} {raw['frequency'].iloc[position]!r}; expected A "
                               "(annual observations)", row=file_row(raw, position), key=name)
