"""Configured years that the trade release does not have: a clear stop, or a skipped year."""

from __future__ import annotations

import logging

import pandas as pd
import pyarrow.parquet as pq
import pytest
from workflow_helpers import write_zip

from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.schema import TRADE
from gvc_upgrading.harmonise.trade import (
    release_years,
    write_missing_year,
    year_available,
)
from gvc_upgrading.io import read_metadata

COUNTRIES = "country_code,country_name,country_iso2,country_iso3\n4,Afghanistan,AF,AFG\n"


@pytest.fixture()
def release(tmp_path):
    """A BACI-layout zip with the years 2019 and 2021 (not 2020)."""
    members = {f"BACI_HS92_Y{year}_V202401.csv": f"t,i,j,k,v,q\n{year},4,4,610910,1.5,0.2\n"
               for year in (2019, 2021)}
    return write_zip(tmp_path / "BACI_HS92_V202401.zip",
                     {**members, "country_codes_V202401.csv": COUNTRIES})


def test_release_years_are_read_from_the_members(release):
    assert release_years(release, "baci_zip") == [2019, 2021]


def test_a_missing_year_stops_naming_the_years_the_release_has(release):
    assert year_available(release, 2021, "baci_zip", "stop")
    with pytest.raises(InputError, match=r"BACI_HS92_V202401.zip.*2020.*2019-2021 \(2 years\)"
                                         r".*years.start.*years.missing: skip"):
        year_available(release, 2020, "baci_zip", "stop")


def test_a_skipped_year_is_logged_and_written_empty(release, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert not year_available(release, 2020, "baci_zip", "skip")
    assert "no trade data for 2020" in caplog.text
    path = tmp_path / "trade_2020.parquet"
    write_missing_year(path, 2020, metadata={"year": 2020})
    table = pq.read_table(path)
    assert table.num_rows == 0
    assert table.schema.remove_metadata().equals(TRADE.arrow_schema())
    assert read_metadata(path)["missing_year"] is True


def test_an_empty_comtrade_year_counts_as_missing(tmp_path):
    path = tmp_path / "comtrade_2005.parquet"
    pd.DataFrame({"refYear": pd.Series(dtype="int64")}).to_parquet(path)
    assert release_years(path, "comtrade_json") == []
    assert not year_available(path, 2005, "comtrade_json", "skip")
