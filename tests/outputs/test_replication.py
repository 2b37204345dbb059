"""The replication diff: a table of published values against the run's classification."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from workflow_helpers import copy_repo, snakemake

from conftest import REPO
from gvc_upgrading.config import ConfigError, load_yaml, validate
from gvc_upgrading.errors import InputError
from gvc_upgrading.io import atomic_path, write_text
from gvc_upgrading.outputs.replication import (
    COMPARISON_COLUMNS,
    compare,
    numbers_match,
    read_published,
    replication_report,
    summarise,
)

NAN = math.nan
CHAINS = ["apparel", "automotive"]
PERIODS = ["1995-2008", "2008-2022"]
HEADER = "country,value_chain,period,indicator,value,source"


def classification_table() -> pd.DataFrame:
    """Three classified cells, typed by hand (log changes)."""
    columns = ["country", "value_chain", "period", "market_share_change", "unit_value_change",
               "relative_unit_value_change", "employment_change", "real_wage_change",
               "change_measure", "economic_class", "social_class"]
    rows = [
        ("BGD", "apparel", "1995-2008", 0.20, -0.10, -0.05, 0.50, NAN, "log",
         "mixed", "insufficient data"),
        ("VNM", "apparel", "1995-2008", 1.05, 0.30, 0.25, 0.0, 0.10, "log",
         "upgrading", "mixed"),
        ("MEX", "automotive", "2008-2022", -0.40, -0.20, -0.30, -0.10, -0.05, "log",
         "downgrading", "downgrading"),
    ]
    return pd.DataFrame(rows, columns=columns)


def write_published(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


#: (published row, expected status); the statuses follow from the hand-typed values above with
#: tolerance 0.05 and absolute tolerance 0.005.
CELLS = [
    ("BGD,apparel,1995-2008,market_share_change,0.2,Table 2", "match"),        # equal
    ("BGD,apparel,1995-2008,unit_value_change,-0.104,Table 2", "match"),       # 3.8% off
    ("VNM,apparel,1995-2008,market_share_change,1.0,Table 2", "match"),        # 5% off: on the bound
    ("VNM,apparel,1995-2008,unit_value_change,0.2857,Table 2", "mismatch"),    # 5.005% off
    ("VNM,apparel,1995-2008,employment_change,0.004,Table 4", "match"),        # absolute 0.004
    ("MEX,automotive,2008-2022,employment_change,-0.106,Table 4", "mismatch"),  # 0.006 off
    ("BGD,apparel,1995-2008,real_wage_change,0.3,Table 4", "missing"),         # NaN in the run
    ("BGD,apparel,1995-2008,social_class,upgrading,Table 5", "missing"),       # insufficient data
    ("VNM,apparel,1995-2008,economic_class,Upgrading,Table 5", "match"),       # capitalised
    ("MEX,automotive,2008-2022,economic_class,upgrading,Table 5", "mismatch"),
    ("MEX,apparel,2008-2022,market_share_change,0.1,Table 2", "missing"),      # no such row
]


@pytest.fixture()
def comparison(tmp_path) -> pd.DataFrame:
    published = read_published(write_published(tmp_path / "published.csv",
                                                [row for row, _ in CELLS]),
                               value_chains=CHAINS, periods=PERIODS)
    return compare(classification_table(), published, tolerance=0.05, absolute_tolerance=0.005)


# --- comparing ----------------------------------------------------------------------------------


def test_each_cell_gets_its_status(comparison):
    assert list(comparison.columns) == COMPARISON_COLUMNS
    assert list(comparison["status"]) == [status for _, status in CELLS]
    assert summarise(comparison) == {"cells": 11, "match": 5, "mismatch": 3, "missing": 3,
                                     "numbers": 8, "numbers_matched": 4, "classes": 3,
                                     "classes_agreeing": 1}


def test_disagreements_carry_both_values(comparison):
    mismatched = comparison[comparison["status"] == "mismatch"].reset_index(drop=True)
    expected = pd.DataFrame({
        "country": ["VNM", "MEX", "MEX"],
        "value_chain": ["apparel", "automotive", "automotive"],
        "period": ["1995-2008", "2008-2022", "2008-2022"],
        "indicator": ["unit_value_change", "employment_change", "economic_class"],
        "published": [0.2857, -0.106, "upgrading"],
        "computed": [0.30, -0.10, "downgrading"],
        "source": ["Table 2", "Table 4", "Table 5"],
    })
    for column in ["country", "value_chain", "period", "indicator", "source"]:
        assert list(mismatched[column]) == list(expected[column]), column
    assert mismatched["published"].iloc[:2].tolist() == pytest.approx([0.2857, -0.106])
    assert mismatched["computed"].iloc[:2].tolist() == pytest.approx([0.30, -0.10])
    assert mismatched["published"].iloc[2] == "upgrading"
    assert mismatched["computed"].iloc[2] == "downgrading"
    assert mismatched["difference"].iloc[:2].tolist() == pytest.approx([0.0143, 0.006])
    assert np.isnan(mismatched["difference"].iloc[2])


def test_missing_cells_say_why(comparison):
    missing = comparison[comparison["status"] == "missing"]
    assert list(missing["indicator"]) == ["real_wage_change", "social_class", "market_share_change"]
    assert np.isnan(missing["computed"].iloc[0])
    assert missing["computed"].iloc[1] == "insufficient data"
    assert "too few observations" in missing["note"].iloc[0]
    assert "no row for this country" in missing["note"].iloc[2]
    assert (comparison.loc[comparison["status"] != "missing", "note"] == "").all()


@pytest.mark.parametrize(("published", "computed", "tolerance", "absolute", "expected"), [
    (1.0, 1.05, 0.05, 0.0, True),      # exactly on the relative bound (float rounding allowed)
    (1.0, 0.95, 0.05, 0.0, True),
    (1.0, 1.0501, 0.05, 0.0, False),
    (-2.0, -2.1, 0.05, 0.0, True),     # the bound uses |published|
    (-2.0, -1.89, 0.05, 0.0, False),
    (0.0, 0.0, 0.0, 0.0, True),
    (0.0, 1e-6, 0.05, 0.0, False),     # a relative tolerance cannot reach a published zero
    (0.0, 0.005, 0.05, 0.005, True),   # ... an absolute one can, inclusively
    (0.0, -0.0051, 0.05, 0.005, False),
    (100.0, 104.0, 0.0, 5.0, True),    # absolute wider than relative
    (100.0, 106.0, 0.0, 5.0, False),
    (100.0, 106.0, 0.1, 5.0, True),    # the wider of the two bounds counts
])
def test_numbers_match_within_either_tolerance(published, computed, tolerance, absolute, expected):
    assert numbers_match(published, computed, tolerance, absolute) is expected


def test_zero_tolerance_matches_only_equal_numbers(tmp_path):
    published = read_published(write_published(tmp_path / "p.csv", [
        "BGD,apparel,1995-2008,market_share_change,0.2,", "VNM,apparel,1995-2008,market_share_change,1.0,"]))
    result = compare(classification_table(), published, tolerance=0.0, absolute_tolerance=0.0)
    assert list(result["status"]) == ["match", "mismatch"]


@pytest.mark.parametrize("tolerances", [{"tolerance": -0.1}, {"absolute_tolerance": -1.0},
                                        {"tolerance": float("nan")}])
def test_negative_tolerance_is_refused(tmp_path, tolerances):
    published = read_published(write_published(tmp_path / "p.csv", [CELLS[0][0]]))
    with pytest.raises(ValueError, match="must be a finite number >= 0"):
        compare(classification_table(), published, **tolerances)


def test_duplicate_rows_in_the_classification_are_refused(tmp_path):
    published = read_published(write_published(tmp_path / "p.csv", [CELLS[0][0]]))
    doubled = pd.concat([classification_table(), classification_table().head(1)])
    with pytest.raises(ValueError, match="more than one row for BGD / apparel / 1995-2008"):
        compare(doubled, published)


# --- reading ------------------------------------------------------------------------------------


def test_read_published_strips_blanks_and_numbers_rows(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("country, value_chain ,period,indicator,value\n"
                    "BGD , apparel,1995-2008,market_share_change, -0.25\n"
                    "\n"
                    "VNM,apparel,2008-2022,social_class, Mixed \n", encoding="utf-8")
    table = read_published(path, value_chains=CHAINS, periods=PERIODS)
    assert list(table["row"]) == [2, 4]
    assert list(table["country"]) == ["BGD", "VNM"]
    assert table["published"].tolist() == [-0.25, "mixed"]
    assert list(table["source"]) == ["", ""]


def test_a_byte_order_mark_and_quoted_commas_are_read(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(("\ufeff" + HEADER + '\nBGD,apparel,1995-2008,real_wage_change,1e-2,'
                      '"Table 3, column 2"\n').encode("utf-8"))
    table = read_published(path)
    assert table["published"].tolist() == [0.01]
    assert table["source"].tolist() == ["Table 3, column 2"]


GOOD = "BGD,apparel,1995-2008,market_share_change,0.1,Table 1"

#: (name, file text, pattern, row, key): every fault names the file, its row and its key.
MALFORMED = [
    ("missing column", "country,value_chain,period,value\nBGD,apparel,1995-2008,0.1\n",
     r"missing column\(s\) \['indicator'\]; expected the header", 1, "header"),
    ("semicolons", "country;value_chain;period;indicator;value\nBGD;apparel;1995-2008;x;1\n",
     r"missing column.*semicolon-separated", 1, "header"),
    ("unknown column", HEADER + ",sauce\n" + GOOD + ",x\n",
     r"unknown column 'sauce'; expected only the columns", 1, "sauce"),
    ("header only", HEADER + "\n", r"has a header but no data rows; expected", 2, None),
    ("wrong field count", HEADER + "\n" + GOOD + "\nBGD,apparel,1995-2008,unit_value_change,0.1,"
     "Table 3, col 2\n", r"has 7 fields; expected 6", 3, None),
    ("empty value", HEADER + "\nBGD,apparel,1995-2008,market_share_change,,Table 1\n",
     r"value is empty; expected a number or a class label", 2, "value"),
    ("lower-case country", HEADER + "\nbgd,apparel,1995-2008,market_share_change,0.1,\n",
     r"country 'bgd' is not a country code; expected an ISO3", 2, "country"),
    ("unknown indicator", HEADER + "\n" + GOOD + "\nBGD,apparel,1995-2008,market_share,0.1,\n",
     r"indicator 'market_share' is not a column .*expected one of: market_share_change, "
     r"unit_value_change, .*economic_class, social_class", 3, "indicator"),
    ("unknown value chain", HEADER + "\nBGD,textiles,1995-2008,market_share_change,0.1,\n",
     r"value_chain 'textiles' is not a configured value chain.*expected one of: apparel, "
     r"automotive", 2, "value_chain"),
    ("unknown period", HEADER + "\nBGD,apparel,1995-2007,market_share_change,0.1,\n",
     r"period '1995-2007' is not a period label.*expected one of: 1995-2008, 2008-2022", 2,
     "period"),
    ("percent sign", HEADER + "\nBGD,apparel,1995-2008,market_share_change,12%,\n",
     r"value '12%' is not a number; expected a finite number for market_share_change", 2,
     "value"),
    ("not available", HEADER + "\n\n" + GOOD + "\nBGD,apparel,1995-2008,employment_change,n/a,\n",
     r"value 'n/a' is not a number", 4, "value"),
    ("infinite", HEADER + "\nBGD,apparel,1995-2008,employment_change,inf,\n",
     r"value 'inf' is not a number; expected a finite number", 2, "value"),
    ("unknown class", HEADER + "\nBGD,apparel,1995-2008,economic_class,upgraded,\n",
     r"value 'upgraded' is not a class label; expected one of upgrading, mixed, downgrading "
     r"for economic_class", 2, "value"),
    ("insufficient data as a class", HEADER + "\nBGD,apparel,1995-2008,social_class,"
     "insufficient data,\n", r"not a class label", 2, "value"),
    ("duplicate cell", HEADER + "\n" + GOOD + "\nVNM,apparel,1995-2008,market_share_change,0.2,\n"
     + GOOD.replace("0.1", "0.3") + "\n",
     r"BGD / apparel / 1995-2008 / market_share_change is given twice \(rows 2 and 4\); "
     r"expected each", 4, "BGD / apparel / 1995-2008 / market_share_change"),
]


def run_replication(published: Path, out: Path) -> None:
    """The rule's steps, writing into ``out`` as the rule script does."""
    table = read_published(published, value_chains=CHAINS, periods=PERIODS)
    result = compare(classification_table(), table)
    with atomic_path(out / "replication.csv") as tmp:
        result.to_csv(tmp, index=False)
    for fmt, name in (("markdown", "replication.md"), ("html", "replication.html")):
        write_text(replication_report(result, fmt, tolerance=0.05), out / name)


