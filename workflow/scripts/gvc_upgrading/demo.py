"""A generated "demo world" written in the exact file formats of the real sources.

:func:`generate_demo_world` writes, under ``out_dir`` (``resources/raw/demo``), a CEPII BACI
HS92 release zip, a UNIDO INDSTAT2 file, two ILOSTAT bulk CSVs and two pairs of World Bank WDI
bulk CSVs (data and country metadata), with every quirk of the real files (``k`` without its
leading zero, space-padded ``q`` with ``NA``, ``...`` for missing INDSTAT values, byte-order
marks, ISIC Rev.3 to Rev.4 code switches, aggregates in WDI, rows the pipeline must filter out).
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
"""

from __future__ import annotations

import gzip
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .io import atomic_path

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
_WAGE_USD_2010 = {"Low income": 1000.0, "Lower middle income": 2500.0,
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


VALUE_CHAINS: dict[str, ValueChain] = {
    "apparel": ValueChain(
        ("610510", "610910", "611020", "611030", "611120", "611592", "620342", "620462",
         "620520", "620630", "621210"),
        (8.0, 30.0), 0.85, 3e5, 8e4, 0.6, -0.01, 0.02, "indstat", "18"),
    "mobile_phones": ValueChain(
        ("852520",), (100.0, 400.0), 0.65, 2e5, 2e4, 1.0, 0.03, 0.02, "indstat", "32"),
    "horticulture": ValueChain(
        ("070200", "070310", "070820", "080300", "080510", "080610", "080810", "060310"),
        (0.4, 3.0), 0.9, 2e5, 5e5, 0.4, -0.015, 0.015, "ilostat", "01"),
    "automotive": ValueChain(
        ("870321", "870322", "870323", "870332", "870829", "870840", "870899"),
        (8.0, 25.0), 0.7, 1e6, 5e4, 1.3, 0.0, 0.015, "indstat", "34"),
}
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
    "ilostat": ["ilostat/EMP_TEMP_AGE_EC2_NB_A.csv.gz", "ilostat/EAR_4MTH_SEX_ECO_CUR_NB_A.csv.gz"],
    "wdi": ["wdi/API_FP.CPI.TOTL_DS2_en_csv_v2_demo.csv",
            "wdi/Metadata_Country_API_FP.CPI.TOTL_DS2_en_csv_v2_demo.csv",
            "wdi/API_PA.NUS.FCRF_DS2_en_csv_v2_demo.csv",
            "wdi/Metadata_Country_API_PA.NUS.FCRF_DS2_en_csv_v2_demo.csv"],
}
# Independent random streams, so that the draws of one part never shift another.
_STREAMS = ("macro", "trade", "labour", "baci", "indstat", "ilostat")


@dataclass
class _DemoWorld:
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


def generate_demo_world(out_dir: str | Path, *, seed: int, n_countries: int = 50,
                        years: tuple[int, int] = (1995, 2022),
                        baci_version: str = "202401") -> dict[str, list[Path]]:
    """Write the demo raw files under ``out_dir``; return ``{source: [paths]}``.

    Sources and files are those of :data:`FILES` (``baci``, ``indstat``, ``ilostat``, ``wdi``);
    each file is written atomically and the same arguments give byte-identical files.
    """
    out = Path(out_dir)
    world = _simulate(seed, n_countries, years)
    paths = {src: [out / name.format(version=baci_version) for name in names]
             for src, names in FILES.items()}
    _write_baci(world, paths["baci"][0], baci_version, seed)
    _write_indstat(world, paths["indstat"][0])
    ilostat_meta = _ilostat_countries(world)
    _write_ilostat_employment(world, ilostat_meta, paths["ilostat"][0])
    _write_ilostat_earnings(world, ilostat_meta, paths["ilostat"][1])
    _write_wdi(world, *paths["wdi"][:2], "FP.CPI.TOTL", "Consumer price index (2010 = 100)",
               world.cpi)
    _write_wdi(world, *paths["wdi"][2:], "PA.NUS.FCRF",
               "Official exchange rate (LCU per US$, period average)", world.fx)
    return paths


