"""Archive members are read as streams: a zip bomb under the declared-size limits is refused by its
compression ratio, and a member read line by line or whole never takes more memory than the
reader's stated limit, whatever the archive holds (gvc_upgrading.sources.archives)."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest
from workflow_helpers import zip_bytes

from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.trade import write_trade_year
from gvc_upgrading.sources import archives, baci, wdi

COUNTRIES = b"country_code,country_name,country_iso2,country_iso3\n4,Afghanistan,AF,AFG\n"
YEAR_FILE = "BACI_HS92_Y2020_V202401.csv"
MIB = 2**20


def write_zeros_member(path: Path, name: str, size: int, head: bytes = b"",
                       others: dict[str, bytes] | None = None) -> Path:
    """A zip whose member ``name`` is ``head`` and then ``size`` bytes of zeros, deflated (written
    in blocks, so the test itself never holds the inflated member), beside ``others``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            member.write(head)
            for _ in range(size // MIB):
                member.write(bytes(MIB))
        for other, data in (others or {}).items():
            archive.writestr(other, data)
    return path


def peak_python_memory(action) -> tuple[Exception | None, int]:
    """Run ``action``; return what it raised and the peak of Python's allocations meanwhile."""
    tracemalloc.start()
    try:
        action()
        raised = None
    except Exception as exc:  # noqa: BLE001 - returned for the test to check
        raised = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return raised, peak


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """200 MB of zeros deflated (about 0.2 MB) as the year file of a BACI release: far under the
    2 GB member limit, far over any real file's compression ratio."""
    path = tmp_path_factory.mktemp("bomb") / "BACI_HS92_V202401.zip"
    return write_zeros_member(path, YEAR_FILE, 200 * MIB, head=b'"t","i","j","k","v","q"\n',
                              others={"country_codes_V202401.csv": COUNTRIES})


def test_a_zip_bomb_under_the_size_limit_is_refused_with_little_memory(bomb, tmp_path):
    info = zipfile.ZipFile(bomb).getinfo(YEAR_FILE)
    assert info.file_size > 200 * MIB and info.file_size < baci.MAX_MEMBER_BYTES
    ratio = info.file_size / info.compress_size
    assert ratio > archives.MAX_COMPRESSION_RATIO
    out = tmp_path / "trade_2020.parquet"
    raised, peak = peak_python_memory(lambda: write_trade_year(bomb, 2020, out))
    assert isinstance(raised, InputError)
    assert f"member '{YEAR_FILE}': member would inflate {ratio:,.0f}:1" in str(raised)
    assert "expected at most 100:1 (a zip bomb?); refused" in str(raised)
    assert peak < 4 * MIB, f"peak {peak:,} bytes"
    assert list(tmp_path.iterdir()) == []


def test_without_the_ratio_limit_the_header_read_still_stays_small(bomb, monkeypatch):
    """The header line is read with a length limit: the 200 MB member without a line break is
    refused after 64 KiB, not inflated whole."""
    monkeypatch.setattr(archives, "MAX_COMPRESSION_RATIO", 10**6)
    no_header = bomb.with_name("no_header") / bomb.name
    no_header.parent.mkdir()
    write_zeros_member(no_header, YEAR_FILE, 200 * MIB,
                       others={"country_codes_V202401.csv": COUNTRIES})
    raised, peak = peak_python_memory(lambda: baci.read_year(no_header, 2020))
    assert isinstance(raised, InputError)
    assert (f"{no_header}:{YEAR_FILE}, row 1: line is longer than "
            f"{baci.MAX_LINE_BYTES:,} bytes") in str(raised)
    assert peak < 4 * MIB, f"peak {peak:,} bytes"


def test_a_row_without_a_line_break_is_refused_on_the_error_path(tmp_path, monkeypatch):
    """After a valid header, a row of 20 MB of zeros makes Arrow fail; finding the bad row reads
    lines of at most MAX_LINE_BYTES, so the row is not held whole either."""
    monkeypatch.setattr(archives, "MAX_COMPRESSION_RATIO", 10**6)
    path = write_zeros_member(tmp_path / "BACI_HS92_V202401.zip", YEAR_FILE, 20 * MIB,
                              head=b'"t","i","j","k","v","q"\n2020,4,4,10110,1,"1"\n')
    raised, peak = peak_python_memory(lambda: baci.read_year(path, 2020, block_size=MIB))
    assert isinstance(raised, InputError)
    assert "row 3: line is longer than 65,536 bytes" in str(raised)
    assert peak < 8 * MIB, f"peak {peak:,} bytes"


def test_members_read_whole_are_capped_by_their_reader(tmp_path, monkeypatch):
    """A code list (or WDI member) is read whole, in blocks: one above the reader's cap is refused
    before any byte is inflated."""
    path = write_zeros_member(tmp_path / "BACI_HS92_V202401.zip", "country_codes_V202401.csv",
                              3 * MIB, head=COUNTRIES,
                              others={YEAR_FILE: b't,i,j,k,v,q\n2020,4,4,10110,1,"1"\n'})
    monkeypatch.setattr(archives, "MAX_COMPRESSION_RATIO", 10**6)
    monkeypatch.setattr(baci, "MAX_CODE_LIST_BYTES", 2 * MIB)
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("member opened"))
    with pytest.raises(InputError, match=r"country_codes_V202401\.csv: member is 3,1\d\d,\d+ "
                                         r"bytes decompressed; expected at most 2,097,152"):
        baci.read_country_codes(path)


def test_a_wdi_zip_bomb_is_refused_with_little_memory(tmp_path):
    path = write_zeros_member(tmp_path / "cpi.zip", "API_FP.CPI.TOTL_DS2_en_csv_v2_1.csv",
                              50 * MIB, others={"Metadata_Country_API_FP.CPI.TOTL_DS2_en_csv_v2_1"
                                                ".csv": b"Country Code,Region\n"})
    assert 50 * MIB < wdi.MAX_MEMBER_BYTES
    raised, peak = peak_python_memory(lambda: wdi.read_wdi_download(path))
    assert isinstance(raised, InputError) and "(a zip bomb?); refused" in str(raised)
    assert peak < 4 * MIB, f"peak {peak:,} bytes"


def test_small_members_are_not_held_to_the_ratio(tmp_path):
    """Short files of repeated lines compress far; under RATIO_CHECKED_FROM_BYTES they pass."""
    rows = b't,i,j,k,v,q\n' + b'2020,4,4,10110,1,"1"\n' * 1
    repeated = b"country_code,country_name,country_iso2,country_iso3\n" + b"4,A,AF,AFG\n" * 50_000
    assert len(repeated) < archives.RATIO_CHECKED_FROM_BYTES
    path = tmp_path / "BACI_HS92_V202401.zip"
    path.write_bytes(zip_bytes({YEAR_FILE: rows, "country_codes_V202401.csv": repeated}))
    info = zipfile.ZipFile(path).getinfo("country_codes_V202401.csv")
    assert info.file_size / info.compress_size > archives.MAX_COMPRESSION_RATIO
    assert baci.year_members(path) == {2020: YEAR_FILE}


def test_stated_limits_leave_room_for_real_files():
    """The most compressible provider files (ILOSTAT bulk CSVs) deflate about 14:1."""
    assert archives.MAX_COMPRESSION_RATIO >= 5 * 14
    assert baci.MAX_LINE_BYTES >= 1000 and baci.MAX_CODE_LIST_BYTES >= 10 * MIB