@pytest.mark.parametrize(("name", "text", "pattern", "row", "key"), MALFORMED,
                         ids=[case[0] for case in MALFORMED])
def test_malformed_published_table(tmp_path, malformed_tally, name, text, pattern, row, key):
    path = tmp_path / "published.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    malformed_tally["cases"] += 1
    with pytest.raises(InputError, match=pattern) as info:
        run_replication(path, out)
    left = sorted(p.name for p in out.iterdir())
    malformed_tally["partial"] += len(left)
    assert left == []
    message = str(info.value)
    assert message.startswith(f"{path}, row {row}"), message
    assert (info.value.row, info.value.key) == (row, key)
    if key is not None:
        assert key in message
    assert "expected" in message
    malformed_tally["errors"] += 1


@pytest.mark.parametrize(("name", "data", "pattern", "row"), [
    ("empty file", b"", r"file is empty; expected a CSV with the header", None),
    ("blank lines only", b"\n  \n", r"file is empty", None),
    ("latin-1", (HEADER + "\nCIV,apparel,1995-2008,market_share_change,0.1,Côte\n")
     .encode("latin-1"), r"byte 0xf4 is not UTF-8 text; expected UTF-8", 2),
])
def test_unreadable_published_table(tmp_path, malformed_tally, name, data, pattern, row):
    path = tmp_path / "published.csv"
    path.write_bytes(data)
    malformed_tally["cases"] += 1
    with pytest.raises(InputError, match=pattern) as info:
        read_published(path)
    assert str(path) in str(info.value)
    assert info.value.row == row
    malformed_tally["errors"] += 1


