"""Writing the whole demo world: every source's files from one seed."""

from __future__ import annotations

from pathlib import Path

from .baci import write_baci
from .ilostat import ilostat_countries, write_ilostat_earnings, write_ilostat_employment
from .indstat import write_indstat
from .simulate import simulate
from .wdi import write_wdi
from .world import FILES


def generate_demo_world(out_dir: str | Path, *, seed: int, n_countries: int = 50,
                        years: tuple[int, int] = (1995, 2022),
                        baci_version: str = "202401") -> dict[str, list[Path]]:
    """Write the demo raw files under ``out_dir``; return ``{source: [paths]}``.

    Sources and files are those of :data:`FILES` (``baci``, ``indstat``, ``ilostat``, ``wdi``);
    each file is written atomically and the same arguments give byte-identical files.
    """
    out = Path(out_dir)
    world = simulate(seed, n_countries, years)
    paths = {src: [out / name.format(version=baci_version) for name in names]
             for src, names in FILES.items()}
    write_baci(world, paths["baci"][0], baci_version, seed)
    write_indstat(world, paths["indstat"][0])
    ilostat_meta = ilostat_countries(world)
    write_ilostat_employment(world, ilostat_meta, paths["ilostat"][0])
    write_ilostat_earnings(world, ilostat_meta, paths["ilostat"][1])
    write_wdi(world, *paths["wdi"][:2], "FP.CPI.TOTL", "Consumer price index (2010 = 100)",
               world.cpi)
    write_wdi(world, *paths["wdi"][2:], "PA.NUS.FCRF",
               "Official exchange rate (LCU per US$, period average)", world.fx)
    return paths
