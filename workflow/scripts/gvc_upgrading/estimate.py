"""Fixed-effects regressions of social-upgrading outcomes on economic-upgrading indicators.

Each specification (config ``estimation.specifications``) is estimated by ordinary least
squares with its fixed effects absorbed by dummy variables, one regression per value chain
or one pooled regression, with cluster-robust standard errors from statsmodels. The result
is one tidy table (one row per specification x value chain x term) from which every
regression table and coefficient plot is drawn.

Estimator details, stated once for all specifications:

* Fixed effects enter as 0/1 dummies next to an intercept. Dummies that are linear
  combinations of the intercept and the other dummies (nested or overlapping fixed effects,
  e.g. ``value_chain`` within a one-chain regression, or disconnected two-way panels) are
  dropped before fitting, so the number of parameters ``K`` counts only identified ones.
* Singleton observations (the only observation of a fixed-effect level) are kept. They are
  fitted exactly by their dummy, so they leave the slope estimates unchanged but count in
  ``N`` and ``K`` (fixest and pyfixest drop them by default).
* Standard errors are statsmodels' CRV1 cluster-robust covariance with its default
  small-sample correction ``G / (G - 1) * (N - 1) / (N - K)``, where ``G`` is the number of
  clusters, ``N`` the number of observations and ``K`` the number of columns of the design
  matrix *including* the intercept and every identified fixed-effect dummy. This equals
  pyfixest's ``ssc(k_adj=True, k_fixef="full", G_adj=True, G_df="conventional")`` with
  ``fixef_rm="none"`` (pyfixest's default ``k_fixef="nonnested"`` leaves fixed effects nested
  in the clusters out of ``K`` and so gives smaller standard errors). With
  two-way clustering the covariance is ``V_1 + V_2 - V_12`` (Cameron, Gelbach and Miller
  2011), each term corrected with its own ``G``. t-values, p-values and 95 % confidence
  intervals use Student's t with ``G - 1`` degrees of freedom (``min(G_1, G_2) - 1`` for
  two-way clustering).
* ``r_squared`` is the centred R-squared of the full model, fixed effects included.
  ``r_squared_within`` is ``1 - SSR / TSS_within``, where ``TSS_within`` is the sum of squares
  of the outcome after projecting out all fixed effects (for one fixed-effect set: the
  outcome demeaned within levels). It is NaN when no fixed effect is identified beyond the
  intercept, or when the fixed effects explain the outcome exactly.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import scipy.linalg
import statsmodels.api as sm

logger = logging.getLogger(__name__)

FIXED_EFFECTS = ("country", "year", "value_chain", "country_value_chain")
CLUSTER_DIMENSIONS = ("country", "year", "value_chain")
POOLED = "pooled"
ESTIMATE_COLUMNS = [
    "spec_id", "spec_label", "value_chain", "outcome", "term", "estimate", "std_error",
    "t_value", "p_value", "ci_low", "ci_high", "n_obs", "n_clusters", "r_squared",
    "r_squared_within", "fixed_effects", "cluster",
]


def term_name(column: str, log: bool) -> str:
    """Name of the regression term built from indicator ``column``."""
    return f"log_{column}" if log else column


def _identifier_columns(spec: dict, by_chain: bool) -> list[str]:
    """Indicator columns identifying the fixed-effect and cluster groups (and the chain)."""
    needed = set(spec.get("cluster", []))
    for fe in spec.get("fixed_effects", []):
        needed.update(["country", "value_chain"] if fe == "country_value_chain" else [fe])
    if by_chain:
        needed.add("value_chain")
    return [col for col in ("country", "year", "value_chain") if col in needed]


def _check_spec(indicators: pd.DataFrame, spec: dict, by_chain: bool) -> None:
    """Raise ValueError naming the spec if it is malformed or refers to a missing column."""
    spec_id = spec["id"]
    unknown_fe = set(spec.get("fixed_effects", [])) - set(FIXED_EFFECTS)
    if unknown_fe:
        raise ValueError(f"specification {spec_id!r}: unknown fixed effects {sorted(unknown_fe)}")
    clusters = spec.get("cluster", [])
    if not 1 <= len(clusters) <= 2 or set(clusters) - set(CLUSTER_DIMENSIONS):
        raise ValueError(
            f"specification {spec_id!r}: cluster must be one or two of {CLUSTER_DIMENSIONS}, "
            f"got {clusters}"
        )
    variables = [spec["outcome"], *spec["regressors"]]
    if len(set(variables)) != len(variables):
        raise ValueError(f"specification {spec_id!r}: outcome and regressors must be distinct")
    for col in [*variables, *_identifier_columns(spec, by_chain)]:
        if col not in indicators.columns:
            raise ValueError(
                f"specification {spec_id!r} refers to column {col!r}, "
                "which is not in the indicators table"
            )


def prepare_sample(
    indicators: pd.DataFrame, spec: dict, value_chain: str | None
) -> pd.DataFrame:
    """Return the estimation sample of ``spec`` for one value chain (``None``: all chains).

    Rows with a missing outcome, regressor or group identifier are dropped. With
    ``spec["log"]`` true, rows with a non-positive outcome or regressor are dropped too and
    the variables are logged. The result holds the identifier columns used by the spec
    (``country``, ``year``, ``value_chain``), ``country_value_chain`` when that fixed effect
    is requested, and one column per term named by :func:`term_name`, outcome first.
    """
    by_chain = value_chain is not None
    _check_spec(indicators, spec, by_chain)
    log = bool(spec["log"])
    variables = [spec["outcome"], *spec["regressors"]]
    ids = _identifier_columns(spec, by_chain)
    rows = indicators
    if value_chain is not None:
        rows = rows[rows["value_chain"] == value_chain]
    values = pd.DataFrame(
        {col: pd.to_numeric(rows[col], errors="raise").astype("float64") for col in variables},
        index=rows.index,
    )
    keep = values.notna().all(axis=1) & rows[ids].notna().all(axis=1)
    if log:
        keep &= (values > 0).all(axis=1)
        values = np.log(values.where(keep))
    sample = rows.loc[keep, ids].copy()
    if "country_value_chain" in spec.get("fixed_effects", []):
        sample["country_value_chain"] = (
            sample["country"].astype(str) + ":" + sample["value_chain"].astype(str)
        )
    for col in variables:
        sample[term_name(col, log)] = values.loc[keep, col]
    return sample.reset_index(drop=True)


def _fixed_effect_dummies(sample: pd.DataFrame, fixed_effects: list[str]) -> np.ndarray:
    """Identified fixed-effect dummies (beside an intercept) as an (n, k) float array.

    All levels of every fixed effect are one-hot encoded; a rank-revealing (column-pivoted)
    QR decomposition of the dummies centred on their means keeps a maximal set of columns
    that is linearly independent of each other and of the intercept.
    """
    n = len(sample)
    blocks = []
    for fe in fixed_effects:
        codes, levels = pd.factorize(sample[fe], sort=True)
        blocks.append(np.eye(len(levels))[codes])
    if not blocks:
        return np.empty((n, 0))
    dummies = np.hstack(blocks)
    centred = dummies - dummies.mean(axis=0)
    _, r, pivot = scipy.linalg.qr(centred, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    if diag.size == 0 or diag[0] == 0:
        return np.empty((n, 0))
    rank = int(np.sum(diag > diag[0] * max(centred.shape) * np.finfo(float).eps))
    return dummies[:, np.sort(pivot[:rank])]


def _cluster_codes(sample: pd.DataFrame, cluster: list[str]) -> np.ndarray:
    """Integer cluster codes: shape (n,) for one-way, (n, 2) for two-way clustering."""
    codes = [pd.factorize(sample[dim], sort=True)[0] for dim in cluster]
    return codes[0] if len(codes) == 1 else np.column_stack(codes)


def _within_r_squared(y: np.ndarray, fe_design: np.ndarray, ssr: float) -> float:
    """``1 - ssr / TSS`` of ``y`` after projecting out the fixed effects (NaN if undefined)."""
    if fe_design.shape[1] <= 1:
        return float("nan")
    coef, *_ = np.linalg.lstsq(fe_design, y, rcond=None)
    within = y - fe_design @ coef
    tss = float(within @ within)
    if tss <= np.finfo(float).eps * max(float(y @ y), 1.0):
        return float("nan")
    return 1.0 - ssr / tss


def _fit_one(sample: pd.DataFrame, spec: dict, chain_label: str) -> pd.DataFrame:
    """Estimate ``spec`` on one prepared sample and return its tidy rows."""
    spec_id, log = spec["id"], bool(spec["log"])
    fixed_effects, cluster = list(spec.get("fixed_effects", [])), list(spec["cluster"])
    where = f"specification {spec_id!r}, value chain {chain_label!r}"
    if sample.empty:
        raise ValueError(f"{where}: the estimation sample is empty")
    terms = [term_name(col, log) for col in spec["regressors"]]
    y = sample[term_name(spec["outcome"], log)].to_numpy()
    dummies = _fixed_effect_dummies(sample, fixed_effects)
    fe_design = np.column_stack([np.ones(len(sample)), dummies])
    exog = np.column_stack([sample[terms].to_numpy(), fe_design])
    if len(sample) <= exog.shape[1]:
        raise ValueError(f"{where}: {len(sample)} observations for {exog.shape[1]} parameters")
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        raise ValueError(f"{where}: regressors are collinear with each other or the fixed effects")
    groups = _cluster_codes(sample, cluster)
    n_clusters = int(min(sample[dim].nunique() for dim in cluster))
    if n_clusters < 2:
        raise ValueError(f"{where}: clustering by {'+'.join(cluster)} needs at least 2 clusters")
    result = sm.OLS(y, exog, hasconst=True).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    logger.info("%s: N=%d, K=%d, clusters=%d", where, len(sample), exog.shape[1], n_clusters)
    k = len(terms)
    # A two-way cluster covariance can have negative diagonal entries for some dummy
    # coefficients; their (unreported) standard errors are NaN, which is not worth a warning.
    with np.errstate(invalid="ignore"):
        ci = result.conf_int(alpha=0.05)[:k]
        inference = {
            "estimate": result.params[:k],
            "std_error": result.bse[:k],
            "t_value": result.tvalues[:k],
            "p_value": result.pvalues[:k],
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        }
    return pd.DataFrame(
        {
            "spec_id": spec_id,
            "spec_label": spec.get("label", spec_id),
            "value_chain": chain_label,
            "outcome": spec["outcome"],
            "term": terms,
            **inference,
            "n_obs": len(sample),
            "n_clusters": n_clusters,
            "r_squared": float(result.rsquared),
            "r_squared_within": _within_r_squared(y, fe_design, float(result.ssr)),
            "fixed_effects": "+".join(fixed_effects),
            "cluster": "+".join(cluster),
        },
        columns=ESTIMATE_COLUMNS,
    )


def estimate_spec(indicators: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Estimate one specification per value chain (or pooled) and return tidy rows.

    Value chains are taken in their order of first appearance in ``indicators``; terms follow
    the order of ``spec["regressors"]``. Raises ValueError naming the spec when it refers to a
    missing column, and naming the spec and chain when a sample is empty or not estimable.
    """
    if spec.get("by_value_chain", True):
        _check_spec(indicators, spec, by_chain=True)
        chains: list[str | None] = list(pd.unique(indicators["value_chain"].dropna()))
    else:
        chains = [None]
    frames = [
        _fit_one(prepare_sample(indicators, spec, chain), spec, POOLED if chain is None else chain)
        for chain in chains
    ]
    if not frames:
        raise ValueError(f"specification {spec['id']!r}: the indicators table has no value chains")
    return pd.concat(frames, ignore_index=True)


def estimate_all(indicators: pd.DataFrame, specs: list[dict]) -> pd.DataFrame:
    """Estimate every specification and stack the tidy rows (spec order, then chain order)."""
    frames = [estimate_spec(indicators, spec) for spec in specs]
    if not frames:
        return pd.DataFrame(columns=ESTIMATE_COLUMNS)
    return pd.concat(frames, ignore_index=True)
