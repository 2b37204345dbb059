"""Drawing the demo's decent-work series: employment by sex and activity, hours, informality,
fatal injuries, earnings by sex, the UNIDO female share and value added, and country-level rights.

The model is stated in :mod:`gvc_upgrading.demo.world` ("Decent work"); this module draws it.
Every series is an array (country, year) holding its latent value in every year; the masks say
where a file publishes it (:class:`Published`). Activities are keyed ``AGR`` (ISIC section A),
``MIN`` (mining), ``MAN`` (manufacturing), ``CON`` (construction), ``TRD`` (trade), the broad
groups ``IND`` (industry), ``SER`` (services), ``NAG`` (non-agriculture) and ``TOTAL``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .noise import availability, demeaned, orthogonal_noise
from .world import (
    ABSENT,
    CPI_BASE_YEAR,
    DECENT_WORK_COEFFICIENTS,
    OBSERVED,
    REPORTED_MISSING,
    RIGHTS_GROUPS,
    RIGHTS_TRENDS,
    SECTION_FEMALE_SHARE,
    VALUE_CHAINS,
    WAGE_USD_2010,
)

ACTIVITY_OF_SECTION = {"agriculture": "AGR", "manufacturing": "MAN"}
MODELLED = {  # file -> activities whose values follow DECENT_WORK_COEFFICIENTS
    "hours": ("AGR", "MAN"), "informality": ("AGR", "NAG", "MAN"),
    "employment_by_sex": ("AGR",), "injuries": ("AGR", "MAN"), "earnings": ("AGR", "MAN"),
}
# Years in which each right can be published (SDG 8.8.2: a few years only, as in ILOSTAT).
RIGHTS_YEARS = {"union_density": tuple(range(2000, 2022)),
                "bargaining_coverage": tuple(range(2000, 2022)),
                "labour_rights_index": (2015, 2016, 2017, 2020, 2021)}
# Levels by income group (L, LM, UM, H) and between-country spread (sd of the log level).
_INCOME = ("Low income", "Lower middle income", "Upper middle income", "High income")
_RIGHTS_LEVELS = {"union_density": ((8, 10, 15, 25), 0.5, 95.0),
                  "bargaining_coverage": ((5, 10, 20, 50), 0.5, 99.0),
                  "labour_rights_index": ((5.0, 4.5, 3.5, 1.5), 0.35, 9.5)}


@dataclass
class Published:
    """What a file publishes of one series: value and empty-with-U cells, both (country, year)."""

    observed: np.ndarray
    missing: np.ndarray


@dataclass
class SocialWorld:
    """The latent decent-work series and where each file publishes them."""

    surveys: dict[str, np.ndarray]  # file -> country-years the file covers
    published: dict[tuple[str, str], Published]  # (file, activity) of the modelled cells
    employment: dict[str, np.ndarray] = field(default_factory=dict)  # thousands, by activity
    female_share: dict[str, np.ndarray] = field(default_factory=dict)  # per cent of employment
    hours: dict[str, np.ndarray] = field(default_factory=dict)  # weekly hours, both sexes
    informality: dict[str, np.ndarray] = field(default_factory=dict)  # per cent, both sexes
    # (file, activity) -> men's and women's multiples of the total, per country
    sex_factors: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict)
    injury_rate: dict[str, np.ndarray] = field(default_factory=dict)  # per 100,000 employed
    injuries: dict[str, np.ndarray] = field(default_factory=dict)  # cases, as written
    earnings: dict[str, np.ndarray] = field(default_factory=dict)  # monthly, LCU, SEX_T
    pay_gap: dict[str, np.ndarray] = field(default_factory=dict)  # (men - women) / men, %
    chains: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # INDSTAT chains
    rights: dict[str, np.ndarray] = field(default_factory=dict)  # right -> value
    rights_published: dict[str, np.ndarray] = field(default_factory=dict)


def simulate_social(countries, years: np.ndarray, latent: dict, labour: pd.DataFrame,
                    cpi: np.ndarray, rng: np.random.Generator,
                    rights_rng: np.random.Generator) -> SocialWorld:
    """Draw every decent-work series of the demo from its own random stream."""
    n, t = len(countries), len(years)
    income = np.array([c.income for c in countries])
    wide = {column: _wide(labour, column, n, t) for column in
            ("employment_latent", "employment_status", "wage_status", "nominal_wage_latent",
             "nominal_wage_per_employee_lcu", "employment_persons")}
    draw = _Drawer(rng, years, income, latent)
    surveys, published = _masks(n, years, wide, rng)
    female_agr = _capped(draw.modelled("female_employment_share", "agriculture",
                                       (20, 30, 38, 35), 0.25, 0.003, 0.05,
                                       published["employment_by_sex", "AGR"]), 90.0)
    social = SocialWorld(surveys, published)
    social.employment, social.female_share = _employment(draw, wide["employment_latent"],
                                                         female_agr,
                                                         surveys["employment_by_sex"])
    _hours_and_informality(social, draw)
    _injuries(social, draw)
    _earnings(social, draw, countries, cpi, wide)
    social.chains = _indstat_chains(draw, wide, rng)
    social.rights, social.rights_published = _rights(countries, years, income, rights_rng)
    return social


def _wide(labour: pd.DataFrame, column: str, n: int, t: int) -> dict[str, np.ndarray]:
    """``column`` of the labour table as (country, year) arrays per value chain."""
    return {chain: rows[column].to_numpy().reshape(n, t)
            for chain, rows in labour.groupby("value_chain", sort=False)}


class _Drawer:
    """Latent series ``exp(level_c + year effect + chain terms + noise)`` of one country x year
    grid, with the noise made orthogonal in the estimation samples of the chains it names."""

    def __init__(self, rng, years, income, latent):
        self.rng, self.years, self.income, self.latent = rng, years, income, latent
        self.n, self.t = len(income), len(years)

    def level(self, by_income, spread: float) -> np.ndarray:
        """Country levels: the income group's value times a log-normal country factor."""
        base = np.array([by_income[_INCOME.index(g)] for g in self.income], float)
        return np.log(base) + self.rng.normal(0.0, spread, self.n)

    def descriptive(self, by_income, spread: float, trend: float, sd: float) -> np.ndarray:
        """A series without stated coefficients: level, year effect and plain noise."""
        noise = self.rng.normal(0.0, sd, (self.n, self.t))
        return np.exp(self._base(by_income, spread, trend) + noise)

    def modelled(self, outcome: str, section: str, by_income, spread: float, trend: float,
                 sd: float, published: Published) -> np.ndarray:
        """A section-level series: the chains of ``section`` with their coefficients of
        ``outcome`` (non-zero only where the section holds one chain) and orthogonal noise in
        each chain's sample (exporting and published)."""
        chains = [g for g, chain in VALUE_CHAINS.items() if chain.section == section]
        return self.chain_series(outcome, chains, by_income, spread, trend, sd,
                                 {g: published.observed for g in chains})

    def chain_series(self, outcome: str, chains: list[str], by_income, spread: float,
                     trend: float, sd: float, observed: dict[str, np.ndarray],
                     coefficients: dict[str, dict[str, float]] | None = None) -> np.ndarray:
        """One series moved by ``chains`` with their ``coefficients`` (default: their
        DECENT_WORK_COEFFICIENTS of ``outcome``)."""
        if coefficients is None:
            coefficients = {g: DECENT_WORK_COEFFICIENTS[g][outcome] for g in chains}
        moving = [g for g in chains if any(coefficients[g].values())]
        if len(chains) > 1 and moving:
            raise ValueError(f"{outcome}: a series shared by {chains} cannot have the chain "
                             f"coefficients of {moving} (one chain's regression would not "
                             "identify them)")
        log_value = self._base(by_income, spread, trend)
        samples = []
        for g in chains:
            lat = self.latent[g]
            coef = coefficients[g]
            log_value += (coef["market_share"] * demeaned(np.log(lat.market_share))
                          + coef["relative_unit_value"] * demeaned(lat.log_price))
            samples.append((observed[g] & lat.exporting, (np.log(lat.market_share),
                                                          lat.log_price)))
        noise = self.rng.normal(0.0, sd, (self.n, self.t))
        return np.exp(log_value + orthogonal_noise(noise, samples))

    def _base(self, by_income, spread: float, trend: float) -> np.ndarray:
        year_effect = trend * (self.years - CPI_BASE_YEAR) + self.rng.normal(0.0, 0.01, self.t)
        return self.level(by_income, spread)[:, None] + year_effect[None, :]


