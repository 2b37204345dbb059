"""Figures: the upgrading-quadrant scatter per value chain, the coefficient plot and the
market-share and real-wage paths of selected countries.

One style for every figure: the Okabe–Ito colour-blind-safe palette, a small sans-serif
font and light grids, defined once in this module. Figures are drawn on bare
:class:`matplotlib.figure.Figure` objects (no pyplot, no GUI backend; raster output goes
through Agg) and every file is written atomically under its final name.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..analysis.estimate import POOLED
from ..analysis.specifications import variable_label
from ..io import atomic_path
from .tables import POOLED_LABEL

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
}
# Reproducible files: no creation timestamps in vector formats.
_SAVE_METADATA = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}

X_LABEL = "Change in world export market share (log points)"
Y_LABEL = "Change in real wage per employee (log points)"
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


def save_figure(
    fig: Figure, path_stem: str | os.PathLike, formats: Iterable[str], dpi: int
) -> list[Path]:
    """Write ``fig`` once per format as ``<path_stem>.<format>``, each file atomically."""
    paths = []
    for fmt in formats:
        path = Path(f"{os.fspath(path_stem)}.{fmt}")
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_SAVE_METADATA.get(fmt))
        paths.append(path)
    return paths


def _symmetric_limits(values: pd.Series) -> tuple[float, float]:
    """Axis limits centred on zero that include every finite value with some padding."""
    finite = values[np.isfinite(values)]
    extent = float(finite.abs().max()) if len(finite) else 0.0
    extent = 1.15 * extent if extent > 0 else 1.0
    return -extent, extent


def _periods(classification: pd.DataFrame) -> list[str]:
    """Period labels in chronological order (by start year when available)."""
    if "start_year" in classification.columns:
        ordered = classification.sort_values("start_year", kind="stable")
        return list(pd.unique(ordered["period"]))
    return list(pd.unique(classification["period"]))


def _draw_quadrant_panel(ax: Axes, rows: pd.DataFrame, title: str) -> None:
    """One period: dashed zero lines, quadrant captions, coloured points with ISO3 labels."""
    ax.axhline(0, color="0.35", linestyle="--", linewidth=0.8, zorder=1)
    ax.axvline(0, color="0.35", linestyle="--", linewidth=0.8, zorder=1)
    for (x, y), text in QUADRANT_LABELS.items():
        ax.text(x, y, text, transform=ax.transAxes, ha="right" if x > 0.5 else "left",
                va="top" if y > 0.5 else "bottom", fontsize=7.5, style="italic", color="0.3",
                zorder=4, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75,
                                "pad": 1.5})
    for label, colour in JOINT_CLASSES.items():
        points = rows[rows["joint_class"] == label]
        ax.scatter(points["market_share_change"], points["real_wage_change"], s=28,
                   color=colour, edgecolor="0.2", linewidth=0.5, zorder=3)
    for row in rows.itertuples(index=False):
        ax.annotate(row.country, (row.market_share_change, row.real_wage_change),
                    xytext=(3, 3), textcoords="offset points", fontsize=6.5, color="0.25",
                    zorder=3)
    if rows.empty:
        ax.text(0.5, 0.5, "No country with both changes", transform=ax.transAxes,
                ha="center", va="center", color="0.4", bbox={"facecolor": "white",
                                                             "edgecolor": "none"})
    ax.set_title(title)
    ax.set_xlabel(X_LABEL)


def plot_quadrants(
    classification: pd.DataFrame,
    value_chain: str,
    path_stem: str | os.PathLike,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: int = 150,
    chain_label: str | None = None,
) -> list[Path]:
    """Scatter of market-share change against real-wage change for one value chain.

    One panel per period with shared, zero-centred axes; dashed zero lines split the
    quadrants. Points are coloured by the joint economic x social class (which also uses
    unit values and employment, so a point may be "mixed" whatever its quadrant) and
    labelled with the ISO3 code. Rows with a missing change on either axis are left out.
    Returns the written paths, ``<path_stem>.<format>`` for each format.
    """
    chain_rows = classification[classification["value_chain"] == value_chain].copy()
    if chain_rows.empty:
        raise ValueError(f"no classification rows for value chain {value_chain!r}")
    chain_rows["joint_class"] = [
        joint_class(e, s)
        for e, s in zip(chain_rows["economic_class"], chain_rows["social_class"])
    ]
    for col in ("market_share_change", "real_wage_change"):
        chain_rows[col] = pd.to_numeric(chain_rows[col]).astype("float64")
    plotted = chain_rows.dropna(subset=["market_share_change", "real_wage_change"])
    periods = _periods(chain_rows)

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(5.2 * len(periods), 5.6), layout="constrained")
        axes = fig.subplots(1, len(periods), sharex=True, sharey=True, squeeze=False)[0]
        for ax, period in zip(axes, periods):
            _draw_quadrant_panel(ax, plotted[plotted["period"] == period], period)
        axes[0].set_xlim(_symmetric_limits(plotted["market_share_change"]))
        axes[0].set_ylim(_symmetric_limits(plotted["real_wage_change"]))
        axes[0].set_ylabel(Y_LABEL)
        present = [label for label in JOINT_CLASSES if (plotted["joint_class"] == label).any()]
        handles = [
            Line2D([], [], linestyle="", marker="o", markersize=6, markerfacecolor=colour,
                   markeredgecolor="0.2", markeredgewidth=0.5, label=label)
            for label, colour in JOINT_CLASSES.items() if label in present
        ]
        if handles:
            fig.legend(handles=handles, loc="outside lower center", ncols=3,
                       title="Joint economic and social class")
        fig.suptitle(f"{chain_label or value_chain}: economic and social upgrading")
        return save_figure(fig, path_stem, formats, dpi)


def _panel_titles(estimates: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(variable, moderator) -> panel title, from the estimates' labels of the variables
    (registry labels where the estimation had them): "Market share", "Market share × trade
    union density", each wrapped at 30 characters."""

    def label(row, column: str) -> str:
        given = getattr(row, f"{column}_label", None)
        return given if isinstance(given, str) and given else variable_label(getattr(row, column))

    titles = {}
    for row in estimates.itertuples(index=False):
        name = label(row, "variable")
        title = name[:1].upper() + name[1:]
        if row.moderator:
            title += " × " + label(row, "moderator")
        titles.setdefault((row.variable, row.moderator), "\n".join(textwrap.wrap(title, 30)))
    return titles


