"""OECD Trade in Value Added (TiVA), 2025 edition: the SDMX-CSV files of the OECD SDMX API.

Dataflows of agency ``OECD.STI.PIE``: ``DSD_TIVA_MAINLV@DF_MAINLV`` (levels) and
``DSD_TIVA_MAINSH@DF_MAINSH`` (shares). :func:`read_tiva` / :func:`parse_tiva` turn one answer
into a tidy table; requests and release probes are built by :mod:`gvc_upgrading.sources.sdmx`.

Layout facts the reader relies on (shared/data/real/SOURCES.md, section 7): the series key is
``MEASURE.REF_AREA.ACTIVITY.COUNTERPART_AREA.UNIT_MEASURE.FREQ``; activities are ISIC Rev.4
codes (``_T``, ``C``, ``C26``, ``C26_27``, ``C13T15``) and the world is ``W``. The 2025 edition
has no ``..SH`` share codes: ``EXGR_DVA`` is a level in ``USD`` (``UNIT_MULT=6``, millions) in
the levels flow and a share in ``PT_EXGR`` (per cent of gross exports) in the shares flow, so a
value is identified by measure *and* unit. Rows arrive in API order, not sorted.

Two file variants are read, columns found by name: codes-only SDMX-CSV 1.0
(``DATAFLOW,MEASURE,REF_AREA,...,OBS_VALUE,UNIT_MULT``) and the labelled variant
(``format=csvfilewithlabels``: each code column followed by its label column, e.g.
``MEASURE,Measure``; the full API answer starts ``STRUCTURE,STRUCTURE_ID,...``, reduced copies
keep only some columns). CRLF or LF, optional UTF-8 byte-order mark, gzip allowed. Codes stay
text (``NA`` is Namibia, not a missing value).

Every fault raises an :class:`~gvc_upgrading.errors.InputError` naming the file, the row (the
header is row 1, the first data row row 2, as in every reader of the package) and the column:
an empty file, an API error body instead of data, a missing column, a row with too few or too
many fields, an empty code or unit, a year that is not four digits, a level without
``UNIT_MULT``, a value that is not a number (an empty ``OBS_VALUE`` is a missing value and
allowed), a share outside 0-100, a negative level, a repeated key, and a code outside the
edition's code lists when they are given.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, check_range, decode_utf8, delimiter_hint, parse_numbers
from .sdmx import error_message, first_words

AGENCY = "OECD.STI.PIE"
LEVELS_FLOW = "DF_MAINLV"
SHARES_FLOW = "DF_MAINSH"
#: Unit of a level (current US dollars, scaled by ``UNIT_MULT``) and prefix of share units.
LEVEL_UNIT = "USD"
SHARE_PREFIX = "PT_"
SHARE_OF_EXPORTS = "PT_EXGR"
#: Levels that may be negative: trade balances (``BALGR``, ``BALVAFD``). Every other level,
#: gross exports and their domestic/foreign value added included, must be >= 0; the real files
#: hold no negative value.
SIGNED_MEASURE_PREFIX = "BAL"
#: The world as counterpart area (exports to all partners).
WORLD = "W"

#: File row of the first data row in error messages (the header is row 1).
FIRST_DATA_ROW = 2
KEY_COLUMNS = ["MEASURE", "UNIT_MEASURE", "REF_AREA", "ACTIVITY", "COUNTERPART_AREA",
               "TIME_PERIOD"]
REQUIRED_COLUMNS = KEY_COLUMNS + ["OBS_VALUE", "UNIT_MULT"]
#: Columns that name the dataflow: ``DATAFLOW`` (SDMX-CSV 1.0) or ``STRUCTURE_ID`` (2.0).
FLOW_COLUMNS = ("DATAFLOW", "STRUCTURE_ID")
_KEY_NAME = "key columns " + "+".join(KEY_COLUMNS)
TIDY_COLUMNS = ["measure", "unit", "country", "activity", "counterpart", "year", "value",
                "unit_mult", "dataflow"]
_TIDY_NAMES = {"MEASURE": "measure", "UNIT_MEASURE": "unit", "REF_AREA": "country",
               "ACTIVITY": "activity", "COUNTERPART_AREA": "counterpart"}
_MISSING_VALUES = ("", "NaN")
#: Phrases of the error bodies the SDMX API answers with (HTTP 404/500 bodies saved as data).
_ERROR_PHRASES = ("NoRecordsFound", "NoResultsFound", "No Results Found", "No records found",
                  "Could not find", "Semantic Error", "Internal Server Error", "Bad Request",
                  "Not Found", "Error")
_GZIP_MAGIC = b"\x1f\x8b"
_EXPECTED_ANSWER = "expected the SDMX-CSV answer of a data query"


def read_tiva(path, *, activities=None, countries=None) -> pd.DataFrame:
    """Read one TiVA SDMX-CSV file (either variant) into the tidy table of :func:`parse_tiva`.

    ``activities`` and ``countries`` are optional code lists; when given, an ``ACTIVITY`` or
    ``REF_AREA`` code outside them is an error naming the code.
    """
    data = Path(path).read_bytes()
    if data.startswith(_GZIP_MAGIC):
        data = gzip.decompress(data)
    return parse_tiva(decode_utf8(data, path), path, activities=activities, countries=countries)


def parse_tiva(text: str, source, *, activities=None, countries=None) -> pd.DataFrame:
    """Parse the text of a TiVA SDMX-CSV answer; ``source`` names it in error messages.

    Returns one row per observation, sorted by key, with columns ``measure``, ``unit``,
    ``country``, ``activity``, ``counterpart`` (codes as text), ``year`` (int64), ``value``
    (float64, ``OBS_VALUE * 10**UNIT_MULT``: a USD level comes out in US dollars; NaN where
    ``OBS_VALUE`` is empty or ``NaN``), ``unit_mult`` (int64, 0 where a share leaves it empty) and
    ``dataflow``. ``dataflow`` is the short flow id (``DF_MAINLV``) taken from the ``DATAFLOW``
    or ``STRUCTURE_ID`` column when the file has one; otherwise it is inferred from the unit:
    a ``PT_...`` unit is a share and so ``DF_MAINSH``, ``USD`` a level and so ``DF_MAINLV``,
    any other unit an empty string (the unit alone does not say).
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(source, "is empty; expected TiVA SDMX-CSV data")
    _refuse_error_body(text, source)
    frame = _records(text, source)
    _check_codes(frame, source)
    years = _years(frame, source)
    multipliers = _unit_multipliers(frame, source)
    values = parse_numbers(frame["OBS_VALUE"], source, "OBS_VALUE", missing=_MISSING_VALUES,
                           first_row=FIRST_DATA_ROW).to_numpy() * 10.0 ** multipliers
    _check_code_list(frame, "ACTIVITY", activities, "activity", source)
    _check_code_list(frame, "REF_AREA", countries, "country", source)
    table = frame[list(_TIDY_NAMES)].rename(columns=_TIDY_NAMES)
    table = table.assign(year=years, value=values, unit_mult=multipliers,
                         dataflow=_dataflows(frame))
    _check_unique_keys(table, frame["row"], source)
    _check_magnitudes(table, frame["row"], source)
    return table[TIDY_COLUMNS].sort_values(TIDY_COLUMNS[:6], ignore_index=True)


