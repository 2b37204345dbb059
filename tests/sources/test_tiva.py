"""Tests of the TiVA reader (gvc_upgrading.sources.tiva) and of the SDMX request and probe
helpers (gvc_upgrading.sources.sdmx).

Real files are read in place from shared/data/real/oecd_tiva through the ``real_data`` fixture
(skipped when absent); expected counts and sums are computed here from the same files with the
csv module. Faults are tested on small files written to tmp_path. Rows are file rows: the
header is row 1, the first data row row 2.
"""

import csv
import gzip
import io
from collections import defaultdict

import pandas as pd
import pytest

from conftest import REPO
from gvc_upgrading.config import load_yaml
from gvc_upgrading.errors import InputError
from gvc_upgrading.sources.sdmx import (
    Release,
    data_key,
    data_url,
    latest_release,
    split_requests,
)
from gvc_upgrading.sources.tiva import parse_tiva, read_tiva

LEVELS_NAME = "TIVA2025_MAINLV_VNM_T_C_C26_1995_2022.csv"
SHARES_NAME = "TIVA2025_MAINSH_VNM_T_C_C26_1995_2022.csv"
FVA_NAME = "TIVA2025_MAINSH_EXGR_FVA_C26_27_12econ_2017_2022.csv"
REAL_NAMES = [LEVELS_NAME, SHARES_NAME, FVA_NAME]
KEY = ["measure", "unit", "country", "activity", "counterpart", "year"]


@pytest.fixture(scope="module")
def tiva_folder(real_data):
    return real_data / "oecd_tiva"


def csv_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------------------------
# Real files
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_file_has_one_row_per_record(tiva_folder, name):
    path = tiva_folder / name
    table = read_tiva(path)
    assert len(table) == len(csv_rows(path))
    assert list(table.columns) == KEY[:6] + ["value", "unit_mult", "dataflow"]
    assert table["year"].dtype == "int64" and table["value"].dtype == "float64"
    assert not table.duplicated(KEY).any()


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_sums_per_measure_are_scaled_by_unit_mult(tiva_folder, name):
    path = tiva_folder / name
    expected = defaultdict(float)
    for row in csv_rows(path):
        scaled = float(row["OBS_VALUE"]) * 10 ** int(row["UNIT_MULT"])
        expected[row["MEASURE"], row["UNIT_MEASURE"]] += scaled
    got = read_tiva(path).groupby(["measure", "unit"])["value"].sum()
    assert set(got.index) == set(expected)
    for key, total in expected.items():
        assert got[key] == pytest.approx(total, rel=1e-12)


def test_real_codes_and_dataflows(tiva_folder):
    levels, shares, fva = (read_tiva(tiva_folder / name) for name in REAL_NAMES)
    assert set(levels["unit"]) == {"USD"} and set(levels["unit_mult"]) == {6}
    assert set(levels["activity"]) == {"_T", "C", "C26"}
    assert set(shares["measure"]) == {"EXGR_DVA", "EXGR_FVA"}
    assert set(fva["country"]) == {row["REF_AREA"] for row in csv_rows((tiva_folder / FVA_NAME))}
    assert set(fva["counterpart"]) == {"W"}
    # DATAFLOW column present in the codes-only file; inferred from the unit in the others
    assert set(fva["dataflow"]) == {"DF_MAINSH"}
    assert set(levels["dataflow"]) == {"DF_MAINLV"}
    assert set(shares["dataflow"]) == {"DF_MAINSH"}


def test_real_level_is_in_us_dollars(tiva_folder):
    raw = next(row for row in csv_rows((tiva_folder / LEVELS_NAME)) if (row["MEASURE"], row["ACTIVITY"],
                                                        row["TIME_PERIOD"]) == ("EXGR", "C26",
                                                                                "2022"))
    table = read_tiva((tiva_folder / LEVELS_NAME)).set_index(["measure", "activity", "year"])
    assert table.loc[("EXGR", "C26", 2022), "value"] == pytest.approx(
        float(raw["OBS_VALUE"]) * 1e6)


