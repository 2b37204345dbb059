"""Trade flows to one table per year: exporter and importer through the country crosswalk
(:mod:`gvc_upgrading.harmonise.countries`), six-character HS6 string, value in current USD,
quantity in kg. Reads a CEPII BACI release zip (streamed, a year at a time) or stored UN Comtrade
records (exports to the World).

``historical_entities`` (``drop`` or ``keep``) decides the rows of historical entities such as the
USSR or Belgium-Luxembourg; regional aggregates always leave country samples. Every step follows
its input through a :class:`~gvc_upgrading.harmonise.accounting.Ledger`; pass a list as
``ledgers`` to collect them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry

from ..errors import InputError
from ..sources import baci, comtrade
from .accounting import Ledger, keep_ledger
from .countries import (
    baci_crosswalk,
    drop_non_countries,
    map_codes,
    non_country_codes,
    numeric_codes,
)
from .schema import TRADE, write_checked, write_checked_batches

log = logging.getLogger(__name__)

TRADE_COLUMNS = TRADE.names
TRADE_MEASURES = ["value_usd", "quantity_kg"]
#: What happens to a configured year the trade release lacks (config ``years.missing``).
MISSING_YEAR_POLICIES = ("stop", "skip")


def release_years(path: str | Path, fmt: str) -> list[int]:
    """The years a trade file holds: a BACI release zip's year members, or, for a stored
    Comtrade year, that year when it has any record (the API answers an empty list for a year
    it does not have)."""
    if fmt == "baci_zip":
        return sorted(baci.year_members(path))
    records = comtrade.read_records(path)
    return sorted({int(y) for y in records["refYear"].unique()}) if len(records) else []


def year_available(path: str | Path, year: int, fmt: str, missing: str) -> bool:
    """Whether the trade file at ``path`` has ``year``. A year it lacks is, with ``missing``
    ``skip``, logged and reported as unavailable (False); with ``stop`` an InputError that names
    the years the file has and the settings that decide the run's years."""
    if missing not in MISSING_YEAR_POLICIES:
        raise ValueError(f"years.missing {missing!r}; expected one of {MISSING_YEAR_POLICIES}")
    years = release_years(path, fmt)
    if year in years:
        return True
    have = f"{years[0]}-{years[-1]} ({len(years)} years)" if years else "no year"
    if missing == "stop":
        raise InputError(path, f"has no trade data for {year}; it has {have}. Set years.start "
                               "and years.end inside those years, or years.missing: skip to run "
                               "on the years it has", key=str(year))
    log.warning("%s: no trade data for %d (it has %s); the year is skipped (years.missing: "
                "skip) and listed in the data-availability table", path, year, have)
    return False


def write_missing_year(path: str | Path, year: int, metadata: dict | None = None) -> None:
    """An empty, schema-checked trade table for a year the release lacks, marked as missing in
    its metadata (``missing_year``), so later stages and the availability table see it."""
    write_checked(TRADE.arrow_schema().empty_table(), path, TRADE,
                  metadata={**(metadata or {}), "missing_year": True})


def harmonise_trade_year(zip_path: str | Path, year: int, *, historical_entities: str = "drop",
                         ledgers: list | None = None, release: str | None = None) -> pa.Table:
    """One BACI year as :data:`TRADE_COLUMNS` (HS revision as in config/gvcs.yaml, e.g. HS92),
    in memory; :func:`write_trade_year` streams the same rows to Parquet.

    Exporters that are historical entities follow ``historical_entities``; importers keep their
    code (the flow is part of its exporter's exports either way). ``release`` is the registry's
    version of the zip: the release in its member names must be that one.
    """
    batches = list(_trade_batches(zip_path, year, historical_entities, ledgers, release))
    return pa.Table.from_batches(batches, schema=TRADE.arrow_schema())


