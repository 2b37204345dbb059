"""End-to-end: the Snakemake workflow on the demo world, in a temporary copy of the repository."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from conftest import REPO
from gvc_upgrading.demo import COEFFICIENT_TOLERANCE, TRUE_COEFFICIENTS

pytestmark = pytest.mark.e2e

COPIED = ["Snakefile", "config", "workflow", "profiles", "envs"]


def snakemake(workdir, *args, check=True):
    result = subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workdir,
                            capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def copy_repo(target):
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """Run the whole demo workflow once (about a minute on two cores)."""
    work = copy_repo(tmp_path_factory.mktemp("workflow"))
    snakemake(work, "--cores", "2")
    return work


def test_outputs_of_every_stage(demo_run):
    results = demo_run / "results"
    for relative in ["harmonised/trade/trade_1995.parquet", "harmonised/trade/trade_2022.parquet",
                     "harmonised/labour.parquet", "harmonised/prices.parquet",
                     "indicators/indicators.parquet", "classification/classification.parquet",
                     "estimates/estimates.parquet", "estimates/estimates.csv",
                     "tables/regressions.md", "tables/regressions.tex", "tables/regressions.html",
                     "tables/quadrant_counts.csv", "figures/quadrants_apparel.png",
                     "figures/quadrants_automotive.pdf", "figures/coefficients.png"]:
        assert (results / relative).stat().st_size > 0, relative
    for rule in ["generate_demo_world", "compute_indicators", "harmonise_trade/2001"]:
        assert (results / "logs" / f"{rule}.log").exists()
        assert (results / "benchmarks" / f"{rule}.tsv").exists()
    indicators = pd.read_parquet(results / "indicators" / "indicators.parquet")
    assert set(indicators["value_chain"]) == {"apparel", "mobile_phones", "horticulture", "automotive"}
    shares = indicators.dropna(subset=["market_share"]).groupby(["value_chain", "year"])["market_share"].sum()
    assert shares.to_numpy() == pytest.approx(1.0)


def test_regressions_recover_the_true_coefficients(demo_run):
    estimates = pd.read_parquet(demo_run / "results" / "estimates" / "estimates.parquet")
    checked = 0
    for chain, outcomes in TRUE_COEFFICIENTS.items():
        for outcome, terms in outcomes.items():
            for regressor, truth in terms.items():
                row = estimates[(estimates["value_chain"] == chain) & (estimates["outcome"] == outcome)
                                & (estimates["term"] == f"log_{regressor}")]
                assert len(row) == 1, (chain, outcome, regressor)
                estimate = row["estimate"].iloc[0]
                assert abs(estimate - truth) <= COEFFICIENT_TOLERANCE, (chain, outcome, regressor, estimate, truth)
                checked += 1
    assert checked == 16


def test_nothing_to_do_after_a_completed_run(demo_run):
    result = snakemake(demo_run, "-n")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_report_contains_figures_and_tables(demo_run):
    snakemake(demo_run, "--report", "results/report.html")
    html = (demo_run / "results" / "report.html").read_text(encoding="utf-8", errors="replace")
    for name in ["quadrants_apparel.png", "coefficients.png", "regressions.html", "quadrant_counts.html"]:
        assert name in html, name


def test_lint_is_clean(demo_run):
    result = snakemake(demo_run, "--lint")
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


@pytest.mark.parametrize(("overlay", "message"), [
    ("classification:\n  tolerence: 0.05\n", "classification.tolerence' is not allowed"),
    ("prices:\n  cpi_base_year: twenty-ten\n",
     "prices.cpi_base_year': 'twenty-ten' is not of type 'integer'"),
])
def test_config_overlay_errors_name_the_key(tmp_path, overlay, message):
    work = copy_repo(tmp_path)
    (work / "overlay.yaml").write_text(overlay)
    result = snakemake(work, "-n", "--configfile", "overlay.yaml", check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
