"""Labour per country x value chain x year: employment in persons and the nominal and real wage
per employee in national currency, from each chain's configured labour source (UNIDO INDSTAT or
ILOSTAT), and value added in national currency and women's share of employees where the source
has them (INDSTAT tables 20 and 31 over 04, at the chain's own divisions).

ILOSTAT files are read by the generic reader (any layout, columns by name) and keep ILOSTAT's
flags: each value's survey ``source`` (``employment_source``, ``wage_source``), a break in
series (``employment_break``, ``wage_break``: a change of survey source or ISIC revision, or the
flag ``B``) and the flag ``U`` (``employment_unreliable``, ``wage_unreliable``). A change of ISIC
revision is bridged as ``isic_break`` says, a change of survey source as ``series_break`` says
(``splice`` on an overlap year, or ``flag``; :mod:`gvc_upgrading.harmonise.series`, shared with
the ILOSTAT dimensions); a break left flagged reaches the classification, which says which
verdicts rest on it (or, with ``series_break: drop``, drops the changes across it). A chain with
a list of labour sources takes one per country and chain, or per year
(:func:`choose_labour_source`). Rows are followed through
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
from .series import break_summary, check_policies, choose_series, mark_breaks, splice_breaks

log = logging.getLogger(__name__)

LABOUR_COLUMNS = LABOUR.names
LABOUR_FALLBACKS = ("country", "country_year")


#: Per labour variable, whether its value follows a break in series or is flagged unreliable.
FLAG_COLUMNS = ["employment_break", "wage_break", "employment_unreliable", "wage_unreliable"]


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
    df = df.assign(**dict.fromkeys(["series_break", *FLAG_COLUMNS], False))
    log.info("INDSTAT: %d records read, %d country-chain-years for %s (%d with value added, %d "
             "with women's share)", len(raw), len(df), ", ".join(chains),
             int(df["value_added_lcu"].notna().sum()),
             int(df["female_employment_share"].notna().sum()))
    return ledger.write(df)


# --- labour: ILOSTAT ---------------------------------------------------------------------------

#: Per ILOSTAT file: the value column (output units), the conversion from ``obs_value``, the
#: indicators it may hold, the ISIC level of its activity codes (``EC2_`` divisions or ``ECO_``
#: sections), and the breakdowns whose other codes are dropped (code prefix -> kept code, why
#: the others go). Columns are found by name by the generic reader
#: (:func:`gvc_upgrading.sources.ilostat.read_indicator`), the activity in whichever of
#: ``classif1`` and ``classif2`` holds it: by-age files have the age in ``classif1`` and the
#: activity in ``classif2``, by-sex files the activity in ``classif1``.
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
#: reader as outside its unit's range (:func:`gvc_upgrading.sources.ilostat.indicator_unit`,
#: logged there).
IMPLAUSIBLE_OR_EMPTY = "no value (obs_value empty, or implausible and set to missing)"
#: The sex breakdown: the total is kept.
_SEX_TOTAL = ("SEX_T", "by sex (the total is kept)")
#: Columns of a harmonised ILOSTAT labour variable, beside the keys and its value.
ILOSTAT_SERIES = ["isic_revision", "source", "series_break", "unreliable"]


def _code_prefixes(values: pd.Series) -> set[str]:
    """The prefixes (``AGE``, ``EC2``, ``CUR``, ...) of the codes of a categorical column, whose
    categories may join two codes with :data:`~gvc_upgrading.sources.ilostat.CLASSIF_SEPARATOR`."""
    return {code.split("_")[0] for category in values.cat.categories
            for code in str(category).split(ilostat.CLASSIF_SEPARATOR)}


def _check_breakdowns(df: pd.DataFrame, path, kind: str, indicator: str) -> None:
    """The file classifies by the activity codes of its kind (and, for earnings by currency, by
    currency); otherwise an InputError naming the file and the codes it holds."""
    spec = _ILOSTAT_FILES[kind]
    activities = _code_prefixes(df["activity"])
    others = _code_prefixes(df["classif_other"])
    needed = [spec["prefix"]] + (["CUR"] if "_CUR_" in indicator and "CUR" in spec["kept"]
                                 else [])
    missing = [prefix for prefix in needed if prefix not in activities | others]
    if missing:
        found = ", ".join(f"{p}_" for p in sorted(activities | others)) or "none"
        raise InputError(path, f"no classif column holds {', '.join(p + '_' for p in missing)} "
                               f"codes (found {found}); expected the ILOSTAT {kind} file to "
                               f"classify {indicator} by them", key="header")


def _ilostat_indicator(df: pd.DataFrame, path, kind: str, expected: str | None) -> str:
    """The file's indicator: one, the one its name and the registry (``expected``) say, and of
    the kind the file stands for."""
    indicator = ilostat.check_indicator(df, path, expected)
    spec = _ILOSTAT_FILES[kind]
    if not re.match(spec["indicator"], indicator):
        raise InputError(path, f"indicator {indicator} is given as the ILOSTAT {kind} file; "
                               f"expected {spec['what']}", row=2, key="indicator")
    return indicator


def _other_code_kept(other: pd.Series, prefix: str, kept: str) -> np.ndarray:
    """True where the row's code of breakdown ``prefix`` (in ``classif_other``) is ``kept``, or
    the row has no code of that breakdown."""
    def keep(category) -> bool:
        codes = [c for c in str(category).split(ilostat.CLASSIF_SEPARATOR)
                 if c.startswith(f"{prefix}_")]
        return not codes or kept in codes

    lookup = np.array([keep(c) for c in other.cat.categories] + [True])
    return lookup[other.cat.codes.to_numpy()]


def _chain_activity(df: pd.DataFrame, isic: dict, level: str) -> np.ndarray:
    """Rows whose activity is the chain's: its ISIC divisions, or the section holding them, in
    either revision."""
    wanted = np.zeros(len(df), dtype=bool)
    for revision in ("3", "4"):
        divisions = isic_divisions(isic, revision)
        codes = divisions if level == "division" else sorted(
            {isic_section(d, revision) for d in divisions})
        wanted |= ((df["isic_level"] == level) & (df["isic_revision"] == revision)
                   & df["isic_code"].isin(codes)).to_numpy(dtype=bool)
    return wanted


def _combined_status(df: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per group of ``keys``: ``B`` where a row is flagged B, else ``U`` where one is flagged U,
    else the row's own status (the flags of a sum of divisions)."""
    status = df["obs_status"].astype("string")
    flagged = {flag: (status == flag).fillna(False).groupby([df[k] for k in keys], dropna=False)
               .transform("any") for flag in ("B", "U")}
    return status.mask(flagged["U"], "U").mask(flagged["B"], "B")


