"""The malformed-input corpus: every loader, fed broken files, ends in a clear error or a logged
repair, and leaves nothing under a final output name.

Each case builds a small set of inputs in a temporary folder (valid files with one fault), runs the
harmonisation step that reads them and writes its table through ``gvc_upgrading.io.write_table``
into an output folder, and checks the outcome:

- an error case must raise :class:`~gvc_upgrading.errors.InputError` (or, for the YAML files,
  :class:`~gvc_upgrading.config.ConfigError`) whose message matches the case's pattern, names the
  faulty file and a row or key, and says what was expected; the output folder must stay empty;
- a repair case must write the table, log the repair, and the repaired table must show it.

The outcomes are tallied in the ``malformed_tally`` fixture, printed as one line at the end of the
run (see tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import gzip
import json
import logging
import os
import re
import struct
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml
from httpserver import LocalServer, Response
from workflow_helpers import provider_paths, zip_bytes

from conftest import REPO
from gvc_upgrading.config import ConfigError, check_references, load_yaml, validate
from gvc_upgrading.dimensions import (
    check_datasets,
    check_indicators,
    check_value_added,
    load_dimensions,
)
from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.accounting import ledger_frame
from gvc_upgrading.harmonise.dimensions import DIMENSION_TABLE, harmonise_dimensions
from gvc_upgrading.harmonise.labour import harmonise_labour
from gvc_upgrading.harmonise.prices import harmonise_prices
from gvc_upgrading.harmonise.schema import write_checked
from gvc_upgrading.harmonise.tourism import harmonise_tourism
from gvc_upgrading.harmonise.trade import harmonise_comtrade_year, write_trade_year
from gvc_upgrading.harmonise.value_added import Flow, harmonise_value_added
from gvc_upgrading.io import read_table, write_table, write_text
from gvc_upgrading.sources import archives, baci, ilostat, wdi
from gvc_upgrading.store.comtrade_api import fetch_comtrade_year
from gvc_upgrading.store.fetch import FetchPolicy, manifest_path

YEAR = 2020
VERSION = "202401"
#: The configured years (config key ``years``) of the steps that take them.
CONFIGURED_YEARS = (1995, 2022)
SCHEMAS = REPO / "workflow" / "schemas"


# --- valid inputs, one builder per loader ----------------------------------------------------

FLOWS = ['"t","i","j","k","v","q"',
         '2020,842,251,610910,120.5,"        3.250"',
         '2020,251,842,70200,40.25,"           NA"',
         '2020,842,699,870323,1000,"       12.000"']
COUNTRIES = ["country_code,country_name,country_iso2,country_iso3",
             "251,France,FR,FRA", "699,India,IN,IND", "842,USA,US,USA"]
PRODUCTS = ["code,description", '70200,"Tomatoes, fresh or chilled"',
            "610910,T-shirts of cotton", "870323,Cars of 1500-3000 cc"]


def lines(rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode(encoding)


def replace(rows: list[str], position: int, row: str) -> list[str]:
    """``rows`` with ``rows[position]`` replaced by ``row``."""
    return [*rows[:position], row, *rows[position + 1:]]


def declare_size(archive: bytes, member: str, size: int) -> bytes:
    """The archive with ``member``'s decompressed size in the central directory set to ``size``
    (what a zip bomb or a forged archive declares)."""
    data = bytearray(archive)
    start = data.find(b"PK\x01\x02")
    while start != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46:start + 46 + name_length].decode() == member:
            struct.pack_into("<I", data, start + 24, size)
        start = data.find(b"PK\x01\x02", start + 4)
    return bytes(data)


def baci_members(flows=FLOWS, countries=COUNTRIES, products=PRODUCTS,
                 year_file=f"BACI_HS92_Y{YEAR}_V{VERSION}.csv") -> dict[str, bytes]:
    return {year_file: lines(flows), f"country_codes_V{VERSION}.csv": lines(countries),
            f"product_codes_HS92_V{VERSION}.csv": lines(products)}


def baci_release(folder: Path, members: dict[str, bytes] | None = None, *, raw: bytes | None = None,
                 year: int = YEAR, release: str = VERSION, name: str = f"BACI_HS92_V{VERSION}.zip",
                 **changes) -> dict:
    """A BACI release zip; ``changes`` go to :func:`baci_members`, ``raw`` replaces the bytes;
    ``release`` is the registry's version the harmonisation step is given."""
    path = folder / name
    path.write_bytes(raw if raw is not None else zip_bytes(members or baci_members(**changes)))
    return {"zip": path, "year": year, "release": release}


INDSTAT = ["04,050,2000,18,18,4200,01,1,2023-06-30,#",
           "05,050,2000,18,18,1200000,02,1,2023-06-30,LCU",
           "04,050,2001,18,18,4300,01,1,2023-06-30,#",
           "05,050,2001,18,18,...,02,1,2023-06-30,LCU",
           "04,356,2000,18,18,9000,01,1,2023-06-30,#",
           "05,356,2000,18,18,55000,02,1,2023-06-30,$"]
ILO_EMPLOYMENT = [
    "ref_area,indicator,source,classif1,classif2,time,obs_value,obs_status,note_source",
    "BGD,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC4_A01,2000,25000.5,,R1:3513",
    "BGD,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC4_A01,2001,25500,,R1:3513",
    "IND,EMP_TEMP_AGE_EC2_NB,BA:2,AGE_YTHADULT_YGE15,EC2_ISIC3_A01,2000,200000,,R1:3513"]
ILO_EARNINGS = [
    "ref_area,indicator,source,sex,classif1,classif2,time,obs_value,obs_status",
    "BGD,EAR_4MTH_SEX_ECO_CUR_NB,BA:1,SEX_T,ECO_ISIC4_A,CUR_TYPE_LCU,2000,3000,",
    "BGD,EAR_4MTH_SEX_ECO_CUR_NB,BA:1,SEX_T,ECO_ISIC4_A,CUR_TYPE_LCU,2001,3150,",
    "IND,EAR_4MTH_SEX_ECO_CUR_NB,BA:2,SEX_T,ECO_ISIC3_A,CUR_TYPE_LCU,2000,4100,"]


def labour(folder: Path, *, indstat: bytes | None = None, employment: bytes | None = None,
           earnings: bytes | None = None, employment_name: str = "EMP_TEMP_AGE_EC2_NB_A.csv",
           chains=("apparel", "horticulture"), indicators: dict | None = None) -> dict:
    """INDSTAT and ILOSTAT files (valid unless given) for the apparel and horticulture chains;
    ``indicators`` are the registry's ILOSTAT indicators (as the rule passes them)."""
    paths = {"indstat": folder / "INDSTAT2_2024_ISIC3.csv",
             "employment": folder / employment_name,
             "earnings": folder / "EAR_4MTH_SEX_ECO_CUR_NB_A.csv"}
    paths["indstat"].write_bytes(lines(INDSTAT) if indstat is None else indstat)
    paths["employment"].write_bytes(lines(ILO_EMPLOYMENT) if employment is None else employment)
    paths["earnings"].write_bytes(lines(ILO_EARNINGS) if earnings is None else earnings)
    registered = {"employment": "EMP_TEMP_AGE_EC2_NB", "earnings": "EAR_4MTH_SEX_ECO_CUR_NB"}
    return {**paths, "chains": list(chains),
            "indicators": registered if indicators is None else indicators}


ILO_HOURS = [
    "ref_area,indicator,source,sex,classif1,time,obs_value,obs_status,note_source,"
    "note_indicator,note_classif",
    "BGD,HOW_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_C,2010,48.5,,S3:21,T11:142,",
    "BGD,HOW_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_C,2013,47.9,,S3:21,T11:142,",
    "WSM,HOW_TEMP_SEX_ECO_NB,BA:1794,SEX_T,ECO_ISIC4_P,2014,41,,S3:21,T11:142,"]
ILO_INFORMALITY = [
    "ref_area,indicator,source,sex,classif1,time,obs_value,obs_status,note_classif,"
    "note_indicator,note_source",
    "BGD,SDG_0831_SEX_ECO_RT,BA:1,SEX_T,ECO_AGGREGATE_MAN,2010,89.4,,,,R1:3513",
    "BGD,SDG_0831_SEX_ECO_RT,BA:1,SEX_T,ECO_AGGREGATE_MAN,2017,88.0,,,,R1:3513",
    "VNM,SDG_0831_SEX_ECO_RT,BA:2,SEX_T,ECO_AGGREGATE_MAN,2017,40.2,,,,R1:3513"]


def ilostat_file(folder: Path, rows: list[str] | None = None,
                 name: str = "HOW_TEMP_SEX_ECO_NB_A.csv", indicator: str | None = None) -> dict:
    """One ILOSTAT bulk file of any indicator (hours by economic activity unless given)."""
    path = folder / name
    path.write_bytes(lines(ILO_HOURS if rows is None else rows))
    return {"path": path, "indicator": indicator}


#: The ILOSTAT files of the decent-work dimensions (config/dimensions.yaml), each in its real
#: bulk layout: hours by sex and activity, union density (no sex, classif or obs_status
#: column), fatal injuries (counts, no sex) and employment by sex and activity (their
#: denominator).
DIM_HOURS = [
    "ref_area,indicator,source,sex,classif1,time,obs_value,obs_status,note_source,"
    "note_indicator,note_classif",
    "BGD,HOW_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_C,2010,48.5,,S3:21,T11:142,",
    "BGD,HOW_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_C,2013,47.9,B,S3:21,T11:142,",
    "BGD,HOW_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_A,2013,41.2,U,S3:21,T11:142,",
    "WSM,HOW_TEMP_SEX_ECO_NB,BA:1794,SEX_T,ECO_ISIC4_P,2014,41,,S3:21,T11:142,"]
DIM_DENSITY = [
    "ref_area,indicator,source,time,obs_value,note_indicator,note_source",
    "BGD,ILR_TUMT_NOC_RT,FI:171,2010,7.05,T31:4129,",
    "BGD,ILR_TUMT_NOC_RT,FI:171,2013,6.2,T31:4129,",
    "VNM,ILR_TUMT_NOC_RT,BA:2,2017,14.6,,"]
DIM_INJURIES = [
    "ref_area,indicator,source,classif1,time,obs_value,obs_status,note_classif,"
    "note_indicator,note_source",
    "BGD,INJ_FATL_ECO_NB,FF:12,ECO_ISIC4_C,2010,120,,,,",
    "BGD,INJ_FATL_ECO_NB,FF:12,ECO_ISIC4_C,2013,95,,,,",
    "BGD,INJ_FATL_ECO_NB,FF:12,ECO_ISIC4_A,2013,40,,,,"]
DIM_EMPLOYMENT = [
    "ref_area,indicator,source,sex,classif1,time,obs_value,obs_status,note_classif,"
    "note_indicator,note_source",
    *(f"BGD,EMP_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_{s},{y},{v},,,,"
      for s, y, v in (("C", 2010, "6000"), ("C", 2013, "6500"), ("A", 2013, "25000")))]
#: dimension id -> (config `datasets` key, file name, rows)
DIM_FILES = {
    "hours_worked": ("ilostat_hours", "HOW_TEMP_SEX_ECO_NB_A.csv", DIM_HOURS),
    "union_density": ("ilostat_union_density", "ILR_TUMT_NOC_RT_A.csv", DIM_DENSITY),
    "fatal_injuries": ("ilostat_fatal_injuries", "INJ_FATL_ECO_NB_A.csv", DIM_INJURIES),
    "informality": ("ilostat_informality", "SDG_0831_SEX_ECO_RT_A.csv", DIM_HOURS),
}


def dimension_file(folder: Path, rows: list[str] | None = None, *,
                   dimension: str = "hours_worked", name: str | None = None,
                   define: dict | None = None, raw: bytes | None = None) -> dict:
    """The ILOSTAT file of one registry dimension (``rows`` or ``raw`` replace its valid
    content, ``name`` its file name); fatal injuries also get their employment file;
    ``define`` adds or replaces registry entries, as config key dimensions.define does."""
    key, default_name, default_rows = DIM_FILES.get(dimension, (None, None, None))
    if define and dimension in define:
        key = define[dimension]["source"]["dataset"]
    path = folder / (name or default_name)
    path.write_bytes(raw if raw is not None else lines(rows or default_rows))
    paths = {key: path}
    if dimension == "fatal_injuries":
        paths["ilostat_employment_by_sex"] = folder / "EMP_TEMP_SEX_ECO_NB_A.csv"
        paths["ilostat_employment_by_sex"].write_bytes(lines(DIM_EMPLOYMENT))
    return {"dimension": dimension, "paths": paths, "define": define or {}}


def dim_rows(rows: list[str], position: int, old: str, new: str) -> list[str]:
    return replace(rows, position, rows[position].replace(old, new))


def wdi_csv(code: str, name: str, values: dict[str, tuple[str, ...]], years=("2009", "2010", "2011"),
            header: tuple[str, ...] = ("Country Name", "Country Code", "Indicator Name",
                                       "Indicator Code")) -> list[str]:
    """A WDI bulk CSV (metadata lines, blank lines, wide years, trailing commas)."""
    def line(fields):
        return ",".join(f'"{f}"' for f in fields) + ","
    rows = ['\ufeff"Data Source","World Development Indicators",', "",
            '"Last Updated Date","2024-11-13",', "", line([*header, *years])]
    names = {"BGD": "Bangladesh", "IND": "India", "CIV": "Côte d'Ivoire", "WLD": "World"}
    return rows + [line([names[c], c, name, code, *v]) for c, v in values.items()]


CPI = {"BGD": ("92.5", "100", "111.4"), "IND": ("90", "100", "108.9"),
       "CIV": ("95", "100", "104.9"), "WLD": ("93", "100", "104.8")}
FX = {"BGD": ("69.0", "69.6", "74.2"), "IND": ("48.4", "45.7", "46.7"),
      "CIV": ("472.2", "495.3", "471.9"), "WLD": ("", "", "")}
METADATA = ['\ufeff"Country Code","Region","IncomeGroup","SpecialNotes","TableName",',
            '"BGD","South Asia","Lower middle income","","Bangladesh",',
            '"IND","South Asia","Lower middle income","","India",',
            '"CIV","Sub-Saharan Africa","Lower middle income","","Côte d\'Ivoire",',
            '"WLD","","","","World",']
CPI_NAME = "API_FP.CPI.TOTL_DS2_en_csv_v2_1.csv"
FX_NAME = "API_PA.NUS.FCRF_DS2_en_csv_v2_2.csv"


def cpi_rows(**values) -> list[str]:
    return wdi_csv("FP.CPI.TOTL", "Consumer price index (2010 = 100)", values or CPI)


