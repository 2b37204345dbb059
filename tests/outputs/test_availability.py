"""The data-availability table: years per source and the variables each chain lost."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gvc_upgrading.config import ConfigError
from gvc_upgrading.outputs.availability import (
    availability_tables,
    lost_variables,
    source_years,
    variable_coverage,
    year_ranges,
)
from gvc_upgrading.valuechains import override_labour_sources, roles_in_use


@pytest.mark.parametrize(("years", "text"), [
    ([], ""), ([2001], "2001"), ([1997, 1995, 1996, 2001], "1995-1997, 2001"),
    ([1990, 1992, 1993, 1994, 1996], "1990, 1992-1994, 1996"),
])
def test_year_ranges(years, text):
    assert year_ranges(years) == text


def test_source_years_lists_the_configured_years_with_and_without_data():
    configured = list(range(2000, 2011))
    found = {("trade", "baci"): range(1995, 2009), ("labour (ilostat)", "ilo"): [2002, 2010]}
    table = source_years(found, configured).set_index("source")
    assert table.loc["trade", "years_with_data"] == "2000-2008"
    assert table.loc["trade", "years_without_data"] == "2009-2010"
    assert table.loc["trade", "n_with_data"] == 9 and table.loc["trade", "n_configured"] == 11
    assert table.loc["labour (ilostat)", "years_without_data"] == "2000-2001, 2003-2009"


def test_variable_coverage_names_what_each_chain_lost():
    indicators = pd.DataFrame({
        "value_chain": ["apparel"] * 3 + ["horticulture"] * 2,
        "employment_persons": [1.0, np.nan, 3.0, 4.0, 5.0],
        "value_added_lcu": [7.0, np.nan, np.nan, np.nan, np.nan],
    })
    coverage = variable_coverage(indicators, ["employment_persons", "value_added_lcu",
                                              "gender_pay_gap"])
    apparel = coverage[coverage["value_chain"] == "apparel"].set_index("variable")
    assert apparel.loc["employment_persons", "country_years_with_data"] == 2
    assert apparel.loc["employment_persons", "share_with_data"] == pytest.approx(2 / 3)
    assert lost_variables(coverage) == {"apparel": ["gender_pay_gap"],
                                        "horticulture": ["value_added_lcu", "gender_pay_gap"]}
    tables = availability_tables(source_years({("trade", "baci"): [2000]}, [2000, 2001]),
                                 coverage, {"apparel": "Apparel"})
    assert "| Apparel | variables without data | gender_pay_gap |" in tables["markdown"]
    assert "<table" in tables["html"] and "value_added_lcu, gender_pay_gap" in tables["html"]
    assert "specification left out" not in tables["markdown"]
    tables = availability_tables(source_years({("trade", "baci"): [2000]}, [2000, 2001]),
                                 coverage, {"apparel": "Apparel"},
                                 {"real_wage_union_density": ["union_density"]})
    assert ("| real_wage_union_density | specification left out |  | union_density |"
            in tables["markdown"])
    assert "Specifications left out" in tables["markdown"]


def test_labour_source_override_changes_every_goods_chain_only():
    gvcs = {"apparel": {"labour_source": "indstat"},
            "cars": {"labour_source": ["indstat", "ilostat"]},
            "tourism": {"labour_source": "ilostat", "wdi_tourism": {}}}
    assert override_labour_sources(gvcs, None) is gvcs
    changed = override_labour_sources(gvcs, "ilostat")
    assert {name: chain["labour_source"] for name, chain in changed.items()} == {
        "apparel": "ilostat", "cars": "ilostat", "tourism": "ilostat"}
    assert gvcs["apparel"]["labour_source"] == "indstat"
    with pytest.raises(ConfigError, match="labour_source_override.*'unido'"):
        override_labour_sources(gvcs, "unido")


def test_roles_in_use_follow_the_chains_labour_sources_and_dimensions():
    """The input roles a configuration reads: INDSTAT only for a chain that takes its labour
    data there, the WDI tourism files only with a tourism chain, and each dimension's files."""
    from conftest import REPO
    from gvc_upgrading.dimensions import load_dimensions

    gvcs = {"apparel": {"labour_source": "indstat"},
            "cars": {"labour_source": ["indstat", "ilostat"]},
            "tourism": {"labour_source": "ilostat", "wdi_tourism": {}}}
    dims = load_dimensions({"file": str(REPO / "config" / "dimensions.yaml"),
                            "use": ["market_share", "hours_worked"]}).values()
    assert roles_in_use(gvcs, ["apparel"], dims) == {
        "trade": "every goods chain", "wdi_cpi": "prices", "wdi_exchange_rate": "prices",
        "indstat": "labour source indstat", "ilostat_hours": "dimension hours_worked"}
    everything = roles_in_use(gvcs, ["apparel", "cars", "tourism"], dims)
    assert everything["ilostat_employment"] == "labour source ilostat"
    assert everything["wdi_tourism_arrivals"] == "tourism chain(s) tourism"
    open_data = roles_in_use(override_labour_sources(gvcs, "ilostat"), ["apparel", "cars"], [])
    assert "indstat" not in open_data and "ilostat_earnings" in open_data
