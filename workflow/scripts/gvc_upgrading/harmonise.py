"""Harmonisation of raw sources to tidy tables with one country code system (ISO3) and named units.

- Trade (per year): ISO3 exporter and importer, six-character HS6 string, value in current USD,
  quantity in kg.
- Prices: national CPI (as published and rebased to the configured base year) and the official
  exchange rate (LCU per USD), countries only.
- Labour: per country x value chain x year, employment in persons and the nominal and real wage per
  employee in national currency, from the chain's configured labour source, and value added in
  national currency where the source has it (INDSTAT table 20; ILOSTAT has none).
Each function logs rows in, rows out and rows dropped by reason.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import baci, comtrade, ilostat, indstat, wdi
from .countries import baci_crosswalk, iso3_codes, m49_to_iso3
from .errors import InputError
from .valuechains import isic_section

log = logging.getLogger(__name__)

TRADE_UNITS = {"value_usd": "current US dollars", "quantity_kg": "kilograms"}


TRADE_COLUMNS = ["year", "exporter", "importer", "hs_revision", "hs6", "value_usd", "quantity_kg"]


def harmonise_trade_year(zip_path: str | Path, year: int) -> pa.Table:
    """One BACI year as :data:`TRADE_COLUMNS` (HS revision as in config/gvcs.yaml, e.g. HS92)."""
    flows = baci.read_year(zip_path, year)
    crosswalk = baci_crosswalk(baci.read_country_codes(zip_path))
    codes = pa.array(list(crosswalk), pa.string())
    iso3 = pa.array(list(crosswalk.values()), pa.string())
    mapped = {}
    for column in ("i", "j"):
        index = pc.index_in(flows[column], value_set=codes)
        unknown = pc.unique(pc.filter(flows[column], pc.is_null(index))).to_pylist()
        if unknown:
            member = baci.year_members(zip_path)[year]
            raise InputError(f"{zip_path}:{member}", f"BACI country code(s) {sorted(unknown)[:10]} "
                             "not in the release's country list", key=f"column {column}")
        mapped[column] = pc.take(iso3, index)
    table = pa.table({
        "year": pc.cast(flows["t"], pa.int64()),
        "exporter": mapped["i"],
        "importer": mapped["j"],
        "hs_revision": pa.array([baci.hs_revision(zip_path)] * flows.num_rows, pa.string()),
        "hs6": flows["k"],
        "value_usd": pc.multiply(flows["v"], 1000.0),
        "quantity_kg": pc.multiply(flows["q"], 1000.0),
    })
    log.info("trade %s: %d flows in, %d out (%d without a quantity)", year, flows.num_rows,
             table.num_rows, table["quantity_kg"].null_count)
    return table


def harmonise_comtrade_year(path: str | Path, year: int) -> pa.Table:
    """One year of stored Comtrade results as :data:`TRADE_COLUMNS` (importer ``WLD``: exports
    to the World; each row keeps the HS revision its reporter used)."""
    exports = comtrade.harmonise_exports(pd.read_parquet(path), path=path)
    wrong_year = exports["year"] != year
    if wrong_year.any():
        raise InputError(path, f"holds records for {sorted(set(exports.loc[wrong_year, 'year']))}; "
                               f"expected only {year}", key="refYear")
    six_digit = exports["hs_code"].str.len() == 6
    log.info("Comtrade %s: %d exports, %d not at six digits dropped", year, len(exports),
             int((~six_digit).sum()))
    table = exports[six_digit].rename(columns={"hs_code": "hs6"})[TRADE_COLUMNS]
    return pa.Table.from_pandas(table.astype({"hs6": "string", "exporter": "string"}),
                                preserve_index=False)


def _wdi_countries(path, indicator: str, column: str) -> pd.DataFrame:
    values, meta = wdi.read_wdi_download(path)
    values = values[values["indicator_code"] == indicator]
    if values.empty:
        raise InputError(path, f"no rows for indicator {indicator}", key="Indicator Code")
    unknown = sorted(set(values["country_code"]) - set(meta["country_code"]))
    if unknown:
        raise InputError(path, f"country code(s) {unknown[:10]} missing from the country metadata",
                         key="Country Code")
    aggregates = set(meta.loc[meta["is_aggregate"], "country_code"])
    countries = values[~values["country_code"].isin(aggregates)]
    log.info("%s: %d values in, %d aggregate values dropped, %d kept", indicator, len(values),
             len(values) - len(countries), len(countries))
    return countries.rename(columns={"country_code": "country", "value": column})[
        ["country", "year", column]]


def harmonise_prices(cpi_path, fx_path, base_year: int) -> pd.DataFrame:
    """CPI (published and rebased to ``base_year`` = 100) and LCU per USD by country and year.

    Each path is a WDI download as :func:`gvc_upgrading.wdi.read_wdi_download` reads it.
    """
    cpi = _wdi_countries(cpi_path, "FP.CPI.TOTL", "cpi")
    fx = _wdi_countries(fx_path, "PA.NUS.FCRF", "exchange_rate_lcu_per_usd")
    prices = cpi.merge(fx, on=["country", "year"], how="outer")
    base = prices.loc[prices["year"] == base_year, ["country", "cpi"]].dropna()
    base = base.rename(columns={"cpi": "cpi_in_base_year"})
    prices = prices.merge(base, on="country", how="left")
    prices["cpi_rebased"] = prices["cpi"] / prices["cpi_in_base_year"] * 100.0
    no_base = prices.loc[prices["cpi"].notna() & prices["cpi_in_base_year"].isna(), "country"]
    if len(no_base):
        log.warning("CPI without a %d value (no real wages) for: %s", base_year,
                    ", ".join(sorted(set(no_base))))
    prices = prices.drop(columns="cpi_in_base_year").astype({"country": "string"})
    return prices.sort_values(["country", "year"], ignore_index=True)


#: INDSTAT tables holding money values (current USD or national currency) -> column name.
INDSTAT_MONEY_TABLES = {"05": "wages", "20": "value_added"}


def _indstat_chain(raw: pd.DataFrame, path, chain: str, division: str) -> pd.DataFrame:
    """Employees, wages and value added of one ISIC division, one row per country-year.

    Each money column comes with its unit column (``wages_unit``, ``value_added_unit``).
    """
    rows = raw[(raw["isic"] == division) & raw["ctable"].isin(["04", *INDSTAT_MONEY_TABLES])]
    duplicated = rows.duplicated(["ctable", "country", "year"], keep=False)
    if duplicated.any():
        first = rows[duplicated].iloc[0]
        raise InputError(path, f"table {first['ctable']} holds more than one record for country "
                               f"{first['country']}, year {first['year']}, ISIC {division}; "
                               "expected one", row=int(rows.index[duplicated][0]) + 1, key="isic")
    employees = rows[rows["ctable"] == "04"]
    if (employees["unit"] != "#").any():
        raise InputError(path, "employees (table 04) must be counted in persons (unit '#')",
                         key="unit")
    merged = employees[["country", "year", "value"]].rename(columns={"value": "employment_persons"})
    for ctable, name in INDSTAT_MONEY_TABLES.items():
        money = rows[rows["ctable"] == ctable]
        if (money["unit"] == "#").any():
            raise InputError(path, f"{name} (table {ctable}) must be in '$' or 'LCU', not '#'",
                             key="unit")
        money = money[["country", "year", "value", "unit"]].rename(
            columns={"value": name, "unit": f"{name}_unit"})
        merged = merged.merge(money, on=["country", "year"], how="outer")
    merged["value_chain"] = chain
    return merged


def _indstat_lcu(df: pd.DataFrame, name: str) -> np.ndarray:
    """Money column ``name`` in national currency: USD values ('$') times the year's LCU per USD."""
    usd = df[f"{name}_unit"] == "$"
    return np.where(usd, df[name] * df["exchange_rate_lcu_per_usd"], df[name])


