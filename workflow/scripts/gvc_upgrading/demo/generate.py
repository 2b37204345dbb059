"""Writing the whole demo world: every source's files from one seed."""

from __future__ import annotations

from pathlib import Path

from .baci import write_baci
from .ilostat import ilostat_countries, write_ilostat_earnings, write_ilostat_employment
from .ilostat_rights import write_bargaining_coverage, write_labour_rights, write_union_density
from .ilostat_work import write_employment_by_sex, write_hours, write_informality, write_injuries
from .indstat import write_indstat
from .simulate import simulate
from .tiva import write_tiva
from .wdi import write_wdi
from .world import FILES


def generate_demo_world(out_dir: str | Path, *, seed: int, n_countries: int = 50,
                        years: tuple[int, int] = (1995, 2022),
                        baci_version: str = "202401") -> dict[str, list[Path]]:
    """Write the demo raw files under ``out_dir``; return ``{source: [paths]}``.

    Sources and files are those of :data:`FILES` (``baci``, ``indstat``, ``ilostat``, ``wdi``,
    ``oecd``);
    each file is written atomically and the same arguments give byte-identical files.
    """
    out = Path(out_dir)
    world = simulate(seed, n_countries, years)
    paths = {src: [out / name.format(version=baci_version) for name in names]
             for src, names in FILES.items()}
    write_baci(world, paths["baci"][0], baci_version, seed)
    write_indstat(world, paths["indstat"][0])
    ilostat = {path.name.removesuffix(".csv.gz"): path for path in paths["ilostat"]}
    meta = ilostat_countries(world)
    write_ilostat_employment(world, meta, ilostat["EMP_TEMP_AGE_EC2_NB_A"])
    write_ilostat_earnings(world, meta, ilostat["EAR_4MTH_SEX_ECO_CUR_NB_A"])
    write_hours(world, meta, ilostat["HOW_TEMP_SEX_ECO_NB_A"])
    write_informality(world, meta, ilostat["SDG_0831_SEX_ECO_RT_A"])
    write_employment_by_sex(world, meta, ilostat["EMP_TEMP_SEX_ECO_NB_A"])
    write_injuries(world, ilostat["INJ_FATL_ECO_NB_A"])
    write_union_density(world, ilostat["ILR_TUMT_NOC_RT_A"])
    write_bargaining_coverage(world, ilostat["ILR_CBCT_NOC_RT_A"])
    write_labour_rights(world, ilostat["SDG_0882_NOC_RT_A"])
    write_wdi(world, *paths["wdi"][:2], "FP.CPI.TOTL", "Consumer price index (2010 = 100)",
               world.cpi)
    write_wdi(world, *paths["wdi"][2:], "PA.NUS.FCRF",
               "Official exchange rate (LCU per US$, period average)", world.fx)
    write_tiva(world, *paths["oecd"])
    return paths
