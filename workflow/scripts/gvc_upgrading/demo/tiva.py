"""The demo world's OECD TiVA files: levels and shares in the SDMX-CSV of the 2025 edition.

Two files, as the OECD SDMX API answers a data query with ``Accept: text/csv`` (codes only,
``DATAFLOW,MEASURE,REF_AREA,ACTIVITY,COUNTERPART_AREA,UNIT_MEASURE,FREQ,TIME_PERIOD,OBS_VALUE,
UNIT_MULT``, CRLF, rows in no particular order):

* levels (``DSD_TIVA_MAINLV@DF_MAINLV``, ``USD``, ``UNIT_MULT`` 6, millions with three
  decimals): ``EXGR`` gross exports, ``EXGR_DVA`` and ``EXGR_FVA`` their domestic and foreign
  value added;
* shares (``DSD_TIVA_MAINSH@DF_MAINSH``, ``PT_EXGR``): ``EXGR_DVA`` and ``EXGR_FVA`` in per cent
  of gross exports (summing to exactly 100), and ``EXGR_DVAFX``, domestic value added in
  partners' exports (forward participation).

One activity per value chain (:data:`CHAIN_ACTIVITIES`, as ``tiva_activity`` in
config/gvcs.yaml), counterpart ``W``, the years of the panel up to :data:`LAST_YEAR`, the demo
countries that the 2025 edition covers (:data:`EDITION_ECONOMIES`), plus the world aggregate
``W`` as reference area (the sum of the countries), which the pipeline must drop.

The model, consistent with the demo's trade data (:mod:`gvc_upgrading.demo.simulate`)
---------------------------------------------------------------------------------------
For chain g, country c, year t:

* the industry's gross exports are the chain's exports (the sum of the BACI lines written for
  the chain) plus exports of the industry's other products: ``EXGR = X_cgt + O_cgt`` with
  ``O_cgt = other_exports[g] * median_t(X_cg) * exp(N(0, 0.5)) * exp(0.03 (t - t0) +
  N(0, 0.05))``, so TiVA's industry always holds the chain and more;
* the domestic value-added share ``s`` follows
  ``logit(s_cgt) = logit(dva_share[g]) + N(0, 0.4)_cg + price_effect[g] * p_cgt +
  trend[g] * (t - 2008) + N(0, 0.05)``, with ``p_cgt`` the chain's latent log relative price
  (0 in years the country does not export the chain). :data:`TRUE_VALUE_CAPTURE` holds
  ``price_effect``: a regression of ``logit(s)`` on the log relative unit value with country and
  year effects recovers it (year effects absorb the yearly centring of ``p``);
* ``EXGR_DVA = s * EXGR``; ``EXGR_FVA = (1 - s) * EXGR`` plus, in about one row in ten, a gap of
  up to 0.128 million, as in the real levels file where DVA + FVA differs from EXGR by that much;
* forward participation ``f_cgt = s_cgt * m_cg * exp(N(0, 0.03))`` with ``m_cg`` uniform in
  0.1-0.4: a stable fraction of the value a country keeps is sent on in partners' exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .files import write_bytes
from .world import DemoWorld

LAST_YEAR = 2022  # the 2025 edition covers 1995-2022
AGENCY = "OECD.STI.PIE"
LEVELS_FLOW = f"{AGENCY}:DSD_TIVA_MAINLV@DF_MAINLV(1.1)"
SHARES_FLOW = f"{AGENCY}:DSD_TIVA_MAINSH@DF_MAINSH(1.1)"
HEADER = ("DATAFLOW,MEASURE,REF_AREA,ACTIVITY,COUNTERPART_AREA,UNIT_MEASURE,FREQ,TIME_PERIOD,"
          "OBS_VALUE,UNIT_MULT")
LINE_END = "\r\n"
WORLD = "W"
#: The chains' TiVA activities (config/gvcs.yaml ``tiva_activity``).
CHAIN_ACTIVITIES = {"apparel": "C13T15", "mobile_phones": "C26", "horticulture": "A01",
                    "automotive": "C29"}
#: The economies of the 2025 edition (config/datasets.yaml, ``sdmx.countries`` of the 2025
#: entries); demo countries outside it have no TiVA rows, as in the real data.
EDITION_ECONOMIES = frozenset(
    "AUS AUT BEL CAN CHL COL CRI CZE DNK EST FIN FRA DEU GRC HUN ISL IRL ISR ITA JPN KOR LVA LTU "
    "LUX MEX NLD NZL NOR POL PRT SVK SVN ESP SWE CHE TUR GBR USA AGO ARG BGD BLR BRA BRN BGR KHM "
    "CMR CHN COD CIV HRV CYP EGY HKG IND IDN JOR KAZ LAO MYS MLT MAR MMR NGA PAK PER PHL ROU RUS "
    "STP SAU SEN SGP ZAF TWN THA TUN UKR ARE VNM".split())


@dataclass(frozen=True)
class ValueCaptureModel:
    """Parameters of one chain's TiVA series (see the module docstring)."""

    dva_share: float  # median domestic value-added share of the industry's exports (0-1)
    price_effect: float  # d logit(share) / d log relative price
    trend: float  # logit points per year
    other_exports: float  # the industry's other exports relative to the chain's median exports


