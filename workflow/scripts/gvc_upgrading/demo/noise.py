"""The demo's draws that decide what a file publishes and how its noise enters the true model.

Arrays are (country, year). :func:`availability` draws which country-years a series publishes;
:func:`orthogonal_noise` removes from a noise draw, within one or several estimation samples,
its least-squares fit on the regressors and the country and year dummies (the model docstring
of :mod:`gvc_upgrading.demo.world` says why); :func:`demeaned` gives a regressor's deviation
from its country mean, the form in which regressors enter the latent series.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def demeaned(values: np.ndarray) -> np.ndarray:
    """Deviation from each row's mean over non-NaN entries; 0 where NaN."""
    valid = ~np.isnan(values)
    count = np.maximum(valid.sum(axis=1, keepdims=True), 1)
    mean = np.where(valid, values, 0.0).sum(axis=1, keepdims=True) / count
    return np.where(valid, values - mean, 0.0)


def availability(n: int, years: np.ndarray, rng: np.random.Generator, *,
                 no_data: float = 0.1, late: float = 0.1,
                 late_start: tuple[int, int] = (2000, 2013), gaps: float = 0.1,
                 first_year: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Masks (country, year) of one series: value published, value reported missing.

    A share ``no_data`` of countries has no data, a share ``late`` starts in a year drawn from
    ``late_start`` (and every series no earlier than ``first_year``), and a share ``gaps`` of
    the covered years is missing; half of those are reported as missing, the rest left out.
    """
    has_data = rng.random(n) >= no_data
    is_late = rng.random(n) < late
    start = np.where(is_late, rng.integers(*late_start, n), years[0])
    if first_year is not None:
        start = np.maximum(start, first_year)
    covered = has_data[:, None] & (years[None, :] >= start[:, None])
    observed = covered & (rng.random((n, len(years))) >= gaps)
    reported_missing = covered & ~observed & (rng.random((n, len(years))) < 0.5)
    return observed, reported_missing


def orthogonal_noise(noise: np.ndarray,
                     samples: Sequence[tuple[np.ndarray, Sequence[np.ndarray]]]) -> np.ndarray:
    """``noise`` (country, year) made orthogonal, within each estimation sample, to that
    sample's regressors and to country and year dummies; cells outside every sample unchanged.

    ``samples`` holds (mask, regressors) pairs. With one pair, what is removed is exactly the
    part of the noise that would move the slope estimates of a country and year fixed-effects
    regression on that sample, and its residuals are unchanged. With several pairs (one series
    shared by the value chains of an ISIC section, each with its own sample and regressors) the
    noise is projected off all their columns at once, so that the regression of each chain
    returns the true coefficients; the draw keeps most of its variance (about 1,400 cells
    against some 80 columns per sample).
    """
    union = np.zeros(noise.shape, bool)
    for mask, _ in samples:
        union |= mask
    rows, cols = np.nonzero(union)
    if rows.size == 0:
        return noise
    n, t = noise.shape
    blocks = []
    for mask, regressors in samples:
        inside = mask[rows, cols].astype(float)[:, None]
        columns = [np.where(mask, r, 0.0)[rows, cols][:, None] for r in regressors]
        blocks += [*columns, np.eye(n)[rows] * inside, np.eye(t)[cols] * inside]
    design = np.hstack(blocks)
    # the normal equations on the small Gram matrix (dummies make it singular: least squares);
    # the same projection as a least-squares fit of the design, at a fraction of the cost
    fit, *_ = np.linalg.lstsq(design.T @ design, design.T @ noise[rows, cols], rcond=None)
    result = noise.copy()
    result[rows, cols] -= design @ fit
    return result
