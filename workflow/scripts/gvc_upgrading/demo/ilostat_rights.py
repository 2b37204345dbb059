"""The demo's ILOSTAT bulk CSVs of enabling rights, one value per country and year: trade union
density (ILR_TUMT_NOC_RT_A), collective bargaining coverage (ILR_CBCT_NOC_RT_A) and compliance
with labour rights, SDG indicator 8.8.2 (SDG_0882_NOC_RT_A; 0 best, 10 worst).

The ``NOC`` files have no ``sex`` or ``classif`` columns; union density has no ``obs_status``
either (the real bulk file drops it), bargaining coverage has one with a few breaks. Rows run
from the earliest year within each country and source, as in the real union density file;
values have 2 decimals. Union density comes from trade-union records (``FI``), administrative
records (``FX``) or labour force surveys (``BA``), and some series change source; SDG 8.8.2
is an ILO calculation from textual sources (``XA``) for a few years only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .ilostat_bulk import BREAK_NOTE, number, presentations, write_bulk
from .world import DemoWorld


def _write_right(world: DemoWorld, right: str, indicator: str, path: Path, *,
                 kinds: tuple[str, ...], earlier: tuple[str, ...], notes: tuple[str, ...],
                 with_status: bool, changes: float = 0.15) -> None:
    rng = world.streams["ilostat_rights"]
    iso3 = [c.iso3 for c in world.countries]
    published = world.social.rights_published[right]
    ids = rng.choice(np.arange(40000, 50000), len(iso3), replace=False)
    main = {code: f"{kinds[int(rng.integers(len(kinds)))]}:{ids[k]}"
            for k, code in enumerate(iso3)}
    pres = presentations(rng, iso3, published, world.years, main, earlier, changes=changes,
                         other_breaks=0.05 if with_status else 0.0)
    note = {code: notes[int(rng.integers(len(notes)))] for code in iso3}
    records = []
    for c, code in enumerate(iso3):
        meta = pres[code]
        for y in np.flatnonzero(published[c]):
            year = int(world.years[y])
            broken = with_status and year in meta.breaks
            record = {"ref_area": code, "source": meta.source(year), "time": year,
                      "obs_value": number(world.social.rights[right][c, y], 2),
                      "note_indicator": "_".join(filter(None, [note[code], BREAK_NOTE
                                                               if broken else ""])),
                      "note_source": ""}
            if with_status:
                record["obs_status"] = "B" if broken else ""
            records.append(record)
    columns = ["ref_area", "indicator", "source", "time", "obs_value",
               *(["obs_status"] if with_status else []), "note_indicator", "note_source"]
    write_bulk(records, indicator, columns, path, latest_first=False)


def write_union_density(world: DemoWorld, path: Path) -> None:
    """ILR_TUMT_NOC_RT_A: trade union density, per cent of employees."""
    _write_right(world, "union_density", "ILR_TUMT_NOC_RT", path, kinds=("FI", "FX", "BA"),
                 earlier=("FI", "EA"), notes=("T31:4129", "", "", "T31:3503"),
                 with_status=False)


def write_bargaining_coverage(world: DemoWorld, path: Path) -> None:
    """ILR_CBCT_NOC_RT_A: collective bargaining coverage, per cent of employees."""
    _write_right(world, "bargaining_coverage", "ILR_CBCT_NOC_RT", path,
                 kinds=("FX", "FX", "DA"), earlier=("EA", "XX"),
                 notes=("T32:3476", "T32:3477", ""), with_status=True)


def write_labour_rights(world: DemoWorld, path: Path) -> None:
    """SDG_0882_NOC_RT_A: level of national compliance with labour rights (freedom of
    association and collective bargaining), 0 (best) to 10 (worst)."""
    _write_right(world, "labour_rights_index", "SDG_0882_NOC_RT", path, kinds=("XA",),
                 earlier=("XA",), notes=("",), with_status=False, changes=0.0)
