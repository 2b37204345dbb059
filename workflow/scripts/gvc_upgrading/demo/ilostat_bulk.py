"""How the demo writes an ILOSTAT bulk CSV: layout, row order, survey sources, ISIC codes, flags.

A bulk file is UTF-8 with a byte-order mark, unquoted, LF line ends, gzip-compressed; its
columns differ between indicators (no ``sex``, ``classif1`` or ``obs_status`` in some, and the
``note_*`` columns in two orders), so each writer names its own. Rows are ordered by country,
then by survey source, then by year (latest first, or earliest first in the ``NOC`` files, as
in the real ones), and within a year by classification scheme, sex and code. One country-year
has one source and one ISIC revision, as in the real files; a series that changes source has
obs_status ``B`` (break in series) and the note ``I11:264`` in the new source's first year.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .files import write_bytes
from .world import SECTIONS

#: Activity key -> code within each ILOSTAT classification scheme (ISIC: revision-dependent).
SCHEME_CODES = {
    "AGNAG": {"TOTAL": "ECO_AGNAG_TOTAL", "AGR": "ECO_AGNAG_AGR", "NAG": "ECO_AGNAG_NAG"},
    "SECTOR": {"TOTAL": "ECO_SECTOR_TOTAL", "AGR": "ECO_SECTOR_AGR", "IND": "ECO_SECTOR_IND",
               "SER": "ECO_SECTOR_SER"},
    "AGGREGATE": {"TOTAL": "ECO_AGGREGATE_TOTAL", "AGR": "ECO_AGGREGATE_AGR",
                  "MAN": "ECO_AGGREGATE_MAN", "CON": "ECO_AGGREGATE_CON"},
}
ISIC_ACTIVITIES = {"TOTAL": None, "AGR": "agriculture", "MIN": "mining",
                   "MAN": "manufacturing", "CON": "construction", "TRD": "trade"}
SEXES = ("SEX_T", "SEX_M", "SEX_F")
BREAK_NOTE = "I11:264"  # "Break in series: Methodology revised"


def isic_code(activity: str, revision: str) -> str:
    """``ECO_ISIC4_C`` for manufacturing in Rev.4, ``ECO_ISIC3_D`` in Rev.3, ``..._TOTAL``."""
    section = ISIC_ACTIVITIES[activity]
    letter = "TOTAL" if section is None else SECTIONS[section][revision]
    return f"ECO_ISIC{revision}_{letter}"


@dataclass(frozen=True)
class Presentation:
    """How one country's series appears in one file: sources by first year, ISIC switch."""

    sources: tuple[tuple[int, str], ...]  # (first year, source id), ascending
    isic_switch: int  # first year coded in ISIC Rev.4
    breaks: frozenset[int]  # years with obs_status B

    def source(self, year: int) -> str:
        return [source for first, source in self.sources if first <= year][-1]

    def revision(self, year: int) -> str:
        return "4" if year >= self.isic_switch else "3"


def presentations(rng: np.random.Generator, iso3: list[str], covered: np.ndarray,
                  years: np.ndarray, main: dict[str, str], earlier: tuple[str, ...],
                  switch: dict[str, int] | None = None, changes: float = 0.2,
                  other_breaks: float = 0.3) -> dict[str, Presentation]:
    """Per country: its ``main`` source (e.g. the labour force survey ``BA:463``), and in a
    share ``changes`` of the countries an earlier source of one of the ``earlier`` types up to
    a year within its covered years (the source change is a break, ``B``); a share
    ``other_breaks`` has one more break year; the ISIC switch year comes from ``switch`` or is
    drawn (2004-2012)."""
    result = {}
    ids = rng.choice(np.arange(20000, 30000), len(iso3), replace=False)
    for k, code in enumerate(iso3):
        in_file = years[covered[k]]
        sources, breaks = [(int(years[0]), main[code])], set()
        if len(in_file) >= 4 and rng.random() < changes:
            change = int(rng.choice(in_file[2:-1]))
            kind = earlier[int(rng.integers(len(earlier)))]
            sources = [(int(years[0]), f"{kind}:{ids[k]}"), (change, main[code])]
            breaks.add(change)
        if len(in_file) and rng.random() < other_breaks:
            breaks.add(int(rng.choice(in_file)))
        isic = switch[code] if switch else int(rng.integers(2004, 2013))
        result[code] = Presentation(tuple(sources), isic, frozenset(breaks))
    return result


def number(value: float, decimals: int) -> str:
    """A value as ILOSTAT writes it: rounded, without trailing zeros (``40``, ``38.9``)."""
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"


def write_bulk(records: list[dict], indicator: str, columns: list[str], path: Path, *,
               latest_first: bool = True) -> None:
    """Write ``records`` (every column but ``indicator``, ``time`` as int) as a bulk CSV.gz:
    ordered by country, source and year, the records' own order kept within a year."""
    step = -1 if latest_first else 1
    ordered = sorted(records, key=lambda r: (r["ref_area"], r["source"], step * r["time"]))
    fields = [(column, column == "time") for column in columns]
    lines = [",".join(columns)]
    for record in ordered:
        record = {**record, "indicator": indicator}
        lines.append(",".join(str(record[c]) if is_time else record[c] for c, is_time in fields))
    text = "\ufeff" + "\n".join(lines) + "\n"
    write_bytes(gzip.compress(text.encode("utf-8"), mtime=0), path)
