"""The generic ILOSTAT reader on every real ILOSTAT file of the collection (bulk CSV, data-explorer
CSV with codes or labels, SDMX-CSV, Excel export, code dictionaries) and on broken files.

Expected counts and sums are computed here from the files themselves, with the csv, gzip and
zipfile modules and plain arithmetic; the real files are read in place and the tests skip where
they are absent.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import logging
import math
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import REAL_DATA
from gvc_upgrading.errors import InputError
from gvc_upgrading.sources import ilostat, ilostat_layouts

REAL = REAL_DATA / "ilostat"
NEXT_YEAR = datetime.date.today().year + 1


@pytest.fixture(scope="module")
def real() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real ILOSTAT extracts not found at {REAL}")
    return REAL


@pytest.fixture(scope="module")
def dictionaries(real) -> dict:
    return ilostat.read_dictionaries(real / "dic")


def csv_rows(path: Path) -> list[dict]:
    """The records of a (gzipped) CSV, by the csv module."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream, skipinitialspace=True))


def number(text: str) -> float:
    return math.nan if text == "" else float(text)


def total(values) -> float:
    return math.fsum(v for v in values if not math.isnan(v))


def missing(values) -> list[bool]:
    return [isinstance(v, float) and math.isnan(v) for v in values]


def text_of(series) -> list:
    """A column as a list, None where missing."""
    return [None if isinstance(v, float) and math.isnan(v) else v for v in series]


# --- the real bulk and data-explorer files (codes) ---------------------------------------------

#: file, column holding the activity (None: no activity), unit, largest plausible value
BULK_FILES = [
    ("HOW_TEMP_SEX_ECO_NB_A.csv.gz", "classif1", "hours per week", 168.0),
    ("SDG_0831_SEX_ECO_RT_A.csv.gz", "classif1", "percent", 100.0),
    ("ILR_TUMT_NOC_RT_A.csv.gz", None, "percent", 100.0),
    ("EMP_2EMP_SEX_ECO_NB_A-filtered-2025-08-16.csv.gz", "classif1", "thousands of persons",
     ilostat.MAX_EMPLOYMENT_THOUSANDS),
    ("EMP_TEMP_AGE_EC2_NB_A.csv.gz", "classif2", "thousands of persons",
     ilostat.MAX_EMPLOYMENT_THOUSANDS),
]


@pytest.mark.parametrize(("name", "activity", "unit", "largest"), BULK_FILES)
def test_real_bulk_file_read_in_full(real, name, activity, unit, largest, caplog):
    path = real / name
    rows = csv_rows(path)
    raw_values = [number(r["obs_value"]) for r in rows]
    kept = [math.nan if v > largest else v for v in raw_values]  # impossible ones set missing
    with caplog.at_level(logging.WARNING):
        df = ilostat.read_indicator(path, impossible="missing")

    assert list(df.columns) == ilostat.TIDY_COLUMNS
    assert len(df) == len(rows)
    assert text_of(df["country"]) == [r["ref_area"] for r in rows]  # "NA" would stay text
    assert df["year"].tolist() == [int(r["time"]) for r in rows]
    assert df["value"].sum() == pytest.approx(total(kept), rel=1e-12)
    assert missing(df["value"]) == missing(kept)
    assert set(df["unit"]) == {unit}
    assert set(df["indicator"]) == {r["indicator"] for r in rows}
    assert text_of(df["source"]) == [r["source"] for r in rows]
    assert Counter(df["source_type"]) == Counter(r["source"].split(":")[0] for r in rows)
    assert text_of(df["sex"]) == [r.get("sex", "SEX_T") for r in rows]
    statuses = [r.get("obs_status") or None for r in rows]
    assert text_of(df["obs_status"]) == statuses  # B (break) and U (unreliable) carried through
    if activity is None:
        assert df["activity"].isna().all() and df["isic_level"].isna().all()
    else:
        assert text_of(df["activity"]) == [r[activity] for r in rows]
    others = [r[c] for r in rows for c in ("classif1", "classif2") if c in r and c != activity]
    assert text_of(df["classif_other"]) == (others or [None] * len(rows))
    repaired = sum(v > largest for v in raw_values)
    assert (f"{repaired} value(s) outside" in caplog.text) == (repaired > 0)


@pytest.mark.parametrize(("name", "largest"), [(f, m) for f, _, _, m in BULK_FILES])
def test_real_impossible_value_is_refused_by_default(real, name, largest):
    path = real / name
    rows = csv_rows(path)
    positions = [i for i, r in enumerate(rows) if number(r["obs_value"]) > largest]
    if not positions:
        assert len(ilostat.read_indicator(path)) == len(rows)
        return
    with pytest.raises(InputError, match=rf"{re.escape(name)}, row {positions[0] + 2}, obs_value: "
                                         rf"obs_value \S+ \(ref_area {rows[positions[0]]['ref_area']}"):
        ilostat.read_indicator(path)