def _masks(n: int, years: np.ndarray, wide: dict, rng) -> tuple[dict, dict]:
    """Country-years each file covers, and per modelled activity the cells it publishes (a few
    are suppressed: written empty with obs_status U)."""
    t = len(years)
    settings = {"hours": {"no_data": 0.12, "late_start": (2000, 2011)},
                "informality": {"no_data": 0.15, "first_year": 2000, "gaps": 0.2},
                "employment_by_sex": {"no_data": 0.08},
                "injuries": {"no_data": 0.3, "late": 0.3, "late_start": (1998, 2010),
                             "gaps": 0.15}}
    surveys, published = {}, {}
    for name, options in settings.items():
        observed, missing = availability(n, years, rng, **options)
        surveys[name] = observed | missing
        for activity in MODELLED[name]:
            suppressed = missing | (observed & (rng.random((n, t)) < 0.03))
            published[name, activity] = Published(observed & ~suppressed, suppressed)
    hort_wage = wide["wage_status"]["horticulture"]
    surveys["earnings"] = hort_wage != ABSENT
    published["earnings", "AGR"] = Published(hort_wage == OBSERVED, hort_wage == REPORTED_MISSING)
    suppressed = surveys["earnings"] & (rng.random((n, t)) < 0.03)
    published["earnings", "MAN"] = Published(surveys["earnings"] & ~suppressed, suppressed)
    return surveys, published


