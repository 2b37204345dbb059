"""Upgrading indicators per country x value chain x year.

Economic: export value, world exports of the chain, world export market share, export unit value
(value / quantity over the lines that report a quantity, with the share of value they cover) and
the relative unit value: for each HS6 product the country's unit value divided by the world unit
value of that product, averaged with the country's value weights, so that a shift in product mix
does not show up as a price change. Social: employment and wages from the harmonised labour table,
and where the labour source reports value added (UNIDO INDSTAT table 20) labour productivity (value
added per employee) and the wage-bill share of value added.

Further dimensions (config/dimensions.yaml) read from raw files join as columns per country x
value chain x year (:func:`gvc_upgrading.harmonise.dimensions.dimension_columns`), after the
fixed columns; ``female_employment_share`` and ``labour_rights_index`` are fixed columns that a
labour source or a dimension fills. A labour source that supplies a hook
(:data:`HOOK_SOURCES`: INDSTAT's women's share, table 31 over table 04 at the chain's own
divisions) takes precedence over the dimension in every row of a series whose labour data come
from it, missing years included, so a series never mixes the chain's divisions with ILOSTAT's
section (:func:`hook_from_labour`).

ILOSTAT's flags reach the table as two lists per row (:data:`FLAG_COLUMNS`): ``series_breaks``
names the indicator columns whose value is not comparable with the previous one of its series
(a break in series: ILOSTAT flag B, or a change of survey source or ISIC revision that was not
spliced), ``unreliable_values`` those whose value ILOSTAT flags U; both from the labour table
and the dimensions (:func:`gvc_upgrading.harmonise.dimensions.dimension_flags`), column names
joined by ", " (empty: none). The classification reads them
(:mod:`gvc_upgrading.analysis.caveats`).

Value capture (OECD TiVA, :func:`add_value_added`): where the run measures dimensions read from
TiVA, the table gains ``tiva_activity`` (the industry that holds the chain), the industry's gross
exports ``tiva_industry_exports_usd`` and the chain's share of them
``chain_share_of_industry_exports`` (how much broader the industry is than the chain), and one
column per dimension: levels in constant US dollars (deflated like ``export_value_usd_constant``),
shares as published, in per cent of the industry's gross exports. Like every dimension, TiVA
never adds a row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..harmonise.dimensions import FLAG_LISTS, LIST_SEPARATOR
from ..harmonise.tourism import UNIT_VALUE_UNIT as TOURISM_UNIT
from ..harmonise.tourism import tourism_indicators
from ..harmonise.value_added import value_column
from ..valuechains import is_tourism, labour_sources, prefixes_by_revision

log = logging.getLogger(__name__)

INDICATOR_COLUMNS = [
    "country", "value_chain", "year", "export_value_usd", "export_value_usd_constant",
    "world_export_value_usd", "market_share",
    "export_quantity_kg", "unit_value_coverage", "unit_value_usd_per_kg", "relative_unit_value",
    "employment_persons", "nominal_wage_per_employee_lcu", "real_wage_per_employee_lcu",
    "value_added_lcu", "labour_productivity_lcu", "wage_bill_share_of_value_added",
    "female_employment_share", "labour_rights_index", "labour_source", "unit_value_unit",
    "series_breaks", "unreliable_values",
]
UNITS = {
    "export_value_usd": "current US dollars",
    "export_value_usd_constant": "US dollars at constant prices of prices.usd_deflator.base_year "
                                 "(deflated by the CPI of prices.usd_deflator.country)",
    "world_export_value_usd": "current US dollars",
    "market_share": "fraction of world exports of the value chain (0-1)",
    "export_quantity_kg": "kilograms (lines with a reported quantity)",
    "unit_value_coverage": "fraction of export value on lines with a reported quantity",
    "unit_value_usd_per_kg": "current US dollars per kilogram; in tourism chains US dollars of "
                             "receipts per arrival (column unit_value_unit, per row)",
    "unit_value_unit": "unit of unit_value_usd_per_kg in the row: USD per kg, or USD per "
                       "arrival (tourism chains)",
    "relative_unit_value": "ratio to the world unit value of the same HS6 products (1 = world price)",
    "employment_persons": "persons",
    "nominal_wage_per_employee_lcu": "national currency per employee per year, current prices",
    "real_wage_per_employee_lcu": "national currency per employee per year, CPI base-year prices",
    "value_added_lcu": "national currency per year, current prices",
    "labour_productivity_lcu": "value added per employee, national currency, current prices",
    "wage_bill_share_of_value_added": "wages and salaries / value added (fraction)",
    "female_employment_share": "per cent of employment held by women",
    "labour_rights_index": "SDG 8.8.2 national compliance with labour rights, 0 (best) to 10 "
                           "(worst)",
    "series_breaks": "indicator columns whose value follows a break in series (ILOSTAT flag B, "
                     "or a change of survey source or ISIC revision not spliced), joined by ', '",
    "unreliable_values": "indicator columns whose value ILOSTAT flags unreliable (U), joined "
                         "by ', '",
}
#: The lists of flagged indicator columns (see the module docstring).
FLAG_COLUMNS = list(FLAG_LISTS.values())
WAGE_COLUMNS = ["nominal_wage_per_employee_lcu", "real_wage_per_employee_lcu"]
#: Flags of the labour table -> the list they enter and the indicator columns they concern.
LABOUR_FLAGS = {"employment_break": ("series_breaks", ["employment_persons"]),
                "wage_break": ("series_breaks", WAGE_COLUMNS),
                "employment_unreliable": ("unreliable_values", ["employment_persons"]),
                "wage_unreliable": ("unreliable_values", WAGE_COLUMNS)}
#: Columns added when value-added dimensions are measured (:func:`add_value_added`).
VALUE_ADDED_COLUMNS = ["tiva_activity", "tiva_industry_exports_usd",
                       "chain_share_of_industry_exports"]
VALUE_ADDED_UNITS = {
    "tiva_activity": "OECD TiVA activity (ISIC Rev.4) that holds the value chain",
    "tiva_industry_exports_usd": "current US dollars: gross exports of the TiVA activity",
    "chain_share_of_industry_exports": "export_value_usd / tiva_industry_exports_usd (0-1 where "
                                       "the trade and TiVA data agree)",
}
#: TiVA's unit of levels; a dimension read in it enters in constant US dollars.
LEVEL_UNIT = "USD"
#: Labour-side columns that pass through from the labour table when present (hooks).
LABOUR_HOOKS = ["female_employment_share", "labour_rights_index"]
#: The labour sources that supply a hook themselves: in the series whose labour data come from
#: one of them, the hook is the labour table's and a dimension never fills it.
HOOK_SOURCES = {"female_employment_share": ("indstat",), "labour_rights_index": ()}


#: Columns of the harmonised trade table that the trade indicators use.
FLOW_COLUMNS = ["year", "exporter", "hs_revision", "hs6", "value_usd", "quantity_kg"]


def chain_flows(trade_paths: Sequence[str | Path], prefixes: dict[str, Sequence[str]]) -> pd.DataFrame:
    """Exporter x HS6 x year flows of a chain: rows of each HS revision whose code starts with
    one of that revision's ``prefixes``.

    Where the flows mix HS revisions (Comtrade reports each country in the revision it used),
    ``hs6`` becomes ``<revision>/<code>`` so that world unit values compare one product of one
    nomenclature.
    """
    flows = pd.concat([_chain_rows(path, {"chain": prefixes})["chain"] for path in trade_paths],
                      ignore_index=True)
    return _product_keys(flows)


def trade_indicators_by_chain(trade_paths: Sequence[str | Path],
                              prefixes: dict[str, dict[str, Sequence[str]]],
                              years: tuple[int, int]) -> dict[str, pd.DataFrame]:
    """:func:`trade_indicators` of every chain in ``prefixes`` (chain -> revision -> HS
    prefixes), reading each harmonised trade file once, a row group at a time.

    Everything :func:`trade_indicators` computes is within a year (world totals, world unit
    values of a product), so a file of one year gives that year's indicators whole; memory is
    bounded by one row group plus the chains' flows of one year, whatever the number of years.
    """
    pieces: dict[str, list[pd.DataFrame]] = {chain: [] for chain in prefixes}
    for path in trade_paths:
        for chain, flows in _chain_rows(path, prefixes).items():
            flows = _product_keys(flows)
            flows = flows[flows["year"].between(*years)]
            if len(flows):
                pieces[chain].append(trade_indicators(flows))
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
        ("year", "int64"), ("exporter", "string"), ("hs6", "string"), ("value_usd", "float64"),
        ("quantity_kg", "float64"))})
    return {chain: pd.concat(found, ignore_index=True) if found else trade_indicators(empty)
            for chain, found in pieces.items()}


def _chain_rows(path: str | Path, prefixes: dict[str, dict[str, Sequence[str]]]
                ) -> dict[str, pd.DataFrame]:
    """The flows of one harmonised trade file that belong to each chain of ``prefixes``.

    Codes are read as dictionaries, so a prefix test runs once per distinct code of a row group
    instead of once per flow.
    """
    selected: dict[str, list[pa.RecordBatch]] = {chain: [] for chain in prefixes}
    source = pq.ParquetFile(path, read_dictionary=["exporter", "hs_revision", "hs6"])
    for batch in source.iter_batches(batch_size=1 << 20, columns=FLOW_COLUMNS):
        hs6, revision = batch["hs6"], batch["hs_revision"]
        for chain, by_revision in prefixes.items():
            keep = pa.array(np.zeros(batch.num_rows, dtype=bool))
            for name, codes in by_revision.items():
                in_codes = pc.take(_starts_with_any(hs6.dictionary, codes), hs6.indices)
                in_revision = pc.take(pc.equal(revision.dictionary, name), revision.indices)
                keep = pc.or_(keep, pc.and_(in_codes, in_revision))
            selected[chain].append(_decoded(batch.filter(keep)))
    schema = _decoded(source.schema_arrow.empty_table().select(FLOW_COLUMNS)).schema
    return {chain: pa.Table.from_batches(batches, schema=schema).to_pandas()
            for chain, batches in selected.items()}


def _decoded(data):
    """``data`` (record batch or table) with its dictionary columns as plain strings."""
    for index, field in enumerate(data.schema):
        if pa.types.is_dictionary(field.type):
            data = data.set_column(index, field.name, pc.cast(data[field.name], pa.string()))
    return data


def _starts_with_any(values: pa.Array, prefixes: Sequence[str]) -> pa.Array:
    match = pa.array(np.zeros(len(values), dtype=bool))
    for prefix in prefixes:
        match = pc.or_(match, pc.starts_with(values, pattern=prefix))
    return match


def _product_keys(flows: pd.DataFrame) -> pd.DataFrame:
    """Drop the revision column; where it holds several revisions, ``hs6`` names its revision."""
    if flows["hs_revision"].nunique() > 1:
        flows = flows.assign(hs6=flows["hs_revision"] + "/" + flows["hs6"])
    return flows.drop(columns="hs_revision")


def trade_indicators(flows: pd.DataFrame) -> pd.DataFrame:
    """Market share, unit value and relative unit value per exporter and year of one chain.

    A line enters unit values only with a positive value and a positive quantity, so a line
    without trade (zero value) never moves the world unit value of its product.
    """
    valid_q = (flows["quantity_kg"].gt(0) & flows["value_usd"].gt(0)).fillna(False)
    flows = flows.assign(
        value_with_q=flows["value_usd"].where(valid_q, 0.0),
        quantity=flows["quantity_kg"].where(valid_q, 0.0),
    )
    product = flows.groupby(["year", "exporter", "hs6"], as_index=False, observed=True)[
        ["value_usd", "value_with_q", "quantity"]].sum()
    world_product = product.groupby(["year", "hs6"], as_index=False)[["value_with_q", "quantity"]].sum()
    world_product["world_uv"] = world_product["value_with_q"] / world_product["quantity"]
    product = product.merge(world_product[["year", "hs6", "world_uv"]], on=["year", "hs6"])
    with np.errstate(divide="ignore", invalid="ignore"):
        product["uv_ratio"] = (product["value_with_q"] / product["quantity"]) / product["world_uv"]
    product["weighted_ratio"] = product["uv_ratio"].where(product["quantity"] > 0, 0.0) * product["value_with_q"]
    country = product.groupby(["year", "exporter"], as_index=False)[
        ["value_usd", "value_with_q", "quantity", "weighted_ratio"]].sum()
    country = country.rename(columns={"exporter": "country", "value_usd": "export_value_usd",
                                      "quantity": "export_quantity_kg"})
    world = country.groupby("year")["export_value_usd"].transform("sum")
    country["world_export_value_usd"] = world
    country["market_share"] = country["export_value_usd"] / world
    has_q = country["value_with_q"] > 0
    country["unit_value_coverage"] = country["value_with_q"] / country["export_value_usd"]
    country["unit_value_usd_per_kg"] = (country["value_with_q"] / country["export_quantity_kg"]).where(has_q)
    country["relative_unit_value"] = (country["weighted_ratio"] / country["value_with_q"]).where(has_q)
    country["export_quantity_kg"] = country["export_quantity_kg"].where(has_q)
    return country.drop(columns=["value_with_q", "weighted_ratio"])


def labour_ratios(table: pd.DataFrame) -> pd.DataFrame:
    """Add labour productivity and the wage-bill share of value added.

    Labour productivity is value added per employee (national currency, current prices); the
    wage-bill share is the wage bill (nominal wage per employee x employees) over value added.
    Both are NaN where value added or employment is missing or not positive.
    """
    value_added = table["value_added_lcu"].where(table["value_added_lcu"] > 0)
    employment = table["employment_persons"].where(table["employment_persons"] > 0)
    wage_bill = table["nominal_wage_per_employee_lcu"] * employment
    return table.assign(labour_productivity_lcu=value_added / employment,
                        wage_bill_share_of_value_added=wage_bill / value_added)


def compute_indicators(trade_paths: Sequence[str | Path], labour: pd.DataFrame, gvcs: dict,
                       chains: Sequence[str], years: tuple[int, int],
                       usd_deflator: pd.Series | None = None,
                       tourism: pd.DataFrame | None = None,
                       dimensions: pd.DataFrame | None = None,
                       dimension_flags: pd.DataFrame | None = None,
                       value_added: pd.DataFrame | None = None,
                       value_added_dimensions: Sequence[dict] = ()) -> pd.DataFrame:
    """The indicator table: trade indicators joined with labour, one row per country-chain-year.

    ``usd_deflator`` (a price index by year, 100 in the base year) gives the export value in
    constant US dollars, ``export_value_usd / deflator x 100``; without it that column is NaN.
    A tourism chain (``wdi_tourism`` in its definition) takes its export side from ``tourism``,
    the harmonised WDI receipts and arrivals (:func:`gvc_upgrading.harmonise.tourism.tourism_indicators`).
    ``dimensions``: further columns per country, value chain and year, joined to the rows the
    trade and labour sides make (a dimension never adds a row); a hook column it holds fills
    the hook where the labour table left it empty. ``dimension_flags``
    (:func:`gvc_upgrading.harmonise.dimensions.dimension_flags`) adds the dimensions' flagged
    columns to :data:`FLAG_COLUMNS`, beside the labour table's.
    ``value_added`` (the harmonised TiVA table) adds the columns of
    ``value_added_dimensions`` (see :func:`add_value_added`).
    """
    pieces = []
    by_chain = trade_indicators_by_chain(
        trade_paths, {chain: prefixes_by_revision(gvcs, chain) for chain in chains
                      if not is_tourism(gvcs[chain])}, years)
    for chain in chains:
        if is_tourism(gvcs[chain]):
            if tourism is None:
                raise ValueError(f"value chain {chain!r} is a tourism chain: the harmonised "
                                 "tourism receipts and arrivals are needed")
            trade = tourism_indicators(tourism, years).assign(value_chain=chain)
            log.info("%s: %d country-years of tourism receipts", chain, len(trade))
            pieces.append(trade)
            continue
        trade = by_chain[chain].assign(value_chain=chain)
        log.info("%s: %d country-years of trade indicators", chain, len(trade))
        pieces.append(trade)
    trade = pd.concat(pieces, ignore_index=True)
    labour = labour[labour["value_chain"].isin(list(chains)) & labour["year"].between(*years)]
    labour = labour.drop(columns=["isic_revision"], errors="ignore")
    table = trade.astype({"country": "string", "value_chain": "string"}).merge(
        labour, on=["country", "value_chain", "year"], how="outer")
    table = labour_ratios(table.reindex(columns=table.columns.union(LABOUR_HOOKS, sort=False)))
    deflator = table["year"].map(usd_deflator) if usd_deflator is not None else np.nan
    table["export_value_usd_constant"] = table["export_value_usd"] / deflator * 100.0
    table["unit_value_unit"] = table["value_chain"].map(
        {chain: TOURISM_UNIT if is_tourism(gvcs[chain]) else "USD per kg" for chain in chains}
    ).astype("string")
    table = _flag_lists(table, dimension_flags)
    table = table[INDICATOR_COLUMNS].astype({"year": "int64"})
    if dimensions is not None and len(dimensions.columns) > len(KEYS):
        table = _join_dimensions(table, dimensions, gvcs)
    if value_added is not None:
        table = add_value_added(table, value_added, value_added_dimensions, usd_deflator)
    return table.sort_values(["value_chain", "country", "year"], ignore_index=True)


KEYS = ["country", "value_chain", "year"]


def _flag_lists(table: pd.DataFrame, dimension_flags: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` with :data:`FLAG_COLUMNS`: the columns the labour flags (:data:`LABOUR_FLAGS`,
    where the labour table has them) and ``dimension_flags`` name, per row."""
    parts: dict[str, list[pd.Series]] = {column: [] for column in FLAG_COLUMNS}
    for flag, (listed, columns) in LABOUR_FLAGS.items():
        if flag in table:
            named = LIST_SEPARATOR.join(columns)
            flagged = table[flag].astype("boolean").fillna(False).to_numpy(dtype=bool)
            parts[listed].append(pd.Series(np.where(flagged, named, ""), index=table.index))
    if dimension_flags is not None and len(dimension_flags):
        joined = table[KEYS].merge(dimension_flags.astype(
            {"country": "string", "value_chain": "string", "year": "int64"}), on=KEYS,
            how="left", validate="many_to_one")
        for listed in FLAG_COLUMNS:
            parts[listed].append(pd.Series(joined[listed].fillna("").to_numpy(), table.index))
    lists = {}
    for listed, pieces in parts.items():
        text = np.full(len(table), "", dtype=object)
        for piece in pieces:
            piece = piece.to_numpy(dtype=object)
            text = np.where(text == "", piece,
                            np.where(piece == "", text, text + LIST_SEPARATOR + piece))
        lists[listed] = pd.Series(text, index=table.index, dtype="string")
    return table.assign(**lists)


