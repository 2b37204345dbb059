"""The demo world's countries, value chains, products, true coefficients and the model behind them.

The package :mod:`gvc_upgrading.demo` writes a generated "demo world" in the exact file formats of
the real sources.

:func:`generate_demo_world` writes, under ``out_dir`` (``resources/raw/demo``), a CEPII BACI
HS92 release zip, a UNIDO INDSTAT2 file, nine ILOSTAT bulk CSVs, two pairs of World Bank WDI
bulk CSVs (data and country metadata) and the OECD TiVA levels and shares answers (model in
:mod:`gvc_upgrading.demo.tiva`), with every quirk of the real files (``k`` without its
leading zero, space-padded ``q`` with ``NA``, ``...`` for missing INDSTAT values, byte-order
marks, ISIC Rev.3 to Rev.4 code switches, survey sources that change, ``B`` and ``U`` flags,
aggregates in WDI and ILOSTAT, rows the pipeline must filter out).
The same seed gives byte-identical files. :func:`true_panel` returns the latent panel behind
the files, so that tests can check what the pipeline recovers.

The true model
--------------
Countries are the first ``n_countries`` rows of :data:`COUNTRIES`; value chains are
:data:`VALUE_CHAINS`. For chain g, exporting country c and year t (t = 1995..2022):

* log export value ``x_cgt = level_cg + random walk`` (drift 0.03, sd 0.15 per year);
* log relative price ``p_cgt = random walk`` (sd 0.10 per year), centred every year on the
  unweighted mean over the chain's exporters.

The chain's exports ``exp(x_cgt)`` (thousand USD) are split over HS6 product x importer lines
with stable country-specific Dirichlet weights and small yearly noise. Each product k has a
world base price ``w_kt`` (thousand USD per tonne, mild common trend); line prices are
``w_kt * exp(p_cgt + e)`` with line noise ``e`` (sd 0.03), and quantity = value / price.
Values and quantities are rounded to 3 decimals as written, and the market share
``s_cgt = V_cgt / sum_c V_cgt`` is computed from the written (rounded) values.

Labour (persons; real wage per employee per year in national currency at 2010 prices):

    log E_cgt = a_cg + d_gt + bE_share[g] * log(s_cgt) + bE_ruv[g] * p_cgt + u_cgt
    log W_cgt = w_cg + f_gt + bW_share[g] * log(s_cgt) + bW_ruv[g] * p_cgt + v_cgt

with country-chain levels ``a_cg``, ``w_cg``, chain-year effects ``d_gt``, ``f_gt`` (a linear
trend plus N(0, 0.03) shocks) and idiosyncratic noise ``u``, ``v``: N(0, 0.08) draws from which,
within each chain's estimation sample (the country-years that export the chain and publish
the outcome), the least-squares fit on ``log(s)``, ``p`` and country and year dummies is
removed (see "Why the true coefficients lie inside the estimated intervals" below). The
coefficients are :data:`TRUE_COEFFICIENTS`; employment is written in whole persons. (In years
in which a country does not export the chain, labour follows the same equation without the two
trade terms; those rows have no market share and never enter a regression.) The CPI
(2010 = 100) follows country-specific inflation; the nominal wage per employee is
``W * CPI_t / 100``, so that deflating the nominal wage by the published CPI returns ``W``
exactly. INDSTAT carries employees and the annual wage bill
``W * CPI_t / 100 * E``; ILOSTAT carries employment in thousands and mean monthly earnings
``W * CPI_t / 100 / 12``.

Why a regression of the pipeline's indicators recovers the coefficients
-----------------------------------------------------------------------
The pipeline measures ``relative_unit_value`` as the value-weighted mean over HS6 products of
the country's unit value over the world unit value of that product. With line prices
``w_kt * exp(p_cgt + e)``, the world unit value of product k is ``w_kt * H_kt``, where ``H_kt``
is a value-weighted harmonic mean of ``exp(p)`` over exporters, so the measured relative unit
value is ``exp(p_cgt) / H_gt`` up to (i) product-mix differences in ``H_kt`` (small, mostly
constant within a country and so absorbed by the country effect), (ii) the line noise ``e``
averaged over lines (sd about 0.01), and (iii) rounding. ``log H_gt`` is a chain-year effect
absorbed by year fixed effects, as is the log of world exports in ``log(s)``. A regression per
chain of log employment (or log real wage) on log market share and log relative unit value
with country and year fixed effects therefore recovers :data:`TRUE_COEFFICIENTS`.

Why the true coefficients lie inside the estimated intervals
------------------------------------------------------------
With plain N(0, 0.08) noise the estimates scatter around the true coefficients by their
standard errors, so each 95% interval misses its coefficient in 5% of seeds and all 16
intervals hold their coefficient in only about 0.95^16 = 44% of seeds (measured: 43% of 300
seeds with the latent regressors, 30% of 76 seeds through the whole pipeline). At the default
seed the real-wage elasticity to market share in mobile phones came out 0.322 (standard error
0.008) against 0.3 -- 2.8 standard errors off, by chance: the latent regressors gave 0.323,
the pipeline's market shares and real wages equal the latent ones to 1e-5, and the measured
relative unit value moved the estimate by 0.001.

So the noise is made orthogonal, within each estimation sample, to the regressors and the
fixed effects: its least-squares projection ``P u`` on them, which is exactly the part that
moves the slope estimates, is removed. The regression residuals ``M u`` -- and with them the
standard errors -- are what they would have been with the raw draws, but a regression on the
latent panel returns :data:`TRUE_COEFFICIENTS` exactly (up to the rounding of employment to
whole persons, about 1e-6). The pipeline's estimates then differ from the truth only by what
its measurement adds: relative unit values measured from noisy, rounded HS6 lines with some
quantities missing (terms (i)-(iii) above; the product mix matters most in automotive) and
the odd country-year it cannot measure. Over 100 seeds of the whole pipeline (BACI zip to
estimates), the largest of the 16 gaps was 1.47 standard errors (0.019; 99% of gaps below
0.68 standard errors) and every true coefficient lay inside its 95% interval in every seed. A
pipeline error that moves an estimate by more than about two standard errors (0.02-0.04)
therefore puts a true coefficient outside its interval.

:data:`COEFFICIENT_TOLERANCE` (absolute) is the coarser allowed gap for checks without
standard errors. Per chain there are about 640-940 observations (30-45 exporters with labour
data over 28 years, about 10% of years missing). With the plain noise, over 80 seeds, the
standard deviation of the estimates was 0.008-0.012 for the market-share coefficients and
0.012-0.017 for the relative-price coefficients, both with the latent regressors and with
regressors measured from the written BACI zip (terms (i)-(iii) shift the mean estimates by
less than 0.01). The tolerance of 0.075 is about 4.5 of those standard deviations (the
largest of the 16 errors was 0.056 over those 80 seeds; with the orthogonal noise it is 0.019
over 100 seeds), while a pipeline error (a wrong deflator, unit, join or sign) moves estimates
by more.

Decent work
-----------
Each outcome y of :data:`DECENT_WORK_COEFFICIENTS` follows, like employment and wages,

    log y_ct = level_c + year_t + b_ms * log(s_gct) + b_ruv * p_gct + e_ct

(regressors demeaned per country), with e drawn N(0, sd) and made orthogonal to the regressors
and the country and year dummies of the estimation sample: the country-years that export the
chain and whose file publishes the value. The regression of the log outcome on log market share
and log relative unit value with country and year effects, per chain, so returns the stated
coefficients on the latent values. Noise sd: hours 0.02, informality 0.04, women's share and
wage-bill share 0.05, pay gap 0.08, injury rates 0.1.

* Chain level: women's share of employment of the INDSTAT chains (table 31 female employees
  over table 04 employees, per cent; it takes precedence over ILOSTAT's section, whose
  manufacturing share has zero coefficients: :data:`SECTION_FEMALE_SHARE`) and the wage-bill
  share of value added (fraction; value added, table 20, is the wage bill over it, written in
  US dollars at the year's exchange rate, so that labour productivity, value added per
  employee, follows and is descriptive).
* Section level (the ILOSTAT files give ISIC sections, not divisions): horticulture is the only
  chain of agriculture (section A), so the section's values respond to horticulture: women's
  share (EMP_TEMP_SEX_ECO_NB_A), hours, informality (``ECO_AGNAG_AGR``), the pay gap and injury
  rates. Apparel, mobile phones and automotive share manufacturing (D in Rev.3, C in Rev.4),
  whose value is one per country and year: no single chain can move it in a way its own
  regression identifies, so their coefficients are zero, and the noise is made orthogonal to
  the three chains' samples at once (hours, injuries, pay gap and women's share of
  manufacturing; informality of non-agriculture ``ECO_AGNAG_NAG`` and of ``ECO_AGGREGATE_MAN``). A
  non-zero coefficient of a shared section is refused when drawing.
* Sexes: hours and informality of women and men are constant multiples of the total per
  country and activity (women's = r x men's, total = their mean weighted by the activity's
  average female share), so they have the coefficients of the total. Earnings: the total is
  the model's (horticulture: nominal wage / 12); men's = total / (1 - f G / 10^4) and women's =
  men's x (1 - G / 100), with f the activity's female share and G the pay gap (per cent).
* Injuries: counts = rate x employment as written (EMP_TEMP_SEX_ECO_NB_A, thousands), rounded
  to whole cases; the sample needs both files.
* Rights (country level, no chain): log R_ct = level_c + g * (t - 2010) + e_ct, with g of
  :data:`RIGHTS_TRENDS` by income group (:data:`RIGHTS_GROUPS`) and e orthogonal, over the
  published years, to country dummies and the groups' trends, so that this regression returns
  g: union density, bargaining coverage (2000-2021) and SDG 8.8.2 (2015-2017, 2020, 2021).
* Caps: a rate is scaled by a constant per country where it would exceed 99 (women's share 90,
  SDG 8.8.2 9.5); the country effect absorbs it.

Measurement between latent values and files: rounding (hours and rights 2 decimals,
informality and employment 3, earnings 3, INDSTAT whole units), thousands, counts, sections
for chains, Rev.3 and Rev.4 section letters (mining is C in Rev.3, manufacturing C in Rev.4),
and the other activities and broad groups, written as descriptive values (level, year effect
and plain noise; additive in employment). Per file, 8-30% of the countries are absent, some
start late, some years are missing or published empty with ``U``; the ILOSTAT series show one
source and one ISIC revision per country-year, as the real files do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .social import SocialWorld

# Column meanings are in the module docstring; outcome -> regressor -> true coefficient.
TRUE_COEFFICIENTS: dict[str, dict[str, dict[str, float]]] = {
    "apparel": {
        "employment_persons": {"market_share": 0.8, "relative_unit_value": -0.3},
        "real_wage_per_employee_lcu": {"market_share": 0.1, "relative_unit_value": 0.5},
    },
    "mobile_phones": {
        "employment_persons": {"market_share": 0.6, "relative_unit_value": 0.0},
        "real_wage_per_employee_lcu": {"market_share": 0.3, "relative_unit_value": 0.2},
    },
    "horticulture": {
        "employment_persons": {"market_share": 0.5, "relative_unit_value": -0.2},
        "real_wage_per_employee_lcu": {"market_share": 0.0, "relative_unit_value": 0.15},
    },
    "automotive": {
        "employment_persons": {"market_share": 0.4, "relative_unit_value": 0.2},
        "real_wage_per_employee_lcu": {"market_share": 0.2, "relative_unit_value": 0.6},
    },
}
COEFFICIENT_TOLERANCE = 0.075

# The decent-work outcomes (columns of config/dimensions.yaml): value chain -> outcome ->
# regressor -> true coefficient of the log outcome on log market share and log relative unit
# value. Chain-level outcomes (INDSTAT female share and wage-bill share; horticulture is the
# only chain of its ISIC section, so its section values are its own) respond to the chain; the
# section-level outcomes of the three manufacturing chains are one series per country that no
# single chain moves: their coefficients are zero (module docstring, "Decent work").
_ZERO = {"market_share": 0.0, "relative_unit_value": 0.0}
_MANUFACTURING_SECTION = {"hours_per_week": _ZERO, "informality_rate": _ZERO,
                          "gender_pay_gap": _ZERO, "fatal_injuries_per_100000": _ZERO}
DECENT_WORK_COEFFICIENTS: dict[str, dict[str, dict[str, float]]] = {
    "apparel": {
        "female_employment_share": {"market_share": 0.08, "relative_unit_value": -0.12},
        "wage_bill_share_of_value_added": {"market_share": -0.05, "relative_unit_value": -0.2},
        **_MANUFACTURING_SECTION,
    },
    "mobile_phones": {
        "female_employment_share": {"market_share": 0.05, "relative_unit_value": 0.0},
        "wage_bill_share_of_value_added": {"market_share": 0.0, "relative_unit_value": -0.1},
        **_MANUFACTURING_SECTION,
    },
    "horticulture": {
        "female_employment_share": {"market_share": 0.15, "relative_unit_value": -0.1},
        "hours_per_week": {"market_share": 0.03, "relative_unit_value": -0.04},
        "informality_rate": {"market_share": -0.06, "relative_unit_value": -0.1},
        "gender_pay_gap": {"market_share": 0.1, "relative_unit_value": -0.25},
        "fatal_injuries_per_100000": {"market_share": 0.12, "relative_unit_value": -0.2},
    },
    "automotive": {
        "female_employment_share": {"market_share": 0.0, "relative_unit_value": 0.08},
        "wage_bill_share_of_value_added": {"market_share": -0.08, "relative_unit_value": 0.05},
        **_MANUFACTURING_SECTION,
    },
}
# Women's share of a whole ISIC section's employment (EMP_TEMP_SEX_ECO_NB_A): section ->
# chain -> coefficients. For horticulture it is the chain's own (above); manufacturing is
# shared, so its share does not respond to apparel, mobile phones or automotive. A pipeline
# that takes an INDSTAT chain's share from ILOSTAT's section instead of table 31 finds these.
SECTION_FEMALE_SHARE: dict[str, dict[str, dict[str, float]]] = {
    "manufacturing": {"apparel": _ZERO, "mobile_phones": _ZERO, "automotive": _ZERO},
}
# Country-level rights: yearly change of the log value by group of World Bank income groups
# (RIGHTS_GROUPS; each country has its own level; no value chain enters). labour_rights_index
# is SDG 8.8.2 (0 best, 10 worst).
RIGHTS_GROUPS = {"Low income": "Low and lower middle income",
                 "Lower middle income": "Low and lower middle income",
                 "Upper middle income": "Upper middle income", "High income": "High income"}
RIGHTS_TRENDS: dict[str, dict[str, float]] = {
    "union_density": {"Low and lower middle income": 0.005, "Upper middle income": -0.015,
                      "High income": -0.02},
    "bargaining_coverage": {"Low and lower middle income": 0.005, "Upper middle income": -0.01,
                            "High income": -0.008},
    "labour_rights_index": {"Low and lower middle income": 0.03, "Upper middle income": 0.015,
                            "High income": 0.0},
}

CPI_BASE_YEAR = 2010
WDI_YEARS = (1960, 2023)  # columns of the WDI bulk files
MACRO_YEARS = (1990, 2023)  # years with CPI and exchange-rate values
BACI_LINE_END = "\r\n"  # the BACI CSVs use Windows line ends
ZIP_DATE = (2024, 1, 1, 0, 0, 0)  # fixed member timestamp: same seed, same bytes
LAST_UPDATED = {"indstat": "2023-06-30", "wdi": "2024-06-28"}

ABSENT, REPORTED_MISSING, OBSERVED = 0, 1, 2  # status of a labour value in the raw files


@dataclass(frozen=True)
class Country:
    """One demo country with its codes in each source and rough macro levels."""

    iso3: str
    name: str  # World Bank name
    baci_code: int  # CEPII BACI code (not always the ISO numeric code)
    baci_name: str
    m49: int  # UN M49 code, used by UNIDO
    iso2: str
    region: str  # World Bank region
    income: str  # World Bank income group
    lcu_per_usd: float  # exchange rate around 2010
    inflation_pct: float  # typical CPI inflation per year


_REGIONS = {
    "SAS": "South Asia", "EAP": "East Asia & Pacific", "LAC": "Latin America & Caribbean",
    "ECA": "Europe & Central Asia", "MNA": "Middle East & North Africa",
    "SSA": "Sub-Saharan Africa", "NAC": "North America",
}
_INCOMES = {"L": "Low income", "LM": "Lower middle income", "UM": "Upper middle income",
            "H": "High income"}
_COUNTRY_ROWS = (
    ("BGD", "Bangladesh", 50, "Bangladesh", 50, "BD", "SAS", "LM", 69.6, 6.5),
    ("KHM", "Cambodia", 116, "Cambodia", 116, "KH", "EAP", "LM", 4185.0, 4.0),
    ("VNM", "Viet Nam", 704, "Viet Nam", 704, "VN", "EAP", "LM", 18613.0, 7.0),
    ("LKA", "Sri Lanka", 144, "Sri Lanka", 144, "LK", "SAS", "LM", 113.1, 8.0),
    ("IND", "India", 699, "India", 356, "IN", "SAS", "LM", 45.7, 6.5),
    ("PAK", "Pakistan", 586, "Pakistan", 586, "PK", "SAS", "LM", 85.2, 8.5),
    ("IDN", "Indonesia", 360, "Indonesia", 360, "ID", "EAP", "UM", 9090.0, 7.0),
    ("MEX", "Mexico", 484, "Mexico", 484, "MX", "LAC", "UM", 12.6, 5.5),
    ("HND", "Honduras", 340, "Honduras", 340, "HN", "LAC", "LM", 18.9, 7.0),
    ("GTM", "Guatemala", 320, "Guatemala", 320, "GT", "LAC", "UM", 8.06, 5.5),
    ("SLV", "El Salvador", 222, "El Salvador", 222, "SV", "LAC", "UM", 1.0, 2.5),
    ("TUR", "Turkiye", 792, "Turkey", 792, "TR", "ECA", "UM", 1.5, 18.0),
    ("ETH", "Ethiopia", 231, "Ethiopia", 231, "ET", "SSA", "L", 14.4, 12.0),
    ("CHN", "China", 156, "China", 156, "CN", "EAP", "UM", 6.77, 2.5),
    ("USA", "United States", 842, "USA, Puerto Rico and US Virgin Islands", 840, "US", "NAC", "H",
     1.0, 2.4),
    ("FRA", "France", 251, "France, Monaco", 250, "FR", "ECA", "H", 0.755, 1.5),
    ("DEU", "Germany", 276, "Germany", 276, "DE", "ECA", "H", 0.755, 1.6),
    ("ITA", "Italy", 380, "Italy", 380, "IT", "ECA", "H", 0.755, 2.0),
    ("JPN", "Japan", 392, "Japan", 392, "JP", "EAP", "H", 87.8, 0.2),
    ("KOR", "Korea, Rep.", 410, "Republic of Korea", 410, "KR", "EAP", "H", 1156.0, 2.5),
    ("ZAF", "South Africa", 710, "South Africa", 710, "ZA", "SSA", "UM", 7.32, 5.5),
    ("BRA", "Brazil", 76, "Brazil", 76, "BR", "LAC", "UM", 1.76, 6.0),
    ("KEN", "Kenya", 404, "Kenya", 404, "KE", "SSA", "LM", 79.2, 8.0),
    ("MAR", "Morocco", 504, "Morocco", 504, "MA", "MNA", "LM", 8.42, 1.8),
    ("TUN", "Tunisia", 788, "Tunisia", 788, "TN", "MNA", "LM", 1.43, 4.0),
    ("EGY", "Egypt, Arab Rep.", 818, "Egypt", 818, "EG", "MNA", "LM", 5.62, 9.0),
    ("THA", "Thailand", 764, "Thailand", 764, "TH", "EAP", "UM", 31.7, 2.5),
    ("MYS", "Malaysia", 458, "Malaysia", 458, "MY", "EAP", "UM", 3.22, 2.3),
    ("PHL", "Philippines", 608, "Philippines", 608, "PH", "EAP", "LM", 45.1, 4.0),
    ("CHL", "Chile", 152, "Chile", 152, "CL", "LAC", "H", 510.2, 3.5),
    ("PER", "Peru", 604, "Peru", 604, "PE", "LAC", "UM", 2.83, 3.0),
    ("COL", "Colombia", 170, "Colombia", 170, "CO", "LAC", "UM", 1898.6, 5.5),
    ("ECU", "Ecuador", 218, "Ecuador", 218, "EC", "LAC", "UM", 1.0, 3.0),
    ("CRI", "Costa Rica", 188, "Costa Rica", 188, "CR", "LAC", "UM", 525.8, 7.0),
    ("POL", "Poland", 616, "Poland", 616, "PL", "ECA", "H", 3.02, 3.5),
    ("CZE", "Czechia", 203, "Czechia", 203, "CZ", "ECA", "H", 19.1, 2.5),
    ("HUN", "Hungary", 348, "Hungary", 348, "HU", "ECA", "H", 207.9, 5.0),
    ("ROU", "Romania", 642, "Romania", 642, "RO", "ECA", "H", 3.18, 8.0),
    ("ESP", "Spain", 724, "Spain", 724, "ES", "ECA", "H", 0.755, 2.2),
    ("PRT", "Portugal", 620, "Portugal", 620, "PT", "ECA", "H", 0.755, 2.0),
    ("GBR", "United Kingdom", 826, "United Kingdom", 826, "GB", "ECA", "H", 0.647, 2.2),
    ("CAN", "Canada", 124, "Canada", 124, "CA", "NAC", "H", 1.03, 2.0),
    ("AUS", "Australia", 36, "Australia", 36, "AU", "EAP", "H", 1.09, 2.7),
    ("NZL", "New Zealand", 554, "New Zealand", 554, "NZ", "EAP", "H", 1.39, 2.3),
    ("CHE", "Switzerland", 757, "Switzerland, Liechtenstein", 756, "CH", "ECA", "H", 1.04, 0.6),
    ("NOR", "Norway", 579, "Norway, Svalbard and Jan Mayen", 578, "NO", "ECA", "H", 6.04, 2.2),
    ("NLD", "Netherlands", 528, "Netherlands", 528, "NL", "ECA", "H", 0.755, 2.0),
    ("MDG", "Madagascar", 450, "Madagascar", 450, "MG", "SSA", "L", 2090.0, 8.0),
    ("JOR", "Jordan", 400, "Jordan", 400, "JO", "MNA", "UM", 0.709, 3.5),
    ("NIC", "Nicaragua", 558, "Nicaragua", 558, "NI", "LAC", "LM", 21.4, 7.0),
    ("BEL", "Belgium", 56, "Belgium", 56, "BE", "ECA", "H", 0.755, 2.0),
    ("SWE", "Sweden", 752, "Sweden", 752, "SE", "ECA", "H", 7.21, 1.3),
    ("AUT", "Austria", 40, "Austria", 40, "AT", "ECA", "H", 0.755, 1.9),
    ("DNK", "Denmark", 208, "Denmark", 208, "DK", "ECA", "H", 5.62, 1.9),
    ("FIN", "Finland", 246, "Finland", 246, "FI", "ECA", "H", 0.755, 1.7),
    ("IRL", "Ireland", 372, "Ireland", 372, "IE", "ECA", "H", 0.755, 2.0),
    ("NGA", "Nigeria", 566, "Nigeria", 566, "NG", "SSA", "LM", 150.3, 12.0),
    ("GHA", "Ghana", 288, "Ghana", 288, "GH", "SSA", "LM", 1.43, 14.0),
    ("DOM", "Dominican Republic", 214, "Dominican Republic", 214, "DO", "LAC", "UM", 36.8, 6.0),
    ("URY", "Uruguay", 858, "Uruguay", 858, "UY", "LAC", "H", 20.1, 7.5),
    ("SVK", "Slovak Republic", 703, "Slovakia", 703, "SK", "ECA", "H", 0.755, 3.5),
)
COUNTRIES: tuple[Country, ...] = tuple(
    Country(iso3, name, baci, baci_name, m49, iso2, _REGIONS[region], _INCOMES[income], fx, infl)
    for iso3, name, baci, baci_name, m49, iso2, region, income, fx, infl in _COUNTRY_ROWS
)
EURO_AREA = frozenset({"FRA", "DEU", "ITA", "ESP", "PRT", "NLD", "BEL", "AUT", "FIN", "IRL", "SVK"})
# WDI aggregates written into the bulk files (the pipeline must drop them): code -> name, notes.
WDI_AGGREGATES = {
    "WLD": ("World", "World aggregate."),
    "HIC": ("High income", "High income group aggregate."),
    "SSF": ("Sub-Saharan Africa", "Sub-Saharan Africa regional aggregate."),
    "EMU": ("Euro area", "Euro area aggregate."),
}
# Annual wage per manufacturing employee around 2010, USD, by income group.
WAGE_USD_2010 = {"Low income": 1000.0, "Lower middle income": 2500.0,
                  "Upper middle income": 7000.0, "High income": 40000.0}


@dataclass(frozen=True)
class ValueChain:
    """Generation parameters of one value chain (levels are medians across countries)."""

    products: tuple[str, ...]  # HS92 six-digit codes
    price_range: tuple[float, float]  # world base price, thousand USD per tonne
    export_probability: float  # share of countries that export the chain
    export_level: float  # chain exports, thousand USD
    employment_level: float  # persons
    wage_factor: float  # wage relative to the national manufacturing wage
    employment_trend: float  # per year
    wage_trend: float  # per year
    labour_source: str  # "indstat" or "ilostat"
    isic3: str  # ISIC Rev.3 division
    isic4: str  # ISIC Rev.4 division
    section: str  # key of SECTIONS: the ISIC section that holds the chain


VALUE_CHAINS: dict[str, ValueChain] = {
    "apparel": ValueChain(
        ("610510", "610910", "611020", "611030", "611120", "611592", "620342", "620462",
         "620520", "620630", "621210"),
        (8.0, 30.0), 0.85, 3e5, 8e4, 0.6, -0.01, 0.02, "indstat", "18", "14", "manufacturing"),
    "mobile_phones": ValueChain(
        ("852520",), (100.0, 400.0), 0.65, 2e5, 2e4, 1.0, 0.03, 0.02, "indstat", "32", "26",
        "manufacturing"),
    "horticulture": ValueChain(
        ("070200", "070310", "070820", "080300", "080510", "080610", "080810", "060310"),
        (0.4, 3.0), 0.9, 2e5, 5e5, 0.4, -0.015, 0.015, "ilostat", "01", "01", "agriculture"),
    "automotive": ValueChain(
        ("870321", "870322", "870323", "870332", "870829", "870840", "870899"),
        (8.0, 25.0), 0.7, 1e6, 5e4, 1.3, 0.0, 0.015, "indstat", "34", "29", "manufacturing"),
}
# ISIC sections in the ILOSTAT files, by the demo's activity keys: revision -> section letter.
# Mining is C in Rev.3 and B in Rev.4; manufacturing D in Rev.3 and C in Rev.4.
SECTIONS = {"agriculture": {"3": "A", "4": "A"}, "mining": {"3": "C", "4": "B"},
            "manufacturing": {"3": "D", "4": "C"}, "construction": {"3": "F", "4": "F"},
            "trade": {"3": "G", "4": "G"}}
# Products outside every value chain (noise the pipeline must filter out): code -> price.
OTHER_PRODUCTS = {"100190": 0.25, "270900": 0.5, "300490": 60.0, "847330": 90.0, "720839": 0.6}
PRODUCT_DESCRIPTIONS = {
    "610510": "Men's or boys' shirts of cotton, knitted",
    "610910": "T-shirts, singlets and vests of cotton, knitted",
    "611020": "Jerseys, pullovers and cardigans of cotton, knitted",
    "611030": "Jerseys, pullovers and cardigans of man-made fibres, knitted",
    "611120": "Babies' garments of cotton, knitted",
    "611592": "Hosiery of cotton, knitted",
    "620342": "Men's or boys' trousers and shorts of cotton",
    "620462": "Women's or girls' trousers and shorts of cotton",
    "620520": "Men's or boys' shirts of cotton",
    "620630": "Women's or girls' blouses and shirts of cotton",
    "621210": "Brassieres",
    "852520": "Transmission apparatus with reception apparatus (incl. cellular phones)",
    "070200": "Tomatoes, fresh or chilled",
    "070310": "Onions and shallots, fresh or chilled",
    "070820": "Beans, shelled or unshelled, fresh or chilled",
    "080300": "Bananas, including plantains, fresh or dried",
    "080510": "Oranges, fresh or dried",
    "080610": "Grapes, fresh",
    "080810": "Apples, fresh",
    "060310": "Cut flowers and flower buds, fresh",
    "870321": "Passenger cars, spark-ignition, not over 1000 cc",
    "870322": "Passenger cars, spark-ignition, 1000-1500 cc",
    "870323": "Passenger cars, spark-ignition, 1500-3000 cc",
    "870332": "Passenger cars, diesel, 1500-2500 cc",
    "870829": "Parts and accessories of motor vehicle bodies",
    "870840": "Gear boxes for motor vehicles",
    "870899": "Parts and accessories of motor vehicles, n.e.s.",
    "100190": "Wheat and meslin, other than durum wheat",
    "270900": "Crude petroleum oils",
    "300490": "Medicaments, packaged for retail sale, n.e.s.",
    "847330": "Parts and accessories of computers",
    "720839": "Flat-rolled iron or steel, hot-rolled, in coils, under 3 mm",
}
FILES = {
    "baci": ["baci/BACI_HS92_V{version}.zip"],
    "indstat": ["indstat/INDSTAT2_demo_ISIC3.csv"],
    "ilostat": ["ilostat/EMP_TEMP_AGE_EC2_NB_A.csv.gz", "ilostat/EAR_4MTH_SEX_ECO_CUR_NB_A.csv.gz",
                "ilostat/HOW_TEMP_SEX_ECO_NB_A.csv.gz", "ilostat/SDG_0831_SEX_ECO_RT_A.csv.gz",
                "ilostat/INJ_FATL_ECO_NB_A.csv.gz", "ilostat/EMP_TEMP_SEX_ECO_NB_A.csv.gz",
                "ilostat/ILR_TUMT_NOC_RT_A.csv.gz", "ilostat/ILR_CBCT_NOC_RT_A.csv.gz",
                "ilostat/SDG_0882_NOC_RT_A.csv.gz"],
    "wdi": ["wdi/API_FP.CPI.TOTL_DS2_en_csv_v2_demo.csv",
            "wdi/Metadata_Country_API_FP.CPI.TOTL_DS2_en_csv_v2_demo.csv",
            "wdi/API_PA.NUS.FCRF_DS2_en_csv_v2_demo.csv",
            "wdi/Metadata_Country_API_PA.NUS.FCRF_DS2_en_csv_v2_demo.csv"],
    "oecd": ["oecd/TIVA_MAINLV_demo.csv", "oecd/TIVA_MAINSH_demo.csv"],
}
# Independent random streams, so that the draws of one part never shift another (a stream
# added at the end leaves the earlier ones, and so their files, unchanged).
STREAMS = ("macro", "trade", "labour", "baci", "indstat", "ilostat", "social", "rights",
           "ilostat_work", "ilostat_rights", "tiva")


@dataclass
class DemoWorld:
    """Everything the writers need: countries, macro series, flows, labour and the panel."""

    countries: tuple[Country, ...]
    years: np.ndarray  # panel years
    macro_years: np.ndarray
    cpi: np.ndarray  # (country, macro year), 2010 = 100, NaN where unpublished
    fx: np.ndarray  # (country, macro year), LCU per USD
    flows: pd.DataFrame  # t, i, j, k (int), v (thousand USD), q (tonnes), rounded as written
    labour: pd.DataFrame  # long labour table with raw-file status codes
    panel: pd.DataFrame  # the latent panel (see true_panel)
    streams: dict[str, np.random.Generator]
    social: SocialWorld  # the decent-work series (gvc_upgrading.demo.social)