def prices(folder: Path, *, cpi: bytes | None = None, cpi_path: str = "cpi.zip",
           fx: list[str] | None = None, metadata: list[str] = METADATA) -> dict:
    """CPI as the bank's zip (or ``cpi`` bytes under ``cpi_path``) and exchange rates as an
    extracted CSV pair."""
    paths = {"cpi": folder / cpi_path, "fx": folder / FX_NAME}
    paths["cpi"].write_bytes(cpi if cpi is not None else zip_bytes({
        CPI_NAME: lines(cpi_rows()), f"Metadata_Country_{CPI_NAME}": lines(metadata)}))
    fx_rows = fx or wdi_csv("PA.NUS.FCRF", "Official exchange rate (LCU per US$)", FX)
    paths["fx"].write_bytes(lines(fx_rows))
    (folder / f"Metadata_Country_{FX_NAME}").write_bytes(lines(METADATA))
    return paths


RECEIPTS = {"BGD": ("8e7", "8.1e7", "8.7e7"), "IND": ("1.1e10", "1.4e10", "1.7e10"),
            "CIV": ("2e8", "2.1e8", "2.2e8"), "WLD": ("9e11", "9.6e11", "1.1e12")}
ARRIVALS = {"BGD": ("267000", "303000", "155000"), "IND": ("5.2e6", "5.8e6", "6.3e6"),
            "CIV": ("", "", "289000"), "WLD": ("8.9e8", "9.5e8", "9.9e8")}
RECEIPTS_NAME = "API_ST.INT.RCPT.CD_DS2_en_csv_v2_3.csv"
ARRIVALS_NAME = "API_ST.INT.ARVL_DS2_en_csv_v2_4.csv"


def tourism(folder: Path, *, receipts: list[str] | None = None,
            arrivals: list[str] | None = None) -> dict:
    """Tourism receipts and arrivals as extracted WDI CSV pairs."""
    paths = {"receipts": folder / RECEIPTS_NAME, "arrivals": folder / ARRIVALS_NAME}
    paths["receipts"].write_bytes(lines(receipts or wdi_csv(
        "ST.INT.RCPT.CD", "International tourism, receipts (current US$)", RECEIPTS)))
    paths["arrivals"].write_bytes(lines(arrivals or wdi_csv(
        "ST.INT.ARVL", "International tourism, number of arrivals", ARRIVALS)))
    for name in (RECEIPTS_NAME, ARRIVALS_NAME):
        (folder / f"Metadata_Country_{name}").write_bytes(lines(METADATA))
    return paths


def api_document(records: list, countries: list | None = None, updated: str | None = None) -> bytes:
    """A stored World Bank API v2 download (see gvc_upgrading.sources.wdi.api_download_document);
    ``updated`` is the pages' ``lastupdated`` date."""
    countries = countries if countries is not None else [
        {"id": "BGD", "region": {"value": "South Asia"}},
        {"id": "WLD", "region": {"value": "Aggregates"}}]
    page_info = {"page": 1, "pages": 1, "per_page": 20000, "total": len(records),
                 **({"lastupdated": updated} if updated else {})}
    return json.dumps(wdi.api_download_document([[page_info, records]],
                                                [[page_info, countries]])).encode()


def api_record(country: str, year: str, value) -> dict:
    return {"indicator": {"id": "FP.CPI.TOTL", "value": "Consumer price index (2010 = 100)"},
            "country": {"id": country, "value": country}, "countryiso3code": country,
            "date": year, "value": value}


API_RECORDS = [api_record("BGD", "2010", 100.0), api_record("BGD", "2011", 111.4),
               api_record("WLD", "2010", 100.0)]


def comtrade_record(reporter: int, iso: str, code: str, value=1500.0, weight=20.0) -> dict:
    return {"refYear": YEAR, "reporterCode": reporter, "reporterISO": iso, "flowCode": "X",
            "partnerCode": 0, "partner2Code": 0, "motCode": 0, "customsCode": "C00",
            "classificationCode": "H5", "cmdCode": code, "primaryValue": value, "netWgt": weight}


COMTRADE = [comtrade_record(50, "BGD", "610910"), comtrade_record(842, "USA", "870323", 9e6, 5e5),
            comtrade_record(699, "IND", "070200", 300.0, 0.0)]


def comtrade(folder: Path, records: list[dict] | None = None, *, raw: bytes | None = None) -> dict:
    """Stored Comtrade results for one year (Parquet, as the retrieve step writes them)."""
    path = folder / f"comtrade_exports_world_{YEAR}.parquet"
    if raw is not None:
        path.write_bytes(raw)
    else:
        pd.DataFrame.from_records(COMTRADE if records is None else records).to_parquet(path)
    return {"path": path}


COMTRADE_KEY = "malformed-corpus-key"
COMTRADE_CODES = ["610910", "870323", "070200"]


def comtrade_api(folder: Path, document: dict | None = None, *, body: bytes | None = None,
                 answer: Callable | None = None, cap: int = 100_000) -> dict:
    """UN Comtrade's answer to a getFinalData query for one year: ``document`` (JSON), ``body``
    (bytes as sent, with status 200) or ``answer`` (a function of the request)."""
    if answer is None:
        if body is None:
            document = document or {"count": len(COMTRADE), "data": COMTRADE, "error": ""}
            body = json.dumps(document).encode()
        answer = functools.partial(lambda data, request: Response(body=data), body)
    return {"answer": answer, "cap": cap}


def comtrade_by_reporter(records: list[dict], *, declared: int | None = None, per_reporter=1):
    """An answer giving the records of the reporters asked (all when none is named), with the
    count ``declared`` for an all-reporter query (an incomplete answer when it exceeds them)."""
    def answer(request) -> Response:
        asked = request.query.get("reporterCode")
        rows = [r for r in records if asked is None or str(r["reporterCode"]) in asked.split(",")]
        if asked is None and declared is not None:
            rows = rows[:per_reporter]
            return Response(body=json.dumps({"count": declared, "data": rows}).encode())
        return Response(body=json.dumps({"count": len(rows), "data": rows}).encode())
    return answer


TIVA_HEADER = ("DATAFLOW,MEASURE,REF_AREA,ACTIVITY,COUNTERPART_AREA,UNIT_MEASURE,FREQ,"
               "TIME_PERIOD,OBS_VALUE,UNIT_MULT")
TIVA_LV = "OECD.STI.PIE:DSD_TIVA_MAINLV@DF_MAINLV(1.1)"
TIVA_SH = "OECD.STI.PIE:DSD_TIVA_MAINSH@DF_MAINSH(1.1)"
TIVA_LEVELS = [TIVA_HEADER] + [
    f"{TIVA_LV},{measure},{area},{activity},W,USD,A,{year},{value},6"
    for measure, share in (("EXGR", 1.0), ("EXGR_DVA", 0.55))
    for area, size in (("VNM", 1000.0), ("BGD", 300.0), ("W", 1300.0))
    for activity in ("C26", "C13T15") for year, value in
    ((2019, round(size * share, 3)), (2020, round(size * share * 1.1, 3)))]
TIVA_SHARES = [TIVA_HEADER] + [
    f"{TIVA_SH},{measure},{area},{activity},W,PT_EXGR,A,{year},{value},0"
    for measure, value in (("EXGR_DVA", 55.0), ("EXGR_FVA", 45.0))
    for area in ("VNM", "BGD", "W") for activity in ("C26", "C13T15") for year in (2019, 2020)]
TIVA_ACTIVITIES = tuple(load_yaml(REPO / "config" / "datasets.yaml")["tiva_mainlv_demo"]["sdmx"]
                        ["activities"])


def tiva(folder: Path, *, levels: list[str] | bytes | None = None,
         shares: list[str] | bytes | None = None, countries: tuple[str, ...] | None = None) -> dict:
    """A TiVA levels and shares answer (CRLF SDMX-CSV) for mobile phones and apparel, VNM and
    BGD and the world, 2019-2020; ``countries`` is the edition's list (None: not checked)."""
    paths = {"levels": folder / "TIVA_MAINLV.csv", "shares": folder / "TIVA_MAINSH.csv"}
    for role, given, default in (("levels", levels, TIVA_LEVELS), ("shares", shares,
                                                                  TIVA_SHARES)):
        data = given if isinstance(given, bytes) else lines(given or default)
        paths[role].write_bytes(data)
    return {**paths, "countries": countries}


def tiva_row(rows: list[str], position: int, row: str) -> list[str]:
    return replace(rows, position, row)


def configs(folder: Path, *, config: Callable[[dict], None] | None = None,
            gvcs: Callable[[dict], None] | None = None, config_text: bytes | None = None,
            gvcs_text: bytes | None = None) -> dict:
    """config.yaml and gvcs.yaml: the committed files, changed as a dict or replaced as bytes."""
    paths = {"config": folder / "config.yaml", "gvcs": folder / "gvcs.yaml"}
    for role, change, text in (("config", config, config_text), ("gvcs", gvcs, gvcs_text)):
        if text is None:
            data = load_yaml(REPO / "config" / f"{role}.yaml")
            if change:
                change(data)
            text = yaml.safe_dump(data, sort_keys=False).encode()
        paths[role].write_bytes(text)
    return paths


def committed(role: str) -> bytes:
    return (REPO / "config" / f"{role}.yaml").read_bytes()


#: The line of a text appended after one blank line to the committed config.
APPENDED_LINE = committed("config").count(b"\n") + 2


# --- what each loader's step does with its inputs -----------------------------------------------

def run_baci(inputs: dict, out: Path, ledgers: list) -> Path:
    """What rule harmonise_trade does: stream the year from the zip into Parquet."""
    path = out / f"trade_{inputs['year']}.parquet"
    write_trade_year(inputs["zip"], inputs["year"], path, ledgers=ledgers,
                     release=inputs["release"])
    return path


def run_comtrade(inputs: dict, out: Path, ledgers: list) -> Path:
    table = harmonise_comtrade_year(inputs["path"], YEAR, ledgers=ledgers)
    return write_table(table, out / f"trade_{YEAR}.parquet")


@contextlib.contextmanager
def environment(**values: str):
    """Environment variables set for the block, restored after it."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_comtrade_api(inputs: dict, out: Path, ledgers: list) -> Path:
    """The store's retrieval of one Comtrade year from a local server answering as ``inputs``
    say; ``out`` is the raw folder (without its lock, which a test folder does not need)."""
    dest = out / f"comtrade_exports_world_{YEAR}.parquet"
    with LocalServer() as server, environment(COMTRADE_API_KEY=COMTRADE_KEY):
        server.route("/data/v1/get/C/A/HS", inputs["answer"])
        server.serve_bytes("/data/v1/getDa/C/A/HS", b'{"count": 0, "data": []}')
        server.serve_bytes("/files/v1/app/reference/HS.json", json.dumps({"results": [
            {"id": code, "aggrLevel": 6} for code in COMTRADE_CODES]}).encode())
        server.serve_bytes("/files/v1/app/reference/Reporters.json", json.dumps({"results": [
            {"reporterCode": r["reporterCode"]} for r in COMTRADE]}).encode())
        download = {"dataset": "comtrade_test", "format": "comtrade_api", "version": "test",
                    "year": YEAR, "base_url": server.url, "sha256": None,
                    "url": f"{server.url}/data/v1/get/C/A/HS",
                    **provider_paths("comtrade_api", comtrade=server.url)}
        fetch_comtrade_year(download, dest, ["61", "8703", "0702"], cap=inputs["cap"],
                            policy=FetchPolicy(max_attempts=1))
    return dest


def labour_prices() -> pd.DataFrame:
    """Prices as harmonise_prices returns them, for the labour cases."""
    rows = [(c, y, 100.0 + y - 2000, 100.0 + y - 2000, fx) for c, fx in (("BGD", 69.6), ("IND", 45.7))
            for y in range(1995, 2023)]
    frame = pd.DataFrame(rows, columns=["country", "year", "cpi", "cpi_rebased",
                                        "exchange_rate_lcu_per_usd"])
    return frame.astype({"country": "string"})



def run_labour(inputs: dict, out: Path, ledgers: list) -> Path:
    table = harmonise_labour(indstat_path=inputs["indstat"],
                             ilostat_employment_path=inputs["employment"],
                             ilostat_earnings_path=inputs["earnings"], prices=labour_prices(),
                             gvcs=load_yaml(REPO / "config" / "gvcs.yaml"),
                             chains=inputs["chains"], years=CONFIGURED_YEARS,
                             ilostat_indicators=inputs["indicators"], ledgers=ledgers)
    return write_table(table, out / "labour.parquet")


def run_ilostat(inputs: dict, out: Path, ledgers: list) -> Path:
    """Any ILOSTAT file read as rule harmonise_dimensions reads it: the generic reader, the
    indicator checked, values outside their unit's range set to missing."""
    table = ilostat.read_indicator(inputs["path"], inputs["indicator"], impossible="missing")
    return write_table(table, out / "ilostat.parquet")


def run_dimensions(inputs: dict, out: Path, ledgers: list) -> Path:
    """What rule harmonise_dimensions does: the dimension's ILOSTAT file (and the employment
    a rate per 100,000 employed divides by) for apparel and horticulture, written through the
    declared schema."""
    dimensions = load_dimensions({"file": str(REPO / "config" / "dimensions.yaml"),
                                  "use": [inputs["dimension"]], "define": inputs["define"]})
    table = harmonise_dimensions(dimensions, inputs["paths"],
                                 gvcs=load_yaml(REPO / "config" / "gvcs.yaml"),
                                 chains=["apparel", "horticulture"], years=CONFIGURED_YEARS,
                                 ledgers=ledgers)
    return write_checked(table, out / "dimensions.parquet", DIMENSION_TABLE)


def run_prices(inputs: dict, out: Path, ledgers: list) -> Path:
    table = harmonise_prices(inputs["cpi"], inputs["fx"], 2010, ledgers=ledgers,
                             years=CONFIGURED_YEARS)
    return write_table(table, out / "prices.parquet")


def run_tourism(inputs: dict, out: Path, ledgers: list) -> Path:
    table = harmonise_tourism(inputs["receipts"], inputs["arrivals"], ledgers=ledgers,
                              years=CONFIGURED_YEARS)
    return write_table(table, out / "tourism.parquet")


def run_tiva(inputs: dict, out: Path, ledgers: list) -> Path:
    """What rule harmonise_value_added does with the levels and shares files."""
    flows = [Flow(str(inputs["levels"]), "DSD_TIVA_MAINLV@DF_MAINLV", "USD", ("EXGR", "EXGR_DVA"),
                  TIVA_ACTIVITIES, inputs["countries"]),
             Flow(str(inputs["shares"]), "DSD_TIVA_MAINSH@DF_MAINSH", "PT_EXGR",
                  ("EXGR_DVA", "EXGR_FVA"), TIVA_ACTIVITIES, inputs["countries"])]
    table = harmonise_value_added(flows, {"mobile_phones": "C26", "apparel": "C13T15"},
                                  (1995, 2022), ledgers=ledgers)
    return write_table(table, out / "value_added.parquet")