def _join_dimensions(table: pd.DataFrame, dimensions: pd.DataFrame, gvcs: dict) -> pd.DataFrame:
    """``table`` with the dimension columns joined on its rows (hooks filled where the labour
    source does not supply them, :func:`hook_from_labour`; other columns appended)."""
    dimensions = dimensions.astype({"country": "string", "value_chain": "string",
                                    "year": "int64"})
    joined = table.merge(dimensions, on=KEYS, how="left", suffixes=("", "_dimension"))
    for hook in LABOUR_HOOKS:
        if f"{hook}_dimension" in joined:
            from_dimension = joined.pop(f"{hook}_dimension")
            joined[hook] = joined[hook].where(hook_from_labour(joined, hook, gvcs),
                                              from_dimension)
    return joined


def series_labour_source(table: pd.DataFrame, gvcs: dict) -> pd.Series:
    """The labour source of each row's series: the row's ``labour_source``, else the one the
    country's other rows of the chain have, else the chain's first configured source."""
    own = table["labour_source"].astype("object")
    series = own.groupby([table["country"], table["value_chain"]]).transform("first")
    first = {chain: labour_sources(definition)[0] for chain, definition in gvcs.items()
             if "labour_source" in definition}
    configured = table["value_chain"].astype("object").map(first)
    return own.fillna(series).fillna(configured)


