"""OECD TiVA to country x value chain x year: value added in the exports of the chain's industry.

TiVA publishes per exporting country, *activity* and year; a value chain takes the values of the
activity that contains it (config/gvcs.yaml ``tiva_activity``). That industry is broader than the
chain (apparel within textiles, wearing apparel and leather; mobile phones within computer,
electronic and optical products), so these are the industry's values, marked as such: the
table keeps ``tiva_activity``, and the indicator table sets the chain's exports beside the
industry's.

Each file (:class:`Flow`) is read with :func:`gvc_upgrading.sources.tiva.read_tiva`, its codes
checked against the edition's lists, and goes through one :class:`~.accounting.Ledger` (measure
``value``: the observations in the file's unit, US dollars or per cent): rows of another unit,
of measures no dimension in use reads, of partners other than the world, of activities of no
configured chain, and of years outside the configuration are dropped by name; country codes go
through the one crosswalk (:mod:`.countries`), TiVA's regional aggregates (:data:`AGGREGATES`)
and, by ``harmonise.historical_entities``, historical entities leave with their reason; an
activity shared by two chains is counted as copied. The output has one row per country x chain
x year and one column per measure and unit (:func:`value_column`, e.g. ``exgr_dva_usd`` in US
dollars, ``exgr_dva_pt_exgr`` in per cent of gross exports).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce

import pandas as pd

from ..errors import InputError
from ..sources.tiva import WORLD, read_tiva
from .accounting import Ledger, keep_ledger
from .countries import drop_non_countries, iso3_codes
from .schema import COUNTRY_PATTERN, Column, TableSchema

log = logging.getLogger(__name__)

SOURCE = "OECD TiVA"
STEP = "harmonise_value_added"
KEYS = ["country", "value_chain", "year"]
#: TiVA's reference areas that are not economies: the world, country groups and the rest of
#: the world (the 2025 edition's area list).
AGGREGATES = frozenset({"W", "WXD", "ROW", "OECD", "WXOECD", "APEC", "ASEAN", "EU27_2020",
                        "EU28", "EU15", "EU28XEU15", "EA19", "G20", "NAFTA", "E", "F", "D", "S2",
                        "S2_S8", "A5_A7", "W_O"})
UNITS = {"USD": "current US dollars", "PT_EXGR": "per cent of the industry's gross exports"}


@dataclass(frozen=True)
class Flow:
    """One TiVA file: its path, dataflow and unit, the measures to keep, and the edition's
    activity and country lists (``countries`` None: not checked beyond the crosswalk)."""

    path: str
    dataflow: str
    unit: str
    measures: tuple[str, ...]
    activities: tuple[str, ...]
    countries: tuple[str, ...] | None = None


def value_column(measure: str, unit: str) -> str:
    """The column of a measure in a unit: ``EXGR_DVA`` in ``USD`` -> ``exgr_dva_usd``."""
    return f"{measure}_{unit}".lower()


def value_added_schema(flows: Sequence[Flow]) -> TableSchema:
    """The declared schema of the harmonised table for these files."""
    values = tuple(Column(value_column(m, f.unit), "float64", UNITS.get(f.unit, f.unit),
                          minimum=0) for f in flows for m in f.measures)
    return TableSchema("harmonised value added", (
        Column("country", "string", "crosswalk code (ISO3 for countries)", nullable=False,
               pattern=COUNTRY_PATTERN),
        Column("value_chain", "string", nullable=False),
        Column("year", "int64", "calendar year", nullable=False, minimum=1900),
        Column("tiva_activity", "string", "TiVA activity (ISIC Rev.4) that holds the chain",
               nullable=False),
        *values,
    ), key=tuple(KEYS))


def harmonise_value_added(flows: Sequence[Flow], chain_activities: Mapping[str, str],
                          years: tuple[int, int], *, historical_entities: str = "drop",
                          ledgers: list | None = None) -> pd.DataFrame:
    """The TiVA values of each configured chain (``chain_activities``: chain -> activity) per
    country and year in ``years``, one column per measure of each flow (see the module
    docstring); sorted by chain, country and year."""
    pieces = [_flow_table(flow, chain_activities, years, historical_entities, ledgers)
              for flow in flows]
    table = reduce(lambda left, right: left.merge(right, on=[*KEYS, "tiva_activity"],
                                                  how="outer"), pieces)
    columns = value_added_schema(flows).names
    table = table.astype({"country": "string", "value_chain": "string",
                          "tiva_activity": "string", "year": "int64"})
    return table[columns].sort_values(["value_chain", "country", "year"], ignore_index=True)


def _flow_table(flow: Flow, chain_activities: Mapping[str, str], years: tuple[int, int],
                policy: str, ledgers: list | None) -> pd.DataFrame:
    """One file as country, value_chain, year, tiva_activity and its measures' columns."""
    countries = None if flow.countries is None else [*flow.countries, *AGGREGATES]
    table = read_tiva(flow.path, activities=flow.activities, countries=countries)
    ledger = keep_ledger(ledgers, Ledger(STEP, f"{SOURCE} {flow.dataflow}", flow.path, ["value"]))
    table = ledger.read(table)
    activities = set(chain_activities.values())
    for leaves, reason in (
            (lambda t: t["unit"] != flow.unit, f"a unit other than {flow.unit}"),
            (lambda t: ~t["measure"].isin(flow.measures), "a measure no dimension in use reads"),
            (lambda t: t["counterpart"] != WORLD, "exports to one partner, not to the world"),
            (lambda t: ~t["activity"].isin(activities),
             "an activity of no configured value chain"),
            (lambda t: ~t["year"].between(*years), "a year outside the configured years")):
        table = ledger.drop(table, leaves(table).to_numpy(), reason)
    _check_present(table, flow, chain_activities)
    table = table.assign(country=iso3_codes(table["country"], source=SOURCE, path=flow.path,
                                            aggregates=AGGREGATES))
    table = drop_non_countries(table, "country", policy, ledger)
    rows = _by_chain(table, chain_activities, ledger)
    ledger.write(rows)
    wide = rows.pivot(index=[*KEYS, "tiva_activity"], columns="measure", values="value")
    wide = wide.rename(columns=lambda m: value_column(m, flow.unit)).rename_axis(columns=None)
    log.info("%s: %d country-chain-years of %s", flow.path, len(wide), ", ".join(flow.measures))
    return wide.reset_index()