def test_chains_and_periods_are_only_checked_when_given(tmp_path):
    path = write_published(tmp_path / "p.csv", ["BGD,textiles,1990-2000,market_share_change,0.1,"])
    assert len(read_published(path)) == 1


# --- the report ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_report_lists_every_disagreement_with_both_values(comparison, fmt):
    text = replication_report(comparison, fmt, tolerance=0.05, absolute_tolerance=0.005,
                              published_path="studies/paper.csv", change_measure="log",
                              chain_labels={"apparel": "Apparel", "automotive": "Automotive"})
    assert ("11 published cells from studies/paper.csv: 5 match, 3 mismatch, 3 missing. "
            "Numbers: 4 of 8 within tolerance. Classes: 1 of 3 agree.") in text
    assert "≤ 0.05 × |published| or ≤ 0.005" in text
    heading = "<h2>{}</h2>" if fmt == "html" else "## {}"
    disagreements = text.split(heading.format("Disagreements"))[1]
    disagreements, missing = disagreements.split(heading.format("Missing"))
    for published, computed, difference in [("0.2857", "0.3", "+0.0143"),
                                            ("-0.106", "-0.1", "+0.006"),
                                            ("upgrading", "downgrading", "")]:
        assert published in disagreements and computed in disagreements
        assert difference in disagreements
    assert disagreements.count("Automotive") == 2 and disagreements.count("Apparel") == 1
    assert "no row for this country, value chain and period in the results" in missing
    assert "insufficient data" in missing
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and text.count('<table class="gvc-table">') == 3
        assert "<td>VNM</td><td>Apparel</td><td>1995-2008</td><td>unit_value_change</td>" \
               "<td>0.2857</td><td>0.3</td><td>+0.0143</td><td>Table 2</td>" in text
    else:
        assert "| VNM | Apparel | 1995-2008 | unit_value_change | 0.2857 | 0.3 | +0.0143 | " \
               "Table 2 |" in text


