"""ILOSTAT files: every ILOSTAT download format this project reads, and ILOSTAT's conventions
for economic-activity codes, source types, code dictionaries and the units an indicator id implies.

One file holds one indicator. The formats:

* **bulk CSV** (``HOW_TEMP_SEX_ECO_NB_A.csv.gz``): UTF-8 with a byte-order mark, often gzipped;
  columns ``ref_area``, ``indicator``, ``source`` (``BA:15715``: source type and survey id),
  ``sex``, ``classif1``, ``classif2``, ``time``, ``obs_value``, ``obs_status`` and ``note_*``.
  Which columns a file has and their order vary by indicator and vintage, so columns are always
  selected by name; ``ref_area``, ``indicator``, ``time`` and ``obs_value`` are required.
* **data-explorer CSV** (``...-filtered-2022-09-27.csv``): the bulk columns, any of them given as
  labels instead (``sex.label`` = ``Sex: Total``). Labels of indicators, sexes, classifications
  and statuses are turned back into codes with the code dictionaries; area and source labels are
  kept as written (country names change between vintages: ``Turkey``, ``Türkiye``).
* **SDMX-CSV** from sdmx.ilo.org (``DATAFLOW,REF_AREA,FREQ,...,TIME_PERIOD,OBS_VALUE``): the
  indicator is the dataflow id (``ILO:DF_ILR_TUMT_NOC_RT(1.0)``), ``SOURCE`` is a label, and
  dimension columns other than ``SEX`` are the classifications. Columns that pandas added when
  the file was re-saved (an unnamed index, ``country_name``) are ignored.
* **data-explorer Excel** (``INJ_FATL_ECO_NB_A_EN.xlsx``): title rows, then a header row that
  starts with ``Reference area``, ``Source``, ``Time``, then one column per ISIC Rev.4 section
  (``Total``, ``A. Agriculture; ...``) and a last unnamed column of notes.
* **code dictionaries** (``dic/classif1_en.csv``): a code column and a ``.label`` column.

:func:`read_indicator` (the three CSV layouts, told apart by their header) and
:func:`read_indicator_xlsx` return one tidy table, :data:`TIDY_COLUMNS`: code columns are
categoricals of strings (5 million rows take about 140 MB; see :data:`CHUNK_ROWS`), ``year``
an integer, ``value`` a float (NaN where the file has no value). They refuse, with an
:class:`InputError` naming file, row and column: a missing required column; an indicator other
than the one asked for or named by the file name; a value outside the range its unit allows
(:func:`indicator_unit`); a year before 1900 or after next year; a file whose values are all
empty; a value that is not a number; a series key given twice; and, when dictionaries are given,
a code they do not list.
Rows outside the ``years`` asked for are dropped and counted in a log line.

The workflow reads every ILOSTAT file, the labour files included, through :func:`read_indicator`
(with ``impossible="missing"``: values outside their unit's range become missing with a warning
that counts them, and a file left without a value is refused); :func:`check_indicator` checks
the indicator of its table against the file name and a registry entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .ilostat_codes import (
    CLASSIF_SEPARATOR,
    IMPOSSIBLE,
    MAX_EMPLOYMENT_THOUSANDS,
    TIDY_COLUMNS,
    eco_code_parts,
    indicator_in_name,
    indicator_unit,
    source_type,
    without_frequency,
)
from .ilostat_layouts import (
    decode_labels,
    explorer_layout,
    read_columns,
    read_dictionaries,
    read_dictionary,
    read_header,
    sdmx_layout,
)
from .ilostat_tidy import tidy_table
from .ilostat_xlsx import read_indicator_xlsx

#: The public face of the ILOSTAT readers: this module's own functions and, from the modules
#: beside it, the conventions and the other layouts.
__all__ = ["CLASSIF_SEPARATOR", "MAX_EMPLOYMENT_THOUSANDS", "SOURCE_PRIORITY", "TIDY_COLUMNS",
           "check_indicator", "eco_code_parts", "indicator_unit", "read_dictionaries",
           "read_dictionary", "read_indicator", "read_indicator_xlsx", "source_type"]

# When several series cover one country-year, prefer labour force surveys (BA), then other
# household surveys (BX), then establishment surveys (BB), then administrative records (AA).
SOURCE_PRIORITY = ["BA", "BX", "BB", "AA"]


def check_indicator(df: pd.DataFrame, path, expected: str | None = None) -> str:
    """The one indicator of a table from :func:`read_indicator`; an InputError when its
    ``indicator`` column holds several, or one other than the file name's
    (:func:`~gvc_upgrading.sources.ilostat_codes.indicator_in_name`) or ``expected`` (the
    registry entry's; with or without the ``_A`` of the file name)."""
    found = df["indicator"].unique()
    if len(found) != 1:
        raise InputError(path, f"holds indicators {sorted(found)[:5]}; expected one indicator "
                               "per bulk file", key="indicator")
    indicator = str(found[0])
    for label, wanted in (("the file name", indicator_in_name(path)),
                          ("the registry entry", expected and without_frequency(expected))):
        if wanted and indicator != wanted:
            raise InputError(path, f"indicator column holds {indicator}; expected {wanted}, as "
                                   f"{label} says (a renamed or mixed-up file?)", row=2,
                             key="indicator")
    return indicator


def read_indicator(path: str | Path, indicator: str | None = None, *,
                   years: tuple[int, int] | None = None,
                   dictionaries: Mapping[str, Mapping[str, str]] | None = None,
                   impossible: str = "error") -> pd.DataFrame:
    """Any ILOSTAT indicator CSV (bulk, data-explorer or SDMX-CSV; plain or gzip) as a tidy
    table of :data:`TIDY_COLUMNS`, one row per observation in file order.

    ``indicator``: the id the file must hold (with or without the ``_A`` of the file name); a
    file name that starts with an id must agree too. ``years``: (first, last); rows outside are
    dropped and counted in a log line. ``dictionaries`` (from :func:`read_dictionaries`): codes
    are checked against them, and labels turned into codes. ``impossible``: ``error`` refuses a
    value outside its unit's range (:func:`indicator_unit`), ``missing`` sets it to NaN with a
    warning naming the rows.

    ``country`` is ``ref_area`` as given (a code; a name in label files), ``activity`` the
    ``ECO_``/``EC2_`` code of whichever classification holds one (taken apart by
    :func:`eco_code_parts`), ``classif_other`` the other classification (joined by
    :data:`CLASSIF_SEPARATOR` when there are two), ``sex`` ``SEX_T`` when the file has none.
    """
    if impossible not in IMPOSSIBLE:
        raise ValueError(f"impossible={impossible!r}; expected one of {IMPOSSIBLE}")
    header = read_header(path, "ILOSTAT CSV")
    layout = sdmx_layout if "DATAFLOW" in header else explorer_layout
    columns, code_columns = layout(header, path)
    names = {standard: name for name, standard in columns.items()}
    # no name holds the raw frame here, so that tidy_table frees it once the years are selected
    return tidy_table(decode_labels(read_columns(path, columns), path, names, dictionaries), path, names,
                 indicator=indicator, years=years, impossible=impossible,
                 dictionaries=dictionaries, code_columns=code_columns)
