"""Figures of value capture (OECD TiVA): domestic value-added share paths of selected countries,
and the participation-position scatter per value chain and period.

Both read the indicator table's value-capture columns (:mod:`gvc_upgrading.analysis.indicators`)
and share the style, palette and atomic saving of :mod:`gvc_upgrading.outputs.style`. The values
are those of the TiVA industry that holds each chain (its ``tiva_activity``), which is broader
than the chain; the captions say so.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .figures import LINE_STYLES
from .style import NEUTRAL_GREY, OKABE_ITO, SERIES_COLOURS, STYLE, save_figure

DVA_SHARE = "domestic_value_added_share"
FVA_SHARE = "foreign_value_added_share"
DVA_LEVEL = "domestic_value_added_usd_constant"
SHARE_PATH_LABEL = "Domestic value added, % of the industry's gross exports"
BACKWARD_LABEL = "Backward participation: foreign value added, % of gross exports"
POSITION_LABEL = "Value-added share: % of the domestic value added exported by all countries"


def _chains(indicators: pd.DataFrame, chain_labels: Mapping[str, str]) -> list[str]:
    """The table's value chains, in the order of ``chain_labels`` (the configuration's)."""
    present = list(pd.unique(indicators["value_chain"]))
    return [c for c in chain_labels if c in present] + [c for c in present
                                                        if c not in chain_labels]


def _require(indicators: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in indicators.columns]
    if missing:
        raise ValueError(f"the indicator table has no column(s) {missing}; measure the "
                         "value-capture dimensions (dimensions.use) to draw this figure")


def plot_value_added_paths(indicators: pd.DataFrame, countries: Sequence[str],
                           path_stem: str | os.PathLike, formats: Sequence[str] = ("png", "pdf"),
                           dpi: int = 150,
                           chain_labels: Mapping[str, str] | None = None) -> list[Path]:
    """Domestic value-added share paths of ``countries``, one panel per value chain.

    One colour (and line style) per country throughout, gaps in the data are gaps in the lines;
    a country without any TiVA value (the edition does not cover it) is named in the legend as
    such. Raises ValueError when none of the countries has a value.
    """
    _require(indicators, [DVA_SHARE])
    chain_labels = chain_labels or {}
    rows = indicators[indicators["country"].isin(countries)]
    shares = pd.to_numeric(rows[DVA_SHARE]).astype("float64")
    covered = set(rows.loc[shares.notna(), "country"])
    if not covered:
        raise ValueError(f"none of the countries {list(countries)} has a domestic value-added "
                         "share")
    chains = _chains(indicators, chain_labels)
    years = range(int(indicators["year"].min()), int(indicators["year"].max()) + 1)
    style = {c: (SERIES_COLOURS[i % len(SERIES_COLOURS)],
                 LINE_STYLES[i // len(SERIES_COLOURS) % len(LINE_STYLES)])
             for i, c in enumerate(countries)}
    columns = min(2, len(chains))
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(4.6 * columns, 1.4 + 2.6 * -(-len(chains) // columns)),
                     layout="constrained")
        axes = fig.subplots(-(-len(chains) // columns), columns, sharex=True, sharey=True,
                            squeeze=False).ravel()
        for ax, chain in zip(axes, chains):
            chain_rows = rows[rows["value_chain"] == chain]
            for country in countries:
                line = chain_rows[chain_rows["country"] == country].set_index("year")[DVA_SHARE]
                colour, dash = style[country]
                ax.plot(years, pd.to_numeric(line).reindex(years), color=colour,
                        linestyle=dash, linewidth=1.3)
            activity = _activity(chain_rows)
            ax.set_title(f"{chain_labels.get(chain, chain)}{activity}")
        for ax in axes[len(chains):]:
            ax.set_visible(False)
        for ax in axes[::columns]:
            ax.set_ylabel("% of gross exports")
        handles = [Line2D([], [], color=style[c][0], linestyle=style[c][1],
                          label=c if c in covered else f"{c} (not in TiVA)") for c in countries]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(countries), 8))
        fig.suptitle("Domestic value added in the exports of each chain's industry (OECD TiVA)")
        return save_figure(fig, path_stem, formats, dpi)


def _activity(rows: pd.DataFrame) -> str:
    """`` (TiVA C26)`` for the chain's activity, when the table names one."""
    if "tiva_activity" not in rows.columns:
        return ""
    codes = rows["tiva_activity"].dropna().unique()
    return f" (TiVA {codes[0]})" if len(codes) == 1 else ""


