"""Dimensions of upgrading read from raw ILOSTAT files, harmonised to one value per country x
value chain x year and sex, in one long table (:data:`DIMENSION_TABLE`).

For each dimension of the registry (:mod:`gvc_upgrading.dimensions`) whose source is an ILOSTAT
file, :func:`harmonise_dimension` reads the file with the generic reader
(:func:`gvc_upgrading.sources.ilostat.read_indicator`), maps countries through the one crosswalk,
keeps one survey source per series, and selects the rows of the level the registry states:

- ``division`` / ``section``: the ISIC division or section holding each chain (Rev.3 and Rev.4
  codes; where both revisions cover a year, the Rev.4 value is kept and the change of revision
  flags a series break);
- ``sector``: ILOSTAT's agriculture / non-agriculture split: agricultural chains (ISIC section A)
  take agriculture, every other chain non-agriculture;
- ``country``: the whole economy (no activity, or the all-activities total), applied to every
  chain of the country and marked ``level`` ``country``.

The ``measure`` turns the rows into the dimension's value: ``value`` as published;
``female_share`` women's share of the total (per cent); ``gender_gap`` (men - women) / men
(per cent); ``per_100000_employed`` the counts over employment in the same activity (thousands
of employed persons from ``denominator``) x 100,000.

ILOSTAT's flags travel with each value: ``obs_status`` B (break in series) or a change of the
survey ``source`` or ISIC revision within a series sets ``series_break``; U sets ``unreliable``
(:mod:`gvc_upgrading.harmonise.series`, shared with the labour table; the dimensions are
flagged, not spliced). :func:`dimension_flags` lists per country x value chain x year the
indicator columns whose value follows a break or is unreliable, for the indicator table. Every step is
counted in a :class:`~gvc_upgrading.harmonise.accounting.Ledger`.

Bad input: what the reader refuses (:func:`gvc_upgrading.sources.ilostat.read_indicator`), and a
file with no observation in the configured years, with no value left in them (all empty, or all
outside their unit's range and set to missing with a warning), or, for a dimension measured by
economic activity, without a column of activity codes, is an :class:`InputError` naming the file.
:func:`harmonise_dimensions` is the whole rule: every ILOSTAT dimension in use, with the
employment that a rate per 100,000 employed divides by.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from ..dimensions import Dimension
from ..errors import InputError
from ..sources import ilostat
from ..valuechains import isic_divisions, isic_section
from .accounting import Ledger, keep_ledger
from .countries import drop_non_countries, iso3_codes
from .schema import Column, TableSchema
from .series import choose_series, mark_breaks

log = logging.getLogger(__name__)

SEXES = {"SEX_T": "total", "SEX_F": "female", "SEX_M": "male"}
DIMENSION_TABLE = TableSchema("harmonised dimensions", (
    Column("country", "string", "crosswalk code (ISO3 for countries)", nullable=False,
           pattern=r"^[A-Z][A-Z0-9]{2}$"),
    Column("value_chain", "string", "value chain id", nullable=False),
    Column("year", "int64", "calendar year", nullable=False, minimum=1900),
    Column("dimension", "string", "dimension id (config/dimensions.yaml)", nullable=False),
    Column("sex", "string", "total, female or male", nullable=False,
           allowed=("total", "female", "male")),
    Column("value", "float64", "the dimension's unit (config/dimensions.yaml)"),
    Column("level", "string", "what the value describes", nullable=False,
           allowed=("division", "section", "sector", "country")),
    Column("activity", "string", "ILOSTAT activity code of the value (empty: whole economy)"),
    Column("source", "string", "ILOSTAT survey source of the value"),
    Column("series_break", "bool", "break in series (B flag, survey or ISIC revision change)",
           nullable=False),
    Column("unreliable", "bool", "ILOSTAT flag U (unreliable)", nullable=False),
), key=("country", "value_chain", "year", "dimension", "sex"))
KEYS = ["country", "value_chain", "year"]
#: Of a breakdown other than activity and sex (age, currency), the totals are kept: codes that
#: end in one of these (all ages, 15 and over, national currency).
OTHER_TOTALS = ("_TOTAL", "_YGE15", "CUR_TYPE_LCU")


def _other_is_total(other: pd.Series) -> pd.Series:
    """True where the other classification(s) of a row are totals (or there are none)."""
    parts = other.fillna("").str.split(ilostat.CLASSIF_SEPARATOR, regex=False)
    return parts.map(lambda codes: all(c == "" or c.endswith(OTHER_TOTALS) for c in codes))


def _chain_activity(isic: dict, level: str, revision: str) -> list[str]:
    """The ILOSTAT ``isic_code`` values of a chain at ``level`` in ISIC ``revision``."""
    divisions = isic_divisions(isic, revision)
    if level == "division":
        return divisions
    sections = sorted({isic_section(d, revision) for d in divisions})
    if level == "section":
        return sections
    return ["AGR"] if sections == ["A"] else ["NAG"]  # sector


def _select_level(df: pd.DataFrame, dim: Dimension, gvcs: dict, chains: list[str],
                  ledger: Ledger) -> pd.DataFrame:
    """The rows of each chain at the dimension's level, with ``value_chain`` set."""
    if dim.level == "country":
        whole = df["activity"].isna() | (df["isic_level"] == "total")
        rows = ledger.drop(df, ~whole, "an activity breakdown of a whole-economy dimension")
        copies = pd.concat([rows.assign(value_chain=chain) for chain in chains])
        ledger.copy(copies[copies.index.duplicated()], "whole-economy value applied to every "
                                                      "value chain of the country")
        return copies.reset_index(drop=True)
    wanted_level = "aggregate" if dim.level == "sector" else dim.level
    pieces = []
    for chain in chains:
        for revision in ("3", "4"):
            codes = _chain_activity(gvcs[chain]["isic"], dim.level, revision)
            match = (df["isic_level"] == wanted_level) & df["isic_code"].isin(codes)
            if dim.level != "sector":
                match &= df["isic_revision"] == revision
            elif revision == "4":
                continue
            pieces.append(df[match].assign(value_chain=chain))
    chosen = pd.concat(pieces) if pieces else df.iloc[:0].assign(value_chain="")
    ledger.drop(df, ~df.index.isin(chosen.index), f"activity other than the chains' {dim.level}")
    ledger.copy(chosen[chosen.index.duplicated()], "row serves more than one value chain")
    if dim.level == "division":  # a chain of several divisions: their sum
        keys = [*KEYS, "sex", "isic_revision", "source"]
        summed = chosen.assign(value=chosen.groupby(keys)["value"].transform("sum"))
        rows_before = len(summed)
        chosen = summed.drop_duplicates(keys)
        ledger.merge(rows_before, len(chosen), "divisions of one chain summed")
    return chosen.reset_index(drop=True)


