"""Point labels that do not overlap: a small iterative nudge of label boxes away from each
other, from every plotted point and from fixed obstacles (such as quadrant captions), kept
inside the axes, with a thin leader line to a label that had to move away from its point.

Why a nudge of our own rather than adjustText, the usual package for this: the job here is
one step of about sixty lines on plain rectangles (ISO3 codes of one size beside round
markers), and doing it on numbers in display pixels makes it deterministic, fast (all pairs at
once with numpy, no redraw per step; a panel of 50 labels settles in milliseconds) and
testable without drawing; adjustText would add a dependency that re-renders the figure on
every iteration and moves labels by a force model whose outcome we could not pin down.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.text import Annotation

#: Candidate positions are tried in chunks of this many, nearest first.
_CHUNK = 256


def boxes_overlap(boxes: np.ndarray) -> np.ndarray:
    """Pairs ``(i, j)``, i < j, of boxes ``(x0, y0, x1, y1)`` that overlap with positive area."""
    boxes = np.asarray(boxes, dtype="float64").reshape(-1, 4)
    x_overlap = np.minimum(boxes[:, None, 2], boxes[None, :, 2]) - np.maximum(
        boxes[:, None, 0], boxes[None, :, 0])
    y_overlap = np.minimum(boxes[:, None, 3], boxes[None, :, 3]) - np.maximum(
        boxes[:, None, 1], boxes[None, :, 1])
    hit = np.triu((x_overlap > 0) & (y_overlap > 0), k=1)
    return np.argwhere(hit)


def _candidate_offsets(size: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Offsets of a label's centre from its point on a grid of quarter widths and third
    heights out to ``reach``, nearest box first (a box to the right wins a tie)."""
    step = size / np.array([4.0, 3.0])
    steps = np.ceil(reach / step).astype(int)
    grid_x, grid_y = np.meshgrid(np.arange(-steps[0], steps[0] + 1) * step[0],
                                 np.arange(-steps[1], steps[1] + 1) * step[1])
    offsets = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    gap = np.maximum(np.abs(offsets) - size / 2, 0.0)
    cost = np.hypot(gap[:, 0], gap[:, 1]) + 0.01 * (offsets[:, 0] < 0) + 0.001 * np.abs(offsets[:, 1])
    return offsets[np.argsort(cost, kind="stable")]


