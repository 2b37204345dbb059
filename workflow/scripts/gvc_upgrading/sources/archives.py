"""Zip archives read safely: unreadable archives, unsafe member names and zip bombs are refused,
and members are read as streams, so memory stays bounded whatever an archive holds.

The readers never extract a member to disk, but a member name that is absolute (``/etc/x``,
``C:\\x``) or climbs out of its folder (``../x``) marks an archive that was not made by the
provider, so it is refused outright. Before any byte is decompressed, :func:`check_members`
refuses, from the archive's directory alone:

- a member that declares more than the caller's ``max_member_bytes`` decompressed, or members
  that together declare more than ``max_archive_bytes`` (module constants of each reader:
  ``MAX_MEMBER_BYTES`` and ``MAX_ARCHIVE_BYTES`` in :mod:`gvc_upgrading.sources.baci` and
  :mod:`gvc_upgrading.sources.wdi`);
- a member that would inflate more than :data:`MAX_COMPRESSION_RATIO` times its compressed size
  (from :data:`RATIO_CHECKED_FROM_BYTES` decompressed on): 200 MB of zeros deflate to 0.2 MB and
  pass any sensible size limit, but no provider file compresses like that;
- a member stored with a method other than :data:`COMPRESSION_METHODS` (a bzip2 or LZMA stream
  can inflate a few compressed bytes into megabytes in one step).

:mod:`zipfile` never returns more bytes than a member declares (a member whose data decompress to
more fails its CRC check), so the declared size bounds what a stream yields; the readers then read
members in blocks (:func:`read_member` with a cap, :func:`read_line` with a line-length limit)
instead of whole, so no single read holds more than its stated limit.
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
#: Largest decompressed / compressed size of a member. The most compressible provider files seen
#: are ILOSTAT bulk CSVs (12-14:1); BACI year files deflate about 3-5:1, WDI CSVs 2-3:1. Deflate
#: itself tops out near 1,032:1, reached only by long runs of one byte (a zip bomb's zeros).
MAX_COMPRESSION_RATIO = 100
#: Members smaller than this (decompressed) are not held to the ratio: a short file of repeated
#: lines compresses far, and a small member cannot exhaust memory whatever its ratio.
RATIO_CHECKED_FROM_BYTES = 2**20
#: The compression methods the providers use (BACI and the World Bank write deflate).
COMPRESSION_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
#: Bytes read from a stream per step by :func:`read_member`.
BLOCK_BYTES = 2**20
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
    """Refuse unsafe member names, declared sizes above the limits (bytes, decompressed),
    compression ratios above :data:`MAX_COMPRESSION_RATIO` and unexpected compression methods."""
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
        _check_ratio(info, path)
        if info.compress_type not in COMPRESSION_METHODS and not info.is_dir():
            raise InputError(path, f"member is compressed with method {info.compress_type}; "
                                   f"expected {' or '.join(COMPRESSION_METHODS.values())} "
                                   "(as the providers write); refused", key=f"member {name!r}")
        total += info.file_size
    if total > max_archive_bytes:
        raise InputError(path, f"members would decompress to {total:,} bytes in all; expected at "
                               f"most {max_archive_bytes:,} (a zip bomb?); refused")


def _check_ratio(info: zipfile.ZipInfo, path) -> None:
    """Refuse a member of at least :data:`RATIO_CHECKED_FROM_BYTES` that inflates more than
    :data:`MAX_COMPRESSION_RATIO` times."""
    if info.file_size < RATIO_CHECKED_FROM_BYTES:
        return
    if info.file_size > MAX_COMPRESSION_RATIO * info.compress_size:
        ratio = info.file_size / max(info.compress_size, 1)
        raise InputError(path, f"member would inflate {ratio:,.0f}:1 ({info.compress_size:,} "
                               f"bytes to {info.file_size:,}); expected at most "
                               f"{MAX_COMPRESSION_RATIO}:1 (a zip bomb?); refused",
                         key=f"member {info.filename!r}")


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


def read_member(archive: zipfile.ZipFile, name: str, where, *, max_bytes: int) -> bytes:
    """A member's bytes, read as a stream in blocks of :data:`BLOCK_BYTES`; a member of more
    than ``max_bytes`` (the reader's limit for that kind of file) is refused before it is read
    whole, and a damaged member (bad CRC, broken stream) is an InputError."""
    size = archive.getinfo(name).file_size
    if size > max_bytes:
        raise InputError(where, f"member is {size:,} bytes decompressed; expected at most "
                                f"{max_bytes:,} for this kind of file; refused")
    blocks = []  # zipfile yields no more than the declared size, checked above
    try:
        with open_member(archive, name) as handle:
            while block := handle.read(BLOCK_BYTES):
                blocks.append(block)
    except CORRUPT_MEMBER as exc:
        raise InputError(where, f"archive member is corrupt ({exc}); expected a complete, "
                                "undamaged member") from exc
    return b"".join(blocks)


def read_line(handle, where, *, row: int, max_bytes: int) -> bytes:
    """The next line of an open member (with its newline), at most ``max_bytes`` long: a longer
    line (a member without line breaks, such as a zip bomb's zeros) is an InputError, found
    after reading ``max_bytes`` and no more."""
    line = handle.readline(max_bytes + 1)
    if len(line) > max_bytes:
        raise InputError(where, f"line is longer than {max_bytes:,} bytes; expected a text file "
                                "with lines of delimited fields", row=row)
    return line
