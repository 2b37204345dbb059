"""Fixed-effects regressions of social-upgrading outcomes on economic-upgrading indicators.

Each specification (config ``estimation.specifications``) is data, estimated by ordinary
(or, with ``weights``, weighted) least squares with its fixed effects absorbed by dummy
variables, one regression per value chain or one pooled regression, with cluster-robust
standard errors from statsmodels. The result is one tidy table (one row per specification x
value chain x term, :data:`ESTIMATE_COLUMNS`) from which every regression table, coefficient
plot and in-text number is drawn.

Estimator details, stated once for all specifications
-----------------------------------------------------
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
  two-way clustering). With weights, the scores are those of the weighted model
  (``sqrt(w) x`` times ``sqrt(w) e``), as in pyfixest's ``weights=``.
* ``r_squared`` is the centred R-squared of the full model, fixed effects included (weighted
  sums of squares about the weighted mean with weights). ``r_squared_within`` is
  ``1 - SSR / TSS_within``, where ``TSS_within`` is the (weighted) sum of squares of the
  outcome after projecting out all fixed effects (for one fixed-effect set: the outcome
  demeaned within levels). It is NaN when no fixed effect is identified beyond the
  intercept, or when the fixed effects explain the outcome exactly.
* A moderator's main effect or a control that the fixed effects absorb (its column lies in the
  span of the intercept and the fixed-effect dummies, e.g. a country-level right observed in
  one year per country, with country fixed effects) is dropped before fitting, as pyfixest
  drops collinear variables; its row stays in the estimates with no estimate and the note
  :data:`ABSORBED`, so that the tables show it was dropped. Any other collinearity -- of a
  regressor or an interaction, which the specification is about -- stops with an error naming
  the terms.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.linalg
import statsmodels.api as sm

from .specifications import (
    ABSORBED,
    CLUSTER_DIMENSIONS,
    FIXED_EFFECTS,
    POOLED,
    Term,
    describe_sample,
    entered_columns,
    normalise_spec,
    spec_moderators,
    spec_terms,
    variable_label,
)

logger = logging.getLogger(__name__)

KEYS = ["country", "value_chain", "year"]
WEIGHT = "_weight"  # column of the estimation sample that holds the weights
ESTIMATE_COLUMNS = [
    "spec_id", "spec_label", "value_chain", "outcome", "outcome_label", "term", "estimate",
    "std_error", "t_value", "p_value", "ci_low", "ci_high", "n_obs", "n_clusters", "r_squared",
    "r_squared_within", "fixed_effects", "cluster",
    "variable", "variable_label", "moderator", "moderator_label", "term_label", "role", "design",
    "weights", "sample", "note",
]
#: Roles of terms that may be absorbed by the fixed effects and dropped.
ABSORBABLE = ("moderator", "control")
#: A column is absorbed when its residual on the fixed effects is below this share of its norm.
ABSORBED_TOLERANCE = 1e-9


def _check_spec(indicators: pd.DataFrame, spec: dict) -> None:
    """Raise ValueError naming the spec if it is malformed or refers to a missing column."""
    spec_id = spec["id"]
    unknown_fe = set(spec["fixed_effects"]) - set(FIXED_EFFECTS)
    if unknown_fe:
        raise ValueError(f"specification {spec_id!r}: unknown fixed effects {sorted(unknown_fe)}")
    clusters = spec["cluster"]
    if not 1 <= len(clusters) <= 2 or set(clusters) - set(CLUSTER_DIMENSIONS):
        raise ValueError(
            f"specification {spec_id!r}: cluster must be one or two of {CLUSTER_DIMENSIONS}, "
            f"got {clusters}"
        )
    distinct = [spec["outcome"], *spec["regressors"], *spec["controls"]]
    if len(set(distinct)) != len(distinct):
        raise ValueError(
            f"specification {spec_id!r}: outcome, regressors and controls must be distinct"
        )
    variables = list(entered_columns(spec))
    extra = [spec["weights"]] if spec["weights"] else []
    if spec["sample"].get("min_unit_value_coverage") is not None:
        extra.append("unit_value_coverage")
    for col in [*variables, *extra, *KEYS]:
        if col not in indicators.columns:
            raise ValueError(
                f"specification {spec_id!r} refers to column {col!r}, "
                "which is not in the indicators table"
            )


def _filter_rows(indicators: pd.DataFrame, spec: dict, value_chain: str | None,
                 years: bool) -> pd.DataFrame:
    """Rows of one chain (None: all) passing the spec's sample filters (years if ``years``)."""
    sample = spec["sample"]
    keep = pd.Series(True, index=indicators.index)
    if value_chain is not None:
        keep &= indicators["value_chain"] == value_chain
    if sample.get("value_chains"):
        keep &= indicators["value_chain"].isin(sample["value_chains"])
    if sample.get("countries"):
        keep &= indicators["country"].isin(sample["countries"])
    if years and sample.get("years"):
        keep &= _in_years(indicators["year"], sample["years"])
    if sample.get("min_unit_value_coverage") is not None:
        coverage = pd.to_numeric(indicators["unit_value_coverage"]).astype("float64")
        keep &= coverage >= sample["min_unit_value_coverage"]
    return indicators[keep.fillna(False).astype(bool)]