def run_configs(inputs: dict, out: Path, ledgers: list) -> Path:
    config = validate(load_yaml(inputs["config"]), SCHEMAS / "config.schema.yaml", name="config")
    gvcs = validate(load_yaml(inputs["gvcs"]), SCHEMAS / "gvcs.schema.yaml", name="value chains")
    registry = load_yaml(REPO / "config" / "datasets.yaml")
    check_references(config, gvcs, registry)
    settings = {**config["dimensions"], "file": str(REPO / config["dimensions"]["file"])}
    dimensions = load_dimensions(settings)
    check_datasets(dimensions, config["datasets"])
    check_indicators(dimensions, config["datasets"], registry)

    check_value_added(dimensions, config["datasets"], registry, gvcs, config["value_chains"],
                      str(inputs["gvcs"]))
    return write_text(json.dumps({"config": config, "gvcs": gvcs}), out / "resolved_config.json")


RUNNERS = {"baci": run_baci, "comtrade": run_comtrade, "comtrade_api": run_comtrade_api,
           "labour": run_labour, "ilostat": run_ilostat, "prices": run_prices,
           "tourism": run_tourism, "tiva": run_tiva, "config": run_configs,
           "dimensions": run_dimensions}
VALID = {"baci": baci_release, "comtrade": comtrade, "comtrade_api": comtrade_api,
         "labour": labour, "ilostat": ilostat_file, "prices": prices, "tourism": tourism,
         "tiva": tiva, "config": configs, "dimensions": lambda d: dimension_file(d)}


#: The classes of bad input; every class has cases, and the summary line counts each.
FAULTS = {
    "format": "structure of the file: columns, delimiters, numbers, duplicates, unknown codes",
    "plausibility": "values beyond any real magnitude of their indicator or unit",
    "years": "years outside the source's own range or the configured years",
    "empty": "a file whose values are all empty",
    "labels": "a release or indicator label that disagrees with the file name or registry",
    "archives": "unsafe or unreadable archives, zip bombs",
    "encodings": "text that is not UTF-8",
    "layouts": "layouts of other tools or files: column roles, codes saved as numbers",
    "answers": "API answers: declared counts, row caps, provider error bodies, bad records",
}


@dataclass(frozen=True)
class Case:
    """One malformed input: ``build`` writes the inputs into a folder and returns them for the
    step ``step``; ``expect`` must match the error (or, for a repair, the log); ``names`` is the
    file (or archive member) the error must name; ``check`` tests the repaired table; ``fault``
    is the class of bad input (:data:`FAULTS`)."""

    name: str
    step: str
    build: Callable[[Path], dict]
    expect: str
    names: str
    check: Callable[[pd.DataFrame], bool] | None = None
    whole_file: bool = False  # the fault is the whole file: no row or key to name
    fault: str = "format"

    @property
    def repair(self) -> bool:
        return self.check is not None


BACI_ZIP = f"BACI_HS92_V{VERSION}.zip"
BACI_YEAR = f"BACI_HS92_Y{YEAR}_V{VERSION}.csv"
BACI_COUNTRIES = f"country_codes_V{VERSION}.csv"
BACI_PRODUCTS = f"product_codes_HS92_V{VERSION}.csv"
GOOD_ZIP = zip_bytes(baci_members())
STORED_ZIP = zip_bytes(baci_members(), compression=zipfile.ZIP_STORED)
UTF8_COUNTRIES = [*COUNTRIES, "384,Côte d'Ivoire,CI,CIV"]
#: How an error says what was expected (or what is missing); the last ones are JSON Schema's.
SAYS_EXPECTED = re.compile(r"expected|is not|not in the|missing from|no rows for|API error|"
                           r"minimum of|maximum of|does not match")


def flows_with(position: int, row: str) -> dict:
    return {"flows": replace(FLOWS, position, row)}


def replace_fault(case: Case, fault: str) -> Case:
    """``case`` as a case of the class ``fault``."""
    return dataclasses.replace(case, fault=fault)


