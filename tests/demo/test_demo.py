"""The demo world: real file formats, determinism and the true relationships it encodes."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import REPO
from gvc_upgrading import demo

SEED = 20111021  # the seed of config/config.yaml


@pytest.fixture(scope="module")
def world(demo_world) -> tuple[Path, dict[str, list[Path]]]:
    return demo_world


@pytest.fixture(scope="module")
def panel(demo_panel) -> pd.DataFrame:
    return demo_panel


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _baci_year(paths, year: int) -> pd.DataFrame:
    with zipfile.ZipFile(paths["baci"][0]) as zf:
        flows = pd.read_csv(zf.open(f"BACI_HS92_Y{year}_V202401.csv"), dtype={"k": str, "q": str})
        codes = pd.read_csv(zf.open("country_codes_V202401.csv"))
    flows["k"] = flows["k"].str.zfill(6)
    flows["q"] = pd.to_numeric(flows["q"].str.strip(), errors="coerce")
    flows["country"] = flows["i"].map(dict(zip(codes["country_code"], codes["country_iso3"])))
    return flows


def _chain_of(hs6: pd.Series) -> pd.Series:
    return hs6.map({k: g for g, chain in demo.VALUE_CHAINS.items() for k in chain.products})


def _fe_slopes(df: pd.DataFrame, outcome: str, regressors: list[str]) -> np.ndarray:
    """OLS slopes of ``outcome`` on ``regressors`` with country and year dummies."""
    df = df.dropna(subset=[outcome, *regressors])
    X = np.column_stack([df[regressors].to_numpy(),
                         pd.get_dummies(df["country"], dtype=float).to_numpy(),
                         pd.get_dummies(df["year"], drop_first=True, dtype=float).to_numpy()])
    beta, *_ = np.linalg.lstsq(X, df[outcome].to_numpy(), rcond=None)
    return beta[:len(regressors)]


def _assert_recovered(df: pd.DataFrame, chain: str, log_ruv: str) -> None:
    for outcome, truth in demo.TRUE_COEFFICIENTS[chain].items():
        data = df.assign(y=np.log(df[outcome]), log_s=np.log(df["market_share"]))
        share, ruv = _fe_slopes(data, "y", ["log_s", log_ruv])
        assert share == pytest.approx(truth["market_share"], abs=demo.COEFFICIENT_TOLERANCE), \
            (chain, outcome)
        assert ruv == pytest.approx(truth["relative_unit_value"],
                                    abs=demo.COEFFICIENT_TOLERANCE), (chain, outcome)


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(world, tmp_path):
    out, _ = world
    demo.generate_demo_world(tmp_path / "again", seed=SEED)
    demo.generate_demo_world(tmp_path / "other", seed=SEED + 1)
    first = _digests(out)
    assert len(first) == sum(len(names) for names in demo.FILES.values()) == 17  # TiVA: 2 of them
    assert _digests(tmp_path / "again") == first
    other = _digests(tmp_path / "other")
    assert other.keys() == first.keys()
    for name in ("baci/BACI_HS92_V202401.zip", "ilostat/HOW_TEMP_SEX_ECO_NB_A.csv.gz",
                 "ilostat/ILR_TUMT_NOC_RT_A.csv.gz", "indstat/INDSTAT2_demo_ISIC3.csv"):
        assert other[name] != first[name], name


def test_writes_the_files_registered_for_the_demo_and_stays_small(world):
    out, paths = world
    registry = yaml.safe_load((REPO / "config" / "datasets.yaml").read_text())
    registered = {out / entry["source"] / name for entry in registry.values()
                  if entry.get("generator") == "demo" for name in entry["files"]}
    files = [p for ps in paths.values() for p in ps]
    assert registered == set(files)  # the rule generate_demo_world declares every file
    assert all(p.is_file() for p in files)
    assert not [p for p in out.rglob("*.part")]
    assert sum(p.stat().st_size for p in files) < 20e6


def test_baci_zip_has_the_release_layout(world):
    _, paths = world
    with zipfile.ZipFile(paths["baci"][0]) as zf:
        names = zf.namelist()
        year = zf.read("BACI_HS92_Y2021_V202401.csv").decode()
        countries = zf.read("country_codes_V202401.csv").decode()
        products = zf.read("product_codes_HS92_V202401.csv").decode()
        assert {info.date_time for info in zf.infolist()} == {demo.ZIP_DATE}
    assert names == [f"BACI_HS92_Y{y}_V202401.csv" for y in range(1995, 2023)] + [
        "country_codes_V202401.csv", "product_codes_HS92_V202401.csv", "Readme.txt"]
    lines = year.split("\r\n")
    assert lines[0] == '"t","i","j","k","v","q"'
    rows = [line.split(",") for line in lines[1:-1]]
    assert all(re.fullmatch(r'"[ 0-9.]{13}"|"\s{11}NA"', r[5]) for r in rows)
    assert 0.01 < np.mean([r[5] == '"           NA"' for r in rows]) < 0.06
    ks = {r[3] for r in rows}
    assert "70200" in ks and "852520" in ks and "270900" in ks  # chain and non-chain products
    assert not [k for k in ks if k.startswith("0")]
    assert countries.startswith("country_code,country_name,country_iso2,country_iso3\r\n")
    assert '842,"USA, Puerto Rico and US Virgin Islands",US,USA' in countries
    assert {"699,India,IN,IND", '757,"Switzerland, Liechtenstein",CH,CHE'} <= set(
        countries.split("\r\n"))
    listed = {line.split(",")[0] for line in countries.split("\r\n")[1:-1]}
    assert {r[1] for r in rows} | {r[2] for r in rows} <= listed
    assert '70200,"Tomatoes, fresh or chilled"' in products.split("\r\n")


def test_baci_values_never_round_to_zero(world):
    _, paths = world
    flows = _baci_year(paths, 1995)
    assert (flows["v"] >= 0.001).all()
    assert (flows["q"].dropna() >= 0.001).all()
    assert flows["k"].isin(demo.OTHER_PRODUCTS).any()


def test_indstat_records(world):
    _, paths = world
    lines = paths["indstat"][0].read_text().splitlines()
    fields = [line.split(",") for line in lines]
    assert {len(f) for f in fields} == {10}
    assert {f[0] for f in fields} == {"04", "05", "20", "31"}
    assert all(re.fullmatch(r"\d{3}", f[1]) for f in fields)
    assert {f[3] for f in fields} == {"18", "32", "34", "15"}
    assert all(f[3] == f[4] for f in fields)
    assert {f[0] for f in fields if f[5] == "..."} == {"04", "05", "20", "31"}
    # units per variable, in one file, as UNIDO's labelled exports (SOURCES.md 6a): counts '#',
    # money '$' (value added) or national currency (wages); table definitions as UNIDO's
    assert {(f[0], f[6], f[9]) for f in fields} == {
        ("04", "04", "#"), ("05", "05", "LCU"), ("31", "31", "#"),
        *(("20", utable, "$") for utable in ("17", "18", "19", "20"))}
    assert any(f[1] == "840" for f in fields)  # UNIDO codes are UN M49, not BACI codes


def test_ilostat_files_switch_from_isic3_to_isic4(world):
    _, paths = world
    emp_bytes, ear_bytes = (gzip.decompress(p.read_bytes()) for p in paths["ilostat"][:2])
    assert emp_bytes.startswith(b"\xef\xbb\xbfref_area,indicator,source,classif1,classif2,time,")
    assert ear_bytes.startswith(b"\xef\xbb\xbfref_area,indicator,source,sex,classif1,classif2,")
    emp = pd.read_csv(io.BytesIO(emp_bytes), encoding="utf-8-sig", dtype=str,
                      keep_default_na=False)
    ear = pd.read_csv(io.BytesIO(ear_bytes), encoding="utf-8-sig", dtype=str,
                      keep_default_na=False)
    # A01 for horticulture, the manufacturing divisions of the other chains, and the total
    divisions = {f"EC2_ISIC3_D{c.isic3}" for c in demo.VALUE_CHAINS.values() if c.isic3 != "01"}
    divisions |= {f"EC2_ISIC4_C{c.isic4}" for c in demo.VALUE_CHAINS.values() if c.isic4 != "01"}
    assert {"EC2_ISIC3_A01", "EC2_ISIC4_A01", "EC2_ISIC3_TOTAL", "EC2_ISIC4_TOTAL",
            *divisions} == set(emp["classif2"])
    assert {"AGE_YTHADULT_YGE15", "AGE_YTHADULT_Y15-24"} == set(emp["classif1"])
    assert ((emp["obs_value"] == "") == (emp["obs_status"] == "U")).all()
    assert (emp["obs_status"] == "U").any()
    assert {"ECO_ISIC3_A", "ECO_ISIC4_A"} <= set(ear["classif1"])
    assert {"SEX_T", "SEX_M", "SEX_F"} == set(ear["sex"])
    assert {"CUR_TYPE_LCU", "CUR_TYPE_USD"} == set(ear["classif2"])
    a01 = emp[(emp["classif1"] == "AGE_YTHADULT_YGE15") & emp["classif2"].str.endswith("_A01")]
    both = a01.groupby(["ref_area", "time"])["obs_value"].agg(["size", "nunique"])
    assert (both["size"] == 2).any()  # an overlap year carries both revisions ...
    assert (both["nunique"] == 1).all()  # ... with the same value


def test_wdi_bulk_layout(world):
    _, paths = world
    data, meta = paths["wdi"][0].read_bytes(), paths["wdi"][1].read_bytes()
    assert data.startswith(b'\xef\xbb\xbf"Data Source","World Development Indicators",\n\n'
                           b'"Last Updated Date","')
    lines = data.decode("utf-8-sig").split("\n")
    assert lines[4].startswith('"Country Name","Country Code","Indicator Name","Indicator Code",'
                               '"1960","1961"')
    assert all(line.endswith(",") for line in lines if line)
    table = pd.read_csv(paths["wdi"][0], skiprows=4, encoding="utf-8-sig", index_col=1)
    assert table.loc["USA", "Indicator Code"] == "FP.CPI.TOTL"
    assert (table.loc[["USA", "IND", "WLD"], "2010"] == 100.0).all()
    assert table.loc[:, "1960":"1989"].isna().all().all()
    metadata = pd.read_csv(io.BytesIO(meta), encoding="utf-8-sig", keep_default_na=False,
                           index_col=0)
    aggregates = set(metadata.index[metadata["Region"] == ""])
    assert aggregates == set(demo.WDI_AGGREGATES) and aggregates <= set(table.index)
    fx = pd.read_csv(paths["wdi"][2], skiprows=4, encoding="utf-8-sig", index_col=1)
    assert fx.loc["USA", "2000":"2023"].eq(1.0).all()
    assert fx.loc["FRA", "Indicator Name"] == "Official exchange rate (LCU per US$, period average)"


def test_written_files_carry_the_latent_panel(world, panel):
    _, paths = world
    flows = _baci_year(paths, 2008).assign(value_chain=lambda d: _chain_of(d["k"]))
    value = flows.dropna(subset=["value_chain"]).groupby(["country", "value_chain"])["v"].sum()
    share = (value / value.groupby(level="value_chain").transform("sum")).rename("file_share")
    trade = panel[panel["year"].eq(2008) & panel["exporting"]].join(
        share, on=["country", "value_chain"])
    np.testing.assert_allclose(trade["file_share"], trade["market_share"], rtol=1e-9)
    indstat = pd.read_csv(paths["indstat"][0], header=None, dtype=str).set_axis(
        ["ctable", "m49", "year", "isic", "comb", "value", "ut", "src", "upd", "unit"], axis=1)
    m49 = {f"{c.m49:03d}": c.iso3 for c in demo.COUNTRIES}
    isic = {chain.isic3: g for g, chain in demo.VALUE_CHAINS.items()}
    indstat = indstat[indstat["isic"].isin(isic) & indstat["value"].ne("...")].assign(
        country=lambda d: d["m49"].map(m49), value_chain=lambda d: d["isic"].map(isic),
        year=lambda d: d["year"].astype(int), value=lambda d: d["value"].astype(float))
    wide = indstat.pivot_table(index=["country", "value_chain", "year"], columns="ctable",
                               values="value").dropna()
    cpi = pd.read_csv(paths["wdi"][0], skiprows=4, encoding="utf-8-sig", index_col=1)
    deflator = [cpi.loc[c, str(y)] for c, _, y in wide.index]
    wide["real"] = wide["05"] / wide["04"] / np.array(deflator) * 100
    merged = panel.join(wide, on=["country", "value_chain", "year"], how="inner")
    assert len(merged) > 1000
    np.testing.assert_array_equal(merged["04"], merged["employment_persons"])
    np.testing.assert_allclose(merged["real"], merged["real_wage_per_employee_lcu"], rtol=1e-7)


def test_ilostat_values_carry_the_latent_horticulture_labour(world, panel):
    _, paths = world
    emp, ear = (pd.read_csv(p, encoding="utf-8-sig", keep_default_na=False, na_values=[""],
                            dtype={"obs_value": float}) for p in paths["ilostat"][:2])
    emp = emp[emp["classif1"].eq("AGE_YTHADULT_YGE15") & emp["classif2"].str.endswith("_A01")]
    ear = ear[ear["sex"].eq("SEX_T") & ear["classif1"].str.endswith("_A")
              & ear["classif2"].eq("CUR_TYPE_LCU")]
    hort = panel[panel["value_chain"] == "horticulture"].set_index(["country", "year"])
    emp = emp.dropna(subset=["obs_value"]).drop_duplicates(["ref_area", "time"])
    persons = hort.loc[list(zip(emp["ref_area"], emp["time"])), "employment_persons"]
    np.testing.assert_allclose(emp["obs_value"] * 1000, persons, rtol=1e-9)
    ear = ear.dropna(subset=["obs_value"]).drop_duplicates(["ref_area", "time"])
    annual = hort.loc[list(zip(ear["ref_area"], ear["time"])), "nominal_wage_per_employee_lcu"]
    np.testing.assert_allclose(ear["obs_value"], annual / 12, rtol=0, atol=0.0005 + 1e-9)
    assert len(emp) > 500 and len(ear) > 500


def test_latent_panel_recovers_true_coefficients(panel):
    for chain in demo.VALUE_CHAINS:
        rows = panel[panel["value_chain"] == chain]
        assert rows["exporting"].sum() > 400
        _assert_recovered(rows, chain, "log_relative_price")


def test_relative_unit_value_measured_from_the_zip_recovers_true_coefficients(world, panel):
    _, paths = world
    flows = pd.concat([_baci_year(paths, y) for y in range(1995, 2023)])
    flows = flows.assign(value_chain=_chain_of(flows["k"])).dropna(subset=["value_chain"])
    flows = flows.assign(vq=flows["v"].where(flows["q"].notna(), 0.0), q=flows["q"].fillna(0))
    product = flows.groupby(["value_chain", "t", "country", "k"])[["vq", "q"]].sum()
    world_uv = product.groupby(level=["value_chain", "t", "k"]).transform("sum")
    ratio = (product["vq"] / product["q"]) / (world_uv["vq"] / world_uv["q"])
    weighted = (ratio * product["vq"]).groupby(level=[0, 1, 2]).sum()
    ruv = np.log(weighted / product["vq"].groupby(level=[0, 1, 2]).sum()).rename("log_ruv")
    measured = panel.join(ruv.rename_axis(["value_chain", "year", "country"]),
                          on=["value_chain", "year", "country"])
    for chain in demo.VALUE_CHAINS:
        _assert_recovered(measured[measured["value_chain"] == chain], chain, "log_ruv")


def test_rejects_too_many_countries(tmp_path):
    with pytest.raises(ValueError, match="n_countries"):
        demo.generate_demo_world(tmp_path, seed=1, n_countries=len(demo.COUNTRIES) + 1)


def test_noise_is_orthogonal_to_regressors_and_fixed_effects_in_the_estimation_sample(panel):
    """On the latent panel the true coefficients are the exact least-squares solution, while
    the residuals (and so the standard errors) stay those of N(0, 0.08) noise."""
    for chain in demo.VALUE_CHAINS:
        rows = panel[(panel["value_chain"] == chain) & panel["exporting"]]
        for outcome, truth in demo.TRUE_COEFFICIENTS[chain].items():
            data = rows.dropna(subset=[outcome]).assign(
                y=lambda d: np.log(d[outcome]), log_s=lambda d: np.log(d["market_share"]))
            share, ruv = _fe_slopes(data, "y", ["log_s", "log_relative_price"])
            assert share == pytest.approx(truth["market_share"], abs=1e-4), (chain, outcome)
            assert ruv == pytest.approx(truth["relative_unit_value"], abs=1e-4), (chain, outcome)
            noise = (data["y"] - truth["market_share"] * data["log_s"]
                     - truth["relative_unit_value"] * data["log_relative_price"])
            dummies = pd.get_dummies(data[["country", "year"]].astype(str), dtype=float)
            fit, *_ = np.linalg.lstsq(dummies.to_numpy(), noise.to_numpy(), rcond=None)
            residual = noise.to_numpy() - dummies.to_numpy() @ fit
            assert 0.06 < residual.std() < 0.09, (chain, outcome)