def _ilostat_file(path, kind: str, gvcs: dict, chains: list[str], years: tuple[int, int],
                  policy: str, breaks: tuple[str, str], ledgers: list | None,
                  indicator: str | None = None) -> tuple[pd.DataFrame, Ledger]:
    """One ILOSTAT file as one value per country, value chain and year, with its survey source,
    ISIC revision and flags (:data:`ILOSTAT_SERIES`), and its ledger (``indicator``: the
    registry entry's, checked against the file; ``breaks``: the ISIC and series break policies).
    """
    spec = _ILOSTAT_FILES[kind]
    # any layout ILOSTAT publishes; a value beyond its unit's range is set to missing, logged
    df = ilostat.read_indicator(path, impossible="missing")
    found = _ilostat_indicator(df, path, kind, indicator)
    _check_breakdowns(df, path, kind, found)
    value = spec["value"]
    ledger = keep_ledger(ledgers, Ledger("harmonise_labour", f"ILOSTAT {kind}", path, [value]))
    df = ledger.read(df.assign(**{value: df["value"] * spec["factor"]}))
    df = ledger.drop(df, df[value].isna(), IMPLAUSIBLE_OR_EMPTY)
    df = _drop_other_years(df, "year", years, path, ledger)
    for prefix, (kept, reason) in spec["kept"].items():
        df = ledger.drop(df, ~_other_code_kept(df["classif_other"], prefix, kept), reason)
    df = ledger.drop(df, (df["sex"] != _SEX_TOTAL[0]).to_numpy(dtype=bool), _SEX_TOTAL[1])
    df = df.astype({c: "string" for c in ("country", "source", "source_type", "isic_revision",
                                          "isic_code", "isic_level", "obs_status")})
    aggregates = set(df["country"][df["country"].str.fullmatch(r"X\d\d").fillna(False)])
    df["country"] = iso3_codes(df["country"], source="ILOSTAT", path=path, aggregates=aggregates)
    df = drop_non_countries(df.reset_index(drop=True), "country", policy, ledger)
    df = _select_chains(df, {chain: df[_chain_activity(df, gvcs[chain]["isic"], spec["level"])]
                             for chain in chains}, ledger, "economic activity").reset_index(
        drop=True)
    if spec["level"] == "division":  # a chain of several divisions: their sum
        keys = ["country", "value_chain", "year", "isic_revision", "source"]
        df = df.assign(obs_status=_combined_status(df, keys))
        df = pd.concat([_sum_divisions(df[(df["value_chain"] == chain)
                                          & (df["isic_revision"] == revision)],
                                       isic_divisions(gvcs[chain]["isic"], revision),
                                       "isic_code", keys, [value], ledger)
                        for chain in chains for revision in ("3", "4")], ignore_index=True)
    keys = ["country", "value_chain"]
    series = mark_breaks(choose_series(df, keys, ledger), keys)
    series = splice_breaks(series, df, keys, value, *breaks, ledger)
    log.info("ILOSTAT %s: %s", kind, break_summary(series))
    return series[["country", "value_chain", "year", value, *ILOSTAT_SERIES]], ledger


