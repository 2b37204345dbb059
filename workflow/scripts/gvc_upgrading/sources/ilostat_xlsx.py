"""The ILOSTAT data-explorer Excel export (``INJ_FATL_ECO_NB_A_EN.xlsx``): title rows, a header
row, one column per ISIC Rev.4 section; read into the tidy table of
:func:`gvc_upgrading.sources.ilostat.read_indicator`."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import (
    InputError,
)
from .ilostat_codes import IMPOSSIBLE, constant_column, indicator_in_name, without_frequency
from .ilostat_layouts import as_categories, check_years, dictionary_for
from .ilostat_tidy import tidy_table

log = logging.getLogger(__name__)


# --- the data-explorer Excel export --------------------------------------------------------------

_XLSX_IDENTIFIERS = ("Reference area", "Source", "Time")  # the first three header cells
_SECTION_HEADER = re.compile(r"(?P<section>[A-Z])\. \S.*")
#: How ILOSTAT's dictionary labels a Rev.4 section code (``ECO_ISIC4_C``).
_SECTION_LABEL = "Economic activity (ISIC-Rev.4): {}"


def read_indicator_xlsx(path: str | Path, indicator: str | None = None, *,
                        years: tuple[int, int] | None = None,
                        dictionaries: Mapping[str, Mapping[str, str]] | None = None,
                        impossible: str = "error") -> pd.DataFrame:
    """ILOSTAT's data-explorer Excel export of an indicator by economic activity (one column per
    ISIC Rev.4 section) as the tidy table of :func:`read_indicator`; blank cells are no
    observation and give no row.

    The indicator is ``indicator`` or the id the file name starts with; ``country`` and
    ``source`` are the labels of the sheet (country names, not codes). With ``dictionaries``, the
    title must be the indicator's label and each column header a Rev.4 section label. Needs the
    python-calamine package (a test extra of this project), imported only here.
    """
    if impossible not in IMPOSSIBLE:
        raise ValueError(f"impossible={impossible!r}; expected one of {IMPOSSIBLE}")
    rows = _xlsx_rows(path)
    at = _xlsx_header_row(rows, path)
    header = [str(cell).strip() for cell in rows[at]]
    indicator = _xlsx_indicator(path, indicator, rows, dictionaries)
    activities = _xlsx_activities(header, at, path, dictionaries)
    raw = _xlsx_records(rows, at, activities, path, indicator)
    names = {"ref_area": "Reference area", "source": "Source", "time": "Time",
             "indicator": "indicator", "classif1": "activity", "obs_value": "value"}
    return tidy_table(raw, path, names, indicator=indicator, years=years, impossible=impossible)


def _xlsx_rows(path) -> list[list]:
    """The cells of the workbook's first sheet, row 1 first."""
    try:
        import python_calamine
    except ImportError as exc:
        raise ImportError("reading ILOSTAT Excel exports needs the python-calamine package "
                          "(pip install python-calamine)") from exc
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except python_calamine.CalamineError as exc:  # also its zip, XML and password errors
        raise InputError(path, f"not a readable Excel workbook ({exc}); expected ILOSTAT's Excel "
                               "export") from exc


def _xlsx_header_row(rows: list[list], path) -> int:
    """The index of the header row: the first whose first cell is ``Reference area``."""
    for index, row in enumerate(rows[:30]):
        if row and str(row[0]).strip() == "Reference area":
            missing = [name for name in _XLSX_IDENTIFIERS
                       if name not in [str(cell).strip() for cell in row[:3]]]
            if missing:
                raise InputError(path, f"header starts {[str(c) for c in row[:3]]}; expected "
                                       f"{list(_XLSX_IDENTIFIERS)}", row=index + 1, key="header")
            return index
    raise InputError(path, "no header row starting with 'Reference area' in the first 30 rows; "
                           "expected ILOSTAT's Excel export", key="header")


