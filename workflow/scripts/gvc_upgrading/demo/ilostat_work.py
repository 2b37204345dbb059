"""The demo's ILOSTAT bulk CSVs of working conditions by economic activity: hours actually
worked (HOW_TEMP_SEX_ECO_NB_A), informality (SDG_0831_SEX_ECO_RT_A), employment by sex
(EMP_TEMP_SEX_ECO_NB_A) and fatal occupational injuries (INJ_FATL_ECO_NB_A).

Each file is written in its real layout (:mod:`gvc_upgrading.demo.ilostat_bulk`): the column set
and order of the real file, its classification schemes (``ECO_AGNAG_*``, ``ECO_SECTOR_*``,
``ECO_AGGREGATE_*``, ISIC Rev.3 or Rev.4 sections), its decimals, survey sources that change in
some series (``B``), a few values flagged unreliable (``U``) and cells suppressed (empty, ``U``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .ilostat import IlostatCountry
from .ilostat_bulk import (
    BREAK_NOTE,
    SCHEME_CODES,
    SEXES,
    Presentation,
    isic_code,
    number,
    presentations,
    write_bulk,
)
from .world import DemoWorld

ISIC = ("TOTAL", "AGR", "MIN", "MAN", "CON", "TRD")
AGNAG = ("TOTAL", "AGR", "NAG")
SECTOR = ("TOTAL", "AGR", "IND", "SER")
# Per file: classification schemes in the order of the real file, each with its activities.
SCHEMES = {
    "hours": [("AGNAG", AGNAG), ("SECTOR", SECTOR), ("AGGREGATE", ("TOTAL", "AGR", "MAN", "CON")),
              ("ISIC", ISIC)],
    "informality": [("AGNAG", AGNAG), ("SECTOR", SECTOR), ("AGGREGATE", ("TOTAL", "AGR", "MAN"))],
    "employment_by_sex": [("SECTOR", SECTOR), ("AGGREGATE", ("TOTAL", "AGR", "MAN", "CON")),
                          ("ISIC", ISIC)],
    "injuries": [("ISIC", ISIC)],
}
#: Activities that are never suppressed at random (the modelled ones have their own masks).
KEPT = {"hours": {"TOTAL"}, "informality": {"TOTAL"}, "employment_by_sex": {"TOTAL", "MAN"},
        "injuries": {"TOTAL"}}
ILO_AGGREGATES = {"X01": "World", "X02": "World: Low income"}


def _codes(scheme: str, activities: tuple[str, ...], revision: str) -> list[tuple[str, str]]:
    """(activity, classif1 code) of one scheme; ISIC codes depend on the revision."""
    if scheme == "ISIC":
        return [(activity, isic_code(activity, revision)) for activity in activities]
    return [(activity, SCHEME_CODES[scheme][activity]) for activity in activities]


def _records(world: DemoWorld, name: str, pres: dict[str, Presentation], values, decimals: int,
             notes, by_sex: bool, rng: np.random.Generator) -> list[dict]:
    """One record per published cell of file ``name``: ``values(activity, sex)`` gives the
    (country, year) array, ``notes(code, flagged)`` the note columns."""
    social = world.social
    survey = social.surveys[name]
    cache: dict[tuple[str, str | None], np.ndarray] = {}

    def value(activity: str, sex: str | None, c: int, y: int) -> float:
        if (activity, sex) not in cache:
            cache[activity, sex] = values(activity, sex)
        return float(cache[activity, sex][c, y])

    records = []
    for c, country in enumerate(world.countries):
        meta = pres[country.iso3]
        for y in np.flatnonzero(survey[c]):
            year = int(world.years[y])
            status = "B" if year in meta.breaks else ""
            common = {"ref_area": country.iso3, "source": meta.source(year), "time": year}
            for scheme, activities in SCHEMES[name]:
                for sex in SEXES if by_sex else (None,):
                    for activity, code in _codes(scheme, activities, meta.revision(year)):
                        published = social.published.get((name, activity))
                        suppressed = (published.missing[c, y] if published is not None
                                      else activity not in KEPT[name] and rng.random() < 0.01)
                        flag = "U" if suppressed or rng.random() < 0.02 else status
                        text = "" if suppressed else number(value(activity, sex, c, y),
                                                            decimals)
                        records.append({**common, **({"sex": sex} if by_sex else {}),
                                        "classif1": code, "obs_value": text,
                                        "obs_status": flag, **notes(country.iso3, status)})
    return records


def _by_sex(totals: dict, factors: dict, name: str):
    """Values of a mean or rate: women's and men's are constant multiples of the total."""
    def values(activity: str, sex: str) -> np.ndarray:
        total = totals[activity]
        if sex == "SEX_T":
            return total
        men, women = factors[name, activity]
        return total * (men if sex == "SEX_M" else women)[:, None]
    return values


def _main_sources(meta: dict[str, IlostatCountry]) -> dict[str, str]:
    return {code: m.source for code, m in meta.items()}


def write_hours(world: DemoWorld, meta: dict[str, IlostatCountry], path: Path) -> None:
    """HOW_TEMP_SEX_ECO_NB_A: mean weekly hours actually worked by sex and activity, 2
    decimals; note columns in the order note_source, note_indicator, note_classif."""
    rng = world.streams["ilostat_work"]
    iso3 = [c.iso3 for c in world.countries]
    pres = presentations(rng, iso3, world.social.surveys["hours"], world.years,
                         _main_sources(meta), ("BB", "BX", "DA"),
                         switch={k: m.switch_year for k, m in meta.items()})

    def notes(_: str, status: str) -> dict:
        return {"note_source": "R1:3513", "note_indicator": "T11:142" + (
            f"_{BREAK_NOTE}" if status else ""), "note_classif": ""}

    values = _by_sex(world.social.hours, world.social.sex_factors, "hours")
    records = _records(world, "hours", pres, values, 2, notes, True, rng)
    columns = ["ref_area", "indicator", "source", "sex", "classif1", "time", "obs_value",
               "obs_status", "note_source", "note_indicator", "note_classif"]
    write_bulk(records, "HOW_TEMP_SEX_ECO_NB", columns, path)


def write_informality(world: DemoWorld, meta: dict[str, IlostatCountry], path: Path) -> None:
    """SDG_0831_SEX_ECO_RT_A: informal employment, per cent of employment, by sex and broad
    sector (agriculture / non-agriculture and the sector and aggregate groups; no ISIC
    sections, as in the real file), 3 decimals, with ILO world aggregates (``X01``, ``X02``)."""
    rng = world.streams["ilostat_work"]
    iso3 = [c.iso3 for c in world.countries]
    pres = presentations(rng, iso3, world.social.surveys["informality"], world.years,
                         _main_sources(meta), ("BB", "BX"))
    repository = {code: "R1:3513_T2:85" if rng.random() < 0.4 else "R1:3513" for code in iso3}

    def notes(code: str, status: str) -> dict:
        return {"note_classif": "", "note_indicator": BREAK_NOTE if status else "",
                "note_source": repository[code]}

    values = _by_sex(world.social.informality, world.social.sex_factors, "informality")
    records = _records(world, "informality", pres, values, 3, notes, True, rng)
    records += _ilo_aggregates(world, values)
    columns = ["ref_area", "indicator", "source", "sex", "classif1", "time", "obs_value",
               "obs_status", "note_classif", "note_indicator", "note_source"]
    write_bulk(records, "SDG_0831_SEX_ECO_RT", columns, path)


def _ilo_aggregates(world: DemoWorld, values) -> list[dict]:
    """ILO regional estimates (``X01`` world, ``X02`` low income): means over the countries
    that publish, source ``XA``, no notes; rows a country analysis must leave out."""
    survey = world.social.surveys["informality"]
    low = np.array([c.income == "Low income" for c in world.countries])
    records = []
    for code, members, source in (("X01", np.ones_like(low), "XA:2198"), ("X02", low,
                                                                          "XA:2199")):
        for y in np.flatnonzero(world.years >= 2005):
            inside = survey[:, y] & members
            if not inside.any():
                continue
            for sex in SEXES:
                for activity, classif in SCHEME_CODES["AGNAG"].items():
                    mean = values(activity, sex)[inside, y].mean()
                    records.append({"ref_area": code, "source": source, "sex": sex,
                                    "classif1": classif, "time": int(world.years[y]),
                                    "obs_value": number(mean, 3), "obs_status": "",
                                    "note_classif": "", "note_indicator": "", "note_source": ""})
    return records


def write_employment_by_sex(world: DemoWorld, meta: dict[str, IlostatCountry],
                            path: Path) -> None:
    """EMP_TEMP_SEX_ECO_NB_A: employment by sex and activity, thousands, 3 decimals; the
    groups and totals are sums of their parts and SEX_T = SEX_M + SEX_F (up to rounding)."""
    rng = world.streams["ilostat_work"]
    iso3 = [c.iso3 for c in world.countries]
    pres = presentations(rng, iso3, world.social.surveys["employment_by_sex"], world.years,
                         _main_sources(meta), ("AA", "BB", "BX"),
                         switch={k: m.switch_year for k, m in meta.items()})
    social = world.social

    def values(activity: str, sex: str) -> np.ndarray:
        total = social.employment[activity]
        women = total * social.female_share[activity] / 100
        return {"SEX_T": total, "SEX_F": women, "SEX_M": total - women}[sex]

    def notes(_: str, status: str) -> dict:
        return {"note_classif": "", "note_indicator": BREAK_NOTE if status else "",
                "note_source": "R1:3513"}

    records = _records(world, "employment_by_sex", pres, values, 3, notes, True, rng)
    columns = ["ref_area", "indicator", "source", "sex", "classif1", "time", "obs_value",
               "obs_status", "note_classif", "note_indicator", "note_source"]
    write_bulk(records, "EMP_TEMP_SEX_ECO_NB", columns, path)


def write_injuries(world: DemoWorld, path: Path) -> None:
    """INJ_FATL_ECO_NB_A: cases of fatal occupational injury by activity (counts, no sex),
    from insurance (``FA``) or labour-inspection (``FF``) records, some switching to the other;
    its own ISIC Rev.3 to Rev.4 switch year."""
    rng = world.streams["ilostat_work"]
    iso3 = [c.iso3 for c in world.countries]
    ids = rng.choice(np.arange(30000, 40000), len(iso3), replace=False)
    main = {code: f"{'FA' if rng.random() < 0.5 else 'FF'}:{ids[k]}"
            for k, code in enumerate(iso3)}
    pres = presentations(rng, iso3, world.social.surveys["injuries"], world.years, main,
                         ("FX",), changes=0.15)

    def notes(code: str, status: str) -> dict:
        coverage = "T13:150" if main[code].startswith("FA") else "T13:149"
        return {"note_classif": "",
                "note_indicator": coverage + (f"_{BREAK_NOTE}" if status else ""),
                "note_source": "" if main[code].startswith("FA") else "R1:2798"}

    records = _records(world, "injuries", pres,
                       lambda activity, _: world.social.injuries[activity], 0, notes, False,
                       rng)
    columns = ["ref_area", "indicator", "source", "classif1", "time", "obs_value",
               "obs_status", "note_classif", "note_indicator", "note_source"]
    write_bulk(records, "INJ_FATL_ECO_NB", columns, path)