CASES = [
    # --- CEPII BACI: the release zip, its year files and code lists ---
    Case("baci truncated zip", "baci", lambda d: baci_release(d, raw=GOOD_ZIP[:len(GOOD_ZIP) // 2]),
         r"not a readable zip archive.*expected a complete zip", BACI_ZIP, whole_file=True, fault="archives"),
    Case("baci empty zip", "baci", lambda d: baci_release(d, raw=b""),
         r"not a readable zip archive", BACI_ZIP, whole_file=True, fault="archives"),
    Case("baci zip with no year files", "baci",
         lambda d: baci_release(d, {BACI_COUNTRIES: lines(COUNTRIES), BACI_PRODUCTS: lines(PRODUCTS)}),
         r"no BACI_HS\?\?_Y\?\?\?\?_V\*\.csv year files.*expected a BACI release", BACI_ZIP, whole_file=True),
    Case("baci release mixed with another release", "baci",
         lambda d: baci_release(d, {**baci_members(), "BACI_HS92_Y2021_V202301.csv": lines(FLOWS)}),
         r"mixes BACI releases \(HS92 V202301, HS92 V202401\); expected one release", BACI_ZIP, whole_file=True, fault="labels"),
    Case("baci code list of another release", "baci",
         lambda d: baci_release(d, {BACI_YEAR: lines(FLOWS), "country_codes_V202301.csv": lines(COUNTRIES),
                            BACI_PRODUCTS: lines(PRODUCTS)}),
         r"member 'country_codes_V202301\.csv': code list of another release.*expected one "
         r"release", BACI_ZIP, fault="labels"),
    Case("baci year outside the release", "baci", lambda d: baci_release(d, year=1990),
         r"no file for year 1990; expected a year the archive has \(2020-2020\)", BACI_ZIP, whole_file=True, fault="years"),
    Case("baci rows of another year", "baci",
         lambda d: baci_release(d, **flows_with(2, '2021,251,842,70200,40.25,"1.000"')),
         r"row 3, t: holds rows for another year \(2021\); expected only 2020", BACI_YEAR, fault="years"),
    Case("baci renamed column", "baci",
         lambda d: baci_release(d, **flows_with(0, '"year","i","j","k","v","q"')),
         r"row 1: header is \['year', .*expected \['t', 'i', 'j', 'k', 'v', 'q'\]", BACI_YEAR),
    Case("baci missing column", "baci",
         lambda d: baci_release(d, flows=[r.rsplit(",", 1)[0] for r in FLOWS]),
         r"row 1: header is \['t', 'i', 'j', 'k', 'v'\]; expected", BACI_YEAR),
    Case("baci semicolon delimiter", "baci",
         lambda d: baci_release(d, flows=[r.replace(",", ";") for r in FLOWS]),
         r"row 1: header is .*semicolon-separated; expected commas", BACI_YEAR),
    Case("baci empty year file", "baci",
         lambda d: baci_release(d, {**baci_members(), BACI_YEAR: b""}),
         r"row 1: is empty; expected the header t,i,j,k,v,q and flows", BACI_YEAR, fault="empty"),
    Case("baci header only", "baci", lambda d: baci_release(d, flows=FLOWS[:1]),
         r"row 2: has a header but no flows; expected one row per exporter", BACI_YEAR, fault="empty"),
    Case("baci negative value", "baci",
         lambda d: baci_release(d, **flows_with(3, '2020,842,699,870323,-1000,"12.000"')),
         r"row 4, v: v -1000 is negative; expected a trade value in thousand USD", BACI_YEAR, fault="plausibility"),
    Case("baci negative quantity", "baci",
         lambda d: baci_release(d, **flows_with(1, '2020,842,251,610910,120.5,"       -3.250"')),
         r"row 2, q: q -3\.25 is negative; expected a quantity in tonnes", BACI_YEAR, fault="plausibility"),
    Case("baci non-numeric value", "baci",
         lambda d: baci_release(d, **flows_with(2, '2020,251,842,70200,n/a,"1.000"')),
         r"row 3: v 'n/a' is not a number \(thousand USD\)", BACI_YEAR),
    Case("baci empty value", "baci", lambda d: baci_release(d, **flows_with(2, '2020,251,842,70200,,"1"')),
         r"row 3: v '' is not a number \(thousand USD\)", BACI_YEAR),
    Case("baci non-numeric quantity", "baci",
         lambda d: baci_release(d, **flows_with(3, '2020,842,699,870323,1000,"   twelve"')),
         r"row 4: q 'twelve' is not a number \(tonnes\) or NA", BACI_YEAR),
    Case("baci short row", "baci", lambda d: baci_release(d, **flows_with(2, "2020,251,842")),
         r"row 3: has 3 fields; expected 6 \(t,i,j,k,v,q\)", BACI_YEAR),
    Case("baci absurd value", "baci",
         lambda d: baci_release(d, **flows_with(3, '2020,842,699,870323,4.2e13,"12.000"')),
         r"row 4, v: v 4\.2e\+13 is above 1e\+10, an impossible magnitude", BACI_YEAR, fault="plausibility"),
    Case("baci infinite quantity", "baci",
         lambda d: baci_release(d, **flows_with(3, '2020,842,699,870323,1000,"inf"')),
         r"row 4, q: q inf is not finite; expected a quantity", BACI_YEAR, fault="plausibility"),
    Case("baci duplicate flow", "baci",
         lambda d: baci_release(d, flows=[*FLOWS, '2020,842,251,610910,99,"1.000"']),
         r"row 5, i,j,k: flow 842 -> 251 of product 610910 is listed twice; expected one row",
         BACI_YEAR),
    Case("baci unknown country code", "baci",
         lambda d: baci_release(d, **flows_with(2, '2020,251,999,70200,40.25,"1.000"')),
         r"column j: .*'999'.*not in the release's country list", BACI_YEAR),
    Case("baci unknown product code", "baci",
         lambda d: baci_release(d, **flows_with(2, '2020,251,842,999999,40.25,"1.000"')),
         r"row 3, k: product code\(s\) \['999999'\] not in the release's product list; expected "
         r"HS6 codes", BACI_YEAR),
    Case("baci codes of another HS revision", "baci",
         lambda d: baci_release(d, **flows_with(1, '2020,842,251,851712,120.5,"3.250"')),
         r"row 2, k: product code\(s\) \['851712'\].*codes of another revision", BACI_YEAR),
    Case("baci country list in latin-1", "baci",
         lambda d: baci_release(d, {**baci_members(),
                            BACI_COUNTRIES: lines(UTF8_COUNTRIES, encoding="latin-1")}),
         rf"{BACI_COUNTRIES}: not UTF-8 \(byte 0xf4 in row 5\); read as Windows-1252, as older "
         r"BACI code lists were saved \(1 non-ASCII character\(s\)\)", BACI_COUNTRIES,
         check=lambda t: len(t) == len(FLOWS) - 1, fault="encodings"),
    Case("baci year file in latin-1", "baci",
         lambda d: baci_release(d, {**baci_members(), BACI_YEAR: lines(FLOWS) + "2020,842,251,610990,1,"
                                                          "\"é\"\r\n".encode("latin-1")}),
         r"row 5: byte 0xe9 is not UTF-8 text", BACI_YEAR, fault="encodings"),
    Case("baci country code listed twice", "baci",
         lambda d: baci_release(d, countries=[*COUNTRIES, "842,United States,US,USA"]),
         r"row 5, country_code: country code '842' is listed twice; expected one row per code",
         BACI_COUNTRIES),
    Case("baci renamed country list column", "baci",
         lambda d: baci_release(d, countries=replace(COUNTRIES, 0, "code,name,iso2,iso3")),
         r"row 1, header: country list has columns .*; expected country_code with country_iso3",
         BACI_COUNTRIES),
    Case("baci product list without code column", "baci",
         lambda d: baci_release(d, products=replace(PRODUCTS, 0, "hs6,description")),
         r"row 1, header: product list has columns \['hs6', 'description'\]; expected code",
         BACI_PRODUCTS),
    Case("baci corrupt year member", "baci",
         lambda d: baci_release(d, raw=STORED_ZIP.replace(b"2020,842,699", b"2020,842,698")),
         r"archive member is corrupt \(Bad CRC-32.*expected a complete, undamaged member",
         BACI_YEAR, whole_file=True, fault="archives"),
    # --- archive safety (BACI and WDI zips) ---
    Case("baci member with '..'", "baci",
         lambda d: baci_release(d, {**baci_members(), "../../outside.csv": b"x"}),
         r"member '\.\./\.\./outside\.csv': member has an absolute path or '\.\.'; refused",
         BACI_ZIP, fault="archives"),
    Case("baci member with an absolute path", "baci",
         lambda d: baci_release(d, {**baci_members(), "/etc/cron.d/job": b"x"}),
         r"member '/etc/cron\.d/job': member has an absolute path", BACI_ZIP, fault="archives"),
    Case("baci zip bomb (declared size)", "baci",
         lambda d: baci_release(d, raw=declare_size(GOOD_ZIP, BACI_YEAR, 0xFFFF_FFF0)),
         rf"member would decompress to 4,294,967,280 bytes; expected at most "
         rf"{baci.MAX_MEMBER_BYTES:,} \(a zip bomb\?\); refused", BACI_ZIP, fault="archives"),
    Case("baci member larger than declared", "baci",
         lambda d: baci_release(d, raw=declare_size(STORED_ZIP, BACI_YEAR, 40)),
         r"archive member is corrupt", BACI_YEAR, whole_file=True, fault="archives"),
    Case("wdi member with a windows absolute path", "prices",
         lambda d: prices(d, cpi=zip_bytes({CPI_NAME: lines(cpi_rows()),
                                            f"Metadata_Country_{CPI_NAME}": lines(METADATA),
                                            "C:\\Windows\\x.dll": b"MZ"})),
         r"member 'C:\\\\Windows\\\\x\.dll': member has an absolute path", "cpi.zip", fault="archives"),
    Case("wdi zip bomb (declared size)", "prices",
         lambda d: prices(d, cpi=declare_size(zip_bytes({
             CPI_NAME: lines(cpi_rows()), f"Metadata_Country_{CPI_NAME}": lines(METADATA)}),
             CPI_NAME, 2**30)),
         rf"member would decompress to 1,073,741,824 bytes; expected at most "
         rf"{wdi.MAX_MEMBER_BYTES:,}",
         "cpi.zip", fault="archives"),
    # --- UN Comtrade records ---
    Case("comtrade missing column", "comtrade",
         lambda d: comtrade(d, [{k: v for k, v in r.items() if k != "netWgt"} for r in COMTRADE]),
         r"header: missing Comtrade column\(s\) \['netWgt'\]; expected the getFinalData columns",
         "comtrade_exports_world"),
    Case("comtrade no records", "comtrade",
         lambda d: comtrade(d, raw=pd.DataFrame(columns=list(COMTRADE[0])).astype(str)
                            .to_parquet()),
         r"holds no records; expected Comtrade export records", "comtrade_exports_world", whole_file=True, fault="empty"),
    Case("comtrade truncated file", "comtrade",
         lambda d: comtrade(d, raw=pd.DataFrame(COMTRADE).to_parquet()[:300]),
         r"not a readable Parquet file.*expected the stored Comtrade records",
         "comtrade_exports_world", whole_file=True),
    Case("comtrade negative value", "comtrade",
         lambda d: comtrade(d, [*COMTRADE[:2], comtrade_record(699, "IND", "070200", -300.0)]),
         r"row 3, primaryValue: primaryValue -300 is negative; expected an export value",
         "comtrade_exports_world", fault="plausibility"),
    Case("comtrade non-numeric value", "comtrade",
         lambda d: comtrade(d, [{**r, "primaryValue": str(r["primaryValue"])} for r in COMTRADE[:2]]
                            + [comtrade_record(699, "IND", "070200", "1,500")]),
         r"row 3, primaryValue: primaryValue '1,500' is not a number", "comtrade_exports_world"),
    Case("comtrade absurd value", "comtrade",
         lambda d: comtrade(d, [*COMTRADE[:2], comtrade_record(699, "IND", "070200", 3e15)]),
         r"row 3, primaryValue: primaryValue 3e\+15 is above 1e\+13, an impossible magnitude",
         "comtrade_exports_world", fault="plausibility"),
    Case("comtrade duplicate record", "comtrade", lambda d: comtrade(d, [*COMTRADE, COMTRADE[0]]),
         r"more than one World export record for BGD, 2020, 610910", "comtrade_exports_world"),
    Case("comtrade unknown reporter", "comtrade",
         lambda d: comtrade(d, [*COMTRADE, comtrade_record(999, "XYZ", "610910")]),
         r"country code\(s\) .*(XYZ|999)", "comtrade_exports_world"),
    Case("comtrade codes of another classification", "comtrade",
         lambda d: comtrade(d, [{**r, "classificationCode": "S4"} for r in COMTRADE]),
         r"classificationCode: classification code\(s\) \['S4'\]; expected H0-H6",
         "comtrade_exports_world"),
    Case("comtrade product code that is not HS", "comtrade",
         lambda d: comtrade(d, [*COMTRADE, comtrade_record(50, "BGD", "TOTAL")]),
         r"row 4, cmdCode: cmdCode 'TOTAL' is not an HS code; expected 2, 4 or 6 digits",
         "comtrade_exports_world"),
    Case("comtrade records of another year", "comtrade",
         lambda d: comtrade(d, [*COMTRADE, {**comtrade_record(50, "BGD", "620342"),
                                            "refYear": 2019}]),
         r"refYear: holds records for \[2019\]; expected only 2020", "comtrade_exports_world", fault="years"),
    Case("comtrade negative net weight", "comtrade",
         lambda d: comtrade(d, [*COMTRADE[:2], comtrade_record(699, "IND", "070200", 300.0, -5.0)]),
         r"1 records with a negative net weight: quantity set to missing",
         "comtrade_exports_world",
         check=lambda t: t.loc[t["exporter"].isin(["IND", "356"]), "quantity_kg"].isna().all(), fault="plausibility"),
    # --- UN Comtrade API answers, checked before anything is stored ---
    Case("comtrade api count below its records", "comtrade_api",
         lambda d: comtrade_api(d, {"count": 2, "data": COMTRADE, "error": ""}),
         r"count: the answer declares count 2 but holds 3 records; expected the count",
         "period 2020", fault="answers"),
    Case("comtrade api count not a number", "comtrade_api",
         lambda d: comtrade_api(d, {"count": "many", "data": COMTRADE}),
         r"count: count 'many' is not a number of records", "period 2020", fault="answers"),
    Case("comtrade api count above its records", "comtrade_api",
         lambda d: comtrade_api(d, answer=comtrade_by_reporter(COMTRADE, declared=250)),
         r"incomplete answer \(1 records\); splitting 3 reporters in two", "comtrade_exports_world",
         check=lambda t: sorted(t["reporterCode"]) == sorted(r["reporterCode"] for r in COMTRADE), fault="answers"),
    Case("comtrade api row cap reached by one reporter", "comtrade_api",
         lambda d: comtrade_api(d, answer=comtrade_by_reporter(
             [*COMTRADE, comtrade_record(50, "BGD", "870323")]), cap=2),
         r"reporter 50, .*count: the answer of reporter 50 alone is incomplete \(2 records, "
         r"cap 2\); expected a complete answer: a truncated year is never stored", "period 2020", fault="answers"),
    Case("comtrade api error in an answer with status 200", "comtrade_api",
         lambda d: comtrade_api(d, {"count": 0, "data": [], "error": "Rate limit is exceeded"}),
         r"error: Comtrade error: Rate limit is exceeded; expected", "period 2020", fault="answers"),
    Case("comtrade api JSON error without data", "comtrade_api",
         lambda d: comtrade_api(d, {"statusCode": 500, "message": "Internal server error"}),
         r"data: the answer has no 'data' \(the API says: Internal server error\); expected",
         "period 2020", fault="answers"),
    Case("comtrade api HTML page with status 200", "comtrade_api",
         lambda d: comtrade_api(d, body=b"<!DOCTYPE html>\n<html><head><title>Service "
                                        b"Unavailable</title></head><body>down</body></html>"),
         r"body: the answer is an HTML page \('Service Unavailable'\), a provider error page; "
         r"expected a Comtrade JSON answer", "period 2020", fault="answers"),
    Case("comtrade api XML error with status 200", "comtrade_api",
         lambda d: comtrade_api(d, body=b'<?xml version="1.0"?><Error><Code>InvalidQuery</Code>'
                                        b"</Error>"),
         r"body: the answer is an XML document \(<Error>\), a provider error page", "period 2020", fault="answers"),
    Case("comtrade api answer cut short", "comtrade_api",
         lambda d: comtrade_api(d, body=json.dumps({"count": 3, "data": COMTRADE}).encode()[:90]),
         r"body: the answer is not JSON .*; expected a Comtrade JSON answer", "period 2020", fault="answers"),
    Case("comtrade api non-numeric value", "comtrade_api",
         lambda d: comtrade_api(d, {"count": 3, "data": [
             *COMTRADE[:2], comtrade_record(699, "IND", "070200", "1,500")]}),
         r"row 3, primaryValue: primaryValue '1,500' is not a number \(record 3 of the answer: "
         r"reporter 699 IND, cmdCode 070200\)", "period 2020", fault="answers"),
    Case("comtrade api negative value", "comtrade_api",
         lambda d: comtrade_api(d, {"count": 3, "data": [
             *COMTRADE[:2], comtrade_record(699, "IND", "070200", -300.0)]}),
         r"row 3, primaryValue: .*negative.*reporter 699 IND, cmdCode 070200", "period 2020", fault="answers"),
    Case("comtrade api value of another type", "comtrade_api",
         lambda d: comtrade_api(d, {"count": 3, "data": [
             *COMTRADE[:2], {**COMTRADE[2], "partner2Code": "World"}]}),
         r"row 3, partner2Code: partner2Code 'World' is text where the other records hold a "
         r"number; expected one type per column \(record 3 of the answer: reporter 699 IND",
         "period 2020", fault="answers"),
    Case("comtrade api missing column", "comtrade_api",
         lambda d: comtrade_api(d, {"count": 3, "data": [
             {k: v for k, v in r.items() if k != "netWgt"} for r in COMTRADE]}),
         r"header: missing Comtrade column\(s\) \['netWgt'\]", "period 2020", fault="answers"),
    # --- UNIDO INDSTAT2 ---
    Case("indstat empty file", "labour", lambda d: labour(d, indstat=b""),
         r"file is empty; expected INDSTAT2 records", "INDSTAT2_2024_ISIC3.csv", whole_file=True, fault="empty"),
    Case("indstat missing field", "labour",
         lambda d: labour(d, indstat=lines([r.rsplit(",", 1)[0] for r in INDSTAT])),
         r"row 1: has 9 fields per record; expected 10", "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat semicolon delimiter", "labour",
         lambda d: labour(d, indstat=lines([r.replace(",", ";") for r in INDSTAT])),
         r"row 1: has 1 fields per record; expected 10 .*semicolon-separated",
         "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat latin-1", "labour",
         lambda d: labour(d, indstat=lines(replace(INDSTAT, 3, "05,050,2001,18,18,...,02,1,"
                                                                "2023-06-30,LCU é"), "latin-1")),
         r"row 4: byte 0xe9 is not UTF-8 text", "INDSTAT2_2024_ISIC3.csv", fault="encodings"),
    Case("indstat with a header line", "labour",
         lambda d: labour(d, indstat=lines(["ctable,country,year,isic,isiccomb,value,utable,"
                                            "source,lastupdated,unit", *INDSTAT])),
         r"row 1, value: value 'value' is not a number or '\.\.\.'", "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat negative employees", "labour",
         lambda d: labour(d, indstat=lines(replace(INDSTAT, 2, "04,050,2001,18,18,-4300,01,1,"
                                                               "2023-06-30,#"))),
         r"row 3, value: value -4300 is negative; expected employees \(table 04\)",
         "INDSTAT2_2024_ISIC3.csv", fault="plausibility"),
    Case("indstat non-numeric value", "labour",
         lambda d: labour(d, indstat=lines(replace(INDSTAT, 4, "04,356,2000,18,18,9 000,01,1,"
                                                               "2023-06-30,#"))),
         r"row 5, value: value '9 000' is not a number", "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat year that is not a year", "labour",
         lambda d: labour(d, indstat=lines(replace(INDSTAT, 4, "04,356,20000,18,18,9000,01,1,"
                                                               "2023-06-30,#"))),
         r"row 5, year: year '20000' is not a year between 1900 and 2100",
         "INDSTAT2_2024_ISIC3.csv", fault="years"),
    Case("indstat absurd employees", "labour",
         lambda d: labour(d, indstat=lines(replace(INDSTAT, 4, "04,356,2000,18,18,9e12,01,1,"
                                                               "2023-06-30,#"))),
         r"row 5, value: value 9e\+12 is above 8\.2e\+09, an impossible magnitude",
         "INDSTAT2_2024_ISIC3.csv", fault="plausibility"),
    Case("indstat unknown unit", "labour",
         lambda d: labour(d, indstat=lines(replace(INDSTAT, 5, "05,356,2000,18,18,55000,02,1,"
                                                               "2023-06-30,EUR"))),
         r"row 6, unit: unit\(s\) \['EUR'\] unknown; expected one of", "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat duplicate record", "labour",
         lambda d: labour(d, indstat=lines([*INDSTAT, INDSTAT[0]])),
         r"isic: table 04 holds more than one record for country 050, year 2000",
         "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat unknown country code", "labour",
         lambda d: labour(d, indstat=lines([*INDSTAT, "04,999,2000,18,18,10,01,1,2023-06-30,#"])),
         r"country code\(s\) 999", "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat years outside the configured range", "labour",
         lambda d: labour(d, indstat=lines([*INDSTAT, "04,050,1985,18,18,3900,01,1,2023-06-30,#"]),
                          chains=["apparel"]),
         r"outside", "INDSTAT2_2024_ISIC3.csv",
         check=lambda t: t["year"].between(1995, 2022).all(), fault="years"),
    # --- ILOSTAT bulk CSV ---
    Case("ilostat renamed column", "labour",
         lambda d: labour(d, employment=lines(replace(ILO_EMPLOYMENT, 0, ILO_EMPLOYMENT[0].replace(
             "obs_value", "value")))),
         r"row 1, header: missing column\(s\) \['obs_value'\]; expected ILOSTAT columns",
         "EMP_TEMP_AGE_EC2_NB_A.csv"),
    Case("ilostat semicolon delimiter", "labour",
         lambda d: labour(d, employment=lines([r.replace(",", ";") for r in ILO_EMPLOYMENT])),
         r"header: missing column\(s\).*semicolon-separated; expected commas",
         "EMP_TEMP_AGE_EC2_NB_A.csv"),
    Case("ilostat latin-1", "labour",
         lambda d: labour(d, employment=lines(replace(ILO_EMPLOYMENT, 2, ILO_EMPLOYMENT[2].replace(
             "R1:3513", "Enquête")), "latin-1")),
         r"row 3: byte 0xea is not UTF-8 text", "EMP_TEMP_AGE_EC2_NB_A.csv", fault="encodings"),
    Case("ilostat empty file", "labour", lambda d: labour(d, earnings=b""),
         r"file is empty; expected an ILOSTAT CSV", "EAR_4MTH_SEX_ECO_CUR_NB_A.csv",
         whole_file=True, fault="empty"),
    Case("ilostat header only", "labour", lambda d: labour(d, earnings=lines(ILO_EARNINGS[:1])),
         r"row 2: has a header but no data rows", "EAR_4MTH_SEX_ECO_CUR_NB_A.csv", fault="empty"),
    Case("ilostat negative value", "labour",
         lambda d: labour(d, earnings=lines(replace(ILO_EARNINGS, 3, ILO_EARNINGS[3].replace(
             "4100", "-4100")))),
         r"EAR_4MTH_SEX_ECO_CUR_NB_A\.csv: 1 value\(s\) outside values from 0 to 1e\+12 set to "
         r"missing: rows \[4\], ref_area IND", "EAR_4MTH_SEX_ECO_CUR_NB_A.csv",
         check=lambda t: t.loc[(t["country"] == "IND") & (t["value_chain"] == "horticulture"),
                               "nominal_wage_per_employee_lcu"].isna().all(), fault="plausibility"),
    Case("ilostat non-numeric value", "labour",
         lambda d: labour(d, employment=lines(replace(ILO_EMPLOYMENT, 2, ILO_EMPLOYMENT[2].replace(
             "25500", "25 500")))),
         r"row 3, obs_value: obs_value '25 500' is not a number", "EMP_TEMP_AGE_EC2_NB_A.csv"),
    Case("ilostat quarterly period", "labour",
         lambda d: labour(d, employment=lines(replace(ILO_EMPLOYMENT, 1, ILO_EMPLOYMENT[1].replace(
             ",2000,", ",2000Q1,")))),
         r"row 2, time: time '2000Q1' is not a year \(an annual observation\)",
         "EMP_TEMP_AGE_EC2_NB_A.csv", fault="years"),
    Case("ilostat duplicate observation", "labour",
         lambda d: labour(d, employment=lines([*ILO_EMPLOYMENT, ILO_EMPLOYMENT[2]])),
         r"row 5, key: observation ref_area=BGD, .*time=2001 is given twice",
         "EMP_TEMP_AGE_EC2_NB_A.csv"),
    Case("ilostat unknown country code", "labour",
         lambda d: labour(d, employment=lines([*ILO_EMPLOYMENT, ILO_EMPLOYMENT[1].replace(
             "BGD", "ZZZ")])),
         r"country code\(s\) ZZZ", "EMP_TEMP_AGE_EC2_NB_A.csv"),
    Case("ilostat truncated gzip", "labour",
         lambda d: labour(d, employment=gzip.compress(lines(ILO_EMPLOYMENT * 40))[:200],
                          employment_name="EMP_TEMP_AGE_EC2_NB_A.csv.gz"),
         r"compressed file is corrupt or cut short.*expected a complete gzip file",
         "EMP_TEMP_AGE_EC2_NB_A.csv.gz", whole_file=True),
    Case("ilostat absurd employment", "labour",
         lambda d: labour(d, employment=lines(replace(ILO_EMPLOYMENT, 3, ILO_EMPLOYMENT[3].replace(
             "200000", "21703520770")))),
         r"EMP_TEMP_AGE_EC2_NB_A\.csv: 1 value\(s\) outside thousands of persons from 0 to "
         r"8\.2e\+06 set to missing: rows \[4\], ref_area IND", "EMP_TEMP_AGE_EC2_NB_A.csv",
         check=lambda t: t.loc[(t["country"] == "IND") & (t["value_chain"] == "horticulture"),
                               "employment_persons"].isna().all(), fault="plausibility"),
    Case("ilostat years outside the configured range", "labour",
         lambda d: labour(d, employment=lines([*ILO_EMPLOYMENT, ILO_EMPLOYMENT[1].replace(
             ",2000,", ",1980,")]), chains=["horticulture"]),
         r"outside", "EMP_TEMP_AGE_EC2_NB_A.csv",
         check=lambda t: t["year"].between(1995, 2022).all(), fault="years"),
    # --- World Bank WDI: bulk zip, extracted CSV pair, API JSON ---
    Case("wdi truncated zip", "prices",
         lambda d: prices(d, cpi=zip_bytes({CPI_NAME: lines(cpi_rows()),
                                            f"Metadata_Country_{CPI_NAME}": lines(METADATA)})[:150]),
         r"not a readable zip archive", "cpi.zip", whole_file=True, fault="archives"),
    Case("wdi zip with no data file", "prices",
         lambda d: prices(d, cpi=zip_bytes({f"Metadata_Country_{CPI_NAME}": lines(METADATA)})),
         r"expected one API_\*\.csv and one Metadata_Country_\*\.csv member", "cpi.zip", whole_file=True),
    Case("wdi renamed column", "prices",
         lambda d: prices(d, fx=wdi_csv("PA.NUS.FCRF", "Official exchange rate", FX, header=(
             "Country Name", "Country Code", "Indicator Name", "Series Code"))),
         r"row 5, header: missing column\(s\) \['Indicator Code'\]; expected \['Country Name'",
         FX_NAME),
    Case("wdi semicolon delimiter", "prices",
         lambda d: prices(d, fx=[r.replace('","', '";"') for r in wdi_csv(
             "PA.NUS.FCRF", "Official exchange rate", FX)]),
         r"header: missing column\(s\).*semicolon-separated", FX_NAME),
    Case("wdi latin-1", "prices",
         lambda d: prices(d, cpi=zip_bytes({CPI_NAME: lines([r.lstrip("\ufeff") for r in cpi_rows()],
                                                           encoding="latin-1"),
                                            f"Metadata_Country_{CPI_NAME}": lines(METADATA)})),
         r"row 8: byte 0xf4 is not UTF-8 text", CPI_NAME, fault="encodings"),
    Case("wdi empty file", "prices", lambda d: prices(d, fx=[""]),
         r'no "Country Name","Country Code",\.\.\. header line; expected the WDI bulk CSV', FX_NAME, whole_file=True, fault="empty"),
    Case("wdi header only", "prices",
         lambda d: prices(d, fx=wdi_csv("PA.NUS.FCRF", "Official exchange rate", {})),
         r"Indicator Code: no rows for indicator PA\.NUS\.FCRF", FX_NAME, fault="empty"),
    Case("wdi negative exchange rate", "prices",
         lambda d: prices(d, fx=wdi_csv("PA.NUS.FCRF", "Official exchange rate",
                                        {**FX, "IND": ("48.4", "-45.7", "46.7")})),
         r"row 7, PA\.NUS\.FCRF value: PA\.NUS\.FCRF value \(IND 2010\) -45\.7 is not above zero; "
         r"expected an exchange rate", FX_NAME, fault="plausibility"),
    Case("wdi non-numeric value", "prices",
         lambda d: prices(d, fx=wdi_csv("PA.NUS.FCRF", "Official exchange rate",
                                        {**FX, "CIV": ("472.2", "n.a.", "471.9")})),
         r"row 8, value for 2010: value for 2010 'n\.a\.' is not a number", FX_NAME),
    Case("wdi absurd value", "prices",
         lambda d: prices(d, fx=wdi_csv("PA.NUS.FCRF", "Official exchange rate",
                                        {**FX, "BGD": ("69.0", "1e400", "74.2")})),
         r"row 6, value: value \(BGD 2010\) inf is not finite", FX_NAME, fault="plausibility"),
    Case("wdi duplicate country", "prices",
         lambda d: prices(d, fx=[*wdi_csv("PA.NUS.FCRF", "Official exchange rate", FX),
                                 '"India","IND","Official exchange rate","PA.NUS.FCRF","1","2","3",']),
         r"row 10, Country Code: country IND has more than one row for PA\.NUS\.FCRF", FX_NAME),
    Case("wdi country missing from the metadata", "prices",
         lambda d: prices(d, metadata=METADATA[:2] + METADATA[3:]),
         r"Country Code: country code\(s\) \['IND'\] missing from the country metadata", "cpi.zip"),
    Case("wdi metadata without region", "prices",
         lambda d: prices(d, metadata=[r.replace('"Region",', '"Area",') for r in METADATA]),
         r"header: missing column 'Region'; expected WDI country metadata", "Metadata_Country_"),
    Case("wdi tourism receipts below zero", "tourism",
         lambda d: tourism(d, receipts=wdi_csv("ST.INT.RCPT.CD", "International tourism, receipts",
                                               {**RECEIPTS, "CIV": ("2e8", "-2.1e8", "2.2e8")})),
         r"row 8, ST\.INT\.RCPT\.CD value: ST\.INT\.RCPT\.CD value \(CIV 2010\) -2\.1e\+08 is "
         r"negative; expected tourism receipts in current USD, not below zero", RECEIPTS_NAME,
         fault="plausibility"),
    Case("wdi tourism arrivals given as receipts", "tourism",
         lambda d: tourism(d, receipts=wdi_csv("ST.INT.ARVL", "International tourism, arrivals",
                                               ARRIVALS)),
         r"Indicator Code: no rows for indicator ST\.INT\.RCPT\.CD", RECEIPTS_NAME, fault="labels"),
    Case("wdi api truncated json", "prices",
         lambda d: prices(d, cpi=api_document(API_RECORDS)[:120], cpi_path="cpi.json"),
         r"not valid JSON .*line 1.*expected a stored World Bank API download", "cpi.json", whole_file=True),
    Case("wdi api empty file", "prices", lambda d: prices(d, cpi=b"", cpi_path="cpi.json"),
         r"not valid JSON", "cpi.json", whole_file=True, fault="empty"),
    Case("wdi api error document", "prices",
         lambda d: prices(d, cpi=json.dumps(wdi.api_download_document(
             [[{"message": [{"id": "120", "key": "Invalid value",
                             "value": "The provided parameter value is not valid"}]}]], [])).encode(),
             cpi_path="cpi.json"),
         r"indicator_pages page 1: World Bank API error: Invalid value", "cpi.json"),
    Case("wdi api record without date", "prices",
         lambda d: prices(d, cpi=api_document([*API_RECORDS, {
             k: v for k, v in api_record("BGD", "2012", 118.0).items() if k != "date"}]),
             cpi_path="cpi.json"),
         r"indicator_pages page 1: record without 'date'; expected", "cpi.json"),
    Case("wdi api non-numeric value", "prices",
         lambda d: prices(d, cpi=api_document([*API_RECORDS, api_record("BGD", "2012", "high")]),
                          cpi_path="cpi.json"),
         r"record BGD FP\.CPI\.TOTL '2012': expected a year as date and a number as value, got "
         r"'high'", "cpi.json"),
    Case("wdi api negative value", "prices",
         lambda d: prices(d, cpi=api_document([*API_RECORDS, api_record("BGD", "2012", -1.0)]),
                          cpi_path="cpi.json"),
         r"FP\.CPI\.TOTL value: FP\.CPI\.TOTL value \(BGD 2012\) -1 is not above zero", "cpi.json", fault="plausibility"),
    Case("wdi api duplicate value", "prices",
         lambda d: prices(d, cpi=api_document([*API_RECORDS, API_RECORDS[0]]), cpi_path="cpi.json"),
         r"more than one value for BGD, FP\.CPI\.TOTL, 2010", "cpi.json"),
    # --- OECD TiVA: SDMX-CSV answers of the levels and shares dataflows ---
    Case("tiva measure without its unit", "tiva",
         lambda d: tiva(d, levels=tiva_row(TIVA_LEVELS, 3, f"{TIVA_LV},EXGR,VNM,C26,W,,A,2021,1,6")),
         r"row 4, UNIT_MEASURE: measure EXGR has no unit .*expected USD for a level or PT_",
         "TIVA_MAINLV.csv"),
    Case("tiva share above 100", "tiva",
         lambda d: tiva(d, shares=tiva_row(TIVA_SHARES, 2,
                                           f"{TIVA_SH},EXGR_DVA,VNM,C26,W,PT_EXGR,A,2021,100.4,0")),
         r"row 3, OBS_VALUE: OBS_VALUE \(EXGR_DVA VNM C26 2021\) 100\.4 is above 100.*expected "
         r"a share between 0 and 100", "TIVA_MAINSH.csv"),
    Case("tiva negative share", "tiva",
         lambda d: tiva(d, shares=tiva_row(TIVA_SHARES, 5,
                                           f"{TIVA_SH},EXGR_FVA,VNM,C26,W,PT_EXGR,A,2021,-2,0")),
         r"row 6, OBS_VALUE: .*-2 is negative", "TIVA_MAINSH.csv"),
    Case("tiva level without UNIT_MULT", "tiva",
         lambda d: tiva(d, levels=tiva_row(TIVA_LEVELS, 1, f"{TIVA_LV},EXGR,VNM,C26,W,USD,A,2021,1,")),
         r"row 2, UNIT_MULT: level EXGR in USD has no UNIT_MULT; expected the power of ten",
         "TIVA_MAINLV.csv"),
    Case("tiva activity not in the edition", "tiva",
         lambda d: tiva(d, levels=tiva_row(TIVA_LEVELS, 2, f"{TIVA_LV},EXGR,VNM,D26,W,USD,A,2021,1,6")),
         r"row 3, ACTIVITY: ACTIVITY code 'D26' is not in the edition's activity code list",
         "TIVA_MAINLV.csv"),
    Case("tiva country not in the edition", "tiva",
         lambda d: tiva(d, countries=("VNM", "BGD"), levels=tiva_row(
             TIVA_LEVELS, 2, f"{TIVA_LV},EXGR,NAM,C26,W,USD,A,2021,1,6")),
         r"row 3, REF_AREA: REF_AREA code 'NAM' is not in the edition's country code list",
         "TIVA_MAINLV.csv"),
    Case("tiva country code of an old edition", "tiva",
         lambda d: tiva(d, levels=tiva_row(TIVA_LEVELS, 2, f"{TIVA_LV},EXGR,WLD,C26,W,USD,A,2021,1,6")),
         r"OECD TiVA country code\(s\) WLD not in the crosswalk", "TIVA_MAINLV.csv"),
    Case("tiva duplicate key", "tiva",
         lambda d: tiva(d, levels=[*TIVA_LEVELS, TIVA_LEVELS[1].replace(",6", ",6")]),
         r"row 26, key columns .*repeats row 2; expected one value per measure", "TIVA_MAINLV.csv"),
    Case("tiva labelled file with a column missing", "tiva",
         lambda d: tiva(d, levels=[
             "MEASURE,Measure,REF_AREA,Reference area,ACTIVITY,Economic activity,"
             "COUNTERPART_AREA,Counterpart area,Unit of measure,TIME_PERIOD,OBS_VALUE,UNIT_MULT",
             'EXGR,Gross exports,VNM,Viet Nam,C26,"Computer, electronic and optical products",'
             "W,World,USD,2020,1.5,6"]),
         r"UNIT_MEASURE: missing column\(s\) UNIT_MEASURE in this labelled SDMX-CSV",
         "TIVA_MAINLV.csv"),
    Case("tiva sdmx error message instead of data", "tiva",
         lambda d: tiva(d, shares=(
             b'<?xml version="1.0" encoding="utf-8"?><message:Error xmlns:message="http://'
             b'www.sdmx.org/resources/sdmxml/schemas/v2_1/message"><message:ErrorMessage '
             b'code="100"><message:Text>NoRecordsFound</message:Text></message:ErrorMessage>'
             b"</message:Error>")),
         r"holds an SDMX error response \(XML\) instead of SDMX-CSV data: 'NoRecordsFound'",
         "TIVA_MAINSH.csv", whole_file=True),
    Case("tiva plain-text api error", "tiva",
         lambda d: tiva(d, levels=b"Could not find Dataflow and/or DSD related with this data "
                                  b"request\r\n"),
         r"holds an SDMX API error message instead of SDMX-CSV data", "TIVA_MAINLV.csv",
         whole_file=True),
    Case("tiva empty answer", "tiva", lambda d: tiva(d, shares=b""),
         r"is empty; expected TiVA SDMX-CSV data", "TIVA_MAINSH.csv", whole_file=True),
    Case("tiva header only", "tiva", lambda d: tiva(d, levels=[TIVA_HEADER]),
         r"has a header but no data rows; expected TiVA observations", "TIVA_MAINLV.csv",
         whole_file=True),
    Case("tiva value that is not a number", "tiva",
         lambda d: tiva(d, levels=tiva_row(TIVA_LEVELS, 4, f'{TIVA_LV},EXGR,VNM,C26,W,USD,A,2021,"1,5",6')),
         r"row 5, OBS_VALUE: OBS_VALUE '1,5' is not a number", "TIVA_MAINLV.csv"),
    Case("tiva semicolon delimiter", "tiva",
         lambda d: tiva(d, shares=[row.replace(",", ";") for row in TIVA_SHARES]),
         r"header: header .* is not an SDMX-CSV header \(the file looks semicolon-separated; "
         r"expected commas\)", "TIVA_MAINSH.csv"),
    Case("tiva measure a dimension reads is absent", "tiva",
         lambda d: tiva(d, shares=[row for row in TIVA_SHARES if ",EXGR_FVA," not in row]),
         r"MEASURE: no rows of measure\(s\) \['EXGR_FVA'\] in PT_EXGR", "TIVA_MAINSH.csv"),
    Case("tiva answer in latin-1", "tiva",
         lambda d: tiva(d, levels=lines([*TIVA_LEVELS[:3], TIVA_LEVELS[3] + "é"], "latin-1")),
         r"row 4: byte 0xe9 is not UTF-8 text", "TIVA_MAINLV.csv"),
    # --- configuration and value-chain definitions ---
    Case("config invalid yaml", "config",
         lambda d: configs(d, config_text=committed("config") + b"\nbroken: [unclosed\n"),
         rf"(?s)config\.yaml: not valid YAML .*line {APPENDED_LINE}, column 9", "config.yaml"),
    Case("config empty file", "config", lambda d: configs(d, config_text=b""),
         r"config\.yaml: expected a mapping of keys at the top level", "config.yaml",
         whole_file=True),
    Case("config key given twice", "config",
         lambda d: configs(d, config_text=committed("config") + b"\nrun_name: again\n"),
         r"(?s)key 'run_name' is given twice in one mapping; expected each key once.*config\.yaml"
         rf"\", line {APPENDED_LINE}",
         "config.yaml"),
    Case("config latin-1", "config",
         lambda d: configs(d, config_text=b"# r\xe9sum\xe9 of the run\n" + committed("config")),
         r"config\.yaml, line 1: byte 0xe9 is not UTF-8 text", "config.yaml"),
    Case("config renamed key", "config",
         lambda d: configs(d, config=lambda c: c["classification"].update(
             tolerence=c["classification"].pop("tolerance"))),
         r"key 'classification\.tolerence' is not allowed", "classification.tolerence"),
    Case("config negative tolerance", "config",
         lambda d: configs(d, config=lambda c: c["classification"].update(tolerance=-0.1)),
         r"key 'classification\.tolerance': -0\.1 is less than the minimum of 0",
         "classification.tolerance"),
    Case("config non-numeric seed", "config",
         lambda d: configs(d, config=lambda c: c["demo"].update(seed="forty-two")),
         r"key 'demo\.seed': 'forty-two' is not of type 'integer'", "demo.seed"),
    Case("config years reversed", "config",
         lambda d: configs(d, config=lambda c: c["years"].update(start=2022, end=1995)),
         r"config key 'years': start 2022 is after end 1995; expected start <= end", "years"),
    Case("config period outside the years", "config",
         lambda d: configs(d, config=lambda c: c["classification"]["periods"][0].update(
             start=1980)),
         r"period '1995-2008' \(1980-2008\) is outside the years 1995-2022; expected a period "
         r"inside them", "classification.periods"),
    Case("config year out of range", "config",
         lambda d: configs(d, config=lambda c: c["years"].update(end=2200)),
         r"key 'years\.end': 2200 is greater than the maximum of 2100", "years.end"),
    Case("value chains chain given twice", "config",
         lambda d: configs(d, gvcs_text=committed("gvcs") + b"\napparel:\n  label: Again\n"),
         r"(?s)gvcs\.yaml: not valid YAML .*key 'apparel' is given twice.*line", "gvcs.yaml"),
    Case("value chains unknown HS revision", "config",
         lambda d: configs(d, gvcs=lambda g: g["apparel"]["hs"].update(HS2017=["61"])),
         r"key 'apparel\.hs\.HS2017' is not allowed", "apparel.hs.HS2017"),
    Case("value chains HS code as a number", "config",
         lambda d: configs(d, gvcs=lambda g: g["horticulture"]["hs"].update(HS92=[7, "08"])),
         r"key 'horticulture\.hs\.HS92\.0': 7 is not of type 'string'", "horticulture.hs.HS92"),
    Case("value chains HS code of odd length", "config",
         lambda d: configs(d, gvcs=lambda g: g["automotive"]["hs"].update(HS92=["87031"])),
         r"key 'automotive\.hs\.HS92\.0': '87031' does not match", "automotive.hs.HS92"),
    Case("value chains ISIC code of another revision", "config",
         lambda d: configs(d, gvcs=lambda g: g["apparel"]["isic"].update(rev4="C14")),
         r"key 'apparel\.isic\.rev4': 'C14' does not match", "apparel.isic.rev4"),
    Case("value chains unknown labour source", "config",
         lambda d: configs(d, gvcs=lambda g: g["apparel"].update(labour_source="unido")),
         r"key 'apparel\.labour_source': 'unido' is not one of", "apparel.labour_source"),
    Case("value chains TiVA activity not in the edition", "config",
         lambda d: configs(d, gvcs=lambda g: g["automotive"].update(tiva_activity="C29T30")),
         r"value chains key 'automotive\.tiva_activity': 'C29T30' is not an activity of "
         r"tiva_mainlv_demo", "automotive.tiva_activity"),
    Case("value chains TiVA activity missing", "config",
         lambda d: configs(d, gvcs=lambda g: g["apparel"].pop("tiva_activity")),
         r"value chains key 'apparel\.tiva_activity' is missing", "apparel.tiva_activity"),
    Case("config TiVA dimension whose measure the edition lacks", "config",
         lambda d: configs(d, config=lambda c: c["datasets"].update(
             tiva_shares="tiva_mainsh_2025_1_1")),
         r"dimension forward_participation reads measure EXGR_DVAFX, which tiva_mainsh_2025_1_1 "
         r"does not list", "forward_participation"),
    Case("config dimension dataset of another indicator", "config",
         lambda d: configs(d, config=lambda c: c["datasets"].update(
             ilostat_hours="ilostat_informality_demo")),
         r"config key 'datasets\.ilostat_hours': ilostat_informality_demo holds "
         r"SDG_0831_SEX_ECO_RT; expected HOW_TEMP_SEX_ECO_NB_A, which dimension hours_worked "
         r"reads", "datasets.ilostat_hours", fault="labels"),
    Case("value chains chain missing", "config",
         lambda d: configs(d, gvcs=lambda g: g.pop("automotive")),
         r"config key 'value_chains': 'automotive' is not defined", "value_chains"),
]


# --- issue 15: plausibility of every value column ----------------------------------------------

def fx_rows(**values) -> list[str]:
    return wdi_csv("PA.NUS.FCRF", "Official exchange rate (LCU per US$)", {**FX, **values})


def cpi_zip(rows: list[str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    return zip_bytes({CPI_NAME: lines(rows), f"Metadata_Country_{CPI_NAME}": lines(METADATA)},
                     compression=compression)


def earnings_with(position: int, old: str, new: str) -> bytes:
    return lines(replace(ILO_EARNINGS, position, ILO_EARNINGS[position].replace(old, new)))


def employment_with(position: int, old: str, new: str) -> bytes:
    return lines(replace(ILO_EMPLOYMENT, position, ILO_EMPLOYMENT[position].replace(old, new)))


THIS_YEAR = datetime.date.today().year
ILO_LAST_YEAR = THIS_YEAR + 1  # ILOSTAT: no observation is dated after next year
EMPLOYMENT_NAME = "EMP_TEMP_AGE_EC2_NB_A.csv"
EARNINGS_NAME = "EAR_4MTH_SEX_ECO_CUR_NB_A.csv"
HOURS_NAME = "HOW_TEMP_SEX_ECO_NB_A.csv"
INFORMALITY_NAME = "SDG_0831_SEX_ECO_RT_A.csv"
ZEROS = b"\0" * (4 * archives.RATIO_CHECKED_FROM_BYTES)  # deflates about 1,000:1

PLAUSIBILITY_CASES = [
    Case("wdi absurd consumer price index", "prices",
         lambda d: prices(d, cpi=cpi_zip(cpi_rows(**{**CPI, "IND": ("90", "1e20", "108.9")}))),
         r"row 7, FP\.CPI\.TOTL value: FP\.CPI\.TOTL value \(IND 2010\) 1e\+20 is above 1e\+14, "
         r"an impossible magnitude; expected a consumer price index", CPI_NAME),
    Case("wdi absurd exchange rate", "prices",
         lambda d: prices(d, fx=fx_rows(CIV=("472.2", "4.9e13", "471.9"))),
         r"row 8, PA\.NUS\.FCRF value: .*\(CIV 2010\) 4\.9e\+13 is above 1e\+12, an impossible "
         r"magnitude; expected an exchange rate \(LCU per USD\)", FX_NAME),
    Case("wdi absurd tourism arrivals", "tourism",
         lambda d: tourism(d, arrivals=wdi_csv("ST.INT.ARVL", "International tourism, arrivals",
                                               {**ARRIVALS, "BGD": ("267000", "3e10", "155000")})),
         r"row 6, ST\.INT\.ARVL value: .*\(BGD 2010\) 3e\+10 is above 1e\+10", ARRIVALS_NAME),
    Case("wdi api absurd consumer price index", "prices",
         lambda d: prices(d, cpi=api_document([*API_RECORDS, api_record("BGD", "2012", 2e15)]),
                          cpi_path="cpi.json"),
         r"FP\.CPI\.TOTL value \(BGD 2012\) 2e\+15 is above 1e\+14", "cpi.json"),
    Case("indstat absurd wages in dollars", "labour",
         lambda d: labour(d, indstat=lines(replace(INDSTAT, 5, "05,356,2000,18,18,5.5e13,02,1,"
                                                               "2023-06-30,$"))),
         r"row 6, value: value 5\.5e\+13 is above 2e\+13, an impossible magnitude; expected wages "
         r"or value added in usd", "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat absurd value added in national currency", "labour",
         lambda d: labour(d, indstat=lines([*INDSTAT, "20,050,2000,18,18,-3e18,18,1,2023-06-30,"
                                                      "LCU"])),
         r"row 7, value: value -3e\+18 is below -1e\+18; expected wages or value added in lcu",
         "INDSTAT2_2024_ISIC3.csv"),
    Case("ilostat absurd earnings", "labour",
         lambda d: labour(d, earnings=earnings_with(3, "4100", "4.1e13")),
         rf"{EARNINGS_NAME}: 1 value\(s\) outside values from 0 to 1e\+12 set to missing: rows "
         r"\[4\], ref_area IND", EARNINGS_NAME,
         check=lambda t: t[t["value_chain"] == "horticulture"].groupby("country")[
             "nominal_wage_per_employee_lcu"].agg(lambda v: v.isna().all()).to_dict()
         == {"BGD": False, "IND": True}),
    Case("ilostat weekly hours above the hours of a week", "ilostat",
         lambda d: ilostat_file(d, replace(ILO_HOURS, 3, ILO_HOURS[3].replace(",41,", ",414,"))),
         rf"{HOURS_NAME}: 1 value\(s\) outside hours per week from 0 to 168 set to missing: "
         r"rows \[4\], ref_area WSM", HOURS_NAME,
         check=lambda t: t["value"].isna().tolist() == [False, False, True]),
    Case("ilostat rate above 100 percent", "ilostat",
         lambda d: ilostat_file(d, replace(ILO_INFORMALITY, 2, ILO_INFORMALITY[2].replace(
             ",88.0,", ",880,")), name=INFORMALITY_NAME),
         rf"{INFORMALITY_NAME}: 1 value\(s\) outside percent from 0 to 100 set to missing: "
         r"rows \[3\], ref_area BGD", INFORMALITY_NAME,
         check=lambda t: t["value"].tolist()[::2] == [89.4, 40.2]
         and pd.isna(t["value"].iloc[1])),
    Case("ilostat every value implausible", "ilostat",
         lambda d: ilostat_file(d, [ILO_HOURS[0], *(r.replace(",48.5,", ",485,").replace(
             ",47.9,", ",479,").replace(",41,", ",410,") for r in ILO_HOURS[1:])]),
         r"obs_value: every obs_value is empty or outside its unit's range \(see the warning "
         r"above\); expected observations in the indicator's units", HOURS_NAME),
    Case("comtrade absurd net weight", "comtrade",
         lambda d: comtrade(d, [*COMTRADE[:2], comtrade_record(699, "IND", "070200", 300.0, 4e14)]),
         r"row 3, netWgt: netWgt 4e\+14 is above 1e\+13, an impossible magnitude; expected a net "
         r"weight in kg", "comtrade_exports_world"),
    Case("baci absurd quantity", "baci",
         lambda d: baci_release(d, **flows_with(3, '2020,842,699,870323,1000,"   5.0e10"')),
         r"row 4, q: q 5e\+10 is above 1e\+10, an impossible magnitude; expected a quantity in "
         r"tonnes", BACI_YEAR),
]

# --- issue 15: years outside the source's own range or the configured years ---------------------

YEAR_CASES = [
    Case("baci year file before the HS revision's first year", "baci",
         lambda d: baci_release(d, {**baci_members(), "BACI_HS92_Y1990_V202401.csv": lines(
             [FLOWS[0], *(r.replace("2020,", "1990,", 1) for r in FLOWS[1:])])}, year=1990),
         r"member 'BACI_HS92_Y1990_V202401\.csv': year file for 1990; expected years 1995-2024, "
         r"from BACI's first HS92 year to the release's own year \(V202401\)", BACI_ZIP),
    Case("baci year file after the release", "baci",
         lambda d: baci_release(d, {**baci_members(), "BACI_HS92_Y2031_V202401.csv": lines(FLOWS)}),
         r"member 'BACI_HS92_Y2031_V202401\.csv': year file for 2031; expected years 1995-2024",
         BACI_ZIP),
    Case("comtrade year before its classification", "comtrade",
         lambda d: comtrade(d, [*COMTRADE, {**comtrade_record(50, "BGD", "620342"),
                                            "refYear": 2010}]),
         r"row 4, refYear: refYear 2010 is before 2017, when classification H5 came into force",
         "comtrade_exports_world"),
    Case("comtrade year in the future", "comtrade",
         lambda d: comtrade(d, [*COMTRADE, {**comtrade_record(50, "BGD", "620342"),
                                            "refYear": THIS_YEAR + 3}]),
         rf"row 4, refYear: refYear {THIS_YEAR + 3} is outside 1988-{THIS_YEAR}; expected a year "
         r"of Comtrade's HS data, not in the future", "comtrade_exports_world"),
    Case("wdi value after the file's own date", "prices",
         lambda d: prices(d, fx=wdi_csv("PA.NUS.FCRF", "Official exchange rate", {
             **{c: (*v, "") for c, v in FX.items()}, "IND": ("48.4", "45.7", "46.7", "47.1")},
             years=("2009", "2010", "2011", "2031"))),
         r"row 7, year: year 2031 is outside 1960-2024; expected WDI years from 1960 to the file's "
         r"own date \(Last Updated Date 2024-11-13\)", FX_NAME),
    Case("wdi value before the first WDI year", "prices",
         lambda d: prices(d, fx=wdi_csv("PA.NUS.FCRF", "Official exchange rate", FX,
                                        years=("1950", "2010", "2011"))),
         r"row 6, year: year 1950 is outside 1960-2024", FX_NAME),
    Case("wdi api value after the page's date", "prices",
         lambda d: prices(d, cpi=api_document([*API_RECORDS, api_record("BGD", "2027", 130.0)],
                                              updated="2024-10-24"), cpi_path="cpi.json"),
         r"year: year 2027 is outside 1960-2024; expected WDI years from 1960 to the file's own "
         r"date \(lastupdated 2024-10-24\)", "cpi.json"),
    Case("wdi values outside the configured years", "prices",
         lambda d: prices(d, fx=wdi_csv("PA.NUS.FCRF", "Official exchange rate", FX,
                                        years=("1970", "1971", "1972"))),
         r"year: PA\.NUS\.FCRF has values for 1970-1972 only; expected values in the configured "
         r"years 1995-2022 \(config key years\)", FX_NAME),
    Case("indstat year after the record's update", "labour",
         lambda d: labour(d, indstat=lines(replace(INDSTAT, 2, "04,050,2025,18,18,4300,01,1,"
                                                               "2023-06-30,#"))),
         r"row 3, year: year 2025 is after the record's lastupdated '2023-06-30'; expected",
         "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat year before the database", "labour",
         lambda d: labour(d, indstat=lines([*INDSTAT, "04,050,1950,18,18,3000,01,1,2023-06-30,#"])),
         r"row 7, year: year 1950 is outside 1963-2023; expected an INDSTAT2 year",
         "INDSTAT2_2024_ISIC3.csv"),
    Case("indstat file outside the configured years", "labour",
         lambda d: labour(d, indstat=lines([r.replace(",2000,", ",1980,").replace(",2001,", ",1981,")
                                            for r in INDSTAT]), chains=["apparel"]),
         r"year: holds years 1980-1981 only; expected observations in the configured years "
         r"1995-2022", "INDSTAT2_2024_ISIC3.csv"),
    Case("ilostat year too far ahead", "labour",
         lambda d: labour(d, employment=employment_with(2, ",2001,", f",{ILO_LAST_YEAR + 1},")),
         rf"row 3, time: time {ILO_LAST_YEAR + 1} is not a year between 1900 and {ILO_LAST_YEAR}; "
         r"expected the year of an observation", EMPLOYMENT_NAME),
    Case("ilostat year before 1900", "labour",
         lambda d: labour(d, earnings=earnings_with(1, ",2000,", ",1899,")),
         r"row 2, time: time '1899' is not a year between 1900 and 2100", EARNINGS_NAME),
    Case("ilostat file outside the configured years", "labour",
         lambda d: labour(d, employment=lines([ILO_EMPLOYMENT[0], *(
             r.replace(",2000,", ",1980,").replace(",2001,", ",1981,") for r in ILO_EMPLOYMENT[1:])]),
             chains=["horticulture"]),
         r"year: holds years 1980-1981 only; expected observations in the configured years "
         r"1995-2022 \(config key years\)", EMPLOYMENT_NAME),
]

# --- issue 15: files whose values are all empty -------------------------------------------------

EMPTY_CASES = [
    Case("ilostat values all empty", "labour",
         lambda d: labour(d, employment=lines([ILO_EMPLOYMENT[0], *(
             ",".join(f if n != 6 else "" for n, f in enumerate(r.split(",")))
             for r in ILO_EMPLOYMENT[1:])])),
         r"obs_value: every obs_value is empty; expected at least one observation",
         EMPLOYMENT_NAME),
    Case("indstat values all missing", "labour",
         lambda d: labour(d, indstat=lines([",".join(f if n != 5 else "..." for n, f in
                                                     enumerate(r.split(","))) for r in INDSTAT])),
         r"value: every value is empty \(6 rows, no value\); expected INDSTAT2 values",
         "INDSTAT2_2024_ISIC3.csv"),
    Case("wdi values all empty", "prices",
         lambda d: prices(d, fx=fx_rows(**{c: ("", "", "") for c in FX})),
         r"value: every value is empty \(4 rows, years 2009-2011\); expected at least one value",
         FX_NAME),
    Case("wdi api values all null", "prices",
         lambda d: prices(d, cpi=api_document([api_record(c, y, None) for c in ("BGD", "WLD")
                                               for y in ("2010", "2011")]), cpi_path="cpi.json"),
         r"indicator_pages: every value is empty \(4 records, all null\)", "cpi.json"),
    Case("comtrade values all empty", "comtrade",
         lambda d: comtrade(d, [{**r, "primaryValue": None} for r in COMTRADE]),
         r"row 1, primaryValue: primaryValue None is not a number", "comtrade_exports_world"),
]

# --- issue 15: release and indicator labels -----------------------------------------------------

LABEL_CASES = [
    Case("baci zip named for another release", "baci",
         lambda d: baci_release(d, name="BACI_HS92_V202501.zip", release="202501"),
         r"year files are release HS92 V202401 but the file name says HS92 V202501; expected the "
         r"release its name states", "BACI_HS92_V202501.zip"),
    Case("baci zip named for another HS revision", "baci",
         lambda d: baci_release(d, name=f"BACI_HS96_V{VERSION}.zip"),
         r"year files are release HS92 V202401 but the file name says HS96 V202401",
         f"BACI_HS96_V{VERSION}.zip"),
    Case("baci release other than the registry's", "baci",
         lambda d: baci_release(d, release="202401b"),
         r"year files are release V202401 but the registry entry is version '202401b'; expected "
         r"the registered release", BACI_ZIP),
    Case("ilostat indicator other than the file name's", "labour",
         lambda d: labour(d, employment=lines([ILO_EMPLOYMENT[0], *(
             r.replace("EMP_TEMP_AGE_EC2_NB", "EMP_TEMP_SEX_EC2_NB") for r in ILO_EMPLOYMENT[1:])])),
         r"row 2, indicator: indicator 'EMP_TEMP_SEX_EC2_NB' disagrees with EMP_TEMP_AGE_EC2_NB, "
         r"the indicator named by the file name; expected one indicator per file", EMPLOYMENT_NAME),
    Case("ilostat indicator other than the registry's", "labour",
         lambda d: labour(d, indicators={"employment": "EMP_TEMP_SEX_EC2_NB",
                                         "earnings": "EAR_4MTH_SEX_ECO_CUR_NB"}),
         r"indicator column holds EMP_TEMP_AGE_EC2_NB; expected EMP_TEMP_SEX_EC2_NB, as the "
         r"registry entry says", EMPLOYMENT_NAME),
    Case("ilostat earnings file given as employment", "labour",
         lambda d: labour(d, employment=lines(ILO_EARNINGS), employment_name=EARNINGS_NAME,
                          indicators={}),
         r"row 2, indicator: indicator EAR_4MTH_SEX_ECO_CUR_NB is given as the ILOSTAT employment "
         r"file; expected employment in thousands \(EMP_\.\.\._NB\)", EARNINGS_NAME),
    Case("ilostat two indicators in one file", "ilostat",
         lambda d: ilostat_file(d, [*ILO_HOURS, ILO_HOURS[1].replace(
             "HOW_TEMP_SEX_ECO_NB", "HOW_XEES_SEX_ECO_NB")]),
         r"row 5, indicator: indicator 'HOW_XEES_SEX_ECO_NB' disagrees with HOW_TEMP_SEX_ECO_NB, "
         r"the indicator named by the file name; expected one indicator per file", HOURS_NAME),
]

# --- issue 15: archives read as streams, zip bombs under the size limits ----------------------

ARCHIVE_CASES = [
    Case("baci zip bomb (compression ratio)", "baci",
         lambda d: baci_release(d, {**baci_members(), BACI_YEAR: lines(FLOWS) + ZEROS}),
         rf"member '{BACI_YEAR}': member would inflate [\d,]+:1 \([\d,]+ bytes to 4,194,\d+\); "
         r"expected at most 100:1 \(a zip bomb\?\); refused", BACI_ZIP),
    Case("wdi zip bomb (compression ratio)", "prices",
         lambda d: prices(d, cpi=zip_bytes({CPI_NAME: lines(cpi_rows()) + ZEROS,
                                            f"Metadata_Country_{CPI_NAME}": lines(METADATA)})),
         r"member would inflate [\d,]+:1 .*expected at most 100:1 \(a zip bomb\?\)", "cpi.zip"),
    Case("wdi member compressed with bzip2", "prices",
         lambda d: prices(d, cpi=cpi_zip(cpi_rows(), compression=zipfile.ZIP_BZIP2)),
         r"member is compressed with method 12; expected stored or deflated", "cpi.zip"),
    Case("baci header line without a line break", "baci",
         lambda d: baci_release(d, {**baci_members(), BACI_YEAR: b'"t","i"' * 20_000}),
         r"row 1: line is longer than 65,536 bytes; expected a text file with lines", BACI_YEAR),
]

# --- issue 15: code lists in older encodings ----------------------------------------------------

ENCODING_CASES = [
    Case("baci product list in windows-1252", "baci",
         lambda d: baci_release(d, {**baci_members(), BACI_PRODUCTS: lines(
             replace(PRODUCTS, 2, "610910,T-shirts \u2013 cotton"), encoding="cp1252")}),
         rf"{BACI_PRODUCTS}: not UTF-8 \(byte 0x96 in row 3\); read as Windows-1252",
         BACI_PRODUCTS, check=lambda t: sorted(t["hs6"]) == ["070200", "610910", "870323"]),
    Case("baci product list with a byte windows-1252 leaves undefined", "baci",
         lambda d: baci_release(d, {**baci_members(), BACI_PRODUCTS: lines(PRODUCTS) + b"0101,x\x81\r\n"}),
         rf"{BACI_PRODUCTS}: not UTF-8 \(byte 0x81 in row 5\); read as Latin-1",
         BACI_PRODUCTS, check=lambda t: len(t) == len(FLOWS) - 1),
]

# --- issue 15: layouts of other tools and files -------------------------------------------------

INTEGER_CODES = [{**comtrade_record(50, "BGD", "610910"), "cmdCode": 610910, "aggrLevel": 6},
                 {**comtrade_record(699, "IND", "070200", 300.0), "cmdCode": 70200,
                  "aggrLevel": 6},
                 {**comtrade_record(699, "IND", "07", 900.0), "cmdCode": 7, "aggrLevel": 2}]
BY_SEX_EMPLOYMENT = [
    "ref_area,indicator,source,sex,classif1,time,obs_value,obs_status",
    "BGD,EMP_TEMP_SEX_EC2_NB,BA:1,SEX_T,EC2_ISIC4_A01,2000,25000.5,",
    "BGD,EMP_TEMP_SEX_EC2_NB,BA:1,SEX_F,EC2_ISIC4_A01,2000,9000,"]

LAYOUT_CASES = [
    Case("comtrade integer codes with their level", "comtrade",
         lambda d: comtrade(d, INTEGER_CODES),
         r"2 cmdCode value\(s\) without their leading zero \(saved as numbers by another tool\?\) "
         r"zero-padded to their aggrLevel: rows \[2, 3\]", "comtrade_exports_world",
         check=lambda t: sorted(t["hs6"]) == ["070200", "610910"]
         and t.loc[t["hs6"] == "070200", "value_usd"].tolist() == [300.0]),
    Case("comtrade integer codes without their level", "comtrade",
         lambda d: comtrade(d, [{k: v for k, v in r.items() if k != "aggrLevel"}
                                for r in INTEGER_CODES]),
         r"row 2, cmdCode: cmdCode '70200' is not an HS code; expected 2, 4 or 6 digits \(saved "
         r"as a number\? an aggrLevel column would give its length\)", "comtrade_exports_world"),
    Case("comtrade code longer than its level", "comtrade",
         lambda d: comtrade(d, [*INTEGER_CODES[:2], {**INTEGER_CODES[0], "aggrLevel": 4}]),
         r"row 3, cmdCode: cmdCode '610910' has more digits than its aggrLevel 4",
         "comtrade_exports_world"),
    Case("ilostat employment without an activity column", "labour",
         lambda d: labour(d, employment=lines([",".join(f for n, f in enumerate(r.split(","))
                                                        if n != 4) for r in ILO_EMPLOYMENT])),
         r"header: no classif column holds EC2_ codes \(found AGE_\); expected the "
         r"ILOSTAT employment file to classify EMP_TEMP_AGE_EC2_NB by them", EMPLOYMENT_NAME),
    Case("ilostat earnings by currency without a currency column", "labour",
         lambda d: labour(d, earnings=lines([",".join(f for n, f in enumerate(r.split(","))
                                                      if n != 5) for r in ILO_EARNINGS])),
         r"header: no classif column holds CUR_ codes \(found ECO_\)",
         EARNINGS_NAME),
    Case("ilostat activity in two classification columns", "labour",
         lambda d: labour(d, employment=lines([ILO_EMPLOYMENT[0], *(
             r.replace("AGE_YTHADULT_YGE15", "EC2_ISIC4_A01") for r in ILO_EMPLOYMENT[1:])])),
         r"row 1, header: columns \['classif1', 'classif2'\] both hold economic-activity codes; "
         r"expected one", EMPLOYMENT_NAME),
    Case("ilostat by-sex employment without the total", "labour",
         lambda d: labour(d, employment=lines([BY_SEX_EMPLOYMENT[0], BY_SEX_EMPLOYMENT[2]]),
                          employment_name="EMP_TEMP_SEX_EC2_NB_A.csv",
                          indicators={"employment": "EMP_TEMP_SEX_EC2_NB"}, chains=["horticulture"]),
         r"EMP_TEMP_SEX_EC2_NB_A\.csv: 1 rows dropped: by sex \(the total is kept\)",
         "EMP_TEMP_SEX_EC2_NB_A.csv", check=lambda t: t["employment_persons"].isna().all()),
]

ISSUE_15_CASES = [
    *(replace_fault(case, "plausibility") for case in PLAUSIBILITY_CASES),
    *(replace_fault(case, "years") for case in YEAR_CASES),
    *(replace_fault(case, "empty") for case in EMPTY_CASES),
    *(replace_fault(case, "labels") for case in LABEL_CASES),
    *(replace_fault(case, "archives") for case in ARCHIVE_CASES),
    *(replace_fault(case, "encodings") for case in ENCODING_CASES),
    *(replace_fault(case, "layouts") for case in LAYOUT_CASES),
]
CASES += ISSUE_15_CASES

# --- issue 14: the ILOSTAT files of the decent-work dimensions (rule harmonise_dimensions) ------

DIM_HOURS_NAME = "HOW_TEMP_SEX_ECO_NB_A.csv"
#: Employment by age and ISIC division, activity in classif2: a dimension an overlay defines.
EMPLOYMENT_BY_AGE = {"youth_employment_check": {
    "label": "Employment (15+)", "side": "social", "group": "measurable_standard",
    "column": "employment_15_plus", "unit": "thousands", "better": "higher", "by_sex": False,
    "level": "division", "source": {"dataset": "ilostat_employment", "format": "ilostat_bulk_csv",
                                    "indicator": "EMP_TEMP_AGE_EC2_NB_A", "measure": "value"}}}
BY_AGE = [
    "ref_area,indicator,source,classif1,classif2,time,obs_value,obs_status",
    "BGD,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC4_C14,2010,4100.5,",
    "BGD,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_Y15-24,EC2_ISIC4_C14,2010,1500,",
    "BGD,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC4_A01,2010,23000,"]


def dim_values(table: pd.DataFrame, country: str, chain: str) -> dict:
    rows = table[(table["country"] == country) & (table["value_chain"] == chain)]
    return dict(zip(rows["year"].astype(int), rows["value"]))


DIMENSION_CASES = [
    # plausibility: values outside their unit's range are set to missing, with a warning
    Case("dimension weekly hours above the hours of a week", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_HOURS, 1, ",48.5,", ",170,")),
         rf"{DIM_HOURS_NAME}: 1 value\(s\) outside hours per week from 0 to 168 set to missing: "
         r"rows \[2\], ref_area BGD", DIM_HOURS_NAME,
         check=lambda t: dim_values(t, "BGD", "apparel") == {2013: 47.9}, fault="plausibility"),
    Case("dimension negative weekly hours", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_HOURS, 2, ",47.9,", ",-47.9,")),
         rf"{DIM_HOURS_NAME}: 1 value\(s\) outside hours per week from 0 to 168 set to missing: "
         r"rows \[3\]", DIM_HOURS_NAME,
         check=lambda t: dim_values(t, "BGD", "apparel") == {2010: 48.5}, fault="plausibility"),
    Case("dimension rate above 100 percent", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_DENSITY, 2, ",6.2,", ",620,"),
                                  dimension="union_density"),
         r"ILR_TUMT_NOC_RT_A\.csv: 1 value\(s\) outside percent from 0 to 100 set to missing: "
         r"rows \[3\]", "ILR_TUMT_NOC_RT_A.csv",
         check=lambda t: dim_values(t, "BGD", "horticulture") == {2010: 7.05}
         and dim_values(t, "VNM", "apparel") == {2017: 14.6}, fault="plausibility"),
    Case("dimension negative rate", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_DENSITY, 1, ",7.05,", ",-7.05,"),
                                  dimension="union_density"),
         r"1 value\(s\) outside percent from 0 to 100 set to missing: rows \[2\]",
         "ILR_TUMT_NOC_RT_A.csv",
         check=lambda t: dim_values(t, "BGD", "apparel") == {2013: 6.2}, fault="plausibility"),
    Case("dimension negative count", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_INJURIES, 2, ",95,", ",-95,"),
                                  dimension="fatal_injuries"),
         r"INJ_FATL_ECO_NB_A\.csv: 1 value\(s\) outside cases of at least 0 set to missing: "
         r"rows \[3\]", "INJ_FATL_ECO_NB_A.csv",
         check=lambda t: dim_values(t, "BGD", "apparel") == {2010: 120 / 6000e3 * 1e5},
         fault="plausibility"),
    Case("dimension every value outside its unit's range", "dimensions",
         lambda d: dimension_file(d, [DIM_HOURS[0], *(dim_rows(DIM_HOURS, i, ",4", ",40")[i]
                                                      for i in range(1, len(DIM_HOURS)))]),
         r"HOW_TEMP_SEX_ECO_NB_A.csv, obs_value: every obs_value is empty or outside its unit's "
         r"range .*expected observations in the indicator's units", DIM_HOURS_NAME,
         fault="plausibility"),
    # labels: the indicator of the rows, the file name and the registry agree
    Case("dimension rows of another indicator than the file name's", "dimensions",
         lambda d: dimension_file(d, [DIM_HOURS[0], *(r.replace("HOW_TEMP_SEX_ECO_NB",
                                                                "INJ_FATL_ECO_NB")
                                                      for r in DIM_HOURS[1:])]),
         r"row 2, indicator: indicator 'INJ_FATL_ECO_NB' disagrees with HOW_TEMP_SEX_ECO_NB, "
         r"the indicator asked for", DIM_HOURS_NAME, fault="labels"),
    Case("dimension file named for another indicator than the registry's", "dimensions",
         lambda d: dimension_file(d, dimension="informality", name=DIM_HOURS_NAME),
         r"indicator SDG_0831_SEX_ECO_RT was asked for, but the file name says "
         r"HOW_TEMP_SEX_ECO_NB; expected the file of SDG_0831_SEX_ECO_RT", DIM_HOURS_NAME,
         whole_file=True, fault="labels"),
    Case("dimension two indicators in one file", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_HOURS, 3, "HOW_TEMP", "HOW_XEES")),
         r"row 4, indicator: indicator 'HOW_XEES_SEX_ECO_NB' disagrees with "
         r"HOW_TEMP_SEX_ECO_NB", DIM_HOURS_NAME, fault="labels"),
    # years: the file's own range, and the configured years
    Case("dimension year after next year", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_HOURS, 2, ",2013,", f",{ILO_LAST_YEAR + 1},")),
         rf"row 3, time: time {ILO_LAST_YEAR + 1} is not a year between 1900 and "
         rf"{ILO_LAST_YEAR}", DIM_HOURS_NAME, fault="years"),
    Case("dimension year before 1900", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_HOURS, 1, ",2010,", ",1850,")),
         r"row 2, time: time '1850' is not a year between 1900 and 2100", DIM_HOURS_NAME,
         fault="years"),
    Case("dimension file outside the configured years", "dimensions",
         lambda d: dimension_file(d, [DIM_HOURS[0], *(r.replace(",2010,", ",1980,").replace(
             ",2013,", ",1983,").replace(",2014,", ",1984,") for r in DIM_HOURS[1:])]),
         r"time: holds years 1980-1984 only; expected observations in the configured years "
         r"1995-2022 \(config key years\) for dimension hours_worked", DIM_HOURS_NAME,
         fault="years"),
    Case("dimension years outside the configured years dropped", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_HOURS, 1, ",2010,", ",1990,")),
         rf"{DIM_HOURS_NAME}: 1 row\(s\) outside the years 1995-2022 dropped", DIM_HOURS_NAME,
         check=lambda t: dim_values(t, "BGD", "apparel") == {2013: 47.9}, fault="years"),
    # empty: no value to read, or none in the configured years
    Case("dimension values all empty", "dimensions",
         lambda d: dimension_file(d, [DIM_HOURS[0], *(re.sub(r",\d+(\.\d+)?,(B|U)?,", r",,U,", r)
                                                      for r in DIM_HOURS[1:])]),
         r"obs_value: every obs_value is empty; expected at least one observation",
         DIM_HOURS_NAME, fault="empty"),
    Case("dimension values empty in the configured years", "dimensions",
         lambda d: dimension_file(d, [*(re.sub(r",\d+(\.\d+)?,(B|U)?,", r",,U,", r)
                                        for r in DIM_HOURS), DIM_HOURS[1].replace(",2010,",
                                                                                  ",1990,")]),
         r"obs_value: every value in the configured years 1995-2022 is empty", DIM_HOURS_NAME,
         fault="empty"),
    Case("dimension header only", "dimensions", lambda d: dimension_file(d, DIM_HOURS[:1]),
         r"row 2: has a header but no data rows", DIM_HOURS_NAME, whole_file=True,
         fault="empty"),
    Case("dimension empty file", "dimensions", lambda d: dimension_file(d, raw=b""),
         r"file is empty; expected an ILOSTAT CSV", DIM_HOURS_NAME, whole_file=True,
         fault="empty"),
    # layouts: column roles by name and by the codes a column holds
    Case("dimension activity in classif2 of a file by age", "dimensions",
         lambda d: dimension_file(d, BY_AGE, dimension="youth_employment_check",
                                  name="EMP_TEMP_AGE_EC2_NB_A.csv", define=EMPLOYMENT_BY_AGE),
         r"EMP_TEMP_AGE_EC2_NB_A\.csv: 1 rows dropped: a breakdown by age or currency",
         "EMP_TEMP_AGE_EC2_NB_A.csv",
         check=lambda t: dim_values(t, "BGD", "apparel") == {2010: 4100.5}
         and dim_values(t, "BGD", "horticulture") == {2010: 23000}, fault="layouts"),
    Case("dimension file without its optional columns", "dimensions",
         lambda d: dimension_file(d, ["ref_area,indicator,time,obs_value",
                                      "BGD,ILR_TUMT_NOC_RT,2010,7.05",
                                      "BGD,ILR_TUMT_NOC_RT,2013,6.2"], dimension="union_density"),
         r"union_density \(ILR_TUMT_NOC_RT_A\): 4 values for apparel, horticulture; 0 with a "
         r"break in series, 0 unreliable", "ILR_TUMT_NOC_RT_A.csv",
         check=lambda t: dim_values(t, "BGD", "apparel") == {2010: 7.05, 2013: 6.2}
         and t["source"].isna().all(), fault="layouts"),
    Case("dimension by activity without an activity column", "dimensions",
         lambda d: dimension_file(d, [",".join(f for n, f in enumerate(r.split(",")) if n != 4)
                                      for r in DIM_HOURS[:3]]),
         r"header: no classif column holds economic-activity codes \(ECO_, EC2_\); expected "
         r"them for dimension hours_worked, measured at ISIC level section", DIM_HOURS_NAME,
         fault="layouts"),
    Case("dimension activity in both classif columns", "dimensions",
         lambda d: dimension_file(d, [BY_AGE[0], *(r.replace("AGE_YTHADULT_YGE15", "ECO_ISIC4_C")
                                                   for r in BY_AGE[1:2])],
                                  dimension="youth_employment_check",
                                  name="EMP_TEMP_AGE_EC2_NB_A.csv", define=EMPLOYMENT_BY_AGE),
         r"row 1, header: columns \['classif1', 'classif2'\] both hold economic-activity codes; "
         r"expected one", "EMP_TEMP_AGE_EC2_NB_A.csv", fault="layouts"),
    # format
    Case("dimension unknown country code", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_HOURS, 2, "BGD,", "BGX,")),
         r"country: ILOSTAT country code\(s\) BGX not in the crosswalk", DIM_HOURS_NAME),
    Case("dimension duplicate observation", "dimensions",
         lambda d: dimension_file(d, [*DIM_HOURS, DIM_HOURS[1].replace(",48.5,", ",48,")]),
         r"row 6, key: observation ref_area=BGD, indicator=HOW_TEMP_SEX_ECO_NB, source=BA:1, "
         r"sex=SEX_T, classif1=ECO_ISIC4_C, time=2010 is given twice", DIM_HOURS_NAME),
    Case("dimension non-numeric value", "dimensions",
         lambda d: dimension_file(d, dim_rows(DIM_HOURS, 1, ",48.5,", ",48 h,")),
         r"row 2, obs_value: obs_value '48 h' is not a number", DIM_HOURS_NAME),
]
CASES += DIMENSION_CASES


