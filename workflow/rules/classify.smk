rule classify_upgrading:
    input:
        indicators="results/indicators/indicators.parquet",
        dimensions=config["dimensions"]["file"],
    output:
        "results/classification/classification.parquet",
    params:
        rule=config["classification"]["rule"],
        tolerance=config["classification"]["tolerance"],
        endpoint_years=config["classification"]["endpoint_years"],
        min_endpoint_observations=config["classification"]["min_endpoint_observations"],
        periods=config["classification"]["periods"],
        change=config["classification"]["change"],
        level_changes=config["classification"]["level_changes"],
        decent_work=config["classification"]["decent_work"],
        series_breaks=config["harmonise"]["series_break"],
        dimensions=config["dimensions"],
    log:
        "results/logs/classify_upgrading.log",
    benchmark:
        "results/benchmarks/classify_upgrading.tsv"
    message:
        "Classifying economic and social upgrading per country, chain and period ({params.rule})"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/classify_upgrading.py"


rule classify_further_rules:
    input:
        indicators="results/indicators/indicators.parquet",
        dimensions=config["dimensions"]["file"],
    output:
        tables=expand("results/classification/classification_{rule}.parquet", rule=FURTHER_RULES),
        csv=expand("results/tables/quadrant_counts_{rule}.csv", rule=FURTHER_RULES),
        md=expand("results/tables/quadrant_counts_{rule}.md", rule=FURTHER_RULES),
        html=[
            report(
                path,
                category="Upgrading",
                subcategory="Counts",
                caption="../report/quadrant_counts_by_rule.rst",
            )
            for path in expand("results/tables/quadrant_counts_{rule}.html", rule=FURTHER_RULES)
        ],
    params:
        rules=FURTHER_RULES,
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        tolerance=config["classification"]["tolerance"],
        endpoint_years=config["classification"]["endpoint_years"],
        min_endpoint_observations=config["classification"]["min_endpoint_observations"],
        periods=config["classification"]["periods"],
        change=config["classification"]["change"],
        level_changes=config["classification"]["level_changes"],
        decent_work=config["classification"]["decent_work"],
        series_breaks=config["harmonise"]["series_break"],
        dimensions=config["dimensions"],
    log:
        "results/logs/classify_further_rules.log",
    benchmark:
        "results/benchmarks/classify_further_rules.tsv"
    message:
        "Classifying economic and social upgrading with the further rules {params.rules}, "
        "and counting their quadrants"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/classify_further_rules.py"


rule assess_robustness:
    input:
        indicators="results/indicators/indicators.parquet",
        prices="results/harmonised/prices.parquet",
        dimensions=config["dimensions"]["file"],
    output:
        table="results/robustness/robustness.parquet",
        csv="results/robustness/robustness.csv",
        md="results/tables/robustness.md",
        html=report(
            "results/tables/robustness.html",
            category="Upgrading",
            subcategory="Robustness",
            caption="../report/robustness_table.rst",
        ),
    params:
        rule=config["classification"]["rule"],
        tolerance=config["classification"]["tolerance"],
        endpoint_years=config["classification"]["endpoint_years"],
        min_endpoint_observations=config["classification"]["min_endpoint_observations"],
        periods=config["classification"]["periods"],
        change=config["classification"]["change"],
        level_changes=config["classification"]["level_changes"],
        decent_work=config["classification"]["decent_work"],
        series_breaks=config["harmonise"]["series_break"],
        dimensions=config["dimensions"],
        grid=config["robustness"],
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
    log:
        "results/logs/assess_robustness.log",
    benchmark:
        "results/benchmarks/assess_robustness.tsv"
    message:
        "Re-classifying under every combination of the robustness grid and measuring agreement "
        "with the baseline verdicts ({params.rule})"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/assess_robustness.py"


rule plot_robustness:
    input:
        "results/robustness/robustness.parquet",
    output:
        reported(
            expand("results/figures/robustness.{ext}", ext=config["figures"]["formats"]),
            category="Upgrading",
            subcategory="Robustness",
            caption="../report/robustness_figure.rst",
        ),
    params:
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        formats=config["figures"]["formats"],
        dpi=config["figures"]["dpi"],
    log:
        "results/logs/plot_robustness.log",
    benchmark:
        "results/benchmarks/plot_robustness.tsv"
    message:
        "Plotting how far each upgrading verdict agrees across the robustness grid"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/plot_robustness.py"
