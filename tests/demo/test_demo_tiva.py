"""The demo's OECD TiVA files: the real 2025 SDMX-CSV layout, consistency with the demo's BACI
trade data, and the relationship between relative prices and value kept that it builds in."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from gvc_upgrading import demo
from gvc_upgrading.config import load_yaml
from gvc_upgrading.demo.tiva import CHAIN_ACTIVITIES, MAX_ADDITIVITY_GAP
from gvc_upgrading.sources.tiva import read_tiva

SEED = 20111021
HEADER = (b"DATAFLOW,MEASURE,REF_AREA,ACTIVITY,COUNTERPART_AREA,UNIT_MEASURE,FREQ,TIME_PERIOD,"
          b"OBS_VALUE,UNIT_MULT\r\n")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    paths = demo.generate_demo_world(tmp_path_factory.mktemp("demo"), seed=SEED)
    return paths


@pytest.fixture(scope="module")
def tiva(files):
    levels, shares = (read_tiva(path) for path in files["oecd"])
    return levels, shares


def wide(table: pd.DataFrame) -> pd.DataFrame:
    out = table.pivot(index=["country", "activity", "year"], columns="measure", values="value")
    return out.rename_axis(columns=None)


def test_files_have_the_layout_of_the_api_answer(files, tiva):
    for path in files["oecd"]:
        data = path.read_bytes()
        assert data.startswith(HEADER) and data.count(b"\r\n") == data.count(b"\n")
    levels, shares = tiva
    assert set(levels["unit"]) == {"USD"} and set(levels["unit_mult"]) == {6}
    assert set(shares["unit"]) == {"PT_EXGR"} and set(levels["counterpart"]) == {"W"}
    assert set(levels["measure"]) == {"EXGR", "EXGR_DVA", "EXGR_FVA"}
    assert set(shares["measure"]) == {"EXGR_DVA", "EXGR_FVA", "EXGR_DVAFX"}
    assert set(levels["dataflow"]) == {"DF_MAINLV"} and set(shares["dataflow"]) == {"DF_MAINSH"}
    first_years = pd.read_csv(files["oecd"][0], dtype=str)["TIME_PERIOD"].head(50)
    assert not first_years.is_monotonic_increasing  # API order, not sorted


def test_codes_are_those_of_the_configuration_and_the_edition(tiva):
    levels, _ = tiva
    gvcs = load_yaml(REPO / "config" / "gvcs.yaml")
    assert CHAIN_ACTIVITIES == {chain: gvcs[chain]["tiva_activity"] for chain in CHAIN_ACTIVITIES}
    registry = load_yaml(REPO / "config" / "datasets.yaml")
    assert demo.EDITION_ECONOMIES == set(registry["tiva_mainlv_2025_1_1"]["sdmx"]["countries"])
    demo_countries = {c.iso3 for c in demo.COUNTRIES[:50]}
    assert set(levels["country"]) == (demo_countries & demo.EDITION_ECONOMIES) | {"W"}
    assert {"ETH", "KEN", "LKA"} <= demo_countries - set(levels["country"])
    assert set(levels["activity"]) == set(CHAIN_ACTIVITIES.values())
    assert set(levels["year"]) == set(range(1995, 2023))


def chain_exports_from_baci(zip_path) -> pd.DataFrame:
    """Each exporter's chain exports per year from the BACI zip (USD millions), computed
    here from the chains' HS codes."""
    codes = {c.baci_code: c.iso3 for c in demo.COUNTRIES}
    frames = []
    with zipfile.ZipFile(zip_path) as zf:
        for name in zf.namelist():
            if name.startswith("BACI_HS92_Y"):
                flows = pd.read_csv(zf.open(name), dtype={"k": str})
                frames.append(flows)
    flows = pd.concat(frames)
    flows["k"] = flows["k"].str.zfill(6)
    rows = []
    for chain, spec in demo.VALUE_CHAINS.items():
        mine = flows[flows["k"].isin(spec.products)]
        total = mine.groupby(["t", "i"])["v"].sum() * 1000 / 1e6
        rows.append(total.rename("chain_musd").reset_index().assign(
            activity=CHAIN_ACTIVITIES[chain]))
    out = pd.concat(rows)
    out["country"] = out["i"].map(codes)
    return out.rename(columns={"t": "year"})[["country", "activity", "year", "chain_musd"]]


