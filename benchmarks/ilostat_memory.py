"""Peak memory and time of the generic ILOSTAT reader on a bulk file of the real files' size.

    python benchmarks/ilostat_memory.py                  # 6 million rows, about 55 MB gzipped
    python benchmarks/ilostat_memory.py --rows 200000    # a quick look

Writes a synthetic file in the layout of ILOSTAT's HOW_TEMP_SEX_ECO_NB_A bulk download (countries
x sources x sexes x ISIC sections x years, a few flags and notes), then reads it with
``gvc_upgrading.sources.ilostat.read_indicator`` in a fresh process and reports that process's
peak resident memory (target: under 1 GB for files up to the real 50 MB ones) and its time.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "workflow" / "scripts"
HEADER = ("ref_area,indicator,source,sex,classif1,time,obs_value,obs_status,note_classif,"
          "note_indicator,note_source")
SECTIONS = [f"ECO_ISIC4_{s}" for s in "ABCDEFGHIJKLMNOPQRSTU"] + ["ECO_ISIC4_TOTAL"]
TARGET_MB = 1024


def write_bulk_file(path: Path, rows: int) -> int:
    """A gzipped bulk CSV of about ``rows`` rows; returns the rows written."""
    areas = [f"{a}{b}{c}" for a, b, c in itertools.product("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                                            repeat=3)]
    per_area = len(SECTIONS) * 3 * 70 * 4  # sections x sexes x years x sources
    written = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        out.write("\ufeff" + HEADER + "\n")
        for area in areas[: max(1, rows // per_area + 1)]:
            for source, sex, section, year in itertools.product(
                    ("BA:1", "BA:2", "BX:3", "AA:4"), ("SEX_T", "SEX_F", "SEX_M"), SECTIONS,
                    range(1953, 2023)):
                if written >= rows:
                    return written
                value = 30 + (hash((area, sex, section, year)) % 2000) / 100
                flag = "B" if year % 17 == 0 else ""
                out.write(f"{area},HOW_TEMP_SEX_ECO_NB,{source},{sex},{section},{year},{value},"
                          f"{flag},,T11:2549,R1:2384\n")
                written += 1
    return written


READ = """
import resource, sys, time
sys.path.insert(0, {scripts!r})
from gvc_upgrading.sources.ilostat import read_indicator
start = time.time()
table = read_indicator({path!r}, "HOW_TEMP_SEX_ECO_NB_A", years=(1995, 2022))
print(len(table), time.time() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6_000_000)
    parser.add_argument("--keep", type=Path, help="write the synthetic file here and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "HOW_TEMP_SEX_ECO_NB_A.csv.gz"
        rows = write_bulk_file(path, args.rows)
        size_mb = path.stat().st_size / 2**20
        started = time.time()
        result = subprocess.run([sys.executable, "-c", READ.format(scripts=str(SCRIPTS),
                                                                   path=str(path))],
                                capture_output=True, text=True, check=True)
        kept, seconds, peak_kb = result.stdout.split()
    peak_mb = int(peak_kb) / 1024
    print(f"file: {rows:,} rows, {size_mb:.1f} MB gzipped; rows kept (1995-2022): {int(kept):,}")
    print(f"read_indicator: {float(seconds):.1f} s, peak {peak_mb:.0f} MB "
          f"(target < {TARGET_MB} MB: {'met' if peak_mb < TARGET_MB else 'MISSED'}); "
          f"process {time.time() - started:.1f} s")
    return 0 if peak_mb < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
