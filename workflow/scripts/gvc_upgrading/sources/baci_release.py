"""The labels of a CEPII BACI release zip, checked against what the zip claims to be, and its
older code lists' encoding.

A release is labelled three times: in its member names (``BACI_HS92_Y2020_V202401.csv``), in the
zip's file name (``BACI_HS92_V202401.zip``) and in the dataset registry (``version: "202401"``);
:func:`check_release_label` refuses a zip whose members disagree with either (a renamed download,
a newer release stored under an old version folder). :func:`check_release_years` holds the year
files to the years the release can have. Code lists of older releases were saved in
Windows-1252; :func:`decode_code_list` reads them so, with a logged note.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..errors import YEAR_RANGE, InputError

log = logging.getLogger(__name__)

#: How CEPII names a release zip; a zip under another name is not checked against its name.
RELEASE_ZIP = re.compile(r"^BACI_HS(?P<rev>\d\d)_V(?P<version>\w+)\.zip$")
#: The first year of each HS revision in BACI (CEPII's documentation: HS92 from 1995, the later
#: revisions from the year they came into force). No year file of a release may be earlier, nor
#: later than the release's own year (``V202401``: 2024).
FIRST_YEARS = {"92": 1995, "96": 1996, "02": 2002, "07": 2007, "12": 2012, "17": 2017,
               "22": 2022}
#: The encoding older BACI code lists were saved in (non-UTF-8 country and product names).
LEGACY_ENCODING = "cp1252"


def check_release_label(zip_path, rev: str, version: str, release: str | None,
                        members: dict[int, str]) -> None:
    """The release in the member names is the one the zip's file name and the registry state."""
    member = members[min(members)]
    named = RELEASE_ZIP.match(Path(zip_path).name)
    if named and (named["rev"], named["version"]) != (rev, version):
        raise InputError(zip_path, f"year files are release HS{rev} V{version} but the file name "
                                   f"says HS{named['rev']} V{named['version']}; expected the "
                                   "release its name states (a renamed or mixed-up download?)",
                         key=f"member {member!r}")
    if release is not None and release.removeprefix("V") != version:
        raise InputError(zip_path, f"year files are release V{version} but the registry entry "
                                   f"is version {release!r}; expected the registered release "
                                   "(a newer download under an old version folder?)",
                         key=f"member {member!r}")


def check_release_years(zip_path, rev: str, version: str, members: dict[int, str]) -> None:
    """Year files between the revision's first BACI year and the release's own year."""
    first = FIRST_YEARS.get(rev, min(FIRST_YEARS.values()))
    last = int(version[:4]) if version[:4].isdigit() else YEAR_RANGE[1]
    for year, member in sorted(members.items()):
        if not first <= year <= last:
            raise InputError(zip_path, f"year file for {year}; expected years {first}-{last}, "
                                       f"from BACI's first HS{rev} year to the release's own year "
                                       f"(V{version})", key=f"member {member!r}")


def decode_code_list(data: bytes, where) -> str:
    """UTF-8 text, or (older releases) Windows-1252 with a logged note naming the first byte
    that is not UTF-8; bytes Windows-1252 leaves undefined are read as Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        first_bad = data[error.start]
        row = data.count(b"\n", 0, error.start) + 1
    try:
        text, encoding = data.decode(LEGACY_ENCODING), "Windows-1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "Latin-1"
    log.warning("%s: not UTF-8 (byte 0x%02x in row %d); read as %s, as older BACI code lists "
                "were saved (%d non-ASCII character(s))", where, first_bad, row, encoding,
                sum(not c.isascii() for c in text))
    return text
