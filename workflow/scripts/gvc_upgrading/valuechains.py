"""Value-chain definitions (config/gvcs.yaml): HS codes per HS revision and ISIC divisions, and
the input roles the configured chains and dimensions read."""

from __future__ import annotations

from collections.abc import Iterable

from .config import ConfigError
from .dimensions import Dimension

# ISIC sections by division (first and last division of each section), Rev.3 and Rev.4.
_SECTIONS = {
    "3": [("A", 1, 2), ("B", 5, 5), ("C", 10, 14), ("D", 15, 37), ("E", 40, 41), ("F", 45, 45),
          ("G", 50, 52), ("H", 55, 55), ("I", 60, 64), ("J", 65, 67), ("K", 70, 74),
          ("L", 75, 75), ("M", 80, 80), ("N", 85, 85), ("O", 90, 93), ("P", 95, 97),
          ("Q", 99, 99)],
    "4": [("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
          ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66),
          ("L", 68, 68), ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85),
          ("Q", 86, 88), ("R", 90, 93), ("S", 94, 96), ("T", 97, 98), ("U", 99, 99)],
}


def isic_section(division: str, revision: str) -> str:
    """The ISIC section letter of a 2-digit division (``revision`` "3" or "4")."""
    number = int(division)
    for letter, first, last in _SECTIONS[revision]:
        if first <= number <= last:
            return letter
    raise ValueError(f"ISIC Rev.{revision} has no division {division!r}")


HS_REVISIONS = ["HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"]


def prefixes_by_revision(gvcs: dict, chain: str) -> dict[str, list[str]]:
    """The chain's HS prefixes for every HS revision.

    A revision the chain does not list takes the codes of the latest listed revision before it
    (codes carry over until a revision changes them, e.g. mobile phones 852520 until HS2007);
    revisions before the first listed one take the first listed codes.
    """
    listed = gvcs[chain]["hs"]
    first = next(r for r in HS_REVISIONS if r in listed)
    result, current = {}, listed[first]
    for revision in HS_REVISIONS:
        current = listed.get(revision, current)
        result[revision] = list(current)
    return result


#: Labour sources a value chain can name (config/gvcs.yaml ``labour_source``).
LABOUR_SOURCES = ("indstat", "ilostat")


def isic_divisions(isic: dict, revision: str) -> list[str]:
    """The ISIC divisions of one revision (``"3"`` or ``"4"``) of a chain's ``isic`` entry.

    Written as one division (``"18"``) or a list whose values are summed (``["55", "56"]``:
    accommodation and food services in Rev.4).
    """
    codes = isic[f"rev{revision}"]
    return [codes] if isinstance(codes, str) else list(codes)


def labour_sources(chain: dict) -> list[str]:
    """The chain's labour sources in order of preference: ``labour_source`` is one source or a
    fallback list (``[indstat, ilostat]``: INDSTAT, and ILOSTAT where INDSTAT has no data)."""
    sources = chain["labour_source"]
    return [sources] if isinstance(sources, str) else list(sources)


def override_labour_sources(gvcs: dict, source: str | None) -> dict:
    """``gvcs`` with every goods chain's ``labour_source`` replaced by ``source`` (config
    ``harmonise.labour_source_override``; ``ilostat`` runs on open data only); None: unchanged."""
    if source is None:
        return gvcs
    if source not in LABOUR_SOURCES:
        raise ConfigError(f"config key 'harmonise.labour_source_override': {source!r}; expected "
                          f"one of {LABOUR_SOURCES} or null")
    return {name: chain if is_tourism(chain) else {**chain, "labour_source": source}
            for name, chain in gvcs.items()}


def is_tourism(chain: dict) -> bool:
    """A tourism chain measures exports as international tourism receipts (WDI), not HS trade."""
    return "wdi_tourism" in chain


def trade_chains(gvcs: dict, chains) -> list[str]:
    """The chains among ``chains`` whose exports are HS goods trade."""
    return [chain for chain in chains if not is_tourism(gvcs[chain])]


def check_chains(gvcs: dict, file: str) -> None:
    """Checks of the value-chain file that its schema cannot state with a clear message: each
    chain has either ``hs`` codes or ``wdi_tourism`` indicators, and the divisions listed for
    one ISIC revision lie in one section (ILOSTAT publishes earnings by section)."""
    problems = []
    for name, chain in gvcs.items():
        if ("hs" in chain) == is_tourism(chain):
            problems.append(f"value chains key '{name}': give either 'hs' (goods trade) or "
                            f"'wdi_tourism' (tourism receipts and arrivals), not "
                            f"{'both' if 'hs' in chain else 'neither'} ({file})")
        for revision in ("3", "4"):
            divisions = isic_divisions(chain["isic"], revision)
            try:
                sections = {isic_section(d, revision) for d in divisions}
            except ValueError as exc:
                problems.append(f"value chains key '{name}.isic.rev{revision}': {exc} ({file})")
                continue
            if len(sections) > 1:
                problems.append(f"value chains key '{name}.isic.rev{revision}': divisions "
                                f"{divisions} lie in sections {sorted(sections)}; expected one "
                                f"section (earnings are published by section) ({file})")
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))


def roles_in_use(gvcs: dict, chains: Iterable[str], dimensions: Iterable[Dimension]
                 ) -> dict[str, str]:
    """Each input role (a key of config ``datasets``) that the configured ``chains`` (with their
    labour sources, after any override) and ``dimensions`` read, and what reads it. A role
    nothing reads is neither downloaded nor probed, so a run on open data needs no INDSTAT
    file."""
    chains = list(chains)
    tourism = [chain for chain in chains if is_tourism(gvcs[chain])]
    labour = {source for chain in chains if not is_tourism(gvcs[chain])
              for source in labour_sources(gvcs[chain])}
    roles = {"trade": "every goods chain", "wdi_cpi": "prices", "wdi_exchange_rate": "prices"}
    if "indstat" in labour:
        roles["indstat"] = "labour source indstat"
    if "ilostat" in labour:
        roles.update(dict.fromkeys(["ilostat_employment", "ilostat_earnings"],
                                   "labour source ilostat"))
    if tourism:
        roles.update(dict.fromkeys(["wdi_tourism_receipts", "wdi_tourism_arrivals"],
                                   "tourism chain(s) " + ", ".join(tourism)))
    for dim in dimensions:
        roles.update(dict.fromkeys(dim.datasets, f"dimension {dim.id}"))
    return roles