def _ilostat_labour(emp_path, ear_path, gvcs: dict, chains: list[str], years: tuple[int, int],
                    policy: str, breaks: tuple[str, str], ledgers: list | None,
                    indicators: dict[str, str | None]) -> pd.DataFrame:
    emp, emp_ledger = _ilostat_file(emp_path, "employment", gvcs, chains, years, policy,
                                    breaks, ledgers, indicators.get("employment"))
    ear, ear_ledger = _ilostat_file(ear_path, "earnings", gvcs, chains, years, policy,
                                    breaks, ledgers, indicators.get("earnings"))
    flags = {"source": "source", "series_break": "break", "unreliable": "unreliable"}
    emp = emp.rename(columns={c: f"employment_{name}" for c, name in flags.items()})
    ear = ear.drop(columns="isic_revision").rename(
        columns={c: f"wage_{name}" for c, name in flags.items()})
    df = emp.merge(ear, on=["country", "value_chain", "year"], how="outer")
    for column in FLAG_COLUMNS:
        df[column] = df[column].astype("boolean").fillna(False).astype(bool)
    df["series_break"] = df["employment_break"] | df["wage_break"]
    df["labour_source"] = "ilostat"
    emp_ledger.write(df[df["employment_persons"].notna()])
    ear_ledger.write(df[df["nominal_wage_per_employee_lcu"].notna()])
    log.info("ILOSTAT: %d country-chain-years for %s (%d with a break in series, %d with an "
             "unreliable value)", len(df), ", ".join(chains), int(df["series_break"].sum()),
             int((df["employment_unreliable"] | df["wage_unreliable"]).sum()))
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
                     isic_break: str = "splice", series_break: str = "flag",
                     labour_fallback: str = "country",
                     ilostat_indicators: dict[str, str | None] | None = None,
                     ledgers: list | None = None) -> pd.DataFrame:
    """Employment and wages per country x value chain x year, each chain from its own source,
    or, for a chain with a list of sources, from the first with data
    (:func:`choose_labour_source`; ``labour_source`` says which per row).
    ``ilostat_indicators`` (``employment``, ``earnings``) are the registry's indicators of the
    two ILOSTAT files, checked against the files' ``indicator`` column; ``isic_break`` and
    ``series_break`` the policies at a change of ISIC revision and of survey source
    (:mod:`gvc_upgrading.harmonise.series`).

    Real wage = nominal wage / CPI x CPI(base year), i.e. nominal / ``cpi_rebased`` x 100.
    """
    check_policies(isic_break, series_break)
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
                                      (isic_break, series_break), ledgers,
                                      ilostat_indicators or {}))
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
        "value_added_lcu": "float64", "employment_source": "string", "wage_source": "string",
        **dict.fromkeys(FLAG_COLUMNS, "bool")})
    return df.sort_values(["value_chain", "country", "year"], ignore_index=True)
