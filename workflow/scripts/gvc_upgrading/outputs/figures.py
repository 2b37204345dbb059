"""Figures: the coefficient plot, the market-share and real-wage paths of selected countries,
the robustness heat map and the data coverage. Their shared look (palette, fonts, saving) lives
in :mod:`.style`; the quadrant scatter in :mod:`.quadrants`, the decent-work heat map in
:mod:`.decent_work`.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..analysis.specifications import POOLED, variable_label
from .style import OKABE_ITO, SERIES_COLOURS, STYLE, save_figure
from .tables import POOLED_LABEL
from .vocabulary import VERDICT_MARKS

__all__ = ["OKABE_ITO", "STYLE", "save_figure", "plot_coefficients", "plot_paths",
           "plot_robustness", "plot_coverage", "coverage_classes"]

#: Markers of the coefficient plot's specifications, one per pass through the colours.
SPEC_MARKERS = ("o", "s", "D", "^")

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
    # Past the palette's colours, the marker tells the specifications of one colour apart.
    markers = {spec: SPEC_MARKERS[i // len(SERIES_COLOURS) % len(SPEC_MARKERS)]
               for i, spec in enumerate(specs)}
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
                            fmt=markers[row.spec_id], markersize=4.5, capsize=2.5,
                            linewidth=1.2, color=colours[row.spec_id])
            ax.set_title(titles[variable, moderator])
            ax.set_xlabel("Estimate")  # short: a longer label per panel ran into the next one
            ax.grid(axis="y", visible=False)
        axes[0].set_yticks(
            [position[key] for key in keys],
            [f"{spec_labels[spec]}: {chain_labels.get(chain, chain)}" for spec, chain in keys],
        )
        axes[0].set_ylim(-0.7, len(keys) - 0.3)
        handles = [Line2D([], [], marker=markers[s], color=colours[s], label=spec_labels[s])
                   for s in specs]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(specs), 4))
        fig.suptitle("Coefficient estimates with 95% confidence intervals, across specifications")
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


def dimension_coverage(indicators: pd.DataFrame, dimensions: Mapping[str, Mapping],
                       ) -> pd.DataFrame:
    """Per value chain, dimension and year: the share of the chain's exporting countries (an
    export value that year) that have a value of the dimension's column (0 where the column is
    absent). ``dimensions``: registry id -> entry (``label``, ``column``). Columns value_chain,
    dimension, label, year, share."""
    exporting = indicators[indicators["export_value_usd"].notna()]
    frames = []
    for dim_id, dim in dimensions.items():
        column = dim["column"]
        has = (exporting[column].notna() if column in exporting.columns
               else pd.Series(False, index=exporting.index))
        share = has.groupby([exporting["value_chain"], exporting["year"]]).mean()
        frames.append(share.rename("share").reset_index().assign(dimension=dim_id,
                                                                 label=dim["label"]))
    if not frames:
        return pd.DataFrame(columns=["value_chain", "dimension", "label", "year", "share"])
    return pd.concat(frames, ignore_index=True)[["value_chain", "dimension", "label", "year",
                                                 "share"]]


def plot_coverage(
    indicators: pd.DataFrame,
    path_stem: str | os.PathLike,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: int = 150,
    chain_labels: Mapping[str, str] | None = None,
    dimensions: Mapping[str, Mapping] | None = None,
) -> list[Path]:
    """Heat map of data coverage: one panel per value chain, one row per country, one column
    per year, each cell coloured by whether the indicator table has trade data, labour data,
    both or neither for that country, chain and year. With ``dimensions`` (registry id ->
    ``label``, ``column``), a second row of panels shows per dimension and year the share of
    the chain's exporting countries with a value (:func:`dimension_coverage`)."""
    if indicators.empty:
        raise ValueError("no indicator rows to plot")
    chain_labels = chain_labels or {}
    dimensions = dict(dimensions or {})
    present = list(pd.unique(indicators["value_chain"]))
    chains = [c for c in chain_labels if c in present] + [c for c in present
                                                          if c not in chain_labels]
    countries = sorted(set(indicators["country"]))
    years = list(range(int(indicators["year"].min()), int(indicators["year"].max()) + 1))
    codes = {name: i for i, name in enumerate(COVERAGE_CLASSES)}
    cells = indicators.assign(code=coverage_classes(indicators).map(codes))
    cmap = matplotlib.colors.ListedColormap(list(COVERAGE_CLASSES.values()))
    shares = dimension_coverage(indicators, dimensions)
    labels = [dim_id.replace("_", " ") for dim_id in dimensions]  # short: rows are narrow

    with matplotlib.rc_context(STYLE):
        rows = 2 if dimensions else 1
        height = 2.2 + 0.15 * len(countries) + (1.4 + 0.16 * len(labels) if dimensions else 0)
        fig = Figure(figsize=(1.6 + 2.6 * len(chains) + (1.4 if dimensions else 0), height),
                     layout="constrained")
        grid = fig.subplots(rows, len(chains), squeeze=False, gridspec_kw={
            "height_ratios": [len(countries), len(labels) + 3] if dimensions else [1]})
        axes = grid[0]
        for ax, chain in zip(axes, chains):
            table = (cells[cells["value_chain"] == chain]
                     .pivot(index="country", columns="year", values="code")
                     .reindex(index=countries, columns=years).fillna(codes["neither"]))
            ax.pcolormesh(table.to_numpy(dtype="float64"), cmap=cmap, vmin=-0.5,
                          vmax=len(codes) - 0.5, edgecolors="white", linewidth=0.3)
            ax.set_ylim(len(countries), 0)
            ax.set_xticks(np.arange(0, len(years), 5) + 0.5, years[::5])
            ax.set_title(chain_labels.get(chain, chain))
            ax.grid(False)
            ax.tick_params(length=0)
        axes[0].set_yticks(np.arange(len(countries)) + 0.5, countries, fontsize=6)
        for ax in axes[1:]:
            ax.set_yticks([])
        handles = [matplotlib.patches.Patch(facecolor=colour, edgecolor="0.6", label=name)
                   for name, colour in COVERAGE_CLASSES.items()]
        if dimensions:
            _dimension_panels(fig, grid[1], chains, shares, list(dimensions), labels, years)
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        fig.suptitle("Data coverage: trade and labour data per country, year and value chain"
                     + ("; below, the share of exporters with each dimension" if dimensions
                        else ""))
        return save_figure(fig, path_stem, formats, dpi)