def true_panel(seed: int, n_countries: int = 50,
               years: tuple[int, int] = (1995, 2022)) -> pd.DataFrame:
    """The latent panel behind :func:`generate_demo_world` with the same arguments.

    One row per country x value_chain x year where the country exports the chain or has
    labour data: ``country`` (ISO3), ``value_chain``, ``year``, ``exporting`` (bool),
    ``export_value_usd`` (current USD, as written), ``market_share`` (0-1, from the written
    values), ``log_relative_price`` (``p_cgt``), ``relative_price`` (``exp(p_cgt)``),
    ``employment_persons``, ``real_wage_per_employee_lcu`` (``W``, 2010 prices),
    ``nominal_wage_per_employee_lcu`` and ``labour_source``. Labour columns are NaN where the
    raw files have no value; trade columns are NaN where the country does not export.
    """
    return _simulate(seed, n_countries, years).panel


# --------------------------------------------------------------------------- simulation


def _simulate(seed: int, n_countries: int, years: tuple[int, int]) -> _DemoWorld:
    """Draw the whole demo world from ``seed``."""
    if not 3 <= n_countries <= len(COUNTRIES):
        raise ValueError(f"n_countries must be between 3 and {len(COUNTRIES)}, got {n_countries}")
    if years[0] > years[1] or years[0] < 1960 or years[1] > WDI_YEARS[1]:
        raise ValueError(f"years must be an increasing pair within 1960-{WDI_YEARS[1]}, "
                         f"got {years}")
    countries = COUNTRIES[:n_countries]
    year_arr = np.arange(years[0], years[1] + 1)
    streams = dict(zip(_STREAMS, np.random.default_rng(seed).spawn(len(_STREAMS))))
    macro_years = np.arange(min(MACRO_YEARS[0], years[0]), max(MACRO_YEARS[1], years[1]) + 1)
    cpi, fx = _simulate_macro(countries, macro_years, year_arr[0], streams["macro"])
    flows, latent = _simulate_trade(countries, year_arr, streams["trade"])
    in_panel = np.searchsorted(macro_years, year_arr)
    labour = _simulate_labour(countries, year_arr, latent, cpi[:, in_panel], fx[:, in_panel],
                              streams["labour"])
    panel = _panel(countries, year_arr, latent, labour)
    return _DemoWorld(countries, year_arr, macro_years, cpi, fx, flows, labour, panel, streams)


def _sig15(values: np.ndarray) -> np.ndarray:
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
    cpi, fx = _sig15(cpi), _sig15(fx)
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


def _demeaned(values: np.ndarray) -> np.ndarray:
    """Deviation from each row's mean over non-NaN entries; 0 where NaN."""
    valid = ~np.isnan(values)
    count = np.maximum(valid.sum(axis=1, keepdims=True), 1)
    mean = np.where(valid, values, 0.0).sum(axis=1, keepdims=True) / count
    return np.where(valid, values - mean, 0.0)


def _availability(n: int, years: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Masks (country, year) of one labour series: value published, value reported missing.

    About 10% of countries have no data, 10% of series start late (2000-2012) and 10% of the
    covered years are missing; half of those are reported as missing, the rest left out.
    """
    has_data = rng.random(n) >= 0.1
    late = rng.random(n) < 0.1
    start = np.where(late, rng.integers(2000, 2013, n), years[0])
    covered = has_data[:, None] & (years[None, :] >= start[:, None])
    observed = covered & (rng.random((n, len(years))) >= 0.1)
    reported_missing = covered & ~observed & (rng.random((n, len(years))) < 0.5)
    return observed, reported_missing


def _orthogonal_noise(noise: np.ndarray, sample: np.ndarray,
                      regressors: tuple[np.ndarray, ...]) -> np.ndarray:
    """``noise`` (country, year) minus, on the ``sample`` cells, its least-squares fit on the
    ``regressors`` and on country and year dummies; cells outside the sample are unchanged.

    What is removed is exactly the part of the noise that would move the slope estimates of
    a country and year fixed-effects regression on that sample; its residuals are unchanged.
    """
    rows, cols = np.nonzero(sample)
    if rows.size == 0:
        return noise
    n, t = noise.shape
    design = np.column_stack([*(r[rows, cols] for r in regressors), np.eye(n)[rows],
                              np.eye(t)[cols]])
    fit, *_ = np.linalg.lstsq(design, noise[rows, cols], rcond=None)
    result = noise.copy()
    result[rows, cols] -= design @ fit
    return result


def _simulate_labour(countries, years: np.ndarray, latent: dict[str, _ChainLatent],
                     cpi: np.ndarray, fx: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Employment and wages per country x chain x year from the true model, with file status."""
    n, t = len(countries), len(years)
    wage_usd = np.array([_WAGE_USD_2010[c.income] for c in countries])
    fx_2010 = np.array([c.lcu_per_usd for c in countries])
    trend = (years - CPI_BASE_YEAR)[None, :]
    frames = []
    for chain_id, chain in VALUE_CHAINS.items():
        coef = TRUE_COEFFICIENTS[chain_id]
        lat = latent[chain_id]
        share_dev = _demeaned(np.log(lat.market_share))
        price_dev = _demeaned(lat.log_price)
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
        emp_observed, emp_missing = _availability(n, years, rng)
        wage_observed = emp_observed & (rng.random((n, t)) >= 0.03)
        regressors = (np.log(lat.market_share), lat.log_price)
        log_e += _orthogonal_noise(noise_e, emp_observed & lat.exporting, regressors)
        log_w += _orthogonal_noise(noise_w, wage_observed & lat.exporting, regressors)
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
            "employment_status": np.select([emp_observed, emp_missing],
                                           [OBSERVED, REPORTED_MISSING], ABSENT).ravel(),
            "wage_status": np.select([wage_observed, wage_missing],
                                     [OBSERVED, REPORTED_MISSING], ABSENT).ravel(),
        }))
    return pd.concat(frames, ignore_index=True)


