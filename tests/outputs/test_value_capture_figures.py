"""The value-capture figures: domestic value-added share paths and participation positions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gvc_upgrading.outputs.value_capture_figures import (
    participation_positions,
    plot_participation,
    plot_value_added_paths,
)

PERIODS = [{"label": "2000-2005", "start": 2000, "end": 2005},
           {"label": "2005-2010", "start": 2005, "end": 2010}]


def indicators() -> pd.DataFrame:
    rows = []
    for chain, activity in (("apparel", "C13T15"), ("mobile_phones", "C26")):
        for n, country in enumerate(["VNM", "CHN", "MEX"]):
            for year in range(2000, 2011):
                rows.append({"country": country, "value_chain": chain, "year": year,
                             "tiva_activity": activity,
                             "domestic_value_added_share": 60.0 - n - 0.5 * (year - 2000),
                             "foreign_value_added_share": 40.0 + n + 0.5 * (year - 2000),
                             "domestic_value_added_usd_constant": (n + 1) * 1e9 * (year - 1999)})
    table = pd.DataFrame(rows)
    table.loc[(table["country"] == "MEX") & (table["year"] == 2003),
              "domestic_value_added_share"] = np.nan  # a gap
    return table


def test_positions_are_means_over_the_end_windows():
    positions = participation_positions(indicators(), PERIODS, endpoint_years=2)
    row = positions[(positions["country"] == "CHN") & (positions["value_chain"] == "apparel")
                    & (positions["period"] == "2005-2010")].iloc[0]
    # CHN holds 2 of the 1 + 2 + 3 parts of the domestic value added every year
    assert row["end_value_added_share"] == pytest.approx(100 * 2 / 6)
    assert row["start_backward"] == pytest.approx(41 + 0.5 * np.mean([5, 6]))
    assert row["end_backward"] == pytest.approx(41 + 0.5 * np.mean([9, 10]))
    assert len(positions) == 3 * 2 * 2


def test_both_figures_are_written(tmp_path):
    table = indicators()
    labels = {"mobile_phones": "Mobile phones", "apparel": "Apparel"}
    paths = plot_value_added_paths(table, ["VNM", "MEX", "ETH"], tmp_path / "paths",
                                   formats=["png", "pdf"], dpi=60, chain_labels=labels)
    paths += plot_participation(table, PERIODS, tmp_path / "participation", endpoint_years=2,
                                formats=["png"], dpi=60, chain_labels=labels)
    assert [p.name for p in paths] == ["paths.png", "paths.pdf", "participation.png"]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_figures_need_the_value_capture_columns(tmp_path):
    table = indicators().drop(columns=["foreign_value_added_share"])
    with pytest.raises(ValueError, match=r"no column\(s\) \['foreign_value_added_share'\]"):
        plot_participation(table, PERIODS, tmp_path / "p")
    with pytest.raises(ValueError, match="none of the countries"):
        plot_value_added_paths(indicators(), ["ETH"], tmp_path / "p")
