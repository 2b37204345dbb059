"""BACI years streamed from the release zip to Parquet, and value-chain aggregation one file at a
time: same results as the in-memory path, checks that hold across batch boundaries, bounded work."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
import time
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from workflow_helpers import zip_bytes

from conftest import REPO
from gvc_upgrading.analysis.indicators import (
    chain_flows,
    trade_indicators,
    trade_indicators_by_chain,
)
from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.accounting import balance_problems, ledger_frame
from gvc_upgrading.harmonise.schema import TRADE, SchemaError, write_checked_batches
from gvc_upgrading.harmonise.trade import harmonise_trade_year, write_trade_year
from gvc_upgrading.io import prefetch, read_metadata, write_batches
from gvc_upgrading.sources import archives, baci

sys.path.insert(0, str(REPO / "benchmarks"))
from make_baci_release import write_release  # noqa: E402

HEADER = '"t","i","j","k","v","q"'
COUNTRIES = "country_code,country_name,country_iso2,country_iso3\n4,Afghanistan,AF,AFG\n" \
            "251,France,FR,FRA\n699,India,IN,IND\n842,United States,US,USA\n"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A generated BACI-format release: two years of 40,000 flows, sorted as BACI writes them."""
    return write_release(tmp_path_factory.mktemp("release"), [2020, 2021], rows=40_000, seed=7)


def _zip(path, flows: list[str], products: list[str] | None = None, year: int = 2020):
    members = {f"BACI_HS92_Y{year}_V202401.csv": "\n".join([HEADER, *flows]) + "\n",
               "country_codes_V202401.csv": COUNTRIES}
    if products is not None:
        members["product_codes_HS92_V202401.csv"] = ("code,description\n"
                                                     + "".join(f"{k},x\n" for k in products))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zip_bytes(members))
    return path


def test_streamed_year_equals_the_in_memory_path(release, tmp_path):
    ledgers_memory, ledgers_stream = [], []
    expected = harmonise_trade_year(release, 2021, ledgers=ledgers_memory)
    rows = write_trade_year(release, 2021, tmp_path / "trade.parquet", ledgers=ledgers_stream,
                            metadata={"year": 2021})
    written = pq.read_table(tmp_path / "trade.parquet")
    assert rows == written.num_rows == expected.num_rows == 40_000
    assert written.schema.remove_metadata().equals(TRADE.arrow_schema())
    assert written.equals(expected.cast(written.schema))
    pd.testing.assert_frame_equal(ledger_frame(ledgers_stream), ledger_frame(ledgers_memory))
    assert balance_problems(ledger_frame(ledgers_stream)) == []
    meta = read_metadata(tmp_path / "trade.parquet")
    assert meta["schema"] == TRADE.name and meta["year"] == 2021 and "unique_key" in meta


def test_small_row_groups_are_gathered(release, tmp_path):
    """Batches of a few thousand flows still give row groups of the requested size."""
    path = tmp_path / "trade.parquet"
    tables = (pa.Table.from_batches([b]) for b in harmonise_trade_year(release, 2020).to_batches(
        max_chunksize=3_000))
    write_batches(tables, path, TRADE.arrow_schema(), row_group_rows=16_384)
    sizes = [pq.ParquetFile(path).metadata.row_group(i).num_rows
             for i in range(pq.ParquetFile(path).metadata.num_row_groups)]
    assert sum(sizes) == 40_000 and max(sizes) == 16_384 and len(sizes) == 3


def test_tiny_blocks_give_the_same_flows(release):
    """Many batches (2 KB of CSV each) read the same table as one."""
    many = baci.read_year(release, 2020, block_size=2048)
    assert many.num_rows == 40_000
    assert many.equals(baci.read_year(release, 2020))


def test_errors_name_the_file_row_beyond_the_first_batch(tmp_path):
    flows = [f"2020,4,251,{610000 + n},1.5,\"  2.0\"" for n in range(3000)]
    flows[2500] = '2020,4,251,612500,-7,"  2.0"'
    path = _zip(tmp_path / "BACI_HS92_V202401.zip", flows)
    with pytest.raises(InputError, match=r"row 2502, v: v -7 is negative"):
        baci.read_year(path, 2020, block_size=1024)


@pytest.mark.parametrize("block_size", [1024, 1 << 22])
def test_a_duplicate_is_found_across_batches_in_a_sorted_file(tmp_path, block_size):
    flows = [f"2020,4,251,{610000 + n},1.5,\"  2.0\"" for n in range(3000)]
    flows.insert(2000, flows[1999])
    path = _zip(tmp_path / "BACI_HS92_V202401.zip", flows)
    with pytest.raises(InputError, match=r"row 2002, i,j,k: flow 4 -> 251 of product 611999 is "
                                         r"listed twice"):
        baci.read_year(path, 2020, block_size=block_size)