def _refuse_error_body(text: str, source) -> None:
    """Raise if the text is an API error answer (XML, JSON, HTML or plain text), not CSV."""
    start = text.lstrip()[:1]
    if start == "<":
        raise InputError(source, "holds an SDMX error response (XML) instead of SDMX-CSV data: "
                                 f"{error_message(text)!r}; {_EXPECTED_ANSWER}")
    if start in "{[":
        raise InputError(source, "holds an SDMX error response (JSON) instead of SDMX-CSV data: "
                                 f"{error_message(text)!r}; {_EXPECTED_ANSWER}")
    header = text.lstrip().splitlines()[0]
    fields = {field.strip().strip('"') for field in header.split(",")}
    if "," in header and fields & set(REQUIRED_COLUMNS):
        return  # a CSV header; missing columns are named by _check_columns
    hint = delimiter_hint([header]) if "," not in header else ""
    if hint:
        raise InputError(source, f"header {header[:120]!r} is not an SDMX-CSV header{hint}",
                         key="header")
    if any(phrase.lower() in text[:2000].lower() for phrase in _ERROR_PHRASES):
        raise InputError(source, "holds an SDMX API error message instead of SDMX-CSV data: "
                                 f"{first_words(text)!r}; {_EXPECTED_ANSWER}")
    raise InputError(source, f"does not start with an SDMX-CSV header: {first_words(text)!r}; "
                             f"expected columns {', '.join(REQUIRED_COLUMNS)}", key="header")


