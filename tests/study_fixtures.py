"""A small made-up world for the study presets, written in the sources' real formats and URL
layouts, with the true values it was made from.

:func:`build_world` draws, per country, value chain and year, the export value and weight of
each HS line (or tourism receipts and arrivals), employment and the nominal wage, and the CPI and
exchange rate per country and year. :func:`write_site` lays the files out as the providers
publish them (UN Comtrade answers come from :func:`comtrade_handler`); the INDSTAT2 file goes to
the raw store by hand, as a licensed file does. The tests compute the expected indicators and
changes from the returned truth with their own arithmetic, independent of the workflow's code.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from httpserver import Response

#: Country: (Comtrade reporter code, INDSTAT M49 code, WDI name, region). India and the United
#: States are reported to Comtrade under 699 and 842, to UNIDO under 356 and 840.
COUNTRIES = {
    "BGD": (50, "050", "Bangladesh", "South Asia"),
    "CHN": (156, "156", "China", "East Asia & Pacific"),
    "IND": (699, "356", "India", "South Asia"),
    "KEN": (404, "404", "Kenya", "Sub-Saharan Africa"),
    "MEX": (484, "484", "Mexico", "Latin America & Caribbean"),
    "VNM": (704, "704", "Viet Nam", "East Asia & Pacific"),
    "DEU": (276, "276", "Germany", "Europe & Central Asia"),
    "USA": (842, "840", "United States", "North America"),
}
#: Comtrade classification code of each year's reports (HS 2002 until 2006, HS 2007 after).
def revision(year: int) -> str:
    return "H2" if year < 2007 else "H3"


@dataclass
class Chain:
    """A value chain of the made-up world: its HS lines per Comtrade revision (or tourism),
    its ISIC activity codes and where its labour data live.

    ``indstat``: countries with INDSTAT2 records (ISIC Rev.3 ``isic3``); ``ilostat``: countries
    with ILOSTAT employment (codes ``ilostat_employment`` per revision) and earnings (section
    per revision)."""

    lines: dict[str, list[str]] = field(default_factory=dict)
    tourism: bool = False
    isic3: str = ""
    indstat: tuple[str, ...] = ()
    ilostat: tuple[str, ...] = ()
    ilostat_employment: dict[str, list[str]] = field(default_factory=dict)
    ilostat_section: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    years: list[int]
    countries: list[str]
    chains: dict[str, Chain]
    lines: pd.DataFrame        # country, chain, year, revision, code, value_usd, weight_kg
    tourism: pd.DataFrame      # country, year, receipts_usd, arrivals
    labour: pd.DataFrame       # country, chain, year, source, employment, nominal_wage_lcu
    prices: pd.DataFrame       # country, year, cpi, fx
    ilostat_revision: dict[str, str]  # country -> "3" or "4"


def build_world(chains: dict[str, Chain], countries: list[str], years: list[int],
                seed: int) -> World:
    rng = np.random.default_rng(seed)
    t = np.array(years) - years[0]
    lines, labour, tourism = [], [], []
    section_wages = {}  # ILOSTAT earnings are by section: chains of one section share them
    for chain_name, chain in chains.items():
        for country in countries:
            level = rng.uniform(1e6, 5e8)
            growth = rng.uniform(-0.12, 0.2)
            price_growth = rng.uniform(-0.06, 0.08)
            values = level * np.exp(growth * t)
            prices = rng.uniform(2, 40) * np.exp(price_growth * t)
            if chain.tourism:
                for k, year in enumerate(years):
                    tourism.append((country, year, round(values[k]), round(values[k] / prices[k] / 100)))
            else:
                for k, year in enumerate(years):
                    codes = chain.lines[revision(year)]
                    split = rng.dirichlet(np.ones(len(codes)))
                    for code, part in zip(codes, split):
                        value = round(values[k] * part, 2)
                        lines.append((country, chain_name, year, revision(year), code, value,
                                      round(value / prices[k] * rng.uniform(0.9, 1.1), 1)))
            sources = [s for s, holders in (("indstat", chain.indstat), ("ilostat", chain.ilostat))
                       if country in holders]
            employment = rng.uniform(2e4, 2e6) * np.exp(rng.uniform(-0.1, 0.15) * t)
            wage = rng.uniform(2e4, 3e5) * np.exp(rng.uniform(-0.05, 0.15) * t)
            section = (country, tuple(sorted(chain.ilostat_section.items())))
            section_wage = section_wages.setdefault(section, wage)
            for source in sources:  # the second source reports another level
                factor = 1.0 if source == sources[0] else 1.3
                for k, year in enumerate(years):
                    if source == "indstat":
                        emp, ann = round(employment[k] * factor), round(wage[k] * factor)
                    else:  # ILOSTAT: thousands, monthly earnings by section, three decimals
                        emp = round(employment[k] * factor / 1000, 3) * 1000
                        ann = round(section_wage[k] / 12, 3) * 12
                    labour.append((country, chain_name, year, source, emp, ann))
    price_years = list(range(min(years[0], 2000), max(years[-1], 2010) + 1))
    prices = [(country, year, 100 * np.exp(rng.uniform(0.01, 0.08) * (year - 2010)),
               rng.uniform(0.5, 50))
              for country in countries for year in price_years]
    return World(
        years, countries, chains,
        pd.DataFrame(lines, columns=["country", "chain", "year", "revision", "code", "value_usd",
                                     "weight_kg"]),
        pd.DataFrame(tourism, columns=["country", "year", "receipts_usd", "arrivals"]),
        pd.DataFrame(labour, columns=["country", "chain", "year", "source", "employment",
                                      "nominal_wage_lcu"]),
        pd.DataFrame(prices, columns=["country", "year", "cpi", "fx"]),
        {country: ("3" if country == "KEN" else "4") for country in countries},
    )


# --- writers in the sources' formats -----------------------------------------------------------

def _wdi_line(fields) -> str:
    return "".join(f'"{f}",' for f in fields)


def write_wdi_zip(path: Path, code: str, name: str, values: dict[tuple[str, int], float],
                  countries: list[str]) -> None:
    """A WDI bulk zip: API_<code>_DS2_en_csv_v2_<n>.csv (metadata lines, wide by year, trailing
    commas) and its Metadata_Country file, with a World aggregate (empty Region)."""
    years = list(range(1960, 2024))
    rows = {c: [values.get((c, y)) for y in years] for c in countries}
    world = [sum(v for (c, yy), v in values.items() if yy == y) or None for y in years]
    rows["WLD"] = world
    names = {c: COUNTRIES[c][2] for c in countries} | {"WLD": "World"}
    lines = ["\ufeff" + _wdi_line(["Data Source", "World Development Indicators"]), "",
             _wdi_line(["Last Updated Date", "2024-10-24"]), "",
             _wdi_line(["Country Name", "Country Code", "Indicator Name", "Indicator Code",
                        *map(str, years)])]
    for country in sorted(rows):
        lines.append(_wdi_line([names[country], country, name, code,
                                *("" if v is None else f"{v:.15g}" for v in rows[country])]))
    meta = ["\ufeff" + _wdi_line(["Country Code", "Region", "IncomeGroup", "SpecialNotes",
                                  "TableName"])]
    meta += [_wdi_line([c, COUNTRIES[c][3] if c != "WLD" else "", "", "", names[c]])
             for c in sorted(rows)]
    member = f"API_{code}_DS2_en_csv_v2_4321.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, "\n".join(lines) + "\n")
        zf.writestr(f"Metadata_Country_{member}", "\n".join(meta) + "\n")


def write_indstat(world: World, path: Path) -> None:
    """Headerless INDSTAT2 records: table 04 employees (#) and 05 wages and salaries (LCU)."""
    rows = world.labour[world.labour["source"] == "indstat"]
    lines = []
    for r in rows.itertuples(index=False):
        m49, isic = COUNTRIES[r.country][1], world.chains[r.chain].isic3
        wages = round(r.nominal_wage_lcu * r.employment)
        lines.append(f"04,{m49},{r.year},{isic},{isic},{r.employment:.0f},01,1,2024-05-01,#")
        lines.append(f"05,{m49},{r.year},{isic},{isic},{wages:.0f},02,1,2024-05-01,LCU")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _ilostat_gzip(path: Path, columns: list[str], records: list[dict]) -> None:
    lines = [",".join(columns)] + [",".join(str(r.get(c, "")) for c in columns) for r in records]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"), mtime=0))


def write_ilostat(world: World, folder: Path) -> None:
    """EMP_TEMP_AGE_EC2_NB_A (thousands, by ISIC division; a chain of several divisions is
    split over them) and EAR_4MTH_SEX_ECO_CUR_NB_A (monthly, by section) for the ILOSTAT rows."""
    rows = world.labour[world.labour["source"] == "ilostat"]
    employment, earnings = [], {}
    for r in rows.itertuples(index=False):
        chain, rev = world.chains[r.chain], world.ilostat_revision[r.country]
        codes = chain.ilostat_employment[rev]
        thousands = r.employment / 1000
        first = round(thousands * 0.6, 3)
        parts = [thousands] if len(codes) == 1 else [first, round(thousands - first, 3)]
        for code, part in zip(codes, parts):
            employment.append({"ref_area": r.country, "indicator": "EMP_TEMP_AGE_EC2_NB",
                               "source": "BA:1", "classif1": "AGE_YTHADULT_YGE15",
                               "classif2": f"EC2_ISIC{rev}_{code}", "time": r.year,
                               "obs_value": f"{part:.3f}"})
        employment.append({"ref_area": r.country, "indicator": "EMP_TEMP_AGE_EC2_NB",
                           "source": "BA:1", "classif1": "AGE_YTHADULT_Y15-24",
                           "classif2": f"EC2_ISIC{rev}_{codes[0]}", "time": r.year,
                           "obs_value": f"{thousands / 5:.3f}"})
        for sex, factor in (("SEX_T", 1.0), ("SEX_F", 0.9)):
            section = chain.ilostat_section[rev]
            earnings[(r.country, r.year, section, sex)] = {
                "ref_area": r.country, "indicator": "EAR_4MTH_SEX_ECO_CUR_NB", "source": "BA:1",
                "sex": sex, "classif1": f"ECO_ISIC{rev}_{section}", "classif2": "CUR_TYPE_LCU",
                "time": r.year, "obs_value": f"{r.nominal_wage_lcu / 12 * factor:.3f}"}
    _ilostat_gzip(folder / "EMP_TEMP_AGE_EC2_NB_A.csv.gz",
                  ["ref_area", "indicator", "source", "classif1", "classif2", "time",
                   "obs_value", "obs_status"], employment)
    _ilostat_gzip(folder / "EAR_4MTH_SEX_ECO_CUR_NB_A.csv.gz",
                  ["ref_area", "indicator", "source", "sex", "classif1", "classif2", "time",
                   "obs_value", "obs_status"], list(earnings.values()))


def write_site(world: World, site: Path) -> None:
    """ILOSTAT and WDI files under the providers' URL layouts (Comtrade is a handler)."""
    write_ilostat(world, site / "ilostat")
    indicator = site / "wdi" / "en" / "indicator"
    prices = world.prices
    write_wdi_zip(indicator / "FP.CPI.TOTL", "FP.CPI.TOTL", "Consumer price index (2010 = 100)",
                  {(r.country, r.year): r.cpi for r in prices.itertuples()}, world.countries)
    write_wdi_zip(indicator / "PA.NUS.FCRF", "PA.NUS.FCRF", "Official exchange rate",
                  {(r.country, r.year): r.fx for r in prices.itertuples()}, world.countries)
    if len(world.tourism):
        t = world.tourism
        write_wdi_zip(indicator / "ST.INT.RCPT.CD", "ST.INT.RCPT.CD",
                      "International tourism, receipts (current US$)",
                      {(r.country, r.year): r.receipts_usd for r in t.itertuples()},
                      world.countries)
        write_wdi_zip(indicator / "ST.INT.ARVL", "ST.INT.ARVL",
                      "International tourism, number of arrivals",
                      {(r.country, r.year): r.arrivals for r in t.itertuples()}, world.countries)


def comtrade_reference(world: World) -> bytes:
    codes = sorted(set(world.lines["code"]))
    return json.dumps({"results": [{"id": c, "text": c, "parent": c[:4], "aggrLevel": 6}
                                   for c in codes]}).encode()


def comtrade_handler(world: World, key: str):
    """getFinalData: the exports to the World of the asked period and codes, one record per
    reporter and code, plus one record to a partner country (which harmonisation leaves out)."""
    def answer(request):
        if request.headers.get("Ocp-Apim-Subscription-Key") != key:
            return Response(401, b'{"statusCode": 401, "message": "Access denied"}')
        year = int(request.query["period"])
        codes = set(request.query["cmdCode"].split(","))
        rows = world.lines[(world.lines["year"] == year) & world.lines["code"].isin(codes)]
        data = []
        for r in rows.itertuples(index=False):
            record = {"refYear": year, "reporterCode": COUNTRIES[r.country][0],
                      "reporterISO": r.country, "flowCode": "X", "partnerCode": 0,
                      "partner2Code": 0, "motCode": 0, "customsCode": "C00",
                      "classificationCode": r.revision, "cmdCode": r.code,
                      "primaryValue": r.value_usd, "netWgt": r.weight_kg}
            data.append(record)
            data.append({**record, "partnerCode": 842 if r.country != "USA" else 156,
                         "primaryValue": round(r.value_usd / 3, 2)})
        body = {"count": len(data), "data": data, "error": ""}
        return Response(body=json.dumps(body).encode(),
                        headers={"Content-Type": "application/json"})
    return answer