def _panel(countries, years: np.ndarray, latent: dict[str, _ChainLatent],
           labour: pd.DataFrame) -> pd.DataFrame:
    """The public latent panel: trade latents joined with the published labour values."""
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
    })


# --------------------------------------------------------------------------- writers


def _write_bytes(data: bytes, path: Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _quote(text: str) -> str:
    """CSV field: quoted only when it holds a comma or a quote (as BACI's code lists)."""
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _trim(x: float) -> str:
    """A number with at most 3 decimals and no trailing zeros (``20``, ``231.24``)."""
    return f"{x:.3f}".rstrip("0").rstrip(".")


def _write_baci(world: _DemoWorld, path: Path, version: str, seed: int) -> None:
    """The release zip: one CSV per year, the two code lists and a Readme."""
    flows = world.flows
    order = np.lexsort((flows["k"], flows["j"], flows["i"], flows["t"]))
    t, i, j, k, v, q = (flows[col].to_numpy()[order] for col in ("t", "i", "j", "k", "v", "q"))
    na = world.streams["baci"].random(len(flows)) < 0.03
    q_text = [" " * 11 + "NA" if missing else f"{x:13.3f}" for x, missing in zip(q.tolist(), na)]
    rows = [f'{a},{b},{c},{d},{_trim(e)},"{f}"'
            for a, b, c, d, e, f in zip(t.tolist(), i.tolist(), j.tolist(), k.tolist(),
                                        v.tolist(), q_text)]
    header = '"t","i","j","k","v","q"'
    members = {}
    bounds = np.searchsorted(t, world.years, side="left").tolist() + [len(t)]
    for n, year in enumerate(world.years.tolist()):
        lines = [header, *rows[bounds[n]:bounds[n + 1]]]
        members[f"BACI_HS92_Y{year}_V{version}.csv"] = BACI_LINE_END.join(lines) + BACI_LINE_END
    members[f"country_codes_V{version}.csv"] = _baci_country_codes(world.countries)
    members[f"product_codes_HS92_V{version}.csv"] = _baci_product_codes()
    members["Readme.txt"] = _baci_readme(version, seed)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))


def _baci_country_codes(countries) -> str:
    lines = ["country_code,country_name,country_iso2,country_iso3"]
    lines += [f"{c.baci_code},{_quote(c.baci_name)},{c.iso2},{c.iso3}"
              for c in sorted(countries, key=lambda c: c.baci_code)]
    return BACI_LINE_END.join(lines) + BACI_LINE_END


def _baci_product_codes() -> str:
    lines = ["code,description"]
    lines += [f"{int(code)},{_quote(PRODUCT_DESCRIPTIONS[code])}"
              for code in sorted(PRODUCT_DESCRIPTIONS)]
    return BACI_LINE_END.join(lines) + BACI_LINE_END


