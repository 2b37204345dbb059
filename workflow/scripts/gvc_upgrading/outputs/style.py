"""The one look of every figure: the Okabe–Ito colour-blind-safe palette, fonts and grids, the
diverging better/worse palette, symmetric axis limits, and how a figure is written to disk.

Figures are drawn on bare :class:`matplotlib.figure.Figure` objects (no pyplot, no GUI backend;
raster output goes through Agg) and every file is written atomically under its final name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine

from ..io import atomic_path

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
NEUTRAL_GREY = "#999999"
SERIES_COLOURS = [OKABE_ITO[name] for name in ("blue", "vermillion", "bluish_green", "orange",
                                                 "reddish_purple", "sky_blue", "black")]
#: Diverging palette of changes read in the better direction: vermillion (worse), white (no
#: change), blue (better); both ends stay distinct for the common colour-vision deficiencies.
BETTER_WORSE_COLOURS = (OKABE_ITO["vermillion"], "#F7F7F7", OKABE_ITO["blue"])
#: Cells without data: light grey, hatched.
MISSING_FACE, MISSING_HATCH, MISSING_EDGE = "#EBEBEB", "////", "#B5B5B5"

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "figure.titlesize": 12,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "hatch.linewidth": 0.6,
}
# Reproducible files: no creation timestamps in vector formats.
_SAVE_METADATA = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}


def save_figure(
    fig: Figure, path_stem: str | os.PathLike, formats: Iterable[str], dpi: int
) -> list[Path]:
    """Write ``fig`` once per format as ``<path_stem>.<format>``, each file atomically. The
    layout is computed once, at the raster resolution ``dpi`` (text measured at another
    resolution comes out a little wider or narrower, enough to clip a long tick label), and kept
    for the others."""
    fig.set_dpi(dpi)
    freeze_layout(fig)
    paths = []
    for fmt in formats:
        path = Path(f"{os.fspath(path_stem)}.{fmt}")
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_SAVE_METADATA.get(fmt))
        paths.append(path)
    return paths


def freeze_layout(fig: Figure) -> None:
    """Run the figure's layout engine once and switch it off, so that further draws (another
    file format, or artists placed in the final pixel geometry) keep every axes where it is."""
    if isinstance(fig.get_layout_engine(), (ConstrainedLayoutEngine, TightLayoutEngine)):
        fig.draw_without_rendering()
        fig.set_layout_engine("none")


def better_worse_cmap() -> matplotlib.colors.Colormap:
    """The diverging better/worse colour map; masked (missing) values are transparent, so a
    hatched background shows through."""
    return matplotlib.colors.LinearSegmentedColormap.from_list(
        "better_worse", BETTER_WORSE_COLOURS).with_extremes(bad=(0, 0, 0, 0))


def symmetric_limits(values: pd.Series) -> tuple[float, float]:
    """Axis limits centred on zero that include every finite value with some padding."""
    values = pd.to_numeric(pd.Series(values), errors="coerce").astype("float64")
    finite = values[np.isfinite(values)]
    extent = float(finite.abs().max()) if len(finite) else 0.0
    extent = 1.15 * extent if extent > 0 else 1.0
    return -extent, extent
