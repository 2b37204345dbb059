"""CEPII BACI release zips: one CSV per year (``t,i,j,k,v,q``) plus the release's code lists.

Real-format quirks handled here: ``k`` is written without its leading zero (``70200`` for
HS 070200) and is zero-padded back to six characters; ``q`` is a quoted, space-padded string
that reads ``NA`` when the quantity is unknown; ``v`` is in thousands of current USD and ``q`` in
metric tonnes. A year's CSV is read as a stream from inside the zip, never extracted to disk.
Two header sets exist for the country list (``iso_3digit_alpha`` up to V202301,
``country_iso3`` from V202401); both are accepted.

What a year file must hold, else an :class:`~gvc_upgrading.errors.InputError` names the member,
the row and what was expected: the six columns, at least one flow, only its own year, no flow
listed twice, values and quantities that are neither negative nor above :data:`MAX_VALUE` /
:data:`MAX_QUANTITY`, and (when the archive has its product list) only the release's HS6 codes.
The archive must hold one release only: year files and code lists of one version and HS revision,
the release its file name states (``BACI_HS92_V202401.zip``) and, when the caller passes it, the
registry's version; its years lie between the HS revision's first year in BACI and the
release's own year (:mod:`gvc_upgrading.sources.baci_release`). Code lists that are not UTF-8
(older releases were saved in Windows-1252) are read as Windows-1252 with a logged note.
Archives are opened through :mod:`gvc_upgrading.sources.archives`, with the size limits below,
and every member is read as a stream with a bounded line or member size.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import InputError, check_range, decode_utf8, delimiter_hint
from ..io import prefetch
from .archives import CORRUPT_MEMBER, open_member, open_zip, read_line, read_member
from .baci_release import check_release_label, check_release_years, decode_code_list

YEAR_MEMBER = re.compile(r"^BACI_HS(?P<rev>\d\d)_Y(?P<year>\d{4})_V(?P<version>\w+)\.csv$")
CODE_LIST_MEMBER = re.compile(r"^(?:country_codes|product_codes_HS(?P<rev>\d\d))_V(?P<version>\w+)"
                              r"\.csv$")
FLOW_COLUMNS = ["t", "i", "j", "k", "v", "q"]
COUNTRY_HEADERS = {
    "country_iso3": ("country_code", "country_iso3"),
    "iso_3digit_alpha": ("country_code", "iso_3digit_alpha"),
}
#: Decompressed size limits (bytes) of one member and of the whole archive. The largest year
#: file of a release (HS92, recent years) is about 0.6 GB and a whole release about 10 GB.
MAX_MEMBER_BYTES = 2 * 2**30
MAX_ARCHIVE_BYTES = 64 * 2**30
#: Largest code list read (decompressed): the HS92 product list is about 0.4 MB, the country
#: list 10 kB; a code list is read whole, so this bounds the memory it takes.
MAX_CODE_LIST_BYTES = 64 * 2**20
#: Longest line of a year file (the header and every row): a real header is 24 bytes and a flow
#: row under 100; a longer line is refused once this many bytes are read.
MAX_LINE_BYTES = 2**16
#: One flow above these is impossible: 10 trillion USD (``v`` is in thousands) is about half of
#: world goods trade in a year, and 10 billion tonnes about all seaborne trade.
MAX_VALUE = 1e10
MAX_QUANTITY = 1e10


def _open(zip_path: str | Path):
    """The release zip, opened with this module's size limits (a context manager)."""
    return open_zip(zip_path, max_member_bytes=MAX_MEMBER_BYTES,
                    max_archive_bytes=MAX_ARCHIVE_BYTES)


def year_members(zip_path: str | Path, release: str | None = None) -> dict[int, str]:
    """Map each year to its CSV member; refuse a zip that mixes releases or HS revisions, whose
    code lists belong to another release, whose release is not the one its file name or
    ``release`` (the registry's version, e.g. ``202401b``) states, or whose years lie outside
    the release's range (see the module docstring)."""
    with _open(zip_path) as zf:
        names = zf.namelist()
    members: dict[int, str] = {}
    releases = set()
    for name in names:
        match = YEAR_MEMBER.match(Path(name).name)
        if match:
            members[int(match["year"])] = name
            releases.add((match["rev"], match["version"]))
    if not members:
        raise InputError(zip_path, "no BACI_HS??_Y????_V*.csv year files in the archive; expected "
                                   "a BACI release zip")
    if len(releases) > 1:
        found = ", ".join(f"HS{r} V{v}" for r, v in sorted(releases))
        raise InputError(zip_path, f"mixes BACI releases ({found}); expected one release")
    rev, version = releases.pop()
    for name in names:
        match = CODE_LIST_MEMBER.match(Path(name).name)
        if match and (match["version"] != version or match["rev"] not in (None, rev)):
            raise InputError(zip_path, f"code list of another release beside the HS{rev} "
                                       f"V{version} year files; expected one release",
                             key=f"member {name!r}")
    check_release_label(zip_path, rev, version, release, members)
    check_release_years(zip_path, rev, version, members)
    return dict(sorted(members.items()))