def test_corpus_is_large_and_covers_every_loader() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    assert {case.step for case in CASES} == set(RUNNERS)
    assert sum(case.repair for case in CASES) >= 3
    counts = Counter(case.fault for case in CASES)
    assert set(counts) == set(FAULTS), "every class of bad input has cases, and only those"
    assert min(counts.values()) >= 3


@pytest.mark.parametrize("step", sorted(RUNNERS))
def test_valid_inputs_pass(step, tmp_path) -> None:
    """The corpus's base files are valid, so each case fails only by its own fault."""
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    written = RUNNERS[step](VALID[step](folder), out, [])
    assert written.exists() and not [p for p in out.iterdir() if p.name not in _outputs(written)]
    if written.suffix == ".parquet":
        assert len(read_table(written)) > 0


def _dropped(ledgers: list) -> list[str]:
    """The harmonisation ledgers' dropped-row entries as text ("<file>: 3 rows dropped: <reason>")."""
    if not ledgers:
        return []
    frame = ledger_frame(ledgers)
    dropped = frame[(frame["entry"] == "dropped") & (frame["measure"] == "rows")]
    return [f"{row.file}: {row.total:g} rows dropped: {row.reason}" for row in dropped.itertuples()]


def _outputs(written: Path) -> set[str]:
    """The file a step writes and, for a raw file retrieved from an API, its manifest."""
    return {written.name, manifest_path(written).name}