VALUE_CAPTURE = {
    "apparel": ValueCaptureModel(0.55, 0.5, 0.01, 0.8),
    "mobile_phones": ValueCaptureModel(0.45, 0.3, -0.02, 3.0),
    "horticulture": ValueCaptureModel(0.85, 0.2, 0.0, 2.0),
    "automotive": ValueCaptureModel(0.6, 0.4, -0.005, 0.3),
}
#: Chain -> the true effect of the log relative price on the logit of the domestic value-added
#: share (:data:`VALUE_CAPTURE` ``price_effect``), recovered by the tests.
TRUE_VALUE_CAPTURE = {chain: model.price_effect for chain, model in VALUE_CAPTURE.items()}
#: Largest gap between DVA + FVA and EXGR in the levels file (USD millions), as in the real one.
MAX_ADDITIVITY_GAP = 0.128


def tiva_panel(world: DemoWorld) -> pd.DataFrame:
    """The latent TiVA series: one row per TiVA economy x chain x year up to :data:`LAST_YEAR`,
    with ``country``, ``value_chain``, ``activity``, ``year``, ``chain_exports_usd`` (0 where the
    country does not export the chain), ``industry_exports_usd``, ``dva_share`` and
    ``forward_share`` (fractions), before rounding."""
    rng = world.streams["tiva"]
    years = world.years[world.years <= LAST_YEAR]
    countries = [c.iso3 for c in world.countries]
    frames = []
    for chain, model in VALUE_CAPTURE.items():
        latent = world.panel[world.panel["value_chain"] == chain].set_index(["country", "year"])
        grid = pd.MultiIndex.from_product([countries, years], names=["country", "year"])
        exports = latent["export_value_usd"].reindex(grid).fillna(0.0).to_numpy()
        price = latent["log_relative_price"].reindex(grid).fillna(0.0).to_numpy()
        n, t = len(countries), len(years)
        exports, price = exports.reshape(n, t), price.reshape(n, t)
        level = _median_exports(exports)
        other = (model.other_exports * level * np.exp(rng.normal(0.0, 0.5, n)))[:, None] * np.exp(
            0.03 * (years - years[0])[None, :] + rng.normal(0.0, 0.05, (n, t)))
        logit = (np.log(model.dva_share / (1 - model.dva_share)) + rng.normal(0.0, 0.4, n)[:, None]
                 + model.price_effect * price + model.trend * (years - 2008)[None, :]
                 + rng.normal(0.0, 0.05, (n, t)))
        share = 1.0 / (1.0 + np.exp(-logit))
        forward = share * rng.uniform(0.1, 0.4, n)[:, None] * np.exp(rng.normal(0.0, 0.03,
                                                                                (n, t)))
        frames.append(pd.DataFrame({
            "country": np.repeat(countries, t), "value_chain": chain,
            "activity": CHAIN_ACTIVITIES[chain], "year": np.tile(years, n),
            "chain_exports_usd": exports.ravel(), "industry_exports_usd": (exports + other).ravel(),
            "dva_share": share.ravel(), "forward_share": forward.ravel()}))
    panel = pd.concat(frames, ignore_index=True)
    return panel[panel["country"].isin(EDITION_ECONOMIES)].reset_index(drop=True)


