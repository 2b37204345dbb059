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