def test_real_activity_codes_taken_apart(real):
    """Divisions, sections and ILOSTAT's groupings, counted against the raw codes."""
    emp_rows = csv_rows(real / "EMP_TEMP_AGE_EC2_NB_A.csv.gz")
    emp = ilostat.read_indicator(real / "EMP_TEMP_AGE_EC2_NB_A.csv.gz", impossible="missing")
    apparel = emp[(emp["isic_revision"] == "4") & (emp["isic_level"] == "division")
                  & (emp["isic_code"] == "14")]
    assert len(apparel) == sum(r["classif2"] == "EC2_ISIC4_C14" for r in emp_rows)
    rev3 = emp[emp["isic_revision"] == "3"]
    assert len(rev3) == sum(r["classif2"].startswith("EC2_ISIC3_") for r in emp_rows)

    how_rows = csv_rows(real / "HOW_TEMP_SEX_ECO_NB_A.csv.gz")
    how = ilostat.read_indicator(real / "HOW_TEMP_SEX_ECO_NB_A.csv.gz", impossible="missing")
    manufacturing = how[(how["isic_level"] == "section") & (how["isic_code"] == "C")
                        & (how["isic_revision"] == "4")]
    assert len(manufacturing) == sum(r["classif1"] == "ECO_ISIC4_C" for r in how_rows)
    assert set(how["isic_revision"]) == {"2", "3", "4", "aggregate"}
    totals = how[how["isic_level"] == "total"]
    assert len(totals) == sum(r["classif1"].endswith("_TOTAL") for r in how_rows)

    sdg = ilostat.read_indicator(real / "SDG_0831_SEX_ECO_RT_A.csv.gz")
    agriculture = sdg[(sdg["isic_level"] == "aggregate") & (sdg["isic_code"] == "AGR")]
    sdg_rows = csv_rows(real / "SDG_0831_SEX_ECO_RT_A.csv.gz")
    assert len(agriculture) == sum(r["classif1"].endswith("_AGR") for r in sdg_rows)
    assert set(agriculture["isic_revision"]) == {"aggregate"}


def test_real_years_outside_the_configured_ones_are_dropped_and_counted(real, caplog):
    path = real / "SDG_0831_SEX_ECO_RT_A.csv.gz"
    rows = csv_rows(path)
    inside = [r for r in rows if 2005 <= int(r["time"]) <= 2015]
    with caplog.at_level(logging.INFO):
        df = ilostat.read_indicator(path, "SDG_0831_SEX_ECO_RT_A", years=(2005, 2015))
    assert len(df) == len(inside)
    assert df["value"].sum() == pytest.approx(total(number(r["obs_value"]) for r in inside))
    assert f"{len(rows) - len(inside)} row(s) outside the years 2005-2015 dropped" in caplog.text


def test_real_file_of_another_indicator_is_refused(real):
    with pytest.raises(InputError, match=r"ILR_TUMT_NOC_RT_A\.csv\.gz: indicator "
                                         r"ILR_CBCT_NOC_RT was asked for, but the file name says "
                                         r"ILR_TUMT_NOC_RT"):
        ilostat.read_indicator(real / "ILR_TUMT_NOC_RT_A.csv.gz", "ILR_CBCT_NOC_RT")


def test_real_codes_all_in_the_dictionaries(real, dictionaries):
    for name, _, _, _ in BULK_FILES:
        df = ilostat.read_indicator(real / name, dictionaries=dictionaries, impossible="missing")
        assert len(df) == len(csv_rows(real / name))


# --- data-explorer CSV with labels --------------------------------------------------------------

def dictionary_rows(real: Path, column: str) -> dict[str, str]:
    """label -> code of a dictionary file, by the csv module."""
    return {r[f"{column}.label"]: r[column]
            for r in csv_rows(real / "dic" / f"{column}_en.csv.gz")}


def test_real_label_file_needs_the_dictionaries(real):
    name = "EAR_4MTH_SEX_ECO_CUR_NB_A-filtered-2022-09-27.csv.gz"
    with pytest.raises(InputError, match=rf"{re.escape(name)}, row 1, indicator\.label: column "
                                         r"indicator\.label holds labels; pass dictionaries="):
        ilostat.read_indicator(real / name)


def test_real_label_file_turned_into_codes(real, dictionaries):
    path = real / "EAR_4MTH_SEX_ECO_CUR_NB_A-filtered-2022-09-27.csv.gz"
    rows = csv_rows(path)
    df = ilostat.read_indicator(path, dictionaries=dictionaries)
    sexes, activities = dictionary_rows(real, "sex"), dictionary_rows(real, "classif1")
    currencies = dictionary_rows(real, "classif2")
    assert len(df) == len(rows)
    assert text_of(df["country"]) == [r["ref_area.label"] for r in rows]  # names as written
    assert set(df["indicator"]) == {"EAR_4MTH_SEX_ECO_CUR_NB"}
    assert text_of(df["sex"]) == [sexes[r["sex.label"]] for r in rows]
    assert text_of(df["activity"]) == [activities[r["classif1.label"]] for r in rows]
    assert text_of(df["classif_other"]) == [currencies[r["classif2.label"]] for r in rows]
    assert set(df["classif_other"]) == {"CUR_TYPE_USD"}
    assert set(df["unit"]) == {"US dollars per month"}
    assert df["value"].sum() == pytest.approx(total(number(r["obs_value"]) for r in rows))
    # source labels keep their text; their type comes from the abbreviation before " - ",
    # paired with the code prefixes in the source dictionary
    type_of = {r["source.label"].split(" - ")[0]: r["source"].split(":")[0]
               for r in csv_rows(real / "dic" / "source_en.csv.gz")}
    assert text_of(df["source"]) == [r["source.label"] for r in rows]
    assert text_of(df["source_type"]) == [type_of[r["source.label"].split(" - ")[0]]
                                          for r in rows]


