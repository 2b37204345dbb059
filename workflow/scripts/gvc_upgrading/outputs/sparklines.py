"""Small line charts as inline SVG text, for the country profile page: one dimension's yearly
path (and its women's and men's paths), each period's background tinted by whether the
dimension changed for the better or the worse over it.

Written by hand rather than drawn with matplotlib so that a page of several hundred charts
costs milliseconds and needs no images: every chart is a few hundred bytes of SVG in the page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Chart size in SVG user units (scaled to the page's column width).
WIDTH, HEIGHT = 300, 118
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 24, 18
#: Period tints: better, worse, no change known.
TINTS = {1: "#DCEAF5", -1: "#F8E0D2", 0: "#F2F2F2"}
SERIES_STYLES = {"total": ("#333333", ""), "women": ("#D55E00", "4 2"),
                 "men": ("#0072B2", "1.5 1.5")}


@dataclass(frozen=True)
class Band:
    """One period in a chart: its years and whether the dimension did better (1), worse (-1)
    or is unknown (0) over it."""

    start: int
    end: int
    verdict: int


def compact_number(value: float) -> str:
    """A short label for an axis: 1.23M, 45.6k, 1,234, 0.0123."""
    if not np.isfinite(value):
        return ""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e4:
        return f"{value / 1e3:.3g}k"
    if size >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _runs(values: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index ranges of consecutive finite values."""
    finite = np.concatenate([[False], np.isfinite(values), [False]])
    edges = np.flatnonzero(np.diff(finite.astype(int)))
    return list(zip(edges[::2], edges[1::2]))


def _y_range(series: Sequence[np.ndarray]) -> tuple[float, float]:
    """Lowest and highest finite value of all series, apart by at least a little."""
    finite = np.concatenate([s[np.isfinite(s)] for s in series]) if series else np.array([])
    if not len(finite):
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    if high - low < 1e-12:
        pad = abs(high) * 0.1 or 1.0
        return low - pad, high + pad
    return low, high


def sparkline(
    title: str,
    unit: str,
    years: np.ndarray,
    series: dict[str, np.ndarray],
    bands: Sequence[Band] = (),
) -> str:
    """One chart: ``series`` maps ``total``, ``women`` or ``men`` to values per year of
    ``years``; gaps in the data are gaps in the line (a lone value is a dot). The title and
    unit go on top, the lowest and highest value at the left, the first and last year below;
    each period of ``bands`` is a tinted background."""
    years = np.asarray(years, dtype="float64")
    first, last = float(years.min()), float(years.max())
    low, high = _y_range(list(series.values()))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year):
        return LEFT + (np.asarray(year, dtype="float64") - first) / max(last - first, 1) * plot_w

    def y(value):
        return TOP + (high - np.asarray(value, dtype="float64")) / (high - low) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-label="{html.escape(title)}">',
             f'<text x="4" y="11" class="t">{html.escape(title)}</text>',
             f'<text x="4" y="21" class="u">{html.escape(unit)}</text>']
    for band in bands:
        x0, x1 = x(max(band.start, first)), x(min(band.end, last))
        parts.append(f'<rect x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 0):.1f}" '
                     f'height="{plot_h}" fill="{TINTS[band.verdict]}"/>')
        parts.append(f'<line x1="{x1:.1f}" x2="{x1:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                     'class="b"/>')
    parts.append(f'<text x="{LEFT - 3}" y="{TOP + 7}" class="a" text-anchor="end">'
                 f'{compact_number(high)}</text>')
    parts.append(f'<text x="{LEFT - 3}" y="{TOP + plot_h}" class="a" text-anchor="end">'
                 f'{compact_number(low)}</text>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 4}" class="a">{int(first)}</text>')
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 4}" class="a" text-anchor="end">'
                 f'{int(last)}</text>')
    for name, values in series.items():
        colour, dash = SERIES_STYLES[name]
        values = np.asarray(values, dtype="float64")
        xs, ys = x(years), y(np.where(np.isfinite(values), values, low))
        for start, stop in _runs(values):
            if stop - start == 1:
                parts.append(f'<circle cx="{xs[start]:.1f}" cy="{ys[start]:.1f}" r="1.8" '
                             f'fill="{colour}"/>')
                continue
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs[start:stop], ys[start:stop]))
            dashing = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                         f'stroke-width="1.5"{dashing}/>')
    if len(series) > 1:  # a key between the years below the chart
        for i, name in enumerate(series):
            colour, dash = SERIES_STYLES[name]
            left = LEFT + 48 + 62 * i
            dashing = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<line x1="{left}" x2="{left + 16}" y1="{HEIGHT - 7}" '
                         f'y2="{HEIGHT - 7}" stroke="{colour}" stroke-width="1.5"{dashing}/>'
                         f'<text x="{left + 19}" y="{HEIGHT - 4}" class="a">{name}</text>')
    parts.append("</svg>")
    return "".join(parts)
