"""HS nomenclatures and the UN correlation tables between HS editions.

UNSD publishes, for each HS edition after 1992, "correlation and conversion tables" back to
HS 1992 (Excel files: ``HS2017toHS1992ConversionAndCorrelationTables.xlsx`` and the like). The
correlation sheet pairs every six-digit code of the later edition with each HS 1992 code that
shares products with it (1:1, n:1, 1:n and n:n). :func:`read_correlation_table` reads one into
a tidy table; :func:`successors` and :func:`predecessors` convert codes between HS 1992 and the
later edition; :func:`check_value_chain_codes` checks the HS codes of ``config/gvcs.yaml``
against each edition's nomenclature (the HS 1992 list from a BACI release's
``product_codes_HS92_*.csv``, the later editions from their correlation tables).

The tables are read with python-calamine (both ``.xls`` and ``.xlsx``); only the tests read
them, so it is a test dependency.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..valuechains import HS_REVISIONS, prefixes_by_revision

_EDITION = re.compile(r"^HS ?(\d{4})$")
_CODE = re.compile(r"^\d{6}$")


def revision_name(edition_year: int) -> str:
    """``2017`` -> ``HS17``, the revision names of config/gvcs.yaml and BACI."""
    name = f"HS{edition_year % 100:02d}"
    if name not in HS_REVISIONS:
        raise ValueError(f"no HS edition {edition_year}; expected one of {HS_REVISIONS}")
    return name


def read_product_list(path: str | Path) -> set[str]:
    """Six-digit codes of a product list with a ``code`` column (a BACI ``product_codes_*``
    file, where codes lose their leading zero), zero-padded to six characters."""
    codes = pd.read_csv(path, dtype=str, keep_default_na=False)["code"].str.strip().str.zfill(6)
    bad = codes[~codes.str.fullmatch(_CODE.pattern)]
    if len(bad):
        raise InputError(path, f"code {bad.iloc[0]!r} is not an HS code of up to six digits",
                         row=int(bad.index[0]) + 2, key="code")
    return set(codes)


def _header(sheet: pd.DataFrame, path, name: str) -> tuple[int, int, int, int]:
    """Row of the edition header and the columns of the later edition and of HS 1992."""
    for row in range(len(sheet)):
        cells = {column: _EDITION.match(str(value).strip()) for column, value in
                 sheet.iloc[row].items() if isinstance(value, str)}
        editions = {int(m.group(1)): column for column, m in cells.items() if m}
        later = [year for year in editions if year != 1992]
        if 1992 in editions and len(later) == 1:
            return row, later[0], editions[later[0]], editions[1992]
    raise InputError(path, f"sheet {name!r} has no header row naming HS 1992 and a later edition")


def read_correlation_table(path: str | Path) -> pd.DataFrame:
    """One UN correlation table as ``revision`` (e.g. HS17), ``code`` and ``hs92_code``.

    The sheet whose name contains "correlation" is read; the header row is the one naming
    ``HS 1992`` and the later edition. Rows without a later-edition code (two HS 1992 codes
    listed alone at the end of the HS 2012 table) relate nothing and are left out. A cell that
    is not a six-digit code is an error naming the file, row and column.
    """
    sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="calamine")
    names = [name for name in sheets if "correlation" in name.lower()]
    if len(names) != 1:
        raise InputError(path, f"expected one correlation sheet, found sheets {list(sheets)}")
    sheet = sheets[names[0]]
    row, edition, later, hs92 = _header(sheet, path, names[0])
    body = sheet.iloc[row + 1:, [later, hs92]].apply(lambda col: col.str.strip())
    body.columns = ["code", "hs92_code"]
    body = body[body["code"].notna()]
    for column in body.columns:
        bad = body[~body[column].fillna("").str.fullmatch(_CODE.pattern)]
        if len(bad):
            raise InputError(path, f"{bad[column].iloc[0]!r} is not a six-digit HS code",
                             row=int(bad.index[0]) + 1, key=f"sheet {names[0]!r}, {column}")
    return body.assign(revision=revision_name(edition))[["revision", "code", "hs92_code"]] \
        .drop_duplicates().reset_index(drop=True)


def _under(codes: pd.Series, prefixes: Iterable[str]) -> pd.Series:
    return codes.str.startswith(tuple(prefixes))


def successors(table: pd.DataFrame, hs92_prefixes: Iterable[str]) -> set[str]:
    """Codes of the later edition that share products with HS 1992 codes under the prefixes."""
    return set(table.loc[_under(table["hs92_code"], hs92_prefixes), "code"])


def predecessors(table: pd.DataFrame, prefixes: Iterable[str]) -> set[str]:
    """HS 1992 codes that share products with later-edition codes under the prefixes."""
    return set(table.loc[_under(table["code"], prefixes), "hs92_code"])


def nomenclatures(hs92_codes: set[str], tables: Iterable[pd.DataFrame]) -> dict[str, set[str]]:
    """Six-digit codes of every edition: HS 1992 as given, later editions from their tables."""
    result = {"HS92": set(hs92_codes)}
    for table in tables:
        for revision, codes in table.groupby("revision")["code"]:
            result[revision] = set(codes)
    return result


def check_value_chain_codes(gvcs: Mapping, codes: Mapping[str, set[str]]) -> list[str]:
    """Every HS prefix of every chain in every edition of ``codes`` (the listed ones and those
    carried over to later editions) must be an existing code or the start of one; the problems
    found, as ``chain HSxx: prefix`` messages (empty when all exist)."""
    problems = []
    for chain in gvcs:
        for revision, prefixes in prefixes_by_revision(gvcs, chain).items():
            if revision not in codes:
                continue
            listed = "listed" if revision in gvcs[chain]["hs"] else "carried over"
            for prefix in prefixes:
                if not any(code.startswith(prefix) for code in codes[revision]):
                    problems.append(f"{chain} {revision}: {prefix} ({listed}) is not an "
                                    f"{revision} code")
    return problems