@pytest.mark.parametrize("name", [SHARES_NAME, FVA_NAME])
def test_real_shares_lie_between_0_and_100(tiva_folder, name):
    path = tiva_folder / name
    values = read_tiva(path)["value"]
    assert values.between(0, 100).all()


def test_real_dva_and_fva_shares_add_to_100(tiva_folder):
    shares = read_tiva((tiva_folder / SHARES_NAME))
    wide = shares.pivot(index=["country", "activity", "year"], columns="measure", values="value")
    assert len(wide) == len(csv_rows((tiva_folder / SHARES_NAME))) // 2
    assert (wide["EXGR_DVA"] + wide["EXGR_FVA"]).sub(100).abs().max() < 1e-9


def test_real_intermediate_and_final_exports_add_to_gross_exports(tiva_folder):
    levels = read_tiva((tiva_folder / LEVELS_NAME))
    wide = levels.pivot(index=["activity", "year"], columns="measure", values="value")
    gap = (wide["EXGR_INT"] + wide["EXGR_FNL"] - wide["EXGR"]).abs()
    assert gap.max() <= 0.0011e6  # SOURCES.md: within 0.001 USD million


def raw_values(path, measures):
    """{(measure, activity, year): OBS_VALUE x 10**UNIT_MULT} of a real file, by the csv
    module."""
    return {(r["MEASURE"], r["ACTIVITY"], int(r["TIME_PERIOD"])):
            float(r["OBS_VALUE"]) * 10 ** int(r["UNIT_MULT"])
            for r in csv_rows(path) if r["MEASURE"] in measures}


def test_real_value_added_does_not_add_up_exactly_and_is_kept_as_published(tiva_folder):
    """SOURCES.md 7b: DVA + FVA differs from gross exports by up to 0.128 USD million in the
    levels file; the reader keeps each value as published (no repair), gap for gap."""
    path = tiva_folder / LEVELS_NAME
    raw = raw_values(path, {"EXGR", "EXGR_DVA", "EXGR_FVA"})
    cells = {(activity, year) for _, activity, year in raw}
    expected = {cell: raw[("EXGR_DVA", *cell)] + raw[("EXGR_FVA", *cell)] - raw[("EXGR", *cell)]
                for cell in cells}
    wide = read_tiva(path).pivot(index=["activity", "year"], columns="measure", values="value")
    gap = wide["EXGR_DVA"] + wide["EXGR_FVA"] - wide["EXGR"]
    assert len(gap) == len(expected) == 84
    for cell, value in expected.items():
        assert gap[cell] == pytest.approx(value, abs=1.0)  # US dollars
    assert max(expected.values()) > 0.1e6  # the largest gap, about 0.128 million
    assert -0.01e6 <= gap.min() and gap.max() <= 0.1285e6


def test_real_shares_match_the_levels_of_the_other_dataflow(tiva_folder):
    """100 x EXGR_DVA / EXGR from the levels flow equals the EXGR_DVA share of the shares flow
    within 0.0006 points (SOURCES.md 7b): the same code, two units."""
    levels = raw_values(tiva_folder / LEVELS_NAME, {"EXGR", "EXGR_DVA"})
    shares = read_tiva(tiva_folder / SHARES_NAME).set_index(["measure", "unit", "activity",
                                                               "year"])["value"]
    cells = [(activity, year) for measure, activity, year in levels if measure == "EXGR"]
    assert len(cells) == 84
    for activity, year in cells:
        derived = 100 * levels[("EXGR_DVA", activity, year)] / levels[("EXGR", activity, year)]
        assert abs(shares[("EXGR_DVA", "PT_EXGR", activity, year)] - derived) < 0.0006


