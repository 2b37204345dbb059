"""Labour per country x value chain x year: employment in persons and the nominal and real wage
per employee in national currency, from each chain's configured labour source (UNIDO INDSTAT or
ILOSTAT), and value added in national currency and women's share of employees where the source
has them (INDSTAT tables 20 and 31 over 04, at the chain's own divisions).

Series published in ISIC Rev.3 and Rev.4 are bridged as ``isic_break`` says
(:func:`bridge_isic_break`: ``splice`` or ``flag``); a chain with a list of labour sources takes
one per country and chain, or per year (:func:`choose_labour_source`). Rows are followed through
:class:`~gvc_upgrading.harmonise.accounting.Ledger` as in every harmonisation step.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from ..errors import InputError
from ..sources import ilostat, indstat
from ..valuechains import LABOUR_SOURCES, isic_divisions, isic_section, labour_sources
from .accounting import Ledger, keep_ledger
from .countries import (
    drop_non_countries,
    iso3_codes,
    numeric_codes,
)
from .schema import LABOUR

log = logging.getLogger(__name__)

LABOUR_COLUMNS = LABOUR.names
ISIC_BREAK_POLICIES = ("splice", "flag")
LABOUR_FALLBACKS = ("country", "country_year")


# --- labour: UNIDO INDSTAT ---------------------------------------------------------------------

#: INDSTAT tables holding money values (current USD or national currency) -> column name.
INDSTAT_MONEY_TABLES = {"05": "wages", "20": "value_added"}
#: INDSTAT tables counting persons (unit ``#``) -> column name: employees and female employees.
INDSTAT_PERSON_TABLES = {"04": "employment_persons", "31": "female_employees"}


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
    """Employees, female employees, wages and value added of the chain's ISIC division(s)
    (summed), one row per country-year.

    Each money column comes with its unit column (``wages_unit``, ``value_added_unit``); the
    counts (tables 04 and 31) must be in persons (``#``).
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
    merged = pd.DataFrame({"country": pd.Series(dtype="string"),
                           "year": pd.Series(dtype="int64")})
    for ctable, name in INDSTAT_PERSON_TABLES.items():
        counts = rows[rows["ctable"] == ctable]
        wrong = counts["unit"] != "#"
        if wrong.any():
            raise InputError(path, f"{indstat.TABLES[ctable].replace('_', ' ')} (table {ctable}) "
                                   f"must be counted in persons (unit '#'), not "
                                   f"{counts['unit'][wrong].iloc[0]!r}",
                             row=int(counts.index[wrong][0]) + 1 if len(divisions) == 1 else None,
                             key="unit")
        merged = merged.merge(counts[["country", "year", "value"]].rename(columns={"value": name}),
                              on=["country", "year"], how="outer")
    for ctable, name in INDSTAT_MONEY_TABLES.items():
        money = rows[rows["ctable"] == ctable]
        if (money["unit"] == "#").any():
            raise InputError(path, f"{name} (table {ctable}) must be in '$' or 'LCU', not '#'",
                             key="unit")
        money = money[["country", "year", "value", "unit"]].rename(
            columns={"value": name, "unit": f"{name}_unit"})
        merged = merged.merge(money, on=["country", "year"], how="outer")
    merged["value_chain"] = chain
    ledger.merge(len(rows), len(merged), "employees, female employees, wages and value added of "
                                         "a country, year and value chain joined in one row")
    return merged


def female_share(df: pd.DataFrame, path) -> pd.Series:
    """Women's share of employees, per cent: female employees (INDSTAT table 31) over employees
    (table 04) x 100, NaN where either is missing or employees are not positive. A share above
    100 (more female employees than employees: tables of different coverage) is set to missing
    with a warning that counts the country-years and names them."""
    employees = df["employment_persons"].where(df["employment_persons"] > 0)
    share = df["female_employees"] / employees * 100.0
    above = share > 100.0
    if above.any():
        cases = df.loc[above, ["country", "value_chain", "year"]].astype(str).agg(
            " ".join, axis=1).tolist()
        log.warning("%s: %d country-chain-year(s) with more female employees (table 31) than "
                    "employees (table 04): women's share set to missing: %s%s", path,
                    len(cases), ", ".join(cases[:10]),
                    " ..." if len(cases) > 10 else "")
    return share.where(~above)


def _drop_other_years(df: pd.DataFrame, column: str, years: tuple[int, int], path,
                      ledger: Ledger) -> pd.DataFrame:
    """Rows outside the configured ``years`` dropped (counted in ``ledger``); a file with no row
    inside them is an InputError (its years are far from the configuration's)."""
    outside = ~df[column].between(*years)
    if len(df) and outside.all():
        raise InputError(path, f"holds years {df[column].min()}-{df[column].max()} only; expected "
                               f"observations in the configured years {years[0]}-{years[1]} "
                               "(config key years)", key=column)
    return ledger.drop(df, outside, "outside the configured years")


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
    ledger = keep_ledger(ledgers, Ledger("harmonise_labour", "UNIDO INDSTAT", path,
                                   ["employment_persons"]))
    raw = ledger.read(raw.assign(employment_persons=raw["value"].where(raw["ctable"] == "04")))
    raw = ledger.drop(raw, ~raw["ctable"].isin([*INDSTAT_PERSON_TABLES, *INDSTAT_MONEY_TABLES]),
                      "table other than employees (04), wages (05), value added (20) and "
                      "female employees (31)")
    raw = _drop_other_years(raw, "year", years, path, ledger)
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
    df["female_employment_share"] = female_share(df, path)
    df["labour_source"] = "indstat"
    df["isic_revision"] = "3"
    df["series_break"] = False
    log.info("INDSTAT: %d records read, %d country-chain-years for %s (%d with value added, %d "
             "with women's share)", len(raw), len(df), ", ".join(chains),
             int(df["value_added_lcu"].notna().sum()),
             int(df["female_employment_share"].notna().sum()))
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
#: indicators it may hold, the prefix and ISIC level of its activity codes, and the
#: classifications whose other codes are dropped (code prefix -> kept code, why the others go).
#: Which column holds what is found by name and by the codes it holds (:func:`_ilostat_roles`):
#: by-age files have the age in ``classif1`` and the activity in ``classif2``, by-sex files the
#: activity in ``classif1``.
_ILOSTAT_FILES = {
    "employment": {"value": "employment_persons", "factor": 1000.0,  # thousands -> persons
                   "indicator": r"^EMP_.*_NB$", "what": "employment in thousands (EMP_..._NB)",
                   "prefix": "EC2", "level": "division",
                   "kept": {"AGE": ("AGE_YTHADULT_YGE15", "age group other than 15+")}},
    "earnings": {"value": "nominal_wage_per_employee_lcu", "factor": 12.0,  # monthly -> annual
                 "indicator": r"^EAR_.*_NB$", "what": "earnings (EAR_..._NB)",
                 "prefix": "ECO", "level": "section",
                 "kept": {"CUR": ("CUR_TYPE_LCU", "currency other than national")}},
}
#: Ledger reason of ILOSTAT rows without a value: empty in the file, or set to missing by the
#: reader as implausible (:data:`gvc_upgrading.sources.ilostat.VALUE_RANGES`, logged there).
IMPLAUSIBLE_OR_EMPTY = "no value (obs_value empty, or implausible and set to missing)"
#: The sex breakdown: the total is kept.
_SEX_TOTAL = ("SEX_T", "by sex (the total is kept)")
_CLASSIFICATIONS = ("classif1", "classif2")


def _ilostat_roles(df: pd.DataFrame, path, kind: str, indicator: str) -> dict[str, str]:
    """Which column holds the activity and which hold the filtered classifications (a code
    prefix of :data:`_ILOSTAT_FILES` -> column), found by the codes each ``classif`` column
    holds. A missing activity column, or a currency column missing from an indicator by
    currency (``..._CUR_...``), is an InputError naming the file."""
    spec = _ILOSTAT_FILES[kind]
    prefixes = {column: set(df[column].str.split("_").str[0].dropna().unique())
                for column in _CLASSIFICATIONS if column in df.columns}
    found = ", ".join(f"{column}: {sorted(codes)[:4]}" for column, codes in prefixes.items())
    roles = {}
    for prefix in (spec["prefix"], *spec["kept"]):
        holders = [column for column, codes in prefixes.items() if prefix in codes]
        if len(holders) > 1:
            raise InputError(path, f"{' and '.join(holders)} both hold {prefix}_ codes; expected "
                                   f"one classification column per breakdown", key="header")
        if holders:
            roles[prefix] = holders[0]
    needed = [spec["prefix"]] + (["CUR"] if "_CUR_" in indicator and "CUR" in spec["kept"]
                                 else [])
    missing = [prefix for prefix in needed if prefix not in roles]
    if missing:
        raise InputError(path, f"no classif column holds {', '.join(p + '_' for p in missing)} "
                               f"codes (found {found or 'no classif column'}); expected the "
                               f"ILOSTAT {kind} file to classify {indicator} by them",
                         key="header")
    return roles


def _ilostat_indicator(df: pd.DataFrame, path, kind: str, expected: str | None) -> str:
    """The file's indicator: one, the one its name and the registry (``expected``) say, and of
    the kind the file stands for."""
    indicator = ilostat.check_indicator(df, path, expected)
    spec = _ILOSTAT_FILES[kind]
    if not re.match(spec["indicator"], indicator):
        raise InputError(path, f"indicator {indicator} is given as the ILOSTAT {kind} file; "
                               f"expected {spec['what']}", row=2, key="indicator")
    return indicator


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
                  policy: str, isic_break: str, ledgers: list | None,
                  indicator: str | None = None) -> tuple[pd.DataFrame, Ledger]:
    """One ILOSTAT file as one value per country, value chain and year, with its ledger
    (``indicator``: the registry entry's, checked against the file)."""
    spec = _ILOSTAT_FILES[kind]
    df = ilostat.read_ilostat_bulk(path)
    roles = _ilostat_roles(df, path, kind, _ilostat_indicator(df, path, kind, indicator))
    filters = [(roles[prefix], kept, reason) for prefix, (kept, reason) in spec["kept"].items()
               if prefix in roles] + ([("sex", *_SEX_TOTAL)] if "sex" in df.columns else [])
    value = spec["value"]
    ledger = keep_ledger(ledgers, Ledger("harmonise_labour", f"ILOSTAT {kind}", path, [value]))
    df = ledger.read(df.assign(**{value: df["obs_value"] * spec["factor"]}))
    df = ledger.drop(df, df[value].isna(), IMPLAUSIBLE_OR_EMPTY)
    df = _drop_other_years(df, "time", years, path, ledger)
    for column, kept, reason in filters:
        df = ledger.drop(df, df[column] != kept, reason)
    aggregates = set(df["ref_area"][df["ref_area"].str.fullmatch(r"X\d\d")])
    df["country"] = iso3_codes(df["ref_area"], source="ILOSTAT", path=path, aggregates=aggregates)
    df = drop_non_countries(df.reset_index(drop=True), "country", policy, ledger)
    pieces = {chain: _ilostat_activity(df, roles[spec["prefix"]], spec["prefix"],
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
                    policy: str, isic_break: str, ledgers: list | None,
                    indicators: dict[str, str | None]) -> pd.DataFrame:
    emp, emp_ledger = _ilostat_file(emp_path, "employment", gvcs, chains, years, policy,
                                    isic_break, ledgers, indicators.get("employment"))
    ear, ear_ledger = _ilostat_file(ear_path, "earnings", gvcs, chains, years, policy,
                                    isic_break, ledgers, indicators.get("earnings"))
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
                     ilostat_indicators: dict[str, str | None] | None = None,
                     ledgers: list | None = None) -> pd.DataFrame:
    """Employment and wages per country x value chain x year, each chain from its own source,
    or, for a chain with a list of sources, from the first with data
    (:func:`choose_labour_source`; ``labour_source`` says which per row).
    ``ilostat_indicators`` (``employment``, ``earnings``) are the registry's indicators of the
    two ILOSTAT files, checked against the files' ``indicator`` column.

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
                                      isic_break, ledgers, ilostat_indicators or {}))
    df = pd.concat(pieces, ignore_index=True)
    fallback = df["value_chain"].isin([c for c in chains if len(labour_sources(gvcs[c])) > 1])
    if fallback.any():
        sources = sorted({s for c in chains for s in labour_sources(gvcs[c])})
        ledger = keep_ledger(ledgers, Ledger("harmonise_labour", "labour source fallback",
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
