"""The country crosswalk: special and historical codes, the policy for historical entities, and an
error naming code, source and file for a code it does not know, in every source."""

from __future__ import annotations

import gzip
import zipfile

import pandas as pd
import pytest

from gvc_upgrading.errors import InputError
from gvc_upgrading.harmonise.accounting import Ledger
from gvc_upgrading.harmonise.countries import (
    AGGREGATE,
    baci_crosswalk,
    drop_non_countries,
    drop_reasons,
    iso3_codes,
    numeric_codes,
)
from gvc_upgrading.harmonise.labour import harmonise_labour
from gvc_upgrading.harmonise.prices import harmonise_prices
from gvc_upgrading.harmonise.trade import harmonise_comtrade_year, harmonise_trade_year


def test_special_numeric_codes_of_the_trade_sources():
    codes = pd.Series(["842", "251", "699", "757", "579", "490", "050", "4", "840", "729"])
    assert numeric_codes(codes, source="UN Comtrade", path="x").tolist() == [
        "USA", "FRA", "IND", "CHE", "NOR", "TWN", "BGD", "AFG", "USA", "SDN"]


def test_historical_entities_keep_codes_of_their_own():
    codes = pd.Series(["810", "890", "200", "891", "736", "58", "711", "530"])
    mapped = numeric_codes(codes, source="UN Comtrade", path="x")
    assert mapped.tolist() == ["SUN", "YUG", "CSK", "SCG", "XSD", "BLX", "ZA1", "ANT"]
    # the ISO 3166-3 codes are recognised in ISO3 sources too
    assert iso3_codes(pd.Series(["SUN", "YUG", "CSK", "SCG"]), source="ILOSTAT",
                      path="x").tolist() == ["SUN", "YUG", "CSK", "SCG"]


def test_real_baci_country_list(real_data):
    codes = pd.read_csv(real_data / "cepii_baci" / "country_codes_V202301.csv", dtype=str,
                        keep_default_na=False).rename(columns={"iso_3digit_alpha": "iso3"})
    crosswalk = baci_crosswalk(codes)
    # the list files Belgium-Luxembourg as BEL, SACU as ZAF, former Sudan as SDN; the
    # crosswalk keeps them apart from their successors
    assert {k: crosswalk[k] for k in ["58", "56", "711", "710", "736", "729", "490", "842"]} == {
        "58": "BLX", "56": "BEL", "711": "ZA1", "710": "ZAF", "736": "XSD", "729": "SDN",
        "490": "TWN", "842": "USA"}
    assert set(codes["country_code"]) - set(crosswalk) == {"697"}  # Europe EFTA, nes
    shared = pd.Series(crosswalk).groupby(lambda code: crosswalk[code]).size()
    # one code per entity; only the Federal Republic (280) continues as Germany (276)
    assert shared[shared > 1].to_dict() == {"DEU": 2}


@pytest.mark.parametrize("policy", ["drop", "keep"])
def test_drop_reasons_follow_the_policy(policy):
    codes = pd.Series(["BGD", "SUN", AGGREGATE, "XSD"], dtype="string")
    reasons = drop_reasons(codes, policy, role="exporter")
    assert reasons.iloc[0] is pd.NA
    assert reasons.iloc[2] == "exporter is a regional aggregate or unspecified area"
    historical = "exporter is a historical entity (harmonise.historical_entities: drop)"
    expected = [historical, historical] if policy == "drop" else [pd.NA, pd.NA]
    assert reasons.iloc[[1, 3]].tolist() == expected


def _baci_zip(path, rows: str):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("BACI_HS92_Y1998_V202401.csv", '"t","i","j","k","v","q"\n' + rows)
        zf.writestr("country_codes_V202401.csv",
                    "country_code,country_name,country_iso2,country_iso3\n"
                    "58,Belgium-Luxembourg,BE,BEL\n842,USA,US,USA\n50,Bangladesh,BD,BGD\n")
    return path


@pytest.mark.parametrize("policy", ["drop", "keep"])
def test_historical_exporter_follows_the_policy_and_is_counted(tmp_path, policy):
    path = _baci_zip(tmp_path / "BACI_HS92_V202401.zip",
                     '1998,58,842,610910,2.5,"  1.000"\n1998,50,58,610910,4,"  2.000"\n'
                     '1998,50,842,610910,1,"NA"\n')
    ledgers = []
    table = harmonise_trade_year(path, 1998, historical_entities=policy, ledgers=ledgers)
    flows = table.to_pandas()
    assert "BLX" in set(flows["importer"])  # an importer is never dropped for its code
    accounting = ledgers[0].frame().set_index(["entry", "measure"])
    if policy == "drop":
        assert set(flows["exporter"]) == {"BGD"}
        dropped = accounting.loc[("dropped", "value_usd")]
        assert dropped["reason"] == ("exporter is a historical entity "
                                     "(harmonise.historical_entities: drop)")
        assert dropped["total"] == pytest.approx(2500.0)
    else:
        assert set(flows["exporter"]) == {"BGD", "BLX"}
        assert "dropped" not in accounting.index.get_level_values("entry")
    assert accounting.loc[("out", "value_usd"), "total"] == pytest.approx(flows["value_usd"].sum())