def _records(text: str, source) -> pd.DataFrame:
    """The data rows as a frame of text with a ``row`` column (data row numbers); refuses a
    missing column, a blank line between data rows, and a row with the wrong number of fields.
    """
    records = list(csv.reader(io.StringIO(text, newline="")))
    header = records[0]
    _check_columns(header, _variant(header), source)
    rows = records[1:]
    while rows and _blank(rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(source, "has a header but no data rows; expected TiVA observations")
    for number, fields in enumerate(rows, start=FIRST_DATA_ROW):
        if _blank(fields):
            raise InputError(source, "is a blank line between data rows; expected a data row",
                             row=number)
        if len(fields) != len(header):
            raise InputError(source, f"has {len(fields)} fields but the header has "
                                     f"{len(header)}; expected one value per column",
                             row=number)
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    return frame.assign(row=np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows)))


def _blank(fields: list[str]) -> bool:
    return not fields or fields == [""]


def _variant(header: list[str]) -> str:
    """Describe the variant: labelled files have label columns such as ``Measure``."""
    if any(not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) for name in header):
        return ("labelled SDMX-CSV (format=csvfilewithlabels: each code column such as MEASURE "
                "is followed by its label column such as Measure; the code column is needed)")
    return "codes-only SDMX-CSV"


def _check_columns(header: list[str], variant: str, source) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InputError(source, f"missing column(s) {', '.join(missing)} in this {variant}; "
                                 f"expected {', '.join(REQUIRED_COLUMNS)}"
                                 f"{delimiter_hint(header)}", key=missing[0])
    repeated = sorted({name for name in REQUIRED_COLUMNS if header.count(name) > 1})
    if repeated:
        raise InputError(source, f"column(s) {', '.join(repeated)} appear more than once in "
                                 f"the header; expected each once", key=repeated[0])


def _check_codes(frame: pd.DataFrame, source) -> None:
    """Every key column must hold a code; an empty unit gets its own explanation."""
    for column in KEY_COLUMNS:
        empty = frame[column].str.strip() == ""
        if empty.any():
            position = int(np.flatnonzero(empty.to_numpy())[0])
            row = int(frame["row"].iloc[position])
            if column == "UNIT_MEASURE":
                measure = frame["MEASURE"].iloc[position]
                raise InputError(source, f"measure {measure} has no unit (UNIT_MEASURE is "
                                         "empty); expected USD for a level or PT_... for a "
                                         "share, since one code is both", row=row, key=column)
            raise InputError(source, f"{column} is empty; expected a code", row=row, key=column)


def _years(frame: pd.DataFrame, source) -> np.ndarray:
    """``TIME_PERIOD`` as int64; each must be a four-digit year (annual data)."""
    text = frame["TIME_PERIOD"].str.strip()
    bad = ~text.str.fullmatch(r"(19|20)\d\d")
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(source, f"TIME_PERIOD {frame['TIME_PERIOD'].iloc[position]!r} is not a "
                                 "four-digit year between 1900 and 2099; expected annual data",
                         row=int(frame["row"].iloc[position]), key="TIME_PERIOD")
    return text.astype("int64").to_numpy()