def _leftovers(out: Path) -> list[str]:
    """Every file in the output folder, including hidden temporary files."""
    return sorted(p.name for p in out.rglob("*")) if out.exists() else []


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_malformed_input(case: Case, tmp_path, caplog, malformed_tally) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    inputs = case.build(folder)
    malformed_tally["cases"] += 1
    malformed_tally["faults"][case.fault] += 1
    caplog.set_level(logging.INFO, logger="gvc_upgrading")
    if case.repair:
        _check_repair(case, inputs, out, caplog, malformed_tally)
    else:
        _check_error(case, inputs, out, malformed_tally)


def _check_repair(case: Case, inputs: dict, out: Path, caplog, tally: dict) -> None:
    """The step writes its table (and nothing else), logs the repair, and the table shows it."""
    ledgers = []
    written = RUNNERS[case.step](inputs, out, ledgers)
    left = [name for name in _leftovers(out) if name not in _outputs(written)]
    tally["partial"] += len(left)
    assert left == [], f"partial output left behind: {left}"
    notes = [record.getMessage() for record in caplog.records] + _dropped(ledgers)
    assert any(re.search(case.expect, note) for note in notes), notes
    assert case.check(read_table(written))
    tally["repairs"] += 1


def _check_error(case: Case, inputs: dict, out: Path, tally: dict) -> None:
    """The step raises a clear error naming file, row or key and what was expected; nothing is
    written."""
    with pytest.raises((InputError, ConfigError)) as info:
        RUNNERS[case.step](inputs, out, [])
    left = _leftovers(out)
    tally["partial"] += len(left)
    assert left == [], f"partial output left behind: {left}"
    message = str(info.value)
    assert info.match(case.expect)
    assert case.names in message, f"the error does not name {case.names!r}: {message}"
    assert SAYS_EXPECTED.search(message), f"the error does not say what was expected: {message}"
    if isinstance(info.value, InputError):
        located = info.value.row is not None or info.value.key is not None
    else:
        located = "key '" in message or "line" in message
    assert located or case.whole_file, f"the error names no row or key: {message}"
    tally["errors"] += 1
