"""ILOSTAT dimensions harmonised to country x value chain x year, on the real bulk files.

Expected values are read from the files in the test with the csv module."""

from __future__ import annotations

import csv
import gzip

import pandas as pd
import pytest
import yaml

from conftest import REPO
from gvc_upgrading.dimensions import load_dimensions
from gvc_upgrading.harmonise.accounting import balance_problems, ledger_frame
from gvc_upgrading.harmonise.dimensions import (
    DIMENSION_TABLE,
    dimension_columns,
    harmonise_dimension,
)

CHAINS = ["apparel", "mobile_phones", "horticulture", "automotive"]


@pytest.fixture(scope="module")
def setup():
    dims = load_dimensions({"file": str(REPO / "config" / "dimensions.yaml"),
                            "use": ["hours_worked", "informality", "union_density"],
                            "define": {}})
    gvcs = yaml.safe_load((REPO / "config" / "gvcs.yaml").read_text(encoding="utf-8"))
    return dims, gvcs


def _rows(path):
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _harmonise(setup, name, path, years=(1995, 2022)):
    dims, gvcs = setup
    ledgers = []
    table = harmonise_dimension(dims[name], path, gvcs=gvcs, chains=CHAINS, years=years,
                                ledgers=ledgers)
    assert balance_problems(ledger_frame(ledgers)) == []
    DIMENSION_TABLE.validate(table)
    return table


def test_hours_by_section_for_each_chain_and_sex(real_data, setup):
    path = real_data / "ilostat" / "HOW_TEMP_SEX_ECO_NB_A.csv.gz"
    table = _harmonise(setup, "hours_worked", path)
    rows = _rows(path)
    # Germany, manufacturing (ISIC Rev.4 section C), women: one survey source per year
    expected = {int(r["time"]): float(r["obs_value"]) for r in rows
                if r["ref_area"] == "DEU" and r["classif1"] == "ECO_ISIC4_C"
                and r["sex"] == "SEX_F" and 1995 <= int(r["time"]) <= 2022
                and r["source"].startswith("BA")}
    got = table[(table["country"] == "DEU") & (table["value_chain"] == "apparel")
                & (table["sex"] == "female")].set_index("year")["value"]
    assert expected and {y: got[y] for y in expected} == pytest.approx(expected)
    # the manufacturing chains share the section's value; horticulture takes section A
    cars = table[(table["country"] == "DEU") & (table["value_chain"] == "automotive")
                 & (table["sex"] == "female")].set_index("year")["value"]
    assert cars.loc[list(expected)].tolist() == pytest.approx(list(expected.values()))
    horticulture = table[(table["value_chain"] == "horticulture")]
    assert set(horticulture["activity"].dropna()) <= {"ECO_ISIC3_A", "ECO_ISIC4_A"}
    assert set(table["level"]) == {"section"} and set(table["sex"]) == {"total", "female",
                                                                          "male"}


def test_unreliable_flags_travel_with_the_values(real_data, setup):
    path = real_data / "ilostat" / "HOW_TEMP_SEX_ECO_NB_A.csv.gz"
    table = _harmonise(setup, "hours_worked", path)
    manufacturing = ("ECO_ISIC4_C", "ECO_ISIC3_D")
    flagged = {(r["ref_area"], int(r["time"]), r["classif1"], r["sex"]) for r in _rows(path)
               if r["obs_status"] == "U" and r["classif1"] in manufacturing
               and 1995 <= int(r["time"]) <= 2022}
    apparel = table[(table["value_chain"] == "apparel") & table["unreliable"]]
    sexes = {"total": "SEX_T", "female": "SEX_F", "male": "SEX_M"}
    shown = set(zip(apparel["country"], apparel["year"], apparel["activity"],
                    apparel["sex"].map(sexes)))
    assert shown and shown <= flagged


def test_informality_only_splits_agriculture_from_the_rest(real_data, setup):
    path = real_data / "ilostat" / "SDG_0831_SEX_ECO_RT_A.csv.gz"
    table = _harmonise(setup, "informality", path)
    assert set(table["level"]) == {"sector"}
    by_chain = table.groupby("value_chain")["activity"].unique()
    assert all(code.endswith("_AGR") for code in by_chain["horticulture"])
    assert all(code.endswith("_NAG") for code in by_chain["apparel"])
    assert table["value"].between(0, 100).all()


def test_union_density_is_country_level_and_applies_to_every_chain(real_data, setup):
    path = real_data / "ilostat" / "ILR_TUMT_NOC_RT_A.csv.gz"
    table = _harmonise(setup, "union_density", path)
    rows = [r for r in _rows(path) if 1995 <= int(r["time"]) <= 2022
            and r["ref_area"] == "SWE"]
    expected = {int(r["time"]): float(r["obs_value"]) for r in rows}
    for chain in CHAINS:
        got = table[(table["country"] == "SWE") & (table["value_chain"] == chain)]
        assert dict(zip(got["year"], got["value"])) == pytest.approx(expected)
    assert set(table["level"]) == {"country"} and table["activity"].isna().all()


def test_dimension_columns_are_wide_per_sex(real_data, setup):
    dims, _ = setup
    hours = _harmonise(setup, "hours_worked",
                       real_data / "ilostat" / "HOW_TEMP_SEX_ECO_NB_A.csv.gz")
    wide = dimension_columns(hours, dims)
    assert {"hours_per_week", "hours_per_week_female", "hours_per_week_male"} <= set(wide)
    total = hours[hours["sex"] == "total"]
    assert wide["hours_per_week"].notna().sum() == len(total)
    merged = wide.merge(total, on=["country", "value_chain", "year"])
    assert (merged["hours_per_week"] == merged["value"]).all()
    assert len(wide) == len(hours.drop_duplicates(["country", "value_chain", "year"]))
    assert isinstance(wide, pd.DataFrame)