def _xlsx_indicator(path, indicator: str | None, rows: list[list],
                    dictionaries: Mapping[str, Mapping[str, str]] | None) -> str:
    """The indicator asked for or named by the file name; with a dictionary, its label must be
    the sheet's title."""
    indicator = without_frequency(indicator) if indicator else indicator_in_name(path)
    if indicator is None:
        raise InputError(path, "no indicator: the file name does not start with an ILOSTAT id; "
                               "expected e.g. INJ_FATL_ECO_NB_A_EN.xlsx, or pass indicator=")
    labels = (dictionaries or {}).get("indicator")
    title = str(rows[0][0]).strip() if rows and rows[0] else ""
    if labels is not None and labels.get(indicator) != title:
        raise InputError(path, f"title {title!r} is not the label of {indicator} in the ILOSTAT "
                               f"indicator dictionary ({labels.get(indicator)!r}); expected the "
                               "export of that indicator", row=1, key="A1")
    return indicator


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _xlsx_activities(header: list[str], at: int, path,
                     dictionaries: Mapping[str, Mapping[str, str]] | None) -> list[tuple]:
    """(column index, activity code, column name) of each value column: ``Total`` and the
    Rev.4 sections (``C. Manufacturing``); the unnamed notes column is skipped."""
    labels = dictionary_for("classif1", dictionaries or {})
    known = {label.strip() for label in labels.values()} if labels else None
    activities = []
    for index, name in enumerate(header[3:], start=3):
        where = f"column {_column_letter(index)}"
        if not name:
            continue
        section = _SECTION_HEADER.fullmatch(name)
        if name != "Total" and not section:
            raise InputError(path, f"header {name!r} is neither 'Total' nor an ISIC section "
                                   "('C. Manufacturing'); expected ILOSTAT's export by economic "
                                   "activity", row=at + 1, key=where)
        if known is not None and _SECTION_LABEL.format(name) not in known:
            raise InputError(path, f"header {name!r} is not an ISIC Rev.4 section of the ILOSTAT "
                                   "classif1 dictionary", row=at + 1, key=where)
        code = "ECO_ISIC4_TOTAL" if name == "Total" else f"ECO_ISIC4_{section['section']}"
        activities.append((index, code, f"{where} ({name})"))
    if not activities:
        raise InputError(path, "no value column after 'Time'; expected 'Total' and ISIC sections",
                         row=at + 1, key="header")
    return activities


def _xlsx_records(rows: list[list], at: int, activities: list[tuple], path,
                  indicator: str) -> pd.DataFrame:
    """One record per non-blank value cell, in standard column names, with its row and column."""
    records = []
    for index in range(at + 1, len(rows)):
        row = rows[index]
        if not any(str(cell).strip() for cell in row):
            continue
        area, source = (str(cell).strip() for cell in row[:2])
        if not area:
            raise InputError(path, "Reference area is empty; expected a country",
                             row=index + 1, key="column A (Reference area)")
        year = _xlsx_year(row[2], path, index + 1)
        for column, code, name in activities:
            value = _xlsx_number(row[column] if column < len(row) else "", path, index + 1, name)
            if value is not None:
                records.append((area, source, code, year, value, index + 1, name))
    if not records:
        raise InputError(path, "has a header but no values; expected ILOSTAT observations",
                         row=at + 2)
    frame = pd.DataFrame(records, columns=["ref_area", "source", "classif1", "time", "obs_value",
                                           "file_row", "_column"])
    for column in ("ref_area", "source", "classif1", "_column"):
        frame[column] = as_categories(frame[column].astype("str"))
    frame["indicator"] = constant_column(indicator, len(frame))
    check_years(frame["time"].to_numpy(), frame["file_row"].to_numpy(), path, "column C (Time)")
    return frame


def _xlsx_year(cell, path, row: int) -> int:
    text = str(cell).strip()
    number = cell if isinstance(cell, int | float) and not isinstance(cell, bool) else None
    if number is None and re.fullmatch(r"\d{4}", text):
        number = int(text)
    if number is None or number != int(number):
        raise InputError(path, f"Time {text!r} is not a year (an annual observation)", row=row,
                         key="column C (Time)")
    return int(number)


def _xlsx_number(cell, path, row: int, column: str) -> float | None:
    """A value cell as a float; None when blank."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    text = str(cell).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(path, f"value {text!r} is not a number", row=row, key=column) from None