def test_report_without_disagreements_says_so(tmp_path):
    published = read_published(write_published(tmp_path / "p.csv", [CELLS[0][0]]))
    text = replication_report(compare(classification_table(), published), "markdown",
                              tolerance=0.05)
    assert "None: every cell the run could check matches." in text
    assert "None: the run has a value for every published cell." in text


# --- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    ({"tolerance": -0.01}, r"key 'replication\.tolerance': -0\.01 is less than the minimum of 0"),
    ({"absolute_tolerance": "small"}, r"key 'replication\.absolute_tolerance': 'small' is not of"),
    ({"published": 3}, r"key 'replication\.published': 3 is not of type"),
    ({"tolerence": 0.1}, r"key 'replication\.tolerence' is not allowed"),
])
def test_replication_config_is_validated(change, message):
    config = load_yaml(REPO / "config" / "config.yaml")
    assert config["replication"] == {"published": None, "tolerance": 0.05,
                                     "absolute_tolerance": 0.0}
    config["replication"].update(change)
    with pytest.raises(ConfigError, match=message):
        validate(config, REPO / "workflow" / "schemas" / "config.schema.yaml")


# --- end to end: the demo against a published table made from its own results -----------------


ABSENT_COUNTRY = "ATA"  # Antarctica: never in the demo world