def hs_revision(zip_path: str | Path) -> str:
    """The release's HS revision in the names used by config/gvcs.yaml (``BACI_HS92_...`` -> HS92)."""
    member = next(iter(year_members(zip_path).values()))
    return "HS" + YEAR_MEMBER.match(Path(member).name)["rev"]


def _member_matching(zf: zipfile.ZipFile, prefix: str) -> str | None:
    return next((name for name in zf.namelist() if Path(name).name.startswith(prefix)), None)


def _code_list(zf: zipfile.ZipFile, member: str, where) -> pd.DataFrame:
    """A code list member as strings (no missing-value guessing: ``NA`` is Namibia): UTF-8, or
    :data:`LEGACY_ENCODING` with a logged note."""
    text = decode_code_list(read_member(zf, member, where, max_bytes=MAX_CODE_LIST_BYTES), where)
    if not text.strip():
        raise InputError(where, "is empty; expected a header and one row per code")
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except pd.errors.ParserError as exc:
        raise InputError(where, f"not a comma-separated code list ({exc})") from exc


def _check_unique(codes: pd.Series, where, what: str) -> None:
    duplicated = codes.duplicated()
    if duplicated.any():
        position = int(duplicated.to_numpy().nonzero()[0][0])
        raise InputError(where, f"{what} {codes.iloc[position]!r} is listed twice; expected one "
                                "row per code", row=position + 2, key=codes.name)


def _read_list(zip_path: str | Path, prefix: str, what: str) -> tuple[str, pd.DataFrame]:
    """The release's code list whose member name starts with ``prefix``, and where it was read."""
    with _open(zip_path) as zf:
        member = _member_matching(zf, prefix)
        if member is None:
            raise InputError(zip_path, f"no {prefix}*.csv member in the archive; expected the "
                                       f"release's {what}")
        where = f"{zip_path}:{member}"
        return where, _code_list(zf, member, where)


def read_country_codes(zip_path: str | Path) -> pd.DataFrame:
    """The release's country list as ``country_code`` (string) and ``iso3``."""
    where, df = _read_list(zip_path, "country_codes_V", "country list")
    for iso_col, (code_col, _) in COUNTRY_HEADERS.items():
        if iso_col in df.columns and code_col in df.columns:
            codes = df[code_col].str.strip()
            _check_unique(codes, where, "country code")
            return pd.DataFrame({"country_code": codes, "iso3": df[iso_col]})
    raise InputError(
        where,
        f"country list has columns {list(df.columns)}; expected country_code with "
        f"country_iso3 or iso_3digit_alpha{delimiter_hint(df.columns)}",
        row=1, key="header",
    )


def read_product_codes(zip_path: str | Path) -> pd.DataFrame:
    """The release's HS6 product list with codes zero-padded to six characters."""
    where, df = _read_list(zip_path, "product_codes_", "product list")
    if "code" not in df.columns:
        raise InputError(where, f"product list has columns {list(df.columns)}; expected code and "
                                f"description{delimiter_hint(df.columns)}", row=1, key="header")
    df["code"] = df["code"].str.strip().str.zfill(6)
    _check_unique(df["code"], where, "product code")
    return df


def release_products(zip_path: str | Path) -> pd.Series | None:
    """The release's HS6 codes (six characters), or None when the archive has no product list."""
    with _open(zip_path) as zf:
        if _member_matching(zf, "product_codes_") is None:
            return None
    return read_product_codes(zip_path)["code"]


def read_year(zip_path: str | Path, year: int, block_size: int = 1 << 22, *,
              release: str | None = None) -> pa.Table:
    """One year's flows as an Arrow table (all of :func:`iter_year`'s batches).

    Columns: ``t`` int16, ``i``/``j`` strings (BACI numeric codes), ``k`` six-character HS6
    string, ``v`` float64 (thousand USD), ``q`` float64 (tonnes, null where unknown).
    """
    return pa.Table.from_batches(list(iter_year(zip_path, year, block_size, release=release)),
                                 schema=_CLEAN_SCHEMA)