def _in_years(year: pd.Series, years: dict) -> pd.Series:
    """Whether each year lies in ``{start, end}`` (either bound may be absent)."""
    inside = pd.Series(True, index=year.index)
    if "start" in years:
        inside &= year >= years["start"]
    if "end" in years:
        inside &= year <= years["end"]
    return inside


def _variables(rows: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Keys, the variables as they enter (logged or not) named by their column, and the
    weights; NaN if unusable (missing, or non-positive where logged)."""
    frame = rows[KEYS].copy()
    for col, logged in entered_columns(spec).items():
        values = pd.to_numeric(rows[col], errors="raise").astype("float64")
        frame[col] = np.log(values.where(values > 0)) if logged else values
    if spec["weights"]:
        weight = pd.to_numeric(rows[spec["weights"]], errors="raise").astype("float64")
        frame[WEIGHT] = weight.where(weight > 0)
    return frame


def _lagged(frame: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Replace each regressor by its value ``lags`` years earlier (same country and chain)."""
    regressors = spec["regressors"]
    earlier = frame[[*KEYS, *regressors]].assign(year=frame["year"] + spec["lags"])
    current = frame.drop(columns=regressors)
    return current.merge(earlier, on=KEYS, how="left", validate="1:1")


def _long_differences(frame: pd.DataFrame, spec: dict, periods: Sequence[dict],
                      endpoint_years: int) -> pd.DataFrame:
    """One row per country x chain x period: change of each variable between the end windows;
    a moderator's level in the first end window (its mean there), not a change."""
    if not periods:
        raise ValueError(f"specification {spec['id']!r}: design 'long_difference' needs periods")
    moderators = spec_moderators(spec)
    columns = [col for col in entered_columns(spec) if col not in moderators]
    pieces = []
    for period in periods:
        start, end = period["start"], period["end"]
        rows = frame[frame["year"].between(start, end)]
        early = rows[rows["year"] <= start + endpoint_years - 1]
        late = rows[rows["year"] >= end - endpoint_years + 1]
        groups = ["country", "value_chain"]
        change = (late.groupby(groups)[columns].mean() - early.groupby(groups)[columns].mean())
        change[moderators] = early.groupby(groups)[moderators].mean()
        if WEIGHT in frame.columns:
            change[WEIGHT] = rows.groupby(groups)[WEIGHT].mean()
        pieces.append(change.reset_index().assign(year=end, period=period["label"]))
    return pd.concat(pieces, ignore_index=True)


def prepare_sample(
    indicators: pd.DataFrame,
    spec: dict,
    value_chain: str | None,
    *,
    periods: Sequence[dict] = (),
    endpoint_years: int = 1,
) -> pd.DataFrame:
    """Return the estimation sample of ``spec`` for one value chain (``None``: all chains).

    Rows outside the spec's sample filters, and rows with a missing (or, with ``log``,
    non-positive) outcome, regressor, control or weight are dropped, after the design
    (lags, long differences over ``periods``) has been applied. The result holds the keys
    ``country``, ``value_chain`` and ``year`` (``period`` too for long differences),
    ``country_value_chain`` when that fixed effect is requested, one column per term named by
    :func:`~.specifications.spec_terms` (outcome, regressors, interactions -- the product of
    the regressor and the moderator as they enter, after lags or, for long differences, the
    change of the regressor times the moderator's level at the start of the period --,
    moderators, controls) and the weights in ``_weight`` when the spec has weights.
    """
    spec = normalise_spec(spec)
    _check_spec(indicators, spec)
    design = spec["design"]
    rows = _filter_rows(indicators, spec, value_chain, years=design == "long_difference")
    frame = _variables(rows, spec)
    if design == "lagged":
        frame = _lagged(frame, spec)
    elif design == "long_difference":
        frame = _long_differences(frame, spec, periods, endpoint_years)
    if design != "long_difference" and spec["sample"].get("years"):
        frame = frame[_in_years(frame["year"], spec["sample"]["years"])]
    terms = spec_terms(spec)
    frame = frame.rename(columns={term.column: term.name for term in terms
                                  if term.role != "interaction"})
    frame = _with_interactions(frame, terms)
    keys = [*KEYS, "period"] if design == "long_difference" else list(KEYS)
    used = [*keys, *(term.name for term in terms)] + ([WEIGHT] if spec["weights"] else [])
    sample = frame.dropna(subset=used)[used].copy()
    if "country_value_chain" in spec["fixed_effects"]:
        sample.insert(len(keys), "country_value_chain",
                      sample["country"].astype(str) + ":" + sample["value_chain"].astype(str))
    return sample.reset_index(drop=True)


def _with_interactions(frame: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """``frame`` (columns named by term) with each interaction: the product of its regressor's
    and its moderator's terms."""
    names = {(term.role, term.column): term.name for term in terms}
    products = {term.name: frame[names["regressor", term.column]]
                * frame[names["moderator", term.moderator]]
                for term in terms if term.role == "interaction"}
    return frame.assign(**products)


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
    """``1 - ssr / TSS`` of ``y`` after projecting out the fixed effects (NaN if undefined).

    With weights, pass ``sqrt(w) * y`` and ``sqrt(w) * fe_design`` and the weighted ``ssr``.
    """
    if fe_design.shape[1] <= 1:
        return float("nan")
    coef, *_ = np.linalg.lstsq(fe_design, y, rcond=None)
    within = y - fe_design @ coef
    tss = float(within @ within)
    if tss <= np.finfo(float).eps * max(float(y @ y), 1.0):
        return float("nan")
    return 1.0 - ssr / tss


def _absorbed(sample: pd.DataFrame, terms: list[Term], fe_design: np.ndarray) -> list[str]:
    """Names of the moderator and control terms that the intercept and fixed effects absorb:
    their residual after projecting on ``fe_design`` is (numerically) zero."""
    absorbed = []
    for term in terms:
        if term.role not in ABSORBABLE:
            continue
        column = sample[term.name].to_numpy()
        coef, *_ = np.linalg.lstsq(fe_design, column, rcond=None)
        residual = column - fe_design @ coef
        if np.linalg.norm(residual) <= ABSORBED_TOLERANCE * np.linalg.norm(column):
            absorbed.append(term.name)
    return absorbed


def _collinear_terms(exog: np.ndarray, names: list[str]) -> list[str]:
    """Names of the term columns (the first ``len(names)`` of ``exog``) that a column-pivoted QR
    finds to be linear combinations of the other columns."""
    _, r, pivot = scipy.linalg.qr(exog, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    rank = int(np.sum(diag > diag[0] * max(exog.shape) * np.finfo(float).eps))
    return [names[i] for i in sorted(pivot[rank:]) if i < len(names)]


def _fit_one(sample: pd.DataFrame, spec: dict, chain_label: str,
             variables: Mapping[str, dict] | None = None) -> pd.DataFrame:
    """Estimate a normalised ``spec`` on one prepared sample and return its tidy rows."""
    spec_id = spec["id"]
    fixed_effects, cluster = list(spec["fixed_effects"]), list(spec["cluster"])
    where = f"specification {spec_id!r}, value chain {chain_label!r}"
    if sample.empty:
        raise ValueError(f"{where}: the estimation sample is empty")
    outcome, *terms = spec_terms(spec, variables)
    y = sample[outcome.name].to_numpy()
    dummies = _fixed_effect_dummies(sample, fixed_effects)
    fe_design = np.column_stack([np.ones(len(sample)), dummies])
    absorbed = _absorbed(sample, terms, fe_design)
    if absorbed:
        logger.info("%s: %s absorbed by the fixed effects, dropped", where, ", ".join(absorbed))
    fitted = [t for t in terms if t.name not in absorbed]
    exog = np.column_stack([sample[[t.name for t in fitted]].to_numpy(), fe_design])
    if len(sample) <= exog.shape[1]:
        raise ValueError(f"{where}: {len(sample)} observations for {exog.shape[1]} parameters")
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        collinear = _collinear_terms(exog, [t.name for t in fitted])
        raise ValueError(f"{where}: regressors are collinear with each other or the fixed "
                         f"effects (not identified: {', '.join(collinear) or 'a fixed effect'})")
    groups = _cluster_codes(sample, cluster)
    n_clusters = int(min(sample[dim].nunique() for dim in cluster))
    if n_clusters < 2:
        raise ValueError(f"{where}: clustering by {'+'.join(cluster)} needs at least 2 clusters")
    weights = sample[WEIGHT].to_numpy() if spec["weights"] else np.ones(len(sample))
    result = sm.WLS(y, exog, weights=weights, hasconst=True).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    logger.info("%s: N=%d, K=%d, clusters=%d", where, len(sample), exog.shape[1], n_clusters)
    k = len(fitted)
    root = np.sqrt(weights)
    # A two-way cluster covariance can have negative diagonal entries for some dummy
    # coefficients; their (unreported) standard errors are NaN, which is not worth a warning.
    with np.errstate(invalid="ignore"):
        ci = result.conf_int(alpha=0.05)[:k]
        inference = pd.DataFrame({
            "estimate": result.params[:k],
            "std_error": result.bse[:k],
            "t_value": result.tvalues[:k],
            "p_value": result.pvalues[:k],
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        }, index=[t.name for t in fitted]).reindex([t.name for t in terms])
    return pd.DataFrame(
        {
            "spec_id": spec_id,
            "spec_label": spec["label"],
            "value_chain": chain_label,
            "outcome": spec["outcome"],
            "outcome_label": outcome.label,
            "term": [t.name for t in terms],
            **{column: inference[column].to_numpy() for column in inference.columns},
            "n_obs": len(sample),
            "n_clusters": n_clusters,
            "r_squared": float(result.rsquared),
            "r_squared_within": _within_r_squared(root * y, root[:, None] * fe_design,
                                                  float(result.ssr)),
            "fixed_effects": "+".join(fixed_effects),
            "cluster": "+".join(cluster),
            "variable": [t.column for t in terms],
            "variable_label": [variable_label(t.column, variables) for t in terms],
            "moderator": [t.moderator for t in terms],
            "moderator_label": [variable_label(t.moderator, variables) if t.moderator else ""
                                for t in terms],
            "term_label": [t.label for t in terms],
            "role": [t.role for t in terms],
            "design": spec["design"],
            "weights": spec["weights"] or "",
            "sample": describe_sample(spec["sample"]),
            "note": [ABSORBED if t.name in absorbed else "" for t in terms],
        },
        columns=ESTIMATE_COLUMNS,
    )


def _chains(indicators: pd.DataFrame, spec: dict) -> list[str]:
    """Value chains estimated separately: those in ``indicators`` (first-appearance order),
    restricted to the spec's ``sample.value_chains``, each of which must be present."""
    present = list(pd.unique(indicators["value_chain"].dropna()))
    wanted = spec["sample"].get("value_chains")
    if not wanted:
        return present
    absent = [chain for chain in wanted if chain not in present]
    if absent:
        raise ValueError(f"specification {spec['id']!r}: sample value chains {absent} are not "
                         "in the indicators table")
    return [chain for chain in present if chain in wanted]


def estimate_spec(
    indicators: pd.DataFrame,
    spec: dict,
    *,
    periods: Sequence[dict] = (),
    endpoint_years: int = 1,
    variables: Mapping[str, dict] | None = None,
) -> pd.DataFrame:
    """Estimate one specification per value chain (or pooled) and return tidy rows.

    Value chains are taken in their order of first appearance in ``indicators``; terms follow
    the order of ``spec["regressors"]``, ``spec["interactions"]``, their moderators and then
    ``spec["controls"]``. ``periods`` (dicts with ``label``, ``start``, ``end``) and
    ``endpoint_years`` define long differences; ``variables`` (registry labels,
    :func:`~.specifications.dimension_variables`) label the terms. Raises ValueError naming the
    spec when it is malformed or refers to a missing column, and naming the spec and chain
    when a sample is empty or not estimable.
    """
    spec = normalise_spec(spec)
    if spec["by_value_chain"]:
        _check_spec(indicators, spec)
        chains: list[str | None] = list(_chains(indicators, spec))
    else:
        chains = [None]
    frames = [
        _fit_one(prepare_sample(indicators, spec, chain, periods=periods,
                                endpoint_years=endpoint_years),
                 spec, POOLED if chain is None else chain, variables)
        for chain in chains
    ]
    if not frames:
        raise ValueError(f"specification {spec['id']!r}: the indicators table has no value chains")
    return pd.concat(frames, ignore_index=True)


def estimate_all(
    indicators: pd.DataFrame,
    specs: list[dict],
    *,
    periods: Sequence[dict] = (),
    endpoint_years: int = 1,
    variables: Mapping[str, dict] | None = None,
) -> pd.DataFrame:
    """Estimate every specification and stack the tidy rows (spec order, then chain order).

    Specification ids must be unique (they key the columns of the regression table).
    ``variables`` as for :func:`estimate_spec`.
    """
    ids = [spec["id"] for spec in specs]
    duplicated = sorted({spec_id for spec_id in ids if ids.count(spec_id) > 1})
    if duplicated:
        raise ValueError(f"specification ids must be unique; repeated: {duplicated}")
    frames = [estimate_spec(indicators, spec, periods=periods, endpoint_years=endpoint_years,
                            variables=variables)
              for spec in specs]
    if not frames:
        return pd.DataFrame(columns=ESTIMATE_COLUMNS)
    return pd.concat(frames, ignore_index=True)