def _one_series(df: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """One value per country, chain, year and sex: the preferred survey source, then Rev.4 where
    both revisions cover a year; breaks flagged where the source or revision changes or ILOSTAT
    flags B, unreliable values where it flags U (:mod:`gvc_upgrading.harmonise.series`, as for
    the labour table)."""
    keys = ["country", "value_chain", "sex"]
    series = mark_breaks(choose_series(df, keys, ledger), keys)
    return series.drop(columns=["previous_source", "previous_revision"])


def _measure(df: pd.DataFrame, dim: Dimension, denominator: pd.DataFrame | None) -> pd.DataFrame:
    """Rows of the dimension's value from the selected series (see the module docstring)."""
    measure = dim.source["measure"]
    if measure == "value":
        return df if dim.by_sex else df[df["sex"] == "total"]
    wide = df.pivot_table(index=KEYS, columns="sex", values="value", aggfunc="first")
    flags = df.groupby(KEYS).agg(series_break=("series_break", "any"),
                                 unreliable=("unreliable", "any"), level=("level", "first"),
                                 activity=("activity", "first"), source=("source", "first"))
    if measure == "female_share":
        value = wide.get("female") / wide.get("total") * 100.0
    elif measure == "gender_gap":
        value = (wide.get("male") - wide.get("female")) / wide.get("male") * 100.0
    else:  # per_100000_employed
        employed = denominator.set_index(KEYS)["value"].reindex(wide.index)
        value = wide.get("total") / (employed * 1000.0) * 100_000.0
    out = flags.join(value.rename("value")).reset_index()
    return out.assign(sex="total")


def harmonise_dimension(dim: Dimension, path, *, gvcs: dict, chains: list[str],
                        years: tuple[int, int], historical_entities: str = "drop",
                        denominator: pd.DataFrame | None = None,
                        ledgers: list | None = None) -> pd.DataFrame:
    """One ILOSTAT dimension as rows of :data:`DIMENSION_TABLE` (see the module docstring).
    ``denominator``: for ``per_100000_employed``, the total employment (thousands) per country,
    chain and year at the same level, e.g. from :func:`harmonise_dimension` of the employment
    file with measure ``value``."""
    indicator = dim.source["indicator"]
    # a value beyond its unit's range (414 hours a week) is set to missing with a warning
    df = ilostat.read_indicator(path, indicator, years=years, impossible="missing")
    _check_usable(df, dim, path, years)
    df = df.astype({c: "string" for c in df.columns if c not in ("year", "value")})
    ledger = keep_ledger(ledgers, Ledger("harmonise_dimensions", f"ILOSTAT {indicator}", path,
                                         ["value"], part=dim.id))
    df = ledger.read(df)
    df = ledger.drop(df, df["value"].isna(), "no value (obs_value empty)")
    df = ledger.drop(df, ~_other_is_total(df["classif_other"]),
                     "a breakdown by age or currency (the total or national currency is kept)")
    df = ledger.drop(df, ~df["sex"].isin(list(SEXES)), "sex other than total, women or men")
    if dim.source["measure"] == "value" and not dim.by_sex:
        df = ledger.drop(df, df["sex"] != "SEX_T", "women and men (the dimension uses the total)")
    df = df.assign(sex=df["sex"].map(SEXES))
    aggregates = set(df["country"][df["country"].astype(str).str.fullmatch(r"X\d\d")])
    df = df.assign(country=iso3_codes(df["country"].astype("string"), source="ILOSTAT",
                                      path=path, aggregates=aggregates))
    df = drop_non_countries(df.reset_index(drop=True), "country", historical_entities, ledger)
    df = _select_level(df.reset_index(drop=True), dim, gvcs, chains, ledger)
    df = _one_series(df.assign(level=dim.level), ledger)
    ledger.write(df)  # the published values used; derived measures are computed from them
    out = _measure(df, dim, denominator)
    out = out.assign(dimension=dim.id, year=out["year"].astype("int64"))
    breaks = int(out["series_break"].sum())
    log.info("%s (%s): %d values for %s; %d with a break in series, %d unreliable", dim.id,
             indicator, len(out), ", ".join(chains), breaks, int(out["unreliable"].sum()))
    return out[DIMENSION_TABLE.names].astype({"activity": "string", "source": "string"})


def _check_usable(df: pd.DataFrame, dim: Dimension, path, years: tuple[int, int]) -> None:
    """An InputError for a file that has nothing to give the dimension: no observation in the
    configured ``years``, no value in them, or no activity codes where the dimension's level
    needs them."""
    if df.empty:
        held = ilostat.read_indicator(path, dim.source["indicator"], impossible="missing")["year"]
        raise InputError(path, f"holds years {held.min()}-{held.max()} only; expected "
                               f"observations in the configured years {years[0]}-{years[1]} "
                               f"(config key years) for dimension {dim.id}", key="time")
    if df["value"].isna().all():
        raise InputError(path, f"every value in the configured years {years[0]}-{years[1]} is "
                               "empty or outside its unit's range (see the warnings above); "
                               f"expected observations of dimension {dim.id}", key="obs_value")
    if dim.level != "country" and df["activity"].isna().all():
        raise InputError(path, "no classif column holds economic-activity codes (ECO_, EC2_); "
                               f"expected them for dimension {dim.id}, measured at ISIC level "
                               f"{dim.level}", key="header")


#: The registry's format of the files this module reads.
ILOSTAT_FORMAT = "ilostat_bulk_csv"


def harmonise_dimensions(dimensions: Mapping[str, Dimension], paths: Mapping[str, object], *,
                         gvcs: dict, chains: list[str], years: tuple[int, int],
                         historical_entities: str = "drop",
                         ledgers: list | None = None) -> pd.DataFrame:
    """Every dimension of ``dimensions`` read from an ILOSTAT file (registry format
    :data:`ILOSTAT_FORMAT`), in one table of :data:`DIMENSION_TABLE` (rule
    harmonise_dimensions). ``paths``: the file of each key of the config section ``datasets``
    that a dimension reads. A rate per 100,000 employed first harmonises its ``denominator``
    file's employment at the same level."""
    options = {"gvcs": gvcs, "chains": chains, "years": years,
               "historical_entities": historical_entities, "ledgers": ledgers}
    pieces = []
    for dim in dimensions.values():
        if dim.source.get("format") != ILOSTAT_FORMAT:
            continue  # built from trade or labour, or OECD TiVA (harmonise_value_added)
        employed = None
        if dim.source["measure"] == "per_100000_employed":
            base = dim.source["denominator"]
            employment = replace(dim, id=f"{dim.id}_employment", by_sex=False, source={
                "dataset": base["dataset"], "format": ILOSTAT_FORMAT,
                "indicator": base["indicator"], "measure": "value"})
            employed = harmonise_dimension(employment, paths[base["dataset"]], **options)
        pieces.append(harmonise_dimension(dim, paths[dim.dataset], denominator=employed,
                                          **options))
    return pd.concat(pieces, ignore_index=True) if pieces else empty_dimension_table()


def dimension_columns(long: pd.DataFrame, dimensions: dict[str, Dimension]) -> pd.DataFrame:
    """The long table as indicator columns per country x value chain x year: ``<column>`` for
    the total, ``<column>_female`` and ``<column>_male`` for dimensions split by sex."""
    if long.empty:
        return pd.DataFrame(columns=KEYS)
    names = _column_names(dimensions)
    long = long[[(dim, sex) in names for dim, sex in zip(long["dimension"], long["sex"])]]
    wide = long.assign(column=[names[(d, s)] for d, s in zip(long["dimension"], long["sex"])])
    wide = wide.pivot_table(index=KEYS, columns="column", values="value", aggfunc="first")
    return wide.reset_index().rename_axis(columns=None).astype({"year": "int64"})


#: The indicator-table columns that list, per row, the columns whose value follows a break in
#: series and those whose value is flagged unreliable (indicator columns joined by ", ").
FLAG_LISTS = {"series_break": "series_breaks", "unreliable": "unreliable_values"}
LIST_SEPARATOR = ", "


def _column_names(dimensions: dict[str, Dimension]) -> dict[tuple[str, str], str]:
    """(dimension id, sex) -> the indicator column of its value."""
    names = {(d.id, "total"): d.column for d in dimensions.values()}
    return names | {(d.id, sex): f"{d.column}_{sex}" for d in dimensions.values() if d.by_sex
                    for sex in ("female", "male")}


def dimension_flags(long: pd.DataFrame, dimensions: dict[str, Dimension]) -> pd.DataFrame:
    """Per country x value chain x year with a flagged value: ``series_breaks`` and
    ``unreliable_values``, the indicator columns (as :func:`dimension_columns` names them)
    whose value follows a break in series or is flagged unreliable, joined by ", "."""
    names = _column_names(dimensions)
    known = np.array([(dim, sex) in names for dim, sex in zip(long["dimension"], long["sex"])],
                     dtype=bool)
    rows = long[known]
    rows = rows.assign(column=[names[(d, s)] for d, s in zip(rows["dimension"], rows["sex"])])
    lists = {}
    for flag, listed in FLAG_LISTS.items():
        flagged = rows[rows[flag].astype(bool)]
        lists[listed] = flagged.groupby(KEYS)["column"].agg(LIST_SEPARATOR.join)
    table = pd.DataFrame(lists).fillna("").reset_index() if any(len(v) for v in lists.values()) \
        else pd.DataFrame(columns=[*KEYS, *FLAG_LISTS.values()])
    return table.astype({"country": "string", "value_chain": "string", "year": "int64"})


def empty_dimension_table() -> pd.DataFrame:
    """A dimension table with no rows (a run with no ILOSTAT dimension)."""
    return DIMENSION_TABLE.arrow_schema().empty_table().to_pandas()