# --- SDMX-CSV ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sdmx_ILR_CBCT_NOC_RT_lastobs.csv",
                                  "sdmx_ILR_TUMT_NOC_RT_lastobs.csv"])
def test_real_sdmx_csv(real, dictionaries, name):
    path = real / name
    rows = csv_rows(path)
    df = ilostat.read_indicator(path, dictionaries=dictionaries)
    assert len(df) == len(rows)
    assert set(df["indicator"]) == {re.search(r"DF_(\w+)\(", r["DATAFLOW"])[1] for r in rows}
    assert text_of(df["country"]) == [r["REF_AREA"] for r in rows]
    assert df["year"].tolist() == [int(r["TIME_PERIOD"]) for r in rows]
    assert df["value"].sum() == pytest.approx(total(number(r["OBS_VALUE"]) for r in rows))
    assert text_of(df["source"]) == [r["SOURCE"] for r in rows]
    assert set(df["unit"]) == {"percent"} == {"percent" for r in rows if r["UNIT_MEASURE"] == "PT"}
    assert set(df["sex"]) == {"SEX_T"} and df["activity"].isna().all()


def test_real_sdmx_density_matches_the_bulk_file(real):
    """Every latest observation of the 2024 SDMX file is in the 2022 bulk file; the values agree
    to the bulk file's two decimals except Mexico 2020, revised between the vintages."""
    sdmx = ilostat.read_indicator(real / "sdmx_ILR_TUMT_NOC_RT_lastobs.csv")
    bulk = ilostat.read_indicator(real / "ILR_TUMT_NOC_RT_A.csv.gz")
    bulk_values = {(c, y): v for c, y, v in zip(bulk["country"], bulk["year"], bulk["value"],
                                                strict=True)}
    keys = list(zip(sdmx["country"], sdmx["year"], strict=True))
    assert all(key in bulk_values for key in keys)
    disagree = {key for key, value in zip(keys, sdmx["value"], strict=True)
                if abs(value - bulk_values[key]) > 0.005 + 1e-9}
    assert disagree == {("MEX", 2020)}


# --- the Excel export ---------------------------------------------------------------------------

SHEET_NS = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def sheet_cells(path: Path) -> dict[tuple[int, str], str]:
    """(row, column letters) -> text of every cell of the first sheet, by zipfile and XML."""
    with zipfile.ZipFile(path) as archive:
        shared = [
            "".join(t.text or "" for t in item.iter(f"{{{SHEET_NS['s']}}}t"))
            for item in ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        ]
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    cells = {}
    for cell in sheet.iterfind(".//s:c", SHEET_NS):
        letters, row = re.fullmatch(r"([A-Z]+)(\d+)", cell.get("r")).groups()
        value = cell.find("s:v", SHEET_NS)
        if value is not None:
            text = shared[int(value.text)] if cell.get("t") == "s" else value.text
            cells[int(row), letters] = text
    return cells


def test_real_excel_export(real, dictionaries):
    path = real / "INJ_FATL_ECO_NB_A_EN.xlsx"
    cells = sheet_cells(path)
    header_row = next(row for (row, col), text in cells.items()
                      if col == "A" and text == "Reference area")
    headers = {col: text for (row, col), text in cells.items() if row == header_row}
    value_columns = [col for col, text in headers.items() if col not in ("A", "B", "C") and text]
    numbers = {(row, col): float(text) for (row, col), text in cells.items()
               if row > header_row and col in value_columns and text.strip()}
    df = ilostat.read_indicator_xlsx(path, dictionaries=dictionaries)
    assert len(df) == len(numbers)
    assert df["value"].sum() == pytest.approx(math.fsum(numbers.values()))
    manufacturing = next(c for c, t in headers.items() if t == "C. Manufacturing")
    assert df.loc[df["activity"] == "ECO_ISIC4_C", "value"].sum() == pytest.approx(
        math.fsum(v for (_, col), v in numbers.items() if col == manufacturing))
    totals = next(c for c, t in headers.items() if t == "Total")
    assert (df["activity"] == "ECO_ISIC4_TOTAL").sum() == sum(col == totals for _, col in numbers)
    areas = {cells[row, "A"] for row, _ in numbers}
    assert set(df["country"]) == areas  # names as written
    assert set(df["indicator"]) == {"INJ_FATL_ECO_NB"} and set(df["unit"]) == {"cases"}
    assert set(df["isic_revision"]) == {"4"} and set(df["isic_level"]) == {"total", "section"}
    first = min(numbers)
    assert df["year"].iloc[0] == int(float(cells[first[0], "C"]))