def plot_coefficients(
    estimates: pd.DataFrame,
    path_stem: str | os.PathLike,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: int = 150,
    chain_labels: Mapping[str, str] | None = None,
) -> list[Path]:
    """Coefficient plot: one panel per regressor and per interaction (regressor × moderator),
    one row per specification x value chain.

    Each row shows the point estimate with its 95 % confidence interval, coloured by
    specification; a vertical line marks zero. A panel gathers the terms of one indicator
    (or one pair) whatever the design (level, lag or long difference; the row label names the
    specification); controls and moderators' main effects are left out. Rows keep the order
    of ``estimates`` (specs, then value chains) from top to bottom.
    """
    estimates = estimates[estimates["role"].isin(["regressor", "interaction"])]
    estimates = estimates.assign(moderator=estimates.get("moderator", "")).fillna(
        {"moderator": ""})
    titles = _panel_titles(estimates)
    if estimates.empty:
        raise ValueError("no estimates to plot")
    chain_labels = {POOLED: POOLED_LABEL, **(chain_labels or {})}
    keys = list(dict.fromkeys(zip(estimates["spec_id"], estimates["value_chain"])))
    specs = list(dict.fromkeys(estimates["spec_id"]))
    spec_labels = dict(zip(estimates["spec_id"], estimates["spec_label"]))
    colours = {spec: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, spec in enumerate(specs)}
    position = {key: len(keys) - 1 - i for i, key in enumerate(keys)}
    variables = list(dict.fromkeys(zip(estimates["variable"], estimates["moderator"])))

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(max(6.0, 3.4 * len(variables)), 1.6 + 0.32 * len(keys)),
                     layout="constrained")
        axes = fig.subplots(1, len(variables), sharey=True, squeeze=False)[0]
        for ax, (variable, moderator) in zip(axes, variables):
            ax.axvline(0, color="0.35", linestyle="--", linewidth=0.8)
            rows = estimates[(estimates["variable"] == variable)
                             & (estimates["moderator"] == moderator)
                             & estimates["estimate"].notna()]
            for row in rows.itertuples(index=False):
                y = position[(row.spec_id, row.value_chain)]
                ax.errorbar(row.estimate, y,
                            xerr=[[row.estimate - row.ci_low], [row.ci_high - row.estimate]],
                            fmt="o", markersize=4.5, capsize=2.5, linewidth=1.2,
                            color=colours[row.spec_id])
            ax.set_title(titles[variable, moderator])
            ax.set_xlabel("Estimate (95% confidence interval)")
            ax.grid(axis="y", visible=False)
        axes[0].set_yticks(
            [position[key] for key in keys],
            [f"{spec_labels[spec]}: {chain_labels.get(chain, chain)}" for spec, chain in keys],
        )
        axes[0].set_ylim(-0.7, len(keys) - 0.3)
        handles = [Line2D([], [], marker="o", color=colours[s], label=spec_labels[s])
                   for s in specs]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(specs), 4))
        fig.suptitle("Coefficient estimates across specifications")
        return save_figure(fig, path_stem, formats, dpi)