def _baci_readme(version: str, seed: int) -> str:
    lines = [
        f"BACI HS92 V{version} - GENERATED DEMO DATA, NOT REAL TRADE FLOWS",
        f"Written by gvc_upgrading.demo (seed {seed}) in the layout of the CEPII BACI release.",
        "",
        f"BACI_HS92_Y<year>_V{version}.csv columns:",
        "t: year",
        f"i: exporter (numeric code, see country_codes_V{version}.csv)",
        "j: importer (numeric code)",
        f"k: HS 1992 product, six digits written without leading zero "
        f"(see product_codes_HS92_V{version}.csv)",
        "v: value, thousands of current US dollars",
        "q: quantity, metric tons (NA when unknown)",
    ]
    return BACI_LINE_END.join(lines) + BACI_LINE_END


def _labour_rows(world: _DemoWorld, source: str) -> pd.DataFrame:
    """Labour rows of the chains that take labour from ``source``, with ISO3 and M49 codes."""
    chains = [k for k, v in VALUE_CHAINS.items() if v.labour_source == source]
    rows = world.labour[world.labour["value_chain"].isin(chains)].reset_index(drop=True)
    index = rows["country_index"].to_numpy()
    return rows.assign(
        iso3=np.array([c.iso3 for c in world.countries])[index],
        m49=np.array([f"{c.m49:03d}" for c in world.countries])[index],
        isic=rows["value_chain"].map({k: v.isic3 for k, v in VALUE_CHAINS.items()}),
    )


def _write_indstat(world: _DemoWorld, path: Path) -> None:
    """Headerless INDSTAT2 records: table 04 employees (#) and 05 wages and salaries (LCU).

    ``utable`` (table definition) is ``01`` for employees and ``02`` for wages and salaries;
    a value the source reports as missing is written ``...``. A few records of division 15
    (food products) are included, which no value chain uses.
    """
    rng = world.streams["indstat"]
    rows = _labour_rows(world, "indstat")
    rows = rows[(rows["employment_status"] != ABSENT) | (rows["wage_status"] != ABSENT)]
    employees = rows["employment_persons"].to_numpy()
    wage_bill = np.round(rows["nominal_wage_per_employee_lcu"].to_numpy() * employees)
    records = pd.DataFrame({
        "ctable": np.repeat(["04", "05"], len(rows)),
        "country": np.tile(rows["m49"].to_numpy(), 2),
        "year": np.tile(rows["year"].to_numpy(), 2),
        "isic": np.tile(rows["isic"].to_numpy(), 2),
        "value": np.concatenate([employees, wage_bill]),
        "status": np.concatenate([rows["employment_status"], rows["wage_status"]]),
    })
    records = records[records["status"] != ABSENT]
    food = _indstat_food_records(world, rng)
    records = pd.concat([records, food], ignore_index=True).sort_values(
        ["ctable", "country", "year", "isic"], kind="stable")
    source = {f"{c.m49:03d}": str(s) for c, s in zip(world.countries,
                                                     rng.integers(1, 6, len(world.countries)))}
    utable = {"04": "01", "05": "02"}
    unit = {"04": "#", "05": "LCU"}
    lines = [
        f"{ct},{cn},{yr},{isic},{isic},{'...' if st != OBSERVED else f'{val:.0f}'},"
        f"{utable[ct]},{source[cn]},{LAST_UPDATED['indstat']},{unit[ct]}"
        for ct, cn, yr, isic, val, st in zip(
            records["ctable"], records["country"], records["year"].tolist(), records["isic"],
            records["value"].tolist(), records["status"].tolist())
    ]
    _write_bytes(("\n".join(lines) + "\n").encode("utf-8"), path)


def _indstat_food_records(world: _DemoWorld, rng: np.random.Generator) -> pd.DataFrame:
    """Employees and wage bills of ISIC division 15 for a few countries (to be ignored)."""
    picked = rng.choice(len(world.countries), min(5, len(world.countries)), replace=False)
    frames = []
    for c in np.sort(picked):
        employees = np.round(np.exp(rng.normal(np.log(2e5), 0.05, len(world.years))))
        wage = employees * world.countries[c].lcu_per_usd * 3000.0
        for ctable, value in (("04", employees), ("05", np.round(wage))):
            frames.append(pd.DataFrame({
                "ctable": ctable, "country": f"{world.countries[c].m49:03d}",
                "year": world.years, "isic": "15", "value": value, "status": OBSERVED,
            }))
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class _IlostatCountry:
    """Per-country presentation details of the ILOSTAT files."""

    source: str  # survey id, e.g. BA:1234
    switch_year: int  # first year coded in ISIC Rev.4
    overlap: bool  # the switch year is written in both revisions


