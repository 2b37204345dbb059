"""CEPII BACI release zips: one CSV per year (``t,i,j,k,v,q``) plus the release's code lists.

Real-format quirks handled here: ``k`` is written without its leading zero (``70200`` for
HS 070200) and is zero-padded back to six characters; ``q`` is a quoted, space-padded string
that reads ``NA`` when the quantity is unknown; ``v`` is in thousands of current USD and ``q`` in
metric tonnes. A year's CSV is read as a stream from inside the zip, never extracted to disk.
Two header sets exist for the country list (``iso_3digit_alpha`` up to V202301,
``country_iso3`` from V202401); both are accepted.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .errors import InputError

YEAR_MEMBER = re.compile(r"^BACI_HS(?P<rev>\d\d)_Y(?P<year>\d{4})_V(?P<version>\w+)\.csv$")
FLOW_COLUMNS = ["t", "i", "j", "k", "v", "q"]
COUNTRY_HEADERS = {
    "country_iso3": ("country_code", "country_iso3"),
    "iso_3digit_alpha": ("country_code", "iso_3digit_alpha"),
}


def year_members(zip_path: str | Path) -> dict[int, str]:
    """Map each year to its CSV member; refuse a zip that mixes releases or HS revisions."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile as exc:
        raise InputError(zip_path, f"not a readable zip archive ({exc})") from exc
    members: dict[int, str] = {}
    releases = set()
    for name in names:
        match = YEAR_MEMBER.match(Path(name).name)
        if match:
            members[int(match["year"])] = name
            releases.add((match["rev"], match["version"]))
    if not members:
        raise InputError(zip_path, "no BACI_HS??_Y????_V*.csv year files in the archive")
    if len(releases) > 1:
        found = ", ".join(f"HS{r} V{v}" for r, v in sorted(releases))
        raise InputError(zip_path, f"mixes BACI releases ({found}); expected one release")
    return dict(sorted(members.items()))


def hs_revision(zip_path: str | Path) -> str:
    """The release's HS revision in the names used by config/gvcs.yaml (``BACI_HS92_...`` -> HS92)."""
    member = next(iter(year_members(zip_path).values()))
    return "HS" + YEAR_MEMBER.match(Path(member).name)["rev"]


def _member_matching(zf: zipfile.ZipFile, prefix: str, zip_path) -> str:
    for name in zf.namelist():
        if Path(name).name.startswith(prefix):
            return name
    raise InputError(zip_path, f"no {prefix}*.csv member in the archive")


def read_country_codes(zip_path: str | Path) -> pd.DataFrame:
    """The release's country list as ``country_code`` (string) and ``iso3``."""
    with zipfile.ZipFile(zip_path) as zf:
        member = _member_matching(zf, "country_codes_V", zip_path)
        with zf.open(member) as fh:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8")
    for iso_col, (code_col, _) in COUNTRY_HEADERS.items():
        if iso_col in df.columns and code_col in df.columns:
            return pd.DataFrame({"country_code": df[code_col].str.strip(), "iso3": df[iso_col]})
    raise InputError(
        f"{zip_path}:{member}",
        f"country list has columns {list(df.columns)}; expected country_code with "
        "country_iso3 or iso_3digit_alpha",
        key="header",
    )


def read_product_codes(zip_path: str | Path) -> pd.DataFrame:
    """The release's HS6 product list with codes zero-padded to six characters."""
    with zipfile.ZipFile(zip_path) as zf:
        member = _member_matching(zf, "product_codes_", zip_path)
        with zf.open(member) as fh:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8")
    df["code"] = df["code"].str.strip().str.zfill(6)
    return df


def read_year(zip_path: str | Path, year: int, block_size: int = 1 << 24) -> pa.Table:
    """Stream one year's flows from the zip into an Arrow table.

    Columns: ``t`` int16, ``i``/``j`` strings (BACI numeric codes), ``k`` six-character HS6
    string, ``v`` float64 (thousand USD), ``q`` float64 (tonnes, null where unknown).
    """
    members = year_members(zip_path)
    if year not in members:
        raise InputError(zip_path, f"no file for year {year}; the archive has {min(members)}-{max(members)}")
    member = members[year]
    where = f"{zip_path}:{member}"
    types = {"t": pa.int16(), "i": pa.string(), "j": pa.string(), "k": pa.string(),
             "v": pa.float64(), "q": pa.string()}
    convert = pacsv.ConvertOptions(column_types=types, include_columns=FLOW_COLUMNS,
                                   strings_can_be_null=False, quoted_strings_can_be_null=False)
    batches = []
    with zipfile.ZipFile(zip_path) as zf, zf.open(member) as fh:
        header = fh.readline().decode("utf-8-sig").strip().replace('"', "").split(",")
        if header != FLOW_COLUMNS:
            raise InputError(where, f"header is {header}; expected {FLOW_COLUMNS}", row=1)
        read = pacsv.ReadOptions(column_names=FLOW_COLUMNS, block_size=block_size)
        try:
            reader = pacsv.open_csv(fh, read_options=read, convert_options=convert)
            for batch in reader:
                batches.append(_clean_batch(batch))
        except pa.ArrowInvalid as exc:
            raise InputError(where, f"malformed flow row ({exc})") from exc
    table = pa.Table.from_batches(batches, schema=_CLEAN_SCHEMA) if batches else _CLEAN_SCHEMA.empty_table()
    bad_years = pc.not_equal(table["t"], year)
    if pc.any(bad_years).as_py():
        raise InputError(where, f"holds rows for another year than {year}", key="t")
    return table


_CLEAN_SCHEMA = pa.schema([("t", pa.int16()), ("i", pa.string()), ("j", pa.string()),
                           ("k", pa.string()), ("v", pa.float64()), ("q", pa.float64())])


def _clean_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Zero-pad ``k``; turn the space-padded ``q`` strings into numbers with ``NA`` as null."""
    k = pc.utf8_lpad(pc.utf8_trim_whitespace(batch["k"]), width=6, padding="0")
    q_text = pc.utf8_trim_whitespace(batch["q"])
    missing = pc.or_(pc.equal(q_text, "NA"), pc.equal(q_text, ""))
    q = pc.cast(pc.if_else(missing, pa.scalar(None, pa.string()), q_text), pa.float64())
    return pa.RecordBatch.from_arrays(
        [batch["t"], pc.utf8_trim_whitespace(batch["i"]), pc.utf8_trim_whitespace(batch["j"]), k,
         batch["v"], q],
        schema=_CLEAN_SCHEMA,
    )