# --- paths of selected countries -----------------------------------------------------------

LINE_STYLES = ("-", "--", ":", "-.")
SHARE_LABEL = "World export market share (%, log scale)"
WAGE_INDEX_LABEL = "Real wage per employee (first year = 100)"


def _wage_index(rows: pd.DataFrame) -> pd.Series:
    """Real wage as an index, 100 in the country's first year with a value in the chain
    (``rows`` sorted by year within country and chain)."""
    wage = pd.to_numeric(rows["real_wage_per_employee_lcu"]).astype("float64")
    first = wage.groupby([rows["country"], rows["value_chain"]]).transform("first")
    return 100 * wage / first


def plot_paths(
    indicators: pd.DataFrame,
    countries: Sequence[str],
    path_stem: str | os.PathLike,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: int = 150,
    chain_labels: Mapping[str, str] | None = None,
) -> list[Path]:
    """Market-share and real-wage paths of selected countries, one row per value chain.

    Left: world export market share in percent (log scale); right: the real wage per
    employee as an index (100 in the country's first year with a wage in that chain, since
    wages in national currency are not comparable across countries). One colour (and line
    style) per country throughout; gaps in the data are gaps in the lines. Raises ValueError
    naming any country that has no row at all in ``indicators``.
    """
    absent = [c for c in countries if c not in set(indicators["country"])]
    if absent or not countries:
        raise ValueError(f"countries without any indicator row: {absent or 'none selected'}")
    chain_labels = chain_labels or {}
    rows = indicators[indicators["country"].isin(countries)].sort_values(
        ["value_chain", "country", "year"])
    rows = rows.assign(share_pct=100 * pd.to_numeric(rows["market_share"]).astype("float64"),
                       wage_index=_wage_index(rows))
    chains = list(pd.unique(indicators["value_chain"]))
    style = {c: (SERIES_COLOURS[i % len(SERIES_COLOURS)],
                 LINE_STYLES[i // len(SERIES_COLOURS) % len(LINE_STYLES)])
             for i, c in enumerate(countries)}

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(9.0, 1.2 + 2.3 * len(chains)), layout="constrained")
        axes = fig.subplots(len(chains), 2, sharex=True, squeeze=False)
        for (share_ax, wage_ax), chain in zip(axes, chains):
            chain_rows = rows[rows["value_chain"] == chain]
            for country in countries:
                line = chain_rows[chain_rows["country"] == country].set_index("year")
                full = line.reindex(range(int(indicators["year"].min()),
                                          int(indicators["year"].max()) + 1))
                colour, dash = style[country]
                share_ax.plot(full.index, full["share_pct"], color=colour, linestyle=dash,
                              linewidth=1.3)
                wage_ax.plot(full.index, full["wage_index"], color=colour, linestyle=dash,
                             linewidth=1.3)
            share_ax.set_yscale("log")  # ticks at 1, 2 and 5 times powers of ten, in plain digits
            share_ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1, 2, 5)))
            share_ax.yaxis.set_major_formatter(
                matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
            share_ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            share_ax.set_ylabel(chain_labels.get(chain, chain), fontweight="bold")
            wage_ax.axhline(100, color="0.35", linestyle="--", linewidth=0.8)
        axes[0, 0].set_title(SHARE_LABEL)
        axes[0, 1].set_title(WAGE_INDEX_LABEL)
        handles = [Line2D([], [], color=style[c][0], linestyle=style[c][1], label=c)
                   for c in countries]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(countries), 8))
        fig.suptitle("Market-share and real-wage paths of selected countries")
        return save_figure(fig, path_stem, formats, dpi)