# --- an unknown code names code, source and file, for every source --------------------------

def _unknown_baci(tmp_path):
    path = _baci_zip(tmp_path / "BACI_HS92_V202401.zip", '1998,999,842,610910,2.5,"1"\n')
    return lambda: harmonise_trade_year(path, 1998), "999", "BACI", "BACI_HS92_Y1998_V202401.csv"


def _unknown_comtrade(tmp_path):
    path = tmp_path / "comtrade_2012.parquet"
    pd.DataFrame([{"refYear": 2012, "reporterCode": 999, "reporterISO": "BGD", "flowCode": "X",
                   "partnerCode": 0, "classificationCode": "H4", "cmdCode": "610910",
                   "primaryValue": 1.0, "netWgt": 1.0}]).to_parquet(path)
    return lambda: harmonise_comtrade_year(path, 2012), "999", "UN Comtrade", path.name


GVCS = {"apparel": {"label": "Apparel", "hs": {"HS92": ["61"]},
                    "isic": {"rev3": "18", "rev4": "14"}, "labour_source": "indstat"},
        "horticulture": {"label": "Horticulture", "hs": {"HS92": ["07"]},
                         "isic": {"rev3": "01", "rev4": "01"}, "labour_source": "ilostat"}}
PRICES = pd.DataFrame({"country": ["BGD"], "year": [2015], "cpi_rebased": [100.0],
                       "exchange_rate_lcu_per_usd": [80.0]})


def _unknown_indstat(tmp_path):
    path = tmp_path / "INDSTAT2.csv"
    path.write_text("04,999,2015,18,18,1000,01,1,2023-06-30,#\n")
    return (lambda: harmonise_labour(indstat_path=path, ilostat_employment_path=None,
                                     ilostat_earnings_path=None, prices=PRICES, gvcs=GVCS,
                                     chains=["apparel"], years=(1995, 2022)),
            "999", "UNIDO INDSTAT", path.name)


def _unknown_ilostat(tmp_path):
    path = tmp_path / "EMP_TEMP_AGE_EC2_NB_A.csv.gz"
    path.write_bytes(gzip.compress(
        b"ref_area,indicator,source,classif1,classif2,time,obs_value\n"
        b"ZZZ,EMP_TEMP_AGE_EC2_NB,BA:1,AGE_YTHADULT_YGE15,EC2_ISIC4_A01,2015,25\n"))
    return (lambda: harmonise_labour(indstat_path=None, ilostat_employment_path=path,
                                     ilostat_earnings_path=None, prices=PRICES, gvcs=GVCS,
                                     chains=["horticulture"], years=(1995, 2022)),
            "ZZZ", "ILOSTAT", path.name)


def _unknown_wdi(tmp_path):
    from test_harmonise_indicators import _wdi

    cpi, _ = _wdi(tmp_path / "API_FP.CPI.TOTL.csv", "FP.CPI.TOTL", "CPI",
                  {"BGD": {2010: 100}, "ZZZ": {2010: 100}})
    fx, _ = _wdi(tmp_path / "API_PA.NUS.FCRF.csv", "PA.NUS.FCRF", "FX", {"BGD": {2010: 70}})
    return lambda: harmonise_prices(cpi, fx, 2010), "ZZZ", "World Bank WDI", cpi.name


@pytest.mark.parametrize("case", [_unknown_baci, _unknown_comtrade, _unknown_indstat,
                                  _unknown_ilostat, _unknown_wdi])
def test_unknown_country_code_names_code_source_and_file(tmp_path, case):
    run, code, source, file = case(tmp_path)
    with pytest.raises(InputError) as info:
        run()
    message = str(info.value)
    assert code in message and source in message and file in message, message


def test_ledger_counts_aggregates_dropped_from_an_iso3_source():
    frame = pd.DataFrame({"country": iso3_codes(pd.Series(["BGD", "X01", "KOS"]),
                                                source="ILOSTAT", path="x",
                                                aggregates={"X01"}),
                          "employment_persons": [1.0, 5.0, 2.0]})
    ledger = Ledger("harmonise_labour", "ILOSTAT", "x", ["employment_persons"])
    kept = ledger.write(drop_non_countries(ledger.read(frame), "country", "drop", ledger))
    assert kept["country"].tolist() == ["BGD", "XKX"]
    dropped = ledger.frame().query("entry == 'dropped' and measure == 'employment_persons'")
    assert dropped["total"].tolist() == [5.0]