def test_a_duplicate_is_found_in_an_unsorted_file(tmp_path):
    rng = np.random.default_rng(3)
    flows = [f"2020,{i},{j},{610000 + n},1.5,\"  2.0\"" for i, j in ((842, 4), (4, 251))
             for n in range(1500)]
    flows = [flows[p] for p in rng.permutation(len(flows))]
    unsorted = _zip(tmp_path / "BACI_HS92_V202401.zip", flows)
    assert baci.read_year(unsorted, 2020, block_size=1024).num_rows == 3000
    flows.append(flows[10])
    with_duplicate = _zip(tmp_path / "dup" / "BACI_HS92_V202401.zip", flows)
    i, j, k = flows[10].split(",")[1:4]
    with pytest.raises(InputError, match=rf"row 3002, i,j,k: flow {i} -> {j} of product {k} is "
                                         "listed twice"):
        baci.read_year(with_duplicate, 2020, block_size=1024)


def test_codes_that_are_not_numbers_are_still_checked_for_duplicates(tmp_path):
    """Without a product list any product code passes the reader; duplicates are still found
    when a code cannot be packed into the numeric key (here in the second batch)."""
    flows = [f"2020,4,251,{610000 + n},1.5,\"  2.0\"" for n in range(300)]
    flows += ['2020,4,251,61X000,1.5,"2"', '2020,4,251,61X000,3,"1"']
    path = _zip(tmp_path / "BACI_HS92_V202401.zip", flows)
    with pytest.raises(InputError, match=r"row 303, i,j,k: flow 4 -> 251 of product 61X000 is "
                                         "listed twice"):
        baci.read_year(path, 2020, block_size=1024)


def test_two_codes_of_one_country_in_a_year_are_refused(tmp_path):
    path = tmp_path / "BACI_HS92_V202401.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("BACI_HS92_Y2020_V202401.csv",
                    f'{HEADER}\n2020,4,251,610910,1,"1"\n2020,4,250,610910,1,"1"\n')
        zf.writestr("country_codes_V202401.csv", COUNTRIES + "250,France,FR,FRA\n")
    with pytest.raises(InputError, match=r"BACI country codes 250 and 251 both stand for FRA"):
        write_trade_year(path, 2020, tmp_path / "out" / "trade.parquet")
    assert not (tmp_path / "out" / "trade.parquet").exists()


def test_a_failed_stream_leaves_no_file_and_keeps_the_last_good_one(tmp_path):
    good = _zip(tmp_path / "good" / "BACI_HS92_V202401.zip",
                [f"2020,4,251,{610000 + n},1.5,\"  2.0\"" for n in range(3000)])
    target = tmp_path / "trade.parquet"
    write_trade_year(good, 2020, target)
    before = target.read_bytes()
    flows = [f"2020,4,251,{610000 + n},1.5,\"  2.0\"" for n in range(3000)]
    flows[2900] = '2020,4,251,612900,1.5,"  -2.0"'  # after several batches were written
    bad = _zip(tmp_path / "BACI_HS92_V202401.zip", flows)
    with pytest.raises(InputError, match="row 2902, q"):
        write_trade_year(bad, 2020, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_prefetch_hands_on_items_errors_and_stops_its_thread():
    assert list(prefetch(iter(range(10)))) == list(range(10))

    def failing():
        yield 1
        raise ValueError("producer broke")

    with pytest.raises(ValueError, match="producer broke"):
        list(prefetch(failing()))
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    threads = threading.active_count()
    items = prefetch(endless(), depth=2)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()
    time.sleep(0.3)
    assert threading.active_count() == threads
    assert len(produced) <= 3 + 2 + 1  # at most the queue's depth ahead


def test_aggregation_by_file_equals_the_whole_table(release, tmp_path):
    paths = []
    for year in (2020, 2021):
        paths.append(tmp_path / f"trade_{year}.parquet")
        write_trade_year(release, year, paths[-1])
    chains = {"low": {"HS92": ["01", "02", "1006"]}, "high": {"HS92": ["85", "90"]},
              "none": {"HS07": ["85"]}}
    by_file = trade_indicators_by_chain(paths, chains, (2020, 2021))
    for chain, prefixes in chains.items():
        whole = trade_indicators(chain_flows(paths, prefixes))
        keys = ["year", "country"]
        pd.testing.assert_frame_equal(
            by_file[chain].sort_values(keys, ignore_index=True),
            whole.sort_values(keys, ignore_index=True), check_dtype=False)
    assert len(by_file["low"]) > 100 and by_file["none"].empty
    assert set(by_file["none"].columns) == set(by_file["low"].columns)
    shares = by_file["high"].groupby("year")["market_share"].sum()
    np.testing.assert_allclose(shares, 1.0)


def test_aggregation_keeps_revisions_apart_within_a_year(tmp_path):
    """Two revisions in one file: a product's world unit value is taken within its revision."""
    rows = [(2020, "AAA", "HS92", "852520", 100.0, 10.0), (2020, "BBB", "HS07", "852520", 100.0, 1.0),
            (2020, "AAA", "HS07", "851712", 50.0, 5.0)]
    table = pa.table(dict(zip(["year", "exporter", "hs_revision", "hs6", "value_usd",
                               "quantity_kg"], map(list, zip(*rows)))))
    table = table.add_column(2, "importer", pa.array(["WLD"] * 3))
    pq.write_table(table.select(TRADE.names), tmp_path / "trade_2020.parquet")
    result = trade_indicators_by_chain([tmp_path / "trade_2020.parquet"],
                                       {"phones": {"HS92": ["852520"], "HS07": ["851712", "852520"]}},
                                       (2020, 2020))["phones"].set_index("country")
    # each exporter alone in its (revision, product): relative unit value 1 for both
    np.testing.assert_allclose(result["relative_unit_value"], [1.0, 1.0])
    np.testing.assert_allclose(result.loc["AAA", "market_share"], 150 / 250)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("duckdb") is None,
                    reason="the benchmark's reference engine: pip install -e '.[bench]'")
