"""Harmonisation of raw sources to tidy tables with one country code system and named units.

- Trade (per year): exporter and importer through the country crosswalk
  (:mod:`gvc_upgrading.countries`), six-character HS6 string, value in current USD, quantity in kg.
- Prices: national CPI (as published and rebased to the configured base year) and the official
  exchange rate (LCU per USD), countries only.
- Labour: per country x value chain x year, employment in persons and the nominal and real wage per
  employee in national currency, from the chain's configured labour source, and value added in
  national currency where the source has it (INDSTAT table 20; ILOSTAT has none). Series
  published in ISIC Rev.3 and Rev.4 are bridged as configured (:func:`bridge_isic_break`).

Two choices are configured and apply everywhere: ``historical_entities`` (``drop`` or ``keep``
the rows of historical entities such as the USSR or Belgium-Luxembourg; regional aggregates are
always dropped from country samples) and ``isic_break`` (``splice`` or ``flag``).

Every step follows its input through a :class:`~gvc_upgrading.accounting.Ledger`: rows and value
totals in, rows dropped by named reason, rows merged, values rescaled, rows out. Pass a list as
``ledgers`` to collect them; each ledger checks its own balance before the step returns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import baci, comtrade, ilostat, indstat, wdi
from .accounting import Ledger
from .countries import baci_crosswalk, drop_reasons, iso3_codes, numeric_codes
from .errors import InputError
from .schema import LABOUR, TRADE, write_checked_batches
from .valuechains import LABOUR_SOURCES, isic_divisions, isic_section, labour_sources

log = logging.getLogger(__name__)

TRADE_COLUMNS = TRADE.names
TRADE_MEASURES = ["value_usd", "quantity_kg"]
LABOUR_COLUMNS = LABOUR.names
ISIC_BREAK_POLICIES = ("splice", "flag")
LABOUR_FALLBACKS = ("country", "country_year")


def _keep(ledgers: list | None, ledger: Ledger) -> Ledger:
    if ledgers is not None:
        ledgers.append(ledger)
    return ledger


def drop_non_countries(table, column: str, policy: str, ledger: Ledger, role: str | None = None,
                       *, reasons: dict[str, list[str]] | None = None):
    """Drop the rows whose ``column`` is a regional aggregate or (``policy`` ``drop``) a
    historical entity, each reason counted in ``ledger``. ``table``: pandas or Arrow.
    ``reasons`` (from :func:`non_country_codes`) saves working them out for every batch."""
    arrow = isinstance(table, pa.Table)
    if reasons is None:
        codes = pc.unique(table[column]).to_pylist() if arrow else table[column].unique()
        reasons = non_country_codes(codes, policy, role or column)
    for reason, codes in reasons.items():
        mask = (pc.is_in(table[column], value_set=pa.array(codes, pa.string())) if arrow
                else table[column].isin(codes))
        if mask.any() if not arrow else pc.any(mask).as_py():
            table = ledger.drop(table, mask, reason)
    return table


def non_country_codes(codes, policy: str, role: str) -> dict[str, list[str]]:
    """Reason -> the ``codes`` that leave a country sample for it (see :func:`drop_reasons`)."""
    codes = pd.Series(list(codes), dtype="string")
    return {reason: group.tolist()
            for reason, group in codes.groupby(drop_reasons(codes, policy, role))}


# --- trade -------------------------------------------------------------------------------------

def harmonise_trade_year(zip_path: str | Path, year: int, *, historical_entities: str = "drop",
                         ledgers: list | None = None) -> pa.Table:
    """One BACI year as :data:`TRADE_COLUMNS` (HS revision as in config/gvcs.yaml, e.g. HS92),
    in memory; :func:`write_trade_year` streams the same rows to Parquet.

    Exporters that are historical entities follow ``historical_entities``; importers keep their
    code (the flow is part of its exporter's exports either way).
    """
    batches = list(_trade_batches(zip_path, year, historical_entities, ledgers))
    return pa.Table.from_batches(batches, schema=TRADE.arrow_schema())


def write_trade_year(zip_path: str | Path, year: int, path: str | Path, *,
                     historical_entities: str = "drop", ledgers: list | None = None,
                     metadata: dict | None = None) -> int:
    """Harmonise one BACI year batch by batch into the zstd Parquet file ``path`` (the rule
    harmonise_trade): memory stays at a few batches whatever the year's size, and the file
    appears only once every check of the year has passed. Returns the number of rows written.
    """
    codes = pa.array(sorted(set(baci_crosswalk(baci.read_country_codes(zip_path)).values())),
                     pa.string())
    drawn_from = {"exporter": codes, "importer": codes}
    products = baci.release_products(zip_path)
    if products is not None:  # every product code is checked against the list while reading
        drawn_from["hs6"] = pa.array(products.tolist(), pa.string())
    return write_checked_batches(
        _trade_batches(zip_path, year, historical_entities, ledgers), path, TRADE,
        metadata=metadata, drawn_from=drawn_from,
        unique_key_proof="the year file's (i, j, k) are unique and distinct BACI codes map to "
                         "distinct crosswalk codes (checked while reading)")


def _trade_batches(zip_path, year: int, historical_entities: str, ledgers: list | None
                   ) -> Iterator[pa.RecordBatch]:
    """The harmonised flows of one BACI year, batch by batch, through one ledger."""
    where = f"{zip_path}:{baci.year_members(zip_path).get(year, '')}"
    crosswalk = baci_crosswalk(baci.read_country_codes(zip_path))
    codes = pa.array(list(crosswalk), pa.string())
    mapped_codes = pa.array(list(crosswalk.values()), pa.string())
    revision = pa.scalar(baci.hs_revision(zip_path), pa.string())
    ledger = _keep(ledgers, Ledger("harmonise_trade", "CEPII BACI", where, TRADE_MEASURES,
                                   part=str(year)))
    leaving = non_country_codes(set(crosswalk.values()), historical_entities, "exporter")
    rows_in = rows_out = missing_quantity = 0
    used: set[str] = set()
    for flows in baci.iter_year(zip_path, year):
        mapped = {}
        for column in ("i", "j"):
            used.update(pc.unique(flows[column]).to_pylist())
            index = pc.index_in(flows[column], value_set=codes)
            if index.null_count:
                unknown = pc.unique(pc.filter(flows[column], pc.is_null(index))).to_pylist()
                raise InputError(where, f"BACI country code(s) {sorted(unknown)[:10]} not in the "
                                        "release's country list or the crosswalk",
                                 key=f"column {column}")
            mapped[column] = pc.take(mapped_codes, index)
        table = pa.table({
            "year": pc.cast(flows["t"], pa.int64()),
            "exporter": mapped["i"],
            "importer": mapped["j"],
            "hs_revision": pa.repeat(revision, flows.num_rows),
            "hs6": flows["k"],
            "value_usd": pc.multiply(flows["v"], 1000.0),
            "quantity_kg": pc.multiply(flows["q"], 1000.0),
        })
        table = drop_non_countries(ledger.read(table), "exporter", historical_entities, ledger,
                                   reasons=leaving)
        rows_in, rows_out = rows_in + flows.num_rows, rows_out + table.num_rows
        missing_quantity += table["quantity_kg"].null_count
        yield from ledger.write(table, check=False).to_batches()
    _check_injective({code: crosswalk[code] for code in sorted(used)}, where)
    ledger.check()
    log.info("trade %s: %d flows in, %d out (%d without a quantity)", year, rows_in, rows_out,
             missing_quantity)


def _check_injective(crosswalk: dict[str, str], where) -> None:
    """Two BACI codes used in one year may not stand for one crosswalk code (their flows would
    collide on the harmonised key)."""
    seen: dict[str, str] = {}
    for code, mapped in crosswalk.items():
        if mapped in seen:
            raise InputError(where, f"BACI country codes {seen[mapped]} and {code} both stand for "
                                    f"{mapped}; expected one code per country", key="country_code")
        seen[mapped] = code


def _comtrade_exporters(records: pd.DataFrame, exports: pd.DataFrame, path) -> pd.Series:
    """The crosswalk code of each exporter of ``exports``, from the records' ``reporterCode``.

    comtrade.harmonise_exports names exporters by ``reporterISO``, which does not tell
    Belgium-Luxembourg (58) from Belgium or former Sudan (736) from Sudan; the numeric code does.
    """
    if "reporterCode" not in records:
        raise InputError(path, "missing Comtrade column(s) ['reporterCode']", key="header")
    codes = numeric_codes(records["reporterCode"].astype("string"), source="UN Comtrade",
                          path=path)
    iso = records["reporterISO"].map(lambda c: comtrade.REPORTER_OVERRIDES.get(c, c))
    pairs = pd.DataFrame({"iso": iso, "code": codes}).drop_duplicates()
    ambiguous = pairs[pairs["iso"].duplicated(keep=False)]
    if len(ambiguous):
        raise InputError(path, f"reporterISO {ambiguous['iso'].iloc[0]} stands for more than "
                               f"one reporterCode ({', '.join(ambiguous['code'])})",
                         key="reporterCode")
    return exports["exporter"].map(dict(zip(pairs["iso"], pairs["code"]))).astype("string")


def harmonise_comtrade_year(path: str | Path, year: int, *, historical_entities: str = "drop",
                            ledgers: list | None = None) -> pa.Table:
    """One year of stored Comtrade results as :data:`TRADE_COLUMNS` (importer ``WLD``: exports
    to the World; each row keeps the HS revision its reporter used)."""
    records = comtrade.read_records(path)
    exports = comtrade.harmonise_exports(records, path=path)
    wrong_year = exports["year"] != year
    if wrong_year.any():
        raise InputError(path, f"holds records for {sorted(set(exports.loc[wrong_year, 'year']))}; "
                               f"expected only {year}", key="refYear")
    ledger = _keep(ledgers, Ledger("harmonise_trade", "UN Comtrade", path, TRADE_MEASURES,
                                   part=str(year)))
    weight = records["netWgt"].where(records["netWgt"] > 0)  # 0: not reported
    measured = ledger.read(records.assign(value_usd=records["primaryValue"], quantity_kg=weight))
    ledger.filtered(measured, exports, "not a total export to the World (imports, partner "
                                           "countries, breakdowns by second partner, mode of "
                                           "transport or customs procedure)")
    exports["exporter"] = _comtrade_exporters(records, exports, path)
    exports = drop_non_countries(exports, "exporter", historical_entities, ledger)
    exports = ledger.drop(exports, exports["hs_code"].str.len() != 6,
                          "HS code not at six digits (a heading or chapter total)")
    table = exports.rename(columns={"hs_code": "hs6"})[TRADE_COLUMNS]
    log.info("Comtrade %s: %d records, %d six-digit exports kept", year, len(records), len(table))
    return ledger.write(pa.Table.from_pandas(table, preserve_index=False))


# --- prices ------------------------------------------------------------------------------------

def wdi_countries(path, indicator: str, column: str, policy: str, ledgers: list | None, *,
                  step: str = "harmonise_prices", non_negative: bool = False
                  ) -> tuple[pd.DataFrame, Ledger]:
    """One WDI download as country, year, ``column``: rows of ``indicator`` only, aggregates and
    (``policy``) historical entities dropped, each counted in the ledger of ``step`` (returned
    for the caller to write). ``non_negative``: a value below zero is an error."""
    values, meta = wdi.read_wdi_download(path)
    ledger = _keep(ledgers, Ledger(step, f"World Bank WDI {indicator}", path, [column]))
    values = ledger.read(values.rename(columns={"value": column}))
    values = ledger.drop(values, values["indicator_code"] != indicator, "another indicator")
    if values.empty:
        raise InputError(path, f"no rows for indicator {indicator}", key="Indicator Code")
    unknown = sorted(set(values["country_code"]) - set(meta["country_code"]))
    if unknown:
        raise InputError(path, f"country code(s) {unknown[:10]} missing from the country metadata",
                         key="Country Code")
    negative = values[column] < 0
    if non_negative and negative.any():
        first = values[negative].iloc[0]
        raise InputError(path, f"{indicator} of {first['country_code']} in {first['year']} is "
                               f"{first[column]}; expected a value not below zero",
                         key=str(first["year"]))
    aggregates = set(meta.loc[meta["is_aggregate"], "country_code"])
    values["country"] = iso3_codes(values["country_code"], source="World Bank WDI", path=path,
                                   aggregates=aggregates)
    values = drop_non_countries(values, "country", policy, ledger)
    log.info("%s: %d country values kept", indicator, len(values))
    return values[["country", "year", column]], ledger


def harmonise_prices(cpi_path, fx_path, base_year: int, *, historical_entities: str = "drop",
                     ledgers: list | None = None) -> pd.DataFrame:
    """CPI (published and rebased to ``base_year`` = 100) and LCU per USD by country and year.

    Each path is a WDI download as :func:`gvc_upgrading.wdi.read_wdi_download` reads it.
    """
    cpi, cpi_ledger = wdi_countries(cpi_path, "FP.CPI.TOTL", "cpi", historical_entities, ledgers)
    fx, fx_ledger = wdi_countries(fx_path, "PA.NUS.FCRF", "exchange_rate_lcu_per_usd",
                                   historical_entities, ledgers)
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
    cpi_ledger.write(prices[prices["cpi"].notna()])
    fx_ledger.write(prices[prices["exchange_rate_lcu_per_usd"].notna()])
    return prices.sort_values(["country", "year"], ignore_index=True)


def usd_deflator(prices: pd.DataFrame, country: str, base_year: int) -> pd.Series:
    """The CPI of ``country`` by year, ``base_year`` = 100: the deflator of US-dollar values
    (config ``prices.usd_deflator``; the United States' CPI turns current into constant USD)."""
    rows = prices[(prices["country"] == country) & prices["cpi"].notna()]
    cpi = rows.set_index("year")["cpi"]
    if base_year not in cpi.index:
        raise ValueError(f"prices.usd_deflator: no CPI of {country} in {base_year} in the prices "
                         f"table (it has {', '.join(map(str, cpi.index[:3]))}"
                         f"{' ...' if len(cpi) > 3 else ''})")
    return (cpi / cpi[base_year] * 100.0).rename("usd_deflator")


# --- labour: UNIDO INDSTAT ---------------------------------------------------------------------

#: INDSTAT tables holding money values (current USD or national currency) -> column name.
INDSTAT_MONEY_TABLES = {"05": "wages", "20": "value_added"}


def _sum_divisions(rows: pd.DataFrame, divisions: list[str], column: str, keys: list[str],
                   values: list[str], ledger: Ledger, unit: str | None = None) -> pd.DataFrame:
    """One row per ``keys`` with ``values`` summed over the chain's ``divisions`` (``column``
    holds each row's division). A group that lacks a division, or in which the first of
    ``values`` is missing, cannot be summed: its rows are dropped, counted in ``ledger``; so are
    groups whose ``unit`` differs between divisions. One division: ``rows`` as they are."""
    if len(divisions) == 1 or rows.empty:
        return rows
    grouped = rows.groupby(keys, dropna=False)
    complete = ((grouped[column].transform("nunique") == len(divisions))
                & rows[values[0]].notna().groupby([rows[k] for k in keys], dropna=False)
                .transform("all"))
    if unit is not None:
        complete &= grouped[unit].transform("nunique") == 1
    label = "+".join(divisions)
    rows = ledger.drop(rows, ~complete, f"not every ISIC division of {label} reported (in one "
                                        "unit) for the country and year: no sum")
    summed = rows.groupby(keys, as_index=False, dropna=False, sort=False).agg(
        {**{v: lambda x: x.sum(min_count=1) for v in values},
         **{c: "first" for c in rows.columns if c not in (*keys, *values)}})
    ledger.merge(len(rows), len(summed), f"ISIC divisions {label} summed")
    return summed.assign(**{column: label})[rows.columns]


def _indstat_chain(rows: pd.DataFrame, path, chain: str, divisions: list[str],
                   ledger: Ledger) -> pd.DataFrame:
    """Employees, wages and value added of the chain's ISIC division(s) (summed), one row per
    country-year.

    Each money column comes with its unit column (``wages_unit``, ``value_added_unit``).
    """
    rows = rows[rows["isic"].isin(divisions)]
    duplicated = rows.duplicated(["ctable", "country", "year", "isic"], keep=False)
    if duplicated.any():
        first = rows[duplicated].iloc[0]
        raise InputError(path, f"table {first['ctable']} holds more than one record for country "
                               f"{first['country']}, year {first['year']}, ISIC {first['isic']}; "
                               "expected one", row=int(rows.index[duplicated][0]) + 1, key="isic")
    rows = _sum_divisions(rows, divisions, "isic", ["ctable", "country", "year"],
                          ["value", "employment_persons"], ledger, unit="unit")
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
    ledger.merge(len(rows), len(merged), "employees, wages and value added of a country, year "
                                         "and value chain joined in one row")
    return merged


def _indstat_lcu(df: pd.DataFrame, name: str) -> np.ndarray:
    """Money column ``name`` in national currency: USD values ('$') times the year's LCU per USD."""
    usd = df[f"{name}_unit"] == "$"
    return np.where(usd, df[name] * df["exchange_rate_lcu_per_usd"], df[name])


def _select_chains(frame: pd.DataFrame, pieces: dict[str, pd.DataFrame], ledger: Ledger,
                   what: str) -> pd.DataFrame:
    """The rows that serve a value chain (``pieces``: chain -> its rows, index of ``frame``),
    tagged with the chain and keeping ``frame``'s index (the file rows; repeated for a row that
    serves two chains, which is counted as a copy); the other rows are counted as dropped."""
    selected = pd.concat([rows.assign(value_chain=chain) for chain, rows in pieces.items()])
    ledger.drop(frame, ~frame.index.isin(selected.index), f"{what} of no configured value chain")
    ledger.copy(selected[selected.index.duplicated()], "row serves more than one value chain")
    return selected


def _indstat_labour(path, gvcs: dict, chains: list[str], prices: pd.DataFrame,
                    years: tuple[int, int], policy: str, ledgers: list | None) -> pd.DataFrame:
    raw = indstat.read_indstat2(path)
    ledger = _keep(ledgers, Ledger("harmonise_labour", "UNIDO INDSTAT", path,
                                   ["employment_persons"]))
    raw = ledger.read(raw.assign(employment_persons=raw["value"].where(raw["ctable"] == "04")))
    raw = ledger.drop(raw, ~raw["ctable"].isin(["04", *INDSTAT_MONEY_TABLES]),
                      "table other than employees (04), wages (05) and value added (20)")
    raw = ledger.drop(raw, ~raw["year"].between(*years), "outside the configured years")
    divisions = {chain: isic_divisions(gvcs[chain]["isic"], "3") for chain in chains}
    selected = _select_chains(raw, {chain: raw[raw["isic"].isin(codes)]
                                    for chain, codes in divisions.items()}, ledger,
                              "ISIC division")
    df = pd.concat([_indstat_chain(selected[selected["value_chain"] == chain], path, chain,
                                   codes, ledger) for chain, codes in divisions.items()],
                   ignore_index=True)
    df["country"] = numeric_codes(df["country"], source="UNIDO INDSTAT", path=path)
    df = drop_non_countries(df, "country", policy, ledger)
    fx = prices[["country", "year", "exchange_rate_lcu_per_usd"]]
    df = df.merge(fx, on=["country", "year"], how="left")
    df["nominal_wage_per_employee_lcu"] = _indstat_lcu(df, "wages") / df["employment_persons"]
    df["value_added_lcu"] = _indstat_lcu(df, "value_added")
    df["labour_source"] = "indstat"
    df["isic_revision"] = "3"
    df["series_break"] = False
    log.info("INDSTAT: %d records read, %d country-chain-years for %s (%d with value added)",
             len(raw), len(df), ", ".join(chains), int(df["value_added_lcu"].notna().sum()))
    return ledger.write(df)


# --- labour: ILOSTAT ---------------------------------------------------------------------------

def _ilostat_activity(df: pd.DataFrame, column: str, prefix: str,
                      codes: dict[str, list[str]]) -> pd.DataFrame:
    """Rows whose activity code is one of ``codes`` (revision -> codes), tagged with the
    revision and the code (``activity``)."""
    parsed = df[column].str.extract(rf"^{prefix}_ISIC(?P<revision>[34])_(?P<code>[A-Z0-9]+)$")
    wanted = pd.Series(False, index=df.index)
    for revision, listed in codes.items():
        wanted |= (parsed["revision"] == revision) & parsed["code"].isin(listed)
    return df[wanted].assign(isic_revision=parsed.loc[wanted, "revision"],
                             activity=parsed.loc[wanted, "code"])


def bridge_isic_break(series: pd.DataFrame, value: str, policy: str,
                      ledger: Ledger) -> pd.DataFrame:
    """One value per country, value chain and year from series published in ISIC Rev.3 and Rev.4.

    Where both revisions cover a year (an overlap year), the Rev.4 value is kept. With ``policy``
    ``splice``, a series with an overlap year (both values positive) has its Rev.3 segment
    multiplied by the ratio Rev.4 / Rev.3 of the latest overlap year, so that the whole series is
    on the Rev.4 level; a series without an overlap year cannot be spliced and is flagged. With
    ``flag``, both segments keep their published values. ``series_break`` is true in each year
    whose revision differs from the series' previous year and that no splice bridges.
    """
    if policy not in ISIC_BREAK_POLICIES:
        raise ValueError(f"ISIC break policy {policy!r}; expected one of {ISIC_BREAK_POLICIES}")
    keys = ["country", "value_chain"]
    rev3 = series[series["isic_revision"] == "3"]
    rev4 = series[series["isic_revision"] == "4"]
    overlap = rev3.merge(rev4, on=[*keys, "year"], suffixes=("_3", "_4"))
    covered = series.set_index([*keys, "year"]).index.isin(
        overlap.set_index([*keys, "year"]).index) & (series["isic_revision"] == "3").to_numpy()
    series = ledger.drop(series, covered, "ISIC Rev.3 value in a year that Rev.4 also covers")
    spliced = pd.Series(False, index=series.index)
    if policy == "splice":
        usable = overlap[(overlap[f"{value}_3"] > 0) & (overlap[f"{value}_4"] > 0)]
        latest = usable.sort_values("year").groupby(keys).last()
        ratio = (latest[f"{value}_4"] / latest[f"{value}_3"]).rename("ratio")
        factor = series.join(ratio, on=keys)["ratio"]
        spliced = factor.notna()
        scale = spliced & (series["isic_revision"] == "3")
        before = series[scale]
        series = series.assign(**{value: series[value].where(~scale, series[value] * factor)})
        ledger.rescale(before, series[scale], "ISIC Rev.3 segment scaled to the Rev.4 level "
                                              "(ratio in the latest overlap year)")
        for row in latest.join(ratio).itertuples():
            log.info("%s %s: ISIC Rev.3 %s spliced to Rev.4 in %d (ratio %.4f)", *row.Index,
                     value, row.year, row.ratio)
    series = series.sort_values([*keys, "year"])
    previous = series.groupby(keys)["isic_revision"].shift()
    series["series_break"] = (previous.notna() & (previous != series["isic_revision"])
                              & ~spliced.reindex(series.index))
    return series.reset_index(drop=True)


#: Per ILOSTAT file: the value column (output units), the conversion from ``obs_value``, the
#: classification column with the activity, its prefix and ISIC level, and row filters.
_ILOSTAT_FILES = {
    "employment": {"value": "employment_persons", "factor": 1000.0,  # thousands -> persons
                   "activity": "classif2", "prefix": "EC2", "level": "division",
                   "filters": [("classif1", "AGE_YTHADULT_YGE15", "age group other than 15+")]},
    "earnings": {"value": "nominal_wage_per_employee_lcu", "factor": 12.0,  # monthly -> annual
                 "activity": "classif1", "prefix": "ECO", "level": "section",
                 "filters": [("sex", "SEX_T", "by sex (the total is kept)"),
                             ("classif2", "CUR_TYPE_LCU", "currency other than national")]},
}


def _activity_codes(isic: dict, level: str) -> dict[str, list[str]]:
    """ILOSTAT activity codes of a chain per revision: divisions (``C14``; several are summed)
    or the section (``C``; the divisions of one revision lie in one section)."""
    codes = {}
    for revision in ("3", "4"):
        divisions = isic_divisions(isic, revision)
        sections = sorted({isic_section(division, revision) for division in divisions})
        codes[revision] = ([isic_section(d, revision) + d for d in divisions]
                           if level == "division" else sections)
    return codes


def _ilostat_file(path, kind: str, gvcs: dict, chains: list[str], years: tuple[int, int],
                  policy: str, isic_break: str,
                  ledgers: list | None) -> tuple[pd.DataFrame, Ledger]:
    """One ILOSTAT file as one value per country, value chain and year, with its ledger."""
    spec = _ILOSTAT_FILES[kind]
    df = ilostat.read_ilostat_bulk(path)
    missing = [column for column, _, _ in spec["filters"] if column not in df.columns]
    if missing:
        raise InputError(path, f"expected column(s) {missing} in the ILOSTAT {kind} file",
                         key="header")
    value = spec["value"]
    ledger = _keep(ledgers, Ledger("harmonise_labour", f"ILOSTAT {kind}", path, [value]))
    df = ledger.read(df.assign(**{value: df["obs_value"] * spec["factor"]}))
    df = ledger.drop(df, df[value].isna(), "no value (obs_value empty)")
    df = ledger.drop(df, ~df["time"].between(*years), "outside the configured years")
    for column, kept, reason in spec["filters"]:
        df = ledger.drop(df, df[column] != kept, reason)
    aggregates = set(df["ref_area"][df["ref_area"].str.fullmatch(r"X\d\d")])
    df["country"] = iso3_codes(df["ref_area"], source="ILOSTAT", path=path, aggregates=aggregates)
    df = drop_non_countries(df.reset_index(drop=True), "country", policy, ledger)
    pieces = {chain: _ilostat_activity(df, spec["activity"], spec["prefix"],
                                       _activity_codes(gvcs[chain]["isic"], spec["level"]))
              for chain in chains}
    df = _select_chains(df, pieces, ledger, "economic activity").reset_index(drop=True)
    df = df.rename(columns={"time": "year"})
    if spec["level"] == "division":  # a chain of several divisions: their sum
        keys = ["country", "value_chain", "year", "isic_revision", "source"]
        df = pd.concat([_sum_divisions(df[(df["value_chain"] == chain)
                                          & (df["isic_revision"] == revision)],
                                       _activity_codes(gvcs[chain]["isic"], "division")[revision],
                                       "activity", keys, [value], ledger)
                        for chain in chains for revision in ("3", "4")], ignore_index=True)
    keys = ["country", "value_chain", "year", "isic_revision"]
    chosen = ilostat.pick_source(df, keys)
    df = ledger.drop(df, ~df.index.isin(chosen.index),
                     "lower-priority survey source for the same country, year and revision")
    df = bridge_isic_break(df, value, isic_break, ledger)
    return df[["country", "value_chain", "year", value, "isic_revision", "series_break"]], ledger


def _ilostat_labour(emp_path, ear_path, gvcs: dict, chains: list[str], years: tuple[int, int],
                    policy: str, isic_break: str, ledgers: list | None) -> pd.DataFrame:
    emp, emp_ledger = _ilostat_file(emp_path, "employment", gvcs, chains, years, policy,
                                    isic_break, ledgers)
    ear, ear_ledger = _ilostat_file(ear_path, "earnings", gvcs, chains, years, policy,
                                    isic_break, ledgers)
    df = emp.merge(ear.drop(columns="isic_revision"), on=["country", "value_chain", "year"],
                   how="outer", suffixes=("", "_earnings"))
    df["series_break"] = (df["series_break"].astype("boolean").fillna(False)
                          | df.pop("series_break_earnings").astype("boolean").fillna(False))
    df["labour_source"] = "ilostat"
    emp_ledger.write(df[df["employment_persons"].notna()])
    ear_ledger.write(df[df["nominal_wage_per_employee_lcu"].notna()])
    log.info("ILOSTAT: %d country-chain-years for %s (%d with an ISIC break flagged)", len(df),
             ", ".join(chains), int(df["series_break"].sum()))
    return df


def choose_labour_source(df: pd.DataFrame, gvcs: dict, fallback: str,
                         ledger: Ledger) -> pd.DataFrame:
    """Of the rows of chains with a list of labour sources, keep one source per country and
    chain (``fallback`` ``country``: a series never switches source) or per country, chain and
    year (``country_year``): the first source of the chain's list that has an employment value
    there, else the first that has a row. The rows of the other sources are dropped, counted in
    ``ledger``."""
    if fallback not in LABOUR_FALLBACKS:
        raise ValueError(f"harmonise.labour_fallback {fallback!r}; expected one of "
                         f"{LABOUR_FALLBACKS}")
    ledger.read(df)
    if df.empty:
        return ledger.write(df)
    keys = ["country", "value_chain"] + (["year"] if fallback == "country_year" else [])
    rank = [labour_sources(gvcs[chain]).index(source)
            for chain, source in zip(df["value_chain"], df["labour_source"])]
    scored = df.assign(_score=np.where(df["employment_persons"].notna(), 0, 100) + rank)
    best = scored.groupby(keys)["_score"].transform("min") % 100
    chosen = scored["_score"] % 100 == best
    where = "country, chain and year" if fallback == "country_year" else "country and chain"
    for source in LABOUR_SOURCES:
        df = ledger.drop(df, ~chosen.loc[df.index] & (df["labour_source"] == source),
                         f"{source} not used: a source earlier in the chain's labour_source "
                         f"list has employment for the {where}")
    log.info("labour source fallback (%s): %s", fallback, ", ".join(
        f"{source} {n}" for source, n in df["labour_source"].value_counts().sort_index().items()))
    return ledger.write(df)


def harmonise_labour(*, indstat_path, ilostat_employment_path, ilostat_earnings_path,
                     prices: pd.DataFrame, gvcs: dict, chains: list[str],
                     years: tuple[int, int], historical_entities: str = "drop",
                     isic_break: str = "splice", labour_fallback: str = "country",
                     ledgers: list | None = None) -> pd.DataFrame:
    """Employment and wages per country x value chain x year, each chain from its own source,
    or, for a chain with a list of sources, from the first with data
    (:func:`choose_labour_source`; ``labour_source`` says which per row).

    Real wage = nominal wage / CPI x CPI(base year), i.e. nominal / ``cpi_rebased`` x 100.
    """
    by_source: dict[str, list[str]] = {}
    for chain in chains:
        for source in labour_sources(gvcs[chain]):
            by_source.setdefault(source, []).append(chain)
    pieces = []
    if by_source.get("indstat"):
        pieces.append(_indstat_labour(indstat_path, gvcs, by_source["indstat"], prices, years,
                                      historical_entities, ledgers))
    if by_source.get("ilostat"):
        pieces.append(_ilostat_labour(ilostat_employment_path, ilostat_earnings_path, gvcs,
                                      by_source["ilostat"], years, historical_entities,
                                      isic_break, ledgers))
    df = pd.concat(pieces, ignore_index=True)
    fallback = df["value_chain"].isin([c for c in chains if len(labour_sources(gvcs[c])) > 1])
    if fallback.any():
        sources = sorted({s for c in chains for s in labour_sources(gvcs[c])})
        ledger = _keep(ledgers, Ledger("harmonise_labour", "labour source fallback",
                                       " + ".join(sources), ["employment_persons"]))
        df = pd.concat([df[~fallback], choose_labour_source(df[fallback], gvcs, labour_fallback,
                                                            ledger)], ignore_index=True)
    df = df.merge(prices[["country", "year", "cpi_rebased"]], on=["country", "year"], how="left")
    df["real_wage_per_employee_lcu"] = (df["nominal_wage_per_employee_lcu"] / df["cpi_rebased"]
                                        * 100.0)
    # reindex: ILOSTAT has no value added, so an ILOSTAT-only run has no such column yet
    df = df.reindex(columns=LABOUR_COLUMNS).astype({
        "country": "string", "value_chain": "string", "labour_source": "string",
        "isic_revision": "string", "year": "int64", "series_break": "bool",
        "value_added_lcu": "float64"})
    return df.sort_values(["value_chain", "country", "year"], ignore_index=True)
