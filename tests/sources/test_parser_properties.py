"""Property tests of the readers and of indicator arithmetic they feed.

Readers: generated valid rows, written in each source's real layout (with its quirks: BACI codes
without their leading zero and space-padded quantities, INDSTAT's ``...`` and padded fields,
ILOSTAT's byte-order mark, WDI's metadata lines and trailing commas), read back unchanged.
Arithmetic (beyond tests/test_indicators_properties.py): the bounds that unit values and relative
unit values obey for any flows, and CPI rebasing through the WDI reader.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gvc_upgrading.analysis.indicators import trade_indicators
from gvc_upgrading.errors import InputError, parse_numbers
from gvc_upgrading.harmonise.prices import harmonise_prices
from gvc_upgrading.sources import baci, ilostat, indstat, wdi

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)
padding = st.sampled_from(["", " ", "  "])


@settings(max_examples=60, deadline=None)
@given(values=st.lists(finite, min_size=1, max_size=30), first_row=st.integers(1, 5),
       bad=st.data())
def test_parse_numbers_round_trips_and_names_the_bad_row(values, first_row, bad) -> None:
    text = pd.Series([repr(v) for v in values], dtype="string")
    assert parse_numbers(text, "f.csv", "x").tolist() == values
    position = bad.draw(st.integers(0, len(values) - 1))
    token = bad.draw(st.sampled_from(["n/a", "1,5", "NaN", "--", "12a"]))
    text.iloc[position] = token
    with pytest.raises(InputError) as info:
        parse_numbers(text, "f.csv", "x", first_row=first_row)
    assert info.value.row == position + first_row and token in str(info.value)


# --- UNIDO INDSTAT2 ---------------------------------------------------------------------------

indstat_records = st.lists(
    st.tuples(st.sampled_from(["04", "05", "20"]), st.sampled_from(["4", "50", "356", "840"]),
              st.integers(1963, 2023), st.sampled_from(["15", "18", "34"]),
              st.one_of(st.none(), amounts), st.sampled_from(["#", "$", "LCU"]), padding),
    min_size=1, max_size=25, unique_by=lambda r: r[:4])


@SETTINGS
@given(records=indstat_records)
def test_indstat_rows_read_back_unchanged(records, tmp_path) -> None:
    rows = [",".join([ctable.lstrip("0"), f"{pad}{country}", str(year), isic, isic,
                      "..." if value is None else f"{pad}{value!r}", "01", "1", "2023-06-30",
                      unit])
            for ctable, country, year, isic, value, unit, pad in records]
    path = tmp_path / "indstat.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    if all(record[4] is None for record in records):  # a file of '...' only holds nothing
        with pytest.raises(InputError, match=r"value: every value is empty"):
            indstat.read_indstat2(path)
        return
    df = indstat.read_indstat2(path)
    assert df["ctable"].tolist() == [r[0] for r in records]
    assert df["country"].tolist() == [r[1].zfill(3) for r in records]
    assert df["year"].tolist() == [r[2] for r in records]
    assert df["value"].tolist() == pytest.approx([np.nan if r[4] is None else r[4] for r in records],
                                                 rel=0, abs=0, nan_ok=True)
    assert df["unit"].tolist() == [r[5] for r in records]


# --- ILOSTAT bulk CSV -------------------------------------------------------------------------

ilostat_rows = st.lists(
    st.tuples(st.sampled_from(["BGD", "KHM", "NAM", "X01"]), st.sampled_from(["BA:1", "BB:7"]),
              st.sampled_from(["EC2_ISIC3_D18", "EC2_ISIC4_C14", "EC2_ISIC4_A01"]),
              st.integers(1990, 2023), st.one_of(st.none(), st.floats(0, 8e6))),
    min_size=1, max_size=25, unique_by=lambda r: r[:4])


@SETTINGS
@given(rows=ilostat_rows, compress=st.booleans())
def test_ilostat_rows_read_back_unchanged(rows, compress, tmp_path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["ref_area", "indicator", "source", "classif1", "classif2", "time",
                     "obs_value", "obs_status", "note_source"])
    for area, source, activity, year, value in rows:
        writer.writerow([area, "EMP_TEMP_AGE_EC2_NB", source, "AGE_YTHADULT_YGE15", activity,
                         year, "" if value is None else repr(value), "", "R1:3513, S3:8"])
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    path = tmp_path / ("emp.csv.gz" if compress else "emp.csv")
    path.write_bytes(gzip.compress(data) if compress else data)
    if all(row[4] is None for row in rows):  # a file of empty values only holds nothing
        with pytest.raises(InputError, match=r"obs_value: every obs_value is empty"):
            ilostat.read_indicator(path, impossible="missing")
        return
    df = ilostat.read_indicator(path, impossible="missing")
    assert df["country"].astype(str).tolist() == [r[0] for r in rows]  # "NAM", "NA" stay text
    assert df["activity"].astype(str).tolist() == [r[2] for r in rows]
    assert df["year"].tolist() == [r[3] for r in rows]
    assert df["value"].tolist() == pytest.approx(
        [np.nan if r[4] is None else r[4] for r in rows], rel=0, abs=0, nan_ok=True)


# --- CEPII BACI -------------------------------------------------------------------------------

baci_flows = st.lists(
    st.tuples(st.sampled_from(["4", "251", "699", "842"]), st.sampled_from(["8", "156", "490"]),
              st.sampled_from(["010121", "070200", "610910", "870323"]),
              st.floats(1e-3, 1e9), st.one_of(st.none(), st.floats(0, 1e9))),
    min_size=1, max_size=40, unique_by=lambda f: f[:3])


@SETTINGS
@given(flows=baci_flows)
def test_baci_flows_read_back_unchanged(flows, tmp_path) -> None:
    rows = ['"t","i","j","k","v","q"'] + [
        f'2019,{i},{j},{k.lstrip("0")},{v!r},"{"NA" if q is None else repr(q):>13}"'
        for i, j, k, v, q in flows]
    products = ["code,description"] + [f"{code.lstrip('0')},x"
                                       for code in ("010121", "070200", "610910", "870323")]
    path = tmp_path / "BACI_HS92_V202401.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("BACI_HS92_Y2019_V202401.csv", "\r\n".join(rows) + "\r\n")
        archive.writestr("product_codes_HS92_V202401.csv", "\r\n".join(products) + "\r\n")
    table = baci.read_year(path, 2019).to_pydict()
    assert table["t"] == [2019] * len(flows)
    assert list(zip(table["i"], table["j"], table["k"])) == [f[:3] for f in flows]
    assert table["v"] == [f[3] for f in flows]
    assert table["q"] == [f[4] for f in flows]


# --- World Bank WDI bulk CSV and CPI rebasing --------------------------------------------------

WDI_YEARS = [str(year) for year in range(2008, 2013)]
positive = st.floats(min_value=1e-6, max_value=1e6)
wdi_panel = st.dictionaries(st.sampled_from(["BGD", "KHM", "VNM", "ZAF"]),
                            st.lists(positive, min_size=len(WDI_YEARS), max_size=len(WDI_YEARS)),
                            min_size=1)


def wdi_text(code: str, panel: dict[str, list[float]], gaps: set[tuple[str, str]]) -> str:
    def line(fields):
        return ",".join(f'"{f}"' for f in fields) + ","
    rows = ['\ufeff"Data Source","World Development Indicators",', "",
            '"Last Updated Date","2024-11-13",', "",
            line(["Country Name", "Country Code", "Indicator Name", "Indicator Code", *WDI_YEARS])]
    rows += [line([country, country, code, code,
                   *("" if (country, year) in gaps else repr(value)
                     for year, value in zip(WDI_YEARS, values))])
             for country, values in panel.items()]
    return "\n".join(rows) + "\n"


@SETTINGS
@given(panel=wdi_panel, gaps=st.sets(st.tuples(st.sampled_from(["BGD", "KHM", "VNM", "ZAF"]),
                                               st.sampled_from(WDI_YEARS[1:]))))
def test_wdi_bulk_reads_back_and_cpi_rebases_to_100(panel, gaps, tmp_path) -> None:
    paths = {}
    for code in ("FP.CPI.TOTL", "PA.NUS.FCRF"):
        paths[code] = tmp_path / f"API_{code}_DS2_en_csv_v2_1.csv"
        paths[code].write_text(wdi_text(code, panel, gaps), encoding="utf-8")
        meta = ['"Country Code","Region",'] + [f'"{c}","Somewhere",' for c in panel]
        (tmp_path / f"Metadata_Country_{paths[code].name}").write_text("\n".join(meta) + "\n")
    long = wdi.read_wdi_bulk(paths["FP.CPI.TOTL"])
    expected = {(c, int(y)): v for c, values in panel.items() for y, v in zip(WDI_YEARS, values)
                if (c, y) not in gaps}
    assert dict(zip(zip(long["country_code"], long["year"]), long["value"])) == expected

    prices = harmonise_prices(paths["FP.CPI.TOTL"], paths["PA.NUS.FCRF"], 2008).set_index(
        ["country", "year"])
    base = prices.xs(2008, level="year")["cpi_rebased"]
    assert base.to_numpy() == pytest.approx(100.0, rel=1e-12)
    ratio = (prices["cpi_rebased"] / prices["cpi"]).groupby(level="country")
    assert (ratio.max() - ratio.min() <= 1e-9 * ratio.max()).all()  # one factor per country


# --- indicator arithmetic ----------------------------------------------------------------------

line_flows = st.lists(
    st.tuples(st.sampled_from(["AAA", "BBB", "CCC"]), st.sampled_from(["610910", "620342"]),
              st.floats(1e-2, 1e6), st.one_of(st.none(), st.just(0.0), st.floats(1e-2, 1e6))),
    min_size=1, max_size=30)


def flows_frame(lines) -> pd.DataFrame:
    return pd.DataFrame({"year": 2010, "exporter": [f[0] for f in lines],
                         "hs6": [f[1] for f in lines], "value_usd": [f[2] for f in lines],
                         "quantity_kg": [np.nan if f[3] is None else f[3] for f in lines]})


@settings(max_examples=60, deadline=None)
@given(lines=line_flows)
def test_unit_value_lies_between_the_unit_values_of_its_lines(lines) -> None:
    flows = flows_frame(lines)
    result = trade_indicators(flows).set_index("country")
    priced = flows[flows["quantity_kg"] > 0]
    bounds = (priced["value_usd"] / priced["quantity_kg"]).groupby(priced["exporter"]).agg(
        ["min", "max"])
    for country, row in result.iterrows():
        assert 0 <= row["unit_value_coverage"] <= 1 + 1e-12
        if country in bounds.index:
            low, high = bounds.loc[country]
            assert low * (1 - 1e-12) <= row["unit_value_usd_per_kg"] <= high * (1 + 1e-12)
        else:  # no line with a quantity: no unit value, and coverage zero
            assert np.isnan(row["unit_value_usd_per_kg"]) and row["unit_value_coverage"] == 0


@settings(max_examples=60, deadline=None)
@given(lines=line_flows)
def test_relative_unit_values_average_to_one_over_the_world_of_one_product(lines) -> None:
    flows = flows_frame([(e, "610910", v, q) for e, _, v, q in lines])
    result = trade_indicators(flows)
    priced = result.dropna(subset=["relative_unit_value"])
    if priced.empty:
        return
    weights = priced["export_quantity_kg"]
    mean = (weights * priced["relative_unit_value"]).sum() / weights.sum()
    assert mean == pytest.approx(1.0, rel=1e-9)