def _dimension_panels(fig: Figure, axes, chains: Sequence[str], shares: pd.DataFrame,
                      ids: list[str], labels: list[str], years: list[int]) -> None:
    """The second row of the coverage figure: dimensions x years per chain, the share of the
    chain's exporters with a value (white 0, dark blue all)."""
    cmap = matplotlib.colors.LinearSegmentedColormap.from_list(
        "coverage_share", ["#FFFFFF", OKABE_ITO["blue"]])
    mesh = None
    for ax, chain in zip(axes, chains):
        table = (shares[shares["value_chain"] == chain]
                 .pivot(index="dimension", columns="year", values="share")
                 .reindex(index=ids, columns=years))
        mesh = ax.pcolormesh(np.ma.masked_invalid(table.to_numpy(dtype="float64")), cmap=cmap,
                             vmin=0, vmax=1, edgecolors="white", linewidth=0.3)
        ax.set_ylim(len(ids), 0)
        ax.set_xticks(np.arange(0, len(years), 5) + 0.5, years[::5])
        ax.set_yticks([])
        ax.grid(False)
        ax.tick_params(length=0)
    axes[0].set_yticks(np.arange(len(ids)) + 0.5, labels, fontsize=6)
    colourbar = fig.colorbar(mesh, ax=list(axes), location="right", shrink=0.9, aspect=12,
                             format=matplotlib.ticker.PercentFormatter(1.0))
    colourbar.set_label("exporters with a value", fontsize=7)
    colourbar.outline.set_visible(False)