def _employment(draw: _Drawer, latent_employment: dict, female_agr: np.ndarray,
                surveyed: np.ndarray):
    """Employment (thousands) and women's share (per cent) by activity, additive: the broad
    groups and the total are sums of the sections. Agriculture is the horticulture division
    (A01) grossed up; manufacturing holds the three manufacturing chains' divisions, and its
    women's share has zero coefficients for them (SECTION_FEMALE_SHARE), with noise orthogonal
    to their samples (``surveyed`` country-years: the section is never suppressed)."""
    rng, n, t = draw.rng, draw.n, draw.t

    def jitter() -> np.ndarray:  # small yearly movements of a share
        return np.exp(rng.normal(0.0, 0.02, (n, t)))

    agr = latent_employment["horticulture"] * rng.uniform(1.1, 1.4, n)[:, None] / 1000
    chains = [g for g, c in VALUE_CHAINS.items() if c.section == "manufacturing"]
    man = (sum(latent_employment[g] for g in chains) * rng.uniform(3.0, 8.0, n)[:, None]
           * jitter() / 1000)
    total = (agr + man) / rng.uniform(0.3, 0.6, n)[:, None] * jitter()
    parts = {"AGR": agr, "MAN": man}
    for key, low, high in (("MIN", 0.005, 0.02), ("CON", 0.05, 0.09), ("TRD", 0.12, 0.2),
                           ("UTL", 0.005, 0.012)):
        parts[key] = total * rng.uniform(low, high, n)[:, None] * jitter()
    parts["OSV"] = total - sum(parts.values())  # other services
    shares = {"AGR": female_agr, "MAN": _capped(draw.chain_series(
        "female_employment_share", chains, (35, 38, 35, 30), 0.2, 0.003, 0.05,
        dict.fromkeys(chains, surveyed), SECTION_FEMALE_SHARE["manufacturing"]), 90.0)}
    for key, low, high in (("MIN", 8, 15), ("CON", 5, 12), ("TRD", 30, 50), ("UTL", 15, 25),
                           ("OSV", 45, 60)):
        shares[key] = (rng.uniform(low, high, n)[:, None]
                       * np.exp(0.003 * (draw.years - CPI_BASE_YEAR))[None, :] * jitter())
    women = {key: parts[key] * shares[key] / 100 for key in parts}
    groups = {"IND": ("MIN", "MAN", "CON", "UTL"), "SER": ("TRD", "OSV"),
              "NAG": ("MIN", "MAN", "CON", "UTL", "TRD", "OSV"),
              "TOTAL": ("AGR", "MIN", "MAN", "CON", "UTL", "TRD", "OSV")}
    for group, members in groups.items():
        parts[group] = sum(parts[m] for m in members)
        women[group] = sum(women[m] for m in members)
    employment = {k: v for k, v in parts.items() if k not in ("UTL", "OSV")}
    return employment, {k: 100 * women[k] / parts[k] for k in employment}