def test_excel_export_without_calamine(real, monkeypatch):
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    with pytest.raises(ImportError, match="needs the python-calamine package"):
        ilostat.read_indicator_xlsx(real / "INJ_FATL_ECO_NB_A_EN.xlsx")


def xlsx_bytes(rows: list[list]) -> bytes:
    """A minimal workbook of one sheet (numbers as numbers, text as inline strings)."""
    def cell(ref: str, value) -> str:
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    body = "".join(
        f'<row r="{i}">' + "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(row)
                                   if v != "") + "</row>"
        for i, row in enumerate(rows, start=1))
    main = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml":
            f'<Types xmlns="{main}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{main}/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="{main}/officeDocument/'
            '2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
            '</workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{main}/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            f'<worksheet xmlns="{main}/spreadsheetml/2006/main"><sheetData>{body}</sheetData>'
            '</worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


EXCEL_HEADER = ["Reference area", "Source", "Time", "Total", "C. Manufacturing", ""]


@pytest.mark.parametrize(("row", "pattern"), [
    (["Chile", "ADM - x", 2015, 3, "n/a", "Notes"],
     r"row 4, column E \(C\. Manufacturing\): value 'n/a' is not a number"),
    (["Chile", "ADM - x", "2015Q1", 3, 1, "Notes"],
     r"row 4, column C \(Time\): Time '2015Q1' is not a year"),
    (["Chile", "ADM - x", 2015, -3, 1, "Notes"],
     r"row 4, column D \(Total\): value -3 \(ref_area Chile, 2015\) is below 0"),
])
def test_broken_excel_export(tmp_path, row, pattern):
    path = tmp_path / "INJ_FATL_ECO_NB_A_EN.xlsx"
    path.write_bytes(xlsx_bytes([["Cases of fatal occupational injury"], [], EXCEL_HEADER, row]))
    with pytest.raises(InputError, match=rf"INJ_FATL_ECO_NB_A_EN\.xlsx, {pattern}"):
        ilostat.read_indicator_xlsx(path)


def test_excel_export_unknown_column(tmp_path):
    path = tmp_path / "INJ_FATL_ECO_NB_A_EN.xlsx"
    header = [*EXCEL_HEADER[:4], "Manufacturing", ""]
    path.write_bytes(xlsx_bytes([["Title"], header, ["Chile", "ADM - x", 2015, 3, 1, ""]]))
    with pytest.raises(InputError, match=r"row 2, column E: header 'Manufacturing' is neither"):
        ilostat.read_indicator_xlsx(path)


# --- code dictionaries ----------------------------------------------------------------------------

def test_real_dictionaries(real, dictionaries):
    files = sorted((real / "dic").glob("*_en.csv.gz"))
    assert set(dictionaries) == {f.name.removesuffix("_en.csv.gz") for f in files}
    for path in files:
        rows = csv_rows(path)
        column = path.name.removesuffix("_en.csv.gz")
        assert dictionaries[column] == {r[column]: r[f"{column}.label"] for r in rows}
    assert ilostat.read_dictionary(real / "dic" / "classif1_en.csv.gz")["EC2_ISIC4_C14"] == (
        "Economic activity (ISIC-Rev.4), 2 digit level: 14 - Manufacture of wearing apparel")


def test_source_types_follow_the_source_dictionary(real):
    for r in csv_rows(real / "dic" / "source_en.csv.gz"):
        assert ilostat.source_type(r["source.label"]) == r["source"].split(":")[0]
        assert ilostat.source_type(r["source"]) == r["source"].split(":")[0]


def test_dictionary_with_a_code_of_two_labels(tmp_path):
    path = tmp_path / "sex_en.csv"
    path.write_text('\ufeffsex, sex.label\n"SEX_T","Sex: Total"\n"SEX_M","Sex: Male"\n'
                    '"SEX_T","Sex: All"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"sex_en\.csv, row 4, sex: sex 'SEX_T' has two labels"):
        ilostat.read_dictionary(path)


def test_dictionary_with_a_wrong_header(tmp_path):
    path = tmp_path / "sex_en.csv"
    path.write_text("code,label\nSEX_T,Total\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"sex_en\.csv, row 1, header: header \['code', 'label'\]"):
        ilostat.read_dictionary(path)


def test_code_missing_from_the_dictionary(tmp_path, dictionaries):
    path = write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv", [
        HOW_HEADER, "BGD,HOW_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_C,2010,48.1,",
        "BGD,HOW_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_Y,2010,48.1,"])
    with pytest.raises(InputError, match=r"HOW_TEMP_SEX_ECO_NB_A\.csv, row 3, classif1: classif1 "
                                         r"code 'ECO_ISIC4_Y' is not in the ILOSTAT classif1 "
                                         r"dictionary"):
        ilostat.read_indicator(path, dictionaries={k: v for k, v in dictionaries.items()
                                                   if k != "source"})


