"""The decent-work figure of a value chain: for every country and social dimension, the change
over each period read in the dimension's better direction (a fall in hours worked, informality,
fatal injuries, the gender pay gap or the SDG 8.8.2 score counts as better), grouped into
measurable standards and enabling rights, beside the verdicts of the classification.

It reads the classification table (one row per country x value chain x period) and the
dimension registry: each social dimension ``<id>`` of the registry with a change column
``<id>_change`` in the table is a column of the heat map; a dimension without that column, or
a cell without a value, is drawn as missing (hatched grey). A dimension split by sex
(registry ``by_sex``) whose women's and men's changes the table holds (``<id>_female_change``,
``<id>_male_change``) gets two columns beside its own, "women" and "men". The verdict
columns are those of ``economic_class``, ``standards_class``, ``rights_class``,
``social_class`` and the women's and men's verdicts (``social_class_female``,
``social_class_male``) that the table has.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .style import (
    MISSING_EDGE,
    MISSING_FACE,
    MISSING_HATCH,
    STYLE,
    better_worse_cmap,
    save_figure,
)
from .vocabulary import (
    GROUP_TITLES,
    VERDICT_COLOURS,
    VERDICT_MARKS,
    better_sign,
    change_unit,
    ordered_periods,
    registry_field,
)

#: Verdict columns of the classification table that the figure shows, with their headers.
VERDICT_COLUMNS = {"economic_class": "Economic", "standards_class": "Standards",
                   "rights_class": "Rights", "social_class": "Social",
                   "social_class_female": "Women", "social_class_male": "Men"}
#: Tick label of a women's or men's column, beside its dimension's.
SEX_LABELS = {"female": "women", "male": "men"}
#: Gap between column blocks, in cell widths.
BLOCK_GAP = 0.45
#: Marker of a dimension where a fall is better.
LOWER_IS_BETTER = "↓"
#: Marker of a dimension whose change is a difference in levels (classification.level_changes).
IN_LEVELS = "°"


@dataclass(frozen=True)
class SocialColumn:
    """One social dimension as a column of the figure."""

    id: str
    label: str
    group: str
    sign: int
    sex: str | None = None  # women's or men's part of a dimension split by sex
    in_levels: bool = False  # its change is a difference in levels, not a log change

    @property
    def change(self) -> str:
        return f"{self.id}_change"


def social_columns(dimensions: Mapping[str, object], rows: pd.DataFrame | None = None,
                   level_changes: Sequence[str] = ()) -> list[SocialColumn]:
    """The social dimensions of the registry, measurable standards first, each group in
    registry order; with ``rows``, a dimension split by sex is followed by its women's and
    men's columns where ``rows`` has their changes. The dimensions of ``level_changes``
    (classification.level_changes) are marked as changing in levels."""
    columns = []
    for dim_id, dim in dimensions.items():
        if registry_field(dim, "side", "social") != "social":
            continue
        column = SocialColumn(id=dim_id, label=str(registry_field(dim, "label", dim_id)),
                              group=str(registry_field(dim, "group", "measurable_standard")),
                              sign=better_sign(dim), in_levels=dim_id in level_changes)
        columns.append(column)
        if rows is not None and registry_field(dim, "by_sex", False):
            columns += [SocialColumn(id=f"{dim_id}_{sex}", label=column.label,
                                     group=column.group, sign=column.sign, sex=sex,
                                     in_levels=column.in_levels)
                        for sex in SEX_LABELS if f"{dim_id}_{sex}_change" in rows.columns]
    rank = {group: i for i, group in enumerate(GROUP_TITLES)}
    return sorted(columns, key=lambda c: rank.get(c.group, len(rank)))


def better_changes(rows: pd.DataFrame, columns: Sequence[SocialColumn]) -> pd.DataFrame:
    """Each dimension's change times its direction: positive is better, NaN where missing
    (also for a dimension without a change column)."""
    return pd.DataFrame({
        c.id: (c.sign * pd.to_numeric(rows[c.change]).astype("float64")
               if c.change in rows.columns else np.nan)
        for c in columns
    }, index=rows.index)


def country_order(rows: pd.DataFrame, columns: Sequence[SocialColumn]) -> list[str]:
    """Countries by how many dimension-periods improved (most first), then by how few
    worsened, then by code."""
    signed = better_changes(rows, columns)
    tally = pd.DataFrame({"country": rows["country"].astype("str"),
                          "better": (signed > 0).sum(axis=1),
                          "worse": (signed < 0).sum(axis=1)})
    totals = tally.groupby("country")[["better", "worse"]].sum().reset_index()
    totals = totals.sort_values(["better", "worse", "country"], ascending=[False, True, True])
    return list(totals["country"])


def _short_label(column: SocialColumn) -> str:
    """The dimension's label without its parenthesis, wrapped, ↓ where a fall is better, °
    where its change is in levels; a women's or men's column says whose."""
    if column.sex:
        text = SEX_LABELS[column.sex]
    else:
        text = "\n".join(textwrap.wrap(re.sub(r"\s*\(.*\)\s*$", "", column.label), 20))
    marks = (LOWER_IS_BETTER if column.sign < 0 else "") + (IN_LEVELS if column.in_levels else "")
    return f"{text} {marks}" if marks else text


def _layout(columns: Sequence[SocialColumn], verdicts: Sequence[str]) -> dict:
    """x position (left edge) of each dimension and verdict column, with a gap between the
    groups and before the verdicts; the blocks' (title, start, end) for the headers."""
    x, positions, blocks = 0.0, {}, []
    for group, title in GROUP_TITLES.items():
        members = [c for c in columns if c.group == group]
        if not members:
            continue
        start = x
        for column in members:
            positions[column.id], x = x, x + 1
        blocks.append((title, start, x))
        x += BLOCK_GAP
    start = x
    for verdict in verdicts:
        positions[verdict], x = x, x + 1
    blocks.append(("Verdict", start, x))
    return {"positions": positions, "blocks": blocks, "width": x}


