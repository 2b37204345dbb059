"""Tests for choosing the specifications that the dimensions in use can fill:
gvc_upgrading.analysis.specifications.specs_of_dimensions with the committed registry."""

from __future__ import annotations

import yaml

from conftest import REPO
from gvc_upgrading.analysis.specifications import spec_variables, specs_of_dimensions
from gvc_upgrading.dimensions import load_dimensions, registry_dimensions

CONFIG = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
SETTINGS = {**CONFIG["dimensions"], "file": str(REPO / CONFIG["dimensions"]["file"])}
SPECS = CONFIG["estimation"]["specifications"]


def choose(use):
    used = load_dimensions({**SETTINGS, "use": use})
    return specs_of_dimensions(SPECS, used.values(), registry_dimensions(SETTINGS).values())


def test_every_default_specification_is_kept_with_every_dimension_in_use():
    kept, left_out = choose(CONFIG["dimensions"]["use"])
    assert kept == SPECS and left_out == {}


def test_specifications_of_dimensions_left_out_are_named_with_those_dimensions():
    core = ["market_share", "unit_value", "relative_unit_value", "employment", "real_wage"]
    kept, left_out = choose(core)
    registry = registry_dimensions(SETTINGS)
    owner = {column: dim.id for dim in registry.values() for column in dim.columns}
    for spec in SPECS:
        needed = {owner[c] for c in spec_variables([spec]) if c in owner}
        if needed <= set(core):
            assert spec in kept
        else:
            assert set(left_out[spec["id"]]) == needed - set(core)
    # the defaults hold both kinds: the market-share specifications stay, the women's go
    assert {"employment", "real_wage"} <= {spec["id"] for spec in kept}
    assert left_out["gender_pay_gap"] == ["gender_pay_gap"]
    assert left_out["real_wage_union_density"] == ["union_density"]


def test_a_column_no_dimension_writes_is_not_a_reason_to_leave_out():
    spec = {"id": "productivity", "outcome": "labour_productivity_lcu",
            "regressors": ["market_share"]}
    used = load_dimensions({**SETTINGS, "use": ["market_share"]})
    kept, left_out = specs_of_dimensions([spec], used.values(),
                                         registry_dimensions(SETTINGS).values())
    assert kept == [spec] and left_out == {}