# --- conventions ------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "parts"), [
    ("EC2_ISIC4_C14", ("4", "division", "14")),
    ("EC2_ISIC3_D18", ("3", "division", "18")),
    ("EC2_ISIC4_X", ("4", "division", "X")),
    ("EC2_ISIC3_TOTAL", ("3", "total", "TOTAL")),
    ("ECO_ISIC4_C", ("4", "section", "C")),
    ("ECO_ISIC3_TOTAL", ("3", "total", "TOTAL")),
    ("ECO_ISIC2_3", ("2", "section", "3")),
    ("ECO_AGGREGATE_AGR", ("aggregate", "aggregate", "AGR")),
    ("ECO_AGGREGATE_MAN", ("aggregate", "aggregate", "MAN")),
    ("ECO_SECTOR_AGR", ("aggregate", "aggregate", "AGR")),
    ("ECO_SECTOR_NAG", ("aggregate", "aggregate", "NAG")),
    ("ECO_SECTOR_TOTAL", ("aggregate", "total", "TOTAL")),
    ("ECO_AGNAG_NAG", ("aggregate", "aggregate", "NAG")),
    ("ECO_DETAILS_HJ", ("aggregate", "aggregate", "HJ")),
])
def test_eco_code_parts(code, parts):
    assert ilostat.eco_code_parts(code) == parts
    assert ilostat.eco_code_parts(code).level == parts[1]


@pytest.mark.parametrize("code", ["ECO_ISIC4_CC", "EC2_ISIC4_C1", "ECO_ISIC5_C", "AGE_YTHADULT",
                                  "eco_isic4_c"])
def test_eco_code_parts_refuses_other_codes(code):
    with pytest.raises(ValueError, match="not an ILOSTAT economic-activity code"):
        ilostat.eco_code_parts(code)


def test_every_activity_code_of_the_dictionaries_taken_apart(dictionaries):
    codes = [code for name in ("classif1", "classif2") for code in dictionaries[name]
             if code.startswith(("ECO_", "EC2_"))]
    assert codes and all(ilostat.eco_code_parts(code) for code in codes)


def test_units_agree_with_the_indicator_labels(dictionaries):
    """The unit derived from each id against what ILOSTAT's label says."""
    for indicator, label in dictionaries["indicator"].items():
        unit = ilostat.indicator_unit(indicator, "CUR_TYPE_LCU")
        assert unit.name is not None, indicator
        if "(thousands)" in label or "(in thousands)" in label:
            assert "thousands" in unit.name, (indicator, label)
        if label.endswith("(%)"):
            assert unit.name in ("percent", "percent change"), (indicator, label)
        if "per 100'000 workers" in label:
            assert unit.name == "cases per 100,000 workers", (indicator, label)
        if label.startswith("Mean weekly hours"):
            assert unit.name == "hours per week", (indicator, label)
        if "local currency" in label.lower():
            assert "local currency" in unit.name, (indicator, label)
        if "earnings" in label and "hourly" in label:
            assert unit.name.endswith("per hour"), (indicator, label)
        if "earnings" in label and "monthly" in label:
            assert unit.name.endswith("per month"), (indicator, label)


@pytest.mark.parametrize(("indicator", "currency", "name"), [
    ("EAR_4MTH_SEX_ECO_CUR_NB", "CUR_TYPE_LCU", "local currency per month"),
    ("EAR_4MTH_SEX_ECO_CUR_NB", "CUR_TYPE_PPP", "PPP dollars per month"),
    ("EAR_4HRL_SEX_OCU_CUR_NB", "CUR_TYPE_USD", "US dollars per hour"),
    ("EAR_XEES_SEX_ECO_NB", None, "local currency per month"),
    ("EAR_4MTH_SEX_ECO_CUR_NB", None, None),
    ("HOW_TEMP_SEX_ECO_NB_A", None, "hours per week"),
    ("INJ_FATL_ECO_NB", None, "cases"),
    ("INJ_FATL_SEX_MIG_RT", None, "cases per 100,000 workers"),
])
def test_indicator_unit(indicator, currency, name):
    assert ilostat.indicator_unit(indicator, currency).name == name


# --- broken and unusual files ---------------------------------------------------------------------

HOW_HEADER = "ref_area,indicator,source,sex,classif1,time,obs_value,obs_status"
HOW = [HOW_HEADER,
       "BGD,HOW_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_C,2010,48.1,",
       "BGD,HOW_TEMP_SEX_ECO_NB,BA:1,SEX_F,ECO_ISIC4_C,2010,45.2,B",
       "NA,HOW_TEMP_SEX_ECO_NB,BA:2,SEX_T,ECO_ISIC4_C,2011,,U"]


def write(folder: Path, name: str, lines: list[str], encoding: str = "utf-8",
          compress: bool = False) -> Path:
    mark = "\ufeff" if encoding == "utf-8" else ""  # ILOSTAT's byte-order mark
    data = (mark + "\n".join(lines) + "\n").encode(encoding)
    path = folder / name
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def changed(rows: list[str], position: int, old: str, new: str) -> list[str]:
    return [*rows[:position], rows[position].replace(old, new), *rows[position + 1:]]