def _draw_verdicts(ax: Axes, classes: pd.Series | None, left: float, n: int,
                   name: str) -> None:
    """One verdict column: cells tinted by class, each with the class's letter (drawn as a
    marker per class, one collection each, which is much cheaper than a text per cell)."""
    if classes is None:
        return
    names = list(VERDICT_COLOURS)
    codes = classes.map({c: i for i, c in enumerate(names)}).to_numpy(dtype="float64")
    ax.pcolormesh([left, left + 1], np.arange(n + 1), np.ma.masked_invalid(codes[:, None]),
                  cmap=matplotlib.colors.ListedColormap(list(VERDICT_COLOURS.values())),
                  vmin=-0.5, vmax=len(names) - 0.5, edgecolors="white", linewidth=0.5,
                  zorder=1, gid=f"verdict:{name}")
    for code, verdict in enumerate(names):
        rows = np.flatnonzero(codes == code)
        if len(rows):
            ax.scatter(np.full(len(rows), left + 0.5), rows + 0.5, s=22, color="0.15",
                       marker=f"$\\mathrm{{{VERDICT_MARKS[verdict]}}}$", linewidths=0, zorder=2,
                       gid=f"letter:{name}:{verdict}")


def _draw_period(ax: Axes, rows: pd.DataFrame, countries: list[str],
                 columns: Sequence[SocialColumn], verdicts: Sequence[str], layout: dict,
                 norm, cmap, coloured: pd.DataFrame) -> object:
    """One period's panel: hatched blocks where data are missing, the coloured changes on
    top (``coloured``: :func:`coloured_changes` of all rows), the verdict letters, group
    headers above and dimension names below."""
    signed = coloured.loc[rows.index].assign(country=rows["country"].to_numpy()).drop_duplicates(
        "country").set_index("country").reindex(countries)
    rows = rows.drop_duplicates("country").set_index("country").reindex(countries)
    positions, n = layout["positions"], len(countries)
    mesh = None
    for title, start, end in layout["blocks"]:
        ax.add_patch(Rectangle((start, 0), end - start, n, facecolor=MISSING_FACE,
                               hatch=MISSING_HATCH, edgecolor=MISSING_EDGE, linewidth=0,
                               zorder=0.5))
        ax.annotate(title, ((start + end) / 2, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                    fontsize=7.5, fontweight="bold")
        ax.plot([start + 0.05, end - 0.05], [-0.25, -0.25], color="0.3", linewidth=1.2,
                clip_on=False)
    for column in columns:
        left = positions[column.id]
        values = signed[[column.id]].to_numpy(dtype="float64")
        mesh = ax.pcolormesh([left, left + 1], np.arange(n + 1), np.ma.masked_invalid(values),
                             cmap=cmap, norm=norm, edgecolors="white", linewidth=0.5, zorder=1,
                             gid=f"change:{column.id}")
    for verdict in verdicts:
        _draw_verdicts(ax, rows[verdict] if verdict in rows.columns else None,
                       positions[verdict], n, verdict)
    ticks = [(positions[c.id], _short_label(c)) for c in columns]
    ticks += [(positions[v], VERDICT_COLUMNS[v]) for v in verdicts]
    ax.set_xticks([left + 0.5 for left, _ in ticks], [text for _, text in ticks],
                  rotation=90, fontsize=7)
    ax.set_xlim(-0.1, layout["width"] + 0.1)
    ax.set_ylim(n, -0.25)
    ax.grid(False)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return mesh


def _colour_limit(signed: pd.DataFrame) -> float:
    """Half-width of the colour scale: the 95th percentile of the absolute changes (larger
    ones share the end colour), at least a small positive number."""
    values = np.abs(signed.to_numpy(dtype="float64").ravel())
    values = values[np.isfinite(values)]
    return float(np.quantile(values, 0.95)) if len(values) and values.max() > 0 else 1.0


def coloured_changes(rows: pd.DataFrame, columns: Sequence[SocialColumn]
                     ) -> tuple[pd.DataFrame, float]:
    """The values the cells are coloured by, and the half-width of their colour scale.

    Log changes are shown as they are, on one scale whose ends hold their 5% largest
    (:func:`_colour_limit`). A change in levels (percentage points, index points, deaths per
    100,000) is in a unit of its own, so each such dimension is rescaled so that its own 95th
    percentile of absolute changes (over the chain's periods; women's and men's columns with
    their dimension's total) reaches the end colour too: its colour says better or worse and how
    large among its own changes, and a gap in points never swamps the log changes."""
    signed = better_changes(rows, columns)
    logged = [c.id for c in columns if not c.in_levels]
    limit = _colour_limit(signed[logged]) if logged else 1.0
    family = {c.id: c.id.removesuffix(f"_{c.sex}") if c.sex else c.id for c in columns}
    scaled = signed.copy()
    for column in columns:
        if column.in_levels:
            own = [c for c, base in family.items() if base == family[column.id]]
            scaled[column.id] = signed[column.id] * (limit / _colour_limit(signed[own]))
    return scaled, limit


def _title(rows: pd.DataFrame, columns: Sequence[SocialColumn], chain: str,
           width_inches: float) -> str:
    """Figure title: the chain, what the cells show, the sort order, the rule of the verdicts
    and any group without a configured dimension; wrapped to the figure's width."""
    absent = [GROUP_TITLES[g].replace("\n", " ").lower() for g in GROUP_TITLES
              if not any(c.group == g for c in columns)]
    text = ("Change in each social dimension per period; countries by the number of "
            "dimensions that improved.")
    if "rule" in rows.columns:
        text += f" Verdicts of the rule {rows['rule'].iloc[0]}."
    if absent:
        text += f" No dimension of {' or '.join(absent)} is configured (dimensions.use)."
    lines = textwrap.wrap(text, max(40, int(width_inches * 12)))
    return "\n".join([f"{chain}: decent work", *lines])


def _norm(limit: float) -> matplotlib.colors.Normalize:
    """Colours by the square root of the change's size: changes of different dimensions
    differ by an order of magnitude, and a linear scale would wash the small ones out."""
    def forward(values):
        return np.sign(values) * np.sqrt(np.abs(values))

    def inverse(values):
        return np.sign(values) * np.square(values)

    return matplotlib.colors.FuncNorm((forward, inverse), vmin=-limit, vmax=limit)


def draw_decent_work(
    classification: pd.DataFrame,
    value_chain: str,
    dimensions: Mapping[str, object],
    chain_label: str | None = None,
    level_changes: Sequence[str] = (),
) -> Figure:
    """The decent-work figure of one value chain (see :func:`plot_decent_work`)."""
    rows = classification[classification["value_chain"] == value_chain]
    if rows.empty:
        raise ValueError(f"no classification rows for value chain {value_chain!r}")
    columns = social_columns(dimensions, rows, level_changes)
    if not columns:
        raise ValueError("no social dimension in the registry given to the decent-work figure")
    verdicts = [v for v in VERDICT_COLUMNS if v in rows.columns]
    countries = country_order(rows, [c for c in columns if c.sex is None])
    periods = ordered_periods(rows)
    layout = _layout(columns, verdicts)
    coloured, limit = coloured_changes(rows, columns)
    norm = _norm(limit)
    cmap = better_worse_cmap()
    unit = change_unit(rows)

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(max(6.5, 1.0 + len(periods) * (0.8 + 0.3 * layout["width"])),
                              3.6 + 0.15 * len(countries)), layout="constrained")
        # Not sharey: the rows are the same by construction, and shared tick labels that are
        # hidden still cost a layout each.
        axes = fig.subplots(1, len(periods), squeeze=False)[0]
        mesh = None
        for ax, period in zip(axes, periods):
            mesh = _draw_period(ax, rows[rows["period"] == period], countries, columns,
                                verdicts, layout, norm, cmap, coloured) or mesh
            ax.set_title(period, pad=26)
        axes[0].set_yticks(np.arange(len(countries)) + 0.5, countries, fontsize=6.5)
        for ax in axes[1:]:
            ax.set_yticks([])
        colourbar = fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap),
                                 ax=list(axes), location="bottom", shrink=0.7, aspect=45,
                                 extend="both", pad=0.02)
        label = (f"Change over the period ({unit}), read so that better is positive; "
                 f"{LOWER_IS_BETTER}: a fall is better")
        if any(c.in_levels for c in columns):
            label += (f"\n{IN_LEVELS}: change in levels (the dimension's own unit), each such "
                      "dimension on its own scale, the end colour at its 95th percentile")
        colourbar.set_label(label)
        colourbar.outline.set_visible(False)
        handles = [Patch(facecolor=MISSING_FACE, hatch=MISSING_HATCH, edgecolor=MISSING_EDGE,
                         label="no data")]
        handles += [Patch(facecolor=VERDICT_COLOURS[c], edgecolor="0.7",
                          label=f"{VERDICT_MARKS[c]} {c}") for c in VERDICT_COLOURS]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles),
                   handlelength=1.6)
        fig.suptitle(_title(rows, columns, chain_label or value_chain, fig.get_figwidth()),
                     fontsize=10.5)
        return fig


def plot_decent_work(
    classification: pd.DataFrame,
    value_chain: str,
    dimensions: Mapping[str, object],
    path_stem: str | os.PathLike,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: int = 150,
    chain_label: str | None = None,
    level_changes: Sequence[str] = (),
) -> list[Path]:
    """Heat map of decent work in one value chain: one row per country, one panel per period,
    one column per social dimension of ``dimensions`` (the registry: id -> label, group,
    better, side; economic entries are left out), measurable standards and enabling rights
    in separate blocks, and the verdict columns of the table at the right.

    A cell's colour is the dimension's change over the period signed so that better is
    positive (blue) and worse negative (vermillion), white for no change, on one scale
    centred on zero, in the square root of the change's size, whose ends hold the 5% largest
    log changes; dimensions where a fall is better are marked ↓. The dimensions of
    ``level_changes`` change in levels (their own unit), are marked ° and are coloured each on
    its own scale (:func:`coloured_changes`). Missing changes are hatched grey. Countries are
    sorted by the number of dimension-periods that improved (:func:`country_order`). Returns
    the written paths.
    """
    fig = draw_decent_work(classification, value_chain, dimensions, chain_label, level_changes)
    return save_figure(fig, path_stem, formats, dpi)
