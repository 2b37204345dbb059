"""Write a BACI-format release zip at real scale, for the benchmarks (not part of the tests).

One year of a real BACI HS92 release holds about 11 million flows among ~220 exporters and
importers over ~5,000 HS6 products. This writes the same shape in the exact file format
(``"t","i","j","k","v","q"``, ``k`` without its leading zero, ``q`` quoted and space-padded or
``NA``), with the release's country and product code lists, so that the project's readers run
on it unchanged.

    python benchmarks/make_baci_release.py --rows 11000000 --years 2021 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))

VERSION = "209901"  # a release label no real release uses


BACI_SPECIAL = {840: 842, 250: 251, 356: 699, 756: 757, 578: 579}  # ISO numeric -> BACI code


def _countries(n: int) -> list[tuple[int, str]]:
    """``n`` real countries as (BACI numeric code, ISO3); BACI's own codes where they differ, and
    none of the numeric codes that BACI and Comtrade use for areas ("Europe, nes" is 492)."""
    import pycountry

    from gvc_upgrading.harmonise.countries import AGGREGATE, NUMERIC_CODES

    pairs = sorted((BACI_SPECIAL.get(int(c.numeric), int(c.numeric)), c.alpha_3)
                   for c in pycountry.countries)
    return [(code, iso3) for code, iso3 in pairs
            if NUMERIC_CODES.get(str(code)) != AGGREGATE][:n]


def _products(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct six-digit codes spread over chapters 01-97, as integers (no leading zero)."""
    chapters = rng.integers(1, 98, size=n * 2)
    rest = rng.integers(0, 10_000, size=n * 2)
    return np.sort(rng.choice(np.unique(chapters * 10_000 + rest), size=n, replace=False))


def _allocate(rows: int, weight: np.ndarray, cap: int) -> np.ndarray:
    """Split ``rows`` over exporters in proportion to ``weight``, at most ``cap`` each."""
    counts = np.zeros(len(weight), dtype=np.int64)
    while (left := rows - int(counts.sum())) > 0:
        open_weight = np.where(counts < cap, weight, 0.0)
        add = np.minimum(np.floor(open_weight / open_weight.sum() * left).astype(np.int64),
                         cap - counts)
        if add.sum() == 0:  # the last few rows: one each to the heaviest open exporters
            add[np.argsort(-open_weight)[:left]] = 1
        counts += add
    return counts


def year_table(year: int, rows: int, countries: list[tuple[int, str]], products: np.ndarray,
               rng: np.random.Generator) -> pa.Table:
    """One year's flows with realistic skew: big exporters and common products appear more."""
    n_j, n_k = len(countries), len(products)
    per_exporter = _allocate(rows, rng.pareto(1.2, len(countries)) + 0.05, cap=n_j * n_k)
    codes = np.asarray([code for code, _ in countries])
    # distinct importer x product pairs per exporter, as in BACI (one row per i, j, k)
    pairs = [np.sort(rng.choice(n_j * n_k, size=m, replace=False)) for m in per_exporter]
    i = np.repeat(codes, per_exporter)
    flat = np.concatenate(pairs)
    j, k = codes[flat // n_k], products[flat % n_k]
    v = np.round(rng.lognormal(2.0, 2.5, size=rows), 3) + 0.001
    q = np.round(v / rng.lognormal(1.0, 1.0, size=rows), 3)
    q_text = pc.utf8_lpad(pc.cast(pa.array(q), pa.string()), width=13)
    missing = rng.random(rows) < 0.03
    q_text = pc.if_else(pa.array(missing), pa.scalar("NA".rjust(13)), q_text)
    return pa.table({"t": pa.array(np.full(rows, year), pa.int16()), "i": i, "j": j, "k": k,
                     "v": v, "q": q_text})


def write_release(out: Path, years: list[int], rows: int, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    countries = _countries(220)
    products = _products(5000, rng)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"BACI_HS92_V{VERSION}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for year in years:
            buffer = io.BytesIO()
            pacsv.write_csv(year_table(year, rows, countries, products, rng), buffer,
                            pacsv.WriteOptions(quoting_style="needed", batch_size=1 << 20))
            zf.writestr(f"BACI_HS92_Y{year}_V{VERSION}.csv", buffer.getvalue())
        zf.writestr(f"country_codes_V{VERSION}.csv", "country_code,country_name,country_iso2,"
                    "country_iso3\n" + "".join(f"{code},Country {code},{iso3[:2]},{iso3}\n"
                                               for code, iso3 in countries))
        zf.writestr(f"product_codes_HS92_V{VERSION}.csv", "code,description\n"
                    + "".join(f"{k},Product {k}\n" for k in products))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=11_000_000, help="flows per year")
    parser.add_argument("--years", type=int, nargs="+", default=[2021])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/data"))
    args = parser.parse_args()
    print(write_release(args.out, args.years, args.rows))


if __name__ == "__main__":
    main()