def test_by_sex_file_with_its_activity_in_classif1(tmp_path):
    """The case that ended in ``KeyError: 'classif2'``: read, activity from classif1."""
    df = ilostat.read_indicator(write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv", HOW))
    assert text_of(df["country"]) == ["BGD", "BGD", "NA"]  # Namibia stays a code
    assert text_of(df["activity"]) == ["ECO_ISIC4_C"] * 3
    assert text_of(df["sex"]) == ["SEX_T", "SEX_F", "SEX_T"]
    assert text_of(df["obs_status"]) == [None, "B", "U"]
    assert missing(df["value"]) == [False, False, True]
    assert df["classif_other"].isna().all()


def test_chunks_keep_file_rows(tmp_path, monkeypatch):
    """Rows are read in chunks; results and the rows that errors name do not depend on them."""
    rows = [HOW_HEADER] + [f"A{i:02d},HOW_TEMP_SEX_ECO_NB,BA:1,SEX_T,ECO_ISIC4_C,2010,{i},"
                           for i in range(20)]
    path = write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv", rows)
    whole = ilostat.read_indicator(path)
    monkeypatch.setattr(ilostat_layouts, "CHUNK_ROWS", 3)
    assert ilostat.read_indicator(path).equals(whole)
    write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv", changed(rows, 17, ",16,", ",170,"))
    with pytest.raises(InputError, match=r"row 18, obs_value: obs_value 170 \(ref_area A16"):
        ilostat.read_indicator(path)
    write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv", changed(rows, 14, ",13,", ",x,"))
    with pytest.raises(InputError, match=r"row 15, obs_value: obs_value 'x' is not a number"):
        ilostat.read_indicator(path)


BROKEN = [  # id, file name, rows, pattern after "<file name>, "
    ("missing column", "HOW_TEMP_SEX_ECO_NB_A.csv",
     [r.replace(",time", ",period") for r in HOW[:1]] + HOW[1:],
     r"row 1, header: missing column\(s\) \['time'\]; expected ILOSTAT columns"),
    ("semicolons", "HOW_TEMP_SEX_ECO_NB_A.csv", [r.replace(",", ";") for r in HOW],
     r"row 1, header: missing column\(s\).*semicolon-separated; expected commas"),
    ("indicator other than the file name's", "HOW_TEMP_SEX_ECO_NB_A.csv",
     [HOW[0], *(r.replace("HOW_TEMP", "EMP_TEMP") for r in HOW[1:])],
     r"row 2, indicator: indicator 'EMP_TEMP_SEX_ECO_NB' disagrees with HOW_TEMP_SEX_ECO_NB, the "
     r"indicator named by the file name"),
    ("two indicators", "hours.csv", changed(HOW, 2, "HOW_TEMP", "HOW_XEES"),
     r"row 3, indicator: indicator 'HOW_XEES_SEX_ECO_NB' disagrees with HOW_TEMP_SEX_ECO_NB, the "
     r"indicator of the first row"),
    ("rate above 100", "SDG_0831_SEX_ECO_RT_A.csv",
     [r.replace("HOW_TEMP_SEX_ECO_NB", "SDG_0831_SEX_ECO_RT") for r in
      changed(HOW, 2, "45.2", "100.5")],
     r"row 3, obs_value: obs_value 100\.5 \(ref_area BGD, 2010\) is above 100; expected percent "
     r"from 0 to 100"),
    ("hours above a week", "HOW_TEMP_SEX_ECO_NB_A.csv", changed(HOW, 1, "48.1", "170"),
     r"row 2, obs_value: obs_value 170 \(ref_area BGD, 2010\) is above 168; expected hours per "
     r"week from 0 to 168"),
    ("negative count", "INJ_FATL_ECO_NB_A.csv",
     [r.replace("HOW_TEMP_SEX_ECO_NB", "INJ_FATL_ECO_NB") for r in changed(HOW, 2, "45.2", "-2")],
     r"row 3, obs_value: obs_value -2 \(ref_area BGD, 2010\) is below 0; expected cases of at "
     r"least 0"),
    ("non-numeric value", "HOW_TEMP_SEX_ECO_NB_A.csv", changed(HOW, 2, "45.2", "45 2"),
     r"row 3, obs_value: obs_value '45 2' is not a number"),
    ("text value", "HOW_TEMP_SEX_ECO_NB_A.csv", changed(HOW, 2, "45.2", "n/a"),
     r"row 3, obs_value: obs_value 'n/a' is not a number"),
    ("year beyond 2100", "HOW_TEMP_SEX_ECO_NB_A.csv", changed(HOW, 3, "2011", "2150"),
     r"row 4, time: time '2150' is not a year between 1900 and 2100"),
    ("year in the future", "HOW_TEMP_SEX_ECO_NB_A.csv",
     changed(HOW, 3, "2011", str(NEXT_YEAR + 1)),
     rf"row 4, time: time {NEXT_YEAR + 1} is not a year between 1900 and {NEXT_YEAR}"),
    ("quarter", "HOW_TEMP_SEX_ECO_NB_A.csv", changed(HOW, 1, "2010", "2010Q1"),
     r"row 2, time: time '2010Q1' is not a year \(an annual observation\)"),
    ("all values empty", "HOW_TEMP_SEX_ECO_NB_A.csv",
     [HOW[0], *(re.sub(r",[\d.]*,(\w*)$", r",,\1", r) for r in HOW[1:])],
     r"obs_value: every obs_value is empty; expected at least one observation"),
    ("duplicate series key", "HOW_TEMP_SEX_ECO_NB_A.csv", [*HOW, HOW[2].replace("45.2", "44")],
     r"row 5, key: observation ref_area=BGD, indicator=HOW_TEMP_SEX_ECO_NB, source=BA:1, "
     r"sex=SEX_F, classif1=ECO_ISIC4_C, time=2010 is given twice"),
    ("activity mixed with ages", "HOW_TEMP_SEX_ECO_NB_A.csv",
     changed(HOW, 3, "ECO_ISIC4_C", "AGE_YTHADULT_YGE15"),
     r"row 4, classif1: classif1 'AGE_YTHADULT_YGE15' is not an economic-activity code, but "
     r"other rows of the column are"),
    ("malformed activity code", "HOW_TEMP_SEX_ECO_NB_A.csv",
     changed(HOW, 2, "ECO_ISIC4_C", "ECO_ISIC4_CX"),
     r"row 3, classif1: classif1 'ECO_ISIC4_CX' is not an ILOSTAT economic-activity code"),
    ("empty sex", "HOW_TEMP_SEX_ECO_NB_A.csv", changed(HOW, 2, "SEX_F", ""),
     r"row 3, sex: sex is empty; expected an ILOSTAT code"),
    ("header only", "HOW_TEMP_SEX_ECO_NB_A.csv", HOW[:1],
     r"row 2: has a header but no data rows"),
]


@pytest.mark.parametrize(("name", "rows", "pattern"), [case[1:] for case in BROKEN],
                         ids=[case[0] for case in BROKEN])
def test_broken_file(tmp_path, name, rows, pattern):
    path = write(tmp_path, name, rows)
    with pytest.raises(InputError, match=re.escape(name) + ", " + pattern):
        ilostat.read_indicator(path)


def test_indicator_other_than_asked_for(tmp_path):
    path = write(tmp_path, "hours.csv", HOW)
    with pytest.raises(InputError, match=r"hours\.csv, row 2, indicator: indicator "
                                         r"'HOW_TEMP_SEX_ECO_NB' disagrees with "
                                         r"HOW_XEES_SEX_ECO_NB, the indicator asked for"):
        ilostat.read_indicator(path, "HOW_XEES_SEX_ECO_NB_A")


def test_impossible_values_set_missing_when_asked(tmp_path, caplog):
    path = write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv", changed(HOW, 2, "45.2", "414"))
    with caplog.at_level(logging.WARNING):
        df = ilostat.read_indicator(path, impossible="missing")
    assert missing(df["value"]) == [False, True, True]
    assert "1 value(s) outside hours per week from 0 to 168 set to missing: rows [3]" in caplog.text


def test_configured_years_drop_rows_and_log_them(tmp_path, caplog):
    path = write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv", changed(HOW, 3, "2011", "1950"))
    with caplog.at_level(logging.INFO):
        df = ilostat.read_indicator(path, years=(1995, 2022))
    assert df["year"].tolist() == [2010, 2010]
    assert "1 row(s) outside the years 1995-2022 dropped" in caplog.text


def test_empty_file(tmp_path):
    path = tmp_path / "HOW_TEMP_SEX_ECO_NB_A.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"HOW_TEMP_SEX_ECO_NB_A\.csv: file is empty"):
        ilostat.read_indicator(path)


def test_latin1_file(tmp_path):
    path = write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv",
                 [f"{HOW_HEADER},note_source", *(r + ",x" for r in HOW[1:2]),
                  HOW[2] + ",Enquête", HOW[3] + ",x"], encoding="latin-1")
    with pytest.raises(InputError, match=r"HOW_TEMP_SEX_ECO_NB_A\.csv, row 3: byte 0xea is not "
                                         r"UTF-8 text"):
        ilostat.read_indicator(path)


