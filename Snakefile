# gvc-upgrading: economic and social upgrading in global value chains.
# Stages: retrieve -> harmonise -> indicators -> classify -> estimate -> tables, figures, report.

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/retrieve.smk"
include: "workflow/rules/harmonise.smk"
include: "workflow/rules/indicators.smk"
include: "workflow/rules/classify.smk"
include: "workflow/rules/estimate.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/replicate.smk"


rule all:
    input:
        "results/indicators/indicators.parquet",
        "results/classification/classification.parquet",
        further_classifications(),
        "results/estimates/estimates.parquet",
        expand("results/tables/regressions.{ext}", ext=["md", "tex", "html"]),
        expand("results/tables/quadrant_counts.{ext}", ext=["csv", "md", "html"]),
        "results/robustness/robustness.parquet",
        expand("results/tables/robustness.{ext}", ext=["md", "html"]),
        expand("results/figures/robustness.{ext}", ext=config["figures"]["formats"]),
        quadrant_figures(),
        expand(
            "results/figures/decent_work_{chain}.{ext}",
            chain=CHAINS,
            ext=config["figures"]["formats"],
        ),
        "results/profiles/profiles.html",
        coefficient_figures(),
        expand("results/tables/descriptives.{ext}", ext=["csv", "md", "tex", "html"]),
        expand("results/figures/paths.{ext}", ext=config["figures"]["formats"]),
        value_capture_figures(),
        expand("results/figures/coverage.{ext}", ext=config["figures"]["formats"]),
        "results/harmonised/accounting.html",
        "results/tables/data_availability.html",
        "results/provenance/provenance.html",
        "results/numbers.json",
        "results/outputs_map.html",
        group_comparison_tables(),
        replication_outputs(),
    default_target: True
