"""The upgrading-quadrant scatter of a value chain: each country placed by the changes that
decide its economic and social class, coloured by the joint class, its ISO3 label kept clear of
the other labels, the points and the quadrant captions.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .labels import label_points
from .style import NEUTRAL_GREY, OKABE_ITO, STYLE, freeze_layout, save_figure, symmetric_limits
from .vocabulary import change_unit, listed_ids, ordered_periods

log = logging.getLogger(__name__)

#: Axis text of each change column in the quadrant figure.
CHANGE_LABELS = {
    "market_share_change": "world export market share",
    "unit_value_change": "export unit value",
    "relative_unit_value_change": "relative export unit value",
    "employment_change": "employment",
    "real_wage_change": "real wage per employee",
}
# Joint classes, in legend order, with their colour; "Mixed" and "Insufficient data" gather
# every combination in which either dimension is mixed or missing.
JOINT_CLASSES = {
    "Economic & social upgrading": OKABE_ITO["bluish_green"],
    "Economic upgrading, social downgrading": OKABE_ITO["orange"],
    "Economic downgrading, social upgrading": OKABE_ITO["sky_blue"],
    "Economic & social downgrading": OKABE_ITO["vermillion"],
    "Mixed signals": NEUTRAL_GREY,
    "Insufficient data": "white",
}
# Quadrant captions: (x, y) position in axes fractions -> text.
QUADRANT_LABELS = {
    (0.98, 0.98): "Economic & social upgrading",
    (0.02, 0.98): "Economic downgrading,\nsocial upgrading",
    (0.02, 0.02): "Economic & social downgrading",
    (0.98, 0.02): "Economic upgrading,\nsocial downgrading",
}
#: Marker area (points squared) of the quadrant scatter, and the radius that follows.
MARKER_AREA = 28
MARKER_RADIUS = float(np.sqrt(MARKER_AREA)) / 2 + 0.5


def joint_class(economic_class: str, social_class: str) -> str:
    """The joint class of a country: one of :data:`JOINT_CLASSES`."""
    pair = {economic_class, social_class}
    if "insufficient data" in pair or pd.isna(economic_class) or pd.isna(social_class):
        return "Insufficient data"
    if "mixed" in pair:
        return "Mixed signals"
    if economic_class == social_class:
        return f"Economic & social {economic_class}"
    return f"Economic {economic_class}, social {social_class}"


def quadrant_pairs(classification: pd.DataFrame) -> list[tuple[str, str]]:
    """The (economic x, social y) change columns of each row of the quadrant figure: market
    share against the real wage, then the other half of each class -- the unit value the rule
    read (relative when the economic detail names it) against employment -- when the table
    has those changes."""
    pairs = [("market_share_change", "real_wage_change")]
    detail = classification.get("economic_detail", pd.Series(dtype="str")).astype("str")
    price = ("relative_unit_value_change" if detail.str.contains("relative unit value").any()
             else "unit_value_change")
    if {price, "employment_change"} <= set(classification.columns):
        pairs.append((price, "employment_change"))
    return pairs


def _draw_quadrant_panel(ax: Axes, rows: pd.DataFrame, x: str, y: str,
                         tolerance: float) -> list:
    """One period and pair of changes: dashed zero lines, the band of no change, quadrant
    captions and coloured points; returns the captions (the labels keep clear of them)."""
    ax.axhline(0, color="0.35", linestyle="--", linewidth=0.8, zorder=1)
    ax.axvline(0, color="0.35", linestyle="--", linewidth=0.8, zorder=1)
    if tolerance > 0:
        ax.axhspan(-tolerance, tolerance, color="0.93", linewidth=0, zorder=0.5)
        ax.axvspan(-tolerance, tolerance, color="0.93", linewidth=0, zorder=0.5)
    captions = [
        ax.text(cx, cy, text, transform=ax.transAxes, ha="right" if cx > 0.5 else "left",
                va="top" if cy > 0.5 else "bottom", fontsize=7.5, style="italic", color="0.3",
                zorder=2, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75,
                                "pad": 1.5})
        for (cx, cy), text in QUADRANT_LABELS.items()
    ]
    for label, colour in JOINT_CLASSES.items():
        points = rows[rows["joint_class"] == label]
        ax.scatter(points[x], points[y], s=MARKER_AREA, color=colour, edgecolor="0.2",
                   linewidth=0.5, zorder=3)
    if rows.empty:
        ax.text(0.5, 0.5, "No country with both changes", transform=ax.transAxes,
                ha="center", va="center", color="0.4", bbox={"facecolor": "white",
                                                             "edgecolor": "none"})
    return captions


def _quadrant_note(classification: pd.DataFrame, pairs: list[tuple[str, str]],
                   dimension_labels: Mapping[str, str], tolerance: float, unit: str) -> str:
    """The legend's reading of the colours: what decides a class beyond the axes."""
    if len(pairs) > 1:
        price = CHANGE_LABELS[pairs[1][0]].removeprefix("export ")
        note = ("A country has its quadrant's colour only when it is in that quadrant in both "
                f"rows: the economic class reads market share with {price},\nthe social class "
                "the real wage with employment; otherwise it is mixed (grey), or lacks data "
                "(white) when a change is missing.")
    else:
        note = ("The classes also read the unit value (economic) and employment (social), "
                "which these axes do not show:\na point may be mixed whatever its quadrant.")
    used = set()
    if "social_dimensions_used" in classification.columns:
        for value in classification["social_dimensions_used"]:
            used.update(listed_ids(value))
    others = sorted(used - {"employment", "real_wage"})
    if others:
        names = ", ".join(dimension_labels.get(d, d.replace("_", " ")) for d in others)
        note += f"\nThe social class also rests on: {names} (see the decent-work figure)."
    if tolerance > 0:
        shaded = "Shaded: c" if unit == "log points" else "C"
        note += f"\n{shaded}hanges within ±{tolerance:g} log points count as no change."
    return note


