"""Zip archives read safely: unreadable archives, unsafe member names and zip bombs are refused.

The readers never extract a member to disk, but a member name that is absolute (``/etc/x``,
``C:\\x``) or climbs out of its folder (``../x``) marks an archive that was not made by the
provider, so it is refused outright. Decompression is bounded by the size each member declares
in the archive's directory: :mod:`zipfile` never returns more bytes than that (a member whose data
decompress to more fails its CRC check), so refusing archives whose declared sizes exceed the
caller's limits stops a zip bomb before any byte is decompressed. The limits are module constants
of each reader (``MAX_MEMBER_BYTES`` and ``MAX_ARCHIVE_BYTES`` in :mod:`gvc_upgrading.sources.baci` and
:mod:`gvc_upgrading.sources.wdi`).
"""

from __future__ import annotations

import contextlib
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..errors import InputError

try:  # ISA-L's deflate (python-isal): the same streams, decompressed about twice as fast
    from isal import isal_zlib
except ImportError:  # pragma: no cover - an install without the optional speed-up
    isal_zlib = None

#: What reading a damaged member raises: a CRC mismatch, a broken deflate stream, a short member.
CORRUPT_MEMBER = (zipfile.BadZipFile, zlib.error, EOFError,
                  *((isal_zlib.error,) if isal_zlib is not None else ()))
_DRIVE = re.compile(r"^[A-Za-z]:")


@contextlib.contextmanager
def open_zip(path: str | Path, *, max_member_bytes: int,
             max_archive_bytes: int) -> Iterator[zipfile.ZipFile]:
    """Open a zip archive after :func:`check_members`; an unreadable file is an InputError."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise InputError(path, f"not a readable zip archive ({exc}); expected a complete zip "
                               "file (was the download cut short?)") from exc
    with archive:
        check_members(archive, path, max_member_bytes=max_member_bytes,
                      max_archive_bytes=max_archive_bytes)
        yield archive


def check_members(archive: zipfile.ZipFile, path, *, max_member_bytes: int,
                  max_archive_bytes: int) -> None:
    """Refuse unsafe member names and declared sizes above the limits (bytes, decompressed)."""
    total = 0
    for info in archive.infolist():
        name = info.filename
        if unsafe_name(name):
            raise InputError(path, "member has an absolute path or '..'; refused (expected "
                                   "member names relative to the archive)", key=f"member {name!r}")
        if info.file_size > max_member_bytes:
            raise InputError(path, f"member would decompress to {info.file_size:,} bytes; "
                                   f"expected at most {max_member_bytes:,} (a zip bomb?); refused",
                             key=f"member {name!r}")
        total += info.file_size
    if total > max_archive_bytes:
        raise InputError(path, f"members would decompress to {total:,} bytes in all; expected at "
                               f"most {max_archive_bytes:,} (a zip bomb?); refused")


def unsafe_name(name: str) -> bool:
    """Whether a member name is absolute or has a ``..`` part (with either kind of slash)."""
    posix = name.replace("\\", "/")
    return (posix.startswith("/") or bool(_DRIVE.match(posix))
            or ".." in PurePosixPath(posix).parts)


def open_member(archive: zipfile.ZipFile, name: str):
    """A member opened for streaming, like ``archive.open(name)``, with a deflated member
    decompressed by ISA-L where python-isal is installed (the CRC and size checks of
    :mod:`zipfile` stay as they are). Decompression is a third of the time of streaming a BACI
    year into Parquet; ISA-L halves it."""
    handle = archive.open(name)
    deflated = archive.getinfo(name).compress_type == zipfile.ZIP_DEFLATED
    # zipfile keeps its decompressor in this attribute from 3.x to 3.14; without it, zlib stays
    if isal_zlib is not None and deflated and hasattr(handle, "_decompressor"):
        handle._decompressor = isal_zlib.decompressobj(-15)
    return handle


def read_member(archive: zipfile.ZipFile, name: str, where) -> bytes:
    """A member's bytes; a damaged member (bad CRC, broken stream) is an InputError."""
    try:
        return archive.read(name)
    except CORRUPT_MEMBER as exc:
        raise InputError(where, f"archive member is corrupt ({exc}); expected a complete, "
                                "undamaged member") from exc