def _capped(values: np.ndarray, cap: float, *factors: np.ndarray) -> np.ndarray:
    """``values`` scaled per country so that no year (times any of ``factors``) exceeds ``cap``;
    a constant per country, which the country fixed effect absorbs."""
    top = values.max(axis=1) * np.max([np.ones(len(values)), *factors], axis=0)
    return values * np.minimum(1.0, cap / top)[:, None]


def _sex_factors(rng, female_share: np.ndarray, low: float, high: float):
    """Men's and women's values as constant multiples of the total: women's = r x men's, and
    the total is their mean weighted by the activity's average female share."""
    share = female_share.mean(axis=1) / 100
    ratio = rng.uniform(low, high, len(share))
    men = 1.0 / (1.0 - share * (1.0 - ratio))
    return men, ratio * men


def _hours_and_informality(social: SocialWorld, draw: _Drawer) -> None:
    rng, pub = draw.rng, social.published
    hours = {"AGR": draw.modelled("hours_per_week", "agriculture", (38, 40, 42, 41), 0.05,
                                  -0.002, 0.02, pub["hours", "AGR"]),
             "MAN": draw.modelled("hours_per_week", "manufacturing", (46, 48, 46, 39), 0.05,
                                  -0.002, 0.02, pub["hours", "MAN"])}
    for key, level in (("TOTAL", (42, 44, 43, 37)), ("MIN", (46, 47, 45, 40)),
                       ("CON", (45, 47, 46, 40)), ("TRD", (44, 46, 45, 36)),
                       ("NAG", (43, 45, 44, 37)), ("IND", (46, 47, 46, 39)),
                       ("SER", (42, 44, 43, 36))):
        hours[key] = draw.descriptive(level, 0.04, -0.002, 0.02)
    informality = {
        "AGR": draw.modelled("informality_rate", "agriculture", (80, 70, 50, 15), 0.15, -0.01,
                             0.04, pub["informality", "AGR"]),
        "NAG": draw.modelled("informality_rate", "manufacturing", (60, 50, 35, 10), 0.15,
                             -0.01, 0.04, pub["informality", "NAG"]),
        "MAN": draw.modelled("informality_rate", "manufacturing", (55, 45, 30, 8), 0.15, -0.01,
                             0.04, pub["informality", "MAN"]),
    }
    for key, low, high in (("IND", 0.85, 1.05), ("SER", 0.95, 1.1)):
        informality[key] = informality["NAG"] * rng.uniform(low, high, draw.n)[:, None]
    for key in informality:
        men, women = _sex_factors(rng, social.female_share[key], 0.95, 1.2)
        informality[key] = _capped(informality[key], 99.0, men, women)
        social.sex_factors["informality", key] = men, women
    emp = social.employment
    informality["TOTAL"] = (informality["AGR"] * emp["AGR"]
                            + informality["NAG"] * emp["NAG"]) / emp["TOTAL"]
    social.sex_factors["informality", "TOTAL"] = _sex_factors(rng, social.female_share["TOTAL"],
                                                              0.95, 1.1)
    for key in hours:
        low = 0.75 if key == "AGR" else 0.8
        social.sex_factors["hours", key] = _sex_factors(rng, social.female_share[key], low, 0.95)
    social.hours, social.informality = hours, informality