def published_from(classification: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A published table made from the demo's own classification, a few values changed on
    purpose; returns it with the status each row must get."""
    complete = classification[(classification["market_share_change"].abs() > 0.01)
                              & classification["unit_value_change"].notna()
                              & classification["real_wage_change"].notna()
                              & (classification["economic_class"] != "insufficient data")]
    a, b, c = (complete.iloc[i] for i in (0, 7, 15))
    no_wage = classification[classification["real_wage_change"].isna()].iloc[0]
    no_social = classification[classification["social_class"] == "insufficient data"].iloc[0]
    other = {"upgrading": "downgrading", "downgrading": "mixed", "mixed": "upgrading"}

    def shift(value):  # always more than 5% away: |shift - v| = 0.1 + 0.5|v| > 0.05 |shift|
        return value + 0.1 + 0.5 * abs(value)

    def cell(row, indicator, value, source):
        return {"country": row["country"], "value_chain": row["value_chain"],
                "period": row["period"], "indicator": indicator, "value": value,
                "source": source}

    rows = [
        (cell(a, "market_share_change", round(a["market_share_change"], 6), "Table 2"), "match"),
        (cell(a, "real_wage_change", shift(a["real_wage_change"]), "Table 4"), "mismatch"),
        (cell(b, "market_share_change", shift(b["market_share_change"]), "Table 2"), "mismatch"),
        (cell(b, "unit_value_change", b["unit_value_change"] * 1.03, "Table 2"), "match"),
        (cell(b, "economic_class", other[b["economic_class"]].capitalize(), "Table 3"),
         "mismatch"),
        (cell(c, "economic_class", c["economic_class"], "Table 3"), "match"),
        (cell(no_wage, "real_wage_change", 0.25, "Table 4"), "missing"),
        (cell(no_social, "social_class", "upgrading", "Table 5"), "missing"),
        ({**cell(c, "market_share_change", 0.5, "Table 2"), "country": ABSENT_COUNTRY},
         "missing"),
    ]
    return pd.DataFrame([row for row, _ in rows]), [status for _, status in rows]


REPLICATION_OUTPUTS = [f"results/replication/replication.{ext}" for ext in ("csv", "md", "html")]


@pytest.fixture(scope="module")
def replication_run(tmp_path_factory):
    """The demo up to its classification, then the replication report for a published table
    made from it (dry runs before, to see what rule all asks for)."""
    work = copy_repo(tmp_path_factory.mktemp("replication"))
    snakemake(work, "--cores", "2", "results/classification/classification.parquet")
    classification = pd.read_parquet(work / "results" / "classification" / "classification.parquet")
    assert ABSENT_COUNTRY not in set(classification["country"])
    published, statuses = published_from(classification)
    published.to_csv(work / "paper.csv", index=False)
    (work / "overlay.yaml").write_text("replication:\n  published: paper.csv\n  tolerance: 0.05\n")
    dry = {
        "default": snakemake(work, "-n"),
        "overlay": snakemake(work, "-n", "--configfile", "overlay.yaml"),
        "unset": snakemake(work, "-n", REPLICATION_OUTPUTS[0], check=False),
    }
    snakemake(work, "--cores", "2", *REPLICATION_OUTPUTS, "--configfile", "overlay.yaml")
    return work, published, statuses, dry


@pytest.mark.e2e
def test_rule_all_asks_for_the_report_only_when_a_table_is_named(replication_run):
    *_, dry = replication_run
    assert "compare_with_published" not in dry["default"].stdout + dry["default"].stderr
    assert "compare_with_published" in dry["overlay"].stdout + dry["overlay"].stderr
    unset = dry["unset"]
    assert unset.returncode != 0
    assert "replication.published is not set" in unset.stdout + unset.stderr


@pytest.mark.e2e
def test_replication_csv_has_the_expected_statuses(replication_run):
    work, published, statuses, _ = replication_run
    result = pd.read_csv(work / "results" / "replication" / "replication.csv",
                         keep_default_na=False, na_values=[""])
    assert list(result["status"]) == statuses
    for column in ["country", "value_chain", "period", "indicator", "source"]:
        assert list(result[column]) == list(published[column]), column
    log = (work / "results" / "logs" / "compare_with_published.log").read_text()
    counts = {status: statuses.count(status) for status in ("match", "mismatch", "missing")}
    assert counts == {"match": 3, "mismatch": 3, "missing": 3}
    assert ("9 published cells: 3 match, 3 mismatch, 3 missing; numbers within tolerance 2 of 6, "
            "classes agreeing 1 of 3") in log
    assert (work / "results" / "benchmarks" / "compare_with_published.tsv").exists()


@pytest.mark.e2e
def test_replication_report_lists_each_disagreement(replication_run):
    work, published, statuses, _ = replication_run
    html = (work / "results" / "replication" / "replication.html").read_text(encoding="utf-8")
    classification = pd.read_parquet(work / "results" / "classification" / "classification.parquet")
    computed = classification.set_index(["country", "value_chain", "period"])
    disagreements = html.split("<h2>Disagreements</h2>")[1].split("<h2>Missing</h2>")[0]
    assert disagreements.count("<tr><td>") == statuses.count("mismatch")
    for row, status in zip(published.to_dict("records"), statuses):
        if status != "mismatch":
            continue
        value = computed.loc[(row["country"], row["value_chain"], row["period"]), row["indicator"]]
        if isinstance(row["value"], str):
            shown = [row["value"].lower(), value]
        else:
            shown = [f"{row['value']:.6g}", f"{value:.6g}"]
        line = next(line for line in disagreements.splitlines()
                    if f"<td>{row['country']}</td>" in line and f"<td>{row['indicator']}</td>" in line)
        assert all(f"<td>{text}</td>" in line for text in shown), (line, shown)
        assert f"<td>{row['source']}</td>" in line
    assert f"<td>{ABSENT_COUNTRY}</td>" in html.split("<h2>Missing</h2>")[1]