def test_industry_exports_hold_the_chains_exports(files, tiva):
    levels, _ = tiva
    exgr = wide(levels)["EXGR"] / 1e6
    chain = chain_exports_from_baci(files["baci"][0]).set_index(["country", "activity", "year"])
    joined = chain.join(exgr.rename("exgr_musd"), how="inner")
    assert len(joined) > 2000
    assert (joined["exgr_musd"] >= joined["chain_musd"] - 0.0005).all()
    share = joined["chain_musd"] / joined["exgr_musd"]
    truth = demo.true_value_added(SEED).set_index(["country", "activity", "year"])
    expected = (truth["chain_exports_usd"] / truth["industry_exports_usd"]).reindex(share.index)
    assert share.to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-4)


def test_value_added_adds_up_as_in_the_real_files(tiva):
    levels, shares = tiva
    lv, sh = wide(levels) / 1e6, wide(shares)
    countries = sh.drop(index="W", level="country")
    assert (countries["EXGR_DVA"] + countries["EXGR_FVA"] - 100).abs().max() < 1e-9
    country_levels = lv.drop(index="W", level="country")
    gap = country_levels["EXGR_DVA"] + country_levels["EXGR_FVA"] - country_levels["EXGR"]
    assert gap.max() <= MAX_ADDITIVITY_GAP + 0.002 and gap.min() >= -0.011
    assert (gap.abs() > 0.002).mean() == pytest.approx(0.1, abs=0.03)
    derived = 100 * lv["EXGR_DVA"] / lv["EXGR"]
    assert (derived - sh["EXGR_DVA"]).abs().max() < 0.01
    world = lv.xs("W", level="country")
    summed = lv.drop(index="W", level="country").groupby(["activity", "year"]).sum()
    assert np.allclose(world.to_numpy(), summed.loc[world.index].to_numpy(), atol=0.01)
    assert sh.xs("W", level="country")["EXGR_DVAFX"].isna().all()


def within(frame: pd.DataFrame, column: str) -> pd.Series:
    """``column`` with country and year means removed (two-way demeaning, iterated)."""
    values = frame[column].astype(float)
    for _ in range(50):
        values = values - values.groupby(frame["country"]).transform("mean")
        values = values - values.groupby(frame["year"]).transform("mean")
    return values


@pytest.mark.parametrize("chain", list(demo.TRUE_VALUE_CAPTURE))
def test_price_effect_on_value_kept_is_recovered_from_the_files(tiva, chain):
    """logit of the published DVA share on the latent log relative price, country and year
    effects: the slope is the true effect."""
    _, shares = tiva
    share = wide(shares)["EXGR_DVA"].xs(CHAIN_ACTIVITIES[chain], level="activity") / 100
    panel = demo.true_panel(SEED)
    panel = panel[(panel["value_chain"] == chain) & panel["exporting"]]
    data = panel.set_index(["country", "year"])[["log_relative_price"]].join(
        np.log(share / (1 - share)).rename("logit"), how="inner").reset_index()
    y, x = within(data, "logit"), within(data, "log_relative_price")
    slope = float((x * y).sum() / (x * x).sum())
    assert slope == pytest.approx(demo.TRUE_VALUE_CAPTURE[chain], abs=0.03)


def test_forward_participation_is_a_stable_part_of_the_value_kept(tiva):
    _, shares = tiva
    sh = wide(shares).drop(index="W", level="country")
    ratio = sh["EXGR_DVAFX"] / sh["EXGR_DVA"]
    assert ratio.between(0.09, 0.45).all()
    spread = np.log(ratio).groupby(level=["country", "activity"]).std()
    assert spread.max() < 0.1
