"""The dimension registry: loading, overlays, and the errors that name what is wrong."""

from __future__ import annotations

import pytest
import yaml

from conftest import REPO
from gvc_upgrading.config import ConfigError
from gvc_upgrading.dimensions import by_side, check_datasets, load_dimensions, read_registry

REGISTRY = REPO / "config" / "dimensions.yaml"
HOURS_OVERTIME = {
    "label": "Employees working more than 48 hours a week", "side": "social",
    "group": "measurable_standard", "column": "long_hours_share", "unit": "per cent",
    "better": "lower", "by_sex": True, "level": "section",
    "source": {"dataset": "ilostat_long_hours", "format": "ilostat_bulk_csv",
               "indicator": "HOW_XEES_SEX_ECO_RT_A", "measure": "value"},
}


def _settings(use, define=None):
    return {"file": str(REGISTRY), "use": use, "define": define or {}}


def test_every_registry_entry_is_valid_and_has_its_own_column():
    entries = read_registry(REGISTRY)
    dims = load_dimensions(_settings(list(entries)))
    columns = [c for d in dims.values() for c in d.columns]
    assert len(columns) == len(set(columns))
    assert {d.side for d in dims.values()} == {"economic", "social"}
    for dim in dims.values():
        assert dim.sign == (1 if entries[dim.id]["better"] == "higher" else -1)


def test_employment_and_real_wage_are_entries_like_any_other():
    dims = load_dimensions(_settings(["real_wage", "employment", "market_share"]))
    assert list(dims) == ["real_wage", "employment", "market_share"]
    assert dims["employment"].column == "employment_persons"
    assert dims["real_wage"].source == {"table": "labour"}
    assert [d.id for d in by_side(dims, "social", "measurable_standard")] == [
        "real_wage", "employment"]


def test_an_overlay_adds_a_dimension_without_a_new_file():
    dims = load_dimensions(_settings(["employment", "long_hours"], {"long_hours": HOURS_OVERTIME}))
    assert dims["long_hours"].columns == ["long_hours_share", "long_hours_share_female",
                                          "long_hours_share_male"]
    assert dims["long_hours"].sign == -1
    assert dims["long_hours"].dataset == "ilostat_long_hours"


def test_an_overlay_replaces_an_entry_of_the_same_id():
    lower_is_better = {**read_registry(REGISTRY)["union_density"], "better": "lower"}
    dims = load_dimensions(_settings(["union_density"], {"union_density": lower_is_better}))
    assert dims["union_density"].sign == -1


@pytest.mark.parametrize(("change", "message"), [
    ({"better": "more"}, "better"),
    ({"side": "economic"}, "group"),
    ({"source": {"table": "labour", "indicator": "X"}}, "source"),
    ({"source": {"dataset": "x", "format": "ilostat_bulk_csv"}}, "source"),
    ({"level": "region"}, "level"),
])
def test_a_malformed_entry_names_the_dimension_and_key(change, message):
    with pytest.raises(ConfigError, match=rf"long_hours.*{message}|{message}.*long_hours"):
        load_dimensions(_settings(["long_hours"], {"long_hours": {**HOURS_OVERTIME, **change}}))


def test_unknown_ids_and_shared_columns_are_refused():
    with pytest.raises(ConfigError, match=r"dimensions.use.*\['hapiness'\]"):
        load_dimensions(_settings(["employment", "hapiness"]))
    twin = {**HOURS_OVERTIME, "column": "employment_persons", "by_sex": False}
    with pytest.raises(ConfigError, match="employment and twin both write column"):
        load_dimensions(_settings(["employment", "twin"], {"twin": twin}))


def test_a_dimension_read_from_a_file_needs_its_dataset_key():
    dims = load_dimensions(_settings(["employment", "long_hours"], {"long_hours": HOURS_OVERTIME}))
    with pytest.raises(ConfigError, match=r"'datasets'.*\['ilostat_long_hours'\].*long_hours"):
        check_datasets(dims, {"trade": "baci"})
    check_datasets(dims, {"ilostat_long_hours": "some_registry_id"})


def test_the_demo_configuration_loads(tmp_path):
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    settings = {**config["dimensions"], "file": str(REPO / config["dimensions"]["file"])}
    dims = load_dimensions(settings)
    check_datasets(dims, config["datasets"])
    assert list(dims) == config["dimensions"]["use"]