# --- robustness of the verdicts ------------------------------------------------------------

#: Letter printed in a robustness cell for the baseline class.
VERDICT_MARKS = {"upgrading": "U", "mixed": "M", "downgrading": "D", "insufficient data": "–"}
#: Agreement shares from white (no specification agrees) to Okabe–Ito blue (all agree).
AGREEMENT_COLOURS = ("white", OKABE_ITO["blue"])
NOT_CLASSIFIED_COLOUR = "#DADADA"


def _draw_agreement_panel(ax: Axes, share: pd.DataFrame, classes: pd.DataFrame, cmap) -> object:
    """One side's agreement heat map with the baseline class letter in each cell."""
    values = share.to_numpy(dtype="float64", na_value=np.nan)
    mesh = ax.pcolormesh(np.ma.masked_invalid(values), cmap=cmap, vmin=0.0, vmax=1.0,
                         edgecolors="white", linewidth=0.6)
    for (row, col), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(col + 0.5, row + 0.5, VERDICT_MARKS.get(classes.iat[row, col], "?"),
                    ha="center", va="center", fontsize=6.5,
                    color="white" if value > 0.6 else "0.15")
    ax.set_xlim(0, values.shape[1])
    ax.set_ylim(values.shape[0], 0)
    ax.grid(False)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return mesh


def _chain_boundaries(columns: Sequence[tuple[str, str]]) -> list[int]:
    """Column positions where the value chain changes (drawn as gaps between chain groups)."""
    return [i for i in range(1, len(columns)) if columns[i][0] != columns[i - 1][0]]


def plot_robustness(
    robustness: pd.DataFrame,
    path_stem: str | os.PathLike,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: int = 150,
    chain_labels: Mapping[str, str] | None = None,
) -> list[Path]:
    """Heat map of how far each upgrading verdict survives the analyst's choices.

    ``robustness`` is the table of :func:`gvc_upgrading.analysis.robustness.assess_robustness`. Two
    panels (economic and social verdict); one row per country (alphabetical), one column per
    value chain x period (in table order). A cell's colour is the share of specifications that
    agree with the baseline verdict, its letter the baseline class (U upgrading, M mixed,
    D downgrading, – insufficient data); grey cells were not classified.
    """
    if robustness.empty:
        raise ValueError("no robustness rows to plot")
    chain_labels = chain_labels or {}
    columns = list(dict.fromkeys(zip(robustness["value_chain"], robustness["period"])))
    countries = sorted(set(robustness["country"]))
    cmap = matplotlib.colors.LinearSegmentedColormap.from_list(
        "agreement", AGREEMENT_COLOURS).with_extremes(bad=NOT_CLASSIFIED_COLOUR)

    def wide(column: str) -> pd.DataFrame:
        table = robustness.pivot(index="country", columns=["value_chain", "period"],
                                 values=column)
        return table.reindex(index=countries, columns=pd.MultiIndex.from_tuples(columns))

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(2.0 + 0.9 * len(columns), 2.6 + 0.17 * len(countries)),
                     layout="constrained")
        axes = fig.subplots(1, 2, sharey=True, squeeze=False)[0]
        for ax, side in zip(axes, ("economic", "social")):
            mesh = _draw_agreement_panel(ax, wide(f"{side}_agreement"), wide(f"{side}_class"),
                                         cmap)
            ax.set_xticks(np.arange(len(columns)) + 0.5,
                          [f"{chain_labels.get(chain, chain)}\n{period}"
                           for chain, period in columns], rotation=90)
            ax.set_title(f"{side.capitalize()} verdict")
            for boundary in _chain_boundaries(columns):
                ax.axvline(boundary, color="white", linewidth=3)
        axes[0].set_yticks(np.arange(len(countries)) + 0.5, countries, fontsize=6.5)
        colourbar = fig.colorbar(mesh, ax=list(axes), location="bottom", shrink=0.6,
                                 aspect=40, format=matplotlib.ticker.PercentFormatter(1.0))
        colourbar.set_label("Share of specifications agreeing with the baseline verdict "
                            "(letter: U upgrading, M mixed, D downgrading, – insufficient data)")
        colourbar.outline.set_visible(False)
        fig.suptitle("Robustness of the upgrading verdicts to the analyst's choices")
        return save_figure(fig, path_stem, formats, dpi)