def _indstat_labour(path, gvcs: dict, chains: list[str], prices: pd.DataFrame) -> pd.DataFrame:
    raw = indstat.read_indstat2(path)
    pieces = [_indstat_chain(raw, path, chain, gvcs[chain]["isic"]["rev3"]) for chain in chains]
    df = pd.concat(pieces, ignore_index=True)
    df["country"] = m49_to_iso3(df["country"], source="UNIDO INDSTAT", path=path)
    fx = prices[["country", "year", "exchange_rate_lcu_per_usd"]]
    df = df.merge(fx, on=["country", "year"], how="left")
    df["nominal_wage_per_employee_lcu"] = _indstat_lcu(df, "wages") / df["employment_persons"]
    df["value_added_lcu"] = _indstat_lcu(df, "value_added")
    df["labour_source"] = "indstat"
    df["isic_revision"] = "3"
    log.info("INDSTAT: %d records read, %d country-chain-years for %s (%d with value added)",
             len(raw), len(df), ", ".join(chains), int(df["value_added_lcu"].notna().sum()))
    return df


def _ilostat_iso3(df: pd.DataFrame, path) -> pd.DataFrame:
    """Keep countries; drop ILOSTAT's regional aggregates (X01 ...); unknown codes are errors."""
    aggregate = df["ref_area"].str.fullmatch(r"X\d\d")
    if aggregate.any():
        log.info("%s: %d rows of regional aggregates dropped", path, int(aggregate.sum()))
    df = df[~aggregate]
    return df.assign(country=iso3_codes(df["ref_area"], source="ILOSTAT", path=path))


