"""OECD TiVA in the configuration: registry entries per dataflow and edition, the chains'
activities checked against the edition's activity list, and dimensions whose measure the
edition does not publish."""

from __future__ import annotations

import copy

import pytest

from conftest import REPO
from gvc_upgrading.config import ConfigError, load_yaml, validate
from gvc_upgrading.dimensions import check_value_added, load_dimensions, value_added_measures

REGISTRY = load_yaml(REPO / "config" / "datasets.yaml")
GVCS = load_yaml(REPO / "config" / "gvcs.yaml")
CHAINS = ["apparel", "mobile_phones", "horticulture", "automotive"]
TIVA_DIMENSIONS = ["domestic_value_added", "domestic_value_added_share",
                   "foreign_value_added_share", "forward_participation"]
DEMO = {"tiva_levels": "tiva_mainlv_demo", "tiva_shares": "tiva_mainsh_demo"}
REAL = {"tiva_levels": "tiva_mainlv_2025_1_1", "tiva_shares": "tiva_mainsh_2025_1_1"}


def dimensions(use=TIVA_DIMENSIONS):
    return load_dimensions({"file": str(REPO / "config" / "dimensions.yaml"), "use": list(use),
                            "define": {}})


def test_registry_holds_each_dataflow_of_each_edition():
    validate(REGISTRY, REPO / "workflow" / "schemas" / "datasets.schema.yaml", name="registry")
    tiva = {key: entry for key, entry in REGISTRY.items() if entry["format"] == "tiva_sdmx_csv"}
    assert {(e["sdmx"]["dataflow"], e["version"]) for e in tiva.values()} == {
        ("DSD_TIVA_MAINLV@DF_MAINLV", "demo"), ("DSD_TIVA_MAINSH@DF_MAINSH", "demo"),
        ("DSD_TIVA_MAINLV@DF_MAINLV", "2025-1.1"), ("DSD_TIVA_MAINSH@DF_MAINSH", "2025-1.1")}
    for entry in tiva.values():
        assert entry["sdmx"]["unit"] == ("USD" if "MAINLV" in entry["sdmx"]["dataflow"]
                                         else "PT_EXGR")
        if "url" in entry:  # real: the API is asked for the edition's economies
            assert "{request}" in entry["files"][0] and len(entry["sdmx"]["countries"]) == 80


def test_chains_name_activities_of_the_edition():
    check_value_added(dimensions(TIVA_DIMENSIONS[:3]), REAL, REGISTRY, GVCS, CHAINS, "gvcs.yaml")
    check_value_added(dimensions(), DEMO, REGISTRY, GVCS, CHAINS, "gvcs.yaml")
    assert {GVCS[c]["tiva_activity"] for c in CHAINS} == {"C13T15", "C26", "A01", "C29"}


def test_a_chain_without_or_with_a_wrong_activity_is_named():
    gvcs = copy.deepcopy(GVCS)
    del gvcs["apparel"]["tiva_activity"]
    gvcs["automotive"]["tiva_activity"] = "D29"
    with pytest.raises(ConfigError) as caught:
        check_value_added(dimensions(), DEMO, REGISTRY, gvcs, CHAINS, "gvcs.yaml")
    message = str(caught.value)
    assert "'apparel.tiva_activity' is missing" in message
    assert "'automotive.tiva_activity': 'D29' is not an activity of tiva_mainlv_demo" in message
    assert "D_E" in message  # codes starting alike


def test_without_value_added_dimensions_no_activity_is_needed():
    gvcs = copy.deepcopy(GVCS)
    del gvcs["apparel"]["tiva_activity"]
    check_value_added(dimensions(["market_share", "employment"]), DEMO, REGISTRY, gvcs, CHAINS,
                      "gvcs.yaml")
    with pytest.raises(ConfigError, match="apparel.tiva_activity"):
        check_value_added(dimensions(["market_share", "domestic_value_added_share"]), DEMO,
                          REGISTRY, gvcs, CHAINS, "gvcs.yaml")


def test_a_measure_the_edition_does_not_list_stops_the_run():
    with pytest.raises(ConfigError, match="forward_participation reads measure EXGR_DVAFX, "
                                          "which tiva_mainsh_2025_1_1 does not list"):
        check_value_added(dimensions(), REAL, REGISTRY, GVCS, CHAINS, "gvcs.yaml")


def test_a_role_naming_another_format_is_refused():
    with pytest.raises(ConfigError, match="wdi_cpi_demo has format wdi_bulk_csv"):
        check_value_added(dimensions(), {**DEMO, "tiva_shares": "wdi_cpi_demo"}, REGISTRY, GVCS,
                          CHAINS, "gvcs.yaml")


def test_measures_asked_for_follow_the_dimensions_in_use():
    dims = dimensions(["domestic_value_added_share", "foreign_value_added_share"])
    levels, shares = REGISTRY["tiva_mainlv_demo"], REGISTRY["tiva_mainsh_demo"]
    assert value_added_measures(dims, "tiva_shares", shares) == ["EXGR_DVA", "EXGR_FVA"]
    assert value_added_measures(dims, "tiva_levels", levels) == ["EXGR"]  # gross exports
    assert value_added_measures(dimensions(), "tiva_levels", levels) == ["EXGR", "EXGR_DVA"]
