"""World Bank WDI: bulk CSV downloads and API v2 JSON.

Bulk layout (``.../indicator/<ID>?downloadformat=csv`` returns a zip): ``API_<ID>_DS2_*.csv`` holds a
byte-order mark, metadata lines (``"Data Source"``, ``"Last Updated Date"``) and blank lines before
the header ``"Country Name","Country Code","Indicator Name","Indicator Code","1960",...``; every line
ends with a comma, which yields an empty trailing column; values are wide by year. The companion
``Metadata_Country_*.csv`` leaves ``Region`` empty for aggregates (World, income groups, regions),
which is how aggregates are kept out of country samples. The same pair may also sit unzipped side
by side.

API v2 (``/v2/country/all/indicator/<ID>?format=json``) answers with ``[page_info, records]`` and
pages; errors arrive with HTTP 200 as ``[{"message": [...]}]``. Aggregates are the countries whose
``region.value`` is ``Aggregates`` in ``/v2/country``.

Bad input raises an :class:`~gvc_upgrading.errors.InputError` naming the file, row or key and what
was expected: an unreadable zip, a file that is not UTF-8, JSON cut short, a missing column or
field, a value that is not a finite number, a country-indicator pair given twice, a file whose
values are all empty, a value outside its indicator's plausible range (:data:`VALUE_RANGES`:
consumer price index and exchange rate above zero and below an impossible magnitude, tourism
receipts and arrivals not negative and below one), and a value for a year before
:data:`FIRST_YEAR` or after the file's own date (``Last Updated Date`` of a bulk file,
``lastupdated`` of an API page; else the current year). Zips are opened through
:mod:`gvc_upgrading.sources.archives` with the size limits below; their members are read as
streams.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import (
    InputError,
    check_range,
    check_years,
    decode_utf8,
    delimiter_hint,
    parse_numbers,
)
from .archives import open_zip, read_member

ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
#: A consumer price index (2010 = 100) above this is an impossible magnitude: the largest in
#: WDI (Nov. 2024) is Sudan's 38,797 in 2022, and even Venezuela's hyperinflation (prices up
#: roughly a billion-fold from 2010 to 2021, no longer in WDI) stays about 1,000 times below.
MAX_CPI = 1e14
#: An exchange rate (LCU per USD) above this is impossible: the largest in WDI (June 2024) is
#: Zimbabwe's 6.7e9 in 2008, followed by Iran's 42,000.
MAX_EXCHANGE_RATE = 1e12
#: Tourism receipts (current USD) of one country above this are impossible: the whole world's
#: were about 1.5e12 USD in 2019.
MAX_TOURISM_RECEIPTS_USD = 1e13
#: Arrivals of one country above this are impossible: the whole world's were about 1.5e9 in 2019.
MAX_TOURISM_ARRIVALS = 1e10
#: The plausible range of each indicator's values: (above zero, or not negative; maximum; what
#: the values are). Other indicators are only held to finite numbers.
VALUE_RANGES = {
    "FP.CPI.TOTL": (True, MAX_CPI, "a consumer price index (2010 = 100)"),
    "PA.NUS.FCRF": (True, MAX_EXCHANGE_RATE, "an exchange rate (LCU per USD)"),
    "ST.INT.RCPT.CD": (False, MAX_TOURISM_RECEIPTS_USD, "tourism receipts in current USD"),
    "ST.INT.ARVL": (False, MAX_TOURISM_ARRIVALS, "a number of tourist arrivals"),
}
#: WDI series start in 1960.
FIRST_YEAR = 1960
#: Decompressed size limits (bytes) of one member and of a whole download; a bulk zip of one
#: indicator holds well under 1 MB, and a member is read whole, so this bounds its memory.
MAX_MEMBER_BYTES = 64 * 2**20
MAX_ARCHIVE_BYTES = 128 * 2**20
_LAST_UPDATED = re.compile(r'^"?Last Updated Date"?,"?(?P<date>\d{4}-\d\d-\d\d)')
_ZIP_MAGIC = b"PK"


def _bulk_table(text: str, where) -> pd.DataFrame:
    """Parse the text of a WDI bulk CSV into long form."""
    lines = text.lstrip("\ufeff").splitlines()
    offset = next((n for n, line in enumerate(lines) if line.lstrip('"').startswith("Country Name")),
                  None)
    if offset is None:
        raise InputError(where, 'no "Country Name","Country Code",... header line; expected the '
                                "WDI bulk CSV layout")
    updated = next((m["date"] for line in lines[:offset] if (m := _LAST_UPDATED.match(line))),
                   None)
    df = pd.read_csv(io.StringIO("\n".join(lines[offset:])), dtype=str, keep_default_na=False,
                     na_values=[])
    df = df.loc[:, [c for c in df.columns if not c.startswith("Unnamed")]]
    missing = [c for c in ID_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(where, f"missing column(s) {missing}; expected {ID_COLUMNS} and one "
                                f"column per year{delimiter_hint(df.columns)}",
                         row=offset + 1, key="header")
    first_row = offset + 2  # file row of the first data line
    _check_unique(df[["Country Code", "Indicator Code"]], where, first_row)
    years = [c for c in df.columns if c.isdigit()]
    values = pd.DataFrame({year: parse_numbers(df[year], where, f"value for {year}",
                                               missing=("",), first_row=first_row)
                           for year in years}, index=df.index)
    if len(df) and values.isna().all(axis=None):
        raise InputError(where, f"every value is empty ({len(df)} rows, years "
                                f"{years[0] if years else ''}-{years[-1] if years else ''}); "
                                "expected at least one value", key="value")
    long = values.assign(country_code=df["Country Code"], indicator_code=df["Indicator Code"]).melt(
        id_vars=["country_code", "indicator_code"], var_name="year", ignore_index=False)
    long = long.dropna(subset=["value"])
    long["year"] = long["year"].astype("int64")
    _check_values(long, where, rows=long.index + first_row, updated=updated,
                  dated_by="Last Updated Date")
    return long[["country_code", "indicator_code", "year", "value"]].reset_index(drop=True)


def _check_unique(keys: pd.DataFrame, where, first_row: int) -> None:
    duplicated = keys.duplicated()
    if duplicated.any():
        position = int(duplicated.to_numpy().nonzero()[0][0])
        country, indicator = keys.iloc[position]
        raise InputError(where, f"country {country} has more than one row for {indicator}; "
                                "expected one row per country and indicator",
                         row=position + first_row, key="Country Code")


def _check_values(long: pd.DataFrame, where, rows=None, *, updated: str | None,
                  dated_by: str) -> None:
    """Values are finite and in their indicator's range (:data:`VALUE_RANGES`); years lie
    between :data:`FIRST_YEAR` and the year of ``updated`` (the file's own date, named by
    ``dated_by``; without one, the current year). ``rows`` are the file rows of the values
    (none for API documents)."""
    labels = (long["country_code"] + " " + long["year"].astype(str)).to_numpy()
    rows = None if rows is None else np.asarray(rows)
    first_row = None if rows is None else 1
    last = int(updated[:4]) if updated else datetime.date.today().year
    since = f"{dated_by} {updated}" if updated else "the current year"
    check_years(long["year"], where, "year", first=FIRST_YEAR, last=last, rows=rows,
                first_row=first_row, expected=f"WDI years from {FIRST_YEAR} to the file's "
                                              f"own date ({since})")
    check_range(long["value"], where, "value", rows=rows, first_row=first_row, labels=labels,
                expected="a finite number")
    for indicator, (positive, maximum, what) in VALUE_RANGES.items():
        mask = (long["indicator_code"] == indicator).to_numpy()
        check_range(long["value"].to_numpy()[mask], where, f"{indicator} value",
                    above_zero=positive, minimum=None if positive else 0, maximum=maximum,
                    rows=None if rows is None else rows[mask], first_row=first_row,
                    labels=labels[mask],
                    expected=f"{what}, {'above' if positive else 'not below'} zero and at most "
                             f"{maximum:g}")


def _metadata_table(text: str, where) -> pd.DataFrame:
    df = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype=str, keep_default_na=False,
                     na_values=[])
    df = df.loc[:, [c for c in df.columns if not c.startswith("Unnamed")]]
    for col in ("Country Code", "Region"):
        if col not in df.columns:
            raise InputError(where, f"missing column {col!r}; expected WDI country metadata",
                             key="header")
    return pd.DataFrame({"country_code": df["Country Code"],
                         "is_aggregate": df["Region"].str.strip() == ""})


def read_wdi_bulk(path: str | Path) -> pd.DataFrame:
    """Read a WDI bulk CSV into long form: country_code, indicator_code, year, value."""
    return _bulk_table(decode_utf8(Path(path).read_bytes(), path), path)


def read_wdi_download(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values (long form) and country metadata (country_code, is_aggregate) of one WDI download.

    ``path`` is the bank's zip, the extracted ``API_*.csv`` (with ``Metadata_Country_<same name>``
    beside it), or an API v2 JSON file written by :func:`api_download_document`.
    """
    path = Path(path)
    if path.suffix == ".json":
        return read_wdi_api(path)
    if path.suffix == ".zip" or _starts_with(path, _ZIP_MAGIC):
        return _read_zip(path)
    meta_path = path.with_name("Metadata_Country_" + path.name)
    if not meta_path.exists():
        raise InputError(path, f"no country metadata file {meta_path.name} beside it")
    return (read_wdi_bulk(path),
            _metadata_table(decode_utf8(meta_path.read_bytes(), meta_path), meta_path))