def _injuries(social: SocialWorld, draw: _Drawer) -> None:
    """Rates per 100,000 employed; counts = rate x employment as written (thousands, 3
    decimals), rounded to whole cases. The rate's sample needs both files."""
    pub = social.published
    employed = {"AGR": pub["employment_by_sex", "AGR"].observed,  # MAN is never suppressed
                "MAN": social.surveys["employment_by_sex"]}
    both = {key: Published(pub["injuries", key].observed & employed[key],
                           pub["injuries", key].missing) for key in employed}
    rates = {"AGR": draw.modelled("fatal_injuries_per_100000", "agriculture", (30, 28, 20, 8),
                                  0.3, -0.02, 0.1, both["AGR"]),
             "MAN": draw.modelled("fatal_injuries_per_100000", "manufacturing", (14, 12, 8, 3),
                                  0.3, -0.02, 0.1, both["MAN"])}
    for key, level in (("MIN", (40, 35, 25, 12)), ("CON", (30, 25, 18, 7)),
                       ("TRD", (4, 4, 3, 1.5)), ("OTHER", (4, 3.5, 3, 1.2))):
        rates[key] = draw.descriptive(level, 0.3, -0.02, 0.1)
    emp = {k: np.round(v, 3) for k, v in social.employment.items()}
    counts = {k: np.round(rates[k] * emp[k] * 1000 / 1e5) for k in ("AGR", "MIN", "MAN", "CON",
                                                                  "TRD")}
    other = emp["TOTAL"] - sum(emp[k] for k in counts)
    counts["TOTAL"] = sum(counts.values()) + np.round(rates["OTHER"] * other * 1000 / 1e5)
    social.injury_rate, social.injuries = rates, counts


def _earnings(social: SocialWorld, draw: _Drawer, countries, cpi: np.ndarray, wide) -> None:
    """Monthly earnings (SEX_T) and the gender pay gap; men's and women's earnings follow from
    them and the activity's female share, so that SEX_T is their employment-weighted mean."""
    rng, n, t = draw.rng, draw.n, draw.t
    national = np.array([WAGE_USD_2010[c.income] * c.lcu_per_usd for c in countries]) / 12
    trend = np.exp(0.015 * (draw.years - CPI_BASE_YEAR))[None, :]
    total = (national[:, None] * rng.uniform(1.0, 1.6, n)[:, None] * trend * cpi / 100
             * np.exp(rng.normal(0.0, 0.03, (n, t))))
    social.earnings = {"TOTAL": total,
                       "AGR": wide["nominal_wage_latent"]["horticulture"] / 12,
                       "MAN": total * rng.uniform(0.9, 1.3, n)[:, None]
                       * np.exp(rng.normal(0.0, 0.02, (n, t)))}
    pub = social.published
    social.pay_gap = {
        "AGR": draw.modelled("gender_pay_gap", "agriculture", (25, 22, 20, 15), 0.25, -0.01,
                             0.08, pub["earnings", "AGR"]),
        "MAN": draw.modelled("gender_pay_gap", "manufacturing", (22, 20, 18, 14), 0.25, -0.01,
                             0.08, pub["earnings", "MAN"]),
        "TOTAL": draw.descriptive((20, 18, 17, 13), 0.2, -0.01, 0.05),
    }
    for key, gap in social.pay_gap.items():
        social.pay_gap[key] = _capped(gap, 60.0)