# --- data coverage -------------------------------------------------------------------------

#: Coverage classes of a country-year in a value chain, in the legend's order, with colours.
COVERAGE_CLASSES = {
    "trade and labour": OKABE_ITO["blue"],
    "trade only": OKABE_ITO["sky_blue"],
    "labour only": OKABE_ITO["orange"],
    "neither": "#F2F2F2",
}


def coverage_classes(indicators: pd.DataFrame) -> pd.Series:
    """Coverage class of each indicator row: trade means an export value, labour an employment
    or real-wage value (see :data:`COVERAGE_CLASSES`)."""
    trade = indicators["export_value_usd"].notna().to_numpy()
    labour = (indicators["employment_persons"].notna()
              | indicators["real_wage_per_employee_lcu"].notna()).to_numpy()
    names = np.select([trade & labour, trade, labour], list(COVERAGE_CLASSES)[:3], "neither")
    return pd.Series(names, index=indicators.index, name="coverage")


def plot_coverage(
    indicators: pd.DataFrame,
    path_stem: str | os.PathLike,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: int = 150,
    chain_labels: Mapping[str, str] | None = None,
) -> list[Path]:
    """Heat map of data coverage: one panel per value chain, one row per country, one column
    per year, each cell coloured by whether the indicator table has trade data, labour data,
    both or neither for that country, chain and year."""
    if indicators.empty:
        raise ValueError("no indicator rows to plot")
    chain_labels = chain_labels or {}
    present = list(pd.unique(indicators["value_chain"]))
    chains = [c for c in chain_labels if c in present] + [c for c in present
                                                          if c not in chain_labels]
    countries = sorted(set(indicators["country"]))
    years = list(range(int(indicators["year"].min()), int(indicators["year"].max()) + 1))
    codes = {name: i for i, name in enumerate(COVERAGE_CLASSES)}
    cells = indicators.assign(code=coverage_classes(indicators).map(codes))
    cmap = matplotlib.colors.ListedColormap(list(COVERAGE_CLASSES.values()))

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(1.6 + 2.6 * len(chains), 2.2 + 0.15 * len(countries)),
                     layout="constrained")
        axes = fig.subplots(1, len(chains), sharey=True, squeeze=False)[0]
        for ax, chain in zip(axes, chains):
            grid = (cells[cells["value_chain"] == chain]
                    .pivot(index="country", columns="year", values="code")
                    .reindex(index=countries, columns=years).fillna(codes["neither"]))
            ax.pcolormesh(grid.to_numpy(dtype="float64"), cmap=cmap, vmin=-0.5,
                          vmax=len(codes) - 0.5, edgecolors="white", linewidth=0.3)
            ax.set_ylim(len(countries), 0)
            ax.set_xticks(np.arange(0, len(years), 5) + 0.5, years[::5])
            ax.set_title(chain_labels.get(chain, chain))
            ax.grid(False)
            ax.tick_params(length=0)
        axes[0].set_yticks(np.arange(len(countries)) + 0.5, countries, fontsize=6)
        handles = [matplotlib.patches.Patch(facecolor=colour, edgecolor="0.6", label=name)
                   for name, colour in COVERAGE_CLASSES.items()]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        fig.suptitle("Data coverage: trade and labour data per country, year and value chain")
        return save_figure(fig, path_stem, formats, dpi)
