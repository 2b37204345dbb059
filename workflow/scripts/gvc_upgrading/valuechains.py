"""Value-chain definitions (config/gvcs.yaml): HS codes per HS revision and ISIC divisions."""

from __future__ import annotations

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
