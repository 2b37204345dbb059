"""Drawing the demo world from its seed: macro series, trade flows, labour and the latent panel."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .noise import availability, demeaned, orthogonal_noise
from .social import simulate_social, social_panel
from .world import (
    ABSENT,
    COUNTRIES,
    CPI_BASE_YEAR,
    MACRO_YEARS,
    OBSERVED,
    OTHER_PRODUCTS,
    REPORTED_MISSING,
    STREAMS,
    TRUE_COEFFICIENTS,
    VALUE_CHAINS,
    WAGE_USD_2010,
    WDI_YEARS,
    DemoWorld,
    ValueChain,
)


def true_panel(seed: int, n_countries: int = 50,
               years: tuple[int, int] = (1995, 2022)) -> pd.DataFrame:
    """The latent panel behind :func:`generate_demo_world` with the same arguments.

    One row per country x value_chain x year where the country exports the chain or has
    labour data: ``country`` (ISO3), ``value_chain``, ``year``, ``exporting`` (bool),
    ``export_value_usd`` (current USD, as written), ``market_share`` (0-1, from the written
    values), ``log_relative_price`` (``p_cgt``), ``relative_price`` (``exp(p_cgt)``),
    ``employment_persons``, ``real_wage_per_employee_lcu`` (``W``, 2010 prices),
    ``nominal_wage_per_employee_lcu`` and ``labour_source``; then the decent-work values of
    :func:`~gvc_upgrading.demo.social.social_panel` (women's share, value added, wage-bill
    share, labour productivity, hours, informality, pay gap, fatal injuries and the country's
    rights). Labour and decent-work columns are NaN where the raw files have no value; trade
    columns are NaN where the country does not export.
    """
    return simulate(seed, n_countries, years).panel


def simulate(seed: int, n_countries: int, years: tuple[int, int]) -> DemoWorld:
    """Draw the whole demo world from ``seed``."""
    if not 3 <= n_countries <= len(COUNTRIES):
        raise ValueError(f"n_countries must be between 3 and {len(COUNTRIES)}, got {n_countries}")
    if years[0] > years[1] or years[0] < 1960 or years[1] > WDI_YEARS[1]:
        raise ValueError(f"years must be an increasing pair within 1960-{WDI_YEARS[1]}, "
                         f"got {years}")
    countries = COUNTRIES[:n_countries]
    year_arr = np.arange(years[0], years[1] + 1)
    streams = dict(zip(STREAMS, np.random.default_rng(seed).spawn(len(STREAMS))))
    macro_years = np.arange(min(MACRO_YEARS[0], years[0]), max(MACRO_YEARS[1], years[1]) + 1)
    cpi, fx = _simulate_macro(countries, macro_years, year_arr[0], streams["macro"])
    flows, latent = _simulate_trade(countries, year_arr, streams["trade"])
    in_panel = np.searchsorted(macro_years, year_arr)
    labour = _simulate_labour(countries, year_arr, latent, cpi[:, in_panel], fx[:, in_panel],
                              streams["labour"])
    social = simulate_social(countries, year_arr, latent, labour, cpi[:, in_panel],
                             streams["social"], streams["rights"])
    panel = _panel(countries, year_arr, latent, labour, social)
    return DemoWorld(countries, year_arr, macro_years, cpi, fx, flows, labour, panel, streams,
                     social)


def sig15(values: np.ndarray) -> np.ndarray:
    """Round to 15 significant digits, the precision of the WDI files (NaN stays NaN)."""
    return np.array([float(f"{x:.15g}") for x in values.ravel()]).reshape(values.shape)


def _simulate_macro(countries, macro_years: np.ndarray, first_panel_year: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """CPI (2010 = 100) and LCU per USD by country and year, with gaps only before the panel."""
    n, m = len(countries), len(macro_years)
    base = int(np.flatnonzero(macro_years == CPI_BASE_YEAR)[0])
    inflation = np.array([c.inflation_pct for c in countries])[:, None] / 100
    yearly = np.clip(inflation + rng.normal(0.0, 0.015, (n, m)), -0.02, None)
    log_cpi = np.cumsum(np.log1p(yearly), axis=1)
    cpi = 100.0 * np.exp(log_cpi - log_cpi[:, [base]])
    us_inflation = 0.024
    log_fx = np.cumsum(np.log1p(yearly) - np.log1p(us_inflation) + rng.normal(0.0, 0.04, (n, m)),
                       axis=1)
    level = np.array([c.lcu_per_usd for c in countries])[:, None]
    fx = level * np.exp(log_fx - log_fx[:, [base]])
    fx[level[:, 0] == 1.0] = 1.0  # dollarised economies and the USA
    cpi, fx = sig15(cpi), sig15(fx)
    cpi[:, base] = 100.0
    for series in (cpi, fx):
        late = rng.random(n) < 0.15
        upper = max(min(first_panel_year, CPI_BASE_YEAR), macro_years[0] + 1)
        first = rng.integers(macro_years[0], upper, n)
        series[late[:, None] & (macro_years[None, :] < first[:, None])] = np.nan
    return cpi, fx


@dataclass
class _ChainLatent:
    """Latent trade series of one chain: (country, year) arrays, NaN where not exporting."""

    exporting: np.ndarray
    log_price: np.ndarray  # p_cgt, centred each year over exporters
    export_value: np.ndarray  # thousand USD, sum of the written line values
    market_share: np.ndarray


def _simulate_trade(countries, years: np.ndarray,
                    rng: np.random.Generator) -> tuple[pd.DataFrame, dict[str, _ChainLatent]]:
    """Bilateral HS6 flows of every chain and of the non-chain products, rounded as written."""
    n, t = len(countries), len(years)
    codes = np.array([c.baci_code for c in countries])
    pieces: list[dict[str, np.ndarray]] = []
    latent: dict[str, _ChainLatent] = {}
    for chain_id, chain in VALUE_CHAINS.items():
        exporting, x, p = _chain_paths(chain, n, years, rng)
        lo, hi = np.log(chain.price_range)
        world_price = np.exp(rng.uniform(lo, hi, len(chain.products))[None, :]
                             + 0.01 * (years - years[0])[:, None]
                             + rng.normal(0.0, 0.02, (t, len(chain.products))))
        chain_pieces = []
        for c in np.flatnonzero(exporting.any(axis=1)):
            chain_pieces.append(_exporter_lines(c, np.exp(x[c]), p[c], exporting[c], world_price,
                                                n, rng))
        lines = {key: np.concatenate([pc[key] for pc in chain_pieces]) for key in chain_pieces[0]}
        value = np.zeros((n, t))
        np.add.at(value, (lines["exporter"], lines["year_index"]), lines["v"])
        share = np.where(exporting, value / value.sum(axis=0, keepdims=True), np.nan)
        latent[chain_id] = _ChainLatent(exporting, np.where(exporting, p, np.nan),
                                        np.where(exporting, value, np.nan), share)
        lines["k"] = np.array([int(code) for code in chain.products])[lines["product"]]
        pieces.append(lines)
    pieces.append(_other_lines(n, years, rng))
    flows = pd.DataFrame({
        "t": np.concatenate([years[pc["year_index"]] for pc in pieces]),
        "i": np.concatenate([codes[pc["exporter"]] for pc in pieces]),
        "j": np.concatenate([codes[pc["importer"]] for pc in pieces]),
        "k": np.concatenate([pc["k"] for pc in pieces]),
        "v": np.concatenate([pc["v"] for pc in pieces]),
        "q": np.concatenate([pc["q"] for pc in pieces]),
    })
    return flows, latent


def _chain_paths(chain: ValueChain, n: int, years: np.ndarray,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who exports when, log export value ``x`` and centred log relative price ``p``."""
    t = len(years)
    draw = rng.random(n)
    active = draw < chain.export_probability
    active[np.argsort(draw)[:3]] = True  # every chain has at least three exporters
    late = active & (rng.random(n) < 0.15)
    late[np.flatnonzero(active)[:3]] = False  # ... that export from the first year
    start = np.where(late, rng.integers(2001, 2011, n), years[0])
    exporting = active[:, None] & (years[None, :] >= start[:, None])
    level = np.log(chain.export_level) + rng.normal(0.0, 1.2, n)
    x = level[:, None] + np.cumsum(rng.normal(0.03, 0.15, (n, t)), axis=1)
    p = np.cumsum(rng.normal(0.0, 0.1, (n, t)), axis=1)
    centre = np.nanmean(np.where(exporting, p, np.nan), axis=0)
    return exporting, x, p - centre[None, :]