def _median_exports(exports: np.ndarray) -> np.ndarray:
    """Each country's median exports over the years it exports (the median over all exporting
    country-years for a country that never exports the chain)."""
    exporting = exports > 0
    level = np.full(len(exports), np.median(exports[exporting]))
    for row in np.flatnonzero(exporting.any(axis=1)):
        level[row] = np.median(exports[row, exporting[row]])
    return level


def write_tiva(world: DemoWorld, levels_path: Path, shares_path: Path) -> None:
    """The levels and the shares file (see the module docstring)."""
    rng = world.streams["tiva"]
    panel = tiva_panel(world)
    exgr = np.round(panel["industry_exports_usd"].to_numpy() / 1e6, 3)
    dva_pct = np.round(100.0 * panel["dva_share"].to_numpy(), 3)
    dva = np.round(exgr * panel["dva_share"].to_numpy(), 3)
    gap = np.where(rng.random(len(panel)) < 0.1,
                   rng.uniform(-0.009, MAX_ADDITIVITY_GAP, len(panel)), 0.0)
    fva = np.round(exgr * (1.0 - panel["dva_share"].to_numpy()) + gap, 3)
    keys = panel[["country", "activity", "year"]]
    levels = _with_world(keys, {"EXGR": exgr, "EXGR_DVA": dva, "EXGR_FVA": fva})
    world_shares = 100.0 * levels["EXGR_DVA"] / levels["EXGR"]
    shares = pd.concat([keys.assign(EXGR_DVA=dva_pct,
                                    EXGR_DVAFX=np.round(100 * panel["forward_share"], 3)),
                        levels.loc[levels["country"] == WORLD, ["country", "activity", "year"]]
                        .assign(EXGR_DVA=np.round(world_shares[levels["country"] == WORLD], 3),
                                EXGR_DVAFX=np.nan)], ignore_index=True)
    shares["EXGR_FVA"] = np.round(100.0 - shares["EXGR_DVA"], 3)
    _write(levels, ["EXGR", "EXGR_DVA", "EXGR_FVA"], LEVELS_FLOW, "USD", "6", levels_path, rng)
    _write(shares, ["EXGR_DVA", "EXGR_FVA", "EXGR_DVAFX"], SHARES_FLOW, "PT_EXGR", "0",
           shares_path, rng)


def _with_world(keys: pd.DataFrame, levels: dict[str, np.ndarray]) -> pd.DataFrame:
    """The country rows and, per activity and year, the world (sum of the countries)."""
    table = keys.assign(**levels)
    world = table.groupby(["activity", "year"], as_index=False)[list(levels)].sum()
    world = world.assign(country=WORLD).round(3)
    return pd.concat([table, world[table.columns]], ignore_index=True)


def _write(table: pd.DataFrame, measures: list[str], flow: str, unit: str, unit_mult: str,
           path: Path, rng: np.random.Generator) -> None:
    """One SDMX-CSV file, rows shuffled (the API answers in no particular order); a missing
    value leaves no row."""
    lines = []
    for measure in measures:
        rows = table.dropna(subset=[measure])
        lines += [f"{flow},{measure},{c},{a},{WORLD},{unit},A,{y},{_number(v)},{unit_mult}"
                  for c, a, y, v in zip(rows["country"], rows["activity"], rows["year"],
                                        rows[measure])]
    order = rng.permutation(len(lines))
    text = LINE_END.join([HEADER, *(lines[i] for i in order)]) + LINE_END
    write_bytes(text.encode("utf-8"), path)


def _number(value: float) -> str:
    """Three decimals at most, no trailing zeros (``134477.474``, ``55.28``, ``12``)."""
    return f"{value:.3f}".rstrip("0").rstrip(".")
