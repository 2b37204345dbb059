"""Tests for the report's provenance record, outputs map and in-text numbers."""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from gvc_upgrading.outputs.numbers import in_text_numbers
from gvc_upgrading.outputs.provenance import (
    describe_provenance,
    git_revision,
    library_functions,
    outputs_map,
    provenance_html,
    rule_catalogue,
    sha256_file,
)


@pytest.fixture
def raw_files(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(b"t,i,j\n1995,4,8\n")
    second.write_bytes(b"x" * 3_000_000)  # more than one read chunk
    return first, second


def test_sha256_file_reads_in_chunks(raw_files):
    _, big = raw_files
    assert sha256_file(big, chunk=1000) == hashlib.sha256(big.read_bytes()).hexdigest()


def test_provenance_records_files_pins_software_and_config(raw_files, tmp_path):
    first, second = map(str, raw_files)
    good = hashlib.sha256(raw_files[0].read_bytes()).hexdigest()
    datasets = {
        "trade": {"id": "baci_x", "source": "baci", "version": "202401", "licence": "Etalab 2.0",
                  "url": "{base_url}/{file}", "sha256": {"a.csv": good, "b.csv": "0" * 64}},
        "cpi": {"id": "wdi_demo", "source": "wdi", "version": "demo", "generator": "demo",
                "licence": "none"},
    }
    config = {"run_name": "test <run>", "estimation": {"specifications": [{"id": "e"}]}}
    record = describe_provenance(datasets, {"trade": [first, second], "cpi": [first]}, config,
                                 [first], tmp_path)
    trade, cpi = record["datasets"]
    assert [f["matches_pin"] for f in trade["files"]] == [True, False]
    assert cpi["files"][0]["matches_pin"] is None and cpi["generator"] == "demo"
    assert trade["files"][1]["bytes"] == 3_000_000
    assert record["software"]["pandas"] == pd.__version__
    assert record["workflow_revision"] == "not a git checkout"
    assert record["config"] == config
    json.dumps(record)  # JSON-ready
    page = provenance_html(record)
    assert "baci_x" in page and good in page and "DIFFERS from the pin" in page
    assert "test &lt;run&gt;" in page and "<run>" not in page
    assert "specifications:" in page  # the config, as YAML


def test_git_revision_of_the_repository():
    revision = git_revision(REPO)
    if revision == "not a git checkout":
        pytest.skip("the repository is not a git checkout here")
    assert len(revision.split()[0]) == 40


class _Output(str):
    """Stands in for a Snakemake output file: a path string with flags."""

    def __new__(cls, path, flags):
        output = super().__new__(cls, path)
        output.flags = flags
        return output


def _rule(name, script, outputs, snakefile="/repo/workflow/rules/x.smk"):
    """Stands in for a Snakemake rule with the attributes rule_catalogue reads."""
    return SimpleNamespace(name=name, script=script, snakefile=snakefile,
                           output=[_Output(path, flags) for path, flags in outputs])


def test_rule_catalogue_and_outputs_map(tmp_path):
    scripts = tmp_path / "workflow" / "scripts"
    scripts.mkdir(parents=True)
    (scripts / "plot_x.py").write_text(
        "from gvc_upgrading.outputs.figures import plot_x, STYLE\n"
        "from gvc_upgrading.io import rule_logging\nimport json\n")
    reported = SimpleNamespace(category="Data", subcategory="Paths")
    rules = [
        _rule("all", None, []),
        _rule("plot_x", "../scripts/plot_x.py",
              [("results/figures/x.png", {"report": reported}), ("results/figures/x.pdf", {})],
              snakefile=str(tmp_path / "workflow" / "rules" / "figures.smk")),
        _rule("harmonise_trade", None, [(r"results/trade_{year,\d{4}}.parquet", {})]),
    ]
    catalogue = rule_catalogue(rules, tmp_path)
    assert [entry["rule"] for entry in catalogue] == ["plot_x", "harmonise_trade"]
    plot = catalogue[0]
    assert plot["script"] == "workflow/scripts/plot_x.py"
    assert plot["library"] == ["gvc_upgrading.outputs.figures.plot_x", "gvc_upgrading.outputs.figures.STYLE"]
    assert plot["outputs"][0] == {"path": "results/figures/x.png", "category": "Data",
                                  "subcategory": "Paths"}
    assert catalogue[1]["outputs"][0]["path"] == "results/trade_{year}.parquet"
    markdown = outputs_map(catalogue, "markdown")
    assert ("| `results/figures/x.png` | Data / Paths | `plot_x` | `workflow/scripts/plot_x.py` "
            "| gvc_upgrading.outputs.figures.plot_x, gvc_upgrading.outputs.figures.STYLE |") in markdown
    page = outputs_map(catalogue, "html")
    assert page.count("<tr>") == 1 + 3 and "results/trade_{year}.parquet" in page
    with pytest.raises(ValueError, match="latex"):
        outputs_map(catalogue, "latex")


def test_library_functions_of_a_real_script():
    script = REPO / "workflow" / "scripts" / "tabulate_quadrants.py"
    assert library_functions(script) == ["gvc_upgrading.outputs.tables.quadrant_counts",
                                         "gvc_upgrading.outputs.tables.quadrant_table"]


def test_in_text_numbers():
    indicators = pd.DataFrame({
        "country": ["A", "A", "B", "B", "C"],
        "value_chain": ["x", "x", "x", "y", "y"],
        "year": [2000, 2001, 2000, 2000, 2001],
        "market_share": [0.5, 0.6, 0.5, np.nan, 1.0],
        "employment_persons": [1.0, np.nan, np.nan, 3.0, np.nan],
        "real_wage_per_employee_lcu": [np.nan, 2.0, np.nan, np.nan, np.nan],
    })
    classes = [("A", "upgrading", "upgrading"), ("B", "upgrading", "downgrading"),
               ("C", "mixed", "insufficient data"), ("D", "insufficient data", "upgrading")]
    classification = pd.DataFrame(
        [{"country": c, "value_chain": "x", "period": "p", "economic_class": e,
          "social_class": s} for c, e, s in classes])
    estimates = pd.DataFrame({
        "spec_id": ["e", "e", "e"], "value_chain": ["x", "x", "x"],
        "term": ["log_market_share", "log_market_share_x_union_density", "union_density"],
        "term_label": ["log market share", "log market share × trade union density",
                       "trade union density"],
        "role": ["regressor", "interaction", "moderator"],
        "estimate": [0.5, 0.02, np.nan], "std_error": [0.1, 0.01, np.nan],
        "ci_low": [0.3, 0.0, np.nan], "ci_high": [0.7, 0.04, np.nan],
        "p_value": [np.nan, 0.05, np.nan], "n_obs": [np.int64(120)] * 3,
        "note": ["", "", "absorbed by the fixed effects"],
    })
    numbers = in_text_numbers(indicators, classification, estimates)
    assert numbers["panel"] == {"countries": 3, "value_chains": ["x", "y"], "first_year": 2000,
                                "last_year": 2001, "rows": 5}
    assert numbers["value_chains"]["x"] == {"countries_exporting": 2,
                                            "countries_with_labour_data": 1, "country_years": 3}
    assert numbers["value_chains"]["y"]["countries_with_labour_data"] == 1
    shares = numbers["classification"]["by_value_chain"]["x"]["p"]
    assert shares["countries"] == 4 and shares["countries_with_both_classes"] == 2
    assert shares["economic_upgrading"] == pytest.approx(2 / 3)  # A, B of A, B, C
    assert shares["social_upgrading"] == pytest.approx(2 / 3)  # A, D of A, B, D
    assert shares["both_upgrading"] == 0.5
    assert shares["economic_upgrading_social_downgrading"] == 0.5
    assert numbers["classification"]["overall"] == shares
    coefficient = numbers["coefficients"]["e"]["x"]["log_market_share"]
    assert coefficient == {"label": "log market share", "role": "regressor", "estimate": 0.5,
                           "std_error": 0.1, "ci_low": 0.3, "ci_high": 0.7, "p_value": None,
                           "n_obs": 120, "note": None}
    assert type(coefficient["n_obs"]) is int
    terms = numbers["coefficients"]["e"]["x"]
    interaction = terms["log_market_share_x_union_density"]
    assert interaction["label"] == "log market share × trade union density"
    assert interaction["role"] == "interaction" and interaction["estimate"] == 0.02
    assert terms["union_density"]["estimate"] is None
    assert terms["union_density"]["note"] == "absorbed by the fixed effects"
    json.dumps(numbers, allow_nan=False)