def hook_from_labour(table: pd.DataFrame, hook: str, gvcs: dict) -> pd.Series:
    """True in the rows whose ``hook`` comes from the labour table: those of a series whose
    labour source supplies it (:data:`HOOK_SOURCES`)."""
    return series_labour_source(table, gvcs).isin(HOOK_SOURCES.get(hook, ())).to_numpy()


def add_value_added(table: pd.DataFrame, value_added: pd.DataFrame,
                    dimensions: Sequence[dict], usd_deflator: pd.Series | None) -> pd.DataFrame:
    """``table`` with the harmonised TiVA table joined on its rows (country, value_chain, year;
    TiVA adds no row), plus :data:`VALUE_ADDED_COLUMNS` and one column per entry of
    ``dimensions`` (``{"column", "indicator", "unit"}``: the dimension's indicator column, TiVA
    measure and the unit of its dataflow). A level (``USD``) is divided by ``usd_deflator`` x
    100, as ``export_value_usd_constant``; a share is taken as published."""
    value_added = value_added.astype({"country": "string", "value_chain": "string",
                                      "year": "int64"})
    joined = table.merge(value_added, on=KEYS, how="left", validate="one_to_one")
    deflator = joined["year"].map(usd_deflator) if usd_deflator is not None else np.nan
    exports = value_column("EXGR", LEVEL_UNIT)
    industry = joined[exports] if exports in joined.columns else pd.Series(np.nan, joined.index)
    joined["tiva_industry_exports_usd"] = industry
    joined["chain_share_of_industry_exports"] = (
        joined["export_value_usd"] / industry.where(industry > 0))
    for dimension in dimensions:
        source = joined[value_column(dimension["indicator"], dimension["unit"])]
        joined[dimension["column"]] = (source / deflator * 100.0
                                       if dimension["unit"] == LEVEL_UNIT else source)
    columns = [*table.columns, *VALUE_ADDED_COLUMNS, *(d["column"] for d in dimensions)]
    return joined[columns].astype({"year": "int64"})