def _indstat_chains(draw: _Drawer, wide: dict, rng) -> dict:
    """Per INDSTAT chain: women's share (table 31 over table 04), the wage-bill share of value
    added, value added in national currency (table 20), and the status of both in the file."""
    levels = {"apparel": ((60, 65, 65, 55), (0.45, 0.45, 0.4, 0.35)),
              "mobile_phones": ((45, 50, 45, 35), (0.25, 0.25, 0.25, 0.3)),
              "automotive": ((15, 18, 20, 18), (0.3, 0.3, 0.3, 0.35))}
    n, t = draw.n, draw.t
    chains = {}
    for chain, (female_level, share_level) in levels.items():
        emp_status, wage_status = wide["employment_status"][chain], wide["wage_status"][chain]
        female_status = _status_within(emp_status == OBSERVED, 0.85, 0.05, rng, n, t)
        va_status = _status_within(wage_status == OBSERVED, 0.9, 0.04, rng, n, t)
        female = draw.chain_series("female_employment_share", [chain], female_level, 0.15,
                                   0.002, 0.05, {chain: female_status == OBSERVED})
        share = draw.chain_series("wage_bill_share_of_value_added", [chain], share_level, 0.2,
                                  -0.005, 0.05, {chain: va_status == OBSERVED})
        female, share = _capped(female, 90.0), _capped(share, 0.95)
        wage_bill = np.round(wide["nominal_wage_per_employee_lcu"][chain]
                             * wide["employment_persons"][chain])
        value_added = wage_bill / share
        chains[chain] = {"female_share": female, "female_status": female_status,
                         "wage_bill_share": share, "value_added_status": va_status,
                         "value_added_lcu": value_added,
                         "labour_productivity_lcu": value_added
                         / wide["employment_persons"][chain]}
    return chains


def _status_within(parent: np.ndarray, observed: float, missing: float, rng, n, t):
    """OBSERVED, REPORTED_MISSING or ABSENT for the cells of a published ``parent``."""
    draw = rng.random((n, t))
    return np.where(parent & (draw < observed), OBSERVED,
                    np.where(parent & (draw < observed + missing), REPORTED_MISSING, ABSENT))


def _rights(countries, years: np.ndarray, income: np.ndarray, rng) -> tuple[dict, dict]:
    """Union density, bargaining coverage and SDG 8.8.2: each country's level and its group's
    trend (RIGHTS_GROUPS, RIGHTS_TRENDS), with noise orthogonal, over the published years, to
    country dummies and one trend per group, so that the regression of the log value on them
    returns the trends of RIGHTS_TRENDS."""
    n, t = len(countries), len(years)
    step = (years - CPI_BASE_YEAR).astype(float)
    group = np.array([RIGHTS_GROUPS[g] for g in income])
    members = [group == name for name in dict.fromkeys(RIGHTS_GROUPS.values())]
    values, published = {}, {}
    for right, (by_income, spread, cap) in _RIGHTS_LEVELS.items():
        in_years = np.isin(years, RIGHTS_YEARS[right])
        has_data = rng.random(n) >= (0.15 if right != "bargaining_coverage" else 0.25)
        keep = 0.85 if right == "labour_rights_index" else 0.65
        observed = has_data[:, None] & in_years[None, :] & (rng.random((n, t)) < keep)
        level = (np.log([by_income[_INCOME.index(g)] for g in income])
                 + rng.normal(0.0, spread, n))
        slope = np.array([RIGHTS_TRENDS[right][g] for g in group])
        trends = [np.where(member[:, None], step[None, :], 0.0) for member in members]
        noise = _off_design(rng.normal(0.0, 0.04, (n, t)), observed, trends)
        values[right] = _capped(np.exp(level[:, None] + slope[:, None] * step[None, :] + noise),
                                cap)
        published[right] = observed
    return values, published