def test_truncated_gzip(tmp_path):
    path = write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv.gz", HOW * 200, compress=True)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(InputError, match=r"HOW_TEMP_SEX_ECO_NB_A\.csv\.gz: compressed file is "
                                         r"corrupt or cut short"):
        ilostat.read_indicator(path)


def test_gzip_file_without_gz_suffix_and_columns_in_any_order(tmp_path):
    rows = ["obs_value,time,classif1,sex,indicator,ref_area,note_source",
            '48.1,2010,ECO_ISIC4_C,SEX_T,HOW_TEMP_SEX_ECO_NB,BGD,"R1:3513, S3:8"']
    df = ilostat.read_indicator(write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv", rows,
                                      compress=True))
    assert df.loc[0, "value"] == 48.1 and df.loc[0, "country"] == "BGD"
    assert df["source"].isna().all() and df["source_type"].isna().all()


def test_sdmx_csv_of_another_frequency(tmp_path):
    rows = ["DATAFLOW,REF_AREA,FREQ,TIME_PERIOD,OBS_VALUE",
            "ILO:DF_ILR_TUMT_NOC_RT(1.0),ALB,A,2017,36.8",
            "ILO:DF_ILR_TUMT_NOC_RT(1.0),ARG,Q,2014,27.7"]
    with pytest.raises(InputError, match=r"tumt\.csv, row 3, FREQ: FREQ 'Q'; expected A"):
        ilostat.read_indicator(write(tmp_path, "tumt.csv", rows))