def _free(candidates: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """Which candidate boxes (n x 4) overlap none of the boxes ``taken`` (m x 4)."""
    if not len(taken):
        return np.ones(len(candidates), dtype=bool)
    clear_x = ((candidates[:, None, 2] <= taken[None, :, 0])
               | (candidates[:, None, 0] >= taken[None, :, 2]))
    clear_y = ((candidates[:, None, 3] <= taken[None, :, 1])
               | (candidates[:, None, 1] >= taken[None, :, 3]))
    return (clear_x | clear_y).all(axis=1)


def place_labels(
    anchors: Sequence[Sequence[float]],
    sizes: Sequence[Sequence[float]],
    obstacles: Sequence[Sequence[float]] = (),
    bounds: Sequence[float] = (-np.inf, -np.inf, np.inf, np.inf),
    radius: float = 0.0,
    padding: float = 2.0,
) -> tuple[np.ndarray, bool]:
    """Centres for label boxes near their points such that no two boxes overlap, no box
    covers an obstacle and every box stays inside ``bounds``.

    ``anchors`` are the points (display pixels), ``sizes`` the labels' (width, height);
    ``obstacles`` are fixed boxes ``(x0, y0, x1, y1)`` to keep free (the markers, captions).
    Boxes are grown by ``padding`` so labels keep a small gap. Labels are placed one at a
    time, those with the most neighbours first; each takes the first free spot of: right,
    left, above and below its point (markers of ``radius``), then a grid of quarter label
    widths and third label heights searched outwards from the point, nearest first. Returns the centres and whether every
    label found a free spot (one that found none stays right of its point).
    """
    anchors = np.asarray(anchors, dtype="float64").reshape(-1, 2)
    padded = np.asarray(sizes, dtype="float64").reshape(-1, 2) + padding
    bounds = np.asarray(bounds, dtype="float64")
    finite = np.isfinite(bounds)
    span = np.where(finite[2:] & finite[:2], bounds[2:] - bounds[:2],
                    np.ptp(anchors, axis=0) + 20 * padded.max(axis=0, initial=1.0))
    taken = np.asarray(obstacles, dtype="float64").reshape(-1, 4)
    taken = np.vstack([taken[:, :2] - padding / 2, taken[:, 2:] + padding / 2]).reshape(2, -1, 2)
    taken = np.hstack([taken[0], taken[1]])
    height = padded[:, 1].max(initial=1.0)
    near = np.hypot(*(anchors[:, None, :] - anchors[None, :, :]).transpose(2, 0, 1)) < 3 * height
    order = np.argsort(-near.sum(axis=1), kind="stable")
    centres = anchors + np.column_stack([radius + padding + padded[:, 0] / 2,
                                         np.zeros(len(anchors))])
    resolved = True
    grids: dict[tuple[float, float], np.ndarray] = {}  # labels of one size share their grid
    for i in order:
        beside = radius + padding + padded[i] / 2
        key = (round(padded[i, 0], 1), round(padded[i, 1], 1))
        if key not in grids:
            grids[key] = _candidate_offsets(padded[i], span)
        offsets = np.vstack([[[beside[0], 0], [-beside[0], 0], [0, beside[1]], [0, -beside[1]]],
                             grids[key]])
        found = False
        for chunk in range(0, len(offsets), _CHUNK):
            centre = anchors[i] + offsets[chunk:chunk + _CHUNK]
            boxes = np.hstack([centre - padded[i] / 2, centre + padded[i] / 2])
            inside = ((boxes[:, :2] >= bounds[:2]) & (boxes[:, 2:] <= bounds[2:])).all(axis=1)
            ok = np.flatnonzero(inside & _free(boxes, taken))
            if len(ok):
                centres[i], found = centre[ok[0]], True
                break
        resolved &= found
        box = np.hstack([centres[i] - padded[i] / 2, centres[i] + padded[i] / 2])
        taken = np.vstack([taken, box])
    return centres, resolved


def _extents(artists: Iterable[Artist], renderer) -> list[list[float]]:
    """Display-pixel boxes of drawn artists."""
    return [list(artist.get_window_extent(renderer).extents) for artist in artists]


def label_points(
    ax: Axes,
    x: Sequence[float],
    y: Sequence[float],
    texts: Sequence[str],
    renderer,
    marker_radius: float,
    obstacles: Iterable[Artist] = (),
    fontsize: float = 6.5,
    colour: str = "0.2",
) -> tuple[list[Annotation], bool]:
    """Label the points ``(x, y)`` (data coordinates) of ``ax`` with ``texts`` so that no two
    labels overlap and no label covers a point or an artist of ``obstacles``.

    Call it once the figure's layout and the axes' limits are final (after a draw with the
    layout engine switched off), with that draw's ``renderer``; ``marker_radius`` is the
    markers' radius in points. Each label starts right of its point and is nudged by
    :func:`place_labels`; a label that ends up more than its own height from the start gets a
    thin grey leader line to its point. Returns the labels and whether all overlaps were
    resolved.
    """
    if len(texts) == 0:
        return [], True
    anchors = ax.transData.transform(np.column_stack([x, y]).astype("float64"))
    px_per_pt = ax.figure.dpi / 72.0
    radius = marker_radius * px_per_pt
    labels = [ax.annotate(text, (xi, yi), xytext=(0, 0), textcoords="offset points",
                          ha="center", va="center", fontsize=fontsize, color=colour, zorder=5)
              for text, xi, yi in zip(texts, x, y)]
    boxes = np.asarray(_extents(labels, renderer))
    sizes = boxes[:, 2:] - boxes[:, :2]
    start = anchors + np.column_stack([radius + 1.5 + sizes[:, 0] / 2, np.zeros(len(anchors))])
    markers = np.column_stack([anchors - radius, anchors + radius])
    fixed = np.vstack([markers, np.asarray(_extents(obstacles, renderer)).reshape(-1, 4)])
    centres, resolved = place_labels(anchors, sizes, fixed,
                                     ax.get_window_extent(renderer).extents, radius)
    to_data = ax.transData.inverted()
    for label, anchor, begin, centre, size in zip(labels, anchors, start, centres, sizes):
        label.xyann = tuple((centre - anchor) / px_per_pt)
        if np.hypot(*(centre - begin)) > size[1]:
            nearest = np.clip(anchor, centre - size / 2, centre + size / 2)
            line = to_data.transform(np.vstack([anchor, nearest]))
            ax.plot(line[:, 0], line[:, 1], color="0.6", linewidth=0.5, zorder=2.5,
                    scalex=False, scaley=False)
    return labels, resolved
