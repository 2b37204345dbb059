"""Config, value-chain and registry validation: errors name the offending key."""

from __future__ import annotations

import copy
import re

import pytest

from conftest import REPO
from gvc_upgrading.config import (
    ConfigError,
    check_references,
    load_yaml,
    validate,
    window_warnings,
)

SCHEMAS = REPO / "workflow" / "schemas"


@pytest.fixture()
def config() -> dict:
    return load_yaml(REPO / "config" / "config.yaml")


def test_committed_files_are_valid(config):
    validate(config, SCHEMAS / "config.schema.yaml")
    gvcs = validate(load_yaml(REPO / "config" / "gvcs.yaml"), SCHEMAS / "gvcs.schema.yaml")
    registry = validate(load_yaml(REPO / "config" / "datasets.yaml"), SCHEMAS / "datasets.schema.yaml")
    check_references(config, gvcs, registry)


def test_unknown_key_is_named(config):
    config["classification"]["tolerence"] = 0.1
    with pytest.raises(ConfigError, match=r"'classification\.tolerence' is not allowed"):
        validate(config, SCHEMAS / "config.schema.yaml")


def test_unknown_top_level_key_is_named(config):
    config["seed"] = 3
    with pytest.raises(ConfigError, match=r"key 'seed' is not allowed"):
        validate(config, SCHEMAS / "config.schema.yaml")


def test_wrong_type_is_named(config):
    config["demo"]["seed"] = "forty-two"
    with pytest.raises(ConfigError, match=r"key 'demo\.seed': 'forty-two' is not of type 'integer'"):
        validate(config, SCHEMAS / "config.schema.yaml")


def test_wrong_type_in_list_item_is_named(config):
    config["estimation"]["specifications"][1]["log"] = "yes"
    with pytest.raises(ConfigError, match=r"key 'estimation\.specifications\.1\.log'"):
        validate(config, SCHEMAS / "config.schema.yaml")


def test_every_problem_is_listed(config):
    config["years"]["start"] = "1995"
    config["figures"]["dpi"] = 10
    with pytest.raises(ConfigError) as info:
        validate(config, SCHEMAS / "config.schema.yaml")
    assert "years.start" in str(info.value) and "figures.dpi" in str(info.value)


def test_hs_codes_keep_leading_zeros_as_strings():
    gvcs = load_yaml(REPO / "config" / "gvcs.yaml")
    broken = copy.deepcopy(gvcs)
    broken["horticulture"]["hs"]["HS92"] = [7, "08"]
    with pytest.raises(ConfigError, match=r"key 'horticulture\.hs\.HS92\.0'"):
        validate(broken, SCHEMAS / "gvcs.schema.yaml", name="value chains")


def test_references_to_unknown_chain_and_dataset(config):
    gvcs = load_yaml(REPO / "config" / "gvcs.yaml")
    registry = load_yaml(REPO / "config" / "datasets.yaml")
    config["value_chains"].append("tourism")
    config["datasets"]["trade"] = "baci_hs92_v999999"
    with pytest.raises(ConfigError) as info:
        check_references(config, gvcs, registry)
    assert "'tourism'" in str(info.value) and "datasets.trade" in str(info.value)


def _refs(config):
    gvcs = load_yaml(REPO / "config" / "gvcs.yaml")
    registry = load_yaml(REPO / "config" / "datasets.yaml")
    check_references(config, gvcs, registry)


def test_a_one_year_run_says_which_setting_to_change(config):
    config["years"].update(start=2021, end=2021)
    config["classification"]["periods"] = [{"label": "2021", "start": 2021, "end": 2021}]
    with pytest.raises(ConfigError, match=r"'years': one year \(2021\).*set years.end"):
        _refs(config)


def test_a_period_too_short_for_its_end_windows_is_named(config):
    config["years"].update(start=2016, end=2021)
    config["classification"]["periods"] = [{"label": "short", "start": 2017, "end": 2021}]
    config["classification"]["endpoint_years"] = 2
    _refs(config)  # a short run still runs; the workflow logs the warning
    [message] = window_warnings(config)
    assert re.search(r"endpoint_years.*'short' has 5 years.*\[3\].*at most 2", message)
    config["robustness"]["endpoint_years"] = [1, 2]
    assert window_warnings(config) == []


def test_a_dataset_set_to_null_is_not_looked_up(config):
    config["datasets"]["indstat"] = None
    validate(config, SCHEMAS / "config.schema.yaml")
    _refs(config)
