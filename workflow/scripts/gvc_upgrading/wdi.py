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
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd

from .errors import InputError, parse_numbers

ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]


def _bulk_table(text: str, where) -> pd.DataFrame:
    """Parse the text of a WDI bulk CSV into long form."""
    lines = text.lstrip("\ufeff").splitlines()
    offset = next((n for n, line in enumerate(lines) if line.lstrip('"').startswith("Country Name")),
                  None)
    if offset is None:
        raise InputError(where, 'no "Country Name","Country Code",... header line; expected the '
                                "WDI bulk CSV layout")
    df = pd.read_csv(io.StringIO("\n".join(lines[offset:])), dtype=str, keep_default_na=False,
                     na_values=[])
    df = df.loc[:, [c for c in df.columns if not c.startswith("Unnamed")]]
    missing = [c for c in ID_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(where, f"missing column(s) {missing}", row=offset + 1, key="header")
    years = [c for c in df.columns if c.isdigit()]
    long = df.melt(id_vars=ID_COLUMNS, value_vars=years, var_name="year", value_name="text")
    long = long[long["text"] != ""].reset_index(drop=True)
    return pd.DataFrame({
        "country_code": long["Country Code"].to_numpy(),
        "indicator_code": long["Indicator Code"].to_numpy(),
        "year": long["year"].astype("int64").to_numpy(),
        "value": parse_numbers(long["text"], where, "value").to_numpy(),
    })


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
    return _bulk_table(Path(path).read_text(encoding="utf-8-sig"), path)


def read_wdi_download(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values (long form) and country metadata (country_code, is_aggregate) of one WDI download.

    ``path`` is the bank's zip, the extracted ``API_*.csv`` (with ``Metadata_Country_<same name>``
    beside it), or an API v2 JSON file written by :func:`api_download_document`.
    """
    path = Path(path)
    if path.suffix == ".json":
        return read_wdi_api(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            data = [n for n in names if Path(n).name.startswith("API_") and n.endswith(".csv")]
            meta = [n for n in names if Path(n).name.startswith("Metadata_Country_")]
            if len(data) != 1 or len(meta) != 1:
                raise InputError(path, f"expected one API_*.csv and one Metadata_Country_*.csv "
                                       f"member, found {names}")
            text = zf.read(data[0]).decode("utf-8-sig")
            meta_text = zf.read(meta[0]).decode("utf-8-sig")
        return _bulk_table(text, f"{path}:{data[0]}"), _metadata_table(meta_text, f"{path}:{meta[0]}")
    meta_path = path.with_name("Metadata_Country_" + path.name)
    if not meta_path.exists():
        raise InputError(path, f"no country metadata file {meta_path.name} beside it")
    return (read_wdi_bulk(path),
            _metadata_table(meta_path.read_text(encoding="utf-8-sig"), meta_path))


def check_api_page(document, where) -> tuple[dict, list]:
    """Split one API v2 page into (page info, records); an error document raises InputError."""
    if (isinstance(document, list) and document and isinstance(document[0], dict)
            and "message" in document[0]):
        messages = "; ".join(f"{m.get('key')}: {m.get('value')}" for m in document[0]["message"])
        raise InputError(where, f"World Bank API error: {messages}")
    if not (isinstance(document, list) and len(document) == 2 and isinstance(document[0], dict)):
        raise InputError(where, "expected a World Bank API v2 page [page info, records]")
    return document[0], document[1] or []


def api_download_document(indicator_pages: list, country_pages: list) -> dict:
    """The JSON document stored in the raw store for an API download (pages as received)."""
    return {"format": "wdi_api_v2", "indicator_pages": indicator_pages,
            "country_pages": country_pages}


def read_wdi_api(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and country metadata from a stored API v2 download (see :func:`api_download_document`)."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    records = [r for page in document["indicator_pages"] for r in check_api_page(page, path)[1]]
    countries = [c for page in document["country_pages"] for c in check_api_page(page, path)[1]]
    rows = [(r["countryiso3code"] or r["country"]["id"], r["indicator"]["id"], int(r["date"]),
             r["value"]) for r in records if r.get("value") is not None]
    values = pd.DataFrame(rows, columns=["country_code", "indicator_code", "year", "value"])
    values["value"] = values["value"].astype("float64")
    meta = pd.DataFrame({
        "country_code": [c["id"] for c in countries],
        "is_aggregate": [c.get("region", {}).get("value") == "Aggregates" for c in countries],
    })
    return values, meta