def test_real_overlay_registers_the_bulk_file_of_every_ilostat_dimension(real_data):
    """config/real_sources.yaml names, for every dimension read from ILOSTAT, a registry entry
    of the bulk facility (``{base_url}/<indicator>_A.csv.gz``) whose indicator is the
    dimension's; the real bulk files kept beside the repository carry those names and read
    with the dimension's indicator."""
    from gvc_upgrading.dimensions import check_indicators
    from gvc_upgrading.sources import ilostat

    overlay = yaml.safe_load((REPO / "config" / "real_sources.yaml").read_text())
    registry = yaml.safe_load((REPO / "config" / "datasets.yaml").read_text())
    every = load_dimensions(_settings(list(read_registry(REGISTRY))))
    ilostat_dims = {k: d for k, d in every.items()
                    if d.source.get("format") == "ilostat_bulk_csv"}
    check_datasets(ilostat_dims, overlay["datasets"])
    check_indicators(ilostat_dims, overlay["datasets"], registry)
    found = 0
    for dim in ilostat_dims.values():
        entry = registry[overlay["datasets"][dim.dataset]]
        indicator = dim.source["indicator"].removesuffix("_A")
        assert "generator" not in entry and entry["url"] == "{base_url}/{file}"
        assert entry["files"] == [f"{indicator}_A.csv.gz"], dim.id
        real = real_data / "ilostat" / entry["files"][0]
        if real.exists():  # hours, informality, union density
            table = ilostat.read_indicator(real, dim.source["indicator"], years=(2015, 2016),
                                           impossible="missing")
            assert set(table["indicator"]) == {indicator} and len(table) > 100
            found += 1
    assert found == 3


def test_an_entry_of_another_indicator_is_refused():
    from gvc_upgrading.dimensions import check_indicators

    dims = load_dimensions(_settings(["hours_worked", "fatal_injuries"]))
    datasets = {"ilostat_hours": "how", "ilostat_fatal_injuries": "inj",
                "ilostat_employment_by_sex": "emp"}
    registry = {"how": {"format": "ilostat_bulk_csv", "indicator": "HOW_TEMP_SEX_ECO_NB"},
                "inj": {"format": "ilostat_bulk_csv", "indicator": "INJ_FATL_ECO_NB"},
                "emp": {"format": "ilostat_bulk_csv", "indicator": "EMP_TEMP_AGE_EC2_NB"}}
    with pytest.raises(ConfigError, match=r"'datasets\.ilostat_employment_by_sex': emp holds "
                                          r"EMP_TEMP_AGE_EC2_NB; expected EMP_TEMP_SEX_ECO_NB_A, "
                                          r"which dimension fatal_injuries reads"):
        check_indicators(dims, datasets, registry)
    registry["emp"]["indicator"] = "EMP_TEMP_SEX_ECO_NB_A"
    check_indicators(dims, datasets, registry)  # with or without the _A of the file name


NATIONAL_INFORMALITY = {
    "label": "Informal employment rate, whole economy", "side": "social",
    "group": "measurable_standard", "column": "informality_rate_national",
    "unit": "per cent of employment", "better": "lower", "by_sex": True, "level": "country",
    "source": {"dataset": "ilostat_informality", "format": "ilostat_bulk_csv",
               "indicator": "SDG_0831_SEX_ECO_RT_A", "measure": "value"}}


def test_a_dimension_added_in_an_overlay_reaches_the_indicators_and_the_verdicts(demo_world):
    """No code change: an overlay defines the whole economy's informality (a file the workflow
    already reads, at country level, split by sex) and puts it in use; harmonisation gives each
    chain of a country the file's all-activities values, the indicator table gets its columns
    for the total, women and men, and the decent_work rule judges it."""
    import numpy as np
    import pandas as pd

    from gvc_upgrading.analysis.classify import DecentWork, classify
    from gvc_upgrading.config import load_yaml
    from gvc_upgrading.harmonise.dimensions import dimension_columns, harmonise_dimensions

    _, paths = demo_world
    path = next(p for p in paths["ilostat"] if p.name == "SDG_0831_SEX_ECO_RT_A.csv.gz")
    dims = load_dimensions(_settings(["market_share", "unit_value", "employment",
                                      "informality_national"],
                                     {"informality_national": NATIONAL_INFORMALITY}))
    chains = ["apparel", "horticulture"]
    long = harmonise_dimensions(dims, {"ilostat_informality": path},
                                gvcs=load_yaml(REPO / "config" / "gvcs.yaml"), chains=chains,
                                years=(1995, 2022))
    assert set(long["level"]) == {"country"} and set(long["sex"]) == {"total", "female", "male"}
    wide = dimension_columns(long, dims)
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    total = raw[(raw["classif1"] == "ECO_AGNAG_TOTAL") & (raw["sex"] == "SEX_F")
                & (raw["obs_value"] != "") & ~raw["ref_area"].str.match(r"X\d\d")]
    expected = total.assign(year=total["time"].astype(int), value=total["obs_value"].astype(float))
    for chain in chains:
        got = wide[wide["value_chain"] == chain].merge(
            expected, left_on=["country", "year"], right_on=["ref_area", "year"])
        assert len(got) > 500
        np.testing.assert_allclose(got["informality_rate_national_female"], got["value"])
    indicators = wide.assign(market_share=0.1, unit_value_usd_per_kg=2.0,
                             employment_persons=1000.0)
    result = classify(indicators, [{"label": "2002-2022", "start": 2002, "end": 2022}],
                      rule="decent_work", dimensions=dims, decent_work=DecentWork())
    assert {"informality_national_change", "informality_national_female_change",
            "informality_national_direction", "social_class_female"} <= set(result.columns)
    assert (result["informality_national_direction"] != "no data").sum() > 10