def _exporter_lines(c: int, total: np.ndarray, log_price: np.ndarray, exporting: np.ndarray,
                    world_price: np.ndarray, n: int,
                    rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Split one exporter's chain exports over its product x importer lines, year by year."""
    t, n_products = world_price.shape
    partners = np.delete(np.arange(n), c)
    n_importers = min(int(rng.integers(5, 16)), len(partners))
    importers = np.sort(rng.choice(partners, n_importers, replace=False))
    importer_weight = rng.dirichlet(np.full(n_importers, 2.0))
    product_weight = rng.dirichlet(np.full(n_products, 2.0))
    ships = rng.random((n_products, n_importers)) < 0.75
    ships[:, np.argmax(importer_weight)] = True  # every product reaches the main market
    product, importer = np.nonzero(ships)
    weight = product_weight[product] * importer_weight[importer] * np.exp(
        rng.normal(0.0, 0.1, (t, len(product))))
    value = total[:, None] * weight / weight.sum(axis=1, keepdims=True)
    price = world_price[:, product] * np.exp(log_price[:, None]
                                             + rng.normal(0.0, 0.03, value.shape))
    year_index = np.repeat(np.arange(t), len(product))
    keep = exporting[year_index]
    v = _round_positive(value.ravel())
    return {
        "year_index": year_index[keep],
        "exporter": np.full(keep.sum(), c),
        "importer": np.tile(importers[importer], t)[keep],
        "product": np.tile(product, t)[keep],
        "v": v[keep],
        "q": _round_positive(v / price.ravel())[keep],
    }


def _round_positive(x: np.ndarray) -> np.ndarray:
    """Round to 3 decimals, never to zero (BACI writes no zero flows)."""
    return np.maximum(np.round(x, 3), 0.001)


def _other_lines(n: int, years: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Flows of products outside every value chain, which the pipeline must leave out."""
    t = len(years)
    pieces = []
    for c in range(n):
        for code, price in OTHER_PRODUCTS.items():
            if rng.random() >= 0.5:
                continue
            partners = np.delete(np.arange(n), c)
            importers = rng.choice(partners, min(int(rng.integers(3, 9)), len(partners)),
                                   replace=False)
            share = rng.dirichlet(np.full(len(importers), 2.0))
            level = np.exp(rng.normal(np.log(5e4), 1.2)
                           + np.cumsum(rng.normal(0.02, 0.1, t)))
            v = _round_positive((level[:, None] * share[None, :]).ravel())
            unit_price = price * np.exp(rng.normal(0.0, 0.1, v.shape))
            pieces.append({
                "year_index": np.repeat(np.arange(t), len(importers)),
                "exporter": np.full(v.size, c),
                "importer": np.tile(importers, t),
                "k": np.full(v.size, int(code)),
                "v": v,
                "q": _round_positive(v / unit_price),
            })
    return {key: np.concatenate([pc[key] for pc in pieces]) for key in pieces[0]}


def _simulate_labour(countries, years: np.ndarray, latent: dict[str, _ChainLatent],
                     cpi: np.ndarray, fx: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Employment and wages per country x chain x year from the true model, with file status."""
    n, t = len(countries), len(years)
    wage_usd = np.array([WAGE_USD_2010[c.income] for c in countries])
    fx_2010 = np.array([c.lcu_per_usd for c in countries])
    trend = (years - CPI_BASE_YEAR)[None, :]
    frames = []
    for chain_id, chain in VALUE_CHAINS.items():
        coef = TRUE_COEFFICIENTS[chain_id]
        lat = latent[chain_id]
        share_dev = demeaned(np.log(lat.market_share))
        price_dev = demeaned(lat.log_price)
        log_e = (np.log(chain.employment_level) + rng.normal(0.0, 1.0, n)[:, None]
                 + chain.employment_trend * trend + rng.normal(0.0, 0.03, t)[None, :]
                 + coef["employment_persons"]["market_share"] * share_dev
                 + coef["employment_persons"]["relative_unit_value"] * price_dev)
        noise_e = rng.normal(0.0, 0.08, (n, t))
        log_w = (np.log(wage_usd * chain.wage_factor * fx_2010)[:, None]
                 + rng.normal(0.0, 0.2, n)[:, None]
                 + chain.wage_trend * trend + rng.normal(0.0, 0.03, t)[None, :]
                 + coef["real_wage_per_employee_lcu"]["market_share"] * share_dev
                 + coef["real_wage_per_employee_lcu"]["relative_unit_value"] * price_dev)
        noise_w = rng.normal(0.0, 0.08, (n, t))
        emp_observed, emp_missing = availability(n, years, rng)
        wage_observed = emp_observed & (rng.random((n, t)) >= 0.03)
        regressors = (np.log(lat.market_share), lat.log_price)
        log_e += orthogonal_noise(noise_e, [(emp_observed & lat.exporting, regressors)])
        log_w += orthogonal_noise(noise_w, [(wage_observed & lat.exporting, regressors)])
        wage_missing = (emp_observed & ~wage_observed) | emp_missing
        employment = np.round(np.exp(log_e))
        real_wage = np.exp(log_w)
        frames.append(pd.DataFrame({
            "country_index": np.repeat(np.arange(n), t),
            "value_chain": chain_id,
            "year": np.tile(years, n),
            "employment_persons": np.where(emp_observed, employment, np.nan).ravel(),
            "real_wage_per_employee_lcu": np.where(wage_observed, real_wage, np.nan).ravel(),
            "nominal_wage_per_employee_lcu": np.where(wage_observed, real_wage * cpi / 100,
                                                      np.nan).ravel(),
            "lcu_per_usd": fx.ravel(),
            # the latent values in every year, published or not (sections are built from them)
            "employment_latent": employment.ravel(),
            "nominal_wage_latent": (real_wage * cpi / 100).ravel(),
            "employment_status": np.select([emp_observed, emp_missing],
                                           [OBSERVED, REPORTED_MISSING], ABSENT).ravel(),
            "wage_status": np.select([wage_observed, wage_missing],
                                     [OBSERVED, REPORTED_MISSING], ABSENT).ravel(),
        }))
    return pd.concat(frames, ignore_index=True)


def _panel(countries, years: np.ndarray, latent: dict[str, _ChainLatent],
           labour: pd.DataFrame, social) -> pd.DataFrame:
    """The public latent panel: trade latents joined with the published labour values and the
    published decent-work values (:func:`~gvc_upgrading.demo.social.social_panel`)."""
    n, t = len(countries), len(years)
    trade = pd.concat([pd.DataFrame({
        "country_index": np.repeat(np.arange(n), t),
        "value_chain": chain_id,
        "year": np.tile(years, n),
        "exporting": lat.exporting.ravel(),
        "export_value_usd": (lat.export_value * 1000.0).ravel(),
        "market_share": lat.market_share.ravel(),
        "log_relative_price": lat.log_price.ravel(),
    }) for chain_id, lat in latent.items()], ignore_index=True)
    panel = trade.merge(labour, on=["country_index", "value_chain", "year"], validate="1:1")
    decent = social_panel(social, n, years)
    panel = panel.merge(decent, on=["country_index", "value_chain", "year"], validate="1:1")
    keep = panel["exporting"] | panel["employment_persons"].notna() | panel[
        "real_wage_per_employee_lcu"].notna()
    panel = panel[keep].reset_index(drop=True)
    iso3 = np.array([c.iso3 for c in countries])
    return pd.DataFrame({
        "country": iso3[panel["country_index"].to_numpy()],
        "value_chain": panel["value_chain"].astype(str),
        "year": panel["year"].astype("int64"),
        "exporting": panel["exporting"].astype(bool),
        "export_value_usd": panel["export_value_usd"],
        "market_share": panel["market_share"],
        "log_relative_price": panel["log_relative_price"],
        "relative_price": np.exp(panel["log_relative_price"]),
        "employment_persons": panel["employment_persons"],
        "real_wage_per_employee_lcu": panel["real_wage_per_employee_lcu"],
        "nominal_wage_per_employee_lcu": panel["nominal_wage_per_employee_lcu"],
        "labour_source": panel["value_chain"].map(
            {k: v.labour_source for k, v in VALUE_CHAINS.items()}).astype(str),
        **{column: panel[column] for column in decent.columns[3:]},
    })
