rule plot_quadrants:
    input:
        "results/classification/classification.parquet",
    output:
        reported(
            quadrant_figures(),
            category="Upgrading",
            subcategory="Quadrants",
            caption="../report/quadrants.rst",
        ),
    params:
        chains=CHAINS,
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        formats=config["figures"]["formats"],
        dpi=config["figures"]["dpi"],
    log:
        "results/logs/plot_quadrants.log",
    benchmark:
        "results/benchmarks/plot_quadrants.tsv"
    message:
        "Plotting the economic x social upgrading quadrants of each value chain"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/plot_quadrants.py"


rule plot_coefficients:
    input:
        "results/estimates/estimates.parquet",
    output:
        reported(
            coefficient_figures(),
            category="Regressions",
            caption="../report/coefficients.rst",
        ),
    params:
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        formats=config["figures"]["formats"],
        dpi=config["figures"]["dpi"],
    log:
        "results/logs/plot_coefficients.log",
    benchmark:
        "results/benchmarks/plot_coefficients.tsv"
    message:
        "Plotting estimated coefficients with 95% intervals across specifications"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/plot_coefficients.py"