def iter_year(zip_path: str | Path, year: int, block_size: int = 1 << 22, *,
              release: str | None = None) -> Iterator[pa.RecordBatch]:
    """Stream one year's flows from inside the zip as cleaned, checked record batches.

    Each batch is checked as it is read (its year, value and quantity ranges, product codes);
    the checks that need the whole year (at least one flow, no flow listed twice) run after the
    last batch, so a consumer must read the iterator to its end before trusting what it wrote.
    Memory stays at a few batches of ``block_size`` bytes of CSV, whatever the year's size
    (measured on an 11-million-flow year: 4 MB blocks, 0.5 GB peak; 16 MB blocks, 0.8 GB at
    the same speed; read by Arrow from memory one block of whole lines at a time since, 0.3 GB
    instead of 0.45 GB for 3 million flows). ``release`` is the registry's version of the zip
    (see :func:`year_members`).
    """
    members = year_members(zip_path, release)
    if year not in members:
        raise InputError(zip_path, f"no file for year {year}; expected a year the archive has "
                                   f"({min(members)}-{max(members)})")
    member = members[year]
    where = f"{zip_path}:{member}"
    checks = _FlowChecks(where, year, release_products(zip_path))
    with _open(zip_path) as zf:
        try:
            with open_member(zf, member) as fh:
                for batch in _read_flows(fh, where, block_size):
                    checks.batch(batch)
                    yield batch
        except CORRUPT_MEMBER as exc:
            raise InputError(where, f"archive member is corrupt ({exc}); expected a complete, "
                                    "undamaged member") from exc
    checks.finish()


#: Column types of a year file; no null tokens: an empty or "NA" value (v) is an error, and q's
#: NA is handled in :func:`_clean_batch`.
_CONVERT = pacsv.ConvertOptions(
    column_types={"t": pa.int16(), "i": pa.string(), "j": pa.string(), "k": pa.string(),
                  "v": pa.float64(), "q": pa.string()},
    include_columns=FLOW_COLUMNS, null_values=[], strings_can_be_null=False,
    quoted_strings_can_be_null=False)
_READ = pacsv.ReadOptions(column_names=FLOW_COLUMNS)


def _read_flows(fh, where, block_size: int) -> Iterator[pa.RecordBatch]:
    """The cleaned flow batches of an open year member, after checking its header line;
    decompressing, parsing and cleaning run in their own thread, ahead of the checks."""
    first = read_line(fh, where, row=1, max_bytes=MAX_LINE_BYTES)
    if not first.strip():
        raise InputError(where, f"is empty; expected the header {','.join(FLOW_COLUMNS)} and flows",
                         row=1)
    header = decode_utf8(first, where).strip().replace('"', "").split(",")
    if header != FLOW_COLUMNS:
        raise InputError(where, f"header is {header}; expected {FLOW_COLUMNS}{delimiter_hint(header)}",
                         row=1)
    if fh.peek(1):
        yield from prefetch(_parsed_blocks(fh, where, block_size))


def _parsed_blocks(fh, where, block_size: int) -> Iterator[pa.RecordBatch]:
    """Each block of whole lines parsed by Arrow from memory (Arrow never calls back into the
    Python stream from its own threads, so an error leaves nothing reading in the background)."""
    for first_row, block in _line_blocks(fh, where, block_size):
        try:
            table = pacsv.read_csv(pa.py_buffer(block), read_options=_READ,
                                   convert_options=_CONVERT)
            batches = [_clean_batch(batch) for batch in table.to_batches() if batch.num_rows]
        except pa.ArrowInvalid as exc:  # a field that is not a number, a row of other width
            raise _first_bad_row(block, where, first_row, exc) from None
        yield from batches


def _line_blocks(fh, where, block_size: int) -> Iterator[tuple[int, bytes]]:
    """The rest of an open member in blocks of about ``block_size`` bytes cut after a line
    break, each with the file row of its first line; a line longer than :data:`MAX_LINE_BYTES`
    is an InputError once that many bytes are read, so memory stays at about one block."""
    row, carry = 2, b""
    while block := fh.read(block_size):
        data = carry + block
        cut = data.rfind(b"\n") + 1
        data, carry = data[:cut], data[cut:]
        if len(carry) > MAX_LINE_BYTES:
            raise InputError(where, f"line is longer than {MAX_LINE_BYTES:,} bytes; expected a "
                                    "text file with lines of delimited fields",
                             row=row + data.count(b"\n"))
        if data:
            yield row, data
            row += data.count(b"\n")
    if carry:
        yield row, carry