def _ilostat_countries(world: _DemoWorld) -> dict[str, _IlostatCountry]:
    rng = world.streams["ilostat"]
    n = len(world.countries)
    ids = rng.choice(np.arange(100, 10000), n, replace=False)
    switch = rng.integers(2000, 2013, n)
    overlap = rng.random(n) < 0.4
    return {c.iso3: _IlostatCountry(f"BA:{ids[k]}", int(switch[k]), bool(overlap[k]))
            for k, c in enumerate(world.countries)}


def _isic_revisions(meta: _IlostatCountry, year: int) -> list[str]:
    """ISIC revisions under which ``year`` is published (two in an overlap year)."""
    if year < meta.switch_year:
        return ["ISIC3"]
    if year == meta.switch_year and meta.overlap:
        return ["ISIC3", "ISIC4"]
    return ["ISIC4"]


def _write_ilostat(records: list[dict], indicator: str, columns: list[str], path: Path) -> None:
    """A bulk CSV as ILOSTAT ships it: UTF-8 with BOM, unquoted, LF line ends, gzip.

    ``records`` hold the classification columns, ``time``, ``obs_value`` and ``obs_status``;
    rows are ordered by country and then by year, latest first.
    """
    table = pd.DataFrame(records).sort_values(["ref_area", "time"], ascending=[True, False],
                                              kind="stable")
    table = table.assign(indicator=indicator, time=table["time"].astype(str), note_classif="",
                         note_indicator="", note_source="R1:3513")
    lines = [",".join(columns), *(",".join(row) for row in table[columns].itertuples(
        index=False, name=None))]
    text = "\ufeff" + "\n".join(lines) + "\n"
    _write_bytes(gzip.compress(text.encode("utf-8"), mtime=0), path)


def _write_ilostat_employment(world: _DemoWorld, meta: dict[str, _IlostatCountry],
                              path: Path) -> None:
    """EMP_TEMP_AGE_EC2_NB_A: employment (thousands) in A01 and in total, ages 15+ and 15-24.

    A value reported as missing has an empty ``obs_value`` and ``obs_status`` U.
    """
    rng = world.streams["ilostat"]
    rows = _labour_rows(world, "ilostat")
    rows = rows[rows["employment_status"] != ABSENT].reset_index(drop=True)
    n = len(world.countries)
    total = np.exp(rng.normal(np.log(8000.0), 1.0, n)[:, None] + 0.015 * np.arange(
        len(world.years))[None, :])  # employment in all activities, thousands
    youth_share = rng.uniform(0.15, 0.3, n)
    records = []
    for row in rows.itertuples(index=False):
        observed = row.employment_status == OBSERVED
        a01 = row.employment_persons / 1000.0
        all_activities = total[row.country_index, row.year - world.years[0]]
        if observed:
            all_activities = max(all_activities, 1.5 * a01)
        for rev in _isic_revisions(meta[row.iso3], row.year):
            for age, factor in (("YGE15", 1.0), ("Y15-24", youth_share[row.country_index])):
                common = {"ref_area": row.iso3, "source": meta[row.iso3].source,
                          "classif1": f"AGE_YTHADULT_{age}", "time": row.year}
                records.append({**common, "classif2": f"EC2_{rev}_TOTAL",
                                "obs_value": _trim(all_activities * factor), "obs_status": ""})
                records.append({**common, "classif2": f"EC2_{rev}_A01",
                                "obs_value": _trim(a01 * factor) if observed else "",
                                "obs_status": "" if observed else "U"})
    columns = ["ref_area", "indicator", "source", "classif1", "classif2", "time", "obs_value",
               "obs_status", "note_classif", "note_indicator", "note_source"]
    _write_ilostat(records, "EMP_TEMP_AGE_EC2_NB", columns, path)