def labelled_text(codes_only_rows):
    """The labelled (csvfilewithlabels) rendering of codes-only rows, built in memory."""
    header = ["STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "MEASURE", "Measure",
              "REF_AREA", "Reference area", "ACTIVITY", "Economic activity", "COUNTERPART_AREA",
              "Counterpart area", "UNIT_MEASURE", "Unit of measure", "FREQ",
              "Frequency of observation", "TIME_PERIOD", "Time period", "OBS_VALUE",
              "Observation value", "UNIT_MULT", "Unit multiplier"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in codes_only_rows:
        writer.writerow(["DATAFLOW", row["DATAFLOW"], "TiVA, shares", "I",
                         row["MEASURE"], "Foreign value added, label", row["REF_AREA"],
                         "Area, with comma", row["ACTIVITY"], "Activity", row["COUNTERPART_AREA"],
                         "World", row["UNIT_MEASURE"], "Percentage", row["FREQ"], "Annual",
                         row["TIME_PERIOD"], row["TIME_PERIOD"], row["OBS_VALUE"], "",
                         row["UNIT_MULT"], "Units"])
    return out.getvalue()


def codes_only_text(labelled_rows):
    """The codes-only rendering of labelled rows, built in memory."""
    header = ["DATAFLOW", "MEASURE", "REF_AREA", "ACTIVITY", "COUNTERPART_AREA", "UNIT_MEASURE",
              "FREQ", "TIME_PERIOD", "OBS_VALUE", "UNIT_MULT"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in labelled_rows:
        writer.writerow(["OECD.STI.PIE:DSD_TIVA_MAINLV@DF_MAINLV(1.1)"]
                        + [row.get(name, "A") for name in header[1:]])
    return out.getvalue()


def test_codes_only_and_labelled_parse_to_equal_tables(tiva_folder):
    codes_only = read_tiva((tiva_folder / FVA_NAME))
    labelled = parse_tiva(labelled_text(csv_rows((tiva_folder / FVA_NAME))), "labelled copy")
    pd.testing.assert_frame_equal(codes_only, labelled)

    labelled_real = read_tiva((tiva_folder / LEVELS_NAME))
    as_codes = parse_tiva(codes_only_text(csv_rows((tiva_folder / LEVELS_NAME))), "codes-only copy")
    pd.testing.assert_frame_equal(labelled_real, as_codes)


def test_line_endings_and_byte_order_mark_do_not_matter(tiva_folder, tmp_path):
    original = (tiva_folder / FVA_NAME).read_bytes()
    assert b"\r\n" in original
    expected = read_tiva((tiva_folder / FVA_NAME))
    for name, data in [("lf.csv", original.replace(b"\r\n", b"\n")),
                       ("bom.csv", b"\xef\xbb\xbf" + original)]:
        path = tmp_path / name
        path.write_bytes(data)
        pd.testing.assert_frame_equal(read_tiva(path), expected)


def test_real_code_lists_pass_when_complete(tiva_folder):
    rows = csv_rows((tiva_folder / FVA_NAME))
    table = read_tiva((tiva_folder / FVA_NAME), activities={r["ACTIVITY"] for r in rows},
                      countries=[r["REF_AREA"] for r in rows])
    assert len(table) == len(rows)


REGISTRY_ENTRIES = {LEVELS_NAME: "tiva_mainlv_2025_1_1", SHARES_NAME: "tiva_mainsh_2025_1_1",
                    FVA_NAME: "tiva_mainsh_2025_1_1"}


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_files_hold_codes_of_the_registered_edition(tiva_folder, name):
    """The 2025 edition's code lists in config/datasets.yaml (activities, economies, measures
    and the unit of each dataflow) admit every code of the real answers: the lists the chains'
    tiva_activity and the retrieve are checked against are those of the files the API sends."""
    sdmx = load_yaml(REPO / "config" / "datasets.yaml")[REGISTRY_ENTRIES[name]]["sdmx"]
    path = tiva_folder / name
    table = read_tiva(path, activities=sdmx["activities"], countries=sdmx["countries"])
    rows = csv_rows(path)
    assert len(table) == len(rows)
    assert {row["MEASURE"] for row in rows} <= set(sdmx["measures"])
    assert {row["UNIT_MEASURE"] for row in rows} == {sdmx["unit"]}
    dataflow = sdmx["dataflow"].split("@")[1]
    assert set(table["dataflow"]) == {dataflow}
    if "DATAFLOW" in rows[0]:  # the codes-only answer names its dataflow on every row
        assert {row["DATAFLOW"] for row in rows} == {f"OECD.STI.PIE:{sdmx['dataflow']}(1.1)"}


def test_one_measure_in_two_units_is_two_keys(tiva_folder):
    """EXGR_DVA is a level (USD) in the levels flow and a share (PT_EXGR) in the shares flow:
    both real files as one answer keep every row, and each unit's values are its file's."""
    levels = csv_rows(tiva_folder / LEVELS_NAME)
    shares = csv_rows(tiva_folder / SHARES_NAME)
    both = parse_tiva(codes_only_text(levels + shares), "both flows")
    assert len(both) == len(levels) + len(shares)
    dva = both[both["measure"] == "EXGR_DVA"].set_index(["unit", "activity", "year"])["value"]
    for row in levels + shares:
        if row["MEASURE"] == "EXGR_DVA":
            scale = 10 ** int(row["UNIT_MULT"])
            key = (row["UNIT_MEASURE"], row["ACTIVITY"], int(row["TIME_PERIOD"]))
            assert dva[key] == pytest.approx(float(row["OBS_VALUE"]) * scale)
    assert set(dva.index.get_level_values("unit")) == {"USD", "PT_EXGR"}
    # the same measure, unit, country, activity and year twice is a repeated key
    repeated = [row for row in shares if row["MEASURE"] == "EXGR_DVA"][:1]
    with pytest.raises(InputError, match=r"key \(EXGR_DVA PT_EXGR VNM .*\) repeats row"):
        parse_tiva(codes_only_text(levels + shares + repeated), "repeated")


# --------------------------------------------------------------------------------------------
# Faults, on small files
# --------------------------------------------------------------------------------------------

HEADER = ("DATAFLOW,MEASURE,REF_AREA,ACTIVITY,COUNTERPART_AREA,UNIT_MEASURE,FREQ,TIME_PERIOD,"
          "OBS_VALUE,UNIT_MULT")
LV = "OECD.STI.PIE:DSD_TIVA_MAINLV@DF_MAINLV(1.1)"
SH = "OECD.STI.PIE:DSD_TIVA_MAINSH@DF_MAINSH(1.1)"
GOOD_LEVEL = f"{LV},EXGR,VNM,C26,W,USD,A,2022,134477.474,6"
GOOD_SHARE = f"{SH},EXGR_DVA,VNM,C26,W,PT_EXGR,A,2022,44.205,0"


def write(tmp_path, *lines, name="tiva.csv", newline="\r\n"):
    path = tmp_path / name
    path.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    return path


def refused(path, **options) -> str:
    with pytest.raises(InputError) as caught:
        read_tiva(path, **options)
    message = str(caught.value)
    assert str(path) in message
    return message


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, data):
    path = tmp_path / "empty.csv"
    path.write_bytes(data)
    assert "is empty" in refused(path)


def test_header_without_rows(tmp_path):
    assert "no data rows" in refused(write(tmp_path, HEADER))


SDMX_ERROR_XML = (
    '<?xml version="1.0" encoding="utf-8"?><message:Error xmlns:message="http://www.sdmx.org/'
    'resources/sdmxml/schemas/v2_1/message" xmlns:common="http://www.sdmx.org/resources/sdmxml/'
    'schemas/v2_1/common"><message:ErrorMessage code="100"><common:Text xml:lang="en">No '
    "Results Found</common:Text></message:ErrorMessage></message:Error>")


@pytest.mark.parametrize("body, shown", [
    (SDMX_ERROR_XML, "No Results Found"),
    ('{"errors": [{"code": 404, "message": "NoRecordsFound"}]}', "NoRecordsFound"),
    ("NoRecordsFound", "NoRecordsFound"),
    ("Semantic Error - dimension MEASURE, code EXGR_X not found", "Semantic Error"),
    ("Could not find Dataflow and/or DSD related with this data request",
     "Could not find Dataflow"),
    ("<html><head><title>503 Service Unavailable</title></head></html>", "503"),
])
def test_error_body_instead_of_data(tmp_path, body, shown):
    message = refused(write(tmp_path, body))
    assert "error" in message and shown in message


def test_text_that_is_not_csv(tmp_path):
    message = refused(write(tmp_path, "hello world", "second line"))
    assert "does not start with an SDMX-CSV header" in message and "header" in message


def test_semicolon_file_gets_a_hint(tmp_path):
    assert "semicolon" in refused(write(tmp_path, HEADER.replace(",", ";")))


def test_missing_column_in_codes_only_file(tmp_path):
    path = write(tmp_path, HEADER.replace(",OBS_VALUE", ""),
                 GOOD_LEVEL.replace(",134477.474", ""))
    message = refused(path)
    assert "OBS_VALUE" in message and "codes-only" in message


def test_missing_column_in_labelled_file(tmp_path):
    header = ("MEASURE,Measure,REF_AREA,Reference area,ACTIVITY,Economic activity,"
              "COUNTERPART_AREA,Counterpart area,Unit of measure,TIME_PERIOD,OBS_VALUE,UNIT_MULT")
    row = 'EXGR,Gross exports,VNM,Viet Nam,C26,"Computers, electronics",W,World,USD,2022,1.5,6'
    message = refused(write(tmp_path, header, row))
    assert "UNIT_MEASURE" in message and "labelled" in message


def test_row_with_too_few_fields(tmp_path):
    path = write(tmp_path, HEADER, GOOD_LEVEL, f"{LV},EXGR,VNM,C,W,USD,A,2022,1.0")
    message = refused(path)
    assert "row 3" in message and "9 fields" in message


def test_blank_line_between_rows(tmp_path):
    message = refused(write(tmp_path, HEADER, GOOD_LEVEL, "", GOOD_SHARE))
    assert "row 3" in message and "blank" in message


# (file lines after the header, file row of the fault (header = row 1), column, phrase)
FAULTS = {
    "unit missing": ([GOOD_SHARE, f"{LV},EXGR_DVA,VNM,C26,W,,A,2022,59445.778,6"],
                     3, "UNIT_MEASURE", "EXGR_DVA has no unit"),
    "level without UNIT_MULT": ([f"{LV},EXGR,VNM,C26,W,USD,A,2021,1.0,", GOOD_LEVEL],
                                2, "UNIT_MULT", "no UNIT_MULT"),
    "UNIT_MULT not whole": ([GOOD_SHARE, f"{LV},EXGR,VNM,C26,W,USD,A,2022,1.0,six"],
                            3, "UNIT_MULT", "'six'"),
    "share above 100": ([GOOD_LEVEL, f"{SH},EXGR_FVA,VNM,C26,W,PT_EXGR,A,2021,100.5,0"],
                        3, "OBS_VALUE", "above 100"),
    "share below 0": ([f"{SH},EXGR_FVA,VNM,C26,W,PT_EXGR,A,2021,-0.5,0"],
                      2, "OBS_VALUE", "negative"),
    "negative export level": ([GOOD_SHARE, GOOD_LEVEL, f"{LV},EXGR,VNM,C,W,USD,A,2022,-3,6"],
                              4, "OBS_VALUE", "EXGR VNM C 2022"),
    "negative DVA level": ([f"{LV},EXGR_DVA,VNM,C,W,USD,A,2022,-0.01,6"],
                           2, "OBS_VALUE", "negative"),
    "value not a number": ([GOOD_LEVEL, f'{LV},EXGR,VNM,C,W,USD,A,2022,"1,5",6'],
                           3, "OBS_VALUE", "'1,5' is not a number"),
    "value text": ([f"{LV},EXGR,VNM,C,W,USD,A,2022,n/a,6"], 2, "OBS_VALUE", "'n/a'"),
    "two-digit year": ([GOOD_LEVEL, f"{LV},EXGR,VNM,C,W,USD,A,95,1,6"],
                       3, "TIME_PERIOD", "'95' is not a four-digit year"),
    "quarter": ([f"{LV},EXGR,VNM,C,W,USD,A,2020-Q1,1,6"], 2, "TIME_PERIOD", "2020-Q1"),
    "five digits": ([f"{LV},EXGR,VNM,C,W,USD,A,20201,1,6"], 2, "TIME_PERIOD", "20201"),
    "empty code": ([f"{LV},EXGR,VNM,,W,USD,A,2020,1,6"], 2, "ACTIVITY", "ACTIVITY is empty"),
    "repeated key": ([GOOD_LEVEL, GOOD_SHARE, GOOD_LEVEL.replace("134477.474", "1")],
                     4, "TIME_PERIOD", "repeats row 2"),
}


@pytest.mark.parametrize("lines, row, column, phrase", FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_fault_names_file_row_and_column(tmp_path, lines, row, column, phrase, newline):
    message = refused(write(tmp_path, HEADER, *lines, newline=newline))
    assert f"row {row}," in message and column in message and phrase in message


def test_unknown_activity_is_named(tmp_path):
    path = write(tmp_path, HEADER, GOOD_LEVEL, f"{LV},EXGR,VNM,D26,W,USD,A,2022,1,6")
    message = refused(path, activities=["C26", "C", "_T"])
    assert "row 3" in message and "ACTIVITY" in message and "'D26'" in message


def test_unknown_country_is_named(tmp_path):
    path = write(tmp_path, HEADER, GOOD_LEVEL, f"{LV},EXGR,WLD,C26,W,USD,A,2022,1,6")
    message = refused(path, countries=("VNM", "NA"))
    assert "row 3" in message and "REF_AREA" in message and "'WLD'" in message


# --------------------------------------------------------------------------------------------
# Accepted edge cases
# --------------------------------------------------------------------------------------------

def test_namibia_code_and_empty_value_are_kept(tmp_path):
    path = write(tmp_path, HEADER, f"{LV},EXGR,NA,C26,W,USD,A,2022,,6",
                 f"{SH},EXGR_DVA,NA,C26,W,PT_EXGR,A,2022,NaN,", newline="\n")
    table = read_tiva(path, countries=["NA"])
    assert list(table["country"]) == ["NA", "NA"]
    assert table["value"].isna().all()
    assert list(table["unit_mult"]) == [6, 0]


def test_trade_balance_level_may_be_negative(tmp_path):
    path = write(tmp_path, HEADER, f"{LV},BALGR,VNM,C26,W,USD,A,2022,-12.5,6")
    assert read_tiva(path)["value"].iloc[0] == -12.5e6


def test_dataflow_is_inferred_from_unit_without_dataflow_column(tmp_path):
    header = ("MEASURE,REF_AREA,ACTIVITY,COUNTERPART_AREA,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,"
              "UNIT_MULT")
    path = write(tmp_path, header, "EXGR,VNM,C26,W,USD,2022,2,3",
                 "EXGR_DVA,VNM,C26,W,PT_EXGR,2022,40,0", "PROD,VNM,C26,W,IX,2022,3,0")
    table = read_tiva(path).set_index("measure")
    assert table.loc["EXGR", "dataflow"] == "DF_MAINLV"
    assert table.loc["EXGR", "value"] == 2000.0
    assert table.loc["EXGR_DVA", "dataflow"] == "DF_MAINSH"
    assert table.loc["PROD", "dataflow"] == ""


def test_gzip_file_is_read(tmp_path):
    path = tmp_path / "tiva.csv.gz"
    path.write_bytes(gzip.compress(f"{HEADER}\n{GOOD_LEVEL}\n".encode()))
    assert read_tiva(path)["value"].iloc[0] == pytest.approx(134477.474e6)


# --------------------------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------------------------

BASE = "https://sdmx.oecd.org/sti-public/rest"
MAINSH_FLOW = f"{BASE}/data/OECD.STI.PIE,DSD_TIVA_MAINSH@DF_MAINSH,1.1"
MAINLV_FLOW = f"{BASE}/data/OECD.STI.PIE,DSD_TIVA_MAINLV@DF_MAINLV,1.1"
FVA_COUNTRIES = ["MYS", "VNM", "SGP", "THA", "IND", "IDN", "PHL", "JPN", "KOR", "MEX", "DEU",
                 "NLD"]


def test_url_reproduces_the_recorded_request_of_the_fva_file():
    """SOURCES.md 7a: the request whose answer is the hash-verified FVA file."""
    flow = "https://sdmx.oecd.org/sti-public/rest/v1/data/OECD.STI.PIE,DSD_TIVA_MAINSH@DF_MAINSH,1.1"
    url = data_url(flow, data_key(["EXGR_FVA"], FVA_COUNTRIES, ["C26_27"], "W", "PT_EXGR", "A"),
                   2017, 2022)
    assert url == ("https://sdmx.oecd.org/sti-public/rest/v1/data/OECD.STI.PIE,"
                   "DSD_TIVA_MAINSH@DF_MAINSH,1.1/EXGR_FVA.MYS+VNM+SGP+THA+IND+IDN+PHL+JPN+KOR+"
                   "MEX+DEU+NLD.C26_27.W.PT_EXGR.A?startPeriod=2017&endPeriod=2022&"
                   "dimensionAtObservation=AllDimensions")


def test_url_reproduces_the_key_of_the_labelled_files():
    """SOURCES.md 7b: the key of the request behind the Viet Nam files."""
    key = data_key(["EXGR", "EXGR_INT", "EXGR_FNL", "EXGR_DVA", "EXGR_FVA", "VALU"], "VNM",
                   ["_T", "C", "C26"], "W", "", "A")
    url = data_url(MAINLV_FLOW + "/", key, file_format="csvfilewithlabels")
    assert url.startswith(
        "https://sdmx.oecd.org/sti-public/rest/data/OECD.STI.PIE,DSD_TIVA_MAINLV@DF_MAINLV,1.1/"
        "EXGR+EXGR_INT+EXGR_FNL+EXGR_DVA+EXGR_FVA+VALU.VNM._T+C+C26.W..A?")
    assert url.endswith("format=csvfilewithlabels") and "startPeriod" not in url


@pytest.mark.parametrize("bad", ["VN M", "VNM+CHN", "VNM.CHN", "VNM&x=1"])
def test_url_refuses_text_that_is_not_a_code(bad):
    with pytest.raises(ValueError):
        data_key(["EXGR"], [bad], ["C26"])


def many_countries(count):
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [f"X{letters[i // 26]}{letters[i % 26]}" for i in range(count)]


@pytest.mark.parametrize("max_length", [250, 400, 1000])
def test_split_keeps_urls_short_and_covers_every_country_once(max_length):
    countries = many_countries(300) + ["XAA", "XAB"]  # two repeats
    requests = split_requests(MAINLV_FLOW, [["EXGR", "EXGR_DVA"]], countries,
                              [["C26", "_T"], "W", "", "A"], 1995, 2022, max_length=max_length)
    assert len(requests) > 1
    assert all(len(url) <= max_length for _, url in requests)
    requested = []
    for group, url in requests:
        key = url.split("/")[-1].split("?")[0]
        measures, country_part, activities, counterpart, unit, freq = key.split(".")
        assert (measures, activities, counterpart, unit, freq) == ("EXGR+EXGR_DVA", "C26+_T",
                                                                   "W", "", "A")
        assert country_part.split("+") == group
        requested += group
    assert sorted(requested) == sorted(set(countries))


def test_split_returns_one_url_when_it_fits():
    requests = split_requests(MAINSH_FLOW, [["EXGR_FVA"]], FVA_COUNTRIES, [["C26_27"]])
    assert requests == [(FVA_COUNTRIES, data_url(
        MAINSH_FLOW, data_key(["EXGR_FVA"], FVA_COUNTRIES, ["C26_27"])))]


def test_split_refuses_a_limit_no_country_fits():
    with pytest.raises(ValueError, match="max_length"):
        split_requests(MAINLV_FLOW, [["EXGR"]], ["VNM"], [["C26"]], max_length=50)


# --------------------------------------------------------------------------------------------
# Release probe
# --------------------------------------------------------------------------------------------

def structure(*flows):
    body = "".join(
        f'<structure:Dataflow id="{flow_id}" agencyID="{agency}" version="{version}" '
        f'isFinal="true"><common:Name xml:lang="fr">Échanges en valeur ajoutée</common:Name>'
        f'<common:Name xml:lang="en">{name}</common:Name><structure:Structure>'
        f'<Ref id="DSD" version="{version}" agencyID="{agency}" package="datastructure" '
        f'class="DataStructure"/></structure:Structure></structure:Dataflow>'
        for flow_id, agency, version, name in flows)
    return ('<?xml version="1.0" encoding="utf-8"?>\r\n<message:Structure '
            'xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
            'xmlns:structure="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" '
            'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
            '<message:Header><message:ID>IREF1</message:ID></message:Header>'
            f"<message:Structures><structure:Dataflows>{body}</structure:Dataflows>"
            "</message:Structures></message:Structure>")


AGENCY = "OECD.STI.PIE"
MAINLV = "DSD_TIVA_MAINLV@DF_MAINLV"
MAINSH = "DSD_TIVA_MAINSH@DF_MAINSH"
NAME_2025 = "Trade in Value Added (TiVA) 2025 edition: Principal indicators"
NAME_2023 = "Trade in Value Added (TiVA) 2023 edition: Principal indicators"


def test_probe_finds_the_newest_edition_and_version():
    text = structure((MAINLV, AGENCY, "1.0", NAME_2023), (MAINLV, AGENCY, "1.1", NAME_2025),
                     (MAINLV, AGENCY, "1.0.9", NAME_2025),
                     (MAINLV, "OECD.OTHER", "9.9", "TiVA 2030 edition"),
                     (MAINSH, AGENCY, "2.0", "TiVA 2026 edition"))
    release = latest_release(text, MAINLV, AGENCY)
    assert release == Release(MAINLV, "1.1", 2025, NAME_2025)
    assert release.tag == "2025-1.1"
    assert latest_release(text, MAINSH, AGENCY).tag == "2026-2.0"


def test_probe_reads_sdmx_json():
    text = ('{"data": {"dataflows": [{"id": "DSD_TIVA_MAINLV@DF_MAINLV", "agencyID": '
            '"OECD.STI.PIE", "version": "1.1", "names": {"en": "' + NAME_2025 + '"}}]}}')
    assert latest_release(text, MAINLV, AGENCY).version == "1.1"


def test_probe_refuses_a_response_without_the_dataflow():
    text = structure((MAINSH, AGENCY, "1.1", NAME_2025))
    with pytest.raises(InputError, match="lists no dataflow DSD_TIVA_MAINLV@DF_MAINLV"):
        latest_release(text, MAINLV, AGENCY)


def test_probe_refuses_a_name_without_edition_year():
    text = structure((MAINLV, AGENCY, "1.1", "Trade in Value Added: indicators"))
    with pytest.raises(InputError, match="no edition year"):
        latest_release(text, MAINLV, AGENCY)


SERVER_ERROR_XML = (
    '<message:Error xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">'
    '<message:ErrorMessage code="500"><message:Text>Server error</message:Text>'
    "</message:ErrorMessage></message:Error>")


@pytest.mark.parametrize("text, phrase", [
    (SERVER_ERROR_XML, "Server error"),
    ("<not xml", "not well-formed XML"),
    ("", "is empty"),
    ('{"errors": [{"message": "Could not find Dataflow"}]}', "Could not find Dataflow"),
])
def test_probe_refuses_errors(text, phrase):
    with pytest.raises(InputError, match=phrase):
        latest_release(text, MAINLV, AGENCY, source="probe.xml")