def test_benchmark_script_runs_end_to_end(release):
    """The benchmark (README "Scale") runs on a small release and reports every ratio."""
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run_benchmark.py"),
                           str(release), "--year", "2021"], capture_output=True, text=True,
                          check=True, timeout=600)
    for line in ("ingest throughput vs DuckDB COPY", "aggregation time vs DuckDB",
                 "peak RSS of the ingest job"):
        assert line in done.stdout


def test_a_deflated_member_reads_the_same_through_isal_and_a_broken_one_is_named(tmp_path):
    flows = [f"2020,4,251,{610000 + n},1.5,\"  2.0\"" for n in range(5000)]
    path = _zip(tmp_path / "BACI_HS92_V202401.zip", flows)
    with zipfile.ZipFile(path) as zf:
        plain = zf.read("BACI_HS92_Y2020_V202401.csv")
        with archives.open_member(zf, "BACI_HS92_Y2020_V202401.csv") as fh:
            assert fh.read() == plain
            if archives.isal_zlib is not None:
                assert isinstance(fh._decompressor, type(archives.isal_zlib.decompressobj(-15)))
    data = bytearray(path.read_bytes())
    start = data.index(b"BACI_HS92_Y2020_V202401.csv") + len("BACI_HS92_Y2020_V202401.csv")
    data[start + 200:start + 260] = b"\xff" * 60  # inside the deflate stream
    broken = tmp_path / "broken" / "BACI_HS92_V202401.zip"
    broken.parent.mkdir()
    broken.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"BACI_HS92_Y2020_V202401\.csv: archive member is corrupt"):
        baci.read_year(broken, 2020)


def test_columns_drawn_from_a_list_are_checked_through_the_list(tmp_path):
    rows = harmonise_trade_year(_zip(tmp_path / "in" / "BACI_HS92_V202401.zip",
                                     ['2020,4,251,610910,1,"1"']), 2020)
    good = pa.array(["AFG", "FRA", "IND", "USA"])
    write_checked_batches(rows.to_batches(), tmp_path / "ok.parquet", TRADE, unique_key_proof="x",
                          drawn_from={"exporter": good, "importer": good})
    assert pq.read_table(tmp_path / "ok.parquet").num_rows == 1
    with pytest.raises(SchemaError, match=r"column exporter: values not matching"):
        write_checked_batches(rows.to_batches(), tmp_path / "bad.parquet", TRADE,
                              unique_key_proof="x", drawn_from={"exporter": pa.array(["afg"])})
    missing = rows.set_column(1, "exporter", pa.array([None], pa.string()))
    with pytest.raises(SchemaError, match=r"column exporter: 1 missing values"):
        write_checked_batches(missing.to_batches(), tmp_path / "bad.parquet", TRADE,
                              unique_key_proof="x", drawn_from={"exporter": good})
    assert not (tmp_path / "bad.parquet").exists()