def _off_design(noise: np.ndarray, sample: np.ndarray, columns: list[np.ndarray]) -> np.ndarray:
    """``noise`` minus, on the ``sample`` cells, its least-squares fit on ``columns`` and
    country dummies (no year dummies: the rights' model has none)."""
    rows, cols = np.nonzero(sample)
    design = np.column_stack([*(c[rows, cols] for c in columns), np.eye(len(noise))[rows]])
    fit, *_ = np.linalg.lstsq(design.T @ design, design.T @ noise[rows, cols], rcond=None)
    result = noise.copy()
    result[rows, cols] -= design @ fit
    return result


def social_panel(social: SocialWorld, n: int, years: np.ndarray) -> pd.DataFrame:
    """The published decent-work values per country x value chain x year (NaN where the files
    have none), in the units of the registry's columns: women's share of employment (per cent:
    INDSTAT table 31 / 04 for the INDSTAT chains, section A of EMP_TEMP_SEX_ECO_NB_A for
    horticulture; ``section_female_employment_share``: that of the chain's ISIC section in
    EMP_TEMP_SEX_ECO_NB_A for every chain), value added and labour productivity (national
    currency), the wage-bill share (fraction), hours (and women's and men's), informality (agriculture for horticulture,
    non-agriculture for the manufacturing chains; per cent), the gender pay gap (per cent) and
    fatal injuries per 100,000 employed of the chain's section, and the country's rights."""
    t = len(years)
    frames = []
    for chain_id, chain in VALUE_CHAINS.items():
        activity = ACTIVITY_OF_SECTION[chain.section]
        sector = "AGR" if activity == "AGR" else "NAG"
        columns: dict[str, np.ndarray] = {}
        own = social.chains.get(chain_id)
        if own is None:
            columns["female_employment_share"] = _shown(
                social.female_share["AGR"], social.published["employment_by_sex", "AGR"].observed)
        else:
            columns["female_employment_share"] = _shown(own["female_share"],
                                                        own["female_status"] == OBSERVED)
        value_added = (own["value_added_status"] == OBSERVED) if own else np.zeros((n, t), bool)
        for column, key in (("value_added_lcu", "value_added_lcu"),
                            ("labour_productivity_lcu", "labour_productivity_lcu"),
                            ("wage_bill_share_of_value_added", "wage_bill_share")):
            columns[column] = _shown(own[key], value_added) if own else np.full((n, t), np.nan)
        for column, name, key in (("hours_per_week", "hours", activity),
                                  ("informality_rate", "informality", sector)):
            total = _shown(getattr(social, name)[key], social.published[name, key].observed)
            men, women = social.sex_factors[name, key]
            columns.update({column: total, f"{column}_female": total * women[:, None],
                            f"{column}_male": total * men[:, None]})
        columns["section_female_employment_share"] = _shown(
            social.female_share[activity], social.published["employment_by_sex", "AGR"].observed
            if activity == "AGR" else social.surveys["employment_by_sex"])
        columns["gender_pay_gap"] = _shown(social.pay_gap[activity],
                                           social.published["earnings", activity].observed)
        injuries = social.published["injuries", activity].observed & (
            social.published["employment_by_sex", "AGR"].observed if activity == "AGR"
            else social.surveys["employment_by_sex"])
        columns["fatal_injuries_per_100000"] = _shown(social.injury_rate[activity], injuries)
        for right, value in social.rights.items():
            columns[right] = _shown(value, social.rights_published[right])
        frames.append(pd.DataFrame({
            "country_index": np.repeat(np.arange(n), t), "value_chain": chain_id,
            "year": np.tile(years, n), **{k: v.ravel() for k, v in columns.items()}}))
    return pd.concat(frames, ignore_index=True)


def _shown(values: np.ndarray, published: np.ndarray) -> np.ndarray:
    return np.where(published, values, np.nan)