def participation_positions(indicators: pd.DataFrame, periods: Sequence[Mapping],
                            endpoint_years: int) -> pd.DataFrame:
    """Per value chain, period and country: backward participation and value-added share
    (see :func:`plot_participation`) averaged over the first and over the last
    ``endpoint_years`` years of the period (``start_`` and ``end_`` columns)."""
    _require(indicators, [FVA_SHARE, DVA_LEVEL])
    data = indicators[["country", "value_chain", "year", FVA_SHARE, DVA_LEVEL]].copy()
    level = pd.to_numeric(data[DVA_LEVEL]).astype("float64")
    total = level.groupby([data["value_chain"], data["year"]]).transform("sum")
    data["value_added_share"] = 100.0 * level / total.where(total > 0)
    data["backward"] = pd.to_numeric(data[FVA_SHARE]).astype("float64")
    frames = []
    for period in periods:
        start, end = int(period["start"]), int(period["end"])
        ends = {}
        for name, low, high in (("start", start, start + endpoint_years - 1),
                                ("end", end - endpoint_years + 1, end)):
            window = data[data["year"].between(low, high)]
            means = window.groupby(["value_chain", "country"])[["backward",
                                                                 "value_added_share"]].mean()
            ends[name] = means.add_prefix(f"{name}_")
        both = ends["start"].join(ends["end"], how="outer").reset_index()
        frames.append(both.assign(period=str(period["label"])))
    table = pd.concat(frames, ignore_index=True)
    return table.dropna(subset=["end_backward", "end_value_added_share"])


def plot_participation(indicators: pd.DataFrame, periods: Sequence[Mapping],
                       path_stem: str | os.PathLike, endpoint_years: int = 3,
                       formats: Sequence[str] = ("png", "pdf"), dpi: int = 150,
                       chain_labels: Mapping[str, str] | None = None) -> list[Path]:
    """Participation-position scatter: one row of panels per value chain, one column per
    period. x: backward participation (foreign value added, % of the industry's gross exports);
    y: value-added share (the country's domestic value added in the industry's exports, % of
    that of all countries in the data; log scale). A point is the mean over the period's last
    ``endpoint_years`` years, a grey segment leads to it from the mean over the first ones;
    points carry their ISO3 code."""
    positions = participation_positions(indicators, periods, endpoint_years)
    if positions.empty:
        raise ValueError("no country has backward participation and value added in a period")
    chain_labels = chain_labels or {}
    chains = _chains(indicators, chain_labels)
    labels = [str(p["label"]) for p in periods]
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(1.2 + 3.6 * len(labels), 1.2 + 3.0 * len(chains)),
                     layout="constrained")
        axes = fig.subplots(len(chains), len(labels), sharex=True, sharey="row", squeeze=False)
        for row, chain in enumerate(chains):
            for col, period in enumerate(labels):
                ax = axes[row, col]
                points = positions[(positions["value_chain"] == chain)
                                   & (positions["period"] == period)]
                _draw_positions(ax, points)
                if row == 0:
                    ax.set_title(period)
            axes[row, 0].set_ylabel(f"{chain_labels.get(chain, chain)}\nvalue-added share (%)",
                                    fontweight="bold")
        for ax in axes[-1]:
            ax.set_xlabel(BACKWARD_LABEL, fontsize=7.5)
        handles = [Line2D([], [], marker="o", linestyle="", color=OKABE_ITO["blue"],
                          label="end of the period"),
                   Line2D([], [], color=NEUTRAL_GREY, label="from the start of the period")]
        fig.legend(handles=handles, loc="outside lower center", ncols=2)
        fig.suptitle("GVC participation and position per value chain and period (OECD TiVA)")
        return save_figure(fig, path_stem, formats, dpi)


def _draw_positions(ax, points: pd.DataFrame) -> None:
    """One panel: start-to-end segments, end points and their ISO3 codes."""
    for row in points.itertuples(index=False):
        if np.isfinite(row.start_backward) and np.isfinite(row.start_value_added_share):
            ax.plot([row.start_backward, row.end_backward],
                    [row.start_value_added_share, row.end_value_added_share],
                    color=NEUTRAL_GREY, linewidth=0.8, zorder=2)
    ax.scatter(points["end_backward"], points["end_value_added_share"], s=22,
               color=OKABE_ITO["blue"], edgecolor="0.2", linewidth=0.4, zorder=3)
    for row in points.itertuples(index=False):
        ax.annotate(row.country, (row.end_backward, row.end_value_added_share),
                    xytext=(2, 2), textcoords="offset points", fontsize=6, color="0.25")
    if points.empty:
        ax.text(0.5, 0.5, "No country with TiVA data", transform=ax.transAxes, ha="center",
                va="center", color="0.4")
    elif (points["end_value_added_share"] > 0).all():
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