def _write_ilostat_earnings(world: _DemoWorld, meta: dict[str, _IlostatCountry],
                            path: Path) -> None:
    """EAR_4MTH_SEX_ECO_CUR_NB_A: mean nominal monthly earnings, section A and total.

    Written by sex (T, M, F) and currency (local currency and US dollars); the horticulture
    value is ``SEX_T``, ``ECO_ISIC?_A``, ``CUR_TYPE_LCU`` = nominal annual wage / 12.
    """
    rng = world.streams["ilostat"]
    rows = _labour_rows(world, "ilostat")
    rows = rows[rows["wage_status"] != ABSENT].reset_index(drop=True)
    total_ratio = rng.uniform(1.4, 2.5, len(world.countries))
    sexes = (("SEX_T", 1.0), ("SEX_M", 1.08), ("SEX_F", 0.86))
    records = []
    for row in rows.itertuples(index=False):
        observed = row.wage_status == OBSERVED
        monthly = row.nominal_wage_per_employee_lcu / 12.0
        # all-activity earnings: from the section-A wage, or a stand-in when that is missing
        reference = monthly if observed else 400.0 * row.lcu_per_usd
        total = reference * total_ratio[row.country_index]
        for rev in _isic_revisions(meta[row.iso3], row.year):
            for sex, factor in sexes:
                for currency, rate in (("LCU", 1.0), ("USD", row.lcu_per_usd)):
                    common = {"ref_area": row.iso3, "source": meta[row.iso3].source, "sex": sex,
                              "classif2": f"CUR_TYPE_{currency}", "time": row.year}
                    records.append({**common, "classif1": f"ECO_{rev}_TOTAL",
                                    "obs_value": _trim(total * factor / rate), "obs_status": ""})
                    records.append({**common, "classif1": f"ECO_{rev}_A",
                                    "obs_value": _trim(monthly * factor / rate) if observed else "",
                                    "obs_status": "" if observed else "U"})
    columns = ["ref_area", "indicator", "source", "sex", "classif1", "classif2", "time",
               "obs_value", "obs_status", "note_classif", "note_indicator", "note_source"]
    _write_ilostat(records, "EAR_4MTH_SEX_ECO_CUR_NB", columns, path)


def _wdi_line(fields: list[str]) -> str:
    """A WDI bulk CSV line: every field quoted, trailing comma."""
    return "".join(f'"{f}",' for f in fields)


def _write_wdi(world: _DemoWorld, data_path: Path, meta_path: Path, code: str, name: str,
               values: np.ndarray) -> None:
    """A WDI bulk data file (countries and aggregates) and its country metadata file."""
    columns = np.arange(WDI_YEARS[0], WDI_YEARS[1] + 1)
    table = np.full((len(world.countries), len(columns)), np.nan)
    into = np.searchsorted(columns, world.macro_years)
    table[:, into] = values
    economies = [(c.iso3, c.name, table[k], c.region, c.income, "")
                 for k, c in enumerate(world.countries)]
    for agg_code, (agg_name, note) in WDI_AGGREGATES.items():
        members = [k for k, c in enumerate(world.countries) if _in_aggregate(c, agg_code)]
        series = _median_where_any(table[members])
        economies.append((agg_code, agg_name, series, "", "", note))
    economies.sort(key=lambda e: e[0])
    lines = [
        "\ufeff" + _wdi_line(["Data Source", "World Development Indicators"]), "",
        _wdi_line(["Last Updated Date", LAST_UPDATED["wdi"]]), "",
        _wdi_line(["Country Name", "Country Code", "Indicator Name", "Indicator Code",
                   *map(str, columns)]),
    ]
    lines += [_wdi_line([econ_name, econ_code, name, code,
                         *("" if np.isnan(x) else f"{x:.15g}" for x in series)])
              for econ_code, econ_name, series, *_ in economies]
    _write_bytes(("\n".join(lines) + "\n").encode("utf-8"), data_path)
    meta = ["\ufeff" + _wdi_line(["Country Code", "Region", "IncomeGroup", "SpecialNotes",
                                  "TableName"])]
    meta += [_wdi_line([econ_code, region, income, note, econ_name])
             for econ_code, econ_name, _, region, income, note in economies]
    _write_bytes(("\n".join(meta) + "\n").encode("utf-8"), meta_path)


def _median_where_any(rows: np.ndarray) -> np.ndarray:
    """Column medians over non-NaN values; NaN for columns without any value (or no rows)."""
    out = np.full(rows.shape[1], np.nan)
    has = ~np.isnan(rows).all(axis=0) if len(rows) else np.zeros(rows.shape[1], bool)
    out[has] = np.nanmedian(rows[:, has], axis=0)
    return out


def _in_aggregate(country: Country, aggregate: str) -> bool:
    """Whether ``country`` belongs to a WDI aggregate of :data:`WDI_AGGREGATES`."""
    return {
        "WLD": True,
        "HIC": country.income == "High income",
        "SSF": country.region == "Sub-Saharan Africa",
        "EMU": country.iso3 in EURO_AREA,
    }[aggregate]
