"""Time the project's BACI ingest and value-chain aggregation against the fastest engines.

In one run, on the same release zip (see make_baci_release.py), each task runs in a fresh
process so that its wall time and peak memory are its own:

- ingest: what rule ``harmonise_trade`` does (``write_trade_year``: the year's CSV streamed from
  inside the zip, checked, harmonised and written batch by batch as zstd Parquet) against DuckDB
  on the same input (unzip the year's member, then ``COPY`` the CSV to Parquet), DuckDB ``COPY``
  of the already extracted CSV (extraction not timed: a floor no zip reader can reach), and a
  naive pandas ``read_csv`` + ``to_parquet``;
- aggregation: the project's value-chain trade indicators (``trade_indicators_by_chain`` for four
  chains) against the same group-by written in DuckDB SQL on the same Parquet files;
- with ``--all-years``: every other year of the zip is ingested too, and both aggregations run
  over all the years.

It prints wall time, rows per second, peak RSS and the ratios the targets are stated in.

    python benchmarks/make_baci_release.py --rows 11000000 --out /tmp/bench
    python benchmarks/run_benchmark.py /tmp/bench/BACI_HS92_V209901.zip --year 2021
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAIN_PREFIXES = {"apparel": ["61", "62"], "mobile_phones": ["852520"],
                  "horticulture": ["07", "08", "0603"], "automotive": ["8703", "8708"]}


def task_project_ingest(zip_path: str, year: int, work: str) -> int:
    """What rule harmonise_trade does for one BACI year."""
    from gvc_upgrading.harmonise.trade import write_trade_year

    return write_trade_year(zip_path, year, Path(work) / f"trade_{year}.parquet")


def task_duckdb_copy(zip_path: str, year: int, work: str, csv: Path | None = None) -> int:
    import duckdb

    csv = csv or Path(work) / "extracted.csv"
    out = Path(work) / "duckdb.parquet"
    duckdb.sql(f"""COPY (SELECT * FROM read_csv('{csv}', header=true,
                   columns={{'t': 'SMALLINT', 'i': 'VARCHAR', 'j': 'VARCHAR', 'k': 'VARCHAR',
                             'v': 'DOUBLE', 'q': 'VARCHAR'}}))
                   TO '{out}' (FORMAT parquet, COMPRESSION zstd)""")
    return duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchall()[0][0]


def task_unzip_and_duckdb_copy(zip_path: str, year: int, work: str) -> int:
    """What a user of a raw engine does with a release: unzip the member, then COPY."""
    import shutil

    csv = Path(work) / "unzipped.csv"
    with zipfile.ZipFile(zip_path) as zf, zf.open(_member(zip_path, year)) as src, \
            open(csv, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 22)
    rows = task_duckdb_copy(zip_path, year, work, csv)
    csv.unlink()
    return rows


def task_pandas_naive(zip_path: str, year: int, work: str) -> int:
    import pandas as pd

    with zipfile.ZipFile(zip_path) as zf, zf.open(_member(zip_path, year)) as fh:
        df = pd.read_csv(fh, dtype={"k": str, "q": str})
    df.to_parquet(Path(work) / "pandas.parquet", compression="zstd")
    return len(df)


def task_project_aggregate(zip_path: str, year: int, work: str) -> int:
    from gvc_upgrading.analysis.indicators import trade_indicators_by_chain

    by_chain = trade_indicators_by_chain(
        sorted(Path(work).glob("trade_*.parquet")),
        {chain: {"HS92": prefixes} for chain, prefixes in CHAIN_PREFIXES.items()}, (1900, 2100))
    return sum(len(table) for table in by_chain.values())


def task_duckdb_aggregate(zip_path: str, year: int, work: str) -> int:
    import duckdb

    source = Path(work) / "trade_*.parquet"
    rows = 0
    for prefixes in CHAIN_PREFIXES.values():
        match = " OR ".join(f"starts_with(hs6, '{p}')" for p in prefixes)
        rows += duckdb.sql(f"""
            WITH flows AS (
                SELECT year, exporter, hs6, value_usd,
                       CASE WHEN value_usd > 0 AND quantity_kg > 0 THEN value_usd ELSE 0 END AS vq,
                       CASE WHEN value_usd > 0 AND quantity_kg > 0 THEN quantity_kg ELSE 0 END AS q
                FROM '{source}' WHERE {match}),
            product AS (SELECT year, exporter, hs6, sum(value_usd) AS v, sum(vq) AS vq, sum(q) AS q
                        FROM flows GROUP BY ALL),
            world AS (SELECT year, hs6, sum(vq) / nullif(sum(q), 0) AS world_uv
                      FROM product GROUP BY ALL),
            country AS (
                SELECT p.year, exporter, sum(v) AS export_value, sum(vq) AS vq, sum(q) AS q,
                       sum(CASE WHEN p.q > 0 THEN (p.vq / p.q) / w.world_uv * p.vq ELSE 0 END) AS wr
                FROM product p JOIN world w USING (year, hs6) GROUP BY ALL)
            SELECT year, exporter, export_value,
                   export_value / sum(export_value) OVER (PARTITION BY year) AS market_share,
                   vq / nullif(q, 0) AS unit_value, wr / nullif(vq, 0) AS relative_unit_value
            FROM country""").df().shape[0]
    return rows


TASKS = {name[5:]: fn for name, fn in globals().items() if name.startswith("task_")}


def _member(zip_path: str, year: int) -> str:
    with zipfile.ZipFile(zip_path) as zf:
        return next(n for n in zf.namelist() if f"_Y{year}_" in n)


def run_task(name: str, zip_path: str, year: int, work: str) -> dict:
    """Run one task in a fresh process; wall time and that process's peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "workflow" / "scripts")}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--task", name, zip_path,
                                "--year", str(year), "--work", work],
                               stdout=subprocess.PIPE, text=True, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    output = process.stdout.read()
    if status != 0:
        raise RuntimeError(f"task {name} failed")
    return {"task": name, "wall_s": wall, "rows": json.loads(output)["rows"],
            "peak_rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", help="BACI-format release zip")
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--task", choices=sorted(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--all-years", action="store_true",
                        help="also ingest every other year of the zip and aggregate them all")
    parser.add_argument("--work-dir", help="where to put the temporary files (default: system "
                                           "temp; needs about 1 GB a year)")
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        started = time.perf_counter()
        rows = TASKS[args.task](args.zip, args.year, args.work)
        print(json.dumps({"rows": rows, "inner_s": time.perf_counter() - started}))
        return
    with tempfile.TemporaryDirectory(dir=args.work_dir) as work:
        with zipfile.ZipFile(args.zip) as zf:
            zf.extract(_member(args.zip, args.year), work)
        Path(work, _member(args.zip, args.year)).rename(Path(work) / "extracted.csv")
        results = {name: run_task(name, args.zip, args.year, work)
                   for name in ["project_ingest", "duckdb_copy", "unzip_and_duckdb_copy",
                                "pandas_naive", "project_aggregate", "duckdb_aggregate"]}
        if args.all_years:
            others = [y for y in _years(args.zip) if y != args.year]
            ingests = [results["project_ingest"]] + [
                run_task("project_ingest", args.zip, year, work) for year in others]
            results["project_ingest_all_years"] = {
                "task": f"project_ingest x {len(ingests)}", "rows": sum(r["rows"] for r in ingests),
                "wall_s": sum(r["wall_s"] for r in ingests),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in ingests)}
            for name in ("project_aggregate", "duckdb_aggregate"):
                result = run_task(name, args.zip, args.year, work)
                results[f"{name}_all_years"] = {**result, "task": f"{name} ({len(ingests)} years)"}
    print(f"{'task':<30}{'wall s':>9}{'rows/s':>14}{'peak RSS MB':>14}")
    for r in results.values():
        print(f"{r['task']:<30}{r['wall_s']:9.2f}{r['rows'] / r['wall_s']:14,.0f}"
              f"{r['peak_rss_mb']:14,.0f}")
    ingest = results["project_ingest"]["wall_s"]
    print(f"ingest throughput vs unzip + DuckDB COPY (same input, the release zip): "
          f"{results['unzip_and_duckdb_copy']['wall_s'] / ingest:.2f} x (target >= 0.8)")
    print(f"ingest throughput vs DuckDB COPY of the extracted CSV (extraction not timed): "
          f"{results['duckdb_copy']['wall_s'] / ingest:.2f} x")
    print(f"ingest speed-up vs naive pandas: {results['pandas_naive']['wall_s'] / ingest:.2f} x")
    print(f"aggregation time vs DuckDB: {results['project_aggregate']['wall_s'] / results['duckdb_aggregate']['wall_s']:.2f} x "
          "(target <= 2)")
    print(f"peak RSS of the ingest job: {results['project_ingest']['peak_rss_mb']:.0f} MB (target <= 1024)")
    if args.all_years:
        everything = results["project_aggregate_all_years"]
        print(f"peak RSS of the aggregation over all {len(ingests)} years: "
              f"{everything['peak_rss_mb']:.0f} MB (target <= 4096); time vs DuckDB: "
              f"{everything['wall_s'] / results['duckdb_aggregate_all_years']['wall_s']:.2f} x")


def _years(zip_path: str) -> list[int]:
    with zipfile.ZipFile(zip_path) as zf:
        return sorted(int(n.split("_Y")[1][:4]) for n in zf.namelist() if "_Y" in n)


if __name__ == "__main__":
    main()