def _ilostat_activity(df: pd.DataFrame, column: str, prefix: str, codes: dict[str, str]) -> pd.DataFrame:
    """Rows whose activity code is one of ``codes`` (revision -> code), tagged with the revision."""
    parsed = df[column].str.extract(rf"^{prefix}_ISIC(?P<revision>[34])_(?P<code>[A-Z0-9]+)$")
    wanted = pd.Series(False, index=df.index)
    for revision, code in codes.items():
        wanted |= (parsed["revision"] == revision) & (parsed["code"] == code)
    return df[wanted].assign(isic_revision=parsed.loc[wanted, "revision"])


def _latest_revision(df: pd.DataFrame) -> pd.DataFrame:
    """Where Rev.3 and Rev.4 both cover a country-year, keep Rev.4 (the current classification)."""
    ordered = df.sort_values(["country", "year", "isic_revision"], ascending=[True, True, False])
    return ordered.drop_duplicates(["country", "year"], keep="first")


def _ilostat_labour(emp_path, ear_path, gvcs: dict, chains: list[str]) -> pd.DataFrame:
    emp = _ilostat_iso3(ilostat.read_ilostat_bulk(emp_path), emp_path)
    emp = emp[emp["classif1"] == "AGE_YTHADULT_YGE15"]
    ear = ilostat.read_ilostat_bulk(ear_path)
    if "sex" not in ear.columns or "classif2" not in ear.columns:
        raise InputError(ear_path, "expected columns sex and classif2 (currency) in the earnings file",
                         key="header")
    ear = _ilostat_iso3(ear, ear_path)
    ear = ear[(ear["sex"] == "SEX_T") & (ear["classif2"] == "CUR_TYPE_LCU")]
    pieces = []
    for chain in chains:
        isic = gvcs[chain]["isic"]
        divisions = {"3": isic_section(isic["rev3"], "3") + isic["rev3"],
                     "4": isic_section(isic["rev4"], "4") + isic["rev4"]}
        sections = {"3": isic_section(isic["rev3"], "3"), "4": isic_section(isic["rev4"], "4")}
        e = _ilostat_activity(emp, "classif2", "EC2", divisions).rename(columns={"time": "year"})
        e = _latest_revision(ilostat.pick_source(e, ["country", "year", "isic_revision"]))
        w = _ilostat_activity(ear, "classif1", "ECO", sections).rename(columns={"time": "year"})
        w = _latest_revision(ilostat.pick_source(w, ["country", "year", "isic_revision"]))
        merged = e[["country", "year", "obs_value", "isic_revision"]].rename(
            columns={"obs_value": "employment_thousands"}).merge(
            w[["country", "year", "obs_value"]].rename(columns={"obs_value": "monthly_earnings_lcu"}),
            on=["country", "year"], how="outer")
        merged["value_chain"] = chain
        pieces.append(merged)
    df = pd.concat(pieces, ignore_index=True)
    df["employment_persons"] = df["employment_thousands"] * 1000.0
    df["nominal_wage_per_employee_lcu"] = df["monthly_earnings_lcu"] * 12.0
    df["labour_source"] = "ilostat"
    log.info("ILOSTAT: %d country-chain-years for %s", len(df), ", ".join(chains))
    return df


LABOUR_COLUMNS = ["country", "value_chain", "year", "employment_persons",
                  "nominal_wage_per_employee_lcu", "real_wage_per_employee_lcu", "value_added_lcu",
                  "labour_source", "isic_revision"]


def harmonise_labour(*, indstat_path, ilostat_employment_path, ilostat_earnings_path,
                     prices: pd.DataFrame, gvcs: dict, chains: list[str],
                     years: tuple[int, int]) -> pd.DataFrame:
    """Employment and wages per country x value chain x year, each chain from its own source.

    Real wage = nominal wage / CPI x CPI(base year), i.e. nominal / ``cpi_rebased`` x 100.
    """
    by_source: dict[str, list[str]] = {}
    for chain in chains:
        by_source.setdefault(gvcs[chain]["labour_source"], []).append(chain)
    pieces = []
    if by_source.get("indstat"):
        pieces.append(_indstat_labour(indstat_path, gvcs, by_source["indstat"], prices))
    if by_source.get("ilostat"):
        pieces.append(_ilostat_labour(ilostat_employment_path, ilostat_earnings_path, gvcs,
                                      by_source["ilostat"]))
    df = pd.concat(pieces, ignore_index=True)
    in_range = df["year"].between(*years)
    log.info("labour: %d rows outside %d-%d dropped", int((~in_range).sum()), *years)
    df = df[in_range]
    df = df.merge(prices[["country", "year", "cpi_rebased"]], on=["country", "year"], how="left")
    df["real_wage_per_employee_lcu"] = df["nominal_wage_per_employee_lcu"] / df["cpi_rebased"] * 100.0
    # reindex: ILOSTAT has no value added, so an ILOSTAT-only run has no such column yet
    df = df.reindex(columns=LABOUR_COLUMNS).astype({"country": "string", "value_chain": "string",
                                    "labour_source": "string", "isic_revision": "string",
                                    "year": "int64"})
    return df.sort_values(["value_chain", "country", "year"], ignore_index=True)