def _check_present(table: pd.DataFrame, flow: Flow, chain_activities: Mapping[str, str]) -> None:
    """Every measure kept and every chain's activity has rows (else the file cannot say)."""
    absent = [m for m in flow.measures if not (table["measure"] == m).any()]
    if absent:
        raise InputError(flow.path, f"no rows of measure(s) {absent} in {flow.unit} for the "
                                    "configured activities and years; expected the measures "
                                    "the dimensions in use read", key="MEASURE")
    for chain, activity in chain_activities.items():
        if not (table["activity"] == activity).any():
            raise InputError(flow.path, f"no rows of activity {activity} (value chain {chain}) "
                                        "in the configured years; expected the chain's "
                                        "tiva_activity", key="ACTIVITY")


def _by_chain(table: pd.DataFrame, chain_activities: Mapping[str, str],
              ledger: Ledger) -> pd.DataFrame:
    """The rows of each chain's activity, labelled with the chain; an activity that holds two
    chains gives its rows twice, the second time counted as copied."""
    chains = pd.DataFrame({"value_chain": list(chain_activities),
                           "activity": list(chain_activities.values())})
    rows = table.merge(chains, on="activity", how="inner", validate="many_to_many")
    extra = rows[rows.duplicated(["measure", "country", "activity", "year"])]
    ledger.copy(extra, "an activity that holds more than one configured value chain")
    return rows.rename(columns={"activity": "tiva_activity"})[
        [*KEYS, "tiva_activity", "measure", "value"]]
