"""The demo's CEPII BACI HS92 release zip: one CSV per year, the two code lists and a Readme."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ..io import atomic_path
from .files import quote_field, trim_number
from .world import BACI_LINE_END, PRODUCT_DESCRIPTIONS, ZIP_DATE, DemoWorld


def write_baci(world: DemoWorld, path: Path, version: str, seed: int) -> None:
    """The release zip: one CSV per year, the two code lists and a Readme."""
    flows = world.flows
    order = np.lexsort((flows["k"], flows["j"], flows["i"], flows["t"]))
    t, i, j, k, v, q = (flows[col].to_numpy()[order] for col in ("t", "i", "j", "k", "v", "q"))
    na = world.streams["baci"].random(len(flows)) < 0.03
    q_text = [" " * 11 + "NA" if missing else f"{x:13.3f}" for x, missing in zip(q.tolist(), na)]
    rows = [f'{a},{b},{c},{d},{trim_number(e)},"{f}"'
            for a, b, c, d, e, f in zip(t.tolist(), i.tolist(), j.tolist(), k.tolist(),
                                        v.tolist(), q_text)]
    header = '"t","i","j","k","v","q"'
    members = {}
    bounds = np.searchsorted(t, world.years, side="left").tolist() + [len(t)]
    for n, year in enumerate(world.years.tolist()):
        lines = [header, *rows[bounds[n]:bounds[n + 1]]]
        members[f"BACI_HS92_Y{year}_V{version}.csv"] = BACI_LINE_END.join(lines) + BACI_LINE_END
    members[f"country_codes_V{version}.csv"] = _baci_country_codes(world.countries)
    members[f"product_codes_HS92_V{version}.csv"] = _baci_product_codes()
    members["Readme.txt"] = _baci_readme(version, seed)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))


def _baci_country_codes(countries) -> str:
    lines = ["country_code,country_name,country_iso2,country_iso3"]
    lines += [f"{c.baci_code},{quote_field(c.baci_name)},{c.iso2},{c.iso3}"
              for c in sorted(countries, key=lambda c: c.baci_code)]
    return BACI_LINE_END.join(lines) + BACI_LINE_END


def _baci_product_codes() -> str:
    lines = ["code,description"]
    lines += [f"{int(code)},{quote_field(PRODUCT_DESCRIPTIONS[code])}"
              for code in sorted(PRODUCT_DESCRIPTIONS)]
    return BACI_LINE_END.join(lines) + BACI_LINE_END


def _baci_readme(version: str, seed: int) -> str:
    lines = [
        f"BACI HS92 V{version} - GENERATED DEMO DATA, NOT REAL TRADE FLOWS",
        f"Written by gvc_upgrading.demo (seed {seed}) in the layout of the CEPII BACI release.",
        "",
        f"BACI_HS92_Y<year>_V{version}.csv columns:",
        "t: year",
        f"i: exporter (numeric code, see country_codes_V{version}.csv)",
        "j: importer (numeric code)",
        f"k: HS 1992 product, six digits written without leading zero "
        f"(see product_codes_HS92_V{version}.csv)",
        "v: value, thousands of current US dollars",
        "q: quantity, metric tons (NA when unknown)",
    ]
    return BACI_LINE_END.join(lines) + BACI_LINE_END
