"""Declared schemas of the harmonised tables, checked when a table is written.

Each :class:`TableSchema` lists its columns with Arrow type, nullability, allowed values, pattern
or range, and unit, plus the columns that identify a row. :func:`write_checked` validates a table
against its schema and only then writes it (through :func:`gvc_upgrading.io.write_table`, so the
file appears complete or not at all), with the units and the schema name in the Parquet metadata.

Why not pandera: the checks run on Arrow tables, because one harmonised trade year of the real
BACI holds about 11 million flows that the workflow never turns into a pandas frame; pandera
validates pandas (or polars) frames and would need that copy. It would also add an import of
about 0.2 s to every job for checks that take some seventy lines here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..io import write_batches, write_table
from ..valuechains import HS_REVISIONS

_TYPES = {"string": (pa.string(), pa.large_string()), "int64": (pa.int64(),),
          "float64": (pa.float64(),), "bool": (pa.bool_(),)}
#: Country codes of the crosswalk: ISO3, or the code of a historical entity or aggregate.
COUNTRY_PATTERN = r"^[A-Z][A-Z0-9]{2}$"


class SchemaError(ValueError):
    """A table does not match its declared schema."""


@dataclass(frozen=True)
class Column:
    """One declared column: Arrow ``dtype`` name, checks and unit."""

    name: str
    dtype: str
    unit: str = ""
    nullable: bool = True
    pattern: str | None = None
    minimum: float | None = None
    allowed: tuple | None = None


@dataclass(frozen=True)
class TableSchema:
    """Columns (in order) and the key that identifies a row."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema of the declared columns (first listed type of each column;
        completeness is checked by :meth:`validate`, not declared as Arrow nullability)."""
        return pa.schema([pa.field(c.name, _TYPES[c.dtype][0]) for c in self.columns])

    def units(self) -> dict[str, str]:
        """Unit of every column that has one (for the Parquet metadata)."""
        return {column.name: column.unit for column in self.columns if column.unit}

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def validate(self, data: pd.DataFrame | pa.Table, *, check_key: bool = True,
                 skip_values: Iterable[str] = ()) -> pa.Table:
        """Return ``data`` as an Arrow table in the declared column order, or raise SchemaError
        naming the table, the column and an offending value. ``check_key=False`` leaves out the
        uniqueness of the key (for one batch of a larger table); the columns in ``skip_values``
        are checked for their type and completeness only (their values were checked where they
        were drawn from, see :func:`write_checked_batches`)."""
        table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(
            data, preserve_index=False)
        missing = [n for n in self.names if n not in table.column_names]
        extra = [n for n in table.column_names if n not in self.names]
        if missing or extra:
            raise SchemaError(f"{self.name}: columns missing {missing}, not declared {extra}")
        table = table.select(self.names)
        for column in self.columns:
            self._check_column(column, table[column.name],
                               values_too=column.name not in skip_values)
        if check_key:
            self._check_key(table)
        return table

    def _fail(self, column: Column, problem: str, values) -> None:
        shown = ", ".join(repr(v) for v in pa.chunked_array(values).to_pylist()[:5])
        raise SchemaError(f"{self.name}, column {column.name}: {problem} (e.g. {shown})")

    def _check_column(self, column: Column, values: pa.ChunkedArray, *,
                      values_too: bool = True) -> None:
        if values.type not in _TYPES[column.dtype]:
            raise SchemaError(f"{self.name}, column {column.name}: type {values.type}, "
                              f"expected {column.dtype}")
        if not column.nullable and values.null_count:
            raise SchemaError(f"{self.name}, column {column.name}: {values.null_count} missing "
                              "values in a column that must be complete")
        if not values_too:
            return
        present = pc.drop_null(values) if values.null_count else values
        if column.pattern is not None or column.allowed is not None:
            present = pc.unique(present)  # codes repeat: check each distinct value once
        if column.pattern is not None:
            bad = pc.invert(pc.match_substring_regex(present, column.pattern))
            if pc.any(bad).as_py():
                self._fail(column, f"values not matching {column.pattern}", present.filter(bad))
        if column.minimum is not None and len(present):
            lowest = pc.min(present).as_py()  # one pass; the offending values only on failure
            if lowest is not None and lowest < column.minimum:
                bad = pc.less(present, column.minimum)
                self._fail(column, f"values below {column.minimum}", present.filter(bad))
        if column.allowed is not None:
            bad = pc.invert(pc.is_in(present, value_set=pa.array(column.allowed)))
            if pc.any(bad).as_py():
                self._fail(column, f"values outside {list(column.allowed)}", present.filter(bad))

    def _check_key(self, table: pa.Table) -> None:
        if not self.key:
            return
        counts = table.group_by(list(self.key)).aggregate([([], "count_all")])
        repeated = counts.filter(pc.greater(counts["count_all"], 1))
        if repeated.num_rows:
            first = {k: repeated[k][0].as_py() for k in self.key}
            raise SchemaError(f"{self.name}: {repeated.num_rows} key(s) {list(self.key)} occur "
                              f"more than once, e.g. {first}")


def write_checked(data: pd.DataFrame | pa.Table, path: str | os.PathLike, schema: TableSchema,
                  metadata: dict | None = None):
    """Validate ``data`` against ``schema``, then write it with units and schema name."""
    table = schema.validate(data)
    return write_table(table, path, metadata={**(metadata or {}), "schema": schema.name,
                                              "units": schema.units()})


def write_checked_batches(batches: Iterable[pa.RecordBatch], path: str | os.PathLike,
                          schema: TableSchema, *, unique_key_proof: str,
                          metadata: dict | None = None,
                          drawn_from: dict[str, pa.Array] | None = None) -> int:
    """Validate and write ``batches`` one at a time (zstd Parquet, units and schema name in the
    metadata, the file renamed into place only after the last batch); returns the row count.

    The columns of every batch are checked as in :func:`write_checked`. The key's uniqueness
    needs the whole table, so the caller proves it while producing the batches and says how in
    ``unique_key_proof`` (kept in the file's metadata). ``drawn_from`` names columns whose values
    the caller takes from a list (e.g. crosswalk codes): the list is checked once, and in each
    batch only that the column is complete.
    """
    drawn_from = drawn_from or {}
    for name, values in drawn_from.items():
        schema._check_column(schema.column(name), pa.chunked_array([values]))
    meta = {**(metadata or {}), "schema": schema.name, "units": schema.units(),
            "unique_key": unique_key_proof}
    return write_batches((schema.validate(pa.Table.from_batches([batch]), check_key=False,
                                          skip_values=drawn_from)
                          for batch in batches), path, schema.arrow_schema(), metadata=meta)


def _country(name: str) -> Column:
    return Column(name, "string", "crosswalk code (ISO3 for countries)", nullable=False,
                  pattern=COUNTRY_PATTERN)


TRADE = TableSchema("harmonised trade", (
    Column("year", "int64", "calendar year", nullable=False, minimum=1988),
    _country("exporter"),
    _country("importer"),
    Column("hs_revision", "string", "HS edition of hs6", nullable=False,
           allowed=tuple(HS_REVISIONS)),
    Column("hs6", "string", "HS six-digit code", nullable=False, pattern=r"^\d{6}$"),
    Column("value_usd", "float64", "current US dollars", nullable=False, minimum=0),
    Column("quantity_kg", "float64", "kilograms (missing where the source has no quantity)",
           minimum=0),
), key=("year", "exporter", "importer", "hs_revision", "hs6"))

PRICES = TableSchema("harmonised prices", (
    _country("country"),
    Column("year", "int64", "calendar year", nullable=False, minimum=1900),
    Column("cpi", "float64", "consumer price index as published (WDI: 2010 = 100)", minimum=0),
    Column("exchange_rate_lcu_per_usd", "float64", "national currency per US dollar, period "
           "average", minimum=0),
    Column("cpi_rebased", "float64", "consumer price index, prices.cpi_base_year = 100",
           minimum=0),
), key=("country", "year"))

LABOUR = TableSchema("harmonised labour", (
    _country("country"),
    Column("value_chain", "string", nullable=False),
    Column("year", "int64", "calendar year", nullable=False, minimum=1900),
    Column("employment_persons", "float64", "persons", minimum=0),
    Column("nominal_wage_per_employee_lcu", "float64",
           "national currency per employee per year, current prices", minimum=0),
    Column("real_wage_per_employee_lcu", "float64",
           "national currency per employee per year, CPI base-year prices", minimum=0),
    Column("value_added_lcu", "float64", "national currency per year, current prices"),
    Column("female_employment_share", "float64", "per cent of employees who are women (INDSTAT "
           "table 31 over table 04; ILOSTAT rows: empty)", minimum=0),
    Column("labour_source", "string", nullable=False, allowed=("indstat", "ilostat")),
    Column("isic_revision", "string", "ISIC revision in which the employment value was "
           "published", allowed=("3", "4")),
    Column("series_break", "bool", "employment_break or wage_break", nullable=False),
    Column("employment_source", "string", "ILOSTAT survey source of the employment value "
           "(empty for INDSTAT)"),
    Column("wage_source", "string", "ILOSTAT survey source of the wage value (empty for "
           "INDSTAT)"),
    Column("employment_break", "bool", "the employment value is not comparable with the "
           "series' previous one: ILOSTAT flag B, or a change of survey source or ISIC revision "
           "not spliced (harmonise.series_break, harmonise.isic_break)", nullable=False),
    Column("wage_break", "bool", "as employment_break, for the wage", nullable=False),
    Column("employment_unreliable", "bool", "ILOSTAT flag U on the employment value",
           nullable=False),
    Column("wage_unreliable", "bool", "ILOSTAT flag U on the wage value", nullable=False),
), key=("country", "value_chain", "year"))