def draw_quadrants(
    classification: pd.DataFrame,
    value_chain: str,
    chain_label: str | None = None,
    tolerance: float = 0.0,
    dimension_labels: Mapping[str, str] | None = None,
) -> tuple[Figure, bool]:
    """The quadrant figure of one value chain (see :func:`plot_quadrants`), and whether every
    country label found a place clear of the others, the points and the captions."""
    chain_rows = classification[classification["value_chain"] == value_chain].copy()
    if chain_rows.empty:
        raise ValueError(f"no classification rows for value chain {value_chain!r}")
    chain_rows["joint_class"] = [
        joint_class(e, s)
        for e, s in zip(chain_rows["economic_class"], chain_rows["social_class"])
    ]
    pairs = quadrant_pairs(chain_rows)
    for col in {c for pair in pairs for c in pair}:
        chain_rows[col] = pd.to_numeric(chain_rows[col]).astype("float64")
    periods = ordered_periods(chain_rows)
    unit = change_unit(chain_rows)
    # The tolerance is in log points: shaded only where the changes are log changes too.
    band = tolerance if unit == "log points" else 0.0

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(0.6 + 4.9 * len(periods), 1.6 + 4.6 * len(pairs)),
                     layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(len(pairs), len(periods), sharex="row", sharey="row",
                            squeeze=False)
        panels = []
        for row_axes, (x, y) in zip(axes, pairs):
            plotted = chain_rows.dropna(subset=[x, y])
            for ax, period in zip(row_axes, periods):
                rows = plotted[plotted["period"] == period]
                captions = _draw_quadrant_panel(ax, rows, x, y, band)
                panels.append((ax, rows, x, y, captions))
                ax.set_title(period)
                ax.set_xlabel(f"Change in {CHANGE_LABELS[x]} ({unit})")
            row_axes[0].set_xlim(symmetric_limits(plotted[x]))
            row_axes[0].set_ylim(symmetric_limits(plotted[y]))
            row_axes[0].set_ylabel(f"Change in {CHANGE_LABELS[y]} ({unit})")
        shown = set().union(*(set(rows["joint_class"]) for _, rows, *_ in panels))
        present = [label for label in JOINT_CLASSES if label in shown]
        handles = [
            Line2D([], [], linestyle="", marker="o", markersize=6, markerfacecolor=colour,
                   markeredgecolor="0.2", markeredgewidth=0.5, label=label)
            for label, colour in JOINT_CLASSES.items() if label in present
        ]
        note = _quadrant_note(chain_rows, pairs, dimension_labels or {}, tolerance, unit)
        fig.legend(handles=handles, loc="outside lower center", ncols=3, alignment="center",
                   title=f"Joint economic and social class\n{note}")
        fig.suptitle(f"{chain_label or value_chain}: economic and social upgrading")
        freeze_layout(fig)  # labels are placed in the final pixel geometry
        renderer = fig.canvas.get_renderer()
        resolved = True
        for ax, rows, x, y, captions in panels:
            _, ok = label_points(ax, rows[x].to_numpy(), rows[y].to_numpy(),
                                 list(rows["country"]), renderer, MARKER_RADIUS, captions)
            resolved &= ok
        return fig, resolved


def plot_quadrants(
    classification: pd.DataFrame,
    value_chain: str,
    path_stem: str | os.PathLike,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: int = 150,
    chain_label: str | None = None,
    tolerance: float = 0.0,
    dimension_labels: Mapping[str, str] | None = None,
) -> list[Path]:
    """Economic against social upgrading for one value chain, one column per period.

    The top row places each country by the change of its world market share (x) and real
    wage (y); the second row by the other half of each class, the unit value the rule read
    (x) and employment (y), so a country takes the colour of its joint economic x social class
    when it lies in the same quadrant in both rows, and the reader sees what made any other
    point mixed. Axes are zero-centred and shared within a row; dashed zero lines split the
    quadrants (and a shaded band shows ``tolerance``, the changes counted as none). Country
    labels are placed clear of each other, of the points and of the captions
    (:func:`.labels.label_points`). Rows with a missing change on a panel's axes are left out
    of that panel. Without unit value or employment changes in the table only the top row is
    drawn and the legend says what it leaves out. Returns the written paths.
    """
    fig, resolved = draw_quadrants(classification, value_chain, chain_label, tolerance,
                                   dimension_labels)
    if not resolved:
        log.warning("quadrants of %s: some country labels found no free place and may overlap",
                    value_chain)
    return save_figure(fig, path_stem, formats, dpi)