def _first_bad_row(block: bytes, where, first_row: int, error: pa.ArrowInvalid) -> InputError:
    """The first row of ``block`` (file row ``first_row`` on) that Arrow could not parse."""
    for number, line in enumerate(block.splitlines(), start=first_row):
        text = decode_utf8(line, where, first_row=number)
        problem = _row_problem(next(csv.reader([text]))) if text.strip() else None
        if problem:
            return InputError(where, problem, row=number)
    return InputError(where, f"malformed flow row ({error})", row=first_row)


def _row_problem(fields: list[str]) -> str | None:
    """What is wrong with one flow row, or None."""
    if len(fields) != len(FLOW_COLUMNS):
        return f"has {len(fields)} fields; expected {len(FLOW_COLUMNS)} ({','.join(FLOW_COLUMNS)})"
    t, _, _, _, v, q = (field.strip() for field in fields)
    if not t.isdigit():
        return f"t {t!r} is not a year"
    for name, text, expected in (("v", v, "a number (thousand USD)"),
                                 ("q", "0" if q in ("", "NA") else q,
                                  "a number (tonnes) or NA")):
        try:
            float(text)
        except ValueError:
            return f"{name} {text!r} is not {expected}"
    return None


class _FlowChecks:
    """The checks of one year file, run batch by batch (see the module docstring).

    Duplicates are found without holding the flows: each flow's key ``(i, j, k)`` is packed into
    one integer (BACI codes are numbers: countries below 1,000, products below 1,000,000). BACI
    writes its years sorted by that key, so a strictly increasing key proves there is no
    duplicate; otherwise the keys (8 bytes a flow) are sorted once at the end. Codes that are not
    such numbers (malformed files) fall back to keeping the code columns and grouping them.
    """

    def __init__(self, where, year: int, products: pd.Series | None):
        self.where, self.year, self.rows = where, year, 0
        self.products = None if products is None else pa.array(products.tolist(), pa.string())
        self.keys: list[np.ndarray] = []
        self.codes: list[pa.Table] | None = None  # only when a code is not a BACI number
        self.increasing, self.last_key = True, -1

    def batch(self, batch: pa.RecordBatch) -> None:
        first_row = self.rows + 2  # file rows: the header is row 1
        self.rows += batch.num_rows
        other_year = pc.not_equal(batch["t"], self.year)
        if pc.any(other_year).as_py():
            position = pc.indices_nonzero(other_year)[0].as_py()
            raise InputError(self.where, f"holds rows for another year "
                                         f"({batch['t'][position].as_py()}); expected only "
                                         f"{self.year}", row=first_row + position, key="t")
        check_range(batch["v"].to_numpy(zero_copy_only=False), self.where, "v", minimum=0,
                    maximum=MAX_VALUE, first_row=first_row, expected="a trade value in thousand USD")
        check_range(batch["q"].to_numpy(zero_copy_only=False), self.where, "q", minimum=0,
                    maximum=MAX_QUANTITY, first_row=first_row, expected="a quantity in tonnes")
        if self.products is not None:
            self._check_products(batch, first_row)
        self._add_keys(batch, first_row)

    def _check_products(self, batch: pa.RecordBatch, first_row: int) -> None:
        """Every product code must be in the release's product list (else: another revision?)."""
        known = pc.is_in(batch["k"], value_set=self.products)
        if not pc.all(known).as_py():
            unknown = pc.invert(known)
            shown = sorted(set(pc.filter(batch["k"], unknown).to_pylist()))[:10]
            raise InputError(self.where, f"product code(s) {shown} not in the release's product "
                                         "list; expected HS6 codes of the release's HS revision "
                                         "(codes of another revision?)",
                             row=first_row + pc.indices_nonzero(unknown)[0].as_py(), key="k")

    def _add_keys(self, batch: pa.RecordBatch, first_row: int) -> None:
        if self.codes is not None:
            self.codes.append(pa.table(batch.select(["i", "j", "k"])))
            return
        key = _flow_key(batch)
        if key is None:  # a code that is not a BACI number: keep the codes instead
            self.codes = [pa.table(b.select(["i", "j", "k"])) for b in self._decoded()]
            self.codes.append(pa.table(batch.select(["i", "j", "k"])))
            self.keys = []
            return
        self.keys.append(key)
        if self.increasing:
            steps = np.diff(key, prepend=self.last_key)
            if (steps == 0).any():
                raise self._duplicate_error(first_row + int(np.flatnonzero(steps == 0)[0]))
            self.increasing = bool((steps > 0).all())
        self.last_key = int(key[-1])

    def _decoded(self) -> list[pa.RecordBatch]:
        """The codes of the keys kept so far (when a later batch forces the fallback)."""
        batches = []
        for key in self.keys:
            i, rest = np.divmod(key, _I_FACTOR)
            j, k = np.divmod(rest, _J_FACTOR)
            batches.append(pa.record_batch({
                "i": pa.array(i.astype(str)), "j": pa.array(j.astype(str)),
                "k": pc.utf8_lpad(pa.array(k.astype(str)), width=6, padding="0")}))
        return batches

    def _duplicate_error(self, row: int, i=None, j=None, k=None) -> InputError:
        if i is None:
            i, rest = divmod(self._key_at(row), _I_FACTOR)
            j, k = divmod(rest, _J_FACTOR)
            k = f"{k:06d}"
        return InputError(self.where, f"flow {i} -> {j} of product {k} is listed twice; expected "
                                      "one row per exporter, importer and product", row=row,
                          key="i,j,k")

    def _key_at(self, row: int) -> int:
        position = row - 2
        for key in self.keys:
            if position < len(key):
                return int(key[position])
            position -= len(key)
        raise IndexError(row)

    def finish(self) -> None:
        """The checks that need the whole year: at least one flow, each flow listed once."""
        if self.rows == 0:
            raise InputError(self.where, "has a header but no flows; expected one row per "
                                         "exporter, importer and product", row=2)
        if self.codes is not None:
            flows = pa.concat_tables(self.codes)
            if flows.group_by(["i", "j", "k"]).aggregate([]).num_rows < flows.num_rows:
                frame = flows.to_pandas()
                position = int(frame.duplicated().to_numpy().nonzero()[0][0])
                raise self._duplicate_error(position + 2, *frame.iloc[position])
        elif not self.increasing:
            keys = np.concatenate(self.keys)
            ordered = np.sort(keys)
            if (ordered[1:] == ordered[:-1]).any():
                position = int(pd.Series(keys).duplicated().to_numpy().nonzero()[0][0])
                raise self._duplicate_error(position + 2)


