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
        tolerance=config["classification"]["tolerance"],
        dimension_labels={name: dim.label for name, dim in DIMENSIONS.items()},
        formats=config["figures"]["formats"],
        dpi=config["figures"]["dpi"],
    # The longest figure jobs start first, so that neither ends the run alone.
    priority: 10
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
            subcategory="Coefficient plot",
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


rule plot_paths:
    input:
        "results/indicators/indicators.parquet",
    output:
        reported(
            expand("results/figures/paths.{ext}", ext=config["figures"]["formats"]),
            category="Data",
            subcategory="Country paths",
            caption="../report/paths.rst",
        ),
    params:
        countries=config["figures"]["path_countries"],
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        formats=config["figures"]["formats"],
        dpi=config["figures"]["dpi"],
    log:
        "results/logs/plot_paths.log",
    benchmark:
        "results/benchmarks/plot_paths.tsv"
    message:
        "Plotting market-share and real-wage paths of {params.countries}"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/plot_paths.py"


rule plot_decent_work:
    input:
        "results/classification/classification.parquet",
    output:
        reported(
            expand(
                "results/figures/decent_work_{chain}.{ext}",
                chain=CHAINS,
                ext=config["figures"]["formats"],
            ),
            category="Upgrading",
            subcategory="Decent work",
            caption="../report/decent_work.rst",
        ),
    params:
        chains=CHAINS,
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        dimensions={
            name: dict(vars(dim)) for name, dim in DIMENSIONS.items() if dim.side == "social"
        },
        level_changes=config["classification"]["level_changes"],
        formats=config["figures"]["formats"],
        dpi=config["figures"]["dpi"],
    # The longest figure jobs start first, so that neither ends the run alone.
    priority: 10
    log:
        "results/logs/plot_decent_work.log",
    benchmark:
        "results/benchmarks/plot_decent_work.tsv"
    message:
        "Plotting the change of each social dimension per country and period (decent work)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/plot_decent_work.py"


rule write_country_profiles:
    input:
        indicators="results/indicators/indicators.parquet",
        classification="results/classification/classification.parquet",
    output:
        report(
            "results/profiles/profiles.html",
            category="Upgrading",
            subcategory="Country profiles",
            caption="../report/profiles.rst",
        ),
    params:
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        dimensions={name: dict(vars(dim)) for name, dim in DIMENSIONS.items()},
        level_changes=config["classification"]["level_changes"],
    log:
        "results/logs/write_country_profiles.log",
    benchmark:
        "results/benchmarks/write_country_profiles.tsv"
    message:
        "Writing the country profile page: economic and social paths and verdicts"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/write_country_profiles.py"


rule plot_value_capture:
    input:
        "results/indicators/indicators.parquet",
    output:
        [
            path
            for name in VALUE_CAPTURE_FIGURES
            for path in reported(
                expand(f"results/figures/{name}.{{ext}}", ext=config["figures"]["formats"]),
                category="Upgrading",
                subcategory="Value captured",
                caption=f"../report/{name}.rst",
            )
        ],
    params:
        figures=VALUE_CAPTURE_FIGURES,
        countries=config["figures"]["path_countries"],
        periods=config["classification"]["periods"],
        endpoint_years=config["classification"]["endpoint_years"],
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        formats=config["figures"]["formats"],
        dpi=config["figures"]["dpi"],
    log:
        "results/logs/plot_value_capture.log",
    benchmark:
        "results/benchmarks/plot_value_capture.tsv"
    message:
        "Plotting value captured (OECD TiVA): {params.figures}"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/plot_value_capture.py"
