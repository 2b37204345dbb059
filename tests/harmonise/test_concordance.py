"""HS codes of config/gvcs.yaml against each HS edition's nomenclature: HS 1992 from the BACI
product list, the later editions from the UN correlation tables (real files)."""

from __future__ import annotations

import pytest

from conftest import REPO
from gvc_upgrading.config import load_yaml
from gvc_upgrading.harmonise.concordance import (
    check_value_chain_codes,
    nomenclatures,
    predecessors,
    read_correlation_table,
    read_product_list,
    successors,
)
from gvc_upgrading.valuechains import HS_REVISIONS, prefixes_by_revision

pytest.importorskip("python_calamine", reason="the UN tables are Excel files (test extra)")


@pytest.fixture(scope="module")
def tables(real_data) -> dict:
    """Correlation table of every edition after HS 1992, by revision name."""
    folder = real_data / "concordances" / "un_hs_conversion"
    read = [read_correlation_table(path) for path in sorted(folder.iterdir())]
    return {table["revision"].iloc[0]: table for table in read}


@pytest.fixture(scope="module")
def codes(real_data, tables) -> dict:
    hs92 = read_product_list(real_data / "cepii_baci" / "product_codes_HS92_V202301.csv.gz")
    return nomenclatures(hs92, tables.values())


@pytest.fixture(scope="module")
def gvcs() -> dict:
    return load_yaml(REPO / "config" / "gvcs.yaml")


def test_the_tables_cover_every_edition(tables, codes):
    assert sorted(tables, key=HS_REVISIONS.index) == HS_REVISIONS[1:]
    # six-digit codes per edition (HS 1992 from the BACI list, the others from their tables)
    assert {revision: len(c) for revision, c in codes.items()} == {
        "HS92": 5021, "HS96": 5113, "HS02": 5224, "HS07": 5052, "HS12": 5205, "HS17": 5387,
        "HS22": 5613}


def test_every_value_chain_code_exists_in_its_revision(gvcs, codes):
    assert check_value_chain_codes(gvcs, codes) == []


def test_a_code_missing_from_its_revision_is_reported(gvcs, codes):
    wrong = {chain: dict(spec) for chain, spec in gvcs.items()}
    wrong["mobile_phones"]["hs"] = {"HS92": ["852520"]}  # 852520 left HS in 2007
    problems = check_value_chain_codes(wrong, codes)
    assert problems == [f"mobile_phones {r}: 852520 (carried over) is not an {r} code"
                        for r in ("HS07", "HS12", "HS17", "HS22")]


def test_mobile_phone_codes_follow_the_hs_editions(gvcs, tables):
    """852520 (transmission apparatus with reception, incl. cellular phones) before HS 2007,
    851712 (telephones for cellular networks) from HS 2007, 851713 (smartphones) and 851714
    (other) from HS 2022: each is a successor of the HS 1992 code."""
    prefixes = prefixes_by_revision(gvcs, "mobile_phones")
    assert prefixes["HS96"] == prefixes["HS02"] == ["852520"]
    assert prefixes["HS07"] == prefixes["HS12"] == prefixes["HS17"] == ["851712"]
    assert prefixes["HS22"] == ["851713", "851714"]
    for revision in ("HS07", "HS12", "HS17", "HS22"):
        assert set(prefixes[revision]) <= successors(tables[revision], ["852520"]), revision
        assert predecessors(tables[revision], prefixes[revision]) == {"852520"}, revision


def test_no_chain_takes_in_products_of_another_hs92_heading(gvcs, tables):
    """Every code a chain selects in a later edition shares products with a code the chain
    selects in HS 1992, so a revision never brings unrelated products into a chain."""
    for chain in gvcs:
        prefixes = prefixes_by_revision(gvcs, chain)
        for revision, table in tables.items():
            selected = {c for c in table["code"] if c.startswith(tuple(prefixes[revision]))}
            for code in selected:
                assert any(p.startswith(tuple(prefixes["HS92"]))
                           for p in predecessors(table, [code])), (chain, revision, code)


def test_codes_without_a_later_edition_code_are_left_out(tables):
    # the HS 2012 table ends with two HS 1992 codes listed alone; they relate to nothing
    hs12 = tables["HS12"]
    assert hs12["code"].str.fullmatch(r"\d{6}").all()
    assert not hs12[hs12["hs92_code"] == "380999"]["code"].isin(["970600"]).any()