#: Packing of a flow key: ``(i * 1,000 + j) * 1,000,000 + k``.
_J_FACTOR = 1_000_000
_I_FACTOR = 1_000 * _J_FACTOR


def _flow_key(batch: pa.RecordBatch) -> np.ndarray | None:
    """The packed ``(i, j, k)`` key of every flow, or None when a code is not a BACI number."""
    try:
        numbers = [pc.cast(batch[c], pa.int64()).to_numpy() for c in ("i", "j", "k")]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    i, j, k = numbers
    limits = ((i, 1_000), (j, 1_000), (k, _J_FACTOR))
    if any(len(v) and (v.min() < 0 or v.max() >= limit) for v, limit in limits):
        return None
    return (i * 1_000 + j) * _J_FACTOR + k


_CLEAN_SCHEMA = pa.schema([("t", pa.int16()), ("i", pa.string()), ("j", pa.string()),
                           ("k", pa.string()), ("v", pa.float64()), ("q", pa.float64())])


def _clean_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Zero-pad ``k``; turn the space-padded ``q`` strings into numbers with ``NA`` as null.

    The ASCII kernels are enough (codes and numbers are ASCII; the reader has already checked
    that the text is UTF-8) and twice as fast as the Unicode ones.
    """
    k = pc.ascii_lpad(pc.ascii_trim_whitespace(batch["k"]), width=6, padding="0")
    q_text = pc.ascii_trim_whitespace(batch["q"])
    missing = pc.is_in(q_text, value_set=_MISSING_QUANTITY)
    q = pc.cast(pc.if_else(missing, pa.scalar(None, pa.string()), q_text), pa.float64())
    return pa.RecordBatch.from_arrays(
        [batch["t"], pc.ascii_trim_whitespace(batch["i"]), pc.ascii_trim_whitespace(batch["j"]),
         k, batch["v"], q],
        schema=_CLEAN_SCHEMA,
    )


_MISSING_QUANTITY = pa.array(["NA", ""], pa.string())