def write_trade_year(zip_path: str | Path, year: int, path: str | Path, *,
                     historical_entities: str = "drop", ledgers: list | None = None,
                     metadata: dict | None = None, release: str | None = None) -> int:
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
        _trade_batches(zip_path, year, historical_entities, ledgers, release), path, TRADE,
        metadata=metadata, drawn_from=drawn_from,
        unique_key_proof="the year file's (i, j, k) are unique and distinct BACI codes map to "
                         "distinct crosswalk codes (checked while reading)")


def _trade_batches(zip_path, year: int, historical_entities: str, ledgers: list | None,
                   release: str | None = None) -> Iterator[pa.RecordBatch]:
    """The harmonised flows of one BACI year, batch by batch, through one ledger."""
    where = f"{zip_path}:{baci.year_members(zip_path, release).get(year, '')}"
    crosswalk = baci_crosswalk(baci.read_country_codes(zip_path))
    codes = pa.array(list(crosswalk), pa.string())
    mapped_codes = pa.array(list(crosswalk.values()), pa.string())
    revision = pa.scalar(baci.hs_revision(zip_path), pa.string())
    ledger = keep_ledger(ledgers, Ledger("harmonise_trade", "CEPII BACI", where, TRADE_MEASURES,
                                   part=str(year)))
    leaving = non_country_codes(set(crosswalk.values()), historical_entities, "exporter")
    rows_in = rows_out = missing_quantity = 0
    used: set[str] = set()
    for flows in baci.iter_year(zip_path, year, release=release):
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

    :func:`harmonise_exports` names exporters by ``reporterISO``, which does not tell
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
    exports = harmonise_exports(records, path=path)
    wrong_year = exports["year"] != year
    if wrong_year.any():
        raise InputError(path, f"holds records for {sorted(set(exports.loc[wrong_year, 'year']))}; "
                               f"expected only {year}", key="refYear")
    ledger = keep_ledger(ledgers, Ledger("harmonise_trade", "UN Comtrade", path, TRADE_MEASURES,
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


def harmonise_exports(records: pd.DataFrame, *, path) -> pd.DataFrame:
    """UN Comtrade records as exports to the World: ISO3 exporter, HS revision and code, USD value, kg net weight."""
    records = comtrade.check_records(records, path)
    rows = records[(records["flowCode"] == "X") & (records["partnerCode"] == comtrade.WORLD)]
    for column, total in (("partner2Code", 0), ("motCode", 0), ("customsCode", "C00")):
        if column in rows:
            rows = rows[rows[column] == total]
    unknown_revisions = sorted(set(rows["classificationCode"]) - set(comtrade.REVISIONS))
    if unknown_revisions:
        raise InputError(path, f"classification code(s) {unknown_revisions}; expected H0-H6",
                         key="classificationCode")
    known = {code: comtrade.REPORTER_OVERRIDES.get(code, code) for code in rows["reporterISO"].unique()
             if code in comtrade.REPORTER_OVERRIDES or pycountry.countries.get(alpha_3=code)}
    if (rows["netWgt"] < 0).any():
        log.warning("%s: %d records with a negative net weight: quantity set to missing", path,
                    int((rows["netWgt"] < 0).sum()))
    weight = rows["netWgt"].where(rows["netWgt"] > 0)  # 0: not reported
    table = pd.DataFrame({
        "year": rows["refYear"].astype("int64"),
        "exporter": map_codes(rows["reporterISO"], known, source="UN Comtrade", path=path),
        "importer": "WLD",
        "hs_revision": rows["classificationCode"].map(comtrade.REVISIONS),
        "hs_code": rows["cmdCode"].astype("string"),
        "value_usd": rows["primaryValue"].astype("float64"),
        "quantity_kg": weight.astype("float64"),
    })
    duplicated = table.duplicated(["year", "exporter", "hs_code"], keep=False)
    if duplicated.any():
        first = table[duplicated].iloc[0]
        raise InputError(path, f"more than one World export record for {first['exporter']}, "
                               f"{first['year']}, {first['hs_code']}; expected one per exporter, "
                               "year and code", key="reporterISO")
    log.info("%s: %d records, %d world-partner exports kept", path, len(records), len(table))
    return table.astype({"hs_revision": "string"}).reset_index(drop=True)