def _unit_multipliers(frame: pd.DataFrame, source) -> np.ndarray:
    """``UNIT_MULT`` as int64 (a power of ten); required for a USD level, 0 when a non-level
    leaves it empty."""
    text = frame["UNIT_MULT"].str.strip()
    level_without = (frame["UNIT_MEASURE"] == LEVEL_UNIT) & (text == "")
    if level_without.any():
        position = int(np.flatnonzero(level_without.to_numpy())[0])
        raise InputError(source, f"level {frame['MEASURE'].iloc[position]} in USD has no "
                                 "UNIT_MULT; expected the power of ten of its unit (6 for "
                                 "millions)", row=int(frame["row"].iloc[position]),
                         key="UNIT_MULT")
    numbers = parse_numbers(text.where(text != "", "0"), source, "UNIT_MULT",
                            first_row=FIRST_DATA_ROW, expected="a whole power of ten")
    bad = (numbers != numbers.round()) | ~numbers.between(-12, 12)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(source, f"UNIT_MULT {text.iloc[position]!r} is not a whole power of "
                                 "ten between -12 and 12", row=int(frame["row"].iloc[position]),
                         key="UNIT_MULT")
    return numbers.astype("int64").to_numpy()


def _check_code_list(frame: pd.DataFrame, column: str, allowed, what: str, source) -> None:
    if allowed is None:
        return
    allowed = {str(code) for code in allowed}
    unknown = ~frame[column].isin(allowed)
    if unknown.any():
        position = int(np.flatnonzero(unknown.to_numpy())[0])
        code = frame[column].iloc[position]
        raise InputError(source, f"{column} code {code!r} is not in the edition's {what} code "
                                 f"list ({len(allowed)} codes); expected one of its codes",
                         row=int(frame["row"].iloc[position]), key=column)


def _dataflows(frame: pd.DataFrame) -> np.ndarray:
    """The short dataflow id of each row: from the file when it names one, else from the unit."""
    units = frame["UNIT_MEASURE"]
    inferred = np.where(units.str.startswith(SHARE_PREFIX), SHARES_FLOW,
                        np.where(units == LEVEL_UNIT, LEVELS_FLOW, ""))
    column = next((name for name in FLOW_COLUMNS if name in frame.columns), None)
    if column is None:
        return inferred.astype(object)
    named = frame[column].str.extract(r"(?:@|:)([A-Za-z0-9_]+)\(", expand=False)
    named = named.fillna(frame[column].str.extract(r"@([A-Za-z0-9_]+)", expand=False))
    return np.where(named.notna() & (named != ""), named, inferred).astype(object)


def _check_unique_keys(table: pd.DataFrame, rows: pd.Series, source) -> None:
    keys = table[TIDY_COLUMNS[:6]]
    repeated = keys.duplicated(keep=False)
    if not repeated.any():
        return
    later = keys.duplicated()
    position = int(np.flatnonzero(later.to_numpy())[0])
    first = int(np.flatnonzero((repeated & (keys == keys.iloc[position]).all(axis=1))
                               .to_numpy())[0])
    key = " ".join(str(value) for value in keys.iloc[position])
    raise InputError(source, f"key ({key}) repeats row {int(rows.iloc[first])}; expected "
                             "one value per measure, unit, country, activity, counterpart and "
                             "year", row=int(rows.iloc[position]), key=_KEY_NAME)


def _check_magnitudes(table: pd.DataFrame, rows: pd.Series, source) -> None:
    """Shares within 0-100 per cent; levels not negative (trade balances excepted)."""
    labels = (table["measure"] + " " + table["country"] + " " + table["activity"] + " "
              + table["year"].astype(str))
    shares = table["unit"].str.startswith(SHARE_PREFIX).to_numpy()
    check_range(table["value"][shares], source, "OBS_VALUE", minimum=0, maximum=100,
                expected="a share between 0 and 100 per cent", rows=rows[shares],
                labels=labels[shares])
    levels = ((table["unit"] == LEVEL_UNIT)
              & ~table["measure"].str.startswith(SIGNED_MEASURE_PREFIX)).to_numpy()
    check_range(table["value"][levels], source, "OBS_VALUE", minimum=0,
                expected="a level of at least zero US dollars", rows=rows[levels],
                labels=labels[levels])