def test_label_unknown_to_the_dictionary(tmp_path, dictionaries):
    rows = ["ref_area.label,indicator.label,sex.label,time,obs_value",
            "Chile,Trade union density rate (%),Sex: Total,2015,15",
            "Peru,Trade union density rate (%),Sex: Everyone,2015,5"]
    with pytest.raises(InputError, match=r"labels\.csv, row 3, sex\.label: sex\.label "
                                         r"'Sex: Everyone' is not a label in the ILOSTAT sex "
                                         r"dictionary"):
        ilostat.read_indicator(write(tmp_path, "labels.csv", rows), dictionaries=dictionaries)


def test_two_other_classifications_and_a_unit_per_currency(tmp_path):
    rows = ["ref_area,indicator,source,sex,classif1,classif2,time,obs_value",
            "CHL,EAR_4MTH_SEX_OCU_CUR_NB,BA:1,SEX_T,OCU_ISCO08_7,CUR_TYPE_LCU,2015,450000",
            "CHL,EAR_4MTH_SEX_OCU_CUR_NB,BA:1,SEX_T,OCU_ISCO08_7,CUR_TYPE_USD,2015,690",
            "CHL,EAR_4MTH_SEX_OCU_CUR_NB,BA:1,SEX_F,OCU_ISCO08_2,CUR_TYPE_USD,2015,1200"]
    df = ilostat.read_indicator(write(tmp_path, "EAR_4MTH_SEX_OCU_CUR_NB_A.csv", rows))
    assert df["activity"].isna().all()
    assert text_of(df["classif_other"]) == ["OCU_ISCO08_7|CUR_TYPE_LCU",
                                            "OCU_ISCO08_7|CUR_TYPE_USD",
                                            "OCU_ISCO08_2|CUR_TYPE_USD"]
    assert text_of(df["unit"]) == ["local currency per month", "US dollars per month",
                                   "US dollars per month"]


def test_sdmx_csv_with_sex_and_activity_dimensions(tmp_path):
    rows = [",DATAFLOW,REF_AREA,FREQ,MEASURE,SEX,ECO,TIME_PERIOD,OBS_VALUE,OBS_STATUS,SOURCE,"
            "country_name",
            "0,ILO:DF_HOW_TEMP_SEX_ECO_NB(1.0),VNM,A,HOW_TEMP_NB,SEX_F,ECO_ISIC4_C,2020,47.5,,"
            "LFS - Labour Force Survey,Viet Nam",
            "1,ILO:DF_HOW_TEMP_SEX_ECO_NB(1.0),VNM,A,HOW_TEMP_NB,SEX_T,ECO_SECTOR_AGR,2020,38,B,"
            "LFS - Labour Force Survey,Viet Nam"]
    df = ilostat.read_indicator(write(tmp_path, "hours_sdmx.csv", rows))
    assert text_of(df["sex"]) == ["SEX_F", "SEX_T"]
    assert text_of(df["activity"]) == ["ECO_ISIC4_C", "ECO_SECTOR_AGR"]
    assert text_of(df["isic_level"]) == ["section", "aggregate"]
    assert text_of(df["source_type"]) == ["BA", "BA"] and text_of(df["obs_status"]) == [None, "B"]
    assert set(df["indicator"]) == {"HOW_TEMP_SEX_ECO_NB"} and set(df["unit"]) == {"hours per week"}


def test_sdmx_csv_without_a_required_column(tmp_path):
    rows = ["DATAFLOW,REF_AREA,FREQ,OBS_VALUE", "ILO:DF_ILR_TUMT_NOC_RT(1.0),ALB,A,36.8"]
    with pytest.raises(InputError, match=r"tumt\.csv, row 1, header: missing column\(s\) "
                                         r"\['TIME_PERIOD'\]; expected SDMX-CSV columns"):
        ilostat.read_indicator(write(tmp_path, "tumt.csv", rows))


def test_file_of_a_byte_order_mark_only(tmp_path):
    path = write(tmp_path, "HOW_TEMP_SEX_ECO_NB_A.csv", [])
    with pytest.raises(InputError, match=r"HOW_TEMP_SEX_ECO_NB_A\.csv: file is empty; expected an "
                                         r"ILOSTAT CSV"):
        ilostat.read_indicator(path)