def _starts_with(path: Path, magic: bytes) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(magic)) == magic


def _read_zip(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and country metadata from the bank's bulk zip."""
    with open_zip(path, max_member_bytes=MAX_MEMBER_BYTES,
                  max_archive_bytes=MAX_ARCHIVE_BYTES) as zf:
        names = zf.namelist()
        data = [n for n in names if Path(n).name.startswith("API_") and n.endswith(".csv")]
        meta = [n for n in names if Path(n).name.startswith("Metadata_Country_")]
        if len(data) != 1 or len(meta) != 1:
            raise InputError(path, f"expected one API_*.csv and one Metadata_Country_*.csv "
                                   f"member, found {names}")
        where, meta_where = f"{path}:{data[0]}", f"{path}:{meta[0]}"
        text = decode_utf8(read_member(zf, data[0], where, max_bytes=MAX_MEMBER_BYTES), where)
        meta_text = decode_utf8(read_member(zf, meta[0], meta_where, max_bytes=MAX_MEMBER_BYTES),
                                meta_where)
    return _bulk_table(text, where), _metadata_table(meta_text, meta_where)


def check_api_page(document, where, *, key: str | None = None) -> tuple[dict, list]:
    """Split one API v2 page into (page info, records); an error document raises InputError
    (``key`` names the page in a stored download)."""
    if (isinstance(document, list) and document and isinstance(document[0], dict)
            and "message" in document[0]):
        messages = "; ".join(f"{m.get('key')}: {m.get('value')}" for m in document[0]["message"])
        raise InputError(where, f"World Bank API error: {messages}", key=key)
    if not (isinstance(document, list) and len(document) == 2 and isinstance(document[0], dict)):
        raise InputError(where, "expected a World Bank API v2 page [page info, records]", key=key)
    return document[0], document[1] or []


def api_download_document(indicator_pages: list, country_pages: list) -> dict:
    """The JSON document stored in the raw store for an API download (pages as received)."""
    return {"format": "wdi_api_v2", "indicator_pages": indicator_pages,
            "country_pages": country_pages}


def read_wdi_api(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and country metadata from a stored API v2 download (see :func:`api_download_document`)."""
    text = decode_utf8(Path(path).read_bytes(), path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc.msg} at line {exc.lineno}, column "
                               f"{exc.colno}); expected a stored World Bank API download (cut "
                               "short?)") from exc
    if not (isinstance(document, dict) and document.get("format") == "wdi_api_v2"):
        raise InputError(path, 'expected a JSON object with "format": "wdi_api_v2", '
                               '"indicator_pages" and "country_pages"', key="format")
    pages, infos = {}, []
    for part in ("indicator_pages", "country_pages"):
        if not isinstance(document.get(part), list):
            raise InputError(path, "expected a list of API v2 pages", key=part)
        checked = [check_api_page(page, path, key=f"{part} page {n}")
                   for n, page in enumerate(document[part], start=1)]
        pages[part] = [(n, item) for n, (_, items) in enumerate(checked, start=1)
                       for item in items]
        infos += [info for info, _ in checked] if part == "indicator_pages" else []
    records = [(n, record) for n, record in pages["indicator_pages"]
               if not (isinstance(record, dict) and record.get("value") is None)]
    if pages["indicator_pages"] and not records:
        raise InputError(path, f"every value is empty ({len(pages['indicator_pages'])} records, "
                               "all null); expected at least one value", key="indicator_pages")
    values = pd.DataFrame([_api_value(record, path, f"indicator_pages page {n}")
                           for n, record in records],
                          columns=["country_code", "indicator_code", "year", "value"])
    values = values.astype({"year": "int64", "value": "float64"})
    keys = values[["country_code", "indicator_code", "year"]]
    if keys.duplicated().any():
        country, indicator, year = keys[keys.duplicated()].iloc[0]
        raise InputError(path, f"more than one value for {country}, {indicator}, {year}; "
                               "expected one per country, indicator and year",
                         key="indicator_pages")
    updated = next((str(info["lastupdated"]) for info in infos
                    if re.fullmatch(r"\d{4}-\d\d-\d\d", str(info.get("lastupdated", "")))),
                   None)
    _check_values(values, path, updated=updated, dated_by="lastupdated")
    countries = [country for _, country in pages["country_pages"]]
    if not all(isinstance(c, dict) and isinstance(c.get("id"), str) for c in countries):
        raise InputError(path, 'expected country records with an "id"', key="country_pages")
    meta = pd.DataFrame({
        "country_code": [c["id"] for c in countries],
        "is_aggregate": [(c.get("region") or {}).get("value") == "Aggregates" for c in countries],
    })
    return values, meta


def _api_value(record: dict, path, page: str) -> tuple[str, str, int, float]:
    """(country, indicator, year, value) of one API v2 record; a malformed record is an error."""
    try:
        country = record["countryiso3code"] or record["country"]["id"]
        indicator = record["indicator"]["id"]
        year, value = record["date"], record["value"]
    except (KeyError, TypeError) as exc:
        raise InputError(path, f"record without {exc}; expected countryiso3code, country, "
                               f"indicator, date and value", key=page) from None
    try:
        return country, indicator, int(year), float(value)
    except (TypeError, ValueError):
        raise InputError(path, f"record {country} {indicator} {year!r}: expected a year as date "
                               f"and a number as value, got {value!r}", key=page) from None
